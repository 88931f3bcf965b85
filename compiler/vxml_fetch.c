/*
 * vxml_fetch.c — what a VoiceXML fetch may wait and take (VoiceXML 2.0 §6.1.1, §6.3.5; 2.1
 * §6.1 for <data>): the attributes fetchtimeout, maxage, maxstale and fetchaudio of <goto>,
 * <submit>, <subdialog> and <data>, else the properties fetchtimeout, documentmaxage /
 * documentmaxstale (datamaxage / datamaxstale for <data>), fetchaudio, fetchaudiodelay and
 * fetchaudiominimum in force; checked here and compiled to a cx_vx_fetch initializer.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "js.h"

enum { VF_AUDIODELAY_MS = 2000, VF_AUDIOMIN_MS = 5000 }; /* the platform's defaults (docs/voicexml.md) */

/* maxage / maxstale: a whole number of seconds (VoiceXML 2.0 §6.1.1); -1 when malformed. */
static long vf__secs(Attr *a)
{
	char *end;
	long v = strtol(a->value.s, &end, 10);
	if (!*a->value.s || *end || v < 0 || v > 100000000 || a->value.s[0] == '+' || a->value.s[0] == '-') {
		diag_error(a->value.loc, "%s='%s' is not a number of seconds (like 0 or 3600)", a->name, a->value.s);
		return -1;
	}
	return v;
}

void vxml_fetch_check(Node *n)
{
	Attr *a;
	if ((a = node_attr(n, "fetchtimeout")))
		(void)vxml_time(a);
	if ((a = node_attr(n, "maxage")))
		(void)vf__secs(a);
	if ((a = node_attr(n, "maxstale")))
		(void)vf__secs(a);
	if ((a = node_attr(n, "fetchaudio")) && !*a->value.s)
		diag_error(a->value.loc, "<%s fetchaudio=''>: the URI of an audio file", n->tag);
}

bool vxml_fetch_prop(Attr *name, Attr *value)
{
	const char *p = name->value.s;
	if (!strcmp(p, "fetchtimeout") || !strcmp(p, "fetchaudiodelay") || !strcmp(p, "fetchaudiominimum"))
		(void)vxml_time(value);
	else if (!strcmp(p, "documentmaxage") || !strcmp(p, "documentmaxstale") || !strcmp(p, "datamaxage") ||
		 !strcmp(p, "datamaxstale"))
		(void)vf__secs(value);
	else if (strcmp(p, "fetchaudio")) /* fetchaudio '' is allowed: none from there down */
		return false;
	return true;
}

/* The attribute attr of n, else the property prop in force (NULL: neither). */
static Attr *vf__get(Node *n, const char *attr, const char *prop)
{
	Attr *a = node_attr(n, attr);
	return a ? a : vxml_prop(n, prop);
}

static long vf__ms(Attr *a, long dflt)
{
	if (!a)
		return dflt;
	char *end;
	double v = strtod(a->value.s, &end);
	if (end == a->value.s || v < 0 || (strcmp(end, "s") && strcmp(end, "ms")))
		return dflt; /* reported by the checks */
	return (long)(!strcmp(end, "ms") ? v : v * 1000);
}

static long long vf__agems(Attr *a)
{
	char *end;
	long v = a ? strtol(a->value.s, &end, 10) : -1;
	return !a || !*a->value.s || *end || v < 0 ? -1 : (long long)v * 1000;
}

char *vxml_fetch_init(Node *n, bool data)
{
	Attr *ma = vf__get(n, "maxage", data ? "datamaxage" : "documentmaxage");
	Attr *ms = vf__get(n, "maxstale", data ? "datamaxstale" : "documentmaxstale");
	Attr *au = vf__get(n, "fetchaudio", "fetchaudio");
	const char *audio = au && *au->value.s ? c_quote(au->value.s, au->value.len) : "NULL";
	return xprintf("{.timeout_ms = %ld, .maxage_ms = %lld, .maxstale_ms = %lld, .audio = %s, "
		       ".audiodelay_ms = %ld, .audiomin_ms = %ld}",
		       vf__ms(vf__get(n, "fetchtimeout", "fetchtimeout"), 0), vf__agems(ma), vf__agems(ms), audio,
		       vf__ms(vxml_prop(n, "fetchaudiodelay"), VF_AUDIODELAY_MS),
		       vf__ms(vxml_prop(n, "fetchaudiominimum"), VF_AUDIOMIN_MS));
}
