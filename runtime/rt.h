/*
 * rt.h — private header of the runtime (libcxrt): engine, sessions, events, connections,
 * dialogs, conferences. Only the runtime sources include it. Public faces: cx_gen.h (generated code),
 * cx.h (embedding), prov.h (telephony providers).
 */
#ifndef CX_RT_H
#define CX_RT_H

#include <stdio.h>
#include <re.h>
#include "cx.h"

/* A warning that callers or documents can repeat at will (a refusal by a limit): at most one line
 * in CX_LOG_QUIET_MS of one kind, the others counted; when a quiet time ends with some counted,
 * its timer has the owner's tail write one line with their number, so the count of a storm
 * that stops is written too (log.c: cx_quiet_ok, cx_quiet_more, cx_quiet_close). All zero is a
 * ready one. */
#define CX_LOG_QUIET_MS 10000
typedef void (cx_quiet_h)(void *arg, uint64_t n); /* writes "n more" (cx_quiet_more) */
typedef struct cx_quiet {
	uint64_t last;    /* cx_clock_ms() of the last line (0: none yet) */
	uint64_t skipped; /* not logged since */
	struct tmr tmr;   /* due when the quiet time ends, while some are counted */
	cx_quiet_h *tail; /* and its line (the last cx_quiet_ok's) */
	void *arg;
} cx_quiet;

typedef struct cx_engine cx_engine;
typedef struct cx_sess cx_sess;
typedef struct cx_conn cx_conn;
typedef struct cx_dlg cx_dlg;
typedef struct cx_conf cx_conf;
typedef struct cx_ev cx_ev;
typedef struct cx_prov cx_prov;

/* Execution budget of one event (cond + body), in CX_TICKs. */
#define CX_VERSION "0.1.0"   /* of the runtime, for --version and ABI mismatch messages */
#define CX_RT_BUDGET 2000000
/* An error.* raised while handling an error.* that was itself raised that way, this many
 * times in a row, ends the session (see docs/runtime.md "error loops"). */
#define CX_RT_ERRLOOP_MAX 5
/* Events from <send>s, basichttp and the embedder that a session may have queued
 * (cx_engine_cfg.max_queue when 0): past it a <send> to the session fails (error.send.failed to
 * the sender) and an inbound basichttp event is answered 503. The platform's own events, the
 * send.successful reports and the errors that report a refused send are not refused; with
 * them a queue may hold CX_RT_QUEUE_HARD times the limit, past which the session is ended (a
 * document that makes events faster than it takes them; docs/runtime.md "Event queue
 * limit"). */
#define CX_RT_QUEUE_MAX 10000
#define CX_RT_QUEUE_HARD 4
/* Depth limit when copying a value from one session's heap to another. */
#define CX_RT_COPY_DEPTH 16
/* Room for the HTTP base URI: --http-public takes up to 200 bytes (http.c). */
#define CX_HTTP_BASE_MAX 208

/* Section - Heap-neutral values (for events crossing sessions and C callers) */

/* A deep copy of an ES value in plain C memory (mem_zalloc'd; one mem_deref frees it all). */
typedef struct cx_cval {
	int tag;              /* CX_T_UNDEF … CX_T_OBJ */
	int isarr;
	double n;
	char *s;              /* string value (UTF-8) */
	size_t slen;          /* its bytes (a string may hold NUL: C readers of s see up to it) */
	uint32_t nkids;
	char **keys;          /* object: property names */
	struct cx_cval **kids;
} cx_cval;

cx_cval *cx_cval_from(cx_ctx *X, cx_value v, int depth);  /* NULL on ENOMEM */
cx_value cx_cval_to(cx_ctx *X, const cx_cval *c);        /* may be EXC (OOM) */
cx_cval *cx_cval_str(const char *s);
cx_cval *cx_cval_num(double n);
cx_cval *cx_cval_obj(void);                               /* an empty object */
int cx_cval_put(cx_cval *o, const char *key, size_t klen, cx_cval *kid); /* takes kid */

/* Section - Events */

struct cx_ev {
	struct le le;
	char *name;
	/* what names the name for the process's life (a static string of a program, or a C
	 * literal), so that selection finds its id by the pointer; NULL: by the characters */
	const void *nkey;
	char *source;          /* eventsource */
	const char *sourcetype;/* eventsourcetype */
	cx_sess *sess;         /* target session; obj lives in its heap */
	cx_value obj;          /* the event's own fields (rooted while queued) */
	cx_conn *conn;         /* connection event: snapshot state below applies to it */
	const char *cstate;
	int cfinal;            /* the connection leaves session.connections after this event */
	cx_dlg *dlg;
	const char *dstate;
	int dfinal;
	int errdepth;          /* see CX_RT_ERRLOOP_MAX */
	uint64_t posted_us;    /* cx_met_now_us() when queued (event latency metric) */
	/* cx_ev_new_lazy: no obj until event$ is read (sess.c builds it from these) */
	int lazy;
	cx_cval *fields;       /* the <send>'s namelist, or NULL */
	uint32_t sendn;        /* its sendid is "<session id>.send<sendn>"; 0: none */
	/* a <send> to oneself: the send.successful of send number trail comes right after this
	 * event in the queue, made only if something may take it (sess.c cx_sess__trail); 0: none */
	uint32_t trail;
	uint8_t npend, rooted; /* pend[0..npend) in use; obj is a root */
	uint8_t counted;       /* put in by a <send>, basichttp or the embedder: one of the
				* session's nqs, which cx_sess_room bounds */
	/* From here on nothing is read before it is written: a new event's block is zeroed up
	 * to nbuf only (event.c cx_ev__alloc) */
	char nbuf[32];         /* name, when it is this short (no allocation) */
	/* cx_ev_new: string fields with one of the runtime's own names, kept here in order
	 * until obj is needed (event$ read, another kind of field, <move>): an event nobody
	 * reads costs no heap (event.c cx_ev__obj) */
	struct { cx_str *key; cx_str *sval; char *val; } pend[4];
};

/* "send.successful", the one string every send.successful event's name and nkey point to */
extern const char cx_ev_sent[];
/* A new event for session s (fields added with the setters below), then cx_sess_post. */
cx_ev *cx_ev_new(cx_sess *s, const char *name);
/* An event whose only fields are fields (taken; may be NULL) and the sendid of s's <send>
 * number sendn: its object is made only if the document reads event$ (cx_sess_event). No
 * setters on it. */
cx_ev *cx_ev_new_lazy(cx_sess *s, const char *name, cx_cval *fields, uint32_t sendn);
/* The send.successful of s's <send> number sendn (nkey cx_ev_sent), not yet posted. */
cx_ev *cx_ev_sent_new(cx_sess *s, uint32_t sendn);
void cx_ev_str(cx_ev *ev, const char *key, const char *val);   /* val NULL: undefined */
/* ev's own fields as an object in its session's heap (made now if kept back), or undefined */
cx_value cx_ev_obj(cx_ev *ev);
void cx_ev_num(cx_ev *ev, const char *key, double n);
void cx_ev_val(cx_ev *ev, const char *key, cx_value v);        /* v in s's heap */
void cx_ev_cval(cx_ev *ev, const char *key, const cx_cval *c);
void cx_ev_conn(cx_ev *ev, cx_conn *c, const char *state, int final);
void cx_ev_dlg(cx_ev *ev, cx_dlg *d, const char *state, int final);
/* The static string of a property name the runtime uses (event.c's table), else NULL; and a
 * plain define (flags 0) of property k that uses it when there is one. */
cx_str *cx_rt_key(const char *k);
int cx_rt_define(cx_ctx *X, cx_value o, const char *k, cx_value v);
/* "<a><b><n>" into buf of sz bytes, cut as snprintf would (ids like "e12", "<sess>.send3"
 * on the hot path, without snprintf); returns the length written. */
size_t cx_rt_id(char *buf, size_t sz, const char *a, const char *b, uint32_t n);
/* Queue at the back of the session's queue (takes ownership of ev). */
void cx_sess_post(cx_sess *s, cx_ev *ev);
/* error.<name> with reason and tagname, queued at the back; printed on stderr too. */
void cx_sess_error(cx_sess *s, const char *name, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same for an error an element of the document raised at .ccxml line `line`: the stderr
 * line names FILE:LINE, the event's reason stays free of it. */
void cx_sess_error_at(cx_sess *s, int line, const char *name, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Section - Connections, dialogs, conferences */

struct cx_conn {
	struct le le;
	cx_sess *sess;
	char id[24];
	const char *state;     /* the platform's latest state */
	const char *vstate;    /* state as of the event being processed (what ES sees) */
	char *local, *remote, *aai, *callerid, *redirect;
	char *joinid;          /* <createcall joinid>: joined when connected (cx_rt_joinid) */
	int joindir;           /* its joindirection: 0 both, 1 calltransmit, 2 callreceive */
	uint32_t joinline;
	int inbound;           /* originator 'remote' */
	int removed;           /* left session.connections (its record written, it is freed by its
				* session then, others' references see ->sess NULL: cx_conn_reap) */
	uint32_t timeout_ms;   /* createcall timeout */
	char dialogid[24];     /* last dialog started on it */
	void *pd;              /* provider data (mem object, deref'd with the connection) */
	cx_cval *proto;        /* provider detail added to connection.protocol (e.g. its `sip`) */
	/* for the call record (cdr.c): CLOCK_REALTIME ms, 0 = not (yet) */
	uint64_t t_start, t_progress, t_answer, t_end;
	int sipcode;           /* the last SIP final response code the provider reported */
	char *endreason, *endtrigger;
	int cdr_done;          /* its record was written */
	const char *amd;       /* answering-machine detection's result (static string), shown
				* as connection.connected's amd field, or NULL */
	uint32_t amdms;        /* its speech measured (ms) */
	cx_cval *hints;        /* the hints of the latest <createcall>/<accept>/<reject>/<redirect>/
				* <disconnect> on it (checked: hints.headers, docs/sip.md), or NULL */
	int merged;            /* <merge>: 1 while the provider bridges it out of the session (its
				* record waits for the end of the bridge), 2 once that ended */
	char *msid;            /* the session it was merged in (for its record), or NULL */
};

/* A call's quality as RTCP measured it when its RTP port closed (docs/sip.md "RTCP"; mplane.c
 * cx_mp__quality): ok, measured: packets lost and jitter of what we received, the far end's
 * RTCP packets; far, its reports came: what they said of what we sent, and the round trip. */
typedef struct cx_rtp_quality {
	int ok, far;
	int32_t lost, far_lost;
	uint32_t jitter_us, far_jitter_us, rtt_us, rtcp_rx;
} cx_rtp_quality;

/* What a provider knows of a call beyond the connection (prov.h conn_stats). */
typedef struct cx_conn_stats {
	char callid[256];      /* SIP Call-ID, or "" */
	uint64_t pkts_tx, pkts_rx, bytes_tx, bytes_rx;
	cx_rtp_quality q;
} cx_conn_stats;

struct cx_dlg {
	struct le le;
	cx_sess *sess;
	char id[24];
	char connid[24], confid[24];
	char *src, *type;
	const char *state;     /* PREPARED, STARTED, EXITED */
	const char *vstate;
	int removed, exited, started;
	void *pd;
	cx_cval *values;       /* <dialogstart namelist>: the dialog's session.connection.ccxml.values */
	struct cx_vx_run *vx;  /* weak: the VoiceXML run of this dialog (vxml.c), or NULL */
	const cx_vx_doc *vxdoc;/* its src fetched and compiled at run time (vxfetch.c), or NULL */
	void *vxf;             /* vxfetch.c: that fetch while it runs (weak), or NULL */
};

struct cx_conf {
	struct le le;
	cx_sess *sess;
	char id[24];
	char *name;
	void *pd;              /* provider data (mem object, deref'd with the conference) */
};

/* <join>'s media options (docs/sip.md "Join options"), evaluated and checked by exec.c. entertone and
 * exittone: NULL (none), "" (the platform's tone) or a media src (cx_media_load); the REC's
 * default "true" gives the platform's tone on a join with a conference only, none on a join of
 * two calls (docs/decisions.md). agcin/agcout: automatic gain of what the call sends into this
 * join / hears through it (per join and direction, runtime/mplane.c);
 * dtmfclamp: DTMF kept from the other parties; toneclamp: RFC 4733 tone events kept out. */
typedef struct cx_joinopt {
	const char *entertone, *exittone;
	int agcin, agcout, dtmfclamp, toneclamp;
} cx_joinopt;

cx_conn *cx_conn_find(cx_sess *s, const char *id);
cx_dlg *cx_dlg_find(cx_sess *s, const char *id);
cx_conf *cx_conf_find(cx_sess *s, const char *id);
/* A new connection of s, counted among the engine's calls (e->ncalls) until its record is
 * written (cx_cdr_conn calls cx_conn_gone then). */
cx_conn *cx_conn_add(cx_sess *s, int inbound, const char *state);
/* Can e take one more call (--max-calls)? 0 when e->max_calls are up: the refusal is counted
 * in /metrics and logged when it is the first since the calls fell to half the limit (who:
 * the caller of an inbound call, the destination of an outbound one). */
int cx_conn_room(cx_engine *e, int inbound, const char *who);
/* c's call is over (its record written): it leaves e->ncalls. Once per connection. */
void cx_conn_gone(cx_engine *e, cx_conn *c);
cx_dlg *cx_dlg_add(cx_sess *s);
/* c / d of session s has had its final event handled: it leaves s (removed, ->sess NULL, the
 * provider's data released, s's reference dropped; conn.c says why it is safe). A connection
 * whose call record is not written yet only gets removed (the session's end writes it). */
void cx_conn_reap(cx_sess *s, cx_conn *c);
void cx_dlg_reap(cx_sess *s, cx_dlg *d);
/* Connection / dialog objects in memory in the process (/metrics). */
uint32_t cx_conn_held(void);
uint32_t cx_dlg_held(void);

/* Provider reports (see prov.h): what happened to a connection or a dialog, as a typed event.
 * One table in conn.c (cx_pev_tab) gives each its CCXML name, the state it puts the object in
 * (NULL: unchanged) and whether it is the object's last. 0 is no event. */
enum cx_pev {
	CX_PEV_NONE = 0,
	/* connections */
	CX_PEV_ALERTING, CX_PEV_PROGRESSING, CX_PEV_CONNECTED, CX_PEV_FAILED,
	CX_PEV_DISCONNECTED, CX_PEV_REDIRECTED, CX_PEV_MERGED,
	CX_PEV_ACCEPT_FAILED, CX_PEV_REJECT_FAILED, CX_PEV_REDIRECT_FAILED, CX_PEV_MERGE_FAILED,
	/* dialogs */
	CX_PEV_DLG_PREPARED, CX_PEV_DLG_STARTED, CX_PEV_DLG_EXIT, CX_PEV_DLG_DISCONNECT,
	CX_PEV_DLG_ERROR, CX_PEV_DLG_NOTPREPARED, CX_PEV_DLG_NOTSTARTED,
	CX_PEV_COUNT
};
typedef struct cx_pev_def {
	const char *name;      /* the CCXML event name */
	const char *state;     /* the object's new state, or NULL (unchanged) */
	unsigned final:1;      /* the object's last event: it leaves the session after it */
	unsigned dlg:1;        /* a dialog's event (else a connection's) */
} cx_pev_def;
extern const cx_pev_def cx_pev_tab[CX_PEV_COUNT];
/* The event named name of the kind dlg, or CX_PEV_NONE. */
enum cx_pev cx_pev_find(const char *name, int dlg);
/* What comes with a connection's event; every field may be 0/NULL. */
typedef struct cx_pev_info {
	const char *reason;    /* event$.reason */
	const char *trigger;   /* "local" / "remote": who ended the call (call records) */
	const char *outcome;   /* ccxml_calls_total's outcome when not the reason, or NULL */
	int sipcode;           /* event$.info.sipcode (a final one, >= 200, is the call's outcome) */
	const char *sipreason; /* event$.info.sipreason */
	const char *id1, *id2; /* event$.connectionid1/2 (connection.merge.failed) */
} cx_pev_info;
/* A connection's event; info may be NULL. A dialog event given here is a bug (logged). */
void cx_rt_conn_pev(cx_conn *c, enum cx_pev ev, const cx_pev_info *info);
/* A dialog's event with event$.reason (or NULL); dialog.exit with values is cx_rt_dlg_exit. */
void cx_rt_dlg_pev(cx_dlg *d, enum cx_pev ev, const char *reason);

/* Section - Sessions */

/* A session id: "s" + a counter (short, for people) + "-" + 64 random bits in 16 hex digits
 * (what makes it unguessable); room left for a cluster node id. */
#define CX_SESS_IDSZ 40
/* --node-id: 1 to 8 of [a-z0-9] (ids stay under CX_SESS_IDSZ: "n.s4294967295-" + 16 hex) */
#define CX_NODE_IDSZ 9
/* ids of sends and fetches: "<session id>.send<N>" */
#define CX_SUBID_SZ (CX_SESS_IDSZ + 16)

enum cx_sess_end { CX_END_NONE = 0, CX_END_EXIT, CX_END_ERROR, CX_END_KILL };

struct cx_sess {
	struct le le;          /* in engine->sessl */
	struct le rle;         /* in engine->runq while it has events */
	struct le hle;         /* in engine->sessh, by id */
	struct le ele;         /* in engine->endq once it is ending */
	cx_engine *eng;
	const cx_doc *doc;
	cx_ctx *X;
	char id[CX_SESS_IDSZ]; /* "s<N>-<16 hex>": see cx_sess_start */
	uint32_t seq;          /* 1 for the engine's first session, 2 for the next… */
	char parent[CX_SESS_IDSZ];
	char secret[33];       /* 128 random bits in hex: the basichttp access URI's credential */
	const char *startupmode;
	char *uri;
	char *tokid;           /* the HTTP token that started it (http.c counts them) or NULL */
	struct list q;         /* cx_ev, FIFO */
	uint32_t nq;           /* events in q (cx_sess_post counts them in, cx_sess_step out) */
	uint32_t nqs;          /* …of which counted (a <send>'s, basichttp's, the embedder's) */
	uint32_t nsends;       /* delayed <send>s pending in sends (at most the engine's max_queue) */
	cx_quiet qfull;        /* refusals by the queue's limits: one line in 10 s */
	struct list conns, dlgs, confs, sends, fetches;
	uint32_t nconn, ndlg, nconf, nsend, nev, nfetch;
	/* values, evconn and evdlg are one root of three values (cx_sess_start) */
	cx_value values;       /* session.values, made the first time session is built */
	cx_value evconn, evdlg;/* the connection/dialog objects of session that event$ of cur shows:
				* a condition may run script, and a collection then, before
				* event$ holds them */
	cx_cval *valcv;        /* …from these values (NULL: none), until then */
	cx_ev *cur;            /* event being processed */
	int ending;            /* enum cx_sess_end; the session ends after the current step */
	int status;            /* exit status for --once: 0 after <exit>, 1 after an error */
	const cx_doc *pending_goto;
	const cx_elcall *script_el; /* the <script fetchid> running (exec.c), or NULL */
	const char *script_url;     /* its script's URI (may be NULL) */
	int queued;            /* on runq */
	int ending_noparent;   /* engine shutdown: no ccxml.exit to the parent */
	cx_cval *exit_expr;    /* <exit expr> and namelist, for the parent's ccxml.exit */
	cx_cval *exit_values;
	char *snap;            /* sess.c: what the current session object shows (NULL: rebuild) */
	size_t snaplen;
	/* event$ of cur, made on first read (cx_sess_event): whether made, its number ("e<N>"),
	 * the connection/dialog objects of session it shows (evconn, evdlg above) */
	int evmade;
	int viewed;            /* session shows cur (the document names session, or event$ needed it) */
	uint32_t evnum;
};
_Static_assert(offsetof(struct cx_sess, evconn) == offsetof(struct cx_sess, values) + sizeof(cx_value) &&
	       offsetof(struct cx_sess, evdlg) == offsetof(struct cx_sess, values) + 2 * sizeof(cx_value),
	       "cx_sess_start roots values, evconn and evdlg as one array");

int cx_sess_start(cx_sess **sp, cx_engine *e, const cx_doc *doc, const char *mode,
		  const char *parent, const cx_cval *values, cx_conn **inbound);
void cx_sess_end(cx_sess *s, int how);  /* marks; the engine tears it down after the step */
/* Can s take one more event from a <send>, an inbound basichttp request or the embedder? 0
 * when its queue holds max_queue such events (the sender is told: error.send.failed, 503,
 * EAGAIN); logs the first refusal of a run of them (what names the sender). The caller marks
 * the event it then posts `counted`. */
int cx_sess_room(cx_sess *s, const char *what);
/* One refusal by a limit of s's queue (why: which, what: of what): counted in /metrics, logged
 * at most once in 10 s with the count of those not logged (s->qfull). */
void cx_sess_refused(cx_sess *s, const char *why, const char *what);
/* How an ending session ended: "exit", "unhandled error" or "killed" (cx.h cx_end_h). */
const char *cx_sess_how(const cx_sess *s);
cx_sess *cx_sess_find(cx_engine *e, const char *id);
/* Process one event of s; returns 1 if one was processed. */
int cx_sess_step(cx_sess *s);
/* Hang up what is still up, tell the parent, free (engine.c reaps ended sessions with it). */
void cx_sess_teardown(cx_sess *s);
/* The current default connection id (event$.connectionid) or NULL. */
const char *cx_sess_evconn(cx_sess *s);
/* event$ of the event being processed, made now if nothing read it yet (undefined between
 * events). */
cx_value cx_sess_event(cx_sess *s);

/* Section - Engine */

/* Section - Outbound call pacing (pace.c; --max-cps) */

typedef struct cx_pace cx_pace;
int cx_pace_setup(cx_engine *e, double cps);     /* cps <= 0: no pacing */
/* The provider's createcall now, or queued until the rate allows (0); an errno when it cannot. */
int cx_pace_createcall(cx_engine *e, cx_conn *cn, const char *dest);
/* connection.failed for a call cx_pace_createcall (or the provider, at the call's turn) could
 * not place: err said why. */
void cx_pace_failed(cx_engine *e, cx_conn *cn, int err);
uint32_t cx_pace_queued(const cx_engine *e);

/* Section - Call records (cdr.c; docs/service.md) */

typedef struct cx_cdr cx_cdr;
/* file: JSON lines appended; url + spool: POSTed, kept in spool until a 2xx. All NULL: none. */
int cx_cdr_setup(cx_engine *e, const char *file, const char *url, const char *spool);
void cx_cdr_conn(cx_engine *e, cx_conn *c);     /* c ended: its record (once) */
/* A record kept by the provider (cx_prov cdr_defer), fields added: closed and written. */
void cx_cdr_emit(cx_engine *e, struct mbuf *mb, const char *sid, const char *cid);
int cx_cdr_reopen(cx_engine *e);                /* SIGHUP */
uint32_t cx_cdr_spooled(const cx_engine *e);    /* records not yet taken by the URL */
uint64_t cx_cdr_now_ms(void);                   /* cx_clock_wall_ms() */

/* Section - Operations (admin.c): counters, /metrics, /sessions; notify.c */

/* sd_notify(3): a "KEY=VALUE\n…" message to NOTIFY_SOCKET when set; 0 or an errno. */
int cx_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t cx_notify_watchdog_ms(void);   /* WatchdogSec=/2 for this process, or 0 */

#define CX_MET_LAT_N 12        /* event latency histogram buckets, +Inf apart */
#define CX_MET_Q_N 9           /* call jitter and round-trip histogram buckets, +Inf apart */
/* A histogram of the metrics: counts per bucket (the last +Inf), their sum and count. */
typedef struct cx_met_hist {
	uint64_t n[CX_MET_Q_N + 1], count;
	double sum;
} cx_met_hist;
#define CX_MET_KV_N 48         /* label pairs per counter family; the last one is "other" */
typedef struct cx_met_kv {
	char a[16], b[24];
	uint64_t n;
} cx_met_kv;
typedef struct cx_metrics {
	uint64_t start_s;      /* CLOCK_REALTIME seconds at engine creation */
	uint64_t sess_ended[4];/* by enum cx_sess_end */
	uint64_t events, ev_lat[CX_MET_LAT_N + 1];
	double ev_sum;
	cx_met_kv calls[CX_MET_KV_N];  /* direction, outcome */
	cx_met_kv http[CX_MET_KV_N];   /* route, code */
	uint64_t sip_resp[600];        /* 100..699 */
	uint64_t rtp_tx, rtp_rx, rtp_late;
	uint64_t rtp_skipped, rtp_send_err; /* mplane.c: not sent after a stall; sends failed */
	/* call quality (mplane.c, as each call's RTP port closes; docs/sip.md "RTCP"): packets
	 * of the far ends' streams lost, RTCP packets sent and received, each call's jitter and
	 * (once the far end reported it) round trip */
	uint64_t rtp_lost, rtcp_tx, rtcp_rx;
	cx_met_hist jitter, rtt;
	uint64_t srtp_bad[4];          /* SRTP packets dropped (mplane.c), by reason: not
					* authentic, replayed, an SSRC too many, not RTP */
	uint64_t fetch_ok, fetch_err;
	uint64_t doc_compiles, doc_cache_hits;   /* docfetch.c, doccomp.c */
	uint64_t doc_revalidated, doc_cache_removed;
	uint64_t src_fresh, src_revalidated;  /* sources of fetched documents (docfetch.c) */
	uint64_t cdr_records, cdr_sent, cdr_failed;
	uint64_t prompt[3];            /* web prompts: fetched, not modified, failed */
	uint64_t ev_refused;           /* events refused for a full queue (cx_sess_room, exec.c) */
	uint64_t runaway;              /* sessions ended for passing the queue's hard bound */
	uint64_t calls_refused[2];     /* by --max-calls (cx_conn_room): outbound, inbound */
	uint64_t sip_conn_refused[2];  /* inbound TCP/TLS connections refused (siptcp.c): per
					* address, total */
	uint64_t sip_conn_closed[2];   /* and closed: idle, yielding to a new one */
} cx_metrics;

uint64_t cx_met_now_us(void);  /* CLOCK_MONOTONIC */
/* malloc's bytes in use, and its bytes taken from the system (held minus in use: kept free) */
void cx_met_heap(uint64_t *inuse, uint64_t *held);
void cx_met_quality(cx_engine *e, const cx_rtp_quality *q); /* a call's, as its port closes */
void cx_met_call(cx_engine *e, int inbound, const char *outcome);
void cx_met_http(cx_engine *e, const char *route, unsigned code);
void cx_met_sip_response(cx_engine *e, int code);
void cx_met_event(cx_engine *e, uint64_t posted_us, unsigned n); /* n events handled now */
/* The exposition (Prometheus text 0.0.4) and the inspector's JSON (one session when id is set:
 * ENOENT if there is none; else up to limit sessions), appended to mb. */
int cx_admin_metrics(cx_engine *e, struct mbuf *mb);
int cx_admin_sessions(cx_engine *e, const char *id, uint32_t limit, struct mbuf *mb);

typedef void (cx_rt_log_h)(const char *sessid, const char *label, const char *value, void *arg);
typedef void (cx_rt_end_h)(cx_sess *s, void *arg);

struct cx_engine {
	struct list sessl;
	struct list runq;
	struct hash *sessh;    /* sessions by id (cx_sess_find) */
	struct list endq;      /* sessions ending, torn down by cx_engine_reap */
	uint32_t nsess;        /* sessions in sessl */
	const cx_doc *const *docs;
	int ndocs;
	const cx_prov *prov;
	void *provst;          /* provider state */
	char *media_root;
	char *record_dir;      /* --record-dir (record.c), or NULL: no recording */
	char *docroot;         /* --docroot, resolved (realpath), or NULL: no file is fetched */
	uint32_t max_sessions;
	uint32_t max_calls;    /* --max-calls; 0: no limit */
	uint32_t ncalls;       /* connections whose record is not written yet (cx_conn_add in,
				* cx_conn_gone out): calls at a time, paced and merged ones too */
	cx_quiet calls_full;   /* refusals by --max-calls: one line in 10 s */
	cx_quiet sess_full;    /* inbound calls refused by --max-sessions: one line in 10 s */
	int sess_refused_err;  /* the last one's reason (EBUSY: the limit), for sess_full's tail */
	uint32_t max_queue;    /* events queued per session (CX_RT_QUEUE_MAX when 0 at alloc) */
	uint32_t nsess_total;
	struct tmr pump;
	int pumping;
	int stop_when_idle;    /* re_cancel() when nothing is left to do */
	int ntimers;           /* pending runtime timers (delayed sends, provider timers) */
	cx_rt_log_h *logh;
	void *logarg;
	cx_rt_end_h *endh;
	void *endarg;
	size_t heap_limit;
	int64_t budget;        /* CX_TICKs per event; 0: CX_RT_BUDGET */
	uint32_t vx_final_ms;  /* a VoiceXML dialog's final processing state at most; 0: 60 s (vxml.c) */
	struct cx_http *http;  /* HTTP listener (http.c) or NULL; freed with the engine */
	/* its base URI "http://ADDR:PORT" or --http-public's (session.ioprocessors), made
	 * when they are set (http.c): "" without a listener */
	char http_base[CX_HTTP_BASE_MAX];
	size_t http_baselen;
	struct cx_curl *curl;  /* outbound HTTP and mail (curl.c) or NULL; freed with the engine */
	struct cx_doccomp *doccomp; /* documents loaded at run time (doccomp.c) or NULL */
	int draining;          /* service stop: no new sessions (HTTP answers 503) */
	int service;           /* SIP or HTTP set up: cx_engine_main runs until a stop */
	uint32_t grace_ms;     /* stop grace (cx.h cx_engine_cfg.grace_ms) */
	cx_end_h *pub_endh;    /* the embedder's (cx_engine_cfg.endh), with pub_endarg */
	void *pub_endarg;
	cx_metrics met;        /* admin.c */
	struct cx_cdr *cdr;    /* call records (cdr.c) or NULL */
	struct cx_pace *pace;  /* --max-cps (pace.c) or NULL */
	int closing;           /* being freed: nothing new is started */
	int trace;             /* --trace: a line per event and the transition it selected */
	char node[CX_NODE_IDSZ];  /* --node-id ("" when none): the prefix of session ids */
};

int cx_engine_new(cx_engine **ep);
void cx_engine_kick(cx_engine *e);          /* schedule processing of queued events */
int cx_engine_drain(cx_engine *e);          /* process every queued event now; count */
int cx_engine_busy(cx_engine *e);           /* events queued or timers pending */
const cx_doc *cx_engine_doc(cx_engine *e, const char *name);
/* 0 when this runtime can run doc; EPROTO when it was made for another CX_ABI_VERSION, with
 * the reason ("program built with ccxmlc X (ABI a) against runtime Y (ABI b)…") in msg. */
int cx_doc_check(const cx_doc *doc, char *msg, size_t sz);
void cx_engine_reap(cx_engine *e);          /* tear down sessions that ended */

/* Section - The clock (clock.c): real, or the simulator's virtual clock (docs/sim.md) */

int cx_clock_virtual(cx_engine *e);         /* e's simulator runs on the virtual clock; EBUSY */
int cx_clock_isvirtual(const cx_engine *e);
void cx_clock_release(cx_engine *e);        /* e is being freed */
void cx_clock_kick(cx_engine *e);           /* something was scheduled: consider a jump */
/* t is the process's, not the application's (the service tick): never jumped to */
void cx_clock_background(struct tmr *t, int on);
uint64_t cx_clock_ms(void);                 /* monotonic ms, the time skipped included */
uint64_t cx_clock_wall_ms(void);            /* ms since the epoch, the time skipped included */
uint64_t cx_clock_skipped_ms(void);         /* how much the virtual clock skipped */
/* The simulator delivers what its scenario made happen at a set time (a key pressed 2 s after
 * the answer) from a timer that may run late: between cx_clock_at(t) and cx_clock_at(0),
 * cx_clock_event_ms() is t (cx_clock_ms() otherwise), the time a simulated stream is cut at. */
void cx_clock_at(uint64_t t);
uint64_t cx_clock_event_ms(void);

/* exec.c: join c (connected now) to its <createcall joinid>: conference.joined, or
 * error.conference.join when that id is gone or the provider cannot */
void cx_rt_joinid(cx_sess *s, cx_conn *c);

/* Section - Patterns and times (event.c) */

/* CSS2 time ("45s", "850ms", ".5s", "+1.5s") -> milliseconds. 0 or EINVAL. */
int cx_rt_time(const char *s, uint64_t *ms);
/* Event pattern match: "*", "x.*" (x and x.anything), "x*", or exact; ASCII case-insensitive. */
int cx_rt_match(const char *pattern, const char *name);
/* sim.c: whole-string glob with '*' (scenario patterns), case-sensitive. */
int cx_rt_glob(const char *pattern, const char *s);
/* cval.c: ToString of v as UTF-8 into heap memory (valid until cx_gc); NULL with X->exc set. */
const char *cx_rt_str(cx_ctx *X, cx_value v);
/* sip.c: SIP final response code -> connection.failed reason (digest §5). */
const char *cx_rt_sipreason(int code);

/* Section - Logs and secrets (log.c, secret.c) */

/* Levels are syslog's priorities (journald shows them as such). */
enum { CX_LOG_ERR = 3, CX_LOG_WARN = 4, CX_LOG_NOTICE = 5, CX_LOG_INFO = 6, CX_LOG_DEBUG = 7 };
enum { CX_LOGFMT_PLAIN, CX_LOGFMT_TEXT, CX_LOGFMT_JSON, CX_LOGFMT_JOURNAL };
/* A platform line (re_printf format: %H with cx_rt_esc for what users control). sess: the
 * session id or NULL; cx_logc adds the connection id and the SIP Call-ID (either NULL). */
void cx_log(int level, const char *sess, const char *fmt, ...);
/* cx_quiet (above): 1 when this one is to be logged (then *skipped is how many went unlogged
 * since the last line), 0 when it is counted only; then tail(arg, n) writes the count when the
 * quiet time is over (from a timer of q's: the owner calls cx_quiet_close before it goes). */
int cx_quiet_ok(cx_quiet *q, uint64_t *skipped, cx_quiet_h *tail, void *arg);
/* The owner goes (engine, session, listener): the count not yet written is written now (its
 * tail), and the timer stopped. */
void cx_quiet_close(cx_quiet *q);
/* re_printf's %H with a const uint64_t *skipped: "; N more since the last such line (logged at
 * most once in 10 s)", or the last part alone when none were skipped. */
int cx_quiet_more(struct re_printf *pf, void *arg);
void cx_logc(int level, const char *sess, const char *conn, const char *callid,
	     const char *fmt, ...);
/* A document's <log> (info): "[S] label: value" in the plain format. */
void cx_log_doc(const char *sess, const char *label, const char *val);
/* libre's debug output through the logger (cx_init). */
void cx_log_libre(void);

/* A re_printf handler ("%H", cx_rt_esc, str): str with control bytes escaped (\n, \r, \t,
 * \xNN), for every value a user, a peer or a document controls that goes into a log line. */
int cx_rt_esc(struct re_printf *pf, void *str);
/* The contents of a JSON string: quotes, backslashes and control bytes escaped, bytes that
 * are not UTF-8 as \u00XX (the line stays valid JSON whatever a peer sent). */
int cx_rt_json(struct re_printf *pf, void *str);
/* The same for a URL, with the values of its secret=, token= and tokenid= fields hidden. */
int cx_rt_escurl(struct re_printf *pf, void *url);
/* n bytes from the kernel's CSPRNG (getrandom); 0 or an errno. */
int cx_rt_random(void *p, size_t n);
/* 1 when given equals secret; the time taken does not depend on where they differ. */
int cx_rt_ct_eq(const char *secret, const char *given);

/* media.c: duration of an audio src ("file.wav?text=…", or "?break=MS": MS ms of silence,
 * 1..CX_VX_BREAK_MAX_MS) in ms; ENOENT when neither the file nor a text= part can be played. */
int cx_media_duration(const char *root, const char *src, uint64_t *ms);
/* media.c: the audio of src as 8 kHz mono samples (*pcmp: mem object, caller derefs): the WAV
 * (S16LE any rate/channels, or G.711) converted, else the text= part spoken by flite (*tts=1). */
int cx_media_load(const char *root, const char *src, int16_t **pcmp, size_t *np, int *tts);
size_t cx_media_g711(int pt, const uint8_t *b, size_t n, int16_t *pcm, size_t max);
void cx_media_flush(void); /* drops the shared decoded prompts (engine teardown) */

/* Section - Prompts on a web server (prompt.c) */

int cx_prompt_is_web(const char *src);          /* an http(s) URI */
/* Start dialog d: at once for a local prompt or a fresh cached one, else once it is fetched
 * (0: taken; the dialog's events come later). An errno when it cannot start at all. */
int cx_prompt_dialogstart(cx_engine *e, cx_dlg *d);
const char *cx_prompt_file(const char *url);    /* the kept copy of url, or NULL */
/* Told once url was fetched into the cache (why NULL) or could not be (why says why) */
typedef void (cx_prompt_h)(cx_engine *e, const char *why, void *arg);
/* Have url's copy ready for cx_media_load (a <join> tone): 0 it is kept and fresh now,
 * EINPROGRESS h will be told (never from inside this call; arg referenced until then),
 * else an errno */
int cx_prompt_want(cx_engine *e, const char *url, cx_prompt_h *h, void *arg);
/* The same, the kept copy used only within age's maxage / maxstale (NULL: HTTP's own rules) */
struct cx_docage;
int cx_prompt_want_age(cx_engine *e, const char *url, const struct cx_docage *age, cx_prompt_h *h,
		       void *arg);
/* The kept copy of a media src: of src itself, else of the URL before a text= field appended
 * last (a VoiceXML <audio>'s alternate text); NULL: none */
const char *cx_prompt_kept(const char *src);
void cx_prompt_flush(void);                     /* drop what is kept (engine teardown) */

/* Section - HTTP listener (http.c; docs/http.md) */

typedef struct cx_http cx_http;
/* Listen on "ADDR:PORT" (port 0: any free port). Stored in e->http. */
int cx_http_listen(cx_engine *e, const char *addr);
/* Logs "http: listening on ADDR:PORT" (the bound address), once the engine's whole set-up has
 * succeeded: a refused option after the listener is bound must not follow that line. */
void cx_http_announce(cx_engine *e);
/* A token "ID" (the program's first document) or "ID=DOC"; EINVAL/ENOENT with a message. */
int cx_http_token(cx_engine *e, const char *spec);
/* A tokens file: one "ID[=DOC]" a line, '#' comments. */
int cx_http_tokens_file(cx_engine *e, const char *path);
/* s ends: the count of its token's sessions goes down (teardown). */
void cx_http_sess_ended(cx_sess *s);
/* --http-public: the base of session.ioprocessors URIs (a front that routes to this node). */
int cx_http_public(cx_engine *e, const char *url);
/* The admin token of /metrics and /sessions: the first line of path. */
int cx_http_admin_file(cx_engine *e, const char *path);
/* SIGHUP: read the --tokens file again (all or nothing; --token ones stay), and the admin
 * token file. 0 or an errno. */
int cx_http_tokens_reload(cx_engine *e);
/* May a client inject an event of this name? 0; EINVAL (bad name) or EPERM (reserved to the
 * platform) with the reason in why. */
int cx_http_evname(const char *name, char *why, size_t whysz);
/* A basichttp event on s as the listener delivers it: vals' fields (an object, NULL: none),
 * eventsource source, logged as coming from peer. 0, EAGAIN (the queue is full:
 * cx_sess_room) or ENOMEM. */
int cx_http_inject(cx_sess *s, const char *name, const cx_cval *vals, const char *source,
		   const char *peer);
/* --inject-token: a token that authorises basichttp injection into any session. */
int cx_http_inject_token(cx_engine *e, const char *tok);
/* The listener's base URI "http://ADDR:PORT" (or --http-public's URL) for
 * session.ioprocessors, kept by the engine (e->http_baselen bytes), or NULL without one. */
static inline const char *cx_http_base_str(const cx_engine *e)
{
	return e->http_base[0] ? e->http_base : NULL;
}
/* Build a heap-neutral object from form fields: dotted names become nested objects. */
int cx_http_nest(cx_cval *obj, const char *name, const char *val, char *why, size_t whysz);
/* Percent-decode p[0..n) ('+' is a space) into *out (a mem object). EBADMSG: a bad escape, a
 * NUL byte or invalid UTF-8; EOVERFLOW: longer than max bytes decoded. */
int cx_http_decode(char **out, const char *p, size_t n, size_t max);

/* Section - Outbound HTTP and mail over libcurl's multi interface (curl.c) */

typedef struct cx_curl cx_curl;
int cx_curl_setup(cx_engine *e);                       /* e->curl (idempotent) */
int cx_curl_smtp(cx_engine *e, const char *hostport, const char *from);
/* POST a basichttp event (name, sessionid, fields flattened with dotted names) to url; the
 * outcome comes later as send.successful / error.send.failed to session sessid.
 * EINVAL: url is not http(s); EBUSY: too many transfers. */
int cx_curl_post(cx_engine *e, const char *sessid, const char *sendid, const char *url,
		 const char *name, const cx_cval *fields);
/* Send a mail through the --smtp server (fire and forget; outcome on stderr). */
int cx_curl_mail(cx_engine *e, const char *sessid, const char *to, const char *from,
		 const char *subject, const char *type, const char *body);
uint32_t cx_curl_pending(const cx_engine *e);           /* transfers in flight */
/* POST body (JSON) to url; doneh(arg, ok, why) is called exactly once when it ends (ok: a 2xx;
 * also at engine teardown, ok 0), unless this returns an errno (EBUSY: no transfer free). */
typedef void (cx_curl_done_h)(void *arg, int ok, const char *why);
/* GET url (extra request headers hdrs, NULL-ended) with the body written to out (at most max
 * bytes); geth(arg, resp, why) exactly once at the end: why NULL when an answer came (any
 * status: resp->status), else the reason. Redirects are followed (http/https only). */
typedef struct cx_curl_resp {
	long status;
	char etag[256], lastmod[64], cachectl[256], ctype[128];
} cx_curl_resp;
typedef void (cx_curl_get_h)(void *arg, const cx_curl_resp *resp, const char *why);
int cx_curl_get(cx_engine *e, const char *url, const char *const *hdrs, size_t max, FILE *out,
		cx_curl_get_h *geth, void *arg);
/* Why an answer is no good, after prefix: "URL: why" (the transfer failed), "URL: HTTP status
 * N" (not 2xx) or "URL: larger than MAX bytes" (len >= max), and 1; 0 and "" for a good one. */
int cx_curl_failed(char *out, size_t sz, const char *prefix, const char *url, const char *why,
		   const cx_curl_resp *resp, size_t len, size_t max);
/* Section - Documents loaded at run time (docfetch.c, doccomp.c; docs/fetch.md) */

/* Told the loaded document, or why there is none (doc NULL), exactly once; arg is the one
 * given (referenced until then). */
typedef void (cx_docload_h)(cx_engine *e, const cx_doc *doc, const char *why, void *arg);
/* The URL to fetch for uri in a session running base: an http(s) URI, or one relative to
 * base's own URL when base was loaded at run time. ENOENT: not fetchable. */
int cx_docload_url(const cx_engine *e, const cx_doc *base, const char *uri, char **urlp);
/* The same, and a file: URI or a path relative to a compiled-in document (or to a document
 * read from a file) as a file:// URL of a regular file under e->docroot (symlinks resolved).
 * 0, ENOENT (not fetchable: no docroot, another scheme), or EACCES with why filled (outside
 * the root, no such file, not a regular file). */
int cx_docload_urlwhy(const cx_engine *e, const cx_doc *base, const char *uri, char **urlp,
		      char *why, size_t sz);
/* The one read of a file under e->docroot: url (a file: URL) resolved with its symlinks must be
 * a regular file under the root, and that path is then opened with no symlink followed
 * (cx_docroot_openat), so the file read is the one checked. At most max bytes in *bodyp
 * (free(), NUL-ended; its old value freed), *lenp; else EACCES (or ENOMEM) with why. */
int cx_docroot_read(const cx_engine *e, const char *url, size_t max, char **bodyp,
		    size_t *lenp, char *why, size_t sz);
/* The absolute path real opened read-only, one component at a time from "/" with O_NOFOLLOW
 * (a symlink anywhere, ".", ".." fail; the last one is opened non-blocking). 0 or an errno. */
int cx_docroot_openat(const char *real, int *fdp);
/* With --docroot, uri as a file:// URL, not checked yet (cx_docroot_read checks it): a file:
 * URI, a path relative to b when b is a file: URL, or to the root when b is NULL (compiled
 * in), an absolute path; dot segments removed. ENOENT without --docroot, for another scheme,
 * or relative to an http(s) b. */
int cx_docroot_url(const cx_engine *e, const char *b, const char *uri, char **urlp);
/* uri resolved against base b (RFC 3986 5.2, dot segments removed): as it is when it has
 * a scheme or b is NULL/""; against b's authority ("//h/x", "/x") or its last "/" otherwise;
 * b may be a path without scheme (a compiled document's relative xml:base). */
int cx_docload_resolve(const char *b, const char *uri, char **urlp);
/* Fetch url (within timeout_ms, 0: the default), compile and load it; h is never called
 * from inside this call. 0 or an errno (then h is not called). */
int cx_docload(cx_engine *e, const char *url, uint64_t timeout_ms, cx_docload_h *h, void *arg);
/* A fetch's bound when its element gives none: a document's, a CCXML prompt's (prompt.c) */
#define CX_FETCH_TIMEOUT_MS 30000
/* What a <fetch>/<createccxml> asks of HTTP caching: maxage / maxstale in milliseconds,
 * -1 when the element gives none (docs/fetch.md). */
typedef struct cx_docage {
	int64_t maxage, maxstale;
	uint64_t tmo_ms; /* prompts (prompt.c): the asker's fetchtimeout, the transfer's bound
			  * (0: CX_FETCH_TIMEOUT_MS) */
} cx_docage;
/* The request's own Cache-Control for caches between us and the origin (RFC 9111 §5.2.1):
 * "Cache-Control: max-age=N[, max-stale=M]" (whole seconds) in out, 1; 0 and "" when age
 * (NULL: none) asks neither. */
int cx_docage_reqcc(char *out, size_t sz, const cx_docage *age);
/* The same with method "get" (fields in the query) or "post" (fields as the body), fields a
 * namelist (or NULL); EINVAL for another method. POST answers are never kept. age NULL: no
 * maxage/maxstale. */
int cx_docload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		    uint64_t timeout_ms, const cx_docage *age, cx_docload_h *h, void *arg);
const char *cx_doccomp_url(const cx_engine *e, const cx_doc *doc); /* NULL: compiled in */
/* The URL a fetched document came from (its xml:base not applied), NULL: compiled in. */
const char *cx_doccomp_srcurl(const cx_engine *e, const cx_doc *doc);
uint32_t cx_doccomp_pending(const cx_engine *e);  /* compiles running */
/* Start the compile server now, and ready the libraries a fetched document needs (OpenSSL's
 * digest, libxml2): a service does at start, so that its first fetched document does not wait
 * for them; otherwise the first compile does. */
void cx_doccomp_warm(cx_engine *e);

/* The compile server, `ccxmlc --compile-server` (docserv.c). h is told 'P' (VALUE: the
 * child's pid and process group), then once 'X' (its wait status), 'E' (an errno: not
 * started) or 'L' (the server has gone; VALUE 0). */
struct cx_docsrv;
/* posix_spawn of path in a process group of its own (so that the group can be killed), its
 * stdin, stdout and stderr from in, out and errfd (-1: /dev/null; 0, 1, 2: ours) and no
 * other descriptor of ours; 0 or an errno. The compiler and the compile server are started this way (docserv.c). */
int cx_spawn_group(pid_t *pid, const char *path, char *const *argv, char *const *env, int in,
		   int out, int errfd);
typedef void (cx_docsrv_h)(void *arg, char kind, int32_t val);
int cx_docsrv_alloc(struct cx_docsrv **sp, const char *ccxmlc, char *const *env);
bool cx_docsrv_up(const struct cx_docsrv *s);
int cx_docsrv_send(struct cx_docsrv *s, char *const *argv, int out, cx_docsrv_h *h, void *arg,
		   uint32_t *idp);
void cx_docsrv_forget(struct cx_docsrv *s, uint32_t id);  /* h is not called again */
void cx_docsrv_kill(struct cx_docsrv *s);  /* it does not answer: end it (h told 'L') */
/* The HTTP cache's entry for a URL: the program its last 200 gave, when that answer came,
 * until when it is fresh, whether it must be revalidated before each use (no-cache), and its
 * validators. */
typedef struct cx_docval {
	uint64_t stored, until;  /* cx_cdr_now_ms() */
	int nocache;
	char etag[256], lastmod[64];
} cx_docval;
/* docscript.c: a fetched document's <script src> and, in a VoiceXML one, <grammar src>
 * (resolved against xml:base and its URL, in document order; a grammar's without its fragment)
 * and the base of its relative URIs (the root's xml:base, NULL: its URL); then a VoiceXML
 * document's application root (<vxml application>, without its fragment), and once it is
 * fetched (cx_docscript_app) the root's own <script src> and <grammar src> */
typedef struct cx_docsrc {
	char *url;
	char charset[32];      /* the charset attribute, "" when none */
	int gram;              /* a <grammar src>: SRGS XML, its bytes as fetched */
	int app;               /* the application root: VoiceXML, its bytes as fetched */
	int64_t maxage, maxstale;  /* a VoiceXML <script>'s or <grammar>'s maxage, maxstale
				    * (else scriptmaxage ... in force, else the application
				    * root's: cx_docscript_app) in ms, -1: none */
	int64_t tmo;           /* ... its fetchtimeout (else the property) in ms, -1: none */
} cx_docsrc;
typedef struct cx_docscripts {
	size_t n;
	cx_docsrc v[32];
	char *base;
} cx_docscripts;
int cx_docscript_scan(const char *url, const char *body, size_t len, cx_docscripts **sp,
		      char *why, size_t sz);
/* The application root s names, fetched from url: its <vxml>-level scriptmaxage ...
 * fetchtimeout given to the leaf's sources in s that have none (VoiceXML 2.0 §6.3), then its
 * <script src> and <grammar src> added to s (one level: a root that names a root is an error);
 * why on error */
int cx_docscript_app(cx_docscripts *s, const char *url, const char *body, size_t len, char *why,
		     size_t sz);
/* A fetched grammar's bytes in a new *outp, unless its Content-Type ctype is not SRGS XML;
 * why on error */
int cx_docscript_grammar(const char *ctype, const char *in, size_t len, struct mbuf **outp,
			 char *why, size_t sz);
/* in (charset, else ctype's charset=, else UTF-8) as UTF-8 in a new *outp; why on error */
int cx_docscript_utf8(const char *charset, const char *ctype, const char *in, size_t len,
		      struct mbuf **outp, char *why, size_t sz);
/* The body of url as a document of this process (cached by content), with its fetched scripts
 * (UTF-8, in order; part of the program's hash), their URLs (ss: what diagnostics name them by)
 * and the base of its relative URIs (ss->base; NULL ss or base: url); h may be called before
 * this returns. */
int cx_doccomp_with(cx_engine *e, const char *url, const cx_docscripts *ss, const char *body,
		    size_t len, struct mbuf *const *scripts, size_t nscripts, cx_docload_h *h,
		    void *arg);
/* The body of url (UTF-8) compiled as a script for <script fetchid> (`ccxmlc --shared
 * HASH.js`, cached by content): the cx_doc whose init runs it in the running session's scopes
 * (runtime/exec.c); h may be called before this returns. */
int cx_doccomp_js(cx_engine *e, const char *url, const char *body, size_t len,
		  cx_docload_h *h, void *arg);
/* A script for <script fetchid> (docfetch.c, docs/fetch.md): its program as decoded by the
 * answer's charset (else UTF-8 when valid, else ISO-8859-1), and for each charset the fetching
 * document's <script fetchid charset> elements name (cx_doc.script_charsets) the program of
 * that decoding: the same doc when it decodes to the same text, NULL with why when the bytes
 * are not valid in it (or do not compile so). doc is NULL (and why set) only when the default
 * decoding failed but a named charset's did not. A mem object. */
typedef struct cx_jsprogs {
	const cx_doc *doc;
	char *why;
	size_t n;
	struct {
		char charset[48];
		const cx_doc *doc;
		char *why;
	} v[CX_SCRIPT_MAXCS];
} cx_jsprogs;
/* The program of js for a <script fetchid> with charset cs (NULL: none), or NULL with *why */
const cx_doc *cx_jsprogs_for(const cx_jsprogs *js, const char *cs, const char **why);
typedef void (cx_jsload_h)(cx_engine *e, const cx_jsprogs *js, const char *why, void *arg);
/* docfetch.c: fetch url as a script (cx_doccomp_js), as cx_docload_with does a document;
 * charsets: cx_doc.script_charsets of the fetching document (NULL: none) */
int cx_jsload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		   uint64_t timeout_ms, const cx_docage *age, const char *const *charsets,
		   cx_jsload_h *h, void *arg);
/* url's kept answer of kind vxml (0: a cx_doc, 1: a cx_vx_doc, CX_DOC_DATA, CX_DOC_JS,
 * CX_DOC_SRC: below) and its cx_docval (copied to v), or NULL; it becomes the most recently
 * used */
const void *cx_doccomp_cached(cx_engine *e, const char *url, int vxml, cx_docval *v);
/* keep doc as url's answer (v NULL: forget url, as for no-store); size: the bytes it holds
 * (a body kept: the bound of what is kept, CX_DOCCOMP_MAXFRESHB) */
void cx_doccomp_keep(cx_engine *e, const char *url, int vxml, const void *doc,
		     const cx_docval *v, size_t size);
/* VoiceXML documents loaded at run time (vxfetch.c, docs/voicexml.md "Documents fetched at
 * run time"): told the loaded dialog, or why there is none, exactly once. */
typedef void (cx_vxload_h)(cx_engine *e, const cx_vx_doc *doc, const char *why, void *arg);
/* The body of url compiled as a .vxml (`ccxmlc --shared HASH.vxml`) with its fetched scripts
 * as cx_doccomp_with's (ss->base unused: its relative URIs are resolved at run time, against
 * url), cached by content as CCXML documents are; h may be called before this returns. */
int cx_doccomp_vxml(cx_engine *e, const char *url, const cx_docscripts *ss, const char *body,
		    size_t len, struct mbuf *const *scripts, size_t nscripts, cx_vxload_h *h,
		    void *arg);
const char *cx_doccomp_vxurl(const cx_engine *e, const cx_vx_doc *doc); /* NULL: compiled in */
/* cx_exc_where (where the pending exception arose) with a file of the cache named by the URL
 * it stands for (a fetched document, or one of its scripts). */
int cx_doccomp_exc_where(const cx_engine *e, cx_ctx *X, const char **file);
/* docfetch.c: fetch url as a VoiceXML document (method "get"/"post" with fields, or a
 * multipart body when mp is not NULL), compile and load it; h never called from inside. */
int cx_vxload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		   const struct mbuf *mp, const char *mptype, uint64_t timeout_ms,
		   const cx_docage *age, cx_vxload_h *h, void *arg);
/* The kind (cx_doccomp_cached's vxml) of a <data> answer kept by HTTP caching: its body, an
 * mbuf (referenced by the cache). */
#define CX_DOC_DATA 2
#define CX_DOC_JS 3    /* ... of a script for <script fetchid>: its cx_jsprogs */
#define CX_DOC_SRC 4   /* ... of a fetched document's <script src>, <grammar src> or application
			* root: its answer as it came (docfetch.c cx_docsrcans) */
/* docfetch.c, VoiceXML <data>: the body of url (as cx_vxload_with asks for it), at most 1 MiB,
 * HTTP-cached as documents are (GET only, age: maxage/maxstale); h told once, never from
 * inside this call (body NULL and why on failure). */
typedef void (cx_vxdata_h)(cx_engine *e, const char *body, size_t len, const char *why, void *arg);
int cx_dataload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		     const struct mbuf *mp, const char *mptype, uint64_t timeout_ms,
		     const cx_docage *age, cx_vxdata_h *h, void *arg);
/* url to fetch for uri written in a document whose own URL is base (NULL: a compiled-in one):
 * an http(s) URI, or one relative to base. ENOENT: not fetchable, EPROTONOSUPPORT: a scheme. */
int cx_docload_fetchurl(const char *base, const char *uri, char **urlp);
/* vxfetch.c: <dialogstart>/<dialogprepare> (d->started tells which) of a VoiceXML src not
 * compiled in: fetched, compiled and loaded, then prepared or started on the provider (or
 * error.dialog.notstarted / notprepared with the reason). ENOENT: not such a src (compiled
 * in, audio, or not fetchable: the caller goes on as before). */
int cx_vxf_dialog(cx_engine *e, cx_dlg *d);
/* vxfetch.c: the VoiceXML document uri (relative to base, the element's base URL: NULL for a
 * compiled-in document, vxml.c cx_vx__baseurl) for a running dialog; *urlp (when not NULL) the
 * URL asked. 0 or an errno (h then not called). */
int cx_vxf_load(cx_engine *e, const char *base, const char *uri, const char *method,
		const cx_cval *fields, const struct mbuf *mp, const char *mptype,
		const cx_vx_fetch *f, cx_vxload_h *h, void *arg, char **urlp);
/* The VoiceXML document dialog d runs: the one fetched for it, else the compiled-in one its
 * src names, or NULL. */
const cx_vx_doc *cx_vx_dlgdoc(const cx_dlg *d);
/* vxfetch.c, <data>: the body of uri (relative to base as cx_vxf_load's; the fields as GET
 * query, or as POST body: mp when not NULL, a multipart one) as cx_dataload_with, within f's
 * bounds; *urlp the URL asked (with the query). */
int cx_vxf_data(cx_engine *e, const char *base, const char *uri, int post,
		const cx_cval *fields, const struct mbuf *mp, const char *mptype,
		const cx_vx_fetch *f, cx_vxdata_h *h, void *arg, char **urlp);
/* vxdata.c: the XML body as the object tree of docs/voicexml.md "<data>" (no network, no
 * entities); 0, or an errno with why ("URL:LINE: not well-formed XML: …"). */
int cx_vxd_parse(cx_ctx *X, const char *url, const char *body, size_t len, cx_value *out,
		 char *why, size_t sz);
/* vxfetch.c: the namelist fields (an object; names[k] with rec[k] set is a <record> item: its
 * WAV under --record-dir goes as a file part, audio/x-wav) as a multipart/form-data body in a
 * new *mbp, its Content-Type in ctype; why on error. */
int cx_vxf_multipart(cx_engine *e, const cx_cval *fields, const char *const *names,
		     const unsigned char *rec, int n, struct mbuf **mbp, char *ctype, size_t csz,
		     char *why, size_t sz);
/* obj (its le unlinked by its destructor) is dereferenced with the engine unless gone before */
void cx_doccomp_hold(cx_engine *e, struct le *le, void *obj);
/* prompt.c: Cache-Control -> fresh until (cx_cdr_now_ms() time), 0: revalidate each time */
uint64_t cx_prompt_fresh(const char *cc, int *nostore);
int cx_prompt_ccword(const char *cc, const char *word);  /* word (e.g. "no-cache") is in cc */

/* cx_curl_get, POSTing post's bytes (application/x-www-form-urlencoded) when it is not NULL;
 * tmo_ms: the caller's own bound on the request (its timer aborts it, cx_curl_abort), which
 * curl's follows by a second (0: curl's default 15 s). */
int cx_curl_fetch(cx_engine *e, const char *url, const struct mbuf *post,
		  const char *const *hdrs, size_t max, uint64_t tmo_ms, FILE *out, cx_curl_get_h *geth,
		  void *arg);
/* The transfer of cx_curl_get/cx_curl_fetch whose callback argument is arg ends now, its
 * callback told why (as of any failure), if it is still in flight. */
void cx_curl_abort(cx_engine *e, void *arg, const char *why);
/* An object's fields (a namelist), flattened with dotted names, as "a=1&b.c=2" appended to mb. */
int cx_curl_form(struct mbuf *mb, const cx_cval *fields);
/* A namelist field's value as text (ES's ToString of a number, written into num), as posted. */
const char *cx_curl_sval(const cx_cval *v, char num[40]);
int cx_curl_json(cx_engine *e, const char *url, const struct mbuf *body, cx_curl_done_h *doneh,
		 void *arg);

/* Section - VoiceXML dialogs (vxml.c, docs/voicexml.md) */

typedef struct cx_vx_run cx_vx_run;
/* The compiled dialog a <dialogstart src> names ("survey.vxml", "./survey.vxml", a URL whose
 * path ends with the name), or NULL. */
const cx_vx_doc *cx_vx_find(const char *src);
/* The provider's part: play a prompt, return how long it plays in ms (0 if it cannot be
 * played). src is a media src as cx_media_load reads it: "file.wav", "file.wav?text=…" (the
 * <audio> fallback text), "?text=…" (TTS only) or "?break=MS" (a <break>: silence). */
typedef uint64_t (cx_vx_play_h)(cx_engine *e, cx_dlg *d, const char *src, void *arg);
/* The src that asks the provider to stop what plays (fetch audio once its fetch is done). */
#define CX_VX_STOP_SRC "?stop"
/* Starts doc for dialog d (a mem object; deref stops it). dialog.started is the caller's. */
int cx_vx_start(cx_vx_run **rp, cx_engine *e, cx_dlg *d, const cx_vx_doc *doc, cx_vx_play_h *play, void *arg);
/* The sixteen DTMF keys, in RFC 4733's event-code order (0-9, *, #, A-D: code k is
 * CX_DTMF_KEYS[k]): one list for the simulator's, VoiceXML's, SIP INFO's and RTP's keys. */
#define CX_DTMF_KEYS "0123456789*#ABCD"

/* DTMF digits the caller pressed on the dialog's connection: 1 when one was taken (the
 * prompts playing stop: barge-in), 0 when all were dropped (a bargein="false" prompt plays). */
int cx_vx_input(cx_vx_run *r, const char *digits);
/* vxml.c for vxio.c: the field collecting gets v, its <filled> runs, the FIA goes on. */
void cx_vx_item_done(cx_vx_run *r, cx_value v);
/* vxio.c's state of the run (*ret), and the run's engine, dialog, context and the time its
 * queued prompts end (each pointer may be NULL). */
typedef struct cx_vxio cx_vxio;
/* The dialog ends with error.dialog whose reason is why ("error.EVENT: …"), or with dialog.exit
 * when why is NULL; finish: now (from outside the FIA's loop). */
void cx_vx_error(cx_vx_run *r, const char *why, int finish);
/* An event from outside (<send targettype="'dialog'">) is thrown in the dialog: whatever it
 * waited for is given up, the §5.2.4 selection finds its handler (or the default one exits). */
void cx_vx_deliver(cx_vx_run *r, const char *ev);
cx_vxio **cx_vx_io(cx_vx_run *r, cx_engine **e, cx_dlg **d, cx_ctx **X, uint64_t *play_end);

/* Section - A dialog's side-trips: <record> (vxio.c, docs/voicexml.md) */

/* The provider's part of <record>: the pointer its audio feeder reads (a call's cx_rec slot),
 * or NULL when it has no audio (the simulator: the recording is silence). */
typedef struct cx_rec **(cx_vx_recslot_h)(cx_dlg *d, void *arg);
void cx_vxio_provider(cx_vx_run *r, cx_vx_recslot_h *slot, void *arg);
/* vxml.c: the FIA reached item it (not a field): 0 when it waits (the item ends by
 * cx_vx_item_done), 1 when an expression of it threw (error.semantic dispatched: the FIA goes
 * on), else (-1) the dialog stops (the error is recorded). */
int cx_vxio_item(cx_vx_run *r, const cx_vx_item *it);
/* vxml.c, for cx_vxio_item: an attribute of item it, text or fn's value (fn evaluated with the
 * step budget), copied into *out (NULL when both are); 0, 1 when fn threw (error.semantic
 * naming the item is dispatched), -1 out of memory (recorded). */
int cx_vx_item_str(cx_vx_run *r, const cx_vx_item *it, const char *text, cx_cond_fn *fn, char **out);
/* <send targettype="'dialog'"> (exec.c): event name with fields (NULL: none) to the dialog.
 * dialog.transfer.complete fills a waiting <transfer> (fields.results); other events end it
 * as VoiceXML's default handlers do until the dialog can catch them (docs/voicexml.md). */
void cx_vx_event(cx_vx_run *r, const char *name, const cx_cval *fields);
/* vxml.c: a key the caller pressed while item it waits. */
void cx_vxio_key(cx_vx_run *r, char key);
/* vxml.c, <record modal="false">: is it recording now? cx_vxio_stop ends the recording for a
 * grammar in scope that took keys: the file is kept, the item is not filled (§2.3.6). */
int cx_vxio_recording(cx_vx_run *r);
void cx_vxio_stop(cx_vx_run *r);
/* vxml.c, a <transfer> with a DTMF <grammar> (VoiceXML 2.0 §2.3.7): is a bridge or
 * consultation transfer in CCXML's hands, not ended by the caller yet? cx_vxio_hotword: keys
 * b[0..n) matched its grammar: the CCXML document is asked to end it (dialog.terminatetransfer)
 * and its outcome will be near_end_disconnect with those keys as name$.utterance. */
int cx_vxio_xfer_listening(cx_vx_run *r);
/* vxio.c: a <transfer> goes to CCXML, its prompts played: the mark they reached is its
 * (name$.markname, VoiceXML 2.1 §2.4.2). */
void cx_vx_transfer_begins(cx_vx_run *r);
/* vxio.c, <transfer transferaudio>: src plays from now (its ms, 0: it cannot), or with src
 * NULL what plays stops (the provider's CX_VX_STOP_SRC). */
uint64_t cx_vx_audio(cx_vx_run *r, const char *src);
/* vxml.c: t started with h(arg) when r's queued prompts end, those still fetched from a web
 * server included (an <audio> over HTTP: 1, their end is not known yet); src's fetch begun now
 * when it is a web one (a transferaudio to be here when it plays). */
int cx_vx_after_prompts(cx_vx_run *r, struct tmr *t, tmr_h *h, void *arg);
void cx_vx_audio_want(cx_vx_run *r, const char *src);
/* exec.c: connection connid of the session was joined to another (<join>): a dialog on it whose
 * transfer plays its transferaudio stops it, the far end has answered (VoiceXML 2.0 §2.3.7);
 * its connecttimeout watch gives way to its maxtime one (vxio.c). */
void cx_vxio_joined(cx_sess *s, const char *connid);
/* conn.c: outbound connection connid of the session answered (connection.connected): the one
 * dialog of the session, on another connection, whose transfer in CCXML's hands waits for an
 * answer takes it as its far end's (VoiceXML 2.1 §2.4.3: transferaudio stops; the maxtime watch
 * starts); with two such dialogs only a <join> tells whose it is. */
void cx_vxio_answered(cx_sess *s, const char *connid);
/* conn.c: connection connid was redirected (connection.redirected): a dialog on it whose
 * transfer is in CCXML's hands gets connection.disconnect.transfer now (VoiceXML 2.0 §2.3.7.1:
 * the platform throws it), before the provider ends the call and the dialog with it. */
void cx_vxio_redirected(cx_sess *s, const char *connid);
/* conn.c: connection connid was disconnected (connection.disconnected, either side): a VoiceXML
 * dialog on it gets connection.disconnect.hangup now, in its innermost run (VoiceXML 2.0 §5.2.6,
 * §2.3.7.2.2, §2.3.6: a <record>'s audio so far is its value) and is in the final processing
 * state, which the provider's end of the call leaves running; one in it already (a blind
 * transfer) is left alone. */
void cx_vxio_hangup(cx_sess *s, const char *connid);
/* Is run r in the final processing state (VoiceXML 2.0 §1.5.4: a connection.disconnect event
 * came; it waits for no input and ends by itself)? A provider ending the call leaves it running. */
int cx_vx_final(const cx_vx_run *r);
void cx_vxio_hotword(cx_vx_run *r, const char *b, size_t n);
/* vxml.c: a key barged into a <record>'s prompts (VoiceXML 2.0 §4.1.5): they stop, so the
 * recording, which begins after them (§2.3.6), begins now. */
void cx_vxio_barge(cx_vx_run *r);
/* vxgram.c: the keys b[0..n) against an SRGS grammar's table (an item's, a <link>'s: nodes,
 * kids, root): 1 a sentence (and none longer, unless final), 0 more keys may make one, -1 none. */
int cx_vx_gram_match(const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b, size_t n,
		     int final);
/* vxgram.c: one derivation of the sentence b[0..n) of that grammar (it matched), as events in
 * derivation order, at most max: each rule it refers to (REF nodes, the grammar's root rule
 * too) begins (CX_VX_SP_BEGIN, at) and ends (CX_VX_SP_END, at, len: the span it took), each
 * <tag> passed (CX_VX_SP_TAG); node is the REF's or TAG's index. Their number, or -1 when none
 * was found within the grammar's bound of work. */
enum { CX_VX_SP_END, CX_VX_SP_BEGIN, CX_VX_SP_TAG };
typedef struct cx_vx_span {
	const char *name;
	size_t at, len;
	int kind;
	uint32_t node;
} cx_vx_span;
int cx_vx_gram_spans(const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b, size_t n,
		     cx_vx_span *out, int max);
/* vxgram.c: the semantic interpretation (SISR) of the sentence b[0..n) of that grammar (it
 * matched): 1 with *out the root rule's out, 0 when the grammar that took it has no <tag>s
 * (its value is the keys), -1 with an exception pending when a tag's script threw (*line: the
 * tag's) or the derivation was too long. */
int cx_vx_gram_interp(cx_ctx *X, const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, const char *b,
		      size_t n, cx_value *out, int *line);
/* vxml.c: a subdialog run starts or returns: to gets from's recording slot and count. */
void cx_vxio_inherit(cx_vx_run *to, cx_vx_run *from);
/* conn.c: dialog.exit with values (NULL: an empty object) and expr (NULL: none). */
void cx_rt_dlg_exit(cx_dlg *d, const cx_cval *values, const cx_cval *expr);

#endif
