/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioboot.h - what a partition's firmware gets for a boot.
 *
 * The boot type (the partition's, or one boot's) picks the boot list:
 * normal, install or maintenance. For a normal boot with an empty normal
 * list the rootvg list is the boot list, and a normal boot's order goes
 * on to the IVG: the maintenance list (else the install list) follows,
 * without the VTDs already in it. The firmware tries the devices
 * in that order (<boot order='1'/>, 2, ...); every other mapping is there
 * without a boot order. The whole set of lists is also handed to the
 * guest (the QEMU firmware configuration file opt/ivg/vios, text), as the
 * SAN boot device answers the firmware's queries for boot, rootvg,
 * primary, secondary and non-essential devices.
 */
#ifndef VIO_BOOT_H
#define VIO_BOOT_H

#include <stddef.h>

#include "violpar.h"

/* The firmware boot order: indexes into lp->vtds, at most VIO_LIST_MAX. */
size_t vio_boot_order(const struct vio_lpar *lp, enum vio_boot_type mode,
		      size_t order[VIO_LIST_MAX]);

/*
 * The boot information as text, one line each: "lpar NAME",
 * "boot_type TYPE", then for every list "LIST VTD@SCSI_ID:LUN ...".
 * Returns a malloc'ed string, or NULL when out of memory.
 */
char *vio_boot_info(const struct vio_lpar *lp, enum vio_boot_type mode);

#endif
