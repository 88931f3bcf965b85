/*
 * vxml_io.c — the VoiceXML elements that leave the FIA for the network or the media
 * (docs/voicexml.md): <record> for now. vxml_check.c hands each of them here
 * (vxml_io_check); vxml_emit.c asks for their table entries (vxml_io_record,
 * vxml_io_transfer).
 */
#include <stdlib.h>
#include <string.h>

#include "js.h"

typedef struct VIoElem {
	const char *tag;
	const char *attrs[14];   /* a leading '!': required; a leading '=': an expression */
} VIoElem;

static const VIoElem vio__elems[] = {
	{"record", {"!name", "=expr", "=cond", "modal", "beep", "maxtime", "finalsilence", "dtmfterm",
		    "type", NULL}},
	{"transfer", {"!name", "=expr", "=cond", "dest", "=destexpr", "bridge", "type", "connecttimeout",
		      "maxtime", "transferaudio", "aai", "=aaiexpr", NULL}},
};

/* "10s", "500ms" -> ms; -1 when malformed (reported). */
long vxml_time(Attr *a)
{
	char *end;
	double v = strtod(a->value.s, &end);
	if (end == a->value.s || v < 0 || (strcmp(end, "s") && strcmp(end, "ms")) || v > 86400000) {
		diag_error(a->value.loc, "%s='%s' is not a time (like 10s or 500ms)", a->name, a->value.s);
		return -1;
	}
	return (long)(!strcmp(end, "ms") ? v : v * 1000);
}

static bool vio__bool(Attr *a)
{
	if (!strcmp(a->value.s, "true"))
		return true;
	if (strcmp(a->value.s, "false"))
		diag_error(a->value.loc, "%s='%s' must be true or false", a->name, a->value.s);
	return false;
}

/* <transfer>: one of dest/destexpr, bridge or type (VoiceXML 2.1 §2.2.1), aai or aaiexpr. */
static void vio__transfer(Node *n)
{
	Attr *dest = node_attr(n, "dest"), *dx = node_attr(n, "destexpr"), *a;
	Attr *bridge = node_attr(n, "bridge"), *type = node_attr(n, "type");
	if (!dest == !dx)
		diag_error(n->loc, "<transfer> needs exactly one of 'dest' and 'destexpr'");
	if (bridge && type)
		diag_error(type->loc, "<transfer> takes 'bridge' or 'type', not both");
	if (bridge)
		vio__bool(bridge);
	if (type && strcmp(type->value.s, "blind") && strcmp(type->value.s, "bridge") &&
	    strcmp(type->value.s, "consultation"))
		diag_error(type->value.loc, "<transfer type='%s'>: blind, bridge or consultation", type->value.s);
	if ((a = node_attr(n, "connecttimeout")))
		vxml_time(a);
	if ((a = node_attr(n, "maxtime")))
		vxml_time(a);
	bool blind = (!type && !(bridge && !strcmp(bridge->value.s, "true"))) ||
		     (type && !strcmp(type->value.s, "blind"));
	for (Node *k = n->kids; k; k = k->next)
		if (blind && !strcmp(k->tag, "grammar")) /* VoiceXML 2.0 §2.3.7.1: it is not listened to */
			diag_warn(W_UNSUPPORTED, k->loc, "a blind <transfer> listens to no <grammar> (VoiceXML 2.0 "
				  "§2.3.7): this one is ignored");
	if (node_attr(n, "aai") && node_attr(n, "aaiexpr"))
		diag_error(node_attr(n, "aaiexpr")->loc, "<transfer> takes 'aai' or 'aaiexpr', not both");
}

int vxml_io_check(Node *n, bool in_form)
{
	const VIoElem *e = NULL;
	for (size_t i = 0; i < sizeof(vio__elems) / sizeof(vio__elems[0]); i++)
		if (!strcmp(vio__elems[i].tag, n->tag))
			e = &vio__elems[i];
	if (!e)
		return -1;
	if (!in_form) {
		diag_error(n->loc, "<%s> is a form item: it stands in a <form>", n->tag);
		return 0;
	}
	for (int i = 0; i < n->nattrs; i++) {
		Attr *a = &n->attrs[i];
		const char *const *p = e->attrs;
		while (*p && strcmp(*p + (**p == '!' || **p == '='), a->name))
			p++;
		if (!*p) {
			diag_error(a->loc, "<%s> has no attribute '%s'", n->tag, a->name);
			continue;
		}
		if (**p == '=')
			esparse_attr(n, a, CX_AK_EXPR);
	}
	for (const char *const *p = e->attrs; *p; p++)
		if (**p == '!' && !node_attr(n, *p + 1))
			diag_error(n->loc, "<%s> needs the '%s' attribute", n->tag, *p + 1);
	if (n->has_text)
		diag_error(n->text.loc, "<%s> holds no text", n->tag);
	Attr *a;
	if ((a = node_attr(n, "maxtime")))
		vxml_time(a);
	if ((a = node_attr(n, "finalsilence")))
		vxml_time(a);
	if ((a = node_attr(n, "dtmfterm")))
		vio__bool(a);
	if ((a = node_attr(n, "modal")))
		vio__bool(a);
	if ((a = node_attr(n, "beep")))
		vio__bool(a);
	if (!strcmp(n->tag, "transfer")) {
		vio__transfer(n);
		return 1;
	}
	if ((a = node_attr(n, "type")) && strcmp(a->value.s, "audio/x-wav") && strcmp(a->value.s, "audio/wav"))
		diag_error(a->value.loc, "<record type='%s'>: only audio/x-wav (8 kHz 16-bit PCM WAV) is "
			   "recorded", a->value.s);
	return 1;
}

char *vxml_io_record(FILE *lf, Node *n, int shadow, int k)
{
	Attr *mt = node_attr(n, "maxtime"), *fs = node_attr(n, "finalsilence");
	Attr *dt = node_attr(n, "dtmfterm"), *bp = node_attr(n, "beep"), *md = node_attr(n, "modal");
	long max = mt ? vxml_time(mt) : 0, sil = fs ? vxml_time(fs) : 0;
	bool term = dt ? !strcmp(dt->value.s, "true") : true; /* VoiceXML 2.0 §2.3.6: true */
	fprintf(lf, "static const cx_vx_rec_item rec_%d = {.maxtime_ms = %ld, .finalsilence_ms = %ld, "
		".beep = %d, .dtmfterm = %d, .shadow = %d, .nonmodal = %d};\n", k, max < 0 ? 0 : max, sil < 0 ? 0 : sil,
		bp && !strcmp(bp->value.s, "true"), term, shadow, md && !strcmp(md->value.s, "false"));
	return xprintf("&rec_%d", k);
}

/* An expression attribute of a <transfer> as a function of g evaluated when it runs ("NULL":
 * none, or it did not parse: reported already). */
static char *vio__exprfn(Gen *g, Scope *sc, Node *n, Attr *a, const char *what, int k)
{
	if (!a || !a->tree)
		return "NULL";
	char *fn = xprintf("%s_%d", what, k);
	Fn *F = fn_new(g, sc, FN_COND, fn, n->loc.line);
	fn_line(F, a->loc.line);
	fn_source(F, &a->value);
	fn_out(F, "return %s;", js_expr(F, a->expr));
	fn_end(F);
	return fn;
}

char *vxml_io_transfer(FILE *lf, Gen *g, Scope *sc, Node *n, int shadow, int k)
{
	Attr *dest = node_attr(n, "dest"), *aai = node_attr(n, "aai");
	Attr *bridge = node_attr(n, "bridge"), *type = node_attr(n, "type");
	Attr *ct = node_attr(n, "connecttimeout"), *mt = node_attr(n, "maxtime");
	Attr *ta = node_attr(n, "transferaudio"); /* relative to --media-root, as <audio src> */
	const char *kind = "CX_VX_BLIND"; /* VoiceXML 2.1: bridge="false" by default */
	if ((bridge && !strcmp(bridge->value.s, "true")) || (type && !strcmp(type->value.s, "bridge")))
		kind = "CX_VX_BRIDGE";
	else if (type && !strcmp(type->value.s, "consultation"))
		kind = "CX_VX_CONSULTATION";
	char *fn = vio__exprfn(g, sc, n, node_attr(n, "destexpr"), "destexpr", k);
	char *afn = vio__exprfn(g, sc, n, node_attr(n, "aaiexpr"), "aaiexpr", k);
	long c = ct ? vxml_time(ct) : 0, m = mt ? vxml_time(mt) : 0;
	fprintf(lf, "static const cx_vx_xfer_item xfer_%d = {.type = %s, .dest = %s, .destexpr = %s, "
		".aai = %s, .connecttimeout_ms = %ld, .maxtime_ms = %ld, .shadow = %d, .aaiexpr = %s, .audio = %s};\n",
		k, kind, dest ? c_quote(dest->value.s, dest->value.len) : "NULL", fn,
		aai ? c_quote(aai->value.s, aai->value.len) : "NULL", c < 0 ? 0 : c, m < 0 ? 0 : m, shadow, afn,
		ta ? c_quote(ta->value.s, ta->value.len) : "NULL");
	return xprintf("&xfer_%d", k);
}
