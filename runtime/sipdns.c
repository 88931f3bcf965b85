/*
 * sipdns.c — the addresses a TLS next hop given by host name is reached at (docs/sip.md "TLS").
 *
 * siptls.c must know, before the handshake, which addresses a host name stands for: the
 * certificate of a connection to one of them must name the host. libre 1.1.0 resolves the
 * next hop of a request itself and shows nobody the result (src/sip/request.c), so the same
 * resolution is made here, through the same resolver (the struct dnsc libre's SIP stack
 * uses), the way libre makes it for ;transport=tls (RFC 3263 without NAPTR): a port in the
 * URI: A and AAAA of the host; none: SRV _sips._tcp.HOST, each target's A and AAAA (from the
 * answer's additional section, else asked for) at its port; no SRV record: A and AAAA of the
 * host at 5061. Every address found is reported, not only the first: libre tries the next
 * SRV target or address when one fails.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "prov.h"

#define CX_SIPDNS_TARGETS 4    /* SRV targets followed (libre tries them in turn) */

struct cx_sipdns {
	struct dnsc *dnsc;         /* ref */
	char *host;
	struct list looks;         /* cx_sipdns__look: the queries in flight */
	struct sa addr[CX_SIPDNS_MAX];
	unsigned naddr;
	int err;                   /* the first error of a query (a timeout), 0 */
	cx_sipdns_h *h;            /* NULL once called */
	void *arg;
};

/* One query, and the port the addresses it brings are reached at. */
typedef struct cx_sipdns__look {
	struct le le;
	cx_sipdns *r;              /* weak: r owns the look */
	struct dns_query *q;
	uint16_t port;
} cx_sipdns__look;

static void cx_sipdns__destroy(void *arg)
{
	cx_sipdns *r = arg;

	list_flush(&r->looks);
	mem_deref(r->dnsc);
	mem_deref(r->host);
}

static void cx_sipdns__look_destroy(void *arg)
{
	cx_sipdns__look *l = arg;

	mem_deref(l->q); /* a query still in flight is dropped: its handler is not called */
	list_unlink(&l->le);
}

static int cx_sipdns__ask(cx_sipdns *r, const char *name, uint16_t type, uint16_t port,
			  dns_query_h *qh)
{
	cx_sipdns__look *l = mem_zalloc(sizeof(*l), cx_sipdns__look_destroy);
	int err;

	if (!l)
		return ENOMEM;
	l->r = r;
	l->port = port;
	list_append(&r->looks, &l->le, l);
	err = dnsc_query(&l->q, r->dnsc, name, type, DNS_CLASS_IN, true, qh, l);
	if (err)
		mem_deref(l);
	return err;
}

/* The last query answered: the caller learns the addresses (or why there are none). */
static void cx_sipdns__done(cx_sipdns *r)
{
	cx_sipdns_h *h = r->h;

	if (!h || list_head(&r->looks))
		return;
	r->h = NULL;
	h(r->naddr ? 0 : r->err ? r->err : EDESTADDRREQ, r->addr, r->naddr, r->arg);
}

static bool cx_sipdns__addr_rr(struct dnsrr *rr, void *arg)
{
	cx_sipdns__look *l = arg;
	cx_sipdns *r = l->r;
	struct sa a;
	unsigned i;

	if (rr->type == DNS_TYPE_A)
		sa_set_in(&a, rr->rdata.a.addr, l->port);
	else if (rr->type == DNS_TYPE_AAAA)
		sa_set_in6(&a, rr->rdata.aaaa.addr, l->port);
	else
		return false;
	for (i = 0; i < r->naddr; i++)
		if (sa_cmp(&r->addr[i], &a, SA_ALL))
			return false;
	if (r->naddr < CX_SIPDNS_MAX)
		r->addr[r->naddr++] = a;
	return false;
}

static void cx_sipdns__addr_h(int err, const struct dnshdr *hdr, struct list *ansl,
			      struct list *authl, struct list *addl, void *arg)
{
	cx_sipdns__look *l = arg;
	cx_sipdns *r = l->r;

	(void)hdr;
	(void)authl;
	(void)addl;
	l->q = NULL; /* libre frees it after this handler */
	if (err && !r->err)
		r->err = err;
	/* every A and AAAA of the answer, the CNAME chain's end included, as libre takes them */
	if (!err)
		(void)dns_rrlist_apply2(ansl, NULL, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_CLASS_IN, false,
					cx_sipdns__addr_rr, l);
	mem_deref(l);
	cx_sipdns__done(r);
}

static int cx_sipdns__addrs(cx_sipdns *r, const char *name, uint16_t port)
{
	int err = cx_sipdns__ask(r, name, DNS_TYPE_A, port, cx_sipdns__addr_h);

	if (!err)
		err = cx_sipdns__ask(r, name, DNS_TYPE_AAAA, port, cx_sipdns__addr_h);
	return err;
}

typedef struct cx_sipdns__srv {
	cx_sipdns__look *l;
	struct list *addl;
	unsigned n;
	int err;
} cx_sipdns__srv;

/* One SRV target: its addresses from the additional section, else queries of its own. */
static bool cx_sipdns__srv_rr(struct dnsrr *rr, void *arg)
{
	cx_sipdns__srv *s = arg;
	cx_sipdns__look tl = {.r = s->l->r, .port = rr->rdata.srv.port};
	unsigned before = s->l->r->naddr;

	if (s->n >= CX_SIPDNS_TARGETS)
		return true;
	s->n++;
	(void)dns_rrlist_apply2(s->addl, rr->rdata.srv.target, DNS_TYPE_A, DNS_TYPE_AAAA,
				DNS_CLASS_IN, true, cx_sipdns__addr_rr, &tl);
	if (s->l->r->naddr == before)
		s->err = cx_sipdns__addrs(s->l->r, rr->rdata.srv.target, rr->rdata.srv.port);
	return s->err != 0;
}

static void cx_sipdns__srv_h(int err, const struct dnshdr *hdr, struct list *ansl,
			     struct list *authl, struct list *addl, void *arg)
{
	cx_sipdns__look *l = arg;
	cx_sipdns *r = l->r;
	cx_sipdns__srv s = {.l = l, .addl = addl};

	(void)hdr;
	(void)authl;
	l->q = NULL;
	if (!err) {
		dns_rrlist_sort(ansl, DNS_TYPE_SRV, 0);
		(void)dns_rrlist_apply(ansl, NULL, DNS_TYPE_SRV, DNS_CLASS_IN, false,
				       cx_sipdns__srv_rr, &s);
	}
	/* no SRV record (or no answer to the SRV query): the host itself, as libre does */
	if (!s.n)
		s.err = cx_sipdns__addrs(r, r->host, sip_transp_port(SIP_TRANSP_TLS, 0));
	if (s.err && !r->err)
		r->err = s.err;
	mem_deref(l);
	cx_sipdns__done(r);
}

int cx_sipdns_tls(cx_sipdns **rp, struct dnsc *dnsc, const char *host, uint16_t port,
		  cx_sipdns_h *h, void *arg)
{
	char name[300];
	cx_sipdns *r;
	int err;

	if (!dnsc)
		return EDESTADDRREQ; /* no resolver (no name server known at start) */
	if (re_snprintf(name, sizeof(name), "_sips._tcp.%s", host) < 0)
		return ENAMETOOLONG;
	r = mem_zalloc(sizeof(*r), cx_sipdns__destroy);
	if (!r)
		return ENOMEM;
	r->dnsc = mem_ref(dnsc);
	r->h = h;
	r->arg = arg;
	err = str_dup(&r->host, host);
	if (!err)
		err = port ? cx_sipdns__addrs(r, host, port) :
			     cx_sipdns__ask(r, name, DNS_TYPE_SRV, 0, cx_sipdns__srv_h);
	if (err) {
		mem_deref(r);
		return err;
	}
	*rp = r;
	return 0;
}
