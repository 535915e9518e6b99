/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_activate.c - dm names, UUIDs and tables as lvm2 makes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sysmacros.h>

#include <cmocka.h>
#include <errno.h>

#include "activate.h"
#include "alloc.h"
#include "vgfix.h"

static void names(void **state)
{
	char out[64];

	assert_int_equal(ivg_dm_name("vg", "lv", out, sizeof(out)), 0);
	assert_string_equal(out, "vg-lv");
	assert_int_equal(ivg_dm_name("my-vg", "boot-lv_rimage_0", out, sizeof(out)), 0);
	assert_string_equal(out, "my--vg-boot--lv_rimage_0");
	assert_int_equal(ivg_dm_name("a", "bbbbbbbbbb", out, 8), -ENAMETOOLONG);
}

/* Pretend the fixture's PVs are block devices 7:N at a 66 MiB window. */
static void as_block_devices(struct vgfix *f)
{
	for (size_t i = 0; i < f->n; i++) {
		f->dev[i]->is_blockdev = true;
		f->dev[i]->st_dev = makedev(7, (unsigned)i);
		f->dev[i]->base = 66ULL << 20;
	}
}

static int fake_sub(void *arg, const struct ivg_lv *sub, char *mm, size_t len)
{
	int *next = arg;

	snprintf(mm, len, "253:%d", (*next)++);
	return strstr(sub->name, "_1") ? -ENOENT : 0;   /* leg 1 missing */
}

static void tables(void **state)
{
	struct vgfix f;
	struct ivg_pv *legs[2];
	struct ivg_dm_target *t;
	struct ivg_lv *lv;
	char uuid[IVG_DM_UUID_LEN + 1];
	size_t n;
	int next = 0;

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	as_block_devices(&f);
	legs[0] = f.vg->pvs[0];
	legs[1] = f.vg->pvs[1];
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "boot", 2, legs, 2, &lv), 0);
	assert_int_equal(ivg_dm_table(&f.ctx, f.vg, lv, false, fake_sub, &next, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].type, "raid");
	assert_int_equal(t[0].len, 2 * 8192);
	/* A leg whose sub-LVs are not active is "- -", as lvm2 writes it. */
	assert_string_equal(t[0].params, "raid1 3 0 region_size 4096 2 253:0 253:1 - -");
	free(t);

	/* Read-only, the mirror is its first leg that is there, linearly. */
	next = 7;
	assert_int_equal(ivg_dm_table(&f.ctx, f.vg, lv, true, fake_sub, &next, &t, &n), 0);
	assert_string_equal(t[0].type, "linear");
	assert_string_equal(t[0].params, "253:7 0");
	free(t);
	next = 0;

	/* rimage_0 sits at extent 1 of pv0: 66 MiB + 1 MiB + 4 MiB in sectors. */
	lv = ivg_vg_lv(f.vg, "boot_rimage_0");
	assert_int_equal(ivg_dm_table(&f.ctx, f.vg, lv, false, fake_sub, &next, &t, &n), 0);
	assert_string_equal(t[0].type, "linear");
	assert_string_equal(t[0].params, "7:0 145408");
	free(t);

	ivg_dm_uuid(f.vg, lv, uuid);
	assert_int_equal(strlen(uuid), IVG_DM_UUID_LEN);
	assert_memory_equal(uuid, "LVM-", 4);
	assert_memory_equal(uuid + 4, f.vg->id, 32);
	assert_memory_equal(uuid + 36, lv->id, 32);

	/* Image files cannot be mapped. */
	f.dev[0]->is_blockdev = false;
	assert_int_equal(ivg_dm_table(&f.ctx, f.vg, lv, false, fake_sub, &next, &t, &n), -ENOTBLK);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "not a block device"));
	f.dev[0]->is_blockdev = true;
	vgfix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
