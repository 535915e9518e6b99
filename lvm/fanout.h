/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fanout.h - writes and syncs to many devices at once (the legs of a
 * raid1 LV), through io_uring.
 *
 * A batch of writes is issued together and waited for; large writes go
 * to io_uring's workers (IOSQE_ASYNC), so that the copies into several
 * devices' page caches, or their transfers, run side by side rather than
 * one after another; small ones complete inline. A sync of several
 * devices issues every fsync at once. Where io_uring is not available
 * (ivg_fanout_new returns NULL), the same calls write and sync one
 * device after another through the device layer.
 *
 * Each write and each sync is a fault point of the device layer (dev.h),
 * taken in order before the request is queued: an injected failure or
 * tear stops the batch, the requests queued before it are issued and
 * complete (as writes in flight when a disk fails), and the error is
 * returned; an injected crash finds the requests before it issued and
 * complete (in flight when the machine stopped), none after. Offsets
 * are inside each device's window, as ivg_dev_pwrite takes them.
 */
#ifndef IVG_FANOUT_H
#define IVG_FANOUT_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct ivg_dev;
struct ivg_fanout;

struct ivg_fanout_req {
	struct ivg_dev *dev;
	uint64_t off;              /* in the device's window */
	size_t len;
	const void *buf;
};

/* NULL when io_uring is not available: the calls below then go one
 * request at a time. */
struct ivg_fanout *ivg_fanout_new(struct ivg_ctx *ctx);
void ivg_fanout_free(struct ivg_fanout *f);

/* Write every request; 0, or the first failure (with its message). */
int ivg_fanout_write(struct ivg_ctx *ctx, struct ivg_fanout *f,
		     const struct ivg_fanout_req *reqs, size_t n);

/*
 * The same, without waiting: the requests are issued (their fault points
 * taken, in order, as ivg_fanout_write takes them) and the call returns;
 * the buffers must stay as they are until ivg_fanout_wait, which the next
 * submit, write or sync, and ivg_fanout_free, call first. A failure of
 * the writes in flight is returned by that call. Without io_uring the
 * writes are done before it returns. For a producer that fills the next
 * buffer while the legs take the last one.
 */
int ivg_fanout_submit(struct ivg_ctx *ctx, struct ivg_fanout *f,
		      const struct ivg_fanout_req *reqs, size_t n);
int ivg_fanout_wait(struct ivg_ctx *ctx, struct ivg_fanout *f);

/* fsync every device (read-only ones are skipped, as ivg_dev_sync). */
int ivg_fanout_sync(struct ivg_ctx *ctx, struct ivg_fanout *f,
		    struct ivg_dev *const *devs, size_t n);

#endif
