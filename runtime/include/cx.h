/*
 * cx.h — embedding API: run compiled CCXML documents (ccxmlc -c) inside your own C program.
 *
 *   cx_init();
 *   cx_engine_cfg cfg = {.docs = docs, .ndocs = 1, .use_sim = 1, .logh = my_log};
 *   cx_engine_alloc(&e, &cfg);
 *   cx_session_start(e, docs[0], NULL, 0, sid, sizeof(sid));
 *   cx_engine_poll(e);                                  // run what is queued
 *   cx_session_inject(e, sid, "door.open", kv, 2);     // your own events
 *   cx_engine_poll(e);
 *   cx_session_var(e, sid, "state", buf, sizeof(buf));  // read a document variable
 *   cx_engine_free(e); cx_close();
 *
 * Timers (delayed <send>, simulated calls) run in libre's main loop: call cx_engine_run(), or
 * run re_main() yourself. Every function returns 0 or a POSIX error code unless noted.
 * Everything must be called from one thread (the one that called cx_init).
 */
#ifndef CX_H
#define CX_H

#include <stddef.h>
#include <stdint.h>
#include "cx_gen.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CX_API_VERSION 9   /* 2: cx_engine_cfg.sip_tls_cert; 3: max_queue, sip_trace, max_calls;
			    * 4: sip_tls_ca, sip_tls_no_verify; 5: dns_server, sip_max_conns,
			    * sip_max_conns_per_addr, sip_conn_idle_s; 6: sip_srtp;
			    * 7: vxml_final_s; 8: rtp_latch, rtcp; 9: media_thread */

/* Section - Engine */

typedef struct cx_engine cx_engine;

/* One <log>: session id, label (NULL when absent) and value. Default: a line on stdout. */
typedef void (cx_log_h)(const char *sessid, const char *label, const char *value, void *arg);

/* Your own call control. Each callback is optional: NULL means the request succeeds at once
 * (e.g. <accept> gives connection.connected). Return 0 when the request was taken, and report
 * its outcome later with cx_conn_report / cx_dialog_report; non-zero makes it fail at once. */
typedef struct cx_callctl {
	int (*createcall)(void *arg, const char *sessid, const char *connid, const char *dest);
	int (*accept)(void *arg, const char *sessid, const char *connid);
	int (*reject)(void *arg, const char *sessid, const char *connid, const char *reason);
	int (*redirect)(void *arg, const char *sessid, const char *connid, const char *dest);
	int (*disconnect)(void *arg, const char *sessid, const char *connid);
	int (*dialogstart)(void *arg, const char *sessid, const char *dialogid, const char *connid,
			   const char *src, const char *type);
	int (*dialogterminate)(void *arg, const char *sessid, const char *dialogid);
	void *arg;
} cx_callctl;

/* A session ended: status 0 after <exit>, 1 after an unhandled error or a kill; how is "exit",
 * "unhandled error" or "killed". */
typedef void (cx_end_h)(const char *sessid, int status, const char *how, void *arg);

/* Everything a compiled program's command line can set (docs/runtime.md) is a field here: the
 * command line (cx_main) fills one of these and calls cx_engine_alloc like any embedder.
 * A zeroed field means the default. */
typedef struct cx_engine_cfg {
	const cx_doc *const *docs; /* docs[0]: for inbound calls; all: for <createccxml>/<fetch> */
	int ndocs;
	/* Telephony: the simulator, SIP (sip_addr), or your own call control (callctl). */
	int use_sim;               /* the simulator (docs/sim.md) instead of callctl */
	const char *sim_file;      /* scenario for the simulator, or NULL */
	int virtual_clock;         /* with use_sim and neither sip_addr nor http_addr: waits take
				    * no wall time (docs/sim.md); the command line sets it unless
				    * --realtime. Needs libre's loop to be the only one. */
	const cx_callctl *callctl; /* used when !use_sim and !sip_addr; NULL: every request succeeds */
	const char *sip_addr;      /* "ADDR:PORT": SIP over UDP and TCP (docs/sip.md) */
	const char *sip_gateway;   /* "HOST[:PORT]" for tel: and sip:N!HOST@GW destinations */
	const char *sip_transport; /* "udp" (default) or "tcp" for outbound calls */
	/* SIP trunks (docs/sip.md "Trunks") */
	const char *sip_proxy;     /* outbound proxy URI for every outbound request, or NULL */
	const char *sip_public_addr; /* IP for Contact and SDP (e.g. behind NAT), or NULL */
	const char *sip_credentials; /* digest credentials file (REALM-OR-HOST USER PASSWORD) */
	const char *const *sip_registers; /* nsip_registers "sip:USER@REGISTRAR[;expires=N]" */
	int nsip_registers;
	const char *sip_tls_cert;  /* PEM certificate + key: TLS on the sip_addr port + 1, or NULL */
	const char *sip_tls_ca;    /* the CAs the far ends' certificates must chain to: a PEM file
				    * or a hashed directory (c_rehash); NULL: the system's store */
	int sip_tls_no_verify;     /* 1: far ends' certificates not checked (labs only) */
	const char *sip_trace;     /* every SIP message sent and received appended to this file
				    * (docs/sip.md "Tracing SIP"), or NULL */
	uint32_t rtp_timeout_s;    /* a connected call without RTP from the far end this long ends;
				    * 0: 60 s; CX_RTP_TIMEOUT_NONE: never (docs/sip.md) */
	uint32_t max_call_s;       /* a connected call ends after this long; 0: no limit */
	/* Inbound SIP connections over TCP and TLS (docs/sip.md "Limits"); more are refused */
	uint32_t sip_max_conns;    /* open at a time; 0: 1024 (a quarter of the descriptor limit
				    * when that is less) */
	uint32_t sip_max_conns_per_addr; /* from one address (IPv6: one /64); 0: 32 */
	uint32_t sip_conn_idle_s;  /* one without a call is closed after this long without a byte;
				    * 0: 60 s; CX_SIP_CONN_IDLE_NONE: never (libre's 900 s) */
	/* Sessions */
	const char *media_root;    /* NULL: "." */
	const char *record_dir;    /* where record: dialogs write (docs/sip.md); NULL: none */
	cx_log_h *logh;            /* NULL: stdout */
	void *logarg;
	cx_end_h *endh;            /* NULL: nothing */
	void *endarg;
	size_t heap_limit;         /* per session, bytes; 0: 64 MiB */
	uint32_t max_sessions;     /* 0: no limit */
	uint32_t max_queue;        /* events queued per session before <send>s to it fail and
				    * basichttp events get 503 (docs/runtime.md "Event queue
				    * limit"); 0: 10,000 */
	double max_cps;            /* outbound calls per second (pace.c); 0: no limit */
	uint32_t max_calls;        /* calls at a time, inbound and outbound (docs/service.md
				    * "Limits"); 0: no limit */
	int trace;                 /* a log line per event: state, event, transition chosen */
	const char *node_id;       /* 1-8 of [a-z0-9], the prefix of session ids (docs/cluster.md) */
	const char *http_public;   /* base URL of session.ioprocessors (the front), or NULL */
	int64_t budget;            /* CX_TICKs per event; 0: 2,000,000 */
	/* HTTP session control (docs/http.md) and mail */
	const char *http_addr;     /* "ADDR:PORT" (port 0: any free port) */
	const char *const *tokens; /* ntokens "ID[=DOC]" specs */
	int ntokens;
	const char *tokens_file;   /* one "ID[=DOC]" a line */
	const char *inject_token;  /* basichttp injection into any session (docs/http.md) or NULL */
	const char *admin_token_file; /* first line: the token of /metrics and /sessions, or NULL */
	/* Call records (docs/service.md): JSON lines to cdr_file; POSTed to cdr_url, kept in the
	 * cdr_spool directory until taken (both or neither) */
	const char *cdr_file;
	const char *cdr_url;
	const char *cdr_spool;
	const char *smtp;          /* "HOST:PORT" for <voxeo:sendemail> */
	const char *mail_from;
	/* Service mode (docs/service.md): on a stop, how long sessions get to end after
	 * ccxml.kill. 0: 10 s; CX_GRACE_NONE: do not wait. */
	uint32_t grace_ms;
	/* Files a document may fetch (file: URIs and relative paths in compiled-in documents of
	 * <fetch>, <createccxml>, and <script src> in documents read from it): only from under
	 * this directory (docs/fetch.md "Files under the document root"); NULL: no files. */
	const char *docroot;
	/* With sip_addr: the name server SIP asks ("ADDR[:PORT]", port 53 by default) instead of
	 * those of /etc/resolv.conf (docs/sip.md "TLS"); NULL: those. */
	const char *dns_server;
	/* With sip_addr: SRTP with SDES keys (docs/sip.md "SRTP"): CX_SRTP_OFF (plain RTP only),
	 * CX_SRTP_OFFER (our offers RTP/SAVP; offers taken as they come) or CX_SRTP_REQUIRE. */
	int sip_srtp;
	/* How long a VoiceXML dialog may go on after its caller hung up (its final processing
	 * state: docs/voicexml.md "The caller hangs up"), seconds, 1 to 3600; 0: 60. */
	uint32_t vxml_final_s;
	/* With sip_addr: symmetric RTP for far ends behind a NAT (docs/sip.md "Behind a NAT"):
	 * CX_RTP_LATCH_NAT (0, the default) or CX_RTP_LATCH_OFF (always the SDP's address). */
	int rtp_latch;
	/* With sip_addr: RTCP reports (SRTCP on SRTP calls; docs/sip.md "RTCP"): CX_RTCP_ON (0, the
	 * default) or CX_RTCP_OFF (no reports sent or read: the call records keep the loss and
	 * jitter measured here, not the far end's). */
	int rtcp;
	/* With sip_addr: who sends the media clock's RTP packets (prompts, joins, conferences;
	 * docs/sip.md "The media send thread"): CX_MEDIA_THREAD_AUTO (0, the default: a thread of
	 * the engine's own when at least two CPUs are online), CX_MEDIA_THREAD_ON or
	 * CX_MEDIA_THREAD_OFF (the thread that runs the engine's loop). */
	int media_thread;
} cx_engine_cfg;

/* the values of --srtp, --rtp-latch, --rtcp and --media-thread in the order main.c's option
 * table names them */
enum { CX_SRTP_OFF, CX_SRTP_OFFER, CX_SRTP_REQUIRE };
enum { CX_RTP_LATCH_NAT, CX_RTP_LATCH_OFF };
enum { CX_RTCP_ON, CX_RTCP_OFF };
enum { CX_MEDIA_THREAD_AUTO, CX_MEDIA_THREAD_ON, CX_MEDIA_THREAD_OFF };

#define CX_GRACE_NONE UINT32_MAX
#define CX_RTP_TIMEOUT_NONE UINT32_MAX
#define CX_SIP_CONN_IDLE_NONE UINT32_MAX

int cx_init(void);   /* initialises libre (once per thread) */
void cx_close(void);
/* EPROTO: a document was compiled by a ccxmlc for another runtime (CX_ABI_VERSION); the
 * reason is written to stderr. cx_session_start also refuses such a document (EPROTO). */
int cx_engine_alloc(cx_engine **ep, const cx_engine_cfg *cfg);
void cx_engine_free(cx_engine *e); /* ends every session (no ccxml.exit is sent) */

/* Process every queued event now, without waiting for timers. Returns how many. */
int cx_engine_poll(cx_engine *e);
/* Run libre's main loop for at most max_ms (0: no limit), returning early when no session is
 * left and nothing is scheduled. */
int cx_engine_run(cx_engine *e, uint32_t max_ms);

/* Run the engine the way a compiled program does (docs/runtime.md, docs/service.md):
 *  - once_sid != NULL: until that session ends; returns its status (0 after <exit>, 1 after an
 *    unhandled error or a kill);
 *  - else, in service mode (cfg.sip_addr or cfg.http_addr set): until SIGTERM or SIGINT, then
 *    no new sessions, ccxml.kill to every session, and up to cfg.grace_ms for them to end;
 *  - else until no session, event or timer is left.
 * SIGTERM and SIGINT stop the engine (a second one, more than 1 s later, at once). */
int cx_engine_main(cx_engine *e, const char *once_sid);
/* Begin a stop from your own code, as SIGTERM does in cx_engine_main. */
void cx_engine_stop(cx_engine *e);
/* The runtime's version string ("0.1.0"). */
const char *cx_version(void);

/* Section - Logs (process-wide; docs/service.md, Logs) */

/* format: "plain" (what --once and tests read), "text" (timestamp, level, session, connection,
 * Call-ID), "json" (one object a line) or "journal" (syslog priority prefixes for journald);
 * NULL: "journal" when stderr is journald's stream, else "plain". path: a file every line goes
 * to (NULL: platform lines to stderr, documents' <log> to stdout). level: the least severe
 * level written ("error", "warning", "notice", "info", "debug"; NULL: "info").
 * 0, or EINVAL/ENOENT with the reason on stderr. */
int cx_log_setup(const char *format, const char *path, const char *level);
/* Open the log file again (after logrotate moved it: SIGHUP in cx_engine_main does this). */
int cx_log_reopen(void);
void cx_log_close(void);

/* Section - Sessions */

/* Start a session of doc (startupmode 'external'); kv: nkv key/value string pairs (kv[2i],
 * kv[2i+1]) for session.values. The id is written to id (size idsz). */
int cx_session_start(cx_engine *e, const cx_doc *doc, const char *const *kv, size_t nkv,
		     char *id, size_t idsz);
/* Queue an event at the back of the session's queue; fields are string properties of event$
 * (kv as above). ENOENT: no such session; EAGAIN: its queue holds max_queue events (try
 * again once it has taken some). */
int cx_session_inject(cx_engine *e, const char *sessid, const char *name,
		      const char *const *kv, size_t nkv);
/* ToString of the ccxml-scope variable `name` into buf. ENOENT: no session or variable. */
int cx_session_var(cx_engine *e, const char *sessid, const char *name, char *buf, size_t sz);
/* 1 while the session runs. */
int cx_session_alive(cx_engine *e, const char *sessid);

/* Section - Reports from your call control */

/* An incoming call: a new session of docs[0] ('newcall') with an ALERTING connection; EBUSY
 * past cfg.max_sessions or cfg.max_calls (refuse the call; SIP says 503). */
int cx_inbound(cx_engine *e, const char *from, const char *to, char *sessid, size_t sidsz,
	       char *connid, size_t cidsz);
/* What happened to a connection: "connection.alerting", "connection.progressing",
 * "connection.connected", "connection.failed", "connection.disconnected",
 * "connection.redirected" or "connection.{accept,reject,redirect,merge}.failed" (the state
 * follows from the name); reason may be NULL. EINVAL for any other name, ENOENT for an
 * unknown connection. */
int cx_conn_report(cx_engine *e, const char *sessid, const char *connid, const char *event,
		   const char *reason);
/* What happened to a dialog: "dialog.prepared", "dialog.started", "dialog.exit",
 * "dialog.disconnect", "error.dialog", "error.dialog.notprepared" or
 * "error.dialog.notstarted"; EINVAL for any other name. */
int cx_dialog_report(cx_engine *e, const char *sessid, const char *dialogid, const char *event);

#ifdef __cplusplus
}
#endif

#endif
