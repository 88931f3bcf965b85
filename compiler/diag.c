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

/* The source line and a caret under column loc.col. Tabs before the caret are copied so the caret
 * stays aligned whatever the tab width; UTF-8 continuation bytes take no room on a terminal. */
static void diag__show(Loc loc)
{
	size_t n;
	const char *p = diag__line(loc.src, loc.line, &n);
	if (!p)
		return;
	fprintf(stderr, "%5d | ", loc.line);
	for (size_t i = 0; i < n; i++)
		fputc(p[i] == '\0' ? ' ' : p[i], stderr);
	fprintf(stderr, "\n%5s | ", "");
	size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
	for (size_t i = 0; i < col && i < n; i++) {
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

void diag_warning(Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (diag_werror) {
		diag__report(loc, "error", " [-Werror]", fmt, ap);
		diag_errors++;
	} else {
		diag__report(loc, "warning", "", fmt, ap);
	}
	va_end(ap);
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
