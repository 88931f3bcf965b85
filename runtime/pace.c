/*
 * pace.c — outbound calls at the rate a carrier accepts (--max-cps; docs/sip.md, Limits).
 *
 * <createcall> asks cx_pace_createcall; the provider gets the call at once while the rate
 * allows, else the call waits in a queue (in the order the documents asked) and a timer hands
 * it over at 1/rate-second spacing. The document sees nothing of it but time: the connection is
 * PROGRESSING from <createcall> on, and the createcall timeout counts from the moment the
 * INVITE is sent. A connection that ended or left its session while it waited is skipped.
 */
#include <string.h>
#include "prov.h"

#define CX_PACE_MAXQ 100000    /* calls waiting; past it a createcall fails at once */

typedef struct cx_pace_item {
	struct le le;
	cx_conn *conn;         /* a reference */
	char *dest;
} cx_pace_item;

struct cx_pace {
	cx_engine *eng;
	uint64_t gap_us;       /* 1e6 / rate */
	uint64_t next_us;      /* cx_pace__now() from which the next call may go */
	struct list q;
	struct tmr tmr;
};

/* the time the program observes (the virtual clock's jumps included: clock.c), in µs */
static uint64_t cx_pace__now(void)
{
	return cx_met_now_us() + cx_clock_skipped_ms() * 1000;
}

static void cx_pace_item__destroy(void *arg)
{
	cx_pace_item *it = arg;

	list_unlink(&it->le);
	mem_deref(it->conn);
	mem_deref(it->dest);
}

static int cx_pace__place(cx_engine *e, cx_conn *cn, const char *dest)
{
	return e->prov && e->prov->createcall ? e->prov->createcall(e, cn, dest) : ENOSYS;
}

static void cx_pace__tick(void *arg)
{
	cx_pace *p = arg;
	cx_engine *e = p->eng;
	uint64_t now = cx_pace__now();

	while (p->q.head && now >= p->next_us) {
		cx_pace_item *it = p->q.head->data;
		cx_conn *cn = it->conn;
		list_unlink(&it->le);
		/* still wanted: in a live session, not ended or taken down meanwhile */
		if (cn->sess && !cn->sess->ending && !cn->removed && !cn->cdr_done &&
		    !strcmp(cn->state, "PROGRESSING")) {
			p->next_us = (p->next_us > now ? p->next_us : now) + p->gap_us;
			int err = cx_pace__place(e, cn, it->dest);
			if (err)
				cx_pace_failed(e, cn, err);
		}
		mem_deref(it);
	}
	if (p->q.head)
		tmr_start(&p->tmr, (p->next_us - now + 999) / 1000, cx_pace__tick, p);
}

void cx_pace_failed(cx_engine *e, cx_conn *cn, int err)
{
	char why[128];

	if (err == EBUSY && e->pace)
		snprintf(why, sizeof(why), "cannot place the call: %u calls are already waiting for "
			 "their turn under --max-cps", (unsigned)CX_PACE_MAXQ);
	else
		snprintf(why, sizeof(why), "cannot place the call: %s",
			 err == ENOMEM ? "out of memory" : strerror(err));
	cx_rt_conn_pev(cn, CX_PEV_FAILED, &(cx_pev_info){
		.reason = why, .outcome = err == EBUSY ? "refused" : NULL});
}

int cx_pace_createcall(cx_engine *e, cx_conn *cn, const char *dest)
{
	cx_pace *p = e->pace;
	cx_pace_item *it;
	uint64_t now;

	if (!p)
		return cx_pace__place(e, cn, dest);
	now = cx_pace__now();
	if (!p->q.head && now >= p->next_us) {
		p->next_us = now + p->gap_us;
		return cx_pace__place(e, cn, dest);
	}
	if (list_count(&p->q) >= CX_PACE_MAXQ)
		return EBUSY;
	it = mem_zalloc(sizeof(*it), cx_pace_item__destroy);
	if (!it || str_dup(&it->dest, dest)) {
		mem_deref(it);
		return ENOMEM;
	}
	it->conn = mem_ref(cn);
	list_append(&p->q, &it->le, it);
	if (!tmr_isrunning(&p->tmr))
		tmr_start(&p->tmr, (p->next_us > now ? p->next_us - now + 999 : 0) / 1000,
			  cx_pace__tick, p);
	return 0;
}

uint32_t cx_pace_queued(const cx_engine *e)
{
	return e->pace ? list_count(&e->pace->q) : 0;
}

static void cx_pace__destroy(void *arg)
{
	cx_pace *p = arg;

	tmr_cancel(&p->tmr);
	list_flush(&p->q);
}

int cx_pace_setup(cx_engine *e, double cps)
{
	cx_pace *p;

	if (cps <= 0)
		return 0;
	p = mem_zalloc(sizeof(*p), cx_pace__destroy);
	if (!p)
		return ENOMEM;
	p->eng = e;
	p->gap_us = (uint64_t)(1e6 / cps);
	tmr_init(&p->tmr);
	e->pace = p;
	return 0;
}
