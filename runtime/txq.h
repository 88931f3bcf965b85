/*
 * txq.h — the media plane's send queue (txq.c): packets handed by the libre loop to a thread
 * that sends them, in order per descriptor, closing descriptors after what was queued before.
 */
#ifndef CX_TXQ_H
#define CX_TXQ_H

#include <stddef.h>
#include <stdint.h>

#define CX_TXQ_MTU 224             /* bytes of a packet at most (RTP, 160 bytes of G.711, SRTP) */
#define CX_TXQ_STALE 200           /* ms: a packet handed over longer ago is dropped */

struct sa;
typedef struct cx_txq cx_txq;

/* Starts the thread; 0 or an errno. */
int cx_txq_alloc(cx_txq **qp);
/* n bytes to dst on fd, after everything queued before (copied). 0; ENOBUFS: the queue is
 * full (the packet is dropped: the thread is more than CX_TXQ_MAXCHUNKS chunks behind) or
 * out of memory; EINVAL: larger than CX_TXQ_MTU or not an IP address. */
int cx_txq_send(cx_txq *q, int fd, const struct sa *dst, const uint8_t *b, size_t n);
/* fd closed by the thread once everything queued before was sent (q NULL: now). */
void cx_txq_close(cx_txq *q, int fd);
/* What was queued goes to the thread now (the end of a media clock's tick). */
void cx_txq_kick(cx_txq *q);
/* Waits until the thread has sent everything queued (tests; the plane's end). */
void cx_txq_drain(cx_txq *q);
/* Packets sent, failed (and the last errno) and dropped as stale since the last call. */
void cx_txq_counts(cx_txq *q, uint64_t *sent, uint64_t *errs, uint64_t *stale, int *lasterr);
/* Sends what is queued (stale packets dropped), closes what is to be closed, ends the thread. */
void cx_txq_free(cx_txq *q);

#endif
