/*
 * lib_base.c — the global object, Object, Function, Boolean and the Error family (ES3 15.1-15.6,
 * 15.11), and the start-up of the whole built-in library.
 */
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include "cx_priv.h"

CX_STR_DEF(cx_s_prototype, "prototype");
CX_STR_DEF(cx_s_constructor, "constructor");
CX_STR_DEF(cx_s_message, "message");
CX_STR_DEF(cx_s_name, "name");
CX_STR_DEF(cx_s_length, "length");
CX_STR_DEF(cx_s_empty, "");
/* Object.create's property descriptors */
CX_STR_DEF(cx_s_value, "value");
CX_STR_DEF(cx_s_writable, "writable");
CX_STR_DEF(cx_s_enumerable, "enumerable");
CX_STR_DEF(cx_s_configurable, "configurable");
CX_STR_DEF(cx_s_get, "get");
CX_STR_DEF(cx_s_set, "set");

#define CX_HIDDEN (CX_PROP_DONTENUM)
#define CX_FIXED (CX_PROP_DONTENUM | CX_PROP_READONLY | CX_PROP_DONTDELETE)

/* Section - Object (15.2) */

static const char *cx_lib__class(cx_obj *o)
{
	static const char *const names[] = {"Object", "Array", "Function", "Error", "Boolean",
		"Number", "String", "Date", "RegExp", "Object", "Math", "global"};
	return names[o->cls];
}

static cx_value cx_object_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value v = CX_ARG(0);

	if (v.tag == CX_T_UNDEF || v.tag == CX_T_NULL)
		return cx_obj_new(X);
	return cx_to_object(X, v);
}

/* ES5 additions to Object (15.2.3), each taking a primitive as node does (as an object; null and
 * undefined are a TypeError) */
static cx_value cx_object__arg(cx_ctx *X, int argc, cx_value *argv, const char *fn)
{
	cx_value o = CX_ARG(0);

	if (o.tag == CX_T_UNDEF || o.tag == CX_T_NULL)
		return cx_throw_error(X, "TypeError", "Object.%s called on %s", fn,
				      o.tag == CX_T_NULL ? "null" : "undefined");
	return o;
}

static cx_value cx_object_keys(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_object__arg(X, argc, argv, "keys");

	return cx_is_exc(o) ? o : cx_obj__keys(X, o);
}

static cx_value cx_object_getproto(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_object__arg(X, argc, argv, "getPrototypeOf");

	if (cx_is_exc(o) || cx_is_exc(o = cx_to_object(X, o)))
		return o;
	return o.u.o->proto ? cx_objv(o.u.o->proto) : CX_NULLV;
}

/* Object.create(proto[, properties]): properties' own enumerable keys are data descriptors
 * ({value, writable, enumerable, configurable}, each false when absent, as ES5 says); ES3
 * objects have no accessors, so a get or set is a TypeError that says so. */
static cx_value cx_object_create(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value p = CX_ARG(0), props = CX_ARG(1), keys, o;
	uint32_t i, n;
	cx_obj *r;

	if (p.tag != CX_T_OBJ && p.tag != CX_T_NULL)
		return cx_throw_error(X, "TypeError", "Object.create: the prototype must be an object or null");
	if (!(r = cx_obj__new(X, CX_C_OBJECT, p.tag == CX_T_OBJ ? p.u.o : NULL)))
		return CX_EXCEPTION;
	o = cx_objv(r);
	if (props.tag == CX_T_UNDEF)
		return o;
	if (props.tag == CX_T_NULL)
		return cx_throw_error(X, "TypeError", "Object.create: properties is null");
	if (cx_is_exc(keys = cx_obj__keys(X, props)))
		return keys;
	n = cx_arr_length(X, keys);
	for (i = 0; i < n; i++) {
		cx_value k = cx_get_idx(X, keys, i), d, v;
		int flags = 0;
		if (cx_is_exc(k) || cx_is_exc(d = cx_get(X, props, k)))
			return CX_EXCEPTION;
		if (d.tag != CX_T_OBJ)
			return cx_throw_error(X, "TypeError", "Object.create: the descriptor of a property is not an object");
		if (cx_has_s(X, d, CX_STR_REF(cx_s_get)) || cx_has_s(X, d, CX_STR_REF(cx_s_set)))
			return cx_throw_error(X, "TypeError", "Object.create: get and set are not supported (ES3 objects have no accessors)");
		if (cx_is_exc(v = cx_get_s(X, d, CX_STR_REF(cx_s_writable))))
			return v;
		flags |= cx_truthy(v) ? 0 : CX_PROP_READONLY;
		if (cx_is_exc(v = cx_get_s(X, d, CX_STR_REF(cx_s_enumerable))))
			return v;
		flags |= cx_truthy(v) ? 0 : CX_PROP_DONTENUM;
		if (cx_is_exc(v = cx_get_s(X, d, CX_STR_REF(cx_s_configurable))))
			return v;
		flags |= cx_truthy(v) ? 0 : CX_PROP_DONTDELETE;
		if (cx_is_exc(v = cx_get_s(X, d, CX_STR_REF(cx_s_value))))
			return v;
		if (cx_define(X, o, k.u.s, v, flags))
			return CX_EXCEPTION;
	}
	return o;
}

static cx_value cx_object_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_);

	if (cx_is_exc(o)) /* ES3 has no undefined this: the caller's global object */
		o = cx_global(X), X->exc = CX_UNDEFINED;
	return cx_str_printf(X, "[object %s]", cx_lib__class(o.u.o));
}

static cx_value cx_object_tolocale(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	static struct cx_str_static k = {CX_STR_STATIC_MARK, 8, 0, 0, "toString"};
	return cx_call_method(X, this_, CX_STR_REF(k), 0, NULL);
}

static cx_value cx_object_valueof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_to_object(X, this_);
}

static cx_value cx_object_hasown(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), v;
	cx_str *k;
	int r;

	if (cx_is_exc(o) || !(k = cx_to_str(X, CX_ARG(0))))
		return CX_EXCEPTION;
	r = cx_obj__get_own(X, o.u.o, k, &v);
	return r < 0 ? CX_EXCEPTION : cx_bool(r);
}

static cx_value cx_object_isproto(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value v = CX_ARG(0);
	cx_obj *o;

	if (v.tag != CX_T_OBJ || this_.tag != CX_T_OBJ)
		return CX_FALSE;
	for (o = v.u.o->proto; o; o = o->proto)
		if (o == this_.u.o)
			return CX_TRUE;
	return CX_FALSE;
}

static cx_value cx_object_propenum(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), v;
	cx_prop *p;
	cx_str *k;
	int r;

	if (cx_is_exc(o) || !(k = cx_to_str(X, CX_ARG(0))))
		return CX_EXCEPTION;
	if ((p = cx_obj__find(o.u.o, k)))
		return cx_bool(!(p->flags & CX_PROP_DONTENUM));
	r = cx_obj__get_own(X, o.u.o, k, &v);
	if (r < 0)
		return CX_EXCEPTION;
	/* Virtual own properties: array elements and string characters are enumerable. */
	return cx_bool(r && !cx_str_eq(k, CX_STR_REF(cx_s_length)));
}

/* Section - Function (15.3) */

static cx_value cx_function_proto(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return CX_UNDEFINED;
}

static cx_value cx_function_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_throw_error(X, "EvalError", "the Function constructor is not supported "
			      "(ECMAScript is compiled ahead of time; there is no eval)");
}

static cx_value cx_function_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *n;
	const char *s;

	if (!cx_is_callable(this_))
		return cx_throw_error(X, "TypeError", "Function.prototype.toString called on a non-function");
	n = this_.u.o->prim.tag == CX_T_STR ? this_.u.o->prim.u.s : CX_STR_REF(cx_s_empty);
	s = cx_str_to_utf8(X, n, NULL);
	if (!s)
		return CX_EXCEPTION;
	return cx_str_printf(X, "function %s() {\n    [native code]\n}", s);
}

static cx_value cx_function_fcall(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	if (!cx_is_callable(this_))
		return cx_throw_error(X, "TypeError", "Function.prototype.call called on a non-function");
	return cx_call(X, this_, CX_ARG(0), argc > 1 ? argc - 1 : 0, argc > 1 ? argv + 1 : NULL);
}

static cx_value cx_function_apply(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value a = CX_ARG(1), r, *args, len;
	uint32_t n, i;

	if (!cx_is_callable(this_))
		return cx_throw_error(X, "TypeError", "Function.prototype.apply called on a non-function");
	if (a.tag == CX_T_UNDEF || a.tag == CX_T_NULL)
		return cx_call(X, this_, CX_ARG(0), 0, NULL);
	if (a.tag != CX_T_OBJ || (a.u.o->cls != CX_C_ARRAY && a.u.o->cls != CX_C_ARGUMENTS))
		return cx_throw_error(X, "TypeError", "second argument to apply must be an array");
	len = cx_get_s(X, a, CX_STR_REF(cx_s_length));
	if (cx_is_exc(len))
		return len;
	n = len.tag == CX_T_NUM ? cx_dtou32(len.u.n) : 0;
	if (n > 65536)
		return cx_throw_error(X, "RangeError", "too many arguments to apply");
	/* rooted: the callee may change the array, and a safe point may collect */
	if (!(args = cx_vals__new(X, n)))
		return CX_EXCEPTION;
	for (i = 0; i < n; i++) {
		args[i] = cx_get_idx(X, a, i);
		if (cx_is_exc(args[i])) {
			cx_vals__free(X, args, n);
			return CX_EXCEPTION;
		}
	}
	r = cx_call(X, this_, CX_ARG(0), (int)n, args);
	cx_vals__free(X, args, n);
	return r;
}

/* Function.prototype.bind (ES5 15.3.4.5): a function whose environment holds the target, the
 * this value and the leading arguments; calling it calls the target with them, `new` on it
 * constructs the target, instanceof asks the target (ops.c), and it has no prototype. */
static cx_value cx_function__bound_run(cx_ctx *X, cx_value self, int argc, cx_value *argv, int cons)
{
	cx_env *e = cx_func_env(self);
	uint32_t nb = e->n - 2, n = nb + (uint32_t)argc, i;
	cx_value r, *all;

	if (!nb)
		return cons ? cx_new(X, e->v[0], argc, argv) : cx_call(X, e->v[0], e->v[1], argc, argv);
	if (n > 65536)
		return cx_throw_error(X, "RangeError", "too many arguments to a bound function");
	if (!(all = cx_vals__new(X, n))) /* rooted: a safe point of the callee may collect */
		return CX_EXCEPTION;
	for (i = 0; i < nb; i++)
		all[i] = e->v[2 + i];
	for (i = 0; i < (uint32_t)argc; i++)
		all[nb + i] = argv[i];
	r = cons ? cx_new(X, e->v[0], (int)n, all) : cx_call(X, e->v[0], e->v[1], (int)n, all);
	cx_vals__free(X, all, n);
	return r;
}

static cx_value cx_function__bound(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_function__bound_run(X, self, argc, argv, 0);
}

static cx_value cx_function__bound_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_function__bound_run(X, self, argc, argv, 1);
}

cx_value cx_func__unbound(cx_value f)
{
	while (f.tag == CX_T_OBJ && f.u.o->fn == cx_function__bound && f.u.o->env)
		f = f.u.o->env->v[0];
	return f;
}

static cx_value cx_function_bind(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	uint32_t nb = argc > 1 ? (uint32_t)argc - 1 : 0, i;
	cx_value len, f;
	const char *name = NULL;
	char buf[128];
	double n = 0;
	cx_env *e;

	if (!cx_is_callable(this_))
		return cx_throw_error(X, "TypeError", "Function.prototype.bind called on a non-function");
	len = cx_get_s(X, this_, CX_STR_REF(cx_s_length));
	if (cx_is_exc(len))
		return len;
	if (len.tag == CX_T_NUM && len.u.n > nb)
		n = len.u.n - nb;
	if (!(e = cx_env_new(X, NULL, 2 + nb)))
		return CX_EXCEPTION;
	e->v[0] = this_;
	e->v[1] = CX_ARG(0);
	for (i = 0; i < nb; i++)
		e->v[2 + i] = argv[1 + i];
	if (this_.u.o->prim.tag == CX_T_STR && (name = cx_str_to_utf8(X, this_.u.o->prim.u.s, NULL)))
		snprintf(buf, sizeof(buf), "bound %s", name);
	f = cx_func_new(X, cx_function__bound, name ? buf : "bound", n > 65536 ? 65536 : (int)n, e);
	if (cx_is_exc(f))
		return f;
	f.u.o->cons = cx_function__bound_new;
	cx_obj__drop(f.u.o, CX_STR_REF(cx_s_prototype));
	return f;
}

/* Section - Boolean (15.6) */

static cx_value cx_boolean_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_bool(cx_truthy(CX_ARG(0)));
}

static cx_value cx_boolean_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_to_object(X, cx_bool(cx_truthy(CX_ARG(0))));
}

static int cx_lib__this_bool(cx_ctx *X, cx_value this_, int *b)
{
	cx_obj *o = cx_obj_of(this_, CX_C_BOOLEAN);

	if (this_.tag == CX_T_BOOL)
		return *b = this_.u.b, 0;
	if (o)
		return *b = o->prim.u.b, 0;
	cx_throw_error(X, "TypeError", "Boolean.prototype method called on a non-boolean");
	return -1;
}

static cx_value cx_boolean_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	int b;
	return cx_lib__this_bool(X, this_, &b) ? CX_EXCEPTION : cx_to_string(X, cx_bool(b));
}

static cx_value cx_boolean_valueof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	int b;
	return cx_lib__this_bool(X, this_, &b) ? CX_EXCEPTION : cx_bool(b);
}

/* Section - Error (15.11) */

static cx_value cx_error_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value proto = cx_get_s(X, self, CX_STR_REF(cx_s_prototype));
	cx_obj *e;
	cx_str *m;

	if (cx_is_exc(proto))
		return proto;
	e = cx_obj__new(X, CX_C_ERROR, proto.tag == CX_T_OBJ ? proto.u.o : CX_PROTO(X, CX_P_ERROR));
	if (!e)
		return CX_EXCEPTION;
	if (CX_ARG(0).tag != CX_T_UNDEF) {
		if (!(m = cx_to_str(X, argv[0])) ||
		    cx_obj__set(X, e, CX_STR_REF(cx_s_message), cx_strv(m), CX_HIDDEN))
			return CX_EXCEPTION;
	}
	return cx_objv(e);
}

static cx_value cx_error_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value n, m;
	cx_str *ns, *ms;
	cx_sb sb = {0};

	if (this_.tag != CX_T_OBJ)
		return cx_throw_error(X, "TypeError", "Error.prototype.toString called on a non-object");
	n = cx_get_s(X, this_, CX_STR_REF(cx_s_name));
	if (cx_is_exc(n))
		return n;
	m = cx_get_s(X, this_, CX_STR_REF(cx_s_message));
	if (cx_is_exc(m))
		return m;
	if (!(ns = cx_to_str(X, n.tag == CX_T_UNDEF ? cx_strv(cx_str__ascii(X, "Error")) : n)) ||
	    !(ms = cx_to_str(X, m.tag == CX_T_UNDEF ? cx_strv(CX_STR_REF(cx_s_empty)) : m)))
		return CX_EXCEPTION;
	if (!ms->len)
		return cx_strv(ns);
	cx_sb_str(&sb, ns);
	cx_sb_ascii(&sb, ": ");
	cx_sb_str(&sb, ms);
	return cx_sb_finish(X, &sb);
}

/* Section - Set-up */

CX_STR_DEF(cx_s_nan, "NaN");
CX_STR_DEF(cx_s_infinity, "Infinity");
CX_STR_DEF(cx_s_undefined, "undefined");

static cx_lazy cx_object_protom[] = {
	CX_LAZY_FN("toString", cx_object_tostring, 0),
	CX_LAZY_FN("toLocaleString", cx_object_tolocale, 0),
	CX_LAZY_FN("valueOf", cx_object_valueof, 0),
	CX_LAZY_FN("hasOwnProperty", cx_object_hasown, 1),
	CX_LAZY_FN("isPrototypeOf", cx_object_isproto, 1),
	CX_LAZY_FN("propertyIsEnumerable", cx_object_propenum, 1),
	CX_LAZY_END
};
static cx_lazy cx_function_protom[] = {
	CX_LAZY_FN("toString", cx_function_tostring, 0),
	CX_LAZY_FN("call", cx_function_fcall, 1),
	CX_LAZY_FN("apply", cx_function_apply, 2),
	CX_LAZY_FN("bind", cx_function_bind, 1),
	CX_LAZY_END
};
static cx_lazy cx_boolean_protom[] = {
	CX_LAZY_FN("toString", cx_boolean_tostring, 0),
	CX_LAZY_FN("valueOf", cx_boolean_valueof, 0),
	CX_LAZY_END
};
static cx_lazy cx_error_protom[] = {
	CX_LAZY_FN("toString", cx_error_tostring, 0),
	CX_LAZY_END
};

static cx_lazy cx_object_own[] = {
	CX_LAZY_FN("keys", cx_object_keys, 1),
	CX_LAZY_FN("create", cx_object_create, 2),
	CX_LAZY_FN("getPrototypeOf", cx_object_getproto, 1),
	CX_LAZY_END
};

#define CX_CTOR(n, call, cons, len, pid) {CX_LAZY_NAME(n), call, len, pid, cons, NULL, NULL}
static cx_lazy cx_base_ctors[] = {
	{CX_LAZY_NAME("Object"), cx_object_call, 1, CX_P_OBJECT, cx_object_call, cx_object_own, NULL},
	CX_CTOR("Function", cx_function_call, cx_function_call, 1, CX_P_FUNCTION),
	CX_CTOR("Boolean", cx_boolean_call, cx_boolean_new, 1, CX_P_BOOLEAN),
	/* the Error family: same order as CX_P_ERROR.. */
	CX_CTOR("Error", cx_error_new, cx_error_new, 1, CX_P_ERROR),
	CX_CTOR("TypeError", cx_error_new, cx_error_new, 1, CX_P_TYPEERROR),
	CX_CTOR("ReferenceError", cx_error_new, cx_error_new, 1, CX_P_REFERENCEERROR),
	CX_CTOR("RangeError", cx_error_new, cx_error_new, 1, CX_P_RANGEERROR),
	CX_CTOR("SyntaxError", cx_error_new, cx_error_new, 1, CX_P_SYNTAXERROR),
	CX_CTOR("EvalError", cx_error_new, cx_error_new, 1, CX_P_EVALERROR),
	CX_CTOR("URIError", cx_error_new, cx_error_new, 1, CX_P_URIERROR),
	CX_LAZY_END
};

/* A lazy constructor: the global of its name and, when it has a prototype, the prototype's
 * constructor (both slots build the same object, kept in heap->lazy). */
int cx_lib_ctor(cx_ctx *X, cx_lazy *d)
{
	if (cx_lazy_slot(X, X->heap->global, CX_STR_REF(d->name), d))
		return ENOMEM;
	if (d->lid >= 0 && d->lid < CX_P__COUNT &&
	    cx_lazy_slot(X, CX_PROTO(X, d->lid), CX_STR_REF(cx_s_constructor), d))
		return ENOMEM;
	return 0;
}

static int cx_lib__proto(cx_ctx *X, int pid, int cls, cx_obj *proto)
{
	cx_obj *p = cx_obj__new(X, cls, proto);

	if (!p)
		return ENOMEM;
	X->heap->protos[pid] = p;
	return 0;
}

/* Only the prototypes (which the runtime needs for every object it makes) and the global object
 * are built here; everything else is a lazy slot (cx_lazy in cx_priv.h) built on first read.
 * Keys and names are static strings: an idle session's heap holds a few KB of slots. */
int cx_lib_init(cx_ctx *X)
{
	struct cx_heap *h = X->heap;
	cx_obj *op, *fp, *g;
	int i, err;

	if ((err = cx_lib__proto(X, CX_P_OBJECT, CX_C_OBJECT, NULL)))
		return err;
	op = h->protos[CX_P_OBJECT];
	if ((err = cx_lib__proto(X, CX_P_FUNCTION, CX_C_FUNCTION, op)))
		return err;
	fp = h->protos[CX_P_FUNCTION];
	fp->fn = cx_function_proto;
	fp->prim = cx_strv(CX_STR_REF(cx_s_empty));
	if (cx_obj__set(X, fp, CX_STR_REF(cx_s_length), cx_num(0), CX_FIXED))
		return ENOMEM;
	if ((err = cx_lib__proto(X, CX_P_ARRAY, CX_C_ARRAY, op)) ||
	    (err = cx_lib__proto(X, CX_P_STRING, CX_C_STRING, op)) ||
	    (err = cx_lib__proto(X, CX_P_NUMBER, CX_C_NUMBER, op)) ||
	    (err = cx_lib__proto(X, CX_P_BOOLEAN, CX_C_BOOLEAN, op)) ||
	    (err = cx_lib__proto(X, CX_P_DATE, CX_C_OBJECT, op)) ||
	    (err = cx_lib__proto(X, CX_P_REGEXP, CX_C_OBJECT, op)) ||
	    (err = cx_lib__proto(X, CX_P_ERROR, CX_C_OBJECT, op)))
		return err;
	h->protos[CX_P_STRING]->prim = cx_strv(CX_STR_REF(cx_s_empty));
	h->protos[CX_P_NUMBER]->prim = cx_num(0);
	h->protos[CX_P_BOOLEAN]->prim = CX_FALSE;
	for (i = 1; i < 7; i++)
		if ((err = cx_lib__proto(X, CX_P_ERROR + i, CX_C_OBJECT, h->protos[CX_P_ERROR])))
			return err;
	if (!(g = h->global = cx_obj__new(X, CX_C_GLOBAL, op)))
		return ENOMEM;

	if (cx_obj__set(X, g, CX_STR_REF(cx_s_nan), cx_num(NAN), CX_PROP_DONTENUM | CX_PROP_DONTDELETE) ||
	    cx_obj__set(X, g, CX_STR_REF(cx_s_infinity), cx_num(INFINITY),
			CX_PROP_DONTENUM | CX_PROP_DONTDELETE) ||
	    cx_obj__set(X, g, CX_STR_REF(cx_s_undefined), CX_UNDEFINED,
			CX_PROP_DONTENUM | CX_PROP_DONTDELETE))
		return ENOMEM;

	for (i = 0; cx_base_ctors[i].name.len; i++)
		if ((err = cx_lib_ctor(X, &cx_base_ctors[i])))
			return err;
	if ((err = cx_lazy_add(X, op, cx_object_protom)) ||
	    (err = cx_lazy_add(X, fp, cx_function_protom)) ||
	    (err = cx_lazy_add(X, h->protos[CX_P_BOOLEAN], cx_boolean_protom)))
		return err;
	for (i = 0; i < 7; i++) {
		cx_obj *p = h->protos[CX_P_ERROR + i];
		cx_value n = cx_strv(CX_STR_REF(cx_base_ctors[3 + i].name));
		if (cx_obj__set(X, p, CX_STR_REF(cx_s_name), n, CX_HIDDEN) ||
		    cx_obj__set(X, p, CX_STR_REF(cx_s_message), cx_strv(CX_STR_REF(cx_s_empty)), CX_HIDDEN))
			return ENOMEM;
	}
	if ((err = cx_lazy_add(X, h->protos[CX_P_ERROR], cx_error_protom)))
		return err;

	if ((err = cx_lib_array(X)) || (err = cx_lib_string(X)) || (err = cx_lib_number(X)) ||
	    (err = cx_lib_global(X)) || (err = cx_lib_regexp(X)) ||
	    (err = cx_lib_date(X)) || (err = cx_lib_json(X)))
		return err;
	return 0;
}
