/* The ceiling: bench/events.ccxml and bench/idle.ccxml written by hand in C, a switch over
 * state and event and a ring-buffer event queue per machine.
 *   cmachine events N   n tick events through one machine; prints "events N"
 *   cmachine idle K     K idle machines, then waits (the harness reads RSS and CPU time) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum cm_state { CM_RUN, CM_DONE, CM_WAIT };
enum cm_event { CM_LOADED, CM_TICK, CM_TOCK, CM_ALERTING };

#define CM_QLEN 8	/* a power of two */

struct cm_machine {
	enum cm_state state;
	long i, n;
	unsigned head, tail;
	unsigned char queue[CM_QLEN];
};

static void cm_send(struct cm_machine *m, enum cm_event e)
{
	if (m->tail - m->head == CM_QLEN) {
		fprintf(stderr, "cmachine: queue full\n");
		exit(1);
	}
	m->queue[m->tail++ % CM_QLEN] = (unsigned char)e;
}

static void cm_step(struct cm_machine *m, enum cm_event e)
{
	switch (m->state) {
	case CM_RUN:
		switch (e) {
		case CM_LOADED: cm_send(m, CM_TICK); break;
		case CM_TOCK: puts("FAIL never sent"); break;
		case CM_TICK:
			if (m->i < m->n) {
				m->i = m->i + 1;
				cm_send(m, CM_TICK);
			} else {
				printf("events %ld\n", m->i);
				m->state = CM_DONE;
			}
			break;
		default: break;
		}
		break;
	case CM_WAIT:
		if (e == CM_ALERTING)
			m->i = m->i + 1;	/* calls = calls + 1 */
		break;
	case CM_DONE: break;
	}
}

static void cm_run(struct cm_machine *m)
{
	while (m->head != m->tail && m->state != CM_DONE)
		cm_step(m, (enum cm_event)m->queue[m->head++ % CM_QLEN]);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "events") && strcmp(argv[1], "idle"))) {
		fprintf(stderr, "usage: %s events N | idle K\n", argv[0]);
		return 2;
	}
	long k = strtol(argv[2], NULL, 10);
	if (!strcmp(argv[1], "events")) {
		struct cm_machine *m = calloc(1, sizeof *m);
		m->state = CM_RUN;
		m->n = k;
		cm_send(m, CM_LOADED);
		cm_run(m);
		free(m);
		return 0;
	}
	struct cm_machine **all = malloc(sizeof *all * (size_t)(k > 0 ? k : 1));
	for (long j = 0; j < k; j++) {
		all[j] = calloc(1, sizeof *all[j]);
		all[j]->state = CM_WAIT;
		cm_run(all[j]);
	}
	fflush(stdout);
	for (;;)
		pause();
}
