/*
 * lib_regexp.c — RegExp (ES3 15.10) and the String methods that take one (15.5.4.10-14:
 * match, search, replace, split).
 *
 * Matching runs on PCRE2's 16-bit library in non-UTF mode, so one PCRE "character" is one
 * UTF-16 code unit, exactly what ES calls a character (lone surrogates included). PCRE2 never
 * sees the ES pattern: cx_rt__* below parse it with the ES3 grammar (15.10.1) and write an
 * equivalent PCRE2 pattern in which every ES construct whose meaning differs has been spelled
 * out: `.` and the class escapes become explicit code-unit sets, `^`/`$` become look-arounds
 * (PCRE's `$` also matches before a final newline, ES's does not), `\b` is rebuilt from the
 * ASCII word set, back-references become \g{n}. Anything that is not ES syntax is a
 * SyntaxError here, before PCRE2 could accept it as one of its own extensions.
 *
 * The compiled pattern is kept inside the RegExp object as PCRE2's serialised form, in a GC
 * buffer (CX_K_BUF) hung on obj->env: it is charged to the session heap and goes away with the
 * object, with no finaliser. Matching does not decode it each time: the thread's pattern cache
 * (below) also holds the decoded code, JIT-compiled once, which every RegExp with the same
 * pattern text and flags uses.
 */
#define PCRE2_CODE_UNIT_WIDTH 16
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <time.h>
#include "cx_priv.h"

CX_STR_DEF(cx_s_source, "source");
CX_STR_DEF(cx_s_global, "global");
CX_STR_DEF(cx_s_ignorecase, "ignoreCase");
CX_STR_DEF(cx_s_multiline, "multiline");
CX_STR_DEF(cx_s_lastindex, "lastIndex");
CX_STR_DEF(cx_s_index, "index");
CX_STR_DEF(cx_s_input, "input");
CX_STR_DEF(cx_s_empty, "");

#define CX_FIXED (CX_PROP_DONTENUM | CX_PROP_READONLY | CX_PROP_DONTDELETE)
#define CX_RE_G 1
#define CX_RE_I 2
#define CX_RE_M 4
#define CX_RE_JIT 8           /* in cx_rx.flags only: r->code has its JIT compilation */
#define CX_RE_LIMIT 10000000  /* PCRE2's match limit (re_es.c's CX_RES_LIMIT is the same) */
#define CX_RE_WINDOW 4096     /* start positions per PCRE2 call on long subjects */
#define CX_RE_NS_TICK 100     /* ns of a long search per tick of the execution budget */
#define CX_RE_BUDGET (-1000)  /* cx_re__scan: the execution budget ran out (exception pending) */

/* The GC buffer that holds a compiled pattern (lives in obj->env). */
typedef struct cx_re_buf {
	uint32_t gc;
	uint32_t flags;
	uint32_t ncap;   /* capturing groups */
	uint32_t nbytes; /* serialised pcre2 code that follows */
	uint32_t slot;   /* where in the pattern cache it was last seen (a hint, checked) */
	uint32_t es;     /* CX_RE_ES*: which matcher runs it */
	uint8_t bytes[];
} cx_re_buf;

/* cx_re_buf.es: PCRE2 (re_es.c too with the i flag: PCRE2's case folding is not ES3's); re_es.c
 * (a quantified group holds captures: an ES rule PCRE2 cannot follow); re_es.c only (PCRE2
 * refused a valid ES pattern, e.g. too deep for its limits: nbytes is 0). */
enum { CX_RE_PCRE, CX_RE_ES, CX_RE_ESONLY };

/* Section - Translation ES pattern -> PCRE2 pattern (a sink of re_parse.c's events) */

typedef struct cx_rt {
	cx_sb out;
	uint32_t (*r)[2];  /* the ranges of the class being written */
	uint32_t nr, rcap;
	int flags;
	int es;            /* a quantified group holds captures: re_es.c must run it */
} cx_rt;

static void cx_rt__hex(cx_rt *t, unsigned c)
{
	char b[16];

	snprintf(b, sizeof(b), "\\x{%x}", c);
	cx_sb_ascii(&t->out, b);
}

static void cx_rt__char(cx_rt *t, unsigned c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		cx_sb_put(&t->out, (uint16_t)c);
	else
		cx_rt__hex(t, c);
}

static int cx_rt__range(cx_rt *t, uint32_t lo, uint32_t hi)
{
	if (t->nr == t->rcap) {
		uint32_t nc = t->rcap ? 2 * t->rcap : 32;
		uint32_t (*n)[2] = realloc(t->r, nc * sizeof(*n));
		if (!n)
			return ENOMEM;
		t->r = n;
		t->rcap = nc;
	}
	t->r[t->nr][0] = lo;
	t->r[t->nr][1] = hi;
	t->nr++;
	return 0;
}

/* Adds the ranges of a CharacterClassEscape (15.10.2.12) letter d D s S w W: the upper-case
 * letters are the gaps between the lower-case one's ranges. */
static int cx_rt__class_escape(cx_rt *t, int e)
{
	const uint16_t (*r)[2];
	uint32_t n = cx_rp_esc_ranges(e, &r), k, from = 0;

	for (k = 0; k < n; k++) {
		if (e >= 'a') {
			if (cx_rt__range(t, r[k][0], r[k][1]))
				return ENOMEM;
			continue;
		}
		if (r[k][0] > from && cx_rt__range(t, from, r[k][0] - 1u))
			return ENOMEM;
		from = r[k][1] + 1u;
	}
	return e < 'a' && from <= 0xffff ? cx_rt__range(t, from, 0xffff) : 0;
}

static int cx_rt__cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Writes the class collected in t->r (negated when neg) as one PCRE2 atom: sorted, merged
 * ranges, or (?!) when it matches nothing. 0 or ENOMEM. */
static int cx_rt__emit_class(cx_rt *t, int neg)
{
	uint32_t k, n = 0, from = 0;

	if (t->nr > 1)
		qsort(t->r, t->nr, sizeof(*t->r), cx_rt__cmp);
	for (k = 0; k < t->nr; k++) {
		if (n && t->r[k][0] <= t->r[n - 1][1] + 1) {
			if (t->r[k][1] > t->r[n - 1][1])
				t->r[n - 1][1] = t->r[k][1];
			continue;
		}
		t->r[n][0] = t->r[k][0];
		t->r[n][1] = t->r[k][1];
		n++;
	}
	if (neg) {
		/* the gaps, written over the ranges from the front (gap k lies before range k),
		 * with room for one more after the last range */
		uint32_t m = 0, lo;
		t->nr = n;
		if (cx_rt__range(t, 0, 0))
			return ENOMEM;
		for (k = 0; k < n; k++) {
			lo = from;
			from = t->r[k][1] + 1;
			if (t->r[k][0] > lo) {
				t->r[m][1] = t->r[k][0] - 1;
				t->r[m][0] = lo;
				m++;
			}
		}
		if (from <= 0xffff) {
			t->r[m][0] = from;
			t->r[m][1] = 0xffff;
			m++;
		}
		n = m;
	}
	if (!n) {
		cx_sb_ascii(&t->out, "(?!)");
		return 0;
	}
	cx_sb_put(&t->out, '[');
	for (k = 0; k < n; k++) {
		cx_rt__hex(t, t->r[k][0]);
		if (t->r[k][1] > t->r[k][0]) {
			cx_sb_put(&t->out, '-');
			cx_rt__hex(t, t->r[k][1]);
		}
	}
	cx_sb_put(&t->out, ']');
	return 0;
}

static int cx_rt__class(cx_rt *t, const cx_rp_ev *e)
{
	uint32_t k;

	t->nr = 0;
	for (k = 0; k < e->nitems; k++)
		if (e->items[k].esc ? cx_rt__class_escape(t, e->items[k].esc)
				    : cx_rt__range(t, e->items[k].lo, e->items[k].hi))
			return ENOMEM;
	return cx_rt__emit_class(t, e->neg);
}

static void cx_rt__quant(cx_rt *t, const cx_rp_ev *e)
{
	char b[40];

	if (e->count)
		t->es = 1;
	if (e->min == 0 && e->max == CX_RP_INF)
		cx_sb_put(&t->out, '*');
	else if (e->min == 1 && e->max == CX_RP_INF)
		cx_sb_put(&t->out, '+');
	else if (e->min == 0 && e->max == 1)
		cx_sb_put(&t->out, '?');
	else {
		/* Counts past PCRE2's limit are unbounded in practice: a string that long
		 * would not fit the session heap. */
		if (e->max > CX_RP_MAXREP)
			snprintf(b, sizeof(b), "{%u,}", e->min);
		else if (e->max == e->min)
			snprintf(b, sizeof(b), "{%u}", e->min);
		else
			snprintf(b, sizeof(b), "{%u,%u}", e->min, e->max);
		cx_sb_ascii(&t->out, b);
	}
	if (!e->greedy)
		cx_sb_put(&t->out, '?');
}

#define CX_RT_LT "\\x{a}\\x{d}\\x{2028}\\x{2029}"
#define CX_RT_W "[0-9A-Z_a-z]"

static int cx_rt__ev(void *arg, const cx_rp_ev *e)
{
	cx_rt *t = arg;
	char b[32];

	switch (e->kind) {
	case CX_RP_CHAR:
		cx_rt__char(t, e->c);
		break;
	case CX_RP_ANY: /* every code unit but the line terminators */
		cx_sb_ascii(&t->out, "[\\x{0}-\\x{9}\\x{b}\\x{c}\\x{e}-\\x{2027}\\x{202a}-\\x{ffff}]");
		break;
	case CX_RP_CLASS:
		return cx_rt__class(t, e);
	case CX_RP_BOL:
		cx_sb_ascii(&t->out, t->flags & CX_RE_M ? "(?<![^" CX_RT_LT "])" : "(?<![\\x{0}-\\x{ffff}])");
		break;
	case CX_RP_EOL:
		cx_sb_ascii(&t->out, t->flags & CX_RE_M ? "(?![^" CX_RT_LT "])" : "(?![\\x{0}-\\x{ffff}])");
		break;
	case CX_RP_WB:
		cx_sb_ascii(&t->out, "(?:(?<=" CX_RT_W ")(?!" CX_RT_W ")|(?<!" CX_RT_W ")(?=" CX_RT_W "))");
		break;
	case CX_RP_NWB:
		cx_sb_ascii(&t->out, "(?:(?<=" CX_RT_W ")(?=" CX_RT_W ")|(?<!" CX_RT_W ")(?!" CX_RT_W "))");
		break;
	case CX_RP_BREF:
		snprintf(b, sizeof(b), "(?:\\g{%u})", e->c);
		cx_sb_ascii(&t->out, b);
		break;
	case CX_RP_OPEN:
		/* A quantified lookahead is legal ES3; wrap it so PCRE2 sees a group. */
		cx_sb_ascii(&t->out, e->sub == '=' ? "(?:(?=" : e->sub == '!' ? "(?:(?!" : e->sub ? "(?:" : "(");
		break;
	case CX_RP_CLOSE:
		cx_sb_ascii(&t->out, e->sub == '=' || e->sub == '!' ? "))" : ")");
		break;
	case CX_RP_QUANT:
		cx_rt__quant(t, e);
		break;
	case CX_RP_ALT:
		cx_sb_put(&t->out, '|');
		break;
	default:
		break;
	}
	return 0;
}

static uint32_t cx_rt__mark(void *arg)
{
	return (uint32_t)((cx_rt *)arg)->out.n;
}

/* Section - Compiled patterns */

static int cx_re__flags(cx_ctx *X, cx_str *f, int *out)
{
	uint32_t i;

	*out = 0;
	for (i = 0; i < f->len; i++) {
		uint16_t c = cx_str__at(f, i);
		int b = c == 'g' ? CX_RE_G : c == 'i' ? CX_RE_I : c == 'm' ? CX_RE_M : 0;
		if (!b || (*out & b)) {
			const char *fs = cx_str_to_utf8(X, f, NULL);
			cx_throw_error(X, "SyntaxError", "invalid regular expression flags '%s'", fs ? fs : "?");
			return -1;
		}
		*out |= b;
	}
	return 0;
}

/* The source property: the pattern with unescaped '/' and line terminators escaped, so that
 * "/" + source + "/" reads back as the same literal; "(?:)" for the empty pattern (ES5). */
static cx_str *cx_re__source(cx_ctx *X, cx_str *p)
{
	cx_sb sb = {0};
	uint32_t i;
	int cls = 0;
	cx_value v;

	if (!p->len)
		return cx_str__ascii(X, "(?:)");
	for (i = 0; i < p->len; i++) {
		uint16_t c = cx_str__at(p, i);
		if (c == '\\' && i + 1 < p->len) {
			cx_sb_put(&sb, c);
			cx_sb_put(&sb, cx_str__at(p, ++i));
			continue;
		}
		if (c == '[')
			cls = 1;
		else if (c == ']')
			cls = 0;
		if (c == '/' && !cls)
			cx_sb_ascii(&sb, "\\/");
		else if (c == '\n')
			cx_sb_ascii(&sb, "\\n");
		else if (c == '\r')
			cx_sb_ascii(&sb, "\\r");
		else if (c == 0x2028)
			cx_sb_ascii(&sb, "\\u2028");
		else if (c == 0x2029)
			cx_sb_ascii(&sb, "\\u2029");
		else
			cx_sb_put(&sb, c);
	}
	v = cx_sb_finish(X, &sb);
	return cx_is_exc(v) ? NULL : v.u.s;
}

/* A regex literal is compiled again at every evaluation (ES5: a new object each time), so
 * the serialised results of the last few compilations are kept per thread, keyed by pattern
 * text and flags. Plain malloc memory, bounded (CX_RE_CACHE entries of patterns up to 4 KiB),
 * shared by every session of the thread; a hit only copies bytes into the session's heap.
 * The entry also keeps, once a match needed it, the decoded code with its JIT compilation
 * (PCRE2's interpreter is several times slower; decoding per operation cost more than the
 * match for short subjects) and one spare match-data block. An entry that an open cx_rx
 * uses (users > 0) is never evicted, so the code stays valid until cx_rx_close. */
#define CX_RE_CACHE 32
typedef struct cx_re_cent {
	uint16_t *pat;
	uint32_t plen;
	int flags;
	uint32_t ncap;
	uint32_t es;
	uint8_t *bytes;
	size_t nbytes;
	pcre2_code *code;       /* decoded from bytes (NULL until first used) */
	int jit;                /* code is JIT compiled */
	pcre2_match_data *md;   /* a spare match-data block for the next cx_rx_open */
	int users;              /* cx_rx open on code */
} cx_re_cent;
static _Thread_local cx_re_cent cx_re__cache[CX_RE_CACHE];
static _Thread_local unsigned cx_re__next;

static int cx_re__same(const cx_re_cent *e, const cx_str *p, int flags)
{
	uint32_t i;

	if (!e->bytes || e->plen != p->len || e->flags != flags)
		return 0;
	for (i = 0; i < p->len; i++)
		if (e->pat[i] != cx_str__at(p, i))
			return 0;
	return 1;
}

static cx_re_buf *cx_re__from_cache(cx_ctx *X, const cx_str *p, int flags)
{
	unsigned k;

	for (k = 0; k < CX_RE_CACHE; k++) {
		cx_re_cent *e = &cx_re__cache[k];
		cx_re_buf *b;
		if (!cx_re__same(e, p, flags))
			continue;
		if (!(b = cx_heap__alloc(X, CX_K_BUF, sizeof(*b) + e->nbytes)))
			return NULL;
		b->flags = (uint32_t)flags;
		b->ncap = e->ncap;
		b->es = e->es;
		b->nbytes = (uint32_t)e->nbytes;
		b->slot = k;
		memcpy(b->bytes, e->bytes, e->nbytes);
		return b;
	}
	return NULL;
}

/* Enters b (compiled from p with flags) into the cache, evicting the oldest entry no open cx_rx
 * uses; returns the entry, or NULL when it was not cached (too long, all busy, no memory). */
static cx_re_cent *cx_re__to_cache(const cx_str *p, int flags, cx_re_buf *b)
{
	cx_re_cent *e = NULL;
	uint32_t i;
	unsigned k;

	if (p->len > 4096)
		return NULL;
	for (k = 0; k < CX_RE_CACHE && !e; k++) {
		unsigned slot = cx_re__next++ % CX_RE_CACHE;
		if (!cx_re__cache[slot].users)
			e = &cx_re__cache[slot], b->slot = slot;
	}
	if (!e)
		return NULL;
	free(e->pat);
	free(e->bytes);
	if (e->code)
		pcre2_code_free(e->code);
	if (e->md)
		pcre2_match_data_free(e->md);
	memset(e, 0, sizeof(*e));
	e->pat = malloc(((size_t)p->len + 1) * 2);
	e->bytes = malloc(b->nbytes ? b->nbytes : 1);
	if (!e->pat || !e->bytes) {
		free(e->pat);
		free(e->bytes);
		memset(e, 0, sizeof(*e));
		return NULL;
	}
	for (i = 0; i < p->len; i++)
		e->pat[i] = cx_str__at(p, i);
	e->plen = p->len;
	e->flags = flags;
	e->ncap = b->ncap;
	e->es = b->es;
	e->nbytes = b->nbytes;
	memcpy(e->bytes, b->bytes, b->nbytes);
	return e;
}

/* Translates and compiles pattern p; the result is a new GC buffer, or NULL with a
 * SyntaxError (or out-of-memory RangeError) pending. */
static cx_re_buf *cx_re__compile(cx_ctx *X, cx_str *p, int flags)
{
	cx_rt t = {0};
	cx_rp_sink k = {cx_rt__ev, cx_rt__mark, NULL};
	pcre2_code *code;
	int ec, err;
	PCRE2_SIZE eo, nb = 0;
	uint8_t *bytes = NULL;
	cx_re_buf *b = NULL;
	const pcre2_code *codes[1];
	uint32_t opts = PCRE2_NEVER_UTF | PCRE2_MATCH_UNSET_BACKREF | PCRE2_USE_OFFSET_LIMIT, es;
	const char *why;
	unsigned j;

	for (j = 0; j < CX_RE_CACHE; j++)
		if (cx_re__same(&cx_re__cache[j], p, flags))
			return cx_re__from_cache(X, p, flags);
	/* a compilation costs the event's budget by its length (parsing, PCRE2's compilation):
	 * a loop compiling megabyte patterns runs out of budget, not for hours */
	X->steps -= p->len;
	t.flags = flags;
	k.arg = &t;
	err = cx_rp_parse(p, &k, &why);
	free(t.r);
	if (err == EINVAL) {
		/* a long pattern is cut (at a character boundary) so that the reason still fits */
		const char *ps = cx_str_to_utf8(X, p, NULL);
		int n = 0;
		if (!ps)
			ps = "?";
		while (ps[n] && n < 120)
			n++;
		while (ps[n] && n > 0 && ((unsigned char)ps[n] & 0xc0) == 0x80)
			n--;
		free(t.out.b);
		cx_throw_error(X, "SyntaxError", "invalid regular expression /%.*s%s/: %s", n, ps,
			       ps[n] ? "..." : "", why);
		return NULL;
	}
	if (err || t.out.err) {
		free(t.out.b);
		cx_heap__oom(X);
		return NULL;
	}
	es = t.es ? CX_RE_ES : CX_RE_PCRE;
	/* Case-insensitive matching beyond ASCII needs PCRE2's Unicode tables (UCP); every
	 * class escape was expanded above, so UCP changes nothing else. */
	if (flags & CX_RE_I)
		opts |= PCRE2_CASELESS | PCRE2_UCP;
	code = pcre2_compile(t.out.b ? t.out.b : (PCRE2_SPTR)u"", t.out.n, opts, &ec, &eo, NULL);
	free(t.out.b);
	/* The pattern is valid ES (the parser said so): what PCRE2 refuses (nesting or size past
	 * its limits) the ES matcher runs. */
	if (!code)
		es = CX_RE_ESONLY;
	else {
		codes[0] = code;
		ec = pcre2_serialize_encode(codes, 1, &bytes, &nb, NULL);
		pcre2_code_free(code);
		if (ec < 0) {
			cx_heap__oom(X);
			return NULL;
		}
	}
	b = cx_heap__alloc(X, CX_K_BUF, sizeof(*b) + nb);
	if (b) {
		b->flags = (uint32_t)flags;
		b->ncap = cx_re_count_groups(p);
		b->es = es;
		b->nbytes = (uint32_t)nb;
		b->slot = CX_RE_CACHE; /* none yet */
		if (nb)
			memcpy(b->bytes, bytes, nb);
		cx_re__to_cache(p, flags, b);
	}
	if (bytes)
		pcre2_serialize_free(bytes);
	return b;
}

/* Builds a RegExp object (15.10.4.1) from a pattern string and a flags string. */
static cx_value cx_re__make(cx_ctx *X, cx_str *p, cx_str *f)
{
	cx_re_buf *b;
	cx_obj *o;
	cx_str *src;
	int flags;

	if (cx_re__flags(X, f, &flags) || !(b = cx_re__compile(X, p, flags)))
		return CX_EXCEPTION;
	if (!(src = cx_re__source(X, p)) || !(o = cx_obj__new(X, CX_C_REGEXP, CX_PROTO(X, CX_P_REGEXP))))
		return CX_EXCEPTION;
	o->env = (cx_env *)(void *)b;
	o->prim = cx_strv(p);
	if (cx_obj__set(X, o, CX_STR_REF(cx_s_source), cx_strv(src), CX_FIXED) ||
	    cx_obj__set(X, o, CX_STR_REF(cx_s_global), cx_bool(flags & CX_RE_G), CX_FIXED) ||
	    cx_obj__set(X, o, CX_STR_REF(cx_s_ignorecase), cx_bool(flags & CX_RE_I), CX_FIXED) ||
	    cx_obj__set(X, o, CX_STR_REF(cx_s_multiline), cx_bool(flags & CX_RE_M), CX_FIXED) ||
	    cx_obj__set(X, o, CX_STR_REF(cx_s_lastindex), cx_num(0), CX_PROP_DONTENUM | CX_PROP_DONTDELETE))
		return CX_EXCEPTION;
	return cx_objv(o);
}

cx_value cx_regexp_new(cx_ctx *X, const char *src, const char *flags)
{
	cx_value p = cx_str_cstr(X, src ? src : ""), f;

	if (cx_is_exc(p))
		return p;
	f = cx_str_cstr(X, flags ? flags : "");
	if (cx_is_exc(f))
		return f;
	return cx_re__make(X, p.u.s, f.u.s);
}

/* Section - Matching */

/* The match context every match of the thread uses: only the limits. Catastrophic
 * backtracking ends in a RangeError, not a hang: about a second of work at most (the match
 * limit counts for the JIT too), and bounded PCRE2 heap memory for the interpreter. */
static _Thread_local pcre2_match_context *cx_re__mc;

/* The cache entry of the pattern of re (entered now if it is not there), with its code decoded
 * and JIT compiled; NULL when it cannot be cached (the caller decodes a private copy). */
static cx_re_cent *cx_re__entry(cx_obj *re, cx_re_buf *b)
{
	const cx_str *p = re->prim.tag == CX_T_STR ? re->prim.u.s : NULL;
	cx_re_cent *e = NULL;
	unsigned k;

	if (!p)
		return NULL;
	if (b->slot < CX_RE_CACHE && cx_re__same(&cx_re__cache[b->slot], p, (int)b->flags))
		e = &cx_re__cache[b->slot];
	for (k = 0; k < CX_RE_CACHE && !e; k++)
		if (cx_re__same(&cx_re__cache[k], p, (int)b->flags))
			e = &cx_re__cache[k], b->slot = k;
	if (!e && !(e = cx_re__to_cache(p, (int)b->flags, b)))
		return NULL;
	if (!e->code) {
		if (pcre2_serialize_decode(&e->code, 1, e->bytes, NULL) != 1) {
			e->code = NULL;
			return NULL;
		}
		/* Without JIT support (or memory for it) the interpreter runs the same code. */
		e->jit = pcre2_jit_compile(e->code, PCRE2_JIT_COMPLETE) == 0;
	}
	return e;
}

int cx_rx_open(cx_ctx *X, cx_obj *re, cx_rx *r)
{
	cx_re_buf *b = (cx_re_buf *)(void *)re->env;
	cx_re_cent *e;
	pcre2_code *code = NULL;
	int err;

	memset(r, 0, sizeof(*r));
	if (re->cls != CX_C_REGEXP || !b || re->prim.tag != CX_T_STR) {
		cx_throw_error(X, "TypeError", "not a RegExp");
		return -1;
	}
	r->ncap = b->ncap;
	r->flags = (int)b->flags;
	/* A quantified group holding captures: PCRE2 keeps captures across iterations and lets
	 * an iteration match empty, ES does not (15.10.2.5). The i flag: PCRE2 folds case with
	 * Unicode's tables (U+017F matches 's'), ES3 with Canonicalize (15.10.2.8). re_es.c
	 * matches both kinds, and what PCRE2 refused. */
	if (b->es == CX_RE_ESONLY || cx_res_choose(b->es == CX_RE_ES || (b->flags & CX_RE_I))) {
		err = cx_res_compile(X, re->prim.u.s, r->flags & (CX_RE_I | CX_RE_M), &r->es);
		if (!err)
			return 0;
		if (err == ENOMEM)
			goto oom;
		if (b->es == CX_RE_ESONLY) { /* the parser accepted it once: it never should */
			cx_throw_error(X, "SyntaxError", "regular expression cannot be compiled");
			return -1;
		}
	}
	if (!cx_re__mc) {
		if (!(cx_re__mc = pcre2_match_context_create(NULL)))
			goto oom;
		pcre2_set_match_limit(cx_re__mc, CX_RE_LIMIT);
		pcre2_set_heap_limit(cx_re__mc, 16384); /* KiB */
	}
	r->mc = cx_re__mc;
	if ((e = cx_re__entry(re, b))) {
		r->code = e->code;
		r->md = e->md;
		e->md = NULL;
		e->users++;
		if (e->jit)
			r->flags |= CX_RE_JIT;
	}
	else {
		/* not cacheable: a private copy for this operation, freed by cx_rx_close */
		if (pcre2_serialize_decode(&code, 1, b->bytes, NULL) != 1)
			goto oom;
		r->code = code;
	}
	if (!r->md && !(r->md = pcre2_match_data_create_from_pattern(r->code, NULL)))
		goto oom;
	return 0;
oom:
	cx_rx_close(X, r);
	cx_heap__oom(X);
	return -1;
}

/* Tests: the pattern of RegExp v needs re_es.c for its captures (or PCRE2 refused it). */
int cx_regexp_wants_es(cx_value v)
{
	cx_obj *re = cx_obj_of(v, CX_C_REGEXP);

	return re && re->env && ((cx_re_buf *)(void *)re->env)->es != CX_RE_PCRE;
}

void cx_rx_close(cx_ctx *X, cx_rx *r)
{
	cx_re_cent *e = NULL;
	unsigned k;

	for (k = 0; k < CX_RE_CACHE && r->code && !e; k++)
		if (cx_re__cache[k].code == r->code && cx_re__cache[k].users > 0)
			e = &cx_re__cache[k];
	if (e) {
		e->users--;
		if (!e->md)
			e->md = r->md, r->md = NULL;
	}
	else if (r->code)
		pcre2_code_free(r->code);
	if (r->md)
		pcre2_match_data_free(r->md);
	if (r->wide)
		cx_mem__free(X, r->wide, r->wcap * 2);
	cx_res_free(X, r->es);
	memset(r, 0, sizeof(*r));
}

/* One PCRE2 match attempt from at, with starts up to the match context's offset limit. */
static int cx_re__match(cx_rx *r, const uint16_t *subj, uint32_t len, uint32_t at)
{
	int rc;

	/* pcre2_jit_match skips pcre2_match's checks of its arguments, which hold here (a
	 * non-UTF pattern accepts any code units) */
	if (r->flags & CX_RE_JIT)
		rc = pcre2_jit_match(r->code, subj, len, at, 0, r->md, r->mc);
	else
		rc = pcre2_match(r->code, subj, len, at, 0, r->md, r->mc);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* the JIT's 32 KiB stack: the interpreter has more */
		rc = pcre2_match(r->code, subj, len, at, PCRE2_NO_JIT, r->md, r->mc);
	return rc;
}

static int64_t cx_re__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A search over a long subject, CX_RE_WINDOW start positions per PCRE2 call (its offset
 * limit). PCRE2's match limit counts backtracking into groups, not into a repeated single
 * character, so /[ab]{0,1000}[cd]/ costs a thousand steps per start position uncounted: on
 * megabytes that is seconds in one call. Between windows the time taken is charged to the
 * event's execution budget (a tick per CX_RE_NS_TICK ns), so such a search ends in the
 * budget's RangeError like a runaway loop. Short subjects are one call (the match limit
 * bounds them). */
static int cx_re__scan(cx_ctx *X, cx_rx *r, const uint16_t *subj, uint32_t len, uint32_t at)
{
	int64_t t0 = cx_re__now_ns(), t1;
	uint32_t pos = at;
	int rc;

	for (;;) {
		uint32_t lim = len - pos > CX_RE_WINDOW ? pos + CX_RE_WINDOW - 1 : len;
		pcre2_set_offset_limit(r->mc, lim);
		rc = cx_re__match(r, subj, len, pos);
		t1 = cx_re__now_ns();
		X->steps -= 1 + (t1 - t0) / CX_RE_NS_TICK;
		t0 = t1;
		if (rc != PCRE2_ERROR_NOMATCH || lim == len)
			break;
		if (X->steps < 0) {
			cx_budget_exceeded(X);
			rc = CX_RE_BUDGET;
			break;
		}
		pos = lim + 1;
	}
	pcre2_set_offset_limit(r->mc, PCRE2_UNSET);
	return rc;
}

/* One leftmost match of r in s starting the search at index at. ov receives 2*(ncap+1)
 * offsets (UINT32_MAX for a group that did not participate). 1 match, 0 none, -1 exception. */
static int cx_rx__exec(cx_ctx *X, cx_rx *r, cx_str *s, uint32_t at, uint32_t *ov)
{
	const uint16_t *subj;
	PCRE2_SIZE *o;
	uint32_t i;
	int rc;

	if (at > s->len)
		return 0;
	if (s->wide)
		subj = (const uint16_t *)s->chars;
	else {
		if (r->wsrc != s) {
			if (r->wcap < (size_t)s->len + 1) {
				uint16_t *nw = cx_mem__realloc(X, r->wide, r->wcap * 2, ((size_t)s->len + 1) * 2);
				if (!nw)
					return -1;
				r->wide = nw;
				r->wcap = (size_t)s->len + 1;
			}
			for (i = 0; i < s->len; i++)
				r->wide[i] = (uint8_t)s->chars[i];
			r->wsrc = s;
		}
		subj = r->wide;
	}
	cx_budget__settle(X); /* the budget bounds the match below */
	if (--X->steps < 0) {
		cx_budget_exceeded(X);
		return -1;
	}
	if (!subj)
		subj = (PCRE2_SPTR)u"";
	if (r->es)
		return cx_res_exec(X, r->es, subj, s->len, at, ov);
	rc = s->len - at > CX_RE_WINDOW ? cx_re__scan(X, r, subj, s->len, at) : cx_re__match(r, subj, s->len, at);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
		/* as much work as re_es.c's limit: a loop retrying it runs out of budget */
		X->steps -= CX_RE_LIMIT / 8;
		cx_throw_error(X, "RangeError", "regular expression too complex: backtracking limit reached");
		return -1;
	}
	if (rc == CX_RE_BUDGET)
		return -1;
	if (rc == PCRE2_ERROR_NOMEMORY) {
		cx_heap__oom(X);
		return -1;
	}
	if (rc < 0) {
		cx_throw_error(X, "Error", "regular expression match failed (PCRE2 error %d)", rc);
		return -1;
	}
	o = pcre2_get_ovector_pointer(r->md);
	for (i = 0; i < 2 * (r->ncap + 1); i++)
		ov[i] = i < 2 * (uint32_t)rc && o[i] != PCRE2_UNSET ? (uint32_t)o[i] : UINT32_MAX;
	return 1;
}

int cx_rx_exec(cx_ctx *X, cx_rx *r, cx_str *s, uint32_t at, uint32_t *ov)
{
	int rc;

	if (!(s = cx_str__flat(X, s))) /* a cons subject: its characters, flat, for the matcher */
		return -1;
	rc = cx_rx__exec(X, r, s, at, ov);

	/* the match settled the budget: a collection still due is asked for again, unless an
	 * exception is on its way (a catch reads the budget first; cx_catch asks again) */
	if (rc >= 0)
		cx_heap__ask(X);
	return rc;
}

/* Section - RegExp constructor and prototype (15.10.4-6) */

static cx_value cx_regexp_construct(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *re = cx_obj_of(CX_ARG(0), CX_C_REGEXP);
	cx_str *p, *f;

	if (re) {
		if (CX_ARG(1).tag != CX_T_UNDEF)
			return cx_throw_error(X, "TypeError", "cannot supply flags when constructing one RegExp from another");
		{
			uint32_t fl = ((cx_re_buf *)(void *)re->env)->flags;
			char fs[4], *q = fs;
			if (fl & CX_RE_G) *q++ = 'g';
			if (fl & CX_RE_I) *q++ = 'i';
			if (fl & CX_RE_M) *q++ = 'm';
			*q = 0;
			if (!(f = cx_str__ascii(X, fs)))
				return CX_EXCEPTION;
		}
		return cx_re__make(X, re->prim.u.s, f);
	}
	p = CX_ARG(0).tag == CX_T_UNDEF ? CX_STR_REF(cx_s_empty) : cx_to_str(X, argv[0]);
	if (!p)
		return CX_EXCEPTION;
	f = CX_ARG(1).tag == CX_T_UNDEF ? CX_STR_REF(cx_s_empty) : cx_to_str(X, argv[1]);
	if (!f)
		return CX_EXCEPTION;
	return cx_re__make(X, p, f);
}

static cx_value cx_regexp_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	if (cx_obj_of(CX_ARG(0), CX_C_REGEXP) && CX_ARG(1).tag == CX_T_UNDEF)
		return argv[0];
	return cx_regexp_construct(X, self, this_, argc, argv);
}

static cx_obj *cx_re__this(cx_ctx *X, cx_value this_, const char *m)
{
	cx_obj *o = cx_obj_of(this_, CX_C_REGEXP);

	if (!o)
		cx_throw_error(X, "TypeError", "RegExp.prototype.%s called on a non-RegExp", m);
	return o;
}

/* The match array of 15.10.6.2: [m0, m1…] with index and input. */
static cx_value cx_re__result(cx_ctx *X, cx_str *s, uint32_t ncap, const uint32_t *ov)
{
	cx_value a = cx_arr_new(X, 0, NULL);
	uint32_t k;

	if (cx_is_exc(a))
		return a;
	for (k = 0; k <= ncap; k++) {
		cx_value v = CX_UNDEFINED;
		if (ov[2 * k] != UINT32_MAX) {
			cx_str *m = cx_str__sub(X, s, ov[2 * k], ov[2 * k + 1]);
			if (!m)
				return CX_EXCEPTION;
			v = cx_strv(m);
		}
		if (cx_is_exc(cx_arr__put(X, a.u.o, k, v)))
			return CX_EXCEPTION;
	}
	if (cx_obj__set(X, a.u.o, CX_STR_REF(cx_s_index), cx_num(ov[0]), 0) ||
	    cx_obj__set(X, a.u.o, CX_STR_REF(cx_s_input), cx_strv(s), 0))
		return CX_EXCEPTION;
	return a;
}

static int cx_re__set_last(cx_ctx *X, cx_obj *re, double v)
{
	return cx_is_exc(cx_obj__put(X, re, CX_STR_REF(cx_s_lastindex), cx_num(v))) ? -1 : 0;
}

/* 15.10.6.2 exec. As in ES3/ES5, a failed match resets lastIndex to 0 even without g
 * (ES2015 and node leave it alone there). */
static cx_value cx_re__exec(cx_ctx *X, cx_obj *re, cx_value arg, int want_array)
{
	cx_str *s = cx_to_str(X, arg);
	cx_value li;
	double i = 0;
	uint32_t stack_ov[20], *ov = stack_ov;
	cx_rx r;
	int m;
	cx_value res = CX_NULLV;

	if (!s)
		return CX_EXCEPTION;
	li = cx_obj__get(X, re, CX_STR_REF(cx_s_lastindex));
	if (cx_is_exc(li) || cx_to_num(X, li, &i))
		return CX_EXCEPTION;
	i = cx_to_integer_d(i);
	if (cx_rx_open(X, re, &r))
		return CX_EXCEPTION;
	if (!(r.flags & CX_RE_G))
		i = 0;
	if (2 * (r.ncap + 1) > 20 && !(ov = cx_mem__alloc(X, 2 * (r.ncap + 1) * sizeof(uint32_t)))) {
		cx_rx_close(X, &r);
		return CX_EXCEPTION;
	}
	m = i < 0 || i > s->len ? 0 : cx_rx_exec(X, &r, s, (uint32_t)i, ov);
	if (m < 0)
		res = CX_EXCEPTION;
	else if (m == 0)
		res = cx_re__set_last(X, re, 0) ? CX_EXCEPTION : CX_NULLV;
	else if ((r.flags & CX_RE_G) && cx_re__set_last(X, re, ov[1]))
		res = CX_EXCEPTION;
	else
		res = want_array ? cx_re__result(X, s, r.ncap, ov) : CX_TRUE;
	if (ov != stack_ov)
		cx_mem__free(X, ov, 2 * (r.ncap + 1) * sizeof(uint32_t));
	cx_rx_close(X, &r);
	if (!want_array && res.tag == CX_T_NULL)
		return CX_FALSE;
	return res;
}

static cx_value cx_regexp_exec(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *re = cx_re__this(X, this_, "exec");
	return re ? cx_re__exec(X, re, CX_ARG(0), 1) : CX_EXCEPTION;
}

static cx_value cx_regexp_test(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *re = cx_re__this(X, this_, "test");
	return re ? cx_re__exec(X, re, CX_ARG(0), 0) : CX_EXCEPTION;
}

static cx_value cx_regexp_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *re = cx_re__this(X, this_, "toString");
	cx_value src;
	cx_sb sb = {0};
	uint32_t f;

	if (!re)
		return CX_EXCEPTION;
	src = cx_obj__get(X, re, CX_STR_REF(cx_s_source));
	if (cx_is_exc(src) || src.tag != CX_T_STR)
		return cx_is_exc(src) ? src : cx_throw_error(X, "TypeError", "RegExp without a source");
	f = ((cx_re_buf *)(void *)re->env)->flags;
	cx_sb_put(&sb, '/');
	cx_sb_str(&sb, src.u.s);
	cx_sb_put(&sb, '/');
	if (f & CX_RE_G)
		cx_sb_put(&sb, 'g');
	if (f & CX_RE_I)
		cx_sb_put(&sb, 'i');
	if (f & CX_RE_M)
		cx_sb_put(&sb, 'm');
	return cx_sb_finish(X, &sb);
}

/* Section - String methods taking a RegExp (15.5.4.10-14) */

/* The argument as a RegExp: itself, or new RegExp(arg) (15.5.4.10). */
static cx_obj *cx_rs__regexp(cx_ctx *X, cx_value v)
{
	cx_obj *re = cx_obj_of(v, CX_C_REGEXP);
	cx_value n;
	cx_str *p;

	if (re)
		return re;
	p = v.tag == CX_T_UNDEF ? CX_STR_REF(cx_s_empty) : cx_to_str(X, v);
	if (!p)
		return NULL;
	n = cx_re__make(X, p, CX_STR_REF(cx_s_empty));
	return cx_is_exc(n) ? NULL : n.u.o;
}

/* A working set for one String operation: the decoded pattern and an ovector. */
typedef struct cx_rs {
	cx_rx r;
	uint32_t *ov;
	uint32_t nov;
} cx_rs;

static int cx_rs__open(cx_ctx *X, cx_obj *re, cx_rs *w)
{
	w->ov = NULL;
	if (cx_rx_open(X, re, &w->r))
		return -1;
	w->nov = 2 * (w->r.ncap + 1);
	if (!(w->ov = cx_mem__alloc(X, w->nov * sizeof(uint32_t)))) {
		cx_rx_close(X, &w->r);
		return -1;
	}
	return 0;
}

static void cx_rs__close(cx_ctx *X, cx_rs *w)
{
	cx_mem__free(X, w->ov, w->nov * sizeof(uint32_t));
	cx_rx_close(X, &w->r);
}

static cx_value cx_rs_match(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *m;
	cx_obj *re;
	cx_value a = CX_NULLV;
	cx_rs w;
	uint32_t at = 0, n = 0;
	int rc;

	if (!s || !(re = cx_rs__regexp(X, CX_ARG(0))))
		return CX_EXCEPTION;
	if (!(((cx_re_buf *)(void *)re->env)->flags & CX_RE_G))
		return cx_re__exec(X, re, cx_strv(s), 1);
	if (cx_rs__open(X, re, &w))
		return CX_EXCEPTION;
	for (;;) {
		rc = cx_rx_exec(X, &w.r, s, at, w.ov);
		if (rc <= 0)
			break;
		if (a.tag == CX_T_NULL && cx_is_exc(a = cx_arr_new(X, 0, NULL)))
			break;
		if (!(m = cx_str__sub(X, s, w.ov[0], w.ov[1])) || cx_is_exc(cx_arr__put(X, a.u.o, n++, cx_strv(m)))) {
			rc = -1;
			break;
		}
		/* An empty match would be found again at the same place: step over it. */
		at = w.ov[1] == w.ov[0] ? w.ov[1] + 1 : w.ov[1];
	}
	cx_rs__close(X, &w);
	if (rc < 0 || cx_is_exc(a) || cx_re__set_last(X, re, 0))
		return CX_EXCEPTION;
	return a;
}

static cx_value cx_rs_search(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	cx_obj *re;
	cx_rs w;
	int rc;
	double pos = -1;

	if (!s || !(re = cx_rs__regexp(X, CX_ARG(0))) || cx_rs__open(X, re, &w))
		return CX_EXCEPTION;
	rc = cx_rx_exec(X, &w.r, s, 0, w.ov);
	if (rc > 0)
		pos = w.ov[0];
	cx_rs__close(X, &w);
	return rc < 0 ? CX_EXCEPTION : cx_num(pos);
}

/* Appends the replacement for one match (15.5.4.11): the function's result, or the
 * template with $$ $& $` $' $n $nn expanded. ov has 2*(ncap+1) offsets. */
static int cx_rs__expand(cx_ctx *X, cx_sb *sb, cx_str *s, cx_value rep, cx_str *tpl,
			 uint32_t ncap, const uint32_t *ov)
{
	uint32_t i, k;

	if (!tpl) {
		cx_value stack[12], *args = stack, r;
		uint32_t n = ncap + 3;
		cx_str *rs;
		if (n > 12 && !(args = cx_vals__new(X, n))) /* rooted: rep runs script */
			return -1;
		for (k = 0; k <= ncap; k++) {
			args[k] = CX_UNDEFINED;
			if (ov[2 * k] != UINT32_MAX) {
				cx_str *m = cx_str__sub(X, s, ov[2 * k], ov[2 * k + 1]);
				if (!m)
					break;
				args[k] = cx_strv(m);
			}
		}
		if (k <= ncap) {
			if (args != stack)
				cx_vals__free(X, args, n);
			return -1;
		}
		args[ncap + 1] = cx_num(ov[0]);
		args[ncap + 2] = cx_strv(s);
		r = cx_call(X, rep, CX_UNDEFINED, (int)n, args);
		if (args != stack)
			cx_vals__free(X, args, n);
		if (cx_is_exc(r) || !(rs = cx_to_str(X, r)))
			return -1;
		cx_sb_str(sb, rs);
		return 0;
	}
	for (i = 0; i < tpl->len; i++) {
		uint16_t c = cx_str__at(tpl, i), c2 = i + 1 < tpl->len ? cx_str__at(tpl, i + 1) : 0;
		uint32_t from = 0, to = 0, g = 0;
		if (c != '$') {
			cx_sb_put(sb, c);
			continue;
		}
		if (c2 == '$') {
			cx_sb_put(sb, '$');
			i++;
			continue;
		}
		if (c2 == '&')
			from = ov[0], to = ov[1];
		else if (c2 == '`')
			from = 0, to = ov[0];
		else if (c2 == '\'')
			from = ov[1], to = s->len;
		else if (c2 >= '0' && c2 <= '9') {
			/* $nn when nn names a group, else $n when n does (node's reading of the
			 * implementation-defined cases); $0 and unknown groups stay literal. */
			uint16_t c3 = i + 2 < tpl->len ? cx_str__at(tpl, i + 2) : 0;
			uint32_t two = (uint32_t)(c2 - '0') * 10 + (uint32_t)(c3 - '0');
			if (c3 >= '0' && c3 <= '9' && two >= 1 && two <= ncap)
				g = two, i++;
			else if (c2 != '0' && (uint32_t)(c2 - '0') <= ncap)
				g = (uint32_t)(c2 - '0');
			else {
				cx_sb_put(sb, '$');
				continue;
			}
			i++;
			if (ov[2 * g] != UINT32_MAX)
				for (k = ov[2 * g]; k < ov[2 * g + 1]; k++)
					cx_sb_put(sb, cx_str__at(s, k));
			continue;
		}
		else {
			cx_sb_put(sb, '$');
			continue;
		}
		i++;
		for (k = from; k < to; k++)
			cx_sb_put(sb, cx_str__at(s, k));
	}
	return 0;
}

static cx_value cx_rs_replace(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *tpl = NULL, *pat;
	cx_obj *re = cx_obj_of(CX_ARG(0), CX_C_REGEXP);
	cx_value rep = CX_ARG(1);
	cx_sb sb = {0};
	uint32_t last = 0, k, at = 0;
	int rc;

	if (!s)
		return CX_EXCEPTION;
	if (!re) {
		uint32_t ov[2];
		int64_t q;
		if (!(pat = cx_to_str(X, CX_ARG(0))))
			return CX_EXCEPTION;
		if (!cx_is_callable(rep) && !(tpl = cx_to_str(X, rep)))
			return CX_EXCEPTION;
		if ((q = cx_str__find(s, pat, 0)) < 0)
			return cx_strv(s);
		ov[0] = (uint32_t)q;
		ov[1] = (uint32_t)q + pat->len;
		for (k = 0; k < ov[0]; k++)
			cx_sb_put(&sb, cx_str__at(s, k));
		if (cx_rs__expand(X, &sb, s, rep, tpl, 0, ov)) {
			free(sb.b);
			return CX_EXCEPTION;
		}
		for (k = ov[1]; k < s->len; k++)
			cx_sb_put(&sb, cx_str__at(s, k));
		return cx_sb_finish(X, &sb);
	}
	if (!cx_is_callable(rep) && !(tpl = cx_to_str(X, rep)))
		return CX_EXCEPTION;
	{
		cx_rs w;
		int global = ((cx_re_buf *)(void *)re->env)->flags & CX_RE_G;
		if (cx_rs__open(X, re, &w))
			return CX_EXCEPTION;
		while ((rc = cx_rx_exec(X, &w.r, s, at, w.ov)) > 0) {
			for (k = last; k < w.ov[0]; k++)
				cx_sb_put(&sb, cx_str__at(s, k));
			if (cx_rs__expand(X, &sb, s, rep, tpl, w.r.ncap, w.ov)) {
				rc = -1;
				break;
			}
			last = w.ov[1];
			if (!global)
				break;
			at = w.ov[1] == w.ov[0] ? w.ov[1] + 1 : w.ov[1];
		}
		cx_rs__close(X, &w);
		if (rc >= 0 && global && cx_re__set_last(X, re, 0))
			rc = -1;
		if (rc < 0) {
			free(sb.b);
			return CX_EXCEPTION;
		}
	}
	for (k = last; k < s->len; k++)
		cx_sb_put(&sb, cx_str__at(s, k));
	return cx_sb_finish(X, &sb);
}

/* 15.5.4.14 with a RegExp separator: SplitMatch at each q from p is the leftmost match at or
 * after q, so one unanchored search per piece does the same work. */
static cx_value cx_rs_split(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *sep, *part;
	cx_obj *re = cx_obj_of(CX_ARG(0), CX_C_REGEXP);
	cx_value a;
	uint32_t lim = 0xffffffffu, n = 0, p = 0, q, k;
	double d;
	cx_rs w;
	int rc;

	if (!s)
		return CX_EXCEPTION;
	if (CX_ARG(1).tag != CX_T_UNDEF) {
		if (cx_to_num(X, argv[1], &d))
			return CX_EXCEPTION;
		lim = cx_dtou32(d);
	}
	a = cx_arr_new(X, 0, NULL);
	if (cx_is_exc(a) || lim == 0)
		return a;
	if (CX_ARG(0).tag == CX_T_UNDEF)
		return cx_is_exc(cx_arr__put(X, a.u.o, 0, cx_strv(s))) ? CX_EXCEPTION : a;
	if (!re) {
		if (!(sep = cx_to_str(X, argv[0])))
			return CX_EXCEPTION;
		if (sep->len == 0) {
			for (p = 0; p < s->len && n < lim; p++, n++)
				if (!(part = cx_str__sub(X, s, p, p + 1)) ||
				    cx_is_exc(cx_arr__put(X, a.u.o, n, cx_strv(part))))
					return CX_EXCEPTION;
			return a;
		}
		for (;;) {
			int64_t f = cx_str__find(s, sep, p);
			uint32_t end = f < 0 ? s->len : (uint32_t)f;
			if (!(part = cx_str__sub(X, s, p, end)) ||
			    cx_is_exc(cx_arr__put(X, a.u.o, n++, cx_strv(part))))
				return CX_EXCEPTION;
			if (f < 0 || n >= lim)
				break;
			p = end + sep->len;
		}
		return a;
	}
	if (cx_rs__open(X, re, &w))
		return CX_EXCEPTION;
	if (s->len == 0) {
		rc = cx_rx_exec(X, &w.r, s, 0, w.ov);
		if (rc == 0 && cx_is_exc(cx_arr__put(X, a.u.o, 0, cx_strv(s))))
			rc = -1;
		cx_rs__close(X, &w);
		return rc < 0 ? CX_EXCEPTION : a;
	}
	q = p;
	while (q < s->len) {
		rc = cx_rx_exec(X, &w.r, s, q, w.ov);
		if (rc < 0)
			goto fail;
		if (rc == 0 || w.ov[0] >= s->len)
			break;
		if (w.ov[1] == p) {
			/* SplitMatch gave e == p (an empty match right at p): try one further. */
			q = w.ov[0] + 1;
			continue;
		}
		if (!(part = cx_str__sub(X, s, p, w.ov[0])) ||
		    cx_is_exc(cx_arr__put(X, a.u.o, n++, cx_strv(part))))
			goto fail;
		if (n == lim)
			goto done;
		p = w.ov[1];
		for (k = 1; k <= w.r.ncap; k++) {
			cx_value v = CX_UNDEFINED;
			if (w.ov[2 * k] != UINT32_MAX) {
				if (!(part = cx_str__sub(X, s, w.ov[2 * k], w.ov[2 * k + 1])))
					goto fail;
				v = cx_strv(part);
			}
			if (cx_is_exc(cx_arr__put(X, a.u.o, n++, v)))
				goto fail;
			if (n == lim)
				goto done;
		}
		q = p;
	}
	if (!(part = cx_str__sub(X, s, p, s->len)) || cx_is_exc(cx_arr__put(X, a.u.o, n++, cx_strv(part))))
		goto fail;
done:
	cx_rs__close(X, &w);
	return a;
fail:
	cx_rs__close(X, &w);
	return CX_EXCEPTION;
}

/* Section - Set-up */

static cx_lazy cx_regexp_protom[] = {
	CX_LAZY_FN("exec", cx_regexp_exec, 1),
	CX_LAZY_FN("test", cx_regexp_test, 1),
	CX_LAZY_FN("toString", cx_regexp_tostring, 0),
	CX_LAZY_END
};
static cx_lazy cx_regexp_strm[] = {
	CX_LAZY_FN("match", cx_rs_match, 1),
	CX_LAZY_FN("search", cx_rs_search, 1),
	CX_LAZY_FN("replace", cx_rs_replace, 2),
	CX_LAZY_FN("split", cx_rs_split, 2),
	CX_LAZY_END
};
static cx_lazy cx_regexp_ctor = {CX_LAZY_NAME("RegExp"), cx_regexp_call, 2, CX_P_REGEXP,
				 cx_regexp_construct, NULL, NULL};

int cx_lib_regexp(cx_ctx *X)
{
	if (cx_lib_ctor(X, &cx_regexp_ctor) ||
	    cx_lazy_add(X, CX_PROTO(X, CX_P_REGEXP), cx_regexp_protom) ||
	    cx_lazy_add(X, CX_PROTO(X, CX_P_STRING), cx_regexp_strm))
		return ENOMEM;
	return 0;
}
