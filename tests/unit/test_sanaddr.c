/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_sanaddr.c - a disk's place on the SAN from a fake sysfs tree laid
 * out as the kernel lays it out: iSCSI sessions, an FC remote port, a
 * multipath map over two iSCSI paths with a kpartx partition, a partition
 * of a local disk.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "bossan.h"
#include "sanaddr.h"
#include "sanfind.h"

static char root[128];

static void run(const char *script)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "cd %s && set -e && %s", root, script);
	assert_int_equal(system(cmd), 0);
}

/* The tree: sys/devices/... for real, sys/class/block and sys/dev/block
 * as links into it (every name is a kernel name, as in sysfs). */
static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/ivg-sanaddr-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	run("mkdir -p sys/class/block sys/dev/block\n"
	    "blk() { # NAME MAJ:MIN DEVDIR -- a disk under a SCSI device dir\n"
	    "  mkdir -p \"$3/block/$1\"; echo \"$2\" >\"$3/block/$1/dev\"\n"
	    "  ln -s ../.. \"$3/block/$1/device\"\n"
	    "  ln -s \"$PWD/$3/block/$1\" sys/class/block/$1; ln -s \"$PWD/$3/block/$1\" sys/dev/block/$2; }\n"
	    "iscsi() { # N HOST LUN ADDR PORT\n"
	    "  s=sys/devices/platform/host$2/session$1\n"
	    "  mkdir -p $s/iscsi_session/session$1 $s/connection$1:0/iscsi_connection/connection$1:0\n"
	    "  echo iqn.2026-12.org.ivg.test:san >$s/iscsi_session/session$1/targetname\n"
	    "  echo iqn.2026-12.org.ivg:host$2 >$s/iscsi_session/session$1/initiatorname\n"
	    "  echo $4 >$s/connection$1:0/iscsi_connection/connection$1:0/persistent_address\n"
	    "  echo $5 >$s/connection$1:0/iscsi_connection/connection$1:0/persistent_port\n"
	    "  mkdir -p sys/class/iscsi_session/session$1\n"
	    "  echo iqn.2026-12.org.ivg.test:san >sys/class/iscsi_session/session$1/targetname\n"
	    "  ln -s \"$PWD/$s\" sys/class/iscsi_session/session$1/device\n"
	    "  d=$s/target$2:0:0/$2:0:0:$3; mkdir -p $d; echo running >$d/state; echo $d; }\n"
	    "d=$(iscsi 1 2 1 10.0.2.2 3260); echo naa.6001405aabbccdd >$d/wwid\n"
	    "mkdir -p $d/block; blk sdb 8:16 $d\n"
	    "d=$(iscsi 2 3 1 10.0.2.2 3261); echo naa.6001405aabbccdd >$d/wwid\n"
	    "echo transport-offline >$d/state; blk sdc 8:32 $d\n"
	    "d=$(iscsi 3 5 7 fd00::2 3260); blk sde 8:64 $d\n"
	    "# A multipath map over both, and its kpartx partition.\n"
	    "v=sys/devices/virtual/block\n"
	    "mkdir -p $v/dm-0/dm $v/dm-0/slaves/sdc $v/dm-0/slaves/sdb $v/dm-1/dm $v/dm-1/slaves/dm-0\n"
	    "echo mpath-36001405aabbccdd >$v/dm-0/dm/uuid; echo mpathb >$v/dm-0/dm/name\n"
	    "echo part3-mpath-36001405aabbccdd >$v/dm-1/dm/uuid; echo mpathb-part3 >$v/dm-1/dm/name\n"
	    "for p in sdb sdc; do mkdir -p sys/class/block/$p/holders/dm-0; done\n"
	    "for n in dm-0:253:0 dm-1:253:1; do k=${n%%:*}; m=${n#*:}\n"
	    "  ln -s \"$PWD/$v/$k\" sys/class/block/$k; ln -s \"$PWD/$v/$k\" sys/dev/block/$m; done\n"
	    "# FC: a remote port's LUN 2.\n"
	    "r=sys/devices/pci0000:00/host4/rport-4:0-1\n"
	    "mkdir -p $r/fc_remote_ports/rport-4:0-1; echo 0x500a098123456789 >$r/fc_remote_ports/rport-4:0-1/port_name\n"
	    "d=$r/target4:0:0/4:0:0:2; mkdir -p $d; echo running >$d/state; echo naa.600a098000000001 >$d/wwid\n"
	    "blk sdd 8:48 $d\n"
	    "# A partition of a local virtio disk (no SCSI device).\n"
	    "p=sys/devices/pci0000:00/virtio1/block/vda; mkdir -p $p/vda3; echo 1 >$p/vda3/partition\n"
	    "ln -s \"$PWD/$p/vda3\" sys/dev/block/254:3; ln -s \"$PWD/$p\" sys/class/block/vda\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void disk(dev_t dev, struct ivg_san_disk *d)
{
	char sys[256];

	snprintf(sys, sizeof(sys), "%s/sys", root);
	assert_int_equal(ivg_san_disk_at(sys, dev, d), 0);
}

static void test_iscsi(void **state)
{
	struct ivg_san_disk d;
	char line[512];

	disk(makedev(8, 16), &d);
	assert_string_equal(d.kname, "sdb");
	assert_string_equal(d.wwn, "naa.6001405aabbccdd");
	assert_string_equal(d.mpath, "");
	assert_int_equal(d.n_paths, 1);
	assert_int_equal(d.paths[0].transport, IVG_SAN_ISCSI);
	assert_string_equal(d.paths[0].target, "iqn.2026-12.org.ivg.test:san");
	assert_string_equal(d.paths[0].portal, "10.0.2.2:3260");
	assert_int_equal(d.paths[0].lun, 1);
	assert_string_equal(d.paths[0].state, "running");
	assert_string_equal(d.paths[0].initiator, "iqn.2026-12.org.ivg:host2");
	assert_true(ivg_san_disk_known(&d));
	ivg_san_path_format(&d.paths[0], line, sizeof(line));
	assert_string_equal(line, "iSCSI iqn.2026-12.org.ivg.test:san LUN 1 at 10.0.2.2:3260");
	/* An IPv6 portal in brackets. */
	disk(makedev(8, 64), &d);
	assert_string_equal(d.paths[0].portal, "[fd00::2]:3260");
	assert_int_equal(d.paths[0].lun, 7);
	assert_string_equal(d.wwn, "");
}

static void test_multipath(void **state)
{
	struct ivg_san_disk d;

	/* The map's kpartx partition stands for the map, which has two paths. */
	disk(makedev(253, 1), &d);
	assert_string_equal(d.kname, "dm-0");
	assert_string_equal(d.mpath, "mpathb");
	assert_string_equal(d.wwn, "naa.6001405aabbccdd");
	assert_int_equal(d.n_paths, 2);
	assert_string_equal(d.paths[0].kname, "sdb");
	assert_string_equal(d.paths[0].portal, "10.0.2.2:3260");
	assert_string_equal(d.paths[1].kname, "sdc");
	assert_string_equal(d.paths[1].portal, "10.0.2.2:3261");
	assert_string_equal(d.paths[1].state, "transport-offline");
	disk(makedev(253, 0), &d);
	assert_int_equal(d.n_paths, 2);
	assert_string_equal(d.mpath, "mpathb");
}

static void test_fc_and_local(void **state)
{
	struct ivg_san_disk d;
	char line[512], sys[256];

	disk(makedev(8, 48), &d);
	assert_int_equal(d.paths[0].transport, IVG_SAN_FC);
	assert_string_equal(d.paths[0].target, "0x500a098123456789");
	assert_int_equal(d.paths[0].lun, 2);
	assert_string_equal(d.paths[0].hctl, "4:0:0:2");
	ivg_san_path_format(&d.paths[0], line, sizeof(line));
	assert_string_equal(line, "FC 0x500a098123456789 LUN 2");
	/* A partition stands for its disk; a virtio disk is no SCSI device
	 * and has nothing to say. */
	disk(makedev(254, 3), &d);
	assert_string_equal(d.kname, "vda");
	assert_int_equal(d.paths[0].transport, IVG_SAN_OTHER);
	assert_false(ivg_san_disk_known(&d));
	snprintf(sys, sizeof(sys), "%s/sys", root);
	assert_int_equal(ivg_san_disk_at(sys, makedev(9, 9), &d), -ENODEV);
	assert_int_equal(ivg_san_disk("/etc/passwd", &d), -ENOTBLK);
}

static void find(const char *name, int want, const char *dev)
{
	struct ivg_ctx ctx;
	char sys[256], got[256] = "";

	ivg_ctx_init(&ctx);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	assert_true(ivg_san_name(name) || want == -EINVAL);
	assert_int_equal(ivg_san_find(&ctx, sys, name, got, sizeof(got)), want);
	if (!want)
		assert_string_equal(got, dev);
	else
		assert_non_null(strstr(ivg_errmsg(&ctx), dev));
}

static void test_find(void **state)
{
	/* By WWN: the map, never one of its paths; a disk of its own. */
	find("wwn-0x6001405aabbccdd", 0, "/dev/mapper/mpathb");
	find("wwn-0x6001405AABBCCDD", 0, "/dev/mapper/mpathb");
	find("wwn-0x600a098000000001", 0, "/dev/sdd");
	find("wwn-0x600a0980000000", -ENOENT, "no disk with that WWN");
	find("wwn-0xnothex", -EINVAL, "not a WWN");
	/* By iSCSI address: the session's portal and LUN; the map again. */
	find("iscsi://10.0.2.2:3261/iqn.2026-12.org.ivg.test:san/1", 0, "/dev/mapper/mpathb");
	find("iscsi://[fd00::2]/iqn.2026-12.org.ivg.test:san/7", 0, "/dev/sde");
	find("iscsi://10.0.2.2/iqn.2026-12.org.ivg.test:san/2", -ENOENT, "shows no LUN 2");
	find("iscsi://10.0.2.9/iqn.2026-12.org.ivg.test:san/1", -ENOENT, "iscsiadm -m node -T iqn.2026-12.org.ivg.test:san -p 10.0.2.9:3260 --login");
	find("iscsi://10.0.2.2/iqn.other:x/1", -ENOENT, "no iSCSI session to iqn.other:x");
	find("iscsi://10.0.2.2/iqn.2026-12.org.ivg.test:san", -EINVAL, "no LUN");
	find("/dev/sdb", -EINVAL, "not a SAN disk name");
}

/* A block device node for dev in the tree (needs CAP_MKNOD). */
static bool node(const char *name, dev_t dev, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", root, name);
	unlink(path);
	return mknod(path, S_IFBLK | 0600, dev) == 0;
}

static int plan(const char *disk, int tools, struct bos_san *san, char *msg, size_t len)
{
	struct bos_manifest m = { .name = "deb12", .format = BOS_FMT_TAR, .san_tools = tools };
	struct ivg_ctx ctx;
	char sys[256], *disks[2] = { (char *)disk, "/etc/passwd" };
	int r;

	ivg_ctx_init(&ctx);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	r = bos_san_plan(&ctx, sys, disks, 2, &m, -1, san);
	snprintf(msg, len, "%s", r ? ivg_errmsg(&ctx) : "");
	return r;
}

static void test_bos_needs(void **state)
{
	char lun[300], map[300], local[300], msg[1024];
	struct bos_san san;
	unsigned deb = BOS_SAN_INITRAMFS_TOOLS | BOS_SAN_ISCSISTART | BOS_SAN_IT_ISCSI;

	if (!node("lun", makedev(8, 64), lun, sizeof(lun)) ||
	    !node("map", makedev(253, 1), map, sizeof(map)) ||
	    !node("local", makedev(254, 3), local, sizeof(local)))
		skip();                 /* needs CAP_MKNOD for fake nodes */
	/* A local disk and an image file need nothing, whatever the BOS. */
	assert_int_equal(plan(local, 0, &san, msg, sizeof(msg)), 0);
	assert_false(san.iscsi || san.multipath);
	assert_string_equal(san.kernel_args, "");
	/* An iSCSI LUN: iscsistart, and initramfs-tools' hook if it has that. */
	assert_int_equal(plan(lun, 0, &san, msg, sizeof(msg)), -ENOPKG);
	assert_non_null(strstr(msg, "BOS deb12 cannot boot from"));
	assert_non_null(strstr(msg, "no iscsistart (package open-iscsi)"));
	assert_non_null(strstr(msg, "nothing written"));
	assert_int_equal(plan(lun, BOS_SAN_INITRAMFS_TOOLS | BOS_SAN_ISCSISTART, &san, msg,
			      sizeof(msg)), -ENOPKG);
	assert_non_null(strstr(msg, "initramfs-tools:iscsi (package open-iscsi)"));
	assert_int_equal(plan(lun, deb, &san, msg, sizeof(msg)), 0);
	assert_true(san.iscsi);
	assert_false(san.multipath);
	assert_string_equal(san.initiator, "iqn.2026-12.org.ivg:host5");
	assert_string_equal(san.kernel_args, "iscsi_auto");
	/* A multipath map over iSCSI paths: multipath-tools(-boot) too. */
	assert_int_equal(plan(map, deb, &san, msg, sizeof(msg)), -ENOPKG);
	assert_non_null(strstr(msg, "no multipath (package multipath-tools)"));
	assert_int_equal(plan(map, deb | BOS_SAN_MULTIPATH, &san, msg, sizeof(msg)), -ENOPKG);
	assert_non_null(strstr(msg, "(package multipath-tools-boot)"));
	assert_int_equal(plan(map, deb | BOS_SAN_MULTIPATH | BOS_SAN_IT_MULTIPATH, &san, msg,
			      sizeof(msg)), 0);
	assert_true(san.iscsi && san.multipath);
	assert_int_equal(san.n_wwids, 1);
	assert_string_equal(san.wwids[0], "36001405aabbccdd");
	/* Without initramfs-tools, the tools alone (the test BOS's way). */
	assert_int_equal(plan(map, BOS_SAN_ISCSISTART | BOS_SAN_MULTIPATH, &san, msg,
			      sizeof(msg)), 0);
	/* A manifest of an older ivg says nothing: refused, add it again. */
	assert_int_equal(plan(lun, -1, &san, msg, sizeof(msg)), -ENOPKG);
	assert_non_null(strstr(msg, "bosadd --replace"));
}

static void test_bos_tools(void **state)
{
	assert_int_equal(bos_san_tool_of("usr/sbin/iscsistart"), BOS_SAN_ISCSISTART);
	assert_int_equal(bos_san_tool_of("sbin/multipath"), BOS_SAN_MULTIPATH);
	assert_int_equal(bos_san_tool_of("usr/share/initramfs-tools/hooks/multipath"),
			 BOS_SAN_IT_MULTIPATH);
	assert_int_equal(bos_san_tool_of("usr/sbin/iscsistart.old"), 0);
	assert_int_equal(bos_san_tool_of("home/sbin/iscsistart"), 0);
	for (unsigned b = 1; b < (1u << BOS_SAN_TOOLS); b <<= 1)
		assert_int_equal(bos_san_tool_by_name(bos_san_tool_name(b)), b);
	assert_int_equal(bos_san_tool_by_name("systemd"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iscsi),
		cmocka_unit_test(test_multipath),
		cmocka_unit_test(test_fc_and_local),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_bos_needs),
		cmocka_unit_test(test_bos_tools),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
