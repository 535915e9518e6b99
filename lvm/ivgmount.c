/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgmount.c - LVs up and down with or without device-mapper; mounts. */
#include "ivgmount.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "activate.h"
#include "ivgvg.h"
#include "loopdev.h"
#include "mountinfo.h"
#include "pathf.h"

int ivg_lv_device(const struct ivg_vg *vg, const struct ivg_lv *lv,
		  char *path, size_t len, dev_t *devno)
{
	char name[512];

	if (!ivg_lv_dm_devno(vg, lv, devno) &&
	    !ivg_dm_name(vg->name, lv->name, name, sizeof(name))) {
		snprintf(path, len, "/dev/mapper/%s", name);
		return 0;
	}
	return ivg_loop_find(vg, lv, path, len, devno);
}

enum loop_state { LOOP_NONE, LOOP_CANNOT, LOOP_NEW };

/* Detach the loop devices that this call attached. */
static void undo_loops(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const enum loop_state *st)
{
	struct ivg_ctx quiet = *ctx;    /* keep the first error's message */

	for (size_t i = 0; i < vg->lv_count; i++)
		if (st[i] == LOOP_NEW)
			ivg_loop_detach(&quiet, vg, vg->lvs[i]);
}

/* Which selected LVs can be loops; the first error of those that cannot. */
static int loops_check(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const char *const *only, enum loop_state *st,
		       char *msg, size_t len)
{
	int first = 0;

	for (size_t i = 0; i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];
		const struct ivg_pv *pv;
		uint64_t off, size;
		int e;

		if (!ivg_lv_visible(lv) || !ivg_lv_selected(only, lv->name))
			continue;
		e = ivg_lv_linear_span(ctx, vg, lv, &pv, &off, &size);
		if (!e)
			continue;
		st[i] = LOOP_CANNOT;
		if (!first) {
			first = e;
			snprintf(msg, len, "%s", ivg_errmsg(ctx));
		}
	}
	return first;
}

/*
 * Without device-mapper. LVs named in 'only' must all be able to be
 * loops (all or nothing); with every LV asked for, those that can be are
 * attached and the first that cannot is the error.
 */
static int loops_up(struct ivg_ctx *ctx, struct ivg_vg *vg, bool readonly,
		    const char *const *only)
{
	enum loop_state *st = calloc(vg->lv_count + 1, sizeof(*st));
	char path[64], msg[IVG_ERRMSG_MAX] = "";
	int r, cannot;

	if (!st)
		return ivg_err(ctx, ENOMEM, "out of memory");
	cannot = loops_check(ctx, vg, only, st, msg, sizeof(msg));
	r = only ? cannot : 0;
	for (size_t i = 0; !r && i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];

		if (!ivg_lv_visible(lv) || !ivg_lv_selected(only, lv->name) ||
		    st[i] == LOOP_CANNOT)
			continue;
		if (ivg_loop_find(vg, lv, path, sizeof(path), NULL))
			st[i] = LOOP_NEW;
		if ((r = ivg_loop_attach(ctx, vg, lv, readonly, path, sizeof(path))))
			st[i] = LOOP_NONE;
	}
	if (r)
		undo_loops(ctx, vg, st);
	if (!r && cannot)
		r = ivg_err(ctx, -cannot, "%s; the others are active through loop devices",
			    msg);
	free(st);
	return r;
}

int ivg_lvs_up(struct ivg_ctx *ctx, struct ivg_vg *vg, bool readonly,
	       const char *const *only)
{
	if (ivg_dm_present())
		return ivg_activate_vg(ctx, vg, readonly, only);
	return loops_up(ctx, vg, readonly, only);
}

size_t ivg_lvs_up_count(const struct ivg_vg *vg)
{
	char path[600];
	dev_t num;
	size_t n = 0;

	for (size_t i = 0; i < vg->lv_count; i++)
		n += ivg_lv_visible(vg->lvs[i]) &&
		     !ivg_lv_device(vg, vg->lvs[i], path, sizeof(path), &num);
	return n;
}

int ivg_lvs_down(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	int r = ivg_deactivate_vg(ctx, vg);

	for (size_t i = 0; !r && i < vg->lv_count; i++)
		r = ivg_loop_detach(ctx, vg, vg->lvs[i]);
	return r;
}

/* ---- mounts ------------------------------------------------------------ */

int ivg_mount_point(struct ivg_ctx *ctx, dev_t devno, char *dir, size_t len,
		    bool *ro)
{
	struct ivg_mounts m;
	int r = ivg_mounts_read(ctx, &m);

	if (r)
		return r;
	r = -ENOENT;
	for (size_t i = 0; r == -ENOENT && i < m.n; i++) {
		if (m.v[i].dev != devno)
			continue;
		r = ivg_pathf(ctx, dir, len, "%s", m.v[i].dir);
		if (ro)
			*ro = m.v[i].ro;
	}
	ivg_mounts_free(&m);
	return r;
}

static bool mounted_at(const struct ivg_mounts *m, dev_t dev, const char *dir)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].dev == dev && !strcmp(m->v[i].dir, dir))
			return true;
	return false;
}

static int mount_one(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const char *lvname, const char *dir, bool readonly,
		     bool *done)
{
	const struct ivg_lv *lv = ivg_vg_lv(vg, lvname);
	unsigned long flags = MS_NODEV | MS_NOSUID | (readonly ? MS_RDONLY : 0);
	char dev[600], real[4096];
	struct ivg_mounts m;
	dev_t num;
	int r;

	*done = false;
	if (!lv)
		return ivg_err(ctx, ENOENT, "VG %s has no LV %s", vg->name,
			       lvname);
	if (ivg_lv_device(vg, lv, dev, sizeof(dev), &num))
		return ivg_err(ctx, ENXIO, "LV %s/%s is not active", vg->name,
			       lvname);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return ivg_err(ctx, errno, "%s: cannot make the mount point: %s",
			       dir, strerror(errno));
	if (!realpath(dir, real))
		return ivg_err(ctx, errno, "%s: %s", dir, strerror(errno));
	if ((r = ivg_mounts_read(ctx, &m)))
		return r;
	r = mounted_at(&m, num, real);
	ivg_mounts_free(&m);
	if (r)
		return 0;
	if (mount(dev, real, "ext4", flags, NULL))
		return ivg_err(ctx, errno, "cannot mount LV %s/%s (%s) at %s: %s",
			       vg->name, lvname, dev, real, strerror(errno));
	*done = true;
	return 0;
}

static int cannot_make(struct ivg_ctx *ctx, const char *dir, int e)
{
	return ivg_err(ctx, e, "%s: cannot make the directory: %s", dir,
		       strerror(e));
}

/* dir must be a directory or, when missing, one that can be made there. */
static int make_dir(struct ivg_ctx *ctx, const char *dir, bool make)
{
	char parent[4096], *slash;
	struct stat st;

	if (!stat(dir, &st))
		return S_ISDIR(st.st_mode) ? 0 : cannot_make(ctx, dir, ENOTDIR);
	if (errno != ENOENT)
		return cannot_make(ctx, dir, errno);
	if (make)
		return mkdir(dir, 0755) && errno != EEXIST ?
		       cannot_make(ctx, dir, errno) : 0;
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash)
		slash == parent ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	if (stat(slash ? parent : ".", &st))
		return cannot_make(ctx, dir, errno);
	return S_ISDIR(st.st_mode) ? 0 : cannot_make(ctx, dir, ENOTDIR);
}

int ivg_mount_dirs(struct ivg_ctx *ctx, const char *dir, bool make)
{
	char sub[4096];
	int r = make_dir(ctx, dir, make);

	snprintf(sub, sizeof(sub), "%s/bos", dir);
	if (!r && (make || !access(dir, F_OK)))
		r = make_dir(ctx, sub, make);
	snprintf(sub, sizeof(sub), "%s/opp", dir);
	if (!r && (make || !access(dir, F_OK)))
		r = make_dir(ctx, sub, make);
	return r;
}

int ivg_mount_ivg(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		  const char *dir, bool readonly)
{
	static const char *const lvs[] = { IVG_BOSFS, IVG_OPPFS };
	static const char *const sub[] = { "bos", "opp" };
	char mp[2][4096];
	bool done[2] = { false, false };
	int r = 0;

	if ((r = ivg_mount_dirs(ctx, dir, true)))
		return r;
	for (int i = 0; i < 2 && !r; i++) {
		snprintf(mp[i], sizeof(mp[i]), "%s/%s", dir, sub[i]);
		r = mount_one(ctx, vg, lvs[i], mp[i], readonly, &done[i]);
	}
	for (int i = 0; r && i < 2; i++)
		if (done[i])
			umount2(mp[i], 0);
	return r;
}

/* Does dev belong to an LV of the VG? */
static bool vg_dev(const struct ivg_vg *vg, dev_t dev)
{
	char path[600];
	dev_t d;

	for (size_t i = 0; i < vg->lv_count; i++)
		if (!ivg_lv_device(vg, vg->lvs[i], path, sizeof(path), &d) &&
		    d == dev)
			return true;
	return false;
}

static int deeper_first(const void *a, const void *b)
{
	const struct ivg_mount *x = a, *y = b;
	size_t lx = strlen(x->dir), ly = strlen(y->dir);

	return lx < ly ? 1 : lx > ly ? -1 : 0;
}

int ivg_umount_vg(struct ivg_ctx *ctx, const struct ivg_vg *vg, size_t *n)
{
	struct ivg_mounts m;
	int r = ivg_mounts_read(ctx, &m);

	*n = 0;
	if (r)
		return r;
	qsort(m.v, m.n, sizeof(*m.v), deeper_first);
	for (size_t i = 0; !r && i < m.n; i++) {
		if (!vg_dev(vg, m.v[i].dev))
			continue;
		if (umount2(m.v[i].dir, 0))
			r = ivg_err(ctx, errno, "cannot unmount %s (VG %s): %s",
				    m.v[i].dir, vg->name, strerror(errno));
		else
			(*n)++;
	}
	ivg_mounts_free(&m);
	return r;
}
