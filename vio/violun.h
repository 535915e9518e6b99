/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * violun.h - a LUN as a partition's disk: where it is and what it is.
 *
 * Where: an iSCSI LUN (iscsi://HOST[:PORT]/IQN/LUN, which QEMU reads
 * itself through libiscsi), a block device of the host (a SCSI disk, best
 * named /dev/disk/by-id/wwn-..., or a dm-multipath map /dev/mapper/...),
 * or an image file (for the lab). A single path of a multipath device is
 * refused as lvm2 refuses it (viompath.h), and so is a partition.
 *
 * What: its WWN (SCSI VPD page 0x83, vioscsi.h; read with SG_IO from a
 * block device, with an INQUIRY through libiscsi from an iSCSI LUN), the
 * UUID of the LVM PV it holds (viopv.h), its size; an image file also by
 * its inode. A SAN LUN is the same LUN wherever its WWN shows up: on
 * another path, under another LUN number, on another host.
 *
 * Probing reads the LUN; nothing here ever writes one.
 */
#ifndef VIO_LUN_H
#define VIO_LUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "vioiscsi.h"
#include "vioscsi.h"

enum vio_lun_kind { VIO_LUN_ISCSI, VIO_LUN_BLOCK, VIO_LUN_FILE };

struct vio_lun {
	enum vio_lun_kind kind;
	char source[PATH_MAX];    /* iscsi:// URL, device or file path */
	struct ivg_iscsi_url url; /* VIO_LUN_ISCSI */
	char wwn[VIO_WWN_MAX];    /* "" when it has none (an image file) */
	char pv[33];              /* LVM PV UUID without dashes, or "" */
	uint64_t size;            /* bytes */
	uint64_t file_dev, file_ino;  /* VIO_LUN_FILE */
};

const char *vio_lun_kind_name(enum vio_lun_kind k);
int vio_lun_kind_parse(const char *s, enum vio_lun_kind *k);

/*
 * What is at spec now: an iscsi:// URL, else a block device or an image
 * file. Fills out (source: the URL in its one form; for a SCSI disk its
 * /dev/disk/by-id/wwn-... name when there is one, for a multipath map
 * /dev/mapper/NAME). 0, or an error naming spec: -EINVAL (bad URL),
 * -EHOSTUNREACH, -ENXIO (no such LUN), -ENOENT, -EBUSY (a path of a
 * multipath device, naming the map), -ENODEV (nothing identifies it: a
 * block device without WWN or PV).
 */
int vio_lun_probe(struct ivg_ctx *ctx, const char *spec, struct vio_lun *out);

/* The same LUN? The WWN when both have one; else the same image file,
 * or the same PV UUID. */
bool vio_lun_same(const struct vio_lun *a, const struct vio_lun *b);

/* "wwn naa.6...", "pv XXXXXX-XXXX-...", "file PATH". */
void vio_lun_identity(const struct vio_lun *l, char *out, size_t len);

/*
 * Where is the LUN now? At its recorded source if it still shows it;
 * else, by WWN: an iSCSI LUN among the LUNs of its target, then of every
 * target of its portal; a block device among the machine's (a multipath
 * map before its paths). An image file only where it was. *now gets what
 * is there. -ENOENT when it is nowhere, -ENOTUNIQ naming two places.
 */
int vio_lun_find(struct ivg_ctx *ctx, const struct vio_lun *want, struct vio_lun *now);

#endif
