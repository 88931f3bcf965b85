/*
 * admin.c — what an operator sees of a running engine: the counters (cx_met_*, called where
 * things happen), their Prometheus text exposition (GET /metrics) and the session inspector
 * (GET /sessions). http.c serves both behind the admin token (docs/service.md, Operations).
 *
 * Counters are plain integers in the engine (one loop thread: no atomics). Label sets are
 * small and bounded: a value the network or a document chooses (a failure reason, an HTTP
 * route) is counted under "other" once the table is full, so no peer can grow it.
 */
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/resource.h>
#include <malloc.h>
#include "prov.h"

/* Section - Counting */

static const double cx_met__bounds[CX_MET_LAT_N] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
};

void cx_met_heap(uint64_t *inuse, uint64_t *held)
{
	struct mallinfo2 mi = mallinfo2(); /* one walk of malloc's bins gives both */

	*inuse = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd; /* small blocks + mmap'd */
	*held = (uint64_t)mi.arena + (uint64_t)mi.hblkhd;    /* its heap + mmap'd */
}

uint64_t cx_met_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The entry of a (a, b) label pair in tab (n entries, the last one is "other"). */
static uint64_t *cx_met__slot(cx_met_kv *tab, size_t n, const char *a, const char *b)
{
	size_t i;

	a = a && *a ? a : "none";
	b = b && *b ? b : "none";
	for (i = 0; i < n - 1; i++) {
		if (!tab[i].a[0]) {
			str_ncpy(tab[i].a, a, sizeof(tab[i].a));
			str_ncpy(tab[i].b, b, sizeof(tab[i].b));
			return &tab[i].n;
		}
		if (!strncmp(tab[i].a, a, sizeof(tab[i].a) - 1) &&
		    !strncmp(tab[i].b, b, sizeof(tab[i].b) - 1))
			return &tab[i].n;
	}
	if (!tab[i].a[0]) {
		str_ncpy(tab[i].a, "other", sizeof(tab[i].a));
		str_ncpy(tab[i].b, "other", sizeof(tab[i].b));
	}
	return &tab[i].n;
}

void cx_met_call(cx_engine *e, int inbound, const char *outcome)
{
	++*cx_met__slot(e->met.calls, CX_MET_KV_N, inbound ? "inbound" : "outbound", outcome);
}

void cx_met_http(cx_engine *e, const char *route, unsigned code)
{
	char c[8];

	snprintf(c, sizeof(c), "%u", code);
	++*cx_met__slot(e->met.http, CX_MET_KV_N, route, c);
}

void cx_met_sip_response(cx_engine *e, int code)
{
	if (code >= 100 && code < 700)
		e->met.sip_resp[code - 100]++;
}

/* The buckets of a call's jitter and of its round trip, seconds (ITU-T G.114 puts a one-way
 * delay of 150 ms at the edge of good conversation; jitter past 30 ms needs a deep buffer). */
static const double cx_met__jbounds[CX_MET_Q_N] = {
	0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25,
};
static const double cx_met__rbounds[CX_MET_Q_N] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.3, 0.5, 1.0,
};

static void cx_met__observe(cx_met_hist *h, const double *bounds, double v)
{
	size_t i;

	for (i = 0; i < CX_MET_Q_N && v > bounds[i]; i++)
		;
	h->n[i]++;
	h->count++;
	h->sum += v;
}

void cx_met_quality(cx_engine *e, const cx_rtp_quality *q)
{
	if (!q->ok)
		return;
	e->met.rtp_lost += q->lost > 0 ? (uint64_t)q->lost : 0;
	e->met.rtcp_rx += q->rtcp_rx;
	cx_met__observe(&e->met.jitter, cx_met__jbounds, q->jitter_us / 1e6);
	if (q->far && q->rtt_us)
		cx_met__observe(&e->met.rtt, cx_met__rbounds, q->rtt_us / 1e6);
}

void cx_met_event(cx_engine *e, uint64_t posted_us, unsigned n)
{
	double s = (double)(cx_met_now_us() - posted_us) / 1e6;
	size_t i;

	e->met.events += n;
	e->met.ev_sum += s * n;
	for (i = 0; i < CX_MET_LAT_N && s > cx_met__bounds[i]; i++)
		;
	e->met.ev_lat[i] += n;
}

/* Section - Prometheus text exposition (format 0.0.4) */

/* A label value: backslash, double quote and newline escaped. */
static int cx_met__lv(struct re_printf *pf, void *arg)
{
	const char *s = arg, *run = s;
	int err = 0;

	for (; !err && *s; s++) {
		if (*s != '\\' && *s != '"' && *s != '\n')
			continue;
		err = re_hprintf(pf, "%b\\%c", run, (size_t)(s - run), *s == '\n' ? 'n' : *s);
		run = s + 1;
	}
	return err ? err : re_hprintf(pf, "%s", run);
}

static void cx_met__head(struct mbuf *mb, const char *name, const char *type, const char *help)
{
	(void)mbuf_printf(mb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A histogram: n buckets' upper bounds and counts (counts[n] the +Inf one), sum, count. */
static void cx_met__hist(struct mbuf *mb, const char *name, const char *help,
			 const double *bounds, size_t n, const uint64_t *counts, double sum,
			 uint64_t count)
{
	uint64_t cum = 0;
	size_t i;

	cx_met__head(mb, name, "histogram", help);
	for (i = 0; i < n; i++) {
		char le[32];
		snprintf(le, sizeof(le), "%g", bounds[i]); /* re_printf has no %g */
		cum += counts[i];
		(void)mbuf_printf(mb, "%s_bucket{le=\"%s\"} %llu\n", name, le,
				  (unsigned long long)cum);
	}
	cum += counts[n];
	(void)mbuf_printf(mb, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name,
			  (unsigned long long)cum, name, sum, name, (unsigned long long)count);
}

static void cx_met__one(struct mbuf *mb, const char *name, const char *type, const char *help,
			uint64_t v)
{
	cx_met__head(mb, name, type, help);
	(void)mbuf_printf(mb, "%s %llu\n", name, (unsigned long long)v);
}

/* A counter with one label of two values: name{label="a"} va, name{label="b"} vb. */
static void cx_met__two(struct mbuf *mb, const char *name, const char *help, const char *label,
			const char *a, uint64_t va, const char *b, uint64_t vb)
{
	cx_met__head(mb, name, "counter", help);
	(void)mbuf_printf(mb, "%s{%s=\"%s\"} %llu\n%s{%s=\"%s\"} %llu\n", name, label, a,
			  (unsigned long long)va, name, label, b, (unsigned long long)vb);
}

static void cx_met__kv(struct mbuf *mb, const char *name, const char *help, const char *la,
		       const char *lb, const cx_met_kv *tab)
{
	size_t i;

	cx_met__head(mb, name, "counter", help);
	for (i = 0; i < CX_MET_KV_N && tab[i].a[0]; i++)
		(void)mbuf_printf(mb, "%s{%s=\"%H\",%s=\"%H\"} %llu\n", name, la, cx_met__lv,
				  tab[i].a, lb, cx_met__lv, tab[i].b, (unsigned long long)tab[i].n);
}

/* Memory, descriptors and CPU of this process, as Prometheus' client libraries name them. */
static void cx_met__process(struct mbuf *mb, const cx_engine *e)
{
	struct rusage ru;
	long pages = 0, rss = 0;
	uint64_t fds = 0, inuse, held;
	FILE *f = fopen("/proc/self/statm", "r");
	DIR *d;

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	d = opendir("/proc/self/fd");
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)))
			fds += de->d_name[0] != '.';
		closedir(d);
		fds = fds ? fds - 1 : 0; /* the directory's own descriptor */
	}
	getrusage(RUSAGE_SELF, &ru);
	cx_met__head(mb, "process_cpu_seconds_total", "counter", "User and system CPU time spent.");
	(void)mbuf_printf(mb, "process_cpu_seconds_total %.3f\n",
			  (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	cx_met__one(mb, "process_resident_memory_bytes", "gauge", "Resident memory size.",
		    (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE));
	cx_met__one(mb, "process_open_fds", "gauge", "Open file descriptors.", fds);
	cx_met_heap(&inuse, &held);
	cx_met__one(mb, "ccxml_heap_inuse_bytes", "gauge", "Bytes the process has allocated and not "
		    "freed (malloc's count; the RSS also holds what is free but not returned).", inuse);
	cx_met__one(mb, "ccxml_heap_held_bytes", "gauge", "Bytes malloc holds from the system (its "
		    "heap and mapped blocks): held minus in use is free memory kept by the allocator.",
		    held);
	cx_met__one(mb, "process_start_time_seconds", "gauge",
		    "Start time of the engine since the epoch.", e->met.start_s);
}

int cx_admin_metrics(cx_engine *e, struct mbuf *mb)
{
	static const char *const how[] = {"none", "exit", "error", "kill"};
	static const char *const srtp_why[] = {"auth", "replay", "ssrcs", "malformed"};
	size_t i;

	cx_met__one(mb, "ccxml_sessions", "gauge", "Sessions running now.", e->nsess);
	cx_met__one(mb, "ccxml_sessions_started_total", "counter", "Sessions started.",
		    e->nsess_total);
	cx_met__head(mb, "ccxml_sessions_ended_total", "counter", "Sessions ended, by how.");
	for (i = 1; i < 4; i++)
		(void)mbuf_printf(mb, "ccxml_sessions_ended_total{how=\"%s\"} %llu\n", how[i],
				  (unsigned long long)e->met.sess_ended[i]);
	cx_met__kv(mb, "ccxml_calls_total", "Calls by direction and outcome (connected, or the "
		   "failure reason).", "direction", "outcome", e->met.calls);
	cx_met__one(mb, "ccxml_calls_waiting", "gauge", "Outbound calls waiting for --max-cps.",
		    cx_pace_queued(e));
	cx_met__one(mb, "ccxml_calls", "gauge", "Calls now (from <createcall> or the offer to "
		    "their end), counted against --max-calls.", e->ncalls);
	cx_met__one(mb, "ccxml_connections_held", "gauge", "Connection objects in memory: the "
		    "calls of running sessions, and an ended one until the events still queued about "
		    "it have run (the process's, whatever engine).", cx_conn_held());
	cx_met__one(mb, "ccxml_dialogs_held", "gauge", "Dialog objects in memory: the dialogs of "
		    "running sessions, and an exited one until the events still queued about it have "
		    "run (the process's, whatever engine).", cx_dlg_held());
	cx_met__two(mb, "ccxml_calls_refused_total", "Calls refused at --max-calls, by direction.",
		    "direction", "inbound", e->met.calls_refused[1], "outbound",
		    e->met.calls_refused[0]);
	cx_met__one(mb, "ccxml_sip_connections", "gauge", "Inbound SIP connections over TCP and "
		    "TLS open now (--sip-max-connections).", cx_sip_tcp_conns(e));
	cx_met__two(mb, "ccxml_sip_connections_refused_total", "Inbound SIP connections over TCP "
		    "and TLS refused at once, by the limit reached.", "limit", "address",
		    e->met.sip_conn_refused[0], "total", e->met.sip_conn_refused[1]);
	cx_met__two(mb, "ccxml_sip_connections_closed_total", "Inbound SIP connections without a "
		    "call closed by us: idle (--sip-connection-idle), or yielding to a new one at "
		    "--sip-max-connections.", "reason", "idle", e->met.sip_conn_closed[0], "yielded",
		    e->met.sip_conn_closed[1]);
	cx_met__head(mb, "ccxml_sip_responses_total", "counter", "SIP final responses received "
		     "to our requests, by code.");
	for (i = 0; i < 600; i++)
		if (e->met.sip_resp[i])
			(void)mbuf_printf(mb, "ccxml_sip_responses_total{code=\"%zu\"} %llu\n",
					  i + 100, (unsigned long long)e->met.sip_resp[i]);
	cx_met__one(mb, "ccxml_rtp_packets_sent_total", "counter", "RTP packets sent.",
		    e->met.rtp_tx);
	cx_met__one(mb, "ccxml_rtp_packets_received_total", "counter", "RTP packets received.",
		    e->met.rtp_rx);
	cx_met__one(mb, "ccxml_rtp_packets_late_total", "counter",
		    "RTP packets received too late to be played (dropped by the jitter buffer).",
		    e->met.rtp_late);
	cx_met__one(mb, "ccxml_rtp_packets_skipped_total", "counter",
		    "RTP packets of prompts and joins not sent: the program was late for its media "
		    "clock (logged as a warning).", e->met.rtp_skipped);
	cx_met__one(mb, "ccxml_rtp_send_errors_total", "counter",
		    "RTP packets whose send failed (e.g. no route to the far end; logged a line per "
		    "10 s at most).", e->met.rtp_send_err);
	cx_met__head(mb, "ccxml_srtp_packets_dropped_total", "counter", "SRTP packets received "
		     "and dropped, by reason: failed authentication, replayed, a new SSRC past the "
		     "ones a key remembers, not RTP (docs/sip.md \"SRTP\").");
	for (i = 0; i < 4; i++)
		(void)mbuf_printf(mb, "ccxml_srtp_packets_dropped_total{reason=\"%s\"} %llu\n",
				  srtp_why[i], (unsigned long long)e->met.srtp_bad[i]);
	cx_met__kv(mb, "ccxml_http_requests_total", "HTTP requests answered, by route and status "
		   "code.", "route", "code", e->met.http);
	cx_met__two(mb, "ccxml_fetches_total", "Document fetches (<fetch>, <createccxml>), by "
		    "outcome.", "outcome", "ok", e->met.fetch_ok, "error", e->met.fetch_err);
	cx_met__one(mb, "ccxml_compiles_total", "counter", "Documents fetched at run time and "
		    "compiled (docs/fetch.md).", e->met.doc_compiles);
	cx_met__one(mb, "ccxml_compile_cache_hits_total", "counter", "Documents fetched at run "
		    "time whose compiled program was already there.", e->met.doc_cache_hits);
	cx_met__one(mb, "ccxml_fetch_not_modified_total", "counter", "Documents revalidated with "
		    "the server (304 Not Modified): the kept program ran.", e->met.doc_revalidated);
	cx_met__two(mb, "ccxml_source_cache_total", "Scripts, grammars and application roots of "
		    "fetched documents taken from the HTTP cache, by how: fresh (no request) or "
		    "not_modified (a 304).", "how", "fresh", e->met.src_fresh, "not_modified",
		    e->met.src_revalidated);
	cx_met__one(mb, "ccxml_doc_cache_removed_total", "counter", "Old files removed from the "
		    "document cache directory.", e->met.doc_cache_removed);
	cx_met__one(mb, "ccxml_events_refused_total", "counter", "Events refused because their "
		    "session's queue was full: <send>s, basichttp, delayed sends (--max-queue).",
		    e->met.ev_refused);
	cx_met__one(mb, "ccxml_sessions_runaway_total", "counter", "Sessions ended because their "
		    "event queue passed four times --max-queue.", e->met.runaway);
	cx_met__one(mb, "ccxml_cdr_records_total", "counter", "Call records written.",
		    e->met.cdr_records);
	cx_met__two(mb, "ccxml_cdr_posts_total", "POSTs of call records to --cdr-url, by "
		    "outcome.", "outcome", "ok", e->met.cdr_sent, "error", e->met.cdr_failed);
	cx_met__one(mb, "ccxml_cdr_spooled", "gauge", "Call records waiting in the spool.",
		    cx_cdr_spooled(e));
	cx_met__head(mb, "ccxml_prompt_fetches_total", "counter", "Prompts fetched from a web "
		     "server, by outcome.");
	(void)mbuf_printf(mb, "ccxml_prompt_fetches_total{outcome=\"fetched\"} %llu\n"
			  "ccxml_prompt_fetches_total{outcome=\"not_modified\"} %llu\n"
			  "ccxml_prompt_fetches_total{outcome=\"error\"} %llu\n",
			  (unsigned long long)e->met.prompt[0], (unsigned long long)e->met.prompt[1],
			  (unsigned long long)e->met.prompt[2]);
	cx_met__hist(mb, "ccxml_event_latency_seconds", "Time from an event being queued to the "
		     "end of its transition.", cx_met__bounds, CX_MET_LAT_N, e->met.ev_lat,
		     e->met.ev_sum, e->met.events);
	cx_met__one(mb, "ccxml_rtp_packets_lost_total", "counter", "Packets of the far ends' RTP "
		    "streams lost on the way (RFC 3550 6.4.1), counted as each call ends.",
		    e->met.rtp_lost);
	cx_met__two(mb, "ccxml_rtcp_packets_total", "RTCP (or SRTCP) compound packets we sent, "
		    "and RTCP packets of the far ends we read (counted as each call ends).",
		    "direction", "sent", e->met.rtcp_tx, "received", e->met.rtcp_rx);
	cx_met__hist(mb, "ccxml_call_jitter_seconds", "Each call's interarrival jitter of the "
		     "far end's audio as the call ended (RFC 3550 A.8).", cx_met__jbounds,
		     CX_MET_Q_N, e->met.jitter.n, e->met.jitter.sum, e->met.jitter.count);
	cx_met__hist(mb, "ccxml_call_rtt_seconds", "Each call's last round trip from the far "
		     "end's RTCP reports (LSR/DLSR), for calls whose far end reported one.",
		     cx_met__rbounds, CX_MET_Q_N, e->met.rtt.n, e->met.rtt.sum, e->met.rtt.count);
	cx_met__process(mb, e);
	return 0;
}

/* Section - The session inspector */

/* A JSON string value, quotes included (cx_rt_json escapes what peers and documents chose). */
static int cx_admin__js(struct re_printf *pf, void *arg)
{
	return re_hprintf(pf, "\"%H\"", cx_rt_json, arg ? arg : "");
}

static void cx_admin__sess(struct mbuf *mb, const cx_sess *s)
{
	struct le *le;
	const char *sep = "";
	uint32_t nq = 0;

	LIST_FOREACH(&s->q, le) /* a send.successful kept as its event's trail counts too */
		nq += 1 + (((const cx_ev *)le->data)->trail != 0);
	(void)mbuf_printf(mb, "{\"id\":\"%s\",\"document\":%H,\"startupmode\":\"%s\",\"parent\":%H,"
			  "\"state\":\"%s\",\"queued_events\":%u,\"connections\":[", s->id,
			  cx_admin__js, s->doc && s->doc->name ? s->doc->name : "",
			  s->startupmode ? s->startupmode : "", cx_admin__js, s->parent,
			  s->ending ? "ending" : s->cur ? "running" : "idle", nq);
	LIST_FOREACH(&s->conns, le) {
		const cx_conn *c = le->data;
		if (c->removed)
			continue;
		(void)mbuf_printf(mb, "%s{\"id\":\"%s\",\"state\":\"%s\",\"direction\":\"%s\","
				  "\"local\":%H,\"remote\":%H,\"dialogid\":\"%s\"}", sep, c->id,
				  c->state ? c->state : "", c->inbound ? "inbound" : "outbound",
				  cx_admin__js, c->local, cx_admin__js, c->remote, c->dialogid);
		sep = ",";
	}
	(void)mbuf_printf(mb, "],\"dialogs\":[");
	sep = "";
	LIST_FOREACH(&s->dlgs, le) {
		const cx_dlg *d = le->data;
		if (d->removed)
			continue;
		(void)mbuf_printf(mb, "%s{\"id\":\"%s\",\"state\":\"%s\",\"src\":%H,\"type\":%H,"
				  "\"connectionid\":\"%s\",\"conferenceid\":\"%s\"}", sep, d->id,
				  d->state ? d->state : "", cx_admin__js, d->src, cx_admin__js,
				  d->type, d->connid, d->confid);
		sep = ",";
	}
	(void)mbuf_printf(mb, "],\"conferences\":[");
	sep = "";
	LIST_FOREACH(&s->confs, le) {
		const cx_conf *f = le->data;
		(void)mbuf_printf(mb, "%s{\"id\":\"%s\",\"name\":%H}", sep, f->id, cx_admin__js,
				  f->name);
		sep = ",";
	}
	(void)mbuf_printf(mb, "]}");
}

int cx_admin_sessions(cx_engine *e, const char *id, uint32_t limit, struct mbuf *mb)
{
	struct le *le;
	uint32_t n = 0;

	if (id) {
		cx_sess *s = cx_sess_find(e, id);
		if (!s)
			return ENOENT;
		cx_admin__sess(mb, s);
		(void)mbuf_printf(mb, "\n");
		return 0;
	}
	(void)mbuf_printf(mb, "{\"sessions_running\":%u,\"sessions\":[", e->nsess);
	LIST_FOREACH(&e->sessl, le) {
		if (n == limit)
			break;
		if (n++)
			(void)mbuf_printf(mb, ",");
		cx_admin__sess(mb, le->data);
	}
	(void)mbuf_printf(mb, "],\"truncated\":%s}\n", n < e->nsess ? "true" : "false");
	return 0;
}
