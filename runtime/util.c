/*
 * util.c — small pure helpers of the runtime: CSS2 times, event patterns, scenario globs,
 * strings from values, SIP reasons, log escaping, secrets (random bytes, constant-time
 * comparison) and heap-neutral copies of values (cx_cval).
 */
#include <string.h>
#include <errno.h>
#include <sys/random.h>
#include <stdlib.h>
#include <ctype.h>
#include <math.h>
#include "rt.h"

/* CSS2 time: [+]number unit, unit "s" or "ms" (case-insensitive), number = digits [. digits]
 * or . digits. A sign '-' is refused: a negative delay makes no sense for CCXML. */
int cx_rt_time(const char *s, uint64_t *ms)
{
	double v = 0, scale = 1;
	int ndig = 0;

	if (!s || !ms)
		return EINVAL;
	while (isspace((unsigned char)*s))
		++s;
	if (*s == '+')
		++s;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		++ndig;
	}
	if (*s == '.') {
		++s;
		while (isdigit((unsigned char)*s)) {
			scale /= 10;
			v += (*s++ - '0') * scale;
			++ndig;
		}
	}
	if (!ndig)
		return EINVAL;
	if ((s[0] == 'm' || s[0] == 'M') && (s[1] == 's' || s[1] == 'S'))
		s += 2;
	else if (s[0] == 's' || s[0] == 'S')
		v *= 1000, s += 1;
	else
		return EINVAL;
	while (isspace((unsigned char)*s))
		++s;
	if (*s || v > 1e12)
		return EINVAL;
	*ms = (uint64_t)(v + 0.5);
	return 0;
}

int cx_rt_match(const char *p, const char *name)
{
	size_t pl, nl;

	if (!p)
		return 1;
	pl = strlen(p);
	nl = strlen(name);
	if (pl == 1 && p[0] == '*')
		return 1;
	if (pl >= 2 && p[pl - 2] == '.' && p[pl - 1] == '*') {
		/* "x.*" matches "x" itself and any "x.…" */
		size_t k = pl - 2;
		if (nl < k || strncasecmp(p, name, k))
			return 0;
		return name[k] == '\0' || name[k] == '.';
	}
	if (pl >= 1 && p[pl - 1] == '*')
		return nl >= pl - 1 && !strncasecmp(p, name, pl - 1);
	return !strcasecmp(p, name);
}

int cx_rt_glob(const char *p, const char *s)
{
	/* iterative glob with one backtrack point: linear enough for scenario patterns */
	const char *star = NULL, *mark = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			mark = s;
		}
		else if (*p == *s) {
			++p;
			++s;
		}
		else if (star) {
			p = star + 1;
			s = ++mark;
		}
		else
			return 0;
	}
	while (*p == '*')
		++p;
	return *p == '\0';
}

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

const char *cx_rt_sipreason(int code)
{
	if (code == 404 || code == 484 || code == 500)
		return "badnumber";
	if (code == 403 || (code >= 501 && code <= 599))
		return "unreachable";
	if (code == 480 || code == 486 || code == 603)
		return "busy";
	if (code == 408)
		return "timeout";
	return "unknown";
}

/* Section - Logs and secrets */

int cx_rt_esc(struct re_printf *pf, void *arg)
{
	const char *s = arg, *run;
	int err = 0;

	if (!s)
		return re_hprintf(pf, "(null)");
	/* runs of plain bytes in one go; each control byte as \n, \r, \t or \xNN */
	for (run = s; !err && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (s > run)
			err = re_hprintf(pf, "%b", run, (size_t)(s - run));
		if (!err)
			err = c == '\n' ? re_hprintf(pf, "\\n") : c == '\r' ? re_hprintf(pf, "\\r") :
				c == '\t' ? re_hprintf(pf, "\\t") : re_hprintf(pf, "\\x%02x", c);
		run = s + 1;
	}
	if (!err && s > run)
		err = re_hprintf(pf, "%b", run, (size_t)(s - run));
	return err;
}

int cx_rt_escurl(struct re_printf *pf, void *arg)
{
	static const char *const hide[] = {"secret=", "token=", "tokenid=", NULL};
	const char *u = arg, *p = u ? strchr(u, '?') : NULL;
	char *copy;
	size_t k = 0;
	int err;

	if (!p)
		return cx_rt_esc(pf, arg);
	copy = mem_alloc(4 * strlen(u) + 1, NULL); /* "a=&" -> "a=...&" at worst */
	if (!copy)
		return ENOMEM;
	/* the URL with the value of each credential field of its query shown as "..." */
	memcpy(copy, u, (size_t)(++p - u));
	k = (size_t)(p - u);
	while (*p) {
		const char *const *h;
		size_t n = strcspn(p, "&");
		for (h = hide; *h && strncmp(p, *h, strlen(*h)); h++)
			;
		if (*h) {
			memcpy(copy + k, *h, strlen(*h));
			k += strlen(*h);
			memcpy(copy + k, "...", 3);
			k += 3;
		}
		else {
			memcpy(copy + k, p, n);
			k += n;
		}
		p += n;
		if (*p)
			copy[k++] = *p++;
	}
	copy[k] = '\0';
	err = cx_rt_esc(pf, copy);
	mem_deref(copy);
	return err;
}

int cx_rt_random(void *p, size_t n)
{
	uint8_t *b = p;

	/* the kernel's CSPRNG (libre's rand_bytes() is only that when libre was built with
	 * OpenSSL); blocks only until the pool is seeded, once, early after boot */
	while (n) {
		ssize_t got = getrandom(b, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		b += got;
		n -= (size_t)got;
	}
	return 0;
}

int cx_rt_ct_eq(const char *secret, const char *given)
{
	size_t sl = strlen(secret), gl = strlen(given), i;
	volatile unsigned char d = (unsigned char)(sl != gl);

	/* the time depends on the length of what was given, never on where it differs nor on
	 * the secret's length */
	for (i = 0; i < gl; i++)
		d |= (unsigned char)given[i] ^ (unsigned char)(sl ? secret[i % sl] : 0);
	return d == 0;
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
	case CX_T_STR: {
		const char *u = cx_str_to_utf8(X, v.u.s, NULL);
		if (!u || str_dup(&c->s, u))
			return mem_deref(c);
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
	case CX_T_STR: return cx_str_cstr(X, c->s);
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
