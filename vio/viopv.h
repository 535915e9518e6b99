/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viopv.h - the LVM PV UUID on a LUN, read through any reader (a file
 * descriptor, or libiscsi for a LUN no kernel sees).
 *
 * The LUN is a PV itself (a label in sectors 0-3, as lvm2 scans), or the
 * PV is the first LVM partition of its table, as ivg_gpt_find_pv finds
 * it (GPT type E6D6D379-F507-44C2-A23C-238F2A3DF928, or MBR type 0x8e):
 * an IVG disk is known by the PV of its third partition. Only the
 * primary GPT is read (header and entry CRCs checked); a damaged one
 * reads as no table.
 */
#ifndef VIO_PV_H
#define VIO_PV_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* Read len bytes at byte offset off: 0 or a negative errno (message set). */
typedef int (*vio_read_fn)(struct ivg_ctx *ctx, void *arg, void *buf,
			   size_t len, uint64_t off);

/*
 * The PV UUID (32 characters, no dashes) of a LUN of 'size' bytes and
 * logical block 'block' bytes (512, 4096), named 'name' in messages.
 * 0, -ENOENT when it holds no PV, or the reader's error.
 */
int vio_pv_uuid(struct ivg_ctx *ctx, const char *name, vio_read_fn rd, void *arg,
		uint64_t size, unsigned block, char uuid[33]);

#endif
