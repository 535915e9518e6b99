/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_e2reclaim.c - giving back what staging holds, through libext2fs.
 *
 * Reclaim walks the directory tree from the root and counts, for every
 * inode named in staging, its names elsewhere. One with other names
 * keeps them (its link count set to their number); one without is
 * freed: its blocks and its inode are unmarked in the bitmaps (after a
 * crash, only the blocks that no other inode holds: the inode tables are
 * read for that); the group summaries are counted again from the bitmaps
 * (and the directories the walk met), the bitmaps are flushed, and only
 * then is the inode written deleted and its staging name removed. The
 * walk also marks what a crash left unmarked under a name
 * (oppfs_e2walk.c). A crash anywhere in reclaim leaves names in staging
 * that the next reclaim judges the same way (oppfs.h).
 */
#include "oppfs_e2.h"

#include <stdlib.h>
#include <time.h>

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

struct unmark {
	ext2fs_block_bitmap others;
	uint64_t blocks;
};

/* A staged inode's block, unless another inode or metadata holds it. */
static int unmark_cb(ext2_filsys fs, blk64_t *blk, e2_blkcnt_t cnt,
		     blk64_t ref, int off, void *arg)
{
	struct unmark *u = arg;

	if (*blk < fs->super->s_first_data_block ||
	    *blk >= ext2fs_blocks_count(fs->super) ||
	    ext2fs_test_block_bitmap2(u->others, *blk) ||
	    !ext2fs_test_block_bitmap2(fs->block_map, *blk))
		return 0;
	ext2fs_unmark_block_bitmap2(fs->block_map, *blk);
	u->blocks++;
	return 0;
}

/*
 * Unmark an inode with no other name, and its blocks; bytes freed. With
 * 'others' (reclaim after a crash), only the blocks no one else holds:
 * the bitmaps on disk may give the inode some of its blocks and not
 * others (a flush cut short), and the kernel may have taken the rest.
 */
static errcode_t release(ext2_filsys fs, ext2_ino_t ino,
			 ext2fs_block_bitmap others, uint64_t *bytes)
{
	struct ext2_inode inode;
	struct unmark u = { others, 0 };
	blk64_t acl;
	errcode_t err = ext2fs_read_inode(fs, ino, &inode);

	if (err)
		return err;
	if (!others) {
		if (!e2_holds_space(fs, ino, &inode))
			return 0;
		*bytes += ext2fs_get_stat_i_blocks(fs, &inode) * 512;
		err = e2_mark_blocks(fs, ino, &inode, true);
	} else if (ext2fs_inode_has_valid_blocks2(fs, &inode)) {
		err = ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL,
					    unmark_cb, &u);
		acl = ext2fs_file_acl_block(fs, &inode);
		if (!err && acl)
			unmark_cb(fs, &acl, 0, 0, 0, &u);
		*bytes += u.blocks * fs->blocksize;
	}
	if (!err)
		ext2fs_unmark_inode_bitmap2(fs->inode_map, ino);
	return err;
}

errcode_t e2_write_deleted(ext2_filsys fs, ext2_ino_t ino)
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
		       ext2fs_block_bitmap others, struct opp_fs_waste *out)
{
	errcode_t err = 0;

	for (size_t i = 0; !err && i < w->n; i++) {
		struct ext2_inode inode;

		if (!e2_walk_last(w, i))
			continue;
		out->staged++;
		if (!w->v[i].refs) {
			err = release(fs, w->v[i].ino, others, &out->staged_bytes);
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

/* Is anything in staging named nowhere else? */
static bool needs_freeing(const struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->v[i].refs)
			return true;
	return false;
}

int e2_reclaim(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs_waste *w)
{
	struct e2 *e = (struct e2 *)fs;
	struct walk wk = { 0 };
	ext2fs_block_bitmap others = NULL;
	errcode_t err = 0;
	int r = e2_fresh(ctx, e);

	*w = (struct opp_fs_waste){ 0 };
	if (r)
		return r;
	if ((r = e2_walk(ctx, e, &wk, true)))
		goto out;
	if (!e->trusted && needs_freeing(&wk))
		err = e2_owned_by_others(e->fs, &wk, &others);
	if (!err)
		err = judge(e->fs, &wk, others, w);
	if (err) {
		r = e2_fail(ctx, e, err, OPP_FS_STAGING, "cannot free");
		goto out;
	}
	recount(e->fs, wk.dirs);
	/* Freed in the bitmaps on disk before the names go. */
	if ((r = e2_sync(ctx, fs)))
		goto out;
	for (size_t i = 0; !r && i < wk.n; i++) {
		err = 0;
		if (!wk.v[i].refs && e2_walk_last(&wk, i))
			err = e2_write_deleted(e->fs, wk.v[i].ino);
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
	e->trusted = !r;
out:
	if (others)
		ext2fs_free_block_bitmap(others);
	e2_walk_free(&wk);
	return r;
}

