/*
 * serve.c — running an engine as a program does (cx.h: cx_engine_main, cx_engine_stop): the
 * --once session, service mode, signals, and the stop with a grace time (docs/service.md).
 *
 * The signal handler only records the signal; a loop timer acts on it, so everything that
 * touches sessions runs in the libre loop.
 */
#include <string.h>
#include <stdio.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <malloc.h>
#include "prov.h"

#define CX_SERVE_GRACE_MS 10000
#define CX_SERVE_TRIM_MS  60000

/* One engine runs in cx_engine_main at a time (libre's loop is per thread and re_main's signal
 * handler takes no argument). */
static struct {
	cx_engine *eng;
	cx_sess *once;         /* the --once session until it ends */
	int once_status;
	int service;
	int stopping;          /* 1: service stop under way; 2: --once ended, mail still going */
	uint64_t deadline;     /* tmr_jiffies() when the grace is over */
	struct tmr tmr;
	volatile sig_atomic_t sig;
	volatile sig_atomic_t hup;   /* SIGHUPs not yet acted on */
	volatile sig_atomic_t nsig;  /* stop signals taken (the handler counts) */
	volatile uint64_t sig_ms;    /* CLOCK_MONOTONIC ms of the first one (the handler's alone) */
	uint64_t wd_ms;        /* WATCHDOG=1 every this many ms (notify.c), or 0 */
	uint64_t wd_next;      /* tmr_jiffies() of the next one */
	uint64_t trim_next;    /* tmr_jiffies() of the next malloc_trim (service mode) */
} cx_serve__st;

const char *cx_version(void)
{
	return CX_VERSION;
}

static uint64_t cx_serve__grace(const cx_engine *e)
{
	if (e->grace_ms == CX_GRACE_NONE)
		return 0;
	return e->grace_ms ? e->grace_ms : CX_SERVE_GRACE_MS;
}

/* Every session gone (service stop) and no transfer left, or the grace is over: stop the loop.
 * Transfers: mail and <send> under way, unREGISTERs, and the BYEs of ended calls that libre
 * still resolves or sends (a stop right after a hang-up would drop them: the far end would
 * keep its call up). */
static void cx_serve__check(void)
{
	cx_engine *e = cx_serve__st.eng;
	uint32_t ns = cx_serve__st.stopping == 1 ? e->nsess : 0,
		 nb = cx_sip_byes(e), nx = cx_curl_pending(e) + cx_sip_unregister(e) + nb;
	/* --once: calls merged by the session stay bridged until a far end hangs up (their own
	 * limits bound them: --rtp-timeout, --max-call-duration); a stop ends them at once */
	uint32_t nm = cx_serve__st.stopping == 2 ? cx_sip_merges(e) : 0;

	if (!ns && !nx && !nm) {
		re_cancel();
		return;
	}
	if (!nx && nm)
		return;
	if (tmr_jiffies() >= cx_serve__st.deadline) {
		cx_log(CX_LOG_WARN, NULL, "grace time over: %u session(s) and %u transfer(s) (%u "
		       "BYE(s)) left; stopping them", ns, nx, nb);
		re_cancel();
	}
}

/* 1 when some transition of doc can be selected by ccxml.kill (in any state, with any cond). */
static int cx_serve__kill_handled(const cx_doc *doc)
{
	uint32_t i;

	for (i = 0; i < doc->ntransitions; i++)
		if (cx_rt_match(doc->transitions[i].event, "ccxml.kill"))
			return 1;
	return 0;
}

/* Stop: no new sessions, ccxml.kill to each, and (when cx_engine_main runs) end the loop once
 * they are gone or the grace is over. why: "signal 15" or "stop". */
static void cx_serve__stop(cx_engine *e, const char *why)
{
	struct le *le;

	if (!e || e->draining)
		return;
	e->draining = 1;
	if (cx_serve__st.eng == e) {
		cx_serve__st.stopping = 1;
		cx_serve__st.deadline = tmr_jiffies() + cx_serve__grace(e);
	}
	cx_log(CX_LOG_NOTICE, NULL, "%s: stopping: no new sessions; ccxml.kill to %u session(s); "
	       "waiting up to %llu ms", why, e->nsess, (unsigned long long)cx_serve__grace(e));
	(void)cx_notify("STOPPING=1\nSTATUS=stopping (%s): %u session(s) to end", why, e->nsess);
	LIST_FOREACH(&e->sessl, le) {
		cx_sess *s = le->data;
		cx_ev *ev;
		/* an idle session whose document has no transition that ccxml.kill can select
		 * would only end on it: end it now, without building the event (a stop of 100,000
		 * idle sessions then takes a fraction of a second instead of seconds) */
		if (!s->ending && !s->q.head && !s->cur && !cx_serve__kill_handled(s->doc)) {
			cx_sess_end(s, CX_END_KILL);
			continue;
		}
		ev = cx_ev_new(s, "ccxml.kill");
		cx_ev_str(ev, "reason", "signal");
		cx_sess_post(s, ev);
	}
	cx_engine_kick(e);
}

void cx_engine_stop(cx_engine *e)
{
	cx_serve__stop(e, "stop");
}

/* SIGHUP: reopen the log file, read the tokens file (and the provider's credentials) again.
 * Nothing running is touched. */
static void cx_serve__reload(cx_engine *e)
{
	(void)cx_notify("RELOADING=1");
	cx_log_reopen();
	(void)cx_cdr_reopen(e);
	cx_log(CX_LOG_NOTICE, NULL, "SIGHUP: log reopened; reloading");
	(void)cx_http_tokens_reload(e);
	if (e->prov && e->prov->reload)
		(void)e->prov->reload(e);
	(void)cx_notify("READY=1\nSTATUS=serving; %u session(s)", e->nsess);
}

static void cx_serve__tick(void *arg)
{
	cx_engine *e = arg;

	if (cx_serve__st.hup) {
		cx_serve__st.hup = 0;
		cx_serve__reload(e);
	}
	/* a long-running service: give the pages malloc holds free back to the system once a
	 * minute (glibc returns only the top of the heap by itself; freed pages inside it stay
	 * resident, and the RSS then climbs in steps with the peaks of the load) */
	if (cx_serve__st.service && tmr_jiffies() >= cx_serve__st.trim_next) {
		cx_serve__st.trim_next = tmr_jiffies() + CX_SERVE_TRIM_MS;
		(void)malloc_trim(0);
	}
	if (cx_serve__st.wd_ms && tmr_jiffies() >= cx_serve__st.wd_next) {
		cx_serve__st.wd_next = tmr_jiffies() + cx_serve__st.wd_ms;
		(void)cx_notify("WATCHDOG=1");
	}

	if (cx_serve__st.sig && !e->draining) {
		char why[32];
		snprintf(why, sizeof(why), "signal %d", (int)cx_serve__st.sig);
		cx_serve__stop(e, why);
	}
	if (cx_serve__st.stopping)
		cx_serve__check();
	tmr_start(&cx_serve__st.tmr, cx_serve__st.stopping ? 20 : 100, cx_serve__tick, e);
}

static void cx_serve__ended(cx_sess *s, void *arg)
{
	if (cx_serve__st.service)
		cx_log(CX_LOG_INFO, s->id, "ended (%s)", cx_sess_how(s));
	if (s != cx_serve__st.once)
		return;
	cx_serve__st.once_status = s->status;
	cx_serve__st.once = NULL;
	if (cx_curl_pending(cx_serve__st.eng) || cx_sip_merges(cx_serve__st.eng) ||
	    cx_sip_byes(cx_serve__st.eng)) {
		/* a mail, <send> or BYE is still on its way: let it finish, within the grace (and
		 * merged calls until they end) */
		cx_serve__st.stopping = 2;
		cx_serve__st.eng->stop_when_idle = 0; /* the pump would stop the loop first */
		cx_serve__st.deadline = tmr_jiffies() + cx_serve__grace(cx_serve__st.eng);
		tmr_start(&cx_serve__st.tmr, 20, cx_serve__tick, cx_serve__st.eng);
		return;
	}
	re_cancel(); /* --once: the program ends with its session */
}

static uint64_t cx_serve__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void cx_serve__sighup(int sig)
{
	(void)sig;
	cx_serve__st.hup = 1;
}

/* SIGTERM, SIGINT (and SIGALRM, as libre's loop had it): record, and let the tick act. A
 * handler of our own, installed with sigaction: libre 1.1.0's re_main installs its own with
 * signal(), which on Debian's build has System V semantics (SA_RESETHAND | SA_NODEFER) and
 * puts itself back only from inside the handler, so a second SIGTERM in between (systemd,
 * `timeout` and shells send one to the process and one to its group) met the default action
 * and killed the process without its stop: 8 of 40 runs given three SIGTERMs at once. Only
 * async-signal-safe work here: flags, clock_gettime, write, re_cancel (which sets a flag). */
static void cx_serve__signal(int sig)
{
	/* `timeout`, shells and process managers often deliver the same SIGTERM twice (to the
	 * process and to its group): a repeat within 1 s is that, not a "hurry" */
	if (cx_serve__st.nsig && cx_serve__now_ms() < cx_serve__st.sig_ms + 1000)
		return;
	if (!cx_serve__st.nsig)
		cx_serve__st.sig_ms = cx_serve__now_ms();
	if (++cx_serve__st.nsig > 1) {
		static const char msg[] = "ccxml: second signal, exiting now\n";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			(void)0;
		re_cancel();
		return;
	}
	cx_serve__st.sig = sig;
}

static const int cx_serve__stopsigs[3] = {SIGTERM, SIGINT, SIGALRM};

int cx_engine_main(cx_engine *e, const char *once_sid)
{
	struct sigaction hup, oldhup, stop, oldstop[3];
	int rc = 0, i;

	if (!e)
		return EINVAL;
	if (cx_serve__st.eng)
		return EBUSY;
	memset(&cx_serve__st, 0, sizeof(cx_serve__st));
	cx_serve__st.eng = e;
	cx_serve__st.once_status = -1;
	if (once_sid) {
		cx_serve__st.once = cx_sess_find(e, once_sid);
		if (!cx_serve__st.once) {
			cx_serve__st.eng = NULL;
			return ENOENT;
		}
	}
	e->endh = cx_serve__ended;
	cx_serve__st.service = !once_sid && e->service;
	tmr_init(&cx_serve__st.tmr);
	if (cx_serve__st.service) {
		cx_log(CX_LOG_NOTICE, NULL, "running as a service; SIGTERM or SIGINT stops it, SIGHUP "
		       "reloads tokens and reopens the log file");
		cx_serve__st.wd_ms = cx_notify_watchdog_ms();
		(void)cx_notify("READY=1\nSTATUS=serving; %u session(s)\nMAINPID=%d", e->nsess,
				(int)getpid());
		/* the first fetch waits neither for ccxmlc to start nor for libcurl's (and
		 * OpenSSL's) global initialisation, 2.3 M instructions */
		cx_doccomp_warm(e);
		(void)cx_curl_setup(e);
	}
	else if (!once_sid) {
		if (!cx_engine_busy(e)) {
			cx_log(CX_LOG_NOTICE, NULL, "nothing to do: no session and no inbound call "
			       "scheduled");
			goto out;
		}
		e->stop_when_idle = 1;
	}
	/* the tick watches for signals in every mode; it ends the loop only when stopping (in
	 * real time: the virtual clock never jumps to it) */
	tmr_start(&cx_serve__st.tmr, 100, cx_serve__tick, e);
	cx_clock_background(&cx_serve__st.tmr, 1);
	cx_engine_kick(e);
	/* our handlers, not libre's (cx_serve__signal says why); SIGHUP reloads */
	memset(&hup, 0, sizeof(hup));
	hup.sa_handler = cx_serve__sighup;
	sigemptyset(&hup.sa_mask);
	hup.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &hup, &oldhup);
	memset(&stop, 0, sizeof(stop));
	stop.sa_handler = cx_serve__signal;
	sigemptyset(&stop.sa_mask);
	stop.sa_flags = SA_RESTART;
	for (i = 0; i < 3; i++)
		sigaction(cx_serve__stopsigs[i], &stop, &oldstop[i]);
	re_main(NULL);
	for (i = 0; i < 3; i++)
		sigaction(cx_serve__stopsigs[i], &oldstop[i], NULL);
	sigaction(SIGHUP, &oldhup, NULL);
	if (once_sid)
		rc = cx_serve__st.once_status < 0 ? 1 : cx_serve__st.once_status;
 out:
	cx_clock_background(&cx_serve__st.tmr, 0);
	tmr_cancel(&cx_serve__st.tmr);
	e->stop_when_idle = 0;
	e->endh = NULL;
	cx_serve__st.eng = NULL;
	return rc;
}
