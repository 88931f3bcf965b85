/*
 * tmr.c — libre 1.1.0's tmr_start, replaced (docs/decisions.md "Timers: libre's list searched
 * from both ends").
 *
 * libre keeps a thread's timers in one list sorted by due time (tmr_poll takes them from its
 * head). Its tmr_start finds a timer's place by walking that list from one end: from the tail
 * for any delay above 0. A busy SIP service holds thousands of long timers (every answered
 * INVITE's server transaction waits 32 s in the Accepted state, RFC 6026; every BYE's client
 * transaction 5 s), so each short timer (a 500 ms retransmission, the 20 ms media clock) walked
 * past all of them: at 150 calls/s that walk was 15 % of the program's CPU, and it grew with the
 * rate squared.
 *
 * This tmr_start keeps the same list and puts a timer at the same place (after every timer due
 * at or before it, so equal due times stay first in, first out). Finding it:
 *  - a timer due within CX_TMR_G ms (or past the markers' horizon): a walk from both ends at
 *    once, stopping at whichever finds the place first (the number of timers due before it or
 *    after it, whichever is smaller);
 *  - any other: from a marker. Markers are timers of this file (a static ring, one per CX_TMR_G
 *    ms up to CX_TMR_N of them ahead), each in the list at the place of its due time b*G, whose
 *    handler does nothing. A timer due at jfs starts from the marker of floor(jfs / G) and
 *    walks forward past the timers due in the same G ms only; a missing marker is placed the
 *    same way from the one before it. Walking from both ends was not enough: at 500 calls/s
 *    the list holds ~16,000 32 s transaction timers and ~2,500 5 s ones, and every 5 s timer
 *    (a BYE's transaction) walked past thousands of them (perf: 17 % of the program's CPU).
 *    Markers are safe where pointers into the list would not be: they are never freed, a
 *    marker that fired (libre's tmr_poll unlinks it) is seen as gone (its th is NULL), and one
 *    moved by the virtual clock (clock.c) is still in order, only not at b*G, so it is
 *    placed again when next needed. The cost: one handler that does nothing per G ms while
 *    timers are due further ahead. Programs link with -rdynamic, so this definition
 * is the one libre's own calls reach (they go through its PLT, tmr_cancel included). The rest
 * of libre's timer code (tmr_poll, tmr_next_timeout, tmr_cancel) is used as it is; clock.c
 * reads the same list.
 *
 * tmr_jiffies is replaced too, the same way: libre 1.1.0 reads gettimeofday, the wall clock, so
 * a step of it (NTP, an operator's `date -s`) moved every timer of the process at once: an
 * hour back and no retransmission, media packet, session timer or <send delay> fired for an
 * hour. Timers only ever need elapsed time: this one reads CLOCK_MONOTONIC (tests/ops/run.sh
 * steps the wall clock under libfaketime and checks a delayed send still comes on time).
 */
#include <time.h>
#include <re.h>
#include "prov.h"

uint64_t tmr_jiffies(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* exported by libre 1.1.0 (tmr.c uses it), not declared in its headers */
extern struct list *tmrl_get(void);

enum {
	CX_TMR_G = 64,         /* ms between markers */
	CX_TMR_N = 1024,       /* markers: 65 s ahead (a SIP transaction's 32 s fits) */
	CX_TMR_SCAN = 32,      /* markers looked at before one missing */
};

static struct tmr cx_tmr__mark[CX_TMR_N];

static void cx_tmr__mark_h(void *arg)
{
	(void)arg;
}

int cx_tmr_ismarker(const struct tmr *t)
{
	return t->th == cx_tmr__mark_h;
}

static uint64_t cx_tmr__due(const struct le *le)
{
	return ((const struct tmr *)le->data)->jfs;
}

/* Puts tmr (unlinked) at its place in tl: after the last timer due at or before tmr->jfs,
 * walking forward from from (a timer in tl due at or before it) or, from == NULL, from both
 * ends. */
static void cx_tmr__place(struct list *tl, struct tmr *tmr, struct le *from)
{
	uint64_t jfs = tmr->jfs;
	struct le *fw, *bw;

	if (from) {
		for (fw = from->next; fw; fw = fw->next)
			if (cx_tmr__due(fw) > jfs) {
				list_insert_before(tl, fw, &tmr->le, tmr);
				return;
			}
		list_append(tl, &tmr->le, tmr);
		return;
	}
	fw = list_head(tl);
	bw = list_tail(tl);
	while (fw) {
		if (cx_tmr__due(fw) > jfs) {
			list_insert_before(tl, fw, &tmr->le, tmr);
			return;
		}
		if (cx_tmr__due(bw) <= jfs) {
			list_insert_after(tl, bw, &tmr->le, tmr);
			return;
		}
		fw = fw->next;
		bw = bw->prev;
	}
	list_append(tl, &tmr->le, tmr);
}

static int cx_tmr__live(const struct list *tl, const struct tmr *m, uint64_t b)
{
	return m->th == cx_tmr__mark_h && m->le.list == tl && m->jfs == b * CX_TMR_G;
}

/* Marker b (due at b * G, in the future) in tl, placed if it is missing: from the marker
 * before it when one of the CX_TMR_SCAN before it is there, else from both ends. */
static struct tmr *cx_tmr__marker(struct list *tl, uint64_t b)
{
	struct tmr *m = &cx_tmr__mark[b % CX_TMR_N], *prev = NULL;
	uint64_t i;

	if (cx_tmr__live(tl, m, b))
		return m;
	for (i = 1; i <= CX_TMR_SCAN && i <= b && !prev; i++) {
		struct tmr *q = &cx_tmr__mark[(b - i) % CX_TMR_N];
		if (cx_tmr__live(tl, q, b - i))
			prev = q;
	}
	if (m->th) /* in the list with another due time (a slot's earlier use, a jump) */
		list_unlink(&m->le);
	m->th = cx_tmr__mark_h;
	m->arg = NULL;
	m->jfs = b * CX_TMR_G;
	cx_tmr__place(tl, m, prev ? &prev->le : NULL);
	return m;
}

void tmr_start(struct tmr *tmr, uint64_t delay, tmr_h *th, void *arg)
{
	struct list *tl = tmrl_get();
	struct tmr *m = NULL;
	uint64_t now;

	if (!tmr)
		return;
	if (tmr->th)
		list_unlink(&tmr->le);
	tmr->th = th;
	tmr->arg = arg;
	if (!th)
		return;
	now = tmr_jiffies();
	tmr->jfs = now + delay;
	if (delay >= CX_TMR_G && delay < (uint64_t)(CX_TMR_N - 1) * CX_TMR_G)
		m = cx_tmr__marker(tl, tmr->jfs / CX_TMR_G);
	cx_tmr__place(tl, tmr, m ? &m->le : NULL);
}
