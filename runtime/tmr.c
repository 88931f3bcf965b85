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
 * at or before it, so equal due times stay first in, first out), but walks from both ends at
 * once and stops at whichever finds the place first: a timer costs the number of timers due
 * before it or after it, whichever is smaller. Programs link with -rdynamic, so this definition
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

uint64_t tmr_jiffies(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* exported by libre 1.1.0 (tmr.c uses it), not declared in its headers */
extern struct list *tmrl_get(void);

static uint64_t cx_tmr__due(const struct le *le)
{
	return ((const struct tmr *)le->data)->jfs;
}

void tmr_start(struct tmr *tmr, uint64_t delay, tmr_h *th, void *arg)
{
	struct list *tl = tmrl_get();
	struct le *fw, *bw;
	uint64_t jfs;

	if (!tmr)
		return;
	if (tmr->th)
		list_unlink(&tmr->le);
	tmr->th = th;
	tmr->arg = arg;
	if (!th)
		return;
	jfs = tmr_jiffies() + delay;
	tmr->jfs = jfs;
	/* the place: after the last timer due at or before jfs */
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
