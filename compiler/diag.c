/*
 * diag.c — diagnostics in the layout C programmers know from gcc:
 *
 *   app.ccxml:12:5: error: <createcall> needs a 'dest' attribute
 *      12 |     <createcall connectionid="c"/>
 *         |     ^
 *
 * The layout is fixed (docs/diagnostics.md) because tests compare it byte for byte.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

int diag_errors;
bool diag_werror;
bool diag_nowarn;

/* Named warnings: all but shadowed-transition and unhandled-connection are on by default;
 * -Wall adds those two. */
static const char *const diag__wnames[W__COUNT] = {
	[W_UNKNOWN_EVENT] = "unknown-event",
	[W_UNKNOWN_STATE] = "unknown-state",
	[W_UNDECLARED] = "undeclared",
	[W_COND_ASSIGN] = "cond-assign",
	[W_SHADOWED] = "shadowed-transition",
	[W_UNHANDLED_CONNECTION] = "unhandled-connection",
	[W_XML] = "xml",
	[W_NBSP] = "nbsp",
	[W_DRAFT] = "draft",
	[W_EMPTY] = "empty",
	[W_IGNORED_EXTENSION] = "ignored-extension",
	[W_SPEECH] = "speech",
	[W_UNSUPPORTED] = "unsupported",
};
bool diag_w_on[W__COUNT] = {
	[W_UNKNOWN_EVENT] = true, [W_UNKNOWN_STATE] = true, [W_UNDECLARED] = true, [W_COND_ASSIGN] = true,
	[W_XML] = true, [W_NBSP] = true, [W_DRAFT] = true, [W_EMPTY] = true, [W_IGNORED_EXTENSION] = true,
	[W_SPEECH] = true, [W_UNSUPPORTED] = true,
};

int diag_w_find(const char *name)
{
	for (int w = 0; w < W__COUNT; w++)
		if (!strcmp(diag__wnames[w], name))
			return w;
	return -1;
}

const char *diag_w_name(int w)
{
	return w >= 0 && w < W__COUNT ? diag__wnames[w] : "?";
}

/* -WNAME / -Wno-NAME given: -Wall leaves that one as it was said, in any order (as gcc). */
static bool diag__w_set[W__COUNT];

void diag_w_set(int w, bool on)
{
	diag_w_on[w] = on;
	diag__w_set[w] = true;
}

void diag_w_all(void)
{
	for (int w = 0; w < W__COUNT; w++)
		if (!diag__w_set[w])
			diag_w_on[w] = true;
}

bool diag_suggest(const char *name, const char *cand, int *best)
{
	int d = edit_distance(name, cand), limit = (int)strlen(name) / 3;
	if (d > limit || d > 3 || d >= *best)
		return false;
	*best = d;
	return true;
}

/* Finds line `line` (1-based) of src; returns its first byte and sets *n to its length
 * without the end of line. NULL if the file has fewer lines. */
static const char *diag__line(const Source *src, int line, size_t *n)
{
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	const char *e = p;
	while (e < end && *e != '\n')
		e++;
	if (e > p && e[-1] == '\r')
		e--;
	*n = (size_t)(e - p);
	return p;
}

/* A line longer than this (a minified script) is shown as a window of DIAG_WINDOW bytes around
 * the caret, "..." marking what is cut off on either side. */
enum { DIAG_LONG = 160, DIAG_WINDOW = 120, DIAG_BEFORE = 60 };

/* Moves i back to the first byte of its UTF-8 character. */
static size_t diag__char_start(const char *p, size_t i)
{
	while (i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* The source line and a caret under column loc.col. Tabs before the caret are copied so the caret
 * stays aligned whatever the tab width; UTF-8 continuation bytes take no room on a terminal. */
static void diag__show(Loc loc)
{
	size_t n, from = 0, to;
	const char *p = diag__line(loc.src, loc.line, &n);
	if (!p)
		return;
	size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
	to = n;
	if (n > DIAG_LONG) {
		from = col > DIAG_BEFORE ? diag__char_start(p, col < n ? col - DIAG_BEFORE : n - DIAG_WINDOW) : 0;
		to = from + DIAG_WINDOW < n ? diag__char_start(p, from + DIAG_WINDOW) : n;
	}
	fprintf(stderr, "%5d | %s", loc.line, from ? "..." : "");
	for (size_t i = from; i < to; i++)
		fputc(p[i] == '\0' ? ' ' : p[i], stderr);
	fprintf(stderr, "%s\n%5s | %s", to < n ? "..." : "", "", from ? "   " : "");
	for (size_t i = from; i < col && i < to; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\t')
			fputc('\t', stderr);
		else if ((c & 0xC0) != 0x80)
			fputc(' ', stderr);
	}
	fputs("^\n", stderr);
}

static void diag__report(Loc loc, const char *kind, const char *suffix, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (!loc.src)
		fputs("ccxmlc: ", stderr);
	else if (loc.line <= 0)
		fprintf(stderr, "%s: ", loc.src->path);
	else
		fprintf(stderr, "%s:%d:%d: ", loc.src->path, loc.line, loc.col > 0 ? loc.col : 1);
	fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", suffix);
	if (loc.src && loc.line > 0)
		diag__show(loc);
}

void diag_error(Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag__report(loc, "error", "", fmt, ap);
	va_end(ap);
	diag_errors++;
}

bool diag_warn(int w, Loc loc, const char *fmt, ...)
{
	if (diag_nowarn || !diag_w_on[w])
		return false;
	va_list ap;
	va_start(ap, fmt);
	if (diag_werror) {
		diag__report(loc, "error", xprintf(" [-Werror=%s]", diag__wnames[w]), fmt, ap);
		diag_errors++;
	} else {
		diag__report(loc, "warning", xprintf(" [-W%s]", diag__wnames[w]), fmt, ap);
	}
	va_end(ap);
	return true;
}

void diag_note(Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag__report(loc, "note", "", fmt, ap);
	va_end(ap);
}

void diag_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag__report((Loc){ 0 }, "error", "", fmt, ap);
	va_end(ap);
	exit(1);
}
