/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gpt.h - the IVG disk layout (DESIGN.md decision 4) and its partition table.
 *
 * Every IVG disk carries a GPT (written and read with util-linux's libfdisk
 * and libblkid, never by hand) with three partitions, in 512-byte sectors:
 *
 *   1  BIOS boot   LBA 2048, 1 MiB        GRUB i386-pc core.img
 *   2  EFI System  LBA 4096, esp_size     FAT, \EFI\BOOT\BOOTX64.EFI
 *   3  ivg-pv      next MiB .. last usable LBA   the LVM2 physical volume
 *
 * The PV ends at the GPT's last usable LBA (disk end minus the 33 sectors of
 * the backup table) rather than on a MiB boundary: neither lvm2 (it counts
 * whole extents from pe_start, which is aligned relative to the partition
 * start) nor GRUB care where a partition ends, and it is what fdisk/sfdisk
 * give for "the rest of the disk".
 *
 * All offsets and sizes here are bytes from the start of the whole disk.
 * The layout assumes 512-byte logical sectors (GRUB's boot.img/core.img
 * pointers count them); ivg_gpt_write refuses other sector sizes.
 */
#ifndef IVG_GPT_H
#define IVG_GPT_H

#include <stdint.h>

#include "ctx.h"
#include "dev.h"

#define IVG_MIB (1024ULL * 1024ULL)

#define IVG_GPT_BIOS_TYPE "21686148-6449-6E6F-744E-656564454649"
#define IVG_GPT_ESP_TYPE  "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define IVG_GPT_LVM_TYPE  "E6D6D379-F507-44C2-A23C-238F2A3DF928"
#define IVG_MBR_LVM_TYPE  0x8e

#define IVG_GPT_BIOS_NAME "BIOS boot"
#define IVG_GPT_ESP_NAME  "EFI System"
#define IVG_GPT_PV_NAME   "ivg-pv"

#define IVG_BIOS_START (1 * IVG_MIB)      /* LBA 2048 */
#define IVG_BIOS_SIZE  (1 * IVG_MIB)
#define IVG_ESP_START  (2 * IVG_MIB)      /* LBA 4096 */
/*
 * The ESP is FAT32, as the UEFI specification asks for fixed disks. FAT32
 * needs at least 65525 clusters, about 33 MiB with 512-byte clusters (mformat
 * refuses -F below that); the minimum is the 64 MiB that DESIGN.md fixes,
 * which leaves room for GRUB's EFI image and later a shim and signed GRUB.
 */
#define IVG_ESP_SIZE_DEFAULT (64 * IVG_MIB)
#define IVG_ESP_SIZE_MIN     (64 * IVG_MIB)
/* lvm2 ignores devices smaller than devices/pv_min_size (2048 KiB). */
#define IVG_PV_SIZE_MIN      (2 * IVG_MIB)
/* Backup GPT at the disk end: 128 entries of 128 bytes + the header. */
#define IVG_GPT_BACKUP_BYTES (33 * IVG_SECTOR)

struct ivg_layout {
	uint64_t disk_size, bios_start, bios_size, esp_start, esp_size,
		 pv_start, pv_size;             /* bytes */
	char disk_guid[37];     /* "" on plan: libfdisk picks a random one */
};

/*
 * Plan the layout for a disk of disk_size bytes (pure computation).
 * esp_size 0 means IVG_ESP_SIZE_DEFAULT; it is rounded up to whole MiB and
 * must be >= IVG_ESP_SIZE_MIN (-EINVAL). The PV gets at least
 * max(min_pv_size, IVG_PV_SIZE_MIN) bytes, else -ENOSPC naming devname, its
 * size and the minimum disk size.
 */
int ivg_layout_plan(struct ivg_ctx *ctx, const char *devname,
		    uint64_t disk_size, uint64_t esp_size,
		    uint64_t min_pv_size, struct ivg_layout *out);

/* Smallest disk that ivg_layout_plan accepts for these sizes. */
uint64_t ivg_layout_min_disk(uint64_t esp_size, uint64_t min_pv_size);

/*
 * Write a new GPT with the planned layout onto the whole of dev (protective
 * MBR in sector 0, primary table in sectors 1-33, backup table in the last
 * 33 sectors; nothing else is touched, no signatures are wiped), then fsync.
 * libfdisk writes a scratch copy of those areas (shadow.h); the sectors
 * that changed reach the disk through the device layer, backup table
 * first. Sector 0 is rewritten whole, boot code
 * zeroed: write GRUB's boot.img after this, not before. The GPT header's
 * first usable LBA is 2048 (libfdisk's choice), the last is disk end - 34.
 * On a block device the kernel is asked to re-read the table; a refusal
 * (loop devices without partition scanning) is only reported with ivg_info.
 * layout->disk_size must be dev's size. A non-empty disk_guid is used as
 * the disk GUID. dev must be open read-write (-EROFS otherwise).
 */
int ivg_gpt_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		  const struct ivg_layout *layout);

/*
 * Find the LVM partition of the whole disk dev: the first GPT entry of type
 * IVG_GPT_LVM_TYPE or the first MBR entry of type 0x8e. Returns its byte
 * range and its 1-based partition number (as in /dev/sdX3), or -ENOENT if
 * dev has no partition table or no LVM partition.
 */
int ivg_gpt_find_pv(struct ivg_ctx *ctx, struct ivg_dev *dev,
		    uint64_t *start, uint64_t *size, int *partno);

/*
 * Read the table back and check that it is the IVG layout: a GPT with a
 * BIOS boot, an EFI system and an LVM partition (the first of each type).
 * Returns 0 and fills out (disk_guid included), or -ENOENT with a message
 * saying what is missing ("not bootable").
 */
int ivg_gpt_check_layout(struct ivg_ctx *ctx, struct ivg_dev *dev,
			 struct ivg_layout *out);

/*
 * Make a FAT filesystem in [offset, offset+size) of path (image file or
 * block device) with mtools' mformat: FAT32 from 33 MiB up, below that the
 * FAT16/FAT12 mformat picks; hidden sectors = offset / 512. label: 1-11
 * letters, digits, ' ', '_' or '-' (upper case is the FAT habit), or NULL.
 * Both offset and size are multiples of 512. mformat works on a blank
 * scratch copy (shadow.h), whose fake MBR entry in the boot sectors is
 * cleared; then every sector of the ESP that differs is written through
 * the device layer (old content is zeroed), and the disk is fsync'ed. mformat's output goes into
 * the error message; -ENOENT if mformat is not installed.
 */
int ivg_esp_format(struct ivg_ctx *ctx, const char *path, uint64_t offset,
		   uint64_t size, const char *label);

#endif
