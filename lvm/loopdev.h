/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loopdev.h - LVs as loop devices, for kernels without device-mapper.
 *
 * A single-segment linear LV is one run of bytes on one PV, so a loop
 * device over the PV's disk or image file, with that offset and size
 * limit, shows exactly the LV. A raid1 LV shows as the loop over one leg,
 * the first in sync (rmeta.h). Read-write, its other legs are marked out
 * of sync while the loop is bound, and detaching the loop copies the leg
 * over them (resync.h) when the PVs are open read-write. Other LVs
 * (several segments) need device-mapper and get -ENOTSUP naming the LV
 * and why. Loops keep no
 * state of ours: they are found again through sysfs by their backing
 * device or file, offset and size limit.
 */
#ifndef IVG_LOOPDEV_H
#define IVG_LOOPDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vg.h"

/* Where the LV lies: its PV and the byte offset and size in pv->dev. */
int ivg_lv_linear_span(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const struct ivg_lv *lv, const struct ivg_pv **pv,
		       uint64_t *offset, uint64_t *size);

/* Where a loop showing the LV lies (a raid1 LV: its first in-sync leg);
 * -ENOTSUP naming the LV when it cannot be a loop, read-only or not. */
int ivg_lv_loop_span(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const struct ivg_lv *lv, bool readonly,
		     const struct ivg_pv **pv, uint64_t *offset, uint64_t *size);

/* The loop device now showing the LV: 0 and its path, or -ENOENT. */
int ivg_loop_find(const struct ivg_vg *vg, const struct ivg_lv *lv,
		  char *path, size_t len, dev_t *devno);

/* Show the LV through a new loop device (read-only: the loop too). */
int ivg_loop_attach(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_lv *lv, bool readonly, char *path,
		    size_t len);

/* Detach the LV's loop device, if any; -EBUSY when it is open (mounted). */
int ivg_loop_detach(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_lv *lv);

#endif
