/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_e2walk.c - the directory tree of an oppfs (or bosfs) walked
 * through libext2fs from the root: the names staging holds, how many
 * names each of their inodes has elsewhere, which inodes a name reaches,
 * and (when fixing) what a crash left unmarked under a name.
 */
#include "oppfs_e2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int e2_by_ino(const void *a, const void *b)
{
	ext2_ino_t x = ((const struct staged *)a)->ino;
	ext2_ino_t y = ((const struct staged *)b)->ino;

	return (x > y) - (x < y);
}

void e2_walk_free(struct walk *w)
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
errcode_t e2_mark_blocks(ext2_filsys fs, ext2_ino_t ino,
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
	if (!e2_mark_blocks(fs, ino, &inode, false))
		ext2fs_mark_bb_dirty(fs);
}

/* One more name outside staging for every staging entry of ino. */
static void add_ref(struct walk *w, ext2_ino_t ino)
{
	struct staged key = { .ino = ino };
	struct staged *hit = w->n ? bsearch(&key, w->v, w->n, sizeof(*w->v), e2_by_ino) :
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
		qsort(w->v, w->n, sizeof(*w->v), e2_by_ino);
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
int e2_walk(struct ivg_ctx *ctx, struct e2 *e, struct walk *w,
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
bool e2_walk_last(const struct walk *w, size_t i)
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
bool e2_holds_space(ext2_filsys fs, ext2_ino_t ino,
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
	if (!e2_walk(&scratch, e, &w, false))
		for (size_t i = 0; i < w.n; i++) {
			struct ext2_inode inode;

			if (e2_walk_last(&w, i) && !w.v[i].refs &&
			    !ext2fs_read_inode(e->fs, w.v[i].ino, &inode) &&
			    e2_holds_space(e->fs, w.v[i].ino, &inode))
				bytes += ext2fs_get_stat_i_blocks(e->fs, &inode) * 512;
		}
	e2_walk_free(&w);
	return bytes;
}

