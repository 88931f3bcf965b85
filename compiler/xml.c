/*
 * xml.c — the .ccxml file -> Node tree, with exact line:col for everything a diagnostic can
 * point at.
 *
 * libxml2 checks well-formedness and resolves namespaces, but it only knows line numbers. So the
 * raw bytes are scanned a second time here (xml__scan): every start tag, in document order, with
 * the offsets of its '<', of each attribute name and of each value. Start tags come out of both in
 * the same (pre-)order, so the i-th libxml2 element is the i-th raw tag. Attribute values and text
 * are decoded again from the raw bytes, which gives for each decoded byte the raw byte it came
 * from (SrcText.raw). Our decoding is compared with libxml2's; if they ever differ (a DTD entity,
 * a non-UTF-8 encoding) we use libxml2's text and locations degrade to the element's line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "compiler.h"

/* Section - Line tables: byte offset -> line:col */

typedef struct XLines {
	const Source *src;
	uint32_t *start; /* offset of the first byte of each line */
	int n;
} XLines;

static XLines *xml__tabs;
static int xml__ntabs;

static const XLines *xml__lines(const Source *src)
{
	for (int i = 0; i < xml__ntabs; i++)
		if (xml__tabs[i].src == src)
			return &xml__tabs[i];
	int n = 1;
	for (size_t i = 0; i < src->len; i++)
		n += src->text[i] == '\n';
	XLines *nt = xcalloc((size_t)xml__ntabs + 1, sizeof(*nt));
	if (xml__ntabs)
		memcpy(nt, xml__tabs, (size_t)xml__ntabs * sizeof(*nt));
	xml__tabs = nt;
	XLines *t = &xml__tabs[xml__ntabs++];
	t->src = src;
	t->start = xcalloc((size_t)n, sizeof(uint32_t));
	t->n = 1;
	for (size_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			t->start[t->n++] = (uint32_t)(i + 1);
	return t;
}

static Loc xml__loc(const Source *src, size_t off)
{
	const XLines *t = xml__lines(src);
	if (off > src->len)
		off = src->len;
	int lo = 0, hi = t->n - 1;
	while (lo < hi) { /* last line starting at or before off */
		int mid = (lo + hi + 1) / 2;
		if (t->start[mid] <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (Loc){ src, lo + 1, (int)(off - t->start[lo]) + 1 };
}

/* Offset of line:col in src (col clamped to the line). */
static size_t xml__off(const Source *src, int line, int col)
{
	const XLines *t = xml__lines(src);
	if (line < 1)
		line = 1;
	if (line > t->n)
		line = t->n;
	size_t off = t->start[line - 1] + (size_t)(col > 0 ? col - 1 : 0);
	size_t end = line < t->n ? t->start[line] - 1 : src->len;
	return off < end ? off : end;
}

Loc srctext_loc(const SrcText *t, size_t offset)
{
	if (offset > t->len)
		offset = t->len;
	if (t->raw && t->loc.src)
		return xml__loc(t->loc.src, t->raw[offset]);
	/* The decoded text is the raw text from loc on: count lines in it. */
	Loc l = t->loc;
	for (size_t i = 0; i < offset; i++) {
		if (t->s[i] == '\n') {
			l.line++;
			l.col = 1;
		} else {
			l.col++;
		}
	}
	return l;
}

/* Section - Reading files */

static int xml__read(const char *path, Source *src)
{
	bool in = !strcmp(path, "-"); /* standard input */
	FILE *f = in ? stdin : fopen(path, "rb");
	if (!f)
		return errno;
	size_t cap = 8192, len = 0;
	char *buf = xcalloc(cap, 1);
	for (;;) {
		if (cap - len < 2) {
			char *nb = xcalloc(cap * 2, 1);
			memcpy(nb, buf, len);
			free(buf);
			buf = nb;
			cap *= 2;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	int err = ferror(f) ? EIO : 0;
	if (!in)
		fclose(f);
	if (err)
		return err;
	buf[len] = '\0';
	dep_add(in ? NULL : path);
	src->path = in ? "<stdin>" : path;
	src->text = buf;
	src->len = len;
	return 0;
}

/* Section - libxml2's errors
 *
 * libxml2 reports through a callback; we keep the warnings before the first error and that first
 * error (what follows a fatal error is noise such as "Premature end of data"). */

typedef struct XErr {
	int level, code, line, col, int1;
	char *msg, *s1, *s2;
} XErr;

static XErr xml__errs[16];
static int xml__nerrs;
static bool xml__had_error;

static void xml__on_error(void *arg, xmlErrorPtr e)
{
	if (xml__had_error || xml__nerrs == (int)(sizeof(xml__errs) / sizeof(xml__errs[0])))
		return;
	if (e->level >= XML_ERR_ERROR)
		xml__had_error = true;
	XErr *x = &xml__errs[xml__nerrs++];
	x->level = e->level;
	x->code = e->code;
	x->line = e->line;
	x->col = e->int2;
	x->int1 = e->int1;
	x->msg = xstrdup(e->message ? e->message : "unknown XML error");
	size_t n = strlen(x->msg);
	while (n && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
		x->msg[--n] = '\0';
	x->s1 = e->str1 ? xstrdup(e->str1) : NULL;
	x->s2 = e->str2 ? xstrdup(e->str2) : NULL;
}

/* libxml2 counts columns in characters, we count bytes. */
static Loc xml__char_loc(const Source *src, int line, int col)
{
	size_t off = xml__off(src, line, 1);
	for (int c = 1; c < col && off < src->len && src->text[off] != '\n'; off++)
		if ((((unsigned char)src->text[off + 1]) & 0xC0) != 0x80)
			c++;
	return xml__loc(src, off);
}

/* Last occurrence of needle on `line` before byte column col (or 0). */
static Loc xml__find_back(const Source *src, Loc at, const char *needle)
{
	size_t lo = xml__off(src, at.line, 1), off = xml__off(src, at.line, at.col);
	size_t n = strlen(needle);
	for (size_t i = off + 1; i-- > lo;)
		if (i + n <= src->len && !memcmp(src->text + i, needle, n))
			return xml__loc(src, i);
	return at;
}

/* "<name> opened here", at the start tag libxml2 says is on `line`. */
static void xml__opened_note(const Source *src, const char *name, int line)
{
	if (!name || line <= 0)
		return;
	Loc eol = { src, line, 1 << 30 };
	Loc ol = xml__find_back(src, eol, xprintf("<%s", name));
	if (ol.col != eol.col)
		diag_note(ol, "<%s> opened here", name);
}

static void xml__report(const Source *src)
{
	for (int i = 0; i < xml__nerrs; i++) {
		XErr *e = &xml__errs[i];
		Loc at = e->line > 0 ? xml__char_loc(src, e->line, e->col) : (Loc){ src, 0, 0 };
		if (e->level == XML_ERR_WARNING) {
			diag_warn(W_XML, at, "XML: %s", e->msg);
			continue;
		}
		switch (e->code) {
		case XML_ERR_TAG_NAME_MISMATCH:
			at = xml__find_back(src, at, "</");
			diag_error(at, "closing tag </%s> does not match <%s>", e->s2 ? e->s2 : "?",
			           e->s1 ? e->s1 : "?");
			xml__opened_note(src, e->s1, e->int1);
			break;
		case XML_ERR_ATTRIBUTE_REDEFINED:
			if (e->s1)
				at = xml__find_back(src, at, xprintf(" %s", e->s1));
			if (at.col > 0)
				at.col++;
			diag_error(at, "duplicate attribute '%s'", e->s1 ? e->s1 : "?");
			break;
		case XML_ERR_UNDECLARED_ENTITY:
		case XML_WAR_UNDECLARED_ENTITY:
			at = xml__find_back(src, at, "&");
			diag_error(at, "unknown entity '&%s;' (XML predefines only &amp; &lt; &gt; &quot; &apos;)",
			           e->s1 ? e->s1 : "?");
			break;
		case XML_NS_ERR_UNDEFINED_NAMESPACE:
			at = xml__find_back(src, at, "<");
			diag_error(at, "namespace prefix '%s' is not declared (add xmlns:%s=\"...\")",
			           e->s1 ? e->s1 : "?", e->s1 ? e->s1 : "?");
			break;
		case XML_ERR_DOCUMENT_END:
			diag_error(at, "extra content after the root element: a document has one <ccxml>");
			break;
		case XML_ERR_TAG_NOT_FINISHED:
			diag_error(at, "unexpected end of file: <%s> is not closed", e->s1 ? e->s1 : "?");
			xml__opened_note(src, e->s1, e->int1);
			break;
		case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
		case XML_ERR_ATTRIBUTE_NOT_STARTED:
			diag_error(at, "attribute value must be quoted with \" or '");
			break;
		case XML_ERR_HYPHEN_IN_COMMENT:
			diag_error(at, "'--' is not allowed inside an XML comment");
			break;
		case XML_ERR_INTERNAL_ERROR:
			if (!strstr(e->msg, "Excessive depth")) {
				diag_error(at, "malformed XML: %s", e->msg);
				break;
			}
			/* libxml2's own limit (xmlParserMaxDepth), reported after the start tag
			 * that goes past it: point at that tag */
			if (at.col > 1)
				at.col--;
			at = xml__find_back(src, at, "<");
			diag_error(at, "elements nested too deeply (limit %d)", e->int1);
			break;
		case XML_ERR_LT_IN_ATTRIBUTE:
			diag_error(at, "'<' is not allowed in an attribute value: write &lt;");
			break;
		case XML_ERR_NAME_REQUIRED:
		case XML_ERR_ENTITYREF_SEMICOL_MISSING:
			if (strstr(e->msg, "EntityRef")) {
				/* "a && b" in an attribute: libxml2 read '&' as the start of an entity */
				diag_error(at, "'&' starts an XML entity: write '&amp;' ('&&' as '&amp;&amp;', "
				           "'<' as '&lt;'), or move the code into a <script> with <![CDATA[ ]]>");
				break;
			}
			diag_error(at, "malformed XML: %s", e->msg);
			break;
		default:
			diag_error(at, "malformed XML: %s", e->msg);
			break;
		}
	}
}

/* Section - The raw scan of start tags */

typedef struct XRawAttr {
	const char *name;  /* qname, not terminated */
	size_t nlen;
	size_t name_off, val_off, val_end; /* the value is [val_off, val_end) */
} XRawAttr;

typedef struct XRawTag {
	const char *name;
	size_t nlen;
	size_t lt;         /* offset of '<' */
	size_t content;    /* offset after '>' */
	bool empty;        /* <x/> */
	XRawAttr *attrs;
	int nattrs;
} XRawTag;

typedef struct XScan {
	const Source *src;
	XRawTag *tags;
	int ntags, cap;
} XScan;

static bool xml__namech(char c)
{
	return c && !strchr(" \t\r\n/>=<\"'", c);
}

static bool xml__starts(const Source *s, size_t i, const char *lit)
{
	size_t n = strlen(lit);
	return i + n <= s->len && !memcmp(s->text + i, lit, n);
}

/* Offset just after the first `lit` at or after i (s->len if none). */
static size_t xml__skip_past(const Source *s, size_t i, const char *lit)
{
	size_t n = strlen(lit);
	for (; i + n <= s->len; i++)
		if (!memcmp(s->text + i, lit, n))
			return i + n;
	return s->len;
}

static size_t xml__skip_doctype(const Source *s, size_t i)
{
	int depth = 0;
	char q = 0;
	for (; i < s->len; i++) {
		char c = s->text[i];
		if (q) {
			if (c == q)
				q = 0;
		} else if (xml__starts(s, i, "<!--")) {
			i = xml__skip_past(s, i, "-->") - 1;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']') {
			depth--;
		} else if (c == '>' && depth <= 0) {
			return i + 1;
		}
	}
	return s->len;
}

/* Scans the start tag at s->text[i] == '<'; returns the offset after it. */
static size_t xml__scan_tag(XScan *sc, size_t i)
{
	const Source *s = sc->src;
	const char *t = s->text;
	if (sc->ntags == sc->cap) {
		int ncap = sc->cap ? sc->cap * 2 : 64;
		XRawTag *nt = xcalloc((size_t)ncap, sizeof(*nt));
		if (sc->ntags)
			memcpy(nt, sc->tags, (size_t)sc->ntags * sizeof(*nt));
		sc->tags = nt;
		sc->cap = ncap;
	}
	XRawTag *tag = &sc->tags[sc->ntags++];
	tag->lt = i++;
	tag->name = t + i;
	while (i < s->len && xml__namech(t[i]))
		i++;
	tag->nlen = (size_t)(t + i - tag->name);
	int acap = 0;
	for (;;) {
		while (i < s->len && strchr(" \t\r\n", t[i]))
			i++;
		if (i >= s->len)
			return i;
		if (t[i] == '>') {
			tag->content = i + 1;
			return i + 1;
		}
		if (t[i] == '/') {
			tag->empty = true;
			i = xml__skip_past(s, i, ">");
			tag->content = i;
			return i;
		}
		size_t n0 = i;
		while (i < s->len && xml__namech(t[i]))
			i++;
		if (i == n0) /* not well formed; libxml2 has said so */
			return i + 1;
		if (tag->nattrs == acap) {
			acap = acap ? acap * 2 : 8;
			XRawAttr *na = xcalloc((size_t)acap, sizeof(*na));
			if (tag->nattrs)
				memcpy(na, tag->attrs, (size_t)tag->nattrs * sizeof(*na));
			tag->attrs = na;
		}
		XRawAttr *a = &tag->attrs[tag->nattrs++];
		a->name = t + n0;
		a->nlen = i - n0;
		a->name_off = n0;
		while (i < s->len && t[i] != '"' && t[i] != '\'')
			i++;
		if (i >= s->len)
			return i;
		char q = t[i++];
		a->val_off = i;
		while (i < s->len && t[i] != q)
			i++;
		a->val_end = i;
		if (i < s->len)
			i++;
	}
}

static void xml__scan(XScan *sc)
{
	const Source *s = sc->src;
	for (size_t i = 0; i < s->len;) {
		if (s->text[i] != '<') {
			i++;
		} else if (xml__starts(s, i, "<!--")) {
			i = xml__skip_past(s, i, "-->");
		} else if (xml__starts(s, i, "<![CDATA[")) {
			i = xml__skip_past(s, i, "]]>");
		} else if (xml__starts(s, i, "<!")) {
			i = xml__skip_doctype(s, i);
		} else if (xml__starts(s, i, "<?")) {
			i = xml__skip_past(s, i, "?>");
		} else if (xml__starts(s, i, "</")) {
			i = xml__skip_past(s, i, ">");
		} else {
			i = xml__scan_tag(sc, i);
		}
	}
}

/* Section - Decoding raw text with its offset map */

typedef struct XBuf {
	char *s;
	uint32_t *raw;
	size_t len, cap;
} XBuf;

static void xml__put(XBuf *b, char c, size_t raw)
{
	if (b->len + 2 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 64;
		char *ns = xcalloc(ncap, 1);
		uint32_t *nr = xcalloc(ncap, sizeof(uint32_t));
		if (b->len) {
			memcpy(ns, b->s, b->len);
			memcpy(nr, b->raw, b->len * sizeof(uint32_t));
		}
		b->s = ns;
		b->raw = nr;
		b->cap = ncap;
	}
	b->raw[b->len] = (uint32_t)raw;
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static void xml__put_utf8(XBuf *b, unsigned long cp, size_t raw)
{
	if (cp < 0x80) {
		xml__put(b, (char)cp, raw);
	} else if (cp < 0x800) {
		xml__put(b, (char)(0xC0 | (cp >> 6)), raw);
		xml__put(b, (char)(0x80 | (cp & 0x3F)), raw);
	} else if (cp < 0x10000) {
		xml__put(b, (char)(0xE0 | (cp >> 12)), raw);
		xml__put(b, (char)(0x80 | ((cp >> 6) & 0x3F)), raw);
		xml__put(b, (char)(0x80 | (cp & 0x3F)), raw);
	} else {
		xml__put(b, (char)(0xF0 | (cp >> 18)), raw);
		xml__put(b, (char)(0x80 | ((cp >> 12) & 0x3F)), raw);
		xml__put(b, (char)(0x80 | ((cp >> 6) & 0x3F)), raw);
		xml__put(b, (char)(0x80 | (cp & 0x3F)), raw);
	}
}

/* Decodes the reference at t[i] == '&'; returns the offset after it, or 0 for an entity we do
 * not know (then our decoding cannot match libxml2's). */
static size_t xml__ref(XBuf *b, const Source *s, size_t i)
{
	static const struct { const char *name; char c; } pre[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
		if (xml__starts(s, i, pre[k].name)) {
			xml__put(b, pre[k].c, i);
			return i + strlen(pre[k].name);
		}
	if (!xml__starts(s, i, "&#"))
		return 0;
	size_t j = i + 2;
	int base = 10;
	if (j < s->len && s->text[j] == 'x') {
		base = 16;
		j++;
	}
	char *end;
	unsigned long cp = strtoul(s->text + j, &end, base);
	if (*end != ';')
		return 0;
	xml__put_utf8(b, cp, i);
	return (size_t)(end - s->text) + 1;
}

/* An attribute value: references replaced, and white space normalised as XML says (each of
 * \t \n \r, and \r\n, becomes one space). */
static bool xml__decode_attr(XBuf *b, const Source *s, size_t from, size_t to)
{
	for (size_t i = from; i < to;) {
		char c = s->text[i];
		if (c == '&') {
			size_t n = xml__ref(b, s, i);
			if (!n)
				return false;
			i = n;
		} else if (c == '\r' && i + 1 < to && s->text[i + 1] == '\n') {
			xml__put(b, ' ', i);
			i += 2;
		} else {
			xml__put(b, (c == '\t' || c == '\n' || c == '\r') ? ' ' : c, i);
			i++;
		}
	}
	xml__put(b, '\0', to); /* the end maps to the closing quote */
	b->len--;
	return true;
}

/* The text directly inside the element whose content starts at `from`: character data and CDATA
 * sections at depth 0, comments and PIs skipped, nested elements skipped, \r\n and \r -> \n. */
static bool xml__decode_content(XBuf *b, const Source *s, size_t from)
{
	int depth = 0;
	size_t i = from;
	while (i < s->len) {
		char c = s->text[i];
		if (xml__starts(s, i, "<!--")) {
			i = xml__skip_past(s, i, "-->");
		} else if (xml__starts(s, i, "<?")) {
			i = xml__skip_past(s, i, "?>");
		} else if (xml__starts(s, i, "<![CDATA[")) {
			size_t end = xml__skip_past(s, i, "]]>");
			for (i += 9; i + 3 < end; i++) {
				if (depth)
					continue;
				if (s->text[i] == '\r') {
					xml__put(b, '\n', i);
					if (i + 1 < end && s->text[i + 1] == '\n')
						i++;
				} else {
					xml__put(b, s->text[i], i);
				}
			}
			i = end;
		} else if (xml__starts(s, i, "</")) {
			if (depth == 0)
				break;
			depth--;
			i = xml__skip_past(s, i, ">");
		} else if (c == '<') {
			size_t j = i;
			XScan one = { s, NULL, 0, 0 };
			j = xml__scan_tag(&one, i);
			if (!one.tags[0].empty)
				depth++;
			i = j;
		} else if (depth) {
			i++;
		} else if (c == '&') {
			size_t n = xml__ref(b, s, i);
			if (!n)
				return false;
			i = n;
		} else if (c == '\r') {
			xml__put(b, '\n', i);
			i += (i + 1 < s->len && s->text[i + 1] == '\n') ? 2 : 1;
		} else {
			xml__put(b, c, i);
			i++;
		}
	}
	xml__put(b, '\0', i);
	b->len--;
	return true;
}

/* Section - Building the tree */

typedef struct XLoad {
	Doc *doc;
	XScan scan;
	int next;       /* next raw tag to match */
	bool exact;     /* raw tags match libxml2's elements */
} XLoad;

static bool xml__is_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

/* The qname of a libxml2 element or attribute, as written. */
static char *xml__qname(xmlNsPtr ns, const xmlChar *name)
{
	if (ns && ns->prefix)
		return xprintf("%s:%s", (const char *)ns->prefix, (const char *)name);
	return xstrdup((const char *)name);
}

/* Raw tags and libxml2 elements, both in document order, must agree name for name. */
static bool xml__check_order(XLoad *ld, xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (ld->next >= ld->scan.ntags)
			return false;
		XRawTag *t = &ld->scan.tags[ld->next++];
		char *q = xml__qname(n->ns, n->name);
		if (strlen(q) != t->nlen || memcmp(q, t->name, t->nlen))
			return false;
		if (!xml__check_order(ld, n->children))
			return false;
	}
	return true;
}

static void xml__fill_value(XLoad *ld, Attr *a, XRawAttr *ra, xmlAttrPtr xa, Loc elem_loc)
{
	const Source *src = &ld->doc->src;
	xmlChar *lib = xmlNodeGetContent((xmlNodePtr)xa);
	const char *libs = lib ? (const char *)lib : "";
	if (ra) {
		XBuf b = { 0 };
		if (xml__decode_attr(&b, src, ra->val_off, ra->val_end) &&
		    !strcmp(b.s ? b.s : "", libs)) {
			a->value.s = b.s ? b.s : "";
			a->value.len = b.len;
			a->value.raw = b.raw;
			if (!b.raw) { /* empty value: a map of one entry (the end) */
				uint32_t *r = xcalloc(1, sizeof(uint32_t));
				r[0] = (uint32_t)ra->val_off;
				a->value.raw = r;
			}
			a->value.loc = xml__loc(src, ra->val_off);
			xmlFree(lib);
			return;
		}
	}
	a->value.s = xstrdup(libs);
	a->value.len = strlen(libs);
	a->value.loc = ra ? xml__loc(src, ra->val_off) : elem_loc;
	a->value.raw = NULL;
	xmlFree(lib);
}

static Node *xml__build(XLoad *ld, xmlNodePtr x, Node *parent);

static void xml__kids(XLoad *ld, Node *n, xmlNodePtr x, XRawTag *rt)
{
	Node **tail = &n->kids;
	bool text = false;
	int np = 0;
	for (xmlNodePtr c = x->children; c; c = c->next)
		np++;
	n->pieces = xcalloc((size_t)np + 1, sizeof(*n->pieces));
	for (xmlNodePtr c = x->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			*tail = xml__build(ld, c, n);
			n->pieces[n->npieces++].elem = *tail;
			tail = &(*tail)->next;
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE ||
		            c->type == XML_ENTITY_REF_NODE)) {
			text = true;
			xmlChar *t = xmlNodeGetContent(c);
			struct Piece *last = n->npieces ? &n->pieces[n->npieces - 1] : NULL;
			if (last && !last->elem) /* runs of text, CDATA and entities: one piece */
				last->text = xprintf("%s%s", last->text, t ? (const char *)t : "");
			else
				n->pieces[n->npieces++].text = xstrdup(t ? (const char *)t : "");
			xmlFree(t);
		}
		/* Entities from outside the document are never loaded (XML_PARSE_NONET, no NOENT): say
		 * so rather than silently compile an empty text. */
		if (c->type == XML_ENTITY_REF_NODE) {
			xmlEntityPtr ent = xmlGetDocEntity(x->doc, c->name);
			if (!ent || ent->etype != XML_INTERNAL_GENERAL_ENTITY)
				diag_error(n->loc, "<%s> uses the external entity '&%s;': entities from outside the "
				           "document are not read", n->tag, (const char *)c->name);
		}
	}
	if (!text)
		return;
	/* libxml2's view of the direct text, to compare ours with. */
	size_t cap = 64, len = 0;
	char *lib = xcalloc(cap, 1);
	for (xmlNodePtr c = x->children; c; c = c->next) {
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE &&
		    c->type != XML_ENTITY_REF_NODE)
			continue;
		xmlChar *t = xmlNodeGetContent(c);
		size_t tl = t ? strlen((const char *)t) : 0;
		if (len + tl + 1 > cap) {
			while (len + tl + 1 > cap)
				cap *= 2;
			char *nl = xcalloc(cap, 1);
			memcpy(nl, lib, len);
			lib = nl;
		}
		if (tl)
			memcpy(lib + len, t, tl);
		len += tl;
		xmlFree(t);
	}
	if (xml__is_space(lib, len))
		return;
	n->has_text = true;
	if (rt) {
		XBuf b = { 0 };
		if (xml__decode_content(&b, &ld->doc->src, rt->content) && b.s && !strcmp(b.s, lib)) {
			n->text = (SrcText){ b.s, b.len, xml__loc(&ld->doc->src, b.raw[0]), b.raw };
			return;
		}
	}
	n->text = (SrcText){ lib, len, n->loc, NULL };
}

static Node *xml__build(XLoad *ld, xmlNodePtr x, Node *parent)
{
	const Source *src = &ld->doc->src;
	Node *n = xcalloc(1, sizeof(*n));
	n->parent = parent;
	n->tag = xstrdup((const char *)x->name);
	n->ns = x->ns && x->ns->href ? xstrdup((const char *)x->ns->href) : NULL;
	if (!n->ns || !strcmp(n->ns, CX_NS_CCXML_URI))
		n->elem = elem_find(n->tag, CX_NS_CCXML);
	else if (!strcmp(n->ns, CX_NS_VOXEO_URI))
		n->elem = elem_find(n->tag, CX_NS_VOXEO);
	else
		n->elem = -1;
	for (xmlNsPtr d = x->nsDef; d; d = d->next)
		if (d->href && d->prefix && !ld->doc->voxeo_prefix &&
		    !strcmp((const char *)d->href, CX_NS_VOXEO_URI))
			ld->doc->voxeo_prefix = xstrdup((const char *)d->prefix);

	XRawTag *rt = ld->exact ? &ld->scan.tags[ld->next++] : NULL;
	if (rt) {
		n->loc = xml__loc(src, rt->lt);
	} else {
		/* Degraded: libxml2's line, and the tag searched on it. */
		long line = xmlGetLineNo(x);
		Loc l = { src, line > 0 ? (int)line : 1, 1 };
		char *pat = xprintf("<%s", xml__qname(x->ns, x->name));
		l.col = 1 << 30;
		l = xml__find_back(src, l, pat);
		if (l.col == 1 << 30)
			l.col = 1;
		n->loc = l;
	}

	int na = 0;
	for (xmlAttrPtr a = x->properties; a; a = a->next)
		na++;
	n->attrs = xcalloc((size_t)na, sizeof(Attr));
	for (xmlAttrPtr xa = x->properties; xa; xa = xa->next) {
		Attr *a = &n->attrs[n->nattrs++];
		bool xmlns = xa->ns && xa->ns->prefix && !strcmp((const char *)xa->ns->prefix, "xml");
		a->name = xmlns ? xprintf("xml:%s", (const char *)xa->name) : xstrdup((const char *)xa->name);
		a->ns = xa->ns && xa->ns->href ? xstrdup((const char *)xa->ns->href) : NULL;
		if (xmlns)
			a->id = elem_attr_find(n->elem, a->name);
		else if (!a->ns || !strcmp(a->ns, CX_NS_CCXML_URI) ||
		         (n->elem >= 0 && elem_info(n->elem)->ns == CX_NS_VOXEO && !strcmp(a->ns, CX_NS_VOXEO_URI)))
			a->id = elem_attr_find(n->elem, a->name);
		else
			a->id = -1;
		XRawAttr *ra = NULL;
		if (rt) {
			char *q = xml__qname(xa->ns, xa->name);
			for (int i = 0; i < rt->nattrs; i++)
				if (rt->attrs[i].nlen == strlen(q) && !memcmp(rt->attrs[i].name, q, rt->attrs[i].nlen))
					ra = &rt->attrs[i];
		}
		a->loc = ra ? xml__loc(src, ra->name_off) : n->loc;
		xml__fill_value(ld, a, ra, xa, n->loc);
	}
	xml__kids(ld, n, x, rt);
	return n;
}

Attr *node_attr(Node *n, const char *name)
{
	for (int i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name) &&
		    (!n->attrs[i].ns || !strcmp(n->attrs[i].ns, CX_NS_CCXML_URI) ||
		     !strncmp(name, "xml:", 4) ||
		     (n->elem >= 0 && elem_info(n->elem)->ns == CX_NS_VOXEO)))
			return &n->attrs[i];
	return NULL;
}

/* Section - <script src="file.js">: compiled in, as if it were inline */

static bool xml__has_scheme(const char *s)
{
	const char *c = strchr(s, ':');
	if (!c || c == s)
		return false;
	for (const char *p = s; p < c; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-", *p))
			return false;
	return true;
}

const char **xml_script_files;
int xml_nscript_files;
bool xml_fetched;

static void xml__load_script(Doc *doc, Node *n, int *k)
{
	Attr *src = node_attr(n, "src");
	if (!src)
		return;
	if (n->has_text) {
		diag_error(n->loc, "<script> has both a 'src' attribute and inline text; use one of them");
		return;
	}
	const char *v = src->value.s;
	bool fetched = xml_nscript_files || xml_fetched;
	if (fetched) {   /* fetched by the running program (--script-file) */
		if (*k >= xml_nscript_files) {
			diag_error(src->value.loc, "script '%s' was not fetched", v);
			return;
		}
		v = xml_script_files[(*k)++];
	}
	if (!strncmp(v, "file://", 7))
		v += 7;
	if (!*v) {
		diag_error(src->value.loc, "empty 'src' in <script>");
		return;
	}
	/* a relative src of a compiled document is relative to the xml:base in effect (a fetched
	 * document's scripts were resolved by the running program) */
	const char *base = fetched ? NULL : node_base(n);
	if (base && !xml__has_scheme(v) && v[0] != '/') {
		const char *cut = strrchr(base, '/'); /* the base's directory, "" without a '/' */
		if (cut)
			v = xprintf("%.*s%s", (int)(cut + 1 - base), base, v);
		if (!strncmp(v, "file://", 7))
			v += 7;
	}
	if (xml__has_scheme(v)) {
		diag_error(src->value.loc,
		           "cannot compile script '%s': only local files can be read at compile time%s",
		           v, base ? " (the src is relative to the xml:base in effect)" : "");
		return;
	}
	/* Relative to the directory of the .ccxml, as given on the command line (a --script-file
	 * path: to the current directory). */
	const char *slash = strrchr(doc->src.path, '/');
	char *path = (v[0] == '/' || !slash || fetched) ? xstrdup(v)
	                                     : xprintf("%.*s/%s", (int)(slash - doc->src.path), doc->src.path, v);
	Source *s = xcalloc(1, sizeof(*s));
	int err = xml__read(path, s);
	if (err) {
		diag_error(src->value.loc, "cannot read script '%s': %s", path, strerror(err));
		return;
	}
	if (memchr(s->text, '\0', s->len)) {
		diag_error(src->value.loc, "script '%s' contains a NUL byte", path);
		return;
	}
	n->text = (SrcText){ s->text, s->len, { s, 1, 1 }, NULL };
	n->has_text = true;
}

/* A <script> whose src is compiled in: CCXML's, and in a <vxml> document VoiceXML's (its
 * namespace or none). runtime/docscript.c counts the same ones for --script-file. */
static bool xml__is_script(const Node *n, bool vx)
{
	return n->elem == CX_E_script ||
	       (vx && !strcmp(n->tag, "script") && (!n->ns || !strcmp(n->ns, VXML_NS_URI)));
}

static void xml__scripts(Doc *doc, Node *n, bool vx, int *k)
{
	for (; n; n = n->next) {
		if (xml__is_script(n, vx))
			xml__load_script(doc, n, k);
		xml__scripts(doc, n->kids, vx, k);
	}
}

/* Section - Non-breaking spaces
 *
 * Documents copied from web pages (the Voxeo tutorials) are indented with U+00A0, which XML does
 * not take as white space, even between attributes. We read such a space as two ASCII spaces
 * (same byte count, so every offset stays true) where it can only be indentation: inside a tag
 * outside quotes, and in text between tags that is nothing but white space. Returns the offset of
 * the first one replaced, or SIZE_MAX. */
static bool xml__nbsp_at(const char *t, size_t i, size_t len)
{
	return i + 1 < len && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA0;
}

static size_t xml__nbsp(Source *src)
{
	char *t = (char *)src->text;
	size_t len = src->len, first = SIZE_MAX;
	for (size_t i = 0; i < len;) {
		if (t[i] == '<') {
			const char *close = NULL;
			if (!strncmp(t + i, "<!--", 4))
				close = "-->";
			else if (!strncmp(t + i, "<![CDATA[", 9))
				close = "]]>";
			else if (!strncmp(t + i, "<?", 2))
				close = "?>";
			if (close) {
				const char *e = strstr(t + i, close);
				i = e ? (size_t)(e - t) + strlen(close) : len;
				continue;
			}
			/* A tag: replace outside quotes. */
			char q = 0;
			for (i++; i < len && (q || t[i] != '>'); i++) {
				if (q) {
					if (t[i] == q)
						q = 0;
				} else if (t[i] == '"' || t[i] == '\'') {
					q = t[i];
				} else if (xml__nbsp_at(t, i, len)) {
					if (first == SIZE_MAX)
						first = i;
					t[i] = t[i + 1] = ' ';
				}
			}
			i++; /* past the '>' */
			continue;
		}
		/* Text up to the next '<': replace only if it is all white space. */
		size_t j = i;
		bool blank = true;
		while (j < len && t[j] != '<') {
			if (xml__nbsp_at(t, j, len))
				j += 2;
			else if (strchr(" \t\r\n", t[j]))
				j++;
			else {
				blank = false;
				j++;
			}
		}
		if (blank)
			for (size_t k = i; k < j; k++)
				if (xml__nbsp_at(t, k, j)) {
					if (first == SIZE_MAX)
						first = k;
					t[k] = t[k + 1] = ' ';
				}
		i = j;
	}
	return first;
}

/* Section - Loading */

/* True if the text holds no element: only white space, comments, PIs, a doctype. */
static bool xml__no_element(const Source *s)
{
	XScan sc = { s, NULL, 0, 0 };
	xml__scan(&sc);
	return sc.ntags == 0;
}

Doc *xml_load(const char *path)
{
	Doc *doc = xcalloc(1, sizeof(*doc));
	int err = xml__read(path, &doc->src);
	if (err) {
		diag_error((Loc){ 0 }, "cannot read '%s': %s", path, strerror(err));
		return NULL;
	}
	const Source *src = &doc->src;
	size_t nb = xml__nbsp(&doc->src);
	if (nb != SIZE_MAX)
		diag_warn(W_NBSP, xml__loc(src, nb), "non-breaking space (U+00A0) read as white space "
		             "(XML does not allow it between attributes or as indentation)");
	if (xml__no_element(src)) {
		diag_error((Loc){ src, 0, 0 }, "the document is empty: expected <ccxml version=\"1.0\">");
		return NULL;
	}
	if (src->len > INT32_MAX) {
		diag_error((Loc){ src, 0, 0 }, "file too large");
		return NULL;
	}

	/* No network, no external DTD or entities; CDATA stays CDATA; no line number cap. */
	xml__nerrs = 0;
	xml__had_error = false;
	xmlSetStructuredErrorFunc(NULL, xml__on_error);
	xmlDocPtr x = xmlReadMemory(src->text, (int)src->len, path, NULL,
	                            XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xml__report(src);
	if (!x || xml__had_error) {
		if (!xml__had_error)
			diag_error((Loc){ src, 0, 0 }, "not a well-formed XML document");
		if (x)
			xmlFreeDoc(x);
		return NULL;
	}
	xmlNodePtr root = xmlDocGetRootElement(x);
	if (!root) {
		diag_error((Loc){ src, 1, 1 }, "the document is empty: expected <ccxml version=\"1.0\">");
		xmlFreeDoc(x);
		return NULL;
	}

	XLoad ld = { .doc = doc, .scan = { src, NULL, 0, 0 } };
	xml__scan(&ld.scan);
	ld.exact = xml__check_order(&ld, root) && ld.next == ld.scan.ntags;
	ld.next = 0;
	doc->root = xml__build(&ld, root, NULL);
	xmlFreeDoc(x);
	int k = 0;
	xml__scripts(doc, doc->root, !strcmp(doc->root->tag, "vxml"), &k);
	return doc;
}
