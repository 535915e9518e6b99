/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aio.c - parallel reads with libaio, with a pread fallback. */
#include "aio.h"

#include <errno.h>
#include <libaio.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"

/* Reads one request with pread; results as the AIO path sets them. */
static int read_one_sync(struct ivg_aio_req *rq)
{
	char *p = rq->buf;
	size_t left = rq->len;
	uint64_t off = rq->off;

	while (left) {
		ssize_t n = pread(rq->dev->fd, p, left, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;         /* past the end: a short read */
		p += n;
		off += (uint64_t)n;
		left -= (size_t)n;
	}
	return 0;
}

int ivg_aio_read_sync(struct ivg_ctx *ctx, struct ivg_aio_req *reqs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		reqs[i].result = read_one_sync(&reqs[i]);
	return 0;
}

/* The in-flight window: IVG_AIO_DEPTH control blocks and a free list. */
struct window {
	io_context_t ioc;
	struct iocb cb[IVG_AIO_DEPTH];
	int free_idx[IVG_AIO_DEPTH];
	size_t nfree;
	size_t inflight;
};

static void window_init(struct window *w, size_t depth)
{
	w->nfree = 0;
	w->inflight = 0;
	for (size_t i = depth; i > 0; i--)
		w->free_idx[w->nfree++] = (int)(i - 1);
}

static void release(struct window *w, struct iocb *cb)
{
	w->free_idx[w->nfree++] = (int)(cb - w->cb);
}

static size_t req_index(const struct ivg_aio_req *reqs, const struct iocb *cb)
{
	return (size_t)((const struct ivg_aio_req *)cb->data - reqs);
}

/* Fill control blocks from *next on; zero-length reads finish at once. */
static size_t prepare(struct window *w, struct ivg_aio_req *reqs, size_t n,
		      size_t *next, struct iocb **batch)
{
	size_t k = 0;

	for (; *next < n && w->nfree; (*next)++) {
		struct ivg_aio_req *rq = &reqs[*next];
		struct iocb *cb;

		if (!rq->len) {
			rq->result = 0;
			continue;
		}
		cb = &w->cb[w->free_idx[--w->nfree]];
		io_prep_pread(cb, rq->dev->fd, rq->buf, rq->len,
			      (long long)rq->off);
		cb->data = rq;
		batch[k++] = cb;
	}
	return k;
}

/*
 * Submit requests from *next on while control blocks are free. Blocks
 * the kernel does not take are given back and *next rewound to them. A
 * request the kernel rejects outright (an error other than EAGAIN) gets
 * that error as its result. Returns -EAGAIN when the kernel took nothing
 * and nothing is in flight (the caller then falls back to pread).
 */
static int submit_more(struct window *w, struct ivg_aio_req *reqs, size_t n,
		       size_t *next)
{
	struct iocb *batch[IVG_AIO_DEPTH];
	size_t k = prepare(w, reqs, n, next, batch), taken;
	int got;

	if (!k)
		return 0;
	got = io_submit(w->ioc, (long)k, batch);
	if ((got == -EAGAIN || got == 0) && !w->inflight) {
		for (size_t i = 0; i < k; i++)
			release(w, batch[i]);
		*next = req_index(reqs, batch[0]);
		return -EAGAIN;
	}
	if (got >= 0) {
		taken = (size_t)got;
		w->inflight += taken;
	} else if (got == -EAGAIN) {
		taken = 0;                   /* retry after some complete */
	} else {
		((struct ivg_aio_req *)batch[0]->data)->result = got;
		release(w, batch[0]);
		taken = 1;
	}
	for (size_t i = taken; i < k; i++)
		release(w, batch[i]);
	if (taken < k)
		*next = req_index(reqs, batch[taken]);
	return 0;
}

static int reap(struct ivg_ctx *ctx, struct window *w)
{
	struct io_event ev[IVG_AIO_DEPTH];
	int got;

	do
		got = io_getevents(w->ioc, 1, IVG_AIO_DEPTH, ev, NULL);
	while (got == -EINTR);
	if (got < 0)
		return ivg_err(ctx, -got, "waiting for parallel reads failed: %s",
			       strerror(-got));
	for (int i = 0; i < got; i++) {
		struct ivg_aio_req *rq = ev[i].data;
		long res = (long)ev[i].res;

		if (res < 0)
			rq->result = (int)res;
		else
			rq->result = (size_t)res == rq->len ? 0 : -EIO;
		release(w, ev[i].obj);
		w->inflight--;
	}
	return 0;
}

static int run(struct ivg_ctx *ctx, struct window *w,
	       struct ivg_aio_req *reqs, size_t n)
{
	size_t next = 0;
	int r = 0;

	while (!r && (next < n || w->inflight)) {
		if (next < n && submit_more(w, reqs, n, &next) == -EAGAIN) {
			ivg_debug(ctx, "aio: kernel queue full, reading %zu requests one at a time",
				  n - next);
			return ivg_aio_read_sync(ctx, reqs + next, n - next);
		}
		if (w->inflight)
			r = reap(ctx, w);
	}
	/* On failure, drain what is in flight before the blocks go away. */
	while (r && w->inflight && reap(ctx, w) == 0)
		;
	return r;
}

int ivg_aio_read_all(struct ivg_ctx *ctx, struct ivg_aio_req *reqs, size_t n)
{
	struct window w;
	size_t depth = n < IVG_AIO_DEPTH ? n : IVG_AIO_DEPTH;
	int r;

	if (!n)
		return 0;
	w.ioc = 0;
	r = io_setup((int)depth, &w.ioc);
	if (r < 0) {
		ivg_debug(ctx, "aio: io_setup(%zu) failed (%s), using pread",
			  depth, strerror(-r));
		return ivg_aio_read_sync(ctx, reqs, n);
	}
	window_init(&w, depth);
	r = run(ctx, &w, reqs, n);
	io_destroy(w.ioc);
	return r;
}
