/*
 * sim.c — the simulated telephony provider (--sim, --sim=FILE; format in docs/sim.md).
 * Deterministic: every outcome is a libre timer set from the scenario rules.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include "prov.h"

enum cx_sim_kind { SIM_CALL, SIM_INBOUND, SIM_DIALOG, SIM_HTTP };
enum cx_sim_act { SIM_ANSWER, SIM_FAIL, SIM_NOANSWER, SIM_DURATION, SIM_DFAIL };

typedef struct cx_sim_rule {
	struct le le;
	int kind, act, code;
	char *pat, *from, *to;
	uint64_t ring, hangup, at, duration;
	int has_hangup;
	char *dtmf;            /* dtmf=DIGITS@TIME[,…] (times from CONNECTED), or NULL */
	uint32_t att_lo, att_hi; /* call: attempt=LO[-HI] (0: any) */
	uint32_t sess;         /* basichttp: the session's number (1: the first started) */
	cx_cval *vals;         /* basichttp: the fields, as the listener nests them */
	char *src;             /* basichttp: eventsource= or NULL */
	int line;              /* in the scenario file */
} cx_sim_rule;

/* How many <createcall>s went to one destination (attempt=), kept only for destinations an
 * attempt= rule's pattern matches (no other count can choose a rule), and counted no further
 * than the attempt from which the same rule applies for good (cx_sim__horizon): a run that
 * calls many numbers keeps nothing for them unless a rule asks for their attempts. */
typedef struct cx_sim_dest {
	struct le he;          /* in cx_sim_st.dests */
	char *dest;
	uint32_t n;
} cx_sim_dest;

typedef struct cx_sim_in {
	struct le le;
	cx_engine *e;
	const cx_sim_rule *r;
	uint32_t seq;          /* its rank in the scenario: equal times keep the file's order */
} cx_sim_in;

typedef struct cx_sim_st {
	struct list rules;
	struct list inbound;   /* cx_sim_in not yet delivered (inbound calls, basichttp events),
				* in the order they are due */
	struct tmr intmr;      /* the first of them: one timer for all (libre inserts a timer in
				* a sorted list, so one each made 100,000 lines quadratic) */
	uint64_t t0;           /* cx_clock_ms() at setup: each line's at= counts from it */
	struct hash *dests;    /* cx_sim_dest by dest (made at the first one) */
	uint32_t ndests;
	uint32_t natt;         /* call rules with attempt= */
	int lineno;            /* of the line being read */
	struct list edges;     /* cx_sim_edge: who hears whom, as the SIP provider's mixer keeps it */
} cx_sim_st;

/* dst hears src: "c<id>" for a connection (ids are unique in the process), "<session>/<id>"
 * for a conference (its id is per session). Names, never pointers: nothing dangles. */
typedef struct cx_sim_edge {
	struct le le;
	char dst[CX_SESS_IDSZ + 32], src[CX_SESS_IDSZ + 32];
} cx_sim_edge;

/* A conference's provider data: its joins go with it. */
typedef struct cx_sim_conf {
	cx_engine *e;
	char node[CX_SESS_IDSZ + 32];
} cx_sim_conf;

typedef struct cx_sim_conn {
	cx_conn *c;            /* owner (weak: pd lives inside the connection) */
	struct tmr t1, t2;
	int code;
	uint64_t hangup;
	int has_hangup;
	const char *dtmf;      /* the rule's dtmf= (the rules outlive the calls) */
	struct list keys;      /* cx_sim_key: digits still to press */
} cx_sim_conn;

typedef struct cx_sim_dlg {
	cx_dlg *d;
	struct tmr t;
	cx_vx_run *vx;         /* a compiled VoiceXML dialog, or NULL (audio) */
} cx_sim_dlg;

/* Digits the simulated caller presses at a time from CONNECTED. */
typedef struct cx_sim_key {
	struct le le;
	cx_sim_conn *sc;
	struct tmr t;
	uint64_t at;           /* when the caller presses them (cx_clock_ms) */
	char digits[32];
} cx_sim_key;

static void cx_sim_rule__destroy(void *arg)
{
	cx_sim_rule *r = arg;

	list_unlink(&r->le);
	mem_deref(r->pat);
	mem_deref(r->from);
	mem_deref(r->to);
	mem_deref(r->dtmf);
	mem_deref(r->vals);
	mem_deref(r->src);
}

static void cx_sim_dest__destroy(void *arg)
{
	cx_sim_dest *d = arg;

	hash_unlink(&d->he);
	mem_deref(d->dest);
}

static void cx_sim_in__destroy(void *arg)
{
	cx_sim_in *in = arg;

	list_unlink(&in->le);
}

static void cx_sim_st__destroy(void *arg)
{
	cx_sim_st *st = arg;

	tmr_cancel(&st->intmr);
	list_flush(&st->inbound);
	list_flush(&st->rules);
	if (st->dests)
		hash_flush(st->dests);
	mem_deref(st->dests);
	list_flush(&st->edges);
}

static void cx_sim_conn__destroy(void *arg)
{
	cx_sim_conn *sc = arg;

	tmr_cancel(&sc->t1);
	tmr_cancel(&sc->t2);
	list_flush(&sc->keys);
}

static void cx_sim_key__destroy(void *arg)
{
	cx_sim_key *k = arg;

	tmr_cancel(&k->t);
	list_unlink(&k->le);
}

static void cx_sim_dlg__destroy(void *arg)
{
	cx_sim_dlg *sd = arg;

	tmr_cancel(&sd->t);
	mem_deref(sd->vx);
}

static cx_sim_st *cx_sim__st(cx_engine *e)
{
	if (!e->provst) {
		cx_sim_st *st = mem_zalloc(sizeof(*st), cx_sim_st__destroy);
		e->provst = st;
	}
	return e->provst;
}

static cx_sim_conn *cx_sim__pd(cx_conn *c)
{
	cx_sim_conn *sc = c->pd;

	if (!sc) {
		sc = mem_zalloc(sizeof(*sc), cx_sim_conn__destroy);
		if (!sc)
			return NULL;
		sc->c = c;
		tmr_init(&sc->t1);
		tmr_init(&sc->t2);
		c->pd = sc;
	}
	return sc;
}

/* Section - Scenario parsing */

/* dtmf=DIGITS@TIME[,DIGITS@TIME…]: 0 taken, 1 not this option, -1 bad (em says why). */
static int cx_sim__opt_dtmf(const char *tok, char **out, char *em, size_t esz)
{
	char buf[256], *save = NULL;

	if (strncmp(tok, "dtmf=", 5))
		return 1;
	size_t tl = strlen(tok + 5);
	if (tl >= sizeof(buf) || !tl || tok[5] == ',' || tok[5 + tl - 1] == ',' || strstr(tok, ",,")) {
		snprintf(em, esz, "bad dtmf '%s' (want DIGITS@TIME[,DIGITS@TIME...])", tok + 5);
		return -1;
	}
	strcpy(buf, tok + 5);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *at = strchr(p, '@');
		uint64_t ms;
		size_t n = at ? (size_t)(at - p) : 0;
		if (!at || !n || n >= sizeof(((cx_sim_key *)0)->digits) || strspn(p, CX_DTMF_KEYS) != n ||
		    cx_rt_time(at + 1, &ms)) {
			snprintf(em, esz, "bad dtmf '%s' (want DIGITS@TIME, digits 0-9*#A-D, e.g. 42#@3s)", p);
			return -1;
		}
	}
	str_dup(out, tok + 5);
	return 0;
}

static int cx_sim__opt_time(const char *tok, const char *key, uint64_t *ms, int *seen, char *em, size_t esz)
{
	size_t kl = strlen(key);

	if (strncmp(tok, key, kl) || tok[kl] != '=')
		return 1; /* not this option */
	if (cx_rt_time(tok + kl + 1, ms)) {
		snprintf(em, esz, "bad time '%s' for %s (want e.g. 2s, 150ms, .5s)", tok + kl + 1, key);
		return -1;
	}
	if (seen)
		*seen = 1;
	return 0;
}

/* attempt=N, attempt=N-M or attempt=N- (N and later): 0 taken, 1 not this option, -1 bad */
static int cx_sim__opt_attempt(const char *tok, cx_sim_rule *r, char *em, size_t esz)
{
	const char *p = tok + 8;
	char *end;
	unsigned long lo, hi;

	if (strncmp(tok, "attempt=", 8))
		return 1;
	lo = strtoul(p, &end, 10);
	hi = lo;
	if (end != p && *end == '-') {
		p = end + 1;
		hi = *p ? strtoul(p, &end, 10) : UINT32_MAX;
		if (!*p)
			end = (char *)p;
		else if (end == p)
			hi = 0;
	}
	if (!isdigit((unsigned char)tok[8]) || *end || lo < 1 || hi < lo || lo > 1000000 ||
	    (hi != UINT32_MAX && hi > 1000000)) {
		snprintf(em, esz, "bad attempt '%s' (want N, N-M or N-: the Nth <createcall> to the "
			 "same dest, counted from 1)", tok + 8);
		return -1;
	}
	r->att_lo = (uint32_t)lo;
	r->att_hi = (uint32_t)hi;
	return 0;
}

/* %XX escapes of a scenario value (a space is %20, as in a form); 0 or -1 */
static int cx_sim__unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
			return -1;
		char hex[3] = {s[1], s[2], '\0'};
		*w++ = (char)strtol(hex, NULL, 16);
		s += 2;
	}
	*w = '\0';
	return 0;
}

/* basichttp at=TIME name=EVENT [session=N] [eventsource=URI] [FIELD=VALUE]... */
static int cx_sim__parse_http(cx_sim_rule *r, char **tok, int n, char *em, size_t esz)
{
	int i, rc, have_at = 0;
	char *name = NULL;

	r->sess = 1;
	r->vals = cx_cval_str(NULL);
	if (!r->vals) {
		snprintf(em, esz, "out of memory");
		return -1;
	}
	r->vals->tag = CX_T_OBJ;
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		rc = cx_sim__opt_time(tok[i], "at", &r->at, &have_at, em, esz);
		if (rc < 0)
			return -1;
		if (!rc)
			continue;
		if (!eq || eq == tok[i]) {
			snprintf(em, esz, "unexpected '%s' in a 'basichttp' rule (want at=TIME, "
				 "name=EVENT, session=N, eventsource=URI or FIELD=VALUE)", tok[i]);
			return -1;
		}
		*eq = '\0';
		if (cx_sim__unescape(eq + 1)) {
			snprintf(em, esz, "bad %% escape in '%s=%s' (want %%XX, e.g. %%20 for a space)",
				 tok[i], eq + 1);
			return -1;
		}
		if (!strcmp(tok[i], "session")) {
			char *end;
			unsigned long v = strtoul(eq + 1, &end, 10);
			if (!isdigit((unsigned char)eq[1]) || *end || v < 1 || v > UINT32_MAX) {
				snprintf(em, esz, "bad session '%s' (want N: the Nth session the program "
					 "started, from 1)", eq + 1);
				return -1;
			}
			r->sess = (uint32_t)v;
		}
		else if (!strcmp(tok[i], "name"))
			name = eq + 1;
		else if (!strcmp(tok[i], "eventsource"))
			str_dup(&r->src, eq + 1);
		else if (!strcmp(tok[i], "sessionid") || !strcmp(tok[i], "secret") ||
			 !strcmp(tok[i], "token")) {
			snprintf(em, esz, "'%s' is not a field of the event (the listener takes it out); "
				 "use session=N", tok[i]);
			return -1;
		}
		else if (cx_http_nest(r->vals, tok[i], eq + 1, em, esz))
			return -1;
	}
	if (!have_at) {
		snprintf(em, esz, "'basichttp' needs at=TIME");
		return -1;
	}
	if (!name || !*name) {
		snprintf(em, esz, "'basichttp' needs name=EVENT");
		return -1;
	}
	if (cx_http_evname(name, em, esz))
		return -1;
	str_dup(&r->pat, name);
	return 0;
}

int cx_sim_parse_line(cx_engine *e, const char *line, char *em, size_t esz)
{
	char buf[1024], *tok[16], *p, *hash;
	int n = 0, i, rc, err = EINVAL;
	cx_sim_st *st = cx_sim__st(e);
	cx_sim_rule *r;

	if (!st) {
		snprintf(em, esz, "out of memory");
		return ENOMEM;
	}
	if (strlen(line) >= sizeof(buf)) {
		snprintf(em, esz, "line too long");
		return EINVAL;
	}
	strcpy(buf, line);
	/* '#' starts a comment at the start of a word (dtmf=42#@6s holds one) */
	for (hash = strchr(buf, '#'); hash; hash = strchr(hash + 1, '#'))
		if (hash == buf || isspace((unsigned char)hash[-1])) {
			*hash = '\0';
			break;
		}
	for (p = strtok(buf, " \t\r\n"); p && n < 16; p = strtok(NULL, " \t\r\n"))
		tok[n++] = p;
	if (n == 0)
		return 0;
	if (p) {
		snprintf(em, esz, "too many words");
		return EINVAL;
	}
	r = mem_zalloc(sizeof(*r), cx_sim_rule__destroy);
	if (!r) {
		snprintf(em, esz, "out of memory");
		return ENOMEM;
	}
	r->ring = 50;
	r->line = st->lineno;
	if (!strcmp(tok[0], "call")) {
		r->kind = SIM_CALL;
		if (n < 3) {
			snprintf(em, esz, "'call' needs a dest pattern and an outcome (answer, busy, fail CODE, noanswer)");
			goto out;
		}
		str_dup(&r->pat, tok[1]);
		i = 3;
		if (!strcmp(tok[2], "answer"))
			r->act = SIM_ANSWER;
		else if (!strcmp(tok[2], "busy"))
			r->act = SIM_FAIL, r->code = 486;
		else if (!strcmp(tok[2], "noanswer"))
			r->act = SIM_NOANSWER;
		else if (!strcmp(tok[2], "fail")) {
			char *end;
			long code;
			if (n < 4) {
				snprintf(em, esz, "'fail' needs a SIP code (400..699)");
				goto out;
			}
			code = strtol(tok[3], &end, 10);
			if (*end || code < 400 || code > 699) {
				snprintf(em, esz, "bad SIP code '%s' (want 400..699)", tok[3]);
				goto out;
			}
			r->act = SIM_FAIL;
			r->code = (int)code;
			i = 4;
		}
		else {
			snprintf(em, esz, "unknown call outcome '%s' (answer, busy, fail CODE, noanswer)", tok[2]);
			goto out;
		}
		for (; i < n; i++) {
			rc = cx_sim__opt_time(tok[i], "ring", &r->ring, NULL, em, esz);
			if (rc == 1)
				rc = cx_sim__opt_attempt(tok[i], r, em, esz);
			if (rc == 1 && r->act == SIM_ANSWER)
				rc = cx_sim__opt_time(tok[i], "hangup", &r->hangup, &r->has_hangup, em, esz);
			if (rc == 1 && r->act == SIM_ANSWER)
				rc = cx_sim__opt_dtmf(tok[i], &r->dtmf, em, esz);
			if (rc < 0)
				goto out;
			if (rc == 1 || (r->act == SIM_NOANSWER && strncmp(tok[i], "attempt=", 8))) {
				snprintf(em, esz, "unexpected '%s' in a '%s' rule", tok[i], tok[2]);
				goto out;
			}
		}
	}
	else if (!strcmp(tok[0], "inbound")) {
		int have_at = 0;
		r->kind = SIM_INBOUND;
		for (i = 1; i < n; i++) {
			rc = cx_sim__opt_time(tok[i], "at", &r->at, &have_at, em, esz);
			if (rc == 1)
				rc = cx_sim__opt_time(tok[i], "hangup", &r->hangup, &r->has_hangup, em, esz);
			if (rc == 1)
				rc = cx_sim__opt_dtmf(tok[i], &r->dtmf, em, esz);
			if (rc == 1 && !strncmp(tok[i], "from=", 5)) {
				rc = 0;
				str_dup(&r->from, tok[i] + 5);
			}
			if (rc == 1 && !strncmp(tok[i], "to=", 3)) {
				rc = 0;
				str_dup(&r->to, tok[i] + 3);
			}
			if (rc < 0)
				goto out;
			if (rc == 1) {
				snprintf(em, esz, "unexpected '%s' in an 'inbound' rule", tok[i]);
				goto out;
			}
		}
		if (!have_at) {
			snprintf(em, esz, "'inbound' needs at=TIME");
			goto out;
		}
	}
	else if (!strcmp(tok[0], "dialog")) {
		r->kind = SIM_DIALOG;
		if (n != 3) {
			snprintf(em, esz, "'dialog' needs a src pattern and duration=TIME or fail");
			goto out;
		}
		str_dup(&r->pat, tok[1]);
		if (!strcmp(tok[2], "fail"))
			r->act = SIM_DFAIL;
		else {
			int seen = 0;
			r->act = SIM_DURATION;
			rc = cx_sim__opt_time(tok[2], "duration", &r->duration, &seen, em, esz);
			if (rc < 0)
				goto out;
			if (rc == 1) {
				snprintf(em, esz, "unexpected '%s' (want duration=TIME or fail)", tok[2]);
				goto out;
			}
		}
	}
	else if (!strcmp(tok[0], "basichttp")) {
		r->kind = SIM_HTTP;
		if (cx_sim__parse_http(r, tok, n, em, esz))
			goto out;
	}
	else {
		snprintf(em, esz, "unknown rule '%s' (call, inbound, dialog, basichttp)", tok[0]);
		goto out;
	}
	err = 0;
	list_append(&st->rules, &r->le, r);
	if (r->kind == SIM_CALL && r->att_lo)
		st->natt++;
 out:
	if (err)
		mem_deref(r);
	return err;
}

static void cx_sim__cancel_h(void *arg);

static void cx_sim__inbound_fire(cx_sim_in *in)
{
	cx_engine *e = in->e;
	cx_conn *c = NULL;

	list_unlink(&in->le);
	int ok = !cx_prov_inbound(e, in->r->from, in->r->to, &c);
	if (ok && in->r->dtmf) {
		cx_sim_conn *sc = cx_sim__pd(c);
		if (sc)
			sc->dtmf = in->r->dtmf;
	}
	if (ok && in->r->has_hangup) {
		cx_sim_conn *sc = cx_sim__pd(c);
		if (sc) {
			sc->has_hangup = 1;
			sc->hangup = in->r->hangup;
		}
		if (sc)
			tmr_start(&sc->t2, sc->hangup, cx_sim__cancel_h, sc);
	}
	mem_deref(in);
	cx_engine_kick(e);
}

/* A basichttp line's time: the event as the HTTP listener delivers it, to the Nth session. */
static void cx_sim__http_fire(cx_sim_in *in)
{
	cx_engine *e = in->e;
	const cx_sim_rule *r = in->r;
	cx_sess *s = NULL;
	struct le *le;
	int err;

	LIST_FOREACH(&e->sessl, le) {
		cx_sess *x = le->data;
		if (x->seq == r->sess && !x->ending) {
			s = x;
			break;
		}
	}
	if (!s)
		cx_log(CX_LOG_WARN, NULL, "scenario line %d: basichttp event %s not delivered: session "
		       "%u is not running", r->line, r->pat, r->sess);
	else if ((err = cx_http_inject(s, r->pat, r->vals, r->src ? r->src : "sim", "the scenario")))
		cx_log(CX_LOG_WARN, s->id, "scenario line %d: basichttp event %s not delivered: %s",
		       r->line, r->pat, err == EAGAIN ? "the event queue is full (the listener "
		       "answers 503)" : "out of memory");
	mem_deref(in);
	cx_engine_kick(e);
}

static void cx_sim__in_due(void *arg);

/* The inbound timer for the first line not delivered yet. */
static void cx_sim__in_sched(cx_sim_st *st)
{
	struct le *le = list_head(&st->inbound);
	uint64_t now = cx_clock_ms(), due;

	if (!le)
		return;
	due = st->t0 + ((cx_sim_in *)le->data)->r->at;
	tmr_start(&st->intmr, due > now ? due - now : 0, cx_sim__in_due, st);
}

/* Every line now due, in order (the clock is cx_clock_ms: the virtual clock jumps it). */
static void cx_sim__in_due(void *arg)
{
	cx_sim_st *st = arg;
	struct le *le;

	while ((le = list_head(&st->inbound))) {
		cx_sim_in *in = le->data;
		if (st->t0 + in->r->at > cx_clock_ms())
			break;
		if (in->r->kind == SIM_HTTP)
			cx_sim__http_fire(in);
		else
			cx_sim__inbound_fire(in);
	}
	cx_sim__in_sched(st);
}

static int cx_sim_in__cmp(const void *a, const void *b)
{
	const cx_sim_in *x = *(cx_sim_in *const *)a, *y = *(cx_sim_in *const *)b;

	if (x->r->at != y->r->at)
		return x->r->at < y->r->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The inbound and basichttp lines of the scenario, sorted by time (file order within a time),
 * behind one timer. */
static int cx_sim__in_setup(cx_engine *e, cx_sim_st *st)
{
	cx_sim_in **v = NULL;
	uint32_t n = 0, cap = 0, i;
	struct le *le;
	int err = 0;

	LIST_FOREACH(&st->rules, le) {
		cx_sim_rule *r = le->data;
		cx_sim_in *in;
		if (r->kind != SIM_INBOUND && r->kind != SIM_HTTP)
			continue;
		if (n == cap) {
			cx_sim_in **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
			if (!nv) {
				err = ENOMEM;
				break;
			}
			v = nv;
		}
		in = mem_zalloc(sizeof(*in), cx_sim_in__destroy);
		if (!in) {
			err = ENOMEM;
			break;
		}
		in->e = e;
		in->r = r;
		in->seq = n;
		v[n++] = in;
	}
	if (!err && n)
		qsort(v, n, sizeof(*v), cx_sim_in__cmp);
	for (i = 0; i < n; i++) {
		if (err)
			mem_deref(v[i]);
		else
			list_append(&st->inbound, &v[i]->le, v[i]);
	}
	free(v);
	if (err)
		return err;
	tmr_init(&st->intmr);
	st->t0 = cx_clock_ms();
	cx_sim__in_sched(st);
	return 0;
}

int cx_sim_setup(cx_engine *e, const char *file)
{
	cx_sim_st *st;
	int err = 0, lineno = 0;

	e->prov = &cx_sim_prov;
	st = cx_sim__st(e);
	if (!st)
		return ENOMEM;
	if (file) {
		char line[1100], em[256];
		FILE *f = fopen(file, "r");
		if (!f) {
			fprintf(stderr, "%s: error: cannot open scenario: %s\n", file, strerror(errno));
			return ENOENT;
		}
		while (fgets(line, sizeof(line), f)) {
			++lineno;
			em[0] = '\0';
			if (!strchr(line, '\n') && !feof(f)) {
				fprintf(stderr, "%s:%d: error: line too long\n", file, lineno);
				err = EINVAL;
				break;
			}
			st->lineno = lineno;
			err = cx_sim_parse_line(e, line, em, sizeof(em));
			if (err) {
				fprintf(stderr, "%s:%d: error: %s\n", file, lineno, em);
				break;
			}
		}
		fclose(f);
		if (err)
			return err;
	}
	return cx_sim__in_setup(e, st);
}

/* Section - Connection outcomes */

static void cx_sim__end_dialogs(cx_conn *c)
{
	struct le *le;

	if (!c->sess)
		return;
	LIST_FOREACH(&c->sess->dlgs, le) {
		cx_dlg *d = le->data;
		cx_sim_dlg *sd = d->pd;
		if (!d->exited && d->started && !strcmp(d->connid, c->id)) {
			if (sd && sd->vx && cx_vx_final(sd->vx))
				continue; /* VoiceXML 2.0 §1.5.4: it ends by itself, as over SIP (mplane.c) */
			d->pd = mem_deref(d->pd);
			cx_rt_dlg_pev(d, CX_PEV_DLG_EXIT, NULL);
		}
	}
}

static void cx_sim__hangup_h(void *arg)
{
	cx_sim_conn *sc = arg;

	cx_rt_conn_pev(sc->c, CX_PEV_DISCONNECTED, &(cx_pev_info){
		.reason = "hangup", .trigger = "remote"});
	cx_sim__end_dialogs(sc->c);
}

/* inbound caller gives up before the call is answered */
static void cx_sim__cancel_h(void *arg)
{
	cx_sim_conn *sc = arg;

	if (strcmp(sc->c->state, "ALERTING"))
		return;
	cx_rt_conn_pev(sc->c, CX_PEV_DISCONNECTED, &(cx_pev_info){
		.reason = "cancel", .trigger = "remote"});
}

/* A key as the SIP provider reports an RFC 4733 digit: connection.signal with dtmf, duration
 * and info {type, digit, duration} (a simulated key lasts 100 ms). */
static void cx_sim__signal(cx_conn *c, char digit)
{
	cx_sess *s = c->sess;
	char dig[2] = {digit, '\0'};
	cx_ev *ev = cx_ev_new(s, "connection.signal");
	cx_value info;

	if (!ev)
		return;
	mem_deref(ev->source);
	str_dup(&ev->source, "sip");
	ev->sourcetype = "sip";
	cx_ev_conn(ev, c, c->state, 0);
	cx_ev_str(ev, "dtmf", dig);
	cx_ev_num(ev, "duration", 100);
	info = cx_obj_new(s->X);
	if (!cx_is_exc(info) && !cx_define_cstr(s->X, info, "type", cx_str_utf8(s->X, "dtmf", 4), 0) &&
	    !cx_define_cstr(s->X, info, "digit", cx_str_utf8(s->X, dig, 1), 0) &&
	    !cx_define_cstr(s->X, info, "duration", cx_num(100), 0))
		cx_ev_val(ev, "info", info);
	else
		cx_catch(s->X);
	cx_sess_post(s, ev);
}

/* The caller presses keys: connection.signal for each (as over SIP), and the digits to the
 * VoiceXML dialog running on the connection, if any. */
static void cx_sim__key_h(void *arg)
{
	cx_sim_key *k = arg;
	cx_conn *c = k->sc->c;
	cx_engine *e = c->sess ? c->sess->eng : NULL;
	struct le *le;

	if (c->sess && !strcmp(c->state, "CONNECTED")) {
		cx_clock_at(k->at); /* a recording the key ends lasts until then, however late we run */
		for (const char *p = k->digits; *p; p++)
			cx_sim__signal(c, *p);
		LIST_FOREACH(&c->sess->dlgs, le) {
			cx_dlg *d = le->data;
			cx_sim_dlg *sd = d->pd;
			if (sd && sd->vx && !d->exited && !strcmp(d->connid, c->id)) {
				cx_vx_input(sd->vx, k->digits);
				break;
			}
		}
		cx_clock_at(0);
	}
	mem_deref(k);
	if (e)
		cx_engine_kick(e);
}

/* CONNECTED: the scenario's dtmf= times start now. */
static void cx_sim__keys_start(cx_sim_conn *sc)
{
	char buf[256], *save = NULL;

	if (!sc->dtmf)
		return;
	snprintf(buf, sizeof(buf), "%s", sc->dtmf);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *at = strchr(p, '@');
		uint64_t ms = 0;
		cx_sim_key *k = mem_zalloc(sizeof(*k), cx_sim_key__destroy);
		if (!k || !at)
			return;
		*at = '\0';
		cx_rt_time(at + 1, &ms); /* checked when the scenario was read */
		snprintf(k->digits, sizeof(k->digits), "%s", p);
		k->sc = sc;
		tmr_init(&k->t);
		list_append(&sc->keys, &k->le, k);
		k->at = cx_clock_ms() + ms;
		tmr_start(&k->t, ms, cx_sim__key_h, k);
	}
}

static void cx_sim__answer_h(void *arg)
{
	cx_sim_conn *sc = arg;

	cx_rt_conn_pev(sc->c, CX_PEV_CONNECTED, NULL);
	cx_sim__keys_start(sc);
	if (sc->has_hangup)
		tmr_start(&sc->t2, sc->hangup, cx_sim__hangup_h, sc);
}

static void cx_sim__fail_h(void *arg)
{
	cx_sim_conn *sc = arg;
	const char *sr = sc->code == 486 ? "Busy Here" : sc->code == 404 ? "Not Found" :
		sc->code == 408 ? "Request Timeout" : "Failed";

	cx_rt_conn_pev(sc->c, CX_PEV_FAILED, &(cx_pev_info){
		.reason = cx_rt_sipreason(sc->code), .sipcode = sc->code, .sipreason = sr});
}

/* The attempt to dest from which the rule chosen no longer changes: past every attempt= range of
 * the rules whose pattern matches it (N- from N on); 0 when none does. */
static uint32_t cx_sim__horizon(const cx_sim_st *st, const char *dest)
{
	uint32_t h = 0, k;
	struct le *le;

	LIST_FOREACH(&st->rules, le) {
		const cx_sim_rule *r = le->data;
		if (r->kind != SIM_CALL || !r->att_lo || !cx_rt_glob(r->pat, dest))
			continue;
		k = r->att_hi == UINT32_MAX ? r->att_lo : r->att_hi + 1;
		h = k > h ? k : h;
	}
	return h;
}

static bool cx_sim__dest_is(struct le *le, void *arg)
{
	const cx_sim_dest *d = le->data;

	return !strcmp(d->dest, arg);
}

uint32_t cx_sim_attempt(cx_engine *e, const char *dest)
{
	cx_sim_st *st = cx_sim__st(e);
	uint32_t key = hash_joaat_str(dest), h;
	cx_sim_dest *d;

	if (!st || !st->natt)
		return 0;
	d = list_ledata(hash_lookup(st->dests, key, cx_sim__dest_is, (void *)dest));
	if (d) {
		h = cx_sim__horizon(st, dest);
		return d->n < h ? ++d->n : d->n;
	}
	if (!cx_sim__horizon(st, dest))
		return 0;
	if (!st->dests && hash_alloc(&st->dests, 1024))
		return 1;
	d = mem_zalloc(sizeof(*d), cx_sim_dest__destroy);
	if (!d || str_dup(&d->dest, dest)) {
		mem_deref(d);
		return 1;
	}
	hash_append(st->dests, key, &d->he, d);
	st->ndests++;
	return d->n = 1;
}

uint32_t cx_sim_ndests(cx_engine *e)
{
	cx_sim_st *st = cx_sim__st(e);

	return st ? st->ndests : 0;
}

static int cx_sim_createcall(cx_engine *e, cx_conn *c, const char *dest)
{
	cx_sim_st *st = cx_sim__st(e);
	const cx_sim_rule *rule = NULL;
	cx_sim_conn *sc;
	struct le *le;
	uint64_t ring = 50;
	int act = SIM_ANSWER;

	uint32_t att = cx_sim_attempt(e, dest);

	LIST_FOREACH(&st->rules, le) {
		cx_sim_rule *r = le->data;
		if (r->kind == SIM_CALL && cx_rt_glob(r->pat, dest) &&
		    (!r->att_lo || (att >= r->att_lo && att <= r->att_hi))) {
			rule = r;
			break;
		}
	}
	if (rule) {
		ring = rule->ring;
		act = rule->act;
	}
	sc = cx_sim__pd(c);
	if (!sc)
		return ENOMEM;
	cx_rt_conn_pev(c, CX_PEV_PROGRESSING, NULL);
	if (act == SIM_NOANSWER || ring >= c->timeout_ms) {
		sc->code = 408;
		tmr_start(&sc->t1, c->timeout_ms, cx_sim__fail_h, sc);
	}
	else if (act == SIM_FAIL) {
		sc->code = rule->code;
		tmr_start(&sc->t1, ring, cx_sim__fail_h, sc);
	}
	else {
		sc->has_hangup = rule ? rule->has_hangup : 0;
		sc->hangup = rule ? rule->hangup : 0;
		sc->dtmf = rule ? rule->dtmf : NULL;
		tmr_start(&sc->t1, ring, cx_sim__answer_h, sc);
	}
	return 0;
}

static int cx_sim_accept(cx_engine *e, cx_conn *c)
{
	cx_sim_conn *sc = cx_sim__pd(c);

	if (!sc)
		return ENOMEM;
	tmr_cancel(&sc->t2);
	cx_rt_conn_pev(c, CX_PEV_CONNECTED, NULL);
	cx_sim__keys_start(sc);
	if (sc->has_hangup)
		tmr_start(&sc->t2, sc->hangup, cx_sim__hangup_h, sc);
	return 0;
}

static int cx_sim_reject(cx_engine *e, cx_conn *c, const char *reason)
{
	if (c->pd)
		c->pd = mem_deref(c->pd);
	cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = reason ? reason : "rejected"});
	return 0;
}

static int cx_sim_redirect(cx_engine *e, cx_conn *c, const char *dest, const char *reason)
{
	if (c->pd)
		c->pd = mem_deref(c->pd);
	cx_rt_conn_pev(c, CX_PEV_REDIRECTED, &(cx_pev_info){.reason = reason});
	return 0;
}

static int cx_sim_disconnect(cx_engine *e, cx_conn *c, const char *reason)
{
	if (c->pd)
		c->pd = mem_deref(c->pd);
	cx_rt_conn_pev(c, CX_PEV_DISCONNECTED, &(cx_pev_info){
		.reason = reason ? reason : "disconnect", .trigger = "local"});
	cx_sim__end_dialogs(c);
	return 0;
}

/* <merge>, as the SIP provider reports it: connection.merged (DISCONNECTED) on both, then
 * dialog.exit for their dialogs; the calls are out of the session (no more keys or hangups
 * reported). The simulated far ends have no audio to bridge: their records are written now. */
static int cx_sim_merge(cx_engine *e, cx_conn *a, cx_conn *b, const char **why)
{
	cx_conn *cs[2] = {a, b};
	int i;

	(void)e;
	(void)why;
	for (i = 0; i < 2; i++) {
		cs[i]->pd = mem_deref(cs[i]->pd);
		if (!cs[i]->endreason)
			(void)str_dup(&cs[i]->endreason, "merged");
		cx_rt_conn_pev(cs[i], CX_PEV_MERGED, NULL);
	}
	cx_sim__end_dialogs(a);
	cx_sim__end_dialogs(b);
	return 0;
}

/* Section - Joins and conferences
 *
 * No audio flows here, but what is reported is what the SIP provider's mixer reports for the
 * same document (docs/sip.md "Joins and conferences"): a connection joins only while CONNECTED,
 * a dialog id is refused (dialogs join through <dialogstart conferenceid>), so are a conference
 * joined to a conference and an id joined to itself; a join of the same two replaces the old
 * one; an unjoin of two that are not joined fails; an ended connection or a destroyed
 * conference leaves its joins. The errnos are the SIP provider's, hence the same reasons. */

static void cx_sim_edge__destroy(void *arg)
{
	cx_sim_edge *ed = arg;

	list_unlink(&ed->le);
}

static void cx_sim__drop(cx_sim_st *st, const char *node)
{
	struct le *le = list_head(&st->edges);

	while (le) {
		cx_sim_edge *ed = le->data;
		le = le->next;
		if (!strcmp(ed->dst, node) || !strcmp(ed->src, node))
			mem_deref(ed);
	}
}

static cx_sim_edge *cx_sim__edge(cx_sim_st *st, const char *dst, const char *src)
{
	struct le *le;

	LIST_FOREACH(&st->edges, le) {
		cx_sim_edge *ed = le->data;
		if (!strcmp(ed->dst, dst) && !strcmp(ed->src, src))
			return ed;
	}
	return NULL;
}

static int cx_sim__add(cx_sim_st *st, const char *dst, const char *src)
{
	cx_sim_edge *ed = mem_zalloc(sizeof(*ed), cx_sim_edge__destroy);

	if (!ed)
		return ENOMEM;
	str_ncpy(ed->dst, dst, sizeof(ed->dst));
	str_ncpy(ed->src, src, sizeof(ed->src));
	list_append(&st->edges, &ed->le, ed);
	return 0;
}

/* id -> its node name and kind ('c' or 'f'); strict (a join): a connection must be CONNECTED.
 * A connection that is no longer CONNECTED has left its joins (as over SIP, where its end
 * drops them). */
static int cx_sim__node(cx_sim_st *st, cx_sess *s, const char *id, int strict, char *node,
			size_t sz, char *kind)
{
	cx_conn *c = cx_conn_find(s, id);
	cx_conf *f;

	if (c) {
		snprintf(node, sz, "c%s", c->id);
		*kind = 'c';
		if (strcmp(c->state, "CONNECTED")) {
			cx_sim__drop(st, node);
			if (strict)
				return EPROTO;
		}
		return 0;
	}
	f = cx_conf_find(s, id);
	if (f && f->pd) {
		snprintf(node, sz, "%s", ((cx_sim_conf *)f->pd)->node);
		*kind = 'f';
		return 0;
	}
	return ENOTSUP;
}

/* A tone of <join> (entertone/exittone): as the SIP mixer reads it (a WAV under --media-root, or
 * its text=), for the same error; the platform's ("") is always there. */
static int cx_sim__tone(cx_engine *e, const char *src)
{
	int16_t *pcm = NULL;
	size_t n;
	int tts, err;

	if (!src || !*src)
		return 0;
	err = cx_media_load(e->media_root, src, &pcm, &n, &tts);
	mem_deref(pcm);
	return err;
}

static int cx_sim_join(cx_engine *e, cx_sess *s, const char *id1, const char *id2, int full,
		       const cx_joinopt *o)
{
	cx_sim_st *st = cx_sim__st(e);
	char a[sizeof(((cx_sim_edge *)0)->dst)], b[sizeof(a)], ka, kb;
	int err;

	if (!st)
		return ENOMEM;
	if ((err = cx_sim__node(st, s, id1, 1, a, sizeof(a), &ka)) ||
	    (err = cx_sim__node(st, s, id2, 1, b, sizeof(b), &kb)))
		return err;
	if (!strcmp(a, b))
		return EINVAL;
	if (ka == 'f' && kb == 'f')
		return ENOTSUP;
	if ((err = cx_sim__tone(e, o->entertone)) || (err = cx_sim__tone(e, o->exittone)))
		return err;
	mem_deref(cx_sim__edge(st, a, b));
	mem_deref(cx_sim__edge(st, b, a));
	err = cx_sim__add(st, a, b);
	if (!err && full)
		err = cx_sim__add(st, b, a);
	return err;
}

static int cx_sim_unjoin(cx_engine *e, cx_sess *s, const char *id1, const char *id2)
{
	cx_sim_st *st = cx_sim__st(e);
	char a[sizeof(((cx_sim_edge *)0)->dst)], b[sizeof(a)], ka, kb;
	cx_sim_edge *ab, *ba;
	int err;

	if (!st)
		return ENOMEM;
	if ((err = cx_sim__node(st, s, id1, 0, a, sizeof(a), &ka)) ||
	    (err = cx_sim__node(st, s, id2, 0, b, sizeof(b), &kb)))
		return err;
	ab = cx_sim__edge(st, a, b);
	ba = cx_sim__edge(st, b, a);
	if (!ab && !ba)
		return ENOENT;
	mem_deref(ab);
	mem_deref(ba);
	return 0;
}

static void cx_sim_conf__destroy(void *arg)
{
	cx_sim_conf *fc = arg;
	cx_sim_st *st = fc->e->prov == &cx_sim_prov ? fc->e->provst : NULL;

	if (st)
		cx_sim__drop(st, fc->node);
}

static int cx_sim_createconference(cx_engine *e, cx_conf *f)
{
	cx_sim_conf *fc = mem_zalloc(sizeof(*fc), cx_sim_conf__destroy);

	if (!fc)
		return ENOMEM;
	fc->e = e;
	snprintf(fc->node, sizeof(fc->node), "%s/%s", f->sess->id, f->id);
	mem_deref(f->pd);
	f->pd = fc;
	return 0;
}

static int cx_sim_destroyconference(cx_engine *e, cx_conf *f)
{
	f->pd = mem_deref(f->pd);
	return 0;
}

/* Section - Dialogs */

static void cx_sim__dlg_exit_h(void *arg)
{
	cx_sim_dlg *sd = arg;

	cx_rt_dlg_pev(sd->d, CX_PEV_DLG_EXIT, NULL);
}

/* How long a VoiceXML prompt plays: what the SIP provider would play (the file, else its
 * text spoken by flite), as for audio dialogs. */
static uint64_t cx_sim__play(cx_engine *e, cx_dlg *d, const char *src, void *arg)
{
	uint64_t ms = 0;

	(void)d;
	(void)arg;
	return cx_media_duration(e->media_root, src, &ms) ? 0 : ms;
}

static int cx_sim__vxml(cx_engine *e, cx_dlg *d, const cx_vx_doc *doc)
{
	cx_sim_dlg *sd;
	int err;

	if (!d->connid[0])
		return EINVAL; /* a VoiceXML dialog needs a caller */
	sd = mem_zalloc(sizeof(*sd), cx_sim_dlg__destroy);
	if (!sd)
		return ENOMEM;
	sd->d = d;
	tmr_init(&sd->t);
	err = cx_vx_start(&sd->vx, e, d, doc, cx_sim__play, NULL);
	if (err) {
		mem_deref(sd);
		return err;
	}
	mem_deref(d->pd);
	d->pd = sd;
	cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
	return 0;
}

static int cx_sim_dialogstart(cx_engine *e, cx_dlg *d)
{
	cx_sim_st *st = cx_sim__st(e);
	cx_sim_dlg *sd;
	uint64_t ms = 0;
	struct le *le;
	int err = 0, ruled = 0;

	const cx_vx_doc *vx = cx_vx_dlgdoc(d);
	cx_conn *c = d->connid[0] ? cx_conn_find(d->sess, d->connid) : NULL;

	/* as over SIP: a dialog needs the audio of a connected call, or (audio only) a conference */
	if (!vx && d->confid[0] ? !cx_conf_find(d->sess, d->confid) : !c || strcmp(c->state, "CONNECTED"))
		return EPROTO;
	if (vx)
		return cx_sim__vxml(e, d, vx);
	/* A VoiceXML document that was not compiled in cannot run (no fake started/exit). */
	if (d->type && strncasecmp(d->type, "audio/", 6))
		return ENOENT;
	LIST_FOREACH(&st->rules, le) {
		cx_sim_rule *r = le->data;
		if (r->kind == SIM_DIALOG && cx_rt_glob(r->pat, d->src ? d->src : "")) {
			if (r->act == SIM_DFAIL)
				return EIO;
			ms = r->duration;
			ruled = 1;
			break;
		}
	}
	if (!ruled && d->type && !strncasecmp(d->type, "audio/", 6))
		err = cx_media_duration(e->media_root, d->src, &ms);
	if (err)
		return err;
	sd = mem_zalloc(sizeof(*sd), cx_sim_dlg__destroy);
	if (!sd)
		return ENOMEM;
	sd->d = d;
	tmr_init(&sd->t);
	mem_deref(d->pd);
	d->pd = sd;
	cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
	tmr_start(&sd->t, ms, cx_sim__dlg_exit_h, sd);
	return 0;
}

static int cx_sim_dialogterminate(cx_engine *e, cx_dlg *d, int immediate)
{
	d->pd = mem_deref(d->pd); /* stops the playback timer; the runtime sends dialog.exit */
	return 0;
}

static void cx_sim_conn_release(cx_engine *e, cx_conn *c)
{
	cx_sim_st *st = e->prov == &cx_sim_prov ? e->provst : NULL;
	char node[CX_SESS_IDSZ + 32];

	if (st) {
		snprintf(node, sizeof(node), "c%s", c->id);
		cx_sim__drop(st, node);
	}
	c->pd = mem_deref(c->pd);
}

static void cx_sim_dlg_release(cx_engine *e, cx_dlg *d)
{
	d->pd = mem_deref(d->pd);
}

static int cx_sim_pending(cx_engine *e)
{
	cx_sim_st *st = e->provst;

	return st && list_head(&st->inbound) != NULL;
}

static void cx_sim_close(cx_engine *e)
{
	e->provst = mem_deref(e->provst);
}

const cx_prov cx_sim_prov = {
	/* The simulator stands in for the SIP provider: documents see the same protocol object. */
	.name = "sip",
	.version = "2.0",
	.createcall = cx_sim_createcall,
	.accept = cx_sim_accept,
	.reject = cx_sim_reject,
	.redirect = cx_sim_redirect,
	.disconnect = cx_sim_disconnect,
	.merge = cx_sim_merge,
	.join = cx_sim_join,
	.unjoin = cx_sim_unjoin,
	.createconference = cx_sim_createconference,
	.destroyconference = cx_sim_destroyconference,
	.dialogstart = cx_sim_dialogstart,
	.dialogterminate = cx_sim_dialogterminate,
	.conn_release = cx_sim_conn_release,
	.dlg_release = cx_sim_dlg_release,
	.pending = cx_sim_pending,
	.close = cx_sim_close,
};

/* Section - Scenario patterns */

int cx_rt_glob(const char *p, const char *s)
{
	/* iterative glob with one backtrack point: linear enough for scenario patterns */
	const char *star = NULL, *mark = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			mark = s;
		}
		else if (*p == *s) {
			++p;
			++s;
		}
		else if (star) {
			p = star + 1;
			s = ++mark;
		}
		else
			return 0;
	}
	while (*p == '*')
		++p;
	return *p == '\0';
}
