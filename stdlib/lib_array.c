/*
 * lib_array.c — Array (ES3 15.4). The methods are generic as the spec asks: they go through
 * [[Get]]/[[Put]] and "length", with a fast path only where it cannot change the result.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include "cx_priv.h"

CX_STR_DEF(cx_s_length, "length");
CX_STR_DEF(cx_s_comma, ",");
CX_STR_DEF(cx_s_tolocale, "toLocaleString");
CX_STR_DEF(cx_s_empty, "");

static int cx_arr__len(cx_ctx *X, cx_value o, uint32_t *out)
{
	cx_value v;
	double d;

	if (o.tag == CX_T_OBJ && o.u.o->cls == CX_C_ARRAY)
		return *out = o.u.o->length, 0;
	v = cx_get_s(X, o, CX_STR_REF(cx_s_length));
	if (cx_is_exc(v) || cx_to_num(X, v, &d))
		return -1;
	*out = cx_dtou32(d);
	return 0;
}

/* o as an Array whose elements and length the methods may change directly: not frozen (every
 * change throws), not a built-in (those go through the write barrier of [[Put]]); or NULL. */
static cx_obj *cx_arr__plain(cx_value o)
{
	cx_obj *a = cx_obj_of(o, CX_C_ARRAY);

	return a && !a->frozen && !(a->gc & CX_GC_PERM) ? a : NULL;
}

/* The elements [from, from + n) of o when o is an Array that has them all in its dense part
 * (a hole or an index past it may show a prototype's element: then NULL). */
static const cx_value *cx_arr__run(cx_value o, uint32_t from, uint32_t n)
{
	cx_obj *a = cx_obj_of(o, CX_C_ARRAY);
	uint32_t i;

	if (!a || (uint64_t)from + n > a->nelems)
		return NULL;
	for (i = from; i < from + n; i++)
		if (a->elems[i].tag == CX_T_EXC)
			return NULL;
	return a->elems + from;
}

static int cx_arr__setlen(cx_ctx *X, cx_value o, double len)
{
	return cx_is_exc(cx_put_s(X, o, CX_STR_REF(cx_s_length), cx_num(len))) ? -1 : 0;
}

static int cx_arr__has_idx(cx_ctx *X, cx_value o, uint32_t i)
{
	cx_str *k;

	if (o.u.o->cls == CX_C_ARRAY && cx_arr__has(X, o.u.o, i))
		return 1;
	k = cx_str__from_index(X, i);
	return k ? cx_obj__has(X, o.u.o, k) : 0;
}

static int cx_arr__del_idx(cx_ctx *X, cx_value o, uint32_t i)
{
	return cx_is_exc(cx_delete(X, o, cx_num(i))) ? -1 : 0;
}

/* Relative position argument as in slice/splice: negative counts from the end. */
static uint32_t cx_arr__rel(double d, uint32_t len)
{
	d = cx_to_integer_d(d);
	if (d < 0)
		return d + len < 0 ? 0 : (uint32_t)(d + len);
	return d > len ? len : (uint32_t)d;
}

static cx_value cx_array_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	if (argc == 1 && argv[0].tag == CX_T_NUM) {
		cx_value a;
		if ((double)cx_dtou32(argv[0].u.n) != argv[0].u.n)
			return cx_throw_error(X, "RangeError", "invalid array length");
		a = cx_arr_new(X, 0, NULL);
		if (!cx_is_exc(a))
			a.u.o->length = cx_dtou32(argv[0].u.n);
		return a;
	}
	return cx_arr_new(X, (uint32_t)argc, argv);
}

/* join (15.4.4.5) and, with locale, toLocaleString (15.4.4.3: each element's own
 * toLocaleString, called as a method, its result a string; undefined and null empty). */
static cx_value cx_array__join(cx_ctx *X, cx_value this_, cx_value sepv, int locale)
{
	cx_value o = cx_to_object(X, this_);
	cx_str *sep = CX_STR_REF(cx_s_comma), *s;
	uint32_t len, i;
	cx_sb sb = {0};

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (sepv.tag != CX_T_UNDEF && !(sep = cx_to_str(X, sepv)))
		return CX_EXCEPTION;
	for (i = 0; i < len; i++) {
		cx_value e = cx_get_idx(X, o, i);
		if (cx_is_exc(e))
			goto fail;
		if (i)
			cx_sb_str(&sb, sep);
		if (e.tag == CX_T_UNDEF || e.tag == CX_T_NULL)
			continue;
		if (locale && cx_is_exc(e = cx_call_method(X, e, CX_STR_REF(cx_s_tolocale), 0, NULL)))
			goto fail;
		if (!(s = cx_to_str(X, e)))
			goto fail;
		cx_sb_str(&sb, s);
		if (sb.n > 0x3fffffff) {
			free(sb.b);
			return cx_throw_error(X, "RangeError", "string too long");
		}
	}
	return cx_sb_finish(X, &sb);
fail:
	free(sb.b);
	return CX_EXCEPTION;
}

static cx_value cx_array_join(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_array__join(X, this_, CX_ARG(0), 0);
}

static cx_value cx_array_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	if (!cx_obj_of(this_, CX_C_ARRAY))
		return cx_throw_error(X, "TypeError", "Array.prototype.toString called on a non-array");
	return cx_array__join(X, this_, CX_UNDEFINED, 0);
}

static cx_value cx_array_tolocalestring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	if (!cx_obj_of(this_, CX_C_ARRAY))
		return cx_throw_error(X, "TypeError", "Array.prototype.toLocaleString called on a non-array");
	return cx_array__join(X, this_, CX_UNDEFINED, 1);
}

static cx_value cx_array_push(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_);
	cx_obj *a;
	uint32_t len;
	double n;
	int i;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if ((a = cx_arr__plain(o))) {
		/* An array with its elements at the dense end: stored directly. */
		int r = cx_arr__append(X, a, argv, (uint32_t)argc);
		if (r == ENOMEM)
			return CX_EXCEPTION;
		if (!r)
			return cx_num(a->length);
	}
	n = len;
	for (i = 0; i < argc; i++, n++)
		if (cx_is_exc(cx_put(X, o, cx_num(n), argv[i])))
			return CX_EXCEPTION;
	if (cx_arr__setlen(X, o, n))
		return CX_EXCEPTION;
	return cx_num(n);
}

static cx_value cx_array_pop(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), r;
	cx_obj *a;
	uint32_t len;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (len == 0)
		return cx_arr__setlen(X, o, 0) ? CX_EXCEPTION : CX_UNDEFINED;
	if ((a = cx_arr__plain(o)) && !a->sparse && a->nelems == len && a->elems[len - 1].tag != CX_T_EXC) {
		/* The last element is in the dense part: taking it off is all there is to do. */
		a->nelems = a->length = len - 1;
		return a->elems[len - 1];
	}
	r = cx_get_idx(X, o, len - 1);
	if (cx_is_exc(r) || cx_arr__del_idx(X, o, len - 1) || cx_arr__setlen(X, o, len - 1))
		return CX_EXCEPTION;
	return r;
}

/* Moves count elements from index from to index to (holes stay holes), in a safe order. */
static int cx_arr__move(cx_ctx *X, cx_value o, uint32_t from, uint32_t to, uint32_t count)
{
	uint32_t k;

	for (k = 0; k < count; k++) {
		uint32_t j = from < to ? count - 1 - k : k;
		if (cx_arr__has_idx(X, o, from + j)) {
			cx_value v = cx_get_idx(X, o, from + j);
			if (cx_is_exc(v) || cx_is_exc(cx_put_idx(X, o, to + j, v)))
				return -1;
		}
		else if (cx_arr__del_idx(X, o, to + j))
			return -1;
	}
	return 0;
}

static cx_value cx_array_shift(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), r;
	uint32_t len;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (len == 0)
		return cx_arr__setlen(X, o, 0) ? CX_EXCEPTION : CX_UNDEFINED;
	r = cx_get_idx(X, o, 0);
	if (cx_is_exc(r) || cx_arr__move(X, o, 1, 0, len - 1) || cx_arr__del_idx(X, o, len - 1) ||
	    cx_arr__setlen(X, o, len - 1))
		return CX_EXCEPTION;
	return r;
}

static cx_value cx_array_unshift(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_);
	uint32_t len;
	int i;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if ((uint64_t)len + (uint64_t)argc > 4294967295u)
		return cx_throw_error(X, "RangeError", "invalid array length");
	if (cx_arr__move(X, o, 0, (uint32_t)argc, len))
		return CX_EXCEPTION;
	for (i = 0; i < argc; i++)
		if (cx_is_exc(cx_put_idx(X, o, (uint32_t)i, argv[i])))
			return CX_EXCEPTION;
	if (cx_arr__setlen(X, o, (double)len + argc))
		return CX_EXCEPTION;
	return cx_num((double)len + argc);
}

static cx_value cx_array_slice(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), a;
	const cx_value *run;
	uint32_t len, from, to, i, n = 0;
	double d;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (cx_to_num(X, CX_ARG(0), &d))
		return CX_EXCEPTION;
	from = cx_arr__rel(d, len);
	d = len;
	if (CX_ARG(1).tag != CX_T_UNDEF && cx_to_num(X, argv[1], &d))
		return CX_EXCEPTION;
	to = cx_arr__rel(d, len);
	if (from < to && (run = cx_arr__run(o, from, to - from)))
		return cx_arr_new(X, to - from, run); /* no hole to keep */
	a = cx_arr_new(X, 0, NULL);
	if (cx_is_exc(a))
		return a;
	for (i = from; i < to; i++, n++) {
		if (cx_arr__has_idx(X, o, i)) {
			cx_value v = cx_get_idx(X, o, i);
			if (cx_is_exc(v) || cx_is_exc(cx_arr__put(X, a.u.o, n, v)))
				return CX_EXCEPTION;
		}
	}
	a.u.o->length = n;
	return a;
}

static cx_value cx_array_concat(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value a = cx_arr_new(X, 0, NULL), e = cx_to_object(X, this_);
	uint32_t n = 0, i;
	int k;

	if (cx_is_exc(a) || cx_is_exc(e))
		return CX_EXCEPTION;
	for (k = -1; k < argc; k++) {
		if (k >= 0)
			e = argv[k];
		if (cx_obj_of(e, CX_C_ARRAY)) {
			uint32_t len = e.u.o->length;
			const cx_value *run = cx_arr__run(e, 0, len);
			int r = run && a.u.o->length == n ? cx_arr__append(X, a.u.o, run, len) : EINVAL;
			if (r == ENOMEM)
				return CX_EXCEPTION;
			if (!r) {
				n += len;
				continue;
			}
			for (i = 0; i < len; i++) {
				if (cx_arr__has_idx(X, e, i)) {
					cx_value v = cx_get_idx(X, e, i);
					if (cx_is_exc(v) || cx_is_exc(cx_arr__put(X, a.u.o, n + i, v)))
						return CX_EXCEPTION;
				}
			}
			n += len;
		}
		else if (cx_is_exc(cx_arr__put(X, a.u.o, n++, e)))
			return CX_EXCEPTION;
	}
	a.u.o->length = n;
	return a;
}

static cx_value cx_array_reverse(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_);
	uint32_t len, lo, hi;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (cx_arr__plain(o) && cx_arr__run(o, 0, len)) {
		cx_value *e = o.u.o->elems, t; /* every element present: swapped in place */
		for (lo = 0, hi = len; lo + 1 < hi; lo++, hi--) {
			t = e[lo];
			e[lo] = e[hi - 1];
			e[hi - 1] = t;
		}
		return o;
	}
	for (lo = 0; len && lo < len / 2; lo++) {
		int hl, hh;
		cx_value vl = CX_UNDEFINED, vh = CX_UNDEFINED;
		hi = len - 1 - lo;
		hl = cx_arr__has_idx(X, o, lo);
		hh = cx_arr__has_idx(X, o, hi);
		if ((hl && cx_is_exc(vl = cx_get_idx(X, o, lo))) ||
		    (hh && cx_is_exc(vh = cx_get_idx(X, o, hi))))
			return CX_EXCEPTION;
		if ((hh ? cx_is_exc(cx_put_idx(X, o, lo, vh)) : cx_arr__del_idx(X, o, lo)) ||
		    (hl ? cx_is_exc(cx_put_idx(X, o, hi, vl)) : cx_arr__del_idx(X, o, hi)))
			return CX_EXCEPTION;
	}
	return o;
}

static cx_value cx_array_splice(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), a;
	uint32_t len, start, del, i, items;
	double d;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (cx_to_num(X, CX_ARG(0), &d))
		return CX_EXCEPTION;
	start = cx_arr__rel(d, len);
	d = argc < 2 ? (double)len - start : 0;
	if (argc >= 2 && cx_to_num(X, argv[1], &d))
		return CX_EXCEPTION;
	d = cx_to_integer_d(d);
	del = d < 0 ? 0 : d > len - start ? len - start : (uint32_t)d;
	items = argc > 2 ? (uint32_t)argc - 2 : 0;
	a = cx_arr_new(X, 0, NULL);
	if (cx_is_exc(a))
		return a;
	for (i = 0; i < del; i++) {
		if (cx_arr__has_idx(X, o, start + i)) {
			cx_value v = cx_get_idx(X, o, start + i);
			if (cx_is_exc(v) || cx_is_exc(cx_arr__put(X, a.u.o, i, v)))
				return CX_EXCEPTION;
		}
	}
	a.u.o->length = del;
	if (items != del) {
		if (cx_arr__move(X, o, start + del, start + items, len - start - del))
			return CX_EXCEPTION;
		for (i = len - del + items; i < len; i++)
			if (cx_arr__del_idx(X, o, i))
				return CX_EXCEPTION;
	}
	for (i = 0; i < items; i++)
		if (cx_is_exc(cx_put_idx(X, o, start + i, argv[i + 2])))
			return CX_EXCEPTION;
	if (cx_arr__setlen(X, o, (double)len - del + items))
		return CX_EXCEPTION;
	return a;
}

/* A sort's comparison: the comparator (UNDEF: the default order) and the first error. */
typedef struct cx_sortc {
	cx_value cmp;
	cx_cfunc *fn;  /* cmp's code */
	int strs;      /* every value is a string: the default order compares them as they are */
	int err;
} cx_sortc;

/* 15.4.4.11 SortCompare for two present values: <0, 0, >0, or 0 with an exception pending
 * (flagged in c->err, after which no more comparisons run). */
static int cx_sort__cmp(cx_ctx *X, cx_sortc *c, cx_value x, cx_value y)
{
	cx_str *a, *b;

	if (c->err)
		return 0;
	if (c->strs)
		return cx_str__cmp(x.u.s, y.u.s);
	if (x.tag == CX_T_UNDEF)
		return y.tag == CX_T_UNDEF ? 0 : 1;
	if (y.tag == CX_T_UNDEF)
		return -1;
	if (c->cmp.tag != CX_T_UNDEF) {
		cx_value args[2] = {x, y}, r;
		double d;
		r = c->fn(X, c->cmp, CX_UNDEFINED, 2, args); /* cx_call's checks made once */
		if (r.tag == CX_T_NUM)
			d = r.u.n;
		else if (cx_is_exc(r) || cx_to_num(X, r, &d)) {
			c->err = 1;
			return 0;
		}
		return d < 0 ? -1 : d > 0 ? 1 : 0;
	}
	if (!(a = cx_to_str(X, x)) || !(b = cx_to_str(X, y))) {
		c->err = 1;
		return 0;
	}
	return cx_str__cmp(a, b);
}

/* Merge sort: stable, O(n log n) comparisons whatever the comparator does. */
static void cx_sort__merge(cx_ctx *X, cx_sortc *c, cx_value *v, cx_value *tmp, uint32_t n)
{
	uint32_t mid = n / 2, i = 0, j, k = 0;

	if (n < 2)
		return;
	cx_sort__merge(X, c, v, tmp, mid);
	cx_sort__merge(X, c, v + mid, tmp, n - mid);
	j = mid;
	while (i < mid && j < n)
		tmp[k++] = cx_sort__cmp(X, c, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	memcpy(v, tmp, k * sizeof(*v)); /* v[j..n) is already in place */
}

static cx_value cx_array_sort(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), *v;
	cx_sortc c = {CX_ARG(0), NULL, 0, 0};
	cx_obj *a;
	uint32_t len, n = 0, i;
	size_t sz;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (c.cmp.tag != CX_T_UNDEF && !cx_is_callable(c.cmp))
		return cx_throw_error(X, "TypeError", "sort comparator is not a function");
	/* the comparator is called directly: the stack is checked once for all the calls (the
	 * merge's own recursion is at most 32 deep, well inside the check's margin) */
	if (c.cmp.tag != CX_T_UNDEF && CX_STACK_LOW(X))
		return CX_EXCEPTION;
	c.fn = c.cmp.tag != CX_T_UNDEF ? cx_func_code(c.cmp) : NULL;
	sz = (size_t)len * 2 + 1;
	/* rooted: the comparator (or a toString) may drop the elements from the array */
	if (!(v = cx_vals__new(X, sz)))
		return CX_EXCEPTION;
	/* Present elements only; holes go to the end (deleted), undefined just before them. An
	 * array without holes is copied as it is (a hole may show a prototype's element). */
	if ((a = cx_arr__plain(o)) && !a->sparse && a->nelems == len) {
		for (n = 0; n < len && a->elems[n].tag != CX_T_EXC; n++)
			v[n] = a->elems[n];
		if (n < len)
			n = 0;
	}
	for (i = n; i < len; i++) {
		if (cx_arr__has_idx(X, o, i)) {
			v[n] = cx_get_idx(X, o, i);
			if (cx_is_exc(v[n]))
				goto fail;
			n++;
		}
	}
	c.strs = c.cmp.tag == CX_T_UNDEF;
	for (i = 0; i < n && c.strs; i++)
		c.strs = v[i].tag == CX_T_STR;
	cx_sort__merge(X, &c, v, v + len, n);
	if (c.err)
		goto fail;
	if (n == len && (a = cx_arr__plain(o)) && !a->sparse && a->nelems == len)
		memcpy(a->elems, v, n * sizeof(*v)); /* what the puts below would do */
	else {
		for (i = 0; i < n; i++)
			if (cx_is_exc(cx_put_idx(X, o, i, v[i])))
				goto fail;
		for (i = n; i < len; i++)
			if (cx_arr__del_idx(X, o, i))
				goto fail;
	}
	cx_vals__free(X, v, sz);
	return o;
fail:
	cx_vals__free(X, v, sz);
	return CX_EXCEPTION;
}

static cx_value cx_array_indexof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_);
	uint32_t len, i;
	double d = 0;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (argc > 1 && cx_to_num(X, argv[1], &d))
		return CX_EXCEPTION;
	for (i = cx_arr__rel(d, len); i < len; i++) {
		if (cx_arr__has_idx(X, o, i)) {
			cx_value e = cx_get_idx(X, o, i);
			if (cx_is_exc(e))
				return e;
			if (cx_op_seq(e, CX_ARG(0)).u.b)
				return cx_num(i);
		}
	}
	return cx_num(-1);
}

static cx_value cx_array_lastindexof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_);
	uint32_t len;
	int64_t i;
	double d;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (!len)
		return cx_num(-1);
	d = (double)len - 1;
	if (argc > 1 && cx_to_num(X, argv[1], &d))
		return CX_EXCEPTION;
	d = cx_to_integer_d(d);
	i = d >= len ? (int64_t)len - 1 : d < 0 ? (int64_t)(d + len) : (int64_t)d;
	for (; i >= 0; i--) {
		if (cx_arr__has_idx(X, o, (uint32_t)i)) {
			cx_value e = cx_get_idx(X, o, (uint32_t)i);
			if (cx_is_exc(e))
				return e;
			if (cx_op_seq(e, CX_ARG(0)).u.b)
				return cx_num((double)i);
		}
	}
	return cx_num(-1);
}

/* ES5 15.4.4.16-20: the callback methods. One walker serves forEach, map, filter, some and
 * every: holes are skipped, the length is read once, elements added during the walk are not
 * visited, and the callback gets (value, index, object). */
enum { CX_AW_EACH, CX_AW_MAP, CX_AW_FILTER, CX_AW_SOME, CX_AW_EVERY };

static cx_value cx_arr__walk(cx_ctx *X, cx_value this_, int argc, cx_value *argv, int kind, const char *name)
{
	cx_value o = cx_to_object(X, this_), fn = CX_ARG(0), res = CX_UNDEFINED;
	uint32_t len, i, n = 0;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (!cx_is_callable(fn))
		return cx_throw_error(X, "TypeError", "Array.prototype.%s: the callback is not a function", name);
	if (kind == CX_AW_MAP || kind == CX_AW_FILTER) {
		res = cx_arr_new(X, 0, NULL);
		if (cx_is_exc(res))
			return res;
		if (kind == CX_AW_MAP && len && cx_is_exc(cx_arr__set_length(X, res.u.o, len)))
			return CX_EXCEPTION;
	}
	for (i = 0; i < len; i++) {
		cx_value args[3], r;
		if (!cx_arr__has_idx(X, o, i))
			continue;
		args[0] = cx_get_idx(X, o, i);
		if (cx_is_exc(args[0]))
			return args[0];
		args[1] = cx_num(i);
		args[2] = o;
		r = cx_call(X, fn, CX_ARG(1), 3, args);
		if (cx_is_exc(r))
			return r;
		switch (kind) {
		case CX_AW_MAP:
			if (cx_is_exc(cx_arr__put(X, res.u.o, i, r)))
				return CX_EXCEPTION;
			break;
		case CX_AW_FILTER:
			if (cx_truthy(r) && cx_is_exc(cx_arr__put(X, res.u.o, n++, args[0])))
				return CX_EXCEPTION;
			break;
		case CX_AW_SOME:
			if (cx_truthy(r))
				return CX_TRUE;
			break;
		case CX_AW_EVERY:
			if (!cx_truthy(r))
				return CX_FALSE;
			break;
		default:
			break;
		}
	}
	return kind == CX_AW_SOME ? CX_FALSE : kind == CX_AW_EVERY ? CX_TRUE : res;
}

static cx_value cx_array_foreach(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__walk(X, this_, argc, argv, CX_AW_EACH, "forEach");
}

static cx_value cx_array_map(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__walk(X, this_, argc, argv, CX_AW_MAP, "map");
}

static cx_value cx_array_filter(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__walk(X, this_, argc, argv, CX_AW_FILTER, "filter");
}

static cx_value cx_array_some(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__walk(X, this_, argc, argv, CX_AW_SOME, "some");
}

static cx_value cx_array_every(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__walk(X, this_, argc, argv, CX_AW_EVERY, "every");
}

/* 15.4.4.21-22 reduce / reduceRight: without an initial value the first present element
 * starts the fold; an empty array then is a TypeError. */
static cx_value cx_arr__reduce(cx_ctx *X, cx_value this_, int argc, cx_value *argv, int right)
{
	cx_value o = cx_to_object(X, this_), fn = CX_ARG(0), acc = CX_UNDEFINED;
	uint32_t len, k;
	int have = argc >= 2;

	if (cx_is_exc(o) || cx_arr__len(X, o, &len))
		return CX_EXCEPTION;
	if (!cx_is_callable(fn))
		return cx_throw_error(X, "TypeError", "Array.prototype.%s: the callback is not a function",
				      right ? "reduceRight" : "reduce");
	if (have)
		acc = argv[1];
	for (k = 0; k < len; k++) {
		uint32_t i = right ? len - 1 - k : k;
		cx_value e, args[4];
		if (!cx_arr__has_idx(X, o, i))
			continue;
		e = cx_get_idx(X, o, i);
		if (cx_is_exc(e))
			return e;
		if (!have) {
			acc = e;
			have = 1;
			continue;
		}
		args[0] = acc, args[1] = e, args[2] = cx_num(i), args[3] = o;
		acc = cx_call(X, fn, CX_UNDEFINED, 4, args);
		if (cx_is_exc(acc))
			return acc;
	}
	if (!have)
		return cx_throw_error(X, "TypeError", "%s of an empty array with no initial value",
				      right ? "reduceRight" : "reduce");
	return acc;
}

static cx_value cx_array_reduce(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__reduce(X, this_, argc, argv, 0);
}

static cx_value cx_array_reduceright(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_arr__reduce(X, this_, argc, argv, 1);
}

static cx_value cx_array_isarray(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_bool(cx_obj_of(CX_ARG(0), CX_C_ARRAY) != NULL);
}

static cx_lazy cx_array_own[] = {
	CX_LAZY_FN("isArray", cx_array_isarray, 1),
	CX_LAZY_END
};
static cx_lazy cx_array_protom[] = {
	CX_LAZY_FN("toString", cx_array_tostring, 0),
	CX_LAZY_FN("toLocaleString", cx_array_tolocalestring, 0),
	CX_LAZY_FN("join", cx_array_join, 1),
	CX_LAZY_FN("push", cx_array_push, 1),
	CX_LAZY_FN("pop", cx_array_pop, 0),
	CX_LAZY_FN("shift", cx_array_shift, 0),
	CX_LAZY_FN("unshift", cx_array_unshift, 1),
	CX_LAZY_FN("slice", cx_array_slice, 2),
	CX_LAZY_FN("concat", cx_array_concat, 1),
	CX_LAZY_FN("reverse", cx_array_reverse, 0),
	CX_LAZY_FN("splice", cx_array_splice, 2),
	CX_LAZY_FN("sort", cx_array_sort, 1),
	CX_LAZY_FN("indexOf", cx_array_indexof, 1),
	CX_LAZY_FN("lastIndexOf", cx_array_lastindexof, 1),
	CX_LAZY_FN("forEach", cx_array_foreach, 1),
	CX_LAZY_FN("map", cx_array_map, 1),
	CX_LAZY_FN("filter", cx_array_filter, 1),
	CX_LAZY_FN("some", cx_array_some, 1),
	CX_LAZY_FN("every", cx_array_every, 1),
	CX_LAZY_FN("reduce", cx_array_reduce, 1),
	CX_LAZY_FN("reduceRight", cx_array_reduceright, 1),
	CX_LAZY_END
};
static cx_lazy cx_array_ctor = {CX_LAZY_NAME("Array"), cx_array_new, 1, CX_P_ARRAY, cx_array_new,
				cx_array_own, NULL};

int cx_lib_array(cx_ctx *X)
{
	(void)cx_s_empty;
	if (cx_lib_ctor(X, &cx_array_ctor) || cx_lazy_add(X, CX_PROTO(X, CX_P_ARRAY), cx_array_protom))
		return ENOMEM;
	return 0;
}
