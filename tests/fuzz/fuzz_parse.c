/*
 * fuzz_parse.c — libFuzzer harnesses of the runtime's parsers of fetched and received bytes
 * that the engine harnesses (fuzz_net.c) reach slowly or not at all, called as their callers
 * in the runtime call them, with the input as the bytes. Built three ways (tests/fuzz/run.sh):
 *
 *   -DFUZZ_SIP_PARSE  fuzz_sip_parse: the input is a whole SIP message; libre decodes it and
 *                   cx_sipbody_sdp takes its SDP (application/sdp, or the SDP part of a
 *                   multipart body), which libre's sdp_decode then reads as an offer, as
 *                   sip.c does, and each a=crypto line's value goes through
 *                   cx_sipbody_crypto (SRTP's keys); an INFO's body goes through
 *                   cx_sipbody_dtmf (a key, or 400/415). fuzz_sip_msg reaches the same code at ~30 inputs a second
 *                   (a UDP round trip each); this runs it at thousands. A 401 or 407 answer
 *                   also goes to libre's digest authentication with --sip-credentials'
 *                   lookup (sipauth.c), as an answer to our REGISTER or INVITE would: no
 *                   other harness sends the engine a challenge.
 *   -DFUZZ_VXDATA   fuzz_vxdata: the input is the body a VoiceXML <data> fetched; cx_vxd_parse
 *                   makes its objects, and the DOM methods a document would call run on them
 *                   (getElementsByTagName('*'), item, getAttribute, hasAttribute), then the
 *                   collector, which checks that every object built is reachable or freed.
 *   -DFUZZ_FETCHED  fuzz_fetched: the input is an answer to a document fetch: a Cache-Control
 *                   line, a Content-Type line, then the body. The caching words
 *                   (cx_prompt_fresh, cx_prompt_ccword), the body's <script src> scan
 *                   (cx_docscript_scan, then cx_docscript_app: the same bytes as an
 *                   application root) and its decoding as a fetched script in the charset the
 *                   Content-Type names (cx_docscript_utf8) run over it.
 *   -DFUZZ_DOCVAL   fuzz_docval: the input is a run of HTTP caching events on 256 URLs of
 *                   each kind of kept answer (a program, a <data> body, a script, a source):
 *                   answers (200, or 304 to a kept one) whose header lines go through curl.c's
 *                   header callback (cx_curl__hdr), then docfetch.c's freshness (cx_docval__update)
 *                   and the cache of answers (doccomp.c cx_doccomp_keep: the LRU of 1024
 *                   URLs and 64 MiB of bodies); uses (cx_doccomp_cached, then
 *                   cx_docval__reuse with an element's maxage/maxstale: fresh, or the conditional
 *                   request's headers); and the clock moving on. Those functions are static:
 *                   the three files are built into this harness (their objects in libcxrt.a
 *                   then not linked). A model of the cache (what is kept, in which order, its
 *                   bytes) is checked against doccomp.c's after every event, and the request
 *                   headers made from what a server sent: exact validators, no line break.
 *
 * Every input is freed before the next (the runtime parses each answer once, then drops it):
 * a leak is a finding here, unlike in fuzz_net (run.sh turns leak detection on for these).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>
#include "cx.h"
#include "rt.h"
#include "prov.h"

#if !defined(FUZZ_SIP_PARSE) && !defined(FUZZ_VXDATA) && !defined(FUZZ_FETCHED) && \
	!defined(FUZZ_DOCVAL)
#error "build with -DFUZZ_SIP_PARSE, -DFUZZ_VXDATA, -DFUZZ_FETCHED or -DFUZZ_DOCVAL"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(FUZZ_SIP_PARSE)
static cx_sipauth *fz__creds;

/* Credentials as --sip-credentials gives them: one realm's, and '*' for every other */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/fuzz-creds-XXXXXX";
	int fd = mkstemp(path); /* mode 0600, as cx_sipauth_load wants */
	static const char text[] = "fuzz.invalid alice secret\n* bob hunter2\n";

	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1))
		abort();
	close(fd);
	if (cx_sipauth_load(&fz__creds, path))
		abort();
	unlink(path);
	return 0;
}

/* A challenge (401, 407) answered as sip.c and sipreg.c do: libre's sip_auth reads the
 * WWW-Authenticate / Proxy-Authenticate headers and asks cx_sipauth_h for each realm. */
static void fz__challenge(const struct sip_msg *msg)
{
	cx_sipauth_req *r = NULL;
	struct sip_auth *auth = NULL;
	char why[256];

	if (cx_sipauth_req_alloc(&r, fz__creds, "sip:fuzz@fuzz.invalid") ||
	    sip_auth_alloc(&auth, cx_sipauth_h, r, true))
		abort();
	(void)sip_auth_authenticate(auth, msg);
	(void)re_snprintf(why, sizeof(why), "%H", cx_sipauth_why, r);
	mem_deref(auth);
	mem_deref(r);
}

/* Every a=crypto line of the SDP through cx_sipbody_crypto (SRTP's SDES keys, sip.c reads
 * each value after "a=crypto:" so), whatever the media it is in. */
static void fz__crypto(const struct mbuf *sdp)
{
	const char *p = (const char *)sdp->buf, *end = p + sdp->end, *q, *e;
	char line[512];
	cx_sdes k;

	for (q = p; q && q < end; q = e ? e + 1 : NULL) {
		e = memchr(q, '\n', (size_t)(end - q));
		size_t n = (size_t)((e ? e : end) - q);
		if (n > 9 && !memcmp(q, "a=crypto:", 9)) {
			n -= 9;
			if (n && q[9 + n - 1] == '\r')
				n--;
			n = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
			memcpy(line, q + 9, n);
			line[n] = 0;
			(void)cx_sipbody_crypto(line, &k);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *mb, sdp;
	struct sip_msg *msg = NULL;
	struct sdp_session *ss = NULL;
	struct sdp_media *m = NULL;
	struct sa laddr;
	const char *why;

	if (size > 8000)
		return -1;
	mb = mbuf_alloc(size + 1);
	if (!mb || mbuf_write_mem(mb, data, size))
		abort();
	mb->pos = 0;
	/* libre's own decode of the datagram, as the SIP stack does before any handler */
	if (sip_msg_decode(&msg, mb)) {
		mem_deref(mb);
		return 0;
	}
	if (msg->scode == 401 || msg->scode == 407)
		fz__challenge(msg);
	if (!pl_strcmp(&msg->met, "INFO")) {
		/* a key in an INFO of a call's dialog (sip.c cx_sip__info_h) */
		char key;
		int dur, code = cx_sipbody_dtmf(msg, &key, &dur, &why);
		if ((code && code != 400 && code != 415) || (code && !why) ||
		    (!code && key && !strchr("0123456789*#ABCD", key)) || dur < -1)
			abort();
	}
	if (!cx_sipbody_sdp(msg, &sdp, &why)) {
		/* the session of an inbound call (sip.c): PCMU, PCMA, telephone-event */
		sa_set_str(&laddr, "127.0.0.1", 0);
		if (sdp_session_alloc(&ss, &laddr) ||
		    sdp_media_add(&m, ss, "audio", 4000, "RTP/AVP") ||
		    sdp_format_add(NULL, m, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL, false, NULL) ||
		    sdp_format_add(NULL, m, false, "8", "PCMA", 8000, 1, NULL, NULL, NULL, false, NULL) ||
		    sdp_format_add(NULL, m, false, "101", "telephone-event", 8000, 1, NULL, NULL, NULL,
				   false, "0-15"))
			abort();
		(void)sdp_decode(ss, &sdp, true);
		mem_deref(ss);
		fz__crypto(&sdp);
	}
	mem_deref(msg);
	mem_deref(mb);
	return 0;
}
#endif

#if defined(FUZZ_VXDATA)
static cx_ctx *fz__X;

/* obj.name(arg) when obj has that method, else undefined */
static cx_value fz__call(cx_value obj, const char *name, cx_value arg)
{
	cx_value fn;

	if (obj.tag != CX_T_OBJ)
		return CX_UNDEFINED;
	fn = cx_get_cstr(fz__X, obj, name);
	if (cx_is_exc(fn) || fn.tag != CX_T_OBJ)
		return CX_UNDEFINED;
	return cx_call(fz__X, fn, obj, 1, &arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[800];
	cx_value d = CX_UNDEFINED, el, list, first;

	if (size > 64000)
		return -1;
	/* one context per input, as per <data> run (vxml.c); 16 MiB: the size bound is its heap */
	fz__X = cx_ctx_new(16u << 20);
	if (!fz__X)
		abort();
	if (!cx_vxd_parse(fz__X, "http://fuzz.invalid/data.xml", (const char *)data, size, &d, why,
			  sizeof(why))) {
		if (cx_root_add(fz__X, &d, 1))
			abort();
		el = cx_get_cstr(fz__X, d, "documentElement");
		list = fz__call(d, "getElementsByTagName", cx_str_utf8(fz__X, "*", 1));
		first = fz__call(list, "item", cx_num(1));
		(void)fz__call(first, "getAttribute", cx_str_utf8(fz__X, "id", 2));
		(void)fz__call(el, "hasAttribute", cx_str_utf8(fz__X, "id", 2));
		if (fz__X->exc.tag != CX_T_UNDEF)
			cx_catch(fz__X);
		cx_gc(fz__X);
		cx_root_remove(fz__X, &d);
	}
	cx_ctx_free(fz__X);
	fz__X = NULL;
	return 0;
}
#endif

#if defined(FUZZ_FETCHED)
/* The next line of [*p, end) into out as curl.c's header callback keeps a value in its
 * cx_curl_resp field of cap bytes (a longer one is dropped: ""), *p moved past it. */
static void fz__line(const char **p, const char *end, char *out, size_t cap)
{
	const char *lf = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = (size_t)((lf ? lf : end) - *p);

	snprintf(out, cap, "%.*s", (int)(n < cap ? n : 0), *p);
	*p = lf ? lf + 1 : end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char cachectl[sizeof(((cx_curl_resp *)0)->cachectl)], ctype[sizeof(((cx_curl_resp *)0)->ctype)];
	char why[200];
	cx_docscripts *ss = NULL;
	struct mbuf *mb = NULL;
	int nostore;

	if (size > 64000)
		return -1;
	fz__line(&p, end, cachectl, sizeof(cachectl));
	fz__line(&p, end, ctype, sizeof(ctype));
	(void)cx_prompt_fresh(cachectl, &nostore);
	(void)cx_prompt_ccword(cachectl, "no-cache");
	if (!cx_docscript_scan("http://fuzz.invalid/app.ccxml", p, (size_t)(end - p), &ss, why, sizeof(why))) {
		/* the same bytes as the application root a VoiceXML leaf named (its sources added) */
		(void)cx_docscript_app(ss, "http://fuzz.invalid/root.vxml", p, (size_t)(end - p), why, sizeof(why));
		mem_deref(ss);
	}
	if (!cx_docscript_utf8(NULL, ctype, p, (size_t)(end - p), &mb, why, sizeof(why)))
		mem_deref(mb);
	return 0;
}
#endif

#if defined(FUZZ_DOCVAL)
#include "curl.c"
#include "docfetch.c"
#include "doccomp.c"

/* The clock of the code under test (linked with --wrap=cx_cdr_now_ms): the input moves it */
static uint64_t fz__now;
uint64_t __wrap_cx_cdr_now_ms(void);
uint64_t __wrap_cx_cdr_now_ms(void)
{
	return fz__now;
}

/* What doccomp.c should keep: (URL, kind) and the body's bytes, most recently kept or used
 * first */
typedef struct {
	uint8_t url, kind;
	size_t size;
} fz__kept;
static fz__kept fz__m[CX_DOCCOMP_MAXFRESH + 1];
static size_t fz__n, fz__bytes;
static cx_engine fz__e;

static int fz__find(uint8_t url, uint8_t kind)
{
	for (size_t i = 0; i < fz__n; i++)
		if (fz__m[i].url == url && fz__m[i].kind == kind)
			return (int)i;
	return -1;
}

static void fz__drop(size_t i)
{
	fz__bytes -= fz__m[i].size;
	memmove(&fz__m[i], &fz__m[i + 1], (fz__n - i - 1) * sizeof(fz__m[0]));
	fz__n--;
}

static void fz__front(fz__kept k)
{
	memmove(&fz__m[1], &fz__m[0], fz__n * sizeof(fz__m[0]));
	fz__m[0] = k;
	fz__n++;
	fz__bytes += k.size;
}

static void fz__url(char *out, size_t sz, uint8_t url)
{
	snprintf(out, sz, "http://fuzz.invalid/%u", url);
}

/* doccomp.c's list against the model, entry by entry */
static void fz__check(void)
{
	const struct cx_doccomp *c = fz__e.doccomp;
	struct le *le;
	size_t i = 0;
	char u[64];

	if (!c) {
		if (fz__n)
			abort();
		return;
	}
	if (list_count(&c->fresh) != fz__n || c->freshb != fz__bytes)
		abort();
	LIST_FOREACH(&c->fresh, le) {
		const cx_docfresh *f = le->data;
		fz__url(u, sizeof(u), fz__m[i].url);
		if (strcmp(f->url, u) || f->vxml != fz__m[i].kind || f->size != fz__m[i].size)
			abort();
		i++;
	}
}

/* A header line as it may come (up to '\n', which it keeps) through curl.c's callback */
static void fz__hdr(const char **p, const char *end, cx_xfer *x)
{
	const char *lf = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = (size_t)((lf ? lf + 1 : end) - *p);
	char *line = malloc(n + 1);

	if (!line)
		abort();
	memcpy(line, *p, n); /* curl's buffer is its own: no NUL after it */
	(void)cx_curl__hdr(line, 1, n, x);
	free(line);
	*p += n;
}

static int64_t fz__age(uint8_t b)
{
	return b == 0xff ? -1 : (int64_t)(b & 0x7f) * (b & 0x80 ? 60000 : 500);
}

/* A header made for the conditional request: exact, on one line */
static void fz__hcheck(const char *h, const char *name, const char *val)
{
	size_t nl = strlen(name);

	if (strncmp(h, name, nl) || strcmp(h + nl, val) || strpbrk(h, "\r\n"))
		abort();
}

/* Input: events, each a byte: bits 0-1 0: the clock moves on the next byte's times 100 ms
 * (bit 2: minutes); 1: a 200, 2: a use, 3: a 304 for URL (next byte) of kind bits 2-4 (mod 5).
 * An answer's header lines follow, ended by an empty one, then (a 200 of a kept body) a byte
 * of its size in 256 KiB. A use is followed by its maxage and maxstale bytes (fz__age). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	static const char body[] = "kept";

	if (size > 8000)
		return -1;
	fz__now = 1000000;
	fz__n = fz__bytes = 0;
	while (p < end) {
		uint8_t op = (uint8_t)*p++, url, kind = (uint8_t)((op >> 2) % 5);
		const void *prev;
		cx_docval v;
		char u[64], h[3][320];
		int i, keep;

		if ((op & 3) == 0) {
			fz__now += (uint64_t)(p < end ? (uint8_t)*p++ : 1) * (op & 4 ? 60000 : 100);
			continue;
		}
		if (p >= end)
			break;
		url = (uint8_t)*p++;
		fz__url(u, sizeof(u), url);
		i = fz__find(url, kind);
		prev = cx_doccomp_cached(&fz__e, u, kind, &v);
		if ((prev != NULL) != (i >= 0))
			abort();
		if (i >= 0) {
			fz__kept k = fz__m[i];
			fz__drop((size_t)i);
			fz__front(k);
		}
		if ((op & 3) == 2) { /* a use */
			cx_docage age;
			int n = 0;
			age.maxage = fz__age(p < end ? (uint8_t)*p++ : 0xff);
			age.maxstale = fz__age(p < end ? (uint8_t)*p++ : 0xff);
			if (cx_docval__reuse(prev, &v, &age, h)) {
				if (!prev)
					abort();
			} else {
				if (prev && v.etag[0])
					fz__hcheck(h[n++], "If-None-Match: ", v.etag);
				if (prev && v.lastmod[0])
					fz__hcheck(h[n++], "If-Modified-Since: ", v.lastmod);
				if (n < 3 && h[n][0] && (strncmp(h[n], "Cache-Control: max-", 19) || strpbrk(h[n], "\r\n")))
					abort();
			}
			fz__check();
			continue;
		}
		/* an answer: 304 only to a request with a kept one (else it is a failure) */
		cx_xfer x = {.resp.status = (op & 3) == 1 ? 200 : 304};
		while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
			fz__hdr(&p, end, &x);
		p += p < end && *p == '\r';
		p += p < end;
		if (x.resp.status == 304 && !prev)
			continue;
		if (x.resp.status == 200) {
			memset(&v, 0, sizeof(v)); /* as a request without a kept answer has it */
			prev = NULL;              /* a new answer */
		}
		keep = cx_docval__update(&v, &x.resp);
		if (keep < 0 && i >= 0)
			fz__drop(0);
		if (keep > 0) {
			int sized = kind == CX_DOC_DATA || kind == CX_DOC_SRC;
			size_t sz = x.resp.status == 304 ? fz__m[0].size :
				    sized && p < end ? (size_t)(uint8_t)*p++ << 18 : 0;
			/* a program is not referenced by the cache, a body is: the kept one again
			 * after a 304 (referenced by the request meanwhile, as docfetch.c's pref),
			 * else a new one (an mbuf stands for each) */
			void *doc = kind < CX_DOC_DATA ? NULL : prev ? mem_ref((void *)prev) : mbuf_alloc(1);
			if (kind >= CX_DOC_DATA && !doc)
				abort();
			if (i >= 0)
				fz__drop(0);
			cx_doccomp_keep(&fz__e, u, kind, doc ? doc : body, &v, sz);
			mem_deref(doc);
			fz__front((fz__kept){url, kind, sz});
			while (fz__n > CX_DOCCOMP_MAXFRESH || (fz__bytes > CX_DOCCOMP_MAXFRESHB && fz__n > 1))
				fz__drop(fz__n - 1);
		} else {
			cx_doccomp_keep(&fz__e, u, kind, NULL, NULL, 0);
		}
		fz__check();
	}
	fz__e.doccomp = mem_deref(fz__e.doccomp);
	return 0;
}
#endif
