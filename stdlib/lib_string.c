/*
 * lib_string.c — String (ES3 15.5). Positions are UTF-16 code units.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include "cx_priv.h"
#include "unicase.h"
#include "collate.h"

CX_STR_DEF(cx_s_empty, "");

/* The string a generic String.prototype method works on: ToString(this). */
cx_str *cx_string__this(cx_ctx *X, cx_value this_)
{
	if (this_.tag == CX_T_UNDEF || this_.tag == CX_T_NULL) {
		cx_throw_error(X, "TypeError", "String.prototype method called on %s",
			       this_.tag == CX_T_NULL ? "null" : "undefined");
		return NULL;
	}
	return cx_to_str(X, this_);
}

static cx_value cx_string__ret(cx_str *s)
{
	return s ? cx_strv(s) : CX_EXCEPTION;
}

/* match, search, replace and split live in lib_regexp.c. */

/* ToInteger of argument i (a small integer at once: cx_to_integer_num); -1 when it threw */
static inline __attribute__((always_inline)) int cx_string__int_arg(cx_ctx *X, int argc, cx_value *argv,
								    int i, double *d)
{
	return cx_to_integer_num(X, CX_ARG(i), d) ? -1 : 0;
}

static cx_value cx_string_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return argc ? cx_to_string(X, argv[0]) : cx_strv(CX_STR_REF(cx_s_empty));
}

static cx_value cx_string_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value s = cx_string_call(X, self, this_, argc, argv);

	return cx_is_exc(s) ? s : cx_to_object(X, s);
}

static cx_value cx_string_fromcharcode(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_sb sb = {0};
	int i;

	for (i = 0; i < argc; i++) {
		double d;
		if (cx_to_num(X, argv[i], &d)) {
			free(sb.b);
			return CX_EXCEPTION;
		}
		cx_sb_put(&sb, (uint16_t)cx_dtou32(d)); /* ToUint16 */
	}
	return cx_sb_finish(X, &sb);
}

static cx_value cx_string_valueof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *o = cx_obj_of(this_, CX_C_STRING);

	if (this_.tag == CX_T_STR)
		return this_;
	if (o)
		return o->prim;
	return cx_throw_error(X, "TypeError", "String.prototype.toString called on a non-string");
}

static cx_value cx_string_charat(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	double d;

	if (!s || cx_string__int_arg(X, argc, argv, 0, &d))
		return CX_EXCEPTION;
	if (d < 0 || d >= s->len)
		return cx_strv(CX_STR_REF(cx_s_empty));
	return cx_string__ret(cx_str__sub(X, s, (uint32_t)d, (uint32_t)d + 1));
}

static cx_value cx_string_charcodeat(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	double d;

	if (!s || cx_string__int_arg(X, argc, argv, 0, &d))
		return CX_EXCEPTION;
	if (d < 0 || d >= s->len)
		return cx_num(NAN);
	return cx_num(cx_str__at(s, (uint32_t)d));
}

static uint32_t cx_string__clamp(double d, uint32_t len)
{
	return d < 0 ? 0 : d > len ? len : (uint32_t)d;
}

static cx_value cx_string_indexof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *pat;
	double d;

	if (!s || !(pat = cx_to_str(X, CX_ARG(0))) || cx_string__int_arg(X, argc, argv, 1, &d))
		return CX_EXCEPTION;
	return cx_num((double)cx_str__find(s, pat, cx_string__clamp(d, s->len)));
}

static cx_value cx_string_lastindexof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *pat;
	double d;

	if (!s || !(pat = cx_to_str(X, CX_ARG(0))) || cx_to_num(X, CX_ARG(1), &d))
		return CX_EXCEPTION;
	d = isnan(d) ? s->len : cx_to_integer_d(d);
	return cx_num((double)cx_str__rfind(s, pat, cx_string__clamp(d, s->len)));
}

static cx_value cx_string_substring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	double a, b;
	uint32_t x, y;

	if (!s || cx_string__int_arg(X, argc, argv, 0, &a))
		return CX_EXCEPTION;
	b = s->len;
	if (CX_ARG(1).tag != CX_T_UNDEF && cx_string__int_arg(X, argc, argv, 1, &b))
		return CX_EXCEPTION;
	x = cx_string__clamp(a, s->len);
	y = cx_string__clamp(b, s->len);
	return cx_string__ret(x < y ? cx_str__sub(X, s, x, y) : cx_str__sub(X, s, y, x));
}

static cx_value cx_string_substr(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	double a, n;
	uint32_t x;

	if (!s || cx_string__int_arg(X, argc, argv, 0, &a))
		return CX_EXCEPTION;
	n = INFINITY;
	if (CX_ARG(1).tag != CX_T_UNDEF && cx_string__int_arg(X, argc, argv, 1, &n))
		return CX_EXCEPTION;
	if (a < 0)
		a = a + s->len < 0 ? 0 : a + s->len;
	x = cx_string__clamp(a, s->len);
	n = n < 0 ? 0 : n > s->len - x ? s->len - x : n;
	return cx_string__ret(cx_str__sub(X, s, x, x + (uint32_t)n));
}

static uint32_t cx_string__rel(double d, uint32_t len)
{
	if (d < 0)
		return d + len < 0 ? 0 : (uint32_t)(d + len);
	return d > len ? len : (uint32_t)d;
}

static cx_value cx_string_slice(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	double a, b;

	if (!s || cx_string__int_arg(X, argc, argv, 0, &a))
		return CX_EXCEPTION;
	b = s->len;
	if (CX_ARG(1).tag != CX_T_UNDEF && cx_string__int_arg(X, argc, argv, 1, &b))
		return CX_EXCEPTION;
	return cx_string__ret(cx_str__sub(X, s, cx_string__rel(a, s->len), cx_string__rel(b, s->len)));
}

/* Section - Case mapping
 *
 * ES3 15.5.4.16-19: the case mappings of the Unicode character database, SpecialCasing
 * included, in the generated tables of stdlib/unicase.h (scripts/gen-unicase.js). A surrogate
 * pair is one character (node does the same); a mapping may give several characters (ß: SS);
 * Σ becomes final ς when a cased letter comes before it and none after it (case-ignorable
 * characters between are passed over, as ICU does). The `i` flag of regular expressions
 * reads cx_string_upper1 (re_es.c, Canonicalize). */

#define CX_UC_N(t) (sizeof(t) / sizeof((t)[0]))

static uint32_t cx_string__case_run(const cx_uc_run *t, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first run starting past c */
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].lo <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && c <= t[lo - 1].hi && (c - t[lo - 1].lo) % t[lo - 1].step == 0)
		return (uint32_t)((int32_t)c + t[lo - 1].delta);
	return c;
}

static const cx_uc_many *cx_string__case_many(const cx_uc_many *t, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].c == c)
			return &t[mid];
		if (t[mid].c < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cx_string__case_in(const cx_uc_range *t, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c > t[mid].hi)
			lo = mid + 1;
		else if (c < t[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

/* toUpperCase of one code unit when it is one code unit, else the unit itself */
uint16_t cx_string_upper1(uint16_t c)
{
	uint32_t u;

	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? c - 0x20 : c;
	if (cx_string__case_many(cx_uc_upper_many, CX_UC_N(cx_uc_upper_many), c))
		return c;
	u = cx_string__case_run(cx_uc_upper, CX_UC_N(cx_uc_upper), c);
	return u > 0xffff ? c : (uint16_t)u;
}

/* The character that ends at i of s (i > 0), its start in *at */
static uint32_t cx_string__cp_before(const cx_str *s, uint32_t i, uint32_t *at)
{
	uint32_t n;

	if (i >= 2) {
		uint32_t c = cx_str__cp_at(s, i - 2, &n);
		if (n == 2) {
			*at = i - 2;
			return c;
		}
	}
	*at = i - 1;
	return cx_str__at(s, i - 1);
}

static int cx_string__ignorable(uint32_t c)
{
	return cx_string__case_in(cx_uc_ignorable, CX_UC_N(cx_uc_ignorable), c);
}

static int cx_string__cased(uint32_t c)
{
	return cx_string__case_in(cx_uc_cased, CX_UC_N(cx_uc_cased), c);
}

/* Final_Sigma (Unicode 3.13) for the Σ at i of s */
static int cx_string__final_sigma(const cx_str *s, uint32_t i)
{
	uint32_t j = i, c, n;

	for (;;) { /* before: a cased letter, case-ignorable ones after it */
		if (!j)
			return 0;
		c = cx_string__cp_before(s, j, &j);
		if (cx_string__ignorable(c))
			continue;
		if (!cx_string__cased(c))
			return 0;
		break;
	}
	for (j = i + 1; j < s->len; j += n) { /* after: no cased letter past case-ignorable ones */
		c = cx_str__cp_at(s, j, &n);
		if (!cx_string__ignorable(c))
			return !cx_string__cased(c);
	}
	return 1;
}

static cx_value cx_string__map(cx_ctx *X, cx_value this_, int upper)
{
	cx_str *s = cx_string_this(X, this_), *r;
	cx_sb sb = {0};
	uint32_t i, n, k;
	uint8_t lo = upper ? 'a' : 'A', *d; /* the ASCII letters that change */
	const cx_uc_run *run = upper ? cx_uc_upper : cx_uc_lower;
	size_t nrun = upper ? CX_UC_N(cx_uc_upper) : CX_UC_N(cx_uc_lower);
	const cx_uc_many *many = upper ? cx_uc_upper_many : cx_uc_lower_many;
	size_t nmany = upper ? CX_UC_N(cx_uc_upper_many) : CX_UC_N(cx_uc_lower_many);

	if (!s)
		return CX_EXCEPTION;
	if (!s->wide) { /* ASCII only (the usual case): one 8-bit copy, letters flipped in place */
		if (!(r = cx_str__new8(X, (const uint8_t *)s->chars, s->len)))
			return CX_EXCEPTION;
		for (i = 0, d = (uint8_t *)r->chars; i < r->len && d[i] < 0x80; i++)
			if ((uint8_t)(d[i] - lo) < 26)
				d[i] ^= 0x20;
		if (i == r->len)
			return cx_strv(r);
		/* beyond ASCII: the copy is left to the collector */
	}
	for (i = 0; i < s->len; i += n) {
		uint32_t c = cx_str__cp_at(s, i, &n);
		const cx_uc_many *m = cx_string__case_many(many, nmany, c);
		if (m) {
			for (k = 0; k < 3 && m->to[k]; k++)
				cx_sb_cp(&sb, m->to[k]);
		}
		else if (!upper && c == 0x3a3)
			cx_sb_put(&sb, cx_string__final_sigma(s, i) ? 0x3c2 : 0x3c3);
		else if (c < 0x80)
			cx_sb_put(&sb, (uint16_t)((uint8_t)(c - lo) < 26 ? c ^ 0x20 : c));
		else
			cx_sb_cp(&sb, cx_string__case_run(run, nrun, c));
	}
	return cx_sb_finish(X, &sb);
}

static cx_value cx_string_tolower(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_string__map(X, this_, 0);
}

static cx_value cx_string_toupper(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_string__map(X, this_, 1);
}

static cx_value cx_string_concat(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *t;
	int i;

	if (!s)
		return CX_EXCEPTION;
	for (i = 0; i < argc; i++)
		if (!(t = cx_to_str(X, argv[i])) || !(s = cx_str__concat(X, s, t)))
			return CX_EXCEPTION;
	return cx_strv(s);
}

static cx_value cx_string_trim(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_);
	uint32_t a = 0, b;

	if (!s)
		return CX_EXCEPTION;
	b = s->len;
	while (a < b && cx_str__is_ws(cx_str__at(s, a)))
		a++;
	while (b > a && cx_str__is_ws(cx_str__at(s, b - 1)))
		b--;
	return cx_string__ret(cx_str__sub(X, s, a, b));
}

/* Section - localeCompare: the root collation of Unicode (CLDR), three levels
 *
 * A string is compared by its letters first (case and accents aside: "resume" = "Résumé"),
 * then by its accents (a plain letter before an accented one, in the first place they differ),
 * then by case (lower before upper), as Node's Intl.Collator does in an English or C locale;
 * strings equal at the three levels are equal (0), code units that weigh nothing at any level
 * (control characters) are ignored. The weights are collate.h's (scripts/gen-collate.js):
 * Latin, Greek, Cyrillic, punctuation and currency symbols; any other code unit is a letter
 * after those, in code unit order. */

/* The collation elements of code unit c in the tables: their number (0: not there) and *ce */
static int cx_coll__ces(uint32_t c, const uint32_t **ce)
{
	uint32_t at = 0;

	for (size_t r = 0; r < sizeof(cx_coll_ranges) / sizeof(cx_coll_ranges[0]); r++) {
		uint32_t lo = cx_coll_ranges[r][0], hi = cx_coll_ranges[r][1];
		if (c >= lo && c <= hi) {
			uint16_t x = cx_coll_idx[at + c - lo];
			*ce = &cx_coll_pool[x >> 3];
			return x & 7;
		}
		at += hi - lo + 1;
	}
	return 0;
}

/* A string's weights at one level (0 letter, 1 accent, 2 case) in turn, zeros skipped; 0 at
 * its end. */
typedef struct cx_coll_it {
	const cx_str *s;
	uint32_t i;
	const uint32_t *ce;
	int n;
} cx_coll_it;

static uint32_t cx_coll__next(cx_coll_it *it, int level)
{
	for (;;) {
		while (it->n > 0) {
			uint32_t e = *it->ce++, w;
			it->n--;
			w = level == 0 ? e >> 17 : level == 1 ? (e >> 8) & 0x1ff : e & 0xff;
			if (w)
				return w;
		}
		if (it->i >= it->s->len)
			return 0;
		uint32_t c = cx_str__at(it->s, it->i++);
		if (!(it->n = cx_coll__ces(c, &it->ce))) /* not in the tables: after their letters */
			return level == 0 ? CX_COLL_LETTERS + 1 + c : level == 1 ? 1 : 2;
	}
}

static int cx_coll_cmp(const cx_str *s, const cx_str *t)
{
	for (int level = 0; level < 3; level++) {
		cx_coll_it a = {s, 0, NULL, 0}, b = {t, 0, NULL, 0};
		uint32_t x, y;
		do {
			x = cx_coll__next(&a, level);
			y = cx_coll__next(&b, level);
			if (x != y)
				return x < y ? -1 : 1;
		} while (x);
	}
	return 0;
}

static cx_value cx_string_localecompare(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *t;

	if (!s || !(t = cx_to_str(X, CX_ARG(0))))
		return CX_EXCEPTION;
	return cx_num(cx_coll_cmp(s, t));
}

static cx_lazy cx_string_own[] = {
	CX_LAZY_FN("fromCharCode", cx_string_fromcharcode, 1),
	CX_LAZY_END
};
static cx_lazy cx_string_protom[] = {
	CX_LAZY_FN("toString", cx_string_valueof, 0),
	CX_LAZY_FN("valueOf", cx_string_valueof, 0),
	CX_LAZY_FN("charAt", cx_string_charat, 1),
	CX_LAZY_FN("charCodeAt", cx_string_charcodeat, 1),
	CX_LAZY_FN("indexOf", cx_string_indexof, 1),
	CX_LAZY_FN("lastIndexOf", cx_string_lastindexof, 1),
	CX_LAZY_FN("substring", cx_string_substring, 2),
	CX_LAZY_FN("substr", cx_string_substr, 2),
	CX_LAZY_FN("slice", cx_string_slice, 2),
	CX_LAZY_FN("toLowerCase", cx_string_tolower, 0),
	CX_LAZY_FN("toUpperCase", cx_string_toupper, 0),
	CX_LAZY_FN("toLocaleLowerCase", cx_string_tolower, 0),
	CX_LAZY_FN("toLocaleUpperCase", cx_string_toupper, 0),
	CX_LAZY_FN("concat", cx_string_concat, 1),
	CX_LAZY_FN("trim", cx_string_trim, 0),
	CX_LAZY_FN("localeCompare", cx_string_localecompare, 1),
	/* match, search, replace and split live in lib_regexp.c. */
	CX_LAZY_END
};
/* Section - Direct calls (cx_sm_ok, cx_value.h): the built-in and the name of each CX_SM_ id */
static const struct {
	const char *name;
	cx_cfunc *fn;
} cx_sm__tab[CX_SM__COUNT] = {
	[CX_SM_CHARAT] = {"charAt", cx_string_charat},
	[CX_SM_CHARCODEAT] = {"charCodeAt", cx_string_charcodeat},
	[CX_SM_INDEXOF] = {"indexOf", cx_string_indexof},
	[CX_SM_LASTINDEXOF] = {"lastIndexOf", cx_string_lastindexof},
	[CX_SM_SUBSTRING] = {"substring", cx_string_substring},
	[CX_SM_SUBSTR] = {"substr", cx_string_substr},
	[CX_SM_SLICE] = {"slice", cx_string_slice},
	[CX_SM_TOLOWERCASE] = {"toLowerCase", cx_string_tolower},
	[CX_SM_TOUPPERCASE] = {"toUpperCase", cx_string_toupper},
	[CX_SM_TRIM] = {"trim", cx_string_trim},
};

/* Which methods String.prototype still has as built-ins under their names (X->sm): a slot
 * not built yet holds the built-in's description, a built slot a function whose [[Call]] is
 * the built-in (nothing else can have it). Called after a change, so rarely: a search each. */
uint32_t cx_sm_check(cx_ctx *X)
{
	cx_obj *sp = X->heap->protos[CX_P_STRING];
	const cx_lazy *e;
	const cx_prop *p;
	uint32_t ok = 0;
	int id;

	if (!sp)
		return 0; /* not made yet: the generic call of this one makes it */
	for (id = 0; id < CX_SM__COUNT; id++) {
		for (e = cx_string_protom; e->name.len && strcmp(e->name.chars, cx_sm__tab[id].name); e++)
			;
		if (!e->name.len || !(p = cx_obj__find(sp, CX_STR_REF(e->name))))
			continue;
		if ((p->flags & CX_PROP__LAZY) ? ((const cx_lazy *)p->val.u.p)->fn == cx_sm__tab[id].fn
					       : p->val.tag == CX_T_OBJ && p->val.u.o->fn == cx_sm__tab[id].fn)
			ok |= 1u << id;
	}
	X->sm = ok;
	X->sm_due = 0;
	return ok;
}

/* The built-in of id on the string s (cx_sm_ok said so). */
cx_value cx_sm_call(cx_ctx *X, int id, cx_value s, int argc, cx_value *argv)
{
	return cx_sm__tab[id].fn(X, CX_UNDEFINED, s, argc, argv);
}

static cx_lazy cx_string_ctor = {CX_LAZY_NAME("String"), cx_string_call, 1, CX_P_STRING,
				 cx_string_new, cx_string_own, NULL};

int cx_lib_string(cx_ctx *X)
{
	if (cx_lib_ctor(X, &cx_string_ctor) || cx_lazy_add(X, CX_PROTO(X, CX_P_STRING), cx_string_protom))
		return ENOMEM;
	return 0;
}
