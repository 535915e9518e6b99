/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioboot.h - what a partition's firmware gets for a boot.
 *
 * The boot type (the partition's, or --mode for one boot) picks the boot
 * list: normal, install or maintenance. For a normal boot with an empty
 * normal list the rootvg list is the boot list. The firmware tries the
 * devices in that order (QEMU bootindex 1, 2, ...); every other mapping
 * is attached beside them without a boot index. The whole set of lists
 * is also handed to the guest (QEMU fw_cfg opt/ivg/vios, a text file),
 * as the SAN boot device answers the firmware's queries for boot, rootvg,
 * primary, secondary and non-essential devices.
 */
#ifndef VIO_BOOT_H
#define VIO_BOOT_H

#include <stdio.h>

#include "viohost.h"

/* The firmware boot order: VTDs of lp, at most VIO_LIST_MAX. */
size_t vio_boot_order(const struct vio_host *h, const struct vio_lpar *lp,
		      enum vio_boot_type mode,
		      const struct vio_vtd *order[VIO_LIST_MAX]);

/* Is the VTD in the partition's non-essential list (may be missing)? */
bool vio_boot_nonessential(const struct vio_lpar *lp, const char *vtd);

/*
 * The boot information as text, one line each: "lpar NAME",
 * "boot_type TYPE", then for every list "LIST VTD@SCSI_ID:LUN ...".
 */
void vio_boot_info(const struct vio_host *h, const struct vio_lpar *lp,
		   enum vio_boot_type mode, FILE *out);

#endif
