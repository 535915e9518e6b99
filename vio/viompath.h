/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viompath.h - dm-multipath as lvm2 sees it: a SCSI disk that a
 * multipath map holds (a holder whose device-mapper UUID starts with
 * "mpath-"), or whose WWID multipath has recorded in its wwids file, is
 * one path of a multipath device and is not used on its own; the map is.
 *
 * sysblock is /sys/class/block (a tree like it in tests), names are
 * kernel names ("sdb", "dm-0").
 */
#ifndef VIO_MPATH_H
#define VIO_MPATH_H

#include <stdbool.h>
#include <stddef.h>

#define VIO_WWIDS_FILE "/etc/multipath/wwids"

/*
 * The multipath map holding disk 'name': 1 with its kernel name in map
 * (and its /dev/mapper name in alias), 0 when no map holds it.
 */
int vio_mpath_holder(const char *sysblock, const char *name, char *map, size_t maplen,
		     char *alias, size_t aliaslen);

/* Is 'name' a dm-multipath map? Then its WWID ("36001...") into wwid. */
bool vio_mpath_map_wwid(const char *sysblock, const char *name, char *wwid, size_t len);

/* Is wwid listed in multipath's wwids file (lines "/WWID/")? */
bool vio_mpath_wwids_has(const char *file, const char *wwid);

#endif
