/*
 * cctcc.c — the C compiler inside ccxmlc, for `--shared` with tcc: libtcc (Debian libtcc-dev)
 * turns the generated C of a document fetched at run time into its shared object in this
 * process, instead of a shell and a tcc process reading the same C back from files
 * (docs/decisions.md, "Documents fetched at run time"; docs/performance.md, rtdocs).
 *
 * libtcc keeps global state, which is no concern here: ccxmlc compiles one document and exits.
 * Its messages name the generated C (`<string>`), which is a bug of ccxmlc when it happens:
 * they are printed as the C compiler's and the C is kept, as with an external compiler.
 */
#include <stdio.h>
#include <string.h>
#include "compiler.h"

#ifdef CCXMLC_LIBTCC
#include <libtcc.h>
#include <unistd.h>

/* tcc's libtcc1.a, from `tcc -vv` when ccxmlc was built (compiler/build.ninja) */
#ifdef CCXMLC_TCCDIR
static const char *const cctcc__tcc1 = CCXMLC_TCCDIR "/libtcc1.a";
#else
static const char *const cctcc__tcc1 = NULL;
#endif

static void cctcc__error(void *opaque, const char *msg)
{
	(void)opaque;
	fprintf(stderr, "%s\n", msg);
}

bool cctcc_usable(const char *cc)
{
	const char *b = strrchr(cc, '/');
	return !strcmp(b ? b + 1 : cc, "tcc");
}

int cctcc_shared(char *const *srcs, int n, const char *const *incdirs, int nincs, bool debug,
		 const char *out)
{
	TCCState *s = tcc_new();
	int err = 0;

	if (!s)
		return -1;
	tcc_set_error_func(s, NULL, cctcc__error);
	/* Without the C library: the object's undefined symbols (memset, the runtime's cx_*) are
	 * bound by dlopen in the program that loads it, so reading libc.so's linker script and
	 * symbol table (3.7 M instructions, a tenth of the whole compile) buys nothing. tcc's own
	 * helpers (64-bit conversions) still come from libtcc1.a. */
	bool bare = cctcc__tcc1 && !access(cctcc__tcc1, R_OK);
	const char *opts = debug ? (bare ? "-fPIC -g -nostdlib" : "-fPIC -g")
				 : (bare ? "-fPIC -nostdlib" : "-fPIC");
	tcc_set_options(s, opts);
	for (int i = 0; i < nincs; i++)
		err |= tcc_add_include_path(s, incdirs[i]);
	err |= tcc_set_output_type(s, TCC_OUTPUT_DLL);
	for (int i = 0; i < n && !err; i++)
		err = tcc_compile_string(s, srcs[i]);
	if (!err && bare)
		err = tcc_add_file(s, cctcc__tcc1);
	if (!err)
		err = tcc_output_file(s, out);
	tcc_delete(s);
	return err ? -1 : 0;
}

#else

bool cctcc_usable(const char *cc)
{
	(void)cc;
	return false;
}

int cctcc_shared(char *const *srcs, int n, const char *const *incdirs, int nincs, bool debug,
		 const char *out)
{
	(void)srcs, (void)n, (void)incdirs, (void)nincs, (void)debug, (void)out;
	return -1;
}

#endif
