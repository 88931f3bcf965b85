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
#include "prov.h"

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
	ev->posted_us = cx_met_now_us();
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

	cx_log(CX_LOG_WARN, s->id, "%s%s%s%s%s%s: %H", where ? where : "",
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
	char where[300];

	d = cx_exc_describe(X, exc);
	if (cx_is_str(d))
		reason = cx_str_to_utf8(X, d.u.s, NULL);
	if (!s)
		return CX_FAIL;
	cx_sess__where(s, line, where, sizeof(where));
	cx_sess__raise(s, "error.semantic", tag, where, reason ? reason : "exception");
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
