/*
 * vxml_prop.c — VoiceXML <property> (VoiceXML 2.0 §6.3): which properties this version
 * applies and their values (checked here), and the value a property has for an element: set
 * on the element or the nearest form item, <form>/<menu> or <vxml> around it, else the
 * default (properties are static in VoiceXML 2.1, so this is resolved at compile time).
 */
#include <string.h>

#include "compiler.h"

/* Is n an element that may hold <property>s (the document, a dialog or a form item)? */
static bool vp__holder(const Node *n)
{
	return !strcmp(n->tag, "vxml") || !strcmp(n->tag, "form") || !strcmp(n->tag, "menu") || vxml_is_item(n);
}

void vxml_prop_check(Node *n)
{
	Attr *name = node_attr(n, "name"), *value = node_attr(n, "value");
	if (!n->parent || !vp__holder(n->parent)) {
		diag_error(n->loc, "<property> stands in <vxml>, <form>, <menu> or a form item");
		return;
	}
	if (!name || !value)
		return;
	const char *p = name->value.s, *v = value->value.s;
	if (!strcmp(p, "timeout") || !strcmp(p, "interdigittimeout") || !strcmp(p, "termtimeout")) {
		vxml_time(value);
	} else if (!strcmp(p, "termchar")) {
		if (strlen(v) > 1 || (*v && !strchr("0123456789*#ABCD", *v)))
			diag_error(value->value.loc, "<property name='termchar' value='%s'>: one key of 0-9 * # A-D, "
				   "or '' for none", v);
	} else if (!strcmp(p, "bargein")) {
		if (strcmp(v, "true") && strcmp(v, "false"))
			diag_error(value->value.loc, "<property name='bargein' value='%s'>: true or false", v);
	} else if (!strcmp(p, "inputmodes")) {
		for (const char *s = v; *s;) {
			s += strspn(s, " \t\r\n");
			size_t len = strcspn(s, " \t\r\n");
			if (len && !(len == 4 && !strncmp(s, "dtmf", 4)) && !(len == 5 && !strncmp(s, "voice", 5)))
				diag_error(srctext_loc(&value->value, (size_t)(s - v)), "<property name='inputmodes'>: "
					   "'%.*s' is neither dtmf nor voice", (int)len, s);
			s += len;
		}
	} else if (!vxml_fetch_prop(name, value)) {
		diag_warn(W_UNSUPPORTED, name->value.loc, "<property name='%s'> has no effect in this version (timeout, "
			     "interdigittimeout, termtimeout, termchar, bargein, inputmodes and the fetch properties "
			     "do; docs/voicexml.md)", p);
	}
}

/* The <vxml> of the application root of the document being compiled (vxml_emit.c sets it). */
static Node *vp__app;

void vxml_prop_app(Node *approot)
{
	vp__app = approot;
}

Attr *vxml_prop(Node *n, const char *name)
{
	/* up to the document's <vxml>, then its application root's (lower precedence) */
	for (; n; n = n->parent ? n->parent : n != vp__app ? vp__app : NULL) {
		if (!vp__holder(n))
			continue;
		Attr *found = NULL;
		for (Node *k = n->kids; k; k = k->next) {
			Attr *a = !strcmp(k->tag, "property") ? node_attr(k, "name") : NULL;
			if (a && !strcmp(a->value.s, name) && node_attr(k, "value"))
				found = node_attr(k, "value"); /* the last one of an element wins */
		}
		if (found)
			return found;
	}
	return NULL;
}

long vxml_prop_ms(Node *n, const char *name)
{
	Attr *a = vxml_prop(n, name);
	long v = a ? vxml_time(a) : 0;
	return v < 0 ? 0 : v;
}

bool vxml_prop_bargein(Node *prompt)
{
	Attr *b = node_attr(prompt, "bargein");
	if (!b || strcmp(prompt->tag, "prompt"))
		b = vxml_prop(prompt, "bargein");
	return !b || strcmp(b->value.s, "false");
}

bool vxml_prop_dtmf(Node *n)
{
	Attr *a = vxml_prop(n, "inputmodes");
	return !a || strstr(a->value.s, "dtmf");
}
