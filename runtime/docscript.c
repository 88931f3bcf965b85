/*
 * docscript.c — what a document fetched at run time needs before it is compiled
 * (docs/fetch.md): its <script src> URIs and, in a VoiceXML document, its <grammar src> ones,
 * resolved against xml:base and the document's own URI, in document order (the order ccxmlc
 * --script-file and --grammar-file read them), and the base of its other relative URIs (the
 * root's xml:base); a VoiceXML document's application root and, once fetched, the root's
 * own scripts and grammars (ccxmlc --app-file). The body is hostile: it is parsed by libxml2 without network access or
 * entity substitution; a body libxml2 cannot parse yields no scripts nor grammars and the
 * compiler reports why. Fetched scripts are converted to UTF-8 here; grammars are XML, kept
 * as they came. A VoiceXML source's maxage, maxstale and fetchtimeout (VoiceXML 2.0 §6.1.1) are
 * the element's, else the property in force (scriptmaxage ..., fetchtimeout), in a leaf else its
 * application root's, found here since they act before the compiler runs (which checks them).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <iconv.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include "rt.h"

#define CX_DOCSCRIPT_MAX 32   /* <script src> and <grammar src> in one document */
#define CX_NS_CCXML "http://www.w3.org/2002/09/ccxml"
#define CX_NS_VXML "http://www.w3.org/2001/vxml"

static void cx_docscripts__destroy(void *arg)
{
	cx_docscripts *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++)
		mem_deref(s->v[i].url);
	mem_deref(s->base);
}

static int cx_docscript__http(const char *u)
{
	return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
}

/* A <script> the compiler reads src of (compiler/xml.c xml__is_script): CCXML's, and in a
 * <vxml> document VoiceXML's */
static int cx_docscript__is(xmlNodePtr n, int vx)
{
	return !xmlStrcmp(n->name, BAD_CAST "script") &&
	       (!n->ns || !xmlStrcmp(n->ns->href, BAD_CAST CX_NS_CCXML) ||
		(vx && !xmlStrcmp(n->ns->href, BAD_CAST CX_NS_VXML)));
}

/* Its attribute as the compiler takes it (node_attr): without a namespace, else CCXML's. A
 * src the compiler took and this did not would be read from the compiling machine's files. */
static xmlChar *cx_docscript__attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);

	return v ? v : xmlGetNsProp(n, BAD_CAST name, BAD_CAST CX_NS_CCXML);
}

/* The src of a <grammar> the compiler reads from a file (compiler/vxml_fetch.c vf__fetched
 * counts the same ones): any namespace, a src neither empty nor a bare fragment, mode absent
 * or dtmf (a voice grammar is not read); else NULL. */
static xmlChar *cx_docscript__gram(xmlNodePtr n)
{
	xmlChar *src, *mode;

	if (xmlStrcmp(n->name, BAD_CAST "grammar") || !(src = cx_docscript__attr(n, "src")))
		return NULL;
	mode = cx_docscript__attr(n, "mode");
	if (!src[0] || src[0] == '#' || (mode && xmlStrcmp(mode, BAD_CAST "dtmf"))) {
		xmlFree(src);
		src = NULL;
	}
	xmlFree(mode);
	return src;
}

/* One more source of s: url (resolved, NULL when it could not be) of src (as written, in el
 * on line) must be http(s), or file: (checked against --docroot when fetched); 0 or an errno
 * with why filled. */
static int cx_docscript__add(cx_docscripts *s, const char *url, const char *src, const char *el,
			     long line, char *why, size_t sz, cx_docsrc **dp)
{
	cx_docsrc *d;

	if (s->n >= CX_DOCSCRIPT_MAX) {
		snprintf(why, sz, "more than %d <script src> and <grammar src> (an application root "
			 "and its own count)", CX_DOCSCRIPT_MAX);
		return E2BIG;
	}
	if (!url || !(cx_docscript__http(url) || !strncasecmp(url, "file:", 5))) {
		snprintf(why, sz, "<%s> '%s' (line %ld) is not an http(s) URI", el, src, line);
		return EPROTONOSUPPORT;
	}
	d = &s->v[s->n++];
	d->maxage = d->maxstale = d->tmo = -1;
	*dp = d;
	return str_dup(&d->url, url);
}

/* Does n hold the <property>s in force for what is inside it: the document, a dialog or a form
 * item (compiler/vxml_prop.c vp__holder) */
static int cx_docscript__holder(xmlNodePtr n)
{
	static const char *const tags[] = {"vxml", "form", "menu", "block", "field", "record",
					   "transfer", "subdialog", "initial", "object"};
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (!xmlStrcmp(n->name, BAD_CAST tags[i]))
			return 1;
	return 0;
}

/* The value of the property name in force at n (VoiceXML 2.0 §6.3: the last <property> of the
 * nearest element around n that has one, as compiler/vxml_prop.c vxml_prop finds it within a
 * document), NULL when none; xmlFree it */
static xmlChar *cx_docscript__prop(xmlNodePtr n, const char *name)
{
	for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		xmlChar *found = NULL;
		xmlNodePtr k;

		if (!cx_docscript__holder(n))
			continue;
		for (k = n->children; k; k = k->next) {
			xmlChar *pn, *pv;
			if (k->type != XML_ELEMENT_NODE || xmlStrcmp(k->name, BAD_CAST "property"))
				continue;
			pn = cx_docscript__attr(k, "name");
			pv = pn && !xmlStrcmp(pn, BAD_CAST name) ? cx_docscript__attr(k, "value") : NULL;
			if (pv) {
				xmlFree(found);
				found = pv;
			}
			xmlFree(pn);
		}
		if (found)
			return found;
	}
	return NULL;
}

/* A VoiceXML <script>'s or <grammar>'s maxage|maxstale (name; NULL: <vxml>, which has none),
 * else the property prop in force (scriptmaxage, grammarmaxstale ...; VoiceXML 2.0 §6.1.1: the
 * attribute wins; whole seconds, as the compiler checks them) in ms; -1 when neither is there
 * or malformed (the compiler reports that one). */
static int64_t cx_docscript__age(xmlNodePtr n, const char *name, const char *prop)
{
	xmlChar *a = name ? cx_docscript__attr(n, name) : NULL;
	const char *p;
	int64_t v;

	if (!a)
		a = cx_docscript__prop(n, prop);
	p = (const char *)a;
	v = p && *p ? 0 : -1;
	for (; p && *p && v >= 0; p++)
		v = *p >= '0' && *p <= '9' && v <= 100000000 ? v * 10 + (*p - '0') : -1;
	xmlFree(a);
	return v < 0 || v > 100000000 ? -1 : v * 1000;
}

/* A VoiceXML <script>'s or <grammar>'s fetchtimeout, else the property in force (a CSS2 time:
 * 500ms, 2s, 1.5s) in ms; -1 when neither is there or malformed (the compiler reports that). */
static int64_t cx_docscript__tmo(xmlNodePtr n)
{
	xmlChar *a = cx_docscript__attr(n, "fetchtimeout");
	char *end = NULL;
	double v;
	int64_t ms = -1;

	if (!a)
		a = cx_docscript__prop(n, "fetchtimeout");
	v = a && *a >= '0' && *a <= '9' ? strtod((char *)a, &end) : -1;
	if (v >= 0 && v <= 86400000 && (!strcmp(end, "s") || !strcmp(end, "ms")))
		ms = (int64_t)(!strcmp(end, "ms") ? v : v * 1000);
	xmlFree(a);
	return ms;
}

/* Preorder, as the compiler numbers them; 0 or an errno with why filled. */
static int cx_docscript__walk(cx_docscripts *s, xmlDocPtr doc, xmlNodePtr n, int vx,
			      char *why, size_t sz)
{
	for (; n; n = n->next) {
		xmlChar *src, *base, *abs, *cs;
		int err = 0, gram = 0;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (cx_docscript__is(n, vx))
			src = cx_docscript__attr(n, "src");
		else if ((src = vx ? cx_docscript__gram(n) : NULL))
			gram = 1;
		if (src) {
			cx_docsrc *d;
			base = xmlNodeGetBase(doc, n);
			abs = xmlBuildURI(src, base);
			cs = xmlGetNoNsProp(n, BAD_CAST "charset");
			if (abs && gram)  /* the rule it names is the compiler's (src's fragment) */
				abs[strcspn((char *)abs, "#")] = 0;
			err = cx_docscript__add(s, (char *)abs, (char *)src,
						gram ? "grammar src" : "script src", xmlGetLineNo(n),
						why, sz, &d);
			if (!err && vx) {
				d->maxage = cx_docscript__age(n, "maxage", gram ? "grammarmaxage"
							      : "scriptmaxage");
				d->maxstale = cx_docscript__age(n, "maxstale", gram ? "grammarmaxstale"
								: "scriptmaxstale");
				d->tmo = cx_docscript__tmo(n);
			}
			if (!err) {
				d->gram = gram;
				snprintf(d->charset, sizeof(d->charset), "%s",
					 cs && !gram ? (char *)cs : "");
			}
			xmlFree(src);
			xmlFree(base);
			xmlFree(abs);
			xmlFree(cs);
			if (err)
				return err;
		}
		err = cx_docscript__walk(s, doc, n->children, vx, why, sz);
		if (err)
			return err;
	}
	return 0;
}

/* body parsed as the compiler would not be harmed by: no network, no entities (NULL: not XML,
 * which the compiler reports) */
static xmlDocPtr cx_docscript__parse(const char *url, const char *body, size_t len)
{
	return len < INT32_MAX ? xmlReadMemory(body, (int)len, url, NULL, XML_PARSE_NONET |
					       XML_PARSE_NOERROR | XML_PARSE_NOWARNING) : NULL;
}

/* <vxml application> as the compiler takes it (node_attr), NULL when root has none */
static xmlChar *cx_docscript__appattr(xmlNodePtr root)
{
	return xmlStrcmp(root->name, BAD_CAST "vxml") ? NULL : cx_docscript__attr(root, "application");
}

/* A VoiceXML document's application root (VoiceXML 2.0 §1.5.2), resolved as a <script src>
 * is, listed after its scripts and grammars (the root's own follow it, in the order ccxmlc
 * reads them after --app-file; docfetch.c fetches the root first); a document fetch of the
 * leaf's, so its document-level documentmaxage, documentmaxstale and fetchtimeout apply */
static int cx_docscript__approot(cx_docscripts *s, xmlDocPtr doc, xmlNodePtr root, char *why,
				 size_t sz)
{
	xmlChar *app = cx_docscript__appattr(root), *base, *abs;
	cx_docsrc *d;
	int err;

	if (!app)
		return 0;
	base = xmlNodeGetBase(doc, root);
	abs = xmlBuildURI(app, base);
	if (abs)  /* the root is one document whatever the fragment */
		abs[strcspn((char *)abs, "#")] = 0;
	err = cx_docscript__add(s, (char *)abs, (char *)app, "vxml application",
				xmlGetLineNo(root), why, sz, &d);
	if (!err) {
		d->app = 1;
		d->maxage = cx_docscript__age(root, NULL, "documentmaxage");
		d->maxstale = cx_docscript__age(root, NULL, "documentmaxstale");
		d->tmo = cx_docscript__tmo(root);
	}
	xmlFree(app);
	xmlFree(base);
	xmlFree(abs);
	return err;
}

int cx_docscript_scan(const char *url, const char *body, size_t len, cx_docscripts **sp,
		      char *why, size_t sz)
{
	cx_docscripts *s;
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar *base;
	int err = 0;

	s = mem_zalloc(sizeof(*s), cx_docscripts__destroy);
	if (!s)
		return ENOMEM;
	doc = cx_docscript__parse(url, body, len);
	if (doc && (root = xmlDocGetRootElement(doc))) {
		base = xmlNodeGetBase(doc, root);
		if (base && cx_docscript__http((char *)base))
			err = str_dup(&s->base, (char *)base);
		xmlFree(base);
		if (!err)
			err = cx_docscript__walk(s, doc, root,
						 !xmlStrcmp(root->name, BAD_CAST "vxml"), why, sz);
		if (!err)
			err = cx_docscript__approot(s, doc, root, why, sz);
	}
	xmlFreeDoc(doc);
	if (err) {
		mem_deref(s);
		return err;
	}
	*sp = s;
	return 0;
}

/* VoiceXML 2.0 §6.3: a property of the application root's <vxml> is in force in each leaf
 * where the leaf sets none, so a leaf's source (s's entries before the root) left with no
 * maxage, maxstale or fetchtimeout by its element and the leaf's properties takes the root's
 * scriptmaxage ... fetchtimeout (docfetch.c fetches the root before the leaf's sources). */
static void cx_docscript__inherit(cx_docscripts *s, xmlNodePtr root)
{
	int64_t age[2] = {cx_docscript__age(root, NULL, "scriptmaxage"),
			  cx_docscript__age(root, NULL, "grammarmaxage")};
	int64_t stale[2] = {cx_docscript__age(root, NULL, "scriptmaxstale"),
			    cx_docscript__age(root, NULL, "grammarmaxstale")};
	int64_t tmo = cx_docscript__tmo(root);
	size_t i;

	for (i = 0; i < s->n && !s->v[i].app; i++) {
		cx_docsrc *d = &s->v[i];
		if (d->maxage < 0)
			d->maxage = age[!!d->gram];
		if (d->maxstale < 0)
			d->maxstale = stale[!!d->gram];
		if (d->tmo < 0)
			d->tmo = tmo;
	}
}

int cx_docscript_app(cx_docscripts *s, const char *url, const char *body, size_t len, char *why,
		     size_t sz)
{
	xmlDocPtr doc = cx_docscript__parse(url, body, len);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlChar *up = root ? cx_docscript__appattr(root) : NULL;
	int err = 0;

	if (root && xmlStrcmp(root->name, BAD_CAST "vxml")) {
		snprintf(why, sz, "application root %s: not a VoiceXML document (its root is <%s>, "
			 "not <vxml>)", url, (char *)root->name);
		err = EPROTO;
	} else if (up) {  /* VoiceXML 2.0 §1.5.2: an application is a root and its leaves */
		snprintf(why, sz, "application root %s names an application root itself ('%s'): "
			 "a root has none", url, (char *)up);
		err = EPROTO;
	} else if (root) {
		char w[400];
		cx_docscript__inherit(s, root);
		err = cx_docscript__walk(s, doc, root, 1, w, sizeof(w));
		if (err)
			snprintf(why, sz, "application root %s: %s", url, w);
	}
	xmlFree(up);
	xmlFreeDoc(doc);
	return err;
}

/* The charset of a Content-Type ("text/javascript; charset=latin1", or quoted:
 * charset="latin1", RFC 9110 5.6.6), or "" */
static void cx_docscript__ctcharset(const char *ct, char *out, size_t sz)
{
	const char *p;

	out[0] = 0;
	for (p = ct; p && *p; p++)
		if (!strncasecmp(p, "charset=", 8)) {
			p += 8 + (p[8] == '"');
			snprintf(out, sz, "%.*s", (int)strcspn(p, "; \t\""), p);
			return;
		}
}

/* SRGS XML (VoiceXML 2.0 §3.1.1.2, SRGS §4.1): application/srgs+xml, or what a server that
 * does not know the type says of XML or of any file; not ABNF (application/srgs), JSGF, ... */
static int cx_docscript__srgsxml(const char *ctype)
{
	static const char *const ok[] = {"application/srgs+xml", "application/grammar+xml",
					 "application/xml", "text/xml", "application/octet-stream",
					 "text/plain"};
	size_t i, n = ctype ? strcspn(ctype, "; \t") : 0;

	for (i = 0; n && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && !strncasecmp(ctype, ok[i], n))
			return 1;
	return !n;
}

int cx_docscript_grammar(const char *ctype, const char *in, size_t len, struct mbuf **outp,
			 char *why, size_t sz)
{
	struct mbuf *mb;

	if (!cx_docscript__srgsxml(ctype)) {
		snprintf(why, sz, "its type '%.*s' is not an SRGS XML grammar (application/srgs+xml)",
			 (int)strcspn(ctype, "; \t"), ctype);
		return EPROTO;
	}
	mb = mbuf_alloc(len + 1);
	if (!mb || mbuf_write_mem(mb, (const uint8_t *)in, len)) {
		mem_deref(mb);
		snprintf(why, sz, "%s", strerror(ENOMEM));
		return ENOMEM;
	}
	*outp = mb;
	return 0;
}

int cx_docscript_utf8(const char *charset, const char *ctype, const char *in, size_t len,
		      struct mbuf **outp, char *why, size_t sz)
{
	char cs[64];
	struct mbuf *mb;
	iconv_t cd;
	char *ip = (char *)in, *op;
	size_t il = len, ol, cap = 4 * len + 16;

	if (charset && *charset)
		snprintf(cs, sizeof(cs), "%s", charset);
	else
		cx_docscript__ctcharset(ctype, cs, sizeof(cs));
	if (!cs[0])
		snprintf(cs, sizeof(cs), "UTF-8");
	if (memchr(in, 0, len) && strncasecmp(cs, "UTF-16", 6)) {
		snprintf(why, sz, "the script contains a NUL byte");
		return EPROTO;
	}
	cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1) {
		snprintf(why, sz, "unknown charset '%s'", cs);
		return EINVAL;
	}
	mb = mbuf_alloc(cap);
	if (!mb) {
		iconv_close(cd);
		return ENOMEM;
	}
	op = (char *)mb->buf;
	ol = cap;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il) {
		snprintf(why, sz, "the script is not valid %s", cs);
		iconv_close(cd);
		mem_deref(mb);
		return EILSEQ;
	}
	iconv_close(cd);
	mb->end = cap - ol;
	*outp = mb;
	return 0;
}
