/*
 * apptest.c — `ccxmlc --test DIR`: every application of a directory compiled, run on the
 * simulator's virtual clock with its scenario, and its log checked against its expected lines
 * (docs/cli.md, "Testing applications").
 *
 * An application is NAME.ccxml with NAME.expect beside it; NAME.scenario drives the simulator
 * when present. The other .ccxml documents of the directory (no .expect) and every .vxml are
 * compiled into each application, as `ccxmlc NAME.ccxml more.ccxml dialog.vxml` would.
 * Each compile is this same ccxmlc in a child process (its messages are kept for the report);
 * each run is bounded in wall time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compiler.h"

#define APPTEST_TIMEOUT_S 60 /* wall seconds per program run (CCXMLC_TEST_TIMEOUT) */

/* One directive of NAME.expect. */
typedef struct ApExp {
	char kind;             /* 'l' log, 'n' nolog, 's' stderr, 'e' nostderr, 'c' compile */
	const char *pat;
	int line;
} ApExp;

typedef struct ApApp {
	const char *name;      /* NAME */
	const char *expect;    /* DIR/NAME.expect */
	ApExp *exps;
	int nexps;
	const char *want_exit; /* "0", "nonzero", "any", or a number */
	const char **args;     /* from `args` */
	int nargs;
	const char *why;       /* set when NAME.expect cannot be read */
} ApApp;

static bool apptest__ends(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a > b && !strcmp(s + a - b, suf);
}

static bool apptest__exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static char *apptest__slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		fwrite(tmp, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* The lines of a text (the text is cut in place). */
static char **apptest__lines(char *text, int *n)
{
	int cap = 16;
	char **v = xcalloc((size_t)cap, sizeof(char *));
	*n = 0;
	if (!text)
		return v;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = 0;
		if (*n + 1 >= cap) {
			cap *= 2;
			char **w = xcalloc((size_t)cap, sizeof(char *));
			memcpy(w, v, (size_t)*n * sizeof(char *));
			v = w;
		}
		v[(*n)++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return v;
}

/* NAME.expect: '#' comments, and one directive a line. */
static void apptest__expect(ApApp *a)
{
	int n;
	char **l = apptest__lines(apptest__slurp(a->expect), &n);
	a->exps = xcalloc((size_t)n + 1, sizeof(ApExp));
	a->args = xcalloc((size_t)n * 8 + 1, sizeof(char *));
	a->want_exit = "0";
	for (int i = 0; i < n; i++) {
		char *s = l[i];
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (!strncmp(s, "log ", 4) || !strncmp(s, "nolog ", 6) || !strncmp(s, "stderr ", 7) ||
		    !strncmp(s, "nostderr ", 9) || !strncmp(s, "compile ", 8)) {
			ApExp *e = &a->exps[a->nexps++];
			e->kind = !strncmp(s, "nostderr ", 9) ? 'e' : s[0];
			e->pat = strchr(s, ' ') + 1;
			e->line = i + 1;
		} else if (!strncmp(s, "exit ", 5)) {
			const char *v = s + 5;
			char *end;
			if (strcmp(v, "any") && strcmp(v, "nonzero") && (strtol(v, &end, 10) < 0 || *end || !*v)) {
				a->why = xprintf("%s:%d: bad exit '%s' (want a number, nonzero or any)", a->expect, i + 1, v);
				return;
			}
			a->want_exit = v;
		} else if (!strncmp(s, "args ", 5)) {
			for (char *w = strtok(s + 5, " \t"); w && a->nargs < n * 8; w = strtok(NULL, " \t"))
				a->args[a->nargs++] = w;
		} else {
			a->why = xprintf("%s:%d: cannot read '%s' (want log PATTERN, nolog PATTERN, stderr "
					 "PATTERN, nostderr PATTERN, compile PATTERN, exit N|nonzero|any or args WORD...)",
					 a->expect, i + 1, s);
			return;
		}
	}
}

/* A PATTERN: {*} matches any text, everything else itself. */
static bool apptest__match(const char *p, const char *s)
{
	const char *star = strstr(p, "{*}");
	if (!star)
		return !strcmp(p, s);
	size_t pre = (size_t)(star - p);
	if (strncmp(p, s, pre))
		return false;
	for (const char *t = s + pre;; t++) {
		if (apptest__match(star + 3, t))
			return true;
		if (!*t)
			return false;
	}
}

/* "[SID] text" -> "text" with SID written SESSION, as tests/run.sh reads logs. */
static char *apptest__mask(const char *line)
{
	const char *close = line[0] == '[' ? strstr(line, "] ") : NULL;
	if (!close)
		return xstrdup(line);
	char *sid = xcalloc((size_t)(close - line), 1);
	memcpy(sid, line + 1, (size_t)(close - line - 1));
	const char *rest = close + 2;
	char *out = xstrdup("");
	for (const char *hit; *sid && (hit = strstr(rest, sid)); rest = hit + strlen(sid))
		out = xprintf("%s%.*sSESSION", out, (int)(hit - rest), rest);
	return xprintf("%s%s", out, rest);
}

static double apptest__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdout and stderr to files, for at most limit_s wall seconds. Returns the exit
 * status, 128+N after signal N, -1 when it could not start, -2 when it ran out of time. */
static int apptest__run(const char *const *argv, const char *out, const char *err, int limit_s)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = strcmp(out, err) ? open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600) : fo;
		int fi = open("/dev/null", O_RDONLY);
		if (fo < 0 || fe < 0 || fi < 0)
			_exit(126);
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		setpgid(0, 0);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	double end = apptest__now() + limit_s;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0 && errno != EINTR)
			return -1;
		if (apptest__now() > end) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -2;
		}
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
}

/* The last lines of a program's output in a report; a log as it is compared (masked). */
static void apptest__tail(const char *title, const char *path, int max, bool mask)
{
	int n;
	char **l = apptest__lines(apptest__slurp(path), &n);
	if (!n)
		return;
	printf("    %s:\n", title);
	for (int i = n > max ? n - max : 0; i < n; i++)
		printf("    | %s\n", mask ? apptest__mask(l[i]) : l[i]);
}

static int apptest__cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Why app a failed (NULL: it passed); run in the work directory wd. */
static const char *apptest__one(const char *self, const char *dir, ApApp *a, const char *const *extras,
				int nextras, const char *const *ccopts, int nccopts, const char *wd,
				bool *show, double *ran)
{
	*show = false;
	if (a->why)
		return a->why;
	/* compile: this ccxmlc, the options given with --test, the app, the directory's others */
	const char **av = xcalloc((size_t)(nccopts + nextras + 6), sizeof(char *));
	int k = 0;
	const char *prog = xprintf("%s/%s", wd, a->name), *clog = xprintf("%s/%s.cc", wd, a->name);
	av[k++] = self;
	for (int i = 0; i < nccopts; i++)
		av[k++] = ccopts[i];
	av[k++] = "-o";
	av[k++] = prog;
	av[k++] = xprintf("%s/%s.ccxml", dir, a->name);
	for (int i = 0; i < nextras; i++)
		av[k++] = extras[i];
	int rc = apptest__run(av, clog, clog, APPTEST_TIMEOUT_S * 5);
	int ncl;
	char **cl = apptest__lines(apptest__slurp(clog), &ncl);
	if (rc != 0)
		return xprintf("does not compile: %s", ncl ? cl[0] : "(no message)");
	for (int j = 0; j < a->nexps; j++) {
		bool seen = false;
		for (int i = 0; a->exps[j].kind == 'c' && i < ncl && !seen; i++)
			seen = apptest__match(a->exps[j].pat, cl[i]);
		if (a->exps[j].kind == 'c' && !seen)
			return xprintf("%s:%d: ccxmlc did not print: %s", a->expect, a->exps[j].line,
				       a->exps[j].pat);
	}
	/* run: --sim with the scenario, --once unless the scenario calls in; `args` replaces
	 * these ({scenario}: the scenario's path) */
	const char *scen = xprintf("%s/%s.scenario", dir, a->name);
	bool has_scen = apptest__exists(scen), inbound = false;
	if (has_scen) {
		int n;
		char **l = apptest__lines(apptest__slurp(scen), &n);
		for (int i = 0; i < n; i++) {
			const char *s = l[i] + strspn(l[i], " \t");
			if (!strncmp(s, "inbound", 7) && (!s[7] || s[7] == ' ' || s[7] == '\t'))
				inbound = true;
		}
	}
	const char *out = xprintf("%s/%s.out", wd, a->name), *err = xprintf("%s/%s.err", wd, a->name);
	av = xcalloc((size_t)a->nargs + 6, sizeof(char *));
	k = 0;
	av[k++] = prog;
	av[k++] = "--media-root";
	av[k++] = dir;
	if (!a->nargs) {
		av[k++] = has_scen ? xprintf("--sim=%s", scen) : "--sim";
		if (!inbound)
			av[k++] = "--once";
	}
	for (int i = 0; i < a->nargs; i++) {
		const char *w = a->args[i], *hit = strstr(w, "{scenario}");
		av[k++] = hit ? xprintf("%.*s%s%s", (int)(hit - w), w, scen, hit + 10) : w;
	}
	const char *lim = getenv("CCXMLC_TEST_TIMEOUT");
	int limit = lim && atoi(lim) > 0 ? atoi(lim) : APPTEST_TIMEOUT_S;
	double t0 = apptest__now();
	rc = apptest__run(av, out, err, limit);
	*ran = apptest__now() - t0;
	*show = true;
	if (rc == -1)
		return xprintf("cannot run %s", prog);
	if (rc == -2)
		return xprintf("still running after %d s (wall time; CCXMLC_TEST_TIMEOUT changes it)", limit);
	int nerr;
	char **el = apptest__lines(apptest__slurp(err), &nerr);
	/* a scenario that cannot be read: the program's own FILE:LINE message says it */
	if (rc == 2 && nerr && strstr(el[0], ": error: "))
		return xstrdup(el[0]);
	if (strcmp(a->want_exit, "any")) {
		bool ok = !strcmp(a->want_exit, "nonzero") ? rc != 0 : rc == atoi(a->want_exit);
		if (!ok)
			return xprintf("exit status %d, expected %s (%s: exit)", rc, a->want_exit, a->expect);
	}
	int nout;
	char **ol = apptest__lines(apptest__slurp(out), &nout);
	for (int i = 0; i < nout; i++)
		ol[i] = apptest__mask(ol[i]);
	int at = 0; /* `log` lines: in order, each after the one before */
	for (int j = 0; j < a->nexps; j++) {
		ApExp *e = &a->exps[j];
		bool seen = false;
		if (e->kind == 'l') {
			for (; at < nout && !seen; at++)
				seen = apptest__match(e->pat, ol[at]);
			if (!seen)
				return xprintf("%s:%d: log line not seen (in order): %s", a->expect, e->line, e->pat);
		} else if (e->kind == 'n') {
			for (int i = 0; i < nout; i++)
				if (apptest__match(e->pat, ol[i]))
					return xprintf("%s:%d: forbidden log line: %s", a->expect, e->line, ol[i]);
		} else if (e->kind == 's') {
			for (int i = 0; i < nerr && !seen; i++)
				seen = apptest__match(e->pat, el[i]);
			if (!seen)
				return xprintf("%s:%d: stderr line not seen: %s", a->expect, e->line, e->pat);
		} else if (e->kind == 'e') {
			for (int i = 0; i < nerr; i++)
				if (apptest__match(e->pat, el[i]))
					return xprintf("%s:%d: forbidden stderr line: %s", a->expect, e->line, el[i]);
		}
	}
	return NULL;
}

int apptest_main(const char *self, const char *dir_arg, const char *const *ccopts, int nccopts)
{
	char *dir = xstrdup(dir_arg); /* "tests/apptest/" names its files tests/apptest/NAME… */
	for (size_t l = strlen(dir); l > 1 && dir[l - 1] == '/'; l--)
		dir[l - 1] = 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "ccxmlc: error: --test %s: %s\n", dir, strerror(errno));
		return 2;
	}
	int cap = 64, napps = 0, nextras = 0;
	const char **names = xcalloc((size_t)cap, sizeof(char *));
	const char **extras = xcalloc((size_t)cap, sizeof(char *));
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *f = de->d_name;
		bool cc = apptest__ends(f, ".ccxml"), vx = apptest__ends(f, ".vxml");
		if (!cc && !vx)
			continue;
		if (napps + 1 >= cap || nextras + 1 >= cap) {
			cap *= 2;
			const char **n2 = xcalloc((size_t)cap, sizeof(char *)), **e2 = xcalloc((size_t)cap, sizeof(char *));
			memcpy(n2, names, (size_t)napps * sizeof(char *));
			memcpy(e2, extras, (size_t)nextras * sizeof(char *));
			names = n2;
			extras = e2;
		}
		char *stem = xstrdup(f);
		stem[strlen(stem) - (cc ? 6 : 5)] = 0;
		if (cc && apptest__exists(xprintf("%s/%s.expect", dir, stem)))
			names[napps++] = stem;
		else
			extras[nextras++] = xprintf("%s/%s", dir, f);
	}
	closedir(d);
	if (!napps) {
		fprintf(stderr, "ccxmlc: error: --test %s: no application to test (an application is "
			"NAME.ccxml with NAME.expect beside it; docs/cli.md)\n", dir);
		return 2;
	}
	qsort(names, (size_t)napps, sizeof(char *), apptest__cmp);
	qsort(extras, (size_t)nextras, sizeof(char *), apptest__cmp);
	const char *tmpenv = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *wd = xprintf("%s/ccxmlc-test-XXXXXX", tmpenv);
	if (!mkdtemp(wd)) {
		fprintf(stderr, "ccxmlc: error: cannot create a directory in %s: %s\n", tmpenv, strerror(errno));
		return 2;
	}
	int pass = 0, fail = 0;
	for (int i = 0; i < napps; i++) {
		ApApp a = {.name = names[i], .expect = xprintf("%s/%s.expect", dir, names[i])};
		bool show;
		double ran = 0;
		apptest__expect(&a);
		const char *why = apptest__one(self, dir, &a, extras, nextras, ccopts, nccopts, wd, &show,
					       &ran);
		if (!why) {
			printf("PASS %s (ran %.2f s)\n", a.name, ran);
			pass++;
			continue;
		}
		printf("FAIL %s: %s\n", a.name, why);
		if (show) {
			apptest__tail("log (masked)", xprintf("%s/%s.out", wd, a.name), 20, true);
			apptest__tail("stderr", xprintf("%s/%s.err", wd, a.name), 10, false);
		}
		fail++;
	}
	if (system(xprintf("rm -rf '%s'", wd)) != 0)
		fprintf(stderr, "ccxmlc: warning: could not remove %s\n", wd);
	printf("%d passed, %d failed\n", pass, fail);
	fflush(stdout);
	return fail ? 1 : 0;
}
