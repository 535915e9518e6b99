/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootrec.h - the boot records of an IVG disk, for BIOS and UEFI firmware.
 *
 * BIOS: GRUB's i386-pc core.img goes into the BIOS boot partition, and
 * GRUB's boot.img into sector 0, of which bytes 0x1B8-0x1FF (disk
 * signature, the protective MBR's partition table, 0x55AA) are kept.
 * boot.img's u64 at 0x5C gets core.img's first LBA; core.img's first
 * sector (diskboot) gets, at 0x1F4, the blocklist {u64 LBA of its second
 * sector, u16 sectors that follow, u16 load segment 0x820, kept}.
 * UEFI: GRUB's x86_64-efi image becomes \EFI\BOOT\BOOTX64.EFI on the FAT
 * ESP, written with mtools (mmd, mcopy) on a scratch copy of the ESP that
 * goes back to the disk through the device layer (shadow.h).
 * The disk is the whole disk holding the PV (an image file, or the block
 * device whose third partition the PV is), with the IVG layout (gpt.h).
 * Nothing is written when an image does not fit or is not what GRUB's
 * tools make (-EINVAL naming the file).
 */
#ifndef IVG_BOOTREC_H
#define IVG_BOOTREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "gpt.h"

#define IVG_BOOTIMG_OFF_KERNEL_SECTOR 0x5C
#define IVG_CORE_OFF_BLOCKLIST 0x1F4
#define IVG_MBR_KEEP_FROM 0x1B8

/* The whole disk under 'path' (itself, or the disk of a partition). */
int ivg_bootrec_whole_disk(struct ivg_ctx *ctx, const char *path,
			   char *out, size_t outsz);

/* Patch boot.img (512 bytes) over mbr (512 bytes, the disk's sector 0)
 * and core.img (len bytes, in the BIOS boot partition at core_lba). */
int ivg_bootrec_patch_bios(struct ivg_ctx *ctx, const char *what,
			   uint8_t mbr[512], const uint8_t bootimg[512],
			   uint8_t *core, size_t len, uint64_t core_lba,
			   uint64_t part_size);

/* Write both BIOS records onto the disk 'disk' (layout read from it). */
int ivg_bootrec_write_bios(struct ivg_ctx *ctx, const char *disk,
			   const char *core_img, const char *boot_img);

/*
 * An install VG's ESPs also hold an empty IVG_BOOTREC_TAG: GRUB on a root
 * VG's disk whose boot LV fails its check finds an IVG disk by it
 * (search --file) and starts its boot records (rootboot.c).
 */
#define IVG_BOOTREC_TAG "/EFI/BOOT/IVG.TAG"

/* Copy efi_img to \EFI\BOOT\BOOTX64.EFI on the disk's ESP; with 'tag'
 * (an install VG's disk), IVG_BOOTREC_TAG too. */
int ivg_bootrec_write_efi(struct ivg_ctx *ctx, const char *disk,
			  const char *efi_img, bool tag);

#endif
