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

#define CX_API_VERSION 1

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

typedef struct cx_engine_cfg {
	const cx_doc *const *docs; /* docs[0]: for inbound calls; all: for <createccxml>/<fetch> */
	int ndocs;
	int use_sim;               /* the simulator (docs/sim.md) instead of callctl */
	const char *sim_file;      /* scenario for the simulator, or NULL */
	const cx_callctl *callctl; /* used when !use_sim; NULL: every request succeeds at once */
	const char *media_root;    /* NULL: "." */
	cx_log_h *logh;            /* NULL: stdout */
	void *logarg;
	size_t heap_limit;         /* per session, bytes; 0: 64 MiB */
	uint32_t max_sessions;     /* 0: no limit */
} cx_engine_cfg;

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

/* Section - Sessions */

/* Start a session of doc (startupmode 'external'); kv: nkv key/value string pairs (kv[2i],
 * kv[2i+1]) for session.values. The id is written to id (size idsz). */
int cx_session_start(cx_engine *e, const cx_doc *doc, const char *const *kv, size_t nkv,
		     char *id, size_t idsz);
/* Queue an event at the back of the session's queue; fields are string properties of event$
 * (kv as above). ENOENT: no such session. */
int cx_session_inject(cx_engine *e, const char *sessid, const char *name,
		      const char *const *kv, size_t nkv);
/* ToString of the ccxml-scope variable `name` into buf. ENOENT: no session or variable. */
int cx_session_var(cx_engine *e, const char *sessid, const char *name, char *buf, size_t sz);
/* 1 while the session runs. */
int cx_session_alive(cx_engine *e, const char *sessid);

/* Section - Reports from your call control */

/* An incoming call: a new session of docs[0] ('newcall') with an ALERTING connection. */
int cx_inbound(cx_engine *e, const char *from, const char *to, char *sessid, size_t sidsz,
	       char *connid, size_t cidsz);
/* What happened to a connection: "connection.connected", "connection.failed",
 * "connection.disconnected", … (the state follows from the name); reason may be NULL. */
int cx_conn_report(cx_engine *e, const char *sessid, const char *connid, const char *event,
		   const char *reason);
/* What happened to a dialog: "dialog.started", "dialog.exit", "error.dialog.notstarted". */
int cx_dialog_report(cx_engine *e, const char *sessid, const char *dialogid, const char *event);

#endif
