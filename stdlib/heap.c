/*
 * heap.c — one heap per cx_ctx: charged allocation, roots, mark-sweep collection.
 *
 * The runtime calls cx_gc() between events, when nothing on the C stack holds values: the roots
 * are the slots, the registered roots, the pending exception, the global object, the built-in
 * prototypes and the lazy built-ins built so far. Within an event the collector runs at the
 * safe points (CX_TICK, through cx_tick) when the allocator asked for it: then the current
 * thread's C stack is a root too, scanned conservatively (any word that points into a heap
 * thing keeps it), because generated code and the stdlib keep values in C locals. Nothing
 * moves, so a word that only looks like a pointer costs memory, never correctness.
 *
 * The built-ins live in a region of their own (heap->perm): everything made while the library
 * starts (cx_ctx_new) or while a lazy built-in is built (obj.c cx_lazy__fill) carries
 * CX_GC_PERM, is never marked, never swept, and is freed with the heap. They are ordinary
 * mutable objects, so a write barrier (cx_heap__wb, run by every store in obj.c) records a
 * built-in that was given a reference to an ordinary thing (`Object.prototype.x = {}`) on
 * heap->dirty, and each collection traces those as roots. A collection therefore costs the
 * script's own live data, not the ~10 KB of built-ins every session has.
 */
#define _GNU_SOURCE /* pthread_getattr_np */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include "cx_priv.h"

/* Takes a block of class c (NULL if none). */
static void *cx_pool__take(struct cx_heap *h, size_t c)
{
	struct cx_gch *g;

	if (!CX_POOL || !h->pool || !(g = h->pool->free[c]))
		return NULL;
	h->pool->free[c] = g->next;
	h->pool->bytes -= c * 16;
	return g;
}

/* Keeps a block of at least c * 16 bytes for reuse; 0 when the pool is full (free it). */
static int cx_pool__put(struct cx_heap *h, void *p, size_t c)
{
	struct cx_gch *g = p;

	if (!CX_POOL || !h->pool || h->pool->bytes + c * 16 > CX_POOL_BYTES ||
	    h->pool->bytes + c * 16 > h->limit)
		return 0;
	g->next = h->pool->free[c];
	h->pool->free[c] = g;
	h->pool->bytes += c * 16;
	return 1;
}

static int cx_gc__stress(void);
static void cx_gc__due(struct cx_heap *h);

#define CX_DEFAULT_LIMIT ((size_t)64 << 20)
#define CX_OOM_SLACK ((size_t)64 << 10)

static inline __attribute__((always_inline)) int cx_heap__charge(cx_ctx *X, size_t size)
{
	struct cx_heap *h = X->heap;
	size_t lim = h->limit + (h->slack || h->oom ? CX_OOM_SLACK : 0);

	if (size > lim || h->used > lim - size)
		return ENOMEM;
	h->used += size;
	h->since += size;
	cx_heap__ask(X);
	return 0;
}

cx_value cx_heap__oom(cx_ctx *X)
{
	cx_value r;

	/* Building the RangeError itself needs a little memory: allow a slack while doing it. */
	if (X->heap->slack)
		return cx_throw(X, CX_NULLV);
	X->heap->slack = 1;
	r = cx_throw_error(X, "RangeError", "out of memory");
	X->heap->slack = 0;
	/* The runtime builds error.semantic (its reason string, the event object) in this heap
	 * before the next collection: keep the slack open until then. A script that catches the
	 * error gets at most the slack more. */
	X->heap->oom = 1;
	if (cx_is_exc(r) && X->exc.tag == CX_T_UNDEF)
		cx_throw(X, CX_NULLV);
	return r;
}

void *cx_heap__alloc(cx_ctx *X, int kind, size_t size)
{
	struct cx_gch *g;
	size_t total = sizeof(*g) + size;

	if (cx_heap__charge(X, total)) {
		cx_heap__oom(X);
		return NULL;
	}
	g = total <= CX_POOL_MAX ? cx_pool__take(X->heap, CX_POOL_CLASS(total)) : NULL;
	if (g)
		memset(g, 0, total);
	else
		g = calloc(1, total <= CX_POOL_MAX && CX_POOL ? CX_POOL_CLASS(total) * 16 : total);
	if (!g) {
		X->heap->used -= total;
		cx_heap__oom(X);
		return NULL;
	}
	g->size = total;
	if (X->heap->perm_mode) {
		g->next = X->heap->perm;
		X->heap->perm = g;
		kind |= CX_GC_PERM;
	}
	else {
		g->next = X->heap->all;
		X->heap->all = g;
		cx_heap__span(X->heap, g);
	}
	*(uint32_t *)(g + 1) = (uint32_t)kind;
	return g + 1;
}

/* The way of cx_heap__alloc_nz (cx_priv.h) when its fast path does not apply. */
void *cx_heap__alloc_nz_slow(cx_ctx *X, int kind, size_t size)
{
	struct cx_heap *h = X->heap;
	size_t total = sizeof(struct cx_gch) + size, c = CX_POOL_CLASS(total);
	struct cx_gch *g;

	if (h->perm_mode)
		return cx_heap__alloc(X, kind, size);
	if (kind == CX_K_STR && h->pg && size <= CX_POOL_MAX) {
		/* a short string and its run used up: the next run of free slots, charged whole (the
		 * inline way then takes its slots without counting); near the limit, one slot */
		size_t k = CX_POOL_CLASS(size), bytes = k * 16, run = cx_pg__refill(h, k);
		struct cx_pages *P = h->pg;
		uintptr_t p = P->bump[k];
		if (run) {
			if (cx_heap__charge(X, run)) {
				P->end[k] = p + bytes; /* a run of one slot */
				if (cx_heap__charge(X, bytes)) {
					P->end[k] = p; /* an empty run: nothing charged */
					cx_heap__oom(X);
					return NULL;
				}
			}
			P->bump[k] = p + bytes;
			return cx_pg__init((void *)p, bytes);
		}
		/* no page (malloc failed): the free lists' way */
	}
	if (cx_heap__charge(X, total)) {
		cx_heap__oom(X);
		return NULL;
	}
	if (!(g = total <= CX_POOL_MAX ? cx_pool__take(h, c) : NULL) &&
	    !(g = malloc(total <= CX_POOL_MAX && CX_POOL ? c * 16 : total))) {
		h->used -= total;
		cx_heap__oom(X);
		return NULL;
	}
	cx_heap__link_nz(h, g, kind, total);
	return g + 1;
}

/* Raw memory (property arrays, element vectors) shares the pool. A block goes back to class
 * size/16 only when size is a multiple of 16: malloc gave it at least that many bytes. */
static int cx_mem__poolable(size_t size)
{
	return CX_POOL && size && size <= CX_POOL_MAX && size % 16 == 0;
}

void *cx_mem__alloc(cx_ctx *X, size_t size)
{
	void *p;

	if (cx_heap__charge(X, size)) {
		cx_heap__oom(X);
		return NULL;
	}
	p = cx_mem__poolable(size) ? cx_pool__take(X->heap, size / 16) : NULL;
	if (p)
		memset(p, 0, size);
	else
		p = calloc(1, size ? size : 1);
	if (!p) {
		X->heap->used -= size;
		cx_heap__oom(X);
	}
	return p;
}

void *cx_mem__realloc(cx_ctx *X, void *p, size_t old, size_t size)
{
	void *np;

	if (!p)
		return cx_mem__alloc(X, size); /* first allocation: may come from the pool */
	if (cx_mem__poolable(old) && cx_mem__poolable(size) && size > old) {
		/* Growing a small block: move it between classes so that they stay balanced
		 * (a realloc would leave every grown block in the next class up). */
		if (cx_heap__charge(X, size - old)) {
			cx_heap__oom(X);
			return NULL;
		}
		if ((np = cx_pool__take(X->heap, size / 16)) || (np = malloc(size))) {
			memcpy(np, p, old);
			if (!cx_pool__put(X->heap, p, old / 16))
				free(p);
			return np;
		}
		X->heap->used -= size - old;
		cx_heap__oom(X);
		return NULL;
	}
	if (size > old && cx_heap__charge(X, size - old)) {
		cx_heap__oom(X);
		return NULL;
	}
	np = realloc(p, size ? size : 1);
	if (!np) {
		if (size > old)
			X->heap->used -= size - old;
		cx_heap__oom(X);
		return NULL;
	}
	if (size < old)
		X->heap->used -= old - size;
	return np;
}

void cx_mem__free(cx_ctx *X, void *p, size_t size)
{
	if (!p)
		return;
	if (!cx_mem__poolable(size) || !cx_pool__put(X->heap, p, size / 16))
		free(p);
	X->heap->used -= size;
}

void cx_heap_trim(cx_ctx *X)
{
	struct cx_pool *pool = X->heap->pool;
	struct cx_gch *g;
	size_t c;

	for (c = 0; pool && c < sizeof(pool->free) / sizeof(pool->free[0]); c++)
		while ((g = pool->free[c])) {
			pool->free[c] = g->next;
			free(g);
		}
	if (pool)
		pool->bytes = 0;
	cx_pg__trim(X->heap, 0);
}

/* Section - Context */

/* The built-ins every context starts with (the prototypes and the global object, each with a
 * property table of lazy slots, static keys and numbers: ~10 KB) are built once per process in
 * a template context that is never freed. A new context gets its own copy of each object (its
 * identity, header, prototype link, wrapped value), but its property table and index stay the
 * template's, read-only and shared by every context, until the first change copies them into
 * the context's heap (cx_obj__unshare). Reading a lazy slot builds it, which is a change too. So
 * an idle session costs its own objects' headers, not the tables; and a prototype is copied
 * only when first needed (most sessions need two or three of the fifteen). When the template holds
 * anything a copy could not share (checked once), every context builds its own as before. */
static struct {
	pthread_once_t once;
	cx_ctx *T;                       /* the template (NULL: not usable) */
	cx_obj *objs[CX_P__COUNT + 1];   /* its prototypes by id, then its global object */
} cx_tmpl = {PTHREAD_ONCE_INIT, NULL, {NULL}};
#define CX_TMPL_GLOBAL CX_P__COUNT

static int cx_tmpl__static(cx_value v)
{
	uint32_t w;

	if (v.tag != CX_T_OBJ && v.tag != CX_T_STR)
		return 1;
	if (v.tag == CX_T_OBJ)
		return 0;
	w = *(const uint32_t *)(const void *)v.u.s;
	return w == CX_STR_STATIC_MARK || (w & CX_GC_PERM); /* the template's strings live forever */
}

/* The template's id of object o (a prototype or the global object), -1 if none. */
static int cx_tmpl__id(const cx_obj *o)
{
	int i;

	for (i = 0; i <= CX_TMPL_GLOBAL; i++)
		if (cx_tmpl.objs[i] == o)
			return i;
	return -1;
}

static void cx_tmpl__build(void)
{
	cx_ctx *T = calloc(1, sizeof(*T));
	struct cx_gch *g;
	uint32_t k;
	int i;

	if (!T || !(T->heap = calloc(1, sizeof(*T->heap))))
		return; /* kept, not freed, on every failure: building it again would fail the same way */
	T->heap->limit = (size_t)-1 / 2;
	T->heap->perm_mode++;
	if (cx_lib_init(T))
		return;
	for (i = 0; i < CX_P__COUNT; i++)
		cx_tmpl.objs[i] = T->heap->protos[i];
	cx_tmpl.objs[CX_TMPL_GLOBAL] = T->heap->global;
	for (i = 0; i < CX_L__COUNT; i++)
		if (T->heap->lazy[i])
			return;
	for (g = T->heap->perm; g; g = g->next) {
		cx_obj *o = (cx_obj *)(g + 1);
		if (CX_GC_KIND(o->gc) == CX_K_STR)
			continue;
		/* anything but the prototypes and the global object (or an environment, a buffer)
		 * could not be shared nor copied by cx_heap__proto */
		if (CX_GC_KIND(o->gc) != CX_K_OBJ || cx_tmpl__id(o) < 0 || o->env || o->ecap ||
		    !cx_tmpl__static(o->prim) || (o->proto && cx_tmpl__id(o->proto) < 0))
			return;
		for (k = 0; k < o->nprops; k++)
			if (o->props[k].key && (!cx_tmpl__static(cx_strv(o->props[k].key)) ||
						!cx_tmpl__static(o->props[k].val)))
				return;
	}
	cx_tmpl.T = T;
}

/* X's copy of the template's object id (a prototype, or CX_TMPL_GLOBAL), made on first need:
 * its header (in X's built-in region), its prototype (made too), the template's property table
 * shared until changed. NULL, with a RangeError pending, only when malloc fails. */
static cx_obj *cx_tmpl__obj(cx_ctx *X, int id)
{
	struct cx_heap *h = X->heap;
	cx_obj **slot = id == CX_TMPL_GLOBAL ? &h->global : &h->protos[id];
	cx_obj *t = cx_tmpl.objs[id], *o, *proto = NULL;
	size_t lim = h->limit;
	uint32_t gc;

	if (*slot || !h->tmpl)
		return *slot;
	if (t->proto && !(proto = cx_tmpl__obj(X, cx_tmpl__id(t->proto))))
		return NULL;
	h->limit = (size_t)-1 / 2; /* built-ins are free (obj.c, cx_lazy__fill) */
	h->perm_mode++;
	o = cx_heap__alloc(X, CX_K_OBJ, sizeof(cx_obj));
	h->perm_mode--;
	h->limit = lim;
	if (!o)
		return NULL;
	gc = o->gc;
	*o = *t;
	o->gc = gc;
	o->proto = proto;
	o->shared = t->props || t->idx;
	return *slot = o;
}

cx_obj *cx_heap__proto(cx_ctx *X, int id)
{
	return cx_tmpl__obj(X, id);
}

/* X's built-ins from the template (heap.c's comment above): the global object now (and
 * Object.prototype with it), each prototype when first asked for (CX_PROTO). ENOENT: no
 * template. */
static int cx_tmpl__copy(cx_ctx *X)
{
	pthread_once(&cx_tmpl.once, cx_tmpl__build);
	if (!cx_tmpl.T)
		return ENOENT;
	X->heap->tmpl = 1;
	return cx_tmpl__obj(X, CX_TMPL_GLOBAL) ? 0 : ENOMEM;
}

cx_ctx *cx_ctx_new(size_t heap_limit)
{
	cx_ctx *X = calloc(1, sizeof(*X));

	if (!X)
		return NULL;
	X->pgb = cx_pg__none;
	X->heap = calloc(1, sizeof(*X->heap));
	if (!X->heap) {
		free(X);
		return NULL;
	}
	X->heap->limit = heap_limit ? heap_limit : CX_DEFAULT_LIMIT;
	X->heap->lo = UINTPTR_MAX;
	/* No pool (CX_POOL 0 or no memory for it): plain calloc/free, which works the same. */
	X->heap->pool = CX_POOL ? calloc(1, sizeof(*X->heap->pool)) : NULL;
	X->steps = INT64_MAX;
	X->sm_due = 1; /* String.prototype's methods are checked when first called (lib_string.c) */
	X->rbox = cx_num(0.0 / 0.0); /* at rest (cx_ret_val) */
	X->heap->tick_due = SIZE_MAX; /* set below, once the built-ins are made */
	/* The built-ins must fit whatever the limit: build them with the limit lifted. */
	{
		size_t lim = X->heap->limit;
		int err;

		X->heap->limit = (size_t)-1 / 2;
		X->heap->perm_mode++; /* the built-in region */
		err = cx_tmpl__copy(X);
		if (err == ENOENT)
			err = cx_lib_init(X);
		X->heap->perm_mode--;
		X->heap->limit = lim;
		X->heap->live = X->heap->used; /* nothing of it is garbage */
		X->heap->since = 0;
		X->heap->stress = cx_gc__stress();
		if (X->heap->stress)
			(void)cx_pg__enable(X); /* the stress runs check the pages too */
		cx_gc__due(X->heap);
		if (err) {
			cx_ctx_free(X);
			return NULL;
		}
	}
	X->global = cx_objv(X->heap->global);
	return X;
}

static void cx_heap__free_thing(cx_ctx *X, struct cx_gch *g)
{
	uint32_t *w = (uint32_t *)(g + 1);

	if (CX_GC_KIND(*w) == CX_K_OBJ) {
		cx_obj *o = (cx_obj *)w;

		cx_ic__touch(o); /* an inline cache may point at it (obj.c) */
		if (!o->shared) {
			if (!o->inl)
				cx_mem__free(X, o->props, (size_t)o->pcap * sizeof(cx_prop));
			cx_mem__free(X, o->idx, (size_t)o->icap * sizeof(uint32_t));
		}
		cx_mem__free(X, o->elems, (size_t)o->ecap * sizeof(cx_value));
	}
	X->heap->used -= g->size;
	if (g->size <= CX_POOL_MAX && cx_pool__put(X->heap, g, CX_POOL_CLASS(g->size)))
		return;
	free(g);
}

void cx_ctx_free(cx_ctx *X)
{
	struct cx_gch *g, *next;
	cx_root *r, *rn;

	if (!X)
		return;
	if (X->heap) {
		struct cx_pool *pool = X->heap->pool;
		size_t c;

		free(X->heap->exc_file);
		X->heap->pool = NULL; /* free everything for real */
		for (g = X->heap->all; g; g = next) {
			next = g->next;
			cx_heap__free_thing(X, g);
		}
		for (g = X->heap->strs; g; g = next) {
			next = g->next;
			cx_heap__free_thing(X, g);
		}
		for (g = X->heap->perm; g; g = next) {
			next = g->next;
			cx_heap__free_thing(X, g);
		}
		cx_pg__trim(X->heap, 1);
		free(X->heap->pg);
		free(X->heap->dirty);
		for (c = 0; pool && c < sizeof(pool->free) / sizeof(pool->free[0]); c++)
			for (g = pool->free[c]; g; g = next) {
				next = g->next;
				free(g);
			}
		free(pool);
		for (r = X->heap->roots; r; r = rn) {
			rn = r->next;
			free(r);
		}
		free(X->heap);
	}
	free(X->slots);
	free(X);
}

int cx_ctx_set_slots(cx_ctx *X, uint32_t n)
{
	cx_value *s = realloc(X->slots, (n ? n : 1) * sizeof(*s));
	uint32_t i;

	if (!s)
		return ENOMEM;
	for (i = X->nslots; i < n; i++)
		s[i] = CX_UNDEFINED;
	X->slots = s;
	X->nslots = n;
	return 0;
}

cx_value cx_global(cx_ctx *X)
{
	return cx_objv(X->heap->global);
}

size_t cx_heap_used(cx_ctx *X)
{
	return X->heap->used;
}

int cx_root_add(cx_ctx *X, cx_value *p, size_t n)
{
	cx_root *r = malloc(sizeof(*r));

	if (!r)
		return ENOMEM;
	r->p = p;
	r->n = n;
	r->next = X->heap->roots;
	X->heap->roots = r;
	return 0;
}

cx_value *cx_vals__new(cx_ctx *X, size_t n)
{
	cx_value *v = cx_mem__alloc(X, (n ? n : 1) * sizeof(*v)); /* zeroed: undefined */

	if (v && cx_root_add(X, v, n)) {
		cx_mem__free(X, v, (n ? n : 1) * sizeof(*v));
		cx_heap__oom(X);
		return NULL;
	}
	return v;
}

void cx_vals__free(cx_ctx *X, cx_value *v, size_t n)
{
	if (!v)
		return;
	cx_root_remove(X, v);
	cx_mem__free(X, v, (n ? n : 1) * sizeof(*v));
}

void cx_root_remove(cx_ctx *X, cx_value *p)
{
	cx_root **pp;

	for (pp = &X->heap->roots; *pp; pp = &(*pp)->next) {
		if ((*pp)->p == p) {
			cx_root *r = *pp;
			*pp = r->next;
			free(r);
			return;
		}
	}
}

cx_value cx_budget_exceeded(cx_ctx *X)
{
	X->steps = 0;
	return cx_throw_error(X, "RangeError", "execution budget exceeded");
}

void cx_heap__settle(cx_ctx *X)
{
	X->steps = X->heap->parked + (X->steps - CX_GC_REQ);
}

static void cx_gc__event(cx_ctx *X);
static int cx_gc__stress_now(cx_ctx *X);

int cx_tick(cx_ctx *X)
{
	if (X->steps > CX_GC_BAND) {
		cx_budget_exceeded(X);
		return 1;
	}
	cx_heap__settle(X);
	if (X->steps < 0) { /* spent while the request waited */
		cx_budget_exceeded(X);
		return 1;
	}
	if (!X->heap->stress || cx_gc__stress_now(X))
		cx_gc__event(X);
	if (X->heap->stress && X->steps > 0) {
		X->heap->parked = X->steps;
		X->steps = CX_GC_REQ;
	}
	return 0;
}

/* Section - C stack bound */

/* Room kept free below the last check: one compiled function's frame, the non-recursive
 * stdlib and runtime C code it may call (number formatting, PCRE2, building the RangeError
 * itself), with a wide safety factor. AddressSanitizer frames carry redzones and are several
 * times larger, so its builds keep more. */
#define CX_STACK_MARGIN (CX_ASAN ? 1024 * 1024 : 256 * 1024)
/* At most this much of a thread's stack is used for ES recursion (the main thread of a
 * process with `ulimit -s unlimited` would otherwise let a script take gigabytes). */
#define CX_STACK_MAX ((uintptr_t)64 * 1024 * 1024)
/* When the thread's stack bounds cannot be read: assume this much room below the first check. */
#define CX_STACK_GUESS ((uintptr_t)1024 * 1024)

_Thread_local uintptr_t cx_stack__floor = UINTPTR_MAX;

/* The current thread's stack, [*low, *high) (pthread_getattr_np reads /proc for the main
 * thread: the callers keep what it says). 0 if known and here is in it. */
static int cx_stack__range(uintptr_t here, uintptr_t *low, uintptr_t *high)
{
	pthread_attr_t a;
	void *lo = NULL;
	size_t size = 0;

	if (pthread_getattr_np(pthread_self(), &a))
		return -1;
	if (pthread_attr_getstack(&a, &lo, &size))
		size = 0;
	pthread_attr_destroy(&a);
	*low = (uintptr_t)lo;
	*high = *low + size;
	return size && here >= *low && here < *high ? 0 : -1;
}

static uintptr_t cx_stack__bound(uintptr_t here)
{
	uintptr_t low, high;

	if (cx_stack__range(here, &low, &high) || high - low <= CX_STACK_MARGIN)
		goto guess;
	if (high - low > CX_STACK_MAX)
		low = high - CX_STACK_MAX;
	return low + CX_STACK_MARGIN;
guess:
	return here > CX_STACK_GUESS ? here - CX_STACK_GUESS : 0;
}

int cx_stack__exhausted(cx_ctx *X)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);

	if (cx_stack__floor == UINTPTR_MAX)
		cx_stack__floor = cx_stack__bound(here);
	if (here >= cx_stack__floor)
		return 0;
	cx_throw_error(X, "RangeError", "maximum call stack size exceeded (recursion too deep)");
	return 1;
}

/* Section - Mark and sweep */

/* Grey things wait on an explicit stack so that long chains cannot overflow the C stack. If the
 * stack cannot grow, marking falls back to rescanning the heap for marked things whose children
 * may be unmarked (slow but bounded in memory). */
typedef struct cx_mark {
	uint32_t **st;
	size_t n, cap;
	int overflow;
} cx_mark;

/* The parts of a cons string p, marked (strings only: nothing goes on a mark stack; a cons is
 * less than CX_CAT8_MAX deep, so is this recursion). */
static void cx_gc__grey(cx_mark *m, void *p);

void cx_gc__parts(void *p)
{
	const struct cx_str_cons *c = p;

	cx_gc__grey(NULL, (void *)c->left);
	cx_gc__grey(NULL, (void *)c->right);
}

static void cx_gc__grey(cx_mark *m, void *p)
{
	uint32_t *w = p;

	if (!p || *w == CX_STR_STATIC_MARK)
		return;
	if (*w & CX_GC_PAGED) { /* a short string in a page (strpage.c): a bit there */
		if (!cx_pg__mark(p) && (*w & CX_GC_CONS))
			cx_gc__parts(p);
		return;
	}
	if (*w & (CX_GC_MARK | CX_GC_PERM))
		return;
	*w |= CX_GC_MARK;
	if (CX_GC_KIND(*w) == CX_K_STR && (*w & CX_GC_INBUF)) {
		cx_gc__grey(m, cx_str__buf_of(p)); /* a leaf: no deeper than this */
		return;
	}
	if (CX_GC_KIND(*w) == CX_K_STR || CX_GC_KIND(*w) == CX_K_BUF)
		return;
	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 256;
		uint32_t **ns = realloc(m->st, nc * sizeof(*ns));
		if (!ns) {
			m->overflow = 1;
			return;
		}
		m->st = ns;
		m->cap = nc;
	}
	m->st[m->n++] = w;
}

static void cx_gc__val(cx_mark *m, cx_value v)
{
	if (v.tag == CX_T_STR)
		cx_gc__grey(m, v.u.s);
	else if (v.tag == CX_T_OBJ)
		cx_gc__grey(m, v.u.o);
}

static void cx_gc__children(cx_mark *m, uint32_t *w)
{
	uint32_t i;

	if (CX_GC_KIND(*w) == CX_K_ENV) {
		cx_env *e = (cx_env *)w;
		cx_gc__grey(m, e->up);
		for (i = 0; i < e->n; i++)
			cx_gc__val(m, e->v[i]);
	}
	else if (CX_GC_KIND(*w) == CX_K_OBJ) {
		cx_obj *o = (cx_obj *)w;
		cx_gc__grey(m, o->proto);
		cx_gc__grey(m, o->env);
		cx_gc__val(m, o->prim);
		for (i = 0; i < o->nprops; i++) {
			if (!o->props[i].key)
				continue;
			cx_gc__grey(m, o->props[i].key);
			cx_gc__val(m, o->props[i].val);
		}
		for (i = 0; i < o->nelems; i++)
			cx_gc__val(m, o->elems[i]);
	}
}

/* Section - The C stack as a root (collections within an event) */

/* Most heap things are small and most are not pointed at: a bitmap of the CX_NEAR_SPAN-byte
 * spans (hashed) lets a small thing be passed over without the binary search. A word marks its
 * own span and the one before, so a thing of at most CX_NEAR_SPAN bytes (which touches its
 * start's span and maybe the next) looks at its start's bit only. A hash collision only costs
 * the search. */
#define CX_NEAR_SPAN 256
#define CX_NEAR_BITS 16384
#define CX_NEAR_BIT(a) (((a) / CX_NEAR_SPAN) % CX_NEAR_BITS)
#define CX_NEAR_SET(m, a) ((m)[CX_NEAR_BIT(a) / 64] |= (uint64_t)1 << (CX_NEAR_BIT(a) % 64))
#define CX_NEAR_HAS(m, a) (((m)[CX_NEAR_BIT(a) / 64] >> (CX_NEAR_BIT(a) % 64)) & 1)

/* The words of the stack that fall within the span of the heap things, sorted: each heap thing
 * then looks for one that points into it (or at it: a derived pointer such as a string's
 * characters counts). The stack holds a few hundred such words, the heap maybe millions of
 * things: sorting the words is the cheap side. */
typedef struct cx_words {
	uintptr_t *w;
	size_t n, cap;
	uintptr_t lo, hi; /* the span of the heap things */
	int nomem;
	uint64_t near[CX_NEAR_BITS / 64];
} cx_words;

/* Does a word of t point into g (or at it: a derived pointer such as a string's characters
 * counts)? The first word at or above g's start, found by bisection, tells. */
static int cx_words__hits(const cx_words *t, const struct cx_gch *g)
{
	size_t lo = cx_words__lower(t->w, t->n, (uintptr_t)g);

	return lo < t->n && t->w[lo] < (uintptr_t)g + g->size;
}

/* The same, first through the bitmap: 0 at once for most small things. */
static inline int cx_words__near(const cx_words *t, const struct cx_gch *g)
{
	if (g->size <= CX_NEAR_SPAN && !CX_NEAR_HAS(t->near, (uintptr_t)g))
		return 0;
	return cx_words__hits(t, g);
}

static int cx_words__cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the stack's words: a shell sort (Ciura's gaps) for the usual few hundred, with no
 * call per comparison (qsort's was half of a collection's fixed cost: ~16,000 instructions
 * for 90 words); qsort for a deep stack's thousands. */
static void cx_words__sort(uintptr_t *w, size_t n)
{
	static const size_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
	size_t g, i, j;

	if (n > 2000) {
		qsort(w, n, sizeof(*w), cx_words__cmp);
		return;
	}
	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++)
		for (i = gaps[g]; i < n; i++) {
			uintptr_t v = w[i];
			for (j = i; j >= gaps[g] && w[j - gaps[g]] > v; j -= gaps[g])
				w[j] = w[j - gaps[g]];
			w[j] = v;
		}
}

static void cx_words__add(cx_words *t, uintptr_t w)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		uintptr_t *nw = realloc(t->w, nc * sizeof(*nw));
		if (!nw) {
			t->nomem = 1;
			return;
		}
		t->w = nw;
		t->cap = nc;
	}
	t->w[t->n++] = w;
}

/* Reads every aligned word from the caller's frames up to the stack's base: redzones and dead
 * slots included, hence no AddressSanitizer here. */
__attribute__((noinline, no_sanitize_address)) static void cx_gc__scan(cx_words *t, uintptr_t base)
{
	uintptr_t p = (uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(sizeof(void *) - 1);

	for (; p + sizeof(void *) <= base; p += sizeof(void *)) {
		uintptr_t w = *(const uintptr_t *)p;
		if (w >= t->lo && w < t->hi)
			cx_words__add(t, w);
	}
}

static _Thread_local uintptr_t cx_stack__base; /* 0: not known yet, 1: cannot be known */

/* The base (highest address) of the current thread's stack; 1 if it cannot be known. */
static uintptr_t cx_stack__top(uintptr_t here)
{
	uintptr_t low, high;

	if (!cx_stack__base)
		cx_stack__base = cx_stack__range(here, &low, &high) ? 1 : high;
	return cx_stack__base;
}

/* Greys what the current thread's C stack points at, and leaves its words in t for the sweep
 * of the plain strings (heap->strs: leaves, so being pointed at only keeps them; the sweep
 * looks, cx_gc__collect). __builtin_unwind_init makes this frame save every callee-saved
 * register, so a value only a register held is on the stack too. -1 (nothing greyed) when the
 * stack's extent is not known, or when AddressSanitizer moved frames off it
 * (detect_stack_use_after_return) or malloc fails: then no collection may run. */
__attribute__((noinline)) static int cx_gc__stack(struct cx_heap *h, cx_mark *m, cx_words *t)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), base = cx_stack__top(here);
	struct cx_gch *g;
	size_t i;

	__builtin_unwind_init();
#if CX_ASAN
	if (__asan_get_current_fake_stack())
		return -1;
#endif
	if (base == 1 || here >= base)
		return -1;
	t->lo = h->lo; /* the span of every thing allocated (kept by the allocators) */
	t->hi = h->hi;
	cx_gc__scan(t, base);
	if (t->nomem)
		return -1;
	cx_words__sort(t->w, t->n);
	memset(t->near, 0, sizeof(t->near));
	for (i = 0; i < t->n; i++) {
		CX_NEAR_SET(t->near, t->w[i]);
		CX_NEAR_SET(t->near, t->w[i] - CX_NEAR_SPAN);
	}
	for (g = h->all; g && t->n; g = g->next)
		if (cx_words__near(t, g))
			cx_gc__grey(m, g + 1);
	if (h->pg && t->n)
		cx_pg__mark_words(h, t->w, t->n);
	return 0;
}

/* A collection that frees this many bytes of plain strings from the free lists turns the heap to
 * pages of short strings (strpage.c): a session that makes and drops strings at that rate
 * gains from them; an idle or quiet one keeps the free lists' smaller footprint. */
#define CX_PG_BUSY ((size_t)64 << 10)

/* Roots, mark, sweep; stack: the C stack is a root too (-1 and nothing done if it cannot be). */
static int cx_gc__collect(cx_ctx *X, int stack)
{
	struct cx_heap *h = X->heap;
	struct cx_gch **pp, *g;
	cx_mark m = {0};
	cx_words t = {0};
	struct cx_pool *pool;
	cx_root *r;
	size_t i, keep, strs = 0;

	if (stack && cx_gc__stack(h, &m, &t)) {
		free(m.st);
		free(t.w);
		return -1;
	}
	for (i = 0; i < X->nslots; i++)
		cx_gc__val(&m, X->slots[i]);
	for (r = h->roots; r; r = r->next)
		for (i = 0; i < r->n; i++)
			cx_gc__val(&m, r->p[i]);
	cx_gc__val(&m, X->exc);
	/* The built-ins (global object, prototypes, lazy built-ins) are in the built-in region:
	 * only those that were given references to ordinary things are traced. */
	cx_gc__grey(&m, h->global);
	for (i = 0; i < CX_P__COUNT; i++)
		cx_gc__grey(&m, h->protos[i]);
	for (i = 0; i < CX_L__COUNT; i++)
		cx_gc__grey(&m, h->lazy[i]);
	for (i = 0; i < h->ndirty; i++)
		cx_gc__children(&m, (uint32_t *)h->dirty[i]);
	for (g = h->dirty_all ? h->perm : NULL; g; g = g->next)
		cx_gc__children(&m, (uint32_t *)(g + 1));
	for (;;) {
		while (m.n)
			cx_gc__children(&m, m.st[--m.n]);
		if (!m.overflow)
			break;
		m.overflow = 0;
		for (g = h->all; g; g = g->next) {
			uint32_t *w = (uint32_t *)(g + 1);
			if (*w & CX_GC_MARK)
				cx_gc__children(&m, w);
		}
	}
	free(m.st);

	pp = &h->all;
	while ((g = *pp)) {
		uint32_t *w = (uint32_t *)(g + 1);
		if (*w & CX_GC_MARK) {
			*w &= ~CX_GC_MARK;
			pp = &g->next;
		}
		else {
			*pp = g->next;
			cx_heap__free_thing(X, g);
		}
	}
	/* The plain strings: marked, or pointed at by the stack, they stay; the dead ones go
	 * straight back to their pool class. */
	pool = CX_POOL ? h->pool : NULL;
	keep = h->limit < CX_POOL_BYTES ? h->limit : CX_POOL_BYTES; /* cx_pool__put's bound */
	pp = &h->strs;
	while ((g = *pp)) {
		uint32_t *w = (uint32_t *)(g + 1);
		size_t size = g->size, c = CX_POOL_CLASS(size);

		if ((*w & CX_GC_MARK) || (t.n && cx_words__near(&t, g))) {
			*w &= ~CX_GC_MARK;
			pp = &g->next;
			continue;
		}
		strs += size;
		if (pool && size <= CX_POOL_MAX && pool->bytes + c * 16 <= keep) {
			*pp = g->next;
			g->next = pool->free[c];
			pool->free[c] = g;
			pool->bytes += c * 16;
			h->used -= size;
		}
		else {
			*pp = g->next;
			cx_heap__free_thing(X, g);
		}
	}
	free(t.w);
	if (h->pg)
		cx_pg__sweep(h);
	else if (strs >= CX_PG_BUSY)
		cx_pg__enable(X); /* a busy heap: its short strings go to pages from now on */
	h->oom = 0;
	h->live = h->used;
	h->since = 0;
	cx_gc__due(h);
	return 0;
}

void cx_gc(cx_ctx *X)
{
	cx_budget__settle(X); /* a request left by the event that ended */
	cx_gc__collect(X, 0);
}

static void cx_gc__event(cx_ctx *X)
{
	if (cx_gc__collect(X, 1))
		X->heap->tick_due = SIZE_MAX; /* not within events, then (cx_gc sets it again) */
}

void cx_heap__wb_perm(cx_ctx *X, cx_obj *o, cx_value v)
{
	struct cx_heap *h = X->heap;
	uint32_t w;

	if (o == h->protos[CX_P_STRING])
		cx_sm__changed(X); /* every store calls this barrier, whatever it stores */
	if ((o->gc & CX_GC_DIRTY) || (v.tag != CX_T_OBJ && v.tag != CX_T_STR))
		return;
	w = *(const uint32_t *)(const void *)v.u.s;
	if (w == CX_STR_STATIC_MARK || (w & CX_GC_PERM))
		return; /* built-in to built-in (or a literal): nothing the collector must see */
	o->gc |= CX_GC_DIRTY;
	if (h->ndirty == h->dcap) {
		size_t nc = h->dcap ? h->dcap * 2 : 16;
		cx_obj **nd = realloc(h->dirty, nc * sizeof(*nd));
		if (!nd) {
			h->dirty_all = 1; /* slower collections, same result */
			return;
		}
		h->dirty = nd;
		h->dcap = nc;
	}
	h->dirty[h->ndirty++] = o;
}

/* Collection by allocation pressure. A full collection costs about as much as the live heap
 * (marking it) plus what died (sweeping it); after every event it cost more than the event
 * itself. So garbage is let pile up until the bytes charged since the last collection pass
 * max(live, CX_GC_FLOOR): the work per allocated byte stays bounded (amortised O(1)) while the
 * heap is at most about twice its live size. Two bounds keep the heap limit meaningful: the
 * garbage left between events is at most an eighth of the room the limit leaves above the
 * live data (an event can count on 7/8 of what it could before), and a heap that threw "out of
 * memory" is always collected (its slack must close). A session going idle (idle != 0) is
 * collected when max(CX_GC_IDLE, live / 8) bytes or more were charged since: an idle session
 * may wait for minutes and should not keep its last garbage meanwhile, but a session with a
 * large live heap and a trickle of events would otherwise pay a marking of all of it for every
 * few events (an idle heap then holds at most an eighth of its live size as garbage). */
#define CX_GC_FLOOR ((size_t)256 << 10)
#define CX_GC_IDLE ((size_t)512)

int cx_gc_maybe(cx_ctx *X, int idle)
{
	struct cx_heap *h = X->heap;
	size_t due = h->live > CX_GC_FLOOR ? h->live : CX_GC_FLOOR;
	size_t room = h->limit > h->live ? (h->limit - h->live) / 8 : 0;

	if (due > room)
		due = room;
	size_t idle_due = h->live / 8 > CX_GC_IDLE ? h->live / 8 : CX_GC_IDLE;
	if (idle && due > idle_due)
		due = idle_due;
	if (!h->oom && h->since < due)
		return 0;
	cx_gc(X);
	return 1;
}

/* Within an event a collection is asked for after max(live, CX_GC_FLOOR) bytes, as between
 * events, but at most half the room the limit leaves above the live data (the event has no
 * later chance: what it allocates between two safe points must still fit), and not below
 * CX_GC_TICK_MIN (near the limit, collecting every few bytes would cost the live heap each
 * time: an out-of-memory error is the honest answer there). */
#define CX_GC_TICK_MIN ((size_t)16 << 10)

static void cx_gc__due(struct cx_heap *h)
{
	size_t due = h->live > CX_GC_FLOOR ? h->live : CX_GC_FLOOR;
	size_t room = h->limit > h->live ? (h->limit - h->live) / 2 : 0;

	if (due > room)
		due = room;
	if (due < CX_GC_TICK_MIN)
		due = CX_GC_TICK_MIN;
	h->tick_due = h->stress ? 0 : due;
}

/* CX_GC_STRESS=1 in the environment: every safe point collects (finds C code that keeps a
 * value where the collector cannot see it; tests/es/run.sh runs the cases so under ASan). */
static int cx_gc__stress_on;
static pthread_once_t cx_gc__stress_once = PTHREAD_ONCE_INIT;

static void cx_gc__stress_read(void)
{
	const char *e = getenv("CX_GC_STRESS");

	cx_gc__stress_on = e && *e && strcmp(e, "0");
}

static int cx_gc__stress(void)
{
	pthread_once(&cx_gc__stress_once, cx_gc__stress_read);
	return cx_gc__stress_on;
}

/* Under stress, a safe point collects when anything was allocated since the last collection
 * (else nothing new could be lost), the stack is less than CX_GC_STRESS_DEPTH deep (a recursion
 * thousands of calls deep would scan its whole stack at each call) and the live heap is small,
 * or grew by a sixteenth since (a loop building a big structure would otherwise take time
 * quadratic in its size). */
#define CX_GC_STRESS_DEPTH ((uintptr_t)256 << 10)
#define CX_GC_STRESS_LIVE ((size_t)256 << 10)

static int cx_gc__stress_now(cx_ctx *X)
{
	struct cx_heap *h = X->heap;
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), base = cx_stack__top(here);

	return h->since && base > here && base - here < CX_GC_STRESS_DEPTH &&
	       (h->live < CX_GC_STRESS_LIVE || h->since >= h->live / 16);
}
