/*
 * re_es.c — an ES3 regular-expression matcher (15.10.2), for the patterns PCRE2 gets wrong.
 *
 * lib_regexp.c runs most patterns on PCRE2 (JIT, fast). Two ES rules cannot be said in PCRE2:
 * each iteration of a quantified group starts with the group's captures reset to undefined
 * (RepeatMatcher step 4), and an iteration past the minimum that matches the empty string
 * fails (the continuation d of RepeatMatcher). Those only matter when a quantified group holds
 * capturing groups, so the parser marks exactly those patterns (and lib_regexp.c adds the i
 * flag, and patterns PCRE2 refuses) and this file runs them.
 *
 * The program of 32-bit words is built from re_parse.c's events (the parser lib_regexp.c's
 * PCRE2 translation uses too); a backtracking machine runs it with an explicit stack of choice
 * points and undo records (registers: captures, group starts, loop counters), so the spec's
 * continuations become "continue at pc" and "pop the stack". Lookaheads are the only C
 * recursion, as deep as their nesting in the pattern (bounded by CX_RP_NEST). Jumps are
 * relative to the instruction, so a block of code can be moved when a quantifier wraps it.
 *
 * Bounds: every instruction run, choice taken back and unit compared by a back-reference (and
 * each register reset) is a step; past CX_RES_LIMIT steps or CX_RES_STACK bytes of stack the
 * match ends in the same RangeError PCRE2's limits give, so no pattern and subject make it run
 * longer than about CX_RES_LIMIT simple steps. The steps are also charged to the event's
 * execution budget (X->steps), one tick per CX_RES_TICK steps, so a script that retries a
 * runaway match in a loop ends in the budget's RangeError (error.semantic) as any loop does.
 * The machine needs no C stack for long subjects (its stack is on the heap) and, but for
 * lookaheads, none for deep patterns. All memory is charged to the session (cx_mem__*).
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
#define CX_RES_TICK 8              /* steps per tick of the event's execution budget */
#define CX_RES_STACK (16u << 20)   /* bytes of backtrack stack: PCRE2's heap limit */
#define CX_RES_FOLD 0x460          /* Canonicalize maps no code unit below this elsewhere */

typedef cx_rp_item cx_res_item;

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
	uint32_t chain[CX_RP_NEST + 1]; /* parsing: pending JMPs of the disjunction at each depth */
	/* matching */
	uint32_t *v;         /* registers: captures, group starts, loop counter + start */
	cx_res_bt *bt;
	uint32_t nbt, btcap;
	long steps, limit;       /* steps taken, and the most this match may take */
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

/* Section - A program from the parser's events (re_parse.c) */

static int cx_res__grow(cx_res *e, void **pp, uint32_t *cap, uint32_t need, size_t unit)
{
	uint32_t nc;
	void *np;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	if (!(np = cx_mem__realloc(e->X, *pp, (size_t)*cap * unit, (size_t)nc * unit)))
		return ENOMEM;
	*pp = np;
	*cap = nc;
	return 0;
}

static int cx_res__emit(cx_res *e, int n, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t w[4] = {a, b, c, d};

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

/* A class of the parser's items; emits RE_CLASS. */
static int cx_res__class(cx_res *e, const cx_rp_ev *ev)
{
	cx_res_cls *k;
	unsigned a;

	if (cx_res__grow(e, (void **)&e->items, &e->icap, e->nitems + ev->nitems, sizeof(cx_res_item)) ||
	    cx_res__grow(e, (void **)&e->cls, &e->clcap, e->ncls + 1, sizeof(*k)))
		return ENOMEM;
	if (ev->nitems) /* [] has none (and no buffer yet) */
		memcpy(e->items + e->nitems, ev->items, ev->nitems * sizeof(cx_res_item));
	k = &e->cls[e->ncls];
	memset(k, 0, sizeof(*k));
	k->first = e->nitems;
	k->n = ev->nitems;
	k->neg = ev->neg;
	e->nitems += ev->nitems;
	if (e->flags & 2)
		for (a = 0; a < CX_RES_FOLD; a++)
			if (cx_res__items_have(e, k, (uint16_t)a)) {
				uint16_t u = cx_res__canon((uint16_t)a);
				k->fold[u >> 3] |= (uint8_t)(1u << (u & 7));
			}
	return cx_res__emit(e, 2, RE_CLASS, e->ncls++, 0, 0);
}

/* A quantifier after the atom whose code starts at pc; the atom holds the capturing groups
 * [first, first+count). The loop wraps the atom:
 *   INIT r; L: LOOP r min max greedy ->E; ENTER r first count; atom; LEND r min ->L; E: */
static int cx_res__quant(cx_res *e, const cx_rp_ev *ev)
{
	uint32_t pc = ev->mark, r = e->nloop++;

	if (cx_res__insert(e, pc, 12))
		return ENOMEM;
	e->code[pc] = RE_INIT;
	e->code[pc + 1] = r;
	e->code[pc + 2] = RE_LOOP;
	e->code[pc + 3] = r;
	e->code[pc + 4] = ev->min;
	e->code[pc + 5] = ev->max;
	e->code[pc + 6] = (uint32_t)ev->greedy;
	e->code[pc + 8] = RE_ENTER;
	e->code[pc + 9] = r;
	e->code[pc + 10] = ev->first;
	e->code[pc + 11] = ev->count;
	if (cx_res__emit(e, 4, RE_LEND, r, ev->min, (uint32_t)(pc + 2 - e->ncode)))
		return ENOMEM;
	e->code[pc + 7] = e->ncode - (pc + 2);
	return 0;
}

/* Alternatives: SPLIT ->next; alt; JMP ->end; ... last alt. The pending JMPs of the
 * disjunction at each depth are chained through their operands until its end is known. */
static int cx_res__ev(void *arg, const cx_rp_ev *ev)
{
	cx_res *e = arg;
	int i = e->flags & 2;
	uint32_t next, *chain = &e->chain[ev->depth];

	switch (ev->kind) {
	case CX_RP_CHAR:
		return cx_res__emit(e, 2, i ? RE_CHARI : RE_CHAR, i ? cx_res__canon((uint16_t)ev->c) : ev->c, 0, 0);
	case CX_RP_ANY:
		return cx_res__emit(e, 1, RE_ANY, 0, 0, 0);
	case CX_RP_CLASS:
		return cx_res__class(e, ev);
	case CX_RP_BOL:
		return cx_res__emit(e, 1, RE_BOL, 0, 0, 0);
	case CX_RP_EOL:
		return cx_res__emit(e, 1, RE_EOL, 0, 0, 0);
	case CX_RP_WB:
		return cx_res__emit(e, 1, RE_WB, 0, 0, 0);
	case CX_RP_NWB:
		return cx_res__emit(e, 1, RE_NWB, 0, 0, 0);
	case CX_RP_BREF:
		return cx_res__emit(e, 2, RE_BREF, ev->c, 0, 0);
	case CX_RP_OPEN:
		e->chain[ev->depth + 1] = CX_RES_UNSET;
		if (ev->sub == '=' || ev->sub == '!')
			return cx_res__emit(e, 3, RE_LOOK, ev->sub == '!', 0, 0);
		return ev->sub ? 0 : cx_res__emit(e, 2, RE_GSTART, ev->c, 0, 0);
	case CX_RP_CLOSE:
		if (ev->sub == '=' || ev->sub == '!') {
			if (cx_res__emit(e, 1, RE_LOOKEND, 0, 0, 0))
				return ENOMEM;
			e->code[ev->mark + 2] = e->ncode - ev->mark;
			return 0;
		}
		return ev->sub ? 0 : cx_res__emit(e, 2, RE_GEND, ev->c, 0, 0);
	case CX_RP_QUANT:
		return cx_res__quant(e, ev);
	case CX_RP_ALT:
		if (cx_res__insert(e, ev->mark, 2) || cx_res__emit(e, 2, RE_JMP, *chain, 0, 0))
			return ENOMEM;
		*chain = e->ncode - 2;
		e->code[ev->mark] = RE_SPLIT;
		e->code[ev->mark + 1] = e->ncode - ev->mark;
		return 0;
	case CX_RP_END:
		while (*chain != CX_RES_UNSET) {
			next = e->code[*chain + 1];
			e->code[*chain + 1] = e->ncode - *chain;
			*chain = next;
		}
		return 0;
	default:
		return EINVAL;
	}
}

static uint32_t cx_res__mark(void *arg)
{
	return ((cx_res *)arg)->ncode;
}

int cx_res_choose(int wanted)
{
	return cx_res__mode ? cx_res__mode > 0 : wanted;
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
	cx_rp_sink k = {cx_res__ev, cx_res__mark, NULL};
	const char *why;
	cx_res *e;
	int err;

	*out = NULL;
	if (!(e = cx_mem__alloc(X, sizeof(*e))))
		return ENOMEM;
	e->X = X;
	e->flags = flags;
	e->ncap = cx_re_count_groups(p);
	e->chain[0] = CX_RES_UNSET;
	k.arg = e;
	X->steps -= p->len / 4; /* the program is built again for each operation */
	err = cx_rp_parse(p, &k, &why);
	if (!err)
		err = cx_res__emit(e, 1, RE_MATCH, 0, 0, 0);
	if (!err) {
		e->nreg = 3 * (e->ncap + 1) + 2 * e->nloop;
		if (!(e->v = cx_mem__alloc(X, (size_t)e->nreg * 4)))
			err = ENOMEM;
	}
	if (err) {
		cx_res_free(X, e);
		return err;
	}
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

/* Past the step limit: the match limit's RangeError, or the budget's when the event's execution
 * budget ran out first. */
static int cx_res__over(cx_res *e)
{
	if (e->limit < CX_RES_LIMIT)
		cx_budget_exceeded(e->X);
	else
		cx_throw_error(e->X, "RangeError", "regular expression too complex: backtracking limit reached");
	return -1;
}

static int cx_res__step(cx_res *e, long n)
{
	e->steps += n;
	return e->steps <= e->limit ? 0 : cx_res__over(e);
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
		if (++e->steps > e->limit)
			return cx_res__over(e);
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
			e->steps += e->cls[k[pc + 1]].n / 8; /* its items are tried in turn */
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
				if (cx_res__step(e, (long)(b - a)))
					return -1;
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
			if (cx_res__step(e, (long)k[pc + 3]))
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
			if (cx_res__step(e, 1))
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
	int rc = 0;

	e->X = X;
	e->s = s;
	e->len = len;
	e->steps = 0;
	/* what is left of the event's budget bounds the match too */
	cx_budget__settle(X);
	e->limit = X->steps < CX_RES_LIMIT / CX_RES_TICK ? (long)(X->steps > 0 ? X->steps : 0) * CX_RES_TICK
							 : CX_RES_LIMIT;
	for (start = at; start <= len; start++) {
		if (cx_res__step(e, 1 + (long)e->nreg / 16)) {
			rc = -1;
			break;
		}
		memset(e->v, 0xff, (size_t)e->nreg * 4);
		e->nbt = 0;
		rc = cx_res__run(e, 0, start, &end);
		if (rc)
			break;
	}
	X->steps -= e->steps / CX_RES_TICK;
	if (rc <= 0)
		return rc;
	ov[0] = start;
	ov[1] = end;
	for (j = 2; j < 2 * (e->ncap + 1); j++)
		ov[j] = e->v[j];
	return 1;
}
