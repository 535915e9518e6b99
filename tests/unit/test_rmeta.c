/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_rmeta.c - raid1 legs in sync or not (rmeta.h): dm-raid's
 * superblock read as dm-raid reads it, ivg's marks, the parallel writes
 * under them, and the resync of marked legs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "alloc.h"
#include "le.h"
#include "lvio.h"
#include "resync.h"
#include "rmeta.h"
#include "vgfix.h"

/* A dm-raid superblock as dm-raid writes it (drivers/md/dm-raid.c). */
static void dm_sb(uint8_t *sb, uint32_t ndev, uint32_t pos, uint64_t events,
		  uint64_t failed, uint64_t recovery, uint64_t resync)
{
	memset(sb, 0, 512);
	put32(sb, IVG_DMRAID_MAGIC);
	put32(sb + 4, 1);             /* FEATURE_FLAG_SUPPORTS_V190 */
	put32(sb + 8, ndev);
	put32(sb + 12, pos);
	put64(sb + 16, events);
	put64(sb + 24, failed);
	put64(sb + 32, recovery);
	put64(sb + 40, resync);
	put32(sb + 48, 1);            /* level */
}

static void put_rmeta(struct vgfix *f, const char *lv, size_t k, const uint8_t *sb)
{
	char name[64];
	struct ivg_lvio *io;

	snprintf(name, sizeof(name), "%s_rmeta_%zu", lv, k);
	assert_int_equal(ivg_lvio_open(&f->ctx, f->vg, name, -1, &io), 0);
	assert_int_equal(ivg_lvio_pwrite(&f->ctx, io, sb, 512, 0), 0);
	ivg_lvio_close(io);
}

static void get_rmeta(struct vgfix *f, const char *lv, size_t k, uint8_t *sb)
{
	char name[64];
	struct ivg_lvio *io;

	snprintf(name, sizeof(name), "%s_rmeta_%zu", lv, k);
	assert_int_equal(ivg_lvio_open(&f->ctx, f->vg, name, -1, &io), 0);
	assert_int_equal(ivg_lvio_pread(&f->ctx, io, sb, 512, 0), 0);
	ivg_lvio_close(io);
}

static struct ivg_lv *three_legs(struct vgfix *f)
{
	struct ivg_pv *legs[3];
	struct ivg_lv *lv;

	assert_int_equal(vgfix_make(f, 3, 40, 8192), 0);
	for (int i = 0; i < 3; i++)
		legs[i] = f->vg->pvs[i];
	assert_int_equal(ivg_lv_create_raid1(&f->ctx, f->vg, "r", 2, legs, 3, &lv), 0);
	return lv;
}

/* dm-raid's view: recovering, failed in the freshest, a resyncing array. */
static void dmraid_states(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv = three_legs(&f);
	struct ivg_rmeta m;
	uint8_t sb[512];

	/* Leg 1 recovering; leg 2 failed in the freshest (leg 0, events 9). */
	dm_sb(sb, 3, 0, 9, 1 << 2, UINT64_MAX, UINT64_MAX);
	put_rmeta(&f, "r", 0, sb);
	dm_sb(sb, 3, 1, 9, 0, 1234, UINT64_MAX);
	put_rmeta(&f, "r", 1, sb);
	dm_sb(sb, 3, 2, 7, 0, UINT64_MAX, UINT64_MAX);
	put_rmeta(&f, "r", 2, sb);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_true(m.dmraid);
	assert_int_equal(m.freshest, 0);
	assert_true(m.leg[0].in_sync);
	assert_false(m.leg[1].in_sync);
	assert_false(m.leg[2].in_sync);
	assert_string_equal(ivg_rmeta_state(&m.leg[1]), "out of sync");
	assert_int_equal(ivg_rmeta_authority(&m), 0);

	/* An array resyncing: only the first in-sync leg holds. */
	dm_sb(sb, 3, 0, 9, 0, UINT64_MAX, 4096);
	put_rmeta(&f, "r", 0, sb);
	dm_sb(sb, 3, 2, 7, 0, UINT64_MAX, UINT64_MAX);
	put_rmeta(&f, "r", 2, sb);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_true(m.leg[0].in_sync);
	assert_false(m.leg[2].in_sync);

	/* A leg without a superblock among legs with one: a new device. */
	memset(sb, 0, sizeof(sb));
	put_rmeta(&f, "r", 1, sb);
	dm_sb(sb, 3, 0, 9, 0, UINT64_MAX, UINT64_MAX);
	put_rmeta(&f, "r", 0, sb);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_int_equal(m.leg[1].kind, IVG_RMETA_ZERO);
	assert_false(m.leg[1].in_sync);
	assert_true(m.leg[2].in_sync);

	/* REBUILD on an rimage: out of sync whatever the rmeta says. */
	ivg_strvec_add_once(&ivg_vg_lv(f.vg, "r_rimage_2")->status, "REBUILD");
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_false(m.leg[2].in_sync);
	assert_string_equal(ivg_rmeta_state(&m.leg[2]), "rebuild");
	vgfix_free(&f);
}

/* Marks with dm-raid superblocks: disk_recovery_offset, failed bits. */
static void dmraid_marks(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv = three_legs(&f);
	struct ivg_rmeta m;
	uint8_t sb[512];

	for (uint32_t k = 0; k < 3; k++) {
		dm_sb(sb, 3, k, 5, 1 << 1, UINT64_MAX, UINT64_MAX);
		put_rmeta(&f, "r", k, sb);
	}
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_false(m.leg[1].in_sync);     /* failed in the freshest */
	assert_int_equal(ivg_rmeta_mark(&f.ctx, f.vg, &m, 1 << 1 | 1 << 2), 0);
	for (size_t k = 0; k < 3; k++) {
		get_rmeta(&f, "r", k, sb);
		assert_int_equal(get32(sb), IVG_DMRAID_MAGIC);
		/* No failed bit left: dm-raid recovers in full, not by bitmap. */
		assert_int_equal(get64(sb + 24), 0);
		assert_int_equal(get64(sb + 32), k ? 0 : UINT64_MAX);
		assert_int_equal(get32(sb + 12), k);
		assert_int_equal(get64(sb + 16), 5);
	}
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_false(m.leg[1].in_sync || m.leg[2].in_sync);
	assert_int_equal(ivg_rmeta_clear(&f.ctx, f.vg, &m, 1 << 1 | 1 << 2), 0);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	for (size_t k = 0; k < 3; k++) {
		assert_true(m.leg[k].in_sync);
		assert_int_equal(m.leg[k].recovery, UINT64_MAX);
	}
	vgfix_free(&f);
}

/* Without superblocks: ivg's own mark, which dm-raid takes for none. */
static void ivg_marks(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv = three_legs(&f);
	struct ivg_rmeta m;
	uint8_t sb[512];

	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_false(m.dmraid);
	assert_int_equal(ivg_rmeta_mark(&f.ctx, f.vg, &m, 1 << 2), 0);
	get_rmeta(&f, "r", 2, sb);
	assert_memory_equal(sb, "IvgStale", 8);
	assert_int_not_equal(get32(sb), IVG_DMRAID_MAGIC);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_int_equal(m.leg[2].kind, IVG_RMETA_IVG);
	assert_false(m.leg[2].in_sync);
	/* Another LV's mark, or garbage, is no mark of this leg. */
	sb[20] ^= 1;
	put_rmeta(&f, "r", 2, sb);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_int_equal(m.leg[2].kind, IVG_RMETA_OTHER);
	assert_true(m.leg[2].in_sync);
	assert_int_equal(ivg_rmeta_mark(&f.ctx, f.vg, &m, 1 << 2), 0);
	assert_int_equal(ivg_rmeta_clear(&f.ctx, f.vg, &m, 1 << 2), 0);
	get_rmeta(&f, "r", 2, sb);
	for (size_t i = 0; i < sizeof(sb); i++)
		assert_int_equal(sb[i], 0);
	vgfix_free(&f);
}

/* A crash between marking and clearing: reads come from leg 0 only, and
 * a resync makes the legs alike again. */
static void crash_then_resync(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv = three_legs(&f);
	struct ivg_lvio *io, *leg;
	struct ivg_rmeta m;
	char a[8192], b[8192], back[8192];
	uint64_t copied = 0;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", -1, &io), 0);
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, io, a, sizeof(a), 0), 0);
	/* No sync: legs 1 and 2 stay marked. Leg 2 gets other bytes, as
	 * a torn write would leave them. */
	ivg_lvio_close(io);
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r_rimage_2", -1, &leg), 0);
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, leg, b, sizeof(b), 0), 0);
	ivg_lvio_close(leg);
	/* Leg 0 vanishes: no leg in sync is there, nothing is read. */
	f.vg->pvs[0]->dev = NULL;
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", -1, &io), 0);
	assert_int_equal(ivg_lvio_pread(&f.ctx, io, back, sizeof(back), 0), -ENODEV);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "in sync"));
	ivg_lvio_close(io);
	f.vg->pvs[0]->dev = f.dev[0];
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_int_equal(ivg_raid1_stale_legs(&m), 1 << 1 | 1 << 2);
	assert_int_equal(ivg_raid1_resync(&f.ctx, f.vg, lv, ivg_raid1_stale_legs(&m),
					  NULL, NULL, &copied), 0);
	/* Leg 1 was right already; leg 2's first chunk was rewritten. */
	assert_int_equal(copied, 4 << 20);
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_int_equal(ivg_raid1_stale_legs(&m), 0);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", k, &leg), 0);
		assert_int_equal(ivg_lvio_pread(&f.ctx, leg, back, sizeof(back), 0), 0);
		assert_memory_equal(back, a, sizeof(a));
		ivg_lvio_close(leg);
	}
	vgfix_free(&f);
}

/* Every write and sync is a fault point; a failed one leaves the marks. */
static void fault_keeps_marks(void **state)
{
	struct vgfix f;
	struct ivg_lv *lv = three_legs(&f);
	struct ivg_fault fault = { .mode = IVG_FAULT_FAIL };
	struct ivg_lvio *io;
	struct ivg_rmeta m;
	char a[8192];

	memset(a, 'a', sizeof(a));
	f.ctx.fault = &fault;
	/* Two marks and two syncs, then leg 0's write, then leg 1's. */
	fault.at = 6;
	assert_int_equal(ivg_lvio_open(&f.ctx, f.vg, "r", -1, &io), 0);
	assert_int_equal(ivg_lvio_pwrite(&f.ctx, io, a, sizeof(a), 0), -EIO);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "injected"));
	ivg_lvio_close(io);
	f.ctx.fault = NULL;
	assert_int_equal(ivg_rmeta_read(&f.ctx, f.vg, lv, &m), 0);
	assert_int_equal(ivg_rmeta_authority(&m), 0);
	assert_int_equal(ivg_raid1_stale_legs(&m), 1 << 1 | 1 << 2);
	vgfix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dmraid_states),
		cmocka_unit_test(dmraid_marks),
		cmocka_unit_test(ivg_marks),
		cmocka_unit_test(crash_then_resync),
		cmocka_unit_test(fault_keeps_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
