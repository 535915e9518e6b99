/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_e2reclaim.c - giving back what staging holds, through libext2fs,
 * and looking for space that nothing holds.
 *
 * Reclaim walks the directory tree from the root and counts, for every
 * inode named in staging, its names elsewhere. One with other names
 * keeps them (its link count set to their number); one without is
 * freed: when its bit is set, its blocks and its inode are unmarked in
 * the bitmaps (a clear bit means it never held space on disk, or gave it
 * back already); the group summaries are counted again from the bitmaps
 * (and the directories the walk met), the bitmaps are flushed, and only
 * then is the inode written deleted and its staging name removed. The walk also
 * marks what a crash left unmarked under a name: a directory's blocks
 * (a directory grows before the bitmaps are flushed) and an inode made
 * by mkdir or symlink. A crash anywhere in reclaim leaves names in
 * staging that the next reclaim judges the same way (oppfs.h).
 *
 * The survey (read-only) and repair look further: inodes in use that
 * no name reaches, and blocks marked in use that no inode and no
 * filesystem metadata holds, as e2fsck's passes 1, 4 and 5 would find.
 */
#include "oppfs_e2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int by_ino(const void *a, const void *b)
{
	ext2_ino_t x = ((const struct staged *)a)->ino;
	ext2_ino_t y = ((const struct staged *)b)->ino;

	return (x > y) - (x < y);
}

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].name);
	free(w->v);
	free(w->dirs);
	free(w->stack);
	if (w->reached)
		ext2fs_free_inode_bitmap(w->reached);
}

static int list_cb(struct ext2_dir_entry *d, int off, int bs, char *buf,
		   void *arg)
{
	struct walk *w = arg;
	int len = ext2fs_dirent_name_len(d);
	struct staged *v;

	if (!d->inode || (len == 1 && d->name[0] == '.') ||
	    (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	v = realloc(w->v, (w->n + 1) * sizeof(*v));
	if (!v || !(v[w->n].name = strndup(d->name, (size_t)len))) {
		if (v)
			w->v = v;
		w->err = EXT2_ET_NO_MEMORY;
		return DIRENT_ABORT;
	}
	w->v = v;
	v[w->n].ino = d->inode;
	v[w->n++].refs = 0;
	return 0;
}

static bool ino_valid(ext2_filsys fs, ext2_ino_t ino)
{
	return ino >= 1 && ino <= fs->super->s_inodes_count;
}

static int push(struct walk *w, ext2_ino_t ino)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		ext2_ino_t *s = realloc(w->stack, cap * sizeof(*s));

		if (!s) {
			w->err = EXT2_ET_NO_MEMORY;
			return DIRENT_ABORT;
		}
		w->stack = s;
		w->cap = cap;
	}
	w->stack[w->depth++] = ino;
	return 0;
}

struct marker {
	ext2_filsys fs;
	bool unmark;
};

static int mark_cb(ext2_filsys fs, blk64_t *blk, e2_blkcnt_t cnt,
		   blk64_t ref, int off, void *arg)
{
	struct marker *m = arg;

	if (*blk < fs->super->s_first_data_block ||
	    *blk >= ext2fs_blocks_count(fs->super))
		return 0;
	if (m->unmark)
		ext2fs_unmark_block_bitmap2(fs->block_map, *blk);
	else
		ext2fs_mark_block_bitmap2(fs->block_map, *blk);
	return 0;
}

/* Mark (or unmark) every block of an inode in the filesystem's bitmap:
 * data, extent tree or indirect blocks, and its extended attribute block
 * (unmarked only when no other inode shares it). */
static errcode_t mark_blocks(ext2_filsys fs, ext2_ino_t ino,
			     struct ext2_inode *inode, bool unmark)
{
	struct marker m = { fs, unmark };
	blk64_t acl = ext2fs_file_acl_block(fs, inode);
	errcode_t err = 0;

	if (ext2fs_inode_has_valid_blocks2(fs, inode))
		err = ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL,
					    mark_cb, &m);
	if (err || !acl || acl >= ext2fs_blocks_count(fs->super))
		return err;
	if (unmark) {
		__u32 count = 0;

		err = ext2fs_adjust_ea_refcount3(fs, acl, NULL, -1, &count, ino);
		if (!err && !count)
			ext2fs_unmark_block_bitmap2(fs->block_map, acl);
		return err;
	}
	ext2fs_mark_block_bitmap2(fs->block_map, acl);
	return 0;
}

/*
 * An inode named outside staging that the bitmaps call free was made
 * (mkdir, symlink) just before a crash: it is marked, with its blocks.
 * A directory's blocks are marked whatever its inode: it may have grown
 * after the last flush.
 */
static void mark_named(struct walk *w, ext2_ino_t ino, bool dir)
{
	ext2_filsys fs = w->e->fs;
	bool marked = ext2fs_test_inode_bitmap2(fs->inode_map, ino);
	struct ext2_inode inode;

	if ((marked && !dir) || ext2fs_read_inode(fs, ino, &inode) ||
	    !inode.i_links_count)
		return;
	if (!marked) {
		ext2fs_mark_inode_bitmap2(fs->inode_map, ino);
		ext2fs_mark_ib_dirty(fs);
	}
	if (!mark_blocks(fs, ino, &inode, false))
		ext2fs_mark_bb_dirty(fs);
}

/* One more name outside staging for every staging entry of ino. */
static void add_ref(struct walk *w, ext2_ino_t ino)
{
	struct staged key = { .ino = ino };
	struct staged *hit = w->n ? bsearch(&key, w->v, w->n, sizeof(*w->v), by_ino) :
		NULL;

	if (!hit)
		return;
	while (hit > w->v && hit[-1].ino == ino)
		hit--;
	for (; hit < w->v + w->n && hit->ino == ino; hit++)
		hit->refs++;
}

static int entry_cb(ext2_ino_t dir, int entry, struct ext2_dir_entry *d,
		    int off, int bs, char *buf, void *arg)
{
	struct walk *w = arg;
	ext2_filsys fs = w->e->fs;
	int type = ext2fs_dirent_file_type(d);
	struct ext2_inode inode;

	/* Names in staging are what reclaim judges, not references. */
	if (entry == DIRENT_DOT_FILE || entry == DIRENT_DOT_DOT_FILE ||
	    !d->inode || !ino_valid(fs, d->inode) || dir == w->sdir)
		return 0;
	add_ref(w, d->inode);
	if (type == EXT2_FT_UNKNOWN && !ext2fs_read_inode(fs, d->inode, &inode) &&
	    LINUX_S_ISDIR(inode.i_mode))
		type = EXT2_FT_DIR;
	if (type == EXT2_FT_DIR) {
		/* Directories have one name: seen once, unless damaged. */
		if (ext2fs_test_inode_bitmap2(w->reached, d->inode))
			return 0;
		ext2fs_mark_inode_bitmap2(w->reached, d->inode);
		return push(w, d->inode);
	}
	ext2fs_mark_inode_bitmap2(w->reached, d->inode);
	if (w->fix)
		mark_named(w, d->inode, false);
	return 0;
}

/* Every directory from the root, depth first, with an explicit stack. */
static errcode_t walk_tree(struct walk *w)
{
	ext2_filsys fs = w->e->fs;
	errcode_t err;

	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), by_ino);
	if ((err = ext2fs_allocate_inode_bitmap(fs, "reached", &w->reached)))
		return err;
	ext2fs_mark_inode_bitmap2(w->reached, EXT2_ROOT_INO);
	if (push(w, EXT2_ROOT_INO))
		return w->err;
	while (w->depth) {
		ext2_ino_t d = w->stack[--w->depth];

		if (w->fix)
			mark_named(w, d, true);
		if (w->dirs)
			w->dirs[ext2fs_group_of_ino(fs, d)]++;
		err = ext2fs_dir_iterate2(fs, d, 0, NULL, entry_cb, w);
		if (err || w->err)
			return err ? err : w->err;
	}
	return 0;
}

/* Staging's entries and the tree walked: w->v[i].refs set. */
static int walk_all(struct ivg_ctx *ctx, struct e2 *e, struct walk *w,
		    bool fix)
{
	int r = e2_staging(ctx, e, false, &w->sdir);
	errcode_t err = 0;

	w->e = e;
	w->fix = fix;
	if (r == -ENOENT)
		w->sdir = 0;
	else if (r)
		return r;
	if (w->sdir)
		err = ext2fs_dir_iterate(e->fs, w->sdir, 0, NULL, list_cb, w);
	if (!err && !w->err && fix &&
	    !(w->dirs = calloc(e->fs->group_desc_count, sizeof(*w->dirs))))
		err = EXT2_ET_NO_MEMORY;
	if (!err && !w->err)
		err = walk_tree(w);
	if (err || w->err)
		return e2_fail(ctx, e, err ? err : w->err, "",
			       "cannot walk the directory tree (run e2fsck on it)");
	return 0;
}

/* Is this the last entry of its inode in the sorted list? */
static bool last_of(const struct walk *w, size_t i)
{
	return i + 1 == w->n || w->v[i + 1].ino != w->v[i].ino;
}

/*
 * Does a staging inode hold space? Only once its bit is on disk: a crash
 * before that leaves blocks it took in memory free on disk, where another
 * writer (the kernel, when mounted) may have taken them since; and after
 * reclaim's flush, what it held is free already. A reader's handle has
 * no bitmaps: the link count tells there.
 */
static bool holds_space(ext2_filsys fs, ext2_ino_t ino,
			const struct ext2_inode *inode)
{
	if (!fs->inode_map)
		return inode->i_links_count != 0;
	return ext2fs_test_inode_bitmap2(fs->inode_map, ino);
}

uint64_t e2_reclaimable(struct e2 *e)
{
	struct ivg_ctx scratch;
	struct walk w = { 0 };
	uint64_t bytes = 0;

	ivg_ctx_init(&scratch);
	if (!walk_all(&scratch, e, &w, false))
		for (size_t i = 0; i < w.n; i++) {
			struct ext2_inode inode;

			if (last_of(&w, i) && !w.v[i].refs &&
			    !ext2fs_read_inode(e->fs, w.v[i].ino, &inode) &&
			    holds_space(e->fs, w.v[i].ino, &inode))
				bytes += ext2fs_get_stat_i_blocks(e->fs, &inode) * 512;
		}
	walk_free(&w);
	return bytes;
}

/* Free clusters of group g in the block bitmap. */
static blk64_t group_free_clusters(ext2_filsys fs, dgrp_t g)
{
	blk64_t first = ext2fs_group_first_block2(fs, g);
	blk64_t last = ext2fs_group_last_block2(fs, g), n = 0;

	for (blk64_t b = first; b <= last; b += EXT2FS_CLUSTER_RATIO(fs))
		n += !ext2fs_fast_test_block_bitmap2(fs->block_map, b);
	return n;
}

/*
 * Group g's inode counts from the inode bitmap. The unused-inode mark
 * (itable_unused) only comes down, to just past the last inode in use:
 * e2fsck and the kernel skip the inode table beyond it. (libext2fs's
 * ext2fs_calculate_summary_stats gets a group whose last inode is in use
 * wrong: it marks the whole table unused.)
 */
static uint32_t recount_inodes(ext2_filsys fs, dgrp_t g)
{
	uint32_t ipg = fs->super->s_inodes_per_group, free = 0, last = 0;
	ext2_ino_t first = g * ipg + 1;

	for (uint32_t i = 0; i < ipg && first + i <= fs->super->s_inodes_count; i++) {
		if (ext2fs_fast_test_inode_bitmap2(fs->inode_map, first + i))
			last = i + 1;
		else
			free++;
	}
	ext2fs_bg_free_inodes_count_set(fs, g, free);
	if (last && ext2fs_has_group_desc_csum(fs)) {
		ext2fs_bg_flags_clear(fs, g, EXT2_BG_INODE_UNINIT);
		if (ext2fs_bg_itable_unused(fs, g) > ipg - last)
			ext2fs_bg_itable_unused_set(fs, g, ipg - last);
	}
	return free;
}

/* The group summaries from the bitmaps and the directories walked. */
static void recount(ext2_filsys fs, const uint32_t *dirs)
{
	blk64_t free_clusters = 0;
	uint64_t free_inodes = 0;

	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		blk64_t c = group_free_clusters(fs, g);

		ext2fs_bg_free_blocks_count_set(fs, g, (uint32_t)c);
		free_clusters += c;
		free_inodes += recount_inodes(fs, g);
		ext2fs_bg_used_dirs_count_set(fs, g, dirs[g]);
		ext2fs_group_desc_csum_set(fs, g);
	}
	ext2fs_free_blocks_count_set(fs->super, EXT2FS_C2B(fs, free_clusters));
	fs->super->s_free_inodes_count = (uint32_t)free_inodes;
	ext2fs_mark_super_dirty(fs);
	ext2fs_mark_bb_dirty(fs);
	ext2fs_mark_ib_dirty(fs);
}

/* Unmark an inode with no other name, and its blocks; bytes freed. */
static errcode_t release(ext2_filsys fs, ext2_ino_t ino, uint64_t *bytes)
{
	struct ext2_inode inode;
	errcode_t err = ext2fs_read_inode(fs, ino, &inode);

	if (err || !holds_space(fs, ino, &inode))
		return err;
	*bytes += ext2fs_get_stat_i_blocks(fs, &inode) * 512;
	if ((err = mark_blocks(fs, ino, &inode, true)))
		return err;
	ext2fs_unmark_inode_bitmap2(fs->inode_map, ino);
	return 0;
}

static errcode_t write_deleted(ext2_filsys fs, ext2_ino_t ino)
{
	struct ext2_inode inode;
	errcode_t err = ext2fs_read_inode(fs, ino, &inode);

	if (err)
		return err;
	inode.i_links_count = 0;
	inode.i_dtime = (uint32_t)time(NULL);
	return ext2fs_write_inode(fs, ino, &inode);
}

/* Link counts of kept inodes, the freed ones unmarked: in memory. */
static errcode_t judge(ext2_filsys fs, struct walk *w,
		       struct opp_fs_waste *out)
{
	errcode_t err = 0;

	for (size_t i = 0; !err && i < w->n; i++) {
		struct ext2_inode inode;

		if (!last_of(w, i))
			continue;
		out->staged++;
		if (!w->v[i].refs) {
			err = release(fs, w->v[i].ino, &out->staged_bytes);
			continue;
		}
		err = ext2fs_read_inode(fs, w->v[i].ino, &inode);
		if (!err && inode.i_links_count != w->v[i].refs) {
			inode.i_links_count = (uint16_t)w->v[i].refs;
			err = ext2fs_write_inode(fs, w->v[i].ino, &inode);
		}
	}
	return err;
}

int e2_reclaim(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w)
{
	struct e2 *e = (struct e2 *)fs;
	struct walk wk = { 0 };
	errcode_t err;
	int r = e2_fresh(ctx, e);

	*w = (struct opp_fs_waste){ 0 };
	if (r)
		return r;
	if ((r = walk_all(ctx, e, &wk, true)))
		goto out;
	if ((err = judge(e->fs, &wk, w))) {
		r = e2_fail(ctx, e, err, OPP_FS_STAGING, "cannot free");
		goto out;
	}
	recount(e->fs, wk.dirs);
	/* Freed in the bitmaps on disk before the names go. */
	if ((r = e2_sync(ctx, fs)))
		goto out;
	for (size_t i = 0; !r && i < wk.n; i++) {
		err = 0;
		if (!wk.v[i].refs && last_of(&wk, i))
			err = write_deleted(e->fs, wk.v[i].ino);
		if (!err)
			err = ext2fs_unlink(e->fs, wk.sdir, wk.v[i].name,
					    wk.v[i].ino, 0);
		if (err)
			r = e2_fail(ctx, e, err, wk.v[i].name, "cannot remove from " OPP_FS_STAGING);
	}
	if (!r)
		e2_changes_free(e);
	if (!r)
		r = e2_sync(ctx, fs);
out:
	walk_free(&wk);
	return r;
}

/* ---- the survey --------------------------------------------------------- */

struct scan {
	ext2fs_block_bitmap owned;     /* held by an inode or metadata */
	ext2_ino_t *orphans;           /* in use, named nowhere */
	size_t n_orphans;
};

static void scan_free(struct scan *s)
{
	if (s->owned)
		ext2fs_free_block_bitmap(s->owned);
	free(s->orphans);
}

static int own_cb(ext2_filsys fs, blk64_t *blk, e2_blkcnt_t cnt,
		  blk64_t ref, int off, void *arg)
{
	if (*blk >= fs->super->s_first_data_block &&
	    *blk < ext2fs_blocks_count(fs->super))
		ext2fs_mark_block_bitmap2(arg, *blk);
	return 0;
}

static errcode_t own_inode(ext2_filsys fs, ext2_ino_t ino,
			   struct ext2_inode *inode, ext2fs_block_bitmap owned)
{
	blk64_t acl = ext2fs_file_acl_block(fs, inode);

	if (acl && acl < ext2fs_blocks_count(fs->super))
		ext2fs_mark_block_bitmap2(owned, acl);
	/* The resize inode maps reserved descriptor blocks, owned below. */
	if (ino == EXT2_RESIZE_INO) {
		if (inode->i_block[EXT2_DIND_BLOCK])
			ext2fs_mark_block_bitmap2(owned, inode->i_block[EXT2_DIND_BLOCK]);
		return 0;
	}
	if (!ext2fs_inode_has_valid_blocks2(fs, inode))
		return 0;
	return ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL,
				     own_cb, owned);
}

/* Superblocks, descriptors, bitmaps and inode tables of every group. */
static void own_metadata(ext2_filsys fs, ext2fs_block_bitmap owned)
{
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		blk64_t t = ext2fs_inode_table_loc(fs, g);

		ext2fs_reserve_super_and_bgd(fs, g, owned);
		ext2fs_mark_block_bitmap2(owned, ext2fs_block_bitmap_loc(fs, g));
		ext2fs_mark_block_bitmap2(owned, ext2fs_inode_bitmap_loc(fs, g));
		if (t)
			ext2fs_mark_block_bitmap_range2(owned, t, fs->inode_blocks_per_group);
	}
	if (ext2fs_has_feature_mmp(fs->super) && fs->super->s_mmp_block)
		ext2fs_mark_block_bitmap2(owned, fs->super->s_mmp_block);
}

/* Inodes the superblock names (journal, quota, orphan file...). */
static bool special(const struct ext2_super_block *sb, ext2_ino_t ino)
{
	return ino < EXT2_FIRST_INO(sb) || ino == sb->s_journal_inum ||
	       ino == sb->s_usr_quota_inum || ino == sb->s_grp_quota_inum ||
	       ino == sb->s_prj_quota_inum || ino == sb->s_orphan_file_inum ||
	       ino == sb->s_snapshot_inum;
}

static errcode_t scan_inodes(ext2_filsys fs, const struct walk *w,
			     struct scan *s, struct opp_fs_waste *out)
{
	ext2_inode_scan sc;
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t err = ext2fs_open_inode_scan(fs, 0, &sc);

	while (!err && !(err = ext2fs_get_next_inode(sc, &ino, &inode)) && ino) {
		bool marked = ext2fs_test_inode_bitmap2(fs->inode_map, ino);
		bool named = ext2fs_test_inode_bitmap2(w->reached, ino);

		if (!inode.i_links_count && !special(fs->super, ino))
			continue;
		/* Blocks of an inode the bitmap calls free are not trusted. */
		if ((marked || named || special(fs->super, ino)) &&
		    (err = own_inode(fs, ino, &inode, s->owned)))
			break;
		/* In staging, it is counted as staged. */
		if (named || special(fs->super, ino) ||
		    (w->n && bsearch(&(struct staged){ .ino = ino }, w->v, w->n,
				     sizeof(*w->v), by_ino)))
			continue;
		if (marked)
			out->orphan_bytes += ext2fs_get_stat_i_blocks(fs, &inode) * 512;
		{
			ext2_ino_t *v = realloc(s->orphans, (s->n_orphans + 1) * sizeof(*v));

			if (!v) {
				err = EXT2_ET_NO_MEMORY;
				break;
			}
			s->orphans = v;
			v[s->n_orphans++] = ino;
		}
		out->orphans++;
	}
	ext2fs_close_inode_scan(sc);
	return err;
}

static int scan_all(struct ivg_ctx *ctx, struct e2 *e, struct walk *w,
		    struct scan *s, struct opp_fs_waste *out)
{
	ext2_filsys fs = e->fs;
	errcode_t err;
	int r = walk_all(ctx, e, w, false);

	*out = (struct opp_fs_waste){ .deep = true };
	if (r)
		return r;
	for (size_t i = 0; i < w->n; i++) {
		struct ext2_inode inode;

		if (!last_of(w, i))
			continue;
		out->staged++;
		if (!w->v[i].refs && !ext2fs_read_inode(fs, w->v[i].ino, &inode) &&
		    holds_space(fs, w->v[i].ino, &inode))
			out->staged_bytes += ext2fs_get_stat_i_blocks(fs, &inode) * 512;
	}
	err = ext2fs_allocate_block_bitmap(fs, "owned", &s->owned);
	if (!err) {
		own_metadata(fs, s->owned);
		err = scan_inodes(fs, w, s, out);
	}
	/* Leaks: blocks in use that nothing holds (whole blocks only). */
	if (!err && EXT2FS_CLUSTER_RATIO(fs) == 1)
		for (blk64_t b = fs->super->s_first_data_block;
		     b < ext2fs_blocks_count(fs->super); b++)
			if (ext2fs_fast_test_block_bitmap2(fs->block_map, b) &&
			    !ext2fs_fast_test_block_bitmap2(s->owned, b))
				out->leaked_bytes += fs->blocksize;
	return err ? e2_fail(ctx, e, err, "", "cannot read the inodes (run e2fsck on it)") : 0;
}

int e2_survey(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w)
{
	struct e2 *e = (struct e2 *)fs;
	struct walk wk = { 0 };
	struct scan s = { 0 };
	errcode_t err;
	int r;

	/* A reader's handle has no bitmaps loaded. A writer interrupted
	 * while it flushed leaves bitmaps that do not match the checksums
	 * in the descriptors (the next writer rewrites them): read as is. */
	if (!e->fs->block_map) {
		int flags = e->fs->flags;

		e->fs->flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
		err = ext2fs_read_bitmaps(e->fs);
		e->fs->flags = (e->fs->flags & ~EXT2_FLAG_IGNORE_CSUM_ERRORS) |
			       (flags & EXT2_FLAG_IGNORE_CSUM_ERRORS);
		if (err)
			return e2_fail(ctx, e, err, "", "cannot read the allocation bitmaps");
	}
	r = scan_all(ctx, e, &wk, &s, w);
	scan_free(&s);
	walk_free(&wk);
	return r;
}

/*
 * Orphans go into staging, leaked blocks are unmarked; reclaim then
 * frees the orphans and flushes it all. An inode that looks in use but
 * that the bitmap calls free (an older crash) is written deleted.
 */
int e2_repair(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w)
{
	struct e2 *e = (struct e2 *)fs;
	ext2_filsys f;
	struct walk wk = { 0 };
	struct scan s = { 0 };
	struct opp_fs_waste found, freed;
	ext2_ino_t sdir;
	errcode_t err = 0;
	int r = e2_fresh(ctx, e);

	if (r)
		return r;
	f = e->fs;
	r = scan_all(ctx, e, &wk, &s, &found);

	if (!r)
		r = e2_staging(ctx, e, true, &sdir);
	if (!r && EXT2FS_CLUSTER_RATIO(f) == 1)
		for (blk64_t b = f->super->s_first_data_block;
		     b < ext2fs_blocks_count(f->super); b++)
			if (ext2fs_fast_test_block_bitmap2(f->block_map, b) &&
			    !ext2fs_fast_test_block_bitmap2(s.owned, b)) {
				ext2fs_unmark_block_bitmap2(f->block_map, b);
				ext2fs_mark_bb_dirty(f);
			}
	for (size_t i = 0; !r && !err && i < s.n_orphans; i++)
		err = ext2fs_test_inode_bitmap2(f->inode_map, s.orphans[i]) ?
			e2_keep_in_staging(e, sdir, s.orphans[i], "orphan") :
			write_deleted(f, s.orphans[i]);
	if (!r && err)
		r = e2_fail(ctx, e, err, OPP_FS_STAGING, "cannot take an orphan inode");
	scan_free(&s);
	walk_free(&wk);
	if (!r)
		r = e2_reclaim(ctx, fs, &freed);
	if (!r) {
		*w = found;
		w->staged_bytes = freed.staged_bytes;
	}
	return r;
}
