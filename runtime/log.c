/*
 * log.c — the one logger (cx_log: the platform's lines; cx_log_doc: a document's <log>), its
 * formats (plain, text, json, journal; docs/service.md, Logs) and what goes into a line: every
 * value a user, a peer or a document controls is printed through cx_rt_esc (control characters
 * escaped), URLs through cx_rt_escurl (secrets and tokens in the query hidden).
 *
 * The logger is process-wide, as libre's own debug output is (which it takes over: no ANSI
 * colours, same format). Each line is written with one call; a --log-file is reopened by
 * cx_log_reopen (SIGHUP), so that logrotate can move it away.
 */
#include <string.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <time.h>
#include <sys/stat.h>
#include "rt.h"
#include "cx.h"
#define DEBUG_MODULE "ccxml"
#define DEBUG_LEVEL 0
#include <re_dbg.h>

/* Section - The logger */

static struct {
	int fmt;               /* CX_LOGFMT_* */
	int min;               /* lines above this level (less severe) are dropped */
	char *path;            /* --log-file, or NULL: stderr (platform) and stdout (documents) */
	FILE *file;
} cx_log__st = {CX_LOGFMT_PLAIN, CX_LOG_INFO, NULL, NULL};

static const char *const cx_log__names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
};

/* journald passes JOURNAL_STREAM=DEV:INODE to a service whose stderr it reads. */
static int cx_log__journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st))
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static FILE *cx_log__open(const char *path)
{
	FILE *f = fopen(path, "a");

	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int cx_log_setup(const char *format, const char *path, const char *level)
{
	int fmt = -1, min = -1, i;
	FILE *f = NULL;
	char *p = NULL;

	if (!format || !*format)
		fmt = cx_log__journal() ? CX_LOGFMT_JOURNAL : CX_LOGFMT_PLAIN;
	else if (!strcmp(format, "plain"))
		fmt = CX_LOGFMT_PLAIN;
	else if (!strcmp(format, "text"))
		fmt = CX_LOGFMT_TEXT;
	else if (!strcmp(format, "json"))
		fmt = CX_LOGFMT_JSON;
	else if (!strcmp(format, "journal"))
		fmt = CX_LOGFMT_JOURNAL;
	if (fmt < 0) {
		fprintf(stderr, "ccxml: --log-format: '%s' is not plain, text, json or journal\n",
			format);
		return EINVAL;
	}
	for (i = CX_LOG_ERR; level && i <= CX_LOG_DEBUG; i++)
		if (!strcmp(level, cx_log__names[i]))
			min = i;
	if (level && min < 0) {
		fprintf(stderr, "ccxml: --log-level: '%s' is not error, warning, notice, info or "
			"debug\n", level);
		return EINVAL;
	}
	if (path && *path) {
		f = cx_log__open(path);
		if (!f || str_dup(&p, path)) {
			fprintf(stderr, "ccxml: --log-file: cannot open '%s': %s\n", path,
				f ? strerror(ENOMEM) : strerror(errno));
			if (f)
				fclose(f);
			return f ? ENOMEM : ENOENT;
		}
	}
	if (cx_log__st.file)
		fclose(cx_log__st.file);
	cx_log__st.path = mem_deref(cx_log__st.path);
	cx_log__st.fmt = fmt;
	cx_log__st.min = min < 0 ? CX_LOG_INFO : min;
	cx_log__st.path = p;
	cx_log__st.file = f;
	return 0;
}

int cx_log_reopen(void)
{
	FILE *f;

	if (!cx_log__st.path)
		return 0;
	f = cx_log__open(cx_log__st.path);
	if (!f) {
		int err = errno;
		cx_log(CX_LOG_ERR, NULL, "--log-file: cannot reopen '%s': %s; keeping the old one",
		       cx_log__st.path, strerror(err));
		return err;
	}
	fclose(cx_log__st.file);
	cx_log__st.file = f;
	return 0;
}

void cx_log_close(void)
{
	if (cx_log__st.file)
		fclose(cx_log__st.file);
	cx_log__st.file = NULL;
	cx_log__st.path = mem_deref(cx_log__st.path);
}

/* s as the contents of a JSON string: quotes, backslashes and control bytes escaped; bytes
 * that are not UTF-8 as \u00XX (what they are in Latin-1), so the line stays valid JSON. */
int cx_rt_json(struct re_printf *pf, void *arg)
{
	const unsigned char *s = arg, *run;
	int err = 0;

	for (run = s; !err && s && *s;) {
		size_t n = 1;
		unsigned char c = *s;
		int esc = c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
		if (c >= 0x80) {
			size_t want = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0, k;
			for (k = 1; k < want && (s[k] & 0xc0) == 0x80; k++)
				;
			if (want && k == want && c < 0xf5)
				n = want;
			else
				esc = 1;
		}
		if (!esc) {
			s += n;
			continue;
		}
		if (s > run)
			err = re_hprintf(pf, "%b", run, (size_t)(s - run));
		if (!err)
			err = c == '"' ? re_hprintf(pf, "\\\"") : c == '\\' ? re_hprintf(pf, "\\\\") :
				c == '\n' ? re_hprintf(pf, "\\n") : re_hprintf(pf, "\\u%04x", c);
		run = ++s;
	}
	if (!err && s && s > run)
		err = re_hprintf(pf, "%b", run, (size_t)(s - run));
	return err;
}

/* One line: who (sess, conn, callid may be NULL), label (a document's <log> label or NULL),
 * msg. doc: a document's line (stdout when there is no --log-file). The line is built first and
 * written with one call. */
static void cx_log__line(int level, const char *sess, const char *conn, const char *callid,
			 int doc, const char *label, const char *msg)
{
	FILE *f = cx_log__st.file ? cx_log__st.file : doc ? stdout : stderr;
	struct mbuf *mb;
	char ts[64] = "";
	struct timespec now;
	struct tm tm;
	int fmt = cx_log__st.fmt, lab = label && *label;

	if (level > cx_log__st.min)
		return;
	mb = mbuf_alloc(256);
	if (!mb)
		return;
	if (fmt == CX_LOGFMT_TEXT || fmt == CX_LOGFMT_JSON) {
		uint64_t wall = cx_clock_wall_ms(); /* the virtual clock's time under the simulator */
		now.tv_sec = (time_t)(wall / 1000);
		now.tv_nsec = (long)(wall % 1000) * 1000000;
		gmtime_r(&now.tv_sec, &tm);
		snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)(now.tv_nsec / 1000000));
	}
	if (fmt == CX_LOGFMT_JSON) {
		(void)mbuf_printf(mb, "{\"ts\":\"%s\",\"level\":\"%s\",\"source\":\"%s\"", ts,
				  cx_log__names[level], doc ? "document" : "platform");
		if (sess)
			(void)mbuf_printf(mb, ",\"session\":\"%H\"", cx_rt_json, sess);
		if (conn)
			(void)mbuf_printf(mb, ",\"connection\":\"%H\"", cx_rt_json, conn);
		if (callid)
			(void)mbuf_printf(mb, ",\"callid\":\"%H\"", cx_rt_json, callid);
		if (lab)
			(void)mbuf_printf(mb, ",\"label\":\"%H\"", cx_rt_json, label);
		(void)mbuf_printf(mb, ",\"msg\":\"%H\"}\n", cx_rt_json, msg);
	}
	else if (fmt == CX_LOGFMT_TEXT || fmt == CX_LOGFMT_JOURNAL) {
		if (fmt == CX_LOGFMT_TEXT)
			(void)mbuf_printf(mb, "%s %s ", ts, cx_log__names[level]);
		else
			(void)mbuf_printf(mb, "<%d>", level);
		if (sess)
			(void)mbuf_printf(mb, "[%H] ", cx_rt_esc, sess);
		if (conn)
			(void)mbuf_printf(mb, "conn=%H ", cx_rt_esc, conn);
		if (callid)
			(void)mbuf_printf(mb, "call-id=%H ", cx_rt_esc, callid);
		if (lab)
			(void)mbuf_printf(mb, "%H: ", cx_rt_esc, label);
		(void)mbuf_printf(mb, "%H\n", cx_rt_esc, msg);
	}
	else if (doc) {
		/* plain: what the runtime always printed ("[S] label: …"; "ccxml: session S: …") */
		(void)mbuf_printf(mb, "[%H] ", cx_rt_esc, sess ? sess : "");
		if (lab)
			(void)mbuf_printf(mb, "%H: ", cx_rt_esc, label);
		(void)mbuf_printf(mb, "%H\n", cx_rt_esc, msg);
	}
	else if (sess)
		(void)mbuf_printf(mb, "ccxml: session %H: %H\n", cx_rt_esc, sess, cx_rt_esc, msg);
	else
		(void)mbuf_printf(mb, "ccxml: %H\n", cx_rt_esc, msg);
	(void)fwrite(mb->buf, 1, mb->end, f);
	mem_deref(mb);
}

static void cx_log__v(int level, const char *sess, const char *conn, const char *callid,
		      const char *fmt, va_list ap)
{
	char *msg = NULL, buf[512];
	va_list aq;

	if (level > cx_log__st.min)
		return;
	/* most lines fit a buffer on the stack (re_vsdprintf grew a heap buffer for every line:
	 * a tenth of a token start) */
	va_copy(aq, ap);
	if (re_vsnprintf(buf, sizeof(buf), fmt, aq) >= 0 && strlen(buf) < sizeof(buf) - 1) {
		va_end(aq);
		cx_log__line(level, sess, conn, callid, 0, NULL, buf);
		return;
	}
	va_end(aq);
	if (re_vsdprintf(&msg, fmt, ap)) {
		cx_log__line(level, sess, conn, callid, 0, NULL, fmt);
		return;
	}
	cx_log__line(level, sess, conn, callid, 0, NULL, msg);
	mem_deref(msg);
}

/* The quiet time is over and some were counted: one line with their number, which starts the
 * next quiet time (a storm that goes on gets a line per CX_LOG_QUIET_MS, all from here). */
static void cx_quiet__tail_h(void *arg)
{
	cx_quiet *q = arg;
	uint64_t n = q->skipped;

	if (!n || !q->tail)
		return;
	q->last = cx_clock_ms();
	q->skipped = 0;
	q->tail(q->arg, n);
}

/* cx_clock_ms(), not tmr_jiffies(): on the simulator's virtual clock the quiet time passes
 * with the time its timer is moved by */
int cx_quiet_ok(cx_quiet *q, uint64_t *skipped, cx_quiet_h *tail, void *arg)
{
	uint64_t now = cx_clock_ms();

	if (q->last && now - q->last < CX_LOG_QUIET_MS) {
		q->skipped++;
		q->tail = tail;
		q->arg = arg;
		if (tail && !tmr_isrunning(&q->tmr))
			tmr_start(&q->tmr, q->last + CX_LOG_QUIET_MS - now, cx_quiet__tail_h, q);
		return 0;
	}
	*skipped = q->skipped;
	q->last = now ? now : 1;
	q->skipped = 0;
	tmr_cancel(&q->tmr);
	return 1;
}

void cx_quiet_close(cx_quiet *q)
{
	tmr_cancel(&q->tmr);
	cx_quiet__tail_h(q);
	q->tail = NULL;
}

int cx_quiet_more(struct re_printf *pf, void *arg)
{
	const uint64_t *n = arg;

	if (*n)
		return re_hprintf(pf, "; %llu more since the last such line (these are logged at most "
				  "once in %u s)", (unsigned long long)*n, CX_LOG_QUIET_MS / 1000);
	return re_hprintf(pf, " (such refusals are logged at most once in %u s)",
			  CX_LOG_QUIET_MS / 1000);
}

void cx_log(int level, const char *sess, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cx_log__v(level, sess, NULL, NULL, fmt, ap);
	va_end(ap);
}

void cx_logc(int level, const char *sess, const char *conn, const char *callid,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cx_log__v(level, sess, conn, callid, fmt, ap);
	va_end(ap);
}

void cx_log_doc(const char *sess, const char *label, const char *val)
{
	cx_log__line(CX_LOG_INFO, sess, NULL, NULL, 1, label, val);
}

/* libre's own messages (its DEBUG_WARNING etc.): same logger, no colours. */
static void cx_log__dbg(int level, const char *p, size_t len, void *arg)
{
	char *msg = NULL;

	(void)arg;
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		--len;
	if (re_sdprintf(&msg, "libre: %b", p, len))
		return;
	cx_log__line(level <= DBG_ERR ? CX_LOG_ERR : level == DBG_WARNING ? CX_LOG_WARN :
		     level == DBG_NOTICE ? CX_LOG_NOTICE : level == DBG_INFO ? CX_LOG_INFO :
		     CX_LOG_DEBUG, NULL, NULL, NULL, 0, NULL, msg);
	mem_deref(msg);
}

void cx_log_libre(void)
{
	dbg_init(DBG_WARNING, DBG_NONE);
	dbg_handler_set(cx_log__dbg, NULL);
}

/* Section - Logs and secrets */

int cx_rt_esc(struct re_printf *pf, void *arg)
{
	const char *s = arg, *run;
	int err = 0;

	if (!s)
		return re_hprintf(pf, "(null)");
	/* runs of plain bytes in one go; each control byte as \n, \r, \t or \xNN */
	for (run = s; !err && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (s > run)
			err = re_hprintf(pf, "%b", run, (size_t)(s - run));
		if (!err)
			err = c == '\n' ? re_hprintf(pf, "\\n") : c == '\r' ? re_hprintf(pf, "\\r") :
				c == '\t' ? re_hprintf(pf, "\\t") : re_hprintf(pf, "\\x%02x", c);
		run = s + 1;
	}
	if (!err && s > run)
		err = re_hprintf(pf, "%b", run, (size_t)(s - run));
	return err;
}

int cx_rt_escurl(struct re_printf *pf, void *arg)
{
	static const char *const hide[] = {"secret=", "token=", "tokenid=", NULL};
	const char *u = arg, *p = u ? strchr(u, '?') : NULL;
	char *copy;
	size_t k = 0;
	int err;

	if (!p)
		return cx_rt_esc(pf, arg);
	copy = mem_alloc(4 * strlen(u) + 1, NULL); /* "a=&" -> "a=...&" at worst */
	if (!copy)
		return ENOMEM;
	/* the URL with the value of each credential field of its query shown as "..." */
	memcpy(copy, u, (size_t)(++p - u));
	k = (size_t)(p - u);
	while (*p) {
		const char *const *h;
		size_t n = strcspn(p, "&");
		for (h = hide; *h && strncmp(p, *h, strlen(*h)); h++)
			;
		if (*h) {
			memcpy(copy + k, *h, strlen(*h));
			k += strlen(*h);
			memcpy(copy + k, "...", 3);
			k += 3;
		}
		else {
			memcpy(copy + k, p, n);
			k += n;
		}
		p += n;
		if (*p)
			copy[k++] = *p++;
	}
	copy[k] = '\0';
	err = cx_rt_esc(pf, copy);
	mem_deref(copy);
	return err;
}
