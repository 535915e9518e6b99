/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_e2.h - the libext2fs backend of oppfs.h, internal to its files:
 * oppfs_e2.c (the handle, names, reading), oppfs_e2write.c (staging,
 * publishing, rollback), oppfs_e2walk.c (the directory tree walked),
 * oppfs_e2reclaim.c (giving back what staging holds) and
 * oppfs_e2survey.c (looking for space no file uses, giving it back).
 */
#ifndef OPP_OPPFS_E2_H
#define OPP_OPPFS_E2_H

#include <ext2fs/ext2fs.h>

#include "lvio.h"
#include "oppfs_impl.h"

struct dentry {
	char *name;
	ext2_ino_t ino;
};

/* Read-only handles look names up in one directory's sorted listing. */
struct dcache {
	char dir[256];
	struct dentry *v;
	size_t n, cap;
	bool valid;
};

/* A name changed since the last reclaim: 'base' in directory 'dir' was
 * 'old_ino' (0: did not exist) and is 'new_ino' (0: removed). Both
 * inodes keep a name in staging until reclaim. */
struct e2change {
	ext2_ino_t dir, new_ino, old_ino;
	char *base;
};

struct e2 {
	struct opp_fs base;
	struct ivg_vg *vg;
	const char *lv;            /* oppfs, bosfs: a constant */
	struct ivg_lvio *io;
	ext2_filsys fs;
	struct dcache dc;
	struct e2change *changes;
	size_t n_changes;
	/* A write failed: what libext2fs holds in memory may not match the
	 * disk. Nothing more is flushed from it; rollback and reclaim open
	 * the filesystem again and judge what is on disk, as after a crash. */
	bool failed;
	/* Every name in staging was put there by this handle since its last
	 * reclaim, the bitmaps in memory knowing all it took: reclaim frees
	 * what they give a staged inode. Otherwise (a crash or a failed
	 * write before) a staged inode's blocks are freed only where no
	 * other inode holds them. */
	bool trusted;
};

/* The message for a libext2fs error; on a read-write handle it also
 * marks the handle failed. */
int e2_fail(struct ivg_ctx *ctx, struct e2 *e, errcode_t err,
	    const char *path, const char *what);
/* -EIO when the handle failed before (a write must not go on). */
int e2_check_failed(struct ivg_ctx *ctx, struct e2 *e);
/* A failed handle's filesystem opened again from the disk. */
int e2_fresh(struct ivg_ctx *ctx, struct e2 *e);
/* The inode 'path' names (a plain path, oppfs.h): one lookup per name. */
errcode_t e2_lookup(struct e2 *e, const char *path, ext2_ino_t *ino);
/* The directory holding path's last name, and that name. */
errcode_t e2_split(struct e2 *e, const char *path, ext2_ino_t *dir,
		   const char **base);
/* The staging directory's inode; made (and synced) when 'create'. */
int e2_staging(struct ivg_ctx *ctx, struct e2 *e, bool create,
	       ext2_ino_t *ino);
int e2_sync(struct ivg_ctx *ctx, struct opp_fs *fs);

/* oppfs_e2write.c */
int e2_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
	     struct opp_src *src, struct opp_staged **out);
int e2_publish(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_staged *st,
	       const char *path, bool replace);
void e2_unstage(struct opp_fs *fs, struct opp_staged *st);
int e2_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
int e2_rollback(struct ivg_ctx *ctx, struct opp_fs *fs);
void e2_changes_free(struct e2 *e);
/* A second name for ino in staging ("PID-N.KIND"), without a link count
 * change: reclaim counts names itself. */
errcode_t e2_keep_in_staging(struct e2 *e, ext2_ino_t sdir, ext2_ino_t ino,
			     const char *kind);

/* oppfs_e2walk.c: staging's entries and the tree walked. */
struct staged {
	char *name;
	ext2_ino_t ino;
	unsigned refs;             /* names outside staging */
};

struct walk {
	struct e2 *e;
	ext2_ino_t sdir;           /* 0: no staging directory */
	struct staged *v;          /* staging's entries, sorted by inode */
	size_t n;
	bool fix;                  /* mark what a crash left unmarked */
	ext2fs_inode_bitmap reached;
	uint32_t *dirs;            /* directories per group (fix) */
	ext2_ino_t *stack;
	size_t depth, cap;
	errcode_t err;
};

int e2_by_ino(const void *a, const void *b);
/* Staging's entries listed (sorted by inode) and the tree walked from
 * the root: refs counted, names reached; with 'fix', what a crash left
 * unmarked under a name is marked and directories are counted per group. */
int e2_walk(struct ivg_ctx *ctx, struct e2 *e, struct walk *w, bool fix);
void e2_walk_free(struct walk *w);
/* Is entry i the last of its inode in the sorted list? */
bool e2_walk_last(const struct walk *w, size_t i);
/* Does a staged inode hold space on disk (its bit set)? */
bool e2_holds_space(ext2_filsys fs, ext2_ino_t ino,
		    const struct ext2_inode *inode);
/* Mark (or unmark) every block of an inode in the block bitmap. */
errcode_t e2_mark_blocks(ext2_filsys fs, ext2_ino_t ino,
			 struct ext2_inode *inode, bool unmark);
/* Bytes that reclaim would free now (0 when it cannot be told). */
uint64_t e2_reclaimable(struct e2 *e);

/* oppfs_e2reclaim.c */
errcode_t e2_write_deleted(ext2_filsys fs, ext2_ino_t ino);
int e2_reclaim(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w);
/* oppfs_e2survey.c */
/*
 * Blocks held by anything but the staging inodes that reclaim frees:
 * the filesystem's metadata and every inode in use (its bit set, or a
 * name reaching it), read from the disk's inode tables.
 */
errcode_t e2_owned_by_others(ext2_filsys fs, const struct walk *w,
			     ext2fs_block_bitmap *out);
int e2_survey(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w);
int e2_repair(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w);

#endif
