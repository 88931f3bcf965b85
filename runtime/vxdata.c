/*
 * vxdata.c — the document a VoiceXML <data> fetched, as ECMAScript objects (docs/voicexml.md
 * "<data>", docs/decisions.md): libxml2 parses it (no network, no entity substitution, no
 * DTD loading: an external entity is never read) and each node becomes a plain object with the
 * read-only subset of DOM Level 2 Core that VoiceXML 2.1 documents use: nodeType, nodeName,
 * nodeValue, data, tagName, childNodes (an array with item()), firstChild, lastChild,
 * previousSibling, nextSibling, parentNode, documentElement, getAttribute, hasAttribute,
 * getElementsByTagName (and textContent). Bounded: CX_VXD_MAXNODES nodes.
 */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "rt.h"

enum { CX_VXD_MAXNODES = 50000 };

typedef struct cx_vxd {
	cx_ctx *X;
	cx_value fns[4];       /* getAttribute, hasAttribute, getElementsByTagName, item */
	uint32_t nodes;
} cx_vxd;

static cx_value cx_vxd__str(cx_ctx *X, const xmlChar *s)
{
	const char *c = s ? (const char *)s : "";
	return cx_str_utf8(X, c, strlen(c));
}

/* this_'s own attribute table (a hidden property) */
static cx_value cx_vxd__attrs(cx_ctx *X, cx_value this_)
{
	return this_.tag == CX_T_OBJ ? cx_get_cstr(X, this_, "__attributes") : CX_UNDEFINED;
}

static cx_value cx_vxd__getattr(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value a = cx_vxd__attrs(X, this_), v;

	if (cx_is_exc(a) || a.tag != CX_T_OBJ || argc < 1)
		return cx_is_exc(a) ? a : cx_str_utf8(X, "", 0);
	v = cx_get(X, a, argv[0]);
	return v.tag == CX_T_UNDEF ? cx_str_utf8(X, "", 0) : v;  /* DOM: "" when absent */
}

static cx_value cx_vxd__hasattr(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value a = cx_vxd__attrs(X, this_), v;

	if (cx_is_exc(a) || a.tag != CX_T_OBJ || argc < 1)
		return cx_is_exc(a) ? a : CX_FALSE;
	v = cx_get(X, a, argv[0]);
	return cx_is_exc(v) ? v : v.tag == CX_T_UNDEF ? CX_FALSE : CX_TRUE;
}

/* NodeList.item(i): the i-th node, or null */
static cx_value cx_vxd__item(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value v;

	if (argc < 1 || this_.tag != CX_T_OBJ)
		return CX_NULLV;
	v = cx_get(X, this_, argv[0]);
	return v.tag == CX_T_UNDEF ? CX_NULLV : v;
}

typedef struct cx_vxd_vec {
	cx_value *v;
	uint32_t n, cap;
} cx_vxd_vec;

static int cx_vxd__push(cx_vxd_vec *a, cx_value v)
{
	if (a->n == a->cap) {
		uint32_t cap = a->cap ? 2 * a->cap : 16;
		cx_value *nv = realloc(a->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = v;
	return 0;
}

/* The elements under node whose nodeName is name ("*": all), in document order, appended to
 * the array out (*n elements so far). out is the caller's local, an ES array and not a C vector:
 * a tagName's toString may run script, which may collect and may detach the nodes found so far
 * from the document. */
static int cx_vxd__collect(cx_ctx *X, cx_value node, const char *name, cx_value out, uint32_t *n,
			   int depth)
{
	cx_value kids = cx_get_cstr(X, node, "childNodes");
	uint32_t len = cx_arr_length(X, kids);

	if (cx_is_exc(kids) || depth > 512)
		return -1;
	for (uint32_t i = 0; i < len; i++) {
		char key[16];
		snprintf(key, sizeof(key), "%u", i);
		cx_value k = cx_get_cstr(X, kids, key), nm;
		const char *s;
		if (cx_is_exc(k))
			return -1;
		if (k.tag != CX_T_OBJ)
			continue;
		nm = cx_get_cstr(X, k, "tagName");
		if (cx_is_exc(nm))
			return -1;
		if (nm.tag == CX_T_UNDEF)
			continue;  /* a text node */
		s = cx_rt_str(X, nm);
		if (!s)
			return -1;
		if (!strcmp(name, "*") || !strcmp(name, s)) {
			if (cx_is_exc(cx_put(X, out, cx_num(*n), k)))
				return -1;
			++*n;
		}
		if (cx_vxd__collect(X, k, name, out, n, depth + 1))
			return -1;
	}
	return 0;
}

static cx_value cx_vxd__bytag(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value out, item;
	const char *name;
	uint32_t n = 0;

	if (argc < 1 || this_.tag != CX_T_OBJ)
		return cx_arr_new(X, 0, NULL);
	name = cx_rt_str(X, argv[0]);
	if (!name)
		return cx_throw_error(X, "TypeError", "getElementsByTagName: a name");
	out = cx_arr_new(X, 0, NULL);
	if (cx_is_exc(out) || cx_vxd__collect(X, this_, name, out, &n, 0))
		return cx_throw_error(X, "Error", "getElementsByTagName failed");
	item = cx_get_cstr(X, this_, "__item");
	if (cx_is_exc(item) || cx_define_cstr(X, out, "item", item, CX_PROP_DONTENUM))
		return cx_throw_error(X, "Error", "out of memory");
	return out;
}

static int cx_vxd__def(cx_ctx *X, cx_value o, const char *k, cx_value v)
{
	return cx_is_exc(v) || cx_define_cstr(X, o, k, v, 0);
}

static int cx_vxd__methods(cx_vxd *b, cx_value o)
{
	static const char *const names[] = {"getAttribute", "hasAttribute", "getElementsByTagName",
					    "__item"};
	for (int i = 0; i < 4; i++)
		if (cx_define_cstr(b->X, o, names[i], b->fns[i], CX_PROP_DONTENUM))
			return -1;
	return 0;
}

/* The object of node x (under parent), its children built first; NULL-free; -1 on error. The
 * children wait in a C vector that the collector does not see: nothing here runs script, so
 * nothing collects meanwhile. */
static int cx_vxd__node(cx_vxd *b, xmlNode *x, cx_value parent, cx_value *out)
{
	cx_ctx *X = b->X;
	cx_value o = cx_obj_new(X), kids = CX_UNDEFINED, attrs, prev = CX_NULLV, text;
	cx_vxd_vec a = {0};
	struct mbuf *tc = mbuf_alloc(64);
	int err = cx_is_exc(o) || !tc;

	if (!err && ++b->nodes > CX_VXD_MAXNODES)
		err = 1;
	if (!err && x->type != XML_ELEMENT_NODE) {  /* text, CDATA */
		text = cx_vxd__str(X, x->content);
		err = cx_vxd__def(X, o, "nodeType", cx_num(3)) || cx_vxd__def(X, o, "nodeName",
			cx_vxd__str(X, BAD_CAST "#text")) || cx_vxd__def(X, o, "nodeValue", text) ||
			cx_vxd__def(X, o, "data", text) || cx_vxd__def(X, o, "textContent", text) ||
			cx_vxd__def(X, o, "parentNode", parent) ||
			cx_vxd__def(X, o, "childNodes", cx_arr_new(X, 0, NULL));
		mem_deref(tc);
		*out = o;
		return err ? -1 : 0;
	}
	attrs = err ? CX_UNDEFINED : cx_obj_new(X);
	err = err || cx_is_exc(attrs);
	for (xmlAttr *at = err ? NULL : x->properties; at && !err; at = at->next) {
		xmlChar *v = xmlNodeListGetString(x->doc, at->children, 1);
		err = cx_vxd__def(X, attrs, (const char *)at->name, cx_vxd__str(X, v));
		xmlFree(v);
	}
	err = err || cx_vxd__def(X, o, "nodeType", cx_num(1)) ||
		cx_vxd__def(X, o, "nodeName", cx_vxd__str(X, x->name)) ||
		cx_vxd__def(X, o, "tagName", cx_vxd__str(X, x->name)) ||
		cx_vxd__def(X, o, "nodeValue", CX_NULLV) || cx_vxd__def(X, o, "parentNode", parent) ||
		cx_define_cstr(X, o, "__attributes", attrs, CX_PROP_DONTENUM) || cx_vxd__methods(b, o);
	for (xmlNode *k = err ? NULL : x->children; k && !err; k = k->next) {
		cx_value ko;
		if (k->type != XML_ELEMENT_NODE && k->type != XML_TEXT_NODE &&
		    k->type != XML_CDATA_SECTION_NODE)
			continue;  /* comments, processing instructions, entity references */
		err = cx_vxd__node(b, k, o, &ko);
		err = err || cx_vxd__push(&a, ko) ||
			cx_vxd__def(X, ko, "previousSibling", prev) ||
			(prev.tag == CX_T_OBJ && cx_vxd__def(X, prev, "nextSibling", ko));
		prev = ko;
		if (!err) {
			cx_value t = cx_get_cstr(X, ko, "textContent");
			const char *s = cx_is_exc(t) ? NULL : cx_rt_str(X, t);
			err = !s || mbuf_write_str(tc, s);
		}
	}
	if (!err && prev.tag == CX_T_OBJ)
		err = cx_vxd__def(X, prev, "nextSibling", CX_NULLV);
	if (!err) {
		kids = cx_arr_new(X, a.n, a.v);
		err = cx_is_exc(kids) || cx_define_cstr(X, kids, "item", b->fns[3], CX_PROP_DONTENUM) ||
			cx_vxd__def(X, o, "childNodes", kids) ||
			cx_vxd__def(X, o, "firstChild", a.n ? a.v[0] : CX_NULLV) ||
			cx_vxd__def(X, o, "lastChild", prev) ||
			cx_vxd__def(X, o, "textContent", cx_str_utf8(X, (char *)tc->buf, tc->end));
	}
	mem_deref(tc);
	free(a.v);
	*out = o;
	return err ? -1 : 0;
}

/* The parser's first error (the later ones follow from it). */
typedef struct cx_vxd_err {
	int line;
	char msg[200];
} cx_vxd_err;

static void cx_vxd__err(void *arg, const xmlError *e)
{
	cx_vxd_err *f = arg;

	if (f->msg[0] || !e || !e->message || e->level < XML_ERR_ERROR)
		return;
	f->line = e->line;
	snprintf(f->msg, sizeof(f->msg), "%s", e->message);
	f->msg[strcspn(f->msg, "\n")] = 0;
}

int cx_vxd_parse(cx_ctx *X, const char *url, const char *body, size_t len, cx_value *out,
		 char *why, size_t sz)
{
	static cx_cfunc *const fns[4] = {cx_vxd__getattr, cx_vxd__hasattr, cx_vxd__bytag, cx_vxd__item};
	static const char *const names[4] = {"getAttribute", "hasAttribute", "getElementsByTagName", "item"};
	cx_vxd b = {.X = X};
	cx_value el0[1];
	xmlDoc *doc;
	xmlNode *root;
	cx_value d, kids, el;
	int err = 0;

	cx_vxd_err fe = {0};

	xmlSetStructuredErrorFunc(&fe, (xmlStructuredErrorFunc)cx_vxd__err);
	doc = xmlReadMemory(body, (int)len, url, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc || fe.msg[0] || !(root = xmlDocGetRootElement(doc))) {
		snprintf(why, sz, "%s:%d: not well-formed XML: %s", url, fe.line,
			 fe.msg[0] ? fe.msg : "no root element");
		xmlFreeDoc(doc);
		return EPROTO;
	}
	for (int i = 0; i < 4 && !err; i++) {
		b.fns[i] = cx_func_new(X, fns[i], names[i], 1, NULL);
		err = cx_is_exc(b.fns[i]);
	}
	d = err ? CX_UNDEFINED : cx_obj_new(X);
	kids = CX_UNDEFINED;
	err = err || cx_is_exc(d) || cx_vxd__methods(&b, d) ||
		cx_vxd__node(&b, root, d, &el) || cx_vxd__def(X, d, "nodeType", cx_num(9)) ||
		cx_vxd__def(X, d, "nodeName", cx_vxd__str(X, BAD_CAST "#document")) ||
		cx_vxd__def(X, d, "nodeValue", CX_NULLV) || cx_vxd__def(X, d, "documentElement", el) ||
		(el0[0] = el, cx_is_exc(kids = cx_arr_new(X, 1, el0))) ||
		cx_define_cstr(X, kids, "item", b.fns[3], CX_PROP_DONTENUM) ||
		cx_vxd__def(X, d, "childNodes", kids) || cx_vxd__def(X, d, "firstChild", el);
	xmlFreeDoc(doc);
	if (err) {
		if (X->exc.tag != CX_T_UNDEF)
			cx_catch(X);
		snprintf(why, sz, "%s: %s", url, b.nodes > CX_VXD_MAXNODES ?
			 "more than 50000 nodes" : "out of memory building its objects");
		return ENOMEM;
	}
	*out = d;
	return 0;
}
