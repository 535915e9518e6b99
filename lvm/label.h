/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * label.h - the LVM2 label and PV header (with extension version 2).
 *
 * Layout of the label sector (lvm2 writes it to sector 1 and scans sectors
 * 0-3 of a PV), all integers little-endian:
 *
 *     0  "LABELONE"
 *     8  u64 sector number (must equal the sector it sits in)
 *    16  u32 CRC of bytes 20..511 (crc.h)
 *    20  u32 offset of the PV header = 32
 *    24  "LVM2 001"
 *    32  PV header: 32-char UUID (no dashes), u64 device size in bytes,
 *        data areas {u64 offset, u64 size}... {0,0},
 *        metadata areas {u64 offset, u64 size}... {0,0},
 *        extension: u32 version, u32 flags, bootloader areas ... {0,0}
 *
 * Offsets and sizes are bytes from the start of the PV. A data area size
 * of 0 means "to the end of the device". Like lvm2, a list ends at the
 * first entry whose offset is 0.
 */
#ifndef IVG_LABEL_H
#define IVG_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct ivg_dev;

#define IVG_LABEL_SECTOR 1              /* where lvm2 writes the label */
#define IVG_LABEL_SCAN_SECTORS 4        /* lvm2 looks in sectors 0..3  */
#define IVG_LABEL_SCAN_SIZE 2048
#define IVG_LABEL_MAX_MDAS 2
#define IVG_LABEL_MAX_BAS 1
#define IVG_PV_EXT_VERSION 2            /* what lvm2 2.03 writes        */
#define IVG_PV_EXT_USED 1               /* ext_flags: PV belongs to a VG */

struct ivg_disk_locn {
	uint64_t offset, size;
};

struct ivg_label {
	uint64_t sector;                /* sector the label sits in       */
	char pv_uuid[33];               /* 32 chars, NUL-terminated        */
	uint64_t dev_size;              /* bytes                           */
	struct ivg_disk_locn data;      /* pe_start; size 0 = to the end   */
	size_t mda_count;
	struct ivg_disk_locn mda[IVG_LABEL_MAX_MDAS];
	uint32_t ext_version;           /* 0: no extension (old lvm2)      */
	uint32_t ext_flags;             /* IVG_PV_EXT_USED                 */
	size_t ba_count;
	struct ivg_disk_locn ba[IVG_LABEL_MAX_BAS];
};

/*
 * Decode one 512-byte sector that was read from sector 'sectorno' of the
 * PV. Pure (no I/O), safe on any input. Returns 0, -ENOENT if the sector
 * does not start with "LABELONE", or -EILSEQ (message naming 'devname')
 * for a bad CRC, a wrong sector number, a label type other than
 * "LVM2 001", an invalid UUID, or malformed area lists (not exactly one
 * data area, more than 2 metadata areas or 1 bootloader area, a list
 * running past the end of the sector).
 */
int ivg_label_decode(struct ivg_ctx *ctx, const char *devname,
		     const uint8_t sector[512], uint64_t sectorno,
		     struct ivg_label *out);

/*
 * Find the label in a buffer holding the first head_len bytes of a PV
 * (sectors 0..3 as far as the buffer reaches). As lvm2 does, the first
 * valid label wins and damaged ones are skipped. Returns 0, -ENOENT if no
 * sector carries "LABELONE", or the decode error of the first damaged
 * label when no valid one exists.
 */
int ivg_label_find(struct ivg_ctx *ctx, const char *devname,
		   const uint8_t *head, size_t head_len, struct ivg_label *out);

/*
 * Check metadata area k of a decoded label against the device window of
 * dev_size bytes it was found on, before anything is read there (the
 * label's CRC says only that nobody changed it since it was written). The
 * area must start after the label sectors (0-3), hold a header sector and
 * one sector of text, end inside the device (without overflow), not
 * overlap an earlier metadata area of the label, and end by the data area when it
 * starts before it. Pure. 0, or -EILSEQ with a message naming 'devname',
 * the area and what is wrong.
 */
int ivg_label_check_mda(struct ivg_ctx *ctx, const char *devname,
			const struct ivg_label *l, size_t k,
			uint64_t dev_size);

/* Read the first 2048 bytes of the device window and ivg_label_find(). */
int ivg_label_read(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   struct ivg_label *out);

/*
 * Encode a label into a 512-byte sector, CRC included. The extension is
 * written when ext_version >= 1, its bootloader list when >= 2.
 * Returns 0 or -EINVAL if the label cannot be represented (sector > 3,
 * bad UUID, not one data area with a nonzero offset, too many areas,
 * an area with offset 0, bootloader areas without extension version 2).
 */
int ivg_label_encode(const struct ivg_label *label, uint8_t sector[512]);

/*
 * Write the label to its sector (label->sector, normally 1) and zero any
 * other sector in 0..3 that starts with "LABELONE", so that no stale
 * label can win a scan (lvm2 takes the first valid one). pvcreate goes
 * further and zeroes all of sectors 0, 2 and 3 (its -Z default); ivg
 * leaves sectors without a label alone. The new label is written first:
 * an interrupted call leaves at least one label. No fsync: the caller
 * orders syncs.
 */
int ivg_label_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		    const struct ivg_label *label);

#endif
