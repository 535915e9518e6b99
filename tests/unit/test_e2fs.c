/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_e2fs.c - ivg_e2fs_size_for: an LV of the size it names, formatted
 * by ivg_mkfs, has room for the blocks and inodes asked for (libext2fs's
 * own free counts judge), and is not wastefully larger. ivg_e2fs_build
 * on an image file, as mke2fs would make it and with the boot image's
 * flags: e2fsck clean either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* An ext2 of 8 MiB built in a new sparse file; lost+found's size and
 * e2fsck's verdict. */
static void build_in_file(unsigned flags, const char *label, uint64_t lf_size)
{
	char img[] = "/tmp/ivg-e2fs-XXXXXX", cmd[128];
	struct ext2_super_block param = { 0 };
	struct ext2_inode inode;
	ext2_filsys fs;
	ext2_ino_t lf;
	int fd = mkstemp(img);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 8 * MIB), 0);
	close(fd);
	param.s_rev_level = EXT2_DYNAMIC_REV;
	param.s_log_block_size = param.s_log_cluster_size = 2;
	ext2fs_blocks_count_set(&param, 8 * MIB / 4096);
	param.s_inodes_count = 512;
	param.s_inode_size = 256;
	ext2fs_set_feature_filetype(&param);
	assert_int_equal(ext2fs_initialize(img, EXT2_FLAG_64BITS, &param,
					   unix_io_manager, &fs), 0);
	assert_int_equal(ivg_e2fs_build(fs, label, flags), 0);
	assert_string_equal((char *)fs->super->s_volume_name, label);
	assert_int_equal(ext2fs_lookup(fs, EXT2_ROOT_INO, "lost+found", 10, NULL, &lf), 0);
	assert_int_equal(ext2fs_read_inode(fs, lf, &inode), 0);
	assert_int_equal(EXT2_I_SIZE(&inode), lf_size);
	assert_int_equal(ext2fs_close_free(&fs), 0);
	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >/dev/null 2>&1", img);
	assert_int_equal(system(cmd), 0);
	unlink(img);
}

static void build_flags(void **state)
{
	(void)state;
	build_in_file(0, "asmke2fs", 16384);
	build_in_file(IVG_E2FS_ZEROED | IVG_E2FS_SMALL_LOST_FOUND, "ivg-boot", 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_bound),
		cmocka_unit_test(inodes_bound),
		cmocka_unit_test(build_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
