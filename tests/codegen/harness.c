/*
 * harness.c — a stand-in runtime for the code generator's tests: just enough of cx_gen.h to run
 * a compiled document's initialiser and its first transition (as for ccxml.loaded) with the real
 * stdlib. <log> prints its expr; error.semantic prints "SEMANTIC: reason".
 */
#include <stdio.h>
#include <string.h>

#include "cx_gen.h"

static void harness__print(cx_ctx *X, cx_value v)
{
	cx_value s = cx_to_string(X, v);
	if (cx_is_exc(s)) {
		printf("(unprintable)\n");
		return;
	}
	size_t n;
	const char *p = cx_str_to_utf8(X, s.u.s, &n);
	fwrite(p, 1, n, stdout);
	fputc('\n', stdout);
}

int cx_exec(cx_ctx *X, cx_elcall *c)
{
	if (c->elem == CX_E_log) {
		harness__print(X, c->a[CX_A_log_expr]);
		return CX_GO;
	}
	if (c->elem == CX_E_exit)
		return CX_STOP;
	c->out = cx_str_cstr(X, "id-1");
	return CX_GO;
}

int cx_semantic(cx_ctx *X, int elem, int line)
{
	cx_value d = cx_exc_describe(X, cx_catch(X));
	printf("SEMANTIC: ");
	harness__print(X, d);
	return CX_FAIL;
}

int cx_main(int argc, char **argv, const cx_doc *const *docs, int ndocs)
{
	const cx_doc *d = docs[0];
	cx_ctx *X = cx_ctx_new(0);
	if (!X || cx_ctx_set_slots(X, d->nslots))
		return 2;
	X->slots[CX_SLOT_SESSION] = cx_obj_new(X);
	X->slots[CX_SLOT_APPLICATION] = cx_obj_new(X);
	cx_value ev = cx_obj_new(X);
	cx_put_s(X, ev, cx_str_cstr(X, "name").u.s, cx_str_cstr(X, "ccxml.loaded"));
	X->slots[CX_SLOT_EVENT] = ev;
	X->steps = 10000000;
	int r = d->init(X);
	if (r == CX_GO && d->ntransitions) {
		X->steps = 10000000;
		r = d->transitions[0].body(X);
	}
	cx_ctx_free(X);
	return r == CX_FAIL ? 1 : 0;
}
