/*
 * main.c — cx_main: the command line of a compiled CCXML program (design.md, docs/runtime.md).
 *
 * A client of the public API only (cx.h), as Lua's lua.c is of lua.h: the options fill a
 * cx_engine_cfg from one table (which also writes --help), then cx_engine_alloc,
 * cx_session_start and cx_engine_main do the rest, exactly as for an embedder.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cx.h"

#define CX_MAIN_MAXTOKENS 64
#define CX_MAIN_MAXVALUES 64
#define CX_MAIN_MAXREGS 16

/* What the command line gathers besides the engine configuration. */
typedef struct cx_main_cli {
	cx_engine_cfg cfg;
	const char *prog;
	int once, help, version, malloc_tcache, realtime;
	const char *log_format, *log_file, *log_level;
	const char *toks[CX_MAIN_MAXTOKENS];
	const char *regs[CX_MAIN_MAXREGS];
	const char *kv[2 * CX_MAIN_MAXVALUES]; /* --values key/value pairs */
	size_t nkv;
	char *kvbuf[CX_MAIN_MAXVALUES];        /* the keys, cut from "k=v" */
} cx_main_cli;

/* Section - Option setters: NULL, or a message for "PROG: --OPT MESSAGE" */

typedef struct cx_main_opt {
	const char *name;
	int arg;               /* no_argument, required_argument, optional_argument */
	const char *argname;   /* in --help */
	const char *(*set)(cx_main_cli *c, const struct cx_main_opt *o, const char *v);
	const char *help;      /* lines after the first are indented under it */
	size_t off;            /* cx_main__str, cx_main__flag: where the value goes in cx_main_cli */
} cx_main_opt;

/* A string option stored as given, and a flag set to 1 (the table says where). */
static const char *cx_main__str(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	*(const char **)((char *)c + o->off) = v;
	return NULL;
}

static const char *cx_main__flag(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	*(int *)((char *)c + o->off) = 1;
	return NULL;
}

static const char *cx_main__num(const char *v, long long lo, long long hi, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = v ? strtoll(v, &end, 10) : 0;
	if (!v || !*v || *end || errno || n < lo || n > hi)
		return "out of range";
	*out = n;
	return NULL;
}

static const char *cx_main__sim(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	c->cfg.use_sim = 1;
	c->cfg.sim_file = v;
	return NULL;
}

/* --max-sessions and --max-calls when not given (docs/runtime.md) */
#define CX_MAIN_MAX_SESSIONS 10000
#define CX_MAIN_MAX_CALLS 10000

/* A limit (--max-sessions, --max-calls, --max-queue, --sip-max-connections[-per-address]): a
 * count into the uint32_t at o->off. */
static const char *cx_main__limit(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	long long n;

	if (cx_main__num(v, 1, 10000000, &n))
		return "needs a number from 1 to 10000000";
	*(uint32_t *)((char *)c + o->off) = (uint32_t)n;
	return NULL;
}

static const char *cx_main__cps(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	char *end;
	double r;

	errno = 0;
	r = strtod(v, &end);
	if (errno || end == v || *end || !(r >= 0.01 && r <= 10000))
		return "needs calls per second from 0.01 to 10000 (e.g. 10 or 0.5)";
	c->cfg.max_cps = r;
	return NULL;
}

static const char *cx_main__values(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	const char *eq = strchr(v, '=');
	size_t i = c->nkv / 2;

	if (!eq || eq == v)
		return "needs key=value";
	if (i >= CX_MAIN_MAXVALUES)
		return "is given too often";
	c->kvbuf[i] = strndup(v, (size_t)(eq - v));
	if (!c->kvbuf[i])
		return "cannot be stored (out of memory)";
	c->kv[c->nkv++] = c->kvbuf[i];
	c->kv[c->nkv++] = eq + 1;
	return NULL;
}

static const char *cx_main__budget(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	long long n;

	if (cx_main__num(v, 1, INT64_MAX, &n))
		return "needs a positive number";
	c->cfg.budget = n;
	return NULL;
}

static const char *cx_main__heap(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	long long n;

	if (cx_main__num(v, 1, 65536, &n))
		return "needs a positive number of MiB up to 65536";
	c->cfg.heap_limit = (size_t)n << 20;
	return NULL;
}

static const char *cx_main__token(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	if (c->cfg.ntokens >= CX_MAIN_MAXTOKENS)
		return "is given too often (use --tokens FILE)";
	c->toks[c->cfg.ntokens++] = v;
	c->cfg.tokens = c->toks;
	return NULL;
}

static const char *cx_main__grace(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	long long n;

	if (cx_main__num(v, 0, 3600, &n))
		return "needs seconds from 0 to 3600";
	c->cfg.grace_ms = n ? (uint32_t)n * 1000 : CX_GRACE_NONE;
	return NULL;
}

/* An option whose value is one of the words of its argname ("off|offer|require"), stored as
 * the word's index where the table says: --srtp, --rtp-latch, --rtcp, --media-thread, whose
 * enums in cx.h (CX_SRTP_*, CX_RTP_LATCH_*, CX_RTCP_*, CX_MEDIA_THREAD_*) list the words in
 * that order. */
static const char *cx_main__word(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	static char msg[96];
	const char *w = o->argname, *bar;
	int i;

	for (i = 0;; i++, w = bar + 1) {
		bar = strchr(w, '|');
		size_t n = bar ? (size_t)(bar - w) : strlen(w);
		if (strlen(v) == n && !strncmp(w, v, n)) {
			*(int *)((char *)c + o->off) = i;
			return NULL;
		}
		if (!bar)
			break;
	}
	snprintf(msg, sizeof(msg), "needs one of %s", o->argname);
	return msg;
}

/* --rtp-timeout / --max-call-duration / --sip-connection-idle SECONDS; 0 turns the clock off */
static const char *cx_main__calltime(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	long long n;

	if (cx_main__num(v, 0, 86400, &n))
		return "needs seconds from 0 to 86400 (0: off)";
	if (!strcmp(o->name, "rtp-timeout"))
		c->cfg.rtp_timeout_s = n ? (uint32_t)n : CX_RTP_TIMEOUT_NONE;
	else if (!strcmp(o->name, "sip-connection-idle"))
		c->cfg.sip_conn_idle_s = n ? (uint32_t)n : CX_SIP_CONN_IDLE_NONE;
	else
		c->cfg.max_call_s = (uint32_t)n;
	return NULL;
}

/* --vxml-final-time SECONDS (docs/voicexml.md "The caller hangs up") */
static const char *cx_main__vxfinal(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	long long n;

	(void)o;
	if (cx_main__num(v, 1, 3600, &n))
		return "needs seconds from 1 to 3600";
	c->cfg.vxml_final_s = (uint32_t)n;
	return NULL;
}

static const char *cx_main__register(cx_main_cli *c, const cx_main_opt *o, const char *v)
{
	if (c->cfg.nsip_registers >= CX_MAIN_MAXREGS)
		return "is given too often (at most 16 registrations)";
	c->regs[c->cfg.nsip_registers++] = v;
	c->cfg.sip_registers = c->regs;
	return NULL;
}

/* Section - The table: parsing and --help both come from it */


static const cx_main_opt cx_main__opts[] = {
	{"sim", optional_argument, "FILE", cx_main__sim,
	 "simulated telephony; with =FILE driven by a scenario (docs/sim.md)", 0},
	{"realtime", no_argument, NULL, cx_main__flag,
	 "the simulator's timers take their real time (default: a virtual clock\n"
	 "that skips every wait; docs/sim.md)", offsetof(cx_main_cli, realtime)},
	{"once", no_argument, NULL, cx_main__flag,
	 "start one session now (startupmode 'external'), exit when it ends:\n"
	 "status 0 after <exit>, 1 after an unhandled error", offsetof(cx_main_cli, once)},
	{"media-root", required_argument, "DIR", cx_main__str,
	 "where relative media URIs resolve (default: .)", offsetof(cx_main_cli, cfg.media_root)},
	{"docroot", required_argument, "DIR", cx_main__str,
	 "files <fetch>/<createccxml> (file: or relative URIs) and their\n"
	 "<script src> may read: only from under DIR (default: none; docs/fetch.md)",
	 offsetof(cx_main_cli, cfg.docroot)},
	{"record-dir", required_argument, "DIR", cx_main__str,
	 "where record:NAME.wav dialogs and VoiceXML <record> write (default: no recording)",
	 offsetof(cx_main_cli, cfg.record_dir)},
	{"max-sessions", required_argument, "N", cx_main__limit,
	 "at most N sessions at a time (default 10000)", offsetof(cx_main_cli, cfg.max_sessions)},
	{"max-calls", required_argument, "N", cx_main__limit,
	 "at most N calls at a time, inbound and outbound (default 10000;\n"
	 "past it INVITEs get 503 and <createcall> connection.failed)",
	 offsetof(cx_main_cli, cfg.max_calls)},
	{"max-queue", required_argument, "N", cx_main__limit,
	 "at most N events queued per session (default 10000; past it\n"
	 "<send>s to the session fail and basichttp events get 503)",
	 offsetof(cx_main_cli, cfg.max_queue)},
	{"max-cps", required_argument, "R", cx_main__cps,
	 "place at most R outbound calls per second (more wait their turn)", 0},
	{"values", required_argument, "k=v", cx_main__values,
	 "a session.values entry of the --once session (repeatable)", 0},
	{"budget", required_argument, "N", cx_main__budget,
	 "execution budget of one event, in loop iterations and calls\n"
	 "(default 2000000; past it the event gets error.semantic)", 0},
	{"heap-limit", required_argument, "MB", cx_main__heap,
	 "heap limit of one session in MiB (default 64)", 0},
	{"sip", required_argument, "ADDR:PORT", cx_main__str,
	 "SIP telephony (docs/sip.md): listen on ADDR:PORT (UDP and TCP),\n"
	 "place and take real calls; ADDR may be 0.0.0.0 (see --public-addr)", offsetof(cx_main_cli, cfg.sip_addr)},
	{"gateway", required_argument, "HOST[:PORT]", cx_main__str,
	 "where tel: numbers and sip:N!HOST@GW destinations are sent", offsetof(cx_main_cli, cfg.sip_gateway)},
	{"transport", required_argument, "udp|tcp", cx_main__str,
	 "transport of outbound calls (default udp)", offsetof(cx_main_cli, cfg.sip_transport)},
	{"sip-trace", required_argument, "FILE", cx_main__str,
	 "append every SIP message sent and received to FILE (SIGHUP reopens it)",
	 offsetof(cx_main_cli, cfg.sip_trace)},
	{"sip-proxy", required_argument, "URI", cx_main__str,
	 "outbound proxy: every outbound INVITE and REGISTER goes through it", offsetof(cx_main_cli, cfg.sip_proxy)},
	{"public-addr", required_argument, "IP", cx_main__str,
	 "our address in Contact and SDP (default: the --sip address, or with\n"
	 "0.0.0.0 the local address of the route to the peer)", offsetof(cx_main_cli, cfg.sip_public_addr)},
	{"sip-credentials", required_argument, "FILE", cx_main__str,
	 "digest credentials, one 'REALM-OR-HOST USER PASSWORD' a line\n"
	 "(mode 600: a file open to group or others is refused)", offsetof(cx_main_cli, cfg.sip_credentials)},
	{"sip-tls-cert", required_argument, "FILE", cx_main__str,
	 "SIP over TLS with this PEM certificate and key: listen on the --sip\n"
	 "port + 1; sips: and ;transport=tls destinations", offsetof(cx_main_cli, cfg.sip_tls_cert)},
	{"sip-tls-ca", required_argument, "FILE|DIR", cx_main__str,
	 "the CAs the certificates of the far ends we call over TLS must chain to\n"
	 "(PEM file, or a hashed directory); default: the system's store", offsetof(cx_main_cli, cfg.sip_tls_ca)},
	{"sip-tls-no-verify", no_argument, NULL, cx_main__flag,
	 "do not check the far ends' TLS certificates (labs only: anyone on\n"
	 "the path can pose as them)", offsetof(cx_main_cli, cfg.sip_tls_no_verify)},
	{"srtp", required_argument, "off|offer|require", cx_main__word,
	 "SRTP with SDES keys (docs/sip.md): offer: our offers RTP/SAVP, a\n"
	 "caller's plain or SAVP offer taken; require: plain RTP refused (488,\n"
	 "connection.failed); default off: plain RTP only", offsetof(cx_main_cli, cfg.sip_srtp)},
	{"dns-server", required_argument, "ADDR[:PORT]", cx_main__str,
	 "the name server SIP asks for host names (default: those of\n"
	 "/etc/resolv.conf)", offsetof(cx_main_cli, cfg.dns_server)},
	{"register", required_argument, "URI", cx_main__register,
	 "(repeatable) register sip:USER@REGISTRAR[:PORT][;expires=N]\n"
	 "[;transport=tcp]: refreshed, retried with back-off, unregistered on stop", 0},
	{"rtp-latch", required_argument, "nat|off", cx_main__word,
	 "nat (default): a far end whose SDP names a private address gets our\n"
	 "RTP where its own comes from; off: always the SDP's address (docs/sip.md)",
	 offsetof(cx_main_cli, cfg.rtp_latch)},
	{"rtcp", required_argument, "on|off", cx_main__word,
	 "on (default): RTCP reports (SRTCP on SRTP calls), the far end's in call\n"
	 "records; off: none sent or read (docs/sip.md)", offsetof(cx_main_cli, cfg.rtcp)},
	{"media-thread", required_argument, "auto|on|off", cx_main__word,
	 "who sends prompts' and joins' RTP: a thread of its own (on; auto, the\n"
	 "default: with two CPUs or more) or the event loop (off; docs/sip.md)",
	 offsetof(cx_main_cli, cfg.media_thread)},
	{"rtp-timeout", required_argument, "SECONDS", cx_main__calltime,
	 "end a connected call whose far end sent no RTP for that long\n"
	 "(default 60, 0: never; docs/sip.md)", 0},
	{"vxml-final-time", required_argument, "SECONDS", cx_main__vxfinal,
	 "a VoiceXML dialog goes on at most that long after its caller hung up\n"
	 "(its final processing state: handlers that submit; 1-3600, default 60;\n"
	 "docs/voicexml.md)", 0},
	{"max-call-duration", required_argument, "SECONDS", cx_main__calltime,
	 "end a connected call that long after it connected (default 0: no limit)", 0},
	{"sip-max-connections", required_argument, "N", cx_main__limit,
	 "at most N inbound SIP connections over TCP and TLS at a time (default\n"
	 "1024, or a quarter of the descriptor limit; more are refused at once)",
	 offsetof(cx_main_cli, cfg.sip_max_conns)},
	{"sip-max-connections-per-address", required_argument, "N", cx_main__limit,
	 "at most N of them from one address, IPv6: one /64 (default 32)",
	 offsetof(cx_main_cli, cfg.sip_max_conns_per_addr)},
	{"sip-connection-idle", required_argument, "SECONDS", cx_main__calltime,
	 "close an inbound TCP/TLS connection without a call after that long\n"
	 "without a byte (default 60, 0: never; docs/sip.md)", 0},
	{"http", required_argument, "ADDR:PORT", cx_main__str,
	 "HTTP listener (docs/http.md): token start, basichttp, createsession,\n"
	 "/health; port 0 picks a free port (printed on stderr)", offsetof(cx_main_cli, cfg.http_addr)},
	{"token", required_argument, "ID[=DOC][,max=N]", cx_main__token,
	 "(repeatable) token ID starts DOC (default: the first document),\n"
	 "at most N of its sessions at a time", 0},
	{"tokens", required_argument, "FILE", cx_main__str, "tokens, one ID[=DOC][,max=N] a line", offsetof(cx_main_cli, cfg.tokens_file)},
	{"inject-token", required_argument, "T", cx_main__str,
	 "basichttp injection into any session (16+ characters)", offsetof(cx_main_cli, cfg.inject_token)},
	{"admin-token-file", required_argument, "FILE", cx_main__str,
	 "its first line is the token of GET /metrics and /sessions\n"
	 "(Authorization: Bearer; read again on SIGHUP)", offsetof(cx_main_cli, cfg.admin_token_file)},
	{"cdr-file", required_argument, "FILE", cx_main__str,
	 "a call record (JSON) per connection appended to FILE", offsetof(cx_main_cli, cfg.cdr_file)},
	{"cdr-url", required_argument, "URL", cx_main__str,
	 "POST each call record to URL (with --cdr-spool; retried until a 2xx)",
	 offsetof(cx_main_cli, cfg.cdr_url)},
	{"cdr-spool", required_argument, "DIR", cx_main__str,
	 "where records wait for --cdr-url, across restarts", offsetof(cx_main_cli, cfg.cdr_spool)},
	{"smtp", required_argument, "HOST:PORT", cx_main__str,
	 "SMTP server for <voxeo:sendemail>", offsetof(cx_main_cli, cfg.smtp)},
	{"mail-from", required_argument, "ADDR", cx_main__str, "default sender of mails", offsetof(cx_main_cli, cfg.mail_from)},
	{"grace", required_argument, "SECONDS", cx_main__grace,
	 "on SIGTERM/SIGINT in service mode, wait this long for sessions to\n"
	 "end after ccxml.kill (default 10; docs/service.md)", 0},
	{"node-id", required_argument, "ID", cx_main__str,
	 "this node's id in a cluster (1-8 of a-z0-9): session ids start with it\n"
	 "(docs/cluster.md)", offsetof(cx_main_cli, cfg.node_id)},
	{"http-public", required_argument, "URL", cx_main__str,
	 "the base of session.ioprocessors URIs when a front (a load balancer)\n"
	 "routes to this node (docs/cluster.md)", offsetof(cx_main_cli, cfg.http_public)},
	{"malloc-tcache", no_argument, NULL, cx_main__flag,
	 "keep glibc malloc's per-thread cache in service mode (by default the\n"
	 "program starts itself again once with it off: memory then stays flat\n"
	 "over hours of calls; docs/service.md)", offsetof(cx_main_cli, malloc_tcache)},
	{"trace", no_argument, NULL, cx_main__flag,
	 "log each event: session, state, event, the transition chosen (file:line)\n"
	 "or 'no transition'", offsetof(cx_main_cli, cfg.trace)},
	{"log-format", required_argument, "FMT", cx_main__str,
	 "plain (default), text (timestamp, level, session, connection,\n"
	 "Call-ID), json (an object a line) or journal (default under systemd)",
	 offsetof(cx_main_cli, log_format)},
	{"log-file", required_argument, "FILE", cx_main__str,
	 "every log line to FILE (appended; SIGHUP reopens it)", offsetof(cx_main_cli, log_file)},
	{"log-level", required_argument, "LEVEL", cx_main__str,
	 "error, warning, notice, info (default) or debug", offsetof(cx_main_cli, log_level)},
	{"help", no_argument, NULL, cx_main__flag, "this text", offsetof(cx_main_cli, help)},
	{"version", no_argument, NULL, cx_main__flag, "the runtime's and the document's version",
	 offsetof(cx_main_cli, version)},
};
#define CX_MAIN_NOPTS (sizeof(cx_main__opts) / sizeof(cx_main__opts[0]))

static void cx_main__usage(FILE *f, const char *prog)
{
	size_t i;

	fprintf(f, "usage: %s [options]\n", prog);
	for (i = 0; i < CX_MAIN_NOPTS; i++) {
		const cx_main_opt *o = &cx_main__opts[i];
		const char *h = o->help, *nl;
		char head[48];
		snprintf(head, sizeof(head), "--%s%s%s%s", o->name,
			 o->arg == optional_argument ? "[=" : o->arg == required_argument ? " " : "",
			 o->argname ? o->argname : "", o->arg == optional_argument ? "]" : "");
		fprintf(f, "  %-22s", head);
		if (strlen(head) > 20) /* no room for the two spaces before the text (scripts/man.sh) */
			fprintf(f, "\n  %-22s", "");
		while ((nl = strchr(h, '\n'))) {
			fprintf(f, "%.*s\n  %-22s", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fprintf(f, "%s\n", h);
	}
}

/* Parse argv into c; 0, or 2 after a message. */
static int cx_main__parse(cx_main_cli *c, int argc, char **argv)
{
	struct option lo[CX_MAIN_NOPTS + 1];
	size_t i;
	int ch;

	memset(lo, 0, sizeof(lo));
	for (i = 0; i < CX_MAIN_NOPTS; i++) {
		lo[i].name = cx_main__opts[i].name;
		lo[i].has_arg = cx_main__opts[i].arg;
		lo[i].val = 256 + (int)i;
	}
	optind = 0; /* 0: a full re-initialisation (cx_main may run more than once) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		const cx_main_opt *o;
		const char *why;
		if (ch == 'h') {
			c->help = 1;
			continue;
		}
		if (ch == '?' || ch == ':') {
			const char *a = argv[optind - 1];
			if (optopt >= 256)
				fprintf(stderr, "%s: --%s needs a value (try --help)\n", c->prog,
					cx_main__opts[optopt - 256].name);
			else
				fprintf(stderr, "%s: unknown option '%s' (try --help)\n", c->prog, a);
			return 2;
		}
		o = &cx_main__opts[ch - 256];
		if (o->arg == required_argument && !*optarg) {
			fprintf(stderr, "%s: --%s needs a value (try --help)\n", c->prog, o->name);
			return 2;
		}
		why = o->set(c, o, optarg);
		if (why) {
			fprintf(stderr, "%s: --%s %s\n", c->prog, o->name, why);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", c->prog, argv[optind]);
		return 2;
	}
	return 0;
}

static int cx_main__run(cx_main_cli *c, const cx_doc *const *docs, int ndocs)
{
	cx_engine *e = NULL;
	char sid[64];
	int err, rc;

	c->cfg.docs = docs;
	c->cfg.ndocs = ndocs;
	if (!c->cfg.sip_addr && (c->cfg.sip_gateway || c->cfg.sip_transport || c->cfg.sip_proxy ||
				 c->cfg.sip_public_addr || c->cfg.sip_credentials || c->cfg.nsip_registers ||
				 c->cfg.sip_tls_cert || c->cfg.sip_tls_ca || c->cfg.sip_tls_no_verify ||
				 c->cfg.dns_server || c->cfg.sip_max_conns || c->cfg.sip_max_conns_per_addr ||
				 c->cfg.sip_conn_idle_s || c->cfg.sip_srtp || c->cfg.rtp_latch || c->cfg.rtcp ||
				 c->cfg.media_thread))
		fprintf(stderr, "%s: --gateway, --transport, --sip-proxy, --public-addr, --sip-credentials, "
			"--register, --sip-tls-*, --dns-server, --sip-*connection*, --srtp, --rtp-latch, --rtcp "
			"and --media-thread only apply with --sip\n",
			c->prog);
	if (!c->cfg.use_sim && !c->cfg.sip_addr) {
		fprintf(stderr, "%s: no telephony provider given; using the simulator (--sim)\n",
			c->prog);
		c->cfg.use_sim = 1;
	}
	c->cfg.virtual_clock = c->cfg.use_sim && !c->realtime;
	if (c->nkv && !c->once)
		fprintf(stderr, "%s: --values only applies to the --once session\n", c->prog);
	err = cx_engine_alloc(&e, &c->cfg);
	if (err)
		return 2;
	if (c->once) {
		err = cx_session_start(e, docs[0], c->kv, c->nkv / 2, sid, sizeof(sid));
		if (err) {
			fprintf(stderr, "%s: cannot start a session: %s\n", c->prog, strerror(err));
			cx_engine_free(e);
			return 1;
		}
	}
	rc = cx_engine_main(e, c->once ? sid : NULL);
	cx_engine_free(e);
	return rc;
}

/* Section - The allocator of a long-running service
 *
 * glibc's per-thread cache (tcache) keeps up to 7 freed blocks of each small size out of the
 * heap. Blocks parked there cannot merge with their free neighbours, and under calls' mix of
 * lifetimes (SIP transactions kept 32 s, messages and events freed at once) the heap then
 * fragments a little more with every burst: an hour at 50 calls/s grew the RSS by 11 % while
 * the bytes in use stayed flat. With the cache off (a tunable, read only when a program starts)
 * the same runs stay flat (docs/performance.md, Soak). So a service (--sip or --http, not
 * --once) on glibc starts itself again once with GLIBC_TUNABLES extended, unless the variable
 * already sets tcache_count or --malloc-tcache is given. */
#define CX_MAIN_TCACHE "glibc.malloc.tcache_count=0"

static void cx_main__malloc(const cx_main_cli *c, char **argv)
{
#ifdef __GLIBC__
	const char *old = getenv("GLIBC_TUNABLES"), *pre = getenv("LD_PRELOAD");
	char *env;

	/* (under valgrind, whose LD_PRELOAD holds vgpreload, an exec would leave the tool) */
	if (c->malloc_tcache || c->once || (!c->cfg.sip_addr && !c->cfg.http_addr) ||
	    (old && strstr(old, "glibc.malloc.tcache_count=")) || (pre && strstr(pre, "vgpreload")))
		return;
	if (old && *old) {
		size_t n = strlen(old) + sizeof(CX_MAIN_TCACHE) + 1;

		if (!(env = malloc(n)))
			return;
		snprintf(env, n, "%s:%s", old, CX_MAIN_TCACHE);
	} else if (!(env = strdup(CX_MAIN_TCACHE))) {
		return;
	}
	if (setenv("GLIBC_TUNABLES", env, 1) == 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "%s: cannot restart with %s (%s); malloc's cache stays on\n", c->prog,
			CX_MAIN_TCACHE, strerror(errno));
		if (old)
			(void)setenv("GLIBC_TUNABLES", old, 1);
		else
			(void)unsetenv("GLIBC_TUNABLES");
	}
	free(env);
#else
	(void)c;
	(void)argv;
#endif
}

int cx_main(int argc, char **argv, const cx_doc *const *docs, int ndocs)
{
	/* not on the stack: a collection within an event scans the C stack conservatively from
	 * the script's frames up to main's (stdlib heap.c), and the options (~4 KB) hold no value */
	cx_main_cli *c = calloc(1, sizeof(*c));
	int rc;
	size_t i;

	if (!c) {
		fprintf(stderr, "%s: out of memory\n", argc > 0 ? argv[0] : "ccxml");
		return 2;
	}
	c->prog = argc > 0 ? argv[0] : "ccxml";
	/* a document that starts sessions of itself (<createccxml> twice on ccxml.loaded), or
	 * that calls out on every event, must meet a bound before the process's memory (or the
	 * trunk) does */
	c->cfg.max_sessions = CX_MAIN_MAX_SESSIONS;
	c->cfg.max_calls = CX_MAIN_MAX_CALLS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!docs || ndocs < 1 || !docs[0]) {
		fprintf(stderr, "%s: no document compiled into this program\n", c->prog);
		rc = 2;
		goto out;
	}
	rc = cx_main__parse(c, argc, argv);
	if (rc)
		goto out;
	if (c->help) {
		cx_main__usage(stdout, c->prog);
		goto out;
	}
	if (c->version) {
		printf("%s (ccxmlc runtime %s, document %s)\n", c->prog, cx_version(),
		       docs[0]->name ? docs[0]->name : "?");
		goto out;
	}
	cx_main__malloc(c, argv);
	if (cx_log_setup(c->log_format, c->log_file, c->log_level)) {
		rc = 2;
		goto out;
	}
	if (cx_init()) {
		fprintf(stderr, "%s: cannot initialise libre\n", c->prog);
		rc = 2;
		goto out;
	}
	rc = cx_main__run(c, docs, ndocs);
	cx_close();
 out:
	for (i = 0; i < c->nkv / 2; i++)
		free(c->kvbuf[i]);
	free(c);
	fflush(stdout);
	cx_log_close();
	return rc;
}
