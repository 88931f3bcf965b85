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
