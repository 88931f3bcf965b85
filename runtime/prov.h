/*
 * prov.h — the telephony provider interface. The runtime calls the operations below when a
 * document runs <createcall>, <accept>, … ; the provider reports what happens on the network with
 * cx_rt_conn_event() / cx_rt_dlg_event() / cx_prov_inbound(), from the libre main loop.
 *
 * An operation returns 0 when the request was taken (its outcome comes later as events), or an
 * errno: the runtime then raises the element's failure event (e.g. error.dialog.notstarted).
 * Today there is one implementation, the simulator (sim.c); a SIP provider is a second file
 * that fills the same table. NULL operations are done by the runtime alone (bookkeeping only).
 */
#ifndef CX_PROV_H
#define CX_PROV_H

#include "rt.h"

struct cx_prov {
	const char *name;      /* event$.eventsourcetype of its events and connection.protocol.name */
	const char *version;   /* connection.protocol.version */
	int (*createcall)(cx_engine *e, cx_conn *c, const char *dest);
	int (*accept)(cx_engine *e, cx_conn *c);
	int (*reject)(cx_engine *e, cx_conn *c, const char *reason);
	int (*redirect)(cx_engine *e, cx_conn *c, const char *dest, const char *reason);
	int (*disconnect)(cx_engine *e, cx_conn *c, const char *reason);
	int (*dialogprepare)(cx_engine *e, cx_dlg *d);
	int (*dialogstart)(cx_engine *e, cx_dlg *d);
	int (*dialogterminate)(cx_engine *e, cx_dlg *d, int immediate);
	/* Media joins (docs/sip.md). id1/id2 are ids of connections or conferences of session s;
	 * full: duplex 'full', else 'half' (id1 hears id2, id2 does not hear id1). The runtime
	 * queues conference.joined/unjoined on 0, error.conference.join/unjoin on an errno.
	 * createconference may set f->pd; destroyconference is called before f is freed. */
	int (*join)(cx_engine *e, cx_sess *s, const char *id1, const char *id2, int full);
	int (*unjoin)(cx_engine *e, cx_sess *s, const char *id1, const char *id2);
	int (*createconference)(cx_engine *e, cx_conf *f);
	int (*destroyconference)(cx_engine *e, cx_conf *f);
	/* Called when the session that owns c/d ends or the object is freed: release pd. */
	void (*conn_release)(cx_engine *e, cx_conn *c);
	void (*dlg_release)(cx_engine *e, cx_dlg *d);
	/* Something is still to come that no session waits for (e.g. scheduled inbound calls). */
	int (*pending)(cx_engine *e);
	void (*close)(cx_engine *e);
	/* SIGHUP (serve.c): read credentials and the like again; what runs is not touched. */
	void (*reload)(cx_engine *e);
	/* For c's call record: Call-ID and RTP counts (st is zeroed before). */
	void (*conn_stats)(cx_engine *e, const cx_conn *c, cx_conn_stats *st);
};

/* An incoming call: a new session of docs[0] (startupmode 'newcall') with a connection in
 * state ALERTING; ccxml.loaded then connection.alerting are queued. */
int cx_prov_inbound(cx_engine *e, const char *from, const char *to, cx_conn **cp);

/* The simulator (sim.c). file may be NULL (defaults). On a bad scenario line: prints
 * "FILE:LINE: error: …" on stderr and returns EINVAL. */
extern const cx_prov cx_sim_prov;
int cx_sim_setup(cx_engine *e, const char *file);
/* Parse one scenario line into the simulator state (for tests); errmsg gets a reason. */
int cx_sim_parse_line(cx_engine *e, const char *line, char *errmsg, size_t errsz);

/* The SIP provider (sip.c, docs/sip.md): listens on laddr ("ADDR:PORT", UDP and TCP); gateway
 * ("HOST:PORT" or NULL) carries tel: and sip:N!H@G destinations; transport "udp" or "tcp"
 * (outbound calls; NULL: udp). Prints the reason on stderr and returns an errno on failure. */
extern const cx_prov cx_sip_prov;
int cx_sip_setup(cx_engine *e, const char *laddr, const char *gateway, const char *transport);
/* Calls that do not hang (docs/sip.md): a connected call whose far end sends no RTP for
 * rtp_timeout_s seconds (0: 60; UINT32_MAX: never), or that lasts max_call_s seconds (0: no
 * limit), is ended with a BYE. After cx_sip_setup; EINVAL with a message when out of range. */
int cx_sip_limits(cx_engine *e, uint32_t rtp_timeout_s, uint32_t max_call_s);

#endif
