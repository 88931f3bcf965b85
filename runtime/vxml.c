/*
 * vxml.c — runs a compiled VoiceXML dialog (cx_vx_doc): the Form Interpretation Algorithm of
 * VoiceXML 2.0 §2.1.6 for the subset docs/voicexml.md lists. The provider starts a run for a
 * <dialogstart> whose src names a compiled .vxml, tells how long each prompt plays and hands
 * over the DTMF digits of the dialog's connection (cx_vx_input).
 *
 * A run has its own context (heap limited by the engine's heap limit, the engine's budget per
 * step). Time: prompts queue one after the other (play_end); a field collects from the end of
 * its prompts; a digit during a prompt cuts the prompts (barge-in).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "rt.h"
#include "prov.h"

enum { VX_TIMEOUT_MS = 5000, VX_INTERDIGIT_MS = 3000, VX_MAXDIGITS = 63,
       VX_MAXCOUNTERS = 256, VX_MAXDEPTH = 32, VX_EVLEN = 128, VX_MAXNEST = 16, VX_MAXPARAMS = 64,
       VX_MAXNB = 16, VX_MAXMARKS = 16, VX_MAXSPANS = 64, VX_MAXEVENTS = 512, VX_LOOPS = 10000,
       VX_FINAL_MS = 60000 /* --vxml-final-time's default */, VX_FINAL_STEPS = 1000 };

/* The element of each enum cx_vx_kind (error.semantic names it). */
static const char *const cx_vx__kinds[] = {"block", "field", "record", "transfer", "subdialog", "initial", "object"};

/* An event counter (VoiceXML 2.0 §5.2.2): of a form item (item >= 0) or of the form (-1),
 * for one event name or prefix ("" counts every event). */
typedef struct cx_vx_counter {
	int item;
	uint32_t n;
	char name[VX_EVLEN];
} cx_vx_counter;

struct cx_vx_run {
	cx_engine *e;
	cx_dlg *d;
	const cx_vx_doc *doc;
	cx_ctx *X;
	cx_vx_play_h *play;
	void *arg;
	int form, next_form;     /* current form, the <goto> target (-1: none) */
	int next_item;           /* <goto nextitem>: the item visited next (-1: none) */
	int item;                /* the field collecting, or -1 */
	int cur;                 /* the form item being visited (events' scope), or -1 */
	int stop;                /* exit/disconnect/error recorded */
	int final;               /* a connection.disconnect event came: the final processing state */
	int fsteps;              /* form items visited in it (at most VX_FINAL_STEPS, all passes) */
	int noprompt;            /* a catch without <reprompt> ran: do not queue the prompts */
	int reprompt;
	int depth;               /* catches running inside catches */
	char ev[VX_EVLEN];       /* the event thrown and not handled yet ("": none) */
	cx_vx_counter *counters; /* reset when a form is entered */
	uint32_t *pcounts;       /* prompt counter per item of the form (§4.1.6) */
	uint32_t ncounters;
	char buf[VX_MAXDIGITS + 1];
	size_t nbuf;
	uint64_t play_end;       /* cx_clock_ms() when the queued prompts end */
	int recpre;              /* the keys in buf began during a <record modal="false">'s prompts */
	struct { uint64_t from, to; } nb[VX_MAXNB]; /* when bargein="false" prompts play */
	int nnb;
	int termwait;            /* the input is complete; termtimeout runs for the termchar */
	struct tmr t_in, t_go;
	struct tmr t_final;      /* the outermost run's: the final processing state's time limit */
	cx_cval *exit_values, *exit_expr;
	enum cx_pev end_ev;      /* CX_PEV_NONE: dialog.exit with the values */
	char *end_reason;
	cx_vxio *io;             /* <record> and the other side-trips (vxio.c) */
	/* <subdialog> (VoiceXML 2.0 §2.3.4): a run of its own, with a context of its own */
	cx_vx_run *parent;       /* weak: the run whose <subdialog> started this one, or NULL */
	cx_vx_run *child;        /* the subdialog running (owned), or NULL */
	cx_cval *params;         /* its <param>s until the first form's <var>s took them */
	uint64_t taken;          /* the params taken (bit i: params->kids[i]) */
	int returned;            /* <return> ran: ret_values or ret_event go to the parent */
	cx_cval *ret_values, *ret_msg;
	char ret_event[VX_EVLEN];
	char ret_gone[VX_EVLEN]; /* the caller hung up (that event) after <return> ran: its caller
				  * gets it once it has the result (cx_vx__return_h) */
	/* other documents (section "Other documents") */
	struct cx_vx_wait *wait;   /* the fetch the run waits for (a reference), or NULL */
	const cx_vx_doc *next_doc; /* a <goto> to another document: entered next */
	char next_frag[VX_EVLEN];  /* its form's id ("": its first form or menu) */
	cx_value data_value;       /* a <data>'s document while its continuation runs */
	/* <mark> (VoiceXML 2.1 §4): the last VX_MAXMARKS queued since the last input, each with
	 * the time the prompts reach it; heard: when the prompts stopped for the input (barge-in
	 * or their end); mark / mark_ms: the mark of the last input (NULL: none) */
	struct { char *name; uint64_t at; } marks[VX_MAXMARKS];
	int nmarks;
	uint64_t heard;
	char *mark;
	uint64_t mark_ms;
	/* prompts held behind an <audio> still being fetched (VoiceXML 2.0 §4.1.8: they play in
	 * the order queued, whichever document or subdialog queued them): cx_vx_pend, played by
	 * cx_vx__drain once the head is here. One queue for the call: the outermost run's (a
	 * subdialog's is empty, cx_vx__q) */
	struct list pend;
	/* what this run waits for until the queue has played */
	uint32_t pend_in_ms;     /* the field's no-input time, started when they have played */
	int pend_fin;            /* the dialog ends when they have played */
	struct tmr *pend_t;      /* a <record>/<transfer>'s start (cx_vx_after_prompts), or NULL */
	tmr_h *pend_h;
	void *pend_arg;
};

static void cx_vx__unwait(cx_vx_run *r);
static void cx_vx__pend_flush(cx_vx_run *r);

/* The field no longer waits for input: its timer stops, or does not start once the prompts
 * still fetched have played (cx_vx__listen). */
static void cx_vx__unlisten(cx_vx_run *r)
{
	tmr_cancel(&r->t_in);
	r->pend_in_ms = 0;
}
static int cx_vx__godoc(cx_vx_run *r, const char *uri, const cx_vx_fetch *f);
static void cx_vx__enterdoc(cx_vx_run *r);
typedef struct cx_vx_req {  /* what a <submit> sends (NULL: a plain GET) */
	const char *method;
	const cx_cval *fields;
	const struct mbuf *mp;
	const char *mptype;
} cx_vx_req;
static int cx_vx__fetch(cx_vx_run *r, const char *what, const char *src, int sub, cx_cval *params,
			const cx_vx_fetch *f, const cx_vx_req *req);

/* The compiled dialogs of the program: each registers itself before main (any number). */
static const cx_vx_doc **cx_vx__docs;
static int cx_vx__ndocs, cx_vx__cap;

void cx_vx_register(const cx_vx_doc *d)
{
	if (!d)
		return;
	if (d->abi != CX_ABI_VERSION) {
		/* abi and name stay the first two fields in every version */
		fprintf(stderr, "ccxml: the VoiceXML dialog %s was compiled for runtime ABI %u, this "
			"runtime is ABI %d: compile it again with the ccxmlc of this runtime (until then a "
			"<dialogstart> of it fails)\n", d->name ? d->name : "?", (unsigned)d->abi,
			CX_ABI_VERSION);
		return;
	}
	if (cx_vx__ndocs == cx_vx__cap) {
		int cap = cx_vx__cap ? 2 * cx_vx__cap : 16;
		const cx_vx_doc **nd = realloc(cx_vx__docs, (size_t)cap * sizeof(*nd));
		if (!nd) {
			fprintf(stderr, "ccxml: out of memory registering the VoiceXML dialog %s\n",
				d->name ? d->name : "?");
			return;
		}
		cx_vx__docs = nd;
		cx_vx__cap = cap;
	}
	cx_vx__docs[cx_vx__ndocs++] = d;
}

static const char *cx_vx__base(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

const cx_vx_doc *cx_vx_find(const char *src)
{
	if (!src || !*src)
		return NULL;
	char path[512];
	size_t n = strcspn(src, "?#");
	if (n >= sizeof(path))
		return NULL;
	memcpy(path, src, n);
	path[n] = '\0';
	for (int i = 0; i < cx_vx__ndocs; i++)
		if (!strcmp(cx_vx__base(cx_vx__docs[i]->name), cx_vx__base(path)))
			return cx_vx__docs[i];
	return NULL;
}

static void cx_vx__destroy(void *arg)
{
	cx_vx_run *r = arg;

	cx_vx__unlisten(r);
	tmr_cancel(&r->t_go);
	tmr_cancel(&r->t_final);
	cx_vx__unwait(r);
	cx_vx__pend_flush(r);
	if (r->X)
		cx_ctx_free(r->X);
	mem_deref(r->counters);
	mem_deref(r->pcounts);
	mem_deref(r->exit_values);
	mem_deref(r->exit_expr);
	mem_deref(r->end_reason);
	mem_deref(r->io);
	mem_deref(r->child);
	mem_deref(r->params);
	mem_deref(r->ret_values);
	mem_deref(r->ret_msg);
	for (int i = 0; i < r->nmarks; i++)
		mem_deref(r->marks[i].name);
	mem_deref(r->mark);
	if (r->d && r->d->vx == r)
		r->d->vx = NULL;
}

static cx_vx_run *cx_vx__of(cx_ctx *X)
{
	return X->user;
}

static uint64_t cx_vx__budget(const cx_engine *e)
{
	return e->budget ? (uint64_t)e->budget : CX_RT_BUDGET;
}

/* Section - Executable content (called by generated code) */

static int cx_vx__deaf(cx_vx_run *r, uint64_t now);

/* "audio", "audio?text=ESC" or "?text=ESC" (media.c's src form). */
static char *cx_vx__src(const char *audio, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	char *s = NULL;

	if (!text)
		return str_dup(&s, audio ? audio : "") ? NULL : s;
	size_t al = audio ? strlen(audio) : 0, tl = strlen(text);
	s = mem_alloc(al + 7 + 3 * tl + 1, NULL);
	if (!s)
		return NULL;
	char *w = s;
	memcpy(w, audio ? audio : "", al);
	w += al;
	memcpy(w, audio && strchr(audio, '?') ? "&text=" : "?text=", 6);
	w += 6;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return s;
}

/* Play src now (after what is queued): its time is added to the prompts' end. */
static void cx_vx__play(cx_vx_run *r, const char *src, const char *shown, int bargein)
{
	/* the final processing state plays nothing (VoiceXML 2.0 §1.5.4: the caller is gone) */
	uint64_t ms = r->play && src && !r->final ? r->play(r->e, r->d, src, r->arg) : 0;
	uint64_t now = cx_clock_ms();
	if (r->play_end < now)
		r->play_end = now;
	if (!bargein && ms) { /* keys are dropped while it plays, those typed ahead now (§4.1.5) */
		cx_vx__deaf(r, now);
		if (r->nnb < VX_MAXNB)
			r->nb[r->nnb++].from = r->play_end;
		r->nb[r->nnb - 1].to = r->play_end + ms; /* the 16th span reaches over those after it */
		r->nbuf = 0;
		r->buf[0] = '\0';
	}
	r->play_end += ms;
	if (shown && !strncmp(shown, "?break=", 7)) /* a <break> (media.c): its ms */
		cx_log_doc(r->d->sess->id, "vxml break", shown + 7);
	else
		cx_log_doc(r->d->sess->id, "vxml prompt", shown ? shown : "");
}

/* Section - Audio on a web server (docs/voicexml.md "Audio over HTTP")
 *
 * An <audio> whose src is http(s), or relative in a document fetched over http(s), is fetched
 * through prompt.c's cache (the CCXML dialogs' web prompts) and played from the copy kept; the
 * fetch starts when the prompt is queued. Until it is here, it and every prompt queued after it
 * wait in the call's queue (cx_vx__q: their order kept, §4.1.8), and so do the field's no-input timer and the
 * dialog's end. A fetch that fails, or outlasts fetchtimeout, plays the alternate content (the
 * text= fallback media.c speaks; none: nothing, VoiceXML 2.0 §4.1.3). */

typedef struct cx_vx_pend {
	struct le le;
	cx_vx_run *r;          /* weak: the outermost run (the queue's); NULL once it is gone
				* (prompt.c may still hold this) */
	char *src;             /* the media src played (URL?text=ALT, or the text alone) */
	char *mark;            /* or a <mark>'s name: the prompts reach it when it is the head */
	char *shown;           /* what the log says: the URL, or the text */
	int bargein;
	int ready;             /* here (or failed): it plays when it is the queue's head */
	uint32_t timeout_ms;
	struct tmr t;          /* fetchtimeout */
} cx_vx_pend;

static void cx_vx_pend__destroy(void *arg)
{
	cx_vx_pend *p = arg;

	tmr_cancel(&p->t);
	list_unlink(&p->le);
	mem_deref(p->src);
	mem_deref(p->mark);
	mem_deref(p->shown);
}

/* The outermost run of r's call (the one that owns the queue), and the innermost (the
 * subdialog running, whose prompts are the call's now). */
static cx_vx_run *cx_vx__top(cx_vx_run *r)
{
	while (r->parent)
		r = r->parent;
	return r;
}

static cx_vx_run *cx_vx__cur(cx_vx_run *r)
{
	while (r->child)
		r = r->child;
	return r;
}

/* The call's queue of prompts waiting for a fetch (VoiceXML 2.0 §4.1.8: a subdialog's prompts
 * play after its caller's, a document's after the one's it came from by <goto>). */
static struct list *cx_vx__q(cx_vx_run *r)
{
	return &cx_vx__top(r)->pend;
}

static void cx_vx__mark_at(cx_vx_run *r, char *name);

static void cx_vx__listen(cx_vx_run *r, uint32_t ms);
static void cx_vx__finish_h(void *arg);
static int cx_vx__audio_url(cx_vx_run *r, const char *audio, const cx_vx_fetch *f, char **urlp);

/* Play the prompts of the call's queue from its head while they are here, in the run that
 * runs now (they are its prompts: its time, its barge-in, its marks); once none waits, what
 * waited for them goes on in each run: the no-input timer from their end, the dialog's end. */
static void cx_vx__drain(cx_vx_run *r)
{
	cx_vx_run *top = cx_vx__top(r), *cur = cx_vx__cur(top);

	while (top->pend.head) {
		cx_vx_pend *p = top->pend.head->data;
		if (!p->ready)
			return;
		list_unlink(&p->le);
		p->r = NULL;
		if (p->mark) /* its place in the prompts is reached now */
			cx_vx__mark_at(cur, mem_ref(p->mark));
		else
			cx_vx__play(cur, p->src, p->shown, p->bargein);
		mem_deref(p);
	}
	for (r = top; r; r = r->child) {
		uint64_t now = cx_clock_ms(), left = r->play_end > now ? r->play_end - now : 0;
		if (r->pend_in_ms) {
			uint32_t ms = r->pend_in_ms;
			r->pend_in_ms = 0;
			cx_vx__listen(r, ms);
		}
		if (r->pend_fin) {
			r->pend_fin = 0;
			tmr_start(&r->t_go, left, cx_vx__finish_h, r);
		}
		if (r->pend_t) {
			struct tmr *t = r->pend_t;
			r->pend_t = NULL;
			tmr_start(t, left, r->pend_h, r->pend_arg);
		}
	}
}

/* Drop the prompts still waiting in r's own queue (the call's end: the outermost run's);
 * cx_vx__pend_cut also lets what waited for them go on. */
static void cx_vx__pend_flush(cx_vx_run *r)
{
	while (r->pend.head) {
		cx_vx_pend *p = r->pend.head->data;
		list_unlink(&p->le);
		p->r = NULL;
		tmr_cancel(&p->t);
		mem_deref(p);
	}
}

/* The prompts stop (barge-in, the caller gone): those still fetched never play; the input has
 * begun (no no-input timer), an end or a <record>/<transfer> waiting for them goes on now. */
static void cx_vx__pend_cut(cx_vx_run *r)
{
	cx_vx_run *top = cx_vx__top(r);

	if (!top->pend.head)
		return;
	cx_vx__pend_flush(top);
	r->pend_in_ms = 0;
	cx_vx__drain(top);
}

int cx_vx_after_prompts(cx_vx_run *r, struct tmr *t, tmr_h *h, void *arg)
{
	uint64_t now = cx_clock_ms();

	if (cx_vx__q(r)->head) {
		tmr_cancel(t);
		r->pend_t = t;
		r->pend_h = h;
		r->pend_arg = arg;
		return 1;
	}
	tmr_start(t, r->play_end > now ? r->play_end - now : 0, h, arg);
	return 0;
}

static void cx_vx__nop_h(cx_engine *e, const char *why, void *arg)
{
	(void)e;
	(void)why;
	(void)arg;
}

/* A media src (fetchaudio, transferaudio) as it is played: a web one's URL (resolved as an
 * <audio src>'s, its fetch begun so that the copy is kept when it plays), else src itself; NULL
 * when it is refused (logged) or out of memory. */
static char *cx_vx__media(cx_vx_run *r, const char *src, const cx_vx_fetch *f)
{
	char *url = NULL;
	int err = cx_vx__audio_url(r, src, f, &url);

	if (err) {
		char msg[300];
		snprintf(msg, sizeof(msg), "'%s': only http(s) URIs are fetched; nothing plays", src);
		cx_log(CX_LOG_WARN, r->d->sess->id, "vxml audio %H", cx_rt_esc, msg);
		return NULL;
	}
	if (url) {
		(void)cx_prompt_want(r->e, url, cx_vx__nop_h, NULL);
		return url;
	}
	return str_dup(&url, src) ? NULL : url;
}

void cx_vx_audio_want(cx_vx_run *r, const char *src)
{
	if (src && !r->final)
		mem_deref(cx_vx__media(r, src, NULL));
}

static void cx_vx__pend_ready(cx_vx_pend *p, const char *why)
{
	cx_vx_run *r = p->r;

	if (!r || p->ready)
		return;
	p->ready = 1;
	tmr_cancel(&p->t);
	if (why) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s: %s; %s", p->shown ? p->shown : "", why,
			 strstr(p->src, "text=") ? "its alternate content plays" : "nothing plays (no alternate content)");
		cx_log(CX_LOG_WARN, r->d->sess->id, "vxml audio %H", cx_rt_esc, msg);
	}
	mem_ref(p); /* the drain may free it */
	cx_vx__drain(r);
	mem_deref(p);
	cx_engine_kick(r->e);
}

/* prompt.c: the copy is here (why NULL) or cannot be had */
static void cx_vx__pend_h(cx_engine *e, const char *why, void *arg)
{
	(void)e;
	cx_vx__pend_ready(arg, why);
}

static void cx_vx__pend_timeout_h(void *arg)
{
	cx_vx_pend *p = arg;
	char why[64];

	snprintf(why, sizeof(why), "timed out (fetchtimeout %u ms)", p->timeout_ms);
	cx_vx__pend_ready(p, why);
}

/* The base of the relative URIs of an element of run r with fetch bounds f (NULL: the
 * document's): the URL its document was fetched from (the application root's for the root's
 * code in a leaf, f->app), or NULL for a compiled-in document; under that document's xml:base
 * when it is, or resolves to, an http(s) URI (VoiceXML 2.0 §1.5.1; another scheme, or a
 * relative one without a web URL to resolve it against, is not used: a fetched document never
 * reaches a file through it). *tmp: a string to free. */
static const char *cx_vx__baseurl(cx_vx_run *r, const cx_vx_fetch *f, char **tmp)
{
	int app = f && f->app && r->doc->app;
	const char *url = !app ? cx_doccomp_vxurl(r->e, r->doc) :
		cx_prompt_is_web(r->doc->app) ? r->doc->app : NULL;
	const char *xb = app ? r->doc->app_base : r->doc->base;

	*tmp = NULL;
	if (!xb || !*xb)
		return url;
	if (cx_prompt_is_web(xb))
		return xb;
	if (cx_prompt_is_web(url) && !cx_docload_fetchurl(url, xb, tmp) && cx_prompt_is_web(*tmp))
		return *tmp;
	*tmp = mem_deref(*tmp);
	return url;
}

/* The URL of an <audio src> of run r (a new string in *urlp), NULL when it is a media file (a
 * compiled-in document's, or one read from a file: under --media-root as before), or an errno:
 * a scheme other than http(s) in a document fetched over http(s), which never reads a file. */
static int cx_vx__audio_url(cx_vx_run *r, const char *audio, const cx_vx_fetch *f, char **urlp)
{
	char *tmp;
	const char *base = cx_vx__baseurl(r, f, &tmp);
	int err = 0;

	*urlp = NULL;
	if (!audio || !*audio || audio[0] == '?') /* a <break>, the beep, text alone */
		;
	else if (cx_prompt_is_web(base))
		err = cx_docload_fetchurl(base, audio, urlp);
	else if (cx_prompt_is_web(audio))
		err = str_dup(urlp, audio);
	mem_deref(tmp);
	return err;
}

/* Queue one prompt: audio (a media src, or NULL) with its alternate text t (or NULL); f: the
 * <audio>'s fetch bounds (NULL: the platform's). */
static int cx_vx__queue(cx_vx_run *r, const char *audio, const char *t, int bargein,
			const cx_vx_fetch *f)
{
	char *url = NULL, *src;
	int err = r->final ? 0 : cx_vx__audio_url(r, audio, f, &url);

	if (err) {
		char msg[300];
		snprintf(msg, sizeof(msg), "'%s': only http(s) URIs are fetched; %s", audio,
			 t ? "its alternate content plays" : "nothing plays (no alternate content)");
		cx_log(CX_LOG_WARN, r->d->sess->id, "vxml audio %H", cx_rt_esc, msg);
		audio = NULL;
		if (!t)
			return CX_GO;
	}
	src = cx_vx__src(url ? url : audio, t);
	if (!src) {
		mem_deref(url);
		return CX_GO;
	}
	struct list *q = cx_vx__q(r);
	if (!url && !q->head) {
		cx_vx__play(r, src, audio ? audio : t, bargein);
		mem_deref(src);
		return CX_GO;
	}
	cx_vx_pend *p = mem_zalloc(sizeof(*p), cx_vx_pend__destroy);
	if (!p) {
		mem_deref(src);
		mem_deref(url);
		return CX_GO;
	}
	p->src = src;
	p->shown = url;
	if (!url && str_dup(&p->shown, audio ? audio : t ? t : ""))
		p->shown = NULL;
	p->bargein = bargein;
	p->r = cx_vx__top(r);
	tmr_init(&p->t);
	list_append(q, &p->le, p);
	if (!url) {
		p->ready = 1; /* behind one still fetched */
		return CX_GO;
	}
	cx_docage age = {f ? f->maxage_ms : -1, f ? f->maxstale_ms : -1,
			 f && f->timeout_ms ? f->timeout_ms : CX_FETCH_TIMEOUT_MS};
	err = cx_prompt_want_age(r->e, url, &age, cx_vx__pend_h, p);
	if (err == EINPROGRESS) {
		p->timeout_ms = f && f->timeout_ms ? f->timeout_ms : CX_FETCH_TIMEOUT_MS;
		tmr_start(&p->t, p->timeout_ms, cx_vx__pend_timeout_h, p);
		return CX_GO;
	}
	p->ready = 1; /* kept and usable (0), or it cannot be fetched: the alternate content */
	if (err) {
		char why[64];
		snprintf(why, sizeof(why), "cannot be fetched (%s)", strerror(err));
		p->ready = 0;
		cx_vx__pend_ready(p, why);
		return CX_GO;
	}
	cx_vx__drain(r);
	return CX_GO;
}

static int cx_vx__prompt(cx_ctx *X, const char *audio, cx_value text, int bargein,
			 const cx_vx_fetch *f)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *t = NULL;

	if (text.tag != CX_T_UNDEF) {
		t = cx_rt_str(X, text);
		if (!t)
			return CX_FAIL;
	}
	return cx_vx__queue(r, audio, t, bargein, f);
}

int cx_vx_prompt(cx_ctx *X, const char *audio, cx_value text, int bargein)
{
	return cx_vx__prompt(X, audio, text, bargein, NULL);
}

int cx_vx_audio_prompt(cx_ctx *X, const char *src, cx_value expr, cx_value text, int bargein,
		       const cx_vx_fetch *f)
{
	char *copy = NULL;

	if (!src && expr.tag != CX_T_UNDEF && expr.tag != CX_T_NULL) {
		/* <audio expr> (VoiceXML 2.0 §4.1.3): its value as the URI, copied out of the heap
		 * before the text's conversion may collect */
		const char *v = cx_rt_str(X, expr);
		if (!v)
			return CX_FAIL;
		if (str_dup(&copy, v))
			return CX_GO;
	}
	int rc = cx_vx__prompt(X, copy ? copy : src, text, bargein, f);
	mem_deref(copy);
	return rc;
}

int cx_vx_mark(cx_ctx *X, cx_value name)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *s = cx_rt_str(X, name);
	char *copy = NULL;

	if (!s || str_dup(&copy, s))
		return CX_FAIL; /* an exception, or out of memory */
	cx_log_doc(r->d->sess->id, "vxml mark", copy);
	struct list *q = cx_vx__q(r);
	if (q->head) { /* behind a prompt still fetched: reached when it has played (cx_vx__drain) */
		cx_vx_pend *p = mem_zalloc(sizeof(*p), cx_vx_pend__destroy);
		if (!p) {
			mem_deref(copy);
			return CX_GO;
		}
		p->mark = copy;
		p->bargein = 1;
		p->ready = 1;
		p->r = cx_vx__top(r);
		tmr_init(&p->t);
		list_append(q, &p->le, p);
		return CX_GO;
	}
	cx_vx__mark_at(r, copy);
	return CX_GO;
}

/* The mark name (taken) is reached when the prompts queued by now have played. */
static void cx_vx__mark_at(cx_vx_run *r, char *name)
{
	if (r->nmarks == VX_MAXMARKS) { /* the oldest goes */
		mem_deref(r->marks[0].name);
		memmove(r->marks, r->marks + 1, (VX_MAXMARKS - 1) * sizeof(r->marks[0]));
		r->nmarks--;
	}
	uint64_t now = cx_clock_ms();
	r->marks[r->nmarks].name = name;
	r->marks[r->nmarks++].at = r->play_end > now ? r->play_end : now;
}

/* An input ends: the last mark the prompts reached before they stopped for it (barge-in) or
 * ended is its mark (VoiceXML 2.1 §4), and the marks queued are spent. */
static void cx_vx__marks_done(cx_vx_run *r, int input)
{
	uint64_t now = cx_clock_ms(), stop = input ? r->heard : r->play_end < now ? r->play_end : now;

	r->mark = mem_deref(r->mark);
	for (int i = 0; i < r->nmarks; i++) {
		if (r->marks[i].at <= stop) {
			mem_deref(r->mark);
			r->mark = mem_ref(r->marks[i].name);
			r->mark_ms = stop - r->marks[i].at;
		}
		r->marks[i].name = mem_deref(r->marks[i].name);
	}
	r->nmarks = 0;
}

int cx_vx_log(cx_ctx *X, cx_value label, cx_value v)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *l = NULL, *s;

	if (label.tag != CX_T_UNDEF && !(l = cx_rt_str(X, label)))
		return CX_FAIL;
	if (!(s = cx_rt_str(X, v)))
		return CX_FAIL;
	cx_engine *e = r->e;
	if (e->logh)
		e->logh(r->d->sess->id, l, s, e->logarg);
	else
		cx_log_doc(r->d->sess->id, l, s);
	return CX_GO;
}

cx_value cx_vx_args(cx_ctx *X, int n, const char *const *names, const cx_value *vals)
{
	cx_value o = cx_obj_new(X);

	for (int i = 0; i < n && !cx_is_exc(o); i++)
		if (cx_define_cstr(X, o, names[i], vals[i], 0))
			o = cx_throw_error(X, "Error", "out of memory");
	return o;
}

/* The values of a namelist as a heap-neutral object; NULL with an exception in X. */
static cx_cval *cx_vx__namelist(cx_ctx *X, int n, const char *const *names, const cx_value *vals)
{
	cx_value o = cx_vx_args(X, n, names, vals);
	cx_cval *c = cx_is_exc(o) ? NULL : cx_cval_from(X, o, CX_RT_COPY_DEPTH);

	if (!c && !cx_is_exc(o))
		cx_throw_error(X, "Error", "out of memory");
	return c;
}

int cx_vx_exit(cx_ctx *X, int n, const char *const *names, const cx_value *vals, cx_value expr)
{
	cx_vx_run *r = cx_vx__of(X);
	cx_cval *c = cx_vx__namelist(X, n, names, vals);

	if (!c)
		return CX_FAIL;
	mem_deref(r->exit_values);
	r->exit_values = c;
	if (expr.tag != CX_T_UNDEF)
		r->exit_expr = cx_cval_from(X, expr, CX_RT_COPY_DEPTH);
	r->stop = 1;
	return CX_STOP;
}

static void cx_vx__fail(cx_vx_run *r, const char *why);
static void cx_vx__raise(cx_vx_run *r, const char *ev, cx_value msg);

/* The next dialog is the form or menu `id`: 1, or 0 if the document has none. */
static int cx_vx__form(cx_vx_run *r, const char *id)
{
	for (uint32_t i = 0; i < r->doc->nforms; i++)
		if (r->doc->forms[i].id && !strcmp(r->doc->forms[i].id, id)) {
			r->next_form = (int)i;
			return 1;
		}
	return 0;
}

int cx_vx_goto(cx_ctx *X, const char *form)
{
	cx_vx_run *r = cx_vx__of(X);

	if (cx_vx__form(r, form))
		return CX_STOP;
	/* the compiler checked the target: only a corrupt table gets here */
	cx_vx__fail(r, "error.badfetch: no such form");
	return CX_STOP;
}

/* error.badfetch with the message "what 'value': why" (a goto or choice to nowhere, a document
 * that could not be fetched: why may be a compiler's diagnostic). */
static void cx_vx__badfetch(cx_vx_run *r, const char *what, const char *value, const char *why)
{
	char m[1200];
	snprintf(m, sizeof(m), "%s '%.300s': %s", what, value, why);
	cx_value v = cx_str_utf8(r->X, m, strlen(m));
	if (cx_is_exc(v))
		cx_catch(r->X);
	cx_vx__raise(r, "error.badfetch", cx_is_exc(v) ? CX_UNDEFINED : v);
}

int cx_vx_taper(cx_ctx *X, const int *counts, int n)
{
	cx_vx_run *r = cx_vx__of(X);
	uint32_t c = r->cur >= 0 ? r->pcounts[r->cur] : 1;
	int best = 0;

	for (int i = 0; i < n; i++)
		if (counts[i] > best && (uint32_t)counts[i] <= c)
			best = counts[i];
	return best;
}

int cx_vx_goto_uri(cx_ctx *X, cx_value uri)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *s = cx_rt_str(X, uri);

	if (!s)
		return CX_FAIL;
	if (s[0] && s[0] != '#')
		return cx_vx__godoc(r, s, NULL);
	if (!s[0] || !cx_vx__form(r, s + 1))
		cx_vx__badfetch(r, "<goto expr>", s, "not the '#id' of a form or menu of this document");
	return CX_STOP;
}

int cx_vx_goto_item(cx_ctx *X, cx_value name)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *s = cx_rt_str(X, name);

	if (!s)
		return CX_FAIL;
	const cx_vx_form *f = r->form >= 0 ? &r->doc->forms[r->form] : NULL;
	for (uint32_t i = 0; f && i < f->nitems; i++)
		if (!strcmp(f->items[i].name, s)) {
			r->next_item = (int)i;
			return CX_STOP;
		}
	cx_vx__badfetch(r, "<goto nextitem>", s, "no form item of that name in this form");
	return CX_STOP;
}

int cx_vx_disconnect(cx_ctx *X)
{
	cx_vx_run *r = cx_vx__of(X);

	r->stop = 1;
	r->end_ev = CX_PEV_DLG_DISCONNECT;
	return CX_STOP;
}

int cx_vx_reprompt(cx_ctx *X)
{
	cx_vx__of(X)->reprompt = 1;
	return CX_GO;
}

int cx_vx_clear(cx_ctx *X, const char *name)
{
	cx_vx_run *r = cx_vx__of(X);

	if (r->form < 0)
		return CX_GO;
	const cx_vx_form *f = &r->doc->forms[r->form];
	for (uint32_t i = 0; i < f->nitems; i++) {
		if (name && strcmp(f->items[i].name, name))
			continue;
		X->slots[f->items[i].slot] = CX_UNDEFINED;
		if (f->items[i].shadow)
			X->slots[f->items[i].shadow] = CX_UNDEFINED;
		r->pcounts[i] = 0;
		for (uint32_t k = 0; k < r->ncounters; k++) /* the item's counters start over */
			if (r->counters[k].item == (int)i)
				r->counters[k].n = 0;
	}
	return CX_GO;
}

/* Section - Events (VoiceXML 2.0 §5.2) */

/* The event ev is thrown with message msg: it is handled when the running body has returned. */
static void cx_vx__raise(cx_vx_run *r, const char *ev, cx_value msg)
{
	str_ncpy(r->ev, ev, sizeof(r->ev));
	r->X->slots[r->doc->message_slot] = msg;
}

/* error.semantic with the message m (a C string); 0, or -1 out of memory (X has it). */
static int cx_vx__semantic_msg(cx_vx_run *r, const char *m)
{
	cx_value v = cx_str_utf8(r->X, m, strlen(m));

	if (cx_is_exc(v))
		return -1;
	cx_vx__raise(r, "error.semantic", v);
	return 0;
}

/* The name of the event `event` of what (<throw>, <return>); NULL when it was thrown
 * (*rc says how the body goes on). */
static const char *cx_vx__evname(cx_vx_run *r, cx_value event, const char *what, int *rc)
{
	const char *s = cx_rt_str(r->X, event);
	char m[80];

	*rc = CX_FAIL;
	if (!s)
		return NULL;
	if (*s && strlen(s) < VX_EVLEN)
		return s;
	snprintf(m, sizeof(m), "%s of %s", what, *s ? "an event name of 128 bytes or more" : "an empty event name");
	*rc = cx_vx__semantic_msg(r, m) ? CX_FAIL : CX_STOP;
	return NULL;
}

int cx_vx_throw(cx_ctx *X, cx_value event, cx_value message)
{
	cx_vx_run *r = cx_vx__of(X);
	int rc;
	const char *s = cx_vx__evname(r, event, "<throw>", &rc);

	if (!s)
		return rc;
	cx_vx__raise(r, s, message);
	return CX_STOP;
}

/* <return> (VoiceXML 2.0 §2.3.10): the subdialog ends; its namelist becomes the value of the
 * caller's <subdialog> item, or its event is thrown there. The return itself happens when the
 * run has unwound (cx_vx__finish). */
int cx_vx_return(cx_ctx *X, int n, const char *const *names, const cx_value *vals, cx_value event,
		 cx_value message)
{
	cx_vx_run *r = cx_vx__of(X);
	int rc;

	if (!r->parent)
		return cx_vx__semantic_msg(r, "<return> outside a subdialog") ? CX_FAIL : CX_STOP;
	if (event.tag != CX_T_UNDEF) {
		const char *s = cx_vx__evname(r, event, "<return>", &rc);
		if (!s)
			return rc;
		str_ncpy(r->ret_event, s, sizeof(r->ret_event));
		if (message.tag != CX_T_UNDEF && !(r->ret_msg = cx_cval_from(X, message, CX_RT_COPY_DEPTH))) {
			cx_throw_error(X, "Error", "out of memory");
			return CX_FAIL;
		}
	} else if (!(r->ret_values = cx_vx__namelist(X, n, names, vals))) {
		return CX_FAIL;
	}
	r->returned = 1;
	r->stop = 1;
	return CX_STOP;
}

int cx_vx_param(cx_ctx *X, const char *name, cx_value *v)
{
	cx_vx_run *r = cx_vx__of(X);

	for (uint32_t i = 0; r->params && i < r->params->nkids && i < VX_MAXPARAMS; i++)
		if (!strcmp(r->params->keys[i], name)) {
			r->taken |= (uint64_t)1 << i;
			*v = cx_cval_to(X, r->params->kids[i]);
			return 1;
		}
	return 0;
}

/* The dialog ends with error.dialog, reason `why`. */
static void cx_vx__fail(cx_vx_run *r, const char *why)
{
	r->stop = 1;
	r->end_ev = CX_PEV_DLG_ERROR;
	r->end_reason = mem_deref(r->end_reason);
	str_dup(&r->end_reason, why);
}

int cx_vx_semantic(cx_ctx *X, const char *elem, int line)
{
	cx_vx_run *r = cx_vx__of(X);
	cx_value exc = cx_catch(X);
	const char *url = cx_doccomp_vxurl(r->e, r->doc); /* a document fetched: its URL */
	const char *file = line & CX_VX_APP_LINE && r->doc->app ? r->doc->app : url ? url : r->doc->name;
	/* the statement where it arose, when not the element's own line (a <script>'s statement,
	 * a function's); read before describing the exception, which may run a script's toString */
	const char *afile;
	int aline = cx_doccomp_exc_where(r->e, X, &afile);
	char at[300] = "", why[512];
	/* a <tag> of a grammar file: its code's place names that file, the element's line is its */
	if (afile && !strcmp(elem, "tag"))
		file = afile;
	if (aline > 0 && ((afile && afile != file) || aline != (line & ~CX_VX_APP_LINE)))
		snprintf(at, sizeof(at), ", thrown at %s:%d", afile ? afile : file, aline);
	cx_value desc = cx_exc_describe(X, exc);
	const char *s = cx_is_exc(desc) ? NULL : cx_rt_str(X, desc);

	if (!s)
		cx_catch(X);
	snprintf(why, sizeof(why), "%s (<%s> at %s:%d%s)", s ? s : "exception", elem, file,
		 line & ~CX_VX_APP_LINE, at);
	cx_value m = cx_str_utf8(X, why, strlen(why));
	if (cx_is_exc(m)) { /* out of memory: nothing can handle it */
		cx_catch(X);
		char reason[530];
		snprintf(reason, sizeof(reason), "error.semantic: %s", why);
		cx_vx__fail(r, reason);
		return CX_FAIL;
	}
	cx_vx__raise(r, "error.semantic", m);
	return CX_FAIL;
}

/* Does a catch's event list name ev (a prefix of it in whole tokens, "" or "." all events)?
 * The length of the matching name, or -1. */
static int cx_vx__matches(const char *events, const char *ev)
{
	if (!*events)
		return 0;
	for (const char *p = events; *p;) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		if (!n)
			break;
		size_t m = n;
		if (p[m - 1] == '.')
			m--; /* "error." is "error"; "." is every event */
		if (!m || (!strncmp(p, ev, m) && (ev[m] == '\0' || ev[m] == '.')))
			return (int)m;
		p += n;
	}
	return -1;
}

/* The counter of item (or -1: the form) for the first len bytes of ev; created if asked. */
static cx_vx_counter *cx_vx__counter(cx_vx_run *r, int item, const char *ev, size_t len, bool make)
{
	for (uint32_t i = 0; i < r->ncounters; i++) {
		cx_vx_counter *c = &r->counters[i];
		if (c->item == item && strlen(c->name) == len && !strncmp(c->name, ev, len))
			return c;
	}
	if (!make || r->ncounters >= VX_MAXCOUNTERS)
		return NULL;
	cx_vx_counter *c = &r->counters[r->ncounters++];
	c->item = item;
	c->n = 0;
	memcpy(c->name, ev, len);
	c->name[len] = '\0';
	return c;
}

/* §5.2.2: the counters of the full name and of every prefix of it are incremented. */
static void cx_vx__count(cx_vx_run *r, const char *ev)
{
	size_t len = strlen(ev);
	for (size_t i = 0; i <= len; i++)
		if (i == len || ev[i] == '.' || i == 0) {
			cx_vx_counter *c = cx_vx__counter(r, r->cur, ev, i, true);
			if (c)
				c->n++;
		}
}

/* §5.2.4: the catches of the item, the form, the document and its application root in that
 * order (each in document order) whose event matches and whose cond holds; the highest count
 * not above its event's counter wins, the first of them in the list. */
static const cx_vx_catch *cx_vx__handler(cx_vx_run *r, const char *ev)
{
	const cx_vx_catch *lists[4] = {NULL, NULL, r->doc->catches, r->doc->app_catches}, *best = NULL;
	uint32_t ns[4] = {0, 0, r->doc->ncatches, r->doc->napp_catches};

	if (r->form >= 0) {
		const cx_vx_form *f = &r->doc->forms[r->form];
		lists[1] = f->catches;
		ns[1] = f->ncatches;
		if (r->cur >= 0) {
			lists[0] = f->items[r->cur].catches;
			ns[0] = f->items[r->cur].ncatches;
		}
	}
	for (int l = 0; l < 4; l++)
		for (uint32_t i = 0; i < ns[l]; i++) {
			const cx_vx_catch *c = &lists[l][i];
			int m = cx_vx__matches(c->events, ev);
			if (m < 0 || (best && c->count <= best->count))
				continue;
			cx_vx_counter *cnt = cx_vx__counter(r, r->cur, ev, (size_t)m, false);
			if (!cnt || (uint32_t)c->count > cnt->n)
				continue;
			if (c->cond) {
				r->X->steps = (int64_t)cx_vx__budget(r->e);
				cx_value v = c->cond(r->X);
				if (cx_is_exc(v)) { /* a cond that throws is false */
					cx_catch(r->X);
					continue;
				}
				if (!cx_truthy(v))
					continue;
			}
			best = c;
		}
	return best;
}

static int cx_vx__run(cx_vx_run *r, cx_body_fn *fn);

/* Handles the thrown events (a handler may throw another) until none is left. Without a
 * handler (§5.2.5): noinput, nomatch, help reprompt; cancel does nothing; error.* ends the
 * dialog with error.dialog, any other event ends it (dialog.exit without values). */
static void cx_vx__dispatch(cx_vx_run *r)
{
	while (r->ev[0] && !r->stop) {
		char ev[VX_EVLEN];
		memcpy(ev, r->ev, sizeof(ev));
		r->ev[0] = '\0';
		if (++r->depth > VX_MAXDEPTH) {
			char why[VX_EVLEN + 80];
			snprintf(why, sizeof(why), "error.semantic: %d events thrown by catches in a row (last %s)",
				 VX_MAXDEPTH, ev);
			cx_vx__fail(r, why);
			break;
		}
		cx_vx__count(r, ev);
		const cx_vx_catch *c = cx_vx__handler(r, ev);
		cx_log_doc(r->d->sess->id, "vxml event", ev);
		if (c) {
			cx_value name = cx_str_utf8(r->X, ev, strlen(ev));
			if (cx_is_exc(name)) {
				cx_catch(r->X);
				cx_vx__fail(r, "error.semantic: out of memory");
				break;
			}
			r->X->slots[r->doc->event_slot] = name;
			r->noprompt = 1; /* a handler without <reprompt> does not replay prompts */
			cx_vx__run(r, c->body);
			continue;
		}
		if (cx_vx__matches("noinput nomatch help maxspeechtimeout", ev) >= 0) {
			r->noprompt = 0;
		} else if (cx_vx__matches("error", ev) >= 0) {
			cx_value m = r->X->slots[r->doc->message_slot];
			const char *ms = m.tag == CX_T_UNDEF ? NULL : cx_rt_str(r->X, m);
			char why[512];
			if (!ms)
				cx_catch(r->X);
			snprintf(why, sizeof(why), "%s%s%s", ev, ms ? ": " : "", ms ? ms : "");
			cx_vx__fail(r, why);
		} else if (cx_vx__matches("cancel", ev) < 0) {
			r->stop = 1;
		}
	}
	r->depth = 0;
}

/* Section - The Form Interpretation Algorithm */

static void cx_vx__advance(cx_vx_run *r);

/* Runs a body; what it throws is left in r->ev. */
static int cx_vx__run(cx_vx_run *r, cx_body_fn *fn)
{
	if (!fn)
		return CX_GO;
	r->X->steps = (int64_t)cx_vx__budget(r->e);
	int rc = fn(r->X);
	if (rc == CX_FAIL && !r->stop && !r->ev[0]) /* an exception the body did not route */
		cx_vx_semantic(r->X, "vxml", 0);
	return rc;
}

/* Runs a body and handles what it throws. */
static int cx_vx__call(cx_vx_run *r, cx_body_fn *fn)
{
	int rc = cx_vx__run(r, fn);
	if (r->ev[0] && !r->depth)
		cx_vx__dispatch(r);
	return rc;
}

static void cx_vx__finish_h(void *arg)
{
	cx_vx_run *r = arg;

	if (r->end_ev)
		cx_rt_dlg_pev(r->d, r->end_ev,
			      r->end_ev == CX_PEV_DLG_DISCONNECT ? NULL : r->end_reason);
	else
		cx_rt_dlg_exit(r->d, r->exit_values, r->exit_expr);
	cx_engine_kick(r->e);
}

static void cx_vx__return_h(void *arg);

/* The dialog ends once its queued prompts have played; a subdialog that ran <return> goes
 * back to its caller at once (the prompts go on playing), any other end of a subdialog ends
 * every run (VoiceXML 2.0 §2.3.4: <exit> leaves the interpreter). */
static void cx_vx__finish(cx_vx_run *r)
{
	uint64_t now = cx_clock_ms();

	r->stop = 1;
	r->item = -1;
	cx_vx__unlisten(r);
	if (r->parent && r->returned) {
		tmr_start(&r->t_go, 0, cx_vx__return_h, r);
		return;
	}
	for (cx_vx_run *p = r->parent; p; p = p->parent)
		p->stop = 1;
	if (cx_vx__q(r)->head) { /* after the prompts still fetched (cx_vx__drain) */
		r->pend_fin = 1;
		return;
	}
	tmr_start(&r->t_go, r->play_end > now ? r->play_end - now : 0, cx_vx__finish_h, r);
}

static void cx_vx__noinput_h(void *arg);

/* The field waits for input: no input for ms after its prompts end is noinput (once the prompts
 * still fetched have played, cx_vx__drain). */
static void cx_vx__listen(cx_vx_run *r, uint32_t ms)
{
	uint64_t now = cx_clock_ms();

	if (cx_vx__q(r)->head) {
		r->pend_in_ms = ms;
		return;
	}
	tmr_start(&r->t_in, (r->play_end > now ? r->play_end - now : 0) + ms, cx_vx__noinput_h, r);
}

static void cx_vx__params(cx_vx_run *r);

static void cx_vx__enter(cx_vx_run *r, int form)
{
	const cx_vx_form *f = &r->doc->forms[form];

	r->form = form;
	r->next_item = -1;
	r->cur = -1;
	r->noprompt = 0;
	r->ncounters = 0; /* §5.2.2: entering a form resets its counters and its items' */
	memset(r->pcounts, 0, f->nitems * sizeof(*r->pcounts));
	for (uint32_t i = 0; i < f->nitems; i++) {
		r->X->slots[f->items[i].slot] = CX_UNDEFINED;
		if (f->items[i].shadow)
			r->X->slots[f->items[i].shadow] = CX_UNDEFINED;
	}
	cx_vx__call(r, f->init); /* its <var>s and its items' expr, in document order */
	if (!r->wait) /* else once the form's <data> is there and the rest of its <var>s ran */
		cx_vx__params(r);
}

/* The value of item it's cond or expr fn; one that throws is error.semantic naming the item,
 * handled (the exception marker returned). */
static cx_value cx_vx__item_eval(cx_vx_run *r, const cx_vx_item *it, cx_cond_fn *fn)
{
	r->X->steps = (int64_t)cx_vx__budget(r->e);
	cx_value v = fn(r->X);
	if (cx_is_exc(v)) {
		cx_vx_semantic(r->X, it->kind >= 0 && it->kind <= CX_VX_OBJECT ? cx_vx__kinds[it->kind] : "field",
			       it->line);
		cx_vx__dispatch(r);
	}
	return v;
}

/* The form's <var>s and its items' expr have run (VoiceXML 2.0 §2.1.6.1.1: in document order,
 * the form's init): (§2.3.4) every <param> of the <subdialog> names a <var> of the form it
 * starts in */
static void cx_vx__params(cx_vx_run *r)
{
	const cx_vx_form *f = &r->doc->forms[r->form];

	if (!r->params)
		return;
	for (uint32_t i = 0; i < r->params->nkids && !r->stop && !r->ev[0]; i++)
		if (i >= VX_MAXPARAMS || !(r->taken & (uint64_t)1 << i)) {
			char m[300];
			snprintf(m, sizeof(m), "<param name='%.100s'>: the subdialog's form '%.100s' has no <var> of "
				 "that name", r->params->keys[i], f->id ? f->id : "");
			if (cx_vx__semantic_msg(r, m))
				cx_catch(r->X);
			cx_vx__dispatch(r);
		}
	r->params = mem_deref(r->params);
}

static int cx_vx__select(cx_vx_run *r)
{
	const cx_vx_form *f = &r->doc->forms[r->form];

	r->cur = -1;
	if (r->next_item >= 0) { /* Appendix C: the item a <goto> named, whatever its guard */
		int i = r->next_item;
		r->next_item = -1;
		return i;
	}
	for (uint32_t i = 0; i < f->nitems; i++) {
		const cx_vx_item *it = &f->items[i];
		if (r->X->slots[it->slot].tag != CX_T_UNDEF)
			continue;
		if (it->cond) {
			cx_value c = cx_vx__item_eval(r, it, it->cond);
			if (cx_is_exc(c))
				return -2;
			if (!cx_truthy(c))
				continue;
		}
		return (int)i;
	}
	return -1;
}

static void cx_vx__collect_end(cx_vx_run *r, int noinput);
static void cx_vx__formgram(cx_vx_run *r, const cx_vx_link *lk, size_t n);
static int cx_vx__interp(cx_vx_run *r, const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, size_t n,
			 cx_value *v);
static void cx_vx__took_by(cx_vx_run *r, const cx_vx_link *lk, size_t n);
static void cx_vx__def(cx_ctx *X, cx_value *o, const char *key, cx_value v);
static int cx_vx__key(cx_vx_run *r, char key, int fed);
static void cx_vx__lastresult(cx_vx_run *r, const char *digits, size_t n, cx_value interp);
static cx_value cx_vx__strv(cx_ctx *X, const char *s);
static void cx_vx__shadow(cx_vx_run *r, const cx_vx_item *it, const char *digits, size_t n, cx_value interp);

static void cx_vx__noinput_h(void *arg)
{
	cx_vx__collect_end(arg, 1);
}

static void cx_vx__xferkeys(cx_vx_run *r, const cx_vx_item *it);
static int cx_vx__match(const cx_vx_item *it, const char *b, size_t n, int final);

static void cx_vx__interdigit_h(void *arg)
{
	cx_vx__collect_end(arg, 0);
}

static int cx_vx__subdialog(cx_vx_run *r, const cx_vx_item *it);
static const cx_vx_link *cx_vx__links(const cx_vx_run *r, const cx_vx_item *it, int level, uint32_t *n);

/* Is a <link> active while item it collects? */
static int cx_vx__active(const cx_vx_run *r, const cx_vx_link *lk, int level);
static int cx_vx__haslinks(const cx_vx_run *r, const cx_vx_item *it)
{
	for (int level = 0; level < 4; level++) {
		uint32_t k;
		const cx_vx_link *ls = cx_vx__links(r, it, level, &k);
		for (uint32_t i = 0; i < k; i++)
			if (cx_vx__active(r, &ls[i], level))
				return 1;
	}
	return 0;
}

/* One pass of the FIA's main loop, as many times as no input is needed. */
static void cx_vx__advance(cx_vx_run *r)
{
	int guard;
	for (guard = 0; guard < VX_LOOPS && !r->stop; guard++) {
		if (r->wait) /* a document is being fetched: the FIA goes on when it is there */
			return;
		if (r->next_doc) {
			cx_vx__enterdoc(r);
			continue;
		}
		if (r->next_form >= 0) {
			int f = r->next_form;
			r->next_form = -1;
			cx_vx__enter(r, f);
			continue;
		}
		int i = cx_vx__select(r);
		if (r->stop)
			break;
		if (i == -2)
			continue;
		if (i < 0) { /* the form is done and nothing goes elsewhere: the dialog exits */
			r->stop = 1;
			break;
		}
		const cx_vx_item *it = &r->doc->forms[r->form].items[i];
		r->cur = i;
		if (r->final && ++r->fsteps > VX_FINAL_STEPS) { /* a loop of blocks, <goto>s, fetches */
			cx_log_doc(r->d->sess->id, "vxml final processing",
				   "1000 form items visited: the dialog exits");
			r->stop = 1;
			break;
		}
		if (r->final && it->kind != CX_VX_BLOCK && it->kind != CX_VX_OBJECT && it->kind != CX_VX_SUBDIALOG) {
			/* VoiceXML 2.0 §1.5.4: an item that would wait for the caller, who is gone
			 * (a transfer, a disconnect sent by CCXML): the dialog exits */
			char what[48];
			snprintf(what, sizeof(what), "an input item at line %d: the dialog exits", it->line);
			cx_log_doc(r->d->sess->id, "vxml final processing", what);
			r->stop = 1;
			break;
		}
		if (it->kind == CX_VX_BLOCK) {
			r->X->slots[it->slot] = CX_TRUE;
			cx_vx__call(r, it->body);
			continue;
		}
		int rc = CX_GO;
		if (!r->noprompt || r->reprompt) { /* Appendix C: queue prompts, count them */
			r->pcounts[i]++;
			rc = cx_vx__call(r, it->prompt);
		}
		r->noprompt = r->reprompt = 0;
		if (rc != CX_GO || r->stop || r->next_form >= 0)
			continue;
		if (it->kind == CX_VX_OBJECT) { /* no objects here: its body throws (§2.3.5) */
			cx_vx__call(r, it->body);
			continue;
		}
		r->item = i;
		if (it->kind == CX_VX_SUBDIALOG) {
			if (!cx_vx__subdialog(r, it))
				return; /* the subdialog runs; cx_vx__return_h goes on */
			continue;
		}
		if (it->kind != CX_VX_FIELD && it->kind != CX_VX_INITIAL) { /* <record>: vxio.c calls cx_vx_item_done */
			int wait = cx_vxio_item(r, it);
			if (wait > 0) /* an expression of it threw: its handler ran, the FIA goes on */
				continue;
			if (wait < 0)
				break;
			return;
		}
		if (r->nbuf && (it->gram != CX_VX_NOGRAM || it->nchoices || cx_vx__haslinks(r, it))) {
			/* typeahead (a voice-only field without links: noinput) */
			char tmp[sizeof(r->buf)];
			memcpy(tmp, r->buf, r->nbuf + 1);
			r->nbuf = 0;
			r->buf[0] = '\0';
			for (const char *p = tmp; *p; p++) { /* what the first keys fill takes the rest */
				cx_vx_run *t = r;
				while (t->child)
					t = t->child;
				cx_vx__key(t, *p, 1);
			}
			return;
		}
		cx_vx__listen(r, it->timeout_ms ? it->timeout_ms : VX_TIMEOUT_MS);
		cx_gc_maybe(r->X, 1); /* waiting for the caller: only the slots hold values */
		return;
	}
	if (guard == VX_LOOPS) /* e.g. an <object>'s handler that leaves it unfilled, again and again */
		cx_vx__fail(r, "error.semantic: the form interpretation algorithm went round 10000 times without "
			    "waiting for input");
	cx_vx__finish(r);
}

/* The keys typed so far against the builtin grammar number, phone, date, time or currency
 * (VoiceXML 2.0 Appendix P, DTMF forms; docs/voicexml.md): 1 match, 0 not yet, -1 no match.
 * With out (VX_MAXDIGITS + 8 bytes) and a match, the value's string. */
static int cx_vx__builtin(int gram, const char *b, size_t n, int final, char *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *star = memchr(b, '*', n);
	size_t digits = 0, after = star ? n - (size_t)(star - b) - 1 : 0;

	for (size_t i = 0; i < n; i++)
		digits += b[i] >= '0' && b[i] <= '9';
	if (digits + !!star != n || (star && memchr(star + 1, '*', after)))
		return -1; /* other keys, or a second '*' */
	if (gram == CX_VX_DATE || gram == CX_VX_TIME) { /* yyyymmdd, hhmm (24 h) */
		size_t want = gram == CX_VX_DATE ? 8 : 4;
		if (star || n > want || (n < want && final))
			return -1;
		if (n < want)
			return 0;
		int a = (b[n - 4] - '0') * 10 + b[n - 3] - '0', c = (b[n - 2] - '0') * 10 + b[n - 1] - '0';
		int y = 0;
		for (size_t i = 0; gram == CX_VX_DATE && i < 4; i++)
			y = y * 10 + b[i] - '0';
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (gram == CX_VX_DATE ? (a < 1 || a > 12 || c < 1 || c > mdays[a - 1] || (a == 2 && c == 29 && !leap))
		    : (a > 23 || c > 59))
			return -1;
		if (out)
			snprintf(out, VX_MAXDIGITS + 8, "%.*s%s", (int)n, b, gram == CX_VX_TIME ? "h" : "");
		return 1;
	}
	if (gram == CX_VX_CURRENCY && after > 2)
		return -1;
	if (gram == CX_VX_CURRENCY && star && after == 2 && star > b)
		final = 1; /* the cents are in */
	if (!final)
		return 0;
	size_t before = star ? (size_t)(star - b) : n;
	if ((gram == CX_VX_PHONE && (star ? !before || !after : !n)) || !digits || (star && !after && gram != CX_VX_CURRENCY))
		return -1;
	if (!out)
		return 1;
	size_t lead = 0; /* number, currency: no leading zero (Appendix P) */
	while (gram != CX_VX_PHONE && lead + 1 < before && b[lead] == '0')
		lead++;
	if (gram == CX_VX_PHONE)
		snprintf(out, VX_MAXDIGITS + 8, "%.*s%s%.*s", (int)before, b, star ? "x" : "", (int)after, star ? star + 1 : "");
	else if (gram == CX_VX_NUMBER)
		snprintf(out, VX_MAXDIGITS + 8, "%s%.*s%s%.*s", before ? "" : "0", (int)(before - lead), b + lead,
			 star ? "." : "", (int)after, star ? star + 1 : "");
	else /* mm.nn */
		snprintf(out, VX_MAXDIGITS + 8, "%s%.*s.%.*s%.*s", before ? "" : "0", (int)(before - lead), b + lead,
			 (int)after, star ? star + 1 : "", (int)(2 - after), "00");
	return 1;
}

/* The keys typed so far against the DTMF sequences of a menu's choices or a field's options:
 * one of them, unless a longer one may follow (1), 0 not yet, -1 none. */
static int cx_vx__choices(const cx_vx_item *it, const char *b, size_t n, int final)
{
	int whole = 0, longer = 0;
	for (uint32_t i = 0; i < it->nchoices; i++) {
		const char *d = it->choices[i].dtmf;
		if (strlen(d) == n && !strncmp(d, b, n))
			whole = 1;
		else if (strlen(d) > n && !strncmp(d, b, n))
			longer = 1;
	}
	return whole && (final || !longer) ? 1 : longer && !final ? 0 : -1;
}

/* The choice of a menu (option of a field) whose DTMF sequence is b[0..n), or NULL. */
static const cx_vx_choice *cx_vx__keyed(const cx_vx_item *it, const char *b, size_t n)
{
	for (uint32_t i = 0; i < it->nchoices; i++)
		if (strlen(it->choices[i].dtmf) == n && !strncmp(it->choices[i].dtmf, b, n))
			return &it->choices[i];
	return NULL;
}

static int cx_vx__gram(const cx_vx_item *it, const char *b, size_t n, int final);

/* The digits typed so far against the field's grammars (its type or <grammar>s, and its
 * <option>s: alternatives, VoiceXML 2.0 §2.3.1.3): 1 match, 0 not yet, -1 no match. */
static int cx_vx__match(const cx_vx_item *it, const char *b, size_t n, int final)
{
	if (it->gram == CX_VX_MENU)
		return cx_vx__choices(it, b, n, final);
	int own = cx_vx__gram(it, b, n, final);
	if (!it->nchoices)
		return own;
	int opt = cx_vx__choices(it, b, n, final);
	if (final)
		return own > 0 || opt > 0 ? 1 : -1;
	return own == 0 || opt == 0 ? 0 : own > 0 || opt > 0 ? 1 : -1; /* one that may go on waits */
}

/* The digits typed so far against the field's type or SRGS grammar (CX_VX_NOGRAM: none). */
static int cx_vx__gram(const cx_vx_item *it, const char *b, size_t n, int final)
{
	if (it->gram == CX_VX_BOOLEAN)
		return n == 0 ? 0 : (n == 1 && (b[0] == '1' || b[0] == '2')) ? 1 : -1;
	if (it->gram >= CX_VX_NUMBER && it->gram <= CX_VX_CURRENCY)
		return cx_vx__builtin(it->gram, b, n, final, NULL);
	if (it->gram == CX_VX_SRGS)
		return cx_vx_gram_match(it->gnodes, it->gkids, it->groot, b, n, final);
	if (it->gram != CX_VX_DIGITS)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (b[i] < '0' || b[i] > '9')
			return -1;
	if (it->maxlen && n >= (size_t)it->maxlen)
		return n == (size_t)it->maxlen && n >= (size_t)it->minlen ? 1 : -1;
	if (!final)
		return 0;
	return n >= 1 && n >= (size_t)it->minlen ? 1 : -1;
}

/* The <link>s active while item it collects (VoiceXML 2.0 §3.1.4) at level 0 to 3, the order
 * of precedence: the item's own, its form's, the document's, the application root's. */
static const cx_vx_link *cx_vx__links(const cx_vx_run *r, const cx_vx_item *it, int level, uint32_t *n)
{
	const cx_vx_form *f = &r->doc->forms[r->form];
	const cx_vx_link *const ls[] = {it->links, f->links, r->doc->links, r->doc->app_links};
	const uint32_t ns[] = {it->nlinks, f->nlinks, r->doc->nlinks, r->doc->napp_links};
	*n = it->modal && level > 0 ? 0 : ns[level]; /* §2.3.1 modal: the field's own only */
	return ls[level];
}

/* Is lk, of level's table, active here? The document's table holds the grammars of forms and
 * menus with document scope (§3.1.3): the current dialog's are its own already (level 1, or
 * a menu's choices), not a second time. */
static int cx_vx__active(const cx_vx_run *r, const cx_vx_link *lk, int level)
{
	return level != 2 || lk->dialog != r->form + 1;
}

/* The keys typed so far against every grammar active while item it collects: its own and
 * its links'. Not final: -1 when none may take them, 0 while one may still go on, else 1.
 * Final: 1 and *lk the grammar that takes them, the first of the highest precedence (§3.1.4:
 * the item's and its own links in document order, then its form's links, the document's,
 * the application root's; *lk NULL: the item's own grammar), or -1. */
static int cx_vx__match_all(cx_vx_run *r, const cx_vx_item *it, const char *b, size_t n, int final,
			    const cx_vx_link **lk)
{
	int own = cx_vx__match(it, b, n, final), best = own;

	*lk = NULL;
	for (int level = 0; level < 4; level++) {
		uint32_t nl;
		const cx_vx_link *ls = cx_vx__links(r, it, level, &nl);
		for (uint32_t i = 0; i < nl; i++) {
			if (!cx_vx__active(r, &ls[i], level))
				continue;
			int lm = cx_vx_gram_match(ls[i].gnodes, ls[i].gkids, ls[i].groot, b, n, final);
			if (!final) { /* one that may go on waits; else one that matched ends the input */
				best = best == 0 || lm == 0 ? 0 : best > 0 || lm > 0 ? 1 : -1;
				continue;
			}
			if (lm > 0 && (own <= 0 || (level == 0 && ls[i].first))) {
				*lk = &ls[i];
				return 1;
			}
		}
	}
	return final ? own : best;
}

/* noinput or nomatch of the collecting field, an event sent to the dialog or returned by a
 * subdialog. */
static void cx_vx__event(cx_vx_run *r, const char *ev, cx_value msg)
{
	r->item = -1;
	cx_vx__raise(r, ev, msg);
	cx_vx__dispatch(r);
	cx_vx__advance(r);
}

/* The fields idx[0 .. n) were just filled (by one input): every <initial> of the form is
 * true (VoiceXML 2.0 §2.3.3: the dialogue is past them), then the <filled>s they trigger run in
 * document order (Appendix C): their own, and the form's whose namelist holds one of them
 * (mode="all": once every item of the namelist is set). A <goto>, <exit> or a handled event
 * stops the rest. */
static void cx_vx__filled(cx_vx_run *r, const uint32_t *idx, uint32_t n)
{
	const cx_vx_form *f = &r->doc->forms[r->form];

	for (uint32_t i = 0; i < f->nitems; i++)
		if (f->items[i].kind == CX_VX_INITIAL)
			r->X->slots[f->items[i].slot] = CX_TRUE;
	for (uint32_t i = 0; i < f->nfilleds && !r->stop; i++) {
		const cx_vx_filled *fl = &f->filleds[i];
		int hit = 0, all = 1;
		for (uint32_t k = 0; k < fl->nitems; k++) {
			for (uint32_t j = 0; j < n; j++)
				hit |= fl->items[k] == idx[j];
			all &= r->X->slots[f->items[fl->items[k]].slot].tag != CX_T_UNDEF;
		}
		if (!hit || (fl->all && !all))
			continue;
		r->cur = fl->item;
		if (cx_vx__call(r, fl->body) != CX_GO || r->next_form >= 0 || r->next_item >= 0)
			break;
	}
}

/* The first n typed keys were taken by a menu's choice or a <link>: application.lastresult$
 * (the keys are the interpretation too, VoiceXML 2.0 §2.2, §2.5, unless a link's grammar has
 * <tag>s: interp); the input is over. */
static void cx_vx__took(cx_vx_run *r, size_t n, const cx_value *interp)
{
	cx_value key = interp ? *interp : cx_str_utf8(r->X, r->buf, n);
	if (!cx_is_exc(key))
		cx_vx__lastresult(r, r->buf, n, key);
	else
		cx_catch(r->X);
	r->nbuf = 0;
	r->buf[0] = '\0';
	r->item = -1;
}

/* A <menu>'s choice matched the first n typed keys: application.lastresult$, then its next,
 * expr or event (VoiceXML 2.0 §2.2). */
static void cx_vx__choose(cx_vx_run *r, const cx_vx_choice *c, size_t n)
{
	cx_vx__took(r, n, NULL);
	r->X->steps = (int64_t)cx_vx__budget(r->e);
	if (c->event || c->eventexpr) { /* thrown as by <throw> (event/eventexpr, message/messageexpr) */
		cx_value ev = c->event ? cx_vx__strv(r->X, c->event) : c->eventexpr(r->X), msg = CX_UNDEFINED;
		if (!cx_is_exc(ev) && (c->message || c->messageexpr))
			msg = c->message ? cx_vx__strv(r->X, c->message) : c->messageexpr(r->X);
		if (cx_is_exc(ev) || cx_is_exc(msg) || (cx_vx_throw(r->X, ev, msg) == CX_FAIL && !r->ev[0]))
			cx_vx_semantic(r->X, "choice", c->line);
	} else if (c->next) {
		cx_vx_goto(r->X, c->next);
	} else {
		cx_value v = c->expr(r->X);
		const char *s = cx_is_exc(v) ? NULL : cx_rt_str(r->X, v);
		if (!s)
			cx_vx_semantic(r->X, "choice", c->line);
		else if (s[0] != '#' || !cx_vx__form(r, s + 1))
			cx_vx__badfetch(r, "<choice expr>", s, "not the '#id' of a form or menu of this document");
	}
	cx_vx__dispatch(r);
	cx_vx__advance(r);
}

/* A <link>'s grammar took the first n typed keys (VoiceXML 2.0 §2.5): application.lastresult$
 * as for a choice, then its <goto> or <throw>; the event is handled where the FIA is (the
 * item that was collecting: its catches first). */
static void cx_vx__link(cx_vx_run *r, const cx_vx_link *lk, size_t n)
{
	cx_value interp;
	int si = cx_vx__interp(r, lk->gnodes, lk->gkids, lk->groot, n, &interp);
	if (si < 0)
		return;
	char keys[sizeof(r->buf)];
	memcpy(keys, r->buf, n);
	cx_vx__took(r, n, si ? &interp : NULL);
	cx_vx__call(r, lk->body);
	if (lk->replay && (r->next_doc || r->wait) && !r->stop) {
		/* the application root's dialog the grammar is of (§3.1.3) takes the keys as its own:
		 * typed ahead, its grammars hear them once it collects */
		memcpy(r->buf, keys, n);
		r->nbuf = n;
		r->buf[n] = '\0';
	}
	cx_vx__advance(r);
}

/* The value of o's own property key[0 .. len) (0: none; o not an object: none). */
static int cx_vx__own(cx_ctx *X, cx_value o, const char *key, size_t len, cx_value *v)
{
	cx_value k = o.tag == CX_T_OBJ ? cx_str_utf8(X, key, len) : CX_UNDEFINED;
	if (cx_is_exc(k))
		cx_catch(X);
	if (k.tag != CX_T_STR)
		return 0;
	const struct cx_obj_head *h = CX_OBJ_HEAD(o.u.o);
	for (uint32_t i = 0; i < h->nprops; i++)
		if (h->props[i].key && cx_str_eq(h->props[i].key, k.u.s)) {
			*v = h->props[i].val;
			return 1;
		}
	return 0;
}

/* The value at slot in a grammar's result o (VoiceXML 2.0 §3.1.6): its own property of that
 * name (a rule id may hold dots), else for a dotted slot ("order.size") the path of them; 0
 * when there is none or it is undefined. */
static int cx_vx__slotval(cx_ctx *X, cx_value o, const char *slot, cx_value *v)
{
	if (cx_vx__own(X, o, slot, strlen(slot), v))
		return v->tag != CX_T_UNDEF;
	for (const char *p = slot;; o = *v) {
		size_t n = strcspn(p, ".");
		if (!cx_vx__own(X, o, p, n, v))
			return 0;
		if (!p[n])
			return v->tag != CX_T_UNDEF;
		p += n + 1;
	}
}

/* The result of a form-level grammar without <tag>s (docs/decisions.md, "slots are rule ids"):
 * an object of slots, its root rule's id the keys, and each rule it refers to that took part in
 * the match the keys it took (its last span). */
static cx_value cx_vx__ruleslots(cx_vx_run *r, const cx_vx_link *lk, size_t n)
{
	cx_ctx *X = r->X;
	cx_vx_span sp[VX_MAXEVENTS];
	int ns = cx_vx_gram_spans(lk->gnodes, lk->gkids, lk->groot, r->buf, n, sp, VX_MAXEVENTS);
	cx_value res = cx_obj_new(X);
	cx_vx__def(X, &res, lk->root, cx_str_utf8(X, r->buf, n)); /* the root's first */
	for (int i = 0; i < ns; i++)
		if (sp[i].kind == CX_VX_SP_END && strcmp(sp[i].name, lk->root))
			cx_vx__def(X, &res, sp[i].name, cx_str_utf8(X, r->buf + sp[i].at, sp[i].len));
	return res;
}

/* The interpretation of the first n typed keys by grammar (nodes, kids, root) into *v (with
 * <tag>s: SISR, cx_vx_gram_interp); 0 when the grammar has no tags (*v untouched), 1, or -1
 * after a tag's error (error.semantic raised; the input is over). */
static int cx_vx__interp(cx_vx_run *r, const cx_vx_gnode *nodes, const uint32_t *kids, uint32_t root, size_t n,
			 cx_value *v)
{
	int line;
	r->X->steps = (int64_t)cx_vx__budget(r->e);
	int si = cx_vx_gram_interp(r->X, nodes, kids, root, r->buf, n, v, &line);
	if (si >= 0)
		return si;
	r->nbuf = 0;
	r->buf[0] = '\0';
	r->item = -1;
	cx_vx_semantic(r->X, "tag", line);
	cx_vx__dispatch(r);
	cx_vx__advance(r);
	return -1;
}

/* A form-level grammar took the first n typed keys (VoiceXML 2.0 §3.1.6; docs/voicexml.md
 * "Mixed initiative"). Its result: with <tag>s, its root rule's out; without, the object of
 * rule slots (cx_vx__ruleslots). Each field of the form whose slot is a property of it gets
 * that value (and its shadow variables, whatever it held); if one did, the <filled>s those
 * fields trigger run (cx_vx__filled) and the FIA goes on; if none did, it is a nomatch. */
static void cx_vx__formgram(cx_vx_run *r, const cx_vx_link *lk, size_t n)
{
	if (lk->dialog && lk->dialog - 1 != r->form) {
		/* another form's grammar of document scope (§3.1.3): that form is entered (its
		 * variables, its items' expr), then its fields are filled as by its own grammar */
		r->item = -1;
		cx_vx__unlisten(r);
		cx_vx__enter(r, lk->dialog - 1);
		if (r->stop || r->wait || r->next_form >= 0 || r->next_doc) {
			r->nbuf = 0;
			r->buf[0] = '\0';
			cx_vx__advance(r);
			return;
		}
	}
	const cx_vx_form *f = &r->doc->forms[r->form];
	cx_ctx *X = r->X;
	cx_value res;
	int si = cx_vx__interp(r, lk->gnodes, lk->gkids, lk->groot, n, &res);
	if (si < 0)
		return;
	if (!si)
		res = cx_vx__ruleslots(r, lk, n);
	uint32_t idx[VX_MAXSPANS], nf = 0;
	r->item = -1;
	for (uint32_t i = 0; f->slots && i < f->nitems && nf < VX_MAXSPANS && !cx_is_exc(res); i++) {
		cx_value v;
		if (!f->slots[i] || !cx_vx__slotval(X, res, f->slots[i], &v))
			continue;
		X->slots[f->items[i].slot] = v;
		cx_vx__shadow(r, &f->items[i], r->buf, n, si ? res : v);
		idx[nf++] = i;
	}
	if (cx_is_exc(res)) {
		cx_catch(X);
		cx_vx__fail(r, "error.semantic: out of memory");
		cx_vx__advance(r);
		return;
	}
	if (nf)
		cx_vx__lastresult(r, r->buf, n, res);
	r->nbuf = 0;
	r->buf[0] = '\0';
	if (!nf) {
		cx_vx__event(r, "nomatch", CX_UNDEFINED);
		return;
	}
	cx_vx__filled(r, idx, nf);
	cx_vx__advance(r);
}

/* Grammar lk (a link, a form's grammar, a document-scoped menu's choice) took the first n keys. */
static void cx_vx__took_by(cx_vx_run *r, const cx_vx_link *lk, size_t n)
{
	if (lk->choice)
		cx_vx__choose(r, lk->choice, n);
	else if (lk->root)
		cx_vx__formgram(r, lk, n);
	else
		cx_vx__link(r, lk, n);
}

/* The item collecting gets v: its <filled>s run, then the FIA goes on. */
/* The item waited for gets v (its <filled> runs), then the FIA goes on; then: an event thrown
 * first, before anything else runs (the hang-up that came after a subdialog's <return>). */
static void cx_vx__fill(cx_vx_run *r, cx_value v, const char *then)
{
	int idx = r->item;

	r->X->slots[r->doc->forms[r->form].items[idx].slot] = v;
	r->item = -1;
	cx_vx__filled(r, (uint32_t[]){(uint32_t)idx}, 1);
	if (then && !r->stop)
		cx_vx__event(r, then, CX_UNDEFINED);
	else
		cx_vx__advance(r);
}

/* The <option> of field it that takes the keys b[0..n) (they matched the field's grammars),
 * or NULL when its type or <grammar> does: when both may, the one first in document order
 * (VoiceXML 2.0 §3.1.4; a type counts as first). */
static const cx_vx_choice *cx_vx__option(const cx_vx_item *it, const char *b, size_t n)
{
	const cx_vx_choice *c = cx_vx__keyed(it, b, n);
	if (c && !it->options_first && it->gram != CX_VX_NOGRAM && cx_vx__gram(it, b, n, 1) > 0)
		return NULL;
	return c;
}

/* The value a field gets from its grammar's interpretation (VoiceXML 2.0 §3.1.6): the property
 * (or path) named by its slot (its slot, else its name) of an object, else the whole. */
static cx_value cx_vx__slotof(cx_vx_run *r, const cx_vx_item *it, cx_value interp)
{
	const cx_vx_form *f = &r->doc->forms[r->form];
	const char *slot = f->slots && f->slots[r->item] ? f->slots[r->item] : it->name;
	cx_value v;
	return cx_vx__slotval(r->X, interp, slot, &v) ? v : interp;
}

/* The keys typed during a <record modal="false"> (VoiceXML 2.0 §2.3.6) are over (final: no
 * grammar may go on, or the inter-digit time passed): a grammar in scope that takes them ends
 * the recording (its file is kept, the item is not filled: the input was that grammar's) and
 * acts; keys none takes end it as dtmfterm says (the last one is name$.termchar), or are
 * ignored without dtmfterm or when they began during its prompts (dtmfterm is the recording's). */
static void cx_vx__reckeys(cx_vx_run *r, const cx_vx_item *it)
{
	const cx_vx_link *lk;
	size_t n = r->nbuf;

	cx_vx__unlisten(r);
	if (!n)
		return;
	cx_vx__match_all(r, it, r->buf, n, 1, &lk);
	if (lk) {
		cx_vxio_stop(r);
		cx_vx__marks_done(r, 1);
		cx_vx__took_by(r, lk, n);
		return;
	}
	char key = r->buf[n - 1];
	r->nbuf = 0;
	r->buf[0] = '\0';
	if (it->rec->dtmfterm && !r->recpre)
		cx_vxio_key(r, key);
}

/* The keys typed during a bridged <transfer> are over (its grammar cannot go on, or the
 * inter-digit time passed): those it takes end the transfer (cx_vxio_hotword); others are
 * dropped, as input no grammar takes is while the caller talks to the far end. */
static void cx_vx__xferkeys(cx_vx_run *r, const cx_vx_item *it)
{
	size_t n = r->nbuf;

	cx_vx__unlisten(r);
	r->nbuf = 0;
	if (n && cx_vx__match(it, r->buf, n, 1) > 0)
		cx_vxio_hotword(r, r->buf, n);
	else if (n)
		cx_log_doc(r->d->sess->id, "vxml transfer: keys its grammar does not take, ignored", r->buf);
	r->buf[0] = '\0';
}

static void cx_vx__collect_end(cx_vx_run *r, int noinput)
{
	r->termwait = 0;
	if (r->item < 0 || r->stop)
		return;
	const cx_vx_item *it = &r->doc->forms[r->form].items[r->item];
	if (it->kind == CX_VX_RECORD) { /* a non-modal one's keys (cx_vx__key) */
		cx_vx__reckeys(r, it);
		return;
	}
	if (it->kind == CX_VX_TRANSFER) {
		cx_vx__xferkeys(r, it);
		return;
	}
	cx_vx__unlisten(r);
	cx_vx__marks_done(r, !noinput && r->nbuf);
	if (noinput || r->nbuf == 0) {
		cx_vx__event(r, "noinput", CX_UNDEFINED);
		return;
	}
	size_t n = r->nbuf;
	if (n && it->termchar && r->buf[n - 1] == it->termchar)
		n--;
	const cx_vx_link *lk;
	int m = cx_vx__match_all(r, it, r->buf, n, 1, &lk);
	if (lk) {
		cx_vx__took_by(r, lk, n);
		return;
	}
	if (m > 0 && it->gram == CX_VX_MENU) {
		cx_vx__choose(r, cx_vx__keyed(it, r->buf, n), n);
		return;
	}
	cx_value v = CX_UNDEFINED, interp = CX_UNDEFINED;
	char fmt[VX_MAXDIGITS + 8];
	int si = 0; /* its SRGS grammar's <tag>s gave interp */
	const cx_vx_choice *opt = m > 0 ? cx_vx__option(it, r->buf, n) : NULL;
	if (opt)
		v = cx_vx__strv(r->X, opt->value);
	else if (m > 0 && it->gram >= CX_VX_NUMBER && it->gram <= CX_VX_CURRENCY &&
	    cx_vx__builtin(it->gram, r->buf, n, 1, fmt) > 0)
		v = cx_str_utf8(r->X, fmt, strlen(fmt));
	else if (m > 0 && it->gram == CX_VX_SRGS && (si = cx_vx__interp(r, it->gnodes, it->gkids, it->groot, n, &interp)))
		v = si < 0 ? CX_UNDEFINED : cx_vx__slotof(r, it, interp);
	else if (m > 0)
		v = it->gram == CX_VX_BOOLEAN ? (r->buf[0] == '1' ? CX_TRUE : CX_FALSE) :
			cx_str_utf8(r->X, r->buf, n);
	if (si < 0)
		return; /* a tag's error.semantic */
	if (m > 0 && !cx_is_exc(v)) {
		cx_vx__lastresult(r, r->buf, n, si ? interp : v);
		cx_vx__shadow(r, it, r->buf, n, si ? interp : v);
	}
	r->nbuf = 0;
	r->buf[0] = '\0';
	if (m <= 0) {
		cx_vx__event(r, "nomatch", CX_UNDEFINED);
		return;
	}
	if (cx_is_exc(v)) {
		cx_vx_semantic(r->X, "field", it->line);
		r->item = -1;
		cx_vx__dispatch(r);
		cx_vx__advance(r);
		return;
	}
	cx_vx__fill(r, v, NULL);
}

/* Section - What vxio.c needs of a run */

/* A <record>'s or <transfer>'s name$.markname and marktime (VoiceXML 2.1 §4: set for any form
 * item a mark was executed for; §2.4.2 names both): the mark its prompts had reached when they
 * stopped, at the key that barged into a <record>'s (cx_vx__key: the prompts end then) or at
 * their end, where the recording began or the transfer was handed to CCXML (taken then: its
 * transferaudio plays after them). */
static void cx_vx__itemmark(cx_vx_run *r, const cx_vx_item *it)
{
	cx_ctx *X = r->X;
	uint32_t slot = it->rec ? it->rec->shadow : it->xfer ? it->xfer->shadow : 0;

	if (!it->xfer) /* a transfer's were taken when it went to CCXML (cx_vx_transfer_begins) */
		cx_vx__marks_done(r, 0);
	if (!slot || !cx_is_obj(X->slots[slot]))
		return;
	cx_value sh = X->slots[slot];
	cx_vx__def(X, &sh, "markname", r->mark ? cx_vx__strv(X, r->mark) : CX_UNDEFINED);
	cx_vx__def(X, &sh, "marktime", r->mark ? cx_num((double)r->mark_ms) : CX_UNDEFINED);
	if (cx_is_exc(sh))
		cx_catch(X);
}

void cx_vx_item_done(cx_vx_run *r, cx_value v)
{
	if (r->item < 0 || r->stop)
		return;
	const cx_vx_item *it = &r->doc->forms[r->form].items[r->item];
	if (it->kind == CX_VX_RECORD || it->kind == CX_VX_TRANSFER)
		cx_vx__itemmark(r, it);
	cx_vx__unlisten(r); /* keys a <record modal="false"> had begun (its maxtime came first) */
	r->nbuf = 0;
	r->buf[0] = '\0';
	cx_vx__fill(r, v, NULL);
	cx_engine_kick(r->e);
}

int cx_vx_item_str(cx_vx_run *r, const cx_vx_item *it, const char *text, cx_cond_fn *fn, char **out)
{
	const char *s = text;

	if (fn) {
		cx_value v = cx_vx__item_eval(r, it, fn);
		if (cx_is_exc(v))
			return 1; /* error.semantic naming the item, dispatched */
		if (!(s = cx_rt_str(r->X, v))) {
			cx_vx_semantic(r->X, cx_vx__kinds[it->kind], it->line);
			cx_vx__dispatch(r);
			return 1;
		}
	}
	if (s && str_dup(out, s)) {
		cx_vx_error(r, "error.noresource: out of memory", 0);
		return -1;
	}
	return 0;
}

int cx_vx_final(const cx_vx_run *r)
{
	return r->final;
}

void cx_vx_transfer_begins(cx_vx_run *r)
{
	cx_vx__marks_done(r, 0);
}

uint64_t cx_vx_audio(cx_vx_run *r, const char *src)
{
	uint64_t now = cx_clock_ms(), ms;

	if (!r->play || (src && r->final))
		return 0; /* the final processing state plays nothing */
	if (!src) {
		(void)r->play(r->e, r->d, CX_VX_STOP_SRC, r->arg);
		if (r->play_end > now)
			r->play_end = now;
		return 0;
	}
	char *m = cx_vx__media(r, src, NULL); /* a web one plays if its copy is here by now */
	ms = m ? r->play(r->e, r->d, m, r->arg) : 0;
	mem_deref(m);
	if (ms)
		r->play_end = (r->play_end > now ? r->play_end : now) + ms;
	return ms;
}

/* How long the final processing state may last: --vxml-final-time, else VX_FINAL_MS. */
static uint32_t cx_vx__final_ms(const cx_engine *e)
{
	return e->vx_final_ms ? e->vx_final_ms : VX_FINAL_MS;
}

/* The final processing state has lasted cx_vx__final_ms (its outermost run's timer): a handler
 * that loops through fetched documents or waits on a server that does not answer ends here. */
static void cx_vx__final_h(void *arg)
{
	cx_vx_run *r = arg;
	char what[64];

	while (r->child)
		r = r->child;
	if (r->stop)
		return;
	snprintf(what, sizeof(what), "%u s without an end: the dialog exits",
		 (unsigned)(cx_vx__final_ms(r->e) / 1000));
	cx_log_doc(r->d->sess->id, "vxml final processing", what);
	cx_vx__unwait(r);
	cx_vx_error(r, NULL, 1); /* dialog.exit without values, as VoiceXML's default handler */
	cx_engine_kick(r->e);
}

/* A connection.disconnect event is thrown in run r (the innermost, a subdialog's first): it and
 * the runs that called it are in the final processing state (VoiceXML 2.0 §1.5.4): no prompt
 * plays any more (those queued are cut), no input is collected, the transition a fetch was for
 * is dropped (the event's handler runs in the document of now); cx_vx__final_ms bounds it. */
static void cx_vx__gone(cx_vx_run *r)
{
	uint64_t now = cx_clock_ms();
	cx_vx_run *top = r;

	if (r->play && !r->final)
		(void)r->play(r->e, r->d, CX_VX_STOP_SRC, r->arg);
	cx_vx__unwait(r);
	for (cx_vx_run *p = r; p; p = p->parent) {
		cx_vx__pend_cut(p);
		p->final = 1;
		if (p->play_end > now)
			p->play_end = now;
		p->nnb = 0;
		top = p;
	}
	if (!tmr_isrunning(&top->t_final))
		tmr_start(&top->t_final, cx_vx__final_ms(r->e), cx_vx__final_h, top);
}

void cx_vx_deliver(cx_vx_run *r, const char *ev)
{
	int gone = !strncmp(ev, "connection.disconnect", 21) && (!ev[21] || ev[21] == '.');

	if (r && r->stop && gone && !r->final && r->parent && r->returned) {
		/* It has run <return> and hands its result to its caller at the next turn: the
		 * caller's item gets it first, then this event (its handlers run there), all in the
		 * final processing state, which the platform leaves to end by itself */
		cx_vx__gone(r);
		str_ncpy(r->ret_gone, ev, sizeof(r->ret_gone));
		return;
	}
	if (r && r->stop && gone && !r->final) {
		/* It has ended (<exit>, an error) and waits for its prompts to play before it says
		 * so: the caller gone, none plays. It ends now with its own end (the <exit>'s
		 * values), in the final processing state, which the platform leaves to end by itself
		 * (sim.c, mplane.c): else the platform ended it first, without them. */
		cx_vx__gone(r);
		cx_vx__finish(r);
		return;
	}
	if (!r || r->stop)
		return;
	cx_vx__unlisten(r); /* whatever the item waited for, the event comes first */
	r->nbuf = 0;
	r->buf[0] = '\0';
	if (gone)
		cx_vx__gone(r);
	cx_vx__event(r, ev, CX_UNDEFINED);
	cx_engine_kick(r->e);
}

void cx_vx_error(cx_vx_run *r, const char *why, int finish)
{
	if (!r->stop) { /* else the first end stands (cx_vx_semantic's reason) */
		r->stop = 1;
		r->end_ev = why ? CX_PEV_DLG_ERROR : CX_PEV_NONE; /* dialog.exit without values */
		if (why)
			str_dup(&r->end_reason, why);
	}
	if (finish)
		cx_vx__finish(r);
}

cx_vxio **cx_vx_io(cx_vx_run *r, cx_engine **e, cx_dlg **d, cx_ctx **X, uint64_t *play_end)
{
	if (e)
		*e = r->e;
	if (d)
		*d = r->d;
	if (X)
		*X = r->X;
	if (play_end)
		*play_end = r->play_end;
	return &r->io;
}

/* Is a bargein="false" prompt playing at now? (Those that ended are forgotten.) */
static int cx_vx__deaf(cx_vx_run *r, uint64_t now)
{
	int deaf = 0, k = 0;

	for (int i = 0; i < r->nnb; i++) {
		if (r->nb[i].to <= now)
			continue;
		deaf |= r->nb[i].from <= now;
		r->nb[k++] = r->nb[i];
	}
	r->nnb = k;
	return deaf;
}

/* One key for run r; fed: typed ahead before, now given to the field. 1 when it was taken
 * (the prompts playing stop: barge-in), 0 when it was dropped. */
static int cx_vx__key(cx_vx_run *r, char key, int fed)
{
	uint64_t now = cx_clock_ms();

	if (r->stop || r->nbuf >= VX_MAXDIGITS || !strchr(CX_DTMF_KEYS, key))
		return 0;
	/* a bargein="false" prompt still fetched plays next: the key is dropped as during it */
	struct list *q = cx_vx__q(r);
	int held = q->head && !((cx_vx_pend *)q->head->data)->bargein;
	if (!fed && (cx_vx__deaf(r, now) || held)) {
		cx_log_doc(r->d->sess->id, "vxml key dropped (bargein false)", (char[]){key, 0});
		return 0;
	}
	/* while a document is fetched (a subdialog's too) keys are typed ahead */
	const cx_vx_item *it = r->item >= 0 && !r->wait ? &r->doc->forms[r->form].items[r->item] : NULL;
	int pre = it && it->kind == CX_VX_RECORD && it->rec && !cx_vxio_recording(r);
	uint64_t stop = r->play_end < now ? r->play_end : now; /* where the prompts were (<mark>) */
	if (pre) {
		/* its prompts (§4.1.5: the key barges in, the recording begins now); a modal one
		 * drops the key (dtmfterm ends the recording, not its prompts) */
		r->play_end = now;
		r->nnb = 0;
		cx_vx__pend_cut(r);
		cx_vxio_barge(r);
		if (!it->rec->nonmodal)
			return 1;
	}
	if (it && it->kind == CX_VX_RECORD && it->rec && it->rec->nonmodal) {
		/* §2.3.6 modal="false": the grammars in scope listen during its prompts too, as a
		 * field's, and while it records */
		if (!r->nbuf) { /* keys begun in the prompts none takes are dropped (cx_vx__reckeys) */
			r->recpre = pre;
			r->heard = stop; /* the mark of what a grammar takes (cx_vx__reckeys) */
		}
		r->buf[r->nbuf++] = key;
		r->buf[r->nbuf] = '\0';
		const cx_vx_link *lk;
		if (cx_vx__match_all(r, it, r->buf, r->nbuf, 0, &lk) == 0)
			tmr_start(&r->t_in, it->interdigit_ms ? it->interdigit_ms : VX_INTERDIGIT_MS,
				  cx_vx__interdigit_h, r);
		else
			cx_vx__reckeys(r, it);
		return 1;
	}
	if (it && it->kind == CX_VX_TRANSFER && it->gram == CX_VX_SRGS && cx_vxio_xfer_listening(r)) {
		/* VoiceXML 2.0 §2.3.7: the keys its DTMF grammar takes end a bridged transfer */
		r->buf[r->nbuf++] = key;
		r->buf[r->nbuf] = '\0';
		if (cx_vx__match(it, r->buf, r->nbuf, 0) == 0)
			tmr_start(&r->t_in, it->interdigit_ms ? it->interdigit_ms : VX_INTERDIGIT_MS,
				  cx_vx__interdigit_h, r);
		else
			cx_vx__xferkeys(r, it);
		return 1;
	}
	if (it && it->kind != CX_VX_FIELD && it->kind != CX_VX_INITIAL) { /* <record> ends at a key */
		cx_vxio_key(r, key);
		return 1;
	}
	if (it && it->nodtmf) /* inputmodes without dtmf */
		return 0;
	r->buf[r->nbuf++] = key;
	r->buf[r->nbuf] = '\0';
	if (!it)
		return 1; /* typeahead until a field collects */
	if (r->nbuf == 1) /* the first key of an input */
		r->heard = stop;
	r->play_end = now; /* barge-in: the prompts stop, those still fetched too */
	r->nnb = 0;
	cx_vx__pend_cut(r);
	int term = it->termchar && key == it->termchar;
	if (r->termwait) { /* the input was complete: a key ends it, the termchar is eaten */
		r->termwait = 0;
		if (!term)
			r->buf[--r->nbuf] = '\0';
		cx_vx__collect_end(r, 0);
		if (!term) {
			while (r->child)
				r = r->child;
			cx_vx__key(r, key, 1); /* the key belongs to what collects next */
		}
		return 1;
	}
	const cx_vx_link *lk;
	int m = term ? 1 : cx_vx__match_all(r, it, r->buf, r->nbuf, 0, &lk);
	if (m > 0 && !term && it->termchar && it->termtimeout_ms) {
		r->termwait = 1; /* §6.3.3 termtimeout: wait for the termchar */
		tmr_start(&r->t_in, it->termtimeout_ms, cx_vx__interdigit_h, r);
	} else if (m != 0) {
		cx_vx__collect_end(r, 0);
	} else {
		tmr_start(&r->t_in, it->interdigit_ms ? it->interdigit_ms : VX_INTERDIGIT_MS, cx_vx__interdigit_h, r);
	}
	return 1;
}

int cx_vx_input(cx_vx_run *r, const char *digits)
{
	int taken = 0;

	for (const char *p = digits; r && *p; p++) {
		cx_vx_run *t = r;
		while (t->child) /* the subdialog running takes the keys */
			t = t->child;
		taken |= cx_vx__key(t, *p, 0);
	}
	return taken;
}

/* Defines key = v on o (v may be an exception: then o becomes it). */
static void cx_vx__def(cx_ctx *X, cx_value *o, const char *key, cx_value v)
{
	if (cx_is_exc(*o))
		return;
	if (cx_is_exc(v) || cx_define_cstr(X, *o, key, v, 0))
		*o = cx_is_exc(v) ? v : cx_throw_error(X, "Error", "out of memory");
}

static cx_value cx_vx__strv(cx_ctx *X, const char *s)
{
	return s ? cx_str_utf8(X, s, strlen(s)) : CX_UNDEFINED;
}

/* session.connection (VoiceXML 2.0 §5.1.4; CCXML 1.0 Appendix D): local.uri, remote.uri,
 * originator, protocol.name/version, aai, redirect, and ccxml.values (what <dialogstart
 * namelist/parameters> passed), ccxml.connectionid, ccxml.dialogid. */
static int cx_vx__session(cx_vx_run *r)
{
	cx_ctx *X = r->X;
	const cx_conn *c = r->d->connid[0] ? cx_conn_find(r->d->sess, r->d->connid) : NULL;
	const cx_prov *pv = r->e->prov;
	cx_value sess = cx_obj_new(X), conn = cx_obj_new(X), ccxml = cx_obj_new(X);
	cx_value local = cx_obj_new(X), remote = cx_obj_new(X), proto = cx_obj_new(X);

	cx_vx__def(X, &ccxml, "values", r->d->values ? cx_cval_to(X, r->d->values) : cx_obj_new(X));
	cx_vx__def(X, &ccxml, "connectionid", cx_vx__strv(X, r->d->connid[0] ? r->d->connid : NULL));
	cx_vx__def(X, &ccxml, "dialogid", cx_vx__strv(X, r->d->id));
	cx_vx__def(X, &local, "uri", cx_vx__strv(X, c ? c->local : NULL));
	cx_vx__def(X, &remote, "uri", cx_vx__strv(X, c ? c->remote : NULL));
	cx_vx__def(X, &proto, "name", cx_vx__strv(X, pv ? pv->name : "none"));
	cx_vx__def(X, &proto, "version", cx_vx__strv(X, pv ? pv->version : "0"));
	cx_vx__def(X, &conn, "local", local);
	cx_vx__def(X, &conn, "remote", remote);
	cx_vx__def(X, &conn, "originator", cx_vx__strv(X, c ? (c->inbound ? "remote" : "local") : NULL));
	cx_vx__def(X, &conn, "protocol", proto);
	cx_vx__def(X, &conn, "aai", cx_vx__strv(X, c ? c->aai : NULL));
	cx_vx__def(X, &conn, "redirect", cx_vx__strv(X, c ? c->redirect : NULL));
	cx_vx__def(X, &conn, "ccxml", ccxml);
	cx_vx__def(X, &sess, "connection", conn);
	cx_value app = cx_obj_new(X);
	if (cx_is_exc(sess) || cx_is_exc(app)) {
		cx_catch(X);
		return ENOMEM;
	}
	X->slots[CX_SLOT_SESSION] = sess;
	X->slots[CX_SLOT_APPLICATION] = app;
	return 0;
}

/* application.lastresult$ after DTMF input (VoiceXML 2.0 §5.1.5): one result, also its
 * fields on the array itself; markname and marktime as the shadow variables'. */
static void cx_vx__lastresult(cx_vx_run *r, const char *digits, size_t n, cx_value interp)
{
	cx_ctx *X = r->X;
	cx_value res = cx_obj_new(X), arr = cx_arr_new(X, 0, NULL);

	cx_value utt = cx_str_utf8(X, digits, n);
	for (int k = 0; k < 2; k++) {
		cx_value *o = k ? &arr : &res;
		cx_vx__def(X, o, "utterance", utt);
		cx_vx__def(X, o, "inputmode", cx_vx__strv(X, "dtmf"));
		cx_vx__def(X, o, "confidence", cx_num(1));
		cx_vx__def(X, o, "interpretation", interp);
		cx_vx__def(X, o, "markname", r->mark ? cx_vx__strv(X, r->mark) : CX_UNDEFINED);
		cx_vx__def(X, o, "marktime", r->mark ? cx_num((double)r->mark_ms) : CX_UNDEFINED);
	}
	cx_vx__def(X, &arr, "0", res);
	if (cx_is_exc(arr) || cx_is_exc(res) || X->slots[CX_SLOT_APPLICATION].tag != CX_T_OBJ ||
	    cx_define_cstr(X, X->slots[CX_SLOT_APPLICATION], "lastresult$", arr, 0))
		cx_catch(X);
}

/* A field's shadow variables (VoiceXML 2.0 §2.3.1, 2.1 §2.5): name$.utterance (the keys),
 * inputmode, confidence, interpretation; markname and marktime (VoiceXML 2.1 §4: the mark of
 * the input, cx_vx__marks_done; undefined without one). */
static void cx_vx__shadow(cx_vx_run *r, const cx_vx_item *it, const char *digits, size_t n, cx_value interp)
{
	cx_ctx *X = r->X;
	cx_value sh = cx_obj_new(X);

	if (!it->shadow)
		return;
	cx_vx__def(X, &sh, "utterance", cx_str_utf8(X, digits, n));
	cx_vx__def(X, &sh, "inputmode", cx_vx__strv(X, "dtmf"));
	cx_vx__def(X, &sh, "confidence", cx_num(1));
	cx_vx__def(X, &sh, "interpretation", interp);
	cx_vx__def(X, &sh, "markname", r->mark ? cx_vx__strv(X, r->mark) : CX_UNDEFINED);
	cx_vx__def(X, &sh, "marktime", r->mark ? cx_num((double)r->mark_ms) : CX_UNDEFINED);
	if (cx_is_exc(sh))
		cx_catch(X);
	else
		X->slots[it->shadow] = sh;
}

static void cx_vx__start_h(void *arg)
{
	cx_vx_run *r = arg;

	cx_vx__advance(r);
	cx_engine_kick(r->e);
}

/* A run of doc on dialog d with a context of its own (not started). */
static int cx_vx__new(cx_vx_run **rp, cx_engine *e, cx_dlg *d, const cx_vx_doc *doc, cx_vx_play_h *play,
		      void *arg)
{
	cx_vx_run *r;

	uint32_t nitems = 1;
	if (!doc->nforms)
		return EINVAL;
	for (uint32_t i = 0; i < doc->nforms; i++)
		if (doc->forms[i].nitems > nitems)
			nitems = doc->forms[i].nitems;
	r = mem_zalloc(sizeof(*r), cx_vx__destroy);
	if (!r)
		return ENOMEM;
	tmr_init(&r->t_in);
	tmr_init(&r->t_go);
	tmr_init(&r->t_final);
	r->e = e;
	r->d = d;
	r->doc = doc;
	r->play = play;
	r->arg = arg;
	r->item = -1;
	r->next_form = 0;
	r->form = -1;
	r->next_item = -1;
	r->cur = -1;
	r->counters = mem_zalloc(VX_MAXCOUNTERS * sizeof(*r->counters), NULL);
	r->pcounts = mem_zalloc(nitems * sizeof(*r->pcounts), NULL);
	r->X = cx_ctx_new(e->heap_limit);
	if (!r->counters || !r->pcounts || !r->X ||
	    cx_ctx_set_slots(r->X, doc->nslots < CX_SLOT_FIRST_VAR ? CX_SLOT_FIRST_VAR : doc->nslots)) {
		mem_deref(r);
		return ENOMEM;
	}
	r->X->user = r;
	r->play_end = cx_clock_ms();
	if (cx_vx__session(r)) {
		mem_deref(r);
		return ENOMEM;
	}
	*rp = r;
	return 0;
}

int cx_vx_start(cx_vx_run **rp, cx_engine *e, cx_dlg *d, const cx_vx_doc *doc, cx_vx_play_h *play, void *arg)
{
	cx_vx_run *r;
	int err = cx_vx__new(&r, e, d, doc, play, arg);

	if (err)
		return err;
	d->vx = r;
	int rc = cx_vx__call(r, doc->app_init); /* the application scope, then the document's */
	if (!r->stop)
		rc = cx_vx__call(r, doc->init);
	if (rc != CX_GO && r->stop) {
		mem_deref(r);
		return EINVAL;
	}
	/* the FIA starts on the next turn of the loop, after dialog.started is queued */
	tmr_start(&r->t_go, 0, cx_vx__start_h, r);
	*rp = r;
	return 0;
}

/* Section - Subdialogs (VoiceXML 2.0 §2.3.4) */

/* The document and form a subdialog's src names: "doc.vxml", "doc.vxml#id", "#id" (this
 * document); NULL after error.badfetch was thrown. */
static const cx_vx_doc *cx_vx__subsrc(cx_vx_run *r, const char *src, int *form)
{
	const char *hash = strchr(src, '#');
	size_t n = hash ? (size_t)(hash - src) : strlen(src);
	char path[512];
	const cx_vx_doc *doc = r->doc;

	if (n) {
		snprintf(path, sizeof(path), "%.*s", (int)(n < sizeof(path) ? n : sizeof(path) - 1), src);
		doc = n < sizeof(path) ? cx_vx_find(path) : NULL;
	}
	if (!doc) {
		cx_vx__badfetch(r, "<subdialog src>", src, "not a VoiceXML document compiled into this program");
		return NULL;
	}
	*form = 0;
	if (!hash)
		return doc;
	for (uint32_t i = 0; i < doc->nforms; i++)
		if (doc->forms[i].id && !strcmp(doc->forms[i].id, hash + 1)) {
			*form = (int)i;
			return doc;
		}
	cx_vx__badfetch(r, "<subdialog src>", src, "no form or menu of that id in the document");
	return NULL;
}

static int cx_vx__substart(cx_vx_run *r, const cx_vx_doc *doc, int form, cx_cval *params,
			   const char *src);
static int cx_vx__fetched(const char *src);
static int cx_vx__subfetch(cx_vx_run *r, const cx_vx_item *it, const char *src, cx_cval *params);

/* Item it of r is a <subdialog>: a child run of its src starts with a context of its own;
 * 0 while it runs, 1 when an event was thrown and handled instead, -1 when r stops. */
static int cx_vx__subdialog(cx_vx_run *r, const cx_vx_item *it)
{
	const cx_vx_sub_item *sb = it->sub;
	const char *src = sb->src;
	cx_cval *params = NULL;
	int form = 0, depth = 0;

	for (cx_vx_run *p = r; p->parent; p = p->parent)
		depth++;
	r->X->steps = (int64_t)cx_vx__budget(r->e);
	if (sb->srcexpr) {
		cx_value v = sb->srcexpr(r->X);
		src = cx_is_exc(v) ? NULL : cx_rt_str(r->X, v);
		if (!src) {
			cx_vx_semantic(r->X, "subdialog", it->line);
			goto thrown;
		}
	}
	const cx_vx_doc *doc = NULL;
	if (!cx_vx__fetched(src) && !(doc = cx_vx__subsrc(r, src, &form)))
		goto thrown;
	if (depth >= VX_MAXNEST) {
		cx_vx__badfetch(r, "<subdialog src>", src, "subdialogs nest 16 deep at most");
		goto thrown;
	}
	if (sb->args) {
		cx_value o = sb->args(r->X);
		if (cx_is_exc(o)) {
			cx_vx_semantic(r->X, "subdialog", it->line);
			goto thrown;
		}
		if (!(params = cx_cval_from(r->X, o, CX_RT_COPY_DEPTH))) {
			cx_vx__fail(r, "error.noresource: out of memory for a subdialog's parameters");
			return -1;
		}
	}
	if (!doc) { /* fetched: the subdialog starts once it is loaded (cx_vx__fetched_h) */
		int rc = cx_vx__subfetch(r, it, src, params);
		if (rc <= 0)
			return rc;
		goto thrown;
	}
	return cx_vx__substart(r, doc, form, params, src);
thrown:
	r->item = -1;
	cx_vx__dispatch(r);
	return 1;
}

/* The child run of a <subdialog> of r starts: doc's form, with params (taken). 0, or -1 when
 * r stops. */
static int cx_vx__substart(cx_vx_run *r, const cx_vx_doc *doc, int form, cx_cval *params,
			   const char *src)
{
	cx_vx_run *c;
	if (cx_vx__new(&c, r->e, r->d, doc, r->play, r->arg)) {
		mem_deref(params);
		cx_vx__fail(r, "error.noresource: out of memory for a subdialog");
		return -1;
	}
	cx_log_doc(r->d->sess->id, "vxml subdialog", src);
	c->parent = r;
	c->final = r->final; /* a subdialog of the final processing state's (§1.5.4) */
	c->params = params;
	c->next_form = form;
	c->play_end = r->play_end;
	memcpy(c->nb, r->nb, sizeof(c->nb));
	c->nnb = r->nnb;
	memcpy(c->buf, r->buf, sizeof(c->buf)); /* the keys typed ahead are the subdialog's */
	c->nbuf = r->nbuf;
	r->nbuf = 0;
	r->buf[0] = '\0';
	cx_vxio_inherit(c, r);
	r->child = c;
	r->d->vx = c;
	cx_vx__call(c, doc->app_init); /* a fresh application scope too */
	if (!c->stop)
		cx_vx__call(c, doc->init);
	tmr_start(&c->t_go, 0, cx_vx__start_h, c);
	return 0;
}

/* The subdialog r ran <return>: its caller's item gets the returned object (then its <filled>)
 * or the returned event is thrown there. */
static void cx_vx__return_h(void *arg)
{
	cx_vx_run *r = arg, *p = r->parent;
	cx_engine *e = r->e;
	cx_cval *vals = r->ret_values, *msg = r->ret_msg;
	char ev[VX_EVLEN], gone[VX_EVLEN];

	memcpy(ev, r->ret_event, sizeof(ev));
	memcpy(gone, r->ret_gone, sizeof(gone));
	r->ret_values = r->ret_msg = NULL;
	if (r->play_end > p->play_end)
		p->play_end = r->play_end;
	memcpy(p->nb, r->nb, sizeof(p->nb));
	p->nnb = r->nnb;
	memcpy(p->buf, r->buf, sizeof(p->buf));
	p->nbuf = r->nbuf;
	cx_vxio_inherit(p, r);
	if (r->d->vx == r)
		r->d->vx = p;
	p->child = NULL;
	mem_deref(r);
	cx_log_doc(p->d->sess->id, "vxml subdialog return", ev[0] ? ev : "values");
	cx_value v = ev[0] ? (msg ? cx_cval_to(p->X, msg) : CX_UNDEFINED) :
		vals ? cx_cval_to(p->X, vals) : cx_obj_new(p->X);
	mem_deref(vals);
	mem_deref(msg);
	if (cx_is_exc(v)) {
		cx_catch(p->X);
		cx_vx_error(p, "error.noresource: out of memory for a subdialog's result", 1);
	} else if (ev[0]) {
		cx_vx__event(p, ev, v);
		if (gone[0] && !p->stop)
			cx_vx__event(p, gone, CX_UNDEFINED); /* a hang-up after the <return> */
	} else {
		cx_vx__fill(p, v, gone[0] ? gone : NULL); /* a hang-up after the <return>: thrown next */
	}
	cx_engine_kick(e);
}

/* Section - Other documents: <goto>, <subdialog> (and <submit>) to a document compiled in or
 * fetched at run time (runtime/vxfetch.c; docs/voicexml.md "Documents fetched at run time") */

/* What a run does once the document it fetches is there. */
typedef struct cx_vx_wait {
	cx_vx_run *r;            /* weak: NULL once the run is gone */
	int sub;                 /* a <subdialog>'s: its child run starts; else a <goto>'s */
	cx_cval *params;         /* the subdialog's */
	char what[24];           /* "<goto next>" … (messages) */
	char *src;               /* as written */
	char frag[VX_EVLEN];     /* the form's id ("": the first) */
	cx_body_fn *cont;        /* a <data>'s: what follows it */
	char *url;               /* a <data>'s URL */
	/* fetchaudio (VoiceXML 2.0 §6.1.1, §6.3.5): played once the fetch has been pending
	 * audiodelay_ms (and the prompts queued before it have played), then audiomin_ms at least */
	const cx_vx_fetch *fa;   /* NULL: none */
	char *fa_src;            /* what plays: its media src or URL (cx_vx__media), or NULL */
	struct tmr t_fa;
	uint64_t fa_t0;          /* cx_clock_ms() when it started; 0: it did not */
	int held;                /* the answer waits for fetchaudiominimum (below) */
	const cx_vx_doc *hdoc;
	char *hwhy, *hbody;
	size_t hlen;
} cx_vx_wait;

static void cx_vx_wait__destroy(void *arg)
{
	cx_vx_wait *w = arg;

	tmr_cancel(&w->t_fa);
	mem_deref(w->fa_src);
	mem_deref(w->params);
	mem_deref(w->src);
	mem_deref(w->url);
	mem_deref(w->hwhy);
	mem_deref(w->hbody);
}

/* The fetch has been pending fetchaudiodelay: the fetch audio plays, after the prompts queued
 * before it. */
static void cx_vx__fa_h(void *arg)
{
	cx_vx_wait *w = arg;
	cx_vx_run *r = w->r;
	uint64_t now = cx_clock_ms(), ms;

	if (!r || r->wait != w || r->stop || w->held)
		return;
	if (r->play_end > now) {
		tmr_start(&w->t_fa, r->play_end - now, cx_vx__fa_h, w);
		return;
	}
	ms = r->play && !r->final && w->fa_src ? r->play(r->e, r->d, w->fa_src, r->arg) : 0;
	cx_log_doc(r->d->sess->id, "vxml fetchaudio", w->fa->audio);
	if (!ms)
		return;
	w->fa_t0 = now;
	r->play_end = now + ms;
}

/* A fetch of w with fetchaudio f started. */
static void cx_vx__fa_start(cx_vx_wait *w, const cx_vx_fetch *f)
{
	if (!f || !f->audio || !w->r)
		return;
	w->fa = f;
	/* a web one is fetched now, to be here when the delay is over */
	w->fa_src = w->r->final ? NULL : cx_vx__media(w->r, f->audio, f);
	tmr_start(&w->t_fa, f->audiodelay_ms, cx_vx__fa_h, w);
}

static void cx_vx__fetched_h(cx_engine *e, const cx_vx_doc *doc, const char *why, void *arg);
static void cx_vx__data_h(cx_engine *e, const char *body, size_t len, const char *why, void *arg);

/* fetchaudiominimum is over: the answer held back is handled. */
static void cx_vx__faheld_h(void *arg)
{
	cx_vx_wait *w = arg;

	w->held = 2;
	if (w->cont)
		cx_vx__data_h(w->r ? w->r->e : NULL, w->hbody, w->hlen, w->hwhy, w);
	else
		cx_vx__fetched_h(w->r ? w->r->e : NULL, w->hdoc, w->hwhy, w);
}

/* The answer of w is there: 1 when it waits (a copy kept) until the fetch audio has played
 * fetchaudiominimum; else 0, the fetch audio stopped (the provider's CX_VX_STOP_SRC). */
static int cx_vx__fa_done(cx_vx_run *r, cx_vx_wait *w, const cx_vx_doc *doc, const char *body,
			  size_t len, const char *why)
{
	uint64_t now = cx_clock_ms();

	tmr_cancel(&w->t_fa);
	if (!w->fa_t0)
		return 0;
	if (!w->held && now < w->fa_t0 + w->fa->audiomin_ms &&
	    !(why && str_dup(&w->hwhy, why)) &&
	    !(body && !(w->hbody = mem_alloc(len + 1, NULL)))) {
		if (body) {
			memcpy(w->hbody, body, len);
			w->hbody[len] = '\0';
		}
		w->hlen = len;
		w->hdoc = doc;
		w->held = 1;
		tmr_start(&w->t_fa, w->fa_t0 + w->fa->audiomin_ms - now, cx_vx__faheld_h, w);
		return 1;
	}
	w->fa_t0 = 0;
	if (r->play)
		(void)r->play(r->e, r->d, CX_VX_STOP_SRC, r->arg);
	if (r->play_end > now)
		r->play_end = now;
	cx_log_doc(r->d->sess->id, "vxml fetchaudio stopped", w->fa->audio);
	return 0;
}

static void cx_vx__unwait(cx_vx_run *r)
{
	if (!r->wait)
		return;
	r->wait->r = NULL;
	r->wait = mem_deref(r->wait);
}

/* Is src a document that is neither this one ("#id") nor one compiled in? */
static int cx_vx__fetched(const char *src)
{
	char path[512];
	size_t n = strcspn(src, "#");

	if (!n || n >= sizeof(path))
		return 0;
	memcpy(path, src, n);
	path[n] = '\0';
	return !cx_vx_find(path);
}

/* The form of doc whose id is frag ("": the first): its index, or -1. */
static int cx_vx__formof(const cx_vx_doc *doc, const char *frag)
{
	if (!*frag)
		return doc->nforms ? 0 : -1;
	for (uint32_t i = 0; i < doc->nforms; i++)
		if (doc->forms[i].id && !strcmp(doc->forms[i].id, frag))
			return (int)i;
	return -1;
}

static void cx_vx__fetched_h(cx_engine *e, const cx_vx_doc *doc, const char *why, void *arg)
{
	cx_vx_wait *w = arg;
	cx_vx_run *r = w->r;
	int form;

	if (!r || r->wait != w || cx_vx__fa_done(r, w, doc, NULL, 0, why))
		return;
	w->r = NULL;
	r->wait = NULL;   /* the run's reference: dropped at the end */
	if (r->stop) {
		mem_deref(w);
		return;
	}
	form = doc ? cx_vx__formof(doc, w->frag) : -1;
	if (!doc || form < 0) {
		cx_vx__badfetch(r, w->what, w->src, doc ? "no form or menu of that id in the document" :
				 why ? why : "cannot load it");
		r->item = -1;
		cx_vx__dispatch(r);
		cx_vx__advance(r);
	} else if (w->sub) {
		cx_cval *params = w->params;
		w->params = NULL;
		if (cx_vx__substart(r, doc, form, params, w->src))
			cx_vx__finish(r);
	} else {
		r->next_doc = doc;
		str_ncpy(r->next_frag, w->frag, sizeof(r->next_frag));
		cx_vx__advance(r);
	}
	cx_engine_kick(e);
	mem_deref(w);
}

/* Fetches src (http(s), or relative to this document's URL when it was fetched) for what;
 * 0: the run waits for it, 1: error.badfetch was thrown (not handled yet). params are taken. */
static int cx_vx__fetch(cx_vx_run *r, const char *what, const char *src, int sub, cx_cval *params,
			const cx_vx_fetch *f, const cx_vx_req *req)
{
	size_t n = strcspn(src, "#");
	char *path = NULL, *url = NULL;
	cx_vx_wait *w = mem_zalloc(sizeof(*w), cx_vx_wait__destroy);
	int err;

	if (w)
		tmr_init(&w->t_fa);
	if (!w || re_sdprintf(&path, "%b", src, n) || str_dup(&w->src, src)) {
		mem_deref(params);
		mem_deref(w);
		mem_deref(path);
		cx_vx__badfetch(r, what, src, "out of memory");
		return 1;
	}
	w->params = params;
	w->sub = sub;
	str_ncpy(w->what, what, sizeof(w->what));
	str_ncpy(w->frag, src[n] ? src + n + 1 : "", sizeof(w->frag));
	char *tmp;
	err = cx_vxf_load(r->e, cx_vx__baseurl(r, f, &tmp), path, req ? req->method : NULL,
			  req ? req->fields : NULL, req ? req->mp : NULL, req ? req->mptype : NULL, f,
			  cx_vx__fetched_h, w, &url);
	mem_deref(tmp);
	mem_deref(path);
	if (err) {
		cx_vx__badfetch(r, what, src, err == ENOENT ? "not a VoiceXML document compiled into this "
				 "program, nor an http(s) URI (a relative URI is fetched only from a document "
				 "fetched at run time)" : err == EPROTONOSUPPORT ? "only http(s) URIs are fetched" :
				 strerror(err));
		mem_deref(w);
		return 1;
	}
	cx_log_doc(r->d->sess->id, "vxml fetch", url);
	mem_deref(url);
	w->r = r;
	r->wait = w;     /* the load holds a reference of its own */
	cx_vx__fa_start(w, f);
	return 0;
}

/* <goto> to the document uri ("doc.vxml", "doc.vxml#form", a URL): entered by the FIA once it
 * is there. */
static int cx_vx__godoc(cx_vx_run *r, const char *uri, const cx_vx_fetch *f)
{
	char path[512];
	size_t n = strcspn(uri, "#");

	if (cx_vx__fetched(uri)) {
		if (cx_vx__fetch(r, "<goto next>", uri, 0, NULL, f, NULL) == 0)
			r->item = -1;
		return CX_STOP;
	}
	snprintf(path, sizeof(path), "%.*s", (int)(n < sizeof(path) ? n : sizeof(path) - 1), uri);
	r->next_doc = cx_vx_find(path);
	str_ncpy(r->next_frag, uri[n] ? uri + n + 1 : "", sizeof(r->next_frag));
	return CX_STOP;
}

int cx_vx_goto_fetch(cx_ctx *X, cx_value uri, const cx_vx_fetch *f)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *s = cx_rt_str(X, uri);

	if (!s)
		return CX_FAIL;
	if (s[0] == '#')
		return cx_vx_goto_uri(X, uri);
	return cx_vx__godoc(r, s, f);
}

/* Is d an application root? The compiler names a document without `application` as its own
 * root (its <var>s are the application scope: cx_vx_doc.app). */
static int cx_vx__isroot(const cx_vx_doc *d)
{
	return d->app && !strcmp(d->app, d->name);
}

/* The application of d: cx_vx_doc.app (its root's file; a leaf fetched at run time names its
 * root's URL), but a root fetched at run time (compiled by content, named by a file of the
 * cache) is its own URL, the one its fetched leaves name. */
static const char *cx_vx__appid(const cx_vx_run *r, const cx_vx_doc *d)
{
	const char *url = cx_vx__isroot(d) ? cx_doccomp_vxurl(r->e, d) : NULL;

	return url ? url : d->app;
}

/* Does a transition from from to to stay in one application (VoiceXML 2.0 §1.5.2)? Leaf to
 * leaf, root to leaf and leaf to root of one root (by its file name, or the whole URL of one
 * fetched at run time) do, and so does a root going to itself (its <link>s must name it:
 * docs/decisions.md); a document of another root starts a new one. */
static int cx_vx__sameapp(const cx_vx_run *r, const cx_vx_doc *from, const cx_vx_doc *to)
{
	const char *a, *b;

	if (!from || !from->app || !to->app)
		return 0;
	a = cx_vx__appid(r, from);
	b = cx_vx__appid(r, to);
	if (!strstr(a, "://") != !strstr(b, "://"))
		return 0;  /* a root compiled in is not one fetched */
	return strstr(a, "://") ? !strcmp(a, b) : !strcmp(cx_vx__base(a), cx_vx__base(b));
}

/* The run leaves its document for r->next_doc (VoiceXML 2.0 §1.5.1: a new document scope, its
 * <var>s and <script>s, then the form the URI named). */
/* The application scope of from (a heap about to go) as C values, when to is a leaf of the same
 * root; NULL otherwise (to gets a fresh one from its app_init). A function is carried when it
 * is one of the root's (no closure: from->app_fns): fk[i] is 1 + its index there; the root's
 * code, run again for the new leaf, makes it anew. Other functions are not carried (their code
 * and closures belong to the document left): logged. */
static cx_cval **cx_vx__app_keep(cx_vx_run *r, const cx_vx_doc *from, const cx_vx_doc *to, cx_ctx *X,
				 uint32_t **fkp)
{
	cx_cval **v;
	uint32_t *fk;

	*fkp = NULL;
	if (!cx_vx__sameapp(r, from, to) || !to->napp || from->napp != to->napp)
		return NULL;
	v = calloc(to->napp, sizeof(*v));
	fk = calloc(to->napp, sizeof(*fk));
	if (!v || !fk) {
		free(v);
		free(fk);
		return NULL;
	}
	for (uint32_t i = 0; i < to->napp; i++) {
		cx_value x = X->slots[CX_SLOT_FIRST_VAR + i];
		cx_cfunc *code = cx_is_obj(x) ? cx_func_code(x) : NULL;
		if (!code) {
			v[i] = cx_cval_from(X, x, 32);
			continue;
		}
		for (uint32_t k = 0; !cx_func_env(x) && k < from->napp_fns && !fk[i]; k++)
			if (from->app_fns[k] == code && k < to->napp_fns)
				fk[i] = k + 1;
		if (!fk[i])
			cx_log_doc(r->d->sess->id, "vxml application function not carried",
				   from->slot_names[CX_SLOT_FIRST_VAR + i]);
	}
	*fkp = fk;
	return v;
}

/* After to's app_init: the carried values (v: NULL when none), and for a root function the
 * object of that code the root's code made now (one of the application variables; undefined
 * if none holds it); then the application object's properties (obj: NULL when none). */
static void cx_vx__app_restore(cx_vx_run *r, cx_cval **v, const uint32_t *fk, const cx_cval *obj)
{
	const cx_vx_doc *to = r->doc;
	cx_value *app = r->X->slots + CX_SLOT_FIRST_VAR;
	uint32_t n = v ? to->napp : 0;

	for (uint32_t i = 0; obj && i < obj->nkids; i++) {
		cx_value x = cx_cval_to(r->X, obj->kids[i]);
		if (cx_is_exc(x) || cx_define_cstr(r->X, r->X->slots[CX_SLOT_APPLICATION], obj->keys[i], x, 0))
			cx_catch(r->X);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (fk[i]) {
			cx_cfunc *code = to->app_fns[fk[i] - 1];
			uint32_t j = 0;
			while (j < n && !(cx_is_obj(app[j]) && cx_func_code(app[j]) == code))
				j++;
			app[i] = j < n ? app[j] : CX_UNDEFINED;
			continue;
		}
		if (!v[i])
			continue;
		cx_value x = cx_cval_to(r->X, v[i]);
		if (cx_is_exc(x))
			cx_catch(r->X);
		else
			app[i] = x;
	}
}

static void cx_vx__app_free(cx_cval **v, uint32_t *fk, uint32_t n)
{
	for (uint32_t i = 0; v && i < n; i++)
		mem_deref(v[i]);
	free(v);
	free(fk);
}

static void cx_vx__enterdoc(cx_vx_run *r)
{
	const cx_vx_doc *doc = r->next_doc;
	int form = cx_vx__formof(doc, r->next_frag);
	uint32_t nitems = 1;
	cx_ctx *X, *old = r->X;
	uint32_t *pc;

	r->next_doc = NULL;
	if (form < 0) {
		cx_vx__badfetch(r, "<goto next>", r->next_frag, "no form or menu of that id in the document");
		cx_vx__dispatch(r);
		return;
	}
	for (uint32_t i = 0; i < doc->nforms; i++)
		if (doc->forms[i].nitems > nitems)
			nitems = doc->forms[i].nitems;
	pc = mem_zalloc(nitems * sizeof(*pc), NULL);
	X = cx_ctx_new(r->e->heap_limit);
	if (!pc || !X || cx_ctx_set_slots(X, doc->nslots < CX_SLOT_FIRST_VAR ? CX_SLOT_FIRST_VAR : doc->nslots)) {
		mem_deref(pc);
		if (X)
			cx_ctx_free(X);
		cx_vx__fail(r, "error.noresource: out of memory for another document");
		return;
	}
	X->user = r;
	/* a leaf of the same application root keeps the application scope (VoiceXML 2.0 §1.5.2):
	 * its data values are carried over the new document's heap */
	uint32_t *fk;
	cx_cval **keep = cx_vx__app_keep(r, r->doc, doc, old, &fk), *appobj = NULL;
	if (cx_vx__sameapp(r, r->doc, doc) && old->slots[CX_SLOT_APPLICATION].tag == CX_T_OBJ) {
		/* the application object's properties go with the application scope:
		 * lastresult$, and those a script set (application.x of no root variable) */
		appobj = cx_cval_from(old, old->slots[CX_SLOT_APPLICATION], 33);
		if (appobj && appobj->tag != CX_T_OBJ)
			appobj = mem_deref(appobj);
	}
	r->X = X;
	r->doc = doc;
	mem_deref(r->pcounts);
	r->pcounts = pc;
	r->form = r->item = r->cur = r->next_item = -1;
	r->ncounters = 0;
	r->noprompt = r->reprompt = 0;
	cx_ctx_free(old);
	if (cx_vx__session(r)) {
		cx_vx__app_free(keep, fk, doc->napp);
		mem_deref(appobj);
		cx_vx__fail(r, "error.noresource: out of memory for another document");
		return;
	}
	cx_log_doc(r->d->sess->id, "vxml document", doc->name);
	r->next_form = form;
	/* the root's code runs again (its functions are made in this heap), then the values the
	 * application scope had replace what it made: a leaf's before its own <var>s run (they may
	 * read them), the root's after its <var>s, which are that code */
	int root = cx_vx__isroot(doc), rc = cx_vx__call(r, doc->app_init);
	if (rc == CX_GO && !r->stop && !root)
		cx_vx__app_restore(r, keep, fk, appobj);
	if (!r->stop)
		rc = cx_vx__call(r, doc->init);
	if (rc == CX_GO && !r->stop && root)
		cx_vx__app_restore(r, keep, fk, appobj);
	cx_vx__app_free(keep, fk, doc->napp);
	mem_deref(appobj);
}

/* <submit> (VoiceXML 2.0 §5.3.8): the namelist goes to uri (as <goto> to a document compiled
 * in, where nothing is sent); the answer is the document entered next. */
/* The request of a <submit>, a fetched <subdialog> or a <data> (req->fields taken, req->mp
 * made for a multipart one); 0, or error.badfetch was thrown. */
static int cx_vx__req(cx_vx_run *r, const char *what, const char *s, cx_vx_req *req, cx_cval *fields,
		      const char *const *names, const unsigned char *rec, int n, int post, int multipart,
		      char *ctype, size_t csz)
{
	char why[300];
	struct mbuf *mp = NULL;

	if (multipart && cx_vxf_multipart(r->e, fields, names, rec, n, &mp, ctype, csz, why, sizeof(why))) {
		mem_deref(fields);
		cx_vx__badfetch(r, what, s, why);
		return 1;
	}
	req->method = post ? "post" : "get";
	req->fields = fields;
	req->mp = mp;
	req->mptype = multipart ? ctype : NULL;
	return 0;
}

static void cx_vx__reqfree(cx_vx_req *req)
{
	mem_deref((void *)req->fields);
	mem_deref((void *)req->mp);
}

int cx_vx_submit(cx_ctx *X, cx_value uri, int n, const char *const *names, const cx_value *vals,
		 const unsigned char *rec, int post, int multipart, const cx_vx_fetch *f)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *s = cx_rt_str(X, uri);
	char ctype[80];
	cx_vx_req req;
	cx_cval *fields;

	if (!s)
		return CX_FAIL;
	if (!s[0] || s[0] == '#' || !cx_vx__fetched(s)) {
		if (s[0] == '#' || !s[0]) {
			cx_vx__badfetch(r, "<submit>", s, "not the URI of a document");
			return CX_STOP;
		}
		return cx_vx__godoc(r, s, f);
	}
	if (!(fields = cx_vx__namelist(X, n, names, vals)))
		return CX_FAIL;
	if (cx_vx__req(r, "<submit>", s, &req, fields, names, rec, n, post, multipart, ctype, sizeof(ctype)))
		return CX_STOP;
	if (cx_vx__fetch(r, "<submit>", s, 0, NULL, f, &req) == 0)
		r->item = -1;
	cx_vx__reqfree(&req);
	return CX_STOP;
}

/* A <subdialog> of a document fetched at run time: asked for with its namelist (method,
 * enctype and fetch attributes); params taken. 0 while it is fetched, 1 when error.badfetch
 * was thrown, -1 when r stops. */
static int cx_vx__subfetch(cx_vx_run *r, const cx_vx_item *it, const char *src, cx_cval *params)
{
	const cx_vx_sub_item *sb = it->sub;
	char ctype[80];
	cx_vx_req req;
	cx_cval *fields = NULL;
	int rc;

	if (sb->namelist) {
		cx_value o = sb->namelist(r->X);
		if (cx_is_exc(o)) {
			mem_deref(params);
			cx_vx_semantic(r->X, "subdialog", it->line);
			return 1;
		}
		if (!(fields = cx_cval_from(r->X, o, CX_RT_COPY_DEPTH))) {
			mem_deref(params);
			cx_vx__fail(r, "error.noresource: out of memory for a subdialog's namelist");
			return -1;
		}
	}
	if (cx_vx__req(r, "<subdialog src>", src, &req, fields, sb->names, sb->rec, sb->nnames, sb->post,
		       sb->multipart, ctype, sizeof(ctype))) {
		mem_deref(params);
		return 1;
	}
	rc = cx_vx__fetch(r, "<subdialog src>", src, 1, params, sb->fetch, &req);
	cx_vx__reqfree(&req);
	return rc;
}

/* Section - <data> (VoiceXML 2.1 §6.1; the document's objects: vxdata.c) */

static void cx_vx__data_h(cx_engine *e, const char *body, size_t len, const char *why, void *arg)
{
	cx_vx_wait *w = arg;
	cx_vx_run *r = w->r;
	char m[800];
	cx_value v;

	if (!r || r->wait != w || cx_vx__fa_done(r, w, NULL, body, len, why))
		return;
	w->r = NULL;
	r->wait = NULL;   /* the run's reference: dropped at the end */
	if (!r->stop) {
		if (!body || cx_vxd_parse(r->X, w->url, body, len, &v, m, sizeof(m))) {
			cx_vx__badfetch(r, "<data>", w->src, body ? m : why ? why : "cannot fetch it");
			cx_vx__dispatch(r);
		} else if (cx_root_add(r->X, &r->data_value, 1)) {
			cx_vx__badfetch(r, "<data>", w->src, "out of memory");
			cx_vx__dispatch(r);
		} else {
			/* rooted while the continuation runs: its script may collect before (or
			 * without) storing the document anywhere else */
			cx_ctx *X = r->X;
			cx_log_doc(r->d->sess->id, "vxml data loaded", w->url);
			r->data_value = v;
			cx_vx__call(r, w->cont);
			r->data_value = CX_UNDEFINED;
			if (r->X == X) /* else X was freed with its roots */
				cx_root_remove(X, &r->data_value);
			if (!r->wait && r->form >= 0) /* a form's <data>: its <var>s have run */
				cx_vx__params(r);
		}
		cx_vx__advance(r);
		cx_engine_kick(e);
	}
	mem_deref(w);
}

int cx_vx_data(cx_ctx *X, cx_value uri, int n, const char *const *names, const cx_value *vals,
	       const unsigned char *rec, int post, int multipart, const cx_vx_fetch *f,
	       cx_body_fn *cont)
{
	cx_vx_run *r = cx_vx__of(X);
	const char *s = cx_rt_str(X, uri);
	cx_cval *fields = NULL;
	char ctype[80];
	cx_vx_req req;
	cx_vx_wait *w;
	int err;

	if (!s || (n && !(fields = cx_vx__namelist(X, n, names, vals))))
		return CX_FAIL;
	if (cx_vx__req(r, "<data>", s, &req, fields, names, rec, n, post, multipart, ctype, sizeof(ctype)))
		return CX_STOP;
	w = mem_zalloc(sizeof(*w), cx_vx_wait__destroy);
	if (w)
		tmr_init(&w->t_fa);
	if (!w || str_dup(&w->src, s)) {
		cx_vx__reqfree(&req);
		mem_deref(w);
		cx_vx__badfetch(r, "<data>", s, "out of memory");
		return CX_STOP;
	}
	w->cont = cont;
	char *tmp;
	err = cx_vxf_data(r->e, cx_vx__baseurl(r, f, &tmp), s, post, fields, req.mp, req.mptype, f,
			  cx_vx__data_h, w, &w->url);
	mem_deref(tmp);
	cx_vx__reqfree(&req);
	if (err) {
		cx_vx__badfetch(r, "<data>", s, err == ENOENT ? "not an http(s) URI (a relative URI is "
				 "fetched only from a document fetched at run time)" : err == EPROTONOSUPPORT ?
				 "only http(s) URIs are fetched" : strerror(err));
		mem_deref(w);
		return CX_STOP;
	}
	cx_log_doc(r->d->sess->id, "vxml data", w->url);
	w->r = r;
	r->wait = w;     /* the fetch holds a reference of its own */
	cx_vx__fa_start(w, f);
	return CX_STOP;
}

cx_value cx_vx_data_value(cx_ctx *X)
{
	return cx_vx__of(X)->data_value;
}

/* Section - <foreach> (VoiceXML 2.1 §6) */

cx_value cx_vx_foreach(cx_ctx *X, cx_value arr)
{
	if (arr.tag != CX_T_OBJ || CX_OBJ_HEAD(arr.u.o)->cls != CX_OBJ_ARRAY)
		return cx_throw_error(X, "TypeError", "<foreach array> is not an Array");
	/* the length when the loop starts: elements the loop's content adds are not visited, and
	 * those it removes are read as undefined (docs/decisions.md) */
	return cx_num(CX_OBJ_HEAD(arr.u.o)->length);
}

cx_value cx_vx_foreach_item(cx_ctx *X, cx_value arr, uint32_t i)
{
	if (--X->steps < 0 && cx_tick(X))
		return CX_EXCEPTION;
	return cx_get_num(X, arr, i);
}
