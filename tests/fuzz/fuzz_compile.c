/*
 * fuzz_compile.c — libFuzzer harness of the compiler's front and back ends: one input is one
 * .ccxml document, run through xml_load -> check_doc -> esparse_doc and, when those report no
 * error, emit_doc into memory (js.c's ECMAScript -> C included). A <vxml> root is compiled as a
 * VoiceXML document fetched at run time is (`ccxmlc --shared --fetched x.vxml`): vxml_check,
 * vxml_app_root, vxml_emit (SRGS grammars and their <tag> scripts included). Every input is
 * read as the runtime's compiles read one (xml_fetched): no <script src> or <grammar src>
 * reads a file. Nothing is written and cc is not run: main.c is not linked.
 *
 * The compiler frees nothing by design (compiler.h). A fuzzing process runs millions of
 * documents, so this harness takes the allocations back after each input, without a hook in the
 * compiler: the link wraps (ld --wrap) xcalloc, xstrdup, xstrndup and xprintf so that every
 * block is recorded and freed at the end of the input, and open_memstream/fclose so that the
 * buffers of the in-memory streams are freed too. The tree-sitter trees kept in the Doc are
 * deleted by walking it. What the compiler keeps on purpose across runs (esparse.c's parser)
 * stays. xml.c caches a line table per Source in a static array that only grows (a compiler run
 * has a few documents): the fuzz build makes its two statics global in a copy of xml.o
 * (objcopy --globalize-symbol, tests/fuzz/run.sh) and this harness empties the cache after each
 * input; otherwise the table would point into freed memory, and grow by one entry per input.
 * util.c keeps closed memory streams for reuse: the same is done with its pool's counts. Leak detection is off (-detect_leaks=0 in tests/fuzz/run.sh): libxml2 and tree-sitter
 * keep caches of their own.
 *
 * One exception to "every block": xml.c's file reader frees its own buffer when a file passes
 * 8 KiB (it grows it), so inputs are capped below that (FUZZ_MAX_INPUT; -max_len in run.sh).
 *
 * The input reaches xml_load through a memfd (/proc/self/fd/N): no file on disk.
 *
 * diag_fatal ends a compiler run with exit(1) ("too many jumps out of one try statement", "out
 * of memory"): a clear message about the input, which is what a user should get, so it is
 * wrapped too and returns to the harness; an "internal error" there is a finding (abort).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "compiler.h"

#define FUZZ_MAX_INPUT 8000

/* Section - Taking the compiler's memory back */

static void **fz__blocks;
static size_t fz__nblocks, fz__capblocks;

static void *fz__keep(void *p)
{
	if (!p)
		return p;
	if (fz__nblocks == fz__capblocks) {
		size_t cap = fz__capblocks ? fz__capblocks * 2 : 4096;
		void **nb = realloc(fz__blocks, cap * sizeof(*nb));
		if (!nb)
			abort();
		fz__blocks = nb;
		fz__capblocks = cap;
	}
	fz__blocks[fz__nblocks++] = p;
	return p;
}

void *__real_xcalloc(size_t n, size_t size);
void *__wrap_xcalloc(size_t n, size_t size);
void *__wrap_xcalloc(size_t n, size_t size)
{
	return fz__keep(__real_xcalloc(n, size));
}

void *__real_xmalloc(size_t size);
void *__wrap_xmalloc(size_t size);
void *__wrap_xmalloc(size_t size)
{
	return fz__keep(__real_xmalloc(size));
}

char *__wrap_xstrndup(const char *s, size_t n);
char *__wrap_xstrndup(const char *s, size_t n)
{
	char *p = __wrap_xcalloc(n + 1, 1);
	memcpy(p, s, n);
	return p;
}

char *__wrap_xstrdup(const char *s);
char *__wrap_xstrdup(const char *s)
{
	return __wrap_xstrndup(s, strlen(s));
}

char *__wrap_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *__wrap_xprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	return fz__keep(p);
}

/* An in-memory stream: where its buffer pointer lives until fclose, then the buffer itself. */
typedef struct FzStream {
	FILE *f;
	char **bufp;
} FzStream;
static FzStream fz__streams[256];
static int fz__nstreams;

FILE *__real_open_memstream(char **bufp, size_t *lenp);
FILE *__wrap_open_memstream(char **bufp, size_t *lenp);
FILE *__wrap_open_memstream(char **bufp, size_t *lenp)
{
	FILE *f = __real_open_memstream(bufp, lenp);
	if (f && fz__nstreams < (int)(sizeof(fz__streams) / sizeof(fz__streams[0])))
		fz__streams[fz__nstreams++] = (FzStream){ f, bufp };
	return f;
}

int __real_fclose(FILE *f);
int __wrap_fclose(FILE *f);
int __wrap_fclose(FILE *f)
{
	for (int i = 0; i < fz__nstreams; i++) {
		if (fz__streams[i].f != f)
			continue;
		char **bufp = fz__streams[i].bufp;
		fz__streams[i] = fz__streams[--fz__nstreams];
		int r = __real_fclose(f);
		fz__keep(*bufp); /* the caller reads it; freed with the input */
		return r;
	}
	return __real_fclose(f);
}

/* xml.c's line-table cache and util.c's pool of memory streams kept for reuse (statics made
 * global by objcopy in the fuzz build). */
extern void *xml__tabs;
extern int xml__ntabs;
extern int util__ms_nfree, util__ms_nopen;

/* Every stream is closed by the code that opened it; one left open would be closed here, its
 * buffer left alone (the pointer to it may have been on a stack that is gone). */
static void fz__release(void)
{
	util__ms_nfree = util__ms_nopen = 0; /* util.c's streams kept for reuse are closed here */
	while (fz__nstreams > 0)
		__real_fclose(fz__streams[--fz__nstreams].f);
	for (size_t i = 0; i < fz__nblocks; i++)
		free(fz__blocks[i]);
	fz__nblocks = 0;
	xml__tabs = NULL;
	xml__ntabs = 0;
}

static void fz__free_trees(Node *n)
{
	for (; n; n = n->next) {
		for (int i = 0; i < n->nattrs; i++)
			if (n->attrs[i].tree)
				ts_tree_delete(n->attrs[i].tree);
		if (n->script)
			ts_tree_delete(n->script);
		fz__free_trees(n->kids);
	}
}

static jmp_buf fz__fatal;

void __wrap_diag_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void __wrap_diag_fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strncmp(msg, "internal error", 14)) {
		fprintf(stderr, "ccxmlc: %s\n", msg);
		abort();
	}
	longjmp(fz__fatal, 1);
}

/* A checked document's C through emit (emit_doc or vxml_emit) into memory, dropped. */
static void fz__emit(Doc *doc, const Options *opt,
		     void (*emit)(FILE *, Doc *, const char *, const Options *), const char *sym)
{
	char *c = NULL;
	size_t clen = 0;
	FILE *f = open_memstream(&c, &clen);
	if (!f)
		abort();
	emit(f, doc, sym, opt);
	fclose(f);
}

/* Section - The target */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (size > FUZZ_MAX_INPUT)
		return -1; /* not added to the corpus */
	if (fd < 0) {
		fd = memfd_create("fuzz.ccxml", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();

	static const char *files[1] = {"fuzz.vxml"};
	static Doc *docs[1];
	Options opt = { .line_directives = true, .cc = "cc", .files = files, .nfiles = 1,
	                .docs = docs };
	xml_fetched = true;
	diag_errors = 0;
	static Doc *doc; /* static: kept across the longjmp of a fatal error */
	doc = NULL;
	if (setjmp(fz__fatal)) {
		if (doc)
			fz__free_trees(doc->root);
		fz__release();
		return 0;
	}
	doc = xml_load(path);
	if (doc && doc->root && !strcmp(doc->root->tag, "vxml")) {
		docs[0] = doc;
		opt.fetched = true;
		vxml_check(doc, &opt);
		vxml_app_root(doc, &opt, true);
		if (!diag_errors)
			fz__emit(doc, &opt, vxml_emit, "vxml_fuzz");
		fz__free_trees(doc->root);
	} else if (doc) {
		check_doc(doc, &opt);
		esparse_doc(doc);
		if (!diag_errors)
			fz__emit(doc, &opt, emit_doc, "ccxml_doc_fuzz");
		fz__free_trees(doc->root);
	}
	fz__release();
	return 0;
}
