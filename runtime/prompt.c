/*
 * prompt.c — prompts on a web server: a dialog whose src is an http(s) URI starts once the
 * file is here (docs/sip.md, Prompts over HTTP). The file is fetched with libcurl inside the
 * loop (cx_curl_fetch, within the asker's fetch timeout, else a document's 30 s) into a cache
 * directory and kept by the rules of HTTP caching: fresh for Cache-Control max-age, then
 * revalidated with If-None-Match / If-Modified-Since (a 304 keeps the copy); no-store is
 * fetched every time and not kept; no-cache is revalidated every time. Dialogs asking for a
 * URL already being fetched wait for that one transfer.
 *
 * media.c decodes the cached file like any WAV (cx_prompt_file gives its path), so the
 * providers play a web prompt exactly as a local one. The `text=` field of the URL's query is
 * the fallback spoken with flite when the fetch fails, as for files.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include "prov.h"

#define CX_PROMPT_MAXSIZE  (16u << 20)   /* bytes of one prompt */
#define CX_PROMPT_MAXKEEP  (256u << 20)  /* bytes of all kept prompts (oldest go first) */
#define CX_PROMPT_MAXENT   1024

typedef struct cx_prompt_wait {
	struct le le;
	cx_engine *eng;
	cx_dlg *dlg;           /* a reference, or NULL: h is told (cx_prompt_want) */
	cx_prompt_h *h;
	void *arg;             /* a reference */
} cx_prompt_wait;

typedef struct cx_prompt {
	struct le le;          /* in cx_prompt__st.ents, most recently used first */
	char *url;
	char *file;            /* the kept body, or NULL */
	size_t size;
	char etag[256], lastmod[64];
	uint64_t fresh_until;  /* cx_cdr_now_ms(); 0: revalidate before use */
	uint64_t stored_at;    /* when the copy came or was last revalidated (its age: maxage) */
	int nostore, nocache;
	struct list waits;     /* cx_prompt_wait */
	FILE *tmp;             /* the body being fetched */
	char *tmpname;
	int fetching;
	struct tmr tmr;        /* the transfer's bound, when its asker has none of its own */
	cx_engine *eng;        /* of the transfer */
} cx_prompt;

static struct {
	struct list ents;
	char *dir;             /* mkdtemp'd cache directory, made on first use */
	uint32_t seq;
	size_t kept;
} cx_prompt__st;

static int cx_prompt__start(cx_engine *e, cx_dlg *d, const char *why);

int cx_prompt_is_web(const char *src)
{
	return src && (!strncasecmp(src, "http://", 7) || !strncasecmp(src, "https://", 8));
}

static void cx_prompt_wait__destroy(void *arg)
{
	cx_prompt_wait *w = arg;

	list_unlink(&w->le);
	mem_deref(w->dlg);
	mem_deref(w->arg);
}

static void cx_prompt__drop_file(cx_prompt *p)
{
	if (!p->file)
		return;
	(void)unlink(p->file);
	p->file = mem_deref(p->file);
	cx_prompt__st.kept -= p->size;
	p->size = 0;
}

static void cx_prompt__destroy(void *arg)
{
	cx_prompt *p = arg;

	list_unlink(&p->le);
	tmr_cancel(&p->tmr);
	list_flush(&p->waits);
	cx_prompt__drop_file(p);
	if (p->tmp)
		fclose(p->tmp);
	if (p->tmpname)
		(void)unlink(p->tmpname);
	mem_deref(p->tmpname);
	mem_deref(p->url);
}

const char *cx_prompt_file(const char *url)
{
	struct le *le;

	LIST_FOREACH(&cx_prompt__st.ents, le) {
		cx_prompt *p = le->data;
		if (!strcmp(p->url, url))
			return p->file;
	}
	return NULL;
}

const char *cx_prompt_kept(const char *src)
{
	const char *kept = cx_prompt_file(src), *t = src;
	char url[2048];

	/* a VoiceXML <audio>'s alternate text is the text= field appended last (vxml.c); its URL,
	 * the one fetched, is what comes before it */
	for (const char *q; !kept && (q = strstr(t, "text=")); t = q + 5)
		if (q > src && (q[-1] == '?' || q[-1] == '&') && !strstr(q + 5, "text=") &&
		    (size_t)(q - 1 - src) < sizeof(url)) {
			memcpy(url, src, (size_t)(q - 1 - src));
			url[q - 1 - src] = '\0';
			kept = cx_prompt_file(url);
		}
	return kept;
}

void cx_prompt_flush(void)
{
	struct le *le = cx_prompt__st.ents.head;

	/* an entry with a transfer in flight goes when the transfer ends (it holds a reference) */
	while (le) {
		cx_prompt *p = le->data;
		le = le->next;
		if (!p->fetching)
			mem_deref(p);
	}
	if (!cx_prompt__st.ents.head && cx_prompt__st.dir) {
		(void)rmdir(cx_prompt__st.dir);
		cx_prompt__st.dir = mem_deref(cx_prompt__st.dir);
	}
}

static int cx_prompt__dir(void)
{
	char tmpl[512];
	const char *t = getenv("TMPDIR");

	if (cx_prompt__st.dir)
		return 0;
	snprintf(tmpl, sizeof(tmpl), "%s/ccxmlc-prompts-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpl))
		return errno;
	return str_dup(&cx_prompt__st.dir, tmpl);
}

/* Keep the total of kept prompts under its bound: the least recently used go. */
static void cx_prompt__trim(void)
{
	struct le *le = cx_prompt__st.ents.tail;

	while (le && (cx_prompt__st.kept > CX_PROMPT_MAXKEEP ||
		      list_count(&cx_prompt__st.ents) > CX_PROMPT_MAXENT)) {
		cx_prompt *p = le->data;
		le = le->prev;
		if (!p->fetching && !p->waits.head)
			mem_deref(p);
	}
}

/* Where word starts in s (ASCII case-insensitive), or NULL. */
static const char *cx_prompt__find(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; s && *s; s++)
		if (!strncasecmp(s, word, n))
			return s;
	return NULL;
}

int cx_prompt_ccword(const char *cc, const char *word)
{
	return cx_prompt__find(cc, word) != NULL;
}

/* max-age=N -> now + N s; no-store / no-cache / none -> 0 (revalidate before each use). N is
 * digits (quoted too, RFC 9111 §5.2 lets a recipient take that form), a larger value than
 * 2^31 is 2^31 (§1.2.2); anything else (a sign, no digit) is stale: strtoul took "-1" as 2^64-1 s,
 * which the x1000 to ms wrapped, as it did on 20 digits: any lifetime from 0 to centuries. */
uint64_t cx_prompt_fresh(const char *cc, int *nostore)
{
	const char *m;
	uint64_t n = 0;

	*nostore = cx_prompt__find(cc, "no-store") != NULL;
	if (!cc || *nostore || cx_prompt__find(cc, "no-cache"))
		return 0;
	m = cx_prompt__find(cc, "max-age=");
	if (!m)
		return 0;
	m += 8 + (m[8] == '"');
	if (*m < '0' || *m > '9')
		return 0;
	for (; *m >= '0' && *m <= '9'; m++)
		if ((n = n * 10 + (uint64_t)(*m - '0')) > ((uint64_t)1 << 31))
			n = (uint64_t)1 << 31;
	return cx_cdr_now_ms() + 1000 * n;
}

/* Start the dialog of each waiter: the provider plays the file now kept (or speaks the text=
 * fallback); why: the fetch failed and there is no copy, said in error.dialog.notstarted. */
static void cx_prompt__release(cx_prompt *p, const char *why)
{
	while (p->waits.head) {
		cx_prompt_wait *w = p->waits.head->data;
		cx_dlg *d = w->dlg;
		cx_engine *e = w->eng;
		list_unlink(&w->le);
		if (!d && w->h && !e->closing)
			w->h(e, why, w->arg);
		else if (d && d->sess && !d->exited && !d->sess->ending && !e->closing)
			cx_prompt__start(e, d, why);
		mem_deref(w);
	}
}

/* Count an outcome (0 fetched, 1 not modified, 2 failed) in the engine of a waiter. */
static void cx_prompt__eng_met(cx_prompt *p, int what)
{
	cx_prompt_wait *w = p->waits.head ? p->waits.head->data : NULL;

	if (w && !w->eng->closing)
		w->eng->met.prompt[what]++;
}

static void cx_prompt__done(void *arg, const cx_curl_resp *r, const char *why)
{
	cx_prompt *p = arg;
	char msg[400] = "";

	p->fetching = 0;
	tmr_cancel(&p->tmr);
	if (p->tmp) {
		if (fclose(p->tmp) && !why)
			why = "cannot write the cache file";
		p->tmp = NULL;
	}
	if (!why && r->status == 304 && p->file) {
		int nostore;
		p->fresh_until = cx_prompt_fresh(r->cachectl, &nostore);
		p->stored_at = cx_cdr_now_ms();
		p->nocache = cx_prompt_ccword(r->cachectl, "no-cache");
		cx_prompt__eng_met(p, 1);
	}
	else if (!why && r->status == 200) {
		cx_prompt__eng_met(p, 0);
		cx_prompt__drop_file(p);
		p->file = p->tmpname;
		p->tmpname = NULL;
		{
			struct stat st;
			p->size = stat(p->file, &st) ? 0 : (size_t)st.st_size;
		}
		cx_prompt__st.kept += p->size;
		p->fresh_until = cx_prompt_fresh(r->cachectl, &p->nostore);
		p->stored_at = cx_cdr_now_ms();
		p->nocache = cx_prompt_ccword(r->cachectl, "no-cache");
		snprintf(p->etag, sizeof(p->etag), "%s", r->etag);
		snprintf(p->lastmod, sizeof(p->lastmod), "%s", r->lastmod);
	}
	else {
		cx_prompt__eng_met(p, 2);
		if (!why)
			snprintf(msg, sizeof(msg), "HTTP status %ld", r->status);
		else
			snprintf(msg, sizeof(msg), "%s", why);
		cx_log(CX_LOG_WARN, NULL, "prompt %H: fetch failed: %H%s", cx_rt_escurl, p->url,
		       cx_rt_esc, msg, p->file ? "; playing the copy kept from before" : "");
	}
	if (p->tmpname) {
		(void)unlink(p->tmpname);
		p->tmpname = mem_deref(p->tmpname);
	}
	cx_prompt__release(p, p->file ? NULL : msg[0] ? msg : NULL);
	if (p->nostore)
		cx_prompt__drop_file(p);
	mem_deref(p); /* the transfer's reference */
	cx_prompt__trim();
}

/* The transfer of p ran for its bound (its asker's, which had no timer of its own). */
static void cx_prompt__timeout(void *arg)
{
	cx_prompt *p = arg;
	char why[64];

	/* started only with the platform's bound (cx_prompt__fetch) */
	snprintf(why, sizeof(why), "timed out after %u ms", (unsigned)CX_FETCH_TIMEOUT_MS);
	cx_curl_abort(p->eng, p, why); /* cx_prompt__done, told why */
}

/* age: the asker's maxage / maxstale (asked of caches on the way too) and fetchtimeout, the
 * transfer's bound (NULL or 0: CX_FETCH_TIMEOUT_MS, a document's); an asker that gives one
 * times its own wait (vxml.c), else the transfer is ended at it here, its waiters told. */
static int cx_prompt__fetch(cx_engine *e, cx_prompt *p, const cx_docage *age)
{
	char h1[300], h2[100], h3[100];
	const char *hdrs[4] = {NULL, NULL, NULL, NULL};
	uint64_t tmo = age && age->tmo_ms ? age->tmo_ms : CX_FETCH_TIMEOUT_MS;
	int n = 0, err = cx_prompt__dir();

	if (err)
		return err;
	err = re_sdprintf(&p->tmpname, "%s/p%u.part", cx_prompt__st.dir, ++cx_prompt__st.seq);
	if (err)
		return err;
	p->tmp = fopen(p->tmpname, "wb");
	if (!p->tmp) {
		err = errno;
		p->tmpname = mem_deref(p->tmpname);
		return err;
	}
	if (p->file && p->etag[0]) {
		snprintf(h1, sizeof(h1), "If-None-Match: %s", p->etag);
		hdrs[n++] = h1;
	}
	if (p->file && p->lastmod[0]) {
		snprintf(h2, sizeof(h2), "If-Modified-Since: %s", p->lastmod);
		hdrs[n++] = h2;
	}
	if (cx_docage_reqcc(h3, sizeof(h3), age))
		hdrs[n++] = h3;
	err = cx_curl_fetch(e, p->url, NULL, hdrs, CX_PROMPT_MAXSIZE, tmo, p->tmp, cx_prompt__done,
			    mem_ref(p));
	if (err) {
		mem_deref(p);
		fclose(p->tmp);
		p->tmp = NULL;
		(void)unlink(p->tmpname);
		p->tmpname = mem_deref(p->tmpname);
		return err;
	}
	p->fetching = 1;
	p->eng = e;
	if (!age || !age->tmo_ms)
		tmr_start(&p->tmr, tmo, cx_prompt__timeout, p);
	return 0;
}

static int cx_prompt__start(cx_engine *e, cx_dlg *d, const char *why)
{
	int err;

	if (why && !strstr(d->src, "text=")) {
		cx_rt_dlg_pev(d, CX_PEV_DLG_NOTSTARTED, why);
		return 0;
	}
	err = e->prov && e->prov->dialogstart ? e->prov->dialogstart(e, d) : ENOSYS;
	if (err)
		cx_rt_dlg_pev(d, CX_PEV_DLG_NOTSTARTED, err == ENOENT ? "media not found" :
			      "cannot start this dialog");
	return 0;
}

/* Can p's copy be used now? Fresh by its Cache-Control; with age (a VoiceXML <audio>'s
 * maxage / maxstale, -1: not given) also not older than maxage, and when stale, stale by at
 * most maxstale unless the answer said no-cache (VoiceXML 2.0 §6.1.1, as docfetch.c's). */
static int cx_prompt__usable(const cx_prompt *p, const cx_docage *age)
{
	uint64_t now = cx_cdr_now_ms();

	if (!p->file || p->fetching)
		return 0;
	if (age && age->maxage >= 0 && now - p->stored_at > (uint64_t)age->maxage)
		return 0;
	if (now < p->fresh_until)
		return 1;
	/* stale since its lifetime ended (none given: since it came) */
	uint64_t stale = now - (p->fresh_until ? p->fresh_until : p->stored_at);
	return age && age->maxstale >= 0 && !p->nocache && stale <= (uint64_t)age->maxstale;
}

/* url's entry (made when new, most recently used first) in *pp; 1 when its copy can be used
 * now (cx_prompt__usable), 0 when it must be fetched (or waited for), or an errno */
static int cx_prompt__entry(const char *url, const cx_docage *age, cx_prompt **pp)
{
	cx_prompt *p = NULL;
	struct le *le;

	LIST_FOREACH(&cx_prompt__st.ents, le) {
		cx_prompt *c = le->data;
		if (!strcmp(c->url, url)) {
			p = c;
			break;
		}
	}
	if (p) {
		list_unlink(&p->le);
		list_prepend(&cx_prompt__st.ents, &p->le, p);
		*pp = p;
		return cx_prompt__usable(p, age);
	}
	p = mem_zalloc(sizeof(*p), cx_prompt__destroy);
	if (p)
		tmr_init(&p->tmr);
	if (!p || str_dup(&p->url, url)) {
		mem_deref(p);
		return ENOMEM;
	}
	list_prepend(&cx_prompt__st.ents, &p->le, p);
	*pp = p;
	return 0;
}

/* w waits for p: the transfer starts (within age's bound, cx_prompt__fetch's) unless one is
 * under way (whose bound it then shares) */
static int cx_prompt__wait(cx_engine *e, cx_prompt *p, cx_prompt_wait *w, const cx_docage *age)
{
	int err;

	w->eng = e;
	list_append(&p->waits, &w->le, w);
	if (p->fetching)
		return 0;
	err = cx_prompt__fetch(e, p, age);
	if (err) {
		mem_deref(w);
		e->met.prompt[2]++;
	}
	return err;
}

int cx_prompt_want(cx_engine *e, const char *url, cx_prompt_h *h, void *arg)
{
	return cx_prompt_want_age(e, url, NULL, h, arg);
}

int cx_prompt_want_age(cx_engine *e, const char *url, const cx_docage *age, cx_prompt_h *h,
		       void *arg)
{
	cx_prompt *p = NULL;
	cx_prompt_wait *w;
	int r = cx_prompt__entry(url, age, &p);

	if (r == 1)
		return 0;
	if (r)
		return r;
	w = mem_zalloc(sizeof(*w), cx_prompt_wait__destroy);
	if (!w)
		return ENOMEM;
	w->h = h;
	w->arg = mem_ref(arg);
	r = cx_prompt__wait(e, p, w, age);
	return r ? r : EINPROGRESS;
}

int cx_prompt_dialogstart(cx_engine *e, cx_dlg *d)
{
	cx_prompt *p = NULL;
	cx_prompt_wait *w;
	int r;

	if (!cx_prompt_is_web(d->src) || (d->type && strncasecmp(d->type, "audio/", 6)))
		return e->prov && e->prov->dialogstart ? e->prov->dialogstart(e, d) : ENOSYS;
	r = cx_prompt__entry(d->src, NULL, &p);
	if (r == 1)
		return e->prov && e->prov->dialogstart ? e->prov->dialogstart(e, d) : ENOSYS;
	if (r)
		return r;
	w = mem_zalloc(sizeof(*w), cx_prompt_wait__destroy);
	if (!w)
		return ENOMEM;
	w->dlg = mem_ref(d);
	return cx_prompt__wait(e, p, w, NULL);
}
