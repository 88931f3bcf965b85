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
 * address its next hop is (cx_siptls_expect: an IP literal only, so the address is the name
 * itself), then the far end's Contact and Record-Route addresses (cx_siptls_expect_msg); a
 * connection to an address nobody recorded is refused, as is one whose certificate does not
 * name that IP address: fail closed (docs/decisions.md "SIP over TLS verifies the peer").
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
#define CX_SIPTLS_NADDR 8    /* addresses of one call: its next hop, the far end's Contact and
			      * Record-Routes (more Record-Routes are not taken) */
#define CX_SIPTLS_LINGER_MS 32000 /* an ended call's addresses stay known this long: its BYE
				   * (64 * T1) may need a connection of its own */

struct cx_siptls {
	struct tls *tls;      /* ref: its SSL_CTX carries our callbacks and a pointer to us */
	struct list dests;    /* cx_siptls_dest */
	struct list linger;   /* the dests of ended calls, until their timer (owning refs) */
	int closed;           /* the SIP stack is gone: nothing lingers */
};

struct cx_siptls_dest {
	struct le le;         /* in t->dests */
	struct le lle;        /* in t->linger once its call ended */
	struct tmr tmr;
	cx_siptls *t;         /* ref */
	struct sa addr[CX_SIPTLS_NADDR]; /* IP and port of each hop the call may send to */
	int naddr;
	char why[256];        /* why the last connection to one of them was refused, or "" */
};

static void cx_siptls__destroy(void *arg)
{
	cx_siptls *t = arg;
	SSL_CTX *ctx = tls_openssl_context(t->tls);

	if (ctx && SSL_CTX_get_app_data(ctx) == t)
		SSL_CTX_set_app_data(ctx, NULL);
	mem_deref(t->tls);
}

static void cx_siptls_dest__destroy(void *arg)
{
	cx_siptls_dest *d = arg;

	tmr_cancel(&d->tmr);
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
		if (cx_siptls__has(d, peer)) {
			str_ncpy(d->why, why, sizeof(d->why));
			n++;
		}
	}
	if (!n)
		cx_log(CX_LOG_WARN, NULL, "sip: %H", cx_rt_esc, why);
}

static int cx_siptls__verify(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	cx_siptls *t = ssl ? SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(xs);
	const cx_siptls_dest *d = NULL;
	struct sa peer;
	struct le *le;
	char ip[64];
	int xerr;

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
	for (le = list_head(&t->dests); le && !d; le = le->next)
		if (cx_siptls__has(le->data, &peer))
			d = le->data;
	if (!d) {
		cx_siptls__refuse(t, &peer, "TLS: refused the connection to %J: none of our "
				  "destinations is there, so no name to check its certificate against",
				  &peer);
		X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	if (!cert || sa_ntop(&peer, ip, sizeof(ip)) || X509_check_ip_asc(cert, ip, 0) != 1) {
		cx_siptls__refuse(t, &peer, "TLS: the certificate of %J does not name %j (%s)",
				  &peer, &peer,
				  X509_verify_cert_error_string(X509_V_ERR_IP_ADDRESS_MISMATCH));
		X509_STORE_CTX_set_error(xs, X509_V_ERR_IP_ADDRESS_MISMATCH);
		return 0;
	}
	return 1;
}

/* As a server, no CertificateRequest: the context's SSL_VERIFY_PEER is for our clients. */
static void cx_siptls__info(const SSL *ssl, int where, int ret)
{
	(void)ret;
	if ((where & SSL_CB_HANDSHAKE_START) && SSL_is_server(ssl))
		SSL_set_verify((SSL *)ssl, SSL_VERIFY_NONE, NULL);
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
 * sip_request finds it (no DNS then): 0, or EPROTONOSUPPORT for a host name. */
static int cx_siptls__uri_addr(const struct pl *pl, struct sa *a, struct pl *host)
{
	struct uri u;

	if (uri_decode(&u, pl))
		return EINVAL;
	if (msg_param_decode(&u.params, "maddr", host))
		*host = u.host;
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

int cx_siptls_expect(cx_siptls *t, const char *uri, cx_siptls_dest **dp, char *em, size_t esz)
{
	struct pl pl, host;
	struct sa a;
	int err;

	*dp = NULL;
	pl_set_str(&pl, uri);
	err = cx_siptls__uri_addr(&pl, &a, &host);
	if (err == EPROTONOSUPPORT) {
		snprintf(em, esz, "TLS: the certificate of %.*s cannot be checked: only an IP address "
			 "is verified as a next hop yet (docs/sip.md \"TLS\"; --sip-tls-no-verify "
			 "skips the checks)", (int)host.l, host.p);
		return err;
	}
	if (err) {
		snprintf(em, esz, "TLS: cannot read the next hop %s", uri);
		return err;
	}
	err = cx_siptls__dest(t, dp);
	if (!err)
		cx_siptls__add(*dp, &a);
	return err;
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
	struct sa a;

	(void)msg;
	if (!sip_addr_decode(&addr, &hdr->val) &&
	    !cx_siptls__uri_addr(&addr.auri, &a, &host))
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

static void cx_siptls__linger_end(void *arg)
{
	mem_deref(arg);
}

cx_siptls_dest *cx_siptls_release(cx_siptls_dest *d)
{
	if (!d)
		return NULL;
	if (d->t->closed || !d->naddr)
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
