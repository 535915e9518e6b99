/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_bosinstall.c - bosinstall's swap signature (against mkswap) and
 * its installed.json record (parsed back with json-c). */
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
#include <json-c/json.h>
#include <uuid/uuid.h>

#include "record.h"
#include "target.h"

#define PAGE 4096

static void swap_too_small_refused(void **state)
{
	struct ivg_ctx ctx;
	uint8_t page[PAGE];

	ivg_ctx_init(&ctx);
	assert_int_equal(bos_swap_header(&ctx, 9 * PAGE, NULL, page), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "10 to 2^32 pages"));
}

/* mkswap, given the same UUID and label, writes the same first page. */
static void swap_header_is_mkswaps(void **state)
{
	char path[] = "/tmp/test_bosinstall_swap.XXXXXX", cmd[512], id[37];
	uint8_t ours[PAGE], theirs[PAGE];
	struct ivg_ctx ctx;
	uint64_t size = 64 * PAGE + 100;    /* a partial page is not counted */
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	close(fd);
	ivg_ctx_init(&ctx);
	assert_int_equal(bos_swap_header(&ctx, size, "swap", ours), 0);
	uuid_unparse(ours + 1036, id);
	snprintf(cmd, sizeof(cmd),
		 "PATH=$PATH:/sbin:/usr/sbin mkswap -U %s -L swap %s >/dev/null 2>&1", id, path);
	if (system(cmd) != 0) {
		unlink(path);
		fail_msg("mkswap (util-linux) failed or is missing: %s", cmd);
	}
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(theirs, 1, PAGE, f), PAGE);
	fclose(f);
	unlink(path);
	assert_memory_equal(ours, theirs, PAGE);
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_object_get(o, key);
		path = dot + 1;
	}
	return o ? json_object_object_get(o, path) : NULL;
}

static void record_round_trip(void **state)
{
	struct bos_manifest m = { .name = "deb12", .format = BOS_FMT_TAR,
				  .size = 1234 };
	struct ivg_vg vg = { .name = "ivg0" };
	struct bos_opp opps[2] = { {
		.name = "mytool", .version = "1.2", .arch = "amd64",
		.sha256 = "ab", .fmt = OPP_FMT_DEB, .how = BOS_OPP_APT,
		.file = "pool/mytool_1.2_amd64.deb",
	}, {
		.name = "mylib", .version = "2", .arch = "all",
		.sha256 = "cd", .fmt = OPP_FMT_DEB, .how = BOS_OPP_APT,
		.file = "pool/mylib_2_all.deb", .dependency = true,
	} };
	struct bos_opps o = { .v = opps, .n = 2, .have_repo = true };
	char *disks[] = { "/dev/sdb" }, *text;
	struct bos_record rec = { .bos = &m, .kernel = "6.1.0-18-amd64",
				  .ivg = &vg, .opps = &o, .rootvg = "rootvg",
				  .disks = disks, .n_disks = 1, .date = 86400,
				  .machine = "m1", .note = "do it" };
	struct json_object *j, *a;
	struct ivg_ctx ctx;
	size_t len;

	memset(m.sha256, 'f', 64);
	memcpy(vg.id, "abcdefghijklmnopqrstuvwxyz012345", 33);
	o.repo.meta = (struct opp_tocmeta){ .present = true, .gen = 7 };
	strcpy(o.repo.meta.sha256, "cd");
	ivg_ctx_init(&ctx);
	assert_int_equal(bos_record_json(&ctx, &rec, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_int_equal(text[len - 1], '\n');
	j = json_tokener_parse(text);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(get(j, "bos.name")), "deb12");
	assert_string_equal(json_object_get_string(get(j, "bos.format")), "tar");
	assert_int_equal(strlen(json_object_get_string(get(j, "bos.sha256"))), 64);
	assert_string_equal(json_object_get_string(get(j, "kernel")), "6.1.0-18-amd64");
	assert_string_equal(json_object_get_string(get(j, "ivg.uuid")),
			    "abcdef-ghij-klmn-opqr-stuv-wxyz-012345");
	assert_int_equal(json_object_get_int64(get(j, "opp_toc.generation")), 7);
	assert_string_equal(json_object_get_string(get(j, "date")), "1970-01-02T00:00:00Z");
	assert_string_equal(json_object_get_string(get(j, "note")), "do it");
	assert_string_equal(json_object_get_string(get(j, "machine")), "m1");
	a = get(j, "opps");
	assert_int_equal(json_object_array_length(a), 2);
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(a, 0), "how")),
			    "apt");
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(a, 0), "file")),
			    "pool/mytool_1.2_amd64.deb");
	assert_false(json_object_get_boolean(get(json_object_array_get_idx(a, 0), "dependency")));
	assert_true(json_object_get_boolean(get(json_object_array_get_idx(a, 1), "dependency")));
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(j, "rootvg.disks"), 0)),
			    "/dev/sdb");
	json_object_put(j);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(swap_too_small_refused),
		cmocka_unit_test(swap_header_is_mkswaps),
		cmocka_unit_test(record_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
