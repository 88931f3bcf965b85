/*
 * compiler.h — shared declarations of ccxmlc's stages.
 *
 *   main.c     driver: options, stages in order, cc invocation
 *   diag.c     diagnostics: file:line:col: error: … + source line + caret
 *   xml.c      libxml2 -> Node tree with line:col for elements, attributes and text
 *   check.c    CCXML rules: elements, attributes, nesting, exclusions (uses cx_elements.def)
 *   esparse.c  every expression / script parsed with tree-sitter-javascript, syntax errors
 *   constchk.c string-literal times and destinations checked before anything runs
 *   dot.c      --dot: the state diagram for Graphviz
 *   warn.c     named warnings over all the documents of the program (docs/warnings.md)
 *   js.c       ECMAScript (tree-sitter trees) -> C
 *   emit.c     the document -> C (tables, one function per transition body/cond/initialiser)
 *
 * The compiler allocates with xcalloc/xstrdup and never frees (chibicc's rule).
 */
#ifndef CCXMLC_COMPILER_H
#define CCXMLC_COMPILER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tree_sitter/api.h>

#include "cx_gen.h" /* element table enums: CX_E_*, CX_A_*_* */

/* Written into every generated cx_doc (made_by), next to the CX_ABI_VERSION it is for. */
#define CCXMLC_VERSION "0.1.0"

/* Section - Source locations and diagnostics (diag.c) */

typedef struct Source {
	const char *path;  /* as given on the command line */
	const char *text;  /* whole file, NUL-terminated */
	size_t len;
} Source;

typedef struct Loc {
	const Source *src;
	int line;   /* 1-based */
	int col;    /* 1-based, in bytes */
} Loc;

extern int diag_errors;      /* number of errors reported so far */
extern bool diag_werror;     /* -Werror: warnings count as errors */
/* --script-file PATH (repeated; run-time compiles, docs/fetch.md): the Nth <script src> of the
 * document, in document order, is read from the Nth file instead of its src */
extern const char **xml_script_files;
extern int xml_nscript_files;
/* --fetched: the document was fetched by a running program, which gave every <script src> it
 * has as a --script-file; one more is an error, never a file of this machine */
extern bool xml_fetched;
/* --grammar-file PATH (repeated, docs/fetch.md): the Nth <grammar src> the running program
 * fetched for the document (vxml_fetch_grammar) */
extern const char **xml_grammar_files;
extern int xml_ngrammar_files;
void diag_error(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error without a location ("ccxmlc: error: …"). */
void diag_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvprintf(const char *fmt, va_list ap);
void xvfprintf(FILE *f, const char *fmt, va_list ap); /* vfprintf, faster for short output */
void *xmalloc(size_t size);
/* A memory stream (util.c keeps closed ones for reuse) and its text when closed: a new
 * NUL-terminated copy, its length in *len (len may be NULL). */
FILE *ms_open(void);
char *ms_close(FILE *f, size_t *len);
/* Every file the front end read (documents, <script src>), for -MD (util.c); NULL is ignored. */
void dep_add(const char *path);
const char *const *dep_list(int *n);
int edit_distance(const char *a, const char *b); /* case-insensitive, a swap is one edit (util.c) */

/* Named warnings (-WNAME, -Wno-NAME, -Wall, -w; docs/warnings.md). Printed with " [-WNAME]". */
enum diag_w {
	W_UNKNOWN_EVENT,        /* a transition event nothing can raise */
	W_UNKNOWN_STATE,        /* a state= name never given to the state variable */
	W_UNDECLARED,           /* <assign> to a variable no <var> or script declares */
	W_COND_ASSIGN,          /* cond="x = 1" */
	W_SHADOWED,             /* a transition an earlier one always takes first (-Wall) */
	W_UNHANDLED_CONNECTION, /* a connection with no connection.disconnected/failed handler (-Wall) */
	W_XML,                  /* libxml2's own warnings */
	W_NBSP,                 /* a non-breaking space read as white space */
	W_DRAFT,                /* <send data>, <transition name>: CCXML drafts' spellings */
	W_EMPTY,                /* an empty expression or name list */
	W_IGNORED_EXTENSION,    /* with -Wno-unknown-extension: what was left out */
	W_SPEECH,               /* VoiceXML input that needs speech recognition */
	W_UNSUPPORTED,          /* an accepted VoiceXML attribute that has no effect yet */
	W__COUNT
};
extern bool diag_w_on[W__COUNT];  /* which named warnings are reported */
extern bool diag_nowarn;          /* -w: no warning at all */
int diag_w_find(const char *name); /* W_* of "unknown-event", or -1 */
const char *diag_w_name(int w);
void diag_w_all(void);             /* -Wall */
void diag_w_set(int w, bool on);   /* -WNAME / -Wno-NAME */
/* For "did you mean": true if cand is close enough to name (a third of its length) and closer
 * than *best (start at 99), which it then updates. */
bool diag_suggest(const char *name, const char *cand, int *best);
bool diag_warn(int w, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Section - Text of an attribute value or a script, with its position in the file (xml.c) */

/* The decoded text (entities and character references replaced, CDATA unwrapped) and the way
 * back from a byte offset in it to the line:col in the .ccxml. */
typedef struct SrcText {
	const char *s;      /* decoded, NUL-terminated */
	size_t len;
	Loc loc;            /* where s[0] is in the file */
	/* For each decoded byte, its byte offset in Source.text; NULL means the decoded text equals
	 * the raw text starting at loc (no entities). */
	const uint32_t *raw;
} SrcText;

Loc srctext_loc(const SrcText *t, size_t offset); /* offset may be t->len (end) */

/* Section - The CCXML tree (xml.c builds it, check.c validates it) */

typedef struct Attr {
	const char *name;   /* local name as written ("connectionid", "xml:base") */
	const char *ns;     /* namespace URI of a prefixed attribute, or NULL */
	int id;             /* CX_A_<elem>_<attr> index, or -1 if unknown to the element */
	Loc loc;            /* the attribute's name */
	SrcText value;
	/* Filled by esparse.c, by kind: */
	TSTree *tree;       /* EXPR / LHS: the parsed expression (see expr below) */
	TSNode expr;        /* EXPR / LHS: the expression node inside the tree */
	char **names;       /* NAMELIST: the names, */
	Loc *name_locs;     /*   their locations, */
	int nnames;         /*   and how many */
} Attr;

typedef struct Node {
	int elem;           /* CX_E_*, or -1 for an unknown / foreign element */
	const char *tag;    /* local name */
	const char *ns;     /* namespace URI or NULL */
	Loc loc;            /* the '<' of the start tag */
	Attr *attrs;
	int nattrs;
	struct Node *parent, *kids, *next; /* element children only, in document order */
	/* <script> inline text (and other text content; whitespace-only text is dropped): */
	SrcText text;
	bool has_text;
	TSTree *script;     /* <script>: the parsed program (esparse.c) */
	/* Mixed content in document order (a VoiceXML <prompt>'s text, <value>, <audio>): each
	 * piece is a text run (elem NULL) or an element child. */
	struct Piece { const char *text; struct Node *elem; } *pieces;
	int npieces;
} Node;

typedef struct Doc {
	Source src;
	Node *root;         /* <ccxml> */
	const char *voxeo_prefix; /* prefix bound to the Voxeo namespace, if any */
} Doc;

/* Section - Stages */

typedef struct Options {
	const char *output;       /* -o */
	bool emit_c;              /* --emit-c: write the C instead of compiling it */
	bool object;              /* -c: an object file plus header for embedding */
	bool line_directives;     /* #line back to the .ccxml (default on; --no-line) */
	bool debug;               /* -g */
	const char *optimize;     /* -O level passed to cc ("2" by default) */
	bool allow_unknown_ext;   /* -Wno-unknown-extension: foreign elements are ignored */
	bool werror;
	const char *cc;           /* $CC or "cc" */
	const char *const *files; /* every document given (a <subdialog src> names a .vxml of them) */
	int nfiles;
	Doc *const *docs;         /* their trees (NULL: failed to load), files' order */
	bool fetched;             /* --shared of one .vxml: a document fetched at run time (its
				   * relative URIs are resolved against its URL then) */
	bool fetched_js;          /* --shared of one .js: a script fetched at run time for a
				   * <script fetchid>, compiled without the scopes it runs in
				   * (free names are cx_dyn_*, docs/fetch.md) */
	bool tcc;                 /* --shared with libtcc in this process (cctcc.c): C for tcc only
				   * (no inline caches, which tcc could not keep: no __thread) */
} Options;

Doc *xml_load(const char *path);             /* NULL after diagnostics */
Attr *node_attr(Node *n, const char *name);   /* NULL if absent */
/* The xml:base in effect on n, resolved through its ancestors' (util.c), or NULL. */
const char *node_base(const Node *n);
void check_doc(Doc *doc, const Options *opt); /* reports through diag_* */
void esparse_doc(Doc *doc);                   /* parses every expression and script */
const TSLanguage *tree_sitter_javascript(void);
/* One attribute of kind CX_AK_* (its tree or names filled), or the text of a script element. */
void esparse_attr(Node *n, Attr *a, int kind);
void esparse_script(Node *n);
/* The parser made and its tables touched before a document comes (a compile server's spare) */
void esparse_warm(void);
/* The text of an expression attribute that is one string literal, else NULL (esparse.c). */
const char *attr_string(const Attr *a);
/* Constant attributes checked at compile time: CSS2 times, call destinations (constchk.c). */
void constchk_doc(Doc *doc);

#define VXML_NS_URI "http://www.w3.org/2001/vxml" /* VoiceXML's elements (or no namespace) */
/* VoiceXML 2.1 documents (vxml_check.c, vxml_emit.c; docs/voicexml.md). check also parses
 * every expression; emit writes a `const cx_vx_doc <sym>` and registers it at start-up. */
void vxml_check(Doc *doc, const Options *opt);
void vxml_emit(FILE *out, Doc *doc, const char *sym, const Options *opt);
/* <vxml application>: the application root document a leaf names (a .vxml given to ccxmlc that
 * is no leaf itself); NULL without one. report: say what is wrong (once all are loaded). */
Doc *vxml_app_root(Doc *leaf, const Options *opt, bool report);
/* <field type>: its enum cx_vx_gram (digits: bounds in minlen/maxlen, 0: none); 0 unsupported. */
int vxml_builtin(Attr *type, int *minlen, int *maxlen, bool report);
/* vxml_io.c: <record> (and later the other side-trips). check: -1 not one of its elements,
 * 0 reported and done, 1 checked (its children are checked as a <field>'s). record: the
 * cx_vx_rec_item of n written to lf, its address returned. */
int vxml_io_check(Node *n, bool in_form);
char *vxml_io_record(FILE *lf, Node *n, int shadow, int k);
/* <catch> or one of its shorthands (<noinput>, <nomatch>, <help>, <error>). */
bool vxml_is_catch(const Node *n);
/* vxml_prop.c: <property> checked; the value attribute of property `name` for element n (its
 * own, its item's, form's or document's; NULL: the default); as ms; bargein of a <prompt> or
 * <audio> (its attribute or the property); whether DTMF is an input mode. */
void vxml_prop_check(Node *n);
Attr *vxml_prop(Node *n, const char *name);
long vxml_prop_ms(Node *n, const char *name);
bool vxml_prop_bargein(Node *prompt);
bool vxml_prop_dtmf(Node *n);
/* The application root's <vxml> whose properties come after the document's (NULL: none). */
void vxml_prop_app(Node *approot);
/* vxml_srgs.c: a field's (or <link>'s) SRGS grammars, with keys (a <link dtmf>'s, or NULL) as
 * one more alternative: -1 none (or an error, reported), 0 voice only, 1 DTMF, 2 DTMF with
 * semantic <tag>s; with lf, their table `gram_K` (nodes), `gram_K_kids` and the root node are
 * written (script tags compiled where vxml_srgs_code says, js.h). */
int vxml_srgs(Node *field, const char *keys, FILE *lf, int k, char **nodes, char **kids, int *root);
void vxml_srgs_srcexpr(Node *gr); /* <grammar srcexpr>: refused, with why */
/* A form-level <grammar> gr alone, as vxml_srgs; slots[0 .. *nslots) (64 at most) the slots its
 * match may fill: its root rule's id, then the ids of the rules it refers to. */
int vxml_srgs_form(Node *gr, FILE *lf, int k, char **nodes, char **kids, int *root, const char **slots,
		   int *nslots);
/* vxml_check.c: the keys of a <link dtmf> (white space between them left out), NULL without
 * one or when they are not 1 to 63 DTMF keys (reported when report). */
char *vxml_link_dtmf(Node *link, bool report);
/* vxml_check.c: the <menu>, or <field> with <option>s, an <enumerate> lists (NULL: neither). */
Node *vxml_enum_owner(Node *en);
/* vxml_check.c: the silence of a <break> in ms (time, else strength's; docs/voicexml.md); -1
 * when malformed (reported if report). */
long vxml_break_ms(Node *n, bool report);
/* vxml_fetch.c: fetchtimeout, maxage, maxstale and fetchaudio of a fetching element checked;
 * a fetch property (name, value) checked (false: not one); the cx_vx_fetch initializer of n
 * (its attributes, else the properties in force; data: datamaxage/datamaxstale). */
void vxml_fetch_check(Node *n);
bool vxml_fetch_prop(Attr *name, Attr *value);
char *vxml_fetch_init(Node *n, bool data, bool app);
char *vxml_fetch_audio_init(Node *n, bool app);
/* The --grammar-file of gr (a <grammar src> of a document fetched at run time), or NULL after
 * an error saying it was not fetched */
const char *vxml_fetch_grammar(Node *gr, Attr *src);
/* --app-file PATH (docs/fetch.md): the application root of the one .vxml compiled, read from
 * PATH rather than found among the files given; --app-url URL: the root's URL, which names the
 * application (cx_vx_doc.app) of a document fetched at run time (NULL: PATH). The --script-file
 * and --grammar-file options after --app-file are the root's (xml_app_script_files, ...). */
extern const char *xml_app_file, *xml_app_url;
extern const char **xml_app_script_files, **xml_app_grammar_files;
extern int xml_napp_script_files, xml_napp_grammar_files;
/* The root read from xml_app_file and checked (NULL: none, or after an error) */
extern Doc *xml_app_doc;
/* Read and check xml_app_file (once every document given is loaded, opt->docs set) */
void vxml_fetch_app(const Options *opt);
/* vxml_io.c: "10s", "500ms" -> ms; -1 when malformed (reported). */
long vxml_time(Attr *a);
/* A form item: <block>, <field>, <record>, <transfer>, <subdialog>, <initial>, <object>; an
 * input item: one of them that collects a value (not <block> nor <initial>). */
bool vxml_is_item(const Node *n);
bool vxml_is_input(const Node *n);
/* A <field>'s slot name (VoiceXML 2.0 §3.1.6): its slot, else its name (NULL: neither). */
const char *vxml_slot(Node *field);
/* A <choice>'s DTMF sequence (its own, or by <menu dtmf="true">), or NULL. */
const char *vxml_choice_dtmf(Node *menu, Node *choice);

/* --dot: the document's states and transitions as a Graphviz digraph (dot.c). */
void dot_doc(FILE *out, Doc *doc);

/* ccxmlc --test DIR (apptest.c): compile (with self and ccopts) and run every application of
 * dir on the simulator; prints PASS/FAIL a line and "N passed, M failed". 0: all passed; 1: some
 * failed; 2: no directory or no application in it. */
int apptest_main(const char *self, const char *dir, const char *const *ccopts, int nccopts);

/* `--shared` with tcc in this process (cctcc.c): usable when cc names tcc and ccxmlc was built
 * with libtcc (CCXMLC_LIBTCC). cctcc_start begins the compile (the runtime's headers, on a
 * thread of its own; NULL: cannot); cctcc_finish gives it the generated C, one translation
 * unit, and writes the shared object out: 0, or -1 after printing the C compiler's messages. */
typedef struct CcTcc CcTcc;
bool cctcc_usable(const char *cc);
CcTcc *cctcc_start(const char *const *incdirs, int nincs, bool debug);
int cctcc_finish(CcTcc *t, const char *src, const char *out);
/* Part of the generated C, given early (the functions as the back end finishes them); the
 * rest follows with cctcc_finish. 0 or -1. */
int cctcc_write(CcTcc *t, const char *src, size_t len);
/* The compile server's prelude (cctcc.c): cctcc_preprocess writes `tcc -E -dD` of cx.h on
 * standard output (0 or -1; run in a child), cctcc_prelude_set keeps that output, cleaned, for
 * the compiles of the children forked after it (0, or -1: they read cx.h). */
int cctcc_preprocess(const char *const *incdirs, int nincs);
int cctcc_prelude_set(const char *raw, size_t len);
/* Begins, before the document is known, the compile that the next cctcc_start with the same
 * include directories and without debug information takes over (the compile server's spare
 * child, cserve.c): tcc has read the prelude by the time the request comes. */
void cctcc_prestart(const char *const *incdirs, int nincs);

/* `ccxmlc --compile-server` (cserve.c): serves compile requests from the program on standard
 * input, each run by compile(argc, argv) in a forked child; prelude() makes the prelude (in a
 * child, on its standard output), warm() readies a child before its request (NULL: nothing).
 * Returns only on a setup error. */
int cserve_main(int (*compile)(int argc, char **argv), int (*prelude)(void), void (*warm)(void));
/* The memory and CPU-time limits of a compile of a fetched document, from the environment
 * ($CCXML_DOC_COMPILE_MB, $CCXML_DOC_COMPILE_CPU: cserve.c), for this process and its cc. */
void cserve_limits(void);

/* The named warnings over every CCXML document of the program (warn.c). */
void warn_program(Doc **docs, int n);

/* Writes the C for doc into out. `sym` is the C identifier of the document
 * (derived from the file name), used for the exported `const cx_doc <sym>`. */
void emit_doc(FILE *out, Doc *doc, const char *sym, const Options *opt);

/* Section - The element table as the compiler sees it (util.c; added by the front end).
 * The same data as the runtime's cx_elem_table, expanded from cx_elements.def, so the compiler
 * does not need libccxml. */
const cx_elem_info *elem_info(int elem);          /* NULL if elem is not a CX_E_* */
int elem_find(const char *tag, int ns);           /* CX_E_* of tag in enum cx_ns ns, or -1 */
int elem_attr_find(int elem, const char *name);   /* CX_A_<elem>_* index, or -1 */

#endif
