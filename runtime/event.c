/*
 * event.c — events of the runtime: building one (cx_ev_*), queueing it on a session, raising
 * error.* events, turning an ECMAScript exception into error.semantic; and the two small
 * languages events are matched and scheduled with: event patterns and CSS2 times.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <errno.h>
#include <pthread.h>
#include "prov.h"

/* Section - Keys */

/* The property names the runtime gives its objects (event$, session and what they hold) and a
 * few values it gives often (event names, source types), as static strings: a property or
 * value made with one of them needs no string made in the heap, and a lookup of the same name
 * by generated code compares the same hash. */
#define CX_EV__KEY(k) {CX_STR_STATIC_MARK, sizeof(k) - 1, 0, 0, k}
static struct cx_str_static cx_ev__keys[] = {
	CX_EV__KEY("id"),
	CX_EV__KEY("aai"),
	CX_EV__KEY("id1"),
	CX_EV__KEY("id2"),
	CX_EV__KEY("sip"),
	CX_EV__KEY("src"),
	CX_EV__KEY("uri"),
	CX_EV__KEY("dtmf"),
	CX_EV__KEY("expr"),
	CX_EV__KEY("info"),
	CX_EV__KEY("name"),
	CX_EV__KEY("type"),
	CX_EV__KEY("ccxml"),
	CX_EV__KEY("input"),
	CX_EV__KEY("local"),
	CX_EV__KEY("state"),
	CX_EV__KEY("dialog"),
	CX_EV__KEY("parent"),
	CX_EV__KEY("reason"),
	CX_EV__KEY("remote"),
	CX_EV__KEY("sendid"),
	CX_EV__KEY("values"),
	CX_EV__KEY("dialogs"),
	CX_EV__KEY("eventid"),
	CX_EV__KEY("fetchid"),
	CX_EV__KEY("outputs"),
	CX_EV__KEY("sipcode"),
	CX_EV__KEY("tagname"),
	CX_EV__KEY("trigger"),
	CX_EV__KEY("version"),
	CX_EV__KEY("confname"),
	CX_EV__KEY("dialogid"),
	CX_EV__KEY("parentid"),
	CX_EV__KEY("platform"),
	CX_EV__KEY("protocol"),
	CX_EV__KEY("redirect"),
	CX_EV__KEY("sourceid"),
	CX_EV__KEY("substate"),
	CX_EV__KEY("basichttp"),
	CX_EV__KEY("sessionid"),
	CX_EV__KEY("sipreason"),
	CX_EV__KEY("ccxml.exit"),
	CX_EV__KEY("ccxml.kill"),
	CX_EV__KEY("connection"),
	CX_EV__KEY("originator"),
	CX_EV__KEY("conferences"),
	CX_EV__KEY("connections"),
	CX_EV__KEY("eventsource"),
	CX_EV__KEY("startupmode"),
	CX_EV__KEY("ccxml.loaded"),
	CX_EV__KEY("conferenceid"),
	CX_EV__KEY("connectionid"),
	CX_EV__KEY("ioprocessors"),
	CX_EV__KEY("createsession"),
	CX_EV__KEY("error.semantic"),
	CX_EV__KEY("eventsourcetype"),
	CX_EV__KEY("send.successful")
};

/* cx_rt_key finds a name by its FNV-1a hash in an open-addressing table of indexes into
 * cx_ev__keys (0: empty), filled once. */
#define CX_EV__NKEYS (sizeof(cx_ev__keys) / sizeof(cx_ev__keys[0]))
#define CX_EV__TAB 256 /* a power of two, at least 2 * CX_EV__NKEYS */
_Static_assert(CX_EV__TAB >= 2 * CX_EV__NKEYS, "cx_ev__tab too small for cx_ev__keys");
static uint8_t cx_ev__tab[CX_EV__TAB];
static pthread_once_t cx_ev__tab_once = PTHREAD_ONCE_INIT;

static uint32_t cx_ev__hash(const char *k, size_t *len)
{
	uint32_t h = 2166136261u;
	const char *p = k;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*len = (size_t)(p - k);
	return h;
}

static void cx_ev__tab_fill(void)
{
	size_t i, n;

	for (i = 0; i < CX_EV__NKEYS; i++) {
		uint32_t h = cx_ev__hash(cx_ev__keys[i].chars, &n) & (CX_EV__TAB - 1);
		while (cx_ev__tab[h])
			h = (h + 1) & (CX_EV__TAB - 1);
		cx_ev__tab[h] = (uint8_t)(i + 1);
	}
}

cx_str *cx_rt_key(const char *k)
{
	size_t n;
	uint32_t h = cx_ev__hash(k, &n) & (CX_EV__TAB - 1);

	pthread_once(&cx_ev__tab_once, cx_ev__tab_fill);
	for (; cx_ev__tab[h]; h = (h + 1) & (CX_EV__TAB - 1)) {
		const struct cx_str_static *e = &cx_ev__keys[cx_ev__tab[h] - 1];
		if (e->len == n && !memcmp(e->chars, k, n))
			return (cx_str *)e;
	}
	return NULL;
}

size_t cx_rt_id(char *buf, size_t sz, const char *a, const char *b, uint32_t n)
{
	char dig[10];
	size_t len = 0, nd = 0;
	const char *p;

	if (!sz)
		return 0;
	for (p = a; *p && len + 1 < sz; p++)
		buf[len++] = *p;
	for (p = b; *p && len + 1 < sz; p++)
		buf[len++] = *p;
	do
		dig[nd++] = (char)('0' + n % 10);
	while (n /= 10);
	while (nd && len + 1 < sz)
		buf[len++] = dig[--nd];
	buf[len] = '\0';
	return len;
}

int cx_rt_define(cx_ctx *X, cx_value o, const char *k, cx_value v)
{
	cx_str *sk = cx_rt_key(k);

	return sk ? cx_define(X, o, sk, v, 0) : cx_define_cstr(X, o, k, v, 0);
}

/* Section - Events */

const char cx_ev_sent[] = "send.successful";

static void cx_ev__destroy(void *arg)
{
	cx_ev *ev = arg;

	if (ev->rooted && ev->sess && ev->sess->X)
		cx_root_remove(ev->sess->X, &ev->obj);
	for (uint8_t i = 0; i < ev->npend; i++)
		mem_deref(ev->pend[i].val);
	if (ev->name != ev->nbuf)
		mem_deref(ev->name);
	mem_deref(ev->source);
	mem_deref(ev->conn);
	mem_deref(ev->dlg);
	mem_deref(ev->fields);
}

/* A new event's block, zeroed as far as it is read before written (cx_ev.nbuf). */
static cx_ev *cx_ev__alloc(void)
{
	cx_ev *ev = mem_alloc(sizeof(*ev), cx_ev__destroy);

	if (ev)
		memset(ev, 0, offsetof(cx_ev, nbuf));
	return ev;
}

cx_ev *cx_ev_new(cx_sess *s, const char *name)
{
	cx_ev *ev = cx_ev__alloc();

	if (!ev)
		return NULL;
	ev->sess = s;
	ev->obj = CX_UNDEFINED; /* made by cx_ev__obj when first needed */
	if (str_dup(&ev->name, name))
		return mem_deref(ev);
	ev->sourcetype = "ccxml";
	return ev;
}

/* The object of a cx_ev_new event, made (rooted, with the fields kept back so far, in order)
 * the first time it is needed. Undefined when it cannot be made (out of memory, as before). */
static cx_value cx_ev__obj(cx_ev *ev)
{
	cx_ctx *X;

	if (ev->lazy || ev->rooted || !ev->sess || !ev->sess->X)
		return ev->obj;
	X = ev->sess->X;
	if (cx_root_add(X, &ev->obj, 1))
		return ev->obj;
	ev->rooted = 1;
	ev->obj = cx_obj_new(X);
	if (cx_is_exc(ev->obj)) {
		cx_catch(X);
		ev->obj = CX_UNDEFINED;
	}
	for (uint8_t i = 0; i < ev->npend; i++) {
		cx_value v = ev->pend[i].sval ? cx_strv(ev->pend[i].sval) :
			     ev->pend[i].val ? cx_str_cstr(X, ev->pend[i].val) : CX_UNDEFINED;
		if (cx_is_obj(ev->obj) && (cx_is_exc(v) || cx_define(X, ev->obj, ev->pend[i].key, v, 0)))
			cx_catch(X);
		ev->pend[i].val = mem_deref(ev->pend[i].val);
	}
	ev->npend = 0;
	return ev->obj;
}

cx_value cx_ev_obj(cx_ev *ev)
{
	return ev ? cx_ev__obj(ev) : CX_UNDEFINED;
}

cx_ev *cx_ev_new_lazy(cx_sess *s, const char *name, cx_cval *fields, uint32_t sendn)
{
	cx_ev *ev = cx_ev__alloc();
	size_t n = strlen(name);

	if (ev && n < sizeof(ev->nbuf))
		ev->name = memcpy(ev->nbuf, name, n + 1);
	else if (!ev || str_dup(&ev->name, name)) {
		mem_deref(fields);
		return mem_deref(ev);
	}
	ev->obj = CX_UNDEFINED; /* never rooted: sess.c makes the object during the step */
	ev->lazy = 1;
	ev->fields = fields;
	ev->sendn = sendn;
	ev->sourcetype = "ccxml";
	return ev;
}

cx_ev *cx_ev_sent_new(cx_sess *s, uint32_t sendn)
{
	cx_ev *ev = cx_ev_new_lazy(s, cx_ev_sent, NULL, sendn);

	if (ev)
		ev->nkey = cx_ev_sent;
	return ev;
}

void cx_ev_val(cx_ev *ev, const char *key, cx_value v)
{
	if (!ev || !cx_is_obj(cx_ev__obj(ev)))
		return;
	if (cx_is_exc(v) || cx_rt_define(ev->sess->X, ev->obj, key, v))
		cx_catch(ev->sess->X);
}

void cx_ev_str(cx_ev *ev, const char *key, const char *val)
{
	cx_str *k = val ? cx_rt_key(val) : NULL;

	if (!ev || ev->lazy)
		return;
	if (!ev->rooted && ev->npend < sizeof(ev->pend) / sizeof(ev->pend[0])) {
		cx_str *kk = cx_rt_key(key); /* a name of the runtime's: static, no copy */
		char *copy = NULL;
		if (kk && (k || !val || !str_dup(&copy, val))) {
			ev->pend[ev->npend].key = kk;
			ev->pend[ev->npend].sval = k;
			ev->pend[ev->npend++].val = copy;
			return;
		}
	}
	cx_ev_val(ev, key, k ? cx_strv(k) : val ? cx_str_cstr(ev->sess->X, val) : CX_UNDEFINED);
}

void cx_ev_num(cx_ev *ev, const char *key, double n)
{
	cx_ev_val(ev, key, cx_num(n));
}

void cx_ev_cval(cx_ev *ev, const char *key, const cx_cval *c)
{
	if (!ev || ev->lazy)
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

/* The count of events refused by s's queue limits in a quiet time (cx_quiet). */
static void cx_sess__quiet_h(void *arg, uint64_t n)
{
	cx_sess *s = arg;

	cx_log(CX_LOG_WARN, s->id, "events refused: its event queue or its delayed sends are at "
	       "their limit of %u (--max-queue)%H", s->eng->max_queue, cx_quiet_more, &n);
}

void cx_sess_refused(cx_sess *s, const char *why, const char *what)
{
	uint64_t n;

	s->eng->met.ev_refused++;
	if (cx_quiet_ok(&s->qfull, &n, cx_sess__quiet_h, s))
		cx_log(CX_LOG_WARN, s->id, "%s: %s refused%H", why, what, cx_quiet_more, &n);
}

int cx_sess_room(cx_sess *s, const char *what)
{
	char why[64];

	if (s->nqs < s->eng->max_queue)
		return 1;
	snprintf(why, sizeof(why), "event queue full (%u events sent to it)", s->nqs);
	cx_sess_refused(s, why, what);
	return 0;
}

void cx_sess_post(cx_sess *s, cx_ev *ev)
{
	if (!ev)
		return;
	if (!s || s->ending) {
		mem_deref(ev);
		return;
	}
	/* past the hard bound even the events that cx_sess_room does not refuse stop: the
	 * document makes events faster than it takes them (an error handler that sends two
	 * events for each error); it would take the process's memory */
	if (s->nq >= (uint64_t)s->eng->max_queue * CX_RT_QUEUE_HARD) {
		cx_log(CX_LOG_ERR, s->id, "event queue passed %u events (%s the last): the "
		       "document makes events faster than it takes them; ending the session",
		       s->nq, ev->name);
		mem_deref(ev);
		s->eng->met.runaway++;
		cx_sess_end(s, CX_END_ERROR);
		return;
	}
	/* an error raised while an error event is handled inherits its depth (error loops) */
	if ((ev->name[0] | 0x20) == 'e' && !strncasecmp(ev->name, "error.", 6) && s->cur) {
		ev->errdepth = !strncasecmp(s->cur->name, "error.", 6) ? s->cur->errdepth + 1 : 1;
	}
	ev->posted_us = cx_met_now_us();
	list_append(&s->q, &ev->le, ev);
	s->nq++;
	s->nqs += ev->counted;
	if (!s->queued) {
		s->queued = 1;
		list_append(&s->eng->runq, &s->rle, s);
	}
	cx_engine_kick(s->eng);
}

/* Queue error.<name> with reason and tagname; one diagnostic line on stderr. */
static void cx_sess__raise_at(cx_sess *s, const char *name, const char *tag, const char *where,
			      const char *reason, const char *at)
{
	cx_ev *ev;

	cx_log(CX_LOG_WARN, s->id, "%s%s%s%s%s%s: %H%s%H%s", where ? where : "",
		   where ? ": " : "", name, tag ? " (<" : "", tag ? tag : "", tag ? ">)" : "", cx_rt_esc,
		   reason, at ? " (at " : "", cx_rt_esc, at ? at : "", at ? ")" : "");
	ev = cx_ev_new(s, name);
	cx_ev_str(ev, "reason", reason);
	cx_ev_str(ev, "tagname", tag);
	cx_sess_post(s, ev);
}

static void cx_sess__raise(cx_sess *s, const char *name, const char *tag, const char *where,
			   const char *reason)
{
	cx_sess__raise_at(s, name, tag, where, reason, NULL);
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

/* "app.ccxml:12": where in the session's document an element raised an error (the log line
 * names it; the event's reason does not carry it). */
static void cx_sess__where(const cx_sess *s, int line, char *where, size_t n)
{
	snprintf(where, n, "%s:%d", s->doc && s->doc->name ? s->doc->name : "?", line);
}

void cx_sess_error_at(cx_sess *s, int line, const char *name, const char *tag, const char *fmt, ...)
{
	char reason[512], where[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	cx_sess__where(s, line, where, sizeof(where));
	cx_sess__raise(s, name, tag, where, reason);
}

int cx_semantic(cx_ctx *X, int elem, int line)
{
	cx_sess *s = X->user;
	cx_value exc = cx_catch(X), d;
	const char *reason = NULL;
	const char *tag = (elem >= 0 && elem < CX_E__COUNT) ? cx_elem_table[elem].tag : "script";
	char where[300], at[300];
	const char *file;
	/* the statement where it arose, when that is not the element's own line: a <script>'s
	 * statement, a function's (a <script src> file's, or a fetched script's: file:line); read
	 * before describing the exception, which may run a script's toString */
	int atline = cx_doccomp_exc_where(s ? s->eng : NULL, X, &file);

	if (!s)
		return CX_FAIL;
	if (file || s->script_el)
		snprintf(at, sizeof(at), "%s:%d", file ? file : s->script_url ? s->script_url :
			 "fetched script", atline);
	else
		cx_sess__where(s, atline, at, sizeof(at));
	d = cx_exc_describe(X, exc);
	if (cx_is_str(d))
		reason = cx_str_to_utf8(X, d.u.s, NULL);
	if (s->script_el)  /* a fetched script's line is its own: the error is the element's */
		line = s->script_el->line;
	cx_sess__where(s, line, where, sizeof(where));
	cx_sess__raise_at(s, "error.semantic", tag, where, reason ? reason : "exception",
			  atline > 0 && (file || s->script_el || atline != line) ? at : NULL);
	return CX_FAIL;
}

/* Section - Patterns and times */


/* CSS2 time: [+]number unit, unit "s" or "ms" (case-insensitive), number = digits [. digits]
 * or . digits. A sign '-' is refused: a negative delay makes no sense for CCXML. */
int cx_rt_time(const char *s, uint64_t *ms)
{
	double v = 0, scale = 1;
	int ndig = 0;

	if (!s || !ms)
		return EINVAL;
	while (isspace((unsigned char)*s))
		++s;
	if (*s == '+')
		++s;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		++ndig;
	}
	if (*s == '.') {
		++s;
		while (isdigit((unsigned char)*s)) {
			scale /= 10;
			v += (*s++ - '0') * scale;
			++ndig;
		}
	}
	if (!ndig)
		return EINVAL;
	if ((s[0] == 'm' || s[0] == 'M') && (s[1] == 's' || s[1] == 'S'))
		s += 2;
	else if (s[0] == 's' || s[0] == 'S')
		v *= 1000, s += 1;
	else
		return EINVAL;
	while (isspace((unsigned char)*s))
		++s;
	if (*s || v > 1e12)
		return EINVAL;
	*ms = (uint64_t)(v + 0.5);
	return 0;
}

int cx_rt_match(const char *p, const char *name)
{
	size_t pl, nl;

	if (!p)
		return 1;
	pl = strlen(p);
	nl = strlen(name);
	if (pl == 1 && p[0] == '*')
		return 1;
	if (pl >= 2 && p[pl - 2] == '.' && p[pl - 1] == '*') {
		/* "x.*" matches "x" itself and any "x.…" */
		size_t k = pl - 2;
		if (nl < k || strncasecmp(p, name, k))
			return 0;
		return name[k] == '\0' || name[k] == '.';
	}
	if (pl >= 1 && p[pl - 1] == '*')
		return nl >= pl - 1 && !strncasecmp(p, name, pl - 1);
	return !strcasecmp(p, name);
}
