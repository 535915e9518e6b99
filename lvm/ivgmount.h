/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ivgmount.h - an IVG's LVs as block devices on this host, and its
 * filesystems mounted.
 *
 * An LV is reached through device-mapper when the kernel has it
 * (activate.h), otherwise, for single-segment linear LVs, through a loop
 * device (loopdev.h). bosfs and oppfs mount at DIR/bos and DIR/opp. No
 * state is kept: mounts are found again in /proc/self/mountinfo by the
 * device numbers of the VG's LVs, so any later command (ivgexport) can
 * undo what an earlier one did.
 */
#ifndef IVG_IVGMOUNT_H
#define IVG_IVGMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vg.h"

/* The LV's block device now (dm, else loop): path and number, or -ENOENT. */
int ivg_lv_device(const struct ivg_vg *vg, const struct ivg_lv *lv,
		  char *path, size_t len, dev_t *devno);

/*
 * Make the visible LVs named in 'only' (NULL: all) block devices,
 * read-only when asked: with device-mapper as ivg_activate_vg does;
 * without it, each through a loop device. Without device-mapper, LVs
 * that cannot be loops (not one linear segment) are an error naming the
 * first: with 'only', nothing is attached then (and loops attached
 * before a failure are detached); with NULL, the others are attached.
 */
int ivg_lvs_up(struct ivg_ctx *ctx, struct ivg_vg *vg, bool readonly,
	       const char *const *only);
/* How many visible LVs of the VG are a block device now (dm or loop). */
size_t ivg_lvs_up_count(const struct ivg_vg *vg);
/* Remove the VG's dm devices and loop devices; -EBUSY if one is in use. */
int ivg_lvs_down(struct ivg_ctx *ctx, const struct ivg_vg *vg);

/*
 * Mount bosfs at dir/bos and oppfs at dir/opp (made if missing), ext4,
 * nodev and nosuid, read-only when asked. Their devices must be up. A
 * filesystem already mounted there is left as it is. On failure what
 * this call mounted is unmounted again.
 */
int ivg_mount_ivg(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		  const char *dir, bool readonly);
/*
 * Make dir, dir/bos and dir/opp where missing (make), or only check that
 * they could be made (!make); -ENOTDIR naming the one that is not a
 * directory or cannot be made.
 */
int ivg_mount_dirs(struct ivg_ctx *ctx, const char *dir, bool make);
/*
 * Where the block device devno is mounted in this mount namespace (its
 * first mount point): 0 with dir set (and *ro, when not NULL, telling
 * whether that mount is read-only), -ENOENT if it is not mounted here.
 */
int ivg_mount_point(struct ivg_ctx *ctx, dev_t devno, char *dir, size_t len,
		    bool *ro);

/* Unmount every mount of any LV of the VG, deepest first; *n: how many. */
int ivg_umount_vg(struct ivg_ctx *ctx, const struct ivg_vg *vg, size_t *n);

#endif
