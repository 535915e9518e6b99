/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * imagelv.h - the image LVs of an install VG: bosfs, oppfs and each raw
 * BOS LV, raid1 with one leg on each image PV (ivgvg.h).
 *
 * The image PVs are those of bosfs's legs, in leg order. An IVG whose
 * bosfs is linear (made before images were mirrored) has none, and its
 * new image LVs are linear, anywhere, as before. A new raid1 image LV has
 * its rmeta zeroed before the VG metadata names it, as lvm2 does, so
 * that dm-raid takes it for a new array.
 */
#ifndef IVG_IMAGELV_H
#define IVG_IMAGELV_H

#include "vg.h"

/* The image PVs into out[IVG_MAX_LEGS] (missing ones too); 0: none. */
size_t ivg_image_pvs(const struct ivg_vg *vg, struct ivg_pv **out);

/* Add the image LV to the VG in memory only (names and space checked):
 * to judge a commit before anything is written. */
int ivg_image_lv_plan(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		      uint64_t extents, struct ivg_lv **out);

/*
 * Add the image LV to the VG in memory (not committed) and zero its
 * rmetas on disk (the PVs must be writable, and present). VISIBLE, READ,
 * WRITE. On failure the VG is unchanged.
 */
int ivg_image_lv_create(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const char *name, uint64_t extents,
			struct ivg_lv **out);

/* Zero the first 4 KiB of every rmeta of a raid1 LV (a new array). */
int ivg_raid1_zero_rmeta(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_lv *lv);

#endif
