/* Runs one bench/es program with MuJS 1.3: evaluates FILE.js, then times the call bench(N)
 * with the monotonic clock and prints "mujs <checksum> <ms>" (the checksum is the result's
 * ES ToString, so it reads the same as the other engines'). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <mujs.h>

static double bench__ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	js_State *J;
	double t0, t1;

	if (argc != 3) {
		fprintf(stderr, "usage: mujs-run FILE.js N\n");
		return 2;
	}
	J = js_newstate(NULL, NULL, 0);
	if (!J) {
		fprintf(stderr, "mujs: cannot create a state\n");
		return 1;
	}
	/* js_dofile reports a load or run error through the default reporter (stderr) */
	if (js_dofile(J, argv[1]) != 0)
		return 1;
	js_getglobal(J, "bench");
	js_pushundefined(J);
	js_pushnumber(J, (double)atol(argv[2]));
	t0 = bench__ms();
	if (js_pcall(J, 1) != 0) {
		fprintf(stderr, "mujs: bench: %s\n", js_trystring(J, -1, "exception"));
		return 1;
	}
	t1 = bench__ms();
	printf("mujs %s %.3f\n", js_trystring(J, -1, "?"), t1 - t0);
	js_freestate(J);
	return 0;
}
