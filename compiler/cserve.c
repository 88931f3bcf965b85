/*
 * cserve.c — `ccxmlc --compile-server`: a ccxmlc that is already running, for a program that
 * compiles the documents it fetches at run time (runtime/doccomp.c, docs/fetch.md).
 *
 * Starting a ccxmlc costs more than half of a small document's compile on a VM (exec, loading
 * some twenty libraries, binding their symbols, page faults). The server pays that once, when
 * the program starts, and then forks a child per document: the child is a ccxmlc with its
 * libraries loaded and bound, which compiles as `ccxmlc ARGS...` would and exits. With tcc, it
 * also preprocesses the runtime's headers once when it starts (the prelude, cctcc.c), which
 * each child's tcc then reads instead of the headers.
 *
 * The protocol, on a SOCK_SEQPACKET socket that is the server's standard input:
 *   request (program -> server): int32 ID, then the arguments, each NUL-terminated; with it, as
 *     SCM_RIGHTS, the write end of a pipe that becomes the child's standard output and error;
 *   answers (server -> program): three int32, ID, KIND, VALUE: KIND 'P' when the child is
 *     forked (VALUE its pid, also its process group, for the program's time limit), 'X' when it
 *     has exited (VALUE its wait status), 'E' when no child could be forked (VALUE an errno).
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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler.h"

#define CSERVE_MAXMSG 65536
#define CSERVE_MAXARGS 256
#define CSERVE_MAXPRE (1 << 20)  /* the prelude's output: some 40 KiB */

typedef struct Child {
	pid_t pid;
	int32_t id;
} Child;

static void cserve__answer(int sock, int32_t id, int32_t kind, int32_t val)
{
	int32_t m[3] = {id, kind, val};
	/* the program reads what it can; a full socket only loses an answer it no longer awaits */
	(void)!send(sock, m, sizeof(m), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The child: the compile, with out as its standard output and error; never returns. */
static void cserve__child(int sock, int sigfd, int out, int argc, char **argv,
			  int (*compile)(int, char **))
{
	sigset_t none;

	(void)setpgid(0, 0);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)prctl(PR_SET_PDEATHSIG, 0);
	close(sock);
	close(sigfd);
	if (dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	close(out);
	exit(compile(argc, argv));
}

/* One request: fork its child, or answer 'E'. */
static void cserve__request(int sock, int sigfd, Child **kids, size_t *nkids, size_t *cap,
			    int (*compile)(int, char **))
{
	static char buf[CSERVE_MAXMSG];
	char *argv[CSERVE_MAXARGS + 1];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int out = -1, argc = 0;
	int32_t id;

	if (n <= 0)
		exit(n < 0 && errno != ECONNRESET ? 1 : 0);  /* the program has gone */
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&out, CMSG_DATA(cm), sizeof(int));
	if ((size_t)n < sizeof(id) || out < 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (out >= 0)
			close(out);
		if ((size_t)n >= sizeof(id)) {
			memcpy(&id, buf, sizeof(id));
			cserve__answer(sock, id, 'E', EINVAL);
		}
		return;
	}
	memcpy(&id, buf, sizeof(id));
	buf[n] = 0;
	for (char *p = buf + sizeof(id); p < buf + n && argc < CSERVE_MAXARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
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
	pid_t pid = argc ? fork() : (errno = EINVAL, -1);
	if (pid == 0)
		cserve__child(sock, sigfd, out, argc, argv, compile);
	close(out);
	if (pid < 0) {
		cserve__answer(sock, id, 'E', errno);
		return;
	}
	(void)setpgid(pid, pid);  /* before the program can signal the group (the child does too) */
	(*kids)[(*nkids)++] = (Child){pid, id};
	cserve__answer(sock, id, 'P', pid);
}

/* Children that have exited: answer 'X' for each. */
static void cserve__reap(int sock, int sigfd, Child *kids, size_t *nkids)
{
	struct signalfd_siginfo si;
	int st;
	pid_t pid;

	while (read(sigfd, &si, sizeof(si)) > 0)
		;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (size_t i = 0; i < *nkids; i++)
			if (kids[i].pid == pid) {
				cserve__answer(sock, kids[i].id, 'X', st);
				kids[i] = kids[--*nkids];
				break;
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

int cserve_main(int (*compile)(int, char **), int (*prelude)(void))
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
	cserve__prelude(prelude);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &chld, NULL);
	int sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		perror("ccxmlc: --compile-server: signalfd");
		return 1;
	}
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
	}
}
