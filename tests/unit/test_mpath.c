/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_mpath.c - multipath maps and their paths on a fake sysfs tree:
 * holders, map WWIDs, the wwids file, WWNs as WWIDs, kpartx partitions.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "mpath.h"

static char dir[128];

static void mk(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sh(const char *fmt, const char *a)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, a, a, a, a, a, a, a, a, a, a);
	assert_int_equal(system(cmd), 0);
}

/*
 * sdb and sdc: two paths of map dm-0 (mpatha), which has a kpartx
 * partition dm-2; sdd under an LV dm-1; sde, no map, its WWID in the
 * wwids file; sdf, no map, not listed.
 */
static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/ivg-mpath-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	sh("cd %s && mkdir -p block/sdb/holders block/sdc/holders block/sdd/holders "
	   "block/sde/device block/sdf/device block/sdb/device block/dm-0/dm block/dm-0/slaves "
	   "block/dm-0/holders block/dm-1/dm block/dm-2/dm block/nvme0n1 && "
	   "ln -s ../../dm-0 block/sdb/holders/dm-0 && ln -s ../../dm-0 block/sdc/holders/dm-0 && "
	   "ln -s ../../sdc block/dm-0/slaves/sdc && ln -s ../../sdb block/dm-0/slaves/sdb && "
	   "ln -s ../../dm-2 block/dm-0/holders/dm-2 && ln -s ../../dm-1 block/sdd/holders/dm-1",
	   dir);
	mk("block/dm-0/dm/uuid", "mpath-36001405aabbccdd\n");
	mk("block/dm-0/dm/name", "mpatha\n");
	mk("block/dm-1/dm/uuid", "LVM-abcdef\n");
	mk("block/dm-1/dm/name", "vg-lv\n");
	mk("block/dm-2/dm/uuid", "part3-mpath-36001405aabbccdd\n");
	mk("block/dm-2/dm/name", "mpatha-part3\n");
	mk("block/sdb/device/wwid", "naa.6001405aabbccdd\n");
	mk("block/sde/device/wwid", "naa.600a0b80001\n");
	mk("block/sdf/device/wwid", "t10.ATA     QEMU HARDDISK   QM00001     \n");
	mk("block/nvme0n1/wwid", "eui.0011223344556677\n");
	mk("wwids", "# multipath wwids\n/36001405aabbccdd/\n/3600a0b80001/\n");
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf %s", dir);
	return 0;
}

static void test_holder(void **state)
{
	char sys[256], map[64], alias[64], wwid[128];

	snprintf(sys, sizeof(sys), "%s/block", dir);
	assert_int_equal(ivg_mpath_holder(sys, "sdb", map, sizeof(map), alias, sizeof(alias)), 1);
	assert_string_equal(map, "dm-0");
	assert_string_equal(alias, "mpatha");
	/* An LV over a disk is no multipath map. */
	assert_int_equal(ivg_mpath_holder(sys, "sdd", map, sizeof(map), alias, sizeof(alias)), 0);
	assert_int_equal(ivg_mpath_holder(sys, "sdz", map, sizeof(map), alias, sizeof(alias)), 0);
	assert_true(ivg_mpath_map_wwid(sys, "dm-0", wwid, sizeof(wwid)));
	assert_string_equal(wwid, "36001405aabbccdd");
	assert_false(ivg_mpath_map_wwid(sys, "dm-1", wwid, sizeof(wwid)));
	assert_false(ivg_mpath_map_wwid(sys, "dm-2", wwid, sizeof(wwid)));
}

static void test_wwids_file(void **state)
{
	char wwids[256];

	snprintf(wwids, sizeof(wwids), "%s/wwids", dir);
	assert_true(ivg_mpath_wwids_has(wwids, "36001405aabbccdd"));
	assert_true(ivg_mpath_wwids_has(wwids, "3600a0b80001"));
	assert_false(ivg_mpath_wwids_has(wwids, "3600a0b8000"));
	assert_false(ivg_mpath_wwids_has("/nonexistent/wwids", "3600a0b80001"));
}

static void test_wwn(void **state)
{
	char sys[256], wwn[128], wwid[128];

	snprintf(sys, sizeof(sys), "%s/block", dir);
	assert_true(ivg_disk_wwn(sys, "sdb", wwn, sizeof(wwn)));
	assert_string_equal(wwn, "naa.6001405aabbccdd");
	/* t10 identifiers lose their padding; NVMe shows it on itself. */
	assert_true(ivg_disk_wwn(sys, "sdf", wwn, sizeof(wwn)));
	assert_string_equal(wwn, "t10.ATA     QEMU HARDDISK   QM00001");
	assert_true(ivg_disk_wwn(sys, "nvme0n1", wwn, sizeof(wwn)));
	assert_string_equal(wwn, "eui.0011223344556677");
	assert_false(ivg_disk_wwn(sys, "sdd", wwn, sizeof(wwn)));
	assert_int_equal(ivg_wwn_to_wwid("naa.6001405aabbccdd", wwid, sizeof(wwid)), 0);
	assert_string_equal(wwid, "36001405aabbccdd");
	assert_int_equal(ivg_wwn_to_wwid("eui.0011223344556677", wwid, sizeof(wwid)), 0);
	assert_string_equal(wwid, "20011223344556677");
	assert_int_equal(ivg_wwn_to_wwid("t10.ATA QEMU", wwid, sizeof(wwid)), 0);
	assert_string_equal(wwid, "1ATA QEMU");
	assert_int_equal(ivg_wwn_to_wwid("", wwid, sizeof(wwid)), -EINVAL);
}

static void test_component(void **state)
{
	char sys[256], wwids[256], alias[64];

	snprintf(sys, sizeof(sys), "%s/block", dir);
	snprintf(wwids, sizeof(wwids), "%s/wwids", dir);
	/* Held by the map: its name. */
	assert_int_equal(ivg_mpath_component(sys, wwids, "sdc", alias, sizeof(alias)), 1);
	assert_string_equal(alias, "mpatha");
	/* No map, but multipath recorded the WWID: a path all the same. */
	assert_int_equal(ivg_mpath_component(sys, wwids, "sde", alias, sizeof(alias)), 1);
	assert_string_equal(alias, "");
	assert_int_equal(ivg_mpath_component(sys, wwids, "sdf", alias, sizeof(alias)), 0);
	assert_int_equal(ivg_mpath_component(sys, wwids, "sdd", alias, sizeof(alias)), 0);
	assert_int_equal(ivg_mpath_component(sys, "/nonexistent", "sde", alias, sizeof(alias)), 0);
	/* The map itself is no path. */
	assert_int_equal(ivg_mpath_component(sys, wwids, "dm-0", alias, sizeof(alias)), 0);
}

static void test_paths_and_parts(void **state)
{
	char sys[256], paths[4][IVG_KNAME_MAX];

	snprintf(sys, sizeof(sys), "%s/block", dir);
	assert_int_equal(ivg_mpath_paths(sys, "dm-0", paths, 4), 2);
	assert_string_equal(paths[0], "sdb");
	assert_string_equal(paths[1], "sdc");
	/* Counted whole even when fewer fit. */
	assert_int_equal(ivg_mpath_paths(sys, "dm-0", paths, 1), 2);
	assert_string_equal(paths[0], "sdb");
	assert_int_equal(ivg_mpath_paths(sys, "dm-1", paths, 4), 0);
	assert_true(ivg_mpath_has_dm_parts(sys, "dm-0"));
	assert_false(ivg_mpath_has_dm_parts(sys, "sdd"));   /* an LV is no partition */
	assert_false(ivg_mpath_has_dm_parts(sys, "dm-2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holder),
		cmocka_unit_test(test_wwids_file),
		cmocka_unit_test(test_wwn),
		cmocka_unit_test(test_component),
		cmocka_unit_test(test_paths_and_parts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
