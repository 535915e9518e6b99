/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_devlist.c - --devices parsing, and the device list from /sys/block:
 * on a fake sysfs tree (rules) and on this machine (only real nodes).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "devlist.h"

/* ---- ivg_devices_parse --------------------------------------------------- */

static void test_parse_basic(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_devices_parse(&ctx, "/dev/sda", &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "/dev/sda");
	/* Trimmed, comma separated, appended on a repeated option. */
	assert_int_equal(ivg_devices_parse(&ctx, " pv1.img ,\t/dev/loop3,x ",
					   &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[1], "pv1.img");
	assert_string_equal(l.v[2], "/dev/loop3");
	assert_string_equal(l.v[3], "x");
	/* Names already given are not added twice. */
	assert_int_equal(ivg_devices_parse(&ctx, "x,/dev/sda,y,y", &l), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[4], "y");
	/* Inner spaces belong to the name (image files may have them). */
	assert_int_equal(ivg_devices_parse(&ctx, "my disk.img", &l), 0);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[5], "my disk.img");
	ivg_strvec_free(&l);
}

static void expect_error(const char *arg)
{
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_devices_parse(&ctx, "keep", &l), 0);
	assert_int_equal(ivg_devices_parse(&ctx, arg, &l), -EINVAL);
	/* The list is as it was. */
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "keep");
	/* The caller names the option: the message does not. */
	assert_null(strstr(ivg_errmsg(&ctx), "--devices"));
	assert_non_null(strstr(ivg_errmsg(&ctx), arg ? "empty" : "no device names"));
	ivg_strvec_free(&l);
}

static void test_parse_errors(void **state)
{
	expect_error("");
	expect_error("   ");
	expect_error("a,,b");
	expect_error("a,");
	expect_error(",a");
	expect_error("new, ,b");
	expect_error(NULL);
}

static void test_parse_error_message(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_devices_parse(&ctx, "a,,b", &l), -EINVAL);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	assert_string_equal(ivg_errmsg(&ctx),
			    "\"a,,b\": device name 2 is empty");
}

/* ---- a fake /sys, /proc and /dev ------------------------------------------ */

struct tree {
	char root[256];
	bool can_mknod;
};

static void put(struct tree *t, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void dir(struct tree *t, const char *rel)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* A sysfs block device directory with dev and size (512-byte sectors). */
static void sysdev(struct tree *t, const char *rel, unsigned maj,
		   unsigned min, unsigned long long sectors)
{
	char p[300], v[64];

	dir(t, rel);
	snprintf(p, sizeof(p), "%s/dev", rel);
	snprintf(v, sizeof(v), "%u:%u\n", maj, min);
	put(t, p, v);
	snprintf(p, sizeof(p), "%s/size", rel);
	snprintf(v, sizeof(v), "%llu\n", sectors);
	put(t, p, v);
}

static void syspart(struct tree *t, const char *rel, unsigned maj,
		    unsigned min, unsigned long long sectors)
{
	char p[300];

	sysdev(t, rel, maj, min, sectors);
	snprintf(p, sizeof(p), "%s/partition", rel);
	put(t, p, "1\n");
}

static void node(struct tree *t, const char *name, unsigned maj, unsigned min)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/dev/%s", t->root, name);
	assert_int_equal(mknod(path, S_IFBLK | 0600, makedev(maj, min)), 0);
}

/* A SCSI disk sdX (major 8) with its WWN and its node. */
static void scsi_disk(struct tree *t, const char *name, unsigned min, const char *wwn)
{
	char p[128];

	snprintf(p, sizeof(p), "sys/block/%s", name);
	sysdev(t, p, 8, min, 2097152);
	snprintf(p, sizeof(p), "sys/block/%s/device", name);
	dir(t, p);
	snprintf(p, sizeof(p), "sys/block/%s/device/wwid", name);
	put(t, p, wwn);
	node(t, name, 8, min);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	const char *tmp = getenv("TMPDIR");
	char probe[300];

	if (!t)
		return -1;
	snprintf(t->root, sizeof(t->root), "%s/ivg-devlist-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t->root)) {
		free(t);
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/probe", t->root);
	t->can_mknod = mknod(probe, S_IFBLK | 0600, makedev(7, 0)) == 0;
	unlink(probe);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	nftw(t->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

static void build_tree(struct tree *t)
{
	dir(t, "proc");
	put(t, "proc/devices",
	    "Character devices:\n  1 mem\n  8 notblock\n\n"
	    "Block devices:\n  7 loop\n  8 sd\n 11 sr\n104 cciss\n"
	    "253 device-mapper\n254 virtblk\n");
	dir(t, "sys");
	dir(t, "sys/block");
	dir(t, "dev");
	dir(t, "dev/cciss");
	/* sda: partitioned; sda2 is too small for a PV. */
	sysdev(t, "sys/block/sda", 8, 0, 2097152);
	syspart(t, "sys/block/sda/sda1", 8, 1, 1048576);
	syspart(t, "sys/block/sda/sda2", 8, 2, 2048);
	node(t, "sda", 8, 0);
	node(t, "sda1", 8, 1);
	node(t, "sda2", 8, 2);
	/* sdb: partitioned but no partition node: nothing of it. */
	sysdev(t, "sys/block/sdb", 8, 16, 2097152);
	syspart(t, "sys/block/sdb/sdb1", 8, 17, 1048576);
	node(t, "sdb", 8, 16);
	/* loop3 has no backing file; loop4 has a table: kept whole. */
	sysdev(t, "sys/block/loop3", 7, 3, 0);
	node(t, "loop3", 7, 3);
	sysdev(t, "sys/block/loop4", 7, 4, 8192);
	syspart(t, "sys/block/loop4/loop4p1", 259, 0, 4096);
	node(t, "loop4", 7, 4);
	node(t, "loop4p1", 259, 0);
	/* loop10 sorts after loop4. */
	sysdev(t, "sys/block/loop10", 7, 10, 8192);
	node(t, "loop10", 7, 10);
	/* A CD-ROM is not a type lvm2 scans. */
	sysdev(t, "sys/block/sr0", 11, 0, 1048576);
	node(t, "sr0", 11, 0);
	/* An LVM LV is skipped, another dm device is not. */
	sysdev(t, "sys/block/dm-0", 253, 0, 1048576);
	dir(t, "sys/block/dm-0/dm");
	put(t, "sys/block/dm-0/dm/uuid", "LVM-abcdef\n");
	node(t, "dm-0", 253, 0);
	sysdev(t, "sys/block/dm-1", 253, 1, 1048576);
	dir(t, "sys/block/dm-1/dm");
	put(t, "sys/block/dm-1/dm/uuid", "CRYPT-LUKS2-abc\n");
	node(t, "dm-1", 253, 1);
	/* '!' in a sysfs name is '/' under /dev. */
	sysdev(t, "sys/block/cciss!c0d0", 104, 0, 1048576);
	node(t, "cciss/c0d0", 104, 0);
	/* sdc and sdd: two paths of multipath map dm-2 (mpatha), which
	 * kpartx partitioned (dm-3): only the map's partition is scanned. */
	dir(t, "dev/mapper");
	dir(t, "etc");
	dir(t, "etc/multipath");
	scsi_disk(t, "sdc", 32, "naa.600a0b8000000001\n");
	scsi_disk(t, "sdd", 48, "naa.600a0b8000000001\n");
	dir(t, "sys/block/sdc/holders");
	dir(t, "sys/block/sdc/holders/dm-2");
	dir(t, "sys/block/sdd/holders");
	dir(t, "sys/block/sdd/holders/dm-2");
	sysdev(t, "sys/block/dm-2", 253, 2, 2097152);
	dir(t, "sys/block/dm-2/dm");
	put(t, "sys/block/dm-2/dm/uuid", "mpath-3600a0b8000000001\n");
	put(t, "sys/block/dm-2/dm/name", "mpatha\n");
	dir(t, "sys/block/dm-2/holders");
	dir(t, "sys/block/dm-2/holders/dm-3");
	node(t, "dm-2", 253, 2);
	node(t, "mapper/mpatha", 253, 2);
	sysdev(t, "sys/block/dm-3", 253, 3, 2000000);
	dir(t, "sys/block/dm-3/dm");
	put(t, "sys/block/dm-3/dm/uuid", "part3-mpath-3600a0b8000000001\n");
	put(t, "sys/block/dm-3/dm/name", "mpatha-part3\n");
	node(t, "dm-3", 253, 3);
	node(t, "mapper/mpatha-part3", 253, 3);
	/* sde: no map, but multipath recorded its WWID: a path all the
	 * same; sdf: a WWN multipath does not know. */
	scsi_disk(t, "sde", 64, "naa.600a0b8000000002\n");
	scsi_disk(t, "sdf", 80, "naa.600a0b8000000003\n");
	put(t, "etc/multipath/wwids", "/3600a0b8000000001/\n/3600a0b8000000002/\n");
	/* A whole disk without a node. */
	sysdev(t, "sys/block/vdb", 254, 16, 1048576);
	sysdev(t, "sys/block/vda", 254, 0, 1048576);
	node(t, "vda", 254, 0);
}

static void test_system_rules(void **state)
{
	struct tree *t = *state;
	const char *want[] = {
		"/dev/cciss/c0d0", "/dev/dm-1", "/dev/mapper/mpatha-part3",
		"/dev/loop4", "/dev/loop10", "/dev/sda1", "/dev/sdf", "/dev/vda",
	};
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };
	char buf[512];

	if (!t->can_mknod)
		skip();                 /* needs CAP_MKNOD for fake nodes */
	build_tree(t);
	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_devices_system_at(&ctx, t->root, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		print_message("listed %s\n", l.v[i]);
	assert_int_equal(l.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < l.n; i++) {
		snprintf(buf, sizeof(buf), "%s%s", t->root, want[i]);
		assert_string_equal(l.v[i], buf);
	}
	ivg_strvec_free(&l);
}

static void test_system_missing_sysfs(void **state)
{
	struct tree *t = *state;
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };

	ivg_ctx_init(&ctx);
	assert_true(ivg_devices_system_at(&ctx, t->root, &l) < 0);
	assert_non_null(strstr(ivg_errmsg(&ctx), "/proc/devices"));
	dir(t, "proc");
	put(t, "proc/devices", "Block devices:\n  7 loop\n");
	assert_int_equal(ivg_devices_system_at(&ctx, t->root, &l), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "/sys/block"));
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

/* ---- this machine ------------------------------------------------------ */

static void test_system_real(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };
	struct stat st;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_devices_system(&ctx, &l), 0);
	for (size_t i = 0; i < l.n; i++) {
		print_message("listed %s\n", l.v[i]);
		assert_int_equal(strncmp(l.v[i], "/dev/", 5), 0);
		assert_int_equal(stat(l.v[i], &st), 0);
		assert_true(S_ISBLK(st.st_mode));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(l.v[i], l.v[j]);
	}
	ivg_strvec_free(&l);
}

/* A loop device we attach is listed; detached again in teardown. */
struct loopfx {
	char dir[256], img[300], loop[64];
};

static int run_line(char *out, size_t len, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	int st;

	if (!p)
		return -1;
	if (!fgets(out, (int)len, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int loop_setup(void **state)
{
	struct loopfx *l = calloc(1, sizeof(*l));
	char cmd[1024];

	if (!l)
		return -1;
	snprintf(l->dir, sizeof(l->dir), "/tmp/ivg-devlist-loop-XXXXXX");
	if (!mkdtemp(l->dir)) {
		free(l);
		return -1;
	}
	snprintf(l->img, sizeof(l->img), "%s/pv.img", l->dir);
	snprintf(cmd, sizeof(cmd),
		 "truncate -s 8M '%s' && losetup -f --show '%s' 2>/dev/null",
		 l->img, l->img);
	if (geteuid() != 0 || run_line(l->loop, sizeof(l->loop), cmd) != 0)
		l->loop[0] = '\0';
	*state = l;
	return 0;
}

static int loop_teardown(void **state)
{
	struct loopfx *l = *state;
	char cmd[128], out[64];

	if (l->loop[0]) {
		snprintf(cmd, sizeof(cmd), "losetup -d '%s'", l->loop);
		run_line(out, sizeof(out), cmd);
	}
	unlink(l->img);
	rmdir(l->dir);
	free(l);
	return 0;
}

static void test_system_sees_new_loop(void **state)
{
	struct loopfx *lf = *state;
	struct ivg_ctx ctx;
	struct ivg_strvec l = { 0 };
	bool seen = false;

	if (!lf->loop[0])
		skip();                 /* not root, or no loop devices */
	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_devices_system(&ctx, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		seen |= strcmp(l.v[i], lf->loop) == 0;
	ivg_strvec_free(&l);
	assert_true(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_error_message),
		cmocka_unit_test_setup_teardown(test_system_rules, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_system_missing_sysfs,
						tree_setup, tree_teardown),
		cmocka_unit_test(test_system_real),
		cmocka_unit_test_setup_teardown(test_system_sees_new_loop,
						loop_setup, loop_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
