/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machineid.h - what a machine can tell about itself and its disks, from
 * sysfs alone (the maintenance environment has no udev): its identity for
 * its machine entry (machine.h), and which block device a target names.
 *
 * 'sys' is where sysfs is ("/sys"; tests give a tree of their own).
 * The identity: class/dmi/id/product_uuid (the SMBIOS system UUID), the
 * addresses of class/net/ * (but lo and all-zero ones), and the iBFT's
 * firmware/ibft/initiator/initiator-name. A target: /dev/NAME as given;
 * wwn-0xHEX and iscsi://HOST[:PORT]/IQN/LUN as sanfind.h finds them (a
 * LUN's multipath map when it has one); serial-S the disk of class/block
 * whose serial (virtio), device/serial (NVMe) or VPD page 0x80 (SCSI) is
 * S; scsi:T:L the disk at SCSI target T, LUN L.
 */
#ifndef BOS_MACHINEID_H
#define BOS_MACHINEID_H

#include <stddef.h>

#include "machine.h"

int bos_identity_read(struct ivg_ctx *ctx, const char *sys,
		      struct bos_identity *me);
/* "uuid=..., mac=..., iqn=..." for messages. */
void bos_identity_describe(const struct bos_identity *me, char *buf,
			   size_t len);

/* The whole disk a target names, as "/dev/NAME"; -ENOENT (message set)
 * when no disk shows it (yet: disks come up late). */
int bos_target_resolve(struct ivg_ctx *ctx, const char *sys,
		       const char *target, char *dev, size_t len);

#endif
