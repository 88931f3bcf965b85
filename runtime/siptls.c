/*
 * siptls.c — SIP over TLS checks the far end's certificate (docs/sip.md "TLS").
 *
 * libre's SIP transport makes every TLS connection, client and server, from the one SSL_CTX of
 * the struct tls given to sip_transp_add, and gives us none of the connections. So the checks
 * are switched on in that SSL_CTX (tls_openssl_context): SSL_VERIFY_PEER with our callback, the
 * trust anchors (--sip-tls-ca, else the system store) and a chain depth for real CAs.
 *
 * The name a certificate must carry is the host of the URI we meant to reach. A connection is
 * known by its peer address: the callback finds the connection's tcp_conn through libre's
 * struct tls_conn (the data of the SSL's write BIO; checked field by field, see
 * cx_siptls__peer) and asks it for the peer. Our side records, for each call over TLS, the
 * addresses its next hop is at with the name each must carry (cx_siptls_expect): an IP
 * literal is its own address and name; a host name is resolved first (sipdns.c, the way libre
 * will resolve it) and each of its addresses must carry the host name (a DNS subjectAltName:
 * X509_check_host, a wildcard only as the whole left-most label, the subject's CN only when
 * the certificate has no DNS name). Then the far end's Contact and Record-Route addresses
 * (cx_siptls_expect_msg), and the dialog's next hop, again after each target refresh
 * (cx_siptls_expect_route). A connection to an address nobody recorded is refused, as is one
 * whose certificate does not name what each call waiting there needs: fail closed
 * (docs/decisions.md "SIP over TLS verifies the peer").
 *
 * libre keeps a connection open and sends later requests to the same address over it without
 * a handshake, so the certificate of the last handshake with each address is kept (up to
 * CX_SIPTLS_NSEEN addresses): a call whose next hop is there must be named by it too.
 *
 * As a server (a peer's connection to our TLS port) nothing is asked or checked: no client
 * certificate, SIP over TLS authenticates the server only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/err.h>
/* re_tls.h declares tls_openssl_context (built into Debian's libre) only with USE_OPENSSL */
#define USE_OPENSSL 1
#include <re.h>
#include "prov.h"

#define CX_SIPTLS_DEPTH 10   /* certificates in a chain above the peer's: room for real CAs */
#define CX_SIPTLS_NADDR (2 * CX_SIPDNS_MAX + 8) /* addresses of one call: its next hop's, its
			      * dialog's next hop's (a name), the far end's Contact and
			      * Record-Routes (more Record-Routes are not taken) */
#define CX_SIPTLS_NNAMES 2   /* host names of one call: its next hop's, its dialog's */
#define CX_SIPTLS_NSEEN 64   /* far-end addresses whose last certificate is kept */
#define CX_SIPTLS_LINGER_MS 32000 /* an ended call's addresses stay known this long: its BYE
				   * (64 * T1) may need a connection of its own */

struct cx_siptls {
	struct tls *tls;      /* ref: its SSL_CTX carries our callbacks and a pointer to us */
	struct list dests;    /* cx_siptls_dest */
	struct list linger;   /* the dests of ended calls, until their timer (owning refs) */
	struct list seen;     /* cx_siptls__seen, the oldest first */
	unsigned nseen;
	int closed;           /* the SIP stack is gone: nothing lingers */
};

/* The certificate the last accepted handshake with addr showed (its connection may live on). */
typedef struct cx_siptls__seen {
	struct le le;
	struct sa addr;
	X509 *cert;
} cx_siptls__seen;

struct cx_siptls_dest {
	struct le le;         /* in t->dests */
	struct le lle;        /* in t->linger once its call ended */
	struct tmr tmr;
	cx_siptls *t;         /* ref */
	struct sa addr[CX_SIPTLS_NADDR]; /* IP and port of each hop the call may send to */
	uint8_t byname[CX_SIPTLS_NADDR]; /* k > 0: its certificate must name names[k - 1];
					  * 0: the IP address */
	int naddr;
	char names[CX_SIPTLS_NNAMES][256]; /* [0]: the next hop's host name when it is given by
					    * name; [1]: the dialog's next hop's (route_h) */
	cx_sipdns *dns;       /* names[0]'s resolution in flight */
	cx_sipdns *rdns;      /* names[1]'s */
	uint16_t rport;       /* names[1]'s port in the route (0: none given) */
	int indialog;         /* the dialog is established: refusals are logged here, with ids */
	char lsess[64], lconn[32], lcall[128]; /* the call's ids, for those log lines */
	cx_siptls_ready_h *readyh;
	void *arg;
	char why[256];        /* why the last connection to one of them was refused, or "" */
};

static void cx_siptls__destroy(void *arg)
{
	cx_siptls *t = arg;
	SSL_CTX *ctx = tls_openssl_context(t->tls);

	if (ctx && SSL_CTX_get_app_data(ctx) == t)
		SSL_CTX_set_app_data(ctx, NULL);
	list_flush(&t->seen);
	mem_deref(t->tls);
}

static void cx_siptls__seen_destroy(void *arg)
{
	cx_siptls__seen *v = arg;

	list_unlink(&v->le);
	X509_free(v->cert);
}

static void cx_siptls_dest__destroy(void *arg)
{
	cx_siptls_dest *d = arg;

	tmr_cancel(&d->tmr);
	mem_deref(d->dns);
	mem_deref(d->rdns);
	list_unlink(&d->lle);
	list_unlink(&d->le);
	mem_deref(d->t);
}

/* Section - Which connection is this */

/* The start of libre 1.1.0's struct tls_conn (src/tls/openssl/tls_tcp.c, built with OpenSSL
 * 1.1 or later): libre keeps it private and hands the SIP transport's connections to nobody, so
 * the one way from an SSL to its TCP connection is the BIO libre writes through, whose data is
 * this struct. Every field we can compare is compared before tcp is used; a libre laid out
 * otherwise makes every check fail (closed), with a log line saying so. */
struct cx_siptls__libre_tc {
	SSL *ssl;
	BIO_METHOD *biomet;
	BIO *sbio_out;
	BIO *sbio_in;
	struct tcp_helper *th;
	struct tcp_conn *tcp;
};

static int cx_siptls__peer(SSL *ssl, struct sa *peer)
{
	BIO *out = SSL_get_wbio(ssl);
	const struct cx_siptls__libre_tc *tc;

	/* libre's write BIO is its own "tcp_send" sink; anything else is not libre's layout */
	if (!out || !BIO_method_name(out) || strcmp(BIO_method_name(out), "tcp_send"))
		return EPROTO;
	tc = BIO_get_data(out);
	if (!tc || tc->ssl != ssl || tc->sbio_out != out || tc->sbio_in != SSL_get_rbio(ssl) ||
	    !tc->tcp)
		return EPROTO;
	return tcp_conn_peer_get(tc->tcp, peer);
}

/* Section - The checks */

static int cx_siptls__has(const cx_siptls_dest *d, const struct sa *a)
{
	int i;

	for (i = 0; i < d->naddr; i++)
		if (sa_cmp(&d->addr[i], a, SA_ALL))
			return 1;
	return 0;
}

/* The reason goes to every call waiting for this address (they share the connection), or,
 * when no call is (a connection libre opened by itself), to the log. */
static void cx_siptls__refuse(cx_siptls *t, const struct sa *peer, const char *fmt, ...)
{
	char why[256];
	struct le *le;
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	(void)re_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	for (le = list_head(&t->dests); le; le = le->next) {
		cx_siptls_dest *d = le->data;
		if (!cx_siptls__has(d, peer))
			continue;
		str_ncpy(d->why, why, sizeof(d->why));
		n++;
		/* an established call's request (its BYE, a re-INVITE): no handler of ours hears
		 * of it, the line says which call lost it */
		if (d->indialog)
			cx_logc(CX_LOG_WARN, d->lsess[0] ? d->lsess : NULL, d->lconn[0] ? d->lconn :
				NULL, d->lcall[0] ? d->lcall : NULL, "sip: a request of the call's "
				"dialog (BYE, re-INVITE, UPDATE, INFO...) cannot go: %H", cx_rt_esc, why);
	}
	if (!n)
		cx_log(CX_LOG_WARN, NULL, "sip: %H", cx_rt_esc, why);
}

/* Does cert carry what address i of d must show: the host name (RFC 6125: a DNS
 * subjectAltName equal to it, or a wildcard standing for its whole left-most label; the
 * subject's CN only when there is no DNS subjectAltName), or the IP address itself? 1, or 0
 * with the name looked for in name and OpenSSL's wording of the mismatch in *xerr. */
static int cx_siptls__names(X509 *cert, const cx_siptls_dest *d, int i, char *name, size_t nsz,
			    int *xerr)
{
	if (d->byname[i]) {
		const char *host = d->names[d->byname[i] - 1];
		str_ncpy(name, host, nsz);
		*xerr = X509_V_ERR_HOSTNAME_MISMATCH;
		return cert && X509_check_host(cert, host, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
					       NULL) == 1;
	}
	*xerr = X509_V_ERR_IP_ADDRESS_MISMATCH;
	return cert && !sa_ntop(&d->addr[i], name, nsz) && X509_check_ip_asc(cert, name, 0) == 1;
}

/* Keeps cert as the one the far end at addr showed last. */
static void cx_siptls__seen_set(cx_siptls *t, const struct sa *addr, X509 *cert)
{
	cx_siptls__seen *v = NULL;
	struct le *le;

	for (le = list_head(&t->seen); le && !v; le = le->next)
		if (sa_cmp(&((cx_siptls__seen *)le->data)->addr, addr, SA_ALL))
			v = le->data;
	if (v) {
		X509_free(v->cert);
		list_unlink(&v->le);
	}
	else {
		v = mem_zalloc(sizeof(*v), cx_siptls__seen_destroy);
		if (!v)
			return;
		v->addr = *addr;
		t->nseen++;
	}
	v->cert = cert;
	X509_up_ref(cert);
	list_append(&t->seen, &v->le, v); /* the newest last */
	if (t->nseen > CX_SIPTLS_NSEEN) {
		mem_deref(list_ledata(list_head(&t->seen)));
		t->nseen--;
	}
}

/* Every address of d where a connection is open already must be named by its certificate
 * (libre sends over it without a new handshake): 0, or EACCES with the reason in d->why. */
static int cx_siptls__seen_check(cx_siptls_dest *d)
{
	char name[256];
	struct le *le;
	int i, xerr;

	for (le = list_head(&d->t->seen); le; le = le->next) {
		cx_siptls__seen *v = le->data;
		for (i = 0; i < d->naddr; i++) {
			if (!sa_cmp(&d->addr[i], &v->addr, SA_ALL) ||
			    cx_siptls__names(v->cert, d, i, name, sizeof(name), &xerr))
				continue;
			(void)re_snprintf(d->why, sizeof(d->why), "TLS: the certificate of %J does "
					  "not name %s (%s)", &v->addr, name,
					  X509_verify_cert_error_string(xerr));
			return EACCES;
		}
	}
	return 0;
}

static int cx_siptls__verify(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	cx_siptls *t = ssl ? SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(xs);
	struct sa peer;
	struct le *le;
	char name[256];
	int i, n = 0, xerr;

	if (ssl && SSL_is_server(ssl))
		return 1; /* we asked for no client certificate: a peer's own offer changes nothing */
	if (!t)
		return 0;
	if (cx_siptls__peer(ssl, &peer)) {
		cx_log(CX_LOG_WARN, NULL, "sip: TLS: refused a connection: cannot tell its peer "
		       "(libre's struct tls_conn is not laid out as this runtime expects)");
		return 0;
	}
	if (!ok) {
		xerr = X509_STORE_CTX_get_error(xs);
		cx_siptls__refuse(t, &peer, "TLS: the certificate of %J is not trusted: %s", &peer,
				  X509_verify_cert_error_string(xerr));
		return 0;
	}
	if (X509_STORE_CTX_get_error_depth(xs) > 0)
		return 1; /* a CA of the chain; the name is the peer's own certificate's */
	/* the connection serves every call waiting for this address: each one's name is checked */
	for (le = list_head(&t->dests); le; le = le->next) {
		cx_siptls_dest *d = le->data;
		for (i = 0; i < d->naddr; i++) {
			if (!sa_cmp(&d->addr[i], &peer, SA_ALL))
				continue;
			n++;
			if (cx_siptls__names(cert, d, i, name, sizeof(name), &xerr))
				continue;
			cx_siptls__refuse(t, &peer, "TLS: the certificate of %J does not name %s (%s)",
					  &peer, name, X509_verify_cert_error_string(xerr));
			X509_STORE_CTX_set_error(xs, xerr);
			return 0;
		}
	}
	if (!n) {
		cx_siptls__refuse(t, &peer, "TLS: refused the connection to %J: none of our "
				  "destinations is there, so no name to check its certificate against",
				  &peer);
		X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	if (cert)
		cx_siptls__seen_set(t, &peer, cert);
	return 1;
}

/* As a server, no CertificateRequest: the context's SSL_VERIFY_PEER is for our clients. As a
 * client towards a host name, the name goes in the ClientHello (SNI, RFC 6066) for servers
 * that hold a certificate per name. */
static void cx_siptls__info(const SSL *ssl, int where, int ret)
{
	cx_siptls *t;
	struct sa peer;
	struct le *le;
	int i;

	(void)ret;
	if (!(where & SSL_CB_HANDSHAKE_START))
		return;
	if (SSL_is_server(ssl)) {
		SSL_set_verify((SSL *)ssl, SSL_VERIFY_NONE, NULL);
		return;
	}
	t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	if (!t || cx_siptls__peer((SSL *)ssl, &peer))
		return;
	for (le = list_head(&t->dests); le; le = le->next) {
		const cx_siptls_dest *d = le->data;
		for (i = 0; i < d->naddr; i++)
			if (d->byname[i] && sa_cmp(&d->addr[i], &peer, SA_ALL)) {
				(void)SSL_set_tlsext_host_name((SSL *)ssl, d->names[d->byname[i] - 1]);
				return;
			}
	}
}

/* Section - Set-up and destinations */

int cx_siptls_alloc(cx_siptls **tp, struct tls *tls, const char *ca)
{
	SSL_CTX *ctx = tls_openssl_context(tls);
	struct stat sb;
	cx_siptls *t;
	int r;

	if (!ctx)
		return EINVAL;
	if (ca && stat(ca, &sb)) {
		cx_log(CX_LOG_ERR, NULL, "--sip-tls-ca %H: %s", cx_rt_esc, ca, strerror(errno));
		return EINVAL;
	}
	ERR_clear_error();
	if (!ca)
		r = SSL_CTX_set_default_verify_paths(ctx);
	else if (S_ISDIR(sb.st_mode))
		r = SSL_CTX_load_verify_locations(ctx, NULL, ca);
	else
		r = SSL_CTX_load_verify_locations(ctx, ca, NULL);
	if (r != 1) {
		unsigned long e = ERR_peek_last_error();
		ERR_clear_error();
		if (!ca) {
			cx_log(CX_LOG_ERR, NULL, "sip: TLS: cannot use the system's trust store (%s)",
			       e ? ERR_reason_error_string(e) : "?");
			return EINVAL;
		}
		cx_log(CX_LOG_ERR, NULL, "--sip-tls-ca %H: no PEM certificate could be read from it (%s)",
		       cx_rt_esc, ca, e ? ERR_reason_error_string(e) : "?");
		return EINVAL;
	}
	t = mem_zalloc(sizeof(*t), cx_siptls__destroy);
	if (!t)
		return ENOMEM;
	t->tls = mem_ref(tls);
	SSL_CTX_set_app_data(ctx, t);
	SSL_CTX_set_verify_depth(ctx, CX_SIPTLS_DEPTH);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, cx_siptls__verify);
	SSL_CTX_set_info_callback(ctx, cx_siptls__info);
	*tp = t;
	return 0;
}

/* The address a URI's requests go to when its host (or maddr) is an IP literal, as libre's
 * sip_request finds it (no DNS then): 0, or EPROTONOSUPPORT for a host name (in host, its
 * port in *port, 0 when the URI has none). */
static int cx_siptls__uri_addr(const struct pl *pl, struct sa *a, struct pl *host,
			       uint16_t *port)
{
	struct uri u;

	if (uri_decode(&u, pl))
		return EINVAL;
	if (msg_param_decode(&u.params, "maddr", host))
		*host = u.host;
	*port = u.port;
	return sa_set(a, host, sip_transp_port(SIP_TRANSP_TLS, u.port)) ? EPROTONOSUPPORT : 0;
}

static int cx_siptls__dest(cx_siptls *t, cx_siptls_dest **dp)
{
	cx_siptls_dest *d;

	if (*dp)
		return 0;
	d = mem_zalloc(sizeof(*d), cx_siptls_dest__destroy);
	if (!d)
		return ENOMEM;
	tmr_init(&d->tmr);
	d->t = mem_ref(t);
	list_append(&t->dests, &d->le, d);
	*dp = d;
	return 0;
}

static void cx_siptls__add(cx_siptls_dest *d, const struct sa *a)
{
	if (d->naddr < CX_SIPTLS_NADDR && !cx_siptls__has(d, a))
		d->addr[d->naddr++] = *a;
}

/* a must show a certificate naming names[k - 1] (beside what other entries of a need) */
static void cx_siptls__add_named(cx_siptls_dest *d, const struct sa *a, uint8_t k)
{
	int i;

	for (i = 0; i < d->naddr; i++)
		if (d->byname[i] == k && sa_cmp(&d->addr[i], a, SA_ALL))
			return;
	if (d->naddr >= CX_SIPTLS_NADDR)
		return;
	d->byname[d->naddr] = k;
	d->addr[d->naddr++] = *a;
}

/* The host name's addresses are known: each must show a certificate naming it. */
static void cx_siptls__resolved_h(int err, const struct sa *addrv, unsigned addrc, void *arg)
{
	cx_siptls_dest *d = arg;
	cx_siptls_ready_h *h = d->readyh;
	cx_sipdns *r = d->dns; /* addrv is its own: freed last (h may free d) */
	unsigned i;

	d->dns = NULL;
	d->readyh = NULL;
	for (i = 0; !err && i < addrc; i++)
		cx_siptls__add_named(d, &addrv[i], 1);
	if (!err)
		err = cx_siptls__seen_check(d);
	if (h)
		h(err, d->arg);
	mem_deref(r);
}

int cx_siptls_expect(cx_siptls *t, struct dnsc *dnsc, const char *uri, cx_siptls_dest **dp,
		     cx_siptls_ready_h *readyh, void *arg, char *em, size_t esz)
{
	struct pl pl, host;
	uint16_t port;
	struct sa a;
	int err;

	*dp = NULL;
	pl_set_str(&pl, uri);
	err = cx_siptls__uri_addr(&pl, &a, &host, &port);
	if (!err) {
		/* an IP address: its own name */
		err = cx_siptls__dest(t, dp);
		if (err)
			return err;
		cx_siptls__add(*dp, &a);
		if (!cx_siptls__seen_check(*dp))
			return 0;
		str_ncpy(em, (*dp)->why, esz);
		return EACCES;
	}
	if (err != EPROTONOSUPPORT) {
		snprintf(em, esz, "TLS: cannot read the next hop %s", uri);
		return err;
	}
	/* a host name: the name the certificate must carry (without the root's dot) */
	if (host.l && host.p[host.l - 1] == '.')
		host.l--;
	if (!host.l || host.l >= sizeof((*dp)->names[0])) {
		snprintf(em, esz, "TLS: the host name of the next hop %s is empty or too long", uri);
		return EINVAL;
	}
	err = cx_siptls__dest(t, dp);
	if (err)
		return err;
	(void)pl_strcpy(&host, (*dp)->names[0], sizeof((*dp)->names[0]));
	(*dp)->readyh = readyh;
	(*dp)->arg = arg;
	err = cx_sipdns_tls(&(*dp)->dns, dnsc, (*dp)->names[0], port, cx_siptls__resolved_h, *dp);
	if (err == EDESTADDRREQ) {
		snprintf(em, esz, "TLS: cannot resolve %s: no name server is known (/etc/resolv.conf, "
			 "--dns-server)", (*dp)->names[0]);
		return err;
	}
	if (err) {
		snprintf(em, esz, "TLS: cannot resolve %s: %s", (*dp)->names[0], strerror(err));
		return err;
	}
	return EINPROGRESS;
}

/* The far end's Contact and Record-Routes: where our in-dialog requests go, on a connection of
 * their own when it is not the one the dialog began on (a caller's Contact is its listening
 * port, not the port it called from). Hosts given by name are left out: their connections are
 * refused. */
static bool cx_siptls__hdr_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	cx_siptls_dest *d = arg;
	struct sip_addr addr;
	struct pl host;
	uint16_t port;
	struct sa a;

	(void)msg;
	if (!sip_addr_decode(&addr, &hdr->val) &&
	    !cx_siptls__uri_addr(&addr.auri, &a, &host, &port))
		cx_siptls__add(d, &a);
	return false;
}

int cx_siptls_expect_msg(cx_siptls *t, const struct sip_msg *msg, cx_siptls_dest **dp)
{
	int err = cx_siptls__dest(t, dp);

	if (err)
		return err;
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, cx_siptls__hdr_h, *dp);
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_RECORD_ROUTE, cx_siptls__hdr_h, *dp);
	return 0;
}

/* The dialog's next hop given by host name is resolved (as libre will resolve it for the BYE):
 * each of its addresses must show a certificate naming it. */
static void cx_siptls__route_h(int err, const struct sa *addrv, unsigned addrc, void *arg)
{
	cx_siptls_dest *d = arg;
	cx_sipdns *r = d->rdns; /* addrv is its own */
	unsigned i;

	d->rdns = NULL;
	for (i = 0; !err && i < addrc; i++)
		cx_siptls__add_named(d, &addrv[i], 2);
	if (err) /* libre cannot send there either: the reason, for the call's record */
		(void)re_snprintf(d->why, sizeof(d->why), "TLS: cannot resolve %s: %s", d->names[1],
				  err == EDESTADDRREQ ? "no such host" : err == ETIMEDOUT ?
				  "no answer from the name server" : strerror(err));
	if (err)
		cx_logc(CX_LOG_WARN, d->lsess[0] ? d->lsess : NULL, d->lconn[0] ? d->lconn : NULL,
			d->lcall[0] ? d->lcall : NULL, "sip: TLS: cannot resolve %s, where the call's "
			"dialog sends its requests (BYE, re-INVITE...): %s", d->names[1],
			err == EDESTADDRREQ ? "its host name does not resolve" :
			err == ETIMEDOUT ? "the name server did not answer" : strerror(err));
	mem_deref(r);
}

/* A target refresh moved the dialog's next hop away from names[1]: its addresses, its
 * resolution and the refusal seen there no longer say anything about the next request. */
static void cx_siptls__route_forget(cx_siptls_dest *d)
{
	int i, n = 0;

	for (i = 0; i < d->naddr; i++) {
		if (d->byname[i] == 2)
			continue;
		d->byname[n] = d->byname[i];
		d->addr[n++] = d->addr[i];
	}
	d->naddr = n;
	d->rdns = mem_deref(d->rdns);
	d->names[1][0] = '\0';
	d->rport = 0;
	d->why[0] = '\0';
}

int cx_siptls_expect_route(cx_siptls *t, struct dnsc *dnsc, const struct uri *route,
			   cx_siptls_dest **dp, const char *sess, const char *conn,
			   const char *callid)
{
	struct pl host, tp;
	struct sa a;
	int err;

	int tls;

	if (!route)
		return EINVAL;
	/* libre's sip_request goes over TLS to a sip: route only with ;transport=tls (without
	 * one it would ask NAPTR, which is not followed here: such a connection is refused) */
	tls = !pl_strcasecmp(&route->scheme, "sip") &&
	      !msg_param_decode(&route->params, "transport", &tp) && !pl_strcasecmp(&tp, "tls");
	if (!tls && !*dp)
		return 0; /* a call not over TLS: nothing to check */
	err = cx_siptls__dest(t, dp);
	if (err)
		return err;
	(*dp)->indialog = 1;
	str_ncpy((*dp)->lsess, sess ? sess : "", sizeof((*dp)->lsess));
	str_ncpy((*dp)->lconn, conn ? conn : "", sizeof((*dp)->lconn));
	str_ncpy((*dp)->lcall, callid ? callid : "", sizeof((*dp)->lcall));
	if (!tls)
		return 0;
	if (msg_param_decode(&route->params, "maddr", &host))
		host = route->host;
	if (host.l && host.p[host.l - 1] == '.')
		host.l--;
	/* again after a target refresh (a re-INVITE or UPDATE with a new Contact): the same
	 * name and port, nothing new; else the new hop replaces the old one's */
	if ((*dp)->names[1][0]) {
		if (!pl_strcasecmp(&host, (*dp)->names[1]) && route->port == (*dp)->rport)
			return 0;
		cx_siptls__route_forget(*dp);
	}
	if (!sa_set(&a, &host, sip_transp_port(SIP_TRANSP_TLS, route->port))) {
		cx_siptls__add(*dp, &a); /* an IP address: its own name */
		return 0;
	}
	if (!host.l || host.l >= sizeof((*dp)->names[1]) || (*dp)->rdns)
		return EINVAL;
	(void)pl_strcpy(&host, (*dp)->names[1], sizeof((*dp)->names[1]));
	(*dp)->rport = route->port;
	err = cx_sipdns_tls(&(*dp)->rdns, dnsc, (*dp)->names[1], route->port, cx_siptls__route_h,
			    *dp);
	if (err)
		cx_siptls__route_h(err, NULL, 0, *dp);
	return err;
}

static void cx_siptls__linger_end(void *arg)
{
	mem_deref(arg);
}

cx_siptls_dest *cx_siptls_release(cx_siptls_dest *d)
{
	if (!d)
		return NULL;
	d->dns = mem_deref(d->dns); /* a resolution in flight: dropped, its handler not called
				     * (the dialog's, rdns, goes on: the BYE needs it) */
	d->readyh = NULL;
	/* refused: the call never reached the far end, no BYE will go there (and its names would
	 * only stand in the way of a new call to the same address) */
	if (d->t->closed || (!d->indialog && (!d->naddr || d->why[0])))
		return mem_deref(d);
	list_append(&d->t->linger, &d->lle, d); /* the call's reference, now the list's */
	tmr_start(&d->tmr, CX_SIPTLS_LINGER_MS, cx_siptls__linger_end, d);
	return NULL;
}

cx_siptls *cx_siptls_close(cx_siptls *t)
{
	if (!t)
		return NULL;
	t->closed = 1;
	list_flush(&t->linger);
	return mem_deref(t);
}

const char *cx_siptls_why(const cx_siptls_dest *d)
{
	return d && d->why[0] ? d->why : NULL;
}
