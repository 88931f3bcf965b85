/*
 * vxgram.c — matches the keys typed against a field's or <link>'s SRGS DTMF grammar (the flat table
 * compiler/vxml_srgs.c makes; docs/voicexml.md "SRGS grammars"). For the keys b[0..n) it finds
 * whether some sentence of the grammar is exactly them (a match) and whether some longer one
 * starts with them (more may come). Positions are sets in a 64-bit mask (at most 63 keys);
 * the work is bounded (a grammar that needs more steps than VXG_STEPS gives no match).
 */
#include <string.h>
#include "rt.h"

enum { VXG_STEPS = 200000, VXG_DEPTH = 64 };

typedef struct cx_vxg {
	const cx_vx_gnode *nodes;
	const uint32_t *kids;
	const char *b;
	size_t n;
	long steps;
	int partial;        /* the keys end inside some sentence */
} cx_vxg;

static uint64_t cx_vxg__at(cx_vxg *m, uint32_t idx, size_t start, int depth);

/* The end positions of one pass of node nd (no repeat) from start. */
static uint64_t cx_vxg__once(cx_vxg *m, const cx_vx_gnode *nd, size_t start, int depth)
{
	const uint32_t *kids = m->kids + nd->first;

	switch (nd->kind) {
	case CX_VX_G_KEYS: {
		size_t len = strlen(nd->keys), have = m->n - start;
		if (len <= have)
			return !memcmp(m->b + start, nd->keys, len) ? (uint64_t)1 << (start + len) : 0;
		if (!memcmp(m->b + start, nd->keys, have))
			m->partial = 1;
		return 0;
	}
	case CX_VX_G_REF:
		return cx_vxg__at(m, nd->first, start, depth + 1);
	case CX_VX_G_ALT: {
		uint64_t ends = 0;
		for (uint32_t i = 0; i < nd->n; i++)
			ends |= cx_vxg__at(m, kids[i], start, depth + 1);
		return ends;
	}
	default: { /* SEQ */
		uint64_t set = (uint64_t)1 << start;
		for (uint32_t i = 0; i < nd->n && set; i++) {
			uint64_t next = 0;
			for (size_t p = 0; p <= m->n; p++)
				if (set >> p & 1)
					next |= cx_vxg__at(m, kids[i], p, depth + 1);
			set = next;
		}
		return set;
	}
	}
}

/* The end positions of node idx with its repeat from start. */
static uint64_t cx_vxg__at(cx_vxg *m, uint32_t idx, size_t start, int depth)
{
	const cx_vx_gnode *nd = &m->nodes[idx];

	if (++m->steps > VXG_STEPS || depth > VXG_DEPTH)
		return 0;
	uint64_t set = (uint64_t)1 << start, ends = nd->min == 0 ? set : 0;
	int max = nd->max < 0 ? (int)m->n + nd->min + 1 : nd->max;
	for (int i = 1; i <= max && set; i++) {
		uint64_t next = 0;
		for (size_t p = 0; p <= m->n; p++)
			if (set >> p & 1)
				next |= cx_vxg__once(m, nd, p, depth);
		if (next == set && i > nd->min)
			break; /* no progress: an empty pass */
		set = next;
		if (i >= nd->min)
			ends |= set;
	}
	return ends;
}

int cx_vx_gram_match(const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b, size_t n,
		     int final)
{
	cx_vxg m = {.nodes = nodes, .kids = kids, .b = b, .n = n};

	if (n > 63 || !nodes)
		return -1;
	uint64_t ends = cx_vxg__at(&m, root, 0, 0);
	int whole = (int)(ends >> n & 1);
	if (whole && (final || !m.partial))
		return 1;
	return m.partial && !final ? 0 : -1;
}

/* Section - Spans: one derivation, by backtracking (form-level grammars' slots)
 *
 * A goal is what is left to match, a list shared by the alternatives tried (each call adds at
 * most two cells on its own stack): a node with the passes it made, a <ruleref>'s end (the span
 * it took is recorded), or the rest of a sequence. More passes of a repeat are tried first. */

enum { VXP_DEPTH = 2048 };
enum { VXP_NODE, VXP_SPAN, VXP_SEQ };

typedef struct cx_vxp_goal {
	int kind;                   /* VXP_* */
	uint32_t idx;               /* the node (VXP_SPAN: the REF node; VXP_SEQ: the sequence) */
	int done;                   /* VXP_NODE: passes made; VXP_SEQ: the next kid */
	size_t from;                /* where the last pass (the span) began */
	const struct cx_vxp_goal *next;
} cx_vxp_goal;

typedef struct cx_vxp {
	cx_vxg m;
	cx_vx_span *out;
	int nout, max;
} cx_vxp;

static int cx_vxp__go(cx_vxp *p, const cx_vxp_goal *g, size_t pos, int depth);

/* One pass of node nd (its index idx) from pos, then cont. */
static int cx_vxp__once(cx_vxp *p, uint32_t idx, const cx_vxp_goal *cont, size_t pos, int depth)
{
	const cx_vx_gnode *nd = &p->m.nodes[idx];
	const uint32_t *kids = p->m.kids + nd->first;

	switch (nd->kind) {
	case CX_VX_G_KEYS: {
		size_t len = strlen(nd->keys);
		if (len > p->m.n - pos || memcmp(p->m.b + pos, nd->keys, len))
			return 0;
		return cx_vxp__go(p, cont, pos + len, depth + 1);
	}
	case CX_VX_G_REF: {
		cx_vxp_goal end = {VXP_SPAN, idx, 0, pos, cont};
		cx_vxp_goal body = {VXP_NODE, nd->first, 0, pos, nd->name ? &end : cont};
		return cx_vxp__go(p, &body, pos, depth + 1);
	}
	case CX_VX_G_ALT:
		for (uint32_t i = 0; i < nd->n; i++) {
			cx_vxp_goal k = {VXP_NODE, kids[i], 0, pos, cont};
			if (cx_vxp__go(p, &k, pos, depth + 1))
				return 1;
		}
		return 0;
	default: { /* SEQ: its kids one after the other */
		cx_vxp_goal seq = {VXP_SEQ, idx, 0, pos, cont};
		return cx_vxp__go(p, &seq, pos, depth + 1);
	}
	}
}

static int cx_vxp__go(cx_vxp *p, const cx_vxp_goal *g, size_t pos, int depth)
{
	if (++p->m.steps > VXG_STEPS || depth > VXP_DEPTH)
		return 0;
	if (!g)
		return pos == p->m.n;
	if (g->kind == VXP_SPAN) { /* a <ruleref> ends here: its span, undone if what follows fails */
		int save = p->nout;
		if (p->nout < p->max)
			p->out[p->nout++] = (cx_vx_span){p->m.nodes[g->idx].name, g->from, pos - g->from};
		if (cx_vxp__go(p, g->next, pos, depth + 1))
			return 1;
		p->nout = save;
		return 0;
	}
	const cx_vx_gnode *nd = &p->m.nodes[g->idx];
	if (g->kind == VXP_SEQ) {
		if ((uint32_t)g->done == nd->n)
			return cx_vxp__go(p, g->next, pos, depth + 1);
		cx_vxp_goal rest = {VXP_SEQ, g->idx, g->done + 1, pos, g->next};
		cx_vxp_goal kid = {VXP_NODE, p->m.kids[nd->first + (uint32_t)g->done], 0, pos, &rest};
		return cx_vxp__go(p, &kid, pos, depth + 1);
	}
	/* another pass first, unless the last one took no key and the minimum is reached */
	int more = (nd->max < 0 || g->done < nd->max) && !(g->done > 0 && pos == g->from && g->done >= nd->min);
	if (more) {
		cx_vxp_goal again = {VXP_NODE, g->idx, g->done + 1, pos, g->next};
		if (cx_vxp__once(p, g->idx, &again, pos, depth))
			return 1;
	}
	return g->done >= nd->min && cx_vxp__go(p, g->next, pos, depth + 1);
}

int cx_vx_gram_spans(const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b, size_t n,
		     cx_vx_span *out, int max)
{
	cx_vxp p = {.m = {.nodes = nodes, .kids = kids, .b = b, .n = n}, .out = out, .max = max};
	cx_vxp_goal top = {VXP_NODE, root, 0, 0, NULL};

	if (n > 63 || !nodes)
		return -1;
	return cx_vxp__go(&p, &top, 0, 0) ? p.nout : -1;
}
