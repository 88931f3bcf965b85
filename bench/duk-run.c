/* Runs bench/seed-exprs.js with Duktape 2.7: seedExprs(makeEvent(), N) and prints the checksum
 * and the time spent in the call (monotonic clock), as "duktape <checksum> <seconds>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <duktape.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: duk-run FILE.js N\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	static char src[1 << 16];
	size_t n = fread(src, 1, sizeof src - 1, f);
	fclose(f);
	src[n] = 0;

	duk_context *ctx = duk_create_heap_default();
	if (duk_peval_string(ctx, src) != 0) {
		fprintf(stderr, "duk: %s\n", duk_safe_to_string(ctx, -1));
		return 1;
	}
	duk_pop(ctx);
	char call[128];
	snprintf(call, sizeof call, "seedExprs(makeEvent(), %ld)", atol(argv[2]));
	double t0 = now();
	if (duk_peval_string(ctx, call) != 0) {
		fprintf(stderr, "duk: %s\n", duk_safe_to_string(ctx, -1));
		return 1;
	}
	double t1 = now();
	printf("duktape %.0f %.6f\n", duk_get_number(ctx, -1), t1 - t0);
	duk_destroy_heap(ctx);
	return 0;
}
