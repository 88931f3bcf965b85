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
	const uint32_t *kids = m->kids + (nd->kind == CX_VX_G_TAG ? 0 : nd->first); /* a TAG's: its rule */

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
	case CX_VX_G_TAG:
		return (uint64_t)1 << start;
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
	int nout, max;              /* the derivation's events so far (those past max not kept) */
} cx_vxp;

static int cx_vxp__go(cx_vxp *p, const cx_vxp_goal *g, size_t pos, int depth);

/* An event of node idx at pos (a span of len), then what follows (cont); undone if that fails. */
static int cx_vxp__event(cx_vxp *p, int kind, uint32_t idx, size_t at, size_t len, const cx_vxp_goal *cont,
			 int depth)
{
	int save = p->nout;
	if (p->nout < p->max)
		p->out[p->nout] = (cx_vx_span){p->m.nodes[idx].name, at, len, kind, idx};
	p->nout++;
	if (cx_vxp__go(p, cont, at + len, depth + 1))
		return 1;
	p->nout = save;
	return 0;
}

/* One pass of node nd (its index idx) from pos, then cont. */
static int cx_vxp__once(cx_vxp *p, uint32_t idx, const cx_vxp_goal *cont, size_t pos, int depth)
{
	const cx_vx_gnode *nd = &p->m.nodes[idx];
	const uint32_t *kids = p->m.kids + (nd->kind == CX_VX_G_TAG ? 0 : nd->first);

	switch (nd->kind) {
	case CX_VX_G_KEYS: {
		size_t len = strlen(nd->keys);
		if (len > p->m.n - pos || memcmp(p->m.b + pos, nd->keys, len))
			return 0;
		return cx_vxp__go(p, cont, pos + len, depth + 1);
	}
	case CX_VX_G_REF: { /* its begin now, its end (VXP_SPAN) after its body */
		cx_vxp_goal end = {VXP_SPAN, idx, 0, pos, cont};
		cx_vxp_goal body = {VXP_NODE, nd->first, 0, pos, &end};
		return cx_vxp__event(p, CX_VX_SP_BEGIN, idx, pos, 0, &body, depth);
	}
	case CX_VX_G_TAG:
		return cx_vxp__event(p, CX_VX_SP_TAG, idx, pos, 0, cont, depth);
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
	if (g->kind == VXP_SPAN) /* a <ruleref> ends here: its span */
		return cx_vxp__event(p, CX_VX_SP_END, g->idx, g->from, pos - g->from, g->next, depth);
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

/* One derivation into out (at most max events kept); the number of its events (more than max
 * when some were not kept), or -1. */
static int cx_vxp__derive(const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b, size_t n,
			  cx_vx_span *out, int max)
{
	cx_vxp p = {.m = {.nodes = nodes, .kids = kids, .b = b, .n = n}, .out = out, .max = max};
	cx_vxp_goal top = {VXP_NODE, root, 0, 0, NULL};

	if (n > 63 || !nodes)
		return -1;
	return cx_vxp__go(&p, &top, 0, 0) ? p.nout : -1;
}

int cx_vx_gram_spans(const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b, size_t n,
		     cx_vx_span *out, int max)
{
	int k = cx_vxp__derive(nodes, kids, root, b, n, out, max);
	return k < max ? k : max;
}

/* Section - Semantic interpretation (SISR 1.0 over one derivation; docs/voicexml.md)
 *
 * Each rule matched (a REF's begin .. end) has a frame: its rule variable `out`, its `rules`
 * (the out of each rule it referred to, the latest instance; rules.latest() the last one) and
 * its `meta` (meta.X.text, meta.X.score: the keys X took and 1, a key's certainty;
 * meta.current(): its own). Tags run in the order of the derivation; the first tag of a rule
 * makes out an empty object. A rule no tag ran in takes the out of the last rule it referred
 * to, else the keys it took (its text). Scopes (compiler/vxml_srgs.c): the grammar's function
 * (its root REF's tag) runs its header tags and returns, per rule, a function making that
 * rule's scope: the array of its script tags as closures over one scope, so a var set by one
 * tag is seen by the rule's later ones in the same match (and the header's by all). */

enum { VXS_EVENTS = 512, VXS_DEPTH = 40 };

typedef struct cx_vxs_frame {
	cx_value out, rules, meta, latest; /* rules, meta: made at the first tag or reference */
	cx_value scope;                    /* the rule's tags as closures, made at its first */
	cx_env *lenv;                      /* rules.latest's: v[0] the latest reference's out */
	size_t at, len;                    /* the keys the rule took */
	int tagged, refs;
} cx_vxs_frame;

/* rules.latest() and meta.current(): the value their environment holds. */
static cx_value cx_vxs__held(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	(void)X, (void)this_, (void)argc, (void)argv;
	return cx_func_env(self)->v[0];
}

/* A function of that name returning v (*env: its environment, NULL to keep none). */
static cx_value cx_vxs__fn(cx_ctx *X, const char *name, cx_value v, cx_env **env)
{
	cx_env *e = cx_env_new(X, NULL, 1);
	if (!e)
		return CX_EXCEPTION;
	e->v[0] = v;
	if (env)
		*env = e;
	return cx_func_new(X, cx_vxs__held, name, 0, e);
}

/* o.k = v (0), or -1 with an exception pending. */
static int cx_vxs__def(cx_ctx *X, cx_value o, const char *k, cx_value v, int flags)
{
	if (!cx_is_exc(v) && !cx_define_cstr(X, o, k, v, flags))
		return 0;
	if (!cx_is_exc(v))
		cx_throw_error(X, "Error", "out of memory");
	return -1;
}

/* {text: b[at .. at+len), score: 1} (SISR's meta.R: keys are certain, as the confidence is) */
static cx_value cx_vxs__text(cx_ctx *X, const char *b, size_t at, size_t len)
{
	cx_value o = cx_obj_new(X);
	return cx_is_exc(o) || cx_vxs__def(X, o, "text", cx_str_utf8(X, b + at, len), 0) ||
	       cx_vxs__def(X, o, "score", cx_num(1), 0) ? CX_EXCEPTION : o;
}

/* f->scope made from the grammar's scopes (ra) for tag t (0, or -1 with an exception pending). */
static int cx_vxs__scope(cx_ctx *X, cx_vxs_frame *f, cx_value ra, const cx_vx_gnode *t)
{
	if (f->scope.tag == CX_T_OBJ)
		return 0;
	cx_value mk = cx_get_num(X, ra, t->first);
	f->scope = cx_is_exc(mk) ? mk : cx_call(X, mk, CX_UNDEFINED, 0, NULL);
	return cx_is_exc(f->scope) ? -1 : 0;
}

/* f's rules and meta objects, made once (0, or -1 with an exception pending). */
static int cx_vxs__objects(cx_ctx *X, cx_vxs_frame *f, const char *b)
{
	if (f->rules.tag == CX_T_OBJ)
		return 0;
	f->rules = cx_obj_new(X);
	f->meta = cx_obj_new(X);
	cx_value latest = cx_vxs__fn(X, "latest", CX_UNDEFINED, &f->lenv), cur = cx_vxs__text(X, b, f->at, f->len);
	cx_value current = cx_is_exc(cur) ? cur : cx_vxs__fn(X, "current", cur, NULL);
	if (cx_is_exc(f->rules) || cx_is_exc(f->meta) || cx_vxs__def(X, f->rules, "latest", latest, CX_PROP_DONTENUM) ||
	    cx_vxs__def(X, f->meta, "current", current, CX_PROP_DONTENUM)) {
		f->rules = CX_UNDEFINED;
		return -1;
	}
	return 0;
}

int cx_vx_gram_interp(cx_ctx *X, const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b,
		      size_t n, cx_value *out, int *line)
{
	cx_vx_span ev[VXS_EVENTS];
	cx_vxs_frame fr[VXS_DEPTH];
	cx_value ra = CX_UNDEFINED; /* the grammar's rule scope makers */
	int nf = 0, ne = cx_vxp__derive(nodes, kids, root, b, n, ev, VXS_EVENTS);

	*line = 0;
	if (ne <= 0 || ev[0].kind != CX_VX_SP_BEGIN || !nodes[ev[0].node].si)
		return 0; /* not found (it matched: the budget) or a grammar without tags: the keys */
	if (ne > VXS_EVENTS) {
		cx_throw_error(X, "RangeError", "the semantic interpretation of the input takes more than 512 steps");
		return -1;
	}
	const cx_vx_gnode *top = &nodes[ev[0].node];
	if (top->tag) { /* the header's tags run before any rule's */
		cx_value gf = top->tag(X);
		ra = cx_is_exc(gf) ? gf : cx_call(X, gf, CX_UNDEFINED, 0, NULL);
		if (cx_is_exc(ra)) {
			*line = top->line;
			return -1;
		}
	}
	for (int i = 0; i < ne; i++) {
		const cx_vx_span *e = &ev[i];
		if (e->kind == CX_VX_SP_BEGIN) {
			if (nf == VXS_DEPTH) {
				cx_throw_error(X, "RangeError", "the input's rules nest too deep");
				return -1;
			}
			size_t len = 0; /* the keys it takes: its end's */
			for (int j = i + 1, d = 0; j < ne; j++) {
				d += ev[j].kind == CX_VX_SP_BEGIN ? 1 : ev[j].kind == CX_VX_SP_END ? -1 : 0;
				if (d < 0) {
					len = ev[j].len;
					break;
				}
			}
			fr[nf++] = (cx_vxs_frame){.out = CX_UNDEFINED, .rules = CX_UNDEFINED, .meta = CX_UNDEFINED,
						  .latest = CX_UNDEFINED, .scope = CX_UNDEFINED, .at = e->at, .len = len};
			continue;
		}
		cx_vxs_frame *f = &fr[nf - 1];
		if (e->kind == CX_VX_SP_TAG) {
			const cx_vx_gnode *t = &nodes[e->node];
			if (!f->tagged) {
				f->tagged = 1;
				f->out = cx_obj_new(X);
			}
			if (!t->tag) { /* semantics/1.0-literals: the text is the value */
				f->out = cx_str_utf8(X, t->keys, strlen(t->keys));
			} else if (!cx_is_exc(f->out) && !cx_vxs__objects(X, f, b) && !cx_vxs__scope(X, f, ra, t)) {
				cx_value fn = cx_get_num(X, f->scope, t->n), argv[3] = {f->out, f->rules, f->meta};
				f->out = cx_is_exc(fn) ? fn : cx_call(X, fn, CX_UNDEFINED, 3, argv);
			} else {
				f->out = CX_EXCEPTION;
			}
			if (cx_is_exc(f->out)) {
				*line = t->line;
				return -1;
			}
			continue;
		}
		/* a rule ends: its out, to the rule that referred to it */
		cx_value v = f->tagged ? f->out : f->refs ? f->latest : cx_str_utf8(X, b + e->at, e->len);
		if (cx_is_exc(v))
			return -1;
		if (--nf == 0) {
			*out = v;
			return 1;
		}
		cx_vxs_frame *p = &fr[nf - 1];
		if (cx_vxs__objects(X, p, b))
			return -1;
		if (cx_vxs__def(X, p->rules, e->name, v, 0) ||
		    cx_vxs__def(X, p->meta, e->name, cx_vxs__text(X, b, e->at, e->len), 0))
			return -1;
		p->latest = p->lenv->v[0] = v;
		p->refs = 1;
	}
	return 0;
}
