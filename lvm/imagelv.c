/* SPDX-License-Identifier: GPL-2.0-or-later */
/* imagelv.c - where image LVs' legs go; creating them (imagelv.h). */
#include "imagelv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "ivgvg.h"
#include "lvio.h"
#include "rmeta.h"

/* lvm2's limit on VG name + LV name. */
enum { NAMES_MAX = 124 };

/* The PV a linear sub-LV lies on, or NULL. */
static struct ivg_pv *pv_of(const struct ivg_vg *vg, const char *lvname)
{
	const struct ivg_lv *lv = ivg_vg_lv(vg, lvname);

	if (!lv || !lv->seg_count || !lv->segs[0].area_count ||
	    lv->segs[0].areas[0].type != IVG_AREA_PV)
		return NULL;
	return ivg_vg_pv_by_name(vg, lv->segs[0].areas[0].name);
}

size_t ivg_image_pvs(const struct ivg_vg *vg, struct ivg_pv **out)
{
	const struct ivg_lv *bos = ivg_vg_lv(vg, IVG_BOSFS);
	size_t n = 0;

	if (!ivg_lv_is_raid1(bos))
		return 0;
	for (size_t k = 0; k < bos->segs[0].area_count; k++) {
		struct ivg_pv *pv = pv_of(vg, bos->segs[0].areas[k].name);

		if (pv)
			out[n++] = pv;
	}
	return n;
}

static int check_names(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const char *name, bool raid1)
{
	size_t len = strlen(vg->name) + strlen(name) +
		     (raid1 ? strlen("_rimage_63") : 0);

	if (len > NAMES_MAX)
		return ivg_err(ctx, EINVAL, "LV %s/%s%s: VG and LV names would be longer than %d bytes",
			       vg->name, name, raid1 ? "_rimage_N" : "", NAMES_MAX);
	return 0;
}

int ivg_image_lv_plan(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		      uint64_t extents, struct ivg_lv **out)
{
	struct ivg_pv *legs[IVG_MAX_LEGS];
	size_t n = ivg_image_pvs(vg, legs);
	int r = check_names(ctx, vg, name, n > 0);

	if (r)
		return r;
	if (!n)
		return ivg_lv_create_linear(ctx, vg, name, extents, NULL, 0, out);
	return ivg_lv_create_raid1(ctx, vg, name, extents, legs, n, out);
}

int ivg_raid1_zero_rmeta(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_lv *lv)
{
	static const char zero[4096];

	if (!ivg_lv_is_raid1(lv))
		return 0;
	for (size_t k = 0; k < lv->segs[0].area_count; k++) {
		const char *meta = lv->segs[0].areas[k].meta;
		struct ivg_lvio *io = NULL;
		int r;

		if (!meta)
			continue;
		r = ivg_lvio_open(ctx, vg, meta, -1, &io);
		if (!r)
			r = ivg_lvio_pwrite(ctx, io, zero, sizeof(zero), 0);
		ivg_lvio_close(io);
		if (r)
			return r;
	}
	return 0;
}

int ivg_image_lv_create(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const char *name, uint64_t extents,
			struct ivg_lv **out)
{
	struct ivg_lv *lv;
	int r = ivg_image_lv_plan(ctx, vg, name, extents, &lv);

	if (r)
		return r;
	r = ivg_raid1_zero_rmeta(ctx, vg, lv);
	if (r) {
		ivg_lv_remove(vg, name);
		return r;
	}
	if (out)
		*out = lv;
	return 0;
}
