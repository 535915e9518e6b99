/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_bos.c - the BOS store's pure parts: archive entry paths and the
 * device policies, BOS names, the manifest's JSON, kernel versions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boskernel.h"
#include "bospath.h"
#include "bosstore.h"

struct path_case {
	const char *in;
	enum bos_entry_kind kind;
	const char *out;           /* NULL: refused */
	const char *why;           /* a part of the refusal */
};

static const struct path_case path_cases[] = {
	{ "./etc//passwd", BOS_ENT_FILE, "etc/passwd", NULL },
	{ "etc/./x/", BOS_ENT_DIR, "etc/x", NULL },
	{ "./", BOS_ENT_DIR, "", NULL },
	{ ".", BOS_ENT_DIR, "", NULL },
	{ "a/b..c/..d", BOS_ENT_FILE, "a/b..c/..d", NULL },
	{ "...", BOS_ENT_FILE, "...", NULL },
	{ "dev/sda", BOS_ENT_BLK, "dev/sda", NULL },
	{ "./dev/null", BOS_ENT_CHR, "dev/null", NULL },
	{ "run/fifo", BOS_ENT_FIFO, "run/fifo", NULL },
	{ "", BOS_ENT_FILE, NULL, "without a name" },
	{ "./", BOS_ENT_FILE, NULL, "root can only be a directory" },
	{ "../x", BOS_ENT_FILE, NULL, "\"..\" component" },
	{ "a/../b", BOS_ENT_FILE, NULL, "\"..\" component" },
	{ "a/..", BOS_ENT_DIR, NULL, "\"..\" component" },
	{ "/etc/passwd", BOS_ENT_FILE, NULL, "an absolute path" },
	{ "//etc", BOS_ENT_DIR, NULL, "an absolute path" },
	{ "a\nb", BOS_ENT_FILE, NULL, "control character" },
	{ "etc/sda", BOS_ENT_BLK, NULL, "only under dev/" },
	{ "dev", BOS_ENT_CHR, NULL, "only under dev/" },
	{ "devx/null", BOS_ENT_CHR, NULL, "only under dev/" },
};

static void paths_are_cleaned_or_refused(void **state)
{
	char out[BOS_PATH_MAX + 1];

	for (size_t i = 0; i < sizeof(path_cases) / sizeof(*path_cases); i++) {
		const struct path_case *c = &path_cases[i];
		struct ivg_ctx ctx;
		int r;

		ivg_ctx_init(&ctx);
		r = bos_path_clean(&ctx, c->in, c->kind, &bos_policy_bos, out, sizeof(out));
		if (c->out) {
			if (r)
				fail_msg("\"%s\" refused: %s", c->in, ivg_errmsg(&ctx));
			assert_string_equal(out, c->out);
		} else {
			assert_int_equal(r, -EINVAL);
			if (!strstr(ivg_errmsg(&ctx), c->why))
				fail_msg("\"%s\": \"%s\" lacks \"%s\"", c->in,
					 ivg_errmsg(&ctx), c->why);
			/* The message names the entry (escaped). */
			assert_non_null(strstr(ivg_errmsg(&ctx), "entry \""));
		}
	}
}

static void long_components_and_paths_refused(void **state)
{
	char name[20 * 251], out[BOS_PATH_MAX + 1];
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	memset(name, 'a', 256);
	name[256] = 0;
	assert_int_equal(bos_path_clean(&ctx, name, BOS_ENT_FILE, NULL, out, sizeof(out)), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "longer than 255"));
	name[255] = 0;
	assert_int_equal(bos_path_clean(&ctx, name, BOS_ENT_FILE, NULL, out, sizeof(out)), 0);
	/* 20 components of 250 bytes: over 4096. */
	for (size_t i = 0; i < 20; i++) {
		memset(name + i * 251, 'b', 250);
		name[i * 251 + 250] = '/';
	}
	name[20 * 251 - 1] = 0;
	assert_int_equal(bos_path_clean(&ctx, name, BOS_ENT_FILE, NULL, out, sizeof(out)), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "longer than 4096"));
	/* A small output buffer is a limit too, never an overflow. */
	assert_int_equal(bos_path_clean(&ctx, "abc/def", BOS_ENT_FILE, NULL, out, 5), -EINVAL);
}

static void opp_policy_refuses_devices_and_fifos(void **state)
{
	char out[BOS_PATH_MAX + 1];
	struct ivg_ctx ctx;
	const struct bos_path_policy any = { BOS_DEV_ANYWHERE, 1 };

	ivg_ctx_init(&ctx);
	assert_int_equal(bos_path_clean(&ctx, "dev/null", BOS_ENT_CHR, &bos_policy_opp, out, sizeof(out)), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "device nodes are not allowed"));
	assert_int_equal(bos_path_clean(&ctx, "x/fifo", BOS_ENT_FIFO, &bos_policy_opp, out, sizeof(out)), -EINVAL);
	assert_int_equal(bos_path_clean(&ctx, "x/s", BOS_ENT_SOCK, &bos_policy_opp, out, sizeof(out)), -EINVAL);
	assert_int_equal(bos_path_clean(&ctx, "usr/bin/x", BOS_ENT_FILE, &bos_policy_opp, out, sizeof(out)), 0);
	assert_int_equal(bos_path_clean(&ctx, "etc/sda", BOS_ENT_BLK, &any, out, sizeof(out)), 0);
}

static void bos_names(void **state)
{
	static const char *const good[] = { "debian-12", "a", "x.y+z_1", "A9" };
	static const char *const bad[] = { "", "-x", ".x", "a b", "a\"b", "a\nb",
					   "a/b", "é", "x_rmeta_0", "p_tdata" };
	char longname[BOS_NAME_MAX + 2];
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_int_equal(bos_name_check(&ctx, good[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(bos_name_check(&ctx, bad[i]), -EINVAL);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[BOS_NAME_MAX] = 0;
	assert_int_equal(bos_name_check(&ctx, longname), 0);
	longname[BOS_NAME_MAX] = 'n';
	longname[BOS_NAME_MAX + 1] = 0;
	assert_int_equal(bos_name_check(&ctx, longname), -EINVAL);
	assert_int_equal(bos_name_check(&ctx, "a\"b\n"), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "a\\x22b\\x0a"));
}

static void manifest_round_trip(void **state)
{
	struct bos_manifest m = { .format = BOS_FMT_RAW, .size = 1ULL << 40,
				  .added = 1795988485, .vmlinuz = -1,
				  .initrd = -1, .san_tools = -1 }, back;
	struct ivg_ctx ctx;
	char *text;
	size_t len;

	ivg_ctx_init(&ctx);
	strcpy(m.name, "deb-12");
	memset(m.sha256, 'a', 64);
	strcpy(m.kernel, "6.1.0-18-amd64");
	strcpy(m.data, "bos_deb-12_abcdEFGH");
	strcpy(m.source, "debian \"12\".img");
	assert_int_equal(bos_manifest_format(&ctx, &m, &text, &len), 0);
	assert_int_equal(text[len - 1], '\n');
	assert_int_equal(bos_manifest_parse(&ctx, "t", text, len, &back), 0);
	assert_memory_equal(&m, &back, sizeof(m));
	free(text);
	/* A tar image: its compression and what its tree takes. */
	m.format = BOS_FMT_TAR;
	strcpy(m.data, "images/deb-12.abcdEFGH");
	strcpy(m.compression, "gzip");
	m.unpacked = 5ULL << 30;
	m.files = 123456;
	for (int v = 0; v <= 3; v++) {
		m.vmlinuz = v & 1;
		m.initrd = v >> 1;
		/* What it holds for a SAN boot, by name; unknown (older ivg). */
		m.san_tools = v == 3 ? -1 : v * 5;
		assert_int_equal(bos_manifest_format(&ctx, &m, &text, &len), 0);
		assert_int_equal(bos_manifest_parse(&ctx, "t", text, len, &back), 0);
		assert_memory_equal(&m, &back, sizeof(m));
		free(text);
	}
}

static void manifest_refuses_bad_fields(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"name\": \"x\"}",
		"{\"name\": \"a b\", \"format\": \"tar\", \"size\": 1, \"sha256\": \"" "0000000000000000000000000000000000000000000000000000000000000000\", \"kernel\": \"\", \"added\": \"2026-01-01T00:00:00Z\", \"file\": \"images/x\"}",
		"{\"name\": \"x\", \"format\": \"zip\", \"size\": 1, \"sha256\": \"" "0000000000000000000000000000000000000000000000000000000000000000\", \"kernel\": \"\", \"added\": \"2026-01-01T00:00:00Z\", \"file\": \"images/x\"}",
		"{\"name\": \"x\", \"format\": \"tar\", \"size\": -1, \"sha256\": \"" "0000000000000000000000000000000000000000000000000000000000000000\", \"kernel\": \"\", \"added\": \"2026-01-01T00:00:00Z\", \"file\": \"images/x\"}",
		"{\"name\": \"x\", \"format\": \"tar\", \"size\": 1, \"sha256\": \"00\", \"kernel\": \"\", \"added\": \"2026-01-01T00:00:00Z\", \"file\": \"images/x\"}",
		"{\"name\": \"x\", \"format\": \"tar\", \"size\": 1, \"sha256\": \"" "0000000000000000000000000000000000000000000000000000000000000000\", \"kernel\": \"\", \"added\": \"yesterday\", \"file\": \"images/x\"}",
		"{\"name\": \"x\", \"format\": \"raw\", \"size\": 1, \"sha256\": \"" "0000000000000000000000000000000000000000000000000000000000000000\", \"kernel\": \"\", \"added\": \"2026-01-01T00:00:00Z\", \"file\": \"images/x\"}",
	};
	const char *good = "{\"name\": \"x\", \"format\": \"tar\", \"size\": 1, \"sha256\": \""
		"0000000000000000000000000000000000000000000000000000000000000000\", \"kernel\": \"\", \"added\": \"2026-01-01T00:00:00Z\", \"file\": \"images/x\"}";
	struct bos_manifest m;
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	assert_int_equal(bos_manifest_parse(&ctx, "good", good, strlen(good), &m), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (bos_manifest_parse(&ctx, "bad", bad[i], strlen(bad[i]), &m) != -EINVAL)
			fail_msg("accepted manifest %zu", i);
		assert_non_null(strstr(ivg_errmsg(&ctx), "not a BOS manifest"));
	}
}

static void kernel_versions_by_version_order(void **state)
{
	char best[128] = "";

	bos_kernel_note(best, sizeof(best), "lib/modules/6.1.0-9-amd64", BOS_ENT_DIR);
	assert_string_equal(best, "6.1.0-9-amd64");
	bos_kernel_note(best, sizeof(best), "lib/modules/6.1.0-18-amd64", BOS_ENT_DIR);
	assert_string_equal(best, "6.1.0-18-amd64");
	bos_kernel_note(best, sizeof(best), "boot/vmlinuz-6.1.0-10-amd64", BOS_ENT_FILE);
	assert_string_equal(best, "6.1.0-18-amd64");
	/* Not kernels: deeper paths, other kinds, other places. */
	bos_kernel_note(best, sizeof(best), "lib/modules/9.9/kernel", BOS_ENT_DIR);
	bos_kernel_note(best, sizeof(best), "boot/vmlinuz-9.9", BOS_ENT_SYMLINK);
	bos_kernel_note(best, sizeof(best), "usr/share/vmlinuz-9.9", BOS_ENT_FILE);
	bos_kernel_note(best, sizeof(best), "lib/modules/", BOS_ENT_DIR);
	assert_string_equal(best, "6.1.0-18-amd64");
	bos_kernel_note(best, sizeof(best), "usr/lib/modules/6.10.1-1-amd64", BOS_ENT_DIR);
	assert_string_equal(best, "6.10.1-1-amd64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_are_cleaned_or_refused),
		cmocka_unit_test(long_components_and_paths_refused),
		cmocka_unit_test(opp_policy_refuses_devices_and_fifos),
		cmocka_unit_test(bos_names),
		cmocka_unit_test(manifest_round_trip),
		cmocka_unit_test(manifest_refuses_bad_fields),
		cmocka_unit_test(kernel_versions_by_version_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
