/*
 * esparse.c — every ECMAScript expression attribute and every <script> through
 * tree-sitter-javascript, with syntax errors reported at their true line:col in the .ccxml.
 *
 * An attribute must hold exactly one expression. It is parsed as the program "(" text "\n)":
 * the parentheses make `{a: 1}` an object literal rather than a block, and the newline keeps a
 * trailing `// comment` from swallowing the ')'. The tree is then edited (ts_tree_edit) to delete
 * the leading '(' so that every node's byte offsets index Attr.value.s directly, which is what the
 * back end (js.c) and srctext_loc() expect.
 */
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "compiler.h"

static TSParser *esp__parser;

static TSParser *esp__get_parser(void)
{
	if (!esp__parser) {
		esp__parser = ts_parser_new();
		if (!esp__parser || !ts_parser_set_language(esp__parser, tree_sitter_javascript()))
			diag_fatal("tree-sitter cannot load the JavaScript grammar (ABI mismatch)");
	}
	return esp__parser;
}

/* What the walks below ask of a node's type, worked out once per grammar symbol from its name
 * (the walks visit every node of every expression: string compares per node were a tenth of
 * the front end). */
enum {
	ESP_C_WRAPPER = 1,      /* not a nesting level of its own (esp__wrappers) */
	ESP_C_BLOCK = 2,        /* statement_block */
	ESP_C_PAREN = 4,        /* parenthesized_expression */
	ESP_C_BLOCK_HOLDER = 8, /* a block directly inside is a level (esp__block_holders) */
	ESP_C_COND_HOLDER = 16, /* its parenthesised condition is not (esp__cond_holders) */
	ESP_C_UNSUPPORTED = 32, /* with_statement, jsx_* */
	ESP_C_ARGUMENTS = 64,
	ESP_C_COMMA = 128,      /* ',' */
	ESP_C_ARG_PUNCT = 256,  /* '(', ')', comment: neither argument nor separator */
	ESP_C_KNOWN = 512,      /* the entry has been worked out */
};
static uint16_t *esp__cls;
static uint32_t esp__ncls;

static bool esp__is_one_of(const char *ty, const char *const *v, size_t n);
static unsigned esp__class_of(const char *ty);

static unsigned esp__class(TSNode n)
{
	TSSymbol sym = ts_node_symbol(n);
	if (!esp__cls) {
		esp__ncls = ts_language_symbol_count(tree_sitter_javascript());
		/* for the process's life (not xcalloc: the fuzz harness frees those per input) */
		esp__cls = calloc(esp__ncls ? esp__ncls : 1, sizeof(*esp__cls));
		if (!esp__cls)
			diag_fatal("out of memory");
	}
	if (sym >= esp__ncls)
		return esp__class_of(ts_node_type(n));
	if (!esp__cls[sym])
		esp__cls[sym] = (uint16_t)(esp__class_of(ts_node_type(n)) | ESP_C_KNOWN);
	return esp__cls[sym];
}

static bool esp__is_error(TSNode n)
{
	return ts_node_is_missing(n) || !strcmp(ts_node_type(n), "ERROR");
}

/* The first ERROR or MISSING node in document order, or a null node. */
static TSNode esp__first_error(TSNode n)
{
	if (esp__is_error(n))
		return n;
	uint32_t k = ts_node_child_count(n);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_child(n, i);
		if (ts_node_has_error(c) || ts_node_is_missing(c)) {
			TSNode e = esp__first_error(c);
			if (!ts_node_is_null(e))
				return e;
		}
	}
	return (TSNode){ 0 };
}

static TSNode esp__first_leaf(TSNode n)
{
	while (ts_node_child_count(n))
		n = ts_node_child(n, 0);
	return n;
}

/* Reports the syntax error `e` of a tree parsed from t (shift: bytes added in front of t->s).
 * `what` names the text: "'cond' expression", "<script>". */
static void esp__syntax_error(const SrcText *t, TSNode e, uint32_t shift, const char *what)
{
	uint32_t start = ts_node_start_byte(e);
	size_t off = start >= shift ? start - shift : 0;
	Loc at = srctext_loc(t, off);
	if (ts_node_is_missing(e)) {
		const char *ty = ts_node_type(e);
		if (!strcmp(ty, "identifier") || !strcmp(ty, "property_identifier"))
			diag_error(at, "syntax error in %s: expected an expression", what);
		else
			diag_error(at, "syntax error in %s: missing '%s'", what, ty);
		return;
	}
	/* Name what was not expected: the first token or small construct in the ERROR node. */
	TSNode leaf = ts_node_child_count(e) ? ts_node_child(e, 0) : e;
	if (ts_node_end_byte(leaf) - ts_node_start_byte(leaf) > 24)
		leaf = esp__first_leaf(e);
	uint32_t a = ts_node_start_byte(leaf), b = ts_node_end_byte(leaf);
	a = a >= shift ? a - shift : 0;
	b = b >= shift ? b - shift : 0;
	if (b > t->len)
		b = (uint32_t)t->len;
	if (b > a && b - a <= 24 && !memchr(t->s + a, '\n', b - a)) {
		at = srctext_loc(t, a);
		diag_error(at, "syntax error in %s: unexpected '%.*s'", what, (int)(b - a), t->s + a);
	} else {
		diag_error(at, "syntax error in %s", what);
	}
}

/* Constructs ECMA-327 (and this compiler) leave out; and what tree-sitter accepts but ES3 does
 * not. They are found by the walk that checks the nesting depth (esp__check, with a cursor),
 * not by a walk of their own (which, with ts_node_child counting from the first child each
 * time, was quadratic in the width of a node: a script's statements), and reported, the first
 * in document order, only when the text has no syntax error. */
typedef struct EspBad {
	const char *msg;       /* NULL: none found */
	uint32_t at;           /* byte offset in the parsed text */
} EspBad;

/* The node at the cursor, of class cls: when it is unsupported, what is wrong and where. For
 * the arguments of a call, the cursor visits the children and comes back. */
static void esp__unsupported(TSTreeCursor *cur, TSNode n, unsigned cls, EspBad *bad)
{
	if (cls & ESP_C_UNSUPPORTED) {
		bad->at = ts_node_start_byte(n);
		/* tree-sitter-javascript also parses JSX: `<div/>` where an expression starts. */
		bad->msg = !strcmp(ts_node_type(n), "with_statement")
			   ? "'with' is not supported (ECMA-327 compact profile)"
			   : "syntax error: unexpected '<' (JSX is not ECMAScript)";
		return;
	}
	if (!(cls & ESP_C_ARGUMENTS) || !ts_tree_cursor_goto_first_child(cur))
		return;
	/* tree-sitter takes f(1,,2); ECMAScript does not. */
	bool after_sep = true;
	do {
		TSNode c = ts_tree_cursor_current_node(cur);
		unsigned cc = esp__class(c);
		if (cc & ESP_C_COMMA) {
			if (after_sep) {
				bad->at = ts_node_start_byte(c);
				bad->msg = "syntax error: empty argument";
				break;
			}
			after_sep = true;
		} else if (!(cc & ESP_C_ARG_PUNCT)) {
			after_sep = false;
		}
	} while (ts_tree_cursor_goto_next_sibling(cur));
	ts_tree_cursor_goto_parent(cur);
}

/* Section - Nesting depth */

/* How deep constructs may nest in one expression or script. The stages after parsing (the
 * checks below, js.c) recurse over the syntax tree, and the C they generate nests if / else
 * blocks as deep as the conditionals, which gcc takes a few seconds to compile at 1,000 levels:
 * so the depth is refused here, by a walk that does not recurse, before anything else walks
 * the tree. Real code stays far below (a few tens of levels). */
enum { ESP_MAX_DEPTH = 1000 };

static bool esp__is_one_of(const char *ty, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ty, v[i]))
			return true;
	return false;
}

/* Nodes that are not a level of their own: the parts of a construct that is counted already
 * (a call's arguments, a function's parameters, an object's pairs, a switch's cases) and the
 * simple statements, which hold expressions but no other statement. */
static const char *const esp__wrappers[] = {
	"program", "arguments", "formal_parameters", "pair", "expression_statement",
	"return_statement", "throw_statement", "variable_declaration", "lexical_declaration",
	"variable_declarator", "else_clause", "switch_body", "switch_case", "switch_default",
	"catch_clause", "finally_clause",
};
/* A block is a level only on its own (`{ { … } }`), not as the body of a function or
 * statement; */
static const char *const esp__block_holders[] = {
	"program", "statement_block", "switch_case", "switch_default",
};
/* the parenthesis around a statement's condition belongs to the statement. */
static const char *const esp__cond_holders[] = {
	"if_statement", "while_statement", "do_statement", "switch_statement",
};
#define ESP__N(v) (sizeof(v) / sizeof((v)[0]))

static unsigned esp__class_of(const char *ty)
{
	unsigned c = 0;
	if (esp__is_one_of(ty, esp__wrappers, ESP__N(esp__wrappers)))
		c |= ESP_C_WRAPPER;
	if (!strcmp(ty, "statement_block"))
		c |= ESP_C_BLOCK;
	if (!strcmp(ty, "parenthesized_expression"))
		c |= ESP_C_PAREN;
	if (esp__is_one_of(ty, esp__block_holders, ESP__N(esp__block_holders)))
		c |= ESP_C_BLOCK_HOLDER;
	if (esp__is_one_of(ty, esp__cond_holders, ESP__N(esp__cond_holders)))
		c |= ESP_C_COND_HOLDER;
	if (!strcmp(ty, "with_statement") || !strncmp(ty, "jsx_", 4))
		c |= ESP_C_UNSUPPORTED;
	if (!strcmp(ty, "arguments"))
		c |= ESP_C_ARGUMENTS;
	if (!strcmp(ty, ","))
		c |= ESP_C_COMMA;
	if (!strcmp(ty, "(") || !strcmp(ty, ")") || !strcmp(ty, "comment"))
		c |= ESP_C_ARG_PUNCT;
	return c;
}

/* parent: the class of the parent node, or -1 at the root */
static bool esp__is_level(TSNode n, unsigned cls, int parent)
{
	if ((cls & ESP_C_WRAPPER) || !ts_node_is_named(n) || !ts_node_named_child_count(n))
		return false;
	if (cls & ESP_C_BLOCK)
		return parent >= 0 && (parent & ESP_C_BLOCK_HOLDER);
	if (cls & ESP_C_PAREN)
		return parent < 0 || !(parent & ESP_C_COND_HOLDER);
	return true;
}

/* A level is a named node that holds another named node, less the exceptions above. Reports
 * the first node deeper than ESP_MAX_DEPTH and returns false. `base` is the depth of the root
 * (-1 when the root's first level is the parenthesis esp__expr adds). The same walk finds the
 * first unsupported construct (*bad, not reported). */
static bool esp__check(const SrcText *t, TSTree *tree, uint32_t shift, int base, const char *what,
		       EspBad *bad)
{
	TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(tree));
	/* per tree level: the depth in levels and the node's class */
	int *depth = NULL;
	unsigned *type = NULL;
	size_t cap = 0, lvl = 0;
	bool ok = true;
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		if (lvl + 1 >= cap) {
			cap = cap ? 2 * cap : 256;
			depth = realloc(depth, cap * sizeof(*depth));
			type = realloc(type, cap * sizeof(*type));
			if (!depth || !type)
				diag_fatal("out of memory");
		}
		unsigned cls = esp__class(n);
		int d = lvl ? depth[lvl - 1] : base;
		if (esp__is_level(n, cls, lvl ? (int)type[lvl - 1] : -1))
			d++;
		depth[lvl] = d;
		type[lvl] = cls;
		if (d > ESP_MAX_DEPTH) {
			uint32_t start = ts_node_start_byte(n);
			diag_error(srctext_loc(t, start >= shift ? start - shift : 0),
			           "%s nested too deeply (limit %d)", what, ESP_MAX_DEPTH);
			ok = false;
			break;
		}
		if (!bad->msg)
			esp__unsupported(&cur, n, cls, bad);
		if (ts_tree_cursor_goto_first_child(&cur)) {
			lvl++;
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&cur)) {
			if (!ts_tree_cursor_goto_parent(&cur))
				goto done;
			lvl--;
		}
	}
done:
	free(depth);
	free(type);
	ts_tree_cursor_delete(&cur);
	return ok;
}

/* Reports what esp__check found unsupported, if anything: false then. */
static bool esp__supported(const SrcText *t, const EspBad *bad, uint32_t shift)
{
	if (!bad->msg)
		return true;
	diag_error(srctext_loc(t, bad->at - shift), "%s", bad->msg);
	return false;
}

/* Section - Expressions */

static bool esp__space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

/* An LHS is a reference: x, x.y, x[e], and chains of them. */
static bool esp__is_ref(TSNode n)
{
	const char *ty = ts_node_type(n);
	if (!strcmp(ty, "identifier"))
		return true;
	if (!strcmp(ty, "member_expression") || !strcmp(ty, "subscript_expression")) {
		TSNode obj = ts_node_child_by_field_name(n, "object", 6);
		return !ts_node_is_null(obj) && esp__is_ref(obj);
	}
	return false;
}

/* When the wrapped parse failed: was the text statements rather than one expression? */
static bool esp__statements(const SrcText *t, const char *what)
{
	TSTree *tree = ts_parser_parse_string(esp__get_parser(), NULL, t->s, (uint32_t)t->len);
	if (!tree)
		return false;
	TSNode root = ts_tree_root_node(tree);
	bool stmts = false;
	if (!ts_node_has_error(root)) {
		uint32_t k = ts_node_named_child_count(root), nst = 0;
		TSNode bad = { 0 };
		for (uint32_t i = 0; i < k; i++) {
			TSNode c = ts_node_named_child(root, i);
			if (!strcmp(ts_node_type(c), "comment"))
				continue;
			if (nst++ == 1 || strcmp(ts_node_type(c), "expression_statement"))
				if (ts_node_is_null(bad))
					bad = c;
		}
		if (!ts_node_is_null(bad)) {
			diag_error(srctext_loc(t, ts_node_start_byte(bad)),
			           "%s must be a single ECMAScript expression, not statements", what);
			stmts = true;
		}
	}
	ts_tree_delete(tree);
	return stmts;
}

/* After an expression that does not parse: a URI ("tel:+1407…"), a CSS2 time ("45s") or plain
 * words ("hello world") were surely meant as strings. The note shows the attribute rewritten. */
static void esp__quote_hint(Node *n, Attr *a)
{
	const char *s = a->value.s;
	size_t len = a->value.len, i = 0;
	if (strpbrk(s, "'\"`&<\t\r\n"))
		return;
	while (i < len && isalpha((unsigned char)s[i]))
		i++;
	bool uri = i > 0 && i < len && s[i] == ':' && !strchr(s, ' ');
	for (i = 0; i < len && isdigit((unsigned char)s[i]); i++)
		;
	bool time = i > 0 && (!strcmp(s + i, "s") || !strcmp(s + i, "ms"));
	bool words = strchr(s, ' ') != NULL;
	for (i = 0; i < len && words; i++)
		words = isalnum((unsigned char)s[i]) || strchr(" .,!?-", s[i]);
	if (time)
		diag_note(a->value.loc, "a CSS2 time is a string: write %s=\"'%s'\"", a->name, s);
	else if (uri || words)
		diag_note(a->value.loc, "'%s' of <%s> is an ECMAScript expression; for this text itself, "
		          "quote it: %s=\"'%s'\"", a->name, n->tag, a->name, s);
}

static void esp__expr(Node *n, Attr *a, int kind)
{
	const SrcText *t = &a->value;
	char *what = xprintf("'%s' expression", a->name);
	if (esp__space(t->s, t->len)) {
		diag_error(t->loc, "'%s' of <%s> is empty: expected an ECMAScript expression", a->name, n->tag);
		return;
	}
	char *buf = xprintf("(%s\n)", t->s);
	uint32_t blen = (uint32_t)(t->len + 3);
	TSTree *tree = ts_parser_parse_string(esp__get_parser(), NULL, buf, blen);
	if (!tree)
		diag_fatal("tree-sitter failed to parse an expression");
	EspBad bad = {0};
	if (!esp__check(t, tree, 1, -1, what, &bad)) {
		ts_tree_delete(tree);
		return;
	}
	TSNode root = ts_tree_root_node(tree);
	if (ts_node_has_error(root)) {
		if (!esp__statements(t, what))
			esp__syntax_error(t, esp__first_error(root), 1, what);
		if (kind == CX_AK_EXPR)
			esp__quote_hint(n, a);
		ts_tree_delete(tree);
		return;
	}
	/* One expression statement holding the parenthesised whole: "a) (b" parses too, as a call. */
	TSNode st = ts_node_named_child(root, 0), pe = { 0 };
	if (ts_node_named_child_count(root) == 1 && !strcmp(ts_node_type(st), "expression_statement"))
		pe = ts_node_named_child(st, 0);
	if (ts_node_is_null(pe) || strcmp(ts_node_type(pe), "parenthesized_expression") ||
	    ts_node_start_byte(pe) != 0 || ts_node_end_byte(pe) != blen) {
		diag_error(t->loc, "%s must be a single ECMAScript expression", what);
		ts_tree_delete(tree);
		return;
	}
	/* (all of the tree is in pe now: what was found is in it) */
	if (!esp__supported(t, &bad, 1)) {
		ts_tree_delete(tree);
		return;
	}
	/* Delete the '(' so that offsets index t->s (see the top of the file). */
	TSInputEdit ed = { 0, 1, 0, { 0, 0 }, { 0, 1 }, { 0, 0 } };
	ts_tree_edit(tree, &ed);
	root = ts_tree_root_node(tree);
	pe = ts_node_named_child(ts_node_named_child(root, 0), 0);
	TSNode x = { 0 };
	uint32_t k = ts_node_named_child_count(pe);
	for (uint32_t i = 0; i < k && ts_node_is_null(x); i++)
		if (strcmp(ts_node_type(ts_node_named_child(pe, i)), "comment"))
			x = ts_node_named_child(pe, i);
	if (ts_node_is_null(x)) {
		diag_error(t->loc, "'%s' of <%s> is empty: expected an ECMAScript expression", a->name, n->tag);
		ts_tree_delete(tree);
		return;
	}
	if (kind == CX_AK_LHS && !esp__is_ref(x)) {
		diag_error(srctext_loc(t, ts_node_start_byte(x)),
		           "'%s' of <%s> must name a variable (x, x.y or x[i]), not '%s'", a->name, n->tag, t->s);
		ts_tree_delete(tree);
		return;
	}
	a->tree = tree;
	a->expr = x;
}

/* Section - Namelists */

static bool esp__ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || (c & 0x80);
}

static bool esp__ident_char(char c)
{
	return esp__ident_start(c) || (c >= '0' && c <= '9');
}

/* name(.name)* */
static bool esp__dotted(const char *s, size_t n)
{
	bool start = true;
	for (size_t i = 0; i < n; i++) {
		if (start) {
			if (!esp__ident_start(s[i]))
				return false;
			start = false;
		} else if (s[i] == '.') {
			start = true;
		} else if (!esp__ident_char(s[i])) {
			return false;
		}
	}
	return !start;
}

static void esp__namelist(Node *n, Attr *a)
{
	const SrcText *t = &a->value;
	int cap = 0;
	for (size_t i = 0; i < t->len;) {
		while (i < t->len && strchr(" \t\r\n", t->s[i]))
			i++;
		if (i >= t->len)
			break;
		size_t j = i;
		while (j < t->len && !strchr(" \t\r\n", t->s[j]))
			j++;
		if (!esp__dotted(t->s + i, j - i)) {
			diag_error(srctext_loc(t, i), "'%.*s' in the '%s' of <%s> is not a variable name",
			           (int)(j - i), t->s + i, a->name, n->tag);
		} else {
			if (a->nnames == cap) {
				cap = cap ? cap * 2 : 4;
				char **nn = xcalloc((size_t)cap, sizeof(char *));
				Loc *nl = xcalloc((size_t)cap, sizeof(Loc));
				if (a->nnames) {
					memcpy(nn, a->names, (size_t)a->nnames * sizeof(char *));
					memcpy(nl, a->name_locs, (size_t)a->nnames * sizeof(Loc));
				}
				a->names = nn;
				a->name_locs = nl;
			}
			a->names[a->nnames] = xstrndup(t->s + i, j - i);
			a->name_locs[a->nnames++] = srctext_loc(t, i);
		}
		i = j;
	}
	if (esp__space(t->s, t->len))
		diag_warn(W_EMPTY, a->value.loc, "empty '%s' in <%s>", a->name, n->tag);
}

/* Section - Scripts */

static void esp__script(Node *n)
{
	const SrcText *t = &n->text;
	TSTree *tree = ts_parser_parse_string(esp__get_parser(), NULL, t->s, (uint32_t)t->len);
	if (!tree)
		diag_fatal("tree-sitter failed to parse a script");
	EspBad bad = {0};
	if (!esp__check(t, tree, 0, 0, "<script>", &bad)) {
		ts_tree_delete(tree);
		return;
	}
	TSNode root = ts_tree_root_node(tree);
	if (ts_node_has_error(root)) {
		esp__syntax_error(t, esp__first_error(root), 0, "<script>");
		ts_tree_delete(tree);
		return;
	}
	if (!esp__supported(t, &bad, 0)) {
		ts_tree_delete(tree);
		return;
	}
	n->script = tree;
}

/* Section - The walk */

static void esp__node(Node *n)
{
	for (; n; n = n->next) {
		/* Foreign elements and <metadata> hold no CCXML. */
		if (n->elem < 0 || n->elem == CX_E_metadata)
			continue;
		const cx_elem_info *ei = elem_info(n->elem);
		for (int i = 0; i < n->nattrs; i++) {
			Attr *a = &n->attrs[i];
			if (a->id < 0 || a->id >= ei->nattrs)
				continue;
			int kind = ei->attrs[a->id].kind;
			if (kind == CX_AK_EXPR || kind == CX_AK_LHS)
				esp__expr(n, a, kind);
			else if (kind == CX_AK_NAMELIST || kind == CX_AK_NAMEVALS)
				esp__namelist(n, a);
		}
		if (n->elem == CX_E_script && n->has_text)
			esp__script(n);
		esp__node(n->kids);
	}
}

void esparse_doc(Doc *doc)
{
	if (doc && doc->root)
		esp__node(doc->root);
}

/* Section - For other dialects (vxml_check.c): one attribute or one script at a time */

void esparse_attr(Node *n, Attr *a, int kind)
{
	if (kind == CX_AK_EXPR || kind == CX_AK_LHS)
		esp__expr(n, a, kind);
	else if (kind == CX_AK_NAMELIST || kind == CX_AK_NAMEVALS)
		esp__namelist(n, a);
}

void esparse_script(Node *n)
{
	if (n->has_text)
		esp__script(n);
}

/* Section - Before a document comes (a compile server's spare child) */

void esparse_warm(void)
{
	static const char text[] = "(a.b(1, 'c') + [d][0] && f(function () { return this; })\n)";
	TSTree *tree = ts_parser_parse_string(esp__get_parser(), NULL, text, sizeof(text) - 1);
	EspBad bad = {0};
	SrcText t = {.s = text + 1, .len = sizeof(text) - 4};

	if (!tree)
		return;
	(void)esp__check(&t, tree, 1, -1, "", &bad);  /* its classes of nodes */
	ts_tree_delete(tree);
}

/* The text of an attribute whose expression is one string literal ("'ringing'" -> "ringing"),
 * or NULL (another expression, or a literal with escapes). */
const char *attr_string(const Attr *a)
{
	if (!a || !a->tree || strcmp(ts_node_type(a->expr), "string"))
		return NULL;
	uint32_t s = ts_node_start_byte(a->expr), e = ts_node_end_byte(a->expr);
	if (e < s + 2 || e > a->value.len || memchr(a->value.s + s, '\\', e - s))
		return NULL;
	return xstrndup(a->value.s + s + 1, e - s - 2);
}
