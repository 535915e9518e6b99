/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * efivar.h - the firmware's boot list on a UEFI machine: Boot#### and
 * BootOrder in efivarfs, as efibootmgr sets them.
 *
 * A variable is the file NAME-GUID in efivarfs (mounted at
 * /sys/firmware/efi/efivars): 4 bytes of attributes, then the data;
 * writing the whole file in one write() sets it. The kernel marks
 * existing variables immutable; the flag is cleared before a rewrite.
 * ivg writes the global variables (EFI_GLOBAL_VARIABLE GUID) with the
 * attributes NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS.
 *
 * ivg_efi_set_boot() gives every target disk a Boot#### entry (the one
 * whose HD() node has the disk's ESP partition GUID if there is one, else
 * the lowest free number) and puts them first in BootOrder, in the
 * order given, followed by the other entries as they were. All reads and
 * checks come before the first write.
 */
#ifndef IVG_EFIVAR_H
#define IVG_EFIVAR_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "loadopt.h"

#define IVG_EFIVARFS_DIR "/sys/firmware/efi/efivars"
#define IVG_EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define IVG_EFIVAR_ATTRS 0x00000007u
#define IVG_EFI_MAX_ENTRIES 1024

/* 0 when dir is a mounted efivarfs; else -ENOENT saying this is not a
 * UEFI machine or efivarfs is not mounted there. */
int ivg_efivar_check(struct ivg_ctx *ctx, const char *dir);

/* A global variable's data (without the attributes); -ENOENT if unset. */
int ivg_efivar_read(struct ivg_ctx *ctx, const char *dir, const char *name,
		    uint8_t **data, size_t *len);
int ivg_efivar_write(struct ivg_ctx *ctx, const char *dir, const char *name,
		     const uint8_t *data, size_t len);

/* The ESP of a whole disk as an HD() node (libblkid reads the GPT). */
int ivg_efi_esp_node(struct ivg_ctx *ctx, const char *disk,
		     struct ivg_hd_node *hd);

struct ivg_efi_target {
	char desc[64];
	struct ivg_hd_node hd;
};

/* Entries for targets[0..n) and BootOrder; nums[i] gets target i's number. */
int ivg_efi_set_boot(struct ivg_ctx *ctx, const char *dir,
		     const struct ivg_efi_target *t, size_t n, uint16_t *nums);

#endif
