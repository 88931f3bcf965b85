/*
 * curl.c — cx_curl: outbound HTTP (<send targettype="'basichttp'">) and mail
 * (<voxeo:sendemail>) over libcurl's multi interface, driven by the libre main loop.
 *
 * The glue (dependency-stack.md §3): libcurl tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION -> fd_listen) and when to call it back (CURLMOPT_TIMERFUNCTION -> a
 * libre tmr); libre tells libcurl what became ready (curl_multi_socket_action). Nothing here
 * blocks the loop. A transfer is not owned by a session: it keeps the session *id* and looks the
 * session up when it ends, so a session may exit (the seed mails, then exits) while its mail
 * is still on the way.
 */
#include <string.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include <curl/curl.h>
#include "rt.h"

#define CX_CURL_MAX_XFERS   32
#define CX_CURL_TIMEOUT_MS  15000     /* a transfer's bound when its caller sets none */
#define CX_CURL_FETCH_MAX_MS 86400000u /* cx_curl_fetch: the longest bound a caller gets */
/* A connection's bound, also cx_curl_fetch's when its caller allows longer (docs/decisions.md
 * "Connect bound"): a host that has not answered a SYN and its two retransmissions (at 1 and
 * 3 s) within 5 s is most likely down, and the caller hears so 25 s sooner than a 30 s bound. */
#define CX_CURL_CONNECT_MS  5000
#define CX_CURL_MAX_BODY    65536   /* mail body */
#define CX_CURL_MAX_RCPT    16

enum { CX_XFER_POST, CX_XFER_MAIL, CX_XFER_JSON, CX_XFER_GET };

typedef struct cx_csock {
	struct le le;
	cx_curl *c;
	curl_socket_t fd;
} cx_csock;

typedef struct cx_xfer {
	struct le le;
	cx_curl *c;
	CURL *easy;
	int kind;
	char sessid[CX_SESS_IDSZ];
	char sendid[CX_SUBID_SZ];
	char *url;
	char *data;            /* POST fields, or the whole mail message */
	size_t len, off;
	struct curl_slist *rcpt;   /* mail recipients, or a JSON POST's headers */
	cx_curl_done_h *doneh;     /* CX_XFER_JSON: told the outcome, exactly once */
	void *donearg;
	cx_curl_get_h *geth;       /* CX_XFER_GET: told the outcome, exactly once */
	cx_curl_resp resp;         /* CX_XFER_GET: what came back */
	FILE *out;                 /* CX_XFER_GET: where the body goes (the caller's) */
	size_t max, got;           /* CX_XFER_GET: body bytes allowed and received */
	char err[CURL_ERROR_SIZE];
} cx_xfer;

struct cx_curl {
	cx_engine *eng;
	CURLM *multi;
	struct tmr tmr;
	struct list socks;
	struct list xfers;
	char *smtp_url;
	char *mail_from;
	int in_action;
};

static int cx_curl__global;

/* Section - Results */

static void cx_xfer__destroy(void *arg)
{
	cx_xfer *x = arg;

	list_unlink(&x->le);
	if (x->easy) {
		if (x->c && x->c->multi)
			curl_multi_remove_handle(x->c->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	if (x->rcpt)
		curl_slist_free_all(x->rcpt);
	mem_deref(x->url);
	mem_deref(x->data);
}

static void cx_xfer__done(cx_xfer *x, CURLcode res)
{
	cx_sess *s = cx_sess_find(x->c->eng, x->sessid);
	long code = 0;
	char why[CURL_ERROR_SIZE + 64];
	cx_ev *ev;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (res != CURLE_OK)
		snprintf(why, sizeof(why), "%s", x->err[0] ? x->err : curl_easy_strerror(res));
	else if (x->kind != CX_XFER_MAIL && (code < 200 || code > 299))
		snprintf(why, sizeof(why), "HTTP status %ld", code);
	else
		why[0] = '\0';
	if (x->kind == CX_XFER_GET) {
		cx_curl_get_h *h = x->geth;
		x->geth = NULL;
		x->resp.status = code;
		if (res == CURLE_WRITE_ERROR && x->got > x->max)
			snprintf(why, sizeof(why), "larger than %zu bytes", x->max);
		else if (res != CURLE_OK)
			snprintf(why, sizeof(why), "%s", x->err[0] ? x->err : curl_easy_strerror(res));
		else
			why[0] = '\0';
		if (h)
			h(x->donearg, &x->resp, why[0] ? why : NULL);
		return;
	}
	if (x->kind == CX_XFER_JSON) {
		cx_curl_done_h *h = x->doneh;
		x->doneh = NULL;
		if (h)
			h(x->donearg, !why[0], why);
		return;
	}
	if (x->kind == CX_XFER_MAIL) {
		if (why[0])
			cx_log(CX_LOG_ERR, x->sessid, "sendemail failed: %s", why);
		else
			cx_log(CX_LOG_INFO, x->sessid, "sendemail: mail handed to the SMTP server");
		return;
	}
	if (why[0])
		cx_log(CX_LOG_ERR, x->sessid, "<send> %s to %H failed: %H", x->sendid,
		       cx_rt_escurl, x->url, cx_rt_esc, why);
	if (!s)
		return; /* the session ended meanwhile */
	ev = cx_ev_new(s, why[0] ? "error.send.failed" : "send.successful");
	if (!ev)
		return;
	cx_ev_str(ev, "sendid", x->sendid);
	if (why[0]) {
		cx_ev_str(ev, "reason", why);
		cx_ev_str(ev, "tagname", "send");
	}
	cx_sess_post(s, ev);
}

static void cx_curl__check(cx_curl *c)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left))) {
		cx_xfer *x = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (!x)
			continue;
		cx_xfer__done(x, m->data.result);
		mem_deref(x);
	}
}

/* Section - The loop glue */

static void cx_curl__action(cx_curl *c, curl_socket_t fd, int ev)
{
	int running = 0;

	c->in_action = 1;
	curl_multi_socket_action(c->multi, fd, ev, &running);
	c->in_action = 0;
	cx_curl__check(c);
}

static void cx_csock__ready(int flags, void *arg)
{
	cx_csock *k = arg;
	int ev = 0;

	if (flags & FD_READ)
		ev |= CURL_CSELECT_IN;
	if (flags & FD_WRITE)
		ev |= CURL_CSELECT_OUT;
	if (flags & FD_EXCEPT)
		ev |= CURL_CSELECT_ERR;
	cx_curl__action(k->c, k->fd, ev);
}

static void cx_csock__destroy(void *arg)
{
	cx_csock *k = arg;

	fd_close(k->fd);
	list_unlink(&k->le);
}

static int cx_curl__sockcb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	cx_curl *c = userp;
	cx_csock *k = socketp;
	int flags = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (k) {
			curl_multi_assign(c->multi, fd, NULL);
			mem_deref(k);
		}
		return 0;
	}
	if (!k) {
		k = mem_zalloc(sizeof(*k), cx_csock__destroy);
		if (!k)
			return -1;
		k->c = c;
		k->fd = fd;
		list_append(&c->socks, &k->le, k);
		curl_multi_assign(c->multi, fd, k);
	}
	if (what & CURL_POLL_IN)
		flags |= FD_READ;
	if (what & CURL_POLL_OUT)
		flags |= FD_WRITE;
	/* fd_listen() on a watched fd updates its flags (libre 1.1.0) */
	return fd_listen(fd, flags, cx_csock__ready, k) ? -1 : 0;
}

static void cx_curl__tmr(void *arg)
{
	cx_curl__action(arg, CURL_SOCKET_TIMEOUT, 0);
}

static int cx_curl__tmrcb(CURLM *multi, long timeout_ms, void *userp)
{
	cx_curl *c = userp;

	(void)multi;
	if (timeout_ms < 0)
		tmr_cancel(&c->tmr);
	else
		tmr_start(&c->tmr, (uint64_t)timeout_ms, cx_curl__tmr, c);
	return 0;
}

/* Section - Set-up */

static void cx_curl__destroy(void *arg)
{
	cx_curl *c = arg;
	struct le *le;

	tmr_cancel(&c->tmr);
	while ((le = list_head(&c->xfers))) {
		cx_xfer *x = le->data;
		if (x->kind == CX_XFER_JSON && x->doneh) {
			cx_curl_done_h *h = x->doneh;
			x->doneh = NULL;
			h(x->donearg, 0, "abandoned at exit");
		}
		else if (x->kind == CX_XFER_GET && x->geth) {
			cx_curl_get_h *h = x->geth;
			x->geth = NULL;
			h(x->donearg, &x->resp, "abandoned at exit");
		}
		else
			cx_log(CX_LOG_WARN, x->sessid, "%s to %H abandoned at exit",
			       x->kind == CX_XFER_MAIL ? "sendemail" : "<send>", cx_rt_escurl,
			       x->url);
		mem_deref(x);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	list_flush(&c->socks);
	mem_deref(c->smtp_url);
	mem_deref(c->mail_from);
}

int cx_curl_setup(cx_engine *e)
{
	cx_curl *c;

	if (!e)
		return EINVAL;
	if (e->curl)
		return 0;
	if (!cx_curl__global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
			cx_log(CX_LOG_ERR, NULL, "cannot initialise libcurl");
			return ENOSYS;
		}
		cx_curl__global = 1;
	}
	c = mem_zalloc(sizeof(*c), cx_curl__destroy);
	if (!c)
		return ENOMEM;
	c->eng = e;
	tmr_init(&c->tmr);
	c->multi = curl_multi_init();
	if (!c->multi) {
		mem_deref(c);
		return ENOMEM;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, cx_curl__sockcb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, cx_curl__tmrcb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	e->curl = c;
	return 0;
}

int cx_curl_smtp(cx_engine *e, const char *hostport, const char *from)
{
	int err = cx_curl_setup(e);

	if (err)
		return err;
	if (hostport) {
		if (!*hostport || strpbrk(hostport, "/ \t\r\n@")) {
			cx_log(CX_LOG_ERR, NULL, "--smtp needs HOST:PORT");
			return EINVAL;
		}
		e->curl->smtp_url = mem_deref(e->curl->smtp_url);
		if (re_sdprintf(&e->curl->smtp_url, "smtp://%s", hostport))
			return ENOMEM;
	}
	if (from) {
		if (!strchr(from, '@') || strpbrk(from, " \t\r\n<>")) {
			cx_log(CX_LOG_ERR, NULL, "--mail-from needs an address like app@example.com");
			return EINVAL;
		}
		e->curl->mail_from = mem_deref(e->curl->mail_from);
		if (str_dup(&e->curl->mail_from, from))
			return ENOMEM;
	}
	return 0;
}

uint32_t cx_curl_pending(const cx_engine *e)
{
	return e && e->curl ? list_count(&e->curl->xfers) : 0;
}

static size_t cx_curl__sink(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n; /* the answer's body is not used */
}

static size_t cx_curl__read(char *buf, size_t sz, size_t n, void *arg)
{
	cx_xfer *x = arg;
	size_t want = sz * n, left = x->len - x->off;

	if (want > left)
		want = left;
	memcpy(buf, x->data + x->off, want);
	x->off += want;
	return want;
}

/* A new transfer with the options every transfer has. */
static int cx_curl__xfer(cx_xfer **xp, cx_engine *e, int kind, const char *sessid)
{
	cx_curl *c;
	cx_xfer *x;
	int err = cx_curl_setup(e);

	if (err)
		return err;
	c = e->curl;
	if (list_count(&c->xfers) >= CX_CURL_MAX_XFERS)
		return EBUSY;
	x = mem_zalloc(sizeof(*x), cx_xfer__destroy);
	if (!x)
		return ENOMEM;
	x->c = c;
	x->kind = kind;
	snprintf(x->sessid, sizeof(x->sessid), "%s", sessid ? sessid : "");
	x->easy = curl_easy_init();
	if (!x->easy) {
		mem_deref(x);
		return ENOMEM;
	}
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)CX_CURL_TIMEOUT_MS);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)CX_CURL_CONNECT_MS);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, cx_curl__sink);
	*xp = x;
	return 0;
}

static int cx_curl__start(cx_xfer *x)
{
	cx_curl *c = x->c;

	list_append(&c->xfers, &x->le, x);
	if (curl_multi_add_handle(c->multi, x->easy) != CURLM_OK) {
		mem_deref(x);
		return ENOMEM;
	}
	return 0;
}

/* Section - basichttp */

/* Append "&key=value" pairs of a heap-neutral value, objects flattened with dotted names. */
/* Keeps the request body built in mb as x's own NUL-terminated copy (libcurl reads it late). */
static int cx_curl__body(cx_xfer *x, const struct mbuf *mb)
{
	x->len = mb->end;
	x->data = mem_alloc(x->len + 1, NULL);
	if (!x->data)
		return ENOMEM;
	memcpy(x->data, mb->buf, x->len);
	x->data[x->len] = '\0';
	return 0;
}

const char *cx_curl_sval(const cx_cval *v, char num[40])
{
	if (!v || v->tag == CX_T_UNDEF)
		return "undefined";
	if (v->tag == CX_T_NULL)
		return "null";
	if (v->tag == CX_T_BOOL)
		return v->n ? "true" : "false";
	if (v->tag == CX_T_NUM) {
		/* ES's ToString (9.8.1, the stdlib's): what `'' + x` gives the document, so 0.1
		 * posts as 0.1, 1e21 as 1e+21, NaN as NaN */
		cx_num_format(v->n, num);
		return num;
	}
	return v->s ? v->s : "";
}

static int cx_curl__fields(struct mbuf *mb, CURL *easy, const char *prefix, const cx_cval *v,
			   int depth)
{
	char num[40]; /* cx_num_format writes at most 26 */
	char *ek, *ev;
	const char *sval = NULL;
	uint32_t i;
	int err = 0;

	if (v && v->tag == CX_T_OBJ) {
		if (depth > CX_RT_COPY_DEPTH)
			return 0;
		for (i = 0; i < v->nkids && !err; i++) {
			char *key = NULL;
			if (re_sdprintf(&key, "%s%s%s", prefix, *prefix ? "." : "", v->keys[i]))
				return ENOMEM;
			err = cx_curl__fields(mb, easy, key, v->kids[i], depth + 1);
			mem_deref(key);
		}
		return err;
	}
	sval = cx_curl_sval(v, num);
	ek = curl_easy_escape(easy, prefix, 0);
	ev = curl_easy_escape(easy, sval, 0);
	if (!ek || !ev)
		err = ENOMEM;
	else
		err = mbuf_printf(mb, "%s%s=%s", mb->end ? "&" : "", ek, ev);
	curl_free(ek);
	curl_free(ev);
	return err;
}

int cx_curl_post(cx_engine *e, const char *sessid, const char *sendid, const char *url,
		 const char *name, const cx_cval *fields)
{
	struct mbuf *mb = NULL;
	cx_xfer *x = NULL;
	cx_cval *nm = NULL, *sid = NULL;
	int err;

	if (!url || (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)) ||
	    strpbrk(url, " \t\r\n"))
		return EINVAL;
	err = cx_curl__xfer(&x, e, CX_XFER_POST, sessid);
	if (err)
		return err;
	snprintf(x->sendid, sizeof(x->sendid), "%s", sendid ? sendid : "");
	mb = mbuf_alloc(256);
	nm = cx_cval_str(name ? name : "");
	sid = cx_cval_str(sessid ? sessid : "");
	if (!mb || !nm || !sid || str_dup(&x->url, url)) {
		err = ENOMEM;
		goto out;
	}
	/* name and eventsource (the sender) first, then the namelist. The sender's id is never
	 * `sessionid`: that field names the *target* session to a CCXML basichttp processor (whose
	 * access URI carries it), which refuses a field given twice (digest §7). The platform's
	 * two fields win over namelist variables of the same names. */
	err = cx_curl__fields(mb, x->easy, "name", nm, 0);
	if (!err)
		err = cx_curl__fields(mb, x->easy, "eventsource", sid, 0);
	for (uint32_t i = 0; !err && fields && fields->tag == CX_T_OBJ && i < fields->nkids; i++)
		if (strcmp(fields->keys[i], "name") && strcmp(fields->keys[i], "eventsource"))
			err = cx_curl__fields(mb, x->easy, fields->keys[i], fields->kids[i], 1);
	if (!err)
		err = cx_curl__body(x, mb);
	if (err)
		goto out;
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->data);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)x->len);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "ccxmlc-runtime/0.1");
	err = cx_curl__start(x);
	x = NULL; /* owned by the list now (or freed by cx_curl__start) */
 out:
	mem_deref(x);
	mem_deref(mb);
	mem_deref(nm);
	mem_deref(sid);
	return err;
}

/* Section - JSON documents (call records) */

int cx_curl_json(cx_engine *e, const char *url, const struct mbuf *body, cx_curl_done_h *doneh,
		 void *arg)
{
	cx_xfer *x = NULL;
	int err;

	if (!e || e->closing || !url || !body || !doneh)
		return EINVAL;
	err = cx_curl__xfer(&x, e, CX_XFER_JSON, NULL);
	if (!err && str_dup(&x->url, url))
		err = ENOMEM;
	if (!err)
		err = cx_curl__body(x, body);
	if (!err) {
		x->rcpt = curl_slist_append(NULL, "Content-Type: application/json");
		err = x->rcpt ? 0 : ENOMEM;
	}
	if (err) {
		mem_deref(x);
		return err;
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->rcpt);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->data);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)x->len);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "ccxmlc-runtime/0.1");
	x->doneh = doneh;
	x->donearg = arg;
	/* on failure cx_curl__start freed x without calling doneh: the caller keeps arg */
	return cx_curl__start(x);
}

/* Section - GET into a file (prompts) */

static size_t cx_curl__tofile(char *p, size_t sz, size_t n, void *arg)
{
	cx_xfer *x = arg;

	x->got += sz * n;
	if (x->got > x->max)
		return 0; /* CURLE_WRITE_ERROR: too large */
	return fwrite(p, sz, n, x->out) == n ? sz * n : 0;
}

/* A control character (a tab aside: RFC 9110 5.5) in v[0..n): a validator goes back to the
 * server in a header of ours (If-None-Match, If-Modified-Since) that libcurl sends as it is,
 * so a CR inside one would split that request's line for whatever reads it on the way. */
static bool cx_curl__ctl(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
			return true;
	return false;
}

/* A response header into resp (the ones caching needs), value trimmed and bounded. */
static size_t cx_curl__hdr(char *p, size_t sz, size_t n, void *arg)
{
	static const struct {
		const char *name;
		size_t off, cap;
	} want[] = {
		{"etag", offsetof(cx_curl_resp, etag), sizeof(((cx_curl_resp *)0)->etag)},
		{"last-modified", offsetof(cx_curl_resp, lastmod), sizeof(((cx_curl_resp *)0)->lastmod)},
		{"cache-control", offsetof(cx_curl_resp, cachectl), sizeof(((cx_curl_resp *)0)->cachectl)},
		{"content-type", offsetof(cx_curl_resp, ctype), sizeof(((cx_curl_resp *)0)->ctype)},
	};
	cx_xfer *x = arg;
	size_t len = sz * n, i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t nl = strlen(want[i].name), vl;
		const char *v;
		char *dst;
		if (len <= nl + 1 || strncasecmp(p, want[i].name, nl) || p[nl] != ':')
			continue;
		v = p + nl + 1;
		vl = len - nl - 1;
		while (vl && (*v == ' ' || *v == '\t'))
			++v, --vl;
		while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
			--vl;
		dst = (char *)&x->resp + want[i].off;
		if (vl >= want[i].cap || cx_curl__ctl(v, vl))
			vl = 0; /* too long, or not one line, to be one we trust: as if absent */
		memcpy(dst, v, vl);
		dst[vl] = '\0';
	}
	return len;
}

int cx_curl_get(cx_engine *e, const char *url, const char *const *hdrs, size_t max, FILE *out,
		cx_curl_get_h *geth, void *arg)
{
	return cx_curl_fetch(e, url, NULL, hdrs, max, 0, out, geth, arg);
}

int cx_curl_form(struct mbuf *mb, const cx_cval *fields)
{
	uint32_t i;
	int err = 0;

	for (i = 0; fields && fields->tag == CX_T_OBJ && i < fields->nkids && !err; i++)
		err = cx_curl__fields(mb, NULL, fields->keys[i], fields->kids[i], 1);
	return err;
}

/* A fetch given up by its caller (its fetchtimeout passed, before curl's own bound) would
 * otherwise go on until that bound: a socket and a buffer kept for nothing, and
 * on the simulator the virtual clock held to wall time all that while (clock.c waits for every
 * transfer in flight). */
void cx_curl_abort(cx_engine *e, void *arg, const char *why)
{
	struct le *le;

	for (le = e && e->curl ? list_head(&e->curl->xfers) : NULL; le; le = le->next) {
		cx_xfer *x = le->data;
		cx_curl_get_h *h = x->geth;
		cx_curl_resp resp;

		if (x->kind != CX_XFER_GET || !h || x->donearg != arg)
			continue;
		resp = x->resp;
		x->geth = NULL;
		mem_deref(x); /* out of the multi handle: its socket closes */
		h(arg, &resp, why);
		return;
	}
}

int cx_curl_fetch(cx_engine *e, const char *url, const struct mbuf *post,
		  const char *const *hdrs, size_t max, uint64_t tmo_ms, FILE *out, cx_curl_get_h *geth,
		  void *arg)
{
	cx_xfer *x = NULL;
	int err, i;

	/* http(s) only: a file under --docroot is read by cx_docroot_read (docfetch.c) */
	if (!e || e->closing || !url || !out || !geth ||
	    (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)))
		return EINVAL;
	err = cx_curl__xfer(&x, e, CX_XFER_GET, NULL);
	if (!err && str_dup(&x->url, url))
		err = ENOMEM;
	if (!err && post)
		err = cx_curl__body(x, post);
	for (i = 0; !err && hdrs && hdrs[i]; i++) {
		struct curl_slist *l = curl_slist_append(x->rcpt, hdrs[i]);
		if (!l)
			err = ENOMEM;
		else
			x->rcpt = l;
	}
	if (err) {
		mem_deref(x);
		return err;
	}
	x->out = out;
	x->max = max;
	/* the caller's own bound (a document's timeout, which may exceed curl's default 15 s):
	 * curl's a second past it, so that the caller's timer, which aborts, speaks first; the
	 * connection's too when that is sooner than CX_CURL_CONNECT_MS (a 2 s fetch of a host
	 * that never answers gives up at 2 s, its socket closed by 3 s, not at 5 s) */
	if (tmo_ms) {
		long tmo = (long)(tmo_ms < CX_CURL_FETCH_MAX_MS ? tmo_ms : CX_CURL_FETCH_MAX_MS) + 1000L;
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, tmo);
		curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
				 tmo < CX_CURL_CONNECT_MS ? tmo : (long)CX_CURL_CONNECT_MS);
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->rcpt);
	if (post) {
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->data);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)x->len);
	}
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, cx_curl__tofile);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, cx_curl__hdr);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "ccxmlc-runtime/0.1");
	x->geth = geth;
	x->donearg = arg;
	return cx_curl__start(x);
}

/* Section - mail */

/* An address list "a@x, b@y" -> recipients; EINVAL on anything that is not a plain address. */
static int cx_curl__rcpt(cx_xfer *x, const char *to)
{
	const char *p = to;
	int n = 0;

	while (*p) {
		const char *q;
		char addr[320];
		size_t l;
		struct curl_slist *nl;
		while (*p == ' ' || *p == ',')
			++p;
		if (!*p)
			break;
		for (q = p; *q && *q != ','; q++)
			;
		l = (size_t)(q - p);
		while (l && p[l - 1] == ' ')
			--l;
		if (l + 3 > sizeof(addr) || ++n > CX_CURL_MAX_RCPT)
			return EINVAL;
		snprintf(addr, sizeof(addr), "<%.*s>", (int)l, p);
		if (!memchr(p, '@', l) || strpbrk(addr + 1, " \t<>\"") != addr + l + 1)
			return EINVAL; /* only the closing '>' may be found: a plain address */
		nl = curl_slist_append(x->rcpt, addr);
		if (!nl)
			return ENOMEM;
		x->rcpt = nl;
		p = q;
	}
	return n ? 0 : EINVAL;
}

static int cx_curl__hdrok(const char *s)
{
	return !s || !strpbrk(s, "\r\n");
}

int cx_curl_mail(cx_engine *e, const char *sessid, const char *to, const char *from,
		 const char *subject, const char *type, const char *body)
{
	struct mbuf *mb = NULL;
	cx_xfer *x = NULL;
	char date[64], *url = NULL;
	const char *p;
	time_t now = time(NULL);
	struct tm tm;
	int err;

	err = cx_curl_setup(e);
	if (err)
		return err;
	if (!e->curl->smtp_url)
		return ENOTCONN;
	if (!from || !*from)
		from = e->curl->mail_from ? e->curl->mail_from : "ccxml@localhost";
	if (!to || !cx_curl__hdrok(to) || !cx_curl__hdrok(from) || !cx_curl__hdrok(subject) ||
	    !cx_curl__hdrok(type) || !strchr(from, '@') || strpbrk(from, " \t<>,"))
		return EINVAL;
	if (body && strlen(body) > CX_CURL_MAX_BODY)
		return EOVERFLOW;
	err = cx_curl__xfer(&x, e, CX_XFER_MAIL, sessid);
	if (err)
		return err;
	err = cx_curl__rcpt(x, to);
	if (err)
		goto out;
	mb = mbuf_alloc(1024);
	if (!mb || str_dup(&x->url, e->curl->smtp_url)) {
		err = ENOMEM;
		goto out;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	err = mbuf_printf(mb, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
			  "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
			  "X-CCXML-Session: %s\r\nX-CCXML-Type: %s\r\n\r\n", date, from, to,
			  subject && *subject ? subject : type && *type ? type : "CCXML message",
			  x->sessid, type ? type : "");
	/* bare LF -> CRLF; libcurl does the SMTP dot-stuffing */
	for (p = body ? body : ""; *p && !err; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			err = mbuf_write_u8(mb, '\r');
		if (!err)
			err = mbuf_write_u8(mb, (uint8_t)*p);
	}
	if (!err)
		err = mbuf_write_str(mb, "\r\n");
	if (!err)
		err = cx_curl__body(x, mb);
	if (err)
		goto out;
	if (re_sdprintf(&url, "<%s>", from)) {
		err = ENOMEM;
		goto out;
	}
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, url);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, cx_curl__read);
	curl_easy_setopt(x->easy, CURLOPT_READDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L);
	err = cx_curl__start(x);
	x = NULL;
 out:
	mem_deref(url);   /* libcurl copies string options */
	mem_deref(x);
	mem_deref(mb);
	return err;
}

int cx_curl_failed(char *out, size_t sz, const char *prefix, const char *url, const char *why,
		   const cx_curl_resp *resp, size_t len, size_t max)
{
	if (why)
		snprintf(out, sz, "%s%s: %s", prefix, url, why);
	else if (resp->status < 200 || resp->status > 299)
		snprintf(out, sz, "%s%s: HTTP status %ld", prefix, url, resp->status);
	else if (len >= max)
		snprintf(out, sz, "%s%s: larger than %zu bytes", prefix, url, max);
	else
		return out[0] = 0;
	return 1;
}
