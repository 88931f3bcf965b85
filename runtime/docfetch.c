/*
 * docfetch.c — cx_docload: a CCXML document named by an http(s) URI that was not given to
 * ccxmlc (docs/fetch.md). The URI is resolved against the fetching document's own URI, the
 * body is fetched with libcurl inside the loop (cx_curl_get, at most CX_DOC_MAXSIZE bytes,
 * within the element's timeout) and handed to cx_doccomp, which gives back a cx_doc or the
 * compiler's diagnostic. The caller's handler is called exactly once, never from inside
 * cx_docload.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "rt.h"

#define CX_DOC_MAXSIZE (1u << 20)      /* bytes of one fetched document */

/* A fetched document's <script src>, <grammar src> or application root as HTTP caching keeps
 * it (CX_DOC_SRC, by URL): its bytes and Content-Type as they came, converted again at each
 * use (the charset is the element's, and the root's own sources are scanned again from it). */
typedef struct cx_docsrcans {
	size_t len;
	char ctype[128];
	char body[];
} cx_docsrcans;

typedef struct cx_docreq {
	struct le le;          /* answered from the fresh cache: held by doccomp meanwhile */
	cx_engine *eng;
	char *url;
	char *body;
	size_t len;
	FILE *out;
	struct tmr tmr;
	int done;              /* the handler was called */
	uint64_t t0, t1;       /* cx_met_now_us(): started, body received */
	cx_docval val;         /* the answer's caching (kept with the program when keep) */
	int keep;              /* 1: keep the program as url's answer, -1: forget url (no-store) */
	int nokeep;            /* a POST or a file: its answer is never kept */
	int post;              /* POST (a file is not posted to) */
	uint64_t tmo;          /* the element's timeout (0: CX_FETCH_TIMEOUT_MS); a file's from the
				* read on */
	const void *prev;      /* url's kept program: reused fresh, or revalidated (304) */
	int vxml;              /* 1: a VoiceXML document (cx_vxload_with): vh is told;
				* CX_DOC_DATA: a <data> body (cx_dataload_with): dh is told */
	int script;            /* a script for <script fetchid> (cx_jsload_with): jh is told */
	cx_vxload_h *vh;
	cx_vxdata_h *dh;
	cx_jsload_h *jh;
	void *pref;            /* prev when a mem object (a <data> body, a script's cx_jsprogs),
				* referenced while r lives */
	const char *const *charsets;  /* a script: the fetching document's script_charsets */
	cx_jsprogs *jp;        /* a script: its programs, being made */
	struct mbuf *jtext[CX_SCRIPT_MAXCS];  /* ... the decodings still to compile */
	size_t jnext;
	cx_docscripts *ss;     /* the document's <script src> and <grammar src>, fetched one
				* after another (cx_docreq__order) */
	struct mbuf *js[32];   /* those fetched (scripts in UTF-8), in ss's order */
	size_t njs;            /* the source being fetched (its index in ss) */
	size_t nstep;          /* how many were fetched (or taken from another) */
	char *sbody;           /* the script (or grammar) being fetched */
	size_t slen;
	const cx_docsrcans *sprev;  /* ... its kept answer (referenced), NULL: none */
	cx_docval sval;        /* ... the caching of its answer */
	int skeep;             /* ... as r->keep, for it */
	struct tmr stmr;       /* ... its own fetchtimeout (VoiceXML), when it has one */
	cx_docload_h *h;
	void *arg;             /* a reference */
} cx_docreq;

static void cx_docreq__destroy(void *arg)
{
	cx_docreq *r = arg;

	size_t i;

	list_unlink(&r->le);
	tmr_cancel(&r->tmr);
	tmr_cancel(&r->stmr);
	if (r->out)
		fclose(r->out);
	free(r->body);
	free(r->sbody);
	for (i = 0; i < sizeof(r->js) / sizeof(r->js[0]); i++)
		mem_deref(r->js[i]);
	mem_deref(r->ss);
	mem_deref((void *)r->sprev);
	mem_deref(r->pref);
	mem_deref(r->jp);
	for (i = 0; i < CX_SCRIPT_MAXCS; i++)
		mem_deref(r->jtext[i]);
	mem_deref(r->url);
	mem_deref(r->arg);
}

/* What the fresh cache keeps its answer as: 0 a CCXML document, 1 VoiceXML, CX_DOC_DATA a
 * <data> body, CX_DOC_JS a script for <script fetchid> */
static int cx_docreq__kind(const cx_docreq *r)
{
	return r->vxml ? r->vxml : r->script ? CX_DOC_JS : 0;
}

static void cx_docreq__tell(cx_docreq *r, const void *doc, const char *why)
{
	if (r->done)
		return;
	r->done = 1;
	tmr_cancel(&r->tmr);
	tmr_cancel(&r->stmr);
	if (doc && r->keep)
		cx_doccomp_keep(r->eng, r->url, cx_docreq__kind(r), doc,
				r->keep > 0 ? &r->val : NULL, r->vxml == CX_DOC_DATA ?
				((const struct mbuf *)doc)->end : 0);
	if (doc)
		cx_log(CX_LOG_DEBUG, NULL, "document %H loaded in %llu us (fetch %llu us)", cx_rt_esc,
		       r->url, (unsigned long long)(cx_met_now_us() - r->t0),
		       (unsigned long long)(r->t1 - r->t0));
	if (r->vxml == CX_DOC_DATA)
		r->dh(r->eng, doc ? (const char *)((const struct mbuf *)doc)->buf : NULL,
		      doc ? ((const struct mbuf *)doc)->end : 0, why, r->arg);
	else if (r->vxml)
		r->vh(r->eng, doc, why, r->arg);
	else if (r->script)
		r->jh(r->eng, doc, why, r->arg);
	else
		r->h(r->eng, doc, why, r->arg);
}

static void cx_docreq__vxcompiled(cx_engine *e, const cx_vx_doc *doc, const char *why, void *arg)
{
	cx_docreq__tell(arg, doc, why);
}

static void cx_docreq__compiled(cx_engine *e, const cx_doc *doc, const char *why, void *arg)
{
	cx_docreq__tell(arg, doc, why);
}

/* The caching of a 200 (or the headers of a 304, over what was kept) in v: fresh for
 * max-age seconds from now, no-cache: revalidated before each use; -1 for no-store (keep
 * nothing), else 1. */
static int cx_docval__update(cx_docval *v, const cx_curl_resp *resp)
{
	uint64_t now = cx_cdr_now_ms(), life = v->until - v->stored;
	int nostore = 0;

	if (resp->status != 304 || resp->cachectl[0]) {
		v->until = cx_prompt_fresh(resp->cachectl, &nostore);
		v->nocache = cx_prompt_ccword(resp->cachectl, "no-cache");
		life = v->until > now ? v->until - now : 0;
	}
	v->stored = now;
	v->until = now + life;
	if (resp->etag[0] || resp->status != 304)
		snprintf(v->etag, sizeof(v->etag), "%s", resp->etag);
	if (resp->lastmod[0] || resp->status != 304)
		snprintf(v->lastmod, sizeof(v->lastmod), "%s", resp->lastmod);
	return nostore ? -1 : 1;
}

static void cx_docreq__caching(cx_docreq *r, const cx_curl_resp *resp)
{
	if (!r->nokeep)
		r->keep = cx_docval__update(&r->val, resp);
}

/* 304 Not Modified: the program kept for url runs, with no compile. */
static void cx_docreq__revalidated(cx_docreq *r, const cx_curl_resp *resp)
{
	cx_docreq__caching(r, resp);
	r->eng->met.doc_revalidated++;
	cx_log(CX_LOG_DEBUG, NULL, "document %H not modified (304): its program is reused",
	       cx_rt_esc, r->url);
	cx_docreq__tell(r, r->prev, NULL);
}

static void cx_docreq__compile(cx_docreq *r)
{
	char msg[512];
	int err;

	if (r->vxml)
		err = cx_doccomp_vxml(r->eng, r->url, r->ss, r->body ? r->body : "", r->len,
				      r->js, r->ss->n, cx_docreq__vxcompiled, r);
	else
		err = cx_doccomp_with(r->eng, r->url, r->ss,
			      r->body ? r->body : "", r->len, r->js, r->ss->n,
			      cx_docreq__compiled, r);
	if (err) {
		snprintf(msg, sizeof(msg), "%s: cannot compile: %s", r->url, strerror(err));
		cx_docreq__tell(r, NULL, msg);
	}
}

static void cx_docreq__nextscript(cx_docreq *r);
static int cx_docroot__isfile(const char *u);
/* A document fetched over http(s) reaches http(s) only: the files under --docroot are the
 * operator's (scripts with keys, <data> with customers), not a web server's to read through a
 * document it serves (a file: URI, or xml:base="file:///root/" under a relative one). */
#define CX_DOCROOT_NOTWEB "a document fetched over HTTP reads no local file"

static int cx_docreq__hascharset(const char *ctype)
{
	for (; ctype && *ctype; ctype++)
		if (!strncasecmp(ctype, "charset=", 8))
			return 1;
	return 0;
}

static void cx_jsprogs__destroy(void *arg)
{
	cx_jsprogs *js = arg;
	size_t i;

	mem_deref(js->why);
	for (i = 0; i < js->n; i++)
		mem_deref(js->v[i].why);
}

const cx_doc *cx_jsprogs_for(const cx_jsprogs *js, const char *cs, const char **why)
{
	size_t i;

	for (i = 0; cs && i < js->n; i++) {
		if (strcasecmp(js->v[i].charset, cs))
			continue;
		if (!js->v[i].doc && !js->v[i].why)
			break;  /* it decodes the bytes as the default did */
		*why = js->v[i].why;
		return js->v[i].doc;
	}
	*why = js->why;
	return js->doc;
}

/* js has the programs of every charset in cs (a kept answer fetched by another document may
 * not) */
static int cx_jsprogs__covers(const cx_jsprogs *js, const char *const *cs)
{
	size_t i, k;

	for (k = 0; cs && cs[k]; k++) {
		for (i = 0; i < js->n && strcasecmp(js->v[i].charset, cs[k]); i++)
			;
		if (i == js->n)
			return 0;
	}
	return 1;
}

static void cx_docreq__jsnext(cx_docreq *r);

/* A decoding in a charset of <script fetchid charset> compiled (r->jnext - 1) */
static void cx_docreq__jsvariant(cx_engine *e, const cx_doc *doc, const char *why, void *arg)
{
	cx_docreq *r = arg;
	cx_jsprogs *jp = r->jp;

	if (r->done || !jp)
		return;
	if (doc)
		jp->v[r->jnext - 1].doc = doc;
	else if (str_dup(&jp->v[r->jnext - 1].why, why ? why : "cannot compile it"))
		jp->v[r->jnext - 1].why = NULL;
	cx_docreq__jsnext(r);
}

/* The next decoding to compile, or the handler told (the programs, or why there is none). */
static void cx_docreq__jsnext(cx_docreq *r)
{
	cx_jsprogs *jp = r->jp;
	char msg[512];
	size_t i;
	int err;

	while (r->jnext < jp->n) {
		struct mbuf *t = r->jtext[r->jnext];
		r->jtext[r->jnext++] = NULL;
		if (!t)
			continue;
		err = cx_doccomp_js(r->eng, r->url, (char *)t->buf, t->end, cx_docreq__jsvariant, r);
		mem_deref(t);
		if (!err)
			return;  /* cx_docreq__jsvariant goes on */
		if (str_dup(&jp->v[r->jnext - 1].why, strerror(err)))
			jp->v[r->jnext - 1].why = NULL;
	}
	for (i = 0; !jp->doc && i < jp->n && !jp->v[i].doc; i++)
		;
	if (jp->doc || i < jp->n) {
		cx_docreq__tell(r, jp, NULL);
	} else {
		snprintf(msg, sizeof(msg), "%s: %s", r->url, jp->why ? jp->why : "cannot decode it");
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
	}
}

/* The default decoding compiled: the fetch fails with its diagnostic, or the others follow. */
static void cx_docreq__jsdefault(cx_engine *e, const cx_doc *doc, const char *why, void *arg)
{
	cx_docreq *r = arg;

	if (r->done)
		return;
	if (!doc) {
		cx_docreq__tell(r, NULL, why);
		return;
	}
	r->jp->doc = doc;
	cx_docreq__jsnext(r);
}

/* A script for <script fetchid> (cx_jsprogs): in UTF-8 by the answer's charset (without one,
 * UTF-8 when it is valid UTF-8, else ISO-8859-1, HTTP/1.1's default for text), and by each
 * charset the fetching document's <script fetchid charset> elements name whose text differs;
 * each text compiled as `x.js` (the compile cache by content: a known text costs nothing), one
 * after another, all before the handler is told. ASCII text is the same in all but UTF-16/32. */
static void cx_docreq__jscompile(cx_docreq *r, const char *ctype)
{
	char msg[512], why[200];
	const char *body = r->body ? r->body : "";
	struct mbuf *mb = NULL, *t;
	cx_jsprogs *jp;
	size_t i;
	int err;

	jp = r->jp = mem_zalloc(sizeof(*jp), cx_jsprogs__destroy);
	if (!jp) {
		snprintf(msg, sizeof(msg), "%s: %s", r->url, strerror(ENOMEM));
		cx_docreq__tell(r, NULL, msg);
		return;
	}
	err = cx_docscript_utf8(NULL, ctype, body, r->len, &mb, why, sizeof(why));
	if (err == EILSEQ && !cx_docreq__hascharset(ctype))
		err = cx_docscript_utf8("ISO-8859-1", NULL, body, r->len, &mb, why, sizeof(why));
	if (err && str_dup(&jp->why, why))
		jp->why = NULL;
	for (i = 0; r->charsets && r->charsets[i] && i < CX_SCRIPT_MAXCS; i++) {
		jp->n++;
		snprintf(jp->v[i].charset, sizeof(jp->v[i].charset), "%s", r->charsets[i]);
		if (cx_docscript_utf8(r->charsets[i], NULL, body, r->len, &t, why, sizeof(why))) {
			if (str_dup(&jp->v[i].why, why))
				jp->v[i].why = NULL;
		} else if (mb && t->end == mb->end && !memcmp(t->buf, mb->buf, t->end)) {
			mem_deref(t);  /* as the default: its program */
		} else {
			r->jtext[i] = t;
		}
	}
	if (!mb) {
		cx_docreq__jsnext(r);  /* a charset's decoding may do; else the default's reason */
		return;
	}
	err = cx_doccomp_js(r->eng, r->url, (char *)mb->buf, mb->end, cx_docreq__jsdefault, r);
	mem_deref(mb);
	if (err) {
		snprintf(msg, sizeof(msg), "%s: cannot compile: %s", r->url, strerror(err));
		cx_docreq__tell(r, NULL, msg);
	}
}

/* What the document's src k is, for messages: "script", "grammar" or "application root" */
static const char *cx_docreq__srcwhat(const cx_docreq *r, size_t k)
{
	return r->ss->v[k].app ? "application root" : r->ss->v[k].gram ? "grammar" : "script";
}

/* The application root's bytes as fetched (XML, read by the compiler as any .vxml) in a new
 * *outp, then its own scripts and grammars added to the sources to fetch */
static int cx_docreq__approot(cx_docreq *r, const cx_docsrc *src, struct mbuf **outp,
			      char *why, size_t sz)
{
	const char *body = r->sbody ? r->sbody : "";
	struct mbuf *mb = mbuf_alloc(r->slen + 1);

	if (!mb || mbuf_write_mem(mb, (const uint8_t *)body, r->slen)) {
		mem_deref(mb);
		snprintf(why, sz, "%s", strerror(ENOMEM));
		return ENOMEM;
	}
	*outp = mb;
	return cx_docscript_app(r->ss, src->url, body, r->slen, why, sz);
}

/* Source k names what an earlier one fetched (a grammar named twice, with two fragments):
 * that one's bytes, not a second fetch */
static struct mbuf *cx_docreq__fetched(const cx_docreq *r, size_t k)
{
	const cx_docsrc *a = &r->ss->v[k];
	size_t i;

	for (i = 0; i < k; i++) {
		const cx_docsrc *b = &r->ss->v[i];
		if (!a->app && !b->app && a->gram == b->gram && !strcmp(a->url, b->url) &&
		    !strcmp(a->charset, b->charset))
			return r->js[i];
	}
	return NULL;
}

/* The source's answer kept by HTTP caching as it said (r->skeep): a 200's bytes as a new
 * cx_docsrcans, or the kept one (r->sprev, a 304) with its freshness renewed; no-store
 * forgets the URL. */
static void cx_docreq__srckeep(cx_docreq *r, const char *ctype)
{
	const char *url = r->ss->v[r->njs].url;
	cx_docsrcans *a;

	if (r->skeep < 0)
		cx_doccomp_keep(r->eng, url, CX_DOC_SRC, NULL, NULL, 0);
	if (r->skeep <= 0)
		return;
	if (r->sprev) {
		cx_doccomp_keep(r->eng, url, CX_DOC_SRC, r->sprev, &r->sval, r->sprev->len);
		return;
	}
	a = mem_alloc(sizeof(*a) + r->slen + 1, NULL);
	if (!a)
		return;  /* not kept: fetched again next time */
	a->len = r->slen;
	snprintf(a->ctype, sizeof(a->ctype), "%s", ctype ? ctype : "");
	if (r->slen)
		memcpy(a->body, r->sbody, r->slen);
	a->body[r->slen] = '\0';
	cx_doccomp_keep(r->eng, url, CX_DOC_SRC, a, &r->sval, r->slen);
	mem_deref(a);
}

/* The source's bytes (r->sbody, of Content-Type ctype) as the compiler reads them: a script in
 * UTF-8, a grammar SRGS XML, the root as it came with its own sources added; kept as its
 * answer said; then the next source, or the document fails naming this one. */
static void cx_docreq__usesrc(cx_docreq *r, const char *ctype)
{
	const cx_docsrc *src = &r->ss->v[r->njs];
	char msg[512], cwhy[200];

	msg[0] = 0;
	if (src->app ? cx_docreq__approot(r, src, &r->js[r->njs], msg, sizeof(msg)) :
	    src->gram ? cx_docscript_grammar(ctype, r->sbody ? r->sbody : "", r->slen,
					     &r->js[r->njs], cwhy, sizeof(cwhy)) :
	    cx_docscript_utf8(src->charset, ctype, r->sbody ? r->sbody : "", r->slen,
			      &r->js[r->njs], cwhy, sizeof(cwhy))) {
		if (!src->app)
			snprintf(msg, sizeof(msg), "%s %s: %s", cx_docreq__srcwhat(r, r->njs),
				 src->url, cwhy);
	} else {
		cx_docreq__srckeep(r, ctype);
	}
	free(r->sbody);
	r->sbody = NULL;
	r->sprev = mem_deref((void *)r->sprev);
	if (msg[0]) {
		if (r->js[r->njs])  /* the root's bytes, its sources not added */
			r->js[r->njs] = mem_deref(r->js[r->njs]);
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
	} else {
		r->nstep++;
		cx_docreq__nextscript(r);
	}
}

/* The kept answer (r->sprev: fresh, or a 304) used as the source's, as if fetched */
static void cx_docreq__srcprev(cx_docreq *r)
{
	char msg[512];

	free(r->sbody);
	r->slen = r->sprev->len;
	r->sbody = malloc(r->slen + 1);
	if (!r->sbody) {
		snprintf(msg, sizeof(msg), "%s %s: %s", cx_docreq__srcwhat(r, r->njs),
			 r->ss->v[r->njs].url, strerror(ENOMEM));
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
		return;
	}
	memcpy(r->sbody, r->sprev->body, r->slen + 1);
	cx_docreq__usesrc(r, r->sprev->ctype);
}

/* One <script src>, <grammar src> or application root answered: a 200, or a 304 for the kept
 * answer (HTTP caching), or a file under --docroot (never kept). */
static void cx_docreq__gotscript(void *arg, const cx_curl_resp *resp, const char *why)
{
	cx_docreq *r = arg;
	const cx_docsrc *src = &r->ss->v[r->njs];
	char msg[512], pre[24];

	if (r->out) {
		fclose(r->out);
		r->out = NULL;
	}
	tmr_cancel(&r->stmr);
	if (r->done || r->eng->closing) {
		mem_deref(r);
		return;
	}
	snprintf(pre, sizeof(pre), "%s ", cx_docreq__srcwhat(r, r->njs));
	r->skeep = 0;
	if (!why && resp->status == 304 && r->sprev) {
		r->skeep = cx_docval__update(&r->sval, resp);
		r->eng->met.src_revalidated++;
		cx_log(CX_LOG_DEBUG, NULL, "%s%H not modified (304): the kept copy is used", pre,
		       cx_rt_esc, src->url);
		cx_docreq__srcprev(r);
	} else if (cx_curl_failed(msg, sizeof(msg), pre, src->url, why, resp, r->slen,
				  CX_DOC_MAXSIZE)) {
		free(r->sbody);
		r->sbody = NULL;
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
	} else {
		r->sprev = mem_deref((void *)r->sprev);  /* a new answer */
		if (!cx_docroot__isfile(src->url))
			r->skeep = cx_docval__update(&r->sval, resp);
		cx_docreq__usesrc(r, resp->ctype);
	}
	mem_deref(r);
}

static int cx_docval__reuse(const void *prev, cx_docval *v, const cx_docage *age,
			    char h[3][320]);

/* Source r->njs as HTTP caching has it: 1 when its kept answer is fresh (used at once, no
 * request), else 0 with the conditional request's headers in h (none without a kept answer
 * with validators), the element's maxage/maxstale (or the property in force) applied. */
static int cx_docreq__srcfresh(cx_docreq *r, char h[3][320])
{
	const cx_docsrc *src = &r->ss->v[r->njs];
	cx_docage age = {src->maxage, src->maxstale, 0};

	r->sprev = mem_deref((void *)r->sprev);
	r->sprev = mem_ref((void *)cx_doccomp_cached(r->eng, src->url, CX_DOC_SRC, &r->sval));
	if (!cx_docval__reuse(r->sprev, &r->sval, &age, h))
		return 0;
	r->eng->met.src_fresh++;
	r->skeep = 0;
	cx_log(CX_LOG_DEBUG, NULL, "%s %H fresh: the kept copy is used",
	       cx_docreq__srcwhat(r, r->njs), cx_rt_esc, src->url);
	cx_docreq__srcprev(r);
	return 1;
}

/* A source's own fetchtimeout passed (the document's bounds them all): the document fails
 * naming it, as a document that timed out does */
static void cx_docreq__srctimeout(void *arg)
{
	cx_docreq *r = arg;
	const cx_docsrc *src = &r->ss->v[r->njs];
	char msg[512];

	snprintf(msg, sizeof(msg), "%s %s: timed out (fetchtimeout %lld ms)",
		 cx_docreq__srcwhat(r, r->njs), src->url, (long long)src->tmo);
	r->keep = 0;
	mem_ref(r);
	cx_docreq__tell(r, NULL, msg);
	cx_curl_abort(r->eng, r, msg);
	mem_deref(r);
}

/* The index in r->ss of the source fetched at step: a VoiceXML leaf's application root first
 * (VoiceXML 2.0 §6.3: its <vxml>'s properties are in force in the leaf, so they must be known
 * before the leaf's sources are asked for; cx_docscript_app gives them to those the leaf sets
 * none for), then the leaf's sources, then the root's own, which its scan appended. The order
 * the compiler is given them (ss's) stays the leaf's, the root, the root's. */
static size_t cx_docreq__order(const cx_docreq *r, size_t step)
{
	size_t a;

	for (a = 0; a < r->ss->n && !r->ss->v[a].app; a++)
		;
	if (a == r->ss->n || step > a)
		return step;
	return step ? step - 1 : a;
}

static void cx_docreq__nextscript(cx_docreq *r)
{
	char msg[512], why[400], hb[3][320];
	const char *hdrs[4] = {NULL};
	int err, i, k = 0;

	for (; r->nstep < r->ss->n; r->nstep++) {
		r->njs = cx_docreq__order(r, r->nstep);
		r->js[r->njs] = mem_ref(cx_docreq__fetched(r, r->njs));
		if (!r->js[r->njs])
			break;
	}
	if (r->nstep == r->ss->n) {
		cx_docreq__compile(r);
		return;
	}
	if (cx_docroot__isfile(r->ss->v[r->njs].url)) { /* read now: this runs from the loop */
		cx_curl_resp resp = {.status = 200};
		if (!cx_docroot__isfile(r->url)) {  /* xml:base="file:///root/" in a web page */
			snprintf(msg, sizeof(msg), "%s '%s': %s", cx_docreq__srcwhat(r, r->njs),
				 r->ss->v[r->njs].url, CX_DOCROOT_NOTWEB);
			r->keep = 0;
			cx_docreq__tell(r, NULL, msg);
		} else if (cx_docroot_read(r->eng, r->ss->v[r->njs].url, CX_DOC_MAXSIZE, &r->sbody,
				    &r->slen, why, sizeof(why))) {
			snprintf(msg, sizeof(msg), "%s %s", cx_docreq__srcwhat(r, r->njs), why);
			r->keep = 0;
			cx_docreq__tell(r, NULL, msg);
		} else {
			cx_docreq__gotscript(mem_ref(r), &resp, NULL);
		}
		return;
	}
	if (cx_docreq__srcfresh(r, hb))
		return;
	for (i = 0; i < 3; i++)
		if (hb[i][0])
			hdrs[k++] = hb[i];
	if (r->ss->v[r->njs].tmo >= 0)  /* before: the answer (gotscript) cancels it */
		tmr_start(&r->stmr, (uint64_t)r->ss->v[r->njs].tmo, cx_docreq__srctimeout, r);
	r->out = open_memstream(&r->sbody, &r->slen);
	err = r->out ? cx_curl_fetch(r->eng, r->ss->v[r->njs].url, NULL, hdrs, CX_DOC_MAXSIZE,
				     r->ss->v[r->njs].tmo >= 0 ? (uint64_t)r->ss->v[r->njs].tmo
				     : r->tmo ? r->tmo : CX_FETCH_TIMEOUT_MS,
				     r->out, cx_docreq__gotscript, mem_ref(r)) : ENOMEM;
	if (err) {
		tmr_cancel(&r->stmr);
		if (r->out)
			mem_deref(r);  /* the transfer's reference */
		snprintf(msg, sizeof(msg), "%s %s: %s", cx_docreq__srcwhat(r, r->njs),
			 r->ss->v[r->njs].url, strerror(err));
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
	}
}

/* The document's <script src> (CCXML or VoiceXML) and <grammar src> (VoiceXML) are fetched
 * (within the same timeout) before it is compiled. */
static void cx_docreq__scripts(cx_docreq *r)
{
	char msg[512], why[400];

	if (cx_docscript_scan(r->url, r->body ? r->body : "", r->len, &r->ss, why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "%s: %s", r->url, why);
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
		return;
	}
	cx_docreq__nextscript(r);
}

/* A <data> answer: its body as an mbuf (what the cache keeps), told to the handler. */
static void cx_docreq__data(cx_docreq *r)
{
	struct mbuf *mb = mbuf_alloc(r->len + 1);
	char msg[512];

	if (!mb || mbuf_write_mem(mb, (uint8_t *)(r->body ? r->body : ""), r->len)) {
		snprintf(msg, sizeof(msg), "%s: %s", r->url, strerror(ENOMEM));
		r->keep = 0;
		cx_docreq__tell(r, NULL, msg);
	} else {
		cx_docreq__tell(r, mb, NULL);
	}
	mem_deref(mb);  /* the cache holds it when kept */
}

static void cx_docreq__got(void *arg, const cx_curl_resp *resp, const char *why)
{
	cx_docreq *r = arg;
	char msg[512];

	if (r->out) {
		fclose(r->out);
		r->out = NULL;
	}
	r->t1 = cx_met_now_us();
	if (r->done || r->eng->closing) {
		mem_deref(r);
		return;
	}
	if (!why && resp->status == 304 && r->prev) {
		cx_docreq__revalidated(r, resp);
	} else if (cx_curl_failed(msg, sizeof(msg), "", r->url, why, resp, r->len,
				  CX_DOC_MAXSIZE)) {
		cx_docreq__tell(r, NULL, msg);
	} else {
		cx_docreq__caching(r, resp);
		if (r->script)
			cx_docreq__jscompile(r, resp->ctype);
		else if (r->vxml == CX_DOC_DATA)
			cx_docreq__data(r);
		else
			cx_docreq__scripts(r);
	}
	mem_deref(r);
}

static void cx_docreq__timeout(void *arg)
{
	cx_docreq *r = arg;
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: timed out", r->url);
	mem_ref(r);
	cx_docreq__tell(r, NULL, msg);
	cx_curl_abort(r->eng, r, msg); /* its transfer, when one is in flight */
	mem_deref(r);
}

/* A file under --docroot (docs/fetch.md): read from the loop by cx_docroot_read, which
 * checks it against the root and reads the very file it checked; then as a fetched answer. */
static void cx_docreq__file(void *arg)
{
	cx_docreq *r = arg;
	cx_curl_resp resp = {.status = 200};
	char why[512];

	list_unlink(&r->le);  /* the reference cx_doccomp_hold kept is now this call's */
	if (r->out) {
		fclose(r->out);
		r->out = NULL;
	}
	r->t1 = cx_met_now_us();
	if (r->post)
		snprintf(why, sizeof(why), "'%s': a file is read with method get only", r->url);
	if (r->post || cx_docroot_read(r->eng, r->url, CX_DOC_MAXSIZE, &r->body, &r->len, why,
				       sizeof(why))) {
		cx_docreq__tell(r, NULL, why);
		mem_deref(r);
		return;
	}
	/* its <script src> and the compile within the element's timeout, as for a fetch */
	tmr_start(&r->tmr, r->tmo ? r->tmo : CX_FETCH_TIMEOUT_MS, cx_docreq__timeout, r);
	cx_docreq__got(r, &resp, NULL);  /* takes the reference */
}

/* The document is fresh by HTTP caching: told from the loop, as a fetch would be. */
static void cx_docreq__fresh(void *arg)
{
	cx_docreq *r = arg;

	r->t1 = cx_met_now_us();
	cx_docreq__tell(r, r->prev, NULL);
	mem_deref(r);
}

static int cx_docload__resolve(const char *b, const char *uri, char **urlp);

/* RFC 3986 5.2.4 on url's path, in place: its "." and ".." segments go ("a/b/../c" -> "a/c"). */
static int cx_docload__dots(char *u)
{
	char *p = strstr(u, "://"), *end, *seg, *w, *base, *tmp;
	size_t len;

	p = p ? p + 3 + strcspn(p + 3, "/?#") : u;
	end = p + strcspn(p, "?#");
	len = (size_t)(end - p);
	tmp = mem_alloc(len + 1, NULL);
	if (!tmp)
		return ENOMEM;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	w = base = p + (*tmp == '/');
	for (seg = tmp + (*tmp == '/');; ) {
		char *sl = strchr(seg, '/');
		size_t n = sl ? (size_t)(sl - seg) : strlen(seg);
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (w > base)
				for (w--; w > base && w[-1] != '/'; w--)
					;
		}
		else if (!(n == 1 && seg[0] == '.')) {
			memcpy(w, seg, n);
			w += n;
			if (sl)
				*w++ = '/';
		}
		if (!sl)
			break;
		seg = sl + 1;
	}
	memmove(w, end, strlen(end) + 1); /* the query and fragment (never longer than before) */
	mem_deref(tmp);
	return 0;
}

int cx_docload_resolve(const char *b, const char *uri, char **urlp)
{
	int err = cx_docload__resolve(b, uri, urlp);

	if (!err && (err = cx_docload__dots(*urlp)))
		*urlp = mem_deref(*urlp);
	return err;
}

static int cx_docload__resolve(const char *b, const char *uri, char **urlp)
{
	const char *p;
	size_t n, i;

	if (!uri || !*uri)
		return EINVAL;
	if (strchr(uri, ':') && strcspn(uri, ":") < strcspn(uri, "/?#"))
		return str_dup(urlp, uri); /* absolute: has a scheme */
	if (!b || !*b)
		return str_dup(urlp, uri);
	p = strstr(b, "://");
	p = p ? p + 3 : b; /* after the authority's "//", or a base without one (a path) */
	if (p != b && uri[0] == '/' && uri[1] == '/')
		return re_sdprintf(urlp, "%b%s", b, (size_t)(p - 2 - b), uri);
	if (uri[0] == '/')
		return p == b ? str_dup(urlp, uri) :
			re_sdprintf(urlp, "%b%s", b, strcspn(p, "/?#") + (size_t)(p - b), uri);
	n = strcspn(b, "?#");
	for (i = n; i > (size_t)(p - b) && b[i - 1] != '/'; i--)
		;
	if (i == (size_t)(p - b) && p != b)
		return re_sdprintf(urlp, "%b/%s", b, n, uri); /* "http://host" + "x" */
	return re_sdprintf(urlp, "%b%s", b, i, uri);
}

int cx_docload_url(const cx_engine *e, const cx_doc *base, const char *uri, char **urlp)
{
	return cx_docload_fetchurl(cx_doccomp_url(e, base), uri, urlp);
}

/* Section - Files under the document root (docs/fetch.md) */

static int cx_docroot__isfile(const char *u)
{
	return !strncasecmp(u, "file:", 5);
}

/* The path of a file: URL ("file:///p", "file://localhost/p", "file:/p"; "file:p" is
 * relative to the root), or NULL */
static const char *cx_docroot__path(const char *u)
{
	u += 5;
	if (!strncmp(u, "//localhost/", 12))
		return u + 11;
	if (!strncmp(u, "//", 2))
		return u[2] == '/' ? u + 2 : NULL;  /* another host */
	return u;
}

/* path (absolute, or relative to the root) resolved with its symlinks: a regular file under
 * the root, its real path in *realp (free()), or EACCES with why */
static int cx_docroot__confine(const cx_engine *e, const char *path, const char *uri,
			       char **realp, char *why, size_t sz)
{
	char *full = NULL, *real;
	size_t rl = strlen(e->docroot);
	struct stat st;
	int err;

	if (strchr(path, '?') || strchr(path, '#') || strchr(path, '%')) {
		snprintf(why, sz, "'%s': a file URI with a query, fragment or %%-escape is not read",
			 uri);
		return EACCES;
	}
	err = path[0] == '/' ? str_dup(&full, path) :
	      re_sdprintf(&full, "%s/%s", e->docroot, path);
	if (err)
		return err;
	real = realpath(full, NULL);
	mem_deref(full);
	if (!real) {
		snprintf(why, sz, "'%s': %s", uri, strerror(errno));
		return EACCES;
	}
	if (strncmp(real, e->docroot, rl) || (real[rl] != '/' && strcmp(e->docroot, "/")))
		snprintf(why, sz, "'%s' is outside the document root %s", uri, e->docroot);
	else if (stat(real, &st) || !S_ISREG(st.st_mode))
		snprintf(why, sz, "'%s' is not a regular file", uri);
	else
		why[0] = 0;
	if (why[0]) {
		free(real);
		return EACCES;
	}
	*realp = real;
	return 0;
}

/* The path of url under the root (cx_docroot__confine), or EACCES with why */
static int cx_docroot__real(const cx_engine *e, const char *url, char **realp, char *why,
			    size_t sz)
{
	const char *p = cx_docroot__isfile(url) ? cx_docroot__path(url) : NULL;

	if (!e->docroot || !p) {
		snprintf(why, sz, "'%s': %s", url, !e->docroot ? "no file is read without --docroot" :
			 "not a local file");
		return EACCES;
	}
	return cx_docroot__confine(e, p, url, realp, why, sz);
}

#ifdef O_PATH
#define CX_DOCROOT_DIRFL (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#else
#define CX_DOCROOT_DIRFL (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#endif

int cx_docroot_openat(const char *real, int *fdp)
{
	const char *p = real, *q;
	char name[256];
	int fd, nfd;

	if (real[0] != '/')
		return EINVAL;
	fd = open("/", CX_DOCROOT_DIRFL);
	if (fd < 0)
		return errno;
	for (;;) {
		while (*p == '/')
			p++;
		q = p + strcspn(p, "/");
		if ((size_t)(q - p) >= sizeof(name) || q == p ||
		    (q - p <= 2 && !strncmp(p, "..", (size_t)(q - p)))) {
			close(fd);
			return q == p ? EISDIR : (size_t)(q - p) >= sizeof(name) ? ENAMETOOLONG : EINVAL;
		}
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		p = q + strspn(q, "/");
		/* the last one: not a symlink, and a FIFO swapped in must not block the loop */
		nfd = openat(fd, name, *p ? CX_DOCROOT_DIRFL :
			     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		close(fd);
		if (nfd < 0)
			return errno;
		fd = nfd;
		if (!*p)
			break;
	}
	*fdp = fd;
	return 0;
}

int cx_docroot_read(const cx_engine *e, const char *url, size_t max, char **bodyp,
		    size_t *lenp, char *why, size_t sz)
{
	char *real = NULL, *buf;
	size_t len = 0;
	struct stat st;
	ssize_t n = 0;
	int fd = -1, err;

	err = cx_docroot__real(e, url, &real, why, sz);
	if (err)
		return err;
	/* the checked path is opened with no symlink followed on the way: a component swapped
	 * for a symlink since realpath() makes the open fail, so what is read is what was checked */
	err = cx_docroot_openat(real, &fd);
	free(real);
	if (err) {
		snprintf(why, sz, "'%s': %s (it changed after the document root check: not read)",
			 url, strerror(err));
		return EACCES;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, sz, "'%s' is not a regular file", url);
		close(fd);
		return EACCES;
	}
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	/* at most max bytes: the caller says "larger than" when it got them all (cx_curl_failed) */
	while (len < max && ((n = read(fd, buf + len, max - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	err = n < 0 ? errno : 0;
	close(fd);
	if (err) {
		snprintf(why, sz, "'%s': %s", url, strerror(err));
		free(buf);
		return EACCES;
	}
	buf[len] = '\0';
	free(*bodyp);
	*bodyp = buf;
	*lenp = len;
	return 0;
}

int cx_docroot_url(const cx_engine *e, const char *b, const char *uri, char **urlp)
{
	int scheme = strchr(uri, ':') && strcspn(uri, ":") < strcspn(uri, "/?#"), err;
	const char *p;
	char *abs = NULL;

	if (!e->docroot || (scheme && !cx_docroot__isfile(uri)) ||
	    (!scheme && b && !cx_docroot__isfile(b)))
		return ENOENT;
	if (b && !cx_docroot__isfile(b))
		return EACCES;  /* CX_DOCROOT_NOTWEB */
	if (!scheme && b && (err = cx_docload_resolve(b, uri, &abs)))
		return err;
	p = abs || scheme ? cx_docroot__path(abs ? abs : uri) : uri;
	if (!p)  /* another host: cx_docroot_read says so */
		err = str_dup(urlp, abs ? abs : uri);
	else if (p[0] == '/')
		err = re_sdprintf(urlp, "file://%s", p);
	else
		err = re_sdprintf(urlp, "file://%s%s%s", e->docroot,
				  strcmp(e->docroot, "/") ? "/" : "", p);
	mem_deref(abs);
	if (!err && p && (err = cx_docload__dots(*urlp)))
		*urlp = mem_deref(*urlp);
	return err;
}

int cx_docload_urlwhy(const cx_engine *e, const cx_doc *base, const char *uri, char **urlp,
		      char *why, size_t sz)
{
	const char *b = cx_doccomp_url(e, base), *p;
	char *abs = NULL, *real = NULL;
	int scheme, err;

	why[0] = 0;
	if (!uri || !*uri)
		return EINVAL;
	scheme = strchr(uri, ':') && strcspn(uri, ":") < strcspn(uri, "/?#");
	/* http(s), or relative to a document fetched over http(s) */
	if ((scheme && !cx_docroot__isfile(uri)) || (!scheme && b && !cx_docroot__isfile(b)))
		return cx_docload_fetchurl(b, uri, urlp);
	if (!e->docroot)
		return ENOENT;
	if (b && !cx_docroot__isfile(b)) {  /* a file: URI in a document from the web */
		snprintf(why, sz, "'%s': %s", uri, CX_DOCROOT_NOTWEB);
		return EACCES;
	}
	/* relative to a document read from a file: against its URL; dot segments go */
	if (!scheme && b) {
		err = cx_docload_resolve(b, uri, &abs);
		if (err)
			return err;
		uri = abs;
	}
	p = scheme || abs ? cx_docroot__path(uri) : uri;
	if (!p) {
		snprintf(why, sz, "'%s' is not a local file", uri);
		mem_deref(abs);
		return EACCES;
	}
	err = cx_docroot__confine(e, p, uri, &real, why, sz);
	if (!err)
		err = re_sdprintf(urlp, "file://%s", real);
	free(real);
	mem_deref(abs);
	return err;
}

int cx_docload_fetchurl(const char *b, const char *uri, char **urlp)
{
	if (!uri || !*uri)
		return EINVAL;
	if (!strncasecmp(uri, "http://", 7) || !strncasecmp(uri, "https://", 8))
		return str_dup(urlp, uri);
	if (strchr(uri, ':') && strcspn(uri, ":") < strcspn(uri, "/?#"))
		return EPROTONOSUPPORT;   /* another scheme */
	if (!b)
		return ENOENT;            /* relative to a compiled-in document: not fetched */
	if (cx_docroot__isfile(b))
		return ENOENT;            /* relative to a file: cx_docload_urlwhy, cx_docroot_url */
	return cx_docload_resolve(b, uri, urlp);
}

int cx_docload(cx_engine *e, const char *url, uint64_t timeout_ms, cx_docload_h *h, void *arg)
{
	return cx_docload_with(e, url, NULL, NULL, timeout_ms, NULL, h, arg);
}

static int cx_docreq__start(cx_engine *e, const char *url, const char *method,
			    const cx_cval *fields, const struct mbuf *mp, const char *mptype,
			    uint64_t timeout_ms, const cx_docage *age, cx_docreq *r);

int cx_docage_reqcc(char *out, size_t sz, const cx_docage *age)
{
	int64_t maxage = age ? age->maxage : -1, maxstale = age ? age->maxstale : -1;

	out[0] = '\0';
	if (maxage < 0 && maxstale < 0)
		return 0;
	/* whole seconds, rounded down: a cache on the way is asked for no older (no staler) an
	 * answer than the document allows */
	if (maxage >= 0 && maxstale >= 0)
		snprintf(out, sz, "Cache-Control: max-age=%lld, max-stale=%lld",
			 (long long)(maxage / 1000), (long long)(maxstale / 1000));
	else
		snprintf(out, sz, "Cache-Control: %s=%lld", maxage >= 0 ? "max-age" : "max-stale",
			 (long long)((maxage >= 0 ? maxage : maxstale) / 1000));
	return 1;
}

/* What to ask with url's kept answer: 1 run it as it is (fresh, or stale within maxstale and
 * not no-cache, and not older than maxage), else 0 with the conditional request's headers
 * (If-None-Match, If-Modified-Since; none without validators) and the request's own
 * Cache-Control for caches on the way. */
static int cx_docval__reuse(const void *prev, cx_docval *v, const cx_docage *age,
			    char h[3][320])
{
	uint64_t now = cx_cdr_now_ms();
	int64_t maxage = age ? age->maxage : -1, maxstale = age ? age->maxstale : -1;
	int n = 0;

	h[0][0] = h[1][0] = h[2][0] = 0;
	if (prev && (maxage < 0 || now - v->stored <= (uint64_t)maxage) &&
	    (v->until > now || (!v->nocache && maxstale >= 0 &&
				now - v->until <= (uint64_t)maxstale)))
		return 1;
	if (prev && v->etag[0])
		snprintf(h[n++], 320, "If-None-Match: %s", v->etag);
	if (prev && v->lastmod[0])
		snprintf(h[n++], 320, "If-Modified-Since: %s", v->lastmod);
	if (cx_docage_reqcc(h[n], 320, age))
		n++;
	if (!prev)
		memset(v, 0, sizeof(*v));
	return 0;
}

/* A request for a document whose handler gets arg (referenced until then), or NULL. */
static cx_docreq *cx_docreq__new(void *arg)
{
	cx_docreq *r = mem_zalloc(sizeof(*r), cx_docreq__destroy);

	if (r)
		r->arg = mem_ref(arg);
	return r;
}

/* A CCXML document (h told) or a script (jh told its programs, charsets those it needs) */
static int cx_docreq__load(cx_engine *e, const char *url, const char *method,
			   const cx_cval *fields, uint64_t timeout_ms, const cx_docage *age,
			   cx_docload_h *h, cx_jsload_h *jh, const char *const *charsets, void *arg)
{
	cx_docreq *r;

	if (!e || !url || (!h && !jh))
		return EINVAL;
	if (!(r = cx_docreq__new(arg)))
		return ENOMEM;
	r->h = h;
	r->jh = jh;
	r->script = jh != NULL;
	r->charsets = charsets;
	return cx_docreq__start(e, url, method, fields, NULL, NULL, timeout_ms, age, r);
}

int cx_docload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		    uint64_t timeout_ms, const cx_docage *age, cx_docload_h *h, void *arg)
{
	return cx_docreq__load(e, url, method, fields, timeout_ms, age, h, NULL, NULL, arg);
}

int cx_jsload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		   uint64_t timeout_ms, const cx_docage *age, const char *const *charsets,
		   cx_jsload_h *h, void *arg)
{
	return cx_docreq__load(e, url, method, fields, timeout_ms, age, NULL, h, charsets, arg);
}

/* A VoiceXML document (vh told) or a <data> body (dh told). */
static int cx_docreq__vx(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
			 const struct mbuf *mp, const char *mptype, uint64_t timeout_ms,
			 const cx_docage *age, cx_vxload_h *vh, cx_vxdata_h *dh, void *arg)
{
	cx_docreq *r;

	if (!e || !url || (!vh && !dh))
		return EINVAL;
	if (!(r = cx_docreq__new(arg)))
		return ENOMEM;
	r->vxml = dh ? CX_DOC_DATA : 1;
	r->vh = vh;
	r->dh = dh;
	return cx_docreq__start(e, url, method, fields, mp, mptype, timeout_ms, age, r);
}

int cx_vxload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		   const struct mbuf *mp, const char *mptype, uint64_t timeout_ms,
		   const cx_docage *age, cx_vxload_h *h, void *arg)
{
	return cx_docreq__vx(e, url, method, fields, mp, mptype, timeout_ms, age, h, NULL, arg);
}

int cx_dataload_with(cx_engine *e, const char *url, const char *method, const cx_cval *fields,
		     const struct mbuf *mp, const char *mptype, uint64_t timeout_ms,
		     const cx_docage *age, cx_vxdata_h *h, void *arg)
{
	return cx_docreq__vx(e, url, method, fields, mp, mptype, timeout_ms, age, NULL, h, arg);
}

/* r (its handler and arg set) asks for url; on an error r is freed and the errno returned. */
static int cx_docreq__start(cx_engine *e, const char *url, const char *method,
			    const cx_cval *fields, const struct mbuf *mp, const char *mptype,
			    uint64_t timeout_ms, const cx_docage *age, cx_docreq *r)
{
	char hb[3][320] = {{0}}, ct[200];
	const char *hdrs[5] = {NULL};
	int i, k = 0;
	struct mbuf *form = NULL;
	int post = mp || (method && !strcasecmp(method, "post")), err;

	if (method && !post && strcasecmp(method, "get")) {
		mem_deref(r);
		return EINVAL;
	}
	err = cx_curl_setup(e);
	if (err) {
		mem_deref(r);
		return err;
	}
	r->eng = e;
	r->t0 = cx_met_now_us();
	tmr_init(&r->tmr);
	tmr_init(&r->stmr);
	form = mbuf_alloc(64);
	if (form && mp) {
		form->end = 0;
		if (mbuf_write_mem(form, mp->buf, mp->end))
			form = mem_deref(form);
	}
	if (!form || (!mp && cx_curl_form(form, fields)) ||
	    (!post && form->end ? re_sdprintf(&r->url, "%s%c%b", url, strchr(url, '?') ? '&' : '?',
					      form->buf, form->end) : str_dup(&r->url, url)) ||
	    !(r->out = open_memstream(&r->body, &r->len))) {
		mem_deref(form);
		mem_deref(r);
		return ENOMEM;
	}
	r->nokeep = post;
	r->post = post;
	r->tmo = timeout_ms;
	if (cx_docroot__isfile(r->url)) {
		mem_deref(form);
		r->nokeep = 1;  /* read again each time (the same content is not compiled again) */
		tmr_start(&r->tmr, 0, cx_docreq__file, r);
		cx_doccomp_hold(e, &r->le, r);
		return 0;
	}
	if (!post)
		r->prev = cx_doccomp_cached(e, r->url, cx_docreq__kind(r), &r->val);
	if (r->prev && r->script && !cx_jsprogs__covers(r->prev, r->charsets))
		r->prev = NULL;  /* kept for a document of other charsets: fetched again */
	if (r->prev && (r->vxml == CX_DOC_DATA || r->script))
		r->pref = mem_ref((void *)r->prev);  /* kept by r even if the cache lets it go */
	if (!post && cx_docval__reuse(r->prev, &r->val, age, hb)) {
		mem_deref(form);
		e->met.doc_cache_hits++;
		tmr_start(&r->tmr, 0, cx_docreq__fresh, r);
		cx_doccomp_hold(e, &r->le, r);
		return 0;
	}
	for (i = 0; !post && i < 3; i++)
		if (hb[i][0])
			hdrs[k++] = hb[i];
	if (mp && mptype) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", mptype);
		hdrs[k++] = ct;
	}
	err = cx_curl_fetch(e, r->url, post ? form : NULL, hdrs, CX_DOC_MAXSIZE,
			    timeout_ms ? timeout_ms : CX_FETCH_TIMEOUT_MS, r->out, cx_docreq__got, mem_ref(r));
	mem_deref(form);
	if (err) {
		mem_deref(r);  /* the transfer's reference */
		mem_deref(r);
		return err;
	}
	tmr_start(&r->tmr, timeout_ms ? timeout_ms : CX_FETCH_TIMEOUT_MS, cx_docreq__timeout, r);
	mem_deref(r);  /* the transfer holds it now */
	return 0;
}
