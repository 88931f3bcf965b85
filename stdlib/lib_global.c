/*
 * lib_global.c — the global functions (ES3 15.1.2, 15.1.3, B.2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <time.h>
#include "cx_priv.h"

static int cx_glob__digit(uint16_t c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10
		: c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
}

/* strtod of s[a, end), which holds only ASCII (sign, digits, '.', exponent): strtod rounds
 * any number of digits correctly. ENOMEM only for a very long span. */
static int cx_glob__strtod(const cx_str *s, uint32_t a, uint32_t end, double *r)
{
	char buf[400], *b = buf;
	uint32_t j;

	if (cx_num__dec_fast(s, a, end, r)) /* most literals: no copy, no strtod */
		return 0;
	if (end - a >= sizeof(buf) && !(b = malloc(end - a + 1)))
		return ENOMEM;
	for (j = a; j < end; j++)
		b[j - a] = (char)cx_str__at(s, j);
	b[end - a] = 0;
	*r = strtod(b, NULL);
	if (b != buf)
		free(b);
	return 0;
}

static cx_value cx_glob_parseint(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	uint32_t i = 0, start;
	double r, sign = 1, rd;
	int radix, strip = 1;

	if (!s || cx_to_num(X, CX_ARG(1), &rd))
		return CX_EXCEPTION;
	while (i < s->len && cx_str__is_ws(cx_str__at(s, i)))
		i++;
	if (i < s->len && (cx_str__at(s, i) == '-' || cx_str__at(s, i) == '+'))
		sign = cx_str__at(s, i++) == '-' ? -1 : 1;
	radix = cx_dtoi32(rd);
	if (radix == 0)
		radix = 10;
	else if (radix < 2 || radix > 36)
		return cx_num(NAN);
	else if (radix != 16)
		strip = 0;
	if (strip && i + 1 < s->len && cx_str__at(s, i) == '0' && (cx_str__at(s, i + 1) | 0x20) == 'x') {
		i += 2;
		radix = 16;
	}
	start = i;
	while (i < s->len && cx_glob__digit(cx_str__at(s, i)) < radix)
		i++;
	if (i == start)
		return cx_num(NAN);
	if (radix == 10) {
		/* Decimal: let strtod round the digits correctly, however many there are. */
		if (cx_glob__strtod(s, start, i, &r))
			return cx_heap__oom(X);
	}
	else
		for (r = 0; start < i; start++)
			r = r * radix + cx_glob__digit(cx_str__at(s, start));
	return cx_num(sign * r);
}

static cx_value cx_glob_parsefloat(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	uint32_t i = 0, a, j, digits = 0, end;
	double r;

	if (!s)
		return CX_EXCEPTION;
	if (cx_num__prefix_fast(s, &r))
		return cx_num(r);
	while (i < s->len && cx_str__is_ws(cx_str__at(s, i)))
		i++;
	a = i;
	if (i < s->len && (cx_str__at(s, i) == '-' || cx_str__at(s, i) == '+'))
		i++;
	if (s->len - i >= 8) {
		static const char inf[] = "Infinity";
		for (j = 0; j < 8 && cx_str__at(s, i + j) == (uint8_t)inf[j]; j++)
			;
		if (j == 8)
			return cx_num(cx_str__at(s, a) == '-' ? -INFINITY : INFINITY);
	}
	while (i < s->len && cx_glob__digit(cx_str__at(s, i)) < 10)
		i++, digits++;
	if (i < s->len && cx_str__at(s, i) == '.') {
		i++;
		while (i < s->len && cx_glob__digit(cx_str__at(s, i)) < 10)
			i++, digits++;
	}
	if (!digits)
		return cx_num(NAN);
	end = i;
	if (i < s->len && (cx_str__at(s, i) | 0x20) == 'e') {
		i++;
		if (i < s->len && (cx_str__at(s, i) == '-' || cx_str__at(s, i) == '+'))
			i++;
		if (i < s->len && cx_glob__digit(cx_str__at(s, i)) < 10) {
			while (i < s->len && cx_glob__digit(cx_str__at(s, i)) < 10)
				i++;
			end = i;
		}
	}
	if (cx_glob__strtod(s, a, end, &r))
		return cx_heap__oom(X);
	return cx_num(r);
}

static cx_value cx_glob_isnan(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d;
	return cx_to_num(X, CX_ARG(0), &d) ? CX_EXCEPTION : cx_bool(isnan(d));
}

static cx_value cx_glob_isfinite(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d;
	return cx_to_num(X, CX_ARG(0), &d) ? CX_EXCEPTION : cx_bool(isfinite(d));
}

/* Section - URI handling (15.1.3) */

static const char cx_glob__hex[] = "0123456789ABCDEF";

static int cx_glob__in(uint16_t c, const char *set)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && c < 0x80 && strchr(set, (char)c) != NULL;
}

static cx_value cx_glob__encode(cx_ctx *X, int argc, cx_value *argv, const char *unescaped)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	cx_sb sb = {0};
	uint32_t i;

	if (!s)
		return CX_EXCEPTION;
	for (i = 0; i < s->len; i++) {
		uint32_t c = cx_str__at(s, i);
		uint8_t u[4];
		int n, k;
		if (cx_glob__in((uint16_t)c, unescaped)) {
			cx_sb_put(&sb, (uint16_t)c);
			continue;
		}
		if (c >= 0xdc00 && c <= 0xdfff)
			goto bad;
		if (c >= 0xd800 && c <= 0xdbff) {
			uint32_t d = i + 1 < s->len ? cx_str__at(s, i + 1) : 0;
			if (d < 0xdc00 || d > 0xdfff)
				goto bad;
			c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
			i++;
		}
		if (c < 0x80)
			u[0] = (uint8_t)c, n = 1;
		else if (c < 0x800)
			u[0] = (uint8_t)(0xc0 | (c >> 6)), u[1] = (uint8_t)(0x80 | (c & 0x3f)), n = 2;
		else if (c < 0x10000)
			u[0] = (uint8_t)(0xe0 | (c >> 12)), u[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f)),
			u[2] = (uint8_t)(0x80 | (c & 0x3f)), n = 3;
		else
			u[0] = (uint8_t)(0xf0 | (c >> 18)), u[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f)),
			u[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f)), u[3] = (uint8_t)(0x80 | (c & 0x3f)),
			n = 4;
		for (k = 0; k < n; k++) {
			cx_sb_put(&sb, '%');
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[u[k] >> 4]);
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[u[k] & 15]);
		}
	}
	return cx_sb_finish(X, &sb);
bad:
	free(sb.b);
	return cx_throw_error(X, "URIError", "URI malformed (lone surrogate)");
}

static int cx_glob__hexval(const cx_str *s, uint32_t i)
{
	int a, b;

	if (i + 2 >= s->len || cx_str__at(s, i) != '%')
		return -1;
	a = cx_glob__digit(cx_str__at(s, i + 1));
	b = cx_glob__digit(cx_str__at(s, i + 2));
	return a < 16 && b < 16 ? a * 16 + b : -1;
}

static cx_value cx_glob__decode(cx_ctx *X, int argc, cx_value *argv, const char *reserved)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	cx_sb sb = {0};
	uint32_t i, k;

	if (!s)
		return CX_EXCEPTION;
	for (i = 0; i < s->len; i++) {
		uint16_t c = cx_str__at(s, i);
		int b = c == '%' ? cx_glob__hexval(s, i) : 0, n;
		uint32_t cp, min;
		if (c != '%') {
			cx_sb_put(&sb, c);
			continue;
		}
		if (b < 0)
			goto bad;
		if (b < 0x80) {
			if (reserved && b && strchr(reserved, b)) {
				for (k = 0; k < 3; k++)
					cx_sb_put(&sb, cx_str__at(s, i + k));
			}
			else
				cx_sb_put(&sb, (uint16_t)b);
			i += 2;
			continue;
		}
		if ((b & 0xe0) == 0xc0)
			n = 2, cp = b & 0x1f, min = 0x80;
		else if ((b & 0xf0) == 0xe0)
			n = 3, cp = b & 0x0f, min = 0x800;
		else if ((b & 0xf8) == 0xf0)
			n = 4, cp = b & 0x07, min = 0x10000;
		else
			goto bad;
		for (k = 1; k < (uint32_t)n; k++) {
			int t = cx_glob__hexval(s, i + 3 * k);
			if (t < 0 || (t & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (t & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += 3 * (uint32_t)n - 1;
		cx_sb_cp(&sb, cp);
	}
	return cx_sb_finish(X, &sb);
bad:
	free(sb.b);
	return cx_throw_error(X, "URIError", "URI malformed");
}

static cx_value cx_glob_encodeuri(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_glob__encode(X, argc, argv, "-_.!~*'();/?:@&=+$,#");
}

static cx_value cx_glob_encodeuricomp(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_glob__encode(X, argc, argv, "-_.!~*'()");
}

static cx_value cx_glob_decodeuri(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_glob__decode(X, argc, argv, ";/?:@&=+$,#");
}

static cx_value cx_glob_decodeuricomp(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_glob__decode(X, argc, argv, NULL);
}

/* B.2.1 / B.2.2 */
static cx_value cx_glob_escape(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	cx_sb sb = {0};
	uint32_t i;

	if (!s)
		return CX_EXCEPTION;
	for (i = 0; i < s->len; i++) {
		uint16_t c = cx_str__at(s, i);
		if (cx_glob__in(c, "@*_+-./"))
			cx_sb_put(&sb, c);
		else if (c < 256) {
			cx_sb_put(&sb, '%');
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[c >> 4]);
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[c & 15]);
		}
		else {
			cx_sb_ascii(&sb, "%u");
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[c >> 12]);
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[(c >> 8) & 15]);
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[(c >> 4) & 15]);
			cx_sb_put(&sb, (uint16_t)cx_glob__hex[c & 15]);
		}
	}
	return cx_sb_finish(X, &sb);
}

static cx_value cx_glob_unescape(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	cx_sb sb = {0};
	uint32_t i, k;

	if (!s)
		return CX_EXCEPTION;
	for (i = 0; i < s->len; i++) {
		uint16_t c = cx_str__at(s, i);
		if (c == '%' && i + 5 < s->len + 0u && cx_str__at(s, i + 1) == 'u') {
			uint32_t v = 0;
			for (k = 2; k < 6 && cx_glob__digit(cx_str__at(s, i + k)) < 16; k++)
				v = v * 16 + (uint32_t)cx_glob__digit(cx_str__at(s, i + k));
			if (k == 6) {
				cx_sb_put(&sb, (uint16_t)v);
				i += 5;
				continue;
			}
		}
		if (c == '%' && i + 2 < s->len) {
			int a = cx_glob__digit(cx_str__at(s, i + 1)), b = cx_glob__digit(cx_str__at(s, i + 2));
			if (a < 16 && b < 16) {
				cx_sb_put(&sb, (uint16_t)(a * 16 + b));
				i += 2;
				continue;
			}
		}
		cx_sb_put(&sb, c);
	}
	return cx_sb_finish(X, &sb);
}

static cx_lazy cx_global_fns[] = {
	CX_LAZY_FN("parseInt", cx_glob_parseint, 2),
	CX_LAZY_FN("parseFloat", cx_glob_parsefloat, 1),
	CX_LAZY_FN("isNaN", cx_glob_isnan, 1),
	CX_LAZY_FN("isFinite", cx_glob_isfinite, 1),
	CX_LAZY_FN("encodeURI", cx_glob_encodeuri, 1),
	CX_LAZY_FN("encodeURIComponent", cx_glob_encodeuricomp, 1),
	CX_LAZY_FN("decodeURI", cx_glob_decodeuri, 1),
	CX_LAZY_FN("decodeURIComponent", cx_glob_decodeuricomp, 1),
	CX_LAZY_FN("escape", cx_glob_escape, 1),
	CX_LAZY_FN("unescape", cx_glob_unescape, 1),
	CX_LAZY_END
};

int cx_lib_global(cx_ctx *X)
{
	return cx_lazy_add(X, X->heap->global, cx_global_fns);
}

/* Section - Global names */

cx_value cx_global_lookup(cx_ctx *X, cx_str *name, int for_typeof)
{
	cx_value g = cx_global(X);

	if (!cx_has_s(X, g, name)) {
		if (for_typeof)
			return CX_UNDEFINED;
		return cx_throw_error(X, "ReferenceError", "%s is not defined",
				      cx_str_to_utf8(X, name, NULL) ? cx_str_to_utf8(X, name, NULL) : "name");
	}
	return cx_get_s(X, g, name);
}

/* The cache of a site remembers the global object's slot of the name and that slot's key when
 * the key is a static string (a built-in's name, or a literal of generated code), which no
 * collection frees: the same key pointer at that slot of the global object is the same name
 * (a deleted property leaves no key), so a hit is two compares. Anything else is a lookup. */
cx_value cx_global_get_ic(cx_ctx *X, cx_str *name, int for_typeof, cx_ic *ic)
{
	cx_obj *g = X->heap->global;
	cx_prop *p;
	cx_value v;

	if (ic && ic->holder && ic->slot < g->nprops) {
		p = &g->props[ic->slot];
		if (p->key == ic->holder && !(p->flags & CX_PROP__LAZY))
			return p->val;
	}
	v = cx_global_lookup(X, name, for_typeof);
	if (ic && !cx_is_exc(v) && (p = cx_obj__find(g, name)) && !(p->flags & CX_PROP__LAZY) &&
	    p->key->gc == CX_STR_STATIC_MARK) {
		ic->slot = (uint32_t)(p - g->props);
		ic->holder = p->key;
	}
	return v;
}

cx_value cx_global_assign(cx_ctx *X, cx_str *name, cx_value v)
{
	cx_value g = cx_global(X);

	if (!cx_has_s(X, g, name)) {
		const char *n = cx_str_to_utf8(X, name, NULL);
		return cx_throw_error(X, "ReferenceError", "%s is not declared", n ? n : "name");
	}
	return cx_put_s(X, g, name, v);
}

/* Section - Names of code compiled without its scopes (cx_ctx.dyn) */

cx_value cx_dyn_lookup(cx_ctx *X, cx_str *name, int for_typeof)
{
	cx_value *v = X->dyn ? X->dyn(X, name) : NULL;

	return v ? *v : cx_global_lookup(X, name, for_typeof);
}

cx_value cx_dyn_assign(cx_ctx *X, cx_str *name, cx_value val)
{
	cx_value *v = X->dyn ? X->dyn(X, name) : NULL;

	if (!v)
		return cx_global_assign(X, name, val);
	*v = val;
	return val;
}

cx_value cx_dyn_declare(cx_ctx *X, cx_str *name)
{
	cx_value g = cx_global(X);

	if ((X->dyn && X->dyn(X, name)) || cx_has_s(X, g, name))
		return CX_UNDEFINED;
	return cx_put_s(X, g, name, CX_UNDEFINED);
}
