/*
 * cctcc.c — the C compiler inside ccxmlc, for `--shared` with tcc: libtcc (Debian libtcc-dev)
 * turns the generated C of a document fetched at run time into its shared object in this
 * process, instead of a shell and a tcc process reading the same C back from files
 * (docs/decisions.md, "Documents fetched at run time"; docs/performance.md, rtdocs).
 *
 * The compile starts before the front end does (cctcc_start): a thread of tcc reads the C from
 * a pipe, so the runtime's headers (a fifth of tcc's work) are read while the document is
 * parsed and checked, and the generated C is written into the pipe when it exists
 * (cctcc_finish), as one translation unit.
 *
 * libtcc keeps global state, which is no concern here: ccxmlc compiles one document and exits,
 * and only tcc's thread calls it until cctcc_finish has joined that thread. Its messages name
 * the generated C (/dev/fd/N before the first #line), which is a bug of ccxmlc when it
 * happens: they are printed as the C compiler's and the C is kept, as with an external
 * compiler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"

#ifdef CCXMLC_LIBTCC
#include <errno.h>
#include <fcntl.h>
#include <libtcc.h>
#include <pthread.h>
#include <unistd.h>

/* tcc's libtcc1.a, from `tcc -vv` when ccxmlc was built (compiler/build.ninja) */
#ifdef CCXMLC_TCCDIR
static const char *const cctcc__tcc1 = CCXMLC_TCCDIR "/libtcc1.a";
#else
static const char *const cctcc__tcc1 = NULL;
#endif

/* The runtime's headers, read while the front end works (the generated C includes them again:
 * their include guards make that free) */
#define CCTCC_PRELUDE "#include \"cx.h\"\n"

struct CcTcc {
	TCCState *s;
	bool bare;           /* -nostdlib, libtcc1.a added by hand */
	int wfd;             /* the write end of the pipe tcc reads the C from */
	int rfd;             /* its read end, /dev/fd/N for tcc */
	char path[32];
	pthread_t th;
	int status;          /* tcc_add_file's */
};

static void cctcc__error(void *opaque, const char *msg)
{
	(void)opaque;
	fprintf(stderr, "%s\n", msg);
}

bool cctcc_usable(const char *cc)
{
	const char *b = strrchr(cc, '/');
	return !strcmp(b ? b + 1 : cc, "tcc");
}

static void *cctcc__thread(void *arg)
{
	CcTcc *t = arg;
	char buf[4096];

	t->status = tcc_add_file(t->s, t->path);
	/* what tcc did not read (it stopped at an error) is drained: the writer never blocks */
	while (read(t->rfd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

CcTcc *cctcc_start(const char *const *incdirs, int nincs, bool debug)
{
	CcTcc *t = calloc(1, sizeof(*t));
	int p[2], err = 0;

	if (!t || !(t->s = tcc_new()) || pipe(p)) {
		if (t && t->s)
			tcc_delete(t->s);
		free(t);
		return NULL;
	}
	t->rfd = p[0];
	t->wfd = p[1];
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);  /* cc is not run, but the compiler may run gcc */
	(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
	tcc_set_error_func(t->s, NULL, cctcc__error);
	/* Without the C library: the object's undefined symbols (memset, the runtime's cx_*) are
	 * bound by dlopen in the program that loads it, so reading libc.so's linker script and
	 * symbol table (3.7 M instructions, a tenth of the whole compile) buys nothing. tcc's own
	 * helpers (64-bit conversions) still come from libtcc1.a. */
	t->bare = cctcc__tcc1 && !access(cctcc__tcc1, R_OK);
	tcc_set_options(t->s, debug ? (t->bare ? "-fPIC -g -nostdlib" : "-fPIC -g")
				    : (t->bare ? "-fPIC -nostdlib" : "-fPIC"));
	for (int i = 0; i < nincs; i++)
		err |= tcc_add_include_path(t->s, incdirs[i]);
	err |= tcc_set_output_type(t->s, TCC_OUTPUT_DLL);
	snprintf(t->path, sizeof(t->path), "/dev/fd/%d", t->rfd);
	if (err || write(t->wfd, CCTCC_PRELUDE, strlen(CCTCC_PRELUDE)) < 0 ||
	    pthread_create(&t->th, NULL, cctcc__thread, t)) {
		tcc_delete(t->s);
		close(t->rfd);
		close(t->wfd);
		free(t);
		return NULL;
	}
	return t;
}

int cctcc_write(CcTcc *t, const char *src, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(t->wfd, src + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int cctcc_finish(CcTcc *t, const char *src, const char *out)
{
	int err = cctcc_write(t, src, strlen(src));

	close(t->wfd);
	pthread_join(t->th, NULL);
	close(t->rfd);
	err |= t->status;
	if (!err && t->bare)
		err = tcc_add_file(t->s, cctcc__tcc1);
	if (!err)
		err = tcc_output_file(t->s, out);
	tcc_delete(t->s);
	free(t);
	return err ? -1 : 0;
}

#else

bool cctcc_usable(const char *cc)
{
	(void)cc;
	return false;
}

CcTcc *cctcc_start(const char *const *incdirs, int nincs, bool debug)
{
	(void)incdirs, (void)nincs, (void)debug;
	return NULL;
}

int cctcc_write(CcTcc *t, const char *src, size_t len)
{
	(void)t, (void)src, (void)len;
	return -1;
}

int cctcc_finish(CcTcc *t, const char *src, const char *out)
{
	(void)t, (void)src, (void)out;
	return -1;
}

#endif
