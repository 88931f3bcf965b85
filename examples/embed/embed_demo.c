/*
 * embed_demo.c — drive a compiled CCXML state machine (door.ccxml) from C with your own events.
 * Build: see README.md in this directory.
 */
#include <stdio.h>
#include <string.h>
#include "cx.h"

extern const cx_doc ccxml_doc_door; /* from `ccxmlc -c door.ccxml` (door.h declares it) */

static void on_log(const char *sessid, const char *label, const char *value, void *arg)
{
	/* ids are "s1-<64 random bits>": the short part is enough to read */
	printf("log %.*s %s: %s\n", (int)strcspn(sessid, "-"), sessid, label ? label : "-", value);
}

static void show(cx_engine *e, const char *sid)
{
	char state[64] = "?", count[32] = "?";

	cx_session_var(e, sid, "door", state, sizeof(state));
	cx_session_var(e, sid, "opened", count, sizeof(count));
	printf("door=%s opened=%s\n", state, count);
}

int main(void)
{
	const cx_doc *docs[] = {&ccxml_doc_door};
	cx_engine_cfg cfg = {.docs = docs, .ndocs = 1, .logh = on_log};
	const char *alice[] = {"who", "alice"};
	cx_engine *e = NULL;
	char sid[32];
	int err;

	err = cx_init();
	if (!err)
		err = cx_engine_alloc(&e, &cfg);
	if (!err)
		err = cx_session_start(e, docs[0], NULL, 0, sid, sizeof(sid));
	if (err) {
		fprintf(stderr, "embed_demo: cannot start: %s\n", strerror(err));
		return 1;
	}
	cx_engine_poll(e);                         /* ccxml.loaded */
	show(e, sid);
	cx_session_inject(e, sid, "door.open", alice, 1);
	cx_session_inject(e, sid, "door.open", alice, 1); /* ignored: already open */
	cx_session_inject(e, sid, "door.close", NULL, 0);
	cx_engine_poll(e);
	show(e, sid);
	cx_session_inject(e, sid, "shutdown", NULL, 0);
	cx_engine_poll(e);
	printf("session %.*s %s\n", (int)strcspn(sid, "-"), sid, cx_session_alive(e, sid) ? "still running" : "ended");
	cx_engine_free(e);
	cx_close();
	return 0;
}
