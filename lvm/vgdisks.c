/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vgdisks.c - disks joining (extend) and leaving (reduce) an install VG. */
#include "vgdisks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dev.h"
#include "imagelv.h"
#include "ivgvg.h"
#include "label.h"
#include "loopback.h"
#include "lvio.h"
#include "mda.h"
#include "pv.h"
#include "resync.h"
#include "rmeta.h"
#include "validate.h"
#include "vgio.h"

/* ---- which LVs have legs where ------------------------------------------- */

/* The PV a raid1 leg's image lies on, or NULL. */
static struct ivg_pv *leg_pv(const struct ivg_vg *vg, const struct ivg_lv *lv,
			     size_t k)
{
	const struct ivg_lv *img = ivg_vg_lv(vg, lv->segs[0].areas[k].name);

	if (!img || !img->seg_count || !img->segs[0].area_count ||
	    img->segs[0].areas[0].type != IVG_AREA_PV)
		return NULL;
	return ivg_vg_pv_by_name(vg, img->segs[0].areas[0].name);
}

static bool in_set(struct ivg_pv *const *pvs, size_t n, const struct ivg_pv *pv)
{
	for (size_t i = 0; pv && i < n; i++)
		if (pvs[i] == pv)
			return true;
	return false;
}

void ivg_pv_legs_text(const struct ivg_vg *vg, const struct ivg_pv *pv,
		      char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];

		if (!ivg_lv_is_raid1(lv))
			continue;
		for (size_t k = 0; k < lv->segs[0].area_count && used < len; k++)
			if (leg_pv(vg, lv, k) == pv)
				used += (size_t)snprintf(buf + used, len - used, "%s%s leg %zu",
							 used ? ", " : "", lv->name, k);
	}
}

/* Does the LV get a leg on every new disk? bootlv always; the image LVs
 * when the images are mirrored (imagelv.h). */
static bool grows(const struct ivg_vg *vg, const struct ivg_lv *lv)
{
	struct ivg_pv *img[IVG_MAX_LEGS];

	if (!ivg_lv_visible(lv) || !ivg_lv_is_raid1(lv))
		return false;
	if (!strcmp(lv->name, IVG_BOOTLV))
		return true;
	return ivg_image_pvs(vg, img) > 0 &&
	       (!strcmp(lv->name, IVG_BOSFS) || !strcmp(lv->name, IVG_OPPFS) ||
		ivg_strvec_has(&lv->tags, "ivg_bos"));
}

/* ---- filling legs -------------------------------------------------------- */

struct fill_progress {
	ivg_progress_fn fn;
	void *arg;
	uint64_t base, total;
};

static void fill_step(void *arg, uint64_t done, uint64_t total)
{
	struct fill_progress *p = arg;

	(void)total;
	if (p->fn)
		p->fn(p->arg, p->base + done, p->total);
}

/* The legs of lv on the PVs that are not in sync (a bit each). */
static int legs_to_fill(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const struct ivg_lv *lv, struct ivg_pv *const *pvs,
			size_t n, uint64_t *which)
{
	struct ivg_rmeta *m = malloc(sizeof(*m));
	int r;

	*which = 0;
	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, vg, lv, m);
	for (size_t k = 0; !r && k < m->n; k++)
		if (in_set(pvs, n, leg_pv(vg, lv, k)) && !m->leg[k].in_sync)
			*which |= 1ULL << k;
	free(m);
	return r;
}

int ivg_extend_finish(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      struct ivg_pv *const *pvs, size_t n_pvs,
		      ivg_progress_fn progress, void *arg, size_t *n)
{
	struct fill_progress p = { progress, arg, 0, 0 };
	uint64_t eb = vg->extent_size * 512ULL;
	uint64_t *which = calloc(vg->lv_count + 1, sizeof(*which));
	int r = which ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	*n = 0;
	for (size_t i = 0; !r && i < vg->lv_count; i++) {
		if (!ivg_lv_is_raid1(vg->lvs[i]))
			continue;
		r = legs_to_fill(ctx, vg, vg->lvs[i], pvs, n_pvs, &which[i]);
		p.total += (uint64_t)__builtin_popcountll(which[i]) *
			   ivg_lv_extents(vg->lvs[i]) * eb;
	}
	for (size_t i = 0; !r && i < vg->lv_count; i++) {
		if (!which[i])
			continue;
		ivg_info(ctx, "LV %s/%s: copying onto %d new leg(s)", vg->name,
			 vg->lvs[i]->name, __builtin_popcountll(which[i]));
		r = ivg_raid1_resync(ctx, vg, vg->lvs[i], which[i], fill_step, &p, NULL);
		p.base += (uint64_t)__builtin_popcountll(which[i]) *
			  ivg_lv_extents(vg->lvs[i]) * eb;
		*n += (size_t)__builtin_popcountll(which[i]);
	}
	free(which);
	return r;
}

/* ---- extend -------------------------------------------------------------- */

/* A disk given to join that is a PV of the VG already, under any name. */
static int check_not_member(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			    const char *path)
{
	struct ivg_disk_ident a, b;
	struct ivg_dev *d;
	int r = ivg_dev_open(ctx, path, IVG_DEV_RDONLY, &d);

	if (r)
		return r;
	ivg_disk_ident_of(d, &a);
	for (size_t i = 0; !r && i < vg->pv_count; i++) {
		if (!vg->pvs[i]->dev)
			continue;
		ivg_disk_ident_of(vg->pvs[i]->dev, &b);
		if (ivg_disk_ident_same(&a, &b))
			r = ivg_err(ctx, EEXIST, "%s: is PV %s of volume group \"%s\" already",
				    path, vg->pvs[i]->name, vg->name);
	}
	ivg_dev_close(d);
	return r;
}

/* The planned PV in the VG: a copy of its fields (devices set later). */
static int copy_pv(struct ivg_ctx *ctx, struct ivg_vg *vg,
		   const struct ivg_pv *from, struct ivg_pv **out)
{
	struct ivg_pv *pv = ivg_vg_add_pv(vg);

	if (!pv || !(pv->device = from->device ? strdup(from->device) : NULL) ||
	    ivg_strvec_add_all(&pv->status, &from->status) ||
	    ivg_strvec_add_all(&pv->tags, &from->tags))
		return ivg_err(ctx, ENOMEM, "out of memory");
	memcpy(pv->id, from->id, sizeof(pv->id));
	pv->dev_size = from->dev_size;
	pv->pe_start = from->pe_start;
	pv->pe_count = from->pe_count;
	pv->ba_start = from->ba_start;
	pv->ba_size = from->ba_size;
	*out = pv;
	return 0;
}

/* Every growing LV gets a leg on each new PV (REBUILD: to be filled). */
static int add_legs(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    struct ivg_pv *const *pvs, size_t n)
{
	int r = 0;

	for (size_t i = 0; !r && i < vg->lv_count; i++)
		for (size_t p = 0; !r && grows(vg, vg->lvs[i]) && p < n; p++)
			r = ivg_lv_raid1_add_leg(ctx, vg, vg->lvs[i], pvs[p], true, NULL);
	return r;
}

static int zero_new_rmeta(struct ivg_ctx *ctx, struct ivg_vg *vg,
			  struct ivg_pv *const *pvs, size_t n)
{
	static const char zero[IVG_RMETA_HEAD];
	int r = 0;

	for (size_t i = 0; !r && i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];

		for (size_t k = 0; !r && ivg_lv_is_raid1(lv) &&
				   k < lv->segs[0].area_count; k++) {
			struct ivg_lvio *io = NULL;

			if (!in_set(pvs, n, leg_pv(vg, lv, k)) || !lv->segs[0].areas[k].meta)
				continue;
			r = ivg_lvio_open(ctx, vg, lv->segs[0].areas[k].meta, -1, &io);
			if (!r)
				r = ivg_lvio_pwrite(ctx, io, zero, sizeof(zero), 0);
			ivg_lvio_close(io);
		}
	}
	return r;
}

/* The new disks, planned as ivgcreate plans them; their options live
 * as long as the plan does. */
struct ivg_extension {
	struct ivg_newvg_opts no;
	struct ivg_newvg *plan;
};

void ivg_extension_free(struct ivg_extension *ext)
{
	if (!ext)
		return;
	ivg_newvg_free(ext->plan);
	free(ext);
}

static int plan_disks(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const struct ivg_extend_opts *o,
		      struct ivg_newvg_opts *no, struct ivg_newvg **plan)
{
	int r = 0;

	if (!o->n_disks)
		return ivg_err(ctx, EINVAL, "no disks given");
	for (size_t i = 0; !r && i < o->n_disks; i++)
		r = check_not_member(ctx, vg, o->disks[i]);
	*no = (struct ivg_newvg_opts){
		.vgname = vg->name, .boot_tag = IVG_BOOT_TAG,
		.disks = o->disks, .n_disks = o->n_disks,
		.extent_size = (uint64_t)vg->extent_size * 512,
		.force = o->force, .confirm = o->confirm,
		.confirm_arg = o->confirm_arg,
	};
	return r ? r : ivg_newvg_plan(ctx, no, plan);
}

int ivg_extend(struct ivg_ctx *ctx, struct ivg_vg *vg,
	       const struct ivg_extend_opts *o, struct ivg_extension **ext)
{
	struct ivg_pv **pvs = calloc(o->n_disks + 1, sizeof(*pvs));
	struct ivg_newvg **plan;
	struct ivg_vg *tmp;
	size_t added;
	int r;

	*ext = NULL;
	r = pvs && (*ext = calloc(1, sizeof(**ext))) ? 0 :
	    ivg_err(ctx, ENOMEM, "out of memory");

	if (r) {
		free(pvs);
		return r;
	}
	plan = &(*ext)->plan;
	r = plan_disks(ctx, vg, o, &(*ext)->no, plan);
	tmp = r ? NULL : ivg_newvg_vg(*plan);
	for (size_t i = 0; !r && i < tmp->pv_count; i++)
		r = copy_pv(ctx, vg, tmp->pvs[i], &pvs[i]);
	/* Everything that can refuse, before the first write. */
	if (!r)
		r = add_legs(ctx, vg, pvs, o->n_disks);
	if (!r)
		r = ivg_vg_validate(ctx, vg);
	if (!r)
		r = ivg_check_interrupt(ctx, vg->name);
	if (!r)
		r = ivg_newvg_write(ctx, *plan);
	for (size_t i = 0; !r && i < tmp->pv_count; i++)
		pvs[i]->dev = tmp->pvs[i]->dev;
	if (!r)
		r = zero_new_rmeta(ctx, vg, pvs, o->n_disks);
	if (!r)
		r = ivg_newvg_write_labels(ctx, *plan);
	for (size_t i = 0; !r && i < tmp->pv_count; i++)
		pvs[i]->label = tmp->pvs[i]->label;
	if (!r)
		r = ivg_vg_commit(ctx, vg);
	if (!r)
		r = ivg_extend_finish(ctx, vg, pvs, o->n_disks, o->progress,
				      o->progress_arg, &added);
	free(pvs);
	return r;
}

/* ---- reduce -------------------------------------------------------------- */

/* Is LV a leg (rimage or rmeta) of a raid1 LV? */
static bool raid1_sub(const struct ivg_vg *vg, const struct ivg_lv *sub)
{
	for (size_t i = 0; i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];

		for (size_t k = 0; ivg_lv_is_raid1(lv) && k < lv->segs[0].area_count; k++)
			if (!strcmp(lv->segs[0].areas[k].name, sub->name) ||
			    (lv->segs[0].areas[k].meta &&
			     !strcmp(lv->segs[0].areas[k].meta, sub->name)))
				return true;
	}
	return false;
}

/* vgreduce's rule: a PV in use by anything but raid1 legs stays. */
static int check_only_legs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			   const struct ivg_pv *pv)
{
	for (size_t i = 0; i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];

		for (size_t s = 0; s < lv->seg_count; s++)
			for (size_t a = 0; a < lv->segs[s].area_count; a++)
				if (lv->segs[s].areas[a].type == IVG_AREA_PV &&
				    !strcmp(lv->segs[s].areas[a].name, pv->name) &&
				    !raid1_sub(vg, lv))
					return ivg_err(ctx, EBUSY, "PV %s (%s) holds extents of LV %s/%s, which is not a raid1 leg: not dropped (move it off first)",
						       pv->name, pv->device ? pv->device : "?",
						       vg->name, lv->name);
	}
	return 0;
}

/* A raid1 LV keeps a leg, and a leg in sync, outside the dropped PVs. */
static int check_keeps_leg(struct ivg_ctx *ctx, struct ivg_vg *vg,
			   const struct ivg_lv *lv, struct ivg_pv *const *pvs,
			   size_t n)
{
	struct ivg_rmeta *m = malloc(sizeof(*m));
	bool kept = false, in_sync = false;
	int r;

	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, vg, lv, m);
	for (size_t k = 0; !r && k < m->n; k++) {
		if (in_set(pvs, n, leg_pv(vg, lv, k)))
			continue;
		kept = true;
		in_sync |= m->leg[k].in_sync;
	}
	free(m);
	if (!r && !kept)
		r = ivg_err(ctx, EINVAL, "LV %s/%s would lose its last leg: not dropped (as vgreduce refuses)",
			    vg->name, lv->name);
	else if (!r && !in_sync)
		r = ivg_err(ctx, EINVAL, "LV %s/%s: every leg in sync is on the PVs to drop: not dropped (ivgck --repair first)",
			    vg->name, lv->name);
	return r;
}

static int check_reduce(struct ivg_ctx *ctx, struct ivg_vg *vg,
			struct ivg_pv *const *pvs, size_t n)
{
	int r = 0;

	if (n >= vg->pv_count)
		return ivg_err(ctx, EINVAL, "Volume group \"%s\" would have no PV left: not reduced (ivgexport, or remove the VG)",
			       vg->name);
	for (size_t i = 0; !r && i < n; i++)
		r = check_only_legs(ctx, vg, pvs[i]);
	for (size_t i = 0; !r && i < vg->lv_count; i++)
		if (ivg_lv_visible(vg->lvs[i]) && ivg_lv_is_raid1(vg->lvs[i]))
			r = check_keeps_leg(ctx, vg, vg->lvs[i], pvs, n);
	return r;
}

static int drop_legs(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     struct ivg_pv *const *pvs, size_t n)
{
	int r = 0;

	for (size_t i = 0; !r && i < vg->lv_count; i++) {
		struct ivg_lv *lv = vg->lvs[i];

		for (size_t k = ivg_lv_is_raid1(lv) ? lv->segs[0].area_count : 0;
		     !r && k-- > 0;)
			if (in_set(pvs, n, leg_pv(vg, lv, k)))
				r = ivg_lv_raid1_remove_leg(ctx, vg, lv, k);
	}
	return r;
}

/* What a dropped PV that is present becomes: an orphan PV, its label
 * "not in use" and its metadata area empty, as vgreduce leaves it. */
struct orphan {
	struct ivg_pv pv;          /* the fields ivg_pv_write needs */
	struct ivg_dev *dev;
};

static int orphan_pv(struct ivg_ctx *ctx, struct orphan *o)
{
	int r = ivg_pv_write_orphan(ctx, o->dev, &o->pv);

	return r ? r : ivg_dev_sync(ctx, o->dev);
}

/* The remaining legs' dm-raid superblocks: their new positions and count
 * (a leg out of sync keeps being recovered: rmeta.h's mark). */
static int renumber_all(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	int r = 0;

	for (size_t i = 0; !r && i < vg->lv_count; i++)
		if (ivg_lv_is_raid1(vg->lvs[i]))
			r = ivg_rmeta_renumber(ctx, vg, vg->lvs[i]);
	return r;
}

int ivg_reduce(struct ivg_ctx *ctx, struct ivg_vg *vg,
	       struct ivg_pv *const *pvs, size_t n)
{
	struct orphan *orph = calloc(n + 1, sizeof(*orph));
	size_t no = 0;
	int r = orph ? check_reduce(ctx, vg, pvs, n) : ivg_err(ctx, ENOMEM, "out of memory");

	for (size_t i = 0; !r && i < n; i++) {
		/* Only PVs with ivg's layout are written: another's stays. */
		if (!pvs[i]->dev || pvs[i]->pe_start * 512 != IVG_PE_START)
			continue;
		memcpy(orph[no].pv.id, pvs[i]->id, sizeof(orph[no].pv.id));
		orph[no].pv.dev_size = pvs[i]->dev_size;
		orph[no].pv.pe_start = pvs[i]->pe_start;
		orph[no++].dev = pvs[i]->dev;
	}
	if (!r)
		r = drop_legs(ctx, vg, pvs, n);
	/* The PVs go last: a PV's name may not be looked up after. */
	for (size_t i = 0; !r && i < n; i++)
		r = ivg_vg_remove_pv(vg, pvs[i]->name) ?
		    ivg_err(ctx, ENOENT, "PV gone from the model") : 0;
	if (!r)
		r = ivg_vg_validate(ctx, vg);
	if (!r)
		r = ivg_vg_commit(ctx, vg);
	for (size_t i = 0; !r && i < no; i++)
		r = orphan_pv(ctx, &orph[i]);
	if (!r)
		r = renumber_all(ctx, vg);
	free(orph);
	return r;
}

/* Is the scanned device the disk 'path' names, an outdated PV of vg? */
static bool outdated_of(const struct ivg_scan_pv *sp, const struct ivg_vg *vg,
			const char *path)
{
	if (strcmp(sp->path, path) && (!sp->dev || strcmp(sp->dev->path, path)))
		return false;
	if (!sp->has_label || ivg_vg_pv_by_id(vg, sp->label.pv_uuid))
		return false;
	for (size_t m = 0; m < sp->mda_count; m++)
		if (!sp->mda[m].err && !strcmp(sp->mda[m].vgid, vg->id) &&
		    sp->mda[m].seqno < vg->seqno)
			return true;
	return false;
}

int ivg_reduce_outdated(struct ivg_ctx *ctx, struct ivg_vgh *h, const char *path)
{
	for (size_t d = 0; d < h->scan->count; d++) {
		const struct ivg_scan_pv *sp = &h->scan->pvs[d];
		struct orphan o = { 0 };
		int r;

		if (!outdated_of(sp, h->vg, path))
			continue;
		memcpy(o.pv.id, sp->label.pv_uuid, sizeof(o.pv.id));
		o.pv.dev_size = sp->label.dev_size / 512;
		o.pv.pe_start = sp->label.data.offset / 512;
		if (o.pv.pe_start * 512 != IVG_PE_START)
			return ivg_err(ctx, EINVAL, "%s: an outdated PV of volume group \"%s\" without ivg's layout: left as it is (vgck --updatemetadata clears it)",
				       path, h->vg->name);
		r = ivg_dev_open(ctx, sp->path, IVG_DEV_RDWR, &o.dev);
		if (!r)
			r = ivg_dev_set_window(ctx, o.dev, sp->dev->base, sp->dev->size);
		if (!r)
			r = orphan_pv(ctx, &o);
		ivg_dev_close(o.dev);
		return r ? r : renumber_all(ctx, h->vg);
	}
	return -ENOENT;
}
