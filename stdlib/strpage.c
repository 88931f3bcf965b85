/*
 * strpage.c — pages of short plain strings: allocation by a bit scan, reclamation by the page.
 *
 * A busy script makes most of its strings to drop them at once (`'x = ' + x` logged, compared,
 * measured). On the free lists (heap.c) each such string costs a pop when made, and a visit
 * and a push when swept; both chase a pointer into a block that was last touched long ago.
 * Here a page of CX_PG_SIZE bytes holds slots of one size class and two bitmaps: `live`, the
 * slots the last collection found alive, and `mark`, the collection in progress. The allocator
 * takes the slots the last collection did not keep, in address order (cx_pg__take, inline in
 * cx_priv.h); marking sets a bit (cx_pg__mark); the sweep turns each page's marks into its new
 * live set a 64-slot word at a time, so a dead string costs nothing of its own.
 *
 * Nothing moves: the C stack's words (cx_pg__mark_words) keep the slot they point into, as for
 * every other heap thing. A slot's header keeps the slot's index in place of the list link, so
 * marking needs no division. Empty pages are kept for reuse up to CX_PG_KEEP per heap and freed
 * when the session goes idle (cx_heap_trim). Under AddressSanitizer the free slots are
 * poisoned: a string read after its collection is reported as with malloc.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "cx_priv.h"

/* Empty pages kept per heap after a sweep (the rest are freed): a busy session reuses them. */
#define CX_PG_KEEP 64

static void cx_pg__poison(struct cx_page *pg, uint32_t i, uint32_t n)
{
#if CX_ASAN
	ASAN_POISON_MEMORY_REGION((char *)pg + CX_PG_HDR + (size_t)i * pg->cls * 16,
				  (size_t)n * pg->cls * 16);
#else
	(void)pg, (void)i, (void)n;
#endif
}

static void cx_pg__free(struct cx_page *pg)
{
#if CX_ASAN
	ASAN_UNPOISON_MEMORY_REGION(pg, CX_PG_SIZE);
#endif
	free(pg);
}

uintptr_t cx_pg__none[2 * CX_PG_CLASSES]; /* every run empty: cx_ctx.pgb without pages */

int cx_pg__enable(cx_ctx *X)
{
	struct cx_heap *h = X->heap;

	if (!h->pg)
		h->pg = calloc(1, sizeof(*h->pg));
	/* generated code takes slots from the runs too (cx_value.h cx_add_lit8), but writes no
	 * sanitizer annotation: under ASan it calls stdlib, which unpoisons what it takes */
	X->pgb = h->pg && !CX_ASAN ? h->pg->bump : cx_pg__none;
	return h->pg ? 0 : ENOMEM;
}

/* A new page of class c, after `last` in its list (the list's head if NULL); NULL if malloc
 * fails. */
static struct cx_page *cx_pg__new(struct cx_heap *h, size_t c, struct cx_page *last)
{
	struct cx_pages *P = h->pg;
	struct cx_page *pg = aligned_alloc(CX_PG_SIZE, CX_PG_SIZE);

	if (!pg)
		return NULL;
	memset(pg, 0, CX_PG_HDR);
	pg->cls = (uint32_t)c;
	pg->nslots = (uint32_t)((CX_PG_SIZE - CX_PG_HDR) / (c * 16));
	pg->inv = (((uint64_t)1 << 32) + c * 16 - 1) / (c * 16); /* exact below CX_PG_SIZE */
	cx_pg__poison(pg, 0, pg->nslots);
	if (last) {
		pg->next = last->next;
		last->next = pg;
	}
	else {
		pg->next = P->all[c];
		P->all[c] = pg;
	}
	/* the stack scan's filter (heap.c cx_gc__stack) must see the page */
	if ((uintptr_t)pg < h->lo)
		h->lo = (uintptr_t)pg;
	if ((uintptr_t)pg + CX_PG_SIZE > h->hi)
		h->hi = (uintptr_t)pg + CX_PG_SIZE;
	return pg;
}

/* The slots [i, j) of pg: the next run of slots the last collection did not keep, at or after
 * its cursor; 0 when the page has none left. */
static int cx_pg__run(const struct cx_page *pg, uint32_t *i, uint32_t *j)
{
	uint32_t k = pg->cursor;
	uint64_t f;

	for (; k < pg->nslots; k = (k / 64 + 1) * 64)
		if ((f = ~pg->live[k / 64] >> (k % 64))) {
			k += (uint32_t)__builtin_ctzll(f);
			break;
		}
	if (k >= pg->nslots)
		return 0;
	*i = k;
	for (; k < pg->nslots; k = (k / 64 + 1) * 64)
		if ((f = pg->live[k / 64] >> (k % 64))) {
			k += (uint32_t)__builtin_ctzll(f);
			break;
		}
	*j = k < pg->nslots ? k : pg->nslots;
	return 1;
}

static uintptr_t cx_pg__addr(const struct cx_page *pg, uint32_t i)
{
	return (uintptr_t)pg + CX_PG_HDR + (uintptr_t)i * pg->cls * 16;
}

/* The run being taken in class c ends where the allocator got: its page's cursor says so, and
 * the part of the run not taken is given back to the heap's counts. */
static void cx_pg__settle(struct cx_heap *h, size_t c)
{
	struct cx_pages *P = h->pg;
	size_t rest = P->end[c] - P->bump[c];

	if (P->cur[c] && P->end[c])
		P->cur[c]->cursor = cx_pg__index(P->cur[c], P->bump[c]);
	h->used -= rest;
	h->since = h->since > rest ? h->since - rest : 0;
	P->bump[c] = P->end[c] = 0;
}

/* The next run of free slots of class c (its page's rest, the pages after it, a new page) in
 * P->bump[c]..P->end[c], not charged: the caller charges it. Its bytes; 0 when malloc fails (no
 * run then). */
size_t cx_pg__refill(struct cx_heap *h, size_t c)
{
	struct cx_pages *P = h->pg;
	struct cx_page *pg, *last = NULL;
	uint32_t i, j;

	cx_pg__settle(h, c);
	/* cur is NULL only when the list is empty (sweeps and trims set it to the head) */
	for (pg = P->cur[c]; pg; last = pg, pg = pg->next)
		if (cx_pg__run(pg, &i, &j))
			break;
	if (!pg) {
		if (!(pg = cx_pg__new(h, c, last)))
			return 0;
		i = 0;
		j = pg->nslots;
	}
	P->cur[c] = pg;
	pg->cursor = j; /* for the walk above; cx_pg__settle puts the truth back */
	P->bump[c] = cx_pg__addr(pg, i);
	P->end[c] = cx_pg__addr(pg, j);
	return (size_t)(j - i) * c * 16;
}

/* Marks every slot one of the n sorted words of the C stack points into (heap.c cx_gc__stack):
 * a derived pointer, such as a string's characters, keeps its string. */
void cx_pg__mark_words(struct cx_heap *h, const uintptr_t *w, size_t n)
{
	struct cx_page *pg;
	size_t c, k;

	for (c = 1; c <= CX_POOL_MAX / 16; c++) {
		/* a cons's parts are marked too, but only a taken slot's header may be read (a free
		 * one holds a dead string, or under ASan is poisoned): the run being taken settled,
		 * its page's cursor says which slots were taken since the last collection */
		cx_pg__settle(h, c);
		for (pg = h->pg->all[c]; pg; pg = pg->next) {
			uintptr_t base = (uintptr_t)pg + CX_PG_HDR;
			uintptr_t end = base + (uintptr_t)pg->nslots * c * 16;
			for (k = cx_words__lower(w, n, base); k < n && w[k] < end; k++) {
				uint32_t i = cx_pg__index(pg, w[k]);
				uint64_t bit = (uint64_t)1 << (i % 64);
				const uint32_t *slot = (const uint32_t *)cx_pg__addr(pg, i);
				if (pg->mark[i / 64] & bit)
					continue;
				pg->mark[i / 64] |= bit;
				if ((i < pg->cursor || (pg->live[i / 64] & bit)) && (*slot & CX_GC_CONS))
					cx_gc__parts((void *)slot);
			}
		}
	}
}

/* The bits set in x, without libgcc's call (the baseline x86-64 has no popcnt instruction). */
static inline uint32_t cx_pg__bits(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555u;
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (uint32_t)((x * 0x0101010101010101u) >> 56);
}

/* After marking: each page's marks among its taken slots become its live set, the rest of its
 * slots are free again, its cursor goes back to the first slot. Empty pages past CX_PG_KEEP are
 * freed. Returns the bytes freed (already taken off h->used). */
size_t cx_pg__sweep(struct cx_heap *h)
{
	struct cx_pages *P = h->pg;
	struct cx_page *pg, **pp;
	size_t c, freed = 0, empty = 0;
	uint32_t k;

	for (c = 1; c <= CX_POOL_MAX / 16; c++) {
		cx_pg__settle(h, c);
		for (pp = &P->all[c]; (pg = *pp);) {
			uint32_t taken = 0, nlive = 0;
			for (k = 0; k < CX_PG_WORDS; k++) {
				uint32_t lo = k * 64;
				uint64_t below = pg->cursor >= lo + 64 ? ~(uint64_t)0
					       : pg->cursor <= lo   ? 0
								    : ((uint64_t)1 << (pg->cursor - lo)) - 1;
				uint64_t occ = pg->live[k] | below, keep = pg->mark[k] & occ;
#if CX_ASAN
				for (uint64_t d = occ & ~keep; d; d &= d - 1)
					cx_pg__poison(pg, lo + (uint32_t)__builtin_ctzll(d), 1);
#endif
				if (occ) {
					taken += cx_pg__bits(occ);
					nlive += cx_pg__bits(keep);
				}
				pg->live[k] = keep;
				pg->mark[k] = 0;
			}
			pg->cursor = 0;
			pg->nlive = nlive;
			freed += (size_t)(taken - nlive) * c * 16;
			if (!nlive && empty++ >= CX_PG_KEEP) {
				*pp = pg->next;
				cx_pg__free(pg);
				continue;
			}
			pp = &pg->next;
		}
		P->cur[c] = P->all[c];
	}
	P->swept = 1;
	h->used -= freed;
	return freed;
}

/* Frees the pages nothing is in (none live at the last collection, none taken since); all:
 * every page, whatever it holds (the heap is being freed). Each time a session goes idle: the
 * walk over its pages is made only when a sweep may have emptied some since the last one (a
 * session of 200,000 strings idle after each event spent ~45 µs a time here, docs/performance.md
 * "Pages of short strings"). */
void cx_pg__trim(struct cx_heap *h, int all)
{
	struct cx_pages *P = h->pg;
	struct cx_page *pg, **pp;
	size_t c;

	if (!P)
		return;
	for (c = 1; c <= CX_POOL_MAX / 16; c++) {
		cx_pg__settle(h, c);
		if (!all && !P->swept)
			continue;
		for (pp = &P->all[c]; (pg = *pp);) {
			if (all || (!pg->nlive && !pg->cursor)) {
				*pp = pg->next;
				cx_pg__free(pg);
				continue;
			}
			pp = &pg->next;
		}
		P->cur[c] = P->all[c];
	}
	P->swept = 0;
}
