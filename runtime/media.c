/*
 * media.c — how long an audio dialog plays: the WAV header (librem aufile), else the duration
 * of the `text=` part of the src spoken by flite (cmu_us_kal, 8 kHz, built in).
 */
#include "rt.h"
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <ctype.h>
#include <re.h>
#include <rem.h>
#include <flite/flite.h>

cst_voice *register_cmu_us_kal(const char *voxdir);

static cst_voice *cx_media__voice;

/* Decode %XX and '+' of a URI query value in place. */
static void cx_media__unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char hex[3] = {s[1], s[2], 0};
			*w++ = (char)strtol(hex, NULL, 16);
			s += 2;
		}
		else if (*s == '+')
			*w++ = ' ';
		else
			*w++ = *s;
	}
	*w = '\0';
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

static int cx_media__tts_ms(const char *text, uint64_t *ms)
{
	cst_wave *w;

	if (!cx_media__voice) {
		flite_init();
		cx_media__voice = register_cmu_us_kal(NULL);
		if (!cx_media__voice)
			return ENOSYS;
	}
	w = flite_text_to_wave(text, cx_media__voice);
	if (!w)
		return EINVAL;
	*ms = w->sample_rate ? (uint64_t)w->num_samples * 1000 / (uint64_t)w->sample_rate : 0;
	delete_wave(w);
	return 0;
}

int cx_media_duration(const char *root, const char *src, uint64_t *ms)
{
	char *copy = NULL, *q, *path = NULL, *text = NULL;
	int err;

	if (!src || !ms)
		return EINVAL;
	err = str_dup(&copy, src);
	if (err)
		return err;
	q = strchr(copy, '?');
	if (q) {
		char *p;
		*q++ = '\0';
		for (p = strtok(q, "&"); p; p = strtok(NULL, "&")) {
			if (!strncmp(p, "text=", 5)) {
				text = p + 5;
				cx_media__unescape(text);
			}
		}
	}
	if (!strncmp(copy, "file://", 7))
		memmove(copy, copy + 7, strlen(copy + 7) + 1);
	if (copy[0] && copy[0] != '/' && root && *root)
		err = re_sdprintf(&path, "%s/%s", root, copy);
	else
		err = str_dup(&path, copy);
	if (!err)
		err = cx_media__wav_ms(path, ms);
	if (err && text && *text)
		err = cx_media__tts_ms(text, ms);
	else if (err)
		err = ENOENT;
	mem_deref(path);
	mem_deref(copy);
	return err;
}
