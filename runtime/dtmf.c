/*
 * dtmf.c — in-band DTMF: digits heard in a call's received G.711 audio (librem's Goertzel
 * detector, 8 kHz mono). The SIP provider feeds it every audio packet of a connected call whose
 * peer did not negotiate telephone-event (RFC 4733 is preferred: docs/sip.md) and reports each
 * digit as connection.signal, as it does for RFC 4733 events.
 */
#include "prov.h"
#include <re.h>
#include <rem.h>

struct cx_dtmf {
	struct dtmf_dec *dec;
	cx_dtmf_h *h;
	void *arg;
};

static void cx_dtmf__destroy(void *arg)
{
	cx_dtmf *d = arg;

	mem_deref(d->dec);
}

static void cx_dtmf__digit_h(char digit, void *arg)
{
	cx_dtmf *d = arg;

	d->h(digit, d->arg);
}

int cx_dtmf_alloc(cx_dtmf **dp, cx_dtmf_h *h, void *arg)
{
	cx_dtmf *d;
	int err;

	if (!dp || !h)
		return EINVAL;
	d = mem_zalloc(sizeof(*d), cx_dtmf__destroy);
	if (!d)
		return ENOMEM;
	d->h = h;
	d->arg = arg;
	err = dtmf_dec_alloc(&d->dec, 8000, 1, cx_dtmf__digit_h, d);
	if (err) {
		mem_deref(d);
		return err;
	}
	*dp = d;
	return 0;
}

/* One RTP payload of G.711 (pt 0 PCMU, 8 PCMA), at most 60 ms of it. */
void cx_dtmf_g711(cx_dtmf *d, int pt, const uint8_t *b, size_t n)
{
	int16_t pcm[480];

	if (!d || !b)
		return;
	dtmf_dec_probe(d->dec, pcm, cx_media_g711(pt, b, n, pcm, 480));
}
