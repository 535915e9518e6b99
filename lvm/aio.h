/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aio.h - many reads at once with Linux native AIO (libaio).
 *
 * Scanning a SAN with hundreds of LUNs reads the head of every disk;
 * issuing those reads together hides the per-request latency. Buffers
 * belong to the caller. A request goes through the device's O_DIRECT
 * descriptor (dev->dfd, see ivg_dev_open_direct) when it has one and the
 * request is aligned to IVG_DIO_ALIGN (buffer, offset and length):
 * buffered AIO is not asynchronous on Linux, so only direct reads really
 * run in parallel. Other requests use the ordinary descriptor.
 *
 * Two kernel interfaces do this, both through their libraries: io_uring
 * (liburing) first, Linux native AIO (libaio) where io_uring is not
 * available (older kernels, kernel.io_uring_disabled). A libaio context
 * costs two RCU grace periods to tear down, which on an idle machine is
 * 30-40 ms, more than a whole scan of 64 PVs; an io_uring ring is torn
 * down without that wait. Either way one struct ivg_aio serves all the
 * rounds of reads of a scan.
 */
#ifndef IVG_AIO_H
#define IVG_AIO_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct ivg_dev;

#define IVG_AIO_DEPTH 64                /* requests in flight at most */
#define IVG_DIO_ALIGN 4096              /* O_DIRECT alignment we keep */

/* ctx->aio_backend, for tests: which interface ivg_aio_new may use. */
enum { IVG_AIO_AUTO, IVG_AIO_URING, IVG_AIO_LIBAIO, IVG_AIO_PREAD };

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

/* A context for several rounds of reads; NULL when AIO is unavailable
 * (ivg_aio_read then reads with pread). */
struct ivg_aio;
struct ivg_aio *ivg_aio_new(struct ivg_ctx *ctx);
void ivg_aio_free(struct ivg_aio *aio);
/* ivg_aio_read_all's contract, in an existing context (aio may be NULL). */
int ivg_aio_read(struct ivg_ctx *ctx, struct ivg_aio *aio,
		 struct ivg_aio_req *reqs, size_t n);

/* The same contract with one pread at a time. */
int ivg_aio_read_sync(struct ivg_ctx *ctx, struct ivg_aio_req *reqs, size_t n);

#endif
