/*
 * fuzz_rtp.c — libFuzzer harness of the media plane's receive path (fuzz_rtp): RTP datagrams,
 * as a call's far end (or anyone who finds the port) sends them, go over loopback to
 * the real RTP sockets of two call legs (mplane.c cx_mp_leg_listen) and through libre's RTP
 * decoding to cx_mp__rtp_h: RFC 4733 telephone-events (DTMF reports, the regenerated digit),
 * in-band DTMF detection on G.711 (dtmf.c), answering-machine detection (amd.c) and the relay's
 * receive buffer of a bridge (the two legs are bridged, so the 20 ms mixer runs on what came);
 * a third leg, C, is an SRTP call (mplane.c cx_mp_srtprx: the tag check, the rollover counter's
 * guess, the replay window, decryption), fed forged packets, or packets encrypted first with
 * the far end's key by libre's sender so that they pass and reach the RTP layer.
 * The legs have no connection (no session hears the digits): what is fuzzed is the decoding
 * of untrusted packets, not the events. No SIP call is made; the legs live across inputs, as
 * a long call would.
 *
 * Input: one byte of settings, then packets, each [flags][length][length bytes]:
 *   settings bit 0  the far end negotiated telephone-event 101 (else in-band detection runs)
 *            bit 1  answering-machine detection runs on leg A (started when it is not running)
 *            bit 2  the call is not answered yet (estab 0: in-band detection is off)
 *   flags    bit 0  to leg B (else A)
 *            bit 6  to leg C (the SRTP call) instead, as it is (forged)
 *            bit 7  to leg C instead, encrypted and tagged first as its far end would (when the
 *                   bytes start with an RTP header; else as they are)
 *            bit 5  to the leg's RTCP port (RTP + 1) instead: libre's RTCP decoder and
 *                   mplane.c's reading of reports (cx_mp__rtcp_h); with bit 7, as SRTCP
 *                   encrypted and tagged by the far end's context (cx_mp_srtprx_open_rtcp)
 *            the other bits are not used
 * Each leg sends its own reports to the far end (mplane.c's RTCP clock) as in a call; leg B
 * negotiated rtcp-mux (RFC 5761), so what looks like RTCP on its RTP port goes to the RTCP
 * reader there.
 * Loopback delivers a datagram at sendto: after sending, libre's loop runs until the legs'
 * sockets have nothing left to read (or FUZZ_BOUND_MS passed: it should not).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>
#include "cx.h"
#include "rt.h"
#include "prov.h"
#include "mplane.h"

#define FUZZ_BOUND_MS 5

extern const cx_doc ccxml_doc_app;
static const cx_doc *const fz__docs[] = { &ccxml_doc_app };
static cx_engine *fz__eng;
static cx_mp *fz__mp;
#define FZ__LEGS 3
static cx_mp_leg fz__leg[FZ__LEGS];
static struct sdp_session *fz__sdp[FZ__LEGS];
static struct srtp *fz__srtp; /* leg C's far end: encrypts what flags bit 7 sends */
static uint8_t fz__theirs[30]; /* its master key and salt */
static int fz__sock = -1; /* the far end's socket: sends the input, takes the relayed audio */
static cx_cval *fz__amd;  /* the hints of a call with answering-machine detection */
static struct tmr fz__tmr;

static void fz__quiet(const char *sessid, const char *label, const char *value, void *arg)
{
}

static cx_mp_leg *fz__legh(cx_conn *c, int any)
{
	return NULL;
}

/* Leg i as sip.c sets up an answered call: an RTP port, an SDP session whose media has the far
 * end's address (here fz__sock's), PCMU negotiated. */
static void fz__leg_setup(int i, const struct sa *laddr, uint16_t farport)
{
	cx_mp_leg *leg = &fz__leg[i];
	struct sdp_media *m;
	struct mbuf *mb;
	char far[512];
	int n;

	cx_mp_leg_init(fz__mp, leg, NULL, "");
	leg->rtcp = 1;
	if (cx_mp_leg_listen(leg, laddr) || sdp_session_alloc(&fz__sdp[i], laddr) ||
	    sdp_media_add(&m, fz__sdp[i], "audio", sa_port(rtp_local(leg->rtp)), "RTP/AVP") ||
	    sdp_format_add(NULL, m, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL, false, NULL))
		abort();
	/* the far end's offer: its address is where the relay sends */
	n = snprintf(far, sizeof(far), "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
		     "t=0 0\r\nm=audio %u RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n", farport);
	mb = mbuf_alloc((size_t)n);
	if (!mb || mbuf_write_mem(mb, (const uint8_t *)far, (size_t)n))
		abort();
	mb->pos = 0;
	if (sdp_decode(fz__sdp[i], mb, true))
		abort();
	mem_deref(mb);
	leg->sdpm = m;
	leg->pt = 0;
	leg->estab = 1;
	cx_mp_leg_rtcp(leg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	cx_engine_cfg cfg = { .docs = fz__docs, .ndocs = 1, .logh = fz__quiet };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	struct sa laddr;

	if (cx_init() || cx_engine_alloc(&fz__eng, &cfg) || cx_mp_alloc(&fz__mp, fz__eng, fz__legh))
		abort();
	fz__sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (fz__sock < 0 || bind(fz__sock, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fz__sock, (struct sockaddr *)&a, &al))
		abort();
	sa_set_str(&laddr, "127.0.0.1", 0);
	fz__leg_setup(0, &laddr, ntohs(a.sin_port));
	fz__leg_setup(1, &laddr, ntohs(a.sin_port));
	fz__leg_setup(2, &laddr, ntohs(a.sin_port));
	if (cx_mp_bridge(&fz__leg[0], &fz__leg[1]))
		abort();
	cx_mp_leg_mux(&fz__leg[1], true); /* leg B negotiated rtcp-mux: RTCP on its RTP port */
	{
		uint8_t ours[30];
		for (int i = 0; i < 30; i++) {
			ours[i] = (uint8_t)i;
			fz__theirs[i] = (uint8_t)(0x80 + i);
		}
		if (cx_mp_leg_srtp(&fz__leg[2], SRTP_AES_CM_128_HMAC_SHA1_80, ours, fz__theirs, 30) ||
		    srtp_alloc(&fz__srtp, SRTP_AES_CM_128_HMAC_SHA1_80, fz__theirs, 30, 0))
			abort();
	}
	fz__amd = cx_cval_obj();
	if (!fz__amd || cx_cval_put(fz__amd, "amd", 3, cx_cval_obj())) /* {amd: {}}: the defaults */
		abort();
	tmr_init(&fz__tmr);
	return 0;
}

/* Bytes waiting on the UDP socket us */
static int fz__pending(void *us)
{
	int n = 0;

	return ioctl(udp_sock_fd(us, AF_INET), FIONREAD, &n) ? 0 : n;
}

/* Every datagram sent was read: the loop ends. Called once per loop turn, as the far end's
 * socket is always writable (libre reads one datagram per socket and turn; a 0 ms timer would
 * not do: libre runs a timer started by a timer's handler in the same turn, without reading). */
static void fz__turn(int flags, void *arg)
{
	int left = 0;

	for (int i = 0; i < FZ__LEGS; i++)
		left += fz__pending(rtp_sock(fz__leg[i].rtp)) + fz__pending(rtcp_sock(fz__leg[i].rtp));
	if (!left)
		re_cancel();
}

static void fz__bound(void *arg)
{
	re_cancel();
}

static void fz__send(int i, const uint8_t *p, size_t n, int rtcp)
{
	const struct sa *l = rtp_local(fz__leg[i].rtp);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(sa_port(l) + (rtcp != 0)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	(void)sendto(fz__sock, p, n, 0, (struct sockaddr *)&a, sizeof(a));
}

/* To leg C as its far end sends: the packet encrypted and tagged (libre's sender). libre's
 * sender keeps 8 SSRCs: past them a fresh one (of the same key) takes over, so that the far
 * end's SSRCs can outnumber the receiver's slots (mplane.c's SSRCs put out of them). */
static void fz__send_srtp(const uint8_t *p, size_t n)
{
	struct rtp_header hdr;
	struct mbuf *mb = mbuf_alloc(n + 16);
	int tries;

	if (!mb || mbuf_write_mem(mb, p, n))
		abort();
	mb->pos = 0;
	for (tries = 0; !rtp_hdr_decode(&hdr, mb) && tries < 2; tries++) {
		mb->pos = 0;
		if (!srtp_encrypt(fz__srtp, mb)) {
			p = mb->buf;
			n = mb->end;
			break;
		}
		fz__srtp = mem_deref(fz__srtp);
		if (srtp_alloc(&fz__srtp, SRTP_AES_CM_128_HMAC_SHA1_80, fz__theirs, 30, 0))
			abort();
		mb->pos = 0; /* the packet again, as it came */
		mb->end = 0;
		if (mbuf_write_mem(mb, p, n))
			abort();
		mb->pos = 0;
	}
	fz__send(2, p, n, 0);
	mem_deref(mb);
}

/* To leg C's RTCP port as its far end sends: as SRTCP (libre's sender, which needs the SSRC
 * of 8 bytes at least; shorter ones go as they are). */
static void fz__send_srtcp(const uint8_t *p, size_t n)
{
	struct mbuf *mb = mbuf_alloc(n + 16);

	if (!mb || mbuf_write_mem(mb, p, n))
		abort();
	mb->pos = 0;
	if (n >= 8 && !srtcp_encrypt(fz__srtp, mb)) {
		p = mb->buf;
		n = mb->end;
	}
	fz__send(2, p, n, 1);
	mem_deref(mb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char drain[2048];
	size_t i;

	if (size < 1 || size > 4000)
		return -1;
	for (i = 0; i < FZ__LEGS; i++) {
		fz__leg[i].tept = data[0] & 1 ? 101 : -1;
		fz__leg[i].estab = !(data[0] & 4);
	}
	if (data[0] & 2 && !fz__leg[0].amd)
		(void)cx_mp_leg_amd(&fz__leg[0], fz__amd);
	for (i = 1; i + 2 <= size;) {
		uint8_t fl = data[i], n = data[i + 1];
		if (i + 2 + n > size)
			n = (uint8_t)(size - i - 2);
		if ((fl & 0xa0) == 0xa0)
			fz__send_srtcp(data + i + 2, n);
		else if (fl & 0x80)
			fz__send_srtp(data + i + 2, n);
		else
			fz__send(fl & 0x40 ? 2 : fl & 1, data + i + 2, n, fl & 0x20);
		i += 2 + (size_t)n;
	}
	tmr_start(&fz__tmr, FUZZ_BOUND_MS, fz__bound, NULL);
	fd_listen(fz__sock, FD_WRITE, fz__turn, NULL);
	re_main(NULL);
	fd_close(fz__sock);
	tmr_cancel(&fz__tmr);
	/* what the relay sent back: not read by anyone else */
	while (recv(fz__sock, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	return 0;
}
