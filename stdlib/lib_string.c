/*
 * lib_string.c — String (ES3 15.5). Positions are UTF-16 code units.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include "cx_priv.h"

CX_STR_DEF(cx_s_empty, "");

/* The string a generic String.prototype method works on: ToString(this). */
cx_str *cx_string_this(cx_ctx *X, cx_value this_)
{
	if (this_.tag == CX_T_STR)
		return this_.u.s;
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

static int cx_string__int_arg(cx_ctx *X, int argc, cx_value *argv, int i, double *d)
{
	if (cx_to_integer_num(X, CX_ARG(i), d))
		return -1;
	/* match, search, replace and split live in lib_regexp.c. */
	return 0;
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

/* Simple case mapping: ASCII, Latin-1, Latin Extended-A pairs, Greek and Cyrillic. */
static uint16_t cx_string__lower(uint16_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 0x20;
	if (c >= 0x100 && c <= 0x177 && !(c & 1) && c != 0x130)
		return c + 1;
	if (c == 0x178)
		return 0xff;
	if ((c >= 0x391 && c <= 0x3a9 && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

uint16_t cx_string_upper1(uint16_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7))
		return c - 0x20;
	if (c == 0xff)
		return 0x178;
	if (c == 0xb5)
		return 0x39c;
	if (c >= 0x101 && c <= 0x177 && (c & 1) && c != 0x131)
		return c - 1;
	if ((c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) || (c >= 0x430 && c <= 0x44f))
		return c - 0x20;
	if (c == 0x3c2)
		return 0x3a3;
	if (c >= 0x450 && c <= 0x45f)
		return c - 0x50;
	return c;
}

static cx_value cx_string__map(cx_ctx *X, cx_value this_, uint16_t (*f)(uint16_t), int upper)
{
	cx_str *s = cx_string_this(X, this_), *r;
	cx_sb sb = {0};
	uint32_t i;

	if (!s)
		return CX_EXCEPTION;
	if (!s->wide) { /* ASCII only (the usual case): one 8-bit copy, letters flipped in place */
		uint8_t lo = upper ? 'a' : 'A', *d;
		if (!(r = cx_str__new8(X, (const uint8_t *)s->chars, s->len)))
			return CX_EXCEPTION;
		for (i = 0, d = (uint8_t *)r->chars; i < r->len && d[i] < 0x80; i++)
			if ((uint8_t)(d[i] - lo) < 26)
				d[i] ^= 0x20;
		if (i == r->len)
			return cx_strv(r);
		/* Latin-1 beyond ASCII: the copy is left to the collector */
	}
	for (i = 0; i < s->len; i++)
		cx_sb_put(&sb, f(cx_str__at(s, i)));
	return cx_sb_finish(X, &sb);
}

static cx_value cx_string_tolower(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_string__map(X, this_, cx_string__lower, 0);
}

static cx_value cx_string_toupper(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_string__map(X, this_, cx_string_upper1, 1);
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

static cx_value cx_string_localecompare(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_string_this(X, this_), *t;

	if (!s || !(t = cx_to_str(X, CX_ARG(0))))
		return CX_EXCEPTION;
	return cx_num(cx_str__cmp(s, t));
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
static cx_lazy cx_string_ctor = {CX_LAZY_NAME("String"), cx_string_call, 1, CX_P_STRING,
				 cx_string_new, cx_string_own, NULL};

int cx_lib_string(cx_ctx *X)
{
	if (cx_lib_ctor(X, &cx_string_ctor) || cx_lazy_add(X, CX_PROTO(X, CX_P_STRING), cx_string_protom))
		return ENOMEM;
	return 0;
}
