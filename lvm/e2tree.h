/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e2tree.h - files written into an ext2/ext4 filesystem through
 * libext2fs, with no kernel: the one tree writer of the boot image
 * (boot/bootimg.c), a BOS or OPP archive restored (bosinstall/untar.c),
 * and, below it, the libext2fs steps that oppfs (opp/oppfs_e2*.c)
 * shares with it.
 *
 * The tree writer builds a tree one entry at a time, as an archive lists
 * them. Paths are clean and relative to the root ("etc/passwd", "" for
 * the root itself; the caller cleans them, bosinstall/bospath.h), at
 * most IVG_E2TREE_PATH_MAX bytes, each name at most EXT2_NAME_LEN. A
 * path is resolved one component at a time from the root: each parent
 * must be a directory; a symbolic link is never followed (refused,
 * naming the entry), so nothing is ever written through one. Missing
 * parents are made (0755, root). An entry whose name exists replaces it,
 * as tar does: a directory stays (only its attributes change) and cannot
 * be replaced by anything else. Errors name the tree ('what') and the
 * entry: -EINVAL refused, -ENOSPC out of blocks or inodes, -EIO.
 *
 * A tree written into an installed system (follow_dir_links: an OPP, the
 * files bosinstall adds) takes the system's symbolic links to
 * directories as dpkg does: a parent that is such a link is followed,
 * inside this filesystem (an absolute target from its root), and a
 * directory entry whose name is one keeps the link and the directory it
 * names as they are; "bin/x" lands in usr/bin when bin -> usr/bin
 * (merged /usr). A link to anything else is still refused.
 */
#ifndef IVG_E2TREE_H
#define IVG_E2TREE_H

#include <ext2fs/ext2fs.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"

#define IVG_E2TREE_PATH_MAX 4096

/* ---- libext2fs steps (errcode_t, no message) ---------------------------- */

/* ext2fs_link, ext2fs_mkdir and ext2fs_symlink, growing a full directory
 * by a block first. */
errcode_t ivg_e2_link(ext2_filsys fs, ext2_ino_t dir, const char *name,
		      ext2_ino_t ino, int type);
errcode_t ivg_e2_mkdir(ext2_filsys fs, ext2_ino_t dir, const char *name);
errcode_t ivg_e2_symlink(ext2_filsys fs, ext2_ino_t dir, const char *name,
			 const char *target);
/* All len bytes at the file's position (EXT2_ET_SHORT_WRITE if a write
 * takes none). */
errcode_t ivg_e2_write(ext2_file_t f, const void *buf, size_t len);
/* Does the error mean that the filesystem is out of blocks or inodes? */
bool ivg_e2_nospc(errcode_t err);

/* ---- the tree writer ---------------------------------------------------- */

struct ivg_e2tree {
	ext2_filsys fs;
	const char *what;
	/* The last parent directory resolved: archives list by directory. */
	char dir[IVG_E2TREE_PATH_MAX + 1];
	ext2_ino_t dir_ino;
	bool follow_dir_links;     /* an installed system's tree (above) */
};

struct ivg_e2tree_attrs {
	uint32_t mode;             /* type and permission bits (S_IF*) */
	uint32_t uid, gid;
	int64_t atime, mtime, ctime;
	long atime_ns, mtime_ns, ctime_ns;
	unsigned rdev_major, rdev_minor;   /* device nodes */
};

struct ivg_e2tree_xattr {
	const char *name;          /* "user.x", "security.capability"... */
	const void *value;
	size_t len;
};

void ivg_e2tree_init(struct ivg_e2tree *t, ext2_filsys fs, const char *what);
void ivg_e2tree_free(struct ivg_e2tree *t);

/* -ENOSPC naming the entry when 'bytes' of data cannot fit. */
int ivg_e2tree_check_room(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  const char *path, uint64_t bytes);
/* A new inode of at->mode's type (file, device, FIFO, socket) at path,
 * empty, with at's attributes. */
int ivg_e2tree_create(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		      const char *path, const struct ivg_e2tree_attrs *at,
		      ext2_ino_t *ino);
/* Make the directory (or keep the one there) and set its attributes. */
int ivg_e2tree_mkdir(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		     const char *path, const struct ivg_e2tree_attrs *at,
		     ext2_ino_t *ino);
int ivg_e2tree_symlink(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		       const char *path, const char *target,
		       const struct ivg_e2tree_attrs *at, ext2_ino_t *ino);
/*
 * path becomes another name of 'target' (not a directory). 'judge', when
 * not NULL, sees the target's mode first and may refuse the link (a
 * device node's new name must be where device nodes may be).
 */
typedef int (*ivg_e2tree_judge_fn)(struct ivg_ctx *ctx, void *arg,
				   uint32_t mode);
int ivg_e2tree_hardlink(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			const char *path, const char *target,
			ivg_e2tree_judge_fn judge, void *arg);

/*
 * A regular file's data: open, write at offsets (holes stay holes),
 * close setting its size. A file written without holes has its blocks
 * allocated first in one go (prealloc): writing block by block would
 * grow its extent tree, and write its inode, once per block.
 */
int ivg_e2tree_file_prealloc(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			     const char *path, ext2_ino_t ino, uint64_t size);
/*
 * After prealloc: data at 'off' (a multiple of the block size; the last
 * piece may end anywhere, its block is padded with zeros), written in
 * runs of contiguous blocks; then the file's size set by set_size.
 */
int ivg_e2tree_file_put(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			const char *path, ext2_ino_t ino, const void *buf,
			size_t len, uint64_t off);
int ivg_e2tree_file_set_size(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			     const char *path, ext2_ino_t ino, uint64_t size);
int ivg_e2tree_file_open(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			 const char *path, ext2_ino_t ino, ext2_file_t *f);
int ivg_e2tree_file_write(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  ext2_file_t f, const char *path, const void *buf,
			  size_t len, uint64_t off);
int ivg_e2tree_file_close(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  ext2_file_t f, const char *path, uint64_t size);

int ivg_e2tree_set_attrs(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			 const char *path, ext2_ino_t ino,
			 const struct ivg_e2tree_attrs *at);
int ivg_e2tree_set_xattrs(struct ivg_ctx *ctx, struct ivg_e2tree *t,
			  const char *path, ext2_ino_t ino,
			  const struct ivg_e2tree_xattr *v, size_t n);

#endif
