/*
 * vxml_fetch.c — what a VoiceXML fetch may wait and take (VoiceXML 2.0 §6.1.1, §6.3.5; 2.1
 * §6.1 for <data>): the attributes fetchtimeout, maxage, maxstale and fetchaudio of <goto>,
 * <submit>, <subdialog> and <data>, else the properties fetchtimeout, documentmaxage /
 * documentmaxstale (datamaxage / datamaxstale for <data>), fetchaudio, fetchaudiodelay and
 * fetchaudiominimum in force; checked here and compiled to a cx_vx_fetch initializer (an
 * <audio>'s too: fetchtimeout, maxage / audiomaxage, maxstale / audiomaxstale). And the
 * files the running program fetched for the <grammar src> of a document it fetched.
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
	if ((a = node_attr(n, "fetchhint")) && strcmp(a->value.s, "prefetch") && strcmp(a->value.s, "safe"))
		diag_error(a->value.loc, "<%s fetchhint='%s'>: prefetch or safe", n->tag, a->value.s);
	if ((a = node_attr(n, "fetchtimeout")))
		(void)vxml_time(a);
	if ((a = node_attr(n, "maxage")))
		(void)vf__secs(a);
	if ((a = node_attr(n, "maxstale")))
		(void)vf__secs(a);
	if ((a = node_attr(n, "fetchaudio")) && !*a->value.s)
		diag_error(a->value.loc, "<%s fetchaudio=''>: the URI of an audio file", n->tag);
}

static bool vf__ageprop(const char *p)
{
	/* script* and grammar* are the runtime's (runtime/docscript.c): a fetched document's sources */
	static const char *const props[] = {"documentmaxage", "documentmaxstale", "datamaxage", "datamaxstale",
		"scriptmaxage", "scriptmaxstale", "grammarmaxage", "grammarmaxstale", "audiomaxage", "audiomaxstale"};
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (!strcmp(p, props[i]))
			return true;
	return false;
}

bool vxml_fetch_prop(Attr *name, Attr *value)
{
	const char *p = name->value.s;
	if (!strcmp(p, "fetchtimeout") || !strcmp(p, "fetchaudiodelay") || !strcmp(p, "fetchaudiominimum"))
		(void)vxml_time(value);
	else if (vf__ageprop(p))
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

char *vxml_fetch_init(Node *n, bool data, bool app)
{
	Attr *ma = vf__get(n, "maxage", data ? "datamaxage" : "documentmaxage");
	Attr *ms = vf__get(n, "maxstale", data ? "datamaxstale" : "documentmaxstale");
	Attr *au = vf__get(n, "fetchaudio", "fetchaudio");
	const char *audio = au && *au->value.s ? c_quote(au->value.s, au->value.len) : "NULL";
	return xprintf("{.timeout_ms = %ld, .maxage_ms = %lld, .maxstale_ms = %lld, .audio = %s, "
		       ".audiodelay_ms = %ld, .audiomin_ms = %ld%s}",
		       vf__ms(vf__get(n, "fetchtimeout", "fetchtimeout"), 0), vf__agems(ma), vf__agems(ms), audio,
		       vf__ms(vxml_prop(n, "fetchaudiodelay"), VF_AUDIODELAY_MS),
		       vf__ms(vxml_prop(n, "fetchaudiominimum"), VF_AUDIOMIN_MS), app ? ", .app = 1" : "");
}

/* An <audio>'s: fetchtimeout, maxage / audiomaxage, maxstale / audiomaxstale (runtime/vxml.c,
 * an audio file on a web server through prompt.c's cache). */
char *vxml_fetch_audio_init(Node *n, bool app)
{
	return xprintf("{.timeout_ms = %ld, .maxage_ms = %lld, .maxstale_ms = %lld%s}",
		       vf__ms(vf__get(n, "fetchtimeout", "fetchtimeout"), 0),
		       vf__agems(vf__get(n, "maxage", "audiomaxage")), vf__agems(vf__get(n, "maxstale", "audiomaxstale")),
		       app ? ", .app = 1" : "");
}

/* Section - <grammar src> of a document fetched at run time (docs/voicexml.md "SRGS grammars") */

const char **xml_grammar_files;
int xml_ngrammar_files;

/* A <grammar src> the running program fetches: runtime/docscript.c lists the same ones in the
 * same (document) order, each one's file given as the next --grammar-file. Any namespace (the
 * grammar compiler takes a <grammar> by its name), a src neither empty nor a bare fragment, mode
 * absent or dtmf (a voice grammar is not read). */
static bool vf__fetched(Node *n)
{
	Attr *src = node_attr(n, "src"), *mode = node_attr(n, "mode");
	return !strcmp(n->tag, "grammar") && src && src->value.s[0] && src->value.s[0] != '#' &&
	       (!mode || !strcmp(mode->value.s, "dtmf"));
}

/* Counts the fetched grammars before gr in document order into *k; true once gr is met. */
static bool vf__index(Node *n, Node *gr, int *k)
{
	for (; n; n = n->next) {
		if (n == gr)
			return true;
		if (vf__fetched(n))
			(*k)++;
		if (vf__index(n->kids, gr, k))
			return true;
	}
	return false;
}

const char *vxml_fetch_grammar(Node *gr, Attr *src)
{
	Node *root = gr;
	int k = 0;
	while (root->parent)
		root = root->parent;
	/* the application root's own grammars come after it (--app-file) */
	bool app = xml_app_doc && root == xml_app_doc->root;
	/* a src the runtime did not fetch (one its parser did not see) is never a file here: the
	 * document, in the cache directory, would name the machine's files (`../../etc/x`) and
	 * see their text in the compiler's diagnostics */
	if (!vf__fetched(gr) || !vf__index(root, gr, &k) ||
	    k >= (app ? xml_napp_grammar_files : xml_ngrammar_files)) {
		diag_error(src->value.loc, "<grammar src='%s'> was not fetched with the document "
			   "(a document fetched at run time reads no grammar file of this machine)", src->value.s);
		return NULL;
	}
	return app ? xml_app_grammar_files[k] : xml_grammar_files[k];
}

/* Section - the application root of a document fetched at run time (docs/fetch.md) */

const char *xml_app_file, *xml_app_url;
const char **xml_app_script_files, **xml_app_grammar_files;
int xml_napp_script_files, xml_napp_grammar_files;
Doc *xml_app_doc;

void vxml_fetch_app(const Options *opt)
{
	if (!xml_app_file)
		return;
	/* its <script src> read from its own --script-file list, in its document order */
	const char **sf = xml_script_files;
	int nsf = xml_nscript_files;
	xml_script_files = xml_app_script_files;
	xml_nscript_files = xml_napp_script_files;
	Doc *root = xml_load(xml_app_file);
	xml_script_files = sf;
	xml_nscript_files = nsf;
	if (!root)
		return;
	if (strcmp(root->root->tag, "vxml")) {
		diag_error(root->root->loc, "the application root %s is not a VoiceXML "
			   "document (<vxml>)", xml_app_url ? xml_app_url : xml_app_file);
		return;
	}
	xml_app_doc = root;
	vxml_check(root, opt);
}
