/*
 * util.c — allocation helpers and the compiler's view of the element table.
 *
 * The compiler is a short-lived program: it allocates and never frees (chibicc's rule), so every
 * helper here either succeeds or ends the run with a message.
 */
#include <stdarg.h>
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

char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(n + 1, 1);
	memcpy(p, s, n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		diag_fatal("bad format string '%s'", fmt);
	char *p = xcalloc((size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
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
