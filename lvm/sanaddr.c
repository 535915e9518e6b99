/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sanaddr.c - a disk's WWN, multipath map and paths, from sysfs. */
#define _GNU_SOURCE
#include "sanaddr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sysfs.h"

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* dir/NAME... the first component of 'path' starting with 'prefix',
 * cut there: "/sys/.../host2/session1/target2:0:0" -> ".../session1". */
static bool component(const char *path, const char *prefix, char *out, size_t len)
{
	const char *p = path;
	size_t n = strlen(prefix);

	while ((p = strchr(p, '/'))) {
		p++;
		if (!strncmp(p, prefix, n)) {
			const char *end = strchr(p, '/');
			size_t l = end ? (size_t)(end - path) : strlen(path);

			if (l >= len)
				return false;
			memcpy(out, path, l);
			out[l] = 0;
			return true;
		}
	}
	return false;
}

/* An iSCSI path: the session's target and its connection's portal. */
static void iscsi_path(const char *session, struct ivg_san_path *p)
{
	char dir[PATH_MAX + 64], addr[256], port[16];
	const char *name = base(session);

	p->transport = IVG_SAN_ISCSI;
	if (snprintf(dir, sizeof(dir), "%s/iscsi_session/%s", session, name) >= (int)sizeof(dir))
		return;             /* a path cut short would name another file */
	if (ivg_sysfs_read(dir, "targetname", p->target, sizeof(p->target)))
		p->target[0] = 0;
	if (ivg_sysfs_read(dir, "initiatorname", p->initiator, sizeof(p->initiator)))
		p->initiator[0] = 0;
	/* Connection 0 of session N is connectionN:0. */
	snprintf(dir, sizeof(dir), "%s/connection%s:0/iscsi_connection/connection%s:0",
		 session, name + strlen("session"), name + strlen("session"));
	if ((!ivg_sysfs_read(dir, "persistent_address", addr, sizeof(addr)) &&
	     !ivg_sysfs_read(dir, "persistent_port", port, sizeof(port))) ||
	    (!ivg_sysfs_read(dir, "address", addr, sizeof(addr)) &&
	     !ivg_sysfs_read(dir, "port", port, sizeof(port))))
		snprintf(p->portal, sizeof(p->portal), strchr(addr, ':') ? "[%s]:%s" : "%s:%s",
			 addr, port);
}

static void fc_path(const char *rport, struct ivg_san_path *p)
{
	char dir[PATH_MAX + 64];

	p->transport = IVG_SAN_FC;
	if (snprintf(dir, sizeof(dir), "%s/fc_remote_ports/%s", rport, base(rport)) >= (int)sizeof(dir))
		return;
	if (ivg_sysfs_read(dir, "port_name", p->target, sizeof(p->target)))
		p->target[0] = 0;
}

static void describe_path(const char *sys, const char *kname, struct ivg_san_path *p)
{
	char link[PATH_MAX], dev[PATH_MAX], up[PATH_MAX];
	unsigned h, c, t;

	memset(p, 0, sizeof(*p));
	snprintf(p->kname, sizeof(p->kname), "%s", kname);
	snprintf(link, sizeof(link), "%s/class/block/%s/device", sys, kname);
	if (!realpath(link, dev))
		return;
	if (sscanf(base(dev), "%u:%u:%u:%llu", &h, &c, &t, &p->lun) != 4)
		return;
	p->transport = IVG_SAN_SCSI;
	if (snprintf(p->hctl, sizeof(p->hctl), "%s", base(dev)) >= (int)sizeof(p->hctl))
		return;
	if (ivg_sysfs_read(dev, "state", p->state, sizeof(p->state)))
		p->state[0] = 0;
	if (component(dev, "session", up, sizeof(up)))
		iscsi_path(up, p);
	else if (component(dev, "rport-", up, sizeof(up)))
		fc_path(up, p);
}

/* The block directory of dev, the whole disk's for a partition. */
static int disk_dir(const char *sys, dev_t dev, char *dir, size_t len)
{
	char link[PATH_MAX], part[16];
	char *slash;

	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sys, major(dev), minor(dev));
	if (len < PATH_MAX || !realpath(link, dir))
		return -ENODEV;
	if (!ivg_sysfs_read(dir, "partition", part, sizeof(part)) && (slash = strrchr(dir, '/')))
		*slash = 0;
	return 0;
}

int ivg_san_disk_at(const char *sys, dev_t dev, struct ivg_san_disk *out)
{
	char dir[PATH_MAX], sysblock[PATH_MAX], wwid[256], names[IVG_SAN_PATHS_MAX][IVG_KNAME_MAX];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (disk_dir(sys, dev, dir, sizeof(dir)))
		return -ENODEV;
	/* Kernel names fit IVG_KNAME_MAX; anything longer is no disk. */
	if (snprintf(out->kname, sizeof(out->kname), "%s", base(dir)) >= (int)sizeof(out->kname) ||
	    snprintf(sysblock, sizeof(sysblock), "%s/class/block", sys) >= (int)sizeof(sysblock))
		return -ENODEV;
	/* A kpartx partition stands for the map under it. */
	if (ivg_dm_part_of(sysblock, out->kname, dir, sizeof(dir)) &&
	    snprintf(out->kname, sizeof(out->kname), "%s", dir) >= (int)sizeof(out->kname))
		return -ENODEV;
	if (ivg_mpath_map_wwid(sysblock, out->kname, wwid, sizeof(wwid))) {
		if (snprintf(dir, sizeof(dir), "%s/%s/dm", sysblock, out->kname) >= (int)sizeof(dir))
			return -ENODEV;
		if (ivg_sysfs_read(dir, "name", out->mpath, sizeof(out->mpath)))
			snprintf(out->mpath, sizeof(out->mpath), "%s", out->kname);
		n = ivg_mpath_paths(sysblock, out->kname, names, IVG_SAN_PATHS_MAX);
	} else {
		snprintf(names[0], sizeof(names[0]), "%s", out->kname);
		n = 1;
	}
	out->n_paths = n;
	for (size_t i = 0; i < n && i < IVG_SAN_PATHS_MAX; i++) {
		describe_path(sys, names[i], &out->paths[i]);
		if (!out->wwn[0] && !ivg_disk_wwn(sysblock, names[i], out->wwn, sizeof(out->wwn)))
			out->wwn[0] = 0;
	}
	return 0;
}

int ivg_san_disk(const char *path, struct ivg_san_disk *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	return ivg_san_disk_at("/sys", st.st_rdev, out);
}

int ivg_san_disk_known(const struct ivg_san_disk *d)
{
	return d->wwn[0] || d->mpath[0] ||
	       (d->n_paths && d->paths[0].transport >= IVG_SAN_ISCSI);
}

void ivg_san_path_format(const struct ivg_san_path *p, char *out, size_t len)
{
	switch (p->transport) {
	case IVG_SAN_ISCSI:
		snprintf(out, len, "iSCSI %s LUN %llu at %s", p->target[0] ? p->target : "?", p->lun,
			 p->portal[0] ? p->portal : "?");
		break;
	case IVG_SAN_FC:
		snprintf(out, len, "FC %s LUN %llu", p->target[0] ? p->target : "?", p->lun);
		break;
	case IVG_SAN_SCSI:
		snprintf(out, len, "SCSI %s", p->hctl);
		break;
	default:
		snprintf(out, len, "%s", "not SCSI");
	}
}
