/*
 * vxfetch.c — VoiceXML documents that were not compiled into the program (docs/voicexml.md
 * "Documents fetched at run time"): a <dialogstart src> / <dialogprepare src> of CCXML, and
 * what a running dialog reaches (<goto next>, <subdialog src>, <submit>: vxml.c's section
 * "Other documents") follow the rules of CCXML documents loaded at run time (docfetch.c,
 * doccomp.c): http(s) URIs, or relative ones inside a fetched document, fetched in the loop,
 * compiled by the program's ccxmlc (`ccxmlc --shared HASH.vxml`), cached by content, loaded
 * and checked (the object's constructor registers the dialog: cx_vx_register).
 */
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
	if (cx_docload_resolve(cx_doccomp_url(e, d->sess->doc), d->src, &url))
		return ENOENT;
	w = mem_zalloc(sizeof(*w), cx_vxf_dlg__destroy);
	if (!w) {
		mem_deref(url);
		return ENOMEM;
	}
	w->d = mem_ref(d);
	d->vxf = w;
	err = cx_vxload_with(e, url, NULL, NULL, NULL, NULL, 0, cx_vxf__dlg_h, w);
	if (err) {
		snprintf(why, sizeof(why), "%s: %s", url, strerror(err));
		cx_rt_dlg_pev(d, d->started ? CX_PEV_DLG_NOTSTARTED : CX_PEV_DLG_NOTPREPARED, why);
	}
	mem_deref(url);
	mem_deref(w);  /* the load holds it */
	return 0;
}

/* Section - What a running dialog reaches */

int cx_vxf_load(cx_engine *e, const cx_vx_doc *base, const char *uri, const char *method,
		const cx_cval *fields, const struct mbuf *mp, const char *mptype,
		uint64_t timeout_ms, cx_vxload_h *h, void *arg, char **urlp)
{
	char *url = NULL;
	int err = cx_docload_resolve(cx_doccomp_vxurl(e, base), uri, &url);

	if (err)
		return err;
	err = cx_vxload_with(e, url, method, fields, mp, mptype, timeout_ms, h, arg);
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
