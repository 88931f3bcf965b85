/*
 * re_es.c — an ES3 regular-expression matcher (15.10.2), for the patterns PCRE2 gets wrong.
 *
 * lib_regexp.c runs most patterns on PCRE2 (JIT, fast). Two ES rules cannot be said in PCRE2:
 * each iteration of a quantified group starts with the group's captures reset to undefined
 * (RepeatMatcher step 4), and an iteration past the minimum that matches the empty string
 * fails (the continuation d of RepeatMatcher). Those only matter when a quantified group holds
 * capturing groups, so cx_res_wanted picks exactly those patterns and this file runs them.
 *
 * The pattern (already accepted by lib_regexp.c's ES3 translator) is parsed again into a small
 * program of 32-bit words; a backtracking machine runs it with an explicit stack of choice
 * points and undo records (registers: captures, group starts, loop counters), so the spec's
 * continuations become "continue at pc" and "pop the stack". Lookaheads are the only C
 * recursion, as deep as their nesting in the pattern (bounded by CX_RES_NEST). Jumps are
 * relative to the instruction, so a block of code can be moved when a quantifier wraps it.
 *
 * Bounds: every choice taken back and every loop iteration is a step; past CX_RES_LIMIT steps
 * (PCRE2's match limit in lib_regexp.c) or CX_RES_STACK bytes of stack the match ends in the
 * same RangeError PCRE2's limits give. All memory is charged to the session (cx_mem__*).
 */
#include <errno.h>
#include <string.h>
#include "cx_priv.h"

enum {
	RE_CHAR = 1, /* c: one code unit */
	RE_CHARI,    /* c: Canonicalize(unit) == c (the i flag) */
	RE_ANY,      /* . */
	RE_CLASS,    /* k: class k */
	RE_BOL, RE_EOL, RE_WB, RE_NWB,
	RE_SPLIT,    /* off: go on at pc+2, choice at pc+off */
	RE_JMP,      /* off */
	RE_GSTART,   /* n: group n starts here (kept apart until the group ends) */
	RE_GEND,     /* n: capture n = [start, pos) */
	RE_BREF,     /* n */
	RE_LOOK,     /* neg off: body follows, ends in RE_LOOKEND; then go on at pc+off */
	RE_LOOKEND,
	RE_INIT,     /* r: loop r has done no iteration */
	RE_LOOP,     /* r min max greedy off: decide about one more iteration; exit at pc+off */
	RE_ENTER,    /* r first count: an iteration starts: captures [first, first+count) reset */
	RE_LEND,     /* r min off: an iteration ended; back to the RE_LOOP at pc+off */
	RE_MATCH,
};

#define CX_RES_INF 0xffffffffu
#define CX_RES_UNSET 0xffffffffu
#define CX_RES_LIMIT 10000000L     /* steps per match: PCRE2's match limit in lib_regexp.c */
#define CX_RES_STACK (16u << 20)   /* bytes of backtrack stack: PCRE2's heap limit */
#define CX_RES_NEST 200            /* group nesting (lib_regexp.c accepts no deeper) */
#define CX_RES_FOLD 0x460          /* Canonicalize maps no code unit below this elsewhere */

typedef struct cx_res_item {
	uint16_t lo, hi;
	uint16_t esc; /* 0: the range lo-hi; else a class escape letter d D s S w W */
} cx_res_item;

typedef struct cx_res_cls {
	uint32_t first, n; /* its items */
	int neg;
	uint8_t fold[CX_RES_FOLD / 8]; /* i flag: Canonicalize(a) for the members a below FOLD */
} cx_res_cls;

typedef struct cx_res_bt {
	uint32_t pc;  /* CX_RES_UNSET: an undo record */
	uint32_t a;   /* choice: position; undo: register */
	uint32_t b;   /* undo: old value */
} cx_res_bt;

struct cx_res {
	cx_ctx *X;
	int flags;           /* 2 i, 4 m */
	uint32_t *code;
	uint32_t ncode, ccap;
	cx_res_item *items;
	uint32_t nitems, icap;
	cx_res_cls *cls;
	uint32_t ncls, clcap;
	uint32_t ncap, nloop, nreg;
	/* parsing */
	const cx_str *p;
	uint32_t i, seen;
	int depth, oom;
	/* matching */
	uint32_t *v;         /* registers: captures, group starts, loop counter + start */
	cx_res_bt *bt;
	uint32_t nbt, btcap;
	long steps;
	const uint16_t *s;
	uint32_t len;
};

static _Thread_local int cx_res__mode; /* tests: 0 as chosen, 1 every pattern, -1 none */

int cx_res_mode(int mode)
{
	int old = cx_res__mode;

	cx_res__mode = mode;
	return old;
}

/* Section - Characters */

/* Canonicalize: upper case, except that non-ASCII never becomes ASCII. */
static uint16_t cx_res__canon(uint16_t c)
{
	uint16_t u = cx_string_upper1(c) /* Canonicalize (15.10.2.8) is defined by toUpperCase */;

	return c >= 128 && u < 128 ? c : u;
}

static int cx_res__isword(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int cx_res__islt(unsigned c)
{
	return c == 0x0a || c == 0x0d || c == 0x2028 || c == 0x2029;
}

static int cx_res__esc_has(int esc, uint16_t c)
{
	switch (esc) {
	case 'd': return c >= '0' && c <= '9';
	case 'D': return !(c >= '0' && c <= '9');
	case 's': return cx_str__is_ws(c);
	case 'S': return !cx_str__is_ws(c);
	case 'w': return cx_res__isword(c);
	default: return !cx_res__isword(c);
	}
}

/* Membership of c in the items of a class, before negation and case folding. */
static int cx_res__items_have(const cx_res *e, const cx_res_cls *k, uint16_t c)
{
	uint32_t j;

	for (j = 0; j < k->n; j++) {
		const cx_res_item *it = &e->items[k->first + j];
		if (it->esc ? cx_res__esc_has(it->esc, c) : (c >= it->lo && c <= it->hi))
			return 1;
	}
	return 0;
}

/* CharacterSetMatcher (15.10.2.8): with the i flag, some member a has Canonicalize(a) ==
 * Canonicalize(c). Canonicalize changes nothing at or above CX_RES_FOLD and maps nothing
 * below it to a unit above it, so the fold bitmap answers below and plain membership above. */
static int cx_res__cls_has(const cx_res *e, const cx_res_cls *k, uint16_t c)
{
	int in;

	if ((e->flags & 2) && c < CX_RES_FOLD) {
		uint16_t u = cx_res__canon(c);
		in = k->fold[u >> 3] >> (u & 7) & 1;
	}
	else
		in = cx_res__items_have(e, k, c);
	return in != k->neg;
}

/* Section - Parsing to a program */

static int cx_res__peek(const cx_res *e, uint32_t ahead)
{
	return e->i + ahead < e->p->len ? cx_str__at(e->p, e->i + ahead) : -1;
}

static int cx_res__grow(cx_res *e, void **pp, uint32_t *cap, uint32_t need, size_t unit)
{
	uint32_t nc;
	void *np;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	if (!(np = cx_mem__realloc(e->X, *pp, (size_t)*cap * unit, (size_t)nc * unit))) {
		e->oom = 1;
		return ENOMEM;
	}
	*pp = np;
	*cap = nc;
	return 0;
}

static int cx_res__emit(cx_res *e, int n, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t f, uint32_t g)
{
	uint32_t w[6] = {a, b, c, d, f, g};

	if (cx_res__grow(e, (void **)&e->code, &e->ccap, e->ncode + (uint32_t)n, 4))
		return ENOMEM;
	memcpy(e->code + e->ncode, w, (size_t)n * 4);
	e->ncode += (uint32_t)n;
	return 0;
}

/* Opens a gap of n words at pc (the code after it moves; its jumps are relative). */
static int cx_res__insert(cx_res *e, uint32_t pc, uint32_t n)
{
	if (cx_res__grow(e, (void **)&e->code, &e->ccap, e->ncode + n, 4))
		return ENOMEM;
	memmove(e->code + pc + n, e->code + pc, (size_t)(e->ncode - pc) * 4);
	e->ncode += n;
	return 0;
}

/* The escape after a backslash (e->i at its letter): 0 with *c a code unit, 1 with *c a class
 * escape letter, -1 when it is not ES (lib_regexp.c refused it already). */
static int cx_res__escape(cx_res *e, unsigned *c, int in_class)
{
	int x = cx_res__peek(e, 0), l;

	if (x < 0)
		return -1;
	e->i++;
	switch (x) {
	case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
		*c = (unsigned)x;
		return 1;
	case 'f': *c = 0x0c; return 0;
	case 'n': *c = 0x0a; return 0;
	case 'r': *c = 0x0d; return 0;
	case 't': *c = 0x09; return 0;
	case 'v': *c = 0x0b; return 0;
	case 'c':
		l = cx_res__peek(e, 0);
		if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z')))
			return -1;
		e->i++;
		*c = (unsigned)l % 32;
		return 0;
	case 'x':
		return cx_re_hex(e->p, &e->i, 2, c) ? -1 : 0;
	case 'u':
		return cx_re_hex(e->p, &e->i, 4, c) ? -1 : 0;
	case 'b':
		if (!in_class)
			return -1;
		*c = 0x08;
		return 0;
	case '0':
		if (cx_res__peek(e, 0) >= '0' && cx_res__peek(e, 0) <= '9')
			return -1;
		*c = 0;
		return 0;
	default:
		break;
	}
	if ((x >= '1' && x <= '9') || (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z'))
		return -1;
	*c = (unsigned)x;
	return 0;
}

static int cx_res__item(cx_res *e, unsigned lo, unsigned hi, int esc)
{
	cx_res_item *it;

	if (cx_res__grow(e, (void **)&e->items, &e->icap, e->nitems + 1, sizeof(*it)))
		return ENOMEM;
	it = &e->items[e->nitems++];
	it->lo = (uint16_t)lo;
	it->hi = (uint16_t)hi;
	it->esc = (uint16_t)esc;
	return 0;
}

/* A new class of the items added since first; emits RE_CLASS. */
static int cx_res__class_end(cx_res *e, uint32_t first, int neg)
{
	cx_res_cls *k;
	unsigned a;

	if (cx_res__grow(e, (void **)&e->cls, &e->clcap, e->ncls + 1, sizeof(*k)))
		return ENOMEM;
	k = &e->cls[e->ncls];
	memset(k, 0, sizeof(*k));
	k->first = first;
	k->n = e->nitems - first;
	k->neg = neg;
	if (e->flags & 2)
		for (a = 0; a < CX_RES_FOLD; a++)
			if (cx_res__items_have(e, k, (uint16_t)a)) {
				uint16_t u = cx_res__canon((uint16_t)a);
				k->fold[u >> 3] |= (uint8_t)(1u << (u & 7));
			}
	return cx_res__emit(e, 2, RE_CLASS, e->ncls++, 0, 0, 0, 0);
}

/* [ ClassRanges ] with e->i after the '['. */
static int cx_res__class(cx_res *e)
{
	uint32_t first = e->nitems;
	int neg = 0, r, c;
	unsigned lo, hi;

	if (cx_res__peek(e, 0) == '^')
		neg = 1, e->i++;
	for (;;) {
		int lo_esc = 0;
		if ((c = cx_res__peek(e, 0)) < 0)
			return EINVAL;
		e->i++;
		if (c == ']')
			break;
		if (c == '\\') {
			if ((r = cx_res__escape(e, &lo, 1)) < 0)
				return EINVAL;
			lo_esc = r;
		}
		else
			lo = (unsigned)c;
		if (cx_res__peek(e, 0) != '-' || cx_res__peek(e, 1) == ']' || cx_res__peek(e, 1) < 0) {
			if (cx_res__item(e, lo_esc ? 0 : lo, lo_esc ? 0 : lo, lo_esc ? (int)lo : 0))
				return ENOMEM;
			continue;
		}
		e->i++;
		c = cx_res__peek(e, 0);
		e->i++;
		if (c == '\\') {
			if ((r = cx_res__escape(e, &hi, 1)) != 0)
				return EINVAL;
		}
		else
			hi = (unsigned)c;
		if (lo_esc || lo > hi)
			return EINVAL;
		if (cx_res__item(e, lo, hi, 0))
			return ENOMEM;
	}
	return cx_res__class_end(e, first, neg);
}

static int cx_res__number(cx_res *e, uint32_t *out)
{
	double v = 0;
	int any = 0, c;

	while ((c = cx_res__peek(e, 0)) >= '0' && c <= '9') {
		v = v * 10 + (c - '0');
		e->i++;
		any = 1;
	}
	*out = v > 4294967295.0 ? CX_RES_INF : (uint32_t)v;
	return any;
}

/* An optional quantifier after the atom whose code starts at pc; the atom holds the
 * capturing groups [first, first+count). The loop wraps the atom:
 *   INIT r; L: LOOP r min max greedy ->E; ENTER r first count; atom; LEND r min ->L; E: */
static int cx_res__quant(cx_res *e, uint32_t pc, uint32_t first, uint32_t count)
{
	int c = cx_res__peek(e, 0), greedy = 1;
	uint32_t mn, mx, r;

	if (c == '*')
		mn = 0, mx = CX_RES_INF, e->i++;
	else if (c == '+')
		mn = 1, mx = CX_RES_INF, e->i++;
	else if (c == '?')
		mn = 0, mx = 1, e->i++;
	else if (c == '{') {
		e->i++;
		if (!cx_res__number(e, &mn))
			return EINVAL;
		mx = mn;
		if (cx_res__peek(e, 0) == ',') {
			e->i++;
			if (!cx_res__number(e, &mx))
				mx = CX_RES_INF;
		}
		if (cx_res__peek(e, 0) != '}' || mn > mx)
			return EINVAL;
		e->i++;
	}
	else
		return 0;
	if (cx_res__peek(e, 0) == '?')
		greedy = 0, e->i++;
	c = cx_res__peek(e, 0);
	if (c == '*' || c == '+' || c == '?' || c == '{')
		return EINVAL;
	r = e->nloop++;
	if (cx_res__insert(e, pc, 12))
		return ENOMEM;
	e->code[pc] = RE_INIT;
	e->code[pc + 1] = r;
	e->code[pc + 2] = RE_LOOP;
	e->code[pc + 3] = r;
	e->code[pc + 4] = mn;
	e->code[pc + 5] = mx;
	e->code[pc + 6] = (uint32_t)greedy;
	e->code[pc + 8] = RE_ENTER;
	e->code[pc + 9] = r;
	e->code[pc + 10] = first;
	e->code[pc + 11] = count;
	if (cx_res__emit(e, 4, RE_LEND, r, mn, (uint32_t)(pc + 2 - e->ncode), 0, 0))
		return ENOMEM;
	e->code[pc + 7] = e->ncode - (pc + 2);
	return 0;
}

static int cx_res__disj(cx_res *e);

static int cx_res__term(cx_res *e)
{
	int c = cx_res__peek(e, 0), r;
	uint32_t pc = e->ncode, first = 0, count = 0, n;
	unsigned v;

	switch (c) {
	case '^':
		e->i++;
		return cx_res__emit(e, 1, RE_BOL, 0, 0, 0, 0, 0);
	case '$':
		e->i++;
		return cx_res__emit(e, 1, RE_EOL, 0, 0, 0, 0, 0);
	case '*': case '+': case '?': case '{': case ']': case '}':
		return EINVAL;
	case '(': {
		int kind = 0; /* 0 capture, ':' '=' '!' */
		e->i++;
		if (++e->depth > CX_RES_NEST)
			return EINVAL;
		if (cx_res__peek(e, 0) == '?') {
			kind = cx_res__peek(e, 1);
			if (kind != ':' && kind != '=' && kind != '!')
				return EINVAL;
			e->i += 2;
		}
		first = e->seen + 1;
		if (kind == '=' || kind == '!') {
			if (cx_res__emit(e, 3, RE_LOOK, kind == '!', 0, 0, 0, 0))
				return ENOMEM;
		}
		else if (!kind) {
			n = ++e->seen;
			if (cx_res__emit(e, 2, RE_GSTART, n, 0, 0, 0, 0))
				return ENOMEM;
		}
		if ((r = cx_res__disj(e)))
			return r;
		if (cx_res__peek(e, 0) != ')')
			return EINVAL;
		e->i++;
		e->depth--;
		if (kind == '=' || kind == '!') {
			if (cx_res__emit(e, 1, RE_LOOKEND, 0, 0, 0, 0, 0))
				return ENOMEM;
			e->code[pc + 2] = e->ncode - pc;
		}
		else if (!kind && cx_res__emit(e, 2, RE_GEND, first, 0, 0, 0, 0))
			return ENOMEM;
		count = e->seen + 1 - first;
		break;
	}
	case '[':
		e->i++;
		if ((r = cx_res__class(e)))
			return r;
		break;
	case '.':
		e->i++;
		if (cx_res__emit(e, 1, RE_ANY, 0, 0, 0, 0, 0))
			return ENOMEM;
		break;
	case '\\': {
		int x = cx_res__peek(e, 1);
		if (x == 'b' || x == 'B') {
			e->i += 2;
			return cx_res__emit(e, 1, x == 'b' ? RE_WB : RE_NWB, 0, 0, 0, 0, 0);
		}
		if (x >= '1' && x <= '9') {
			e->i++;
			cx_res__number(e, &n);
			if (n > e->ncap)
				return EINVAL;
			if (cx_res__emit(e, 2, RE_BREF, n, 0, 0, 0, 0))
				return ENOMEM;
			break;
		}
		e->i++;
		if ((r = cx_res__escape(e, &v, 0)) < 0)
			return EINVAL;
		if (r) {
			uint32_t f = e->nitems;
			if (cx_res__item(e, 0, 0, (int)v) || cx_res__class_end(e, f, 0))
				return ENOMEM;
		}
		else if (cx_res__emit(e, 2, (e->flags & 2) ? RE_CHARI : RE_CHAR,
				      (e->flags & 2) ? cx_res__canon((uint16_t)v) : v, 0, 0, 0, 0))
			return ENOMEM;
		break;
	}
	default:
		e->i++;
		if (cx_res__emit(e, 2, (e->flags & 2) ? RE_CHARI : RE_CHAR,
				 (e->flags & 2) ? cx_res__canon((uint16_t)c) : (uint32_t)c, 0, 0, 0, 0))
			return ENOMEM;
		break;
	}
	return cx_res__quant(e, pc, first, count);
}

/* Alternatives: SPLIT ->next; alt; JMP ->end; ... last alt. The pending JMPs are chained
 * through their operands until the end is known. */
static int cx_res__disj(cx_res *e)
{
	uint32_t chain = CX_RES_UNSET, next;
	int c, r;

	for (;;) {
		uint32_t alt = e->ncode;
		while ((c = cx_res__peek(e, 0)) >= 0 && c != '|' && c != ')')
			if ((r = cx_res__term(e)))
				return r;
		if (c != '|')
			break;
		e->i++;
		if (cx_res__insert(e, alt, 2) || cx_res__emit(e, 2, RE_JMP, chain, 0, 0, 0, 0))
			return ENOMEM;
		chain = e->ncode - 2;
		e->code[alt] = RE_SPLIT;
		e->code[alt + 1] = e->ncode - alt;
	}
	while (chain != CX_RES_UNSET) {
		next = e->code[chain + 1];
		e->code[chain + 1] = e->ncode - chain;
		chain = next;
	}
	return 0;
}

int cx_res_wanted(const cx_str *p)
{
	uint32_t open[CX_RES_NEST], i, n = 0;
	int d = 0, cls = 0;

	if (cx_res__mode)
		return cx_res__mode > 0;
	for (i = 0; i < p->len; i++) {
		uint16_t c = cx_str__at(p, i), q = i + 1 < p->len ? cx_str__at(p, i + 1) : 0;
		if (c == '\\')
			i++;
		else if (cls)
			cls = c != ']';
		else if (c == '[')
			cls = 1;
		else if (c == '(') {
			if (d < CX_RES_NEST)
				open[d] = n;
			d++;
			n += q != '?';
		}
		else if (c == ')' && d > 0) {
			d--;
			if ((d >= CX_RES_NEST || n > open[d]) && (q == '*' || q == '+' || q == '?' || q == '{'))
				return 1;
		}
	}
	return 0;
}

void cx_res_free(cx_ctx *X, cx_res *e)
{
	if (!e)
		return;
	cx_mem__free(X, e->code, (size_t)e->ccap * 4);
	cx_mem__free(X, e->items, (size_t)e->icap * sizeof(cx_res_item));
	cx_mem__free(X, e->cls, (size_t)e->clcap * sizeof(cx_res_cls));
	cx_mem__free(X, e->v, (size_t)e->nreg * 4);
	cx_mem__free(X, e->bt, (size_t)e->btcap * sizeof(cx_res_bt));
	cx_mem__free(X, e, sizeof(*e));
}

int cx_res_compile(cx_ctx *X, const cx_str *p, int flags, cx_res **out)
{
	cx_res *e;
	int err;

	*out = NULL;
	if (!(e = cx_mem__alloc(X, sizeof(*e))))
		return ENOMEM;
	e->X = X;
	e->flags = flags;
	e->p = p;
	e->ncap = cx_re_count_groups(p);
	err = cx_res__disj(e);
	if (!err && e->i < p->len)
		err = EINVAL;
	if (!err)
		err = cx_res__emit(e, 1, RE_MATCH, 0, 0, 0, 0, 0);
	if (!err) {
		e->nreg = 3 * (e->ncap + 1) + 2 * e->nloop;
		if (!(e->v = cx_mem__alloc(X, (size_t)e->nreg * 4)))
			err = ENOMEM;
	}
	if (err) {
		if (err == EINVAL && e->oom)
			err = ENOMEM;
		cx_res_free(X, e);
		return err;
	}
	e->p = NULL;
	*out = e;
	return 0;
}

/* Section - Matching */

static int cx_res__push(cx_res *e, uint32_t pc, uint32_t a, uint32_t b)
{
	cx_res_bt *t;

	if (e->nbt == e->btcap) {
		if ((size_t)e->btcap * 2 * sizeof(*t) > CX_RES_STACK) {
			cx_throw_error(e->X, "RangeError", "regular expression too complex: backtracking limit reached");
			return -1;
		}
		if (cx_res__grow(e, (void **)&e->bt, &e->btcap, e->nbt + 1, sizeof(*t)))
			return -1;
	}
	t = &e->bt[e->nbt++];
	t->pc = pc;
	t->a = a;
	t->b = b;
	return 0;
}

/* Register k = val, remembering the old value for backtracking. */
static int cx_res__set(cx_res *e, uint32_t k, uint32_t val)
{
	if (e->v[k] == val)
		return 0;
	if (cx_res__push(e, CX_RES_UNSET, k, e->v[k]))
		return -1;
	e->v[k] = val;
	return 0;
}

static int cx_res__step(cx_res *e)
{
	if (++e->steps <= CX_RES_LIMIT)
		return 0;
	cx_throw_error(e->X, "RangeError", "regular expression too complex: backtracking limit reached");
	return -1;
}

/* Undoes the stack down to base (the registers come back as they were there). */
static void cx_res__unwind(cx_res *e, uint32_t base)
{
	while (e->nbt > base) {
		cx_res_bt *t = &e->bt[--e->nbt];
		if (t->pc == CX_RES_UNSET)
			e->v[t->a] = t->b;
	}
}

/* Runs the program from pc at pos until RE_MATCH or RE_LOOKEND (1, *endp set), or until every
 * choice above the current stack top has failed (0); -1 with an exception pending. */
static int cx_res__run(cx_res *e, uint32_t pc, uint32_t pos, uint32_t *endp)
{
	const uint32_t *k = e->code;
	const uint16_t *s = e->s;
	uint32_t base = e->nbt, len = e->len, G = 2 * (e->ncap + 1), L = 3 * (e->ncap + 1);

	for (;;) {
		uint32_t a, b, j, r;
		int ok;
		switch (k[pc]) {
		case RE_CHAR:
			if (pos < len && s[pos] == k[pc + 1]) {
				pos++, pc += 2;
				continue;
			}
			goto fail;
		case RE_CHARI:
			if (pos < len && cx_res__canon(s[pos]) == k[pc + 1]) {
				pos++, pc += 2;
				continue;
			}
			goto fail;
		case RE_ANY:
			if (pos < len && !cx_res__islt(s[pos])) {
				pos++, pc++;
				continue;
			}
			goto fail;
		case RE_CLASS:
			if (pos < len && cx_res__cls_has(e, &e->cls[k[pc + 1]], s[pos])) {
				pos++, pc += 2;
				continue;
			}
			goto fail;
		case RE_BOL:
			if (pos == 0 || ((e->flags & 4) && cx_res__islt(s[pos - 1]))) {
				pc++;
				continue;
			}
			goto fail;
		case RE_EOL:
			if (pos == len || ((e->flags & 4) && cx_res__islt(s[pos]))) {
				pc++;
				continue;
			}
			goto fail;
		case RE_WB:
		case RE_NWB:
			ok = (pos > 0 && cx_res__isword(s[pos - 1])) != (pos < len && cx_res__isword(s[pos]));
			if (ok == (k[pc] == RE_WB)) {
				pc++;
				continue;
			}
			goto fail;
		case RE_SPLIT:
			if (cx_res__push(e, pc + k[pc + 1], pos, 0))
				return -1;
			pc += 2;
			continue;
		case RE_JMP:
			pc += k[pc + 1];
			continue;
		case RE_GSTART:
			if (cx_res__set(e, G + k[pc + 1], pos))
				return -1;
			pc += 2;
			continue;
		case RE_GEND:
			j = k[pc + 1];
			if (cx_res__set(e, 2 * j, e->v[G + j]) || cx_res__set(e, 2 * j + 1, pos))
				return -1;
			pc += 2;
			continue;
		case RE_BREF:
			j = k[pc + 1];
			a = e->v[2 * j], b = e->v[2 * j + 1];
			if (a != CX_RES_UNSET && b != CX_RES_UNSET) {
				if (b - a > len - pos)
					goto fail;
				for (r = 0; r < b - a; r++)
					if ((e->flags & 2) ? cx_res__canon(s[a + r]) != cx_res__canon(s[pos + r])
							   : s[a + r] != s[pos + r])
						goto fail;
				pos += b - a;
			}
			pc += 2;
			continue;
		case RE_LOOK: {
			uint32_t b2 = e->nbt, end;
			int rc = cx_res__run(e, pc + 3, pos, &end);
			if (rc < 0)
				return -1;
			if (k[pc + 1]) {
				/* (?! : a match of the body fails; its captures never show */
				if (rc) {
					cx_res__unwind(e, b2);
					goto fail;
				}
			}
			else {
				/* (?= : no backtracking into the body once it matched (15.10.2.8);
				 * keep only its undo records so that the captures it set go back
				 * when something before the lookahead is retried. */
				if (!rc)
					goto fail;
				for (a = b = b2; a < e->nbt; a++)
					if (e->bt[a].pc == CX_RES_UNSET)
						e->bt[b++] = e->bt[a];
				e->nbt = b;
			}
			pc += k[pc + 2];
			continue;
		}
		case RE_LOOKEND:
		case RE_MATCH:
			*endp = pos;
			return 1;
		case RE_INIT:
			if (cx_res__set(e, L + 2 * k[pc + 1], 0))
				return -1;
			pc += 2;
			continue;
		case RE_LOOP:
			/* RepeatMatcher (15.10.2.5) with min/max lowered by the iterations done */
			if (cx_res__step(e))
				return -1;
			r = e->v[L + 2 * k[pc + 1]];
			if (k[pc + 3] != CX_RES_INF && r >= k[pc + 3]) {
				pc += k[pc + 5];
				continue;
			}
			if (r < k[pc + 2]) {
				pc += 6;
				continue;
			}
			if (k[pc + 4]) { /* greedy: the iteration first, then the rest */
				if (cx_res__push(e, pc + k[pc + 5], pos, 0))
					return -1;
				pc += 6;
			}
			else {
				if (cx_res__push(e, pc + 6, pos, 0))
					return -1;
				pc += k[pc + 5];
			}
			continue;
		case RE_ENTER:
			r = k[pc + 1];
			if (cx_res__set(e, L + 2 * r + 1, pos))
				return -1;
			for (j = k[pc + 2]; j < k[pc + 2] + k[pc + 3]; j++)
				if (cx_res__set(e, 2 * j, CX_RES_UNSET) || cx_res__set(e, 2 * j + 1, CX_RES_UNSET))
					return -1;
			pc += 4;
			continue;
		case RE_LEND:
			r = k[pc + 1];
			a = e->v[L + 2 * r];
			/* past the minimum an iteration must consume something */
			if (a >= k[pc + 2] && pos == e->v[L + 2 * r + 1])
				goto fail;
			if (cx_res__set(e, L + 2 * r, a + 1))
				return -1;
			pc += k[pc + 3];
			continue;
		default:
			cx_throw_error(e->X, "Error", "regular expression program is damaged");
			return -1;
		}
	fail:
		for (;;) {
			cx_res_bt *t;
			if (e->nbt == base)
				return 0;
			t = &e->bt[--e->nbt];
			if (t->pc == CX_RES_UNSET) {
				e->v[t->a] = t->b;
				continue;
			}
			if (cx_res__step(e))
				return -1;
			pc = t->pc;
			pos = t->a;
			break;
		}
	}
}

int cx_res_exec(cx_ctx *X, cx_res *e, const uint16_t *s, uint32_t len, uint32_t at, uint32_t *ov)
{
	uint32_t start, end, j;
	int rc;

	e->X = X;
	e->s = s;
	e->len = len;
	e->steps = 0;
	for (start = at; start <= len; start++) {
		if (cx_res__step(e))
			return -1;
		memset(e->v, 0xff, (size_t)e->nreg * 4);
		e->nbt = 0;
		rc = cx_res__run(e, 0, start, &end);
		if (rc < 0)
			return -1;
		if (rc) {
			ov[0] = start;
			ov[1] = end;
			for (j = 2; j < 2 * (e->ncap + 1); j++)
				ov[j] = e->v[j];
			return 1;
		}
	}
	return 0;
}
