/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppfs.c - oppfs access: find a mount of it, else libext2fs on the LV. */
#include "oppfs_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivgmount.h"
#include "ivgvg.h"

bool opp_fs_path_ok(const char *path, bool root_ok)
{
	const char *p = path;

	if (!*p)
		return root_ok;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/' && !*++p)
			return false;      /* a trailing '/' */
	}
	return true;
}

static int bad_path(struct ivg_ctx *ctx, const struct opp_fs *fs,
		    const char *path)
{
	return ivg_err(ctx, EINVAL, "%s: \"%s\" is not a plain path inside the filesystem (names without \".\", \"..\" or empty parts)",
		       fs->where, path);
}

void opp_fs_stage_name(struct opp_fs *fs, char *out, size_t len,
		       const char *kind)
{
	snprintf(out, len, "%c%ld-%lu.%s", fs->tag, (long)getpid(),
		 fs->staged_names++, kind);
}

/*
 * "DIR (VG/LV, mounted)", for messages: not a path, so a mount point too
 * long for it is cut short, and "..." at its end says so.
 */
static void describe_mounted(struct opp_fs *fs, const char *dir,
			     const char *vg, const char *lv)
{
	size_t len = sizeof(fs->where);
	int n = snprintf(fs->where, len, "%s (%s/%s, mounted)", dir, vg, lv);

	if (n >= 0 && (size_t)n >= len)
		memcpy(fs->where + len - 4, "...", 4);
}

int opp_fs_open(struct ivg_ctx *ctx, struct ivg_vg *vg, bool rw,
		struct opp_fs **out)
{
	return opp_fs_open_lv(ctx, vg, IVG_OPPFS, rw, out);
}

int opp_fs_open_lv(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lvname,
		   bool rw, struct opp_fs **out)
{
	const struct ivg_lv *lv = ivg_vg_lv(vg, lvname);
	char dev[256], dir[4096];
	dev_t devno;
	bool ro = false;
	int r;

	*out = NULL;
	if (!lv)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" has no %s LV",
			       vg->name, lvname);
	if (ivg_lv_device(vg, lv, dev, sizeof(dev), &devno))
		return opp_fs_open_e2(ctx, vg, lvname, rw, out);
	r = ivg_mount_point(ctx, devno, dir, sizeof(dir), &ro);
	if (r && r != -ENOENT)
		return r;
	if (r == -ENOENT) {
		if (rw)
			ivg_info(ctx, "%s/%s is active as %s but not mounted: writing through libext2fs",
				 vg->name, lvname, dev);
		return opp_fs_open_e2(ctx, vg, lvname, rw, out);
	}
	if (rw && ro)
		return ivg_err(ctx, EROFS, "%s/%s is mounted read-only at %s: unmount it (ivgexport --readonly) or import it read-write",
			       vg->name, lvname, dir);
	r = opp_fs_open_dir(ctx, dir, rw, out);
	if (!r) {
		describe_mounted(*out, dir, vg->name, lvname);
		(*out)->mounted = true;
	}
	return r;
}

int opp_fs_reader(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs **out)
{
	int r = fs->ops->reader(ctx, fs, out);

	if (!r) {
		memcpy((*out)->where, fs->where, sizeof(fs->where));
		(*out)->mounted = fs->mounted;
	}
	return r;
}

int opp_fs_close(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	return fs ? fs->ops->close(ctx, fs) : 0;
}

const char *opp_fs_where(const struct opp_fs *fs)
{
	return fs->where;
}

bool opp_fs_mounted(const struct opp_fs *fs)
{
	return fs->mounted;
}

uint64_t opp_fs_free_bytes(struct opp_fs *fs)
{
	return fs->ops->free_bytes(fs);
}

int opp_fs_sync(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	return fs->ops->sync(ctx, fs);
}

int opp_fs_file_open(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const char *path, struct opp_file **f, uint64_t *size)
{
	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	return fs->ops->file_open(ctx, fs, path, f, size);
}

int opp_fs_file_read(struct ivg_ctx *ctx, void *f, void *buf, size_t len,
		     size_t *got)
{
	struct opp_file *file = f;

	return file->read(ctx, file, buf, len, got);
}

void opp_fs_file_close(struct opp_file *f)
{
	if (f)
		f->close(f);
}

int opp_fs_read(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		size_t max, char **buf, size_t *len)
{
	struct opp_file *f;
	uint64_t size;
	size_t got = 0;
	char *p;
	int r = opp_fs_file_open(ctx, fs, path, &f, &size);

	if (r)
		return r;
	if (size > max) {
		opp_fs_file_close(f);
		return ivg_err(ctx, EFBIG, "%s: %s is larger than %zu bytes",
			       fs->where, path, max);
	}
	p = malloc((size_t)size + 1);
	if (!p) {
		opp_fs_file_close(f);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	while (!r && got < size) {
		size_t n = 0;

		r = f->read(ctx, f, p + got, (size_t)size - got, &n);
		if (!r && !n)
			break;
		got += n;
	}
	opp_fs_file_close(f);
	if (!r && got != size)
		r = ivg_err(ctx, EIO, "%s: %s: short read", fs->where, path);
	if (r) {
		free(p);
		return r;
	}
	p[got] = 0;
	*buf = p;
	*len = got;
	return 0;
}

int opp_fs_write(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		 struct opp_src *src, bool replace)
{
	struct opp_staged *st;
	int r;

	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	if (!replace && fs->ops->exists(fs, path))
		return ivg_err(ctx, EEXIST, "%s: %s exists already", fs->where, path);
	if ((r = fs->ops->stage(ctx, fs, path, src, &st)))
		return r;
	/* Data and allocation state on disk before the name: a crash
	 * leaves a file in staging, never a name on free blocks. */
	if ((r = fs->ops->sync(ctx, fs)) ||
	    (r = fs->ops->publish(ctx, fs, st, path, replace)))
		fs->ops->unstage(fs, st);
	return r;
}

int opp_fs_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		 struct opp_src *src, struct opp_staged **st)
{
	*st = NULL;
	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	return fs->ops->stage(ctx, fs, path, src, st);
}

int opp_fs_publish(struct ivg_ctx *ctx, struct opp_fs *fs,
		   struct opp_staged *st, const char *path, bool replace)
{
	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	return fs->ops->publish(ctx, fs, st, path, replace);
}

void opp_fs_unstage(struct opp_fs *fs, struct opp_staged *st)
{
	if (st)
		fs->ops->unstage(fs, st);
}

static int read_only(struct ivg_ctx *ctx, const struct opp_fs *fs)
{
	return ivg_err(ctx, EROFS, "%s: opened read-only", fs->where);
}

int opp_fs_reclaim(struct ivg_ctx *ctx, struct opp_fs *fs,
		   struct opp_fs_waste *w)
{
	struct opp_fs_waste none;

	if (!fs->rw)
		return read_only(ctx, fs);
	return fs->ops->reclaim(ctx, fs, w ? w : &none);
}

int opp_fs_rollback(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	return fs->ops->rollback(ctx, fs);
}

int opp_fs_survey(struct ivg_ctx *ctx, struct opp_fs *fs,
		  struct opp_fs_waste *w)
{
	*w = (struct opp_fs_waste){ 0 };
	return fs->ops->survey(ctx, fs, w);
}

int opp_fs_repair(struct ivg_ctx *ctx, struct opp_fs *fs,
		  struct opp_fs_waste *w)
{
	struct opp_fs_waste none;

	if (!fs->rw)
		return read_only(ctx, fs);
	return fs->ops->repair(ctx, fs, w ? w : &none);
}

struct membuf {
	const char *p;
	size_t len, pos;
};

static int mem_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len,
		    size_t *got)
{
	struct membuf *m = arg;
	size_t n = m->len - m->pos < len ? m->len - m->pos : len;

	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

int opp_fs_write_buf(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const char *path, const void *buf, size_t len,
		     bool replace)
{
	struct membuf m = { buf, len, 0 };
	struct opp_src src;
	int r = opp_src_init(ctx, &src, mem_read, &m, path);

	if (!r)
		r = opp_fs_write(ctx, fs, path, &src, replace);
	opp_src_free(&src);
	return r;
}

int opp_fs_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	return fs->ops->unlink(ctx, fs, path);
}

int opp_fs_mkdir(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	return fs->ops->exists(fs, path) ? 0 : fs->ops->mkdir(ctx, fs, path);
}

int opp_fs_symlink(struct ivg_ctx *ctx, struct opp_fs *fs,
		   const char *target, const char *path)
{
	if (!opp_fs_path_ok(path, false))
		return bad_path(ctx, fs, path);
	return fs->ops->exists(fs, path) ? 0 :
		fs->ops->symlink(ctx, fs, target, path);
}

int opp_fs_list(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		struct ivg_strvec *names)
{
	*names = (struct ivg_strvec){ 0 };
	if (!opp_fs_path_ok(dir, true))
		return bad_path(ctx, fs, dir);
	return fs->ops->list(ctx, fs, dir, names);
}

bool opp_fs_exists(struct opp_fs *fs, const char *path)
{
	return opp_fs_path_ok(path, true) && fs->ops->exists(fs, path);
}

bool opp_fs_is_dir(struct opp_fs *fs, const char *path)
{
	return opp_fs_path_ok(path, true) && fs->ops->is_dir(fs, path);
}

