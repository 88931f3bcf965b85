/*
 * sess.c — sessions: start, the session object ES sees, the event interpretation algorithm
 * (digest §3–§4: cx_sess_step, with the selection step in cx_sess__select), end and teardown.
 * Events are built in event.c, platform objects live in conn.c, the engine in engine.c.
 * Everything here runs on the libre main-loop thread.
 *
 * How a session's ES view is kept honest: the C structs (cx_conn, cx_dlg, cx_conf) hold the
 * truth; before each event the session object shows them, frozen, with the states *as of that
 * event* (each queued connection/dialog event carries the state it brought), so ES code can
 * never write into the platform's view. Rebuilding it cost more than most events, so it is
 * rebuilt only when what it shows changed: every field it shows is written, in order, into a
 * byte string (cx_sess__snap) compared with the one of the last rebuild. The fields are
 * written by several rooms (conn.c, exec.c, the providers), so comparing what is shown is
 * exact where a version counter would need every writer to remember to bump it. A document
 * whose code never names `session` (cx_doc.reads_session 0) gets no session object at all,
 * unless event$ is made for an event with a connection or dialog: those objects are the ones
 * session.connections/dialogs hold (the same object from one event to the next while nothing
 * changed), so session is built then as for any document.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include "prov.h"

/* the short part of session ids ("s<N>-…"), unique in the process */
static uint32_t cx_sess__counter;

/* Set when a property of the session object could not be made (out of memory): the object
 * built meanwhile is not complete and is not kept for the next event. One thread runs this. */
static int cx_sess__partial;

static cx_value cx_sess__strv(cx_ctx *X, const char *s)
{
	cx_value v;
	cx_str *k;

	if (!s)
		return CX_UNDEFINED;
	if ((k = cx_rt_key(s))) /* one of the runtime's own strings ("ccxml", "send.successful"…) */
		return cx_strv(k);
	v = cx_str_cstr(X, s);
	if (cx_is_exc(v)) {
		cx_catch(X);
		cx_sess__partial = 1;
		return CX_UNDEFINED;
	}
	return v;
}

static void cx_sess__defk(cx_ctx *X, cx_value o, cx_str *k, cx_value v)
{
	if (cx_is_exc(v) || cx_define(X, o, k, v, 0)) {
		cx_catch(X);
		cx_sess__partial = 1;
	}
}

static void cx_sess__def(cx_ctx *X, cx_value o, const char *k, cx_value v)
{
	cx_str *sk = cx_rt_key(k);
	cx_value kv = sk ? cx_strv(sk) : cx_str_cstr(X, k);

	if (cx_is_exc(kv))
		v = kv;
	cx_sess__defk(X, o, kv.u.s, v);
}

/* A static string for a literal key, for the hot path (no lookup at all). */
#define CX_SESS_KEY(lit) \
	__extension__({ \
		static struct cx_str_static k_ = {CX_STR_STATIC_MARK, sizeof(lit) - 1, 0, 0, lit}; \
		(cx_str *)&k_; \
	})

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

/* Section - What the session object shows */

/* A byte string of every field session shows, each with a tag byte (so NULL and "" differ).
 * It is compared with the last rebuild's (old) while it is written: as long as they agree
 * nothing is copied; at the first difference the agreeing part is copied and the rest
 * written after it. */
typedef struct cx_snap {
	char *b;        /* inl, or malloc'd once it outgrew it */
	size_t n, cap;
	int err;
	const char *old; /* the last rebuild's bytes (NULL: none) */
	size_t oldn;
	int differ;     /* 0: b is not written yet, the bytes so far are old's first n (old set) */
	char inl[512];  /* a session with no connection needs ~60 bytes, ~150 more per call */
} cx_snap;
#define CX_SNAP_INIT(p, o, on) \
	((p)->b = (p)->inl, (p)->n = 0, (p)->cap = sizeof((p)->inl), (p)->err = 0, \
	 (p)->old = (o), (p)->oldn = (o) ? (on) : 0, (p)->differ = !(o))
#define CX_SNAP_FREE(p) ((p)->b != (p)->inl ? free((p)->b) : (void)0)

static void cx_snap__write(cx_snap *p, const void *v, size_t n)
{
	if (p->err)
		return;
	if (p->n + n > p->cap) {
		size_t nc = p->cap * 2;
		char *nb;
		while (nc < p->n + n)
			nc *= 2;
		nb = p->b == p->inl ? malloc(nc) : realloc(p->b, nc);
		if (!nb) {
			p->err = 1;
			return;
		}
		if (p->b == p->inl)
			memcpy(nb, p->inl, p->n);
		p->b = nb;
		p->cap = nc;
	}
	memcpy(p->b + p->n, v, n);
	p->n += n;
}

/* From now on the bytes are written: old's first n, which agreed, first. */
static void cx_snap__diverge(cx_snap *p)
{
	size_t k = p->n;

	p->differ = 1;
	p->n = 0;
	cx_snap__write(p, p->old, k);
}

static void cx_snap__put(cx_snap *p, const void *v, size_t n)
{
	if (!p->differ) {
		const char *o = p->old + p->n, *c = v;
		size_t i;
		if (p->n + n <= p->oldn) {
			for (i = 0; i < n && o[i] == c[i]; i++)
				;
			if (i == n) {
				p->n += n;
				return;
			}
		}
		cx_snap__diverge(p);
	}
	cx_snap__write(p, v, n);
}

static void cx_snap__str(cx_snap *p, const char *v)
{
	cx_snap__put(p, v ? "s" : "-", 1);
	if (!v)
		return;
	if (!p->differ) { /* compared up to its NUL without strlen */
		const char *o = p->old + p->n;
		size_t i, room = p->oldn - p->n;
		for (i = 0; i < room && o[i] == v[i]; i++)
			if (!v[i]) {
				p->n += i + 1;
				return;
			}
	}
	cx_snap__put(p, v, strlen(v) + 1);
}

static void cx_snap__cval(cx_snap *p, const cx_cval *c)
{
	uint32_t i;

	if (!c) {
		cx_snap__put(p, "-", 1);
		return;
	}
	cx_snap__put(p, "v", 1);
	cx_snap__put(p, &c->tag, sizeof(c->tag));
	cx_snap__put(p, &c->isarr, sizeof(c->isarr));
	cx_snap__put(p, &c->n, sizeof(c->n));
	cx_snap__str(p, c->s);
	cx_snap__put(p, &c->nkids, sizeof(c->nkids));
	for (i = 0; i < c->nkids; i++) {
		cx_snap__str(p, c->keys ? c->keys[i] : NULL);
		cx_snap__cval(p, c->kids ? c->kids[i] : NULL);
	}
}

/* Everything cx_sess__rebuild reads that others change, in the order it reads it. */
static void cx_sess__snap(cx_sess *s, cx_snap *p)
{
	struct le *le;

	LIST_FOREACH(&s->conns, le) {
		const cx_conn *c = le->data;
		if (c->removed)
			continue;
		cx_snap__put(p, "C", 1);
		cx_snap__str(p, c->id);
		cx_snap__str(p, c->vstate);
		cx_snap__str(p, c->local);
		cx_snap__str(p, c->remote);
		cx_snap__put(p, c->inbound ? "r" : "l", 1);
		cx_snap__cval(p, c->proto && c->proto->tag == CX_T_OBJ ? c->proto : NULL);
		cx_snap__str(p, c->aai);
		cx_snap__str(p, c->redirect);
		cx_snap__str(p, c->dialogid);
	}
	LIST_FOREACH(&s->dlgs, le) {
		const cx_dlg *d = le->data;
		if (d->removed)
			continue;
		cx_snap__put(p, "D", 1);
		cx_snap__str(p, d->id);
		cx_snap__str(p, d->connid);
		cx_snap__str(p, d->confid);
		cx_snap__str(p, d->type);
		cx_snap__str(p, d->src);
		cx_snap__str(p, d->vstate);
	}
	LIST_FOREACH(&s->confs, le) {
		const cx_conf *f = le->data;
		cx_snap__put(p, "F", 1);
		cx_snap__str(p, f->id);
		cx_snap__str(p, f->name);
	}
	cx_snap__put(p, "S", 1);
	cx_snap__str(p, cx_http_base_str(s->eng));
	/* the rest of what session shows is this file's: id, secret, startupmode, parentid and
	 * values are set when the session starts and never change; uri changes at <goto>,
	 * which drops the last snap (cx_sess_step) */
}

/* session.values: made from the values the session was started with the first time session
 * is built, then the same object every time. */
static cx_value cx_sess__values(cx_sess *s)
{
	cx_ctx *X = s->X;
	cx_value v;

	if (cx_is_obj(s->values))
		return s->values;
	v = s->valcv ? cx_cval_to(X, s->valcv) : cx_obj_new(X);
	if (cx_is_exc(v) || !cx_is_obj(v)) {
		cx_catch(X);
		v = cx_obj_new(X);
		if (cx_is_exc(v)) {
			cx_catch(X);
			cx_sess__partial = 1;
			return CX_UNDEFINED;
		}
	}
	cx_obj_freeze(X, v);
	s->values = v;
	s->valcv = mem_deref(s->valcv);
	return v;
}

/* Rebuild session (slot CX_SLOT_SESSION). Returns the connection/dialog objects of ev. */
static void cx_sess__rebuild(cx_sess *s, cx_value *evconn, cx_value *evdlg)
{
	cx_ctx *X = s->X;
	cx_value so = cx_obj_new(X), conns, dlgs, confs, io;
	const char *base = cx_http_base_str(s->eng);
	char uri[CX_HTTP_BASE_MAX + 160];
	struct le *le;

	*evconn = *evdlg = CX_UNDEFINED;
	cx_sess__partial = 0;
	if (cx_is_exc(so)) {
		cx_catch(X);
		cx_sess__partial = 1;
		return;
	}
	conns = cx_obj_new(X);
	dlgs = cx_obj_new(X);
	confs = cx_obj_new(X);
	io = cx_obj_new(X);
	if (cx_is_exc(conns) || cx_is_exc(dlgs) || cx_is_exc(confs) || cx_is_exc(io)) {
		cx_catch(X);
		cx_sess__partial = 1;
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
	if (base) {
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
	cx_sess__def(X, so, "values", cx_sess__values(s));
	cx_sess__def(X, so, "connections", conns);
	cx_sess__def(X, so, "conferences", confs);
	cx_sess__def(X, so, "dialogs", dlgs);
	cx_sess__def(X, so, "ioprocessors", io);
	cx_obj_freeze(X, so);
	X->slots[CX_SLOT_SESSION] = so;
}

/* The object of member id of session.<list> (undefined if it has none). */
static cx_value cx_sess__member(cx_ctx *X, const char *list, const char *id)
{
	cx_value v = cx_get_s(X, X->slots[CX_SLOT_SESSION], cx_rt_key(list));

	if (!cx_is_exc(v) && cx_is_obj(v))
		v = cx_get_cstr(X, v, id);
	if (cx_is_exc(v)) {
		cx_catch(X);
		return CX_UNDEFINED;
	}
	return v;
}

/* Make slot CX_SLOT_SESSION show the platform as of the current event: the object of the
 * last event when nothing it shows changed (force: rebuild anyway). Returns the
 * connection/dialog objects of the current event, as cx_sess__rebuild does. */
static void cx_sess__view_slow(cx_sess *s, cx_value *evconn, cx_value *evdlg, int force);

static inline void cx_sess__view(cx_sess *s, cx_value *evconn, cx_value *evdlg, int force)
{
	const cx_ev *ev = s->cur;

	/* A session with no connection, dialog or conference, for an event of neither (the
	 * usual case of a session sending itself events): its snap is only the HTTP base, which
	 * is compared without making one (cx_sess__snap writes "S", then "-" or "s" BASE NUL). */
	if (!force && s->snap && !s->conns.head && !s->dlgs.head && !s->confs.head &&
	    (!ev || (!ev->conn && !ev->dlg)) && cx_is_obj(s->X->slots[CX_SLOT_SESSION])) {
		const char *b = cx_http_base_str(s->eng);
		if (b ? s->snaplen == s->eng->http_baselen + 3 && !memcmp(s->snap, "Ss", 2) &&
			    !memcmp(s->snap + 2, b, s->eng->http_baselen + 1)
		      : s->snaplen == 2 && !memcmp(s->snap, "S-", 2)) {
			*evconn = *evdlg = CX_UNDEFINED;
			return;
		}
	}
	cx_sess__view_slow(s, evconn, evdlg, force);
}

static __attribute__((noinline)) void cx_sess__view_slow(cx_sess *s, cx_value *evconn,
							  cx_value *evdlg, int force)
{
	cx_ctx *X = s->X;
	cx_snap p;
	const cx_ev *ev = s->cur;

	CX_SNAP_INIT(&p, s->snap, s->snaplen);
	cx_sess__snap(s, &p);
	if (!force && !p.err && !p.differ && s->snap && p.n == s->snaplen &&
	    cx_is_obj(X->slots[CX_SLOT_SESSION])) {
		CX_SNAP_FREE(&p);
		/* ids are unique in the process: session.connections[id] is the object built
		 * for this connection if it is one of the session's (a removed one is not) */
		*evconn = *evdlg = CX_UNDEFINED;
		if (ev && ev->conn && !ev->conn->removed)
			*evconn = cx_sess__member(X, "connections", ev->conn->id);
		if (ev && ev->conn && cx_is_undef(*evconn))
			*evconn = cx_conn__obj(s, ev->conn);
		if (ev && ev->dlg && !ev->dlg->removed)
			*evdlg = cx_sess__member(X, "dialogs", ev->dlg->id);
		if (ev && ev->dlg && cx_is_undef(*evdlg))
			*evdlg = cx_dlg__obj(s, ev->dlg);
		return;
	}
	if (!p.differ) /* a shorter string than old's, or a forced rebuild: b gets the bytes */
		cx_snap__diverge(&p);
	free(s->snap);
	s->snap = NULL;
	cx_sess__rebuild(s, evconn, evdlg);
	if (!cx_sess__partial && !p.err && (s->snap = malloc(p.n ? p.n : 1))) {
		memcpy(s->snap, p.b, p.n);
		s->snaplen = p.n;
	}
	CX_SNAP_FREE(&p);
}

/* Section - Sessions */

static void cx_sess__destroy(void *arg)
{
	cx_sess *s = arg;
	struct le *le;

	cx_quiet_close(&s->qfull); /* its count not written yet: now, with its id */
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
	mem_deref(s->tokid);
	mem_deref(s->exit_expr);
	mem_deref(s->exit_values);
	mem_deref(s->valcv);
	free(s->snap);
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
	cx_value ev = cx_sess_event(s), v;

	if (!cx_is_obj(ev))
		return NULL;
	v = cx_get_s(s->X, ev, cx_rt_key("connectionid"));
	if (cx_is_exc(v)) {
		cx_catch(s->X);
		return NULL;
	}
	if (!cx_is_str(v))
		return NULL;
	return cx_str_to_utf8(s->X, v.u.s, NULL);
}

/* n bytes as 2n lower-case hex digits at p; returns the end. */
static char *cx_sess__hex(char *p, const uint8_t *b, size_t n)
{
	static const char hx[] = "0123456789abcdef";

	while (n--) {
		*p++ = hx[*b >> 4];
		*p++ = hx[*b++ & 15];
	}
	return p;
}

/* The id and the secret of a new session. Over HTTP a session is named by its id and acted on
 * with its secret, so both carry random bits from the kernel; the counter keeps ids short to
 * read and unique even if two random parts met. */
static int cx_sess__ids(cx_sess *s)
{
	uint8_t rnd[8 + 16];
	int err = cx_rt_random(rnd, sizeof(rnd));

	if (err) {
		cx_log(CX_LOG_ERR, NULL, "no random bytes for a session id: %s", strerror(err));
		return err;
	}
	/* with --node-id the node comes first ("n2.s17-…"): a front routes on the prefix */
	/* by hand: re_snprintf was a tenth of a token start */
	char *p = s->id, num[12];
	size_t k = 0, n = strlen(s->eng->node);
	uint32_t v = ++cx_sess__counter;
	if (n) {
		memcpy(p, s->eng->node, n);
		p += n;
		*p++ = '.';
	}
	*p++ = 's';
	do
		num[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k)
		*p++ = num[--k];
	*p++ = '-';
	p = cx_sess__hex(p, rnd, 8);
	*p = '\0';
	*cx_sess__hex(s->secret, rnd + 8, 16) = '\0';
	return 0;
}

/* Run a document's initialisation on s (fresh ccxml-scope slots). */
static void cx_sess__init_doc(cx_sess *s, const cx_doc *doc)
{
	cx_ctx *X = s->X;
	int rc;

	s->doc = doc;
	X->steps = s->eng->budget ? s->eng->budget : CX_RT_BUDGET;
	if (doc->reads_session)
		cx_sess__view(s, &(cx_value){0}, &(cx_value){0}, 1);
	else { /* no code of doc can see it: not kept (built again if event$ needs it) */
		X->slots[CX_SLOT_SESSION] = CX_UNDEFINED;
		free(s->snap);
		s->snap = NULL;
	}
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
	    cx_root_add(s->X, &s->values, 3)) {
		err = ENOMEM;
		goto out;
	}
	s->valcv = values ? mem_ref((void *)values) : NULL; /* session.values: made when shown */
	s->X->slots[CX_SLOT_APPLICATION] = cx_obj_new(s->X);
	if (cx_is_exc(s->X->slots[CX_SLOT_APPLICATION])) {
		err = ENOMEM;
		goto out;
	}
	list_append(&e->sessl, &s->le, s);
	hash_append(e->sessh, hash_joaat_str(s->id), &s->hle, s);
	e->nsess++;
	s->seq = ++e->nsess_total;

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
void cx_sess_teardown(cx_sess *s)
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
		if (!c->cdr_done && (!strcmp(c->state, "CONNECTED") ||
				     !strcmp(c->state, "PROGRESSING") || !strcmp(c->state, "ALERTING")))
			c->state = "DISCONNECTED"; /* hung up just now; the record says so */
		if (!c->cdr_done && !c->endreason)
			(void)str_dup(&c->endreason, "session ended");
		cx_cdr_conn(e, c);
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
	cx_http_sess_ended(s);
	if (e->endh)
		e->endh(s, e->endarg);
	if (e->pub_endh)
		e->pub_endh(s->id, s->status, cx_sess_how(s), e->pub_endarg);
	list_unlink(&s->le);
	hash_unlink(&s->hle);
	list_unlink(&s->ele);
	e->nsess--;
	list_unlink(&s->rle);
	s->queued = 0;
	mem_deref(s);
}

const char *cx_sess_how(const cx_sess *s)
{
	static const char *const how[] = {"", "exit", "unhandled error", "killed"};

	return s->ending >= 0 && s->ending <= CX_END_KILL ? how[s->ending] : "?";
}

/* The index of k in the sorted names v[0..n), or n. */
static uint32_t cx_sess__index(const char *const *v, uint32_t n, const char *k)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], k);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/* The selection tables' index of a state (kind 's') or of an event name as it came ('e': the
 * table's id, lowercased), as looked up lately for a document: a bench event cost two binary
 * searches and a lowercase copy otherwise. Per thread (an embedder may run engines on several),
 * not per session (no bytes in an idle one). Keyed by the name's characters, or (key set) by
 * what names it for the process's life: a static string of the program (the usual state
 * variable, assigned literals; a <send>'s literal name) or a C literal of the runtime's, so
 * that the usual lookup compares pointers. Documents are never unloaded (doccomp.c), so
 * neither a doc nor its literals can come back at another's address. */
static _Thread_local struct cx_selc {
	const cx_doc *doc;
	const void *key;       /* the keyed table's: key, kind */
	char kind;
	char dead;             /* the keyed table's events: no transition of doc can take it */
	char name[30];         /* the named table's: kind, name */
	uint32_t id;
} cx_sess__selk[16], cx_sess__seln[8];
static _Thread_local unsigned cx_sess__seln_next;

/* The keyed table is direct-mapped: one place to look. */
static inline struct cx_selc *cx_sess__selk_at(const void *key, char kind)
{
	return &cx_sess__selk[(((uintptr_t)key >> 4) ^ (uintptr_t)kind) % 16];
}

static __attribute__((noinline)) int cx_sess__cachedn(const cx_sess *s, char kind,
							const char *name, uint32_t *id)
{
	for (unsigned i = 0; i < sizeof(cx_sess__seln) / sizeof(cx_sess__seln[0]); i++) {
		const struct cx_selc *c = &cx_sess__seln[i];
		if (c->doc == s->doc && c->kind == kind && c->name[0] == name[0] &&
		    !strcmp(c->name, name)) {
			*id = c->id;
			return 1;
		}
	}
	return 0;
}

static inline int cx_sess__cached(const cx_sess *s, char kind, const void *key, const char *name,
				  uint32_t *id)
{
	const struct cx_selc *c;

	if (!key)
		return cx_sess__cachedn(s, kind, name, id);
	c = cx_sess__selk_at(key, kind);
	if (c->key != key || c->doc != s->doc || c->kind != kind)
		return 0;
	*id = c->id;
	return 1;
}

/* 1: tr's event pattern matches the event: by the table's ids when both have one (evid: the
 * event name's, as cx_sess__select finds it; 0: not known), else as strings. */
static inline int cx_sess__takes(const cx_transition *tr, uint32_t evid, const char *name)
{
	return evid && tr->evid ? tr->evid == evid : cx_rt_match(tr->event, name);
}

/* 1: no transition of d, in any state, has a pattern that matches this event, and its name is
 * none the step acts on itself when unhandled (error.*, ccxml.kill*): an event nothing can
 * select. */
static int cx_sess__nomatch(const cx_doc *d, uint32_t evid, const char *name)
{
	if (!strncasecmp(name, "error.", 6) || !strncasecmp(name, "ccxml.kill", 10))
		return 0;
	for (uint32_t i = 0; i < d->ntransitions; i++)
		if (cx_sess__takes(&d->transitions[i], evid, name))
			return 0;
	return 1;
}

static void cx_sess__cache(const cx_sess *s, char kind, const void *key, const char *name,
			   uint32_t id)
{
	struct cx_selc *c;

	if (key) {
		c = cx_sess__selk_at(key, kind);
		c->key = key;
		c->dead = (char)(kind == 'e' && cx_sess__nomatch(s->doc, id, name));
	} else {
		if (strlen(name) >= sizeof(c->name))
			return;
		c = &cx_sess__seln[cx_sess__seln_next++ % (sizeof(cx_sess__seln) /
							     sizeof(cx_sess__seln[0]))];
		strcpy(c->name, name);
	}
	c->doc = s->doc;
	c->kind = kind;
	c->id = id;
}

/* 1: an event named by nkey is one no transition of the session's document can take, as found
 * by an earlier selection of the same name (the keyed table). */
static inline int cx_sess__dead(const cx_sess *s, const void *nkey)
{
	const struct cx_selc *c = cx_sess__selk_at(nkey, 'e');

	return c->key == nkey && c->doc == s->doc && c->kind == 'e' && c->dead;
}

/* The end of ev's step, for the send.successful that follows a <send> to oneself (cx_ev.trail):
 * at the head of the queue, where it would have been, unless nothing can select it, when it is
 * counted as handled (eventid numbers, metrics) at once. Made also when a <goto> is pending
 * (the next document's ccxml.loaded goes before it) and under --trace; nothing when the session
 * ends (its queue is dropped). */
static unsigned cx_sess__trail(cx_sess *s, const cx_ev *ev)
{
	cx_ev *t;

	if (!ev->trail || s->ending)
		return 0;
	if (!s->pending_goto && !s->eng->trace && s->doc->select && cx_sess__dead(s, cx_ev_sent)) {
		s->nev++;
		return 1;
	}
	if ((t = cx_ev_sent_new(s, ev->trail))) {
		t->posted_us = ev->posted_us;
		list_prepend(&s->q, &t->le, t);
		s->nq++;
	}
	return 0;
}

/* The state variable's value as a C string: in buf when it is a short ASCII string (no copy
 * in the heap), else in the heap (kept by the caller's stack). */
static const char *cx_sess__state(cx_ctx *X, cx_value sv, char *buf, size_t sz)
{
	const char *state;

	if (cx_is_str(sv) && cx_str_to_ascii(sv.u.s, buf, sz))
		return buf;
	if (!(state = cx_rt_str(X, sv))) {
		cx_catch(X);
		state = "";
	}
	return state;
}

/* The selection step of the event algorithm (digest §4): the first transition in document
 * order whose state list holds the current value of the state variable (or has none), whose
 * event pattern matches the event's name and whose cond is true. A cond that throws raises
 * error.semantic and counts as false. NULL: no transition is selected. */
static const cx_transition *cx_sess__select(cx_sess *s, const cx_ev *ev)
{
	cx_ctx *X = s->X;
	const char *state = NULL; /* made when needed: not for a static string in the cache */
	char buf[64];
	cx_value sv = X->slots[s->doc->statevar_slot];
	uint32_t i;

	if (!s->doc->select || s->eng->trace) /* as it is before any cond runs */
		state = cx_sess__state(X, sv, buf, sizeof(buf));
	/* by integers when the compiler made the tables (cx_gen.h cx_doc.select): the
	 * transitions of this state in document order, the event's name as an index */
	const uint32_t *sel = NULL;
	uint32_t evid = 0; /* the name's id (nevent_names + 1: none of them); 0: as strings */
	if (s->doc->select) {
		char lname[64];
		size_t k;
		uint32_t id;
		const void *skey = cx_is_str(sv) && cx_str_is_static(sv.u.s) ? sv.u.s : NULL;
		if (!skey || !cx_sess__cached(s, 's', skey, NULL, &id)) {
			if (!state)
				state = cx_sess__state(X, sv, buf, sizeof(buf));
			if (skey || !cx_sess__cached(s, 's', NULL, state, &id)) {
				id = cx_sess__index(s->doc->state_names, s->doc->nstate_names, state);
				cx_sess__cache(s, 's', skey, state, id);
			}
		}
		sel = s->doc->select[id];
		if (!cx_sess__cached(s, 'e', ev->nkey, ev->name, &evid)) {
			for (k = 0; ev->name[k] && k < sizeof(lname) - 1; k++)
				lname[k] = (char)(ev->name[k] >= 'A' && ev->name[k] <= 'Z' ?
						  ev->name[k] - 'A' + 'a' : ev->name[k]);
			if (!ev->name[k]) { /* else too long for the table's names: as strings */
				lname[k] = '\0';
				evid = cx_sess__index(s->doc->event_names, s->doc->nevent_names,
						      lname) + 1;
				cx_sess__cache(s, 'e', ev->nkey, ev->name, evid);
			}
		}
	}
	for (i = 0; sel ? sel[i] != CX_SELECT_END : i < s->doc->ntransitions; i++) {
		const cx_transition *tr = &s->doc->transitions[sel ? sel[i] : i];
		if (!sel && tr->states) {
			const char *const *sp;
			for (sp = tr->states; *sp; sp++)
				if (!strcmp(*sp, state))
					break;
			if (!*sp)
				continue;
		}
		if (!cx_sess__takes(tr, evid, ev->name))
			continue;
		if (tr->cond) {
			if (tr->reads_event & CX_EVREAD_COND)
				cx_sess_event(s);
			cx_value c = tr->cond(X);
			if (cx_is_exc(c)) {
				cx_semantic(X, CX_E_transition, tr->line);
				continue;
			}
			if (!cx_truthy(c))
				continue;
		}
		if (s->eng->trace)
			cx_log(CX_LOG_INFO, s->id, "trace: state '%H', event %H -> %H:%d", cx_rt_esc,
			       state, cx_rt_esc, ev->name, cx_rt_esc, s->doc->name ? s->doc->name : "?",
			       tr->line);
		return tr;
	}
	if (s->eng->trace)
		cx_log(CX_LOG_INFO, s->id, "trace: state '%H', event %H -> no transition", cx_rt_esc,
		       state, cx_rt_esc, ev->name);
	return NULL;
}

cx_value cx_sess_event(cx_sess *s)
{
	cx_ctx *X = s->X;
	cx_ev *ev = s->cur;
	cx_value evo;

	if (!ev || s->evmade)
		return X->slots[CX_SLOT_EVENT];
	s->evmade = 1;
	if (!s->viewed && (ev->conn || ev->dlg)) {
		s->viewed = 1;
		cx_sess__view(s, &s->evconn, &s->evdlg, 0);
	}
	evo = cx_ev_obj(ev);
	if (!cx_is_obj(evo))
		evo = cx_obj_new(X);
	if (cx_is_exc(evo)) {
		cx_catch(X);
		return X->slots[CX_SLOT_EVENT] = CX_UNDEFINED;
	}
	if (ev->lazy) { /* the fields cx_ev_new_lazy kept, in the order cx_ev_new's would be */
		for (uint32_t i = 0; ev->fields && i < ev->fields->nkids; i++) {
			cx_value v = cx_cval_to(X, ev->fields->kids[i]);
			if (cx_is_exc(v) || cx_rt_define(X, evo, ev->fields->keys[i], v))
				cx_catch(X);
		}
		if (ev->sendn) {
			char sid[CX_SUBID_SZ];
			cx_rt_id(sid, sizeof(sid), s->id, ".send", ev->sendn);
			cx_sess__defk(X, evo, CX_SESS_KEY("sendid"), cx_sess__strv(X, sid));
		}
	}
	char eid[16];
	cx_rt_id(eid, sizeof(eid), "", "e", s->evnum);
	cx_sess__defk(X, evo, CX_SESS_KEY("name"), cx_sess__strv(X, ev->name));
	cx_sess__defk(X, evo, CX_SESS_KEY("eventid"), cx_sess__strv(X, eid));
	cx_value src = CX_UNDEFINED;
	if ((!ev->source || !strcmp(ev->source, s->id)) && /* the string session.id holds */
	    cx_is_obj(X->slots[CX_SLOT_SESSION]))
		src = cx_get_s(X, X->slots[CX_SLOT_SESSION], CX_SESS_KEY("id"));
	if (cx_is_exc(src))
		cx_catch(X);
	if (!cx_is_str(src))
		src = cx_sess__strv(X, ev->source ? ev->source : s->id);
	cx_sess__defk(X, evo, CX_SESS_KEY("eventsource"), src);
	cx_sess__defk(X, evo, CX_SESS_KEY("eventsourcetype"), cx_sess__strv(X, ev->sourcetype));
	if (ev->conn) {
		cx_sess__defk(X, evo, CX_SESS_KEY("connection"), s->evconn);
		if (cx_is_obj(s->evconn))
			cx_sess__defk(X, evo, CX_SESS_KEY("protocol"),
				      cx_get_s(X, s->evconn, CX_SESS_KEY("protocol")));
	}
	if (ev->dlg)
		cx_sess__defk(X, evo, CX_SESS_KEY("dialog"), s->evdlg);
	return X->slots[CX_SLOT_EVENT] = evo;
}

int cx_sess_step(cx_sess *s)
{
	cx_ctx *X = s->X;
	cx_ev *ev;
	cx_value conno, dlgo;
	const cx_transition *t = NULL;
	int rc;

	if (s->ending || !s->q.head)
		return 0;
	ev = s->q.head->data;
	list_unlink(&ev->le);
	s->nq--;
	s->nqs -= ev->counted;

	if (ev->errdepth > CX_RT_ERRLOOP_MAX) {
		cx_log(CX_LOG_ERR, s->id, "error loop: %H raised while handling an error "
		       "event %d times in a row; ending the session", cx_rt_esc, ev->name,
		       ev->errdepth);
		mem_deref(ev);
		cx_sess_end(s, CX_END_ERROR);
		return 1;
	}

	/* An event no transition can take, in any state (the usual send.successful of a <send>
	 * to oneself): nothing runs, nothing reads session or event$; counted as handled
	 * (eventid numbers, metrics) and dropped. Connection and dialog events go the long way
	 * (their objects' states and removal), and so does everything under --trace. */
	if (ev->nkey && !ev->conn && !ev->dlg && !s->eng->trace && s->doc->select &&
	    cx_sess__dead(s, ev->nkey)) {
		s->nev++;
		cx_met_event(s->eng, ev->posted_us, 1 + cx_sess__trail(s, ev));
		mem_deref(ev);
		goto collect;
	}

	/* the platform objects as of THIS event */
	if (ev->conn && ev->cstate)
		ev->conn->vstate = ev->cstate;
	if (ev->dlg && ev->dstate)
		ev->dlg->vstate = ev->dstate;
	s->cur = ev;
	/* session as of this event: now if the document names it; else only when event$ is
	 * made for an event with a connection or dialog (cx_sess_event), for the objects it
	 * shares with session (nothing between here and there changes what session shows) */
	conno = dlgo = CX_UNDEFINED;
	s->viewed = s->doc->reads_session;
	if (s->viewed)
		cx_sess__view(s, &conno, &dlgo, 0);

	/* event$ is made now only if a function may read it; else before the first cond or body
	 * that does (cx_sess_event) */
	s->evmade = 0;
	s->evnum = ++s->nev;
	s->evconn = conno;
	s->evdlg = dlgo;
	X->slots[CX_SLOT_EVENT] = CX_UNDEFINED;
	if (s->doc->reads_event_always)
		cx_sess_event(s);
	X->steps = s->eng->budget ? s->eng->budget : CX_RT_BUDGET;

	t = cx_sess__select(s, ev);
	if (t) {
		if (t->reads_event & CX_EVREAD_BODY)
			cx_sess_event(s);
		rc = t->body ? t->body(X) : 0;
		if (rc == CX_FAIL && cx_is_exc(X->exc))
			cx_semantic(X, CX_E_transition, t->line); /* body forgot to report */
		if ((ev->name[0] | 0x20) == 'c' && !strcasecmp(ev->name, "ccxml.kill.unconditional"))
			cx_sess_end(s, CX_END_KILL);
	}
	else if ((ev->name[0] | 0x20) == 'e' && !strncasecmp(ev->name, "error.", 6)) {
		cx_log(CX_LOG_ERR, s->id, "unhandled %H; ending the session", cx_rt_esc, ev->name);
		cx_sess_end(s, CX_END_ERROR);
	}
	else if ((ev->name[0] | 0x20) == 'c' && !strncasecmp(ev->name, "ccxml.kill", 10)) {
		cx_sess_end(s, CX_END_KILL);
	}

	/* a final connection/dialog leaves the session after its final event and is freed
	 * (unless <move> gave it to another session meanwhile: the copy of the event sent along
	 * does it there); a long-running session keeps none of its ended calls (conn.c) */
	if (ev->conn && ev->cfinal && ev->conn->sess == s)
		cx_conn_reap(s, ev->conn);
	if (ev->dlg && ev->dfinal && ev->dlg->sess == s)
		cx_dlg_reap(s, ev->dlg);
	s->cur = NULL;
	s->evconn = s->evdlg = CX_UNDEFINED;
	cx_met_event(s->eng, ev->posted_us, 1 + cx_sess__trail(s, ev)); /* a dropped trail too */
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
				free(s->snap); /* session.uri changed: rebuild at the next event */
				s->snap = NULL;
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
				/* posted (counted, stamped), then moved to the head; a post that
				 * refuses it (a session ending) frees it: hold it until known */
				mem_ref(lev);
				cx_sess_post(s, lev);
				if (lev->le.list == &s->q) {
					list_unlink(&lev->le);
					list_prepend(&s->q, &lev->le, lev);
				}
				mem_deref(lev);
			}
		}
		else
			cx_sess_error(s, "error.fetch", "goto", "out of memory");
	}
	/* Collected by allocation pressure, not after every event (heap.c); a session with
	 * nothing queued may now wait for a long time: collect its garbage if there is some and
	 * do not let it keep the dead blocks its heap recycles (about 5 KB per idle session in
	 * bench/run.sh). */
collect:
	if (!list_isempty(&s->q))
		cx_gc_maybe(X, 0);
	else {
		cx_gc_maybe(X, 1);
		cx_heap_trim(X);
	}
	return 1;
}

