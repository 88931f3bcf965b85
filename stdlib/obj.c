/*
 * obj.c — objects, property maps, arrays, functions and calls, exceptions.
 *
 * A property map keeps its properties in insertion order (what for-in shows); small maps are
 * searched linearly, bigger ones through an open-addressing index. Arrays keep their elements
 * in a dense vector; an index far beyond it goes to the property map as a string key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include "cx_priv.h"

CX_STR_DEF(cx_s_length, "length");
CX_STR_DEF(cx_s_prototype, "prototype");
CX_STR_DEF(cx_s_constructor, "constructor");
CX_STR_DEF(cx_s_message, "message");
CX_STR_DEF(cx_s_name, "name");
CX_STR_DEF(cx_s_callee, "callee");

#define CX_SMALL 8
#define CX_HOLE ((cx_value){.u.n = 0, .tag = CX_T_EXC})

cx_obj *cx_obj__new(cx_ctx *X, int cls, cx_obj *proto)
{
	cx_obj *o = cx_heap__alloc(X, CX_K_OBJ, sizeof(*o));

	if (!o)
		return NULL;
	o->cls = (uint8_t)cls;
	o->proto = proto;
	return o;
}

cx_value cx_obj_new(cx_ctx *X)
{
	cx_obj *o = cx_obj__new(X, CX_C_OBJECT, CX_PROTO(X, CX_P_OBJECT));

	return o ? cx_objv(o) : CX_EXCEPTION;
}

/* Section - Property maps */

static void cx_obj__reindex(cx_obj *o)
{
	uint32_t i, mask = o->icap - 1;

	memset(o->idx, 0, o->icap * sizeof(uint32_t));
	for (i = 0; i < o->nprops; i++) {
		uint32_t h;
		if (!o->props[i].key)
			continue;
		h = cx_str__hash(o->props[i].key) & mask;
		while (o->idx[h])
			h = (h + 1) & mask;
		o->idx[h] = i + 1;
	}
}

cx_prop *cx_obj__find(cx_obj *o, cx_str *key)
{
	uint32_t i;

	if (!o->icap) {
		/* Keys of the same literal are usually the same pointer (generated code defines
		 * each name once); otherwise every stored key has its hash (cx_obj__append), so
		 * comparing hashes rejects almost every other key without touching characters. */
		uint32_t h;
		if (!o->nprops)
			return NULL;
		h = key->hash ? key->hash : cx_str__hash(key);
		for (i = 0; i < o->nprops; i++) {
			cx_str *k = o->props[i].key;
			if (k == key || (k && k->hash == h && cx_str_eq(k, key)))
				return &o->props[i];
		}
		return NULL;
	}
	{
		uint32_t mask = o->icap - 1, h = cx_str__hash(key) & mask;
		for (; o->idx[h]; h = (h + 1) & mask) {
			cx_prop *p = &o->props[o->idx[h] - 1];
			if (p->key && cx_str_eq(p->key, key))
				return p;
		}
	}
	return NULL;
}

/* Appends a new property (the key must not be present). */
static cx_prop *cx_obj__append(cx_ctx *X, cx_obj *o, cx_str *key)
{
	cx_prop *p;

	/* a cons key: the table keeps and hashes a flat string, not the cons's parts */
	if (CX_OBJ_OWN(X, o) || !(key = cx_str__flat(X, key)))
		return NULL;
	cx_ic__touch(o);
	if (o->nprops == o->pcap) {
		if (o->nlive < o->nprops / 2 && o->nprops >= CX_SMALL) {
			/* Many deleted slots: compact instead of growing, order preserved. */
			uint32_t i, j = 0;
			for (i = 0; i < o->nprops; i++)
				if (o->props[i].key)
					o->props[j++] = o->props[i];
			o->nprops = j;
		}
		else if (o->inl) {
			/* the room in the object's block is full: the table moves out of it */
			uint32_t nc = o->pcap < 2 ? 4 : o->pcap * 2;
			cx_prop *np = cx_mem__alloc(X, nc * sizeof(cx_prop));
			if (!np)
				return NULL;
			memcpy(np, o->props, o->nprops * sizeof(cx_prop));
			o->props = np;
			o->pcap = nc;
			o->inl = 0;
		}
		else {
			uint32_t nc = o->pcap ? o->pcap * 2 : 4;
			cx_prop *np = cx_mem__realloc(X, o->props, o->pcap * sizeof(cx_prop),
						      nc * sizeof(cx_prop));
			if (!np)
				return NULL;
			o->props = np;
			o->pcap = nc;
		}
		if (o->pcap > CX_SMALL) {
			uint32_t ic = 2 * CX_SMALL; /* a power of two (a frozen table may be any size) */
			while (ic < o->pcap * 2)
				ic *= 2;
			if (ic != o->icap) {
				uint32_t *ni = cx_mem__realloc(X, o->idx, o->icap * sizeof(uint32_t),
							       ic * sizeof(uint32_t));
				if (!ni)
					return NULL;
				o->idx = ni;
				o->icap = ic;
			}
			cx_obj__reindex(o);
		}
	}
	(void)cx_str__hash(key); /* cached in the key: cx_obj__find relies on it */
	p = &o->props[o->nprops++];
	p->key = key;
	cx_heap__wb(X, o, cx_strv(key));
	p->val = CX_UNDEFINED;
	p->flags = 0;
	o->nlive++;
	if (o->icap) {
		uint32_t mask = o->icap - 1, h = cx_str__hash(key) & mask;
		while (o->idx[h])
			h = (h + 1) & mask;
		o->idx[h] = o->nprops;
	}
	return p;
}

static void cx_obj__remove(cx_obj *o, cx_prop *p)
{
	cx_ic__touch(o);
	p->key = NULL;
	p->val = CX_UNDEFINED;
	p->flags = 0;
	o->nlive--;
	if (o->icap)
		cx_obj__reindex(o); /* deletions are rare; keeps probing simple */
}

void cx_obj__drop(cx_obj *o, cx_str *key)
{
	cx_prop *p = cx_obj__find(o, key);

	if (p && !o->shared)
		cx_obj__remove(o, p);
}

int cx_obj__unshare(cx_ctx *X, cx_obj *o)
{
	struct cx_heap *h = X->heap;
	size_t lim = h->limit, np = (size_t)o->pcap * sizeof(cx_prop), ni = (size_t)o->icap * sizeof(uint32_t);
	cx_prop *props;
	uint32_t *idx = NULL;

	h->limit = (size_t)-1 / 2;
	props = cx_mem__alloc(X, np);
	if (props && ni && !(idx = cx_mem__alloc(X, ni))) {
		cx_mem__free(X, props, np);
		props = NULL;
	}
	h->limit = lim;
	if (!props)
		return ENOMEM;
	memcpy(props, o->props, np);
	if (ni)
		memcpy(idx, o->idx, ni);
	o->props = props;
	o->idx = idx;
	o->shared = 0;
	o->inl = 0; /* the table is the heap's now, wherever the template's was */
	return 0;
}

/* Section - Arrays */

static int cx_arr__grow(cx_ctx *X, cx_obj *a, uint32_t need)
{
	uint32_t nc;
	cx_value *ne;

	if (need <= a->ecap)
		return 0;
	nc = a->ecap ? a->ecap : 8;
	while (nc < need)
		nc = nc > 0x7fffffff ? need : nc * 2;
	ne = cx_mem__realloc(X, a->elems, a->ecap * sizeof(cx_value), (size_t)nc * sizeof(cx_value));
	if (!ne)
		return ENOMEM;
	a->elems = ne;
	a->ecap = nc;
	return 0;
}

int cx_arr__append(cx_ctx *X, cx_obj *a, const cx_value *v, uint32_t n)
{
	uint32_t i;

	if (a->sparse || a->nelems != a->length || (uint64_t)a->length + n >= 4294967295u)
		return EINVAL;
	if (cx_arr__grow(X, a, a->nelems + n))
		return ENOMEM;
	for (i = 0; i < n; i++) {
		cx_heap__wb(X, a, v[i]);
		a->elems[a->nelems + i] = v[i];
	}
	a->nelems += n;
	a->length = a->nelems;
	return 0;
}

cx_value cx_arr__get(cx_ctx *X, cx_obj *a, uint32_t i)
{
	cx_str *k;
	cx_prop *p;

	if (i < a->nelems && a->elems[i].tag != CX_T_EXC)
		return a->elems[i];
	if (a->sparse && i >= a->nelems) {
		if (!(k = cx_str__from_index(X, i)))
			return CX_EXCEPTION;
		if ((p = cx_obj__find(a, k)))
			return p->val;
	}
	return CX_UNDEFINED;
}

int cx_arr__has(cx_ctx *X, cx_obj *a, uint32_t i)
{
	cx_str *k;

	if (i < a->nelems)
		return a->elems[i].tag != CX_T_EXC;
	if (!a->sparse || !(k = cx_str__from_index(X, i)))
		return 0;
	return cx_obj__find(a, k) != NULL;
}

cx_value cx_arr__put(cx_ctx *X, cx_obj *a, uint32_t i, cx_value v)
{
	cx_heap__wb(X, a, v);
	if (i < a->nelems) {
		a->elems[i] = v;
		return v;
	}
	/* Extend the dense part when the index is near its end (and no sparse index could
	 * fall inside the extension). */
	if (!a->sparse && i <= (uint64_t)a->nelems * 2 + 64) {
		uint32_t j;
		if (cx_arr__grow(X, a, i + 1))
			return CX_EXCEPTION;
		for (j = a->nelems; j < i; j++)
			a->elems[j] = CX_HOLE;
		a->elems[i] = v;
		a->nelems = i + 1;
	}
	else {
		cx_str *k = cx_str__from_index(X, i);
		cx_prop *p;
		if (!k || CX_OBJ_OWN(X, a))
			return CX_EXCEPTION;
		if (!(p = cx_obj__find(a, k)) && !(p = cx_obj__append(X, a, k)))
			return CX_EXCEPTION;
		p->val = v;
		a->sparse = 1;
	}
	if (i >= a->length)
		a->length = i + 1;
	return v;
}

int cx_arr__delete(cx_ctx *X, cx_obj *a, uint32_t i)
{
	cx_str *k;
	cx_prop *p;

	if (i < a->nelems) {
		a->elems[i] = CX_HOLE;
		return 1;
	}
	if (a->sparse && (k = cx_str__from_index(X, i)) && (p = cx_obj__find(a, k)) &&
	    !CX_OBJ_OWN(X, a) && (p = cx_obj__find(a, k)))
		cx_obj__remove(a, p);
	return 1;
}

cx_value cx_arr__set_length(cx_ctx *X, cx_obj *a, uint32_t len)
{
	uint32_t i, k;

	if (len < a->nelems)
		a->nelems = len;
	if (a->sparse && len < a->length && !CX_OBJ_OWN(X, a)) {
		for (i = 0; i < a->nprops; i++)
			if (a->props[i].key && cx_str__array_index(a->props[i].key, &k) && k >= len)
				cx_obj__remove(a, &a->props[i]);
	}
	a->length = len;
	return cx_num(len);
}

cx_value cx_arr_new(cx_ctx *X, uint32_t n, const cx_value *elems)
{
	cx_obj *a = cx_obj__new(X, CX_C_ARRAY, CX_PROTO(X, CX_P_ARRAY));
	uint32_t i;

	if (!a)
		return CX_EXCEPTION;
	if (elems && n) {
		if (cx_arr__grow(X, a, n))
			return CX_EXCEPTION;
		for (i = 0; i < n; i++) {
			cx_heap__wb(X, a, elems[i]);
			a->elems[i] = elems[i];
		}
		a->nelems = n;
	}
	a->length = n;
	return cx_objv(a);
}

uint32_t cx_arr_length(cx_ctx *X, cx_value arr)
{
	cx_obj *a = cx_obj_of(arr, CX_C_ARRAY);

	return a ? a->length : 0;
}

/* Section - Lazy built-ins */

int cx_lazy_slot(cx_ctx *X, cx_obj *on, cx_str *key, cx_lazy *d)
{
	cx_prop *p;

	if (cx_obj__set(X, on, key, CX_UNDEFINED, CX_PROP_DONTENUM))
		return ENOMEM;
	p = cx_obj__find(on, key);
	p->val.u.p = d; /* tag stays UNDEF: nothing for the collector to follow */
	p->flags |= CX_PROP__LAZY;
	return 0;
}

/* A compiled function's own `prototype` (13.2: a new object whose `constructor` is the
 * function) is made when it is first read, by `new`, `instanceof` or a script: most functions
 * are only called, and a closure made in a loop cost a second object (and its property table)
 * each time. Its slot is lazy like a built-in's, with this marker for a descriptor; writing or
 * deleting the slot first means it is never made. */
static cx_lazy cx_lazy__fnproto;

static cx_prop *cx_lazy__proto(cx_ctx *X, cx_obj *f, cx_prop *p)
{
	cx_str *key = p->key;
	cx_value proto = cx_obj_new(X);

	if (cx_is_exc(proto) ||
	    cx_obj__set(X, proto.u.o, CX_STR_REF(cx_s_constructor), cx_objv(f), CX_PROP_DONTENUM) ||
	    CX_OBJ_OWN(X, f) || !(p = cx_obj__find(f, key)))
		return NULL;
	cx_heap__wb(X, f, proto);
	p->val = proto;
	p->flags &= ~CX_PROP__LAZY;
	return p;
}

int cx_lazy_add(cx_ctx *X, cx_obj *on, cx_lazy *tab)
{
	for (; tab && tab->name.len; tab++)
		if (cx_lazy_slot(X, on, CX_STR_REF(tab->name), tab))
			return ENOMEM;
	return 0;
}

static cx_obj *cx_lazy__build(cx_ctx *X, cx_lazy *d)
{
	struct cx_heap *h = X->heap;
	cx_obj *o;

	if (d->lid >= 0 && h->lazy[d->lid])
		return h->lazy[d->lid];
	if (d->fn)
		o = cx_func__rawk(X, d->fn, CX_STR_REF(d->name), d->length, NULL);
	else
		o = cx_obj__new(X, CX_C_OBJECT, CX_PROTO(X, CX_P_OBJECT));
	if (!o)
		return NULL;
	o->cons = d->cons;
	if (d->lid >= 0 && d->lid < CX_P__COUNT &&
	    cx_obj__set(X, o, CX_STR_REF(cx_s_prototype), cx_objv(CX_PROTO(X, d->lid)),
			CX_PROP_READONLY | CX_PROP_DONTENUM | CX_PROP_DONTDELETE))
		return NULL;
	if (cx_lazy_add(X, o, d->own) || (d->init && d->init(X, o)))
		return NULL;
	if (d->lid >= 0)
		h->lazy[d->lid] = o;
	return o;
}

/* Builds the built-in a lazy slot of o points at and stores it there; the slot again or NULL
 * with an exception pending. Built-ins were free before they were lazy, so they are built
 * with the heap limit lifted (all of them together are a few tens of KB): a script near its
 * limit does not start failing because it touched Math for the first time. */
static cx_prop *cx_lazy__fill(cx_ctx *X, cx_obj *o, cx_prop *p)
{
	struct cx_heap *h = X->heap;
	size_t lim = h->limit;
	cx_str *key = p->key;
	cx_obj *f;

	if (p->val.u.p == &cx_lazy__fnproto) /* a script's object: in its heap, under its limit */
		return cx_lazy__proto(X, o, p);
	h->limit = (size_t)-1 / 2;
	h->perm_mode++; /* a built-in: in the built-in region too (heap.c) */
	f = cx_lazy__build(X, (cx_lazy *)p->val.u.p);
	h->perm_mode--;
	h->limit = lim;
	if (!f)
		return NULL;
	/* Building touches only new objects, but finding the slot again costs little (and the
	 * slot moves if o's table was the shared one). */
	if (CX_OBJ_OWN(X, o) || !(p = cx_obj__find(o, key)))
		return NULL;
	cx_heap__wb(X, o, cx_objv(f));
	p->val = cx_objv(f);
	p->flags &= ~CX_PROP__LAZY;
	return p;
}

/* Section - Get, put, delete */

/* Own property lookup, virtual properties (array elements and length, string characters)
 * included. 1 found, 0 absent, -1 exception. */
int cx_obj__get_own(cx_ctx *X, cx_obj *o, cx_str *key, cx_value *out)
{
	cx_prop *p;
	uint32_t i;

	if (o->cls == CX_C_ARRAY) {
		if (cx_str__array_index(key, &i)) {
			if (i < o->nelems) {
				if (o->elems[i].tag == CX_T_EXC)
					return 0;
				*out = o->elems[i];
				return 1;
			}
		}
		else if (cx_str_eq(key, CX_STR_REF(cx_s_length))) {
			*out = cx_num(o->length);
			return 1;
		}
	}
	else if (o->cls == CX_C_STRING && o->prim.tag == CX_T_STR) {
		cx_str *s = o->prim.u.s;
		if (cx_str_eq(key, CX_STR_REF(cx_s_length))) {
			*out = cx_num(s->len);
			return 1;
		}
		if (cx_str__array_index(key, &i) && i < s->len) {
			cx_str *c = cx_str__sub(X, s, i, i + 1);
			if (!c)
				return -1;
			*out = cx_strv(c);
			return 1;
		}
	}
	if ((p = cx_obj__find(o, key))) {
		if ((p->flags & CX_PROP__LAZY) && !(p = cx_lazy__fill(X, o, p)))
			return -1;
		*out = p->val;
		return 1;
	}
	return 0;
}

cx_value cx_obj__get(cx_ctx *X, cx_obj *o, cx_str *key)
{
	cx_value v;
	int r;

	for (; o; o = o->proto) {
		r = cx_obj__get_own(X, o, key, &v);
		if (r > 0)
			return v;
		if (r < 0)
			return CX_EXCEPTION;
	}
	return CX_UNDEFINED;
}

int cx_obj__has(cx_ctx *X, cx_obj *o, cx_str *key)
{
	cx_value v;
	cx_value save = X->exc;

	for (; o; o = o->proto) {
		int r = cx_obj__get_own(X, o, key, &v);
		if (r < 0)
			X->exc = save; /* has never throws; an allocation failure counts as present */
		if (r)
			return 1;
	}
	return 0;
}

/* cx_obj__set's body, inlined into cx_define (the runtime's hot path for event$). */
static inline __attribute__((always_inline)) int cx_obj__set_in(cx_ctx *X, cx_obj *o, cx_str *key,
								 cx_value v, int flags)
{
	cx_prop *p;

	if (CX_OBJ_OWN(X, o))
		return ENOMEM;
	if (!(p = cx_obj__find(o, key)) && !(p = cx_obj__append(X, o, key)))
		return ENOMEM;
	cx_heap__wb(X, o, v);
	p->val = v;
	p->flags = (uint32_t)flags;
	if (flags & CX_PROP_READONLY) {
		o->rdonly = 1;
		cx_ic__touch(o); /* an ADD cache relies on its chain having no ReadOnly key */
	}
	return 0;
}

int cx_obj__set(cx_ctx *X, cx_obj *o, cx_str *key, cx_value v, int flags)
{
	return cx_obj__set_in(X, o, key, v, flags);
}

static cx_value cx_obj__readonly(cx_ctx *X, cx_str *key)
{
	const char *k = cx_str_to_utf8(X, key, NULL);

	return cx_throw_error(X, "TypeError", "cannot assign to read-only property '%s'", k ? k : "?");
}

static cx_value cx_obj__add(cx_ctx *X, cx_obj *o, cx_str *key, cx_value v);

cx_value cx_obj__put(cx_ctx *X, cx_obj *o, cx_str *key, cx_value v)
{
	cx_prop *p;
	uint32_t i;

	if (o->frozen)
		return cx_obj__readonly(X, key);
	if (o->cls == CX_C_ARRAY) {
		if (cx_str__array_index(key, &i))
			return cx_arr__put(X, o, i, v);
		if (cx_str_eq(key, CX_STR_REF(cx_s_length))) {
			double d;
			if (cx_to_num(X, v, &d))
				return CX_EXCEPTION;
			if ((double)cx_dtou32(d) != d)
				return cx_throw_error(X, "RangeError", "invalid array length");
			return cx_arr__set_length(X, o, cx_dtou32(d)), v;
		}
	}
	else if (o->cls == CX_C_STRING && o->prim.tag == CX_T_STR) {
		if (cx_str_eq(key, CX_STR_REF(cx_s_length)) ||
		    (cx_str__array_index(key, &i) && i < o->prim.u.s->len))
			return v; /* read-only: silently ignored (8.6.2.2) */
	}
	if (CX_OBJ_OWN(X, o))
		return CX_EXCEPTION;
	if ((p = cx_obj__find(o, key))) {
		if (!(p->flags & CX_PROP_READONLY)) {
			cx_heap__wb(X, o, v);
			p->val = v;
			p->flags &= ~CX_PROP__LAZY; /* overwritten before it was ever built */
		}
		return v;
	}
	return cx_obj__add(X, o, key, v);
}

/* [[Put]] of a key o does not have (o's own table already copied, CX_OBJ_OWN). */
static cx_value cx_obj__add(cx_ctx *X, cx_obj *o, cx_str *key, cx_value v)
{
	cx_prop *p;
	cx_obj *q;

	/* [[CanPut]]: an inherited read-only property blocks the assignment silently. Most
	 * chains hold no ReadOnly property at all (rdonly flags): then there is nothing to find. */
	for (q = o->proto; q && !q->rdonly; q = q->proto)
		;
	for (q = q ? o->proto : NULL; q; q = q->proto) {
		cx_prop *ip = cx_obj__find(q, key);
		if (ip) {
			if (ip->flags & CX_PROP_READONLY)
				return v;
			break;
		}
	}
	if (!(p = cx_obj__append(X, o, key)))
		return CX_EXCEPTION;
	cx_heap__wb(X, o, v);
	p->val = v;
	return v;
}

static cx_value cx_obj__base_error(cx_ctx *X, cx_value obj, cx_value key, const char *what)
{
	cx_str *k = key.tag == CX_T_STR ? key.u.s : NULL;
	const char *ks = k ? cx_str_to_utf8(X, k, NULL) : NULL;

	return cx_throw_error(X, "TypeError", "cannot %s property '%s' of %s", what,
			      ks ? ks : "?", obj.tag == CX_T_NULL ? "null" : "undefined");
}

/* The object that holds the properties of a value: itself or its wrapper's prototype. */
static cx_obj *cx_obj__holder(cx_ctx *X, cx_value v)
{
	switch (v.tag) {
	case CX_T_OBJ: return v.u.o;
	case CX_T_STR: return CX_PROTO(X, CX_P_STRING);
	case CX_T_NUM: return CX_PROTO(X, CX_P_NUMBER);
	case CX_T_BOOL: return CX_PROTO(X, CX_P_BOOLEAN);
	default: return NULL;
	}
}

cx_value cx_get_s(cx_ctx *X, cx_value obj, cx_str *key)
{
	cx_obj *o;
	uint32_t i;

	if (obj.tag == CX_T_STR) {
		/* Primitive strings: length and characters without building a wrapper. */
		if (cx_str_eq(key, CX_STR_REF(cx_s_length)))
			return cx_num(obj.u.s->len);
		if (cx_str__array_index(key, &i)) {
			cx_str *c;
			if (i >= obj.u.s->len)
				return CX_UNDEFINED;
			c = cx_str__sub(X, obj.u.s, i, i + 1);
			return c ? cx_strv(c) : CX_EXCEPTION;
		}
	}
	if (!(o = cx_obj__holder(X, obj)))
		return cx_obj__base_error(X, obj, cx_strv(key), "read");
	return cx_obj__get(X, o, key);
}

/* An array index as a number: 1 and *i when d is one (0 ≤ d < 2^32 − 1, integral). */
static inline int cx_num__index(double d, uint32_t *i)
{
	if (!(d >= 0 && d < 4294967295.0))
		return 0;
	*i = (uint32_t)d;
	return (double)*i == d;
}

static __attribute__((noinline)) cx_value cx_get__slow(cx_ctx *X, cx_value obj, cx_value key)
{
	cx_str *k;
	cx_prop *p;

	/* A string key of a plain object (o[name], a dictionary): its own property directly,
	 * else the chain from its prototype on (a plain object has no virtual property). */
	if (key.tag == CX_T_STR && obj.tag == CX_T_OBJ && obj.u.o->cls == CX_C_OBJECT) {
		if (!(p = cx_obj__find(obj.u.o, key.u.s)))
			return cx_obj__get(X, obj.u.o->proto, key.u.s);
		if (!(p->flags & CX_PROP__LAZY))
			return p->val;
	}

	if (obj.tag == CX_T_UNDEF || obj.tag == CX_T_NULL) {
		if (key.tag == CX_T_STR)
			return cx_obj__base_error(X, obj, key, "read");
		k = cx_to_str(X, key);
		return k ? cx_obj__base_error(X, obj, cx_strv(k), "read") : CX_EXCEPTION;
	}
	if (!(k = cx_to_str(X, key)))
		return CX_EXCEPTION;
	return cx_get_s(X, obj, k);
}

/* The element of a dense array by a number key stays a leaf; everything else is the slow path. */
cx_value cx_get(cx_ctx *X, cx_value obj, cx_value key)
{
	uint32_t i;

	if (key.tag == CX_T_NUM && obj.tag == CX_T_OBJ && obj.u.o->cls == CX_C_ARRAY &&
	    cx_num__index(key.u.n, &i) && i < obj.u.o->nelems && obj.u.o->elems[i].tag != CX_T_EXC)
		return obj.u.o->elems[i];
	return cx_get__slow(X, obj, key);
}

cx_value cx_get_cstr(cx_ctx *X, cx_value obj, const char *key)
{
	cx_str *k = cx_str__ascii(X, key);

	return k ? cx_get_s(X, obj, k) : CX_EXCEPTION;
}

cx_value cx_get_idx(cx_ctx *X, cx_value o, uint32_t i)
{
	cx_str *k;

	if (o.tag == CX_T_OBJ && o.u.o->cls == CX_C_ARRAY && i < o.u.o->nelems &&
	    o.u.o->elems[i].tag != CX_T_EXC)
		return o.u.o->elems[i];
	if (!(k = cx_str__from_index(X, i)))
		return CX_EXCEPTION;
	return cx_get_s(X, o, k);
}

cx_value cx_put_s(cx_ctx *X, cx_value obj, cx_str *key, cx_value val)
{
	if (obj.tag == CX_T_OBJ)
		return cx_obj__put(X, obj.u.o, key, val);
	if (obj.tag == CX_T_UNDEF || obj.tag == CX_T_NULL)
		return cx_obj__base_error(X, obj, cx_strv(key), "set");
	return val; /* a property put on a primitive's temporary wrapper is lost (8.7.2) */
}

static __attribute__((noinline)) cx_value cx_put__slow(cx_ctx *X, cx_value obj, cx_value key, cx_value val)
{
	cx_str *k;
	cx_prop *p;
	cx_obj *o;
	uint32_t i;

	/* A string key of a plain object (a dictionary): cx_obj__put without its class tests. */
	if (key.tag == CX_T_STR && obj.tag == CX_T_OBJ && (o = obj.u.o)->cls == CX_C_OBJECT &&
	    !o->frozen && !o->shared) {
		if (!(p = cx_obj__find(o, key.u.s)))
			return cx_obj__add(X, o, key.u.s, val);
		if (!(p->flags & CX_PROP_READONLY)) {
			cx_heap__wb(X, o, val);
			p->val = val;
			p->flags &= ~CX_PROP__LAZY; /* overwritten before it was ever built */
		}
		return val;
	}

	if (key.tag == CX_T_NUM && obj.tag == CX_T_OBJ && obj.u.o->cls == CX_C_ARRAY &&
	    !obj.u.o->frozen && cx_num__index(key.u.n, &i))
		return cx_arr__put(X, obj.u.o, i, val);
	if (!(k = cx_to_str(X, key)))
		return CX_EXCEPTION;
	return cx_put_s(X, obj, k, val);
}

/* An index inside the dense part of an ordinary array (not a built-in: no write barrier to
 * run), or just past its end within the room it has, stays a leaf: what cx_arr__put does. */
cx_value cx_put(cx_ctx *X, cx_value obj, cx_value key, cx_value val)
{
	if (key.tag == CX_T_NUM && cx_arr_put_dense(obj, key.u.n, val))
		return val;
	return cx_put__slow(X, obj, key, val);
}

cx_value cx_put_idx(cx_ctx *X, cx_value o, uint32_t i, cx_value v)
{
	cx_str *k;

	if (o.tag == CX_T_OBJ && o.u.o->cls == CX_C_ARRAY && !o.u.o->frozen)
		return cx_arr__put(X, o.u.o, i, v);
	if (!(k = cx_str__from_index(X, i)))
		return CX_EXCEPTION;
	return cx_put_s(X, o, k, v);
}

cx_value cx_delete(cx_ctx *X, cx_value obj, cx_value key)
{
	cx_str *k;
	cx_obj *o;
	cx_prop *p;
	uint32_t i;

	/* An array index on an array: no string (Array.prototype.pop comes through here). */
	if (key.tag == CX_T_NUM && obj.tag == CX_T_OBJ && obj.u.o->cls == CX_C_ARRAY &&
	    !obj.u.o->frozen && cx_num__index(key.u.n, &i))
		return cx_bool(cx_arr__delete(X, obj.u.o, i));
	if (obj.tag == CX_T_UNDEF || obj.tag == CX_T_NULL) {
		k = cx_to_str(X, key);
		return k ? cx_obj__base_error(X, obj, cx_strv(k), "delete") : CX_EXCEPTION;
	}
	if (!(k = cx_to_str(X, key)))
		return CX_EXCEPTION;
	if (obj.tag != CX_T_OBJ) {
		if (obj.tag == CX_T_STR && (cx_str_eq(k, CX_STR_REF(cx_s_length)) ||
					    (cx_str__array_index(k, &i) && i < obj.u.s->len)))
			return CX_FALSE;
		return CX_TRUE;
	}
	o = obj.u.o;
	if (o->frozen)
		return cx_throw_error(X, "TypeError", "cannot delete a property of a read-only object");
	if (o->cls == CX_C_ARRAY) {
		if (cx_str__array_index(k, &i))
			return cx_bool(cx_arr__delete(X, o, i));
		if (cx_str_eq(k, CX_STR_REF(cx_s_length)))
			return CX_FALSE;
	}
	if (o->cls == CX_C_STRING && o->prim.tag == CX_T_STR &&
	    (cx_str_eq(k, CX_STR_REF(cx_s_length)) ||
	     (cx_str__array_index(k, &i) && i < o->prim.u.s->len)))
		return CX_FALSE;
	if (!(p = cx_obj__find(o, k)))
		return CX_TRUE;
	if (p->flags & CX_PROP_DONTDELETE)
		return CX_FALSE;
	if (CX_OBJ_OWN(X, o))
		return CX_EXCEPTION;
	if (o == X->heap->protos[CX_P_STRING])
		cx_sm__changed(X); /* a store tells it in the write barrier (heap.c) */
	cx_obj__remove(o, cx_obj__find(o, k));
	return CX_TRUE;
}

int cx_has_s(cx_ctx *X, cx_value obj, cx_str *key)
{
	cx_obj *o;
	uint32_t i;

	if (obj.tag == CX_T_STR && (cx_str_eq(key, CX_STR_REF(cx_s_length)) ||
				    (cx_str__array_index(key, &i) && i < obj.u.s->len)))
		return 1;
	if (!(o = cx_obj__holder(X, obj)))
		return 0;
	return cx_obj__has(X, o, key);
}

int cx_define(cx_ctx *X, cx_value obj, cx_str *key, cx_value val, int flags)
{
	uint32_t i;
	cx_obj *o;
	cx_value save = X->exc;

	if (obj.tag != CX_T_OBJ)
		return EINVAL;
	o = obj.u.o;
	if (o->cls == CX_C_ARRAY && cx_str__array_index(key, &i)) {
		if (cx_is_exc(cx_arr__put(X, o, i, val)))
			return X->exc = save, ENOMEM;
		return 0;
	}
	if (cx_obj__set_in(X, o, key, val, flags))
		return X->exc = save, ENOMEM;
	return 0;
}

int cx_define_cstr(cx_ctx *X, cx_value obj, const char *key, cx_value val, int flags)
{
	cx_value k = cx_str_cstr(X, key);

	if (cx_is_exc(k))
		return ENOMEM;
	return cx_define(X, obj, k.u.s, val, flags);
}

/* Section - Inline caches
 *
 * A cache remembers one of three answers for its site's key (docs/ecmascript.md):
 *   OWN     the receiver's own property at props[slot]: checked against the receiver itself
 *           (the key at that slot), so it holds for every object that has the key at the same
 *           place (objects made by the same literal or constructor) and needs no invalidation;
 *   PROTO   not the receiver's own; its chain goes on at `start` and the key is at
 *           holder->props[slot] (holder NULL: nowhere, undefined). Valid while cx_ic__epoch
 *           has not moved: every object from start to the holder (the whole chain when absent)
 *           is flagged (o->ic), and a property added to or deleted from a flagged object, or a
 *           flagged object freed, moves the epoch (cx_ic__touch). Prototype links never change
 *           after creation, so start..holder stays the same chain;
 *   LENGTH  "length" of a string primitive or an array.
 * "length" and array indices are never cached as OWN or PROTO: they are virtual on arrays,
 * strings and String objects (cx_obj__get_own). Properties keep their index when a shared
 * built-in table is copied (cx_obj__unshare) and when a frozen table is cut; they move only
 * when a table is compacted (cx_obj__append, which touches first) — and every hit checks the
 * key at its slot anyway. A lazy built-in slot is never a hit: the slow path builds it. */

uint64_t cx_ic__epoch = 1;

enum { CX_IC__NONE, CX_IC__OWN = CX_IC_OWN, CX_IC__PROTO, CX_IC__LENGTH, CX_IC__ADD };

static inline int cx_ic__same(const cx_str *k, const cx_str *key)
{
	return k == key || (k && k->hash == key->hash && cx_str_eq(k, key));
}

/* An OWN answer's key is the site's string, or (ic->okey) the object's own string for the
 * same name when that one lives forever (the runtime's static keys of `session`, `event$`):
 * the quick hit compares either pointer. Another string could come back at a freed one's
 * address, so only a key that is never freed is kept; else okey is the site's key again
 * (never NULL: a deleted property's key is). okey stays when the cache changes kind: the quick
 * hit (cx_get_ic) tries the own slot whatever the kind, and a key that names the site's
 * property at the receiver's slot is the answer whichever way the cache was filled. */
static inline void cx_ic__own(cx_ic *ic, uint32_t slot, const cx_str *k, const cx_str *key)
{
	ic->slot = slot;
	ic->kind = CX_IC__OWN;
	ic->okey = k != key && k->gc == CX_STR_STATIC_MARK ? k : key;
}

static int cx_ic__virtual(cx_str *key)
{
	uint32_t i;

	return cx_str_eq(key, CX_STR_REF(cx_s_length)) || cx_str__array_index(key, &i);
}

static cx_value cx_ic__get_miss(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	cx_obj *o, *q, *start;
	cx_prop *p;

	ic->kind = CX_IC__NONE;
	if (cx_ic__virtual(key)) {
		if (cx_str_eq(key, CX_STR_REF(cx_s_length)))
			ic->kind = CX_IC__LENGTH;
		return cx_get_s(X, obj, key);
	}
	if (!(o = cx_obj__holder(X, obj)))
		return cx_get_s(X, obj, key); /* its TypeError */
	(void)cx_str__hash(key); /* hits compare hashes */
	start = o;
	if (obj.tag == CX_T_OBJ) {
		if ((p = cx_obj__find(o, key))) {
			if ((p->flags & CX_PROP__LAZY) && !(p = cx_lazy__fill(X, o, p)))
				return CX_EXCEPTION;
			cx_ic__own(ic, (uint32_t)(p - o->props), p->key, key);
			return p->val;
		}
		start = o->proto;
	}
	for (q = start; q; q = q->proto) {
		q->ic = 1;
		if ((p = cx_obj__find(q, key))) {
			if ((p->flags & CX_PROP__LAZY) && !(p = cx_lazy__fill(X, q, p)))
				return CX_EXCEPTION;
			break;
		}
	}
	ic->start = start;
	ic->holder = q;
	ic->slot = q ? (uint32_t)(p - q->props) : 0;
	ic->epoch = __atomic_load_n(&cx_ic__epoch, __ATOMIC_RELAXED);
	ic->kind = CX_IC__PROTO;
	return q ? p->val : CX_UNDEFINED;
}

/* A PROTO answer's chain start for this receiver (its own properties not looked at), or NULL
 * (no answer for it: undefined, null, or a prototype this session has not made yet). */
static inline const cx_obj *cx_ic__start(cx_ctx *X, cx_value obj, int *ok)
{
	const cx_obj *start;

	switch (obj.tag) {
	case CX_T_OBJ: *ok = 1; return obj.u.o->proto; /* NULL: an empty chain */
	case CX_T_STR: start = X->heap->protos[CX_P_STRING]; break;
	case CX_T_NUM: start = X->heap->protos[CX_P_NUMBER]; break;
	case CX_T_BOOL: start = X->heap->protos[CX_P_BOOLEAN]; break;
	default: start = NULL; break;
	}
	*ok = start != NULL;
	return start;
}

/* A PROTO answer for this receiver, whose own properties do not have the key: 1 and *out, or 0. */
static inline int cx_ic__proto_hit(cx_ctx *X, cx_value obj, cx_str *key, const cx_ic *ic, cx_value *out)
{
	int ok;
	const cx_obj *start = cx_ic__start(X, obj, &ok), *h;
	const cx_prop *p;

	if (!ok || start != ic->start || ic->epoch != __atomic_load_n(&cx_ic__epoch, __ATOMIC_RELAXED))
		return 0;
	if (!(h = ic->holder)) {
		*out = CX_UNDEFINED;
		return 1;
	}
	/* The epoch has not moved, so the holder's keys are where they were (its key may be
	 * another string than the site's: built-ins have their own): bounds and the lazy flag. */
	p = &h->props[ic->slot];
	if (ic->slot >= h->nprops || (p->flags & CX_PROP__LAZY))
		return 0;
	*out = p->val;
	return 1;
}

/* A PROTO answer needs the receiver not to have the key itself. A few own properties are
 * looked at here (a constructed object's fields: the key's hash was cached by the miss, so
 * the other keys are told apart by pointer and hash); 0 for more, or a hash that matches. */
static inline int cx_ic__not_own(const cx_obj *o, const cx_str *key)
{
	uint32_t i;

	if (o->nprops > 4)
		return 0;
	for (i = 0; i < o->nprops; i++) {
		const cx_str *k = o->props[i].key;
		if (k && (k == key || k->hash == key->hash))
			return 0;
	}
	return 1;
}

/* Everything but the quick hits: no cache, a receiver with own properties to search first, a
 * miss (which fills the cache again), "length" of anything but a string or an array. */
static __attribute__((noinline)) cx_value cx_ic__get_slow(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	cx_value v;
	const cx_prop *p;

	if (!ic || ic->kind == CX_IC__LENGTH)
		return cx_get_s(X, obj, key);
	if (ic->kind == CX_IC__OWN && obj.tag == CX_T_OBJ && ic->slot < obj.u.o->nprops) {
		p = &obj.u.o->props[ic->slot]; /* the key as another string: the runtime's objects */
		if (cx_ic__same(p->key, key) && !(p->flags & CX_PROP__LAZY)) {
			cx_ic__own(ic, ic->slot, p->key, key);
			return p->val;
		}
	}
	if (ic->kind == CX_IC__PROTO && !(obj.tag == CX_T_OBJ && cx_obj__find(obj.u.o, key)) &&
	    cx_ic__proto_hit(X, obj, key, ic, &v))
		return v;
	return cx_ic__get_miss(X, obj, key, ic);
}

/* The quick hits only, so that this stays a leaf: everything else goes to cx_ic__get_slow.
 * Its callers with a cache are cx_get_ic (cx_value.h), which has tried the own slot's hit
 * inline whatever the kind, and cx_ic_getm, which generated code calls only for a cache that
 * is not OWN (cx_getm_ic): an OWN cache here is a miss, left to cx_ic__get_slow. */
cx_value cx_ic_get(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	cx_value v;

	if (__builtin_expect(ic != NULL, 1)) {
		switch (ic->kind) {
		case CX_IC__PROTO:
			if ((obj.tag != CX_T_OBJ || cx_ic__not_own(obj.u.o, key)) &&
			    cx_ic__proto_hit(X, obj, key, ic, &v))
				return v;
			break;
		case CX_IC__LENGTH:
			if (obj.tag == CX_T_STR)
				return cx_num(obj.u.s->len);
			if (obj.tag == CX_T_OBJ && obj.u.o->cls == CX_C_ARRAY)
				return cx_num(obj.u.o->length);
			break;
		}
	}
	return cx_ic__get_slow(X, obj, key, ic);
}

/* A method's PROTO hit without the switch of cx_ic_get before it (never an OWN cache:
 * cx_getm_ic reads those inline). Anything else, cx_ic_get. */
cx_value cx_ic_getm(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	cx_value v;

	if (ic->kind == CX_IC__PROTO && (obj.tag != CX_T_OBJ || cx_ic__not_own(obj.u.o, key)) &&
	    cx_ic__proto_hit(X, obj, key, ic, &v))
		return v;
	return cx_ic_get(X, obj, key, ic);
}

/* An ADD answer for this receiver: a plain object with no deleted slot whose next slot is the
 * cached one, on the chain the cache saw (no ReadOnly key on it since: the epoch). The callers
 * also make sure that the key is not its own yet. */
static inline int cx_ic__add_hit(const cx_obj *o, const cx_ic *ic)
{
	return o->nprops == ic->slot && o->proto == ic->start && o->cls == CX_C_OBJECT &&
	       o->nlive == o->nprops && !o->frozen && !o->shared &&
	       ic->epoch == __atomic_load_n(&cx_ic__epoch, __ATOMIC_RELAXED);
}

/* Everything but the quick hits of cx_put_ic: the key as another string, a table to grow or
 * with an index, a built-in (write barrier), a miss (which fills the cache again). */
static __attribute__((noinline)) cx_value cx_ic__put_slow(cx_ctx *X, cx_value obj, cx_str *key,
							 cx_value val, cx_ic *ic)
{
	cx_value r;
	cx_obj *o, *q;
	cx_prop *p;
	uint32_t n0;
	int plain;

	if (!ic || obj.tag != CX_T_OBJ)
		return cx_put_s(X, obj, key, val);
	o = obj.u.o;
	/* An own writable data property: what cx_obj__put does for it, without the search. */
	if ((ic->kind == CX_IC__OWN || ic->kind == CX_IC__ADD) && ic->slot < o->nprops &&
	    !o->frozen && !o->shared) {
		p = &o->props[ic->slot];
		if (cx_ic__same(p->key, key) && !(p->flags & (CX_PROP_READONLY | CX_PROP__LAZY))) {
			cx_heap__wb(X, o, val);
			p->val = val;
			return val;
		}
	}
	/* The property this site added to the last object like this one: appended without the
	 * search of the chain (cx_obj__put). */
	if (ic->kind == CX_IC__ADD && cx_ic__add_hit(o, ic) && (!o->nprops || !cx_obj__find(o, key))) {
		if (!(p = cx_obj__append(X, o, key)))
			return CX_EXCEPTION;
		cx_heap__wb(X, o, val);
		p->val = val;
		return val;
	}
	ic->kind = CX_IC__NONE;
	n0 = o->nprops;
	plain = o->cls == CX_C_OBJECT && o->nlive == n0 && !o->frozen;
	r = cx_put_s(X, obj, key, val);
	if (cx_is_exc(r) || cx_ic__virtual(key))
		return r;
	(void)cx_str__hash(key); /* hits compare hashes */
	if (plain && o->nprops == n0 + 1 && o->props[n0].key == key) {
		/* Appended: the chain had no ReadOnly `key` (cx_obj__put). Flagged, every object
		 * of it moves the epoch when a property is added to it or made ReadOnly. */
		for (q = o->proto; q; q = q->proto)
			q->ic = 1;
		ic->start = o->proto;
		ic->holder = NULL;
		ic->epoch = __atomic_load_n(&cx_ic__epoch, __ATOMIC_RELAXED);
		ic->slot = n0;
		ic->kind = CX_IC__ADD;
		return r;
	}
	/* most often it was just appended: no second search for it */
	p = o->nprops && o->props[o->nprops - 1].key == key ? &o->props[o->nprops - 1] : cx_obj__find(o, key);
	if (p) {
		cx_ic__own(ic, (uint32_t)(p - o->props), p->key, key);
	}
	return r;
}

/* The quick hits only, so that this stays a leaf: an own writable property at the cached slot,
 * or the cached addition into room the table already has (an object made by new). */
cx_value cx_put_ic(cx_ctx *X, cx_value obj, cx_str *key, cx_value val, cx_ic *ic)
{
	cx_obj *o;
	cx_prop *p;
	uint32_t n;

	if (__builtin_expect(ic != NULL, 1) && obj.tag == CX_T_OBJ &&
	    (ic->kind == CX_IC__OWN || ic->kind == CX_IC__ADD)) {
		o = obj.u.o;
		n = o->nprops;
		if (o->frozen || o->shared || (o->gc & CX_GC_PERM))
			; /* the slow path's business */
		else if (ic->slot < n) {
			p = &o->props[ic->slot];
			if (p->key == key && !(p->flags & (CX_PROP_READONLY | CX_PROP__LAZY))) {
				p->val = val;
				return val;
			}
		}
		else if (ic->kind == CX_IC__ADD && n < o->pcap && !o->icap && !o->ic &&
			 cx_ic__add_hit(o, ic) && cx_ic__not_own(o, key)) {
			/* cx_obj__append's work when there is room and no index */
			p = &o->props[n];
			p->key = key;
			p->val = val;
			p->flags = 0;
			o->nprops = o->nlive = n + 1;
			return val;
		}
	}
	return cx_ic__put_slow(X, obj, key, val, ic);
}

/* A frozen object never gets another property: its table is cut to what it holds (the session
 * object and its parts are frozen and kept while a session waits), and a small one is searched
 * without its index. */
#define CX_FROZEN_NOIDX 32

void cx_obj_freeze(cx_ctx *X, cx_value obj)
{
	cx_obj *o = obj.u.o;
	uint32_t i;

	if (obj.tag != CX_T_OBJ)
		return;
	o->frozen = 1;
	o->rdonly = 1;
	cx_ic__touch(o); /* every property becomes ReadOnly: ADD caches through it are stale */
	if (CX_OBJ_OWN(X, o)) {
		cx_catch(X); /* frozen all the same: every [[Put]] and delete throws */
		return;
	}
	for (i = 0; i < o->nprops; i++)
		o->props[i].flags |= CX_PROP_READONLY | CX_PROP_DONTDELETE;
	if (o->nprops && o->nprops < o->pcap && !o->inl) {
		cx_prop *np = cx_mem__realloc(X, o->props, (size_t)o->pcap * sizeof(cx_prop),
					      (size_t)o->nprops * sizeof(cx_prop));
		if (np) { /* a smaller block: cannot fail in practice, and the old one stays if it does */
			o->props = np;
			o->pcap = o->nprops;
		}
	}
	if (o->icap && o->nprops <= CX_FROZEN_NOIDX) {
		cx_mem__free(X, o->idx, (size_t)o->icap * sizeof(uint32_t));
		o->idx = NULL;
		o->icap = 0;
	}
}

/* Section - for-in */

static int cx_forin__seen(cx_obj *keys, cx_str *k)
{
	uint32_t i;

	for (i = 0; i < keys->nelems; i++)
		if (cx_str_eq(keys->elems[i].u.s, k))
			return 1;
	return 0;
}

/* Properties that a nearer object shadows (even non-enumerable ones) hide farther ones. */
static int cx_forin__shadowed(cx_ctx *X, cx_obj *start, cx_obj *upto, cx_str *k)
{
	cx_value v;
	cx_obj *o;

	for (o = start; o && o != upto; o = o->proto)
		if (cx_obj__get_own(X, o, k, &v) > 0)
			return 1;
	return 0;
}

static int cx_forin__add(cx_ctx *X, cx_obj *keys, cx_obj *start, cx_obj *o, cx_str *k)
{
	if (o != start && (cx_forin__seen(keys, k) || cx_forin__shadowed(X, start, o, k)))
		return 0;
	return cx_is_exc(cx_arr__put(X, keys, keys->length, cx_strv(k))) ? -1 : 0;
}

/* One array index of an object's own keys for cx_forin__own: its value, and the property slot
 * that holds it (UINT32_MAX: an element of the dense part or a String object's character). */
typedef struct cx_forin__ix {
	uint32_t i, slot;
} cx_forin__ix;

static int cx_forin__ix_cmp(const void *a, const void *b)
{
	uint32_t x = ((const cx_forin__ix *)a)->i, y = ((const cx_forin__ix *)b)->i;

	return x < y ? -1 : x > y;
}

/* o's own enumerable keys onto keys (start: the object the enumeration began with), in the
 * order of ES2015's [[OwnPropertyKeys]], which node follows and ES3 leaves to the
 * implementation: the array indices ascending (the dense elements, a String object's
 * characters and index-named properties together), then the other names in creation order. */
static int cx_forin__own(cx_ctx *X, cx_obj *keys, cx_obj *start, cx_obj *o)
{
	uint32_t i, n = 0, nix = 0, nchars = 0, v;
	cx_forin__ix *ix = NULL;
	size_t size = 0;
	cx_str *k;
	int rc = 0;

	if (o->cls == CX_C_STRING && o->prim.tag == CX_T_STR)
		nchars = o->prim.u.s->len;
	for (i = 0; i < o->nprops; i++)
		if (o->props[i].key && !(o->props[i].flags & CX_PROP_DONTENUM) &&
		    cx_str__array_index(o->props[i].key, &v))
			nix++;
	if (nix) { /* index-named properties: sorted with the dense part, which is in order */
		n = nix + (o->cls == CX_C_ARRAY ? o->nelems : 0) + nchars;
		size = (size_t)n * sizeof(*ix);
		if (!(ix = cx_mem__alloc(X, size)))
			return -1;
		n = 0;
		for (i = 0; o->cls == CX_C_ARRAY && i < o->nelems; i++)
			if (o->elems[i].tag != CX_T_EXC)
				ix[n++] = (cx_forin__ix){i, UINT32_MAX};
		for (i = 0; i < nchars; i++)
			ix[n++] = (cx_forin__ix){i, UINT32_MAX};
		for (i = 0; i < o->nprops; i++)
			if (o->props[i].key && !(o->props[i].flags & CX_PROP_DONTENUM) &&
			    cx_str__array_index(o->props[i].key, &v))
				ix[n++] = (cx_forin__ix){v, i};
		qsort(ix, n, sizeof(*ix), cx_forin__ix_cmp);
		for (i = 0; i < n && !rc; i++) {
			k = ix[i].slot == UINT32_MAX ? cx_str__from_index(X, ix[i].i) : o->props[ix[i].slot].key;
			rc = !k || cx_forin__add(X, keys, start, o, k) ? -1 : 0;
		}
		cx_mem__free(X, ix, size);
	} else { /* the usual case: no sorting, no allocation */
		for (i = 0; o->cls == CX_C_ARRAY && i < o->nelems && !rc; i++)
			if (o->elems[i].tag != CX_T_EXC)
				rc = !(k = cx_str__from_index(X, i)) || cx_forin__add(X, keys, start, o, k) ? -1 : 0;
		for (i = 0; i < nchars && !rc; i++)
			rc = !(k = cx_str__from_index(X, i)) || cx_forin__add(X, keys, start, o, k) ? -1 : 0;
	}
	for (i = 0; i < o->nprops && !rc; i++) {
		cx_prop *p = &o->props[i];
		if (!p->key || (p->flags & CX_PROP_DONTENUM) || (nix && cx_str__array_index(p->key, &v)))
			continue;
		rc = cx_forin__add(X, keys, start, o, p->key);
	}
	return rc;
}

/* The enumerable keys of obj, and of its prototypes unless own (Object.keys): for-in's order,
 * each object's own keys as cx_forin__own gives them, nearer objects first. */
static cx_value cx_forin__keys(cx_ctx *X, cx_value obj, int own)
{
	cx_value arr;
	cx_obj *keys, *o, *start;
	uint32_t i;
	cx_str *k;

	arr = cx_arr_new(X, 0, NULL);
	if (cx_is_exc(arr) || obj.tag == CX_T_UNDEF || obj.tag == CX_T_NULL)
		return arr;
	keys = arr.u.o;
	start = cx_obj__holder(X, obj);
	if (obj.tag == CX_T_STR) {
		for (i = 0; i < obj.u.s->len; i++)
			if (!(k = cx_str__from_index(X, i)) || cx_forin__add(X, keys, start, start, k))
				return CX_EXCEPTION;
	}
	if (own && obj.tag != CX_T_OBJ) /* a primitive's holder is its prototype: not its own */
		return arr;
	for (o = start; o; o = own ? NULL : o->proto)
		if (cx_forin__own(X, keys, start, o))
			return CX_EXCEPTION;
	return arr;
}

cx_value cx_forin_keys(cx_ctx *X, cx_value obj)
{
	return cx_forin__keys(X, obj, 0);
}

cx_value cx_obj__keys(cx_ctx *X, cx_value obj)
{
	return cx_forin__keys(X, obj, 1);
}

/* Section - Functions */

cx_obj *cx_func__raw(cx_ctx *X, cx_cfunc *fn, const char *name, int length, cx_env *env)
{
	cx_str *n = cx_str__ascii(X, name ? name : "");

	return n ? cx_func__rawk(X, fn, n, length, env) : NULL;
}

/* A function's own `length` and `prototype` fit in its own block (as cx_new's room): no
 * property table of its own to allocate and free unless a script adds more. */
#define CX_FN_ROOM 2

/* The next slot of that room, for a key the new function cannot have yet (no search). */
static inline cx_prop *cx_func__slot(cx_obj *f, cx_str *key, uint32_t flags)
{
	cx_prop *p = &f->props[f->nprops++];

	(void)cx_str__hash(key); /* cached in the key: cx_obj__find relies on it */
	p->key = key;
	p->val = CX_UNDEFINED;
	p->flags = flags;
	f->nlive++;
	return p;
}

cx_obj *cx_func__rawk(cx_ctx *X, cx_cfunc *fn, cx_str *name, int length, cx_env *env)
{
	cx_obj *f = cx_heap__alloc(X, CX_K_OBJ, sizeof(*f) + CX_FN_ROOM * sizeof(cx_prop));

	if (!f)
		return NULL;
	f->cls = CX_C_FUNCTION;
	f->proto = CX_PROTO(X, CX_P_FUNCTION);
	f->props = (cx_prop *)(f + 1);
	f->pcap = CX_FN_ROOM;
	f->inl = 1;
	f->fn = fn;
	f->env = env;
	f->prim = cx_strv(name);
	cx_func__slot(f, CX_STR_REF(cx_s_length), CX_PROP_READONLY | CX_PROP_DONTENUM |
		      CX_PROP_DONTDELETE)->val = cx_num(length);
	f->rdonly = 1; /* as cx_obj__set marks an object given a ReadOnly property */
	return f;
}

cx_value cx_func_new(cx_ctx *X, cx_cfunc *fn, const char *name, int length, cx_env *env)
{
	cx_str *n = cx_str__ascii(X, name ? name : "");

	return n ? cx_func_newk(X, fn, n, length, env) : CX_EXCEPTION;
}

cx_value cx_func_newk(cx_ctx *X, cx_cfunc *fn, cx_str *name, int length, cx_env *env)
{
	cx_obj *f = cx_func__rawk(X, fn, name, length, env);

	if (!f)
		return CX_EXCEPTION;
	/* 13.2's prototype object, made when first read (cx_lazy__proto); DontEnum as in ES5 and
	 * every engine (docs/decisions.md, "A function's prototype"). A lazy slot as
	 * cx_lazy_slot makes one: tag UNDEF, the marker in u.p. */
	cx_func__slot(f, CX_STR_REF(cx_s_prototype), CX_PROP_DONTDELETE | CX_PROP_DONTENUM |
		      CX_PROP__LAZY)->val.u.p = &cx_lazy__fnproto;
	return cx_objv(f);
}

/* A built-in method: DontEnum, no prototype property. */
cx_value cx_builtin(cx_ctx *X, cx_value on, const char *name, cx_cfunc *fn, int length)
{
	cx_obj *f = cx_func__raw(X, fn, name, length, NULL);
	cx_str *k;

	if (!f || !(k = cx_str__ascii(X, name)))
		return CX_EXCEPTION;
	if (cx_obj__set(X, on.u.o, k, cx_objv(f), CX_PROP_DONTENUM))
		return CX_EXCEPTION;
	return cx_objv(f);
}

cx_env *cx_env_new(cx_ctx *X, cx_env *up, uint32_t n)
{
	cx_env *e = cx_heap__alloc(X, CX_K_ENV, sizeof(*e) + (size_t)n * sizeof(cx_value));
	uint32_t i;

	if (!e)
		return NULL;
	e->n = n;
	e->up = up;
	for (i = 0; i < n; i++)
		e->v[i] = CX_UNDEFINED;
	return e;
}

cx_cfunc *cx_func_code(cx_value f)
{
	return cx_is_callable(f) ? f.u.o->fn : NULL;
}

static cx_value cx_func__not(cx_ctx *X, cx_value fn, const char *what)
{
	cx_str *s = fn.tag == CX_T_OBJ ? NULL : cx_to_str(X, fn);
	const char *d = s ? cx_str_to_utf8(X, s, NULL) : NULL;

	if (fn.tag == CX_T_STR)
		return cx_throw_error(X, "TypeError", "\"%s\" is not a %s", d ? d : "?", what);
	return cx_throw_error(X, "TypeError", "%s is not a %s", d ? d : "object", what);
}

cx_value cx_call(cx_ctx *X, cx_value fn, cx_value this_, int argc, cx_value *argv)
{
	if (!cx_is_callable(fn))
		return cx_func__not(X, fn, "function");
	if (CX_STACK_LOW(X))
		return CX_EXCEPTION;
	return fn.u.o->fn(X, fn, this_, argc, argv);
}

cx_value cx_call_plain_slow(cx_ctx *X, cx_value fn, int argc, cx_value *argv, const char *what)
{
	if (!cx_is_callable(fn))
		return cx_throw_error(X, "TypeError", "%s is not a function", what);
	if (CX_STACK_LOW(X))
		return CX_EXCEPTION;
	return fn.u.o->fn(X, fn, cx_objv(X->heap->global), argc, argv);
}

cx_value cx_this_of(cx_ctx *X, cx_value this_)
{
	if (this_.tag == CX_T_OBJ)
		return this_;
	if (this_.tag == CX_T_UNDEF || this_.tag == CX_T_NULL)
		return cx_global(X);
	return cx_to_object(X, this_);
}

cx_value cx_call_method(cx_ctx *X, cx_value obj, cx_str *key, int argc, cx_value *argv)
{
	cx_value f = cx_get_s(X, obj, key);

	if (cx_is_exc(f))
		return f;
	if (!cx_is_callable(f)) {
		const char *k = cx_str_to_utf8(X, key, NULL);
		return cx_throw_error(X, "TypeError", "'%s' is not a function", k ? k : "?");
	}
	if (CX_STACK_LOW(X))
		return CX_EXCEPTION;
	return f.u.o->fn(X, f, obj, argc, argv);
}

#define CX_NEW_ROOM 4 /* an object and four properties: 256 bytes, the largest pooled size */

cx_value cx_new(cx_ctx *X, cx_value ctor, int argc, cx_value *argv)
{
	cx_value proto, r;
	cx_obj *o, *f;
	uint32_t room;

	if (!cx_is_callable(ctor))
		return cx_func__not(X, ctor, "constructor");
	if (CX_STACK_LOW(X))
		return CX_EXCEPTION;
	if (ctor.u.o->cons)
		return ctor.u.o->cons(X, ctor, CX_UNDEFINED, argc, argv);
	/* 13.2.2 [[Construct]]. A compiled function's own "prototype" is where cx_func_new put
	 * it (after "length"), unless deleted or moved: then the lookup. */
	f = ctor.u.o;
	if (f->nprops > 1 && f->props[1].key == CX_STR_REF(cx_s_prototype) &&
	    !(f->props[1].flags & CX_PROP__LAZY))
		proto = f->props[1].val;
	else if (cx_is_exc(proto = cx_get_s(X, ctor, CX_STR_REF(cx_s_prototype))))
		return proto;
	/* The new object has room in its own block for as many properties as the last one this
	 * constructor made (at most CX_NEW_ROOM): no table of its own to allocate and free. */
	room = f->nhint;
	o = cx_heap__alloc(X, CX_K_OBJ, sizeof(*o) + room * sizeof(cx_prop));
	if (!o)
		return CX_EXCEPTION;
	o->cls = CX_C_OBJECT;
	o->proto = proto.tag == CX_T_OBJ ? proto.u.o : CX_PROTO(X, CX_P_OBJECT);
	if (room) {
		o->props = (cx_prop *)(o + 1);
		o->pcap = room;
		o->inl = 1;
	}
	r = f->fn(X, ctor, cx_objv(o), argc, argv);
	if (cx_is_exc(r))
		return r;
	f->nhint = o->nprops < CX_NEW_ROOM ? (uint8_t)o->nprops : CX_NEW_ROOM;
	return r.tag == CX_T_OBJ ? r : cx_objv(o);
}

cx_value cx_arguments_new(cx_ctx *X, cx_value callee, int argc, cx_value *argv)
{
	cx_obj *a = cx_obj__new(X, CX_C_ARGUMENTS, CX_PROTO(X, CX_P_OBJECT));
	int i;

	if (!a)
		return CX_EXCEPTION;
	for (i = 0; i < argc; i++) {
		cx_str *k = cx_str__from_index(X, (uint32_t)i);
		if (!k || cx_obj__set(X, a, k, argv[i], CX_PROP_DONTENUM))
			return CX_EXCEPTION;
	}
	a->prim = cx_num(argc); /* how many parameters the object aliases (10.1.8) */
	if (cx_obj__set(X, a, CX_STR_REF(cx_s_callee), callee, CX_PROP_DONTENUM) ||
	    cx_obj__set(X, a, CX_STR_REF(cx_s_length), cx_num(argc), CX_PROP_DONTENUM))
		return CX_EXCEPTION;
	return cx_objv(a);
}

cx_value *cx_arguments_ref(cx_value args, uint32_t i, cx_value *local)
{
	cx_obj *a;

	if (!cx_is_obj(args))
		return local;
	a = args.u.o;
	if (a->cls != CX_C_ARGUMENTS || !cx_is_num(a->prim) || (double)i >= a->prim.u.n)
		return local;
	/* cx_arguments_new made "0".."argc-1" the first properties, and a deleted property keeps
	 * its slot with a NULL key: once deleted, the parameter no longer aliases it (10.1.8). */
	if (i >= a->nprops || !a->props[i].key)
		return local;
	return &a->props[i].val;
}

/* Section - Exceptions */

cx_value cx_throw(cx_ctx *X, cx_value v)
{
	X->exc = v;
	/* an object caught and thrown again (a finally, `catch (e) { throw e; }`) keeps the place
	 * where it was first seen; anything else is seen anew */
	if (v.tag != CX_T_OBJ || (const void *)v.u.o != X->heap->exc_caught)
		X->heap->exc_line = 0;
	cx_budget__settle(X); /* a catch reads X->steps as the budget (heap.c cx_tick) */
	return CX_EXCEPTION;
}

void cx_exc_at(cx_ctx *X, const char *file, int line)
{
	struct cx_heap *h = X->heap;
	size_t n = file ? strlen(file) : 0;

	if (h->exc_line)
		return; /* a caller's statement: the place is the first one */
	if (n >= h->exc_cap) { /* a copy: the code it names may be unloaded before it is read */
		char *p = realloc(h->exc_file, n + 1);
		if (!p)
			return; /* no place known: nothing else fails for it */
		h->exc_file = p;
		h->exc_cap = n + 1;
	}
	memcpy(h->exc_file, file ? file : "", n + 1);
	h->exc_line = line;
}

int cx_exc_where(cx_ctx *X, const char **file)
{
	*file = X->heap->exc_line && X->heap->exc_file[0] ? X->heap->exc_file : NULL;
	return X->heap->exc_line;
}

cx_value cx_catch(cx_ctx *X)
{
	cx_value v = X->exc;

	X->heap->exc_caught = v.tag == CX_T_OBJ ? (const void *)v.u.o : NULL;
	X->exc = CX_UNDEFINED;
	cx_heap__ask(X); /* cx_throw settled the budget (the catch has read it by now) */
	return v;
}

static int cx_exc__proto_id(const char *ctor)
{
	static const char *const names[] = {"Error", "TypeError", "ReferenceError", "RangeError",
					    "SyntaxError", "EvalError", "URIError"};
	int i;

	for (i = 0; i < 7; i++)
		if (!strcmp(ctor, names[i]))
			return CX_P_ERROR + i;
	return CX_P_ERROR;
}

cx_value cx_throw_error(cx_ctx *X, const char *ctor, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	cx_obj *e;
	cx_value msg;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	e = cx_obj__new(X, CX_C_ERROR, CX_PROTO(X, cx_exc__proto_id(ctor)));
	if (!e)
		return CX_EXCEPTION; /* the out-of-memory error is pending instead */
	msg = cx_str_cstr(X, buf);
	if (cx_is_exc(msg) || cx_obj__set(X, e, CX_STR_REF(cx_s_message), msg, CX_PROP_DONTENUM))
		return CX_EXCEPTION;
	return cx_throw(X, cx_objv(e));
}

CX_STR_DEF(cx_s_exception, "exception");

cx_value cx_exc_describe(cx_ctx *X, cx_value exc)
{
	cx_value save = X->exc, r = CX_EXCEPTION;
	int slack = X->heap->slack;

	/* The description is most needed right after "out of memory": allow the slack. */
	X->heap->slack = 1;
	if (exc.tag == CX_T_OBJ && exc.u.o->cls == CX_C_ERROR) {
		cx_value n = cx_obj__get(X, exc.u.o, CX_STR_REF(cx_s_name));
		cx_value m = cx_obj__get(X, exc.u.o, CX_STR_REF(cx_s_message));
		cx_str *ns = cx_is_exc(n) ? NULL : cx_to_str(X, n);
		cx_str *ms = ns && !cx_is_exc(m) ? cx_to_str(X, m) : NULL;
		if (ns && ms) {
			if (!ms->len)
				r = cx_strv(ns);
			else {
				cx_sb sb = {0};
				cx_sb_str(&sb, ns);
				cx_sb_ascii(&sb, ": ");
				cx_sb_str(&sb, ms);
				r = cx_sb_finish(X, &sb);
			}
		}
	}
	else
		r = cx_to_string(X, exc);
	X->heap->slack = slack;
	X->exc = save;
	return cx_is_exc(r) ? cx_strv(CX_STR_REF(cx_s_exception)) : r;
}
