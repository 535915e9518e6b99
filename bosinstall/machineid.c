/* SPDX-License-Identifier: GPL-2.0-or-later */
/* machineid.c - a machine's identity and its disks, from sysfs (machineid.h). */
#define _GNU_SOURCE
#include "machineid.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pathf.h"
#include "sanfind.h"
#include "sysfs.h"

/* A sysfs path formatted whole; one too long names no file here. */
#define PATH_OK(buf, ...) \
	(!ivg_pathf(&(struct ivg_ctx){ 0 }, buf, sizeof(buf), __VA_ARGS__))

/* Blanks at both ends cut (serial numbers come padded). */
static void trim(char *buf)
{
	char *s = buf, *e;

	while (isspace((unsigned char)*s))
		s++;
	memmove(buf, s, strlen(s) + 1);
	e = buf + strlen(buf);
	while (e > buf && isspace((unsigned char)e[-1]))
		*--e = '\0';
}

/* dir/name's first line, trimmed, lower case when 'fold'; "" if none. */
static void attr(const char *dir, const char *name, char *buf, size_t len,
		 bool fold)
{
	if (ivg_sysfs_read(dir, name, buf, len)) {
		buf[0] = '\0';
		return;
	}
	trim(buf);
	for (char *s = buf; fold && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void read_macs(const char *sys, struct bos_identity *me)
{
	char dir[PATH_MAX], one[PATH_MAX], mac[64];
	struct dirent *e;
	DIR *d;

	if (!PATH_OK(dir, "%s/class/net", sys) || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)) && me->n_macs < BOS_MACHINE_MAX_LIST) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo") ||
		    !PATH_OK(one, "%s/%s", dir, e->d_name))
			continue;
		attr(one, "address", mac, sizeof(mac), true);
		/* aa:bb:cc:dd:ee:ff, 17 characters: it fits macs[] whole. */
		if (strlen(mac) == 17 && strcmp(mac, "00:00:00:00:00:00"))
			memcpy(me->macs[me->n_macs++], mac, 18);
	}
	closedir(d);
}

int bos_identity_read(struct ivg_ctx *ctx, const char *sys,
		      struct bos_identity *me)
{
	char dir[PATH_MAX];

	*me = (struct bos_identity){ 0 };
	if (PATH_OK(dir, "%s/class/dmi/id", sys))
		attr(dir, "product_uuid", me->uuid, sizeof(me->uuid), true);
	if (PATH_OK(dir, "%s/firmware/ibft/initiator", sys))
		attr(dir, "initiator-name", me->iqn, sizeof(me->iqn), true);
	read_macs(sys, me);
	if (!me->uuid[0] && !me->iqn[0] && !me->n_macs)
		return ivg_err(ctx, ENOENT, "%s: no SMBIOS system UUID, no network address and no iBFT: this machine cannot tell who it is",
			       sys);
	return 0;
}

void bos_identity_describe(const struct bos_identity *me, char *buf,
			   size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "uuid=%s", me->uuid[0] ? me->uuid : "none");

	for (size_t i = 0; i < me->n_macs && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, ", mac=%s", me->macs[i]);
	if (me->iqn[0] && o < len)
		snprintf(buf + o, len - o, ", iqn=%s", me->iqn);
}

/* A SCSI disk's unit serial number: VPD page 0x80, bytes 4 on. */
static void vpd_serial(const char *blockdir, char *out, size_t len)
{
	unsigned char page[260];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	out[0] = '\0';
	if (!PATH_OK(path, "%s/device/vpd_pg80", blockdir) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, page, sizeof(page));
	close(fd);
	if (n < 4 || page[1] != 0x80 || (size_t)page[3] + 4 > (size_t)n)
		return;
	snprintf(out, len, "%.*s", page[3], (const char *)page + 4);
	trim(out);
}

/* Does the disk at sys/class/block/NAME carry this serial number? */
static bool disk_is(const char *sys, const char *name, const char *target)
{
	char dir[PATH_MAX], v[256], sub[PATH_MAX];
	const char *want = target + strlen("serial-");

	if (!PATH_OK(dir, "%s/class/block/%s", sys, name) ||
	    !PATH_OK(sub, "%s/device", dir))
		return false;
	attr(dir, "serial", v, sizeof(v), false);
	if (v[0] && !strcmp(v, want))
		return true;
	attr(sub, "serial", v, sizeof(v), false);
	if (v[0] && !strcmp(v, want))
		return true;
	vpd_serial(dir, v, sizeof(v));
	return v[0] && !strcmp(v, want);
}

/* "/dev/NAME" for the first entry of dir that 'is' accepts (any, when
 * NULL); -ENOENT when none does. */
static int first_disk(const char *dir, const char *sys, const char *target,
		      bool (*is)(const char *sys, const char *name, const char *target),
		      char *dev, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int r = -ENOENT;

	while (d && r && (e = readdir(d)))
		if (e->d_name[0] != '.' && (!is || is(sys, e->d_name, target)))
			r = ivg_pathf(&(struct ivg_ctx){ 0 }, dev, len, "/dev/%s", e->d_name);
	if (d)
		closedir(d);
	return r ? -ENOENT : 0;
}

/* The first disk of sys/class/block whose serial number 'target' names. */
static int by_serial(const char *sys, const char *target, char *dev, size_t len)
{
	char dir[PATH_MAX];

	if (!PATH_OK(dir, "%s/class/block", sys))
		return -ENOENT;
	return first_disk(dir, sys, target, disk_is, dev, len);
}

/* The block device under sys/class/scsi_device/HCTL/device/block/. */
static int scsi_block(const char *sys, const char *hctl, char *dev, size_t len)
{
	char dir[PATH_MAX];

	if (!PATH_OK(dir, "%s/class/scsi_device/%s/device/block", sys, hctl))
		return -ENOENT;
	return first_disk(dir, sys, NULL, NULL, dev, len);
}

/* scsi:T:L: the disk of sys/class/scsi_device at target T, LUN L. */
static int by_hctl(const char *sys, const char *target, char *dev, size_t len)
{
	char dir[PATH_MAX];
	unsigned want_t, want_l;
	struct dirent *e;
	DIR *d;
	int r = -ENOENT;

	if (sscanf(target, "scsi:%u:%u", &want_t, &want_l) != 2 ||
	    !PATH_OK(dir, "%s/class/scsi_device", sys) || !(d = opendir(dir)))
		return -ENOENT;
	while (r && (e = readdir(d))) {
		unsigned h, c, t, l;

		if (sscanf(e->d_name, "%u:%u:%u:%u", &h, &c, &t, &l) == 4 &&
		    t == want_t && l == want_l)
			r = scsi_block(sys, e->d_name, dev, len);
	}
	closedir(d);
	return r;
}

int bos_target_resolve(struct ivg_ctx *ctx, const char *sys,
		       const char *target, char *dev, size_t len)
{
	int r;

	if (!strncmp(target, "/dev/", 5))
		return ivg_pathf(ctx, dev, len, "%s", target);
	/* A SAN LUN as the SAN names it: its multipath map when it has one. */
	if (ivg_san_name(target))
		return ivg_san_find(ctx, sys, target, dev, len);
	if (!strncmp(target, "serial-", 7))
		r = by_serial(sys, target, dev, len);
	else
		r = by_hctl(sys, target, dev, len);
	if (r)
		return ivg_err(ctx, ENOENT, "target %s: no disk of this machine shows it (yet)",
			       target);
	return 0;
}
