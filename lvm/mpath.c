/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpath.c - multipath maps and their paths, from sysfs. */
#define _GNU_SOURCE
#include "mpath.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"

/* The device-mapper UUID of 'name', or "" when it is none. */
static void dm_uuid(const char *sysblock, const char *name, char *uuid, size_t len)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/%s/dm", sysblock, name);
	if (ivg_sysfs_read(dir, "uuid", uuid, len))
		uuid[0] = 0;
}

bool ivg_mpath_map_wwid(const char *sysblock, const char *name, char *wwid, size_t len)
{
	char uuid[256];

	dm_uuid(sysblock, name, uuid, sizeof(uuid));
	if (strncmp(uuid, "mpath-", 6) || !uuid[6])
		return false;
	snprintf(wwid, len, "%s", uuid + 6);
	return true;
}

int ivg_mpath_holder(const char *sysblock, const char *name, char *map, size_t maplen,
		     char *alias, size_t aliaslen)
{
	char dir[512], wwid[256];
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof(dir), "%s/%s/holders", sysblock, name);
	if (!(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !ivg_mpath_map_wwid(sysblock, e->d_name, wwid, sizeof(wwid)))
			continue;
		snprintf(map, maplen, "%s", e->d_name);
		snprintf(dir, sizeof(dir), "%s/%s/dm", sysblock, e->d_name);
		if (ivg_sysfs_read(dir, "name", alias, aliaslen))
			snprintf(alias, aliaslen, "%s", e->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

bool ivg_mpath_wwids_has(const char *file, const char *wwid)
{
	FILE *f = fopen(file, "re");
	char line[512];
	bool has = false;
	size_t n = strlen(wwid);

	if (!f)
		return false;
	while (!has && fgets(line, sizeof(line), f))
		has = line[0] == '/' && !strncmp(line + 1, wwid, n) && line[n + 1] == '/';
	fclose(f);
	return has;
}

int ivg_wwn_to_wwid(const char *wwn, char *out, size_t len)
{
	if (!strncmp(wwn, "naa.", 4))
		snprintf(out, len, "3%s", wwn + 4);
	else if (!strncmp(wwn, "eui.", 4))
		snprintf(out, len, "2%s", wwn + 4);
	else if (!strncmp(wwn, "t10.", 4))
		snprintf(out, len, "1%s", wwn + 4);
	else if (wwn[0])
		snprintf(out, len, "8%s", wwn);
	else
		return -EINVAL;
	return 0;
}

bool ivg_disk_wwn(const char *sysblock, const char *name, char *wwn, size_t len)
{
	char dir[512];

	/* SCSI disks show it on their device, NVMe namespaces on themselves. */
	snprintf(dir, sizeof(dir), "%s/%s/device", sysblock, name);
	if (ivg_sysfs_read(dir, "wwid", wwn, len)) {
		snprintf(dir, sizeof(dir), "%s/%s", sysblock, name);
		if (ivg_sysfs_read(dir, "wwid", wwn, len))
			return false;
	}
	/* Trailing blanks (t10 identifiers are padded) are not part of it. */
	for (size_t n = strlen(wwn); n && wwn[n - 1] == ' '; n--)
		wwn[n - 1] = 0;
	return wwn[0] != 0;
}

int ivg_mpath_component(const char *sysblock, const char *wwids, const char *name,
			char *alias, size_t aliaslen)
{
	char map[IVG_KNAME_MAX], wwn[256], wwid[260];

	if (ivg_mpath_holder(sysblock, name, map, sizeof(map), alias, aliaslen))
		return 1;
	alias[0] = 0;
	if (!strncmp(name, "dm-", 3) || !ivg_disk_wwn(sysblock, name, wwn, sizeof(wwn)) ||
	    ivg_wwn_to_wwid(wwn, wwid, sizeof(wwid)))
		return 0;
	return ivg_mpath_wwids_has(wwids, wwid);
}

bool ivg_mpath_has_dm_parts(const char *sysblock, const char *name)
{
	char dir[512], uuid[256];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s/holders", sysblock, name);
	if (!(d = opendir(dir)))
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		/* kpartx names its maps' UUIDs "partN-<the disk's UUID>". */
		dm_uuid(sysblock, e->d_name, uuid, sizeof(uuid));
		found = !strncmp(uuid, "part", 4);
	}
	closedir(d);
	return found;
}

/* The one entry of dir, or false. */
static bool only_entry(const char *dir, char *out, size_t len)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n++ == 0)
			snprintf(out, len, "%s", e->d_name);
	closedir(d);
	return n == 1;
}

bool ivg_dm_part_of(const char *sysblock, const char *name, char *parent, size_t len)
{
	char dir[512], uuid[256];

	if (strncmp(name, "dm-", 3))
		return false;
	dm_uuid(sysblock, name, uuid, sizeof(uuid));
	if (strncmp(uuid, "part", 4))
		return false;
	snprintf(dir, sizeof(dir), "%s/%s/slaves", sysblock, name);
	return only_entry(dir, parent, len);
}

static int by_name(const void *a, const void *b)
{
	return strverscmp(a, b);
}

size_t ivg_mpath_paths(const char *sysblock, const char *name,
		       char (*paths)[IVG_KNAME_MAX], size_t max)
{
	char dir[512], wwid[256], (*all)[IVG_KNAME_MAX] = NULL;
	struct dirent *e;
	size_t n = 0, cap = 0;
	DIR *d;

	if (!ivg_mpath_map_wwid(sysblock, name, wwid, sizeof(wwid)))
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s/slaves", sysblock, name);
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		/* Kernel names are short; a longer one is no block device. */
		if (e->d_name[0] == '.' || strlen(e->d_name) >= IVG_KNAME_MAX)
			continue;
		if (n == cap) {
			void *more = realloc(all, (cap = cap ? cap * 2 : 8) * sizeof(*all));

			if (!more)
				break;
			all = more;
		}
		memcpy(all[n++], e->d_name, strlen(e->d_name) + 1);
	}
	closedir(d);
	if (n)
		qsort(all, n, sizeof(*all), by_name);
	for (size_t i = 0; i < n && i < max; i++)
		memcpy(paths[i], all[i], sizeof(*all));
	free(all);
	return n;
}
