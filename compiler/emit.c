/*
 * emit.c — a checked CCXML document -> readable, reproducible C.
 *
 * The output is mostly data: string literals, one function per transition body, per cond and
 * for the document initialiser, a `static const cx_transition` table and the `const cx_doc`.
 * <var>, <assign>, <script> and <if> are compiled inline (js.c); every other element fills a
 * cx_elcall and calls cx_exec. An ECMAScript exception while an element runs ends the
 * transition with `return cx_semantic(X, CX_E_<elem>, line);`, which queues
 * error.semantic. Every line of C carries the .ccxml line of its element (js.c's fn_line).
 */
#include <string.h>
#include <strings.h>

#include "js.h"

/* The C enum names of elements (CX_E_<id>) and the kinds of their attributes. */
static const char *const emit__elem_id[CX_E__COUNT] = {
#define CX_A(e, id, name, kind, flags)
#define CX_ELEM(id, tag, ns, ATTRS) [CX_E_##id] = #id,
#include "cx_elements.def"
#undef CX_ELEM
#undef CX_A
};

typedef struct AttrDesc {
	const char *cid; /* CX_A_<elem>_<cid> */
	int kind;
} AttrDesc;

#define CX_A(e, id, name, kind, flags) {#id, kind},
#define CX_ELEM(id, tag, ns, ATTRS) static const AttrDesc emit__attrs_##id[] = { ATTRS {NULL, 0} };
#include "cx_elements.def"
#undef CX_ELEM
#undef CX_A

static const AttrDesc *const emit__attrs[CX_E__COUNT] = {
#define CX_A(e, id, name, kind, flags)
#define CX_ELEM(id, tag, ns, ATTRS) [CX_E_##id] = emit__attrs_##id,
#include "cx_elements.def"
#undef CX_ELEM
#undef CX_A
};

typedef struct Em {
	Doc *doc;
	Gen *g;
	const Options *opt;
	Scope *dsc;     /* ccxml scope */
	int nslots;
	char **slot_names;
	int capslots;
	int statevar;
	int nbodies;    /* numbering of element blocks (cx_elcall variables) */
	const char *charsets[CX_SCRIPT_MAXCS];  /* of <script fetchid charset>, distinct */
	int ncharsets;
} Em;

static bool emit__is(Node *n, int elem)
{
	return n && n->elem == elem;
}

static void emit__slot(Em *E, const char *name)
{
	if (scope_has(E->dsc, name))
		return;
	if (E->nslots == E->capslots) {
		E->capslots = E->capslots ? 2 * E->capslots : 16;
		char **n = xcalloc((size_t)E->capslots, sizeof(*n));
		if (E->nslots)
			memcpy(n, E->slot_names, (size_t)E->nslots * sizeof(*n));
		E->slot_names = n;
	}
	E->slot_names[E->nslots] = xstrdup(name);
	scope_add(E->dsc, name, CX_SLOT_FIRST_VAR + E->nslots);
	E->nslots++;
}

static void emit__slot_cb(void *arg, const char *name)
{
	emit__slot(arg, name);
}

/* A hidden slot that js.c asks for while compiling (gen_slot_alloc): its X->slots index. */
static int emit__hidden_slot(void *arg, const char *name)
{
	Em *E = arg;
	emit__slot(E, name);
	return CX_SLOT_FIRST_VAR + E->nslots - 1;
}

static int emit__slot_of(Em *E, const char *name)
{
	for (int i = 0; i < E->nslots; i++)
		if (!strcmp(E->slot_names[i], name))
			return CX_SLOT_FIRST_VAR + i;
	return -1;
}

static Attr *emit__attr(Node *n, int id)
{
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].id == id && !n->attrs[i].ns)
			return &n->attrs[i];
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].id == id)
			return &n->attrs[i];
	return NULL;
}

static TSNode emit__script_root(Node *n)
{
	return ts_tree_root_node(n->script);
}

static void emit__declare_cb(void *arg, const char *name)
{
	js_declare_free(arg, name);
}

/* Section - Transition scope: names and captures */

static void emit__trans_cb(void *arg, const char *name)
{
	scope_add(arg, name, 0);
}

/* The variable a <var name> declares in the scope whose qualifier is `scope` ("x" and
 * "<scope>.x" both declare x), or NULL (application.x, or a name of another scope). */
static const char *emit__var_decl(Node *var, const char *scope)
{
	Attr *a = emit__attr(var, CX_A_var_name);
	if (!a)
		return NULL;
	const char *s = a->value.s, *dot = strchr(s, '.');
	if (!dot)
		return s;
	size_t n = strlen(scope);
	if ((size_t)(dot - s) == n && !memcmp(s, scope, n) && !strchr(dot + 1, '.'))
		return dot + 1;
	return NULL;
}

static void emit__trans_names(Scope *ts, Node *n)
{
	for (Node *k = n->kids; k; k = k->next) {
		if (emit__is(k, CX_E_var)) {
			const char *name = emit__var_decl(k, "transition");
			if (name)
				scope_add(ts, name, 0);
		} else if (emit__is(k, CX_E_script) && k->script) {
			js_hoisted(emit__script_root(k), k->text.s, emit__trans_cb, ts);
		}
		if (emit__is(k, CX_E_if) || emit__is(k, CX_E_elseif) || emit__is(k, CX_E_else))
			emit__trans_names(ts, k);
	}
}

/* Names of the transition used by functions defined in it live in an env. */
static void emit__trans_captures(Scope *ts, Node *n)
{
	for (Node *k = n->kids; k; k = k->next) {
		if (emit__is(k, CX_E_script) && k->script)
			scope_scan_captures(ts, emit__script_root(k), k->text.s);
		for (int i = 0; i < k->nattrs; i++)
			if (k->attrs[i].tree)
				scope_scan_captures(ts, k->attrs[i].expr, k->attrs[i].value.s);
		emit__trans_captures(ts, k);
	}
}

/* Section - Elements */

static void emit__block(void *arg, Fn *F, Node *first, Node *stop);

static char *emit__expr(Fn *F, Attr *a)
{
	fn_source(F, &a->value);
	return js_expr(F, a->expr);
}

static void emit__var(Em *E, Fn *F, Node *n)
{
	Attr *name = emit__attr(n, CX_A_var_name);
	Attr *expr = emit__attr(n, CX_A_var_expr);
	if (!name)
		return;
	char *v = expr && expr->tree ? emit__expr(F, expr) : "CX_UNDEFINED";
	js_store_name(F, name->value.s, v);
}

static void emit__assign(Em *E, Fn *F, Node *n)
{
	Attr *name = emit__attr(n, CX_A_assign_name);
	Attr *expr = emit__attr(n, CX_A_assign_expr);
	if (!name || !expr || !name->tree || !expr->tree)
		return;
	char *v = emit__expr(F, expr);
	fn_source(F, &name->value);
	js_assign(F, name->expr, v);
}

static void emit__fetched_script(Em *E, Fn *F, Node *n, Attr *fid);

static void emit__script(Em *E, Fn *F, Node *n)
{
	Attr *fid = emit__attr(n, CX_A_script_fetchid);
	if (!n->script && fid && fid->tree) {
		emit__fetched_script(E, F, n, fid);
		return;
	}
	if (!n->script) {
		if (emit__attr(n, CX_A_script_src))
			diag_error(n->loc, "<script src> is not supported: ccxmlc compiles scripts ahead of time, put the code inside <script>");
		return;
	}
	fn_source(F, &n->text);
	js_program(F, emit__script_root(n));
}

/* <if cond> A <elseif cond/> B <else/> C </if>: the children are flat; each <elseif> opens a
 * nested if in the else branch of the previous part. Shared with vxml_emit.c (js.h). */
static bool emit__part(Node *n, int elem, const char *tag)
{
	return n->elem == elem || (n->ns && !strcmp(n->ns, VXML_NS_URI) && !strcmp(n->tag, tag));
}

static char *emit__cond(Fn *F, Node *n)
{
	Attr *cond = node_attr(n, "cond");
	return cond && cond->tree ? emit__expr(F, cond) : "CX_FALSE";
}

void emit_if(Fn *F, Node *n, void (*block)(void *arg, Fn *F, Node *first, Node *stop), void *arg)
{
	char *c = emit__cond(F, n);
	fn_out(F, "if (cx_truthy(%s)) {", c);
	fn_indent(F, 1);
	int closes = 1;
	for (Node *part = n->kids;;) {
		Node *end = part;
		while (end && !emit__part(end, CX_E_elseif, "elseif") && !emit__part(end, CX_E_else, "else"))
			end = end->next;
		block(arg, F, part, end);
		fn_indent(F, -1);
		if (!end)
			break;
		fn_out(F, "} else {");
		fn_indent(F, 1);
		if (emit__part(end, CX_E_elseif, "elseif")) {
			fn_fail_semantic(F, "elseif", end->loc.line);
			fn_line(F, end->loc.line);
			fn_out(F, "if (cx_truthy(%s)) {", emit__cond(F, end));
			fn_indent(F, 1);
			closes++;
		}
		part = end->next;
	}
	fn_out(F, "}");
	for (int i = 1; i < closes; i++) {
		fn_indent(F, -1);
		fn_out(F, "}");
	}
}


/* cx_exec(X, &el), and the end of the transition body when it says so (<exit>, a failure). */
static void emit__exec(Fn *F)
{
	fn_out(F, "int r = cx_exec(X, &el);");
	fn_out(F, "if (r != CX_GO)");
	fn_out(F, "\treturn r;");
}

/* The namelist of block k (el.nnames, el.names, el.vals): n names and their values (a namelist; the transition's variables of a
 * <script fetchid>). */
static void emit__names(Fn *F, int k, const char *const *nv, int n)
{
	char *names = xstrdup(""), *vals = xstrdup("");
	for (int j = 0; j < n; j++) {
		char *val = js_read_name(F, nv[j]);
		names = xprintf("%s%s, ", names, c_quote(nv[j], strlen(nv[j])));
		vals = xprintf("%s%s%s", vals, j ? ", " : "", val);
	}
	fn_out(F, "static const char *const n%d[] = {%sNULL};", k, names);
	fn_out(F, "cx_value v%d[%d] = {%s};", k, n, vals);
	fn_out(F, "el.nnames = %d, el.names = n%d, el.vals = v%d;", n, k, k);
}

/* <script fetchid>: the runtime runs the script fetched under that id (a shared object, compiled
 * when it was fetched) in this scope: the ccxml scope's slots by name, the transition's
 * variables through el.names/el.vals, whose values are read back after it (docs/fetch.md). */
static void emit__fetched_script(Em *E, Fn *F, Node *n, Attr *fid)
{
	int k = ++E->nbodies, nn = 0;
	const char *const *names = scope_names(F, &nn);
	fn_out(F, "{");
	fn_indent(F, 1);
	fn_out(F, "cx_elcall el = {.elem = CX_E_script, .line = %d};", n->loc.line);
	fn_out(F, "cx_el_attr(&el, CX_A_script_fetchid, %s);", emit__expr(F, fid));
	Attr *cs = emit__attr(n, CX_A_script_charset);
	if (cs) { /* a literal (check.c: iconv knows it); the document lists it once */
		int j = 0;
		while (j < E->ncharsets && strcasecmp(E->charsets[j], cs->value.s))
			j++;
		if (j == CX_SCRIPT_MAXCS)
			diag_error(cs->value.loc, "more than %d distinct charsets on <script fetchid>",
				   CX_SCRIPT_MAXCS);
		else if (j == E->ncharsets)
			E->charsets[E->ncharsets++] = cs->value.s;
		fn_out(F, "cx_el_attr(&el, CX_A_script_charset, cx_strv((cx_str *)&%s));",
		       gen_str(E->g, cs->value.s, cs->value.len));
	}
	if (nn)
		emit__names(F, k, names, nn);
	emit__exec(F);
	for (int j = 0; j < nn; j++)
		js_store_name(F, names[j], xprintf("v%d[%d]", k, j));
	fn_indent(F, -1);
	fn_out(F, "}");
}

/* One element the runtime performs, as a block (cx_gen.h, cx_elcall): `el` is declared, the
 * attributes are evaluated in document order (cx_el_attr; cx_el_given for an LHS or a namelist,
 * whose names and values go to el.names/el.vals), cx_exec runs it, then a present LHS attribute
 * receives el.out. */
static void emit__elcall(Em *E, Fn *F, Node *n)
{
	const char *id = emit__elem_id[n->elem];
	const AttrDesc *ad = emit__attrs[n->elem];
	int k = ++E->nbodies;
	fn_out(F, "{");
	fn_indent(F, 1);
	fn_out(F, "cx_elcall el = {.elem = CX_E_%s, .line = %d};", id, n->loc.line);
	const char *base = node_base(n);
	if (base)
		fn_out(F, "el.base = %s;", c_quote(base, strlen(base)));
	Attr *lhs = NULL;
	for (int i = 0; i < n->nattrs; i++) {
		Attr *a = &n->attrs[i];
		if (a->id < 0)
			continue;
		const char *aid = ad[a->id].cid;
		int kind = ad[a->id].kind;
		const char *v = NULL;
		if (kind == CX_AK_EXPR) {
			if (!a->tree)
				continue;
			v = emit__expr(F, a);
		} else if (kind == CX_AK_LITERAL) {
			bool ascii = true;
			for (const char *p = a->value.s; *p; p++)
				if ((unsigned char)*p >= 0x80)
					ascii = false;
			if (ascii) {
				v = xprintf("cx_strv((cx_str *)&%s)", gen_str(E->g, a->value.s, a->value.len));
			} else {
				char *t = fn_temp(F);
				fn_out(F, "cx_value %s = cx_str_utf8(X, %s, %zu);", t, c_quote(a->value.s, a->value.len), a->value.len);
				fn_check(F, t);
				v = t;
			}
		} else if (kind == CX_AK_LHS) {
			lhs = a;
		} else if (kind == CX_AK_NAMEVALS) {
			if (a->nnames <= 0)
				continue;
			v = js_names_object(F, a->names, a->nnames);
		} else if (kind == CX_AK_NAMELIST) {
			if (a->nnames <= 0)
				continue;
			emit__names(F, k, (const char *const *)a->names, a->nnames);
		}
		if (v)
			fn_out(F, "cx_el_attr(&el, CX_A_%s_%s, %s);", id, aid, v);
		else
			fn_out(F, "cx_el_given(&el, CX_A_%s_%s);", id, aid);
	}
	emit__exec(F);
	if (lhs && lhs->tree) {
		fn_source(F, &lhs->value);
		js_assign(F, lhs->expr, "el.out");
	}
	fn_indent(F, -1);
	fn_out(F, "}");
}

static void emit__element(Em *E, Fn *F, Node *n)
{
	if (n->elem < 0 || n->elem == CX_E_meta || n->elem == CX_E_metadata)
		return; /* foreign elements: the front end warned */
	int up = fn_curline(F);
	fn_fail_semantic(F, emit__elem_id[n->elem], n->loc.line);
	fn_line(F, n->loc.line);
	switch (n->elem) {
	case CX_E_var: emit__var(E, F, n); break;
	case CX_E_assign: emit__assign(E, F, n); break;
	case CX_E_script: emit__script(E, F, n); break;
	case CX_E_if: emit_if(F, n, emit__block, E); break;
	case CX_E_elseif:
	case CX_E_else:
	case CX_E_transition:
	case CX_E_eventprocessor:
	case CX_E_ccxml:
		break; /* misplaced; check.c reported it */
	default: emit__elcall(E, F, n); break;
	}
	fn_line(F, up); /* what follows in the enclosing <if> or function is not this element */
}

static void emit__block(void *arg, Fn *F, Node *first, Node *stop)
{
	Em *E = arg;
	for (Node *k = first; k && k != stop; k = k->next)
		emit__element(E, F, k);
}

/* Section - The document */

static void emit__strlist(FILE *out, const char *name, char **v, int n)
{
	fprintf(out, "static const char *const %s[] = {", name);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s, ", c_quote(v[i], strlen(v[i])));
	fprintf(out, "NULL};\n");
}

/* Section - Selection tables (cx_doc.select: the runtime selects by integers) */

/* The words of state="a b" (at most 256), in *out; how many. */
static int emit__words(const char *list, char ***out)
{
	char **w = xcalloc(256, sizeof(*w));
	int n = 0;
	char *s = xstrdup(list);

	for (char *t = strtok(s, " \t\r\n"); t && n < 256; t = strtok(NULL, " \t\r\n"))
		w[n++] = t;
	*out = w;
	return n;
}

/* The one event an event pattern names, in lower case (matching ignores ASCII case), or NULL
 * for a pattern with a trailing '*' (matched by the runtime as a string). */
static char *emit__exact(const Attr *ev)
{
	if (!ev || !ev->value.len || ev->value.s[ev->value.len - 1] == '*' ||
	    strlen(ev->value.s) != ev->value.len)
		return NULL;
	char *l = xstrdup(ev->value.s);
	for (char *p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

static int emit__strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, each once; the new count. */
static int emit__set(char **v, int n)
{
	int k = 0;

	qsort(v, (size_t)n, sizeof(*v), emit__strcmp);
	for (int i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	return k;
}

static int emit__index(char **v, int n, const char *k)
{
	char **p = k ? bsearch(&k, v, (size_t)n, sizeof(*v), emit__strcmp) : NULL;
	return p ? (int)(p - v) : -1;
}

/* The selection tables: the exact event patterns and the states named, sorted, and for each
 * state (and for any other) the transitions that can run in it, in document order. */
typedef struct EmSel {
	int nt;
	char ***tw;   /* per transition: its state words, */
	int *tn;      /*   how many (-1: no state attribute: any state) */
	char **ev;    /* exact patterns */
	int nev;
	char **st;    /* states */
	int nst;
} EmSel;

static void emit__sel_collect(EmSel *S, Node *ep)
{
	int cap = 0;

	for (Node *t = ep ? ep->kids : NULL; t; t = t->next)
		cap += emit__is(t, CX_E_transition);
	S->tw = xcalloc((size_t)cap + 1, sizeof(*S->tw));
	S->tn = xcalloc((size_t)cap + 1, sizeof(*S->tn));
	S->ev = xcalloc((size_t)cap + 1, sizeof(*S->ev));
	S->st = xcalloc((size_t)cap * 256 + 1, sizeof(*S->st));
	for (Node *t = ep ? ep->kids : NULL; t; t = t->next) {
		if (!emit__is(t, CX_E_transition))
			continue;
		Attr *st = emit__attr(t, CX_A_transition_state);
		char *e = emit__exact(emit__attr(t, CX_A_transition_event));
		S->tn[S->nt] = st ? emit__words(st->value.s, &S->tw[S->nt]) : -1;
		for (int i = 0; i < S->tn[S->nt]; i++)
			S->st[S->nst++] = S->tw[S->nt][i];
		if (e)
			S->ev[S->nev++] = e;
		S->nt++;
	}
	S->nev = emit__set(S->ev, S->nev);
	S->nst = emit__set(S->st, S->nst);
}

static void emit__sel_tables(FILE *out, const EmSel *S)
{
	emit__strlist(out, "event_names", S->ev, S->nev);
	emit__strlist(out, "state_names", S->st, S->nst);
	for (int k = 0; k <= S->nst; k++) {
		fprintf(out, "static const uint32_t select_%d[] = {", k);
		for (int i = 0; i < S->nt; i++) {
			int in = S->tn[i] < 0;
			for (int j = 0; !in && j < S->tn[i]; j++)
				in = k < S->nst && !strcmp(S->tw[i][j], S->st[k]);
			if (in)
				fprintf(out, "%d, ", i);
		}
		if (k < S->nst)
			fprintf(out, "CX_SELECT_END}; /* %s */\n", c_quote(S->st[k], strlen(S->st[k])));
		else
			fprintf(out, "CX_SELECT_END}; /* any other state */\n");
	}
	fprintf(out, "static const uint32_t *const select[] = {");
	for (int k = 0; k <= S->nst; k++)
		fprintf(out, "%sselect_%d", k ? ", " : "", k);
	fprintf(out, "};\n");
}

void emit_doc(FILE *out, Doc *doc, const char *sym, const Options *opt)
{
	Em E0 = {.doc = doc, .opt = opt}, *E = &E0;
	E->g = gen_new(doc->src.path, opt);
	/* The file starts at once: each function follows when it is finished (gen_stream). */
	const char *path = doc->src.path;
	fprintf(out, "/* Generated by ccxmlc from %s — do not edit */\n", path);
	/* tcc has read the headers as a prelude (cctcc.c) without learning their include guards:
	 * it would open cx_gen.h again only to skip it */
	fprintf(out, opt->tcc ? "#ifndef CX_GEN_H\n#include \"cx_gen.h\"\n#endif\n\n"
			      : "#include \"cx_gen.h\"\n\n");
	fprintf(out, "#if CX_ABI_VERSION != %d\n", CX_ABI_VERSION);
	fprintf(out, "#error \"made by ccxmlc %s for runtime ABI %d, but this cx_gen.h is another ABI: compile the .ccxml with the ccxmlc of this runtime\"\n", CCXMLC_VERSION, CX_ABI_VERSION);
	fprintf(out, "#endif\n\n");
	gen_stream(E->g, out);
	/* a fetched script (opt->fetched_js) runs on the slots of another document: it has none */
	if (!opt->fetched_js)
		gen_slot_alloc(E->g, emit__hidden_slot, E);
	E->dsc = scope_new(NULL, SC_DOC);
	Node *root = doc->root;
	Node *ep = NULL;

	/* ccxml scope: top-level <var>s and the hoisted names of top-level scripts, in order */
	for (Node *k = root->kids; k; k = k->next) {
		if (emit__is(k, CX_E_var)) {
			const char *name = emit__var_decl(k, "ccxml");
			if (name)
				emit__slot(E, name);
		} else if (emit__is(k, CX_E_script) && k->script && !opt->fetched_js) {
			js_hoisted(emit__script_root(k), k->text.s, emit__slot_cb, E);
		} else if (emit__is(k, CX_E_eventprocessor) && !ep) {
			ep = k;
		}
	}
	const char *sv = "state$";
	Attr *sva = ep ? emit__attr(ep, CX_A_eventprocessor_statevariable) : NULL;
	if (sva && *sva->value.s)
		sv = sva->value.s;
	emit__slot(E, sv);
	E->statevar = emit__slot_of(E, sv);

	/* The initialiser: top-level <var> and <script> in document order. */
	Fn *F = fn_new(E->g, E->dsc, FN_BODY, "init", root->loc.line);
	for (Node *k = root->kids; k; k = k->next) {
		if (opt->fetched_js && emit__is(k, CX_E_script) && k->script) {
			/* its names are the running document's, or the global object's */
			fn_fail_semantic(F, "script", k->loc.line);
			js_hoisted(emit__script_root(k), k->text.s, emit__declare_cb, F);
		}
		if (emit__is(k, CX_E_var) || emit__is(k, CX_E_script))
			emit__element(E, F, k);
	}
	fn_end(F);

	/* Transitions. */
	int nt = 0;
	char *table;
	size_t tlen;
	FILE *tf = open_memstream(&table, &tlen);
	if (!tf)
		diag_fatal("out of memory");
	char *lists;
	size_t llen;
	FILE *lf = open_memstream(&lists, &llen);
	if (!lf)
		diag_fatal("out of memory");
	EmSel S = {0};
	emit__sel_collect(&S, ep);
	for (Node *t = ep ? ep->kids : NULL; t; t = t->next) {
		if (!emit__is(t, CX_E_transition))
			continue;
		nt++;
		int line = t->loc.line;
		/* state="a b": the NULL-terminated list */
		const char *states = "NULL";
		if (S.tn[nt - 1] >= 0) {
			char *name = xprintf("states_%d", nt);
			emit__strlist(lf, name, S.tw[nt - 1], S.tn[nt - 1]);
			states = name;
		}
		Attr *ev = emit__attr(t, CX_A_transition_event);
		const char *event = ev ? c_quote(ev->value.s, ev->value.len) : "NULL";
		int evid = emit__index(S.ev, S.nev, emit__exact(ev)) + 1;
		const char *cond = "NULL";
		int r0 = gen_event_reads(E->g, NULL), r1;
		Attr *ca = emit__attr(t, CX_A_transition_cond);
		Attr *alias = emit__attr(t, CX_A_transition_name); /* a draft's name for event$ */
		if (ca && ca->tree) {
			cond = xprintf("cond_%d", nt);
			Scope *cs = scope_new(E->dsc, SC_TRANS);
			if (alias)
				scope_event_alias(cs, alias->value.s);
			Fn *C = fn_new(E->g, cs, FN_COND, cond, line);
			fn_line(C, ca->loc.line);
			char *v = emit__expr(C, ca);
			fn_out(C, "return %s;", v);
			fn_end(C);
		}
		r1 = gen_event_reads(E->g, NULL);
		Scope *ts = scope_new(E->dsc, SC_TRANS);
		if (alias)
			scope_event_alias(ts, alias->value.s);
		emit__trans_names(ts, t);
		emit__trans_captures(ts, t);
		char *body = xprintf("transition_%d", nt);
		Fn *B = fn_new(E->g, ts, FN_BODY, body, line);
		emit__block(E, B, t->kids, NULL);
		fn_end(B);
		/* which of them reads event$ (the runtime builds it only then) */
		int r2 = gen_event_reads(E->g, NULL);
		const char *reads = r1 > r0 && r2 > r1 ? ", .reads_event = CX_EVREAD_COND | CX_EVREAD_BODY"
				    : r1 > r0 ? ", .reads_event = CX_EVREAD_COND"
				    : r2 > r1 ? ", .reads_event = CX_EVREAD_BODY" : "";
		fprintf(tf, "\t{.states = %s, .event = %s, .cond = %s, .body = %s, .line = %d%s%s},\n",
			states, event, cond, body, line, evid ? xprintf(", .evid = %d", evid) : "",
			reads);
	}
	fclose(tf);
	fclose(lf);

	/* The rest of the file: what the functions left, the tables. */
	gen_write(E->g, out);
	fprintf(out, "static const char *const slot_names[] = {NULL, NULL, NULL, NULL");
	for (int i = 0; i < E->nslots; i++)
		fprintf(out, ", %s", c_quote(E->slot_names[i], strlen(E->slot_names[i])));
	fprintf(out, "};\n\n");
	if (llen)
		fprintf(out, "%s\n", lists);
	if (nt) {
		fprintf(out, "static const cx_transition transitions[] = {\n%s};\n\n", table);
		emit__sel_tables(out, &S);
		fprintf(out, "\n");
	}
	if (E->ncharsets) {
		fprintf(out, "static const char *const script_charsets[] = {");
		for (int i = 0; i < E->ncharsets; i++)
			fprintf(out, "%s, ", c_quote(E->charsets[i], strlen(E->charsets[i])));
		fprintf(out, "NULL};\n\n");
	}
	fprintf(out, "const cx_doc %s = {\n", sym);
	fprintf(out, "\t.abi = %d,\n", CX_ABI_VERSION);
	fprintf(out, "\t.made_by = \"ccxmlc %s\",\n", CCXMLC_VERSION);
	fprintf(out, "\t.name = %s,\n", c_quote(path, strlen(path)));
	fprintf(out, "\t.nslots = %d,\n", CX_SLOT_FIRST_VAR + E->nslots);
	fprintf(out, "\t.slot_names = slot_names,\n");
	fprintf(out, "\t.statevar_slot = %d,\n", E->statevar);
	fprintf(out, "\t.init = init,\n");
	fprintf(out, "\t.transitions = %s,\n", nt ? "transitions" : "NULL");
	fprintf(out, "\t.ntransitions = %d,\n", nt);
	if (nt) {
		fprintf(out, "\t.event_names = event_names,\n\t.nevent_names = %d,\n", S.nev);
		fprintf(out, "\t.state_names = state_names,\n\t.nstate_names = %d,\n", S.nst);
		fprintf(out, "\t.select = select,\n");
	}
	int evfn;
	gen_event_reads(E->g, &evfn);
	if (evfn) /* a function reads event$: any transition may call it */
		fprintf(out, "\t.reads_event_always = 1,\n");
	if (gen_session_reads(E->g))
		fprintf(out, "\t.reads_session = 1,\n");
	if (E->ncharsets)
		fprintf(out, "\t.script_charsets = script_charsets,\n");
	fprintf(out, "};\n");
}
