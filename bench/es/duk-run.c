/* Runs one bench/es program with Duktape 2.7: evaluates FILE.js, then times the call bench(N)
 * with the monotonic clock and prints "duktape <checksum> <ms>" (the checksum is the result's
 * ES ToString, so it reads the same as the other engines'). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <duktape.h>

static double bench__ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The whole file in a NUL-terminated heap buffer, or NULL with a message. */
static char *bench__slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f) {
		perror(path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[len] = 0;
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	duk_context *ctx;
	char *src;
	double t0, t1;

	if (argc != 3) {
		fprintf(stderr, "usage: duk-run FILE.js N\n");
		return 2;
	}
	src = bench__slurp(argv[1]);
	if (!src)
		return 2;
	ctx = duk_create_heap_default();
	if (!ctx) {
		fprintf(stderr, "duk: cannot create a heap\n");
		return 1;
	}
	if (duk_peval_string(ctx, src) != 0) {
		fprintf(stderr, "duk: %s: %s\n", argv[1], duk_safe_to_string(ctx, -1));
		return 1;
	}
	duk_pop(ctx);
	duk_get_global_string(ctx, "bench");
	duk_push_number(ctx, (double)atol(argv[2]));
	t0 = bench__ms();
	if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS) {
		fprintf(stderr, "duk: bench: %s\n", duk_safe_to_string(ctx, -1));
		return 1;
	}
	t1 = bench__ms();
	printf("duktape %s %.3f\n", duk_safe_to_string(ctx, -1), t1 - t0);
	duk_destroy_heap(ctx);
	free(src);
	return 0;
}
