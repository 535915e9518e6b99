/* SPDX-License-Identifier: GPL-2.0-or-later */
/* devlist.c - lists of devices to scan: --devices and /sys/block. */
#define _GNU_SOURCE
#include "devlist.h"
#include "mpath.h"
#include "sysfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* lvm2's devices/pv_min_size default: smaller devices are never PVs. */
#define PV_MIN_BYTES (2048ULL * 1024)

/* ---- --devices ---------------------------------------------------------- */

/* Trim [*s, *s+*len) of spaces at both ends. */
static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static int parse_into(struct ivg_ctx *ctx, const char *arg,
		      struct ivg_strvec *paths)
{
	const char *p = arg;
	size_t item = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *name = p;

		item++;
		trim(&name, &len);
		if (!len)
			return ivg_err(ctx, EINVAL, "\"%s\": device name %zu is empty",
				       arg, item);
		if (!ivg_strvec_hasn(paths, name, len) &&
		    ivg_strvec_addn(paths, name, len))
			return ivg_err(ctx, ENOMEM, "out of memory");
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int ivg_devices_parse(struct ivg_ctx *ctx, const char *arg,
		      struct ivg_strvec *paths)
{
	size_t was = paths->n;
	int rc;

	if (!arg)
		return ivg_err(ctx, EINVAL, "no device names given");
	rc = parse_into(ctx, arg, paths);
	if (rc)
		ivg_strvec_truncate(paths, was);
	return rc;
}

/* ---- /sys/block ------------------------------------------------------- */

/*
 * lvm2's built-in device types (lib/device/device-types.h, as names in
 * /proc/devices) and whether lvm2 looks for partition tables on them.
 * md and device-mapper count as partitionable there too.
 */
static const struct {
	const char *name;
	bool partitionable;
} lvm_types[] = {
	{ "sd", true }, { "ide", true }, { "md", true }, { "loop", false },
	{ "ramdisk", false }, { "device-mapper", true }, { "mdp", false },
	{ "dasd", true }, { "dac960", true }, { "nbd", true }, { "ida", true },
	{ "cciss", true }, { "ubd", true }, { "ataraid", true },
	{ "drbd", true }, { "rbd", true }, { "emcpower", true },
	{ "power2", true }, { "i2o_block", true }, { "iseries/vd", true },
	{ "gnbd", false }, { "aoe", true }, { "xvd", true }, { "vdisk", true },
	{ "ps3disk", true }, { "virtblk", true }, { "mmc", true },
	{ "blkext", false }, { "fio", true }, { "mtip32xx", true },
	{ "vtms", true }, { "skd", true }, { "scm", true },
	{ "bcache", false }, { "nvme", true }, { "zvol", true },
	{ "VxDMP", true }, { "zram", false },
};

#define NO_TYPE (-1)
#define MAX_MAJOR 4096          /* MAJOR() is 12 bits */

struct sysscan {
	struct ivg_ctx *ctx;
	const char *root;
	signed char type_of[MAX_MAJOR];   /* index into lvm_types or NO_TYPE */
	struct ivg_strvec out;
};

static int lvm_type_index(const char *name)
{
	for (size_t i = 0; i < sizeof(lvm_types) / sizeof(lvm_types[0]); i++)
		if (strcmp(lvm_types[i].name, name) == 0)
			return (int)i;
	return NO_TYPE;
}

/* Map block majors to lvm2 types from the "Block devices:" part. */
static int read_majors(struct sysscan *s)
{
	char path[PATH_MAX], line[256], name[128];
	bool block = false;
	unsigned major;
	FILE *f;

	memset(s->type_of, NO_TYPE, sizeof(s->type_of));
	snprintf(path, sizeof(path), "%s/proc/devices", s->root);
	f = fopen(path, "re");
	if (!f)
		return ivg_err(s->ctx, errno, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Block devices:", 14) == 0)
			block = true;
		else if (block && sscanf(line, "%u %127s", &major, name) == 2 &&
			 major < MAX_MAJOR)
			s->type_of[major] = (signed char)lvm_type_index(name);
	}
	fclose(f);
	return 0;
}

/* buf = a/b + c; false if it does not fit (such entries are skipped). */
static bool join(char *buf, size_t len, const char *a, const char *b,
		 const char *c)
{
	int n = snprintf(buf, len, "%s/%s%s", a, b, c);

	return n >= 0 && (size_t)n < len;
}

static uint64_t sysfs_bytes(const char *dir)
{
	char buf[64];

	if (ivg_sysfs_read(dir, "size", buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 10) * 512;    /* sysfs counts 512s */
}

/* The lvm_types index of a device, or NO_TYPE. */
static int dev_type(struct sysscan *s, const char *dir)
{
	char buf[64];
	unsigned major, minor;

	if (ivg_sysfs_read(dir, "dev", buf, sizeof(buf)) ||
	    sscanf(buf, "%u:%u", &major, &minor) != 2 || major >= MAX_MAJOR)
		return NO_TYPE;
	return s->type_of[major];
}

static bool is_lvm_lv(const char *dir)
{
	char buf[128];

	return ivg_sysfs_read(dir, "dm/uuid", buf, sizeof(buf)) == 0 &&
	       strncmp(buf, "LVM-", 4) == 0;
}

/*
 * A device-mapper device by its /dev/mapper name, as lvm2 shows it, when
 * that node is this device.
 */
static bool mapper_name(struct sysscan *s, const char *sysdir, const struct stat *st,
			char *path, size_t len)
{
	char dmname[256];
	struct stat m;

	if (ivg_sysfs_read(sysdir, "dm/name", dmname, sizeof(dmname)) || !dmname[0] ||
	    strchr(dmname, '/') || !join(path, len, s->root, "dev/mapper/", dmname))
		return false;
	return stat(path, &m) == 0 && S_ISBLK(m.st_mode) && m.st_rdev == st->st_rdev;
}

/* Add /dev/NAME if it is big enough and its node is a block device. */
static int add_node(struct sysscan *s, const char *sysdir, const char *name)
{
	char path[PATH_MAX], mapper[PATH_MAX];
	struct stat st;
	char *p;

	if (sysfs_bytes(sysdir) < PV_MIN_BYTES)
		return 0;
	if (!join(path, sizeof(path), s->root, "dev/", name))
		return 0;
	for (p = path + strlen(s->root); *p; p++)
		if (*p == '!')
			*p = '/';
	if (!strncmp(name, "dm-", 3) && !stat(path, &st) && mapper_name(s, sysdir, &st, mapper, sizeof(mapper)))
		memcpy(path, mapper, sizeof(path));
	if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode)) {
		ivg_debug(s->ctx, "%s: no block device node, not scanned", path);
		return 0;
	}
	if (ivg_strvec_add(&s->out, path))
		return ivg_err(s->ctx, ENOMEM, "out of memory listing devices");
	return 0;
}

static int no_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Partition subdirectories of a disk, in natural order. */
static int list_parts(const char *diskdir, struct dirent ***parts)
{
	struct dirent **all;
	int n = scandir(diskdir, &all, no_dots, versionsort), k = 0;
	char path[PATH_MAX];
	struct stat st;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (join(path, sizeof(path), diskdir, all[i]->d_name,
			 "/partition") && stat(path, &st) == 0)
			all[k++] = all[i];
		else
			free(all[i]);
	}
	*parts = all;
	return k;
}

static int add_parts(struct sysscan *s, const char *diskdir,
		     struct dirent **parts, int nparts)
{
	char dir[PATH_MAX];
	int rc = 0;

	for (int i = 0; i < nparts && !rc; i++)
		if (join(dir, sizeof(dir), diskdir, parts[i]->d_name, ""))
			rc = add_node(s, dir, parts[i]->d_name);
	return rc;
}

/*
 * lvm2's multipath component detection: a path of a multipath device is
 * skipped (the map is scanned), and so is a map that kpartx partitioned
 * (its partitions are scanned, as a partitioned disk's are).
 */
static bool is_mpath_path(struct sysscan *s, const char *name)
{
	char sysblock[PATH_MAX], wwids[PATH_MAX], alias[256];

	if (!join(sysblock, sizeof(sysblock), s->root, "sys/block", "") ||
	    !join(wwids, sizeof(wwids), s->root, "etc/multipath/wwids", ""))
		return false;
	if (ivg_mpath_component(sysblock, wwids, name, alias, sizeof(alias))) {
		ivg_debug(s->ctx, "%s: a path of multipath device %s, not scanned", name,
			  alias[0] ? alias : "(in the wwids file)");
		return true;
	}
	if (!strncmp(name, "dm-", 3) && ivg_mpath_has_dm_parts(sysblock, name)) {
		ivg_debug(s->ctx, "%s: partitioned (kpartx), its partitions are scanned", name);
		return true;
	}
	return false;
}

static int scan_disk(struct sysscan *s, const char *name)
{
	char dir[PATH_MAX];
	struct dirent **parts = NULL;
	int type, nparts, rc;

	if (!join(dir, sizeof(dir), s->root, "sys/block/", name))
		return 0;
	type = dev_type(s, dir);
	if (type == NO_TYPE || is_lvm_lv(dir)) {
		ivg_debug(s->ctx, "%s: not a device type lvm2 scans", name);
		return 0;
	}
	if (is_mpath_path(s, name))
		return 0;
	nparts = list_parts(dir, &parts);
	if (nparts < 0)
		return 0;               /* vanished meanwhile */
	if (lvm_types[type].partitionable && nparts > 0)
		rc = add_parts(s, dir, parts, nparts);
	else
		rc = add_node(s, dir, name);
	for (int i = 0; i < nparts; i++)
		free(parts[i]);
	free(parts);
	return rc;
}

int ivg_devices_system_at(struct ivg_ctx *ctx, const char *root,
			  struct ivg_strvec *paths)
{
	struct sysscan *s = calloc(1, sizeof(*s));
	struct dirent **disks = NULL;
	char dir[PATH_MAX];
	int nd, rc;

	if (!s)
		return ivg_err(ctx, ENOMEM, "out of memory listing devices");
	s->ctx = ctx;
	s->root = root;
	rc = read_majors(s);
	snprintf(dir, sizeof(dir), "%s/sys/block", root);
	nd = rc ? 0 : scandir(dir, &disks, no_dots, versionsort);
	if (!rc && nd < 0)
		rc = ivg_err(ctx, errno, "cannot list block devices: %s: %s",
			     dir, strerror(errno));
	for (int i = 0; i < nd; i++) {
		if (!rc)
			rc = scan_disk(s, disks[i]->d_name);
		free(disks[i]);
	}
	free(disks);
	if (rc)
		ivg_strvec_free(&s->out);
	else
		*paths = s->out;
	free(s);
	return rc;
}

int ivg_devices_system(struct ivg_ctx *ctx, struct ivg_strvec *paths)
{
	return ivg_devices_system_at(ctx, "", paths);
}

/* ---- devices named by hand ----------------------------------------------- */

/* The kernel name of the whole disk under block device st ("sdb" for sdb3). */
static bool disk_kname(const struct stat *st, char *name, size_t len)
{
	char link[64], real[PATH_MAX], part[16];
	char *slash;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st->st_rdev), minor(st->st_rdev));
	if (!realpath(link, real))
		return false;
	if (!ivg_sysfs_read(real, "partition", part, sizeof(part)) && (slash = strrchr(real, '/')))
		*slash = 0;
	if (!(slash = strrchr(real, '/')))
		return false;
	snprintf(name, len, "%s", slash + 1);
	return true;
}

int ivg_devices_check_mpath(struct ivg_ctx *ctx, char *const *paths, size_t n)
{
	char kname[IVG_KNAME_MAX], alias[256];
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		if (stat(paths[i], &st) || !S_ISBLK(st.st_mode) ||
		    !disk_kname(&st, kname, sizeof(kname)) ||
		    !ivg_mpath_component("/sys/class/block", IVG_MPATH_WWIDS, kname, alias, sizeof(alias)))
			continue;
		if (alias[0])
			return ivg_err(ctx, EBUSY,
				       "%s is one path of multipath device /dev/mapper/%s: name that (or its partition) instead",
				       paths[i], alias);
		return ivg_err(ctx, EBUSY,
			       "%s is a path of a multipath device (its WWID is in %s) whose map is not set up: run multipath, then name /dev/mapper's device",
			       paths[i], IVG_MPATH_WWIDS);
	}
	return 0;
}
