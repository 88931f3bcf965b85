/*
 * jstype.c — which locals of an ECMAScript function provably hold only numbers, or only strings.
 *
 * js.c keeps a number-typed local in a C `double` and computes with it by C arithmetic
 * (docs/ecmascript.md, "Number-typed locals"); a string-typed one stays a cx_value, but its
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
#include <stdlib.h>
#include <string.h>

#include "js.h"

enum { W_SET, W_ADD, W_NUM };

typedef struct Write {
	int kind;      /* W_SET: x = value; W_ADD: x += value; W_NUM: a write that always gives a
			* number (++, --, -= and the other compound operators) */
	TSNode value;  /* the assigned expression (x += value: the added one) */
} Write;

typedef struct Cand {
	const char *name;
	int idx;        /* position in the caller's list */
	bool seen;      /* first occurrence found */
	bool bad;       /* fails rule 1 (or a for-in, catch, function of the name): untyped */
	bool num;       /* fixpoint state */
	bool str;       /* the same for strings */
	bool entry;     /* a number from the start */
	uint32_t lo, hi; /* where the other occurrences must lie (after the first assignment) */
	Write *w;
	int nw, capw;
} Cand;

typedef struct Typer {
	const char *src;
	Cand *c;
	int n;
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

static void jt__write(Cand *c, int kind, TSNode value)
{
	if (c->nw == c->capw) {
		c->capw = c->capw ? 2 * c->capw : 8;
		Write *w = xcalloc((size_t)c->capw, sizeof(*w));
		if (c->nw)
			memcpy(w, c->w, (size_t)c->nw * sizeof(*w));
		c->w = w;
	}
	c->w[c->nw++] = (Write){.kind = kind, .value = value};
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
				jt__write(c, W_SET, val);
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
			jt__write(c, W_SET, right);
			jt__visit(T, right);
			return;
		}
		if (c) {
			const char *op = ts_node_type(ts_node_child_by_field_name(ch, "operator", 8));
			/* x += e is a number when x and e are; every other compound operator gives a
			 * number (ES3 has no ||= and the like: js.c refuses them) */
			jt__write(c, !strcmp(op, "+=") ? W_ADD : W_NUM, right);
		}
	} else if (!strcmp(t, "update_expression")) {
		Cand *c = jt__find(T, jt__unparen(ts_node_child_by_field_name(ch, "argument", 8)));
		if (c)
			jt__write(c, W_NUM, (TSNode){0});
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

void jstype_locals(TSNode body, const char *src, const char *const *names, int n,
		   const bool *entry, bool *num, bool *str)
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
	for (int i = 0; i < n; i++) {
		num[T.c[i].idx] = T.c[i].num;
		if (str)
			str[T.c[i].idx] = T.c[i].str;
	}
	/* nothing is freed: the compiler never frees (util.c) */
}
