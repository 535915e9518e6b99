/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devlist.h - which devices to scan: lvm2's --devices option, or the
 * machine's block devices as lvm2's default scan sees them.
 *
 * ivg_devices_system() walks /sys/block and applies, in this order, the
 * rules of lvm2 2.03's default filters:
 *   - a device whose major number is not of a type lvm2 knows (its
 *     built-in list of /proc/devices names: sd, virtblk, nvme, loop, md,
 *     device-mapper, zram, ...) is skipped: CD-ROMs (sr), floppies (fd);
 *   - a device smaller than 2 MiB (devices/pv_min_size) is skipped, which
 *     covers a loop device without a backing file (size 0);
 *   - a device-mapper device that is an LVM LV (dm uuid "LVM-...") is
 *     skipped (devices/scan_lvs = 0);
 *   - a path of a multipath device (held by a dm-multipath map, or its
 *     WWID in /etc/multipath/wwids) is skipped, and so are its partitions:
 *     the map is scanned instead (lvm2's multipath_component_detection;
 *     mpath.h); a map that kpartx partitioned is skipped for its
 *     partitions, as a partitioned disk is;
 *   - a whole disk of a partitionable type (sd, virtblk, nvme, md, ...)
 *     that has partitions is skipped and its partitions are listed
 *     instead (lvm2's "partitioned" filter);
 *   - devices lvm2 treats as not partitionable (loop, zram, ram, ...) are
 *     kept whole and their partitions, if any, are not listed: loop
 *     devices get no partition nodes on this machine, and ivg reads the
 *     GPT from the whole device (listing both would show a PV twice);
 *   - only /dev/NAME nodes that exist as block devices are listed
 *     ('!' in a sysfs name stands for '/', as in cciss!c0d0); a
 *     device-mapper device is named /dev/mapper/NAME when that node is it.
 * Devices that vanish while they are looked at are left out silently.
 * The list is sorted in natural order (loop2 before loop10).
 */
#ifndef IVG_DEVLIST_H
#define IVG_DEVLIST_H

#include <stddef.h>

#include "ctx.h"
#include "strvec.h"

/*
 * Parse one value of --devices: a comma-separated list of device names or
 * image files. Spaces around names are trimmed; an empty name is an error
 * (-EINVAL). The names are appended to paths (call again for a repeated
 * option); a name already there is not added twice. On error paths is
 * unchanged.
 */
int ivg_devices_parse(struct ivg_ctx *ctx, const char *arg,
		      struct ivg_strvec *paths);

/* This machine's block devices by the rules above, into an empty paths. */
int ivg_devices_system(struct ivg_ctx *ctx, struct ivg_strvec *paths);

/*
 * The same with every absolute path (/sys, /proc, /dev) prefixed by root:
 * for tests on a fake tree. root "" is the real system.
 */
int ivg_devices_system_at(struct ivg_ctx *ctx, const char *root,
			  struct ivg_strvec *paths);

/*
 * Devices named by hand (--devices): one that is a path of a multipath
 * device, or a partition of one, is refused with -EBUSY naming the map to
 * use instead; writing through one path would go around the map. Image
 * files and other devices pass.
 */
int ivg_devices_check_mpath(struct ivg_ctx *ctx, char *const *paths, size_t n);

#endif
