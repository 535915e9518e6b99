/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.c - the format's rules and ivg's stricter ones (validate.h).
 *
 * The format's rules run first and in an order that makes every later
 * message safe to print: names are checked before anything names them,
 * and names that fail are quoted as printable copies. Lookups go through
 * sorted copies of the PV and LV lists, so that a hostile text with many
 * volumes costs O(n log n), not O(n^2).
 */
#include "validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cfg.h"
#include "dev.h"

/* ==== the format's rules ============================================= */

/* The VG's PVs and LVs sorted by name, for lookups. */
struct chk {
	const struct ivg_vg *vg;
	struct ivg_pv **pvs;
	struct ivg_lv **lvs;
};

static int cmp_pv(const void *a, const void *b)
{
	return strcmp((*(struct ivg_pv *const *)a)->name,
		      (*(struct ivg_pv *const *)b)->name);
}

static int cmp_pv_key(const void *key, const void *elem)
{
	return strcmp(key, (*(struct ivg_pv *const *)elem)->name);
}

static int cmp_pv_id(const void *a, const void *b)
{
	return strcmp((*(struct ivg_pv *const *)a)->id,
		      (*(struct ivg_pv *const *)b)->id);
}

static int cmp_lv(const void *a, const void *b)
{
	return strcmp((*(struct ivg_lv *const *)a)->name,
		      (*(struct ivg_lv *const *)b)->name);
}

static int cmp_lv_key(const void *key, const void *elem)
{
	return strcmp(key, (*(struct ivg_lv *const *)elem)->name);
}

static int cmp_lv_id(const void *a, const void *b)
{
	return strcmp((*(struct ivg_lv *const *)a)->id,
		      (*(struct ivg_lv *const *)b)->id);
}

/* A sorted copy of an array of n pointers; NULL on ENOMEM. */
static void *sorted_copy(void *const *arr, size_t n,
			 int (*cmp)(const void *, const void *))
{
	void **c = malloc((n ? n : 1) * sizeof(*c));

	if (!c)
		return NULL;
	if (n)
		memcpy(c, arr, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp);
	return c;
}

static bool has_pv(const struct chk *c, const char *name)
{
	return bsearch(name, c->pvs, c->vg->pv_count, sizeof(*c->pvs),
		       cmp_pv_key) != NULL;
}

static bool has_lv(const struct chk *c, const char *name)
{
	return bsearch(name, c->lvs, c->vg->lv_count, sizeof(*c->lvs),
		       cmp_lv_key) != NULL;
}

static bool id_valid(const char *id)
{
	char tmp[IVG_UUID_LEN + 1];

	return strlen(id) == IVG_UUID_LEN && !ivg_uuid_parse(id, tmp);
}

/* Untrusted names in messages: a printable copy (ctx.h). */
#define SHOW(s, buf) ivg_printable((s) ? (s) : "", 128, buf, sizeof(buf))

static int check_names(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	char b[144];

	if (!ivg_name_valid(vg->name))
		return ivg_err(ctx, EINVAL, "\"%s\" is not a valid VG name",
			       SHOW(vg->name, b));
	if (!id_valid(vg->id))
		return ivg_err(ctx, EINVAL, "VG %s: its id is not a valid UUID",
			       vg->name);
	if (!vg->extent_size)
		return ivg_err(ctx, EINVAL, "VG %s: extent_size is 0", vg->name);
	for (size_t i = 0; i < vg->pv_count; i++) {
		const struct ivg_pv *pv = vg->pvs[i];

		if (!ivg_name_valid(pv->name))
			return ivg_err(ctx, EINVAL,
				       "VG %s: \"%s\" is not a valid PV key",
				       vg->name, SHOW(pv->name, b));
		if (!id_valid(pv->id))
			return ivg_err(ctx, EINVAL,
				       "VG %s: PV %s: its id is not a valid UUID",
				       vg->name, pv->name);
	}
	for (size_t i = 0; i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];

		if (!ivg_name_valid(lv->name))
			return ivg_err(ctx, EINVAL,
				       "VG %s: \"%s\" is not a valid LV name",
				       vg->name, SHOW(lv->name, b));
		if (!id_valid(lv->id))
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s: its id is not a valid UUID",
				       vg->name, lv->name);
	}
	return 0;
}

/* Sort the PVs and LVs by name; a name used twice is an error. */
static int check_unique_names(struct ivg_ctx *ctx, struct chk *c)
{
	const struct ivg_vg *vg = c->vg;
	struct ivg_pv **by_id;
	int r = 0;

	c->pvs = sorted_copy((void *const *)vg->pvs, vg->pv_count, cmp_pv);
	c->lvs = sorted_copy((void *const *)vg->lvs, vg->lv_count, cmp_lv);
	by_id = sorted_copy((void *const *)vg->pvs, vg->pv_count, cmp_pv_id);
	if (!c->pvs || !c->lvs || !by_id)
		r = ivg_err(ctx, ENOMEM, "VG %s: out of memory", vg->name);
	for (size_t i = 1; !r && i < vg->pv_count; i++)
		if (!strcmp(c->pvs[i - 1]->name, c->pvs[i]->name))
			r = ivg_err(ctx, EINVAL, "VG %s: two PVs are named %s",
				    vg->name, c->pvs[i]->name);
	for (size_t i = 1; !r && i < vg->pv_count; i++)
		if (!strcmp(by_id[i - 1]->id, by_id[i]->id))
			r = ivg_err(ctx, EINVAL,
				    "VG %s: PVs %s and %s have the same id",
				    vg->name, by_id[i - 1]->name, by_id[i]->name);
	for (size_t i = 1; !r && i < vg->lv_count; i++)
		if (!strcmp(c->lvs[i - 1]->name, c->lvs[i]->name))
			r = ivg_err(ctx, EINVAL, "VG %s: two LVs are named %s",
				    vg->name, c->lvs[i]->name);
	free(by_id);
	return r;
}

__attribute__((format(printf, 5, 6)))
static int seg_err(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		   const struct ivg_lv *lv, size_t s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ivg_err(ctx, EINVAL, "VG %s: LV %s: segment%zu: %s", vg->name,
		       lv->name, s + 1, msg);
}

/* Area k of segment s: its kind fits the segment, its volumes exist. */
static int check_area(struct ivg_ctx *ctx, const struct chk *c,
		      const struct ivg_lv *lv, size_t s, size_t k)
{
	const struct ivg_seg *seg = &lv->segs[s];
	const struct ivg_area *a = &seg->areas[k];
	bool raid = ivg_seg_class_raid(ivg_seg_class(seg->type));
	char b[144];

	if (!a->name)
		return seg_err(ctx, c->vg, lv, s, "area %zu has no name", k + 1);
	if (raid != (a->type == IVG_AREA_RAID))
		return seg_err(ctx, c->vg, lv, s,
			       "area %zu does not fit a %s segment", k + 1,
			       SHOW(seg->type, b));
	if (a->type == IVG_AREA_PV && !has_pv(c, a->name))
		return seg_err(ctx, c->vg, lv, s, "area %zu names unknown PV %s",
			       k + 1, SHOW(a->name, b));
	/* A pair's volume is a PV's key or else an LV's name (lvm2). */
	if (a->type != IVG_AREA_PV && !has_lv(c, a->name))
		return seg_err(ctx, c->vg, lv, s, "area %zu names unknown %s %s",
			       k + 1, raid ? "LV" : "PV or LV",
			       SHOW(a->name, b));
	if (a->meta && !has_lv(c, a->meta))
		return seg_err(ctx, c->vg, lv, s,
			       "area %zu names unknown metadata LV %s", k + 1,
			       SHOW(a->meta, b));
	return 0;
}

/* The count lvm2 checks against the number of areas (import_vsn1.c). */
static int check_area_count(struct ivg_ctx *ctx, const struct chk *c,
			    const struct ivg_lv *lv, size_t s)
{
	const struct ivg_seg *seg = &lv->segs[s];
	enum ivg_seg_class sc = ivg_seg_class(seg->type);
	bool raid = sc == IVG_SEG_RAID;
	uint32_t want = raid ? seg->device_count : seg->stripe_count;

	if (!seg->area_count)
		return seg_err(ctx, c->vg, lv, s, "no areas");
	if (sc == IVG_SEG_MIRROR || want == seg->area_count)
		return 0;
	return seg_err(ctx, c->vg, lv, s, "%s is %u but it lists %zu areas",
		       raid ? "device_count" : "stripe_count", want,
		       seg->area_count);
}

static int check_seg(struct ivg_ctx *ctx, const struct chk *c,
		     const struct ivg_lv *lv, size_t s)
{
	const struct ivg_seg *seg = &lv->segs[s];
	int r;

	if (!seg->type)
		return seg_err(ctx, c->vg, lv, s, "no segment type");
	if (ivg_seg_class(seg->type) == IVG_SEG_OTHER)
		return 0;
	r = check_area_count(ctx, c, lv, s);
	for (size_t k = 0; !r && k < seg->area_count; k++)
		r = check_area(ctx, c, lv, s, k);
	return r;
}

/* lvm2 reads every subsection of an LV as a segment. */
static bool extra_has_section(const struct ivg_cfg_node *extra)
{
	for (const struct ivg_cfg_node *n = extra ? extra->child : NULL; n;
	     n = n->next)
		if (n->type == IVG_CFG_SECTION)
			return true;
	return false;
}

/* lvm2's check_lv_segments: no gaps, no overlaps, from extent 0. */
static int check_lv_format(struct ivg_ctx *ctx, const struct chk *c,
			   const struct ivg_lv *lv)
{
	uint64_t le = 0;
	int r = 0;

	if (extra_has_section(lv->extra))
		return ivg_err(ctx, EINVAL,
			       "VG %s: LV %s: a section among its extra keys",
			       c->vg->name, lv->name);
	for (size_t s = 0; !r && s < lv->seg_count; s++) {
		if (lv->segs[s].start_extent != le)
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s: segment%zu starts at extent %llu where %llu was expected",
				       c->vg->name, lv->name, s + 1,
				       (unsigned long long)lv->segs[s].start_extent,
				       (unsigned long long)le);
		le += lv->segs[s].extent_count;
		r = check_seg(ctx, c, lv, s);
	}
	return r;
}

int ivg_vg_check_format(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	struct chk c = { .vg = vg };
	int r = check_names(ctx, vg);

	if (!r)
		r = check_unique_names(ctx, &c);
	for (size_t i = 0; !r && i < vg->lv_count; i++)
		r = check_lv_format(ctx, &c, vg->lvs[i]);
	free(c.pvs);
	free(c.lvs);
	return r;
}

/* ==== ivg's rules ===================================================== */

static int check_vg_header(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	uint32_t es = vg->extent_size;

	if (es < 8 || (es & (es - 1)))
		return ivg_err(ctx, EINVAL,
			       "VG %s: extent size %u sectors is not a power of two of at least 4 KiB",
			       vg->name, es);
	return 0;
}

/* Where the PV's last extent ends, in sectors; UINT64_MAX past 2^64. */
static uint64_t extents_end(const struct ivg_vg *vg, const struct ivg_pv *pv)
{
	uint64_t bytes, end;

	if (__builtin_mul_overflow(pv->pe_count, (uint64_t)vg->extent_size,
				   &bytes) ||
	    __builtin_add_overflow(bytes, pv->pe_start, &end))
		return UINT64_MAX;
	return end;
}

int ivg_pv_check_extents(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			 const struct ivg_pv *pv)
{
	uint64_t end = extents_end(vg, pv);
	const char *dev = pv->dev ? pv->dev->path :
			  pv->device ? pv->device : "unknown device";

	if (pv->dev_size && end > pv->dev_size)
		return ivg_err(ctx, ERANGE,
			       "VG %s: PV %s (%s): its %llu extents end at sector %llu, beyond its size of %llu sectors",
			       vg->name, pv->name, dev,
			       (unsigned long long)pv->pe_count,
			       (unsigned long long)end,
			       (unsigned long long)pv->dev_size);
	/* The text's dev_size may be wrong too: the device is the bound. */
	if (pv->dev && end > pv->dev->size / 512)
		return ivg_err(ctx, ERANGE,
			       "VG %s: PV %s (%s): its %llu extents end at sector %llu, beyond the end of the device (%llu sectors)",
			       vg->name, pv->name, dev,
			       (unsigned long long)pv->pe_count,
			       (unsigned long long)end,
			       (unsigned long long)(pv->dev->size / 512));
	return 0;
}

static int check_pv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_pv *pv)
{
	int r;

	if (pv->pe_start % 8)
		return ivg_err(ctx, EINVAL,
			       "VG %s: PV %s has pe_start %llu, not aligned to 4 KiB",
			       vg->name, pv->name,
			       (unsigned long long)pv->pe_start);
	r = ivg_pv_check_extents(ctx, vg, pv);
	if (r)
		return r;
	if (pv->ba_size && pv->ba_start + pv->ba_size > pv->pe_start)
		return ivg_err(ctx, ERANGE,
			       "VG %s: PV %s bootloader area overlaps its data",
			       vg->name, pv->name);
	return 0;
}

static int check_segments(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			  const struct ivg_lv *lv)
{
	if (!lv->seg_count)
		return ivg_err(ctx, EINVAL, "VG %s: LV %s has no segments",
			       vg->name, lv->name);
	for (size_t s = 0; s < lv->seg_count; s++) {
		const struct ivg_seg *seg = &lv->segs[s];

		if (!seg->extent_count)
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s segment %zu has no extents",
				       vg->name, lv->name, s + 1);
		if (!strcmp(seg->type, "striped") &&
		    seg->extent_count % seg->stripe_count)
			return ivg_err(ctx, EINVAL,
				       "VG %s: LV %s segment %zu has %llu extents, not a multiple of its %u stripes",
				       vg->name, lv->name, s + 1,
				       (unsigned long long)seg->extent_count,
				       seg->stripe_count);
	}
	return 0;
}

/* A raid sub-LV (it exists: the format's rules say so) must be hidden. */
static const struct ivg_lv *sub_lv(struct ivg_ctx *ctx,
				   const struct ivg_vg *vg,
				   const struct ivg_lv *lv, const char *name,
				   int *r)
{
	const struct ivg_lv *sub = ivg_vg_lv(vg, name);

	if (ivg_lv_visible(sub))
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

	if (seg->area_count > IVG_MAX_LEGS)
		return ivg_err(ctx, EINVAL,
			       "VG %s: raid LV %s has %zu legs, more than %d",
			       vg->name, lv->name, seg->area_count,
			       IVG_MAX_LEGS);
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

	if (strlen(vg->name) + strlen(lv->name) > 124)
		return ivg_err(ctx, ENAMETOOLONG,
			       "VG %s: LV name %s is too long for this VG name",
			       vg->name, lv->name);
	r = check_segments(ctx, vg, lv);
	for (size_t s = 0; !r && s < lv->seg_count; s++)
		if (ivg_seg_class(lv->segs[s].type) == IVG_SEG_RAID)
			r = check_raid_seg(ctx, vg, lv, &lv->segs[s]);
	return r;
}

/* Names and PV UUIDs are the format's rules; LV UUIDs are ivg's. */
static int check_unique(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	struct ivg_lv **by_id = sorted_copy((void *const *)vg->lvs,
					    vg->lv_count, cmp_lv_id);
	int r = 0;

	if (!by_id)
		return ivg_err(ctx, ENOMEM, "VG %s: out of memory", vg->name);
	for (size_t i = 1; !r && i < vg->lv_count; i++)
		if (!strcmp(by_id[i - 1]->id, by_id[i]->id))
			r = ivg_err(ctx, EEXIST,
				    "VG %s: LVs %s and %s have the same UUID",
				    vg->name, by_id[i - 1]->name,
				    by_id[i]->name);
	free(by_id);
	return r;
}

int ivg_vg_validate(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	int r = ivg_vg_check_format(ctx, vg);

	if (!r)
		r = check_vg_header(ctx, vg);
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
