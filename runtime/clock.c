/*
 * clock.c — the time a program observes: real, or the simulator's virtual clock (docs/sim.md,
 * "The virtual clock").
 *
 * With the virtual clock, whenever nothing can run (no event queued, no transfer or compiler
 * child in flight) the time jumps to the next timer: every pending libre timer is moved
 * earlier by the same amount and that amount is added to the skew, which cx_clock_ms(),
 * cx_clock_wall_ms() and ECMAScript's Date add to the real clocks. Timers keep their order and
 * their distance from one another, so a 45 s <createcall> timeout fires after the events due
 * before it, with no wall time spent waiting.
 *
 * Background timers (the service tick that watches for signals) are not jumped to and keep
 * their real due time: they are about the process, not about the application. Neither are
 * tmr.c's markers (timers that do nothing); they move with the others.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "prov.h"

/* libre 1.1.0 keeps the thread's timers in one list ordered by due time; tmrl_get() is exported
 * (tmr.c reads it) but not declared in its headers. */
extern struct list *tmrl_get(void);

enum { CX_CLOCK_POLL_MS = 10, CX_CLOCK_NBG = 4 };

static struct {
	cx_engine *eng;        /* the engine whose simulator runs on the virtual clock, or NULL */
	uint64_t skew;         /* ms skipped so far */
	uint64_t at;           /* cx_clock_at: the time of what is being delivered, or 0 */
	struct tmr idle;       /* runs when the loop has nothing else due: considers a jump */
	struct tmr *bg[CX_CLOCK_NBG];
} cx_clock__st;

uint64_t cx_clock_ms(void)
{
	return tmr_jiffies() + cx_clock__st.skew;
}

uint64_t cx_clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 + cx_clock__st.skew;
}

uint64_t cx_clock_skipped_ms(void)
{
	return cx_clock__st.skew;
}

void cx_clock_at(uint64_t t)
{
	cx_clock__st.at = t;
}

uint64_t cx_clock_event_ms(void)
{
	return cx_clock__st.at ? cx_clock__st.at : cx_clock_ms();
}

static int cx_clock__isbg(const struct tmr *t)
{
	int i;

	for (i = 0; i < CX_CLOCK_NBG; i++)
		if (cx_clock__st.bg[i] == t)
			return 1;
	return 0;
}

void cx_clock_background(struct tmr *t, int on)
{
	int i;

	if (on && cx_clock__isbg(t))
		return;
	for (i = 0; i < CX_CLOCK_NBG; i++)
		if (on ? !cx_clock__st.bg[i] : cx_clock__st.bg[i] == t) {
			cx_clock__st.bg[i] = on ? t : NULL;
			return;
		}
}

/* Moves every timer d ms earlier (they keep their order), background ones excepted. */
static void cx_clock__jump(uint64_t d)
{
	struct list *tl = tmrl_get();
	uint64_t left[CX_CLOCK_NBG], now = tmr_jiffies();
	struct le *le;
	int i;

	for (i = 0; i < CX_CLOCK_NBG; i++) {
		struct tmr *t = cx_clock__st.bg[i];
		left[i] = t && tmr_isrunning(t) && t->jfs > now ? t->jfs - now : 0;
	}
	for (le = tl->head; le; le = le->next) {
		struct tmr *t = le->data;
		t->jfs -= d;
	}
	for (i = 0; i < CX_CLOCK_NBG; i++) {
		struct tmr *t = cx_clock__st.bg[i];
		if (t && tmr_isrunning(t))
			tmr_start(t, left[i], t->th, t->arg); /* back to its real due time */
	}
	cx_clock__st.skew += d;
	cx_date_skew((int64_t)cx_clock__st.skew);
}

static void cx_clock__idle(void *arg)
{
	cx_engine *e = cx_clock__st.eng;
	struct list *tl = tmrl_get();
	struct le *le;
	const struct tmr *next = NULL;
	uint64_t now;

	(void)arg;
	if (!e || e->closing)
		return;
	/* events to run first: look again after the pump */
	if (list_head(&e->runq) || tmr_isrunning(&e->pump)) {
		tmr_start(&cx_clock__st.idle, 0, cx_clock__idle, NULL);
		return;
	}
	/* a transfer or a compiler child may answer at any moment: time runs as it does */
	if (cx_curl_pending(e) || cx_doccomp_pending(e)) {
		tmr_start(&cx_clock__st.idle, CX_CLOCK_POLL_MS, cx_clock__idle, NULL);
		return;
	}
	for (le = tl->head; le && !next; le = le->next)
		if (!cx_clock__isbg(le->data) && !cx_tmr_ismarker(le->data))
			next = le->data;
	if (!next)
		return; /* nothing scheduled: the next kick looks again */
	now = tmr_jiffies();
	if (next->jfs > now)
		cx_clock__jump(next->jfs - now);
	/* after the timer now due (equal due times keep their order) */
	tmr_start(&cx_clock__st.idle, 0, cx_clock__idle, NULL);
}

void cx_clock_kick(cx_engine *e)
{
	if (e && e == cx_clock__st.eng && !tmr_isrunning(&cx_clock__st.idle))
		tmr_start(&cx_clock__st.idle, 0, cx_clock__idle, NULL);
}

int cx_clock_virtual(cx_engine *e)
{
	if (cx_clock__st.eng && cx_clock__st.eng != e) {
		/* one virtual clock per process: it moves every timer of the thread */
		fprintf(stderr, "ccxml: the virtual clock is used by another engine of this process "
			"(one engine at a time can have it)\n");
		return EBUSY;
	}
	tmr_init(&cx_clock__st.idle);
	cx_clock__st.eng = e;
	cx_clock__st.skew = 0;
	cx_date_skew(0);
	return 0;
}

int cx_clock_isvirtual(const cx_engine *e)
{
	return e && e == cx_clock__st.eng;
}

void cx_clock_release(cx_engine *e)
{
	if (!e || e != cx_clock__st.eng)
		return;
	tmr_cancel(&cx_clock__st.idle);
	cx_clock__st.eng = NULL;
	cx_clock__st.skew = 0;
	cx_date_skew(0);
}
