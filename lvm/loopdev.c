/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loopdev.c - single-segment linear LVs as loop devices. */
#include "loopdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "resync.h"
#include "rmeta.h"
#include "sysfs.h"

int ivg_lv_linear_span(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		       const struct ivg_lv *lv, const struct ivg_pv **pv,
		       uint64_t *offset, uint64_t *size)
{
	const struct ivg_seg *seg = lv->seg_count ? &lv->segs[0] : NULL;
	const struct ivg_pv *p;
	char segs[48] = "";

	if (lv->seg_count > 1)
		snprintf(segs, sizeof(segs), " in %zu segments", lv->seg_count);
	if (lv->seg_count != 1 || strcmp(seg->type, "striped") ||
	    seg->area_count != 1 || seg->areas[0].type != IVG_AREA_PV)
		return ivg_err(ctx, ENOTSUP, "LV %s/%s is %s%s: without device-mapper only single-segment linear LVs can be reached (through a loop device)",
			       vg->name, lv->name,
			       seg ? ivg_seg_type_name(seg) : "empty", segs);
	p = ivg_vg_pv_by_name(vg, seg->areas[0].name);
	if (!p || !p->dev)
		return ivg_err(ctx, ENXIO, "LV %s/%s: its PV %s is missing",
			       vg->name, lv->name, seg->areas[0].name);
	*pv = p;
	*offset = p->dev->base +
		  (p->pe_start + seg->areas[0].start * vg->extent_size) * 512;
	*size = seg->extent_count * vg->extent_size * 512;
	return 0;
}

/* The span of leg k's image of a raid1 LV. */
static int leg_span(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_lv *lv, size_t k, const struct ivg_pv **pv,
		    uint64_t *offset, uint64_t *size)
{
	const struct ivg_lv *img = ivg_vg_lv(vg, lv->segs[0].areas[k].name);

	if (!img)
		return ivg_err(ctx, ENOENT, "LV %s/%s: leg %zu has no image LV",
			       vg->name, lv->name, k);
	return ivg_lv_linear_span(ctx, vg, img, pv, offset, size);
}

int ivg_lv_loop_span(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const struct ivg_lv *lv, bool readonly,
		     const struct ivg_pv **pv, uint64_t *offset, uint64_t *size)
{
	struct ivg_rmeta *m;
	int a, r;

	if (!ivg_lv_is_raid1(lv))
		return ivg_lv_linear_span(ctx, vg, lv, pv, offset, size);
	m = malloc(sizeof(*m));
	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	/* The rmetas are only read: the VG model does not change. */
	r = ivg_rmeta_read(ctx, (struct ivg_vg *)vg, lv, m);
	a = r ? -1 : ivg_rmeta_authority(m);
	free(m);
	if (!r && a < 0)
		r = ivg_err(ctx, ENXIO, "LV %s/%s: no leg that is present is in sync",
			    vg->name, lv->name);
	return r ? r : leg_span(ctx, vg, lv, (size_t)a, pv, offset, size);
}

static uint64_t sysfs_u64(const char *dir, const char *name)
{
	char buf[64];

	return ivg_sysfs_read(dir, name, buf, sizeof(buf)) ? UINT64_MAX :
	       strtoull(buf, NULL, 10);
}

/* Is the loop in sysfs directory 'dir' (.../loopN) the span of pv? */
static bool loop_shows(const char *dir, const struct ivg_pv *pv,
		       uint64_t offset, uint64_t size)
{
	char sub[400], backing[4096];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/loop", dir);
	if (ivg_sysfs_read(sub, "backing_file", backing, sizeof(backing)) ||
	    stat(backing, &st))
		return false;
	if (pv->dev->is_blockdev ? !S_ISBLK(st.st_mode) ||
				   st.st_rdev != pv->dev->st_dev
				 : st.st_dev != pv->dev->st_dev ||
				   st.st_ino != pv->dev->st_ino)
		return false;
	return sysfs_u64(sub, "offset") == offset &&
	       sysfs_u64(sub, "sizelimit") == size;
}

/* The loop over one span, as ivg_loop_find says. */
static int find_span(const struct ivg_pv *pv, uint64_t offset, uint64_t size,
		     char *path, size_t len, dev_t *devno)
{
	struct dirent *e;
	DIR *d;
	int r = -ENOENT;

	d = opendir("/sys/block");
	while (d && r && (e = readdir(d))) {
		char dir[300], num[32];
		unsigned ma, mi;

		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(dir, sizeof(dir), "/sys/block/%s", e->d_name);
		if (!loop_shows(dir, pv, offset, size) ||
		    ivg_sysfs_read(dir, "dev", num, sizeof(num)) ||
		    sscanf(num, "%u:%u", &ma, &mi) != 2)
			continue;
		snprintf(path, len, "/dev/%s", e->d_name);
		if (devno)
			*devno = makedev(ma, mi);
		r = 0;
	}
	if (d)
		closedir(d);
	return r;
}

int ivg_loop_find(const struct ivg_vg *vg, const struct ivg_lv *lv,
		  char *path, size_t len, dev_t *devno)
{
	struct ivg_ctx quiet;
	const struct ivg_pv *pv;
	uint64_t offset, size;

	ivg_ctx_init(&quiet);
	if (!ivg_lv_is_raid1(lv))
		return ivg_lv_linear_span(&quiet, vg, lv, &pv, &offset, &size) ? -ENOENT :
		       find_span(pv, offset, size, path, len, devno);
	/* A raid1 LV shows through a loop over one of its legs. */
	for (size_t k = 0; k < lv->segs[0].area_count; k++)
		if (!leg_span(&quiet, vg, lv, k, &pv, &offset, &size) &&
		    !find_span(pv, offset, size, path, len, devno))
			return 0;
	return -ENOENT;
}

/* Bind a free loop device to fd; the kernel's newer call, then the old. */
static int configure(int lfd, int fd, uint64_t offset, uint64_t size,
		     bool readonly)
{
	struct loop_config c = { .fd = (unsigned)fd };

	c.info.lo_offset = offset;
	c.info.lo_sizelimit = size;
	c.info.lo_flags = readonly ? LO_FLAGS_READ_ONLY : 0;
	if (!ioctl(lfd, LOOP_CONFIGURE, &c))
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -errno;
	if (ioctl(lfd, LOOP_SET_FD, fd))
		return -errno;
	if (ioctl(lfd, LOOP_SET_STATUS64, &c.info)) {
		int e = -errno;

		ioctl(lfd, LOOP_CLR_FD, 0);
		return e;
	}
	return 0;
}

/* Take a free loop device and bind it; retried when another took it. */
static int bind_free(struct ivg_ctx *ctx, int fd, uint64_t offset,
		     uint64_t size, bool readonly, char *path, size_t len)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	int r = -EBUSY;

	if (ctl < 0)
		return ivg_err(ctx, errno, "/dev/loop-control: %s (is the loop module loaded?)",
			       strerror(errno));
	for (int tries = 0; r == -EBUSY && tries < 20; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		int lfd;

		if (n < 0) {
			close(ctl);
			return ivg_err(ctx, errno, "no free loop device: %s",
				       strerror(errno));
		}
		snprintf(path, len, "/dev/loop%d", n);
		lfd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (lfd < 0) {
			close(ctl);
			return ivg_err(ctx, errno, "%s: %s", path,
				       strerror(errno));
		}
		r = configure(lfd, fd, offset, size, readonly);
		close(lfd);
	}
	close(ctl);
	return r ? ivg_err(ctx, -r, "%s: cannot bind: %s", path, strerror(-r))
		 : 0;
}

/*
 * Read-write over one leg of several: the others are marked out of sync
 * first (rmeta.h), as ivg's own writes do; ivg_loop_detach copies the
 * leg over them and clears the marks.
 */
static int mark_other_legs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			   const struct ivg_lv *lv)
{
	struct ivg_rmeta *m = malloc(sizeof(*m));
	uint64_t which = 0;
	int a, r;

	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, (struct ivg_vg *)vg, lv, m);
	a = r ? -1 : ivg_rmeta_authority(m);
	for (size_t k = 0; !r && k < m->n; k++)
		if ((int)k != a && m->leg[k].in_sync)
			which |= 1ULL << k;
	if (!r && which)
		r = ivg_rmeta_mark(ctx, (struct ivg_vg *)vg, m, which);
	free(m);
	return r;
}

int ivg_loop_attach(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_lv *lv, bool readonly, char *path,
		    size_t len)
{
	const struct ivg_pv *pv;
	uint64_t offset, size;
	int fd, r;

	r = ivg_lv_loop_span(ctx, vg, lv, readonly, &pv, &offset, &size);
	if (r)
		return r;
	if (!ivg_loop_find(vg, lv, path, len, NULL))
		return 0;
	if (!readonly && ivg_lv_is_raid1(lv) && lv->segs[0].area_count > 1 &&
	    (r = mark_other_legs(ctx, vg, lv)))
		return ivg_err_prefix(ctx, r, "LV %s/%s: ", vg->name, lv->name);
	fd = open(pv->dev->path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", pv->dev->path,
			       strerror(errno));
	r = bind_free(ctx, fd, offset, size, readonly, path, len);
	close(fd);
	if (r)
		return ivg_err_prefix(ctx, r, "LV %s/%s: ", vg->name, lv->name);
	return 0;
}

/* Is the loop device at path read-write (sysfs "ro" is 0)? */
static bool loop_rw(const char *path)
{
	char dir[300], v[16];

	snprintf(dir, sizeof(dir), "/sys/block/%s", path + strlen("/dev/"));
	return !ivg_sysfs_read(dir, "ro", v, sizeof(v)) && v[0] == '0';
}

/*
 * After a read-write loop over one leg of several: the legs left out of
 * sync get the leg's bytes and lose their marks, when the PVs are open
 * read-write; else they stay marked (ivgck --repair, or the next writer
 * that detaches the loop).
 */
static int resync_after_loop(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			     const struct ivg_lv *lv)
{
	struct ivg_vg *w = (struct ivg_vg *)vg;
	struct ivg_rmeta *m = malloc(sizeof(*m));
	uint64_t stale;
	bool rw = true;
	int r;

	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, w, lv, m);
	stale = r ? 0 : ivg_raid1_stale_legs(m);
	free(m);
	for (size_t i = 0; i < vg->pv_count; i++)
		rw = rw && (!vg->pvs[i]->dev || vg->pvs[i]->dev->rdwr);
	if (r || !stale)
		return r;
	if (!rw) {
		ivg_info(ctx, "LV %s/%s: the legs the loop device did not show stay out of sync (read-only here): ivgck --repair brings them back",
			 vg->name, lv->name);
		return 0;
	}
	ivg_info(ctx, "LV %s/%s: copying the leg the loop device showed over the others",
		 vg->name, lv->name);
	return ivg_raid1_resync(ctx, w, lv, stale, NULL, NULL, NULL);
}

int ivg_loop_detach(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const struct ivg_lv *lv)
{
	char path[64];
	bool rw;
	int fd, r = 0;

	if (ivg_loop_find(vg, lv, path, sizeof(path), NULL))
		return 0;
	rw = loop_rw(path);
	/* O_EXCL fails while the device is mounted or otherwise claimed. */
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return ivg_err(ctx, errno, "LV %s/%s (%s) is in use: %s",
			       vg->name, lv->name, path,
			       errno == EBUSY ? "mounted or open" :
			       strerror(errno));
	if (ioctl(fd, LOOP_CLR_FD, 0))
		r = ivg_err(ctx, errno, "%s: cannot detach: %s", path,
			    strerror(errno));
	close(fd);
	if (!r && rw && ivg_lv_is_raid1(lv) && lv->segs[0].area_count > 1)
		r = resync_after_loop(ctx, vg, lv);
	return r;
}
