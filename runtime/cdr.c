/*
 * cdr.c — call records: one JSON object per connection when it ends (docs/service.md, Call
 * records), appended to --cdr-file and/or POSTed to --cdr-url.
 *
 * A record for the URL is first written to the spool directory (--cdr-spool; written to a .tmp
 * file, fsync'd, renamed), then POSTed; only a 2xx answer removes it. Failures are retried with
 * a back-off (1 s doubling to 60 s), and a program started again sends what the last one left
 * in the spool first: no record is lost to a restart or to a web server that is down.
 */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include "prov.h"

#define CX_CDR_INFLIGHT   4        /* POSTs at a time */
#define CX_CDR_BACKOFF_MS 1000     /* first retry after a failure; doubles up to the max */
#define CX_CDR_BACKOFF_MAX 60000
#define CX_CDR_MAXREC     16384    /* a record larger than this is cut (never happens: ids and
				    * addresses are bounded) */

typedef struct cx_cdr_item {
	struct le le;
	struct cx_cdr *d;      /* NULL once the engine let go of the spool (a POST may outlive it) */
	char *path;            /* spool file */
	int busy;              /* being POSTed (the transfer holds a reference) */
} cx_cdr_item;

struct cx_cdr {
	cx_engine *eng;
	char *file;            /* --cdr-file or NULL */
	FILE *f;
	char *url;             /* --cdr-url or NULL */
	char *spool;           /* --cdr-spool */
	struct list q;         /* cx_cdr_item, oldest first */
	uint32_t inflight, seq;
	uint32_t backoff_ms;   /* 0: none now */
	struct tmr tmr;        /* the retry after a failure */
};

/* Section - Times */

/* the wall clock the program observes (the simulator's virtual clock skips waits: clock.c) */
uint64_t cx_cdr_now_ms(void)
{
	return cx_clock_wall_ms();
}

/* "2026-11-30T15:40:01.123Z", or null for 0. */
static int cx_cdr__time(struct re_printf *pf, void *arg)
{
	uint64_t ms = *(const uint64_t *)arg;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms)
		return re_hprintf(pf, "null");
	gmtime_r(&t, &tm);
	return re_hprintf(pf, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03uZ\"", tm.tm_year + 1900,
			  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			  (unsigned)(ms % 1000));
}

/* Section - The spool and its sending */

static void cx_cdr__pump(cx_cdr *d);

static void cx_cdr_item__destroy(void *arg)
{
	cx_cdr_item *it = arg;

	list_unlink(&it->le);
	mem_deref(it->path);
}

static int cx_cdr__enqueue(cx_cdr *d, const char *path)
{
	cx_cdr_item *it = mem_zalloc(sizeof(*it), cx_cdr_item__destroy);

	if (!it || str_dup(&it->path, path)) {
		mem_deref(it);
		return ENOMEM;
	}
	it->d = d;
	list_append(&d->q, &it->le, it);
	return 0;
}

/* The whole of a (small) file into *mbp. */
static int cx_cdr__read(const char *path, struct mbuf **mbp)
{
	struct mbuf *mb;
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;
	int err = 0;

	if (!f)
		return errno;
	mb = mbuf_alloc(1024);
	while (mb && !err && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		err = mb->end + n > CX_CDR_MAXREC ? EFBIG : mbuf_write_mem(mb, (uint8_t *)buf, n);
	fclose(f);
	if (!mb || err) {
		mem_deref(mb);
		return mb ? err : ENOMEM;
	}
	*mbp = mb;
	return 0;
}

static void cx_cdr__retry(void *arg)
{
	cx_cdr__pump(arg);
}

/* The answer to one POST (always called once: with ok=0 when the engine ends first). */
static void cx_cdr__posted(void *arg, int ok, const char *why)
{
	cx_cdr_item *it = arg;
	cx_cdr *d = it->d;

	it->busy = 0;
	if (!d || d->eng->closing) {
		if (d)
			d->inflight--;
		mem_deref(it); /* the transfer's reference; the file stays for the next start */
		return;
	}
	d->inflight--;
	if (ok) {
		d->eng->met.cdr_sent++;
		if (unlink(it->path) && errno != ENOENT)
			cx_log(CX_LOG_ERR, NULL, "cdr: cannot remove '%H' after sending it: %s",
			       cx_rt_esc, it->path, strerror(errno));
		list_unlink(&it->le);
		mem_deref(it); /* the queue's */
		mem_deref(it); /* the transfer's */
		d->backoff_ms = 0;
		cx_cdr__pump(d);
		return;
	}
	d->eng->met.cdr_failed++;
	mem_deref(it);
	if (!tmr_isrunning(&d->tmr)) {
		d->backoff_ms = d->backoff_ms ? d->backoff_ms * 2 : CX_CDR_BACKOFF_MS;
		if (d->backoff_ms > CX_CDR_BACKOFF_MAX)
			d->backoff_ms = CX_CDR_BACKOFF_MAX;
		cx_log(CX_LOG_WARN, NULL, "cdr: POST to %H failed (%H); %u record(s) kept in the "
		       "spool, next try in %u ms", cx_rt_escurl, d->url, cx_rt_esc, why,
		       list_count(&d->q), d->backoff_ms);
		tmr_start(&d->tmr, d->backoff_ms, cx_cdr__retry, d);
	}
}

/* Start POSTs of spooled records while there is room and no back-off is pending. */
static void cx_cdr__pump(cx_cdr *d)
{
	struct le *le = d->q.head;

	if (!d->url || tmr_isrunning(&d->tmr) || d->eng->closing)
		return;
	while (le && d->inflight < CX_CDR_INFLIGHT) {
		cx_cdr_item *it = le->data;
		struct mbuf *mb = NULL;
		int err;
		le = le->next;
		if (it->busy)
			continue;
		err = cx_cdr__read(it->path, &mb);
		if (err == ENOENT) { /* removed by hand meanwhile */
			mem_deref(it);
			continue;
		}
		if (!err)
			err = cx_curl_json(d->eng, d->url, mb, cx_cdr__posted, mem_ref(it));
		mem_deref(mb);
		if (err) {
			mem_deref(it); /* the reference the transfer did not take */
			if (err != EBUSY) /* EBUSY: all transfers in use; an answer pumps again */
				cx_log(CX_LOG_ERR, NULL, "cdr: cannot send '%H': %s", cx_rt_esc,
				       it->path, strerror(err));
			break;
		}
		it->busy = 1;
		d->inflight++;
	}
}

/* A record into the spool: a .tmp file written and fsync'd, then renamed (a crash leaves a
 * whole record or none), then queued. */
static int cx_cdr__spool(cx_cdr *d, const struct mbuf *rec)
{
	char tmp[4200], path[4096];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%013llu-%06u.json", d->spool,
		 (unsigned long long)cx_cdr_now_ms(), ++d->seq % 1000000);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	if (write(fd, rec->buf, rec->end) != (ssize_t)rec->end || fsync(fd))
		err = errno ? errno : EIO;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		(void)unlink(tmp);
		return err;
	}
	return cx_cdr__enqueue(d, path);
}

static int cx_cdr__byname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* At start: what the last run left in the spool, oldest first; half-written .tmp files go. */
static int cx_cdr__scan(cx_cdr *d)
{
	DIR *dir = opendir(d->spool);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	int err = 0;

	if (!dir)
		return errno;
	while (!err && (de = readdir(dir))) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".tmp")) {
			snprintf(path, sizeof(path), "%s/%s", d->spool, de->d_name);
			(void)unlink(path);
			continue;
		}
		if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));
			if (!nn) {
				err = ENOMEM;
				break;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		err = names[n] ? 0 : ENOMEM;
		n += !err;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cx_cdr__byname);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", d->spool, names[i]);
		if (!err)
			err = cx_cdr__enqueue(d, path);
		free(names[i]);
	}
	free(names);
	if (!err && n)
		cx_log(CX_LOG_NOTICE, NULL, "cdr: %zu record(s) left in the spool by an earlier run: "
		       "sending them first", n);
	return err;
}

/* Section - Records */

static int cx_cdr__str(struct re_printf *pf, void *arg)
{
	if (!arg)
		return re_hprintf(pf, "null");
	return re_hprintf(pf, "\"%H\"", cx_rt_json, arg);
}

static int cx_cdr__build(struct mbuf *mb, const cx_conn *c, const cx_conn_stats *st)
{
	uint64_t end = c->t_end ? c->t_end : cx_cdr_now_ms();
	const cx_sess *s = c->sess;
	int err;

	err = mbuf_printf(mb, "{\"session\":%H,\"connection\":\"%s\",\"callid\":%H,"
			  "\"direction\":\"%s\",\"from\":%H,\"to\":%H,\"start\":%H,"
			  "\"progress\":%H,\"answer\":%H,\"end\":%H,",
			  cx_cdr__str, s ? s->id : c->msid, c->id, cx_cdr__str,
			  st->callid[0] ? st->callid : NULL, c->inbound ? "inbound" : "outbound",
			  cx_cdr__str, c->inbound ? c->remote : c->local, cx_cdr__str,
			  c->inbound ? c->local : c->remote, cx_cdr__time, &c->t_start,
			  cx_cdr__time, &c->t_progress, cx_cdr__time, &c->t_answer,
			  cx_cdr__time, &end);
	if (!err)
		err = mbuf_printf(mb, "\"duration_s\":%.3f,\"setup_s\":%.3f,\"state\":\"%s\","
				  "\"sipcode\":%d,\"reason\":%H,\"trigger\":%H,",
				  c->t_answer ? (double)(end - c->t_answer) / 1000 : 0.0,
				  (double)((c->t_answer ? c->t_answer : end) - c->t_start) / 1000,
				  c->state ? c->state : "", c->sipcode, cx_cdr__str, c->endreason,
				  cx_cdr__str, c->endtrigger);
	if (!err)
		err = mbuf_printf(mb, "\"rtp\":{\"packets_sent\":%llu,\"packets_received\":%llu,"
				  "\"bytes_sent\":%llu,\"bytes_received\":%llu",
				  (unsigned long long)st->pkts_tx, (unsigned long long)st->pkts_rx,
				  (unsigned long long)st->bytes_tx, (unsigned long long)st->bytes_rx);
	/* the quality RTCP measured (docs/sip.md "RTCP"): of what we received, and what the far
	 * end's reports said of what we sent */
	if (!err && st->q.ok)
		err = mbuf_printf(mb, ",\"lost\":%d,\"jitter_ms\":%.1f,\"rtcp_received\":%u",
				  st->q.lost, st->q.jitter_us / 1000.0, st->q.rtcp_rx);
	if (!err && st->q.ok && st->q.far)
		err = mbuf_printf(mb, ",\"far_lost\":%d,\"far_jitter_ms\":%.1f,\"rtt_ms\":%.1f",
				  st->q.far_lost, st->q.far_jitter_us / 1000.0, st->q.rtt_us / 1000.0);
	if (!err)
		err = mbuf_printf(mb, "}");
	return err;
}

/* mb: a record without its closing brace (cx_cdr__build, and what a provider added after
 * it): closed, appended to the file, spooled for the URL. sid and cid name it in log lines. */
void cx_cdr_emit(cx_engine *e, struct mbuf *mb, const char *sid, const char *cid)
{
	cx_cdr *d = e->cdr;
	int err;

	if (!d || !mb)
		return;
	err = mbuf_write_str(mb, "}\n");
	if (!err && d->f && (fwrite(mb->buf, 1, mb->end, d->f) != mb->end || fflush(d->f)))
		err = errno ? errno : EIO;
	if (err)
		cx_log(CX_LOG_ERR, sid, "cdr: cannot write the record of %s to '%H': %s", cid,
		       cx_rt_esc, d->file ? d->file : "", strerror(err));
	if (d->url) {
		int serr = cx_cdr__spool(d, mb);
		if (serr)
			cx_log(CX_LOG_ERR, sid, "cdr: cannot spool the record of %s in '%H': %s", cid,
			       cx_rt_esc, d->spool, strerror(serr));
		else
			cx_cdr__pump(d);
	}
	e->met.cdr_records++;
}

void cx_cdr_conn(cx_engine *e, cx_conn *c)
{
	cx_cdr *d = e->cdr;
	cx_conn_stats st;
	struct mbuf *mb;
	int err;

	if (c->cdr_done || c->merged == 1)
		return; /* a merged call's record is written when its bridge ends (sip.c) */
	c->cdr_done = 1;
	cx_conn_gone(e, c);
	if (!c->t_end)
		c->t_end = cx_cdr_now_ms();
	if (!d)
		return;
	memset(&st, 0, sizeof(st));
	if (e->prov && e->prov->conn_stats)
		e->prov->conn_stats(e, c, &st);
	mb = mbuf_alloc(512);
	err = mb ? cx_cdr__build(mb, c, &st) : ENOMEM;
	if (err)
		cx_log(CX_LOG_ERR, c->sess ? c->sess->id : NULL, "cdr: cannot write the record of "
		       "%s: %s", c->id, strerror(err));
	/* the provider may keep it until the outcome of its BYE is known (sip.c: over TLS) */
	else if (!e->prov || !e->prov->cdr_defer || !e->prov->cdr_defer(e, c, mb))
		cx_cdr_emit(e, mb, c->sess ? c->sess->id : NULL, c->id);
	mem_deref(mb);
}

/* Section - Set-up */

static void cx_cdr__destroy(void *arg)
{
	cx_cdr *d = arg;
	struct le *le;

	cx_clock_background(&d->tmr, 0);
	tmr_cancel(&d->tmr);
	LIST_FOREACH(&d->q, le)
		((cx_cdr_item *)le->data)->d = NULL;
	list_flush(&d->q);
	if (d->f)
		fclose(d->f);
	mem_deref(d->file);
	mem_deref(d->url);
	mem_deref(d->spool);
}

int cx_cdr_setup(cx_engine *e, const char *file, const char *url, const char *spool)
{
	cx_cdr *d;
	struct stat st;
	int err = 0;

	if (!file && !url && !spool)
		return 0;
	if (url && (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))) {
		cx_log(CX_LOG_ERR, NULL, "--cdr-url: '%H' is not an http:// or https:// URL",
		       cx_rt_escurl, url);
		return EINVAL;
	}
	if (!url != !spool) {
		cx_log(CX_LOG_ERR, NULL, "--cdr-url and --cdr-spool go together: records are kept "
		       "in the spool directory until the URL took them");
		return EINVAL;
	}
	if (spool && strlen(spool) > 3000) {
		cx_log(CX_LOG_ERR, NULL, "--cdr-spool: the path is too long");
		return ENAMETOOLONG;
	}
	if (spool && (stat(spool, &st) || !S_ISDIR(st.st_mode) || access(spool, W_OK))) {
		cx_log(CX_LOG_ERR, NULL, "--cdr-spool: '%H' is not a directory we can write to",
		       cx_rt_esc, spool);
		return ENOTDIR;
	}
	d = mem_zalloc(sizeof(*d), cx_cdr__destroy);
	if (!d)
		return ENOMEM;
	d->eng = e;
	tmr_init(&d->tmr);
	cx_clock_background(&d->tmr, 1); /* the web server's time: never skipped */
	if ((file && str_dup(&d->file, file)) || (url && str_dup(&d->url, url)) ||
	    (spool && str_dup(&d->spool, spool)))
		err = ENOMEM;
	if (!err && file) {
		d->f = fopen(file, "a");
		if (!d->f) {
			err = errno;
			cx_log(CX_LOG_ERR, NULL, "--cdr-file: cannot open '%H': %s", cx_rt_esc, file,
			       strerror(err));
		}
	}
	if (!err && spool)
		err = cx_cdr__scan(d);
	if (err) {
		mem_deref(d);
		return err;
	}
	e->cdr = d;
	cx_cdr__pump(d);
	return 0;
}

int cx_cdr_reopen(cx_engine *e)
{
	cx_cdr *d = e->cdr;
	FILE *f;

	if (!d || !d->file)
		return 0;
	f = fopen(d->file, "a");
	if (!f) {
		int err = errno;
		cx_log(CX_LOG_ERR, NULL, "--cdr-file: cannot reopen '%H': %s; keeping the old one",
		       cx_rt_esc, d->file, strerror(err));
		return err;
	}
	fclose(d->f);
	d->f = f;
	return 0;
}

uint32_t cx_cdr_spooled(const cx_engine *e)
{
	return e->cdr ? list_count(&e->cdr->q) : 0;
}
