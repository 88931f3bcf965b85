/*
 * record.c — recording to a WAV file (docs/sip.md "Recording"): the dialog
 * `<dialogstart src="'record:NAME.wav?maxtime=30s'" type="'audio/wav'"/>` on a connection writes
 * what its far end sends (on a conference: its mix), decoded to 8 kHz mono 16-bit PCM, to
 * --record-dir/NAME.wav until maxtime, <dialogterminate> or the hang-up; then dialog.exit carries
 * values.file, values.duration (ms) and values.reason. The SIP provider's media plane
 * (mplane.c) starts it and feeds it every audio packet of the call, or every 20 ms frame of the
 * conference's mix.
 */
#include "prov.h"
#include <string.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <re.h>
#include <rem.h>

#define CX_REC_MAXGAP 16000u          /* samples of lost audio filled with silence (2 s) */
#define CX_REC_DEFMAX (3600u * 8000u) /* maxtime when the src names none: one hour */

struct cx_rec {
	cx_dlg *d;                    /* weak: the recording is d->pd */
	cx_rec **slot;                /* the feeder's pointer to us, cleared when we go */
	int fd;
	char name[64];
	uint32_t n, max;              /* samples written, limit */
	uint32_t nts;                 /* RTP timestamp expected next */
	int tsseen, ended;
	cx_rec_end_h *endh;           /* set: told the end instead of a dialog.exit (vxio.c) */
	void *arg;
	uint32_t fsil, quiet;         /* finalsilence (samples, 0: none), quiet samples since speech */
	int heard;                    /* a frame louder than CX_REC_SPEECH came */
};

#define CX_REC_SPEECH 500             /* mean absolute sample above which a frame is speech */

int cx_rec_is(const char *src)
{
	return src && !strncmp(src, "record:", 7);
}

static void cx_rec__le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The 44-byte header of a PCM WAV holding n samples (8 kHz, mono, 16 bits). */
static int cx_rec__header(int fd, uint32_t n)
{
	uint8_t h[44];

	memcpy(h, "RIFF\0\0\0\0WAVEfmt \20\0\0\0\1\0\1\0\0\0\0\0\0\0\0\0\2\0\20\0data", 40);
	cx_rec__le32(h + 4, 36 + 2 * n);
	cx_rec__le32(h + 24, 8000);
	cx_rec__le32(h + 28, 16000);
	cx_rec__le32(h + 40, 2 * n);
	return pwrite(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) ? 0 : errno ? errno : EIO;
}

static void cx_rec__close(cx_rec *r)
{
	if (r->fd < 0)
		return;
	if (cx_rec__header(r->fd, r->n))
		cx_log(CX_LOG_ERR, NULL, "record: %s: cannot finish the WAV header: %m", r->name,
		       errno);
	close(r->fd);
	r->fd = -1;
}

static void cx_rec__destroy(void *arg)
{
	cx_rec *r = arg;

	cx_rec__close(r);
	if (r->slot && *r->slot == r)
		*r->slot = NULL;
}

/* "30s", "1500ms" -> samples; 0 when malformed. */
static uint32_t cx_rec__maxtime(const char *v)
{
	char *end;
	double t = strtod(v, &end);

	if (end == v || t <= 0)
		return 0;
	if (!strcmp(end, "ms"))
		t /= 1000;
	else if (strcmp(end, "s"))
		return 0;
	return t * 8000 >= CX_REC_DEFMAX ? CX_REC_DEFMAX : (uint32_t)(t * 8000);
}

/* Parses "record:NAME.wav[?maxtime=T]": NAME is one file name of letters, digits, '.', '-'
 * and '_', not starting with '.', ending in ".wav" (no directories: nothing outside dir). */
static const char *cx_rec__parse(cx_rec *r, const char *src)
{
	const char *p = src + 7, *q = strchr(p, '?');
	size_t n = q ? (size_t)(q - p) : strlen(p), i;

	if (n < 5 || n >= sizeof(r->name) || p[0] == '.' || strncasecmp(p + n - 4, ".wav", 4))
		return "recording name is not NAME.wav (letters, digits, '.', '-', '_')";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("._-", p[i]))
			return "recording name is not NAME.wav (letters, digits, '.', '-', '_')";
	memcpy(r->name, p, n);
	r->name[n] = '\0';
	r->max = CX_REC_DEFMAX;
	if (q) {
		if (strncmp(q, "?maxtime=", 9) || !(r->max = cx_rec__maxtime(q + 9)))
			return "recording option is not ?maxtime=Ns or ?maxtime=Nms";
	}
	return NULL;
}

/* Creates dir/r->name (never an existing file) with an empty WAV header. */
static int cx_rec__create(cx_rec *r, const char *dir, const char **why)
{
	char *path = NULL;
	int err = re_sdprintf(&path, "%s/%s", dir, r->name);

	if (!err) {
		r->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
		err = r->fd < 0 ? errno : cx_rec__header(r->fd, 0);
		if (!err && lseek(r->fd, 44, SEEK_SET) != 44)
			err = errno;
	}
	if (err) {
		cx_log(CX_LOG_WARN, NULL, "record: cannot create %s: %m", path ? path : r->name, err);
		*why = err == EEXIST ? "recording file exists" : "cannot create the recording file";
	}
	mem_deref(path);
	return err;
}

int cx_rec_start(cx_rec **rp, cx_dlg *d, const char *dir, cx_rec **slot, const char **why)
{
	cx_rec *r;
	int err;

	*why = NULL;
	if (!dir) {
		*why = "recording needs --record-dir";
		return EACCES;
	}
	r = mem_zalloc(sizeof(*r), cx_rec__destroy);
	if (!r)
		return ENOMEM;
	r->fd = -1;
	r->d = d;
	if ((*why = cx_rec__parse(r, d->src))) {
		mem_deref(r);
		return EINVAL;
	}
	if ((err = cx_rec__create(r, dir, why))) {
		mem_deref(r);
		return err;
	}
	r->slot = slot;
	*slot = r;
	*rp = r;
	return 0;
}

int cx_rec_open(cx_rec **rp, const char *dir, const char *name, uint32_t max_ms, uint32_t fsil_ms,
		cx_rec **slot, cx_rec_end_h *endh, void *arg, const char **why)
{
	cx_rec *r;
	int err;

	*why = NULL;
	if (!dir) {
		*why = "recording needs --record-dir";
		return EACCES;
	}
	if (strlen(name) >= sizeof(((cx_rec *)0)->name))
		return ENAMETOOLONG;
	r = mem_zalloc(sizeof(*r), cx_rec__destroy);
	if (!r)
		return ENOMEM;
	r->fd = -1;
	str_ncpy(r->name, name, sizeof(r->name));
	r->max = max_ms && max_ms < CX_REC_DEFMAX / 8 ? max_ms * 8 : CX_REC_DEFMAX;
	r->fsil = fsil_ms * 8;
	r->endh = endh;
	r->arg = arg;
	if ((err = cx_rec__create(r, dir, why))) {
		mem_deref(r);
		return err;
	}
	r->slot = slot;
	if (slot)
		*slot = r;
	*rp = r;
	return 0;
}

uint32_t cx_rec_ms(const cx_rec *r)
{
	return r ? r->n / 8 : 0;
}

static cx_cval *cx_rec__values(const cx_rec *r, const char *reason)
{
	cx_cval *v = cx_cval_obj(), *dur = cx_cval_num((double)r->n / 8);

	if (v && (cx_cval_put(v, "file", 4, cx_cval_str(r->name)) ||
		  cx_cval_put(v, "duration", 8, dur) ||
		  cx_cval_put(v, "reason", 6, cx_cval_str(reason))))
		return mem_deref(v);
	if (!v)
		mem_deref(dur);
	return v;
}

void cx_rec_end(cx_rec *r, const char *reason)
{
	cx_cval *v;

	if (!r || r->ended)
		return;
	r->ended = 1;
	cx_rec__close(r);
	if (r->slot && *r->slot == r)
		*r->slot = NULL; /* no more audio */
	r->slot = NULL;
	if (r->endh) {
		r->endh(reason, r->arg);
		return;
	}
	v = cx_rec__values(r, reason);
	cx_rt_dlg_exit(r->d, v, NULL);
	mem_deref(v);
}

static void cx_rec__write(cx_rec *r, const int16_t *pcm, size_t n)
{
	uint8_t b[2 * 480];
	size_t i;

	if (n > r->max - r->n)
		n = r->max - r->n;
	for (i = 0; i < n; i++) {
		b[2 * i] = (uint8_t)pcm[i];
		b[2 * i + 1] = (uint8_t)((uint16_t)pcm[i] >> 8);
	}
	if (write(r->fd, b, 2 * n) != (ssize_t)(2 * n)) {
		cx_log(CX_LOG_ERR, NULL, "record: %s: write failed: %m", r->name, errno);
		cx_rec_end(r, "error");
		return;
	}
	r->n += (uint32_t)n;
	if (r->n >= r->max) {
		cx_rec_end(r, "maxtime");
		return;
	}
	if (r->fsil) { /* finalsilence: that long quiet after speech ends it */
		uint64_t sum = 0;
		for (i = 0; i < n; i++)
			sum += (uint64_t)(pcm[i] < 0 ? -(int32_t)pcm[i] : pcm[i]);
		if (n && sum / n > CX_REC_SPEECH) {
			r->heard = 1;
			r->quiet = 0;
		} else if (r->heard && (r->quiet += (uint32_t)n) >= r->fsil) {
			cx_rec_end(r, "finalsilence");
		}
	}
}

/* n samples of silence (the simulator's caller says nothing). */
void cx_rec_silence(cx_rec *r, uint32_t n)
{
	int16_t pcm[480];

	memset(pcm, 0, sizeof(pcm));
	while (r && n && !r->ended && r->fd >= 0) {
		uint32_t k = n > 480 ? 480 : n;
		cx_rec__write(r, pcm, k);
		n -= k;
	}
}

/* One 20 ms frame of a conference's mix (sums of 16-bit samples: clipped). */
void cx_rec_mix(cx_rec *r, const int32_t *sum, size_t n)
{
	int16_t pcm[480];
	size_t i;

	if (!r || r->ended || r->fd < 0)
		return;
	if (n > 480)
		n = 480;
	for (i = 0; i < n; i++)
		pcm[i] = sum[i] > 32767 ? 32767 : sum[i] < -32768 ? -32768 : (int16_t)sum[i];
	cx_rec__write(r, pcm, n);
}

/* One received RTP audio payload (at most 60 ms are taken) with its timestamp: a gap of up to
 * 2 s (lost packets) becomes silence; a packet older than the last one is dropped. */
void cx_rec_rtp(cx_rec *r, uint32_t ts, int pt, const uint8_t *b, size_t n)
{
	int16_t pcm[480];
	uint32_t gap;

	if (!r || r->ended || r->fd < 0)
		return;
	if (r->tsseen) {
		gap = ts - r->nts;
		if (gap >= 0x80000000u)
			return; /* reordered or repeated */
		memset(pcm, 0, sizeof(pcm));
		while (gap && gap <= CX_REC_MAXGAP && !r->ended) {
			uint32_t k = gap > 480 ? 480 : gap;
			cx_rec__write(r, pcm, k);
			gap -= k;
		}
	}
	n = cx_media_g711(pt, b, n, pcm, 480);
	r->tsseen = 1;
	r->nts = ts + (uint32_t)n;
	if (!r->ended)
		cx_rec__write(r, pcm, n);
}
