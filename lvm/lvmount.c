/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lvmount.c - an LV mounted for one step, then put back (lvmount.h). */
#include "lvmount.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "activate.h"
#include "ivgmount.h"
#include "loopdev.h"
#include "rmeta.h"

struct ivg_lvmount {
	const struct ivg_vg *vg;
	const struct ivg_lv *lv;
	char dir[PATH_MAX];
	bool made_dir;             /* the open made 'dir' */
	bool brought_up;           /* the open made the LV a block device */
	bool mounted;
};

static int find_lv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		   const char *name, const struct ivg_lv **lv)
{
	*lv = ivg_vg_lv(vg, name);
	if (!*lv)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" has no LV %s",
			       vg->name, name);
	return 0;
}

/* One run of bytes on one PV: what a loop device can show. */
static bool one_run(const struct ivg_lv *lv)
{
	const struct ivg_seg *seg = lv->seg_count == 1 ? &lv->segs[0] : NULL;

	return seg && !strcmp(seg->type, "striped") && seg->area_count == 1 &&
	       seg->areas[0].type == IVG_AREA_PV;
}

/* A raid1 LV shows as a loop over one leg (loopdev.h): each leg one run. */
static bool legs_one_run(const struct ivg_vg *vg, const struct ivg_lv *lv)
{
	const struct ivg_seg *seg = &lv->segs[0];

	for (size_t k = 0; k < seg->area_count; k++) {
		const struct ivg_lv *img = ivg_vg_lv(vg, seg->areas[k].name);

		if (!img || !one_run(img))
			return false;
	}
	return true;
}

int ivg_lvmount_check(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const char *name)
{
	const struct ivg_lv *lv;
	int r = find_lv(ctx, vg, name, &lv);

	if (r || ivg_dm_present())
		return r;
	/* A loop device shows one run of bytes: one linear segment, or one
	 * leg of a raid1 LV (the LV's PVs may not be open yet: an install's
	 * new VG, so which leg is in sync is found when it is attached). */
	if (one_run(lv) || (ivg_lv_is_raid1(lv) && legs_one_run(vg, lv)))
		return 0;
	return ivg_err(ctx, ENOTSUP, "LV %s/%s is %s%s: without device-mapper only a single-segment linear LV, or a raid1 LV whose legs are, can be mounted (through a loop device)",
		       vg->name, lv->name,
		       lv->seg_count ? ivg_seg_type_name(&lv->segs[0]) : "empty",
		       lv->seg_count > 1 ? ", in several segments" : "");
}

/* The LV as a block device: the one there, or one this call makes. */
static int device_up(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     struct ivg_lvmount *m, bool readonly, char *dev,
		     size_t len, dev_t *num)
{
	const char *only[] = { m->lv->name, NULL };
	int r = ivg_lv_dm_check_owner(ctx, vg, m->lv);

	if (r)
		return r;
	if (!ivg_lv_device(vg, m->lv, dev, len, num))
		return 0;
	if ((r = ivg_lvs_up(ctx, vg, readonly, only)))
		return r;
	m->brought_up = true;
	if (ivg_lv_device(vg, m->lv, dev, len, num))
		return ivg_err(ctx, ENXIO, "LV %s/%s: no block device after activating it",
			       vg->name, m->lv->name);
	return 0;
}

/* Already mounted here: bound read-only at m->dir (refused read-write). */
static int bind_existing(struct ivg_ctx *ctx, struct ivg_lvmount *m,
			 const char *there, bool readonly)
{
	if (!readonly)
		return ivg_err(ctx, EBUSY, "LV %s/%s is mounted at %s already",
			       m->vg->name, m->lv->name, there);
	if (mount(there, m->dir, NULL, MS_BIND, NULL))
		return ivg_err(ctx, errno, "cannot bind %s at %s: %s", there,
			       m->dir, strerror(errno));
	m->mounted = true;
	if (mount(NULL, m->dir, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
		  MS_NODEV | MS_NOSUID, NULL))
		return ivg_err(ctx, errno, "cannot make the mount of %s at %s read-only: %s",
			       there, m->dir, strerror(errno));
	return 0;
}

static int mount_it(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    struct ivg_lvmount *m, bool readonly)
{
	unsigned long flags = MS_NODEV | MS_NOSUID | (readonly ? MS_RDONLY : 0);
	char dev[600], there[PATH_MAX];
	dev_t num;
	int r = device_up(ctx, vg, m, readonly, dev, sizeof(dev), &num);

	if (r)
		return r;
	if (!ivg_mount_point(ctx, num, there, sizeof(there), NULL))
		return bind_existing(ctx, m, there, readonly);
	/* The root of an install is mounted with device nodes: the BOS's
	 * package manager runs there. */
	if (!readonly)
		flags &= ~(unsigned long)(MS_NODEV | MS_NOSUID);
	if (mount(dev, m->dir, "ext4", flags, readonly ? "noload" : NULL))
		return ivg_err(ctx, errno, "cannot mount LV %s/%s (%s) at %s: %s",
			       vg->name, m->lv->name, dev, m->dir, strerror(errno));
	m->mounted = true;
	return 0;
}

int ivg_lvmount_open(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		     bool readonly, const char *dir, struct ivg_lvmount **out)
{
	struct ivg_lvmount *m = calloc(1, sizeof(*m));
	int r;

	*out = NULL;
	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	m->vg = vg;
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	r = find_lv(ctx, vg, lv, &m->lv);
	if (!r && mkdir(dir, 0755)) {
		if (errno != EEXIST)
			r = ivg_err(ctx, errno, "%s: cannot make the mount point: %s",
				    dir, strerror(errno));
	} else if (!r) {
		m->made_dir = true;
	}
	if (!r)
		r = mount_it(ctx, vg, m, readonly);
	if (r) {
		struct ivg_ctx quiet;

		ivg_ctx_init(&quiet);
		ivg_lvmount_close(&quiet, m);
		return r;
	}
	*out = m;
	return 0;
}

const char *ivg_lvmount_dir(const struct ivg_lvmount *m)
{
	return m->dir;
}

int ivg_lvmount_close(struct ivg_ctx *ctx, struct ivg_lvmount *m)
{
	int r = 0;

	if (!m)
		return 0;
	if (m->mounted && umount2(m->dir, 0))
		r = ivg_err(ctx, errno, "cannot unmount %s (LV %s/%s): %s",
			    m->dir, m->vg->name, m->lv->name, strerror(errno));
	/* A device still mounted stays: taking it away would fail anyway. */
	if (!r && m->brought_up) {
		r = ivg_deactivate_lv(ctx, m->vg, m->lv);
		if (!r)
			r = ivg_loop_detach(ctx, m->vg, m->lv);
	}
	if (!r && m->made_dir)
		rmdir(m->dir);
	free(m);
	return r;
}
