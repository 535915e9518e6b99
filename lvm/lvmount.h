/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lvmount.h - one LV's filesystem mounted for the length of one step, and
 * then put back as it was.
 *
 * For what needs a VG's filesystem through the kernel for a while: the
 * new rootlv that a BOS's own package manager installs into (chroot), the
 * IVG's oppfs that it reads packages from. The LV is made a block device
 * (ivgmount.h: device-mapper, else a loop device for a single-segment
 * linear LV) unless it is one already, and mounted at 'dir' (made when
 * missing). Read-only means the device is read-only (nothing is written
 * to the disks: a raid1 LV maps one leg), and the mount is "ro,noload"
 * (no journal replay). When the filesystem is mounted on this host
 * already, read-only opens bind that mount read-only at 'dir' instead,
 * and read-write opens are refused (-EBUSY). Closing undoes only what the
 * open did, in reverse: the mount, the device, the directory it made.
 */
#ifndef IVG_LVMOUNT_H
#define IVG_LVMOUNT_H

#include <stdbool.h>

#include "vg.h"

struct ivg_lvmount;

/*
 * Everything checked that can be without the kernel: whether the LV can
 * be a block device on this host (device-mapper, or one linear
 * segment), so that a command refuses before it writes.
 */
int ivg_lvmount_check(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const char *lv);

int ivg_lvmount_open(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		     bool readonly, const char *dir, struct ivg_lvmount **out);
/* Where it is mounted. */
const char *ivg_lvmount_dir(const struct ivg_lvmount *m);
/* Unmount and put back; NULL is fine. Reports the first failure. */
int ivg_lvmount_close(struct ivg_ctx *ctx, struct ivg_lvmount *m);

#endif
