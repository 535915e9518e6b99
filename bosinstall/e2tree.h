/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e2tree.h - build a directory tree in an ext2/ext4 filesystem through
 * libext2fs, one entry at a time, as an archive lists them.
 *
 * Paths are clean and relative to the root (bospath.h). A path is
 * resolved one component at a time from the root: each parent must be a
 * directory; a symbolic link is never followed (refused, naming the
 * entry), so nothing is ever written through one. Missing parents are
 * made (0755, root). An entry whose name exists replaces it, as tar
 * does: a directory stays (only its attributes change) and cannot be
 * replaced by anything else. Errors name the tree ('what') and the
 * entry: -EINVAL refused, -ENOSPC out of blocks or inodes, -EIO.
 */
#ifndef BOS_E2TREE_H
#define BOS_E2TREE_H

#include <ext2fs/ext2fs.h>
#include <stdint.h>

#include "bospath.h"

struct e2tree {
	ext2_filsys fs;
	const char *what;
	/* The last parent directory resolved: archives list by directory. */
	char dir[BOS_PATH_MAX + 1];
	ext2_ino_t dir_ino;
};

struct e2tree_attrs {
	uint32_t mode;             /* type and permission bits (S_IF*) */
	uint32_t uid, gid;
	int64_t atime, mtime, ctime;
	long atime_ns, mtime_ns, ctime_ns;
	unsigned rdev_major, rdev_minor;   /* device nodes */
};

struct e2tree_xattr {
	const char *name;          /* "user.x", "security.capability"... */
	const void *value;
	size_t len;
};

void e2tree_init(struct e2tree *t, ext2_filsys fs, const char *what);
void e2tree_free(struct e2tree *t);

/* -ENOSPC naming the entry when 'bytes' of data cannot fit. */
int e2tree_check_room(struct ivg_ctx *ctx, struct e2tree *t,
		      const char *path, uint64_t bytes);
/* A new inode of at->mode's type (file, device, FIFO, socket) at path,
 * empty, with at's attributes. */
int e2tree_create(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		  const struct e2tree_attrs *at, ext2_ino_t *ino);
/* Make the directory (or keep the one there) and set its attributes. */
int e2tree_mkdir(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		 const struct e2tree_attrs *at, ext2_ino_t *ino);
int e2tree_symlink(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		   const char *target, const struct e2tree_attrs *at,
		   ext2_ino_t *ino);
/*
 * path becomes another name of 'target' (not a directory). 'judge', when
 * not NULL, sees the target's mode first and may refuse the link (a
 * device node's new name must be where device nodes may be).
 */
typedef int (*e2tree_judge_fn)(struct ivg_ctx *ctx, void *arg, uint32_t mode);
int e2tree_hardlink(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		    const char *target, e2tree_judge_fn judge, void *arg);

/*
 * A regular file's data: open, write at offsets (holes stay holes),
 * close setting its size. A file written without holes has its blocks
 * allocated first in one go (prealloc): writing block by block would
 * grow its extent tree, and write its inode, once per block.
 */
int e2tree_file_prealloc(struct ivg_ctx *ctx, struct e2tree *t,
			 const char *path, ext2_ino_t ino, uint64_t size);
/*
 * After prealloc: data at 'off' (a multiple of the block size; the last
 * piece may end anywhere, its block is padded with zeros), written in
 * runs of contiguous blocks; then the file's size set by set_size.
 */
int e2tree_file_put(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		    ext2_ino_t ino, const void *buf, size_t len, uint64_t off);
int e2tree_file_set_size(struct ivg_ctx *ctx, struct e2tree *t,
			 const char *path, ext2_ino_t ino, uint64_t size);
int e2tree_file_open(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		     ext2_ino_t ino, ext2_file_t *f);
int e2tree_file_write(struct ivg_ctx *ctx, struct e2tree *t, ext2_file_t f,
		      const char *path, const void *buf, size_t len,
		      uint64_t off);
int e2tree_file_close(struct ivg_ctx *ctx, struct e2tree *t, ext2_file_t f,
		      const char *path, uint64_t size);

int e2tree_set_attrs(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		     ext2_ino_t ino, const struct e2tree_attrs *at);
int e2tree_set_xattrs(struct ivg_ctx *ctx, struct e2tree *t, const char *path,
		      ext2_ino_t ino, const struct e2tree_xattr *v, size_t n);

#endif
