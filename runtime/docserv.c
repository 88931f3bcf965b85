/*
 * docserv.c — cx_docsrv: the program's end of `ccxmlc --compile-server` (compiler/cserve.c),
 * a ccxmlc started once that forks a child per document to compile, so a document fetched at
 * run time does not pay for starting ccxmlc (exec, loading and binding its libraries):
 * docs/fetch.md, docs/performance.md "rtdocs".
 *
 * A request is the compiler's arguments and the write end of a pipe for its output; the
 * server answers, per request, 'P' (the child's pid, also its process group), then 'X' (its
 * wait status), or 'E' (an errno: nothing was started). The first 'X' ends a request: the
 * child sends one when its compile has ended, the server another when it has exited, which
 * finds the request gone and is dropped. The protocol is in cserve.c. When the
 * server goes away, every request still open is told 'L' (lost) and the caller compiles with
 * a child of its own from then on (cx_docsrv_up says no).
 */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np (glibc 2.34) */
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "rt.h"

#define CX_DOCSRV_MAXMSG 65536

typedef struct cx_docsrv_req {
	struct le le;
	uint32_t id;
	cx_docsrv_h *h;
	void *arg;
} cx_docsrv_req;

struct cx_docsrv {
	int fd;                /* our end of the socket; -1 once the server is gone */
	pid_t pid;
	uint32_t seq;
	struct list reqs;      /* requests not answered 'X', 'E' or 'L' yet */
};

static void cx_docsrv__lost(struct cx_docsrv *s)
{
	if (s->fd >= 0) {
		fd_close(s->fd);
		close(s->fd);
		s->fd = -1;
	}
	if (s->pid > 0) {
		kill(-s->pid, SIGKILL);  /* it has closed its end: whatever is left of it goes too */
		(void)waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	while (s->reqs.head) {
		cx_docsrv_req *r = s->reqs.head->data;
		list_unlink(&r->le);
		r->h(r->arg, 'L', 0);
		mem_deref(r);
	}
}

static void cx_docsrv__destroy(void *arg)
{
	struct cx_docsrv *s = arg;

	list_flush(&s->reqs);  /* nobody is told: the engine is going */
	if (s->fd >= 0) {
		fd_close(s->fd);
		close(s->fd);   /* the server sees the end and exits */
		s->fd = -1;
	}
	if (s->pid > 0) {
		kill(-s->pid, SIGKILL);  /* bounded: it would exit at the end of its socket anyway */
		(void)waitpid(s->pid, NULL, 0);
	}
}

static void cx_docsrv__readh(int flags, void *arg)
{
	struct cx_docsrv *s = arg;
	int32_t m[3];
	ssize_t n;
	(void)flags;

	while ((n = recv(s->fd, m, sizeof(m), MSG_DONTWAIT)) == (ssize_t)sizeof(m)) {
		struct le *le;
		LIST_FOREACH(&s->reqs, le) {
			cx_docsrv_req *r = le->data;
			if (r->id != (uint32_t)m[0])
				continue;
			if (m[1] != 'P') {
				list_unlink(&r->le);
				r->h(r->arg, (char)m[1], m[2]);
				mem_deref(r);
			} else {
				r->h(r->arg, 'P', m[2]);
			}
			break;
		}
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	cx_log(CX_LOG_WARN, NULL, "the compile server (ccxmlc --compile-server) has gone%s%s; "
	       "documents are compiled by a ccxmlc process each", n < 0 ? ": " : "",
	       n < 0 ? strerror(errno) : "");
	cx_docsrv__lost(s);
}

int cx_spawn_group(pid_t *pid, const char *path, char *const *argv, char *const *env, int in,
		   int out, int errfd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int err;

	posix_spawn_file_actions_init(&fa);
	if (in < 0)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	else if (in != 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (out < 0)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	else if (out != 1)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (errfd < 0)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	else if (errfd != 2)
		posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	/* nothing else of ours: libre opens its sockets without close-on-exec, and a compiler
	 * holding the SIP or HTTP listening socket would keep the port bound after we are gone */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	err = posix_spawn(pid, path, &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return err;
}

int cx_docsrv_alloc(struct cx_docsrv **sp, const char *ccxmlc, char *const *env)
{
	struct cx_docsrv *s;
	char *argv[] = {(char *)ccxmlc, "--compile-server", NULL};
	int sv[2], err;

	s = mem_zalloc(sizeof(*s), cx_docsrv__destroy);
	if (!s)
		return ENOMEM;
	s->fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		err = errno;
		mem_deref(s);
		return err;
	}
	/* its own group: cx_docsrv_kill ends all of it; stderr stays the program's */
	err = cx_spawn_group(&s->pid, ccxmlc, argv, env, sv[1], -1, 2);
	close(sv[1]);
	if (err) {
		close(sv[0]);
		s->pid = 0;
		mem_deref(s);
		return err;
	}
	s->fd = sv[0];
	err = fd_listen(s->fd, FD_READ, cx_docsrv__readh, s);
	if (err) {
		mem_deref(s);
		return err;
	}
	*sp = s;
	return 0;
}

bool cx_docsrv_up(const struct cx_docsrv *s)
{
	return s && s->fd >= 0;
}

int cx_docsrv_send(struct cx_docsrv *s, char *const *argv, int out, cx_docsrv_h *h, void *arg,
		   uint32_t *idp)
{
	static char buf[CX_DOCSRV_MAXMSG];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, 0};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	cx_docsrv_req *r;
	size_t len = sizeof(uint32_t);
	uint32_t id;

	if (!cx_docsrv_up(s))
		return ENOTCONN;
	id = ++s->seq ? s->seq : ++s->seq;
	memcpy(buf, &id, sizeof(id));
	for (size_t i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;
		if (len + l > sizeof(buf))
			return E2BIG;
		memcpy(buf + len, argv[i], l);
		len += l;
	}
	iov.iov_len = len;
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &out, sizeof(int));
	r = mem_zalloc(sizeof(*r), NULL);
	if (!r)
		return ENOMEM;
	if (sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len) {
		int err = errno ? errno : EIO;
		mem_deref(r);
		return err;
	}
	r->id = id;
	r->h = h;
	r->arg = arg;
	list_append(&s->reqs, &r->le, r);
	*idp = id;
	return 0;
}

/* A server that does not answer (no 'P' within a compile's time limit): its process group is
 * killed, and it is gone (the open requests are told 'L'). */
void cx_docsrv_kill(struct cx_docsrv *s)
{
	if (!s || s->pid <= 0)
		return;
	cx_log(CX_LOG_WARN, NULL, "the compile server (ccxmlc --compile-server) did not answer: "
	       "killed; documents are compiled by a ccxmlc process each");
	kill(-s->pid, SIGKILL);
	cx_docsrv__lost(s);
}

void cx_docsrv_forget(struct cx_docsrv *s, uint32_t id)
{
	struct le *le;

	if (!s || !id)
		return;
	LIST_FOREACH(&s->reqs, le) {
		cx_docsrv_req *r = le->data;
		if (r->id == id) {
			list_unlink(&r->le);
			mem_deref(r);
			return;
		}
	}
}
