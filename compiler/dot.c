/*
 * dot.c — `ccxmlc --dot`: a document's state machine as a Graphviz digraph. The states are the
 * string constants the document assigns to its state variable (the <var>'s initial value is the
 * start, drawn bold); each <transition> is an edge from every state it lists (none listed: from
 * every state) to each constant its body assigns to the state variable (none: back to itself),
 * labelled with its event and cond. A transition that ends with <exit> also goes to "exit".
 * Assignments the compiler cannot read (a computed state) are drawn to "?". docs/cli.md.
 */
#include <string.h>

#include "compiler.h"

typedef struct Dot {
	const char *var;
	const char *states[256];
	int n;
	const char *start;
	bool opaque;
} Dot;

static bool dot__is_var(const char *name, const char *var)
{
	if (!strncmp(name, "ccxml.", 6))
		name += 6;
	return !strcmp(name, var);
}

static void dot__add(Dot *d, const char *s)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->states[i], s))
			return;
	if (d->n < 256)
		d->states[d->n++] = s;
}

/* The value the element n assigns to the state variable: a constant, "?" or NULL (none). */
static const char *dot__assigned(Dot *d, Node *n)
{
	Attr *name = node_attr(n, "name"), *expr = node_attr(n, "expr");
	if ((n->elem != CX_E_assign && n->elem != CX_E_var) || !name || !dot__is_var(name->value.s, d->var))
		return NULL;
	const char *v = attr_string(expr);
	return v ? v : expr ? "?" : NULL;
}

static void dot__collect(Dot *d, Node *n)
{
	for (; n; n = n->next) {
		const char *v = n->elem >= 0 ? dot__assigned(d, n) : NULL;
		if (v) {
			dot__add(d, v);
			if (n->elem == CX_E_var && !d->start)
				d->start = v;
		}
		if (n->elem >= 0 && n->elem != CX_E_metadata)
			dot__collect(d, n->kids);
	}
}

/* The targets of a transition body: constants assigned anywhere in it, and "exit". */
static void dot__targets(Dot *d, Node *n, const char **out, int *nout, bool *exits)
{
	for (; n; n = n->next) {
		const char *v = n->elem >= 0 ? dot__assigned(d, n) : NULL;
		if (v && *nout < 64)
			out[(*nout)++] = v;
		if (n->elem == CX_E_exit)
			*exits = true;
		if (n->elem >= 0)
			dot__targets(d, n->kids, out, nout, exits);
	}
}

/* A Graphviz string: " and \ escaped. */
static void dot__str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
	fputc('"', out);
}

static void dot__edge(FILE *out, const char *from, const char *to, const char *label)
{
	fputs("  ", out);
	dot__str(out, from);
	fputs(" -> ", out);
	dot__str(out, to);
	fputs(" [label=", out);
	dot__str(out, label);
	fputs("];\n", out);
}

void dot_doc(FILE *out, Doc *doc)
{
	Node *ep = NULL;
	for (Node *k = doc->root->kids; k; k = k->next)
		if (k->elem == CX_E_eventprocessor)
			ep = k;
	Attr *sv = ep ? node_attr(ep, "statevariable") : NULL;
	Dot d = { .var = sv ? sv->value.s : "state$" };
	dot__collect(&d, doc->root->kids);
	if (!d.start)
		d.start = d.n ? d.states[0] : "(start)";
	dot__add(&d, d.start);
	fprintf(out, "// ccxmlc --dot %s\ndigraph ccxml {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
		     "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n", doc->src.path);
	for (int i = 0; i < d.n; i++) {
		fputs("  ", out);
		dot__str(out, d.states[i]);
		fputs(!strcmp(d.states[i], d.start) ? " [penwidth=2];\n" : ";\n", out);
	}
	bool exit_drawn = false;
	for (Node *t = ep ? ep->kids : NULL; t; t = t->next) {
		if (t->elem != CX_E_transition)
			continue;
		Attr *ev = node_attr(t, "event"), *cond = node_attr(t, "cond"), *st = node_attr(t, "state");
		char *label = xprintf("%s%s%s%s", ev ? ev->value.s : "*", cond ? " [" : "",
				      cond ? cond->value.s : "", cond ? "]" : "");
		label = xprintf("%s (line %d)", label, t->loc.line);
		const char *to[64];
		int nto = 0;
		bool exits = false;
		dot__targets(&d, t->kids, to, &nto, &exits);
		const char *from[256];
		int nfrom = 0;
		if (st) {
			char *s = xstrdup(st->value.s);
			for (char *w = strtok(s, " \t\r\n"); w && nfrom < 256; w = strtok(NULL, " \t\r\n"))
				from[nfrom++] = w;
		} else {
			for (int i = 0; i < d.n; i++)
				from[nfrom++] = d.states[i];
		}
		if (exits && !exit_drawn) {
			fputs("  \"exit\" [shape=doublecircle];\n", out);
			exit_drawn = true;
		}
		if (exits)
			to[nto < 64 ? nto++ : 63] = "exit";
		for (int i = 0; i < nfrom; i++) {
			if (!nto)
				dot__edge(out, from[i], from[i], label);
			for (int j = 0; j < nto; j++)
				dot__edge(out, from[i], to[j], label);
		}
	}
	fputs("}\n", out);
}
