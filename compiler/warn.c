/*
 * warn.c — the named warnings, over every CCXML document of the program at once (a <send> in
 * one document may raise the event another one waits for). Each catches a mistake that compiles
 * and then fails silently during a call:
 *
 *   unknown-event          a transition event that no platform event and no <send> produces
 *   unknown-state          a state= name never assigned to the state variable
 *   undeclared             <assign> to a name no <var> or script declares
 *   cond-assign            cond="x = 1"
 *   shadowed-transition    a transition an earlier one always takes first (-Wall)
 *   unhandled-connection   a connection with no transition for its end (-Wall)
 *
 * Every check is conservative: when the program computes something the compiler cannot see (a
 * state variable assigned from an expression or in a script), it says nothing. docs/warnings.md.
 */
#include <string.h>
#include <strings.h>

#include "compiler.h"

/* The events CCXML 1.0 platforms raise (this runtime raises each of them; docs/events.md). */
static const char *const warn__platform[] = {
	"ccxml.created", "ccxml.exit", "ccxml.kill", "ccxml.kill.unconditional", "ccxml.loaded",
	"conference.created", "conference.destroyed", "conference.joined", "conference.unjoined",
	"connection.accept.failed", "connection.alerting", "connection.connected",
	"connection.disconnected", "connection.failed", "connection.merge.failed", "connection.merged",
	"connection.progressing", "connection.redirect.failed", "connection.redirected",
	"connection.reject.failed", "connection.signal", "dialog.disconnect", "dialog.exit",
	"dialog.prepared", "dialog.started", "dialog.transfer", "dialog.terminatetransfer",
	"error.conference.create", "error.conference.destroy", "error.conference.join",
	"error.conference.unjoin", "error.connection.wrongstate", "error.createccxml", "error.dialog",
	"error.dialog.notprepared", "error.dialog.notstarted", "error.dialog.wrongstate", "error.fetch",
	"error.move", "error.notallowed", "error.semantic", "error.send.failed",
	"error.send.targettypeinvalid", "error.send.targetunavailable", "error.unsupported",
	"fetch.done", "send.successful",
};
#define WARN_NPLATFORM (sizeof(warn__platform) / sizeof(warn__platform[0]))

/* First name segments CCXML reserves for the platform's events; any other name (user.x, an
 * HTTP-injected event) may come from outside the program. */
static const char *const warn__reserved[] = {
	"ccxml", "conference", "connection", "dialog", "error", "fetch", "send",
};

/* A growing list of names. */
typedef struct Names {
	const char **v;
	int n, cap;
} Names;

/* Section - Helpers */

static void warn__push(Names *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		const char **nv = xcalloc((size_t)l->cap, sizeof(char *));
		if (l->n)
			memcpy(nv, l->v, (size_t)l->n * sizeof(char *));
		l->v = nv;
	}
	l->v[l->n++] = s;
}

static Attr *warn__attr(Node *n, int id)
{
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].id == id)
			return &n->attrs[i];
	return NULL;
}

/* CCXML's event matching (runtime/event.c cx_rt_match): NULL and "*" match all, "x.*" matches x
 * and x.…, "x*" any name starting with x, else the name itself; ASCII case-insensitive. */
static bool warn__match(const char *p, const char *name)
{
	if (!p || !strcmp(p, "*"))
		return true;
	size_t pl = strlen(p), nl = strlen(name);
	if (pl >= 2 && p[pl - 2] == '.' && p[pl - 1] == '*')
		return nl >= pl - 2 && !strncasecmp(p, name, pl - 2) && (name[pl - 2] == 0 || name[pl - 2] == '.');
	if (p[pl - 1] == '*')
		return nl >= pl - 1 && !strncasecmp(p, name, pl - 1);
	return !strcasecmp(p, name);
}

/* Does pattern a match every name pattern b matches? */
static bool warn__covers(const char *a, const char *b)
{
	if (!a || !strcmp(a, "*"))
		return true;
	if (!b || !strcmp(b, "*"))
		return false;
	size_t bl = strlen(b);
	if (bl >= 2 && b[bl - 2] == '.' && b[bl - 1] == '*') {
		char *l = xstrndup(b, bl - 2);
		return warn__match(a, l) && warn__match(a, xprintf("%s.\x01", l));
	}
	if (b[bl - 1] == '*') {
		char *l = xstrndup(b, bl - 1);
		return warn__match(a, l) && warn__match(a, xprintf("%s\x01", l)) &&
		       warn__match(a, xprintf("%s.\x01", l));
	}
	return warn__match(a, b);
}

/* Is word (n bytes) one of the whitespace-separated words of list? */
static bool warn__in_list(const char *list, const char *word, size_t n)
{
	const char *p = list;
	while (*p) {
		while (*p && strchr(" \t\r\n", *p))
			p++;
		size_t k = strcspn(p, " \t\r\n");
		if (k && k == n && !memcmp(p, word, n))
			return true;
		p += k;
	}
	return false;
}

/* Calls f on every element of the tree under n (n included), in document order. */
static void warn__walk(Node *n, void (*f)(Node *, void *), void *arg)
{
	for (; n; n = n->next) {
		if (n->elem < 0 || n->elem == CX_E_metadata)
			continue;
		f(n, arg);
		warn__walk(n->kids, f, arg);
	}
}

static Node *warn__eventprocessor(Doc *d)
{
	for (Node *k = d->root->kids; k; k = k->next)
		if (k->elem == CX_E_eventprocessor)
			return k;
	return NULL;
}

static Node *warn__transition_of(Node *n)
{
	while (n && n->elem != CX_E_transition)
		n = n->parent;
	return n;
}

/* Section - unknown-event */

/* The constant <send name>s of the whole program. */
static void warn__collect_send(Node *n, void *arg)
{
	const char *s = n->elem == CX_E_send ? attr_string(warn__attr(n, CX_A_send_name)) : NULL;
	if (s)
		warn__push(arg, s);
}

static void warn__event(Names *sent, Attr *a)
{
	const char *p = a->value.s;
	if (!*p || !strcmp(p, "*"))
		return;
	for (size_t i = 0; i < WARN_NPLATFORM; i++)
		if (warn__match(p, warn__platform[i]))
			return;
	for (int i = 0; i < sent->n; i++)
		if (warn__match(p, sent->v[i]) || warn__covers(sent->v[i], p))
			return;
	size_t seg = strcspn(p, ".*");
	bool reserved = false;
	for (size_t i = 0; i < sizeof(warn__reserved) / sizeof(warn__reserved[0]); i++)
		if (strlen(warn__reserved[i]) == seg && !strncasecmp(p, warn__reserved[i], seg))
			reserved = true;
	if (!reserved || !strncasecmp(p, "dialog.user.", 12))
		return; /* a user event: it may come from outside (basichttp, another program) */
	const char *best = NULL;
	int bd = 99;
	for (size_t i = 0; i < WARN_NPLATFORM; i++)
		if (diag_suggest(p, warn__platform[i], &bd))
			best = warn__platform[i];
	const char *why = "the platform never raises it and no <send> of the program sends it";
	if (best)
		diag_warn(W_UNKNOWN_EVENT, a->value.loc, "no event '%s' can reach this transition: %s; "
		          "did you mean '%s'?", p, why, best);
	else
		diag_warn(W_UNKNOWN_EVENT, a->value.loc, "no event '%s' can reach this transition: %s",
		          p, why);
}

/* Section - unknown-state */

typedef struct States {
	const char *var;     /* the state variable */
	Names vals;          /* the constants assigned to it */
	bool opaque;         /* also assigned something the compiler cannot read */
} States;

/* Is `name` (an <assign>/<var> name) the state variable, ccxml.-qualified or not? */
static bool warn__is_var(const char *name, const char *var)
{
	if (!strncmp(name, "ccxml.", 6))
		name += 6;
	return !strcmp(name, var);
}

static void warn__collect_state(Node *n, void *arg)
{
	States *st = arg;
	Attr *name = NULL, *expr = NULL;
	if (n->elem == CX_E_assign) {
		name = warn__attr(n, CX_A_assign_name);
		expr = warn__attr(n, CX_A_assign_expr);
	} else if (n->elem == CX_E_var) {
		name = warn__attr(n, CX_A_var_name);
		expr = warn__attr(n, CX_A_var_expr);
	} else if (n->elem == CX_E_script) {
		/* A script may assign it: give up unless the script never names it. */
		if (!n->has_text || strstr(n->text.s, st->var))
			st->opaque = true;
		return;
	}
	if (!name || !warn__is_var(name->value.s, st->var))
		return;
	if (!expr)
		return; /* <var> without expr: undefined */
	const char *v = attr_string(expr);
	if (!v) {
		st->opaque = true;
		return;
	}
	warn__push(&st->vals, v);
}

static void warn__states(Doc *d, Node *ep)
{
	Attr *sv = warn__attr(ep, CX_A_eventprocessor_statevariable);
	if (!sv)
		return;
	States st = { .var = sv->value.s };
	warn__walk(d->root->kids, warn__collect_state, &st);
	if (st.opaque)
		return;
	for (Node *t = ep->kids; t; t = t->next) {
		Attr *a = t->elem == CX_E_transition ? warn__attr(t, CX_A_transition_state) : NULL;
		if (!a)
			continue;
		const char *s = a->value.s;
		size_t i = 0;
		while (i < a->value.len) {
			while (i < a->value.len && strchr(" \t\r\n", s[i]))
				i++;
			size_t k = strcspn(s + i, " \t\r\n");
			if (!k)
				break;
			char *word = xstrndup(s + i, k);
			bool found = false;
			const char *best = NULL;
			int bd = 99;
			for (int j = 0; j < st.vals.n && !found; j++) {
				if (!strcmp(st.vals.v[j], word))
					found = true;
				if (diag_suggest(word, st.vals.v[j], &bd))
					best = st.vals.v[j];
			}
			if (!found) {
				Loc at = srctext_loc(&a->value, i);
				if (best)
					diag_warn(W_UNKNOWN_STATE, at, "state '%s' is never assigned to the state "
					          "variable '%s': this transition cannot be chosen; did you mean '%s'?",
					          word, st.var, best);
				else
					diag_warn(W_UNKNOWN_STATE, at, "state '%s' is never assigned to the state "
					          "variable '%s': this transition cannot be chosen", word, st.var);
			}
			i += k;
		}
	}
}

/* Section - undeclared */

typedef struct Decls {
	Names names;
	bool unknown;   /* a script the compiler could not read (src=): anything may be declared */
} Decls;

static void warn__decl(Decls *ds, const char *name)
{
	const char *dot = strchr(name, '.');
	if (dot && (!strncmp(name, "ccxml.", 6) || !strncmp(name, "transition.", 11) ||
	            !strncmp(name, "application.", 12)))
		name = dot + 1;
	warn__push(&ds->names, name);
}

/* var/let/const declarators and function declarations anywhere in a script. */
static void warn__script_decls(Decls *ds, const char *text, TSNode x)
{
	const char *t = ts_node_type(x);
	if (!strcmp(t, "variable_declarator") || !strcmp(t, "function_declaration") ||
	    !strcmp(t, "assignment_expression")) {
		/* x = 1 in a script makes a global x as well (ES3, no strict mode) */
		TSNode nm = t[0] == 'a' ? ts_node_child_by_field_name(x, "left", 4)
		                        : ts_node_child_by_field_name(x, "name", 4);
		if (!ts_node_is_null(nm) && !strcmp(ts_node_type(nm), "identifier"))
			warn__decl(ds, xstrndup(text + ts_node_start_byte(nm),
			                        ts_node_end_byte(nm) - ts_node_start_byte(nm)));
	}
	uint32_t k = ts_node_named_child_count(x);
	for (uint32_t i = 0; i < k; i++)
		warn__script_decls(ds, text, ts_node_named_child(x, i));
}

static void warn__collect_decl(Node *n, void *arg)
{
	Decls *ds = arg;
	Attr *a;
	if (n->elem == CX_E_var && (a = warn__attr(n, CX_A_var_name)))
		warn__decl(ds, a->value.s);
	else if (n->elem == CX_E_assign && (a = warn__attr(n, CX_A_assign_name)) &&
	         !strncmp(a->value.s, "application.", 12))
		warn__decl(ds, a->value.s); /* assigning application.x creates x */
	else if (n->elem == CX_E_transition && (a = warn__attr(n, CX_A_transition_name)))
		warn__decl(ds, a->value.s);
	else if (n->elem == CX_E_script) {
		if (n->script)
			warn__script_decls(ds, n->text.s, ts_tree_root_node(n->script));
		else
			ds->unknown = true;
	}
}

/* Is name declared? If not, *best is the nearest declared name for "did you mean", or NULL. */
static bool warn__declared(const Decls *ds, const char *name, const char **best)
{
	int bd = 99;
	*best = NULL;
	for (int i = 0; i < ds->names.n; i++) {
		if (!strcmp(ds->names.v[i], name))
			return true;
		if (diag_suggest(name, ds->names.v[i], &bd))
			*best = ds->names.v[i];
	}
	return false;
}

static void warn__check_assign(Node *n, void *arg)
{
	Decls *ds = arg;
	Attr *a = n->elem == CX_E_assign ? warn__attr(n, CX_A_assign_name) : NULL;
	if (!a || !a->tree)
		return;
	const char *name = a->value.s;
	Loc at = a->value.loc;
	TSNode x = a->expr;
	if (!strcmp(ts_node_type(x), "member_expression")) {
		/* ccxml.x, transition.x, application.x: the variable x of that scope */
		TSNode obj = ts_node_child_by_field_name(x, "object", 6);
		TSNode prop = ts_node_child_by_field_name(x, "property", 8);
		if (ts_node_is_null(obj) || ts_node_is_null(prop) || strcmp(ts_node_type(obj), "identifier"))
			return;
		const char *o = xstrndup(name + ts_node_start_byte(obj), ts_node_end_byte(obj) - ts_node_start_byte(obj));
		/* application.x needs no declaration: assigning it creates it */
		if (strcmp(o, "ccxml") && strcmp(o, "transition"))
			return;
		at = srctext_loc(&a->value, ts_node_start_byte(prop));
		name = xstrndup(name + ts_node_start_byte(prop), ts_node_end_byte(prop) - ts_node_start_byte(prop));
	} else if (strcmp(ts_node_type(x), "identifier")) {
		return;
	} else {
		at = srctext_loc(&a->value, ts_node_start_byte(x));
		name = xstrndup(name + ts_node_start_byte(x), ts_node_end_byte(x) - ts_node_start_byte(x));
	}
	const char *best;
	if (warn__declared(ds, name, &best))
		return;
	if (best)
		diag_warn(W_UNDECLARED, at, "assignment to '%s', which no <var> or script declares "
		          "(error.semantic at run time); did you mean '%s'?", name, best);
	else
		diag_warn(W_UNDECLARED, at, "assignment to '%s', which no <var> or script declares "
		          "(error.semantic at run time): add <var name=\"%s\"/>", name, name);
}

/* The names every expression sees without a declaration: the session's scopes and the global
 * object's properties (ES3 and the extensions of docs/ecmascript.md). */
static const char *const warn__globals[] = {
	"session", "application", "ccxml", "transition", "event$", "undefined", "NaN", "Infinity",
	"Object", "Function", "Array", "String", "Boolean", "Number", "Math", "Date", "RegExp",
	"Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
	"JSON", "eval", "parseInt", "parseFloat", "isNaN", "isFinite", "decodeURI",
	"decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
};

/* A name read in an expression attribute that nothing declares: the read throws a ReferenceError,
 * the element's error.semantic at run time. Function bodies (their own scopes) and typeof
 * operands (which do not throw) are not looked into. */
static void warn__reads(Decls *ds, Attr *a, TSNode x)
{
	const char *t = ts_node_type(x);
	if (!strcmp(t, "function_expression") || !strcmp(t, "function") || !strcmp(t, "arrow_function"))
		return;
	if (!strcmp(t, "unary_expression")) {
		TSNode op = ts_node_child_by_field_name(x, "operator", 8);
		if (!ts_node_is_null(op) && !strcmp(ts_node_type(op), "typeof"))
			return;
	}
	if (!strcmp(t, "identifier")) {
		uint32_t b = ts_node_start_byte(x);
		const char *name = xstrndup(a->value.s + b, ts_node_end_byte(x) - b);
		for (size_t i = 0; i < sizeof warn__globals / sizeof *warn__globals; i++)
			if (!strcmp(warn__globals[i], name))
				return;
		const char *best;
		if (warn__declared(ds, name, &best))
			return;
		Loc at = srctext_loc(&a->value, b);
		if (best)
			diag_warn(W_UNDECLARED, at, "'%s' is not declared by any <var> or script (a "
			          "ReferenceError, error.semantic at run time); did you mean '%s'?", name, best);
		else
			diag_warn(W_UNDECLARED, at, "'%s' is not declared by any <var> or script (a "
			          "ReferenceError, error.semantic at run time): add <var name=\"%s\"/>",
			          name, name);
		return;
	}
	uint32_t k = ts_node_named_child_count(x);
	for (uint32_t i = 0; i < k; i++)
		warn__reads(ds, a, ts_node_named_child(x, i));
}

static void warn__check_reads(Node *n, void *arg)
{
	if (n->elem < 0 || n->elem == CX_E_script)
		return;
	const cx_elem_info *ei = elem_info(n->elem);
	for (int i = 0; i < n->nattrs; i++) {
		Attr *a = &n->attrs[i];
		if (a->id >= 0 && a->id < ei->nattrs && ei->attrs[a->id].kind == CX_AK_EXPR && a->tree)
			warn__reads(arg, a, a->expr);
	}
}

/* Section - cond-assign */

static void warn__cond(Attr *a)
{
	if (!a || !a->tree || strcmp(ts_node_type(a->expr), "assignment_expression"))
		return;
	uint32_t at = ts_node_start_byte(a->expr);
	uint32_t k = ts_node_child_count(a->expr);
	for (uint32_t i = 0; i < k; i++) {
		TSNode c = ts_node_child(a->expr, i);
		if (!strcmp(ts_node_type(c), "="))
			at = ts_node_start_byte(c);
	}
	diag_warn(W_COND_ASSIGN, srctext_loc(&a->value, at), "'=' assigns: write '==' to compare "
	          "(or put the assignment in parentheses if it is meant)");
}

static void warn__collect_cond(Node *n, void *arg)
{
	(void)arg;
	if (n->elem == CX_E_transition)
		warn__cond(warn__attr(n, CX_A_transition_cond));
	else if (n->elem == CX_E_if)
		warn__cond(warn__attr(n, CX_A_if_cond));
	else if (n->elem == CX_E_elseif)
		warn__cond(warn__attr(n, CX_A_elseif_cond));
}

/* Section - shadowed-transition */

static const char *warn__pattern(Node *t)
{
	Attr *e = warn__attr(t, CX_A_transition_event);
	return e ? e->value.s : NULL;
}

/* Are a's states (NULL: any) all of b's? */
static bool warn__states_cover(Attr *a, Attr *b)
{
	if (!a)
		return true;
	if (!b)
		return false;
	const char *p = b->value.s;
	while (*p) {
		while (*p && strchr(" \t\r\n", *p))
			p++;
		size_t k = strcspn(p, " \t\r\n");
		if (k && !warn__in_list(a->value.s, p, k))
			return false;
		p += k;
	}
	return true;
}

static void warn__shadowed(Node *ep)
{
	for (Node *t = ep->kids; t; t = t->next) {
		if (t->elem != CX_E_transition)
			continue;
		for (Node *u = ep->kids; u != t; u = u->next) {
			if (u->elem != CX_E_transition || warn__attr(u, CX_A_transition_cond))
				continue;
			if (!warn__covers(warn__pattern(u), warn__pattern(t)) ||
			    !warn__states_cover(warn__attr(u, CX_A_transition_state), warn__attr(t, CX_A_transition_state)))
				continue;
			if (diag_warn(W_SHADOWED, t->loc, "this <transition> is never chosen: the one on line %d, "
			              "which has no cond, matches every event and state it does", u->loc.line))
				diag_note(u->loc, "the earlier <transition> is here");
			break;
		}
	}
}

/* Section - unhandled-connection */

/* The states a connection made by `n` (<accept>/<createcall>) is in when its events arrive:
 * the constant the same transition body then assigns to the state variable, else the
 * transition's state= list; NULL: unknown (any). */
static const char *warn__state_after(Node *n, const char *var)
{
	Node *t = warn__transition_of(n);
	if (!t)
		return NULL;
	const char *after = NULL;
	for (Node *k = t->kids; k; k = k->next) {
		if (k->elem != CX_E_assign)
			continue;
		Attr *nm = warn__attr(k, CX_A_assign_name);
		if (var && nm && warn__is_var(nm->value.s, var))
			after = attr_string(warn__attr(k, CX_A_assign_expr));
	}
	if (after)
		return after;
	Attr *st = warn__attr(t, CX_A_transition_state);
	return st ? st->value.s : NULL;
}

typedef struct Unh {
	Node *ep;
	const char *var;
} Unh;

/* Is there a transition for `event` in every state of the list `states` (NULL: in some state)? */
static bool warn__handled(Node *ep, const char *event, const char *states)
{
	if (!states) {
		for (Node *t = ep->kids; t; t = t->next)
			if (t->elem == CX_E_transition && warn__match(warn__pattern(t), event))
				return true;
		return false;
	}
	const char *p = states;
	while (*p) {
		while (*p && strchr(" \t\r\n", *p))
			p++;
		size_t k = strcspn(p, " \t\r\n");
		if (!k)
			break;
		bool ok = false;
		for (Node *t = ep->kids; t && !ok; t = t->next) {
			if (t->elem != CX_E_transition || !warn__match(warn__pattern(t), event))
				continue;
			Attr *st = warn__attr(t, CX_A_transition_state);
			ok = !st || warn__in_list(st->value.s, p, k);
		}
		if (!ok)
			return false;
		p += k;
	}
	return true;
}

static void warn__check_conn(Node *n, void *arg)
{
	Unh *u = arg;
	if (n->elem != CX_E_accept && n->elem != CX_E_createcall)
		return;
	const char *states = warn__state_after(n, u->var);
	static const char *const evs[] = { "connection.disconnected", "connection.failed" };
	for (int i = 0; i < (n->elem == CX_E_createcall ? 2 : 1); i++) {
		if (warn__handled(u->ep, evs[i], states))
			continue;
		if (states)
			diag_warn(W_UNHANDLED_CONNECTION, n->loc, "no transition handles %s in state '%s', "
			          "where the connection of this <%s> is: the event would be dropped and the "
			          "session would wait forever", evs[i], states, n->tag);
		else
			diag_warn(W_UNHANDLED_CONNECTION, n->loc, "no transition handles %s for the connection "
			          "of this <%s>: the event would be dropped and the session would wait forever",
			          evs[i], n->tag);
	}
}

/* Section - The program */

void warn_program(Doc **docs, int n)
{
	if (diag_nowarn)
		return;
	Names sent = { 0 };
	for (int i = 0; i < n; i++)
		if (docs[i] && docs[i]->root && docs[i]->root->elem == CX_E_ccxml)
			warn__walk(docs[i]->root->kids, warn__collect_send, &sent);
	for (int i = 0; i < n; i++) {
		Doc *d = docs[i];
		if (!d || !d->root || d->root->elem != CX_E_ccxml)
			continue;
		warn__walk(d->root->kids, warn__collect_cond, NULL);
		Decls ds = { 0 };
		warn__decl(&ds, "state$"); /* the default state variable, always there */
		warn__walk(d->root->kids, warn__collect_decl, &ds);
		/* application.x of any document is visible as x in every one */
		for (int k = 0; k < n; k++)
			if (k != i && docs[k] && docs[k]->root)
				warn__walk(docs[k]->root->kids, warn__collect_decl, &ds);
		if (!ds.unknown) {
			warn__walk(d->root->kids, warn__check_assign, &ds);
			warn__walk(d->root->kids, warn__check_reads, &ds);
		}
		Node *ep = warn__eventprocessor(d);
		if (!ep)
			continue;
		for (Node *t = ep->kids; t; t = t->next) {
			Attr *e = t->elem == CX_E_transition ? warn__attr(t, CX_A_transition_event) : NULL;
			if (e)
				warn__event(&sent, e);
		}
		warn__states(d, ep);
		warn__shadowed(ep);
		Attr *sv = warn__attr(ep, CX_A_eventprocessor_statevariable);
		Unh u = { ep, sv ? sv->value.s : NULL };
		warn__walk(ep->kids, warn__check_conn, &u);
	}
}
