/*
 * fuzz_vxhang.c — libFuzzer harness of a VoiceXML dialog's whole life on the simulator: the
 * caller's keys, silence, the hang-up at any moment, and the web server's answers to every
 * fetch, in the order and at the times the input says. Each input is one call of a fresh
 * engine (use_sim, the virtual clock, a --record-dir of its own) running
 * tests/fuzz/vxhang.ccxml, which starts tests/fuzz/vxhang.vxml on the call: fields, a menu,
 * <data>, <subdialog src>, <goto>, <submit>, a hang-up handler that fetches and submits, a
 * <record> that posts its recording, bridged and blind <transfer>s that the CCXML document
 * performs (the far ends: the simulator's rules below). The input:
 *
 *   byte 0        the hang-up: below 240, the caller hangs up 10 + 40*b ms after the answer
 *                 (0 to 9.6 s: before, during or after any step); else never
 *   byte 1        the number of keys K (b % 17), then K pairs: the key ("0123456789*#" by
 *                 b % 12), the time since the previous key (20*b ms; noinput when long)
 *   the rest      the web server's answer to each request, in order (past the input: 404):
 *                 b % 5 = 0 good, 1 bad, 2 404, 3 late (the same as good after
 *                 10 * (1 + b / 5 % 10) ms of wall time), 4 none (the connection held until the
 *                 dialog's fetchtimeout, 300 ms; at most FZ_NEVER a call, then 404).
 *                 Good: a .xml is an XML document, a .vxml a VoiceXML document that compiles
 *                 (sub.vxml a subdialog that returns, any other fz__leaf); any other path 404.
 *                 Bad: a malformed XML document, or for a .vxml one that does not compile
 *                 when b / 5 is odd (a compile each: the rarer one)
 *
 * Fetched VoiceXML documents are compiled at run time as the runtime always does them
 * (doccomp.c: build/ccxmlc --shared, tcc, dlopen), not replaced by documents compiled in: the
 * fetch, compile, load and entry of a fetched document is what is under test. The cost is paid
 * once: the compiled objects are kept by content in a cache directory ($CCXML_DOC_CACHE, else
 * build/fuzz/doccache), later inputs (and runs) load them; only the documents that do not
 * compile run the compiler on every such answer.
 *
 * The dialog must end, with dialog.exit or an error event to CCXML (the document logs END),
 * within FZ_WALL_MS of wall time; then the engine is freed, and leak detection (on for this
 * harness, tests/fuzz/run.sh) sees that the call, its dialog and its fetches left nothing.
 * A dialog still running, or a session that ended without END, is a finding (abort), and so
 * is a call whose caller hung up (the CCXML document logs HANGUP) while no hang-up handler
 * of the dialog ran (each logs HUP) and it ended without the values of an <exit>: the
 * hang-up never reached it. A lost event of another kind (a transfer's outcome, a key) leaves
 * the dialog waiting: it does not end.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>
#include "cx.h"
#include "rt.h"
#include "prov.h"

/* FZ_KEYS: keys a call at most; FZ_NEVER: answers held until fetchtimeout (300 ms each);
 * FZ_WALL_MS: a call's wall time at most (its fetches are wall time; its waits are not): the
 * dialog makes at most a few dozen fetches a call (its keys and its badfetch count bound them),
 * each 100 ms at most but FZ_NEVER of 300 ms: a few seconds in the worst case */
enum { FZ_KEYS = 16, FZ_NEVER = 3, FZ_WALL_MS = 8000, FZ_MAXLEN = 256 };

extern const cx_doc ccxml_doc_vxhang;
static const cx_doc *const fz__docs[] = { &ccxml_doc_vxhang };
static struct http_sock *fz__http;
static char fz__web[64];       /* the server's base URL, session.values.web */
static const uint8_t *fz__ans; /* this input's answers */
static size_t fz__nans, fz__next;
static int fz__nnever;
static bool fz__ended;         /* the document logged END */
static bool fz__handled;       /* a hang-up handler of the dialog ran (it logs HUP), or a blind
				* transfer's (GONE: no hang-up is thrown after it) */
static bool fz__novalues;      /* dialog.exit without values (END exit {}) */
static bool fz__hup;           /* the CCXML document logged HANGUP (the caller's) */
static bool fz__trace;         /* FUZZ_TRACE=1: requests, answers and the document's log */
static struct list fz__held;   /* late and unanswered requests (fz_held) */
static char fz__recdir[256];   /* the engine's --record-dir: emptied after each input */

/* The fetched VoiceXML documents. A relative URI in them is the web server's: vxhang.vxml
 * there is the compiled-in document (a compiled-in document of the same file name wins,
 * docs/voicexml.md), any other .vxml fz__leaf again (the same content: one compile). */
static const char fz__leaf[] =
	"<?xml version=\"1.0\"?>\n"
	"<vxml version=\"2.1\" xmlns=\"http://www.w3.org/2001/vxml\">\n"
	"  <property name=\"fetchtimeout\" value=\"300ms\"/>\n"
	"  <var name=\"n\" expr=\"0\"/>\n"
	"  <catch event=\"connection.disconnect.hangup\">\n"
	"    <log expr=\"'HUP'\"/>\n"
	"    <data name=\"d\" src=\"leaf-hangup.xml\"/>\n"
	"    <exit namelist=\"n\"/>\n"
	"  </catch>\n"
	"  <catch event=\"noinput nomatch\" count=\"2\"><exit namelist=\"n\"/></catch>\n"
	"  <catch event=\"error.badfetch\"><exit namelist=\"n\"/></catch>\n"
	"  <form>\n"
	"    <field name=\"back\" type=\"boolean\">\n"
	"      <prompt>Back to the menu?</prompt>\n"
	"      <filled>\n"
	"        <assign name=\"n\" expr=\"n + 1\"/>\n"
	"        <if cond=\"back\"><goto next=\"vxhang.vxml#again\"/></if>\n"
	"        <goto next=\"deeper.vxml\"/>\n"
	"      </filled>\n"
	"    </field>\n"
	"  </form>\n"
	"</vxml>\n";
/* sub.vxml: a subdialog that takes a key and returns it, or returns at the hang-up or after
 * silence (VoiceXML's own noinput handler reprompts for ever) */
static const char fz__sub[] =
	"<?xml version=\"1.0\"?>\n"
	"<vxml version=\"2.1\" xmlns=\"http://www.w3.org/2001/vxml\">\n"
	"  <var name=\"k\" expr=\"'h'\"/>\n"
	"  <catch event=\"connection.disconnect.hangup\">\n"
	"    <log expr=\"'HUP'\"/><return namelist=\"k\"/>\n"
	"  </catch>\n"
	"  <catch event=\"noinput nomatch\" count=\"2\"><return namelist=\"k\"/></catch>\n"
	"  <form>\n"
	"    <field name=\"key\" type=\"digits?length=1\">\n"
	"      <prompt>A key for the subdialog.</prompt>\n"
	"      <filled><assign name=\"k\" expr=\"key\"/><return namelist=\"k\"/></filled>\n"
	"    </field>\n"
	"  </form>\n"
	"</vxml>\n";
/* well-formed, but no dialog #nowhere: a compile error (error.badfetch naming it) */
static const char fz__nocompile[] =
	"<?xml version=\"1.0\"?>\n"
	"<vxml version=\"2.1\" xmlns=\"http://www.w3.org/2001/vxml\">\n"
	"  <form><block><goto next=\"#nowhere\"/></block></form>\n"
	"</vxml>\n";

enum fz_kind { FZ_OTHER, FZ_XML, FZ_VXML, FZ_SUB };

/* A request answered late (t running) or not at all (until the client gives up). */
typedef struct fz_held {
	struct le le;
	struct tmr t;
	struct http_conn *conn;  /* a reference */
	enum fz_kind kind;
} fz_held;

static void fz__held_destroy(void *arg)
{
	fz_held *h = arg;

	tmr_cancel(&h->t);
	list_unlink(&h->le);
	mem_deref(h->conn);
}

static void fz__log(const char *sessid, const char *label, const char *value, void *arg)
{
	if (!strncmp(value, "END", 3))
		fz__ended = true;
	if (!strcmp(value, "HUP") || !strcmp(value, "GONE"))
		fz__handled = true;
	if (!strncmp(value, "END exit {}", 11))
		fz__novalues = true;
	if (!strncmp(value, "HANGUP", 6))
		fz__hup = true;
	if (fz__trace)
		fprintf(stderr, "fuzz: log %s\n", value);
}

/* good: as the input's b % 5 = 0 says; else bad, the one that does not compile when nocomp */
static void fz__answer(struct http_conn *conn, enum fz_kind kind, bool good, bool nocomp)
{
	const char *vx = kind == FZ_SUB ? fz__sub : fz__leaf;

	if (kind == FZ_OTHER)
		(void)http_ereply(conn, 404, "Not Found");
	else if (!good && (kind == FZ_XML || !nocomp))
		(void)http_creply(conn, 200, "OK", "text/xml", "<?xml version=\"1.0\"?>\n<r n=\"1\"><");
	else if (kind == FZ_XML)
		(void)http_creply(conn, 200, "OK", "text/xml",
				  "<?xml version=\"1.0\"?>\n<r n=\"%u\" go=\"%s\"/>\n",
				  (unsigned)fz__next, fz__next % 2 ? "submit" : "on");
	else
		(void)http_creply(conn, 200, "OK", "application/voicexml+xml", "%s",
				  good ? vx : fz__nocompile);
}

static void fz__late_h(void *arg)
{
	fz_held *h = arg;

	fz__answer(h->conn, h->kind, true, false);
	mem_deref(h);
}

static bool fz__ends(const struct pl *path, const char *ext)
{
	size_t n = strlen(ext);

	return path->l > n && !memcmp(path->p + path->l - n, ext, n);
}

static void fz__req(struct http_conn *conn, const struct http_msg *msg, void *arg)
{
	uint8_t b = fz__next < fz__nans ? fz__ans[fz__next] : 2;
	enum fz_kind kind = fz__ends(&msg->path, ".xml") ? FZ_XML :
			    fz__ends(&msg->path, "/sub.vxml") ? FZ_SUB :
			    fz__ends(&msg->path, ".vxml") ? FZ_VXML : FZ_OTHER;
	fz_held *h;

	fz__next++;
	if (fz__trace)
		re_fprintf(stderr, "fuzz: %r %r: answer %u\n", &msg->met, &msg->path, b % 5);
	if (b % 5 == 4 && fz__nnever >= FZ_NEVER)
		b = 2;
	switch (b % 5) {
	case 0: fz__answer(conn, kind, true, false); break;
	case 1: fz__answer(conn, kind, false, b / 5 % 2); break;
	case 2: (void)http_ereply(conn, 404, "Not Found"); break;
	default:
		h = mem_zalloc(sizeof(*h), fz__held_destroy);
		if (!h) {
			(void)http_ereply(conn, 503, "Out of Memory");
			return;
		}
		tmr_init(&h->t);
		h->conn = mem_ref(conn);
		h->kind = kind;
		list_append(&fz__held, &h->le, h);
		if (b % 5 == 3)
			tmr_start(&h->t, 10 * (1 + b / 5 % 10), fz__late_h, h);
		else
			fz__nnever++;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sa a, local;

	fz__trace = getenv("FUZZ_TRACE") != NULL;
	/* the compiler of fetched documents and their cache: this tree's (the harness runs from
	 * the top of it, tests/fuzz/run.sh), unless the environment says */
	if (!getenv("CCXMLC"))
		setenv("CCXMLC", "build/ccxmlc", 1);
	if (!getenv("CCXML_DOC_CACHE")) {
		(void)mkdir("build/fuzz/doccache", 0700);
		setenv("CCXML_DOC_CACHE", "build/fuzz/doccache", 1);
	}
	snprintf(fz__recdir, sizeof(fz__recdir), "%s/fuzz_vxhang-rec-XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(fz__recdir))
		abort();
	if (cx_init() || sa_set_str(&a, "127.0.0.1", 0) || http_listen(&fz__http, &a, fz__req, NULL) ||
	    tcp_sock_local_get(http_sock_tcp(fz__http), &local))
		abort();
	snprintf(fz__web, sizeof(fz__web), "http://127.0.0.1:%u/vx", sa_port(&local));
	list_init(&fz__held);
	return 0;
}

static uint64_t fz__wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The simulator's rule for this input's call; the bytes it took. */
static size_t fz__rule(const uint8_t *d, size_t n, char *line, size_t sz)
{
	static const char keys[] = "0123456789*#";
	size_t used = 2, k, nk = d[1] % (FZ_KEYS + 1);
	int w = snprintf(line, sz, "call tel:5550100 answer");
	unsigned t = 0;

	if (d[0] < 240)
		w += snprintf(line + w, sz - (size_t)w, " hangup=%ums", 10 + 40 * (unsigned)d[0]);
	for (k = 0; k < nk && used + 2 <= n; k++, used += 2) {
		t += 20 * (unsigned)d[used + 1];
		w += snprintf(line + w, sz - (size_t)w, "%s%c@%ums", k ? "," : " dtmf=",
			      keys[d[used] % 12], t);
	}
	return used;
}

/* The far ends of the dialog's bridged transfers (tel:555000 and the caller's key): each
 * outcome the CCXML document turns into dialog.transfer.complete or an error event */
static const char *const fz__far[] = {
	"call tel:5550001 noanswer",            /* connecttimeout (2 s): noanswer */
	"call tel:5550002 answer hangup=1500ms", /* far_end_disconnect */
	"call tel:5550003 busy",
	"call tel:5550004 fail 404",            /* error.connection.baddestination */
	"call tel:5550005 answer",              /* maxtime (3 s): maxtime_disconnect */
	"call tel:* fail 503",                  /* network_busy */
};

/* The recordings of the input just run: its WAVs go (the directory stays) */
static void fz__rec_clean(void)
{
	DIR *dir = opendir(fz__recdir);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			(void)unlinkat(dirfd(dir), de->d_name, 0);
	closedir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cx_engine_cfg cfg = { .docs = fz__docs, .ndocs = 1, .use_sim = 1, .virtual_clock = 1,
			      .logh = fz__log, .max_sessions = 4, .record_dir = fz__recdir };
	const char *kv[2] = { "web", fz__web };
	char line[512], why[160], sid[64];
	cx_engine *e;
	size_t used;
	uint64_t t0;

	if (size < 2 || size > FZ_MAXLEN)
		return -1;
	used = fz__rule(data, size, line, sizeof(line));
	fz__ans = data + used;
	fz__nans = size - used;
	fz__next = 0;
	fz__nnever = 0;
	fz__ended = false;
	fz__hup = fz__handled = fz__novalues = false;
	if (fz__trace)
		fprintf(stderr, "fuzz: %s\n", line);
	if (cx_engine_alloc(&e, &cfg))
		abort();
	for (size_t k = 0; k <= sizeof(fz__far) / sizeof(fz__far[0]); k++) {
		const char *rule = k ? fz__far[k - 1] : line;
		if (cx_sim_parse_line(e, rule, why, sizeof(why))) {
			fprintf(stderr, "fuzz: the harness's rule '%s' was refused: %s\n", rule, why);
			abort();
		}
	}
	if (cx_session_start(e, fz__docs[0], kv, 1, sid, sizeof(sid)))
		abort();
	t0 = fz__wall_ms();
	while (cx_session_alive(e, sid) && fz__wall_ms() - t0 < FZ_WALL_MS)
		(void)cx_engine_run(e, 100);
	if (cx_session_alive(e, sid) || !fz__ended) {
		fprintf(stderr, "fuzz: the dialog did not end: %s after %u ms of wall time (%s)\n",
			cx_session_alive(e, sid) ? "the session still runs" : "no END logged",
			(unsigned)(fz__wall_ms() - t0), line);
		abort();
	}
	/* The dialog got the hang-up, whatever it was doing when it came (an event queued to it is
	 * never lost): each of its hang-up handlers logs HUP. Unless it had ended already: then
	 * its dialog.exit has the values of its <exit> (every <exit> of the documents has a
	 * namelist). Without this check a lost hang-up went unseen, since the platform ends a
	 * dialog whose connection has gone (dialog.exit without values): checked by not
	 * delivering it in cx_vxio_hangup, and it found a dialog whose <exit> waited for its
	 * prompts to play lose its values (seed exit-nomatch-hangup). */
	if (fz__hup && !fz__handled && fz__novalues) {
		fprintf(stderr, "fuzz: the caller hung up, no hang-up handler of the dialog ran and it "
			"ended without values: was the hang-up lost? (%s)\n", line);
		abort();
	}
	list_flush(&fz__held);
	cx_engine_free(e);
	fz__rec_clean();
	return 0;
}
