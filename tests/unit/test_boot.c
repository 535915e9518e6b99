/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_boot.c - the boot image's pieces: the manifest (format, parse,
 * errors), GRUB's LV names, the failover script, the BIOS pointer patches,
 * and an ext2 image built with libext2fs and read back.
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

#include "bootimg.h"
#include "bootrec.h"
#include "grubimg.h"
#include "manifest.h"

static void manifest_round_trip(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_manifest m = { 0 }, back = { 0 };
	uint8_t a[IVG_SHA256_LEN], b[IVG_SHA256_LEN];
	char *text;
	size_t len;

	ivg_ctx_init(&ctx);
	ivg_sha256("kernel", 6, a);
	ivg_sha256("initrd", 6, b);
	assert_int_equal(ivg_manifest_set(&ctx, &m, "vmlinuz", a), 0);
	assert_int_equal(ivg_manifest_set(&ctx, &m, "grub/grub.cfg", b), 0);
	assert_int_equal(ivg_manifest_set(&ctx, &m, "vmlinuz", b), 0);  /* replaces */
	assert_int_equal(m.n, 2);
	assert_int_equal(ivg_manifest_format(&ctx, &m, &text, &len), 0);
	/* sha256sum's format, sorted by name. */
	assert_int_equal(len, 2 * (64 + 2) + strlen("grub/grub.cfg\nvmlinuz\n"));
	assert_memory_equal(text + 64, "  grub/grub.cfg\n", 16);
	assert_int_equal(ivg_manifest_parse(&ctx, "t", text, len, &back), 0);
	assert_int_equal(back.n, 2);
	assert_memory_equal(ivg_manifest_find(&back, "vmlinuz")->sha, b, IVG_SHA256_LEN);
	free(text);
	ivg_manifest_free(&m);
	ivg_manifest_free(&back);
}

#define LINE_X "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x\n"
#define TWICE LINE_X LINE_X                     /* a name listed twice */

static void manifest_bad_input(void **state)
{
	static const char *const bad[] = {
		"abc  vmlinuz\n",                                             /* short hash */
		"zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x\n",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad x\n",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ../x\n",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /x\n",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x",  /* no newline */
		TWICE,
	};
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ivg_manifest m = { 0 };

		assert_int_equal(ivg_manifest_parse(&ctx, "leg 3", bad[i], strlen(bad[i]), &m),
				 -EINVAL);
		assert_non_null(strstr(ivg_errmsg(&ctx), "leg 3"));
		ivg_manifest_free(&m);
	}
}

static void grub_names_double_dashes(void **state)
{
	struct ivg_ctx ctx;
	char n[300];

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_grub_lvname(&ctx, "my-ivg", "bootlv_rimage_0", n, sizeof(n)), 0);
	assert_string_equal(n, "lvm/my--ivg-bootlv_rimage_0");
	assert_int_equal(ivg_grub_lvname(&ctx, "vg", "a-b", n, sizeof(n)), 0);
	assert_string_equal(n, "lvm/vg-a--b");
	assert_int_equal(ivg_grub_lvname(&ctx, "vg", "bootlv", n, 10), -ENAMETOOLONG);
}

static void failover_script_own_leg_first(void **state)
{
	struct ivg_ctx ctx;
	const int legs[] = { 2, 0, 1 };
	char *t;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_grub_early_script(&ctx, "a-b", legs, 3, &t), 0);
	assert_non_null(strstr(t, "for ivg_leg in 2 0 1; do"));
	assert_non_null(strstr(t, "lvm/a--b-bootlv_rimage_${ivg_leg}"));
	assert_non_null(strstr(t, "hashsum --hash sha256 --check"));
	assert_non_null(strstr(t, "configfile"));
	free(t);
	assert_int_equal(ivg_grub_cfg(&ctx, "vg", "u-u", "ivg.action=test", &t), 0);
	assert_non_null(strstr(t, "ivg.vg=vg ivg.vguuid=u-u ivg.leg=${ivg_leg} ivg.action=test\n"));
	free(t);
	assert_int_equal(ivg_grub_cfg(&ctx, "vg", NULL, "x\"; reboot", &t), -EINVAL);
}

static void bios_pointers(void **state)
{
	struct ivg_ctx ctx;
	uint8_t mbr[512], boot[512], core[4096 + 100];
	uint8_t keep[512 - IVG_MBR_KEEP_FROM];

	ivg_ctx_init(&ctx);
	memset(mbr, 0xAB, sizeof(mbr));
	memcpy(keep, mbr + IVG_MBR_KEEP_FROM, sizeof(keep));
	memset(boot, 0x11, sizeof(boot));
	boot[510] = 0x55;
	boot[511] = 0xAA;
	memset(core, 0, sizeof(core));
	core[IVG_CORE_OFF_BLOCKLIST + 10] = 0x20;
	core[IVG_CORE_OFF_BLOCKLIST + 11] = 0x08;
	assert_int_equal(ivg_bootrec_patch_bios(&ctx, "d", mbr, boot, core, sizeof(core),
						2048, 1 << 20), 0);
	/* boot.img's code, its kernel sector = 2048; the MBR's table kept. */
	assert_int_equal(mbr[0], 0x11);
	assert_int_equal(mbr[IVG_BOOTIMG_OFF_KERNEL_SECTOR], 0x00);
	assert_int_equal(mbr[IVG_BOOTIMG_OFF_KERNEL_SECTOR + 1], 0x08);
	assert_memory_equal(mbr + IVG_MBR_KEEP_FROM, keep, sizeof(keep));
	/* core.img: LBA 2049, 9 sectors follow (4196 bytes = 9 sectors in all). */
	assert_int_equal(core[IVG_CORE_OFF_BLOCKLIST], 0x01);
	assert_int_equal(core[IVG_CORE_OFF_BLOCKLIST + 1], 0x08);
	assert_int_equal(core[IVG_CORE_OFF_BLOCKLIST + 8], 8);
	assert_int_equal(core[IVG_CORE_OFF_BLOCKLIST + 10], 0x20);
	/* Not a core.img, too big, or no boot.img: refused. */
	core[IVG_CORE_OFF_BLOCKLIST + 10] = 0;
	assert_int_equal(ivg_bootrec_patch_bios(&ctx, "d", mbr, boot, core, sizeof(core),
						2048, 1 << 20), -EINVAL);
	core[IVG_CORE_OFF_BLOCKLIST + 10] = 0x20;
	assert_int_equal(ivg_bootrec_patch_bios(&ctx, "d", mbr, boot, core, sizeof(core),
						2048, 4096), -EINVAL);
	boot[511] = 0;
	assert_int_equal(ivg_bootrec_patch_bios(&ctx, "d", mbr, boot, core, sizeof(core),
						2048, 1 << 20), -EINVAL);
}

static void image_built_and_read_back(void **state)
{
	char path[] = "/tmp/test_boot.XXXXXX";
	int fd = mkstemp(path);
	struct ivg_ctx ctx;
	struct ivg_manifest m = { 0 }, back = { 0 };
	static char big[300000];
	const struct ivg_bootimg_file files[] = {
		{ .name = "vmlinuz", .data = big, .len = sizeof(big) },
		{ .name = "grub/grub.cfg", .data = "boot\n", .len = 5 },
	};
	ext2_filsys fs;
	char *text;
	size_t len;
	uint8_t sha[IVG_SHA256_LEN];

	assert_true(fd >= 0);
	close(fd);
	ivg_ctx_init(&ctx);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(ivg_bootimg_build(&ctx, path, 8 << 20, files, 2, &m), 0);
	assert_int_equal(ext2fs_open(path, 0, 0, 0, unix_io_manager, &fs), 0);
	assert_int_equal(ivg_bootimg_read(&ctx, fs, path, IVG_MANIFEST_NAME, 4096, &text, &len), 0);
	assert_int_equal(ivg_manifest_parse(&ctx, path, text, len, &back), 0);
	assert_int_equal(back.n, 2);
	ivg_sha256(big, sizeof(big), sha);
	assert_memory_equal(ivg_manifest_find(&back, "vmlinuz")->sha, sha, IVG_SHA256_LEN);
	free(text);
	assert_int_equal(ivg_bootimg_read(&ctx, fs, path, "grub/grub.cfg", 100, &text, &len), 0);
	assert_string_equal(text, "boot\n");
	free(text);
	assert_int_equal(ivg_bootimg_read(&ctx, fs, path, "vmlinuz", 100, &text, &len), -EFBIG);
	assert_int_equal(ivg_bootimg_read(&ctx, fs, path, "nothere", 100, &text, &len), -ENOENT);
	ext2fs_close_free(&fs);
	/* Too small: a clear error naming the file, -ENOSPC. */
	assert_int_equal(ivg_bootimg_build(&ctx, path, 1 << 20, files, 2, NULL), -ENOSPC);
	assert_non_null(strstr(ivg_errmsg(&ctx), path));
	ivg_manifest_free(&m);
	ivg_manifest_free(&back);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(manifest_round_trip),
		cmocka_unit_test(manifest_bad_input),
		cmocka_unit_test(grub_names_double_dashes),
		cmocka_unit_test(failover_script_own_leg_first),
		cmocka_unit_test(bios_pointers),
		cmocka_unit_test(image_built_and_read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
