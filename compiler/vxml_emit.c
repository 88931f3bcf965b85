/*
 * vxml_emit.c — a checked VoiceXML document -> C: one function per block, per field's
 * prompts, <filled> and catch, per guard cond and per form initialiser, the item and form
 * tables and a `const cx_vx_doc` that registers itself before main (cx_vx_register). The
 * Form Interpretation Algorithm itself is runtime/vxml.c's. Expressions are compiled by js.c
 * as for CCXML; every variable of the document (document, form, form-item variables and those
 * of the anonymous scopes of blocks, <filled>s and catches) is a slot of the dialog's context,
 * resolved here (docs/voicexml.md, "Scopes are compiled").
 */
#include <stdlib.h>
#include <string.h>

#include "js.h"

typedef struct VEm {
	Doc *doc;
	Gen *g;
	Scope *sc;          /* where names are declared now: the document's or a form's */
	const char *scname; /* NULL: the document; else the form's label (slot names) */
	char **slots;       /* per slot: its name as shown ("x", "form.x") */
	Scope **slot_sc;
	char **slot_var;
	int nslots, cap;
	int nfn;
	int lineoff;        /* CX_VX_APP_LINE while the application root's code is compiled */
	bool tapered;       /* the <prompt>s of a field or menu: their conds were taken already */
	/* an application root's document scope and its application scope: the same names in
	 * the same slots (VoiceXML 2.0 §5.1.2: document.x is application.x there) */
	Scope *rootdoc, *rootapp;
} VEm;

static bool ve__is(Node *n, const char *tag)
{
	return n && !strcmp(n->tag, tag);
}

static void *ve__grow(void *old, int n, int cap, size_t size)
{
	void *v = xcalloc((size_t)cap, size);
	if (n)
		memcpy(v, old, (size_t)n * size);
	return v;
}

/* An input item: one that collects a value (<field>, <object>, <subdialog>, and vxml_io.c's
 * <record>, <transfer>). */
static bool ve__input(Node *n)
{
	return vxml_is_input(n);
}

/* The slot of name in the current scope (document or form), declared if new. */
static int ve__slot(VEm *E, const char *name)
{
	for (int i = 0; i < E->nslots; i++)
		if ((E->slot_sc[i] == E->sc || (E->sc == E->rootdoc && E->slot_sc[i] == E->rootapp)) &&
		    !strcmp(E->slot_var[i], name))
			return CX_SLOT_FIRST_VAR + i;
	if (E->nslots == E->cap) {
		E->cap = E->cap ? 2 * E->cap : 16;
		E->slots = ve__grow(E->slots, E->nslots, E->cap, sizeof(char *));
		E->slot_var = ve__grow(E->slot_var, E->nslots, E->cap, sizeof(char *));
		E->slot_sc = ve__grow(E->slot_sc, E->nslots, E->cap, sizeof(Scope *));
	}
	E->slot_var[E->nslots] = xstrdup(name);
	E->slots[E->nslots] = E->scname ? xprintf("%s.%s", E->scname, name) : xstrdup(name);
	E->slot_sc[E->nslots] = E->sc;
	scope_add(E->sc, name, CX_SLOT_FIRST_VAR + E->nslots);
	return CX_SLOT_FIRST_VAR + E->nslots++;
}

static int ve__hidden_slot(void *arg, const char *name)
{
	return ve__slot(arg, name);
}

static void ve__slot_cb(void *arg, const char *name)
{
	ve__slot(arg, name);
}

/* Does n run in an anonymous scope of its own (VoiceXML 2.0 §5.1.2: <block>, <filled>, catches)? */
static bool ve__anon(Node *n)
{
	return ve__is(n, "block") || ve__is(n, "filled") || vxml_is_catch(n);
}

/* Every name n's subtree declares, in document order, into the current scope (the forms of
 * the document and the anonymous scopes have scopes of their own). */
static void ve__names(VEm *E, Node *n)
{
	for (Node *k = n->kids; k; k = k->next) {
		if (ve__is(k, "form") || ve__anon(k))
			continue;
		Attr *name = node_attr(k, "name");
		bool io = ve__is(k, "record") || ve__is(k, "transfer") || ve__is(k, "field");
		if (ve__is(k, "metadata"))
			continue; /* RDF, not read */
		if ((ve__is(k, "var") || ve__is(k, "data") || vxml_is_item(k)) &&
		    name && !strchr(name->value.s, '.'))
			ve__slot(E, name->value.s);
		else if (ve__is(k, "foreach") && node_attr(k, "item")) /* declared where it stands (2.1 §6) */
			ve__slot(E, node_attr(k, "item")->value.s);
		if (io && name) /* its shadow variables (name$: vxml_io.c, runtime/vxml.c) */
			ve__slot(E, xprintf("%s$", name->value.s));
		else if (ve__is(k, "script") && k->script)
			js_hoisted(ts_tree_root_node(k->script), k->text.s, ve__slot_cb, E);
		ve__names(E, k);
	}
}

/* Section - Executable content */

static void ve__block(void *arg, Fn *F, Node *first, Node *stop);

static char *ve__expr(Fn *F, Attr *a)
{
	fn_source(F, &a->value);
	return js_expr(F, a->expr);
}

/* A string value of literal text. */
static char *ve__text(VEm *E, Fn *F, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80) {
			char *t = fn_temp(F);
			fn_out(F, "cx_value %s = cx_str_utf8(X, %s, %zu);", t, c_quote(s, len), len);
			fn_check(F, t);
			return t;
		}
	return xprintf("cx_strv((cx_str *)&%s)", gen_str(E->g, s, len));
}

/* The text with runs of white space made one space, trimmed (what a prompt says). */
static char *ve__squeeze(const char *s)
{
	char *r = xcalloc(strlen(s) + 1, 1), *w = r;
	for (const char *p = s; *p; p++) {
		if (strchr(" \t\r\n", *p)) {
			if (w > r && w[-1] != ' ')
				*w++ = ' ';
		} else {
			*w++ = *p;
		}
	}
	if (w > r && w[-1] == ' ')
		w--;
	*w = 0;
	return r;
}

static void ve__call(Fn *F, const char *call)
{
	fn_out(F, "{ int r_ = %s; if (r_ != CX_GO) return r_; }", call);
}

/* An <audio> (in a <prompt> whose bargein is given, or on its own: -1). */
static void ve__audio(VEm *E, Fn *F, Node *n, int bargein)
{
	Attr *src = node_attr(n, "src"), *ex = node_attr(n, "expr");
	char *fb = n->has_text ? ve__squeeze(n->text.s) : NULL;
	int k = ++E->nfn; /* names its fetch bounds */
	fn_out(F, "static const cx_vx_fetch af%d = %s;", k, vxml_fetch_audio_init(n, E->lineoff != 0));
	char *e = ex ? ve__expr(F, ex) : "CX_UNDEFINED";
	char *v = fb && *fb ? ve__text(E, F, fb, strlen(fb)) : "CX_UNDEFINED";
	ve__call(F, xprintf("cx_vx_audio_prompt(X, %s, %s, %s, %d, &af%d)",
			    src ? c_quote(src->value.s, src->value.len) : "NULL", e, v,
			    bargein < 0 ? vxml_prop_bargein(n) : bargein, k));
}

/* Does an <enumerate> hold a template (an element, or text that is not only white space)? */
static bool ve__template(Node *n)
{
	for (int i = 0; i < n->npieces; i++)
		if (n->pieces[i].elem || n->pieces[i].text[strspn(n->pieces[i].text, " \t\r\n")])
			return true;
	return false;
}

/* <foreach array item> (VoiceXML 2.1 §6): the array's length when the loop starts
 * (cx_vx_foreach: one that is not an Array is error.semantic), then per element, in order,
 * item set to it and body(arg, F, n) for the content. item is a slot of the scope the
 * <foreach> stands in (ve__names). */
static void ve__foreach(VEm *E, Fn *F, Node *n, void (*body)(void *arg, Fn *F, Node *n), void *arg)
{
	Attr *arr = node_attr(n, "array"), *item = node_attr(n, "item");
	if (!arr || !arr->tree || !item)
		return;
	int k = ++E->nfn; /* names the loop's C variables */
	char *a = ve__expr(F, arr);
	fn_out(F, "cx_value arr%d = %s;", k, a);
	fn_out(F, "cx_value len%d = cx_vx_foreach(X, arr%d);", k, k);
	fn_check(F, xprintf("len%d", k));
	fn_out(F, "for (uint32_t i%d = 0; i%d < (uint32_t)len%d.u.n; i%d++) {", k, k, k, k);
	fn_indent(F, 1);
	fn_out(F, "cx_value el%d = cx_vx_foreach_item(X, arr%d, i%d);", k, k, k);
	fn_check(F, xprintf("el%d", k));
	js_store_name(F, item->value.s, xprintf("el%d", k));
	body(arg, F, n);
	fn_indent(F, -1);
	fn_out(F, "}");
}

static void ve__pieces(VEm *E, Fn *F, Node *n, int b);

/* One pass of a <foreach> in a prompt: its content as prompt content. */
typedef struct VPass {
	VEm *E;
	int b;
} VPass;

static void ve__prompt_pass(void *arg, Fn *F, Node *n)
{
	VPass *p = arg;
	ve__pieces(p->E, F, n, p->b);
}

/* The content of a <prompt> (or of an <enumerate>'s template, a <foreach>'s in a prompt) with
 * bargein b: its text (TTS), <audio>s, <value>s, <break>s, <mark>s, <enumerate> and <foreach>
 * in document order. */
static void ve__pieces(VEm *E, Fn *F, Node *n, int b)
{
	for (int i = 0; i < n->npieces; i++) {
		Node *k = n->pieces[i].elem;
		if (!k) {
			char *t = ve__squeeze(n->pieces[i].text);
			if (*t)
				ve__call(F, xprintf("cx_vx_prompt(X, NULL, %s, %d)", ve__text(E, F, t, strlen(t)), b));
			continue;
		}
		fn_line(F, k->loc.line);
		if (ve__is(k, "audio")) {
			ve__audio(E, F, k, b);
		} else if (ve__is(k, "value")) { /* its value as text to speak */
			Attr *ex = node_attr(k, "expr");
			if (ex && ex->tree) {
				fn_fail_semantic(F, "value", k->loc.line + E->lineoff);
				ve__call(F, xprintf("cx_vx_prompt(X, NULL, %s, %d)", ve__expr(F, ex), b));
			}
		} else if (ve__is(k, "break")) { /* silence in the prompt sequence (media.c's ?break=MS) */
			long ms = vxml_break_ms(k, false);
			if (ms > 0)
				ve__call(F, xprintf("cx_vx_prompt(X, \"?break=%ld\", CX_UNDEFINED, %d)", ms, b));
		} else if (ve__is(k, "mark")) { /* VoiceXML 2.1 §4: where the prompts are at an input */
			Attr *nm = node_attr(k, "name"), *nx = node_attr(k, "nameexpr");
			if (nx && !nx->tree)
				continue;
			fn_fail_semantic(F, "mark", k->loc.line + E->lineoff);
			ve__call(F, xprintf("cx_vx_mark(X, %s)", nm ? ve__text(E, F, nm->value.s, nm->value.len) :
					    ve__expr(F, nx)));
		} else if (ve__is(k, "foreach")) { /* its content once per element (ve__foreach) */
			VPass p = {E, b};
			fn_fail_semantic(F, "foreach", k->loc.line + E->lineoff);
			ve__foreach(E, F, k, ve__prompt_pass, &p);
		} else if (ve__is(k, "enumerate") && vxml_enum_owner(k)) { /* every choice of the menu */
			Node *m = vxml_enum_owner(k); /* or option (with dtmf) of the field */
			for (Node *c = m->kids; c; c = c->next) {
				Attr *od = ve__is(c, "option") ? node_attr(c, "dtmf") : NULL;
				const char *key = ve__is(c, "choice") ? vxml_choice_dtmf(m, c) : od ? od->value.s : NULL;
				if (!key)
					continue;
				char *said = c->has_text ? ve__squeeze(c->text.s) : xstrdup("");
				if (ve__template(k)) { /* its content once per choice, with _prompt and _dtmf (§2.2.4) */
					fn_line(F, c->loc.line);
					js_store_name(F, "_prompt", ve__text(E, F, said, strlen(said)));
					js_store_name(F, "_dtmf", ve__text(E, F, key, strlen(key)));
					ve__pieces(E, F, k, b);
					continue;
				}
				char *line = *said ? xprintf("For %s, press %s.", said, key) : xprintf("Press %s.", key);
				ve__call(F, xprintf("cx_vx_prompt(X, NULL, %s, %d)", ve__text(E, F, line, strlen(line)), b));
			}
			if (ve__template(k)) { /* defined inside the template only */
				fn_line(F, k->loc.line);
				js_store_name(F, "_prompt", "CX_UNDEFINED");
				js_store_name(F, "_dtmf", "CX_UNDEFINED");
			}
		}
	}
}

/* <prompt>: its content (ve__pieces) with its bargein. */
static void ve__prompt(VEm *E, Fn *F, Node *n)
{
	ve__pieces(E, F, n, vxml_prop_bargein(n));
}

/* The names of a namelist and their values: `static const char *const nK[]` and
 * `cx_value vK[]` in F (inside a block the caller opened); K, or 0 when it is empty. */
static int ve__namelist(VEm *E, Fn *F, Attr *nl)
{
	if (!nl || nl->nnames <= 0)
		return 0;
	int k = ++E->nfn;
	char *names = xstrdup(""), *vals = xstrdup("");
	for (int j = 0; j < nl->nnames; j++) {
		char *val = js_read_name(F, nl->names[j]);
		names = xprintf("%s%s, ", names, c_quote(nl->names[j], strlen(nl->names[j])));
		vals = xprintf("%s%s%s", vals, j ? ", " : "", val);
	}
	fn_out(F, "static const char *const n%d[] = {%sNULL};", k, names);
	fn_out(F, "cx_value v%d[%d] = {%s};", k, nl->nnames, vals);
	return k;
}

/* <exit> and <return>: call(X, n, names, values, rest). */
static void ve__exit(VEm *E, Fn *F, Node *n, const char *call, const char *rest)
{
	Attr *nl = node_attr(n, "namelist");
	fn_out(F, "{");
	fn_indent(F, 1);
	int k = ve__namelist(E, F, nl);
	if (k)
		fn_out(F, "return %s(X, %d, n%d, v%d, %s);", call, nl->nnames, k, k, rest);
	else
		fn_out(F, "return %s(X, 0, NULL, NULL, %s);", call, rest);
	fn_indent(F, -1);
	fn_out(F, "}");
}

/* A function-local `static const cx_vx_fetch fK` of n's fetch attributes and the properties in
 * force (vxml_fetch.c); its address. app: its relative URI is the application root's (its code
 * compiled into a leaf), not the leaf's. */
static char *ve__fetch(VEm *E, Fn *F, Node *n, bool data, bool app)
{
	int k = ++E->nfn;
	fn_out(F, "static const cx_vx_fetch f%d = %s;", k, vxml_fetch_init(n, data, app));
	return xprintf("&f%d", k);
}

/* The form around n. */
static Node *ve__formof(Node *n)
{
	while (n && strcmp(n->tag, "form"))
		n = n->parent;
	return n;
}

/* The names of nl (or, when NULL and dflt, the named input items of form: VoiceXML 2.0
 * §5.3.8) as C initializers: *ns the quoted names, *rs a flag per name (1: a <record> item of
 * form, sent as a file part of a multipart/form-data body). Their number. */
static int ve__sendnames(Node *form, Attr *nl, bool dflt, const char ***namesp, char **ns, char **rs)
{
	const char **names = xcalloc(64 + (nl && nl->nnames > 0 ? (size_t)nl->nnames : 0), sizeof(char *));
	int nn = 0;
	if (nl) {
		for (int j = 0; j < nl->nnames; j++)
			names[nn++] = nl->names[j];
	} else if (dflt) {
		for (Node *k = form ? form->kids : NULL; k && nn < 64; k = k->next) {
			Attr *name = node_attr(k, "name");
			if (name && vxml_is_input(k))
				names[nn++] = name->value.s;
		}
	}
	*ns = xstrdup("");
	*rs = xstrdup("");
	for (int j = 0; j < nn; j++) {
		bool rec = false;
		for (Node *it = form ? form->kids : NULL; it; it = it->next) {
			Attr *name = node_attr(it, "name");
			rec |= ve__is(it, "record") && name && !strcmp(name->value.s, names[j]);
		}
		*ns = xprintf("%s%s, ", *ns, c_quote(names[j], strlen(names[j])));
		*rs = xprintf("%s%d, ", *rs, rec);
	}
	*namesp = names;
	return nn;
}

/* method="post", enctype="multipart/form-data" of n: "POST, MULTIPART" as C. */
static char *ve__method(Node *n)
{
	Attr *m = node_attr(n, "method"), *et = node_attr(n, "enctype");
	return xprintf("%d, %d", m && !strcmp(m->value.s, "post"), et && !strcmp(et->value.s, "multipart/form-data"));
}

/* <submit> and <data> (runtime/vxml.c, "Other documents"): names, values and record flags of
 * what they send, then call(X, uri, n, names, values, rec, post, multipart, &fetch, rest). */
static void ve__send(VEm *E, Fn *F, Node *n, char *uri, bool dflt, const char *call, const char *rest)
{
	const char **names, *ns, *rs;
	int nn = ve__sendnames(ve__formof(n), node_attr(n, "namelist"), dflt, &names, (char **)&ns, (char **)&rs);
	int k = ++E->nfn;
	fn_out(F, "{");
	fn_indent(F, 1);
	char *f = ve__fetch(E, F, n, ve__is(n, "data"), E->lineoff != 0);
	fn_out(F, "static const char *const n%d[] = {%sNULL};", k, ns);
	fn_out(F, "static const unsigned char r%d[] = {%s0};", k, rs);
	fn_out(F, "cx_value v%d[%d];", k, nn + 1);
	for (int j = 0; j < nn; j++)
		fn_out(F, "v%d[%d] = %s;", k, j, js_read_name(F, names[j]));
	fn_out(F, "return %s(X, %s, %d, n%d, v%d, r%d, %s, %s%s);", call, uri, nn, k, k, k, ve__method(n), f, rest);
	fn_indent(F, -1);
	fn_out(F, "}");
}

/* <submit>: its namelist, by default the named input items of its form (VoiceXML 2.0 §5.3.8). */
static void ve__submit(VEm *E, Fn *F, Node *n)
{
	Attr *next = node_attr(n, "next"), *ex = node_attr(n, "expr");
	char *uri = next ? ve__text(E, F, next->value.s, next->value.len) : ve__expr(F, ex);
	ve__send(E, F, n, uri, true, "cx_vx_submit", "");
}

/* A <subdialog>'s namelist as a function returning the object of its variables ("NULL":
 * none), *ns and *rs its names and record flags (C initializers), *nn their number. */
static char *ve__subnames(VEm *E, Node *n, char **ns, char **rs, int *nn)
{
	Attr *nl = node_attr(n, "namelist");
	const char **names;
	*nn = ve__sendnames(ve__formof(n), nl, false, &names, ns, rs);
	if (!*nn)
		return "NULL";
	char *name = xprintf("subnl_%d", ++E->nfn);
	Fn *F = fn_new(E->g, E->sc, FN_COND, name, n->loc.line);
	int k = ve__namelist(E, F, nl);
	fn_out(F, "return cx_vx_args(X, %d, n%d, v%d);", *nn, k, k);
	fn_end(F);
	return name;
}

/* A function returning the object of a <subdialog>'s <param>s and namelist ("NULL": none). */
static char *ve__args(VEm *E, Node *n)
{
	Attr *nl = node_attr(n, "namelist");
	int np = nl && nl->nnames > 0 ? nl->nnames : 0;
	for (Node *k = n->kids; k; k = k->next)
		np += ve__is(k, "param");
	if (!np)
		return "NULL";
	char *name = xprintf("args_%d", ++E->nfn);
	Fn *F = fn_new(E->g, E->sc, FN_COND, name, n->loc.line);
	char *names = xstrdup(""), *vals = xstrdup("");
	int nv = 0;
	for (int j = 0; nl && j < nl->nnames; j++) { /* namelist variables pass as params (docs/voicexml.md) */
		fn_line(F, nl->loc.line);
		char *t = fn_temp(F);
		fn_out(F, "cx_value %s = %s;", t, js_read_name(F, nl->names[j]));
		names = xprintf("%s%s, ", names, c_quote(nl->names[j], strlen(nl->names[j])));
		vals = xprintf("%s vals[%d] = %s;", vals, nv++, t);
	}
	for (Node *k = n->kids; k; k = k->next) {
		if (!ve__is(k, "param"))
			continue;
		Attr *pn = node_attr(k, "name"), *ex = node_attr(k, "expr"), *lit = node_attr(k, "value");
		if (!pn || (ex && !ex->tree))
			continue;
		fn_line(F, k->loc.line);
		char *t = fn_temp(F);
		fn_out(F, "cx_value %s = %s;", t, ex ? ve__expr(F, ex) : ve__text(E, F, lit->value.s, lit->value.len));
		names = xprintf("%s%s, ", names, c_quote(pn->value.s, pn->value.len));
		vals = xprintf("%s vals[%d] = %s;", vals, nv++, t);
	}
	fn_out(F, "static const char *const names[] = {%sNULL};", names);
	/* assigned one by one: tcc (what documents fetched at run time are compiled with) does
	 * not take struct values as an automatic array's initializers */
	fn_out(F, "cx_value vals[%d];%s", nv + 1, vals);
	fn_out(F, "return cx_vx_args(X, (int)(sizeof(names) / sizeof(names[0])) - 1, names, vals);");
	fn_end(F);
	return name;
}

/* One pass of a <foreach> in executable content: its children. */
static void ve__exec_pass(void *arg, Fn *F, Node *n)
{
	ve__block(arg, F, n->kids, NULL);
}

static void ve__element(VEm *E, Fn *F, Node *n)
{
	int up = fn_curline(F);
	bool lkev = ve__is(n, "link") && (node_attr(n, "event") || node_attr(n, "eventexpr"));
	fn_fail_semantic(F, n->tag, n->loc.line + E->lineoff);
	fn_line(F, n->loc.line);
	if (ve__is(n, "var")) {
		Attr *name = node_attr(n, "name"), *expr = node_attr(n, "expr");
		if (name)
			js_store_name(F, name->value.s, expr && expr->tree ? ve__expr(F, expr) : "CX_UNDEFINED");
	} else if (ve__is(n, "assign")) {
		Attr *name = node_attr(n, "name"), *expr = node_attr(n, "expr");
		if (name && expr && name->tree && expr->tree) {
			char *v = ve__expr(F, expr);
			fn_source(F, &name->value);
			js_assign(F, name->expr, v);
		}
	} else if (ve__is(n, "script")) {
		if (n->script) {
			fn_source(F, &n->text);
			js_program(F, ts_tree_root_node(n->script));
		}
	} else if (ve__is(n, "if")) {
		emit_if(F, n, ve__block, E);
	} else if (ve__is(n, "foreach")) {
		ve__foreach(E, F, n, ve__exec_pass, E);
	} else if (ve__is(n, "log")) {
		Attr *ex = node_attr(n, "expr"), *label = node_attr(n, "label");
		char *v = ex && ex->tree ? ve__expr(F, ex) : NULL;
		if (!v) {
			char *t = n->has_text ? ve__squeeze(n->text.s) : xstrdup("");
			v = ve__text(E, F, t, strlen(t));
		}
		char *l = label ? ve__text(E, F, label->value.s, label->value.len) : "CX_UNDEFINED";
		ve__call(F, xprintf("cx_vx_log(X, %s, %s)", l, v));
	} else if (ve__is(n, "prompt")) {
		Attr *cond = E->tapered ? NULL : node_attr(n, "cond");
		if (cond && cond->tree) { /* §4.1.6: it plays only when its cond is true */
			fn_out(F, "if (cx_truthy(%s)) {", ve__expr(F, cond));
			fn_indent(F, 1);
			ve__prompt(E, F, n);
			fn_indent(F, -1);
			fn_out(F, "}");
		} else {
			ve__prompt(E, F, n);
		}
	} else if (ve__is(n, "audio")) {
		ve__audio(E, F, n, -1);
	} else if (ve__is(n, "exit")) {
		Attr *ex = node_attr(n, "expr");
		ve__exit(E, F, n, "cx_vx_exit", ex && ex->tree ? ve__expr(F, ex) : "CX_UNDEFINED");
	} else if (ve__is(n, "return")) {
		Attr *ev = node_attr(n, "event"), *evx = node_attr(n, "eventexpr");
		Attr *m = node_attr(n, "message"), *mx = node_attr(n, "messageexpr");
		char *ev_v = ev ? ve__text(E, F, ev->value.s, ev->value.len) : evx && evx->tree ? ve__expr(F, evx) : "CX_UNDEFINED";
		char *m_v = m ? ve__text(E, F, m->value.s, m->value.len) : mx && mx->tree ? ve__expr(F, mx) : "CX_UNDEFINED";
		ve__exit(E, F, n, "cx_vx_return", xprintf("%s, %s", ev_v, m_v));
	} else if (ve__is(n, "goto") || (ve__is(n, "link") && !lkev)) { /* a link goes as a <goto> */
		Attr *next = node_attr(n, "next"), *ex = node_attr(n, "expr"), *item = node_attr(n, "nextitem");
		Attr *exitem = node_attr(n, "expritem");
		if (next && next->value.s[0] == '#')
			fn_out(F, "return cx_vx_goto(X, %s);", c_quote(next->value.s + 1, strlen(next->value.s + 1)));
		else if (next || (ex && ex->tree)) { /* another document: compiled in, or fetched (runtime/vxfetch.c) */
			char *uri = next ? ve__text(E, F, next->value.s, next->value.len) : ve__expr(F, ex);
			fn_out(F, "{");
			fn_indent(F, 1);
			char *f = ve__fetch(E, F, n, false, E->lineoff != 0);
			fn_out(F, "return cx_vx_goto_fetch(X, %s, %s);", uri, f);
			fn_indent(F, -1);
			fn_out(F, "}");
		}
		else if (item)
			fn_out(F, "return cx_vx_goto_item(X, %s);", ve__text(E, F, item->value.s, item->value.len));
		else if (exitem && exitem->tree)
			fn_out(F, "return cx_vx_goto_item(X, %s);", ve__expr(F, exitem));
	} else if (ve__is(n, "submit")) {
		ve__submit(E, F, n);
	} else if (ve__is(n, "disconnect")) {
		fn_out(F, "return cx_vx_disconnect(X);");
	} else if (ve__is(n, "reprompt")) {
		ve__call(F, "cx_vx_reprompt(X)");
	} else if (ve__is(n, "clear")) {
		Attr *nl = node_attr(n, "namelist");
		if (!nl || nl->nnames <= 0)
			ve__call(F, "cx_vx_clear(X, NULL)");
		for (int j = 0; nl && j < nl->nnames; j++) {
			js_store_name(F, nl->names[j], "CX_UNDEFINED");
			ve__call(F, xprintf("cx_vx_clear(X, %s)", c_quote(nl->names[j], strlen(nl->names[j]))));
		}
	} else if (ve__is(n, "throw") || lkev) { /* a link throws as <throw> does */
		Attr *ev = node_attr(n, "event"), *evx = node_attr(n, "eventexpr");
		Attr *m = node_attr(n, "message"), *mx = node_attr(n, "messageexpr");
		char *ev_v = ev ? ve__text(E, F, ev->value.s, ev->value.len) : evx->tree ? ve__expr(F, evx) : "CX_UNDEFINED";
		char *m_v = m ? ve__text(E, F, m->value.s, m->value.len) : mx && mx->tree ? ve__expr(F, mx) : "CX_UNDEFINED";
		fn_out(F, "return cx_vx_throw(X, %s, %s);", ev_v, m_v);
	}
	fn_line(F, up);
}

static void ve__block(void *arg, Fn *F, Node *first, Node *stop)
{
	VEm *E = arg;
	for (Node *k = first; k && k != stop; k = k->next)
		ve__element(E, F, k);
}

/* <data> ends the body it stands in: the runtime fetches it, then runs cont (the elements
 * after it, which first store the result in the data's name). */
static void ve__data(VEm *E, Fn *F, Node *n, const char *cont)
{
	Attr *src = node_attr(n, "src"), *sx = node_attr(n, "srcexpr");
	fn_fail_semantic(F, n->tag, n->loc.line);
	fn_line(F, n->loc.line);
	if (!src && (!sx || !sx->tree))
		return;
	char *uri = src ? ve__text(E, F, src->value.s, src->value.len) : ve__expr(F, sx);
	ve__send(E, F, n, uri, false, "cx_vx_data", xprintf(", %s", cont));
}

/* Is k a <data>, or an <if> with one inside (at any depth)? */
static bool ve__hasdata(Node *k)
{
	if (ve__is(k, "data"))
		return true;
	for (Node *c = ve__is(k, "if") ? k->kids : NULL; c; c = c->next)
		if (ve__hasdata(c))
			return true;
	return false;
}

static char *ve__seq(VEm *E, Node *n, Node *first, Node *stop, Node *after, const char *what, int rs0,
		     int rs1, const char *tail, int mode);
static void ve__formvar(VEm *E, Fn *F, Node *n);
static void ve__itemexpr(VEm *E, Fn *F, Node *it);

/* A child of a sequence of ve__seq: executable content (mode 0), or of the children of a
 * <vxml> (1) or <form> (2: a <var> may take a subdialog's <param>; a form item gives its
 * variable its expr) only the <var>s and <script>s (a <data> is handled by ve__seq). */
static void ve__one(VEm *E, Fn *F, Node *k, int mode)
{
	if (!mode)
		ve__element(E, F, k);
	else if (mode == 2 && ve__is(k, "var"))
		ve__formvar(E, F, k);
	else if (mode == 2 && vxml_is_item(k))
		ve__itemexpr(E, F, k);
	else if (ve__is(k, "var") || ve__is(k, "script"))
		ve__element(E, F, k);
}

/* A branch of an <if> that holds a <data> (emit_if's block): a function of its own, called last,
 * which calls the continuation after the <if> at its end. */
typedef struct VBranch {
	VEm *E;
	Node *n;
	const char *what, *tail;
} VBranch;

static void ve__branch(void *arg, Fn *F, Node *first, Node *stop)
{
	VBranch *b = arg;
	fn_out(F, "return %s(X);", ve__seq(b->E, b->n, first, stop, NULL, b->what, 0, 0, b->tail, 0));
}

/* The children of n from first up to stop as a body function that calls tail (NULL: none) at
 * its end. A <data> among them ends it and the rest is a function of its own (ve__data); an
 * <if> holding a <data> ends it too: each branch, then what follows the <if>, are functions of
 * their own, so the content after a <data> runs once its document is there (the runtime calls
 * the continuation). after: the <data> this one continues, or NULL. The first function (after
 * NULL, rs0 < rs1) makes slots [rs0, rs1) undefined: the anonymous scope. */
static char *ve__seq(VEm *E, Node *n, Node *first, Node *stop, Node *after, const char *what, int rs0,
		     int rs1, const char *tail, int mode)
{
	Node *cut = first;
	while (cut && cut != stop && !ve__hasdata(cut))
		cut = cut->next;
	if (cut == stop)
		cut = NULL;
	char *cont = cut ? ve__seq(E, n, cut->next, stop, ve__is(cut, "data") ? cut : NULL, what, 0, 0, tail,
				   mode) : NULL;
	char *name = xprintf("%s_%d", what, ++E->nfn);
	Fn *F = fn_new(E->g, E->sc, FN_BODY, name, first && first != stop ? first->loc.line : n->loc.line);
	for (int i = rs0; !after && i < rs1; i++)
		fn_out(F, "X->slots[%d /* %s */] = CX_UNDEFINED;", CX_SLOT_FIRST_VAR + i, E->slot_var[i]);
	Attr *dn = after ? node_attr(after, "name") : NULL;
	if (dn) {
		fn_line(F, after->loc.line);
		js_store_name(F, dn->value.s, "cx_vx_data_value(X)");
	}
	for (Node *k = first; k && k != stop && k != cut; k = k->next)
		ve__one(E, F, k, mode);
	if (cut && ve__is(cut, "data")) {
		ve__data(E, F, cut, cont);
	} else if (cut) {
		VBranch b = {E, n, what, cont};
		fn_fail_semantic(F, "if", cut->loc.line + E->lineoff);
		fn_line(F, cut->loc.line);
		emit_if(F, cut, ve__branch, &b);
		fn_out(F, "return %s(X);", cont); /* no branch taken */
	} else if (tail) {
		fn_out(F, "return %s(X);", tail);
	}
	fn_end(F);
	return name;
}

/* The <var>s and <script>s of a <vxml> (mode 1) or <form> (2) as the function name; a <data>
 * among them cuts it as ve__seq does (the run waits for the document). */
static char *ve__decls(VEm *E, Node *n, const char *name, int mode)
{
	for (Node *k = n->kids; k; k = k->next)
		if (ve__is(k, "data"))
			return ve__seq(E, n, n->kids, NULL, NULL, name, 0, 0, NULL, mode);
	Fn *F = fn_new(E->g, E->sc, FN_BODY, name, n->loc.line);
	for (Node *k = n->kids; k; k = k->next)
		ve__one(E, F, k, mode);
	fn_end(F);
	return (char *)name;
}

/* The variable of form item it: its name, or " item N" for the Nth item of its form that has
 * none (a name no script can write). */
static const char *ve__itemvar(Node *it)
{
	Attr *name = node_attr(it, "name");
	if (name)
		return name->value.s;
	int idx = 0;
	for (Node *k = it->parent->kids; k && k != it->next; k = k->next)
		idx += vxml_is_item(k);
	return xprintf(" item %d", idx);
}

/* Form item it's expr gives its variable a value where the item stands among the form's <var>s
 * (VoiceXML 2.0 §2.1.6.1.1, Appendix C: initialisation in document order), so a <var> after it
 * sees that value; one that throws is error.semantic naming the item, and the form's later
 * <var>s and items are not initialised (as after a <var> that throws). */
static void ve__itemexpr(VEm *E, Fn *F, Node *it)
{
	Attr *ex = node_attr(it, "expr");
	if (!ex || !ex->tree)
		return;
	fn_fail_semantic(F, it->tag, it->loc.line + E->lineoff);
	fn_line(F, it->loc.line);
	char *v = ve__expr(F, ex);
	const char *var = ve__itemvar(it);
	fn_out(F, "X->slots[%d /* %s */] = %s;", ve__slot(E, var), var, v);
}

/* A body function of the children of n (all of them, or only the prompts); "NULL" if empty. */
static char *ve__body(VEm *E, Node *n, const char *what, bool prompts_only)
{
	bool any = false;
	for (Node *k = n->kids; k; k = k->next)
		any |= !prompts_only || ve__is(k, "prompt") || ve__is(k, "audio");
	if (!any && !prompts_only && !ve__is(n, "block") && !ve__is(n, "form"))
		return "NULL";
	if (!any)
		return "NULL";
	Scope *up = E->sc;
	int first = E->nslots;
	if (!prompts_only && ve__anon(n)) { /* its anonymous scope: slots undefined at each entry */
		E->sc = scope_new(up, SC_DOC);
		ve__names(E, n);
	}
	for (Node *k = n->kids; k && !prompts_only; k = k->next)
		if (ve__hasdata(k)) { /* cut at each <data>: the rest runs once it is there */
			char *seq = ve__seq(E, n, n->kids, NULL, NULL, what, first, E->nslots, NULL, 0);
			E->sc = up;
			return seq;
		}
	char *name = xprintf("%s_%d", what, ++E->nfn);
	Fn *F = fn_new(E->g, E->sc, FN_BODY, name, n->loc.line);
	for (int i = first; i < E->nslots; i++)
		fn_out(F, "X->slots[%d /* %s */] = CX_UNDEFINED;", CX_SLOT_FIRST_VAR + i, E->slot_var[i]);
	if (prompts_only) { /* tapered prompts (§4.1.6): the highest count not above the counter */
		char *counts = xstrdup("");
		int np = 0;
		for (Node *k = n->kids; k; k = k->next)
			if (ve__is(k, "prompt")) {
				Attr *c = node_attr(k, "count");
				counts = xprintf("%s%s%d", counts, np++ ? ", " : "", c ? atoi(c->value.s) : 1);
			}
		bool conds = false;
		for (Node *k = n->kids; k; k = k->next)
			conds |= ve__is(k, "prompt") && node_attr(k, "cond") && node_attr(k, "cond")->tree;
		if (np && conds) { /* a prompt whose cond is false is left out before the count selection */
			fn_out(F, "int counts[] = {%s};", counts);
			int i = 0;
			for (Node *k = n->kids; k; k = k->next) {
				Attr *c = ve__is(k, "prompt") ? node_attr(k, "cond") : NULL;
				if (c && c->tree) {
					fn_fail_semantic(F, "prompt", k->loc.line + E->lineoff);
					fn_line(F, k->loc.line);
					fn_out(F, "if (!cx_truthy(%s)) counts[%d] = 0;", ve__expr(F, c), i);
				}
				i += ve__is(k, "prompt");
			}
			fn_out(F, "int count = cx_vx_taper(X, counts, %d);", np);
		} else if (np) {
			fn_out(F, "static const int counts[] = {%s};", counts);
			fn_out(F, "int count = cx_vx_taper(X, counts, %d);", np);
		}
		E->tapered = conds;
	}
	int pi = 0;
	for (Node *k = n->kids; k; k = k->next) {
		if (prompts_only && ve__is(k, "prompt")) {
			Attr *c = node_attr(k, "count");
			if (E->tapered)
				fn_out(F, "if (count == %d && counts[%d]) {", c ? atoi(c->value.s) : 1, pi);
			else
				fn_out(F, "if (count == %d) {", c ? atoi(c->value.s) : 1);
			pi++;
			fn_indent(F, 1);
			ve__element(E, F, k);
			fn_indent(F, -1);
			fn_out(F, "}");
		} else if (!prompts_only || ve__is(k, "audio")) {
			ve__element(E, F, k);
		}
	}
	fn_end(F);
	E->sc = up;
	E->tapered = false;
	return name;
}

/* A function returning the value of n's attribute `attr` ("NULL" without one). */
static char *ve__exprfn(VEm *E, Node *n, const char *attr)
{
	Attr *c = node_attr(n, attr);
	if (!c || !c->tree)
		return "NULL";
	char *name = xprintf("%s_%d", attr, ++E->nfn);
	Fn *F = fn_new(E->g, E->sc, FN_COND, name, n->loc.line);
	fn_line(F, c->loc.line);
	fn_out(F, "return %s;", ve__expr(F, c));
	fn_end(F);
	return name;
}

static char *ve__cond(VEm *E, Node *n)
{
	return ve__exprfn(E, n, "cond");
}

/* Section - Forms */

/* A form's <var>: the <param> of its name when the form starts a subdialog (§2.3.4), else
 * its expr. */
static void ve__formvar(VEm *E, Fn *F, Node *n)
{
	Attr *name = node_attr(n, "name");
	if (!name)
		return;
	fn_line(F, n->loc.line);
	char *t = fn_temp(F);
	fn_out(F, "cx_value %s;", t);
	fn_out(F, "if (cx_vx_param(X, %s, &%s)) {", c_quote(name->value.s, name->value.len), t);
	fn_indent(F, 1);
	fn_fail_semantic(F, "var", n->loc.line);
	fn_check(F, t);
	js_store_name(F, name->value.s, t);
	fn_indent(F, -1);
	fn_out(F, "} else {");
	fn_indent(F, 1);
	ve__element(E, F, n);
	fn_indent(F, -1);
	fn_out(F, "}");
}

/* The rows of a table as `static const TYPE PREFIX_K[]` in lf: its name, or "NULL" when it
 * has none. */
static char *ve__table(VEm *E, FILE *lf, const char *type, const char *prefix, const char *rows, int count)
{
	if (!count)
		return "NULL";
	char *name = xprintf("%s_%d", prefix, ++E->nfn);
	fprintf(lf, "static const %s %s[] = {\n%s};\n", type, name, rows);
	return name;
}

/* The catches among n's children, in document order: a `static const cx_vx_catch NAME[]` in
 * lf; its name ("NULL": none) and count. */
static char *ve__catches(VEm *E, FILE *lf, Node *n, int *count)
{
	char *rows = xstrdup("");
	*count = 0;
	for (Node *k = n->kids; k; k = k->next) {
		if (!vxml_is_catch(k))
			continue;
		Attr *c = node_attr(k, "count"), *ev = node_attr(k, "event");
		const char *events = ve__is(k, "catch") ? (ev ? ev->value.s : "") : k->tag;
		char *cond = ve__cond(E, k);
		char *b = ve__body(E, k, ve__is(k, "catch") ? "catch" : k->tag, false);
		rows = xprintf("%s\t{.events = %s, .count = %d, .cond = %s, .body = %s, .line = %d},\n", rows,
			       c_quote(events, strlen(events)), c ? atoi(c->value.s) : 1, cond, b, k->loc.line + E->lineoff);
		++*count;
	}
	return ve__table(E, lf, "cx_vx_catch", "catches", rows, *count);
}

/* The <link>s among n's children (VoiceXML 2.0 §2.5), in document order: each one's grammar
 * table (vxml_srgs.c, its dtmf keys an alternative) and a body function that does its <goto>
 * or <throw>; a `static const cx_vx_link NAME[]` in lf, its name ("NULL": none) and count. A
 * link of a field or menu before the item's own grammar (its type, first <grammar> or
 * <choice>) is marked first. */
/* The rows of dialog f's grammars that have document scope (VoiceXML 2.0 §3.1.3: a form's
 * <grammar scope>, else the form's scope; a menu's scope, its choices' keys one row each), for
 * the document's table: dialog is f's index + 1. With a body instead (f is of the leaf's
 * application root, whose document-scoped grammars are active in its leaves too), each row
 * runs it, a <goto> to f in the root, and the keys are typed again there. */
static char *ve__docgrams(VEm *E, FILE *lf, Node *f, int dialog, const char *body, int *count)
{
	char *rows = xstrdup("");
	Attr *fs = node_attr(f, "scope");
	bool fdoc = fs && !strcmp(fs->value.s, "document");
	int ch = 0;
	for (Node *k = f->kids; k; k = k->next) {
		char *gnodes = "NULL", *gkids = "NULL";
		int groot = 0;
		if (ve__is(f, "menu") && ve__is(k, "choice")) {
			const char *key = vxml_choice_dtmf(f, k);
			ch++;
			if (!fdoc || !key)
				continue;
			vxml_srgs(k, key, lf, ++E->nfn, &gnodes, &gkids, &groot);
			rows = xprintf("%s\t{.gnodes = %s, .gkids = %s, .groot = %d, %s},\n", rows, gnodes, gkids, groot,
				       body ? xprintf(".body = %s, .replay = 1", body) :
				       xprintf(".dialog = %d, .choice = &menu_%d_choices[%d]", dialog, dialog, ch - 1));
			++*count;
			continue;
		}
		Attr *gs = ve__is(k, "grammar") ? node_attr(k, "scope") : NULL;
		if (!ve__is(f, "form") || !ve__is(k, "grammar") || !(gs ? !strcmp(gs->value.s, "document") : fdoc))
			continue;
		const char *slots[64];
		int ns = 0;
		if (vxml_srgs_form(k, lf, ++E->nfn, &gnodes, &gkids, &groot, slots, &ns) <= 0 || !ns)
			continue;
		rows = xprintf("%s\t{.gnodes = %s, .gkids = %s, .groot = %d, %s},\n", rows, gnodes, gkids, groot,
			       body ? xprintf(".body = %s, .replay = 1", body) :
			       xprintf(".root = %s, .dialog = %d", c_quote(slots[0], strlen(slots[0])), dialog));
		++*count;
	}
	return rows;
}

/* The grammars of document scope of dialog f of the application root, compiled into a leaf
 * (VoiceXML 2.0 §3.1.3: active in every document of the application): their match goes to f
 * as <goto next="ROOT#id"> would, ROOT the leaf's application attribute, and the keys are typed
 * again there, where f's own grammars take them (runtime/vxml.c). A dialog without an id cannot
 * be named: its grammars stay the root's (vxml_check.c warns). */
static char *ve__rootgrams(VEm *E, FILE *lf, Node *f, int *count)
{
	Attr *id = node_attr(f, "id"), *app = node_attr(E->doc->root, "application");
	int n = 0;
	if (!id || !app)
		return "";
	char *body = xprintf("root_dialog_%d", ++E->nfn);
	char *rows = ve__docgrams(E, lf, f, 0, body, &n);
	if (!n)
		return rows;
	*count += n;
	char *uri = xprintf("%.*s#%s", (int)strcspn(app->value.s, "#"), app->value.s, id->value.s);
	Fn *F = fn_new(E->g, E->sc, FN_BODY, body, f->loc.line);
	fn_line(F, f->loc.line);
	char *u = ve__text(E, F, uri, strlen(uri));
	/* ROOT is the leaf's attribute: relative to the leaf, even in the root's tables */
	fn_out(F, "return cx_vx_goto_fetch(X, %s, %s);", u, ve__fetch(E, F, f, false, false));
	fn_end(F);
	return rows;
}

static char *ve__links(VEm *E, FILE *lf, Node *n, int *count)
{
	char *rows = xstrdup("");
	bool own = node_attr(n, "type") != NULL;
	int dialog = 0; /* the document's: its forms' and menus' grammars of document scope */
	*count = 0;
	for (Node *k = n->kids; k; k = k->next) {
		own |= ve__is(k, "grammar") || ve__is(k, "choice") || ve__is(k, "option");
		if (ve__is(n, "form") && ve__is(k, "grammar")) { /* a form-level grammar: it fills fields */
			char *gnodes = "NULL", *gkids = "NULL";
			const char *slots[64];
			int groot = 0, ns = 0;
			if (vxml_srgs_form(k, lf, ++E->nfn, &gnodes, &gkids, &groot, slots, &ns) <= 0 || !ns)
				continue;
			rows = xprintf("%s\t{.gnodes = %s, .gkids = %s, .groot = %d, .root = %s},\n", rows, gnodes, gkids,
				       groot, c_quote(slots[0], strlen(slots[0])));
			++*count;
			continue;
		}
		if (n == E->doc->root && (ve__is(k, "form") || ve__is(k, "menu"))) {
			rows = xprintf("%s%s", rows, ve__docgrams(E, lf, k, ++dialog, NULL, count));
			continue;
		}
		if (ve__is(k, "form") || ve__is(k, "menu")) { /* of the application root: in a leaf */
			rows = xprintf("%s%s", rows, ve__rootgrams(E, lf, k, count));
			continue;
		}
		if (!ve__is(k, "link"))
			continue;
		char *gnodes = "NULL", *gkids = "NULL";
		int groot = 0;
		vxml_srgs(k, vxml_link_dtmf(k, false), lf, ++E->nfn, &gnodes, &gkids, &groot);
		char *name = xprintf("link_%d", ++E->nfn);
		Fn *F = fn_new(E->g, E->sc, FN_BODY, name, k->loc.line);
		ve__element(E, F, k);
		fn_end(F);
		rows = xprintf("%s\t{.gnodes = %s, .gkids = %s, .groot = %d, .body = %s, .first = %d},\n",
			       rows, gnodes, gkids, groot, name, !own && (ve__input(n) || ve__is(n, "menu")));
		++*count;
	}
	return ve__table(E, lf, "cx_vx_link", "links", rows, *count);
}

/* The variables of the <enumerate> templates in the prompts of n, a menu or field (§2.2.4). */
static void ve__enumslots(VEm *E, Node *n)
{
	for (Node *k = n->kids; k; k = k->next)
		if (ve__is(k, "enumerate") && ve__template(k)) {
			ve__slot(E, "_prompt");
			ve__slot(E, "_dtmf");
		} else if (ve__is(k, "prompt") || ve__is(k, "foreach")) {
			ve__enumslots(E, k);
		}
}

/* A field's <option>s that have dtmf (VoiceXML 2.0 §2.3.1.3) as a cx_vx_choice table in lf:
 * each one's keys and value (its value attribute, else its text, white space normalised);
 * the table's name ("NULL": none) and count; *first: the first option comes before the
 * field's first <grammar> (and it has no type), so the options win when both match. */
static char *ve__options(VEm *E, FILE *lf, Node *it, int *count, int *first)
{
	char *rows = xstrdup("");
	bool before = node_attr(it, "type") != NULL;
	*count = *first = 0;
	for (Node *k = it->kids; k; k = k->next) {
		if (ve__is(k, "option") && !before)
			*first = 1;
		before |= ve__is(k, "grammar") || ve__is(k, "option");
		Attr *d = ve__is(k, "option") ? node_attr(k, "dtmf") : NULL, *v = node_attr(k, "value");
		if (!d)
			continue;
		char *value = v ? xstrdup(v->value.s) : ve__squeeze(k->text.s);
		rows = xprintf("%s\t{.dtmf = %s, .value = %s, .line = %d},\n", rows, c_quote(d->value.s, d->value.len),
			       c_quote(value, strlen(value)), k->loc.line);
		++*count;
	}
	return ve__table(E, lf, "cx_vx_choice", "options", rows, *count);
}

/* enum cx_vx_gram's names, as vxml_builtin returns them. */
static const char *const vxml_gram_names[] = {"CX_VX_NOGRAM", "CX_VX_DIGITS", "CX_VX_BOOLEAN", "CX_VX_NUMBER",
	"CX_VX_PHONE", "CX_VX_DATE", "CX_VX_TIME", "CX_VX_CURRENCY", "CX_VX_MENU", "CX_VX_SRGS"};

/* The table fields of an input item's DTMF properties (vxml_prop.c). */
static char *ve__keyprops(Node *it)
{
	Attr *tc = vxml_prop(it, "termchar");
	int term = tc ? (unsigned char)tc->value.s[0] : '#';
	return xprintf(".interdigit_ms = %ld, .termtimeout_ms = %ld, .termchar = %d, .nodtmf = %d",
		       vxml_prop_ms(it, "interdigittimeout"), vxml_prop_ms(it, "termtimeout"), term, !vxml_prop_dtmf(it));
}

/* An <object>'s body (VoiceXML 2.0 §2.3.5): this platform has none, so it throws
 * error.unsupported.objectname ("objectname" as written: §5.2.6 does not put the object's name
 * in the event), _message naming the element. */
static char *ve__object(VEm *E, Node *it)
{
	Attr *name = node_attr(it, "name"), *cl = node_attr(it, "classid");
	char *name_fn = xprintf("object_%d", ++E->nfn);
	char *m = xprintf("<object%s%s%s%s%s%s> at line %d: this platform has no objects", name ? " name='" : "",
			  name ? name->value.s : "", name ? "'" : "", cl ? " classid='" : "", cl ? cl->value.s : "",
			  cl ? "'" : "", it->loc.line);
	const char *ev = "error.unsupported.objectname";
	Fn *F = fn_new(E->g, E->sc, FN_BODY, name_fn, it->loc.line);
	fn_line(F, it->loc.line);
	char *evv = ve__text(E, F, ev, strlen(ev));
	fn_out(F, "return cx_vx_throw(X, %s, %s);", evv, ve__text(E, F, m, strlen(m)));
	fn_end(F);
	return name_fn;
}

static void ve__item(VEm *E, FILE *tf, FILE *lf, Node *it)
{
	Attr *name = node_attr(it, "name");
	const char *vname = ve__itemvar(it);
	int slot = ve__slot(E, vname);
	bool init = ve__is(it, "initial"), obj = ve__is(it, "object");
	bool field = ve__input(it) || init;
	char *cond = ve__cond(E, it);
	if (!field) {
		char *body = ve__body(E, it, "block", false);
		fprintf(tf, "\t{.kind = CX_VX_BLOCK, .name = %s, .slot = %d, .cond = %s, .body = %s, .line = %d},\n",
			c_quote(vname, strlen(vname)), slot, cond, body, it->loc.line);
		return;
	}
	ve__enumslots(E, it);
	char *prompt = ve__body(E, it, "prompt", true);
	char *filled = obj ? ve__object(E, it) : "NULL"; /* a field's <filled> is in the form's list (ve__filleds) */
	int ncatch = 0;
	char *cname = ve__catches(E, lf, it, &ncatch);
	uint32_t timeout = (uint32_t)vxml_prop_ms(it, "timeout");
	for (Node *k = it->kids; k; k = k->next) {
		Attr *to = ve__is(k, "prompt") ? node_attr(k, "timeout") : NULL;
		if (to) {
			char *end;
			double v = strtod(to->value.s, &end);
			timeout = (uint32_t)(!strcmp(end, "ms") ? v : v * 1000);
		}
	}
	Attr *type = ve__is(it, "field") ? node_attr(it, "type") : NULL; /* a <transfer>'s is no grammar */
	int lo = 0, hi = 0, gram = type ? vxml_builtin(type, &lo, &hi, false) : 0;
	char *gnodes = "NULL", *gkids = "NULL";
	int groot = 0;
	if (!type && (ve__is(it, "field") || ve__is(it, "transfer")) &&
	    vxml_srgs(it, NULL, lf, ++E->nfn, &gnodes, &gkids, &groot) > 0)
		gram = CX_VX_SRGS;
	bool rec = ve__is(it, "record"), xfer = ve__is(it, "transfer");
	int shadow = name && !ve__is(it, "subdialog") && !init && !obj ? ve__slot(E, xprintf("%s$", vname)) : 0;
	char *ri = rec ? vxml_io_record(lf, it, ve__slot(E, xprintf("%s$", vname)), ++E->nfn) : "NULL";
	char *xi = xfer ? vxml_io_transfer(lf, E->g, E->sc, it, ve__slot(E, xprintf("%s$", vname)), ++E->nfn) : "NULL";
	char *si = "NULL";
	if (ve__is(it, "subdialog")) {
		Attr *src = node_attr(it, "src");
		char *ns, *rs;
		int nn;
		char *nlfn = ve__subnames(E, it, &ns, &rs, &nn);
		int k = ++E->nfn;
		si = xprintf("&sub_%d", k);
		fprintf(lf, "static const cx_vx_fetch sub_%d_fetch = %s;\n", k, vxml_fetch_init(it, false, E->lineoff != 0));
		fprintf(lf, "static const char *const sub_%d_names[] = {%sNULL};\n", k, ns);
		fprintf(lf, "static const unsigned char sub_%d_rec[] = {%s0};\n", k, rs);
		fprintf(lf, "static const cx_vx_sub_item %s = {.src = %s, .srcexpr = %s, .args = %s, .namelist = %s, "
			".names = sub_%d_names, .rec = sub_%d_rec, .nnames = %d, .post = %d, .multipart = %d, "
			".fetch = &sub_%d_fetch};\n", si + 1,
			src ? c_quote(src->value.s, src->value.len) : "NULL", ve__exprfn(E, it, "srcexpr"), ve__args(E, it),
			nlfn, k, k, nn, node_attr(it, "method") && !strcmp(node_attr(it, "method")->value.s, "post"),
			node_attr(it, "enctype") && !strcmp(node_attr(it, "enctype")->value.s, "multipart/form-data"), k);
	}
	int nlk = 0, nopt = 0, ofirst = 0;
	char *lk = ve__is(it, "field") || init ? ve__links(E, lf, it, &nlk) : "NULL";
	char *opts = ve__is(it, "field") ? ve__options(E, lf, it, &nopt, &ofirst) : "NULL";
	fprintf(tf, "\t{.kind = %s, .name = %s, .slot = %d, .cond = %s, .prompt = %s, .body = %s, "
		".gram = %s, .minlen = %d, .maxlen = %d, .timeout_ms = %u, .catches = %s, .ncatches = %d, .line = %d, "
		".rec = %s, .xfer = %s, .sub = %s, %s, .gnodes = %s, .gkids = %s, .groot = %d, .shadow = %d%s%s},\n", rec ? "CX_VX_RECORD" : xfer ? "CX_VX_TRANSFER" :
		ve__is(it, "subdialog") ? "CX_VX_SUBDIALOG" : init ? "CX_VX_INITIAL" : obj ? "CX_VX_OBJECT" : "CX_VX_FIELD",
		c_quote(vname, strlen(vname)), slot, cond, prompt, filled,
		vxml_gram_names[gram], lo, hi, timeout,
		cname, ncatch, it->loc.line, ri, xi, si, ve__keyprops(it), gnodes, gkids, groot, shadow,
		nlk ? xprintf(", .links = %s, .nlinks = %d", lk, nlk) : "", xprintf("%s%s",
			nopt ? xprintf(", .choices = %s, .nchoices = %d, .options_first = %d", opts, nopt, ofirst) : "",
			ve__is(it, "field") && node_attr(it, "modal") && !strcmp(node_attr(it, "modal")->value.s, "true") ?
			", .modal = 1" : ""));
}

/* The index of the form item named name (len bytes) among f's items, or -1. */
static int ve__item_index(Node *f, const char *name, size_t len)
{
	int i = 0;
	for (Node *k = f->kids; k; k = k->next) {
		if (!vxml_is_item(k))
			continue;
		Attr *a = node_attr(k, "name");
		if (a && strlen(a->value.s) == len && !strncmp(a->value.s, name, len))
			return i;
		i++;
	}
	return -1;
}

/* The form's <filled>s and its fields' in document order: `static const cx_vx_filled` rows
 * in lf; the array's name ("NULL": none) and count. */
static char *ve__filleds(VEm *E, FILE *lf, Node *f, int *count)
{
	char *rows = xstrdup("");
	int idx = 0;
	*count = 0;
	for (Node *k = f->kids; k; k = k->next) {
		bool item = vxml_is_item(k);
		for (Node *fl = ve__is(k, "filled") ? k : ve__input(k) ? k->kids : NULL; fl; fl = fl->next) {
			if (!ve__is(fl, "filled"))
				continue;
			char *body = ve__body(E, fl, "filled", false);
			char *items = xstrdup("");
			int n = 0;
			if (fl == k) { /* the form's: its namelist, or every field */
				Attr *nl = node_attr(fl, "namelist"), *mode = node_attr(fl, "mode");
				for (const char *p = nl ? nl->value.s : ""; *p;) {
					p += strspn(p, " \t\r\n");
					size_t len = strcspn(p, " \t\r\n");
					int i = len ? ve__item_index(f, p, len) : -1;
					if (i >= 0)
						items = xprintf("%s%s%d", items, n++ ? ", " : "", i);
					p += len;
				}
				int i = 0;
				for (Node *g = nl ? NULL : f->kids; g; g = g->next)
					if (ve__input(g))
						items = xprintf("%s%s%d", items, n++ ? ", " : "", i++);
					else if (vxml_is_item(g))
						i++;
				int all = !mode || strcmp(mode->value.s, "any"); /* "all" is the default */
				char *arr = xprintf("filled_items_%d", ++E->nfn);
				fprintf(lf, "static const uint32_t %s[] = {%s};\n", arr, n ? items : "0");
				rows = xprintf("%s\t{.body = %s, .all = %d, .items = %s, .nitems = %d, .item = -1},\n", rows,
					       body, all, arr, n);
				++*count;
				break;
			}
			char *arr = xprintf("filled_items_%d", ++E->nfn);
			fprintf(lf, "static const uint32_t %s[] = {%d};\n", arr, idx);
			rows = xprintf("%s\t{.body = %s, .items = %s, .nitems = 1, .item = %d},\n", rows, body, arr, idx);
			++*count;
			break; /* one <filled> per field */
		}
		idx += item;
	}
	return ve__table(E, lf, "cx_vx_filled", "filleds", rows, *count);
}

/* The slot names of form f's items (VoiceXML 2.0 §3.1.6: a <field>'s slot, else its name;
 * NULL for the other items) as a table in lf when f or one of its fields has a <grammar>; its
 * name, or "NULL". */
static char *ve__slots(VEm *E, FILE *lf, Node *f)
{
	bool gram = false; /* a form-level grammar, or a field's (its <tag>s' out names the slot) */
	for (Node *k = f->kids; k; k = k->next) {
		gram |= ve__is(k, "grammar");
		for (Node *g = ve__is(k, "field") ? k->kids : NULL; g; g = g->next)
			gram |= ve__is(g, "grammar");
	}
	if (!gram)
		return "NULL";
	char *rows = xstrdup(""), *name = xprintf("slots_%d", ++E->nfn);
	for (Node *k = f->kids; k; k = k->next) {
		const char *sl = ve__is(k, "field") ? vxml_slot(k) : NULL;
		if (vxml_is_item(k))
			rows = xprintf("%s%s, ", rows, sl ? c_quote(sl, strlen(sl)) : "NULL");
	}
	fprintf(lf, "static const char *const %s[] = {%sNULL};\n", name, rows);
	return name;
}

/* A <menu>: a dialog of one field whose grammar is its choices' DTMF sequences. */
static void ve__menu(VEm *E, FILE *tf, FILE *lf, Node *m, int idx)
{
	int slot = ve__slot(E, " menu");
	ve__names(E, m); /* a <foreach item> of its prompts */
	ve__enumslots(E, m);
	char *prompt = ve__body(E, m, "prompt", true);
	char *rows = xstrdup("");
	int nch = 0, ncatch;
	for (Node *c = m->kids; c; c = c->next) {
		if (!ve__is(c, "choice"))
			continue;
		const char *key = vxml_choice_dtmf(m, c);
		Attr *next = node_attr(c, "next"), *ev = node_attr(c, "event"), *msg = node_attr(c, "message");
		char *ex = ve__exprfn(E, c, "expr"), *evx = ve__exprfn(E, c, "eventexpr");
		char *msgx = ve__exprfn(E, c, "messageexpr");
		rows = xprintf("%s\t{.dtmf = %s, .next = %s, .expr = %s, .event = %s, .line = %d%s%s%s},\n", rows,
			       c_quote(key, strlen(key)), next ? c_quote(next->value.s + 1, strlen(next->value.s + 1)) : "NULL",
			       ex, ev ? c_quote(ev->value.s, ev->value.len) : "NULL", c->loc.line,
			       strcmp(evx, "NULL") ? xprintf(", .eventexpr = %s", evx) : "",
			       msg ? xprintf(", .message = %s", c_quote(msg->value.s, msg->value.len)) : "",
			       strcmp(msgx, "NULL") ? xprintf(", .messageexpr = %s", msgx) : "");
		nch++;
	}
	fprintf(lf, "static const cx_vx_choice menu_%d_choices[] = {\n%s};\n", idx, rows);
	char *cname = ve__catches(E, lf, m, &ncatch);
	int nlk;
	char *lk = ve__links(E, lf, m, &nlk);
	fprintf(tf, "static const cx_vx_item form_%d_items[] = {\n", idx);
	fprintf(tf, "\t{.kind = CX_VX_FIELD, .name = \" menu\", .slot = %d, .prompt = %s, .gram = CX_VX_MENU, "
		".catches = %s, .ncatches = %d, .choices = menu_%d_choices, .nchoices = %d, .line = %d, "
		".timeout_ms = %ld, %s%s},\n};\n\n", slot, prompt, cname, ncatch, idx, nch, m->loc.line,
		vxml_prop_ms(m, "timeout"), ve__keyprops(m), nlk ? xprintf(", .links = %s, .nlinks = %d", lk, nlk) : "");
}

void vxml_emit(FILE *out, Doc *doc, const char *sym, const Options *opt)
{
	VEm E0 = {.doc = doc}, *E = &E0;
	E->g = gen_new(doc->src.path, opt);
	gen_vxml(E->g); /* an exception ends the dialog with error.dialog (runtime/vxml.c) */
	vxml_srgs_code(E->g, &E->sc); /* script <tag>s: in the scope of the grammar's element */
	gen_slot_alloc(E->g, ve__hidden_slot, E);
	/* an application root (VoiceXML 2.0 §1.5.2): its variables are the application scope, the
	 * first slots; the document scope is inside it */
	Doc *app = vxml_app_root(doc, opt, false);
	Node *root = doc->root;
	/* a document without `application` is an application root itself (of its leaves, or of
	 * itself alone): its variables are the application scope too, the same slots in the
	 * same order as in its leaves, so a transition to or from a leaf keeps them */
	bool isroot = !app && !node_attr(root, "application");
	Scope *appsc = NULL;
	int napp = 0;
	vxml_prop_app(app ? app->root : NULL);
	if (app || isroot) {
		E->sc = appsc = scope_new(NULL, SC_DOC);
		scope_qualifier(appsc, SC_Q_APPLICATION);
		E->scname = "application"; /* the name a log gives one (runtime/vxml.c) */
		ve__names(E, app ? app->root : root);
		napp = E->nslots;
	}
	int ev_slot = app ? ve__slot(E, "_event") : 0, msg_slot = app ? ve__slot(E, "_message") : 0;
	Scope *docsc = E->sc = scope_new(appsc, SC_DOC);
	scope_qualifier(docsc, SC_Q_DOCUMENT);
	E->scname = NULL;
	if (isroot) { /* the same variables under document.x */
		E->rootdoc = docsc;
		E->rootapp = appsc;
		for (int i = 0; i < napp; i++)
			scope_add(docsc, E->slot_var[i], CX_SLOT_FIRST_VAR + i);
	} else {
		ve__names(E, root);
	}
	if (!app) { /* the catches' _event and _message (the application's, with a root) */
		ev_slot = ve__slot(E, "_event");
		msg_slot = ve__slot(E, "_message");
	}
	char *app_init = "NULL", *app_catches = "NULL", *app_links = "NULL";
	int napp_links = 0;
	int app_f0 = 0, app_f1 = 0; /* the root's ES functions: gen_func(app_f0 .. app_f1 - 1) */
	int napp_catches = 0;
	FILE *alf = NULL;
	char *alists = NULL;
	size_t allen = 0;
	if (app) { /* the root's <var>s, <script>s and catches, compiled in its scope */
		E->sc = appsc;
		E->lineoff = CX_VX_APP_LINE;
		gen_path(E->g, app->src.path);
		alf = open_memstream(&alists, &allen);
		if (!alf)
			diag_fatal("out of memory");
		app_f0 = gen_nfuncs(E->g);
		Fn *A = fn_new(E->g, appsc, FN_BODY, "app_init", app->root->loc.line);
		for (Node *k = app->root->kids; k; k = k->next)
			if (ve__is(k, "var") || ve__is(k, "script"))
				ve__element(E, A, k);
		fn_end(A);
		app_init = "app_init";
		app_catches = ve__catches(E, alf, app->root, &napp_catches);
		app_links = ve__links(E, alf, app->root, &napp_links);
		app_f1 = gen_nfuncs(E->g);
		fclose(alf);
		gen_path(E->g, doc->src.path);
		E->lineoff = 0;
		E->sc = docsc;
	}

	/* document variables and scripts (a root's: its functions are its app_fns) */
	if (isroot)
		app_f0 = gen_nfuncs(E->g);
	char *dinit = ve__decls(E, root, "init", 1);
	if (isroot)
		app_f1 = gen_nfuncs(E->g);

	char *tables, *lists, *forms;
	size_t tlen, llen, flen;
	FILE *tf = open_memstream(&tables, &tlen), *lf = open_memstream(&lists, &llen),
	     *ff = open_memstream(&forms, &flen);
	if (!tf || !lf || !ff)
		diag_fatal("out of memory");
	int nforms = 0;
	for (Node *f = root->kids; f; f = f->next) {
		if (!ve__is(f, "form") && !ve__is(f, "menu"))
			continue;
		nforms++;
		if (ve__is(f, "menu")) {
			Attr *mid = node_attr(f, "id");
			E->sc = scope_new(docsc, SC_DOC);
			scope_qualifier(E->sc, SC_Q_DIALOG);
			E->scname = mid ? mid->value.s : xprintf("menu%d", nforms);
			ve__menu(E, tf, lf, f, nforms);
			fprintf(ff, "\t{.id = %s, .items = form_%d_items, .nitems = 1, .line = %d},\n",
				mid ? c_quote(mid->value.s, mid->value.len) : "NULL", nforms, f->loc.line);
			continue;
		}
		/* the dialog scope: the form's variables, its items' and what its content declares */
		Attr *fid = node_attr(f, "id");
		E->sc = scope_new(docsc, SC_DOC);
		scope_qualifier(E->sc, SC_Q_DIALOG);
		E->scname = fid ? fid->value.s : xprintf("form%d", nforms);
		for (Node *it = f->kids; it; it = it->next)
			if (vxml_is_item(it) && node_attr(it, "name"))
				ve__slot(E, node_attr(it, "name")->value.s);
		ve__names(E, f);
		/* the form's <var>s, scripts and items' expr run when it is entered */
		char *init = ve__decls(E, f, xprintf("form_%d_init", nforms), 2);
		char *items;
		size_t ilen;
		FILE *itf = open_memstream(&items, &ilen);
		if (!itf)
			diag_fatal("out of memory");
		int nitems = 0;
		for (Node *it = f->kids; it; it = it->next)
			if (vxml_is_item(it)) {
				ve__item(E, itf, lf, it);
				nitems++;
			}
		fclose(itf);
		if (nitems)
			fprintf(tf, "static const cx_vx_item form_%d_items[] = {\n%s};\n\n", nforms, items);
		Attr *id = node_attr(f, "id");
		int nfc, nfl, nlk;
		char *fc = ve__catches(E, lf, f, &nfc);
		char *fl = ve__filleds(E, lf, f, &nfl);
		char *lk = ve__links(E, lf, f, &nlk);
		char *slots = ve__slots(E, lf, f);
		fprintf(ff, "\t{.id = %s, .init = %s, .items = %s, .nitems = %d, .catches = %s, .ncatches = %d, "
			".filleds = %s, .nfilleds = %d, .line = %d%s, .slots = %s},\n",
			id ? c_quote(id->value.s, id->value.len) : "NULL",
			init, nitems ? xprintf("form_%d_items", nforms) : "NULL", nitems, fc, nfc, fl, nfl, f->loc.line,
			nlk ? xprintf(", .links = %s, .nlinks = %d", lk, nlk) : "", slots);
	}
	E->sc = docsc;
	E->scname = NULL;
	int ndc, ndl;
	char *dc = ve__catches(E, lf, root, &ndc);
	char *dl = ve__links(E, lf, root, &ndl);
	fclose(tf);
	fclose(lf);
	fclose(ff);

	const char *path = doc->src.path;
	fprintf(out, "/* Generated by ccxmlc from %s (VoiceXML) — do not edit */\n", path);
	fprintf(out, "#include \"cx_gen.h\"\n\n");
	fprintf(out, "#if CX_ABI_VERSION != %d\n", CX_ABI_VERSION);
	fprintf(out, "#error \"made by ccxmlc %s for runtime ABI %d, but this cx_gen.h is another ABI\"\n",
		CCXMLC_VERSION, CX_ABI_VERSION);
	fprintf(out, "#endif\n\n");
	gen_write(E->g, out);
	fprintf(out, "static const char *const slot_names[] = {NULL, NULL, NULL, NULL");
	for (int i = 0; i < E->nslots; i++)
		fprintf(out, ", %s", c_quote(E->slots[i], strlen(E->slots[i])));
	fprintf(out, "};\n\n");
	if (allen)
		fprintf(out, "%s\n", alists);
	if (llen)
		fprintf(out, "%s\n", lists);
	fprintf(out, "%s", tables);
	if (nforms) /* an application root may have none */
		fprintf(out, "static const cx_vx_form forms[] = {\n%s};\n\n", forms);
	if (app_f1 > app_f0) { /* the root's functions (carried from leaf to leaf: runtime/vxml.c) */
		fprintf(out, "static cx_cfunc *const app_fns[] = {");
		for (int i = app_f0; i < app_f1; i++)
			fprintf(out, "%s%s", i > app_f0 ? ", " : "", gen_func(E->g, i));
		fprintf(out, "};\n\n");
	}
	fprintf(out, "const cx_vx_doc %s = {\n", sym);
	fprintf(out, "\t.abi = %d,\n", CX_ABI_VERSION);
	fprintf(out, "\t.name = %s,\n", c_quote(path, strlen(path)));
	fprintf(out, "\t.nslots = %d,\n", CX_SLOT_FIRST_VAR + E->nslots);
	fprintf(out, "\t.slot_names = slot_names,\n");
	fprintf(out, "\t.init = %s,\n", dinit);
	fprintf(out, "\t.forms = %s,\n", nforms ? "forms" : "NULL");
	fprintf(out, "\t.nforms = %d,\n", nforms);
	fprintf(out, "\t.catches = %s,\n", dc);
	fprintf(out, "\t.ncatches = %d,\n", ndc);
	fprintf(out, "\t.event_slot = %d,\n", ev_slot);
	fprintf(out, "\t.message_slot = %d,\n", msg_slot);
	if (app || isroot) { /* a root names itself: its own <var>s are its app_init */
		/* a root fetched with the leaf is named by its URL (--app-url): as is that root when
		 * run on its own (runtime/vxml.c cx_vx__appid) */
		const char *ap = app && app == xml_app_doc && xml_app_url ? xml_app_url : app ? app->src.path : path;
		fprintf(out, "\t.app = %s,\n", c_quote(ap, strlen(ap)));
		fprintf(out, "\t.napp = %d,\n", napp);
		fprintf(out, "\t.app_init = %s,\n", app_init);
		fprintf(out, "\t.app_catches = %s,\n", app_catches);
		fprintf(out, "\t.napp_catches = %d,\n", napp_catches);
		if (app_f1 > app_f0)
			fprintf(out, "\t.app_fns = app_fns,\n\t.napp_fns = %d,\n", app_f1 - app_f0);
		if (napp_links)
			fprintf(out, "\t.app_links = %s,\n\t.napp_links = %d,\n", app_links, napp_links);
	}
	if (ndl)
		fprintf(out, "\t.links = %s,\n\t.nlinks = %d,\n", dl, ndl);
	/* xml:base of the document and of its root (VoiceXML 2.0 §1.5.1), as written: the runtime
	 * resolves them against the URL each was fetched from (the program is shared by content) */
	Attr *xb = node_attr(root, "xml:base"), *axb = app ? node_attr(app->root, "xml:base") : NULL;
	if (xb)
		fprintf(out, "\t.base = %s,\n", c_quote(xb->value.s, xb->value.len));
	if (axb)
		fprintf(out, "\t.app_base = %s,\n", c_quote(axb->value.s, axb->value.len));
	fprintf(out, "};\n\n");
	fprintf(out, "__attribute__((constructor)) static void register_dialog(void)\n{\n");
	fprintf(out, "\tcx_vx_register(&%s);\n}\n", sym);
}
