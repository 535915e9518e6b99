/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aio.c - parallel reads with io_uring or libaio, with a pread fallback. */
#include "aio.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <libaio.h>
#include <liburing.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"

/* The descriptor for a request: O_DIRECT when it has one and fits. */
static int req_fd(const struct ivg_aio_req *rq)
{
	const struct ivg_dev *d = rq->dev;

	if (d->dfd >= 0 && !((uintptr_t)rq->buf % IVG_DIO_ALIGN) &&
	    !(rq->off % IVG_DIO_ALIGN) && !(rq->len % IVG_DIO_ALIGN))
		return d->dfd;
	return d->fd;
}

/* Reads one request with pread; results as the AIO path sets them. */
static int read_one_sync(struct ivg_aio_req *rq)
{
	char *p = rq->buf;
	size_t left = rq->len;
	uint64_t off = rq->off;

	while (left) {
		ssize_t n = pread(req_fd(rq), p, left, (off_t)off);

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
		io_prep_pread(cb, req_fd(rq), rq->buf, rq->len,
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

struct ivg_aio {
	bool uring;
	struct io_uring ring;
	struct window w;              /* libaio */
};

static bool uring_init(struct ivg_ctx *ctx, struct ivg_aio *aio)
{
	int r = io_uring_queue_init(IVG_AIO_DEPTH, &aio->ring, 0);

	if (r < 0)
		ivg_debug(ctx, "aio: io_uring unavailable (%s), trying libaio",
			  strerror(-r));
	return aio->uring = r >= 0;
}

static bool libaio_init(struct ivg_ctx *ctx, struct ivg_aio *aio)
{
	int r = io_setup(IVG_AIO_DEPTH, &aio->w.ioc);

	if (r < 0)
		ivg_debug(ctx, "aio: io_setup(%d) failed (%s), using pread",
			  IVG_AIO_DEPTH, strerror(-r));
	return r >= 0;
}

struct ivg_aio *ivg_aio_new(struct ivg_ctx *ctx)
{
	struct ivg_aio *aio = calloc(1, sizeof(*aio));
	int want = ctx->aio_backend;

	if (!aio || want == IVG_AIO_PREAD)
		goto none;
	if ((want == IVG_AIO_AUTO || want == IVG_AIO_URING) &&
	    uring_init(ctx, aio))
		return aio;
	if ((want == IVG_AIO_AUTO || want == IVG_AIO_LIBAIO) &&
	    libaio_init(ctx, aio))
		return aio;
none:
	free(aio);
	return NULL;
}

static void *destroy_thread(void *arg)
{
	struct ivg_aio *aio = arg;

	io_destroy(aio->w.ioc);
	free(aio);
	return NULL;
}

/*
 * io_destroy waits for RCU grace periods although no I/O is in flight:
 * let a detached thread wait, so that the caller goes on parsing.
 */
void ivg_aio_free(struct ivg_aio *aio)
{
	pthread_attr_t attr;
	pthread_t t;
	bool started = false;

	if (!aio)
		return;
	if (aio->uring) {
		io_uring_queue_exit(&aio->ring);
		free(aio);
		return;
	}
	if (!pthread_attr_init(&attr)) {
		started = !pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) &&
			  !pthread_create(&t, &attr, destroy_thread, aio);
		pthread_attr_destroy(&attr);
	}
	if (!started)
		destroy_thread(aio);
}

/* Queue requests from *next on while the ring has room. */
static size_t uring_queue(struct io_uring *ring, struct ivg_aio_req *reqs,
			  size_t n, size_t *next, size_t inflight)
{
	size_t queued = 0;

	for (; *next < n && inflight + queued < IVG_AIO_DEPTH; (*next)++) {
		struct ivg_aio_req *rq = &reqs[*next];
		struct io_uring_sqe *sqe;

		if (!rq->len) {
			rq->result = 0;
			continue;
		}
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			break;
		io_uring_prep_read(sqe, req_fd(rq), rq->buf, (unsigned)rq->len,
				   rq->off);
		io_uring_sqe_set_data(sqe, rq);
		queued++;
	}
	return queued;
}

static int uring_run(struct ivg_ctx *ctx, struct io_uring *ring,
		     struct ivg_aio_req *reqs, size_t n)
{
	size_t next = 0, inflight = 0;

	while (next < n || inflight) {
		struct io_uring_cqe *cqe;
		struct ivg_aio_req *rq;
		int r;

		if (uring_queue(ring, reqs, n, &next, inflight)) {
			r = io_uring_submit(ring);
			if (r < 0)
				return ivg_err(ctx, -r, "submitting parallel reads failed: %s",
					       strerror(-r));
			inflight += (size_t)r;
		}
		if (!inflight)
			continue;
		r = io_uring_wait_cqe(ring, &cqe);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return ivg_err(ctx, -r, "waiting for parallel reads failed: %s",
				       strerror(-r));
		rq = io_uring_cqe_get_data(cqe);
		rq->result = cqe->res < 0 ? cqe->res :
			     (size_t)cqe->res == rq->len ? 0 : -EIO;
		io_uring_cqe_seen(ring, cqe);
		inflight--;
	}
	return 0;
}

int ivg_aio_read(struct ivg_ctx *ctx, struct ivg_aio *aio,
		 struct ivg_aio_req *reqs, size_t n)
{
	if (!n)
		return 0;
	if (!aio)
		return ivg_aio_read_sync(ctx, reqs, n);
	if (aio->uring)
		return uring_run(ctx, &aio->ring, reqs, n);
	window_init(&aio->w, IVG_AIO_DEPTH);
	return run(ctx, &aio->w, reqs, n);
}

int ivg_aio_read_all(struct ivg_ctx *ctx, struct ivg_aio_req *reqs, size_t n)
{
	struct ivg_aio *aio;
	int r;

	if (!n)
		return 0;
	aio = ivg_aio_new(ctx);
	r = ivg_aio_read(ctx, aio, reqs, n);
	ivg_aio_free(aio);
	return r;
}
