/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.h - the rules a VG model must keep, each checked in one place.
 *
 * Two levels:
 *
 * ivg_vg_check_format() holds the model to what LVM2's text format
 * itself requires, as lvm2 does when it reads a VG: valid names and
 * UUIDs, PV keys, LV names and PV UUIDs each used once, a non-zero
 * extent size, segments contiguous from extent 0, area counts that match
 * stripe_count/device_count, areas that fit their segment type and name
 * PVs and LVs of the VG. vgtext's reader applies it to what it read, its
 * writer to what it is asked to write: a model lvm2 could not read back
 * is never written.
 *
 * ivg_vg_validate() checks the format's rules and adds ivg's own, before
 * every commit.
 * Stock vgck accepts some real mistakes (DESIGN.md): an LV longer than
 * its raid images, PEs beyond a PV's pe_count or used twice, an unaligned
 * pe_start, extents beyond the PV's size. ivg refuses to write a VG that
 * breaks any of them. Two raid legs on one PV are legal for lvm2: they
 * are warned of (ivg_warn), and the VG is written.
 *
 * Both report the first broken rule through ctx, naming the VG and the PV,
 * LV or segment, and return a negative errno (-EINVAL for the format's
 * rules).
 */
#ifndef IVG_VALIDATE_H
#define IVG_VALIDATE_H

#include "vg.h"

int ivg_vg_check_format(struct ivg_ctx *ctx, const struct ivg_vg *vg);

int ivg_vg_validate(struct ivg_ctx *ctx, const struct ivg_vg *vg);

/*
 * One of ivg's rules on its own, for readers that report rather than
 * refuse: the PV's extents (pe_start + pe_count * extent_size) end within
 * its recorded dev_size and within its device when it is attached.
 * -ERANGE with the message.
 */
int ivg_pv_check_extents(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			 const struct ivg_pv *pv);

#endif
