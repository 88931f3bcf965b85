/*
 * embed.c — the embedding API of cx.h, and the "user" provider that forwards call control to
 * the embedding program's callbacks (cx_callctl).
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "prov.h"
#include "cx.h"

/* Section - The user provider */

static const cx_callctl *cx_user__cc(cx_engine *e)
{
	return e->provst;
}

static int cx_user_createcall(cx_engine *e, cx_conn *c, const char *dest)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (cc && cc->createcall)
		return cc->createcall(cc->arg, c->sess->id, c->id, dest);
	cx_rt_conn_pev(c, CX_PEV_PROGRESSING, NULL);
	cx_rt_conn_pev(c, CX_PEV_CONNECTED, NULL);
	return 0;
}

static int cx_user_accept(cx_engine *e, cx_conn *c)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (cc && cc->accept)
		return cc->accept(cc->arg, c->sess->id, c->id);
	cx_rt_conn_pev(c, CX_PEV_CONNECTED, NULL);
	return 0;
}

static int cx_user_reject(cx_engine *e, cx_conn *c, const char *reason)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (cc && cc->reject)
		return cc->reject(cc->arg, c->sess->id, c->id, reason);
	cx_rt_conn_pev(c, CX_PEV_FAILED, &(cx_pev_info){.reason = reason ? reason : "rejected"});
	return 0;
}

static int cx_user_redirect(cx_engine *e, cx_conn *c, const char *dest, const char *reason)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (cc && cc->redirect)
		return cc->redirect(cc->arg, c->sess->id, c->id, dest);
	cx_rt_conn_pev(c, CX_PEV_REDIRECTED, &(cx_pev_info){.reason = reason});
	return 0;
}

static int cx_user_disconnect(cx_engine *e, cx_conn *c, const char *reason)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (c->sess && c->sess->ending)
		return 0;
	if (cc && cc->disconnect)
		return cc->disconnect(cc->arg, c->sess->id, c->id);
	cx_rt_conn_pev(c, CX_PEV_DISCONNECTED, &(cx_pev_info){
		.reason = reason, .trigger = "local"});
	return 0;
}

static int cx_user_dialogstart(cx_engine *e, cx_dlg *d)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (cc && cc->dialogstart)
		return cc->dialogstart(cc->arg, d->sess->id, d->id, d->connid, d->src, d->type);
	cx_rt_dlg_pev(d, CX_PEV_DLG_STARTED, NULL);
	cx_rt_dlg_pev(d, CX_PEV_DLG_EXIT, NULL);
	return 0;
}

static int cx_user_dialogterminate(cx_engine *e, cx_dlg *d, int immediate)
{
	const cx_callctl *cc = cx_user__cc(e);

	if (cc && cc->dialogterminate)
		return cc->dialogterminate(cc->arg, d->sess->id, d->id);
	return 0;
}

static void cx_user_close(cx_engine *e)
{
	e->provst = NULL; /* the callctl belongs to the embedding program */
}

static const cx_prov cx_user_prov = {
	.name = "embedded",
	.version = "1.0",
	.createcall = cx_user_createcall,
	.accept = cx_user_accept,
	.reject = cx_user_reject,
	.redirect = cx_user_redirect,
	.disconnect = cx_user_disconnect,
	.dialogstart = cx_user_dialogstart,
	.dialogterminate = cx_user_dialogterminate,
	.close = cx_user_close,
};

/* Section - Engine */

/* libre's main loop watches at most 1024 descriptors unless told otherwise, and every call
 * takes two (RTP and RTCP) plus SIP and HTTP sockets: past ~500 calls new ones would hang in
 * "180 Ringing". Raise the soft limit to the hard one and size the loop to it. */
#define CX_EMBED_MAXFDS 65536
static void cx_embed__fds(void)
{
	struct rlimit rl;
	rlim_t want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > CX_EMBED_MAXFDS ? CX_EMBED_MAXFDS : rl.rlim_max;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	want = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > CX_EMBED_MAXFDS ? CX_EMBED_MAXFDS : rl.rlim_cur;
	if (fd_setsize((int)want) != 0)
		cx_log(CX_LOG_WARN, NULL, "cannot watch %d descriptors; keeping libre's default", (int)want);
}

int cx_init(void)
{
	int err = libre_init();

	if (!err) {
		cx_embed__fds();
		cx_log_libre();
	}
	return err;
}

void cx_close(void)
{
	libre_close();
}

/* The one set-up path of an engine: the command line (main.c) and embedders both come here.
 * Each part prints its own reason on stderr when it fails. */
int cx_engine_alloc(cx_engine **ep, const cx_engine_cfg *cfg)
{
	cx_engine *e = NULL;
	char why[256];
	int i, err;

	if (!ep || !cfg || !cfg->docs || cfg->ndocs < 1 || cfg->ntokens < 0 ||
	    (cfg->ntokens && !cfg->tokens))
		return EINVAL;
	if (cfg->use_sim && cfg->sip_addr) {
		fprintf(stderr, "ccxml: SIP and the simulator exclude each other\n");
		return EINVAL;
	}
	if ((cfg->ntokens || cfg->tokens_file || cfg->inject_token || cfg->admin_token_file) &&
	    !cfg->http_addr) {
		fprintf(stderr, "ccxml: tokens need an HTTP listener\n");
		return EINVAL;
	}
	for (i = 0; i < cfg->ndocs; i++) {
		if (!cfg->docs[i])
			return EINVAL;
		if (cx_doc_check(cfg->docs[i], why, sizeof(why))) {
			fprintf(stderr, "ccxml: %s\n", why);
			return EPROTO;
		}
	}
	err = cx_engine_new(&e);
	if (err)
		return err;
	e->docs = cfg->docs;
	e->ndocs = cfg->ndocs;
	e->logh = cfg->logh;
	e->logarg = cfg->logarg;
	e->pub_endh = cfg->endh;
	e->pub_endarg = cfg->endarg;
	e->heap_limit = cfg->heap_limit;
	e->max_sessions = cfg->max_sessions;
	e->max_calls = cfg->max_calls;
	if (cfg->max_queue)
		e->max_queue = cfg->max_queue;
	e->budget = cfg->budget;
	if (cfg->vxml_final_s > 3600) {
		cx_log(CX_LOG_ERR, NULL, "--vxml-final-time: seconds from 1 to 3600, not %u",
		       (unsigned)cfg->vxml_final_s);
		err = EINVAL;
		goto out;
	}
	e->vx_final_ms = cfg->vxml_final_s * 1000;
	e->grace_ms = cfg->grace_ms;
	e->trace = cfg->trace;
	if (cfg->node_id) {
		const char *p = cfg->node_id;
		while (*p && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			++p;
		if (*p || p == cfg->node_id || p - cfg->node_id >= CX_NODE_IDSZ) {
			cx_log(CX_LOG_ERR, NULL, "--node-id: 1 to %d lower-case letters and digits, not "
			       "'%H'", CX_NODE_IDSZ - 1, cx_rt_esc, cfg->node_id);
			err = EINVAL;
			goto out;
		}
		str_ncpy(e->node, cfg->node_id, sizeof(e->node));
	}
	e->service = cfg->sip_addr || cfg->http_addr;
	if (cfg->record_dir) {
		struct stat st;
		if (stat(cfg->record_dir, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "ccxml: --record-dir %s: not a directory\n", cfg->record_dir);
			err = ENOTDIR;
			goto out;
		}
	}
	if (cfg->docroot) {
		char *real = realpath(cfg->docroot, NULL);
		struct stat st;
		if (!real || stat(real, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "ccxml: --docroot %s: not a directory\n", cfg->docroot);
			free(real);
			err = ENOTDIR;
			goto out;
		}
		err = str_dup(&e->docroot, real);
		free(real);
		if (err)
			goto out;
	}
	err = str_dup(&e->media_root, cfg->media_root ? cfg->media_root : ".");
	if (!err && cfg->record_dir)
		err = str_dup(&e->record_dir, cfg->record_dir);
	if (err)
		goto out;
	if (cfg->sip_addr) {
		err = cx_sip_setup(e, cfg->sip_addr, cfg->sip_gateway, cfg->sip_transport);
		if (!err)
			err = cx_sip_limits(e, cfg->rtp_timeout_s, cfg->max_call_s);
		if (!err)
			err = cx_sip_conn_limits(e, cfg->sip_max_conns, cfg->sip_max_conns_per_addr,
						 cfg->sip_conn_idle_s);
		if (!err)
			err = cx_sip_trunk(e, cfg->sip_proxy, cfg->sip_public_addr, cfg->sip_credentials,
					   cfg->sip_registers, cfg->nsip_registers);
		if (!err)
			err = cx_sip_dns(e, cfg->dns_server);
		if (!err)
			err = cx_sip_tls(e, cfg->sip_tls_cert, cfg->sip_tls_ca,
					 cfg->sip_tls_no_verify);
		if (!err)
			err = cx_sip_trace(e, cfg->sip_trace);
		if (!err)
			err = cx_sip_srtp(e, cfg->sip_srtp);
		if (!err)
			err = cx_sip_media(e, cfg->rtp_latch, cfg->rtcp, cfg->media_thread);
	}
	else if (cfg->use_sim) {
		err = cx_sim_setup(e, cfg->sim_file);
		/* a listener's requests come in real time: jumps would reorder them with timers */
		if (!err && cfg->virtual_clock && !cfg->http_addr)
			err = cx_clock_virtual(e);
	}
	else {
		e->prov = &cx_user_prov;
		e->provst = (void *)cfg->callctl;
	}
	if (err)
		goto out;
	if (cfg->http_addr) {
		err = cx_http_listen(e, cfg->http_addr);
		for (i = 0; !err && i < cfg->ntokens; i++)
			err = cx_http_token(e, cfg->tokens[i]);
		if (!err && cfg->tokens_file)
			err = cx_http_tokens_file(e, cfg->tokens_file);
		if (!err && cfg->inject_token)
			err = cx_http_inject_token(e, cfg->inject_token);
		if (!err && cfg->admin_token_file)
			err = cx_http_admin_file(e, cfg->admin_token_file);
		if (!err && cfg->http_public)
			err = cx_http_public(e, cfg->http_public);
		if (err)
			goto out;
	}
	if (cfg->smtp || cfg->mail_from)
		err = cx_curl_smtp(e, cfg->smtp, cfg->mail_from);
	if (!err)
		err = cx_cdr_setup(e, cfg->cdr_file, cfg->cdr_url, cfg->cdr_spool);
	if (!err)
		err = cx_pace_setup(e, cfg->max_cps);
	if (!err)
		cx_http_announce(e); /* the readiness line, when nothing was refused */
 out:
	if (err)
		mem_deref(e);
	else
		*ep = e;
	return err;
}

void cx_engine_free(cx_engine *e)
{
	mem_deref(e);
}

int cx_engine_poll(cx_engine *e)
{
	if (!e)
		return 0;
	return cx_engine_drain(e);
}

static void cx_embed__guard(void *arg)
{
	re_cancel();
}

int cx_engine_run(cx_engine *e, uint32_t max_ms)
{
	struct tmr guard;

	if (!e)
		return EINVAL;
	cx_engine_drain(e);
	if (!cx_engine_busy(e))
		return 0;
	tmr_init(&guard);
	if (max_ms) {
		tmr_start(&guard, max_ms, cx_embed__guard, NULL);
		cx_clock_background(&guard, 1); /* max_ms is wall time */
	}
	e->stop_when_idle = 1;
	cx_engine_kick(e);
	re_main(NULL);
	e->stop_when_idle = 0;
	cx_clock_background(&guard, 0);
	tmr_cancel(&guard);
	return 0;
}

/* Section - Sessions */

static cx_cval *cx_embed__kv(const char *const *kv, size_t nkv)
{
	cx_cval *o = cx_cval_str(NULL);
	size_t i;

	if (!o)
		return NULL;
	o->tag = CX_T_OBJ;
	if (!nkv)
		return o;
	o->keys = mem_zalloc(nkv * sizeof(char *), NULL);
	o->kids = mem_zalloc(nkv * sizeof(cx_cval *), NULL);
	if (!o->keys || !o->kids)
		return mem_deref(o);
	for (i = 0; i < nkv; i++) {
		if (!kv[2 * i])
			continue;
		if (str_dup(&o->keys[o->nkids], kv[2 * i]))
			return mem_deref(o);
		o->kids[o->nkids] = cx_cval_str(kv[2 * i + 1] ? kv[2 * i + 1] : "");
		if (!o->kids[o->nkids]) {
			o->keys[o->nkids] = mem_deref(o->keys[o->nkids]);
			return mem_deref(o);
		}
		o->nkids++;
	}
	return o;
}

int cx_session_start(cx_engine *e, const cx_doc *doc, const char *const *kv, size_t nkv,
		     char *id, size_t idsz)
{
	cx_cval *vals;
	cx_sess *s = NULL;
	int err;

	if (!e || !doc || (nkv && !kv))
		return EINVAL;
	vals = cx_embed__kv(kv, nkv);
	if (!vals)
		return ENOMEM;
	err = cx_sess_start(&s, e, doc, "external", NULL, vals, NULL);
	mem_deref(vals);
	if (!err && id && idsz)
		snprintf(id, idsz, "%s", s->id);
	return err;
}

int cx_session_inject(cx_engine *e, const char *sessid, const char *name,
		      const char *const *kv, size_t nkv)
{
	cx_sess *s;
	cx_ev *ev;
	size_t i;

	if (!e || !name || !*name || (nkv && !kv))
		return EINVAL;
	s = cx_sess_find(e, sessid);
	if (!s)
		return ENOENT;
	if (!cx_sess_room(s, "an embedder's event"))
		return EAGAIN;
	ev = cx_ev_new(s, name);
	if (!ev)
		return ENOMEM;
	for (i = 0; i < nkv; i++)
		if (kv[2 * i])
			cx_ev_str(ev, kv[2 * i], kv[2 * i + 1] ? kv[2 * i + 1] : "");
	mem_deref(ev->source);
	str_dup(&ev->source, "embedder");
	ev->sourcetype = "embedded";
	ev->counted = 1;
	cx_sess_post(s, ev);
	return 0;
}

int cx_session_var(cx_engine *e, const char *sessid, const char *name, char *buf, size_t sz)
{
	cx_sess *s;
	const char *v;
	uint32_t i;

	if (!e || !name || !buf || !sz)
		return EINVAL;
	s = cx_sess_find(e, sessid);
	if (!s)
		return ENOENT;
	for (i = CX_SLOT_FIRST_VAR; i < s->doc->nslots && s->doc->slot_names; i++) {
		if (!s->doc->slot_names[i] || strcmp(s->doc->slot_names[i], name))
			continue;
		v = cx_rt_str(s->X, s->X->slots[i]);
		if (!v) {
			cx_catch(s->X);
			return EINVAL;
		}
		snprintf(buf, sz, "%s", v);
		return 0;
	}
	return ENOENT;
}

int cx_session_alive(cx_engine *e, const char *sessid)
{
	return e && cx_sess_find(e, sessid) != NULL;
}

/* Section - Reports */

int cx_inbound(cx_engine *e, const char *from, const char *to, char *sessid, size_t sidsz,
	       char *connid, size_t cidsz)
{
	cx_conn *c = NULL;
	int err;

	if (!e)
		return EINVAL;
	err = cx_prov_inbound(e, from, to, &c);
	if (err)
		return err;
	if (sessid && sidsz)
		snprintf(sessid, sidsz, "%s", c->sess->id);
	if (connid && cidsz)
		snprintf(connid, cidsz, "%s", c->id);
	return 0;
}

/* Connection and dialog ids are unique in the process and <move> changes their owner: when
 * the session named by the caller no longer holds the object, look for it in every session. */
static cx_conn *cx_embed__conn(cx_engine *e, const char *sessid, const char *connid)
{
	cx_sess *s = cx_sess_find(e, sessid);
	cx_conn *c = s ? cx_conn_find(s, connid) : NULL;
	struct le *le;

	for (le = list_head(&e->sessl); !c && le; le = le->next)
		c = cx_conn_find(le->data, connid);
	return c;
}

static cx_dlg *cx_embed__dlg(cx_engine *e, const char *sessid, const char *dialogid)
{
	cx_sess *s = cx_sess_find(e, sessid);
	cx_dlg *d = s ? cx_dlg_find(s, dialogid) : NULL;
	struct le *le;

	for (le = list_head(&e->sessl); !d && le; le = le->next)
		d = cx_dlg_find(le->data, dialogid);
	return d;
}

int cx_conn_report(cx_engine *e, const char *sessid, const char *connid, const char *event,
		   const char *reason)
{
	enum cx_pev pev = cx_pev_find(event, 0);
	cx_conn *c;

	if (!e || !connid || pev == CX_PEV_NONE)
		return EINVAL;
	c = cx_embed__conn(e, sessid, connid);
	if (!c)
		return ENOENT;
	cx_rt_conn_pev(c, pev, &(cx_pev_info){
		.reason = reason, .trigger = pev == CX_PEV_DISCONNECTED ? "remote" : NULL});
	return 0;
}

int cx_dialog_report(cx_engine *e, const char *sessid, const char *dialogid, const char *event)
{
	enum cx_pev pev = cx_pev_find(event, 1);
	cx_dlg *d;

	if (!e || !dialogid || pev == CX_PEV_NONE)
		return EINVAL;
	d = cx_embed__dlg(e, sessid, dialogid);
	if (!d)
		return ENOENT;
	cx_rt_dlg_pev(d, pev, NULL);
	return 0;
}
