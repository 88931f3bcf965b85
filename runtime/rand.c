/*
 * rand.c — libre 1.1.0's rand_u32, replaced (docs/decisions.md "libre's timer search and
 * random numbers replaced").
 *
 * libre, built with OpenSSL, asks OpenSSL's DRBG for 4 bytes at every rand_u32, and its
 * sip_msg_decode takes a rand_u64 (two of them) for every SIP message it reads: about 9,000
 * instructions each, 11 % of a call's user-space instructions in bench/sip. This one serves
 * bytes of the kernel's CSPRNG (getrandom, as session ids: cx_rt_random) from a 4 KB buffer,
 * refilled when it runs out; a forked child starts with an empty buffer, so a parent and its
 * child never hand out the same values. rand_u16 and rand_u64 reach it through libre's PLT
 * (programs link with -rdynamic: tmr.c says why that works); rand_bytes and rand_str, used
 * for bulk and rarely, keep libre's own path.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "rt.h"

static struct {
	uint8_t b[4096];
	size_t left;          /* bytes not handed out yet, at the end of b */
	int hooked;           /* the fork handler is registered */
	uint64_t weak;        /* the fallback's state */
} cx_rand__st;

static void cx_rand__child(void)
{
	cx_rand__st.left = 0;
}

/* Without getrandom (a kernel older than 3.17, where session ids cannot be made either):
 * splitmix64 over the clock, which is not a CSPRNG but keeps SIP tags distinct. */
static void cx_rand__weak(void)
{
	struct timespec ts;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	cx_rand__st.weak ^= (uint64_t)ts.tv_nsec << 20 ^ (uint64_t)ts.tv_sec;
	for (i = 0; i + 8 <= sizeof(cx_rand__st.b); i += 8) {
		uint64_t z = (cx_rand__st.weak += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(cx_rand__st.b + i, &z, 8);
	}
}

uint32_t rand_u32(void)
{
	uint32_t v;

	if (cx_rand__st.left < sizeof(v)) {
		if (!cx_rand__st.hooked && !pthread_atfork(NULL, NULL, cx_rand__child))
			cx_rand__st.hooked = 1;
		if (cx_rt_random(cx_rand__st.b, sizeof(cx_rand__st.b)))
			cx_rand__weak();
		cx_rand__st.left = sizeof(cx_rand__st.b);
	}
	cx_rand__st.left -= sizeof(v);
	memcpy(&v, cx_rand__st.b + cx_rand__st.left, sizeof(v));
	memset(cx_rand__st.b + cx_rand__st.left, 0, sizeof(v)); /* handed out once only */
	return v;
}
