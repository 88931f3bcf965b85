/*
 * amd.c — answering-machine detection for outbound calls (docs/sip.md "Answering-machine
 * detection"), asked for with <createcall hints="{amd: true}">. An energy detector on the far
 * end's decoded audio, in 20 ms frames:
 *   - a frame is speech when its RMS is over CX_AMD_SPEECH;
 *   - the first speech starts a measure (a burst under 100 ms followed by 200 ms of silence is
 *     a click, not a voice: ignored); it ends at the first silence of maxsilence ms.
 *     Speech shorter than maxtime ("hello?") is a human; speech reaching maxtime (a greeting)
 *     is a machine, decided at that moment; no speech within runtime ms is unknown;
 *   - after a machine, its greeting ends at a beep (a steady tone: 160 ms of frames whose zero
 *     crossings stay within 2 of each other, 300-3000 Hz, RMS within 20 %), at maxsilence ms of
 *     silence, or at runtime ms after the answer.
 * The caller gets the result once (CX_AMD_RESULT) and, after a machine, the end (CX_AMD_END).
 */
#include "prov.h"
#include <string.h>
#include <math.h>
#include <re.h>
#include <rem.h>

#define CX_AMD_FRAME 160         /* samples: 20 ms */
#define CX_AMD_SPEECH 400.0      /* RMS of a speech frame (16-bit; about -38 dBFS) */
#define CX_AMD_BEEP 8            /* frames of a steady tone that make a beep */

enum { CX_AMD__WAIT, CX_AMD__SPEECH, CX_AMD__GREETING, CX_AMD__DONE };

struct cx_amd {
	cx_amd_cfg cfg;
	cx_amd_h *h;
	void *arg;
	struct tmr tmr;               /* runtime: unknown, or the greeting's end */
	int st;
	int16_t fr[CX_AMD_FRAME];
	uint32_t nfr;
	uint32_t t;                   /* ms of audio analysed */
	uint32_t sp0, splast;         /* start and last frame of the speech (ms) */
	uint32_t sil;                 /* ms of silence in the greeting */
	uint32_t run, zc0;            /* steady-tone frames, their first zero-crossing count */
	double rms0;
};

static void cx_amd__destroy(void *arg)
{
	cx_amd *a = arg;

	tmr_cancel(&a->tmr);
}

static void cx_amd__report(cx_amd *a, int what, const char *v)
{
	/* ms of speech: of the greeting so far (machine, end), of the "hello" (human), none */
	uint32_t ms = a->st == CX_AMD__WAIT ? 0 : what == CX_AMD_END || !strcmp(v, "machine") ?
		a->t - a->sp0 : a->splast - a->sp0;

	if (what == CX_AMD_RESULT)
		a->st = !strcmp(v, "machine") ? CX_AMD__GREETING : CX_AMD__DONE;
	else
		a->st = CX_AMD__DONE;
	if (a->st == CX_AMD__DONE)
		tmr_cancel(&a->tmr);
	a->h(what, v, ms, a->arg);
}

static void cx_amd__tmo(void *arg)
{
	cx_amd *a = arg;

	if (a->st == CX_AMD__GREETING)
		cx_amd__report(a, CX_AMD_END, "timeout");
	else if (a->st != CX_AMD__DONE)
		cx_amd__report(a, CX_AMD_RESULT, "unknown");
}

/* hints.amd: true, or an object with maxsilence, maxtime, runtime (ms) */
static uint32_t cx_amd__ms(const cx_cval *o, const char *key, uint32_t def)
{
	uint32_t i;

	for (i = 0; o && o->tag == CX_T_OBJ && i < o->nkids; i++) {
		const cx_cval *k = o->kids[i];
		if (strcmp(o->keys[i], key) || !k || k->tag != CX_T_NUM)
			continue;
		if (k->n >= 100 && k->n <= 120000)
			return (uint32_t)k->n;
	}
	return def;
}

int cx_amd_want(const cx_cval *hints, cx_amd_cfg *cfg)
{
	const cx_cval *v = NULL;
	uint32_t i;

	for (i = 0; hints && hints->tag == CX_T_OBJ && i < hints->nkids; i++)
		if (!strcmp(hints->keys[i], "amd"))
			v = hints->kids[i];
	if (!v || !((v->tag == CX_T_BOOL && v->n) || v->tag == CX_T_OBJ))
		return 0;
	cfg->maxsilence = cx_amd__ms(v, "maxsilence", 1000);
	cfg->maxtime = cx_amd__ms(v, "maxtime", 3000);
	cfg->runtime = cx_amd__ms(v, "runtime", 20000);
	return 1;
}

int cx_amd_alloc(cx_amd **ap, const cx_amd_cfg *cfg, cx_amd_h *h, void *arg)
{
	cx_amd *a = mem_zalloc(sizeof(*a), cx_amd__destroy);

	if (!a)
		return ENOMEM;
	a->cfg = *cfg;
	a->h = h;
	a->arg = arg;
	tmr_init(&a->tmr);
	tmr_start(&a->tmr, cfg->runtime, cx_amd__tmo, a);
	*ap = a;
	return 0;
}

int cx_amd_done(const cx_amd *a)
{
	return !a || a->st == CX_AMD__DONE;
}

/* The call ends: a result not given yet is unknown. */
void cx_amd_flush(cx_amd *a)
{
	if (a && (a->st == CX_AMD__WAIT || a->st == CX_AMD__SPEECH))
		cx_amd__report(a, CX_AMD_RESULT, "unknown");
}

/* The greeting of a machine: a steady tone (beep) or silence ends it. */
static void cx_amd__greeting(cx_amd *a, int speech, double rms, uint32_t zc)
{
	if (!speech) {
		a->run = 0;
		a->sil += 20;
		if (a->sil >= a->cfg.maxsilence)
			cx_amd__report(a, CX_AMD_END, "silence");
		return;
	}
	a->sil = 0;
	if (a->run && zc + 2 >= a->zc0 && zc <= a->zc0 + 2 && fabs(rms - a->rms0) <= 0.2 * a->rms0 &&
	    zc * 25 >= 300 && zc * 25 <= 3000) {
		if (++a->run >= CX_AMD_BEEP)
			cx_amd__report(a, CX_AMD_END, "beep");
		return;
	}
	a->run = 1;
	a->zc0 = zc;
	a->rms0 = rms;
}

static void cx_amd__frame(cx_amd *a)
{
	double e = 0;
	uint32_t i, zc = 0;
	int speech;

	for (i = 0; i < CX_AMD_FRAME; i++) {
		e += (double)a->fr[i] * a->fr[i];
		if (i && (a->fr[i - 1] < 0) != (a->fr[i] < 0))
			zc++;
	}
	e = sqrt(e / CX_AMD_FRAME);
	speech = e > CX_AMD_SPEECH;
	a->t += 20;
	switch (a->st) {
	case CX_AMD__WAIT:
		if (speech) {
			a->st = CX_AMD__SPEECH;
			a->sp0 = a->t - 20;
			a->splast = a->t;
		}
		break;
	case CX_AMD__SPEECH:
		if (speech)
			a->splast = a->t;
		if (!speech && a->splast - a->sp0 < 100 && a->t - a->splast >= 200)
			a->st = CX_AMD__WAIT; /* a click, not a voice */
		else if (a->t - a->sp0 >= a->cfg.maxtime && speech)
			cx_amd__report(a, CX_AMD_RESULT, "machine");
		else if (a->t - a->splast >= a->cfg.maxsilence)
			cx_amd__report(a, CX_AMD_RESULT, "human");
		break;
	case CX_AMD__GREETING:
		cx_amd__greeting(a, speech, e, zc);
		break;
	default:
		break;
	}
}

void cx_amd_g711(cx_amd *a, int pt, const uint8_t *b, size_t n)
{
	int16_t pcm[480];
	size_t i, k;

	if (cx_amd_done(a))
		return;
	k = cx_media_g711(pt, b, n, pcm, 480);
	for (i = 0; i < k && !cx_amd_done(a); i++) {
		a->fr[a->nfr++] = pcm[i];
		if (a->nfr == CX_AMD_FRAME) {
			a->nfr = 0;
			cx_amd__frame(a);
		}
	}
}
