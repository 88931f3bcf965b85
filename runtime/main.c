/*
 * main.c — cx_main: the command line of a compiled CCXML program (design.md, docs/runtime.md).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include "prov.h"

static cx_engine *cx_main__eng;
static int cx_main__once_status = -1;
static cx_sess *cx_main__once_sess;
static int cx_main__signals;
/* Service mode (docs/service.md): the signal handler only sets a flag; a loop timer acts on it. */
static int cx_main__service;
static volatile sig_atomic_t cx_main__sigflag;
static struct tmr cx_main__svc_tmr;
static uint64_t cx_main__grace_ms = 10000, cx_main__deadline;
static uint64_t cx_main__sig_ms; /* CLOCK_MONOTONIC ms of the first signal */
static int cx_main__stopping;   /* 1: service stop under way; 2: --once waits for mail */

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
		"  --sip ADDR:PORT     SIP telephony (docs/sip.md): listen on ADDR:PORT (UDP and TCP),\n"
		"                      place and take real calls; ADDR also goes into the SDP\n"
		"  --gateway HOST[:PORT]  where tel: numbers and sip:N!HOST@GW destinations are sent\n"
		"  --transport udp|tcp transport of outbound calls (default udp)\n"
		"  --http ADDR:PORT    HTTP listener (docs/http.md): token start, basichttp, createsession,\n"
		"                      /health; port 0 picks a free port (printed on stderr)\n"
		"  --token ID[=DOC]    (repeatable) token ID starts DOC (default: the first document)\n"
		"  --tokens FILE       tokens, one ID[=DOC] a line\n"
		"  --smtp HOST:PORT    SMTP server for <voxeo:sendemail>; --mail-from ADDR default sender\n"
		"  --grace SECONDS     on SIGTERM/SIGINT in service mode, wait this long for sessions to\n"
		"                      end after ccxml.kill (default 10; docs/service.md)\n"
		"  --help, --version\n", prog);
}

static void cx_main__svc_tick(void *arg);

/* Stop polling: every session gone (service stop) or no transfer left, or the grace is over. */
static void cx_main__stop_check(void)
{
	cx_engine *e = cx_main__eng;
	uint32_t ns = cx_main__stopping == 1 ? list_count(&e->sessl) : 0, nx = cx_curl_pending(e);

	if (!ns && !nx) {
		re_cancel();
		return;
	}
	if (tmr_jiffies() >= cx_main__deadline) {
		fprintf(stderr, "ccxml: grace time over: %u session(s) and %u transfer(s) left; "
			"stopping them\n", ns, nx);
		re_cancel();
	}
}

static void cx_main__svc_tick(void *arg)
{
	struct le *le;

	(void)arg;
	if (cx_main__sigflag && !cx_main__stopping) {
		cx_engine *e = cx_main__eng;
		cx_main__stopping = 1;
		e->draining = 1;
		cx_main__deadline = tmr_jiffies() + cx_main__grace_ms;
		fprintf(stderr, "ccxml: signal %d: stopping: no new sessions; ccxml.kill to %u "
			"session(s); waiting up to %llu ms\n", (int)cx_main__sigflag,
			list_count(&e->sessl), (unsigned long long)cx_main__grace_ms);
		LIST_FOREACH(&e->sessl, le) {
			cx_sess *s = le->data;
			cx_ev *ev = cx_ev_new(s, "ccxml.kill");
			cx_ev_str(ev, "reason", "signal");
			cx_sess_post(s, ev);
		}
	}
	if (cx_main__stopping)
		cx_main__stop_check();
	tmr_start(&cx_main__svc_tmr, cx_main__stopping ? 20 : 100, cx_main__svc_tick, NULL);
}

static void cx_main__ended(cx_sess *s, void *arg)
{
	if (cx_main__service) {
		static const char *const how[] = {"", "exit", "unhandled error", "killed"};
		fprintf(stderr, "ccxml: session %s: ended (%s)\n", s->id,
			s->ending >= 0 && s->ending <= 3 ? how[s->ending] : "?");
	}
	if (s == cx_main__once_sess) {
		cx_main__once_status = s->status;
		cx_main__once_sess = NULL;
		if (cx_curl_pending(cx_main__eng)) {
			/* a mail or <send> is still on its way: let it finish, within the grace */
			cx_main__stopping = 2;
			cx_main__eng->stop_when_idle = 0; /* the pump would stop the loop first */
			cx_main__deadline = tmr_jiffies() + cx_main__grace_ms;
			tmr_start(&cx_main__svc_tmr, 20, cx_main__svc_tick, NULL);
			return;
		}
		re_cancel(); /* --once: the program ends with its session */
	}
}

static void cx_main__signal(int sig)
{
	struct le *le;

	/* `timeout`, shells and process managers often deliver the same SIGTERM twice (to the
	 * process and to its group): in service mode a repeat within 1 s is that, not a "hurry" */
	if (cx_main__service && cx_main__signals) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 < cx_main__sig_ms + 1000)
			return;
	}
	if (!cx_main__signals) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		cx_main__sig_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	}
	if (++cx_main__signals > 1) {
		fprintf(stderr, "ccxml: second signal, exiting now\n");
		re_cancel();
		return;
	}
	if (cx_main__service) {
		cx_main__sigflag = sig; /* cx_main__svc_tick does the rest, in the loop */
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

/* libre's main loop watches at most 1024 descriptors unless told otherwise, and every call
 * takes two (RTP and RTCP) plus SIP and HTTP sockets: past ~500 calls new ones would hang in
 * "180 Ringing". Raise the soft limit to the hard one and size the loop to it. */
#define CX_MAIN_MAXFDS 65536
static void cx_main__fds(const char *prog)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CX_MAIN_MAXFDS ? CX_MAIN_MAXFDS : rl.rlim_max;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	want = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > CX_MAIN_MAXFDS ? CX_MAIN_MAXFDS : rl.rlim_cur;
	if (fd_setsize((int)want) != 0)
		fprintf(stderr, "%s: cannot watch %d descriptors; keeping libre's default\n", prog, (int)want);
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
	const char *sipaddr = NULL, *gateway = NULL, *transport = NULL;
	int sim = 0, once = 0, i, err, rc = 0;
	uint32_t maxs = 0;
	int64_t budget = 0;
	size_t heap_limit = 0;
	const char *httpaddr = NULL, *tokfile = NULL, *smtp = NULL, *mailfrom = NULL, *toks[64];
	int ntoks = 0;
	cx_cval *vals = NULL;
	cx_engine *e = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!docs || ndocs < 1 || !docs[0]) {
		fprintf(stderr, "%s: no document compiled into this program\n", prog);
		return 2;
	}
	for (i = 0; i < ndocs; i++) {
		char why[256];
		if (docs[i] && cx_doc_check(docs[i], why, sizeof(why))) {
			fprintf(stderr, "%s: %s\n", prog, why);
			return 2;
		}
	}
	err = libre_init();
	if (err) {
		fprintf(stderr, "%s: cannot initialise libre: %s\n", prog, strerror(err));
		return 2;
	}
	cx_main__fds(prog);
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
		else if (!strcmp(a, "--sip") || !strncmp(a, "--sip=", 6) ||
			 !strcmp(a, "--gateway") || !strncmp(a, "--gateway=", 10) ||
			 !strcmp(a, "--transport") || !strncmp(a, "--transport=", 12)) {
			/* SIP provider options (sip.c) */
			const char *eq = strchr(a, '=');
			const char *v = eq ? eq + 1 : next;
			if (!eq)
				++i;
			if (!v || !*v) {
				fprintf(stderr, "%s: %.*s needs a value (try --help)\n", prog,
					(int)(eq ? (size_t)(eq - a) : strlen(a)), a);
				rc = 2;
				goto out;
			}
			if (a[2] == 's')
				sipaddr = v;
			else if (a[2] == 'g')
				gateway = v;
			else
				transport = v;
		}
		else if (!strcmp(a, "--http") || !strncmp(a, "--http=", 7) ||
			 !strcmp(a, "--token") || !strncmp(a, "--token=", 8) ||
			 !strcmp(a, "--tokens") || !strncmp(a, "--tokens=", 9) ||
			 !strcmp(a, "--smtp") || !strncmp(a, "--smtp=", 7) ||
			 !strcmp(a, "--mail-from") || !strncmp(a, "--mail-from=", 12) ||
			 !strcmp(a, "--grace") || !strncmp(a, "--grace=", 8)) {
			/* HTTP, mail and service options (http.c, curl.c; docs/http.md, docs/service.md) */
			const char *eq = strchr(a, '=');
			const char *v = eq ? eq + 1 : next;
			size_t nl = eq ? (size_t)(eq - a) : strlen(a);
			if (!eq)
				++i;
			if (!v || !*v) {
				fprintf(stderr, "%s: %.*s needs a value (try --help)\n", prog, (int)nl, a);
				rc = 2;
				goto out;
			}
			if (nl == 6 && !strncmp(a, "--http", 6))
				httpaddr = v;
			else if (nl == 7 && !strncmp(a, "--token", 7)) {
				if (ntoks >= (int)(sizeof(toks) / sizeof(toks[0]))) {
					fprintf(stderr, "%s: too many --token options (use --tokens FILE)\n", prog);
					rc = 2;
					goto out;
				}
				toks[ntoks++] = v;
			}
			else if (nl == 8 && !strncmp(a, "--tokens", 8))
				tokfile = v;
			else if (nl == 6 && !strncmp(a, "--smtp", 6))
				smtp = v;
			else if (nl == 11 && !strncmp(a, "--mail-from", 11))
				mailfrom = v;
			else {
				char *end;
				long g = strtol(v, &end, 10);
				if (*end || g < 0 || g > 3600) {
					fprintf(stderr, "%s: --grace needs seconds from 0 to 3600\n", prog);
					rc = 2;
					goto out;
				}
				cx_main__grace_ms = (uint64_t)g * 1000;
			}
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
	if (sipaddr && sim) {
		fprintf(stderr, "%s: --sip and --sim exclude each other\n", prog);
		rc = 2;
		goto out;
	}
	if (!sipaddr && (gateway || transport))
		fprintf(stderr, "%s: --gateway and --transport only apply with --sip\n", prog);
	if (!sim && !sipaddr)
		fprintf(stderr, "%s: no telephony provider given; using the simulator (--sim)\n", prog);
	err = sipaddr ? cx_sip_setup(e, sipaddr, gateway, transport) : cx_sim_setup(e, simfile);
	if (err) {
		rc = 2;
		goto out;
	}
	/* HTTP listener, tokens, mail (docs/http.md) */
	if ((ntoks || tokfile) && !httpaddr) {
		fprintf(stderr, "%s: --token and --tokens need --http\n", prog);
		rc = 2;
		goto out;
	}
	if (httpaddr && cx_http_listen(e, httpaddr)) {
		rc = 2;
		goto out;
	}
	for (int t = 0; t < ntoks; t++) {
		if (cx_http_token(e, toks[t])) {
			rc = 2;
			goto out;
		}
	}
	if (tokfile && cx_http_tokens_file(e, tokfile)) {
		rc = 2;
		goto out;
	}
	if ((smtp || mailfrom) && cx_curl_smtp(e, smtp, mailfrom)) {
		rc = 2;
		goto out;
	}
	cx_main__service = !once && (httpaddr || sipaddr);
	tmr_init(&cx_main__svc_tmr);
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
	if (cx_main__service) {
		/* service mode: run until SIGTERM/SIGINT (docs/service.md) */
		fprintf(stderr, "%s: running as a service; SIGTERM or SIGINT stops it\n", prog);
		tmr_start(&cx_main__svc_tmr, 100, cx_main__svc_tick, NULL);
	}
	else if (!cx_engine_busy(e)) {
		fprintf(stderr, "%s: nothing to do: no --once session and no inbound call scheduled\n", prog);
		goto out;
	}
	else
		e->stop_when_idle = 1;
	cx_engine_kick(e);
	re_main(cx_main__signal);
	tmr_cancel(&cx_main__svc_tmr);
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
