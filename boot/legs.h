/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * legs.h - the legs of bootlv, and writing one image onto all of them.
 *
 * bootlv is a raid1 LV; leg K is bootlv_rimage_K, linear on one boot PV.
 * ivg_boot_legs_list() finds, for every leg, its PV and where its bytes
 * lie on the PV's device. ivg_boot_legs_write() copies an image file onto
 * every leg at once: the file's data ranges are written, its holes are
 * zeroed (punched in image files, BLKZEROOUT on block devices), so all
 * legs end byte-identical to the file. Writes go through one O_DIRECT
 * descriptor per leg with Linux native AIO (libaio), all legs in flight
 * together, in chunks of 1 MiB; where O_DIRECT or AIO is refused, plain
 * pwrite. Every leg must be present and the image no larger than a leg,
 * else nothing is written. Each leg's device is synced at the end. As
 * these writes bypass the device layer, each one (every leg's write of
 * every chunk, zeroing and fsync) is a fault point of its own (dev.h,
 * ivg_dev_fault_write); on a fault the writes already issued complete.
 */
#ifndef IVG_LEGS_H
#define IVG_LEGS_H

#include <stdint.h>

#include "vg.h"

struct ivg_boot_leg {
	int leg;                  /* K of bootlv_rimage_K */
	struct ivg_pv *pv;        /* its PV; pv->dev NULL when missing */
	uint64_t off;             /* absolute byte offset on pv->dev's disk */
	uint64_t size;            /* bytes (= bootlv's size) */
};

/* The legs in order K = 0, 1, ...; *legs is malloc'ed. -ENOENT when the
 * VG has no raid1 bootlv. Offsets are only valid for present legs. */
int ivg_boot_legs_list(struct ivg_ctx *ctx, struct ivg_vg *vg,
		       struct ivg_boot_leg **legs, size_t *n);

int ivg_boot_legs_write(struct ivg_ctx *ctx, const struct ivg_boot_leg *legs,
			size_t n, const char *image, ivg_progress_fn progress,
			void *arg);

#endif
