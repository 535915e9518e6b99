/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_alloc.c - the extent allocator and the validation rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "alloc.h"
#include "validate.h"
#include "vgfix.h"

static const struct ivg_area *area(const struct ivg_lv *lv, size_t s)
{
	return &lv->segs[s].areas[0];
}

static void contiguous_first(void **state)
{
	struct vgfix f;
	struct ivg_lv *a, *b;

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0); /* 9 extents each */
	assert_int_equal(f.vg->pvs[0]->pe_count, 9);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "a", 5, NULL, 0, &a), 0);
	assert_int_equal(a->seg_count, 1);
	assert_string_equal(area(a, 0)->name, "pv0");
	assert_int_equal(area(a, 0)->start, 0);
	/* 6 does not fit in pv0's 4 free extents: all of it goes to pv1. */
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "b", 6, NULL, 0, &b), 0);
	assert_int_equal(b->seg_count, 1);
	assert_string_equal(area(b, 0)->name, "pv1");
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), 0);
	vgfix_free(&f);
}

static void splits_largest_first(void **state)
{
	struct vgfix f;
	struct ivg_lv *a, *c;

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "a", 3, NULL, 0, &a), 0);
	/* 15 extents: pv1's 9, then pv0's remaining 6. */
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "c", 15, NULL, 0, &c), 0);
	assert_int_equal(c->seg_count, 2);
	assert_string_equal(area(c, 0)->name, "pv1");
	assert_int_equal(c->segs[0].extent_count, 9);
	assert_string_equal(area(c, 1)->name, "pv0");
	assert_int_equal(area(c, 1)->start, 3);
	assert_int_equal(c->segs[1].start_extent, 9);
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), 0);
	vgfix_free(&f);
}

static void no_space_leaves_vg_unchanged(void **state)
{
	struct vgfix f;

	assert_int_equal(vgfix_make(&f, 1, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "big", 10, NULL, 0, NULL),
			 -ENOSPC);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "not enough free space"));
	assert_int_equal(f.vg->lv_count, 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "bad/name", 1, NULL, 0, NULL),
			 -EINVAL);
	assert_int_equal(f.vg->lv_count, 0);
	vgfix_free(&f);
}

static void raid1_layout(void **state)
{
	struct vgfix f;
	struct ivg_pv *legs[3];
	struct ivg_lv *lv;

	assert_int_equal(vgfix_make(&f, 3, 40, 8192), 0);
	for (int i = 0; i < 3; i++)
		legs[i] = f.vg->pvs[i];
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "bootlv", 4, legs, 3, &lv), 0);
	assert_string_equal(lv->segs[0].type, "raid1");
	assert_int_equal(lv->segs[0].device_count, 3);
	assert_int_equal(f.vg->lv_count, 7);
	for (int k = 0; k < 3; k++) {
		char n[64];
		struct ivg_lv *m, *img;

		snprintf(n, sizeof(n), "bootlv_rmeta_%d", k);
		m = ivg_vg_lv(f.vg, n);
		snprintf(n, sizeof(n), "bootlv_rimage_%d", k);
		img = ivg_vg_lv(f.vg, n);
		assert_non_null(m);
		assert_non_null(img);
		assert_false(ivg_lv_visible(m));
		assert_false(ivg_lv_visible(img));
		/* rmeta at the first free extent, rimage right after it. */
		assert_string_equal(area(m, 0)->name, f.vg->pvs[k]->name);
		assert_int_equal(area(m, 0)->start, 0);
		assert_int_equal(area(img, 0)->start, 1);
		assert_int_equal(ivg_lv_extents(img), 4);
	}
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), 0);
	/* Two legs on one PV are refused, and nothing is added. */
	legs[1] = legs[0];
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "x", 1, legs, 2, NULL), -EINVAL);
	assert_int_equal(f.vg->lv_count, 7);
	vgfix_free(&f);
}

/* The last level-0 message (a warning) the library logged. */
static char warned[IVG_ERRMSG_MAX];

static void keep_warning(struct ivg_ctx *ctx, int level, const char *msg)
{
	if (level == 0)
		snprintf(warned, sizeof(warned), "%s", msg);
}

/* The mistakes stock vgck lets through. */
static void validation_catches_vgck_gaps(void **state)
{
	struct vgfix f;
	struct ivg_pv *legs[2];
	struct ivg_lv *img;

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	legs[0] = f.vg->pvs[0];
	legs[1] = f.vg->pvs[1];
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "r", 2, legs, 2, NULL), 0);

	/* LV longer than its raid images. */
	ivg_vg_lv(f.vg, "r")->segs[0].extent_count = 3;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "its image"));
	ivg_vg_lv(f.vg, "r")->segs[0].extent_count = 2;

	/* Two legs on one PV: lvm2 accepts it, so a warning, not a refusal. */
	img = ivg_vg_lv(f.vg, "r_rimage_1");
	free(img->segs[0].areas[0].name);
	img->segs[0].areas[0].name = strdup("pv0");
	img->segs[0].areas[0].start = 6;
	warned[0] = 0;
	f.ctx.log = keep_warning;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), 0);
	assert_string_equal(warned, "VG fixvg: LV r has two legs on PV pv0: losing that PV loses both");
	f.ctx.log = NULL;

	/* PE beyond pe_count. */
	img->segs[0].areas[0].start = 8;
	free(img->segs[0].areas[0].name);
	img->segs[0].areas[0].name = strdup("pv1");
	assert_int_not_equal(ivg_vg_validate(&f.ctx, f.vg), 0);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "has only"));
	img->segs[0].areas[0].start = 1;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), 0);

	/* Unaligned pe_start. */
	f.vg->pvs[1]->pe_start = 2049;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "not aligned"));
	f.vg->pvs[1]->pe_start = 2048;

	/* Overlapping extents. */
	img->segs[0].areas[0].start = 0;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -EEXIST);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "allocated twice"));
	vgfix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contiguous_first),
		cmocka_unit_test(splits_largest_first),
		cmocka_unit_test(no_space_leaves_vg_unchanged),
		cmocka_unit_test(raid1_layout),
		cmocka_unit_test(validation_catches_vgck_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
