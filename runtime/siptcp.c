/*
 * siptcp.c — a bound on the inbound SIP connections over TCP and TLS (docs/sip.md "Limits",
 * docs/decisions.md "Inbound SIP connections are bounded").
 *
 * libre 1.1.0's SIP transport accepts every connection its TCP and TLS listening sockets are
 * offered and keeps it until the peer closes it, 32 s pass without a byte, or 900 s without a
 * message: a client opening connections (or sending one request on each) holds a descriptor per
 * connection, and once the process is out of descriptors no call, RTP socket or HTTP request
 * works. libre has no accept hook and hands out neither its listening sockets nor its
 * connections, so this file defines accept() and accept4(): a program's own definition comes
 * first in the dynamic linker's search order, so libre's tcp_conn_handler calls ours (checked at
 * start: cx_siptcp_alloc fails, and the program does not start, when it would not). For every
 * descriptor but the SIP listening sockets of this thread's engines ours is the C library's.
 *
 * A connection from a listening socket of ours is taken or refused at once, before libre sees
 * it: refused (closed with a reset, libre's accept() gets EAGAIN and carries on) when its source
 * (an IPv4 address, an IPv6 /64) already has per_addr connections open, or when max are open and
 * none can yield. A connection yields when no call was taken from it (cx_siptcp_hold) and it has
 * carried no byte either way for CX_SIPTCP_YIELD_MS: its descriptor is shut down (shutdown(2);
 * libre reads the end of the stream and frees the connection through its own path: we never
 * close() a descriptor libre owns). Every second, connections without a call that carried nothing
 * for idle_ms are shut down the same way. Our own outbound connections are never accepted, so
 * never counted or cut; neither is a connection a call came in on while the call lasts.
 *
 * The table knows a connection by its descriptor and the socket's inode (the number is reused
 * once libre has closed it); an entry whose descriptor no longer holds that socket is gone and
 * is dropped whenever it is met.
 */
#define _GNU_SOURCE
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <dlfcn.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <re.h>
#include "prov.h"

#define CX_SIPTCP_MAX 1024        /* default total; at most a quarter of the descriptor limit */
#define CX_SIPTCP_PER_ADDR 32     /* default per source address (IPv6: per /64) */
#define CX_SIPTCP_IDLE_MS 60000   /* default: a connection without a call, silent this long */
#define CX_SIPTCP_YIELD_MS 2000   /* silent this long, without a call: may yield to a new one */
#define CX_SIPTCP_WALK_MS 50      /* a full table that found nothing to yield is walked again
				   * no sooner: a flood at the cap costs no walk per connection */
#define CX_SIPTCP_NLIS 66         /* listening addresses: TCP and TLS on 32 interfaces */
#define CX_SIPTCP_BACKLOG 1024    /* libre listens with 5: under a flood most SYNs would be
				   * dropped, a caller's too (retried 1 s, 3 s… later) */

typedef struct cx_siptcp_conn {
	struct le le;             /* in t->conns, oldest first */
	struct le he;             /* in t->ht, by source */
	cx_siptcp *t;             /* NULL once out of the table (a call may still hold it) */
	int fd;
	dev_t dev;                /* the socket the descriptor was when accepted */
	ino_t ino;
	struct sa peer, local;
	uint64_t since;           /* tmr_jiffies() when accepted */
	uint32_t calls;           /* calls taken from it and not over (cx_siptcp_hold) */
} cx_siptcp_conn;

struct cx_siptcp {
	struct le le;             /* in cx_siptcp__mine */
	cx_engine *e;
	struct sa lis[CX_SIPTCP_NLIS];
	int tls[CX_SIPTCP_NLIS];
	int deep[CX_SIPTCP_NLIS];   /* its backlog was made CX_SIPTCP_BACKLOG */
	int nlis;
	uint32_t max, per_addr, idle_ms;
	struct list conns;
	struct hash *ht;
	uint32_t n;
	uint64_t walked;          /* when a full table last found nothing to yield */
	struct tmr sweep;
	/* refusals: a line at most once in CX_LOG_QUIET_MS (rt.h), the others counted into the
	 * next; when no refusal comes after the quiet time, q's timer writes the last one's */
	cx_quiet q;
	struct sa quiet_peer;
	int quiet_total, quiet_tls;
};

/* The engines with SIP of this thread: libre's loop, and so its accept(), runs on their thread */
static __thread struct list cx_siptcp__mine;

/* Section - The table */

static uint32_t cx_siptcp__srchash(const struct sa *a)
{
	if (sa_af(a) == AF_INET6)
		return hash_joaat((const uint8_t *)&a->u.in6.sin6_addr, 8);
	return sa_hash(a, SA_ADDR);
}

/* Same source: the same IPv4 address, or the same IPv6 /64 (one host's share of a network). */
static bool cx_siptcp__samesrc(const struct sa *a, const struct sa *b)
{
	if (sa_af(a) != sa_af(b))
		return false;
	if (sa_af(a) == AF_INET6)
		return !memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 8);
	return sa_cmp(a, b, SA_ADDR);
}

static void cx_siptcp_conn__destroy(void *arg)
{
	cx_siptcp_conn *c = arg;

	list_unlink(&c->le);
	hash_unlink(&c->he);
}

static void cx_siptcp__drop(cx_siptcp_conn *c)
{
	list_unlink(&c->le);
	hash_unlink(&c->he);
	c->t->n--;
	c->t = NULL;
	mem_deref(c);
}

/* The descriptor still holds the socket accepted (else libre closed it: the entry is stale). */
static bool cx_siptcp__alive(const cx_siptcp_conn *c)
{
	struct stat st;

	return !fstat(c->fd, &st) && st.st_dev == c->dev && st.st_ino == c->ino;
}

/* ms since the connection carried a byte either way (the kernel's count), at most its age */
static uint64_t cx_siptcp__idle(const cx_siptcp_conn *c, uint64_t now)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);
	uint64_t idle = now - c->since;

	if (!getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &l)) {
		if (ti.tcpi_last_data_recv < idle)
			idle = ti.tcpi_last_data_recv;
		if (ti.tcpi_last_data_sent < idle)
			idle = ti.tcpi_last_data_sent;
	}
	return idle;
}

/* libre reads the end of the stream on its next turn and frees the connection itself. */
static void cx_siptcp__close(cx_siptcp_conn *c)
{
	(void)shutdown(c->fd, SHUT_RDWR);
	cx_siptcp__drop(c);
}

/* Stale entries out; with idle, connections without a call silent for idle_ms closed. */
static void cx_siptcp__walk(cx_siptcp *t, int idle)
{
	uint64_t now = tmr_jiffies();
	struct le *le = list_head(&t->conns);

	while (le) {
		cx_siptcp_conn *c = le->data;
		le = le->next;
		if (!cx_siptcp__alive(c))
			cx_siptcp__drop(c);
		else if (idle && t->idle_ms && !c->calls && cx_siptcp__idle(c, now) >= t->idle_ms) {
			cx_log(CX_LOG_DEBUG, NULL, "sip: inbound connection from %J closed: idle "
			       "without a call for %u s (--sip-connection-idle)", &c->peer,
			       t->idle_ms / 1000);
			t->e->met.sip_conn_closed[0]++;
			cx_siptcp__close(c);
		}
	}
}

static void cx_siptcp__sweep_h(void *arg)
{
	cx_siptcp *t = arg;

	cx_siptcp__walk(t, 1);
	if (t->n)
		tmr_start(&t->sweep, 1000, cx_siptcp__sweep_h, t);
}

/* Room for one more when the table is full: a stale entry, else the oldest connection without
 * a call that has been silent long enough yields. */
static bool cx_siptcp__room(cx_siptcp *t)
{
	uint64_t now = tmr_jiffies();
	struct le *le;

	if (t->walked && now - t->walked < CX_SIPTCP_WALK_MS)
		return false;
	for (le = list_head(&t->conns); le; le = le->next) {
		cx_siptcp_conn *c = le->data;
		if (!cx_siptcp__alive(c)) {
			cx_siptcp__drop(c);
			return true;
		}
		if (!c->calls && cx_siptcp__idle(c, now) >= CX_SIPTCP_YIELD_MS) {
			cx_log(CX_LOG_DEBUG, NULL, "sip: inbound connection from %J closed: it "
			       "yields to a new one (--sip-max-connections)", &c->peer);
			t->e->met.sip_conn_closed[1]++;
			cx_siptcp__close(c);
			return true;
		}
	}
	t->walked = now;
	return false;
}

/* Section - Refusals: counted, logged at most once in CX_LOG_QUIET_MS */

static const char *cx_siptcp__why(int total)
{
	return total ? "the inbound SIP connections are at their limit and none is idle "
		"without a call (--sip-max-connections)" : "its address has as many open as "
		"allowed (--sip-max-connections-per-address)";
}

/* Addresses are printed as numbers (%J): nothing the peer chose reaches the log. */
static void cx_siptcp__log(const struct sa *peer, int total, int tls, uint64_t more)
{
	cx_log(CX_LOG_WARN, NULL, "sip: an inbound %s connection from %J refused at once: %s%H",
	       tls ? "TLS" : "TCP", peer, cx_siptcp__why(total), cx_quiet_more, &more);
}

/* The quiet time is over with refusals not logged (cx_quiet): the last one's line counts the
 * others. */
static void cx_siptcp__quiet_h(void *arg, uint64_t n)
{
	cx_siptcp *t = arg;

	cx_siptcp__log(&t->quiet_peer, t->quiet_total, t->quiet_tls, n - 1);
}

static void cx_siptcp__refused(cx_siptcp *t, const struct sa *peer, int total, int tls)
{
	uint64_t skipped;

	t->e->met.sip_conn_refused[total]++;
	if (cx_quiet_ok(&t->q, &skipped, cx_siptcp__quiet_h, t)) {
		cx_siptcp__log(peer, total, tls, skipped);
		return;
	}
	t->quiet_peer = *peer;
	t->quiet_total = total;
	t->quiet_tls = tls;
}

/* Section - accept() */

/* Which of our listening addresses local is (its index), or -1. */
static int cx_siptcp__lis(const cx_siptcp *t, const struct sa *local)
{
	int i;

	for (i = 0; i < t->nlis; i++)
		if (sa_cmp(&t->lis[i], local, SA_ALL))
			return i;
	return -1;
}

static int cx_siptcp__sa(int fd, struct sa *a, int peer)
{
	socklen_t l = sizeof(a->u);

	sa_init(a, AF_UNSPEC);
	if (peer ? getpeername(fd, &a->u.sa, &l) : getsockname(fd, &a->u.sa, &l))
		return errno;
	a->len = l;
	return sa_af(a) == AF_INET || sa_af(a) == AF_INET6 ? 0 : EAFNOSUPPORT;
}

/* nfd came from one of t's listening sockets (lis): true when it may stay. */
static bool cx_siptcp__admit(cx_siptcp *t, int nfd, int lis)
{
	cx_siptcp_conn *c;
	struct stat st;
	struct sa peer, local;
	uint32_t same = 0, h;
	struct le *le;

	/* a connection already reset has nothing to count: libre finds out on its own */
	if (cx_siptcp__sa(nfd, &peer, 1) || cx_siptcp__sa(nfd, &local, 0) || fstat(nfd, &st))
		return true;
	h = cx_siptcp__srchash(&peer);
	le = list_head(hash_list(t->ht, h));
	while (le) {
		c = le->data;
		le = le->next;
		if (!cx_siptcp__samesrc(&c->peer, &peer))
			continue;
		if (!cx_siptcp__alive(c))
			cx_siptcp__drop(c);
		else
			same++;
	}
	if (same >= t->per_addr) {
		cx_siptcp__refused(t, &peer, 0, t->tls[lis]);
		return false;
	}
	if (t->n >= t->max && !cx_siptcp__room(t)) {
		cx_siptcp__refused(t, &peer, 1, t->tls[lis]);
		return false;
	}
	c = mem_zalloc(sizeof(*c), cx_siptcp_conn__destroy);
	if (!c)
		return false; /* out of memory: refused rather than uncounted */
	c->t = t;
	c->fd = nfd;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->peer = peer;
	c->local = local;
	c->since = tmr_jiffies();
	list_append(&t->conns, &c->le, c);
	hash_append(t->ht, h, &c->he, c);
	t->n++;
	if (!tmr_isrunning(&t->sweep))
		tmr_start(&t->sweep, 1000, cx_siptcp__sweep_h, t);
	return true;
}

typedef int (cx_siptcp__accept_f)(int, struct sockaddr *, socklen_t *, int);

static int cx_siptcp__accept(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	static cx_siptcp__accept_f *real;
	cx_siptcp__accept_f *f = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	struct linger lg = {1, 0};
	struct sa local;
	struct le *le;
	int nfd, saved, lis = -1;

	if (!f) {
		/* the C library's (or a sanitizer's, which calls it) */
		f = (cx_siptcp__accept_f *)dlsym(RTLD_NEXT, "accept4");
		if (f)
			__atomic_store_n(&real, f, __ATOMIC_RELEASE);
	}
	nfd = f ? f(fd, addr, len, flags) : (int)syscall(SYS_accept4, fd, addr, len, flags);
	if (nfd < 0 || !list_head(&cx_siptcp__mine))
		return nfd;
	saved = errno;
	if (cx_siptcp__sa(fd, &local, 0)) {
		errno = saved;
		return nfd;
	}
	for (le = list_head(&cx_siptcp__mine); le; le = le->next) {
		cx_siptcp *t = le->data;
		if ((lis = cx_siptcp__lis(t, &local)) < 0)
			continue;
		if (!t->deep[lis]) /* Linux: listen() again sets the backlog of a listening socket */
			t->deep[lis] = !listen(fd, CX_SIPTCP_BACKLOG);
		if (cx_siptcp__admit(t, nfd, lis))
			break;
		/* a reset, not a FIN: nothing of it stays behind, here or in the kernel */
		(void)setsockopt(nfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		(void)close(nfd);
		errno = EAGAIN;
		return -1;
	}
	errno = saved;
	return nfd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return cx_siptcp__accept(fd, addr, len, 0);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return cx_siptcp__accept(fd, addr, len, flags);
}

/* Section - Interface (prov.h) */

static void cx_siptcp__destroy(void *arg)
{
	cx_siptcp *t = arg;
	struct le *le;

	tmr_cancel(&t->sweep);
	cx_quiet_close(&t->q);
	list_unlink(&t->le);
	while ((le = list_head(&t->conns)))
		cx_siptcp__drop(le->data);
	mem_deref(t->ht);
}

int cx_siptcp_alloc(cx_siptcp **tp, cx_engine *e)
{
	struct rlimit rl;
	cx_siptcp *t;
	int err;

	/* fail closed: if libre's accept() does not reach ours, nothing would be bounded */
	if (dlsym(RTLD_DEFAULT, "accept") != (void *)accept) {
		cx_log(CX_LOG_ERR, NULL, "sip: this program cannot bound its inbound TCP "
		       "connections: its accept() is not the one the SIP library calls (was it linked "
		       "without libcxrt.a's siptcp.o first, or is libre loaded privately?); not "
		       "listening unbounded");
		return ENOTSUP;
	}
	t = mem_zalloc(sizeof(*t), cx_siptcp__destroy);
	if (!t)
		return ENOMEM;
	t->e = e;
	t->max = CX_SIPTCP_MAX;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 4 < t->max)
		t->max = rl.rlim_cur / 4 ? (uint32_t)(rl.rlim_cur / 4) : 1;
	t->per_addr = CX_SIPTCP_PER_ADDR;
	t->idle_ms = CX_SIPTCP_IDLE_MS;
	tmr_init(&t->sweep);
	err = hash_alloc(&t->ht, 256);
	if (err) {
		mem_deref(t);
		return err;
	}
	list_append(&cx_siptcp__mine, &t->le, t);
	*tp = t;
	return 0;
}

int cx_siptcp_listen(cx_siptcp *t, const struct sa *laddr, int tls)
{
	if (t->nlis >= CX_SIPTCP_NLIS)
		return ENOSPC;
	t->tls[t->nlis] = tls;
	t->lis[t->nlis++] = *laddr;
	return 0;
}

int cx_siptcp_limits(cx_siptcp *t, uint32_t max, uint32_t per_addr, uint32_t idle_s)
{
	if (max > 10000000 || per_addr > 10000000 || (idle_s > 86400 && idle_s != UINT32_MAX)) {
		cx_log(CX_LOG_ERR, NULL, "--sip-max-connections and --sip-max-connections-per-"
		       "address are at most 10000000, --sip-connection-idle at most 86400 s");
		return EINVAL;
	}
	if (max)
		t->max = max;
	if (per_addr)
		t->per_addr = per_addr;
	if (idle_s)
		t->idle_ms = idle_s == UINT32_MAX ? 0 : idle_s * 1000;
	cx_log(CX_LOG_INFO, NULL, "sip: inbound TCP/TLS connections: at most %u, %u per address; "
	       "one without a call is closed after %u s without a byte%s", t->max, t->per_addr,
	       t->idle_ms ? t->idle_ms / 1000 : 900, t->idle_ms ? "" : " (libre's own limit)");
	return 0;
}

uint32_t cx_siptcp_count(cx_siptcp *t)
{
	cx_siptcp__walk(t, 0);
	return t->n;
}

cx_siptcp_conn *cx_siptcp_hold(cx_siptcp *t, const struct sa *src, const struct sa *dst)
{
	struct le *le;

	if (!t)
		return NULL;
	for (le = list_head(hash_list(t->ht, cx_siptcp__srchash(src))); le; le = le->next) {
		cx_siptcp_conn *c = le->data;
		if (sa_cmp(&c->peer, src, SA_ALL) && sa_cmp(&c->local, dst, SA_ALL) &&
		    cx_siptcp__alive(c)) {
			c->calls++;
			return mem_ref(c);
		}
	}
	return NULL;
}

cx_siptcp_conn *cx_siptcp_release(cx_siptcp_conn *c)
{
	if (c && c->t && c->calls)
		c->calls--;
	return mem_deref(c);
}
