/*
 * re_parse.c — the one parser of ES3 regular-expression patterns (15.10.1), for both matchers.
 *
 * lib_regexp.c writes a PCRE2 pattern from what this parser reports, re_es.c a program for
 * ES3's own matcher: both are sinks of the same stream of events (cx_rp_ev), in pattern order,
 * so the grammar, its error messages and its limits live here once. A quantifier is reported
 * after its atom, with the sink's mark of where the atom began (re_es.c wraps the atom's code in
 * a loop there); '|' and the end of a disjunction likewise carry the mark of where the
 * alternative began.
 *
 * The recursion (Disjunction -> Term -> Atom '(' Disjunction ')') is as deep as the group
 * nesting, which is bounded by CX_RP_NEST: a deeper pattern is a SyntaxError, never a C stack
 * overflow. A class escape is a short list of ranges (cx_rp_esc_ranges), so no pattern costs
 * more than its length times the number of ranges in its classes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cx_priv.h"

typedef struct cx_rp {
	const cx_str *p;
	uint32_t i;
	int depth;
	uint32_t total;      /* capturing groups in the whole pattern (for \n validity) */
	uint32_t seen;       /* capturing groups opened so far */
	const char *err;
	int rc;              /* the sink's error (ENOMEM), or EINVAL with err */
	const cx_rp_sink *k;
	cx_rp_item *items;   /* the class being read */
	uint32_t nitems, icap;
} cx_rp;

/* Section - Class escapes (15.10.2.12) as code-unit ranges */

static const uint16_t cx_rp__d[][2] = {{'0', '9'}};
static const uint16_t cx_rp__w[][2] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
/* WhiteSpace and LineTerminator: the set cx_str__is_ws says (a unit test holds them equal) */
static const uint16_t cx_rp__s[][2] = {
	{0x09, 0x0d}, {0x20, 0x20}, {0xa0, 0xa0}, {0x1680, 0x1680},
	{0x2000, 0x200a}, {0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x3000, 0x3000},
	{0xfeff, 0xfeff},
};

uint32_t cx_rp_esc_ranges(int esc, const uint16_t (**r)[2])
{
	switch (esc) {
	case 'd': case 'D':
		*r = cx_rp__d;
		return sizeof(cx_rp__d) / sizeof(cx_rp__d[0]);
	case 's': case 'S':
		*r = cx_rp__s;
		return sizeof(cx_rp__s) / sizeof(cx_rp__s[0]);
	default:
		*r = cx_rp__w;
		return sizeof(cx_rp__w) / sizeof(cx_rp__w[0]);
	}
}

/* Section - Lexical helpers */

static int cx_rp__peek(const cx_rp *t, uint32_t ahead)
{
	return t->i + ahead < t->p->len ? cx_str__at(t->p, t->i + ahead) : -1;
}

static int cx_rp__fail(cx_rp *t, const char *msg)
{
	if (!t->err)
		t->err = msg;
	if (!t->rc)
		t->rc = EINVAL;
	return -1;
}

static int cx_rp__emit(cx_rp *t, cx_rp_ev *e)
{
	int err;

	e->depth = t->depth;
	if ((err = t->k->ev(t->k->arg, e))) {
		if (!t->rc)
			t->rc = err;
		return -1;
	}
	return 0;
}

static int cx_rp__simple(cx_rp *t, int kind, uint32_t c)
{
	cx_rp_ev e = {0};

	e.kind = kind;
	e.c = c;
	return cx_rp__emit(t, &e);
}

/* n hex digits at index i (e.g. after \x or \u): the value and i past them, or -1 and nothing
 * moved. */
static int cx_rp__hex(const cx_str *p, uint32_t *i, int n, unsigned *out)
{
	unsigned v = 0;
	int k;

	for (k = 0; k < n; k++) {
		int c = *i + (uint32_t)k < p->len ? cx_str__at(p, *i + (uint32_t)k) : -1;
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*i += (uint32_t)n;
	*out = v;
	return 0;
}

/* Counts the capturing groups: '(' not followed by '?', outside classes, not escaped. */
uint32_t cx_re_count_groups(const cx_str *p)
{
	uint32_t i, n = 0;
	int cls = 0;

	for (i = 0; i < p->len; i++) {
		uint16_t c = cx_str__at(p, i);
		if (c == '\\')
			i++;
		else if (cls)
			cls = c != ']';
		else if (c == '[')
			cls = 1;
		else if (c == '(' && !(i + 1 < p->len && cx_str__at(p, i + 1) == '?'))
			n++;
	}
	return n;
}

/* Section - The grammar */

/* CharacterEscape after the backslash (the escape letter is at t->i): 15.10.2.10.
 * Returns 0 with *c set, 1 when it is a class escape (letter in *c), -1 on error. */
static int cx_rp__char_escape(cx_rp *t, unsigned *c, int in_class)
{
	int e = cx_rp__peek(t, 0);

	if (e < 0)
		return cx_rp__fail(t, "\\ at end of pattern");
	t->i++;
	switch (e) {
	case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
		*c = (unsigned)e;
		return 1;
	case 'f': *c = 0x0c; return 0;
	case 'n': *c = 0x0a; return 0;
	case 'r': *c = 0x0d; return 0;
	case 't': *c = 0x09; return 0;
	case 'v': *c = 0x0b; return 0;
	case 'c': {
		int l = cx_rp__peek(t, 0);
		if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z')))
			return cx_rp__fail(t, "\\c must be followed by a letter");
		t->i++;
		*c = (unsigned)l % 32;
		return 0;
	}
	case 'x':
		if (cx_rp__hex(t->p, &t->i, 2, c))
			return cx_rp__fail(t, "\\x must be followed by two hex digits");
		return 0;
	case 'u':
		if (cx_rp__hex(t->p, &t->i, 4, c))
			return cx_rp__fail(t, "\\u must be followed by four hex digits");
		return 0;
	case 'b':
		if (in_class) {
			*c = 0x08;
			return 0;
		}
		break;
	case '0':
		if (cx_rp__peek(t, 0) >= '0' && cx_rp__peek(t, 0) <= '9')
			return cx_rp__fail(t, "octal escapes are not ECMAScript");
		*c = 0;
		return 0;
	default:
		break;
	}
	if (e >= '1' && e <= '9')
		return cx_rp__fail(t, "back-reference inside a character class");
	/* IdentityEscape: ES3 forbids every IdentifierPart; like every engine we still take
	 * \$ and \_ and non-ASCII characters, and refuse the ASCII letters (PCRE2 would give
	 * many of them a meaning ES does not have: \A \z \h \p \Q…). */
	if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
		return cx_rp__fail(t, "invalid escape in regular expression");
	*c = (unsigned)e;
	return 0;
}

static int cx_rp__item(cx_rp *t, unsigned lo, unsigned hi, int esc)
{
	cx_rp_item *it;

	if (t->nitems == t->icap) {
		uint32_t nc = t->icap ? 2 * t->icap : 16;
		cx_rp_item *n = realloc(t->items, nc * sizeof(*n));
		if (!n) {
			t->rc = ENOMEM;
			return -1;
		}
		t->items = n;
		t->icap = nc;
	}
	it = &t->items[t->nitems++];
	it->lo = (uint16_t)lo;
	it->hi = (uint16_t)hi;
	it->esc = (uint16_t)esc;
	return 0;
}

/* [ ClassRanges ] (15.10.2.13-19); t->i is after the '['. */
static int cx_rp__class(cx_rp *t)
{
	cx_rp_ev e = {0};
	unsigned lo, hi;
	int r;

	t->nitems = 0;
	if (cx_rp__peek(t, 0) == '^')
		e.neg = 1, t->i++;
	for (;;) {
		int c = cx_rp__peek(t, 0), lo_esc = 0, hi_esc = 0;
		if (c < 0)
			return cx_rp__fail(t, "missing ] in character class");
		t->i++;
		if (c == ']')
			break;
		if (c == '\\') {
			if ((r = cx_rp__char_escape(t, &lo, 1)) < 0)
				return -1;
			lo_esc = r;
		}
		else
			lo = (unsigned)c;
		if (cx_rp__peek(t, 0) != '-' || cx_rp__peek(t, 1) == ']' || cx_rp__peek(t, 1) < 0) {
			if (cx_rp__item(t, lo_esc ? 0 : lo, lo_esc ? 0 : lo, lo_esc ? (int)lo : 0))
				return -1;
			continue;
		}
		t->i++; /* the '-' */
		c = cx_rp__peek(t, 0);
		t->i++;
		if (c == '\\') {
			if ((r = cx_rp__char_escape(t, &hi, 1)) < 0)
				return -1;
			hi_esc = r;
		}
		else
			hi = (unsigned)c;
		if (lo_esc || hi_esc)
			return cx_rp__fail(t, "character class escape used as a range bound");
		if (lo > hi)
			return cx_rp__fail(t, "range out of order in character class");
		if (cx_rp__item(t, lo, hi, 0))
			return -1;
	}
	e.kind = CX_RP_CLASS;
	e.items = t->items;
	e.nitems = t->nitems;
	return cx_rp__emit(t, &e);
}

static int cx_rp__number(cx_rp *t, uint32_t *out)
{
	double v = 0;
	int any = 0, c;

	while ((c = cx_rp__peek(t, 0)) >= '0' && c <= '9') {
		v = v * 10 + (c - '0');
		t->i++;
		any = 1;
	}
	*out = v > 4294967295.0 ? CX_RP_INF : (uint32_t)v;
	return any;
}

/* An optional Quantifier (15.10.2.7) after the atom that began at mark and holds the capturing
 * groups [first, first+count). */
static int cx_rp__quant(cx_rp *t, uint32_t mark, uint32_t first, uint32_t count)
{
	cx_rp_ev e = {0};
	int c = cx_rp__peek(t, 0);

	e.kind = CX_RP_QUANT;
	e.mark = mark;
	e.first = first;
	e.count = count;
	e.greedy = 1;
	if (c == '*' || c == '+' || c == '?') {
		t->i++;
		e.min = c == '+';
		e.max = c == '?' ? 1 : CX_RP_INF;
	}
	else if (c == '{') {
		t->i++;
		if (!cx_rp__number(t, &e.min))
			return cx_rp__fail(t, "invalid quantifier {");
		e.max = e.min;
		if (cx_rp__peek(t, 0) == ',') {
			t->i++;
			if (!cx_rp__number(t, &e.max))
				e.max = CX_RP_INF;
		}
		if (cx_rp__peek(t, 0) != '}')
			return cx_rp__fail(t, "invalid quantifier {");
		t->i++;
		if (e.min > e.max)
			return cx_rp__fail(t, "numbers out of order in {} quantifier");
		if (e.min > CX_RP_MAXREP)
			return cx_rp__fail(t, "quantifier count too large (the limit is 65535)");
	}
	else
		return 0;
	if (cx_rp__peek(t, 0) == '?') {
		t->i++;
		e.greedy = 0;
	}
	c = cx_rp__peek(t, 0);
	if (c == '*' || c == '+' || c == '?' || c == '{')
		return cx_rp__fail(t, "nothing to repeat");
	return cx_rp__emit(t, &e);
}

static int cx_rp__disj(cx_rp *t);

/* ( Disjunction ), (?: (?= (?! ; t->i at the '('. */
static int cx_rp__group(cx_rp *t, uint32_t mark)
{
	cx_rp_ev e = {0};

	t->i++;
	if (t->depth >= CX_RP_NEST)
		return cx_rp__fail(t, "regular expression nested too deeply (the limit is 200 groups)");
	if (cx_rp__peek(t, 0) == '?') {
		int k = cx_rp__peek(t, 1);
		if (k != ':' && k != '=' && k != '!')
			return cx_rp__fail(t, "invalid group (?");
		t->i += 2;
		e.sub = k;
	}
	else
		e.c = ++t->seen;
	e.kind = CX_RP_OPEN;
	e.mark = mark;
	if (cx_rp__emit(t, &e))
		return -1;
	t->depth++;
	if (cx_rp__disj(t))
		return -1;
	t->depth--;
	if (cx_rp__peek(t, 0) != ')')
		return cx_rp__fail(t, "missing ) in regular expression");
	t->i++;
	e.kind = CX_RP_CLOSE;
	return cx_rp__emit(t, &e);
}

static int cx_rp__term(cx_rp *t)
{
	int c = cx_rp__peek(t, 0), r;
	uint32_t mark = t->k->mark(t->k->arg), first = t->seen + 1, n;
	unsigned v;

	switch (c) {
	case '^':
		t->i++;
		return cx_rp__simple(t, CX_RP_BOL, 0);
	case '$':
		t->i++;
		return cx_rp__simple(t, CX_RP_EOL, 0);
	case '*': case '+': case '?': case '{':
		return cx_rp__fail(t, "nothing to repeat");
	case ']':
		return cx_rp__fail(t, "unmatched ] in regular expression");
	case '}':
		return cx_rp__fail(t, "unmatched } in regular expression");
	case '(':
		if (cx_rp__group(t, mark))
			return -1;
		break;
	case '[':
		t->i++;
		if (cx_rp__class(t))
			return -1;
		break;
	case '.':
		t->i++;
		if (cx_rp__simple(t, CX_RP_ANY, 0))
			return -1;
		break;
	case '\\': {
		int e = cx_rp__peek(t, 1);
		if (e == 'b' || e == 'B') {
			t->i += 2;
			/* an Assertion takes no quantifier: the next term says so */
			return cx_rp__simple(t, e == 'b' ? CX_RP_WB : CX_RP_NWB, 0);
		}
		if (e >= '1' && e <= '9') {
			t->i++;
			cx_rp__number(t, &n);
			if (n > t->total)
				return cx_rp__fail(t, "back-reference to a group that does not exist");
			if (cx_rp__simple(t, CX_RP_BREF, n))
				return -1;
			break;
		}
		t->i++;
		if ((r = cx_rp__char_escape(t, &v, 0)) < 0)
			return -1;
		if (r) {
			cx_rp_ev ev = {0};
			t->nitems = 0;
			if (cx_rp__item(t, 0, 0, (int)v))
				return -1;
			ev.kind = CX_RP_CLASS;
			ev.items = t->items;
			ev.nitems = 1;
			if (cx_rp__emit(t, &ev))
				return -1;
		}
		else if (cx_rp__simple(t, CX_RP_CHAR, v))
			return -1;
		break;
	}
	default:
		t->i++;
		if (cx_rp__simple(t, CX_RP_CHAR, (unsigned)c))
			return -1;
		break;
	}
	return cx_rp__quant(t, mark, first, t->seen + 1 - first);
}

/* Disjunction: Alternatives separated by '|', up to a ')' or the end. */
static int cx_rp__disj(cx_rp *t)
{
	cx_rp_ev e = {0};

	for (;;) {
		int c;
		e.mark = t->k->mark(t->k->arg);
		while ((c = cx_rp__peek(t, 0)) >= 0 && c != '|' && c != ')')
			if (cx_rp__term(t))
				return -1;
		if (c != '|')
			break;
		t->i++;
		e.kind = CX_RP_ALT;
		if (cx_rp__emit(t, &e))
			return -1;
	}
	e.kind = CX_RP_END;
	return cx_rp__emit(t, &e);
}

int cx_rp_parse(const cx_str *p, const cx_rp_sink *k, const char **err)
{
	cx_rp t = {0};

	t.p = p;
	t.k = k;
	t.total = cx_re_count_groups(p);
	if (!cx_rp__disj(&t) && t.i < p->len)
		cx_rp__fail(&t, "unmatched ) in regular expression");
	free(t.items);
	*err = t.rc == EINVAL ? t.err : NULL;
	return t.rc;
}
