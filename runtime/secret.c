/*
 * secret.c — randomness for ids and secrets (the kernel's CSPRNG) and constant-time comparison
 * of tokens and secrets.
 */
#include <string.h>
#include <errno.h>
#include <sys/random.h>
#include "rt.h"

int cx_rt_random(void *p, size_t n)
{
	uint8_t *b = p;

	/* the kernel's CSPRNG (libre's rand_bytes() is only that when libre was built with
	 * OpenSSL); blocks only until the pool is seeded, once, early after boot */
	while (n) {
		ssize_t got = getrandom(b, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		b += got;
		n -= (size_t)got;
	}
	return 0;
}

int cx_rt_ct_eq(const char *secret, const char *given)
{
	size_t sl = strlen(secret), gl = strlen(given), i;
	volatile unsigned char d = (unsigned char)(sl != gl);

	/* the time depends on the length of what was given, never on where it differs nor on
	 * the secret's length */
	for (i = 0; i < gl; i++)
		d |= (unsigned char)given[i] ^ (unsigned char)(sl ? secret[i % sl] : 0);
	return d == 0;
}
