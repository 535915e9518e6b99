/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mpath.h - dm-multipath as lvm2 sees it (its multipath_component_detection):
 * a disk that a multipath map holds (a holder whose device-mapper UUID
 * starts with "mpath-"), or whose WWID multipath has recorded in its wwids
 * file, is one path of a multipath device and is never used on its own;
 * the map is. A partition of such a disk is a path's partition, and the
 * map's own partitions (kpartx: holders whose UUID starts with "part")
 * are where its partition table is read.
 *
 * sysblock is /sys/block or /sys/class/block (or a tree like them in
 * tests); names are kernel names ("sdb", "dm-0"). Nothing here fails:
 * what sysfs does not show is taken as "no".
 */
#ifndef IVG_MPATH_H
#define IVG_MPATH_H

#include <stdbool.h>
#include <stddef.h>

#define IVG_MPATH_WWIDS "/etc/multipath/wwids"
/* Kernel names are short ("sdb", "dm-12", "nvme0n1"). */
#define IVG_KNAME_MAX 64

/*
 * The multipath map holding disk 'name': 1 with its kernel name in map
 * (and its /dev/mapper name in alias), 0 when no map holds it.
 */
int ivg_mpath_holder(const char *sysblock, const char *name, char *map, size_t maplen,
		     char *alias, size_t aliaslen);

/* Is 'name' a dm-multipath map? Then its WWID ("36001...") into wwid. */
bool ivg_mpath_map_wwid(const char *sysblock, const char *name, char *wwid, size_t len);

/* Is wwid listed in multipath's wwids file (lines "/WWID/")? */
bool ivg_mpath_wwids_has(const char *file, const char *wwid);

/*
 * The WWID multipath gives a SCSI disk, from the kernel's device/wwid as
 * lvm2 reads it: "naa.X" is "3X", "eui.X" "2X", "t10.X" "1X" (any other
 * identifier "8" and itself). 0, or -EINVAL for an empty one.
 */
int ivg_wwn_to_wwid(const char *wwn, char *out, size_t len);

/* The kernel's WWN of disk 'name' (device/wwid: "naa.6001..."), or false. */
bool ivg_disk_wwn(const char *sysblock, const char *name, char *wwn, size_t len);

/*
 * Is disk 'name' a path of a multipath device (held by a map, or its WWID
 * in the wwids file)? 1 with the map's /dev/mapper name in alias (empty
 * when only the wwids file says so, the map not being set up), else 0.
 */
int ivg_mpath_component(const char *sysblock, const char *wwids, const char *name,
			char *alias, size_t aliaslen);

/* Does device-mapper device 'name' have partitions of its own (kpartx)? */
bool ivg_mpath_has_dm_parts(const char *sysblock, const char *name);

/* Is 'name' a kpartx partition? Then the device it partitions into parent. */
bool ivg_dm_part_of(const char *sysblock, const char *name, char *parent, size_t len);

/*
 * The paths of multipath map 'name' (its slaves), sorted, at most max;
 * returns how many there are.
 */
size_t ivg_mpath_paths(const char *sysblock, const char *name,
		       char (*paths)[IVG_KNAME_MAX], size_t max);

#endif
