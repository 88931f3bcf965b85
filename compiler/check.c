/*
 * check.c — the rules of CCXML 1.0 that hold before anything runs: which elements exist, which
 * attributes they take and need, where they may stand, attributes that exclude each other, and
 * literal attributes with a fixed syntax. Everything is reported; nothing stops the walk early,
 * so one run shows all the mistakes of a document. docs/diagnostics.md lists every check.
 */
#include <string.h>
#include <strings.h>
#include <iconv.h>

#include "compiler.h"

/* Where a list of elements stands, which decides what it may hold. */
enum chk_ctx {
	CHK_TOP,    /* children of <ccxml> */
	CHK_EP,     /* children of <eventprocessor> */
	CHK_BODY,   /* children of <transition>: executable content */
	CHK_IF,     /* children of <if>: executable content, <elseif>, <else> */
	CHK_LEAF,   /* children of every other element: none */
};

typedef struct Chk {
	Doc *doc;
	const Options *opt;
	Node *eventprocessor;   /* the first one */
	bool warned_trname;     /* <transition name> warned about (once per file) */
	bool warned_senddata;   /* <send data> warned about (once per file) */
} Chk;

/* Section - Small helpers */

static bool chk__executable(int elem)
{
	switch (elem) {
	case CX_E_ccxml: case CX_E_meta: case CX_E_metadata: case CX_E_eventprocessor:
	case CX_E_transition: case CX_E_elseif: case CX_E_else:
		return false;
	default:
		return elem >= 0;
	}
}

static bool chk__ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || (c & 0x80);
}

static bool chk__ident_char(char c)
{
	return chk__ident_start(c) || (c >= '0' && c <= '9');
}

/* ECMAScript 3 reserved words and the literals that cannot be variable names. */
static bool chk__reserved(const char *s, size_t n)
{
	static const char *const words[] = {
		"break", "case", "catch", "continue", "default", "delete", "do", "else", "finally", "for",
		"function", "if", "in", "instanceof", "new", "return", "switch", "this", "throw", "try",
		"typeof", "var", "void", "while", "with", "null", "true", "false", "class", "const",
		"enum", "export", "extends", "import", "super", "debugger",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], s, n))
			return true;
	return false;
}

static bool chk__ident(const char *s, size_t n)
{
	if (!n || !chk__ident_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!chk__ident_char(s[i]))
			return false;
	return !chk__reserved(s, n);
}

static Attr *chk__attr(Node *n, int id)
{
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].id == id)
			return &n->attrs[i];
	return NULL;
}

static bool chk__foreign_ns(const char *ns)
{
	return ns && strcmp(ns, CX_NS_CCXML_URI) && strcmp(ns, "http://www.w3.org/XML/1998/namespace");
}

/* A name as written at `at`, prefix included ("x:trace"), read back from the source; `at` is an
 * attribute name or the '<' of a start tag. */
static const char *chk__written(Loc at, const char *fallback)
{
	const Source *src = at.src;
	if (!src || at.line <= 0)
		return fallback;
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < at.line && p < end; p++)
		if (*p == '\n')
			l++;
	p += at.col - 1;
	if (p < end && *p == '<')
		p++;
	const char *q = p;
	while (q < end && !strchr(" \t\r\n/>=", *q))
		q++;
	return q > p ? xstrndup(p, (size_t)(q - p)) : fallback;
}

static const char *chk__qname(Node *n)
{
	return chk__written(n->loc, n->tag);
}

/* Section - Attributes */

static void chk__unknown_attr(Chk *c, Node *n, Attr *a)
{
	const cx_elem_info *ei = elem_info(n->elem);
	if (chk__foreign_ns(a->ns) && !(ei->ns == CX_NS_VOXEO && !strcmp(a->ns, CX_NS_VOXEO_URI))) {
		if (c->opt && c->opt->allow_unknown_ext)
			diag_warn(W_IGNORED_EXTENSION, a->loc, "ignoring attribute '%s' of unknown namespace '%s'",
			             chk__written(a->loc, a->name), a->ns);
		else
			diag_error(a->loc, "attribute '%s' of unknown namespace '%s' on <%s> "
			           "(-Wno-unknown-extension ignores it)", chk__written(a->loc, a->name), a->ns, n->tag);
		return;
	}
	if (!strcmp(a->name, "xml:base"))
		return;   /* XML Base: on any element, read at run time (docs/fetch.md) */
	const char *best = NULL;
	int bd = 3;
	for (int i = 0; i < ei->nattrs; i++) {
		int d = edit_distance(a->name, ei->attrs[i].name);
		if (d < bd) {
			bd = d;
			best = ei->attrs[i].name;
		}
	}
	if (best)
		diag_error(a->loc, "<%s> has no attribute '%s'; did you mean '%s'?", n->tag, a->name, best);
	else
		diag_error(a->loc, "<%s> has no attribute '%s'", n->tag, a->name);
}

/* <send data="'user.x'"> (CCXML drafts, in about half the documents in the wild): the
 * event name, so it is read as 'name' with a warning once per file (docs/decisions.md). */
static void chk__send_data(Chk *c, Node *n)
{
	Attr *data = NULL;
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].id < 0 && !n->attrs[i].ns && !strcmp(n->attrs[i].name, "data"))
			data = &n->attrs[i];
	if (!data)
		return;
	if (chk__attr(n, CX_A_send_name)) {
		diag_error(data->loc, "<send> has both 'name' and 'data' (the drafts' name of 'name'): "
		           "keep 'name'");
		data->id = -2; /* reported; not an unknown attribute */
		return;
	}
	data->id = CX_A_send_name;
	if (c->warned_senddata)
		return;
	c->warned_senddata = true;
	diag_warn(W_DRAFT, data->loc, "<send data> is from the CCXML drafts: read as 'name', the event's "
	             "name in CCXML 1.0 (warned once per file)");
}

static void chk__attrs(Chk *c, Node *n)
{
	if (n->elem == CX_E_send)
		chk__send_data(c, n);
	const cx_elem_info *ei = elem_info(n->elem);
	for (int i = 0; i < n->nattrs; i++) {
		Attr *a = &n->attrs[i];
		if (a->id == -2)
			continue;
		if (a->id < 0) {
			chk__unknown_attr(c, n, a);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (n->attrs[j].id == a->id)
				diag_error(a->loc, "duplicate attribute '%s' in <%s>", a->name, n->tag);
	}
	for (int k = 0; k < ei->nattrs; k++)
		if ((ei->attrs[k].flags & CX_AF_REQ) && !chk__attr(n, k))
			diag_error(n->loc, "<%s> needs %s '%s' attribute", n->tag,
			           strchr("aeiou", ei->attrs[k].name[0]) ? "an" : "a", ei->attrs[k].name);
}

/* Two attributes that exclude each other. */
static void chk__exclusive(Node *n, int a, int b)
{
	Attr *x = chk__attr(n, a), *y = chk__attr(n, b);
	if (x && y)
		diag_error(y->loc, "<%s> cannot have both '%s' and '%s'", n->tag, x->name, y->name);
}

/* Section - Literal attributes */

/* A <transition event> pattern: `*`, or names separated by dots, optionally ending in `*` or `.*`. */
static void chk__event_pattern(Attr *a)
{
	const char *s = a->value.s;
	size_t n = a->value.len, i = 0;
	if (!n) {
		diag_error(a->value.loc, "empty 'event' pattern: leave the attribute out to match any event");
		return;
	}
	bool seg_start = true;
	for (; i < n; i++) {
		char ch = s[i];
		if (ch == '*') {
			if (i + 1 == n)
				return;
			break;
		}
		if (ch == '.') {
			if (seg_start)
				break;
			seg_start = true;
			continue;
		}
		if (!chk__ident_char(ch) && ch != '-')
			break;
		seg_start = false;
	}
	if (i == n && !seg_start)
		return;
	diag_error(srctext_loc(&a->value, i < n ? i : n),
	           "bad 'event' pattern '%s': use names separated by dots, with an optional trailing '*' "
	           "(\"connection.*\", \"*\")", s);
}

/* A name that must be one identifier: reports why it is not one. */
static void chk__plain_name(Node *n, Attr *a)
{
	const char *s = a->value.s;
	size_t len = a->value.len;
	if (chk__ident(s, len))
		return;
	if (len && chk__ident_start(s[0]) && chk__reserved(s, len))
		diag_error(a->value.loc, "'%s' is a reserved word and cannot name a variable", s);
	else
		diag_error(a->value.loc, "'%s' is not a valid variable name for <%s>", s, n->tag);
}

/* <var name>: x, application.x, or x qualified with the scope the <var> declares in (ccxml.x
 * at the top level, transition.x inside a <transition>). */
static void chk__var_name(Node *n, Attr *a)
{
	const char *s = a->value.s, *dot = memchr(s, '.', a->value.len);
	size_t len = a->value.len;
	if (!dot) {
		chk__plain_name(n, a);
		return;
	}
	const char *here = "ccxml";
	for (Node *p = n->parent; p; p = p->parent)
		if (p->elem == CX_E_transition)
			here = "transition";
	size_t q = (size_t)(dot - s), rest = len - q - 1;
	if (!chk__ident(dot + 1, rest) || !chk__ident(s, q)) {
		diag_error(a->value.loc, "'%s' is not a valid variable name for <%s>", s, n->tag);
		return;
	}
	if ((q == 11 && !memcmp(s, "application", 11)) || (q == strlen(here) && !memcmp(s, here, q)))
		return;
	if ((q == 5 && !memcmp(s, "ccxml", 5)) || (q == 10 && !memcmp(s, "transition", 10)))
		diag_error(a->value.loc, "'%s' names the %.*s scope, but this <var> declares in the %s "
		           "scope: write '%s' or '%s.%s'%s", s, (int)q, s, here, dot + 1, here, dot + 1,
		           here[0] == 't' ? ", or declare it at the top level of <ccxml>" : "");
	else
		diag_error(a->value.loc, "'%s' is not a valid variable name for <%s>: only 'application.', "
		           "'ccxml.' and 'transition.' qualify a name", s, n->tag);
}

/* <transition name="evt"> (CCXML drafts, kept by the platforms that ran most documents in the
 * wild): evt is one more name of the event in the transition; warned once per file. */
static void chk__transition_name(Chk *c, Node *n, Attr *a)
{
	chk__plain_name(n, a);
	if (c->warned_trname)
		return;
	c->warned_trname = true;
	diag_warn(W_DRAFT, a->loc, "<transition name=\"%s\"> is from the CCXML drafts: '%s' is bound to the "
	             "event, which CCXML 1.0 calls event$ (warned once per file)", a->value.s, a->value.s);
}

/* Section - Elements */

static void chk__node(Chk *c, Node *n, enum chk_ctx ctx);

static void chk__kids(Chk *c, Node *n, enum chk_ctx ctx)
{
	for (Node *k = n->kids; k; k = k->next)
		chk__node(c, k, ctx);
}

/* <elseif>/<else> order inside one <if>. */
static void chk__if_branches(Node *n)
{
	Node *els = NULL;
	for (Node *k = n->kids; k; k = k->next) {
		if (k->elem == CX_E_else) {
			if (els) {
				diag_error(k->loc, "<if> has more than one <else>");
				diag_note(els->loc, "the first <else> is here");
			} else {
				els = k;
			}
		} else if (k->elem == CX_E_elseif && els) {
			diag_error(k->loc, "<elseif> cannot follow <else> in the same <if>");
			diag_note(els->loc, "the <else> is here");
		}
	}
}

/* May `n` stand where ctx says? Reports and returns false if not. */
static bool chk__placement(Chk *c, Node *n, enum chk_ctx ctx, Node *parent)
{
	int e = n->elem;
	switch (ctx) {
	case CHK_TOP:
		if (e == CX_E_var || e == CX_E_script || e == CX_E_meta || e == CX_E_metadata)
			return true;
		if (e == CX_E_eventprocessor) {
			if (!c->eventprocessor) {
				c->eventprocessor = n;
				return true;
			}
			diag_error(n->loc, "a document has at most one <eventprocessor>");
			diag_note(c->eventprocessor->loc, "the first <eventprocessor> is here");
			return true; /* still check its contents */
		}
		break;
	case CHK_EP:
		if (e == CX_E_transition)
			return true;
		diag_error(n->loc, "<%s> cannot appear in <eventprocessor>: it holds only <transition> elements",
		           n->tag);
		return false;
	case CHK_IF:
		if (e == CX_E_elseif || e == CX_E_else)
			return true;
		/* fall through */
	case CHK_BODY:
		if (chk__executable(e))
			return true;
		break;
	case CHK_LEAF:
		diag_error(n->loc, "<%s> cannot contain elements (found <%s>)", parent->tag, n->tag);
		return false;
	}
	if (e == CX_E_transition)
		diag_error(n->loc, "<transition> must be inside <eventprocessor>");
	else if (e == CX_E_elseif || e == CX_E_else)
		diag_error(n->loc, "<%s> must be directly inside <if>", n->tag);
	else if (e == CX_E_ccxml)
		diag_error(n->loc, "<ccxml> cannot be nested");
	else if (ctx == CHK_TOP)
		diag_error(n->loc, "<%s> cannot appear at the top level of <ccxml>: executable content "
		           "belongs in a <transition>", n->tag);
	else
		diag_error(n->loc, "<%s> cannot appear inside <%s>", n->tag, parent->tag);
	return false;
}

static void chk__unknown_elem(Chk *c, Node *n)
{
	if (!chk__foreign_ns(n->ns)) {
		const char *best = NULL;
		int bd = 3;
		for (int i = 0; i < CX_E__COUNT; i++) {
			const cx_elem_info *ei = elem_info(i);
			if (ei->ns != CX_NS_CCXML)
				continue;
			int d = edit_distance(n->tag, ei->tag);
			if (d < bd) {
				bd = d;
				best = ei->tag;
			}
		}
		if (best)
			diag_error(n->loc, "unknown element <%s>; did you mean <%s>?", n->tag, best);
		else
			diag_error(n->loc, "unknown element <%s>", n->tag);
		if (elem_find(n->tag, CX_NS_VOXEO) >= 0)
			diag_note(n->loc, "<%s> is a Voxeo extension: declare xmlns:voxeo=\"%s\" and write <voxeo:%s>",
			          n->tag, CX_NS_VOXEO_URI, n->tag);
		return;
	}
	if (c->opt && c->opt->allow_unknown_ext)
		diag_warn(W_IGNORED_EXTENSION, n->loc, "ignoring unknown extension element <%s> (namespace '%s')", chk__qname(n), n->ns);
	else
		diag_error(n->loc, "unknown extension element <%s> (namespace '%s'); "
		           "-Wno-unknown-extension ignores it", chk__qname(n), n->ns);
}

static void chk__text(Node *n)
{
	if (!n->has_text || n->elem == CX_E_script || n->elem == CX_E_metadata)
		return;
	size_t i = 0;
	while (i < n->text.len && strchr(" \t\r\n", n->text.s[i]))
		i++;
	diag_error(srctext_loc(&n->text, i), "<%s> cannot contain text", n->tag);
}

static void chk__elem(Chk *c, Node *n)
{
	Attr *a;
	switch (n->elem) {
	case CX_E_ccxml:
		a = chk__attr(n, CX_A_ccxml_version);
		if (a && strcmp(a->value.s, "1.0"))
			diag_error(a->value.loc, "unsupported CCXML version '%s': expected \"1.0\"", a->value.s);
		break;
	case CX_E_meta: {
		Attr *nm = chk__attr(n, CX_A_meta_name), *he = chk__attr(n, CX_A_meta_http_equiv);
		if (nm && he)
			diag_error(he->loc, "<meta> cannot have both 'name' and 'http-equiv'");
		else if (!nm && !he)
			diag_error(n->loc, "<meta> needs a 'name' or an 'http-equiv' attribute");
		break;
	}
	case CX_E_var:
		if ((a = chk__attr(n, CX_A_var_name)))
			chk__var_name(n, a);
		break;
	case CX_E_script:
		chk__exclusive(n, CX_A_script_src, CX_A_script_fetchid);
		/* <script fetchid>: the script a <fetch type="'text/ecmascript'"> compiled at run
		 * time (runtime/exec.c); it has no text of its own */
		if ((a = chk__attr(n, CX_A_script_fetchid)) && n->has_text)
			diag_error(a->loc, "<script> has both a 'fetchid' attribute and inline text; "
				   "use one of them");
		/* a literal: a name iconv does not know can never decode the fetched script */
		if (a && (a = chk__attr(n, CX_A_script_charset))) {
			iconv_t cd = iconv_open("UTF-8", a->value.s);
			if (cd == (iconv_t)-1)
				diag_error(a->value.loc, "unknown charset '%s' (the runtime's iconv cannot "
					   "decode it)", a->value.s);
			else
				iconv_close(cd);
		}
		break;
	case CX_E_eventprocessor:
		if ((a = chk__attr(n, CX_A_eventprocessor_statevariable))) {
			if (!chk__ident(a->value.s, a->value.len)) {
				diag_error(a->value.loc, "'statevariable' must be a variable name, not '%s'", a->value.s);
				break;
			}
			bool found = false;
			for (Node *k = c->doc->root->kids; k; k = k->next) {
				Attr *nm = k->elem == CX_E_var ? chk__attr(k, CX_A_var_name) : NULL;
				const char *v = nm ? nm->value.s : "";
				if (!strncmp(v, "ccxml.", 6))
					v += 6; /* the same variable */
				if (nm && !strcmp(v, a->value.s))
					found = true;
			}
			if (!found)
				diag_error(a->value.loc, "state variable '%s' is not declared: add "
				           "<var name=\"%s\"/> at the top level of <ccxml>", a->value.s, a->value.s);
		}
		break;
	case CX_E_transition:
		if ((a = chk__attr(n, CX_A_transition_event)))
			chk__event_pattern(a);
		if ((a = chk__attr(n, CX_A_transition_name)))
			chk__transition_name(c, n, a);
		break;
	case CX_E_if:
		chk__if_branches(n);
		break;
	case CX_E_dialogstart:
		chk__exclusive(n, CX_A_dialogstart_src, CX_A_dialogstart_prepareddialogid);
		if (!chk__attr(n, CX_A_dialogstart_src) && !chk__attr(n, CX_A_dialogstart_prepareddialogid))
			diag_error(n->loc, "<dialogstart> needs a 'src' or a 'prepareddialogid' attribute");
		chk__exclusive(n, CX_A_dialogstart_connectionid, CX_A_dialogstart_conferenceid);
		break;
	case CX_E_dialogprepare:
		chk__exclusive(n, CX_A_dialogprepare_connectionid, CX_A_dialogprepare_conferenceid);
		break;
	default:
		break;
	}
}

static void chk__node(Chk *c, Node *n, enum chk_ctx ctx)
{
	if (n->elem < 0) {
		chk__unknown_elem(c, n);
		return; /* an unknown element's contents are not CCXML */
	}
	if (!chk__placement(c, n, ctx, n->parent))
		return;
	chk__attrs(c, n);
	chk__text(n);
	chk__elem(c, n);
	switch (n->elem) {
	case CX_E_metadata:
		return; /* RDF or anything else */
	case CX_E_eventprocessor:
		chk__kids(c, n, CHK_EP);
		break;
	case CX_E_transition:
		chk__kids(c, n, CHK_BODY);
		break;
	case CX_E_if:
		chk__kids(c, n, CHK_IF);
		break;
	default:
		chk__kids(c, n, CHK_LEAF);
		break;
	}
}

void check_doc(Doc *doc, const Options *opt)
{
	if (!doc || !doc->root)
		return;
	Chk c = { doc, opt, NULL, false, false };
	Node *r = doc->root;
	if (r->elem != CX_E_ccxml) {
		if (r->ns && strcmp(r->ns, CX_NS_CCXML_URI))
			diag_error(r->loc, "the root element must be <ccxml>, not <%s> of namespace '%s'", r->tag, r->ns);
		else
			diag_error(r->loc, "the root element must be <ccxml>, not <%s>", r->tag);
		return;
	}
	chk__attrs(&c, r);
	chk__text(r);
	chk__elem(&c, r);
	chk__kids(&c, r, CHK_TOP);
}
