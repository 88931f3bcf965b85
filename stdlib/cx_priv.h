/*
 * cx_priv.h — stdlib internals shared by the stdlib's .c files (never included elsewhere).
 *
 * Every garbage-collected thing starts with a 32-bit header word (`gc`): the low byte is its
 * kind, bit 8 the mark bit. Static strings carry CX_STR_STATIC_MARK instead and are skipped by
 * the collector. A hidden link record (cx_gch) sits in front of each heap thing so the sweeper
 * can walk all of them without the public layouts (cx_env, cx_str_static) having to change.
 */
#ifndef CX_PRIV_H
#define CX_PRIV_H

#include "cx_value.h"
#include <stdarg.h>

enum cx_kind { CX_K_STR = 1, CX_K_OBJ, CX_K_ENV, CX_K_BUF };
#define CX_GC_MARK 0x100u
#define CX_GC_KIND(w) ((w) & 0xffu)
/* The built-in region (heap.c): things made while the built-ins are built carry CX_GC_PERM;
 * they are never marked nor swept. A perm object that was given a reference to an ordinary heap
 * thing is CX_GC_DIRTY (and on heap->dirty): each collection traces it as a root. */
#define CX_GC_PERM 0x200u
#define CX_GC_DIRTY 0x400u
/* A heap string whose characters are in a shared append buffer (str.c, "Concatenation"): the
 * buffer's address follows the header, and marking the string marks the buffer. */
#define CX_GC_INBUF 0x800u
/* A plain string in a page of short strings (strpage.c): marked in its page's bitmap, never on
 * a list, never swept one by one. */
#define CX_GC_PAGED 0x1000u
/* A short cons string (str.c, "Cons strings"; layout struct cx_str_cons, cx_value.h): always
 * paged; marking it marks its parts. */
#define CX_GC_CONS 0x2000u

/* Same layout as struct cx_str_static; heap strings keep their chars right after the header. */
struct cx_str {
	uint32_t gc;
	uint32_t len;
	uint32_t hash;
	uint32_t wide;
	const char *chars; /* uint8_t[len] (Latin-1) or uint16_t[len] when wide */
};
/* Generated code defines its literals as struct cx_str_static and hands them out as cx_str *:
 * the two must not drift apart. */
#define CX_PRIV_SAME_FIELD(f) \
	(offsetof(struct cx_str, f) == offsetof(struct cx_str_static, f) && \
	 sizeof(((struct cx_str *)0)->f) == sizeof(((struct cx_str_static *)0)->f))
_Static_assert(sizeof(struct cx_str) == sizeof(struct cx_str_static) && CX_PRIV_SAME_FIELD(gc) &&
	       CX_PRIV_SAME_FIELD(len) && CX_PRIV_SAME_FIELD(hash) && CX_PRIV_SAME_FIELD(wide) &&
	       CX_PRIV_SAME_FIELD(chars),
	       "struct cx_str (stdlib) and struct cx_str_static (cx_value.h) must have one layout");

enum cx_class {
	CX_C_OBJECT, CX_C_ARRAY, CX_C_FUNCTION, CX_C_ERROR, CX_C_BOOLEAN, CX_C_NUMBER,
	CX_C_STRING, CX_C_DATE, CX_C_REGEXP, CX_C_ARGUMENTS, CX_C_MATH, CX_C_GLOBAL,
};

struct cx_obj {
	uint32_t gc;
	uint8_t cls;      /* enum cx_class */
	uint8_t frozen;   /* cx_obj_freeze: every [[Put]]/delete throws */
	uint8_t sparse;   /* arrays: some index properties live in props (not in elems) */
	uint8_t rdonly;   /* some own property is (or was) ReadOnly: [[CanPut]] must look here */
	cx_cfunc *fn;     /* functions: [[Call]] (fn and env where struct cx_obj_head has them) */
	cx_env *env;
	cx_obj *proto;
	cx_prop *props;   /* insertion order */
	uint32_t nprops;  /* used slots, deleted ones included */
	uint32_t pcap;
	uint32_t nlive;
	uint32_t icap;    /* size of idx (power of two) or 0 while small */
	uint32_t *idx;    /* open addressing: 0 empty, else index into props + 1 */
	cx_value prim;    /* wrapped primitive (Boolean/Number/String/Date), function name */
	cx_value *elems;  /* arrays: dense part [0, nelems); holes have tag CX_T_EXC */
	uint32_t nelems;
	uint32_t ecap;
	uint32_t length;  /* arrays: the length property */
	uint8_t shared;   /* props and idx are the process's read-only built-in tables (heap.c):
			   * copied into this heap (cx_obj__unshare) before any change */
	uint8_t ic;       /* an inline cache may hold this object as a prototype (obj.c): adding or
			   * deleting one of its properties, or freeing it, moves cx_ic__epoch on */
	uint8_t inl;      /* props is the room for pcap properties at the end of this object's own
			   * block (cx_new), not an allocation of its own: never freed nor grown */
	uint8_t nhint;    /* functions: how many properties the last object they constructed had
			   * (cx_new gives the next one that much room in its block) */
	cx_cfunc *cons;   /* built-in constructors: [[Construct]] when it differs */
};
/* generated code reads fn, env, an own slot and an Array's elements and length through struct
 * cx_obj_head (cx_value.h) */
_Static_assert(offsetof(struct cx_obj, fn) == offsetof(struct cx_obj_head, fn) &&
		       offsetof(struct cx_obj, env) == offsetof(struct cx_obj_head, env) &&
		       offsetof(struct cx_obj, proto) == offsetof(struct cx_obj_head, proto) &&
		       offsetof(struct cx_obj, props) == offsetof(struct cx_obj_head, props) &&
		       offsetof(struct cx_obj, nprops) == offsetof(struct cx_obj_head, nprops) &&
		       offsetof(struct cx_obj, cls) == offsetof(struct cx_obj_head, cls) &&
		       offsetof(struct cx_obj, prim) == offsetof(struct cx_obj_head, prim) &&
		       offsetof(struct cx_obj, elems) == offsetof(struct cx_obj_head, elems) &&
		       offsetof(struct cx_obj, nelems) == offsetof(struct cx_obj_head, nelems) &&
		       offsetof(struct cx_obj, length) == offsetof(struct cx_obj_head, length) &&
		       offsetof(struct cx_obj, ecap) == offsetof(struct cx_obj_head, ecap) &&
		       offsetof(struct cx_obj, frozen) == offsetof(struct cx_obj_head, flags[CX_OBJ_FROZEN]) &&
		       offsetof(struct cx_obj, sparse) == offsetof(struct cx_obj_head, flags[CX_OBJ_SPARSE]) &&
		       CX_C_ARRAY == CX_OBJ_ARRAY && CX_GC_PERM == CX_OBJ_GC_PERM,
	       "struct cx_obj must begin as struct cx_obj_head");

/* A built-in declared statically by a lib_*.c file and built in a session's heap only when a
 * script first reads it. Until then its property slot carries CX_PROP__LAZY and points at the
 * descriptor (u.p, tag UNDEF: the collector sees nothing to mark); the key is the descriptor's
 * static name. Writing or deleting the slot never builds it. Objects that several slots share
 * (a constructor is both a global and its prototype's "constructor"; Math, JSON) are built once
 * and kept in heap->lazy[lid], so every slot gives the same object. */
typedef struct cx_lazy {
	struct cx_str_static name;         /* the property key and the function's name */
	cx_cfunc *fn;                      /* [[Call]]; NULL for a plain object (Math, JSON) */
	int length;
	int lid;                           /* -1: a method (one slot); else its heap->lazy index */
	cx_cfunc *cons;                    /* constructors: [[Construct]] */
	struct cx_lazy *own;               /* own lazy methods of the object (ends at an empty name) */
	int (*init)(cx_ctx *X, cx_obj *o); /* other own properties (constants, class) */
} cx_lazy;
#define CX_LAZY_NAME(n) {CX_STR_STATIC_MARK, sizeof(n) - 1, 0, 0, n}
#define CX_LAZY_FN(n, f, len) {CX_LAZY_NAME(n), f, len, -1, NULL, NULL, NULL}
#define CX_LAZY_END {CX_LAZY_NAME(""), NULL, 0, -1, NULL, NULL, NULL}

/* Prototypes and constructors kept by the heap (GC roots). */
enum cx_proto_id {
	CX_P_OBJECT, CX_P_FUNCTION, CX_P_ARRAY, CX_P_STRING, CX_P_NUMBER, CX_P_BOOLEAN,
	CX_P_DATE, CX_P_REGEXP, CX_P_ERROR, CX_P_TYPEERROR, CX_P_REFERENCEERROR,
	CX_P_RANGEERROR, CX_P_SYNTAXERROR, CX_P_EVALERROR, CX_P_URIERROR, CX_P__COUNT
};
/* Lazily built shared objects: constructors use their prototype's id, then these. */
enum cx_lazy_id { CX_L_MATH = CX_P__COUNT, CX_L_JSON, CX_L__COUNT };

typedef struct cx_root {
	struct cx_root *next;
	cx_value *p;
	size_t n;
} cx_root;

struct cx_heap {
	struct cx_gch *all; /* every heap thing but the plain strings (strs below) */
	size_t used;
	size_t limit;
	size_t live;        /* used after the last collection */
	size_t since;       /* bytes charged since the last collection (cx_gc_maybe's pressure) */
	int slack;          /* >0 while an out-of-memory error is being built */
	int oom;            /* an out-of-memory error was thrown since the last cx_gc: the slack
			     * stays open so the runtime can still report it (error.semantic) */
	cx_root *roots;
	struct cx_gch *strs; /* heap.c: the plain strings (leaves), apart from heap->all */
	uintptr_t lo, hi;   /* the span of the ordinary things allocated so far (never shrinks) */
	struct cx_pool *pool; /* heap.c: recycled small things (NULL: none) */
	/* obj.c: where generated code first saw the pending exception (cx_exc_at; line 0: not
	 * known), and the object last caught, which keeps that place when thrown again */
	int exc_line;
	char *exc_file;     /* malloc'd, grown as needed; "" or NULL for the document's own lines */
	size_t exc_cap;
	const void *exc_caught;
	struct cx_gch *perm; /* the built-in region: never swept (freed with the heap) */
	int perm_mode;      /* >0: new things go to the built-in region */
	cx_obj **dirty;     /* perm objects that may point at ordinary things (GC roots) */
	size_t ndirty, dcap;
	int dirty_all;      /* heap->dirty could not grow: every perm thing is a root */
	cx_obj *global;
	int tmpl;           /* the built-ins are copies of the process's template (heap.c):
			     * protos[] are made on first use (CX_PROTO) */
	cx_obj *protos[CX_P__COUNT];
	cx_obj *lazy[CX_L__COUNT]; /* built lazy objects (NULL: not yet) */
	/* Collection within an event (heap.c, cx_tick): past tick_due bytes since the last
	 * collection, the allocator parks the event's budget in parked and puts X->steps in the
	 * request band (CX_GC_BAND); the next safe point collects and gives the budget back. */
	size_t tick_due;
	int64_t parked;
	int stress;         /* CX_GC_STRESS=1: collect at every safe point */
	struct cx_pages *pg; /* strpage.c: the pages of short strings (NULL: not used yet) */
};

/* X->steps at or below this: a collection is asked for (heap.c); a spent budget stops at 0. */
#define CX_GC_BAND (INT64_MIN / 4)
/* X->steps while a collection is asked for: far below anything a budget reaches (a spent one
 * stops at 0), so cx_tick knows a request from a spent budget; what the event runs meanwhile
 * counts down from here and is taken from the parked budget when it is given back. */
#define CX_GC_REQ (INT64_MIN / 2)
_Static_assert(CX_GC_REQ < CX_GC_BAND, "the request band");
void cx_heap__settle(cx_ctx *X);
/* Before code that reads X->steps as the budget (catch, regular expressions): a pending
 * request is dropped (the next allocation asks again) and the real budget put back. */
static inline void cx_budget__settle(cx_ctx *X)
{
	if (__builtin_expect(X->steps <= CX_GC_BAND, 0))
		cx_heap__settle(X);
}

/* When a collection is due (bytes charged past tick_due) and the budget is running, parks the
 * budget and asks the next safe point for it (cx_tick). The allocator asks after each charge;
 * the code that settled the budget asks again when it is done, so that a loop whose every
 * turn ends in a match or a catch still collects instead of growing to "out of memory". */
static inline void cx_heap__ask(cx_ctx *X)
{
	struct cx_heap *h = X->heap;

	if (__builtin_expect(h->since >= h->tick_due, 0) && X->steps > 0) {
		h->parked = X->steps;
		X->steps = CX_GC_REQ;
	}
}

#define CX_ARG(i) ((i) < argc ? argv[(i)] : CX_UNDEFINED)
cx_obj *cx_heap__proto(cx_ctx *X, int id) __attribute__((cold));
static inline cx_obj *cx_proto__get(cx_ctx *X, int id)
{
	cx_obj *p = X->heap->protos[id];

	return __builtin_expect(p != NULL, 1) ? p : cx_heap__proto(X, id);
}
#define CX_PROTO(X, id) cx_proto__get((X), (id))

/* heap.c */
void *cx_heap__alloc(cx_ctx *X, int kind, size_t size); /* zeroed; NULL + RangeError pending */
void *cx_mem__alloc(cx_ctx *X, size_t size);            /* charged raw memory, zeroed */
void *cx_mem__realloc(cx_ctx *X, void *p, size_t old, size_t size);
void cx_mem__free(cx_ctx *X, void *p, size_t size);
cx_value cx_heap__oom(cx_ctx *X);
/* n values (undefined) in charged memory that the collector sees (a root) until freed: for C
 * code that keeps values outside its locals while it calls script (a safe point may collect). */
cx_value *cx_vals__new(cx_ctx *X, size_t n);
void cx_vals__free(cx_ctx *X, cx_value *v, size_t n);
/* The write barrier: every store of a value into an object's properties or elements runs it
 * (all of them are in obj.c). A built-in that gets a reference to an ordinary heap thing is
 * traced by the collections from then on (heap.c). */
void cx_heap__wb_perm(cx_ctx *X, cx_obj *o, cx_value v) __attribute__((cold));
/* String.prototype is about to change (a store or a deletion): its methods are checked again
 * before generated code calls one directly (cx_sm_ok, lib_string.c). */
static inline void cx_sm__changed(cx_ctx *X)
{
	X->sm = 0;
	X->sm_due = 1;
}
static inline void cx_heap__wb(cx_ctx *X, cx_obj *o, cx_value v)
{
	if (__builtin_expect(o->gc & CX_GC_PERM, 0))
		cx_heap__wb_perm(X, o, v);
}

/* heap.c: the hidden link in front of every heap thing (16 bytes keep the payload 16-aligned)
 * and the pool of small blocks, here for the allocation fast path below. */
struct cx_gch {
	struct cx_gch *next;
	size_t size;
};

/* Small heap things are recycled per size class (16-byte steps up to CX_POOL_MAX): the sweeper
 * puts a dead thing on its class's free list and the next allocation of that class takes it
 * back, instead of a free() + calloc() pair per string or object. The pooled blocks are not
 * charged (the byte accounting counts live things only, exactly as before) and are bounded by
 * the peak of live things, itself bounded by the limit. Under AddressSanitizer there is no
 * pooling, so a use after free is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define CX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CX_ASAN 1
#endif
#endif
#ifndef CX_ASAN
#define CX_ASAN 0
#endif
#if CX_ASAN
#include <sanitizer/asan_interface.h>
#endif
#define CX_POOL (!CX_ASAN)
#define CX_POOL_MAX 256
#define CX_POOL_CLASS(total) (((total) + 15) / 16) /* 1..CX_POOL_MAX/16 */

/* At most this much kept per heap (and never more than its limit): the rest is freed. */
#define CX_POOL_BYTES ((size_t)4 << 20)

struct cx_pool {
	struct cx_gch *free[CX_POOL_MAX / 16 + 1];
	size_t bytes; /* in the free lists */
};

/* The span of every ordinary thing allocated so far (only widened: a filter for the words of
 * the stack, heap.c cx_gc__stack). */
static inline void cx_heap__span(struct cx_heap *h, const struct cx_gch *g)
{
	if ((uintptr_t)g < h->lo)
		h->lo = (uintptr_t)g;
	if ((uintptr_t)g + g->size > h->hi)
		h->hi = (uintptr_t)g + g->size;
}

static inline void cx_heap__link_nz(struct cx_heap *h, struct cx_gch *g, int kind, size_t total)
{
	g->size = total;
	cx_heap__span(h, g);
	if (kind == CX_K_STR) { /* a plain string: a leaf (heap->strs, heap.c cx_gc__collect) */
		g->next = h->strs;
		h->strs = g;
	}
	else {
		g->next = h->all;
		h->all = g;
	}
	*(uint32_t *)(g + 1) = (uint32_t)kind;
}

/* strpage.c: short plain strings in pages of CX_PG_SIZE bytes, one size class (16-byte steps)
 * a page, a bit a slot. The allocator bumps a pointer through the runs of slots the last
 * collection did not find alive; the collector marks a bit in the page and frees a page's dead
 * strings all at once, whatever their number. A paged string has no cx_gch header: its slot is
 * the string. A heap uses pages once a collection freed CX_PG_BUSY bytes of strings (heap.c):
 * an idle session keeps the free lists' smaller footprint. */
#define CX_PG_SIZE 4096
#define CX_PG_WORDS 4 /* bitmap words: at most 256 slots a page */
struct cx_page {
	struct cx_page *next; /* the pages of this class */
	uint32_t cls;         /* slot size / 16 */
	uint32_t nslots;
	uint32_t cursor;      /* the slots below it were taken since the last collection or live */
	uint32_t nlive;       /* slots live at the last collection */
	uint64_t inv;         /* ceil(2^32 / slot size): offset * inv >> 32 is the slot's index */
	uint64_t live[CX_PG_WORDS]; /* the slots live at the last collection: not to be taken */
	uint64_t mark[CX_PG_WORDS]; /* the marks of the collection in progress */
};
#define CX_PG_HDR ((sizeof(struct cx_page) + 15) & ~(size_t)15)
_Static_assert((CX_PG_SIZE - CX_PG_HDR) / 16 <= CX_PG_WORDS * 64, "a bit a slot");
#define CX_PG_CLASSES (CX_POOL_MAX / 16 + 1)
struct cx_pages {
	struct cx_page *all[CX_PG_CLASSES]; /* per class, in allocation order */
	struct cx_page *cur[CX_PG_CLASSES]; /* the page the run below is in */
	/* the free run being taken (0: none), charged to the heap whole when it was set up; the
	 * part not taken is given back when the run is left (cx_pg__settle) */
	uintptr_t bump[CX_PG_CLASSES], end[CX_PG_CLASSES];
	/* a sweep since the last trim: only a sweep leaves pages empty (a page taken from stays
	 * taken until the next one), so a trim without it has none to look for */
	int swept;
};
/* generated code's inline concatenation (cx_value.h cx_add_lit8) takes slots through
 * cx_ctx.pgb = bump: the constants it was compiled with must be these */
_Static_assert(CX_PGB_CLASSES == CX_PG_CLASSES &&
	       offsetof(struct cx_pages, end) == offsetof(struct cx_pages, bump) + CX_PG_CLASSES * sizeof(uintptr_t) &&
	       CX_STR_PAGED_GC == (CX_K_STR | CX_GC_PAGED) && sizeof(struct cx_str) + CX_CAT8_MAX <= CX_POOL_MAX,
	       "cx_value.h's CX_PGB_CLASSES, CX_STR_PAGED_GC, CX_CAT8_MAX and struct cx_pages agree");
_Static_assert(CX_STR_CONS_GC == (CX_K_STR | CX_GC_PAGED | CX_GC_CONS) && CX_CONS_MIN < CX_CAT8_MAX && CX_CONS_MIN > 10 &&
	       offsetof(struct cx_str_cons, left) == sizeof(struct cx_str),
	       "cx_value.h's cons strings and stdlib's header agree");
size_t cx_pg__refill(struct cx_heap *h, size_t c); /* the next run's bytes (0: no page) */
/* The first of the n sorted words w at or above a (n if none): the C stack's words against a
 * heap thing (heap.c) or a page (strpage.c). */
static inline size_t cx_words__lower(const uintptr_t *w, size_t n, uintptr_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
void cx_pg__mark_words(struct cx_heap *h, const uintptr_t *w, size_t n);
size_t cx_pg__sweep(struct cx_heap *h); /* the bytes freed */
void cx_pg__trim(struct cx_heap *h, int all); /* frees empty pages (all: every page) */
int cx_pg__enable(cx_ctx *X); /* also sets X->pgb (not under ASan: the free slots are poisoned) */
extern uintptr_t cx_pg__none[2 * CX_PG_CLASSES]; /* X->pgb of a heap without pages: no room */

static inline struct cx_page *cx_pg__of(const void *p)
{
	return (struct cx_page *)((uintptr_t)p & ~(uintptr_t)(CX_PG_SIZE - 1));
}

/* The index of the slot address a (or an address within it) points into. */
static inline uint32_t cx_pg__index(const struct cx_page *pg, uintptr_t a)
{
	return (uint32_t)(((a - (uintptr_t)pg - CX_PG_HDR) * pg->inv) >> 32);
}

/* Marks the paged string p (its header word carries CX_GC_PAGED); whether it was already. */
static inline int cx_pg__mark(void *p)
{
	struct cx_page *pg = cx_pg__of(p);
	uint32_t i = cx_pg__index(pg, (uintptr_t)p);
	uint64_t bit = (uint64_t)1 << (i % 64), was = pg->mark[i / 64] & bit;

	pg->mark[i / 64] |= bit;
	return was != 0;
}
void cx_gc__parts(void *p); /* heap.c: marks the parts of the cons string p */

/* A taken slot of bytes as a plain string (its header word set). */
static inline __attribute__((always_inline)) void *cx_pg__init(void *p, size_t bytes)
{
#if CX_ASAN
	ASAN_UNPOISON_MEMORY_REGION(p, bytes);
#else
	(void)bytes;
#endif
	*(uint32_t *)p = CX_K_STR | CX_GC_PAGED;
	return p;
}

/* A plain string of size bytes in a page, taken inline from the current run (charged when the
 * run was: heap.c cx_heap__alloc_nz_slow); NULL when that does not apply (the caller goes the
 * general way). */
static inline __attribute__((always_inline)) void *cx_pg__alloc(struct cx_heap *h, size_t size)
{
	size_t c = CX_POOL_CLASS(size), bytes = c * 16;
	struct cx_pages *P = h->pg;
	uintptr_t p;

	if (size > CX_POOL_MAX || P->end[c] - (p = P->bump[c]) < bytes || h->perm_mode)
		return NULL;
	P->bump[c] = p + bytes;
	return cx_pg__init((void *)p, bytes);
}

void *cx_heap__alloc_nz_slow(cx_ctx *X, int kind, size_t size);
/* A string's header and characters, or a string buffer (str.c): not zeroed but the kind (the
 * caller sets every field). The usual case is inline: a recycled block of the size class, room
 * under the limit (without the out-of-memory slack, which only adds room), no collection to
 * ask for; anything else goes the general way. */
/* The inline case of cx_heap__alloc_nz alone: NULL when it does not apply (nothing pending
 * then; the caller goes another way), so a caller without other calls stays a leaf. */
static inline __attribute__((always_inline)) void *cx_heap__alloc_nz_fast(cx_ctx *X, int kind, size_t size)
{
	struct cx_heap *h = X->heap;
	size_t total = sizeof(struct cx_gch) + size, c = CX_POOL_CLASS(total);
	struct cx_pool *pool = h->pool;
	struct cx_gch *g;

	if (kind == CX_K_STR && h->pg)
		return cx_pg__alloc(h, size);
	if (!CX_POOL || total > CX_POOL_MAX || !pool || !(g = pool->free[c]) || h->perm_mode ||
	    h->used + total > h->limit || h->since + total >= h->tick_due)
		return NULL;
	h->used += total;
	h->since += total;
	pool->free[c] = g->next;
	pool->bytes -= c * 16;
	cx_heap__link_nz(h, g, kind, total);
	return g + 1;
}

static inline void *cx_heap__alloc_nz(cx_ctx *X, int kind, size_t size)
{
	void *p = cx_heap__alloc_nz_fast(X, kind, size);

	return p ? p : cx_heap__alloc_nz_slow(X, kind, size);
}

/* obj.c: a built-in whose property table is still the process's shared one gets its own copy
 * (charged to the heap, limit lifted as for every built-in). Every change of props or idx runs
 * CX_OBJ_OWN first; reads need nothing. 0 or ENOMEM with a RangeError pending. */
int cx_obj__unshare(cx_ctx *X, cx_obj *o) __attribute__((cold));
#define CX_OBJ_OWN(X, o) (__builtin_expect((o)->shared, 0) ? cx_obj__unshare((X), (o)) : 0)

/* heap.c: the C stack bound. Compiled functions call each other through cx_call, so deep ES
 * recursion is deep C recursion. Every way into a function object (cx_call, cx_call_method,
 * cx_new) and every recursive C walk over user data (JSON) runs CX_STACK_LOW first: it compares
 * the stack pointer (cx__sp, cx_value.h) with this thread's floor (its stack's low end plus a
 * margin for the C code that runs below the last check) and, below it, throws RangeError. The
 * floor is computed on the thread's first check (UINTPTR_MAX until then sends that check to the
 * slow path). The stack grows down (x86-64, AArch64). */
extern _Thread_local uintptr_t cx_stack__floor;
int cx_stack__exhausted(cx_ctx *X); /* 1 with RangeError pending, 0: room left after all */
#ifndef CX_STACK_CHECK
#define CX_STACK_CHECK 1 /* 0 only for bench/depth.sh, which measures what the check costs */
#endif
#if CX_STACK_CHECK
#define CX_STACK_LOW(X) (cx__sp() < cx_stack__floor && cx_stack__exhausted(X))
#else
#define CX_STACK_LOW(X) ((void)(X), 0)
#endif

/* str.c */
cx_str *cx_str__new8(cx_ctx *X, const uint8_t *p, size_t len);
cx_str *cx_str__new16(cx_ctx *X, const uint16_t *p, size_t len); /* narrows when it can */
cx_str *cx_str__ascii(cx_ctx *X, const char *s);
/* Cons strings (str.c): 8-bit, shorter than CX_CAT8_MAX, chars NULL until flattened. Readers
 * without a heap at hand read one through cx_str__rd, which copies its characters into a
 * cx_str_tmp on the caller's stack (bounded: CX_CAT8_MAX bytes), or one unit through
 * cx_str__at; readers with one may flatten it in place (cx_str__flat). */
typedef struct cx_str_tmp {
	struct cx_str h;
	char c[CX_CAT8_MAX];
} cx_str_tmp;
const cx_str *cx_str__cons_rd(const cx_str *s, cx_str_tmp *t);
uint16_t cx_str__cons_at(const cx_str *s, uint32_t i);
/* s itself, or for a cons still unflattened a flat copy of it in t (never to be kept) */
static inline const cx_str *cx_str__rd(const cx_str *s, cx_str_tmp *t)
{
	return __builtin_expect(s->chars != NULL, 1) ? s : cx_str__cons_rd(s, t);
}
/* s's 8-bit characters (s not wide), in t when s is a cons (the byte after them 0 either way) */
static inline const char *cx_str__c8(const cx_str *s, cx_str_tmp *t)
{
	return cx_str__rd(s, t)->chars;
}
/* A flat string of s's characters: s itself, or for a cons the flat copy it now holds (made
 * here: s keeps it as its characters, its parts dropped); NULL with an exception pending when
 * out of memory. For what keeps the string or hashes it (a property's key). */
cx_str *cx_str__flat_cons(cx_ctx *X, cx_str *s);
static inline cx_str *cx_str__flat(cx_ctx *X, cx_str *s)
{
	return __builtin_expect(s->chars != NULL, 1) ? s : cx_str__flat_cons(X, s);
}
/* The code unit at i of s, s not a cons still unflattened (what cx_str__rd gave) */
static inline uint16_t cx_str__at_flat(const cx_str *s, uint32_t i)
{
	return s->wide ? ((const uint16_t *)s->chars)[i] : (uint8_t)s->chars[i];
}
static inline uint16_t cx_str__at(const cx_str *s, uint32_t i)
{
	if (__builtin_expect(!s->chars, 0))
		return cx_str__cons_at(s, i);
	return cx_str__at_flat(s, i);
}
/* The code point at i of s, its length in *n: a high surrogate followed by a low one is one
 * code point (2), anything else one unit (1), a lone surrogate included. */
static inline uint32_t cx_str__cp_at(const cx_str *s, uint32_t i, uint32_t *n)
{
	uint16_t c = cx_str__at(s, i), d;

	*n = 1;
	if (c >= 0xd800 && c <= 0xdbff && i + 1 < s->len &&
	    (d = cx_str__at(s, i + 1)) >= 0xdc00 && d <= 0xdfff) {
		*n = 2;
		return 0x10000 + ((uint32_t)(c - 0xd800) << 10) + (d - 0xdc00);
	}
	return c;
}
uint32_t cx_str__hash(cx_str *s);
int cx_str__cmp(const cx_str *a, const cx_str *b);
/* A checked decimal literal s[a, end) by exact double arithmetic when it can be (conv.c);
 * 0 when strtod is needed. */
int cx_num__dec_fast(const cx_str *s, uint32_t a, uint32_t end, double *r);
/* conv.c: parseFloat of a plain decimal prefix (no white space, no exponent) by the same exact
 * arithmetic; 0 when the general scan is needed. */
int cx_num__prefix_fast(const cx_str *s, double *r);
/* conv.c: the digits of u, most significant first ("0" for 0); returns their count. */
int cx_conv__u64_digits(uint64_t u, char *digits);
/* conv.c: 9.8.1's shortest digits of d (> 0, finite) by the bisection alone, the reference the
 * unit test checks cx_num_format's two-try search against; 0 when out of its reach. */
int cx_conv__shortest_ref(double d, char *digits, int *n);
/* conv.c: 9.8.1's shortest digits of d (> 0, finite), trailing zeros dropped, into digits (up
 * to 20, not terminated); returns their count and sets *n, the decimal point's position. */
int cx_conv__shortest_digits(double d, char *digits, int *n);
cx_str *cx_str__concat(cx_ctx *X, cx_str *a, cx_str *b);
cx_str *cx_str__join(cx_ctx *X, cx_str *const *part, uint32_t n); /* n >= 1, one allocation */
cx_str *cx_str__join_onto(cx_ctx *X, cx_str *a, cx_str *const *part, uint32_t n); /* n <= 8 */
void *cx_str__buf_of(const cx_str *s); /* the append buffer s's characters are in, or NULL */
cx_str *cx_str__sub(cx_ctx *X, cx_str *s, uint32_t from, uint32_t to);
int64_t cx_str__find(const cx_str *s, const cx_str *pat, uint32_t from);
int64_t cx_str__rfind(const cx_str *s, const cx_str *pat, uint32_t from);
int cx_str__array_index(const cx_str *s, uint32_t *out); /* canonical "0".."4294967294" */
cx_str *cx_str__from_index(cx_ctx *X, uint32_t i);
cx_str *cx_str__small_int(uint32_t i); /* conv.c: a static string of i, NULL if i is not small */
int cx_str__is_ws(uint16_t c); /* WhiteSpace or LineTerminator */

/* A growable UTF-16 buffer in plain (uncharged) memory for building strings. */
typedef struct cx_sb {
	uint16_t *b;
	size_t n, cap;
	int err;
} cx_sb;
void cx_sb_put(cx_sb *sb, uint16_t c);
void cx_sb_cp(cx_sb *sb, uint32_t c); /* a code point: one unit, or a surrogate pair past U+FFFF */
void cx_sb_str(cx_sb *sb, const cx_str *s);
void cx_sb_ascii(cx_sb *sb, const char *s);
cx_value cx_sb_finish(cx_ctx *X, cx_sb *sb); /* frees the buffer; STR or EXC */

/* obj.c: the inline caches' epoch (docs/ecmascript.md, "Inline caches"). Process-wide: a cache
 * is per thread, not per session, and holds pointers to prototypes, so any change that could
 * make one of them wrong (a property added to or deleted from a flagged object, a flagged object
 * freed) moves it on for everyone. Such changes are rare (prototypes, not instances). */
extern uint64_t cx_ic__epoch;
static inline void cx_ic__touch(const cx_obj *o)
{
	if (__builtin_expect(o->ic, 0))
		__atomic_fetch_add(&cx_ic__epoch, 1, __ATOMIC_RELAXED);
}

/* obj.c */
cx_obj *cx_obj__new(cx_ctx *X, int cls, cx_obj *proto);
cx_value cx_obj__keys(cx_ctx *X, cx_value obj); /* Object.keys: own enumerable, for-in order */
void cx_obj__drop(cx_obj *o, cx_str *key); /* an own property removed, DontDelete or not */
/* lib_base.c: the function a bound function (Function.prototype.bind) calls, through any
 * number of bindings; f itself when it is not bound */
cx_value cx_func__unbound(cx_value f);
cx_prop *cx_obj__find(cx_obj *o, cx_str *key);
int cx_obj__get_own(cx_ctx *X, cx_obj *o, cx_str *key, cx_value *out);
cx_value cx_obj__get(cx_ctx *X, cx_obj *o, cx_str *key); /* chain; UNDEF if absent */
int cx_obj__has(cx_ctx *X, cx_obj *o, cx_str *key);
int cx_obj__set(cx_ctx *X, cx_obj *o, cx_str *key, cx_value v, int flags); /* raw define */
cx_value cx_obj__put(cx_ctx *X, cx_obj *o, cx_str *key, cx_value v);    /* [[Put]] */
cx_value cx_arr__get(cx_ctx *X, cx_obj *a, uint32_t i);                /* UNDEF if absent */
cx_value cx_arr__put(cx_ctx *X, cx_obj *a, uint32_t i, cx_value v);
cx_value cx_arr__set_length(cx_ctx *X, cx_obj *a, uint32_t len);
/* n values appended to a dense array (no sparse part, length at the dense end): 0, EINVAL
 * (not such an array, or past the largest length; nothing done) or ENOMEM (RangeError pending). */
int cx_arr__append(cx_ctx *X, cx_obj *a, const cx_value *v, uint32_t n);
int cx_arr__has(cx_ctx *X, cx_obj *a, uint32_t i);
int cx_arr__delete(cx_ctx *X, cx_obj *a, uint32_t i);
cx_value cx_get_idx(cx_ctx *X, cx_value o, uint32_t i); /* generic [[Get]] of an index */
cx_value cx_put_idx(cx_ctx *X, cx_value o, uint32_t i, cx_value v);
cx_value cx_builtin(cx_ctx *X, cx_value on, const char *name, cx_cfunc *fn, int length);
cx_obj *cx_func__raw(cx_ctx *X, cx_cfunc *fn, const char *name, int length, cx_env *env);
cx_obj *cx_func__rawk(cx_ctx *X, cx_cfunc *fn, cx_str *name, int length, cx_env *env);
int cx_lazy_slot(cx_ctx *X, cx_obj *on, cx_str *key, cx_lazy *d); /* one lazy DontEnum slot */
int cx_lazy_add(cx_ctx *X, cx_obj *on, cx_lazy *tab); /* a slot per entry, keyed by name */
int cx_is_callable(cx_value v);
static inline cx_obj *cx_obj_of(cx_value v, int cls)
{
	return v.tag == CX_T_OBJ && v.u.o->cls == cls ? v.u.o : NULL;
}

/* conv.c */
cx_str *cx_to_str(cx_ctx *X, cx_value v);   /* ToString; NULL with exception pending */
int cx_to_num(cx_ctx *X, cx_value v, double *out); /* ToNumber; 0 or -1 with exception pending */
int32_t cx_dtoi32(double d);
uint32_t cx_dtou32(double d);
double cx_to_integer_d(double d);
/* ToInteger(ToNumber(v)) into *out (0, or -1 with an exception pending), inline when v is a
 * number that is already an int32 (a digit count, a radix, an index: nearly every argument). */
static inline int cx_to_integer_num(cx_ctx *X, cx_value v, double *out)
{
	if (v.tag == CX_T_NUM && v.u.n > -2147483649.0 && v.u.n < 2147483648.0 &&
	    v.u.n == (double)(int32_t)v.u.n)
		return *out = v.u.n, 0;
	if (cx_to_num(X, v, out))
		return -1;
	*out = cx_to_integer_d(*out);
	return 0;
}
cx_str *cx_num_str(cx_ctx *X, double d);

/* lib_*.c */
int cx_lib_ctor(cx_ctx *X, cx_lazy *d); /* global name and prototype.constructor slots */
int cx_lib_init(cx_ctx *X);
int cx_lib_array(cx_ctx *X);
int cx_lib_string(cx_ctx *X);
/* ToString(this), TypeError on undefined/null: a string at once, the rest in lib_string.c */
cx_str *cx_string__this(cx_ctx *X, cx_value this_);
/* A cons receiver is flattened (cx_str__flat) first: the methods read its characters. */
static inline cx_str *cx_string_this(cx_ctx *X, cx_value this_)
{
	if (this_.tag == CX_T_STR)
		return cx_str__flat(X, this_.u.s);
	return cx_string__this(X, this_);
}
uint16_t cx_string_upper1(uint16_t c);             /* toUpperCase of one code unit */
int cx_lib_number(cx_ctx *X);
int cx_lib_global(cx_ctx *X);
int cx_lib_regexp(cx_ctx *X);
int cx_lib_date(cx_ctx *X);
int cx_lib_json(cx_ctx *X);

/* lib_regexp.c: one decoded pattern for a run of matches (PCRE2 types kept opaque here). */
typedef struct cx_rx {
	void *code, *md, *mc;
	uint16_t *wide;      /* 8-bit subjects widened for the 16-bit matcher */
	size_t wcap;
	const cx_str *wsrc;  /* the string wide holds */
	uint32_t ncap;
	int flags;           /* 1 g, 2 i, 4 m */
	struct cx_res *es;   /* the ES matcher (re_es.c) runs this pattern, not PCRE2 */
} cx_rx;
int cx_rx_open(cx_ctx *X, cx_obj *re, cx_rx *r);  /* 0 or -1 with an exception pending */
int cx_rx_exec(cx_ctx *X, cx_rx *r, cx_str *s, uint32_t at, uint32_t *ov); /* 1, 0 or -1 */
void cx_rx_close(cx_ctx *X, cx_rx *r);
int cx_regexp_wants_es(cx_value v); /* tests: its pattern is for re_es.c (captures, PCRE2 refused) */

/* re_parse.c: the ES3 pattern parser (15.10.1) of both matchers, as a stream of events. */
#define CX_RP_NEST 200        /* group nesting; deeper is a SyntaxError */
#define CX_RP_MAXREP 65535u   /* largest {n,m} minimum (PCRE2's limit) */
#define CX_RP_INF 0xffffffffu /* no maximum */
enum {
	CX_RP_CHAR = 1, /* c: one code unit */
	CX_RP_ANY,      /* . */
	CX_RP_CLASS,    /* items, nitems, neg: [...] or a class escape \d \S … outside one */
	CX_RP_BOL, CX_RP_EOL, CX_RP_WB, CX_RP_NWB,
	CX_RP_BREF,     /* c: \n */
	CX_RP_OPEN,     /* sub: 0 capture (c: its number), ':' '=' '!'; mark: where it begins */
	CX_RP_CLOSE,    /* the same fields as its OPEN */
	CX_RP_QUANT,    /* min max greedy after the atom begun at mark, holding captures
			 * [first, first+count) */
	CX_RP_ALT,      /* '|' after the alternative begun at mark */
	CX_RP_END,      /* the disjunction whose last alternative began at mark ends */
};
typedef struct cx_rp_item {
	uint16_t lo, hi;
	uint16_t esc;   /* 0: the range lo-hi; else a class escape letter d D s S w W */
} cx_rp_item;
typedef struct cx_rp_ev {
	int kind, sub, neg, greedy;
	int depth;                /* groups open around the event (ALT, END: its disjunction's) */
	uint32_t c, mark, min, max, first, count;
	const cx_rp_item *items;  /* valid during the call only */
	uint32_t nitems;
} cx_rp_ev;
typedef struct cx_rp_sink {
	int (*ev)(void *arg, const cx_rp_ev *e); /* 0 or an errno (ENOMEM) that ends the parse */
	uint32_t (*mark)(void *arg);             /* the sink's position, passed back in mark */
	void *arg;
} cx_rp_sink;
/* 0; EINVAL with *err the SyntaxError's reason; or the sink's or ENOMEM */
int cx_rp_parse(const cx_str *p, const cx_rp_sink *k, const char **err);
uint32_t cx_rp_esc_ranges(int esc, const uint16_t (**r)[2]); /* the ranges of \d \s \w */
uint32_t cx_re_count_groups(const cx_str *p); /* capturing groups of an ES pattern */

/* re_es.c: ES3's own matcher (15.10.2) for the patterns PCRE2 cannot express exactly. */
typedef struct cx_res cx_res;
int cx_res_compile(cx_ctx *X, const cx_str *p, int flags, cx_res **out); /* 0, EINVAL, ENOMEM */
int cx_res_exec(cx_ctx *X, cx_res *e, const uint16_t *s, uint32_t len, uint32_t at, uint32_t *ov);
void cx_res_free(cx_ctx *X, cx_res *e);
int cx_res_mode(int mode); /* tests: 1 every pattern on re_es.c, -1 none, 0 as chosen; old mode */
int cx_res_choose(int wanted); /* re_es.c runs the pattern: wanted, unless cx_res_mode says */

#endif
