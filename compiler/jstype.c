/*
 * jstype.c — which locals of an ECMAScript function provably hold only numbers, or only strings,
 * and which numbers only integers of a known range.
 *
 * js.c keeps a number-typed local in a C `double` and computes with it by C arithmetic
 * (docs/ecmascript.md, "Number-typed locals"), one of a proven integer range in a C integer
 * (section "Integer ranges" below); a string-typed one stays a cx_value, but its
 * reads are known strings: `s.length` is the string's length read inline, `s + x` a string
 * (cx_op_add without the inline number test). A candidate is a `var` of the function that no
 * nested function sees (js.c passes only those: not captured, and a parameter only for the
 * body with typed parameters, in a function without `arguments`; without `with` and with eval
 * refused, nothing but the function's own code can write it). It is number-typed
 * (string-typed) when
 *
 *   1. it is never read before it is assigned: its first occurrence in the body (a `var x;`
 *      without a value does nothing and does not count) is `var x = e` or the statement
 *      `x = e;`, standing directly in a block, in the function body or as the initialiser of a
 *      `for` that stands there, and every other occurrence lies in that same block after it.
 *      A block is entered only at its top (a switch's cases are not blocks), loops re-run it
 *      from the top, and break / continue / return only leave it, so the assignment runs before
 *      every later occurrence;
 *   2. every assignment gives a number: a numeric literal, another number-typed local, the
 *      result of an operator that always gives a number (- * / % ~ << >> >>> & | ^, unary + -,
 *      ++ --), + of two numbers, an assignment or ?: of numbers, the `length` of a string-typed
 *      local. for-in, a catch variable or a function declaration of the same name disqualify it.
 *   2'. (strings) every assignment gives a string: a string literal, another string-typed local,
 *      typeof, + with a string on either side (11.6.1: a string operand is its own primitive, so
 *      the other side's ToPrimitive and ToString run and the result is their concatenation, or
 *      an exception), `x += e` (x a string), an assignment or ?: of strings.
 *
 * A parameter of a body entered only with a number for it (js.c, "typed parameters") is a
 * candidate that holds a number from the start: rule 1 holds for it everywhere, rule 2 applies
 * (it is never string-typed).
 *
 * Rules 2 and 2' are greatest fixpoints: all candidates that pass rule 1 start as strings (then
 * as numbers) and one that is assigned something else drops out, until nothing changes
 * (`a = b; b = a + 1;` keeps both). Strings come first: a number may be a string's length,
 * a string never depends on a number. The walk is one pass over the body for all names (names
 * sorted, looked up by binary search).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "js.h"

enum { W_SET, W_ADD, W_NUM };

typedef struct Write {
	int kind;      /* W_SET: x = value; W_ADD: x += value; W_NUM: a write that always gives a
			* number (++, --, -= and the other compound operators) */
	TSNode value;  /* the assigned expression (x += value: the added one) */
	TSNode node;   /* the declarator, assignment or update expression */
} Write;

/* An integer range under construction: no value known yet, a range, or not an integer */
enum { RK_BOT, RK_INT, RK_NO };
typedef struct Rg {
	int k;
	JsRange r;
} Rg;

typedef struct Cand {
	const char *name;
	int idx;        /* position in the caller's list */
	bool seen;      /* first occurrence found */
	bool bad;       /* fails rule 1 (or a for-in, catch, function of the name): untyped */
	bool num;       /* fixpoint state */
	bool str;       /* the same for strings */
	bool entry;     /* a number from the start */
	uint32_t lo, hi; /* where the other occurrences must lie (after the first assignment) */
	Rg rg;          /* its integer range (fixpoint state) */
	int grows;      /* how often rg has grown */
	int *dep, ndep, capdep; /* the candidates whose writes read it (their ranges follow its) */
	int mark;       /* the last reader added to dep, plus one */
	bool queued;
	Write *w;
	int nw, capw;
} Cand;

typedef struct Typer {
	const char *src;
	Cand *c;
	int n;
	int64_t *th;    /* the widening thresholds, sorted */
	int nth, capth;
} Typer;

static bool jt__is(TSNode n, const char *type)
{
	return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type);
}

static bool jt__is_fn(TSNode n)
{
	return jt__is(n, "function_expression") || jt__is(n, "function_declaration") ||
	       jt__is(n, "function") || jt__is(n, "generator_function_declaration") ||
	       jt__is(n, "arrow_function") || jt__is(n, "method_definition") ||
	       jt__is(n, "class_declaration") || jt__is(n, "class");
}

static TSNode jt__unparen(TSNode n)
{
	while (jt__is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		n = ts_node_named_child(n, 0);
	return n;
}

static int jt__cmp(const void *a, const void *b)
{
	return strcmp(((const Cand *)a)->name, ((const Cand *)b)->name);
}

/* The candidate an identifier node names, or NULL. */
static Cand *jt__find(Typer *T, TSNode id)
{
	if (!jt__is(id, "identifier"))
		return NULL;
	uint32_t a = ts_node_start_byte(id), len = ts_node_end_byte(id) - a;
	const char *s = T->src + a;
	int lo = 0, hi = T->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int r = strncmp(T->c[mid].name, s, len);
		if (!r && T->c[mid].name[len])
			r = 1;
		if (!r)
			return &T->c[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* An array of n elements of size sz with room for one more (*cap its capacity, doubled). */
static void *jt__room(void *a, int n, int *cap, size_t sz)
{
	if (n < *cap)
		return a;
	*cap = *cap ? 2 * *cap : 8;
	void *b = xcalloc((size_t)*cap, sz);
	if (n)
		memcpy(b, a, (size_t)n * sz);
	return b;
}

static void jt__write(Cand *c, int kind, TSNode value, TSNode node)
{
	c->w = jt__room(c->w, c->nw, &c->capw, sizeof(*c->w));
	c->w[c->nw++] = (Write){.kind = kind, .value = value, .node = node};
}

/* Is the statement st directly in a block or function body (not a switch case, not a label's)? */
static bool jt__in_block(TSNode st)
{
	TSNode p = ts_node_parent(st);
	return jt__is(p, "statement_block") || jt__is(p, "program");
}

/* The first occurrence of c is written by `assigned` (a declarator or an assignment): does it
 * satisfy rule 1? Sets the region where the other occurrences must lie. */
static void jt__first(Cand *c, TSNode assigned)
{
	c->seen = true;
	TSNode st = ts_node_parent(assigned); /* variable_declaration or expression_statement */
	bool decl = jt__is(assigned, "variable_declarator");
	if (decl ? !jt__is(st, "variable_declaration") && !jt__is(st, "lexical_declaration") :
		   !jt__is(st, "expression_statement") || ts_node_named_child_count(st) != 1) {
		c->bad = true;
		return;
	}
	TSNode p = ts_node_parent(st);
	TSNode block;
	if (jt__is(p, "for_statement") &&
	    ts_node_eq(ts_node_child_by_field_name(p, "initializer", 11), st) && jt__in_block(p))
		block = ts_node_parent(p);
	else if (jt__in_block(st))
		block = p;
	else {
		c->bad = true;
		return;
	}
	c->lo = ts_node_end_byte(assigned);
	c->hi = ts_node_end_byte(block);
}

static void jt__visit(Typer *T, TSNode ch);

static void jt__walk(Typer *T, TSNode n)
{
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++)
		jt__visit(T, ts_node_named_child(n, i));
}

/* An occurrence of c at byte a that reads it (or writes it by ++, +=): after its first
 * assignment, in the same block. */
static void jt__occurs(Cand *c, uint32_t a)
{
	if (!c->seen)
		c->seen = c->bad = true; /* read before any `x = e` */
	else if (a < c->lo || a >= c->hi)
		c->bad = true;
}

static void jt__visit(Typer *T, TSNode ch)
{
	if (jt__is_fn(ch)) {
		/* its own scope; a declaration of a candidate's name assigns a function */
		Cand *c = jt__is(ch, "function_declaration") ?
			  jt__find(T, ts_node_child_by_field_name(ch, "name", 4)) : NULL;
		if (c)
			c->bad = true;
		return;
	}
	const char *t = ts_node_type(ch);
	if (!strcmp(t, "identifier")) {
		Cand *c = jt__find(T, ch);
		if (c)
			jt__occurs(c, ts_node_start_byte(ch));
		return;
	}
	if (!strcmp(t, "catch_clause")) {
		Cand *c = jt__find(T, ts_node_child_by_field_name(ch, "parameter", 9));
		if (c)
			c->bad = true;
	} else if (!strcmp(t, "for_in_statement")) {
		Cand *c = jt__find(T, jt__unparen(ts_node_child_by_field_name(ch, "left", 4)));
		if (c)
			c->bad = true;
	} else if (!strcmp(t, "variable_declarator")) {
		TSNode nm = ts_node_child_by_field_name(ch, "name", 4);
		TSNode val = ts_node_child_by_field_name(ch, "value", 5);
		Cand *c = jt__find(T, nm);
		if (c) {
			/* `var x;` does nothing; `var x = e` writes x: only e is walked */
			if (!ts_node_is_null(val)) {
				if (!c->seen)
					jt__first(c, ch);
				else
					jt__occurs(c, ts_node_start_byte(nm));
				jt__write(c, W_SET, val, ch);
				jt__visit(T, val);
			}
			return;
		}
	} else if (!strcmp(t, "assignment_expression") || !strcmp(t, "augmented_assignment_expression")) {
		TSNode left = jt__unparen(ts_node_child_by_field_name(ch, "left", 4));
		TSNode right = ts_node_child_by_field_name(ch, "right", 5);
		Cand *c = jt__find(T, left);
		if (c && !strcmp(t, "assignment_expression")) {
			/* the name is written, not read: only the value is walked (x op= e reads x
			 * first: it is an occurrence like any other, walked below) */
			if (!c->seen)
				jt__first(c, ch);
			else
				jt__occurs(c, ts_node_start_byte(left));
			jt__write(c, W_SET, right, ch);
			jt__visit(T, right);
			return;
		}
		if (c) {
			const char *op = ts_node_type(ts_node_child_by_field_name(ch, "operator", 8));
			/* x += e is a number when x and e are; every other compound operator gives a
			 * number (ES3 has no ||= and the like: js.c refuses them) */
			jt__write(c, !strcmp(op, "+=") ? W_ADD : W_NUM, right, ch);
		}
	} else if (!strcmp(t, "update_expression")) {
		Cand *c = jt__find(T, jt__unparen(ts_node_child_by_field_name(ch, "argument", 8)));
		if (c)
			jt__write(c, W_NUM, (TSNode){0}, ch);
	}
	jt__walk(T, ch);
}

/* Is e the `length` of a string-typed local (final: strings are typed before numbers)? */
static bool jt__str_length(Typer *T, TSNode e)
{
	if (!jt__is(e, "member_expression"))
		return false;
	TSNode p = ts_node_child_by_field_name(e, "property", 8);
	uint32_t a = ts_node_start_byte(p);
	if (ts_node_end_byte(p) - a != 6 || memcmp(T->src + a, "length", 6))
		return false;
	Cand *c = jt__find(T, jt__unparen(ts_node_child_by_field_name(e, "object", 6)));
	return c && c->str;
}

/* Does e always give a number (under the current assumptions)? */
static bool jt__num(Typer *T, TSNode e)
{
	e = jt__unparen(e);
	if (ts_node_is_null(e))
		return false;
	const char *t = ts_node_type(e);
	if (!strcmp(t, "number"))
		return true;
	if (!strcmp(t, "identifier")) {
		Cand *c = jt__find(T, e);
		return c && c->num;
	}
	if (!strcmp(t, "update_expression"))
		return true;
	if (!strcmp(t, "unary_expression")) {
		const char *op = ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
		return !strcmp(op, "-") || !strcmp(op, "+") || !strcmp(op, "~");
	}
	if (!strcmp(t, "binary_expression")) {
		const char *op = ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
		static const char *const nums[] = {"-", "*", "/", "%", "<<", ">>", ">>>", "&", "|", "^"};
		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
			if (!strcmp(op, nums[i]))
				return true;
		return !strcmp(op, "+") && jt__num(T, ts_node_child_by_field_name(e, "left", 4)) &&
		       jt__num(T, ts_node_child_by_field_name(e, "right", 5));
	}
	if (!strcmp(t, "assignment_expression"))
		return jt__num(T, ts_node_child_by_field_name(e, "right", 5));
	if (!strcmp(t, "augmented_assignment_expression")) {
		const char *op = ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
		return strcmp(op, "+=") || (jt__num(T, ts_node_child_by_field_name(e, "left", 4)) &&
					    jt__num(T, ts_node_child_by_field_name(e, "right", 5)));
	}
	if (!strcmp(t, "ternary_expression"))
		return jt__num(T, ts_node_child_by_field_name(e, "consequence", 11)) &&
		       jt__num(T, ts_node_child_by_field_name(e, "alternative", 11));
	if (!strcmp(t, "sequence_expression")) {
		uint32_t k = ts_node_named_child_count(e);
		return k && jt__num(T, ts_node_named_child(e, k - 1));
	}
	return jt__str_length(T, e);
}

static bool jt__str(Typer *T, TSNode e);

/* Is e (a binary or compound assignment) the operator op with a string on either side? */
static bool jt__str_plus(Typer *T, TSNode e, const char *op)
{
	return !strcmp(ts_node_type(ts_node_child_by_field_name(e, "operator", 8)), op) &&
	       (jt__str(T, ts_node_child_by_field_name(e, "left", 4)) ||
		jt__str(T, ts_node_child_by_field_name(e, "right", 5)));
}

/* Does e always give a string (under the current assumptions)? */
static bool jt__str(Typer *T, TSNode e)
{
	e = jt__unparen(e);
	if (ts_node_is_null(e))
		return false;
	const char *t = ts_node_type(e);
	if (!strcmp(t, "string"))
		return true;
	if (!strcmp(t, "identifier")) {
		Cand *c = jt__find(T, e);
		return c && c->str;
	}
	if (!strcmp(t, "unary_expression"))
		return !strcmp(ts_node_type(ts_node_child_by_field_name(e, "operator", 8)), "typeof");
	if (!strcmp(t, "binary_expression"))
		return jt__str_plus(T, e, "+");
	if (!strcmp(t, "assignment_expression"))
		return jt__str(T, ts_node_child_by_field_name(e, "right", 5));
	if (!strcmp(t, "augmented_assignment_expression"))
		return jt__str_plus(T, e, "+=");
	if (!strcmp(t, "ternary_expression"))
		return jt__str(T, ts_node_child_by_field_name(e, "consequence", 11)) &&
		       jt__str(T, ts_node_child_by_field_name(e, "alternative", 11));
	if (!strcmp(t, "sequence_expression")) {
		uint32_t k = ts_node_named_child_count(e);
		return k && jt__str(T, ts_node_named_child(e, k - 1));
	}
	return false;
}

/* Does every write of c keep it a number (strs false) or a string (strs true)? */
static bool jt__writes_ok(Typer *T, Cand *c, bool strs)
{
	for (int j = 0; j < c->nw; j++) {
		Write *w = &c->w[j];
		bool ok = strs ? (w->kind == W_ADD || (w->kind == W_SET && jt__str(T, w->value))) :
				 (w->kind == W_NUM || jt__num(T, w->value));
		if (!ok)
			return false;
	}
	return true;
}

/* The greatest fixpoint of rule 2 (strs false: c->num) or 2' (strs true: c->str): a candidate
 * still typed with a write that does not keep the type drops out, until nothing changes. */
static void jt__fix(Typer *T, int n, bool strs)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < n; i++) {
			bool *typed = strs ? &T->c[i].str : &T->c[i].num;
			if (*typed && !jt__writes_ok(T, &T->c[i], strs))
				*typed = false, changed = true;
		}
	}
}

/* Section - Integer ranges
 *
 * A number-typed local whose every assignment gives an integer in a range that fits in int32_t
 * (or, wider, within 2^53 in magnitude) is kept in a C int32_t (int64_t) by js.c. The values
 * counted as such integers are never -0 and never beyond 2^53 - 1 in magnitude, so double
 * arithmetic on them is exact and equals C integer arithmetic; each rule below keeps that:
 *
 *   - an integer literal within the limit: itself; a bitwise operator (& | ^ ~ << >>): an
 *     int32 (ToInt32's results; `a & b` with b a non-negative int32 in [0, h]: [0, h]); `>>>`:
 *     [0, 2^32 - 1], shifted right by a literal count;
 *   - `a + b`, `a - b` of integers: the sum's bounds (+0 + +0 is +0, +0 - +0 is +0);
 *     `a * b`: the products' bounds, unless one may be 0 and the other negative (-0);
 *     `a % b` with a >= 0 and b >= 1: [0, min(a's top, b's top - 1)] (a zero dividend is +0);
 *     `-a` when 0 is not in a's range; `+a`, `?:` (both arms), assignments and `,` as their
 *     values; `++`/`--` as the old value or the old value plus or minus one;
 *   - anything else (division, a call, a generic variable, a bound past the limit) is not.
 *
 * The ranges are a least fixpoint: every candidate starts with no value, and each round joins
 * the ranges of all its writes, until nothing changes. A bound that keeps growing is widened
 * to the next threshold (the body's integer literals and their neighbours, int32's and uint32's
 * bounds, the limit), so loops settle in a few rounds; past the limit a local is not an integer.
 * A counted loop's step is narrowed by its condition: in `for (…; i < E; i++) body`, with i
 * written nowhere in the condition, the body or the rest of the increment, i is below E's top
 * when `i++` runs (the condition held when the body began, and nothing changed i since), so
 * i++ gives at most E's top; likewise `i > E` with `i--`. */

static JsRange jr__no(void) { return (JsRange){0}; }

static JsRange jr__mk(double lo, double hi)
{
	/* bounds computed in double: an exact integer result within the limit is exact there,
	 * and one past the limit rounds to a value past it */
	if (!(lo >= (double)-JS_RANGE_LIM && hi <= (double)JS_RANGE_LIM && lo <= hi))
		return jr__no();
	return (JsRange){.ok = true, .lo = (int64_t)lo, .hi = (int64_t)hi};
}

static const JsRange jr__i32 = {.ok = true, .lo = INT32_MIN, .hi = INT32_MAX};

JsRange jsrange_lit(double n)
{
	if (!(n >= (double)-JS_RANGE_LIM && n <= (double)JS_RANGE_LIM) || n != (double)(int64_t)n ||
	    (n == 0 && signbit(n)))
		return jr__no(); /* NaN, past the limit, a fraction, -0 */
	return jr__mk(n, n);
}

static bool jr__nonneg32(JsRange a)
{
	return a.ok && a.lo >= 0 && a.hi <= INT32_MAX;
}

JsRange jsrange_binary(const char *op, JsRange a, JsRange b)
{
	if (!strcmp(op, "&")) {
		if (jr__nonneg32(a) && (!jr__nonneg32(b) || a.hi <= b.hi))
			return (JsRange){.ok = true, .lo = 0, .hi = a.hi};
		if (jr__nonneg32(b))
			return (JsRange){.ok = true, .lo = 0, .hi = b.hi};
		return jr__i32;
	}
	if (!strcmp(op, "|") || !strcmp(op, "^") || !strcmp(op, "<<") || !strcmp(op, ">>"))
		return jr__i32;
	if (!strcmp(op, ">>>")) {
		unsigned k = b.ok && b.lo == b.hi ? (unsigned)((uint64_t)b.lo & 31) : 0;
		return (JsRange){.ok = true, .lo = 0, .hi = (int64_t)(UINT32_MAX >> k)};
	}
	if (!a.ok || !b.ok)
		return jr__no();
	double alo = (double)a.lo, ahi = (double)a.hi, blo = (double)b.lo, bhi = (double)b.hi;
	if (!strcmp(op, "+"))
		return jr__mk(alo + blo, ahi + bhi);
	if (!strcmp(op, "-"))
		return jr__mk(alo - bhi, ahi - blo);
	if (!strcmp(op, "*")) {
		if ((a.lo <= 0 && a.hi >= 0 && b.lo < 0) || (b.lo <= 0 && b.hi >= 0 && a.lo < 0))
			return jr__no(); /* 0 * -n is -0 */
		double p[4] = {alo * blo, alo * bhi, ahi * blo, ahi * bhi}, lo = p[0], hi = p[0];
		for (int i = 1; i < 4; i++) {
			lo = p[i] < lo ? p[i] : lo;
			hi = p[i] > hi ? p[i] : hi;
		}
		return jr__mk(lo, hi);
	}
	if (!strcmp(op, "%") && a.lo >= 0 && b.lo >= 1)
		return (JsRange){.ok = true, .lo = 0, .hi = a.hi < b.hi - 1 ? a.hi : b.hi - 1};
	return jr__no();
}

JsRange jsrange_unary(const char *op, JsRange a)
{
	if (!strcmp(op, "~"))
		return jr__i32;
	if (!strcmp(op, "+"))
		return a;
	if (!strcmp(op, "-") && a.ok && (a.lo > 0 || a.hi < 0))
		return (JsRange){.ok = true, .lo = -a.hi, .hi = -a.lo};
	return jr__no();
}

static const Rg jt__bot = {.k = RK_BOT}, jt__no = {.k = RK_NO};

static Rg jt__rg(JsRange r)
{
	return r.ok ? (Rg){.k = RK_INT, .r = r} : jt__no;
}

static Rg jt__join(Rg a, Rg b)
{
	if (a.k == RK_BOT || b.k == RK_NO)
		return b;
	if (b.k == RK_BOT || a.k == RK_NO)
		return a;
	a.r.lo = b.r.lo < a.r.lo ? b.r.lo : a.r.lo;
	a.r.hi = b.r.hi > a.r.hi ? b.r.hi : a.r.hi;
	return a;
}

/* A binary operator on ranges not yet known (RK_BOT): a bitwise one has its range anyway, an
 * arithmetic one waits for its operands. */
static Rg jt__binop(const char *op, Rg a, Rg b)
{
	JsRange any = jsrange_binary(op, jr__no(), jr__no());
	if (any.ok && strcmp(op, "&") && strcmp(op, ">>>"))
		return jt__rg(any);
	if (a.k == RK_NO || b.k == RK_NO || (a.k == RK_INT && b.k == RK_INT) || any.ok)
		return jt__rg(jsrange_binary(op, a.r, b.r));
	return jt__bot;
}

static Rg jt__range(Typer *T, TSNode e);

static Rg jt__field_range(Typer *T, TSNode e, const char *field)
{
	return jt__range(T, ts_node_child_by_field_name(e, field, (uint32_t)strlen(field)));
}

static const char *jt__op(TSNode e)
{
	return ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
}

/* The range of e's values (under the current ranges of the candidates). */
static Rg jt__range(Typer *T, TSNode e)
{
	e = jt__unparen(e);
	if (ts_node_is_null(e))
		return jt__no;
	const char *t = ts_node_type(e);
	if (!strcmp(t, "number")) {
		uint32_t a = ts_node_start_byte(e);
		char *txt = xstrndup(T->src + a, ts_node_end_byte(e) - a);
		return jt__rg(jsrange_lit(js_number(txt)));
	}
	if (!strcmp(t, "identifier")) {
		Cand *c = jt__find(T, e);
		return c && c->num ? c->rg : jt__no;
	}
	if (!strcmp(t, "unary_expression")) {
		Rg a = jt__field_range(T, e, "argument");
		const char *op = jt__op(e);
		if (!strcmp(op, "~"))
			return jt__rg(jsrange_unary(op, a.r));
		if (a.k != RK_INT)
			return a.k == RK_BOT && (!strcmp(op, "-") || !strcmp(op, "+")) ? a : jt__no;
		return jt__rg(jsrange_unary(op, a.r));
	}
	if (!strcmp(t, "binary_expression"))
		return jt__binop(jt__op(e), jt__field_range(T, e, "left"), jt__field_range(T, e, "right"));
	if (!strcmp(t, "assignment_expression"))
		return jt__field_range(T, e, "right");
	if (!strcmp(t, "augmented_assignment_expression")) {
		const char *op = jt__op(e);
		char *bop = xstrndup(op, strlen(op) - 1);
		return jt__binop(bop, jt__field_range(T, e, "left"), jt__field_range(T, e, "right"));
	}
	if (!strcmp(t, "update_expression")) {
		Rg a = jt__field_range(T, e, "argument");
		bool prefix = !strcmp(ts_node_type(ts_node_child(e, 0)), jt__op(e));
		if (!prefix || a.k != RK_INT)
			return a;
		return jt__rg(jsrange_binary(!strcmp(jt__op(e), "++") ? "+" : "-", a.r, jsrange_lit(1)));
	}
	if (!strcmp(t, "ternary_expression"))
		return jt__join(jt__field_range(T, e, "consequence"), jt__field_range(T, e, "alternative"));
	if (!strcmp(t, "sequence_expression")) {
		uint32_t k = ts_node_named_child_count(e);
		return k ? jt__range(T, ts_node_named_child(e, k - 1)) : jt__no;
	}
	return jt__no;
}

static bool jt__within(TSNode n, uint32_t a, uint32_t b)
{
	return ts_node_start_byte(n) >= a && ts_node_end_byte(n) <= b;
}

/* For a write w of c that is (part of) a `for`'s increment: the bound the loop's condition
 * puts on c when the increment runs (c <= *hi, or c >= *lo, the other one RK_NO), when c is
 * written nowhere else in the condition, the increment or the body; both RK_BOT when the
 * condition's other side has no value yet. False: no bound (none of these forms, or the other
 * side not an integer, or its bound past the limit). */
static bool jt__guard(Typer *T, Cand *c, Write *w, Rg *lo, Rg *hi)
{
	TSNode p = ts_node_parent(w->node);
	if (jt__is(p, "sequence_expression"))
		p = ts_node_parent(p);
	if (!jt__is(p, "for_statement"))
		return false;
	TSNode inc = ts_node_child_by_field_name(p, "increment", 9);
	TSNode cond = jt__unparen(ts_node_child_by_field_name(p, "condition", 9));
	TSNode body = ts_node_child_by_field_name(p, "body", 4);
	if (ts_node_is_null(inc) || !jt__within(w->node, ts_node_start_byte(inc), ts_node_end_byte(inc)) ||
	    !jt__is(cond, "binary_expression") || ts_node_is_null(body))
		return false;
	uint32_t a = ts_node_start_byte(cond), b = ts_node_end_byte(body);
	for (int j = 0; j < c->nw; j++)
		if (!ts_node_eq(c->w[j].node, w->node) && jt__within(c->w[j].node, a, b))
			return false;
	const char *op = jt__op(cond);
	TSNode l = jt__unparen(ts_node_child_by_field_name(cond, "left", 4));
	TSNode r = jt__unparen(ts_node_child_by_field_name(cond, "right", 5));
	int dir; /* +1: c below the other side, -1: above; then 1 when strict */
	bool strict = !strcmp(op, "<") || !strcmp(op, ">");
	if (!strcmp(op, "<") || !strcmp(op, "<="))
		dir = 1;
	else if (!strcmp(op, ">") || !strcmp(op, ">="))
		dir = -1;
	else
		return false;
	TSNode other;
	if (jt__find(T, l) == c)
		other = r;
	else if (jt__find(T, r) == c)
		other = l, dir = -dir;
	else
		return false;
	Rg o = jt__range(T, other), bound;
	if (o.k == RK_BOT) {
		*lo = *hi = jt__bot; /* a bound still unknown: nothing yet */
		return true;
	}
	if (o.k != RK_INT)
		return false;
	bound = jt__rg(jsrange_binary(dir > 0 ? "-" : "+", o.r, jsrange_lit(strict ? 1 : 0)));
	if (bound.k != RK_INT)
		return false; /* past the limit: no bound (not "never runs") */
	*lo = dir > 0 ? jt__no : bound;
	*hi = dir > 0 ? bound : jt__no;
	return true;
}

/* The range of the value write w gives c. */
static Rg jt__write_range(Typer *T, Cand *c, Write *w)
{
	if (w->kind == W_SET)
		return jt__range(T, w->value);
	Rg old = c->rg;
	Rg glo, ghi;
	if (old.k == RK_INT && jt__guard(T, c, w, &glo, &ghi)) {
		if (glo.k == RK_BOT)
			return jt__bot; /* the condition's other side has no value yet */
		if (ghi.k == RK_INT && ghi.r.hi < old.r.hi)
			old.r.hi = ghi.r.hi;
		if (glo.k == RK_INT && glo.r.lo > old.r.lo)
			old.r.lo = glo.r.lo;
		if (old.r.lo > old.r.hi)
			return jt__bot; /* the increment never runs */
	}
	if (jt__is(w->node, "update_expression"))
		return jt__binop(!strcmp(jt__op(w->node), "++") ? "+" : "-", old, jt__rg(jsrange_lit(1)));
	const char *op = jt__op(w->node);
	return jt__binop(xstrndup(op, strlen(op) - 1), old, jt__range(T, w->value));
}

static void jt__threshold(Typer *T, int64_t v)
{
	if (v < -JS_RANGE_LIM || v > JS_RANGE_LIM)
		return;
	T->th = jt__room(T->th, T->nth, &T->capth, sizeof(*T->th));
	T->th[T->nth++] = v;
}

/* The widening thresholds: each integer literal of the body, its neighbours and negations,
 * and the bounds of int32, uint32 and the limit. */
static void jt__thresholds(Typer *T, TSNode n)
{
	if (jt__is(n, "number")) {
		uint32_t a = ts_node_start_byte(n);
		JsRange r = jsrange_lit(js_number(xstrndup(T->src + a, ts_node_end_byte(n) - a)));
		for (int d = -1; r.ok && d <= 1; d++) {
			jt__threshold(T, r.lo + d);
			jt__threshold(T, -r.lo + d);
		}
		return;
	}
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++)
		jt__thresholds(T, ts_node_named_child(n, i));
}

static int jt__cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* old widened to cover new: a grown bound moves out to the next threshold. */
static Rg jt__widen(Typer *T, Rg old, Rg nw)
{
	if (old.k != RK_INT || nw.k != RK_INT)
		return nw;
	if (nw.r.hi > old.r.hi) {
		int64_t h = JS_RANGE_LIM;
		for (int i = 0; i < T->nth; i++)
			if (T->th[i] >= nw.r.hi) {
				h = T->th[i];
				break;
			}
		nw.r.hi = h;
	}
	if (nw.r.lo < old.r.lo) {
		int64_t l = -JS_RANGE_LIM;
		for (int i = T->nth - 1; i >= 0; i--)
			if (T->th[i] <= nw.r.lo) {
				l = T->th[i];
				break;
			}
		nw.r.lo = l;
	}
	return nw;
}

static bool jt__rg_eq(Rg a, Rg b)
{
	return a.k == b.k && (a.k != RK_INT || (a.r.lo == b.r.lo && a.r.hi == b.r.hi));
}

/* Candidate `reader` (an index) reads every candidate named in the subtree n: dep lists. */
static void jt__reads(Typer *T, TSNode n, int reader)
{
	if (ts_node_is_null(n) || jt__is_fn(n))
		return;
	Cand *c = jt__find(T, n);
	if (c) {
		if (c->mark != reader + 1) {
			c->dep = jt__room(c->dep, c->ndep, &c->capdep, sizeof(*c->dep));
			c->dep[c->ndep++] = reader;
			c->mark = reader + 1;
		}
		return;
	}
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++)
		jt__reads(T, ts_node_named_child(n, i), reader);
}

/* The least fixpoint of the number-typed candidates' ranges (widened), by a worklist: a
 * candidate's range is computed again only when one it reads has changed (what its writes
 * read, itself for ++ and op=, a counted loop's condition), so a long chain of locals settles
 * in one pass along it. */
static void jt__ranges(Typer *T, TSNode body)
{
	jt__thresholds(T, body);
	int64_t fixed[] = {0, INT32_MIN, INT32_MAX, (int64_t)INT32_MAX + 1, UINT32_MAX,
			   (int64_t)UINT32_MAX + 1, -JS_RANGE_LIM, JS_RANGE_LIM};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		jt__threshold(T, fixed[i]);
	qsort(T->th, (size_t)T->nth, sizeof(*T->th), jt__cmp64);
	int *q = xcalloc((size_t)T->n + 1, sizeof(*q)), qh = 0, qn = 0;
	for (int i = 0; i < T->n; i++) {
		Cand *c = &T->c[i];
		c->rg = c->num && !c->entry ? jt__bot : jt__no;
		if (c->rg.k == RK_NO)
			continue;
		for (int j = 0; j < c->nw; j++) {
			Write *w = &c->w[j];
			jt__reads(T, w->value, i);
			if (w->kind != W_SET)
				jt__reads(T, ts_node_child_by_field_name(w->node, jt__is(w->node,
					  "update_expression") ? "argument" : "left", jt__is(w->node,
					  "update_expression") ? 8 : 4), i);
			TSNode p = ts_node_parent(w->node);
			if (jt__is(p, "sequence_expression"))
				p = ts_node_parent(p);
			if (jt__is(p, "for_statement"))
				jt__reads(T, ts_node_child_by_field_name(p, "condition", 9), i);
		}
		c->queued = true;
		q[qn++] = i;
	}
	/* a circular queue of at most n: a candidate is in it once */
	while (qn) {
		Cand *c = &T->c[q[qh]];
		qh = (qh + 1) % T->n;
		qn--;
		c->queued = false;
		if (c->rg.k == RK_NO)
			continue;
		Rg r = c->rg;
		for (int j = 0; j < c->nw && r.k != RK_NO; j++)
			r = jt__join(r, jt__write_range(T, c, &c->w[j]));
		r = jt__widen(T, c->rg, r);
		if (jt__rg_eq(r, c->rg))
			continue;
		c->rg = ++c->grows > 64 ? jt__no : r; /* the thresholds bound it anyway */
		for (int j = 0; j < c->ndep; j++) {
			Cand *d = &T->c[c->dep[j]];
			if (!d->queued && d->rg.k != RK_NO) {
				d->queued = true;
				q[(qh + qn++) % T->n] = c->dep[j];
			}
		}
	}
}

void jstype_locals(TSNode body, const char *src, const char *const *names, int n,
		   const bool *entry, bool *num, bool *str, JsRange *rg)
{
	if (n <= 0 || ts_node_is_null(body))
		return;
	Typer T = {.src = src, .c = xcalloc((size_t)n, sizeof(Cand)), .n = n};
	for (int i = 0; i < n; i++) {
		T.c[i] = (Cand){.name = names[i], .idx = i};
		if (entry && entry[i]) /* a number from the start: rule 1 holds everywhere */
			T.c[i] = (Cand){.name = names[i], .idx = i, .seen = true, .hi = UINT32_MAX,
					.entry = true};
	}
	qsort(T.c, (size_t)n, sizeof(Cand), jt__cmp);
	jt__walk(&T, body);
	for (int i = 0; i < n; i++)
		T.c[i].str = T.c[i].seen && !T.c[i].bad && !T.c[i].entry;
	jt__fix(&T, n, true);
	for (int i = 0; i < n; i++)
		T.c[i].num = T.c[i].seen && !T.c[i].bad && !T.c[i].str;
	jt__fix(&T, n, false);
	if (rg)
		jt__ranges(&T, body);
	for (int i = 0; i < n; i++) {
		num[T.c[i].idx] = T.c[i].num;
		if (str)
			str[T.c[i].idx] = T.c[i].str;
		if (rg)
			rg[T.c[i].idx] = T.c[i].num && T.c[i].rg.k == RK_INT ? T.c[i].rg.r : jr__no();
	}
	/* nothing is freed: the compiler never frees (util.c) */
}
