/*
 * vxio.c — a VoiceXML dialog's side-trips out of the Form Interpretation Algorithm (vxml.c):
 * <record> (the caller's audio to a WAV file under --record-dir, record.c) and <transfer>
 * (handed to the CCXML document as dialog.transfer, CCXML 1.0 Appendix D). The FIA hands over
 * an item that is not a field (cx_vxio_item) and gets its value back by cx_vx_item_done; events
 * the CCXML document sends to the dialog (<send targettype="'dialog'">) come in by cx_vx_event.
 *
 * <transfer>: after its prompts, dialog.transfer goes to the CCXML session (type, uri,
 * connecttimeout, maxtime in ms, aai; dest and aai evaluated when the FIA reached it) and its
 * transferaudio plays until the far end answers (its connection.connected, cx_vxio_answered, or
 * the document's join, cx_vxio_joined); the dialog's own watches, 500 ms behind the document's,
 * ask for the end with dialog.terminatetransfer (noanswer past connecttimeout,
 * maxtime_disconnect past maxtime from the answer);
 * the dialog waits for dialog.transfer.complete, whose `results` field (near_end_disconnect,
 * far_end_disconnect, busy, noanswer, network_busy, ...) becomes the item's value and
 * `duration` (ms, as CCXML's times, default 0) name$.duration in seconds (VoiceXML 2.0 §2.3.7:
 * a transfer's duration is in seconds, a recording's in ms). Keys its DTMF grammar takes
 * (vxml.c) send dialog.terminatetransfer and make the outcome near_end_disconnect
 * (cx_vxio_hotword). A document that never answers dialog.terminatetransfer (it has no handler
 * for it, or its handler sends no dialog.transfer.complete) would leave the dialog and its caller
 * waiting for ever: VXIO_COMPLETE_MS after it the dialog takes the reason it sent as the outcome,
 * warns, and goes on (cx_vxio__unanswered_h). connection.disconnect.transfer, sent by the document or thrown at
 * connection.redirected (cx_vxio_redirected), leaves the item 'unknown'. The caller hanging up
 * (at any moment of a dialog: cx_vxio_hangup) while the transfer is in CCXML's hands throws connection.disconnect.hangup (
 * VoiceXML 2.0 §2.3.7.2.2), the item unfilled: the dialog's handler runs in the final
 * processing state and what it returns reaches CCXML's dialog.exit.
 *
 * <record>: the recording starts when the item's prompts have played; it ends at maxtime, after
 * finalsilence of quiet once speech was heard, at a key when dtmfterm is true (the key is the
 * termchar), or when the caller hangs up (cx_vxio_hangup: the value is set, <filled> does not
 * run, connection.disconnect.hangup is thrown, §2.3.6). The item variable is then the recording's file name
 * (relative to --record-dir) and name$ holds duration (ms), size (bytes), termchar, maxtime.
 * With modal="false" vxml.c matches the keys against the grammars in scope first: one that
 * takes them ends the recording by cx_vxio_stop (the file kept, the item not filled).
 * Over SIP the provider's feeder writes the call's audio (cx_vxio_provider gives its slot); the
 * simulator has no audio: its recording is silence of the time it lasted, written for real.
 */
#include <string.h>
#include <stdio.h>
#include "rt.h"
#include "prov.h"

/* VXIO_GRACE_MS: a <transfer>'s own watches (connecttimeout, maxtime) fire this long after the
 * CCXML document's (a createcall timeout, a timer) would have, so that a document that watches
 * gives its own outcome and never meets dialog.terminatetransfer about a leg that is gone */
/* VXIO_COMPLETE_MS: how long the dialog waits for dialog.transfer.complete after its own
 * dialog.terminatetransfer. A document that handles it ends the far end's leg and answers within
 * milliseconds (its <disconnect> is connection.disconnected at once, on every provider); one that
 * has no handler never answers, and its caller would wait until he hangs up */
enum { VXIO_MAXTIME_MS = 60000, VXIO_GRACE_MS = 500, VXIO_COMPLETE_MS = 5000 };

struct cx_vxio {
	cx_vx_run *r;                 /* weak: the run owns us */
	cx_vx_recslot_h *sloth;
	void *slotarg;
	const cx_vx_item *it;         /* the <record> or <transfer> waiting, or NULL */
	cx_rec *rec;
	uint64_t t0;                  /* when the recording begins: the prompts' end (cx_clock_ms) */
	struct tmr t;
	char reason[16];
	char termchar;
	unsigned nrec;                /* recordings made by this dialog */
	char file[64];
	int xsent;                    /* the <transfer> waiting went to CCXML (dialog.transfer) */
	int xaudio;                   /* its transferaudio plays */
	int xanswered;                /* its far end answered (cx_vxio_joined, cx_vxio_answered) */
	uint64_t xans, xend;          /* when it answered, when the dialog ended it (cx_clock_ms) */
	char *xuri, *xaai;            /* its destination and aai, evaluated when the FIA reached it */
	char *hot;                    /* the keys its grammar took (cx_vxio_hotword), or NULL */
	const char *ended;            /* the dialog ended it (dialog.terminatetransfer's reason:
				       * the keys, connecttimeout, maxtime), or NULL */
};

static void cx_vxio__destroy(void *arg)
{
	cx_vxio *io = arg;

	tmr_cancel(&io->t);
	mem_deref(io->hot);
	mem_deref(io->xuri);
	mem_deref(io->xaai);
	if (io->rec && !io->sloth) { /* the simulated caller hung up: the silence so far is kept */
		uint64_t now = cx_clock_ms();
		cx_rec_silence(io->rec, (uint32_t)(now > io->t0 ? now - io->t0 : 0) * 8);
		tmr_cancel(&io->t); /* a maxtime reached just now started it */
	}
	mem_deref(io->rec);
}

static cx_vxio *cx_vxio__of(cx_vx_run *r)
{
	cx_vxio **p = cx_vx_io(r, NULL, NULL, NULL, NULL);

	if (!*p) {
		*p = mem_zalloc(sizeof(**p), cx_vxio__destroy);
		if (!*p)
			return NULL;
		(*p)->r = r;
		tmr_init(&(*p)->t);
	}
	return *p;
}

void cx_vxio_provider(cx_vx_run *r, cx_vx_recslot_h *slot, void *arg)
{
	cx_vxio *io = cx_vxio__of(r);

	if (io) {
		io->sloth = slot;
		io->slotarg = arg;
	}
}

void cx_vxio_inherit(cx_vx_run *to, cx_vx_run *from)
{
	cx_vxio *src = *cx_vx_io(from, NULL, NULL, NULL, NULL), *dst;

	if (!src || !(dst = cx_vxio__of(to)))
		return;
	dst->sloth = src->sloth;
	dst->slotarg = src->slotarg;
	dst->nrec = src->nrec; /* one dialog: its recordings' names go on counting */
}

/* Section - <record> */

/* The recording of io->it is over and closed after ms: name$ (duration, size, termchar,
 * maxtime, file) and *file, the item's value. 0, or -1 when out of memory (the dialog ends). */
static int cx_vxio__rec_vars(cx_vxio *io, uint32_t ms, cx_value *file)
{
	cx_ctx *X;
	cx_vx_io(io->r, NULL, NULL, &X, NULL);
	uint32_t bytes = 44 + 16 * ms;
	char tc[2] = {io->termchar, '\0'};
	cx_value sh = cx_obj_new(X);
	*file = cx_str_utf8(X, io->file, strlen(io->file));
	if (cx_is_exc(sh) || cx_is_exc(*file) ||
	    cx_define_cstr(X, sh, "duration", cx_num(ms), 0) ||
	    cx_define_cstr(X, sh, "size", cx_num(bytes), 0) ||
	    cx_define_cstr(X, sh, "termchar", io->termchar ? cx_str_utf8(X, tc, 1) : CX_NULLV, 0) ||
	    cx_define_cstr(X, sh, "maxtime", strcmp(io->reason, "maxtime") ? CX_FALSE : CX_TRUE, 0) ||
	    cx_define_cstr(X, sh, "file", *file, 0)) {
		cx_catch(X);
		cx_vx_error(io->r, "error.noresource: out of memory for the recording's variables", 1);
		return -1;
	}
	X->slots[io->it->rec->shadow] = sh;
	return 0;
}

/* The recording is over (a timer: never inside the feeder): the item's variable and name$. */
static void cx_vxio__rec_done_h(void *arg)
{
	cx_vxio *io = arg;
	cx_vx_run *r = io->r;
	cx_value file;
	cx_engine *e;
	cx_dlg *d;
	cx_vx_io(r, &e, &d, NULL, NULL);

	if (!io->it)
		return;
	uint32_t ms = cx_rec_ms(io->rec);
	io->rec = mem_deref(io->rec);
	if (!strcmp(io->reason, "error")) {
		io->it = NULL;
		cx_vx_error(r, "error.badfetch: the recording could not be written", 1);
		return;
	}
	int err = cx_vxio__rec_vars(io, ms, &file);
	io->it = NULL;
	if (err)
		return;
	cx_log_doc(d->sess->id, "vxml record", io->file);
	cx_vx_item_done(r, file);
	cx_engine_kick(e);
}

static void cx_vxio__rec_end(const char *reason, void *arg)
{
	cx_vxio *io = arg;

	str_ncpy(io->reason, reason, sizeof(io->reason));
	tmr_start(&io->t, 0, cx_vxio__rec_done_h, io);
}

/* The simulator: the recording is silence of the time it lasted. */
static void cx_vxio__sim_end(cx_vxio *io, const char *reason)
{
	uint64_t now = cx_clock_event_ms(); /* a simulated key: when it was pressed */
	uint32_t ms = (uint32_t)(now > io->t0 ? now - io->t0 : 0);
	const cx_vx_rec_item *ri = io->it->rec;
	uint32_t max = ri->maxtime_ms ? ri->maxtime_ms : VXIO_MAXTIME_MS;

	tmr_cancel(&io->t);
	if (ms > max)
		ms = max;
	cx_rec_silence(io->rec, ms * 8); /* may end it by maxtime itself */
	if (io->it && !io->reason[0]) {
		str_ncpy(io->reason, reason, sizeof(io->reason));
		tmr_start(&io->t, 0, cx_vxio__rec_done_h, io);
	}
}

static void cx_vxio__sim_max_h(void *arg)
{
	cx_vxio__sim_end(arg, "maxtime");
}

/* The prompts have played: the recording starts. */
static void cx_vxio__rec_begin_h(void *arg)
{
	cx_vxio *io = arg;
	cx_engine *e;
	cx_dlg *d;
	if (!io->it) /* it gave up while its prompts were still fetched (cx_vx_after_prompts) */
		return;
	if (!io->t0)
		cx_vx_io(io->r, NULL, NULL, NULL, &io->t0);
	cx_vx_io(io->r, &e, &d, NULL, NULL);
	const cx_vx_rec_item *ri = io->it->rec;
	uint32_t max = ri->maxtime_ms ? ri->maxtime_ms : VXIO_MAXTIME_MS;
	cx_rec **slot = io->sloth ? io->sloth(d, io->slotarg) : NULL;
	const char *why = NULL;
	char msg[160];

	if (io->sloth && (!slot || *slot)) {
		snprintf(msg, sizeof(msg), "error.noresource: <record> at line %d: %s", io->it->line,
			 slot ? "the call is being recorded already" : "the call has no audio");
		cx_vx_error(io->r, msg, 1);
		return;
	}
	if (re_snprintf(io->file, sizeof(io->file), "%s-%s-%u.wav", d->sess->id, d->id, ++io->nrec) < 0) {
		cx_vx_error(io->r, "error.noresource: <record>: no file name", 1);
		return;
	}
	for (char *p = io->file; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *p))
			*p = '_';
	io->reason[0] = '\0';
	io->termchar = '\0';
	int err = cx_rec_open(&io->rec, e->record_dir, io->file, max, io->sloth ? ri->finalsilence_ms : 0,
			      slot, cx_vxio__rec_end, io, &why);
	if (err) {
		snprintf(msg, sizeof(msg), "error.noresource: <record> at line %d: %s", io->it->line,
			 why ? why : strerror(err));
		cx_vx_error(io->r, msg, 1);
		return;
	}
	if (!io->sloth)
		tmr_start(&io->t, max, cx_vxio__sim_max_h, io);
}

/* Section - <transfer> */

static const char *const cx_vxio__types[] = {"blind", "bridge", "consultation"};

static void cx_vxio__unanswered_h(void *arg);

/* The dialog ends the transfer in CCXML's hands (CCXML 1.0 Appendix D): dialog.terminatetransfer
 * with reason, and with the keys its grammar took (hot, or NULL) as inputmode and utterance. The
 * CCXML document ends the far end's leg and answers with dialog.transfer.complete, as for any
 * other outcome; the item's value is then reason, whatever results says (§2.3.7). */
static void cx_vxio__terminate(cx_vxio *io, const char *reason, const char *hot, size_t n)
{
	cx_engine *e;
	cx_dlg *d;
	cx_vx_io(io->r, &e, &d, NULL, NULL);

	tmr_cancel(&io->t);
	io->ended = reason;
	io->xend = cx_clock_ms();
	if (hot) {
		io->hot = mem_zalloc(n + 1, NULL);
		if (io->hot)
			memcpy(io->hot, hot, n);
	}
	cx_ev *ev = !hot || io->hot ? cx_ev_new(d->sess, "dialog.terminatetransfer") : NULL;
	if (!ev) {
		cx_vx_error(io->r, "error.noresource: out of memory", 1);
		return;
	}
	mem_deref(ev->source);
	str_dup(&ev->source, d->id);
	ev->sourcetype = "dialog";
	cx_ev_dlg(ev, d, d->state, 0);
	cx_ev_str(ev, "reason", reason);
	if (io->hot) {
		cx_ev_str(ev, "inputmode", "dtmf");
		cx_ev_str(ev, "utterance", io->hot);
	}
	cx_sess_post(d->sess, ev);
	tmr_start(&io->t, VXIO_COMPLETE_MS, cx_vxio__unanswered_h, io);
	cx_engine_kick(e);
}

/* One of the dialog's own transfer watches fired: logged as why, the transfer ended with reason */
static void cx_vxio__watch_fired(cx_vxio *io, const char *why, const char *reason)
{
	cx_dlg *d;
	cx_vx_io(io->r, NULL, &d, NULL, NULL);

	cx_log_doc(d->sess->id, "vxml transfer", why);
	cx_vxio__terminate(io, reason, NULL, 0);
}

static void cx_vxio__noanswer_h(void *arg)
{
	cx_vxio__watch_fired(arg, "no answer within connecttimeout: noanswer", "noanswer");
}

static void cx_vxio__maxtime_h(void *arg)
{
	cx_vxio__watch_fired(arg, "maxtime reached: maxtime_disconnect", "maxtime_disconnect");
}

/* The prompts have played: dialog.transfer to the CCXML document. */
static void cx_vxio__xfer_h(void *arg)
{
	cx_vxio *io = arg;
	cx_engine *e;
	cx_dlg *d;
	if (!io->it) /* it gave up while its prompts were still fetched (cx_vx_after_prompts) */
		return;
	cx_vx_io(io->r, &e, &d, NULL, NULL);
	const cx_vx_xfer_item *xi = io->it->xfer;
	char *uri = io->xuri, *aai = io->xaai; /* evaluated by cx_vxio_item */

	io->xuri = io->xaai = NULL;
	cx_ev *ev = cx_ev_new(d->sess, "dialog.transfer");
	if (!ev) {
		cx_vx_error(io->r, "error.noresource: out of memory", 1);
		goto out;
	}
	mem_deref(ev->source);
	str_dup(&ev->source, d->id);
	ev->sourcetype = "dialog";
	cx_ev_dlg(ev, d, d->state, 0);
	cx_ev_str(ev, "type", cx_vxio__types[xi->type]);
	cx_ev_str(ev, "uri", uri);
	cx_ev_num(ev, "connecttimeout", xi->connecttimeout_ms ? xi->connecttimeout_ms : 30000);
	if (xi->maxtime_ms)
		cx_ev_num(ev, "maxtime", xi->maxtime_ms);
	cx_ev_str(ev, "aai", aai);
	cx_sess_post(d->sess, ev);
	io->xsent = 1;
	io->xanswered = 0;
	io->ended = NULL;
	io->hot = mem_deref(io->hot);
	/* the dialog's own watch (VoiceXML 2.0 §2.3.7.2): no answer within connecttimeout is
	 * noanswer, whether the CCXML document watches it or not; a blind transfer's is the
	 * REFER's */
	if (xi->type != CX_VX_BLIND)
		tmr_start(&io->t, (xi->connecttimeout_ms ? xi->connecttimeout_ms : 30000) + VXIO_GRACE_MS,
			  cx_vxio__noanswer_h, io);
	cx_vx_transfer_begins(io->r);
	cx_log_doc(d->sess->id, "vxml transfer", uri);
	/* §2.3.7: played while the far end is called, until it answers (cx_vxio_joined) or the
	 * transfer ends; not again when it is over */
	if (xi->audio && cx_vx_audio(io->r, xi->audio)) {
		io->xaudio = 1;
		cx_log_doc(d->sess->id, "vxml transferaudio", xi->audio);
	}
	cx_engine_kick(e);
out:
	mem_deref(uri);
	mem_deref(aai);
}

/* The transferaudio of the transfer waiting stops (why: logged). */
static void cx_vxio__xaudio_stop(cx_vxio *io, const char *why)
{
	cx_dlg *d;
	cx_vx_io(io->r, NULL, &d, NULL, NULL);

	if (!io->xaudio)
		return;
	io->xaudio = 0;
	cx_vx_audio(io->r, NULL);
	cx_log_doc(d->sess->id, "vxml transferaudio stopped", why);
}

/* The <transfer> waiting on connection connid of session s, with its dialog's run in *rp (a
 * connection has one dialog), or NULL. */
static cx_vxio *cx_vxio__xfer_on(cx_sess *s, const char *connid, cx_vx_run **rp)
{
	struct le *le;

	LIST_FOREACH(&s->dlgs, le) {
		cx_dlg *d = le->data;
		cx_vxio *io = d->vx && !d->exited && !strcmp(d->connid, connid) ?
			*cx_vx_io(d->vx, NULL, NULL, NULL, NULL) : NULL;
		if (io && io->it && io->it->xfer) {
			*rp = d->vx;
			return io;
		}
	}
	return NULL;
}

/* The far end of the transfer in CCXML's hands answered (why: logged): its transferaudio stops
 * (VoiceXML 2.1 §2.4.3), the connecttimeout watch gives way to the maxtime one (a bridge's). */
static void cx_vxio__answered(cx_vxio *io, const char *why)
{
	const cx_vx_xfer_item *xi = io->it->xfer;

	cx_vxio__xaudio_stop(io, why);
	if (!io->xsent || io->xanswered || io->ended)
		return;
	io->xanswered = 1;
	io->xans = cx_clock_ms();
	tmr_cancel(&io->t);
	if (xi->type == CX_VX_BRIDGE && xi->maxtime_ms)
		tmr_start(&io->t, xi->maxtime_ms + VXIO_GRACE_MS, cx_vxio__maxtime_h, io);
}

void cx_vxio_joined(cx_sess *s, const char *connid)
{
	cx_vx_run *r;
	cx_vxio *io = cx_vxio__xfer_on(s, connid, &r);

	if (io)
		cx_vxio__answered(io, "the far end answered (joined)");
}

void cx_vxio_answered(cx_sess *s, const char *connid)
{
	cx_vxio *only = NULL;
	struct le *le;

	LIST_FOREACH(&s->dlgs, le) {
		cx_dlg *d = le->data;
		cx_vxio *io = d->vx && !d->exited && strcmp(d->connid, connid) ?
			*cx_vx_io(d->vx, NULL, NULL, NULL, NULL) : NULL;
		if (!io || !io->it || !io->it->xfer || !io->xsent || io->xanswered)
			continue;
		if (only)
			return; /* two transfers wait for an answer: whose it is only a <join> tells */
		only = io;
	}
	if (only)
		cx_vxio__answered(only, "the far end answered (connection.connected)");
}

void cx_vxio_redirected(cx_sess *s, const char *connid)
{
	cx_vx_run *r;
	cx_vxio *io = cx_vxio__xfer_on(s, connid, &r);

	if (io && io->xsent)
		cx_vx_event(r, "connection.disconnect.transfer", NULL);
}

void cx_vxio_hangup(cx_sess *s, const char *connid)
{
	struct le *le;

	LIST_FOREACH(&s->dlgs, le) {
		cx_dlg *d = le->data;
		cx_vx_run *r = d->vx; /* the innermost run: a subdialog gets the event first */
		if (!r || d->exited || strcmp(d->connid, connid) || cx_vx_final(r))
			continue; /* gone already (a blind transfer): its final processing goes on */
		cx_vxio *io = *cx_vx_io(r, NULL, NULL, NULL, NULL);
		cx_log_doc(s->id, io && io->it && io->it->xfer && io->xsent ? "vxml transfer" : "vxml",
			   "the caller hung up: connection.disconnect.hangup");
		cx_vx_event(r, "connection.disconnect.hangup", NULL);
	}
}

/* The transfer in CCXML's hands is over: its watches and transferaudio stop. */
static void cx_vxio__xfer_over(cx_vxio *io)
{
	tmr_cancel(&io->t);
	io->hot = mem_deref(io->hot);
	io->ended = NULL;
	io->xsent = 0;
	io->xanswered = 0;
	cx_vxio__xaudio_stop(io, "the transfer is over");
}

/* The outcome of the <transfer> waiting: name$ (duration given in ms, kept in seconds as
 * VoiceXML 2.0 §2.3.7 has it) and the item's value v; 0, or -1 when out of memory (the dialog
 * ends with error.noresource). */
static int cx_vxio__xfer_shadow(cx_vxio *io, const char *res, double dur_ms, cx_value *v)
{
	cx_ctx *X;
	cx_vx_io(io->r, NULL, NULL, &X, NULL);
	cx_value sh = cx_obj_new(X);
	cx_value utt = io->hot ? cx_str_utf8(X, io->hot, strlen(io->hot)) : CX_UNDEFINED;

	if (io->ended) /* the dialog ended it, whatever CCXML saw (VoiceXML 2.0 §2.3.7) */
		res = io->ended;
	*v = cx_str_utf8(X, res, strlen(res));
	if (cx_is_exc(*v) || cx_is_exc(sh) || cx_is_exc(utt) ||
	    cx_define_cstr(X, sh, "duration", cx_num(dur_ms / 1000), 0) ||
	    cx_define_cstr(X, sh, "inputmode", io->hot ? cx_str_utf8(X, "dtmf", 4) : CX_UNDEFINED, 0) ||
	    cx_define_cstr(X, sh, "utterance", utt, 0)) {
		cx_catch(X);
		cx_vx_error(io->r, "error.noresource: out of memory", 1);
		return -1;
	}
	X->slots[io->it->xfer->shadow] = sh;
	cx_vxio__xfer_over(io);
	return 0;
}

int cx_vxio_xfer_listening(cx_vx_run *r)
{
	cx_vxio *io = *cx_vx_io(r, NULL, NULL, NULL, NULL);

	return io && io->it && io->it->xfer && io->xsent && !io->ended && io->it->xfer->type != CX_VX_BLIND;
}

void cx_vxio_hotword(cx_vx_run *r, const char *b, size_t n)
{
	cx_vxio *io = *cx_vx_io(r, NULL, NULL, NULL, NULL);
	cx_dlg *d;
	cx_vx_io(r, NULL, &d, NULL, NULL);

	if (!io || !cx_vxio_xfer_listening(r))
		return;
	cx_vxio__terminate(io, "near_end_disconnect", b, n);
	if (io->hot)
		cx_log_doc(d->sess->id, "vxml transfer ended by the caller", io->hot);
}

/* dialog.transfer.complete: the outcome is the item's value. */
static void cx_vxio__xfer_done(cx_vxio *io, const cx_cval *fields)
{
	const cx_cval *res = NULL, *dur = NULL;
	cx_value v;

	for (uint32_t i = 0; fields && i < fields->nkids; i++) {
		if (!strcmp(fields->keys[i], "results"))
			res = fields->kids[i];
		else if (!strcmp(fields->keys[i], "duration"))
			dur = fields->kids[i];
	}
	if (cx_vxio__xfer_shadow(io, res && res->tag == CX_T_STR && res->s ? res->s : "unknown",
				 dur && dur->tag == CX_T_NUM ? dur->n : 0, &v))
		return;
	io->it = NULL;
	cx_vx_item_done(io->r, v);
}

/* VXIO_COMPLETE_MS after dialog.terminatetransfer, no dialog.transfer.complete: the reason the
 * dialog sent is the outcome (it is the value whatever results would have said) and the duration
 * the far end's until then; the document's leg is its own business. A complete that comes later
 * finds no <transfer> waiting and is ignored (or, if the dialog waits on another by then, taken
 * for that one's: CCXML's event names no transfer). */
static void cx_vxio__unanswered_h(void *arg)
{
	cx_vxio *io = arg;
	cx_engine *e;
	cx_dlg *d;
	cx_vx_io(io->r, &e, &d, NULL, NULL);
	cx_value v;

	cx_log(CX_LOG_WARN, d->sess->id, "dialog %s: no dialog.transfer.complete %d s after "
	       "dialog.terminatetransfer (reason %s): the CCXML document has no handler for "
	       "dialog.terminatetransfer that answers it; the <transfer> at line %d ends with %s",
	       d->id, VXIO_COMPLETE_MS / 1000, io->ended, io->it->line, io->ended);
	if (cx_vxio__xfer_shadow(io, io->ended, io->xanswered && io->xend > io->xans ?
				 (double)(io->xend - io->xans) : 0, &v))
		return;
	io->it = NULL;
	cx_vx_item_done(io->r, v);
	cx_engine_kick(e);
}

void cx_vx_event(cx_vx_run *r, const char *name, const cx_cval *fields)
{
	cx_vxio *io = cx_vxio__of(r);
	cx_dlg *d;
	cx_vx_io(r, NULL, &d, NULL, NULL);

	if (!io)
		return;
	if (!strcmp(name, "dialog.transfer.complete")) {
		if (io->it && io->it->xfer && io->xsent)
			cx_vxio__xfer_done(io, fields);
		else
			cx_log_doc(d->sess->id, "vxml", "dialog.transfer.complete without a <transfer> waiting: ignored");
		return;
	}
	/* thrown in the dialog: a <catch> of it runs, or VoiceXML's default handler exits (e.g.
	 * connection.disconnect.transfer after a blind transfer, or a hang-up) */
	if (io->it && io->it->xfer && !strcmp(name, "connection.disconnect.transfer")) {
		/* the call went (a blind or consultation transfer, VoiceXML 2.0 §2.3.7): the outcome
		 * is unknown and the item filled (its <filled> does not run), so that the FIA, going
		 * on in the final processing state after a <catch> of it, does not transfer again */
		cx_ctx *X;
		cx_value v;
		cx_vx_io(r, NULL, NULL, &X, NULL);
		if (cx_vxio__xfer_shadow(io, "unknown", 0, &v))
			return;
		X->slots[io->it->slot] = v;
	}
	if (io->it && io->it->rec && io->rec && !strcmp(name, "connection.disconnect.hangup")) {
		/* VoiceXML 2.0 §2.3.6: the audio recorded until the hang-up is the item's value
		 * (name$ as at any end), for the handler to send on; <filled> does not run */
		cx_ctx *X;
		cx_value file;
		cx_vx_io(r, NULL, NULL, &X, NULL);
		tmr_cancel(&io->t);
		if (!io->sloth) { /* the simulator: the silence until now */
			uint64_t now = cx_clock_ms();
			cx_rec_silence(io->rec, (uint32_t)(now > io->t0 ? now - io->t0 : 0) * 8);
			tmr_cancel(&io->t); /* a maxtime reached just now started it */
		}
		uint32_t ms = cx_rec_ms(io->rec);
		io->rec = mem_deref(io->rec); /* closed: the WAV is complete */
		str_ncpy(io->reason, "hangup", sizeof(io->reason));
		if (cx_vxio__rec_vars(io, ms, &file))
			return;
		X->slots[io->it->slot] = file;
		cx_log_doc(d->sess->id, "vxml record ended by the hang-up", io->file);
	}
	if (io->it) { /* a <record>/<transfer> waiting gives up */
		io->rec = mem_deref(io->rec);
		cx_vxio__xfer_over(io);
		io->it = NULL;
	}
	cx_vx_deliver(r, name);
}

int cx_vxio_item(cx_vx_run *r, const cx_vx_item *it)
{
	cx_vxio *io = cx_vxio__of(r);
	uint64_t end, now = cx_clock_ms();

	if (!io) {
		cx_vx_error(r, "error.noresource: out of memory", 0);
		return -1;
	}
	if (it->kind == CX_VX_TRANSFER && it->xfer) {
		/* dest and aai now, in the FIA (an exception is error.semantic, thrown here) */
		io->xuri = mem_deref(io->xuri);
		io->xaai = mem_deref(io->xaai);
		int rc = cx_vx_item_str(r, it, it->xfer->dest, it->xfer->destexpr, &io->xuri);
		if (!rc)
			rc = cx_vx_item_str(r, it, it->xfer->aai, it->xfer->aaiexpr, &io->xaai);
		if (rc)
			return rc;
		if (!io->xuri || !*io->xuri) {
			char msg[160];
			snprintf(msg, sizeof(msg), "error.semantic: <transfer> at line %d has no destination",
				 it->line);
			cx_vx_error(r, msg, 0);
			return -1;
		}
		io->it = it;
		cx_vx_audio_want(r, it->xfer->audio); /* a web transferaudio: here when it plays */
		cx_vx_after_prompts(r, &io->t, cx_vxio__xfer_h, io);
		return 0;
	}
	if (it->kind != CX_VX_RECORD || !it->rec) {
		cx_vx_error(r, "error.unsupported: this form item", 0);
		return -1;
	}
	if (it->rec->beep) { /* after the item's prompts, before it listens (media.c "?beep") */
		cx_ctx *X = NULL;
		cx_vx_io(r, NULL, NULL, &X, NULL);
		if (X && cx_vx_prompt(X, "?beep", CX_UNDEFINED, 1) != CX_GO)
			cx_catch(X);
	}
	cx_vx_io(r, NULL, NULL, NULL, &end);
	io->it = it;
	io->rec = mem_deref(io->rec);
	io->reason[0] = '\0';
	io->t0 = end > now ? end : now; /* not when the timer runs: it may run late */
	if (cx_vx_after_prompts(r, &io->t, cx_vxio__rec_begin_h, io))
		io->t0 = 0; /* the prompts' end once they have played (cx_vxio__rec_begin_h) */
	return 0;
}

void cx_vxio_key(cx_vx_run *r, char key)
{
	cx_vxio *io = cx_vxio__of(r);

	if (!io || !io->it || !io->it->rec || !io->rec || io->reason[0] || !io->it->rec->dtmfterm)
		return; /* before the recording starts, or not ended by keys: ignored */
	io->termchar = key;
	if (io->sloth)
		cx_rec_end(io->rec, "dtmf");
	else
		cx_vxio__sim_end(io, "dtmf");
}

void cx_vxio_barge(cx_vx_run *r)
{
	cx_vxio *io = cx_vxio__of(r);
	/* when the key came: a simulated key's own time (its end is taken so too, cx_vxio__sim_end),
	 * not when this runs, which a loaded machine makes a ms or more later (r1's 2000 ms read
	 * 1999 once in CI) */
	uint64_t now = cx_clock_event_ms();

	if (!io || !io->it || !io->it->rec || io->rec || io->reason[0] || io->t0 <= now)
		return; /* recording, over, or about to begin anyway */
	io->t0 = now;
	tmr_start(&io->t, 0, cx_vxio__rec_begin_h, io);
}

int cx_vxio_recording(cx_vx_run *r)
{
	cx_vxio *io = *cx_vx_io(r, NULL, NULL, NULL, NULL);

	return io && io->it && io->it->rec && io->rec && !io->reason[0];
}

void cx_vxio_stop(cx_vx_run *r)
{
	cx_vxio *io = *cx_vx_io(r, NULL, NULL, NULL, NULL);
	cx_dlg *d;
	cx_vx_io(r, NULL, &d, NULL, NULL);

	if (!io || !io->it || !io->it->rec)
		return;
	tmr_cancel(&io->t);
	if (io->rec && !io->sloth) { /* the simulator: the silence until the key */
		uint64_t now = cx_clock_event_ms();
		cx_rec_silence(io->rec, (uint32_t)(now > io->t0 ? now - io->t0 : 0) * 8);
		tmr_cancel(&io->t); /* maxtime reached just now started it */
	}
	int began = io->rec != NULL; /* else the keys came during its prompts: no recording */
	io->rec = mem_deref(io->rec); /* closed: the WAV is complete */
	io->it = NULL;
	if (began)
		cx_log_doc(d->sess->id, "vxml record ended by a grammar", io->file);
}
