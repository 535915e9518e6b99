/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_oppfs.c - oppfs through libext2fs (oppfs.h) on an LV of a fixture
 * VG: staging, publish and rollback, reclaim giving space back, paths
 * that are refused or not followed, and the group summaries reclaim
 * counts again (a group whose last inode is in use keeps its inode table
 * in view), and reclaim after a crash freeing only the blocks of a staged
 * file that no other file holds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "e2fs.h"
#include "lvio.h"
#include "oppfs.h"
#include "oppfs_e2.h"
#include "vgfix.h"

struct fx {
	struct vgfix f;
	struct ivg_lvio *io;       /* the LV, for looking with libext2fs */
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct ivg_pv *pvs[1];

	assert_non_null(x);
	assert_int_equal(vgfix_make(&x->f, 1, 24, 2048), 0);
	pvs[0] = x->f.vg->pvs[0];
	assert_int_equal(ivg_lv_create_linear(&x->f.ctx, x->f.vg, "oppfs", 16,
					      pvs, 1, NULL), 0);
	assert_int_equal(ivg_lvio_open(&x->f.ctx, x->f.vg, "oppfs", -1, &x->io), 0);
	assert_int_equal(ivg_mkfs(&x->f.ctx, x->io, IVG_FS_EXT4, "t"), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	ivg_lvio_close(x->io);
	vgfix_free(&x->f);
	free(x);
	return 0;
}

static struct opp_fs *open_rw(struct fx *x)
{
	struct opp_fs *fs;

	assert_int_equal(opp_fs_open_lv(&x->f.ctx, x->f.vg, "oppfs", true, &fs), 0);
	return fs;
}

static char *read_all(struct fx *x, struct opp_fs *fs, const char *path)
{
	char *buf;
	size_t len;

	assert_int_equal(opp_fs_read(&x->f.ctx, fs, path, 1 << 20, &buf, &len), 0);
	return buf;
}

/* A file written, replaced, the replacement rolled back; reclaim frees
 * what staging held and the free space is as before. */
static void publish_rollback_reclaim(void **state)
{
	struct fx *x = *state;
	struct ivg_ctx *ctx = &x->f.ctx;
	struct opp_fs *fs = open_rw(x);
	struct opp_fs_waste w;
	static char big[300000];
	uint64_t before;
	char *s;

	memset(big, 'b', sizeof(big));
	assert_int_equal(opp_fs_mkdir(ctx, fs, "pool"), 0);
	assert_int_equal(opp_fs_write_buf(ctx, fs, "pool/a", "one", 3, false), 0);
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	before = opp_fs_free_bytes(fs);
	assert_int_equal(opp_fs_write_buf(ctx, fs, "pool/a", big, sizeof(big), true), 0);
	s = read_all(x, fs, "pool/a");
	assert_memory_equal(s, big, sizeof(big));
	free(s);
	/* The old file is kept in staging: it comes back. */
	assert_int_equal(opp_fs_rollback(ctx, fs), 0);
	assert_string_equal((s = read_all(x, fs, "pool/a")), "one");
	free(s);
	assert_int_equal(opp_fs_free_bytes(fs), before);
	assert_int_equal(opp_fs_survey(ctx, fs, &w), 0);
	assert_int_equal(w.staged, 0);
	assert_int_equal(w.orphans, 0);
	assert_int_equal(w.leaked_bytes, 0);
	/* Removed, then reclaimed: the space is free again. */
	assert_int_equal(opp_fs_unlink(ctx, fs, "pool/a"), 0);
	assert_false(opp_fs_exists(fs, "pool/a"));
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	assert_int_equal(w.staged, 1);
	assert_true(opp_fs_free_bytes(fs) > before);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
}

/* 100,000 bytes of 'z', as an opp_read_fn. */
static int zeds(struct ivg_ctx *ctx, void *arg, void *buf, size_t len,
		size_t *got)
{
	size_t *left = arg;

	*got = len < *left ? len : *left;
	memset(buf, 'z', *got);
	*left -= *got;
	return 0;
}

/* A staged file never published is counted free, then given back. */
static void staged_is_reclaimed(void **state)
{
	struct fx *x = *state;
	struct ivg_ctx *ctx = &x->f.ctx;
	struct opp_fs *fs = open_rw(x);
	struct opp_fs_waste w;
	struct opp_staged *st;
	struct opp_src src;
	uint64_t before;
	size_t left = 100000;

	/* Staging and pool/ made, and nothing left in staging. */
	assert_int_equal(opp_fs_mkdir(ctx, fs, "pool"), 0);
	assert_int_equal(opp_fs_write_buf(ctx, fs, "pool/a", "a", 1, false), 0);
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	before = opp_fs_free_bytes(fs);
	assert_int_equal(opp_src_init(ctx, &src, zeds, &left, "z"), 0);
	assert_int_equal(opp_fs_stage(ctx, fs, "pool/z", &src, &st), 0);
	opp_src_free(&src);
	opp_fs_unstage(fs, st);
	/* What staging holds counts as free: the next reclaim frees it. */
	assert_int_equal(opp_fs_free_bytes(fs), before);
	assert_int_equal(opp_fs_survey(ctx, fs, &w), 0);
	assert_int_equal(w.staged, 1);
	assert_true(w.staged_bytes >= 100000);
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	assert_int_equal(opp_fs_survey(ctx, fs, &w), 0);
	assert_int_equal(w.staged, 0);
	assert_int_equal(opp_fs_free_bytes(fs), before);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
}

/* ".." and friends are refused; a symbolic link is not a directory. */
static void paths_stay_inside(void **state)
{
	struct fx *x = *state;
	struct ivg_ctx *ctx = &x->f.ctx;
	struct opp_fs *fs = open_rw(x);

	assert_int_equal(opp_fs_write_buf(ctx, fs, "../x", "x", 1, false), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(ctx), "fixvg/oppfs: \"../x\" is not a plain path"));
	assert_int_equal(opp_fs_write_buf(ctx, fs, "pool/../x", "x", 1, false), -EINVAL);
	assert_int_equal(opp_fs_symlink(ctx, fs, "/tmp", "link"), 0);
	assert_false(opp_fs_is_dir(fs, "link"));
	assert_true(opp_fs_exists(fs, "link"));
	assert_int_equal(opp_fs_write_buf(ctx, fs, "link/x", "x", 1, false), -ENOTDIR);
	assert_int_equal(opp_fs_rollback(ctx, fs), 0);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
}

/*
 * The last inode of group 0 in use: reclaim's recount must keep it
 * inside the inode table's used part (ext2fs_calculate_summary_stats
 * marks such a group's whole table unused, and e2fsck then loses even
 * the root directory).
 */
static void last_inode_of_a_group(void **state)
{
	struct fx *x = *state;
	struct ivg_ctx *ctx = &x->f.ctx;
	struct ext2_inode inode = { 0 };
	struct opp_fs_waste w;
	struct opp_fs *fs;
	ext2_filsys e;
	ext2_ino_t last;

	assert_int_equal(ivg_e2fs_open(ctx, x->io, EXT2_FLAG_RW, &e), 0);
	last = e->super->s_inodes_per_group;
	inode.i_mode = LINUX_S_IFREG | 0644;
	inode.i_links_count = 1;
	assert_int_equal(ext2fs_write_new_inode(e, last, &inode), 0);
	assert_int_equal(ext2fs_link(e, EXT2_ROOT_INO, "last", last, EXT2_FT_REG_FILE), 0);
	ext2fs_inode_alloc_stats2(e, last, +1, 0);
	assert_int_equal(ivg_e2fs_close(ctx, e, "close"), 0);

	fs = open_rw(x);
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
	assert_int_equal(ivg_e2fs_open(ctx, x->io, 0, &e), 0);
	assert_int_equal(ext2fs_bg_itable_unused(e, 0), 0);
	assert_int_equal(ext2fs_read_bitmaps(e), 0);
	assert_true(ext2fs_test_inode_bitmap2(e->inode_map, EXT2_ROOT_INO));
	assert_true(ext2fs_test_inode_bitmap2(e->inode_map, last));
	assert_true(ext2fs_group_desc_csum_verify(e, 0));
	ext2fs_close_free(&e);
	/* And nothing is taken for waste. */
	fs = open_rw(x);
	assert_int_equal(opp_fs_survey(ctx, fs, &w), 0);
	assert_int_equal(w.orphans, 0);
	assert_int_equal(w.leaked_bytes, 0);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
}

/* The first name of a directory, but "." and "..": its inode. */
static int first_entry(struct ext2_dir_entry *d, int off, int bs, char *buf,
		       void *arg)
{
	int len = ext2fs_dirent_name_len(d);

	if (!d->inode || (len == 1 && d->name[0] == '.') ||
	    (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	*(ext2_ino_t *)arg = d->inode;
	return DIRENT_ABORT;
}

/*
 * A crash while a file was staged, in the middle of a flush: its inode
 * names blocks, some of which the bitmaps on disk give it and some not.
 * Another writer (the kernel, when mounted) takes one of the latter for
 * a file of its own; then reclaim must free the staged file's blocks and
 * inode but leave that block to its new owner.
 */
static void crash_then_another_writer(void **state)
{
	struct fx *x = *state;
	struct ivg_ctx *ctx = &x->f.ctx;
	struct opp_fs *fs = open_rw(x);
	struct opp_fs_waste w;
	struct opp_staged *st;
	struct opp_src src;
	struct ext2_inode inode = { 0 }, sino;
	size_t left = 100000;
	ext2_filsys e;
	ext2_ino_t sdir, sin = 0, taken;
	blk64_t b0, b1;
	uint64_t free_before;

	assert_int_equal(opp_fs_mkdir(ctx, fs, "pool"), 0);
	assert_int_equal(opp_fs_write_buf(ctx, fs, "pool/a", "a", 1, false), 0);
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
	assert_int_equal(ivg_e2fs_open(ctx, x->io, 0, &e), 0);
	free_before = ext2fs_free_blocks_count(e->super);
	ext2fs_close_free(&e);

	/* Staged, then the process dies: nothing flushed from memory. */
	fs = open_rw(x);
	assert_int_equal(opp_src_init(ctx, &src, zeds, &left, "z"), 0);
	assert_int_equal(opp_fs_stage(ctx, fs, "pool/z", &src, &st), 0);
	opp_src_free(&src);
	opp_fs_unstage(fs, st);
	((struct e2 *)fs)->failed = true;
	assert_int_equal(opp_fs_close(ctx, fs), 0);

	/* Another writer takes the staged file's first block (after the
	 * crash came in the middle of a flush, below). */
	assert_int_equal(ivg_e2fs_open(ctx, x->io, EXT2_FLAG_RW, &e), 0);
	assert_int_equal(ext2fs_lookup(e, EXT2_ROOT_INO, OPP_FS_STAGING,
				       (int)strlen(OPP_FS_STAGING), NULL, &sdir), 0);
	assert_int_equal(ext2fs_dir_iterate(e, sdir, 0, NULL, first_entry, &sin), 0);
	assert_int_not_equal(sin, 0);
	assert_int_equal(ext2fs_read_inode(e, sin, &sino), 0);
	assert_int_equal(ext2fs_bmap2(e, sin, &sino, NULL, 0, 0, NULL, &b0), 0);
	assert_int_equal(ext2fs_bmap2(e, sin, &sino, NULL, 0, 1, NULL, &b1), 0);
	assert_false(ext2fs_test_block_bitmap2(e->block_map, b0));
	/* The crash came in the middle of a flush: the staged inode's bit
	 * and its second block were written, its first block was not. */
	ext2fs_inode_alloc_stats2(e, sin, +1, 0);
	ext2fs_block_alloc_stats2(e, b1, +1);
	assert_int_equal(ext2fs_new_inode(e, EXT2_ROOT_INO, LINUX_S_IFREG | 0644, NULL, &taken), 0);
	inode.i_mode = LINUX_S_IFREG | 0644;
	inode.i_links_count = 1;
	inode.i_flags = EXT4_EXTENTS_FL;
	{
		ext2_extent_handle_t h;

		assert_int_equal(ext2fs_extent_open2(e, taken, &inode, &h), 0);
		ext2fs_extent_free(h);
	}
	assert_int_equal(ext2fs_write_new_inode(e, taken, &inode), 0);
	assert_int_equal(ext2fs_bmap2(e, taken, NULL, NULL, BMAP_SET, 0, NULL, &b0), 0);
	ext2fs_block_alloc_stats2(e, b0, +1);
	ext2fs_inode_alloc_stats2(e, taken, +1, 0);
	assert_int_equal(ext2fs_link(e, EXT2_ROOT_INO, "taken", taken, EXT2_FT_REG_FILE), 0);
	assert_int_equal(ivg_e2fs_close(ctx, e, "close"), 0);

	/* The next write: the staged file goes, the taken block stays. */
	fs = open_rw(x);
	assert_int_equal(opp_fs_reclaim(ctx, fs, &w), 0);
	assert_int_equal(w.staged, 1);
	assert_int_equal(opp_fs_close(ctx, fs), 0);
	assert_int_equal(ivg_e2fs_open(ctx, x->io, 0, &e), 0);
	assert_int_equal(ext2fs_read_bitmaps(e), 0);
	assert_true(ext2fs_test_block_bitmap2(e->block_map, b0));
	assert_false(ext2fs_test_block_bitmap2(e->block_map, b1));
	assert_false(ext2fs_test_inode_bitmap2(e->inode_map, sin));
	/* One block more in use than before: the other writer's. */
	assert_int_equal(ext2fs_free_blocks_count(e->super), free_before - 1);
	ext2fs_close_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(publish_rollback_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(staged_is_reclaimed, setup, teardown),
		cmocka_unit_test_setup_teardown(paths_stay_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(last_inode_of_a_group, setup, teardown),
		cmocka_unit_test_setup_teardown(crash_then_another_writer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
