/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aio.h - many reads at once with Linux native AIO (libaio).
 *
 * Scanning a SAN with hundreds of LUNs reads the head of every disk;
 * issuing those reads together hides the per-request latency. Buffers
 * belong to the caller. Devices are opened without O_DIRECT, so buffered
 * AIO is used and buffers need no special alignment.
 */
#ifndef IVG_AIO_H
#define IVG_AIO_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct ivg_dev;

#define IVG_AIO_DEPTH 64                /* requests in flight at most */

struct ivg_aio_req {
	struct ivg_dev *dev;
	uint64_t off;                   /* absolute on the disk, not windowed */
	size_t len;
	void *buf;
	int result;                     /* 0, or -errno; short read = -EIO */
};

/*
 * Read every request, at most IVG_AIO_DEPTH in flight, and wait for all.
 * Each request's result is set. Returns 0 when the machinery worked (the
 * individual failures are in the results), or a negative errno when it
 * did not (then some results may be unset). Falls back to
 * ivg_aio_read_sync() when the kernel refuses an AIO context (e.g.
 * EAGAIN when fs.aio-max-nr is used up) or AIO is unsupported.
 */
int ivg_aio_read_all(struct ivg_ctx *ctx, struct ivg_aio_req *reqs, size_t n);

/* The same contract with one pread at a time. */
int ivg_aio_read_sync(struct ivg_ctx *ctx, struct ivg_aio_req *reqs, size_t n);

#endif
