/*
 * engine.c — the engine: its sessions (by id, in a hash table), the run queue drained
 * round-robin from a libre timer, the reaping of ended sessions, the documents it knows, and
 * inbound calls from a provider. The event algorithm itself is in sess.c.
 */
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <errno.h>
#include <time.h>
#include "prov.h"

/* Section - Engine */

/* ms of events the pump runs before it lets the loop read its sockets and run its timers */
#define CX_ENGINE_SLICE_MS 5

static int cx_engine__run(cx_engine *e, uint64_t until);

/* The loop's turn for events: at most CX_ENGINE_SLICE_MS of them, then the pump comes again
 * after the timers already due (the 20 ms media clock) and the sockets' next reads. Draining
 * everything at once let a burst (hundreds of dialog.exit when prompts that started together
 * end together) hold the loop for 100-300 ms at 500-700 calls/s: RTP went out late, SIP
 * requests waited, retransmissions came, and the next burst was larger (docs/performance.md
 * "Where a call's CPU goes"). */
static void cx_engine__pump(void *arg)
{
	cx_engine *e = arg;

	cx_engine__run(e, tmr_jiffies() + CX_ENGINE_SLICE_MS);
	if (list_head(&e->runq)) {
		tmr_start(&e->pump, 0, cx_engine__pump, e);
		return;
	}
	if (e->stop_when_idle && !cx_engine_busy(e))
		re_cancel();
}

void cx_engine_kick(cx_engine *e)
{
	if (!e)
		return;
	cx_clock_kick(e);
	if (e->pumping)
		return;
	if (!tmr_isrunning(&e->pump))
		tmr_start(&e->pump, 0, cx_engine__pump, e);
}

/* Only the sessions that are ending: a stop of N sessions costs O(N), not O(N^2). */
void cx_engine_reap(cx_engine *e)
{
	struct le *le;

	while ((le = list_head(&e->endq))) {
		cx_sess *s = le->data;
		e->met.sess_ended[s->ending > 0 && s->ending < 4 ? s->ending : 0]++;
		cx_sess_teardown(s);
	}
}

int cx_engine_drain(cx_engine *e)
{
	return cx_engine__run(e, 0);
}

/* Runs queued events until none is left or, until != 0, tmr_jiffies() reaches until. */
static int cx_engine__run(cx_engine *e, uint64_t until)
{
	int n = 0;
	unsigned turns = 0;

	if (e->pumping)
		return 0;
	e->pumping = 1;
	/* round-robin: one event per runnable session per turn, so a busy session cannot starve
	 * the others; a session leaves runq when its queue is empty */
	for (;;) {
		struct le *le = list_head(&e->runq);
		if (!le) {
			cx_engine_reap(e);
			if (!list_head(&e->runq))
				break;
			continue;
		}
		cx_sess *s = le->data;
		list_unlink(&s->rle);
		s->queued = 0;
		n += cx_sess_step(s);
		if (s->ending) {
			cx_engine_reap(e);
			continue;
		}
		if (s->q.head && !s->queued) {
			s->queued = 1;
			list_append(&e->runq, &s->rle, s);
		}
		/* the clock read every 16 turns (a turn is well under a microsecond) */
		if (until && !(++turns & 15) && tmr_jiffies() >= until)
			break;
	}
	e->pumping = 0;
	return n;
}

int cx_engine_busy(cx_engine *e)
{
	if (list_head(&e->runq))
		return 1;
	if (e->prov && e->prov->pending && e->prov->pending(e))
		return 1;
	return list_head(&e->sessl) != NULL;
}

int cx_doc_check(const cx_doc *doc, char *msg, size_t sz)
{
	const char *by = "a ccxmlc older than ABI versions";

	if (doc->abi == CX_ABI_VERSION)
		return 0;
	/* Only abi and made_by are in the same place in every layout; a document from before
	 * ABI 2 starts with its name pointer, far above any version number. */
	if (doc->abi >= 2 && doc->abi < 0x10000 && doc->made_by)
		by = doc->made_by;
	if (msg && sz)
		snprintf(msg, sz, "program built with %s (ABI %u) against runtime %s (ABI %d): "
			 "compile the .ccxml again with the ccxmlc of this runtime",
			 by, (unsigned)doc->abi, CX_VERSION, CX_ABI_VERSION);
	return EPROTO;
}

const cx_doc *cx_engine_doc(cx_engine *e, const char *name)
{
	int i;
	size_t nl;

	if (!name)
		return NULL;
	nl = strlen(name);
	for (i = 0; i < e->ndocs; i++) {
		const char *dn = e->docs[i]->name, *b;
		size_t bl;
		if (!dn)
			continue;
		if (!strcmp(dn, name))
			return e->docs[i];
		/* also by base name, and without ".ccxml" */
		b = strrchr(dn, '/');
		b = b ? b + 1 : dn;
		if (!strcmp(b, name))
			return e->docs[i];
		bl = strlen(b);
		if (bl > 6 && !strcmp(b + bl - 6, ".ccxml") && nl == bl - 6 && !strncmp(b, name, nl))
			return e->docs[i];
		{
			const char *nb = strrchr(name, '/');
			nb = nb ? nb + 1 : name;
			if (!strcmp(b, nb))
				return e->docs[i];
		}
	}
	return NULL;
}

static void cx_engine__destroy(void *arg)
{
	cx_engine *e = arg;
	struct le *le;

	tmr_cancel(&e->pump);
	/* the counts of refusals not yet written: now, while the engine they name is whole */
	cx_quiet_close(&e->calls_full);
	cx_quiet_close(&e->sess_full);
	e->closing = 1;
	cx_clock_release(e);
	/* HTTP and transfers first: their callbacks look sessions up through the engine */
	e->http = mem_deref(e->http);
	e->curl = mem_deref(e->curl);
	e->doccomp = mem_deref(e->doccomp);
	while ((le = list_head(&e->sessl))) {
		cx_sess *s = le->data;
		s->ending_noparent = 1;
		if (!s->ending) {
			/* not cx_sess_end(): it would kick the engine being destroyed */
			s->ending = CX_END_KILL;
			s->status = 1;
			list_append(&e->endq, &s->ele, s);
		}
		cx_sess_teardown(s);
	}
	/* the provider after the sessions and before the records: calls it still bridges after
	 * <merge> end with theirs */
	if (e->prov && e->prov->close)
		e->prov->close(e);
	e->cdr = mem_deref(e->cdr); /* after the sessions: their calls' records are spooled */
	e->pace = mem_deref(e->pace);
	cx_media_flush();
	mem_deref(e->media_root);
	mem_deref(e->docroot);
	mem_deref(e->record_dir);
	mem_deref(e->sessh);
}

int cx_engine_new(cx_engine **ep)
{
	cx_engine *e = mem_zalloc(sizeof(*e), cx_engine__destroy);

	if (!e)
		return ENOMEM;
	tmr_init(&e->pump);
	e->met.start_s = (uint64_t)time(NULL);
	e->max_queue = CX_RT_QUEUE_MAX;
	if (hash_alloc(&e->sessh, 1024)) {
		mem_deref(e);
		return ENOMEM;
	}
	*ep = e;
	return 0;
}

static const char *cx_engine__refused(int err)
{
	return err == EBUSY ? "the limit of sessions at a time is reached (--max-sessions)" :
		strerror(err);
}

/* The count of inbound calls refused for want of a session in a quiet time (cx_quiet). */
static void cx_engine__quiet_h(void *arg, uint64_t n)
{
	cx_engine *e = arg;

	cx_log(CX_LOG_WARN, NULL, "inbound calls refused: %s%H", cx_engine__refused(e->sess_refused_err),
	       cx_quiet_more, &n);
}

int cx_prov_inbound(cx_engine *e, const char *from, const char *to, cx_conn **cp)
{
	cx_sess *s = NULL;
	cx_conn *c = NULL;
	int err;

	if (!e || e->ndocs < 1)
		return EINVAL;
	if (!cx_conn_room(e, 1, from)) /* logged there, once for a run of refusals */
		return EBUSY;
	err = cx_sess_start(&s, e, e->docs[0], "newcall", NULL, NULL, &c);
	if (err) {
		uint64_t n;
		e->sess_refused_err = err;
		if (cx_quiet_ok(&e->sess_full, &n, cx_engine__quiet_h, e)) /* callers repeat it at will */
			cx_log(CX_LOG_WARN, NULL, "inbound call from %H refused: %s%H", cx_rt_esc,
			       from ? from : "?", cx_engine__refused(err), cx_quiet_more, &n);
		return err;
	}
	str_dup(&c->remote, from ? from : "sip:caller@sim");
	str_dup(&c->local, to ? to : "sip:ccxml@sim");
	cx_rt_conn_pev(c, CX_PEV_ALERTING, NULL);
	if (cp)
		*cp = c;
	return 0;
}
