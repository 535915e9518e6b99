/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sanfind.c - a disk by its WWN or iSCSI address, through sysfs. */
#define _GNU_SOURCE
#include "sanfind.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsiurl.h"
#include "mpath.h"
#include "sysfs.h"

bool ivg_san_name(const char *name)
{
	return !strncmp(name, "wwn-0x", 6) || !strncmp(name, "iscsi://", 8);
}

struct look {
	struct ivg_ctx *ctx;
	char sysblock[PATH_MAX];
	char wwids[PATH_MAX];
	const char *name;          /* as given, for messages */
	char *dev;
	size_t len;
};

/* Disk kname as the device to use: the map that holds it, or itself. */
static int use_disk(struct look *l, const char *kname)
{
	char map[IVG_KNAME_MAX], alias[256];

	if (ivg_mpath_holder(l->sysblock, kname, map, sizeof(map), alias, sizeof(alias)))
		snprintf(l->dev, l->len, "/dev/mapper/%s", alias);
	else if (ivg_mpath_component(l->sysblock, l->wwids, kname, alias, sizeof(alias)))
		return ivg_err(l->ctx, EBUSY,
			       "%s is /dev/%s, a path of a multipath device (its WWID is in %s) whose map is not set up: run multipath first",
			       l->name, kname, l->wwids);
	else
		snprintf(l->dev, l->len, "/dev/%s", kname);
	return 0;
}

static bool is_partition(const struct look *l, const char *kname)
{
	char dir[PATH_MAX + 64], buf[16];

	if (snprintf(dir, sizeof(dir), "%s/%s", l->sysblock, kname) >= (int)sizeof(dir))
		return false;
	return !ivg_sysfs_read(dir, "partition", buf, sizeof(buf));
}

/* Does disk or map kname carry WWN hex (NAA or EUI-64)? */
static bool has_wwn(const struct look *l, const char *kname, const char *hex)
{
	char wwn[256], wwid[256];

	if (ivg_mpath_map_wwid(l->sysblock, kname, wwid, sizeof(wwid)))
		return (wwid[0] == '3' || wwid[0] == '2') && !strcasecmp(wwid + 1, hex);
	if (!strncmp(kname, "dm-", 3) || !ivg_disk_wwn(l->sysblock, kname, wwn, sizeof(wwn)))
		return false;
	return (!strncmp(wwn, "naa.", 4) || !strncmp(wwn, "eui.", 4)) && !strcasecmp(wwn + 4, hex);
}

static int find_wwn(struct look *l)
{
	const char *hex = l->name + strlen("wwn-0x");
	struct dirent **all;
	int n, r = 1;

	if (!*hex || strspn(hex, "0123456789abcdefABCDEF") != strlen(hex))
		return ivg_err(l->ctx, EINVAL, "\"%s\": not a WWN (wwn-0x and hexadecimal digits)", l->name);
	n = scandir(l->sysblock, &all, NULL, versionsort);
	if (n < 0)
		return ivg_err(l->ctx, errno, "%s: %s", l->sysblock, strerror(errno));
	/* A map first: its paths carry the same WWN. */
	for (int pass = 0; pass < 2 && r > 0; pass++)
		for (int i = 0; i < n && r > 0; i++) {
			const char *k = all[i]->d_name;

			if (k[0] == '.' || (!strncmp(k, "dm-", 3) != !pass) || is_partition(l, k) ||
			    !has_wwn(l, k, hex))
				continue;
			if (!pass) {
				char dir[PATH_MAX + 64], alias[256];

				if (snprintf(dir, sizeof(dir), "%s/%s/dm", l->sysblock, k) >= (int)sizeof(dir) ||
				    ivg_sysfs_read(dir, "name", alias, sizeof(alias)))
					snprintf(alias, sizeof(alias), "%s", k);
				snprintf(l->dev, l->len, "/dev/mapper/%s", alias);
				r = 0;
			} else {
				r = use_disk(l, k);
			}
		}
	for (int i = 0; i < n; i++)
		free(all[i]);
	free(all);
	if (r > 0)
		return ivg_err(l->ctx, ENOENT,
			       "%s: no disk with that WWN on this machine: is the LUN mapped to this host, and its session logged in?",
			       l->name);
	return r;
}

/* Does session dir s (sysfs: .../sessionN) reach host:port? */
static bool session_portal(const char *s, const char *sname, const struct ivg_iscsi_url *u)
{
	char dir[PATH_MAX + 128], addr[256], port[16], host[256];
	const char *n = sname + strlen("session");
	size_t hl = strlen(u->host);

	/* An IPv6 address is written in brackets in the URL, bare in sysfs. */
	if (u->host[0] == '[' && hl > 2)
		snprintf(host, sizeof(host), "%.*s", (int)(hl - 2), u->host + 1);
	else
		snprintf(host, sizeof(host), "%s", u->host);
	snprintf(dir, sizeof(dir), "%s/connection%s:0/iscsi_connection/connection%s:0", s, n, n);
	if ((ivg_sysfs_read(dir, "persistent_address", addr, sizeof(addr)) ||
	     ivg_sysfs_read(dir, "persistent_port", port, sizeof(port))) &&
	    (ivg_sysfs_read(dir, "address", addr, sizeof(addr)) ||
	     ivg_sysfs_read(dir, "port", port, sizeof(port))))
		return false;
	return !strcasecmp(addr, host) && strtoul(port, NULL, 10) == u->port;
}

/* The disk of LUN lun under session dir s: its kernel name. */
static bool session_lun(const char *s, unsigned lun, char *kname, size_t len)
{
	struct dirent *t, *d;
	char dir[PATH_MAX + 512];
	DIR *td = opendir(s), *dd;
	bool found = false;

	while (td && !found && (t = readdir(td))) {
		if (strncmp(t->d_name, "target", 6))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", s, t->d_name);
		dd = opendir(dir);
		while (dd && !found && (d = readdir(dd))) {
			unsigned h, c, id;
			unsigned long long l;
			char blk[PATH_MAX + 1024];
			DIR *b;
			struct dirent *e;

			if (sscanf(d->d_name, "%u:%u:%u:%llu", &h, &c, &id, &l) != 4 || l != lun)
				continue;
			snprintf(blk, sizeof(blk), "%s/%s/block", dir, d->d_name);
			if (!(b = opendir(blk)))
				continue;
			while (!found && (e = readdir(b)))
				/* A name too long for kname is no disk of ours. */
				if (e->d_name[0] != '.' &&
				    snprintf(kname, len, "%s", e->d_name) < (int)len)
					found = true;
			closedir(b);
		}
		if (dd)
			closedir(dd);
	}
	if (td)
		closedir(td);
	return found;
}

static int find_iscsi(struct look *l, const char *sys)
{
	struct ivg_iscsi_url u;
	char sessions[PATH_MAX], link[PATH_MAX + 300], s[PATH_MAX], iqn[IVG_IQN_MAX],
		kname[IVG_KNAME_MAX];
	struct dirent *e;
	bool session = false, found = false;
	DIR *d;
	int r = ivg_iscsi_url_parse(l->ctx, l->name, &u);

	if (r)
		return r;
	snprintf(sessions, sizeof(sessions), "%s/class/iscsi_session", sys);
	d = opendir(sessions);
	while (d && !found && (e = readdir(d))) {
		if (strncmp(e->d_name, "session", 7))
			continue;
		snprintf(link, sizeof(link), "%s/%s", sessions, e->d_name);
		if (ivg_sysfs_read(link, "targetname", iqn, sizeof(iqn)) || strcmp(iqn, u.iqn))
			continue;
		snprintf(link, sizeof(link), "%s/%s/device", sessions, e->d_name);
		if (!realpath(link, s) || !session_portal(s, e->d_name, &u))
			continue;
		session = true;
		found = session_lun(s, u.lun, kname, sizeof(kname));
	}
	if (d)
		closedir(d);
	if (found)
		return use_disk(l, kname);
	if (session)
		return ivg_err(l->ctx, ENOENT,
			       "%s: the session to %s at %s:%u shows no LUN %u on this machine",
			       l->name, u.iqn, u.host, u.port, u.lun);
	return ivg_err(l->ctx, ENOENT,
		       "%s: this machine has no iSCSI session to %s at %s:%u: log in first (iscsiadm -m discovery -t st -p %s:%u, then iscsiadm -m node -T %s -p %s:%u --login), or install from the IVG's maintenance environment, which logs in from the iBFT",
		       l->name, u.iqn, u.host, u.port, u.host, u.port, u.iqn, u.host, u.port);
}

int ivg_san_find(struct ivg_ctx *ctx, const char *sys, const char *name, char *dev,
		 size_t len)
{
	struct look l = { .ctx = ctx, .name = name, .dev = dev, .len = len };

	snprintf(l.sysblock, sizeof(l.sysblock), "%s/class/block", sys);
	/* multipath's own file, at its place whatever sysfs tree is read. */
	snprintf(l.wwids, sizeof(l.wwids), "%s", IVG_MPATH_WWIDS);
	if (!strncmp(name, "wwn-0x", 6))
		return find_wwn(&l);
	if (!strncmp(name, "iscsi://", 8))
		return find_iscsi(&l, sys);
	return ivg_err(ctx, EINVAL, "\"%s\": not a SAN disk name (wwn-0x... or iscsi://...)", name);
}
