/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_bootlist.c - the boot list and the firmware's boot entries: the
 * order kept as PV tags (default, set, fallback order of each disk, bad
 * input), UEFI load options checked byte for byte against the layout the
 * UEFI specification gives and against their decoding, GUID byte order,
 * BootOrder, and Boot#### written into a directory standing in for
 * efivarfs (entries reused per disk, other entries kept after ours).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bootlist.h"
#include "efivar.h"
#include "loadopt.h"

/* ---- the boot list ----------------------------------------------------- */

/* A VG model with bootlv raid1 over n PVs (leg K on pvK). */
static struct ivg_vg *model(size_t n)
{
	struct ivg_vg *vg = ivg_vg_new();
	struct ivg_lv *boot;
	struct ivg_seg *seg;

	vg->name = strdup("tvg");
	for (size_t k = 0; k < n; k++)
		ivg_vg_add_pv(vg);
	boot = ivg_vg_add_lv(vg, "bootlv");
	seg = ivg_lv_add_seg(boot, "raid1", n);
	seg->extent_count = 1;
	for (size_t k = 0; k < n; k++) {
		char name[64];
		struct ivg_lv *img;
		struct ivg_seg *s;

		snprintf(name, sizeof(name), "bootlv_rimage_%zu", k);
		seg->areas[k].type = IVG_AREA_RAID;
		seg->areas[k].name = strdup(name);
		img = ivg_vg_add_lv(vg, name);
		s = ivg_lv_add_seg(img, "striped", 1);
		s->extent_count = 1;
		s->areas[0].type = IVG_AREA_PV;
		s->areas[0].name = strdup(vg->pvs[k]->name);
	}
	return vg;
}

static void list_is(struct ivg_vg *vg, const int *want, size_t n)
{
	struct ivg_ctx ctx;
	int got[IVG_MAX_LEGS];
	size_t m;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_bootlist_get(&ctx, vg, got, &m), 0);
	assert_int_equal(m, n);
	assert_memory_equal(got, want, n * sizeof(int));
}

static void bootlist_default_is_leg_order(void **state)
{
	struct ivg_vg *vg = model(3);
	static const int want[] = { 0, 1, 2 };

	list_is(vg, want, 3);
	ivg_vg_free(vg);
}

static void bootlist_set_and_fallback(void **state)
{
	struct ivg_vg *vg = model(4);
	struct ivg_ctx ctx;
	static const int first[] = { 2, 0 }, want[] = { 2, 0, 1, 3 };
	static const int fb1[] = { 1, 2, 0, 3 }, fb2[] = { 2, 0, 1, 3 };
	int order[IVG_MAX_LEGS];
	size_t n;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_bootlist_set(&ctx, vg, first, 2), 0);
	list_is(vg, want, 4);
	/* Kept as PV tags, one per boot PV. */
	assert_true(ivg_strvec_has(&vg->pvs[2]->tags, "ivg_bootorder_0"));
	assert_true(ivg_strvec_has(&vg->pvs[3]->tags, "ivg_bootorder_3"));
	assert_int_equal(vg->pvs[0]->tags.n, 1);
	assert_int_equal(ivg_bootlist_fallback(&ctx, vg, 1, order, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(order, fb1, sizeof(fb1));
	assert_int_equal(ivg_bootlist_fallback(&ctx, vg, 2, order, &n), 0);
	assert_memory_equal(order, fb2, sizeof(fb2));
	/* Setting again replaces the old tags. */
	static const int again[] = { 3 }, want2[] = { 3, 2, 0, 1 };

	assert_int_equal(ivg_bootlist_set(&ctx, vg, again, 1), 0);
	list_is(vg, want2, 4);
	assert_int_equal(vg->pvs[2]->tags.n, 1);
	ivg_vg_free(vg);
}

static void bootlist_refuses_bad_input(void **state)
{
	struct ivg_vg *vg = model(3);
	struct ivg_ctx ctx;
	static const int dup[] = { 1, 1 }, out[] = { 5 };
	static const int want[] = { 0, 1, 2 };

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_bootlist_set(&ctx, vg, dup, 2), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "given twice"));
	assert_int_equal(ivg_bootlist_set(&ctx, vg, out, 1), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "not a boot disk"));
	list_is(vg, want, 3);
	/* A PV that lvm2 added without a tag goes after the tagged ones. */
	ivg_strvec_add_once(&vg->pvs[0]->tags, "ivg_bootorder_0");
	ivg_strvec_add_once(&vg->pvs[2]->tags, "ivg_bootorder_1");
	static const int want2[] = { 0, 2, 1 };

	list_is(vg, want2, 3);
	ivg_vg_free(vg);
}

/* ---- load options ---------------------------------------------------- */

/* The ESP type GUID as GPT stores it (first three fields little-endian). */
static void guid_efi_byte_order(void **state)
{
	static const uint8_t esp[16] = { 0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b };
	struct ivg_ctx ctx;
	uint8_t b[16];
	char text[37];

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_guid_to_efi(&ctx, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", b), 0);
	assert_memory_equal(b, esp, 16);
	ivg_guid_from_efi(esp, text);
	assert_string_equal(text, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	assert_int_equal(ivg_guid_to_efi(&ctx, "not-a-guid", b), -EINVAL);
}

static const char part_guid[] = "0f6e2b4c-5d3a-4e21-9b7c-1a2b3c4d5e6f";

static struct ivg_hd_node hd_node(void)
{
	struct ivg_hd_node hd = { .partno = 2, .start = 0x1000, .size = 0x20000 };
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	ivg_guid_to_efi(&ctx, part_guid, hd.sig);
	return hd;
}

/* The bytes, laid out here from the specification's tables. */
static void loadopt_bytes_follow_the_spec(void **state)
{
	struct ivg_hd_node hd = hd_node();
	struct ivg_ctx ctx;
	uint8_t want[256], *got;
	size_t n = 0, len;
	const char *file = "\\EFI\\BOOT\\BOOTX64.EFI";
	size_t flen = 4 + 2 * (strlen(file) + 1);

	ivg_ctx_init(&ctx);
	memset(want, 0, sizeof(want));
	want[n] = 1; n += 4;                                  /* LOAD_OPTION_ACTIVE */
	want[n] = (uint8_t)(42 + flen + 4); want[n + 1] = (uint8_t)((42 + flen + 4) >> 8);
	n += 2;
	for (const char *s = "IVG"; *s; s++, n += 2)
		want[n] = (uint8_t)*s;
	n += 2;                                               /* L"IVG" and NUL */
	want[n] = 4; want[n + 1] = 1; want[n + 2] = 42;       /* HD(): media, 1, 42 */
	want[n + 4] = 2;                                      /* partition 2 */
	want[n + 9] = 0x10;                                   /* start 0x1000 */
	want[n + 18] = 0x02;                                  /* size 0x20000 */
	memcpy(want + n + 24, hd.sig, 16);
	want[n + 40] = 2; want[n + 41] = 2;                   /* GPT, GUID */
	n += 42;
	want[n] = 4; want[n + 1] = 4; want[n + 2] = (uint8_t)flen;   /* File() */
	n += 4;
	for (const char *s = file; *s; s++, n += 2)
		want[n] = (uint8_t)*s;
	n += 2;
	want[n] = 0x7f; want[n + 1] = 0xff; want[n + 2] = 4; /* End */
	n += 4;
	assert_int_equal(ivg_loadopt_encode(&ctx, IVG_LOAD_OPTION_ACTIVE, "IVG", &hd,
					    file, &got, &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
	free(got);
}

static void loadopt_round_trip_and_render(void **state)
{
	struct ivg_hd_node hd = hd_node();
	struct ivg_loadopt o;
	struct ivg_ctx ctx;
	char text[512];
	uint8_t *b;
	size_t len;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_loadopt_encode(&ctx, IVG_LOAD_OPTION_ACTIVE, "IVG tvg leg 1", &hd,
					    IVG_EFI_REMOVABLE_PATH, &b, &len), 0);
	assert_int_equal(ivg_loadopt_decode(&ctx, "t", b, len, &o), 0);
	assert_int_equal(o.attributes, 1);
	assert_string_equal(o.desc, "IVG tvg leg 1");
	assert_true(o.has_hd);
	assert_int_equal(o.hd.partno, 2);
	assert_int_equal(o.hd.start, 0x1000);
	assert_int_equal(o.hd.size, 0x20000);
	assert_memory_equal(o.hd.sig, hd.sig, 16);
	assert_string_equal(o.file, IVG_EFI_REMOVABLE_PATH);
	ivg_loadopt_render(&o, text, sizeof(text));
	assert_string_equal(text, "HD(2,GPT,0f6e2b4c-5d3a-4e21-9b7c-1a2b3c4d5e6f,0x1000,0x20000)/File(\\EFI\\BOOT\\BOOTX64.EFI)");
	/* Damaged: cut short, no end node, a node longer than the path. */
	assert_int_equal(ivg_loadopt_decode(&ctx, "t", b, 5, &o), -EINVAL);
	assert_int_equal(ivg_loadopt_decode(&ctx, "t", b, len - 4, &o), -EINVAL);
	b[len - 2] = 0x40;
	assert_int_equal(ivg_loadopt_decode(&ctx, "t", b, len, &o), -EINVAL);
	assert_int_equal(ivg_loadopt_encode(&ctx, 1, "bad\n", &hd, "x", &b, &len), -EINVAL);
	free(b);
}

static void bootorder_bytes(void **state)
{
	static const uint16_t nums[] = { 3, 0x1a2b, 0 };
	uint8_t b[6];
	uint16_t back[4];
	struct ivg_ctx ctx;
	size_t n;

	ivg_ctx_init(&ctx);
	ivg_bootorder_encode(nums, 3, b);
	assert_int_equal(b[0], 3);
	assert_int_equal(b[2], 0x2b);
	assert_int_equal(b[3], 0x1a);
	assert_int_equal(ivg_bootorder_decode(&ctx, b, 6, back, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(back, nums, sizeof(nums));
	assert_int_equal(ivg_bootorder_decode(&ctx, b, 5, back, 4, &n), -EINVAL);
}

/* ---- Boot#### in a stand-in directory -------------------------------- */

static void order_is(const char *dir, const uint16_t *want, size_t n)
{
	struct ivg_ctx ctx;
	uint16_t got[16];
	uint8_t *b;
	size_t len, m;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_efivar_read(&ctx, dir, "BootOrder", &b, &len), 0);
	assert_int_equal(ivg_bootorder_decode(&ctx, b, len, got, 16, &m), 0);
	assert_int_equal(m, n);
	assert_memory_equal(got, want, n * sizeof(uint16_t));
	free(b);
}

static void efi_entries_reused_and_ordered(void **state)
{
	char dir[] = "/tmp/ivg-efivars-XXXXXX";
	struct ivg_efi_target t[2];
	struct ivg_hd_node other = hd_node();
	struct ivg_ctx ctx;
	uint16_t nums[2];
	static const uint16_t old[] = { 0 };
	uint8_t *b, ob[2];
	size_t len;

	ivg_ctx_init(&ctx);
	assert_non_null(mkdtemp(dir));
	/* The firmware's own entry 0000, first in BootOrder. */
	other.sig[0] ^= 0xff;
	assert_int_equal(ivg_loadopt_encode(&ctx, 1, "UEFI Shell", &other, "\\shell.efi",
					    &b, &len), 0);
	assert_int_equal(ivg_efivar_write(&ctx, dir, "Boot0000", b, len), 0);
	free(b);
	ivg_bootorder_encode(old, 1, ob);
	assert_int_equal(ivg_efivar_write(&ctx, dir, "BootOrder", ob, 2), 0);
	for (int i = 0; i < 2; i++) {
		t[i].hd = hd_node();
		t[i].hd.sig[15] = (uint8_t)i;
		snprintf(t[i].desc, sizeof(t[i].desc), "IVG tvg leg %d", i);
	}
	assert_int_equal(ivg_efi_set_boot(&ctx, dir, t, 2, nums), 0);
	assert_int_equal(nums[0], 1);
	assert_int_equal(nums[1], 2);
	static const uint16_t first[] = { 1, 2, 0 };

	order_is(dir, first, 3);
	/* The other way round: the same entries, a new order. */
	struct ivg_efi_target rev[2] = { t[1], t[0] };

	assert_int_equal(ivg_efi_set_boot(&ctx, dir, rev, 2, nums), 0);
	assert_int_equal(nums[0], 2);
	assert_int_equal(nums[1], 1);
	static const uint16_t second[] = { 2, 1, 0 };

	order_is(dir, second, 3);
	/* The entry holds the load option, after the 4 attribute bytes. */
	struct ivg_loadopt o;

	assert_int_equal(ivg_efivar_read(&ctx, dir, "Boot0002", &b, &len), 0);
	assert_int_equal(ivg_loadopt_decode(&ctx, "Boot0002", b, len, &o), 0);
	assert_string_equal(o.desc, "IVG tvg leg 1");
	free(b);
	/* Not efivarfs: refused with a clear message. */
	assert_int_equal(ivg_efivar_check(&ctx, dir), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "efivarfs"));
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bootlist_default_is_leg_order),
		cmocka_unit_test(bootlist_set_and_fallback),
		cmocka_unit_test(bootlist_refuses_bad_input),
		cmocka_unit_test(guid_efi_byte_order),
		cmocka_unit_test(loadopt_bytes_follow_the_spec),
		cmocka_unit_test(loadopt_round_trip_and_render),
		cmocka_unit_test(bootorder_bytes),
		cmocka_unit_test(efi_entries_reused_and_ordered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
