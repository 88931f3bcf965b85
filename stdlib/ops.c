/*
 * ops.c — the operators of ECMA-262 3rd edition, chapter 11.
 */
#include <math.h>
#include "cx_priv.h"

/* ToPrimitive without a call for what is already primitive (every operand but objects). */
static inline cx_value cx_cat__prim(cx_ctx *X, cx_value v)
{
	return v.tag == CX_T_OBJ ? cx_to_primitive(X, v, 0) : v;
}

/* cx_op_add's general case: a chain of one step. Out of line, so that the usual cases set up
 * no frame for the chain. A string and a primitive (`'parent = ' + undefined`, `n + ' ms'`)
 * need no chain: the primitive is its own ToPrimitive, then ToString of it and the two joined. */
static __attribute__((noinline)) cx_value cx_op__add_chain(cx_ctx *X, cx_value a, cx_value b)
{
	cx_cat c;
	cx_str *x, *y, *r;

	if ((a.tag == CX_T_STR && b.tag != CX_T_OBJ) || (b.tag == CX_T_STR && a.tag != CX_T_OBJ)) {
		x = a.tag == CX_T_STR ? a.u.s : cx_to_str(X, a);
		if (!x)
			return CX_EXCEPTION;
		y = b.tag == CX_T_STR ? b.u.s : cx_to_str(X, b);
		if (!y || !(r = cx_str__concat(X, x, y)))
			return CX_EXCEPTION;
		return cx_strv(r);
	}
	if (cx_is_exc(cx_cat_begin(X, &c, a, b)))
		return CX_EXCEPTION;
	return cx_cat_end(X, &c);
}

cx_value cx_str_cat(cx_ctx *X, cx_str *a, cx_str *b)
{
	cx_str *r = cx_str__concat(X, a, b);

	return r ? cx_strv(r) : CX_EXCEPTION;
}

/* 11.6.1: the chain of one step (below) but for the two usual cases, which need no conversion. */
cx_value cx_op_add(cx_ctx *X, cx_value a, cx_value b)
{
	if (a.tag == CX_T_NUM && b.tag == CX_T_NUM)
		return cx_num(a.u.n + b.u.n);
	if (a.tag == CX_T_STR && b.tag == CX_T_STR)
		return cx_str_cat(X, a.u.s, b.u.s);
	/* a string and a primitive ('x = ' + undefined, 'n=' + 3): ToString of the other, no chain */
	if ((a.tag == CX_T_STR && b.tag != CX_T_OBJ) || (b.tag == CX_T_STR && a.tag != CX_T_OBJ)) {
		cx_str *x = a.tag == CX_T_STR ? a.u.s : cx_to_str(X, a), *y;
		if (!x || !(y = b.tag == CX_T_STR ? b.u.s : cx_to_str(X, b)))
			return CX_EXCEPTION;
		return cx_str_cat(X, x, y);
	}
	return cx_op__add_chain(X, a, b);
}

cx_value cx_op_add_lit(cx_ctx *X, cx_str *lit, cx_value b)
{
	struct cx_str_static *s;
	size_t len;
	cx_str *y;

	if (b.tag == CX_T_OBJ || b.tag == CX_T_STR)
		return cx_op_add(X, cx_strv(lit), b);
	/* 'x = ' + undefined, 'n=' + 3: ToString of a primitive calls nothing of the script's;
	 * the short 8-bit result in a page's slot as generated code takes one (cx_value.h) */
	if (!(y = cx_to_str(X, b)))
		return CX_EXCEPTION;
	len = (size_t)lit->len + y->len;
	if (len < CX_CAT8_MAX && !y->wide && !X->heap->perm_mode && (s = cx_str_take8(X, (uint32_t)len))) {
		cx_copy_short((char *)(s + 1), lit->chars, lit->len);
		cx_copy_short((char *)(s + 1) + lit->len, y->chars, y->len);
		return cx_strv((cx_str *)s);
	}
	return cx_str_cat_lit(X, lit, y);
}

/* Section - Chains of + (a + b + c …): one allocation for the string
 *
 * Each step is exactly one `+` of 11.6.1, run when the chain's evaluation reaches it: the
 * operand to ToPrimitive, then a number addition while neither side has been a string, else
 * ToString of both sides. Only the strings are not concatenated at each step: they are kept
 * in the cx_cat, which lives on the generated code's C stack, so a collection within the event
 * (heap.c, the stack scanned conservatively) keeps them, and joined once by cx_cat_end. */

/* Keeps ToString(v) (v primitive) as the next piece. */
static inline __attribute__((always_inline)) cx_value cx_cat__piece(cx_ctx *X, cx_cat *c, cx_value v)
{
	cx_str *s = v.tag == CX_T_STR ? v.u.s : cx_to_str(X, v);

	if (!s)
		return CX_EXCEPTION;
	if (c->n == sizeof(c->part) / sizeof(c->part[0])) {
		cx_str *j = cx_str__join(X, c->part, c->n);
		if (!j)
			return CX_EXCEPTION;
		c->part[0] = j;
		c->n = 1;
	}
	c->part[c->n++] = s;
	return CX_UNDEFINED;
}

/* The next step with p = ToPrimitive(operand) already made. */
static cx_value cx_cat__step(cx_ctx *X, cx_cat *c, cx_value p)
{
	double y;

	if (!c->n) {
		if (p.tag != CX_T_STR) {
			if (cx_to_num(X, p, &y))
				return CX_EXCEPTION;
			c->acc = cx_num(c->acc.u.n + y);
			return CX_UNDEFINED;
		}
		if (cx_is_exc(cx_cat__piece(X, c, c->acc)))
			return CX_EXCEPTION;
	}
	return cx_cat__piece(X, c, p);
}

cx_value cx_cat_begin(cx_ctx *X, cx_cat *c, cx_value a, cx_value b)
{
	double x;

	if (a.tag == CX_T_STR && b.tag == CX_T_NUM) { /* 'item' + i: no conversion to run */
		if (!(c->part[1] = cx_num_str(X, b.u.n)))
			return CX_EXCEPTION;
		c->part[0] = a.u.s;
		c->n = 2;
		return CX_UNDEFINED;
	}
	c->n = 0;
	a = cx_cat__prim(X, a);
	if (cx_is_exc(a))
		return a;
	b = cx_cat__prim(X, b);
	if (cx_is_exc(b))
		return b;
	if (a.tag == CX_T_STR && b.tag == CX_T_STR) { /* the usual start: two strings */
		c->part[0] = a.u.s;
		c->part[1] = b.u.s;
		c->n = 2;
		return CX_UNDEFINED;
	}
	if (a.tag == CX_T_STR || b.tag == CX_T_STR) {
		if (cx_is_exc(cx_cat__piece(X, c, a)))
			return CX_EXCEPTION;
		return cx_cat__piece(X, c, b);
	}
	if (cx_to_num(X, a, &x))
		return CX_EXCEPTION;
	c->acc = cx_num(x);
	return cx_cat__step(X, c, b);
}

cx_value cx_cat_add(cx_ctx *X, cx_cat *c, cx_value v)
{
	if (v.tag == CX_T_STR && c->n && c->n < sizeof(c->part) / sizeof(c->part[0])) {
		c->part[c->n++] = v.u.s; /* a string onto strings: the usual next piece */
		return CX_UNDEFINED;
	}
	v = cx_cat__prim(X, v);
	if (cx_is_exc(v))
		return v;
	return cx_cat__step(X, c, v);
}

cx_value cx_cat_end(cx_ctx *X, cx_cat *c)
{
	cx_str *s;

	if (!c->n)
		return c->acc;
	/* two pieces (a + b of cx_op_add, 'k' + i): the short flat case without join's loops */
	s = c->n == 2 ? cx_str__concat(X, c->part[0], c->part[1]) : cx_str__join(X, c->part, c->n);
	return s ? cx_strv(s) : CX_EXCEPTION;
}

/* x += chain: x's value a (read before the chain) + the chain's value, as one `+` after the
 * chain's steps. A string chain: ToPrimitive(a), ToString, then a's characters and the pieces
 * joined at once (in place when a is the last string of its buffer: `s += 'item' + i + ','`
 * appends three pieces and makes one header). A number chain: the plain addition. */
cx_value cx_cat_end_onto(cx_ctx *X, cx_cat *c, cx_value a)
{
	cx_str *s;

	if (!c->n)
		return cx_op_add(X, a, c->acc);
	if (a.tag != CX_T_STR) {
		a = cx_cat__prim(X, a);
		if (cx_is_exc(a) || !(s = cx_to_str(X, a)))
			return CX_EXCEPTION;
	}
	else
		s = a.u.s;
	s = cx_str__join_onto(X, s, c->part, c->n);
	return s ? cx_strv(s) : CX_EXCEPTION;
}

/* Both operands to numbers, left first (11.5, 11.6.2). */
static inline int cx_op__nums(cx_ctx *X, cx_value a, cx_value b, double *x, double *y)
{
	if (a.tag == CX_T_NUM && b.tag == CX_T_NUM) { /* the usual case: no calls */
		*x = a.u.n;
		*y = b.u.n;
		return 0;
	}
	return cx_to_num(X, a, x) || cx_to_num(X, b, y);
}

/* ToInt32 / ToUint32 without a call when d is already in range (conv.c has the rest). */
static inline int32_t cx_op__i32(double d)
{
	return d >= -2147483648.0 && d < 2147483648.0 ? (int32_t)d : cx_dtoi32(d);
}

static inline uint32_t cx_op__u32(double d)
{
	return d >= 0 && d < 4294967296.0 ? (uint32_t)d : cx_dtou32(d);
}

/* One operand to a number; inline for the number case. */
static inline int cx_op__num(cx_ctx *X, cx_value a, double *x)
{
	if (a.tag == CX_T_NUM) {
		*x = a.u.n;
		return 0;
	}
	return cx_to_num(X, a, x);
}

cx_value cx_op_sub(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	return cx_op__nums(X, a, b, &x, &y) ? CX_EXCEPTION : cx_num(x - y);
}

cx_value cx_op_mul(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	return cx_op__nums(X, a, b, &x, &y) ? CX_EXCEPTION : cx_num(x * y);
}

cx_value cx_op_div(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	return cx_op__nums(X, a, b, &x, &y) ? CX_EXCEPTION : cx_num(x / y);
}

/* 11.5.3: the sign of the dividend, truncating division, exactly C's fmod. */
cx_value cx_op_mod(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;

	if (cx_op__nums(X, a, b, &x, &y))
		return CX_EXCEPTION;
	/* Integer operands (the usual i % n): integer %, which is exact and truncates like
	 * fmod. A zero result keeps the dividend's sign, so only x >= 0 takes this path. */
	if (x >= 0 && !signbit(x) && x < 9007199254740992.0 && y >= 1 && y < 9007199254740992.0 &&
	    x == (double)(uint64_t)x && y == (double)(uint64_t)y)
		return cx_num((double)((uint64_t)x % (uint64_t)y));
	return cx_num(fmod(x, y));
}

cx_value cx_op_neg(cx_ctx *X, cx_value a)
{
	double x;
	return cx_op__num(X, a, &x) ? CX_EXCEPTION : cx_num(-x);
}

cx_value cx_op_pos(cx_ctx *X, cx_value a)
{
	return cx_to_number(X, a);
}

cx_value cx_op_inc(cx_ctx *X, cx_value a, double delta)
{
	double x;
	return cx_op__num(X, a, &x) ? CX_EXCEPTION : cx_num(x + delta);
}

cx_value cx_op_bitnot(cx_ctx *X, cx_value a)
{
	double x;
	return cx_op__num(X, a, &x) ? CX_EXCEPTION : cx_num(~cx_op__i32(x));
}

cx_value cx_op_bitand(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	return cx_op__nums(X, a, b, &x, &y) ? CX_EXCEPTION : cx_num(cx_op__i32(x) & cx_op__i32(y));
}

cx_value cx_op_bitor(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	return cx_op__nums(X, a, b, &x, &y) ? CX_EXCEPTION : cx_num(cx_op__i32(x) | cx_op__i32(y));
}

cx_value cx_op_bitxor(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	return cx_op__nums(X, a, b, &x, &y) ? CX_EXCEPTION : cx_num(cx_op__i32(x) ^ cx_op__i32(y));
}

cx_value cx_op_shl(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	if (cx_op__nums(X, a, b, &x, &y))
		return CX_EXCEPTION;
	/* Shift as unsigned: a left shift of a negative int is undefined in C. */
	return cx_num((int32_t)((uint32_t)cx_op__i32(x) << (cx_op__u32(y) & 31)));
}

cx_value cx_op_sar(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	int32_t v;
	unsigned s;

	if (cx_op__nums(X, a, b, &x, &y))
		return CX_EXCEPTION;
	v = cx_op__i32(x);
	s = cx_op__u32(y) & 31;
	/* Arithmetic shift written portably (>> of a negative value is implementation-defined). */
	return cx_num(v >= 0 ? (double)(v >> s) : (double)(~(~v >> s)));
}

cx_value cx_op_shr(cx_ctx *X, cx_value a, cx_value b)
{
	double x, y;
	if (cx_op__nums(X, a, b, &x, &y))
		return CX_EXCEPTION;
	return cx_num(cx_op__u32(x) >> (cx_op__u32(y) & 31));
}

/* 11.8.5: 1 true, 0 false, -1 undefined (NaN), -2 exception. */
static int cx_op__less(cx_ctx *X, cx_value a, cx_value b, int left_first)
{
	double x, y;

	if (a.tag == CX_T_NUM && b.tag == CX_T_NUM) {
		if (isnan(a.u.n) || isnan(b.u.n))
			return -1;
		return a.u.n < b.u.n;
	}
	if (left_first) {
		a = cx_to_primitive(X, a, 1);
		if (cx_is_exc(a))
			return -2;
		b = cx_to_primitive(X, b, 1);
	}
	else {
		b = cx_to_primitive(X, b, 1);
		if (cx_is_exc(b))
			return -2;
		a = cx_to_primitive(X, a, 1);
	}
	if (cx_is_exc(a) || cx_is_exc(b))
		return -2;
	if (a.tag == CX_T_STR && b.tag == CX_T_STR)
		return cx_str__cmp(a.u.s, b.u.s) < 0;
	if (cx_to_num(X, a, &x) || cx_to_num(X, b, &y))
		return -2;
	if (isnan(x) || isnan(y))
		return -1;
	return x < y;
}

cx_value cx_op_lt(cx_ctx *X, cx_value a, cx_value b)
{
	int r = cx_op__less(X, a, b, 1);
	return r == -2 ? CX_EXCEPTION : cx_bool(r == 1);
}

cx_value cx_op_gt(cx_ctx *X, cx_value a, cx_value b)
{
	int r = cx_op__less(X, b, a, 0);
	return r == -2 ? CX_EXCEPTION : cx_bool(r == 1);
}

cx_value cx_op_le(cx_ctx *X, cx_value a, cx_value b)
{
	int r = cx_op__less(X, b, a, 0);
	return r == -2 ? CX_EXCEPTION : cx_bool(r == 0);
}

cx_value cx_op_ge(cx_ctx *X, cx_value a, cx_value b)
{
	int r = cx_op__less(X, a, b, 1);
	return r == -2 ? CX_EXCEPTION : cx_bool(r == 0);
}

cx_value cx_op_seq(cx_value a, cx_value b)
{
	if (a.tag != b.tag)
		return CX_FALSE;
	switch (a.tag) {
	case CX_T_UNDEF: case CX_T_NULL: return CX_TRUE;
	case CX_T_NUM: return cx_bool(a.u.n == b.u.n);
	case CX_T_BOOL: return cx_bool(a.u.b == b.u.b);
	case CX_T_STR: return cx_bool(cx_str_eq(a.u.s, b.u.s));
	case CX_T_OBJ: return cx_bool(a.u.o == b.u.o);
	default: return CX_FALSE;
	}
}

cx_value cx_op_sne(cx_value a, cx_value b)
{
	return cx_bool(!cx_op_seq(a, b).u.b);
}

/* 11.9.3 The Abstract Equality Comparison Algorithm. */
cx_value cx_op_eq(cx_ctx *X, cx_value a, cx_value b)
{
	for (;;) {
		if (a.tag == b.tag)
			return cx_op_seq(a, b);
		if ((a.tag == CX_T_UNDEF || a.tag == CX_T_NULL) &&
		    (b.tag == CX_T_UNDEF || b.tag == CX_T_NULL))
			return CX_TRUE;
		if (a.tag == CX_T_NUM && b.tag == CX_T_STR)
			return cx_bool(a.u.n == cx_str_to_number(b.u.s));
		if (a.tag == CX_T_STR && b.tag == CX_T_NUM)
			return cx_bool(cx_str_to_number(a.u.s) == b.u.n);
		if (a.tag == CX_T_BOOL) {
			a = cx_num(a.u.b);
			continue;
		}
		if (b.tag == CX_T_BOOL) {
			b = cx_num(b.u.b);
			continue;
		}
		if ((a.tag == CX_T_STR || a.tag == CX_T_NUM) && b.tag == CX_T_OBJ) {
			b = cx_to_primitive(X, b, 0);
			if (cx_is_exc(b))
				return b;
			continue;
		}
		if (a.tag == CX_T_OBJ && (b.tag == CX_T_STR || b.tag == CX_T_NUM)) {
			a = cx_to_primitive(X, a, 0);
			if (cx_is_exc(a))
				return a;
			continue;
		}
		return CX_FALSE;
	}
}

cx_value cx_op_ne(cx_ctx *X, cx_value a, cx_value b)
{
	cx_value r = cx_op_eq(X, a, b);
	return cx_is_exc(r) ? r : cx_bool(!r.u.b);
}

CX_STR_DEF(cx_s_t_undefined, "undefined");
CX_STR_DEF(cx_s_t_object, "object");
CX_STR_DEF(cx_s_t_boolean, "boolean");
CX_STR_DEF(cx_s_t_number, "number");
CX_STR_DEF(cx_s_t_string, "string");
CX_STR_DEF(cx_s_t_function, "function");

cx_value cx_op_typeof(cx_ctx *X, cx_value a)
{
	switch (a.tag) {
	case CX_T_NULL: return cx_strv(CX_STR_REF(cx_s_t_object));
	case CX_T_BOOL: return cx_strv(CX_STR_REF(cx_s_t_boolean));
	case CX_T_NUM: return cx_strv(CX_STR_REF(cx_s_t_number));
	case CX_T_STR: return cx_strv(CX_STR_REF(cx_s_t_string));
	case CX_T_OBJ:
		return cx_strv(a.u.o->fn ? CX_STR_REF(cx_s_t_function) : CX_STR_REF(cx_s_t_object));
	default: return cx_strv(CX_STR_REF(cx_s_t_undefined));
	}
}

CX_STR_DEF(cx_s_prototype, "prototype");

cx_value cx_op_instanceof(cx_ctx *X, cx_value a, cx_value ctor)
{
	cx_value p;
	cx_obj *o;

	if (!cx_is_callable(ctor))
		return cx_throw_error(X, "TypeError", "right-hand side of instanceof is not a function");
	ctor = cx_func__unbound(ctor); /* a bound function answers as its target (ES5 15.3.4.5.3) */
	if (a.tag != CX_T_OBJ)
		return CX_FALSE;
	p = cx_get_s(X, ctor, CX_STR_REF(cx_s_prototype));
	if (cx_is_exc(p))
		return p;
	if (p.tag != CX_T_OBJ)
		return cx_throw_error(X, "TypeError", "function has non-object prototype in instanceof");
	for (o = a.u.o->proto; o; o = o->proto)
		if (o == p.u.o)
			return CX_TRUE;
	return CX_FALSE;
}

cx_value cx_op_in(cx_ctx *X, cx_value key, cx_value obj)
{
	cx_str *k;

	if (obj.tag != CX_T_OBJ)
		return cx_throw_error(X, "TypeError", "right-hand side of 'in' is not an object");
	/* `i in arr` for an index inside the dense part: no string. */
	if (key.tag == CX_T_NUM && obj.u.o->cls == CX_C_ARRAY && key.u.n >= 0 &&
	    key.u.n < obj.u.o->nelems && key.u.n == (double)(uint32_t)key.u.n &&
	    obj.u.o->elems[(uint32_t)key.u.n].tag != CX_T_EXC)
		return CX_TRUE;
	if (!(k = cx_to_str(X, key)))
		return CX_EXCEPTION;
	return cx_bool(cx_obj__has(X, obj.u.o, k));
}
