/*
 * bench/sip/rtpsink.c — the RTP sink of the SIP benchmark: sipp's SDP offer points the
 * program's audio here (bench/sip/run.sh builds it with cc and waits for READY before calling).
 *
 *   rtpsink PORT OUT.json LIFETIME_S READY [echo]
 *
 * Binds 127.0.0.1:PORT and PORT + 1 (RTCP, counted only), then creates the file READY; receives RTP until SIGTERM (or LIFETIME_S
 * seconds) and writes OUT.json: the stream (SSRC and source port) count, packets, the smallest and largest packet
 * count of a stream, packets later than 50 ms, the largest lateness, packets that are not RTP
 * and the sink's own CPU seconds. A packet is due when a receiver would play it: at the arrival of
 * its stream's first packet + (its RTP timestamp - the first one's) / 8 ms (8 kHz audio; for
 * 20 ms packets sent one after the other that is 20 ms x their distance in sequence numbers;
 * a sender that skips audio after a stall has its later packets due later, and the skipped
 * ones count as missing). Arrival is the time the
 * kernel queued the packet on this socket (SO_TIMESTAMPNS), not when this process got to read
 * it: the sink's own scheduling delays (it shares 2 cores with the program and sipp) do not
 * count against the sender, and everything up to the socket does (the sender's lateness, its
 * sendto, loopback). A packet without that stamp is timed when it is read.
 *
 * With "echo" every RTP packet read is sent back to where it came from (the program's RTP
 * port), its SSRC changed (x ^ 0x5a5a5a5a: a stream of the caller's, not the program's own
 * coming back), as a caller talking all the time would: the program then receives as much
 * audio as it sends (bench/sip/run.sh SINK_ECHO=1). The echo leaves with the sink's 5 ms
 * reads, so it comes up to 5 ms in bursts; it is not timed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/net_tstamp.h>

enum { NSLOT = 1 << 16, BATCH = 64 };

typedef struct stream {
	uint32_t ssrc;
	uint16_t port;        /* the sender's: each call is an RTP session of its own, whose SSRC
			       * another call may have too (RFC 3550 8.1 asks it unique within a
			       * session only): with 2,500 calls a step, 1 in ~1,400 steps */
	int used;
	uint64_t count, late;
	double t0, maxlate;
	int64_t ts0, last;    /* extended RTP timestamps */
} stream;

static stream slots[NSLOT];
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The kernel's arrival time of a packet on the monotonic clock: its SO_TIMESTAMPNS stamp is
 * wall-clock time, so what is used is its age when read (wall_read - stamp) taken from the
 * monotonic time of the read, mono_read. Without a stamp, or with an age that is not plausible
 * (the wall clock stepped between arrival and read), the read time. */
static double arrival(struct msghdr *h, double mono_read, double wall_read)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			double age = wall_read - ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
			return age >= 0 && age < 2 ? mono_read - age : mono_read;
		}
	return mono_read;
}

static stream *find(uint32_t ssrc, uint16_t port)
{
	uint32_t h = ((ssrc ^ port) * 2654435761u) & (NSLOT - 1);
	for (int i = 0; i < NSLOT; i++, h = (h + 1) & (NSLOT - 1))
		if (!slots[h].used || (slots[h].ssrc == ssrc && slots[h].port == port))
			return &slots[h];
	return NULL; /* more than 65536 streams: not counted */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 5 && !(argc == 6 && !strcmp(argv[5], "echo"))) {
		fprintf(stderr, "usage: %s PORT OUT.json LIFETIME_S READY [echo]\n", argv[0]);
		return 2;
	}
	int echo = argc == 6;
	uint64_t echoed = 0, echo_err = 0;
	int port = atoi(argv[1]);
	double life = atof(argv[3]);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int buf = 16 << 20;
	/* As root, past rmem_max: a burst must not be lost in the sink. */
	if (s < 0 || (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) != 0 &&
		      setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf) != 0)) {
		perror("rtpsink: socket");
		return 1;
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
		fprintf(stderr, "rtpsink: bind 127.0.0.1:%d: %s\n", port, strerror(errno));
		return 1;
	}
	/* RTP + 1, the RTCP port (RFC 3550 11) where the program's reports go: a real far end
	 * listens there; a closed one would answer each report with an ICMP error, work for the
	 * program's host that no real call makes */
	int rs = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in ra = a;
	ra.sin_port = htons((uint16_t)(port + 1));
	if (rs >= 0 && bind(rs, (struct sockaddr *)&ra, sizeof ra) != 0) {
		fprintf(stderr, "rtpsink: bind 127.0.0.1:%d (RTCP): %s\n", port + 1, strerror(errno));
		close(rs);
		rs = -1;
	}
	uint64_t rtcp = 0;
	int on = 1;
	if (setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)
		perror("rtpsink: SO_TIMESTAMPNS (packets are timed when read)");
	signal(SIGTERM, on_term);
	int rf = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (rf < 0) {
		perror("rtpsink: ready file");
		return 1;
	}
	close(rf);

	static unsigned char bufs[BATCH][2048];
	static unsigned char ctl[BATCH][CMSG_SPACE(sizeof(struct timespec)) + 64];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH];
	uint64_t bad = 0;
	double end = now() + life;
	/* Packets are read every 5 ms, not as they come: with their kernel stamps that changes no
	 * measure, and a sink that waited in poll() was woken by each packet, on loopback in the
	 * sender's sendto: thousands of context switches a second on the 2 cores the program
	 * shares with it, charged to the program's media clock (a real peer is on another host). */
	while (!stop && now() < end) {
		struct timespec nap = { 0, 5 * 1000 * 1000 };
		nanosleep(&nap, NULL);
		while (rs >= 0 && recv(rs, bufs[0], sizeof bufs[0], MSG_DONTWAIT) > 0)
			rtcp++;
		for (;;) {
			for (int i = 0; i < BATCH; i++) {
				iov[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
				msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &from[i],
					.msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1,
					.msg_control = ctl[i], .msg_controllen = sizeof ctl[i] } };
			}
			int n = recvmmsg(s, msgs, BATCH, MSG_DONTWAIT, NULL);
			if (n <= 0)
				break;
			double w0 = wall(), tread = now(), w1 = wall();
			/* a wall-clock step during the read: every stamp's age is off */
			int stepped = w1 - w0 > 0.005 || w1 < w0;
			for (int i = 0; i < n; i++) {
				const unsigned char *b = bufs[i];
				double t = stepped ? tread : arrival(&msgs[i].msg_hdr, tread, w0);
				if (msgs[i].msg_len < 12 || b[0] >> 6 != 2) {
					bad++;
					continue;
				}
				uint32_t ts = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
				uint32_t ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
				uint16_t port = ntohs(from[i].sin_port);
				if (echo) {
					unsigned char *w = bufs[i];
					w[8] ^= 0x5a, w[9] ^= 0x5a, w[10] ^= 0x5a, w[11] ^= 0x5a;
					if (sendto(s, w, msgs[i].msg_len, 0, (struct sockaddr *)&from[i],
						   sizeof from[i]) < 0)
						echo_err++;
					else
						echoed++;
				}
				stream *st = find(ssrc, port);
				if (!st)
					continue;
				if (!st->used) {
					*st = (stream){ .ssrc = ssrc, .port = port, .used = 1, .count = 1, .t0 = t,
							.ts0 = ts, .last = ts };
					continue;
				}
				/* extend the 32-bit timestamp across wraps, near the last one seen */
				int64_t ext = st->last + (int64_t)(int32_t)(ts - (uint32_t)st->last);
				if (ext > st->last)
					st->last = ext;
				st->count++;
				double late = t - (st->t0 + (double)(ext - st->ts0) / 8000.0);
				if (late > st->maxlate)
					st->maxlate = late;
				if (late > 0.050)
					st->late++;
			}
		}
	}

	uint64_t *counts = calloc(NSLOT, sizeof *counts), packets = 0, late = 0;
	size_t n = 0;
	double maxlate = 0;
	for (int i = 0; i < NSLOT; i++)
		if (slots[i].used) {
			counts[n++] = slots[i].count;
			packets += slots[i].count;
			late += slots[i].late;
			if (slots[i].maxlate > maxlate)
				maxlate = slots[i].maxlate;
		}
	qsort(counts, n, sizeof *counts, cmp_u64);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	FILE *f = fopen(argv[2], "w");
	if (!f) {
		perror("rtpsink: output");
		return 1;
	}
	fprintf(f, "{\"streams\": %zu, \"packets\": %llu, \"min_packets\": %llu, \"max_packets\": %llu, "
		"\"late_packets\": %llu, \"max_late_ms\": %.1f, \"not_rtp\": %llu, \"rtcp\": %llu, "
		"\"cpu_s\": %.2f, \"echoed\": %llu, \"echo_errors\": %llu}\n",
		n, (unsigned long long)packets, (unsigned long long)(n ? counts[0] : 0),
		(unsigned long long)(n ? counts[n - 1] : 0), (unsigned long long)late, 1000 * maxlate,
		(unsigned long long)bad, (unsigned long long)rtcp, cpu, (unsigned long long)echoed,
		(unsigned long long)echo_err);
	fclose(f);
	free(counts);
	return 0;
}
