/*
 * frontcheck.c — runs the front end alone (xml_load, check_doc, esparse_doc) the way ccxmlc's
 * driver does, so the front end can be tested without the back end.
 *
 *   frontcheck [--dump] [-Wno-unknown-extension] [-Werror] [-o OUT] file.ccxml
 *
 * Exit status 1 after any error; with --dump, prints the tree with locations on stdout.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

static void dump(Node *n, int depth)
{
	for (; n; n = n->next) {
		printf("%*s<%s> elem=%d %d:%d\n", depth * 2, "", n->tag, n->elem, n->loc.line, n->loc.col);
		for (int i = 0; i < n->nattrs; i++) {
			Attr *a = &n->attrs[i];
			Loc v = srctext_loc(&a->value, 0);
			printf("%*s  @%s id=%d %d:%d = [%s] at %d:%d%s\n", depth * 2, "", a->name, a->id,
			       a->loc.line, a->loc.col, a->value.s, v.line, v.col, a->value.raw ? "" : " (no map)");
			if (a->tree)
				printf("%*s    expr %s\n", depth * 2, "", ts_node_type(a->expr));
			for (int k = 0; k < a->nnames; k++)
				printf("%*s    name %s %d:%d\n", depth * 2, "", a->names[k], a->name_locs[k].line,
				       a->name_locs[k].col);
		}
		if (n->has_text) {
			Loc t = srctext_loc(&n->text, 0);
			printf("%*s  text %zu bytes at %s:%d:%d%s\n", depth * 2, "", n->text.len,
			       t.src ? t.src->path : "?", t.line, t.col, n->script ? " (parsed)" : "");
		}
		dump(n->kids, depth + 1);
	}
}

int main(int argc, char **argv)
{
	Options opt = { .optimize = "2", .line_directives = true };
	const char *path = NULL;
	bool want_dump = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dump"))
			want_dump = true;
		else if (!strcmp(argv[i], "-Wno-unknown-extension"))
			opt.allow_unknown_ext = true;
		else if (!strcmp(argv[i], "-Werror"))
			opt.werror = diag_werror = true;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			opt.output = argv[++i];
		else
			path = argv[i];
	}
	if (!path)
		diag_fatal("no input file");
	Doc *doc = xml_load(path);
	if (!doc)
		return 1;
	check_doc(doc, &opt);
	esparse_doc(doc);
	if (want_dump)
		dump(doc->root, 0);
	return diag_errors ? 1 : 0;
}
