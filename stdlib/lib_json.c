/*
 * lib_json.c — the JSON object (ES5 15.12): parse with a reviver, stringify with a replacer
 * function or property list, indentation, toJSON, and a TypeError on cycles.
 *
 * Both directions recurse on the C stack, so nesting is capped (CX_JSON_DEPTH): a hostile
 * document ends in an error, never in a stack overflow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include "cx_priv.h"

/* Nesting limit of parse, stringify and the reviver's walk. Each level is a C frame; past it
 * (or when the C stack runs short first: CX_STACK_LOW) the call throws RangeError, as a too
 * deep recursion of ES functions does. */
#define CX_JSON_DEPTH 512

CX_STR_DEF(cx_s_tojson, "toJSON");
CX_STR_DEF(cx_s_empty, "");

/* Section - parse */

typedef struct cx_jp {
	cx_ctx *X;
	cx_str *s;
	uint32_t i;
	int depth;
} cx_jp;

static int cx_jp__peek(cx_jp *p)
{
	while (p->i < p->s->len) {
		uint16_t c = cx_str__at(p->s, p->i);
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return c;
		p->i++;
	}
	return -1;
}

static cx_value cx_jp__err(cx_jp *p, const char *what)
{
	if (p->i >= p->s->len)
		return cx_throw_error(p->X, "SyntaxError", "JSON.parse: unexpected end of input (%s)", what);
	return cx_throw_error(p->X, "SyntaxError", "JSON.parse: unexpected character at position %u (%s)",
			      p->i, what);
}

static int cx_jp__hex(uint16_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static cx_value cx_jp__string(cx_jp *p)
{
	cx_sb sb = {0};

	p->i++; /* the opening quote */
	for (;;) {
		uint16_t c;
		if (p->i >= p->s->len) {
			free(sb.b);
			return cx_jp__err(p, "unterminated string");
		}
		c = cx_str__at(p->s, p->i++);
		if (c == '"')
			break;
		if (c < 0x20) {
			free(sb.b);
			p->i--;
			return cx_jp__err(p, "control character in string");
		}
		if (c == '\\') {
			uint16_t e = p->i < p->s->len ? cx_str__at(p->s, p->i) : 0;
			p->i++;
			switch (e) {
			case '"': case '\\': case '/': c = e; break;
			case 'b': c = 8; break;
			case 'f': c = 12; break;
			case 'n': c = 10; break;
			case 'r': c = 13; break;
			case 't': c = 9; break;
			case 'u': {
				int k, v = 0;
				for (k = 0; k < 4; k++) {
					int h = p->i < p->s->len ? cx_jp__hex(cx_str__at(p->s, p->i)) : -1;
					if (h < 0) {
						free(sb.b);
						return cx_jp__err(p, "bad \\u escape");
					}
					v = v * 16 + h;
					p->i++;
				}
				c = (uint16_t)v;
				break;
			}
			default:
				free(sb.b);
				p->i--;
				return cx_jp__err(p, "bad escape");
			}
		}
		cx_sb_put(&sb, c);
	}
	return cx_sb_finish(p->X, &sb);
}

static cx_value cx_jp__number(cx_jp *p)
{
	uint32_t a = p->i;
	cx_str *t;

#define CX_JP_DIG() (p->i < p->s->len && cx_str__at(p->s, p->i) >= '0' && cx_str__at(p->s, p->i) <= '9')
	if (cx_str__at(p->s, p->i) == '-')
		p->i++;
	if (!CX_JP_DIG())
		return cx_jp__err(p, "bad number");
	if (cx_str__at(p->s, p->i) == '0')
		p->i++;
	else
		while (CX_JP_DIG())
			p->i++;
	if (p->i < p->s->len && cx_str__at(p->s, p->i) == '.') {
		p->i++;
		if (!CX_JP_DIG())
			return cx_jp__err(p, "bad number");
		while (CX_JP_DIG())
			p->i++;
	}
	if (p->i < p->s->len && (cx_str__at(p->s, p->i) | 0x20) == 'e') {
		p->i++;
		if (p->i < p->s->len && (cx_str__at(p->s, p->i) == '+' || cx_str__at(p->s, p->i) == '-'))
			p->i++;
		if (!CX_JP_DIG())
			return cx_jp__err(p, "bad number");
		while (CX_JP_DIG())
			p->i++;
	}
#undef CX_JP_DIG
	if (!(t = cx_str__sub(p->X, p->s, a, p->i)))
		return CX_EXCEPTION;
	return cx_num(cx_str_to_number(t));
}

static int cx_jp__word(cx_jp *p, const char *w)
{
	uint32_t k;

	for (k = 0; w[k]; k++)
		if (p->i + k >= p->s->len || cx_str__at(p->s, p->i + k) != (uint8_t)w[k])
			return 0;
	p->i += k;
	return 1;
}

static cx_value cx_jp__value(cx_jp *p)
{
	int c = cx_jp__peek(p);
	cx_value v, r;

	switch (c) {
	case '"':
		return cx_jp__string(p);
	case '{': case '[': {
		int arr = c == '[';
		uint32_t n = 0;
		if (++p->depth > CX_JSON_DEPTH)
			return cx_throw_error(p->X, "RangeError", "JSON.parse: nesting deeper than %d", CX_JSON_DEPTH);
		if (CX_STACK_LOW(p->X))
			return CX_EXCEPTION;
		p->i++;
		r = arr ? cx_arr_new(p->X, 0, NULL) : cx_obj_new(p->X);
		if (cx_is_exc(r))
			return r;
		if (cx_jp__peek(p) == (arr ? ']' : '}')) {
			p->i++;
			p->depth--;
			return r;
		}
		for (;;) {
			cx_value k = CX_UNDEFINED;
			if (!arr) {
				if (cx_jp__peek(p) != '"')
					return cx_jp__err(p, "expected a property name");
				k = cx_jp__string(p);
				if (cx_is_exc(k))
					return k;
				if (cx_jp__peek(p) != ':')
					return cx_jp__err(p, "expected ':'");
				p->i++;
			}
			v = cx_jp__value(p);
			if (cx_is_exc(v))
				return v;
			if (arr ? cx_is_exc(cx_arr__put(p->X, r.u.o, n++, v)) : cx_is_exc(cx_put(p->X, r, k, v)))
				return CX_EXCEPTION;
			c = cx_jp__peek(p);
			if (c == ',') {
				p->i++;
				continue;
			}
			if (c == (arr ? ']' : '}')) {
				p->i++;
				break;
			}
			return cx_jp__err(p, arr ? "expected ',' or ']'" : "expected ',' or '}'");
		}
		p->depth--;
		return r;
	}
	case 't':
		if (cx_jp__word(p, "true"))
			return CX_TRUE;
		break;
	case 'f':
		if (cx_jp__word(p, "false"))
			return CX_FALSE;
		break;
	case 'n':
		if (cx_jp__word(p, "null"))
			return CX_NULLV;
		break;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return cx_jp__number(p);
		break;
	}
	return cx_jp__err(p, "expected a value");
}

/* The own enumerable property names of o, in order (a fresh array). */
static cx_value cx_json__keys(cx_ctx *X, cx_value o)
{
	cx_value all = cx_forin_keys(X, o), own;
	uint32_t i, n = 0, len;

	if (cx_is_exc(all))
		return all;
	own = cx_arr_new(X, 0, NULL);
	if (cx_is_exc(own))
		return own;
	len = cx_arr_length(X, all);
	for (i = 0; i < len; i++) {
		cx_value k = cx_get_idx(X, all, i), tmp;
		int r;
		if (cx_is_exc(k))
			return k;
		if (k.tag != CX_T_STR)
			continue;
		r = cx_obj__get_own(X, o.u.o, k.u.s, &tmp);
		if (r < 0)
			return CX_EXCEPTION;
		if (r && cx_is_exc(cx_arr__put(X, own.u.o, n++, k)))
			return CX_EXCEPTION;
	}
	return own;
}

/* 15.12.2 Walk */
static cx_value cx_jp__walk(cx_ctx *X, cx_value reviver, cx_value holder, cx_value name, int depth)
{
	cx_value val = cx_get(X, holder, name), args[2];

	if (cx_is_exc(val))
		return val;
	if (depth > CX_JSON_DEPTH)
		return cx_throw_error(X, "RangeError", "JSON.parse reviver: nesting deeper than %d", CX_JSON_DEPTH);
	if (CX_STACK_LOW(X))
		return CX_EXCEPTION;
	if (val.tag == CX_T_OBJ) {
		cx_value keys = cx_obj_of(val, CX_C_ARRAY) ? CX_UNDEFINED : cx_json__keys(X, val);
		uint32_t i, n;
		if (cx_is_exc(keys))
			return keys;
		n = keys.tag == CX_T_UNDEF ? cx_arr_length(X, val) : cx_arr_length(X, keys);
		for (i = 0; i < n; i++) {
			cx_value k, nv;
			if (keys.tag == CX_T_UNDEF) {
				cx_str *ks = cx_str__from_index(X, i);
				if (!ks)
					return CX_EXCEPTION;
				k = cx_strv(ks);
			}
			else if (cx_is_exc(k = cx_get_idx(X, keys, i)))
				return k;
			nv = cx_jp__walk(X, reviver, val, k, depth + 1);
			if (cx_is_exc(nv))
				return nv;
			if (nv.tag == CX_T_UNDEF ? cx_is_exc(cx_delete(X, val, k)) : cx_is_exc(cx_put(X, val, k, nv)))
				return CX_EXCEPTION;
		}
	}
	args[0] = name;
	args[1] = val;
	return cx_call(X, reviver, holder, 2, args);
}

static cx_value cx_json_parse(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_jp p = {X, NULL, 0, 0};
	cx_value v, root;

	if (!(p.s = cx_to_str(X, CX_ARG(0))))
		return CX_EXCEPTION;
	v = cx_jp__value(&p);
	if (cx_is_exc(v))
		return v;
	if (cx_jp__peek(&p) >= 0)
		return cx_jp__err(&p, "text after the value");
	if (!cx_is_callable(CX_ARG(1)))
		return v;
	root = cx_obj_new(X);
	if (cx_is_exc(root) || cx_is_exc(cx_put_s(X, root, CX_STR_REF(cx_s_empty), v)))
		return CX_EXCEPTION;
	return cx_jp__walk(X, argv[1], root, cx_strv(CX_STR_REF(cx_s_empty)), 0);
}

/* Section - stringify */

/* cx_js keep[]: the replacer (a function or undefined), the property list (an array of names or
 * undefined), the gap (a string, or undefined while it is "") */
enum { CX_JS_REPLACER, CX_JS_PLIST, CX_JS_GAP };

typedef struct cx_js {
	cx_ctx *X;
	cx_sb out;
	/* keep[] is a root while stringify runs (cx_root_add): toJSON, the replacer and valueOf
	 * run script, script may collect, and these are often the only reference to what they
	 * hold (a property list or a gap made here) */
	cx_value keep[3];
	cx_str *gap;        /* keep[CX_JS_GAP]'s string */
	cx_obj *stack[CX_JSON_DEPTH];
	int depth;
} cx_js;

static void cx_js__quote(cx_sb *sb, const cx_str *s)
{
	uint32_t i, k;

	cx_sb_put(sb, '"');
	for (i = 0; i < s->len; i += k) {
		uint32_t c = cx_str__cp_at(s, i, &k);
		switch (c) {
		case '"': cx_sb_ascii(sb, "\\\""); break;
		case '\\': cx_sb_ascii(sb, "\\\\"); break;
		case '\b': cx_sb_ascii(sb, "\\b"); break;
		case '\f': cx_sb_ascii(sb, "\\f"); break;
		case '\n': cx_sb_ascii(sb, "\\n"); break;
		case '\r': cx_sb_ascii(sb, "\\r"); break;
		case '\t': cx_sb_ascii(sb, "\\t"); break;
		default:
			/* a control character, or a lone surrogate (as node: the text stays valid
			 * UTF-16, so its UTF-8 form sent by <send> or logged is well-formed) */
			if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
				char b[8];
				snprintf(b, sizeof(b), "\\u%04x", (unsigned)c);
				cx_sb_ascii(sb, b);
			}
			else
				cx_sb_cp(sb, c);
		}
	}
	cx_sb_put(sb, '"');
}

static void cx_js__newline(cx_js *j)
{
	int k;

	cx_sb_put(&j->out, '\n');
	for (k = 0; k < j->depth; k++)
		cx_sb_str(&j->out, j->gap);
}

/* 15.12.3 Str(key, holder): appends the text and returns 1, returns 0 for undefined (nothing
 * appended), -1 on an exception. */
static int cx_js__str(cx_js *j, cx_value holder, cx_value key)
{
	cx_ctx *X = j->X;
	cx_value v = cx_get(X, holder, key);
	int k, first = 1;

	if (cx_is_exc(v))
		return -1;
	if (v.tag == CX_T_OBJ) {
		cx_value f = cx_get_s(X, v, CX_STR_REF(cx_s_tojson));
		if (cx_is_exc(f))
			return -1;
		if (cx_is_callable(f) && cx_is_exc(v = cx_call(X, f, v, 1, &key)))
			return -1;
	}
	if (j->keep[CX_JS_REPLACER].tag != CX_T_UNDEF) {
		cx_value args[2] = {key, v};
		if (cx_is_exc(v = cx_call(X, j->keep[CX_JS_REPLACER], holder, 2, args)))
			return -1;
	}
	if (v.tag == CX_T_OBJ) {
		int cls = v.u.o->cls;
		if (cls == CX_C_NUMBER) {
			double d;
			if (cx_to_num(X, v, &d))
				return -1;
			v = cx_num(d);
		}
		else if (cls == CX_C_STRING) {
			cx_str *s = cx_to_str(X, v);
			if (!s)
				return -1;
			v = cx_strv(s);
		}
		else if (cls == CX_C_BOOLEAN)
			v = v.u.o->prim;
	}
	switch (v.tag) {
	case CX_T_NULL:
		cx_sb_ascii(&j->out, "null");
		return 1;
	case CX_T_BOOL:
		cx_sb_ascii(&j->out, v.u.b ? "true" : "false");
		return 1;
	case CX_T_STR:
		cx_js__quote(&j->out, v.u.s);
		return 1;
	case CX_T_NUM: {
		char b[40];
		if (!isfinite(v.u.n))
			cx_sb_ascii(&j->out, "null");
		else {
			cx_num_format(v.u.n, b);
			cx_sb_ascii(&j->out, b);
		}
		return 1;
	}
	case CX_T_OBJ:
		if (cx_is_callable(v))
			return 0;
		break;
	default:
		return 0;
	}
	/* An object or array: JO / JA. */
	for (k = 0; k < j->depth; k++)
		if (j->stack[k] == v.u.o) {
			cx_throw_error(X, "TypeError", "JSON.stringify: cannot convert a circular structure");
			return -1;
		}
	if (j->depth >= CX_JSON_DEPTH) {
		cx_throw_error(X, "RangeError", "JSON.stringify: nesting deeper than %d", CX_JSON_DEPTH);
		return -1;
	}
	if (CX_STACK_LOW(X))
		return -1;
	j->stack[j->depth++] = v.u.o;
	if (v.u.o->cls == CX_C_ARRAY) {
		uint32_t i, n = cx_arr_length(X, v);
		cx_sb_put(&j->out, '[');
		for (i = 0; i < n; i++) {
			int r;
			if (i)
				cx_sb_put(&j->out, ',');
			if (j->gap->len)
				cx_js__newline(j);
			if ((r = cx_js__str(j, v, cx_num(i))) < 0)
				return -1;
			if (r == 0)
				cx_sb_ascii(&j->out, "null");
		}
		j->depth--;
		if (n && j->gap->len)
			cx_js__newline(j);
		cx_sb_put(&j->out, ']');
		return 1;
	}
	{
		cx_value keys = j->keep[CX_JS_PLIST].tag != CX_T_UNDEF ? j->keep[CX_JS_PLIST] : cx_json__keys(X, v);
		uint32_t i, n;
		if (cx_is_exc(keys))
			return -1;
		n = cx_arr_length(X, keys);
		cx_sb_put(&j->out, '{');
		for (i = 0; i < n; i++) {
			cx_value kv = cx_get_idx(X, keys, i);
			size_t mark = j->out.n;
			int r;
			if (cx_is_exc(kv))
				return -1;
			if (!first)
				cx_sb_put(&j->out, ',');
			if (j->gap->len)
				cx_js__newline(j);
			cx_js__quote(&j->out, kv.u.s);
			cx_sb_put(&j->out, ':');
			if (j->gap->len)
				cx_sb_put(&j->out, ' ');
			if ((r = cx_js__str(j, v, kv)) < 0)
				return -1;
			if (r == 0)
				j->out.n = mark; /* undefined members are left out */
			else
				first = 0;
		}
		j->depth--;
		if (!first && j->gap->len)
			cx_js__newline(j);
		cx_sb_put(&j->out, '}');
	}
	return 1;
}

static cx_value cx_json_stringify(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_js *j;
	cx_value rep = CX_ARG(1), space = CX_ARG(2), root, res;
	int r;

	if (!(j = cx_mem__alloc(X, sizeof(*j))))
		return CX_EXCEPTION;
	j->X = X;
	j->keep[CX_JS_REPLACER] = j->keep[CX_JS_PLIST] = j->keep[CX_JS_GAP] = CX_UNDEFINED;
	j->gap = CX_STR_REF(cx_s_empty);
	if (cx_root_add(X, j->keep, 3)) {
		cx_mem__free(X, j, sizeof(*j));
		return cx_heap__oom(X);
	}
	if (cx_is_callable(rep))
		j->keep[CX_JS_REPLACER] = rep;
	else if (cx_obj_of(rep, CX_C_ARRAY)) {
		/* The property list: strings and numbers (or their wrappers), no duplicates. */
		uint32_t i, k, n = cx_arr_length(X, rep), m = 0;
		if (cx_is_exc(j->keep[CX_JS_PLIST] = cx_arr_new(X, 0, NULL)))
			goto fail;
		for (i = 0; i < n; i++) {
			cx_value e = cx_get_idx(X, rep, i);
			cx_str *s;
			if (cx_is_exc(e))
				goto fail;
			if (!(e.tag == CX_T_STR || e.tag == CX_T_NUM || cx_obj_of(e, CX_C_STRING) ||
			      cx_obj_of(e, CX_C_NUMBER)))
				continue;
			if (!(s = cx_to_str(X, e)))
				goto fail;
			for (k = 0; k < m; k++)
				if (cx_str_eq(cx_get_idx(X, j->keep[CX_JS_PLIST], k).u.s, s))
					break;
			if (k == m && cx_is_exc(cx_arr__put(X, j->keep[CX_JS_PLIST].u.o, m++, cx_strv(s))))
				goto fail;
		}
	}
	if (cx_obj_of(space, CX_C_NUMBER) || cx_obj_of(space, CX_C_STRING)) {
		space = cx_to_primitive(X, space, space.u.o->cls == CX_C_NUMBER ? 1 : 2);
		if (cx_is_exc(space))
			goto fail;
	}
	if (space.tag == CX_T_NUM) {
		double d = cx_to_integer_d(space.u.n);
		int k, n = d > 10 ? 10 : d < 1 ? 0 : (int)d;
		char b[12];
		for (k = 0; k < n; k++)
			b[k] = ' ';
		b[n] = 0;
		if (!(j->gap = cx_str__ascii(X, b)))
			goto fail;
	}
	else if (space.tag == CX_T_STR && !(j->gap = cx_str__sub(X, space.u.s, 0, space.u.s->len > 10 ? 10 : space.u.s->len)))
		goto fail;
	j->keep[CX_JS_GAP] = cx_strv(j->gap);
	root = cx_obj_new(X);
	if (cx_is_exc(root) || cx_is_exc(cx_put_s(X, root, CX_STR_REF(cx_s_empty), CX_ARG(0))))
		goto fail;
	r = cx_js__str(j, root, cx_strv(CX_STR_REF(cx_s_empty)));
	if (r < 0) {
		free(j->out.b);
		goto fail;
	}
	res = r == 0 ? (free(j->out.b), CX_UNDEFINED) : cx_sb_finish(X, &j->out);
	cx_root_remove(X, j->keep);
	cx_mem__free(X, j, sizeof(*j));
	return res;
fail:
	cx_root_remove(X, j->keep);
	cx_mem__free(X, j, sizeof(*j));
	return CX_EXCEPTION;
}

/* Section - Set-up */

static cx_lazy cx_json_own[] = {
	CX_LAZY_FN("parse", cx_json_parse, 2),
	CX_LAZY_FN("stringify", cx_json_stringify, 3),
	CX_LAZY_END
};
static cx_lazy cx_json_obj = {CX_LAZY_NAME("JSON"), NULL, 0, CX_L_JSON, NULL, cx_json_own, NULL};

int cx_lib_json(cx_ctx *X)
{
	return cx_lazy_slot(X, X->heap->global, CX_STR_REF(cx_json_obj.name), &cx_json_obj);
}
