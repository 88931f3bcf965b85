/*
 * cctcc.c — the C compiler inside ccxmlc, for `--shared` with tcc: libtcc (Debian libtcc-dev)
 * turns the generated C of a document fetched at run time into its shared object in this
 * process, instead of a shell and a tcc process reading the same C back from files
 * (docs/decisions.md, "Documents fetched at run time"; docs/performance.md, rtdocs).
 *
 * The compile starts before the front end does (cctcc_start): a thread of tcc reads the C from
 * a pipe, so the runtime's headers (or the compile server's prelude of them, below) are read
 * while the document is parsed and checked, and the generated C is written into the pipe when
 * it exists (cctcc_finish), as one translation unit. In the compile server's spare child it
 * starts even before the request comes (cctcc_prestart), on the prelude, and the compile takes
 * it over when it was begun as the compile would begin it.
 *
 * libtcc keeps global state, which is no concern here: ccxmlc compiles one document and exits,
 * and only tcc's thread calls it until cctcc_finish has joined that thread. Its messages name
 * the generated C (/dev/fd/N before the first #line), which is a bug of ccxmlc when it
 * happens: they are printed as the C compiler's and the C is kept, as with an external
 * compiler.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ: the pipe takes the whole prelude */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"

#ifdef CCXMLC_LIBTCC
#include <errno.h>
#include <fcntl.h>
#include <libtcc.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* tcc's libtcc1.a, from `tcc -vv` when ccxmlc was built (compiler/build.ninja) */
#ifdef CCXMLC_TCCDIR
static const char *const cctcc__tcc1 = CCXMLC_TCCDIR "/libtcc1.a";
#else
static const char *const cctcc__tcc1 = NULL;
#endif

/* The runtime's headers, read while the front end works (the generated C includes them again:
 * their include guards make that free), unless the compile server made them a prelude. */
#define CCTCC_PRELUDE "#include \"cx.h\"\n"

/* The prelude: the runtime's headers preprocessed once by the compile server (cctcc_prelude_set)
 * and inherited by each child it forks. tcc reads it in 4.0 M instructions instead of 8.3 M,
 * its own start included (docs/performance.md, rtdocs): no file to find and open, no #if to evaluate, no macro to
 * expand in the declarations. It stands for the files named in its line markers as they were
 * when it was made (identity, size, mtime); a child that finds one changed reads cx.h. */
typedef struct CctccFile {
	char *path;
	struct stat st;
} CctccFile;

static struct {
	char *text;
	size_t len;
	CctccFile *files;
	int nfiles;
} cctcc__pre;

struct CcTcc {
	TCCState *s;
	bool bare;           /* -nostdlib, libtcc1.a added by hand */
	int wfd;             /* the write end of the pipe tcc reads the C from */
	int rfd;             /* its read end, /dev/fd/N for tcc */
	char path[32];
	pthread_t th;
	int status;          /* tcc_add_file's */
	bool failed;         /* the prelude could not be written */
	bool pre;            /* it reads the prelude, not cx.h */
	int nmsgs;           /* tcc's messages so far (atomic: tcc's thread counts them) */
};

static void cctcc__error(void *opaque, const char *msg)
{
	CcTcc *t = opaque;

	/* counted first: cctcc_start abandons an early compile that printed anything before its
	 * standard error was the compile's (cctcc__early_take) */
	if (t)
		__atomic_add_fetch(&t->nmsgs, 1, __ATOMIC_SEQ_CST);
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

int cctcc_preprocess(const char *const *incdirs, int nincs)
{
	TCCState *s = tcc_new();
	int err = 0;

	if (!s)
		return -1;
	tcc_set_error_func(s, NULL, cctcc__error);
	tcc_set_options(s, "-E -dD");  /* the macros too: generated code uses CX_GO and others */
	for (int i = 0; i < nincs; i++)
		err |= tcc_add_include_path(s, incdirs[i]);
	err |= tcc_set_output_type(s, TCC_OUTPUT_PREPROCESS);
	if (!err)
		err = tcc_compile_string(s, CCTCC_PRELUDE);  /* to stdout: tcc's -E output */
	tcc_delete(s);
	return fflush(stdout) || err ? -1 : 0;
}

/* A line marker of tcc's -E output, `# N "FILE" FLAGS`: FILE's length, 0 if not one, -1 if one
 * this file cannot take (a name with a quote or backslash in it). */
static long cctcc__marker(const char *l, const char *end, const char **file)
{
	const char *q, *e;

	if (end - l < 5 || l[0] != '#' || l[1] != ' ' || l[2] < '0' || l[2] > '9')
		return 0;
	q = memchr(l, '"', (size_t)(end - l));
	if (!q)
		return -1;
	for (e = ++q; e < end && *e != '"' && *e != '\\'; e++)
		;
	if (e == end || *e != '"')
		return -1;
	*file = q;
	return e - q;
}

static void cctcc__prelude_free(void)
{
	free(cctcc__pre.text);
	for (int i = 0; i < cctcc__pre.nfiles; i++)
		free(cctcc__pre.files[i].path);
	free(cctcc__pre.files);
	memset(&cctcc__pre, 0, sizeof(cctcc__pre));
}

int cctcc_prelude_set(const char *raw, size_t len)
{
	const char *end = raw + len, *nl;
	FILE *f;
	bool skip = true;  /* tcc's own macros (<command line>), the including string (<string>) */
	int err = 0;

	cctcc__prelude_free();
	f = open_memstream(&cctcc__pre.text, &cctcc__pre.len);
	if (!f)
		return -1;
	for (const char *l = raw; l < end && !err; l = nl + 1) {
		const char *file;
		nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			nl = end;
		long fl = cctcc__marker(l, nl, &file);
		if (fl < 0) {
			err = 1;
		} else if (fl > 0) {
			/* the marker without its flags, and the file it names remembered */
			skip = *file == '<';
			if (skip)
				continue;
			int k = 0;
			while (k < cctcc__pre.nfiles && (strlen(cctcc__pre.files[k].path) != (size_t)fl ||
						       memcmp(cctcc__pre.files[k].path, file, (size_t)fl)))
				k++;
			if (k == cctcc__pre.nfiles) {
				CctccFile *nf = realloc(cctcc__pre.files, (size_t)(k + 1) * sizeof(*nf));
				if (!nf || !(nf[k].path = strndup(file, (size_t)fl))) {
					if (nf)
						cctcc__pre.files = nf;
					err = 1;
					break;
				}
				cctcc__pre.files = nf;
				cctcc__pre.nfiles++;
				err = stat(nf[k].path, &nf[k].st) != 0;
			}
			fwrite(l, 1, (size_t)(file + fl + 1 - l), f);
			fputc('\n', f);
		} else if (!skip) {
			/* tcc prints a macro's ## as `<a6>` (its token number); nothing else in the
			 * runtime's headers looks like that */
			bool def = nl - l > 8 && !memcmp(l, "#define ", 8);
			for (const char *c = l; c < nl; c++) {
				if (def && nl - c >= 4 && !memcmp(c, "<a6>", 4)) {
					fputs("##", f);
					c += 3;
				} else {
					fputc(*c, f);
				}
			}
			fputc('\n', f);
		}
	}
	if (fclose(f) || err || !cctcc__pre.nfiles) {
		cctcc__prelude_free();  /* cx.h it is */
		return -1;
	}
	return 0;
}

/* Whether there is a prelude and every file it stands for is as it was. */
static bool cctcc__prelude_fresh(void)
{
	for (int i = 0; i < cctcc__pre.nfiles; i++) {
		const CctccFile *p = &cctcc__pre.files[i];
		struct stat st;
		if (stat(p->path, &st) || st.st_dev != p->st.st_dev || st.st_ino != p->st.st_ino ||
		    st.st_size != p->st.st_size || st.st_mtim.tv_sec != p->st.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != p->st.st_mtim.tv_nsec)
			return false;
	}
	return cctcc__pre.text != NULL;
}

/* A compile begun before its document was known (cctcc_prestart), with what it was begun for */
static struct {
	CcTcc *t;
	char **incdirs;
	int nincs;
} cctcc__early;

static CcTcc *cctcc__begin(const char *const *incdirs, int nincs, bool debug)
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
	tcc_set_error_func(t->s, t, cctcc__error);
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
	if (err || pthread_create(&t->th, NULL, cctcc__thread, t)) {
		tcc_delete(t->s);
		close(t->rfd);
		close(t->wfd);
		free(t);
		return NULL;
	}
	/* the headers, then the generated C counted from its first line (as in the C kept when
	 * the compile fails); the pipe made large enough for the prelude when it can be, so that
	 * the front end does not wait for tcc to read it (a user over the kernel's soft limit of
	 * pipe pages gets pipes of one page) */
	t->pre = cctcc__prelude_fresh();
	size_t plen = t->pre ? cctcc__pre.len : strlen(CCTCC_PRELUDE);
	const char *pre = t->pre ? cctcc__pre.text : CCTCC_PRELUDE;
	if (plen > 4096)
		(void)fcntl(t->wfd, F_SETPIPE_SZ, (int)(plen + 4096));
	char mark[48];
	int mlen = snprintf(mark, sizeof(mark), "# 1 \"%s\"\n", t->path);
	if (cctcc_write(t, pre, plen) || cctcc_write(t, mark, (size_t)mlen))
		t->failed = true;  /* cctcc_finish says so */
	return t;
}

/* A compile that will not be given its C: tcc stops at the end of its pipe. */
static void cctcc__abandon(CcTcc *t)
{
	close(t->wfd);
	pthread_join(t->th, NULL);
	close(t->rfd);
	tcc_delete(t->s);
	free(t);
}

static void cctcc__early_free(void)
{
	for (int i = 0; i < cctcc__early.nincs; i++)
		free(cctcc__early.incdirs[i]);
	free(cctcc__early.incdirs);
	memset(&cctcc__early, 0, sizeof(cctcc__early));
}

void cctcc_prestart(const char *const *incdirs, int nincs)
{
	char **v;
	int k = 0;

	/* only on the prelude: the headers themselves are read when the document comes, as they
	 * are then (the prelude is checked against them again, cctcc__early_take) */
	if (cctcc__early.t || nincs < 0 || !cctcc__prelude_fresh())
		return;
	v = calloc((size_t)nincs + 1, sizeof(char *));
	while (v && k < nincs && (v[k] = strdup(incdirs[k])))
		k++;
	cctcc__early.incdirs = v;
	cctcc__early.nincs = k;
	if (v && k == nincs)
		cctcc__early.t = cctcc__begin(incdirs, nincs, false);
	if (!cctcc__early.t)
		cctcc__early_free();
}

/* The compile cctcc_prestart began, when it was begun as this one would be, tcc has said
 * nothing (its messages went where the spare's output goes: nowhere) and the prelude it read
 * still stands for the headers; else it is abandoned and NULL. */
static CcTcc *cctcc__early_take(const char *const *incdirs, int nincs, bool debug)
{
	CcTcc *t = cctcc__early.t;
	bool same = t && !debug && nincs == cctcc__early.nincs && t->pre && !t->failed &&
		    !__atomic_load_n(&t->nmsgs, __ATOMIC_SEQ_CST) && cctcc__prelude_fresh();

	for (int i = 0; same && i < nincs; i++)
		same = !strcmp(incdirs[i], cctcc__early.incdirs[i]);
	if (t && !same)
		cctcc__abandon(t);
	cctcc__early_free();
	return same ? t : NULL;
}

CcTcc *cctcc_start(const char *const *incdirs, int nincs, bool debug)
{
	CcTcc *t = cctcc__early_take(incdirs, nincs, debug);

	return t ? t : cctcc__begin(incdirs, nincs, debug);
}

int cctcc_finish(CcTcc *t, const char *src, const char *out)
{
	int err = t->failed || cctcc_write(t, src, strlen(src));

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

int cctcc_preprocess(const char *const *incdirs, int nincs)
{
	(void)incdirs, (void)nincs;
	return -1;
}

void cctcc_prestart(const char *const *incdirs, int nincs)
{
	(void)incdirs, (void)nincs;
}

int cctcc_prelude_set(const char *raw, size_t len)
{
	(void)raw, (void)len;
	return -1;
}

#endif
