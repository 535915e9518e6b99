/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_lvio.c - LV I/O through segment maps, raid1 legs, and mkfs on it. */
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

#define EXT (4ULL << 20)

static void fill(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)((i * 31 + seed) & 0xff);
}

/* A linear LV in two segments: bytes land where the map says. */
static void linear_two_segments(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv;
	struct ivg_lvio *io;
	size_t len = 2 * EXT;
	char *buf = malloc(len), *back = malloc(len), *raw = malloc(EXT);

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "pad", 7, NULL, 0, NULL), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "pad2", 7, NULL, 0, NULL), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "lv", 4, NULL, 0, &lv), 0);
	assert_int_equal(lv->seg_count, 2);   /* 2 left on pv0, 2 on pv1 */
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "lv", -1, &io), 0);
	assert_int_equal(ivg_lvio_size(io), 4 * EXT);
	fill(buf, len, 7);
	/* Straddle the segment boundary. */
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, io, buf, len, EXT), 0);
	assert_int_equal(ivg_lvio_pread(&f.ctx, io, back, len, EXT), 0);
	assert_memory_equal(buf, back, len);
	/* Second half landed at pv1's extent 7 (pe_start 1 MiB). */
	assert_int_equal(ivg_dev_pread(&f.ctx, f.dev[1], raw, EXT, (1 << 20) + 7 * EXT), 0);
	assert_memory_equal(raw, buf + EXT, EXT);
	assert_int_equal(ivg_lvio_pread(&f.ctx, io, back, 1, 4 * EXT), -ERANGE);
	{
		struct ivg_dev *d;
		uint64_t off;

		/* LE 3 is pv1's extent 8; a range across segments is refused. */
		assert_int_equal(ivg_lvio_map(&f.ctx, io, 3 * EXT + 512, 512, &d, &off), 0);
		assert_ptr_equal(d, f.dev[1]);
		assert_int_equal(off, (1 << 20) + 8 * EXT + 512);
		assert_int_equal(ivg_lvio_map(&f.ctx, io, 2 * EXT - 512, 1024, &d, &off),
				 -ERANGE);
	}
	ivg_lvio_close(io);
	free(buf);
	free(back);
	free(raw);
	vgfix_free(&f);
}

static void striped_mapping(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv;
	struct ivg_seg *seg;
	struct ivg_lvio *io;
	char *buf = malloc(EXT), *raw = malloc(64 * 1024);

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	/* Hand-made 2-stripe segment, 64 KiB stripes, as lvm2 writes them. */
	lv = ivg_vg_add_lv(f.vg, "st");
	ivg_uuid_generate(lv->id);
	ivg_strvec_add_once(&lv->status, "VISIBLE");
	seg = ivg_lv_add_seg(lv, "striped", 2);
	seg->extent_count = 2;
	seg->stripe_count = 2;
	seg->stripe_size = 128;
	for (int k = 0; k < 2; k++) {
		seg->areas[k].type = IVG_AREA_PV;
		seg->areas[k].name = strdup(k ? "pv1" : "pv0");
		seg->areas[k].start = 3;
	}
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "st", -1, &io), 0);
	fill(buf, EXT, 3);
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, io, buf, EXT, 0), 0);
	/* Chunk 3 (odd) is pv1's second chunk of its area. */
	assert_int_equal(ivg_dev_pread(&f.ctx, f.dev[1], raw, 65536,
				       (1 << 20) + 3 * EXT + 65536), 0);
	assert_memory_equal(raw, buf + 3 * 65536, 65536);
	ivg_lvio_close(io);
	free(buf);
	free(raw);
	vgfix_free(&f);
}

static void raid1_legs(void **state)
{
	struct vgfix f;
	struct ivg_pv *legs[3];
	struct ivg_lvio *io, *leg;
	char buf[8192], back[8192];

	assert_int_equal(vgfix_make(&f, 3, 40, 8192), 0);
	for (int i = 0; i < 3; i++)
		legs[i] = f.vg->pvs[i];
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "r", 2, legs, 3, NULL), 0);
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", -1, &io), 0);
	fill(buf, sizeof(buf), 1);
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, io, buf, sizeof(buf), 4096), 0);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", k, &leg), 0);
		memset(back, 0, sizeof(back));
		assert_int_equal(ivg_lvio_pread(&f.ctx, leg, back, sizeof(back), 4096), 0);
		assert_memory_equal(buf, back, sizeof(back));
		ivg_lvio_close(leg);
	}
	/* pv0 goes missing: any-leg reads still work, leg 0 and writes do not. */
	f.vg->pvs[0]->dev = NULL;
	assert_int_equal(ivg_lvio_pread(&f.ctx, io, back, sizeof(back), 4096), 0);
	assert_memory_equal(buf, back, sizeof(back));
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", 0, &leg), 0);
	assert_int_equal(ivg_lvio_pread(&f.ctx, leg, back, 512, 0), -ENODEV);
	ivg_lvio_close(leg);
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, io, buf, 512, 0), -ENXIO);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "missing"));
	f.vg->pvs[0]->dev = f.dev[0];
	ivg_lvio_close(io);
	vgfix_free(&f);
}

/* mkfs through the raid1 LV; every leg alone holds the filesystem. */
static void mkfs_on_raid1(void **state)
{
	struct vgfix f;
	struct ivg_pv *legs[2];
	struct ivg_lvio *io;
	ext2_filsys fs;
	ext2_ino_t ino;

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	legs[0] = f.vg->pvs[0];
	legs[1] = f.vg->pvs[1];
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "boot", 4, legs, 2, NULL), 0);
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "boot", -1, &io), 0);
	assert_int_equal(ivg_mkfs(&f.ctx, io, IVG_FS_EXT4, "t"), 0);
	assert_int_equal(ivg_e2fs_open(&f.ctx, io, EXT2_FLAG_RW, &fs), 0);
	assert_int_equal(ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "hello"), 0);
	assert_int_equal(ivg_e2fs_close(&f.ctx, fs, "close"), 0);
	ivg_lvio_close(io);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "boot", k, &io), 0);
		assert_int_equal(ivg_e2fs_open(&f.ctx, io, 0, &fs), 0);
		assert_int_equal(ext2fs_lookup(fs, EXT2_ROOT_INO, "hello", 5, NULL, &ino), 0);
		assert_true(ext2fs_has_feature_metadata_csum(fs->super));
		assert_int_equal(ivg_e2fs_close(&f.ctx, fs, "close"), 0);
		ivg_lvio_close(io);
	}
	vgfix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linear_two_segments),
		cmocka_unit_test(striped_mapping),
		cmocka_unit_test(raid1_legs),
		cmocka_unit_test(mkfs_on_raid1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
