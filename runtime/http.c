/*
 * http.c — cx_http: the HTTP listener of a compiled program (docs/http.md).
 *
 *   GET|POST /SessionControl/CCXML10.start?tokenid=T&k=v   (also /CCXML10.start)  token start
 *   GET|POST /basichttp?sessionid=S&name=N[&eventsource=E]&f=v…    event injection (digest §7)
 *   GET|POST /createsession?uri=DOC&k=v…                            createsession (digest §7)
 *   GET      /health                                                status page (JSON)
 *   GET      /metrics, /sessions[?id=S|limit=N]   the operator's (admin.c), admin token only
 *
 * The connection layer is our own, on libre's TCP and its HTTP message parser, rather than
 * http_listen(): libre's server closes oversized or malformed requests without a word, and the
 * issue wants a clear 4xx for them. Every input is bounded (header block, body, fields, field
 * lengths, connections in total and per client address, time for the headers, for the body and
 * between keep-alive requests), so slow or many clients cannot starve it (docs/http.md, Limits).
 * Headers are looked up by name: libre's parser files them under a 12-bit hash of the name, and
 * "X55" has the hash of Content-Length.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/socket.h>
#include "rt.h"

#define CX_HTTP_MAX_HEAD   16384   /* request line + headers */
#define CX_HTTP_MAX_TARGET 8192    /* path + query */
#define CX_HTTP_MAX_BODY   65536   /* form body */
#define CX_HTTP_MAX_FIELDS 64
#define CX_HTTP_MAX_HLINES 100     /* header lines (Apache's LimitRequestFields) */
#define CX_HTTP_MAX_KEY    128
#define CX_HTTP_MAX_VAL    4096
#define CX_HTTP_MAX_DEPTH  8       /* dotted name segments */
#define CX_HTTP_MAX_TOKENS 1024

/* Connection limits (defaults; docs/http.md, Limits). The timeouts are deadlines, not idle
 * timers: a client that trickles one byte a second gains nothing. */
#define CX_HTTP_MAX_CONNS    256    /* open connections in total (the oldest slow one yields) */
#define CX_HTTP_MAX_PER_ADDR 32     /* open connections from one client address */
#define CX_HTTP_BACKLOG      1024   /* completed handshakes the kernel keeps for us (libre: 5) */
#define CX_HTTP_HEAD_MS      10000  /* request line + headers, from the connection or the
				     * first byte of a keep-alive request */
#define CX_HTTP_BODY_MS      10000  /* the body, from the end of the headers */
#define CX_HTTP_IDLE_MS      15000  /* keep-alive: the next request must start within this */
#define CX_HTTP_LINGER_MS    2000   /* after the last answer, wait this long for the close */
#define CX_HTTP_LOG_MS       10000  /* at most one line about refused connections per this */
#define CX_HTTP_RETRY_AFTER  "5"    /* seconds, in a 503 for a limit reached */

typedef struct cx_http_tok {
	struct le le;
	char *id;
	const cx_doc *doc;
	uint32_t n;            /* 1-based position: logs name a token by it, never by its value */
	int fromfile;          /* read from --tokens (SIGHUP reads the file again) */
	uint32_t max;          /* ",max=N": sessions of this token at a time (0: no limit) */
	uint32_t running;      /* its sessions running now */
} cx_http_tok;

struct cx_http {
	cx_engine *eng;
	struct tcp_sock *ts;
	struct sa bound;
	struct list conns;     /* cx_hconn, in the order they were accepted */
	struct list toks;
	char *inject;          /* --inject-token or NULL */
	char *tokfile;         /* --tokens FILE or NULL */
	char *public;          /* --http-public URL (no trailing '/') or NULL */
	char *admin;           /* the admin token (/metrics, /sessions) or NULL */
	char *adminfile;       /* where it is read from (SIGHUP reads it again) */
	cx_quiet qtok;         /* refusals a client can repeat at will, logged sparingly (a flood */
	cx_quiet qbasic;       /* of bad requests cannot fill the log): unknown tokens, basichttp */
	cx_quiet qadmin;       /* without the right credential, the admin resources without the
				* admin token */
	int loading;           /* tokens being read from tokfile: mark them fromfile */
	uint32_t nconns;
	uint64_t nreq;
	uint32_t nrefused;     /* refused at accept (per-address limit), since the last log line */
	uint32_t nevicted;     /* closed to make room (total limit), since the last log line */
	struct tmr logtmr;     /* running while refusals are being counted, not logged */
};

/* A connection is waiting for the head of a request, for its body, idle between keep-alive
 * requests, or closing after its last answer. */
enum cx_hconn_st { CX_HC_HEAD, CX_HC_BODY, CX_HC_IDLE, CX_HC_CLOSING };

typedef struct cx_hconn {
	struct le le;
	cx_http *h;
	struct tcp_conn *tc;
	struct mbuf *mb;       /* received bytes not yet served (buf[0] starts a request) */
	struct tmr tmr;        /* the deadline of the current state */
	struct sa peer;
	enum cx_hconn_st st;
	uint64_t since;        /* tmr_jiffies() when the state began */
	size_t scan;           /* CX_HC_HEAD: bytes of mb already searched for the blank line */
	size_t head, clen;     /* CX_HC_BODY: length of the head and of the body */
	int keep;              /* the connection stays open after the current answer */
	int answered;          /* the current request has its answer */
	const char *route;     /* the current request's resource, for the metrics */
} cx_hconn;

/* Parsed form: decoded key/value pairs, in order. */
typedef struct cx_form {
	uint32_t n;
	char *k[CX_HTTP_MAX_FIELDS];
	char *v[CX_HTTP_MAX_FIELDS];
} cx_form;

/* Section - Forms */

static void cx_form__free(cx_form *f)
{
	uint32_t i;

	for (i = 0; i < f->n; i++) {
		mem_deref(f->k[i]);
		mem_deref(f->v[i]);
	}
	f->n = 0;
}

static int cx_http__hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Well-formed UTF-8 (no overlongs, no surrogates): ES strings are built from it. */
static int cx_http__utf8ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], need, cp, j;
		if (c < 0x80) {
			++i;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		for (j = 1; j <= need; j++) {
			if (i + j >= n || (p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* Percent-decode p[0..n) ('+' is a space) into a new string. EBADMSG: bad escape, NUL or not
 * UTF-8; EOVERFLOW: longer than max. Also media.c's decoder of a prompt's text= part. */
int cx_http_decode(char **out, const char *p, size_t n, size_t max)
{
	char *d;
	size_t i, k = 0;

	*out = NULL;
	if (n > 3 * max)
		return EOVERFLOW;
	d = mem_alloc(n + 1, NULL);
	if (!d)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int hi = i + 2 < n ? cx_http__hex(p[i + 1]) : -1;
			int lo = i + 2 < n ? cx_http__hex(p[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				mem_deref(d);
				return EBADMSG;
			}
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0) {
			mem_deref(d);
			return EBADMSG;
		}
		d[k++] = (char)c;
	}
	d[k] = '\0';
	if (k > max) {
		mem_deref(d);
		return EOVERFLOW;
	}
	if (!cx_http__utf8ok((const unsigned char *)d, k)) {
		mem_deref(d);
		return EBADMSG;
	}
	*out = d;
	return 0;
}

static const char *cx_form__get(const cx_form *f, const char *k)
{
	uint32_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->k[i], k))
			return f->v[i];
	return NULL;
}

/* Append the fields of an application/x-www-form-urlencoded text to f. Returns an HTTP status
 * (0 when fine) and a reason in why. */
static int cx_http__form(cx_form *f, const char *p, size_t n, char *why, size_t whysz)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, eq;
		char *k = NULL, *v = NULL;
		int err;

		while (j < n && p[j] != '&')
			++j;
		if (j == i) { /* empty field ("a=1&&b=2"): nothing to take */
			i = j + 1;
			continue;
		}
		if (f->n >= CX_HTTP_MAX_FIELDS) {
			snprintf(why, whysz, "too many fields (at most %d)", CX_HTTP_MAX_FIELDS);
			return 400;
		}
		for (eq = i; eq < j && p[eq] != '='; eq++)
			;
		err = cx_http_decode(&k, p + i, eq - i, CX_HTTP_MAX_KEY);
		if (!err)
			err = cx_http_decode(&v, eq < j ? p + eq + 1 : "", eq < j ? j - eq - 1 : 0,
					      CX_HTTP_MAX_VAL);
		if (err) {
			mem_deref(k);
			if (err == EOVERFLOW)
				snprintf(why, whysz, "field %u is too long (names up to %d bytes, "
					 "values up to %d)", f->n + 1, CX_HTTP_MAX_KEY, CX_HTTP_MAX_VAL);
			else if (err == EBADMSG)
				snprintf(why, whysz, "field %u: bad percent-encoding, NUL byte or "
					 "invalid UTF-8", f->n + 1);
			else
				snprintf(why, whysz, "out of memory");
			return err == ENOMEM ? 500 : 400;
		}
		/* "k1=v1&amp;k2=v2" pasted from an HTML page: the seed's own example has it */
		if (!strncmp(k, "amp;", 4) && k[4])
			memmove(k, k + 4, strlen(k + 4) + 1);
		if (!*k) {
			mem_deref(k);
			mem_deref(v);
			snprintf(why, whysz, "field %u has an empty name", f->n + 1);
			return 400;
		}
		/* One rule for every field, query and body alike: a name given twice is refused.
		 * Taking the first or the last would let "tokenid=a&tokenid=b" mean one thing to
		 * a proxy or log filter in front of us and another thing here. */
		if (cx_form__get(f, k)) {
			snprintf(why, whysz, "field '%.64s' given twice", k);
			mem_deref(k);
			mem_deref(v);
			return 400;
		}
		f->k[f->n] = k;
		f->v[f->n] = v;
		f->n++;
		i = j + 1;
	}
	return 0;
}

/* Section - Nested values */

static int cx_http__keyok(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '$' && c != '-')
			return 0;
	}
	return 1;
}

/* The kid of obj named k (n bytes), or -1. */
static int cx_http__kid(const cx_cval *obj, const char *k, size_t n)
{
	uint32_t i;

	for (i = 0; i < obj->nkids; i++)
		if (strlen(obj->keys[i]) == n && !memcmp(obj->keys[i], k, n))
			return (int)i;
	return -1;
}

static int cx_http__addkid(cx_cval *obj, const char *k, size_t n, cx_cval *kid)
{
	uint32_t m = obj->nkids;
	char **keys;
	cx_cval **kids;

	/* libre's mem_realloc() does not start from NULL */
	keys = m ? mem_realloc(obj->keys, (m + 1) * sizeof(char *)) : mem_zalloc(sizeof(char *), NULL);
	if (!keys)
		return ENOMEM;
	obj->keys = keys;
	kids = m ? mem_realloc(obj->kids, (m + 1) * sizeof(cx_cval *)) : mem_zalloc(sizeof(cx_cval *), NULL);
	if (!kids)
		return ENOMEM;
	obj->kids = kids;
	keys[m] = NULL;
	if (re_sdprintf(&keys[m], "%b", k, n))
		return ENOMEM;
	kids[m] = kid;
	obj->nkids = m + 1;
	return 0;
}

int cx_http_nest(cx_cval *obj, const char *name, const char *val, char *why, size_t whysz)
{
	const char *p = name;
	int depth = 0;

	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		int i;

		if (!cx_http__keyok(p, n)) {
			snprintf(why, whysz, "bad field name '%s' (letters, digits, _ $ - and dots "
				 "between names)", name);
			return EINVAL;
		}
		if (++depth > CX_HTTP_MAX_DEPTH) {
			snprintf(why, whysz, "field name '%s' nests deeper than %d", name,
				 CX_HTTP_MAX_DEPTH);
			return EINVAL;
		}
		i = cx_http__kid(obj, p, n);
		if (!dot) {
			cx_cval *leaf;
			if (i >= 0) {
				if (obj->kids[i]->tag == CX_T_OBJ) {
					snprintf(why, whysz, "field '%s' is also an object", name);
					return EINVAL;
				}
				/* a repeated field: the last one wins */
				leaf = cx_cval_str(val);
				if (!leaf)
					return ENOMEM;
				mem_deref(obj->kids[i]);
				obj->kids[i] = leaf;
				return 0;
			}
			leaf = cx_cval_str(val);
			if (!leaf)
				return ENOMEM;
			if (cx_http__addkid(obj, p, n, leaf)) {
				mem_deref(leaf);
				return ENOMEM;
			}
			return 0;
		}
		if (i >= 0) {
			if (obj->kids[i]->tag != CX_T_OBJ) {
				snprintf(why, whysz, "field '%s' conflicts with a plain field '%.*s'",
					 name, (int)(dot - name), name);
				return EINVAL;
			}
			obj = obj->kids[i];
		}
		else {
			cx_cval *o = cx_cval_str(NULL);
			if (!o)
				return ENOMEM;
			o->tag = CX_T_OBJ;
			if (cx_http__addkid(obj, p, n, o)) {
				mem_deref(o);
				return ENOMEM;
			}
			obj = o;
		}
		p = dot + 1;
	}
}

/* Fields of f except the names in skip (NULL-terminated) as one nested object. */
static int cx_http__values(cx_cval **out, const cx_form *f, const char *const *skip, char *why,
			   size_t whysz)
{
	cx_cval *o = cx_cval_str(NULL);
	uint32_t i;
	int err;

	*out = NULL;
	if (!o)
		return ENOMEM;
	o->tag = CX_T_OBJ;
	for (i = 0; i < f->n; i++) {
		const char *const *sk;
		for (sk = skip; *sk && strcmp(*sk, f->k[i]); sk++)
			;
		if (*sk)
			continue;
		err = cx_http_nest(o, f->k[i], f->v[i], why, whysz);
		if (err) {
			mem_deref(o);
			if (err == ENOMEM)
				snprintf(why, whysz, "out of memory");
			return err;
		}
	}
	*out = o;
	return 0;
}

/* Section - Answers */

static void cx_hconn__close(void *arg)
{
	cx_hconn *c = arg;

	mem_deref(c);
}

static void cx_hconn__shut(cx_hconn *c)
{
	(void)shutdown(tcp_conn_fd(c->tc), SHUT_WR);
}

/* libre calls this while its send queue is empty: the answer is out, the FIN may follow. */
static void cx_hconn__sent(void *arg)
{
	cx_hconn *c = arg;

	(void)tcp_set_send(c->tc, NULL);
	cx_hconn__shut(c);
}

/* After the last answer: the FIN goes out at once, so a client that reads to the end of the
 * stream is not kept waiting, and the connection is freed when the client closes (or after
 * CX_HTTP_LINGER_MS). Closing outright instead would reset the connection when unread request
 * bytes remain, and a reset can destroy the answer before the client has read it. */
static void cx_hconn__finish(cx_hconn *c)
{
	c->st = CX_HC_CLOSING;
	c->since = tmr_jiffies();
	c->mb = mem_deref(c->mb);
	tmr_start(&c->tmr, CX_HTTP_LINGER_MS, cx_hconn__close, c);
	if (!c->tc)
		return;
	if (tcp_conn_txqsz(c->tc))
		(void)tcp_set_send(c->tc, cx_hconn__sent);
	else
		cx_hconn__shut(c);
}

/* Writes one answer; xhdrs: more header lines ("Name: value\r\n"…) or NULL. Unless the
 * request keeps the connection (c->keep), it is the last one. */
static void cx_http__answer(cx_hconn *c, uint16_t scode, const char *reason, const char *xhdrs,
			    const char *ctype, const char *body)
{
	struct mbuf *mb;
	size_t blen = body ? strlen(body) : 0;
	int err = ENOMEM;

	if (c->answered || c->st == CX_HC_CLOSING || !c->tc)
		return;
	c->answered = 1;
	cx_met_http(c->h->eng, c->route ? c->route : "other", scode);
	mb = mbuf_alloc(256 + blen);
	if (mb) {
		err = mbuf_printf(mb, "HTTP/1.1 %u %s\r\n%s", scode, reason, xhdrs ? xhdrs : "");
		if (!err && scode != 204)
			err = mbuf_printf(mb, "Content-Type: %s\r\nContent-Length: %zu\r\n"
					  "Cache-Control: no-store\r\n",
					  ctype ? ctype : "text/plain; charset=utf-8", blen);
		if (!err)
			err = mbuf_printf(mb, "%s\r\n%s", c->keep ? "" : "Connection: close\r\n",
					  body ? body : "");
		if (!err) {
			mb->pos = 0;
			err = tcp_send(c->tc, mb);
		}
		mem_deref(mb);
	}
	if (err) /* e.g. a client that pipelines requests and reads no answer: the queue is full */
		c->keep = 0;
	if (!c->keep)
		cx_hconn__finish(c);
}

static void cx_http__reply(cx_hconn *c, uint16_t scode, const char *reason, const char *ctype,
			   const char *body)
{
	cx_http__answer(c, scode, reason, NULL, ctype, body);
}

/* A plain-text answer: body + newline. */
static void cx_http__text(cx_hconn *c, uint16_t scode, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void cx_http__text(cx_hconn *c, uint16_t scode, const char *reason, const char *fmt, ...)
{
	char body[600];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body) - 1, fmt, ap);
	va_end(ap);
	n = strlen(body);
	body[n] = '\n';
	body[n + 1] = '\0';
	cx_http__reply(c, scode, reason, NULL, body);
}

/* 503 with Retry-After: the client may come back (a limit, not a fault). */
static void cx_http__busy(cx_hconn *c, const char *why)
{
	char body[200];

	snprintf(body, sizeof(body), "%s\n", why);
	cx_http__answer(c, 503, "Service Unavailable", "Retry-After: " CX_HTTP_RETRY_AFTER "\r\n",
			NULL, body);
}

/* Section - Resources */

/* The counts of refusals of a quiet time that no refusal's line took (cx_quiet), by kind. */
static void cx_http__quiet_h(const char *what, uint64_t n)
{
	cx_log(CX_LOG_WARN, NULL, "http: %s refused%H", what, cx_quiet_more, &n);
}

static void cx_http__qtok_h(void *arg, uint64_t n)
{
	cx_http__quiet_h("session starts with an unknown or no tokenid", n);
}

static void cx_http__qbasic_h(void *arg, uint64_t n)
{
	cx_http__quiet_h("basichttp requests without the right secret or token", n);
}

static void cx_http__qadmin_h(void *arg, uint64_t n)
{
	cx_http__quiet_h("requests without the right admin token", n);
}

/* The token id names, comparing with every token in constant time: how long the answer takes
 * tells nothing about how close a guess came. */
static cx_http_tok *cx_http__tok(cx_http *h, const char *id)
{
	cx_http_tok *hit = NULL;
	struct le *le;

	LIST_FOREACH(&h->toks, le) {
		cx_http_tok *t = le->data;
		if (cx_rt_ct_eq(t->id, id) && !hit)
			hit = t;
	}
	return hit;
}

/* The token of a start request (field tokenid); NULL after a 403 answer. */
static cx_http_tok *cx_http__starttok(cx_hconn *c, const cx_form *f, const char *what)
{
	const char *id = cx_form__get(f, "tokenid");
	cx_http_tok *t = id ? cx_http__tok(c->h, id) : NULL;

	if (!t) {
		uint64_t n;
		if (cx_quiet_ok(&c->h->qtok, &n, cx_http__qtok_h, NULL))
			cx_log(CX_LOG_WARN, NULL, "http: %s from %J refused: %s tokenid%H", what,
			       &c->peer, id ? "unknown" : "no", cx_quiet_more, &n);
		cx_http__text(c, 403, "Forbidden", "Invalid Token");
	}
	return t;
}

/* Start a session of doc with the values of f (skip: fields that are not values). */
static void cx_http__start(cx_hconn *c, cx_http_tok *t, const cx_doc *doc, const cx_form *f,
			   const char *const *skip, const char *how)
{
	cx_engine *e = c->h->eng;
	cx_sess *s = NULL;
	cx_cval *vals = NULL;
	char why[300];
	int err;

	if (e->draining) {
		cx_http__text(c, 503, "Service Unavailable", "Failure");
		return;
	}
	if (t->max && t->running >= t->max) {
		cx_log(CX_LOG_WARN, NULL, "http: %s from %J refused: the token's %u session(s) are "
		       "running", how, &c->peer, t->max);
		cx_http__busy(c, "too many sessions for this token");
		return;
	}
	err = cx_http__values(&vals, f, skip, why, sizeof(why));
	if (err) {
		cx_http__text(c, err == ENOMEM ? 500 : 400, err == ENOMEM ? "Internal Server Error" :
			      "Bad Request", "Failure: %s", why);
		return;
	}
	err = cx_sess_start(&s, e, doc, "external", NULL, vals, NULL);
	mem_deref(vals);
	if (err == EBUSY) {
		cx_log(CX_LOG_WARN, NULL, "http: %s from %J refused: out of sessions (%u running)",
		       how, &c->peer, e->nsess);
		cx_http__busy(c, "out of sessions");
		return;
	}
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "http: %s from %J: cannot start a session: %s", how,
		       &c->peer, strerror(err));
		cx_http__text(c, 500, "Internal Server Error", "Failed to route call");
		return;
	}
	if (!str_dup(&s->tokid, t->id))
		t->running++;
	cx_log(CX_LOG_INFO, s->id, "started by %s (document %H) from %J", how, cx_rt_esc,
	       doc->name ? doc->name : "?", &c->peer);
	cx_http__text(c, 200, "OK", "Success\n%s", s->id);
}

static void cx_http__token(cx_hconn *c, const cx_form *f)
{
	static const char *const skip[] = {"tokenid", NULL};
	cx_http_tok *t = cx_http__starttok(c, f, "token start");
	char how[40];

	if (!t)
		return;
	snprintf(how, sizeof(how), "token #%u", t->n);
	cx_http__start(c, t, t->doc, f, skip, how);
}

/* Same rule as a token start: the token must be one that starts the document asked for. */
static void cx_http__createsession(cx_hconn *c, const cx_form *f)
{
	static const char *const skip[] = {"uri", "tokenid", NULL};
	const char *uri = cx_form__get(f, "uri");
	const cx_doc *doc;
	cx_http_tok *t;
	char how[60];

	t = cx_http__starttok(c, f, "createsession");
	if (!t)
		return;
	if (!uri || !*uri) {
		cx_http__text(c, 400, "Bad Request", "Failure: createsession needs uri (a document "
			      "compiled into this program)");
		return;
	}
	doc = cx_engine_doc(c->h->eng, uri);
	if (!doc) {
		cx_http__text(c, 404, "Not Found", "Failure: no document '%.200s' in this program",
			      uri);
		return;
	}
	if (doc != t->doc) {
		cx_log(CX_LOG_WARN, NULL, "http: createsession from %J refused: token #%u does not "
		       "start document %H", &c->peer, t->n, cx_rt_esc, uri);
		cx_http__text(c, 403, "Forbidden", "Invalid Token");
		return;
	}
	snprintf(how, sizeof(how), "createsession with token #%u", t->n);
	cx_http__start(c, t, doc, f, skip, how);
}

static int cx_http__nameok(const char *n)
{
	const char *p;

	if (!*n || strlen(n) > 256)
		return 0;
	for (p = n; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (!isalnum(ch) && ch != '.' && ch != '_' && ch != '-' && ch != '$')
			return 0;
	}
	return 1;
}

/* Events only the platform raises: a client that could queue them would end or derail any
 * session it can reach (cx_rt_match lets "error.*" match "error" itself). */
static int cx_http__reserved(const char *name)
{
	return !strncasecmp(name, "ccxml.kill", 10) || !strncasecmp(name, "error.", 6) ||
		!strcasecmp(name, "error");
}

/* May the request with fields f act on session sid? 1, or 0 after a 403/404 answer. */
static int cx_http__mayinject(cx_hconn *c, const cx_form *f, const char *sid, cx_sess **sp)
{
	const char *sec = cx_form__get(f, "secret"), *tok = cx_form__get(f, "token");
	cx_http *h = c->h;
	uint64_t n;
	int ok;

	*sp = NULL;
	if (!sec && !tok) {
		if (cx_quiet_ok(&h->qbasic, &n, cx_http__qbasic_h, NULL))
			cx_log(CX_LOG_WARN, NULL, "http: basichttp from %J refused: no secret or "
			       "token%H", &c->peer, cx_quiet_more, &n);
		cx_http__text(c, 403, "Forbidden", "basichttp needs the secret of the session's "
			      "access URI (session.ioprocessors.basichttp) or the --inject-token");
		return 0;
	}
	*sp = cx_sess_find(h->eng, sid);
	/* both comparisons always run, so the time does not tell which credential held */
	ok = tok && h->inject ? cx_rt_ct_eq(h->inject, tok) : 0;
	ok |= sec && *sp ? cx_rt_ct_eq((*sp)->secret, sec) : 0;
	if (ok && !*sp) {
		cx_http__text(c, 404, "Not Found", "unknown session '%.64s'", sid);
		return 0;
	}
	if (!ok) {
		if (cx_quiet_ok(&h->qbasic, &n, cx_http__qbasic_h, NULL))
			cx_log(CX_LOG_WARN, NULL, "http: basichttp from %J to session %H refused: wrong "
			       "%s%H", &c->peer, cx_rt_esc, sid, tok ? "token" : "secret",
			       cx_quiet_more, &n);
		cx_http__text(c, 403, "Forbidden", "wrong secret or token for this session");
		return 0;
	}
	return 1;
}

static void cx_http__basichttp(cx_hconn *c, const cx_form *f)
{
	static const char *const skip[] = {"sessionid", "name", "eventsource", "secret", "token",
					   NULL};
	const char *sid = cx_form__get(f, "sessionid");
	const char *name = cx_form__get(f, "name");
	const char *src = cx_form__get(f, "eventsource");
	cx_cval *vals = NULL;
	char why[300], peer[64];
	cx_sess *s;
	int err;

	if (!sid || !*sid) {
		cx_http__text(c, 400, "Bad Request", "missing field: sessionid");
		return;
	}
	if (!name || !*name) {
		cx_http__text(c, 400, "Bad Request", "missing field: name");
		return;
	}
	if (cx_http_evname(name, why, sizeof(why)) == EINVAL) {
		cx_http__text(c, 400, "Bad Request", "%s", why);
		return;
	}
	if (!cx_http__mayinject(c, f, sid, &s))
		return;
	if (cx_http_evname(name, why, sizeof(why))) {
		cx_log(CX_LOG_WARN, s->id, "basichttp event %s from %J refused: reserved", name,
		       &c->peer);
		cx_http__text(c, 403, "Forbidden", "%s", why);
		return;
	}
	err = cx_http__values(&vals, f, skip, why, sizeof(why));
	if (err) {
		cx_http__text(c, err == ENOMEM ? 500 : 400, err == ENOMEM ? "Internal Server Error" :
			      "Bad Request", "%s", why);
		return;
	}
	re_snprintf(peer, sizeof(peer), "%J", &c->peer);
	err = cx_http_inject(s, name, vals, src && *src ? src : peer, peer);
	mem_deref(vals);
	if (err == EAGAIN) {
		cx_http__busy(c, "the session's event queue is full; try again later");
		return;
	}
	if (err) {
		cx_http__text(c, 500, "Internal Server Error", "out of memory");
		return;
	}
	cx_http__reply(c, 204, "No Content", NULL, NULL);
}

int cx_http_evname(const char *name, char *why, size_t whysz)
{
	if (!cx_http__nameok(name)) {
		snprintf(why, whysz, "bad event name (letters, digits, . _ - $; at most 256)");
		return EINVAL;
	}
	if (cx_http__reserved(name)) {
		snprintf(why, whysz, "event %s is raised by the platform only; it cannot be injected",
			 name);
		return EPERM;
	}
	return 0;
}

int cx_http_inject(cx_sess *s, const char *name, const cx_cval *vals, const char *source,
		   const char *peer)
{
	cx_ev *ev;
	uint32_t i;

	if (!cx_sess_room(s, "a basichttp event"))
		return EAGAIN;
	ev = cx_ev_new(s, name);
	if (!ev)
		return ENOMEM;
	for (i = 0; vals && i < vals->nkids; i++)
		cx_ev_cval(ev, vals->keys[i], vals->kids[i]);
	mem_deref(ev->source);
	ev->source = NULL;
	str_dup(&ev->source, source);
	ev->sourcetype = "basichttp";
	ev->counted = 1;
	cx_log(CX_LOG_INFO, s->id, "basichttp event %s from %H", name, cx_rt_esc, peer);
	cx_sess_post(s, ev);
	return 0;
}

static void cx_http__health(cx_hconn *c)
{
	cx_engine *e = c->h->eng;
	int full = e->max_sessions && e->nsess >= e->max_sessions;
	const char *st = e->draining ? "stopping" : full ? "full" : "ok";
	char body[400];
	uint64_t inuse, held;

	cx_met_heap(&inuse, &held);
	snprintf(body, sizeof(body),
		 "{\"status\":\"%s\",\"sessions\":%u,\"max_sessions\":%u,\"sessions_started\":%u,"
		 "\"http_requests\":%llu,\"http_connections\":%u,\"transfers\":%u,\"tokens\":%u,"
		 "\"heap_inuse_bytes\":%llu,\"heap_held_bytes\":%llu}\n",
		 st, e->nsess, e->max_sessions,
		 e->nsess_total, (unsigned long long)c->h->nreq, c->h->nconns, cx_curl_pending(e),
		 list_count(&c->h->toks), (unsigned long long)inuse,
		 (unsigned long long)held);
	/* 503 when no new session can start here (stopping, or every slot taken): a load
	 * balancer's health check then sends token starts elsewhere */
	cx_http__reply(c, st[0] != 'o' ? 503 : 200, st[0] != 'o' ? "Service Unavailable" : "OK",
		       "application/json", body);
}

/* Section - Requests */

static int cx_http__pl_is(const struct pl *pl, const char *s)
{
	return pl->l == strlen(s) && !memcmp(pl->p, s, pl->l);
}

/* The header called name (any case) and how many there are; never libre's http_msg_hdr(),
 * which goes by a hash of the name. */
static const struct http_hdr *cx_http__hdr(const struct http_msg *msg, const char *name,
					   uint32_t *count)
{
	const struct http_hdr *first = NULL;
	struct le *le;
	uint32_t n = 0;

	LIST_FOREACH(&msg->hdrl, le) {
		const struct http_hdr *hdr = le->data;
		if (!pl_strcasecmp(&hdr->name, name)) {
			if (!n++)
				first = hdr;
		}
	}
	if (count)
		*count = n;
	return first;
}

/* Does the comma-separated header value list token (any case)? */
static int cx_http__has_token(const struct pl *val, const char *token)
{
	size_t i = 0, tl = strlen(token);

	while (i < val->l) {
		size_t j = i, a, b;
		while (j < val->l && val->p[j] != ',')
			++j;
		for (a = i; a < j && (val->p[a] == ' ' || val->p[a] == '\t'); a++)
			;
		for (b = j; b > a && (val->p[b - 1] == ' ' || val->p[b - 1] == '\t'); b--)
			;
		if (b - a == tl && !strncasecmp(val->p + a, token, tl))
			return 1;
		i = j + 1;
	}
	return 0;
}

/* Section - The operator's resources: /metrics and /sessions, behind the admin token */

/* 1 when the request carries "Authorization: Bearer <admin token>"; else answered (403 when
 * no admin token is configured, 401 otherwise) and 0. */
static int cx_http__admin_ok(cx_hconn *c, const struct http_msg *msg)
{
	const struct http_hdr *auth = cx_http__hdr(msg, "Authorization", NULL);
	char given[CX_HTTP_MAX_VAL + 1] = "";
	uint64_t n;

	if (!c->h->admin) {
		cx_http__text(c, 403, "Forbidden", "the operator's resources need an admin token "
			      "(--admin-token-file; docs/service.md)");
		return 0;
	}
	if (auth && auth->val.l > 7 && auth->val.l - 7 <= CX_HTTP_MAX_VAL &&
	    !strncasecmp(auth->val.p, "Bearer ", 7))
		(void)pl_strcpy(&(struct pl){auth->val.p + 7, auth->val.l - 7}, given,
				sizeof(given));
	if (given[0] && cx_rt_ct_eq(c->h->admin, given))
		return 1;
	/* one line per 10 s at most: a guesser must not fill the log */
	if (cx_quiet_ok(&c->h->qadmin, &n, cx_http__qadmin_h, NULL))
		cx_log(CX_LOG_WARN, NULL, "http: %s from %J refused: %s admin token%H", c->route,
		       &c->peer, given[0] ? "wrong" : "no", cx_quiet_more, &n);
	cx_http__answer(c, 401, "Unauthorized", "WWW-Authenticate: Bearer realm=\"ccxml\"\r\n",
			NULL, "this resource needs Authorization: Bearer <admin token>\n");
	return 0;
}

static void cx_http__metrics(cx_hconn *c)
{
	struct mbuf *mb = mbuf_alloc(8192);

	if (!mb || cx_admin_metrics(c->h->eng, mb) || mbuf_write_u8(mb, 0)) {
		mem_deref(mb);
		cx_http__text(c, 500, "Internal Server Error", "out of memory");
		return;
	}
	cx_http__reply(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
		       (const char *)mb->buf);
	mem_deref(mb);
}

static void cx_http__sessions(cx_hconn *c, const cx_form *f)
{
	const char *id = cx_form__get(f, "id"), *lim = cx_form__get(f, "limit");
	struct mbuf *mb = mbuf_alloc(8192);
	uint32_t limit = 1000;
	int err;

	if (lim) {
		char *end;
		unsigned long v = strtoul(lim, &end, 10);
		if (*end || !*lim || v < 1 || v > 100000) {
			mem_deref(mb);
			cx_http__text(c, 400, "Bad Request", "limit: a number from 1 to 100000");
			return;
		}
		limit = (uint32_t)v;
	}
	err = mb ? cx_admin_sessions(c->h->eng, id, limit, mb) : ENOMEM;
	if (!err)
		err = mbuf_write_u8(mb, 0);
	if (err == ENOENT)
		cx_http__text(c, 404, "Not Found", "no such session");
	else if (err)
		cx_http__text(c, 500, "Internal Server Error", "out of memory");
	else
		cx_http__reply(c, 200, "OK", "application/json", (const char *)mb->buf);
	mem_deref(mb);
}

/* OPTIONS, and 405 for other methods: which methods a resource takes. */
static void cx_http__allow(cx_hconn *c, int health, int options)
{
	const char *allow = health ? "Allow: GET, OPTIONS\r\n" :
		"Allow: GET, POST, OPTIONS\r\n"
		"Accept: application/x-www-form-urlencoded\r\n";

	if (options)
		cx_http__answer(c, 200, "OK", allow, NULL, "");
	else
		cx_http__answer(c, 405, "Method Not Allowed", allow, NULL, health ?
				"method not allowed here (GET)\n" :
				"method not allowed here (GET or POST)\n");
}

static void cx_http__dispatch(cx_hconn *c, const struct http_msg *msg, const uint8_t *body,
			      size_t blen)
{
	int get = cx_http__pl_is(&msg->met, "GET"), post = cx_http__pl_is(&msg->met, "POST");
	int options = cx_http__pl_is(&msg->met, "OPTIONS");
	enum { R_NONE, R_TOKEN, R_BASIC, R_CREATE, R_HEALTH, R_METRICS, R_SESSIONS } r = R_NONE;
	static const char *const route[] = {"other", "/CCXML10.start", "/basichttp",
					    "/createsession", "/health", "/metrics", "/sessions"};
	const struct http_hdr *ct;
	struct msg_ctype ctyp;
	cx_form form;
	char why[300];
	int st;

	memset(&form, 0, sizeof(form));
	if (options && cx_http__pl_is(&msg->path, "*")) {
		cx_http__allow(c, 0, 1); /* the server as a whole */
		return;
	}
	if (cx_http__pl_is(&msg->path, "/SessionControl/CCXML10.start") ||
	    cx_http__pl_is(&msg->path, "/CCXML10.start"))
		r = R_TOKEN;
	else if (cx_http__pl_is(&msg->path, "/basichttp"))
		r = R_BASIC;
	else if (cx_http__pl_is(&msg->path, "/createsession"))
		r = R_CREATE;
	else if (cx_http__pl_is(&msg->path, "/health"))
		r = R_HEALTH;
	else if (cx_http__pl_is(&msg->path, "/metrics"))
		r = R_METRICS;
	else if (cx_http__pl_is(&msg->path, "/sessions"))
		r = R_SESSIONS;
	c->route = route[r];
	if (r == R_NONE) {
		cx_http__text(c, 404, "Not Found", "no such resource (see docs/http.md)");
		return;
	}
	if (!get && !(post && r < R_HEALTH)) {
		cx_http__allow(c, r >= R_HEALTH, options);
		return;
	}
	if (r == R_HEALTH) {
		cx_http__health(c);
		return;
	}
	if ((r == R_METRICS || r == R_SESSIONS) && !cx_http__admin_ok(c, msg))
		return;
	if (r == R_METRICS) {
		cx_http__metrics(c);
		return;
	}
	/* query fields first, then a form body */
	st = cx_http__form(&form, msg->prm.l ? msg->prm.p + 1 : "", msg->prm.l ? msg->prm.l - 1 : 0,
			   why, sizeof(why));
	if (!st && blen) {
		ct = cx_http__hdr(msg, "Content-Type", NULL);
		if (!post || !ct || msg_ctype_decode(&ctyp, &ct->val) ||
		    !msg_ctype_cmp(&ctyp, "application", "x-www-form-urlencoded")) {
			cx_form__free(&form);
			cx_http__text(c, 415, "Unsupported Media Type", "a body must be "
				      "application/x-www-form-urlencoded");
			return;
		}
		st = cx_http__form(&form, (const char *)body, blen, why, sizeof(why));
	}
	if (st) {
		cx_form__free(&form);
		cx_http__text(c, (uint16_t)st, st == 500 ? "Internal Server Error" : "Bad Request", "%s",
			      why);
		return;
	}
	switch (r) {
	case R_TOKEN: cx_http__token(c, &form); break;
	case R_BASIC: cx_http__basichttp(c, &form); break;
	case R_SESSIONS: cx_http__sessions(c, &form); break;
	default: cx_http__createsession(c, &form); break;
	}
	cx_form__free(&form);
}

static int cx_http__digits(const struct pl *pl)
{
	size_t i;

	if (!pl->l || pl->l > 9)
		return 0;
	for (i = 0; i < pl->l; i++)
		if (!isdigit((unsigned char)pl->p[i]))
			return 0;
	return 1;
}

/* The request line's HTTP version (its end, RFC 9112 2.3: "HTTP/" DIGIT "." DIGIT) in the head
 * b[0..len): 0 for 1.0 and 1.1, the only ones served; 505 for another; 400 when it is not one
 * (libre's decoder takes any digits and dots, "HTTP/1.10" too, which would be served as 1.0). */
static int cx_http__version(const uint8_t *b, size_t len)
{
	size_t e = 0;

	while (e < len && b[e] != '\n')
		e++;
	if (e && b[e - 1] == '\r')
		e--;
	if (e < 9 || memcmp(b + e - 9, " HTTP/", 6) || !isdigit(b[e - 3]) || b[e - 2] != '.' ||
	    !isdigit(b[e - 1]))
		return 400;
	return b[e - 3] == '1' && (b[e - 1] == '0' || b[e - 1] == '1') ? 0 : 505;
}

/* The number of header lines of the head b[0..len) (after the request line, before the blank
 * line) */
static size_t cx_http__hlines(const uint8_t *b, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += b[i] == '\n';
	return n > 2 ? n - 2 : 0;
}

/* What is wrong with the header lines of the head b[0..len) (after the request line), or NULL.
 * libre's decoder takes "Content-Length : 5", a folded line and control bytes in a value; a
 * proxy in front may read them otherwise (RFC 9112 5.1 and 5.2, RFC 9110 5.5 say refuse),
 * and two readings of where a body ends let a request be smuggled past it. */
static const char *cx_http__badhead(const uint8_t *b, size_t len)
{
	size_t i = 0, e;

	while (i < len && b[i] != '\n')
		i++;
	for (i++; i < len; i = e + 1) {
		const uint8_t *colon = NULL;
		for (e = i; e < len && b[e] != '\n'; e++)
			;
		size_t n = e > i && b[e - 1] == '\r' ? e - 1 - i : e - i;
		if (!n)
			break;  /* the blank line */
		if (b[i] == ' ' || b[i] == '\t')
			return "a folded header line (obs-fold)";
		for (size_t k = i; k < i + n; k++) {
			if ((b[k] < 0x20 && b[k] != '\t') || b[k] == 0x7f)
				return "a control character in a header line";
			if (!colon && b[k] == ':')
				colon = b + k;
		}
		if (colon && (colon[-1] == ' ' || colon[-1] == '\t'))
			return "white space between a header's name and its colon";
	}
	return NULL;
}

static void cx_hconn__timeout(void *arg);

/* Enter state st with its deadline (none for CX_HC_CLOSING: cx_hconn__finish sets that). */
static void cx_hconn__state(cx_hconn *c, enum cx_hconn_st st)
{
	c->st = st;
	c->since = tmr_jiffies();
	tmr_start(&c->tmr, st == CX_HC_HEAD ? CX_HTTP_HEAD_MS : st == CX_HC_BODY ? CX_HTTP_BODY_MS :
		  CX_HTTP_IDLE_MS, cx_hconn__timeout, c);
}

/* Length of the head (request line + headers + blank line) at the start of c->mb, or 0 while
 * the blank line has not arrived. Only the new bytes are searched: a client trickling its
 * headers a byte at a time does not make us parse them again for every byte. */
static size_t cx_hconn__headlen(cx_hconn *c)
{
	const uint8_t *b = c->mb->buf;
	size_t i = c->scan > 3 ? c->scan - 3 : 0;

	for (; i < c->mb->end; i++) {
		if (b[i] != '\n')
			continue;
		if (i >= 1 && b[i - 1] == '\n')
			return i + 1;
		if (i >= 3 && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r')
			return i + 1;
	}
	c->scan = c->mb->end;
	return 0;
}

/* Checks and serves the request at the start of c->mb once its head is there. Returns 1 when a
 * request was served and the connection stays open (the next may already be in c->mb). */
static int cx_hconn__one(cx_hconn *c)
{
	struct http_msg *msg = NULL;
	const struct http_hdr *hdr;
	const char *why;
	uint32_t n;
	size_t head = c->head;
	int err;

	if (c->st == CX_HC_HEAD) {
		head = cx_hconn__headlen(c);
		if (!head || head > CX_HTTP_MAX_HEAD) {
			if (head || c->mb->end > CX_HTTP_MAX_HEAD)
				cx_http__text(c, 431, "Request Header Fields Too Large",
					      "request line and headers larger than %d bytes",
					      CX_HTTP_MAX_HEAD);
			return 0;
		}
	}
	else if (c->mb->end - c->head < c->clen)
		return 0; /* CX_HC_BODY: wait for the rest of the body */
	if (c->st == CX_HC_HEAD) {  /* before libre's decoder: it allocates for each header */
		err = cx_http__version(c->mb->buf, head);
		if (err) {
			cx_http__text(c, (uint16_t)err, err == 505 ? "HTTP Version Not Supported" :
				      "Bad Request", err == 505 ? "only HTTP/1.0 and HTTP/1.1 are served" :
				      "malformed request line (HTTP version)");
			return 0;
		}
		if (cx_http__hlines(c->mb->buf, head) > CX_HTTP_MAX_HLINES) {
			cx_http__text(c, 431, "Request Header Fields Too Large",
				      "more than %d header lines", CX_HTTP_MAX_HLINES);
			return 0;
		}
	}
	c->mb->pos = 0;
	err = http_msg_decode(&msg, c->mb, true);
	if (err || c->mb->pos != head) {
		cx_http__text(c, 400, "Bad Request", "malformed HTTP request (request line, headers "
			      "ending in CRLF, blank line)");
		goto out;
	}
	why = cx_http__badhead(c->mb->buf, head);
	if (why) {
		cx_http__text(c, 400, "Bad Request", "%s", why);
		goto out;
	}
	if (msg->path.l + msg->prm.l > CX_HTTP_MAX_TARGET) {
		cx_http__text(c, 414, "URI Too Long", "request target longer than %d bytes",
			      CX_HTTP_MAX_TARGET);
		goto out;
	}
	if (cx_http__hdr(msg, "Transfer-Encoding", NULL)) {
		cx_http__text(c, 411, "Length Required", "chunked bodies are not accepted; send "
			      "Content-Length");
		goto out;
	}
	hdr = cx_http__hdr(msg, "Content-Length", &n);
	if (n > 1 || (hdr && !cx_http__digits(&hdr->val))) {
		cx_http__text(c, 400, "Bad Request", n > 1 ? "Content-Length given twice" :
			      "bad Content-Length");
		goto out;
	}
	if (cx_http__hdr(msg, "Content-Type", &n) && n > 1) {
		cx_http__text(c, 400, "Bad Request", "Content-Type given twice");
		goto out;
	}
	c->clen = hdr ? pl_u32(&hdr->val) : 0;
	if (c->clen > CX_HTTP_MAX_BODY) {
		cx_http__text(c, 413, "Payload Too Large", "body larger than %d bytes",
			      CX_HTTP_MAX_BODY);
		goto out;
	}
	if (c->mb->end - head < c->clen) {
		c->head = head;
		if (c->st != CX_HC_BODY)
			cx_hconn__state(c, CX_HC_BODY);
		goto out;
	}
	/* HTTP/1.1 keeps the connection unless the client says close; 1.0 is served once */
	hdr = cx_http__hdr(msg, "Connection", NULL);
	c->keep = cx_http__pl_is(&msg->ver, "1.1") && !(hdr && cx_http__has_token(&hdr->val, "close"))
		&& !c->h->eng->draining;
	c->answered = 0;
	c->route = NULL;
	c->h->nreq++;
	cx_http__dispatch(c, msg, c->mb->buf + head, c->clen);
	if (!c->answered)
		cx_http__text(c, 500, "Internal Server Error", "no answer");
	if (c->st == CX_HC_CLOSING)
		goto out;
	/* the request is served: what follows is the next one */
	c->mb->pos = head + c->clen;
	memmove(c->mb->buf, mbuf_buf(c->mb), mbuf_get_left(c->mb));
	c->mb->end -= c->mb->pos;
	c->mb->pos = 0;
	c->scan = 0;
	c->keep = 0; /* errors before the next dispatch close the connection */
	c->answered = 0;
	c->route = NULL;
	cx_hconn__state(c, c->mb->end ? CX_HC_HEAD : CX_HC_IDLE);
	mem_deref(msg);
	return 1;
 out:
	mem_deref(msg);
	return 0;
}

static void cx_hconn__recv(struct mbuf *mb, void *arg)
{
	cx_hconn *c = arg;
	size_t n = mbuf_get_left(mb);

	if (c->st == CX_HC_CLOSING)
		return; /* answered for the last time: anything more is dropped */
	if (!c->mb) {
		c->mb = mbuf_alloc(n > 1024 ? n : 1024);
		if (!c->mb) {
			cx_http__text(c, 500, "Internal Server Error", "out of memory");
			return;
		}
	}
	if (c->mb->end + n > CX_HTTP_MAX_HEAD + CX_HTTP_MAX_BODY) {
		cx_http__text(c, 413, "Payload Too Large", "request larger than %d bytes",
			      CX_HTTP_MAX_HEAD + CX_HTTP_MAX_BODY);
		return;
	}
	c->mb->pos = c->mb->end;
	if (mbuf_write_mem(c->mb, mbuf_buf(mb), n)) {
		cx_http__text(c, 500, "Internal Server Error", "out of memory");
		return;
	}
	if (c->st == CX_HC_IDLE)
		cx_hconn__state(c, CX_HC_HEAD); /* the next request begins */
	while (cx_hconn__one(c) && c->mb->end)
		;
}

static void cx_hconn__closed(int err, void *arg)
{
	cx_hconn *c = arg;

	(void)err;
	mem_deref(c);
}

static void cx_hconn__timeout(void *arg)
{
	cx_hconn *c = arg;

	if (c->st == CX_HC_IDLE) { /* a keep-alive connection nobody uses: close without a word */
		mem_deref(c);
		return;
	}
	cx_http__text(c, 408, "Request Timeout", "the request %s did not arrive within %d ms",
		      c->st == CX_HC_BODY ? "body" : "line and headers",
		      c->st == CX_HC_BODY ? CX_HTTP_BODY_MS : CX_HTTP_HEAD_MS);
}

static void cx_hconn__destroy(void *arg)
{
	cx_hconn *c = arg;

	tmr_cancel(&c->tmr);
	if (c->h) {
		list_unlink(&c->le);
		c->h->nconns--;
	}
	mem_deref(c->tc);
	mem_deref(c->mb);
}

/* Section - Admission */

static void cx_http__logtmr(void *arg)
{
	cx_http *h = arg;

	if (!h->nrefused && !h->nevicted)
		return; /* quiet for a whole period: the next one is logged at once */
	cx_log(CX_LOG_WARN, NULL, "http: in the last %d s: %u connection(s) refused (more than %d "
	       "from one address), %u slow one(s) closed to make room (%d open in total)",
	       CX_HTTP_LOG_MS / 1000, h->nrefused, CX_HTTP_MAX_PER_ADDR, h->nevicted,
	       CX_HTTP_MAX_CONNS);
	h->nrefused = h->nevicted = 0;
	tmr_start(&h->logtmr, CX_HTTP_LOG_MS, cx_http__logtmr, h);
}

/* A refusal (evicted: a slow connection closed to make room) from peer. The first one after a
 * quiet period is logged at once; the rest are counted, one line per CX_HTTP_LOG_MS, so a flood
 * of connections does not become a flood of log lines. */
static void cx_http__limited(cx_http *h, const struct sa *peer, int evicted)
{
	if (tmr_isrunning(&h->logtmr)) {
		if (evicted)
			h->nevicted++;
		else
			h->nrefused++;
		return;
	}
	if (evicted)
		cx_log(CX_LOG_WARN, NULL, "http: %d connections open: closing the slowest (from "
		       "%j) to make room; more are counted, not logged", CX_HTTP_MAX_CONNS, peer);
	else
		cx_log(CX_LOG_WARN, NULL, "http: refusing a connection from %j: %d open from that "
		       "address; more are counted, not logged", peer, CX_HTTP_MAX_PER_ADDR);
	tmr_start(&h->logtmr, CX_HTTP_LOG_MS, cx_http__logtmr, h);
}

/* Which connection yields when a new one comes: one that is closing, then one idle between
 * keep-alive requests, then the one that has been waiting longest for its request (a slow
 * client holds a place the longest). same: only connections from that address. */
static cx_hconn *cx_http__victim(cx_http *h, const struct sa *same)
{
	cx_hconn *best = NULL;
	struct le *le;

	LIST_FOREACH(&h->conns, le) {
		cx_hconn *c = le->data;
		int rank = c->st == CX_HC_CLOSING ? 0 : c->st == CX_HC_IDLE ? 1 : 2;
		int brank;
		if (same && !sa_cmp(&c->peer, same, SA_ADDR))
			continue;
		if (same && rank == 2)
			continue; /* one address does not push out its own requests */
		brank = !best ? 3 : best->st == CX_HC_CLOSING ? 0 : best->st == CX_HC_IDLE ? 1 : 2;
		if (rank < brank || (rank == brank && c->since < best->since))
			best = c;
	}
	return best;
}

static void cx_http__evict(cx_hconn *c)
{
	if (c->st == CX_HC_HEAD || c->st == CX_HC_BODY) {
		/* a slow request: tell it why, then close at once (it must free its place now) */
		c->keep = 0;
		cx_http__text(c, 503, "Service Unavailable", "too many connections; this request "
			      "was too slow");
	}
	mem_deref(c);
}

/* Answers 503 on the socket being accepted and closes it. */
static void cx_http__refuse(cx_http *h, const char *why)
{
	struct tcp_conn *tc = NULL;
	struct mbuf *mb;

	if (tcp_accept(&tc, h->ts, NULL, NULL, NULL, NULL)) {
		tcp_reject(h->ts);
		return;
	}
	mb = mbuf_alloc(256);
	if (mb && !mbuf_printf(mb, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; "
			       "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
			       strlen(why) + 1, why)) {
		mb->pos = 0;
		(void)tcp_send(tc, mb);
	}
	mem_deref(mb);
	mem_deref(tc);
}

static void cx_http__connect(const struct sa *peer, void *arg)
{
	cx_http *h = arg;
	cx_hconn *c, *v;
	uint32_t same = 0;
	struct le *le;

	LIST_FOREACH(&h->conns, le)
		same += sa_cmp(&((cx_hconn *)le->data)->peer, peer, SA_ADDR);
	if (same >= CX_HTTP_MAX_PER_ADDR) {
		v = cx_http__victim(h, peer);
		if (!v) {
			cx_http__limited(h, peer, 0);
			cx_http__refuse(h, "too many connections from your address");
			return;
		}
		mem_deref(v);
	}
	if (h->nconns >= CX_HTTP_MAX_CONNS) {
		v = cx_http__victim(h, NULL);
		if (v->st == CX_HC_HEAD || v->st == CX_HC_BODY)
			cx_http__limited(h, &v->peer, 1);
		cx_http__evict(v);
	}
	c = mem_zalloc(sizeof(*c), cx_hconn__destroy);
	if (!c) {
		tcp_reject(h->ts);
		return;
	}
	c->peer = *peer;
	tmr_init(&c->tmr);
	if (tcp_accept(&c->tc, h->ts, NULL, cx_hconn__recv, cx_hconn__closed, c)) {
		mem_deref(c);
		tcp_reject(h->ts);
		return;
	}
	c->h = h;
	h->nconns++;
	list_append(&h->conns, &c->le, c);
	cx_hconn__state(c, CX_HC_HEAD);
}

/* Section - Set-up */

static void cx_http__destroy(void *arg)
{
	cx_http *h = arg;
	struct le *le;

	while ((le = list_head(&h->conns))) {
		cx_hconn *c = le->data;
		list_unlink(&c->le);
		c->h = NULL;
		mem_deref(c);
	}
	list_flush(&h->toks);
	tmr_cancel(&h->logtmr);
	cx_quiet_close(&h->qtok);
	cx_quiet_close(&h->qbasic);
	cx_quiet_close(&h->qadmin);
	mem_deref(h->inject);
	mem_deref(h->tokfile);
	mem_deref(h->public);
	mem_deref(h->admin);
	mem_deref(h->adminfile);
	mem_deref(h->ts);
}

static void cx_http_tok__destroy(void *arg)
{
	cx_http_tok *t = arg;

	list_unlink(&t->le);
	mem_deref(t->id);
}

/* e->http_base from the listener's address or --http-public's URL (both set once, at start). */
static void cx_http__base_set(cx_engine *e)
{
	struct sa a;
	int n;

	e->http_base[0] = '\0';
	e->http_baselen = 0;
	if (!e->http || !sa_isset(&e->http->bound, SA_ALL))
		return;
	if (e->http->public) { /* --http-public: the front that routes to us */
		n = re_snprintf(e->http_base, sizeof(e->http_base), "%s", e->http->public);
	} else {
		a = e->http->bound;
		/* a wildcard address is no place to send to; the same host reaches it on loopback */
		if (sa_is_any(&a)) {
			uint16_t port = sa_port(&a);
			(void)sa_set_str(&a, sa_af(&a) == AF_INET6 ? "::1" : "127.0.0.1", port);
		}
		n = re_snprintf(e->http_base, sizeof(e->http_base), "http://%J", &a);
	}
	if (n < 0 || (size_t)n >= sizeof(e->http_base)) /* cannot be: the URL's length is checked */
		e->http_base[0] = '\0';
	else
		e->http_baselen = (size_t)n;
}

int cx_http_listen(cx_engine *e, const char *addr)
{
	struct sa laddr, bound;
	cx_http *h;
	int err;

	if (!e || !addr)
		return EINVAL;
	if (e->http) {
		cx_log(CX_LOG_ERR, NULL, "http: --http given twice");
		return EALREADY;
	}
	err = sa_decode(&laddr, addr, strlen(addr));
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "http: '%s' is not ADDR:PORT (e.g. 127.0.0.1:8080)", addr);
		return EINVAL;
	}
	h = mem_zalloc(sizeof(*h), cx_http__destroy);
	if (!h)
		return ENOMEM;
	h->eng = e;
	tmr_init(&h->logtmr);
	/* tcp_listen() as libre writes it, but with a backlog of CX_HTTP_BACKLOG: its 5 makes the
	 * kernel drop the SYNs of a burst of token starts while the loop is busy (each retried a
	 * second later, then three) */
	if (!(err = tcp_sock_alloc(&h->ts, &laddr, cx_http__connect, h)) &&
	    !(err = tcp_sock_bind(h->ts, &laddr)))
		err = tcp_sock_listen(h->ts, CX_HTTP_BACKLOG);
	if (err) {
		cx_log(CX_LOG_ERR, NULL, "http: cannot listen on %s: %s", addr, strerror(err));
		mem_deref(h);
		return err;
	}
	if (!tcp_sock_local_get(h->ts, &bound))
		h->bound = bound;
	e->http = h;
	cx_http__base_set(e);
	return 0;
}

void cx_http_announce(cx_engine *e)
{
	if (e && e->http && sa_isset(&e->http->bound, SA_ADDR))
		cx_log(CX_LOG_INFO, NULL, "http: listening on %J", &e->http->bound);
}

void cx_http_sess_ended(cx_sess *s)
{
	cx_http_tok *t;

	if (!s->tokid)
		return;
	t = s->eng->http ? cx_http__tok(s->eng->http, s->tokid) : NULL;
	if (t && t->running)
		t->running--;
	s->tokid = mem_deref(s->tokid);
}

int cx_http_public(cx_engine *e, const char *url)
{
	size_t n = url ? strlen(url) : 0;
	const char *p;

	if (!e || !e->http) {
		cx_log(CX_LOG_ERR, NULL, "--http-public needs --http");
		return EINVAL;
	}
	for (p = url ? url : ""; *p && isgraph((unsigned char)*p) && *p != '?' && *p != '#'; p++)
		;
	if (!url || *p || n > 200 || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		cx_log(CX_LOG_ERR, NULL, "--http-public: an http:// or https:// URL without query, "
		       "e.g. http://ivr.example.com:8080");
		return EINVAL;
	}
	while (n && url[n - 1] == '/')
		--n;
	e->http->public = mem_deref(e->http->public);
	if (re_sdprintf(&e->http->public, "%b", url, n))
		return ENOMEM;
	cx_http__base_set(e);
	return 0;
}

int cx_http_inject_token(cx_engine *e, const char *tok)
{
	const char *p;

	if (!e || !e->http) {
		cx_log(CX_LOG_ERR, NULL, "--inject-token needs --http");
		return EINVAL;
	}
	if (e->http->inject) {
		cx_log(CX_LOG_ERR, NULL, "--inject-token given twice");
		return EALREADY;
	}
	/* it opens every session: too short a one could be guessed */
	for (p = tok ? tok : ""; *p; p++)
		if (!isgraph((unsigned char)*p))
			break;
	if (!tok || *p || strlen(tok) < 16 || strlen(tok) > CX_HTTP_MAX_VAL) {
		cx_log(CX_LOG_ERR, NULL, "--inject-token: at least 16 printable characters, no "
		       "spaces");
		return EINVAL;
	}
	return str_dup(&e->http->inject, tok);
}

int cx_http_token(cx_engine *e, const char *spec)
{
	const char *lim = spec ? strstr(spec, ",max=") : NULL;
	size_t sl = lim ? (size_t)(lim - spec) : (spec ? strlen(spec) : 0);
	const char *eq = spec ? memchr(spec, '=', sl) : NULL;
	size_t idl = eq ? (size_t)(eq - spec) : sl;
	const cx_doc *doc;
	cx_http_tok *t;
	char *id = NULL, *docname = NULL, *end;
	unsigned long max = 0;

	if (!e || !e->http) {
		cx_log(CX_LOG_ERR, NULL, "--token needs --http");
		return EINVAL;
	}
	if (!idl || idl > CX_HTTP_MAX_KEY) {
		cx_log(CX_LOG_ERR, NULL, "http: token #%u: empty or longer than %d bytes (ID or "
		       "ID=DOCUMENT)", list_count(&e->http->toks) + 1, CX_HTTP_MAX_KEY);
		return EINVAL;
	}
	if (list_count(&e->http->toks) >= CX_HTTP_MAX_TOKENS) {
		cx_log(CX_LOG_ERR, NULL, "http: more than %d tokens", CX_HTTP_MAX_TOKENS);
		return EOVERFLOW;
	}
	if (lim) {
		errno = 0;
		max = strtoul(lim + 5, &end, 10);
		if (errno || *end || !lim[5] || !max || max > 1000000) {
			cx_log(CX_LOG_ERR, NULL, "http: token #%u: ',max=' needs a number of sessions "
			       "from 1 to 1000000", list_count(&e->http->toks) + 1);
			return EINVAL;
		}
	}
	if (eq && re_sdprintf(&docname, "%b", eq + 1, (size_t)(spec + sl - eq - 1)))
		return ENOMEM;
	doc = eq ? cx_engine_doc(e, docname) : (e->ndocs > 0 ? e->docs[0] : NULL);
	if (!doc) {
		cx_log(CX_LOG_ERR, NULL, "http: token #%u: no document '%H' in this program",
		       list_count(&e->http->toks) + 1, cx_rt_esc, docname ? docname : "");
		mem_deref(docname);
		return ENOENT;
	}
	mem_deref(docname);
	if (re_sdprintf(&id, "%b", spec, idl))
		return ENOMEM;
	if (cx_http__tok(e->http, id)) {
		cx_log(CX_LOG_ERR, NULL, "http: token #%u: given twice",
		       list_count(&e->http->toks) + 1);
		mem_deref(id);
		return EINVAL;
	}
	t = mem_zalloc(sizeof(*t), cx_http_tok__destroy);
	if (!t) {
		mem_deref(id);
		return ENOMEM;
	}
	t->id = id;
	t->doc = doc;
	t->max = (uint32_t)max;
	t->n = list_count(&e->http->toks) + 1;
	t->fromfile = e->http->loading;
	list_append(&e->http->toks, &t->le, t);
	return 0;
}

static int cx_http__readtoks(cx_engine *e, const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[512];
	int lineno = 0, err = 0;

	if (!f) {
		cx_log(CX_LOG_ERR, NULL, "cannot read tokens file '%s': %s", path ? path : "",
		       strerror(errno));
		return ENOENT;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		++lineno;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "%s:%d: error: line too long\n", path, lineno);
			err = EINVAL;
			break;
		}
		while (isspace((unsigned char)*p))
			++p;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*p || *p == '#')
			continue;
		err = cx_http_token(e, p);
		if (err) {
			fprintf(stderr, "%s:%d: error: bad token line\n", path, lineno);
			break;
		}
	}
	fclose(f);
	return err;
}

int cx_http_tokens_file(cx_engine *e, const char *path)
{
	int err;

	if (!e || !e->http)
		return EINVAL;
	e->http->loading = 1;
	err = cx_http__readtoks(e, path);
	e->http->loading = 0;
	if (!err && !e->http->tokfile)
		err = str_dup(&e->http->tokfile, path);
	return err;
}

/* The admin token: the first line of path, 16 to CX_HTTP_MAX_VAL printable characters. On
 * an error the old one (if any) stays. */
static int cx_http__readadmin(cx_http *h, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[CX_HTTP_MAX_VAL + 2] = "", *end;
	const char *p;
	int err = 0;

	if (!f) {
		cx_log(CX_LOG_ERR, NULL, "--admin-token-file: cannot read '%H': %s", cx_rt_esc, path,
		       strerror(errno));
		return ENOENT;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	end = line + strlen(line);
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	for (p = line; *p && isgraph((unsigned char)*p); p++)
		;
	if (*p || strlen(line) < 16 || strlen(line) > CX_HTTP_MAX_VAL) {
		cx_log(CX_LOG_ERR, NULL, "--admin-token-file '%H': the first line must be the token: "
		       "16 to %d printable characters, no spaces", cx_rt_esc, path, CX_HTTP_MAX_VAL);
		err = EINVAL;
	}
	else {
		mem_deref(h->admin);
		h->admin = NULL;
		err = str_dup(&h->admin, line);
	}
	memset(line, 0, sizeof(line));
	return err;
}

int cx_http_admin_file(cx_engine *e, const char *path)
{
	int err;

	if (!e || !e->http) {
		cx_log(CX_LOG_ERR, NULL, "--admin-token-file needs --http");
		return EINVAL;
	}
	err = cx_http__readadmin(e->http, path);
	if (!err && !e->http->adminfile)
		err = str_dup(&e->http->adminfile, path);
	return err;
}

/* SIGHUP: the tokens of --tokens FILE replaced by what the file says now, all or nothing (a
 * file with an error leaves the old tokens in force). Tokens from --token stay. */
int cx_http_tokens_reload(cx_engine *e)
{
	struct list old = LIST_INIT;
	struct le *le;
	uint32_t n = 0, was = 0, now = 0;
	int err;

	if (!e || !e->http)
		return 0;
	if (e->http->adminfile && !cx_http__readadmin(e->http, e->http->adminfile))
		cx_log(CX_LOG_NOTICE, NULL, "http: admin token reloaded");
	if (!e->http->tokfile)
		return 0;
	for (le = e->http->toks.head; le;) {
		cx_http_tok *t = le->data;
		le = le->next;
		if (!t->fromfile)
			continue;
		list_unlink(&t->le);
		list_append(&old, &t->le, t);
		was++;
	}
	e->http->loading = 1;
	err = cx_http__readtoks(e, e->http->tokfile);
	e->http->loading = 0;
	for (le = e->http->toks.head; le;) {
		cx_http_tok *t = le->data;
		le = le->next;
		if (t->fromfile && err)
			mem_deref(t);
		else
			now += t->fromfile;
	}
	if (err) {
		while (old.head) {
			cx_http_tok *t = old.head->data;
			list_unlink(&t->le);
			list_append(&e->http->toks, &t->le, t);
		}
		cx_log(CX_LOG_ERR, NULL, "http: tokens file '%H' not reloaded (error above); its %u "
		       "token(s) stay in force", cx_rt_esc, e->http->tokfile, was);
	}
	else {
		/* a token that stays keeps the count of its sessions running */
		LIST_FOREACH(&old, le) {
			cx_http_tok *o = le->data, *t = cx_http__tok(e->http, o->id);
			if (t && t->fromfile)
				t->running = o->running;
		}
		list_flush(&old);
		cx_log(CX_LOG_NOTICE, NULL, "http: tokens file '%H' reloaded: %u token(s), was %u",
		       cx_rt_esc, e->http->tokfile, now, was);
	}
	LIST_FOREACH(&e->http->toks, le)
		((cx_http_tok *)le->data)->n = ++n;
	return err;
}
