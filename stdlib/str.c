/*
 * str.c — immutable strings: Latin-1 (8-bit) when every code unit fits, else UTF-16.
 * Lengths and indices are in UTF-16 code units, as ECMAScript sees them.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cx_priv.h"

static inline __attribute__((always_inline)) cx_str *cx_str__alloc(cx_ctx *X, size_t len, int wide)
{
	cx_str *s;

	if (len > 0x3fffffff) {
		cx_throw_error(X, "RangeError", "string too long");
		return NULL;
	}
	s = cx_heap__alloc_nz(X, CX_K_STR, sizeof(*s) + len * (wide ? 2 : 1) + 1);
	if (!s)
		return NULL;
	((char *)(s + 1))[len * (wide ? 2 : 1)] = 0; /* the byte after the characters stays 0 */
	s->hash = 0;
	s->len = (uint32_t)len;
	s->wide = (uint32_t)wide;
	s->chars = (const char *)(s + 1);
	return s;
}

/* n bytes from s to d: the short pieces of a concatenation (a number, a comma) without a call. */
static inline void cx_str__copy8(char *d, const char *s, uint32_t n)
{
	if (n > 16)
		memcpy(d, s, n);
	else
		cx_copy_short(d, s, n);
}

cx_str *cx_str__new8(cx_ctx *X, const uint8_t *p, size_t len)
{
	cx_str *s = cx_str__alloc(X, len, 0);

	if (s && len)
		cx_str__copy8((char *)s->chars, (const char *)p, (uint32_t)len);
	return s;
}

cx_str *cx_str__new16(cx_ctx *X, const uint16_t *p, size_t len)
{
	size_t i;
	int wide = 0;
	cx_str *s;

	for (i = 0; i < len; i++)
		if (p[i] > 0xff) {
			wide = 1;
			break;
		}
	s = cx_str__alloc(X, len, wide);
	if (!s)
		return NULL;
	if (wide)
		memcpy((char *)s->chars, p, len * 2);
	else
		for (i = 0; i < len; i++)
			((uint8_t *)s->chars)[i] = (uint8_t)p[i];
	return s;
}

cx_str *cx_str__ascii(cx_ctx *X, const char *s)
{
	return cx_str__new8(X, (const uint8_t *)s, strlen(s));
}

uint32_t cx_str_len(const cx_str *s)
{
	return s->len;
}

/* FNV-1a over code units; the same string hashes alike whether 8- or 16-bit. */
/* The hash of a flat r, set in s */
static uint32_t cx_str__hash_of(cx_str *s, const cx_str *r)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < r->len; i++) {
		uint16_t c = cx_str__at_flat(r, i);
		h = (h ^ (c & 0xff)) * 16777619u;
		h = (h ^ (c >> 8)) * 16777619u;
	}
	s->hash = h ? h : 1;
	return s->hash;
}

static __attribute__((noinline)) uint32_t cx_str__hash_cons(cx_str *s)
{
	cx_str_tmp t;

	return cx_str__hash_of(s, cx_str__cons_rd(s, &t));
}

uint32_t cx_str__hash(cx_str *s)
{
	if (s->hash)
		return s->hash;
	return __builtin_expect(s->chars != NULL, 1) ? cx_str__hash_of(s, s) : cx_str__hash_cons(s);
}

/* cx_str_eq of two strings, one a cons: out of line, the usual way keeps no buffers */
static __attribute__((noinline)) int cx_str__eq_cons(const cx_str *a, const cx_str *b)
{
	cx_str_tmp ta, tb;

	return cx_str_eq(cx_str__rd(a, &ta), cx_str__rd(b, &tb));
}

int cx_str_eq(const cx_str *a, const cx_str *b)
{
	uint32_t i;

	if (a == b)
		return 1;
	if (a->len != b->len || (a->hash && b->hash && a->hash != b->hash))
		return 0;
	if (__builtin_expect(!a->chars || !b->chars, 0))
		return cx_str__eq_cons(a, b);
	if (!a->wide && !b->wide)
		return memcmp(a->chars, b->chars, a->len) == 0;
	for (i = 0; i < a->len; i++)
		if (cx_str__at_flat(a, i) != cx_str__at_flat(b, i))
			return 0;
	return 1;
}

/* the functions below for a cons: its characters gathered on the stack (out of line: the
 * usual way keeps no buffer) */
static __attribute__((noinline)) int cx_str__eq_ascii_cons(const cx_str *a, const char *ascii)
{
	cx_str_tmp t;

	return cx_str_eq_ascii(cx_str__cons_rd(a, &t), ascii);
}

static __attribute__((noinline)) int cx_str__to_ascii_cons(const cx_str *s, char *buf, size_t cap)
{
	cx_str_tmp t;

	return cx_str_to_ascii(cx_str__cons_rd(s, &t), buf, cap);
}

int cx_str_eq_ascii(const cx_str *a, const char *ascii)
{
	size_t n = strlen(ascii);
	uint32_t i;

	if (a->len != n)
		return 0;
	if (__builtin_expect(!a->chars, 0))
		return cx_str__eq_ascii_cons(a, ascii);
	if (!a->wide)  /* Latin-1 bytes: ASCII compares as they are */
		return !memcmp(a->chars, ascii, n);
	for (i = 0; i < n; i++)
		if (cx_str__at(a, i) != (uint8_t)ascii[i])
			return 0;
	return 1;
}

int cx_str_to_ascii(const cx_str *s, char *buf, size_t cap)
{
	uint32_t i;

	if (s->len >= cap)
		return 0;
	if (__builtin_expect(!s->chars, 0))
		return cx_str__to_ascii_cons(s, buf, cap);
	if (!s->wide) {  /* Latin-1 bytes: ASCII when none is 0 or above 0x7f */
		const uint8_t *p = (const uint8_t *)s->chars;
		for (i = 0; i < s->len; i++)
			if ((uint8_t)(p[i] - 1) >= 0x7f)
				return 0;
		memcpy(buf, p, s->len);
		buf[s->len] = '\0';
		return 1;
	}
	for (i = 0; i < s->len; i++) {
		uint16_t c = cx_str__at(s, i);
		if (!c || c >= 0x80)
			return 0;
		buf[i] = (char)c;
	}
	buf[i] = '\0';
	return 1;
}

static inline int cx_str__cmp_flat(const cx_str *a, const cx_str *b)
{
	uint32_t i, n = a->len < b->len ? a->len : b->len;

	for (i = 0; i < n; i++) {
		uint16_t x = cx_str__at_flat(a, i), y = cx_str__at_flat(b, i);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

static __attribute__((noinline)) int cx_str__cmp_cons(const cx_str *a, const cx_str *b)
{
	cx_str_tmp ta, tb;

	return cx_str__cmp_flat(cx_str__rd(a, &ta), cx_str__rd(b, &tb));
}

int cx_str__cmp(const cx_str *a, const cx_str *b)
{
	if (__builtin_expect(a->chars && b->chars, 1))
		return cx_str__cmp_flat(a, b);
	return cx_str__cmp_cons(a, b);
}

/* Section - Cons strings
 *
 * A short 8-bit concatenation (CX_CONS_MIN to CX_CAT8_MAX - 1 characters, both parts not
 * empty) in a busy heap is a cons: a 40-byte header in a page's slot with chars NULL and the two
 * parts after it (struct cx_str_cons, cx_value.h), where a flat copy would write 25 bytes more
 * than its length. Most such strings are measured, indexed or passed on and dropped; the
 * characters are gathered only when something needs them: into a stack buffer for a read
 * (cx_str__rd, no allocation, bounded by CX_CAT8_MAX), or into a flat string the cons keeps
 * from then on (cx_str__flat: chars points into it, left is it, right NULL), for what keeps or
 * hashes it. Parts are never empty and the whole is shorter than CX_CAT8_MAX, so a cons is less
 * than CX_CAT8_MAX deep: the walks below need no recursion, their stack is bounded. The
 * collector marks a cons's parts (heap.c cx_gc__grey, strpage.c cx_pg__mark_words). */

/* s's characters (s a cons, 8-bit) written to d: the parts from the last, leaves copied in
 * place. */
static __attribute__((noinline)) void cx_str__cons_fill(const cx_str *s, char *d)
{
	const cx_str *st[CX_CAT8_MAX]; /* disjoint non-empty parts of s: at most s->len */
	uint32_t n = 0, end = s->len;

	st[n++] = s;
	while (n) {
		const cx_str *p = st[--n];
		if (p->chars) {
			end -= p->len;
			memcpy(d + end, p->chars, p->len);
		}
		else {
			const struct cx_str_cons *c = (const struct cx_str_cons *)(const void *)p;
			st[n++] = (const cx_str *)c->left;
			st[n++] = (const cx_str *)c->right;
		}
	}
}

/* s's characters to d, s 8-bit (a cons's gathered there): short ones without a call, as
 * cx_copy_short, or any length (cx_str__copy8) */
static inline __attribute__((always_inline)) void cx_str__put_short(char *d, const cx_str *s)
{
	if (__builtin_expect(s->chars != NULL, 1))
		cx_copy_short(d, s->chars, s->len);
	else
		cx_str__cons_fill(s, d);
}

static inline __attribute__((always_inline)) void cx_str__put8(char *d, const cx_str *s)
{
	if (__builtin_expect(s->chars != NULL, 1))
		cx_str__copy8(d, s->chars, s->len);
	else
		cx_str__cons_fill(s, d);
}

const cx_str *cx_str__cons_rd(const cx_str *s, cx_str_tmp *t)
{
	cx_str__cons_fill(s, t->c);
	t->c[s->len] = 0;
	t->h.gc = CX_STR_STATIC_MARK; /* not a heap thing: nothing may keep it */
	t->h.len = s->len;
	t->h.hash = s->hash;
	t->h.wide = 0;
	t->h.chars = t->c;
	return &t->h;
}

uint16_t cx_str__cons_at(const cx_str *s, uint32_t i)
{
	while (!s->chars) {
		const struct cx_str_cons *c = (const struct cx_str_cons *)(const void *)s;
		if (i < c->left->len)
			s = (const cx_str *)c->left;
		else {
			i -= c->left->len;
			s = (const cx_str *)c->right;
		}
	}
	return s->wide ? ((const uint16_t *)s->chars)[i] : (uint8_t)s->chars[i];
}

double cx_str_cons_code(const struct cx_str_static *s, uint32_t i)
{
	return cx_str__cons_at((const cx_str *)s, i);
}

cx_str *cx_str__flat_cons(cx_ctx *X, cx_str *s)
{
	struct cx_str_cons *c = (struct cx_str_cons *)(void *)s;
	cx_str_tmp t;
	cx_str *f;

	if (!(f = cx_str__new8(X, (const uint8_t *)cx_str__c8(s, &t), s->len)))
		return NULL;
	f->hash = s->hash;
	c->left = (const struct cx_str_static *)f; /* what keeps f alive from now on */
	c->right = NULL;
	s->chars = f->chars;
	return f;
}

/* A cons of a and b (8-bit, neither empty, len characters in all, CX_CONS_MIN <= len <
 * CX_CAT8_MAX) in the slot p (NULL: nothing). */
static inline __attribute__((always_inline)) cx_str *cx_str__cons_at_slot(void *p, const cx_str *a, const cx_str *b, size_t len)
{
	struct cx_str_cons *c = p;

	if (c) {
		c->h.gc = CX_STR_CONS_GC;
		c->h.len = (uint32_t)len;
		c->h.hash = 0;
		c->h.wide = 0;
		c->h.chars = NULL;
		c->left = (const struct cx_str_static *)(const void *)a;
		c->right = (const struct cx_str_static *)(const void *)b;
	}
	return (cx_str *)c;
}

static cx_str *cx_str__cat_miss(cx_ctx *X, cx_str *a, cx_str *b, size_t len);

/* cx_str__cons's miss: the next run of the cons's size class (cx_heap__alloc_nz_slow); when
 * the slot it got is not a page's (no page could be had), a flat copy after all. NULL with an
 * exception pending when out of memory. */
static __attribute__((noinline)) cx_str *cx_str__cons_miss(cx_ctx *X, cx_str *a, cx_str *b, size_t len)
{
	cx_str *s = cx_heap__alloc_nz_slow(X, CX_K_STR, sizeof(struct cx_str_cons));

	if (s && !(s->gc & CX_GC_PAGED)) { /* a plain string of the free lists: left empty */
		s->len = s->hash = s->wide = 0;
		s->chars = (const char *)(s + 1);
		*(char *)(s + 1) = 0;
		return cx_str__cat_miss(X, a, b, len);
	}
	return cx_str__cons_at_slot(s, a, b, len);
}

/* A cons may be made: a heap with pages, not building its built-ins. */
static inline int cx_str__cons_ok(cx_ctx *X)
{
	return X->heap->pg && !X->heap->perm_mode;
}

/* a and b as a cons (as cx_str__cons_at_slot; cx_str__cons_ok), or NULL with an exception
 * pending. Out of line: the callers' other ways keep their few saved registers (a tail call). */
static __attribute__((noinline)) cx_str *cx_str__cons(cx_ctx *X, cx_str *a, cx_str *b, size_t len)
{
	cx_str *s = cx_str__cons_at_slot(cx_pg__alloc(X->heap, sizeof(struct cx_str_cons)), a, b, len);

	return s ? s : cx_str__cons_miss(X, a, b, len);
}

/* Section - Concatenation
 *
 * Strings stay immutable to scripts, but a long result of a concatenation keeps its characters
 * in a buffer with room to spare (cx_sbuf, a CX_K_BUF thing); its header is flagged
 * CX_GC_INBUF, points into the buffer and carries the buffer's address right after itself (the
 * collector marks the buffer through it, heap.c). When the first operand of the next
 * concatenation is the last string built in its buffer (its length is the buffer's used length)
 * and the rest fits, the rest is copied after it and the result is a new header over the longer
 * prefix: an older string still sees only its own prefix, and characters before `used` never
 * change. So `s += x` in a loop copies each character a bounded number of times (the buffer
 * doubles) and allocates only a header per step. Nothing is appended while the built-ins are
 * being built (perm_mode): a built-in header must not point at an ordinary buffer. */
#define CX_STR_BUF_MIN CX_CAT8_MAX /* shorter results stay flat: a buffer is for strings that grow */

typedef struct cx_sbuf {
	uint32_t gc;
	uint32_t cap, used, wide; /* chars (cap of them) follow */
} cx_sbuf;

static inline cx_sbuf *cx_str__buf(const cx_str *s)
{
	return s->gc != CX_STR_STATIC_MARK && (s->gc & CX_GC_INBUF) ? *(cx_sbuf *const *)(s + 1) : NULL;
}

void *cx_str__buf_of(const cx_str *s)
{
	return cx_str__buf(s);
}

/* Copies s's characters to d, d being 16-bit when wide. */
static inline void cx_str__put(void *d, int wide, const cx_str *s);

/* cx_str__put of a cons into 16-bit d */
static __attribute__((noinline)) void cx_str__put_cons16(void *d, const cx_str *s)
{
	cx_str_tmp t;

	cx_str__put(d, 1, cx_str__cons_rd(s, &t));
}

static inline void cx_str__put(void *d, int wide, const cx_str *s)
{
	uint32_t i;

	if (!wide)
		cx_str__put8(d, s);
	else if (__builtin_expect(!s->chars, 0))
		cx_str__put_cons16(d, s);
	else if (s->wide)
		memcpy(d, s->chars, (size_t)s->len * 2);
	else
		for (i = 0; i < s->len; i++)
			((uint16_t *)d)[i] = (uint8_t)s->chars[i];
}

static inline __attribute__((always_inline)) void cx_str__buf_put(cx_sbuf *b, const cx_str *s)
{
	cx_str__put((char *)(b + 1) + (size_t)b->used * (b->wide ? 2 : 1), (int)b->wide, s);
	b->used += s->len;
}

/* A string over the first len characters of b. */
static cx_str *cx_str__in(cx_ctx *X, cx_sbuf *b, uint32_t len)
{
	cx_str *s = cx_heap__alloc_nz(X, CX_K_STR | CX_GC_INBUF, sizeof(*s) + sizeof(b));

	if (!s)
		return NULL;
	s->hash = 0;
	s->len = len;
	s->wide = b->wide;
	s->chars = (const char *)(b + 1);
	*(cx_sbuf **)(s + 1) = b;
	return s;
}

/* part[0..n), all 8-bit, copied after the last string of the 8-bit buffer b (len: the length
 * of the result, within b's room), `used` set once: the result's new header. */
static cx_str *cx_str__fill8(cx_ctx *X, cx_sbuf *b, cx_str *const *part, uint32_t n, size_t len)
{
	char *d = (char *)(b + 1) + b->used;

	for (uint32_t i = 0; i < n; i++) {
		cx_str__put8(d, part[i]);
		d += part[i]->len;
	}
	b->used = (uint32_t)len;
	return cx_str__in(X, b, (uint32_t)len);
}

/* s (NULL: nothing) as an 8-bit string of len characters to fill. */
static inline __attribute__((always_inline)) cx_str *cx_str__short8_at(cx_str *s, size_t len)
{
	if (s) {
		((char *)(s + 1))[len] = 0; /* as cx_str__alloc */
		s->hash = 0;
		s->len = (uint32_t)len;
		s->wide = 0;
		s->chars = (const char *)(s + 1);
	}
	return s;
}

/* An 8-bit string of len (below CX_STR_BUF_MIN) characters to fill, in a recycled block taken
 * inline (cx_heap__alloc_nz_fast), or NULL: the caller goes the general way. */
static inline __attribute__((always_inline)) cx_str *cx_str__short8(cx_ctx *X, size_t len)
{
	return cx_str__short8_at(cx_heap__alloc_nz_fast(X, CX_K_STR, sizeof(cx_str) + len + 1), len);
}

cx_str *cx_str__join(cx_ctx *X, cx_str *const *part, uint32_t n)
{
	size_t len = 0, most = 0;
	uint32_t i, first = 0, wide = 0;
	cx_sbuf *b;
	cx_str *s;
	char *d;

	for (i = 0; i < n; i++) {
		len += part[i]->len;
		wide |= part[i]->wide;
		most = part[i]->len > most ? part[i]->len : most;
	}
	/* the usual chain in a busy heap ('id=' + x + ', ' + y): a short 8-bit result, no piece the
	 * whole of it, the first not in a buffer (which the ways below may append to), in a page's
	 * slot with the pieces copied without calls; as cx_str__concat for two */
	if (len < CX_STR_BUF_MIN && most < len && !wide && X->heap->pg && !cx_str__buf(part[0]) &&
	    (s = cx_str__short8_at(cx_pg__alloc(X->heap, sizeof(*s) + len + 1), len))) {
		for (i = 0, d = (char *)(s + 1); i < n; d += part[i++]->len)
			cx_str__put_short(d, part[i]);
		return s;
	}
	while (first < n - 1 && !part[first]->len)
		first++;
	if (part[first]->len == len)
		return part[first]; /* no copy: the only non-empty one, or the first empty one */
	if (len > 0x3fffffff) {
		cx_throw_error(X, "RangeError", "string too long");
		return NULL;
	}
	wide = wide != 0;
	b = cx_str__buf(part[first]);
	if (b && b->used == part[first]->len && (b->wide || !wide) && b->cap >= len &&
	    !X->heap->perm_mode) {
		if (!b->wide) /* all 8-bit */
			return cx_str__fill8(X, b, part + first + 1, n - first - 1, len);
		for (i = first + 1; i < n; i++)
			cx_str__buf_put(b, part[i]);
		return cx_str__in(X, b, (uint32_t)len);
	}
	if (len >= CX_STR_BUF_MIN && !X->heap->perm_mode) {
		size_t cap = len * 2 > 0x3fffffff ? 0x3fffffff : len * 2;
		if (!(b = cx_heap__alloc_nz(X, CX_K_BUF, sizeof(*b) + cap * (wide ? 2 : 1))))
			return NULL;
		b->used = 0;
		b->cap = (uint32_t)cap;
		b->wide = wide;
		for (i = first; i < n; i++)
			cx_str__buf_put(b, part[i]);
		return cx_str__in(X, b, (uint32_t)len);
	}
	if (!wide && len < CX_STR_BUF_MIN && (s = cx_str__short8(X, len))) {
		/* the usual short 8-bit result: a recycled block, the pieces copied without calls */
		for (i = first, d = (char *)(s + 1); i < n; d += part[i++]->len)
			cx_str__put_short(d, part[i]);
		return s;
	}
	if (!(s = cx_str__alloc(X, len, (int)wide)))
		return NULL;
	for (i = first, d = (char *)s->chars; i < n; i++) {
		cx_str__put(d, (int)wide, part[i]);
		d += (size_t)part[i]->len * (wide ? 2 : 1);
	}
	return s;
}

/* a followed by part[0..n) (n <= 8), a being the string `x += chain` builds onto: when a is
 * the last string of an 8-bit buffer and 8-bit pieces fit after it, they are copied there and
 * the result is one new header (the loop of `s += 'item' + i + ','`); else cx_str__join. */
cx_str *cx_str__join_onto(cx_ctx *X, cx_str *a, cx_str *const *part, uint32_t n)
{
	cx_str *all[9];
	cx_sbuf *b = cx_str__buf(a);
	size_t len = a->len;
	uint32_t i, wide = 0;

	if (b && !b->wide && b->used == a->len && !X->heap->perm_mode) {
		for (i = 0; i < n; i++) {
			len += part[i]->len;
			wide |= part[i]->wide;
		}
		if (!wide && len <= b->cap)
			return cx_str__fill8(X, b, part, n, len);
	}
	all[0] = a;
	for (i = 0; i < n && i < 8; i++)
		all[i + 1] = part[i];
	return cx_str__join(X, all, i + 1);
}

/* cx_str__concat of two non-empty strings but for the short flat case in a recycled block:
 * onto a's buffer, or joined. Out of line, so that the short case saves no registers. */
static __attribute__((noinline)) cx_str *cx_str__concat_long(cx_ctx *X, cx_str *a, cx_str *b)
{
	cx_str *part[2] = {a, b};
	size_t len = (size_t)a->len + b->len;
	cx_sbuf *ab;

	if ((ab = cx_str__buf(a)) && ab->used == a->len && (ab->wide || !b->wide) &&
	    ab->cap - ab->used >= b->len && len <= 0x3fffffff && !X->heap->perm_mode) {
		/* `s += x` on the last string of its buffer, with room: x after it, a new header */
		cx_str__buf_put(ab, b);
		return cx_str__in(X, ab, (uint32_t)len);
	}
	return cx_str__join(X, part, 2);
}

/* a then b copied into s, an 8-bit string of their length to fill (NULL: nothing); flat: the
 * caller knows neither is a cons (then no call: the short way saves few registers) */
static inline __attribute__((always_inline)) cx_str *cx_str__cat_fill(cx_str *s, const cx_str *a, const cx_str *b, int flat)
{
	if (s && flat) {
		cx_copy_short((char *)(s + 1), a->chars, a->len);
		cx_copy_short((char *)(s + 1) + a->len, b->chars, b->len);
	}
	else if (s) {
		cx_str__put_short((char *)(s + 1), a);
		cx_str__put_short((char *)(s + 1) + a->len, b);
	}
	return s;
}

/* a and b (8-bit, len characters in all, below CX_STR_BUF_MIN) in a page's slot, or NULL:
 * a quieter heap without pages, or the page's run is used up. Neither is a cons: a heap with
 * pages makes one of a longer result (cx_str__cons_ok), and a cons is at least as long. */
static inline __attribute__((always_inline)) cx_str *cx_str__cat_short(cx_ctx *X, cx_str *a, cx_str *b, size_t len)
{
	if (!X->heap->pg)
		return NULL;
	return cx_str__cat_fill(cx_str__short8_at(cx_pg__alloc(X->heap, sizeof(cx_str) + len + 1), len), a, b, 1);
}

/* cx_str__cat_short's miss. The page's run used up: the next run taken at once
 * (cx_heap__alloc_nz_slow), not after the general way's tests and join; a heap without
 * pages: the general way. NULL with an exception pending when there is no memory. */
static __attribute__((noinline)) cx_str *cx_str__cat_miss(cx_ctx *X, cx_str *a, cx_str *b, size_t len)
{
	if (!X->heap->pg)
		return cx_str__concat_long(X, a, b);
	return cx_str__cat_fill(cx_str__short8_at(cx_heap__alloc_nz_slow(X, CX_K_STR, sizeof(cx_str) + len + 1), len), a, b, 0);
}

cx_str *cx_str__concat(cx_ctx *X, cx_str *a, cx_str *b)
{
	cx_str *s;
	size_t len = (size_t)a->len + b->len;

	if (!a->len)
		return b;
	if (!b->len)
		return a;
	/* the common short case in a busy heap: two 8-bit strings, one flat result, in a page's
	 * slot (no call on this way: it saves few registers); anything else, the free lists of a
	 * quieter heap included, out of line */
	if (len >= CX_STR_BUF_MIN || a->wide || b->wide || cx_str__buf(a))
		return cx_str__concat_long(X, a, b);
	if (len >= CX_CONS_MIN && cx_str__cons_ok(X))
		return cx_str__cons(X, a, b, len);
	if (!(s = cx_str__cat_short(X, a, b, len)))
		return cx_str__cat_miss(X, a, b, len);
	return s;
}

/* cx_str__concat of a static ASCII literal (never empty nor wide nor in a buffer: the compiler
 * knows) and b, as a value. */
cx_value cx_str_cat_lit(cx_ctx *X, cx_str *lit, cx_str *b)
{
	cx_str *s;
	size_t len = (size_t)lit->len + b->len;

	if (!b->len)
		return cx_strv(lit);
	if (len >= CX_STR_BUF_MIN || b->wide)
		s = cx_str__concat_long(X, lit, b);
	else if (len >= CX_CONS_MIN && cx_str__cons_ok(X))
		s = cx_str__cons(X, lit, b, len);
	else if (!(s = cx_str__cat_short(X, lit, b, len)))
		s = cx_str__cat_miss(X, lit, b, len);
	return s ? cx_strv(s) : CX_EXCEPTION;
}

cx_str *cx_str__sub(cx_ctx *X, cx_str *s, uint32_t from, uint32_t to)
{
	if (to > s->len)
		to = s->len;
	if (from >= to)
		return cx_str__new8(X, NULL, 0);
	if (from == 0 && to == s->len)
		return s;
	if (!(s = cx_str__flat(X, s)))
		return NULL;
	if (!s->wide)
		return cx_str__new8(X, (const uint8_t *)s->chars + from, to - from);
	return cx_str__new16(X, (const uint16_t *)s->chars + from, to - from);
}

int64_t cx_str__find(const cx_str *s, const cx_str *pat, uint32_t from)
{
	uint32_t i, j;
	cx_str_tmp ts, tp;

	s = cx_str__rd(s, &ts);
	pat = cx_str__rd(pat, &tp);
	if (pat->len > s->len)
		return -1;
	if (!s->wide && !pat->wide && pat->len && from < s->len) { /* bytes: libc's search */
		const char *p = memmem(s->chars + from, s->len - from, pat->chars, pat->len);
		return p ? p - s->chars : -1;
	}
	for (i = from; i + pat->len <= s->len; i++) {
		for (j = 0; j < pat->len; j++)
			if (cx_str__at_flat(s, i + j) != cx_str__at_flat(pat, j))
				break;
		if (j == pat->len)
			return i;
	}
	return -1;
}

int64_t cx_str__rfind(const cx_str *s, const cx_str *pat, uint32_t from)
{
	int64_t i;
	uint32_t j;
	cx_str_tmp ts, tp;

	s = cx_str__rd(s, &ts);
	pat = cx_str__rd(pat, &tp);
	if (pat->len > s->len)
		return -1;
	i = from;
	if (i > (int64_t)(s->len - pat->len))
		i = s->len - pat->len;
	for (; i >= 0; i--) {
		for (j = 0; j < pat->len; j++)
			if (cx_str__at_flat(s, (uint32_t)i + j) != cx_str__at_flat(pat, j))
				break;
		if (j == pat->len)
			return i;
	}
	return -1;
}

int cx_str__array_index(const cx_str *s, uint32_t *out)
{
	uint64_t v = 0;
	uint32_t i;

	if (s->len == 0 || s->len > 10)
		return 0; /* then not a cons (CX_CONS_MIN) */
	if (cx_str__at_flat(s, 0) == '0' && s->len > 1)
		return 0;
	for (i = 0; i < s->len; i++) {
		uint16_t c = cx_str__at_flat(s, i);
		if (c < '0' || c > '9')
			return 0;
		v = v * 10 + (c - '0');
	}
	if (v >= 4294967295u)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

cx_str *cx_str__from_index(cx_ctx *X, uint32_t i)
{
	char b[16];
	int n = 0, k = 0;
	cx_str *s = cx_str__small_int(i);

	if (s)
		return s;
	do
		b[sizeof(b) - 1 - n++] = (char)('0' + i % 10);
	while ((i /= 10));
	s = cx_str__alloc(X, (size_t)n, 0);
	for (; s && k < n; k++)
		((char *)s->chars)[k] = b[sizeof(b) - n + k];
	return s;
}

int cx_str__is_ws(uint16_t c)
{
	switch (c) {
	case 0x09: case 0x0b: case 0x0c: case 0x20: case 0xa0: /* WhiteSpace */
	case 0x0a: case 0x0d: case 0x2028: case 0x2029:        /* LineTerminator */
	case 0x1680: case 0x202f: case 0x205f: case 0x3000: case 0xfeff:
		return 1;
	default:
		/* the other Zs spaces (U+180E MONGOLIAN VOWEL SEPARATOR is Cf since Unicode 6.3:
		 * not a space, as in node) */
		return c >= 0x2000 && c <= 0x200a;
	}
}

/* Section - UTF-8 */

/* UTF-8 -> string; wtf8: a three-byte sequence of a surrogate (ED A0..BF xx) is that code unit
 * instead of malformed. */
static cx_value cx_str__decode(cx_ctx *X, const char *src, size_t n, int wtf8)
{
	const uint8_t *p = (const uint8_t *)src;
	size_t i = 0, ascii = 1;
	cx_sb sb = {0};

	for (i = 0; i < n; i++)
		if (p[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		cx_str *s = cx_str__new8(X, p, n);
		return s ? cx_strv(s) : CX_EXCEPTION;
	}
	for (i = 0; i < n;) {
		uint32_t c = p[i], need, min, k;
		if (c < 0x80) {
			cx_sb_put(&sb, (uint16_t)c);
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, c &= 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, c &= 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, c &= 0x07, min = 0x10000;
		else {
			cx_sb_put(&sb, 0xfffd);
			i++;
			continue;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (p[i + k] & 0x3f);
		}
		if (k <= need || c < min || c > 0x10ffff || (!wtf8 && c >= 0xd800 && c <= 0xdfff)) {
			/* Malformed: one U+FFFD for the lead byte and resynchronise after it. */
			cx_sb_put(&sb, 0xfffd);
			i++;
			continue;
		}
		i += need + 1;
		cx_sb_cp(&sb, c);
	}
	return cx_sb_finish(X, &sb);
}

cx_value cx_str_utf8(cx_ctx *X, const char *src, size_t n)
{
	return cx_str__decode(X, src, n, 0);
}

cx_value cx_str_wtf8(cx_ctx *X, const char *src, size_t n)
{
	return cx_str__decode(X, src, n, 1);
}

cx_value cx_str_cstr(cx_ctx *X, const char *s)
{
	return cx_str_utf8(X, s, strlen(s));
}

cx_value cx_str_printf(cx_ctx *X, const char *fmt, ...)
{
	char buf[256], *p = buf;
	va_list ap;
	int n;
	cx_value r;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return cx_throw_error(X, "Error", "bad format");
	if ((size_t)n >= sizeof(buf)) {
		p = malloc((size_t)n + 1);
		if (!p)
			return cx_heap__oom(X);
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	r = cx_str_utf8(X, p, (size_t)n);
	if (p != buf)
		free(p);
	return r;
}

const char *cx_str_to_utf8(cx_ctx *X, cx_str *s_, size_t *lenp)
{
	size_t n = 0;
	uint32_t i, k;
	uint8_t *buf, *d;
	int slack;
	cx_str_tmp t; /* a cons read once, not flattened: a logged string is made to be dropped */
	const cx_str *s = cx_str__rd(s_, &t);

	for (i = 0; i < s->len; i += k) {
		uint32_t c = cx_str__cp_at(s, i, &k);
		n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	}
	/* A BUF thing is never marked, so the next collection frees it. The runtime needs the
	 * text even when the heap is full (to report the error), hence the slack. */
	slack = X->heap->slack;
	X->heap->slack = 1;
	buf = cx_heap__alloc(X, CX_K_BUF, sizeof(uint32_t) * 2 + n + 1);
	X->heap->slack = slack;
	if (!buf)
		return NULL; /* the RangeError stays pending */
	d = buf + sizeof(uint32_t) * 2;
	for (i = 0; i < s->len; i += k) {
		uint32_t c = cx_str__cp_at(s, i, &k);
		if (c < 0x80)
			*d++ = (uint8_t)c;
		else if (c < 0x800) {
			*d++ = (uint8_t)(0xc0 | (c >> 6));
			*d++ = (uint8_t)(0x80 | (c & 0x3f));
		}
		else {
			if (c >= 0x10000) {
				*d++ = (uint8_t)(0xf0 | (c >> 18));
				*d++ = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			}
			else {
				if (c >= 0xd800 && c <= 0xdfff)
					c = 0xfffd; /* a lone surrogate has no UTF-8 form */
				*d++ = (uint8_t)(0xe0 | (c >> 12));
			}
			*d++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			*d++ = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	*d = 0;
	if (lenp)
		*lenp = (size_t)(d - (buf + sizeof(uint32_t) * 2));
	return (const char *)buf + sizeof(uint32_t) * 2;
}

/* Section - String builder */

void cx_sb_cp(cx_sb *sb, uint32_t c)
{
	if (c < 0x10000) {
		cx_sb_put(sb, (uint16_t)c);
		return;
	}
	c -= 0x10000;
	cx_sb_put(sb, (uint16_t)(0xd800 + (c >> 10)));
	cx_sb_put(sb, (uint16_t)(0xdc00 + (c & 0x3ff)));
}

void cx_sb_put(cx_sb *sb, uint16_t c)
{
	if (sb->err)
		return;
	if (sb->n == sb->cap) {
		size_t nc = sb->cap ? sb->cap * 2 : 32;
		uint16_t *nb = realloc(sb->b, nc * 2);
		if (!nb) {
			sb->err = 1;
			return;
		}
		sb->b = nb;
		sb->cap = nc;
	}
	sb->b[sb->n++] = c;
}

static __attribute__((noinline)) void cx_sb__str_cons(cx_sb *sb, const cx_str *s)
{
	cx_str_tmp t;

	cx_sb_str(sb, cx_str__cons_rd(s, &t));
}

void cx_sb_str(cx_sb *sb, const cx_str *s)
{
	uint32_t i;
	uint16_t *d;

	if (sb->err || !s->len)
		return;
	if (sb->cap - sb->n < s->len) { /* room for all of s at once */
		size_t nc = sb->cap ? sb->cap : 32;
		uint16_t *nb;
		while (nc - sb->n < s->len)
			nc *= 2;
		if (!(nb = realloc(sb->b, nc * 2))) {
			sb->err = 1;
			return;
		}
		sb->b = nb;
		sb->cap = nc;
	}
	if (__builtin_expect(!s->chars, 0)) {
		cx_sb__str_cons(sb, s);
		return;
	}
	d = sb->b + sb->n;
	if (s->wide)
		memcpy(d, s->chars, (size_t)s->len * 2);
	else
		for (i = 0; i < s->len; i++)
			d[i] = (uint8_t)s->chars[i];
	sb->n += s->len;
}

void cx_sb_ascii(cx_sb *sb, const char *s)
{
	while (*s)
		cx_sb_put(sb, (uint8_t)*s++);
}

cx_value cx_sb_finish(cx_ctx *X, cx_sb *sb)
{
	cx_str *s = NULL;

	if (!sb->err)
		s = cx_str__new16(X, sb->b, sb->n);
	free(sb->b);
	sb->b = NULL;
	if (sb->err)
		return cx_heap__oom(X);
	return s ? cx_strv(s) : CX_EXCEPTION;
}
