/*
 * txq.c — the media plane's send queue: RTP packets handed by the libre loop to a second
 * thread that sends them (docs/decisions.md "A thread that sends the media").
 *
 * At 2,000 playing calls the media clock's tick sends 2,000 packets; a send costs ~8 µs on
 * loopback (the receiver's delivery runs inside the sender's sendto), so the one thread of the
 * loop spent 15-17 ms of every 20 in them and SIP work on top made ticks late. Here the loop
 * only copies each packet (already RTP, already SRTP) into the queue; the sender thread makes
 * the system calls on the other core.
 *
 * The queue is a FIFO of packets with the descriptor to send each on: what one socket sends
 * leaves in the order it was queued. Packets go out on a dup() of the leg's socket, whose
 * closing is an entry of the queue too (cx_txq_close): it is closed after every packet queued
 * before it was sent, so a descriptor number never reaches a socket it was not meant for.
 * The loop fills a chunk and hands it over when full and at cx_txq_kick (end of a tick); the
 * thread takes every handed chunk under the lock at once and sends without it. A packet
 * handed over more than CX_TXQ_STALE ms before the thread reaches it is dropped, not sent late
 * (a receiver's jitter buffer would drop it too); the queue holds at most CX_TXQ_MAXCHUNKS
 * chunks, past which cx_txq_send refuses. Drops and send errors are counted for the loop to
 * log (cx_txq_counts). Nothing here calls libre: the thread uses sendto and close only.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <re.h>
#include "txq.h"

#define CX_TXQ_CHUNK 64            /* packets a chunk */
#define CX_TXQ_MAXCHUNKS 1024      /* handed over and not sent: 65,536 packets */
#define CX_TXQ_KEEPFREE 64         /* sent chunks kept for reuse */

typedef struct cx_txq_pkt {
	int fd;
	socklen_t alen;               /* 0: close fd (after everything before it) */
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} to;
	uint16_t len;
	uint8_t b[CX_TXQ_MTU];
} cx_txq_pkt;

typedef struct cx_txq_chunk {
	struct cx_txq_chunk *next;
	uint64_t ms;                  /* handed over at (CLOCK_MONOTONIC) */
	unsigned n;
	cx_txq_pkt p[CX_TXQ_CHUNK];
} cx_txq_chunk;

struct cx_txq {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work;          /* the thread waits on it for chunks (or the stop) */
	pthread_cond_t done;          /* cx_txq_drain waits on it for the queue to empty */
	/* under mu */
	cx_txq_chunk *head, *tail;    /* handed over, in order */
	cx_txq_chunk *spare;          /* sent, for reuse */
	unsigned nspare, nqueued;     /* chunks in spare, chunks handed over and not yet sent */
	int stop;
	uint64_t sent, errs, stale;   /* since the last cx_txq_counts */
	int lasterr;
	/* the loop's */
	cx_txq_chunk *fill;           /* being filled (not handed over) */
};

static uint64_t cx_txq__ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One chunk the thread took: sent (or dropped when stale), descriptors closed in order. */
static void cx_txq__run(const cx_txq_chunk *c, uint64_t now, uint64_t *sent,
			uint64_t *errs, uint64_t *stale, int *lasterr)
{
	int old = now > c->ms + CX_TXQ_STALE;
	unsigned i;

	for (i = 0; i < c->n; i++) {
		const cx_txq_pkt *p = &c->p[i];
		if (!p->alen) {
			(void)close(p->fd);
			continue;
		}
		if (old) {
			++*stale;
			continue;
		}
		if (sendto(p->fd, p->b, p->len, 0, &p->to.sa, p->alen) < 0) {
			++*errs;
			*lasterr = errno;
		}
		else
			++*sent;
	}
}

static void *cx_txq__thread(void *arg)
{
	cx_txq *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		cx_txq_chunk *c, *next;
		uint64_t sent = 0, errs = 0, stale = 0, now;
		int lasterr = 0;
		unsigned n = 0;

		while (!q->head && !q->stop)
			pthread_cond_wait(&q->work, &q->mu);
		if (!q->head)
			break; /* stopped, and nothing left */
		c = q->head;
		q->head = q->tail = NULL;
		pthread_mutex_unlock(&q->mu);
		now = cx_txq__ms();
		for (next = c; next; next = next->next, n++)
			cx_txq__run(next, now, &sent, &errs, &stale, &lasterr);
		pthread_mutex_lock(&q->mu);
		q->nqueued -= n;
		q->sent += sent;
		q->errs += errs;
		q->stale += stale;
		if (errs)
			q->lasterr = lasterr;
		for (; c; c = next) {
			next = c->next;
			if (q->nspare < CX_TXQ_KEEPFREE) {
				c->next = q->spare;
				q->spare = c;
				q->nspare++;
			}
			else
				free(c);
		}
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The thread blocks every signal (it inherits the mask it is created with): SIGTERM, SIGHUP
 * and the rest go to the loop's thread, whose handlers (serve.c) must wake its poll. */
int cx_txq_alloc(cx_txq **qp)
{
	cx_txq *q = calloc(1, sizeof(*q));
	sigset_t all, old;
	int err;

	if (!q)
		return ENOMEM;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&q->th, NULL, cx_txq__thread, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pthread_cond_destroy(&q->work);
		pthread_cond_destroy(&q->done);
		pthread_mutex_destroy(&q->mu);
		free(q);
		return err;
	}
	*qp = q;
	return 0;
}

/* Hands the chunk being filled to the thread (the loop's side; mu not held). */
void cx_txq_kick(cx_txq *q)
{
	cx_txq_chunk *c = q ? q->fill : NULL;

	if (!c || !c->n)
		return;
	q->fill = NULL;
	c->next = NULL;
	c->ms = cx_txq__ms();
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->nqueued++;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
}

/* The next free entry of the chunk being filled; NULL when the queue is full or out of memory
 * (force: past CX_TXQ_MAXCHUNKS too, for a close). */
static cx_txq_pkt *cx_txq__slot(cx_txq *q, int force)
{
	cx_txq_chunk *c;

	if (q->fill && q->fill->n == CX_TXQ_CHUNK)
		cx_txq_kick(q);
	if (!q->fill) {
		pthread_mutex_lock(&q->mu);
		if (q->nqueued >= CX_TXQ_MAXCHUNKS && !force) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		if ((c = q->spare)) {
			q->spare = c->next;
			q->nspare--;
		}
		pthread_mutex_unlock(&q->mu);
		if (!c && !(c = malloc(sizeof(*c))))
			return NULL;
		c->n = 0;
		q->fill = c;
	}
	return &q->fill->p[q->fill->n++];
}

int cx_txq_send(cx_txq *q, int fd, const struct sa *dst, const uint8_t *b, size_t n)
{
	cx_txq_pkt *p;

	if (n > CX_TXQ_MTU || fd < 0 || (dst->u.sa.sa_family != AF_INET &&
					 dst->u.sa.sa_family != AF_INET6))
		return EINVAL;
	if (!(p = cx_txq__slot(q, 0)))
		return ENOBUFS;
	p->fd = fd;
	p->alen = dst->len;
	memcpy(&p->to, &dst->u, dst->len);
	p->len = (uint16_t)n;
	memcpy(p->b, b, n);
	return 0;
}

void cx_txq_close(cx_txq *q, int fd)
{
	cx_txq_pkt *p;

	if (fd < 0)
		return;
	if (!q || !(p = cx_txq__slot(q, 1))) {
		/* no memory for the entry: everything queued goes first, then the close */
		cx_txq_drain(q);
		(void)close(fd);
		return;
	}
	p->fd = fd;
	p->alen = 0;
	p->len = 0;
	cx_txq_kick(q); /* a descriptor is not held longer than a tick's packets */
}

void cx_txq_drain(cx_txq *q)
{
	if (!q)
		return;
	cx_txq_kick(q);
	pthread_mutex_lock(&q->mu);
	while (q->nqueued)
		pthread_cond_wait(&q->done, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

void cx_txq_counts(cx_txq *q, uint64_t *sent, uint64_t *errs, uint64_t *stale, int *lasterr)
{
	pthread_mutex_lock(&q->mu);
	*sent = q->sent;
	*errs = q->errs;
	*stale = q->stale;
	*lasterr = q->lasterr;
	q->sent = q->errs = q->stale = 0;
	pthread_mutex_unlock(&q->mu);
}

void cx_txq_free(cx_txq *q)
{
	cx_txq_chunk *c;

	if (!q)
		return;
	cx_txq_kick(q);
	pthread_mutex_lock(&q->mu);
	q->stop = 1; /* the thread sends (or drops, when stale) what is queued, then ends */
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	while ((c = q->spare)) {
		q->spare = c->next;
		free(c);
	}
	free(q->fill); /* never handed over: cx_txq_kick above took any */
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
