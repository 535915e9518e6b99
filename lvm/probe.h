/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe.h - what a disk holds now, before ivg overwrites it (libblkid).
 *
 * Returns 1 and a description ("gpt partition table", "ext4 filesystem",
 * "LVM2_member") when the whole disk carries a signature, 0 when it reads
 * as empty, or a negative errno.
 */
#ifndef IVG_PROBE_H
#define IVG_PROBE_H

#include <stddef.h>

#include "ctx.h"

struct ivg_dev;

int ivg_probe_signature(struct ivg_ctx *ctx, struct ivg_dev *dev,
			char *desc, size_t desc_len);

/*
 * Erase every signature libblkid finds on the whole disk (filesystems,
 * RAID members, partition tables, LVM labels), as wipefs -a and lvm2's
 * pvcreate -y do: only the signature bytes are zeroed. All are found
 * first (nothing is written when probing fails); then their bytes are
 * zeroed through the device layer, each write a fault point, and synced.
 */
int ivg_probe_wipe(struct ivg_ctx *ctx, struct ivg_dev *dev);

#endif
