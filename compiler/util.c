/*
 * util.c — allocation helpers and the compiler's view of the element table.
 *
 * The compiler is a short-lived program: it allocates and never frees (chibicc's rule), so every
 * helper here either succeeds or ends the run with a message.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler.h"

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		diag_fatal("out of memory");
	return p;
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		diag_fatal("out of memory");
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* The conversions the compiler's own formats use (%s %.*s %c %d %ld %lld %zu %u %%), written
 * without vsnprintf, whose set-up cost more than the text of most calls (the front end
 * formats thousands of short pieces of C): the length of the result (what snprintf would
 * return; at most cap - 1 bytes and a NUL are written), or -1 at any other conversion (the
 * caller then uses vsnprintf). */
static int util__fmt(char *out, size_t cap, const char *fmt, va_list ap)
{
	size_t n = 0;
#define UTIL__PUT(ch) do { if (n + 1 < cap) out[n] = (ch); n++; } while (0)
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			UTIL__PUT(*p);
			continue;
		}
		p++;
		const char *sv = NULL;
		size_t sl = 0;
		char num[24];
		long long v = 0;
		unsigned long long uv = 0;
		int isnum = 0; /* 1 signed, 2 unsigned */
		if (*p == '%') {
			UTIL__PUT('%');
			continue;
		} else if (*p == 's') {
			sv = va_arg(ap, const char *);
			sl = strlen(sv);
		} else if (p[0] == '.' && p[1] == '*' && p[2] == 's') {
			int w = va_arg(ap, int);
			sv = va_arg(ap, const char *);
			sl = w < 0 ? strlen(sv) : strnlen(sv, (size_t)w);
			p += 2;
		} else if (*p == 'c') {
			UTIL__PUT((char)va_arg(ap, int));
			continue;
		} else if (*p == 'd') {
			v = va_arg(ap, int), isnum = 1;
		} else if (*p == 'u') {
			uv = va_arg(ap, unsigned), isnum = 2;
		} else if (p[0] == 'l' && p[1] == 'd') {
			v = va_arg(ap, long), isnum = 1, p++;
		} else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
			v = va_arg(ap, long long), isnum = 1, p += 2;
		} else if (p[0] == 'z' && p[1] == 'u') {
			uv = va_arg(ap, size_t), isnum = 2, p++;
		} else {
			return -1;
		}
		if (isnum) {
			int neg = isnum == 1 && v < 0;
			if (isnum == 1)
				uv = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			char *e = num + sizeof(num), *q = e;
			do
				*--q = (char)('0' + uv % 10);
			while (uv /= 10);
			if (neg)
				*--q = '-';
			sv = q;
			sl = (size_t)(e - q);
		}
		for (size_t i = 0; i < sl; i++)
			UTIL__PUT(sv[i]);
	}
#undef UTIL__PUT
	if (cap)
		out[n < cap ? n : cap - 1] = 0;
	return n > INT32_MAX ? -1 : (int)n;
}

char *xvprintf(const char *fmt, va_list ap)
{
	/* most results are short: formatted once into a buffer on the stack, copied once */
	char small[256];
	va_list aq;
	va_copy(aq, ap);
	int n = util__fmt(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0) {
		va_copy(aq, ap);
		n = vsnprintf(small, sizeof(small), fmt, aq);
		va_end(aq);
		if (n < 0)
			diag_fatal("bad format string '%s'", fmt);
	}
	char *p = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void xvfprintf(FILE *f, const char *fmt, va_list ap)
{
	char small[512];
	va_list aq;
	va_copy(aq, ap);
	int n = util__fmt(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n >= 0 && (size_t)n < sizeof(small))
		fwrite(small, 1, (size_t)n, f);
	else
		vfprintf(f, fmt, ap);
}

char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* Memory streams for text made piece by piece. open_memstream zero-fills a first buffer of
 * BUFSIZ bytes, which cost the front end more than what it printed into most of them (one
 * stream per function, per expression's pieces): a closed stream is kept for the next
 * ms_open, rewound, its buffer kept. */
typedef struct MemStream {
	FILE *f;
	char *buf;
	size_t len;
} MemStream;

static MemStream *util__ms_free[16];
static int util__ms_nfree;
static MemStream **util__ms_open; /* open ones, to find the MemStream of a FILE (one per */
static int util__ms_nopen, util__ms_capopen; /* function being compiled: nesting depth) */

FILE *ms_open(void)
{
	MemStream *m;
	if (util__ms_nfree) {
		m = util__ms_free[--util__ms_nfree];
	} else {
		m = xcalloc(1, sizeof(*m));
		m->f = open_memstream(&m->buf, &m->len);
		if (!m->f)
			diag_fatal("out of memory");
	}
	if (util__ms_nopen == util__ms_capopen) {
		util__ms_capopen = util__ms_capopen ? 2 * util__ms_capopen : 64;
		util__ms_open = realloc(util__ms_open, (size_t)util__ms_capopen * sizeof(*util__ms_open));
		if (!util__ms_open)
			diag_fatal("out of memory");
	}
	util__ms_open[util__ms_nopen++] = m;
	return m->f;
}

char *ms_close(FILE *f, size_t *len)
{
	int i = util__ms_nopen - 1;
	while (i >= 0 && util__ms_open[i]->f != f)
		i--;
	if (i < 0)
		diag_fatal("ms_close of a stream ms_open did not give (a bug of ccxmlc)");
	MemStream *m = util__ms_open[i];
	util__ms_open[i] = util__ms_open[--util__ms_nopen];
	long n = ftell(f);
	if (fflush(f) || n < 0)
		diag_fatal("out of memory");
	char *text = xmalloc((size_t)n + 1);
	memcpy(text, m->buf, (size_t)n);
	text[n] = 0;
	if (len)
		*len = (size_t)n;
	if (util__ms_nfree < (int)(sizeof(util__ms_free) / sizeof(util__ms_free[0])) &&
	    !fseek(f, 0, SEEK_SET)) {
		util__ms_free[util__ms_nfree++] = m;
	} else {
		fclose(f);
		free(m->buf);
		free(m);
	}
	return text;
}

/* Section - Element table
 *
 * The runtime defines cx_elem_table in libccxml; the compiler does not link the runtime, so it
 * expands cx_elements.def once more into a private table of the same shape. */

#define CX_A(e, id, name, kind, flags) { name, kind, flags },
#define CX_ELEM(id, tag, ns, ATTRS) \
	static const cx_attr_info util__attrs_##id[] = { ATTRS { NULL, 0, 0 } };
#include "cx_elements.def"
#undef CX_ELEM
#undef CX_A

static const cx_elem_info util__elems[CX_E__COUNT] = {
#define CX_A(e, id, name, kind, flags)
#define CX_ELEM(id, tag, ns, ATTRS) [CX_E_##id] = { tag, ns, CX_NA_##id, util__attrs_##id },
#include "cx_elements.def"
#undef CX_ELEM
#undef CX_A
};

const cx_elem_info *elem_info(int elem)
{
	if (elem < 0 || elem >= CX_E__COUNT)
		return NULL;
	return &util__elems[elem];
}

int elem_find(const char *tag, int ns)
{
	for (int i = 0; i < CX_E__COUNT; i++)
		if (util__elems[i].ns == ns && !strcmp(util__elems[i].tag, tag))
			return i;
	return -1;
}

int elem_attr_find(int elem, const char *name)
{
	const cx_elem_info *ei = elem_info(elem);
	if (!ei)
		return -1;
	for (int i = 0; i < ei->nattrs; i++)
		if (!strcmp(ei->attrs[i].name, name))
			return i;
	return -1;
}

int edit_distance(const char *a, const char *b)
{
	/* Levenshtein distance with a swap of two neighbours as one edit (optimal string
	 * alignment), case-insensitive; names are short (99 beyond 40 bytes). */
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	int d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int c = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			int m = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < m)
				m = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < m)
				m = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && (a[i - 1] | 0x20) == (b[j - 2] | 0x20) &&
			    (a[i - 2] | 0x20) == (b[j - 1] | 0x20) && d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	return d[la][lb];
}

/* Section - Files read (for -MD) */

static const char **util__deps;
static int util__ndeps, util__capdeps;

void dep_add(const char *path)
{
	if (!path)
		return;
	for (int i = 0; i < util__ndeps; i++)
		if (!strcmp(util__deps[i], path))
			return;
	if (util__ndeps == util__capdeps) {
		util__capdeps = util__capdeps ? util__capdeps * 2 : 16;
		const char **n = xcalloc((size_t)util__capdeps, sizeof(char *));
		if (util__ndeps)
			memcpy(n, util__deps, (size_t)util__ndeps * sizeof(char *));
		util__deps = n;
	}
	util__deps[util__ndeps++] = xstrdup(path);
}

const char *const *dep_list(int *n)
{
	*n = util__ndeps;
	return util__deps;
}

/* The xml:base in effect on n (XML Base): its own or its nearest ancestors', each relative one
 * resolved against the one above it by its directory (up to its last '/'), or NULL when none
 * is given. A compiled document's own location is the program (its compiled-in documents,
 * --media-root): a relative xml:base on the root stays relative (docs/decisions.md). The
 * runtime resolves the element's relative URIs against the result (cx_docload_resolve). */
const char *node_base(const Node *n)
{
	const Attr *a = NULL;
	const char *up, *v, *cut;

	for (; n && !a; n = n->parent)
		for (int i = 0; i < n->nattrs && !a; i++)
			if (!strcmp(n->attrs[i].name, "xml:base"))
				a = &n->attrs[i];
	if (!a)
		return NULL;
	v = xstrndup(a->value.s, a->value.len);
	if (strcspn(v, ":") < strcspn(v, "/?#") || v[0] == '/' || !(up = node_base(n)))
		return v; /* absolute (a scheme, or a path from the root), or the outermost */
	cut = strrchr(up, '/');
	return cut ? xprintf("%.*s%s", (int)(cut + 1 - up), up, v) : v;
}
