/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioscsi.h - a LUN's WWN: the designator of SCSI VPD page 0x83 (device
 * identification) that names the logical unit.
 *
 * Among the designators associated with the logical unit (association 0)
 * the WWN is the first in the order udev's scsi_id and multipath take
 * them: NAA IEEE Registered Extended (6), IEEE Registered (5), IEEE
 * Extended (2), locally assigned (3), other NAA, then EUI-64, SCSI name
 * string, T10 vendor ID. It is written as Linux writes a device's wwid:
 * "naa.HEX", "eui.HEX" (lower-case hex), "t10.TEXT" (blanks as '_'), the
 * name string as it is. Storage lists the same LUN under the same WWN on
 * every path and every host, so it names the LUN wherever it shows up.
 */
#ifndef VIO_SCSI_H
#define VIO_SCSI_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define VIO_WWN_MAX 96
#define VIO_VPD_MAX 1024

/*
 * The WWN in a VPD page 0x83 (page header included, len bytes). 0, or
 * -ENOENT when the page names the logical unit by no designator, -EILSEQ
 * when it is not page 0x83 or a designator runs past its end.
 */
int vio_wwn_from_vpd83(const uint8_t *page, size_t len, char out[VIO_WWN_MAX]);

/*
 * A multipath WWID (/etc/multipath/wwids, a dm-multipath map's UUID
 * "mpath-WWID"): its first digit is the designator type (3 NAA, 2 EUI-64,
 * 1 T10, 8 name string), the rest the designator. As a WWN; -EINVAL when
 * it is not one.
 */
int vio_wwn_from_wwid(const char *wwid, char out[VIO_WWN_MAX]);

/* The other way: ivg_wwn_to_wwid (mpath.h). */

/*
 * INQUIRY for VPD page 0x83 through SG_IO on an open block device (a SCSI
 * disk, or a dm-multipath map, which hands SG_IO to a path). The page
 * into buf (VIO_VPD_MAX bytes), its length into *got. -ENOTTY when the
 * device takes no SCSI commands (a loop device, virtio-blk), -EIO naming
 * path when the command fails.
 */
int vio_sg_inquiry_vpd83(struct ivg_ctx *ctx, int fd, const char *path,
			 uint8_t buf[VIO_VPD_MAX], size_t *got);

#endif
