/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_e2survey.c - space in an oppfs (or bosfs) that no file uses,
 * found and given back through libext2fs: inodes in use that no name
 * reaches, and blocks marked in use that no inode and no filesystem
 * metadata holds, as e2fsck's passes 1, 4 and 5 would find them.
 */
#include "oppfs_e2.h"

#include <stdlib.h>

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

/* A staging entry that reclaim frees (no name elsewhere)? */
static bool freed_by_reclaim(const struct walk *w, ext2_ino_t ino)
{
	struct staged key = { .ino = ino }, *hit;

	hit = w->n ? bsearch(&key, w->v, w->n, sizeof(*w->v), e2_by_ino) : NULL;
	return hit && !hit->refs;
}

errcode_t e2_owned_by_others(ext2_filsys fs, const struct walk *w,
			     ext2fs_block_bitmap *out)
{
	ext2_inode_scan sc;
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t err = ext2fs_allocate_block_bitmap(fs, "others", out);

	if (err)
		return err;
	own_metadata(fs, *out);
	if ((err = ext2fs_open_inode_scan(fs, 0, &sc)))
		goto out;
	while (!(err = ext2fs_get_next_inode(sc, &ino, &inode)) && ino) {
		bool in_use = ext2fs_test_inode_bitmap2(fs->inode_map, ino) ||
			      ext2fs_test_inode_bitmap2(w->reached, ino);

		if ((!inode.i_links_count && !special(fs->super, ino)) ||
		    freed_by_reclaim(w, ino) || !(in_use || special(fs->super, ino)))
			continue;
		if ((err = own_inode(fs, ino, &inode, *out)))
			break;
	}
	ext2fs_close_inode_scan(sc);
out:
	if (err) {
		ext2fs_free_block_bitmap(*out);
		*out = NULL;
	}
	return err;
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
				     sizeof(*w->v), e2_by_ino)))
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
	int r = e2_walk(ctx, e, w, false);

	*out = (struct opp_fs_waste){ .deep = true };
	if (r)
		return r;
	for (size_t i = 0; i < w->n; i++) {
		struct ext2_inode inode;

		if (!e2_walk_last(w, i))
			continue;
		out->staged++;
		if (!w->v[i].refs && !ext2fs_read_inode(fs, w->v[i].ino, &inode) &&
		    e2_holds_space(fs, w->v[i].ino, &inode))
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
	e2_walk_free(&wk);
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
			e2_write_deleted(f, s.orphans[i]);
	if (!r && err)
		r = e2_fail(ctx, e, err, OPP_FS_STAGING, "cannot take an orphan inode");
	scan_free(&s);
	e2_walk_free(&wk);
	if (!r)
		r = e2_reclaim(ctx, fs, &freed);
	if (!r) {
		*w = found;
		w->staged_bytes = freed.staged_bytes;
	}
	return r;
}
