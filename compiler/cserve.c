/*
 * cserve.c — `ccxmlc --compile-server`: a ccxmlc that is already running, for a program that
 * compiles the documents it fetches at run time (runtime/doccomp.c, docs/fetch.md).
 *
 * Starting a ccxmlc costs more than half of a small document's compile on a VM (exec, loading
 * some twenty libraries, binding their symbols, page faults). The server pays that once, when
 * the program starts, and then a child of it compiles each document: the child is a ccxmlc
 * with its libraries loaded and bound, which compiles as `ccxmlc ARGS...` would and exits.
 * With tcc, the server also preprocesses the runtime's headers once when it starts (the
 * prelude, cctcc.c), which each child's tcc then reads instead of the headers. The child for
 * the next document is forked ahead of time when the server is idle (the spare, below).
 *
 * The protocol, on a SOCK_SEQPACKET socket that is the server's standard input:
 *   request (program -> server): int32 ID, then the arguments, each NUL-terminated; with it, as
 *     SCM_RIGHTS, the write end of a pipe that becomes the child's standard output and error;
 *   answers (server -> program): three int32, ID, KIND, VALUE: KIND 'P' when the child has the
 *     request (VALUE its pid, also its process group, for the program's time limit), 'X' when
 *     its compile has ended (VALUE a wait status; sent by the child itself, its output closed,
 *     and again by the server when it has exited: the program takes the first), 'E' when no
 *     child could be forked (VALUE an errno).
 * The server exits when the program closes its end. Nothing here trusts the program less than
 * ccxmlc trusts its command line: both are the same user's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler.h"

#define CSERVE_MAXMSG 65536
#define CSERVE_MAXARGS 256
#define CSERVE_MAXPRE (1 << 20)  /* the prelude's output: some 40 KiB */

/* The limits of one compile of a fetched document (`--fetched`): $CCXML_DOC_COMPILE_MB MiB of
 * address space (RLIMIT_AS) and $CCXML_DOC_COMPILE_CPU seconds of CPU time (RLIMIT_CPU), each
 * when set to more than 0. The program that fetches sets both in the compiler's environment
 * (runtime/doccomp.c, which has the defaults and names them in the reason when one is hit);
 * a ccxmlc started by hand without them has none. Set in the process that compiles, on both
 * paths (a child of this server, a ccxmlc of its own): libtcc runs inside it, and a cc run
 * as a command inherits them (each of its processes with its own CPU time). A hostile
 * document of 1 MiB takes some 5 s and 1 GB; the wall-clock limit (CCXML_DOC_COMPILE_MS) is
 * the program's. No core file either: a compile killed by a limit is not a bug to debug. */
void cserve_limits(void)
{
	const char *mb = getenv("CCXML_DOC_COMPILE_MB"), *cpu = getenv("CCXML_DOC_COMPILE_CPU");
	struct rlimit rl = {0, 0};

	(void)setrlimit(RLIMIT_CORE, &rl);
	if (cpu && atol(cpu) > 0) {
		/* SIGXCPU at the soft limit (its default action ends the process), SIGKILL a
		 * second later should anything catch it */
		rl.rlim_cur = (rlim_t)atol(cpu);
		rl.rlim_max = rl.rlim_cur + 1;
		(void)setrlimit(RLIMIT_CPU, &rl);
	}
#ifndef __SANITIZE_ADDRESS__
	/* (not in an ASan build: its shadow memory alone is terabytes of address space) */
	if (mb && atol(mb) > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)atol(mb) << 20;
		(void)setrlimit(RLIMIT_AS, &rl);
	}
#else
	(void)mb;
#endif
}

typedef struct Child {
	pid_t pid;
	int32_t id;
} Child;

/* The spare: a child forked while the server had nothing to do, warmed (warm(): tcc started on
 * the prelude, the parsers made) and waiting on fd, its end of a socket pair, for the next
 * request, which the server hands it instead of forking then. Forking (page tables of a process
 * with twenty libraries) and the child's first steps were 2-3 ms of a first fetch's ~19. */
static struct {
	pid_t pid;   /* 0: none */
	int fd;      /* the server's end */
	bool off;    /* one exited unasked: no more (a warm that fails would fork forever) */
} cserve__spare = {0, -1, false};

static void cserve__answer(int sock, int32_t id, int32_t kind, int32_t val)
{
	int32_t m[3] = {id, kind, val};
	/* the program reads what it can; a full socket only loses an answer it no longer awaits */
	(void)!send(sock, m, sizeof(m), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* A request from fd into buf (CSERVE_MAXMSG bytes): its length, with *out the descriptor it
 * carried (-1: none), *id its ID (when it has one: length >= 4) and *cut whether it was longer
 * than buf; 0 at the end of fd. */
static ssize_t cserve__recv(int fd, char *buf, int *out, int32_t *id, bool *cut)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, CSERVE_MAXMSG - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	ssize_t n;

	while ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	*out = -1;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(out, CMSG_DATA(cm), sizeof(int));
	if (n >= (ssize_t)sizeof(*id))
		memcpy(id, buf, sizeof(*id));
	*cut = n > 0 && (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
	return n;
}

/* The arguments of a request of n bytes (NUL-terminated after it); their number. */
static int cserve__args(char *buf, ssize_t n, char **argv)
{
	int argc = 0;

	buf[n] = 0;
	for (char *p = buf + sizeof(int32_t); p < buf + n && argc < CSERVE_MAXARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

/* The child: the compile of request id, with out as its standard output and error; never
 * returns. It answers 'X' itself as soon as the compile has returned, its output closed: the
 * program loads the object then, while this process exits (libraries' destructors, its memory
 * unmapped: 1-3 ms) and the server reaps it (its 'X' then is for a request already done). */
static void cserve__child(int sock, int out, int32_t id, int argc, char **argv,
			  int (*compile)(int, char **))
{
	sigset_t none;
	int rc, null;

	(void)setpgid(0, 0);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)prctl(PR_SET_PDEATHSIG, 0);
	/* the program's socket, kept for the answer, but not as standard input (a cc the compile
	 * runs must not read it) */
	int ans = fcntl(sock, F_DUPFD_CLOEXEC, 3);
	close(sock);
	if (dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	close(out);
	rc = compile(argc, argv);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fflush(stdout) || fflush(stderr) || null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		exit(rc);  /* the server's 'X' will tell */
	if (ans >= 0)
		cserve__answer(ans, id, 'X', (rc & 0xff) << 8);  /* a wait status: exited with rc */
	exit(rc);
}

/* The spare's life: warm, then wait for its request (or the server's end). */
static void cserve__spare_main(int sock, int fd, void (*warm)(void), int (*compile)(int, char **))
{
	static char buf[CSERVE_MAXMSG];
	char *argv[CSERVE_MAXARGS + 1];
	int out;
	int32_t id = 0;
	bool cut;

	/* what warm() says goes nowhere: the compile, with its output, will say it again */
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	close(null);
	if (warm)
		warm();
	ssize_t n = cserve__recv(fd, buf, &out, &id, &cut);
	if (n < (ssize_t)sizeof(id) || out < 0 || cut)  /* the server checked it: never */
		_exit(0);  /* not wanted any more: nothing was done */
	close(fd);
	cserve__child(sock, out, id, cserve__args(buf, n, argv), argv, compile);
}

/* A new spare, when there is none and none has failed. */
static void cserve__spare_make(int sock, int sigfd, void (*warm)(void), int (*compile)(int, char **))
{
	int sp[2];

	if (cserve__spare.pid > 0 || cserve__spare.off ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		close(sigfd);
		cserve__spare_main(sock, sp[1], warm, compile);
	}
	close(sp[1]);
	if (pid < 0) {
		close(sp[0]);
		return;
	}
	(void)setpgid(pid, pid);
	cserve__spare.pid = pid;
	cserve__spare.fd = sp[0];
}

/* The request in buf (n bytes, out its descriptor) to the spare: true when it has it. */
static bool cserve__handoff(const char *buf, ssize_t n, int out)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {(void *)buf, (size_t)n};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	bool ok;

	if (cserve__spare.pid <= 0)
		return false;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &out, sizeof(int));
	ok = sendmsg(cserve__spare.fd, &mh, MSG_NOSIGNAL) == n;
	if (!ok)  /* it is gone or going: the reaper will find it, a fork does this one */
		kill(cserve__spare.pid, SIGKILL);
	close(cserve__spare.fd);
	cserve__spare.fd = -1;
	if (!ok)
		cserve__spare.pid = 0;
	return ok;
}

/* One request: to the spare, or to a child forked for it; or answer 'E'. */
static void cserve__request(int sock, int sigfd, Child **kids, size_t *nkids, size_t *cap,
			    int (*compile)(int, char **))
{
	static char buf[CSERVE_MAXMSG];
	char *argv[CSERVE_MAXARGS + 1];
	int out = -1, argc = 0;
	int32_t id;
	bool cut;
	ssize_t n = cserve__recv(sock, buf, &out, &id, &cut);

	if (n <= 0)
		exit(n < 0 && errno != ECONNRESET ? 1 : 0);  /* the program has gone */
	if ((size_t)n < sizeof(id) || out < 0 || cut) {
		if (out >= 0)
			close(out);
		if ((size_t)n >= sizeof(id))
			cserve__answer(sock, id, 'E', EINVAL);
		return;
	}
	argc = cserve__args(buf, n, argv);
	if (*nkids == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		Child *k = realloc(*kids, nc * sizeof(*k));
		if (!k) {
			close(out);
			cserve__answer(sock, id, 'E', ENOMEM);
			return;
		}
		*kids = k, *cap = nc;
	}
	pid_t pid;
	if (argc && cserve__handoff(buf, n, out)) {
		pid = cserve__spare.pid;
		cserve__spare.pid = 0;
	} else {
		pid = argc ? fork() : (errno = EINVAL, -1);
		if (pid == 0) {
			close(sigfd);
			cserve__child(sock, out, id, argc, argv, compile);
		}
	}
	close(out);
	if (pid < 0) {
		cserve__answer(sock, id, 'E', errno);
		return;
	}
	(void)setpgid(pid, pid);  /* before the program can signal the group (the child does too) */
	(*kids)[(*nkids)++] = (Child){pid, id};
	cserve__answer(sock, id, 'P', pid);
}

/* Children that have exited, ours or reparented to us (cserve_main): answer 'X' for each of
 * ours. */
static void cserve__reap(int sock, int sigfd, Child *kids, size_t *nkids)
{
	struct signalfd_siginfo si;
	int st;
	pid_t pid;

	while (read(sigfd, &si, sizeof(si)) > 0)
		;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == cserve__spare.pid) {  /* exited unasked */
			close(cserve__spare.fd);
			cserve__spare.fd = -1;
			cserve__spare.pid = 0;
			cserve__spare.off = true;
			continue;
		}
		for (size_t i = 0; i < *nkids; i++)
			if (kids[i].pid == pid) {
				cserve__answer(sock, kids[i].id, 'X', st);
				kids[i] = kids[--*nkids];
				break;
			}
	}
}

/* The prelude of every compile (cctcc.c), made once: prelude() in a child of ours writing to a
 * pipe read here. Without it (no tcc, an error, more than CSERVE_MAXPRE bytes, 10 s), each
 * child reads the runtime's headers itself, as a ccxmlc started alone does. */
static void cserve__prelude(int (*prelude)(void))
{
	char *buf = malloc(CSERVE_MAXPRE);
	size_t len = 0;
	bool ok = buf != NULL;
	int p[2], st = 0;
	pid_t pid;

	if (!ok || pipe(p)) {
		free(buf);
		return;
	}
	(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);  /* not in the compiles' children's cc */
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		/* its errors are the compiles' too, and each says them where they belong */
		if (dup2(p[1], 1) < 0 || null < 0 || dup2(null, 2) < 0)
			_exit(127);
		_exit(prelude() ? 1 : 0);
	}
	close(p[1]);
	while (ok && pid > 0) {
		struct pollfd pf = {p[0], POLLIN, 0};
		int r = poll(&pf, 1, 10000);
		ssize_t n = r > 0 ? read(p[0], buf + len, CSERVE_MAXPRE - len) : -1;
		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		else if (r == 0 || errno != EINTR)
			ok = false;
		if (len == CSERVE_MAXPRE)
			ok = false;
	}
	close(p[0]);
	if (pid > 0) {
		if (!ok)
			kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (ok && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			(void)cctcc_prelude_set(buf, len);
	}
	free(buf);
}

int cserve_main(int (*compile)(int, char **), int (*prelude)(void), void (*warm)(void))
{
	const int sock = 0;
	int type = 0;
	socklen_t tl = sizeof(type);
	sigset_t chld;
	Child *kids = NULL;
	size_t nkids = 0, cap = 0;

	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &tl) || type != SOCK_SEQPACKET) {
		fprintf(stderr, "ccxmlc: --compile-server is started by a program that loads documents "
			"at run time (docs/fetch.md), with a SOCK_SEQPACKET socket as standard input\n");
		return 2;
	}
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);  /* the program's end is ours */
	/* The processes of a compile killed at its time limit (its process group: the child, the
	 * C compiler it runs, cc1, as) die together, and those whose parent died first are
	 * reparented: to init, which a program running as PID 1 of a container is, and it reaps
	 * only its own children, so each killed compile would leave zombies there for good. As a
	 * subreaper the server gets them instead, and reaps them (cserve__reap: waitpid(-1)). */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	cserve__prelude(prelude);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &chld, NULL);
	int sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		perror("ccxmlc: --compile-server: signalfd");
		return 1;
	}
	cserve__spare_make(sock, sigfd, warm, compile);
	for (;;) {
		struct pollfd p[2] = {{sock, POLLIN, 0}, {sigfd, POLLIN, 0}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("ccxmlc: --compile-server: poll");
			return 1;
		}
		if (p[1].revents)
			cserve__reap(sock, sigfd, kids, &nkids);
		if (p[0].revents)
			cserve__request(sock, sigfd, &kids, &nkids, &cap, compile);
		/* a spare when idle: made while a compile runs, it would take a core from it */
		if (!nkids)
			cserve__spare_make(sock, sigfd, warm, compile);
	}
}
