/* SPDX-License-Identifier: GPL-2.0-or-later */
/* violun.c - probe and find LUNs: iSCSI, block devices, image files. */
#define _GNU_SOURCE
#include "violun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sysfs.h"
#include "vg.h"
#include "mpath.h"
#include "viopv.h"

#define SYSBLOCK "/sys/class/block"

static const char *const kinds[] = { "iscsi", "block", "file" };

const char *vio_lun_kind_name(enum vio_lun_kind k)
{
	return kinds[k];
}

int vio_lun_kind_parse(const char *s, enum vio_lun_kind *k)
{
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, kinds[i])) {
			*k = (enum vio_lun_kind)i;
			return 0;
		}
	return -EINVAL;
}

/* ---- iSCSI -------------------------------------------------------------- */

/* LUN 'lun' of an open target: its WWN, size and PV. */
static int iscsi_lun(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned lun,
		     struct vio_lun *out)
{
	uint8_t page[VIO_VPD_MAX];
	unsigned block = 512;
	size_t got;
	int r;

	out->url.lun = lun;
	ivg_iscsi_url_format(&out->url, out->source, sizeof(out->source));
	if ((r = vio_iscsi_vpd83(ctx, s, lun, page, &got)))
		return r;
	if (vio_wwn_from_vpd83(page, got, out->wwn))
		return ivg_err(ctx, ENODEV, "%s: the LUN names itself by no designator in VPD page 0x83",
			       out->source);
	if ((r = vio_iscsi_capacity(ctx, s, lun, &out->size, &block)))
		return r;
	vio_iscsi_use(s, lun, block);
	r = vio_pv_uuid(ctx, out->source, vio_iscsi_read, s, out->size, block, out->pv);
	return r == -ENOENT ? 0 : r;
}

static int probe_iscsi(struct ivg_ctx *ctx, const char *spec, struct vio_lun *out)
{
	struct vio_iscsi *s;
	int r;

	out->kind = VIO_LUN_ISCSI;
	if ((r = ivg_iscsi_url_parse(ctx, spec, &out->url)) ||
	    (r = vio_iscsi_open(ctx, &out->url, &s)))
		return r;
	r = iscsi_lun(ctx, s, out->url.lun, out);
	vio_iscsi_close(s);
	return r;
}

/* ---- block devices and files -------------------------------------------- */

struct fd_reader {
	int fd;
	const char *path;
};

static int fd_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len, uint64_t off)
{
	struct fd_reader *f = arg;
	ssize_t n;

	while (len) {
		n = pread(f->fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ivg_err(ctx, n < 0 ? errno : EIO, "%s: cannot read at %llu: %s", f->path,
				       (unsigned long long)off, n < 0 ? strerror(errno) : "end of device");
		buf = (char *)buf + n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* The kernel name of a block device ("sdb", "dm-0") from its number. */
static int kernel_name(dev_t rdev, char *out, size_t len)
{
	char link[96], target[PATH_MAX];
	const char *slash;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!realpath(link, target) || !(slash = strrchr(target, '/')))
		return -ENOENT;
	snprintf(out, len, "%s", slash + 1);
	return 0;
}

/* The WWN of a block device: SG_IO, else what the kernel or the
 * multipath map says. */
static int block_wwn(struct ivg_ctx *ctx, int fd, const char *path, const char *kname,
		     char wwn[VIO_WWN_MAX])
{
	char dir[300], buf[256];
	uint8_t page[VIO_VPD_MAX];
	size_t got;
	int r;

	wwn[0] = 0;
	r = vio_sg_inquiry_vpd83(ctx, fd, path, page, &got);
	if (!r && !vio_wwn_from_vpd83(page, got, wwn))
		return 0;
	if (r && r != -ENOTTY)
		return r;
	if (ivg_mpath_map_wwid(SYSBLOCK, kname, buf, sizeof(buf))) {
		vio_wwn_from_wwid(buf, wwn);
		return 0;
	}
	/* The kernel's own choice (NVMe, ...), blanks as '_'. */
	snprintf(dir, sizeof(dir), SYSBLOCK "/%s/device", kname);
	if (!ivg_sysfs_read(dir, "wwid", buf, sizeof(buf))) {
		for (char *p = buf; *p; p++)
			if (*p == ' ')
				*p = '_';
		/* An identity cut short would name another LUN: none. */
		if ((size_t)snprintf(wwn, VIO_WWN_MAX, "%s", buf) >= VIO_WWN_MAX)
			wwn[0] = '\0';
	}
	return 0;
}

/* A disk that is one path of a multipath device: refused, naming it. */
static int not_a_path(struct ivg_ctx *ctx, const char *path, const char *kname,
		      const char *wwn)
{
	char map[64], alias[256], wwid[VIO_WWN_MAX + 2];

	if (ivg_mpath_holder(SYSBLOCK, kname, map, sizeof(map), alias, sizeof(alias)))
		return ivg_err(ctx, EBUSY, "%s is one path of multipath device /dev/mapper/%s (%s): map that instead",
			       path, alias, map);
	if (wwn[0] && !ivg_wwn_to_wwid(wwn, wwid, sizeof(wwid)) &&
	    ivg_mpath_wwids_has(IVG_MPATH_WWIDS, wwid))
		return ivg_err(ctx, EBUSY, "%s is a path of a multipath device (its WWID %s is in %s): map its /dev/mapper device instead",
			       path, wwid, IVG_MPATH_WWIDS);
	return 0;
}

/* The name to record: by-id wwn-0x... or /dev/mapper/NAME when there is one. */
static void stable_name(const char *given, const char *kname, const char *wwn,
			dev_t rdev, char *out, size_t len)
{
	char byid[300], dir[300], alias[256];
	struct stat st;

	snprintf(out, len, "%s", given);
	snprintf(dir, sizeof(dir), SYSBLOCK "/%s/dm", kname);
	if (!strncmp(kname, "dm-", 3) && !ivg_sysfs_read(dir, "name", alias, sizeof(alias))) {
		snprintf(out, len, "/dev/mapper/%s", alias);
		return;
	}
	if (strncmp(wwn, "naa.", 4) && strncmp(wwn, "eui.", 4))
		return;
	snprintf(byid, sizeof(byid), "/dev/disk/by-id/wwn-0x%s", wwn + 4);
	if (!stat(byid, &st) && S_ISBLK(st.st_mode) && st.st_rdev == rdev)
		snprintf(out, len, "%s", byid);
}

static int probe_block(struct ivg_ctx *ctx, const char *spec, const struct stat *st,
		       struct vio_lun *out)
{
	struct fd_reader f = { -1, spec };
	char kname[64], dir[300], part[16];
	unsigned block = 512;
	int r, bs;

	out->kind = VIO_LUN_BLOCK;
	if (kernel_name(st->st_rdev, kname, sizeof(kname)))
		return ivg_err(ctx, ENODEV, "%s: not a block device this kernel shows in sysfs", spec);
	snprintf(dir, sizeof(dir), SYSBLOCK "/%s", kname);
	if (!ivg_sysfs_read(dir, "partition", part, sizeof(part)))
		return ivg_err(ctx, EINVAL, "%s is a partition (%s): map the whole LUN", spec, kname);
	if ((f.fd = open(spec, O_RDONLY | O_CLOEXEC)) < 0)
		return ivg_err(ctx, errno, "%s: %s", spec, strerror(errno));
	if ((r = block_wwn(ctx, f.fd, spec, kname, out->wwn)))
		goto out;
	if (strncmp(kname, "dm-", 3) && (r = not_a_path(ctx, spec, kname, out->wwn)))
		goto out;
	if (ioctl(f.fd, BLKGETSIZE64, &out->size) < 0) {
		r = ivg_err(ctx, errno, "%s: cannot get its size: %s", spec, strerror(errno));
		goto out;
	}
	if (ioctl(f.fd, BLKSSZGET, &bs) == 0 && bs >= 512)
		block = (unsigned)bs;
	r = vio_pv_uuid(ctx, spec, fd_read, &f, out->size, block, out->pv);
	if (r == -ENOENT)
		r = 0;
	if (!r && !out->wwn[0] && !out->pv[0])
		r = ivg_err(ctx, ENODEV, "%s: cannot identify: no WWN (SCSI VPD page 0x83) and no LVM PV label, so it could not be found again after a SAN reconfiguration",
			    spec);
	if (!r)
		stable_name(spec, kname, out->wwn, st->st_rdev, out->source, sizeof(out->source));
out:
	close(f.fd);
	return r;
}

static int probe_file(struct ivg_ctx *ctx, const char *spec, const struct stat *st,
		      struct vio_lun *out)
{
	struct fd_reader f = { -1, spec };
	int r;

	out->kind = VIO_LUN_FILE;
	if (!realpath(spec, out->source))
		return ivg_err(ctx, errno, "%s: %s", spec, strerror(errno));
	out->file_dev = st->st_dev;
	out->file_ino = st->st_ino;
	out->size = (uint64_t)st->st_size;
	if ((f.fd = open(spec, O_RDONLY | O_CLOEXEC)) < 0)
		return ivg_err(ctx, errno, "%s: %s", spec, strerror(errno));
	r = vio_pv_uuid(ctx, spec, fd_read, &f, out->size, 512, out->pv);
	close(f.fd);
	return r == -ENOENT ? 0 : r;
}

int vio_lun_probe(struct ivg_ctx *ctx, const char *spec, struct vio_lun *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (!strncmp(spec, "iscsi://", 8))
		return probe_iscsi(ctx, spec, out);
	if (strstr(spec, "://"))
		return ivg_err(ctx, EINVAL, "\"%s\": a LUN is an iscsi:// URL, a block device or an image file",
			       spec);
	if (stat(spec, &st) < 0)
		return ivg_err(ctx, errno, "%s: %s", spec, strerror(errno));
	if (S_ISBLK(st.st_mode))
		return probe_block(ctx, spec, &st, out);
	if (S_ISREG(st.st_mode))
		return probe_file(ctx, spec, &st, out);
	return ivg_err(ctx, ENODEV, "%s: not a block device or an image file", spec);
}

bool vio_lun_same(const struct vio_lun *a, const struct vio_lun *b)
{
	if (a->wwn[0] && b->wwn[0])
		return !strcmp(a->wwn, b->wwn);
	if (a->kind == VIO_LUN_FILE && b->kind == VIO_LUN_FILE &&
	    a->file_dev == b->file_dev && a->file_ino == b->file_ino)
		return true;
	return a->pv[0] && !strcmp(a->pv, b->pv);
}

void vio_lun_identity(const struct vio_lun *l, char *out, size_t len)
{
	char u[IVG_UUID_LEN + 7];

	if (l->wwn[0]) {
		snprintf(out, len, "wwn %s", l->wwn);
	} else if (l->pv[0]) {
		ivg_uuid_format(l->pv, u);
		snprintf(out, len, "pv %s", u);
	} else {
		snprintf(out, len, "file %s", l->source);
	}
}

/* ---- finding a LUN again ------------------------------------------------ */

struct found {
	int n;
	struct vio_lun best;
	char other[PATH_MAX];
};

static void candidate(const struct vio_lun *want, const struct vio_lun *c, struct found *f)
{
	if (!vio_lun_same(want, c))
		return;
	if (f->n++ == 0)
		f->best = *c;
	else if (strcmp(f->best.source, c->source) && !f->other[0])
		snprintf(f->other, sizeof(f->other), "%s", c->source);
}

/* Every LUN of one target. */
static void search_target(const struct vio_lun *want, const char *iqn, struct found *f)
{
	struct vio_lun *c = calloc(1, sizeof(*c));
	struct vio_iscsi *s = NULL;
	struct ivg_ctx quiet;
	unsigned *luns = NULL;
	size_t n = 0;

	ivg_ctx_init(&quiet);
	if (!c)
		return;
	c->kind = VIO_LUN_ISCSI;
	c->url = want->url;
	snprintf(c->url.iqn, sizeof(c->url.iqn), "%s", iqn);
	if (!vio_iscsi_open(&quiet, &c->url, &s) && !vio_iscsi_luns(&quiet, s, &luns, &n))
		for (size_t i = 0; i < n; i++) {
			memset(c->wwn, 0, sizeof(c->wwn));
			memset(c->pv, 0, sizeof(c->pv));
			if (!iscsi_lun(&quiet, s, luns[i], c))
				candidate(want, c, f);
		}
	free(luns);
	vio_iscsi_close(s);
	free(c);
}

static void search_iscsi(const struct vio_lun *want, struct found *f)
{
	char (*iqns)[IVG_IQN_MAX] = NULL;
	struct ivg_ctx quiet;
	size_t n = 0;

	search_target(want, want->url.iqn, f);
	if (f->n)
		return;
	ivg_ctx_init(&quiet);
	if (!vio_iscsi_targets(&quiet, &want->url, &iqns, &n))
		for (size_t i = 0; i < n; i++)
			if (strcmp(iqns[i], want->url.iqn))
				search_target(want, iqns[i], f);
	free(iqns);
}

/* Every whole disk and multipath map of the machine (paths held by a
 * map fail to probe, so the map is what matches). */
static void search_block(const struct vio_lun *want, struct found *f)
{
	struct vio_lun *c = calloc(1, sizeof(*c));
	DIR *d = opendir(SYSBLOCK);
	struct dirent *e;

	while (c && d && (e = readdir(d))) {
		char dev[300], size[32], wwid[256], dir[300];
		struct ivg_ctx quiet;

		if (e->d_name[0] == '.' || !strncmp(e->d_name, "ram", 3) ||
		    !strncmp(e->d_name, "zram", 4))
			continue;
		snprintf(dir, sizeof(dir), SYSBLOCK "/%s", e->d_name);
		if (!ivg_sysfs_read(dir, "size", size, sizeof(size)) && !strcmp(size, "0"))
			continue;
		if (!strncmp(e->d_name, "dm-", 3) &&
		    !ivg_mpath_map_wwid(SYSBLOCK, e->d_name, wwid, sizeof(wwid)))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		ivg_ctx_init(&quiet);
		if (!vio_lun_probe(&quiet, dev, c))
			candidate(want, c, f);
	}
	if (d)
		closedir(d);
	free(c);
}

int vio_lun_find(struct ivg_ctx *ctx, const struct vio_lun *want, struct vio_lun *now)
{
	struct found *f = calloc(1, sizeof(*f));
	struct ivg_ctx quiet;
	char id[VIO_WWN_MAX + PATH_MAX];
	int r = 0;

	if (!f)
		return ivg_err(ctx, ENOMEM, "out of memory");
	ivg_ctx_init(&quiet);
	if (!vio_lun_probe(&quiet, want->source, &f->best) && vio_lun_same(want, &f->best)) {
		*now = f->best;
		free(f);
		return 0;
	}
	memset(&f->best, 0, sizeof(f->best));
	if (want->kind == VIO_LUN_ISCSI && want->wwn[0])
		search_iscsi(want, f);
	else if (want->kind == VIO_LUN_BLOCK)
		search_block(want, f);
	vio_lun_identity(want, id, sizeof(id));
	if (!f->n)
		r = ivg_err(ctx, ENOENT, "%s (last seen at %s) is nowhere now", id, want->source);
	else if (f->other[0])
		r = ivg_err(ctx, ENOTUNIQ, "%s is ambiguous: both %s and %s show it", id,
			    f->best.source, f->other);
	else
		*now = f->best;
	free(f);
	return r;
}
