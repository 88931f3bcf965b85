/*
 * mplane.c — the SIP provider's media plane (mplane.h; docs/sip.md): RTP legs and their
 * receive path (DTMF, AMD and recording feeds, the relay's buffer), the media clock with the
 * mixer of joins and conferences, the prompt player, and the audio of VoiceXML dialogs.
 *
 * Ownership: a leg is embedded in its call (sip.c), a cx_mp_conf is its conference's pd, a
 * cx_mp_play is its dialog's pd. They point at each other weakly and unhook in their
 * destructors; the plane (cx_mp) is the provider's and may go first.
 */
#include <math.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <re.h>
#include <rem.h>
#include "mplane.h"
#include "txq.h"

#define CX_MP__CATCHUP 10             /* mixer frames made at most per clock tick when late */
#define CX_MP__JB_START 320           /* the relay starts (and restarts) at 40 ms buffered */
#define CX_MP__DMUTE 60               /* ms a call's audio counts as DTMF after an RFC 4733 packet */
#define CX_MP__DMUTE_INBAND 250       /* ms after a digit heard in its audio (the tone's rest) */
#define CX_MP__AGC_TARGET 2500.f      /* automatic gain: mean absolute level aimed at (-22 dBFS) */
#define CX_MP__AGC_FLOOR 200.f        /* below it (silence, noise) the gain does not move */

typedef struct cx_mp_conf cx_mp_conf;

struct cx_mp {
	cx_engine *e;
	cx_mp_leg_h *legh;            /* a connection's leg (sip.c) */
	struct list legs;             /* cx_mp_leg (weak: the calls own them) */
	struct list confs;            /* cx_mp_conf */
	struct list edges;            /* cx_mp_edge: who hears whom (joins) */
	struct tmr rtcptmr;           /* the RTCP clock, running while a leg sends reports */
	struct tmr mixtmr;            /* the 20 ms media clock, running while joins or plays exist:
				       * one timer for every call's prompt and the mixer */
	struct list plays;            /* cx_mp_play to legs (weak), sent on that clock */
	uint64_t mixt0, mixn;         /* frame k is due at mixt0 + 20k ms */
	struct mbuf *txmb;            /* one packet, reused by every send (rtp_send is synchronous) */
	uint64_t skipped;             /* packets skipped after stalls, not logged yet */
	uint64_t skiplog;             /* jiffies of the last log of them */
	/* the send thread (cx_mp_sender, txq.c): started at the first packet it is to send */
	int sender;
	int intick;                   /* in the media clock's tick: the queue goes at its end */
	cx_txq *txq;
	uint64_t txerrs;              /* its failed sends, not logged yet */
	int txerr;                    /* the last one's errno */
	uint64_t txerrlog;            /* jiffies of the last log of them */
};

/* A conference's mixer: the sum of its talkers' frames, plus a prompt played into it. */
struct cx_mp_conf {
	struct le le;                 /* in mp->confs */
	cx_mp *mp;                    /* NULL once the plane is gone */
	cx_conf *f;                   /* owner (weak: the cx_mp_conf is f->pd) */
	int32_t sum[CX_MP_SAMPLES];
	cx_mp_play *play;             /* weak */
	cx_rec *rec;                  /* recording of the mix (record.c; weak, as a leg's) */
	cx_mp_tone tone;              /* a join's entertone/exittone into the mix */
};

/* dst hears src. A node is a leg or a conference (kind 'c' or 'f'). The options are the join's
 * (docs/sip.md "Join options"): two calls joined to a third may have different ones, and each
 * direction of a join keeps its own gains. */
typedef struct cx_mp_edge {
	struct le le;
	void *dst, *src;
	char dk, sk;
	int clamp;                    /* <join dtmfclamp>: dst does not hear src's DTMF */
	int agcin;                    /* <join autoinputgain>, src a call: automatic gain of what
				       * src gives this join */
	int agcout;                   /* <join autooutputgain>, dst a call: of what dst hears
				       * through it */
	float gin, gout;              /* their gains now (1 at the start) */
	int16_t fr[CX_MP_SAMPLES];    /* src a call: what it gives the join this frame (its audio
				       * after agcin and a regenerated digit; silence if clamped) */
	int16_t *xpcm;                /* <join exittone>, played when the join ends (mem) */
	size_t xn;
} cx_mp_edge;

struct cx_mp_play {
	cx_mp_leg *leg;               /* weak; NULL once the call is gone */
	cx_mp_conf *conf;             /* or the conference it plays into (weak) */
	cx_dlg *d;                    /* weak: the play is d->pd (NULL: a VoiceXML prompt) */
	int16_t *pcm;
	size_t n;
	uint32_t npkt;                /* packets sent */
	uint64_t t0;                  /* when packet 0 was due (a frame of the media clock) */
	uint32_t ts0;
	int resync;                   /* packets were skipped: the next one has the marker bit */
	struct le le;                 /* in mp->plays while it plays to a leg */
};

static void cx_mp_play__stop(cx_mp_play *p);
static void cx_mp_play__all(cx_mp *mp, uint64_t now);
static void cx_mp__vx_dtmf(cx_mp_leg *leg, const char *dig);
static void cx_mp__vx_end(cx_mp_leg *leg);
static void cx_mp__rtcp_send(cx_mp_leg *leg, bool bye);
static int32_t cx_mp__rx_lost(const cx_mp_rxstat *r);
static void cx_mp_mix__drop(cx_mp *mp, const void *node);
static void cx_mp_mix__put(cx_mp_leg *leg, const struct rtp_header *hdr, struct mbuf *mb);
static int cx_mp__vx_start(cx_mp *mp, cx_dlg *d, const cx_vx_doc *doc);
static void cx_mp_mix__start(cx_mp *mp);
static void cx_mp__g711_init(void);

/* Section - The plane and its legs */

/* The leg's descriptor for the send thread is closed after the packets queued on it. */
static void cx_mp__txfd_close(cx_mp_leg *leg)
{
	if (!leg->txfd)
		return;
	cx_txq_close(leg->mp ? leg->mp->txq : NULL, leg->txfd - 1);
	leg->txfd = 0;
}

static void cx_mp__destroy(void *arg)
{
	cx_mp *mp = arg;
	struct le *le;

	tmr_cancel(&mp->mixtmr);
	tmr_cancel(&mp->rtcptmr);
	mp->txmb = mem_deref(mp->txmb);
	/* what is queued is sent; the legs' descriptors are closed by their calls (cx_mp__txfd_close,
	 * at once without the plane) */
	cx_txq_free(mp->txq);
	mp->txq = NULL;
	list_flush(&mp->edges);
	while ((le = list_head(&mp->plays))) /* the plays belong to their dialogs */
		list_unlink(le);
	while ((le = list_head(&mp->legs))) { /* the legs to their calls */
		((cx_mp_leg *)le->data)->mp = NULL;
		list_unlink(le);
	}
	while ((le = list_head(&mp->confs))) { /* the mixers to their conferences */
		((cx_mp_conf *)le->data)->mp = NULL;
		list_unlink(le);
	}
}

int cx_mp_alloc(cx_mp **mpp, cx_engine *e, cx_mp_leg_h *legh)
{
	cx_mp *mp = mem_zalloc(sizeof(*mp), cx_mp__destroy);

	if (!mp)
		return ENOMEM;
	mp->e = e;
	mp->legh = legh;
	tmr_init(&mp->mixtmr);
	tmr_init(&mp->rtcptmr);
	cx_mp__g711_init();
	*mpp = mp;
	return 0;
}

void cx_mp_sender(cx_mp *mp, int on)
{
	mp->sender = on;
}

void cx_mp_leg_init(cx_mp *mp, cx_mp_leg *leg, cx_conn *c, const char *callid)
{
	leg->mp = mp;
	leg->c = c;
	leg->callid = callid;
	leg->pt = -1;
	leg->tept = -1;
	list_append(&mp->legs, &leg->le, leg);
}

int cx_mp_live(const cx_mp_leg *leg)
{
	return leg->estab && !leg->closed && leg->pt >= 0 && leg->rtp && leg->sdpm;
}

/* The SRTP contexts go after the socket (its helper, which reads them, went with it): the keys
 * go with the call. */
static void cx_mp__srtp_free(cx_mp_leg *leg)
{
	leg->stx = mem_deref(leg->stx);
	leg->srx = mem_deref(leg->srx);
}

/* Before the RTP port closes: the far end's stream as our reports told it (loss and jitter,
 * RFC 3550 6.4.1 and A.8), for the call record; its reports of ours came as they came. */
static void cx_mp__quality(cx_mp_leg *leg)
{
	if (leg->q.ok || !leg->rs.seen)
		return;
	leg->q.ok = 1;
	leg->q.lost = cx_mp__rx_lost(&leg->rs);
	leg->q.jitter_us = (leg->rs.jitter >> 4) * 125;
	if (leg->mp)
		cx_met_quality(leg->mp->e, &leg->q);
}

void cx_mp_leg_stop(cx_mp_leg *leg)
{
	leg->closed = 1;
	if (leg->mp)
		cx_mp_mix__drop(leg->mp, leg);
	leg->tone.pcm = mem_deref(leg->tone.pcm);
	/* a recording ends with the audio: its dialog.exit (file, duration) comes before the
	 * connection event, which documents often end on */
	cx_rec_end(leg->rec, "hangup");
	/* a call answered while its AMD listened: connection.connected (amd unknown) comes
	 * before the end */
	cx_amd_flush(leg->amd);
	leg->amd = mem_deref(leg->amd);
	cx_mp__quality(leg);
	if (leg->rtcp_next && leg->rtp) /* RFC 3550 6.6: we leave the session */
		cx_mp__rtcp_send(leg, true);
	leg->rtcp_next = 0;
	cx_mp__txfd_close(leg);
	leg->rtp = mem_deref(leg->rtp);
	cx_mp__srtp_free(leg);
}

void cx_mp_leg_free(cx_mp_leg *leg)
{
	if (leg->mp)
		cx_mp_mix__drop(leg->mp, leg);
	leg->tone.pcm = mem_deref(leg->tone.pcm);
	if (leg->play) {
		leg->play->leg = NULL;
		list_unlink(&leg->play->le);
		leg->play = NULL;
	}
	cx_rec_end(leg->rec, "hangup");
	cx_mp__quality(leg);
	leg->rtcp_next = 0;
	cx_mp__txfd_close(leg);
	leg->rtp = mem_deref(leg->rtp);
	cx_mp__srtp_free(leg);
	leg->dtmf = mem_deref(leg->dtmf);
	leg->amd = mem_deref(leg->amd);
	list_unlink(&leg->le);
	leg->mp = NULL;
}

void cx_mp_leg_end(cx_mp_leg *leg)
{
	cx_mp_play *p = leg->play;

	cx_mp__vx_end(leg);
	if (!p)
		return;
	cx_mp_play__stop(p);
	if (p->d)
		cx_rt_dlg_pev(p->d, CX_PEV_DLG_EXIT, NULL);
}

/* Section - The receive path: DTMF, in-band DTMF, AMD, recording, the relay */

/* A DTMF digit from the far end as connection.signal: dur in ms (RFC 4733), or -1 when the
 * digit was heard in-band (dtmf.c: no duration). info.method tells which. */
static cx_ev *cx_mp__signal_ev(cx_mp_leg *leg)
{
	cx_sess *s = leg->c ? leg->c->sess : NULL;
	cx_ev *ev = s ? cx_ev_new(s, "connection.signal") : NULL;

	if (!ev)
		return NULL;
	mem_deref(ev->source);
	str_dup(&ev->source, "sip");
	ev->sourcetype = "sip";
	cx_ev_conn(ev, leg->c, leg->c->state, 0);
	return ev;
}

/* A key reported one way (RFC 4733, in-band, INFO) and then another within this many ms is
 * the same press: a far end configured to send both (an INFO and the events) is heard once. */
#define CX_MP__DPAIR 1500

/* Is key dig by way m (enum cx_mp__dway) the other half of the press just reported? Each
 * report takes at most one such half, so a key pressed twice is reported twice whatever the
 * ways; the same way twice is always two presses. */
static bool cx_mp__dpaired(cx_mp_leg *leg, char dig, int m)
{
	uint64_t now = tmr_jiffies();

	if (leg->dkey == dig && leg->dway != m && !leg->dpaired && now - leg->dtime < CX_MP__DPAIR) {
		leg->dpaired = 1;
		return true;
	}
	leg->dkey = dig;
	leg->dway = m;
	leg->dpaired = 0;
	leg->dtime = now;
	return false;
}

enum cx_mp__dway { CX_MP__RFC4733, CX_MP__INBAND, CX_MP__INFO };

static void cx_mp__signal(cx_mp_leg *leg, const char *dig, int dur, int way)
{
	static const char *const ways[] = {"rfc4733", "inband", "info"};
	cx_ev *ev;
	cx_cval *info;
	int bad;

	if (leg->bridged)
		return; /* merged: no session controls the call any more */
	if (cx_mp__dpaired(leg, dig[0], way))
		return;
	ev = cx_mp__signal_ev(leg);
	if (!ev)
		return;
	cx_ev_str(ev, "dtmf", dig);
	if (dur >= 0)
		cx_ev_num(ev, "duration", dur);
	info = cx_cval_obj();
	if (info) {
		bad = cx_cval_put(info, "type", 4, cx_cval_str("dtmf")) ||
		      cx_cval_put(info, "digit", 5, cx_cval_str(dig)) ||
		      cx_cval_put(info, "method", 6, cx_cval_str(ways[way]));
		if (!bad && dur >= 0)
			bad = cx_cval_put(info, "duration", 8, cx_cval_num(dur));
		if (!bad)
			cx_ev_cval(ev, "info", info);
		mem_deref(info);
	}
	cx_sess_post(leg->c->sess, ev);
	cx_mp__vx_dtmf(leg, dig); /* and to a VoiceXML dialog listening on the call */
}

/* The call's buffered audio (not yet relayed) becomes silence when a join clamps its DTMF:
 * the digit was heard too late to be kept out otherwise. */
static void cx_mp__jb_clear(cx_mp_leg *leg)
{
	struct le *le;
	uint32_t i;

	if (!leg->mp)
		return;
	for (le = list_head(&leg->mp->edges); le; le = le->next)
		if (((cx_mp_edge *)le->data)->src == leg && ((cx_mp_edge *)le->data)->clamp)
			break;
	for (i = 0; le && i < leg->jn; i++)
		leg->jb[(leg->jr + i) % CX_MP_JB] = 0;
}

/* An RFC 4733 packet of a DTMF digit, for the joins (<join dtmfclamp>): the call's audio counts
 * as DTMF until CX_MP__DMUTE ms after it (a clamping join hears silence; at an event's first
 * packet the audio still buffered goes, for a phone that also sends the tone in-band), and the
 * digit is regenerated in its audio, from its first packet to its end, for the joins that do
 * not clamp (RFC 4733 events themselves are never relayed). */
static void cx_mp__dtmf_media(cx_mp_leg *leg, const struct rtp_header *hdr, const uint8_t *p)
{
	uint64_t now = tmr_jiffies();

	if (p[0] >= 16)
		return;
	if (hdr->ts != leg->dgents || (!leg->dgen && now >= leg->dmute)) { /* a new event */
		cx_mp__jb_clear(leg);
		leg->dgen = p[0] + 1;
		leg->dgenk = 0;
		leg->dgents = hdr->ts;
		leg->dgenend = now + CX_MP__DMUTE;
	}
	else if (leg->dgen && !(p[1] & 0x80))
		leg->dgenend = now + CX_MP__DMUTE;
	if (p[1] & 0x80)
		leg->dgenend = now; /* its end: the regenerated tone stops */
	leg->dmute = now + CX_MP__DMUTE;
}

/* The DTMF keys by RFC 4733 event number (0-15): an event's key, and an INFO's key's number. */
static const char cx_mp__keys[] = CX_DTMF_KEYS;

/* RFC 4733 telephone-event payload: event, E|R|volume, duration (16 bits). Reported once per
 * event (at its first end packet; the end packet is sent three times). */
static void cx_mp__dtmf(cx_mp_leg *leg, const struct rtp_header *hdr, struct mbuf *mb)
{
	const uint8_t *p;
	char dig[2];

	if (mbuf_get_left(mb) < 4)
		return;
	p = mbuf_buf(mb);
	cx_mp__dtmf_media(leg, hdr, p);
	if (!(p[1] & 0x80))
		return; /* not the end yet */
	if (leg->dtmf_seen && leg->dtmf_ts == hdr->ts)
		return; /* a repeated end packet */
	leg->dtmf_seen = 1;
	leg->dtmf_ts = hdr->ts;
	if (p[0] >= 16)
		return; /* not a DTMF digit (RFC 4733 tones we do not report) */
	dig[0] = cx_mp__keys[p[0]];
	dig[1] = '\0';
	/* its duration in 8 kHz units, as ms */
	cx_mp__signal(leg, dig, (int)((unsigned)(p[2] << 8 | p[3]) / 8), CX_MP__RFC4733);
}

/* A digit heard in the audio (dtmf.c), while in-band detection runs for the call. */
static void cx_mp__inband_h(char digit, void *arg)
{
	cx_mp_leg *leg = arg;
	char dig[2] = {digit, '\0'};

	/* a clamping join hears silence for the rest of the tone (what is buffered included) */
	cx_mp__jb_clear(leg);
	leg->dmute = tmr_jiffies() + CX_MP__DMUTE_INBAND;
	if (!leg->closed && leg->tept < 0)
		cx_mp__signal(leg, dig, -1, CX_MP__INBAND);
}

void cx_mp_leg_info_key(cx_mp_leg *leg, char key, int dur_ms)
{
	const char *k = strchr(cx_mp__keys, key);
	uint64_t now = tmr_jiffies();
	char dig[2] = {key, '\0'};

	if (leg->closed || !key || !k)
		return;
	/* for the joins as an RFC 4733 event is: a clamping join hears silence for the tone a
	 * phone may also send in its audio, the others hear the key regenerated for its duration
	 * (100 ms when the INFO gives none, at most a second) */
	cx_mp__jb_clear(leg);
	leg->dmute = now + CX_MP__DMUTE_INBAND;
	leg->dgen = (int)(k - cx_mp__keys) + 1;
	leg->dgenk = 0;
	leg->dgents = 0;
	leg->dgenend = now + (uint64_t)(dur_ms > 0 ? (dur_ms < 1000 ? dur_ms : 1000) : 100);
	cx_mp__signal(leg, dig, dur_ms, CX_MP__INFO);
}

/* In-band detection runs on a connected call whose peer did not negotiate telephone-event: a
 * peer that did sends its digits as RFC 4733 events, and a digit is never reported twice. */
static void cx_mp__inband(cx_mp_leg *leg, const struct rtp_header *hdr, struct mbuf *mb)
{
	if (!leg->estab || leg->tept >= 0)
		return;
	if (!leg->dtmf && cx_dtmf_alloc(&leg->dtmf, cx_mp__inband_h, leg))
		return;
	cx_dtmf_g711(leg->dtmf, hdr->pt, mbuf_buf(mb), mbuf_get_left(mb));
}

static void cx_mp__count_tx(cx_mp_leg *leg, size_t bytes)
{
	leg->ptx++;
	leg->btx += bytes;
	if (leg->mp)
		leg->mp->e->met.rtp_tx++;
}

/* G.711 of every 16-bit sample, A-law and mu-law (128 KB, filled by the first plane): a
 * table read instead of librem's encoder per sample. -32768 is sent as -32767 (librem's
 * encoders mishandle it). */
static uint8_t cx_mp__alaw[65536], cx_mp__ulaw[65536];

static void cx_mp__g711_init(void)
{
	static int done;
	uint32_t i;

	if (done)
		return;
	for (i = 0; i < 65536; i++) {
		int16_t s = (int16_t)(uint16_t)i;
		if (s < -32767)
			s = -32767;
		cx_mp__alaw[i] = g711_pcm2alaw(s);
		cx_mp__ulaw[i] = g711_pcm2ulaw(s);
	}
	done = 1;
}

/* The plane's packet buffer holding one frame of G.711 (pt 8: A-law, else mu-law) after room
 * for the RTP header: pcm[i], silence past n. NULL: no memory. */
static struct mbuf *cx_mp__g711(cx_mp *mp, int pt, const int16_t *pcm, size_t n)
{
	const uint8_t *tab;
	struct mbuf *mb;
	uint8_t *b;
	size_t i;

	if (!mp->txmb && !(mp->txmb = mbuf_alloc(RTP_HEADER_SIZE + CX_MP_SAMPLES)))
		return NULL;
	mb = mp->txmb;
	if (mb->size < RTP_HEADER_SIZE + CX_MP_SAMPLES &&
	    mbuf_resize(mb, RTP_HEADER_SIZE + CX_MP_SAMPLES))
		return NULL;
	b = mb->buf + RTP_HEADER_SIZE;
	tab = pt == 8 ? cx_mp__alaw : cx_mp__ulaw;
	if (n > CX_MP_SAMPLES)
		n = CX_MP_SAMPLES;
	for (i = 0; i < n; i++)
		b[i] = tab[(uint16_t)pcm[i]];
	memset(b + n, tab[0], CX_MP_SAMPLES - n);
	mb->pos = RTP_HEADER_SIZE;
	mb->end = RTP_HEADER_SIZE + CX_MP_SAMPLES;
	return mb;
}

/* Payload type pt of a packet to the RTP port says it is RTCP (or SRTCP): RFC 5761 4, RTCP's
 * packet types 192-223 read as RTP's payload types 64-95, which RTP must not use then. Unless
 * rtcp-mux was negotiated (libre then hands such packets to the RTCP handler, SRTCP opened
 * first) a far end that merely assumes it has its packet dropped before anything reads it,
 * counted nowhere. A far end that named such a type for its telephone-events does not
 * multiplex: those are its events. */
static bool cx_mp__rtcp(const cx_mp_leg *leg, int pt)
{
	return pt >= 64 && pt <= 95 && pt != leg->tept;
}

/* An address no far end can be reached at from outside its own network: RFC 1918's, shared
 * address space (RFC 6598, carrier-grade NATs), link-local, IPv6 unique-local and link-local. */
static bool cx_mp__private(const struct sa *a)
{
	if (sa_af(a) == AF_INET) {
		uint32_t v = sa_in(a);
		return (v >> 24) == 10 || (v >> 20) == 0xac1 || (v >> 16) == 0xc0a8 ||
		       (v >> 22) == (100u << 2 | 1) || (v >> 16) == 0xa9fe;
	}
	if (sa_af(a) == AF_INET6) {
		uint8_t b[16];
		sa_in6(a, b);
		return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
	}
	return false;
}

/* Where our RTP goes: the far end's SDP address, or the source its RTP comes from once
 * latched to it (cx_mp__latch), for as long as the SDP address is the same. */
static const struct sa *cx_mp__dst(const cx_mp_leg *leg)
{
	const struct sa *ra = sdp_media_raddr(leg->sdpm);

	if (sa_isset(&leg->lto, SA_ALL) && sa_cmp(&leg->lsdp, ra, SA_ALL))
		return &leg->lto;
	return ra;
}

/* Symmetric RTP for a far end behind a NAT (--rtp-latch nat, docs/sip.md "Behind a NAT"):
 * its SDP names its private address, which nothing outside its network reaches, while its
 * packets come from the NAT's public one. The first packet that comes from elsewhere than
 * the SDP says, and from the address the call's SIP messages come from, is where we send from
 * then on (its port: the NAT's). An SDP address that can be reached is trusted, and a packet
 * from an address the signalling did not come from never moves the media (RTP bleed: anyone
 * can send to our port); the first latch stands until the SDP address changes. SRTP's
 * packets get here only when they authenticate. */
static bool cx_mp__latches(const cx_mp_leg *leg, const struct sa *src, const struct sa *ra,
			   const struct sa *dst, const struct sa *lto, const struct sa *lsdp)
{
	if (sa_cmp(src, dst, SA_ALL) || (sa_isset(lto, SA_ALL) && sa_cmp(lsdp, ra, SA_ALL)))
		return false; /* from where we send already, or latched for this SDP address */
	return cx_mp__private(ra) && sa_isset(&leg->sigsrc, SA_ADDR) &&
	       sa_cmp(src, &leg->sigsrc, SA_ADDR);
}

static void cx_mp__latch(cx_mp_leg *leg, const struct sa *src)
{
	const struct sa *ra = sdp_media_raddr(leg->sdpm);

	if (!cx_mp__latches(leg, src, ra, ra, &leg->lto, &leg->lsdp))
		return;
	leg->lto = *src;
	leg->lsdp = *ra;
	if (leg->c)
		cx_logc(CX_LOG_INFO, leg->c->sess ? leg->c->sess->id : NULL, leg->c->id,
			leg->callid[0] ? leg->callid : NULL, "sip: connection %s: RTP comes from %J, "
			"the SDP says %J (behind a NAT): our RTP goes to %J", leg->c->id, src, ra, src);
}

/* A packet of the far end's stream (plain or SRTP, RTCP on or off: the call record's lost and
 * jitter): its sequence number (RFC 3550 A.1, the probation left out: one far end a leg) and,
 * for audio, its timestamp against the arrival time us (A.8). A new SSRC starts again. */
static void cx_mp__rx_count(cx_mp_leg *leg, const struct rtp_header *hdr, uint64_t us, bool audio)
{
	cx_mp_rxstat *r = &leg->rs;
	uint16_t d;

	if (!r->seen || hdr->ssrc != leg->rx_ssrc) {
		*r = (cx_mp_rxstat){.seen = 1, .base = hdr->seq, .max = hdr->seq};
	} else {
		d = (uint16_t)(hdr->seq - r->max);
		if (d < 3000) { /* in order, a gap allowed (A.1's MAX_DROPOUT) */
			if (hdr->seq < r->max)
				r->cycles += 1u << 16;
			r->max = hdr->seq;
		} else if (d <= 65536 - 100) { /* a jump no stream makes: the far end restarted */
			*r = (cx_mp_rxstat){.seen = 1, .base = hdr->seq, .max = hdr->seq};
		} /* else a duplicate or reordered packet: counted below only */
	}
	r->received++;
	if (audio) {
		uint32_t transit = (uint32_t)(us * 8 / 1000) - hdr->ts;
		if (r->tseen) {
			int32_t dt = (int32_t)(transit - r->transit);
			uint32_t ad = dt < 0 ? 0u - (uint32_t)dt : (uint32_t)dt;
			r->jitter += ad - ((r->jitter + 8) >> 4);
		}
		r->transit = transit;
		r->tseen = 1;
	}
}

/* Packets of the far end's stream lost so far (RFC 3550 6.4.1: negative when duplicates
 * outnumber the losses), clamped to the report's 24 bits. */
static int32_t cx_mp__rx_lost(const cx_mp_rxstat *r)
{
	int64_t lost = (int64_t)(r->cycles + r->max) - r->base + 1 - r->received;

	return lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : (int32_t)lost;
}

static void cx_mp__rtp_h(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb,
			 void *arg)
{
	cx_mp_leg *leg = arg;
	uint64_t us;

	if (leg->closed)
		return;
	/* no audio, no RTP received (its length would be taken for a sequence number: a late
	 * packet), nor the far end sending media for --rtp-timeout */
	if (cx_mp__rtcp(leg, hdr->pt))
		return;
	if (leg->latch && leg->sdpm)
		cx_mp__latch(leg, src);
	us = cx_met_now_us();
	leg->rtp_last = us / 1000; /* any packet shows the far end is alive (tmr_jiffies' clock) */
	cx_mp__rx_count(leg, hdr, us, hdr->pt == 0 || hdr->pt == 8);
	leg->rx_ssrc = hdr->ssrc;
	leg->rx_ssrc_seen = 1;
	leg->prx++;
	leg->brx += mbuf_get_left(mb);
	if (leg->mp) {
		leg->mp->e->met.rtp_rx++;
		/* older than one already received: reordered, too late for its place in time */
		if (leg->rxseen && (int16_t)(hdr->seq - leg->rxseq) < 0)
			leg->mp->e->met.rtp_late++;
	}
	if (!leg->rxseen || (int16_t)(hdr->seq - leg->rxseq) > 0)
		leg->rxseq = hdr->seq;
	leg->rxseen = 1;
	if (hdr->pt == CX_MP_TEPT || (leg->tept >= 0 && hdr->pt == leg->tept))
		cx_mp__dtmf(leg, hdr, mb);
	else if (hdr->pt == 0 || hdr->pt == 8) {
		cx_mp__inband(leg, hdr, mb);
		if (leg->amd) {
			cx_amd_g711(leg->amd, hdr->pt, mbuf_buf(mb), mbuf_get_left(mb));
			if (cx_amd_done(leg->amd))
				leg->amd = mem_deref(leg->amd);
		}
		if (leg->rec)
			cx_rec_rtp(leg->rec, hdr->ts, hdr->pt, mbuf_buf(mb), mbuf_get_left(mb));
		if (leg->mp && list_head(&leg->mp->edges))
			cx_mp_mix__put(leg, hdr, mb); /* relayed only while something is joined */
	}
}

/* Section - RTCP (RFC 3550 6), ours: every ~5 s a compound report to the far end's RTCP
 * address from the port after the RTP one (libre opens it), and the far end's reports read.
 * Not libre's RTCP session: its bookkeeping on every RTP packet sent and received (a lock and
 * a member table looked up: ~110 and ~180 instructions, docs/decisions.md "Our own RTCP");
 * the counts a report needs are kept here on the receive path in a few instructions, and one
 * clock of the plane (cx_mp__rtcp_tick) sends every call's reports. An SRTP call's are SRTCP
 * (RFC 3711 3.4): encrypted by libre's srtcp_encrypt with the call's sending context,
 * authenticated and decrypted on the way in by cx_mp__srtcp_recv. */

#define CX_MP__RTCP_TICK 250          /* ms between looks for reports due */
#define CX_MP__RTCP_TMIN 5000         /* RFC 3550 6.2: the minimum interval (half the first time) */
#define CX_MP__NTP_EPOCH 2208988800u  /* seconds from 1900 (NTP) to 1970 (Unix) */

/* The next report's delay: RFC 3550 6.3.1 and A.7 for two members, whose bandwidth share is
 * always below the minimum: Tmin (half for the first report) times a random factor in
 * [0.5, 1.5), divided by e - 3/2 = 1.21828 (so that the mean stays Tmin). */
static uint64_t cx_mp__rtcp_delay(int first)
{
	uint64_t t = first ? CX_MP__RTCP_TMIN / 2 : CX_MP__RTCP_TMIN;

	return t * (500 + rand_u32() % 1000) / 1218;
}

/* The wall clock as NTP (RFC 3550 4): seconds since 1900 and the fraction in 1/2^32 s. */
static void cx_mp__ntp(uint32_t *sec, uint32_t *frac)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = (uint32_t)ts.tv_sec + CX_MP__NTP_EPOCH;
	*frac = (uint32_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
}

static void cx_mp__put32(struct mbuf *mb, uint32_t v)
{
	(void)mbuf_write_u32(mb, htonl(v));
}

/* One compound report (RFC 3550 6.1): SR once we have sent RTP since the report before the
 * last one, else RR, with a block on the far end's stream when it sent since our last report;
 * SDES with our CNAME; BYE when the call ends. */
static void cx_mp__rtcp_send(cx_mp_leg *leg, bool bye)
{
	cx_mp_rxstat *r = &leg->rs;
	uint32_t ssrc = rtp_sess_ssrc(leg->rtp), sec, frac;
	bool sender = leg->ptx > leg->rtcp_ptx[0];
	bool block = r->seen && r->received != r->received_prior;
	struct mbuf *mb = mbuf_alloc(160);
	char cname[24];
	size_t n;

	if (!mb)
		return;
	leg->rtcp_ptx[0] = leg->rtcp_ptx[1];
	leg->rtcp_ptx[1] = leg->ptx;
	(void)mbuf_write_u8(mb, 0x80 | block);
	(void)mbuf_write_u8(mb, sender ? RTCP_SR : RTCP_RR);
	(void)mbuf_write_u16(mb, htons((uint16_t)((sender ? 6 : 1) + (block ? 6 : 0))));
	cx_mp__put32(mb, ssrc);
	if (sender) {
		cx_mp__ntp(&sec, &frac);
		cx_mp__put32(mb, sec);
		cx_mp__put32(mb, frac);
		/* our RTP clock now: the one every packet of ours is stamped by (tsbase, t0) */
		cx_mp__put32(mb, leg->tsbase + (uint32_t)(cx_met_now_us() / 125 - leg->t0 * 8));
		cx_mp__put32(mb, (uint32_t)leg->ptx);
		cx_mp__put32(mb, (uint32_t)leg->btx);
	}
	if (block) {
		uint32_t ext = r->cycles + r->max, expected = ext - r->base + 1;
		uint32_t eint = expected - r->expected_prior, rint = r->received - r->received_prior;
		int64_t lint = (int64_t)eint - rint;
		uint32_t fraction = eint && lint > 0 ? (uint32_t)((lint << 8) / eint) : 0;
		uint32_t dlsr = 0;

		if (leg->far_lsr_us) /* in 1/65536 s */
			dlsr = (uint32_t)((cx_met_now_us() - leg->far_lsr_us) * 65536 / 1000000);
		r->expected_prior = expected;
		r->received_prior = r->received;
		cx_mp__put32(mb, leg->rx_ssrc);
		cx_mp__put32(mb, (fraction > 255 ? 255 : fraction) << 24 |
				 ((uint32_t)cx_mp__rx_lost(r) & 0xffffff));
		cx_mp__put32(mb, ext);
		cx_mp__put32(mb, r->jitter >> 4);
		cx_mp__put32(mb, leg->far_lsr_us ? leg->far_lsr : 0);
		cx_mp__put32(mb, dlsr);
	}
	(void)re_snprintf(cname, sizeof(cname), "%08x@ccxmlc", ssrc);
	n = strlen(cname);
	/* SDES: one chunk, CNAME, END, padded to 32 bits (RFC 3550 6.5) */
	(void)mbuf_write_u8(mb, 0x81);
	(void)mbuf_write_u8(mb, RTCP_SDES);
	(void)mbuf_write_u16(mb, htons((uint16_t)((4 + 2 + n + 1 + 3) / 4)));
	cx_mp__put32(mb, ssrc);
	(void)mbuf_write_u8(mb, RTCP_SDES_CNAME);
	(void)mbuf_write_u8(mb, (uint8_t)n);
	(void)mbuf_write_mem(mb, (const uint8_t *)cname, n);
	(void)mbuf_fill(mb, 0, 4 - (2 + n) % 4);
	if (bye) {
		(void)mbuf_write_u8(mb, 0x81);
		(void)mbuf_write_u8(mb, RTCP_BYE);
		(void)mbuf_write_u16(mb, htons(1));
		cx_mp__put32(mb, ssrc);
	}
	mb->pos = 0;
	if (leg->stx && srtcp_encrypt(leg->stx, mb)) { /* SRTCP: RFC 3711 3.4 */
		mem_deref(mb);
		return;
	}
	mb->pos = 0;
	if (!udp_send(leg->mux ? rtp_sock(leg->rtp) : rtcp_sock(leg->rtp), &leg->rtcp_peer, mb) &&
	    leg->mp)
		leg->mp->e->met.rtcp_tx++;
	mem_deref(mb);
}

/* The plane's RTCP clock: each call's report when due, then the next one's time. */
static void cx_mp__rtcp_tick(void *arg)
{
	cx_mp *mp = arg;
	uint64_t now = tmr_jiffies();
	bool any = false;
	struct le *le;

	LIST_FOREACH(&mp->legs, le) {
		cx_mp_leg *leg = le->data;
		if (!leg->rtcp_next)
			continue;
		any = true;
		if (now < leg->rtcp_next)
			continue;
		cx_mp__rtcp_send(leg, false);
		leg->rtcp_next = now + cx_mp__rtcp_delay(0);
	}
	if (any)
		tmr_start(&mp->rtcptmr, CX_MP__RTCP_TICK, cx_mp__rtcp_tick, mp);
}

/* The far end's RTCP address, as cx_mp__dst is its RTP one: its SDP's (a=rtcp, else the RTP
 * port + 1), or the source of its RTCP once latched (cx_mp__rtcp_h) while that SDP stands. */
static void cx_mp__rtcp_dst(const cx_mp_leg *leg, struct sa *to)
{
	const struct sa *ra = sdp_media_raddr(leg->sdpm);

	if (leg->mux) /* rtcp-mux: where our RTP goes (latched as it is) */
		*to = *cx_mp__dst(leg);
	else if (sa_isset(&leg->rtcp_to, SA_ALL) && sa_cmp(&leg->rtcp_lsdp, ra, SA_ALL))
		*to = leg->rtcp_to;
	else
		sdp_media_raddr_rtcp(leg->sdpm, to);
}

void cx_mp_leg_rtcp(cx_mp_leg *leg)
{
	struct sa to;

	if (!leg->rtcp || !leg->rtp || !leg->sdpm || leg->closed)
		return;
	cx_mp__rtcp_dst(leg, &to);
	/* RFC 3264 8.4's hold (c=0.0.0.0): no reports either; RTCP goes on through a
	 * sendonly/inactive hold (RFC 3264 5.1: it is not media); never to an address
	 * cx_mp_leg_bad_dst refuses */
	if (!sa_isset(&to, SA_ALL) || sa_is_any(&to) || cx_mp_leg_bad_dst(leg, &to))
		sa_init(&to, AF_UNSPEC);
	if (leg->rtcp_set && (sa_cmp(&to, &leg->rtcp_peer, SA_ALL) ||
			      (!sa_isset(&to, SA_ALL) && !sa_isset(&leg->rtcp_peer, SA_ALL))))
		return; /* the same address: a far end that re-INVITEs every 2 s still gets reports */
	leg->rtcp_peer = to;
	leg->rtcp_set = 1;
	if (!sa_isset(&to, SA_ALL)) {
		leg->rtcp_next = 0;
		return;
	}
	if (!leg->rtcp_next) /* a new address keeps the time of a report already due */
		leg->rtcp_next = tmr_jiffies() + cx_mp__rtcp_delay(1);
	if (leg->mp && !tmr_isrunning(&leg->mp->rtcptmr))
		tmr_start(&leg->mp->rtcptmr, CX_MP__RTCP_TICK, cx_mp__rtcp_tick, leg->mp);
}

void cx_mp_leg_mux(cx_mp_leg *leg, bool on)
{
	if (leg->mux == on || !leg->rtp)
		return;
	leg->mux = on;
	rtcp_enable_mux(leg->rtp, on); /* libre hands RTCP on the RTP port to cx_mp__rtcp_h */
	if (leg->rtcp_set) { /* reports go elsewhere now */
		leg->rtcp_set = 0;
		cx_mp_leg_rtcp(leg);
	}
}

/* A report block of the far end's on our stream (RFC 3550 6.4.1): its loss and jitter, and
 * the round trip from the SR of ours it echoes (A - LSR - DLSR, 1/65536 s; none without an
 * LSR, or with a round trip below zero: a far end's wrong DLSR). */
static void cx_mp__rtcp_block(cx_mp_leg *leg, const struct rtcp_rr *rr)
{
	uint32_t sec, frac, a, rtt;

	if (rr->ssrc != rtp_sess_ssrc(leg->rtp))
		return;
	leg->q.far = 1;
	leg->q.far_lost = rr->lost;
	leg->q.far_jitter_us = rr->jitter > UINT32_MAX / 125 ? UINT32_MAX : rr->jitter * 125;
	if (!rr->lsr)
		return;
	cx_mp__ntp(&sec, &frac);
	a = sec << 16 | frac >> 16;
	rtt = a - rr->lsr - rr->dlsr;
	if ((int32_t)rtt >= 0)
		leg->q.rtt_us = (uint32_t)((uint64_t)rtt * 1000000 / 65536);
}

/* The far end's RTCP, each packet of a compound as libre decoded it: counted, its SR's time
 * kept (our next block's LSR), its blocks on our stream read, and its source latched as RTP
 * is (cx_mp__latches: private SDP address, from the address of its SIP, once per SDP
 * address). --rtcp off reads none. */
static void cx_mp__rtcp_h(const struct sa *src, struct rtcp_msg *msg, void *arg)
{
	cx_mp_leg *leg = arg;
	const struct rtcp_rr *rrv = NULL;
	const struct sa *ra;
	struct sa to;
	uint32_t i;

	if (!leg->rtcp || !leg->estab || leg->closed || !leg->sdpm)
		return; /* (on an SRTP call, authenticated by cx_mp__srtcp_recv) */
	leg->q.rtcp_rx++;
	if (msg->hdr.pt == RTCP_SR) {
		leg->far_lsr = msg->r.sr.ntp_sec << 16 | msg->r.sr.ntp_frac >> 16;
		leg->far_lsr_us = cx_met_now_us();
		rrv = msg->r.sr.rrv;
	} else if (msg->hdr.pt == RTCP_RR) {
		rrv = msg->r.rr.rrv;
	}
	for (i = 0; rrv && i < msg->hdr.count; i++)
		cx_mp__rtcp_block(leg, &rrv[i]);
	if (!leg->latch || leg->mux) /* (muxed: RTP's latch is RTCP's) */
		return;
	ra = sdp_media_raddr(leg->sdpm);
	cx_mp__rtcp_dst(leg, &to);
	if (!cx_mp__latches(leg, src, ra, &to, &leg->rtcp_to, &leg->rtcp_lsdp))
		return;
	leg->rtcp_to = *src;
	leg->rtcp_lsdp = *ra;
	cx_mp_leg_rtcp(leg);
}

int cx_mp_leg_listen(cx_mp_leg *leg, const struct sa *laddr)
{
	struct sa ip = *laddr;
	int err;

	sa_set_port(&ip, 0);
	cx_mp__txfd_close(leg); /* a port opened again: the old one's descriptor */
	leg->rtp = mem_deref(leg->rtp);
	/* libre opens RTP + 1 for RTCP whatever its last flag, which asks for its own RTCP
	 * session (not used: "RTCP" above) */
	err = rtp_listen(&leg->rtp, IPPROTO_UDP, &ip, 16384, 32766, false, cx_mp__rtp_h,
			 cx_mp__rtcp_h, leg);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "sip: no RTP port: %s", strerror(err));
		return err;
	}
	leg->t0 = tmr_jiffies();
	leg->tsbase = rand_u32();
	return 0;
}

/* Section - SRTP (RFC 3711): a helper under libre's RTP layer on the leg's socket, so that no
 * send path through the socket (prompts, the mixer, recordings' calls, merges) can skip it;
 * the send thread's packets go around the socket, and cx_mp__send encrypts them itself.
 * Sending is libre's srtp_encrypt (one SSRC, ours). Receiving is done here (docs/decisions.md
 * "SRTP's receiving side is ours"): libre 1.1.0's srtp_decrypt makes a packet's per-SSRC
 * state, and moves its rollover counter, before it checks the packet's tag, and keeps at most
 * 8 SSRCs, so packets anyone can forge (no key needed) filled the 8 and the far end's next
 * SSRC was dropped, or one forged with the far end's SSRC put its counter out of step for
 * good. Here nothing is kept of a packet before its tag is right. */

#define CX_MP__SRTP_SLOTS 8           /* SSRCs of the far end followed at once (authenticated) */
#define CX_MP__SRTP_SALT 14           /* master and session salt, bytes (RFC 3711 8.2) */
#define CX_MP__SRTP_AUTHKEY 20        /* HMAC-SHA1 session key, bytes (RFC 3711 4.3) */
#define CX_MP__SRTP_WINDOW 64         /* replay window, packets (RFC 3711 3.3.2) */

/* What is known of one SSRC of the far end: its rollover counter and highest sequence number
 * (RFC 3711 3.3.1), and the replay window: bit k of seen is index top - k. */
typedef struct cx_mp_srtp_src {
	uint32_t ssrc;
	uint32_t roc;
	uint16_t s_l;
	uint64_t top, seen;
	uint64_t used;                /* packets of the call when it last authenticated (0: free) */
} cx_mp_srtp_src;

/* An SSRC of the far end put out of the slots by a newer one: its highest index. RFC 3711
 * 3.3.2 wants a replay list per SSRC for as long as the key lives; an SSRC that came back with
 * a fresh window would take again every packet of it anyone recorded (one more SSRC of the far
 * end puts it out again, so with 9 in a capture a replayer could cycle them for ever). Coming
 * back, it counts everything up to that index as received. */
typedef struct cx_mp_srtp_gone {
	uint64_t top;
	uint32_t ssrc;
} cx_mp_srtp_gone;

struct cx_mp_srtprx {
	struct aes *aes;              /* the session encryption key, counter mode */
	struct hmac *hmac;            /* the session authentication key */
	uint8_t salt[16];             /* the session salt, 14 bytes and the counter's 2 */
	size_t taglen;                /* 10 (_80) or 4 (_32) */
	uint64_t npkt;                /* packets authenticated */
	cx_mp_srtp_src src[CX_MP__SRTP_SLOTS];
	cx_mp_srtp_gone *gone;        /* sorted by SSRC (mem; NULL until a slot is first taken) */
	uint32_t ngone, maxgone;      /* in it, room for; ngone + the slots <= CX_MP_SRTP_SSRCS */
	/* SRTCP (RFC 3711 3.4): its own session keys (labels 3-5), and the replay window of the
	 * 31-bit SRTCP index of the far end's last few SSRCs (bit k of seen: index top - k) */
	struct aes *caes;
	struct hmac *chmac;
	uint8_t csalt[16];
	struct {
		uint32_t ssrc, top;
		uint64_t seen, used;  /* used: reports authenticated when it last was (0: free) */
	} csrc[4];
	uint64_t nrtcp;
};

static void cx_mp__srtprx_destroy(void *arg)
{
	cx_mp_srtprx *rx = arg;

	mem_deref(rx->aes);
	mem_deref(rx->hmac);
	mem_deref(rx->gone);
	mem_deref(rx->caes);
	mem_deref(rx->chmac);
}

/* RFC 3711 4.3.1 with a key derivation rate of 0: session key `label` is the AES-CM
 * keystream under the master key, its IV the master salt with the label at byte 7, then two
 * zero bytes (the block counter). */
static int cx_mp__srtp_kdf(uint8_t *out, size_t n, uint8_t label, const uint8_t *mkey,
			   size_t mklen, const uint8_t *msalt)
{
	uint8_t iv[16] = {0}, zero[32] = {0};
	struct aes *aes = NULL;
	int err;

	memcpy(iv, msalt, CX_MP__SRTP_SALT);
	iv[7] ^= label;
	err = aes_alloc(&aes, AES_MODE_CTR, mkey, mklen * 8, iv);
	if (!err)
		err = aes_encr(aes, out, zero, n);
	mem_deref(aes);
	return err;
}

int cx_mp_srtprx_alloc(cx_mp_srtprx **rxp, enum srtp_suite suite, const uint8_t *key,
		       size_t klen)
{
	uint8_t ke[32], ka[CX_MP__SRTP_AUTHKEY];
	size_t cklen = klen - CX_MP__SRTP_SALT;
	cx_mp_srtprx *rx;
	int err = 0, i;

	if (suite == SRTP_AES_128_GCM || suite == SRTP_AES_256_GCM)
		return ENOTSUP;
	if (cklen != (suite == SRTP_AES_256_CM_HMAC_SHA1_32 ||
		      suite == SRTP_AES_256_CM_HMAC_SHA1_80 ? 32u : 16u))
		return EINVAL;
	rx = mem_zalloc(sizeof(*rx), cx_mp__srtprx_destroy);
	if (!rx)
		return ENOMEM;
	rx->taglen = suite == SRTP_AES_CM_128_HMAC_SHA1_32 ||
		     suite == SRTP_AES_256_CM_HMAC_SHA1_32 ? 4 : 10;
	/* SRTP's session keys (labels 0-2), then SRTCP's (3-5) */
	for (i = 0; !err && i < 2; i++) {
		err = cx_mp__srtp_kdf(ke, cklen, 3 * i, key, cklen, key + cklen);
		if (!err)
			err = cx_mp__srtp_kdf(ka, sizeof(ka), 3 * i + 1, key, cklen, key + cklen);
		if (!err)
			err = cx_mp__srtp_kdf(i ? rx->csalt : rx->salt, CX_MP__SRTP_SALT, 3 * i + 2,
					      key, cklen, key + cklen);
		if (!err)
			err = aes_alloc(i ? &rx->caes : &rx->aes, AES_MODE_CTR, ke, cklen * 8, NULL);
		if (!err)
			err = hmac_create(i ? &rx->chmac : &rx->hmac, HMAC_HASH_SHA1, ka, sizeof(ka));
	}
	memset(ke, 0, sizeof(ke));
	memset(ka, 0, sizeof(ka));
	if (err)
		mem_deref(rx);
	else
		*rxp = rx;
	return err;
}

/* The packet's index (RFC 3711 3.3.1 and appendix A): its rollover counter guessed from the
 * SSRC's highest sequence number; a new SSRC starts at 0 (s_l is its first packet's).
 * false: before the stream's start. */
static bool cx_mp__srtp_index(const cx_mp_srtp_src *s, uint16_t seq, uint32_t *roc)
{
	if (!s) {
		*roc = 0;
		return true;
	}
	*roc = s->roc;
	if (s->s_l < 32768) {
		if (seq - s->s_l > 32768) {
			if (!s->roc)
				return false;
			--*roc;
		}
	}
	else if (s->s_l - 32768 > seq)
		++*roc;
	return true;
}

/* Where SSRC ssrc is, or would go, in rx->gone (sorted): *found says whether it is there. */
static uint32_t cx_mp__srtp_gone_at(const cx_mp_srtprx *rx, uint32_t ssrc, bool *found)
{
	uint32_t lo = 0, hi = rx->ngone, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rx->gone[mid].ssrc < ssrc)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < rx->ngone && rx->gone[lo].ssrc == ssrc;
	return lo;
}

/* Room for one more gone SSRC (doubling, up to what may be there): 0 or ENOMEM. */
static int cx_mp__srtp_gone_room(cx_mp_srtprx *rx)
{
	uint32_t n = rx->maxgone ? 2 * rx->maxgone : CX_MP__SRTP_SLOTS;
	cx_mp_srtp_gone *g;

	if (rx->ngone < rx->maxgone)
		return 0;
	if (n > CX_MP_SRTP_SSRCS - CX_MP__SRTP_SLOTS)
		n = CX_MP_SRTP_SSRCS - CX_MP__SRTP_SLOTS;
	/* libre's mem_realloc does not allocate from NULL */
	g = rx->gone ? mem_realloc(rx->gone, n * sizeof(*g)) : mem_alloc(n * sizeof(*g), NULL);
	if (!g)
		return ENOMEM;
	rx->gone = g;
	rx->maxgone = n;
	return 0;
}

int cx_mp_srtprx_open(cx_mp_srtprx *rx, struct mbuf *mb)
{
	uint8_t tag[10], calc[20], iv[16], diff = 0;
	struct rtp_header hdr;
	cx_mp_srtp_src *s = NULL, *slot = NULL, back;
	size_t i, start = mb->pos, pld, end;
	uint32_t roc, g = 0;
	bool gone = false;
	uint64_t ix;
	int err;

	err = rtp_hdr_decode(&hdr, mb);
	if (err)
		return err;
	if (mbuf_get_left(mb) < rx->taglen)
		return EBADMSG;
	pld = mb->pos;
	end = mb->end - rx->taglen;
	for (i = 0; i < CX_MP__SRTP_SLOTS; i++) {
		cx_mp_srtp_src *c = &rx->src[i];
		if (c->used && c->ssrc == hdr.ssrc)
			s = c;
		if (!slot || c->used < slot->used)
			slot = c; /* free, else the least recently authenticated */
	}
	if (!s && rx->ngone) {
		g = cx_mp__srtp_gone_at(rx, hdr.ssrc, &gone);
		if (gone) { /* as it was, every index up to its highest received */
			back = (cx_mp_srtp_src){.ssrc = hdr.ssrc, .top = rx->gone[g].top,
						.roc = (uint32_t)(rx->gone[g].top >> 16),
						.s_l = (uint16_t)rx->gone[g].top, .seen = ~0ull};
			s = &back;
		}
	}
	if (!cx_mp__srtp_index(s, hdr.seq, &roc))
		return ETIMEDOUT;
	ix = ((uint64_t)roc << 16) | hdr.seq;
	/* the tag covers the packet up to it and the rollover counter (RFC 3711 4.2): the
	 * counter goes where the tag was (a tag has 4 bytes at least) */
	memcpy(tag, mb->buf + end, rx->taglen);
	mb->buf[end] = (uint8_t)(roc >> 24);
	mb->buf[end + 1] = (uint8_t)(roc >> 16);
	mb->buf[end + 2] = (uint8_t)(roc >> 8);
	mb->buf[end + 3] = (uint8_t)roc;
	err = hmac_digest(rx->hmac, calc, sizeof(calc), mb->buf + start, end + 4 - start);
	if (err)
		return err;
	for (i = 0; i < rx->taglen; i++) /* in constant time: no tag guessed byte by byte */
		diff |= tag[i] ^ calc[i];
	if (diff)
		return EAUTH;
	if (s && ix <= s->top && (s->top - ix >= CX_MP__SRTP_WINDOW ||
				  (s->seen >> (s->top - ix) & 1)))
		return EALREADY;
	/* a new SSRC when the slots are taken: the least recently authenticated one is kept among
	 * the gone; when they are full it is refused (forgetting one would let its packets in
	 * again: only the far end, which holds the key, can get that far) */
	if (!s && slot->used) {
		if (rx->ngone >= CX_MP_SRTP_SSRCS - CX_MP__SRTP_SLOTS)
			return ENOSPC;
		err = cx_mp__srtp_gone_room(rx);
		if (err)
			return err;
	}
	/* the IV (RFC 3711 4.1.1): session salt, SSRC at bytes 4-7, index at 8-13 */
	memcpy(iv, rx->salt, sizeof(iv));
	iv[14] = iv[15] = 0;
	for (i = 0; i < 4; i++)
		iv[4 + i] ^= (uint8_t)(hdr.ssrc >> (24 - 8 * i));
	for (i = 0; i < 6; i++)
		iv[8 + i] ^= (uint8_t)(ix >> (40 - 8 * i));
	aes_set_iv(rx->aes, iv);
	err = aes_decr(rx->aes, mb->buf + pld, mb->buf + pld, end - pld);
	if (err)
		return err;
	/* authentic: only now is anything kept */
	if (!s || s == &back) {
		if (gone) /* back from the gone: out of them, its place taken by the slot's */
			memmove(&rx->gone[g], &rx->gone[g + 1],
				(--rx->ngone - g) * sizeof(*rx->gone));
		if (slot->used) {
			g = cx_mp__srtp_gone_at(rx, slot->ssrc, &gone);
			memmove(&rx->gone[g + 1], &rx->gone[g], (rx->ngone++ - g) * sizeof(*rx->gone));
			rx->gone[g] = (cx_mp_srtp_gone){.ssrc = slot->ssrc, .top = slot->top};
		}
		*slot = s ? back : (cx_mp_srtp_src){.ssrc = hdr.ssrc, .roc = roc, .s_l = hdr.seq,
						   .top = ix};
		s = slot;
	}
	if (roc > s->roc) {
		s->roc = roc;
		s->s_l = hdr.seq;
	}
	else if (roc == s->roc && hdr.seq > s->s_l)
		s->s_l = hdr.seq;
	if (ix > s->top) {
		s->seen = ix - s->top < CX_MP__SRTP_WINDOW ? s->seen << (ix - s->top) | 1 : 1;
		s->top = ix;
	}
	else
		s->seen |= 1ull << (s->top - ix);
	s->used = ++rx->npkt;
	mb->end = end;
	mb->pos = start;
	return 0;
}

/* Every packet sent: encrypted and tagged in place (mbuf at its RTP header). */
static bool cx_mp__srtp_send(int *err, struct sa *dst, struct mbuf *mb, void *arg)
{
	cx_mp_leg *leg = arg;

	(void)dst;
	/* (a muxed report is SRTCP already: cx_mp__rtcp_send) */
	if (leg->stx && !(leg->mux && mbuf_get_left(mb) >= 2 && cx_mp__rtcp(leg, mbuf_buf(mb)[1] & 0x7f)))
		*err = srtp_encrypt(leg->stx, mb);
	return false;
}

/* An SRTCP packet at mb->pos (RFC 3711 3.4): its tag checked over the packet and its E flag
 * and index, in constant time, then the index against its SSRC's replay window, then its
 * payload decrypted (when E) in place; mb->end is left before the index. 0, or EBADMSG (too
 * short), EAUTH, EALREADY (a replay); nothing is kept of a packet that fails. */
int cx_mp_srtprx_open_rtcp(cx_mp_srtprx *rx, struct mbuf *mb)
{
	uint8_t calc[20], iv[16], diff = 0, *p = mbuf_buf(mb);
	size_t i, n = mbuf_get_left(mb), end;
	uint32_t ssrc, word, ix, k;
	int err, slot = 0, s = -1;

	if (n < 8 + 4 + rx->taglen)
		return EBADMSG;
	end = n - rx->taglen - 4; /* the E flag and index */
	err = hmac_digest(rx->chmac, calc, sizeof(calc), p, end + 4);
	if (err)
		return err;
	for (i = 0; i < rx->taglen; i++)
		diff |= p[end + 4 + i] ^ calc[i];
	if (diff)
		return EAUTH;
	ssrc = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	word = (uint32_t)p[end] << 24 | (uint32_t)p[end + 1] << 16 | (uint32_t)p[end + 2] << 8 |
	       p[end + 3];
	ix = word & 0x7fffffff;
	for (i = 0; i < ARRAY_SIZE(rx->csrc); i++) {
		if (rx->csrc[i].used && rx->csrc[i].ssrc == ssrc)
			s = (int)i;
		if (rx->csrc[i].used < rx->csrc[slot].used)
			slot = (int)i;
	}
	if (s >= 0 && ix <= rx->csrc[s].top &&
	    (rx->csrc[s].top - ix >= 64 || (rx->csrc[s].seen >> (rx->csrc[s].top - ix) & 1)))
		return EALREADY;
	if (word >> 31) { /* the IV as SRTP's, the SRTCP index at bytes 10-13 */
		memcpy(iv, rx->csalt, sizeof(iv));
		iv[14] = iv[15] = 0;
		for (i = 0; i < 4; i++) {
			iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
			iv[10 + i] ^= (uint8_t)(ix >> (24 - 8 * i));
		}
		aes_set_iv(rx->caes, iv);
		err = aes_decr(rx->caes, p + 8, p + 8, end - 8);
		if (err)
			return err;
	}
	if (s < 0) { /* a new SSRC of the far end's (authentic): the least recently used slot */
		s = slot;
		rx->csrc[s].ssrc = ssrc;
		rx->csrc[s].top = ix;
		rx->csrc[s].seen = 0;
	}
	if (ix > rx->csrc[s].top) {
		k = ix - rx->csrc[s].top;
		rx->csrc[s].seen = k >= 64 ? 0 : rx->csrc[s].seen << k;
		rx->csrc[s].top = ix;
	}
	rx->csrc[s].seen |= 1ull << (rx->csrc[s].top - ix);
	rx->csrc[s].used = ++rx->nrtcp;
	mb->end = mb->pos + end;
	return 0;
}

/* Every SRTCP packet to the RTCP port: authenticated and decrypted before libre's RTCP layer
 * decodes it; one that fails is dropped and counted as SRTP's are (/metrics). true: taken. */
static bool cx_mp__srtcp_recv(struct sa *src, struct mbuf *mb, void *arg)
{
	cx_mp_leg *leg = arg;
	int err;

	(void)src;
	if (!leg->srx)
		return false;
	err = cx_mp_srtprx_open_rtcp(leg->srx, mb);
	if (!err)
		return false;
	leg->srtp_bad++;
	if (leg->mp)
		leg->mp->e->met.srtp_bad[err == EAUTH ? 0 : err == EALREADY ? 1 : 3]++;
	return true;
}

/* Every packet received: authenticated (and not a replay) and decrypted before the RTP layer
 * parses it; a failure is dropped and counted, never played or relayed. true: taken
 * (dropped). */
static bool cx_mp__srtp_recv(struct sa *src, struct mbuf *mb, void *arg)
{
	cx_mp_leg *leg = arg;
	const uint8_t *p = mbuf_buf(mb);
	uint8_t pt;
	int err;

	(void)src;
	if (!leg->srx)
		return false;
	/* SRTCP sent to the RTP port: no forged RTP either, dropped without the cost of a tag
	 * check */
	pt = mbuf_get_left(mb) >= 2 ? p[1] & 0x7f : 0;
	if (cx_mp__rtcp(leg, pt) && leg->mux)
		return cx_mp__srtcp_recv(src, mb, arg); /* rtcp-mux: SRTCP, on to libre's RTCP */
	if (cx_mp__rtcp(leg, pt))
		return true;
	err = cx_mp_srtprx_open(leg->srx, mb);
	if (!err)
		return false;
	leg->srtp_bad++;
	if (leg->mp) /* by the reasons of /metrics (rt.h cx_metrics; the rare ENOMEM as not RTP) */
		leg->mp->e->met.srtp_bad[err == EAUTH || err == ETIMEDOUT ? 0 : err == EALREADY ? 1 :
					 err == ENOSPC ? 2 : 3]++;
	/* only the far end, which holds the key, gets an SSRC refused: a fault of its own (or a
	 * key leaked) that the operator should see once, not a line a packet (forged ones, which
	 * anyone can send, are counted only); its header was read (12 bytes), p[8..11] its SSRC */
	if (err == ENOSPC && !leg->srtp_full && leg->c) {
		leg->srtp_full = 1;
		cx_logc(CX_LOG_WARN, leg->c->sess ? leg->c->sess->id : NULL, leg->c->id,
			leg->callid[0] ? leg->callid : NULL, "sip: connection %s: SRTP SSRC %08x of the "
			"far end refused, its packets dropped: the far end's key has carried %u SSRCs "
			"already (the bound; a new key, by re-INVITE, starts again); logged once a call",
			leg->c->id, (unsigned)p[8] << 24 | (unsigned)p[9] << 16 | (unsigned)p[10] << 8 | p[11],
			(unsigned)CX_MP_SRTP_SSRCS);
	}
	return true;
}

int cx_mp_leg_srtp(cx_mp_leg *leg, enum srtp_suite suite, const uint8_t *txkey,
		   const uint8_t *rxkey, size_t klen)
{
	struct srtp *tx = NULL;
	cx_mp_srtprx *rx = NULL;
	int err = 0;

	if (!leg->rtp || (!leg->stx && !txkey) || (!leg->srx && !rxkey))
		return EINVAL;
	if (txkey)
		err = srtp_alloc(&tx, suite, txkey, klen, 0);
	if (!err && rxkey)
		err = cx_mp_srtprx_alloc(&rx, suite, rxkey, klen);
	/* the socket owns its helper (libre frees it with the socket): registered once */
	if (!err && !leg->stx)
		err = udp_register_helper(NULL, rtp_sock(leg->rtp), 0, cx_mp__srtp_send,
					  cx_mp__srtp_recv, leg);
	if (!err && !leg->stx)
		err = udp_register_helper(NULL, rtcp_sock(leg->rtp), 0, NULL, cx_mp__srtcp_recv, leg);
	if (err) {
		mem_deref(tx);
		mem_deref(rx);
		return err;
	}
	if (tx) {
		mem_deref(leg->stx);
		leg->stx = tx;
	}
	if (rx) {
		mem_deref(leg->srx);
		leg->srx = rx;
	}
	return 0;
}

/* Answering-machine detection (amd.c): its result is connection.connected's amd field; the
 * end of a machine's greeting is connection.signal with info.type 'beep'. */
static void cx_mp__amd_h(int what, const char *v, uint32_t ms, void *arg)
{
	cx_mp_leg *leg = arg;
	cx_conn *c = leg->c;
	cx_ev *ev;
	cx_cval *info;

	if (!c)
		return;
	if (what == CX_AMD_RESULT) {
		c->amd = v;
		c->amdms = ms;
		cx_logc(CX_LOG_INFO, c->sess ? c->sess->id : NULL, c->id,
			leg->callid[0] ? leg->callid : NULL,
			"sip: answering-machine detection: %s (%u ms of speech)", v, ms);
		cx_rt_conn_pev(c, CX_PEV_CONNECTED, NULL);
		return;
	}
	if (!(ev = cx_mp__signal_ev(leg)))
		return;
	info = cx_cval_obj();
	if (info && !cx_cval_put(info, "type", 4, cx_cval_str("beep")) &&
	    !cx_cval_put(info, "cause", 5, cx_cval_str(v)) &&
	    !cx_cval_put(info, "duration", 8, cx_cval_num(ms)))
		cx_ev_cval(ev, "info", info);
	mem_deref(info);
	cx_sess_post(c->sess, ev);
}

int cx_mp_leg_amd(cx_mp_leg *leg, const cx_cval *hints)
{
	cx_amd_cfg cfg;

	return cx_amd_want(hints, &cfg) && !cx_amd_alloc(&leg->amd, &cfg, cx_mp__amd_h, leg);
}

/* Section - Joins and conferences (the relay and mixer)
 *
 * One clock per provider: every 20 ms (drift-free, like the player) each live call's received
 * audio is taken from its buffer (decoded to PCM, so PCMU and PCMA legs transcode for free)
 * and given to each of its joins after that join's options (input gain, DTMF clamp); each
 * conference sums its talkers and its prompt; each call that hears something gets the sum of
 * what it hears through each join (after that join's output gain), minus its own voice when
 * it talks into a conference it hears (mix-minus), encoded in its own law and sent with its
 * own RTP sequence, timestamp and SSRC. A call playing a prompt hears the prompt, not the
 * relay. */

/* Section - Join options (docs/sip.md "Join options"): tones, DTMF clamp and regeneration, gains */

static void cx_mp_tone__set(cx_mp_tone *t, int16_t *pcm, size_t n)
{
	mem_deref(t->pcm);
	t->pcm = mem_ref(pcm);
	t->n = n;
	t->pos = 0;
}

/* This frame's part of tone t added to out; the tone goes at its end. */
static void cx_mp_tone__mix(cx_mp_tone *t, int32_t *out)
{
	size_t i;

	if (!t->pcm)
		return;
	for (i = 0; i < CX_MP_SAMPLES && t->pos < t->n; i++)
		out[i] += t->pcm[t->pos++];
	if (t->pos >= t->n)
		t->pcm = mem_deref(t->pcm);
}

/* The platform's tone: two 150 ms beeps, 600 then 900 Hz for entertone, 900 then 600 Hz for
 * exittone, each faded in and out over 5 ms (no clicks). */
static int16_t *cx_mp__beep(int enter, size_t *np)
{
	const size_t half = 8 * 150, fade = 8 * 5;
	int16_t *pcm = mem_alloc(2 * half * sizeof(*pcm), NULL);
	size_t i;

	if (!pcm)
		return NULL;
	for (i = 0; i < 2 * half; i++) {
		size_t k = i % half, edge = k < fade ? k : half - 1 - k < fade ? half - 1 - k : fade;
		float hz = (i < half) == !!enter ? 600.f : 900.f;
		pcm[i] = (int16_t)(6000.f * (float)edge / (float)fade *
				   sinf(2.f * (float)M_PI * hz * (float)k / 8000.f));
	}
	*np = 2 * half;
	return pcm;
}

/* A join's tone: NULL none, "" the platform's, else a media src read as a prompt's
 * (--media-root, text=). */
static int cx_mp__tone(cx_mp *mp, const char *src, int enter, int16_t **pcmp, size_t *np)
{
	int tts = 0, err;

	*pcmp = NULL;
	*np = 0;
	if (!src)
		return 0;
	if (!*src)
		return (*pcmp = cx_mp__beep(enter, np)) ? 0 : ENOMEM;
	err = cx_media_load(mp->e->media_root, src, pcmp, np, &tts);
	if (err)
		cx_log(CX_LOG_WARN, NULL, "sip: join: %s '%H' cannot be played: %s",
		       enter ? "entertone" : "exittone", cx_rt_esc, src, strerror(err));
	return err;
}

/* A join's tone where it belongs: into the conference's mix when one side is a conference
 * (all its listeners hear it), else to both calls. skip: a conference going away. */
static void cx_mp__tone_play(cx_mp *mp, const cx_mp_edge *ed, int16_t *pcm, size_t n,
			     const void *skip)
{
	void *f = ed->dk == 'f' ? ed->dst : ed->sk == 'f' ? ed->src : NULL;

	if (!pcm || (f && f == skip))
		return;
	if (f)
		cx_mp_tone__set(&((cx_mp_conf *)f)->tone, pcm, n);
	else {
		cx_mp_tone__set(&((cx_mp_leg *)ed->dst)->tone, pcm, n);
		cx_mp_tone__set(&((cx_mp_leg *)ed->src)->tone, pcm, n);
	}
	cx_mp_mix__start(mp);
}

/* Automatic gain (<join autoinputgain/autooutputgain>, one state g per join and direction): the
 * frame's mean absolute level is brought toward CX_MP__AGC_TARGET, the gain moving an eighth of
 * the way each frame (about 150 ms to settle) within 1/4..4 (+-12 dB); a frame below
 * CX_MP__AGC_FLOOR (silence, line noise) leaves the gain where it is, so pauses are not pumped
 * up. */
static void cx_mp__agc(float *g, int32_t *v)
{
	float level = 0, want;
	size_t i;

	for (i = 0; i < CX_MP_SAMPLES; i++)
		level += (float)(v[i] < 0 ? -v[i] : v[i]);
	level /= CX_MP_SAMPLES;
	if (level >= CX_MP__AGC_FLOOR) {
		want = CX_MP__AGC_TARGET / level;
		want = want < .25f ? .25f : want > 4.f ? 4.f : want;
		*g += (want - *g) / 8.f;
	}
	for (i = 0; i < CX_MP_SAMPLES; i++)
		v[i] = (int32_t)((float)v[i] * *g);
}

/* This frame of an RFC 4733 digit regenerated as its two tones (-13 dBm0 each) while the
 * event lasts (leg->dtone), for the joins that do not clamp it. */
static void cx_mp__dgen(cx_mp_leg *leg, uint64_t now)
{
	static const uint16_t hz[16][2] = { /* RFC 4733 events 0-9 * # A B C D */
		{941, 1336}, {697, 1209}, {697, 1336}, {697, 1477}, {770, 1209}, {770, 1336},
		{770, 1477}, {852, 1209}, {852, 1336}, {852, 1477}, {941, 1209}, {941, 1477},
		{697, 1633}, {770, 1633}, {852, 1633}, {941, 1633}};
	size_t i;

	if (leg->dgen && now >= leg->dgenend)
		leg->dgen = 0;
	for (i = 0; leg->dgen && i < CX_MP_SAMPLES; i++, leg->dgenk++) {
		float t = 2.f * (float)M_PI * (float)(leg->dgenk % 8000) / 8000.f;
		leg->dtone[i] = (int16_t)(5000.f * (sinf(t * hz[leg->dgen - 1][0]) +
						    sinf(t * hz[leg->dgen - 1][1])));
	}
}

static void cx_mp__clip(int16_t *pcm, const int32_t *v)
{
	size_t i;

	for (i = 0; i < CX_MP_SAMPLES; i++)
		pcm[i] = (int16_t)(v[i] > 32767 ? 32767 : v[i] < -32767 ? -32767 : v[i]);
}

/* What a call (src) gives join ed this frame (ed->fr): nothing while its audio is DTMF and the
 * join clamps it, else its audio after the join's input gain, plus a regenerated digit (after
 * the gain: a digit keeps its level). */
static void cx_mp_mix__in(cx_mp_edge *ed, uint64_t now)
{
	const cx_mp_leg *src = ed->src;
	int32_t v[CX_MP_SAMPLES];
	size_t i;

	if (ed->clamp && now < src->dmute) {
		memset(ed->fr, 0, sizeof(ed->fr));
		return;
	}
	if (!ed->agcin && !src->dgen) {
		memcpy(ed->fr, src->in, sizeof(ed->fr));
		return;
	}
	for (i = 0; i < CX_MP_SAMPLES; i++)
		v[i] = src->in[i];
	if (ed->agcin)
		cx_mp__agc(&ed->gin, v);
	for (i = 0; src->dgen && i < CX_MP_SAMPLES; i++)
		v[i] += src->dtone[i];
	cx_mp__clip(ed->fr, v);
}

/* Section - Joins and conferences: who hears whom */

static void cx_mp_edge__destroy(void *arg)
{
	cx_mp_edge *ed = arg;

	list_unlink(&ed->le);
	mem_deref(ed->xpcm);
}

/* A join ends (unjoin, or one side leaves): its exittone plays, except into skip. */
static void cx_mp_mix__end(cx_mp *mp, cx_mp_edge *ed, const void *skip)
{
	if (!ed)
		return;
	cx_mp__tone_play(mp, ed, ed->xpcm, ed->xn, skip);
	mem_deref(ed);
}

/* A call or a conference leaves every join. */
static void cx_mp_mix__drop(cx_mp *mp, const void *node)
{
	struct le *le = list_head(&mp->edges);

	while (le) {
		cx_mp_edge *ed = le->data;
		le = le->next;
		if (ed->dst == node || ed->src == node)
			cx_mp_mix__end(mp, ed, node);
	}
}

static cx_mp_edge *cx_mp_mix__edge(cx_mp *mp, const void *dst, const void *src)
{
	struct le *le;

	LIST_FOREACH(&mp->edges, le) {
		cx_mp_edge *ed = le->data;
		if (ed->dst == dst && ed->src == src)
			return ed;
	}
	return NULL;
}

static int cx_mp_mix__add(cx_mp *mp, void *dst, char dk, void *src, char sk)
{
	cx_mp_edge *ed;

	if (cx_mp_mix__edge(mp, dst, src))
		return 0;
	ed = mem_zalloc(sizeof(*ed), cx_mp_edge__destroy);
	if (!ed)
		return ENOMEM;
	ed->dst = dst;
	ed->dk = dk;
	ed->src = src;
	ed->sk = sk;
	ed->gin = ed->gout = 1.f;
	list_append(&mp->edges, &ed->le, ed);
	return 0;
}

/* A received G.711 packet into the call's buffer; the oldest audio goes when it is full. */
static void cx_mp_mix__put(cx_mp_leg *leg, const struct rtp_header *hdr, struct mbuf *mb)
{
	const uint8_t *b = mbuf_buf(mb);
	size_t n = mbuf_get_left(mb), i;

	if (n > 3 * CX_MP_SAMPLES)
		n = 3 * CX_MP_SAMPLES; /* no sane peer sends more than 60 ms per packet */
	for (i = 0; i < n; i++) {
		if (leg->jn == CX_MP_JB) {
			leg->jr = (leg->jr + 1) % CX_MP_JB;
			leg->jn--;
		}
		leg->jb[(leg->jr + leg->jn) % CX_MP_JB] = hdr->pt == 8 ? g711_alaw2pcm(b[i]) :
			g711_ulaw2pcm(b[i]);
		leg->jn++;
	}
}

/* This frame's 160 samples from the far end; silence while the buffer (re)fills to 40 ms, so
 * that late packets do not cut every frame. */
static void cx_mp_mix__get(cx_mp_leg *leg)
{
	uint32_t i;

	if (!leg->jprimed && leg->jn >= CX_MP__JB_START)
		leg->jprimed = 1;
	if (!leg->jprimed || leg->jn < CX_MP_SAMPLES) {
		leg->jprimed = 0;
		memset(leg->in, 0, sizeof(leg->in));
		return;
	}
	for (i = 0; i < CX_MP_SAMPLES; i++)
		leg->in[i] = leg->jb[(leg->jr + i) % CX_MP_JB];
	leg->jr = (leg->jr + CX_MP_SAMPLES) % CX_MP_JB;
	leg->jn -= CX_MP_SAMPLES;
}

/* 127.0.0.0/8 or ::1 (libre's sa_is_loopback knows 127.0.0.1 only) */
static bool cx_mp__loopback(const struct sa *a)
{
	if (sa_af(a) == AF_INET)
		return (sa_in(a) >> 24) == 127;
	return sa_af(a) == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a->u.in6.sin6_addr);
}

/* Where a call's media never go (mplane.h): a group of hosts, or this host for a far end
 * elsewhere (docs/sip.md "Media addresses"). */
const char *cx_mp_leg_bad_dst(const cx_mp_leg *leg, const struct sa *a)
{
	if ((sa_af(a) == AF_INET && ((sa_in(a) >> 28) == 0xe || sa_in(a) == 0xffffffffu)) ||
	    (sa_af(a) == AF_INET6 && ((const uint8_t *)&a->u.in6.sin6_addr)[0] == 0xff))
		return "a multicast or broadcast address";
	if (cx_mp__loopback(a) && sa_isset(&leg->sigsrc, SA_ADDR) && !cx_mp__loopback(&leg->sigsrc))
		return "a loopback address, from another host";
	return NULL;
}

/* May we send the far end audio now? Not while its SDP holds the stream (RFC 3264 6.1: an
 * offer of sendonly or inactive is answered recvonly or inactive, and the answerer then sends
 * nothing) nor to the unspecified address of RFC 2543's hold (c=0.0.0.0, RFC 3264 8.4), which
 * Linux would deliver to this host, nor to an address cx_mp_leg_bad_dst refuses. What would
 * have been sent is dropped: the prompt and the mix go on with the clock, and the first packet
 * after the hold starts a talk spurt. */
bool cx_mp_leg_may_send(const cx_mp_leg *leg)
{
	const struct sa *ra;

	if (!leg->sdpm || !(sdp_media_dir(leg->sdpm) & SDP_SENDONLY))
		return false;
	ra = sdp_media_raddr(leg->sdpm);
	return sa_isset(ra, SA_ALL) && !sa_is_any(ra) && !cx_mp_leg_bad_dst(leg, ra);
}

/* Packets of prompts and joins not sent after a stall (ccxml_rtp_packets_skipped_total), and
 * sends that failed (ccxml_rtp_send_errors_total; err the last one's errno): counted, and
 * logged by the media clock's tick at most every 10 s. */
static void cx_mp__skip(cx_mp *mp, uint64_t n)
{
	mp->skipped += n;
	mp->e->met.rtp_skipped += n;
}

static void cx_mp__txerr(cx_mp *mp, uint64_t n, int err)
{
	mp->txerrs += n;
	mp->txerr = err;
	mp->e->met.rtp_send_err += n;
}

/* The send thread's descriptor for the leg's RTP socket, for packets to dst (a dup, so that
 * the thread never sends on a number libre closed and reused): -1 when it cannot have one
 * (another address family, no descriptor left). */
static int cx_mp__txfd(cx_mp_leg *leg, const struct sa *dst)
{
	int fd;

	if (leg->txfd)
		return leg->txaf == sa_af(dst) ? leg->txfd - 1 : -1;
	fd = udp_sock_fd(rtp_sock(leg->rtp), sa_af(dst));
	if (fd < 0 || (fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return -1;
	leg->txfd = fd + 1;
	leg->txaf = sa_af(dst);
	return fd;
}

/* One RTP packet of the leg's stream (mb: its payload after room for the header): through
 * libre's rtp_send (its SRTP helper encrypts it), or, with the send thread (cx_mp_sender),
 * made the same way here (libre's header, SRTP) and queued for the thread, which sends it at
 * the end of the media clock's tick (at once out of it). */
static int cx_mp__send(cx_mp_leg *leg, bool marker, uint32_t ts, struct mbuf *mb)
{
	cx_mp *mp = leg->mp;
	const struct sa *dst = cx_mp__dst(leg);
	size_t pos;
	int fd, err;

	if (mp->sender && !mp->txq) { /* the first packet for the thread starts it */
		if ((err = cx_txq_alloc(&mp->txq))) {
			cx_log(CX_LOG_WARN, NULL, "sip: no media send thread (%s): the loop sends",
			       strerror(err));
			mp->sender = 0;
		}
		else
			cx_log(CX_LOG_INFO, NULL, "sip: media send thread started (--media-thread)");
	}
	if (!mp->sender || mb->pos < RTP_HEADER_SIZE || (fd = cx_mp__txfd(leg, dst)) < 0)
		return rtp_send(leg->rtp, dst, false, marker, (uint8_t)leg->pt, ts, mb);
	mb->pos -= RTP_HEADER_SIZE;
	pos = mb->pos;
	err = rtp_encode(leg->rtp, false, marker, (uint8_t)leg->pt, ts, mb);
	mb->pos = pos;
	if (!err && leg->stx)
		err = srtp_encrypt(leg->stx, mb);
	if (!err)
		err = cx_txq_send(mp->txq, fd, dst, mbuf_buf(mb), mbuf_get_left(mb));
	if (err == ENOBUFS) { /* the thread is far behind: dropped like a late packet */
		cx_mp__skip(mp, 1);
		err = 0;
	}
	if (!mp->intick)
		cx_txq_kick(mp->txq);
	return err;
}

/* The send thread's failures since the last tick, and the loop's own (cx_mp__txerr): logged a
 * line per 10 s at most, and the rest when the clock stops (a far end no route reaches would
 * otherwise be a line per packet); packets the thread found too late to send count as
 * skipped. */
static void cx_mp__txq_counts(cx_mp *mp, uint64_t now, int busy)
{
	uint64_t sent, errs, stale;
	int lasterr;

	if (mp->txq) {
		cx_txq_counts(mp->txq, &sent, &errs, &stale, &lasterr);
		cx_mp__skip(mp, stale);
		if (errs)
			cx_mp__txerr(mp, errs, lasterr);
	}
	if (mp->txerrs && (now - mp->txerrlog >= 10000 || !busy)) {
		cx_log(CX_LOG_INFO, NULL, "sip: RTP send: %s (%llu packets)", strerror(mp->txerr),
		       (unsigned long long)mp->txerrs);
		mp->txerrs = 0;
		mp->txerrlog = now;
	}
}

static void cx_mp_mix__send(cx_mp *mp, cx_mp_leg *leg, const int32_t *out)
{
	int marker = leg->mlast != mp->mixn - 1 || !leg->mlast;
	int16_t pcm[CX_MP_SAMPLES];
	struct mbuf *mb;
	int err;

	if (!cx_mp_leg_may_send(leg))
		return; /* held: leg->mlast stays behind, so the next packet sent is marked */
	cx_mp__clip(pcm, out);
	mb = cx_mp__g711(mp, leg->pt, pcm, CX_MP_SAMPLES);
	if (!mb)
		return;
	/* a new talk spurt (first packet, or after a prompt): the timestamp follows the clock */
	if (marker)
		leg->mts = leg->tsbase + (uint32_t)((tmr_jiffies() - leg->t0) * 8);
	else
		leg->mts += CX_MP_SAMPLES;
	leg->mlast = mp->mixn;
	cx_mp__count_tx(leg, mbuf_get_left(mb));
	err = cx_mp__send(leg, marker, leg->mts, mb);
	if (err)
		cx_mp__txerr(mp, 1, err);
}

/* What dst (a call) hears through join ed this frame, added to out: the other call's part of
 * the join, or the conference's sum minus dst's own part of it (mix-minus), after the join's
 * output gain. */
static void cx_mp_mix__out(cx_mp *mp, cx_mp_edge *ed, int32_t *out)
{
	int32_t v[CX_MP_SAMPLES];
	const cx_mp_edge *me;
	size_t i;

	if (ed->sk == 'c')
		for (i = 0; i < CX_MP_SAMPLES; i++)
			v[i] = ed->fr[i];
	else {
		const cx_mp_conf *fc = ed->src;
		me = cx_mp_mix__edge(mp, fc, ed->dst);
		for (i = 0; i < CX_MP_SAMPLES; i++)
			v[i] = fc->sum[i] - (me ? me->fr[i] : 0);
	}
	if (ed->agcout)
		cx_mp__agc(&ed->gout, v);
	for (i = 0; i < CX_MP_SAMPLES; i++)
		out[i] += v[i];
}

static void cx_mp_mix__frame(cx_mp *mp)
{
	int32_t out[CX_MP_SAMPLES];
	uint64_t now = tmr_jiffies();
	struct le *le, *ge;
	size_t i;

	LIST_FOREACH(&mp->legs, le) {
		cx_mp_leg *leg = le->data;
		if (cx_mp_live(leg)) {
			cx_mp_mix__get(leg);
			cx_mp__dgen(leg, now);
		}
		else { /* no audio, no digit regenerated */
			memset(leg->in, 0, sizeof(leg->in));
			leg->dgen = 0;
		}
	}
	LIST_FOREACH(&mp->edges, le) /* what each call gives each of its joins */
		if (((cx_mp_edge *)le->data)->sk == 'c')
			cx_mp_mix__in(le->data, now);
	LIST_FOREACH(&mp->confs, le) {
		cx_mp_conf *fc = le->data;
		cx_mp_play *p = fc->play;
		memset(fc->sum, 0, sizeof(fc->sum));
		LIST_FOREACH(&mp->edges, ge) {
			cx_mp_edge *ed = ge->data;
			if (ed->dst == fc && ed->sk == 'c')
				for (i = 0; i < CX_MP_SAMPLES; i++)
					fc->sum[i] += ed->fr[i];
		}
		if (p) {
			size_t off = (size_t)p->npkt * CX_MP_SAMPLES;
			for (i = 0; i < CX_MP_SAMPLES && off + i < p->n; i++)
				fc->sum[i] += p->pcm[off + i];
			if (++p->npkt * (size_t)CX_MP_SAMPLES >= p->n) {
				cx_mp_play__stop(p);
				cx_rt_dlg_pev(p->d, CX_PEV_DLG_EXIT, NULL);
			}
		}
		cx_mp_tone__mix(&fc->tone, fc->sum);
		if (fc->rec)
			cx_rec_mix(fc->rec, fc->sum, CX_MP_SAMPLES);
	}
	LIST_FOREACH(&mp->legs, le) {
		cx_mp_leg *leg = le->data;
		int any = 0;
		if (!cx_mp_live(leg) || leg->play)
			continue;
		memset(out, 0, sizeof(out));
		LIST_FOREACH(&mp->edges, ge) {
			cx_mp_edge *ed = ge->data;
			if (ed->dst != leg)
				continue;
			any = 1;
			cx_mp_mix__out(mp, ed, out);
		}
		if (leg->tone.pcm) {
			any = 1;
			cx_mp_tone__mix(&leg->tone, out);
		}
		if (any)
			cx_mp_mix__send(mp, leg, out);
	}
}

static int cx_mp_mix__busy(cx_mp *mp)
{
	struct le *le;

	if (list_head(&mp->edges) || list_head(&mp->plays))
		return 1;
	LIST_FOREACH(&mp->confs, le)
		if (((cx_mp_conf *)le->data)->play || ((cx_mp_conf *)le->data)->rec ||
		    ((cx_mp_conf *)le->data)->tone.pcm)
			return 1;
	LIST_FOREACH(&mp->legs, le) /* a tone after the last unjoin */
		if (((cx_mp_leg *)le->data)->tone.pcm && cx_mp_live(le->data))
			return 1;
	return 0;
}

static void cx_mp_mix__tick(void *arg)
{
	cx_mp *mp = arg;
	uint64_t now = tmr_jiffies(), due;
	int burst = 0, busy;

	mp->intick = 1;
	while (mp->mixt0 + mp->mixn * CX_MP_PTIME <= now && burst < CX_MP__CATCHUP) {
		mp->mixn++;
		cx_mp_mix__frame(mp);
		burst++;
	}
	/* stalled: skip whole frames, do not race to catch up; the clock keeps its phase, which
	 * the prompts' packets follow (cx_mp_play__begin) */
	if (mp->mixt0 + mp->mixn * CX_MP_PTIME + 200 < now)
		mp->mixn = (now - mp->mixt0) / CX_MP_PTIME;
	cx_mp_play__all(mp, now);
	mp->intick = 0;
	cx_txq_kick(mp->txq);
	busy = cx_mp_mix__busy(mp);
	cx_mp__txq_counts(mp, now, busy);
	/* a line per 10 s at most, and the rest when the clock stops: every skip is told */
	if (mp->skipped && (now - mp->skiplog >= 10000 || !busy)) {
		cx_log(CX_LOG_WARN, NULL, "sip: the program was late for its media clock: %llu "
		       "prompt packets skipped (due more than %d ms before)",
		       (unsigned long long)mp->skipped, CX_MP_LATE);
		mp->skipped = 0;
		mp->skiplog = now;
	}
	if (!busy)
		return; /* the clock stops with the last join; cx_mp_mix__start restarts it */
	due = mp->mixt0 + mp->mixn * CX_MP_PTIME;
	tmr_start(&mp->mixtmr, due > now ? due - now : 0, cx_mp_mix__tick, mp);
}

static void cx_mp_mix__start(cx_mp *mp)
{
	if (tmr_isrunning(&mp->mixtmr))
		return;
	mp->mixt0 = tmr_jiffies();
	mp->mixn = 0;
	tmr_start(&mp->mixtmr, 0, cx_mp_mix__tick, mp);
}

/* id -> a connected call ('c') or a conference ('f'); dialogs are joined through
 * <dialogstart conferenceid> only. */
static int cx_mp_mix__node(cx_mp *mp, cx_sess *s, const char *id, int strict, void **np,
			   char *kp)
{
	cx_conn *c = cx_conn_find(s, id);
	cx_conf *f;

	if (c) {
		cx_mp_leg *leg = mp->legh(c, 1);
		if (!leg || leg->bridged || (strict && (!mp->legh(c, 0) || !cx_mp_live(leg)))) {
			cx_log(CX_LOG_WARN, NULL, "sip: join: connection %s has no audio (not "
			       "connected)", id);
			return EPROTO;
		}
		*np = leg;
		*kp = 'c';
		return 0;
	}
	f = cx_conf_find(s, id);
	if (f && f->pd) {
		*np = f->pd;
		*kp = 'f';
		return 0;
	}
	cx_log(CX_LOG_WARN, NULL, "sip: join: '%H' is not a connection or conference of this "
	       "provider (start a dialog with conferenceid to play into a conference)", cx_rt_esc,
	       id);
	return ENOTSUP;
}

int cx_mp_bridge(cx_mp_leg *a, cx_mp_leg *b)
{
	cx_mp *mp = a->mp;
	int err;

	if (!mp || mp != b->mp || a == b || !cx_mp_live(a) || !cx_mp_live(b))
		return EPROTO;
	cx_mp_mix__drop(mp, a);
	cx_mp_mix__drop(mp, b);
	err = cx_mp_mix__add(mp, a, 'c', b, 'c');
	if (!err)
		err = cx_mp_mix__add(mp, b, 'c', a, 'c');
	if (err) {
		cx_mp_mix__drop(mp, a);
		return err;
	}
	a->bridged = b->bridged = 1; /* the new joins' gains are off: as if they called each other */
	cx_mp_mix__start(mp);
	return 0;
}

/* One direction of a join (dst hears src) takes the join's options; g: the gains it goes on
 * from (those of the join it replaces, else 1). Input gain applies to what a call gives, output
 * gain to what a call hears. */
static void cx_mp_mix__opts(cx_mp_edge *ed, const cx_joinopt *o, const float *g)
{
	ed->clamp = o->dtmfclamp;
	ed->agcin = o->agcin && ed->sk == 'c';
	ed->agcout = o->agcout && ed->dk == 'c';
	ed->gin = g[0];
	ed->gout = g[1];
}

/* The gains of the join dst hears src through (into g[0], g[1]) as it goes: 1 when none. */
static void cx_mp_mix__replace(cx_mp *mp, const void *dst, const void *src, float *g)
{
	cx_mp_edge *ed = cx_mp_mix__edge(mp, dst, src);

	g[0] = ed ? ed->gin : 1.f;
	g[1] = ed ? ed->gout : 1.f;
	mem_deref(ed);
}

int cx_mp_join(cx_mp *mp, cx_sess *s, const char *id1, const char *id2, int full,
	       const cx_joinopt *o)
{
	int16_t *enter = NULL, *xpcm = NULL;
	size_t en, xn;
	void *a, *b;
	char ka, kb;
	cx_mp_edge *ed;
	float gab[2], gba[2];
	int err;

	if ((err = cx_mp_mix__node(mp, s, id1, 1, &a, &ka)) ||
	    (err = cx_mp_mix__node(mp, s, id2, 1, &b, &kb)))
		return err;
	if (a == b) {
		cx_log(CX_LOG_INFO, NULL, "sip: join: %s with itself", id1);
		return EINVAL;
	}
	if (ka == 'f' && kb == 'f') {
		cx_log(CX_LOG_WARN, NULL, "sip: join: conference to conference is not supported");
		return ENOTSUP;
	}
	if ((err = cx_mp__tone(mp, o->entertone, 1, &enter, &en)) ||
	    (err = cx_mp__tone(mp, o->exittone, 0, &xpcm, &xn))) {
		mem_deref(enter);
		return err;
	}
	/* a new join of the same two replaces the old one (e.g. full -> half): no exittone, the
	 * gains go on from where they were (no jump) */
	cx_mp_mix__replace(mp, a, b, gab);
	cx_mp_mix__replace(mp, b, a, gba);
	err = cx_mp_mix__add(mp, a, ka, b, kb); /* id1 hears id2 */
	if (!err && (ed = cx_mp_mix__edge(mp, a, b))) {
		cx_mp_mix__opts(ed, o, gab);
		ed->xpcm = xpcm; /* the join's end plays it, once */
		ed->xn = xn;
		xpcm = NULL;
	}
	if (!err && full && !(err = cx_mp_mix__add(mp, b, kb, a, ka)) &&
	    (ed = cx_mp_mix__edge(mp, b, a)))
		cx_mp_mix__opts(ed, o, gba);
	if (!err) {
		if ((ed = cx_mp_mix__edge(mp, a, b)))
			cx_mp__tone_play(mp, ed, enter, en, NULL);
		cx_mp_mix__start(mp);
	}
	mem_deref(enter);
	mem_deref(xpcm);
	return err;
}

int cx_mp_unjoin(cx_mp *mp, cx_sess *s, const char *id1, const char *id2)
{
	cx_mp_edge *ab, *ba;
	void *a, *b;
	char ka, kb;
	int err;

	if ((err = cx_mp_mix__node(mp, s, id1, 0, &a, &ka)) ||
	    (err = cx_mp_mix__node(mp, s, id2, 0, &b, &kb)))
		return err;
	ab = cx_mp_mix__edge(mp, a, b);
	ba = cx_mp_mix__edge(mp, b, a);
	if (!ab && !ba) {
		cx_log(CX_LOG_WARN, NULL, "sip: unjoin: %s and %s are not joined", id1, id2);
		return ENOENT;
	}
	cx_mp_mix__end(mp, ab, NULL);
	cx_mp_mix__end(mp, ba, NULL);
	return 0;
}

static void cx_mp_conf__destroy(void *arg)
{
	cx_mp_conf *fc = arg;

	if (fc->play) {
		fc->play->conf = NULL;
		fc->play = NULL;
	}
	if (fc->mp)
		cx_mp_mix__drop(fc->mp, fc);
	fc->tone.pcm = mem_deref(fc->tone.pcm);
	list_unlink(&fc->le);
}

int cx_mp_conf_create(cx_mp *mp, cx_conf *f)
{
	cx_mp_conf *fc;

	fc = mem_zalloc(sizeof(*fc), cx_mp_conf__destroy);
	if (!fc)
		return ENOMEM;
	fc->mp = mp;
	fc->f = f;
	list_append(&mp->confs, &fc->le, fc);
	mem_deref(f->pd);
	f->pd = fc;
	return 0;
}

int cx_mp_conf_destroy(cx_conf *f)
{
	cx_mp_conf *fc = f->pd;
	cx_mp_play *p = fc ? fc->play : NULL;

	if (p) {
		/* its prompt ends with it */
		cx_mp_play__stop(p);
		cx_rt_dlg_pev(p->d, CX_PEV_DLG_EXIT, NULL);
	}
	if (fc)
		cx_rec_end(fc->rec, "destroyed"); /* and its recording */
	f->pd = mem_deref(fc);
	return 0;
}

/* Section - Audio dialogs (RTP player) */

static void cx_mp_play__stop(cx_mp_play *p)
{
	list_unlink(&p->le);
	if (p->leg && p->leg->play == p)
		p->leg->play = NULL;
	p->leg = NULL;
	if (p->conf && p->conf->play == p)
		p->conf->play = NULL;
	p->conf = NULL;
}

static void cx_mp_play__destroy(void *arg)
{
	cx_mp_play *p = arg;

	cx_mp_play__stop(p);
	mem_deref(p->pcm);
}

static int cx_mp_play__send(cx_mp_play *p)
{
	cx_mp_leg *leg = p->leg;
	size_t off = (size_t)p->npkt * CX_MP_SAMPLES;
	struct mbuf *mb;
	bool marker;

	if (!leg->mp)
		return 0;
	if (!cx_mp_leg_may_send(leg)) {
		p->resync = 1; /* held: the prompt goes on unheard; the first packet after is marked */
		return 0;
	}
	mb = cx_mp__g711(leg->mp, leg->pt, off < p->n ? p->pcm + off : NULL,
			 off < p->n ? p->n - off : 0);
	if (!mb)
		return ENOMEM;
	cx_mp__count_tx(leg, mbuf_get_left(mb));
	marker = p->npkt == 0 || p->resync;
	p->resync = 0;
	return cx_mp__send(leg, marker, p->ts0 + p->npkt * CX_MP_SAMPLES, mb);
}

uint32_t cx_mp_pace(uint64_t t0, uint32_t sent, uint32_t total, uint64_t now, uint32_t *skip)
{
	uint64_t due, keep;

	*skip = 0;
	if (now < t0 || sent >= total)
		return 0;
	due = (now - t0) / CX_MP_PTIME + 1; /* packets 0..due-1 are due */
	if (due > total)
		due = total;
	if (due <= sent)
		return 0;
	/* the first packet due at most CX_MP_LATE ms ago */
	keep = now - t0 > CX_MP_LATE ? (now - t0 - CX_MP_LATE + CX_MP_PTIME - 1) / CX_MP_PTIME : 0;
	if (keep > sent)
		*skip = (uint32_t)((keep < due ? keep : due) - sent);
	return (uint32_t)(due - sent) - *skip;
}

/* Drift-free pacing on the media clock: packet k of a prompt is due at t0 + 20k ms (t0 a frame
 * of the clock, so each tick finds it due); the clock (cx_mp_mix__tick) sends what is due of
 * every prompt at each of its ticks, so a thousand playing calls cost one timer, not a
 * thousand in libre's timer list. After a stall the packets too late to be played are skipped
 * (cx_mp_pace; docs/decisions.md "Prompts after a stall"). */
static void cx_mp_play__run(cx_mp_play *p, uint64_t now)
{
	uint32_t total = (uint32_t)((p->n + CX_MP_SAMPLES - 1) / CX_MP_SAMPLES), skip, n;

	if (!p->leg)
		return;
	n = cx_mp_pace(p->t0, p->npkt, total, now, &skip);
	if (skip) {
		p->npkt += skip;
		p->resync = 1;
		if (p->leg->mp)
			cx_mp__skip(p->leg->mp, skip);
	}
	while (n--) {
		int err = cx_mp_play__send(p);
		if (err && p->leg && p->leg->mp)
			cx_mp__txerr(p->leg->mp, 1, err);
		p->npkt++;
	}
	if (p->npkt >= total && p->t0 + (uint64_t)p->npkt * CX_MP_PTIME <= now) {
		/* the last packet's 20 ms have passed: the prompt is over */
		cx_mp_play__stop(p);
		if (p->d) /* NULL: a VoiceXML prompt, whose dialog goes on */
			cx_rt_dlg_pev(p->d, CX_PEV_DLG_EXIT, NULL);
	}
}

/* A prompt starts playing to leg on the media clock's next frame (now when the clock starts):
 * its packets then go out at the clock's ticks, never up to 20 ms after their due time as
 * they would with a phase of their own. */
static void cx_mp_play__begin(cx_mp_play *p, cx_mp_leg *leg)
{
	cx_mp *mp = leg->mp;
	uint64_t now = tmr_jiffies();

	p->leg = leg;
	leg->play = p;
	cx_mp_mix__start(mp);
	p->t0 = mp->mixt0 + mp->mixn * CX_MP_PTIME;
	if (p->t0 < now) /* the clock's tick is late: its first frame from now on */
		p->t0 += (now - p->t0 + CX_MP_PTIME - 1) / CX_MP_PTIME * CX_MP_PTIME;
	p->ts0 = leg->tsbase + (uint32_t)((p->t0 - leg->t0) * 8);
	list_append(&mp->plays, &p->le, p);
	cx_mp_play__run(p, now); /* packet 0 when due now; else the clock sends it */
}

static void cx_mp_play__all(cx_mp *mp, uint64_t now)
{
	struct le *le = list_head(&mp->plays);

	while (le) {
		cx_mp_play *p = le->data;
		le = le->next; /* p may leave the list */
		cx_mp_play__run(p, now);
	}
}

/* <dialogstart src="'record:NAME.wav'"> on a connection or a conference (record.c): a failure
 * is reported here with its own reason. */
static int cx_mp__record(cx_engine *e, cx_dlg *d, cx_mp_leg *leg, cx_mp_conf *fc)
{
	cx_rec **slot = fc ? &fc->rec : &leg->rec, *r = NULL;
	const char *why = "the connection or conference is being recorded already";
	int err = EBUSY;

	if (!*slot)
		err = cx_rec_start(&r, d, e->record_dir, slot, &why);
	if (err) {
		cx_log(CX_LOG_WARN, NULL, "sip: dialog %s: %s", d->id, why ? why : strerror(err));
		cx_rt_dlg_pev(d, CX_PEV_DLG_NOTSTARTED, why ? why : "cannot start this dialog");
		return 0;
	}
	mem_deref(d->pd);
	d->pd = r;
	cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
	if (fc)
		cx_mp_mix__start(fc->mp); /* the mixer clock takes the conference's frames */
	return 0;
}

int cx_mp_dialogstart(cx_mp *mp, cx_dlg *d)
{
	cx_mp_play *p;
	cx_mp_leg *leg;
	cx_mp_conf *fc = NULL;
	cx_conn *c;
	int err, tts = 0;
	const cx_vx_doc *vx = cx_vx_dlgdoc(d);

	if (vx && (!d->type || strncasecmp(d->type, "audio/", 6)))
		return cx_mp__vx_start(mp, d, vx);
	if (!d->type || strncasecmp(d->type, "audio/", 6)) {
		cx_log(CX_LOG_WARN, NULL, "sip: dialog type '%H' is not supported (only audio/*)",
		       cx_rt_esc, d->type ? d->type : "");
		return ENOTSUP;
	}
	if (d->confid[0]) {
		cx_conf *f = cx_conf_find(d->sess, d->confid);
		fc = f ? f->pd : NULL;
		if (!fc) {
			cx_log(CX_LOG_INFO, NULL, "sip: dialog %s: no conference %s", d->id,
			       d->confid);
			return EPROTO;
		}
	}
	c = d->connid[0] ? cx_conn_find(d->sess, d->connid) : NULL;
	leg = c ? mp->legh(c, 0) : NULL;
	if (!fc && (!leg || !leg->estab || leg->pt < 0)) {
		cx_log(CX_LOG_WARN, NULL, "sip: dialog %s: its connection has no audio yet (not "
		       "connected)", d->id);
		return EPROTO;
	}
	if (cx_rec_is(d->src))
		return cx_mp__record(mp->e, d, leg, fc);
	p = mem_zalloc(sizeof(*p), cx_mp_play__destroy);
	if (!p)
		return ENOMEM;
	p->d = d;
	err = cx_media_load(mp->e->media_root, d->src, &p->pcm, &p->n, &tts);
	if (err) {
		mem_deref(p);
		return err;
	}
	if (tts)
		cx_log(CX_LOG_ERR, NULL, "dialog %s: cannot play the file of '%H': speaking its "
		       "text=", d->id, cx_rt_esc, d->src);
	if (fc) {
		/* into the conference's mix: the mixer clock takes its frames */
		if (fc->play) {
			cx_mp_play *old = fc->play;
			cx_mp_play__stop(old);
			cx_rt_dlg_pev(old->d, CX_PEV_DLG_EXIT, NULL);
		}
		mem_deref(d->pd);
		d->pd = p;
		p->conf = fc;
		fc->play = p;
		cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
		cx_mp_mix__start(fc->mp);
		return 0;
	}
	if (leg->play) {
		/* a new prompt replaces the one playing; that one ends */
		cx_mp_play *old = leg->play;
		cx_mp_play__stop(old);
		if (old->d)
			cx_rt_dlg_pev(old->d, CX_PEV_DLG_EXIT, NULL);
	}
	mem_deref(d->pd);
	d->pd = p;
	cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
	cx_mp_play__begin(p, leg);
	return 0;
}

/* Section - VoiceXML dialogs (runtime/vxml.c runs them; docs/voicexml.md)
 *
 * The dialog's pd is a cx_mp_vx. Its prompts are plays without a dialog (p->d NULL) that it
 * owns: a prompt queued while one plays is appended to it. DTMF (RFC 4733, cx_mp__dtmf) goes
 * to the dialog running on the call and stops its prompt (barge-in). The call is looked up
 * by the dialog's connection id each time: no pointer to it is kept. */
typedef struct cx_mp_vx {
	struct le le;                 /* in cx_mp__vxs */
	cx_dlg *d;                    /* weak: this is d->pd */
	cx_mp_leg_h *legh;            /* finds the call's leg (the plane may be gone) */
	cx_vx_run *run;
	cx_mp_play *play;             /* the prompt playing or last played */
} cx_mp_vx;

static struct list cx_mp__vxs;

static void cx_mp_vx__destroy(void *arg)
{
	cx_mp_vx *v = arg;

	list_unlink(&v->le);
	mem_deref(v->run);
	mem_deref(v->play);
}

static cx_mp_leg *cx_mp__vx_leg(const cx_mp_vx *v)
{
	cx_dlg *d = v->d;
	cx_conn *c = d->connid[0] && d->sess ? cx_conn_find(d->sess, d->connid) : NULL;

	return c ? v->legh(c, 0) : NULL;
}

static uint64_t cx_mp__vx_play(cx_engine *e, cx_dlg *d, const char *src, void *arg)
{
	cx_mp_vx *v = arg;
	cx_mp_leg *leg = cx_mp__vx_leg(v);
	cx_mp_play *p = v->play;
	int16_t *pcm = NULL;
	size_t n = 0;
	int tts = 0;

	if (!strcmp(src, CX_VX_STOP_SRC)) { /* the fetch audio is over (vxml.c) */
		if (p && leg && leg->play == p)
			cx_mp_play__stop(p);
		return 0;
	}
	if (!leg || !leg->estab || leg->pt < 0 || !leg->mp ||
	    cx_media_load(e->media_root, src, &pcm, &n, &tts))
		return 0;
	if (p && p->leg == leg && leg->play == p) { /* still playing: the prompt follows it */
		int16_t *all = mem_alloc((p->n + n) * sizeof(int16_t), NULL);
		if (!all) {
			mem_deref(pcm);
			return 0;
		}
		memcpy(all, p->pcm, p->n * sizeof(int16_t));
		memcpy(all + p->n, pcm, n * sizeof(int16_t));
		mem_deref(p->pcm);
		mem_deref(pcm);
		p->pcm = all;
		p->n += n;
		return n / 8;
	}
	v->play = mem_deref(v->play);
	p = mem_zalloc(sizeof(*p), cx_mp_play__destroy);
	if (!p) {
		mem_deref(pcm);
		return 0;
	}
	p->pcm = pcm;
	p->n = n;
	if (leg->play) { /* an audio dialog playing on the call is replaced, as by a new one */
		cx_mp_play *old = leg->play;
		cx_mp_play__stop(old);
		if (old->d)
			cx_rt_dlg_pev(old->d, CX_PEV_DLG_EXIT, NULL);
	}
	v->play = p;
	cx_mp_play__begin(p, leg);
	return n / 8;
}

/* <record> (vxio.c): the call's recording pointer, fed by its received audio. */
static cx_rec **cx_mp__vx_recslot(cx_dlg *d, void *arg)
{
	cx_mp_leg *leg = cx_mp__vx_leg(arg);

	(void)d;
	return leg && leg->estab ? &leg->rec : NULL;
}

static int cx_mp__vx_start(cx_mp *mp, cx_dlg *d, const cx_vx_doc *doc)
{
	cx_conn *c = d->connid[0] && d->sess ? cx_conn_find(d->sess, d->connid) : NULL;
	cx_mp_leg *leg = c ? mp->legh(c, 0) : NULL;
	cx_mp_vx *v;
	int err;

	if (!leg || !leg->estab || leg->pt < 0) {
		cx_log(CX_LOG_WARN, NULL, "sip: dialog %s: a VoiceXML dialog needs a connected call",
		       d->id);
		return EPROTO;
	}
	v = mem_zalloc(sizeof(*v), cx_mp_vx__destroy);
	if (!v)
		return ENOMEM;
	v->d = d;
	v->legh = mp->legh;
	err = cx_vx_start(&v->run, mp->e, d, doc, cx_mp__vx_play, v);
	if (err) {
		mem_deref(v);
		return err;
	}
	cx_vxio_provider(v->run, cx_mp__vx_recslot, v);
	list_append(&cx_mp__vxs, &v->le, v);
	mem_deref(d->pd);
	d->pd = v;
	cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
	return 0;
}

static void cx_mp__vx_dtmf(cx_mp_leg *leg, const char *dig)
{
	struct le *le;

	LIST_FOREACH(&cx_mp__vxs, le) {
		cx_mp_vx *v = le->data;
		if (v->d->exited || v->d->sess != leg->c->sess || strcmp(v->d->connid, leg->c->id))
			continue;
		if (cx_vx_input(v->run, dig) && v->play && v->play->leg == leg)
			cx_mp_play__stop(v->play); /* barge-in (not into a bargein="false" prompt) */
		if (leg->mp)
			cx_engine_kick(leg->mp->e);
		return;
	}
}

/* The call is over: its VoiceXML dialog stops (dialog.exit without values). */
static void cx_mp__vx_end(cx_mp_leg *leg)
{
	struct le *le;

	if (!leg->c)
		return;
	LIST_FOREACH(&cx_mp__vxs, le) {
		cx_mp_vx *v = le->data;
		if (v->d->exited || v->d->sess != leg->c->sess || strcmp(v->d->connid, leg->c->id))
			continue;
		if (v->play)
			cx_mp_play__stop(v->play);
		if (v->run && cx_vx_final(v->run))
			continue; /* VoiceXML 2.0 §1.5.4 (a blind transfer): it ends by itself, mute */
		v->run = mem_deref(v->run);
		cx_rt_dlg_pev(v->d, CX_PEV_DLG_EXIT, NULL);
	}
}

int cx_mp_dialogterminate(cx_dlg *d)
{
	if (cx_rec_is(d->src))
		cx_rec_end(d->pd, "terminated"); /* its dialog.exit, with the file and duration */
	d->pd = mem_deref(d->pd); /* stops the RTP; the runtime sends dialog.exit */
	return 0;
}

