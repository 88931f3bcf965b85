/*
 * js.c — ECMAScript (tree-sitter-javascript trees) -> C.
 *
 * Every expression becomes C statements that compute into numbered temporaries, in the order
 * ECMAScript evaluates them (left to right, member base before key, arguments in order):
 *
 *     cx_value t12 = cx_op_add(X, t10, t11);
 *     if (cx_is_exc(t12)) goto fail;
 *
 * An expression's result is a C expression without side effects (a temporary or a constant), so
 * it can be used later without changing the order of evaluation. Variable reads are copied into
 * a temporary for the same reason (`x + (x = 1)` must see the old x).
 *
 * Names resolve at compile time, innermost first: catch variables, function locals (C locals, or
 * env slots when an inner function captures them), transition scope, ccxml scope (X->slots),
 * `session` / `application` / `event$`, and last the global object through the runtime.
 * A scope-qualified name (`ccxml.x`, `transition.x`) resolves x in that scope only; the
 * name of <transition name="evt"> is one more name of event$ in its transition's scope.
 *
 * Control flow is goto-based: break / continue / return / throw that leave a try with a finally
 * go through the finally first, with a small completion code (cN) and value (rvN) per try.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "js.h"

/* Section - The generated file */

typedef struct Str {
	char *s;
	size_t len;
} Str;

struct Gen {
	const char *path;
	const char *doc_path; /* the document's own (path: another one's while its code is compiled) */
	const Options *opt;
	Str *strs;
	int nstrs, capstrs;
	FILE *protos, *funcs;
	char *protos_buf, *funcs_buf;
	size_t protos_len, funcs_len;
	FILE *stream;  /* gen_stream: where each function goes when it is finished, or NULL */
	int nstrs_out; /* string literals written to the stream so far */
	int nfuncs;   /* numbering of compiled ES functions */
	char **fnames; /* their C names, in that order (gen_func) */
	int capfnames;
	int nlocals;  /* numbering of C locals (unique in the file, which keeps them readable) */
	int (*slot_alloc)(void *arg, const char *name); /* hidden document slots, or NULL */
	void *slot_arg;
	int nregexps; /* numbering of regular-expression literals (their hidden slot names) */
	int evreads;    /* references to event$ (or a transition's name for it) compiled so far */
	int evreads_fn; /* …of them inside ES functions (callable from any transition) */
	int sessreads;  /* references to `session` compiled so far */
	bool vxml;      /* a VoiceXML dialog: an exception ends it (cx_vx_semantic) */
};

Gen *gen_new(const char *path, const Options *opt)
{
	Gen *g = xcalloc(1, sizeof(*g));
	g->path = g->doc_path = path;
	g->opt = opt;
	g->protos = open_memstream(&g->protos_buf, &g->protos_len);
	g->funcs = open_memstream(&g->funcs_buf, &g->funcs_len);
	if (!g->protos || !g->funcs)
		diag_fatal("out of memory");
	return g;
}

void gen_vxml(Gen *g)
{
	g->vxml = true;
}

void gen_path(Gen *g, const char *path)
{
	g->path = path;
}

int gen_nfuncs(const Gen *g)
{
	return g->nfuncs;
}

const char *gen_func(const Gen *g, int i)
{
	return g->fnames[i];
}

void gen_slot_alloc(Gen *g, int (*cb)(void *arg, const char *name), void *arg)
{
	g->slot_alloc = cb;
	g->slot_arg = arg;
}

const char *gen_str(Gen *g, const char *s, size_t len)
{
	for (int i = 0; i < g->nstrs; i++)
		if (g->strs[i].len == len && !memcmp(g->strs[i].s, s, len))
			return xprintf("s_%d", i + 1);
	if (g->nstrs == g->capstrs) {
		g->capstrs = g->capstrs ? 2 * g->capstrs : 32;
		Str *n = xcalloc((size_t)g->capstrs, sizeof(*n));
		if (g->nstrs)
			memcpy(n, g->strs, (size_t)g->nstrs * sizeof(*n));
		g->strs = n;
	}
	g->strs[g->nstrs].s = xstrndup(s, len);
	g->strs[g->nstrs].len = len;
	g->nstrs++;
	return xprintf("s_%d", g->nstrs);
}

char *c_quote(const char *s, size_t len)
{
	char *buf = xmalloc(4 * len + 3), *o = buf; /* at worst \ooo per byte, two quotes, NUL */
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '?': *o++ = '\\'; *o++ = '?'; break; /* no trigraphs in -std=c11 */
		default:
			if (c < 0x20 || c >= 0x7f) { /* always 3 digits: never runs into what follows */
				*o++ = '\\';
				*o++ = (char)('0' + (c >> 6));
				*o++ = (char)('0' + ((c >> 3) & 7));
				*o++ = (char)('0' + (c & 7));
			} else {
				*o++ = (char)c;
			}
		}
	}
	*o++ = '"';
	*o = 0;
	return buf;
}

/* The string literals registered since the last call, as static definitions. */
static void gen__strs(Gen *g, FILE *out, int *done)
{
	int from = *done;
	/* tcc warns of no unused static: C for it alone goes without the attribute (0.1 M) */
	const char *unused = g->opt->tcc ? "" : " __attribute__((unused))";
	for (int i = from; i < g->nstrs; i++)
		fprintf(out, "static struct cx_str_static s_%d%s = {CX_STR_STATIC_MARK, %zu, 0, 0, %s};\n",
			i + 1, unused, g->strs[i].len, c_quote(g->strs[i].s, g->strs[i].len));
	if (g->nstrs > from)
		fputc('\n', out);
	*done = g->nstrs;
}

void gen_stream(Gen *g, FILE *out)
{
	g->stream = out;
}

void gen_write(Gen *g, FILE *out)
{
	int done = 0;
	if (g->stream) {
		gen__strs(g, g->stream, &g->nstrs_out);
		return;
	}
	fflush(g->protos);
	fflush(g->funcs);
	gen__strs(g, out, &done);
	if (g->protos_len) {
		fwrite(g->protos_buf, 1, g->protos_len, out);
		fputc('\n', out);
	}
	fwrite(g->funcs_buf, 1, g->funcs_len, out);
}

/* Section - Scopes */

enum { N_VAR, N_PARAM, N_SELF, N_ARGS };

typedef struct Name {
	char *name;
	int kind;      /* N_* */
	int slot;      /* SC_DOC: index in X->slots */
	int param;     /* N_PARAM: position */
	char *cname;   /* C local */
	bool captured;
	bool num;      /* a number-typed local (jstype.c): a C double */
	JsRange rg;    /* num and rg.ok: it holds only integers of this range (jstype.c), a C
			* int32_t (or int64_t when the range does not fit) */
	bool str;      /* a string-typed local (jstype.c): a cx_value that is a string when read */
	bool typedp;   /* N_PARAM: a C double in the body with typed parameters (js__plan_typed) */
	int envi;      /* captured: index in env->v */
	struct Direct *direct; /* the function declaration plain calls of it may call directly
				* (js__call), or NULL */
	bool redeclared;       /* more than one function declaration of the name: none is */
	struct Name *next;
} Name;

/* A function declaration whose name plain calls (`f(x)`) call as C, guarded: when the name
 * holds a function object of this declaration, the call is its C function, else the generic
 * cx_call. So no proof that nothing reassigns the name is needed: <assign>, a script, a fetched
 * script, `arguments[i]` may change it, the guard then fails. At document level (a name of the
 * ccxml scope, or of a VoiceXML scope of slots) the guard compares the object with the one
 * the declaration made last, kept in a hidden slot too (inline, no call); elsewhere (a
 * transition's or a function's local) it compares the object's C code with the declaration's
 * (cx_func_code). A function object carries its env, so the direct call passes it as self and
 * the callee sees its own closure. docs/generated-c.md, "Direct calls". */
typedef struct Direct {
	char *cname;    /* the C function (the cx_cfunc shape) */
	int hidden;     /* X->slots index of the hidden slot `name#function`, or -1 */
	char *hname;    /* that slot's name */
	char *typed;    /* the C function with typed parameters, or NULL (js__function) */
	int nparams;
	bool *ptyped;   /* typed: parameter i is a C double */
} Direct;

struct Catch;

struct Scope {
	Scope *up;
	int kind;
	struct Catch *cat; /* SC_FUNC: the catch variables around the function's definition */
	Name *names, *last;
	Name **tab;          /* names by hash (open addressing, js__name_hash): lookups without a
			      * walk, so a function of 100 000 locals compiles in linear time */
	uint32_t tcap, tn;
	int nenv;
	const char *evalias; /* SC_TRANS: <transition name="evt">, another name of event$ */
	int qual;            /* SC_Q_*: the qualifier that names this scope (VoiceXML), or 0 */
};

Scope *scope_new(Scope *up, int kind)
{
	Scope *s = xcalloc(1, sizeof(*s));
	s->up = up;
	s->kind = kind;
	return s;
}

static uint32_t js__name_hash(const char *a, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)a[i]) * 16777619u;
	return h;
}

/* The name a[0..len) of sc, or NULL */
static Name *scope__find_n(Scope *sc, const char *a, size_t len)
{
	if (!sc->tcap)
		return NULL;
	for (uint32_t i = js__name_hash(a, len) & (sc->tcap - 1);; i = (i + 1) & (sc->tcap - 1)) {
		Name *n = sc->tab[i];
		if (!n)
			return NULL;
		if (!strncmp(n->name, a, len) && !n->name[len])
			return n;
	}
}

static Name *scope__find(Scope *sc, const char *name)
{
	return scope__find_n(sc, name, strlen(name));
}

static void scope__index(Scope *sc, Name *n)
{
	if (2 * (sc->tn + 1) > sc->tcap) {
		uint32_t oc = sc->tcap, nc = oc ? 2 * oc : 16;
		Name **old = sc->tab;
		sc->tab = xcalloc(nc, sizeof(*sc->tab));
		sc->tcap = nc;
		sc->tn = 0;
		for (uint32_t i = 0; i < oc; i++)
			if (old[i])
				scope__index(sc, old[i]);
	}
	uint32_t i = js__name_hash(n->name, strlen(n->name)) & (sc->tcap - 1);
	while (sc->tab[i])
		i = (i + 1) & (sc->tcap - 1);
	sc->tab[i] = n;
	sc->tn++;
}

void scope_qualifier(Scope *sc, int qual)
{
	sc->qual = qual;
}

bool scope_has(Scope *sc, const char *name)
{
	return scope__find(sc, name) != NULL;
}

void scope_event_alias(Scope *sc, const char *name)
{
	sc->evalias = xstrdup(name);
}

static char *js__cident(const char *s)
{
	char *c = xstrdup(s);
	for (char *p = c; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	return c;
}

static int js__local_seq;

static Name *scope__add(Scope *sc, const char *name, int kind)
{
	Name *n = scope__find(sc, name);
	if (n)
		return n;
	n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(name);
	n->kind = kind;
	n->cname = xprintf("l%d_%s", ++js__local_seq, js__cident(name));
	if (sc->last)
		sc->last->next = n;
	else
		sc->names = n;
	sc->last = n;
	scope__index(sc, n);
	return n;
}

void scope_add(Scope *sc, const char *name, int slot)
{
	Name *n = scope__add(sc, name, N_VAR);
	n->slot = slot;
}

static bool js__is(TSNode n, const char *type)
{
	return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type);
}

static bool js__is_fn(TSNode n)
{
	return js__is(n, "function_expression") || js__is(n, "function_declaration") ||
	       js__is(n, "function") || js__is(n, "generator_function_declaration") ||
	       js__is(n, "arrow_function") || js__is(n, "method_definition");
}

static char *js__text(const char *src, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	return xstrndup(src + a, b - a);
}

/* A list of names (the names a function body hoists, js__function). */
typedef struct Bound {
	char **v;
	int n, cap;
} Bound;

static void bound__add(void *arg, const char *name)
{
	Bound *b = arg;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		char **v = xcalloc((size_t)b->cap, sizeof(*v));
		if (b->n)
			memcpy(v, b->v, (size_t)b->n * sizeof(*v));
		b->v = v;
	}
	b->v[b->n++] = xstrdup(name);
}

/* The identifiers a function binds by its parameters; cb gets each identifier node. */
static void js__params(TSNode fn, void (*cb)(void *, TSNode), void *arg)
{
	TSNode ps = ts_node_child_by_field_name(fn, "parameters", 10);
	if (ts_node_is_null(ps))
		ps = ts_node_child_by_field_name(fn, "parameter", 9);
	if (ts_node_is_null(ps))
		return;
	if (js__is(ps, "identifier")) {
		cb(arg, ps);
		return;
	}
	uint32_t n = ts_node_named_child_count(ps);
	for (uint32_t i = 0; i < n; i++) {
		TSNode p = ts_node_named_child(ps, i);
		if (js__is(p, "identifier"))
			cb(arg, p);
	}
}

/* The names a body hoists (var and function declarations, for-in var), as identifier nodes;
 * nested functions are not entered. */
static void js__hoist_walk(TSNode n, void (*cb)(void *, TSNode), void *arg)
{
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_named_child(n, i);
		const char *t = ts_node_type(c);
		if (!strcmp(t, "function_declaration")) {
			TSNode nm = ts_node_child_by_field_name(c, "name", 4);
			if (!ts_node_is_null(nm))
				cb(arg, nm);
			continue;
		}
		if (js__is_fn(c) || !strcmp(t, "class_declaration") || !strcmp(t, "class"))
			continue;
		if (!strcmp(t, "variable_declarator")) {
			TSNode nm = ts_node_child_by_field_name(c, "name", 4);
			if (js__is(nm, "identifier"))
				cb(arg, nm);
		}
		if (!strcmp(t, "for_in_statement")) {
			TSNode kind = ts_node_child_by_field_name(c, "kind", 4);
			TSNode left = ts_node_child_by_field_name(c, "left", 4);
			if (!ts_node_is_null(kind) && js__is(left, "identifier"))
				cb(arg, left);
		}
		js__hoist_walk(c, cb, arg);
	}
}

typedef struct HoistText {
	const char *src;
	void (*cb)(void *arg, const char *name);
	void *arg;
} HoistText;

static void js__hoist_text(void *arg, TSNode nm)
{
	HoistText *h = arg;
	h->cb(h->arg, js__text(h->src, nm));
}

void js_hoisted(TSNode body, const char *src, void (*cb)(void *arg, const char *name), void *arg)
{
	HoistText h = {src, cb, arg};
	js__hoist_walk(body, js__hoist_text, &h);
}

/* Does `body` (not counting nested functions) use the name `arguments`? */
static bool js__uses_arguments(TSNode n, const char *src)
{
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_named_child(n, i);
		if (js__is_fn(c))
			continue;
		if (js__is(c, "identifier")) {
			uint32_t a = ts_node_start_byte(c), b = ts_node_end_byte(c);
			if (b - a == 9 && !memcmp(src + a, "arguments", 9))
				return true;
		}
		if (js__uses_arguments(c, src))
			return true;
	}
	return false;
}

static void scope__capture(Scope *sc, const char *name)
{
	Name *n = scope__find(sc, name);
	if (n && !n->captured && sc->kind != SC_DOC) {
		n->captured = true;
		n->envi = sc->nenv++;
	}
}

/* The capture scan. One stack of the names bound by the functions between the walk and the
 * scanned scope, as slices of the source, pushed when the walk enters a nested function and
 * cut back when it leaves: a scan allocates nothing per node or per nesting level, so that the
 * scan of each of n nested functions costs no memory beyond this one stack (it once copied the
 * outer names into every inner function: 400 nested functions took 1.2 GB). */
typedef struct Shadow {
	const char *src;
	TSNode *v;       /* identifier nodes */
	int n, cap;
} Shadow;

static void shadow__push(void *arg, TSNode id)
{
	Shadow *sh = arg;
	if (sh->n == sh->cap) {
		sh->cap = sh->cap ? 2 * sh->cap : 64;
		sh->v = realloc(sh->v, (size_t)sh->cap * sizeof(*sh->v));
		if (!sh->v)
			diag_fatal("out of memory");
	}
	sh->v[sh->n++] = id;
}

/* Is the identifier [a, a+len) of src bound by a function on the stack? Innermost first. */
static bool shadow__has(const Shadow *sh, const char *a, uint32_t len)
{
	for (int i = sh->n; i-- > 0;) {
		uint32_t s = ts_node_start_byte(sh->v[i]), e = ts_node_end_byte(sh->v[i]);
		if (e - s == len && !memcmp(sh->src + s, a, len))
			return true;
	}
	return false;
}

static void js__capture_walk(Scope *sc, TSNode n, Shadow *sh, int depth);

/* Does a function nested in this catch clause's block use its catch variable? Then every
 * execution of the clause puts the variable in a fresh one-slot env (ES3 12.14: a new object
 * on the scope chain per execution), which closures made in the block capture. */
static bool js__catch_captured(TSNode clause, const char *src)
{
	TSNode param = ts_node_child_by_field_name(clause, "parameter", 9);
	TSNode body = ts_node_child_by_field_name(clause, "body", 4);
	if (!js__is(param, "identifier") || ts_node_is_null(body))
		return false;
	Scope tmp = {.kind = SC_FUNC};
	Shadow sh = {.src = src};
	scope__add(&tmp, js__text(src, param), N_VAR);
	js__capture_walk(&tmp, body, &sh, 0);
	free(sh.v);
	return tmp.names->captured;
}

/* Walks n; inside a nested function (depth > 0), identifiers of sc not bound by a function
 * between the reference and sc are captured from sc. */
static void js__capture_walk(Scope *sc, TSNode n, Shadow *sh, int depth)
{
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_named_child(n, i);
		if (js__is_fn(c)) {
			TSNode body = ts_node_child_by_field_name(c, "body", 4);
			if (ts_node_is_null(body))
				continue;
			int mark = sh->n;
			js__params(c, shadow__push, sh);
			TSNode nm = ts_node_child_by_field_name(c, "name", 4);
			if (js__is(c, "function_expression") && !ts_node_is_null(nm))
				shadow__push(sh, nm);
			js__hoist_walk(body, shadow__push, sh);
			js__capture_walk(sc, body, sh, depth + 1);
			sh->n = mark;
			continue;
		}
		if (depth > 0 && js__is(c, "identifier")) {
			uint32_t a = ts_node_start_byte(c), len = ts_node_end_byte(c) - a;
			const char *id = sh->src + a;
			/* only names of sc can be captured from it: look there first */
			Name *nm = scope__find_n(sc, id, len);
			bool is_args = len == 9 && !memcmp(id, "arguments", 9); /* every function's own */
			if (nm && !is_args && !shadow__has(sh, id, len))
				scope__capture(sc, nm->name);
		}
		if (depth > 0 && sc->kind == SC_TRANS && js__is(c, "member_expression")) {
			/* transition.x in a function defined in the transition uses x */
			TSNode o = ts_node_child_by_field_name(c, "object", 6);
			TSNode p = ts_node_child_by_field_name(c, "property", 8);
			uint32_t a = ts_node_start_byte(o), len = ts_node_end_byte(o) - a;
			if (js__is(o, "identifier") && len == 10 && !memcmp(sh->src + a, "transition", 10) &&
			    !shadow__has(sh, sh->src + a, len) && !scope__find(sc, "transition")) {
				uint32_t pa = ts_node_start_byte(p), plen = ts_node_end_byte(p) - pa;
				Name *nm = scope__find_n(sc, sh->src + pa, plen);
				if (nm)
					scope__capture(sc, nm->name);
			}
		}
		js__capture_walk(sc, c, sh, depth);
	}
}

void scope_scan_captures(Scope *sc, TSNode root, const char *src)
{
	if (!sc->names)
		return; /* nothing to capture (and nested functions are not walked once per level) */
	Shadow sh = {.src = src};
	if (js__is_fn(root)) {
		TSNode body = ts_node_child_by_field_name(root, "body", 4);
		if (!ts_node_is_null(body))
			js__capture_walk(sc, body, &sh, 0);
	} else {
		js__capture_walk(sc, root, &sh, 0);
	}
	free(sh.v);
}

/* Section - Functions being generated */

typedef struct Label {
	char *name;
	int uses;
	char *stub; /* code placed at the end of the function after the label, or NULL */
	int line;   /* .ccxml line of the stub (0: the function's) */
	const char *path; /* and its file (NULL: the document's; fn__failat's stubs) */
	int at_of;  /* fn__failat's stub: 1 + the label it goes on to */
} Label;

/* A statement that break / continue can target. */
typedef struct Jmp {
	char **labels;   /* ES labels naming it */
	int nlabels;
	int brk, cont;   /* label ids; cont -1: not a loop */
	bool plain;      /* an unlabeled break may target it (loops and switch) */
	int fdepth;      /* number of try-finally around it */
	struct Jmp *up;
} Jmp;

/* A pending jump through a finally: after the finally runs, go on to `label` (or return). */
typedef struct Pend {
	int code;
	int label;       /* -1: return rvN */
	int fdepth;
} Pend;

typedef struct Fin {
	int n;           /* cN / rvN */
	int fin;         /* label of the finally block */
	Pend pend[32];
	int npend;
	int too_many;    /* jumps refused (reported once) */
	int fdepth;      /* depth outside this try */
	struct Fin *up;
} Fin;

typedef struct Catch {
	char *name;
	char *cvar;
	char *cenv;      /* when a closure sees it: the C local of its one-slot env, or NULL */
	struct Catch *up;
} Catch;

struct Fn {
	Gen *g;
	Scope *sc;
	int kind;
	char *name;
	int line;
	FILE *out;
	char *buf;
	size_t len;
	int ind;
	Label *lab;
	int nlab, caplab;
	int fail;
	Jmp *jmp;
	Fin *fin;
	int fdepth;
	Catch *cat;
	const SrcText *src;
	int ntemp;
	bool *tchk;
	int captchk;
	char **pending;  /* ES labels waiting for the next statement */
	int npending;
	int nparams;
	bool has_env;    /* this function allocates an env for its captured names */
	bool uses_env;   /* some code refers to `env` */
	int curline;     /* .ccxml line of the code being emitted (fn_line) */
	const char *curpath; /* and its file when it is not the document's (a <script src>) */
	const char *linepath; /* the file of line (NULL: the document) */
	int *at, nat, capat; /* fn__failat's stubs (label id + 1) by line, file and target */
	char *dstored;   /* the value last stored in a number-typed local (js_discard need not
			  * keep its temporaries alive) */
	Direct *direct;  /* FN_JS: generated code may call this function directly (its entry then
			  * checks the C stack), and with typed parameters: */
	bool typed;      /* this is the body with typed parameters (direct->typed) */
};

void fn_out(Fn *F, const char *fmt, ...)
{
	va_list ap;
	for (int i = 0; i < F->ind; i++)
		fputc('\t', F->out);
	va_start(ap, fmt);
	xvfprintf(F->out, fmt, ap);
	va_end(ap);
	fputc('\n', F->out);
}

void fn_indent(Fn *F, int delta)
{
	F->ind += delta;
}

static int fn__label(Fn *F, const char *prefix, const char *stub)
{
	if (F->nlab == F->caplab) {
		F->caplab = F->caplab ? 2 * F->caplab : 16;
		Label *n = xcalloc((size_t)F->caplab, sizeof(*n));
		if (F->nlab)
			memcpy(n, F->lab, (size_t)F->nlab * sizeof(*n));
		F->lab = n;
	}
	Label *l = &F->lab[F->nlab];
	l->name = stub && !strcmp(prefix, "fail") ? xstrdup("fail") : xprintf("%s%d", prefix, F->nlab);
	l->stub = stub ? xstrdup(stub) : NULL;
	return F->nlab++;
}

/* A label placed here; the marker line becomes `name:;` or disappears in fn_end. */
static void fn__place(Fn *F, int id)
{
	fprintf(F->out, "\001%d\n", id);
}

static const char *fn__use(Fn *F, int id)
{
	F->lab[id].uses++;
	return F->lab[id].name;
}

static void fn__goto(Fn *F, int id)
{
	fn_out(F, "goto %s;", fn__use(F, id));
}

static const char *fn__failname(Fn *F)
{
	return fn__use(F, F->fail);
}

static unsigned fn__athash(int line, int fail)
{
	return ((unsigned)line * 31u + (unsigned)fail) * 2654435761u;
}

/* The way to the failure label from a statement where an exception can arise: through a stub
 * of this line and file that tells the runtime where it was first seen (cx_exc_at: the log of
 * an error.semantic names the statement, in a <script src> file too), one stub per line, file
 * and target. */
static const char *fn__failat(Fn *F)
{
	int line = F->curline % CX_VX_APP_LINE; /* an application root's own line */
	Label *f = &F->lab[F->fail];
	if (line <= 0 || (!F->curpath && f->stub && !f->at_of && f->line == line))
		return fn__failname(F); /* an element's own line: its failure label says it */
	if (2 * (F->nat + 1) > F->capat) { /* the stubs by (line, file, target): a hash table */
		int cap = F->capat ? 2 * F->capat : 64, *old = F->at, oldcap = F->capat;
		F->at = xcalloc((size_t)cap, sizeof(int));
		F->capat = cap;
		for (int i = 0; i < oldcap; i++) {
			if (!old[i])
				continue;
			Label *l = &F->lab[old[i] - 1];
			unsigned h = fn__athash(l->line, l->at_of - 1);
			while (F->at[h & (unsigned)(cap - 1)])
				h++;
			F->at[h & (unsigned)(cap - 1)] = old[i];
		}
	}
	unsigned mask = (unsigned)F->capat - 1, h = fn__athash(line, F->fail);
	for (; F->at[h & mask]; h++) {
		int i = F->at[h & mask] - 1;
		Label *l = &F->lab[i];
		if (l->at_of == F->fail + 1 && l->line == line && l->path == F->curpath)
			return fn__use(F, i);
	}
	int id = fn__label(F, "at", NULL);
	F->at[h & mask] = id + 1;
	F->nat++;
	Label *l = &F->lab[id];
	/* the file: a <script src>'s, or another document's compiled into this one (a VoiceXML
	 * application root's), else NULL (the document's own) */
	const char *file = F->curpath ? F->curpath : strcmp(F->g->path, F->g->doc_path) ? F->g->path : NULL;
	l->stub = xprintf("cx_exc_at(X, %s, %d); goto %s;", file ? c_quote(file, strlen(file)) : "NULL",
			  line, fn__failname(F));
	l->line = line;
	l->path = F->curpath;
	l->at_of = F->fail + 1;
	return fn__use(F, id);
}

void fn_check(Fn *F, const char *v)
{
	/* tcc calls a static inline function as any other (passing the 16-byte value costs it
	 * more than the test): C for tcc alone tests the tag as cx_is_exc does */
	if (F->g->opt->tcc)
		fn_out(F, "if ((%s).tag == CX_T_EXC) goto %s;", v, fn__failat(F));
	else
		fn_out(F, "if (cx_is_exc(%s)) goto %s;", v, fn__failat(F));
	if (v[0] == 't' && isdigit((unsigned char)v[1])) {
		int i = atoi(v + 1);
		if (i < F->captchk)
			F->tchk[i] = true;
	}
}

char *fn_temp(Fn *F)
{
	int i = ++F->ntemp;
	if (i >= F->captchk) {
		int cap = F->captchk ? 2 * F->captchk : 64;
		while (cap <= i)
			cap *= 2;
		bool *n = xcalloc((size_t)cap, sizeof(*n));
		if (F->captchk)
			memcpy(n, F->tchk, (size_t)F->captchk);
		F->tchk = n;
		F->captchk = cap;
	}
	return xprintf("t%d", i);
}

Fn *fn_new(Gen *g, Scope *sc, int kind, const char *name, int line)
{
	Fn *F = xcalloc(1, sizeof(*F));
	F->g = g;
	F->sc = sc;
	F->kind = kind;
	F->name = xstrdup(name);
	F->line = line;
	F->ind = 1;
	F->out = ms_open();
	F->fail = fn__label(F, "fail", kind == FN_BODY ? "return CX_FAIL;" : "return CX_EXCEPTION;");
	F->has_env = sc->kind != SC_DOC && sc->nenv > 0;
	return F;
}

/* A marker line (\002N, or \002N\003PATH for a line of another file than the document's)
 * that fn__lines turns into #line directives. */
static void fn__mark(Fn *F, FILE *o, int line)
{
	if (F->g->opt->line_directives && line > 0)
		fprintf(o, F->curpath ? "\002%d\003%s\n" : "\002%d\n", line, F->curpath);
}

/* Code from here on is at this line of path (NULL: the document's). */
static void fn__line_in(Fn *F, int line, const char *path)
{
	if (line <= 0)
		return;
	F->curline = line;
	F->curpath = path;
	fn__mark(F, F->out, line);
}

void fn_line(Fn *F, int line)
{
	fn__line_in(F, line, NULL);
}

/* fn_line for ECMAScript at loc: its own file's line (a <script src>'s file is not the
 * document). */
static const char *fn__path(Fn *F, Loc loc)
{
	const char *path = loc.src ? loc.src->path : NULL;
	return path && (!strcmp(path, F->g->path) || strchr(path, '\n')) ? NULL : path;
}

static void fn__line_at(Fn *F, Loc loc)
{
	fn__line_in(F, loc.line, fn__path(F, loc));
}

int fn_curline(Fn *F)
{
	return F->curline;
}

void fn_fail_semantic(Fn *F, const char *elem, int line)
{
	F->fail = fn__label(F, "fail_", F->g->vxml ? xprintf("return cx_vx_semantic(X, \"%s\", %d);", elem, line)
						      : xprintf("return cx_semantic(X, CX_E_%s, %d);", elem, line));
	F->lab[F->fail].line = line % CX_VX_APP_LINE; /* #line: an application root's own line */
}

void fn_source(Fn *F, const SrcText *src)
{
	F->src = src;
}

/* The words of a function's body (maximal runs of letters, digits and '_'), found in one
 * pass: the prologue asks for each local whether the body uses it, and a search of the body
 * per local made a function of many locals take quadratic time. */
typedef struct Words {
	struct { const char *p; uint32_t len; uint8_t fl; } *v; /* fl: 1 seen, 2 seen not as `w = ` */
	uint32_t cap;
} Words;

static void fn__words_put(Words *W, const char *p, uint32_t len, uint8_t fl)
{
	uint32_t i = js__name_hash(p, len) & (W->cap - 1);

	for (; W->v[i].p; i = (i + 1) & (W->cap - 1))
		if (W->v[i].len == len && !memcmp(W->v[i].p, p, len)) {
			W->v[i].fl |= fl;
			return;
		}
	W->v[i].p = p;
	W->v[i].len = len;
	W->v[i].fl = fl;
}

static bool fn__isword(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static Words fn__words(const char *s)
{
	Words W;
	uint32_t n = 0;

	for (const char *p = s; *p; p++)
		n += fn__isword(*p) && (p == s || !fn__isword(p[-1]));
	for (W.cap = 16; W.cap < 2 * n + 2; W.cap *= 2)
		;
	W.v = xcalloc(W.cap, sizeof(*W.v));
	for (const char *p = s; *p;) {
		if (!fn__isword(*p)) {
			p++;
			continue;
		}
		const char *a = p;
		while (fn__isword(*p))
			p++;
		fn__words_put(&W, a, (uint32_t)(p - a), strncmp(p, " = ", 3) ? 3 : 1);
	}
	return W;
}

/* Does w occur in the body as a C identifier (reads: other than as the target of a plain
 * assignment `w = `)? */
static bool fn__word(const Words *W, const char *w, bool reads)
{
	uint32_t len = (uint32_t)strlen(w);

	for (uint32_t i = js__name_hash(w, len) & (W->cap - 1); W->v[i].p; i = (i + 1) & (W->cap - 1))
		if (W->v[i].len == len && !memcmp(W->v[i].p, w, len))
			return W->v[i].fl & (reads ? 2 : 1);
	return false;
}

static Scope *fn__outer_env_scope(Scope *sc)
{
	for (Scope *s = sc; s; s = s->up)
		if (s->kind != SC_DOC && s->nenv > 0)
			return s;
	return NULL;
}

/* Is this line of C blank or only braces (no code of its own, so no #line of its own)? The
 * function's own braces (not indented) carry its prologue and epilogue. */
static bool fn__braces_only(const char *p, size_t n)
{
	size_t i = strspn(p, "\t");
	size_t m = n - i - (p[n - 1] == '\n');
	if (!m)
		return true; /* blank */
	if (!i)
		return false;
	return (m == 1 && (p[i] == '{' || p[i] == '}')) || (m == 8 && !strncmp(p + i, "} else {", 8));
}

/* Writes a function's text to o, turning the line markers (\002N: what follows belongs to
 * .ccxml line N) into #line directives. After `#line N` the next lines count as N+1, N+2…,
 * so the directive is repeated before every line whose count would be wrong: each statement,
 * label and the function itself then carries its element's own line (gdb, addr2line). */
static void fn__lines(Fn *F, const char *text, FILE *o)
{
	int want = 0, at = 0;
	const char *file = NULL, *named = NULL; /* the wanted file (NULL: the document), the named */
	size_t flen = 0, nlen = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);
		if (*p == '\002') {
			want = atoi(p + 1);
			const char *f = memchr(p, '\003', n);
			file = f ? f + 1 : NULL;
			flen = f ? (size_t)(p + n - file) - (p[n - 1] == '\n') : 0;
		} else {
			if (!file) {
				file = F->g->path;
				flen = strlen(file);
			}
			bool same = named && nlen == flen && !memcmp(named, file, flen);
			if (want && (at != want || !same) && !fn__braces_only(p, n)) {
				if (same)
					fprintf(o, "#line %d\n", want);
				else
					fprintf(o, "#line %d %s\n", want, c_quote(file, flen));
				named = file;
				nlen = flen;
				at = want;
			}
			fwrite(p, 1, n, o);
			if (at)
				at++;
		}
		p += n;
	}
}

static bool js__fits32(JsRange r)
{
	return r.ok && r.lo >= INT32_MIN && r.hi <= INT32_MAX;
}

/* The C type of a number-typed local of range r (Name.rg). */
static const char *js__ctype(JsRange r)
{
	return !r.ok ? "double" : js__fits32(r) ? "int32_t" : "int64_t";
}

/* The parameter of F at position i (NULL when a later parameter of the same name hides it). */
static Name *fn__param(Fn *F, int i)
{
	for (Name *n = F->sc->names; n; n = n->next)
		if (n->kind == N_PARAM && n->param == i)
			return n;
	return NULL;
}

/* The signature of a body with typed parameters: the arguments by value, a number parameter as
 * a C double (its local is the parameter itself); the result a C double (cx_ret_num: anything
 * but a number waits in X->rbox, the callers take it back with cx_ret_val). */
static char *fn__typed_sig(Fn *F)
{
	char *sig = xprintf("static double %s(cx_ctx *X, cx_value self, cx_value this_", F->name);
	for (int i = 0; i < F->direct->nparams; i++) {
		Name *n = fn__param(F, i);
		sig = xprintf("%s, %s %s", sig, F->direct->ptyped[i] ? "double" : "cx_value", n->cname);
	}
	return xprintf("%s)", sig);
}

/* The generic entry of a function that has a body with typed parameters: when every typed
 * parameter's argument is a number, that body runs. */
static char *fn__typed_entry(Fn *F)
{
	Direct *d = F->direct;
	char *cond = xstrdup(""), *args = xstrdup("");
	for (int i = 0; i < d->nparams; i++) {
		if (d->ptyped[i]) {
			cond = xprintf("%s%sargc > %d && cx_is_num(argv[%d])", cond, *cond ? " && " : "", i, i);
			args = xprintf("%s, argv[%d].u.n", args, i);
		} else {
			args = xprintf("%s, argc > %d ? argv[%d] : CX_UNDEFINED", args, i, i);
		}
	}
	return xprintf("if (%s)\n\t\treturn cx_ret_val(X, %s(X, self, this_%s));", cond, d->typed, args);
}

void fn_end(Fn *F)
{
	FILE *o = ms_open();
	F->buf = ms_close(F->out, &F->len);
	F->curpath = F->linepath; /* the function's own lines (prologue, epilogue, labels) */
	fn__mark(F, o, F->line);
	/* a function streamed is defined before its first use: no prototype */
	FILE *pr = F->g->stream ? NULL : F->g->protos;
	if (F->typed) {
		char *sig = fn__typed_sig(F);
		if (pr)
			fprintf(pr, "%s;\n", sig);
		fprintf(o, "%s\n{\n", sig);
	} else if (F->kind == FN_JS) {
		if (pr)
			fprintf(pr, "static cx_value %s(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv);\n", F->name);
		fprintf(o, "static cx_value %s(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)\n{\n", F->name);
	} else if (F->kind == FN_COND) {
		if (pr)
			fprintf(pr, "static cx_value %s(cx_ctx *X);\n", F->name);
		fprintf(o, "static cx_value %s(cx_ctx *X)\n{\n", F->name);
	} else {
		if (pr)
			fprintf(pr, "static int %s(cx_ctx *X);\n", F->name);
		fprintf(o, "static int %s(cx_ctx *X)\n{\n", F->name);
	}
	/* Prologue: the environment, parameters and locals. */
	char *body = F->buf ? F->buf : "";
	Words bw = fn__words(body), *words = &bw;
	if (F->kind == FN_JS) {
		bool uses_self = fn__word(words, "self", false);
		if (F->direct && F->direct->typed && !F->typed)
			fprintf(o, "\t%s\n", fn__typed_entry(F));
		if (F->has_env) {
			fprintf(o, "\tcx_env *env = cx_env_new(X, cx_func_env(self), %d);\n", F->sc->nenv);
			fprintf(o, "\tif (!env)\n\t\tgoto %s;\n", fn__use(F, F->fail));
			uses_self = true;
		} else if (F->uses_env) {
			fprintf(o, "\tcx_env *env = cx_func_env(self);\n");
			uses_self = true;
		}
		bool uses_argv = false;
		for (Name *n = F->sc->names; n; n = n->next)
			if (n->kind == N_PARAM || n->kind == N_ARGS)
				uses_argv = true;
		for (Name *n = F->sc->names; n; n = n->next) {
			const char *init = "CX_UNDEFINED";
			if (F->typed && n->kind == N_PARAM) { /* in the signature */
				if (!fn__word(words, n->cname, true))
					fprintf(o, "\t(void)%s;\n", n->cname);
				continue;
			}
			if (n->kind == N_PARAM)
				init = xprintf("argc > %d ? argv[%d] : CX_UNDEFINED", n->param, n->param);
			else if (n->kind == N_SELF)
				init = "self", uses_self = true;
			if (n->kind == N_ARGS) {
				uses_self = true;
				if (n->captured) {
					fprintf(o, "\tenv->v[%d] = cx_arguments_new(X, self, argc, argv);\n", n->envi);
					fprintf(o, "\tif (cx_is_exc(env->v[%d]))\n\t\tgoto %s;\n", n->envi, fn__use(F, F->fail));
				} else {
					fprintf(o, "\tcx_value %s = cx_arguments_new(X, self, argc, argv);\n", n->cname);
					fprintf(o, "\tif (cx_is_exc(%s))\n\t\tgoto %s;\n", n->cname, fn__use(F, F->fail));
				}
				continue;
			}
			if (n->captured) {
				if (strcmp(init, "CX_UNDEFINED"))
					fprintf(o, "\tenv->v[%d] = %s;\n", n->envi, init);
				continue;
			}
			/* a number-typed local is assigned before any read (jstype.c) */
			if (n->num)
				fprintf(o, "\t%s %s = 0;\n", js__ctype(n->rg), n->cname);
			else
				fprintf(o, "\tcx_value %s = %s;\n", n->cname, init);
			if (!fn__word(words, n->cname, true))
				fprintf(o, "\t(void)%s;\n", n->cname);
		}
		if (!uses_self)
			fprintf(o, "\t(void)self;\n");
		if (!fn__word(words, "this_", false))
			fprintf(o, "\t(void)this_;\n");
		if (!uses_argv && !F->typed)
			fprintf(o, "\t(void)argc;\n\t(void)argv;\n");
		if (F->direct) /* called without cx_call, which checks the C stack */
			fprintf(o, "\tCX_STACK_GUARD(X, %s);\n", fn__use(F, F->fail));
		fprintf(o, "\tCX_TICK(X, %s);\n", fn__use(F, F->fail));
	} else if (F->sc->kind == SC_TRANS && F->kind == FN_BODY) {
		if (F->has_env) {
			fprintf(o, "\tcx_env *env = cx_env_new(X, NULL, %d);\n", F->sc->nenv);
			fprintf(o, "\tif (!env)\n\t\treturn cx_semantic(X, CX_E_transition, %d);\n", F->line);
		}
		for (Name *n = F->sc->names; n; n = n->next) {
			if (n->captured)
				continue;
			fprintf(o, "\tcx_value %s = CX_UNDEFINED;\n", n->cname);
			if (!fn__word(words, n->cname, true))
				fprintf(o, "\t(void)%s;\n", n->cname);
		}
	}
	/* An empty body or cond leaves X unused: clean under the user's -Wextra too. */
	if (F->kind != FN_JS && !(F->sc->kind == SC_TRANS && F->kind == FN_BODY && F->has_env) &&
	    !fn__word(words, "X", false))
		fprintf(o, "\t(void)X;\n");
	/* The body, with label markers turned into labels (or dropped when unused). */
	for (char *p = body; *p;) {
		char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);
		if (*p == '\001') {
			int id = atoi(p + 1);
			if (F->lab[id].uses)
				fprintf(o, "%s:;\n", F->lab[id].name);
		} else {
			fwrite(p, 1, n, o);
		}
		p += n;
	}
	fn__mark(F, o, F->line);
	if (F->typed)
		fprintf(o, "\treturn cx_ret_num(X, CX_UNDEFINED);\n");
	else if (F->kind == FN_JS)
		fprintf(o, "\treturn CX_UNDEFINED;\n");
	else if (F->kind == FN_BODY)
		fprintf(o, "\treturn CX_GO;\n");
	for (int i = 0; i < F->nlab; i++) {
		if (!F->lab[i].stub || !F->lab[i].uses)
			continue;
		F->curpath = F->lab[i].line ? F->lab[i].path : F->linepath;
		fn__mark(F, o, F->lab[i].line ? F->lab[i].line : F->line);
		fprintf(o, "%s: %s\n", F->lab[i].name, F->lab[i].stub);
	}
	F->curpath = F->linepath;
	fn__mark(F, o, F->line);
	fprintf(o, "}\n\n");
	if (F->g->stream) { /* its string literals first, then the function: the C compiler may */
		gen__strs(F->g, F->g->stream, &F->g->nstrs_out); /* start on it now */
		fn__lines(F, ms_close(o, NULL), F->g->stream);
		fflush(F->g->stream);
	} else {
		fn__lines(F, ms_close(o, NULL), F->g->funcs);
	}
}

/* Section - Values of expressions */

enum { V_TEMP, V_NUM, V_STR, V_CONST };

typedef struct V {
	int k;
	char *c;      /* the C expression */
	char *d;      /* when the value is known to be a number: a C double expression for it, as
		       * free of side effects as c (c is then cx_num(d)); else NULL */
	char *b;      /* when it is known to be a boolean: a C int expression for it; else NULL */
	char *i, *u;  /* when it is the result of a bitwise operator: a C int32_t (i) or uint32_t (u,
		       * >>>) expression for it, d being that converted to double; else NULL */
	char *l;      /* when it is known to be an integer of range lr (JsRange, js.h): a C integer
		       * expression for it, of type lct (int32_t, uint32_t or int64_t), d being that
		       * converted to double; else NULL */
	JsRange lr;
	const char *lct;
	bool str;     /* known to be a string (c is a string value) */
	double n;     /* V_NUM */
	char *s;      /* V_STR: the ASCII bytes */
	size_t slen;
} V;

static V js__ex(Fn *F, TSNode e);
static void js__stmt(Fn *F, TSNode s);
static V js__lval(const char *e, JsRange r, const char *ct);
static bool js__lint(V a, char **e, JsRange *r, const char **ct);
static char *js__icast(const char *e, const char *from, const char *to);

static Loc js__loc(Fn *F, TSNode n)
{
	return srctext_loc(F->src, ts_node_start_byte(n));
}

static char *js__txt(Fn *F, TSNode n)
{
	return js__text(F->src->s, n);
}

static V js__const(const char *c)
{
	V v = {.k = V_CONST, .c = xstrdup(c)};
	return v;
}

/* A C double literal for d. */
static char *js__dlit(double d)
{
	if (isnan(d))
		return xstrdup("(0.0 / 0.0)");
	if (isinf(d))
		return xstrdup(d > 0 ? "(1.0 / 0.0)" : "(-1.0 / 0.0)");
	char b[40];
	snprintf(b, sizeof(b), "%.17g", d);
	if (!strpbrk(b, ".e"))
		strcat(b, ".0"); /* a double literal; also keeps -0 negative */
	return xstrdup(b);
}

static V js__num(double d)
{
	char *l = js__dlit(d);
	V v = {.k = V_NUM, .c = xprintf("cx_num(%s)", l), .d = l, .n = d};
	return v;
}

/* A value that is a number, from a C double expression d (free of side effects). */
static V js__dval(const char *d)
{
	V v = {.k = V_TEMP, .c = xprintf("cx_num(%s)", d), .d = xstrdup(d)};
	return v;
}

/* A value that is a boolean, from a C int expression b (free of side effects). */
static V js__bval(const char *b)
{
	V v = {.k = V_TEMP, .c = xprintf("cx_bool(%s)", b), .b = xstrdup(b)};
	return v;
}

/* A value held by the C expression c, nothing known of its type. */
static V js__v(const char *c)
{
	V v = {.k = V_TEMP, .c = xstrdup(c)};
	return v;
}

/* The C condition for ToBoolean(v) (9.2). */
static char *js__truth(V v)
{
	if (v.b)
		return v.b;
	if (v.d)
		return xprintf("cx_d_truthy(%s)", v.d);
	return xprintf("cx_truthy(%s)", v.c);
}

/* e without the parentheses around all of it, for `if (…)`: clang warns of `if ((a == b))`. */
static char *js__bare(char *e)
{
	size_t n = strlen(e);
	if (n < 2 || e[0] != '(' || e[n - 1] != ')' || strpbrk(e, "\"'"))
		return e; /* (a quoted parenthesis would miscount) */
	int depth = 0;
	for (size_t i = 0; i < n - 1; i++) {
		depth += e[i] == '(' ? 1 : e[i] == ')' ? -1 : 0;
		if (!depth)
			return e; /* the first ( closes before the end: (a) == (b) */
	}
	return xstrndup(e + 1, n - 2);
}

/* A string value from UTF-8 bytes: static when ASCII, else built at run time. */
static V js__strv(Fn *F, const char *s, size_t len)
{
	bool ascii = true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = false;
	if (ascii) {
		V v = {.k = V_STR, .s = xstrndup(s, len), .slen = len, .str = true};
		v.c = xprintf("cx_strv((cx_str *)&%s)", gen_str(F->g, s, len));
		return v;
	}
	/* a lone surrogate (only from a \u escape) is kept as its three bytes, ED A0..BF xx */
	bool wtf8 = false;
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xed && (unsigned char)s[i + 1] >= 0xa0)
			wtf8 = true;
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s = cx_str_%s(X, %s, %zu);", t, wtf8 ? "wtf8" : "utf8", c_quote(s, len), len);
	fn_check(F, t);
	V v = {.k = V_TEMP, .c = t, .str = true};
	return v;
}

/* A temporary holding expr (printf-style); checked for an exception when chk. */
static V js__tmp(Fn *F, bool chk, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static V js__tmp(Fn *F, bool chk, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *expr = xcalloc((size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(expr, (size_t)n + 1, fmt, ap);
	va_end(ap);
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s = %s;", t, expr);
	if (chk)
		fn_check(F, t);
	V v = {.k = V_TEMP, .c = t};
	return v;
}

/* Does the C expression v name a temporary (tN)? */
static bool js__has_temp(const char *v)
{
	for (const char *p = v; *p; p++)
		if (*p == 't' && isdigit((unsigned char)p[1]) && (p == v || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')))
			return true;
	return false;
}

void js_discard(Fn *F, const char *v)
{
	if ((!strncmp(v, "cx_num(", 7) || !strncmp(v, "cx_bool(", 8)) && js__has_temp(v) &&
	    !(F->dstored && !strcmp(v, F->dstored))) {
		/* a number or boolean computed from double temporaries (number-typed locals) */
		fn_out(F, "(void)%s;", v);
		return;
	}
	if (v[0] == 't' && isdigit((unsigned char)v[1])) {
		int i = atoi(v + 1);
		if (i < F->captchk && !F->tchk[i])
			fn_out(F, "(void)%s;", v);
	}
}

static void js__unsupported(Fn *F, TSNode n, const char *what)
{
	diag_error(js__loc(F, n), "%s is not supported", what);
}

/* Section - Literals */

static int js__hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void js__put_utf8(FILE *f, uint32_t cp)
{
	if (cp < 0x80) {
		fputc((int)cp, f);
	} else if (cp < 0x800) {
		fputc(0xc0 | (int)(cp >> 6), f);
		fputc(0x80 | (int)(cp & 0x3f), f);
	} else if (cp < 0x10000) {
		fputc(0xe0 | (int)(cp >> 12), f);
		fputc(0x80 | (int)((cp >> 6) & 0x3f), f);
		fputc(0x80 | (int)(cp & 0x3f), f);
	} else {
		fputc(0xf0 | (int)(cp >> 18), f);
		fputc(0x80 | (int)((cp >> 12) & 0x3f), f);
		fputc(0x80 | (int)((cp >> 6) & 0x3f), f);
		fputc(0x80 | (int)(cp & 0x3f), f);
	}
}

/* Reads \uHHHH at s (after the backslash-u); -1 if malformed. */
static long js__u4(const char *s, const char *end)
{
	if (end - s < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = js__hex(s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The value of a string literal (raw text with its quotes) as UTF-8. Surrogate pairs written
 * as two \u escapes become one character; a lone surrogate is written as its three bytes
 * (WTF-8), which js__strv hands to cx_str_wtf8 so the string keeps that code unit. */
static char *js__string(const char *raw, size_t n, size_t *outlen)
{
	FILE *f = ms_open();
	const char *p = raw + 1, *end = raw + (n >= 2 ? n - 1 : n);
	while (p < end) {
		if (*p != '\\') {
			fputc(*p++, f);
			continue;
		}
		p++;
		if (p >= end)
			break;
		char c = *p++;
		switch (c) {
		case 'n': fputc('\n', f); break;
		case 't': fputc('\t', f); break;
		case 'r': fputc('\r', f); break;
		case 'b': fputc('\b', f); break;
		case 'f': fputc('\f', f); break;
		case 'v': fputc('\v', f); break;
		case '\r':
			if (p < end && *p == '\n')
				p++;
			break;
		case '\n':
			break;
		case 'x':
			if (end - p >= 2 && js__hex(p[0]) >= 0 && js__hex(p[1]) >= 0) {
				js__put_utf8(f, (uint32_t)(js__hex(p[0]) * 16 + js__hex(p[1])));
				p += 2;
			} else {
				fputc('x', f);
			}
			break;
		case 'u': {
			long cp;
			if (p < end && *p == '{') {
				const char *q = p + 1;
				cp = 0;
				while (q < end && js__hex(*q) >= 0 && cp <= 0x10ffff)
					cp = cp * 16 + js__hex(*q++);
				if (q < end && *q == '}' && cp <= 0x10ffff) {
					p = q + 1;
					js__put_utf8(f, (uint32_t)cp);
				} else {
					fputc('u', f);
				}
				break;
			}
			cp = js__u4(p, end);
			if (cp < 0) {
				fputc('u', f);
				break;
			}
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
				long lo = js__u4(p + 2, end);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			js__put_utf8(f, (uint32_t)cp); /* a lone surrogate as WTF-8: js__strv */
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				/* \0 and the legacy octal escapes (up to \377) */
				int v = c - '0', digits = 1;
				while (p < end && *p >= '0' && *p <= '7' && digits < 3 && v * 8 + (*p - '0') <= 0377) {
					v = v * 8 + (*p++ - '0');
					digits++;
				}
				js__put_utf8(f, (uint32_t)v);
			} else if ((unsigned char)c == 0xe2 && end - p >= 2 && (unsigned char)p[0] == 0x80 &&
				   ((unsigned char)p[1] == 0xa8 || (unsigned char)p[1] == 0xa9)) {
				p += 2; /* line continuation with U+2028 / U+2029 */
			} else {
				fputc(c, f);
			}
		}
	}
	return ms_close(f, outlen);
}

double js_number(const char *t)
{
	char *s = xstrdup(t);
	/* numeric separators (1_000) are not ES3, but cost nothing */
	char *w = s;
	for (char *r = s; *r; r++)
		if (*r != '_')
			*w++ = *r;
	*w = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return strtod(s, NULL); /* glibc rounds hex correctly */
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B' || s[1] == 'o' || s[1] == 'O')) {
		int base = (s[1] == 'b' || s[1] == 'B') ? 2 : 8;
		double v = 0;
		for (char *p = s + 2; *p; p++)
			v = v * base + (*p - '0');
		return v;
	}
	if (s[0] == '0' && isdigit((unsigned char)s[1]) && !strpbrk(s, "89.eE")) {
		double v = 0; /* legacy octal 0777 */
		for (char *p = s + 1; *p; p++)
			v = v * 8 + (*p - '0');
		return v;
	}
	return strtod(s, NULL);
}

/* Section - Names */

typedef struct Res {
	int k;        /* R_LVAL: c is a C lvalue; R_GLOBAL: s is the name; R_UNDEF: `undefined`;
		       * R_NONE: transition.x of an undeclared x (reads undefined, writes throw) */
	char *c;
	char *name;
	bool dbl;     /* R_LVAL: c is a number-typed local (a C double, or an integer when rg.ok) */
	JsRange rg;
	bool str;     /* R_LVAL: c is a string-typed local (a string when read) */
	struct Name *bind; /* R_LVAL of a declared name (a scope's, not a catch variable): it */
	bool doc;          /* …and it is a name of the ccxml scope (a document slot) */
} Res;
enum { R_LVAL, R_GLOBAL, R_UNDEF, R_NONE };

/* "env->up->up…" for an env `hops` levels out, built in one piece (not one copy per level). */
static char *js__env_path(int hops)
{
	char *p = xcalloc(3 + 4 * (size_t)hops + 1, 1);
	strcpy(p, "env");
	for (int i = 0; i < hops; i++)
		memcpy(p + 3 + 4 * i, "->up", 4);
	return p;
}

/* A reference to event$ (the runtime builds it only for code that reads it: cx_gen.h
 * reads_event). Inside a function it may run for any transition. */
static void js__evread(Fn *F)
{
	F->g->evreads++;
	if (F->kind == FN_JS)
		F->g->evreads_fn++;
}

int gen_session_reads(const Gen *g)
{
	return g->sessreads;
}

int gen_event_reads(const Gen *g, int *in_functions)
{
	if (in_functions)
		*in_functions = g->evreads_fn;
	return g->evreads;
}

/* Resolves name in every scope (only < 0), or in the scopes of one kind only (only = SC_DOC
 * for `ccxml.x`, SC_TRANS for `transition.x`: catch variables and function locals are passed
 * over, but the env hops across them are still counted). */
static Res js__resolve_in(Fn *F, const char *name, int only)
{
	Res r = {.k = R_GLOBAL, .name = xstrdup(name)};
	for (Catch *c = only < 0 ? F->cat : NULL; c; c = c->up)
		if (!strcmp(c->name, name)) {
			r.k = R_LVAL;
			r.c = c->cvar;
			return r;
		}
	int hops = 0;
	for (Scope *s = F->sc; s; s = s->up) {
		bool in = only < 0 || (only < SC_Q_DOCUMENT ? s->kind == only : s->qual == only);
		Name *n = in ? scope__find(s, name) : NULL;
		if (n && s->kind == SC_DOC) {
			r.k = R_LVAL;
			r.bind = n;
			r.doc = true;
			/* the name in a comment: a reader of the C sees which variable it is */
			r.c = xprintf("X->slots[%d /* %s */]", n->slot, n->name);
			return r;
		}
		if (n) {
			r.k = R_LVAL;
			r.bind = n;
			Name *args = n->kind == N_PARAM ? scope__find(s, "arguments") : NULL;
			/* captured names: walk the env chain; `env` is this function's env or, without
			 * one, the nearest enclosing one */
			char *p = js__env_path(hops);
			if (n->captured)
				r.c = xprintf("%s->v[%d]", p, n->envi);
			else
				r.c = n->cname;
			r.dbl = n->num;
			r.rg = n->num ? n->rg : (JsRange){0};
			r.str = n->str;
			if (args && args->kind == N_ARGS) {
				/* 10.1.8: the parameter and arguments[k] are one variable. A function
				 * whose captured parameter it aliases keeps `arguments` in its env
				 * too (js__function), so closures reach it. */
				char *a = args->captured ? xprintf("%s->v[%d]", p, args->envi) : args->cname;
				r.c = xprintf("(*cx_arguments_ref(%s, %d, &%s))", a, n->param, r.c);
			}
			if (n->captured || (args && args->kind == N_ARGS && args->captured))
				F->uses_env = true;
			return r;
		}
		if (s->kind == SC_TRANS && (only < 0 || only == SC_TRANS) && s->evalias &&
		    !strcmp(s->evalias, name)) {
			r.k = R_LVAL; /* <transition name="evt">: evt is event$ */
			r.c = xstrdup("X->slots[CX_SLOT_EVENT]");
			js__evread(F);
			return r;
		}
		if (s->kind != SC_DOC && s->nenv > 0 && (s != F->sc || F->has_env))
			hops++;
		/* the catch clauses around this function's definition: each one whose variable
		 * a closure sees is one env on the chain (js__try), innermost first */
		for (Catch *c = s->cat; c; c = c->up) {
			if (!c->cenv)
				continue;
			if (only < 0 && !strcmp(c->name, name)) {
				char *p = js__env_path(hops);
				r.k = R_LVAL;
				r.c = xprintf("%s->v[0]", p);
				F->uses_env = true;
				return r;
			}
			hops++;
		}
	}
	if (only < 0 && !strcmp(name, "session")) {
		r.k = R_LVAL;
		r.c = xstrdup("X->slots[CX_SLOT_SESSION]");
		F->g->sessreads++; /* the runtime builds session only for documents that name it */
	} else if (only < 0 && !strcmp(name, "application")) {
		r.k = R_LVAL;
		r.c = xstrdup("X->slots[CX_SLOT_APPLICATION]");
	} else if (only != SC_DOC && !strcmp(name, "event$")) {
		r.k = R_LVAL;
		r.c = xstrdup("X->slots[CX_SLOT_EVENT]");
		js__evread(F);
	} else if (only < 0 && !strcmp(name, "undefined")) {
		r.k = R_UNDEF;
	} else if (only == SC_TRANS) {
		r.k = R_NONE; /* transition.x of an x the transition does not declare */
	}
	return r;
}

static Res js__resolve(Fn *F, const char *name)
{
	return js__resolve_in(F, name, -1);
}

/* `ccxml` / `transition` as the qualifier of a scope-qualified name (`ccxml.x`): the scope kind
 * (SC_DOC, SC_TRANS) when no variable of that name hides it and the code is inside such a
 * scope; -1 otherwise (then it is an ordinary name). */
static int js__qualifier(Fn *F, const char *name)
{
	int kind = !strcmp(name, "ccxml") ? SC_DOC : !strcmp(name, "transition") ? SC_TRANS :
		   !strcmp(name, "document") ? SC_Q_DOCUMENT : !strcmp(name, "dialog") ? SC_Q_DIALOG :
		   !strcmp(name, "application") ? SC_Q_APPLICATION : -1;
	Res own = kind < 0 ? (Res){0} : js__resolve(F, name);
	if (kind < 0 || (own.k != R_GLOBAL && !(kind == SC_Q_APPLICATION && own.c &&
						 !strcmp(own.c, "X->slots[CX_SLOT_APPLICATION]"))))
		return -1;
	for (Scope *s = F->sc; s; s = s->up)
		if (kind < SC_Q_DOCUMENT ? s->kind == kind && !s->qual : s->qual == kind)
			return kind;
	return -1;
}

/* js__qualifier for `name.prop`: `application.x` without an application variable x is the
 * property of the application object (-1). */
static int js__qualifier_of(Fn *F, const char *name, const char *prop)
{
	int kind = js__qualifier(F, name);
	return kind == SC_Q_APPLICATION && js__resolve_in(F, prop, kind).k == R_GLOBAL ? -1 : kind;
}

static const char *js__sref(Fn *F, const char *s)
{
	return xprintf("(cx_str *)&%s", gen_str(F->g, s, strlen(s)));
}

static bool js__ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* What a name no scope declares is read and written with: the global object's, or, in a
 * script fetched at run time (compiled without the scopes it runs in), the runtime's scopes
 * first (cx_dyn_*). */
static const char *js__free(Fn *F, const char *op)
{
	return xprintf("cx_%s_%s", F->g->opt->fetched_js ? "dyn" : "global", op);
}

static V js__read_res(Fn *F, Res r, bool for_typeof)
{
	const char *name = r.name;
	if (r.k == R_UNDEF || r.k == R_NONE)
		return js__const("CX_UNDEFINED");
	if (r.k == R_LVAL && r.dbl) {
		char *t = fn_temp(F);
		fn_out(F, "%s %s = %s;", js__ctype(r.rg), t, r.c);
		return r.rg.ok ? js__lval(t, r.rg, js__ctype(r.rg)) : js__dval(t);
	}
	if (r.k == R_LVAL) {
		V v = js__tmp(F, false, "%s", r.c);
		v.str = r.str;
		return v;
	}
	if (!js__ascii(name)) {
		V s = js__strv(F, name, strlen(name));
		return js__tmp(F, !for_typeof, "%s(X, %s.u.s, %d)", js__free(F, "lookup"), s.c,
			       for_typeof);
	}
	if (!F->g->opt->fetched_js && !F->g->opt->tcc) {
		/* A global the document does not declare (String, Math, parseFloat…): through the
		 * site's cache of where the global object keeps it (stdlib/lib_global.c). */
		int c = F->ntemp + 1;
		fn_out(F, "CX_IC(ic%d);", c);
		return js__tmp(F, true, "cx_global_get_ic(X, %s, %d, CX_IC_REF(ic%d))", js__sref(F, name),
			       for_typeof, c);
	}
	return js__tmp(F, true, "%s(X, %s, %d)", js__free(F, "lookup"), js__sref(F, name),
		       for_typeof);
}

void js_declare_free(Fn *F, const char *name)
{
	char *key = js__ascii(name) ? xstrdup(js__sref(F, name)) :
		    xprintf("%s.u.s", js__strv(F, name, strlen(name)).c);
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s = cx_dyn_declare(X, %s);", t, key);
	fn_check(F, t);
}

const char *const *scope_names(Fn *F, int *n)
{
	Bound b = {0};
	*n = 0;
	if (F->sc->kind != SC_TRANS)
		return NULL;
	for (Name *x = F->sc->names; x; x = x->next)
		if (x->kind == N_VAR)
			bound__add(&b, x->name);
	*n = b.n;
	return (const char *const *)b.v;
}

static V js__read(Fn *F, const char *name, bool for_typeof)
{
	return js__read_res(F, js__resolve(F, name), for_typeof);
}

static void js__write_res(Fn *F, Res r, V val)
{
	const char *name = r.name, *v = val.c;
	if (r.k == R_LVAL && r.dbl) {
		/* jstype.c proved val a number; js__ex gives every such value its double, the
		 * conversion is only a safety net. For an integer local it proved val an integer of
		 * the local's range: converting it to the C type is exact. */
		char *e;
		JsRange er;
		const char *et;
		if (r.rg.ok && js__lint(val, &e, &er, &et)) {
			fn_out(F, "%s = %s;", r.c, js__icast(e, et, js__ctype(r.rg)));
			F->dstored = val.c;
		} else if (r.rg.ok && val.d) {
			fn_out(F, "%s = (%s)(%s);", r.c, js__ctype(r.rg), val.d);
			F->dstored = val.c;
		} else if (r.rg.ok) {
			V n = js__tmp(F, true, "cx_op_pos(X, %s)", v);
			fn_out(F, "%s = (%s)%s.u.n;", r.c, js__ctype(r.rg), n.c);
		} else if (val.d) {
			fn_out(F, "%s = %s;", r.c, val.d);
			F->dstored = val.c;
		} else {
			V n = js__tmp(F, true, "cx_op_pos(X, %s)", v);
			fn_out(F, "%s = %s.u.n;", r.c, n.c);
		}
		return;
	}
	if (r.k == R_LVAL) {
		fn_out(F, "%s = %s;", r.c, v);
		return;
	}
	if (r.k == R_NONE) {
		js_discard(F, v);
		js__tmp(F, true, "cx_throw_error(X, \"ReferenceError\", \"%%s is not declared in the "
			"transition scope\", %s)", c_quote(name, strlen(name)));
		return;
	}
	char *key;
	if (js__ascii(name))
		key = xstrdup(js__sref(F, name));
	else
		key = xprintf("%s.u.s", js__strv(F, name, strlen(name)).c);
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s = %s(X, %s, %s);", t, js__free(F, "assign"), key, v);
	fn_check(F, t);
}

static void js__write(Fn *F, const char *name, V v)
{
	js__write_res(F, js__resolve(F, name), v);
}

/* Section - References (identifier, a.b, a[b]) */

typedef struct Ref {
	int k;        /* F_NAME, F_PROP (static key), F_KEY (computed key), F_SCOPED (`ccxml.x`) */
	char *name;   /* F_NAME: the name; F_PROP: the key */
	V obj;
	char *skey;   /* F_PROP: (cx_str *)&s_N */
	V key;
	Res res;      /* F_SCOPED: x resolved in the named scope */
} Ref;
enum { F_NAME, F_PROP, F_KEY, F_SCOPED };

static TSNode js__unparen(TSNode n)
{
	while (js__is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		n = ts_node_named_child(n, 0);
	return n;
}

static bool js__is_ref(TSNode n)
{
	n = js__unparen(n);
	return js__is(n, "identifier") || js__is(n, "undefined") || js__is(n, "member_expression") ||
	       js__is(n, "subscript_expression");
}

static Ref js__ref(Fn *F, TSNode n)
{
	Ref r = {0};
	n = js__unparen(n);
	if (js__is(n, "identifier") || js__is(n, "undefined")) {
		r.k = F_NAME;
		r.name = js__txt(F, n);
		return r;
	}
	TSNode obj = js__unparen(ts_node_child_by_field_name(n, "object", 6));
	int kind;
	if (js__is(n, "member_expression") && js__is(obj, "identifier") &&
	    (kind = js__qualifier_of(F, js__txt(F, obj),
				     js__txt(F, ts_node_child_by_field_name(n, "property", 8)))) >= 0) {
		/* ccxml.x, transition.x: the variable x of that scope, resolved here */
		r.k = F_SCOPED;
		r.res = js__resolve_in(F, js__txt(F, ts_node_child_by_field_name(n, "property", 8)), kind);
		return r;
	}
	r.obj = js__ex(F, obj);
	if (js__is(n, "member_expression")) {
		TSNode p = ts_node_child_by_field_name(n, "property", 8);
		char *name = js__txt(F, p);
		if (js__ascii(name)) {
			r.k = F_PROP;
			r.name = name;
			r.skey = xstrdup(js__sref(F, name));
		} else {
			r.k = F_KEY;
			r.key = js__strv(F, name, strlen(name));
		}
		return r;
	}
	r.k = F_KEY;
	r.key = js__ex(F, ts_node_child_by_field_name(n, "index", 5));
	return r;
}

/* o.name and o.name = v go through a cache of their own (CX_IC: static, per thread) that
 * remembers where the last lookup found the name (stdlib/obj.c, docs/ecmascript.md). It is
 * named after the temporary that takes the result. C for tcc alone has none (tcc has no
 * __thread, so CX_IC_REF is NULL there) and says so without the macros, which tcc expands
 * slowly (docs/performance.md, rtdocs). */
/* obj.key read by get (cx_get_ic, or cx_getm_ic for a callee) through the site's cache, or
 * by cx_get_s under tcc (its code has no thread-local caches). skip: a C condition under which
 * the read is not made (the value is then undefined), or NULL. */
static V js__prop_read(Fn *F, const char *get, const char *obj, const char *skey, const char *skip)
{
	int c = F->ntemp + 1;
	char *pre = skip ? xprintf("%s ? CX_UNDEFINED : ", skip) : "";
	if (F->g->opt->tcc)
		return js__tmp(F, true, "%scx_get_s(X, %s, %s)", pre, obj, skey);
	fn_out(F, "CX_IC(ic%d);", c);
	return js__tmp(F, true, "%s%s(X, %s, %s, CX_IC_REF(ic%d))", pre, get, obj, skey, c);
}

static V js__prop_get(Fn *F, const char *obj, const char *skey)
{
	return js__prop_read(F, "cx_get_ic", obj, skey, NULL);
}

static void js__prop_put(Fn *F, const char *obj, const char *skey, const char *v)
{
	int c = F->ntemp + 1;
	if (F->g->opt->tcc) {
		js__tmp(F, true, "cx_put_s(X, %s, %s, %s)", obj, skey, v);
		return;
	}
	fn_out(F, "CX_IC(ic%d);", c);
	js__tmp(F, true, "cx_put_ic(X, %s, %s, %s, CX_IC_REF(ic%d))", obj, skey, v, c);
}

static V js__ref_get(Fn *F, Ref *r)
{
	if (r->k == F_NAME)
		return js__read(F, r->name, false);
	if (r->k == F_SCOPED) /* a scope is an object: a name it lacks reads as undefined */
		return js__read_res(F, r->res, true);
	/* a string's length (15.5.5.1, an own property of its wrapper) read inline, at once: the
	 * string is dead after it, a conservative scan of the stack need not keep it */
	if (r->k == F_PROP && r->obj.str && !strcmp(r->name, "length")) {
		char *t = fn_temp(F);
		fn_out(F, "double %s = cx_str_length(%s);", t, r->obj.c);
		return js__dval(t);
	}
	/* any other o.length: a string's or an Array's inline, the rest through the cache */
	if (r->k == F_PROP && !strcmp(r->name, "length") && !F->g->opt->tcc) {
		int c = F->ntemp + 1;
		fn_out(F, "CX_IC(ic%d);", c);
		return js__tmp(F, true, "cx_get_len(X, %s, %s, CX_IC_REF(ic%d))", r->obj.c, r->skey, c);
	}
	if (r->k == F_PROP)
		return js__prop_get(F, r->obj.c, r->skey);
	/* o[i] with a number i: an Array's dense element inline */
	if (r->key.d)
		return js__tmp(F, true, "cx_get_num(X, %s, %s)", r->obj.c, r->key.d);
	return js__tmp(F, true, "cx_get(X, %s, %s)", r->obj.c, r->key.c);
}

/* The callee of `o.name(…)`: through a cache that tries the prototype's method first
 * (cx_getm_ic); anything else as any read. skip as js__prop_read's (o.name only). */
static V js__method_get(Fn *F, Ref *r, const char *skip)
{
	if (r->k != F_PROP || !strcmp(r->name, "length"))
		return js__ref_get(F, r);
	return js__prop_read(F, "cx_getm_ic", r->obj.c, r->skey, skip);
}

/* The CX_SM_ id of a String.prototype method generated code may call directly (cx_sm_ok,
 * cx_value.h), or NULL. */
static const char *js__sm_id(const char *name)
{
	static const char *const tab[][2] = {
		{"charAt", "CX_SM_CHARAT"}, {"charCodeAt", "CX_SM_CHARCODEAT"},
		{"indexOf", "CX_SM_INDEXOF"}, {"lastIndexOf", "CX_SM_LASTINDEXOF"},
		{"substring", "CX_SM_SUBSTRING"}, {"substr", "CX_SM_SUBSTR"}, {"slice", "CX_SM_SLICE"},
		{"toLowerCase", "CX_SM_TOLOWERCASE"}, {"toUpperCase", "CX_SM_TOUPPERCASE"},
		{"trim", "CX_SM_TRIM"},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(name, tab[i][0]))
			return tab[i][1];
	return NULL;
}

static void js__ref_put(Fn *F, Ref *r, V val)
{
	const char *v = val.c;
	if (r->k == F_NAME) {
		js__write(F, r->name, val);
		return;
	}
	if (r->k == F_SCOPED) {
		js__write_res(F, r->res, val);
		return;
	}
	if (r->k == F_PROP)
		js__prop_put(F, r->obj.c, r->skey, v);
	else if (r->key.d) /* o[i] = v with a number i: an Array's element inline */
		js__tmp(F, true, "cx_put_num(X, %s, %s, %s)", r->obj.c, r->key.d, v);
	else
		js__tmp(F, true, "cx_put(X, %s, %s, %s)", r->obj.c, r->key.c, v);
}

void js_assign(Fn *F, TSNode lhs, const char *v)
{
	if (!js__is_ref(lhs)) {
		diag_error(js__loc(F, lhs), "cannot assign to this expression");
		return;
	}
	Ref r = js__ref(F, lhs);
	js__ref_put(F, &r, js__v(v));
}

char *js_read_name(Fn *F, const char *dotted)
{
	char *s = xstrdup(dotted);
	char *dot = strchr(s, '.');
	if (dot)
		*dot = 0;
	char *prop = dot ? xstrndup(dot + 1, strcspn(dot + 1, ".")) : NULL;
	int kind = dot ? js__qualifier_of(F, s, prop) : -1;
	V v;
	if (kind >= 0) { /* ccxml.x…, transition.x… */
		char *k = dot + 1;
		dot = strchr(k, '.');
		if (dot)
			*dot = 0;
		v = js__read_res(F, js__resolve_in(F, k, kind), true);
	} else {
		v = js__read(F, s, false);
	}
	while (dot) {
		char *k = dot + 1;
		dot = strchr(k, '.');
		if (dot)
			*dot = 0;
		v = js__prop_get(F, v.c, js__sref(F, k));
	}
	return v.c;
}

char *js_names_object(Fn *F, char **names, int n)
{
	V o = js__tmp(F, true, "cx_obj_new(X)");
	for (int i = 0; i < n; i++) {
		char *v = js_read_name(F, names[i]);
		V k = js__strv(F, names[i], strlen(names[i]));
		js__tmp(F, true, "cx_put(X, %s, %s, %s)", o.c, k.c, v);
	}
	return o.c;
}

void js_store_name(Fn *F, const char *dotted, const char *v)
{
	char *s = xstrdup(dotted);
	char *last = strrchr(s, '.');
	if (!last) {
		js__write(F, s, js__v(v));
		return;
	}
	*last = 0;
	int kind = !strchr(s, '.') ? js__qualifier_of(F, s, last + 1) : -1;
	if (kind >= 0) {
		js__write_res(F, js__resolve_in(F, last + 1, kind), js__v(v));
		return;
	}
	char *base = js_read_name(F, s);
	js__prop_put(F, base, js__sref(F, last + 1), v);
}

/* Section - Expressions */

static const struct {
	const char *op, *fn;
} js__binops[] = {
	{"+", "cx_op_add"}, {"-", "cx_op_sub"}, {"*", "cx_op_mul"}, {"/", "cx_op_div"},
	{"%", "cx_op_mod"}, {"<<", "cx_op_shl"}, {">>", "cx_op_sar"}, {">>>", "cx_op_shr"},
	{"&", "cx_op_bitand"}, {"|", "cx_op_bitor"}, {"^", "cx_op_bitxor"}, {"<", "cx_op_lt"},
	{">", "cx_op_gt"}, {"<=", "cx_op_le"}, {">=", "cx_op_ge"}, {"==", "cx_op_eq"},
	{"!=", "cx_op_ne"}, {"instanceof", "cx_op_instanceof"}, {"in", "cx_op_in"},
};

static const char *js__binop_fn(const char *op)
{
	for (size_t i = 0; i < sizeof(js__binops) / sizeof(js__binops[0]); i++)
		if (!strcmp(js__binops[i].op, op))
			return js__binops[i].fn;
	return NULL;
}

/* Folds literal arithmetic where C's IEEE double arithmetic equals ECMAScript's. */
static bool js__fold(const char *op, V a, V b, V *out)
{
	if (a.k == V_NUM && b.k == V_NUM) {
		double r;
		if (!strcmp(op, "+"))
			r = a.n + b.n;
		else if (!strcmp(op, "-"))
			r = a.n - b.n;
		else if (!strcmp(op, "*"))
			r = a.n * b.n;
		else if (!strcmp(op, "/"))
			r = a.n / b.n;
		else
			return false;
		*out = js__num(r);
		return true;
	}
	return false;
}

/* A value computed by a stdlib operator that always gives a number (or throws). */
static V js__numres(V t)
{
	t.d = xprintf("%s.u.n", t.c);
	return t;
}

/* An operator on two numbers as C (docs/ecmascript.md, "Number-typed locals"): IEEE double
 * arithmetic is ECMAScript's (11.5, 11.6.3), % is fmod (11.5.3), the bitwise operators go
 * through ToInt32 / ToUint32 (cx_d_*), and C's comparisons of doubles are 11.8.5's and
 * 11.9.3's for numbers (NaN compares false, +0 equals -0). */
static bool js__binary_num(const char *op, V a, V b, V *out)
{
	/* the C text is pre a mid b post */
	static const struct { const char *op, *pre, *mid, *post; bool cmp; } ops[] = {
		{"+", "(", " + ", ")", false}, {"-", "(", " - ", ")", false},
		{"*", "(", " * ", ")", false}, {"/", "(", " / ", ")", false},
		{"%", "cx_d_mod(", ", ", ")", false},
		{"&", "(double)(cx_d_i32(", ") & cx_d_i32(", "))", false},
		{"|", "(double)(cx_d_i32(", ") | cx_d_i32(", "))", false},
		{"^", "(double)(cx_d_i32(", ") ^ cx_d_i32(", "))", false},
		{"<<", "cx_d_shl(", ", ", ")", false}, {">>", "cx_d_sar(", ", ", ")", false},
		{">>>", "cx_d_shr(", ", ", ")", false},
		{"<", "(", " < ", ")", true}, {">", "(", " > ", ")", true},
		{"<=", "(", " <= ", ")", true}, {">=", "(", " >= ", ")", true},
		{"==", "(", " == ", ")", true}, {"!=", "(", " != ", ")", true},
		{"===", "(", " == ", ")", true}, {"!==", "(", " != ", ")", true},
	};
	if (!a.d || !b.d)
		return false;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].op, op))
			continue;
		char *e = xprintf("%s%s%s%s%s", ops[i].pre, a.d, ops[i].mid, b.d, ops[i].post);
		*out = ops[i].cmp ? js__bval(e) : js__dval(e);
		return true;
	}
	return false;
}

/* ToUint32 (9.6) of a number known at compile time, when it is below 2^63 in magnitude (the
 * conversion to int64_t truncates; the cast to uint32_t keeps it modulo 2^32). */
static bool js__touint32(double n, uint32_t *out)
{
	if (isnan(n) || isinf(n))
		*out = 0;
	else if (n > -9.2e18 && n < 9.2e18)
		*out = (uint32_t)(uint64_t)(int64_t)n;
	else
		return false;
	return true;
}

/* A C int32_t expression for ToInt32(a), or uint32_t for ToUint32(a) (a.d set): the integer a
 * bitwise operator gave as it is, a literal converted now (below 2^63), else cx_d_i32. */
static char *js__i32(V a)
{
	if (a.i)
		return a.i;
	if (a.u)
		return xprintf("(int32_t)%s", a.u);
	if (a.l) /* an exact integer: its low 32 bits */
		return xprintf("(int32_t)(uint32_t)%s", a.l);
	uint32_t k;
	if (a.k == V_NUM && js__touint32(a.n, &k))
		return (int32_t)k == INT32_MIN ? xstrdup("INT32_MIN") : xprintf("%d", (int32_t)k);
	return xprintf("cx_d_i32(%s)", a.d);
}

static char *js__u32(V a)
{
	if (a.u)
		return a.u;
	if (a.i)
		return xprintf("(uint32_t)%s", a.i);
	if (a.l)
		return xprintf("(uint32_t)%s", a.l);
	uint32_t k;
	if (a.k == V_NUM && js__touint32(a.n, &k))
		return xprintf("%uu", k);
	/* the same bits as ToUint32; the C compiler merges it with a ToInt32 of the same value */
	return xprintf("(uint32_t)cx_d_i32(%s)", a.d);
}

/* A number held by the C integer expression e (int32_t, or uint32_t when is_u). */
static V js__ival(const char *e, bool is_u)
{
	V v = js__dval(xprintf("(double)%s", e));
	if (is_u)
		v.u = xstrdup(e);
	else
		v.i = xstrdup(e);
	return v;
}

/* A number that is an integer of range r, held by the C expression e of type ct (int32_t,
 * uint32_t or int64_t; free of side effects). */
static V js__lval(const char *e, JsRange r, const char *ct)
{
	V v = js__dval(xprintf("(double)%s", e));
	v.l = xstrdup(e);
	v.lr = r;
	v.lct = ct;
	if (js__fits32(r))
		v.i = !strcmp(ct, "int32_t") ? xstrdup(e) : xprintf("(int32_t)%s", e);
	if (r.lo >= 0 && r.hi <= UINT32_MAX)
		v.u = !strcmp(ct, "uint32_t") ? xstrdup(e) : xprintf("(uint32_t)%s", e);
	return v;
}

/* Is a known to be an integer of a range (js.h, JsRange)? Then *e is a C integer expression
 * for it of type *ct ("" for a literal that fits in int32_t) and *r the range: a literal's, a
 * bitwise operator's result, an integer local's. */
static bool js__lint(V a, char **e, JsRange *r, const char **ct)
{
	if (a.l) {
		*e = a.l, *r = a.lr, *ct = a.lct;
		return true;
	}
	if (a.i) {
		*e = a.i, *r = (JsRange){.ok = true, .lo = INT32_MIN, .hi = INT32_MAX}, *ct = "int32_t";
		return true;
	}
	if (a.u) {
		*e = a.u, *r = (JsRange){.ok = true, .lo = 0, .hi = UINT32_MAX}, *ct = "uint32_t";
		return true;
	}
	if (a.k != V_NUM || !(*r = jsrange_lit(a.n)).ok)
		return false;
	*ct = js__fits32(*r) ? "" : "int64_t";
	if (js__fits32(*r))
		*e = r->lo < 0 ? xprintf("(%" PRId64 ")", r->lo) : xprintf("%" PRId64, r->lo);
	else
		*e = xprintf("INT64_C(%" PRId64 ")", r->lo);
	return true;
}

/* e (of C type from, js__lint's) as C type to: a cast only where the value's type differs (a
 * literal that fits needs none). */
static char *js__icast(const char *e, const char *from, const char *to)
{
	return !strcmp(from, to) || !*from ? xstrdup(e) : xprintf("(%s)%s", to, e);
}

/* + - * % and the comparisons of two integers of known ranges (js__lint) as C integer
 * arithmetic: exact, since the result's range (jsrange_binary) is within 2^53 (docs/
 * ecmascript.md, "Integer locals"); in int32_t when the operands and the result fit, % in
 * uint32_t when they fit there. */
static bool js__binary_long(const char *op, V a, V b, V *out)
{
	char *ea, *eb;
	JsRange ra, rb;
	const char *ta, *tb;
	if (!js__lint(a, &ea, &ra, &ta) || !js__lint(b, &eb, &rb, &tb))
		return false;
	static const char *const cmps[][2] = {{"<", "<"}, {">", ">"}, {"<=", "<="}, {">=", ">="},
					      {"==", "=="}, {"!=", "!="}, {"===", "=="}, {"!==", "!="}};
	for (size_t i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++)
		if (!strcmp(op, cmps[i][0])) {
			/* compared as int64_t where C would convert a signed side to unsigned */
			bool mixed = (!strcmp(ta, "uint32_t") && (rb.lo < 0 || !strcmp(tb, "int32_t"))) ||
				     (!strcmp(tb, "uint32_t") && (ra.lo < 0 || !strcmp(ta, "int32_t")));
			const char *ct = mixed ? "int64_t" : ta;
			*out = js__bval(xprintf("(%s %s %s)", mixed ? js__icast(ea, ta, ct) : ea,
						cmps[i][1], mixed ? js__icast(eb, tb, ct) : eb));
			return true;
		}
	if (strcmp(op, "+") && strcmp(op, "-") && strcmp(op, "*") && strcmp(op, "%"))
		return false;
	JsRange r = jsrange_binary(op, ra, rb);
	if (!r.ok)
		return false;
	const char *ct = js__fits32(ra) && js__fits32(rb) && js__fits32(r) ? "int32_t" : "int64_t";
	if (!strcmp(op, "%") && ra.hi <= UINT32_MAX && rb.hi <= UINT32_MAX)
		ct = "uint32_t"; /* both non-negative (jsrange_binary) */
	*out = js__lval(xprintf("(%s %s %s)", js__icast(ea, ta, ct), op, js__icast(eb, tb, ct)), r,
			ct);
	return true;
}

/* The bitwise operators (11.7, 11.10) and % of a ToUint32 result by a positive integer literal
 * on numbers as C integer arithmetic: ToInt32 / ToUint32 of each operand once (none for the
 * result of another bitwise operator), shift counts masked to 5 bits (computed now for a
 * literal), the result kept as an integer for the next operator. % is exact there: both are
 * non-negative integers below 2^32. */
static bool js__binary_int(const char *op, V a, V b, V *out)
{
	if (!a.d || !b.d)
		return false;
	if (!strcmp(op, "&") || !strcmp(op, "|") || !strcmp(op, "^")) {
		*out = js__ival(xprintf("(%s %s %s)", js__i32(a), op, js__i32(b)), false);
		return true;
	}
	if (!strcmp(op, "%")) {
		if (!a.u || b.k != V_NUM || !(b.n >= 1 && b.n <= 4294967295.0) || b.n != trunc(b.n))
			return false;
		*out = js__ival(xprintf("(%s %% %uu)", a.u, (uint32_t)b.n), true);
		return true;
	}
	if (strcmp(op, "<<") && strcmp(op, ">>") && strcmp(op, ">>>"))
		return false;
	uint32_t k;
	char *count = b.k == V_NUM && js__touint32(b.n, &k) ? xprintf("%u", k & 31) :
		      xprintf("(%s & 31)", js__u32(b));
	if (!strcmp(count, "0")) /* x >>> 0 (ToUint32), x << 0 and x >> 0 (ToInt32) */
		*out = !strcmp(op, ">>>") ? js__ival(js__u32(a), true) : js__ival(js__i32(a), false);
	else if (!strcmp(op, "<<"))
		*out = js__ival(xprintf("(int32_t)(%s << %s)", js__u32(a), count), false);
	else if (!strcmp(op, ">>"))
		*out = js__ival(xprintf("cx_i_sar(%s, %s)", js__i32(a), count), false);
	else
		*out = js__ival(xprintf("(%s >> %s)", js__u32(a), count), true);
	return true;
}

/* Is the C expression v exactly one temporary (tN)? */
static bool js__is_temp(const char *v)
{
	return v[0] == 't' && isdigit((unsigned char)v[1]) && !v[1 + strspn(v + 1, "0123456789")];
}

/* An operator of operands of which at least one has an unknown type and is held in a
 * temporary (the other is a number or a temporary too): C arithmetic when they are numbers at
 * run time, else the stdlib operator. */
static bool js__binary_guarded(Fn *F, const char *op, V a, V b, V *out)
{
	if ((!a.d && !js__is_temp(a.c)) || (!b.d && !js__is_temp(b.c)) || !strcmp(op, "===") ||
	    !strcmp(op, "!=="))
		return false;
	V na = a.d ? a : js__dval(xprintf("%s.u.n", a.c));
	V nb = b.d ? b : js__dval(xprintf("%s.u.n", b.c));
	V nat;
	if (!js__binary_num(op, na, nb, &nat))
		return false;
	char *guard = !a.d && !b.d ? xprintf("cx_is_num(%s) && cx_is_num(%s)", a.c, b.c) :
		      xprintf("cx_is_num(%s)", a.d ? b.c : a.c);
	*out = js__tmp(F, true, "%s ? %s : %s(X, %s, %s)", guard, nat.c, js__binop_fn(op), a.c, b.c);
	if (nat.b)
		out->b = xprintf("%s.u.b", out->c);
	else if (strcmp(op, "+"))
		*out = js__numres(*out);
	return true;
}

static V js__binary(Fn *F, const char *op, V a, V b)
{
	V r;
	if (!strcmp(op, "+") && a.k == V_STR && a.slen) { /* 'literal' + b: the literal's kind known */
		const char *lit = gen_str(F->g, a.s, a.slen);
		/* a short one also as a C constant: gcc copies it with a few stores (tcc would call) */
		if (a.slen + 1 < CX_CAT8_MAX && !F->g->opt->tcc)
			r = js__tmp(F, true, "cx_add_lit8(X, (cx_str *)&%s, %s, %zu, %s)", lit,
				    c_quote(a.s, a.slen), a.slen, b.c);
		else
			r = js__tmp(F, true, "cx_add_lit(X, (cx_str *)&%s, %s)", lit, b.c);
		r.str = true;
		return r;
	}
	if (!strcmp(op, "+") && (a.str || b.str)) { /* a string either side: a string (11.6.1) */
		r = js__tmp(F, true, "cx_add_str(X, %s, %s)", a.c, b.c);
		r.str = true;
		return r;
	}
	if (js__binary_long(op, a, b, &r) || js__binary_int(op, a, b, &r) ||
	    js__binary_num(op, a, b, &r) || js__binary_guarded(F, op, a, b, &r))
		return r;
	if (!strcmp(op, "===") || !strcmp(op, "!==")) {
		r = js__tmp(F, false, "cx_op_%s(%s, %s)", op[0] == '=' ? "seq" : "sne", a.c, b.c);
		r.b = xprintf("%s.u.b", r.c);
		return r;
	}
	const char *fn = js__binop_fn(op);
	if (!fn)
		diag_fatal("internal error: operator %s", op);
	if (!strcmp(op, "in"))
		r = js__tmp(F, true, "cx_op_in(X, %s, %s)", a.c, b.c);
	else
		r = js__tmp(F, true, "%s(X, %s, %s)", fn, a.c, b.c);
	if (strchr("<>=!i", op[0]) && strcmp(op, "<<") && strcmp(op, ">>") && strcmp(op, ">>>"))
		r.b = xprintf("%s.u.b", r.c); /* comparisons, instanceof, in: a boolean */
	else if (strcmp(op, "+"))
		r = js__numres(r);
	return r;
}

static V js__str_concat(Fn *F, V a, V b)
{
	char *s = xcalloc(a.slen + b.slen + 1, 1);
	memcpy(s, a.s, a.slen);
	memcpy(s + a.slen, b.s, b.slen);
	return js__strv(F, s, a.slen + b.slen);
}

/* a + b + c … with a string literal among its operands (string building): one cx_cat for the
 * whole left-nested chain, so the result is allocated once (stdlib/ops.c; each step is still
 * the + of ES3 11.6.1, run where the chain reaches it). False, nothing emitted, otherwise.
 * With onto (x += chain, onto being x's value read before the chain), also a chain of two, and
 * the result is onto + chain made by the chain's cx_cat_end_onto: x's characters and the
 * pieces joined at once, onto's conversions after the chain's as in 11.13.2. */
#define JS_CHAIN_MAX 64
static bool js__plus_chain(Fn *F, TSNode e, const V *onto, V *out)
{
	TSNode ops[JS_CHAIN_MAX];
	int n = 0, lit = 0;
	TSNode cur = js__unparen(e);
	while (n < JS_CHAIN_MAX - 1 && js__is(cur, "binary_expression") &&
	       !strcmp(ts_node_type(ts_node_child_by_field_name(cur, "operator", 8)), "+")) {
		ops[n++] = ts_node_child_by_field_name(cur, "right", 5);
		cur = js__unparen(ts_node_child_by_field_name(cur, "left", 4));
	}
	ops[n++] = cur;
	for (int i = 0; i < n / 2; i++) { /* leftmost first */
		TSNode t = ops[i];
		ops[i] = ops[n - 1 - i];
		ops[n - 1 - i] = t;
	}
	for (int i = 0; i < n; i++)
		lit |= js__is(js__unparen(ops[i]), "string");
	if (n < (onto ? 2 : 3) || !lit)
		return false;
	V a = js__ex(F, ops[0]), b = js__ex(F, ops[1]), r;
	int i = 2;
	for (; i < n; i++) { /* literals in front fold as in a + b */
		if (js__fold("+", a, b, &r))
			a = r;
		else if (a.k == V_STR && b.k == V_STR)
			a = js__str_concat(F, a, b);
		else
			break;
		b = js__ex(F, ops[i]);
	}
	if (i == n) {
		bool folded = true;
		if (js__fold("+", a, b, &r))
			;
		else if (a.k == V_STR && b.k == V_STR)
			r = js__str_concat(F, a, b);
		else
			folded = false;
		if (folded || !onto) {
			*out = folded ? r : js__binary(F, "+", a, b);
			if (onto)
				*out = js__binary(F, "+", *onto, *out);
			return true;
		}
	}
	/* 'lit' + x + 'lit2', short (`'(' + x + ')'`): one slot for the three (cx_value.h); the
	 * last literal is evaluated early, which no one can see */
	V pre = {.k = V_TEMP};
	if (!onto && n == 3 && i == 2 && a.k == V_STR && js__is(js__unparen(ops[2]), "string") &&
	    (pre = js__ex(F, ops[2])).k == V_STR && a.slen + pre.slen + 1 < CX_CAT8_MAX &&
	    !F->g->opt->tcc) {
		*out = js__tmp(F, true, "cx_add_lit8_lit8(X, (cx_str *)&%s, %s, %zu, %s, (cx_str *)&%s, %s, %zu)",
			       gen_str(F->g, a.s, a.slen), c_quote(a.s, a.slen), a.slen, b.c,
			       gen_str(F->g, pre.s, pre.slen), c_quote(pre.s, pre.slen), pre.slen);
		out->str = true;
		return true;
	}
	int c = F->ntemp + 1;
	fn_out(F, "cx_cat cat%d;", c);
	/* a string first: each step a concatenation, the pieces kept inline (cx_value.h) */
	const char *add = a.str ? "cx_cat_next" : "cx_cat_add";
	if (a.str) {
		if (a.k == V_STR)
			fn_out(F, "cx_cat_str(&cat%d, (cx_str *)&%s);", c, gen_str(F->g, a.s, a.slen));
		else
			fn_out(F, "cx_cat_str(&cat%d, %s.u.s);", c, a.c);
		js__tmp(F, true, "cx_cat_next(X, &cat%d, %s)", c, b.c);
	} else {
		js__tmp(F, true, "cx_cat_begin(X, &cat%d, %s, %s)", c, a.c, b.c);
	}
	for (; i < n; i++) {
		V v = pre.c && i == 2 ? pre : js__ex(F, ops[i]); /* the literal evaluated above */
		js__tmp(F, true, "%s(X, &cat%d, %s)", add, c, v.c);
	}
	if (onto)
		*out = js__tmp(F, true, "cx_cat_end_onto(X, &cat%d, %s)", c, onto->c);
	else
		*out = js__tmp(F, true, "cx_cat_end(X, &cat%d)", c);
	out->str = true; /* a string literal among the pieces: the steps from it on give strings */
	return true;
}

static char *js__fname(Fn *F, const char *name)
{
	Gen *g = F->g;
	char *c = xprintf("f%d_%s", ++g->nfuncs, name ? js__cident(name) : "anon");
	if (g->nfuncs > g->capfnames) {
		char **more = xcalloc((size_t)(g->capfnames = 2 * g->nfuncs), sizeof(char *));
		if (g->fnames)
			memcpy(more, g->fnames, (size_t)(g->nfuncs - 1) * sizeof(char *));
		g->fnames = more;
	}
	g->fnames[g->nfuncs - 1] = c;
	return c;
}

static int js__nparams(TSNode fn)
{
	TSNode ps = ts_node_child_by_field_name(fn, "parameters", 10);
	if (ts_node_is_null(ps))
		return 0;
	int n = 0;
	for (uint32_t i = 0; i < ts_node_named_child_count(ps); i++)
		if (js__is(ts_node_named_child(ps, i), "identifier"))
			n++;
	return n;
}

static void js__body(Fn *F, TSNode body);

/* Marks the locals of function scope s that hold only numbers (jstype.c): its `var`s that no
 * closure captures (parameters may hold anything, `arguments` is an object). With params (the
 * body with typed parameters, whose entry has checked that they are numbers), the parameters
 * that no closure captures are candidates too, holding a number from the start. */
static void js__number_locals(Scope *s, TSNode body, const char *src, bool params)
{
	int k = 0;
	for (Name *n = s->names; n; n = n->next)
		k++;
	const char **names = xcalloc((size_t)k + 1, sizeof(*names));
	Name **of = xcalloc((size_t)k + 1, sizeof(*of));
	bool *entry = xcalloc((size_t)k + 1, sizeof(*entry));
	int m = 0;
	for (Name *n = s->names; n; n = n->next)
		if ((n->kind == N_VAR || (params && n->kind == N_PARAM && n->typedp)) && !n->captured &&
		    strcmp(n->name, "arguments")) {
			entry[m] = n->kind == N_PARAM;
			of[m] = n;
			names[m++] = n->name;
		}
	bool *num = xcalloc((size_t)m + 1, sizeof(*num)), *str = xcalloc((size_t)m + 1, sizeof(*str));
	JsRange *rg = xcalloc((size_t)m + 1, sizeof(*rg));
	jstype_locals(body, src, names, m, entry, num, str, rg);
	for (int i = 0; i < m; i++) {
		of[i]->num = num[i];
		of[i]->str = str[i];
		of[i]->rg = rg[i];
	}
}

/* Does the subtree n hold a node that must not be compiled twice: a function (it would be
 * compiled again) or a regular-expression literal (one object per literal, ES3 7.8.5)? */
static bool js__once_only(TSNode n)
{
	if (js__is_fn(n) || js__is(n, "regex") || js__is(n, "class_declaration") || js__is(n, "class"))
		return true;
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++)
		if (js__once_only(ts_node_named_child(n, i)))
			return true;
	return false;
}

/* Is the identifier name an operand of an arithmetic or relational operator somewhere in n
 * (not in nested functions)? A parameter used only otherwise (called, a property read) gains
 * nothing from being a C double. */
static bool js__num_use(TSNode n, const char *src, const char *name)
{
	static const char *const ops[] = {"+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=",
					  "===", "!==", "&", "|", "^", "<<", ">>", ">>>", "~"};
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_named_child(n, i);
		if (js__is_fn(c))
			continue;
		if (js__is(c, "identifier") && (js__is(n, "binary_expression") || js__is(n, "unary_expression"))) {
			char *t = js__text(src, c);
			const char *op = ts_node_type(ts_node_child_by_field_name(n, "operator", 8));
			for (size_t j = 0; !strcmp(t, name) && j < sizeof(ops) / sizeof(ops[0]); j++)
				if (!strcmp(op, ops[j]))
					return true;
		}
		if (js__num_use(c, src, name))
			return true;
	}
	return false;
}

/* A function body this long (bytes of source) or longer is not compiled a second time with
 * typed parameters (the C would double for little gain). */
#define JS_TYPED_MAX 4096

/* Which parameters of a direct-call target (d) may be C doubles in a second body, entered when
 * their arguments are numbers: those that, assumed numbers at entry, provably stay numbers
 * (jstype.c) in a body that does not use `arguments`, has no two parameters of one name, no
 * closure (that could capture one) and nothing that must be compiled once only, and that an
 * operator computes with. Sets d->typed (the second body's C name) when there is one. */
static void js__plan_typed(Direct *d, Scope *s, TSNode body, const char *src, int np)
{
	d->nparams = np;
	d->ptyped = xcalloc((size_t)np + 1, sizeof(bool));
	Name *args = scope__find(s, "arguments");
	if (!np || (args && args->kind == N_ARGS) ||
	    ts_node_end_byte(body) - ts_node_start_byte(body) >= JS_TYPED_MAX || js__once_only(body))
		return;
	int k = 0;
	for (Name *n = s->names; n; n = n->next)
		k += n->kind == N_PARAM;
	if (k != np)
		return; /* a repeated name */
	/* the parameters assumed numbers at entry must be exactly the typed ones (a local
	 * assigned from one is a number only then): drop, and type again, until none drops */
	for (Name *n = s->names; n; n = n->next)
		if (n->kind == N_PARAM)
			n->typedp = js__num_use(body, src, n->name);
	for (bool changed = true; changed;) {
		changed = false;
		js__number_locals(s, body, src, true);
		for (Name *n = s->names; n; n = n->next)
			if (n->kind == N_PARAM && n->typedp && !n->num)
				n->typedp = false, changed = true;
	}
	bool any = false;
	for (Name *n = s->names; n; n = n->next)
		if (n->kind == N_PARAM)
			any |= d->ptyped[n->param] = n->typedp;
	if (any)
		d->typed = xprintf("%s_n", d->cname);
	js__number_locals(s, body, src, false); /* the generic body's */
	for (Name *n = s->names; n; n = n->next)
		if (n->kind == N_PARAM)
			n->num = false;
}

/* Compiles a function into its own C function; returns the C name. d: a direct-call target
 * (js__hoist_functions), which gets its C names and maybe a body with typed parameters. */
static char *js__function(Fn *F, TSNode fn, Direct *d)
{
	const char *src = F->src->s;
	TSNode nm = ts_node_child_by_field_name(fn, "name", 4);
	char *name = ts_node_is_null(nm) ? NULL : js__text(src, nm);
	Scope *s = scope_new(F->sc, SC_FUNC);
	s->cat = F->cat;
	TSNode ps = ts_node_child_by_field_name(fn, "parameters", 10);
	int np = 0;
	for (uint32_t i = 0; !ts_node_is_null(ps) && i < ts_node_named_child_count(ps); i++) {
		TSNode p = ts_node_named_child(ps, i);
		if (js__is(p, "comment"))
			continue;
		if (!js__is(p, "identifier")) {
			js__unsupported(F, p, "this kind of parameter");
			continue;
		}
		Name *n = scope__add(s, js__text(src, p), N_PARAM);
		n->kind = N_PARAM;
		n->param = np++;
	}
	TSNode body = ts_node_child_by_field_name(fn, "body", 4);
	if (js__is(fn, "function_expression") && name && !scope_has(s, name))
		scope__add(s, name, N_SELF);
	Bound hb = {0};
	js_hoisted(body, src, bound__add, &hb);
	for (int i = 0; i < hb.n; i++) {
		Name *n = scope__find(s, hb.v[i]);
		if (n && n->kind == N_SELF)
			n->kind = N_VAR; /* a var of the same name hides the function's own name */
		else if (!n)
			scope__add(s, hb.v[i], N_VAR);
	}
	if (!scope_has(s, "arguments") && js__uses_arguments(body, src))
		scope__add(s, "arguments", N_ARGS);
	scope_scan_captures(s, fn, src);
	Name *args = scope__find(s, "arguments");
	for (Name *n = s->names; args && args->kind == N_ARGS && n; n = n->next)
		if (n->kind == N_PARAM && n->captured)
			scope__capture(s, "arguments"); /* see js__resolve: a closure's x is arguments[k] */
	js__number_locals(s, body, src, false);
	char *cname = js__fname(F, name);
	int line = js__loc(F, fn).line;
	const char *linepath = fn__path(F, js__loc(F, fn));
	Fn *H = NULL;
	if (d) {
		d->cname = cname;
		js__plan_typed(d, s, body, src, np);
	}
	/* Streamed functions are defined before their first use, but calls in the body and in
	 * the closures in it (finished first) may call these directly: declared first. */
	if (d && F->g->stream)
		fprintf(F->g->stream, "static cx_value %s(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv);\n", cname);
	if (d && d->typed) {
		H = fn_new(F->g, s, FN_JS, d->typed, line);
		H->linepath = linepath;
		H->direct = d;
		H->typed = true;
		H->lab[H->fail].stub = xstrdup("return cx_ret_num(X, CX_EXCEPTION);");
		if (F->g->stream)
			fprintf(F->g->stream, "%s;\n", fn__typed_sig(H));
	}
	if (d && F->g->stream)
		fputc('\n', F->g->stream);
	Fn *G = fn_new(F->g, s, FN_JS, cname, line);
	G->linepath = linepath;
	G->src = F->src;
	G->nparams = np;
	G->direct = d;
	js__body(G, body);
	fn_end(G);
	/* the same body again: its errors were reported once already (and nothing is written) */
	if (H && !diag_errors) {
		js__number_locals(s, body, src, true);
		H->src = F->src;
		H->nparams = np;
		js__body(H, body);
		fn_end(H);
	}
	return cname;
}

/* The env a closure made here captures: the innermost catch env (js__try), else this
 * function's env or the nearest enclosing one, else NULL. */
static const char *js__closure_env(Fn *F)
{
	for (Catch *c = F->cat; c; c = c->up)
		if (c->cenv)
			return c->cenv;
	if (F->has_env || (F->kind == FN_JS && fn__outer_env_scope(F->sc))) {
		F->uses_env = true;
		return "env";
	}
	return "NULL";
}

/* A function object for fn (a closure over the current env). */
static V js__closure(Fn *F, TSNode fn, Direct *d)
{
	char *cname = js__function(F, fn, d);
	TSNode nm = ts_node_child_by_field_name(fn, "name", 4);
	char *name = ts_node_is_null(nm) ? xstrdup("") : js__txt(F, nm);
	/* the name as a static string (none made per closure) when it is ASCII, as keys are */
	if (js__ascii(name))
		return js__tmp(F, true, "cx_func_newk(X, %s, %s, %d, %s)", cname, js__sref(F, name),
			       js__nparams(fn), js__closure_env(F));
	return js__tmp(F, true, "cx_func_new(X, %s, %s, %d, %s)", cname, c_quote(name, strlen(name)),
		       js__nparams(fn), js__closure_env(F));
}

/* A function declaration of name here: a direct-call target when the name is declared in a
 * scope (and no other declaration of the name was seen there), with its hidden slot at
 * document level; else NULL. */
static Direct *js__direct_target(Fn *F, const char *name)
{
	Res r = js__resolve(F, name);
	Name *n = r.bind;
	if (!n || n->redeclared)
		return NULL;
	if (n->direct) { /* calls compiled so far stay guarded by the first one's slot */
		n->direct = NULL;
		n->redeclared = true;
		return NULL;
	}
	Direct *d = xcalloc(1, sizeof(*d));
	d->hidden = -1;
	if (r.doc && F->g->slot_alloc) {
		d->hname = xprintf("%s#function", name);
		d->hidden = F->g->slot_alloc(F->g->slot_arg, d->hname);
	}
	n->direct = d;
	return d;
}

/* Hoisted function declarations of a body or program: created on entry. */
static void js__hoist_functions(Fn *F, TSNode n)
{
	uint32_t k = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_named_child(n, i);
		if (js__is(c, "function_declaration")) {
			TSNode nm = ts_node_child_by_field_name(c, "name", 4);
			fn__line_at(F, js__loc(F, c));
			char *name = js__txt(F, nm);
			Direct *d = js__direct_target(F, name);
			V f = js__closure(F, c, d);
			js__write(F, name, f);
			if (d && d->hidden >= 0)
				fn_out(F, "X->slots[%d /* %s */] = %s;", d->hidden, d->hname, f.c);
			continue;
		}
		if (js__is_fn(c) || js__is(c, "class_declaration"))
			continue;
		js__hoist_functions(F, c);
	}
}

/* The arguments of a call, evaluated in order (*argc of them). */
static V *js__arg_vals(Fn *F, TSNode args, int *argc)
{
	int n = 0;
	/* not on the stack: calls nest (esparse.c) */
	V *vals = xcalloc(ts_node_is_null(args) ? 1 : ts_node_named_child_count(args) + 1, sizeof(*vals));
	for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); i++) {
		TSNode a = ts_node_named_child(args, i);
		if (js__is(a, "comment"))
			continue;
		if (js__is(a, "spread_element")) {
			js__unsupported(F, a, "spread (...)");
			continue;
		}
		if (n == 256) {
			diag_error(js__loc(F, a), "too many arguments");
			break;
		}
		vals[n++] = js__ex(F, a);
	}
	*argc = n;
	return vals;
}

/* The C array of n argument values (its name, or NULL without arguments). */
/* "v0, v1, …": the values as an initializer list. */
static char *js__arg_list(V *vals, int n)
{
	char *list = xstrdup("");
	for (int i = 0; i < n; i++)
		list = xprintf("%s%s%s", list, i ? ", " : "", vals[i].c);
	return list;
}

static char *js__arg_array(Fn *F, V *vals, int n)
{
	if (!n)
		return xstrdup("NULL");
	char *arr = xprintf("a%d", ++F->ntemp);
	fn_out(F, "cx_value %s[%d] = {%s};", arr, n, js__arg_list(vals, n));
	return arr;
}

static V js__call_args(Fn *F, TSNode args, int *argc, char **argv)
{
	V *vals = js__arg_vals(F, args, argc);
	*argv = js__arg_array(F, vals, *argc);
	return js__const("CX_UNDEFINED");
}

/* The arguments of a direct call of d's body with typed parameters (", a, b"), or NULL when an
 * argument for a typed parameter is not known to be a number (a missing one is undefined). */
static char *js__typed_args(Direct *d, V *vals, int argc)
{
	char *list = xstrdup("");
	for (int i = 0; i < d->nparams; i++) {
		if (d->ptyped[i] && (i >= argc || !vals[i].d))
			return NULL;
		list = xprintf("%s, %s", list, d->ptyped[i] ? vals[i].d : i < argc ? vals[i].c : "CX_UNDEFINED");
	}
	return list; /* more arguments than parameters: evaluated, and nothing can see them */
}

/* A plain call of a name whose function declaration d generated code may call directly: when
 * the callee fnv is a function object of that declaration (Direct says how this is checked),
 * its C function (the body with typed parameters when the arguments allow), with `this`
 * undefined (a compiled function's this is cx_this_of(X, this_): the global object); else
 * the generic call. */
static V js__direct_call(Fn *F, Direct *d, V fnv, V *vals, int argc, const char *what)
{
	char *typed = d->typed ? js__typed_args(d, vals, argc) : NULL;
	char *argv = typed ? NULL : js__arg_array(F, vals, argc);
	char *r = fn_temp(F);
	fn_out(F, "cx_value %s;", r);
	if (d->hidden >= 0)
		fn_out(F, "if (cx_is_obj(%s) && %s.u.o == X->slots[%d /* %s */].u.o) {", fnv.c, fnv.c,
		       d->hidden, d->hname);
	else
		fn_out(F, "if (cx_func_code(%s) == %s) {", fnv.c, d->cname);
	F->ind++;
	if (typed)
		fn_out(F, "%s = cx_ret_val(X, %s(X, %s, CX_UNDEFINED%s));", r, d->typed, fnv.c, typed);
	else
		fn_out(F, "%s = %s(X, %s, CX_UNDEFINED, %d, %s);", r, d->cname, fnv.c, argc, argv);
	F->ind--;
	fn_out(F, "} else {");
	F->ind++;
	if (!argv)
		argv = js__arg_array(F, vals, argc);
	/* out of line: the guard failed, and this path should not cost the direct one registers */
	fn_out(F, "%s = cx_call_plain_slow(X, %s, %d, %s, %s);", r, fnv.c, argc, argv, c_quote(what, strlen(what)));
	F->ind--;
	fn_out(F, "}");
	fn_check(F, r);
	return js__v(r);
}

static V js__this(Fn *F)
{
	/* ES3 10.2.3 with 11.2.1 and 15.3.4.3/4: a primitive this ('hi'.f(), f.call(5)) is its
	 * wrapper object, null and undefined are the global object */
	if (F->kind == FN_JS)
		return js__tmp(F, true, "cx_this_of(X, this_)");
	return js__const("cx_global(X)");
}

/* The callee of a call as written, for the TypeError when it is not a function: blanks
 * (newlines included) folded to one space, cut after 60 bytes. */
static char *js__callee_text(Fn *F, TSNode callee)
{
	char *t = js__txt(F, callee), *o = t;
	size_t n = 0;
	for (char *p = t; *p; p++) {
		bool blank = isspace((unsigned char)*p);
		if (blank && (n == 0 || o[n - 1] == ' '))
			continue;
		o[n++] = blank ? ' ' : *p;
	}
	while (n && o[n - 1] == ' ')
		n--;
	if (n > 60) {
		/* do not cut a UTF-8 sequence in two */
		n = 60;
		while (n && ((unsigned char)o[n] & 0xc0) == 0x80)
			n--;
		return xprintf("%.*s...", (int)n, o);
	}
	o[n] = 0;
	return o;
}

static V js__call(Fn *F, TSNode e)
{
	TSNode callee = js__unparen(ts_node_child_by_field_name(e, "function", 8));
	TSNode args = ts_node_child_by_field_name(e, "arguments", 9);
	if (js__is(args, "template_string")) {
		js__unsupported(F, args, "a tagged template");
		return js__const("CX_UNDEFINED");
	}
	V fnv, thisv;
	Direct *direct = NULL;
	const char *sm = NULL; /* a String.prototype method called directly while it is the built-in */
	char *smok = NULL;
	if (js__is(callee, "member_expression") || js__is(callee, "subscript_expression")) {
		Ref r = js__ref(F, callee);
		if (r.k == F_PROP && (sm = js__sm_id(r.name))) {
			smok = fn_temp(F);
			fn_out(F, "int %s = cx_sm_ok(X, %s, %s);", smok, r.obj.c, sm);
		}
		fnv = js__method_get(F, &r, smok);
		thisv = r.k == F_SCOPED ? js__const("cx_global(X)") : r.obj;
	} else if (js__is(callee, "identifier") && js__resolve(F, "eval").k == R_GLOBAL &&
		   !strcmp(js__txt(F, callee), "eval")) {
		int argc;
		char *argv;
		js__call_args(F, args, &argc, &argv);
		if (argc)
			fn_out(F, "(void)%s;", argv);
		fn_out(F, "cx_throw_error(X, \"EvalError\", \"eval is not supported\");");
		fn_out(F, "goto %s;", fn__failat(F));
		return js__const("CX_UNDEFINED");
	} else {
		Name *b = js__is(callee, "identifier") ? js__resolve(F, js__txt(F, callee)).bind : NULL;
		direct = b && b->direct && b->direct->cname ? b->direct : NULL;
		fnv = js__ex(F, callee);
		thisv = js__const("cx_global(X)"); /* ES3 10.2.3: a plain call's this is the global */
	}
	/* a callee that is not a function is named as written ("o.f is not a function"); the
	 * message is built only on that path */
	char *what = js__callee_text(F, callee);
	int argc;
	if (direct && js__is_temp(fnv.c)) {
		V *vals = js__arg_vals(F, args, &argc);
		return js__direct_call(F, direct, fnv, vals, argc, what);
	}
	char *argv;
	if (sm) {
		V *vals = js__arg_vals(F, args, &argc);
		char *call;
		if (!strcmp(sm, "CX_SM_CHARCODEAT") && argc >= 1 && vals[0].d) {
			/* the arguments' array only on the generic call's path (a compound literal of
			 * the values already computed), so the direct read stores nothing */
			call = xprintf("cx_num(cx_str_code_at(%s, %s))", thisv.c, vals[0].d);
			argv = xprintf("(cx_value[%d]){%s}", argc, js__arg_list(vals, argc));
		} else {
			argv = js__arg_array(F, vals, argc);
			call = xprintf("cx_sm_call(X, %s, %s, %d, %s)", sm, thisv.c, argc, argv);
		}
		return js__tmp(F, true, "%s ? %s : cx_is_callable(%s) ? cx_call(X, %s, %s, %d, %s) : "
			       "cx_throw_error(X, \"TypeError\", \"%%s is not a function\", %s)",
			       smok, call, fnv.c, fnv.c, thisv.c, argc, argv, c_quote(what, strlen(what)));
	}
	js__call_args(F, args, &argc, &argv);
	if (!strcmp(thisv.c, "cx_global(X)"))
		return js__tmp(F, true, "cx_call_plain(X, %s, %d, %s, %s)", fnv.c, argc, argv,
			       c_quote(what, strlen(what)));
	return js__tmp(F, true, "cx_is_callable(%s) ? cx_call(X, %s, %s, %d, %s) : "
		       "cx_throw_error(X, \"TypeError\", \"%%s is not a function\", %s)",
		       fnv.c, fnv.c, thisv.c, argc, argv, c_quote(what, strlen(what)));
}

static V js__new(Fn *F, TSNode e)
{
	V ctor = js__ex(F, ts_node_child_by_field_name(e, "constructor", 11));
	int argc;
	char *argv;
	js__call_args(F, ts_node_child_by_field_name(e, "arguments", 9), &argc, &argv);
	return js__tmp(F, true, "cx_new(X, %s, %d, %s)", ctor.c, argc, argv);
}

static V js__object(Fn *F, TSNode e)
{
	V o = js__tmp(F, true, "cx_obj_new(X)");
	for (uint32_t i = 0; i < ts_node_named_child_count(e); i++) {
		TSNode p = ts_node_named_child(e, i);
		if (js__is(p, "comment"))
			continue;
		if (!js__is(p, "pair")) {
			js__unsupported(F, p, "this kind of object member");
			continue;
		}
		TSNode k = ts_node_child_by_field_name(p, "key", 3);
		TSNode val = ts_node_child_by_field_name(p, "value", 5);
		if (js__is(k, "number")) {
			V kv = js__num(js_number(js__txt(F, k)));
			V v = js__ex(F, val);
			js__tmp(F, true, "cx_put(X, %s, %s, %s)", o.c, kv.c, v.c);
			continue;
		}
		char *key;
		size_t klen;
		if (js__is(k, "string")) {
			char *raw = js__txt(F, k);
			key = js__string(raw, strlen(raw), &klen);
		} else if (js__is(k, "property_identifier")) {
			key = js__txt(F, k);
			if (js__ascii(key)) { /* a cache: a literal in a loop adds at the same slots */
				V v = js__ex(F, val);
				js__prop_put(F, o.c, js__sref(F, key), v.c);
				continue;
			}
			klen = strlen(key);
		} else {
			js__unsupported(F, k, "this kind of property name");
			continue;
		}
		V kv = js__strv(F, key, klen);
		V v = js__ex(F, val);
		js__tmp(F, true, "cx_put(X, %s, %s, %s)", o.c, kv.c, v.c);
	}
	return o;
}

static V js__array(Fn *F, TSNode e)
{
	/* Elements and elisions: every ',' ends a slot; a slot without an expression is a hole. */
	uint32_t k = ts_node_child_count(e);
	/* not on the stack: arrays nest (esparse.c); at most one slot per child */
	V *vals = xcalloc(k < 1024 ? k + 1 : 1024, sizeof(*vals));
	bool *have = xcalloc(k < 1024 ? k + 1 : 1024, sizeof(*have));
	int n = 0;
	bool cur = false, holes = false;
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_child(e, i);
		const char *t = ts_node_type(c);
		if (!strcmp(t, "[") || !strcmp(t, "]") || !strcmp(t, "comment"))
			continue;
		if (n >= 1023) {
			diag_error(js__loc(F, c), "array literal too long");
			break;
		}
		if (!strcmp(t, ",")) {
			if (!cur) {
				have[n] = false;
				holes = true;
				n++;
			}
			cur = false;
			continue;
		}
		if (js__is(c, "spread_element")) {
			js__unsupported(F, c, "spread (...)");
			continue;
		}
		vals[n] = js__ex(F, c);
		have[n] = true;
		n++;
		cur = true;
	}
	if (!holes) {
		if (!n)
			return js__tmp(F, true, "cx_arr_new(X, 0, NULL)");
		char *arr = xprintf("a%d", ++F->ntemp);
		char *list = xstrdup("");
		for (int i = 0; i < n; i++)
			list = xprintf("%s%s%s", list, i ? ", " : "", vals[i].c);
		fn_out(F, "cx_value %s[%d] = {%s};", arr, n, list);
		return js__tmp(F, true, "cx_arr_new(X, %d, %s)", n, arr);
	}
	V a = js__tmp(F, true, "cx_arr_new(X, 0, NULL)");
	for (int i = 0; i < n; i++)
		if (have[i])
			js__tmp(F, true, "cx_put(X, %s, cx_num(%d), %s)", a.c, i, vals[i].c);
	js__tmp(F, true, "cx_put_s(X, %s, %s, cx_num(%d))", a.c, js__sref(F, "length"), n);
	return a;
}

static V js__assign_expr(Fn *F, TSNode e)
{
	TSNode left = js__unparen(ts_node_child_by_field_name(e, "left", 4));
	TSNode right = ts_node_child_by_field_name(e, "right", 5);
	if (!js__is_ref(left)) {
		js__unsupported(F, left, "this assignment target");
		return js__const("CX_UNDEFINED");
	}
	Ref r = js__ref(F, left);
	V v = js__ex(F, right);
	js__ref_put(F, &r, v);
	return v;
}

static V js__compound(Fn *F, TSNode e)
{
	TSNode left = js__unparen(ts_node_child_by_field_name(e, "left", 4));
	TSNode right = ts_node_child_by_field_name(e, "right", 5);
	char *op = xstrdup(ts_node_type(ts_node_child_by_field_name(e, "operator", 8)));
	op[strlen(op) - 1] = 0; /* "+=" -> "+" */
	if (!js__binop_fn(op) || !strcmp(op, "in") || !js__is_ref(left)) {
		js__unsupported(F, e, xprintf("operator %s=", op));
		return js__const("CX_UNDEFINED");
	}
	Ref r = js__ref(F, left);
	V old = js__ref_get(F, &r), res;
	if (!strcmp(op, "+") && js__plus_chain(F, right, &old, &res)) { /* x += 'a' + y + … */
		js__ref_put(F, &r, res);
		return res;
	}
	V v = js__ex(F, right);
	res = js__binary(F, op, old, v);
	js__ref_put(F, &r, res);
	return res;
}

static V js__update(Fn *F, TSNode e)
{
	TSNode arg = js__unparen(ts_node_child_by_field_name(e, "argument", 8));
	const char *op = ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
	bool prefix = !strcmp(ts_node_type(ts_node_child(e, 0)), op);
	double d = !strcmp(op, "++") ? 1 : -1;
	if (!js__is_ref(arg)) {
		js__unsupported(F, e, "this operand of ++/--");
		return js__const("CX_UNDEFINED");
	}
	Ref r = js__ref(F, arg);
	Res res = r.k == F_NAME ? js__resolve(F, r.name) : (Res){0};
	if (res.k == R_LVAL && res.dbl) {
		/* a number-typed local: the new value is computed once and kept in a temporary (an
		 * integer local's new value is in its range: jstype.c) */
		char *t = fn_temp(F);
		const char *ct = js__ctype(res.rg);
		if (prefix) {
			fn_out(F, "%s %s = %s %c 1;", ct, t, res.c, d > 0 ? '+' : '-');
			fn_out(F, "%s = %s;", res.c, t);
		} else {
			fn_out(F, "%s %s = %s;", ct, t, res.c);
			fn_out(F, "%s = %s %c 1;", res.c, t, d > 0 ? '+' : '-');
		}
		V v = res.rg.ok ? js__lval(t, res.rg, ct) : js__dval(t);
		F->dstored = v.c;
		return v;
	}
	V old = js__ref_get(F, &r);
	if (prefix) {
		V nv = js__numres(js__tmp(F, true, "cx_op_inc(X, %s, %g)", old.c, d));
		js__ref_put(F, &r, nv);
		return nv;
	}
	V num = js__numres(js__tmp(F, true, "cx_op_pos(X, %s)", old.c));
	V nv = js__numres(js__tmp(F, true, "cx_op_inc(X, %s, %g)", num.c, d));
	js__ref_put(F, &r, nv);
	return num;
}

static V js__unary(Fn *F, TSNode e)
{
	const char *op = ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
	TSNode arg = ts_node_child_by_field_name(e, "argument", 8);
	TSNode ua = js__unparen(arg);
	if (!strcmp(op, "typeof")) {
		if (js__is(ua, "identifier")) {
			V v = js__read(F, js__txt(F, ua), true);
			V r = js__tmp(F, false, "cx_op_typeof(X, %s)", v.c);
			r.str = true;
			return r;
		}
		V v = js__ex(F, arg);
		V r = js__tmp(F, false, "cx_op_typeof(X, %s)", v.c);
		r.str = true;
		return r;
	}
	if (!strcmp(op, "delete")) {
		if (js__is(ua, "member_expression") || js__is(ua, "subscript_expression")) {
			Ref r = js__ref(F, ua);
			if (r.k == F_SCOPED && r.res.k == R_GLOBAL) {
				V k = js__strv(F, r.res.name, strlen(r.res.name));
				return js__tmp(F, true, "cx_delete(X, cx_global(X), %s)", k.c);
			}
			if (r.k == F_SCOPED) /* declared variables are DontDelete */
				return js__const(r.res.k == R_NONE ? "CX_TRUE" : "CX_FALSE");
			const char *key = r.k == F_PROP ? xprintf("cx_strv(%s)", r.skey) : r.key.c;
			return js__tmp(F, true, "cx_delete(X, %s, %s)", r.obj.c, key);
		}
		if (js__is(ua, "identifier")) {
			char *name = js__txt(F, ua);
			if (js__resolve(F, name).k == R_GLOBAL) {
				V k = js__strv(F, name, strlen(name));
				return js__tmp(F, true, "cx_delete(X, cx_global(X), %s)", k.c);
			}
			return js__const("CX_FALSE"); /* declared variables are DontDelete */
		}
		js_discard(F, js__ex(F, arg).c);
		return js__const("CX_TRUE");
	}
	V v = js__ex(F, arg);
	if (!strcmp(op, "void")) {
		js_discard(F, v.c);
		return js__const("CX_UNDEFINED");
	}
	if (!strcmp(op, "!")) {
		if (v.b || v.d)
			return js__bval(xprintf("!%s", js__truth(v)));
		V r = js__tmp(F, false, "cx_bool(!cx_truthy(%s))", v.c);
		r.b = xprintf("%s.u.b", r.c);
		return r;
	}
	if (!strcmp(op, "-")) {
		if (v.k == V_NUM)
			return js__num(-v.n);
		if (v.d)
			return js__dval(xprintf("(-%s)", v.d));
		return js__numres(js__tmp(F, true, "cx_op_neg(X, %s)", v.c));
	}
	if (!strcmp(op, "+")) {
		if (v.k == V_NUM || v.d)
			return v;
		return js__numres(js__tmp(F, true, "cx_op_pos(X, %s)", v.c));
	}
	if (!strcmp(op, "~")) {
		if (v.d)
			return js__ival(xprintf("(~%s)", js__i32(v)), false);
		return js__numres(js__tmp(F, true, "cx_op_bitnot(X, %s)", v.c));
	}
	js__unsupported(F, e, xprintf("operator %s", op));
	return js__const("CX_UNDEFINED");
}

static V js__logical(Fn *F, TSNode e, bool is_and)
{
	V a = js__ex(F, ts_node_child_by_field_name(e, "left", 4));
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s = %s;", t, a.c);
	fn_out(F, "if (%s%s) {", is_and ? "" : "!", is_and ? js__bare(js__truth(a)) : js__truth(a));
	F->ind++;
	V b = js__ex(F, ts_node_child_by_field_name(e, "right", 5));
	fn_out(F, "%s = %s;", t, b.c);
	F->ind--;
	fn_out(F, "}");
	V r = {.k = V_TEMP, .c = t};
	return r;
}

static V js__ternary(Fn *F, TSNode e)
{
	V c = js__ex(F, ts_node_child_by_field_name(e, "condition", 9));
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s;", t);
	fn_out(F, "if (%s) {", js__bare(js__truth(c)));
	F->ind++;
	V a = js__ex(F, ts_node_child_by_field_name(e, "consequence", 11));
	fn_out(F, "%s = %s;", t, a.c);
	F->ind--;
	fn_out(F, "} else {");
	F->ind++;
	V b = js__ex(F, ts_node_child_by_field_name(e, "alternative", 11));
	fn_out(F, "%s = %s;", t, b.c);
	F->ind--;
	fn_out(F, "}");
	if (a.d && b.d)
		return js__numres(js__v(t)); /* both numbers */
	V r = {.k = V_TEMP, .c = t, .str = a.str && b.str};
	return r;
}

static V js__ex(Fn *F, TSNode e)
{
	if (ts_node_is_null(e))
		return js__const("CX_UNDEFINED");
	const char *t = ts_node_type(e);
	if (!strcmp(t, "parenthesized_expression")) {
		V v = js__const("CX_UNDEFINED");
		for (uint32_t i = 0; i < ts_node_named_child_count(e); i++) {
			TSNode c = ts_node_named_child(e, i);
			if (!js__is(c, "comment"))
				v = js__ex(F, c);
		}
		return v;
	}
	if (!strcmp(t, "sequence_expression")) {
		V v = js__const("CX_UNDEFINED");
		bool first = true;
		for (uint32_t i = 0; i < ts_node_named_child_count(e); i++) {
			TSNode c = ts_node_named_child(e, i);
			if (js__is(c, "comment"))
				continue;
			if (!first)
				js_discard(F, v.c);
			v = js__ex(F, c);
			first = false;
		}
		return v;
	}
	if (!strcmp(t, "number"))
		return js__num(js_number(js__txt(F, e)));
	if (!strcmp(t, "string")) {
		char *raw = js__txt(F, e);
		size_t n;
		char *s = js__string(raw, strlen(raw), &n);
		return js__strv(F, s, n);
	}
	if (!strcmp(t, "true"))
		return js__const("CX_TRUE");
	if (!strcmp(t, "false"))
		return js__const("CX_FALSE");
	if (!strcmp(t, "null"))
		return js__const("CX_NULLV");
	if (!strcmp(t, "undefined") || !strcmp(t, "identifier"))
		return js__read(F, js__txt(F, e), false);
	if (!strcmp(t, "this"))
		return js__this(F);
	if (!strcmp(t, "regex")) {
		TSNode p = ts_node_child_by_field_name(e, "pattern", 7);
		TSNode fl = ts_node_child_by_field_name(e, "flags", 5);
		char *ps = ts_node_is_null(p) ? xstrdup("") : js__txt(F, p);
		char *fs = ts_node_is_null(fl) ? xstrdup("") : js__txt(F, fl);
		char *mk = xprintf("cx_regexp_new(X, %s, %s)", c_quote(ps, strlen(ps)), c_quote(fs, strlen(fs)));
		if (!F->g->slot_alloc)
			return js__tmp(F, true, "%s", mk);
		/* ES3 7.8.5: one RegExp object per literal (its lastIndex persists between
		 * evaluations), made at the first evaluation and kept in a hidden slot of the
		 * session ("regexp#N" cannot clash with an ECMAScript name) */
		int k = F->g->slot_alloc(F->g->slot_arg, xprintf("regexp#%d", ++F->g->nregexps));
		char *r = fn_temp(F);
		fn_out(F, "cx_value %s = X->slots[%d];", r, k);
		fn_out(F, "if (%s.tag == CX_T_UNDEF) {", r);
		F->ind++;
		fn_out(F, "%s = %s;", r, mk);
		fn_check(F, r);
		fn_out(F, "X->slots[%d] = %s;", k, r);
		F->ind--;
		fn_out(F, "}");
		V v = {.k = V_TEMP, .c = r};
		return v;
	}
	if (!strcmp(t, "member_expression") || !strcmp(t, "subscript_expression")) {
		if (!ts_node_is_null(ts_node_child_by_field_name(e, "optional_chain", 14))) {
			js__unsupported(F, e, "optional chaining (?.)");
			return js__const("CX_UNDEFINED");
		}
		Ref r = js__ref(F, e);
		return js__ref_get(F, &r);
	}
	if (!strcmp(t, "call_expression"))
		return js__call(F, e);
	if (!strcmp(t, "new_expression"))
		return js__new(F, e);
	if (!strcmp(t, "object"))
		return js__object(F, e);
	if (!strcmp(t, "array"))
		return js__array(F, e);
	if (!strcmp(t, "function_expression") || !strcmp(t, "function"))
		return js__closure(F, e, NULL);
	if (!strcmp(t, "assignment_expression"))
		return js__assign_expr(F, e);
	if (!strcmp(t, "augmented_assignment_expression"))
		return js__compound(F, e);
	if (!strcmp(t, "update_expression"))
		return js__update(F, e);
	if (!strcmp(t, "unary_expression"))
		return js__unary(F, e);
	if (!strcmp(t, "ternary_expression"))
		return js__ternary(F, e);
	if (!strcmp(t, "binary_expression")) {
		const char *op = ts_node_type(ts_node_child_by_field_name(e, "operator", 8));
		if (!strcmp(op, "&&") || !strcmp(op, "||"))
			return js__logical(F, e, op[0] == '&');
		V chain;
		if (!strcmp(op, "+") && js__plus_chain(F, e, NULL, &chain))
			return chain;
		if (!strcmp(op, "===") || !strcmp(op, "!==") || js__binop_fn(op)) {
			V a = js__ex(F, ts_node_child_by_field_name(e, "left", 4));
			V b = js__ex(F, ts_node_child_by_field_name(e, "right", 5));
			V r;
			if (js__fold(op, a, b, &r))
				return r;
			if (!strcmp(op, "+") && a.k == V_STR && b.k == V_STR)
				return js__str_concat(F, a, b);
			return js__binary(F, op, a, b);
		}
		js__unsupported(F, e, xprintf("operator %s", op));
		return js__const("CX_UNDEFINED");
	}
	if (!strcmp(t, "arrow_function"))
		js__unsupported(F, e, "an arrow function (ECMAScript 3 has none)");
	else if (!strcmp(t, "template_string"))
		js__unsupported(F, e, "a template string (ECMAScript 3 has none)");
	else
		js__unsupported(F, e, xprintf("'%s'", t));
	return js__const("CX_UNDEFINED");
}

char *js_expr(Fn *F, TSNode e)
{
	return js__ex(F, e).c;
}

/* Section - Statements */

static void js__stmts(Fn *F, TSNode n)
{
	for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
		js__stmt(F, ts_node_named_child(n, i));
}

/* Jumps to a break/continue target (label) declared at finally-depth fdepth, through the
 * finally blocks in between. `at`: the statement the jump is for (diagnostics). */
static void js__jump(Fn *F, int label, int fdepth, TSNode at)
{
	if (F->fdepth <= fdepth || !F->fin) {
		fn__goto(F, label);
		return;
	}
	Fin *f = F->fin;
	/* the last entry is kept for a return (js__return) */
	int max = (int)(sizeof(f->pend) / sizeof(f->pend[0])) - 1;
	if (f->npend >= max) {
		if (!f->too_many++) /* once per try */
			diag_error(js__loc(F, at), "too many break / continue statements leave one try statement "
			           "with a finally (limit %d)", max);
		return;
	}
	int code = 3 + f->npend;
	f->pend[f->npend++] = (Pend){.code = code, .label = label, .fdepth = fdepth};
	fn_out(F, "c%d = %d;", f->n, code);
	fn__goto(F, f->fin);
}

static void js__return(Fn *F, const char *v)
{
	if (!F->fin) {
		if (F->typed)
			fn_out(F, "return cx_ret_num(X, %s);", v);
		else
			fn_out(F, "return %s;", v);
		return;
	}
	Fin *f = F->fin;
	fn_out(F, "rv%d = %s;", f->n, v);
	fn_out(F, "c%d = 2;", f->n);
	fn__goto(F, f->fin);
	for (int i = 0; i < f->npend; i++)
		if (f->pend[i].label == -1)
			return;
	f->pend[f->npend++] = (Pend){.code = 2, .label = -1};
}

static Jmp *js__push_jmp(Fn *F, bool loop)
{
	Jmp *j = xcalloc(1, sizeof(*j));
	j->labels = F->pending;
	j->nlabels = F->npending;
	F->pending = NULL;
	F->npending = 0;
	j->brk = fn__label(F, "brk", NULL);
	j->cont = loop ? fn__label(F, "cont", NULL) : -1;
	j->plain = true;
	j->fdepth = F->fdepth;
	j->up = F->jmp;
	F->jmp = j;
	return j;
}

static void js__pop_jmp(Fn *F)
{
	fn__place(F, F->jmp->brk);
	F->jmp = F->jmp->up;
}

static bool js__jmp_has(Jmp *j, const char *label)
{
	for (int i = 0; i < j->nlabels; i++)
		if (!strcmp(j->labels[i], label))
			return true;
	return false;
}

static void js__break(Fn *F, TSNode s, bool cont)
{
	TSNode lab = ts_node_child_by_field_name(s, "label", 5);
	char *name = ts_node_is_null(lab) ? NULL : js__txt(F, lab);
	for (Jmp *j = F->jmp; j; j = j->up) {
		if (cont && j->cont < 0)
			continue;
		if (name ? !js__jmp_has(j, name) : !j->plain)
			continue;
		js__jump(F, cont ? j->cont : j->brk, j->fdepth, s);
		return;
	}
	diag_error(js__loc(F, s), "%s without a matching %s", cont ? "continue" : "break",
		   name ? "label" : "loop");
}

static void js__cond_break(Fn *F, TSNode cond)
{
	if (ts_node_is_null(cond))
		return;
	V c = js__ex(F, cond);
	fn_out(F, "if (!%s)", js__truth(c));
	F->ind++;
	fn_out(F, "break;");
	F->ind--;
}

static void js__tick(Fn *F)
{
	fn_out(F, "CX_TICK(X, %s);", fn__failat(F));
}

static void js__loop_body(Fn *F, TSNode body)
{
	js__stmt(F, body);
	fn__place(F, F->jmp->cont);
}

static void js__for(Fn *F, TSNode s)
{
	TSNode init = ts_node_child_by_field_name(s, "initializer", 11);
	TSNode cond = ts_node_child_by_field_name(s, "condition", 9);
	TSNode inc = ts_node_child_by_field_name(s, "increment", 9);
	char **labels = F->pending; /* the initialiser is a statement: keep the loop's labels */
	int nlabels = F->npending;
	F->pending = NULL;
	F->npending = 0;
	if (!ts_node_is_null(init)) {
		if (js__is(init, "variable_declaration") || js__is(init, "lexical_declaration") ||
		    js__is(init, "empty_statement") || js__is(init, "expression_statement"))
			js__stmt(F, init);
		else
			js_discard(F, js__ex(F, init).c);
	}
	if (js__is(cond, "expression_statement"))
		cond = ts_node_named_child(cond, 0);
	if (!ts_node_is_null(cond) && (js__is(cond, "empty_statement") || !ts_node_is_named(cond)))
		cond = (TSNode){0};
	F->pending = labels;
	F->npending = nlabels;
	js__push_jmp(F, true);
	fn_out(F, "for (;;) {");
	F->ind++;
	js__tick(F);
	js__cond_break(F, cond);
	js__loop_body(F, ts_node_child_by_field_name(s, "body", 4));
	if (!ts_node_is_null(inc))
		js_discard(F, js__ex(F, inc).c);
	F->ind--;
	fn_out(F, "}");
	js__pop_jmp(F);
}

static void js__for_in(Fn *F, TSNode s)
{
	TSNode op = ts_node_child_by_field_name(s, "operator", 8);
	if (!ts_node_is_null(op) && !strcmp(ts_node_type(op), "of")) {
		js__unsupported(F, s, "for-of");
		return;
	}
	TSNode left = js__unparen(ts_node_child_by_field_name(s, "left", 4));
	TSNode kind = ts_node_child_by_field_name(s, "kind", 4);
	TSNode value = ts_node_child_by_field_name(s, "value", 5);
	if (!ts_node_is_null(kind) && !ts_node_is_null(value)) {
		/* for (var x = init in o): the initialiser runs first */
		V iv = js__ex(F, value);
		js__write(F, js__txt(F, left), iv);
	}
	V obj = js__ex(F, ts_node_child_by_field_name(s, "right", 5));
	V keys = js__tmp(F, true, "cx_forin_keys(X, %s)", obj.c);
	int n = ++F->ntemp;
	fn_out(F, "uint32_t n%d = cx_arr_length(X, %s);", n, keys.c);
	js__push_jmp(F, true);
	fn_out(F, "for (uint32_t i%d = 0; i%d < n%d; i%d++) {", n, n, n, n);
	F->ind++;
	js__tick(F);
	V k = js__tmp(F, true, "cx_get(X, %s, cx_num(i%d))", keys.c, n);
	fn_out(F, "if (!cx_is_str(%s) || !cx_has_s(X, %s, %s.u.s))", k.c, obj.c, k.c);
	fn_out(F, "\tcontinue; /* deleted since the loop started */");
	if (!js__is_ref(left))
		js__unsupported(F, left, "this for-in target");
	else
		js_assign(F, left, k.c);
	js__loop_body(F, ts_node_child_by_field_name(s, "body", 4));
	F->ind--;
	fn_out(F, "}");
	js__pop_jmp(F);
}

static void js__switch(Fn *F, TSNode s)
{
	V v = js__ex(F, ts_node_child_by_field_name(s, "value", 5));
	TSNode body = ts_node_child_by_field_name(s, "body", 4);
	Jmp *j = js__push_jmp(F, false);
	uint32_t n = ts_node_named_child_count(body);
	int *labs = xcalloc(n + 1, sizeof(int));
	int dflt = -1;
	for (uint32_t i = 0; i < n; i++) {
		TSNode c = ts_node_named_child(body, i);
		if (js__is(c, "switch_default")) {
			labs[i] = fn__label(F, "dflt", NULL);
			dflt = labs[i];
		} else if (js__is(c, "switch_case")) {
			labs[i] = fn__label(F, "case", NULL);
			V cv = js__ex(F, ts_node_child_by_field_name(c, "value", 5));
			fn_out(F, "if (cx_truthy(cx_op_seq(%s, %s)))", v.c, cv.c);
			F->ind++;
			fn__goto(F, labs[i]);
			F->ind--;
		}
	}
	js_discard(F, v.c);
	fn__goto(F, dflt >= 0 ? dflt : j->brk);
	for (uint32_t i = 0; i < n; i++) {
		TSNode c = ts_node_named_child(body, i);
		if (!js__is(c, "switch_case") && !js__is(c, "switch_default"))
			continue;
		fn__place(F, labs[i]);
		TSNode val = ts_node_child_by_field_name(c, "value", 5);
		for (uint32_t k = 0; k < ts_node_named_child_count(c); k++) {
			TSNode st = ts_node_named_child(c, k);
			if (!ts_node_is_null(val) && ts_node_eq(st, val))
				continue;
			js__stmt(F, st);
		}
	}
	js__pop_jmp(F);
}

static void js__try(Fn *F, TSNode s)
{
	TSNode block = ts_node_child_by_field_name(s, "body", 4);
	TSNode handler = ts_node_child_by_field_name(s, "handler", 7);
	TSNode finalizer = ts_node_child_by_field_name(s, "finalizer", 9);
	int outer_fail = F->fail;
	int n = ++F->ntemp;
	Fin *fin = NULL;
	int lcatch = -1, lfinexc = -1, lend;
	if (ts_node_is_null(handler) && ts_node_is_null(finalizer)) {
		/* the parser recovered from a broken try (found by the fuzzer): no code for it */
		diag_error(js__loc(F, s), "'try' needs a 'catch' or a 'finally' block");
		return;
	}
	lend = fn__label(F, "end", NULL);
	if (!ts_node_is_null(finalizer)) {
		fin = xcalloc(1, sizeof(*fin));
		fin->n = n;
		fin->fin = fn__label(F, "fin", NULL);
		fin->fdepth = F->fdepth;
		fin->up = F->fin;
		lfinexc = fn__label(F, "finexc", NULL);
		fn_out(F, "int c%d = 0; /* completion: 0 normal, 1 throw, 2 return, 3+ jump */", n);
		fn_out(F, "cx_value rv%d = CX_UNDEFINED;", n);
		F->fin = fin;
		F->fdepth++;
	}
	if (!ts_node_is_null(handler))
		lcatch = fn__label(F, "catch", NULL);
	/* try block */
	F->fail = lcatch >= 0 ? lcatch : lfinexc;
	fn_out(F, "{");
	F->ind++;
	js__stmt(F, block);
	F->ind--;
	fn_out(F, "}");
	fn__goto(F, fin ? fin->fin : lend);
	if (lcatch >= 0) {
		F->fail = fin ? lfinexc : outer_fail;
		fn__place(F, lcatch);
		fn_out(F, "{");
		F->ind++;
		/* a spent execution budget is not an ECMAScript exception: catch cannot stop it */
		fn_out(F, "if (X->steps <= 0)");
		fn_out(F, "\tgoto %s;", fn__failname(F));
		TSNode param = ts_node_child_by_field_name(handler, "parameter", 9);
		Catch *c = NULL;
		if (js__is(param, "identifier")) {
			c = xcalloc(1, sizeof(*c));
			c->name = js__txt(F, param);
			c->up = F->cat;
			if (js__catch_captured(handler, F->src->s)) {
				/* a fresh env per execution, below the env closures made here
				 * would otherwise get (js__closure_env) */
				const char *up = js__closure_env(F);
				c->cenv = xprintf("ce%d", n);
				c->cvar = xprintf("ce%d->v[0]", n);
				fn_out(F, "cx_value e%d = cx_catch(X);", n);
				fn_out(F, "cx_env *%s = cx_env_new(X, %s, 1);", c->cenv, up);
				fn_out(F, "if (!%s)", c->cenv);
				fn_out(F, "\tgoto %s;", fn__failname(F));
				fn_out(F, "%s = e%d;", c->cvar, n);
			} else {
				c->cvar = xprintf("e%d_%s", n, js__cident(c->name));
				fn_out(F, "cx_value %s = cx_catch(X);", c->cvar);
				fn_out(F, "(void)%s;", c->cvar);
			}
			F->cat = c;
		} else {
			if (!ts_node_is_null(param))
				js__unsupported(F, param, "a destructuring catch parameter");
			fn_out(F, "(void)cx_catch(X);");
		}
		js__stmt(F, ts_node_child_by_field_name(handler, "body", 4));
		if (c)
			F->cat = c->up;
		F->ind--;
		fn_out(F, "}");
		if (fin)
			fn__goto(F, fin->fin);
	}
	F->fail = outer_fail;
	if (fin) {
		F->fin = fin->up;
		F->fdepth--;
		fn__place(F, lfinexc);
		if (F->lab[lfinexc].uses) {
			fn_out(F, "rv%d = cx_catch(X);", n);
			fn_out(F, "c%d = 1;", n);
		}
		fn__place(F, fin->fin);
		fn_out(F, "{");
		F->ind++;
		js__stmt(F, ts_node_child_by_field_name(finalizer, "body", 4));
		F->ind--;
		fn_out(F, "}");
		fn_out(F, "if (c%d == 1) {", n);
		F->ind++;
		fn_out(F, "cx_throw(X, rv%d);", n);
		fn__goto(F, F->fail);
		F->ind--;
		fn_out(F, "}");
		for (int i = 0; i < fin->npend; i++) {
			Pend *p = &fin->pend[i];
			fn_out(F, "if (c%d == %d) {", n, p->code);
			F->ind++;
			if (p->label < 0)
				js__return(F, xprintf("rv%d", n));
			else
				js__jump(F, p->label, p->fdepth, s);
			F->ind--;
			fn_out(F, "}");
		}
	}
	fn__place(F, lend);
}

static void js__vardecl(Fn *F, TSNode s)
{
	for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
		TSNode d = ts_node_named_child(s, i);
		if (!js__is(d, "variable_declarator"))
			continue;
		TSNode nm = ts_node_child_by_field_name(d, "name", 4);
		TSNode val = ts_node_child_by_field_name(d, "value", 5);
		if (!js__is(nm, "identifier")) {
			js__unsupported(F, nm, "destructuring");
			continue;
		}
		if (ts_node_is_null(val))
			continue;
		V v = js__ex(F, val);
		js__write(F, js__txt(F, nm), v);
	}
}

static void js__stmt_at(Fn *F, TSNode s);

/* A statement, and its code at its own line; code that follows it (the rest of an enclosing
 * loop or try) goes back to the line of what encloses it. */
static void js__stmt(Fn *F, TSNode s)
{
	int up = F->curline;
	const char *upath = F->curpath;
	js__stmt_at(F, s);
	fn__line_in(F, up, upath);
}

static void js__stmt_at(Fn *F, TSNode s)
{
	const char *t = ts_node_type(s);
	if (!strcmp(t, "comment") || !strcmp(t, "html_comment") || !strcmp(t, "empty_statement") ||
	    !strcmp(t, "function_declaration") || !strcmp(t, "debugger_statement") ||
	    !strcmp(t, "hash_bang_line"))
		return;
	if (!strcmp(t, "statement_block")) {
		if (F->npending) {
			/* a labeled block: `break label` leaves it */
			Jmp *j = js__push_jmp(F, false);
			j->plain = false;
			js__stmts(F, s);
			js__pop_jmp(F);
			return;
		}
		js__stmts(F, s);
		return;
	}
	if (!strcmp(t, "labeled_statement")) {
		char **p = xcalloc((size_t)F->npending + 1, sizeof(char *));
		for (int i = 0; i < F->npending; i++)
			p[i] = F->pending[i];
		p[F->npending] = js__txt(F, ts_node_child_by_field_name(s, "label", 5));
		F->pending = p;
		F->npending++;
		TSNode body = ts_node_child_by_field_name(s, "body", 4);
		const char *bt = ts_node_type(body);
		if (!strcmp(bt, "for_statement") || !strcmp(bt, "for_in_statement") ||
		    !strcmp(bt, "while_statement") || !strcmp(bt, "do_statement") ||
		    !strcmp(bt, "labeled_statement") || !strcmp(bt, "statement_block") ||
		    !strcmp(bt, "switch_statement")) {
			js__stmt(F, body);
			return;
		}
		Jmp *j = js__push_jmp(F, false);
		j->plain = false;
		js__stmt(F, body);
		js__pop_jmp(F);
		return;
	}
	bool loop_or_switch = !strcmp(t, "for_statement") || !strcmp(t, "for_in_statement") ||
			      !strcmp(t, "while_statement") || !strcmp(t, "do_statement") ||
			      !strcmp(t, "switch_statement");
	if (!loop_or_switch && F->npending) {
		F->pending = NULL;
		F->npending = 0;
	}
	fn__line_at(F, js__loc(F, s));
	if (!strcmp(t, "expression_statement")) {
		for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
			TSNode c = ts_node_named_child(s, i);
			if (!js__is(c, "comment"))
				js_discard(F, js__ex(F, c).c);
		}
	} else if (!strcmp(t, "variable_declaration") || !strcmp(t, "lexical_declaration")) {
		js__vardecl(F, s);
	} else if (!strcmp(t, "if_statement")) {
		V c = js__ex(F, ts_node_child_by_field_name(s, "condition", 9));
		fn_out(F, "if (%s) {", js__bare(js__truth(c)));
		F->ind++;
		js__stmt(F, ts_node_child_by_field_name(s, "consequence", 11));
		F->ind--;
		TSNode alt = ts_node_child_by_field_name(s, "alternative", 11);
		if (!ts_node_is_null(alt)) {
			fn_out(F, "} else {");
			F->ind++;
			for (uint32_t i = 0; i < ts_node_named_child_count(alt); i++)
				js__stmt(F, ts_node_named_child(alt, i));
			F->ind--;
		}
		fn_out(F, "}");
	} else if (!strcmp(t, "while_statement")) {
		js__push_jmp(F, true);
		fn_out(F, "for (;;) {");
		F->ind++;
		js__tick(F);
		js__cond_break(F, ts_node_child_by_field_name(s, "condition", 9));
		js__loop_body(F, ts_node_child_by_field_name(s, "body", 4));
		F->ind--;
		fn_out(F, "}");
		js__pop_jmp(F);
	} else if (!strcmp(t, "do_statement")) {
		js__push_jmp(F, true);
		fn_out(F, "for (;;) {");
		F->ind++;
		js__tick(F);
		js__loop_body(F, ts_node_child_by_field_name(s, "body", 4));
		js__cond_break(F, ts_node_child_by_field_name(s, "condition", 9));
		F->ind--;
		fn_out(F, "}");
		js__pop_jmp(F);
	} else if (!strcmp(t, "for_statement")) {
		js__for(F, s);
	} else if (!strcmp(t, "for_in_statement")) {
		js__for_in(F, s);
	} else if (!strcmp(t, "switch_statement")) {
		js__switch(F, s);
	} else if (!strcmp(t, "break_statement")) {
		js__break(F, s, false);
	} else if (!strcmp(t, "continue_statement")) {
		js__break(F, s, true);
	} else if (!strcmp(t, "return_statement")) {
		if (F->kind != FN_JS) {
			diag_error(js__loc(F, s), "return outside of a function");
			return;
		}
		V v = js__const("CX_UNDEFINED");
		for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
			TSNode c = ts_node_named_child(s, i);
			if (!js__is(c, "comment"))
				v = js__ex(F, c);
		}
		js__return(F, v.c);
	} else if (!strcmp(t, "throw_statement")) {
		V v = js__const("CX_UNDEFINED");
		for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
			TSNode c = ts_node_named_child(s, i);
			if (!js__is(c, "comment"))
				v = js__ex(F, c);
		}
		fn_out(F, "cx_throw(X, %s);", v.c);
		fn_out(F, "goto %s;", fn__failat(F));
	} else if (!strcmp(t, "try_statement")) {
		js__try(F, s);
	} else if (!strcmp(t, "with_statement")) {
		js__unsupported(F, s, "'with'");
	} else {
		js__unsupported(F, s, xprintf("'%s'", t));
	}
}

static void js__body(Fn *F, TSNode body)
{
	js__hoist_functions(F, body);
	js__stmts(F, body);
}

void js_program(Fn *F, TSNode program)
{
	js__body(F, program);
}
