/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sanfind.h - a SAN disk named the way the SAN names it, found among this
 * machine's block devices (sysfs):
 *   wwn-0xHEX           by its WWN, as udev's /dev/disk/by-id links name
 *                       it (NAA or EUI-64 identifier HEX);
 *   iscsi://HOST[:PORT]/IQN/LUN   LUN of target IQN through the portal
 *                       HOST:PORT, of an iSCSI session this machine has
 *                       logged in to (iscsiadm, or the iBFT at boot;
 *                       nothing here logs in).
 * A LUN that a multipath map holds is the map (/dev/mapper/NAME): writing
 * through one path would go around it; one whose WWID multipath recorded
 * without a map set up is refused.
 */
#ifndef IVG_SANFIND_H
#define IVG_SANFIND_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

/* Is 'name' one of the forms above (then ivg_san_find resolves it)? */
bool ivg_san_name(const char *name);

/*
 * The block device ("/dev/sdb", "/dev/mapper/NAME") of disk 'name', with
 * sysfs at 'sys' ("/sys"): 0, -EINVAL for a malformed name, -ENOENT when
 * no disk (or no session) matches, -EBUSY for a path whose map is not set
 * up; the message says which and how to go on.
 */
int ivg_san_find(struct ivg_ctx *ctx, const char *sys, const char *name, char *dev,
		 size_t len);

#endif
