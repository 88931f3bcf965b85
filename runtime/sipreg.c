/*
 * sipreg.c — registrations (--register sip:USER@REGISTRAR[:PORT][;expires=N][;transport=tcp];
 * docs/sip.md "Trunks").
 *
 * One REGISTER client per --register: the address-of-record sip:USER@REGISTRAR is bound to
 * our Contact sip:USER@ADDR:PORT, where ADDR is --public-addr, else the SIP listening address,
 * else (listening on 0.0.0.0) the local address of the route to the registrar. Digest
 * challenges (401/407) are answered from --sip-credentials; 423 takes the registrar's
 * Min-Expires. A registration is refreshed at 85% of the time the registrar granted (at least
 * 2 s before its end; half way through a grant under 4 s); a failure
 * is logged and retried after 2, 4, 8 … 300 s (±10%); a graceful stop sends the unREGISTER
 * (expires=0). Own client rather than libre 1.1.0's sipreg: that one always puts the SIP
 * socket's address in the Contact (never --public-addr, nor the route's address when we listen
 * on every interface), and its retry timing is fixed (30 s doubling up to 30 min).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "prov.h"

#define CX_SIPREG_EXPIRES 3600    /* asked for when the --register URI says nothing */
#define CX_SIPREG_RETRY_MIN 2     /* s before the first retry after a failure */
#define CX_SIPREG_RETRY_MAX 300
#define CX_SIPREG_AUTH_ROUNDS 3   /* challenges answered per REGISTER (stale nonces) */

struct cx_sipreg {
	struct sip *sip;
	struct sip_dialog *dlg;
	struct sip_auth *auth;
	cx_sipauth_req *areq;
	struct sip_request *req;
	struct tmr tmr;
	char *aor, *user, *ruri;
	struct sa pub;
	uint32_t expires, granted, failc;
	int tcp, registered, stopping, busy, rounds, got423;
	char contact[128];           /* the Contact URI last sent, to find it in the 2xx */
};

static int cx_sipreg__send(cx_sipreg *r, int fresh);

static void cx_sipreg__destroy(void *arg)
{
	cx_sipreg *r = arg;

	tmr_cancel(&r->tmr);
	r->req = mem_deref(r->req);
	mem_deref(r->dlg);
	mem_deref(r->auth);
	mem_deref(r->areq);
	mem_deref(r->aor);
	mem_deref(r->user);
	mem_deref(r->ruri);
	mem_deref(r->sip);
}

static void cx_sipreg__tmr_h(void *arg)
{
	cx_sipreg *r = arg;

	(void)cx_sipreg__send(r, 1);
}

/* The next attempt after a failure: 2, 4, 8 … 300 s, ±10% so that many instances spread. */
static void cx_sipreg__retry(cx_sipreg *r, const char *what)
{
	uint32_t s = CX_SIPREG_RETRY_MIN << (r->failc < 8 ? r->failc : 8);
	uint64_t ms;

	if (s > CX_SIPREG_RETRY_MAX)
		s = CX_SIPREG_RETRY_MAX;
	ms = (uint64_t)s * (900 + rand_u16() % 201);
	r->failc++;
	r->registered = 0;
	cx_log(CX_LOG_ERR, NULL, "sip: registration of %H failed: %s; next try in %llu s",
	       cx_rt_esc, r->aor, what, (unsigned long long)((ms + 500) / 1000));
	tmr_start(&r->tmr, ms, cx_sipreg__tmr_h, r);
}

static int cx_sipreg__send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
			     struct mbuf *mb, void *arg)
{
	cx_sipreg *r = arg;
	struct sa adv;

	if (sa_isset(&r->pub, SA_ADDR))
		adv = r->pub;
	else if (!sa_is_any(src))
		adv = *src;
	else if (cx_sip_srcaddr(dst, &adv))
		adv = *src;
	sa_set_port(&adv, sa_port(src));
	(void)re_snprintf(r->contact, sizeof(r->contact), "sip:%s@%J%s", r->user, &adv,
			  sip_transp_param(tp));
	return mbuf_printf(mb, "Contact: <%s>;expires=%u\r\n", r->contact, r->expires);
}

/* The time granted to our Contact: its expires parameter, else the Expires header. */
static uint32_t cx_sipreg__granted(cx_sipreg *r, const struct sip_msg *msg)
{
	struct le *le;
	struct pl v;

	for (le = list_head(hash_list(msg->hdrht, SIP_HDR_CONTACT)); le; le = le->next) {
		const struct sip_hdr *h = le->data;
		struct sip_addr ad;
		struct pl mine;
		struct uri mu;
		if (h->id != SIP_HDR_CONTACT || sip_addr_decode(&ad, &h->val))
			continue;
		pl_set_str(&mine, r->contact);
		if (uri_decode(&mu, &mine) || pl_cmp(&mu.user, &ad.uri.user) ||
		    pl_casecmp(&mu.host, &ad.uri.host) || mu.port != ad.uri.port)
			continue;
		if (!msg_param_decode(&ad.params, "expires", &v))
			return pl_u32(&v);
	}
	if (pl_isset(&msg->expires))
		return pl_u32(&msg->expires);
	return r->expires;
}

static void cx_sipreg__resp_h(int err, const struct sip_msg *msg, void *arg)
{
	cx_sipreg *r = arg;
	char what[256];

	if (!err && msg && msg->scode < 200)
		return;
	if (r->stopping) {
		r->busy = 0;
		if (!err && msg && msg->scode < 300)
			cx_log(CX_LOG_INFO, NULL, "sip: unregistered %H", cx_rt_esc, r->aor);
		else if (!err && msg && (msg->scode == 401 || msg->scode == 407) &&
			 r->rounds++ < CX_SIPREG_AUTH_ROUNDS && !sip_auth_authenticate(r->auth, msg) &&
			 !cx_sipreg__send(r, 0))
			r->busy = 1;
		else
			cx_log(CX_LOG_INFO, NULL, "sip: the unREGISTER of %H got no success (%s)",
			       cx_rt_esc, r->aor, err ? strerror(err) : "refused");
		return;
	}
	if (err || !msg) {
		(void)re_snprintf(what, sizeof(what), "%s", err == ETIMEDOUT ? "no answer from the registrar"
				  : strerror(err ? err : EPROTO));
		cx_sipreg__retry(r, what);
		return;
	}
	if (msg->scode < 300) {
		uint32_t g = cx_sipreg__granted(r, msg);
		uint64_t ms, margin;
		if (!g) {
			cx_sipreg__retry(r, "the registrar granted 0 s");
			return;
		}
		/* refresh at 85%, at least 2 s before the end (half way for short grants) */
		margin = (uint64_t)g * 150 > 2000 ? (uint64_t)g * 150 : 2000;
		ms = (uint64_t)g * 1000 > 2 * margin ? (uint64_t)g * 1000 - margin : (uint64_t)g * 500;
		if (!r->registered || g != r->granted)
			cx_log(CX_LOG_INFO, NULL, "sip: registered %H at %H as %H for %u s",
			       cx_rt_esc, r->aor, cx_rt_esc, r->ruri, cx_rt_esc, r->contact, g);
		else
			cx_log(CX_LOG_INFO, NULL, "sip: refreshed the registration of %H (%u s)",
			       cx_rt_esc, r->aor, g);
		r->registered = 1;
		r->granted = g;
		r->failc = 0;
		tmr_start(&r->tmr, ms, cx_sipreg__tmr_h, r);
		return;
	}
	if ((msg->scode == 401 || msg->scode == 407) && r->rounds++ < CX_SIPREG_AUTH_ROUNDS) {
		err = sip_auth_authenticate(r->auth, msg);
		if (!err && !cx_sipreg__send(r, 0))
			return;
		(void)re_snprintf(what, sizeof(what), "%u %r: %H", msg->scode, &msg->reason,
				  cx_sipauth_why, r->areq);
		cx_sipreg__retry(r, what);
		return;
	}
	if (msg->scode == 423 && !r->got423) {
		const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_MIN_EXPIRES);
		uint32_t min = h ? pl_u32(&h->val) : 0;
		if (min > r->expires && min <= 86400 * 7) {
			r->got423 = 1;
			r->expires = min;
			if (!cx_sipreg__send(r, 0))
				return;
		}
	}
	if (msg->scode == 401 || msg->scode == 407)
		(void)re_snprintf(what, sizeof(what), "%u %r: %H", msg->scode, &msg->reason,
				  cx_sipauth_why, r->areq);
	else
		(void)re_snprintf(what, sizeof(what), "%u %r", msg->scode, &msg->reason);
	cx_sipreg__retry(r, what);
}

/* A REGISTER. fresh: a new attempt (refresh, retry): the challenge state starts over. */
static int cx_sipreg__send(cx_sipreg *r, int fresh)
{
	int err;

	if (fresh) {
		sip_auth_reset(r->auth);
		r->areq->tries = r->areq->missing = 0;
		r->rounds = 0;
		r->got423 = 0;
	}
	r->req = mem_deref(r->req);
	err = sip_drequestf(&r->req, r->sip, true, "REGISTER", r->dlg, 0, r->auth, cx_sipreg__send_h,
			    cx_sipreg__resp_h, r, "Expires: %u\r\nContent-Length: 0\r\n\r\n", r->expires);
	if (err && !r->stopping)
		cx_sipreg__retry(r, strerror(err));
	return err;
}

/* sip:USER@HOST[:PORT][;expires=N][;transport=udp|tcp] -> r's URIs; 0 or a reason in em. */
static int cx_sipreg__parse(cx_sipreg *r, const char *spec, char *em, size_t esz)
{
	struct pl pl, v;
	struct uri u;
	int err;

	pl_set_str(&pl, spec);
	if (strncasecmp(spec, "sip:", 4) || uri_decode(&u, &pl) || !pl_isset(&u.user) || !pl_isset(&u.host) ||
	    strpbrk(spec, " <>\"\r\n")) {
		snprintf(em, esz, "needs sip:USER@REGISTRAR[:PORT][;expires=N][;transport=udp|tcp]");
		return EINVAL;
	}
	r->expires = CX_SIPREG_EXPIRES;
	if (!msg_param_decode(&u.params, "expires", &v)) {
		r->expires = pl_u32(&v);
		if (r->expires < 1 || r->expires > 86400 * 7) {
			snprintf(em, esz, "expires must be 1 to 604800 seconds");
			return EINVAL;
		}
	}
	if (!msg_param_decode(&u.params, "transport", &v)) {
		if (!pl_strcasecmp(&v, "tcp"))
			r->tcp = 1;
		else if (!pl_strcasecmp(&v, "udp"))
			r->tcp = 0;
		else {
			snprintf(em, esz, "transport is udp or tcp");
			return EINVAL;
		}
	}
	err = pl_strdup(&r->user, &u.user);
	if (!err)
		err = re_sdprintf(&r->aor, "sip:%r@%r", &u.user, &u.host);
	if (!err) {
		/* an IPv6 host loses its brackets in uri_decode */
		int v6 = pl_strchr(&u.host, ':') != NULL;
		const char *tp = r->tcp ? ";transport=tcp" : "";
		err = u.port ? re_sdprintf(&r->ruri, "sip:%s%r%s:%u%s", v6 ? "[" : "", &u.host, v6 ? "]" : "",
					   u.port, tp) :
			re_sdprintf(&r->ruri, "sip:%s%r%s%s", v6 ? "[" : "", &u.host, v6 ? "]" : "", tp);
	}
	return err;
}

int cx_sipreg_start(cx_sipreg **rp, const cx_sipreg_cfg *cfg, const char *spec)
{
	const char *routev[1];
	char em[128] = "";
	cx_sipreg *r;
	int err;

	r = mem_zalloc(sizeof(*r), cx_sipreg__destroy);
	if (!r)
		return ENOMEM;
	r->sip = mem_ref(cfg->sip);
	r->tcp = cfg->tcp;
	if (cfg->pub)
		r->pub = *cfg->pub;
	err = cx_sipreg__parse(r, spec, em, sizeof(em));
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "--register '%H': %s", cx_rt_esc, spec,
		       em[0] ? em : strerror(err));
		goto out;
	}
	routev[0] = cfg->proxy;
	err = sip_dialog_alloc(&r->dlg, r->ruri, r->aor, NULL, r->aor, cfg->proxy ? routev : NULL,
			       cfg->proxy ? 1 : 0);
	if (!err)
		err = cx_sipauth_req_alloc(&r->areq, cfg->creds, r->ruri);
	if (!err)
		err = sip_auth_alloc(&r->auth, cx_sipauth_h, r->areq, false);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "--register '%H': %s", cx_rt_esc, spec, strerror(err));
		goto out;
	}
	(void)cx_sipreg__send(r, 1); /* a failure is retried like any other */
 out:
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

int cx_sipreg_stop(cx_sipreg *r)
{
	if (!r || r->stopping)
		return r ? r->busy : 0;
	r->stopping = 1;
	tmr_cancel(&r->tmr);
	if (!r->registered) {
		r->req = mem_deref(r->req);
		return 0;
	}
	r->expires = 0;
	r->rounds = 0;
	r->busy = !cx_sipreg__send(r, 0);
	return r->busy;
}

int cx_sipreg_busy(const cx_sipreg *r)
{
	return r && r->busy;
}
