/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.h - the rules a VG must keep before ivg writes it.
 *
 * Stock vgck accepts some real mistakes (DESIGN.md): an LV longer than
 * its raid images, PEs beyond a PV's pe_count, an unaligned pe_start.
 * ivg checks those and the structural rules here, and refuses to write a
 * VG that breaks any of them. The first broken rule is reported, naming
 * the VG and the PV or LV. Two raid legs on one PV are legal for lvm2:
 * they are warned of (ivg_warn), and the VG is written.
 */
#ifndef IVG_VALIDATE_H
#define IVG_VALIDATE_H

#include "vg.h"

int ivg_vg_validate(struct ivg_ctx *ctx, const struct ivg_vg *vg);

#endif
