/*
 * constchk.c — attributes whose expression is a string literal, checked as the runtime will
 * read them: CSS2 times (timeout, delay, maxtime: runtime/event.c cx_rt_time) and the
 * destination of <createcall>/<redirect> (runtime/sip.c: sip:, sips:, tel:NUMBER, a number,
 * user@host). A mistake here would otherwise be an error.* event during a call.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "compiler.h"

/* NULL if s is a CSS2 time as cx_rt_time reads it ("45s", "1.5s", "500ms"), else why not. */
static const char *constchk__time_error(const char *s)
{
	int ndig = 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+')
		s++;
	for (; isdigit((unsigned char)*s); s++)
		ndig++;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			ndig++;
	if (!ndig)
		return "it does not start with a number";
	if (!strncasecmp(s, "ms", 2))
		s += 2;
	else if (*s == 's' || *s == 'S')
		s++;
	else
		return "the unit must be 's' or 'ms'";
	while (isspace((unsigned char)*s))
		s++;
	return *s ? "there is text after the unit" : NULL;
}

/* NULL if dest is a destination the SIP side can call, else why not. */
static const char *constchk__dest_error(const char *d)
{
	while (isspace((unsigned char)*d))
		d++;
	if (!*d)
		return "it is empty";
	if (!strncasecmp(d, "tel:", 4) || strspn(d, "+0123456789-.() ") == strlen(d)) {
		const char *n = !strncasecmp(d, "tel:", 4) ? d + 4 : d;
		int w = 0;
		for (size_t i = 0; n[i] && n[i] != ';'; i++) {
			if (isdigit((unsigned char)n[i]) || (n[i] == '+' && !w) || n[i] == '*' || n[i] == '#')
				w++;
			else if (!strchr("-.() ", n[i]))
				return xprintf("'%c' is not a digit of a telephone number", n[i]);
		}
		return w ? NULL : "it has no number";
	}
	if (!strncasecmp(d, "sip:", 4) || !strncasecmp(d, "sips:", 5))
		return strchr(d, '@') || strlen(d) > 5 ? NULL : "it names no host";
	if (!strchr(d, '@') || d[0] == ':')
		return "use sip:user@host, sips:…, tel:NUMBER or a number";
	return NULL;
}

static void constchk__node(Node *n)
{
	for (; n; n = n->next) {
		if (n->elem < 0 || n->elem == CX_E_metadata)
			continue;
		for (int i = 0; i < n->nattrs; i++) {
			Attr *a = &n->attrs[i];
			const char *v = a->id >= 0 ? attr_string(a) : NULL;
			if (!v)
				continue;
			const char *why = NULL, *what = NULL;
			if (!strcmp(a->name, "timeout") || !strcmp(a->name, "delay") || !strcmp(a->name, "maxtime")) {
				why = constchk__time_error(v);
				what = "a CSS2 time like '30s' or '500ms'";
			} else if (!strcmp(a->name, "dest") &&
			           (n->elem == CX_E_createcall || n->elem == CX_E_redirect)) {
				why = constchk__dest_error(v);
				what = "a destination";
			}
			if (why)
				diag_error(srctext_loc(&a->value, ts_node_start_byte(a->expr) + 1),
				           "'%s' is not %s for '%s' of <%s>: %s", v, what, a->name, n->tag, why);
		}
		constchk__node(n->kids);
	}
}

void constchk_doc(Doc *doc)
{
	if (doc && doc->root)
		constchk__node(doc->root->kids);
}
