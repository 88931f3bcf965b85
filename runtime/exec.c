/*
 * exec.c — cx_exec: what each CCXML element does when a transition runs it.
 *
 * Conventions (cx_gen.h): an ES error while reading an attribute -> error.semantic and the
 * transition stops (CX_FAIL); an unknown connection/dialog/conference id -> error.semantic but
 * the transition goes on (CX_GO); platform failures (wrong state, unknown target…) are
 * ordinary error.* events queued at the back, and the transition goes on.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include "prov.h"

#define HAS(c, i) ((((c)->present) >> (i)) & 1u)

typedef struct cx_send {
	struct le le;
	cx_sess *sess;
	char id[CX_SUBID_SZ];
	char *target;
	char *name;
	cx_cval *fields;
	struct tmr tmr;
	int http;              /* targettype 'basichttp': target is a URL (curl.c); 2: 'dialog' */
} cx_send;

typedef struct cx_fetch {
	struct le le;
	char id[CX_SUBID_SZ];
	const cx_doc *doc;
	const cx_jsprogs *js;  /* type text/ecmascript: a program's init runs the script */
	char *uri;             /* the script's (its exceptions' place, cx_semantic) */
} cx_fetch;

/* Read attribute i as a string (NULL when absent). -1 when ToString threw. */
static int cx_exec__str(cx_sess *s, cx_elcall *c, int i, const char **out)
{
	*out = NULL;
	if (!HAS(c, i) || cx_is_undef(c->a[i]))
		return 0;
	*out = cx_rt_str(s->X, c->a[i]);
	return *out ? 0 : -1;
}

#define STR(i, var) \
	do { if (cx_exec__str(s, c, (i), &(var))) return cx_semantic(X, c->elem, c->line); } while (0)

static const char *cx_exec__tag(cx_elcall *c)
{
	return cx_elem_table[c->elem].tag;
}

/* The name of the session's document, for FILE:LINE in diagnostics. */
static const char *cx_exec__doc(const cx_sess *s)
{
	return s->doc && s->doc->name ? s->doc->name : "?";
}

/* uri (next, src, a basichttp target) against the element's xml:base (cx_gen.h el.base; in a
 * document fetched at run time, itself against the document's URL: its program is shared by
 * every URL with the same content): the resolved URI in *tmp (the caller's to free), or uri
 * itself without a base. */
static const char *cx_exec__rel(const cx_sess *s, const cx_elcall *c, const char *uri,
				char **tmp)
{
	const char *u = cx_doccomp_srcurl(s->eng, s->doc);
	char *b = NULL;
	int err;

	*tmp = NULL;
	if (!c->base || !uri || !*uri || (u && cx_docload_resolve(u, c->base, &b)))
		return uri;
	err = cx_docload_resolve(b ? b : c->base, uri, tmp);
	mem_deref(b);
	return err ? uri : *tmp;
}

static int cx_exec__unknown(cx_sess *s, cx_elcall *c, const char *what, const char *id)
{
	cx_sess_error_at(s, c->line, "error.semantic", cx_exec__tag(c), "unknown %s '%s'", what,
			 id ? id : "(none)");
	return CX_GO;
}

static void cx_exec__out(cx_sess *s, cx_elcall *c, const char *id)
{
	cx_value v = cx_str_cstr(s->X, id);

	if (cx_is_exc(v)) {
		cx_catch(s->X);
		v = CX_UNDEFINED;
	}
	c->out = v;
}

/* The namelist as a fresh object {name: value…} in the heap-neutral form. */
static cx_cval *cx_exec__namelist(cx_sess *s, cx_elcall *c)
{
	cx_value o = cx_obj_new(s->X);
	cx_cval *cv;
	int i;

	if (cx_is_exc(o)) {
		cx_catch(s->X);
		return NULL;
	}
	for (i = 0; i < c->nnames && c->names && c->vals; i++) {
		if (cx_define_cstr(s->X, o, c->names[i], c->vals[i], 0))
			cx_catch(s->X);
	}
	cv = cx_cval_from(s->X, o, CX_RT_COPY_DEPTH);
	return cv;
}

/* <dialogstart>: the namelist's variables and the enumerable properties of the object
 * `parameters` evaluates to (these win), one object in the heap-neutral form. */
static cx_cval *cx_exec__dlgvalues(cx_sess *s, cx_elcall *c)
{
	cx_ctx *X = s->X;
	cx_value o = cx_obj_new(X);

	if (cx_is_exc(o)) {
		cx_catch(X);
		return NULL;
	}
	for (int i = 0; i < c->nnames && c->names && c->vals; i++)
		if (cx_define_cstr(X, o, c->names[i], c->vals[i], 0))
			cx_catch(X);
	cx_value p = HAS(c, CX_A_dialogstart_parameters) ? c->a[CX_A_dialogstart_parameters] : CX_UNDEFINED;
	if (p.tag == CX_T_OBJ) {
		cx_value keys = cx_forin_keys(X, p);
		uint32_t n = cx_is_exc(keys) ? 0 : cx_arr_length(X, keys);
		for (uint32_t i = 0; i < n; i++) {
			cx_value k = cx_get(X, keys, cx_num((double)i));
			cx_value v = cx_is_exc(k) ? k : cx_get(X, p, k);
			if (cx_is_exc(v) || k.tag != CX_T_STR || cx_define(X, o, k.u.s, v, 0))
				cx_catch(X);
		}
		if (cx_is_exc(keys))
			cx_catch(X);
	}
	return cx_cval_from(X, o, CX_RT_COPY_DEPTH);
}

/* Section - log */

static void cx_exec__print(cx_sess *s, const char *label, const char *val)
{
	cx_engine *e = s->eng;

	if (e->logh) {
		e->logh(s->id, label, val, e->logarg);
		return;
	}
	/* one record per line: control characters (a newline first) are escaped */
	cx_log_doc(s->id, label, val);
}

static int cx_exec__log(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *expr, *label;

	STR(CX_A_log_expr, expr);
	STR(CX_A_log_label, label);
	cx_exec__print(s, label, expr ? expr : "undefined");
	return CX_GO;
}

/* Section - exit */

static int cx_exec__exit(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	if (HAS(c, CX_A_exit_expr)) {
		mem_deref(s->exit_expr);
		s->exit_expr = cx_cval_from(X, c->a[CX_A_exit_expr], CX_RT_COPY_DEPTH);
	}
	mem_deref(s->exit_values);
	/* the values go to the parent's ccxml.exit only: none is made for a session without one
	 * (a session started over HTTP or by a call) */
	s->exit_values = s->parent[0] ? cx_exec__namelist(s, c) : NULL;
	cx_sess_end(s, CX_END_EXIT);
	return CX_STOP;
}

/* Section - send / cancel */

/* A delayed send out of its session's list of pending ones (fired, cancelled or freed). */
static void cx_send__unlist(cx_send *sd)
{
	if (sd->le.list) {
		list_unlink(&sd->le);
		sd->sess->nsends--;
	}
}

static void cx_send__destroy(void *arg)
{
	cx_send *sd = arg;

	tmr_cancel(&sd->tmr);
	cx_send__unlist(sd);
	mem_deref(sd->target);
	mem_deref(sd->name);
	mem_deref(sd->fields);
}

#define CX_SEND__QFULL "the target session's event queue is full" /* cx_sess_room said no */

/* error.send.failed for a <send> refused by a limit: its target session's queue is full
 * (cx_sess_room), or too many delayed sends are pending. */
static void cx_send__full(cx_sess *from, const char *sendid, const char *reason)
{
	cx_ev *er = cx_ev_new(from, "error.send.failed");

	cx_ev_str(er, "sendid", sendid);
	cx_ev_str(er, "reason", reason);
	cx_ev_str(er, "tagname", "send");
	cx_sess_post(from, er);
}

/* Deliver a <send> to its target session; error.send.targetunavailable when it is gone,
 * error.send.failed when its queue is full. */
static void cx_send__deliver(cx_engine *e, cx_sess *from, const char *sendid, const char *target,
			     const char *name, const cx_cval *fields)
{
	cx_sess *to = cx_sess_find(e, target);
	cx_ev *ev;
	uint32_t i;

	if (to && !cx_sess_room(to, "a <send>")) {
		if (from)
			cx_send__full(from, sendid, CX_SEND__QFULL);
		return;
	}
	if (!to) {
		if (from) {
			cx_ev *er;
			cx_log(CX_LOG_WARN, from->id, "<send> to unknown session '%H'", cx_rt_esc,
			       target);
			er = cx_ev_new(from, "error.send.targetunavailable");
			cx_ev_str(er, "sendid", sendid);
			cx_ev_str(er, "reason", "no such session");
			cx_ev_str(er, "tagname", "send");
			cx_sess_post(from, er);
		}
		return;
	}
	ev = cx_ev_new(to, name);
	if (!ev)
		return;
	for (i = 0; fields && i < fields->nkids; i++)
		cx_ev_cval(ev, fields->keys[i], fields->kids[i]);
	cx_ev_str(ev, "sendid", sendid);
	mem_deref(ev->source);
	str_dup(&ev->source, from ? from->id : "unknown");
	ev->counted = 1;
	cx_sess_post(to, ev);
	/* CCXML 1.0 event I/O: the sender learns that the event reached its target's queue. */
	if (from) {
		cx_ev *ok = cx_ev_new(from, "send.successful");
		if (ok) {
			cx_ev_str(ok, "sendid", sendid);
			cx_sess_post(from, ok);
		}
	}
}

/* targettype 'dialog': to a VoiceXML dialog of this session (vxio.c cx_vx_event). */
static void cx_send__dialog(cx_sess *s, const char *sendid, const char *target, const char *name,
			    const cx_cval *fields)
{
	cx_dlg *d = cx_dlg_find(s, target);
	cx_ev *ev;
	int ok = d && !d->exited && d->vx;

	if (!ok) {
		cx_log(CX_LOG_WARN, s->id, "<send> to dialog '%H': %s", cx_rt_esc, target,
		       !d ? "no such dialog" : d->exited ? "it has exited" : "not a VoiceXML dialog");
		ev = cx_ev_new(s, "error.send.targetunavailable");
		cx_ev_str(ev, "reason", !d ? "no such dialog" : d->exited ? "the dialog has exited" :
			  "the dialog is not a VoiceXML dialog");
	} else {
		cx_vx_event(d->vx, name, fields);
		ev = cx_ev_new(s, "send.successful");
	}
	if (!ev)
		return;
	cx_ev_str(ev, "sendid", sendid);
	if (!ok)
		cx_ev_str(ev, "tagname", "send");
	cx_sess_post(s, ev);
}

/* basichttp: POST the event to a URL; send.successful / error.send.failed come later. */
static void cx_send__http(cx_sess *s, const char *sendid, const char *url, const char *name,
			  const cx_cval *fields)
{
	int err = cx_curl_post(s->eng, s->id, sendid, url, name, fields);
	cx_ev *er;

	if (!err)
		return;
	cx_log(CX_LOG_WARN, s->id, "<send> %s to '%H': %s", sendid, cx_rt_escurl, url,
		err == EINVAL ? "target is not an http:// or https:// URL" :
		err == EBUSY ? "too many HTTP transfers in flight" : strerror(err));
	er = cx_ev_new(s, err == EINVAL ? "error.send.targetunavailable" : "error.send.failed");
	cx_ev_str(er, "sendid", sendid);
	cx_ev_str(er, "reason", err == EINVAL ? "target is not an http(s) URL" :
		  err == EBUSY ? "too many HTTP transfers in flight" : strerror(err));
	cx_ev_str(er, "tagname", "send");
	cx_sess_post(s, er);
}

static void cx_send__timer(void *arg)
{
	cx_send *sd = arg;
	cx_sess *s = sd->sess;

	cx_send__unlist(sd);
	if (sd->http == 2)
		cx_send__dialog(s, sd->id, sd->target, sd->name, sd->fields);
	else if (sd->http)
		cx_send__http(s, sd->id, sd->target, sd->name, sd->fields);
	else
		cx_send__deliver(s->eng, s, sd->id, sd->target, sd->name, sd->fields);
	mem_deref(sd);
}

/* The <send>'s name checked, its number taken (s->nsend) and its id given to its sendid
 * attribute's location; the id also in sendid (CX_SUBID_SZ bytes) unless NULL.
 * 0, or CX_FAIL after error.semantic. */
static int cx_send__id(cx_ctx *X, cx_sess *s, cx_elcall *c, const char *name, char *sendid)
{
	char own[CX_SUBID_SZ];

	if (!name || !*name) {
		cx_throw_error(X, "TypeError", "<send> needs an event name");
		return cx_semantic(X, c->elem, c->line);
	}
	++s->nsend;
	if (!sendid && !HAS(c, CX_A_send_sendid))
		return 0;
	if (!sendid)
		sendid = own;
	cx_rt_id(sendid, CX_SUBID_SZ, s->id, ".send", s->nsend);
	if (HAS(c, CX_A_send_sendid))
		cx_exec__out(s, c, sendid);
	return 0;
}

/* A <send> without delay nor targettype to this session itself (target the string of its id):
 * no lookup of the target, and the events keep their fields in C until event$ is read. */
static int cx_send__self(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *name;
	const void *nkey = NULL;
	char nb[64];
	int rc;
	cx_ev *ev;

	/* the usual name, a short ASCII string: no copy in the heap; a literal of the program
	 * names it for selection's cache (cx_ev.nkey) */
	if (HAS(c, CX_A_send_name) && cx_is_str(c->a[CX_A_send_name]) &&
	    cx_str_to_ascii(c->a[CX_A_send_name].u.s, nb, sizeof(nb))) {
		name = nb;
		if (cx_str_is_static(c->a[CX_A_send_name].u.s))
			nkey = c->a[CX_A_send_name].u.s;
	} else
		STR(CX_A_send_name, name);
	if ((rc = cx_send__id(X, s, c, name, NULL)))
		return rc;
	if (!cx_sess_room(s, "a <send>")) {
		char sendid[CX_SUBID_SZ];
		cx_rt_id(sendid, sizeof(sendid), s->id, ".send", s->nsend);
		cx_send__full(s, sendid, CX_SEND__QFULL);
		return CX_GO;
	}
	ev = cx_ev_new_lazy(s, name, c->nnames ? cx_exec__namelist(s, c) : NULL, s->nsend);
	if (ev && !s->ending) {
		/* CCXML 1.0 event I/O: the sender learns that the event reached its target's
		 * queue: a send.successful right behind it, which the step makes when it takes
		 * this event unless nothing could select it (the usual case: no block, no queue) */
		ev->nkey = nkey;
		ev->trail = s->nsend;
		ev->counted = 1;
		cx_sess_post(s, ev);
		return CX_GO;
	}
	cx_sess_post(s, ev);
	cx_sess_post(s, cx_ev_sent_new(s, s->nsend));
	return CX_GO;
}

static int cx_exec__send(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *target, *ttype, *name, *delay;
	char sendid[CX_SUBID_SZ], *tgt = NULL;
	uint64_t ms = 0;
	cx_cval *fields;
	cx_send *sd;
	int http = 0, rc;

	if (HAS(c, CX_A_send_target) && cx_is_str(c->a[CX_A_send_target]) &&
	    (!HAS(c, CX_A_send_targettype) || cx_is_undef(c->a[CX_A_send_targettype])) &&
	    (!HAS(c, CX_A_send_delay) || cx_is_undef(c->a[CX_A_send_delay])) &&
	    cx_str_eq_ascii(c->a[CX_A_send_target].u.s, s->id))
		return cx_send__self(X, s, c);
	STR(CX_A_send_target, target);
	STR(CX_A_send_targettype, ttype);
	STR(CX_A_send_name, name);
	STR(CX_A_send_delay, delay);
	if (delay && cx_rt_time(delay, &ms)) {
		cx_throw_error(X, "SyntaxError", "bad CSS2 time '%s' in <send delay>", delay);
		return cx_semantic(X, c->elem, c->line);
	}
	if ((rc = cx_send__id(X, s, c, name, sendid)))
		return rc;
	if (ttype && !strcasecmp(ttype, "basichttp"))
		http = 1;
	else if (ttype && !strcasecmp(ttype, "dialog"))
		http = 2;
	else if (ttype && strcasecmp(ttype, "ccxml")) {
		cx_ev *er = cx_ev_new(s, "error.send.targettypeinvalid");
		cx_log(CX_LOG_WARN, s->id, "<send> targettype '%H' is not available", cx_rt_esc,
		       ttype);
		cx_ev_str(er, "sendid", sendid);
		cx_ev_str(er, "reason", "unsupported targettype");
		cx_ev_str(er, "tagname", "send");
		cx_sess_post(s, er);
		return CX_GO;
	}
	if (delay && ms && s->nsends >= s->eng->max_queue) {
		/* as many delayed sends pending as events may be queued: each would be one */
		char why[48];
		snprintf(why, sizeof(why), "%u delayed sends pending", s->nsends);
		cx_sess_refused(s, why, "a <send delay>");
		cx_send__full(s, sendid, "too many delayed sends pending");
		return CX_GO;
	}
	fields = cx_exec__namelist(s, c);
	if (http == 1) /* a URL relative to the element's xml:base */
		target = cx_exec__rel(s, c, target, &tgt);
	if (!delay || ms == 0) {
		/* immediate: to the back of the target's queue (also when it is this session) */
		if (http == 2)
			cx_send__dialog(s, sendid, target ? target : "", name, fields);
		else if (http)
			cx_send__http(s, sendid, target ? target : "", name, fields);
		else
			cx_send__deliver(s->eng, s, sendid, target ? target : "", name, fields);
		mem_deref(fields);
		mem_deref(tgt);
		return CX_GO;
	}
	sd = mem_zalloc(sizeof(*sd), cx_send__destroy);
	if (!sd || str_dup(&sd->target, target ? target : "") || str_dup(&sd->name, name)) {
		mem_deref(sd);
		mem_deref(fields);
		mem_deref(tgt);
		cx_sess_error_at(s, c->line, "error.send.failed", "send", "out of memory");
		return CX_GO;
	}
	mem_deref(tgt);
	sd->sess = s;
	sd->fields = fields;
	sd->http = http;
	snprintf(sd->id, sizeof(sd->id), "%s", sendid);
	tmr_init(&sd->tmr);
	list_append(&s->sends, &sd->le, sd);
	s->nsends++;
	tmr_start(&sd->tmr, ms, cx_send__timer, sd);
	return CX_GO;
}

static int cx_exec__cancel(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *id;
	struct le *le;
	cx_ev *er;

	STR(CX_A_cancel_sendid, id);
	LIST_FOREACH(&s->sends, le) {
		cx_send *sd = le->data;
		if (id && !strcmp(sd->id, id)) {
			mem_deref(sd);
			return CX_GO;
		}
	}
	er = cx_ev_new(s, "error.notallowed");
	cx_ev_str(er, "sendid", id);
	cx_ev_str(er, "reason", "no pending <send> with this id (unknown or already sent)");
	cx_ev_str(er, "tagname", "cancel");
	cx_sess_post(s, er);
	return CX_GO;
}

/* Section - connections */

static void cx_exec__wrongstate(cx_sess *s, cx_elcall *c, cx_conn *cn)
{
	cx_ev *er;

	fprintf(stderr, "ccxml: session %s: %s:%d: <%s> on connection %s in state %s\n", s->id,
		cx_exec__doc(s), c->line, cx_exec__tag(c), cn->id, cn->state);
	er = cx_ev_new(s, "error.connection.wrongstate");
	cx_ev_str(er, "connectionid", cn->id);
	cx_ev_str(er, "reason", cn->state);
	cx_ev_str(er, "tagname", cx_exec__tag(c));
	cx_sess_post(s, er);
}

/* The connection named by attribute i, or event$.connectionid. NULL: error already raised. */
static cx_conn *cx_exec__conn(cx_sess *s, cx_elcall *c, const char *id)
{
	cx_conn *cn;

	if (!id)
		id = cx_sess_evconn(s);
	cn = id ? cx_conn_find(s, id) : NULL;
	if (!cn)
		cx_exec__unknown(s, c, "connection", id);
	return cn;
}

/* The element's hints attribute (index i) as a checked copy in *out (NULL when absent);
 * -1 after error.semantic (bad hints.headers or hints.pai: docs/sip.md). */
static int cx_exec__hints(cx_ctx *X, cx_sess *s, cx_elcall *c, int i, cx_cval **out)
{
	char em[200];

	*out = NULL;
	if (!HAS(c, i) || cx_is_undef(c->a[i]))
		return 0;
	*out = cx_cval_from(X, c->a[i], CX_RT_COPY_DEPTH);
	if (*out && cx_siphdr_check(*out, em, sizeof(em))) {
		*out = mem_deref(*out);
		cx_throw_error(X, "TypeError", "<%s>: %s", cx_exec__tag(c), em);
		return -1;
	}
	return 0;
}

static int cx_exec__known(cx_sess *s, const char *id);

static int cx_exec__createcall(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	cx_cval *hints;
	const char *dest, *aai, *callerid, *timeout, *joinid, *joindir;
	uint64_t ms = 60000;
	cx_engine *e = s->eng;
	cx_conn *cn;
	int err, room;

	STR(CX_A_createcall_dest, dest);
	STR(CX_A_createcall_aai, aai);
	STR(CX_A_createcall_callerid, callerid);
	STR(CX_A_createcall_timeout, timeout);
	STR(CX_A_createcall_joinid, joinid);
	STR(CX_A_createcall_joindirection, joindir);
	if (joindir && strcmp(joindir, "both") && strcmp(joindir, "calltransmit") &&
	    strcmp(joindir, "callreceive")) {
		cx_throw_error(X, "SyntaxError", "<createcall joindirection> '%s' is not 'both', "
			       "'calltransmit' or 'callreceive'", joindir);
		return cx_semantic(X, c->elem, c->line);
	}
	if (joinid && !cx_exec__known(s, joinid)) {
		cx_throw_error(X, "SyntaxError", "<createcall joinid> '%s' is no connection, "
			       "conference or dialog of this session", joinid);
		return cx_semantic(X, c->elem, c->line);
	}
	if (timeout && cx_rt_time(timeout, &ms)) {
		cx_throw_error(X, "SyntaxError", "bad CSS2 time '%s' in <createcall timeout>", timeout);
		return cx_semantic(X, c->elem, c->line);
	}
	if (cx_exec__hints(X, s, c, CX_A_createcall_hints, &hints))
		return cx_semantic(X, c->elem, c->line);
	room = cx_conn_room(e, 0, dest);
	cn = cx_conn_add(s, 0, "PROGRESSING");
	if (!cn) {
		mem_deref(hints);
		cx_sess_error_at(s, c->line, "error.semantic", "createcall", "out of memory");
		return CX_FAIL;
	}
	str_dup(&cn->remote, dest ? dest : "");
	str_dup(&cn->local, callerid ? callerid : "ccxml");
	if (aai)
		str_dup(&cn->aai, aai);
	str_dup(&cn->callerid, callerid ? callerid : "");
	cn->hints = hints;
	cn->timeout_ms = (uint32_t)(ms > 0xffffffffu ? 0xffffffffu : ms);
	if (joinid) {
		str_dup(&cn->joinid, joinid);
		cn->joindir = !joindir || !strcmp(joindir, "both") ? 0 :
			      !strcmp(joindir, "calltransmit") ? 1 : 2;
		cn->joinline = c->line;
	}
	if (HAS(c, CX_A_createcall_connectionid))
		cx_exec__out(s, c, cn->id);
	if (!room) { /* like any failed call (a record, connection.failed), with no INVITE */
		char why[96];
		snprintf(why, sizeof(why), "cannot place the call: the limit of %u calls at a time "
			 "is reached", e->max_calls);
		cx_rt_conn_pev(cn, CX_PEV_FAILED, &(cx_pev_info){.reason = why,
							 .outcome = "refused"});
		return CX_GO;
	}
	err = cx_pace_createcall(e, cn, dest ? dest : "");
	if (err)
		cx_pace_failed(e, cn, err);
	return CX_GO;
}

static int cx_exec__conncall(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *id = NULL, *reason = NULL, *dest = NULL;
	cx_engine *e = s->eng;
	cx_cval *hints = NULL;
	cx_conn *cn;
	int err = ENOSYS, hi;

	switch (c->elem) {
	case CX_E_accept:
		STR(CX_A_accept_connectionid, id);
		break;
	case CX_E_reject:
		STR(CX_A_reject_connectionid, id);
		STR(CX_A_reject_reason, reason);
		break;
	case CX_E_redirect:
		STR(CX_A_redirect_connectionid, id);
		STR(CX_A_redirect_reason, reason);
		STR(CX_A_redirect_dest, dest);
		break;
	default:
		STR(CX_A_disconnect_connectionid, id);
		STR(CX_A_disconnect_reason, reason);
		break;
	}
	hi = c->elem == CX_E_accept ? CX_A_accept_hints : c->elem == CX_E_reject ? CX_A_reject_hints :
		c->elem == CX_E_redirect ? CX_A_redirect_hints : CX_A_disconnect_hints;
	if (cx_exec__hints(X, s, c, hi, &hints))
		return cx_semantic(X, c->elem, c->line);
	cn = cx_exec__conn(s, c, id);
	if (!cn) {
		mem_deref(hints);
		return CX_GO;
	}
	mem_deref(cn->hints);
	cn->hints = hints;
	switch (c->elem) {
	case CX_E_accept:
		if (strcmp(cn->state, "ALERTING"))
			break;
		err = e->prov && e->prov->accept ? e->prov->accept(e, cn) : 0;
		if (!e->prov || !e->prov->accept)
			cx_rt_conn_pev(cn, CX_PEV_CONNECTED, NULL);
		if (err)
			cx_rt_conn_pev(cn, CX_PEV_ACCEPT_FAILED, &(cx_pev_info){
				.reason = "provider"});
		return CX_GO;
	case CX_E_reject:
		if (strcmp(cn->state, "ALERTING"))
			break;
		err = e->prov && e->prov->reject ? e->prov->reject(e, cn, reason) : 0;
		if (!e->prov || !e->prov->reject)
			cx_rt_conn_pev(cn, CX_PEV_FAILED, &(cx_pev_info){
				.reason = reason ? reason : "rejected"});
		if (err)
			cx_rt_conn_pev(cn, CX_PEV_REJECT_FAILED, &(cx_pev_info){
				.reason = "provider"});
		return CX_GO;
	case CX_E_redirect:
		if (strcmp(cn->state, "ALERTING") && strcmp(cn->state, "CONNECTED"))
			break;
		str_dup(&cn->redirect, dest ? dest : "");
		err = e->prov && e->prov->redirect ? e->prov->redirect(e, cn, dest, reason) : 0;
		if (!e->prov || !e->prov->redirect)
			cx_rt_conn_pev(cn, CX_PEV_REDIRECTED, &(cx_pev_info){.reason = reason});
		if (err)
			cx_rt_conn_pev(cn, CX_PEV_REDIRECT_FAILED, &(cx_pev_info){
				.reason = "provider"});
		return CX_GO;
	default:
		if (strcmp(cn->state, "CONNECTED") && strcmp(cn->state, "PROGRESSING") &&
		    strcmp(cn->state, "ALERTING"))
			break;
		err = e->prov && e->prov->disconnect ? e->prov->disconnect(e, cn, reason) : 0;
		if (!e->prov || !e->prov->disconnect || err)
			cx_rt_conn_pev(cn, CX_PEV_DISCONNECTED, &(cx_pev_info){
				.reason = reason ? reason : "disconnect", .trigger = "local"});
		return CX_GO;
	}
	cx_exec__wrongstate(s, c, cn);
	return CX_GO;
}

/* connection.merge.failed on a, with both ids (connectionid1/2) and the reason. */
static void cx_exec__mergefail(cx_conn *a, const char *id1, const char *id2, const char *why)
{
	cx_rt_conn_pev(a, CX_PEV_MERGE_FAILED, &(cx_pev_info){.reason = why, .id1 = id1,
							      .id2 = id2});
}

static int cx_exec__merge(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	cx_engine *e = s->eng;
	const char *id1, *id2, *why = NULL;
	cx_conn *a, *b;
	int err;

	STR(CX_A_merge_connectionid1, id1);
	STR(CX_A_merge_connectionid2, id2);
	a = id1 ? cx_conn_find(s, id1) : NULL;
	b = id2 ? cx_conn_find(s, id2) : NULL;
	if (!a)
		return cx_exec__unknown(s, c, "connection", id1);
	if (!b)
		return cx_exec__unknown(s, c, "connection", id2);
	if (a == b) {
		cx_exec__mergefail(a, id1, id2, "a connection cannot be merged with itself");
		return CX_GO;
	}
	if (strcmp(a->state, "CONNECTED") || strcmp(b->state, "CONNECTED")) {
		cx_exec__mergefail(a, id1, id2, "both connections must be CONNECTED");
		return CX_GO;
	}
	/* The provider bridges the two calls out of the session and queues connection.merged on
	 * both (docs/decisions.md); one that cannot refuses, and the calls stay as they were. */
	if (!e->prov || !e->prov->merge) {
		cx_exec__mergefail(a, id1, id2, "unsupported: this provider cannot merge calls (a "
				   "<join> of the two connections bridges them)");
		return CX_GO;
	}
	err = e->prov->merge(e, a, b, &why);
	if (err)
		cx_exec__mergefail(a, id1, id2, why ? why : strerror(err));
	return CX_GO;
}

/* Section - conferences and joins */

static int cx_exec__known(cx_sess *s, const char *id)
{
	return id && (cx_conn_find(s, id) || cx_dlg_find(s, id) || cx_conf_find(s, id));
}

static void cx_exec__confev(cx_sess *s, const char *name, const char *confid, const char *id1,
			    const char *id2)
{
	cx_ev *ev = cx_ev_new(s, name);

	cx_ev_str(ev, "conferenceid", confid);
	if (id1)
		cx_ev_str(ev, "id1", id1);
	if (id2)
		cx_ev_str(ev, "id2", id2);
	cx_sess_post(s, ev);
}

/* The REC's defaults of <join>'s media options (all "true"), with our reading of entertone and
 * exittone: the platform's tone on a join with a conference, none between two calls
 * (docs/decisions.md). */
static void cx_exec__joindef(cx_sess *s, const char *id1, const char *id2, cx_joinopt *o)
{
	int conf = cx_conf_find(s, id1) || cx_conf_find(s, id2);

	o->entertone = o->exittone = conf ? "" : NULL;
	o->agcin = o->agcout = o->dtmfclamp = o->toneclamp = 1;
}

/* <join>'s entertone, exittone, autoinputgain, autooutputgain, dtmfclamp, toneclamp over the
 * defaults: 'true' or 'false' (a boolean gives its string), a tone also a media src. A bad value
 * throws a SyntaxError naming the attribute (error.semantic) and returns -1. */
static int cx_exec__joinopt(cx_ctx *X, cx_sess *s, cx_elcall *c, cx_joinopt *o)
{
	static const struct { int a; const char *name; } tab[] = {
		{CX_A_join_entertone, "entertone"}, {CX_A_join_exittone, "exittone"},
		{CX_A_join_autoinputgain, "autoinputgain"},
		{CX_A_join_autooutputgain, "autooutputgain"},
		{CX_A_join_dtmfclamp, "dtmfclamp"}, {CX_A_join_toneclamp, "toneclamp"}};
	int *flags[] = {NULL, NULL, &o->agcin, &o->agcout, &o->dtmfclamp, &o->toneclamp};
	const char **tones[] = {&o->entertone, &o->exittone};
	const char *v = NULL;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (cx_exec__str(s, c, tab[i].a, &v))
			return -1;
		if (!v)
			continue;
		if (i < 2) { /* "true": the platform's tone (""), "false": none, else a src */
			if (!*v)
				break;
			*tones[i] = !strcmp(v, "false") ? NULL : !strcmp(v, "true") ? "" : v;
			continue;
		}
		if (strcmp(v, "true") && strcmp(v, "false"))
			break;
		*flags[i] = !strcmp(v, "true");
		if (i == 5)
			cx_log(CX_LOG_WARN, s->id, "%s:%u: <join toneclamp> has no effect: tones other "
			       "than DTMF are not detected in the audio (RFC 4733 tone events are never "
			       "relayed)", cx_exec__doc(s), c->line);
	}
	if (i == sizeof(tab) / sizeof(tab[0]))
		return 0;
	cx_throw_error(X, "SyntaxError", "<join %s> '%s' is not 'true' or 'false'%s", tab[i].name,
		       v, i < 2 ? " or the URI of a WAV file" : "");
	return -1;
}

/* <join> (j) or <unjoin> of id1 and id2 through the provider: conference.joined/unjoined, or
 * error.conference.join/unjoin with the provider's reason. o: a join's options. */
static void cx_exec__dojoin(cx_sess *s, uint32_t line, int j, const char *id1, const char *id2,
			    int full, const cx_joinopt *o)
{
	cx_engine *e = s->eng;
	const cx_prov *pv = e->prov;
	int err = 0;

	if (j && pv && pv->join)
		err = pv->join(e, s, id1, id2, full, o);
	else if (!j && pv && pv->unjoin)
		err = pv->unjoin(e, s, id1, id2);
	if (err) {
		cx_sess_error_at(s, line, j ? "error.conference.join" : "error.conference.unjoin",
				 j ? "join" : "unjoin", "cannot %s %s and %s: %s", j ? "join" : "unjoin",
				 id1, id2, strerror(err));
		return;
	}
	cx_exec__confev(s, j ? "conference.joined" : "conference.unjoined",
			cx_conf_find(s, id1) ? id1 : cx_conf_find(s, id2) ? id2 : NULL, id1, id2);
	if (j) { /* a VoiceXML transfer's far end answered: its transferaudio ends (vxio.c) */
		cx_vxio_joined(s, id1);
		cx_vxio_joined(s, id2);
	}
}

/* A <join> waiting for its http(s) tones to be fetched (prompt.c) before it is done */
typedef struct cx_joinwait {
	char sessid[CX_SESS_IDSZ];
	char *id1, *id2, *tone[2];
	cx_joinopt o;
	int full, left;
	uint32_t line;
	char why[300];
} cx_joinwait;

static void cx_joinwait__destroy(void *arg)
{
	cx_joinwait *w = arg;

	mem_deref(w->id1);
	mem_deref(w->id2);
	mem_deref(w->tone[0]);
	mem_deref(w->tone[1]);
}

static void cx_exec__jointone(cx_engine *e, const char *why, void *arg)
{
	cx_joinwait *w = arg;
	cx_sess *s;
	int k;

	for (k = 0; why && !w->why[0] && k < 2; k++)
		if (w->tone[k] && cx_prompt_is_web(w->tone[k]) && !cx_prompt_file(w->tone[k]))
			snprintf(w->why, sizeof(w->why), "%s %s: %s", k ? "exittone" : "entertone",
				 w->tone[k], why);
	if (--w->left > 0)
		return;
	s = cx_sess_find(e, w->sessid);
	if (!s || s->ending)
		return;
	if (w->why[0])
		cx_sess_error_at(s, w->line, "error.conference.join", "join",
				 "cannot join %s and %s: %s", w->id1, w->id2, w->why);
	else
		cx_exec__dojoin(s, w->line, 1, w->id1, w->id2, w->full, &w->o);
	cx_engine_kick(e);
}

/* A join whose entertone/exittone is an http(s) WAV: done once they are fetched (1), or at
 * once (0) when none is or both are kept fresh. The join's error when one cannot be had is
 * error.conference.join, as for a local file that cannot be read. */
static int cx_exec__joinlater(cx_sess *s, uint32_t line, const char *id1, const char *id2,
			      int full, const cx_joinopt *o)
{
	const char *t[2] = {o->entertone, o->exittone};
	cx_joinwait *w;
	int k, err = 0;

	if (!cx_prompt_is_web(t[0]) && !cx_prompt_is_web(t[1]))
		return 0;
	w = mem_zalloc(sizeof(*w), cx_joinwait__destroy);
	if (!w || str_dup(&w->id1, id1) || str_dup(&w->id2, id2) ||
	    (t[0] && str_dup(&w->tone[0], t[0])) || (t[1] && str_dup(&w->tone[1], t[1]))) {
		mem_deref(w);
		return 0;  /* the join goes on, and its tone fails to load */
	}
	snprintf(w->sessid, sizeof(w->sessid), "%s", s->id);
	w->o = *o;
	w->o.entertone = w->tone[0];
	w->o.exittone = w->tone[1];
	w->full = full;
	w->line = line;
	w->left = 1;  /* this call's, dropped below: the join runs once every fetch is told */
	for (k = 0; k < 2; k++) {
		if (!cx_prompt_is_web(t[k]) || (k && t[0] && !strcmp(t[0], t[1])))
			continue;
		w->left++;
		err = cx_prompt_want(s->eng, t[k], cx_exec__jointone, w);
		if (err == EINPROGRESS)
			continue;
		w->left--;
		if (err && !w->why[0])
			snprintf(w->why, sizeof(w->why), "%s %s: %s", k ? "exittone" : "entertone",
				 t[k], strerror(err));
	}
	cx_exec__jointone(s->eng, NULL, w);  /* joins now when nothing is being fetched */
	mem_deref(w);
	return 1;
}

static void cx_conf__destroy(void *arg)
{
	cx_conf *f = arg;

	list_unlink(&f->le);
	mem_deref(f->name);
	mem_deref(f->pd);
}

static int cx_exec__conf(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *id1, *id2, *name, *duplex = NULL;
	cx_joinopt o = {0};
	cx_engine *e = s->eng;
	const cx_prov *pv = e->prov;
	cx_conf *f;
	int err = 0;

	switch (c->elem) {
	case CX_E_createconference:
		STR(CX_A_createconference_confname, name);
		f = mem_zalloc(sizeof(*f), cx_conf__destroy);
		if (!f)
			return CX_GO;
		f->sess = s;
		snprintf(f->id, sizeof(f->id), "f%u", ++s->nconf);
		if (name)
			str_dup(&f->name, name);
		list_append(&s->confs, &f->le, f);
		/* the provider's mixer (if any) comes first: no conference id without one */
		if (pv && pv->createconference && (err = pv->createconference(e, f))) {
			cx_sess_error_at(s, c->line, "error.conference.create", "createconference",
					 "cannot create a conference: %s", strerror(err));
			mem_deref(f);
			return CX_GO;
		}
		cx_exec__out(s, c, f->id);
		cx_exec__confev(s, "conference.created", f->id, NULL, NULL);
		return CX_GO;
	case CX_E_destroyconference:
		STR(CX_A_destroyconference_conferenceid, id1);
		f = id1 ? cx_conf_find(s, id1) : NULL;
		if (!f)
			return cx_exec__unknown(s, c, "conference", id1);
		if (pv && pv->destroyconference)
			(void)pv->destroyconference(e, f); /* the mixer goes with f in any case */
		cx_exec__confev(s, "conference.destroyed", f->id, NULL, NULL);
		mem_deref(f);
		return CX_GO;
	case CX_E_join:
		STR(CX_A_join_id1, id1);
		STR(CX_A_join_id2, id2);
		STR(CX_A_join_duplex, duplex);
		break;
	default:
		STR(CX_A_unjoin_id1, id1);
		STR(CX_A_unjoin_id2, id2);
		break;
	}
	if (!cx_exec__known(s, id1))
		return cx_exec__unknown(s, c, "id", id1);
	if (!cx_exec__known(s, id2))
		return cx_exec__unknown(s, c, "id", id2);
	if (c->elem == CX_E_join) {
		cx_exec__joindef(s, id1, id2, &o);
		if (cx_exec__joinopt(X, s, c, &o))
			return cx_semantic(X, c->elem, c->line);
		if (cx_exec__joinlater(s, c->line, id1, id2, !duplex || str_casecmp(duplex, "half"),
				       &o))
			return CX_GO;
	}
	cx_exec__dojoin(s, c->line, c->elem == CX_E_join, id1, id2,
			!duplex || str_casecmp(duplex, "half"), &o);
	return CX_GO;
}

void cx_rt_joinid(cx_sess *s, cx_conn *c)
{
	char *id = c->joinid;
	const char *id1 = c->joindir == 2 ? c->id : id, *id2 = c->joindir == 2 ? id : c->id;

	c->joinid = NULL;
	if (!cx_exec__known(s, id))
		cx_sess_error_at(s, c->joinline, "error.conference.join", "createcall",
				 "cannot join %s to %s: %s is gone", c->id, id, id);
	else {
		cx_joinopt o;
		cx_exec__joindef(s, id1, id2, &o);
		cx_exec__dojoin(s, c->joinline, 1, id1, id2, c->joindir == 0, &o);
	}
	mem_deref(id);
}

/* Section - dialogs */

/* Does the conference or connection a dialog element names exist? If not, error.semantic
 * naming it is queued (the element then does nothing). *cnp: the connection found. */
static bool cx_exec__dlg_on(cx_sess *s, cx_elcall *c, const char *connid, const char *confid,
			    cx_conn **cnp)
{
	if (confid && !cx_conf_find(s, confid))
		return cx_exec__unknown(s, c, "conference", confid), false;
	if (!confid && connid && !(*cnp = cx_conn_find(s, connid)))
		return cx_exec__unknown(s, c, "connection", connid), false;
	return true;
}

static int cx_exec__dialog(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *src = NULL, *type = NULL, *connid = NULL, *confid = NULL, *prep = NULL;
	int start = c->elem == CX_E_dialogstart;
	cx_engine *e = s->eng;
	cx_conn *cn = NULL;
	cx_dlg *d;
	int err;

	if (start) {
		STR(CX_A_dialogstart_src, src);
		STR(CX_A_dialogstart_prepareddialogid, prep);
		STR(CX_A_dialogstart_type, type);
		STR(CX_A_dialogstart_connectionid, connid);
		STR(CX_A_dialogstart_conferenceid, confid);
	}
	else {
		STR(CX_A_dialogprepare_src, src);
		STR(CX_A_dialogprepare_type, type);
		STR(CX_A_dialogprepare_connectionid, connid);
		STR(CX_A_dialogprepare_conferenceid, confid);
	}
	if (prep) {
		d = cx_dlg_find(s, prep);
		if (!d)
			return cx_exec__unknown(s, c, "prepared dialog", prep);
		if (strcmp(d->state, "PREPARED") && strcmp(d->state, "PREPARING")) {
			cx_rt_dlg_pev(d, CX_PEV_DLG_NOTSTARTED, "dialog is not prepared");
			return CX_GO;
		}
		/* A dialog prepared without a connection or conference is bound to the one
		 * <dialogstart> names; one prepared on another cannot be moved. */
		if (connid || confid) {
			const char *had = d->connid[0] ? d->connid : d->confid[0] ? d->confid : NULL;
			const char *now = connid ? connid : confid;
			if (had && strcmp(had, now)) {
				cx_throw_error(X, "TypeError", "<dialogstart> names '%s', but dialog %s "
					       "was prepared on '%s'", now, d->id, had);
				return cx_semantic(X, c->elem, c->line);
			}
			if (!cx_exec__dlg_on(s, c, connid, confid, &cn))
				return CX_GO;
			if (!had)
				snprintf(connid ? d->connid : d->confid,
					 connid ? sizeof(d->connid) : sizeof(d->confid), "%s", now);
		}
	}
	else {
		if (!src) {
			cx_throw_error(X, "TypeError", "<%s> needs src", cx_exec__tag(c));
			return cx_semantic(X, c->elem, c->line);
		}
		if (!confid && !connid)
			connid = cx_sess_evconn(s);
		if (!cx_exec__dlg_on(s, c, connid, confid, &cn))
			return CX_GO;
		d = cx_dlg_add(s);
		if (!d)
			return CX_GO;
		if (c->base) { /* relative to the element's xml:base */
			char *rs = NULL;
			src = cx_exec__rel(s, c, src, &rs);
			str_dup(&d->src, src);
			mem_deref(rs);
		}
		else
			str_dup(&d->src, src);
		str_dup(&d->type, type ? type : "application/voicexml+xml");
		if (cn)
			snprintf(d->connid, sizeof(d->connid), "%s", cn->id);
		if (confid)
			snprintf(d->confid, sizeof(d->confid), "%s", confid);
	}
	if (start) {
		if (HAS(c, CX_A_dialogstart_dialogid))
			cx_exec__out(s, c, d->id);
		if (c->nnames || HAS(c, CX_A_dialogstart_parameters)) {
			/* a VoiceXML dialog's session.connection.ccxml.values (vxml.c) */
			mem_deref(d->values);
			d->values = cx_exec__dlgvalues(s, c);
		}
	}
	else if (HAS(c, CX_A_dialogprepare_dialogid))
		cx_exec__out(s, c, d->id);
	if (d->connid[0] && (cn = cx_conn_find(s, d->connid)))
		snprintf(cn->dialogid, sizeof(cn->dialogid), "%s", d->id);
	if (!start && (err = cx_vxf_dialog(e, d)) != ENOENT) { /* fetched VoiceXML (vxfetch.c) */
		if (err)
			cx_rt_dlg_pev(d, CX_PEV_DLG_NOTPREPARED, "cannot prepare this dialog");
		return CX_GO;
	}
	if (!start) {
		err = e->prov && e->prov->dialogprepare ? e->prov->dialogprepare(e, d) : 0;
		if (err)
			cx_rt_dlg_pev(d, CX_PEV_DLG_NOTPREPARED, "cannot prepare this dialog");
		else if (!e->prov || !e->prov->dialogprepare)
			cx_rt_dlg_pev(d, CX_PEV_DLG_PREPARED, NULL);
		return CX_GO;
	}
	d->started = 1;
	err = cx_vxf_dialog(e, d); /* VoiceXML not compiled in: once loaded (vxfetch.c) */
	if (err == ENOENT)
		err = cx_prompt_dialogstart(e, d); /* a web prompt: once it is fetched (prompt.c) */
	if (err) {
		re_fprintf(stderr, "ccxml: session %s: %s:%d: dialog '%H' cannot start: %s\n", s->id,
			   cx_exec__doc(s), c->line, cx_rt_esc, d->src ? d->src : "", strerror(err));
		cx_rt_dlg_pev(d, CX_PEV_DLG_NOTSTARTED, err == ENOENT ? "media not found" :
			      err == EACCES ? "media path outside --media-root (absolute, '..' or "
			      "a symlink out of it)" : "cannot start this dialog");
	}
	return CX_GO;
}

static int cx_exec__dialogterminate(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *id;
	cx_engine *e = s->eng;
	cx_dlg *d;
	int imm = 0;

	STR(CX_A_dialogterminate_dialogid, id);
	if (HAS(c, CX_A_dialogterminate_immediate))
		imm = cx_truthy(c->a[CX_A_dialogterminate_immediate]);
	d = id ? cx_dlg_find(s, id) : NULL;
	if (!d)
		return cx_exec__unknown(s, c, "dialog", id);
	if (d->exited) {
		cx_ev *er = cx_ev_new(s, "error.dialog.wrongstate");
		cx_ev_str(er, "dialogid", d->id);
		cx_ev_str(er, "reason", "dialog has already exited");
		cx_ev_str(er, "tagname", "dialogterminate");
		cx_sess_post(s, er);
		return CX_GO;
	}
	if (e->prov && e->prov->dialogterminate && d->started)
		e->prov->dialogterminate(e, d, imm);
	/* whatever the provider did, exactly one dialog.exit (cx_rt_dlg_pev ignores a second) */
	cx_rt_dlg_pev(d, CX_PEV_DLG_EXIT, NULL);
	return CX_GO;
}

/* Section - documents and sessions */

static void cx_fetch__destroy(void *arg)
{
	cx_fetch *f = arg;

	list_unlink(&f->le);
	mem_deref((void *)f->js);
	mem_deref(f->uri);
}

/* A <fetch> or <createccxml> waiting for a document loaded at run time (docfetch.c). */
typedef struct cx_docpend {
	char sessid[CX_SESS_IDSZ];
	char fid[CX_SUBID_SZ];  /* <fetch>: its fetchid; "" for <createccxml> */
	char *uri;              /* as the document wrote it */
	cx_cval *vals;          /* <createccxml>: the child's session.values */
	int line;
	int script;             /* <fetch type="'text/ecmascript'"> */
} cx_docpend;

static void cx_docpend__destroy(void *arg)
{
	cx_docpend *p = arg;

	mem_deref(p->uri);
	mem_deref(p->vals);
}

/* fetch.done with the document (or the script's programs) kept under fid, or error.fetch with
 * why. */
static void cx_exec__fetched(cx_sess *s, const char *fid, const char *uri, const cx_doc *doc,
			     const cx_jsprogs *js, const char *why)
{
	cx_fetch *f;
	cx_ev *ev;

	if ((doc || js) && (f = mem_zalloc(sizeof(*f), cx_fetch__destroy))) {
		snprintf(f->id, sizeof(f->id), "%s", fid);
		f->doc = doc;
		f->js = mem_ref((void *)js);
		if (js && uri)
			(void)str_dup(&f->uri, uri); /* none on ENOMEM: "fetched script" */
		list_append(&s->fetches, &f->le, f);
		s->eng->met.fetch_ok++;
		ev = cx_ev_new(s, "fetch.done");
		cx_ev_str(ev, "fetchid", fid);
		cx_ev_str(ev, "uri", uri);
		cx_sess_post(s, ev);
		return;
	}
	ev = cx_ev_new(s, "error.fetch");
	cx_ev_str(ev, "fetchid", fid);
	cx_ev_str(ev, "uri", uri);
	cx_ev_str(ev, "reason", why ? why : "out of memory");
	cx_ev_str(ev, "tagname", "fetch");
	cx_log(CX_LOG_WARN, s->id, "<fetch> '%H': %H", cx_rt_esc, uri ? uri : "", cx_rt_esc,
	       why ? why : "out of memory");
	s->eng->met.fetch_err++;
	cx_sess_post(s, ev);
}

/* Start doc as a child of s (ccxml.created), or error.createccxml. */
static void cx_exec__created(cx_sess *s, int line, const cx_doc *doc, cx_cval *vals,
			     cx_elcall *c)
{
	cx_sess *child = NULL;
	cx_ev *ev;
	int err;

	err = cx_sess_start(&child, s->eng, doc, "createccxml", s->id, vals, NULL);
	if (err) {
		if (err == EBUSY)
			cx_sess_error_at(s, line, "error.createccxml", "createccxml", "cannot start "
					 "a session: the limit of %u sessions at a time is reached",
					 s->eng->max_sessions);
		else
			cx_sess_error_at(s, line, "error.createccxml", "createccxml",
					 "cannot start a session: %s", strerror(err));
		return;
	}
	if (c && HAS(c, CX_A_createccxml_sessionid))
		cx_exec__out(s, c, child->id);
	ev = cx_ev_new(s, "ccxml.created");
	cx_ev_str(ev, "sessionid", child->id);
	cx_sess_post(s, ev);
}

static void cx_exec__loaded(cx_engine *e, const cx_doc *doc, const char *why, void *arg)
{
	cx_docpend *p = arg;
	cx_sess *s = cx_sess_find(e, p->sessid);

	if (!s)
		return;
	if (p->fid[0])
		cx_exec__fetched(s, p->fid, p->uri, doc, NULL, why);
	else if (doc)
		cx_exec__created(s, p->line, doc, p->vals, NULL);
	else
		cx_sess_error_at(s, p->line, "error.createccxml", "createccxml", "%s", why);
	cx_engine_kick(e);
}

static void cx_exec__jsloaded(cx_engine *e, const cx_jsprogs *js, const char *why, void *arg)
{
	cx_docpend *p = arg;
	cx_sess *s = cx_sess_find(e, p->sessid);

	if (!s)
		return;
	cx_exec__fetched(s, p->fid, p->uri, NULL, js, why);
	cx_engine_kick(e);
}

/* maxage / maxstale: seconds (a number, as in HTTP) or a CSS2 time -> ms in *ms; -1 when
 * absent or not a time (docs/fetch.md) */
static void cx_exec__age(cx_sess *s, cx_elcall *c, int a, int64_t *ms)
{
	const char *v = NULL;
	uint64_t t;
	char *end;
	unsigned long n;

	*ms = -1;
	if (cx_exec__str(s, c, a, &v) || !v || !*v)
		return;
	n = strtoul(v, &end, 10);
	if (!*end && *v >= '0' && *v <= '9')
		*ms = (int64_t)n * 1000;
	else if (!cx_rt_time(v, &t))
		*ms = (int64_t)t;
	else
		cx_log(CX_LOG_WARN, s->id, "maxage/maxstale '%H' is not a time: ignored", cx_rt_esc, v);
}

/* uri is not compiled in: fetch it when it can be (1: started, p is the loader's), else 0
 * with *why set when there is more to say than "not compiled in". a: the element's timeout,
 * method, enctype, maxage and maxstale attributes; its namelist is submitted. */
static int cx_exec__load(cx_sess *s, cx_elcall *c, const int a[5], const char *uri,
			 cx_docpend *p, const char **why)
{
	const char *timeout = NULL, *method = NULL, *enctype = NULL;
	cx_cval *nl = NULL;
	char *url = NULL;
	uint64_t ms = 0;
	cx_docage age;
	int err;

	static _Thread_local char rwhy[400];  /* *why lives until the caller reports it */

	if ((err = cx_docload_urlwhy(s->eng, s->doc, uri, &url, rwhy, sizeof(rwhy)))) {
		if (err == EACCES)
			*why = rwhy;
		return 0;
	}
	cx_exec__age(s, c, a[3], &age.maxage);
	cx_exec__age(s, c, a[4], &age.maxstale);
	if (cx_exec__str(s, c, a[0], &timeout) || (timeout && cx_rt_time(timeout, &ms)))
		ms = 0;
	if (cx_exec__str(s, c, a[1], &method) || cx_exec__str(s, c, a[2], &enctype) ||
	    (method && strcasecmp(method, "get") && strcasecmp(method, "post")) ||
	    (enctype && strcmp(enctype, "application/x-www-form-urlencoded"))) {
		*why = "method must be get or post, enctype application/x-www-form-urlencoded";
		mem_deref(url);
		return 0;
	}
	if (c->nnames)
		nl = cx_exec__namelist(s, c);
	snprintf(p->sessid, sizeof(p->sessid), "%s", s->id);
	p->line = c->line;
	err = str_dup(&p->uri, uri);
	if (!err)
		err = p->script ? cx_jsload_with(s->eng, url, method, nl, ms, &age,
						 s->doc->script_charsets, cx_exec__jsloaded, p) :
			cx_docload_with(s->eng, url, method, nl, ms, &age, cx_exec__loaded, p);
	mem_deref(nl);
	mem_deref(url);
	return err ? 0 : 1;
}

static int cx_exec__createccxml(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *next;
	const cx_doc *doc;
	static const int a[5] = {CX_A_createccxml_timeout, CX_A_createccxml_method,
				 CX_A_createccxml_enctype, CX_A_createccxml_maxage,
				 CX_A_createccxml_maxstale};
	const char *why = NULL;
	cx_cval *vals;
	cx_docpend *p;
	char *rel = NULL;

	STR(CX_A_createccxml_next, next);
	next = cx_exec__rel(s, c, next, &rel);
	doc = cx_engine_doc(s->eng, next);
	/* parameters="a b" are the child's session.values (CCXML 1.0); without them the
	 * namelist is */
	if (HAS(c, CX_A_createccxml_parameters))
		vals = cx_cval_from(X, c->a[CX_A_createccxml_parameters], CX_RT_COPY_DEPTH);
	else
		vals = cx_exec__namelist(s, c);
	if (!doc) {
		p = mem_zalloc(sizeof(*p), cx_docpend__destroy);
		if (p)
			p->vals = mem_ref(vals);
		if (!p || !cx_exec__load(s, c, a, next, p, &why)) {
			if (why)
				cx_sess_error_at(s, c->line, "error.createccxml", "createccxml", "%s",
						 why);
			else
				cx_sess_error_at(s, c->line, "error.createccxml", "createccxml",
						 "document '%s' is not compiled into this program",
						 next ? next : "");
		}
		mem_deref(p);
		mem_deref(vals);
		mem_deref(rel);
		return CX_GO;
	}
	cx_exec__created(s, c->line, doc, vals, c);
	mem_deref(vals);
	mem_deref(rel);
	return CX_GO;
}

static int cx_exec__fetch(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *next, *type;
	const cx_doc *doc;
	static const int a[5] = {CX_A_fetch_timeout, CX_A_fetch_method, CX_A_fetch_enctype,
				 CX_A_fetch_maxage, CX_A_fetch_maxstale};
	const char *why = NULL;
	char fid[CX_SUBID_SZ];
	cx_docpend *p;
	int script;
	char *rel = NULL;

	STR(CX_A_fetch_next, next);
	STR(CX_A_fetch_type, type);
	snprintf(fid, sizeof(fid), "%s.fetch%u", s->id, ++s->nfetch);
	if (HAS(c, CX_A_fetch_fetchid))
		cx_exec__out(s, c, fid);
	script = type && (strstr(type, "ecmascript") || strstr(type, "javascript"));
	next = cx_exec__rel(s, c, next, &rel);
	doc = script ? NULL : cx_engine_doc(s->eng, next);
	if (!doc) {
		p = mem_zalloc(sizeof(*p), cx_docpend__destroy);
		if (p) {
			snprintf(p->fid, sizeof(p->fid), "%s", fid);
			p->script = script;
		}
		if (p && cx_exec__load(s, c, a, next, p, &why)) {
			mem_deref(p);
			mem_deref(rel);
			return CX_GO;
		}
		mem_deref(p);
	}
	cx_exec__fetched(s, fid, next, doc, NULL, why ? why : script ?
			 "a script is fetched from an http(s) URI only" :
			 "document not compiled into this program");
	mem_deref(rel);
	return CX_GO;
}

static int cx_exec__goto(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *id;
	struct le *le;

	STR(CX_A_goto_fetchid, id);
	LIST_FOREACH(&s->fetches, le) {
		cx_fetch *f = le->data;
		if (id && !strcmp(f->id, id) && f->js) {
			cx_sess_error_at(s, c->line, "error.semantic", "goto", "fetchid '%s' is a "
					 "script (type text/ecmascript): run it with <script fetchid>",
					 id);
			return CX_GO;
		}
		if (id && !strcmp(f->id, id)) {
			/* applied after the transition returns: the running code still uses the slots */
			s->pending_goto = f->doc;
			return CX_STOP;
		}
	}
	return cx_exec__unknown(s, c, "fetchid", id);
}

/* Is name the variable called c? (no allocation for an ASCII c: names are looked up on every
 * use, in loops too) */
static int cx_exec__dynis(cx_ctx *X, cx_str *name, const char *c, const char **u8)
{
	const char *p;

	for (p = c; *p && (unsigned char)*p < 0x80; p++)
		;
	if (!*p)
		return cx_str_eq_ascii(name, c);
	if (!*u8)
		*u8 = cx_str_to_utf8(X, name, NULL);
	return *u8 && !strcmp(*u8, c);
}

/* cx_ctx.dyn of a session that ran a fetched script: a name of the <script fetchid> running
 * now (the transition's variables its cx_elcall carries), else of the document's ccxml scope
 * (its slot), else NULL (the global object's). */
static cx_value *cx_exec__dyn(cx_ctx *X, cx_str *name)
{
	cx_sess *s = X->user;
	const cx_elcall *c = s ? s->script_el : NULL;
	const char *u8 = NULL;
	uint32_t k;
	int i;

	if (!s)
		return NULL;
	for (i = 0; c && i < c->nnames; i++)
		if (cx_exec__dynis(X, name, c->names[i], &u8))
			return &c->vals[i];
	for (k = CX_SLOT_FIRST_VAR; k < s->doc->nslots && k < X->nslots; k++)
		if (s->doc->slot_names[k] && cx_exec__dynis(X, name, s->doc->slot_names[k], &u8))
			return &X->slots[k];
	return NULL;
}

/* <script fetchid>: the script fetched under that id, compiled when it came (a cx_doc whose
 * init is the script; the one of the element's charset, cx_jsprogs), runs now in this scope
 * (docs/fetch.md "Scripts fetched at run time"). */
static int cx_exec__script(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const cx_fetch *f = NULL;
	const cx_elcall *up = s->script_el;
	const char *upurl = s->script_url;
	const char *id, *cs = NULL, *why = NULL;
	const cx_doc *doc;
	struct le *le;
	int r;

	STR(CX_A_script_fetchid, id);
	STR(CX_A_script_charset, cs);
	LIST_FOREACH(&s->fetches, le) {
		cx_fetch *x = le->data;
		if (id && !strcmp(x->id, id))
			f = x;
	}
	if (!f)
		return cx_exec__unknown(s, c, "fetchid", id);
	if (!f->js) {
		cx_sess_error_at(s, c->line, "error.semantic", "script", "fetchid '%s' is a CCXML "
				 "document: fetch the script with type=\"'text/ecmascript'\"", id);
		return CX_GO;
	}
	doc = cx_jsprogs_for(f->js, cs, &why);
	if (!doc) {
		cx_sess_error_at(s, c->line, "error.semantic", "script", "the script of fetchid '%s' "
				 "cannot run%s%s: %s", id, cs ? " as " : "", cs ? cs : "",
				 why ? why : "not decoded");
		return CX_GO;
	}
	X->dyn = cx_exec__dyn;
	s->script_el = c;
	s->script_url = f->uri;
	r = doc->init(X);
	s->script_el = up;
	s->script_url = upurl;
	return r == CX_FAIL ? CX_FAIL : CX_GO;
}

/* Section - move */

/* Fields cx_sess_step gives every event object; the target session sets its own. */
static int cx_move__stepfield(const char *k)
{
	static const char *const f[] = {"name", "eventid", "eventsource", "eventsourcetype",
					"connection", "protocol", "dialog", NULL};
	int i;

	for (i = 0; f[i]; i++)
		if (!strcmp(f[i], k))
			return 1;
	return 0;
}

/* A copy of ev (queued in, or being processed by, ev->sess) for session `to`: the fields are
 * rebuilt in to's heap, the connection/dialog and the state it brings carried over. */
static cx_ev *cx_move__evcopy(cx_ev *ev, cx_sess *to)
{
	cx_ev *nev = cx_ev_new(to, ev->name);
	cx_cval *cv;
	uint32_t i;

	if (!nev)
		return NULL;
	if (ev->source)
		str_dup(&nev->source, ev->source);
	nev->sourcetype = ev->sourcetype;
	if (ev->conn)
		cx_ev_conn(nev, ev->conn, ev->cstate, ev->cfinal);
	if (ev->dlg)
		cx_ev_dlg(nev, ev->dlg, ev->dstate, ev->dfinal);
	cv = cx_is_obj(cx_ev_obj(ev)) ? cx_cval_from(ev->sess->X, ev->obj, CX_RT_COPY_DEPTH) : NULL;
	for (i = 0; cv && cv->tag == CX_T_OBJ && i < cv->nkids; i++) {
		if (!cx_move__stepfield(cv->keys[i]))
			cx_ev_cval(nev, cv->keys[i], cv->kids[i]);
	}
	mem_deref(cv);
	return nev;
}

/* The queued events of a moved connection or dialog follow it, in their order. */
static void cx_move__queued(cx_sess *s, cx_sess *to, const cx_conn *cn, const cx_dlg *d)
{
	struct le *le = list_head(&s->q);

	while (le) {
		cx_ev *ev = le->data;
		le = le->next;
		if ((cn && ev->conn == cn) || (d && ev->dlg == d)) {
			cx_ev *nev = cx_move__evcopy(ev, to);
			list_unlink(&ev->le);
			s->nq--;
			s->nqs -= ev->counted;
			mem_deref(ev);
			cx_sess_post(to, nev);
		}
	}
}

/* error.move with reason "WHY" or "WHY 'WHAT'". */
static int cx_move__fail(cx_sess *s, cx_elcall *c, const char *why, const char *what)
{
	cx_sess_error_at(s, c->line, "error.move", "move", "%s%s%s%s", why, what ? " '" : "",
			 what ? what : "", what ? "'" : "");
	return CX_GO;
}

/*
 * <move source|event sessionid>: the connection or dialog changes owner. The cx_conn/cx_dlg
 * itself stays where it is in memory (providers keep pointers to it and find its session
 * through ->sess at each report), so only the list it hangs in and ->sess change; its later
 * events, and those already queued here, go to the target.
 */
static int cx_exec__move(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *src, *sid, *what;
	int hassrc = HAS(c, CX_A_move_source), hasev = HAS(c, CX_A_move_event);
	cx_conn *cn = NULL;
	cx_dlg *d = NULL;
	cx_ev *cur = s->cur, *ok;
	cx_sess *to;

	STR(CX_A_move_source, src);
	STR(CX_A_move_sessionid, sid);
	if (hassrc == hasev)
		return cx_move__fail(s, c, "<move> needs exactly one of source and event", NULL);
	if (hasev) {
		cx_value v = c->a[CX_A_move_event], now = cx_sess_event(s);
		if (!cur || !cx_is_obj(v) || !cx_is_obj(now) || v.u.o != now.u.o)
			return cx_move__fail(s, c, "event must be the event being processed (event$)",
					     NULL);
		cn = cur->conn;
		d = cn ? NULL : cur->dlg;
		if ((cn && (cn->sess != s || cn->removed)) || (d && (d->sess != s || d->removed)))
			return cx_move__fail(s, c, cn ? "the event's connection is no longer in this session" :
					     "the event's dialog is no longer in this session", NULL);
	}
	else {
		if (!src)
			return cx_move__fail(s, c, "source is undefined", NULL);
		cn = cx_conn_find(s, src);
		d = cn ? NULL : cx_dlg_find(s, src);
		if (!cn && !d)
			return cx_move__fail(s, c, "no connection or dialog in this session with the id", src);
		if ((cn && (!strcmp(cn->state, "FAILED") || !strcmp(cn->state, "DISCONNECTED"))) ||
		    (d && d->exited))
			return cx_move__fail(s, c, "it has ended already:", src);
	}
	to = cx_sess_find(s->eng, sid);
	if (!to)
		return cx_move__fail(s, c, "no session", sid ? sid : "(undefined)");
	if (to == s)
		return cx_move__fail(s, c, "the target is this session:", sid);
	if (cn) {
		list_unlink(&cn->le);
		list_append(&to->conns, &cn->le, cn);
		cn->sess = to;
	}
	else if (d) {
		list_unlink(&d->le);
		list_append(&to->dlgs, &d->le, d);
		d->sess = to;
	}
	/* the event goes first: it is older than what is still queued for the object */
	if (hasev)
		cx_sess_post(to, cx_move__evcopy(cur, to));
	if (cn || d)
		cx_move__queued(s, to, cn, d);
	what = cn ? cn->id : d ? d->id : NULL;
	ok = cx_ev_new(s, "move.successful");
	cx_ev_str(ok, "sourceid", what);
	cx_ev_str(ok, "sessionid", to->id);
	cx_sess_post(s, ok);
	return CX_GO;
}

/* Fire and forget (the seed mails from its error handler, then exits): the outcome is a line
 * on stderr, never an event, so a mail problem cannot end the session (docs/http.md). */
static int cx_exec__sendemail(cx_ctx *X, cx_sess *s, cx_elcall *c)
{
	const char *to, *from, *subject, *type, *body;
	int err;

	STR(CX_A_sendemail_to, to);
	STR(CX_A_sendemail_from, from);
	STR(CX_A_sendemail_subject, subject);
	STR(CX_A_sendemail_type, type);
	STR(CX_A_sendemail_body, body);
	err = cx_curl_mail(s->eng, s->id, to, from, subject, type, body);
	if (err == ENOTCONN)
		re_fprintf(stderr, "ccxml: session %s: sendemail to=%H type=%H (not sent: no --smtp "
			"server configured)\n", s->id, cx_rt_esc, to ? to : "", cx_rt_esc, type ? type : "");
	else if (err)
		re_fprintf(stderr, "ccxml: session %s: sendemail to=%H not sent: %s\n", s->id,
			cx_rt_esc, to ? to : "", err == EINVAL ? "bad address or a line break in a header field" :
			err == EOVERFLOW ? "body too long" : err == EBUSY ?
			"too many transfers in flight" : strerror(err));
	return CX_GO;
}

int cx_exec(cx_ctx *X, cx_elcall *c)
{
	cx_sess *s = X->user;

	if (!s || !c)
		return CX_FAIL;
	c->out = CX_UNDEFINED;
	switch (c->elem) {
	case CX_E_log: return cx_exec__log(X, s, c);
	case CX_E_exit: return cx_exec__exit(X, s, c);
	case CX_E_send: return cx_exec__send(X, s, c);
	case CX_E_cancel: return cx_exec__cancel(X, s, c);
	case CX_E_createcall: return cx_exec__createcall(X, s, c);
	case CX_E_accept:
	case CX_E_reject:
	case CX_E_redirect:
	case CX_E_disconnect: return cx_exec__conncall(X, s, c);
	case CX_E_merge: return cx_exec__merge(X, s, c);
	case CX_E_createconference:
	case CX_E_destroyconference:
	case CX_E_join:
	case CX_E_unjoin: return cx_exec__conf(X, s, c);
	case CX_E_dialogprepare:
	case CX_E_dialogstart: return cx_exec__dialog(X, s, c);
	case CX_E_dialogterminate: return cx_exec__dialogterminate(X, s, c);
	case CX_E_createccxml: return cx_exec__createccxml(X, s, c);
	case CX_E_fetch: return cx_exec__fetch(X, s, c);
	case CX_E_goto: return cx_exec__goto(X, s, c);
	case CX_E_script: return cx_exec__script(X, s, c);
	case CX_E_move: return cx_exec__move(X, s, c);
	case CX_E_sendemail: return cx_exec__sendemail(X, s, c);
	default:
		return CX_GO; /* meta, metadata and compiled-inline elements: nothing at run time */
	}
}
