/*
 * notify.c — telling a service manager how the service is (sd_notify(3)'s datagram protocol,
 * spoken without libsystemd): READY=1 once it serves, RELOADING=1 / READY=1 around a SIGHUP,
 * STOPPING=1 when it stops, STATUS=… for `systemctl status`, and WATCHDOG=1 keep-alives when
 * the unit sets WatchdogSec=. Nothing happens when NOTIFY_SOCKET is not set.
 */
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "rt.h"

int cx_notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	char msg[512];
	va_list ap;
	ssize_t n;
	int fd, err = 0;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sun.sun_path))
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* an abstract socket */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sun, len);
	if (n < 0)
		err = errno;
	close(fd);
	return err;
}

/* Half the watchdog interval in ms when the manager asked for keep-alives (WatchdogSec=) of
 * this process, else 0. */
uint64_t cx_notify_watchdog_ms(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (!us || (pid && strtol(pid, NULL, 10) != (long)getpid()))
		return 0;
	v = strtoull(us, &end, 10);
	return *end || !v ? 0 : v / 2000;
}
