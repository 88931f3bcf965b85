/*
 * sip.c — the SIP telephony provider on libre 1.1.0 (--sip ADDR:PORT; docs/sip.md).
 *
 * One sipsess per connection, G.711 audio (PCMU/PCMA) and RFC 4733 telephone-event in the SDP,
 * audio dialogs streamed over RTP from 8 kHz samples (media.c decodes WAV or speaks text=).
 * Everything runs on the libre main loop; results reach the sessions as events
 * (cx_rt_conn_pev / cx_rt_dlg_pev), never by calling back into a transition.
 *
 * This file is the signalling: SIP, SDP offer/answer, REFER, session timers, and the hooks of
 * digest authentication (sipauth.c), registrations (sipreg.c) and custom headers (siphdr.c).
 * What happens to the audio is the media plane's (mplane.h): every call embeds its RTP leg.
 *
 * Ownership: a cx_sip_call is the connection's pd (freed with the connection); the media
 * plane's objects are the dialogs' and conferences' pd (mplane.c).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <re.h>
#include <rem.h>
#include "mplane.h"

/* UPDATE: session refreshes (RFC 4028) from a peer come as UPDATE when we allow it */
#define SIP_ALLOW "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO\r\nSupported: timer\r\n"
#define SIP_AAI_HDR "X-CCXML-AAI"
#define SIP_REFER_TMO 32000           /* ms a blind transfer (REFER) may take: 64 * T1 */
#define SIP_RTP_TMO 60                /* s without RTP from the far end that end a call */
#define SIP_RCVBUF (8 << 20)          /* bytes asked for the SIP UDP sockets' receive buffers */
#define SIP_MAXREG 16                 /* --register URIs */
#define SIP_RETRY_AFTER "5"           /* s, in the 503 to an INVITE past a limit (as HTTP's) */

typedef struct cx_sip_st {
	cx_engine *e;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sipevent_sock *evsock; /* the NOTIFYs of our REFERs (NULL: no transfers) */
	struct dnsc *dnsc;
	struct sa laddr;
	char *gateway;                /* "host:port" or NULL */
	int tcp;                      /* outbound calls over TCP */
	struct tls *tls;              /* --sip-tls-cert: TLS on port tlsport, or NULL */
	cx_siptls *vt;                /* its peer checks (siptls.c); NULL: --sip-tls-no-verify */
	uint16_t tlsport;
	cx_siptcp *tcpc;              /* the bound on inbound TCP/TLS connections (siptcp.c) */
	struct list calls;
	cx_mp *mp;                    /* the media plane (mplane.c) */
	struct sip_lsnr *updlsnr;     /* in-dialog UPDATE (session refreshes; sipsess ignores it) */
	struct sip_lsnr *otherlsnr;   /* the requests nobody else takes (405 / 481) */
	struct sip_lsnr *reqlsnr;     /* first: requests that require what we lack (420) */
	cx_quiet req_quiet;           /* requests refused for what they carry: a line in 10 s */
	uint32_t rtp_tmo_ms;          /* --rtp-timeout (0: off) */
	uint32_t max_call_ms;         /* --max-call-duration (0: off) */
	/* trunks (docs/sip.md "Trunks") */
	cx_sipauth *creds;            /* --sip-credentials, or NULL */
	char *creds_file;             /* its path (SIGHUP reads it again for new calls) */
	char *proxy;                  /* --sip-proxy as a URI (no ;lr), or NULL */
	struct sa pub;                /* --public-addr (unset: the listening address or the route's) */
	cx_sipreg *regs[SIP_MAXREG];  /* --register */
	int nregs;
	struct list merges;           /* cx_sip_pair: calls bridged after <merge> */
	struct list tails;            /* cx_sip_tail: ended calls whose BYE libre still sends */
	FILE *trace;                  /* --sip-trace: every message sent and received, or NULL */
	char *trace_file;             /* its path (SIGHUP reopens it) */
	int srtp;                     /* --srtp: CX_SRTP_OFF, _OFFER or _REQUIRE (docs/sip.md "SRTP") */
	int latch_off;                /* --rtp-latch off (docs/sip.md "Behind a NAT") */
	int rtcp_off;                 /* --rtcp off (docs/sip.md "RTCP") */
} cx_sip_st;

typedef struct cx_sip_pair cx_sip_pair;
typedef struct cx_sip_tail cx_sip_tail;

typedef struct cx_sip_call {
	struct le le;                 /* in st->calls */
	cx_sip_st *st;
	cx_conn *c;                   /* owner (weak: the call is c->pd) */
	struct sipsess *sess;
	struct sa adv;                /* our address in this call's Contact and SDP */
	int tcp;                      /* the call's signalling is over TCP (";transport=tcp") */
	int tls;                      /* or over TLS: 1 (";transport=tls"), 2 (a sips: URI) */
	cx_siptls_dest *tlsdest;      /* over TLS: the hops whose certificates must name them */
	char *uri, *route;            /* our INVITE's Request-URI and route, until it is sent */
	cx_siptcp_conn *tcpconn;      /* inbound over TCP/TLS: the connection it came on, held */
	cx_sipauth_req *areq;         /* the digest credentials tried for our INVITE */
	struct sip_msg *inv;          /* inbound INVITE (its SDP offer), until answered */
	struct sdp_session *sdp;      /* its media is m.sdpm */
	struct tmr tmo;               /* <createcall timeout> */
	struct sipsub *refer;         /* <redirect> of the connected call, while in progress */
	struct tmr refertmo;
	char *referwhy;               /* the <redirect reason>, for connection.redirected */
	int progressed;               /* (answered and over: m.estab, m.closed) */
	/* calls that do not hang: RTP inactivity, RFC 4028 session timer, maximum duration */
	struct tmr rtptmr, setmr, maxtmr;
	uint32_t se;                  /* session interval in s (0: no session timer) */
	int se_refresh;               /* we are the refresher (else we watch for the peer's) */
	int se_update;                /* the peer allows UPDATE: refresh with it, else re-INVITE */
	int se_uas;                   /* we are the UAS of the dialog (the refresher param's view) */
	struct sip_request *upd;      /* our refresh UPDATE in flight */
	int refreshing;               /* a refresh of ours is in flight (its failure ends the call) */
	char callid[128];             /* for log lines, the call record and the metrics */
	cx_mp_leg m;                  /* its media (mplane.h) */
	cx_sip_pair *merge;           /* weak: the <merge> bridge the call is in, or NULL */
	cx_sip_tail *tail;            /* weak: what libre's sipsess leaves behind (see there) */
	/* SRTP (docs/sip.md "SRTP"): our a=crypto lines (two in an offer, then the one chosen),
	 * the far end's key, and whether the media is SRTP (keys in m.stx/m.srx) */
	cx_sdes lk[2];
	int nlk;
	cx_sdes rk;
	int srtp;
	int srtp_refused;             /* our offer's answer had no key of ours: the call fails */
	int mux_l;                    /* our SDP says a=rtcp-mux (answering an offer of it) */
} cx_sip_call;

static cx_sip_st *cx_sip__st(cx_engine *e)
{
	return e->prov == &cx_sip_prov ? e->provst : NULL;
}

/* Section - Building connection.protocol.sip */

/* object cvals (cval.c) */
#define cx_sip__cv_put cx_cval_put
#define cx_sip__cv_obj cx_cval_obj

static cx_cval *cx_sip__cv_pl(const struct pl *pl)
{
	char *s = NULL;
	cx_cval *v;

	if (pl_strdup(&s, pl))
		return NULL;
	v = cx_cval_str(s);
	mem_deref(s);
	return v;
}

/* protocol.sip = {headers: {Name: value, …} (repeated headers joined by ", "), callid,
 * requesturi (requests), statuscode/reason (responses)}. At most 64 distinct headers. */
static cx_cval *cx_sip__proto(const struct sip_msg *msg)
{
	cx_cval *o = cx_sip__cv_obj(), *h = cx_sip__cv_obj();
	struct le *le;

	if (!o || !h)
		goto fail;
	for (le = list_head(&msg->hdrl); le; le = le->next) {
		const struct sip_hdr *hd = le->data;
		uint32_t i;
		int found = 0;
		for (i = 0; i < h->nkids; i++) {
			if (strlen(h->keys[i]) == hd->name.l &&
			    !pl_strcasecmp(&hd->name, h->keys[i])) {
				char *j = NULL;
				if (!re_sdprintf(&j, "%s, %r", h->kids[i]->s, &hd->val)) {
					mem_deref(h->kids[i]->s);
					h->kids[i]->s = j;
				}
				found = 1;
				break;
			}
		}
		if (!found && h->nkids < 64 &&
		    cx_sip__cv_put(h, hd->name.p, hd->name.l, cx_sip__cv_pl(&hd->val)))
			goto fail;
	}
	if (cx_sip__cv_put(o, "headers", 7, h)) {
		h = NULL;
		goto fail;
	}
	h = NULL;
	if (cx_sip__cv_put(o, "callid", 6, cx_sip__cv_pl(&msg->callid)))
		goto fail;
	if (msg->req) {
		if (cx_sip__cv_put(o, "requesturi", 10, cx_sip__cv_pl(&msg->ruri)))
			goto fail;
	}
	else {
		cx_cval *sc = cx_cval_str(NULL);
		if (sc) {
			sc->tag = CX_T_NUM;
			sc->n = msg->scode;
		}
		if (cx_sip__cv_put(o, "statuscode", 10, sc) ||
		    cx_sip__cv_put(o, "reason", 6, cx_sip__cv_pl(&msg->reason)))
			goto fail;
	}
	return o;
 fail:
	mem_deref(h);
	mem_deref(o);
	return NULL;
}

static void cx_sip__set_proto(cx_sip_call *call, const struct sip_msg *msg)
{
	cx_cval *p;

	if (!msg || !call->c)
		return;
	p = cx_sip__proto(msg);
	if (!p)
		return;
	mem_deref(call->c->proto);
	call->c->proto = p;
}

/* Section - Calls */

static void cx_sip__se_parse(const struct sip_msg *msg, uint32_t *se, char *ref);
static void cx_sip__watch_start(cx_sip_call *call);
static void cx_sip_merge__end(cx_sip_call *call, const char *reason, const char *trigger);

static void cx_sip__timers_stop(cx_sip_call *call)
{
	tmr_cancel(&call->tmo);
	tmr_cancel(&call->rtptmr);
	tmr_cancel(&call->setmr);
	tmr_cancel(&call->maxtmr);
	/* libre finishes (or times out) an UPDATE in flight on its own */
	call->upd = mem_deref(call->upd);
}

/* Section - What a call leaves behind
 *
 * A sipsess we let go of is not freed by libre 1.1.0 while a request of its dialog is still
 * under way: the BYE it sends for an established call, a re-INVITE or UPDATE in flight
 * (src/sipsess/sess.c termwait and terminate, close.c bye_resp_handler); it tells nobody when
 * that ends. What it frees last is the sip_auth its sipsess_connect/accept made, and that one
 * holds a reference to the argument given with aref true: a cx_sip_tail, whose destructor is
 * the moment the dialog's last request is over (answered, failed or refused). The stop of the
 * program waits for them (serve.c, cx_sip_byes), and the record of a call over TLS waits for
 * its BYE's outcome (cx_sip_cdr_defer). */
struct cx_sip_tail {
	struct le le;                 /* in st->tails once the call ended with a BYE of ours */
	cx_sip_st *st;                /* weak: NULL once the SIP stack is gone */
	cx_sip_call *call;            /* weak: the call while both live */
	cx_sipauth_req *areq;         /* ref: an outbound call's credentials, or NULL */
	cx_siptls_dest *tlsdest;      /* ref: the TLS checks of its hops (their refusal), or NULL */
	struct mbuf *cdr;             /* the call's record waiting for the BYE's outcome, or NULL */
	char sid[64], cid[32];        /* for the record's log lines */
};

static void cx_sip__tail_emit(cx_sip_tail *t, const char *bye, const char *why)
{
	struct mbuf *mb = t->cdr;

	t->cdr = NULL;
	if (!mb)
		return;
	if (t->st && !mbuf_printf(mb, ",\"bye\":\"%s\",\"bye_reason\":%s%H%s", bye,
				  why ? "\"" : "", cx_rt_json, why ? why : "null", why ? "\"" : ""))
		cx_cdr_emit(t->st->e, mb, t->sid[0] ? t->sid : NULL, t->cid);
	mem_deref(mb);
}

static void cx_sip_tail__destroy(void *arg)
{
	cx_sip_tail *t = arg;
	const char *why = cx_siptls_why(t->tlsdest);

	/* the dialog's last request is over: refused by our checks of its hop, else sent (libre
	 * 1.1.0 gives the BYE's answer to its own handler only) */
	cx_sip__tail_emit(t, why ? "refused" : "sent", why);
	if (t->call)
		t->call->tail = NULL;
	list_unlink(&t->le);
	mem_deref(t->areq);
	mem_deref(t->tlsdest);
}

/* libre's sip_auth_h for the tail: an outbound call's credentials, none for an inbound one */
static int cx_sip__tail_auth_h(char **user, char **pass, const char *realm, void *arg)
{
	cx_sip_tail *t = arg;

	return t->areq ? cx_sipauth_h(user, pass, realm, t->areq) : EAUTH;
}

/* A tail for the sipsess about to be made (the sipsess takes the only reference). */
static cx_sip_tail *cx_sip__tail_new(cx_sip_call *call)
{
	cx_sip_tail *t = mem_zalloc(sizeof(*t), cx_sip_tail__destroy);

	if (!t)
		return NULL;
	t->st = call->st;
	t->call = call;
	t->areq = mem_ref(call->areq);
	call->tail = t;
	return t;
}

/* Lets go of the call's sipsess: libre sends a BYE when it was established, and the tail,
 * freed when that ends, is counted until then. */
static void cx_sip__sess_drop(cx_sip_call *call)
{
	cx_sip_tail *t = call->tail;
	cx_conn *c = call->c;

	if (t && call->sess && call->m.estab && call->st && !t->le.list) {
		list_append(&call->st->tails, &t->le, t);
		t->tlsdest = mem_ref(call->tlsdest);
		if (c) {
			str_ncpy(t->sid, c->sess ? c->sess->id : "", sizeof(t->sid));
			str_ncpy(t->cid, c->id, sizeof(t->cid));
		}
	}
	call->sess = mem_deref(call->sess); /* (may free the tail at once) */
}

static void cx_sip_call__destroy(void *arg)
{
	cx_sip_call *call = arg;

	cx_sip__timers_stop(call);
	tmr_cancel(&call->refertmo);
	/* libre keeps a pending REFER alive on its own, with its handlers unhooked from us */
	call->refer = mem_deref(call->refer);
	call->referwhy = mem_deref(call->referwhy);
	cx_mp_leg_free(&call->m);
	/* an established call gets a BYE, a pending outbound one a CANCEL (libre does both) */
	cx_sip__sess_drop(call);
	if (call->tail)
		call->tail->call = NULL;
	call->sdp = mem_deref(call->sdp);
	call->inv = mem_deref(call->inv);
	call->areq = mem_deref(call->areq);
	call->tlsdest = cx_siptls_release(call->tlsdest);
	call->uri = mem_deref(call->uri);
	call->route = mem_deref(call->route);
	call->tcpconn = cx_siptcp_release(call->tcpconn);
	list_unlink(&call->le);
}

static cx_sip_call *cx_sip__call_new(cx_sip_st *st, cx_conn *c)
{
	cx_sip_call *call = mem_zalloc(sizeof(*call), cx_sip_call__destroy);

	if (!call)
		return NULL;
	call->st = st;
	call->c = c;
	cx_mp_leg_init(st->mp, &call->m, c, call->callid);
	call->m.latch = !st->latch_off;
	call->m.rtcp = !st->rtcp_off;
	call->adv = st->laddr;
	tmr_init(&call->tmo);
	tmr_init(&call->refertmo);
	tmr_init(&call->rtptmr);
	tmr_init(&call->setmr);
	tmr_init(&call->maxtmr);
	list_append(&st->calls, &call->le, call);
	return call;
}

/* Forgets a transfer in progress (the call ended first): no event for it. */
static void cx_sip__refer_drop(cx_sip_call *call)
{
	tmr_cancel(&call->refertmo);
	call->refer = mem_deref(call->refer);
	call->referwhy = mem_deref(call->referwhy);
}

/* The call is over for us: no more timers, transfer or joins; its sipsess goes (BYE when
 * established, CANCEL when an outbound call still rings, nothing once answered with a final
 * response) and so does its RTP port, at once rather than when the session ends. */
static void cx_sip__finish(cx_sip_call *call)
{
	call->m.closed = 1;
	cx_sip__timers_stop(call);
	cx_sip__refer_drop(call);
	cx_sip__sess_drop(call);
	call->inv = mem_deref(call->inv);
	call->tcpconn = cx_siptcp_release(call->tcpconn); /* the bound may close it now */
	cx_mp_leg_stop(&call->m); /* joins, recording, AMD and RTP port end */
}

/* RTP socket and SDP session with our offer/answer formats: PCMU, PCMA, telephone-event. */
static int cx_sip__media(cx_sip_call *call)
{
	struct sa adv = call->adv;
	int err;

	sa_set_port(&adv, 0);
	err = cx_mp_leg_listen(&call->m, &call->st->laddr);
	if (err)
		return err;
	/* c= and o= carry the advertised address (--public-addr, or the route's when we listen
	 * on every interface) */
	err = sdp_session_alloc(&call->sdp, &adv);
	if (!err)
		err = sdp_media_add(&call->m.sdpm, call->sdp, "audio", sa_port(rtp_local(call->m.rtp)),
				    call->st->srtp ? "RTP/SAVP" : "RTP/AVP");
	if (!err)
		err = sdp_format_add(NULL, call->m.sdpm, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL, false, NULL);
	if (!err)
		err = sdp_format_add(NULL, call->m.sdpm, false, "8", "PCMA", 8000, 1, NULL, NULL, NULL, false, NULL);
	if (!err)
		err = sdp_format_add(NULL, call->m.sdpm, false, "101", "telephone-event", 8000, 1, NULL, NULL,
				     NULL, false, "0-15");
	return err;
}

/* Section - SRTP keys in the SDP (RFC 4568 SDES; docs/sip.md "SRTP")
 *
 * Our offers (outbound INVITEs, the 200 of an INVITE without SDP) are RTP/SAVP with two keys
 * when --srtp is on: tag 1 AES_CM_128_HMAC_SHA1_80, tag 2 _32, fresh random ones per call. The
 * answer must take one of them (same tag and suite) with its own key, else the call fails: RFC
 * 4568 has no plain fallback within one m-line. An SAVP offer is answered with the first of
 * its lines we take and a fresh key of ours; re-INVITEs may change the far end's key. */

/* Our a=crypto lines from call->lk. */
static int cx_sip__sdes_lattr(cx_sip_call *call)
{
	char b64[48];
	size_t n;
	int i, err = 0;

	sdp_media_del_lattr(call->m.sdpm, "crypto");
	for (i = 0; i < call->nlk && !err; i++) {
		n = sizeof(b64);
		err = base64_encode(call->lk[i].key, sizeof(call->lk[i].key), b64, &n);
		if (!err)
			err = sdp_media_set_lattr(call->m.sdpm, false, "crypto", "%u %s inline:%b",
						  call->lk[i].tag, srtp_suite_name(call->lk[i].suite),
						  b64, n);
	}
	return err;
}

static void cx_sip__sdes_fresh(cx_sdes *k, uint32_t tag, enum srtp_suite suite)
{
	size_t i;

	k->tag = tag;
	k->suite = (int)suite;
	for (i = 0; i < sizeof(k->key); i += 2) { /* rand.c: the kernel's CSPRNG */
		uint32_t v = rand_u32();
		k->key[i] = (uint8_t)v;
		k->key[i + 1] = (uint8_t)(v >> 8);
	}
}

/* Before our offer: two keys, tags 1 and 2. */
static int cx_sip__sdes_offer(cx_sip_call *call)
{
	cx_sip__sdes_fresh(&call->lk[0], 1, SRTP_AES_CM_128_HMAC_SHA1_80);
	cx_sip__sdes_fresh(&call->lk[1], 2, SRTP_AES_CM_128_HMAC_SHA1_32);
	call->nlk = 2;
	return cx_sip__sdes_lattr(call);
}

typedef struct cx_sip_sdes_pick {
	cx_sip_call *call;
	int answer;                   /* reading an answer: only a tag and suite of ours */
	cx_sdes k;                    /* the line taken */
	int lk;                       /* its lk index (an answer) */
	int found;
} cx_sip_sdes_pick;

static bool cx_sip__sdes_line(const char *name, const char *value, void *arg)
{
	cx_sip_sdes_pick *pk = arg;
	int i;

	(void)name;
	if (cx_sipbody_crypto(value, &pk->k))
		return false; /* not one we take: the next */
	if (!pk->answer)
		return (pk->found = 1);
	for (i = 0; i < pk->call->nlk; i++)
		if (pk->call->lk[i].tag == pk->k.tag && pk->call->lk[i].suite == pk->k.suite) {
			pk->lk = i;
			return (pk->found = 1);
		}
	return false;
}

/* The remote SDP is decoded (answer: of our offer). Plain RTP stays plain unless our offer
 * was SAVP; an SAVP media gets its keys. 0, or EPROTO: no key we take (the offer gets 488,
 * the answer fails the call). */
static int cx_sip__sdes(cx_sip_call *call, int answer)
{
	cx_sip_sdes_pick pk = {.call = call, .answer = answer};
	uint8_t old[CX_SDES_KEYLEN];
	int err;

	/* no media taken (libre gives an answer of another proto port 0: the codec check says so
	 * for a first offer), or plain RTP: our SAVP offer refused, or an SRTP call's re-offer
	 * without SAVP, is the end of SRTP (no way back to plain); else plain stays plain */
	if (!call->m.sdpm || !sa_port(sdp_media_raddr(call->m.sdpm)) ||
	    str_casecmp(sdp_media_proto(call->m.sdpm), "RTP/SAVP"))
		return call->srtp || (answer && call->nlk) ? EPROTO : 0;
	(void)sdp_media_rattr_apply(call->m.sdpm, "crypto", cx_sip__sdes_line, &pk);
	if (!pk.found)
		return EPROTO;
	memcpy(old, call->lk[0].key, sizeof(old));
	if (answer)
		call->lk[0] = call->lk[pk.lk];
	else if (!call->srtp || call->lk[0].suite != pk.k.suite)
		cx_sip__sdes_fresh(&call->lk[0], pk.k.tag, (enum srtp_suite)pk.k.suite);
	else
		call->lk[0].tag = pk.k.tag; /* a re-offer in the same suite: our key stays */
	call->nlk = 1;
	err = cx_sip__sdes_lattr(call);
	/* a context kept keeps its rollover counter and replay window (RFC 3711 3.3.1): the far
	 * end's key is new when its suite or bytes are, not its tag (a re-offer may renumber) */
	if (!err)
		err = cx_mp_leg_srtp(&call->m, (enum srtp_suite)pk.k.suite,
				     !call->srtp || memcmp(old, call->lk[0].key, sizeof(old)) ?
				     call->lk[0].key : NULL,
				     !call->srtp || call->rk.suite != pk.k.suite ||
				     memcmp(call->rk.key, pk.k.key, CX_SDES_KEYLEN) ? pk.k.key : NULL,
				     CX_SDES_KEYLEN);
	if (err)
		return err;
	call->rk = pk.k;
	call->srtp = 1;
	return 0;
}

/* After the remote SDP is decoded: the first G.711 law the far end lists, and its
 * telephone-event payload type. PCMU and PCMA are static payload types 0 and 8 (RFC 3551):
 * an offer may list them without a=rtpmap, so the format has no name then; libre matched
 * them to ours by number. */
/* RFC 5761 5.1.1: an offer with a=rtcp-mux is answered with it (with --rtcp on), and RTCP then
 * shares the RTP port; we never offer it (a far end that does not know it would be sent RTCP
 * where it does not look). Called after each offer is decoded, before our answer is made. */
static void cx_sip__mux_offer(cx_sip_call *call)
{
	call->mux_l = call->m.rtcp && sdp_media_rattr(call->m.sdpm, "rtcp-mux") != NULL;
	if (call->mux_l)
		(void)sdp_media_set_lattr(call->m.sdpm, true, "rtcp-mux", NULL);
	else
		sdp_media_del_lattr(call->m.sdpm, "rtcp-mux");
}

static int cx_sip__negotiate(cx_sip_call *call)
{
	const struct sdp_format *te;
	struct le *le;

	cx_mp_leg_mux(&call->m, call->mux_l && sdp_media_rattr(call->m.sdpm, "rtcp-mux"));

	call->m.pt = -1;
	for (le = list_head(sdp_media_format_lst(call->m.sdpm, false)); le && call->m.pt < 0; le = le->next) {
		const struct sdp_format *f = le->data;
		if (!f->sup)
			continue;
		if (f->pt == 0 || (f->name && !str_casecmp(f->name, "PCMU")))
			call->m.pt = 0;
		else if (f->pt == 8 || (f->name && !str_casecmp(f->name, "PCMA")))
			call->m.pt = 8;
	}
	if (call->m.pt < 0)
		return EPROTO;
	te = sdp_media_rformat(call->m.sdpm, "telephone-event");
	call->m.tept = te ? te->pt : -1;
	return 0;
}

/* libre 1.1.0 exports the dialog's next hop (src/sip/dialog.c, the URI its sip_drequestf sends
 * every in-dialog request to) but declares it only in its private src/sip/sip.h */
const struct uri *sip_dialog_route(const struct sip_dialog *dlg);

/* The dialog exists (our INVITE's 2xx, or the caller's INVITE accepted): where libre sends its
 * requests (its route set's first hop, else the far end's Contact) is recorded for the TLS
 * checks, a host name resolved now, before any of them goes (siptls.c). */
static void cx_sip__tls_route(cx_sip_call *call)
{
	cx_conn *c = call->c;

	if (call->st->vt && call->sess && c)
		(void)cx_siptls_expect_route(call->st->vt, call->st->dnsc,
					     sip_dialog_route(sipsess_dialog(call->sess)),
					     &call->tlsdest, c->sess ? c->sess->id : NULL, c->id,
					     call->callid);
}

static int cx_sip__answer_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	struct mbuf sdp;
	const char *why;
	int err = cx_sipbody_sdp(msg, &sdp, &why) ? EPROTO : sdp_decode(call->sdp, &sdp, false);

	if (err) {
		cx_log(CX_LOG_INFO, NULL, "sip: bad SDP answer: %s", strerror(err));
		return err;
	}
	if (cx_sip__negotiate(call))
		cx_log(CX_LOG_INFO, NULL, "sip: the SDP answer has no PCMU or PCMA: no audio");
	else if ((why = cx_mp_leg_bad_dst(&call->m, sdp_media_raddr(call->m.sdpm))))
		cx_log(CX_LOG_INFO, NULL, "sip: the SDP answer names %j, %s: no audio sent",
		       sdp_media_raddr(call->m.sdpm), why);
	if (cx_sip__sdes(call, 1)) {
		/* our SAVP offer answered without one of our keys (plain RTP, or another suite):
		 * libre sends the ACK, then our BYE; connection.failed (cx_sip__close_h). On a call
		 * that is up (the answer to our offer in a re-INVITE's 200 or ACK) libre 1.1.0 goes
		 * on: the keys stay as they were, which the far end may no longer use */
		if (call->m.estab && call->c)
			cx_logc(CX_LOG_WARN, call->c->sess ? call->c->sess->id : NULL, call->c->id,
			        call->callid[0] ? call->callid : NULL, "sip: the SDP answer takes none "
			        "of our SRTP keys: the call keeps its keys");
		else
			call->srtp_refused = 1;
		return EPROTO;
	}
	call->m.rtp_last = tmr_jiffies(); /* new media: the inactivity clock starts again */
	/* our INVITE's 2xx: libre made the dialog and sends the ACK next, to its route */
	if (!call->m.estab && call->c && !call->c->inbound)
		cx_sip__tls_route(call);
	if (call->refreshing) {
		/* the 200 of our refreshing re-INVITE */
		uint32_t se;
		char ref;
		call->refreshing = 0;
		cx_sip__se_parse(msg, &se, &ref);
		if (se)
			call->se = se;
	}
	if (call->m.estab)
		cx_mp_leg_rtcp(&call->m); /* a new answer: its RTCP address */
	return 0;
}

static int cx_sip__offer_h(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	struct mbuf sdp;
	const char *why;
	int err = cx_sipbody_sdp(msg, &sdp, &why) ? EPROTO : 0;

	if (!err && !mbuf_get_left(&sdp)) {
		/* a re-INVITE without SDP asks for our offer (RFC 3261 14.2): our media as they are,
		 * the ACK's answer goes to cx_sip__answer_h (libre 1.1.0 waits for it). Decoding the
		 * empty body as an offer wiped the far end's formats and the 200 refused the stream
		 * (port 0). An SRTP call offers RTP/SAVP with the one key it uses now, under its tag
		 * (docs/decisions.md "A re-INVITE without SDP on an SRTP call"): the answer may keep
		 * the far end's key or give a new one, as a re-INVITE's offer may. */
		err = sdp_encode(descp, call->sdp, true);
	} else {
		/* a re-INVITE (or UPDATE with SDP): answer with the same formats; an SRTP call stays
		 * one (its keys may change), an error is libre's 488 */
		if (!err)
			err = sdp_decode(call->sdp, &sdp, true);
		if (!err)
			cx_sip__mux_offer(call);
		if (!err)
			err = cx_sip__sdes(call, 0);
		if (!err)
			err = sdp_encode(descp, call->sdp, false);
		if (!err)
			(void)cx_sip__negotiate(call);
	}
	call->m.rtp_last = tmr_jiffies();
	if (!err && call->m.estab)
		cx_mp_leg_rtcp(&call->m); /* a new offer: its RTCP address (none while held by 0.0.0.0) */
	if (call->se && !call->se_refresh && !pl_strcmp(&msg->met, "INVITE")) {
		/* the peer refreshes with re-INVITE, and libre 1.1.0 answers those without
		 * Session-Expires: for the peer the session has no timer any more (RFC 4028 7.4),
		 * so we stop expecting refreshes too; --rtp-timeout still watches the call */
		call->se = 0;
		tmr_cancel(&call->setmr);
	}
	if (!err && call->m.estab && call->tlsdest && !pl_strcmp(&msg->met, "INVITE")) {
		/* a target refresh (RFC 3261 12.2.2): libre 1.1.0 updates the dialog with the
		 * re-INVITE's Contact right after this handler, then answers 200 (src/sipsess/
		 * listen.c reinvite_handler); done here first, the same way, so that a new next hop
		 * by host name is resolved and checked as at the dialog's start, before any request
		 * goes there */
		(void)sip_dialog_update(sipsess_dialog(call->sess), msg);
		cx_sip__tls_route(call);
	}
	return err;
}

/* A call's messages over a connection a peer opened to us (its INVITE; for our call, the answers
 * when libre sends our INVITE over a connection that peer opened from the address we call):
 * siptcp.c's bound never closes it while the call lasts. */
static void cx_sip__hold_conn(cx_sip_call *call, const struct sip_msg *msg)
{
	if (!call->tcpconn && call->st && msg &&
	    (msg->tp == SIP_TRANSP_TCP || msg->tp == SIP_TRANSP_TLS))
		call->tcpconn = cx_siptcp_hold(call->st->tcpc, &msg->src, &msg->dst);
}

static void cx_sip__progr_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	struct mbuf sdp;
	const char *why;

	if (!call->m.closed)
		cx_sip__hold_conn(call, msg);
	if (call->progressed || call->m.closed || !call->c)
		return;
	call->m.sigsrc = msg->src; /* early media may come before the 200 */
	call->progressed = 1;
	cx_sip__set_proto(call, msg);
	if (!cx_sipbody_sdp(msg, &sdp, &why) && mbuf_get_left(&sdp) && !sdp_decode(call->sdp, &sdp, false)) {
		(void)cx_sip__negotiate(call); /* early media answer */
		(void)cx_sip__sdes(call, 1);  /* its keys (the 2xx's answer is checked) */
	}
	cx_rt_conn_pev(call->c, CX_PEV_PROGRESSING, &(cx_pev_info){.sipcode = msg->scode});
}

/* An INFO in a call's dialog: a key pressed (application/dtmf-relay or application/dtmf, the
 * way PBXes configured for "SIP INFO" DTMF send it: docs/sip.md "DTMF") is the call's
 * connection.signal; an empty one (a keep-alive) is answered 200; a malformed key 400; any
 * other body 415 with what we accept. */
static void cx_sip__info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	const char *why;
	char key;
	int dur, code = cx_sipbody_dtmf(msg, &key, &dur, &why);

	if (code == 415)
		(void)sip_treplyf(NULL, NULL, sip, msg, false, 415, "Unsupported Media Type",
				  "Accept: application/dtmf-relay, application/dtmf\r\n"
				  "Content-Length: 0\r\n\r\n");
	else if (code)
		(void)sip_treply(NULL, sip, msg, 400, why);
	else
		(void)sip_treply(NULL, sip, msg, 200, "OK");
	if (!code && key && !call->m.closed && call->c)
		cx_mp_leg_info_key(&call->m, key, dur);
}

static void cx_sip__estab_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;

	if (call->m.closed || !call->c)
		return;
	if (msg && !call->c->inbound)
		call->m.sigsrc = msg->src; /* the 200 OK's: where the far end (or its proxy) is */
	tmr_cancel(&call->tmo);
	call->m.estab = 1;
	call->inv = mem_deref(call->inv);
	if (!call->c->inbound)
		cx_sip__hold_conn(call, msg);
	if (!call->c->inbound && msg && call->tlsdest)
		(void)cx_siptls_expect_msg(call->st->vt, msg, &call->tlsdest);
	if (!call->c->inbound) {
		cx_met_sip_response(call->st->e, msg ? msg->scode : 200);
		call->c->sipcode = msg ? msg->scode : 200;
		uint32_t se;
		char ref;
		cx_sip__set_proto(call, msg); /* the 200 OK */
		/* a session timer the UAS put in its 200: we refresh unless it says refresher=uas */
		cx_sip__se_parse(msg, &se, &ref);
		call->se = se;
		call->se_refresh = ref != 's';
		call->se_update = sip_msg_hdr_has_value(msg, SIP_HDR_ALLOW, "UPDATE");
	}
	cx_sip__watch_start(call);
	cx_mp_leg_rtcp(&call->m); /* the keys are set by now (an SRTP call's RTCP is SRTCP) */
	if (!call->c->inbound && cx_mp_leg_amd(&call->m, call->c->hints))
		return; /* connection.connected when the detector decides */
	cx_rt_conn_pev(call->c, CX_PEV_CONNECTED, NULL);
}

static void cx_sip__close_h(int err, const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	cx_conn *c = call->c;
	char *phrase = NULL;

	if (call->m.closed || !c)
		return;
	if (call->merge) {
		/* merged: the other far end gets a BYE */
		cx_sip_merge__end(call, err == ECONNRESET ? "hangup" : "error", "remote");
		return;
	}
	if (msg && !c->inbound && !call->m.estab && msg->scode >= 200)
		cx_met_sip_response(call->st->e, msg->scode);
	/* an ended connection leaves its joins; its RTP port goes now */
	cx_sip__finish(call);
	if (call->m.estab) {
		/* the far end hung up (BYE), or the dialog broke (e.g. our refreshing re-INVITE got
		 * 408/481 or no answer) */
		cx_rt_conn_pev(c, CX_PEV_DISCONNECTED, &(cx_pev_info){
			.reason = err == ECONNRESET ? "hangup" :
				  call->refreshing ? "session-expired" : "error",
			.trigger = "remote"});
		cx_mp_leg_end(&call->m);
	}
	else if (call->srtp_refused) {
		cx_logc(CX_LOG_WARN, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: call to %H failed: the answer "
		        "takes none of our SRTP keys (--srtp; plain RTP or another suite)", cx_rt_esc,
		        c->remote ? c->remote : "?");
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "media"});
	}
	else if (c->inbound) {
		/* the caller gave up (CANCEL) before <accept> */
		cx_rt_conn_pev(c, CX_PEV_DISCONNECTED, &(cx_pev_info){
			.reason = "cancel", .trigger = "remote"});
	}
	else if (!msg && cx_siptls_why(call->tlsdest)) {
		/* the handshake ended in our refusal of the far end's certificate (siptls.c) */
		cx_logc(CX_LOG_WARN, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: call to %H failed: %H", cx_rt_esc,
		        c->remote ? c->remote : "?", cx_rt_esc, cx_siptls_why(call->tlsdest));
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){
			.reason = cx_siptls_why(call->tlsdest)});
	}
	else if (msg && (msg->scode == 401 || msg->scode == 407)) {
		/* a challenge we could not answer (no credentials), or answered and got again
		 * (wrong password): libre gives up on a second challenge for the same realm */
		pl_strdup(&phrase, &msg->reason);
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: call to %H failed: %u %r: %H",
		        cx_rt_esc, c->remote ? c->remote : "?", msg->scode, &msg->reason,
		        cx_sipauth_why, call->areq);
		cx_sip__set_proto(call, msg);
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){
			.reason = "authentication", .sipcode = msg->scode, .sipreason = phrase});
		mem_deref(phrase);
	}
	else if (!err && msg && msg->scode >= 300) {
		pl_strdup(&phrase, &msg->reason);
		cx_sip__set_proto(call, msg);
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){
			.reason = cx_rt_sipreason(msg->scode), .sipcode = msg->scode,
			.sipreason = phrase});
		mem_deref(phrase);
	}
	else if (err == EDESTADDRREQ) {
		/* libre's resolver found no address (NXDOMAIN, or no A/AAAA/SRV records) */
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: call to %s failed: its host "
		        "name does not resolve (DNS: no such host)", c->remote ? c->remote : "?");
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "unknownhost"});
	}
	else {
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: call to %H failed: %s",
		        cx_rt_esc, c->remote ? c->remote : "?", strerror(err));
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){
			.reason = err == ETIMEDOUT ? "timeout" : "unreachable"});
	}
}

static void cx_sip__timeout_h(void *arg)
{
	cx_sip_call *call = arg;

	if (call->m.closed || call->m.estab || !call->c)
		return;
	cx_sip__finish(call); /* CANCEL (libre sends it once a 1xx came) */
	cx_rt_conn_pev(call->c, CX_PEV_FAILED, &(cx_pev_info){.reason = "timeout"});
}

/* Section - Calls that end when the far end is gone
 *
 * A connected call whose far end vanished (crashed, lost its network) sends no BYE. Three
 * clocks end it with a BYE and connection.disconnected: RTP inactivity (--rtp-timeout), the
 * RFC 4028 session timer when the peer asked for one, and --max-call-duration. libre 1.1.0's
 * sipsess knows nothing of session timers: the headers, the refreshes (UPDATE, or re-INVITE
 * when the peer does not allow UPDATE) and the expiry are done here. */

/* The platform ends a connected call: BYE, then connection.disconnected with reason. */
static void cx_sip__hangup(cx_sip_call *call, const char *reason, const char *trigger)
{
	cx_conn *c = call->c;

	if (call->m.closed || !c)
		return;
	cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id,
	        call->callid[0] ? call->callid : NULL, "sip: call with %s ended by the platform: "
	        "%s", c->remote ? c->remote : "?", reason);
	if (call->merge) {
		cx_sip_merge__end(call, reason, trigger);
		return;
	}
	cx_sip__finish(call);
	cx_rt_conn_pev(c, CX_PEV_DISCONNECTED, &(cx_pev_info){
		.reason = reason, .trigger = trigger});
	cx_mp_leg_end(&call->m);
}

/* The far end's SDP says it both sends and receives audio: not when it holds us (sendonly or
 * inactive on its side, or RFC 2543's c=0.0.0.0), nor when it only listens (recvonly).
 * libre keeps the far end's direction as seen from here: its recvonly is our SDP_SENDONLY. */
static int cx_sip__rtp_expected(const cx_sip_call *call)
{
	const struct sa *ra = call->m.sdpm ? sdp_media_raddr(call->m.sdpm) : NULL;

	return ra && sdp_media_rdir(call->m.sdpm) == SDP_SENDRECV && !sa_is_any(ra);
}

static void cx_sip__rtp_watch_h(void *arg)
{
	cx_sip_call *call = arg;
	uint64_t now = tmr_jiffies(), tmo = call->st ? call->st->rtp_tmo_ms : 0;

	if (call->m.closed || !tmo)
		return;
	if (!cx_sip__rtp_expected(call))
		call->m.rtp_last = now; /* on hold: the clock starts again when it may send */
	if (now - call->m.rtp_last >= tmo) {
		cx_sip__hangup(call, "rtp-timeout", "remote");
		return;
	}
	tmr_start(&call->rtptmr, call->m.rtp_last + tmo - now, cx_sip__rtp_watch_h, call);
}

static void cx_sip__maxdur_h(void *arg)
{
	cx_sip__hangup(arg, "max-duration", "local");
}

/* Session-Expires: DELTA[;refresher=uac|uas] of msg -> *se (0: none) and *ref ('c' for uac,
 * 's' for uas, 0 when not given). */
static void cx_sip__se_parse(const struct sip_msg *msg, uint32_t *se, char *ref)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);
	struct pl v, r;

	*se = 0;
	*ref = 0;
	if (!h || re_regex(h->val.p, h->val.l, "[0-9]+", &v))
		return;
	*se = pl_u32(&v);
	if (!msg_param_decode(&h->val, "refresher", &r))
		*ref = !pl_strcasecmp(&r, "uac") ? 'c' : !pl_strcasecmp(&r, "uas") ? 's' : 0;
}

static void cx_sip__se_refresh_h(void *arg);
static void cx_sip__se_expire_h(void *arg);

/* (Re)starts the session timer: the refresher refreshes at half the interval; the other side
 * ends the call when no refresh came by the interval minus min(32 s, interval / 3) (RFC 4028
 * section 10). */
static void cx_sip__se_start(cx_sip_call *call)
{
	uint32_t se = call->se, guard = se / 3 < 32 ? se / 3 : 32;

	tmr_cancel(&call->setmr);
	if (!se || call->m.closed)
		return;
	if (call->se_refresh)
		tmr_start(&call->setmr, (uint64_t)se * 500, cx_sip__se_refresh_h, call);
	else
		tmr_start(&call->setmr, (uint64_t)(se - guard) * 1000, cx_sip__se_expire_h, call);
}

static void cx_sip__se_expire_h(void *arg)
{
	cx_sip__hangup(arg, "session-expired", "remote");
}

static int cx_sip__upd_send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
			   struct mbuf *mb, void *arg)
{
	cx_sip_call *call = arg;

	(void)dst;
	(void)src;
	return mbuf_printf(mb, "Contact: <sip:ccxml@%J%s>\r\n", &call->adv, sip_transp_param(tp));
}

/* The answer to our refreshing UPDATE. */
static void cx_sip__upd_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	uint32_t se;
	char ref;

	if (!err && msg && msg->scode < 200)
		return;
	call->refreshing = 0;
	if (call->m.closed)
		return;
	if (err || msg->scode == 408 || msg->scode == 481) {
		/* the dialog is gone on the far side, or nobody answers */
		cx_sip__hangup(call, "session-expired", "remote");
		return;
	}
	if (msg->scode < 300) {
		cx_sip__se_parse(msg, &se, &ref);
		if (se)
			call->se = se;
		call->se_refresh = ref != 's';
	}
	else if (msg->scode == 405 || msg->scode == 501) {
		call->se_update = 0; /* next time with re-INVITE, at once */
		tmr_start(&call->setmr, 0, cx_sip__se_refresh_h, call);
		return;
	}
	else if (msg->scode == 422) {
		const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_MIN_SE);
		if (h && pl_u32(&h->val) > call->se) {
			call->se = pl_u32(&h->val);
			tmr_start(&call->setmr, 0, cx_sip__se_refresh_h, call);
			return;
		}
	}
	/* other refusals leave the session as it is: try again at the next half interval */
	cx_sip__se_start(call);
}

static void cx_sip__se_refresh_h(void *arg)
{
	cx_sip_call *call = arg;
	struct mbuf *desc = NULL;
	int err;

	if (call->m.closed || !call->sess || !call->st)
		return;
	call->refreshing = 1;
	if (call->se_update) {
		err = sip_drequestf(&call->upd, call->st->sip, true, "UPDATE", sipsess_dialog(call->sess),
				    0, NULL, cx_sip__upd_send_h, cx_sip__upd_resp_h, call,
				    "Session-Expires: %u;refresher=uac\r\n"
				    "Supported: timer\r\n"
				    "Content-Length: 0\r\n"
				    "\r\n", call->se);
	}
	else {
		/* a re-INVITE with our offer; libre ends the session when it fails (close_h) */
		err = sdp_encode(&desc, call->sdp, true);
		if (!err)
			err = sipsess_modify(call->sess, desc);
		mem_deref(desc);
		if (!err)
			cx_sip__se_start(call);
	}
	if (err) {
		call->refreshing = 0;
		cx_log(CX_LOG_ERR, NULL, "sip: cannot refresh the session: %s", strerror(err));
		cx_sip__se_start(call);
	}
}

/* At connection: the three clocks start. */
static void cx_sip__watch_start(cx_sip_call *call)
{
	cx_sip_st *st = call->st;

	if (!st)
		return;
	call->m.rtp_last = tmr_jiffies();
	if (st->rtp_tmo_ms)
		tmr_start(&call->rtptmr, st->rtp_tmo_ms, cx_sip__rtp_watch_h, call);
	if (st->max_call_ms)
		tmr_start(&call->maxtmr, st->max_call_ms, cx_sip__maxdur_h, call);
	cx_sip__se_start(call);
}

/* An UPDATE in a call's dialog (sipsess leaves UPDATE to others): a session refresh by the
 * peer, maybe with an SDP offer. Answered 200 with our Session-Expires. */
/* A request that no listener took (MESSAGE, PUBLISH, REGISTER, SUBSCRIBE to us, an INFO for no
 * call…): RFC 3261 §8.2.1 405 with Allow outside a dialog, §12.2.2 481 inside one (a To tag);
 * an ACK gets nothing. Logged at debug level only: a flood writes no line each. (Without this
 * libre prints "unhandeled request" on stderr, outside the logger, and answers 501.) */
static bool cx_sip__other_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_st *st = arg;
	bool indlg = pl_isset(&msg->to.tag);
	char met[32];

	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	if (indlg)
		(void)sip_reply(st->sip, msg, 481, "Call/Transaction Does Not Exist");
	else
		(void)sip_treplyf(NULL, NULL, st->sip, msg, false, 405, "Method Not Allowed",
				  "%sContent-Length: 0\r\n\r\n", SIP_ALLOW);
	(void)pl_strcpy(&msg->met, met, sizeof(met));
	cx_log(CX_LOG_DEBUG, NULL, "sip: %H from %J refused with %u", cx_rt_esc, met, &msg->src,
	       indlg ? 481 : 405);
	return true;
}

/* RFC 3261 §8.2.2.3: a request whose Require names an extension we do not have gets 420 Bad
 * Extension with the option-tags in Unsupported, and goes no further (no session for an INVITE).
 * We have "timer" (RFC 4028); not "100rel" (RFC 3262: libre 1.1.0 sends no reliable provisional
 * responses), "precondition" or anything else. A trunk that insists on 100rel is told so instead
 * of getting a call it cannot run. ACK and CANCEL are never refused for it (§8.2.2.3). */
#define SIP_REQUIRE_ECHO 256 /* bytes of option-tags echoed in Unsupported at most */

/* sip_msg_hdr_apply over Require (libre splits its comma-separated values): every tag but
 * ours goes to the buffer; *bad when one is not a token. */
typedef struct cx_sip_unsup {
	char tags[SIP_REQUIRE_ECHO];
	size_t n;
	bool any, bad;
} cx_sip_unsup;

static bool cx_sip__unsup_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	cx_sip_unsup *u = arg;

	(void)msg;
	if (!pl_strcasecmp(&hdr->val, "timer"))
		return false;
	u->any = true;
	if (!cx_sip_token(hdr->val.p, hdr->val.l)) {
		u->bad = true;
		return false;
	}
	if (u->n + hdr->val.l + 2 < sizeof(u->tags))
		u->n += re_snprintf(u->tags + u->n, sizeof(u->tags) - u->n, "%s%r", u->n ? ", " : "",
				    &hdr->val);
	return false;
}

/* The count of refusals a quiet time left unlogged, once it is over (cx_quiet). */
static void cx_sip__refusal_tail(void *arg, uint64_t n)
{
	(void)arg;
	cx_log(CX_LOG_WARN, NULL, "sip: requests refused for what they carry (Require, bodies)%H",
	       cx_quiet_more, &n);
}

/* Requests refused for what they carry (Require, bodies) are logged at most once in 10 s: the
 * network sends them (cx_quiet: the count of a burst that stops is written when the 10 s end).
 * true: this one goes unlogged; else *more is how many did since the last line. */
static bool cx_sip__refusal_quiet(cx_sip_st *st, uint64_t *more)
{
	return !cx_quiet_ok(&st->req_quiet, more, cx_sip__refusal_tail, st);
}

static bool cx_sip__require_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_st *st = arg;
	cx_sip_unsup u = {.n = 0};
	uint64_t more;
	char met[32];

	if (!pl_strcmp(&msg->met, "ACK") || !pl_strcmp(&msg->met, "CANCEL") ||
	    !sip_msg_hdr(msg, SIP_HDR_REQUIRE))
		return false;
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, cx_sip__unsup_h, &u);
	if (!u.any)
		return false;
	if (u.bad || !u.n) /* an option-tag is a token (§25.1): nothing sane to list */
		(void)sip_treply(NULL, st->sip, msg, 400, "Bad Request (Require)");
	else
		(void)sip_treplyf(NULL, NULL, st->sip, msg, false, 420, "Bad Extension",
				  "Unsupported: %s\r\n%sContent-Length: 0\r\n\r\n", u.tags, SIP_ALLOW);
	if (cx_sip__refusal_quiet(st, &more))
		return true;
	(void)pl_strcpy(&msg->met, met, sizeof(met));
	cx_log(CX_LOG_WARN, NULL, "sip: %H from %J requires %H, which this program does not support: "
	       "refused with %u%s%H", cx_rt_esc, met, &msg->src, cx_rt_esc,
	       u.n && !u.bad ? u.tags : "a malformed option-tag", u.bad || !u.n ? 400 : 420,
	       u.bad || !u.n ? "" : " Bad Extension", cx_quiet_more, &more);
	return true;
}

/* A request whose body is no usable session description (sipbody.c) is answered with the
 * status cx_sipbody_sdp chose: 415 says what we take. true when it was refused. */
static bool cx_sip__body_refused(cx_sip_st *st, const struct sip_msg *msg, struct mbuf *sdp)
{
	const char *why;
	uint64_t more;
	char met[32];
	int code = cx_sipbody_sdp(msg, sdp, &why);

	if (!code)
		return false;
	if (code == 415)
		(void)sip_treplyf(NULL, NULL, st->sip, msg, false, 415, "Unsupported Media Type",
				  "Accept: application/sdp, multipart/mixed\r\nAccept-Encoding: identity\r\n"
				  "Content-Length: 0\r\n\r\n");
	else
		(void)sip_treply(NULL, st->sip, msg, 400, "Bad Request (body)");
	if (cx_sip__refusal_quiet(st, &more))
		return true;
	(void)pl_strcpy(&msg->met, met, sizeof(met));
	cx_log(CX_LOG_WARN, NULL, "sip: %H from %J refused with %d: %s%H", cx_rt_esc, met, &msg->src,
	       code, why, cx_quiet_more, &more);
	return true;
}

static bool cx_sip__update_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_st *st = arg;
	struct sip_contact contact;
	struct mbuf *desc = NULL, sdp;
	cx_sip_call *call = NULL;
	char hdrs[128] = "", ref;
	struct le *le;
	uint32_t se;
	int err = 0;

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		/* RFC 3261 §11: what we do (a front's keep-alive probe gets its 200 here) */
		(void)sip_treplyf(NULL, NULL, st->sip, msg, false, 200, "OK",
				  "%sAccept: application/sdp\r\nContent-Length: 0\r\n\r\n", SIP_ALLOW);
		return true;
	}
	if (pl_strcmp(&msg->met, "UPDATE"))
		return false;
	LIST_FOREACH(&st->calls, le) {
		cx_sip_call *x = le->data;
		if (x->sess && !x->m.closed && x->m.estab && sip_dialog_cmp(sipsess_dialog(x->sess), msg)) {
			call = x;
			break;
		}
	}
	if (!call) {
		(void)sip_reply(st->sip, msg, 481, "Call/Transaction Does Not Exist");
		return true;
	}
	if (!sip_dialog_rseq_valid(sipsess_dialog(call->sess), msg)) {
		(void)sip_reply(st->sip, msg, 500, "Server Internal Error");
		return true;
	}
	if (cx_sip__body_refused(st, msg, &sdp))
		return true;
	if (mbuf_get_left(&sdp))
		err = cx_sip__offer_h(&desc, msg, call);
	if (err) {
		(void)sip_reply(st->sip, msg, 488, "Not Acceptable Here");
		return true;
	}
	(void)sip_dialog_update(sipsess_dialog(call->sess), msg);
	if (call->tlsdest) /* a target refresh: its next hop checked as at the dialog's start */
		cx_sip__tls_route(call);
	cx_sip__se_parse(msg, &se, &ref);
	call->se = se;
	call->se_refresh = ref == 's';
	if (se)
		(void)re_snprintf(hdrs, sizeof(hdrs), "Session-Expires: %u;refresher=%s\r\n%s", se,
				  call->se_refresh ? "uas" : "uac",
				  sip_msg_hdr_has_value(msg, SIP_HDR_SUPPORTED, "timer") ? "Require: timer\r\n" : "");
	cx_sip__se_start(call); /* no Session-Expires: no session timer any more */
	sip_contact_set(&contact, "ccxml", &call->adv, msg->tp);
	(void)sip_treplyf(NULL, NULL, st->sip, msg, false, 200, "OK",
			  "%H%s%s%s"
			  "Content-Length: %zu\r\n"
			  "\r\n"
			  "%b",
			  sip_contact_print, &contact, hdrs,
			  desc ? "Content-Type: application/sdp\r\n" : "", SIP_ALLOW,
			  desc ? mbuf_get_left(desc) : (size_t)0,
			  desc ? mbuf_buf(desc) : NULL, desc ? mbuf_get_left(desc) : (size_t)0);
	mem_deref(desc);
	return true;
}

/* Section - Destinations */

/* A header value without CR/LF (no header injection from documents). */
static void cx_sip__clean(char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			*s = ' ';
}

/* dest -> request URI (and an outbound route, or NULL). Forms: sip:user@host[:port],
 * sips:…, tel:NUMBER and bare numbers (through the gateway), sip:NUMBER!HOST@GATEWAY
 * (request URI sip:NUMBER@HOST, routed through --gateway, else through GATEWAY), user@host. */
static int cx_sip__dest(cx_sip_st *st, const char *dest, char **urip, char **routep, char *em, size_t esz)
{
	const char *tp = st->tcp ? ";transport=tcp" : "";
	char *num = NULL;
	const char *bang, *at;
	size_t i;
	int err = 0;

	*urip = *routep = NULL;
	while (isspace((unsigned char)*dest))
		dest++;
	if (!*dest) {
		snprintf(em, esz, "empty destination");
		return EINVAL;
	}
	if (!strncasecmp(dest, "tel:", 4) || strspn(dest, "+0123456789-.() ") == strlen(dest)) {
		const char *n = !strncasecmp(dest, "tel:", 4) ? dest + 4 : dest;
		size_t w = 0;
		if (!st->gateway) {
			snprintf(em, esz, "'%s' needs a gateway (--gateway HOST:PORT)", dest);
			return EINVAL;
		}
		num = mem_zalloc(strlen(n) + 1, NULL);
		if (!num)
			return ENOMEM;
		/* visual separators go; a ;parameter part (tel: URI) ends the number */
		for (i = 0; n[i] && n[i] != ';'; i++) {
			if (isdigit((unsigned char)n[i]) || (n[i] == '+' && w == 0) || n[i] == '*' || n[i] == '#')
				num[w++] = n[i];
			else if (!strchr("-.() ", n[i])) {
				snprintf(em, esz, "bad character '%c' in the number '%s'", n[i], dest);
				mem_deref(num);
				return EINVAL;
			}
		}
		if (!w) {
			snprintf(em, esz, "no number in '%s'", dest);
			mem_deref(num);
			return EINVAL;
		}
		err = re_sdprintf(urip, "sip:%s@%s;user=phone%s", num, st->gateway, tp);
		mem_deref(num);
		return err;
	}
	if (strncasecmp(dest, "sip:", 4) && strncasecmp(dest, "sips:", 5)) {
		if (!strchr(dest, '@') || strchr(dest, ':') == dest) {
			snprintf(em, esz, "unsupported destination '%s' (sip:, tel: or a number)", dest);
			return EINVAL;
		}
		return re_sdprintf(urip, "sip:%s%s", dest, tp);
	}
	at = strchr(dest, '@');
	bang = strchr(dest, '!');
	if (bang && at && bang < at) {
		/* sip:NUMBER!HOST@GATEWAY */
		const char *user = dest + (dest[3] == ':' ? 4 : 5);
		const char *gw = st->gateway ? st->gateway : at + 1;
		err = re_sdprintf(urip, "sip:%b@%b%s", user, (size_t)(bang - user), bang + 1,
				  (size_t)(at - bang - 1), tp);
		if (!err)
			err = re_sdprintf(routep, "sip:%s%s", gw, tp); /* libre adds ;lr */
		return err;
	}
	if (st->tcp && !strstr(dest, "transport=") && strncasecmp(dest, "sips:", 5))
		return re_sdprintf(urip, "%s%s", dest, tp);
	return str_dup(urip, dest);
}

/* RFC 6761 6.4: names under .invalid never resolve; say so at once instead of asking DNS. */
static int cx_sip__invalid_host(const char *uri)
{
	struct uri u;
	struct pl pl, h;

	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl))
		return 0;
	h = u.host;
	if (h.l && h.p[h.l - 1] == '.')
		h.l--; /* the root */
	if (h.l == 7 && !pl_strcasecmp(&h, "invalid"))
		return 1;
	return h.l > 8 && !strncasecmp(h.p + h.l - 8, ".invalid", 8);
}

/* Section - Our address (listening on 0.0.0.0, --public-addr)
 *
 * What goes into Contact and the SDP's c=/o= lines: --public-addr when given; else the
 * listening address; else (0.0.0.0 or ::) the local address of the kernel's route towards the
 * next hop (the proxy, the gateway route, or the Request-URI's host when it is an IP literal),
 * or the default route's source address for host names. Via holds the address of the transport
 * libre sends from (with rport, RFC 3581, so servers answer to the packet's source). */

int cx_sip_srcaddr(const struct sa *dst, struct sa *src)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, err = 0;

	if (!sa_isset(dst, SA_ADDR))
		return EINVAL;
	fd = socket(sa_af(dst), SOCK_DGRAM, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, &dst->u.sa, dst->len) || getsockname(fd, (struct sockaddr *)&ss, &sl))
		err = errno;
	else
		err = sa_set_sa(src, (struct sockaddr *)&ss);
	close(fd);
	return err;
}

static void cx_sip__adv(cx_sip_st *st, const char *uri, struct sa *out)
{
	struct sa dst, a;
	struct uri u;
	struct pl pl;

	*out = st->laddr;
	if (sa_isset(&st->pub, SA_ADDR)) {
		a = st->pub;
	}
	else if (!sa_is_any(&st->laddr))
		return;
	else {
		pl_set_str(&pl, uri ? uri : "");
		if (!uri || uri_decode(&u, &pl) || sa_set(&dst, &u.host, 5060) || cx_sip_srcaddr(&dst, &a)) {
			if (net_default_source_addr_get(sa_af(&st->laddr), &a))
				return;
		}
	}
	sa_set_port(&a, sa_port(&st->laddr));
	*out = a;
}

/* Our Contact URI for a call (libre takes a cuser with ':' as the whole URI). */
static int cx_sip__contact(cx_sip_call *call, char **cp)
{
	struct sa a = call->adv;

	if (call->tls && call->st) {
		sa_set_port(&a, call->st->tlsport);
		return re_sdprintf(cp, "%s:ccxml@%J%s", call->tls == 2 ? "sips" : "sip", &a,
				   call->tls == 2 ? "" : ";transport=tls");
	}
	return re_sdprintf(cp, "sip:ccxml@%J%s", &call->adv, call->tcp ? ";transport=tcp" : "");
}

/* callerid -> From: a sip:/sips: URI as is, a number or tel: as sip:NUMBER@our address,
 * anything else as the user part; a display name before <URI> ("Alice" <sip:a@x>, or
 * Alice <sip:a@x>) goes into *namep (quotes, backslashes and control characters dropped). */
static int cx_sip__from(cx_sip_call *call, const char *callerid, char **namep, char **fromp)
{
	const char *lt = callerid ? strchr(callerid, '<') : NULL, *gt;
	char *u = NULL, *p;
	int err;

	*namep = NULL;
	if (lt && (gt = strchr(lt, '>')) && !gt[1 + strspn(gt + 1, " \t")]) {
		const char *n = callerid;
		size_t w = 0, i, l = (size_t)(lt - callerid);
		*namep = mem_zalloc(l + 1, NULL);
		if (!*namep)
			return ENOMEM;
		for (i = 0; i < l; i++)
			if (n[i] != '"' && n[i] != '\\' && (unsigned char)n[i] >= 0x20)
				(*namep)[w++] = n[i];
		while (w && (*namep)[w - 1] == ' ')
			(*namep)[--w] = '\0';
		for (i = 0; (*namep)[i] == ' '; i++)
			;
		memmove(*namep, *namep + i, w - i + 1);
		if (!**namep)
			*namep = mem_deref(*namep);
		err = re_sdprintf(&u, "%b", lt + 1, (size_t)(gt - lt - 1));
		if (!err)
			err = cx_sip__from(call, u, &p, fromp);
		if (!err)
			mem_deref(p);
		mem_deref(u);
		return err;
	}
	if (!callerid || !*callerid || !strcmp(callerid, "ccxml"))
		return re_sdprintf(fromp, "sip:ccxml@%J", &call->adv);
	if (!strncasecmp(callerid, "sip:", 4) || !strncasecmp(callerid, "sips:", 5)) {
		err = str_dup(fromp, callerid);
		if (!err)
			cx_sip__clean(*fromp);
		return err;
	}
	err = str_dup(&u, !strncasecmp(callerid, "tel:", 4) ? callerid + 4 : callerid);
	if (err)
		return err;
	/* keep what a SIP user part may hold unescaped */
	for (p = u; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("+-_.!~*'()&=$,;?/", *p))
			*p = '_';
	err = re_sdprintf(fromp, "sip:%s@%J", u, &call->adv);
	mem_deref(u);
	return err;
}

/* Section - Provider operations */

/* <createcall timeout> starts with the attempt: the resolution of a TLS next hop by name, else
 * the INVITE (started once, whichever comes first). */
static void cx_sip__attempt_timer(cx_sip_call *call)
{
	if (!tmr_isrunning(&call->tmo))
		tmr_start(&call->tmo, call->c->timeout_ms ? call->c->timeout_ms : 60000,
			  cx_sip__timeout_h, call);
}

/* The INVITE of an outbound call, once its next hop is known to be checkable (siptls.c). */
static int cx_sip__invite(cx_sip_call *call)
{
	cx_sip_st *st = call->st;
	cx_conn *c = call->c;
	char *from = NULL, *name = NULL, *hdrs = NULL, *aai = NULL, *contact = NULL, *paih = NULL;
	const char *routev[2], *pai = cx_siphdr_pai(c->hints);
	uint32_t routec = 0;
	struct mbuf *desc = NULL;
	cx_sip_tail *tail;
	int err;

	/* the outbound proxy first, then the gateway route of sip:N!H@GW */
	if (st->proxy)
		routev[routec++] = st->proxy;
	if (call->route)
		routev[routec++] = call->route;
	err = cx_sip__media(call);
	if (!err && st->srtp)
		err = cx_sip__sdes_offer(call);
	if (!err)
		err = sdp_encode(&desc, call->sdp, true);
	if (!err)
		err = cx_sip__from(call, c->callerid, &name, &from);
	if (!err)
		err = cx_sip__contact(call, &contact);
	if (!err && c->aai && *c->aai && !(err = str_dup(&aai, c->aai)))
		cx_sip__clean(aai);
	if (!err) /* next hop */
		err = cx_sipauth_req_alloc(&call->areq, st->creds, routec ? routev[0] : call->uri);
	/* P-Asserted-Identity (hints.pai, RFC 3325): true asserts the From identity */
	if (!err && pai && !*pai)
		err = re_sdprintf(&paih, "P-Asserted-Identity: %s%s%s<%s>\r\n", name ? "\"" : "",
				  name ? name : "", name ? "\" " : "", from);
	else if (!err && pai)
		err = re_sdprintf(&paih, "P-Asserted-Identity: %s\r\n", pai);
	if (!err)
		err = re_sdprintf(&hdrs, SIP_ALLOW "%s%s%s%H%s", aai ? SIP_AAI_HDR ": " : "", aai ? aai : "",
				  aai ? "\r\n" : "", cx_siphdr_print, c->hints, paih ? paih : "");
	if (err)
		goto out;
	mem_deref(c->local); /* connection.local: the From URI we send */
	c->local = NULL;
	(void)str_dup(&c->local, from);
	tail = cx_sip__tail_new(call);
	err = !tail ? ENOMEM :
	      sipsess_connect(&call->sess, st->sock, call->uri, name, from, contact,
			      routec ? routev : NULL, routec, "application/sdp", desc,
			      cx_sip__tail_auth_h, tail, true, cx_sip__offer_h, cx_sip__answer_h,
			      cx_sip__progr_h, cx_sip__estab_h, cx_sip__info_h, NULL, cx_sip__close_h, call,
			      "%s", hdrs);
	mem_deref(tail); /* the sipsess's now (or gone with it) */
	if (err) {
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id, NULL, "<createcall> to "
		        "%H: cannot send the INVITE: %s", cx_rt_esc, call->uri, strerror(err));
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "unreachable"});
		call->m.closed = 1;
		err = 0;
		goto out;
	}
	str_ncpy(call->callid, sip_dialog_callid(sipsess_dialog(call->sess)), sizeof(call->callid));
	cx_sip__attempt_timer(call);
 out:
	call->uri = mem_deref(call->uri);
	call->route = mem_deref(call->route);
	mem_deref(desc);
	mem_deref(from);
	mem_deref(name);
	mem_deref(contact);
	mem_deref(aai);
	mem_deref(paih);
	mem_deref(hdrs);
	return err;
}

/* A TLS next hop given by host name is resolved (siptls.c, sipdns.c): the INVITE goes now, or
 * the call fails as one libre could not send (no such host: unknownhost; refused: the why). */
static void cx_sip__tls_ready_h(int err, void *arg)
{
	cx_sip_call *call = arg;

	if (call->m.closed || !call->c || !call->st)
		return;
	if (!err)
		err = cx_sip__invite(call);
	if (err)
		cx_sip__close_h(err, NULL, call);
}

static int cx_sip_createcall(cx_engine *e, cx_conn *c, const char *dest)
{
	cx_sip_st *st = cx_sip__st(e);
	char *uri = NULL, *route = NULL, em[300] = "";
	const char *hop;
	cx_sip_call *call;
	int err;

	if (!st)
		return ENOSYS;
	err = cx_sip__dest(st, dest, &uri, &route, em, sizeof(em));
	if (err) {
		cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id, NULL, "<createcall>: %H",
		        cx_rt_esc, em[0] ? em : strerror(err));
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "badnumber"});
		return 0;
	}
	if (cx_sip__invalid_host(uri)) {
		cx_logc(CX_LOG_WARN, c->sess ? c->sess->id : NULL, c->id, NULL, "<createcall> to "
		        "%s: its host name does not resolve (.invalid never does, RFC 6761)", uri);
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "unknownhost"});
		err = 0;
		goto out;
	}
	call = cx_sip__call_new(st, c);
	if (!call) {
		err = ENOMEM;
		goto out;
	}
	mem_deref(c->pd);
	c->pd = call;
	call->uri = uri;
	call->route = route;
	uri = route = NULL;
	/* the next hop: the outbound proxy, else the gateway route of sip:N!H@GW, else the URI */
	hop = st->proxy ? st->proxy : call->route ? call->route : call->uri;
	cx_sip__adv(st, hop, &call->adv);
	call->tls = !strncasecmp(hop, "sips:", 5) ? 2 : strstr(hop, ";transport=tls") ? 1 : 0;
	call->tcp = !call->tls && (st->tcp || strstr(call->uri, ";transport=tcp") != NULL);
	if (call->tls && !st->tls) {
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id, NULL, "<createcall> to "
		        "%H: a TLS destination needs --sip-tls-cert", cx_rt_esc, call->uri);
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "unreachable"});
		call->m.closed = 1;
		err = 0;
		goto out;
	}
	/* the next hop's certificate must name it (siptls.c): recorded before anything is sent;
	 * a host name is resolved first, the INVITE waits for it (cx_sip__tls_ready_h) */
	err = call->tls && st->vt ? cx_siptls_expect(st->vt, st->dnsc, hop, &call->tlsdest,
						     cx_sip__tls_ready_h, call, em, sizeof(em)) : 0;
	if (err == EINPROGRESS) {
		cx_sip__attempt_timer(call); /* the resolution is part of the attempt */
		err = 0;
		goto out;
	}
	if (err) {
		cx_logc(CX_LOG_WARN, c->sess ? c->sess->id : NULL, c->id, NULL, "<createcall> to "
		        "%H: %H", cx_rt_esc, call->uri, cx_rt_esc, em);
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = em});
		call->m.closed = 1;
		err = 0;
		goto out;
	}
	err = cx_sip__invite(call);
 out:
	mem_deref(uri);
	mem_deref(route);
	return err;
}

static void cx_sip__conn_h(const struct sip_msg *msg, void *arg)
{
	cx_sip_st *st = arg;
	char *from = NULL, *to = NULL, *contact = NULL;
	const struct sip_hdr *aai;
	struct mbuf sdp;
	cx_sip_call *call = NULL;
	cx_sip_tail *tail = NULL;
	cx_conn *c = NULL;
	char ref;
	int err;

	if (cx_sip__body_refused(st, msg, &sdp)) /* before a session is started for it */
		goto out;
	if (pl_strdup(&from, &msg->from.auri) || pl_strdup(&to, &msg->to.auri)) {
		(void)sip_treply(NULL, st->sip, msg, 500, "Server Internal Error");
		goto out;
	}
	err = cx_prov_inbound(st->e, from, to, &c);
	if (err == EBUSY) /* --max-sessions or --max-calls: the caller may come back */
		(void)sip_treplyf(NULL, NULL, st->sip, msg, false, 503, "Service Unavailable",
				  "Retry-After: " SIP_RETRY_AFTER "\r\nContent-Length: 0\r\n\r\n");
	else if (err)
		(void)sip_treply(NULL, st->sip, msg, 500, "Server Internal Error");
	if (err)
		goto out;
	call = cx_sip__call_new(st, c);
	if (call) {
		(void)pl_strcpy(&msg->callid, call->callid, sizeof(call->callid));
		call->m.sigsrc = msg->src; /* the caller, or the proxy it came through */
	}
	if (!call) {
		(void)sip_treply(NULL, st->sip, msg, 500, "Server Internal Error");
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "out of memory"});
		goto out;
	}
	mem_deref(c->pd);
	c->pd = call;
	call->inv = mem_ref((struct sip_msg *)msg);
	cx_sip__hold_conn(call, msg);
	if (msg->tp == SIP_TRANSP_TLS && st->vt) /* our BYE goes to its Contact (siptls.c) */
		(void)cx_siptls_expect_msg(st->vt, msg, &call->tlsdest);
	cx_sip__set_proto(call, msg);
	aai = sip_msg_xhdr(msg, SIP_AAI_HDR);
	if (!aai)
		aai = sip_msg_xhdr(msg, "User-to-User");
	if (aai) {
		mem_deref(c->aai);
		c->aai = NULL;
		pl_strdup(&c->aai, &aai->val);
	}
	/* RFC 4028: the caller's Session-Expires is taken as offered (any interval); without a
	 * refresher parameter the caller refreshes if it supports timers, else we do */
	cx_sip__se_parse(msg, &call->se, &ref);
	call->se_refresh = ref == 's' ||
		(!ref && !sip_msg_hdr_has_value(msg, SIP_HDR_SUPPORTED, "timer"));
	call->se_update = sip_msg_hdr_has_value(msg, SIP_HDR_ALLOW, "UPDATE");
	/* our address as the caller reaches it (listening on 0.0.0.0: the route back to it) */
	if (sa_isset(&st->pub, SA_ADDR) || sa_is_any(&st->laddr)) {
		char src[64];
		(void)re_snprintf(src, sizeof(src), "sip:%J", &msg->src);
		cx_sip__adv(st, src, &call->adv);
	}
	call->tcp = msg->tp == SIP_TRANSP_TCP;
	call->tls = msg->tp == SIP_TRANSP_TLS ? (!pl_strcasecmp(&msg->uri.scheme, "sips") ? 2 : 1) : 0;
	err = cx_sip__contact(call, &contact);
	/* 180 now; <accept> sends the 200 with the SDP answer */
	if (!err && !(tail = cx_sip__tail_new(call)))
		err = ENOMEM;
	if (!err) {
		err = sipsess_accept(&call->sess, st->sock, msg, 180, "Ringing", contact, "application/sdp",
			     NULL, cx_sip__tail_auth_h, tail, true, cx_sip__offer_h, cx_sip__answer_h,
			     cx_sip__estab_h, cx_sip__info_h, NULL, cx_sip__close_h, call, "%s", SIP_ALLOW);
		mem_deref(tail); /* the sipsess's now (or gone with it) */
	}
	if (!err)
		cx_sip__tls_route(call);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "sip: cannot answer the INVITE from %H: %s", cx_rt_esc,
		       from, strerror(err));
		(void)sip_treply(NULL, st->sip, msg, 500, "Server Internal Error");
		call->m.closed = 1;
		cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = "error"});
	}
 out:
	mem_deref(from);
	mem_deref(to);
	mem_deref(contact);
}

static cx_sip_call *cx_sip__call(cx_conn *c)
{
	cx_sip_call *call = c->pd;

	return call && call->sess && !call->m.closed && !call->merge ? call : NULL;
}

/* The media plane's view of c's call (mplane.h cx_mp_leg_h). */
static cx_mp_leg *cx_sip__leg(cx_conn *c, int any)
{
	cx_sip_call *call = any ? c->pd : cx_sip__call(c);

	return call ? &call->m : NULL;
}

/* <accept> cannot be honoured: the caller gets a final error response and the call is over
 * at once (sipsess and RTP port freed). connection.accept.failed says why; connection.failed
 * follows, since the call is gone: the connection leaves session.connections and a document
 * that ends its session on connection.failed (most do) frees it. */
static int cx_sip__refuse(cx_sip_call *call, uint16_t code, const char *phrase, const char *reason)
{
	const cx_pev_info why = {.reason = reason, .trigger = "local", .sipcode = code,
				 .sipreason = phrase};
	cx_conn *c = call->c;

	(void)sipsess_reject(call->sess, code, phrase, NULL);
	cx_sip__finish(call);
	cx_rt_conn_pev(c, CX_PEV_ACCEPT_FAILED, &why);
	cx_rt_conn_pev(c, CX_PEV_FAILED, &why);
	return 0; /* the outcome is reported: no second connection.accept.failed from the runtime */
}

static int cx_sip_accept(cx_engine *e, cx_conn *c)
{
	cx_sip_call *call = cx_sip__call(c);
	struct mbuf *desc = NULL, sdp;
	const char *why;
	char se[96] = "";
	int err;

	if (!call || !call->inv)
		return EPROTO;
	err = cx_sip__media(call);
	if (err) {
		/* no media for this call (e.g. out of ports): the caller must not wait in 180 */
		return cx_sip__refuse(call, 503, "Service Unavailable", "noresource");
	}
	if (cx_sipbody_sdp(call->inv, &sdp, &why)) /* checked when the INVITE came */
		return cx_sip__refuse(call, 415, "Unsupported Media Type", "media");
	if (mbuf_get_left(&sdp)) {
		/* --srtp offer: RTP/SAVP or plain RTP, as the caller offers */
		if (call->st->srtp == CX_SRTP_OFFER)
			err = sdp_media_set_alt_protos(call->m.sdpm, 2, "RTP/SAVP", "RTP/AVP");
		if (!err)
			err = sdp_decode(call->sdp, &sdp, true);
		if (err) {
			cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id,
			        call->callid[0] ? call->callid : NULL, "sip: bad SDP offer from "
			        "%s: %s", c->remote ? c->remote : "?", strerror(err));
			return cx_sip__refuse(call, 488, "Not Acceptable Here", "media");
		}
		cx_sip__mux_offer(call);
		if ((why = cx_mp_leg_bad_dst(&call->m, sdp_media_raddr(call->m.sdpm)))) {
			/* a unicast call's audio never goes to a group (every host of a network) nor,
			 * for a caller elsewhere, to this host's loopback (docs/sip.md "Media
			 * addresses") */
			cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id,
			        call->callid[0] ? call->callid : NULL, "sip: %s offers media to %j, %s",
			        c->remote ? c->remote : "?", sdp_media_raddr(call->m.sdpm), why);
			return cx_sip__refuse(call, 488, "Not Acceptable Here", "media");
		}
		if (cx_sip__negotiate(call)) {
			cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id,
			        call->callid[0] ? call->callid : NULL, "sip: %s offers no %s audio in "
			        "PCMU or PCMA", c->remote ? c->remote : "?",
			        call->st->srtp == CX_SRTP_REQUIRE ? "RTP/SAVP (--srtp require)" :
			        call->st->srtp ? "RTP/AVP or RTP/SAVP" : "RTP/AVP (SRTP: --srtp)");
			return cx_sip__refuse(call, 488, "Not Acceptable Here", "media");
		}
		if (cx_sip__sdes(call, 0)) {
			cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id,
			        call->callid[0] ? call->callid : NULL, "sip: %s offers SRTP without a "
			        "key we take (AES_CM_128_HMAC_SHA1_80 or _32, inline, no MKI)",
			        c->remote ? c->remote : "?");
			return cx_sip__refuse(call, 488, "Not Acceptable Here", "media");
		}
		err = sdp_encode(&desc, call->sdp, false);
	}
	else {
		/* late offer: ours, the answer comes in the ACK */
		err = call->st->srtp ? cx_sip__sdes_offer(call) : 0;
		if (!err)
			err = sdp_encode(&desc, call->sdp, true);
	}
	if (call->se)
		(void)re_snprintf(se, sizeof(se), "Session-Expires: %u;refresher=%s\r\n%s", call->se,
				  call->se_refresh ? "uas" : "uac",
				  sip_msg_hdr_has_value(call->inv, SIP_HDR_SUPPORTED, "timer") ?
				  "Require: timer\r\n" : "");
	if (!err)
		err = sipsess_answer(call->sess, 200, "OK", desc, "%s%s%H", SIP_ALLOW, se, cx_siphdr_print,
				     c->hints);
	mem_deref(desc);
	if (err) {
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: cannot answer %s: %s",
		        c->remote ? c->remote : "?", strerror(err));
		return cx_sip__refuse(call, 500, "Server Internal Error", "error");
	}
	return 0; /* connection.connected comes with the ACK */
}

/* <reject reason>: a SIP code 400..699 as is; else a word (docs/sip.md); default 603. */
static uint16_t cx_sip__reject_code(const char *reason, const char **phrase)
{
	static const struct { const char *w; uint16_t code; const char *ph; } map[] = {
		{"busy", 486, "Busy Here"}, {"notfound", 404, "Not Found"},
		{"badnumber", 404, "Not Found"}, {"forbidden", 403, "Forbidden"},
		{"unavailable", 480, "Temporarily Unavailable"}, {"unreachable", 480, "Temporarily Unavailable"},
		{"timeout", 408, "Request Timeout"}, {"error", 500, "Server Internal Error"},
		{"decline", 603, "Decline"}, {"rejected", 603, "Decline"},
	};
	size_t i;

	*phrase = "Decline";
	if (!reason)
		return 603;
	if (isdigit((unsigned char)reason[0])) {
		char *end;
		long n = strtol(reason, &end, 10);
		if (n >= 400 && n <= 699) {
			*phrase = n == 486 ? "Busy Here" : n == 404 ? "Not Found" : n == 480 ?
				"Temporarily Unavailable" : n == 403 ? "Forbidden" : n == 603 ? "Decline" :
				"Rejected";
			return (uint16_t)n;
		}
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcasecmp(reason, map[i].w)) {
			*phrase = map[i].ph;
			return map[i].code;
		}
	}
	return 603;
}

static int cx_sip_reject(cx_engine *e, cx_conn *c, const char *reason)
{
	cx_sip_call *call = cx_sip__call(c);
	const char *phrase;
	uint16_t code = cx_sip__reject_code(reason, &phrase);
	int err;

	if (!call || call->m.estab)
		return EPROTO;
	err = sipsess_reject(call->sess, code, phrase, "%H", cx_siphdr_print, c->hints);
	if (err)
		return err;
	cx_sip__finish(call);
	cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){
		.reason = reason ? reason : "rejected", .trigger = "local", .sipcode = code,
		.sipreason = phrase});
	return 0;
}

/* Section - Blind transfer of a connected call (RFC 3515 REFER, RFC 5589 §6)
 *
 * <redirect> of a CONNECTED call sends REFER (Refer-To: dest) in the call's dialog; the far
 * end answers 202 and reports the new call's progress in NOTIFYs (Event: refer) whose
 * message/sipfrag body is a status line. A final 2xx there: we hang up our leg (BYE) and the
 * connection gets connection.redirected; a rejected REFER, a final non-2xx status, a
 * subscription ended without a final status, or SIP_REFER_TMO without an answer:
 * connection.redirect.failed, and the call stays connected. sipevent_drefer() shares the
 * sipsess dialog, so CSeqs and the route stay right. */

static void cx_sip__refer_end(cx_sip_call *call, int ok, const char *why, uint16_t scode,
			   const struct pl *phrase)
{
	cx_conn *c = call->c;
	char *reason = call->referwhy, *ph = NULL;

	call->referwhy = NULL;
	tmr_cancel(&call->refertmo);
	call->refer = mem_deref(call->refer); /* safe in libre's handlers: they hold a reference */
	if (phrase && pl_isset(phrase))
		(void)pl_strdup(&ph, phrase);
	if (!c || call->m.closed) {
		/* already over */
	}
	else if (ok) {
		cx_sip__finish(call); /* BYE: the transferor leaves */
		cx_rt_conn_pev(c, CX_PEV_REDIRECTED, &(cx_pev_info){
			.reason = reason, .trigger = "local", .sipcode = scode, .sipreason = ph});
		cx_mp_leg_end(&call->m);
	}
	else {
		cx_logc(CX_LOG_ERR, c->sess ? c->sess->id : NULL, c->id,
		        call->callid[0] ? call->callid : NULL, "sip: transfer of %H failed: %s%s%H",
		        cx_rt_esc, c->remote ? c->remote : "call", why, ph ? ": " : "", cx_rt_esc,
		        ph ? ph : "");
		cx_rt_conn_pev(c, CX_PEV_REDIRECT_FAILED, &(cx_pev_info){
			.reason = why, .sipcode = scode, .sipreason = ph});
	}
	mem_deref(ph);
	mem_deref(reason);
}

/* A NOTIFY of the REFER's implicit subscription: answered here (libre leaves that to us). */
static void cx_sip__refer_notify_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	cx_sip_call *call = arg;
	struct pl sp1, code, sp2, phrase;
	uint32_t sc;

	if (re_regex((const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb),
		     "SIP/2.0[ \t]+[0-9]+[ \t]*[^\r\n]*", &sp1, &code, &sp2, &phrase)) {
		(void)sip_treply(NULL, sip, msg, 400, "Bad sipfrag");
		return;
	}
	(void)sip_treply(NULL, sip, msg, 200, "OK");
	sc = pl_u32(&code);
	if (sc < 200 || sc > 699)
		return; /* progress (100 Trying, 180 Ringing) */
	if (sc < 300)
		cx_sip__refer_end(call, 1, NULL, (uint16_t)sc, &phrase);
	else
		cx_sip__refer_end(call, 0, cx_rt_sipreason((int)sc), (uint16_t)sc, &phrase);
}

/* The subscription ended before a final status: REFER rejected, transaction timeout, or a
 * terminating NOTIFY without a final sipfrag. */
static void cx_sip__refer_close_h(int err, const struct sip_msg *msg,
			       const struct sipevent_substate *substate, void *arg)
{
	cx_sip_call *call = arg;

	if (!err && msg && msg->scode >= 300) {
		cx_sip__refer_end(call, 0, msg->scode == 405 || msg->scode == 501 ? "unsupported" :
			       cx_rt_sipreason(msg->scode), msg->scode, &msg->reason);
		return;
	}
	if (err) {
		cx_sip__refer_end(call, 0, err == ETIMEDOUT ? "timeout" : "error", 0, NULL);
		return;
	}
	(void)substate;
	cx_sip__refer_end(call, 0, "unknown", 0, NULL);
}

static void cx_sip__refer_tmo_h(void *arg)
{
	cx_sip_call *call = arg;

	cx_sip__refer_end(call, 0, "timeout", 0, NULL);
}

static int cx_sip__refer(cx_sip_st *st, cx_sip_call *call, const char *uri, const char *reason)
{
	char *contact = NULL;
	int err;

	if (!st->evsock) {
		cx_log(CX_LOG_INFO, NULL, "sip: <redirect> of a connected call: no SIP event "
		       "socket");
		return ENOTSUP;
	}
	if (call->refer) {
		cx_log(CX_LOG_INFO, NULL, "sip: <redirect>: a transfer of this call is already "
		       "under way");
		return EALREADY;
	}
	if (reason && (err = str_dup(&call->referwhy, reason)))
		return err;
	err = cx_sip__contact(call, &contact);
	if (!err)
		err = sipevent_drefer(&call->refer, st->evsock, sipsess_dialog(call->sess), contact, NULL,
				      NULL, false, cx_sip__refer_notify_h, cx_sip__refer_close_h, call,
				      "Refer-To: <%s>\r\n", uri);
	mem_deref(contact);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "sip: <redirect>: cannot send REFER: %s", strerror(err));
		call->referwhy = mem_deref(call->referwhy);
		return err;
	}
	tmr_start(&call->refertmo, SIP_REFER_TMO, cx_sip__refer_tmo_h, call);
	return 0;
}

static int cx_sip_redirect(cx_engine *e, cx_conn *c, const char *dest, const char *reason)
{
	cx_sip_call *call = cx_sip__call(c);
	cx_sip_st *st = cx_sip__st(e);
	char *uri = NULL, *route = NULL, em[200] = "";
	int err;

	if (!call || !st)
		return EPROTO;
	err = cx_sip__dest(st, dest ? dest : "", &uri, &route, em, sizeof(em));
	if (err) {
		cx_log(CX_LOG_INFO, NULL, "sip: <redirect>: %s", em[0] ? em : strerror(err));
		return err;
	}
	cx_sip__clean(uri);
	if (call->m.estab) {
		err = cx_sip__refer(st, call, uri, reason);
		mem_deref(uri);
		mem_deref(route);
		return err;
	}
	err = sipsess_reject(call->sess, 302, "Moved Temporarily", "Contact: <%s>\r\n%H", uri,
			     cx_siphdr_print, c->hints);
	mem_deref(uri);
	mem_deref(route);
	if (err)
		return err;
	cx_sip__finish(call);
	cx_rt_conn_pev(c, CX_PEV_REDIRECTED, &(cx_pev_info){
		.reason = reason, .trigger = "local", .sipcode = 302,
		.sipreason = "Moved Temporarily"});
	return 0;
}

static int cx_sip_disconnect(cx_engine *e, cx_conn *c, const char *reason)
{
	cx_sip_call *call = c->pd;

	/* (an outbound call without sess waits for its next hop's address: it is never sent) */
	if (call && !call->m.closed && (call->sess || !c->inbound)) {
		if (c->inbound && !call->m.estab)
			(void)sipsess_reject(call->sess, 480, "Temporarily Unavailable", "%H",
					     cx_siphdr_print, c->hints);
		/* BYE when established, CANCEL when an outbound call is still ringing */
		cx_sip__finish(call);
	}
	if (call)
		cx_mp_leg_stop(&call->m); /* (done already when the call was up) */
	cx_rt_conn_pev(c, CX_PEV_DISCONNECTED, &(cx_pev_info){
		.reason = reason ? reason : "disconnect", .trigger = "local"});
	if (call)
		cx_mp_leg_end(&call->m);
	return 0;
}

/* Section - Media operations: the media plane's (mplane.c) */

static int cx_sip_join(cx_engine *e, cx_sess *s, const char *id1, const char *id2, int full,
			const cx_joinopt *o)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? cx_mp_join(st->mp, s, id1, id2, full, o) : ENOSYS;
}

static int cx_sip_unjoin(cx_engine *e, cx_sess *s, const char *id1, const char *id2)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? cx_mp_unjoin(st->mp, s, id1, id2) : ENOSYS;
}

static int cx_sip_createconference(cx_engine *e, cx_conf *f)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? cx_mp_conf_create(st->mp, f) : ENOSYS;
}

static int cx_sip_destroyconference(cx_engine *e, cx_conf *f)
{
	return cx_mp_conf_destroy(f);
}

static int cx_sip_dialogstart(cx_engine *e, cx_dlg *d)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? cx_mp_dialogstart(st->mp, d) : ENOSYS;
}

static int cx_sip_dialogterminate(cx_engine *e, cx_dlg *d, int immediate)
{
	return cx_mp_dialogterminate(d);
}

/* Section - <merge>: two calls bridged after they leave the session
 *
 * <merge> of two connected calls with audio: each far end hears the other through the media
 * plane (cx_mp_bridge), both connections get connection.merged (state DISCONNECTED) and leave
 * the session, which may end: the bridge is the provider's. Dialogs on the calls end
 * (dialog.exit after connection.merged); DTMF is no longer reported. When one far end hangs up,
 * or its call ends by RTP inactivity, session timer or maximum duration, the other gets a BYE
 * and both call records are written (reason and trigger of the one that ended it, "merged call
 * ended"/"local" for the other). A provider that closes ends every bridge. */

struct cx_sip_pair {
	struct le le;                 /* in st->merges */
	cx_sip_st *st;
	cx_conn *c[2];                /* references: the connections outlive their session */
	struct tmr rel;               /* frees the pair after the handler that ended it */
	int done;
};

static void cx_sip_merge__destroy(void *arg)
{
	cx_sip_pair *m = arg;

	tmr_cancel(&m->rel);
	list_unlink(&m->le);
	mem_deref(m->c[0]);
	mem_deref(m->c[1]);
}

static void cx_sip_merge__rel_h(void *arg)
{
	mem_deref(arg);
}

/* m ends: call's side ended (reason, trigger) and the other side is hung up; call NULL: both
 * are hung up for reason. */
static void cx_sip_merge__stop(cx_sip_pair *m, cx_sip_call *call, const char *reason,
			       const char *trigger)
{
	int i;

	if (!m || m->done)
		return;
	m->done = 1;
	for (i = 0; i < 2; i++) {
		cx_conn *c = m->c[i];
		cx_sip_call *k = c->pd;
		int first = !call || k == call;

		if (k) {
			k->merge = NULL;
			if (!k->m.closed)
				cx_sip__finish(k); /* BYE (the one that hung up: its sipsess goes) */
		}
		c->t_end = 0;
		c->endreason = mem_deref(c->endreason);
		c->endtrigger = mem_deref(c->endtrigger);
		(void)str_dup(&c->endreason, first ? reason : "merged call ended");
		(void)str_dup(&c->endtrigger, first ? trigger : "local");
		c->merged = 2;
		cx_logc(CX_LOG_INFO, c->msid, c->id, k && k->callid[0] ? k->callid : NULL,
		        "sip: merged call with %H ended: %s", cx_rt_esc, c->remote ? c->remote : "?",
		        first ? reason : "merged call ended");
		if (m->st)
			cx_cdr_conn(m->st->e, c);
	}
	/* not here: the caller (a libre handler) may still use call, which the pair owns */
	tmr_start(&m->rel, 0, cx_sip_merge__rel_h, m);
}

static void cx_sip_merge__end(cx_sip_call *call, const char *reason, const char *trigger)
{
	cx_sip_merge__stop(call->merge, call, reason, trigger);
}

/* The provider closes: every bridge ends now, and goes. */
static void cx_sip_merge__flush(cx_sip_st *st)
{
	struct le *le;

	while ((le = list_head(&st->merges))) {
		cx_sip_pair *m = le->data;
		cx_sip_merge__stop(m, NULL, "platform stopped", "local");
		mem_deref(m);
	}
}

static int cx_sip_merge(cx_engine *e, cx_conn *a, cx_conn *b, const char **why)
{
	cx_sip_st *st = cx_sip__st(e);
	cx_sip_call *ca = cx_sip__call(a), *cb = cx_sip__call(b);
	cx_sip_pair *m;
	int err;

	if (!st)
		return ENOSYS;
	if (!ca || !cb || !cx_mp_live(&ca->m) || !cx_mp_live(&cb->m)) {
		*why = "no audio on one of the calls (no media negotiated)";
		return EPROTO;
	}
	m = mem_zalloc(sizeof(*m), cx_sip_merge__destroy);
	if (!m)
		return ENOMEM;
	tmr_init(&m->rel);
	m->st = st;
	err = str_dup(&a->msid, a->sess->id);
	if (!err)
		err = str_dup(&b->msid, b->sess->id);
	/* what they heard before (joins, conferences) goes; they hear each other only */
	if (!err)
		err = cx_mp_bridge(&ca->m, &cb->m);
	if (err) {
		mem_deref(m);
		return err;
	}
	m->c[0] = mem_ref(a);
	m->c[1] = mem_ref(b);
	ca->merge = cb->merge = m;
	a->merged = b->merged = 1;
	list_append(&st->merges, &m->le, m);
	cx_logc(CX_LOG_INFO, a->sess->id, a->id, ca->callid[0] ? ca->callid : NULL,
	        "sip: %s and %s merged: bridged until one far end hangs up", a->id, b->id);
	cx_rt_conn_pev(a, CX_PEV_MERGED, NULL);
	cx_rt_conn_pev(b, CX_PEV_MERGED, NULL);
	/* their dialogs end with the session's control of them; a recording ends too */
	cx_rec_end(ca->m.rec, "hangup");
	cx_rec_end(cb->m.rec, "hangup");
	cx_mp_leg_end(&ca->m);
	cx_mp_leg_end(&cb->m);
	return 0;
}

/* How many merged pairs are still bridged (serve.c waits for them, docs/sip.md). */
uint32_t cx_sip_merges(cx_engine *e)
{
	cx_sip_st *st = cx_sip__st(e);
	uint32_t n = 0;
	struct le *le;

	if (!st)
		return 0;
	LIST_FOREACH(&st->merges, le)
		n += !((cx_sip_pair *)le->data)->done;
	return n;
}

static void cx_sip_conn_release(cx_engine *e, cx_conn *c)
{
	const cx_sip_call *call = c->pd;

	if (call && call->merge)
		return; /* the bridge holds c and its call until one far end hangs up */
	c->pd = mem_deref(c->pd);
}

static void cx_sip_dlg_release(cx_engine *e, cx_dlg *d)
{
	d->pd = mem_deref(d->pd);
}

/* A connection's record waits for the outcome of the BYE we sent, when our checks of its TLS
 * hops may refuse it (the record then says so: docs/service.md "Call records"). */
static int cx_sip_cdr_defer(cx_engine *e, cx_conn *c, struct mbuf *mb)
{
	cx_sip_call *call = c->pd;
	cx_sip_tail *t = call ? call->tail : NULL;

	(void)e;
	if (!t || !t->le.list || !t->tlsdest || t->cdr)
		return 0;
	t->cdr = mem_ref(mb);
	return 1;
}

uint32_t cx_sip_byes(cx_engine *e)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? list_count(&st->tails) : 0;
}

static int cx_sip_pending(cx_engine *e)
{
	return cx_sip__st(e) != NULL; /* a listener: calls may come in at any time */
}

static void cx_sip_st__destroy(void *arg)
{
	cx_sip_st *st = arg;
	struct le *le;
	int i;

	/* registrations: an unREGISTER not sent yet (no graceful stop) goes now, unanswered */
	for (i = 0; i < st->nregs; i++) {
		(void)cx_sipreg_stop(st->regs[i]);
		st->regs[i] = mem_deref(st->regs[i]);
	}
	cx_sip_merge__flush(st); /* merged calls: a BYE to both far ends, their records */
	/* calls belong to their connections; those outliving us only lose their session */
	for (le = list_head(&st->calls); le; le = le->next) {
		cx_sip_call *call = le->data;
		cx_sip__finish(call);
		call->st = NULL;
	}
	while ((le = list_head(&st->calls)))
		list_unlink(le);
	/* BYEs still under way (the stop's grace is over, or no stop waited): their records say
	 * so now, and the force close below drops them */
	while ((le = list_head(&st->tails))) {
		cx_sip_tail *t = le->data;
		cx_sip__tail_emit(t, "unsent", "the program stopped before the BYE was done");
		t->st = NULL;
		list_unlink(le);
	}
	cx_quiet_close(&st->req_quiet); /* the count of refusals not logged yet */
	st->mp = mem_deref(st->mp); /* legs, mixers and prompts outliving it are unhooked */
	st->updlsnr = mem_deref(st->updlsnr);
	st->otherlsnr = mem_deref(st->otherlsnr);
	st->reqlsnr = mem_deref(st->reqlsnr);
	st->evsock = mem_deref(st->evsock);
	st->sock = mem_deref(st->sock);
	if (st->sip)
		sip_close(st->sip, true);
	st->sip = mem_deref(st->sip);
	st->dnsc = mem_deref(st->dnsc);
	cx_siptls_close(st->vt);
	mem_deref(st->tcpc);
	mem_deref(st->tls);
	mem_deref(st->gateway);
	mem_deref(st->proxy);
	mem_deref(st->creds);
	mem_deref(st->creds_file);
	if (st->trace)
		fclose(st->trace);
	mem_deref(st->trace_file);
}

static void cx_sip_conn_stats(cx_engine *e, const cx_conn *c, cx_conn_stats *st)
{
	const cx_sip_call *call = c->pd;

	(void)e;
	if (!call)
		return;
	str_ncpy(st->callid, call->callid, sizeof(st->callid));
	st->pkts_tx = call->m.ptx;
	st->pkts_rx = call->m.prx;
	st->bytes_tx = call->m.btx;
	st->bytes_rx = call->m.brx;
	st->q = call->m.q;
}

/* Section - --sip-trace: every SIP message as sent or received, for the operator
 *
 * One block a message: a header line (UTC time to the millisecond, sent/received, transport,
 * from -> to, length), then the message with CRLF written as a newline and any other control
 * byte (a hostile peer's terminal escapes) as \xNN, then an empty line. SDES keys are masked
 * (docs/decisions.md "SRTP keys masked in --sip-trace"). */

static FILE *cx_sip__trace_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;

	if (!f && fd >= 0)
		close(fd);
	return f;
}

static void cx_sip__trace_h(bool tx, enum sip_transp tp, const struct sa *src,
			    const struct sa *dst, const uint8_t *pkt, size_t len, void *arg)
{
	cx_sip_st *st = arg;
	struct timeval tv;
	struct tm tm;
	char ts[32];
	size_t i;

	if (!st || !st->trace)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	(void)re_fprintf(st->trace, "----- %s.%03dZ %s %s %J -> %J (%zu bytes)\n", ts,
			 (int)(tv.tv_usec / 1000), tx ? "sent" : "received", sip_transp_name(tp),
			 src, dst, len);
	for (i = 0; i < len; i++) {
		uint8_t c = pkt[i];
		if (c == '\r' && i + 1 < len && pkt[i + 1] == '\n')
			continue;
		/* an SDES key (a=crypto ... inline:KEY) is the call's secret: masked */
		if (c == 'i' && len - i > 7 && !memcmp(pkt + i, "inline:", 7)) {
			fputs("inline:***", st->trace);
			for (i += 7; i < len && (isalnum(pkt[i]) || pkt[i] == '+' || pkt[i] == '/' ||
						 pkt[i] == '='); i++)
				;
			i--;
			continue;
		}
		if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f))
			fputc(c, st->trace);
		else
			fprintf(st->trace, "\\x%02x", c);
	}
	fputs(len && pkt[len - 1] == '\n' ? "\n" : "\n\n", st->trace);
	fflush(st->trace);
}

int cx_sip_trace(cx_engine *e, const char *path)
{
	cx_sip_st *st = cx_sip__st(e);
	int err;

	if (!st || !path)
		return 0;
	if (!(st->trace = cx_sip__trace_open(path))) {
		err = errno;
		cx_log(CX_LOG_ERR, NULL, "--sip-trace: cannot open '%H': %s", cx_rt_esc, path,
		       strerror(err));
		return err;
	}
	if ((err = str_dup(&st->trace_file, path)))
		return err;
	sip_set_trace_handler(st->sip, cx_sip__trace_h);
	cx_log(CX_LOG_NOTICE, NULL, "sip: every message is traced to %H", cx_rt_esc, path);
	return 0;
}

/* SIGHUP: the trace file reopened; the credentials file again, for the calls placed from now
 * on (registrations keep the credentials they started with until the program starts again). */
static void cx_sip_reload(cx_engine *e)
{
	cx_sip_st *st = cx_sip__st(e);
	cx_sipauth *a = NULL;

	if (st && st->trace_file) { /* after logrotate moved it away */
		FILE *f = cx_sip__trace_open(st->trace_file);
		if (f) {
			fclose(st->trace);
			st->trace = f;
		} else
			cx_log(CX_LOG_ERR, NULL, "--sip-trace: cannot reopen '%H': %s; keeping the "
			       "old one", cx_rt_esc, st->trace_file, strerror(errno));
	}
	if (!st || !st->creds_file)
		return;
	if (cx_sipauth_load(&a, st->creds_file)) {
		cx_log(CX_LOG_ERR, NULL, "sip: --sip-credentials %H not reloaded (error above); the "
		       "old credentials stay in force", cx_rt_esc, st->creds_file);
		return;
	}
	mem_deref(st->creds);
	st->creds = a;
	cx_log(CX_LOG_NOTICE, NULL, "sip: %zu credential(s) reloaded from %H", cx_sipauth_count(a),
	       cx_rt_esc, st->creds_file);
}

static void cx_sip_close_prov(cx_engine *e)
{
	e->provst = mem_deref(e->provst);
}

/* --sip 0.0.0.0:PORT (or [::]:PORT): libre 1.1.0 cannot bind a SIP transport to the
 * wildcard address, so one UDP and one TCP transport are bound per address of the interfaces
 * up at start (link-local IPv6 left out), the default route's source address first: libre
 * sends from the first one, so that one is in Via. */
typedef struct cx_sip__ifs {
	struct sa a[32];
	int n, af;
} cx_sip__ifs;

static bool cx_sip__if_h(const char *ifname, const struct sa *sa, void *arg)
{
	cx_sip__ifs *ifs = arg;
	int i;

	(void)ifname;
	if (sa_af(sa) != ifs->af || sa_is_linklocal(sa) || sa_is_any(sa) || ifs->n >= 32)
		return false;
	for (i = 0; i < ifs->n; i++)
		if (sa_cmp(&ifs->a[i], sa, SA_ADDR))
			return false;
	ifs->a[ifs->n++] = *sa;
	return false;
}

static void cx_sip__ifaddrs(const cx_sip_st *st, cx_sip__ifs *ifs)
{
	memset(ifs, 0, sizeof(*ifs));
	ifs->af = sa_af(&st->laddr);
	if (!net_default_source_addr_get(ifs->af, &ifs->a[0]) && !sa_is_any(&ifs->a[0]))
		ifs->n = 1;
	(void)net_if_apply(cx_sip__if_h, ifs);
}

/* The SIP UDP sockets' receive buffers, as large as net.core.rmem_max lets them be. With the
 * kernel's default (208 KB, ~90 INVITEs) a loop busy for 40 ms at 700 calls/s dropped
 * requests (bench/sip/run.sh: thousands of drops on the SIP port, every one a 500 ms
 * retransmission, which fed the overload); a larger buffer turns such a stall into latency. libre
 * keeps its transports' sockets to itself: they are the UDP sockets bound to the SIP port, found
 * among the process's descriptors once, before any call has an RTP socket. */
static void cx_sip__rcvbuf(uint16_t port)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd, want = SIP_RCVBUF, got = 0, ty;

	if (max < 0 || max > 4096)
		max = 4096;
	for (fd = 0; fd < max; fd++) {
		struct sockaddr_storage ss;
		socklen_t l = sizeof(ty), al = sizeof(ss);
		struct sa a;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &ty, &l) || ty != SOCK_DGRAM ||
		    getsockname(fd, (struct sockaddr *)&ss, &al) ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		sa_init(&a, ss.ss_family);
		memcpy(&a.u, &ss, al < sizeof(a.u) ? al : sizeof(a.u));
		if (sa_port(&a) != port)
			continue;
		l = sizeof(got);
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) ||
		    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &l))
			continue;
		if (got < want / 4) /* the kernel reports twice what it was allowed to set */
			cx_log(CX_LOG_DEBUG, NULL, "sip: the UDP receive buffer is %d KB (net.core."
			       "rmem_max limits it; %d KB absorb longer stalls under load)",
			       got / 1024, want / 1024);
	}
}

static int cx_sip__listen_all(cx_sip_st *st, const char *laddr)
{
	cx_sip__ifs ifs;
	int i, nb = 0, err = 0;

	cx_sip__ifaddrs(st, &ifs);
	for (i = 0; i < ifs.n; i++) {
		sa_set_port(&ifs.a[i], sa_port(&st->laddr));
		err = sip_transp_add(st->sip, SIP_TRANSP_UDP, &ifs.a[i]);
		if (!err)
			err = sip_transp_add(st->sip, SIP_TRANSP_TCP, &ifs.a[i]);
		if (err) {
			cx_log(CX_LOG_ERR, NULL, "sip: cannot listen on %J: %s", &ifs.a[i],
			       strerror(err));
			continue;
		}
		(void)cx_siptcp_listen(st->tcpc, &ifs.a[i], 0);
		cx_log(CX_LOG_INFO, NULL, "sip: %s: listening on %J", laddr, &ifs.a[i]);
		nb++;
	}
	return nb ? 0 : err ? err : EADDRNOTAVAIL;
}

int cx_sip_setup(cx_engine *e, const char *laddr, const char *gateway, const char *transport)
{
	struct sa nsv[4], la;
	uint32_t nsn = 4;
	char dom[64] = "";
	cx_sip_st *st;
	int err;

	if (!laddr || sa_decode(&la, laddr, strlen(laddr)) || !sa_port(&la)) {
		cx_log(CX_LOG_ERR, NULL, "--sip needs ADDR:PORT with a numeric address (e.g. "
		       "127.0.0.1:5060), not '%s'", laddr ? laddr : "");
		return EINVAL;
	}
	if (transport && strcasecmp(transport, "udp") && strcasecmp(transport, "tcp")) {
		cx_log(CX_LOG_ERR, NULL, "--transport is udp or tcp, not '%s'", transport);
		return EINVAL;
	}
	if (gateway) {
		struct sa g;
		if (!*gateway || strchr(gateway, '@') || strchr(gateway, '<') || strchr(gateway, ' ') ||
		    (strchr(gateway, ':') && sa_decode(&g, gateway, strlen(gateway)))) {
			cx_log(CX_LOG_ERR, NULL, "--gateway needs HOST or HOST:PORT, not '%s'",
			       gateway);
			return EINVAL;
		}
	}
	st = mem_zalloc(sizeof(*st), cx_sip_st__destroy);
	if (!st)
		return ENOMEM;
	st->e = e;
	st->laddr = la;
	st->rtp_tmo_ms = SIP_RTP_TMO * 1000;
	st->tcp = transport && !strcasecmp(transport, "tcp");
	if ((err = cx_mp_alloc(&st->mp, e, cx_sip__leg)))
		goto out;
	if (gateway && (err = str_dup(&st->gateway, gateway)))
		goto out;
	/* a resolver for host names in destinations; IP literals never use it. Made without a name
	 * server too: --dns-server may give one (cx_sip_dns) */
	if (dns_srv_get(dom, sizeof(dom), nsv, &nsn))
		nsn = 0;
	(void)dnsc_alloc(&st->dnsc, NULL, nsv, nsn);
	/* hash sizes: a final error response keeps its server transaction 32 s (for the ACK), so a
	 * burst of refused INVITEs leaves thousands of them; short chains keep lookups cheap */
	err = sip_alloc(&st->sip, st->dnsc, 256, 1024, 64, "ccxmlc/0.1", NULL, st); /* st: the
		* argument of the trace handler (cx_sip_trace) */
	if (!err) /* before the listeners: no connection is taken unbounded */
		err = cx_siptcp_alloc(&st->tcpc, e);
	if (!err && sa_is_any(&la))
		err = cx_sip__listen_all(st, laddr);
	else if (!err)
		err = sip_transp_add(st->sip, SIP_TRANSP_UDP, &la);
	if (!err && !sa_is_any(&la))
		err = sip_transp_add(st->sip, SIP_TRANSP_TCP, &la);
	if (!err && !sa_is_any(&la))
		err = cx_siptcp_listen(st->tcpc, &la, 0);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "cannot listen for SIP on %s: %s", laddr, strerror(err));
		goto out;
	}
	cx_sip__rcvbuf(sa_port(&la));
	err = sip_listen(&st->reqlsnr, st->sip, true, cx_sip__require_h, st); /* before sipsess's */
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "SIP Require listener: %s", strerror(err));
		goto out;
	}
	err = sipsess_listen(&st->sock, st->sip, 256, cx_sip__conn_h, st);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "SIP sessions: %s", strerror(err));
		goto out;
	}
	err = sip_listen(&st->updlsnr, st->sip, true, cx_sip__update_h, st);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "SIP UPDATE listener: %s", strerror(err));
		goto out;
	}
	/* NOTIFYs for our REFERs (sipsess leaves NOTIFY alone); without it no transfers */
	if (sipevent_listen(&st->evsock, st->sip, 32, 32, NULL, NULL))
		cx_log(CX_LOG_INFO, NULL, "sip: no event socket: <redirect> of connected calls "
		       "fails");
	/* last: what no listener above took */
	err = sip_listen(&st->otherlsnr, st->sip, true, cx_sip__other_h, st);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "SIP listener: %s", strerror(err));
		goto out;
	}
	e->prov = &cx_sip_prov;
	e->provst = st;
	cx_log(CX_LOG_INFO, NULL, "SIP on %J (udp, tcp)%s%s", &la, st->gateway ? ", gateway " : "",
	       st->gateway ? st->gateway : "");
 out:
	if (err)
		mem_deref(st);
	return err;
}

/* --dns-server ADDR[:PORT] (docs/sip.md "TLS"): the name server asked instead of those of
 * /etc/resolv.conf, by libre's SIP stack and by our own resolution of TLS next hops. */
int cx_sip_dns(cx_engine *e, const char *server)
{
	cx_sip_st *st = cx_sip__st(e);
	struct sa ns;

	if (!st || !server)
		return 0;
	if (sa_decode(&ns, server, strlen(server)) && sa_set_str(&ns, server, 53)) {
		cx_log(CX_LOG_ERR, NULL, "--dns-server needs an IP address, with :PORT or not "
		       "(e.g. 127.0.0.1:5353 or [::1]:53), not '%s'", server);
		return EINVAL;
	}
	if (!sa_port(&ns))
		sa_set_port(&ns, 53);
	if (!st->dnsc) {
		cx_log(CX_LOG_ERR, NULL, "--dns-server %s: no resolver could be made", server);
		return ENOMEM;
	}
	(void)dnsc_srv_set(st->dnsc, &ns, 1);
	cx_log(CX_LOG_INFO, NULL, "sip: name server %J (--dns-server)", &ns);
	return 0;
}

/* --sip-tls-cert (docs/sip.md "TLS"): one PEM file with our certificate and its private key;
 * TLS listens next to UDP/TCP on the --sip port + 1 (5061 for 5060), on every address when
 * --sip is the wildcard one. The far ends we call are checked (siptls.c) unless noverify. */
int cx_sip_tls(cx_engine *e, const char *certfile, const char *ca, int noverify)
{
	cx_sip_st *st = cx_sip__st(e);
	cx_sip__ifs ifs;
	struct sa a;
	int i, nb = 0, err;

	if (!certfile && (ca || noverify)) {
		cx_log(CX_LOG_ERR, NULL, "--sip-tls-ca and --sip-tls-no-verify need --sip-tls-cert");
		return EINVAL;
	}
	if (ca && noverify) {
		cx_log(CX_LOG_ERR, NULL, "--sip-tls-ca and --sip-tls-no-verify contradict each other: "
		       "give one");
		return EINVAL;
	}
	if (!st || !certfile)
		return 0;
	if (sa_port(&st->laddr) == 65535) {
		cx_log(CX_LOG_ERR, NULL, "--sip-tls-cert: TLS listens on the --sip port + 1, and "
		       "%u has none", sa_port(&st->laddr));
		return EINVAL;
	}
	err = tls_alloc(&st->tls, TLS_METHOD_SSLV23, certfile, NULL);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "--sip-tls-cert %H: cannot read a PEM certificate and its "
		       "private key from it (%s)", cx_rt_esc, certfile, strerror(err));
		return EINVAL;
	}
	if (noverify)
		cx_log(CX_LOG_WARN, NULL, "--sip-tls-no-verify: the certificates of the far ends "
		       "we call over TLS are not checked; anyone on the path can pose as them, read "
		       "and change the calls (for labs only)");
	else if ((err = cx_siptls_alloc(&st->vt, st->tls, ca)))
		return err;
	st->tlsport = sa_port(&st->laddr) + 1;
	if (!sa_is_any(&st->laddr)) {
		ifs.n = 1;
		ifs.a[0] = st->laddr;
	}
	else
		cx_sip__ifaddrs(st, &ifs);
	for (i = 0; i < ifs.n; i++) {
		a = ifs.a[i];
		sa_set_port(&a, st->tlsport);
		err = sip_transp_add(st->sip, SIP_TRANSP_TLS, &a, st->tls);
		if (err) {
			cx_log(CX_LOG_ERR, NULL, "sip: cannot listen for TLS on %J: %s", &a,
			       strerror(err));
			continue;
		}
		(void)cx_siptcp_listen(st->tcpc, &a, 1);
		cx_log(CX_LOG_INFO, NULL, "sip: TLS on %J", &a);
		nb++;
	}
	return nb ? 0 : err ? err : EADDRNOTAVAIL;
}

/* --sip-proxy: sip:HOST[:PORT][;transport=…] or HOST[:PORT], kept without ;lr (libre adds it) */
static int cx_sip__proxy(cx_sip_st *st, const char *proxy)
{
	struct uri u;
	struct pl pl;
	char *lr;
	int err;

	if (strpbrk(proxy, " <>\"\r\n@"))
		return EINVAL;
	if (strncasecmp(proxy, "sip:", 4))
		err = re_sdprintf(&st->proxy, "sip:%s%s", proxy, st->tcp ? ";transport=tcp" : "");
	else
		err = str_dup(&st->proxy, proxy);
	if (err)
		return err;
	lr = strstr(st->proxy, ";lr");
	if (lr && (!lr[3] || lr[3] == ';'))
		memmove(lr, lr + 3, strlen(lr + 3) + 1);
	pl_set_str(&pl, st->proxy);
	if (uri_decode(&u, &pl) || !pl_isset(&u.host))
		return EINVAL;
	return 0;
}

int cx_sip_trunk(cx_engine *e, const char *proxy, const char *public_addr, const char *creds_file,
		 const char *const *regs, int nregs)
{
	cx_sip_st *st = cx_sip__st(e);
	cx_sipreg_cfg rc;
	int i, err;

	if (!st)
		return ENOSYS;
	if (public_addr && (sa_set_str(&st->pub, public_addr, 0) || sa_is_any(&st->pub))) {
		cx_log(CX_LOG_ERR, NULL, "--public-addr needs an IP address (e.g. 203.0.113.7), "
		       "not '%s'", public_addr);
		return EINVAL;
	}
	if (proxy && cx_sip__proxy(st, proxy)) {
		cx_log(CX_LOG_ERR, NULL, "--sip-proxy needs sip:HOST[:PORT][;transport=tcp] or "
		       "HOST[:PORT], not '%s'", proxy);
		return EINVAL;
	}
	if (creds_file) {
		err = cx_sipauth_load(&st->creds, creds_file);
		if (!err)
			err = str_dup(&st->creds_file, creds_file);
		if (err)
			return err;
		cx_log(CX_LOG_INFO, NULL, "sip: %zu credential(s) from %s",
		       cx_sipauth_count(st->creds), creds_file);
	}
	if (nregs > SIP_MAXREG) {
		cx_log(CX_LOG_ERR, NULL, "--register is given %d times (at most %d)", nregs,
		       SIP_MAXREG);
		return EINVAL;
	}
	memset(&rc, 0, sizeof(rc));
	rc.sip = st->sip;
	rc.creds = st->creds;
	rc.proxy = st->proxy;
	rc.pub = &st->pub;
	rc.tcp = st->tcp;
	for (i = 0; i < nregs; i++) {
		err = cx_sipreg_start(&st->regs[st->nregs], &rc, regs[i]);
		if (err)
			return err;
		st->nregs++;
	}
	if (proxy || public_addr)
		cx_log(CX_LOG_INFO, NULL, "sip: %s%s%s%s", st->proxy ? "outbound proxy " : "",
		       st->proxy ? st->proxy : "",
		       public_addr ? (st->proxy ? ", public address " : "public address ") : "",
		       public_addr ? public_addr : "");
	return 0;
}

uint32_t cx_sip_unregister(cx_engine *e)
{
	cx_sip_st *st = cx_sip__st(e);
	uint32_t n = 0;
	int i;

	for (i = 0; st && i < st->nregs; i++)
		n += (uint32_t)cx_sipreg_stop(st->regs[i]);
	return n;
}

int cx_sip_srtp(cx_engine *e, int mode)
{
	cx_sip_st *st = cx_sip__st(e);

	if (!st)
		return ENOSYS;
	if (mode < CX_SRTP_OFF || mode > CX_SRTP_REQUIRE)
		return EINVAL;
	st->srtp = mode;
	return 0;
}

int cx_sip_media(cx_engine *e, int latch, int rtcp, int thread)
{
	cx_sip_st *st = cx_sip__st(e);

	if (!st)
		return ENOSYS;
	if ((latch != CX_RTP_LATCH_NAT && latch != CX_RTP_LATCH_OFF) ||
	    (rtcp != CX_RTCP_ON && rtcp != CX_RTCP_OFF) ||
	    (thread != CX_MEDIA_THREAD_AUTO && thread != CX_MEDIA_THREAD_ON &&
	     thread != CX_MEDIA_THREAD_OFF))
		return EINVAL;
	st->latch_off = latch == CX_RTP_LATCH_OFF;
	st->rtcp_off = rtcp == CX_RTCP_OFF;
	if (thread == CX_MEDIA_THREAD_AUTO) /* a second CPU for the sends, or none */
		thread = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? CX_MEDIA_THREAD_ON : CX_MEDIA_THREAD_OFF;
	cx_mp_sender(st->mp, thread == CX_MEDIA_THREAD_ON);
	return 0;
}

int cx_sip_limits(cx_engine *e, uint32_t rtp_timeout_s, uint32_t max_call_s)
{
	cx_sip_st *st = cx_sip__st(e);

	if (!st)
		return ENOSYS;
	if (rtp_timeout_s == UINT32_MAX)
		rtp_timeout_s = 0; /* never */
	else if (!rtp_timeout_s)
		rtp_timeout_s = SIP_RTP_TMO;
	if (rtp_timeout_s > 86400 || max_call_s > 86400) {
		cx_log(CX_LOG_ERR, NULL, "--rtp-timeout and --max-call-duration are at most "
		       "86400 s");
		return EINVAL;
	}
	st->rtp_tmo_ms = rtp_timeout_s * 1000;
	st->max_call_ms = max_call_s * 1000;
	return 0;
}

int cx_sip_conn_limits(cx_engine *e, uint32_t max, uint32_t per_addr, uint32_t idle_s)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? cx_siptcp_limits(st->tcpc, max, per_addr, idle_s) : ENOSYS;
}

uint32_t cx_sip_tcp_conns(cx_engine *e)
{
	cx_sip_st *st = cx_sip__st(e);

	return st ? cx_siptcp_count(st->tcpc) : 0;
}

const cx_prov cx_sip_prov = {
	.name = "sip",
	.version = "2.0",
	.createcall = cx_sip_createcall,
	.accept = cx_sip_accept,
	.reject = cx_sip_reject,
	.redirect = cx_sip_redirect,
	.disconnect = cx_sip_disconnect,
	.merge = cx_sip_merge,
	.join = cx_sip_join,
	.unjoin = cx_sip_unjoin,
	.createconference = cx_sip_createconference,
	.destroyconference = cx_sip_destroyconference,
	.dialogstart = cx_sip_dialogstart,
	.dialogterminate = cx_sip_dialogterminate,
	.conn_release = cx_sip_conn_release,
	.dlg_release = cx_sip_dlg_release,
	.pending = cx_sip_pending,
	.close = cx_sip_close_prov,
	.reload = cx_sip_reload,
	.conn_stats = cx_sip_conn_stats,
	.cdr_defer = cx_sip_cdr_defer,
};

/* Section - SIP responses as CCXML reasons */

const char *cx_rt_sipreason(int code)
{
	if (code == 404 || code == 484 || code == 500)
		return "badnumber";
	if (code == 403 || (code >= 501 && code <= 599))
		return "unreachable";
	if (code == 480 || code == 486 || code == 603)
		return "busy";
	if (code == 408)
		return "timeout";
	return "unknown";
}
