/*
 * main.c — cx_main: the command line of a compiled CCXML program (design.md, docs/runtime.md).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include "prov.h"

#define CX_VERSION "0.1.0"

static cx_engine *cx_main__eng;
static int cx_main__once_status = -1;
static cx_sess *cx_main__once_sess;
static int cx_main__signals;

static void cx_main__usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [options]\n"
		"  --sim               simulated telephony (default: every call answers)\n"
		"  --sim=FILE          simulated telephony driven by a scenario (docs/sim.md)\n"
		"  --once              start one session now (startupmode 'external'), exit when it ends:\n"
		"                      status 0 after <exit>, 1 after an unhandled error\n"
		"  --media-root DIR    where relative media URIs resolve (default: .)\n"
		"  --max-sessions N    at most N sessions at a time\n"
		"  --values k=v        a session.values entry of the --once session (repeatable)\n"
		"  --budget N          execution budget of one event, in loop iterations and calls\n"
		"                      (default 2000000; past it the event gets error.semantic)\n"
		"  --heap-limit MB     heap limit of one session in MiB (default 64)\n"
		"  --sip ADDR:PORT, --http ADDR:PORT, --token ID   (not available in this build yet)\n"
		"  --help, --version\n", prog);
}

static void cx_main__ended(cx_sess *s, void *arg)
{
	if (s == cx_main__once_sess) {
		cx_main__once_status = s->status;
		cx_main__once_sess = NULL;
		re_cancel(); /* --once: the program ends with its session */
	}
}

static void cx_main__signal(int sig)
{
	struct le *le;

	if (++cx_main__signals > 1) {
		fprintf(stderr, "ccxml: second signal, exiting now\n");
		re_cancel();
		return;
	}
	fprintf(stderr, "ccxml: signal %d: sending ccxml.kill to every session\n", sig);
	LIST_FOREACH(&cx_main__eng->sessl, le) {
		cx_sess *s = le->data;
		cx_ev *ev = cx_ev_new(s, "ccxml.kill");
		cx_ev_str(ev, "reason", "signal");
		cx_sess_post(s, ev);
	}
	/* the sessions handle the kill; then the program stops whatever is left */
	cx_engine_drain(cx_main__eng);
	re_cancel();
}

/* Parse one k=v into the values object under construction. */
static int cx_main__value(cx_cval *vals, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char **keys;
	cx_cval **kids;
	uint32_t n = vals->nkids;

	if (!eq || eq == kv)
		return EINVAL;
	/* libre's mem_realloc() does not allocate from NULL: the first entry takes mem_zalloc() */
	keys = n ? mem_realloc(vals->keys, (n + 1) * sizeof(char *)) : mem_zalloc(sizeof(char *), NULL);
	if (!keys)
		return ENOMEM;
	vals->keys = keys;
	kids = n ? mem_realloc(vals->kids, (n + 1) * sizeof(cx_cval *)) : mem_zalloc(sizeof(cx_cval *), NULL);
	if (!kids)
		return ENOMEM;
	vals->kids = kids;
	keys[n] = NULL;
	if (re_sdprintf(&keys[n], "%b", kv, (size_t)(eq - kv)))
		return ENOMEM;
	kids[n] = cx_cval_str(eq + 1);
	if (!kids[n]) {
		keys[n] = mem_deref(keys[n]);
		return ENOMEM;
	}
	vals->nkids = n + 1;
	return 0;
}

int cx_main(int argc, char **argv, const cx_doc *const *docs, int ndocs)
{
	const char *prog = argc > 0 ? argv[0] : "ccxml";
	const char *simfile = NULL, *media = NULL;
	int sim = 0, once = 0, i, err, rc = 0;
	uint32_t maxs = 0;
	int64_t budget = 0;
	size_t heap_limit = 0;
	cx_cval *vals = NULL;
	cx_engine *e = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!docs || ndocs < 1 || !docs[0]) {
		fprintf(stderr, "%s: no document compiled into this program\n", prog);
		return 2;
	}
	err = libre_init();
	if (err) {
		fprintf(stderr, "%s: cannot initialise libre: %s\n", prog, strerror(err));
		return 2;
	}
	vals = cx_cval_str(NULL);
	if (!vals) {
		rc = 2;
		goto out;
	}
	vals->tag = CX_T_OBJ;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cx_main__usage(stdout, prog);
			goto out;
		}
		else if (!strcmp(a, "--version")) {
			printf("%s (ccxmlc runtime %s, document %s)\n", prog, CX_VERSION,
			       docs[0]->name ? docs[0]->name : "?");
			goto out;
		}
		else if (!strcmp(a, "--sim"))
			sim = 1;
		else if (!strncmp(a, "--sim=", 6)) {
			sim = 1;
			simfile = a + 6;
		}
		else if (!strcmp(a, "--once"))
			once = 1;
		else if (!strcmp(a, "--media-root") || !strncmp(a, "--media-root=", 13)) {
			media = a[12] == '=' ? a + 13 : next;
			if (a[12] != '=')
				++i;
			if (!media) {
				fprintf(stderr, "%s: --media-root needs a directory\n", prog);
				rc = 2;
				goto out;
			}
		}
		else if (!strcmp(a, "--max-sessions") || !strncmp(a, "--max-sessions=", 15)) {
			const char *v = a[14] == '=' ? a + 15 : next;
			char *end;
			long n;
			if (a[14] != '=')
				++i;
			n = v ? strtol(v, &end, 10) : 0;
			if (!v || *end || n < 1 || n > 1000000) {
				fprintf(stderr, "%s: --max-sessions needs a number from 1 to 1000000\n", prog);
				rc = 2;
				goto out;
			}
			maxs = (uint32_t)n;
		}
		else if (!strcmp(a, "--budget") || !strncmp(a, "--budget=", 9) ||
			 !strcmp(a, "--heap-limit") || !strncmp(a, "--heap-limit=", 13)) {
			int isb = a[3] == 'u';
			size_t nl = isb ? 8 : 12;
			const char *v = a[nl] == '=' ? a + nl + 1 : next;
			long long n;
			char *end;
			if (a[nl] != '=')
				++i;
			n = v ? strtoll(v, &end, 10) : 0;
			if (!v || *end || n < 1 || (!isb && n > 65536)) {
				fprintf(stderr, "%s: %s needs a positive number%s\n", prog,
					isb ? "--budget" : "--heap-limit", isb ? "" : " of MiB up to 65536");
				rc = 2;
				goto out;
			}
			if (isb)
				budget = n;
			else
				heap_limit = (size_t)n << 20;
		}
		else if (!strcmp(a, "--values") || !strncmp(a, "--values=", 9)) {
			const char *v = a[8] == '=' ? a + 9 : next;
			if (a[8] != '=')
				++i;
			if (!v || cx_main__value(vals, v)) {
				fprintf(stderr, "%s: --values needs key=value\n", prog);
				rc = 2;
				goto out;
			}
		}
		else if (!strcmp(a, "--sip") || !strcmp(a, "--http") || !strcmp(a, "--token") ||
			 !strncmp(a, "--sip=", 6) || !strncmp(a, "--http=", 7) || !strncmp(a, "--token=", 8)) {
			if (!strchr(a, '='))
				++i;
			fprintf(stderr, "%s: %s is not available in this build yet\n", prog, a);
		}
		else {
			fprintf(stderr, "%s: unknown option '%s' (try --help)\n", prog, a);
			rc = 2;
			goto out;
		}
	}

	err = cx_engine_new(&e);
	if (err) {
		rc = 2;
		goto out;
	}
	cx_main__eng = e;
	e->docs = docs;
	e->ndocs = ndocs;
	e->max_sessions = maxs;
	e->budget = budget;
	e->heap_limit = heap_limit;
	str_dup(&e->media_root, media ? media : ".");
	e->endh = cx_main__ended;
	if (!sim)
		fprintf(stderr, "%s: no telephony provider given; using the simulator (--sim)\n", prog);
	err = cx_sim_setup(e, simfile);
	if (err) {
		rc = 2;
		goto out;
	}
	if (once) {
		err = cx_sess_start(&cx_main__once_sess, e, docs[0], "external", NULL, vals, NULL);
		if (err) {
			fprintf(stderr, "%s: cannot start a session: %s\n", prog, strerror(err));
			rc = 1;
			goto out;
		}
	}
	else if (vals->nkids)
		fprintf(stderr, "%s: --values only applies to the --once session\n", prog);
	if (!cx_engine_busy(e)) {
		fprintf(stderr, "%s: nothing to do: no --once session and no inbound call scheduled\n", prog);
		goto out;
	}
	e->stop_when_idle = 1;
	cx_engine_kick(e);
	re_main(cx_main__signal);
	if (once)
		rc = cx_main__once_status < 0 ? 1 : cx_main__once_status;
 out:
	mem_deref(e);
	cx_main__eng = NULL;
	mem_deref(vals);
	libre_close();
	fflush(stdout);
	return rc;
}
