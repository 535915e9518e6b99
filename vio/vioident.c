/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioident.c - identify a backing device by WWN, serial, PV UUID, image. */
#include "vioident.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dev.h"
#include "gpt.h"
#include "label.h"
#include "sysfs.h"
#include "vg.h"

#define HEAD_BYTES (1024 * 1024)

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* A printable one-line value: trim blanks, drop what is not printable. */
static void clean_value(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++)
		if (*r > ' ' && *r < 0x7f)
			*w++ = *r;
		else if (*r == ' ' && w > s && w[-1] != '_')
			*w++ = '_';
	while (w > s && w[-1] == '_')
		w--;
	*w = 0;
}

/*
 * Call fn for each entry of dir (dot files skipped) that stats, with its
 * path under 'under' (dir itself when NULL: /sys/class/block lists what
 * is in /dev).
 */
static void each_entry(const char *dir, const char *under,
		       void (*fn)(const char *path, const char *name,
				  const struct stat *st, void *arg),
		       void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", under ? under : dir, e->d_name);
		if (stat(p, &st) == 0)
			fn(p, e->d_name, &st, arg);
	}
	closedir(d);
}

struct by_id_arg {
	dev_t rdev;
	struct vio_ident *id;
};

static void by_id_entry(const char *path, const char *name, const struct stat *st,
			void *arg)
{
	struct by_id_arg *a = arg;

	if (!S_ISBLK(st->st_mode) || st->st_rdev != a->rdev)
		return;
	if (!strncmp(name, "wwn-", 4) && !a->id->wwn[0])
		copy_str(a->id->wwn, sizeof(a->id->wwn), name + 4);
	else if (strncmp(name, "wwn-", 4) && !a->id->serial[0])
		copy_str(a->id->serial, sizeof(a->id->serial), name);
}

/* WWN and serial of a block device from /dev/disk/by-id (udev's names). */
static void by_id(dev_t rdev, struct vio_ident *id)
{
	struct by_id_arg a = { rdev, id };

	each_entry("/dev/disk/by-id", NULL, by_id_entry, &a);
}

/* The block device's facets that sysfs shows: loop backing, WWN, serial. */
static int block_facets(struct ivg_ctx *ctx, const char *path, dev_t rdev,
			struct vio_ident *id)
{
	char sys[96], buf[PATH_MAX], sub[PATH_MAX + 8];
	struct stat st;

	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!ivg_sysfs_read(sys, "loop/backing_file", buf, sizeof(buf))) {
		size_t n = strlen(buf);
		const char *del = " (deleted)";

		if (n > strlen(del) && !strcmp(buf + n - strlen(del), del))
			return ivg_err(ctx, ENODEV,
				       "%s: cannot identify: the image file behind the loop device was deleted (%s)",
				       path, buf);
		if (stat(buf, &st) < 0)
			return ivg_err(ctx, ENODEV,
				       "%s: cannot identify: the loop device's image file %s: %s",
				       path, buf, strerror(errno));
		copy_str(id->file, sizeof(id->file), buf);
		id->file_dev = st.st_dev;
		id->file_ino = st.st_ino;
		if (!ivg_sysfs_read(sys, "loop/offset", buf, sizeof(buf)))
			id->offset = strtoull(buf, NULL, 10);
		return 0;
	}
	/* SCSI/NVMe: device/wwid (NVMe: wwid), device/serial, vpd_pg80. */
	if (!ivg_sysfs_read(sys, "device/wwid", buf, sizeof(buf)) ||
	    !ivg_sysfs_read(sys, "wwid", buf, sizeof(buf))) {
		clean_value(buf);
		copy_str(id->wwn, sizeof(id->wwn), buf);
	}
	if (!ivg_sysfs_read(sys, "device/serial", buf, sizeof(buf))) {
		clean_value(buf);
		copy_str(id->serial, sizeof(id->serial), buf);
	} else {
		int fd;
		ssize_t n;

		snprintf(sub, sizeof(sub), "%s/device/vpd_pg80", sys);
		fd = open(sub, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			unsigned char pg[256];

			n = read(fd, pg, sizeof(pg) - 1);
			close(fd);
			if (n > 4) {
				size_t len = (size_t)pg[3] < (size_t)n - 4 ? pg[3] : (size_t)n - 4;

				memcpy(buf, pg + 4, len);
				buf[len] = 0;
				clean_value(buf);
				copy_str(id->serial, sizeof(id->serial), buf);
			}
		}
	}
	by_id(rdev, id);
	return 0;
}

/* The PV UUID: a whole-disk PV, else the LVM partition of its table. */
static void pv_uuid(struct ivg_ctx *ctx, struct ivg_dev *dev, struct vio_ident *id)
{
	struct ivg_ctx quiet;
	struct ivg_label label;
	uint64_t start, size;
	int partno;

	ivg_ctx_init(&quiet);
	quiet.fault = ctx->fault;
	if (!ivg_label_read(&quiet, dev, &label)) {
		copy_str(id->pv, sizeof(id->pv), label.pv_uuid);
		return;
	}
	if (ivg_gpt_find_pv(&quiet, dev, &start, &size, &partno) ||
	    ivg_dev_set_window(&quiet, dev, start, size))
		return;
	if (!ivg_label_read(&quiet, dev, &label))
		copy_str(id->pv, sizeof(id->pv), label.pv_uuid);
	ivg_dev_set_window(&quiet, dev, 0, dev->disk_size);
}

static int content(struct ivg_ctx *ctx, struct ivg_dev *dev, struct vio_ident *id)
{
	size_t len = dev->disk_size < HEAD_BYTES ? (size_t)dev->disk_size : HEAD_BYTES;
	unsigned char *buf = malloc(len ? len : 1), md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	int r;

	if (!buf)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (len && (r = ivg_dev_pread_abs(ctx, dev, buf, len, 0))) {
		free(buf);
		return r;
	}
	id->blank = true;
	for (size_t i = 0; i < len && id->blank; i++)
		id->blank = buf[i] == 0;
	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL)) {
		free(buf);
		return ivg_err(ctx, EIO, "%s: SHA-256 failed", dev->path);
	}
	free(buf);
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		sprintf(id->sha + 2 * i, "%02x", md[i]);
	return 0;
}

int vio_ident_probe(struct ivg_ctx *ctx, const char *path, struct vio_ident *out)
{
	struct ivg_dev *dev = NULL;
	struct stat st;
	int r;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ivg_err(ctx, ENODEV, "%s: not a block device or image file", path);
	copy_str(out->path, sizeof(out->path), path);
	out->is_blockdev = S_ISBLK(st.st_mode);
	if (out->is_blockdev) {
		if ((r = block_facets(ctx, path, st.st_rdev, out)))
			return r;
	} else {
		if (!realpath(path, out->file))
			return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
		copy_str(out->path, sizeof(out->path), out->file);
		out->file_dev = st.st_dev;
		out->file_ino = st.st_ino;
	}
	if ((r = ivg_dev_open(ctx, path, IVG_DEV_RDONLY, &dev)))
		return r;
	out->size = dev->disk_size;
	r = content(ctx, dev, out);
	if (!r)
		pv_uuid(ctx, dev, out);
	ivg_dev_close(dev);
	if (r)
		return r;
	if (out->wwn[0] || out->serial[0] || out->pv[0])
		return 0;
	if (out->file[0] && !out->blank)
		return 0;
	if (out->file[0])
		return ivg_err(ctx, ENODEV,
			       "%s: cannot identify: no LVM PV label and its first MiB is blank, so nothing would find it again after a SAN reconfiguration (give it a PV or a partition table first)",
			       path);
	return ivg_err(ctx, ENODEV,
		       "%s: cannot identify: no WWN or serial (sysfs, /dev/disk/by-id), no LVM PV label, and not an image file or a loop device over one",
		       path);
}

bool vio_ident_match(const struct vio_ident *a, const struct vio_ident *b)
{
	if (a->wwn[0] && b->wwn[0])
		return !strcmp(a->wwn, b->wwn);
	if (a->serial[0] && b->serial[0])
		return !strcmp(a->serial, b->serial);
	if (a->file[0] && b->file[0] && a->file_dev == b->file_dev &&
	    a->file_ino == b->file_ino && a->offset == b->offset)
		return true;
	if (a->pv[0] && !strcmp(a->pv, b->pv))
		return true;
	return a->sha[0] && !a->blank && !b->blank && a->size == b->size &&
	       !strcmp(a->sha, b->sha);
}

void vio_ident_str(const struct vio_ident *id, char out[VIO_ID_STR])
{
	char u[IVG_UUID_LEN + 7];

	if (id->wwn[0]) {
		snprintf(out, VIO_ID_STR, "wwn:%s", id->wwn);
	} else if (id->serial[0]) {
		snprintf(out, VIO_ID_STR, "serial:%s", id->serial);
	} else if (id->pv[0]) {
		ivg_uuid_format(id->pv, u);
		snprintf(out, VIO_ID_STR, "pv:%s", u);
	} else if (id->file[0]) {
		snprintf(out, VIO_ID_STR, "file:%s", id->file);
	} else {
		snprintf(out, VIO_ID_STR, "sha256:%.16s/%llu", id->sha,
			 (unsigned long long)id->size);
	}
}

/* The thing behind a candidate: two candidates with one key are one LUN. */
static void underlying(const struct vio_ident *id, char *key, size_t len)
{
	if (id->file[0])
		snprintf(key, len, "f%llu:%llu:%llu", (unsigned long long)id->file_dev,
			 (unsigned long long)id->file_ino,
			 (unsigned long long)id->offset);
	else
		snprintf(key, len, "p%s", id->path);
}

struct found {
	struct vio_ident best;
	char key[96];
	int n;                    /* 0 none, 1 one LUN, 2 ambiguous */
	char other[PATH_MAX];
	int score;
};

static void consider(struct ivg_ctx *ctx, const struct vio_ident *want,
		     const char *path, struct found *f)
{
	struct ivg_ctx quiet;
	struct vio_ident *id = malloc(sizeof(*id));
	char key[96];
	int score;

	if (!id)
		return;
	ivg_ctx_init(&quiet);
	if (vio_ident_probe(&quiet, path, id) || !vio_ident_match(want, id)) {
		free(id);
		return;
	}
	underlying(id, key, sizeof(key));
	/* The recorded path first, then the same kind (device or file). */
	score = !strcmp(path, want->path) ? 2 : id->is_blockdev == want->is_blockdev;
	if (f->n == 0) {
		f->n = 1;
	} else if (strcmp(key, f->key)) {
		f->n = 2;
		copy_str(f->other, sizeof(f->other), path);
		free(id);
		return;
	} else if (score <= f->score) {
		free(id);
		return;
	}
	f->best = *id;
	f->score = score;
	copy_str(f->key, sizeof(f->key), key);
	free(id);
}

struct scan_arg {
	struct ivg_ctx *ctx;
	const struct vio_ident *want;
	struct found *f;
	bool blockdevs;
};

static void scan_entry(const char *path, const char *name, const struct stat *st,
		       void *arg)
{
	struct scan_arg *a = arg;

	if (a->blockdevs) {
		char sys[96], sz[32];

		if (!S_ISBLK(st->st_mode) || !strncmp(name, "ram", 3) || !strncmp(name, "zram", 4))
			return;
		snprintf(sys, sizeof(sys), "/sys/class/block/%s", name);
		if (!ivg_sysfs_read(sys, "size", sz, sizeof(sz)) && !strcmp(sz, "0"))
			return;     /* unattached loop, empty drive */
	} else if (!S_ISREG(st->st_mode)) {
		return;
	}
	consider(a->ctx, a->want, path, a->f);
}

static void scan_dir(struct ivg_ctx *ctx, const struct vio_ident *want,
		     const char *dir, bool blockdevs, struct found *f)
{
	struct scan_arg a = { ctx, want, f, blockdevs };

	each_entry(dir, blockdevs ? "/dev" : NULL, scan_entry, &a);
}

int vio_ident_find(struct ivg_ctx *ctx, const struct vio_ident *want,
		   const char *const *dirs, size_t ndirs, struct vio_ident *now)
{
	struct found *f = calloc(1, sizeof(*f));
	char buf[VIO_ID_STR], dir[PATH_MAX];
	int r = 0;

	if (!f)
		return ivg_err(ctx, ENOMEM, "out of memory");
	consider(ctx, want, want->path, f);
	if (f->n == 1 && f->score == 2) {
		*now = f->best;        /* still where it was */
		free(f);
		return 0;
	}
	scan_dir(ctx, want, "/sys/class/block", true, f);
	if (want->file[0]) {
		char *slash;

		copy_str(dir, sizeof(dir), want->file);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			scan_dir(ctx, want, dir, false, f);
		}
	}
	for (size_t i = 0; i < ndirs; i++)
		scan_dir(ctx, want, dirs[i], false, f);
	vio_ident_str(want, buf);
	if (f->n == 0)
		r = ivg_err(ctx, ENOENT,
			    "%s (last seen as %s) is on no block device or image file now",
			    buf, want->path);
	else if (f->n == 2)
		r = ivg_err(ctx, ENOTUNIQ, "%s is ambiguous: both %s and %s show it",
			    buf, f->best.path, f->other);
	else
		*now = f->best;
	free(f);
	return r;
}
