/*
 * conn.c — the platform objects a session owns: connections, dialogs and conferences (their
 * ids, lookup, lifetime) and the reports providers make about them (cx_rt_conn_pev,
 * cx_rt_dlg_pev): typed events whose one table (cx_pev_tab) gives each its name, the state it
 * carries and its finality.
 */
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <errno.h>
#include "prov.h"

/* Connection and dialog ids are unique in the process too, so <move> never meets a clash in
 * the target session and an id names one object wherever it has moved. */
static uint32_t cx_conn__counter, cx_dlg__counter;
/* Connection and dialog objects in memory (/metrics: ccxml_connections_held and
 * ccxml_dialogs_held): up at cx_conn_add/cx_dlg_add, down when the object is freed, whoever
 * held the last reference (its session, a queued event, the pacer, a merge bridge). */
static uint32_t cx_conn__live, cx_dlg__live;

/* Section - Connections, dialogs, conferences */

static void cx_conn__destroy(void *arg)
{
	cx_conn *c = arg;

	cx_conn__live--;
	mem_deref(c->local);
	mem_deref(c->remote);
	mem_deref(c->aai);
	mem_deref(c->joinid);
	mem_deref(c->callerid);
	mem_deref(c->redirect);
	mem_deref(c->pd);
	mem_deref(c->proto);
	mem_deref(c->endreason);
	mem_deref(c->endtrigger);
	mem_deref(c->hints);
	mem_deref(c->msid);
}

static void cx_dlg__destroy(void *arg)
{
	cx_dlg *d = arg;

	cx_dlg__live--;
	mem_deref(d->src);
	mem_deref(d->type);
	mem_deref(d->values);
	mem_deref(d->pd);
}

cx_conn *cx_conn_add(cx_sess *s, int inbound, const char *state)
{
	cx_conn *c = mem_zalloc(sizeof(*c), cx_conn__destroy);

	if (!c)
		return NULL;
	c->sess = s;
	c->inbound = inbound;
	c->state = c->vstate = state;
	c->t_start = cx_cdr_now_ms();
	snprintf(c->id, sizeof(c->id), "c%u", ++cx_conn__counter);
	cx_conn__live++;
	s->nconn++;
	s->eng->ncalls++;
	list_append(&s->conns, &c->le, c);
	return c;
}

/* The count of --max-calls refusals of a quiet time that no refusal's line took (cx_quiet). */
static void cx_conn__quiet_h(void *arg, uint64_t n)
{
	cx_engine *e = arg;

	cx_log(CX_LOG_WARN, NULL, "calls refused: the limit of %u calls at a time is reached "
	       "(--max-calls)%H", e->max_calls, cx_quiet_more, &n);
}

int cx_conn_room(cx_engine *e, int inbound, const char *who)
{
	uint64_t n;

	if (!e->max_calls || e->ncalls < e->max_calls)
		return 1;
	e->met.calls_refused[!!inbound]++;
	if (cx_quiet_ok(&e->calls_full, &n, cx_conn__quiet_h, e))
		cx_log(CX_LOG_WARN, NULL, "%s call %s %H refused: the limit of %u calls at a time "
		       "is reached (--max-calls)%H", inbound ? "inbound" : "outbound",
		       inbound ? "from" : "to", cx_rt_esc, who ? who : "?", e->max_calls,
		       cx_quiet_more, &n);
	return 0;
}

void cx_conn_gone(cx_engine *e, cx_conn *c)
{
	if (!e->ncalls) /* counted out twice: a bug, which must not wrap the count round */
		cx_log(CX_LOG_ERR, NULL, "bug: call %s ended with no call counted", c->id);
	else
		e->ncalls--;
}

cx_dlg *cx_dlg_add(cx_sess *s)
{
	cx_dlg *d = mem_zalloc(sizeof(*d), cx_dlg__destroy);

	if (!d)
		return NULL;
	d->sess = s;
	d->state = d->vstate = "PREPARING";
	snprintf(d->id, sizeof(d->id), "d%u", ++cx_dlg__counter);
	cx_dlg__live++;
	s->ndlg++;
	list_append(&s->dlgs, &d->le, d);
	return d;
}

/*
 * The end of a connection or dialog (docs/decisions.md "Ended connections and dialogs are
 * freed"): once its final event has been handled by the session that owns it, the object
 * leaves the session's list and the session's reference goes, while the session goes on. The
 * provider first lets go of what it holds (conn_release/dlg_release, as when the session
 * ends: a SIP call's sipsess was given back to libre when the call ended, which answers or
 * times out the BYE/CANCEL on its own). What still refers to the object holds a reference
 * (queued events, the pacer, a merge bridge) and finds it with ->sess NULL and removed set,
 * which every such holder reads as "ended"; ids are looked up in the lists only, so an id of
 * an ended object is unknown as before.
 */
void cx_conn_reap(cx_sess *s, cx_conn *c)
{
	cx_engine *e = s->eng;

	c->removed = 1;
	/* its record is written at its final event (a merged call's when the bridge ends, the
	 * bridge holding it): one whose record is not written stays for the session's end */
	if (!c->cdr_done && c->merged != 1)
		return;
	if (e->prov && e->prov->conn_release)
		e->prov->conn_release(e, c);
	list_unlink(&c->le);
	c->sess = NULL;
	mem_deref(c);
}

void cx_dlg_reap(cx_sess *s, cx_dlg *d)
{
	cx_engine *e = s->eng;

	d->removed = 1;
	if (e->prov && e->prov->dlg_release)
		e->prov->dlg_release(e, d);
	list_unlink(&d->le);
	d->sess = NULL;
	mem_deref(d);
}

uint32_t cx_conn_held(void)
{
	return cx_conn__live;
}

uint32_t cx_dlg_held(void)
{
	return cx_dlg__live;
}

cx_conn *cx_conn_find(cx_sess *s, const char *id)
{
	struct le *le;

	LIST_FOREACH(&s->conns, le) {
		cx_conn *c = le->data;
		if (!c->removed && !strcmp(c->id, id))
			return c;
	}
	return NULL;
}

cx_dlg *cx_dlg_find(cx_sess *s, const char *id)
{
	struct le *le;

	LIST_FOREACH(&s->dlgs, le) {
		cx_dlg *d = le->data;
		if (!d->removed && !strcmp(d->id, id))
			return d;
	}
	return NULL;
}

cx_conf *cx_conf_find(cx_sess *s, const char *id)
{
	struct le *le;

	LIST_FOREACH(&s->confs, le) {
		cx_conf *f = le->data;
		if (!strcmp(f->id, id))
			return f;
	}
	return NULL;
}

/* Section - Provider reports */

const cx_pev_def cx_pev_tab[CX_PEV_COUNT] = {
	[CX_PEV_ALERTING]        = {"connection.alerting", "ALERTING", 0, 0},
	[CX_PEV_PROGRESSING]     = {"connection.progressing", "PROGRESSING", 0, 0},
	[CX_PEV_CONNECTED]       = {"connection.connected", "CONNECTED", 0, 0},
	[CX_PEV_FAILED]          = {"connection.failed", "FAILED", 1, 0},
	[CX_PEV_DISCONNECTED]    = {"connection.disconnected", "DISCONNECTED", 1, 0},
	[CX_PEV_REDIRECTED]      = {"connection.redirected", "DISCONNECTED", 1, 0},
	[CX_PEV_MERGED]          = {"connection.merged", "DISCONNECTED", 1, 0},
	[CX_PEV_ACCEPT_FAILED]   = {"connection.accept.failed", NULL, 0, 0},
	[CX_PEV_REJECT_FAILED]   = {"connection.reject.failed", NULL, 0, 0},
	[CX_PEV_REDIRECT_FAILED] = {"connection.redirect.failed", NULL, 0, 0},
	[CX_PEV_MERGE_FAILED]    = {"connection.merge.failed", NULL, 0, 0},
	[CX_PEV_DLG_PREPARED]    = {"dialog.prepared", "PREPARED", 0, 1},
	[CX_PEV_DLG_STARTED]     = {"dialog.started", "STARTED", 0, 1},
	[CX_PEV_DLG_EXIT]        = {"dialog.exit", "EXITED", 1, 1},
	[CX_PEV_DLG_DISCONNECT]  = {"dialog.disconnect", NULL, 0, 1},
	[CX_PEV_DLG_ERROR]       = {"error.dialog", "EXITED", 1, 1},
	[CX_PEV_DLG_NOTPREPARED] = {"error.dialog.notprepared", "EXITED", 1, 1},
	[CX_PEV_DLG_NOTSTARTED]  = {"error.dialog.notstarted", "EXITED", 1, 1},
};

enum cx_pev cx_pev_find(const char *name, int dlg)
{
	int i;

	for (i = 1; name && i < CX_PEV_COUNT; i++)
		if (cx_pev_tab[i].dlg == !!dlg && !strcmp(cx_pev_tab[i].name, name))
			return (enum cx_pev)i;
	return CX_PEV_NONE;
}

/* ev is a known event of the kind dlg; else a bug of the caller, logged. */
static const cx_pev_def *cx_pev__def(enum cx_pev ev, int dlg)
{
	if (ev <= CX_PEV_NONE || ev >= CX_PEV_COUNT || cx_pev_tab[ev].dlg != !!dlg) {
		cx_log(CX_LOG_ERR, NULL, "bug: provider event %d is no %s event", (int)ev,
		       dlg ? "dialog" : "connection");
		return NULL;
	}
	return &cx_pev_tab[ev];
}

static void cx_rt__sipinfo(cx_sess *s, cx_ev *ev, int sipcode, const char *sipreason)
{
	cx_value info = cx_obj_new(s->X);

	if (cx_is_exc(info)) {
		cx_catch(s->X);
		return;
	}
	cx_define_cstr(s->X, info, "sipcode", cx_num(sipcode), 0);
	if (sipreason)
		cx_define_cstr(s->X, info, "sipreason", cx_str_cstr(s->X, sipreason), 0);
	cx_ev_val(ev, "info", info);
}

void cx_rt_conn_pev(cx_conn *c, enum cx_pev pev, const cx_pev_info *info)
{
	static const cx_pev_info none;
	const cx_pev_def *def = cx_pev__def(pev, 0);
	cx_sess *s = c->sess;
	cx_ev *ev;

	if (!def || !s || s->ending)
		return;
	if (!info)
		info = &none;
	if (def->state)
		c->state = def->state;
	if (info->sipcode >= 200)
		c->sipcode = info->sipcode; /* a final response (a 180 is no outcome) */
	if (!c->t_progress && (pev == CX_PEV_PROGRESSING || pev == CX_PEV_ALERTING))
		c->t_progress = cx_cdr_now_ms();
	if (pev == CX_PEV_CONNECTED) {
		cx_met_call(s->eng, c->inbound, "connected");
		if (!c->t_answer)
			c->t_answer = cx_cdr_now_ms();
	}
	else if (pev == CX_PEV_FAILED)
		cx_met_call(s->eng, c->inbound, info->outcome ? info->outcome :
			    info->reason ? info->reason : "unknown");
	if (def->final) {
		c->t_end = cx_cdr_now_ms();
		if (!c->endreason && info->reason)
			(void)str_dup(&c->endreason, info->reason);
		if (!c->endtrigger && info->trigger)
			(void)str_dup(&c->endtrigger, info->trigger);
		cx_cdr_conn(s->eng, c);
	}
	ev = cx_ev_new(s, def->name);
	if (!ev)
		return;
	mem_deref(ev->source);
	str_dup(&ev->source, s->eng->prov ? s->eng->prov->name : "platform");
	ev->sourcetype = s->eng->prov ? s->eng->prov->name : "platform";
	cx_ev_conn(ev, c, c->state, def->final);
	cx_ev_str(ev, "reason", info->reason);
	if (c->amd && pev == CX_PEV_CONNECTED) {
		cx_ev_str(ev, "amd", c->amd);
		cx_ev_num(ev, "amdspeech", c->amdms);
	}
	cx_ev_str(ev, "trigger", info->trigger);
	if (info->id1)
		cx_ev_str(ev, "connectionid1", info->id1);
	if (info->id2)
		cx_ev_str(ev, "connectionid2", info->id2);
	if (info->sipcode)
		cx_rt__sipinfo(s, ev, info->sipcode, info->sipreason);
	cx_sess_post(s, ev);
	if (c->joinid && pev == CX_PEV_CONNECTED)
		cx_rt_joinid(s, c);
	if (pev == CX_PEV_CONNECTED && !c->inbound) /* maybe a VoiceXML transfer's far end */
		cx_vxio_answered(s, c->id);
	else if (pev == CX_PEV_REDIRECTED) /* a VoiceXML blind transfer done (vxio.c), on every provider */
		cx_vxio_redirected(s, c->id);
	else if (pev == CX_PEV_DISCONNECTED) /* the caller gone during a VoiceXML transfer */
		cx_vxio_hangup(s, c->id);
}

static void cx_rt__dlg_event(cx_dlg *d, enum cx_pev pev, const char *reason,
			     const cx_cval *values, const cx_cval *expr)
{
	const cx_pev_def *def = cx_pev__def(pev, 1);
	cx_sess *s = d->sess;
	cx_ev *ev;

	if (!def || !s || s->ending)
		return;
	if (def->final) {
		if (d->exited)
			return; /* exactly one dialog.exit (or error) per dialog: nothing after it */
		d->exited = 1;
	}
	if (def->state)
		d->state = def->state;
	ev = cx_ev_new(s, def->name);
	if (!ev)
		return;
	mem_deref(ev->source);
	str_dup(&ev->source, d->id);
	ev->sourcetype = "dialog";
	cx_ev_dlg(ev, d, d->state, def->final);
	if (reason)
		cx_ev_str(ev, "reason", reason);
	if (pev == CX_PEV_DLG_EXIT) {
		if (values)
			cx_ev_cval(ev, "values", values);
		else
			cx_ev_val(ev, "values", cx_obj_new(s->X));
		if (expr)
			cx_ev_cval(ev, "expr", expr);
	}
	cx_sess_post(s, ev);
}

void cx_rt_dlg_pev(cx_dlg *d, enum cx_pev pev, const char *reason)
{
	cx_rt__dlg_event(d, pev, reason, NULL, NULL);
}

/* A dialog that ended with values (<exit namelist/expr> of a VoiceXML dialog, a recording):
 * dialog.exit carries them. */
void cx_rt_dlg_exit(cx_dlg *d, const cx_cval *values, const cx_cval *expr)
{
	cx_rt__dlg_event(d, CX_PEV_DLG_EXIT, NULL, values, expr);
}
