/*
 * conn.c — the platform objects a session owns: connections, dialogs and conferences (their
 * ids, lookup, lifetime) and the reports providers make about them (cx_rt_conn_event,
 * cx_rt_dlg_event), which carry the new state along with the event.
 */
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <errno.h>
#include "prov.h"

/* Connection and dialog ids are unique in the process too, so <move> never meets a clash in
 * the target session and an id names one object wherever it has moved. */
static uint32_t cx_conn__counter, cx_dlg__counter;

/* Section - Connections, dialogs, conferences */

static void cx_conn__destroy(void *arg)
{
	cx_conn *c = arg;

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
	s->nconn++;
	list_append(&s->conns, &c->le, c);
	return c;
}

cx_dlg *cx_dlg_add(cx_sess *s)
{
	cx_dlg *d = mem_zalloc(sizeof(*d), cx_dlg__destroy);

	if (!d)
		return NULL;
	d->sess = s;
	d->state = d->vstate = "PREPARING";
	snprintf(d->id, sizeof(d->id), "d%u", ++cx_dlg__counter);
	s->ndlg++;
	list_append(&s->dlgs, &d->le, d);
	return d;
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

static int cx_rt__final(const char *state)
{
	return !strcmp(state, "FAILED") || !strcmp(state, "DISCONNECTED");
}

void cx_rt_conn_event(cx_conn *c, const char *name, const char *state, const char *reason,
		      const char *trigger, int sipcode, const char *sipreason)
{
	cx_sess *s = c->sess;
	cx_ev *ev;

	if (!s || s->ending)
		return;
	if (state)
		c->state = state;
	if (sipcode >= 200)
		c->sipcode = sipcode; /* a final response (a 180 is no outcome) */
	if (!c->t_progress && (!strcmp(c->state, "PROGRESSING") || !strcmp(c->state, "ALERTING")))
		c->t_progress = cx_cdr_now_ms();
	if (!strcmp(name, "connection.connected")) {
		cx_met_call(s->eng, c->inbound, "connected");
		if (!c->t_answer)
			c->t_answer = cx_cdr_now_ms();
	}
	else if (!strcmp(name, "connection.failed"))
		cx_met_call(s->eng, c->inbound, reason ? reason : "unknown");
	if (cx_rt__final(c->state)) {
		c->t_end = cx_cdr_now_ms();
		if (!c->endreason && reason)
			(void)str_dup(&c->endreason, reason);
		if (!c->endtrigger && trigger)
			(void)str_dup(&c->endtrigger, trigger);
		cx_cdr_conn(s->eng, c);
	}
	ev = cx_ev_new(s, name);
	if (!ev)
		return;
	mem_deref(ev->source);
	str_dup(&ev->source, s->eng->prov ? s->eng->prov->name : "platform");
	ev->sourcetype = s->eng->prov ? s->eng->prov->name : "platform";
	cx_ev_conn(ev, c, c->state, cx_rt__final(c->state));
	cx_ev_str(ev, "reason", reason);
	if (c->amd && !strcmp(name, "connection.connected")) {
		cx_ev_str(ev, "amd", c->amd);
		cx_ev_num(ev, "amdspeech", c->amdms);
	}
	cx_ev_str(ev, "trigger", trigger);
	if (sipcode) {
		cx_value info = cx_obj_new(s->X);
		if (!cx_is_exc(info)) {
			cx_define_cstr(s->X, info, "sipcode", cx_num(sipcode), 0);
			if (sipreason)
				cx_define_cstr(s->X, info, "sipreason", cx_str_cstr(s->X, sipreason), 0);
			cx_ev_val(ev, "info", info);
		}
		else
			cx_catch(s->X);
	}
	cx_sess_post(s, ev);
	if (c->joinid && !strcmp(name, "connection.connected"))
		cx_rt_joinid(s, c);
}

static void cx_rt__dlg_event(cx_dlg *d, const char *name, const char *reason,
			     const cx_cval *values, const cx_cval *expr)
{
	cx_sess *s = d->sess;
	cx_ev *ev;
	int final = 0;

	if (!s || s->ending)
		return;
	if (!strcmp(name, "dialog.exit")) {
		if (d->exited)
			return; /* exactly one dialog.exit per dialog */
		d->exited = 1;
		d->state = "EXITED";
		final = 1;
	}
	else if (!strcmp(name, "dialog.started"))
		d->state = "STARTED";
	else if (!strcmp(name, "dialog.prepared"))
		d->state = "PREPARED";
	else if (!strncmp(name, "error.", 6)) {
		if (d->exited)
			return;
		d->exited = 1; /* the dialog is over: no keys, no dialog.exit after it */
		d->state = "EXITED";
		final = 1;
	}
	ev = cx_ev_new(s, name);
	if (!ev)
		return;
	mem_deref(ev->source);
	str_dup(&ev->source, d->id);
	ev->sourcetype = "dialog";
	cx_ev_dlg(ev, d, d->state, final);
	if (reason)
		cx_ev_str(ev, "reason", reason);
	if (final && !strncmp(name, "dialog.exit", 11)) {
		if (values)
			cx_ev_cval(ev, "values", values);
		else
			cx_ev_val(ev, "values", cx_obj_new(s->X));
		if (expr)
			cx_ev_cval(ev, "expr", expr);
	}
	cx_sess_post(s, ev);
}

void cx_rt_dlg_event(cx_dlg *d, const char *name, const char *reason)
{
	cx_rt__dlg_event(d, name, reason, NULL, NULL);
}

/* A dialog that ended with values (<exit namelist/expr> of a VoiceXML dialog, a recording):
 * dialog.exit carries them. */
void cx_rt_dlg_exit(cx_dlg *d, const cx_cval *values, const cx_cval *expr)
{
	cx_rt__dlg_event(d, "dialog.exit", NULL, values, expr);
}
