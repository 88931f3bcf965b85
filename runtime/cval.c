/*
 * cval.c — heap-neutral values: deep copies of ES values in plain C memory (cx_cval), so that
 * events, values and exit results can cross from one session's heap to another's, and
 * ToString of a value as UTF-8 for C callers.
 */
#include <string.h>
#include <math.h>
#include "rt.h"

const char *cx_rt_str(cx_ctx *X, cx_value v)
{
	cx_value s = cx_to_string(X, v);
	const char *r;

	if (cx_is_exc(s))
		return NULL;
	r = cx_str_to_utf8(X, s.u.s, NULL);
	if (!r)
		cx_throw_error(X, "RangeError", "out of memory");
	return r;
}

/* Section - cx_cval */

static void cx_cval__destroy(void *arg)
{
	cx_cval *c = arg;
	uint32_t i;

	mem_deref(c->s);
	for (i = 0; i < c->nkids; i++) {
		mem_deref(c->keys[i]);
		mem_deref(c->kids[i]);
	}
	mem_deref(c->keys);
	mem_deref(c->kids);
}

cx_cval *cx_cval_str(const char *s)
{
	cx_cval *c = mem_zalloc(sizeof(*c), cx_cval__destroy);

	if (!c)
		return NULL;
	c->tag = s ? CX_T_STR : CX_T_UNDEF;
	if (s && str_dup(&c->s, s))
		return mem_deref(c);
	c->slen = s ? strlen(s) : 0;
	return c;
}

/* Adds key -> kid to an object cval (takes kid). */
int cx_cval_put(cx_cval *o, const char *key, size_t klen, cx_cval *kid)
{
	uint32_t n = o->nkids;
	char **keys;
	cx_cval **kids;

	if (!kid)
		return ENOMEM;
	/* libre's mem_realloc() does not allocate from NULL */
	keys = n ? mem_realloc(o->keys, (n + 1) * sizeof(*keys)) : mem_zalloc(sizeof(*keys), NULL);
	if (!keys)
		goto nomem;
	o->keys = keys;
	kids = n ? mem_realloc(o->kids, (n + 1) * sizeof(*kids)) : mem_zalloc(sizeof(*kids), NULL);
	if (!kids)
		goto nomem;
	o->kids = kids;
	keys[n] = NULL;
	if (re_sdprintf(&keys[n], "%b", key, klen))
		goto nomem;
	kids[n] = kid;
	o->nkids = n + 1;
	return 0;
 nomem:
	mem_deref(kid);
	return ENOMEM;
}

cx_cval *cx_cval_obj(void)
{
	cx_cval *o = cx_cval_str(NULL);

	if (o)
		o->tag = CX_T_OBJ;
	return o;
}

cx_cval *cx_cval_num(double n)
{
	cx_cval *c = cx_cval_str(NULL);

	if (c) {
		c->tag = CX_T_NUM;
		c->n = n;
	}
	return c;
}

cx_cval *cx_cval_from(cx_ctx *X, cx_value v, int depth)
{
	cx_cval *c = mem_zalloc(sizeof(*c), cx_cval__destroy);
	cx_value keys;
	uint32_t i, n;

	if (!c)
		return NULL;
	c->tag = v.tag;
	switch (v.tag) {
	case CX_T_BOOL:
		c->n = v.u.b;
		break;
	case CX_T_NUM:
		c->n = v.u.n;
		break;
	case CX_T_STR: { /* every character, NUL included (the length goes along) */
		size_t len;
		const char *u = cx_str_to_utf8(X, v.u.s, &len);
		if (!u || !(c->s = mem_alloc(len + 1, NULL)))
			return mem_deref(c);
		memcpy(c->s, u, len + 1);
		c->slen = len;
		break;
	}
	case CX_T_OBJ:
		if (depth <= 0) {
			/* too deep (or a cycle): the copy stops with undefined */
			c->tag = CX_T_UNDEF;
			break;
		}
		{
			cx_value arrctor = cx_get_cstr(X, cx_global(X), "Array");
			cx_value isa = cx_is_obj(arrctor) ? cx_op_instanceof(X, v, arrctor) : CX_FALSE;
			if (cx_is_exc(isa))
				cx_catch(X);
			else
				c->isarr = cx_truthy(isa);
		}
		keys = cx_forin_keys(X, v);
		if (cx_is_exc(keys)) {
			cx_catch(X);
			break;
		}
		n = cx_arr_length(X, keys);
		c->keys = mem_zalloc(n ? n * sizeof(char *) : 1, NULL);
		c->kids = mem_zalloc(n ? n * sizeof(cx_cval *) : 1, NULL);
		if (!c->keys || !c->kids)
			return mem_deref(c);
		for (i = 0; i < n; i++) {
			cx_value k = cx_get(X, keys, cx_num(i)), pv;
			const char *ks;
			if (cx_is_exc(k) || !cx_is_str(k)) {
				cx_catch(X);
				continue;
			}
			pv = cx_get(X, v, k);
			if (cx_is_exc(pv)) {
				cx_catch(X);
				continue;
			}
			ks = cx_str_to_utf8(X, k.u.s, NULL);
			if (!ks || str_dup(&c->keys[c->nkids], ks))
				return mem_deref(c);
			c->kids[c->nkids] = cx_cval_from(X, pv, depth - 1);
			if (!c->kids[c->nkids]) {
				c->keys[c->nkids] = mem_deref(c->keys[c->nkids]);
				return mem_deref(c);
			}
			c->nkids++;
		}
		break;
	default:
		c->tag = v.tag == CX_T_NULL ? CX_T_NULL : CX_T_UNDEF;
		break;
	}
	return c;
}

cx_value cx_cval_to(cx_ctx *X, const cx_cval *c)
{
	cx_value o;
	uint32_t i;

	if (!c)
		return CX_UNDEFINED;
	switch (c->tag) {
	case CX_T_NULL: return CX_NULLV;
	case CX_T_BOOL: return cx_bool(c->n != 0);
	case CX_T_NUM: return cx_num(c->n);
	case CX_T_STR: return cx_str_utf8(X, c->s, c->slen);
	case CX_T_OBJ:
		o = c->isarr ? cx_arr_new(X, 0, NULL) : cx_obj_new(X);
		if (cx_is_exc(o))
			return o;
		for (i = 0; i < c->nkids; i++) {
			cx_value kv = cx_cval_to(X, c->kids[i]), key, r;
			if (cx_is_exc(kv))
				return kv;
			key = cx_str_cstr(X, c->keys[i]);
			if (cx_is_exc(key))
				return key;
			r = cx_put(X, o, key, kv);
			if (cx_is_exc(r))
				return r;
		}
		return o;
	default:
		return CX_UNDEFINED;
	}
}
