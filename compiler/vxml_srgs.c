/*
 * vxml_srgs.c — SRGS XML grammars in DTMF mode for VoiceXML <field>s (docs/voicexml.md,
 * "SRGS grammars"): an inline <grammar mode="dtmf"> or one whose src names a local file. The
 * subset: <rule id>, <one-of>/<item>, <item repeat="n|n-m|n-">, <ruleref uri="#id"> (not
 * recursive) and special="NULL"/"VOID", keys as the text of a rule or item, <tag>s (SISR: a
 * literal, or a script compiled with the grammar's others, "Script tags" below); without tags
 * the result is the keys typed. Each grammar becomes a flat table of cx_vx_gnode (runtime/vxgram.c
 * matches it); the fields' several grammars are alternatives. A <link>'s grammars are read
 * the same way, its dtmf keys one more alternative; a form-level <grammar> is read alone, its
 * slots the ids of its root rule and of the rules it refers to (docs/voicexml.md, "Mixed
 * initiative").
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "js.h"

enum { GS_MAXNODES = 1024 };

typedef struct GNode {
	int kind;            /* CX_VX_G_* */
	int min, max;        /* repeat (max -1: no bound) */
	char *keys;          /* KEYS: the keys; TAG: a literal's text */
	int *kids, nkids;
	Node *ref;           /* REF: the <rule> (resolved to its body's node at the end) */
	const char *name;    /* REF: that rule's id */
	const char *fn;      /* TAG of a script, top REF of a grammar with them: the C function
			      * returning the grammar's function (SISR scopes: runtime/vxgram.c) */
	int line;            /* TAG: its line; top REF: its header's first tag's */
	int rule, idx;       /* TAG of a script: its rule's index in the grammar, its own in the rule */
	Node *tag;           /* TAG of a script: the <tag> */
	bool si;             /* REF at a grammar's top: the grammar has tags */
} GNode;

typedef struct Gram {
	GNode *n;
	int nn, cap;
	Node **rules;        /* the rules of the grammar being read (its <rule> children) */
	Node *root;          /* the <grammar> */
	Node **body_rule;    /* rule -> node, filled as rules are compiled */
	int *body_node;
	int nbodies;
	bool bad;
	const char *rid;     /* the root rule's id of the last grammar read */
	bool literals;       /* the grammar being read has tag-format="semantics/1.0-literals" */
	bool tags;           /* it has <tag>s */
	bool anytags;        /* some grammar read has */
	bool emit;           /* the table is written: script tags are compiled */
	int body0, cur;      /* the grammar's first body, the body being read */
	int *stags, nstags;  /* the grammar's script TAG nodes */
} Gram;

/* Where script tags are compiled (vxml_srgs_code); none: tags are checked, not compiled. */
static Gen *gs_gen;
static int gs_ntags;

void vxml_srgs_code(Gen *g, Scope *const *sc)
{
	gs_gen = g;
	(void)sc; /* the tags' names are not the dialog's (gs__script) */
}

static int gs__node(Gram *g, int kind)
{
	if (g->nn == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		GNode *v = xcalloc((size_t)g->cap, sizeof(GNode));
		if (g->nn)
			memcpy(v, g->n, (size_t)g->nn * sizeof(GNode));
		g->n = v;
	}
	g->n[g->nn] = (GNode){.kind = kind, .min = 1, .max = 1};
	return g->nn++;
}

/* An error in the grammar (reported; the grammar is not used). */
#define gs__err(g, loc, ...) (diag_error((loc), __VA_ARGS__), (g)->bad = true)

static Node *gs__rule(Gram *g, const char *id)
{
	for (Node *k = g->root->kids; k; k = k->next) {
		Attr *a = !strcmp(k->tag, "rule") ? node_attr(k, "id") : NULL;
		if (a && !strcmp(a->value.s, id))
			return k;
	}
	return NULL;
}

/* The keys of an item's text s (at loc): DTMF keys, white space between them ignored. */
static char *gs__keys(Gram *g, const char *s, Loc loc)
{
	char *k = xcalloc(strlen(s) + 1, 1), *w = k;
	for (const char *p = s; *p; p++) {
		if (strchr(" \t\r\n", *p))
			continue;
		if (!strchr("0123456789*#ABCD", *p)) {
			gs__err(g, loc, "'%s' in a DTMF grammar: keys are 0-9 * # A-D", xstrndup(p, 1));
			return k;
		}
		*w++ = *p;
	}
	return k;
}

static int gs__compile(Gram *g, Node *e, int depth);

/* <item repeat>: "n", "n-m", "n-". */
static void gs__repeat(Gram *g, Attr *a, int idx)
{
	char *end;
	const char *s = a->value.s;
	long lo = strtol(s, &end, 10), hi = lo;
	if (end == s || lo < 0 || lo > 63)
		goto bad;
	if (*end == '-') {
		const char *h = end + 1;
		hi = -1;
		end = (char *)h;
		if (*h && ((hi = strtol(h, &end, 10)) < lo || hi > 63 || end == h))
			goto bad;
	}
	if (*end)
		goto bad;
	g->n[idx].min = (int)lo;
	g->n[idx].max = (int)hi;
	return;
bad:
	gs__err(g, a->value.loc, "repeat='%s': want n, n-m or n- (0 to 63)", s);
}

/* A sequence of e's content in document order: its keys and its elements (`1<tag>...</tag>`). */
static int gs__seq(Gram *g, Node *e, int depth)
{
	if (e->has_text && !e->kids) {
		int t = gs__node(g, CX_VX_G_KEYS);
		g->n[t].keys = gs__keys(g, e->text.s, e->text.loc);
		return t;
	}
	int kids[64], nk = 0;
	for (int i = 0; i < e->npieces; i++) {
		Node *k = e->pieces[i].elem;
		const char *text = k ? NULL : e->pieces[i].text;
		if (k && (!strcmp(k->tag, "example") || !strcmp(k->tag, "meta") || !strcmp(k->tag, "metadata")))
			continue;
		if (text && !text[strspn(text, " \t\r\n")])
			continue;
		if (nk == 64) {
			gs__err(g, k ? k->loc : e->loc, "<%s> holds more than 64 elements", e->tag);
			break;
		}
		if (k) {
			kids[nk++] = gs__compile(g, k, depth + 1);
		} else { /* the parser keeps no location per run: the element's text's */
			kids[nk] = gs__node(g, CX_VX_G_KEYS);
			g->n[kids[nk]].keys = gs__keys(g, text, e->text.loc);
			nk++;
		}
	}
	int s = gs__node(g, CX_VX_G_SEQ);
	g->n[s].kids = xcalloc((size_t)nk + 1, sizeof(int));
	memcpy(g->n[s].kids, kids, (size_t)nk * sizeof(int));
	g->n[s].nkids = nk;
	return s;
}

/* <tag>: its literal (semantics/1.0-literals), or a script, compiled with its grammar's
 * (gs__script). */
static int gs__tag(Gram *g, Node *e)
{
	int t = gs__node(g, CX_VX_G_TAG);
	g->tags = true;
	g->n[t].line = e->loc.line;
	if (e->kids)
		gs__err(g, e->kids->loc, "<%s> holds text (a script or a literal), not elements", "tag");
	const char *s = e->has_text ? e->text.s : "";
	if (g->literals) { /* the text, its white space at both ends left out */
		size_t b = strspn(s, " \t\r\n"), n = strlen(s + b);
		while (n && strchr(" \t\r\n", s[b + n - 1]))
			n--;
		g->n[t].keys = xstrndup(s + b, n);
		return t;
	}
	int idx = 0, rule = g->cur - g->body0;
	for (int i = 0; i < g->nstags; i++)
		idx += g->n[g->stags[i]].rule == rule;
	g->n[t].rule = rule;
	g->n[t].idx = idx;
	g->n[t].tag = e;
	int *v = xcalloc((size_t)g->nstags + 1, sizeof(int));
	if (g->nstags)
		memcpy(v, g->stags, (size_t)g->nstags * sizeof(int));
	v[g->nstags++] = t;
	g->stags = v;
	return t;
}

static int gs__compile(Gram *g, Node *e, int depth)
{
	if (depth > 32 || g->nn > GS_MAXNODES) {
		gs__err(g, e->loc, "<%s>: the grammar is too large or too deep (1024 nodes, 32 levels)", e->tag);
		return gs__node(g, CX_VX_G_SEQ);
	}
	if (!strcmp(e->tag, "item")) {
		for (int i = 0; i < e->nattrs; i++)
			if (strcmp(e->attrs[i].name, "repeat") && strcmp(e->attrs[i].name, "weight") &&
			    strcmp(e->attrs[i].name, "xml:lang"))
				gs__err(g, e->attrs[i].loc, "<item> attribute '%s' is not supported", e->attrs[i].name);
		int s = gs__seq(g, e, depth);
		Attr *rep = node_attr(e, "repeat");
		if (rep)
			gs__repeat(g, rep, s);
		return s;
	}
	if (!strcmp(e->tag, "one-of")) {
		int s = gs__node(g, CX_VX_G_ALT), kids[64], nk = 0;
		if (e->has_text)
			gs__err(g, e->text.loc, "<%s> holds <item>s, not text", "one-of");
		for (Node *k = e->kids; k; k = k->next) {
			if (strcmp(k->tag, "item")) {
				gs__err(g, k->loc, "<one-of> holds <item>s only, not <%s>", k->tag);
				continue;
			}
			if (nk < 64)
				kids[nk++] = gs__compile(g, k, depth + 1);
		}
		g->n[s].kids = xcalloc((size_t)nk + 1, sizeof(int));
		memcpy(g->n[s].kids, kids, (size_t)nk * sizeof(int));
		g->n[s].nkids = nk;
		return s;
	}
	if (!strcmp(e->tag, "ruleref")) {
		Attr *uri = node_attr(e, "uri"), *sp = node_attr(e, "special");
		if (sp && !uri && (!strcmp(sp->value.s, "NULL") || !strcmp(sp->value.s, "VOID")))
			return gs__node(g, !strcmp(sp->value.s, "NULL") ? CX_VX_G_SEQ : CX_VX_G_ALT);
		if (!uri || uri->value.s[0] != '#') {
			gs__err(g, e->loc, "<%s>: only uri=\"#rule\" of this grammar and special=\"NULL\"/\"VOID\" are "
				"supported", "ruleref");
			return gs__node(g, CX_VX_G_SEQ);
		}
		Node *r = gs__rule(g, uri->value.s + 1);
		if (!r) {
			gs__err(g, uri->value.loc, "<ruleref uri>: no <rule id='%s'> in this grammar", uri->value.s + 1);
			return gs__node(g, CX_VX_G_SEQ);
		}
		for (Node *p = e->parent; p; p = p->parent)
			if (p == r) {
				gs__err(g, uri->value.loc, "<ruleref uri='%s'>: recursive rules are not supported", uri->value.s);
				return gs__node(g, CX_VX_G_SEQ);
			}
		int s = gs__node(g, CX_VX_G_REF);
		g->n[s].ref = r;
		return s;
	}
	if (!strcmp(e->tag, "tag"))
		return gs__tag(g, e);
	if (!strcmp(e->tag, "token"))
		gs__err(g, e->loc, "<%s>: write the keys as the text of an <item>", "token");
	else
		gs__err(g, e->loc, "<%s> is not supported in a DTMF grammar", e->tag);
	return gs__node(g, CX_VX_G_SEQ);
}

/* The node of rule r's body, compiled once (rules reached by a <ruleref> are compiled after
 * the root; a ruleref chain is followed from where it was met, so recursion was caught). */
static int gs__body(Gram *g, Node *r)
{
	for (int i = 0; i < g->nbodies; i++)
		if (g->body_rule[i] == r)
			return g->body_node[i];
	Node **br = xcalloc((size_t)g->nbodies + 1, sizeof(Node *));
	int *bn = xcalloc((size_t)g->nbodies + 1, sizeof(int));
	if (g->nbodies) {
		memcpy(br, g->body_rule, (size_t)g->nbodies * sizeof(Node *));
		memcpy(bn, g->body_node, (size_t)g->nbodies * sizeof(int));
	}
	g->body_rule = br;
	g->body_node = bn;
	int i = g->nbodies++, cur = g->cur;
	br[i] = r;
	bn[i] = -1;
	g->cur = i;
	int n = gs__seq(g, r, 0);
	g->cur = cur;
	g->body_node[i] = n;
	return n;
}

/* <grammar srcexpr> (VoiceXML 2.1 §2.3): its URI is known only once the expression runs, when
 * the grammar is activated, but a grammar is compiled to tables with its document (a fetched
 * document's grammars are fetched and compiled before it runs): refused. */
void vxml_srgs_srcexpr(Node *gr)
{
	Attr *a = node_attr(gr, "srcexpr");
	if (a)
		diag_error(a->loc, "<grammar srcexpr> is not supported: a grammar is compiled with its document, "
			   "before any expression runs; name its file with src");
}

/* The <grammar> element a field's <grammar> stands for (inline: itself; src: the file's), or
 * NULL when it is not a DTMF grammar (voice: *voice set). */
static Node *gs__root(Node *gr, bool *voice, Attr **frag)
{
	Attr *src = node_attr(gr, "src"), *mode = node_attr(gr, "mode");
	Node *root = gr;
	*frag = NULL;
	if (mode && strcmp(mode->value.s, "dtmf")) { /* a voice grammar is not read */
		*voice = true;
		return NULL;
	}
	if (src) {
		if (gr->kids || gr->has_text) {
			diag_error(gr->loc, "<grammar src> holds no content");
			return NULL;
		}
		Attr *type = node_attr(gr, "type");
		/* SRGS XML's type, or the older name VoiceXML 2.0 drafts used and real applications
		 * still write (application/grammar+xml); parameters and case aside */
		size_t tn = type ? strcspn(type->value.s, "; \t") : 0;
		if (type && !((tn == 20 && !strncasecmp(type->value.s, "application/srgs+xml", tn)) ||
			      (tn == 23 && !strncasecmp(type->value.s, "application/grammar+xml", tn)))) {
			diag_error(type->value.loc, "<grammar type='%s'>: only SRGS XML grammars (application/srgs+xml, "
				   ".grxml) are read", type->value.s);
			return NULL;
		}
		size_t n = strcspn(src->value.s, "#");
		const char *file;
		if (src->value.s[0] == '#') {
			diag_error(src->value.loc, "<grammar src='%s'>: a .grxml file is wanted", src->value.s);
			return NULL;
		} else if (xml_fetched || xml_ngrammar_files) { /* fetched with the document (docs/fetch.md) */
			if (!(file = vxml_fetch_grammar(gr, src)))
				return NULL;
		} else {
			if (strstr(src->value.s, "://")) {
				diag_error(src->value.loc, "<grammar src='%s'>: a local .grxml file is wanted",
					   src->value.s);
				return NULL;
			}
			const char *path = gr->loc.src ? gr->loc.src->path : "";
			const char *slash = strrchr(path, '/');
			file = xprintf("%.*s%.*s", slash ? (int)(slash - path + 1) : 0, path, (int)n, src->value.s);
			if (access(file, R_OK)) {
				diag_error(src->value.loc, "<grammar src='%s'>: cannot read %s", src->value.s, file);
				return NULL;
			}
		}
		Doc *d = xml_load(file);
		if (!d)
			return NULL;
		dep_add(file);
		root = d->root;
		if (!root || strcmp(root->tag, "grammar")) {
			diag_error(src->value.loc, "<grammar src='%s'>: the file's root is not <grammar>", src->value.s);
			return NULL;
		}
		if (!mode)
			mode = node_attr(root, "mode");
		if (src->value.s[n])
			*frag = src;
	}
	if (!mode || strcmp(mode->value.s, "dtmf")) { /* SRGS: voice is the default */
		*voice = true;
		return NULL;
	}
	return root;
}

/* Does a path from node i come back to a node on it (rules referring to each other)? */
static bool gs__cyclic(Gram *g, int i, char *state)
{
	if (state[i])
		return state[i] == 1;
	state[i] = 1;
	GNode *n = &g->n[i];
	if (n->kind == CX_VX_G_REF && n->min <= -2 && gs__cyclic(g, -2 - n->min, state))
		return true;
	for (int k = 0; k < n->nkids; k++)
		if (gs__cyclic(g, n->kids[k], state))
			return true;
	state[i] = 2;
	return false;
}

/* Section - Script tags: one function per grammar (SISR scopes)
 *
 * A grammar's script tags are compiled as one ECMAScript function expression,
 *   function () {HEADER'S TAGS; return [RULE_0, RULE_1, ...];}
 * RULE_i (the i-th rule read) null when it has no script tag, else
 *   function () {return [function (out, rules, meta) {TAG\n;return out;}, ...]; var V;}
 * (runtime/vxgram.c calls it when a match is interpreted, then RULE_i at the first tag of each
 * match of rule i): the header's tags run once, before any rule's, their names seen by every
 * tag (SISR's global scope), and each match of a rule has one scope for its tags (SISR's rule
 * scope): a `var` at the top of a tag has its keyword blanked out (the text keeps its length)
 * and its names declared in V. The text maps back to the tags' bytes: errors point into them. */

typedef struct GsText {
	char *s;
	uint32_t *raw;
	size_t len, cap;
	uint32_t anchor;     /* where glue maps: the start of the tag coming, or the last one's end */
} GsText;

static void gs__grow(GsText *t, size_t n)
{
	if (t->len + n + 1 <= t->cap)
		return;
	t->cap = 2 * (t->len + n + 1);
	char *s = xcalloc(t->cap, 1);
	uint32_t *raw = xcalloc(t->cap, sizeof(uint32_t));
	if (t->len) {
		memcpy(s, t->s, t->len);
		memcpy(raw, t->raw, t->len * sizeof(uint32_t));
	}
	t->s = s;
	t->raw = raw;
}

static void gs__glue(GsText *t, const char *s)
{
	size_t n = strlen(s);
	gs__grow(t, n);
	for (size_t i = 0; i < n; i++)
		t->raw[t->len + i] = t->anchor;
	memcpy(t->s + t->len, s, n);
	t->len += n;
}

/* The text ends: its NUL, and its end's place (an error at the end, an unterminated string's,
 * points after the last tag's last byte). */
static void gs__end(GsText *t)
{
	gs__grow(t, 0);
	t->s[t->len] = '\0';
	t->raw[t->len] = t->anchor;
}

/* The byte offset of l in its file (its lines' starts kept for the last file asked about: a
 * document's tags are many, each asked about a few times). */
static uint32_t gs__off(Loc l)
{
	static const Source *src;
	static uint32_t *start;
	static int n;
	if (!l.src)
		return 0;
	if (src != l.src) {
		n = 1;
		for (size_t o = 0; o < l.src->len; o++)
			n += l.src->text[o] == '\n';
		start = xcalloc((size_t)n, sizeof(uint32_t));
		for (size_t o = 0, k = 1; o < l.src->len; o++)
			if (l.src->text[o] == '\n')
				start[k++] = (uint32_t)o + 1;
		src = l.src;
	}
	return (l.line >= 1 && l.line <= n ? start[l.line - 1] : 0) + (uint32_t)(l.col > 0 ? l.col - 1 : 0);
}

/* Where tag e's text begins in its file. */
static uint32_t gs__start(Node *e)
{
	const SrcText *x = &e->text;
	if (!e->has_text || !x->len)
		return gs__off(e->loc);
	return x->raw ? x->raw[0] : gs__off(x->loc);
}

/* Tag e's text; blank: offsets in it of `var` keywords blanked out (nb of them). */
static void gs__piece(GsText *t, Node *e, const int *blank, int nb)
{
	const SrcText *x = &e->text;
	size_t n = e->has_text ? x->len : 0;
	uint32_t start = gs__start(e);
	gs__grow(t, n);
	for (size_t i = 0; i < n; i++)
		t->raw[t->len + i] = x->raw ? x->raw[i] : start + (uint32_t)i;
	if (n)
		memcpy(t->s + t->len, x->s, n);
	for (int i = 0; i < nb; i++)
		memset(t->s + t->len + blank[i], ' ', 3);
	t->anchor = n ? t->raw[t->len + n - 1] + 1 : start;
	t->len += n;
}

typedef struct GsScopes {
	Node **head;         /* the header's tags */
	int nhead, nrules;
	size_t *at;          /* per script tag (g->stags' order): where its text is in the last text */
	int **blank, *nblank; /* per script tag: its `var`s blanked out */
	char ***vars;        /* per rule: the names its tags declare */
	int *nvars;
} GsScopes;

/* The grammar's function expression into t (vars: with the `var`s blanked out and declared). */
static void gs__build(Gram *g, GsScopes *sc, GsText *t, bool vars)
{
	*t = (GsText){.anchor = sc->nhead ? gs__start(sc->head[0]) : gs__start(g->n[g->stags[0]].tag)};
	gs__glue(t, "function () {");
	for (int i = 0; i < sc->nhead; i++) {
		t->anchor = gs__start(sc->head[i]);
		gs__piece(t, sc->head[i], NULL, 0);
		gs__glue(t, "\n;");
	}
	gs__glue(t, "return [");
	for (int r = 0; r < sc->nrules; r++) {
		gs__glue(t, r ? ", " : "");
		int n = 0;
		for (int k = 0; k < g->nstags; k++) {
			GNode *tn = &g->n[g->stags[k]];
			if (tn->rule != r)
				continue;
			gs__glue(t, n++ ? ", " : "function () {return [");
			t->anchor = gs__start(tn->tag);
			gs__glue(t, "function (out, rules, meta) {");
			sc->at[k] = t->len;
			gs__piece(t, tn->tag, vars ? sc->blank[k] : NULL, vars ? sc->nblank[k] : 0);
			gs__glue(t, "\n;return out;}");
		}
		gs__glue(t, n ? "];" : "null");
		for (int v = 0; n && vars && v < sc->nvars[r]; v++)
			gs__glue(t, xprintf("%s%s%s", v ? ", " : " var ", sc->vars[r][v], v + 1 < sc->nvars[r] ? "" : ";"));
		gs__glue(t, n ? "}" : "");
	}
	gs__glue(t, "];}");
	gs__end(t);
}

/* Name nm (an identifier of text t) declared in rule r's scope (once; not out, rules, meta). */
static void gs__declare(GsScopes *sc, const GsText *t, int r, TSNode nm)
{
	if (ts_node_is_null(nm) || strcmp(ts_node_type(nm), "identifier"))
		return;
	char *id = xstrndup(t->s + ts_node_start_byte(nm), ts_node_end_byte(nm) - ts_node_start_byte(nm));
	bool seen = !strcmp(id, "out") || !strcmp(id, "rules") || !strcmp(id, "meta");
	for (int v = 0; v < sc->nvars[r]; v++)
		seen |= !strcmp(sc->vars[r][v], id);
	if (seen)
		return;
	char **nv = xcalloc((size_t)sc->nvars[r] + 1, sizeof(char *));
	if (sc->nvars[r])
		memcpy(nv, sc->vars[r], (size_t)sc->nvars[r] * sizeof(char *));
	nv[sc->nvars[r]++] = id;
	sc->vars[r] = nv;
}

/* The `var`s of a tag's own scope (not of a function in it) under node x of the parsed text t:
 * declarations (`var a = 1, b`) and for-in heads (`for (var k in o)`), each a `var` keyword at
 * `at` to blank out. */
static void gs__vars(Gram *g, GsScopes *sc, const GsText *t, TSNode x)
{
	for (uint32_t i = 0; i < ts_node_named_child_count(x); i++)
		gs__vars(g, sc, t, ts_node_named_child(x, i));
	bool decl = !strcmp(ts_node_type(x), "variable_declaration");
	TSNode kw = ts_node_child_by_field_name(x, "kind", 4);
	if (!decl && (strcmp(ts_node_type(x), "for_in_statement") || ts_node_is_null(kw) || strcmp(ts_node_type(kw), "var")))
		return;
	size_t at = decl ? ts_node_start_byte(x) : ts_node_start_byte(kw);
	TSNode f = ts_node_parent(x);
	while (!ts_node_is_null(f) && !strstr(ts_node_type(f), "function") && strcmp(ts_node_type(f), "method_definition"))
		f = ts_node_parent(f);
	int k = -1;
	for (int j = 0; j < g->nstags; j++) {
		Node *e = g->n[g->stags[j]].tag;
		if (sc->at[j] <= at && at < sc->at[j] + (e->has_text ? e->text.len : 0))
			k = j;
	}
	if (k < 0 || ts_node_is_null(f) || ts_node_start_byte(f) >= sc->at[k])
		return; /* the header's, or a function's in a tag */
	int r = g->n[g->stags[k]].rule, *b = xcalloc((size_t)sc->nblank[k] + 1, sizeof(int));
	if (sc->nblank[k])
		memcpy(b, sc->blank[k], (size_t)sc->nblank[k] * sizeof(int));
	b[sc->nblank[k]++] = (int)(at - sc->at[k]);
	sc->blank[k] = b;
	if (!decl)
		gs__declare(sc, t, r, ts_node_child_by_field_name(x, "left", 4));
	for (uint32_t i = 0; decl && i < ts_node_named_child_count(x); i++)
		gs__declare(sc, t, r, ts_node_child_by_field_name(ts_node_named_child(x, i), "name", 4));
}

/* The text t parsed as the attribute of element e (errors reported), or NULL. */
static Attr *gs__parse(Node *e, const GsText *t)
{
	Attr *a = xcalloc(1, sizeof(Attr));
	a->name = "tag";
	a->id = -1;
	a->loc = e->loc;
	a->value = (SrcText){.s = t->s, .len = t->len, .loc = e->loc, .raw = t->raw};
	esparse_attr(e, a, CX_AK_EXPR);
	return a->tree ? a : NULL;
}

/* The grammar's script tags (and its header's, head[0 .. nhead)) checked, and compiled into
 * one function when the table is written (its name on top and on each script TAG). */
static void gs__script(Gram *g, Node *root, int top, Node **head, int nhead)
{
	if (!g->nstags && !nhead)
		return;
	int nr = g->nbodies - g->body0;
	GsScopes sc = {.head = head, .nhead = nhead, .nrules = nr, .at = xcalloc((size_t)g->nstags + 1, sizeof(size_t)),
		       .blank = xcalloc((size_t)g->nstags + 1, sizeof(int *)),
		       .nblank = xcalloc((size_t)g->nstags + 1, sizeof(int)),
		       .vars = xcalloc((size_t)nr + 1, sizeof(char **)), .nvars = xcalloc((size_t)nr + 1, sizeof(int))};
	GsText t;
	bool ok = true;
	for (int k = 0; k < nhead + g->nstags; k++) { /* each alone first: each one's syntax errors */
		Node *e = k < nhead ? head[k] : g->n[g->stags[k - nhead]].tag;
		t = (GsText){.anchor = gs__start(e)};
		gs__glue(&t, k < nhead ? "function () {" : "function (out, rules, meta) {");
		gs__piece(&t, e, NULL, 0);
		gs__glue(&t, "\n;}");
		gs__end(&t);
		Attr *a = gs__parse(e, &t);
		if (a && (!strstr(ts_node_type(a->expr), "function") || ts_node_end_byte(a->expr) != t.len)) {
			diag_error(e->loc, "<tag>: its script closes the function it is compiled into (a '}' "
				   "too many)");
			a = NULL;
		}
		ok &= a != NULL;
	}
	gs__build(g, &sc, &t, false);
	Attr *a = ok ? gs__parse(root, &t) : NULL;
	if (!a) {
		g->bad = true;
		return;
	}
	gs__vars(g, &sc, &t, a->expr);
	gs__build(g, &sc, &t, true);
	if (!(a = gs__parse(root, &t))) {
		g->bad = true;
		return;
	}
	g->n[top].line = nhead ? head[0]->loc.line : root->loc.line;
	if (!g->emit || !gs_gen)
		return;
	char *name = xprintf("sisr_gram_%d", ++gs_ntags);
	/* SISR's environment: the tags see their own names and ECMAScript's global object, not the
	 * dialog's variables (a scope above none of the document's) */
	Fn *F = fn_new(gs_gen, scope_new(NULL, SC_DOC), FN_COND, name, g->n[top].line);
	fn_line(F, g->n[top].line);
	fn_source(F, &a->value);
	fn_out(F, "return %s;", js_expr(F, a->expr));
	fn_end(F);
	g->n[top].fn = name;
	for (int k = 0; k < g->nstags; k++)
		g->n[g->stags[k]].fn = name;
}

/* The grammar's nodes; its root's index, or -1 after an error. */
static int gs__grammar(Gram *g, Node *gr, bool *voice)
{
	Attr *frag;
	Node *root = gs__root(gr, voice, &frag);
	if (!root)
		return -1;
	g->root = root;
	g->body0 = g->nbodies;
	g->nstags = 0;
	if (root->has_text)
		gs__err(g, root->text.loc, "a <%s> holds <rule>s, not text", "grammar");
	Attr *tf = node_attr(root, "tag-format");
	g->literals = tf && !strcmp(tf->value.s, "semantics/1.0-literals");
	g->tags = false;
	if (tf && !g->literals && strcmp(tf->value.s, "semantics/1.0"))
		gs__err(g, tf->value.loc, "tag-format='%s': want semantics/1.0 (script tags, the default) or "
			"semantics/1.0-literals (the tag's text is the value)", tf->value.s);
	Attr *ra = node_attr(root, "root");
	const char *rid = frag ? frag->value.s + strcspn(frag->value.s, "#") + 1 : ra ? ra->value.s : NULL;
	if (!rid) {
		gs__err(g, root->loc, "<%s> needs a root rule (its 'root' attribute)", "grammar");
		return -1;
	}
	Node *r = gs__rule(g, rid);
	g->rid = rid;
	if (!r) {
		gs__err(g, (frag ? frag : ra)->value.loc, "no <rule id='%s'> in the grammar", rid);
		return -1;
	}
	Node **head = xcalloc(1, sizeof(Node *));
	int nhead = 0;
	bool rules = false;
	for (Node *k = root->kids; k; k = k->next) {
		if (!strcmp(k->tag, "tag") && !rules && !g->literals) { /* the header's (SRGS §4.12): global */
			Node **h = xcalloc((size_t)nhead + 1, sizeof(Node *));
			memcpy(h, head, (size_t)nhead * sizeof(Node *));
			h[nhead++] = k;
			head = h;
			g->tags = true;
			if (k->kids)
				gs__err(g, k->kids->loc, "<%s> holds text (a script or a literal), not elements", "tag");
		} else if (!strcmp(k->tag, "tag")) {
			gs__err(g, k->loc, g->literals ? "<tag> in the grammar's header: a literal means nothing there "
				"(tag-format semantics/1.0-literals)" : "a <tag> of the grammar's header comes before its "
				"first <rule>");
		} else if (strcmp(k->tag, "rule") && strcmp(k->tag, "meta") && strcmp(k->tag, "metadata") &&
			   strcmp(k->tag, "lexicon")) {
			gs__err(g, k->loc, "<%s> in a <grammar>: <rule>s only", k->tag);
		}
		rules |= !strcmp(k->tag, "rule");
	}
	int top = gs__node(g, CX_VX_G_REF); /* the root rule, as a reference: SISR's frame of it */
	g->n[top].ref = r;
	for (int i = top; i < g->nn && !g->bad; i++) /* rules reached by reference */
		if (g->n[i].kind == CX_VX_G_REF && g->n[i].ref) {
			g->n[i].name = node_attr(g->n[i].ref, "id")->value.s;
			g->n[i].min = -2 - gs__body(g, g->n[i].ref), g->n[i].ref = NULL;
		}
	if (!g->bad && gs__cyclic(g, top, xcalloc((size_t)g->nn, 1)))
		gs__err(g, gr->loc, "<%s>: its rules refer to each other in a cycle (recursive rules are not "
			"supported)", "grammar");
	if (!g->bad)
		gs__script(g, root, top, head, nhead);
	g->n[top].si = g->tags;
	g->anytags |= g->tags && !g->bad;
	return g->bad ? -1 : top;
}

/* The grammars among first .. stop (exclusive) as alternatives, keys one more (NULL: none):
 * as vxml_srgs; slots (with nslots, up to 64): the root rule's id of the last grammar, then
 * the ids of the rules its sentences refer to, each once. */
static int gs__tables(Node *first, Node *stop, const char *keys, FILE *lf, int k, char **nodes, char **kids,
		      int *root, const char **slots, int *nslots)
{
	Gram G = {.emit = lf != NULL}, *g = &G;
	int tops[17], nt = 0;
	bool voice = false, dtmf = false;
	if (keys) { /* a <link dtmf>: one more alternative, its keys */
		tops[nt] = gs__node(g, CX_VX_G_KEYS);
		g->n[tops[nt++]].keys = xstrdup(keys);
		dtmf = true;
	}
	for (Node *gr = first; gr != stop; gr = gr->next) {
		if (strcmp(gr->tag, "grammar"))
			continue;
		bool v = false;
		int t = gs__grammar(g, gr, &v);
		g->bad = false;
		voice |= v;
		dtmf |= !v;
		if (t >= 0 && nt < 17)
			tops[nt++] = t;
	}
	if (nslots) {
		*nslots = 0;
		if (nt && g->rid)
			slots[(*nslots)++] = g->rid;
		for (int i = 0; nt && i < g->nn; i++) {
			bool seen = false;
			for (int j = 0; g->n[i].name && j < *nslots; j++)
				seen |= !strcmp(slots[j], g->n[i].name);
			if (g->n[i].name && !seen && *nslots < 64)
				slots[(*nslots)++] = g->n[i].name;
		}
	}
	if (!dtmf)
		return voice ? 0 : -1;
	if (!lf || !nt)
		return nt ? 1 + g->anytags : -1;
	int top = tops[0];
	if (nt > 1) { /* several grammars: alternatives */
		top = gs__node(g, CX_VX_G_ALT);
		g->n[top].kids = xcalloc((size_t)nt, sizeof(int));
		memcpy(g->n[top].kids, tops, (size_t)nt * sizeof(int));
		g->n[top].nkids = nt;
	}
	char *rows = xstrdup(""), *ks = xstrdup("");
	int nk = 0;
	for (int i = 0; i < g->nn; i++) {
		GNode *n = &g->n[i];
		int ref = n->kind == CX_VX_G_REF ? -2 - n->min : -1;
		bool tag = n->kind == CX_VX_G_TAG;
		rows = xprintf("%s\t{.kind = %d, .min = %d, .max = %d, .keys = %s, .first = %d, .n = %d%s%s%s},\n", rows,
			       n->kind, ref >= 0 ? 1 : n->min, ref >= 0 ? 1 : n->max,
			       n->keys ? c_quote(n->keys, strlen(n->keys)) : "NULL", ref >= 0 ? ref : tag ? n->rule : nk,
			       tag ? n->idx : n->nkids, n->name ? xprintf(", .name = %s", c_quote(n->name, strlen(n->name))) : "",
			       tag || n->fn ? xprintf(", .tag = %s, .line = %d", n->fn ? n->fn : "NULL", n->line) : "",
			       n->si ? ", .si = 1" : "");
		for (int j = 0; j < n->nkids; j++)
			ks = xprintf("%s%s%d", ks, nk++ ? ", " : "", n->kids[j]);
	}
	*nodes = xprintf("gram_%d", k);
	*kids = xprintf("gram_%d_kids", k);
	*root = top;
	fprintf(lf, "static const cx_vx_gnode gram_%d[] = {\n%s};\n", k, rows);
	fprintf(lf, "static const uint32_t gram_%d_kids[] = {%s};\n", k, nk ? ks : "0");
	return 1 + g->anytags;
}

int vxml_srgs(Node *field, const char *keys, FILE *lf, int k, char **nodes, char **kids, int *root)
{
	return gs__tables(field->kids, NULL, keys, lf, k, nodes, kids, root, NULL, NULL);
}

int vxml_srgs_form(Node *gr, FILE *lf, int k, char **nodes, char **kids, int *root, const char **slots,
		   int *nslots)
{
	return gs__tables(gr, gr->next, NULL, lf, k, nodes, kids, root, slots, nslots);
}
