/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e2tree.c - files written into ext2/ext4 through libext2fs (e2tree.h). */
#include "e2tree.h"

#include <errno.h>
#include <stdbool.h>
#include <et/com_err.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- libext2fs steps ------------------------------------------------------ */

errcode_t ivg_e2_link(ext2_filsys fs, ext2_ino_t dir, const char *name,
		      ext2_ino_t ino, int type)
{
	errcode_t err = ext2fs_link(fs, dir, name, ino, type);

	if (err == EXT2_ET_DIR_NO_SPACE && !(err = ext2fs_expand_dir(fs, dir)))
		err = ext2fs_link(fs, dir, name, ino, type);
	return err;
}

errcode_t ivg_e2_mkdir(ext2_filsys fs, ext2_ino_t dir, const char *name)
{
	errcode_t err = ext2fs_mkdir(fs, dir, 0, name);

	if (err == EXT2_ET_DIR_NO_SPACE && !(err = ext2fs_expand_dir(fs, dir)))
		err = ext2fs_mkdir(fs, dir, 0, name);
	return err;
}

errcode_t ivg_e2_symlink(ext2_filsys fs, ext2_ino_t dir, const char *name,
			 const char *target)
{
	errcode_t err = ext2fs_symlink(fs, dir, 0, name, target);

	if (err == EXT2_ET_DIR_NO_SPACE && !(err = ext2fs_expand_dir(fs, dir)))
		err = ext2fs_symlink(fs, dir, 0, name, target);
	return err;
}

errcode_t ivg_e2_write(ext2_file_t f, const void *buf, size_t len)
{
	const char *p = buf;
	errcode_t err = 0;

	while (!err && len) {
		unsigned int chunk = len > (1U << 30) ? 1U << 30 : (unsigned int)len;
		unsigned int wrote = 0;

		err = ext2fs_file_write(f, p, chunk, &wrote);
		if (!err && !wrote)
			err = EXT2_ET_SHORT_WRITE;
		p += wrote;
		len -= wrote;
	}
	return err;
}

bool ivg_e2_nospc(errcode_t err)
{
	return err == EXT2_ET_BLOCK_ALLOC_FAIL || err == EXT2_ET_INODE_ALLOC_FAIL ||
	       err == EXT2_ET_DIR_NO_SPACE_FOR_CSUM || err == ENOSPC ||
	       err == EXT2_ET_EA_NO_SPACE;
}

/* ---- the tree writer -------------------------------------------------------- */

void ivg_e2tree_init(struct ivg_e2tree *t, ext2_filsys fs, const char *what)
{
	*t = (struct ivg_e2tree){ .fs = fs, .what = what };
}

void ivg_e2tree_free(struct ivg_e2tree *t)
{
	t->dir_ino = 0;
}

static int fail(struct ivg_ctx *ctx, struct ivg_e2tree *t, errcode_t err,
		const char *path, const char *action)
{
	if (ivg_e2_nospc(err))
		return ivg_err(ctx, ENOSPC, "%s: entry \"%s\": %s: no space left in the target filesystem",
			       t->what, path, action);
	return ivg_err(ctx, EIO, "%s: entry \"%s\": %s: %s", t->what, path,
		       action, error_message(err));
}

static int refuse(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		  const char *path, const char *why, const char *comp,
		  size_t len)
{
	return ivg_err(ctx, EINVAL, "%s: entry \"%s\": refused: %s \"%.*s\"",
		       t->what, path, why, (int)len, comp);
}

static int ftype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	default: return EXT2_FT_REG_FILE;
	}
}

/*
 * With follow_dir_links, what the symbolic link 'ino' in 'dir' names, in
 * this filesystem, when it is a directory: *ino becomes that directory.
 * -EINVAL (no message) when it is not one, or not to be followed.
 */
static int dir_link(struct ivg_e2tree *t, ext2_ino_t dir, ext2_ino_t *ino)
{
	struct ext2_inode inode;
	ext2_ino_t to;

	if (!t->follow_dir_links ||
	    ext2fs_follow_link(t->fs, EXT2_ROOT_INO, dir, *ino, &to) ||
	    ext2fs_read_inode(t->fs, to, &inode) || !LINUX_S_ISDIR(inode.i_mode))
		return -EINVAL;
	*ino = to;
	return 0;
}

/*
 * The directory at path[0, len): walked from the root, never through a
 * symbolic link (but a link to a directory with follow_dir_links); with
 * 'make', missing directories are made.
 */
static int walk_dir(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		    const char *path, size_t len, bool make, const char *entry,
		    ext2_ino_t *out)
{
	ext2_ino_t dir = EXT2_ROOT_INO, ino;
	size_t at = 0;

	while (at < len) {
		const char *c = path + at, *slash = memchr(c, '/', len - at);
		size_t n = slash ? (size_t)(slash - c) : len - at;
		struct ext2_inode inode;
		char name[EXT2_NAME_LEN + 1];
		errcode_t err;

		if (!n || n > EXT2_NAME_LEN)
			return refuse(ctx, t, entry, "an empty name, or one longer than 255 bytes, in",
				      path, at + n);
		err = ext2fs_lookup(t->fs, dir, c, (int)n, NULL, &ino);
		if (err == EXT2_ET_FILE_NOT_FOUND && make) {
			memcpy(name, c, n);
			name[n] = 0;
			err = ivg_e2_mkdir(t->fs, dir, name);
			if (!err)
				err = ext2fs_lookup(t->fs, dir, c, (int)n, NULL, &ino);
		}
		if (err == EXT2_ET_FILE_NOT_FOUND)
			return ivg_err(ctx, ENOENT, "%s: entry \"%s\": \"%.*s\" does not exist",
				       t->what, entry, (int)(at + n), path);
		if (!err)
			err = ext2fs_read_inode(t->fs, ino, &inode);
		if (err)
			return fail(ctx, t, err, entry, "cannot resolve its path");
		if (LINUX_S_ISLNK(inode.i_mode) && !dir_link(t, dir, &ino))
			inode.i_mode = LINUX_S_IFDIR;
		else if (LINUX_S_ISLNK(inode.i_mode))
			return refuse(ctx, t, entry, t->follow_dir_links ?
				      "a symbolic link to no directory is not followed:" :
				      "a symbolic link is not followed:", path, at + n);
		if (!LINUX_S_ISDIR(inode.i_mode))
			return refuse(ctx, t, entry, "not a directory:", path, at + n);
		dir = ino;
		at += n + 1;
	}
	*out = dir;
	return 0;
}

/* The parent directory of path (made when missing) and the last name. */
static int parent_of(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		     const char *path, ext2_ino_t *dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	int r;

	*base = slash ? slash + 1 : path;
	if (strlen(path) > IVG_E2TREE_PATH_MAX)
		return ivg_err(ctx, EINVAL, "%s: entry \"%.64s...\": refused: a path longer than %d bytes",
			       t->what, path, IVG_E2TREE_PATH_MAX);
	if (t->dir_ino && strlen(t->dir) == len && !memcmp(t->dir, path, len)) {
		*dir = t->dir_ino;
		return 0;
	}
	if ((r = walk_dir(ctx, t, path, len, true, path, dir)))
		return r;
	memcpy(t->dir, path, len);
	t->dir[len] = 0;
	t->dir_ino = *dir;
	return 0;
}

/* Drop one link of ino; at zero its blocks, xattrs and inode go. */
static errcode_t drop_link(ext2_filsys fs, ext2_ino_t ino)
{
	struct ext2_inode_large inode;
	errcode_t err = ext2fs_read_inode_full(fs, ino, (struct ext2_inode *)&inode,
					       sizeof(inode));

	if (err)
		return err;
	if (inode.i_links_count > 1) {
		inode.i_links_count--;
		return ext2fs_write_inode_full(fs, ino, (struct ext2_inode *)&inode,
					       sizeof(inode));
	}
	if (ext2fs_inode_has_valid_blocks2(fs, (struct ext2_inode *)&inode) &&
	    (err = ext2fs_punch(fs, ino, (struct ext2_inode *)&inode, NULL, 0, ~0ULL)))
		return err;
	if ((err = ext2fs_free_ext_attr(fs, ino, &inode)))
		return err;
	inode.i_links_count = 0;
	inode.i_dtime = (uint32_t)time(NULL);
	if ((err = ext2fs_write_inode_full(fs, ino, (struct ext2_inode *)&inode,
					   sizeof(inode))))
		return err;
	ext2fs_inode_alloc_stats2(fs, ino, -1, 0);
	return 0;
}

/*
 * Clear the name 'base' in 'dir' for a new entry. A directory there is
 * kept for a directory (*kept set) and refused for anything else; so is
 * a symbolic link to a directory with follow_dir_links (*linked set).
 */
static int clear_name(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		      ext2_ino_t dir, const char *base, const char *path,
		      bool want_dir, ext2_ino_t *kept, bool *linked)
{
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t err = ext2fs_lookup(t->fs, dir, base, (int)strlen(base), NULL, &ino);

	*kept = 0;
	*linked = false;
	if (err == EXT2_ET_FILE_NOT_FOUND)
		return 0;
	if (!err)
		err = ext2fs_read_inode(t->fs, ino, &inode);
	if (err)
		return fail(ctx, t, err, path, "cannot look at what is there");
	if (want_dir && LINUX_S_ISLNK(inode.i_mode) && !dir_link(t, dir, &ino)) {
		*kept = ino;
		*linked = true;
		return 0;
	}
	if (LINUX_S_ISDIR(inode.i_mode)) {
		if (want_dir) {
			*kept = ino;
			return 0;
		}
		return refuse(ctx, t, path, "a directory is there already:", path, strlen(path));
	}
	err = ext2fs_unlink(t->fs, dir, base, ino, 0);
	if (!err)
		err = drop_link(t->fs, ino);
	return err ? fail(ctx, t, err, path, "cannot replace what is there") : 0;
}

int ivg_e2tree_check_room(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  const char *path, uint64_t bytes)
{
	uint64_t bs = t->fs->blocksize;
	uint64_t free = ext2fs_free_blocks_count(t->fs->super) * bs;
	/* Its blocks, and about one extent block per 340 of them. */
	uint64_t need = (bytes + bs - 1) / bs * bs;

	need += need / (bs * 340) * bs;
	if (need <= free)
		return 0;
	return ivg_err(ctx, ENOSPC, "%s: entry \"%s\": %llu bytes do not fit in the target filesystem (%llu bytes free)",
		       t->what, path, (unsigned long long)bytes, (unsigned long long)free);
}

/* A new inode linked as base in dir, of at's type; devices get their
 * numbers as the kernel encodes them (old 8:8 form when they fit). */
static errcode_t new_node(ext2_filsys fs, ext2_ino_t dir, const char *base,
			  const struct ivg_e2tree_attrs *at, ext2_ino_t *ino)
{
	struct ext2_inode inode = { 0 };
	uint32_t type = at->mode & S_IFMT, maj = at->rdev_major, min = at->rdev_minor;
	errcode_t err = ext2fs_new_inode(fs, dir, (int)at->mode, NULL, ino);

	if (err)
		return err;
	inode.i_mode = (uint16_t)at->mode;
	inode.i_links_count = 1;
	if (type == S_IFCHR || type == S_IFBLK) {
		if (maj < 256 && min < 256)
			inode.i_block[0] = maj << 8 | min;
		else
			inode.i_block[1] = (min & 0xff) | (maj << 8) | ((min & ~0xffU) << 12);
	}
	if (type == S_IFREG && ext2fs_has_feature_extents(fs->super)) {
		ext2_extent_handle_t h;

		/* Opening extents on a fresh inode writes their header. */
		if ((err = ext2fs_extent_open2(fs, *ino, &inode, &h)))
			return err;
		ext2fs_extent_free(h);
	}
	if ((err = ext2fs_write_new_inode(fs, *ino, &inode)))
		return err;
	ext2fs_inode_alloc_stats2(fs, *ino, +1, 0);
	err = ivg_e2_link(fs, dir, base, *ino, ftype(at->mode));
	if (err)
		drop_link(fs, *ino);
	return err;
}

int ivg_e2tree_create(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		      const char *path, const struct ivg_e2tree_attrs *at,
		      ext2_ino_t *ino)
{
	const char *base;
	ext2_ino_t dir, kept;
	bool linked;
	errcode_t err;
	int r;

	if ((r = parent_of(ctx, t, path, &dir, &base)) ||
	    (r = clear_name(ctx, t, dir, base, path, false, &kept, &linked)))
		return r;
	if ((err = new_node(t->fs, dir, base, at, ino)))
		return fail(ctx, t, err, path, "cannot create");
	return ivg_e2tree_set_attrs(ctx, t, path, *ino, at);
}

int ivg_e2tree_mkdir(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		     const char *path, const struct ivg_e2tree_attrs *at,
		     ext2_ino_t *ino)
{
	const char *base;
	ext2_ino_t dir;
	errcode_t err;
	bool linked;
	int r;

	if (!*path) {
		*ino = EXT2_ROOT_INO;
		return ivg_e2tree_set_attrs(ctx, t, path, *ino, at);
	}
	if ((r = parent_of(ctx, t, path, &dir, &base)) ||
	    (r = clear_name(ctx, t, dir, base, path, true, ino, &linked)))
		return r;
	/* The system's link and its directory stay as they are. */
	if (linked)
		return 0;
	if (!*ino) {
		err = ivg_e2_mkdir(t->fs, dir, base);
		if (!err)
			err = ext2fs_lookup(t->fs, dir, base, (int)strlen(base), NULL, ino);
		if (err)
			return fail(ctx, t, err, path, "cannot make the directory");
	}
	return ivg_e2tree_set_attrs(ctx, t, path, *ino, at);
}

int ivg_e2tree_symlink(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		       const char *path, const char *target,
		       const struct ivg_e2tree_attrs *at, ext2_ino_t *ino)
{
	const char *base;
	ext2_ino_t dir, kept;
	bool linked;
	errcode_t err;
	int r;

	if (!target || !*target || strlen(target) >= t->fs->blocksize)
		return ivg_err(ctx, EINVAL, "%s: entry \"%s\": refused: a symbolic link target that is empty or longer than %u bytes",
			       t->what, path, t->fs->blocksize - 1);
	if ((r = parent_of(ctx, t, path, &dir, &base)) ||
	    (r = clear_name(ctx, t, dir, base, path, false, &kept, &linked)))
		return r;
	err = ivg_e2_symlink(t->fs, dir, base, target);
	if (!err)
		err = ext2fs_lookup(t->fs, dir, base, (int)strlen(base), NULL, ino);
	if (err)
		return fail(ctx, t, err, path, "cannot make the symbolic link");
	return ivg_e2tree_set_attrs(ctx, t, path, *ino, at);
}

int ivg_e2tree_hardlink(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			const char *path, const char *target,
			ivg_e2tree_judge_fn judge, void *arg)
{
	const char *slash = strrchr(target, '/'), *tbase = slash ? slash + 1 : target;
	const char *base;
	struct ext2_inode inode;
	ext2_ino_t tdir, ino, dir, kept;
	bool linked;
	errcode_t err;
	int r;

	if (!strcmp(path, target))
		return 0;          /* a link to itself: nothing to do */
	if ((r = walk_dir(ctx, t, target, slash ? (size_t)(slash - target) : 0,
			  false, path, &tdir)))
		return r;
	err = ext2fs_lookup(t->fs, tdir, tbase, (int)strlen(tbase), NULL, &ino);
	if (err == EXT2_ET_FILE_NOT_FOUND)
		return ivg_err(ctx, ENOENT, "%s: entry \"%s\": its hard link target \"%s\" does not exist",
			       t->what, path, target);
	if (!err)
		err = ext2fs_read_inode(t->fs, ino, &inode);
	if (err)
		return fail(ctx, t, err, path, "cannot read its hard link target");
	if (LINUX_S_ISDIR(inode.i_mode))
		return refuse(ctx, t, path, "a hard link to a directory:", target, strlen(target));
	if (inode.i_links_count >= EXT2_LINK_MAX)
		return refuse(ctx, t, path, "too many links to", target, strlen(target));
	if (judge && (r = judge(ctx, arg, inode.i_mode)))
		return r;
	if ((r = parent_of(ctx, t, path, &dir, &base)) ||
	    (r = clear_name(ctx, t, dir, base, path, false, &kept, &linked)))
		return r;
	/* The old name may have been the target's last other link. */
	if ((err = ext2fs_read_inode(t->fs, ino, &inode)) || !inode.i_links_count)
		return ivg_err(ctx, ENOENT, "%s: entry \"%s\": its hard link target \"%s\" is gone",
			       t->what, path, target);
	err = ivg_e2_link(t->fs, dir, base, ino, ftype(inode.i_mode));
	if (!err) {
		inode.i_links_count++;
		err = ext2fs_write_inode(t->fs, ino, &inode);
	}
	return err ? fail(ctx, t, err, path, "cannot make the hard link") : 0;
}

int ivg_e2tree_file_prealloc(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			     const char *path, ext2_ino_t ino, uint64_t size)
{
	uint64_t blocks = (size + t->fs->blocksize - 1) / t->fs->blocksize;
	errcode_t err;

	if (!blocks || !ext2fs_has_feature_extents(t->fs->super))
		return 0;
	/* Initialized extents: every block is written before it is read. */
	err = ext2fs_fallocate(t->fs, EXT2_FALLOCATE_FORCE_INIT, ino, NULL,
			       ~0ULL, 0, blocks);
	return err ? fail(ctx, t, err, path, "cannot allocate its blocks") : 0;
}

/* Write blocks [lblk, lblk + n) of ino from buf, one run at a time. */
static errcode_t put_blocks(ext2_filsys fs, ext2_ino_t ino,
			    struct ext2_inode *inode, const char *buf,
			    blk64_t lblk, blk64_t n)
{
	blk64_t i = 0;
	errcode_t err = 0;

	while (!err && i < n) {
		blk64_t first, next, run = 1;

		if ((err = ext2fs_bmap2(fs, ino, inode, NULL, 0, lblk + i, NULL, &first)))
			break;
		if (!first)
			return EXT2_ET_BAD_BLOCK_NUM;      /* not preallocated */
		while (i + run < n &&
		       !ext2fs_bmap2(fs, ino, inode, NULL, 0, lblk + i + run, NULL, &next) &&
		       next == first + run)
			run++;
		err = io_channel_write_blk64(fs->io, first, (int)run,
					     buf + i * fs->blocksize);
		i += run;
	}
	return err;
}

int ivg_e2tree_file_put(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			const char *path, ext2_ino_t ino, const void *buf,
			size_t len, uint64_t off)
{
	unsigned bs = t->fs->blocksize;
	size_t whole = len / bs * bs;
	struct ext2_inode inode;
	errcode_t err = ext2fs_read_inode(t->fs, ino, &inode);
	char *tail;

	if (!err && whole)
		err = put_blocks(t->fs, ino, &inode, buf, off / bs, whole / bs);
	if (!err && len > whole) {
		if (!(tail = calloc(1, bs)))
			return ivg_err(ctx, ENOMEM, "out of memory");
		memcpy(tail, (const char *)buf + whole, len - whole);
		err = put_blocks(t->fs, ino, &inode, tail, (off + whole) / bs, 1);
		free(tail);
	}
	return err ? fail(ctx, t, err, path, "cannot write its data") : 0;
}

int ivg_e2tree_file_set_size(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			     const char *path, ext2_ino_t ino, uint64_t size)
{
	struct ext2_inode inode;
	errcode_t err = ext2fs_read_inode(t->fs, ino, &inode);

	if (!err)
		err = ext2fs_inode_size_set(t->fs, &inode, size);
	if (!err)
		err = ext2fs_write_inode(t->fs, ino, &inode);
	return err ? fail(ctx, t, err, path, "cannot set its size") : 0;
}

int ivg_e2tree_file_open(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			 const char *path, ext2_ino_t ino, ext2_file_t *f)
{
	errcode_t err = ext2fs_file_open(t->fs, ino, EXT2_FILE_WRITE, f);

	return err ? fail(ctx, t, err, path, "cannot open for writing") : 0;
}

int ivg_e2tree_file_write(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  ext2_file_t f, const char *path, const void *buf,
			  size_t len, uint64_t off)
{
	/* Setting the position only; skipped bytes stay a hole. */
	errcode_t err = ext2fs_file_llseek(f, off, EXT2_SEEK_SET, NULL);

	if (!err)
		err = ivg_e2_write(f, buf, len);
	return err ? fail(ctx, t, err, path, "cannot write its data") : 0;
}

int ivg_e2tree_file_close(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  ext2_file_t f, const char *path, uint64_t size)
{
	errcode_t err = ext2fs_file_set_size2(f, size), cerr = ext2fs_file_close(f);

	if (!err)
		err = cerr;
	return err ? fail(ctx, t, err, path, "cannot finish writing") : 0;
}

/* ext4's 34-bit seconds: the low 32 bits, and the epoch bits with the
 * nanoseconds in the _extra word. */
static void set_time(uint32_t *lo, uint32_t *extra, int64_t sec, long ns)
{
	*lo = (uint32_t)sec;
	if (extra)
		*extra = ((uint32_t)ns << 2) |
			 (uint32_t)(((sec - (int64_t)(int32_t)sec) >> 32) & 3);
}

int ivg_e2tree_set_attrs(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			 const char *path, ext2_ino_t ino,
			 const struct ivg_e2tree_attrs *at)
{
	struct ext2_inode_large in;
	size_t isz = EXT2_INODE_SIZE(t->fs->super);
	errcode_t err;
	bool extra;

	memset(&in, 0, sizeof(in));
	if (isz > sizeof(in))
		isz = sizeof(in);
	if ((err = ext2fs_read_inode_full(t->fs, ino, (struct ext2_inode *)&in, (int)isz)))
		return fail(ctx, t, err, path, "cannot read its inode");
	extra = isz > EXT2_GOOD_OLD_INODE_SIZE &&
		in.i_extra_isize >= offsetof(struct ext2_inode_large, i_crtime) -
				    EXT2_GOOD_OLD_INODE_SIZE;
	in.i_mode = (uint16_t)((in.i_mode & S_IFMT) | (at->mode & 07777));
	in.i_uid = (uint16_t)at->uid;
	ext2fs_set_i_uid_high(in, at->uid >> 16);
	in.i_gid = (uint16_t)at->gid;
	ext2fs_set_i_gid_high(in, at->gid >> 16);
	set_time(&in.i_atime, extra ? &in.i_atime_extra : NULL, at->atime, at->atime_ns);
	set_time(&in.i_mtime, extra ? &in.i_mtime_extra : NULL, at->mtime, at->mtime_ns);
	set_time(&in.i_ctime, extra ? &in.i_ctime_extra : NULL, at->ctime, at->ctime_ns);
	err = ext2fs_write_inode_full(t->fs, ino, (struct ext2_inode *)&in, (int)isz);
	return err ? fail(ctx, t, err, path, "cannot write its inode") : 0;
}

int ivg_e2tree_set_xattrs(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  const char *path, ext2_ino_t ino,
			  const struct ivg_e2tree_xattr *v, size_t n)
{
	struct ext2_xattr_handle *h = NULL;
	errcode_t err = ext2fs_xattrs_open(t->fs, ino, &h), cerr;
	size_t i = 0;

	if (!err)
		err = ext2fs_xattrs_read(h);
	for (; !err && i < n; i++)
		err = ext2fs_xattr_set(h, v[i].name, v[i].value, v[i].len);
	if (h && (cerr = ext2fs_xattrs_close(&h)) && !err)
		err = cerr;
	if (!err)
		return 0;
	if (ivg_e2_nospc(err))
		return fail(ctx, t, err, path, "cannot set its extended attributes");
	return ivg_err(ctx, EIO, "%s: entry \"%s\": extended attribute \"%s\": %s",
		       t->what, path, i && i <= n ? v[i - 1].name : "?",
		       error_message(err));
}
