/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loopback.c - image files and the loop devices that show them. */
#include "loopback.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "ivgmount.h"
#include "sysfs.h"

/* Partitions and loops over loops: how deep a name is followed down. */
enum { MAX_DEPTH = 4 };

static void sysdir(dev_t devno, char *dir, size_t len)
{
	snprintf(dir, len, "/sys/dev/block/%u:%u", major(devno), minor(devno));
}

static uint64_t sysfs_u64(const char *dir, const char *file, bool *ok)
{
	char buf[64];

	*ok = !ivg_sysfs_read(dir, file, buf, sizeof(buf)) &&
	      isdigit((unsigned char)buf[0]);
	return *ok ? strtoull(buf, NULL, 10) : 0;
}

/* The /dev node of a block device from its sysfs name ("loop3"). */
static bool node_of(dev_t devno, char *path, size_t len)
{
	char dir[64], link[PATH_MAX];
	ssize_t n;
	const char *base;

	sysdir(devno, dir, sizeof(dir));
	n = readlink(dir, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	base = strrchr(link, '/');
	/* A node path cut short would name another device. */
	return (size_t)snprintf(path, len, "/dev/%s", base ? base + 1 : link) < len;
}

int ivg_loop_backing_of(dev_t devno, struct ivg_loop_backing *out)
{
	struct loop_info64 li;
	char dir[64], sub[80];
	struct stat st;
	int fd, r;

	memset(out, 0, sizeof(*out));
	sysdir(devno, dir, sizeof(dir));
	snprintf(sub, sizeof(sub), "%s/loop", dir);
	if (stat(sub, &st) || !node_of(devno, out->loop, sizeof(out->loop)))
		return -ENOENT;
	/* Not O_EXCL: a look must never be what makes a device busy. */
	fd = open(out->loop, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -ENOENT;
	r = ioctl(fd, LOOP_GET_STATUS64, &li);
	close(fd);
	if (r)
		return -ENOENT;
	out->devno = devno;
	/* The kernel encodes both numbers as stat(2) does. */
	out->shows.file = li.lo_rdevice == 0;
	out->shows.dev = out->shows.file ? (dev_t)li.lo_device
					 : (dev_t)li.lo_rdevice;
	out->shows.ino = out->shows.file ? (ino_t)li.lo_inode : 0;
	out->shows.offset = li.lo_offset;
	out->sizelimit = li.lo_sizelimit;
	return 0;
}

/* The disk a partition is on, and where the partition starts on it. */
static bool partition_of(dev_t devno, dev_t *disk, uint64_t *start)
{
	char dir[64], parent[80], num[32];
	unsigned ma, mi;
	bool ok;

	sysdir(devno, dir, sizeof(dir));
	/* Only partitions have "partition"; sysfs counts "start" in 512s. */
	if (ivg_sysfs_read(dir, "partition", num, sizeof(num)))
		return false;
	*start = sysfs_u64(dir, "start", &ok) * 512;
	snprintf(parent, sizeof(parent), "%s/..", dir);
	if (!ok || ivg_sysfs_read(parent, "dev", num, sizeof(num)) ||
	    sscanf(num, "%u:%u", &ma, &mi) != 2)
		return false;
	*disk = makedev(ma, mi);
	return true;
}

/*
 * What a block device is underneath: a bound loop device what it shows,
 * a partition its disk from the partition's start. *id is updated.
 */
static void resolve_blockdev(struct ivg_disk_ident *id, int depth)
{
	struct ivg_loop_backing b;
	uint64_t start;
	dev_t disk;

	if (id->file || depth >= MAX_DEPTH)
		return;
	if (!ivg_loop_backing_of(id->dev, &b)) {
		b.shows.offset += id->offset;
		*id = b.shows;
	} else if (partition_of(id->dev, &disk, &start)) {
		id->dev = disk;
		id->offset += start;
	} else {
		return;
	}
	resolve_blockdev(id, depth + 1);
}

void ivg_disk_ident_of(const struct ivg_dev *d, struct ivg_disk_ident *out)
{
	*out = (struct ivg_disk_ident){ .file = !d->is_blockdev,
		.dev = d->st_dev, .ino = d->st_ino };
	resolve_blockdev(out, 0);
}

bool ivg_disk_ident_same(const struct ivg_disk_ident *a,
			 const struct ivg_disk_ident *b)
{
	return a->file == b->file && a->dev == b->dev && a->ino == b->ino;
}

size_t ivg_loops_showing(const struct ivg_disk_ident *id,
			 struct ivg_loop_backing *out, size_t max)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d))) {
		struct ivg_loop_backing b;
		struct ivg_disk_ident under;
		char dir[300], num[32];
		unsigned ma, mi;

		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(dir, sizeof(dir), "/sys/block/%s", e->d_name);
		if (ivg_sysfs_read(dir, "dev", num, sizeof(num)) ||
		    sscanf(num, "%u:%u", &ma, &mi) != 2 ||
		    ivg_loop_backing_of(makedev(ma, mi), &b))
			continue;
		under = b.shows;
		resolve_blockdev(&under, 1);
		if (!ivg_disk_ident_same(&under, id))
			continue;
		if (n < max)
			out[n] = b;
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* ---- in use ------------------------------------------------------------ */

enum { MAX_PARTS = 64 };

/* The device and its partitions (sysfs subdirectories with "partition"). */
static size_t with_partitions(dev_t devno, dev_t *v, size_t max)
{
	char dir[64], sub[400], num[32];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	v[n++] = devno;
	sysdir(devno, dir, sizeof(dir));
	d = opendir(dir);
	while (d && n < max && (e = readdir(d))) {
		unsigned ma, mi;
		struct stat st;

		snprintf(sub, sizeof(sub), "%s/%s/partition", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(sub, &st))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (!ivg_sysfs_read(sub, "dev", num, sizeof(num)) &&
		    sscanf(num, "%u:%u", &ma, &mi) == 2)
			v[n++] = makedev(ma, mi);
	}
	if (d)
		closedir(d);
	return n;
}

static bool mounted(struct ivg_ctx *ctx, const dev_t *v, size_t n, char *why,
		    size_t len)
{
	char dir[PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (!ivg_mount_point(ctx, v[i], dir, sizeof(dir), NULL)) {
			snprintf(why, len, "mounted at %s", dir);
			return true;
		}
	return false;
}

/* Device-mapper and md record themselves in holders/. */
static bool held(const dev_t *v, size_t n, char *why, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		char dir[96];
		struct dirent *e;
		DIR *d;

		sysdir(v[i], dir, sizeof(dir));
		strncat(dir, "/holders", sizeof(dir) - strlen(dir) - 1);
		d = opendir(dir);
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(why, len, "held by %s", e->d_name);
				closedir(d);
				return true;
			}
		if (d)
			closedir(d);
	}
	return false;
}

static bool is_one_of(dev_t rdev, const dev_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == rdev)
			return true;
	return false;
}

/* A process with a descriptor on it, as fuser(1) finds one. */
static bool open_in_process(const dev_t *v, size_t n, char *why, size_t len)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	bool found = false;

	while (proc && !found && (p = readdir(proc))) {
		char fddir[64], path[sizeof(fddir) + sizeof(p->d_name) + 1], comm[64] = "?";
		struct dirent *f;
		DIR *d;

		if (!isdigit((unsigned char)p->d_name[0]) ||
		    atoi(p->d_name) == getpid())
			continue;
		/* A /proc entry of a process is its pid: short. */
		snprintf(fddir, sizeof(fddir), "/proc/%.20s/fd", p->d_name);
		d = opendir(fddir);
		while (d && !found && (f = readdir(d))) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", fddir, f->d_name);
			found = f->d_name[0] != '.' && !stat(path, &st) &&
				S_ISBLK(st.st_mode) && is_one_of(st.st_rdev, v, n);
		}
		if (d)
			closedir(d);
		if (!found)
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s", p->d_name);
		ivg_sysfs_read(path, "comm", comm, sizeof(comm));
		/* comm is at most 16 bytes (TASK_COMM_LEN). */
		snprintf(why, len, "open in process %.20s (%.16s)", p->d_name, comm);
	}
	if (proc)
		closedir(proc);
	return found;
}

/* An exclusive open fails while the kernel holds the device. */
static bool claimed(const dev_t *v, size_t n, char *why, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		char node[64];
		int fd;

		if (!node_of(v[i], node, sizeof(node)))
			continue;
		fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno == EBUSY) {
			snprintf(why, len, "claimed by the kernel (%s: mounted in another mount namespace, or swap)",
				 node);
			return true;
		}
	}
	return false;
}

int ivg_blockdev_busy(struct ivg_ctx *ctx, dev_t devno, char *why,
		      size_t len)
{
	dev_t v[MAX_PARTS + 1];
	size_t n = with_partitions(devno, v, MAX_PARTS + 1);

	return mounted(ctx, v, n, why, len) || held(v, n, why, len) ||
	       open_in_process(v, n, why, len) || claimed(v, n, why, len);
}
