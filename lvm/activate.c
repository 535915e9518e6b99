/* SPDX-License-Identifier: GPL-2.0-or-later */
/* activate.c - device-mapper tables from the VG model; libdevmapper. */
#include "activate.h"

#include <errno.h>
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "lvio.h"

static size_t put_doubled(const char *s, char *out, size_t o, size_t len)
{
	for (; *s && o + 2 < len; s++) {
		out[o++] = *s;
		if (*s == '-')
			out[o++] = '-';
	}
	return *s ? len : o;
}

int ivg_dm_name(const char *vg, const char *lv, char *out, size_t len)
{
	size_t o = put_doubled(vg, out, 0, len);

	if (o + 2 >= len)
		return -ENAMETOOLONG;
	out[o++] = '-';
	o = put_doubled(lv, out, o, len);
	if (o >= len)
		return -ENAMETOOLONG;
	out[o] = 0;
	return 0;
}

void ivg_dm_uuid(const struct ivg_vg *vg, const struct ivg_lv *lv,
		 char out[IVG_DM_UUID_LEN + 1])
{
	snprintf(out, IVG_DM_UUID_LEN + 1, "LVM-%s%s", vg->id, lv->id);
}

/* "major:minor offset" of extent 'pe' of PV 'name'. */
static int pv_extent(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const struct ivg_lv *lv, const char *name, uint64_t pe,
		     char *out, size_t len)
{
	const struct ivg_pv *pv = ivg_vg_pv_by_name(vg, name);

	if (!pv || !pv->dev)
		return ivg_err(ctx, ENXIO, "LV %s/%s: PV %s is missing",
			       vg->name, lv->name, name);
	if (!pv->dev->is_blockdev)
		return ivg_err(ctx, ENOTBLK,
			       "%s: not a block device; device-mapper needs one (use a loop device)",
			       pv->dev->path);
	snprintf(out, len, "%u:%u %llu", major(pv->dev->st_dev),
		 minor(pv->dev->st_dev),
		 (unsigned long long)(pv->dev->base / 512 + pv->pe_start +
				      pe * vg->extent_size));
	return 0;
}

static int append(char *buf, size_t len, const char *s)
{
	size_t o = strlen(buf);

	if (o + strlen(s) + 1 > len)
		return -E2BIG;
	memcpy(buf + o, s, strlen(s) + 1);
	return 0;
}

static int striped_params(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			  const struct ivg_lv *lv, const struct ivg_seg *seg,
			  struct ivg_dm_target *t)
{
	char one[128];
	int r = 0;

	if (seg->area_count == 1) {
		strcpy(t->type, "linear");
		return pv_extent(ctx, vg, lv, seg->areas[0].name,
				 seg->areas[0].start, t->params,
				 sizeof(t->params));
	}
	strcpy(t->type, "striped");
	snprintf(t->params, sizeof(t->params), "%zu %llu", seg->area_count,
		 (unsigned long long)seg->stripe_size);
	for (size_t a = 0; !r && a < seg->area_count; a++) {
		r = pv_extent(ctx, vg, lv, seg->areas[a].name,
			      seg->areas[a].start, one + 1, sizeof(one) - 1);
		one[0] = ' ';
		if (!r && append(t->params, sizeof(t->params), one))
			r = ivg_err(ctx, E2BIG, "LV %s/%s: table too long",
				    vg->name, lv->name);
	}
	return r;
}

/*
 * Read-only, a raid1 LV is a linear map of its first leg that is there:
 * the raid target writes its superblocks into the rmeta legs even when
 * the table is read-only, and read-only must write nothing.
 */
static int raid_leg_params(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			   const struct ivg_lv *lv, const struct ivg_seg *seg,
			   uint64_t start, ivg_sub_dev_fn sub, void *arg,
			   struct ivg_dm_target *t)
{
	char data[32];

	for (size_t a = 0; a < seg->area_count; a++) {
		const struct ivg_lv *d = ivg_vg_lv(vg, seg->areas[a].name);

		if (d && !sub(arg, d, data, sizeof(data))) {
			strcpy(t->type, "linear");
			snprintf(t->params, sizeof(t->params), "%s %llu", data,
				 (unsigned long long)start);
			return 0;
		}
	}
	return ivg_err(ctx, ENXIO, "LV %s/%s: no leg of the mirror is there",
		       vg->name, lv->name);
}

/* raid1 over its legs: "raid1 3 0 region_size R N meta data ...". */
static int raid_params(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const struct ivg_lv *lv, const struct ivg_seg *seg,
		       ivg_sub_dev_fn sub, void *arg, struct ivg_dm_target *t)
{
	char meta[32], data[32], one[80];

	if (strcmp(seg->type, "raid1"))
		return ivg_err(ctx, ENOTSUP, "LV %s/%s: segment type %s cannot be activated",
			       vg->name, lv->name, seg->type);
	strcpy(t->type, "raid");
	snprintf(t->params, sizeof(t->params), "raid1 3 0 region_size %u %zu",
		 seg->region_size ? seg->region_size : 4096, seg->area_count);
	for (size_t a = 0; a < seg->area_count; a++) {
		const struct ivg_area *ar = &seg->areas[a];
		const struct ivg_lv *m = ar->meta ? ivg_vg_lv(vg, ar->meta) : NULL;
		const struct ivg_lv *d = ivg_vg_lv(vg, ar->name);

		/* A leg that is not there is "- -", as lvm2 writes it. */
		if (!m || sub(arg, m, meta, sizeof(meta)))
			strcpy(meta, "-");
		if (!d || sub(arg, d, data, sizeof(data)))
			strcpy(data, "-");
		snprintf(one, sizeof(one), " %s %s", meta, data);
		if (append(t->params, sizeof(t->params), one))
			return ivg_err(ctx, E2BIG, "LV %s/%s: table too long",
				       vg->name, lv->name);
	}
	return 0;
}

int ivg_dm_table(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		 const struct ivg_lv *lv, bool readonly, ivg_sub_dev_fn sub,
		 void *arg, struct ivg_dm_target **out, size_t *n)
{
	struct ivg_dm_target *t = calloc(lv->seg_count + 1, sizeof(*t));
	int r = 0;

	*out = NULL;
	*n = 0;
	if (!t)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t s = 0; !r && s < lv->seg_count; s++) {
		const struct ivg_seg *seg = &lv->segs[s];

		t[s].start = seg->start_extent * vg->extent_size;
		t[s].len = seg->extent_count * vg->extent_size;
		if (!strcmp(seg->type, "striped"))
			r = striped_params(ctx, vg, lv, seg, &t[s]);
		else if (readonly && !strcmp(seg->type, "raid1"))
			r = raid_leg_params(ctx, vg, lv, seg, t[s].start, sub,
					    arg, &t[s]);
		else
			r = raid_params(ctx, vg, lv, seg, sub, arg, &t[s]);
	}
	if (r) {
		free(t);
		return r;
	}
	*out = t;
	*n = lv->seg_count;
	return 0;
}

/* ---- libdevmapper ----------------------------------------------------- */

/* libdevmapper's own messages: ivg reports its errors itself. */
static void dm_quiet(int level, const char *file, int line, int dm_errno,
		     const char *f, ...)
{
	(void)level, (void)file, (void)line, (void)dm_errno, (void)f;
}

static void dm_setup(void)
{
	dm_log_with_errno_init(dm_quiet);
	dm_udev_set_sync_support(0);
}

/*
 * Without the kernel driver nothing can be active. The control node may
 * exist without the driver (left by a package): ask /proc/misc.
 */
bool ivg_dm_present(void)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/misc", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " device-mapper") != NULL;
	if (f)
		fclose(f);
	return found;
}

static int dm_fail(struct ivg_ctx *ctx, struct dm_task *task,
		   const char *what, const char *name)
{
	int e = task ? dm_task_get_errno(task) : ENOMEM;

	return ivg_err(ctx, e ? e : EIO, "device-mapper: cannot %s %s: %s",
		       what, name, strerror(e ? e : EIO));
}

/* Major:minor of an active dm device by name; -ENOENT if not active. */
static int dm_devno(const char *name, char *majmin, size_t len)
{
	struct dm_task *t = dm_task_create(DM_DEVICE_INFO);
	struct dm_info info;
	int r = -ENOENT;

	if (!t)
		return -ENOMEM;
	if (dm_task_set_name(t, name) && dm_task_run(t) &&
	    dm_task_get_info(t, &info) && info.exists) {
		snprintf(majmin, len, "%u:%u", info.major, info.minor);
		r = 0;
	}
	dm_task_destroy(t);
	return r;
}

int ivg_lv_dm_devno(const struct ivg_vg *vg, const struct ivg_lv *lv,
		    dev_t *out)
{
	char name[512], mm[32];
	unsigned ma, mi;
	int r;

	if (!ivg_dm_present())
		return -ENOENT;
	if (ivg_dm_name(vg->name, lv->name, name, sizeof(name)))
		return -ENAMETOOLONG;
	r = dm_devno(name, mm, sizeof(mm));
	if (r)
		return r;
	if (sscanf(mm, "%u:%u", &ma, &mi) != 2)
		return -EIO;
	*out = makedev(ma, mi);
	return 0;
}

int ivg_lv_dm_check_owner(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			  const struct ivg_lv *lv)
{
	char name[512], want[IVG_DM_UUID_LEN + 1];
	struct dm_task *t;
	const char *have;
	int r = 0;

	dm_setup();
	if (!ivg_dm_present() || ivg_dm_name(vg->name, lv->name, name, sizeof(name)))
		return 0;
	ivg_dm_uuid(vg, lv, want);
	t = dm_task_create(DM_DEVICE_INFO);
	if (!t)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (dm_task_set_name(t, name) && dm_task_run(t)) {
		struct dm_info info;

		have = dm_task_get_uuid(t);
		if (dm_task_get_info(t, &info) && info.exists &&
		    (!have || strncmp(have, want, strlen(want))))
			r = ivg_err(ctx, EEXIST,
				    "device-mapper device %s is another volume group's LV (dm UUID %s, not %s): a VG of the same name is active on this host",
				    name, have && *have ? have : "none", want);
	}
	dm_task_destroy(t);
	return r;
}

struct act {
	struct ivg_ctx *ctx;
	const struct ivg_vg *vg;
};

static int sub_dev(void *arg, const struct ivg_lv *sub, char *majmin,
		   size_t len)
{
	struct act *a = arg;
	char name[512];

	if (ivg_dm_name(a->vg->name, sub->name, name, sizeof(name)))
		return -ENAMETOOLONG;
	return dm_devno(name, majmin, len);
}

static int link_lv(const struct ivg_vg *vg, const struct ivg_lv *lv,
		   const char *dmname)
{
	char dir[300], path[600], target[600];

	snprintf(dir, sizeof(dir), "/dev/%s", vg->name);
	snprintf(path, sizeof(path), "%s/%s", dir, lv->name);
	snprintf(target, sizeof(target), "../mapper/%s", dmname);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	unlink(path);
	return symlink(target, path) ? -errno : 0;
}

/*
 * Active already, by ivg or lvm2: fine, unless read-write is asked of a
 * read-only device (a read-only mirror is one leg: reload it whole).
 */
static int active_as_asked(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			   const struct ivg_lv *lv, const char *name, bool ro)
{
	struct dm_task *t = dm_task_create(DM_DEVICE_INFO);
	struct dm_info info;
	int r = 0;

	if (!t)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (!ro && dm_task_set_name(t, name) && dm_task_run(t) &&
	    dm_task_get_info(t, &info) && info.exists && info.read_only)
		r = ivg_err(ctx, EROFS,
			    "LV %s/%s is active read-only: deactivate it first (ivgchange -a n %s)",
			    vg->name, lv->name, vg->name);
	dm_task_destroy(t);
	return r;
}

static int create_dm(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const struct ivg_lv *lv, bool ro, struct act *a)
{
	char name[512], uuid[IVG_DM_UUID_LEN + 1], mm[32];
	struct ivg_dm_target *t;
	struct dm_task *task;
	size_t n;
	int r;

	if (ivg_dm_name(vg->name, lv->name, name, sizeof(name)))
		return ivg_err(ctx, ENAMETOOLONG, "LV %s/%s: name too long",
			       vg->name, lv->name);
	if (!dm_devno(name, mm, sizeof(mm)))
		return active_as_asked(ctx, vg, lv, name, ro);
	ivg_dm_uuid(vg, lv, uuid);
	r = ivg_dm_table(ctx, vg, lv, ro, sub_dev, a, &t, &n);
	if (r)
		return r;
	task = dm_task_create(DM_DEVICE_CREATE);
	if (!task || !dm_task_set_name(task, name) ||
	    !dm_task_set_uuid(task, uuid) || (ro && !dm_task_set_ro(task)) ||
	    !dm_task_set_add_node(task, DM_ADD_NODE_ON_CREATE))
		r = dm_fail(ctx, task, "set up", name);
	for (size_t i = 0; !r && i < n; i++)
		if (!dm_task_add_target(task, t[i].start, t[i].len, t[i].type,
					t[i].params))
			r = dm_fail(ctx, task, "load a table for", name);
	if (!r && !dm_task_run(task))
		r = dm_fail(ctx, task, "create", name);
	if (task)
		dm_task_destroy(task);
	free(t);
	if (!r && ivg_lv_visible(lv) && link_lv(vg, lv, name))
		ivg_info(ctx, "/dev/%s/%s: cannot create the link", vg->name,
			 lv->name);
	ivg_debug(ctx, "activated %s", name);
	return r;
}

/* Sub-LVs first (they are referred to by device number), then the LV. */
static int activate_tree(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			 const struct ivg_lv *lv, bool ro, struct act *a,
			 int depth)
{
	int r = 0;

	if (depth > 4)
		return ivg_err(ctx, ELOOP, "LV %s/%s: sub-LVs nest too deep",
			       vg->name, lv->name);
	for (size_t s = 0; !r && s < lv->seg_count; s++)
		for (size_t k = 0; !r && k < lv->segs[s].area_count; k++) {
			const struct ivg_area *ar = &lv->segs[s].areas[k];
			const struct ivg_lv *m = ar->meta ? ivg_vg_lv(vg, ar->meta) : NULL;
			const struct ivg_lv *d = ar->type != IVG_AREA_PV ?
						 ivg_vg_lv(vg, ar->name) : NULL;

			/* A leg on a missing PV stays out; raid runs degraded. */
			if (d && !ivg_lv_present(vg, d, -1))
				continue;
			if (m && !ro && ivg_lv_present(vg, m, -1))
				r = activate_tree(ctx, vg, m, ro, a, depth + 1);
			if (!r && d)
				r = activate_tree(ctx, vg, d, ro, a, depth + 1);
			/* Read-only, one leg is the whole mirror. */
			if (d && ro && !strcmp(lv->segs[s].type, "raid1"))
				break;
		}
	return r ? r : create_dm(ctx, vg, lv, ro, a);
}

int ivg_activate_vg(struct ivg_ctx *ctx, struct ivg_vg *vg, bool readonly,
		    const char *const *only)
{
	struct act a = { ctx, vg };
	int r = 0;

	dm_setup();
	if (!ivg_dm_present())
		return ivg_err(ctx, ENODEV,
			       "VG %s: cannot activate: this kernel has no device-mapper (dm-mod not loaded)",
			       vg->name);
	for (size_t i = 0; !r && i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];
		bool raid = lv->seg_count && !strncmp(lv->segs[0].type, "raid", 4);

		if (!ivg_lv_visible(lv) || !ivg_lv_selected(only, lv->name))
			continue;
		/* A partial VG: raid runs degraded, the rest waits. */
		if (!raid && !ivg_lv_present(vg, lv, -1)) {
			ivg_info(ctx, "LV %s/%s: not activated, a PV is missing",
				 vg->name, lv->name);
			continue;
		}
		r = activate_tree(ctx, vg, lv, readonly, &a, 0);
	}
	dm_lib_release();          /* makes the /dev/mapper nodes */
	return r;
}

bool ivg_lv_active(const struct ivg_vg *vg, const struct ivg_lv *lv)
{
	char name[512], mm[32];

	dm_setup();
	return ivg_dm_present() &&
	       !ivg_dm_name(vg->name, lv->name, name, sizeof(name)) &&
	       !dm_devno(name, mm, sizeof(mm));
}

static int remove_dm(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const struct ivg_lv *lv)
{
	char name[512], mm[32], path[600];
	struct dm_task *t;
	int r = 0;

	if (ivg_dm_name(vg->name, lv->name, name, sizeof(name)) ||
	    dm_devno(name, mm, sizeof(mm)))
		return 0;               /* not active */
	t = dm_task_create(DM_DEVICE_REMOVE);
	if (!t || !dm_task_set_name(t, name) || !dm_task_retry_remove(t) ||
	    !dm_task_run(t))
		r = dm_fail(ctx, t, "remove", name);
	if (t)
		dm_task_destroy(t);
	if (r)
		return r;
	snprintf(path, sizeof(path), "/dev/%s/%s", vg->name, lv->name);
	unlink(path);
	return 0;
}

/* The LV, then the sub-LVs it held open (its legs and their metadata). */
static int remove_tree(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const struct ivg_lv *lv, int depth)
{
	int r = depth > 4 ? 0 : remove_dm(ctx, vg, lv);

	for (size_t s = 0; !r && depth <= 4 && s < lv->seg_count; s++)
		for (size_t k = 0; !r && k < lv->segs[s].area_count; k++) {
			const struct ivg_area *ar = &lv->segs[s].areas[k];
			const struct ivg_lv *m = ar->meta ? ivg_vg_lv(vg, ar->meta) : NULL;
			const struct ivg_lv *d = ar->type != IVG_AREA_PV ?
						 ivg_vg_lv(vg, ar->name) : NULL;

			if (d)
				r = remove_tree(ctx, vg, d, depth + 1);
			if (!r && m)
				r = remove_tree(ctx, vg, m, depth + 1);
		}
	return r;
}

int ivg_deactivate_lv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const struct ivg_lv *lv)
{
	int r;

	dm_setup();
	if (!ivg_dm_present())
		return 0;
	r = remove_tree(ctx, vg, lv, 0);
	dm_lib_release();
	return r;
}

int ivg_deactivate_vg(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	char dir[300];
	int r = 0;

	dm_setup();
	if (!ivg_dm_present())
		return 0;
	/* Visible LVs hold their sub-LVs open: remove them first. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; !r && i < vg->lv_count; i++)
			if (ivg_lv_visible(vg->lvs[i]) == (pass == 0))
				r = remove_dm(ctx, vg, vg->lvs[i]);
	dm_lib_release();
	snprintf(dir, sizeof(dir), "/dev/%s", vg->name);
	rmdir(dir);                /* only if empty */
	return r;
}
