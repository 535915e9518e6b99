/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alloc.h - extent allocation.
 *
 * A free map is built from a VG's segments (which PEs of which PV are in
 * use). Allocation is contiguous where it can be: the first single free
 * run that holds the whole request, on the allowed PVs in their order;
 * failing that, the largest runs first, one linear segment each.
 * A raid1 leg puts its rmeta (one extent) at the first free extent of its
 * PV and the rimage right after it, as lvm2 lays them out. Functions that
 * fail leave the VG model unchanged.
 */
#ifndef IVG_ALLOC_H
#define IVG_ALLOC_H

#include "vg.h"

struct ivg_freemap;

int ivg_freemap_build(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      struct ivg_freemap **out);
void ivg_freemap_free(struct ivg_freemap *m);
uint64_t ivg_freemap_pv_free(const struct ivg_freemap *m, size_t pv_index);
uint64_t ivg_freemap_total_free(const struct ivg_freemap *m);
/* -EEXIST (with message) if a PE is used twice or lies beyond pe_count. */
int ivg_freemap_check(struct ivg_ctx *ctx, const struct ivg_vg *vg);

/*
 * Create a linear LV of 'extents' on the allowed PVs (NULL: all present
 * allocatable PVs). The LV is VISIBLE, READ, WRITE.
 */
int ivg_lv_create_linear(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const char *name, uint64_t extents,
			 struct ivg_pv *const *allowed, size_t n_allowed,
			 struct ivg_lv **out);

/* Remove an LV and, for a raid LV, its image and metadata sub-LVs (in
 * memory). -ENOENT if there is no such LV. */
int ivg_lv_remove(struct ivg_vg *vg, const char *name);

/* Create a raid1 LV with one leg on each given PV (1..64 legs). */
int ivg_lv_create_raid1(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const char *name, uint64_t extents,
			struct ivg_pv *const *legs, size_t n_legs,
			struct ivg_lv **out);

/*
 * A new last leg K (= the leg count) of the raid1 LV on 'pv': its rmeta
 * and rimage placed as ivg_lv_create_raid1 places them, the segment's
 * device_count grown. With 'rebuild', the rimage gets lvm2's REBUILD
 * (a leg to be filled: lvm2 activates it with "rebuild K"). -ENOSPC,
 * -EINVAL (a leg on that PV already, or 64 legs); the VG is then unchanged.
 */
int ivg_lv_raid1_add_leg(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 struct ivg_lv *lv, struct ivg_pv *pv, bool rebuild,
			 size_t *leg);

/*
 * Remove leg K of the raid1 LV (its rmeta and rimage), as lvm2 removes
 * images: the legs after it move down one place and are renamed so that
 * the names stay LV_rimage_0..N-1. -EINVAL for the last leg (a raid1 LV
 * keeps one at least, as vgreduce refuses to drop it).
 */
int ivg_lv_raid1_remove_leg(struct ivg_ctx *ctx, struct ivg_vg *vg,
			    struct ivg_lv *lv, size_t leg);

#endif
