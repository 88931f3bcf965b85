/*
 * vxml_check.c — the rules of the VoiceXML 2.1 subset ccxmlc compiles (docs/voicexml.md):
 * which elements exist, which attributes they take and need, where they may stand, the
 * builtin grammars of <field type>, <goto next> targets. Every expression, namelist and script
 * is parsed here too (esparse.c), so vxml_emit.c sees a document that is whole.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

enum { VA_LIT = 0, VA_EXPR = 1, VA_LHS = 2, VA_NAMES = 3, VA_REQ = 8 };

typedef struct VAttr {
	const char *name;
	int flags;
} VAttr;

/* Where an element may stand. */
enum { VP_VXML = 1, VP_FORM = 2, VP_EXEC = 4, VP_FIELD = 8, VP_PROMPT = 16, VP_IF = 32, VP_MENU = 64, VP_SUB = 128,
       VP_LINK = 256, VP_INIT = 512, VP_OBJ = 1024 };
#define VP_EVENTS (VP_VXML | VP_FORM | VP_FIELD | VP_MENU | VP_INIT | VP_OBJ) /* where catches stand */

typedef struct VElem {
	const char *tag;
	int where;          /* VP_* of the parents it may have (0: the root) */
	int holds;          /* VP_* context its children are in */
	VAttr attrs[16];
} VElem;

static const VElem vx__elems[] = {
	{"vxml", 0, VP_VXML, {{"version", VA_REQ}, {"xml:lang", 0}, {"xml:base", 0}, {"application", 0}}},
	{"form", VP_VXML, VP_FORM, {{"id", 0}, {"scope", 0}}},
	{"menu", VP_VXML, VP_MENU, {{"id", 0}, {"scope", 0}, {"dtmf", 0}, {"accept", 0}}},
	{"choice", VP_MENU, 0, {{"dtmf", 0}, {"accept", 0}, {"next", 0}, {"expr", VA_EXPR}, {"event", 0},
		{"eventexpr", VA_EXPR}, {"message", 0}, {"messageexpr", VA_EXPR}}},
	{"link", VP_VXML | VP_FORM | VP_FIELD | VP_MENU | VP_INIT, VP_LINK, {{"dtmf", 0}, {"next", 0}, {"expr", VA_EXPR},
		{"event", 0}, {"eventexpr", VA_EXPR}, {"message", 0}, {"messageexpr", VA_EXPR}, {"fetchtimeout", 0},
		{"maxage", 0}, {"maxstale", 0}, {"fetchaudio", 0}}},
	{"option", VP_FIELD, 0, {{"dtmf", 0}, {"accept", 0}, {"value", 0}}},
	{"enumerate", VP_PROMPT, VP_PROMPT, {{NULL, 0}}},
	/* its children are executable content, or prompt content inside a <prompt> (vx__node) */
	{"foreach", VP_EXEC | VP_PROMPT, 0, {{"array", VA_EXPR | VA_REQ}, {"item", VA_REQ}}},
	{"var", VP_VXML | VP_FORM | VP_EXEC, 0, {{"name", VA_REQ}, {"expr", VA_EXPR}}},
	{"script", VP_VXML | VP_FORM | VP_EXEC, 0, {{"src", 0}, {"srcexpr", 0}, {"charset", 0}, {"fetchtimeout", 0},
		{"maxage", 0}, {"maxstale", 0}}},
	{"block", VP_FORM, VP_EXEC, {{"name", 0}, {"expr", VA_EXPR}, {"cond", VA_EXPR}}},
	{"field", VP_FORM, VP_FIELD, {{"name", VA_REQ}, {"expr", VA_EXPR}, {"cond", VA_EXPR}, {"type", 0}, {"modal", 0},
		{"slot", 0}}},
	/* VoiceXML 2.0 §2.3.3: prompts, catches, links and properties; no grammar, no <filled> */
	{"initial", VP_FORM, VP_INIT, {{"name", 0}, {"expr", VA_EXPR}, {"cond", VA_EXPR}}},
	/* VoiceXML 2.0 §2.3.5: checked, run as a platform without objects (error.unsupported.objectname) */
	{"object", VP_FORM, VP_OBJ, {{"name", 0}, {"expr", VA_EXPR}, {"cond", VA_EXPR}, {"classid", 0}, {"codebase", 0},
		{"codetype", 0}, {"data", 0}, {"type", 0}, {"archive", 0}, {"fetchhint", 0}, {"fetchtimeout", 0},
		{"maxage", 0}, {"maxstale", 0}}},
	{"prompt", VP_FIELD | VP_EXEC | VP_MENU | VP_INIT | VP_OBJ, VP_PROMPT, {{"bargein", 0}, {"timeout", 0}, {"xml:lang", 0}, {"count", 0},
		{"cond", VA_EXPR}}},
	{"audio", VP_PROMPT | VP_EXEC | VP_FIELD | VP_MENU | VP_INIT | VP_OBJ, 0, {{"src", 0}, {"expr", VA_EXPR},
		{"fetchhint", 0}, {"fetchtimeout", 0}, {"maxage", 0}, {"maxstale", 0}}},
	{"grammar", VP_FIELD | VP_LINK | VP_FORM, 0, {{"mode", 0}, {"src", 0}, {"srcexpr", 0}, {"type", 0}, {"version", 0}, {"root", 0}, {"xml:lang", 0},
		{"scope", 0}, {"tag-format", 0}, {"fetchhint", 0}, {"fetchtimeout", 0}, {"maxage", 0}, {"maxstale", 0}}},
	{"filled", VP_FIELD | VP_FORM | VP_OBJ, VP_EXEC, {{"mode", 0}, {"namelist", 0}}},
	{"noinput", VP_EVENTS, VP_EXEC, {{"count", 0}, {"cond", VA_EXPR}}},
	{"nomatch", VP_EVENTS, VP_EXEC, {{"count", 0}, {"cond", VA_EXPR}}},
	{"help", VP_EVENTS, VP_EXEC, {{"count", 0}, {"cond", VA_EXPR}}},
	{"error", VP_EVENTS, VP_EXEC, {{"count", 0}, {"cond", VA_EXPR}}},
	{"catch", VP_EVENTS, VP_EXEC, {{"event", 0}, {"count", 0}, {"cond", VA_EXPR}}},
	{"clear", VP_EXEC, 0, {{"namelist", VA_NAMES}}},
	{"throw", VP_EXEC, 0, {{"event", 0}, {"eventexpr", VA_EXPR}, {"message", 0}, {"messageexpr", VA_EXPR}}},
	{"assign", VP_EXEC, 0, {{"name", VA_LHS | VA_REQ}, {"expr", VA_EXPR | VA_REQ}}},
	{"if", VP_EXEC, VP_EXEC | VP_IF, {{"cond", VA_EXPR | VA_REQ}}},
	{"elseif", VP_IF, 0, {{"cond", VA_EXPR | VA_REQ}}},
	{"else", VP_IF, 0, {{NULL, 0}}},
	{"log", VP_EXEC, 0, {{"expr", VA_EXPR}, {"label", 0}}},
	{"exit", VP_EXEC, 0, {{"expr", VA_EXPR}, {"namelist", VA_NAMES}}},
	{"disconnect", VP_EXEC, 0, {{NULL, 0}}},
	{"reprompt", VP_EXEC, 0, {{NULL, 0}}},
	{"goto", VP_EXEC, 0, {{"next", 0}, {"expr", VA_EXPR}, {"nextitem", 0}, {"expritem", VA_EXPR},
		{"fetchtimeout", 0}, {"maxage", 0}, {"maxstale", 0}, {"fetchaudio", 0}}},
	{"subdialog", VP_FORM, VP_FIELD | VP_SUB, {{"name", 0}, {"expr", VA_EXPR}, {"cond", VA_EXPR}, {"src", 0},
		{"srcexpr", VA_EXPR}, {"namelist", VA_NAMES}, {"method", 0}, {"enctype", 0}, {"fetchtimeout", 0},
		{"maxage", 0}, {"maxstale", 0}, {"fetchaudio", 0}}},
	{"submit", VP_EXEC, 0, {{"next", 0}, {"expr", VA_EXPR}, {"namelist", VA_NAMES}, {"method", 0},
		{"enctype", 0}, {"fetchtimeout", 0}, {"maxage", 0}, {"maxstale", 0}, {"fetchaudio", 0}}},
	{"data", VP_VXML | VP_FORM | VP_EXEC, 0, {{"src", 0}, {"srcexpr", VA_EXPR}, {"name", 0}, {"namelist", VA_NAMES}, {"method", 0},
		{"enctype", 0}, {"fetchtimeout", 0}, {"maxage", 0}, {"maxstale", 0}, {"fetchaudio", 0}}},
	{"param", VP_SUB | VP_OBJ, 0, {{"name", VA_REQ}, {"expr", VA_EXPR}, {"value", 0}, {"valuetype", 0}, {"type", 0}}},
	{"return", VP_EXEC, 0, {{"event", 0}, {"eventexpr", VA_EXPR}, {"message", 0}, {"messageexpr", VA_EXPR},
		{"namelist", VA_NAMES}}},
	{"value", VP_PROMPT, 0, {{"expr", VA_EXPR | VA_REQ}}},
	{"break", VP_PROMPT, 0, {{"time", 0}, {"strength", 0}}},
	{"mark", VP_PROMPT, 0, {{"name", 0}, {"nameexpr", VA_EXPR}}},
	{"property", VP_VXML | VP_FORM | VP_FIELD | VP_MENU | VP_EXEC | VP_INIT | VP_OBJ, 0, {{"name", VA_REQ}, {"value", VA_REQ}}},
	{"meta", VP_VXML, 0, {{"name", 0}, {"content", 0}, {"http-equiv", 0}}},
	{"metadata", VP_VXML, 0, {{NULL, 0}}}, /* its content (RDF) is not VoiceXML's: not read */
};

static const VElem *vx__elem(const char *tag)
{
	for (size_t i = 0; i < sizeof(vx__elems) / sizeof(vx__elems[0]); i++)
		if (!strcmp(vx__elems[i].tag, tag))
			return &vx__elems[i];
	return NULL;
}

static const VAttr *vx__attr(const VElem *e, const char *name)
{
	for (int i = 0; i < 16 && e->attrs[i].name; i++)
		if (!strcmp(e->attrs[i].name, name))
			return &e->attrs[i];
	return NULL;
}

/* Section - Builtin grammars */

/* "digits", "digits?length=4", "digits?minlength=1;maxlength=8", "boolean": the grammar
 * (CX_VX_*) and bounds; 0 after an error was reported. */
int vxml_builtin(Attr *type, int *minlen, int *maxlen, bool report)
{
	static const char *const simple[] = {"boolean", "number", "phone", "date", "time", "currency"};
	const char *s = type->value.s;
	*minlen = *maxlen = 0;
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		size_t n = strlen(simple[i]);
		if (strncmp(s, simple[i], n) || (s[n] && s[n] != '?'))
			continue;
		if (s[n]) {
			if (report)
				diag_error(srctext_loc(&type->value, n), "builtin grammar '%s' takes no parameters "
				           "in this version", simple[i]);
			return 0;
		}
		return CX_VX_BOOLEAN + (int)i; /* the order of enum cx_vx_gram */
	}
	if (strncmp(s, "digits", 6) || (s[6] && s[6] != '?')) {
		if (report)
			diag_error(type->value.loc, "builtin grammar '%s' is not supported (this version: "
			           "boolean, date, digits, currency, number, phone, time; docs/voicexml.md)", s);
		return 0;
	}
	for (const char *p = s[6] ? s + 7 : s + 6; *p;) {
		size_t n = strcspn(p, ";");
		char *kv = xstrndup(p, n), *eq = strchr(kv, '='), *end = NULL;
		long v = eq ? strtol(eq + 1, &end, 10) : -1;
		if (!eq || !end || *end || eq == kv + 1 || v < 1 || v > 63) {
			if (report)
				diag_error(srctext_loc(&type->value, (size_t)(p - s)),
				           "bad digits parameter '%s' (want length=N, minlength=N or maxlength=N, 1..63)", kv);
			return 0;
		}
		*eq = 0;
		if (!strcmp(kv, "length"))
			*minlen = *maxlen = (int)v;
		else if (!strcmp(kv, "minlength"))
			*minlen = (int)v;
		else if (!strcmp(kv, "maxlength"))
			*maxlen = (int)v;
		else {
			if (report)
				diag_error(srctext_loc(&type->value, (size_t)(p - s)),
				           "unknown digits parameter '%s' (length, minlength, maxlength)", kv);
			return 0;
		}
		p += n + (p[n] == ';');
	}
	if (*maxlen && *minlen > *maxlen) {
		if (report)
			diag_error(type->value.loc, "digits minlength %d is above maxlength %d", *minlen, *maxlen);
		return 0;
	}
	return CX_VX_DIGITS;
}

/* Section - <break> (SSML 1.0 §3.2.3) */

long vxml_break_ms(Node *n, bool report)
{
	static const char *const names[] = {"none", "x-weak", "weak", "medium", "strong", "x-strong"};
	static const long ms[] = {0, 100, 250, 500, 1000, 2000};
	Attr *t = node_attr(n, "time"), *st = node_attr(n, "strength");
	if (t) { /* time wins over strength (SSML 1.0) */
		if (!report) {
			char *end;
			double v = strtod(t->value.s, &end);
			return (long)(!strcmp(end, "ms") ? v : v * 1000);
		}
		long v = vxml_time(t);
		if (v > CX_VX_BREAK_MAX_MS) {
			diag_error(t->value.loc, "<break time='%s'>: a break lasts %ds at most", t->value.s,
			           CX_VX_BREAK_MAX_MS / 1000);
			return -1;
		}
		return v;
	}
	for (size_t i = 0; st && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(st->value.s, names[i]))
			return ms[i];
	if (st) {
		if (report)
			diag_error(st->value.loc, "<break strength='%s'>: want none, x-weak, weak, medium, strong or "
			           "x-strong", st->value.s);
		return -1;
	}
	return 500; /* neither: medium */
}

/* Section - The walk */

typedef struct VChk {
	Doc *doc;
	const Options *opt;
	Node **forms;
	int nforms;
	bool approot;       /* the document is the application root of another given to ccxmlc */
	Node **formfill;    /* the <field>s a form-level grammar may fill (vx__form) */
	int nformfill;
} VChk;

/* Is tag one of the NULL-ended tags? */
static bool vx__one_of(const char *tag, const char *const *tags)
{
	for (; *tags; tags++)
		if (!strcmp(tag, *tags))
			return true;
	return false;
}

bool vxml_is_item(const Node *n)
{
	static const char *const tags[] = {"block", "field", "record", "transfer", "subdialog", "initial", "object",
		NULL};
	return vx__one_of(n->tag, tags);
}

bool vxml_is_input(const Node *n)
{
	return vxml_is_item(n) && strcmp(n->tag, "block") && strcmp(n->tag, "initial");
}

static void vx__attrs(Node *n, const VElem *e)
{
	for (int i = 0; i < n->nattrs; i++) {
		Attr *a = &n->attrs[i];
		if (a->ns && strncmp(a->name, "xml:", 4))
			continue; /* attributes of other namespaces are not VoiceXML's */
		const VAttr *va = vx__attr(e, a->name);
		if (!va) {
			diag_error(a->loc, "<%s> has no attribute '%s'", n->tag, a->name);
			continue;
		}
		int kind = va->flags & 7;
		if (kind == VA_EXPR)
			esparse_attr(n, a, CX_AK_EXPR);
		else if (kind == VA_LHS)
			esparse_attr(n, a, CX_AK_LHS);
		else if (kind == VA_NAMES)
			esparse_attr(n, a, CX_AK_NAMELIST);
	}
	for (int i = 0; i < 16 && e->attrs[i].name; i++)
		if ((e->attrs[i].flags & VA_REQ) && !node_attr(n, e->attrs[i].name))
			diag_error(n->loc, "<%s> needs the '%s' attribute", n->tag, e->attrs[i].name);
}

static void vx__node(VChk *c, Node *n, int ctx);

/* The DTMF sequence key of a <choice> or <option>: 1 to 32 keys that no other choice of its
 * menu (option of its field) has; keys[0 .. *nkeys) those seen before it. */
static void vx__keys(Node *k, const char *key, const char **keys, int *nkeys)
{
	Attr *d = node_attr(k, "dtmf");
	if (!*key || strspn(key, "0123456789*#ABCD") != strlen(key) || strlen(key) > 32)
		diag_error(d ? d->value.loc : k->loc, "<%s dtmf='%s'>: want 1 to 32 keys of 0-9 * # A-D", k->tag, key);
	for (int i = 0; i < *nkeys; i++)
		if (!strcmp(keys[i], key))
			diag_error(d ? d->value.loc : k->loc, "<%s dtmf='%s'>: another %s of this %s has it", k->tag, key,
			           k->tag, k->parent->tag);
	if (*nkeys < 64)
		keys[(*nkeys)++] = key;
}

/* The <option>s of a field (VoiceXML 2.0 §2.3.1.3): each has a value (its attribute or its
 * text); DTMF only here, so one without dtmf can never be chosen (a warning), and options
 * none of which has dtmf are an error when the field has no other DTMF grammar (docs/
 * decisions.md). How many have dtmf (-1: that error). */
static int vx__options(Node *n, bool other)
{
	const char *keys[64];
	int nkeys = 0, nopt = 0;
	for (Node *k = n->kids; k; k = k->next) {
		if (strcmp(k->tag, "option"))
			continue;
		nopt++;
		Attr *d = node_attr(k, "dtmf");
		if (!node_attr(k, "value") && !k->has_text)
			diag_error(k->loc, "<option> needs a 'value' or text (the field's value when it is chosen)");
		if (d)
			vx__keys(k, d->value.s, keys, &nkeys);
	}
	if (nopt && !nkeys && !other) {
		diag_error(n->loc, "<field name='%s'>: none of its <option>s has dtmf: speech input is not supported, "
		           "give them dtmf=\"N\"", node_attr(n, "name") ? node_attr(n, "name")->value.s : "");
		return -1;
	}
	for (Node *k = nopt > nkeys ? n->kids : NULL; k; k = k->next)
		if (!strcmp(k->tag, "option") && !node_attr(k, "dtmf"))
			diag_warn(W_SPEECH, k->loc, "<option> without dtmf: speech input is not supported, it can never "
			          "be chosen");
	return nkeys;
}

/* May a form-level grammar fill field n? */
static bool vx__formfilled(VChk *c, Node *n)
{
	for (int i = 0; i < c->nformfill; i++)
		if (c->formfill[i] == n)
			return true;
	return false;
}

const char *vxml_slot(Node *field)
{
	Attr *a = node_attr(field, "slot");
	if (!a)
		a = node_attr(field, "name");
	return a ? a->value.s : NULL;
}

/* scope="dialog" or "document" (VoiceXML 2.0 §3.1.3) of a <form>, <menu> or form-level <grammar>. */
static void vx__scope(Node *n)
{
	Attr *a = node_attr(n, "scope");
	if (a && strcmp(a->value.s, "dialog") && strcmp(a->value.s, "document"))
		diag_error(a->value.loc, "<%s scope='%s'>: dialog or document", n->tag, a->value.s);
}

/* <grammar scope> (VoiceXML 2.0 §3.1.3): a form's grammars only; one in a field, a link or any
 * other element takes its scope from there (the spec makes it error.badfetch). */
static void vx__gramscope(Node *g)
{
	Attr *a = node_attr(g, "scope");
	if (a && strcmp(g->parent->tag, "form"))
		diag_error(a->loc, "<grammar scope> is for a <form>'s grammars: one in a <%s> has the scope of its "
		           "<%s> (VoiceXML 2.0 §3.1.3)", g->parent->tag, g->parent->tag);
	else
		vx__scope(g);
}

/* A form's grammars (VoiceXML 2.0 §3.1.6; docs/voicexml.md "Mixed initiative"): a DTMF one
 * fills the <field>s whose slot (their slot, else their name) its match names, the id of its
 * root rule or of a rule it refers to: at least one must have such a slot (with <tag>s, the
 * properties of its out, known at run time: any field may be filled). An <initial> needs
 * one of them (nothing else can fill the form while it collects). */
static void vx__form(VChk *c, Node *f)
{
	int dtmf = 0;
	vx__scope(f);
	for (Node *k = f->kids; k; k = k->next) {
		Attr *sl = !strcmp(k->tag, "field") ? node_attr(k, "slot") : NULL;
		const char *p = sl ? sl->value.s : NULL;
		for (size_t n; p && (n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"));)
			p = p[n] == '.' ? p + n + 1 : p[n] ? p + n : NULL; /* NULL: a name ended the slot */
		if (p)
			diag_error(sl->value.loc, "<field slot='%s'>: a slot is a name or a dotted path of names (letters, "
			           "digits, _ and $: a rule id, or a property of the grammar's semantic result)", sl->value.s);
		if (strcmp(k->tag, "grammar"))
			continue;
		const char *slots[64];
		int ns = 0, root;
		char *nodes, *kids;
		int r = vxml_srgs_form(k, NULL, 0, &nodes, &kids, &root, slots, &ns);
		if (r == 0)
			diag_warn(W_SPEECH, k->loc, "form-level <grammar> without mode=\"dtmf\": speech input is not "
			          "supported, it never matches");
		if (r <= 0 || !ns)
			continue;
		dtmf++;
		bool any = false;
		for (Node *fl = f->kids; fl; fl = fl->next) {
			const char *name = !strcmp(fl->tag, "field") ? vxml_slot(fl) : NULL;
			for (int i = 0; name && i < ns; i++)
				if (r == 2 || !strcmp(name, slots[i])) { /* with <tag>s: its out names the slots */
					any = true;
					Node **v = xcalloc((size_t)c->nformfill + 1, sizeof(Node *));
					if (c->nformfill)
						memcpy(v, c->formfill, (size_t)c->nformfill * sizeof(Node *));
					v[c->nformfill++] = fl;
					c->formfill = v;
					break;
				}
		}
		if (!any && r == 2)
			diag_error(k->loc, "form-level <grammar>: this form has no <field> for it to fill");
		else if (!any)
			diag_error(k->loc, "form-level <grammar>: no <field> of this form has the slot '%s'%s (its match "
			           "fills the fields whose slot, or name, is the id of its root rule or of a rule it refers "
			           "to; docs/voicexml.md)", slots[0], ns > 1 ? " or that of a rule it refers to" : "");
	}
	for (Node *k = dtmf ? NULL : f->kids; k; k = k->next)
		if (!strcmp(k->tag, "initial"))
			diag_error(k->loc, "<initial> in a <form> without a form-level DTMF <grammar>: no input could "
			           "fill the form while it collects (VoiceXML 2.0 §2.3.3)");
}

/* The <param>s of a <subdialog> or <object>: each has exactly one of expr and value; their number. */
static int vx__params(Node *n)
{
	int np = 0;
	for (Node *k = n->kids; k; k = k->next)
		if (!strcmp(k->tag, "param")) {
			np++;
			Attr *vt = node_attr(k, "valuetype");
			if (!node_attr(k, "expr") == !node_attr(k, "value"))
				diag_error(k->loc, "<param> needs exactly one of 'expr' and 'value'");
			if (vt && strcmp(vt->value.s, "data") && strcmp(vt->value.s, "ref"))
				diag_error(vt->value.loc, "<param valuetype='%s'>: data or ref", vt->value.s);
		}
	return np;
}

/* A <script src> was read in by xml_load (xml.c) as if inline. srcexpr names a script known
 * only at run time, which a compiled document has no way to run (no eval). */
static void vx__script(Node *n)
{
	Attr *a = node_attr(n, "srcexpr");
	if (a)
		diag_error(a->loc, "<script srcexpr> is not supported: a script is compiled with its document, "
		           "name it with 'src'");
	vxml_fetch_check(n);
	if (n->has_text)
		esparse_script(n);
}

/* <object> (VoiceXML 2.0 §2.3.5): checked as other elements; this platform has no objects, so
 * visiting one throws error.unsupported.objectname (said at compile time too). */
static void vx__object(Node *n)
{
	Attr *cl = node_attr(n, "classid");
	vxml_fetch_check(n);
	vx__params(n);
	diag_warn(W_UNSUPPORTED, n->loc, "<object%s%s%s>: this platform has no objects, visiting it throws "
	          "error.unsupported.objectname", cl ? " classid='" : "", cl ? cl->value.s : "", cl ? "'" : "");
}

static void vx__field(VChk *c, Node *n)
{
	Attr *type = node_attr(n, "type");
	int lo, hi;
	int srgs = vxml_srgs(n, NULL, NULL, 0, NULL, NULL, NULL); /* -1 none, 0 voice, 1 DTMF */
	bool grammar = srgs > 0;
	if (type)
		vxml_builtin(type, &lo, &hi, true);
	if (type && grammar)
		diag_error(type->loc, "<field type> with a DTMF <grammar>: give one of them (this version)");
	int options = vx__options(n, type || grammar);
	Attr *modal = node_attr(n, "modal");
	bool alone = modal && !strcmp(modal->value.s, "true"); /* §2.3.1: only its own grammars */
	if (modal && !alone && strcmp(modal->value.s, "false"))
		diag_error(modal->value.loc, "<field modal='%s'>: true or false", modal->value.s);
	if (!vxml_prop_dtmf(n))
		diag_warn(W_SPEECH, n->loc, "<field name='%s'>: its inputmodes property has no dtmf: speech input is not "
		             "supported, it can only get noinput", node_attr(n, "name") ? node_attr(n, "name")->value.s : "");
	else if (!type && !grammar && !options && (alone || !vx__formfilled(c, n)))
		diag_warn(W_SPEECH, n->loc, "<field name='%s'%s> has no DTMF grammar: speech input is not supported, "
		             "it can only get noinput", node_attr(n, "name") ? node_attr(n, "name")->value.s : "",
		             alone ? " modal='true'" : "");
}

/* next="#id" of a <goto> or <choice>: a form or menu of this document. */
static void vx__target(VChk *c, Node *n, Attr *a)
{
	if (a->value.s[0] != '#') {
		diag_error(a->value.loc, "<%s %s='%s'>: only '#id' targets in this document are supported",
		           n->tag, a->name, a->value.s);
		return;
	}
	for (int i = 0; i < c->nforms; i++) {
		Attr *id = node_attr(c->forms[i], "id");
		if (id && !strcmp(id->value.s, a->value.s + 1))
			return;
	}
	diag_error(a->value.loc, "<%s %s='%s'>: no <form> or <menu> with id '%s' in this document", n->tag,
	           a->name, a->value.s, a->value.s + 1);
}

static size_t vx__srcbase(const char *s, const char **base);

/* Is the xml:base of n's document an http(s) URI? (Its relative URIs are then fetched: runtime/
 * vxml.c cx_vx__baseurl, docs/voicexml.md "xml:base".) */
static bool vx__webbase(const Node *n)
{
	while (n->parent)
		n = n->parent;
	Attr *b = node_attr((Node *)n, "xml:base");
	return b && (!strncasecmp(b->value.s, "http://", 7) || !strncasecmp(b->value.s, "https://", 8));
}

/* A document URI (not "#id") of <goto next>, <subdialog src> or <submit next> of n: a .vxml
 * given to ccxmlc, an http(s) URI (fetched at run time, runtime/vxfetch.c), or any relative URI
 * in a document that is itself fetched at run time (resolved against its URL then) or whose
 * xml:base is an http(s) URI. */
static bool vx__docuri(VChk *c, const Node *n, const char *s)
{
	const char *b, *fb;
	size_t len = vx__srcbase(s, &b);
	if (c->opt->fetched || !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8))
		return true;
	if (strcspn(s, ":") >= strcspn(s, "/?#") && vx__webbase(n))
		return true;
	for (int i = 0; i < c->opt->nfiles; i++) {
		size_t flen = vx__srcbase(c->opt->files[i], &fb);
		if (flen > 5 && flen == len && !strncmp(fb, b, len) && !strcmp(fb + flen - 5, ".vxml"))
			return true;
	}
	return false;
}

/* Exactly one of next/expr/nextitem/expritem; next names a form or menu, nextitem an item of
 * the enclosing form. */
static void vx__goto(VChk *c, Node *n)
{
	Attr *a = node_attr(n, "next"), *item = node_attr(n, "nextitem");
	if (!!a + !!node_attr(n, "expr") + !!item + !!node_attr(n, "expritem") != 1) {
		diag_error(n->loc, "<goto> needs exactly one of 'next', 'expr', 'nextitem' and 'expritem'");
		return;
	}
	if (a && a->value.s[0] != '#' && !vx__docuri(c, n, a->value.s))
		diag_error(a->value.loc, "<goto next='%s'>: not a .vxml given to ccxmlc nor an http(s) URI "
			   "(a relative URI is fetched only from a document fetched at run time; "
			   "docs/voicexml.md)", a->value.s);
	else if (a && a->value.s[0] == '#')
		vx__target(c, n, a);
	vxml_fetch_check(n);
	if (!item)
		return;
	Node *f = n->parent;
	while (f && strcmp(f->tag, "form"))
		f = f->parent;
	for (Node *k = f ? f->kids : NULL; k; k = k->next) {
		Attr *name = node_attr(k, "name");
		if (vxml_is_item(k) && name && !strcmp(name->value.s, item->value.s))
			return;
	}
	diag_error(item->value.loc, "<goto nextitem='%s'>: no form item of that name in this <form>", item->value.s);
}

/* The DTMF sequence of a <choice>: its dtmf, or 1-9 in document order among the choices
 * without one when the menu has dtmf="true"; NULL if none. */
const char *vxml_choice_dtmf(Node *menu, Node *choice)
{
	Attr *d = node_attr(choice, "dtmf"), *a = node_attr(menu, "dtmf");
	if (d)
		return d->value.s;
	if (!a || strcmp(a->value.s, "true"))
		return NULL;
	int seq = 0;
	for (Node *k = menu->kids; k; k = k->next)
		if (!strcmp(k->tag, "choice") && !node_attr(k, "dtmf") && ++seq && k == choice)
			return seq <= 9 ? xprintf("%d", seq) : NULL;
	return NULL;
}

/* The <menu>, or <field> with <option>s, whose choices or options an <enumerate> lists: the
 * element its <prompt> (and any <foreach>s around it) stands in; NULL when that is neither. */
Node *vxml_enum_owner(Node *en)
{
	Node *m = en->parent;
	while (m && (!strcmp(m->tag, "prompt") || !strcmp(m->tag, "foreach")))
		m = m->parent;
	if (m && !strcmp(m->tag, "menu"))
		return m;
	for (Node *k = m && !strcmp(m->tag, "field") ? m->kids : NULL; k; k = k->next)
		if (!strcmp(k->tag, "option"))
			return m;
	return NULL;
}

/* <filled>: mode and namelist on a form's only; the namelist names fields of the form. */
static void vx__filled(Node *n)
{
	Attr *mode = node_attr(n, "mode"), *nl = node_attr(n, "namelist");
	if (strcmp(n->parent->tag, "form")) {
		if (mode || nl)
			diag_error((mode ? mode : nl)->loc, "a field's <filled> takes no '%s' (a form's does)",
			           mode ? "mode" : "namelist");
		return;
	}
	if (mode && strcmp(mode->value.s, "any") && strcmp(mode->value.s, "all"))
		diag_error(mode->value.loc, "<filled mode='%s'>: want 'all' or 'any'", mode->value.s);
	for (const char *p = nl ? nl->value.s : ""; *p;) {
		p += strspn(p, " \t\r\n");
		size_t len = strcspn(p, " \t\r\n");
		if (!len)
			break;
		bool found = false;
		for (Node *k = n->parent->kids; k && !found; k = k->next) {
			Attr *name = node_attr(k, "name");
			found = vxml_is_input(k) && name && strlen(name->value.s) == len &&
				!strncmp(name->value.s, p, len);
		}
		if (!found)
			diag_error(srctext_loc(&nl->value, (size_t)(p - nl->value.s)),
			           "<filled namelist>: '%.*s' is no input item of this form", (int)len, p);
		p += len;
	}
}

/* message / messageexpr of a <choice> or <link>: at most one, and only with an event. */
static void vx__message(Node *n, bool event)
{
	Attr *m = node_attr(n, "message"), *mx = node_attr(n, "messageexpr");
	if (m && mx)
		diag_error(mx->loc, "<%s> takes 'message' or 'messageexpr', not both", n->tag);
	else if ((m || mx) && !event)
		diag_error((m ? m : mx)->loc, "<%s %s> goes with an event (event or eventexpr)", n->tag,
		           m ? "message" : "messageexpr");
	Attr *ev = node_attr(n, "event");
	if (ev && !ev->value.s[0])
		diag_error(ev->value.loc, "<%s event=''>: the event has no name", n->tag);
}

char *vxml_link_dtmf(Node *link, bool report)
{
	Attr *d = node_attr(link, "dtmf");
	if (!d)
		return NULL;
	char *keys = xcalloc(strlen(d->value.s) + 1, 1), *w = keys;
	for (const char *p = d->value.s; *p; p++)
		if (!strchr(" \t\r\n", *p))
			*w++ = *p;
	if (!*keys || strspn(keys, "0123456789*#ABCD") != strlen(keys) || strlen(keys) > 63) {
		if (report)
			diag_error(d->value.loc, "<link dtmf='%s'>: want 1 to 63 keys of 0-9 * # A-D", d->value.s);
		return NULL;
	}
	return keys;
}

/* <link> (VoiceXML 2.0 §2.5): exactly one of next/expr/event/eventexpr (next as <goto>'s, the
 * fetch attributes with next/expr), message/messageexpr with an event; a DTMF grammar (its
 * dtmf, a DTMF <grammar>, or both). */
static void vx__link(VChk *c, Node *n)
{
	Attr *next = node_attr(n, "next"), *ex = node_attr(n, "expr");
	Attr *ev = node_attr(n, "event"), *evx = node_attr(n, "eventexpr");
	if (strcmp(n->parent->tag, "field") && strcmp(n->parent->tag, "form") && strcmp(n->parent->tag, "menu") &&
	    strcmp(n->parent->tag, "vxml") && strcmp(n->parent->tag, "initial"))
		diag_error(n->loc, "<link> in a <%s> is not supported: links are active while a field or menu "
		           "collects (docs/voicexml.md)", n->parent->tag);
	if (!!next + !!ex + !!ev + !!evx != 1)
		diag_error(n->loc, "<link> needs exactly one of 'next', 'expr', 'event' and 'eventexpr'");
	else
		vx__message(n, ev || evx);
	if (next && next->value.s[0] == '#' && c->approot)
		diag_error(next->value.loc, "<link next='%s'> in an application root: its links are active in the "
		           "leaf documents, name the document (next='DOC.vxml%s')", next->value.s, next->value.s);
	else if (next && next->value.s[0] == '#')
		vx__target(c, n, next);
	else if (next && !vx__docuri(c, n, next->value.s))
		diag_error(next->value.loc, "<link next='%s'>: not a .vxml given to ccxmlc nor an http(s) URI "
			   "(a relative URI is fetched only from a document fetched at run time; "
			   "docs/voicexml.md)", next->value.s);
	vxml_fetch_check(n);
	static const char *const fetch[] = {"fetchtimeout", "maxage", "maxstale", "fetchaudio"};
	for (size_t i = 0; (ev || evx) && i < sizeof(fetch) / sizeof(fetch[0]); i++)
		if (node_attr(n, fetch[i]))
			diag_error(node_attr(n, fetch[i])->loc, "<link %s> goes with next or expr (a link that throws "
			           "fetches nothing)", fetch[i]);
	bool keys = node_attr(n, "dtmf") != NULL;
	if (keys)
		vxml_link_dtmf(n, true);
	int srgs = vxml_srgs(n, NULL, NULL, 0, NULL, NULL, NULL); /* -1 none, 0 voice, 1 DTMF */
	if (!keys && srgs < 0)
		diag_error(n->loc, "<link> needs a DTMF grammar: a 'dtmf' attribute or a <grammar mode=\"dtmf\">");
	else if (!keys && srgs == 0)
		diag_warn(W_SPEECH, n->loc, "<link> has no DTMF grammar: speech input is not supported, it never matches");
}

/* A <menu>: each choice has exactly one of next/expr/event and a DTMF sequence (its own, or
 * 1-9 by <menu dtmf="true">) that no other choice has; <enumerate> holds nothing here. */
static void vx__menu(VChk *c, Node *m)
{
	const char *keys[64];
	int nkeys = 0;
	vx__scope(m);
	for (Node *k = m->kids; k; k = k->next) {
		if (strcmp(k->tag, "choice"))
			continue;
		Attr *next = node_attr(k, "next"), *ex = node_attr(k, "expr"), *ev = node_attr(k, "event");
		Attr *evx = node_attr(k, "eventexpr");
		if (!!next + !!ex + !!ev + !!evx != 1)
			diag_error(k->loc, "<choice> needs exactly one of 'next', 'expr', 'event' and 'eventexpr'");
		else
			vx__message(k, ev || evx);
		if (next)
			vx__target(c, k, next);
		const char *key = vxml_choice_dtmf(m, k);
		if (!key) {
			diag_error(k->loc, "<choice> has no DTMF sequence: give it dtmf=\"N\" or <menu "
			           "dtmf=\"true\"> (speech choices are not supported)");
			continue;
		}
		vx__keys(k, key, keys, &nkeys);
	}
	if (!nkeys)
		diag_error(m->loc, "<menu> holds no <choice>");
}

/* <catch>, <noinput>, <nomatch>, <help>, <error>. */
bool vxml_is_catch(const Node *n)
{
	static const char *const tags[] = {"catch", "noinput", "nomatch", "help", "error", NULL};
	return vx__one_of(n->tag, tags);
}

/* Exactly one of event/eventexpr, at most one of message/messageexpr (VoiceXML 2.0 §5.2.1). */
static void vx__throw(Node *n)
{
	Attr *ev = node_attr(n, "event"), *evx = node_attr(n, "eventexpr");
	Attr *m = node_attr(n, "message"), *mx = node_attr(n, "messageexpr");
	if (!ev == !evx)
		diag_error(n->loc, "<throw> needs exactly one of 'event' and 'eventexpr'");
	else if (ev && !ev->value.s[0])
		diag_error(ev->value.loc, "<throw event=''>: the event has no name");
	if (m && mx)
		diag_error(mx->loc, "<throw> takes 'message' or 'messageexpr', not both");
}

/* The file name of a src (its path, query and fragment left out): 0 if it is empty. */
static size_t vx__srcbase(const char *s, const char **base)
{
	size_t n = strcspn(s, "?#");
	const char *b = s;
	for (const char *p = s; p < s + n; p++)
		if (*p == '/')
			b = p + 1;
	*base = b;
	return (size_t)(s + n - b);
}

/* method get or post; enctype application/x-www-form-urlencoded or multipart/form-data (with
 * post); the fetch attributes (vxml_fetch.c): of <submit>, <subdialog> and <data>. */
static void vx__method(Node *n)
{
	Attr *m = node_attr(n, "method"), *et = node_attr(n, "enctype");
	if (m && strcmp(m->value.s, "get") && strcmp(m->value.s, "post"))
		diag_error(m->value.loc, "<%s method='%s'>: get or post", n->tag, m->value.s);
	if (et && strcmp(et->value.s, "application/x-www-form-urlencoded") &&
	    strcmp(et->value.s, "multipart/form-data"))
		diag_error(et->value.loc, "<%s enctype='%s'>: application/x-www-form-urlencoded or "
			   "multipart/form-data", n->tag, et->value.s);
	else if (et && !strcmp(et->value.s, "multipart/form-data") && (!m || strcmp(m->value.s, "post")))
		diag_error(et->value.loc, "<%s enctype='multipart/form-data'> needs method='post'", n->tag);
	vxml_fetch_check(n);
}

/* <subdialog>: one of src/srcexpr; a src names a form of this document ("#id") or a .vxml
 * given to ccxmlc ("doc.vxml", "doc.vxml#id"); each <param> has one of expr/value. */
static void vx__subdialog(VChk *c, Node *n)
{
	Attr *src = node_attr(n, "src"), *nl = node_attr(n, "namelist");
	int nargs = nl && nl->nnames > 0 ? nl->nnames : 0;
	if (!src == !node_attr(n, "srcexpr"))
		diag_error(n->loc, "<subdialog> needs exactly one of 'src' and 'srcexpr'");
	nargs += vx__params(n);
	if (nargs > 64)
		diag_error(n->loc, "<subdialog> passes %d values: 64 at most", nargs);
	vx__method(n);
	if (!src)
		return;
	if (src->value.s[0] == '#') {
		vx__target(c, n, src);
		return;
	}
	const char *b;
	size_t len = vx__srcbase(src->value.s, &b);
	if (!vx__docuri(c, n, src->value.s))
		diag_error(src->value.loc, "<subdialog src='%s'>: '%.*s' is not a .vxml given to ccxmlc nor an "
			   "http(s) URI (a relative URI is fetched only from a document fetched at run time; "
			   "docs/voicexml.md)", src->value.s, (int)len, b);
}

/* <submit> (VoiceXML 2.0 §5.3.8): one of next/expr, next a document URI; method get or post;
 * enctype application/x-www-form-urlencoded or multipart/form-data; fetchtimeout a time. */
static void vx__submit(VChk *c, Node *n)
{
	Attr *next = node_attr(n, "next");
	if (!next == !node_attr(n, "expr"))
		diag_error(n->loc, "<submit> needs exactly one of 'next' and 'expr'");
	else if (next && (next->value.s[0] == '#' || !vx__docuri(c, n, next->value.s)))
		diag_error(next->value.loc, "<submit next='%s'>: not a .vxml given to ccxmlc nor an http(s) URI "
			   "(a relative URI is fetched only from a document fetched at run time; "
			   "docs/voicexml.md)", next->value.s);
	vx__method(n);
}

/* <data> (VoiceXML 2.1 §6.1): one of src/srcexpr; method and enctype as <submit>'s; a plain
 * variable name. It stands in executable content, <if>s included, or among the <var>s of a
 * document or form (vxml_emit.c cuts the body there: what follows runs once the document is
 * there). */
static void vx__data(Node *n)
{
	Attr *name = node_attr(n, "name");
	if (!node_attr(n, "src") == !node_attr(n, "srcexpr"))
		diag_error(n->loc, "<data> needs exactly one of 'src' and 'srcexpr'");
	vx__method(n);
	if (name && (!*name->value.s || strchr(name->value.s, '.')))
		diag_error(name->value.loc, "<data name='%s'>: a variable name", name->value.s);
	for (Node *p = n->parent; p; p = p->parent)
		if (!strcmp(p->tag, "foreach")) {
			diag_error(n->loc, "<data> inside a <foreach> is not supported (this version: the loop cannot "
			           "wait for the document; fetch it before the <foreach>)");
			break;
		}
}

/* <foreach> (VoiceXML 2.1 §6): item names a variable (declared in the scope the <foreach>
 * stands in, vxml_emit.c): an ECMAScript identifier, not a reserved word or literal. */
static void vx__foreach(Node *n)
{
	static const char reserved[] = " break case catch class const continue debugger default delete do else enum "
		"export extends false finally for function if import in instanceof new null return super switch this "
		"throw true try typeof var void while with ";
	Attr *item = node_attr(n, "item");
	const char *s = item ? item->value.s : "";
	bool ok = *s && !(*s >= '0' && *s <= '9');
	for (const char *p = s; *p && ok; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		     *p == '$' || (*p & 0x80);
	if (ok && strlen(s) < 16) {
		char word[20];
		snprintf(word, sizeof(word), " %s ", s);
		ok = !strstr(reserved, word);
	}
	if (item && !ok)
		diag_error(item->value.loc, "<foreach item='%s'>: not a variable name", s);
}

/* Section - Application root documents (VoiceXML 2.0 §1.5.2) */

Doc *vxml_app_root(Doc *leaf, const Options *opt, bool report)
{
	Attr *app = leaf->root && !strcmp(leaf->root->tag, "vxml") ? node_attr(leaf->root, "application") : NULL;
	if (!app)
		return NULL;
	if (xml_app_file) { /* --app-file: the root it names, fetched with it (docs/fetch.md) */
		Attr *up = xml_app_doc && leaf != xml_app_doc ? node_attr(xml_app_doc->root, "application") : NULL;
		if (up && report)
			diag_error(app->value.loc, "<vxml application='%s'>: the application root %s names an "
				   "application root itself ('%s'); a root has none (VoiceXML 2.0 §1.5.2)",
				   app->value.s, xml_app_url ? xml_app_url : xml_app_file, up->value.s);
		return up || leaf == xml_app_doc ? NULL : xml_app_doc;
	}
	const char *b, *fb;
	size_t len = vx__srcbase(app->value.s, &b);
	for (int i = 0; opt->docs && i < opt->nfiles; i++) {
		size_t flen = vx__srcbase(opt->files[i], &fb);
		if (!(flen > 5 && flen == len && !strncmp(fb, b, len) && !strcmp(fb + flen - 5, ".vxml")))
			continue;
		Doc *root = opt->docs[i];
		Attr *up = root && root->root ? node_attr(root->root, "application") : NULL;
		if (root == leaf) {
			if (report)
				diag_error(app->value.loc, "<vxml application='%s'> names this document itself: an "
				           "application root is another .vxml", app->value.s);
			return NULL;
		}
		if (up) {
			if (report)
				diag_error(app->value.loc, "<vxml application='%s'>: '%.*s' is a leaf document itself "
				           "(its application is '%s'), not an application root", app->value.s, (int)len, b,
				           up->value.s);
			return NULL;
		}
		return root && root->root && !strcmp(root->root->tag, "vxml") ? root : NULL;
	}
	if (report)
		diag_error(app->value.loc, "<vxml application='%s'>: '%.*s' is not a .vxml given to ccxmlc (the "
		           "application root document is compiled with its leaves; docs/voicexml.md)", app->value.s,
		           (int)len, b);
	return NULL;
}

/* <return>: a namelist, or an event (event/eventexpr) with at most one of message/messageexpr. */
static void vx__return(Node *n)
{
	Attr *ev = node_attr(n, "event"), *evx = node_attr(n, "eventexpr"), *nl = node_attr(n, "namelist");
	Attr *m = node_attr(n, "message"), *mx = node_attr(n, "messageexpr");
	if (ev && evx)
		diag_error(evx->loc, "<return> takes 'event' or 'eventexpr', not both");
	else if ((ev || evx) && nl)
		diag_error(nl->loc, "<return> takes a 'namelist' or an event, not both");
	else if (!ev && !evx && (m || mx))
		diag_error((m ? m : mx)->loc, "<return %s> goes with an event (event or eventexpr)",
		           m ? "message" : "messageexpr");
	else if (ev && !ev->value.s[0])
		diag_error(ev->value.loc, "<return event=''>: the event has no name");
	if (m && mx)
		diag_error(mx->loc, "<return> takes 'message' or 'messageexpr', not both");
}

static void vx__node(VChk *c, Node *n, int ctx)
{
	bool srgs = n->ns && !strcmp(n->ns, "http://www.w3.org/2001/06/grammar") && !strcmp(n->tag, "grammar");
	const VElem *e = n->ns && strcmp(n->ns, "http://www.w3.org/2001/vxml") && !srgs ? NULL : vx__elem(n->tag);
	int io = e ? -1 : vxml_io_check(n, ctx == VP_FORM); /* record, transfer (vxml_io.c) */
	for (Node *k = n->kids; io == 1 && k; k = k->next)
		vx__node(c, k, VP_FIELD);
	if (io >= 0)
		return;
	if (!e) {
		diag_error(n->loc, "unknown element <%s> in a VoiceXML document", n->tag);
		return;
	}
	if (ctx == VP_INIT && (!strcmp(n->tag, "grammar") || !strcmp(n->tag, "filled"))) {
		diag_error(n->loc, "an <initial> has no <%s> (VoiceXML 2.0 §2.3.3: the form's grammars fill its fields, "
		           "their <filled>s run)", n->tag);
		return;
	}
	if (!(e->where & ctx) && !(ctx == VP_IF && (e->where & VP_EXEC)) && !(!e->where && !ctx)) {
		diag_error(n->loc, "<%s> cannot stand inside <%s>", n->tag, n->parent ? n->parent->tag : "?");
		return;
	}
	vx__attrs(n, e);
	if (!strcmp(n->tag, "metadata"))
		return; /* ignored, its content unread (VoiceXML 2.1 §8) */
	bool in_prompt = !strcmp(n->tag, "foreach") && (ctx & VP_PROMPT); /* a <foreach> holds prompt content */
	if (!strcmp(n->tag, "script"))
		vx__script(n);
	else if (n->has_text && strcmp(n->tag, "prompt") && strcmp(n->tag, "audio") && strcmp(n->tag, "log") &&
	         strcmp(n->tag, "choice") && strcmp(n->tag, "enumerate") && strcmp(n->tag, "option") && !in_prompt)
		diag_error(n->text.loc, "<%s> holds no text", n->tag);
	if (!strcmp(n->tag, "field"))
		vx__field(c, n);
	else if (!strcmp(n->tag, "form"))
		vx__form(c, n);
	else if (!strcmp(n->tag, "object"))
		vx__object(n);
	else if (!strcmp(n->tag, "goto"))
		vx__goto(c, n);
	else if (!strcmp(n->tag, "menu"))
		vx__menu(c, n);
	else if (!strcmp(n->tag, "filled"))
		vx__filled(n);
	else if (!strcmp(n->tag, "enumerate")) {
		Node *m = vxml_enum_owner(n);
		if (!m)
			diag_error(n->loc, "<enumerate> is supported in the <prompt>s of a <menu> or of a <field> with "
			           "<option>s only");
	}
	else if (!strcmp(n->tag, "foreach"))
		vx__foreach(n);
	else if (!strcmp(n->tag, "audio")) {
		if (!node_attr(n, "src") == !node_attr(n, "expr"))
			diag_error(n->loc, "<audio> needs exactly one of 'src' and 'expr'");
		vxml_fetch_check(n);
	}
	else if (!strcmp(n->tag, "mark") && !node_attr(n, "name") == !node_attr(n, "nameexpr"))
		diag_error(n->loc, "<mark> needs exactly one of 'name' and 'nameexpr'");
	else if (!strcmp(n->tag, "throw"))
		vx__throw(n);
	else if (!strcmp(n->tag, "break"))
		vxml_break_ms(n, true);
	else if (!strcmp(n->tag, "subdialog"))
		vx__subdialog(c, n);
	else if (!strcmp(n->tag, "submit"))
		vx__submit(c, n);
	else if (!strcmp(n->tag, "data"))
		vx__data(n);
	else if (!strcmp(n->tag, "property"))
		vxml_prop_check(n);
	else if (!strcmp(n->tag, "return"))
		vx__return(n);
	else if (!strcmp(n->tag, "grammar") && strcmp(n->parent->tag, "field") && strcmp(n->parent->tag, "link") &&
	         strcmp(n->parent->tag, "form") && strcmp(n->parent->tag, "transfer"))
		diag_error(n->loc, "<grammar> stands in a <field>, <form>, <link> or <transfer> in this version");
	else if (!strcmp(n->tag, "link"))
		vx__link(c, n);
	if (!strcmp(n->tag, "grammar")) {
		vxml_fetch_check(n);
		vx__gramscope(n);
		vxml_srgs_srcexpr(n);
		return; /* its SRGS content is vxml_srgs.c's */
	}
	else if (vxml_is_catch(n) || !strcmp(n->tag, "prompt")) {
		Attr *a = node_attr(n, "count");
		char *end = NULL;
		if (a && (strtol(a->value.s, &end, 10) < 1 || *end))
			diag_error(a->value.loc, "count='%s' must be a whole number from 1", a->value.s);
		Attr *b = node_attr(n, "bargein");
		if (b && strcmp(b->value.s, "true") && strcmp(b->value.s, "false"))
			diag_error(b->value.loc, "bargein='%s' must be true or false", b->value.s);
	}
	for (Node *k = n->kids; k; k = k->next)
		vx__node(c, k, !strcmp(n->tag, "foreach") ? (in_prompt ? VP_PROMPT : VP_EXEC) : e->holds);
}

void vxml_check(Doc *doc, const Options *opt)
{
	VChk c = {.doc = doc, .opt = opt};
	Node *root = doc->root;
	if (!root || strcmp(root->tag, "vxml")) {
		diag_error(root ? root->loc : (Loc){&doc->src, 1, 1}, "a .vxml document starts with <vxml version=\"2.1\">");
		return;
	}
	for (Node *k = root->kids; k; k = k->next)
		if (!strcmp(k->tag, "form") || !strcmp(k->tag, "menu")) {
			Node **nf = xcalloc((size_t)c.nforms + 1, sizeof(Node *));
			if (c.nforms)
				memcpy(nf, c.forms, (size_t)c.nforms * sizeof(Node *));
			nf[c.nforms++] = k;
			c.forms = nf;
			Attr *id = node_attr(k, "id");
			for (int i = 0; id && i < c.nforms - 1; i++) {
				Attr *o = node_attr(c.forms[i], "id");
				if (o && !strcmp(o->value.s, id->value.s))
					diag_error(id->value.loc, "a <form> or <menu> with id '%s' came before", id->value.s);
			}
		}
	/* an application root may hold only what its leaves share (--app-file: it has one) */
	bool approot = doc == xml_app_doc;
	for (int i = 0; opt->docs && i < opt->nfiles && !approot; i++)
		approot = opt->docs[i] && opt->docs[i] != doc && vxml_app_root(opt->docs[i], opt, false) == doc;
	c.approot = approot;
	if (!c.nforms && !approot)
		diag_error(root->loc, "<vxml> holds no <form> or <menu>");
	for (Node *k = approot ? root->kids : NULL; k; k = k->next) {
		if (!strcmp(k->tag, "data"))
			diag_error(k->loc, "<data> in an application root document is not supported yet (its "
				   "leaves' documents may have one; docs/voicexml.md)");
		Attr *sc = node_attr(k, "scope");
		bool wide = sc && !strcmp(sc->value.s, "document");
		for (Node *g = !strcmp(k->tag, "form") ? k->kids : NULL; g && !wide; g = g->next)
			wide = !strcmp(g->tag, "grammar") && (sc = node_attr(g, "scope")) && !strcmp(sc->value.s, "document");
		if (wide && !node_attr(k, "id")) /* a leaf goes to it to take the keys (vxml_emit.c) */
			diag_warn(W_UNSUPPORTED, sc->loc, "<%s scope='document'> in an application root, of a <%s> without "
				  "an id: its grammars are active in the root document only, not in its leaves (no "
				  "<goto> can name the dialog; docs/voicexml.md)", sc == node_attr(k, "scope") ? k->tag :
				  "grammar", k->tag);
	}
	Doc *app = vxml_app_root(doc, opt, false); /* its properties count (inputmodes) */
	vxml_prop_app(app ? app->root : NULL);
	vx__node(&c, root, 0);
	vxml_prop_app(NULL);
}
