/*
 * fuzz_net.c — libFuzzer harnesses of the runtime's network input, driving the real code path:
 * the engine runs in this process with its real listener, and every input goes to it over a
 * loopback socket, as a peer would send it. Built three ways (tests/fuzz/run.sh):
 *
 *   -DFUZZ_HTTP     fuzz_http: the input is the bytes of one HTTP request on a new TCP
 *                   connection to cx_http_listen (token "fuzz" -> tests/fuzz/app.ccxml).
 *   -DFUZZ_SIP_SDP  fuzz_sip_sdp: the input is the SDP body of a well-formed INVITE, sent over
 *                   UDP to cx_sip_setup; the document accepts every call, then hangs up.
 *   -DFUZZ_SIP_MSG  fuzz_sip_msg: the input is a whole SIP datagram (its Via should carry
 *                   ;rport, as the seeds do, for the answers to come back here).
 *
 * After sending, libre's loop runs until the answer came (HTTP: the server closed the
 * connection; SIP: a final response), or FUZZ_BOUND_MS. A call that was answered 200 is
 * completed like a real caller would: ACK, then the 200 to the document's BYE, so that calls do
 * not pile up for the 32 s of SIP timers. The engine, its sessions and timers live on across
 * inputs, as in a service.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>
#include "cx.h"
#include "rt.h"
#include "prov.h"

#if defined(FUZZ_HTTP)
#define FUZZ_BOUND_MS 100
#define FUZZ_SOCK SOCK_STREAM
#elif defined(FUZZ_SIP_SDP) || defined(FUZZ_SIP_MSG)
#define FUZZ_SIP 1
#define FUZZ_BOUND_MS 30 /* a datagram the stack drops gets no answer: this is its cost */
#define FUZZ_SOCK SOCK_DGRAM
#else
#error "build with -DFUZZ_HTTP, -DFUZZ_SIP_SDP or -DFUZZ_SIP_MSG"
#endif

extern const cx_doc ccxml_doc_app;
static const cx_doc *const fz__docs[] = { &ccxml_doc_app };
static cx_engine *fz__eng;
static uint16_t fz__port;  /* the engine's listener */
static int fz__sock = -1;  /* this input's client socket */
static bool fz__done;
static bool fz__trace;
#ifdef FUZZ_SIP
static uint16_t fz__cport; /* the port of this input's client socket */
static unsigned fz__seq; /* Call-IDs, tags and branches */
#endif

static void fz__quiet(const char *sessid, const char *label, const char *value, void *arg)
{
}

/* A port that was free a moment ago on 127.0.0.1 for this socket type. */
static uint16_t fz__freeport(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, type, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || getsockname(s, (struct sockaddr *)&a, &al))
		abort();
	close(s);
	return ntohs(a.sin_port);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char addr[32];
	cx_engine_cfg cfg = {
		.docs = fz__docs, .ndocs = 1, .logh = fz__quiet, .max_sessions = 500,
#ifdef FUZZ_HTTP
		.use_sim = 1,
#endif
	};
	fz__trace = getenv("FUZZ_TRACE") != NULL;
	if (cx_init() || cx_engine_alloc(&fz__eng, &cfg))
		abort();
	/* the port was free a moment ago: another program (the suite runs the SIP tests meanwhile)
	 * may take it before the listener binds it, so try a few */
	for (int i = 0;; i++) {
		int err;
		fz__port = fz__freeport(FUZZ_SOCK);
		snprintf(addr, sizeof(addr), "127.0.0.1:%u", fz__port);
#ifdef FUZZ_HTTP
		err = cx_http_listen(fz__eng, addr);
#else
		err = cx_sip_setup(fz__eng, addr, NULL, NULL);
#endif
		if (!err)
			break;
		if (i == 20)
			abort();
	}
#ifdef FUZZ_HTTP
	if (cx_http_token(fz__eng, "fuzz"))
		abort();
#endif
	return 0;
}

/* Section - The client side */

static void fz__send(const void *p, size_t n)
{
#ifdef FUZZ_HTTP
	(void)send(fz__sock, p, n, MSG_NOSIGNAL);
#else
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(fz__port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	(void)sendto(fz__sock, p, n, 0, (struct sockaddr *)&a, sizeof(a));
#endif
}

#ifdef FUZZ_SIP
/* The value of header `name` in a SIP message (up to the end of its line), or NULL. */
static const char *fz__hdr(const char *msg, const char *name, int *len)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(msg, "\r\n"); p && p[2] && !(p[2] == '\r' && p[3] == '\n'); p = strstr(p + 2, "\r\n")) {
		if (!strncasecmp(p + 2, name, nl) && p[2 + nl] == ':') {
			const char *v = p + 3 + nl, *e = strstr(v, "\r\n");
			while (*v == ' ')
				v++;
			*len = e ? (int)(e - v) : (int)strlen(v);
			return v;
		}
	}
	return NULL;
}

/* Completes a call like a caller: ACK for a final answer to INVITE (a new transaction after a
 * 2xx, the INVITE's own after an error), 200 OK for the document's BYE. */
static void fz__peer(const char *m)
{
	int fl, tl, cl, ql, vl;
	const char *f = fz__hdr(m, "From", &fl), *t = fz__hdr(m, "To", &tl), *c = fz__hdr(m, "Call-ID", &cl);
	const char *q = fz__hdr(m, "CSeq", &ql), *v = fz__hdr(m, "Via", &vl);
	char out[2048];
	int n = 0;
	if (!f || !t || !c || !q)
		return;
	bool invite = ql > 7 && !strncmp(q + ql - 6, "INVITE", 6);
	if (!strncmp(m, "SIP/2.0 2", 9) && invite)
		n = snprintf(out, sizeof(out), "ACK sip:fuzz@127.0.0.1:%u SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKfza%u;rport\r\n"
			     "From: %.*s\r\nTo: %.*s\r\nCall-ID: %.*s\r\nCSeq: %d ACK\r\n"
			     "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
			     fz__port, fz__cport, ++fz__seq, fl, f, tl, t, cl, c, atoi(q));
	else if (!strncmp(m, "SIP/2.0 ", 8) && m[8] >= '3' && invite && v) /* same transaction */
		n = snprintf(out, sizeof(out), "ACK sip:fuzz@127.0.0.1:%u SIP/2.0\r\nVia: %.*s\r\n"
			     "From: %.*s\r\nTo: %.*s\r\nCall-ID: %.*s\r\nCSeq: %d ACK\r\n"
			     "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
			     fz__port, vl, v, fl, f, tl, t, cl, c, atoi(q));
	else if (!strncmp(m, "BYE ", 4) && v)
		n = snprintf(out, sizeof(out), "SIP/2.0 200 OK\r\nVia: %.*s\r\nFrom: %.*s\r\nTo: %.*s\r\n"
			     "Call-ID: %.*s\r\nCSeq: %.*s\r\nContent-Length: 0\r\n\r\n",
			     vl, v, fl, f, tl, t, cl, c, ql, q);
	if (n > 0 && n < (int)sizeof(out)) {
		if (fz__trace)
			fprintf(stderr, "fuzz: -> %.*s\n", (int)strcspn(out, "\r\n"), out);
		fz__send(out, (size_t)n);
	}
}
#endif

static void fz__on_read(int flags, void *arg)
{
	char buf[8192];
	ssize_t n = recv(fz__sock, buf, sizeof(buf) - 1, MSG_DONTWAIT);
#ifdef FUZZ_HTTP
	if (n <= 0)
		fz__done = true; /* the server closed the connection: answered */
#else
	if (n <= 0)
		return;
	buf[n] = 0;
	if (fz__trace) /* FUZZ_TRACE=1: the first line of every answer (without -close_fd_mask) */
		fprintf(stderr, "fuzz: <- %.*s\n", (int)strcspn(buf, "\r\n"), buf);
	fz__peer(buf);
	if (!strncmp(buf, "SIP/2.0 ", 8) && buf[8] >= '2')
		fz__done = true;
#endif
	if (fz__done)
		re_cancel();
}

static void fz__on_timeout(void *arg)
{
	re_cancel();
}

/* Runs libre's loop until the answer came or `ms` passed. */
static void fz__run(uint64_t ms)
{
	struct tmr t;
	tmr_init(&t);
	tmr_start(&t, ms, fz__on_timeout, NULL);
	re_main(NULL);
	tmr_cancel(&t);
}

#ifdef FUZZ_HTTP
/* A new connection to the listener. A refusal can come from the host (ephemeral ports held in
 * TIME-WAIT by a load test) or from the listener, busy with its 64 connections: retry while
 * the loop runs for up to 5 s; a listener that still refuses is a finding (abort). */
static int fz__connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(fz__port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	for (int i = 0; i < 500; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s >= 0 && !connect(s, (struct sockaddr *)&a, sizeof(a)))
			return s;
		if (s >= 0)
			close(s);
		fz__run(10);
	}
	perror("fuzz: the HTTP listener refuses connections");
	abort();
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz__done = false;
#ifdef FUZZ_HTTP
	fz__sock = fz__connect();
	fz__send(data, size);
	shutdown(fz__sock, SHUT_WR); /* a short body ends here, not after the 10 s request bound */
#else
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	fz__sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (fz__sock < 0 || bind(fz__sock, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fz__sock, (struct sockaddr *)&a, &al))
		abort();
	fz__cport = ntohs(a.sin_port);
#endif
#if defined(FUZZ_SIP_SDP)
	if (size > 4000)
		return -1;
	char *msg = malloc(size + 1024);
	int n = snprintf(msg, 1024, "INVITE sip:fuzz@127.0.0.1:%u SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKfzi%u;rport\r\n"
			 "From: <sip:fuzzer@127.0.0.1:%u>;tag=fz%u\r\nTo: <sip:fuzz@127.0.0.1:%u>\r\n"
			 "Call-ID: fz%u@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:fuzzer@127.0.0.1:%u>\r\n"
			 "Max-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n",
			 fz__port, fz__cport, fz__seq, fz__cport, fz__seq, fz__port, fz__seq, fz__cport, size);
	fz__seq++;
	memcpy(msg + n, data, size);
	fz__send(msg, (size_t)n + size);
	free(msg);
#else
	if (size > 8000)
		return -1;
	fz__send(data, size);
#endif
	fd_listen(fz__sock, FD_READ, fz__on_read, NULL);
	fz__run(FUZZ_BOUND_MS);
#ifdef FUZZ_SIP
	/* the document hangs up at once: its BYE (answered in fz__on_read) comes next */
	if (fz__done)
		fz__run(20);
#endif
	fd_close(fz__sock);
	close(fz__sock);
	fz__sock = -1;
	return 0;
}
