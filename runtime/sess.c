/*
 * sess.c — the engine, sessions, their event queues and the event interpretation algorithm
 * (digest §3–§4). Everything here runs on the libre main-loop thread.
 *
 * How a session's ES view is kept honest: the C structs (cx_conn, cx_dlg, cx_conf) hold the
 * truth; before each event the session object is rebuilt, frozen, from the states *as of that
 * event* (each queued connection/dialog event carries the state it brought). Rebuilding costs
 * a few small objects per event and means ES code can never write into the platform's view.
 */
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include "prov.h"

/* the short part of session ids ("s<N>-…"), unique in the process */
static uint32_t cx_sess__counter;
/* Connection and dialog ids are unique in the process too, so <move> never meets a clash in
 * the target session and an id names one object wherever it has moved. */
static uint32_t cx_conn__counter, cx_dlg__counter;

/* Section - Events */

static void cx_ev__destroy(void *arg)
{
	cx_ev *ev = arg;

	if (ev->sess && ev->sess->X)
		cx_root_remove(ev->sess->X, &ev->obj);
	mem_deref(ev->name);
	mem_deref(ev->source);
	mem_deref(ev->conn);
	mem_deref(ev->dlg);
}

cx_ev *cx_ev_new(cx_sess *s, const char *name)
{
	cx_ev *ev = mem_zalloc(sizeof(*ev), cx_ev__destroy);

	if (!ev)
		return NULL;
	ev->sess = s;
	ev->obj = CX_UNDEFINED;
	if (str_dup(&ev->name, name))
		return mem_deref(ev);
	if (cx_root_add(s->X, &ev->obj, 1)) {
		ev->sess = NULL;
		return mem_deref(ev);
	}
	ev->obj = cx_obj_new(s->X);
	if (cx_is_exc(ev->obj)) {
		cx_catch(s->X);
		ev->obj = CX_UNDEFINED;
	}
	ev->sourcetype = "ccxml";
	return ev;
}

void cx_ev_val(cx_ev *ev, const char *key, cx_value v)
{
	if (!ev || !cx_is_obj(ev->obj))
		return;
	if (cx_is_exc(v) || cx_define_cstr(ev->sess->X, ev->obj, key, v, 0))
		cx_catch(ev->sess->X);
}

void cx_ev_str(cx_ev *ev, const char *key, const char *val)
{
	if (!ev)
		return;
	cx_ev_val(ev, key, val ? cx_str_cstr(ev->sess->X, val) : CX_UNDEFINED);
}

void cx_ev_num(cx_ev *ev, const char *key, double n)
{
	cx_ev_val(ev, key, cx_num(n));
}

void cx_ev_cval(cx_ev *ev, const char *key, const cx_cval *c)
{
	if (!ev)
		return;
	cx_ev_val(ev, key, cx_cval_to(ev->sess->X, c));
}

void cx_ev_conn(cx_ev *ev, cx_conn *c, const char *state, int final)
{
	if (!ev || !c)
		return;
	mem_deref(ev->conn);
	ev->conn = mem_ref(c);
	ev->cstate = state;
	ev->cfinal = final;
	cx_ev_str(ev, "connectionid", c->id);
}

void cx_ev_dlg(cx_ev *ev, cx_dlg *d, const char *state, int final)
{
	if (!ev || !d)
		return;
	mem_deref(ev->dlg);
	ev->dlg = mem_ref(d);
	ev->dstate = state;
	ev->dfinal = final;
	cx_ev_str(ev, "dialogid", d->id);
	cx_ev_str(ev, "connectionid", d->connid[0] ? d->connid : NULL);
	cx_ev_str(ev, "conferenceid", d->confid[0] ? d->confid : NULL);
}

void cx_sess_post(cx_sess *s, cx_ev *ev)
{
	if (!ev)
		return;
	if (!s || s->ending) {
		mem_deref(ev);
		return;
	}
	/* an error raised while an error event is handled inherits its depth (error loops) */
	if (!strncasecmp(ev->name, "error.", 6) && s->cur) {
		ev->errdepth = !strncasecmp(s->cur->name, "error.", 6) ? s->cur->errdepth + 1 : 1;
	}
	list_append(&s->q, &ev->le, ev);
	if (!s->queued) {
		s->queued = 1;
		list_append(&s->eng->runq, &s->rle, s);
	}
	cx_engine_kick(s->eng);
}

/* Queue error.<name> with reason and tagname; one diagnostic line on stderr. */
static void cx_sess__raise(cx_sess *s, const char *name, const char *tag, const char *where,
			   const char *reason)
{
	cx_ev *ev;

	re_fprintf(stderr, "ccxml: session %s: %s%s%s%s%s%s: %H\n", s->id, where ? where : "",
		   where ? ": " : "", name, tag ? " (<" : "", tag ? tag : "", tag ? ">)" : "", cx_rt_esc,
		   reason);
	ev = cx_ev_new(s, name);
	cx_ev_str(ev, "reason", reason);
	cx_ev_str(ev, "tagname", tag);
	cx_sess_post(s, ev);
}

void cx_sess_error(cx_sess *s, const char *name, const char *tag, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	cx_sess__raise(s, name, tag, NULL, reason);
}

int cx_semantic(cx_ctx *X, int elem, int line)
{
	cx_sess *s = X->user;
	cx_value exc = cx_catch(X), d;
	const char *reason = NULL;
	const char *tag = (elem >= 0 && elem < CX_E__COUNT) ? cx_elem_table[elem].tag : "script";
	char where[300];

	d = cx_exc_describe(X, exc);
	if (cx_is_str(d))
		reason = cx_str_to_utf8(X, d.u.s, NULL);
	if (!s)
		return CX_FAIL;
	snprintf(where, sizeof(where), "%s:%d", s->doc && s->doc->name ? s->doc->name : "?", line);
	cx_sess__raise(s, "error.semantic", tag, where, reason ? reason : "exception");
	return CX_FAIL;
}

/* Section - Global names */

cx_value cx_global_lookup(cx_ctx *X, cx_str *name, int for_typeof)
{
	cx_value g = cx_global(X);

	if (!cx_has_s(X, g, name)) {
		if (for_typeof)
			return CX_UNDEFINED;
		return cx_throw_error(X, "ReferenceError", "%s is not defined",
				      cx_str_to_utf8(X, name, NULL) ? cx_str_to_utf8(X, name, NULL) : "name");
	}
	return cx_get_s(X, g, name);
}

cx_value cx_global_assign(cx_ctx *X, cx_str *name, cx_value v)
{
	cx_value g = cx_global(X);

	if (!cx_has_s(X, g, name)) {
		const char *n = cx_str_to_utf8(X, name, NULL);
		return cx_throw_error(X, "ReferenceError", "%s is not declared", n ? n : "name");
	}
	return cx_put_s(X, g, name, v);
}

/* Section - Connections, dialogs, conferences */

static void cx_conn__destroy(void *arg)
{
	cx_conn *c = arg;

	mem_deref(c->local);
	mem_deref(c->remote);
	mem_deref(c->aai);
	mem_deref(c->callerid);
	mem_deref(c->redirect);
	mem_deref(c->pd);
	mem_deref(c->proto);
}

static void cx_dlg__destroy(void *arg)
{
	cx_dlg *d = arg;

	mem_deref(d->src);
	mem_deref(d->type);
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
	ev = cx_ev_new(s, name);
	if (!ev)
		return;
	mem_deref(ev->source);
	str_dup(&ev->source, s->eng->prov ? s->eng->prov->name : "platform");
	ev->sourcetype = s->eng->prov ? s->eng->prov->name : "platform";
	cx_ev_conn(ev, c, c->state, cx_rt__final(c->state));
	cx_ev_str(ev, "reason", reason);
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
}

void cx_rt_dlg_event(cx_dlg *d, const char *name, const char *reason)
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
		cx_value vals = cx_obj_new(s->X);
		cx_ev_val(ev, "values", vals);
	}
	cx_sess_post(s, ev);
}

/* Section - The session object */

static cx_value cx_sess__strv(cx_ctx *X, const char *s)
{
	cx_value v;

	if (!s)
		return CX_UNDEFINED;
	v = cx_str_cstr(X, s);
	if (cx_is_exc(v)) {
		cx_catch(X);
		return CX_UNDEFINED;
	}
	return v;
}

static void cx_sess__def(cx_ctx *X, cx_value o, const char *k, cx_value v)
{
	if (cx_is_exc(v) || cx_define_cstr(X, o, k, v, 0))
		cx_catch(X);
}

static cx_value cx_conn__obj(cx_sess *s, cx_conn *c)
{
	cx_ctx *X = s->X;
	cx_value o = cx_obj_new(X), p;
	const cx_prov *pv = s->eng->prov;

	if (cx_is_exc(o))
		return o;
	cx_sess__def(X, o, "connectionid", cx_sess__strv(X, c->id));
	cx_sess__def(X, o, "state", cx_sess__strv(X, c->vstate));
	cx_sess__def(X, o, "substate", CX_UNDEFINED);
	cx_sess__def(X, o, "local", cx_sess__strv(X, c->local));
	cx_sess__def(X, o, "remote", cx_sess__strv(X, c->remote));
	cx_sess__def(X, o, "originator", cx_sess__strv(X, c->inbound ? "remote" : "local"));
	p = cx_obj_new(X);
	if (!cx_is_exc(p)) {
		cx_sess__def(X, p, "name", cx_sess__strv(X, pv ? pv->name : "none"));
		cx_sess__def(X, p, "version", cx_sess__strv(X, pv ? pv->version : "0"));
		if (c->proto && c->proto->tag == CX_T_OBJ) /* provider detail, e.g. protocol.sip */
			cx_sess__def(X, p, pv ? pv->name : "detail", cx_cval_to(X, c->proto));
		cx_obj_freeze(X, p);
	}
	cx_sess__def(X, o, "protocol", p);
	cx_sess__def(X, o, "aai", cx_sess__strv(X, c->aai));
	cx_sess__def(X, o, "redirect", cx_sess__strv(X, c->redirect));
	cx_sess__def(X, o, "input", CX_UNDEFINED);
	cx_sess__def(X, o, "outputs", cx_arr_new(X, 0, NULL));
	cx_sess__def(X, o, "dialogid", cx_sess__strv(X, c->dialogid[0] ? c->dialogid : NULL));
	cx_obj_freeze(X, o);
	return o;
}

static cx_value cx_dlg__obj(cx_sess *s, cx_dlg *d)
{
	cx_ctx *X = s->X;
	cx_value o = cx_obj_new(X);

	if (cx_is_exc(o))
		return o;
	cx_sess__def(X, o, "dialogid", cx_sess__strv(X, d->id));
	cx_sess__def(X, o, "connectionid", cx_sess__strv(X, d->connid[0] ? d->connid : NULL));
	cx_sess__def(X, o, "conferenceid", cx_sess__strv(X, d->confid[0] ? d->confid : NULL));
	cx_sess__def(X, o, "type", cx_sess__strv(X, d->type));
	cx_sess__def(X, o, "src", cx_sess__strv(X, d->src));
	cx_sess__def(X, o, "state", cx_sess__strv(X, d->vstate));
	cx_sess__def(X, o, "input", cx_sess__strv(X, d->connid[0] ? d->connid : d->confid[0] ? d->confid : NULL));
	cx_sess__def(X, o, "outputs", cx_arr_new(X, 0, NULL));
	cx_obj_freeze(X, o);
	return o;
}

/* Rebuild session (slot CX_SLOT_SESSION). Returns the connection/dialog objects of ev. */
static void cx_sess__rebuild(cx_sess *s, cx_value *evconn, cx_value *evdlg)
{
	cx_ctx *X = s->X;
	cx_value so = cx_obj_new(X), conns, dlgs, confs, io;
	char base[80], uri[200];
	struct le *le;

	*evconn = *evdlg = CX_UNDEFINED;
	if (cx_is_exc(so)) {
		cx_catch(X);
		return;
	}
	conns = cx_obj_new(X);
	dlgs = cx_obj_new(X);
	confs = cx_obj_new(X);
	io = cx_obj_new(X);
	if (cx_is_exc(conns) || cx_is_exc(dlgs) || cx_is_exc(confs) || cx_is_exc(io)) {
		cx_catch(X);
		return;
	}
	LIST_FOREACH(&s->conns, le) {
		cx_conn *c = le->data;
		cx_value o;
		if (c->removed)
			continue;
		o = cx_conn__obj(s, c);
		cx_sess__def(X, conns, c->id, o);
		if (s->cur && s->cur->conn == c)
			*evconn = o;
	}
	if (s->cur && s->cur->conn && cx_is_undef(*evconn))
		*evconn = cx_conn__obj(s, s->cur->conn);
	LIST_FOREACH(&s->dlgs, le) {
		cx_dlg *d = le->data;
		cx_value o;
		if (d->removed)
			continue;
		o = cx_dlg__obj(s, d);
		cx_sess__def(X, dlgs, d->id, o);
		if (s->cur && s->cur->dlg == d)
			*evdlg = o;
	}
	if (s->cur && s->cur->dlg && cx_is_undef(*evdlg))
		*evdlg = cx_dlg__obj(s, s->cur->dlg);
	LIST_FOREACH(&s->confs, le) {
		cx_conf *f = le->data;
		cx_value o = cx_obj_new(X);
		if (cx_is_exc(o)) {
			cx_catch(X);
			continue;
		}
		cx_sess__def(X, o, "conferenceid", cx_sess__strv(X, f->id));
		cx_sess__def(X, o, "confname", cx_sess__strv(X, f->name));
		cx_obj_freeze(X, o);
		cx_sess__def(X, confs, f->id, o);
	}
	cx_sess__def(X, io, "ccxml", cx_sess__strv(X, s->id));
	if (!cx_http_base(s->eng, base, sizeof(base))) {
		/* the document may hand these out: the basichttp one carries the session's secret */
		snprintf(uri, sizeof(uri), "%s/basichttp?sessionid=%s&secret=%s", base, s->id,
			 s->secret);
		cx_sess__def(X, io, "basichttp", cx_sess__strv(X, uri));
		snprintf(uri, sizeof(uri), "%s/createsession", base);
		cx_sess__def(X, io, "createsession", cx_sess__strv(X, uri));
	}
	cx_obj_freeze(X, conns);
	cx_obj_freeze(X, dlgs);
	cx_obj_freeze(X, confs);
	cx_obj_freeze(X, io);
	cx_sess__def(X, so, "id", cx_sess__strv(X, s->id));
	cx_sess__def(X, so, "startupmode", cx_sess__strv(X, s->startupmode));
	cx_sess__def(X, so, "uri", cx_sess__strv(X, s->uri));
	cx_sess__def(X, so, "parentid", cx_sess__strv(X, s->parent[0] ? s->parent : NULL));
	cx_sess__def(X, so, "values", s->values);
	cx_sess__def(X, so, "connections", conns);
	cx_sess__def(X, so, "conferences", confs);
	cx_sess__def(X, so, "dialogs", dlgs);
	cx_sess__def(X, so, "ioprocessors", io);
	cx_obj_freeze(X, so);
	X->slots[CX_SLOT_SESSION] = so;
}

/* Section - Sessions */

static void cx_sess__destroy(void *arg)
{
	cx_sess *s = arg;
	struct le *le;

	list_flush(&s->q);
	/* release provider resources before the objects go */
	LIST_FOREACH(&s->conns, le) {
		cx_conn *c = le->data;
		if (s->eng && s->eng->prov && s->eng->prov->conn_release)
			s->eng->prov->conn_release(s->eng, c);
		c->sess = NULL;
	}
	LIST_FOREACH(&s->dlgs, le) {
		cx_dlg *d = le->data;
		if (s->eng && s->eng->prov && s->eng->prov->dlg_release)
			s->eng->prov->dlg_release(s->eng, d);
		d->sess = NULL;
	}
	list_flush(&s->conns);
	list_flush(&s->dlgs);
	list_flush(&s->confs);
	list_flush(&s->sends);
	list_flush(&s->fetches);
	list_unlink(&s->rle);
	list_unlink(&s->le);
	mem_deref(s->uri);
	mem_deref(s->exit_expr);
	mem_deref(s->exit_values);
	if (s->X)
		cx_ctx_free(s->X);
}

static bool cx_sess__idcmp(struct le *le, void *arg)
{
	const cx_sess *s = le->data;

	return !strcmp(s->id, arg) && !s->ending;
}

cx_sess *cx_sess_find(cx_engine *e, const char *id)
{
	struct le *le;

	if (!id || !e->sessh)
		return NULL;
	le = hash_lookup(e->sessh, hash_joaat_str(id), cx_sess__idcmp, (void *)id);
	return le ? le->data : NULL;
}

const char *cx_sess_evconn(cx_sess *s)
{
	cx_value ev = s->X->slots[CX_SLOT_EVENT], v;

	if (!cx_is_obj(ev))
		return NULL;
	v = cx_get_cstr(s->X, ev, "connectionid");
	if (cx_is_exc(v)) {
		cx_catch(s->X);
		return NULL;
	}
	if (!cx_is_str(v))
		return NULL;
	return cx_str_to_utf8(s->X, v.u.s, NULL);
}

/* The id and the secret of a new session. Over HTTP a session is named by its id and acted on
 * with its secret, so both carry random bits from the kernel; the counter keeps ids short to
 * read and unique even if two random parts met. */
static int cx_sess__ids(cx_sess *s)
{
	uint8_t rnd[8 + 16];
	int err = cx_rt_random(rnd, sizeof(rnd));

	if (err) {
		fprintf(stderr, "ccxml: no random bytes for a session id: %s\n", strerror(err));
		return err;
	}
	re_snprintf(s->id, sizeof(s->id), "s%u-%w", ++cx_sess__counter, rnd, (size_t)8);
	re_snprintf(s->secret, sizeof(s->secret), "%w", rnd + 8, (size_t)16);
	return 0;
}

/* Run a document's initialisation on s (fresh ccxml-scope slots). */
static void cx_sess__init_doc(cx_sess *s, const cx_doc *doc)
{
	cx_ctx *X = s->X;
	int rc;

	s->doc = doc;
	X->steps = s->eng->budget ? s->eng->budget : CX_RT_BUDGET;
	cx_sess__rebuild(s, &(cx_value){0}, &(cx_value){0});
	if (doc->init) {
		rc = doc->init(X);
		if (rc == CX_FAIL && cx_is_exc(X->exc))
			cx_semantic(X, CX_E_ccxml, 0);
	}
}

int cx_sess_start(cx_sess **sp, cx_engine *e, const cx_doc *doc, const char *mode,
		  const char *parent, const cx_cval *values, cx_conn **inbound)
{
	cx_sess *s;
	cx_ev *ev;
	int err = 0;

	if (!e || !doc)
		return EINVAL;
	if (cx_doc_check(doc, NULL, 0))
		return EPROTO;
	if (e->max_sessions && e->nsess >= e->max_sessions)
		return EBUSY;
	s = mem_zalloc(sizeof(*s), cx_sess__destroy);
	if (!s)
		return ENOMEM;
	s->eng = e;
	s->startupmode = mode;
	s->values = CX_UNDEFINED;
	err = cx_sess__ids(s);
	if (err) {
		mem_deref(s);
		return err;
	}
	if (parent)
		snprintf(s->parent, sizeof(s->parent), "%s", parent);
	if (doc->name)
		str_dup(&s->uri, doc->name);
	s->X = cx_ctx_new(e->heap_limit);
	if (!s->X) {
		err = ENOMEM;
		goto out;
	}
	s->X->user = s;
	if (cx_ctx_set_slots(s->X, doc->nslots < CX_SLOT_FIRST_VAR ? CX_SLOT_FIRST_VAR : doc->nslots) ||
	    cx_root_add(s->X, &s->values, 1)) {
		err = ENOMEM;
		goto out;
	}
	s->values = values ? cx_cval_to(s->X, values) : cx_obj_new(s->X);
	if (cx_is_exc(s->values) || !cx_is_obj(s->values)) {
		cx_catch(s->X);
		s->values = cx_obj_new(s->X);
		if (cx_is_exc(s->values)) {
			err = ENOMEM;
			goto out;
		}
	}
	cx_obj_freeze(s->X, s->values);
	s->X->slots[CX_SLOT_APPLICATION] = cx_obj_new(s->X);
	if (cx_is_exc(s->X->slots[CX_SLOT_APPLICATION])) {
		err = ENOMEM;
		goto out;
	}
	list_append(&e->sessl, &s->le, s);
	hash_append(e->sessh, hash_joaat_str(s->id), &s->hle, s);
	e->nsess++;
	e->nsess_total++;

	cx_sess__init_doc(s, doc);

	ev = cx_ev_new(s, "ccxml.loaded");
	cx_ev_str(ev, "sessionid", s->id);
	cx_ev_str(ev, "parent", s->parent[0] ? s->parent : NULL);
	if (ev) {
		mem_deref(ev->source);
		str_dup(&ev->source, s->id);
	}
	cx_sess_post(s, ev);
	if (inbound) {
		cx_conn *c = cx_conn_add(s, 1, "ALERTING");
		if (!c) {
			err = ENOMEM;
			goto out;
		}
		*inbound = c;
	}
 out:
	if (err) {
		if (s->le.list) {
			list_unlink(&s->le);
			hash_unlink(&s->hle);
			e->nsess--;
		}
		mem_deref(s);
	}
	else if (sp)
		*sp = s;
	return err;
}

void cx_sess_end(cx_sess *s, int how)
{
	if (!s || s->ending)
		return;
	s->ending = how;
	s->status = how == CX_END_EXIT ? 0 : 1;
	list_append(&s->eng->endq, &s->ele, s);
	cx_engine_kick(s->eng);
}

/* Tear down an ended session: hang up what is still up, tell the parent, free. */
static void cx_sess__teardown(cx_sess *s)
{
	cx_engine *e = s->eng;
	struct le *le;
	cx_sess *p;

	LIST_FOREACH(&s->conns, le) {
		cx_conn *c = le->data;
		if (e->prov && e->prov->disconnect &&
		    (!strcmp(c->state, "CONNECTED") || !strcmp(c->state, "PROGRESSING") ||
		     !strcmp(c->state, "ALERTING")))
			e->prov->disconnect(e, c, "session ended");
	}
	p = cx_sess_find(e, s->parent);
	if (p && !s->ending_noparent) {
		/* ccxml.exit was built by <exit> when there was one; else a bare one */
		cx_ev *ev = cx_ev_new(p, "ccxml.exit");
		cx_ev_str(ev, "sessionid", s->id);
		if (s->exit_expr)
			cx_ev_cval(ev, "expr", s->exit_expr);
		cx_ev_cval(ev, "values", s->exit_values);
		if (!s->exit_values)
			cx_ev_val(ev, "values", cx_obj_new(p->X));
		if (ev) {
			mem_deref(ev->source);
			str_dup(&ev->source, s->id);
		}
		cx_sess_post(p, ev);
	}
	if (e->endh)
		e->endh(s, e->endarg);
	if (e->pub_endh) {
		static const char *const how[] = {"", "exit", "unhandled error", "killed"};
		e->pub_endh(s->id, s->status, s->ending >= 0 && s->ending <= 3 ? how[s->ending] : "?",
			    e->pub_endarg);
	}
	list_unlink(&s->le);
	hash_unlink(&s->hle);
	list_unlink(&s->ele);
	e->nsess--;
	list_unlink(&s->rle);
	s->queued = 0;
	mem_deref(s);
}

int cx_sess_step(cx_sess *s)
{
	cx_ctx *X = s->X;
	cx_ev *ev;
	cx_value evo, conno, dlgo, st;
	const char *state = NULL;
	const cx_transition *t = NULL;
	uint32_t i;
	int rc;

	if (s->ending || !s->q.head)
		return 0;
	ev = s->q.head->data;
	list_unlink(&ev->le);

	if (ev->errdepth > CX_RT_ERRLOOP_MAX) {
		re_fprintf(stderr, "ccxml: session %s: error loop: %H raised while handling an error "
			   "event %d times in a row; ending the session\n", s->id, cx_rt_esc, ev->name,
			   ev->errdepth);
		mem_deref(ev);
		cx_sess_end(s, CX_END_ERROR);
		return 1;
	}

	/* the platform objects as of THIS event */
	if (ev->conn && ev->cstate)
		ev->conn->vstate = ev->cstate;
	if (ev->dlg && ev->dstate)
		ev->dlg->vstate = ev->dstate;
	s->cur = ev;
	cx_sess__rebuild(s, &conno, &dlgo);

	evo = ev->obj;
	if (!cx_is_obj(evo))
		evo = cx_obj_new(X);
	if (cx_is_exc(evo)) {
		cx_catch(X);
		evo = CX_UNDEFINED;
	}
	else {
		char eid[32];
		snprintf(eid, sizeof(eid), "e%u", ++s->nev);
		cx_sess__def(X, evo, "name", cx_sess__strv(X, ev->name));
		cx_sess__def(X, evo, "eventid", cx_sess__strv(X, eid));
		cx_sess__def(X, evo, "eventsource", cx_sess__strv(X, ev->source ? ev->source : s->id));
		cx_sess__def(X, evo, "eventsourcetype", cx_sess__strv(X, ev->sourcetype));
		if (ev->conn) {
			cx_sess__def(X, evo, "connection", conno);
			if (cx_is_obj(conno))
				cx_sess__def(X, evo, "protocol", cx_get_cstr(X, conno, "protocol"));
		}
		if (ev->dlg)
			cx_sess__def(X, evo, "dialog", dlgo);
	}
	X->slots[CX_SLOT_EVENT] = evo;
	X->steps = s->eng->budget ? s->eng->budget : CX_RT_BUDGET;

	st = X->slots[s->doc->statevar_slot];
	state = cx_rt_str(X, st);
	if (!state) {
		cx_catch(X);
		state = "";
	}
	for (i = 0; i < s->doc->ntransitions; i++) {
		const cx_transition *tr = &s->doc->transitions[i];
		if (tr->states) {
			const char *const *sp;
			for (sp = tr->states; *sp; sp++)
				if (!strcmp(*sp, state))
					break;
			if (!*sp)
				continue;
		}
		if (!cx_rt_match(tr->event, ev->name))
			continue;
		if (tr->cond) {
			cx_value c = tr->cond(X);
			if (cx_is_exc(c)) {
				cx_semantic(X, CX_E_transition, tr->line);
				continue;
			}
			if (!cx_truthy(c))
				continue;
		}
		t = tr;
		break;
	}
	if (t) {
		rc = t->body ? t->body(X) : 0;
		if (rc == CX_FAIL && cx_is_exc(X->exc))
			cx_semantic(X, CX_E_transition, t->line); /* body forgot to report */
		if (!strcasecmp(ev->name, "ccxml.kill.unconditional"))
			cx_sess_end(s, CX_END_KILL);
	}
	else if (!strncasecmp(ev->name, "error.", 6)) {
		re_fprintf(stderr, "ccxml: session %s: unhandled %H; ending the session\n", s->id, cx_rt_esc, ev->name);
		cx_sess_end(s, CX_END_ERROR);
	}
	else if (!strncasecmp(ev->name, "ccxml.kill", 10)) {
		cx_sess_end(s, CX_END_KILL);
	}

	/* a final connection/dialog leaves the session after its final event (unless <move> gave
	 * it to another session meanwhile: the copy of the event sent along removes it there) */
	if (ev->conn && ev->cfinal && ev->conn->sess == s)
		ev->conn->removed = 1;
	if (ev->dlg && ev->dfinal && ev->dlg->sess == s)
		ev->dlg->removed = 1;
	s->cur = NULL;
	mem_deref(ev);
	X->slots[CX_SLOT_EVENT] = CX_UNDEFINED;
	if (s->pending_goto && !s->ending) {
		const cx_doc *nd = s->pending_goto;
		cx_value app = X->slots[CX_SLOT_APPLICATION];
		s->pending_goto = NULL;
		if (!cx_ctx_set_slots(X, nd->nslots < CX_SLOT_FIRST_VAR ? CX_SLOT_FIRST_VAR : nd->nslots)) {
			cx_ev *lev;
			uint32_t k;
			/* ccxml scope starts afresh: cx_ctx_set_slots keeps the old values */
			for (k = CX_SLOT_FIRST_VAR; k < X->nslots; k++)
				X->slots[k] = CX_UNDEFINED;
			X->slots[CX_SLOT_APPLICATION] = app;
			if (nd->name) { /* session.uri names the running document */
				s->uri = mem_deref(s->uri);
				str_dup(&s->uri, nd->name);
			}
			cx_sess__init_doc(s, nd);
			/* the new document's first event is its ccxml.loaded; the events already
			 * queued stay, behind it */
			lev = cx_ev_new(s, "ccxml.loaded");
			cx_ev_str(lev, "sessionid", s->id);
			cx_ev_str(lev, "parent", s->parent[0] ? s->parent : NULL);
			if (lev) {
				mem_deref(lev->source);
				str_dup(&lev->source, s->id);
				cx_sess_post(s, lev);
				list_unlink(&lev->le);
				list_prepend(&s->q, &lev->le, lev);
			}
		}
		else
			cx_sess_error(s, "error.fetch", "goto", "out of memory");
	}
	cx_gc(X);
	/* Nothing queued: the session may now wait for a long time; do not let it keep the dead
	 * blocks its heap recycles (about 5 KB per idle session in bench/run.sh). */
	if (list_isempty(&s->q))
		cx_heap_trim(X);
	return 1;
}

/* Section - Engine */

static void cx_engine__pump(void *arg)
{
	cx_engine *e = arg;

	cx_engine_drain(e);
	if (e->stop_when_idle && !cx_engine_busy(e))
		re_cancel();
}

void cx_engine_kick(cx_engine *e)
{
	if (!e || e->pumping)
		return;
	if (!tmr_isrunning(&e->pump))
		tmr_start(&e->pump, 0, cx_engine__pump, e);
}

/* Only the sessions that are ending: a stop of N sessions costs O(N), not O(N^2). */
void cx_engine_reap(cx_engine *e)
{
	struct le *le;

	while ((le = list_head(&e->endq)))
		cx_sess__teardown(le->data);
}

int cx_engine_drain(cx_engine *e)
{
	int n = 0;

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
	/* HTTP and transfers first: their callbacks look sessions up through the engine */
	e->http = mem_deref(e->http);
	e->curl = mem_deref(e->curl);
	while ((le = list_head(&e->sessl))) {
		cx_sess *s = le->data;
		s->ending_noparent = 1;
		if (!s->ending) {
			/* not cx_sess_end(): it would kick the engine being destroyed */
			s->ending = CX_END_KILL;
			s->status = 1;
			list_append(&e->endq, &s->ele, s);
		}
		cx_sess__teardown(s);
	}
	if (e->prov && e->prov->close)
		e->prov->close(e);
	cx_media_flush();
	mem_deref(e->media_root);
	mem_deref(e->sessh);
}

int cx_engine_new(cx_engine **ep)
{
	cx_engine *e = mem_zalloc(sizeof(*e), cx_engine__destroy);

	if (!e)
		return ENOMEM;
	tmr_init(&e->pump);
	if (hash_alloc(&e->sessh, 1024)) {
		mem_deref(e);
		return ENOMEM;
	}
	*ep = e;
	return 0;
}

int cx_prov_inbound(cx_engine *e, const char *from, const char *to, cx_conn **cp)
{
	cx_sess *s = NULL;
	cx_conn *c = NULL;
	int err;

	if (!e || e->ndocs < 1)
		return EINVAL;
	err = cx_sess_start(&s, e, e->docs[0], "newcall", NULL, NULL, &c);
	if (err) {
		re_fprintf(stderr, "ccxml: inbound call from %H refused: %s\n", cx_rt_esc, from ? from : "?",
			err == EBUSY ? "out of sessions" : strerror(err));
		return err;
	}
	str_dup(&c->remote, from ? from : "sip:caller@sim");
	str_dup(&c->local, to ? to : "sip:ccxml@sim");
	cx_rt_conn_event(c, "connection.alerting", "ALERTING", NULL, NULL, 0, NULL);
	if (cp)
		*cp = c;
	return 0;
}
