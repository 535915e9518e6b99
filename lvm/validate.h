/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.h - the rules a VG must keep before ivg writes it.
 *
 * Stock vgck accepts some real mistakes (DESIGN.md): an LV longer than
 * its raid images, two raid legs on one PV, PEs beyond a PV's pe_count,
 * an unaligned pe_start. ivg checks those and the structural rules here,
 * and refuses to write a VG that breaks any of them. The first broken
 * rule is reported, naming the VG and the PV or LV.
 */
#ifndef IVG_VALIDATE_H
#define IVG_VALIDATE_H

#include "vg.h"

int ivg_vg_validate(struct ivg_ctx *ctx, const struct ivg_vg *vg);

#endif
