/*
 * sipbody.c — the session description in a SIP message's body (docs/sip.md "Message bodies").
 *
 * RFC 3261 §8.2.3 and RFC 5621: the body is used when it is application/sdp, or a
 * multipart/mixed (or /alternative, /related) body of which one part is application/sdp — the
 * form of SIP-I and SIP-T interconnects (RFC 3204: the SDP beside an ISUP part). A part we do
 * not understand is passed over when its Content-Disposition says handling=optional; one that
 * does not (handling=required is the default, RFC 5621 §3.1) makes the message unusable: 415
 * Unsupported Media Type. So does a whole body of another type, and any Content-Encoding but
 * identity. A multipart body without its boundary or its closing delimiter is 400.
 *
 * The SDP is returned as a view (a struct mbuf on the message's own bytes, never written), the
 * line break before the part's delimiter included: libre's sdp_decode takes a line only when
 * its end is in the buffer. The bytes come from the network: every scan is bounded by the body.
 *
 * Also the SDES keys of an SDP's a=crypto lines (RFC 4568 §9.1), for SRTP (docs/sip.md "SRTP").
 */
#include <string.h>
#include <strings.h>
#include "prov.h"

/* Section - Small scanning helpers over (pointer, length) */

/* The first occurrence of the delimiter "--B" at the start of a line in p[0..n), or NULL. */
static const char *cx_sipbody__delim(const char *p, size_t n, const struct pl *b, const char *start)
{
	const char *q = p, *end = p + n;

	while (q + 2 + b->l <= end) {
		const char *h = memchr(q, '-', (size_t)(end - q));
		if (!h || h + 2 + b->l > end)
			return NULL;
		if (h[1] == '-' && !memcmp(h + 2, b->p, b->l) && (h == start || h[-1] == '\n'))
			return h;
		q = h + 1;
	}
	return NULL;
}

/* The end of the line at p (after its LF), or end. */
static const char *cx_sipbody__eol(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	return lf ? lf + 1 : end;
}

/* Is the header line [p, e) "Name:" (case-insensitive), and its value then in *v? */
static bool cx_sipbody__hdr(const char *p, const char *e, const char *name, struct pl *v)
{
	size_t n = strlen(name);

	if ((size_t)(e - p) <= n || strncasecmp(p, name, n))
		return false;
	p += n;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= e || *p != ':')
		return false;
	p++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	v->p = p;
	v->l = (size_t)(e - p);
	return true;
}

/* handling=optional among a Content-Disposition's parameters (the default is required). */
static bool cx_sipbody__optional(const struct pl *disp)
{
	struct pl v;

	return pl_isset(disp) && !msg_param_decode(disp, "handling", &v) && !pl_strcasecmp(&v, "optional");
}

static bool cx_sipbody__is(const struct msg_ctype *ct, const char *type, const char *sub)
{
	return !pl_strcasecmp(&ct->type, type) && (!sub || !pl_strcasecmp(&ct->subtype, sub));
}

/* Section - Multipart bodies */

/* The first application/sdp part of the multipart body [p, p+n) with boundary b, in *sdp (left
 * empty when there is none). 0, 400 (malformed) or 415 (a required part not understood). */
static int cx_sipbody__multi(const char *p, size_t n, const struct pl *b, struct mbuf *sdp,
			     const char **why)
{
	const char *end = p + n, *d = cx_sipbody__delim(p, n, b, p);
	unsigned parts = 0;

	if (!d) {
		*why = "multipart body without its boundary";
		return 400;
	}
	for (;;) {
		const char *h, *body, *next;
		struct pl ctv = PL_INIT, disp = PL_INIT;
		struct msg_ctype ct;

		d += 2 + b->l;
		if (d + 2 <= end && d[0] == '-' && d[1] == '-')
			return 0; /* the closing delimiter */
		if (++parts > 32) {
			*why = "multipart body of more than 32 parts";
			return 400;
		}
		/* the part's headers, up to an empty line */
		h = cx_sipbody__eol(d, end);
		for (body = NULL; h < end;) {
			const char *e = cx_sipbody__eol(h, end);
			if (*h == '\r' || *h == '\n') {
				body = e;
				break;
			}
			if (!cx_sipbody__hdr(h, e, "Content-Type", &ctv))
				(void)cx_sipbody__hdr(h, e, "Content-Disposition", &disp);
			h = e;
		}
		next = body ? cx_sipbody__delim(body, (size_t)(end - body), b, body) : NULL;
		if (!next) {
			*why = "multipart body without its closing delimiter";
			return 400;
		}
		/* a part without Content-Type is text/plain (RFC 2046 §5.1): not ours */
		if (pl_isset(&ctv) && !msg_ctype_decode(&ct, &ctv) && cx_sipbody__is(&ct, "application", "sdp")) {
			if (!sdp->end) {
				sdp->buf = (uint8_t *)body;
				sdp->size = sdp->end = (size_t)(next - body);
				sdp->pos = 0;
			}
		}
		else if (!cx_sipbody__optional(&disp)) {
			*why = "a body part this program does not understand, and handling is not optional";
			return 415;
		}
		d = next;
	}
}

/* Section - The message's body */

static bool cx_sipbody__coded(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return pl_strcasecmp(&hdr->val, "identity") != 0;
}

int cx_sipbody_sdp(const struct sip_msg *msg, struct mbuf *sdp, const char **why)
{
	const struct sip_hdr *hdr;
	const char *p = (const char *)mbuf_buf(msg->mb);
	size_t n = mbuf_get_left(msg->mb);
	struct pl b;

	*why = NULL;
	sdp->buf = (uint8_t *)p; /* no body, or the whole body is the SDP */
	sdp->size = sdp->end = n;
	sdp->pos = 0;
	/* every Content-Encoding value (libre splits them) must be identity */
	if (sip_msg_hdr_apply(msg, true, SIP_HDR_CONTENT_ENCODING, cx_sipbody__coded, NULL)) {
		*why = "a Content-Encoding other than identity";
		return 415;
	}
	if (!n || !pl_isset(&msg->ctyp.type) || cx_sipbody__is(&msg->ctyp, "application", "sdp"))
		return 0; /* no Content-Type: taken as SDP, as libre's sipsess does */
	sdp->size = sdp->end = 0;
	if (cx_sipbody__is(&msg->ctyp, "multipart", NULL) &&
	    (!pl_strcasecmp(&msg->ctyp.subtype, "mixed") || !pl_strcasecmp(&msg->ctyp.subtype, "alternative") ||
	     !pl_strcasecmp(&msg->ctyp.subtype, "related"))) {
		if (msg_param_decode(&msg->ctyp.params, "boundary", &b) || !b.l || b.l > 70) {
			*why = "multipart body without a boundary parameter";
			return 400;
		}
		if (b.l >= 2 && b.p[0] == '"' && b.p[b.l - 1] == '"') {
			b.p++;
			b.l -= 2;
		}
		if (!b.l) {
			*why = "multipart body with an empty boundary";
			return 400;
		}
		return cx_sipbody__multi(p, n, &b, sdp, why);
	}
	hdr = sip_msg_hdr(msg, SIP_HDR_CONTENT_DISPOSITION);
	if (hdr && cx_sipbody__optional(&hdr->val))
		return 0; /* not ours, and the sender says it may be ignored */
	*why = "a body that is neither application/sdp nor multipart";
	return 415;
}

/* Section - SDES keys (RFC 4568 §9.1): a=crypto:TAG SUITE inline:KEY|LIFETIME|MKI:LEN;... */

int cx_sipbody_crypto(const char *value, cx_sdes *k)
{
	static const struct { const char *name; enum srtp_suite suite; } suites[] = {
		{"AES_CM_128_HMAC_SHA1_80", SRTP_AES_CM_128_HMAC_SHA1_80},
		{"AES_CM_128_HMAC_SHA1_32", SRTP_AES_CM_128_HMAC_SHA1_32},
	};
	struct pl tag, suite, key, rest;
	uint8_t buf[48];
	size_t i, n = sizeof(buf);

	/* each [] of re_regex is a capture (NULL: not kept); the key's characters are base64's;
	 * what follows is its lifetime or MKI ('|'), another key (';'), or session parameters */
	if (!value || value[0] < '0' || value[0] > '9' ||
	    re_regex(value, strlen(value), "[0-9]+[ \t]+[^ \t]+[ \t]+inline:[A-Za-z0-9+/=]+[^]*",
			       &tag, NULL, &suite, NULL, &key, &rest) || tag.l > 9)
		return EPROTO;
	k->tag = pl_u32(&tag);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (!pl_strcmp(&suite, suites[i].name))
			break;
	if (i == sizeof(suites) / sizeof(suites[0]))
		return EPROTO;
	k->suite = (int)suites[i].suite;
	/* a lifetime (|2^31, |1048576) is taken and not enforced (docs/sip.md "SRTP"); an MKI
	 * (|1:4) puts bytes in every packet that libre's SRTP does not read; more keys and
	 * session parameters change what a packet is: such a line is passed over */
	while (rest.l && rest.p[0] == '|') {
		size_t j = 1;
		while (j < rest.l && rest.p[j] != '|' && rest.p[j] != ';' && rest.p[j] != ' ' &&
		       rest.p[j] != '\t') {
			if (rest.p[j] == ':')
				return EPROTO;
			j++;
		}
		pl_advance(&rest, j);
	}
	for (i = 0; i < rest.l; i++)
		if (rest.p[i] != ' ' && rest.p[i] != '\t' && rest.p[i] != '\r' && rest.p[i] != '\n')
			return EPROTO;
	if (key.l != 40 || base64_decode(key.p, key.l, buf, &n) || n != CX_SDES_KEYLEN)
		return EPROTO;
	memcpy(k->key, buf, CX_SDES_KEYLEN);
	return 0;
}

/* Section - DTMF in an INFO (application/dtmf-relay, application/dtmf) */

/* v without the blanks and line ends around it. */
static void cx_sipbody__trim(struct pl *v)
{
	while (v->l && strchr(" \t\r\n", v->p[0]))
		pl_advance(v, 1);
	while (v->l && strchr(" \t\r\n", v->p[v->l - 1]))
		v->l--;
}

/* The key a telephone-event's name or number names: '0'-'9', '*', '#', 'A'-'D' (either case)
 * or RFC 4733's event codes 10-15 ('*', '#', 'A'-'D'); 0 when none. */
static char cx_sipbody__key(const struct pl *v)
{
	static const char keys[] = CX_DTMF_KEYS;
	char c;

	if (v->l == 1) {
		c = v->p[0] >= 'a' && v->p[0] <= 'd' ? (char)(v->p[0] - 'a' + 'A') : v->p[0];
		return c && strchr(keys, c) ? c : 0;
	}
	if (v->l == 2 && v->p[0] == '1' && v->p[1] >= '0' && v->p[1] <= '5')
		return keys[10 + v->p[1] - '0'];
	return 0;
}

int cx_sipbody_dtmf(const struct sip_msg *msg, char *key, int *dur_ms, const char **why)
{
	struct pl body = {(const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb)}, line, name, v;
	const char *nl, *eq;
	size_t i;

	*key = 0;
	*dur_ms = -1;
	*why = NULL;
	if (!body.l)
		return 0; /* an INFO without a body: a keep-alive */
	if (cx_sipbody__is(&msg->ctyp, "application", "dtmf")) {
		cx_sipbody__trim(&body);
		if (!(*key = cx_sipbody__key(&body)))
			*why = "an application/dtmf body that is no key";
		return *key ? 0 : 400;
	}
	if (!cx_sipbody__is(&msg->ctyp, "application", "dtmf-relay")) {
		*why = "not application/dtmf-relay or application/dtmf";
		return 415;
	}
	/* "Signal=5\r\nDuration=160\r\n" (the form Cisco's and most PBXes' INFO use) */
	while (body.l) {
		nl = memchr(body.p, '\n', body.l);
		line.p = body.p;
		line.l = nl ? (size_t)(nl - body.p) : body.l;
		pl_advance(&body, nl ? line.l + 1 : line.l);
		if (!(eq = memchr(line.p, '=', line.l)))
			continue;
		name.p = line.p;
		name.l = (size_t)(eq - line.p);
		v.p = eq + 1;
		v.l = line.l - name.l - 1;
		cx_sipbody__trim(&name);
		cx_sipbody__trim(&v);
		if (!pl_strcasecmp(&name, "Signal")) {
			if (!(*key = cx_sipbody__key(&v))) {
				*why = "a Signal that is no key";
				return 400;
			}
		}
		else if (!pl_strcasecmp(&name, "Duration") && v.l && v.l <= 5) {
			for (i = 0; i < v.l && v.p[i] >= '0' && v.p[i] <= '9'; i++)
				;
			if (i == v.l)
				*dur_ms = (int)pl_u32(&v);
		}
	}
	if (!*key)
		*why = "an application/dtmf-relay body without a Signal";
	return *key ? 0 : 400;
}
