/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_alloc.c - the extent allocator and the validation rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
	char want[64];

	assert_int_equal(vgfix_make(&f, 1, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "big", 10, NULL, 0, NULL),
			 -ENOSPC);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "not enough free space"));
	/* The free count is the VG's, not what the failed plan left. */
	snprintf(want, sizeof(want), "10 extents needed, %llu free",
		 (unsigned long long)f.vg->pvs[0]->pe_count);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), want));
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

/*
 * lvm2's raid0 lists images only, counted by stripe_count: validation
 * holds it to the format's rules, not to raid1's device_count.
 */
static void raid0_is_valid(void **state)
{
	struct vgfix f;
	struct ivg_lv *top, *img;
	struct ivg_seg *s;
	char name[32];

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	top = ivg_vg_add_lv(f.vg, "r0");
	assert_non_null(top);
	assert_int_equal(ivg_uuid_generate(top->id), 0);
	assert_int_equal(ivg_strvec_add_once(&top->status, "VISIBLE"), 0);
	s = ivg_lv_add_seg(top, "raid0", 2);
	assert_non_null(s);
	assert_int_equal(s->stripe_count, 2);
	assert_int_equal(s->device_count, 0);
	s->extent_count = 4;
	s->stripe_size = 128;
	for (int k = 0; k < 2; k++) {
		struct ivg_seg *ls;

		snprintf(name, sizeof(name), "r0_rimage_%d", k);
		img = ivg_vg_add_lv(f.vg, name);
		assert_non_null(img);
		assert_int_equal(ivg_uuid_generate(img->id), 0);
		ls = ivg_lv_add_seg(img, "striped", 1);
		assert_non_null(ls);
		ls->extent_count = 2;
		ls->areas[0].name = strdup(f.vg->pvs[k]->name);
		s = &ivg_vg_lv(f.vg, "r0")->segs[0];
		assert_int_equal(s->areas[k].type, IVG_AREA_RAID);
		s->areas[k].name = strdup(name);
	}
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), 0);
	/* The count is still the format's: one image too few. */
	s->stripe_count = 3;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f.ctx),
			       "LV r0: segment1: stripe_count is 3 but it lists 2 areas"));
	vgfix_free(&f);
}

/* Two LVs with one UUID: lvm2 reads them, ivg does not write them. */
static void lv_uuid_used_twice(void **state)
{
	struct vgfix f;
	struct ivg_lv *a, *b;

	assert_int_equal(vgfix_make(&f, 1, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "a", 1, NULL, 0, &a), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "b", 1, NULL, 0, &b), 0);
	assert_int_equal(ivg_vg_check_format(&f.ctx, f.vg), 0);
	memcpy(b->id, a->id, sizeof(a->id));
	assert_int_equal(ivg_vg_check_format(&f.ctx, f.vg), 0);
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -EEXIST);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "LVs a and b have the same UUID"));
	vgfix_free(&f);
}

/*
 * pe_count is read from the text: 2^32 - 1 on every PV costs no more than
 * a small PV (the map holds the used runs, not one byte per extent), and
 * a commit refuses extents beyond the device or the recorded dev_size.
 */
static void huge_pe_count_is_cheap(void **state)
{
	struct vgfix f;
	struct ivg_freemap *m;
	struct ivg_pv *legs[3];
	struct ivg_lv *lv;
	clock_t t0 = clock();

	assert_int_equal(vgfix_make(&f, 3, 40, 8192), 0);
	for (int i = 0; i < 3; i++) {
		legs[i] = f.vg->pvs[i];
		legs[i]->pe_count = UINT32_MAX;
	}
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "a", 5, NULL, 0, &lv), 0);
	assert_int_equal(ivg_lv_create_raid1(&f.ctx, f.vg, "r", 7, legs, 3, NULL), 0);
	/* pv0: a's 5 extents, then rmeta_0 (1) and rimage_0 (7) after them. */
	assert_int_equal(area(ivg_vg_lv(f.vg, "r_rmeta_0"), 0)->start, 5);
	assert_int_equal(area(ivg_vg_lv(f.vg, "r_rimage_0"), 0)->start, 6);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "big", 3000000000ULL,
					      NULL, 0, &lv), 0);
	assert_int_equal(ivg_freemap_build(&f.ctx, f.vg, &m), 0);
	assert_int_equal(ivg_freemap_pv_free(m, 0), UINT32_MAX - 13 - 3000000000ULL);
	assert_int_equal(ivg_freemap_total_free(m),
			 3ULL * UINT32_MAX - 13 - 2 * 8 - 3000000000ULL);
	ivg_freemap_free(m);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	/* Such a VG is not written: its extents end past the device. */
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -ERANGE);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "beyond its size"));
	f.vg->pvs[0]->dev_size = 0;
	f.vg->pvs[1]->dev_size = 0;
	f.vg->pvs[2]->dev_size = 0;
	assert_int_equal(ivg_vg_validate(&f.ctx, f.vg), -ERANGE);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "beyond the end of the device"));
	assert_non_null(strstr(ivg_errmsg(&f.ctx), f.path[0]));
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
		cmocka_unit_test(raid0_is_valid),
		cmocka_unit_test(lv_uuid_used_twice),
		cmocka_unit_test(huge_pe_count_is_cheap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
