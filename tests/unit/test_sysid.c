/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_sysid.c - the host's system ID from each lvm.conf source, in a
 * temporary LVM_SYSTEM_DIR; the VG holder and lvm2's WRITE_LOCKED flag,
 * through the text format.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/utsname.h>

#include "ivgvg.h"
#include "sysid.h"
#include "vgtext.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/ivg-sysid-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_clean(void **state)
{
	char out[IVG_SYSID_MAX + 1], long_id[300];

	ivg_system_id_clean("(none)", out);
	assert_string_equal(out, "none");
	ivg_system_id_clean("host-1.example.com:x y+z_", out);
	assert_string_equal(out, "host-1.example.comxy+z_");
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	ivg_system_id_clean(long_id, out);
	assert_int_equal(strlen(out), IVG_SYSID_MAX);
}

static void expect_id(const char *want)
{
	char out[IVG_SYSID_MAX + 1];
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_host_system_id(&ctx, dir, out), 0);
	assert_string_equal(out, want);
}

static void expect_err(int err, const char *msg)
{
	char out[IVG_SYSID_MAX + 1];
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_host_system_id(&ctx, dir, out), err);
	assert_non_null(strstr(ivg_errmsg(&ctx), msg));
}

static void test_sources(void **state)
{
	struct utsname u;
	char name[IVG_SYSID_MAX + 1], text[256];

	assert_int_equal(uname(&u), 0);
	ivg_system_id_clean(u.nodename, name);
	/* No lvm.conf, "none" and "uname": the node name. */
	expect_id(name);
	put("lvm.conf", "global {\n\tsystem_id_source = \"none\"\n}\n");
	expect_id(name);
	put("lvm.conf", "global { system_id_source = \"uname\" }\n");
	expect_id(name);
	put("lvm.conf", "global { system_id_source = \"lvmlocal\" }\n");
	expect_err(-EINVAL, "lvmlocal.conf: local/system_id is not set");
	put("lvmlocal.conf", "local {\n\tsystem_id = \"site a/host 7\"\n}\n");
	expect_id("siteahost7");
	snprintf(text, sizeof(text),
		 "global { system_id_source = \"file\" system_id_file = \"%s/id\" }\n",
		 dir);
	put("lvm.conf", text);
	expect_err(-ENOENT, "/id: no such file");
	put("id", "from-a-file\nsecond line\n");
	expect_id("from-a-file");
	put("id", "\n");
	expect_err(-EINVAL, "empty system ID");
	put("lvm.conf", "global { system_id_source = \"appmachineid\" }\n");
	expect_err(-ENOTSUP, "\"appmachineid\" is not one ivg can follow");
	put("lvm.conf", "global { system_id_source = 12 }\n");
	expect_err(-EINVAL, "global/system_id_source is not a string");
	put("lvm.conf", "global { system_id_source = \n");
	expect_err(-EINVAL, "lvm.conf");
}

/* A VG with a holder is written as lvm2 writes it, and reads back. */
static void test_holder_text(void **state)
{
	static const char *const text =
		"t {\nid = \"aaaaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa\"\n"
		"seqno = 1\nformat = \"lvm2\"\n"
		"status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\n"
		"extent_size = 8192\nmax_lv = 0\nmax_pv = 0\n"
		"metadata_copies = 0\nphysical_volumes {\npv0 {\n"
		"id = \"bbbbbb-bbbb-bbbb-bbbb-bbbb-bbbb-bbbbbb\"\n"
		"device = \"/d\"\nstatus = [\"ALLOCATABLE\"]\nflags = []\n"
		"dev_size = 8192\npe_start = 2048\npe_count = 0\n}\n}\n}\n";
	struct ivg_vg *vg = NULL, *back = NULL;
	struct ivg_ctx ctx;
	char *out;
	size_t len;

	ivg_ctx_init(&ctx);
	if (ivg_vg_from_text(&ctx, text, strlen(text), "t", &vg))
		fail_msg("%s", ivg_errmsg(&ctx));
	assert_null(ivg_vg_holder(vg));
	assert_int_equal(ivg_vg_set_holder(&ctx, vg, "hosta"), 0);
	assert_int_equal(ivg_vg_to_text(&ctx, vg, &out, &len), 0);
	assert_non_null(strstr(out, "status = [\"RESIZEABLE\", \"READ\"]"));
	assert_non_null(strstr(out, "flags = [\"WRITE_LOCKED\"]"));
	assert_non_null(strstr(out, "system_id = \"hosta\""));
	assert_int_equal(ivg_vg_from_text(&ctx, out, len, "t", &back), 0);
	assert_string_equal(ivg_vg_holder(back), "hosta");
	assert_int_equal(ivg_vg_check_holder(&ctx, back, "hosta"), 0);
	assert_int_equal(ivg_vg_check_holder(&ctx, back, "hostb"), -EBUSY);
	assert_non_null(strstr(ivg_errmsg(&ctx), "held read-write by host \"hosta\""));
	free(out);
	/* Exporting releases it: WRITE back, no flag, no system_id. */
	assert_int_equal(ivg_vg_set_exported(&ctx, back, true), 0);
	assert_null(ivg_vg_holder(back));
	assert_int_equal(ivg_vg_to_text(&ctx, back, &out, &len), 0);
	assert_true(ivg_strvec_has(&back->status, "WRITE"));
	assert_true(ivg_strvec_has(&back->status, "EXPORTED"));
	assert_null(strstr(out, "WRITE_LOCKED"));
	assert_null(strstr(out, "system_id"));
	free(out);
	ivg_vg_free(vg);
	ivg_vg_free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test(test_holder_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
