/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.c - check the target disks of a BOS install and make them a root
 * VG. The disk work (layout, PVs, commit order) is ivg_newvg's, the same
 * that ivgcreate uses; what is the root VG's own is here: which LVs, the
 * checks that only a target needs, and swaplv's signature.
 */
#include "target.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "bootrec.h"
#include "dev.h"
#include "gpt.h"
#include "ivgvg.h"
#include "le.h"
#include "lvio.h"
#include "pv.h"

#define SWAP_PAGE 4096
#define SWAP_MAGIC "SWAPSPACE2"

struct bos_target {
	const struct bos_target_opts *o;
	struct ivg_newlv lvs[3];
	struct ivg_newvg_opts no;
	struct ivg_newvg *nv;
};

static int whole_disk_dev(struct ivg_ctx *ctx, const char *path,
			  struct ivg_dev **dev)
{
	char whole[PATH_MAX];
	int r;

	*dev = NULL;
	r = ivg_bootrec_whole_disk(ctx, path, whole, sizeof(whole));
	return r ? r : ivg_dev_open(ctx, whole, IVG_DEV_RDONLY, dev);
}

int bos_target_in_vg(struct ivg_ctx *ctx, const char *path,
		     const struct ivg_vg *vg)
{
	struct ivg_dev *t, *p;
	int r = whole_disk_dev(ctx, path, &t), hit = 0;

	for (size_t i = 0; !r && !hit && i < vg->pv_count; i++) {
		const struct ivg_pv *pv = vg->pvs[i];

		if (!pv->dev)
			continue;
		if (whole_disk_dev(ctx, pv->dev->path, &p))
			continue;    /* gone since the scan: not this target */
		hit = ivg_dev_same(t, p);
		if (hit)
			r = ivg_err(ctx, EBUSY,
				    "%s: is a disk of install volume group \"%s\" (PV %s on %s); installing onto it would destroy the IVG",
				    path, vg->name, pv->name, pv->dev->path);
		ivg_dev_close(p);
	}
	ivg_dev_close(t);
	return r ? (hit ? 1 : r) : 0;
}

static uint64_t extents_of(uint64_t bytes, uint64_t extent)
{
	return (bytes + extent - 1) / extent;
}

/* Whole extents the PV of a disk of 'size' bytes will hold (0: none). */
static uint64_t disk_extents(struct ivg_ctx *ctx, const char *path,
			     uint64_t size, int *r)
{
	struct ivg_layout lay;

	*r = ivg_layout_plan(ctx, path, size, 0,
			     IVG_PE_START + IVG_DEFAULT_EXTENT, &lay);
	return *r ? 0 : (lay.pv_size - IVG_PE_START) / IVG_DEFAULT_EXTENT;
}

static int check_sizes(struct ivg_ctx *ctx, const struct bos_target_opts *o,
		       const struct bos_target *t)
{
	uint64_t e = IVG_DEFAULT_EXTENT, total = 0, first = 0;
	uint64_t boot = extents_of(t->lvs[0].size, e);
	uint64_t swap = extents_of(t->lvs[1].size, e);
	uint64_t root = extents_of(o->root_min > BOS_ROOTLV_MIN ? o->root_min :
				   BOS_ROOTLV_MIN, e);
	int r = 0;

	for (size_t i = 0; !r && i < o->n_disks; i++) {
		struct ivg_dev *d;

		r = ivg_dev_open(ctx, o->disks[i], IVG_DEV_RDONLY, &d);
		if (r)
			break;
		total += disk_extents(ctx, o->disks[i], d->disk_size, &r);
		if (i == 0)
			first = total;
		ivg_dev_close(d);
	}
	if (!r && first < boot)
		r = ivg_err(ctx, ENOSPC,
			    "%s: too small to hold bootlv (%llu MiB) on the first target",
			    o->disks[0], (unsigned long long)(t->lvs[0].size >> 20));
	if (!r && total < boot + swap + root)
		r = ivg_err(ctx, ENOSPC,
			    "%s%s: too small for the root VG: %llu MiB of extents, %llu MiB needed (bootlv %llu, swaplv %llu, rootlv at least %llu MiB)",
			    o->disks[0], o->n_disks > 1 ? " and the other targets" : "",
			    (unsigned long long)(total * e >> 20),
			    (unsigned long long)((boot + swap + root) * e >> 20),
			    (unsigned long long)(boot * e >> 20),
			    (unsigned long long)(swap * e >> 20),
			    (unsigned long long)(root * e >> 20));
	return r;
}

static void plan_lvs(struct bos_target *t)
{
	const struct bos_target_opts *o = t->o;

	t->lvs[0] = (struct ivg_newlv){
		.name = BOS_BOOTLV, .disk = 0, .fs = IVG_NEWLV_EXT2,
		.fs_label = "boot",
		.size = o->bootlv_size ? o->bootlv_size : BOS_DEFAULT_BOOTLV,
	};
	t->lvs[1] = (struct ivg_newlv){
		.name = BOS_SWAPLV, .disk = -1, .fs = IVG_NEWLV_NOFS,
		.size = o->swap_size ? o->swap_size : BOS_DEFAULT_SWAPLV,
	};
	/* The restore formats rootlv (or copies a filesystem image into it). */
	t->lvs[2] = (struct ivg_newlv){
		.name = BOS_ROOTLV, .disk = -1, .fs = IVG_NEWLV_NOFS, .size = 0,
	};
	t->no = (struct ivg_newvg_opts){
		.vgname = o->vgname ? o->vgname : BOS_ROOTVG_DEFAULT,
		.vg_tag = BOS_ROOTVG_TAG, .disks = o->disks,
		.n_disks = o->n_disks, .lvs = t->lvs, .n_lvs = 3,
		.force = o->force, .confirm = o->confirm,
		.confirm_arg = o->confirm_arg, .others = o->others,
		.n_others = o->n_others,
	};
}

int bos_target_plan(struct ivg_ctx *ctx, const struct bos_target_opts *o,
		    struct bos_target **out)
{
	struct bos_target *t = calloc(1, sizeof(*t));
	int r = 0;

	*out = NULL;
	if (!t)
		return ivg_err(ctx, ENOMEM, "out of memory");
	t->o = o;
	plan_lvs(t);
	if (!o->n_disks)
		r = ivg_err(ctx, EINVAL, "no target disks given");
	for (size_t i = 0; !r && o->ivg && i < o->n_disks; i++) {
		int in = bos_target_in_vg(ctx, o->disks[i], o->ivg);

		r = in > 0 ? -EBUSY : in;
	}
	if (!r)
		r = check_sizes(ctx, o, t);
	if (!r)
		r = ivg_newvg_plan(ctx, &t->no, &t->nv);
	if (r) {
		bos_target_free(t);
		return r;
	}
	*out = t;
	return 0;
}

struct ivg_vg *bos_target_vg(const struct bos_target *t)
{
	return ivg_newvg_vg(t->nv);
}

uint64_t bos_target_lv_bytes(const struct bos_target *t, const char *lv)
{
	const struct ivg_vg *vg = ivg_newvg_vg(t->nv);
	const struct ivg_lv *l = ivg_vg_lv(vg, lv);

	return l ? ivg_lv_extents(l) * vg->extent_size * IVG_SECTOR : 0;
}

int bos_swap_header(struct ivg_ctx *ctx, uint64_t bytes, const char *label,
		    uint8_t page[SWAP_PAGE])
{
	uint64_t pages = bytes / SWAP_PAGE;
	uuid_t id;

	/* mkswap's minimum is 10 pages; a u32 counts the last one. */
	if (pages < 10 || pages - 1 > UINT32_MAX)
		return ivg_err(ctx, EINVAL,
			       "swap of %llu bytes: needs 10 to 2^32 pages of 4 KiB",
			       (unsigned long long)bytes);
	/*
	 * The kernel's union swap_header: 1 KiB of boot bits (zero), then
	 * version 1, the last page, no bad pages, the UUID and the label
	 * (16 bytes each), and the magic in the page's last 10 bytes.
	 */
	memset(page, 0, SWAP_PAGE);
	put32(page + 1024, 1);
	put32(page + 1028, (uint32_t)(pages - 1));
	uuid_generate(id);
	memcpy(page + 1036, id, 16);
	if (label)
		strncpy((char *)page + 1052, label, 16);
	memcpy(page + SWAP_PAGE - 10, SWAP_MAGIC, 10);
	return 0;
}

static int write_swap(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	uint8_t page[SWAP_PAGE];
	struct ivg_lvio *io;
	int r = ivg_lvio_open(ctx, vg, BOS_SWAPLV, -1, &io);

	ivg_info(ctx, "%s/%s: writing the swap signature", vg->name, BOS_SWAPLV);
	if (!r)
		r = bos_swap_header(ctx, ivg_lvio_size(io), "swap", page);
	if (!r)
		r = ivg_lvio_pwrite(ctx, io, page, sizeof(page), 0);
	if (!r)
		r = ivg_lvio_sync(ctx, io);
	ivg_lvio_close(io);
	return r;
}

int bos_target_prepare(struct ivg_ctx *ctx, struct bos_target *t)
{
	int r = ivg_newvg_write(ctx, t->nv);

	return r ? r : write_swap(ctx, ivg_newvg_vg(t->nv));
}

int bos_target_commit(struct ivg_ctx *ctx, struct bos_target *t)
{
	ivg_info(ctx, "%s: writing the PV labels and the VG metadata",
		 t->no.vgname);
	return ivg_newvg_commit(ctx, t->nv);
}

void bos_target_free(struct bos_target *t)
{
	if (!t)
		return;
	ivg_newvg_free(t->nv);
	free(t);
}
