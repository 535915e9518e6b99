/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fanout.c - parallel writes and syncs with io_uring (fanout.h). */
#include "fanout.h"

#include <errno.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aio.h"
#include "dev.h"

enum {
	DEPTH = 128,
	/* Writes this large go to io_uring's workers: copies side by side. */
	ASYNC_MIN = 64 << 10,
};

/* One request in flight: what it was, for the message if it fails. */
struct slot {
	struct ivg_dev *dev;
	uint64_t off;               /* absolute */
	size_t len;                 /* 0: a sync */
	const char *buf;
};

struct batch {
	struct ivg_ctx *ctx;
	struct ivg_fanout *f;
	struct slot slot[DEPTH];
	size_t queued, inflight;
	int err;                    /* the first failure */
};

/* The ring, and the batch in flight (ivg_fanout_submit) or being built. */
struct ivg_fanout {
	struct io_uring ring;
	struct batch b;
};

struct ivg_fanout *ivg_fanout_new(struct ivg_ctx *ctx)
{
	struct ivg_fanout *f;
	int r;

	if (ctx->aio_backend == IVG_AIO_PREAD || ctx->aio_backend == IVG_AIO_LIBAIO)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	r = io_uring_queue_init(DEPTH, &f->ring, 0);
	if (r < 0) {
		ivg_debug(ctx, "fanout: io_uring unavailable (%s), writing one leg after another",
			  strerror(-r));
		free(f);
		return NULL;
	}
	return f;
}

static int fail_slot(struct batch *b, const struct slot *s, int res)
{
	int e = res < 0 ? -res : EIO;

	if (s->len)
		return ivg_err(b->ctx, e, "%s: write at %llu failed: %s", s->dev->path,
			       (unsigned long long)s->off,
			       res < 0 ? strerror(e) : "short write");
	return ivg_err(b->ctx, e, "%s: sync failed: %s", s->dev->path,
		       strerror(e));
}

/*
 * A write that completed short (a file on a full filesystem writes what
 * fits): the rest with pwrite, as a write loop goes on, so that the error
 * is the one the rest meets (ENOSPC), not "short write".
 */
static int finish_short(struct batch *b, const struct slot *s, size_t done)
{
	while (done < s->len) {
		ssize_t n = pwrite(s->dev->fd, s->buf + done, s->len - done,
				   (off_t)(s->off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail_slot(b, s, n < 0 ? -errno : 0);
		done += (size_t)n;
	}
	return 0;
}

/* Submit what is queued and wait for every request in flight. */
static void drain(struct batch *b)
{
	int r;

	if (b->queued) {
		r = io_uring_submit(&b->f->ring);
		if (r < 0 && !b->err)
			b->err = ivg_err(b->ctx, -r, "submitting writes failed: %s",
					 strerror(-r));
		b->inflight += r > 0 ? (size_t)r : 0;
		b->queued = 0;
	}
	while (b->inflight) {
		struct io_uring_cqe *cqe;
		const struct slot *s;

		r = io_uring_wait_cqe(&b->f->ring, &cqe);
		if (r == -EINTR)
			continue;
		if (r < 0) {
			/* The ring is broken: nothing more will complete. */
			if (!b->err)
				b->err = ivg_err(b->ctx, -r, "waiting for writes failed: %s",
						 strerror(-r));
			b->inflight = 0;
			break;
		}
		s = io_uring_cqe_get_data(cqe);
		if (cqe->res < 0 && !b->err)
			b->err = fail_slot(b, s, cqe->res);
		else if (s->len && cqe->res >= 0 && (size_t)cqe->res < s->len) {
			r = finish_short(b, s, (size_t)cqe->res);
			if (!b->err)
				b->err = r;
		}
		io_uring_cqe_seen(&b->f->ring, cqe);
		b->inflight--;
	}
}

static struct io_uring_sqe *next_sqe(struct batch *b, struct slot **s)
{
	struct io_uring_sqe *sqe;

	if (b->queued + b->inflight >= DEPTH)
		drain(b);
	sqe = io_uring_get_sqe(&b->f->ring);
	if (!sqe) {
		drain(b);
		sqe = io_uring_get_sqe(&b->f->ring);
	}
	/* Slots are reused only once the ring is empty. */
	*s = &b->slot[(b->queued + b->inflight) % DEPTH];
	return sqe;
}

static int check_req(struct ivg_ctx *ctx, const struct ivg_fanout_req *q)
{
	if (!q->dev->rdwr)
		return ivg_err(ctx, EROFS, "%s: opened read-only, not writing",
			       q->dev->path);
	if (q->off > q->dev->size || q->len > q->dev->size - q->off)
		return ivg_err(ctx, ERANGE,
			       "%s: write of %zu bytes at %llu is beyond the end (%llu bytes)",
			       q->dev->path, q->len, (unsigned long long)q->off,
			       (unsigned long long)q->dev->size);
	return 0;
}

static int write_seq(struct ivg_ctx *ctx, const struct ivg_fanout_req *reqs,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = ivg_dev_pwrite(ctx, reqs[i].dev, reqs[i].buf, reqs[i].len,
				       reqs[i].off);

		if (r)
			return r;
	}
	return 0;
}

/* Will the device layer's next fault point stop the process (dev.h)? */
static bool crash_next(const struct ivg_dev *dev)
{
	const struct ivg_fault *f = dev->ctx ? dev->ctx->fault : NULL;

	return f && f->at && f->count + 1 == f->at && f->mode == IVG_FAULT_EXIT;
}

/* Queue one write; *torn set when the fault point tore it. */
static int queue_write(struct batch *b, const struct ivg_fanout_req *q,
		       bool *torn)
{
	struct io_uring_sqe *sqe;
	struct slot *s;
	size_t len = q->len;
	uint64_t at = q->dev->base + q->off;
	char what[64];
	int f;

	snprintf(what, sizeof(what), "a write at %llu", (unsigned long long)at);
	/* A crash injected here finds the writes queued before it issued,
	 * as writes in flight when a machine stops may have landed. */
	if (crash_next(q->dev))
		drain(b);
	f = ivg_dev_fault_write(b->ctx, q->dev, what, &len, 1);
	if (f < 0)
		return f;
	*torn = f > 0;
	if (!len)
		return 0;
	sqe = next_sqe(b, &s);
	if (!sqe)
		return ivg_err(b->ctx, EBUSY, "no room for a write in the ring");
	*s = (struct slot){ q->dev, at, len, q->buf };
	io_uring_prep_write(sqe, q->dev->fd, q->buf, (unsigned)len, at);
	if (len >= ASYNC_MIN)
		io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	io_uring_sqe_set_data(sqe, s);
	b->queued++;
	return 0;
}

/* The fanout's batch, for this call's context. */
static struct batch *batch_of(struct ivg_ctx *ctx, struct ivg_fanout *f)
{
	f->b.ctx = ctx;
	f->b.f = f;
	return &f->b;
}

int ivg_fanout_wait(struct ivg_ctx *ctx, struct ivg_fanout *f)
{
	struct batch *b;
	int r;

	if (!f)
		return 0;
	b = batch_of(ctx, f);
	drain(b);
	r = b->err;
	b->err = 0;
	return r;
}

void ivg_fanout_free(struct ivg_fanout *f)
{
	struct ivg_ctx scratch;

	if (!f)
		return;
	/* Nothing may complete into buffers that are gone. */
	ivg_ctx_init(&scratch);
	ivg_fanout_wait(&scratch, f);
	io_uring_queue_exit(&f->ring);
	free(f);
}

static int check_reqs(struct ivg_ctx *ctx, const struct ivg_fanout_req *reqs,
		      size_t n)
{
	int r = 0;

	for (size_t i = 0; !r && i < n; i++)
		if ((r = check_req(ctx, &reqs[i])) || reqs[i].len > UINT32_MAX)
			return r ? r : ivg_err(ctx, EINVAL, "%s: a write of %zu bytes is too large",
					       reqs[i].dev->path, reqs[i].len);
	return 0;
}

int ivg_fanout_submit(struct ivg_ctx *ctx, struct ivg_fanout *f,
		      const struct ivg_fanout_req *reqs, size_t n)
{
	struct batch *b;
	int r = check_reqs(ctx, reqs, n);

	if (r)
		return r;
	if (!f)
		return write_seq(ctx, reqs, n);
	/* What an earlier submit issued completes first, as one stream. */
	if ((r = ivg_fanout_wait(ctx, f)))
		return r;
	b = batch_of(ctx, f);
	for (size_t i = 0; !r && i < n; i++) {
		bool torn = false;

		r = queue_write(b, &reqs[i], &torn);
		if (!r && torn)
			r = ivg_err(ctx, EIO, "%s: injected torn write at %llu",
				    reqs[i].dev->path,
				    (unsigned long long)(reqs[i].dev->base + reqs[i].off));
	}
	if (r) {
		/* What was issued completes, as it would when a disk fails;
		 * the injected error is the one to report. */
		ivg_fanout_wait(ctx, f);
		return r;
	}
	if (b->queued) {
		int q = io_uring_submit(&f->ring);

		if (q < 0)
			b->err = ivg_err(ctx, -q, "submitting writes failed: %s",
					 strerror(-q));
		b->inflight += q > 0 ? (size_t)q : 0;
		b->queued = 0;
	}
	return 0;
}

int ivg_fanout_write(struct ivg_ctx *ctx, struct ivg_fanout *f,
		     const struct ivg_fanout_req *reqs, size_t n)
{
	int r = ivg_fanout_submit(ctx, f, reqs, n);
	int w = r ? 0 : ivg_fanout_wait(ctx, f);

	return r ? r : w;
}

int ivg_fanout_sync(struct ivg_ctx *ctx, struct ivg_fanout *f,
		    struct ivg_dev *const *devs, size_t n)
{
	struct batch *b;
	int r = 0, w;

	if (!f) {
		for (size_t i = 0; !r && i < n; i++)
			r = ivg_dev_sync(ctx, devs[i]);
		return r;
	}
	if ((r = ivg_fanout_wait(ctx, f)))
		return r;
	b = batch_of(ctx, f);
	for (size_t i = 0; !r && i < n; i++) {
		struct io_uring_sqe *sqe;
		struct slot *s;

		if (!devs[i]->rdwr)
			continue;
		if (crash_next(devs[i]))
			drain(b);
		r = ivg_dev_fault_write(ctx, devs[i], "a sync", NULL, 0);
		if (r)
			break;
		sqe = next_sqe(b, &s);
		if (!sqe) {
			r = ivg_err(ctx, EBUSY, "no room for a sync in the ring");
			break;
		}
		*s = (struct slot){ .dev = devs[i] };
		io_uring_prep_fsync(sqe, devs[i]->fd, 0);
		io_uring_sqe_set_data(sqe, s);
		b->queued++;
	}
	w = ivg_fanout_wait(ctx, f);
	return r ? r : w;
}
