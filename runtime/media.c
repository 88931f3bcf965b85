/*
 * media.c — audio of dialogs: how long a prompt plays (the WAV header, else the duration of the
 * `text=` part spoken by flite, cmu_us_kal 8 kHz built in) and the prompt itself as 8 kHz mono
 * PCM for RTP. Decoded prompts are shared between calls (cx_media_load's cache). The src
 * "?break=MS" is MS milliseconds of silence (a VoiceXML <break>, at most CX_VX_BREAK_MAX_MS);
 * "?beep" is the platform's record beep (a VoiceXML <record beep="true">, before it listens).
 */
#include <speex/speex_resampler.h>
#include "rt.h"
#include <string.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <re.h>
#include <rem.h>
#include <flite/flite.h>
#include <sys/stat.h>

cst_voice *register_cmu_us_kal(const char *voxdir);

static cst_voice *cx_media__voice;

/* Decode %XX and '+' of a URI query value in place, with the HTTP listener's decoder (the same
 * rules for a field: no bad escape, no NUL byte, valid UTF-8, since flite speaks the bytes).
 * EBADMSG, said on stderr, when the value breaks them. */
static int cx_media__unescape(char *s)
{
	size_t n = strlen(s);
	char *d = NULL;
	int err;

	err = cx_http_decode(&d, s, n, n);
	if (err == EBADMSG)
		cx_log(CX_LOG_WARN, NULL, "media: text=%s: bad percent-encoding, NUL byte or "
		       "invalid UTF-8", s);
	if (err)
		return err;
	memcpy(s, d, strlen(d) + 1); /* never longer than its encoding */
	mem_deref(d);
	return 0;
}

/* Is src a break ("?break=MS", 0 < MS <= CX_VX_BREAK_MAX_MS)? 1 and *ms, or 0. */
static int cx_media__break(const char *src, uint64_t *ms)
{
	const char *p = src + 7;
	uint64_t v = 0;

	if (strncmp(src, "?break=", 7) || !*p)
		return 0;
	for (; *p >= '0' && *p <= '9' && v <= CX_VX_BREAK_MAX_MS; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (*p || !v || v > CX_VX_BREAK_MAX_MS)
		return 0;
	*ms = v;
	return 1;
}

/* The record beep: 250 ms of 1 kHz at 8 kHz, faded in and out over 5 ms (no clicks). */
enum { CX_MEDIA_BEEP_MS = 250, CX_MEDIA_BEEP_HZ = 1000, CX_MEDIA_BEEP_FADE = 40 };

static int cx_media__isbeep(const char *src)
{
	return !strcmp(src, "?beep");
}

static int16_t *cx_media__beep(size_t *np)
{
	size_t n = CX_MEDIA_BEEP_MS * 8, i;
	int16_t *pcm = mem_zalloc(n * sizeof(*pcm), NULL);

	for (i = 0; pcm && i < n; i++) {
		double g = i < CX_MEDIA_BEEP_FADE ? (double)i / CX_MEDIA_BEEP_FADE :
			   n - i < CX_MEDIA_BEEP_FADE ? (double)(n - i) / CX_MEDIA_BEEP_FADE : 1.0;
		pcm[i] = (int16_t)(g * 8000.0 * sin(2.0 * M_PI * CX_MEDIA_BEEP_HZ * (double)i / 8000.0));
	}
	*np = pcm ? n : 0;
	return pcm;
}

static int cx_media__wav_ms(const char *path, uint64_t *ms)
{
	struct aufile_prm prm;
	struct aufile *af = NULL;
	uint8_t buf[4096];
	uint64_t bytes = 0;
	size_t ss;
	int err;

	err = aufile_open(&af, &prm, path, AUFILE_READ);
	if (err)
		return err;
	for (;;) {
		size_t sz = sizeof(buf);
		err = aufile_read(af, buf, &sz);
		if (err || sz == 0)
			break;
		bytes += sz;
	}
	ss = aufmt_sample_size(prm.fmt);
	mem_deref(af);
	if (err)
		return err;
	if (!ss || !prm.srate || !prm.channels)
		return EINVAL;
	*ms = bytes * 1000 / ((uint64_t)ss * prm.srate * prm.channels);
	return 0;
}

/* Speaks text with flite's built-in 8 kHz voice (loaded once). The caller deletes the wave. */
static int cx_media__speak(const char *text, cst_wave **wp)
{
	if (!cx_media__voice) {
		flite_init();
		cx_media__voice = register_cmu_us_kal(NULL);
		if (!cx_media__voice)
			return ENOSYS;
	}
	*wp = flite_text_to_wave(text, cx_media__voice);
	return *wp ? 0 : EINVAL;
}

static int cx_media__tts_ms(const char *text, uint64_t *ms)
{
	cst_wave *w;
	int err = cx_media__speak(text, &w);

	if (err)
		return err;
	*ms = w->sample_rate ? (uint64_t)w->num_samples * 1000 / (uint64_t)w->sample_rate : 0;
	delete_wave(w);
	return 0;
}

/* G.711 (pt 8 PCMA, else PCMU) to PCM: at most max samples; how many were written. */
size_t cx_media_g711(int pt, const uint8_t *b, size_t n, int16_t *pcm, size_t max)
{
	size_t i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		pcm[i] = pt == 8 ? g711_alaw2pcm(b[i]) : g711_ulaw2pcm(b[i]);
	return n;
}

/* A media path names something under --media-root: relative, no ".." step. The src comes
 * from a document expression, maybe built from what a caller dialed or an HTTP client sent. */
static int cx_media__confined(const char *rel)
{
	const char *p = rel;

	if (rel[0] == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		if (*p == '/')
			++p;
	}
	return 1;
}

/* A symlink under the root may lead out of it: the real path must stay below the real root.
 * A path that does not exist (yet) passes; opening it fails later with ENOENT. */
static int cx_media__inside(const char *root, const char *path)
{
	char *rr = realpath(root, NULL), *rp = realpath(path, NULL);
	size_t rl = rr ? strlen(rr) : 0;
	int ok;

	if (!rp)
		ok = 1;
	else if (!rr)
		ok = 0;
	else
		ok = !strncmp(rp, rr, rl) && (rp[rl] == '/' || rp[rl] == '\0' || (rl == 1 && rr[0] == '/'));
	free(rr);
	free(rp);
	return ok;
}

/* Split "file.wav?text=…" into the file path (resolved against root) and the unescaped text
 * (NULL when absent). *copyp holds the text's memory; both are mem objects. EACCES: the path
 * is absolute, has a ".." step or leads out of root through a symlink. */
static int cx_media__split(const char *root, const char *src, char **copyp, char **pathp,
			   char **textp)
{
	char *copy = NULL, *q;
	int err;

	*textp = NULL;
	*pathp = NULL;
	err = str_dup(&copy, src);
	if (err)
		return err;
	q = strchr(copy, '?');
	if (q) {
		char *p, *save = NULL;
		*q++ = '\0';
		for (p = strtok_r(q, "&", &save); p; p = strtok_r(NULL, "&", &save)) {
			if (!strncmp(p, "text=", 5)) {
				*textp = p + 5;
				if ((err = cx_media__unescape(*textp))) {
					mem_deref(copy);
					*textp = NULL;
					return err;
				}
			}
		}
	}
	if (cx_prompt_is_web(src)) {
		/* a web prompt: its copy kept by prompt.c (none: the text= fallback, or ENOENT) */
		const char *kept = cx_prompt_kept(src);
		err = re_sdprintf(pathp, "%s", kept ? kept : "/nonexistent/ccxmlc-prompt");
		if (err) {
			mem_deref(copy);
			*textp = NULL;
			return err;
		}
		*copyp = copy;
		return 0;
	}
	if (!strncmp(copy, "file://", 7))
		memmove(copy, copy + 7, strlen(copy + 7) + 1);
	err = cx_media__confined(copy) ? 0 : EACCES;
	if (!err)
		err = re_sdprintf(pathp, "%s/%s", root && *root ? root : ".", copy);
	if (!err && !cx_media__inside(root && *root ? root : ".", *pathp))
		err = EACCES;
	if (err) {
		*pathp = mem_deref(*pathp);
		mem_deref(copy);
		*textp = NULL;
		return err;
	}
	*copyp = copy;
	return 0;
}

int cx_media_duration(const char *root, const char *src, uint64_t *ms)
{
	char *copy = NULL, *path = NULL, *text = NULL;
	int err;

	if (!src || !ms)
		return EINVAL;
	if (cx_media__break(src, ms))
		return 0;
	if (cx_media__isbeep(src)) {
		*ms = CX_MEDIA_BEEP_MS;
		return 0;
	}
	err = cx_media__split(root, src, &copy, &path, &text);
	if (err)
		return err;
	err = cx_media__wav_ms(path, ms);
	if (err && text && *text)
		err = cx_media__tts_ms(text, ms);
	else if (err)
		err = ENOENT;
	mem_deref(path);
	mem_deref(copy);
	return err;
}

/* Section - Decoding to 8 kHz mono (the RTP player's input) */

/* A growable int16 buffer (mem object). */
typedef struct cx_media_buf {
	int16_t *v;
	size_t n, cap;
} cx_media_buf;

static int cx_media__push(cx_media_buf *b, int16_t s)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8192;
		int16_t *v = b->v ? mem_realloc(b->v, cap * sizeof(*v)) : mem_alloc(cap * sizeof(*v), NULL);
		if (!v)
			return ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = s;
	return 0;
}

/*
 * Resample mono 16-bit audio from irate to 8000 Hz, any ratio, with speexdsp's resampler at
 * its best quality (10: a windowed-sinc filter whose stop band keeps what lies above 4 kHz
 * 80+ dB down, where the box filter this replaced left it 11-17 dB down). Prompts are decoded
 * once and cached, so the cost is paid once per file. The filter's delay is flushed with
 * zeros at the end, so no sample of the prompt's tail is lost.
 */
static int cx_media__resample(const int16_t *in, size_t n, uint32_t irate, int16_t **outp,
			      size_t *outn)
{
	SpeexResamplerState *st;
	spx_uint32_t il, ol;
	size_t on, got = 0;
	int16_t *out, zeros[256];
	int err = 0;

	on = irate == 8000 ? n : (size_t)((uint64_t)n * 8000 / irate);
	out = mem_alloc((on ? on : 1) * sizeof(*out), NULL);
	if (!out)
		return ENOMEM;
	if (irate == 8000 || n == 0) {
		if (n)
			memcpy(out, in, n * sizeof(*out));
		*outp = out;
		*outn = n;
		return 0;
	}
	if (n > UINT32_MAX || irate > 384000) {
		mem_deref(out);
		return EFBIG;
	}
	st = speex_resampler_init(1, irate, 8000, SPEEX_RESAMPLER_QUALITY_MAX, &err);
	if (!st) {
		mem_deref(out);
		return ENOMEM;
	}
	/* the filter delays its output: start with the first sample of the prompt */
	(void)speex_resampler_skip_zeros(st);
	il = (spx_uint32_t)n;
	ol = (spx_uint32_t)on;
	speex_resampler_process_int(st, 0, in, &il, out, &ol);
	got = ol;
	memset(zeros, 0, sizeof(zeros));
	while (got < on) { /* the tail still inside the filter */
		il = sizeof(zeros) / sizeof(zeros[0]);
		ol = (spx_uint32_t)(on - got);
		speex_resampler_process_int(st, 0, zeros, &il, out + got, &ol);
		if (!ol)
			break;
		got += ol;
	}
	speex_resampler_destroy(st);
	*outp = out;
	*outn = got;
	return 0;
}

/* Read a WAV that librem understands (S16LE any rate/channels, G.711 u-law or A-law) into
 * mono samples at the file's rate. */
static int cx_media__wav_read(const char *path, cx_media_buf *b, uint32_t *rate)
{
	struct aufile_prm prm;
	struct aufile *af = NULL;
	uint8_t buf[4096];
	int err;

	err = aufile_open(&af, &prm, path, AUFILE_READ);
	if (err)
		return err;
	if (!prm.channels || !prm.srate ||
	    (prm.fmt != AUFMT_S16LE && prm.fmt != AUFMT_PCMU && prm.fmt != AUFMT_PCMA)) {
		mem_deref(af);
		return ENOTSUP;
	}
	for (;;) {
		size_t sz = sizeof(buf), i, ss = prm.fmt == AUFMT_S16LE ? 2 : 1;
		size_t frame = ss * prm.channels;
		err = aufile_read(af, buf, &sz);
		if (err || sz == 0)
			break;
		/* sz is a multiple of the frame size except maybe at a truncated end */
		for (i = 0; i + frame <= sz && !err; i += frame) {
			int32_t acc = 0;
			uint8_t ch;
			for (ch = 0; ch < prm.channels; ch++) {
				const uint8_t *p = buf + i + ch * ss;
				if (prm.fmt == AUFMT_S16LE)
					acc += (int16_t)(uint16_t)(p[0] | p[1] << 8);
				else if (prm.fmt == AUFMT_PCMU)
					acc += g711_ulaw2pcm(p[0]);
				else
					acc += g711_alaw2pcm(p[0]);
			}
			err = cx_media__push(b, (int16_t)(acc / prm.channels));
		}
	}
	*rate = prm.srate;
	mem_deref(af);
	return err;
}

static int cx_media__tts_read(const char *text, cx_media_buf *b, uint32_t *rate)
{
	cst_wave *w;
	int i, err = cx_media__speak(text, &w);

	if (err)
		return err;
	for (i = 0; i < w->num_samples * (w->num_channels > 0 ? w->num_channels : 1) && !err;
	     i += (w->num_channels > 0 ? w->num_channels : 1))
		err = cx_media__push(b, w->samples[i]);
	*rate = (uint32_t)w->sample_rate;
	delete_wave(w);
	return err;
}

/* Decoded prompts shared between calls: a hundred callers hearing one 10 s prompt hold one
 * copy (160 kB), not a hundred. An entry is used again only while its file has the same size and
 * modification time (or is still missing, for a spoken text); the least recently used goes first. */
#define CX_MEDIA_CACHE_MAX 32

typedef struct cx_media_ent {
	struct le le;
	char *key;          /* path NUL text */
	size_t keylen;
	int present;        /* the file existed when decoded */
	off_t size;
	struct timespec mtime;
	int16_t *pcm;       /* one reference held by the cache */
	size_t n;
	int tts;
} cx_media_ent;

static struct list cx_media__cache;

static void cx_media__ent_destroy(void *arg)
{
	cx_media_ent *m = arg;

	list_unlink(&m->le);
	mem_deref(m->key);
	mem_deref(m->pcm);
}

void cx_media_flush(void)
{
	list_flush(&cx_media__cache);
	cx_prompt_flush();
}

static int cx_media__decode(const char *path, const char *text, int16_t **pcmp, size_t *np, int *tts)
{
	cx_media_buf b = {NULL, 0, 0};
	uint32_t rate = 8000;
	int err;

	*tts = 0;
	err = cx_media__wav_read(path, &b, &rate);
	if (err && text && *text) {
		b.n = 0;
		err = cx_media__tts_read(text, &b, &rate);
		if (!err)
			*tts = 1;
	}
	else if (err)
		err = ENOENT;
	if (!err)
		err = cx_media__resample(b.v, b.n, rate ? rate : 8000, pcmp, np);
	mem_deref(b.v);
	return err;
}

int cx_media_load(const char *root, const char *src, int16_t **pcmp, size_t *np, int *tts)
{
	char *copy = NULL, *path = NULL, *text = NULL, *key = NULL;
	size_t pl, tl;
	struct stat st;
	cx_media_ent *m = NULL;
	struct le *le;
	int present, istts = 0, err;

	if (!src || !pcmp || !np)
		return EINVAL;
	uint64_t brk;
	if (cx_media__break(src, &brk)) { /* silence: linear 0, G.711's quiet code */
		*pcmp = mem_zalloc(brk * 8 * sizeof(int16_t), NULL);
		*np = brk * 8;
		if (tts)
			*tts = 0;
		return *pcmp ? 0 : ENOMEM;
	}
	if (cx_media__isbeep(src)) {
		*pcmp = cx_media__beep(np);
		if (tts)
			*tts = 0;
		return *pcmp ? 0 : ENOMEM;
	}
	err = cx_media__split(root, src, &copy, &path, &text);
	if (err)
		return err;
	present = stat(path, &st) == 0;
	pl = strlen(path);
	tl = text ? strlen(text) : 0;
	LIST_FOREACH(&cx_media__cache, le) {
		cx_media_ent *c = le->data;
		if (c->keylen == pl + 1 + tl && !memcmp(c->key, path, pl + 1) &&
		    !memcmp(c->key + pl + 1, text ? text : "", tl) && c->present == present &&
		    (!present || (c->size == st.st_size && c->mtime.tv_sec == st.st_mtim.tv_sec &&
				  c->mtime.tv_nsec == st.st_mtim.tv_nsec))) {
			m = c;
			break;
		}
	}
	if (m) {
		list_unlink(&m->le);
		list_prepend(&cx_media__cache, &m->le, m);
		goto out;
	}
	m = mem_zalloc(sizeof(*m), cx_media__ent_destroy);
	key = mem_alloc(pl + 1 + tl + 1, NULL);
	if (!m || !key) {
		err = ENOMEM;
		goto out;
	}
	memcpy(key, path, pl + 1);
	memcpy(key + pl + 1, text ? text : "", tl + 1);
	err = cx_media__decode(path, text, &m->pcm, &m->n, &istts);
	if (err)
		goto out;
	m->key = key;
	key = NULL;
	m->keylen = pl + 1 + tl;
	m->present = present;
	if (present) {
		m->size = st.st_size;
		m->mtime = st.st_mtim;
	}
	m->tts = istts;
	list_prepend(&cx_media__cache, &m->le, m);
	if (list_count(&cx_media__cache) > CX_MEDIA_CACHE_MAX)
		mem_deref(list_tail(&cx_media__cache)->data);
 out:
	if (!err) {
		*pcmp = mem_ref(m->pcm);
		*np = m->n;
		if (tts)
			*tts = m->tts;
	}
	else if (m && !m->le.list)
		mem_deref(m);
	mem_deref(key);
	mem_deref(path);
	mem_deref(copy);
	return err;
}
