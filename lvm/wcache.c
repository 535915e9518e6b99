/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wcache.c - a write-back cache of filesystem blocks (wcache.h). */
#define _GNU_SOURCE
#include "wcache.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct ivg_wcache {
	unsigned bs;
	size_t cap, n;             /* entries: at most, in use */
	uint64_t *blk;             /* entry -> block */
	uint8_t *dirty;            /* entry -> written since the last flush */
	uint64_t *seq;             /* entry -> when it was last written */
	uint64_t next_seq;
	uint8_t *data;             /* entry -> bs bytes */
	/* Open addressing: block -> entry + 1 (0: empty), 2 * cap slots. */
	uint32_t *slot;
	size_t nslot;
	uint8_t *run;              /* contiguous blocks gathered for a write */
};

struct ivg_wcache *ivg_wcache_new(unsigned bs, size_t bytes)
{
	struct ivg_wcache *w = calloc(1, sizeof(*w));

	if (!w || !bs)
		goto fail;
	w->bs = bs;
	w->cap = bytes / bs ? bytes / bs : 1;
	w->nslot = 2 * w->cap;
	w->blk = calloc(w->cap, sizeof(*w->blk));
	w->dirty = calloc(w->cap, 1);
	w->seq = calloc(w->cap, sizeof(*w->seq));
	w->data = malloc(w->cap * bs);
	w->run = malloc(w->cap * bs);
	w->slot = calloc(w->nslot, sizeof(*w->slot));
	if (w->blk && w->dirty && w->seq && w->data && w->run && w->slot)
		return w;
fail:
	ivg_wcache_free(w);
	return NULL;
}

void ivg_wcache_free(struct ivg_wcache *w)
{
	if (!w)
		return;
	free(w->blk);
	free(w->dirty);
	free(w->seq);
	free(w->data);
	free(w->run);
	free(w->slot);
	free(w);
}

unsigned ivg_wcache_bs(const struct ivg_wcache *w)
{
	return w->bs;
}

static size_t hash(const struct ivg_wcache *w, uint64_t blk)
{
	return (size_t)((blk * 0x9E3779B97F4A7C15ULL) >> 17) % w->nslot;
}

/* The slot holding blk, or the empty slot where it would go. */
static size_t find(const struct ivg_wcache *w, uint64_t blk)
{
	size_t i = hash(w, blk);

	while (w->slot[i] && w->blk[w->slot[i] - 1] != blk)
		i = (i + 1) % w->nslot;
	return i;
}

static int by_seq(const void *a, const void *b, void *arg)
{
	const uint64_t *seq = arg;
	uint64_t x = seq[*(const uint32_t *)a], y = seq[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

static void empty(struct ivg_wcache *w)
{
	memset(w->slot, 0, w->nslot * sizeof(*w->slot));
	w->n = 0;
}

int ivg_wcache_flush(struct ivg_ctx *ctx, struct ivg_wcache *w,
		     struct ivg_lvio *io)
{
	uint32_t *order;
	size_t n = 0;
	int r = 0;

	if (!w || !w->n)
		return 0;
	order = malloc(w->n * sizeof(*order));
	if (!order)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < w->n; i++)
		if (w->dirty[i])
			order[n++] = (uint32_t)i;
	/* In the order the blocks were last written, as libext2fs issued
	 * them (a crash in the middle leaves what it would have left). */
	qsort_r(order, n, sizeof(*order), by_seq, w->seq);
	for (size_t i = 0; !r && i < n;) {
		uint64_t first = w->blk[order[i]];
		size_t k = 0;

		/* Gather the run of blocks written one after another. */
		while (i + k < n && w->blk[order[i + k]] == first + k) {
			memcpy(w->run + k * w->bs, w->data + (size_t)order[i + k] * w->bs, w->bs);
			k++;
		}
		r = ivg_lvio_pwrite(ctx, io, w->run, k * w->bs, first * w->bs);
		for (size_t j = 0; !r && j < k; j++)
			w->dirty[order[i + j]] = 0;
		i += k;
	}
	free(order);
	/* A failed write is reported once, as the kernel reports a writeback
	 * error: the blocks not written are dropped (reads see the disk
	 * again), so that a later flush (closing the filesystem) neither
	 * fails again over the message nor writes them out of order. */
	if (r)
		empty(w);
	return r;
}

/* Room for one more entry: when full, the dirty ones are written and
 * every entry goes. */
static int make_room(struct ivg_ctx *ctx, struct ivg_wcache *w,
		     struct ivg_lvio *io)
{
	int r = 0;

	if (w->n == w->cap && !(r = ivg_wcache_flush(ctx, w, io)))
		empty(w);
	return r;
}

/* The entry for blk (new ones clean, unfilled); -errno. */
static int entry(struct ivg_ctx *ctx, struct ivg_wcache *w, struct ivg_lvio *io,
		 uint64_t blk, size_t *e)
{
	size_t i = find(w, blk);
	int r;

	if (!w->slot[i]) {
		if ((r = make_room(ctx, w, io)))
			return r;
		i = find(w, blk);
		w->blk[w->n] = blk;
		w->dirty[w->n] = 0;
		w->slot[i] = (uint32_t)++w->n;
	}
	*e = w->slot[i] - 1;
	return 0;
}

bool ivg_wcache_read(struct ivg_wcache *w, uint64_t blk, size_t count,
		     void *data)
{
	uint8_t *p = data;

	for (size_t b = 0; b < count; b++)
		if (!w->n || !w->slot[find(w, blk + b)])
			return false;
	for (size_t b = 0; b < count; b++)
		memcpy(p + b * w->bs, w->data + (size_t)(w->slot[find(w, blk + b)] - 1) * w->bs,
		       w->bs);
	return true;
}

int ivg_wcache_fill(struct ivg_ctx *ctx, struct ivg_wcache *w,
		    struct ivg_lvio *io, uint64_t blk, size_t count,
		    const void *data)
{
	const uint8_t *p = data;

	for (size_t b = 0; b < count; b++) {
		size_t e;
		int r;

		if (w->n && w->slot[find(w, blk + b)])
			continue;           /* the cache's copy is the newer */
		if ((r = entry(ctx, w, io, blk + b, &e)))
			return r;
		memcpy(w->data + e * w->bs, p + b * w->bs, w->bs);
	}
	return 0;
}

int ivg_wcache_write(struct ivg_ctx *ctx, struct ivg_wcache *w,
		     struct ivg_lvio *io, uint64_t blk, size_t count,
		     const void *data)
{
	const uint8_t *p = data;

	for (size_t b = 0; b < count; b++) {
		size_t e;
		int r = entry(ctx, w, io, blk + b, &e);

		if (r)
			return r;
		memcpy(w->data + e * w->bs, p + b * w->bs, w->bs);
		/* Ordered by its last write: what libext2fs wrote after it
		 * (a bitmap after the inode it frees) reaches the LV after. */
		w->seq[e] = w->next_seq++;
		w->dirty[e] = 1;
	}
	return 0;
}

void ivg_wcache_overlay(const struct ivg_wcache *w, uint64_t blk, size_t count,
			void *data)
{
	uint8_t *p = data;

	for (size_t b = 0; w && w->n && b < count; b++) {
		size_t i = find(w, blk + b);

		if (w->slot[i])
			memcpy(p + b * w->bs, w->data + (size_t)(w->slot[i] - 1) * w->bs, w->bs);
	}
}

/* Remove entry e, moving the last entry into its place. */
static void remove_entry(struct ivg_wcache *w, size_t s)
{
	size_t e = w->slot[s] - 1, last = w->n - 1;

	if (e != last) {
		size_t ls = find(w, w->blk[last]);

		w->blk[e] = w->blk[last];
		w->dirty[e] = w->dirty[last];
		w->seq[e] = w->seq[last];
		memcpy(w->data + e * w->bs, w->data + last * w->bs, w->bs);
		w->slot[ls] = (uint32_t)(e + 1);
	}
	w->n--;
	/* Re-place the cluster after s (open addressing deletion). */
	w->slot[s] = 0;
	for (size_t i = (s + 1) % w->nslot; w->slot[i]; i = (i + 1) % w->nslot) {
		uint32_t v = w->slot[i];

		w->slot[i] = 0;
		w->slot[find(w, w->blk[v - 1])] = v;
	}
}

void ivg_wcache_drop(struct ivg_wcache *w, uint64_t blk, size_t count)
{
	for (size_t b = 0; w && w->n && b < count; b++) {
		size_t s = find(w, blk + b);

		if (w->slot[s])
			remove_entry(w, s);
	}
}
