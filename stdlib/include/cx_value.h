/*
 * cx_value.h — ECMAScript values for compiled CCXML documents (stdlib, prefix cx_).
 *
 * This is the contract between three parties: the stdlib (which implements it), the code that
 * ccxmlc generates (which calls it) and the runtime (which owns sessions and calls it too).
 *
 * Memory model (see docs/decisions.md):
 *   - Every value lives in the heap of one cx_ctx (one per CCXML session).
 *   - Generated code never frees anything. The runtime calls cx_gc_maybe() *between* events
 *     only, when no C stack holds values; when enough was allocated since the last time it
 *     marks from the ctx roots (slots, registered roots,
 *     pending exception, global object) and sweeps the rest. Cycles are therefore collected.
 *   - cx_ctx_free() releases the whole heap at once.
 *   - Every allocation is charged against the ctx's byte limit; passing it throws a RangeError
 *     ("out of memory") that the runtime turns into error.semantic.
 *
 * Errors: every operation that can fail returns a cx_value; a value whose tag is CX_T_EXC means
 * "an exception is pending in X->exc". Generated code writes
 *     t3 = cx_op_add(X, t1, t2); if (cx_is_exc(t3)) goto fail;
 * Functions that cannot fail (cx_truthy, cx_op_seq, typeof…) return plain values.
 */
#ifndef CX_VALUE_H
#define CX_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h> /* memcpy: cx_copy_short, cx_add_lit8 */

/* The way generated code's inline helpers expect (a cache hit, room in a run): gcc lays it out
 * as the straight line, the rest out of the way. */
#ifdef __TINYC__
#define CX__LIKELY(c) (c)
#define CX__UNLIKELY(c) (c)
#else
#define CX__LIKELY(c) __builtin_expect(!!(c), 1)
#define CX__UNLIKELY(c) __builtin_expect(!!(c), 0)
#endif
/* What an inline helper knows of a value it read (a property's value is never CX_T_EXC), told
 * to gcc so that the generated code's exception test after a cache hit goes away; checked, as
 * a trap, in sanitized builds. */
#if defined(__TINYC__)
#define CX__ASSUME(c) ((void)0)
#elif defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define CX__ASSUME(c) ((c) ? (void)0 : __builtin_trap())
#else
#define CX__ASSUME(c) ((c) ? (void)0 : __builtin_unreachable())
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The two functions of <math.h> the inline number helpers below use, declared rather than
 * included: glibc's <math.h> is most of what tcc reads for a document compiled at run time
 * (19 M instructions of 33 M for the seed's step 5). */
double fmod(double x, double y);
double trunc(double x);

/* Section - Values */

typedef struct cx_ctx cx_ctx;
typedef struct cx_str cx_str; /* immutable string (opaque to generated code) */
typedef struct cx_obj cx_obj; /* object, array, function, error, date… (opaque) */
typedef struct cx_env cx_env; /* closure environment record (layout below) */

typedef enum cx_tag {
	CX_T_UNDEF = 0,
	CX_T_NULL,
	CX_T_BOOL,
	CX_T_NUM,
	CX_T_STR,
	CX_T_OBJ,
	CX_T_EXC, /* not an ES value: "an exception is pending in X->exc" */
} cx_tag;

typedef struct cx_value {
	union {
		int b;
		double n;
		cx_str *s;
		cx_obj *o;
		const void *p; /* stdlib internal: a lazy built-in's descriptor (never an ES value) */
	} u;
	int64_t tag; /* a cx_tag; 64 bits, so that a value returned in two registers needs no merging of padding */
} cx_value;

#define CX_UNDEFINED ((cx_value){.u.n = 0, .tag = CX_T_UNDEF})
#define CX_NULLV ((cx_value){.u.n = 0, .tag = CX_T_NULL})
#define CX_TRUE ((cx_value){.u.b = 1, .tag = CX_T_BOOL})
#define CX_FALSE ((cx_value){.u.b = 0, .tag = CX_T_BOOL})
#define CX_EXCEPTION ((cx_value){.u.n = 0, .tag = CX_T_EXC})

static inline cx_value cx_num(double d) { cx_value v; v.u.n = d; v.tag = CX_T_NUM; return v; }
static inline cx_value cx_bool(int b) { cx_value v; v.u.n = 0; v.u.b = !!b; v.tag = CX_T_BOOL; return v; }
static inline cx_value cx_strv(cx_str *s) { cx_value v; v.u.s = s; v.tag = CX_T_STR; return v; }
static inline cx_value cx_objv(cx_obj *o) { cx_value v; v.u.o = o; v.tag = CX_T_OBJ; return v; }
static inline int cx_is_exc(cx_value v) { return CX__UNLIKELY(v.tag == CX_T_EXC); }
static inline int cx_is_undef(cx_value v) { return v.tag == CX_T_UNDEF; }
static inline int cx_is_null(cx_value v) { return v.tag == CX_T_NULL; }
static inline int cx_is_num(cx_value v) { return v.tag == CX_T_NUM; }
static inline int cx_is_str(cx_value v) { return v.tag == CX_T_STR; }
static inline int cx_is_obj(cx_value v) { return v.tag == CX_T_OBJ; }

/* Section - Numbers as C doubles (what ccxmlc emits for number-typed locals, compiler/jstype.c) */

/* ToBoolean of a number (9.2): false for +0, -0 and NaN. */
static inline int cx_d_truthy(double d) { return d != 0 && d == d; }

/* ToUint32 (9.6): modulo 2^32 of the integer part; NaN and the infinities give 0. */
static inline uint32_t cx_d_u32(double d)
{
	double m;
	if (d >= 0 && d < 4294967296.0)
		return (uint32_t)d;
	if (d >= -2147483648.0 && d < 0)
		return (uint32_t)(int32_t)d; /* modulo 2^32 of a negative int32 (x >>> 0) */
	if (d != d || d - d != 0)
		return 0;
	m = fmod(trunc(d), 4294967296.0);
	if (m < 0)
		m += 4294967296.0;
	return (uint32_t)m;
}

/* ToInt32 (9.5). */
static inline int32_t cx_d_i32(double d)
{
	if (d >= -2147483648.0 && d < 2147483648.0)
		return (int32_t)d;
	return (int32_t)cx_d_u32(d);
}

/* x % y (11.5.3): C's fmod (the sign of the dividend, -0 kept), with integer % for the usual
 * non-negative integers below 2^53 (x > 0: a zero dividend keeps its sign through fmod). */
static inline double cx_d_mod(double x, double y)
{
	/* below 2^53 the signed conversion is exact and one instruction (the unsigned one is not) */
	if (x > 0 && x < 9007199254740992.0 && y >= 1 && y < 9007199254740992.0 &&
	    x == (double)(int64_t)x && y == (double)(int64_t)y)
		return (double)((uint64_t)(int64_t)x % (uint64_t)(int64_t)y);
	return fmod(x, y);
}

/* <<, >> and >>> (11.7): shift counts modulo 32, shifts done on unsigned values (C leaves
 * the left shift of a negative and the right shift of a negative value undefined or to the
 * implementation). */
static inline double cx_d_shl(double x, double y) { return (int32_t)((uint32_t)cx_d_i32(x) << (cx_d_u32(y) & 31)); }
static inline double cx_d_shr(double x, double y) { return cx_d_u32(x) >> (cx_d_u32(y) & 31); }
static inline int32_t cx_i_sar(int32_t v, unsigned s) { return v >= 0 ? v >> s : ~(~v >> s); }
static inline double cx_d_sar(double x, double y) { return cx_i_sar(cx_d_i32(x), cx_d_u32(y) & 31); }

/* Section - Context (one per session) */

struct cx_ctx {
	/* Public: generated code and runtime use these directly. */
	cx_value *slots;   /* document slots, GC roots; see runtime/include/cx_gen.h for the layout */
	uint32_t nslots;
	int64_t steps;     /* execution budget left for the current event (CX_TICK decrements) */
	cx_value exc;      /* the pending exception when a function returned CX_EXCEPTION */
	cx_value global;   /* the global object (cx_global), for calls generated code makes inline */
	cx_value rbox;     /* a typed body's result that is not a number (cx_ret_num) while it
			    * passes to the caller; between two such calls a number NaN */
	void *user;        /* the runtime's session */
	uint32_t sm;       /* String.prototype's methods (bits 1 << CX_SM_*) known to be still the
			    * built-ins, which generated code then calls directly (cx_sm_ok) */
	uint32_t sm_due;   /* String.prototype changed since sm was checked (lib_string.c) */
	/* The heap's pages of short strings (stdlib strpage.c), for the concatenations generated
	 * code makes inline (cx_add_lit8): pgb[c] is the next free slot of c 16-byte units in
	 * the run being taken, pgb[CX_PGB_CLASSES + c] the run's end (equal: no room). All zero
	 * (never NULL): the heap has no pages (yet), or a build whose sanitizer watches the free
	 * slots. */
	uintptr_t *pgb;
	/* Private to stdlib. */
	struct cx_heap *heap;
	/* The runtime's scopes for code compiled without them (a script fetched at run time,
	 * `ccxmlc --shared x.js`): the variable name stands for, or NULL (then the global
	 * object's). Set by the runtime; NULL: none. */
	cx_value *(*dyn)(cx_ctx *X, cx_str *name);
};

/* Creates a context whose heap may hold at most heap_limit bytes (0: default 64 MiB).
 * The global object is built with the standard built-ins. NULL on ENOMEM. */
cx_ctx *cx_ctx_new(size_t heap_limit);
void cx_ctx_free(cx_ctx *X);                     /* frees the whole heap */
int cx_ctx_set_slots(cx_ctx *X, uint32_t n);     /* (re)allocates X->slots, all undefined; 0 or ENOMEM */
cx_value cx_global(cx_ctx *X);                   /* the global object (Math, String, parseInt…) */
size_t cx_heap_used(cx_ctx *X);                  /* bytes currently allocated in X's heap */

/* Extra GC roots: n values at p stay alive until removed. */
int cx_root_add(cx_ctx *X, cx_value *p, size_t n);
void cx_root_remove(cx_ctx *X, cx_value *p);
/* Collect garbage. Only call when no C code holds cx_values outside the roots (between events;
 * within one, the collector runs at the safe points, CX_TICK). */
void cx_gc(cx_ctx *X);
/* Collect garbage if enough was allocated since the last collection (heap.c says how much;
 * idle: the session is about to wait, a lower bar). Same rules as cx_gc. 1 if it collected. */
int cx_gc_maybe(cx_ctx *X, int idle);
/* Frees the dead blocks the heap keeps for reuse (a few KB per session): call it when the
 * session goes idle, so that thousands of idle sessions do not each hold their last garbage. */
void cx_heap_trim(cx_ctx *X);
/* Date's clock runs ms ahead of the real one (the runtime's virtual clock; docs/sim.md). */
void cx_date_skew(int64_t ms);

/* Execution budget and safe points: generated code runs CX_TICK at every loop back-edge and
 * function entry. Its fast path is one decrement; below zero, cx_tick tells a spent budget (it
 * throws RangeError "execution budget exceeded", 1: goto label) from the heap asking for a
 * collection within the event (heap.c: the allocator parks the budget and makes X->steps
 * negative; cx_tick collects, with the C stack scanned conservatively, gives the budget back
 * and returns 0: go on). */
cx_value cx_budget_exceeded(cx_ctx *X); /* throws RangeError "execution budget exceeded" */
int cx_tick(cx_ctx *X) __attribute__((cold));
#define CX_TICK(X, label)                                       \
	do {                                                    \
		if (CX__UNLIKELY(--(X)->steps < 0) && cx_tick(X)) goto label; \
	} while (0)

/* The C stack bound (heap.c; docs/ecmascript.md "How deep a script may go"). cx_call checks it
 * on every call; a compiled function that generated code calls directly (a guarded direct
 * call, docs/generated-c.md) checks it at its entry with CX_STACK_GUARD: the stack pointer
 * against this thread's floor (UINTPTR_MAX before the thread's first check), and below it
 * cx_stack__exhausted, which computes the floor the first time and throws RangeError "maximum
 * call stack size exceeded" (1: goto label). tcc has no thread-local storage: the call only. */
#ifdef __TINYC__
#define CX_STACK_GUARD(X, label)                         \
	do {                                             \
		if (cx_stack__exhausted(X)) goto label;  \
	} while (0)
#else
/* The stack pointer, read as such where the instruction is known: __builtin_frame_address(0)
 * makes gcc set up a frame pointer in every function that checks (five instructions of a call
 * of fib's fifty). */
#if defined(__x86_64__)
static inline uintptr_t cx__sp(void) { uintptr_t sp; __asm__("mov %%rsp, %0" : "=r"(sp)); return sp; }
#elif defined(__aarch64__)
static inline uintptr_t cx__sp(void) { uintptr_t sp; __asm__("mov %0, sp" : "=r"(sp)); return sp; }
#else
#define cx__sp() ((uintptr_t)__builtin_frame_address(0))
#endif
extern __thread uintptr_t cx_stack__floor;
#define CX_STACK_GUARD(X, label)                                                \
	do {                                                                    \
		if (cx__sp() < cx_stack__floor && cx_stack__exhausted(X)) goto label; \
	} while (0)
#endif
int cx_stack__exhausted(cx_ctx *X) __attribute__((cold));

/* Section - Global names (lib_global.c): what generated code uses for a name no scope declares */

/* Names that the compiler could not resolve statically: looked up in the global object
 * (built-ins and globals made by scripts). ReferenceError when missing and !for_typeof;
 * undefined when missing and for_typeof. */
cx_value cx_global_lookup(cx_ctx *X, cx_str *name, int for_typeof);
/* Assignment to an unresolved name: if the global object has the property it is replaced,
 * otherwise ReferenceError (CCXML: assigning an undeclared variable is error.semantic). */
cx_value cx_global_assign(cx_ctx *X, cx_str *name, cx_value v);
/* The same for code compiled without its scopes (a script fetched at run time): the variable
 * X->dyn finds first, else the global object's. cx_dyn_declare is a top-level `var` or function
 * of such a script: a name X->dyn does not find becomes a property of the global object
 * (undefined unless it has one already). */
cx_value cx_dyn_lookup(cx_ctx *X, cx_str *name, int for_typeof);
cx_value cx_dyn_assign(cx_ctx *X, cx_str *name, cx_value v);
cx_value cx_dyn_declare(cx_ctx *X, cx_str *name);

/* Section - Exceptions */

cx_value cx_throw(cx_ctx *X, cx_value v);                    /* sets X->exc, returns CX_EXCEPTION */
/* Throw a new Error of the named constructor ("TypeError", "ReferenceError", "RangeError",
 * "SyntaxError", "EvalError", "URIError", "Error") with a printf-formatted message. */
cx_value cx_throw_error(cx_ctx *X, const char *ctor, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
cx_value cx_catch(cx_ctx *X); /* returns the pending exception value and clears it */
/* Generated code, on its way out of a statement where an exception arose: the statement's
 * line (file NULL: the document's own; else a <script src> file). Only the first place an
 * exception is seen counts; cx_throw forgets it, but for a caught object thrown again. */
void cx_exc_at(cx_ctx *X, const char *file, int line) __attribute__((cold));
/* That place for the runtime's log: its line (0: not known) and *file (NULL: the document). */
int cx_exc_where(cx_ctx *X, const char **file);
/* A one-line description of an exception value for error.semantic's reason:
 * for Error objects "TypeError: msg", else ToString(v). Never fails (falls back to "exception"). */
cx_value cx_exc_describe(cx_ctx *X, cx_value exc);

/* Section - Strings */

/* Static strings for literals in generated code. They are never collected.
 *   CX_STR_DEF(s_hello, "hello");  ...  cx_strv(CX_STR_REF(s_hello))
 * Only for literals whose bytes are all ASCII (< 0x80); others go through cx_str_utf8().
 * Marked unused: generated code may register a literal whose use it then folds away, and the
 * generated C must stay clean under a user's -Wall -Wextra -Werror. */
struct cx_str_static {
	uint32_t gc;       /* stdlib's header word; CX_STR_STATIC_MARK means static */
	uint32_t len;      /* length in UTF-16 code units (== bytes for ASCII) */
	uint32_t hash;     /* 0: not computed yet (mutable even in static strings: not const) */
	uint32_t wide;     /* 0: 8-bit chars follow */
	const char *chars;
};
#define CX_STR_STATIC_MARK 0x53544154u
#define CX_STR_DEF(name, lit) \
	__attribute__((unused)) static struct cx_str_static name = {CX_STR_STATIC_MARK, sizeof(lit) - 1, 0, 0, lit}
#define CX_STR_REF(name) ((cx_str *)&(name))
/* A string that is never collected nor freed (a literal of a loaded program, or stdlib's own):
 * its address names it for the process's life, so a cache may key on the pointer. */
static inline int cx_str_is_static(const cx_str *s)
{
	return *(const uint32_t *)(const void *)s == CX_STR_STATIC_MARK;
}

cx_value cx_str_utf8(cx_ctx *X, const char *s, size_t n); /* decodes UTF-8 (bad bytes -> U+FFFD) */
/* The same, but a lone surrogate written as three bytes (ED A0..BF xx, "WTF-8") is that code
 * unit: string literals with a lone \uD800-\uDFFF escape, which UTF-8 cannot carry. */
cx_value cx_str_wtf8(cx_ctx *X, const char *s, size_t n);
cx_value cx_str_cstr(cx_ctx *X, const char *s);          /* NUL-terminated UTF-8 */
cx_value cx_str_printf(cx_ctx *X, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Encodes a string value as UTF-8 into memory owned by the heap (valid until the next cx_gc).
 * If len is not NULL it receives the byte length. Returns NULL only on ENOMEM. */
const char *cx_str_to_utf8(cx_ctx *X, cx_str *s, size_t *len);
uint32_t cx_str_len(const cx_str *s);
/* The length of a value known to be a string (a string-typed local, compiler/jstype.c): its
 * header read inline (struct cx_str_static is every string's layout, cx_priv.h checks it). */
static inline double cx_str_length(cx_value v)
{
	return ((const struct cx_str_static *)(const void *)v.u.s)->len;
}
int cx_str_eq(const cx_str *a, const cx_str *b);
int cx_str_eq_ascii(const cx_str *a, const char *ascii);
/* Copies s into buf as a C string when it is all ASCII without NUL and shorter than cap:
 * 1; else 0 (buf unspecified). For the runtime's hot comparisons with C strings. */
int cx_str_to_ascii(const cx_str *s, char *buf, size_t cap);

/* Section - Conversions (ECMA-262 3rd edition, chapter 9) */

int cx_truthy(cx_value v);                     /* ToBoolean */
cx_value cx_to_number(cx_ctx *X, cx_value v);  /* ToNumber: NUM or EXC */
cx_value cx_to_string(cx_ctx *X, cx_value v);  /* ToString: STR or EXC (9.8.1 number format) */
cx_value cx_to_object(cx_ctx *X, cx_value v);  /* ToObject: OBJ or EXC (TypeError on undefined/null) */
cx_value cx_this_of(cx_ctx *X, cx_value this_); /* a function's this: an object as is, undefined/null the global object, a primitive its wrapper; EXC only when out of memory */
cx_value cx_to_primitive(cx_ctx *X, cx_value v, int hint); /* hint: 0 none, 1 number, 2 string */
cx_value cx_to_int32(cx_ctx *X, cx_value v);   /* NUM holding an int32, or EXC */
cx_value cx_to_uint32(cx_ctx *X, cx_value v);
double cx_str_to_number(const cx_str *s);      /* 9.3.1 StringToNumber */
/* 9.8.1 ToString(Number) into buf (at least 32 bytes); returns the length. */
size_t cx_num_format(double d, char *buf);

/* Section - Operators (ECMA-262 3rd edition, chapter 11). All may return EXC unless noted. */

cx_value cx_op_add(cx_ctx *X, cx_value a, cx_value b); /* 11.6.1, string concatenation included */
/* Two strings joined (a + b of two strings), or CX_EXCEPTION (RangeError: out of memory). */
cx_value cx_str_cat(cx_ctx *X, cx_str *a, cx_str *b);
/* a + b where the compiler knows a side to be a string (a literal, a string-typed local):
 * two strings are joined without cx_op_add's dispatch, anything else goes through it. */
static inline cx_value cx_add_str(cx_ctx *X, cx_value a, cx_value b)
{
	return a.tag == CX_T_STR && b.tag == CX_T_STR ? cx_str_cat(X, a.u.s, b.u.s) : cx_op_add(X, a, b);
}
/* 'literal' + b, the literal a static ASCII string of the generated code, not empty: with b a
 * string, one call that need not look at the literal's kind. */
cx_value cx_str_cat_lit(cx_ctx *X, cx_str *lit, cx_str *b);
/* The same with b not a string: a primitive's ToString joined as cx_str_cat_lit does, an
 * object through cx_op_add (ops.c). */
cx_value cx_op_add_lit(cx_ctx *X, cx_str *lit, cx_value b);
static inline cx_value cx_add_lit(cx_ctx *X, cx_str *lit, cx_value b)
{
	return b.tag == CX_T_STR ? cx_str_cat_lit(X, lit, b.u.s) : cx_op_add_lit(X, lit, b);
}
/* n bytes (below 64) from s to d without a call: 16-byte moves, the last one overlapping the
 * one before; below 16, two overlapping moves of 8, 4 or single bytes. stdlib's short
 * concatenations copy with it too. */
static inline __attribute__((always_inline)) void cx_copy_short(char *d, const char *s, uint32_t n)
{
	uint64_t x, y;
	uint32_t u, v;
	char m[16];

	if (CX__UNLIKELY(n > 16)) { /* most values logged are shorter: theirs is the straight line */
		for (uint32_t i = 0; i + 16 < n; i += 16) {
			memcpy(m, s + i, 16);
			memcpy(d + i, m, 16);
		}
		memcpy(m, s + n - 16, 16);
		memcpy(d + n - 16, m, 16);
	}
	else if (n >= 8) {
		memcpy(&x, s, 8);
		memcpy(&y, s + n - 8, 8);
		memcpy(d, &x, 8);
		memcpy(d + n - 8, &y, 8);
	}
	else if (n >= 4) {
		memcpy(&u, s, 4);
		memcpy(&v, s + n - 4, 4);
		memcpy(d, &u, 4);
		memcpy(d + n - 4, &v, 4);
	}
	else if (n) { /* 1 to 3 bytes: first, middle, last */
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}
/* The layout cx_add_lit8 relies on (stdlib checks it against its own, cx_priv.h): classes of
 * the string pages, the longest result kept flat, a page slot's header word. */
#define CX_PGB_CLASSES 17
#define CX_CAT8_MAX 64
#define CX_STR_PAGED_GC 0x1001u
/* A slot of c 16-byte units taken from the run of the heap's string pages (cx_ctx.pgb) as
 * stdlib's own short concatenations take theirs (strpage.c), in *p; 0 when the run has no
 * room or the heap no pages: the caller goes stdlib's way, which refills. */
static inline __attribute__((always_inline)) int cx_str_take_slot(cx_ctx *X, size_t c, uintptr_t *p)
{
	if (CX__UNLIKELY(X->pgb[CX_PGB_CLASSES + c] - (*p = X->pgb[c]) < c * 16))
		return 0;
	X->pgb[c] = *p + c * 16;
	return 1;
}
/* An 8-bit string of len (below CX_CAT8_MAX) characters to fill in a slot of its size class
 * (cx_str_take_slot); NULL when there is none. The characters start right after the header. */
static inline __attribute__((always_inline)) struct cx_str_static *cx_str_take8(cx_ctx *X, uint32_t len)
{
	struct cx_str_static *s;
	uintptr_t p;

	if (CX__UNLIKELY(!cx_str_take_slot(X, (sizeof(struct cx_str_static) + len + 1 + 15) / 16, &p)))
		return NULL;
	s = (struct cx_str_static *)p;
	s->gc = CX_STR_PAGED_GC;
	s->len = len;
	s->hash = 0;
	s->wide = 0;
	s->chars = (const char *)(s + 1);
	((char *)(s + 1))[len] = 0;
	return s;
}
/* A short cons string (stdlib str.c, "Cons strings"): the result of a concatenation of
 * CX_CONS_MIN to CX_CAT8_MAX - 1 8-bit characters, made without copying them: the header (its
 * len, wide 0 and hash right) with chars NULL, then the two parts, neither empty. Whatever
 * needs the characters reads them through the parts or flattens the string in place (chars set,
 * left the flat copy, right NULL). Always in a page's slot (CX_STR_CONS_GC). */
#define CX_CONS_MIN 40
#define CX_STR_CONS_GC (CX_STR_PAGED_GC | 0x2000u)
struct cx_str_cons {
	struct cx_str_static h;
	const struct cx_str_static *left, *right;
};
/* A cons of lit and b (len characters in all, not empty either of them) in a slot of its size
 * class (cx_str_take_slot); NULL when there is none. */
static inline __attribute__((always_inline)) cx_str *cx_str_take_cons(cx_ctx *X, const void *a, const void *b, uint32_t len)
{
	struct cx_str_cons *s;
	uintptr_t p;

	if (CX__UNLIKELY(!cx_str_take_slot(X, (sizeof(struct cx_str_cons) + 15) / 16, &p)))
		return NULL;
	s = (struct cx_str_cons *)p;
	s->h.gc = CX_STR_CONS_GC;
	s->h.len = len;
	s->h.hash = 0;
	s->h.wide = 0;
	s->h.chars = NULL;
	s->left = (const struct cx_str_static *)a;
	s->right = (const struct cx_str_static *)b;
	return (cx_str *)s;
}
/* ToString of undefined, null, false and true (stdlib's static strings), by tag + boolean. */
extern cx_str *const cx_prim_strs[4];
/* The string b is (*h), or ToString(b) of undefined, null or a boolean (no conversion calls
 * anything of the script's), for the inline joins below; 0 for a number or an object. */
static inline __attribute__((always_inline)) int cx_add__str8(cx_value b, const struct cx_str_static **h)
{
	if (CX__LIKELY(b.tag == CX_T_STR))
		*h = (const struct cx_str_static *)(const void *)b.u.s;
	else if (b.tag < CX_T_NUM)
		*h = (const struct cx_str_static *)(const void *)cx_prim_strs[b.tag + (b.tag == CX_T_BOOL && b.u.b)];
	else
		return 0;
	return 1;
}
/* 'literal' + b as cx_add_lit, the literal's n ASCII bytes (n + 1 < CX_CAT8_MAX) also given as
 * a C string constant lit8, so that the C compiler copies them with a few stores: an 8-bit
 * string b (or undefined, null, a boolean: cx_add__str8) whose result is short is written into
 * a slot taken here (cx_str_take8); anything else (a number, an object, no room left in the
 * run, a heap without pages) is cx_add_lit. */
static inline __attribute__((always_inline)) cx_value cx_add_lit8(cx_ctx *X, cx_str *lit, const char *lit8, uint32_t n,
								  cx_value b)
{
	const struct cx_str_static *h;

	if (cx_add__str8(b, &h)) {
		uint32_t len = n + h->len;
		struct cx_str_static *s;
		cx_str *c;
		if (CX__LIKELY(len < CX_CAT8_MAX && !h->wide)) {
			if (len >= CX_CONS_MIN && len > n) { /* long enough: a cons, nothing copied */
				if (CX__LIKELY((c = cx_str_take_cons(X, lit, h, len)) != NULL))
					return cx_strv(c);
			}
			else if (h->chars && (s = cx_str_take8(X, len))) {
				char *d = (char *)(s + 1);
				memcpy(d, lit8, n);
				cx_copy_short(d + n, h->chars, h->len);
				return cx_strv((cx_str *)s);
			}
		}
	}
	return cx_add_lit(X, lit, b);
}
/* 'literal' + b + 'literal2' (`'(' + x + ')'`), both literals as for cx_add_lit8 (n + n2 + 1
 * < CX_CAT8_MAX): the three pieces in one slot when b is a short 8-bit string (or undefined,
 * null, a boolean), else the two steps of `+` (b's conversion in the first, as ES3 11.6.1 orders it). */
static inline __attribute__((always_inline)) cx_value cx_add_lit8_lit8(cx_ctx *X, cx_str *lit, const char *lit8, uint32_t n,
								       cx_value b, cx_str *lit2, const char *lit28, uint32_t n2)
{
	const struct cx_str_static *h;
	cx_value r;

	if (cx_add__str8(b, &h)) {
		uint32_t len = n + h->len + n2;
		struct cx_str_static *s;
		if (CX__LIKELY(len < CX_CAT8_MAX && !h->wide && h->chars) && (s = cx_str_take8(X, len))) {
			char *d = (char *)(s + 1);
			memcpy(d, lit8, n);
			cx_copy_short(d + n, h->chars, h->len);
			memcpy(d + n + h->len, lit28, n2);
			return cx_strv((cx_str *)s);
		}
	}
	r = cx_add_lit(X, lit, b);
	return r.tag == CX_T_STR ? cx_str_cat(X, r.u.s, lit2) : r;
}
cx_value cx_op_sub(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_mul(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_div(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_mod(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_neg(cx_ctx *X, cx_value a);             /* unary - */
cx_value cx_op_pos(cx_ctx *X, cx_value a);             /* unary + (ToNumber) */
cx_value cx_op_bitnot(cx_ctx *X, cx_value a);
cx_value cx_op_bitand(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_bitor(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_bitxor(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_shl(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_sar(cx_ctx *X, cx_value a, cx_value b); /* >> */
cx_value cx_op_shr(cx_ctx *X, cx_value a, cx_value b); /* >>> */
cx_value cx_op_lt(cx_ctx *X, cx_value a, cx_value b);  /* 11.8.5 with undefined -> false */
cx_value cx_op_gt(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_le(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_ge(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_eq(cx_ctx *X, cx_value a, cx_value b);  /* == (11.9.3), may call valueOf/toString */
cx_value cx_op_ne(cx_ctx *X, cx_value a, cx_value b);
cx_value cx_op_seq(cx_value a, cx_value b);            /* === , never fails */
cx_value cx_op_sne(cx_value a, cx_value b);            /* !== , never fails */
cx_value cx_op_typeof(cx_ctx *X, cx_value a);          /* never fails */
cx_value cx_op_instanceof(cx_ctx *X, cx_value a, cx_value ctor);
cx_value cx_op_in(cx_ctx *X, cx_value key, cx_value obj);
cx_value cx_op_inc(cx_ctx *X, cx_value a, double delta); /* ToNumber(a) + delta, for ++ and -- */
/* A chain a + b + c … of 11.6.1 additions, left to right, each step run where the chain reaches
 * it (the operands' conversions in ES order), with the string result allocated once:
 *     cx_cat c5; t5 = cx_cat_begin(X, &c5, a, b); (evaluate c) t7 = cx_cat_add(X, &c5, c);
 *     t8 = cx_cat_end(X, &c5);   (the chain's value)
 * begin and add return EXC or undefined. The fields are stdlib's. `x += a + b …` ends with
 *     t8 = cx_cat_end_onto(X, &c5, t4);   (t4: x's value read before the chain; t4 + chain)
 * instead, which joins x's characters and the pieces at once. */
typedef struct cx_cat {
	cx_str *part[8];
	uint32_t n;   /* 0: no string yet, the sum so far is acc */
	cx_value acc;
} cx_cat;
cx_value cx_cat_begin(cx_ctx *X, cx_cat *c, cx_value a, cx_value b);
cx_value cx_cat_add(cx_ctx *X, cx_cat *c, cx_value v);
cx_value cx_cat_end(cx_ctx *X, cx_cat *c);
cx_value cx_cat_end_onto(cx_ctx *X, cx_cat *c, cx_value a);
/* A chain whose first operand is a string (a literal: 'id=' + x + …): every step is a string
 * concatenation, so it starts with that piece and no conversion,
 *     cx_cat c5; cx_cat_str(&c5, s); t6 = cx_cat_next(X, &c5, x); … t8 = cx_cat_end(X, &c5);
 * and a next operand that is a string is kept inline (anything else: cx_cat_add). */
static inline void cx_cat_str(cx_cat *c, cx_str *s)
{
	c->part[0] = s;
	c->n = 1;
}
static inline cx_value cx_cat_next(cx_ctx *X, cx_cat *c, cx_value v)
{
	if (v.tag == CX_T_STR && c->n - 1u < sizeof(c->part) / sizeof(c->part[0]) - 1u) {
		c->part[c->n++] = v.u.s;
		v.u.n = 0; /* undefined (as C++ also reads this header: no compound literal) */
		v.tag = CX_T_UNDEF;
		return v;
	}
	return cx_cat_add(X, c, v);
}

/* Section - Objects and properties */

cx_value cx_obj_new(cx_ctx *X);                          /* new Object() */
cx_value cx_arr_new(cx_ctx *X, uint32_t n, const cx_value *elems); /* [e0, …]; elems may be NULL */
/* 8.6.2.1 [[Get]] with ToObject on primitives (so "abc".length and (5).toFixed work). */
cx_value cx_get(cx_ctx *X, cx_value obj, cx_value key);
cx_value cx_get_s(cx_ctx *X, cx_value obj, cx_str *key);
/* [[Put]]; returns val or EXC (TypeError on undefined/null base or read-only object). */
cx_value cx_put(cx_ctx *X, cx_value obj, cx_value key, cx_value val);
cx_value cx_put_s(cx_ctx *X, cx_value obj, cx_str *key, cx_value val);
cx_value cx_delete(cx_ctx *X, cx_value obj, cx_value key); /* BOOL or EXC */
int cx_has_s(cx_ctx *X, cx_value obj, cx_str *key);       /* own or inherited; never throws */
/* Own property with attributes: flags CX_PROP_READONLY | CX_PROP_DONTENUM | CX_PROP_DONTDELETE. */
#define CX_PROP_READONLY 1
#define CX_PROP_DONTENUM 2
#define CX_PROP_DONTDELETE 4
/* stdlib's: a built-in's slot not built yet (the slot holds its descriptor; cx_priv.h) */
#define CX_PROP__LAZY 0x100u
/* A property slot (stdlib's objects; read inline by cx_get_ic). */
typedef struct cx_prop {
	cx_str *key; /* NULL: deleted slot (kept so insertion order survives) */
	cx_value val;
	uint32_t flags; /* CX_PROP_* */
} cx_prop;
int cx_define(cx_ctx *X, cx_value obj, cx_str *key, cx_value val, int flags); /* 0 or ENOMEM */
int cx_define_cstr(cx_ctx *X, cx_value obj, const char *key, cx_value val, int flags);
cx_value cx_get_cstr(cx_ctx *X, cx_value obj, const char *key);
/* Makes every existing and future property of obj read-only (the CCXML `session` object):
 * a later [[Put]] or delete on it throws TypeError. */
void cx_obj_freeze(cx_ctx *X, cx_value obj);
/* for-in: a snapshot array of the enumerable property names of obj and its prototypes
 * (none for undefined/null). Iterate it and skip names that cx_has_s no longer finds. */
cx_value cx_forin_keys(cx_ctx *X, cx_value obj);
uint32_t cx_arr_length(cx_ctx *X, cx_value arr);        /* 0 if not an array */

/* Inline caches: generated code keeps, per `o.name` site and per thread, what the last lookup
 * of that site found, and reads or writes through cx_get_ic / cx_put_ic (same results as
 * cx_get_s / cx_put_s; docs/ecmascript.md, "Inline caches"). The fields are stdlib's.
 *     CX_IC(ic5);
 *     cx_value t5 = cx_get_ic(X, t4, (cx_str *)&s_2, CX_IC_REF(ic5));
 * A NULL cache is allowed (no caching): tcc has no thread-local storage. */
typedef struct cx_ic {
	const void *start, *holder;
	const void *okey; /* an own hit's other key string (stdlib's static one), never NULL */
	uint64_t epoch;
	uint32_t slot, kind;
} cx_ic;
#define CX_IC_NOKEY ((const void *)(uintptr_t)1) /* okey of a new cache: no key is there */
#ifdef __TINYC__
#define CX_IC(name) static cx_ic name
#define CX_IC_REF(name) ((cx_ic *)0)
#else
#define CX_IC(name) static __thread cx_ic name = {.okey = CX_IC_NOKEY}
#define CX_IC_REF(name) (&(name))
#endif
#define CX_IC_OWN 1 /* cx_ic.kind: the site's key at property slot `slot` of the object itself */
/* Every kind of hit and the lookup that refills the cache (obj.c); cx_get_ic tries the most
 * common hit, an own property at the cached slot, inline first (struct cx_obj_head). */
cx_value cx_ic_get(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic);
static inline cx_value cx_get_ic(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic);
cx_value cx_put_ic(cx_ctx *X, cx_value obj, cx_str *key, cx_value val, cx_ic *ic);
/* The callee of `o.name(…)`: a method is most often its receiver's prototype's (a string's
 * String.prototype, an array's Array.prototype), so that hit is tried first (obj.c). */
cx_value cx_ic_getm(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic);
static inline cx_value cx_getm_ic(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic);
/* cx_global_lookup at one site, with its cache (lib_global.c): `String(v)`, `Math.round`. */
cx_value cx_global_get_ic(cx_ctx *X, cx_str *name, int for_typeof, cx_ic *ic);

/* Section - Functions and closures */

/* The C shape of every compiled ECMAScript function and of every built-in.
 * self is the function object (for its environment), argv has argc values (borrowed). */
typedef cx_value cx_cfunc(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv);

/* An environment record: the captured variables of one activation. Generated code reads and
 * writes env->v[i] directly and walks env->up for outer functions. */
struct cx_env {
	uint32_t gc;       /* stdlib's header word */
	uint32_t n;
	cx_env *up;
	cx_value v[];
};
cx_env *cx_env_new(cx_ctx *X, cx_env *up, uint32_t n); /* NULL with exception pending on OOM */

/* A function object: name and length as in ES, env captured (may be NULL). Its `prototype`
 * property (DontEnum, DontDelete) is a fresh object whose `constructor` is the function,
 * made when the property is first read (by `new`, `instanceof` or a script). */
cx_value cx_func_new(cx_ctx *X, cx_cfunc *fn, const char *name, int length, cx_env *env);
/* The same with the name already a string (generated code: a static one of the document). */
cx_value cx_func_newk(cx_ctx *X, cx_cfunc *fn, cx_str *name, int length, cx_env *env);

/* The head of every object (stdlib's struct cx_obj begins with these fields; cx_priv.h checks
 * it): what generated code reads inline to call a function object and to find a closure's
 * environment. */
struct cx_obj_head {
	uint32_t gc;
	uint8_t cls;        /* CX_OBJ_ARRAY: an Array; other classes are stdlib's */
	uint8_t flags[3];
	cx_cfunc *fn;       /* [[Call]]; NULL: not a function */
	cx_env *env;        /* a closure's environment, or NULL */
	cx_obj *proto;
	const cx_prop *props; /* the property slots, in insertion order */
	uint32_t nprops;      /* slots used, deleted ones (key NULL) included */
	uint32_t priv[3];
	const void *priv2;
	cx_value prim;
	const cx_value *elems; /* an Array's dense elements [0, nelems); a hole has tag CX_T_EXC */
	uint32_t nelems;
	uint32_t ecap;
	uint32_t length;       /* an Array's length */
};
#define CX_OBJ_HEAD(o) ((const struct cx_obj_head *)(const void *)(o))
#define CX_OBJ_ARRAY 1
#define CX_OBJ_FROZEN 0   /* flags[CX_OBJ_FROZEN]: every [[Put]] throws (the `session` object) */
#define CX_OBJ_SPARSE 1   /* flags[CX_OBJ_SPARSE]: an Array with index properties past its elements */
#define CX_OBJ_GC_PERM 0x200u /* in gc: a built-in's thing, whose stores stdlib records */
/* Is v a function (an object with [[Call]])? Inline: generated code asks before every call. */
static inline int cx_is_callable(cx_value v)
{
	return v.tag == CX_T_OBJ && CX_OBJ_HEAD(v.u.o)->fn != NULL;
}

/* o[d] for a key known to be a number (generated code): a dense element of an Array read
 * inline, anything else cx_get (the same answer in every case). */
static inline cx_value cx_get_num(cx_ctx *X, cx_value obj, double d)
{
	if (obj.tag == CX_T_OBJ) {
		const struct cx_obj_head *o = CX_OBJ_HEAD(obj.u.o);
		if (o->cls == CX_OBJ_ARRAY && d >= 0 && d < o->nelems) {
			uint32_t i = (uint32_t)d; /* defined: 0 <= d < 2^32 */
			if ((double)i == d && o->elems[i].tag != CX_T_EXC)
				return o->elems[i];
		}
	}
	return cx_get(X, obj, cx_num(d));
}

/* obj[d] = v done when obj is an unfrozen Array (not a built-in's) and d an index below its
 * dense part's end, or just past it with room there: an index of an Array is an own writable
 * property, or a new one that no prototype can make ReadOnly in ES3. 1 when written, else 0
 * (cx_put's general way). cx_put tries it first; generated code inline (cx_put_num). */
static inline int cx_arr_put_dense(cx_value obj, double d, cx_value v)
{
	if (obj.tag == CX_T_OBJ) {
		struct cx_obj_head *o = (struct cx_obj_head *)(void *)obj.u.o;
		if (o->cls == CX_OBJ_ARRAY && !o->flags[CX_OBJ_FROZEN] && !(o->gc & CX_OBJ_GC_PERM) &&
		    d >= 0 && d <= o->nelems) {
			uint32_t i = (uint32_t)d; /* defined: 0 <= d <= nelems < 2^32 */
			if ((double)i == d) {
				if (CX__LIKELY(i < o->nelems)) {
					((cx_value *)(void *)o->elems)[i] = v;
					return 1;
				}
				if (i < o->ecap && !o->flags[CX_OBJ_SPARSE]) {
					((cx_value *)(void *)o->elems)[i] = v;
					o->nelems = i + 1;
					if (i >= o->length)
						o->length = i + 1;
					return 1;
				}
			}
		}
	}
	return 0;
}
/* o[d] = v with a number d (generated code): an Array's element inline (cx_arr_put_dense),
 * anything else cx_put. v or an exception. */
static inline cx_value cx_put_num(cx_ctx *X, cx_value obj, double d, cx_value v)
{
	if (CX__LIKELY(cx_arr_put_dense(obj, d, v)))
		return v;
	return cx_put(X, obj, cx_num(d), v);
}

/* o.name at a site whose cache holds an own property's slot: that slot's value when it still
 * holds the name (by the site's key or the one the cache saw, ic->okey) and is not a
 * built-in made only when first read (CX_PROP__LAZY); else cx_ic_get. The same answer as
 * cx_get_s in every case. */
static inline cx_value cx_get_ic(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	/* The receiver's own property at the cached slot, whatever the cache's kind: the key at
	 * that slot is the site's (or okey, the same name) only if the answer is that property. */
	if (CX__LIKELY(ic && obj.tag == CX_T_OBJ)) {
		const struct cx_obj_head *o = CX_OBJ_HEAD(obj.u.o);
		if (CX__LIKELY(ic->slot < o->nprops)) {
			const cx_prop *p = &o->props[ic->slot];
			if (CX__LIKELY((p->key == key || p->key == (const cx_str *)ic->okey) &&
				       !(p->flags & CX_PROP__LAZY))) {
				cx_value v = p->val;
				CX__ASSUME(v.tag != CX_T_EXC);
				return v;
			}
		}
	}
	return cx_ic_get(X, obj, key, ic);
}
/* The callee of `o.name(…)` (generated code; ic not NULL): an own method (an object literal's
 * function) inline as cx_get_ic, a prototype's in cx_ic_getm. The same answer as cx_get_s. */
static inline cx_value cx_getm_ic(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	return ic->kind == CX_IC_OWN ? cx_get_ic(X, obj, key, ic) : cx_ic_getm(X, obj, key, ic);
}
/* `s.name(…)` for these methods of String.prototype (compiler/js.c knows the names): while
 * the session's String.prototype still has the built-in under that name, generated code asks
 * cx_sm_ok before the arguments (a callee is read before them, ES3 11.2.3), skips the read,
 * and calls the built-in itself: cx_sm_call, without the generic call's convention, or, for
 * charCodeAt with a number argument, cx_str_code_at inline. Any store into String.prototype
 * or deletion from it sets sm_due; the next cx_sm_ok checks the methods again (lib_string.c). */
enum {
	CX_SM_CHARAT, CX_SM_CHARCODEAT, CX_SM_INDEXOF, CX_SM_LASTINDEXOF, CX_SM_SUBSTRING,
	CX_SM_SUBSTR, CX_SM_SLICE, CX_SM_TOLOWERCASE, CX_SM_TOUPPERCASE, CX_SM_TRIM, CX_SM__COUNT
};
uint32_t cx_sm_check(cx_ctx *X);
static inline int cx_sm_ok(cx_ctx *X, cx_value recv, int id)
{
	return recv.tag == CX_T_STR &&
	       (CX__LIKELY((X->sm >> id) & 1) || (X->sm_due && ((cx_sm_check(X) >> id) & 1)));
}
cx_value cx_sm_call(cx_ctx *X, int id, cx_value s, int argc, cx_value *argv);
/* The code unit at i (below its length) of a cons string still unflattened (str.c). */
double cx_str_cons_code(const struct cx_str_static *s, uint32_t i);
/* 15.5.4.5 on a string value s and a number position d: ToInteger(d) (NaN is 0, -0.5 is 0),
 * NaN outside the string. */
static inline double cx_str_code_at(cx_value s, double d)
{
	const struct cx_str_static *h = (const struct cx_str_static *)(const void *)s.u.s;
	uint32_t i;

	if (CX__UNLIKELY(!(d > -1 && d < h->len))) { /* outside, or NaN (false both ways): one test */
		if (d == d || !h->len)
			return 0.0 / 0.0;
		d = 0;
	}
	i = (uint32_t)d;
	if (!h->chars) { /* a cons (8-bit): the part i falls in, read without flattening */
		const struct cx_str_cons *c = (const struct cx_str_cons *)(const void *)h;
#if defined(__GNUC__) && !defined(__TINYC__)
		__asm__("" : "+r"(c)); /* gcc, seeing a literal's cx_str_static, would warn of its bounds */
#endif
		h = c->left;
		if (i >= h->len) {
			i -= h->len;
			h = c->right;
		}
		if (CX__UNLIKELY(!h->chars))
			return cx_str_cons_code(h, i);
		return (uint8_t)h->chars[i];
	}
	return CX__UNLIKELY(h->wide) ? ((const uint16_t *)(const void *)h->chars)[i] : (uint8_t)h->chars[i];
}
/* o.length (key is the site's "length"): a string's or an Array's read inline (neither can be
 * shadowed: 15.5.5.1, 15.4.5.2), anything else through the site's cache as any o.name. */
static inline cx_value cx_get_len(cx_ctx *X, cx_value obj, cx_str *key, cx_ic *ic)
{
	if (obj.tag == CX_T_STR)
		return cx_num(cx_str_length(obj));
	if (obj.tag == CX_T_OBJ && CX_OBJ_HEAD(obj.u.o)->cls == CX_OBJ_ARRAY)
		return cx_num(CX_OBJ_HEAD(obj.u.o)->length);
	return cx_get_ic(X, obj, key, ic);
}
static inline cx_env *cx_func_env(cx_value self)
{
	return self.tag == CX_T_OBJ ? CX_OBJ_HEAD(self.u.o)->env : NULL;
}
/* The C function of a function object (a compiled one or a built-in), or NULL. */
cx_cfunc *cx_func_code(cx_value f);
cx_value cx_call(cx_ctx *X, cx_value fn, cx_value this_, int argc, cx_value *argv);
/* A plain call `f(...)` (this: the global object); what names the callee in the TypeError
 * "what is not a function". Inline up to the callee's C function when fn is a function and the
 * C stack has room; else cx_call_plain_slow, the same checks out of line (the TypeError, the
 * RangeError, or a thread's first check, which finds room after all). */
cx_value cx_call_plain_slow(cx_ctx *X, cx_value fn, int argc, cx_value *argv, const char *what)
	__attribute__((cold));
#ifdef __TINYC__
#define cx_call_plain cx_call_plain_slow
#else
static inline cx_value cx_call_plain(cx_ctx *X, cx_value fn, int argc, cx_value *argv, const char *what)
{
	cx_cfunc *f;

	if (fn.tag != CX_T_OBJ || !(f = CX_OBJ_HEAD(fn.u.o)->fn) || cx__sp() < cx_stack__floor)
		return cx_call_plain_slow(X, fn, argc, argv, what);
	return f(X, fn, X->global, argc, argv);
}
#endif

/* The result of a body with typed parameters (docs/generated-c.md, "Direct calls") is a C
 * double, so that a caller computing with a number result needs no tag: a number returns as
 * itself, anything else (an exception: CX_EXCEPTION) waits in X->rbox while the body returns
 * NaN, and the caller, on NaN only, takes it back (a NaN result finds X->rbox at rest: the number
 * NaN). Nothing runs between the two, so X->rbox is no GC root. */
static inline double cx_ret_num(cx_ctx *X, cx_value v)
{
	if (v.tag == CX_T_NUM)
		return v.u.n;
	X->rbox = v;
	return 0.0 / 0.0;
}
static inline cx_value cx_ret_val(cx_ctx *X, double r)
{
	cx_value v;

	if (CX__LIKELY(r == r))
		return cx_num(r);
	v = X->rbox;
	X->rbox = cx_num(r);
	return v;
}
cx_value cx_call_method(cx_ctx *X, cx_value obj, cx_str *key, int argc, cx_value *argv);
cx_value cx_new(cx_ctx *X, cx_value ctor, int argc, cx_value *argv);
cx_value cx_arguments_new(cx_ctx *X, cx_value callee, int argc, cx_value *argv);
/* 10.1.8: parameter i of a function that uses `arguments` shares its value with arguments[i]
 * while i < argc and arguments[i] was not deleted. Returns where parameter i lives now: inside
 * args, or `local` (the parameter's own variable). Valid until the next property operation. */
cx_value *cx_arguments_ref(cx_value args, uint32_t i, cx_value *local);
/* Regular-expression literal /src/flags (SyntaxError if bad). */
cx_value cx_regexp_new(cx_ctx *X, const char *src, const char *flags);

#ifdef __cplusplus
}
#endif

#endif
