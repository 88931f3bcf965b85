/*
 * vxfetch.c — VoiceXML documents that were not compiled into the program (docs/voicexml.md
 * "Documents fetched at run time"): a <dialogstart src> / <dialogprepare src> of CCXML, and
 * what a running dialog reaches (<goto next>, <subdialog src>, <submit>: vxml.c's section
 * "Other documents") follow the rules of CCXML documents loaded at run time (docfetch.c,
 * doccomp.c): http(s) URIs, or relative ones inside a fetched document, fetched in the loop
 * (with --docroot, file: URIs and paths read from files under it, checked by docfetch.c),
 * compiled by the program's ccxmlc (`ccxmlc --shared HASH.vxml`), cached by content, loaded
 * and checked (the object's constructor registers the dialog: cx_vx_register).
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "rt.h"
#include "prov.h"

/* Section - <dialogstart> / <dialogprepare> of a VoiceXML document not compiled in */

typedef struct cx_vxf_dlg {
	cx_dlg *d;             /* a reference */
} cx_vxf_dlg;

static void cx_vxf_dlg__destroy(void *arg)
{
	cx_vxf_dlg *w = arg;

	if (w->d->vxf == w)
		w->d->vxf = NULL;
	mem_deref(w->d);
}

/* The fetch is over: a prepared dialog is PREPARED, a started one starts on the provider. */
static void cx_vxf__dlg_h(cx_engine *e, const cx_vx_doc *doc, const char *why, void *arg)
{
	cx_vxf_dlg *w = arg;
	cx_dlg *d = w->d;
	int err;

	if (d->vxf == w)
		d->vxf = NULL;
	if (!d->sess || d->exited || d->removed || d->sess->ending || e->closing)
		return;
	if (!doc) {
		cx_log(CX_LOG_WARN, NULL, "dialog %s: %H", d->id, cx_rt_esc, why ? why : "");
		cx_rt_dlg_pev(d, d->started ? CX_PEV_DLG_NOTSTARTED : CX_PEV_DLG_NOTPREPARED,
			      why ? why : "cannot load the VoiceXML document");
		cx_engine_kick(e);
		return;
	}
	d->vxdoc = doc;
	if (!d->started) {
		err = e->prov && e->prov->dialogprepare ? e->prov->dialogprepare(e, d) : 0;
		if (err)
			cx_rt_dlg_pev(d, CX_PEV_DLG_NOTPREPARED, "cannot prepare this dialog");
		else if (!e->prov || !e->prov->dialogprepare)
			cx_rt_dlg_pev(d, CX_PEV_DLG_PREPARED, NULL);
	} else {
		err = e->prov && e->prov->dialogstart ? e->prov->dialogstart(e, d) : ENOSYS;
		if (err)
			cx_rt_dlg_pev(d, CX_PEV_DLG_NOTSTARTED, "cannot start this dialog");
	}
	cx_engine_kick(e);
}

/* The URL of uri in a VoiceXML document (or the CCXML one of a <dialogstart>) whose own URL is
 * b (NULL: compiled in): http(s) as docfetch.c says, else a file under --docroot, which is
 * checked when it is read (an error then says why). */
static int cx_vxf__url(const cx_engine *e, const char *b, const char *uri, char **urlp)
{
	int err = cx_docload_fetchurl(b, uri, urlp);

	if ((err == ENOENT || err == EPROTONOSUPPORT) && !cx_docroot_url(e, b, uri, urlp))
		return 0;
	return err;
}

int cx_vxf_dialog(cx_engine *e, cx_dlg *d)
{
	char *url = NULL, why[300];
	cx_vxf_dlg *w;
	int err;

	if (d->vxf)
		return 0;  /* <dialogstart> of a dialog still being prepared: started when loaded */
	if (d->vxdoc || !d->src || (d->type && !strncasecmp(d->type, "audio/", 6)) ||
	    cx_vx_find(d->src))
		return ENOENT;
	if (cx_vxf__url(e, cx_doccomp_url(e, d->sess->doc), d->src, &url))
		return ENOENT;
	w = mem_zalloc(sizeof(*w), cx_vxf_dlg__destroy);
	if (!w) {
		mem_deref(url);
		return ENOMEM;
	}
	w->d = mem_ref(d);
	d->vxf = w;
	err = cx_vxload_with(e, url, NULL, NULL, NULL, NULL, 0, NULL, cx_vxf__dlg_h, w);
	if (err) {
		snprintf(why, sizeof(why), "%s: %s", url, strerror(err));
		cx_rt_dlg_pev(d, d->started ? CX_PEV_DLG_NOTSTARTED : CX_PEV_DLG_NOTPREPARED, why);
	}
	mem_deref(url);
	mem_deref(w);  /* the load holds it */
	return 0;
}

/* Section - What a running dialog reaches */

/* maxage / maxstale of f for the HTTP cache (docfetch.c) */
static const cx_docage *cx_vxf__age(const cx_vx_fetch *f, cx_docage *age)
{
	if (!f || (f->maxage_ms < 0 && f->maxstale_ms < 0))
		return NULL;
	age->maxage = f->maxage_ms;
	age->maxstale = f->maxstale_ms;
	return age;
}

int cx_vxf_load(cx_engine *e, const char *base, const char *uri, const char *method,
		const cx_cval *fields, const struct mbuf *mp, const char *mptype,
		const cx_vx_fetch *f, cx_vxload_h *h, void *arg, char **urlp)
{
	char *url = NULL;
	cx_docage age;
	int err = cx_vxf__url(e, base, uri, &url);

	if (err)
		return err;
	err = cx_vxload_with(e, url, method, fields, mp, mptype, f ? f->timeout_ms : 0,
			     cx_vxf__age(f, &age), h, arg);
	if (err || !urlp)
		mem_deref(url);
	else
		*urlp = url;
	return err;
}

const cx_vx_doc *cx_vx_dlgdoc(const cx_dlg *d)
{
	return d->vxdoc ? d->vxdoc : cx_vx_find(d->src);
}

/* Section - <submit enctype="multipart/form-data"> */

enum { CX_VXF_MAXFILE = 16 << 20 };   /* bytes of one recording sent */

/* "name" in a part header: quotes and line ends would end it early */
static int cx_vxf__hname(struct mbuf *mb, const char *s)
{
	int err = 0;

	for (; *s && !err; s++)
		err = *s == '"' ? mbuf_write_str(mb, "%22") : (*s == '\r' || *s == '\n') ?
			0 : mbuf_write_u8(mb, (uint8_t)*s);
	return err;
}

/* The recording `file` (a name under --record-dir, as <record> gave it) as a part. */
static int cx_vxf__file(cx_engine *e, struct mbuf *mb, const char *file, char *why, size_t sz)
{
	char *path = NULL;
	FILE *f;
	size_t n;
	char buf[8192];
	int err = 0;

	if (!e->record_dir || !*file || strchr(file, '/') || file[0] == '.') {
		snprintf(why, sz, "'%.200s' is not a recording under --record-dir", file);
		return EINVAL;
	}
	if (re_sdprintf(&path, "%s/%s", e->record_dir, file))
		return ENOMEM;
	f = fopen(path, "rb");
	mem_deref(path);
	if (!f) {
		snprintf(why, sz, "recording '%.200s': %s", file, strerror(errno));
		return errno;
	}
	while (!err && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (mb->end + n > CX_VXF_MAXFILE + (size_t)64 * 1024) {
			snprintf(why, sz, "recording '%.200s' is larger than %d bytes", file, CX_VXF_MAXFILE);
			err = EFBIG;
		} else {
			err = mbuf_write_mem(mb, (uint8_t *)buf, n);
		}
	}
	fclose(f);
	return err;
}

static int cx_vxf__parts(cx_engine *e, struct mbuf *mb, const char *bnd, const char *key,
			 const cx_cval *v, int rec, int depth, char *why, size_t sz)
{
	char num[40];
	const char *sval;
	int err = 0;

	if (v && v->tag == CX_T_OBJ) {
		for (uint32_t i = 0; depth <= CX_RT_COPY_DEPTH && i < v->nkids && !err; i++) {
			char *k = NULL;
			if (re_sdprintf(&k, "%s.%s", key, v->keys[i]))
				return ENOMEM;
			err = cx_vxf__parts(e, mb, bnd, k, v->kids[i], 0, depth + 1, why, sz);
			mem_deref(k);
		}
		return err;
	}
	sval = cx_curl_sval(v, num);
	err = mbuf_printf(mb, "--%s\r\nContent-Disposition: form-data; name=\"", bnd);
	err = err ? err : cx_vxf__hname(mb, key);
	if (!err && rec) {
		err = mbuf_write_str(mb, "\"; filename=\"");
		err = err ? err : cx_vxf__hname(mb, sval);
		err = err ? err : mbuf_write_str(mb, "\"\r\nContent-Type: audio/x-wav\r\n\r\n");
		err = err ? err : cx_vxf__file(e, mb, sval, why, sz);
	} else if (!err) {
		err = mbuf_printf(mb, "\"\r\n\r\n%s", sval);
	}
	return err ? err : mbuf_write_str(mb, "\r\n");
}

int cx_vxf_multipart(cx_engine *e, const cx_cval *fields, const char *const *names,
		     const unsigned char *rec, int n, struct mbuf **mbp, char *ctype, size_t csz,
		     char *why, size_t sz)
{
	struct mbuf *mb = mbuf_alloc(1024);
	char bnd[40];
	int err = mb ? 0 : ENOMEM;

	snprintf(bnd, sizeof(bnd), "ccxmlc-%016llx", (unsigned long long)rand_u64());
	snprintf(ctype, csz, "multipart/form-data; boundary=%s", bnd);
	why[0] = 0;
	for (uint32_t i = 0; !err && fields && fields->tag == CX_T_OBJ && i < fields->nkids; i++) {
		int r = 0;
		for (int k = 0; k < n; k++)
			if (!strcmp(names[k], fields->keys[i]))
				r = rec[k];
		err = cx_vxf__parts(e, mb, bnd, fields->keys[i], fields->kids[i], r, 0, why, sz);
	}
	if (!err)
		err = mbuf_printf(mb, "--%s--\r\n", bnd);
	if (err) {
		if (!why[0])
			snprintf(why, sz, "%s", strerror(err));
		mem_deref(mb);
		return err;
	}
	*mbp = mb;
	return 0;
}

/* Section - <data>: an XML document fetched for a dialog (docfetch.c fetches and caches it,
 * vxdata.c parses it) */

int cx_vxf_data(cx_engine *e, const char *base, const char *uri, int post,
		const cx_cval *fields, const struct mbuf *mp, const char *mptype,
		const cx_vx_fetch *f, cx_vxdata_h *h, void *arg, char **urlp)
{
	char *url = NULL, *full = NULL;
	struct mbuf *form = mbuf_alloc(64);
	cx_docage age;
	int err = form ? cx_vxf__url(e, base, uri, &url) : ENOMEM;

	if (!err && !post)  /* the URL asked, query included (messages, the cache's key) */
		err = cx_curl_form(form, fields);
	if (!err)
		err = !post && form->end ? re_sdprintf(&full, "%s%c%b", url, strchr(url, '?') ? '&' : '?',
						       form->buf, form->end) : str_dup(&full, url);
	if (!err)
		err = cx_dataload_with(e, full, post ? "post" : "get", post ? fields : NULL, mp, mptype,
				       f ? f->timeout_ms : 0, cx_vxf__age(f, &age), h, arg);
	if (!err && urlp)
		*urlp = mem_ref(full);
	mem_deref(full);
	mem_deref(form);
	mem_deref(url);
	return err;
}
