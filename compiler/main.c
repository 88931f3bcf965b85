/*
 * main.c — the ccxmlc driver: options, the stages in order, then cc.
 *
 *   xml_load -> check_doc -> esparse_doc -> (stop on errors) -> emit_doc (in memory)
 *   -> write the .c files to a private temporary directory -> cc -> rename into place.
 *
 * `--shared` with tcc (cctcc.c) compiles in this process instead: tcc starts on the runtime's
 * headers before the front end, takes each function as emit_doc finishes it, and the C is
 * written to a temporary directory only if it failed (to be kept).
 *
 * Nothing is written under the requested output name until everything succeeded, so a failed
 * run never leaves a partial file (outputs are written to a temporary name and renamed).
 */
#define _GNU_SOURCE /* fopencookie: the generated C to tcc as it is written */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/xmlversion.h>

#include "compiler.h"

#ifndef CCXMLC_MODE
#define CCXMLC_MODE "-O2"
#endif
#ifndef CCXMLC_COMMIT
#define CCXMLC_COMMIT "unknown"
#endif
#ifndef CCXMLC_SYSLIBS
#define CCXMLC_SYSLIBS "-lm"
#endif

/* The compiler frees nothing on purpose (see compiler.h): no leak reports in the asan build.
 * The default options cover a plain run; __lsan_disable() also covers a run whose
 * ASAN_OPTIONS asks for leak detection (the test suite sets it for compiled programs). */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#define MAIN_NO_LEAK_CHECK() __lsan_disable()
#else
#define MAIN_NO_LEAK_CHECK() ((void)0)
#endif

static bool main__verbose;
static char *main__tmpdir;
static const char *main__depfile; /* -MD / -MF: where the dependency list goes */
static bool main__md;

/* Section - Where the runtime is

 * Nothing of the place ccxmlc was built in is compiled into it: the headers and libcxrt.a /
 * libcxstd.a are found beside the executable, so a build tree and an installed tree (moved
 * anywhere) both work:
 *   build tree:  DIR/ccxmlc, DIR/libcxrt.a, and runtime/include/ one or two levels above DIR
 *                (build/ and build/asan/);
 *   installed:   PREFIX/bin/ccxmlc, PREFIX/lib/ccxmlc/libcxrt.a, PREFIX/include/ccxmlc/cx_gen.h.
 * CCXMLC_HOME (a source tree or an install prefix) and CCXMLC_LIBDIR override the search. */

static char *main__q(const char *s);

static bool main__isfile(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* -I options for a source tree or an install prefix at dir, or NULL. */
static const char *main__incdir[2];     /* the same directories, for libtcc (cctcc.c) */
static int main__nincdir;

static char *main__incs_at(const char *dir)
{
	main__nincdir = 0;
	if (main__isfile(xprintf("%s/runtime/include/cx_gen.h", dir))) {
		main__incdir[main__nincdir++] = xprintf("%s/stdlib/include", dir);
		main__incdir[main__nincdir++] = xprintf("%s/runtime/include", dir);
	} else if (main__isfile(xprintf("%s/include/ccxmlc/cx_gen.h", dir))) {
		main__incdir[main__nincdir++] = xprintf("%s/include/ccxmlc", dir);
	}
	char *s = xstrdup("");
	for (int i = 0; i < main__nincdir; i++)
		s = xprintf("%s%s-I %s", s, i ? " " : "", main__q(main__incdir[i]));
	return main__nincdir ? s : NULL;
}

static void main__locate(const char **incs, const char **libdir)
{
	static const char *found_incs, *found_libdir; /* --shared with tcc asks early (cctcc) */
	if (found_incs) {
		*incs = found_incs, *libdir = found_libdir;
		return;
	}
	char exe[PATH_MAX];
	if (!realpath("/proc/self/exe", exe))
		diag_fatal("cannot find where ccxmlc is (/proc/self/exe): %s; set CCXMLC_HOME and "
			   "CCXMLC_LIBDIR", strerror(errno));
	char *dir = xstrdup(dirname(exe));
	const char *eh = getenv("CCXMLC_HOME"), *el = getenv("CCXMLC_LIBDIR");
	*incs = NULL;
	if (eh && *eh) {
		if (!(*incs = main__incs_at(eh)))
			diag_fatal("CCXMLC_HOME=%s holds neither runtime/include/cx_gen.h (a source tree) "
				   "nor include/ccxmlc/cx_gen.h (an install prefix)", eh);
	} else {
		const char *tries[] = { xprintf("%s/..", dir), xprintf("%s/../..", dir) };
		for (int i = 0; i < 2 && !*incs; i++)
			*incs = main__incs_at(tries[i]);
		if (!*incs)
			diag_fatal("cannot find the runtime's headers (cx_gen.h) in %s/../include/ccxmlc or "
				   "a source tree above %s: reinstall ccxmlc, or set CCXMLC_HOME to its "
				   "source tree or install prefix", dir, dir);
	}
	if (el && *el)
		*libdir = el;
	else if (main__isfile(xprintf("%s/libcxrt.a", dir)))
		*libdir = dir;
	else
		*libdir = xprintf("%s/../lib/ccxmlc", dir);
	if (!main__isfile(xprintf("%s/libcxrt.a", *libdir)) || !main__isfile(xprintf("%s/libcxstd.a", *libdir)))
		diag_fatal("cannot find the runtime libraries libcxrt.a and libcxstd.a in %s: %s",
			   *libdir, el && *el ? "CCXMLC_LIBDIR names the wrong directory"
					      : "reinstall ccxmlc, or set CCXMLC_LIBDIR to where they are");
	found_incs = *incs, found_libdir = *libdir;
}

static void main__usage(FILE *f)
{
	fprintf(f,
		"usage: ccxmlc [options] file.ccxml [more.ccxml ...] [dialog.vxml ...]   ('-': standard input)\n"
		"\n"
		"Compiles CCXML 1.0 documents and the VoiceXML 2.1 dialogs they start (ECMAScript\n"
		"included) to a native program.\n"
		"\n"
		"  -o FILE                  output name (default: the first document without .ccxml)\n"
		"  --emit-c                 write the generated C (FILE.c) instead of compiling it\n"
		"  --dot                    write the state diagram for Graphviz (FILE.dot, - for stdout)\n"
		"  -c                       embedding: write FILE.o and FILE.h (no main)\n"
		"  --shared                 write FILE.so for a running program to load (docs/fetch.md;\n"
		"                           one .ccxml, or one .vxml: docs/voicexml.md)\n"
		"  --script-file PATH       the next <script src> reads PATH (repeated; docs/fetch.md)\n"
		"  --grammar-file PATH      the next <grammar src> reads PATH (repeated; docs/fetch.md)\n"
		"  --app-file PATH          a .vxml's application root is PATH (not one of the files);\n"
		"                           the --script-file, --grammar-file after it are the root's\n"
		"  --app-url URL            ... and URL names its application (docs/fetch.md)\n"
		"  --fetched                every <script src> is a --script-file, every <grammar src>\n"
		"                           a --grammar-file, no local file; $CCXML_DOC_COMPILE_MB and\n"
		"                           $CCXML_DOC_COMPILE_CPU limit its memory (MiB) and CPU (s)\n"
		"  -g                       debug information (#line back to the .ccxml and scripts)\n"
		"  -O0 -O1 -O2 -O3 -Os      optimisation level passed to cc\n"
		"  --no-line                no #line directives in the generated C\n"
		"  -Wall                    every warning (docs/warnings.md)\n"
		"  -WNAME, -Wno-NAME        one warning on or off (unknown-event, unknown-state,\n"
		"                           undeclared, cond-assign, shadowed-transition,\n"
		"                           unhandled-connection, xml, nbsp, draft, empty,\n"
		"                           ignored-extension, speech, unsupported)\n"
		"  -w                       no warnings\n"
		"  -Werror                  warnings are errors\n"
		"  -Wno-unknown-extension   ignore elements of unknown namespaces\n"
		"  -MD                      also write OUT.d: OUT depends on every document and <script src>\n"
		"  -MF FILE                 the dependency list goes to FILE\n"
		"  -v                       show the cc command\n"
		"  --test DIR               compile and run every application of DIR (NAME.ccxml with\n"
		"                           NAME.expect, NAME.scenario) on the simulator's virtual clock;\n"
		"                           the other options go to each compile (docs/cli.md)\n"
		"  --version, --help\n"
		"\n"
		"Environment: CC (default gcc), CCXMLC_HOME, CCXMLC_LIBDIR.\n");
}

static void main__cleanup(void)
{
	if (!main__tmpdir)
		return;
	/* its files only: the C of each document and the few ccxmlc writes itself */
	DIR *d = opendir(main__tmpdir);
	struct dirent *de;
	int fd = d ? dirfd(d) : -1;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			(void)unlinkat(fd, de->d_name, 0);
	if (d)
		closedir(d);
	if (rmdir(main__tmpdir) != 0)
		fprintf(stderr, "ccxmlc: warning: could not remove %s\n", main__tmpdir);
	main__tmpdir = NULL;
}

/* The shell-quoted form of s ('...' with ' escaped). */
static char *main__q(const char *s)
{
	size_t n = 3;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *r = xcalloc(n, 1), *w = r;
	*w++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(w, "'\\''", 4);
			w += 4;
		} else {
			*w++ = *p;
		}
	}
	*w++ = '\'';
	return r;
}

static bool main__ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* "dir/step5.ccxml" -> "ccxml_doc_step5" */
static char *main__sym(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char *s = xstrdup(base);
	bool vxml = main__ends(s, ".vxml");
	if (main__ends(s, ".ccxml") || vxml)
		s[strlen(s) - (vxml ? 5 : 6)] = 0;
	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	return xprintf("%s_doc_%s", vxml ? "vxml" : "ccxml", s);
}

static void main__write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	if (!f)
		diag_fatal("cannot write %s: %s", path, strerror(errno));
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		diag_fatal("cannot write %s: %s", path, strerror(errno));
}

/* Writes data to a temporary file beside path, then renames it: never a partial file. */
static char *main__tmpname(const char *path)
{
	return xprintf("%s.tmp%ld", path, (long)getpid());
}

/* The generated C files, for the message of a failed cc (kept then). */
static char *main__cnames;

/* A command run without a shell (main__run): its arguments, NULL-terminated. */
typedef struct MainCmd {
	char **v;
	int n, cap;
} MainCmd;

static void main__arg(MainCmd *c, const char *a)
{
	if (c->n + 2 > c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		char **v = realloc(c->v, (size_t)c->cap * sizeof(*v));
		if (!v)
			diag_fatal("out of memory");
		c->v = v;
	}
	c->v[c->n++] = (char *)a;
	c->v[c->n] = NULL;
}

static void main__args(MainCmd *c, const MainCmd *more)
{
	for (int i = 0; i < more->n; i++)
		main__arg(c, more->v[i]);
}

/* The words of s as a shell splits them, without its expansions: at blanks, with '...', "..."
 * and \ quoting what they hold ($CC may hold flags: docs/cli.md; so do the build's). */
static void main__words(MainCmd *c, const char *s)
{
	for (const char *p = s;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			return;
		char *w = xcalloc(strlen(p) + 1, 1), *o = w, q = 0;
		for (; *p && (q || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (q ? *p == q : *p == '\'' || *p == '"') {
				q = q ? 0 : *p;
				continue;
			}
			if (*p == '\\' && q != '\'' && p[1])
				p++;
			*o++ = *p;
		}
		main__arg(c, w);
	}
}

/* The generated C of each document into a private temporary directory (removed at exit unless
 * kept: main__tmpdir; --fetched made it already, main__fetched_tmp), each file added to cmd. */
static char *main__write_c(char **syms, char **csrc, size_t *clen, int nfiles, MainCmd *cmd)
{
	if (!main__tmpdir) {
		const char *tmpenv = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		char *tmpl = xprintf("%s/ccxmlc-XXXXXX", tmpenv);
		if (!mkdtemp(tmpl))
			diag_fatal("cannot create a temporary directory in %s: %s", tmpenv, strerror(errno));
		main__tmpdir = tmpl;
		atexit(main__cleanup);
	}
	for (int i = 0; i < nfiles; i++) {
		char *p = xprintf("%s/%s.c", main__tmpdir, syms[i]);
		main__write(p, csrc[i], clen[i]);
		if (cmd)
			main__arg(cmd, p);
		main__cnames = xprintf("%s %s", main__cnames ? main__cnames : "", p);
	}
	return main__tmpdir;
}

/* --fetched -o OUT: the temporary files of this compile, ccxmlc's and its C compiler's (its
 * TMPDIR: main__run), go in a directory OUT.tmpPID.d beside the output rather than in TMPDIR, so
 * that the program which kills a compile at its time limit (nothing of the compiler cleans up
 * after SIGKILL) knows its name and removes it (runtime/doccomp.c), as it removes OUT.tmpPID. */
static bool main__fetched_dir;

static void main__fetched_tmp(const char *out)
{
	char *dir = xprintf("%s.tmp%ld.d", out, (long)getpid());
	if (mkdir(dir, 0700) != 0)
		diag_fatal("cannot create the temporary directory %s: %s", dir, strerror(errno));
	main__tmpdir = dir;
	main__fetched_dir = true;
	atexit(main__cleanup);
}

/* --shared with tcc in this process: the back end writes into a stream that copies into memory
 * (copy: kept if the compile fails) and gives each piece to tcc at once (cctcc_write), so tcc
 * compiles each function while the next is made (emit.c streams them: gen_stream). */
typedef struct MainTee {
	FILE *copy;
	CcTcc *tcc;
	bool failed; /* a write to tcc failed: cctcc_finish says why */
} MainTee;

static ssize_t main__tee_write(void *arg, const char *buf, size_t n)
{
	MainTee *t = arg;
	if (fwrite(buf, 1, n, t->copy) != n)
		return -1;
	if (!t->failed && cctcc_write(t->tcc, buf, n))
		t->failed = true;
	return (ssize_t)n;
}

static FILE *main__tee(MainTee *t)
{
	FILE *f = fopencookie(t, "w", (cookie_io_functions_t){.write = main__tee_write});
	if (!f)
		diag_fatal("out of memory");
	return f;
}

/* A failed C compile: stops, keeping the temporary directory with the generated C (the C
 * compiler's messages name its files); not for a document fetched at run time (--fetched):
 * nobody reads those, and each failure (a compile ended by its memory limit) would leave
 * megabytes in TMPDIR, a way for a web server to fill it. */
static void main__cc_failed(const char *what, const char *hint)
{
	if (xml_fetched)
		diag_fatal("%s", what);
	main__tmpdir = NULL; /* kept */
	diag_fatal("%s; the generated C is kept:%s%s", what, main__cnames, hint);
}

/* s as it can be pasted into a shell: quoted unless it holds only characters that need none */
static const char *main__shown(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+=,.:/@%")
			     == strlen(s) ? s : main__q(s);
}

/* Runs cc (cmd) with posix_spawnp, no shell: no word of it is read twice, and starting it takes
 * no more than a small stack (system() forks a shell). On failure removes `partial` and stops
 * (main__cc_failed). Under a fetched document's memory limit (cserve_limits) even that stack
 * can be refused: the message then says "Cannot allocate memory", which the program reports as
 * the memory limit (runtime/doccomp.c), as it does cc1's own "out of memory". */
static void main__run(MainCmd *cmd, const char *partial)
{
	if (main__verbose) {
		for (int i = 0; i < cmd->n; i++)
			fprintf(stderr, "%s%s", i ? " " : "", main__shown(cmd->v[i]));
		fputc('\n', stderr);
	}
	fflush(NULL);
	/* the environment, with TMPDIR the compile's own directory under --fetched (not setenv: a
	 * spare's tcc thread may be reading the environment meanwhile) */
	char **env = environ;
	if (main__fetched_dir && main__tmpdir) {
		MainCmd e = {0};
		for (char **p = environ; *p; p++)
			if (strncmp(*p, "TMPDIR=", 7))
				main__arg(&e, *p);
		main__arg(&e, xprintf("TMPDIR=%s", main__tmpdir));
		env = e.v;
	}
	pid_t pid;
	int st = 0, err = posix_spawnp(&pid, cmd->v[0], NULL, NULL, cmd->v, env);
	while (!err && waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			err = errno;
	if (err) {
		unlink(partial);
		diag_fatal("cannot run the C compiler %s: %s", cmd->v[0], strerror(err));
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		unlink(partial);
		/* a signal's name says more than a status: "CPU time limit exceeded" (RLIMIT_CPU) */
		main__cc_failed(WIFSIGNALED(st) ? xprintf("the C compiler failed: %s", strsignal(WTERMSIG(st)))
						: "the C compiler failed",
				" (run with -v to see the command, --emit-c to write the C where you want it)");
	}
}

/* The C compiler's command up to its inputs: $CC, the build's flags, -g, -O, the headers. */
static MainCmd *main__cc(const Options *opt)
{
	MainCmd *c = xcalloc(1, sizeof(*c));
	main__words(c, opt->cc);
	if (!c->n)
		diag_fatal("CC names no command");
	main__arg(c, "-std=c11");
	main__words(c, CCXMLC_MODE);
	if (opt->debug)
		main__arg(c, "-g");
	if (opt->optimize)
		main__arg(c, xprintf("-O%s", opt->optimize));
	for (int i = 0; i < main__nincdir; i++) {
		main__arg(c, "-I");
		main__arg(c, main__incdir[i]);
	}
	return c;
}

/* The CCXML documents only: a VoiceXML one registers itself (vxml_emit.c). */
static char *main__main_c(char **syms, int n)
{
	char *s = xstrdup("/* Generated by ccxmlc — the program's main */\n#include \"cx_gen.h\"\n\n");
	int nc = 0;
	for (int i = 0; i < n; i++)
		if (strncmp(syms[i], "vxml_", 5))
			s = xprintf("%sextern const cx_doc %s;\n", s, syms[i]);
	s = xprintf("%s\nint main(int argc, char **argv)\n{\n\tstatic const cx_doc *const docs[] = {", s);
	for (int i = 0; i < n; i++)
		if (strncmp(syms[i], "vxml_", 5))
			s = xprintf("%s%s&%s", s, nc++ ? ", " : "", syms[i]);
	/* CCXMLC_PATH (given on cc's command line, so the C stays the same wherever it is made):
	 * the ccxmlc that documents fetched at run time are compiled with, unless $CCXMLC says. */
	return xprintf("%s};\n#ifdef CCXMLC_PATH\n\textern int setenv(const char *, const char *, int);\n"
		       "\tsetenv(\"CCXMLC\", CCXMLC_PATH, 0);\n#endif\n"
		       "\treturn cx_main(argc, argv, docs, %d);\n}\n", s, nc);
}

/* An unknown option: one line, with the nearest known one. */
static void main__unknown(const char *a)
{
	static const char *const opts[] = {
		"-o", "--emit-c", "--dot", "-c", "--shared", "-g", "-O0", "-O1", "-O2", "-O3", "-Os",
		"--no-line", "-Wall", "-Werror", "-w", "-Wno-unknown-extension", "-MD", "-MF", "-v", "--test",
		"--version", "--help",
	};
	const char *best = NULL;
	int bd = 99;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (diag_suggest(a, opts[i], &bd))
			best = opts[i];
	if (best)
		fprintf(stderr, "ccxmlc: error: unknown option '%s'; did you mean '%s'? (ccxmlc --help lists them)\n", a, best);
	else
		fprintf(stderr, "ccxmlc: error: unknown option '%s' (ccxmlc --help lists them)\n", a);
}

/* -WNAME / -Wno-NAME; an unknown NAME is an error with the nearest one. */
static void main__wopt(const char *a)
{
	bool on = strncmp(a, "-Wno-", 5) != 0;
	const char *name = a + (on ? 2 : 5);
	int w = diag_w_find(name);
	if (w >= 0) {
		diag_w_set(w, on);
		return;
	}
	const char *best = NULL;
	int bd = 99;
	for (int i = 0; i < W__COUNT; i++)
		if (diag_suggest(name, diag_w_name(i), &bd))
			best = diag_w_name(i);
	if (best)
		diag_fatal("unknown warning option '%s'; did you mean '-W%s%s'?", a, on ? "" : "no-", best);
	diag_fatal("unknown warning option '%s' (ccxmlc --help lists them)", a);
}

/* The dependency file for make/ninja: OUT: every file read, then each as a target of its own
 * (a file deleted later does not stop make). Written after the output, as gcc -MD -MP does. */
static char *main__mk(const char *p)
{
	char *r = xcalloc(2 * strlen(p) + 1, 1), *w = r;
	for (; *p; p++) {
		if (*p == ' ' || *p == '#' || *p == '\\')
			*w++ = '\\';
		if (*p == '$')
			*w++ = '$';
		*w++ = *p;
	}
	return r;
}

static int main__deps(const char *out)
{
	if (!main__md && !main__depfile)
		return 0;
	const char *path = main__depfile;
	if (!path) {
		char *stem = xstrdup(out);
		char *dot = strrchr(stem, '.');
		if (dot && !strchr(dot, '/'))
			*dot = 0;
		path = xprintf("%s.d", stem);
	}
	int n;
	const char *const *deps = dep_list(&n);
	char *text = xprintf("%s:", main__mk(out));
	for (int i = 0; i < n; i++)
		text = xprintf("%s \\\n %s", text, main__mk(deps[i]));
	text = xprintf("%s\n", text);
	for (int i = 0; i < n; i++)
		text = xprintf("%s\n%s:\n", text, main__mk(deps[i]));
	char *tmp = main__tmpname(path);
	main__write(tmp, text, strlen(text));
	if (rename(tmp, path) != 0)
		diag_fatal("cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* --dot: the first document's diagram to `output` (default: the document's name with .dot;
 * "-": standard output), written whole or not at all. */
static int main__dot(Doc *doc, const char *file, const char *output)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		diag_fatal("out of memory");
	dot_doc(f, doc);
	fclose(f);
	if (output && !strcmp(output, "-")) {
		fwrite(buf, 1, len, stdout);
		return fflush(stdout) ? 1 : main__deps("-");
	}
	char *out = output ? xstrdup(output) : xstrdup(file);
	if (!output && main__ends(out, ".ccxml"))
		out[strlen(out) - 6] = 0;
	if (!output)
		out = xprintf("%s.dot", out);
	char *tmp = main__tmpname(out);
	main__write(tmp, buf, len);
	if (rename(tmp, out) != 0)
		diag_fatal("cannot write %s: %s", out, strerror(errno));
	return main__deps(out);
}

/* --test DIR [compile options]: the applications of DIR (apptest.c); the other options go to
 * each compile. */
static int main__test(int argc, char **argv, int at)
{
	static const char *const refused[] = {"-o", "--emit-c", "-c", "--shared", "--dot", "-MD",
					      "-MF", "--script-file", "--grammar-file", "--app-file", "--app-url",
					      "--fetched", "--test",
					      "-"};
	const char **opts = xcalloc((size_t)argc, sizeof(char *));
	int n = 0;
	if (at + 1 >= argc)
		diag_fatal("--test needs a directory (ccxmlc --test DIR)");
	for (int i = 1; i < argc; i++) {
		if (i == at || i == at + 1)
			continue;
		for (size_t j = 0; j < sizeof(refused) / sizeof(refused[0]); j++)
			if (!strcmp(argv[i], refused[j]) || (j == 0 && !strncmp(argv[i], "-o", 2)))
				diag_fatal("--test compiles each application of the directory itself: "
					   "'%s' cannot be given with it", argv[i]);
		if (argv[i][0] != '-')
			diag_fatal("--test takes a directory, not documents ('%s'; ccxmlc --test DIR)", argv[i]);
		opts[n++] = argv[i];
	}
	char self[4096];
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l <= 0)
		diag_fatal("cannot find this ccxmlc (/proc/self/exe): %s", strerror(errno));
	self[l] = 0;
	return apptest_main(self, argv[at + 1], opts, n);
}

/* One more file of a list the running program gives (--script-file, --grammar-file) */
static void main__addfile(const char ***v, int *n, const char *path)
{
	const char **f = realloc(*v, (size_t)(*n + 1) * sizeof(*f));
	if (!f)
		diag_fatal("out of memory");
	*v = f;
	f[(*n)++] = path;
}

/* A script fetched at run time is compiled as the one top-level <script> of a document of
 * nothing else (Options.fetched_js): its diagnostics name the script's file. The wrapper is
 * read before main__cleanup could remove it, so it lives in TMPDIR; it goes once the documents
 * are loaded (or at exit, after an error before that). */
static char *main__jswrap;

static void main__jswrap_rm(void)
{
	if (main__jswrap)
		unlink(main__jswrap);
	main__jswrap = NULL;
}

static const char *main__js_wrapper(const char *js)
{
	static const char doc[] = "<ccxml version=\"1.0\" xmlns=\"" CX_NS_CCXML_URI "\">"
				  "<script src=\"fetched.js\"/></ccxml>\n";
	const char *tmp = main__fetched_dir ? main__tmpdir
			  : getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *p = xprintf("%s/fetched-script-XXXXXX.ccxml", tmp);
	int fd = mkstemps(p, 6);
	if (fd < 0 || write(fd, doc, sizeof(doc) - 1) != (ssize_t)(sizeof(doc) - 1))
		diag_fatal("cannot write %s: %s", p, strerror(errno));
	close(fd);
	main__jswrap = p;
	atexit(main__jswrap_rm);
	main__addfile(&xml_script_files, &xml_nscript_files, js);
	return p;
}

static int main__main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--test"))
			return main__test(argc, argv, i);
	Options opt = {.line_directives = true};
	bool shared = false, dot = false;
	const char **files = xcalloc((size_t)argc + 1, sizeof(char *));
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o")) {
			if (++i >= argc)
				diag_fatal("-o needs a file name");
			opt.output = argv[i];
		} else if (!strncmp(a, "-o", 2) && a[2]) {
			opt.output = a + 2;
		} else if (!strcmp(a, "--emit-c")) {
			opt.emit_c = true;
		} else if (!strcmp(a, "-c")) {
			opt.object = true;
		} else if (!strcmp(a, "--dot")) {
			dot = true;
		} else if (!strcmp(a, "--shared")) {
			shared = true;
		} else if (!strcmp(a, "--fetched")) {
			xml_fetched = true;
			cserve_limits();  /* a document from the network: bounded */
		} else if (!strcmp(a, "--script-file")) {
			if (++i >= argc)
				diag_fatal("--script-file needs a file name");
			if (xml_app_file)  /* after --app-file: the root's */
				main__addfile(&xml_app_script_files, &xml_napp_script_files, argv[i]);
			else
				main__addfile(&xml_script_files, &xml_nscript_files, argv[i]);
		} else if (!strcmp(a, "--grammar-file")) {
			if (++i >= argc)
				diag_fatal("--grammar-file needs a file name");
			if (xml_app_file)
				main__addfile(&xml_app_grammar_files, &xml_napp_grammar_files, argv[i]);
			else
				main__addfile(&xml_grammar_files, &xml_ngrammar_files, argv[i]);
		} else if (!strcmp(a, "--app-file")) {
			if (++i >= argc || xml_app_file)
				diag_fatal("--app-file needs a file name (once)");
			xml_app_file = argv[i];
		} else if (!strcmp(a, "--app-url")) {
			if (++i >= argc)
				diag_fatal("--app-url needs a URL");
			xml_app_url = argv[i];
		} else if (!strcmp(a, "-g")) {
			opt.debug = true;
		} else if (!strncmp(a, "-O", 2) && (a[2] == 0 || (strchr("0123s", a[2]) && !a[3]))) {
			opt.optimize = a[2] ? a + 2 : "1";
		} else if (!strcmp(a, "--no-line")) {
			opt.line_directives = false;
		} else if (!strcmp(a, "-Werror")) {
			opt.werror = true;
		} else if (!strcmp(a, "-Wno-unknown-extension")) {
			opt.allow_unknown_ext = true;
		} else if (!strcmp(a, "-Wall")) {
			diag_w_all();
		} else if (!strcmp(a, "-w")) {
			diag_nowarn = true;
		} else if (!strncmp(a, "-W", 2) && a[2]) {
			main__wopt(a);
		} else if (!strcmp(a, "-v")) {
			main__verbose = true;
		} else if (!strcmp(a, "--version")) {
			printf("ccxmlc %s (commit %s), runtime ABI %d\nlibxml2 %s, tree-sitter language ABI %d "
			       "(JavaScript grammar ABI %u)\n", CCXMLC_VERSION, CCXMLC_COMMIT, CX_ABI_VERSION,
			       LIBXML_DOTTED_VERSION, TREE_SITTER_LANGUAGE_VERSION,
			       ts_language_version(tree_sitter_javascript()));
			return 0;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			main__usage(stdout);
			return 0;
		} else if (!strcmp(a, "-MD")) {
			main__md = true;
		} else if (!strcmp(a, "-MF")) {
			if (++i >= argc)
				diag_fatal("-MF needs a file name");
			main__depfile = argv[i];
		} else if (a[0] == '-' && a[1]) {
			main__unknown(a);
			return 1;
		} else {
			files[nfiles++] = a;
		}
	}
	if (!nfiles) {
		fprintf(stderr, "ccxmlc: error: no input files\n");
		main__usage(stderr);
		return 1;
	}
	if (opt.emit_c && opt.object)
		diag_fatal("--emit-c and -c cannot be used together");
	if (shared && (opt.emit_c || opt.object || nfiles > 1))
		diag_fatal("--shared takes one document, without --emit-c or -c");
	if (opt.object && nfiles > 1)
		diag_fatal("-c takes one document (compile each document on its own)");
	if (xml_fetched && opt.output && strcmp(opt.output, "-"))
		main__fetched_tmp(opt.output);
	/* --shared of one .vxml: a VoiceXML document loaded at run time (runtime/vxfetch.c) */
	opt.fetched = shared && main__ends(files[0], ".vxml");
	if (main__ends(files[0], ".vxml") && !opt.fetched)
		diag_fatal("the first document must be the .ccxml one (a .vxml is a dialog it starts)");
	/* --shared of one .js: a script fetched at run time for <script fetchid> (runtime/exec.c) */
	opt.fetched_js = (shared || opt.emit_c) && nfiles == 1 && main__ends(files[0], ".js");
	if (opt.fetched_js)
		files[0] = main__js_wrapper(files[0]);
	for (int i = 0; i < nfiles; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(files[i], "-") && !strcmp(files[j], "-"))
				diag_fatal("standard input ('-') can be read once");
	if (!strcmp(files[0], "-") && !opt.output)
		diag_fatal("reading standard input ('-') needs -o to name the output");
	/* -o naming an input would overwrite the document with the program. */
	struct stat so, si;
	if (opt.output && strcmp(opt.output, "-") && stat(opt.output, &so) == 0)
		for (int i = 0; i < nfiles; i++)
			if (stat(files[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
				diag_fatal("-o %s names the input %s: the output would overwrite it", opt.output, files[i]);
	diag_werror = opt.werror;
	opt.cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "gcc";

	opt.files = (const char *const *)files;
	opt.nfiles = nfiles;
	/* --shared with libtcc: tcc reads the runtime's headers while the front end runs */
	CcTcc *tcc = NULL;
	opt.tcc = shared && cctcc_usable(opt.cc);
	if (opt.tcc) {
		const char *incs0, *libdir0;
		main__locate(&incs0, &libdir0);
		tcc = cctcc_start(main__incdir, main__nincdir, opt.debug);
	}
	/* Front end for every document. */
	Doc **docs = xcalloc((size_t)nfiles, sizeof(Doc *));
	opt.docs = docs;
	for (int i = 0; i < nfiles; i++)
		docs[i] = xml_load(files[i]);
	main__jswrap_rm(); /* read: gone now, not at exit (a compile killed at its time limit) */
	if (xml_app_file && !(nfiles == 1 && main__ends(files[0], ".vxml")))
		diag_fatal("--app-file is the application root of one .vxml");
	vxml_fetch_app(&opt);
	for (int i = 0; i < nfiles; i++) { /* all loaded: a .vxml's application root is known */
		if (!docs[i])
			continue;
		if (main__ends(files[i], ".vxml")) {
			vxml_check(docs[i], &opt);
			continue;
		}
		check_doc(docs[i], &opt);
		esparse_doc(docs[i]);
		constchk_doc(docs[i]);
	}
	for (int i = 0; i < nfiles; i++) /* application roots, once every document is loaded */
		if (docs[i] && main__ends(files[i], ".vxml"))
			vxml_app_root(docs[i], &opt, true);
	if (!diag_errors)
		warn_program(docs, nfiles);
	if (diag_errors)
		return 1;
	if (dot)
		return main__dot(docs[0], files[0], opt.output);

	/* Back end into memory; with tcc in this process, also to tcc as it is written. */
	bool streamed = false;
	char **syms = xcalloc((size_t)nfiles, sizeof(char *));
	char **csrc = xcalloc((size_t)nfiles, sizeof(char *));
	size_t *clen = xcalloc((size_t)nfiles, sizeof(size_t));
	for (int i = 0; i < nfiles; i++) {
		syms[i] = main__sym(files[i]);
		for (int j = 0; j < i; j++)
			if (!strcmp(syms[i], syms[j]))
				syms[i] = xprintf("%s_%d", syms[i], i + 1);
		FILE *f = open_memstream(&csrc[i], &clen[i]);
		if (!f)
			diag_fatal("out of memory");
		MainTee tee = {.copy = f, .tcc = tcc};
		FILE *out = tcc && nfiles == 1 ? main__tee(&tee) : f;
		if (main__ends(files[i], ".vxml"))
			vxml_emit(out, docs[i], syms[i], &opt);
		else
			emit_doc(out, docs[i], syms[i], &opt);
		/* writing into memory fails only for want of it (a fetched document's compile is
		 * bounded: cserve_limits); the C would be cut short, and tcc say "end of file" */
		bool cut = ferror(out) || ferror(f);
		if (out != f && fclose(out))
			cut = true;
		if (fclose(f) || cut)
			diag_fatal("out of memory (writing the generated C)");
		streamed = out != f && !tee.failed;
	}
	if (diag_errors)
		return 1;

	char *base = xstrdup(files[0]);
	if (main__ends(base, ".ccxml"))
		base[strlen(base) - 6] = 0;
	char *mainc = main__main_c(syms, nfiles);

	if (opt.emit_c) {
		/* One file: the document(s) then main; several documents stay separate translation
		 * units in the other files named OUT-<sym>.c. */
		char *out = opt.output ? xstrdup(opt.output) : xprintf("%s.c", base);
		char *stem = xstrdup(out);
		if (main__ends(stem, ".c"))
			stem[strlen(stem) - 2] = 0;
		char **paths = xcalloc((size_t)nfiles, sizeof(char *));
		char **tmps = xcalloc((size_t)nfiles + 1, sizeof(char *));
		for (int i = 1; i < nfiles; i++) {
			paths[i] = xprintf("%s-%s.c", stem, syms[i]);
			tmps[i] = main__tmpname(paths[i]);
			main__write(tmps[i], csrc[i], clen[i]);
		}
		char *first = xprintf("%s\n%s", csrc[0], mainc);
		paths[0] = out;
		tmps[0] = main__tmpname(out);
		main__write(tmps[0], first, strlen(first));
		for (int i = 0; i < nfiles; i++)
			if (rename(tmps[i], paths[i]) != 0)
				diag_fatal("cannot write %s: %s", paths[i], strerror(errno));
		return main__deps(out);
	}

	/* Compile: the C goes to a private temporary directory (with tcc in this process, only
	 * when it failed, to be kept). */
	bool intcc = opt.tcc;
	MainCmd cfiles = {0};
	char *tmpl = intcc ? NULL : main__write_c(syms, csrc, clen, nfiles, &cfiles);
	const char *incs, *libdir;
	main__locate(&incs, &libdir);
	if (shared) {
		/* Only cx_shared_doc is exported: the program exports its own documents' symbols
		 * (-rdynamic), and a same-named one here must not be bound to those. */
		char *out = opt.output ? xstrdup(opt.output) : xprintf("%s.so", base);
		const char *ty = opt.fetched ? "cx_vx_doc" : "cx_doc";
		char *sc = xprintf("#include \"cx.h\"\nextern const %s %s;\n"
				   "__attribute__((visibility(\"default\"))) const %s *const "
				   "cx_shared_%s = &%s;\n", ty, syms[0], ty, opt.fetched ? "vxml" : "doc",
				   syms[0]);
		char *tmpo = main__tmpname(out);
		if (intcc) {
			/* one translation unit: the headers are read once; the document's C was
			 * given to tcc as it was written, unless tcc was started only now */
			const char *tail = strchr(sc, '\n') + 1;
			char *src = streamed ? xprintf("\n%s", tail) : xprintf("%s\n%s", csrc[0], tail);
			if (main__verbose)
				fprintf(stderr, "libtcc -shared%s -o %s\n", opt.debug ? " -g" : "", tmpo);
			if (!tcc)
				tcc = cctcc_start(main__incdir, main__nincdir, opt.debug);
			if (!tcc || cctcc_finish(tcc, src, tmpo)) {
				unlink(tmpo);
				if (!xml_fetched)
					main__write_c(syms, csrc, clen, nfiles, NULL);
				main__cc_failed("the C compiler (libtcc) failed", "");
			}
		} else {
			char *sp = xprintf("%s/shared.c", tmpl);
			main__write(sp, sc, strlen(sc));
			MainCmd *cmd = main__cc(&opt);
			main__arg(cmd, "-fPIC");
			main__arg(cmd, "-shared");
			main__arg(cmd, "-fvisibility=hidden");
			main__args(cmd, &cfiles);
			main__arg(cmd, sp);
			main__arg(cmd, "-o");
			main__arg(cmd, tmpo);
			main__run(cmd, tmpo);
		}
		if (rename(tmpo, out) != 0) {
			unlink(tmpo);
			diag_fatal("cannot write %s: %s", out, strerror(errno));
		}
		return main__deps(out);
	}
	if (opt.object) {
		char *out = opt.output ? xstrdup(opt.output) : xprintf("%s.o", base);
		char *stem = xstrdup(out);
		if (main__ends(stem, ".o"))
			stem[strlen(stem) - 2] = 0;
		char *hpath = xprintf("%s.h", stem);
		char *tmpo = main__tmpname(out);
		MainCmd *cmd = main__cc(&opt);
		main__arg(cmd, "-c");
		main__args(cmd, &cfiles);
		main__arg(cmd, "-o");
		main__arg(cmd, tmpo);
		main__run(cmd, tmpo);
		char *guard = xprintf("CCXMLC_%s_H", syms[0]);
		for (char *p = guard; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		char *h = xprintf("/* Generated by ccxmlc from %s — do not edit */\n"
				  "#ifndef %s\n#define %s\n\n#include \"cx.h\"\n\n"
				  "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
				  "extern const cx_doc %s;\n\n"
				  "#ifdef __cplusplus\n}\n#endif\n\n#endif\n",
				  files[0], guard, guard, syms[0]);
		char *tmph = main__tmpname(hpath);
		main__write(tmph, h, strlen(h));
		if (rename(tmpo, out) != 0 || rename(tmph, hpath) != 0) {
			unlink(tmpo);
			unlink(tmph);
			diag_fatal("cannot write %s: %s", out, strerror(errno));
		}
		return main__deps(out);
	}
	char *out = opt.output ? xstrdup(opt.output) : base;
	char *mp = xprintf("%s/main.c", tmpl);
	main__write(mp, mainc, strlen(mainc));
	char *tmpx = main__tmpname(out);
	char self[PATH_MAX];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	self[sl > 0 ? sl : 0] = 0;
	MainCmd *cmd = main__cc(&opt);
	if (*self && !strpbrk(self, "\"\\"))  /* a C string as it is */
		main__arg(cmd, xprintf("-DCCXMLC_PATH=\"%s\"", self));
	main__args(cmd, &cfiles);
	main__arg(cmd, mp);
	main__arg(cmd, "-o");
	main__arg(cmd, tmpx);
	main__arg(cmd, "-rdynamic");
	main__arg(cmd, "-L");
	main__arg(cmd, libdir);
	main__arg(cmd, "-Wl,--whole-archive");
	main__arg(cmd, "-lcxrt");
	main__arg(cmd, "-lcxstd");
	main__arg(cmd, "-Wl,--no-whole-archive");
	main__words(cmd, CCXMLC_SYSLIBS);
	main__run(cmd, tmpx);
	if (rename(tmpx, out) != 0) {
		unlink(tmpx);
		diag_fatal("cannot write %s: %s", out, strerror(errno));
	}
	return main__deps(out);
}

/* The stages recurse over the syntax trees (esparse.c bounds their depth), and a few thousand
 * frames of the ASan build pass the usual 8 MB main stack: the compiler runs on a thread with
 * a stack of its own, sized for the deepest document it accepts whatever `ulimit -s` says. The
 * pages are touched only as deep as the recursion goes. */
enum { MAIN_STACK = 256 << 20 };

typedef struct MainArgs {
	int argc;
	char **argv;
	int status;
} MainArgs;

static void *main__thread(void *arg)
{
	MainArgs *m = arg;
	MAIN_NO_LEAK_CHECK(); /* per thread: this one allocates everything */
	m->status = main__main(m->argc, m->argv);
	return NULL;
}

/* One run of the compiler, on a thread with a deep stack: main's, or a child of the compile
 * server's (cserve.c) */
static int main__compile(int argc, char **argv)
{
	MainArgs m = {argc, argv, 1};
	pthread_attr_t attr;
	pthread_t th;
	if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, MAIN_STACK) ||
	    pthread_create(&th, &attr, main__thread, &m) || pthread_join(th, NULL))
		diag_fatal("cannot start the compiler thread");
	pthread_attr_destroy(&attr);
	return m.status;
}

/* The compile server's prelude, in a child of the server (cserve.c): with tcc, the runtime's
 * headers preprocessed on standard output; 1 when there is none to make. */
static int main__prelude(void)
{
	const char *cc = getenv("CC"), *incs, *libdir;
	if (!cc || !*cc || !cctcc_usable(cc))
		return 1;
	main__locate(&incs, &libdir);
	return cctcc_preprocess(main__incdir, main__nincdir) ? 1 : 0;
}

/* A compile server's spare child before its request (cserve.c): tcc begun on the prelude, the
 * ECMAScript parser made, as the compile would do first. */
static void main__warm(void)
{
	const char *cc = getenv("CC"), *incs, *libdir;
	if (cc && *cc && cctcc_usable(cc)) {
		main__locate(&incs, &libdir);
		cctcc_prestart(main__incdir, main__nincdir);
	}
	esparse_warm();
}

int main(int argc, char **argv)
{
	MAIN_NO_LEAK_CHECK();
	if (argc == 2 && !strcmp(argv[1], "--compile-server"))
		return cserve_main(main__compile, main__prelude, main__warm);
	return main__compile(argc, argv);
}
