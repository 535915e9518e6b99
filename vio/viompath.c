/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viompath.c - multipath maps and their paths, from sysfs. */
#include "viompath.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "sysfs.h"

bool vio_mpath_map_wwid(const char *sysblock, const char *name, char *wwid, size_t len)
{
	char dir[512], uuid[256];

	snprintf(dir, sizeof(dir), "%s/%s/dm", sysblock, name);
	if (ivg_sysfs_read(dir, "uuid", uuid, sizeof(uuid)) || strncmp(uuid, "mpath-", 6) ||
	    !uuid[6])
		return false;
	snprintf(wwid, len, "%s", uuid + 6);
	return true;
}

int vio_mpath_holder(const char *sysblock, const char *name, char *map, size_t maplen,
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
		if (e->d_name[0] == '.' || !vio_mpath_map_wwid(sysblock, e->d_name, wwid, sizeof(wwid)))
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

bool vio_mpath_wwids_has(const char *file, const char *wwid)
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
