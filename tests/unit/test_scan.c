/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_scan.c - a scan over damaged disks: a label that points past the
 * device, an area whose offset wraps, a header that claims a huge text,
 * metadata inside the extents, two VGs of one name. The damaged disk is
 * recorded with a message naming it; the scan, and the other VG, go on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "alloc.h"
#include "mda.h"
#include "scan.h"
#include "vgfix.h"
#include "vgio.h"

#define MIB (1024ULL * 1024)

/* A committed VG 'name' on one 40 MiB PV. */
static void one_pv_vg(struct vgfix *f, const char *name)
{
	assert_int_equal(vgfix_make(f, 1, 40, 8192), 0);
	free(f->vg->name);
	f->vg->name = strdup(name);
	assert_int_equal(ivg_lv_create_linear(&f->ctx, f->vg, "a", 2, NULL, 0, NULL), 0);
	assert_int_equal(ivg_vg_commit(&f->ctx, f->vg), 0);
}

/* Rewrite the label of the fixture's PV with its area k moved. */
static void move_mda(struct vgfix *f, size_t k, uint64_t offset,
		     uint64_t size)
{
	f->label[0].mda[k].offset = offset;
	f->label[0].mda[k].size = size;
	assert_int_equal(ivg_label_write(&f->ctx, f->dev[0], &f->label[0]), 0);
}

static struct ivg_scan *scan2(struct ivg_ctx *ctx, char *a, char *b)
{
	char *paths[2] = { a, b };
	struct ivg_scan *s = NULL;

	assert_int_equal(ivg_scan_devices(ctx, paths, 2, false, &s), 0);
	return s;
}

/* Device i of s has its only area damaged, for 'why', named in the message. */
static void assert_bad_area(const struct ivg_scan *s, size_t i,
			    const char *why)
{
	const struct ivg_scan_pv *p = &s->pvs[i];
	const char *msg = ivg_scan_trouble(p, false);

	assert_int_equal(p->err, 0);
	assert_true(p->has_label);
	assert_int_equal(p->mda[0].err, -EILSEQ);
	assert_non_null(msg);
	if (!strstr(msg, p->path) || !strstr(msg, why))
		fail_msg("message \"%s\" lacks \"%s\" or the device", msg, why);
}

/* The other VG opens as if the damaged disk were not there. */
static void assert_vg_fine(struct ivg_ctx *ctx, struct ivg_scan *s,
			   const char *name)
{
	struct ivg_vgh *h = NULL;

	assert_int_equal(ivg_vg_open(ctx, s, name, &h), 0);
	assert_int_equal(h->problems.n, 0);
	assert_int_equal(h->missing, 0);
	assert_non_null(ivg_vg_lv(h->vg, "a"));
	ivg_vg_close(h);
}

/* Issue #17: an area offset past the end made every scan "out of memory". */
static void area_past_the_end(void **state)
{
	struct vgfix good, bad;
	struct ivg_scan *s;

	one_pv_vg(&good, "goodvg");
	one_pv_vg(&bad, "badvg");
	move_mda(&bad, 0, 1ULL << 40, IVG_MDA_SIZE);
	for (int order = 0; order < 2; order++) {
		s = order ? scan2(&good.ctx, bad.path[0], good.path[0])
			  : scan2(&good.ctx, good.path[0], bad.path[0]);
		assert_bad_area(s, order ? 0 : 1, "runs past the end of the device");
		assert_vg_fine(&good.ctx, s, "goodvg");
		assert_null(ivg_scan_trouble(&s->pvs[order ? 1 : 0], true));
		ivg_scan_free(s);
	}
	/* An offset whose end wraps around 2^64. */
	move_mda(&bad, 0, UINT64_MAX - 4095, IVG_MDA_SIZE);
	s = scan2(&good.ctx, good.path[0], bad.path[0]);
	assert_bad_area(s, 1, "runs past the end of the device");
	assert_vg_fine(&good.ctx, s, "goodvg");
	ivg_scan_free(s);
	/* An area that starts on the label. */
	move_mda(&bad, 0, 512, IVG_MDA_SIZE);
	s = scan2(&good.ctx, good.path[0], bad.path[0]);
	assert_bad_area(s, 1, "overlaps the label sectors");
	ivg_scan_free(s);
	vgfix_free(&good);
	vgfix_free(&bad);
}

/*
 * A header that claims a text of 30 MiB: read by itself, into a buffer
 * of its size, not into the round that reads every disk's areas; its
 * checksum is wrong, which is all that is wrong.
 */
static void huge_text_claimed(void **state)
{
	struct vgfix good, bad;
	struct ivg_mda_header h;
	uint8_t sec[IVG_MDA_HEADER_SIZE];
	struct ivg_scan *s;

	one_pv_vg(&good, "goodvg");
	assert_int_equal(vgfix_make(&bad, 1, 40, 8192), 0);
	/* Area of 32 MiB at 4 KiB; the data area after it. */
	bad.label[0].data.offset = 36 * MIB;
	move_mda(&bad, 0, IVG_MDA_START, 32 * MIB);
	assert_int_equal(ivg_mda_init(&bad.ctx, bad.dev[0], IVG_MDA_START, 32 * MIB), 0);
	assert_int_equal(ivg_mda_read(&bad.ctx, bad.dev[0], IVG_MDA_START, 32 * MIB, &h), 0);
	h.slot[0] = (struct ivg_raw_locn){ .offset = 512, .size = 30 * MIB,
					   .checksum = 1 };
	ivg_mda_header_encode(&h, sec);
	assert_int_equal(ivg_dev_pwrite(&bad.ctx, bad.dev[0], sec, sizeof(sec),
					IVG_MDA_START), 0);
	s = scan2(&good.ctx, bad.path[0], good.path[0]);
	assert_bad_area(s, 0, "bad checksum");
	assert_vg_fine(&good.ctx, s, "goodvg");
	ivg_scan_free(s);
	vgfix_free(&good);
	vgfix_free(&bad);
}

/* A PV whose extents start at 0 cover its metadata area: never written. */
static void area_inside_extents(void **state)
{
	struct vgfix f;
	struct ivg_scan *s;
	struct ivg_vgh *h = NULL;
	char *paths[1];

	assert_int_equal(vgfix_make(&f, 1, 40, 8192), 0);
	f.vg->pvs[0]->pe_start = 0;
	assert_int_equal(ivg_vg_commit(&f.ctx, f.vg), 0);
	paths[0] = f.path[0];
	assert_int_equal(ivg_scan_devices(&f.ctx, paths, 1, false, &s), 0);
	assert_int_equal(ivg_vg_open(&f.ctx, s, "fixvg", &h), 0);
	assert_int_equal(h->problems.n, 1);
	assert_non_null(strstr(h->problems.v[0], "metadata area 1"));
	assert_non_null(strstr(h->problems.v[0], "inside its extents"));
	assert_int_equal(ivg_vg_reopen_rw(&f.ctx, h), -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "would overwrite LV data"));
	ivg_vg_close(h);
	ivg_scan_free(s);
	vgfix_free(&f);
}

/* Two VGs called the same: both found, neither guessed. */
static void same_name_twice(void **state)
{
	struct vgfix a, b;
	struct ivg_scan *s;
	struct ivg_vgh *h = NULL;
	char ids[2][IVG_UUID_LEN + 1], u[IVG_UUID_LEN + 7];

	one_pv_vg(&a, "twin");
	one_pv_vg(&b, "twin");
	s = scan2(&a.ctx, a.path[0], b.path[0]);
	assert_int_equal(ivg_scan_vgids(s, "twin", ids, 2), 2);
	assert_string_equal(ids[0], a.vg->id);
	assert_string_equal(ids[1], b.vg->id);
	assert_int_equal(ivg_scan_vgids(s, "twin", NULL, 0), 2);
	assert_int_equal(ivg_vg_open(&a.ctx, s, "twin", &h), -ENOTUNIQ);
	ivg_uuid_format(a.vg->id, u);
	assert_non_null(strstr(ivg_errmsg(&a.ctx), u));
	ivg_uuid_format(b.vg->id, u);
	assert_non_null(strstr(ivg_errmsg(&a.ctx), u));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ivg_vg_open_id(&a.ctx, s, "twin", ids[i], &h), 0);
		assert_string_equal(h->vg->id, ids[i]);
		assert_ptr_equal(h->vg->pvs[0]->dev, s->pvs[i].dev);
		ivg_vg_close(h);
	}
	ivg_scan_free(s);
	vgfix_free(&a);
	vgfix_free(&b);
	/* One VG seen on two PVs is one VG. */
	assert_int_equal(vgfix_make(&a, 2, 40, 8192), 0);
	assert_int_equal(ivg_vg_commit(&a.ctx, a.vg), 0);
	s = scan2(&a.ctx, a.path[0], a.path[1]);
	assert_int_equal(ivg_scan_vgids(s, "fixvg", ids, 2), 1);
	assert_int_equal(ivg_vg_open(&a.ctx, s, "fixvg", &h), 0);
	ivg_vg_close(h);
	ivg_scan_free(s);
	vgfix_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(area_past_the_end),
		cmocka_unit_test(huge_text_claimed),
		cmocka_unit_test(area_inside_extents),
		cmocka_unit_test(same_name_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
