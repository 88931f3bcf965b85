/*
 * prov.h — the telephony provider interface. The runtime calls the operations below when a
 * document runs <createcall>, <accept>, … ; the provider reports what happens on the network with
 * typed events, cx_rt_conn_pev() / cx_rt_dlg_pev() (rt.h: enum cx_pev, one table in conn.c gives
 * each its name, state and finality), and cx_prov_inbound(), from the libre main loop.
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
	/* <merge> of a and b (both CONNECTED): on 0 the provider has bridged them and queued
	 * connection.merged (state DISCONNECTED) on both: they leave the session, and the provider
	 * ends the pair (a BYE to the other, both call records) when one far end hangs up. On an
	 * errno, *why may say why (connection.merge.failed's reason). NULL: merge is refused. */
	int (*merge)(cx_engine *e, cx_conn *a, cx_conn *b, const char **why);
	int (*dialogprepare)(cx_engine *e, cx_dlg *d);
	int (*dialogstart)(cx_engine *e, cx_dlg *d);
	int (*dialogterminate)(cx_engine *e, cx_dlg *d, int immediate);
	/* Media joins (docs/sip.md). id1/id2 are ids of connections or conferences of session s;
	 * full: duplex 'full', else 'half' (id1 hears id2, id2 does not hear id1); o: the join's
	 * media options (rt.h cx_joinopt; <createcall joinid> gives the defaults). The runtime
	 * queues conference.joined/unjoined on 0, error.conference.join/unjoin on an errno.
	 * createconference may set f->pd; destroyconference is called before f is freed. */
	int (*join)(cx_engine *e, cx_sess *s, const char *id1, const char *id2, int full,
		    const cx_joinopt *o);
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
	/* c's record, built (mb: without its closing brace): 1 when the provider keeps it (a
	 * reference) to add what it learns later and hand it to cx_cdr_emit; 0: written now. */
	int (*cdr_defer)(cx_engine *e, cx_conn *c, struct mbuf *mb);
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
/* A <createcall> to dest: which attempt to it this is for the scenario's attempt= rules (from 1;
 * it stops growing once the same rule applies to all later ones; 0: no attempt= rule's pattern
 * matches dest, which is then not remembered). cx_sim_ndests: the destinations remembered. */
uint32_t cx_sim_attempt(cx_engine *e, const char *dest);
uint32_t cx_sim_ndests(cx_engine *e);

/* The SIP provider (sip.c, docs/sip.md): listens on laddr ("ADDR:PORT", UDP and TCP); gateway
 * ("HOST:PORT" or NULL) carries tel: and sip:N!H@G destinations; transport "udp" or "tcp"
 * (outbound calls; NULL: udp). Prints the reason on stderr and returns an errno on failure. */
extern const cx_prov cx_sip_prov;
int cx_sip_setup(cx_engine *e, const char *laddr, const char *gateway, const char *transport);
/* Calls that do not hang (docs/sip.md): a connected call whose far end sends no RTP for
 * rtp_timeout_s seconds (0: 60; UINT32_MAX: never), or that lasts max_call_s seconds (0: no
 * limit), is ended with a BYE. After cx_sip_setup; EINVAL with a message when out of range. */
int cx_sip_limits(cx_engine *e, uint32_t rtp_timeout_s, uint32_t max_call_s);

/* Trunks (docs/sip.md "Trunks"): after cx_sip_setup. proxy: a SIP URI (or HOST[:PORT]) every
 * outbound request goes through, or NULL; public_addr: the IP put in Contact and SDP, or NULL;
 * creds_file: --sip-credentials, or NULL; regs: nregs --register URIs. Prints the reason and
 * returns an errno on a bad value. */
int cx_sip_trunk(cx_engine *e, const char *proxy, const char *public_addr, const char *creds_file,
		 const char *const *regs, int nregs);
/* TLS (docs/sip.md "TLS"): after cx_sip_setup; certfile (--sip-tls-cert) is one PEM file with
 * the certificate and its key (NULL: no TLS). TLS listens on the --sip port + 1; ;transport=tls
 * destinations (and sips:, which libre 1.1.0 does not send) go over it, their certificates
 * checked against ca (--sip-tls-ca:
 * a PEM file or a hashed directory; NULL: the system's store) unless noverify
 * (--sip-tls-no-verify). Prints the reason and returns an errno on failure. */
int cx_sip_tls(cx_engine *e, const char *certfile, const char *ca, int noverify);
/* --dns-server ADDR[:PORT]: the one name server of SIP's resolver (NULL: /etc/resolv.conf's).
 * Prints the reason and returns an errno on failure. */
int cx_sip_dns(cx_engine *e, const char *server);
/* Inbound SIP connections over TCP and TLS (siptcp.c, docs/sip.md "Limits"): at most max in
 * all (0: 1024, or a quarter of the descriptor limit when that is less) and per_addr from one
 * address (0: 32); one without a call is closed after idle_s seconds without a byte (0: 60;
 * UINT32_MAX: never, libre's 900 s). After cx_sip_setup; EINVAL with a message when out of
 * range. cx_sip_tcp_conns: how many are open (0 without SIP). */
int cx_sip_conn_limits(cx_engine *e, uint32_t max, uint32_t per_addr, uint32_t idle_s);
uint32_t cx_sip_tcp_conns(cx_engine *e);
/* --srtp: CX_SRTP_OFF, CX_SRTP_OFFER or CX_SRTP_REQUIRE (docs/sip.md "SRTP"). */
int cx_sip_srtp(cx_engine *e, int mode);
/* --rtp-latch: CX_RTP_LATCH_NAT or CX_RTP_LATCH_OFF (docs/sip.md "Behind a NAT"); --rtcp:
 * CX_RTCP_ON or CX_RTCP_OFF (docs/sip.md "RTCP"); --media-thread: CX_MEDIA_THREAD_* (the send
 * thread when CX_MEDIA_THREAD_AUTO finds two CPUs; docs/sip.md "The media send thread"). */
int cx_sip_media(cx_engine *e, int latch, int rtcp, int thread);
/* --sip-trace: every SIP message sent and received appended to path (SIGHUP reopens it). */
int cx_sip_trace(cx_engine *e, const char *path);
/* Service stop: unREGISTER every registration (once); how many are still waiting for their
 * answer (serve.c waits for them within the grace time). */
uint32_t cx_sip_unregister(cx_engine *e);
/* Merged pairs still bridged (<merge>; serve.c waits for them when the --once session ends). */
uint32_t cx_sip_merges(cx_engine *e);
/* Ended calls whose BYE (or another request of their dialog) libre still resolves or sends
 * (serve.c waits for them when the --once session ends and at a stop, within the grace). */
uint32_t cx_sip_byes(cx_engine *e);

/* tmr.c: t is one of tmr_start's markers (a timer that does nothing, an index into libre's
 * timer list): the virtual clock does not jump to them. */
int cx_tmr_ismarker(const struct tmr *t);

/* Section - SIP helpers shared by sip.c, sipauth.c, sipreg.c, siphdr.c */

/* Digest credentials (sipauth.c). */
typedef struct cx_sipauth cx_sipauth;
typedef struct cx_sipauth_req {   /* one request's (or registration's) view: what was tried */
	cx_sipauth *creds;
	char *host;                   /* the destination host: the second key of a lookup */
	char realm[128], user[64];
	int tries, missing;
} cx_sipauth_req;
int cx_sipauth_load(cx_sipauth **ap, const char *file);
size_t cx_sipauth_count(const cx_sipauth *a);
int cx_sipauth_req_alloc(cx_sipauth_req **rp, cx_sipauth *creds, const char *uri);
int cx_sipauth_h(char **user, char **pass, const char *realm, void *arg);
int cx_sipauth_why(struct re_printf *pf, void *arg);   /* "%H": why authentication failed */

/* The local address the kernel would use towards dst (a connected UDP socket's name). */
int cx_sip_srcaddr(const struct sa *dst, struct sa *src);

/* The addresses of a TLS next hop given by host name (sipdns.c), found as libre 1.1.0 finds
 * them for ;transport=tls: port != 0: A and AAAA of host; else SRV _sips._tcp.host and its
 * targets, or A and AAAA at 5061 when there is no SRV record. h is called once (not when *rp
 * is dereferenced before): err 0 with up to CX_SIPDNS_MAX addresses, EDESTADDRREQ (the name
 * has none, or does not exist), or the resolver's error (ETIMEDOUT). */
#define CX_SIPDNS_MAX 16
typedef struct cx_sipdns cx_sipdns;
typedef void (cx_sipdns_h)(int err, const struct sa *addrv, unsigned addrc, void *arg);
int cx_sipdns_tls(cx_sipdns **rp, struct dnsc *dnsc, const char *host, uint16_t port,
		  cx_sipdns_h *h, void *arg);
/* The bound on inbound TCP/TLS connections (siptcp.c): t defines this program's accept(), which
 * takes or refuses each connection from the listening addresses given to cx_siptcp_listen
 * before libre sees it. cx_siptcp_alloc fails (ENOTSUP, logged) when libre's accept() would not
 * reach ours. A call taken from a connection holds it (cx_siptcp_hold, NULL when it came over
 * none of ours) until cx_siptcp_release: such a connection is never closed by the bound. */
typedef struct cx_siptcp cx_siptcp;
typedef struct cx_siptcp_conn cx_siptcp_conn;
int cx_siptcp_alloc(cx_siptcp **tp, cx_engine *e);
int cx_siptcp_listen(cx_siptcp *t, const struct sa *laddr, int tls);
int cx_siptcp_limits(cx_siptcp *t, uint32_t max, uint32_t per_addr, uint32_t idle_s);
uint32_t cx_siptcp_count(cx_siptcp *t);
cx_siptcp_conn *cx_siptcp_hold(cx_siptcp *t, const struct sa *src, const struct sa *dst);
cx_siptcp_conn *cx_siptcp_release(cx_siptcp_conn *c);   /* returns NULL */

/* TLS peer verification (siptls.c): t switches the checks on in tls's SSL_CTX (ca as in
 * cx_sip_tls); a call over TLS records its next hop (uri) with cx_siptls_expect, in an object
 * it keeps until it ends (cx_siptls_release). Returns 0 (an IP address: ready now),
 * EINPROGRESS (a host name, resolved through dnsc: readyh(err, arg) follows, err 0 when the
 * request may go, EDESTADDRREQ for a name that does not resolve, EACCES when a connection
 * already open there has a certificate not naming it: cx_siptls_why says so), or another
 * error with the reason in em. cx_siptls_why: why the connection was refused, or NULL. */
typedef struct cx_siptls cx_siptls;
typedef struct cx_siptls_dest cx_siptls_dest;
typedef void (cx_siptls_ready_h)(int err, void *arg);
int cx_siptls_alloc(cx_siptls **tp, struct tls *tls, const char *ca);
int cx_siptls_expect(cx_siptls *t, struct dnsc *dnsc, const char *uri, cx_siptls_dest **dp,
		     cx_siptls_ready_h *readyh, void *arg, char *em, size_t esz);
/* the far end's Contact and Record-Route addresses of msg added to *dp (made when NULL) */
int cx_siptls_expect_msg(cx_siptls *t, const struct sip_msg *msg, cx_siptls_dest **dp);
/* the dialog's next hop (libre's sip_dialog_route: where its BYE, re-INVITEs... go), once
 * the dialog is established: a ;transport=tls host name is resolved and its addresses must
 * show a certificate naming it; refusals from then on are logged with the call's ids. Again
 * after a target refresh: a new name or port replaces the old hop (its addresses, its
 * resolution, its refusal); the same one changes nothing. */
int cx_siptls_expect_route(cx_siptls *t, struct dnsc *dnsc, const struct uri *route,
			   cx_siptls_dest **dp, const char *sess, const char *conn,
			   const char *callid);
const char *cx_siptls_why(const cx_siptls_dest *d);
/* A call's end: its addresses stay known a while (its BYE may open a connection), then d goes;
 * NULL. cx_siptls_close: the SIP stack's end (nothing lingers any more), t dereferenced; NULL. */
cx_siptls_dest *cx_siptls_release(cx_siptls_dest *d);
cx_siptls *cx_siptls_close(cx_siptls *t);

/* Registrations (sipreg.c): one REGISTER client per --register URI. */
typedef struct cx_sipreg cx_sipreg;
typedef struct cx_sipreg_cfg {
	struct sip *sip;
	cx_sipauth *creds;            /* may be NULL */
	const char *proxy;            /* outbound proxy URI or NULL */
	const struct sa *pub;         /* advertised address (unset: the route's source address) */
	int tcp;                      /* default transport of registrations */
} cx_sipreg_cfg;
int cx_sipreg_start(cx_sipreg **rp, const cx_sipreg_cfg *cfg, const char *spec);
int cx_sipreg_stop(cx_sipreg *r);         /* unREGISTER; 1 while its answer is awaited */
int cx_sipreg_busy(const cx_sipreg *r);   /* 1 while an unREGISTER is in flight */

/* The SDP of a message's body (sipbody.c, docs/sip.md "Message bodies"): 0 with *sdp a view of
 * it (application/sdp, or that part of a multipart body; empty when there is none), else the
 * status to refuse the message with (400, 415) and *why in words. */
int cx_sipbody_sdp(const struct sip_msg *msg, struct mbuf *sdp, const char **why);
/* The key of a DTMF INFO's body (sipbody.c, docs/sip.md "DTMF"): application/dtmf-relay
 * ("Signal=5", "Duration=160": *dur_ms, else -1) or application/dtmf ("5"); '*', '#', 'A'-'D'
 * or RFC 4733's codes 10-15 too. 0 with *key (0 for an empty body), else the status to refuse
 * the INFO with (400 malformed, 415 another type) and *why in words. */
int cx_sipbody_dtmf(const struct sip_msg *msg, char *key, int *dur_ms, const char **why);

/* An SDES key (RFC 4568 a=crypto) of the suites we take: AES_CM_128_HMAC_SHA1_80 and _32,
 * each a 30-byte master key and salt. */
#define CX_SDES_KEYLEN 30
typedef struct cx_sdes {
	uint32_t tag;
	int suite;                    /* enum srtp_suite */
	uint8_t key[CX_SDES_KEYLEN];
} cx_sdes;
/* The value of an a=crypto line ("TAG SUITE inline:KEY[|LIFETIME]") in *k: 0, or EPROTO when
 * its suite is not one we take, or it has an MKI, more than one key or session parameters
 * (we use none), or its key is not 30 bytes of base64. The bytes come from the network. */
int cx_sipbody_crypto(const char *value, cx_sdes *k);

/* An RFC 3261 token (siphdr.c): n > 0 letters, digits or -.!%*_+`'~ */
bool cx_sip_token(const char *p, size_t n);

/* Custom headers from hints (siphdr.c): hints.headers validated (error text in em), and the
 * header lines for a request or response ("Name: value\r\n"…, "" when none). */
int cx_siphdr_check(const cx_cval *hints, char *em, size_t esz);
int cx_siphdr_print(struct re_printf *pf, void *hints);
/* hints.pai: NULL (none), "" (true: the From identity) or the identity string. */
const char *cx_siphdr_pai(const cx_cval *hints);


/* In-band DTMF (dtmf.c): digits detected in received G.711 audio, each reported once to h. */
typedef struct cx_dtmf cx_dtmf;
typedef void (cx_dtmf_h)(char digit, void *arg);
int cx_dtmf_alloc(cx_dtmf **dp, cx_dtmf_h *h, void *arg);   /* a libre mem object */
void cx_dtmf_g711(cx_dtmf *d, int pt, const uint8_t *b, size_t n);

/* Recording to WAV (record.c; docs/sip.md "Recording"): a dialog whose src is
 * "record:NAME.wav[?maxtime=T]". cx_rec_start opens dir/NAME.wav (a libre mem object that
 * becomes d->pd; *slot, the feeder's pointer, is set and cleared when the recording ends); on
 * failure an errno and *why, the dialog's error reason. cx_rec_end sends dialog.exit. */
typedef struct cx_rec cx_rec;
int cx_rec_is(const char *src);
int cx_rec_start(cx_rec **rp, cx_dlg *d, const char *dir, cx_rec **slot, const char **why);
void cx_rec_rtp(cx_rec *r, uint32_t ts, int pt, const uint8_t *b, size_t n);
void cx_rec_mix(cx_rec *r, const int32_t *sum, size_t n);
void cx_rec_end(cx_rec *r, const char *reason);
/* A recording for a VoiceXML <record> (vxio.c): dir/name, at most max_ms (0: an hour), ended
 * after fsil_ms of quiet once speech was heard (0: never); endh gets the reason ("maxtime",
 * "finalsilence", "hangup", "error", or cx_rec_end's) instead of a dialog.exit, and may run
 * inside the feeder: defer work. */
typedef void (cx_rec_end_h)(const char *reason, void *arg);
int cx_rec_open(cx_rec **rp, const char *dir, const char *name, uint32_t max_ms, uint32_t fsil_ms,
		cx_rec **slot, cx_rec_end_h *endh, void *arg, const char **why);
void cx_rec_silence(cx_rec *r, uint32_t n);
uint32_t cx_rec_ms(const cx_rec *r);            /* what was written so far */

/* Answering-machine detection (amd.c; docs/sip.md): hints.amd of <createcall> read into cfg
 * (0: not asked for); the detector is fed the far end's audio and calls h once with
 * CX_AMD_RESULT ("human", "machine", "unknown") and, after "machine", once with CX_AMD_END
 * ("beep", "silence", "timeout"); ms: the speech measured. cx_amd_flush gives "unknown" now
 * when no result was given. A libre mem object (its timer stops with it). */
typedef struct cx_amd cx_amd;
typedef struct cx_amd_cfg {
	uint32_t maxsilence, maxtime, runtime;   /* ms */
} cx_amd_cfg;
enum { CX_AMD_RESULT, CX_AMD_END };
typedef void (cx_amd_h)(int what, const char *v, uint32_t ms, void *arg);
int cx_amd_want(const cx_cval *hints, cx_amd_cfg *cfg);
int cx_amd_alloc(cx_amd **ap, const cx_amd_cfg *cfg, cx_amd_h *h, void *arg);
void cx_amd_g711(cx_amd *a, int pt, const uint8_t *b, size_t n);
int cx_amd_done(const cx_amd *a);
void cx_amd_flush(cx_amd *a);

#endif
