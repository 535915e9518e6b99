/* SPDX-License-Identifier: GPL-2.0-or-later */
/* validate.c - checks that go beyond what stock vgck checks. */
#include "validate.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"

static int check_vg_header(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	uint32_t es = vg->extent_size;

	if (!vg->name || !ivg_name_valid(vg->name))
		return ivg_err(ctx, EINVAL, "invalid VG name \"%s\"",
			       vg->name ? vg->name : "");
	if (es < 8 || (es & (es - 1)))
		return ivg_err(ctx, EINVAL,
			       "VG %s: extent size %u sectors is not a power of two of at least 4 KiB",
			       vg->name, es);
	return 0;
}

static int check_pv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_pv *pv)
{
	uint64_t end = pv->pe_start + pv->pe_count * vg->extent_size;

	if (pv->pe_start % 8)
		return ivg_err(ctx, EINVAL,
			       "VG %s: PV %s has pe_start %llu, not aligned to 4 KiB",
			       vg->name, pv->name,
			       (unsigned long long)pv->pe_start);
	if (pv->dev_size && end > pv->dev_size)
		return ivg_err(ctx, ERANGE,
			       "VG %s: PV %s extents end at sector %llu, beyond its size %llu",
			       vg->name, pv->name, (unsigned long long)end,
			       (unsigned long long)pv->dev_size);
	if (pv->ba_size && pv->ba_start + pv->ba_size > pv->pe_start)
		return ivg_err(ctx, ERANGE,
			       "VG %s: PV %s bootloader area overlaps its data",
			       vg->name, pv->name);
	return 0;
}

static int check_segments(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			  const struct ivg_lv *lv)
{
	uint64_t le = 0;

	if (!lv->seg_count)
		return ivg_err(ctx, EINVAL, "VG %s: LV %s has no segments",
			       vg->name, lv->name);
	for (size_t s = 0; s < lv->seg_count; s++) {
		const struct ivg_seg *seg = &lv->segs[s];

		if (seg->start_extent != le || !seg->extent_count)
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s segment %zu starts at extent %llu, expected %llu",
				       vg->name, lv->name, s + 1,
				       (unsigned long long)seg->start_extent,
				       (unsigned long long)le);
		le += seg->extent_count;
		if (!strcmp(seg->type, "striped") &&
		    (seg->stripe_count != seg->area_count ||
		     !seg->stripe_count ||
		     seg->extent_count % seg->stripe_count))
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s segment %zu has %zu areas for %u stripes",
				       vg->name, lv->name, s + 1,
				       seg->area_count, seg->stripe_count);
	}
	return 0;
}

static const struct ivg_lv *sub_lv(struct ivg_ctx *ctx,
				   const struct ivg_vg *vg,
				   const struct ivg_lv *lv, const char *name,
				   int *r)
{
	const struct ivg_lv *sub = name ? ivg_vg_lv(vg, name) : NULL;

	if (!sub)
		*r = ivg_err(ctx, ENOENT, "VG %s: LV %s refers to missing LV %s",
			     vg->name, lv->name, name ? name : "(none)");
	else if (ivg_lv_visible(sub))
		*r = ivg_err(ctx, EINVAL,
			     "VG %s: sub-LV %s of %s must not be visible",
			     vg->name, name, lv->name);
	return *r ? NULL : sub;
}

/* The PV a linear sub-LV lives on, or NULL if it spans several. */
static const char *single_pv(const struct ivg_lv *lv)
{
	const char *pv = NULL;

	for (size_t s = 0; s < lv->seg_count; s++)
		for (size_t a = 0; a < lv->segs[s].area_count; a++) {
			const struct ivg_area *ar = &lv->segs[s].areas[a];

			if (ar->type != IVG_AREA_PV ||
			    (pv && strcmp(pv, ar->name)))
				return NULL;
			pv = ar->name;
		}
	return pv;
}

static int check_raid_seg(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			  const struct ivg_lv *lv, const struct ivg_seg *seg)
{
	const char *legpv[IVG_MAX_LEGS];
	int r = 0;

	if (seg->device_count != seg->area_count || seg->area_count < 1 ||
	    seg->area_count > IVG_MAX_LEGS)
		return ivg_err(ctx, EINVAL,
			       "VG %s: raid LV %s has device_count %u but %zu legs",
			       vg->name, lv->name, seg->device_count,
			       seg->area_count);
	for (size_t k = 0; k < seg->area_count; k++) {
		const struct ivg_area *a = &seg->areas[k];
		const struct ivg_lv *img = sub_lv(ctx, vg, lv, a->name, &r);

		if (r)
			return r;
		if (a->meta && !sub_lv(ctx, vg, lv, a->meta, &r))
			return r;
		if (ivg_lv_extents(img) != seg->extent_count)
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s is %llu extents but its image %s has %llu",
				       vg->name, lv->name,
				       (unsigned long long)seg->extent_count,
				       img->name,
				       (unsigned long long)ivg_lv_extents(img));
		legpv[k] = single_pv(img);
		/* lvm2 accepts it: warned, not refused. */
		for (size_t j = 0; legpv[k] && j < k; j++)
			if (legpv[j] && !strcmp(legpv[j], legpv[k]))
				ivg_warn(ctx, "VG %s: LV %s has two legs on PV %s: losing that PV loses both",
					 vg->name, lv->name, legpv[k]);
	}
	return 0;
}

static int check_lv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_lv *lv)
{
	int r;

	if (!ivg_name_valid(lv->name))
		return ivg_err(ctx, EINVAL, "VG %s: invalid LV name \"%s\"",
			       vg->name, lv->name);
	if (strlen(vg->name) + strlen(lv->name) > 124)
		return ivg_err(ctx, ENAMETOOLONG,
			       "VG %s: LV name %s is too long for this VG name",
			       vg->name, lv->name);
	r = check_segments(ctx, vg, lv);
	for (size_t s = 0; !r && s < lv->seg_count; s++)
		if (!strncmp(lv->segs[s].type, "raid", 4))
			r = check_raid_seg(ctx, vg, lv, &lv->segs[s]);
	return r;
}

static int check_unique(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	for (size_t i = 0; i < vg->lv_count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(vg->lvs[i]->name, vg->lvs[j]->name) ||
			    !strcmp(vg->lvs[i]->id, vg->lvs[j]->id))
				return ivg_err(ctx, EEXIST,
					       "VG %s: LVs %s and %s share a name or UUID",
					       vg->name, vg->lvs[j]->name,
					       vg->lvs[i]->name);
	for (size_t i = 0; i < vg->pv_count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(vg->pvs[i]->id, vg->pvs[j]->id))
				return ivg_err(ctx, EEXIST,
					       "VG %s: PVs %s and %s have the same UUID",
					       vg->name, vg->pvs[j]->name,
					       vg->pvs[i]->name);
	return 0;
}

int ivg_vg_validate(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	int r = check_vg_header(ctx, vg);

	for (size_t i = 0; !r && i < vg->pv_count; i++)
		r = check_pv(ctx, vg, vg->pvs[i]);
	if (!r)
		r = check_unique(ctx, vg);
	for (size_t i = 0; !r && i < vg->lv_count; i++)
		r = check_lv(ctx, vg, vg->lvs[i]);
	if (!r)
		r = ivg_freemap_check(ctx, vg);
	return r;
}
