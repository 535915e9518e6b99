/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loadopt.h - UEFI boot load options (the Boot#### variables) and
 * BootOrder, in the byte format of the UEFI specification (3.1.3 Load
 * Options, 10.3 Device Path Nodes), as efibootmgr writes them.
 *
 * EFI_LOAD_OPTION: u32 Attributes (LOAD_OPTION_ACTIVE = 1), u16
 * FilePathListLength (bytes of the device path), the description as
 * NUL-terminated UCS-2, the device path, then optional data (none here).
 * The device path ivg writes boots an IVG disk's ESP by its partition:
 *   HD()   type 4 (media), subtype 1, length 42: u32 partition number,
 *          u64 start LBA, u64 size in LBAs, 16 bytes partition signature
 *          (the GPT partition GUID in EFI byte order), u8 partition
 *          format 2 (GPT), u8 signature type 2 (GUID);
 *   File() type 4, subtype 4: the path as NUL-terminated UCS-2;
 *   End    type 0x7F, subtype 0xFF, length 4.
 * Integers are little-endian. BootOrder is an array of u16 option numbers.
 * All functions are pure (no I/O); decode refuses malformed bytes with
 * -EINVAL naming 'what'.
 */
#ifndef IVG_LOADOPT_H
#define IVG_LOADOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define IVG_LOAD_OPTION_ACTIVE 0x00000001u
#define IVG_EFI_REMOVABLE_PATH "\\EFI\\BOOT\\BOOTX64.EFI"

struct ivg_hd_node {
	uint32_t partno;
	uint64_t start, size;      /* LBAs */
	uint8_t sig[16];           /* GPT partition GUID, EFI byte order */
};

struct ivg_loadopt {
	uint32_t attributes;
	char desc[128];            /* ASCII; other characters become '?' */
	bool has_hd;               /* the first node is HD(GPT) */
	struct ivg_hd_node hd;
	char file[256];            /* the File() node's path, or "" */
};

/* A GUID's text form and its EFI byte order (first three fields
 * little-endian, as GPT stores them). -EINVAL for a bad text. */
int ivg_guid_to_efi(struct ivg_ctx *ctx, const char *text, uint8_t out[16]);
void ivg_guid_from_efi(const uint8_t in[16], char out[37]);

/* An EFI_LOAD_OPTION for HD(hd)/File(file); *out is malloc'ed. */
int ivg_loadopt_encode(struct ivg_ctx *ctx, uint32_t attributes,
		       const char *desc, const struct ivg_hd_node *hd,
		       const char *file, uint8_t **out, size_t *len);
int ivg_loadopt_decode(struct ivg_ctx *ctx, const char *what,
		       const uint8_t *buf, size_t len, struct ivg_loadopt *o);
/* The device path as efibootmgr -v shows it:
 * "HD(2,GPT,GUID,0x1000,0x20000)/File(\EFI\BOOT\BOOTX64.EFI)". */
void ivg_loadopt_render(const struct ivg_loadopt *o, char *out, size_t sz);

/* BootOrder: n u16s <-> 2n bytes. decode: -EINVAL on an odd length. */
void ivg_bootorder_encode(const uint16_t *nums, size_t n, uint8_t *out);
int ivg_bootorder_decode(struct ivg_ctx *ctx, const uint8_t *buf, size_t len,
			 uint16_t *nums, size_t max, size_t *n);

#endif
