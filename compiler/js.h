/*
 * js.h — ECMAScript -> C (js.c), private to the compiler's back end (js.c, emit.c).
 *
 * Gen is one generated C file: its string literals, prototypes and function bodies, kept in
 * separate memory buffers so that the file can be assembled in a readable order at the end.
 * Fn is one C function being generated; every expression becomes statements computing into
 * numbered temporaries, and the function's text is finished (labels, declarations) by fn_end.
 * Scope is a compile-time scope: ccxml scope (document slots), transition scope (C locals of
 * a transition body) or an ECMAScript function scope (C locals, or env slots when captured).
 */
#ifndef CCXMLC_JS_H
#define CCXMLC_JS_H

#include "compiler.h"

typedef struct Gen Gen;
typedef struct Fn Fn;
typedef struct Scope Scope;

/* Section - The generated file */

Gen *gen_new(const char *path, const Options *opt);
/* The name of the static string for these bytes (deduplicated), e.g. "s_3". ASCII only. */
const char *gen_str(Gen *g, const char *s, size_t len);
/* Writes string definitions, prototypes and functions (in this order) to out. */
void gen_write(Gen *g, FILE *out);
/* From now on each function goes to out when it is finished, after the string literals it is
 * the first to use (a C compiler reading out can start at once); functions are then defined
 * before their first use and get no prototypes. gen_write then adds what is left. */
void gen_stream(Gen *g, FILE *out);
/* How many references to event$ were compiled so far; *in_functions: of them in ES functions. */
int gen_event_reads(const Gen *g, int *in_functions);
/* How many references to `session` were compiled (cx_doc.reads_session). */
int gen_session_reads(const Gen *g);
/* Where one-per-site objects live: cb(arg, hidden name) adds a document slot (X->slots: per
 * session, a GC root, undefined at first) and returns its index. Without it (no document),
 * such objects are made at each evaluation. Used for regular-expression literals (ES3 7.8.5:
 * the literal is one RegExp object). */
void gen_slot_alloc(Gen *g, int (*cb)(void *arg, const char *name), void *arg);
/* The file the #line directives of the functions ended from now on name (another document's
 * code compiled into this one: a VoiceXML application root's). */
void gen_path(Gen *g, const char *path);
/* The file is a VoiceXML dialog: an exception in it ends the dialog (cx_vx_semantic). */
void gen_vxml(Gen *g);
/* How many ES functions were compiled so far; the C name of the i-th (from 0). */
int gen_nfuncs(const Gen *g);
const char *gen_func(const Gen *g, int i);
/* A C string literal for s (escaped; trigraph-safe). */
char *c_quote(const char *s, size_t len);

/* Section - Scopes */

enum { SC_DOC, SC_TRANS, SC_FUNC };
Scope *scope_new(Scope *up, int kind);
/* VoiceXML's document and dialog scopes (SC_DOC scopes of slots): `document.x`, `dialog.x`
 * name the x of that scope only. A scope with a qualifier is not `ccxml`'s. The application
 * scope (an application root's variables): `application.x` is its x, or the property x of the
 * runtime's application object (`lastresult$`) when it declares none. */
enum { SC_Q_DOCUMENT = 10, SC_Q_DIALOG = 11, SC_Q_APPLICATION = 12 };
void scope_qualifier(Scope *sc, int qual);
/* Declares name in sc (no-op if there). For SC_DOC, slot is the X->slots index. */
void scope_add(Scope *sc, const char *name, int slot);
bool scope_has(Scope *sc, const char *name);
/* <transition name="evt">: in the transition scope sc, evt reads and writes event$ (unless a
 * <var> or script there declares evt). */
void scope_event_alias(Scope *sc, const char *name);
/* The variables of F's scope when it is a transition's (<var>s and script names, in order), or
 * NULL with *n 0. */
const char *const *scope_names(Fn *F, int *n);
/* A top-level var/function name of a script fetched at run time (Options.fetched_js): declared
 * in the running document's scopes or on the global object (cx_dyn_declare). */
void js_declare_free(Fn *F, const char *name);
/* Marks the names of sc used by functions nested in root as captured (kept in an env). */
void scope_scan_captures(Scope *sc, TSNode root, const char *src);
/* Calls cb for every var / function name that `program` (or function body) hoists, in order. */
void js_hoisted(TSNode body, const char *src, void (*cb)(void *arg, const char *name), void *arg);

/* Section - Functions being generated */

enum { FN_BODY, FN_COND, FN_JS };
/* A new C function `name` of the given kind in scope sc; its text goes to g when fn_end runs. */
Fn *fn_new(Gen *g, Scope *sc, int kind, const char *name, int line);
void fn_end(Fn *F);
/* Emits one line of C at the current indentation. */
void fn_out(Fn *F, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fn_indent(Fn *F, int delta);
/* What follows belongs to this .ccxml line: every line of C emitted after it carries it in a
 * `#line` (nothing with --no-line). */
void fn_line(Fn *F, int line);
/* The line set by the last fn_line (0: none yet). */
int fn_curline(Fn *F);
/* Failure target of what follows: a label whose code (emitted at the end of the function) is
 * `return cx_semantic(X, CX_E_<elem>, line);`. */
void fn_fail_semantic(Fn *F, const char *elem, int line);
/* The source text the next nodes belong to (attribute value or script). */
void fn_source(Fn *F, const SrcText *src);
/* A fresh temporary name ("t12"); declared by the caller. */
char *fn_temp(Fn *F);
/* goto the current failure target when v is an exception. */
void fn_check(Fn *F, const char *v);

/* Section - Translating ECMAScript */

/* Compiles an expression; returns a side-effect-free C expression (a temporary or constant)
 * holding its value. */
char *js_expr(Fn *F, TSNode e);
/* Assigns v to the reference `lhs` (identifier, member or subscript expression). */
void js_assign(Fn *F, TSNode lhs, const char *v);
/* Reads / writes a possibly dotted name ("a", "application.x", "a.b.c"). */
char *js_read_name(Fn *F, const char *dotted);
void js_store_name(Fn *F, const char *dotted, const char *v);
/* A new object with one property per name (as written, "a" or "a.b") holding its value. */
char *js_names_object(Fn *F, char **names, int n);
/* A whole <script> program in the current scope (hoisted functions first). */
void js_program(Fn *F, TSNode program);
/* (void)v when the value is dropped and nothing used it. */
void js_discard(Fn *F, const char *v);

/* Section - Number- and string-typed locals (jstype.c) */

/* When ok, a number is an integer in [lo, hi], never -0, and |lo|, |hi| <= JS_RANGE_LIM: the
 * double arithmetic of such numbers is exact, so C integer arithmetic gives the same values. */
#define JS_RANGE_LIM 9007199254740991LL /* 2^53 - 1 */
typedef struct JsRange {
	bool ok;
	int64_t lo, hi;
} JsRange;

/* Which of the n names (a function's `var`s that no nested function captures) provably hold a
 * number wherever the function body reads them: num[i] is set for those; and which a string:
 * str[i] (str may be NULL). entry (or NULL): entry[i], names[i] holds a number when the body
 * starts (a parameter of a body entered only with numbers for it); the others must be assigned
 * before they are read. rg (or NULL): rg[i].ok when names[i], number-typed, only ever holds
 * integers in rg[i]'s range (jstype.c, "Integer ranges"). */
void jstype_locals(TSNode body, const char *src, const char *const *names, int n,
		   const bool *entry, bool *num, bool *str, JsRange *rg);

/* The range of a number literal (not ok unless an integer, not -0, within the limit); of a
 * binary operator's result (11.5-11.7, 11.10) from its operands' ranges (a bitwise operator's
 * result has one whatever its operands); of a unary operator's (+ - ~). */
JsRange jsrange_lit(double n);
JsRange jsrange_binary(const char *op, JsRange a, JsRange b);
JsRange jsrange_unary(const char *op, JsRange a);
/* The value of a numeric literal's source text (js.c). */
double js_number(const char *text);

/* Section - Shared by the back ends (emit.c, vxml_emit.c) */

/* <if cond>/<elseif cond>/<else> with flat children (CCXML's, or VoiceXML's in VXML_NS_URI or
 * in no namespace); block(arg, F, first, stop) emits the elements of one branch. */
void emit_if(Fn *F, Node *n, void (*block)(void *arg, Fn *F, Node *first, Node *stop), void *arg);

/* vxml_srgs.c: the script <tag>s of the grammars written from now on are compiled into g (sc,
 * the scope where each grammar stands, is not theirs: SISR's tags see their own names, the
 * grammar's header's and ECMAScript's globals, not the dialog's variables). */
void vxml_srgs_code(Gen *g, Scope *const *sc);

/* vxml_io.c: <transfer>'s cx_vx_xfer_item written to lf (its destexpr a function of g). */
char *vxml_io_transfer(FILE *lf, Gen *g, Scope *sc, Node *n, int shadow, int k);

#endif
