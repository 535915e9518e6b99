/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppfs_e2.c - oppfs through libext2fs on the LV: the handle, names, reads. */
#include "oppfs_e2.h"

#include <errno.h>
#include <et/com_err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2fs.h"
#include "e2tree.h"
#include "ivgvg.h"

/* Reads map blocks themselves: one read per contiguous run of blocks. */
struct e2file {
	struct opp_file base;
	struct e2 *e;
	ext2_ino_t ino;
	struct ext2_inode inode;
	uint64_t size, pos;
	char *bounce;
	size_t bounce_len;
	ext2_extent_handle_t eh;   /* extent-mapped files: kept open */
};

int e2_fail(struct ivg_ctx *ctx, struct e2 *e, errcode_t err,
	    const char *path, const char *what)
{
	int code = EIO;

	if (ivg_e2_nospc(err))
		code = ENOSPC;
	if (err == EXT2_ET_FILE_NOT_FOUND)
		code = ENOENT;
	if (err == EXT2_ET_NO_DIRECTORY)
		code = ENOTDIR;
	if (e->base.rw)
		e->failed = true;
	/* The LV's device failed: its message (ENOSPC of an image file's
	 * filesystem, an I/O error) says more than libext2fs's. */
	if (ctx->errmsg[0] && (err == EXT2_ET_SHORT_READ || err == EXT2_ET_SHORT_WRITE))
		return ivg_err_prefix(ctx, EIO, "%s: %s: %s: ", e->base.where, path, what);
	return ivg_err(ctx, code, "%s: %s: %s: %s", e->base.where, path, what,
		       code == ENOSPC ? "no space left" : error_message(err));
}

int e2_check_failed(struct ivg_ctx *ctx, struct e2 *e)
{
	if (!e->failed)
		return 0;
	return ivg_err(ctx, EIO, "%s: an earlier write failed: nothing more is written before the changes are rolled back",
		       e->base.where);
}

static void dcache_free(struct dcache *dc)
{
	for (size_t i = 0; i < dc->n; i++)
		free(dc->v[i].name);
	free(dc->v);
	*dc = (struct dcache){ 0 };
}

static int dcache_add(struct ext2_dir_entry *d, int off, int bs, char *buf,
		      void *arg)
{
	struct dcache *dc = arg;
	int len = ext2fs_dirent_name_len(d);

	if (!d->inode)
		return 0;
	if (dc->n == dc->cap) {
		size_t cap = dc->cap ? dc->cap * 2 : 256;
		struct dentry *v = realloc(dc->v, cap * sizeof(*v));

		if (!v)
			return DIRENT_ABORT;
		dc->v = v;
		dc->cap = cap;
	}
	if (!(dc->v[dc->n].name = strndup(d->name, (size_t)len)))
		return DIRENT_ABORT;
	dc->v[dc->n++].ino = d->inode;
	return 0;
}

static int dentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dentry *)a)->name,
		      ((const struct dentry *)b)->name);
}

/* The listing of directory 'dir' (inode dino), sorted; false: not kept. */
static bool dcache_load(struct e2 *e, const char *dir, ext2_ino_t dino)
{
	struct dcache *dc = &e->dc;

	if (dc->valid && !strcmp(dc->dir, dir))
		return true;
	dcache_free(dc);
	if (strlen(dir) >= sizeof(dc->dir) ||
	    ext2fs_dir_iterate(e->fs, dino, 0, NULL, dcache_add, dc)) {
		dcache_free(dc);
		return false;
	}
	qsort(dc->v, dc->n, sizeof(*dc->v), dentry_cmp);
	strcpy(dc->dir, dir);
	dc->valid = true;
	return true;
}

/*
 * From directory 'dir', the names of path[0..len) one at a time: each
 * looked up in the directory before it (ext2fs_lookup refuses what is
 * not a directory, so a symbolic link is never followed). The front end
 * has refused ".", ".." and empty names.
 */
static errcode_t walk_names(struct e2 *e, ext2_ino_t dir, const char *path,
			    size_t len, ext2_ino_t *ino)
{
	const char *p = path, *end = path + len;

	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
		errcode_t err = ext2fs_lookup(e->fs, dir, p, (int)n, NULL, &dir);

		if (err)
			return err;
		p += n + (slash != NULL);
	}
	*ino = dir;
	return 0;
}

errcode_t e2_lookup(struct e2 *e, const char *path, ext2_ino_t *ino)
{
	const char *slash = strrchr(path, '/');
	char dir[256];
	ext2_ino_t dino;

	/* Read-only: many names in one directory (pool/) are looked up. */
	if (!e->base.rw && slash && (size_t)(slash - path) < sizeof(dir)) {
		struct dentry key = { .name = (char *)slash + 1 }, *hit;

		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = 0;
		if ((e->dc.valid && !strcmp(e->dc.dir, dir)) ||
		    (!walk_names(e, EXT2_ROOT_INO, dir, strlen(dir), &dino) &&
		     dcache_load(e, dir, dino))) {
			hit = bsearch(&key, e->dc.v, e->dc.n, sizeof(*e->dc.v),
				      dentry_cmp);
			if (!hit)
				return EXT2_ET_FILE_NOT_FOUND;
			*ino = hit->ino;
			return 0;
		}
	}
	return walk_names(e, EXT2_ROOT_INO, path, strlen(path), ino);
}

errcode_t e2_split(struct e2 *e, const char *path, ext2_ino_t *dir,
		   const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	return walk_names(e, EXT2_ROOT_INO, path,
			  slash ? (size_t)(slash - path) : 0, dir);
}

static bool e2_exists(struct opp_fs *fs, const char *path)
{
	ext2_ino_t ino;

	return !e2_lookup((struct e2 *)fs, path, &ino);
}

static bool e2_is_dir(struct opp_fs *fs, const char *path)
{
	struct e2 *e = (struct e2 *)fs;
	struct ext2_inode inode;
	ext2_ino_t ino;

	return !e2_lookup(e, path, &ino) && !ext2fs_read_inode(e->fs, ino, &inode) &&
	       LINUX_S_ISDIR(inode.i_mode);
}

static uint64_t e2_free_bytes(struct opp_fs *fs)
{
	struct e2 *e = (struct e2 *)fs;

	return ext2fs_free_blocks_count(e->fs->super) * (uint64_t)e->fs->blocksize +
	       e2_reclaimable(e);
}

int e2_sync(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	struct e2 *e = (struct e2 *)fs;
	errcode_t err;

	if (!e->base.rw)
		return 0;
	if (e2_check_failed(ctx, e))
		return -EIO;
	err = ext2fs_flush(e->fs);
	if (!err)
		err = io_channel_flush(e->fs->io);
	return err ? e2_fail(ctx, e, err, "", "cannot flush") : 0;
}

static int e2_close(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	struct e2 *e = (struct e2 *)fs;
	int r = 0;

	/* After a failed write the disk is judged again by the next
	 * writer: memory that may not match it is not flushed. */
	if (e->fs && e->failed)
		ext2fs_free(e->fs);
	else if (e->fs)
		r = ivg_e2fs_close(ctx, e->fs, "cannot close oppfs");
	ivg_lvio_close(e->io);
	dcache_free(&e->dc);
	e2_changes_free(e);
	free(e);
	return r;
}

/* Physical block of logical block lblk; 0: a hole or unwritten. */
static errcode_t map_block(struct e2file *ef, blk64_t lblk, blk64_t *pblk)
{
	int flags = 0;
	errcode_t err = ext2fs_bmap2(ef->e->fs, ef->ino, &ef->inode, NULL, 0,
				     lblk, &flags, pblk);

	if (!err && (flags & BMAP_RET_UNINIT))
		*pblk = 0;
	return err;
}

/*
 * The extent holding lblk, through a handle kept open: one lookup per
 * extent (up to 128 MiB) rather than ext2fs_bmap2's walk from the inode
 * for every block. A hole or an unwritten extent maps to 0.
 */
static errcode_t map_extent(struct e2file *ef, blk64_t lblk, blk64_t max,
			    blk64_t *pblk, blk64_t *count)
{
	struct ext2fs_extent ex;
	errcode_t err = 0;

	*pblk = 0;
	*count = 1;
	if (!ef->eh)
		err = ext2fs_extent_open2(ef->e->fs, ef->ino, &ef->inode, &ef->eh);
	if (!err)
		err = ext2fs_extent_goto(ef->eh, lblk);
	if (err == EXT2_ET_EXTENT_NOT_FOUND)
		return 0;
	if (!err)
		err = ext2fs_extent_get(ef->eh, EXT2_EXTENT_CURRENT, &ex);
	if (err || lblk < ex.e_lblk || lblk >= ex.e_lblk + ex.e_len)
		return err;
	*count = ex.e_lblk + ex.e_len - lblk < max ? ex.e_lblk + ex.e_len - lblk : max;
	if (!(ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT))
		*pblk = ex.e_pblk + (lblk - ex.e_lblk);
	return 0;
}

/* The run of physically contiguous blocks from lblk, at most max. */
static errcode_t map_run(struct e2file *ef, blk64_t lblk, blk64_t max,
			 blk64_t *pblk, blk64_t *count)
{
	blk64_t next;
	errcode_t err;

	if (ef->inode.i_flags & EXT4_EXTENTS_FL)
		return map_extent(ef, lblk, max, pblk, count);
	*count = 1;
	if ((err = map_block(ef, lblk, pblk)))
		return err;
	while (*count < max && *pblk && !map_block(ef, lblk + *count, &next) &&
	       next == *pblk + *count)
		(*count)++;
	return 0;
}

static int file_read(struct ivg_ctx *ctx, struct opp_file *f, void *buf,
		     size_t len, size_t *got)
{
	struct e2file *ef = (struct e2file *)f;
	unsigned bs = ef->e->fs->blocksize;
	uint64_t left = ef->size - ef->pos;
	blk64_t lblk = ef->pos / bs, pblk, count;
	size_t off = (size_t)(ef->pos % bs), want;
	errcode_t err;

	*got = 0;
	if (!left || !len)
		return 0;
	want = len < left ? len : (size_t)left;
	if ((err = map_run(ef, lblk, (off + want + bs - 1) / bs, &pblk, &count)))
		return e2_fail(ctx, ef->e, err, f->path, "read error");
	if (!pblk)
		count = 1;      /* a hole: one block of zeros */
	if (count * bs > ef->bounce_len) {
		char *b = realloc(ef->bounce, count * bs);

		if (!b)
			return ivg_err(ctx, ENOMEM, "out of memory");
		ef->bounce = b;
		ef->bounce_len = count * bs;
	}
	if (!pblk)
		memset(ef->bounce, 0, bs);
	else if ((err = io_channel_read_blk64(ef->e->fs->io, pblk, (int)count,
					      ef->bounce)))
		return e2_fail(ctx, ef->e, err, f->path, "read error");
	if (want > count * bs - off)
		want = count * bs - off;
	memcpy(buf, ef->bounce + off, want);
	ef->pos += want;
	*got = want;
	return 0;
}

static void file_close(struct opp_file *f)
{
	struct e2file *ef = (struct e2file *)f;

	if (ef->eh)
		ext2fs_extent_free(ef->eh);
	free(ef->bounce);
	free((char *)f->path);
	free(ef);
}

static int e2_file_open(struct ivg_ctx *ctx, struct opp_fs *fs,
			const char *path, struct opp_file **out, uint64_t *size)
{
	struct e2 *e = (struct e2 *)fs;
	struct e2file *ef;
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t err = e2_lookup(e, path, &ino);

	if (!err)
		err = ext2fs_read_inode(e->fs, ino, &inode);
	if (err)
		return e2_fail(ctx, e, err, path, "cannot open");
	if (!LINUX_S_ISREG(inode.i_mode))
		return ivg_err(ctx, EINVAL, "%s: %s: not a regular file", fs->where, path);
	ef = calloc(1, sizeof(*ef));
	if (!ef || !(ef->base.path = strdup(path))) {
		free(ef);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	ef->e = e;
	ef->ino = ino;
	ef->inode = inode;
	ef->size = EXT2_I_SIZE(&inode);
	ef->base.read = file_read;
	ef->base.close = file_close;
	*size = ef->size;
	*out = &ef->base;
	return 0;
}

int e2_staging(struct ivg_ctx *ctx, struct e2 *e, bool create,
	       ext2_ino_t *ino)
{
	errcode_t err = ext2fs_lookup(e->fs, EXT2_ROOT_INO, OPP_FS_STAGING,
				      (int)strlen(OPP_FS_STAGING), NULL, ino);

	if (err == EXT2_ET_FILE_NOT_FOUND && create) {
		err = ivg_e2_mkdir(e->fs, EXT2_ROOT_INO, OPP_FS_STAGING);
		if (!err) {
			int r = e2_sync(ctx, &e->base);

			if (r)
				return r;
			err = ext2fs_lookup(e->fs, EXT2_ROOT_INO, OPP_FS_STAGING,
					    (int)strlen(OPP_FS_STAGING), NULL, ino);
		}
	}
	if (err == EXT2_ET_FILE_NOT_FOUND && !create)
		return -ENOENT;
	return err ? e2_fail(ctx, e, err, OPP_FS_STAGING, "cannot open") : 0;
}

static int e2_mkdir(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	struct e2 *e = (struct e2 *)fs;
	ext2_ino_t dir;
	const char *base;
	errcode_t err;

	if (e2_check_failed(ctx, e))
		return -EIO;
	if (!(err = e2_split(e, path, &dir, &base)))
		err = ivg_e2_mkdir(e->fs, dir, base);
	/* The name is on disk already: its inode's bitmaps go too, so
	 * that a process killed now leaves no entry naming a free inode. */
	return err ? e2_fail(ctx, e, err, path, "cannot make the directory") :
		e2_sync(ctx, fs);
}

static int e2_symlink(struct ivg_ctx *ctx, struct opp_fs *fs,
		      const char *target, const char *path)
{
	struct e2 *e = (struct e2 *)fs;
	ext2_ino_t dir;
	const char *base;
	errcode_t err;

	if (e2_check_failed(ctx, e))
		return -EIO;
	if (!(err = e2_split(e, path, &dir, &base)))
		err = ivg_e2_symlink(e->fs, dir, base, target);
	return err ? e2_fail(ctx, e, err, path, "cannot make the symbolic link") :
		e2_sync(ctx, fs);
}

struct lister {
	struct ivg_strvec *names;
	int err;
};

static int list_cb(struct ext2_dir_entry *d, int off, int bs, char *buf,
		   void *arg)
{
	struct lister *l = arg;
	int len = ext2fs_dirent_name_len(d);

	if (!d->inode || (len == 1 && d->name[0] == '.') ||
	    (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	if (ivg_strvec_addn(l->names, d->name, (size_t)len)) {
		l->err = ENOMEM;
		return DIRENT_ABORT;
	}
	return 0;
}

static int e2_list(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		   struct ivg_strvec *names)
{
	struct e2 *e = (struct e2 *)fs;
	struct lister l = { names, 0 };
	ext2_ino_t ino;
	errcode_t err = e2_lookup(e, dir, &ino);

	if (!err)
		err = ext2fs_dir_iterate(e->fs, ino, 0, NULL, list_cb, &l);
	if (err || l.err) {
		ivg_strvec_free(names);
		return l.err ? ivg_err(ctx, ENOMEM, "out of memory") :
			e2_fail(ctx, e, err, dir, "cannot list");
	}
	return 0;
}

static int e2_reader(struct ivg_ctx *ctx, struct opp_fs *fs,
		     struct opp_fs **out)
{
	return opp_fs_open_e2(ctx, ((struct e2 *)fs)->vg, ((struct e2 *)fs)->lv,
			      false, out);
}

static const struct opp_fs_ops e2_ops = {
	.reader = e2_reader,
	.close = e2_close,
	.free_bytes = e2_free_bytes,
	.sync = e2_sync,
	.file_open = e2_file_open,
	.stage = e2_stage,
	.publish = e2_publish,
	.unstage = e2_unstage,
	.unlink = e2_unlink,
	.mkdir = e2_mkdir,
	.symlink = e2_symlink,
	.list = e2_list,
	.exists = e2_exists,
	.is_dir = e2_is_dir,
	.reclaim = e2_reclaim,
	.rollback = e2_rollback,
	.survey = e2_survey,
	.repair = e2_repair,
};

/*
 * Read-write open. An update interrupted while libext2fs wrote its
 * bitmaps leaves bitmap blocks that do not match the checksums in the
 * group descriptors. Names appear only after the bitmaps that cover
 * their blocks are on disk (oppfs.h), so either version of a bitmap is
 * safe to build on: with the superblock and every group descriptor
 * intact, the bitmaps are taken as read and rewritten with their
 * checksums (the writer's first reclaim recounts the summaries from
 * them). Any other damage is refused.
 */
static int open_rw(struct ivg_ctx *ctx, struct e2 *e)
{
	char first[IVG_ERRMSG_MAX];
	int r = ivg_e2fs_open(ctx, e->io, EXT2_FLAG_RW, &e->fs);
	bool gd_ok = true;

	if (!r)
		return 0;
	snprintf(first, sizeof(first), "%s", ivg_errmsg(ctx));
	if (ivg_e2fs_open(ctx, e->io, EXT2_FLAG_RW | EXT2_FLAG_IGNORE_CSUM_ERRORS,
			  &e->fs))
		return ivg_err(ctx, r, "%s", first);
	for (dgrp_t g = 0; g < e->fs->group_desc_count; g++)
		gd_ok &= ext2fs_group_desc_csum_verify(e->fs, g) != 0;
	if (!gd_ok || !ext2fs_superblock_csum_verify(e->fs, e->fs->super)) {
		ext2fs_free(e->fs);
		e->fs = NULL;
		return ivg_err(ctx, r, "%s", first);
	}
	e->fs->flags &= ~EXT2_FLAG_IGNORE_CSUM_ERRORS;
	ext2fs_mark_bb_dirty(e->fs);
	ext2fs_mark_ib_dirty(e->fs);
	ivg_info(ctx, "%s: allocation bitmaps left by an interrupted update are rewritten",
		 e->base.where);
	return 0;
}

int e2_fresh(struct ivg_ctx *ctx, struct e2 *e)
{
	int r;

	if (!e->failed)
		return 0;
	ext2fs_free(e->fs);
	e->fs = NULL;
	if ((r = open_rw(ctx, e)))
		return r;
	if (e->fs->orig_super)
		ext2fs_free_mem(&e->fs->orig_super);
	e->failed = false;
	e->trusted = false;
	return 0;
}

int opp_fs_open_e2(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		   bool rw, struct opp_fs **out)
{
	struct e2 *e = calloc(1, sizeof(*e));
	int r;

	if (!e)
		return ivg_err(ctx, ENOMEM, "out of memory");
	e->base.ops = &e2_ops;
	e->base.rw = rw;
	e->base.tag = 'e';
	e->vg = vg;
	e->lv = lv;
	snprintf(e->base.where, sizeof(e->base.where), "%s/%s", vg->name, lv);
	r = ivg_lvio_open(ctx, vg, lv, -1, &e->io);
	if (!r)
		r = rw ? open_rw(ctx, e) : ivg_e2fs_open(ctx, e->io, 0, &e->fs);
	if (!r && rw && ext2fs_has_feature_journal_needs_recovery(e->fs->super))
		r = ivg_err(ctx, EBUSY, "%s: the filesystem's journal needs recovery (it is mounted somewhere, or was not unmounted cleanly): mount it once, or run e2fsck on it",
			    e->base.where);
	if (r) {
		if (e->fs)
			ext2fs_close_free(&e->fs);
		ivg_lvio_close(e->io);
		free(e);
		return r;
	}
	/*
	 * Without its copy of the superblock as read, libext2fs writes the
	 * superblock in one piece instead of patching the bytes that
	 * changed: a crash between patches would leave it torn.
	 */
	if (rw && e->fs->orig_super)
		ext2fs_free_mem(&e->fs->orig_super);
	*out = &e->base;
	return 0;
}
