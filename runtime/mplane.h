/*
 * mplane.h — the media plane of the SIP provider (mplane.c; docs/sip.md): what happens to
 * audio once signalling (sip.c) has set a call up.
 *
 *  - a leg per call: its RTP socket and receive path (RFC 4733 and in-band DTMF reported as
 *    connection.signal, answering-machine detection, the recording feed, the relay's buffer);
 *  - one 20 ms media clock per provider that mixes joins and conferences and paces prompts;
 *  - audio dialogs (prompts, recordings) on a call or a conference, and the audio of VoiceXML
 *    dialogs (vxml.c runs them).
 *
 * sip.c owns the calls and their SDP: a cx_sip_call embeds its cx_mp_leg, initialises it with
 * cx_mp_leg_init, opens its RTP port with cx_mp_leg_listen, fills pt/tept/sdpm from the SDP
 * offer/answer, sets estab when the call is answered and calls cx_mp_leg_stop when it is over
 * for the network, cx_mp_leg_end after the connection's last event (its dialogs end), and
 * cx_mp_leg_free from its destructor. The provider's media operations (join, conferences,
 * dialogs) are forwarded to the cx_mp_… functions below. Everything runs on the libre loop.
 */
#ifndef CX_MPLANE_H
#define CX_MPLANE_H

#include "prov.h"

#define CX_MP_PTIME 20                /* ms of audio per RTP packet */
#define CX_MP_SAMPLES 160             /* 20 ms at 8 kHz */
#define CX_MP_TEPT 101                /* our telephone-event payload type */
#define CX_MP_JB 1600                 /* receive buffer: 200 ms of 8 kHz samples per leg */
#define CX_MP_SRTP_SSRCS 1024         /* SSRCs of the far end an SRTP key remembers (replay
				       * state, RFC 3711 3.3.2); a new one past them is refused */
#define CX_MP_LATE 60                 /* ms: a prompt's packet due longer ago is skipped, not
				       * sent late (a receiver's jitter buffer would drop it) */

typedef struct cx_mp cx_mp;
typedef struct cx_mp_leg cx_mp_leg;
typedef struct cx_mp_play cx_mp_play;
typedef struct cx_mp_srtprx cx_mp_srtprx;

/* What a receiver report block says of the far end's stream (RFC 3550 6.4.1, A.1, A.3,
 * A.8), kept by mplane.c on every packet of its current SSRC. */
typedef struct cx_mp_rxstat {
	uint32_t cycles;              /* sequence number wraps, shifted left 16 */
	uint16_t base, max;           /* first and highest sequence number (of this cycle) */
	uint32_t received;            /* packets */
	uint32_t expected_prior, received_prior; /* at our last report (its fraction lost) */
	uint32_t transit;             /* the last packet's arrival - its timestamp, RTP units */
	uint32_t jitter;              /* interarrival jitter, RTP units, shifted left 4 */
	int seen, tseen;              /* a packet counted; a transit known (audio only) */
} cx_mp_rxstat;

/* A tone of <join> (entertone/exittone) playing over what a call or a conference hears. */
typedef struct cx_mp_tone {
	int16_t *pcm;                 /* mem (a reference), NULL: none */
	size_t n, pos;
} cx_mp_tone;

/* The leg of connection c's call, or NULL. any = 0: only a call still up (its SIP session
 * exists and is not over); any = 1: whatever call c has. */
typedef cx_mp_leg *(cx_mp_leg_h)(cx_conn *c, int any);

struct cx_mp_leg {
	struct le le;                 /* in the plane's legs */
	cx_mp *mp;                    /* NULL once the plane is gone */
	cx_conn *c;                   /* weak: the call's connection */
	const char *callid;           /* the call's SIP Call-ID ("" before it is known) */
	struct rtp_sock *rtp;
	struct sdp_media *sdpm;       /* weak: the call's SDP media (the far end's address) */
	/* --rtp-latch nat (docs/sip.md "Behind a NAT"): set by sip.c; sigsrc is where the call's
	 * SIP messages come from; lto the far end's RTP source we send to instead of lsdp, its
	 * SDP address when that latch was made (a new SDP address ends it) */
	int latch;
	struct sa sigsrc, lto, lsdp;
	int rtcp;                     /* --rtcp on: set by sip.c before cx_mp_leg_listen */
	/* RTCP (RFC 3550; SRTCP on an SRTP call: docs/sip.md "RTCP"), ours (mplane.c "RTCP"): rtcp_to,
	 * the far end's RTCP source latched as lto is (rtcp_lsdp its SDP address then) */
	struct sa rtcp_to, rtcp_lsdp;
	struct sa rtcp_peer;          /* where our reports go now (unset: paused) */
	int rtcp_set;                 /* cx_mp_leg_rtcp has set rtcp_peer */
	int mux;                      /* rtcp-mux (RFC 5761): RTCP on the RTP port (cx_mp_leg_mux) */
	uint64_t rtcp_next;           /* jiffies our next report is due (0: none: paused, off) */
	uint64_t rtcp_ptx[2];         /* ptx at our last two reports: a sender since (RFC 3550 6.4) */
	uint32_t far_lsr;             /* the middle 32 bits of the far end's last SR's NTP time */
	uint64_t far_lsr_us;          /* when it came (cx_met_now_us; 0: none yet) */
	cx_mp_rxstat rs;              /* the far end's stream as a report block tells it */
	uint32_t rx_ssrc;             /* the SSRC of the far end's last RTP packet */
	int rx_ssrc_seen;
	cx_rtp_quality q;             /* the far end's reports as they come (far, far_*, rtt_us,
				       * rtcp_rx); ok, lost, jitter_us when its port closes */
	int pt;                       /* negotiated G.711 payload type, -1 before the answer */
	int tept;                     /* the far end's telephone-event pt, -1 if none */
	int estab;                    /* set by sip.c: the call is answered */
	int closed;                   /* set by sip.c (and cx_mp_leg_stop): the call is over */
	int bridged;                  /* cx_mp_bridge: out of its session, heard only by its pair */
	uint64_t rtp_last;            /* jiffies of the last RTP packet from the far end */
	uint32_t tsbase;              /* RTP clock: tsbase + 8 * (ms since t0) */
	uint64_t t0;
	uint32_t dtmf_ts;             /* RTP timestamp of the last DTMF event reported */
	int dtmf_seen;
	cx_dtmf *dtmf;                /* in-band detector (dtmf.c), from the first audio packet */
	cx_amd *amd;                  /* answering-machine detection (amd.c) while it runs */
	cx_rec *rec;                  /* recording of the far end's audio (record.c; weak: its
				       * dialog owns it, and clears this when it ends) */
	cx_mp_play *play;             /* the audio dialog playing now (weak) */
	/* the relay (joins): received audio decoded to PCM, taken 160 samples per mixer frame */
	int16_t jb[CX_MP_JB];
	uint32_t jr, jn;              /* read index, samples buffered */
	int jprimed;
	int16_t in[CX_MP_SAMPLES];    /* this frame's audio from the far end (as received: each
				       * join applies its own gain, cx_mp_edge) */
	uint32_t mts;                 /* RTP timestamp of the last relayed packet */
	uint64_t mlast;               /* mixer frame of the last relayed packet (+1; 0: none) */
	/* <join> options (docs/sip.md "Join options"): DTMF clamp and regeneration, tones (the
	 * gains are the joins', mplane.c cx_mp_edge) */
	uint64_t dmute;               /* jiffies until which its audio is DTMF: silence to a
				       * clamped join */
	/* the last key reported and the way it came (cx_mp__dpaired): a press sent two ways
	 * (INFO and RFC 4733) is reported once */
	char dkey;
	uint8_t dway, dpaired;
	uint64_t dtime;
	int dgen;                     /* RFC 4733 digit 1..16 regenerated in its audio (0: none) */
	uint64_t dgenend;             /* jiffies when the regenerated digit stops */
	uint32_t dgenk;               /* sample counter of the regenerated tone */
	uint32_t dgents;              /* RTP timestamp of the event regenerated */
	int16_t dtone[CX_MP_SAMPLES]; /* this frame's part of the regenerated digit (while dgen) */
	cx_mp_tone tone;              /* a join's tone played to this call */
	/* for the call record and the metrics */
	uint64_t ptx, prx, btx, brx;  /* RTP packets and payload bytes sent and received */
	uint16_t rxseq;               /* highest RTP sequence number received */
	int rxseen;
	/* SRTP (RFC 3711; keys from the SDP's a=crypto, sip.c): the contexts of what we send and
	 * of what the far end sends, NULL on a plain RTP call. A helper on the RTP socket
	 * encrypts every packet sent (libre's) and authenticates every one received (ours,
	 * cx_mp_srtprx) before the plane sees it (cx_mp_leg_srtp). */
	struct srtp *stx;
	cx_mp_srtprx *srx;
	uint64_t srtp_bad;            /* received packets dropped (cx_mp_srtprx_open's errors) */
	int srtp_full;                /* a new SSRC was refused past CX_MP_SRTP_SSRCS: logged once */
	int txfd, txaf;               /* the send thread's dup of the RTP socket (+1; 0: none),
				       * for destinations of address family txaf (cx_mp_sender) */
};

/* The plane of engine e (a libre mem object; freeing it stops the clock and unhooks the legs
 * and conferences that outlive it). legh finds a connection's leg. */
int cx_mp_alloc(cx_mp **mpp, cx_engine *e, cx_mp_leg_h *legh);
/* on: the media clock's RTP packets are sent by a thread of their own (txq.c), the libre loop
 * only makes them (docs/sip.md "The media send thread"); off: by the loop. Off at first. */
void cx_mp_sender(cx_mp *mp, int on);

/* A leg (zeroed, embedded in its call) joins the plane; callid is the call's Call-ID buffer. */
void cx_mp_leg_init(cx_mp *mp, cx_mp_leg *leg, cx_conn *c, const char *callid);
/* An RTP port (16384-32766) on laddr's IP (its port is ignored); starts the RTP clock. */
int cx_mp_leg_listen(cx_mp_leg *leg, const struct sa *laddr);
/* SRTP on the leg (after cx_mp_leg_listen): suite with our master key and salt txkey and
 * the far end's rxkey (klen bytes each). Called again (a re-INVITE's keys) it replaces the
 * contexts of the keys given, a NULL key keeps its context. 0 or an errno. */
int cx_mp_leg_srtp(cx_mp_leg *leg, enum srtp_suite suite, const uint8_t *txkey,
		   const uint8_t *rxkey, size_t klen);
/* SRTP's receiving side (RFC 3711; docs/decisions.md "SRTP's receiving side is ours"): the
 * far end's master key and salt key (klen bytes) for an AES-CM suite with HMAC-SHA1 (a libre
 * mem object; ENOTSUP: GCM). open authenticates the packet at mb->pos (to mb->end), checks it
 * is no replay and decrypts it in place, leaving mb->pos at its RTP header and mb->end before
 * its tag: 0, else an errno (EAUTH: a wrong tag, ETIMEDOUT: an index before its SSRC's start,
 * EALREADY: a replay, EBADMSG: not RTP, ENOSPC: a new SSRC past CX_MP_SRTP_SSRCS) and nothing
 * of the packet is kept. */
int cx_mp_srtprx_alloc(cx_mp_srtprx **rxp, enum srtp_suite suite, const uint8_t *key,
		       size_t klen);
int cx_mp_srtprx_open(cx_mp_srtprx *rx, struct mbuf *mb);
/* The same for an SRTCP packet (RFC 3711 3.4, the keys of labels 3-5): 0, leaving mb->end
 * before its index, else EBADMSG, EAUTH or EALREADY, and nothing of it kept. */
int cx_mp_srtprx_open_rtcp(cx_mp_srtprx *rx, struct mbuf *mb);
/* Answering-machine detection when hints ask for it (docs/sip.md): 1 when it runs (it then
 * reports connection.connected with its result), else 0. */
int cx_mp_leg_amd(cx_mp_leg *leg, const cx_cval *hints);
/* The leg carries audio: answered, not over, a codec and an RTP socket. */
int cx_mp_live(const cx_mp_leg *leg);
/* The call is over: the leg leaves its joins, its recording ends (dialog.exit), a running
 * AMD gives 'unknown' (connection.connected), its RTP port goes. */
void cx_mp_leg_stop(cx_mp_leg *leg);
/* After the connection's last event: the dialogs playing on the call end (dialog.exit). */
void cx_mp_leg_end(cx_mp_leg *leg);
/* The far end's SDP lets us send it audio now (not held, not c=0.0.0.0, not an address
 * cx_mp_leg_bad_dst refuses): mplane.c. */
bool cx_mp_leg_may_send(const cx_mp_leg *leg);
/* Why the call's media must not go to a (its far end's SDP address), or NULL: a multicast or
 * broadcast address (224.0.0.0/4, 255.255.255.255, ff00::/8: every host of a network), or a
 * loopback address while the call's SIP comes from another host (this host's own services).
 * A new call's offer naming one is refused (sip.c); nothing is sent there (cx_mp_leg_may_send,
 * RTCP). docs/sip.md "Media addresses". */
const char *cx_mp_leg_bad_dst(const cx_mp_leg *leg, const struct sa *a);
/* RTCP follows the far end's SDP (sip.c, after each offer/answer of an established call):
 * reports to its RTCP address (a=rtcp, else RTP + 1), none while its address is 0.0.0.0;
 * SRTCP on an SRTP call. */
void cx_mp_leg_rtcp(cx_mp_leg *leg);
/* RFC 5761 rtcp-mux negotiated (on) or not: RTCP both ways on the RTP port. */
void cx_mp_leg_mux(cx_mp_leg *leg, bool on);
/* A key the far end sent in a SIP INFO (sip.c): connection.signal with info.method 'info'
 * (dur_ms -1 when not given), and for the joins as an RFC 4733 key. */
void cx_mp_leg_info_key(cx_mp_leg *leg, char key, int dur_ms);
/* From the call's destructor: everything of the leg goes, without events. */
void cx_mp_leg_free(cx_mp_leg *leg);

/* <merge>: a and b (both live) hear each other only, whatever they heard before; their DTMF
 * is no longer reported and they cannot be joined. 0, or an errno (EPROTO: nothing changed;
 * ENOMEM: their earlier joins may be gone). */
int cx_mp_bridge(cx_mp_leg *a, cx_mp_leg *b);

/* A prompt's pacing: packet k is due at t0 + 20k ms; sent packets have gone out of total. At
 * time now, *skip packets are to be skipped (due more than CX_MP_LATE ms ago: after a stall of
 * the program, never a burst of stale audio) and the return value sent, all in ms of
 * tmr_jiffies (CLOCK_MONOTONIC). */
uint32_t cx_mp_pace(uint64_t t0, uint32_t sent, uint32_t total, uint64_t now, uint32_t *skip);

/* Provider operations (prov.h) on the plane. */
int cx_mp_join(cx_mp *mp, cx_sess *s, const char *id1, const char *id2, int full,
	       const cx_joinopt *o);
int cx_mp_unjoin(cx_mp *mp, cx_sess *s, const char *id1, const char *id2);
int cx_mp_conf_create(cx_mp *mp, cx_conf *f);
int cx_mp_conf_destroy(cx_conf *f);
int cx_mp_dialogstart(cx_mp *mp, cx_dlg *d);
int cx_mp_dialogterminate(cx_dlg *d);

#endif
