/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_e2fs.c - ivg_e2fs_size_for: an LV of the size it names, formatted
 * by ivg_mkfs, has room for the blocks and inodes asked for (libext2fs's
 * own free counts judge), and is not wastefully larger.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include "alloc.h"
#include "e2fs.h"
#include "lvio.h"
#include "vgfix.h"

#define MIB (1ULL << 20)

/* Format an LV of exactly 'bytes' (1 MiB extents) and report its room. */
static void room_of(uint64_t bytes, uint64_t *free_bytes, uint64_t *free_inodes)
{
	struct vgfix f;
	struct ivg_pv *pvs[1];
	struct ivg_lvio *io;
	ext2_filsys fs;

	assert_int_equal(vgfix_make(&f, 1, bytes / MIB + 8, 2048), 0);
	pvs[0] = f.vg->pvs[0];
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "root", bytes / MIB,
					      pvs, 1, NULL), 0);
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "root", -1, &io), 0);
	assert_int_equal(ivg_lvio_size(io), bytes);
	assert_int_equal(ivg_mkfs(&f.ctx, io, IVG_FS_EXT4, "root"), 0);
	assert_int_equal(ivg_e2fs_open(&f.ctx, io, 0, &fs), 0);
	*free_bytes = ext2fs_free_blocks_count(fs->super) * fs->blocksize;
	*free_inodes = fs->super->s_free_inodes_count;
	assert_int_equal(ivg_e2fs_close(&f.ctx, fs, "close"), 0);
	ivg_lvio_close(io);
	vgfix_free(&f);
}

static void check(uint64_t data, uint64_t files)
{
	uint64_t size = ivg_e2fs_size_for(data, files), room, inodes;

	assert_int_equal(size % MIB, 0);
	room_of(size, &room, &inodes);
	assert_true(room >= data);
	assert_true(inodes >= files);
	/* Not much more than needed: 8% and 80 MiB at most. */
	assert_true(size <= data + data / 12 + 80 * MIB || files * 16384 + 2 * MIB >= size);
}

/* Both block sizes (1 KiB below 512 MiB) and journal steps. */
static void blocks_bound(void **state)
{
	(void)state;
	check(10 * MIB, 100);
	check(300 * MIB, 2000);
	check(700 * MIB, 5000);
}

/* Many small files: the inodes decide. */
static void inodes_bound(void **state)
{
	(void)state;
	check(4 * MIB, 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_bound),
		cmocka_unit_test(inodes_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
