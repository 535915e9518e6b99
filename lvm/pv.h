/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pv.h - initialise a physical volume in a device window, as pvcreate.
 *
 * Layout: label in sector 1, one metadata area at 4 KiB of 1020 KiB, data
 * (pe_start) at 1 MiB, as lvm2's defaults. The label is marked "in a VG"
 * (extension flag) because ivg creates PVs only together with their VG.
 */
#ifndef IVG_PV_H
#define IVG_PV_H

#include "label.h"
#include "vg.h"

#define IVG_MDA_START 4096ULL
#define IVG_PE_START (1024ULL * 1024ULL)
#define IVG_MDA_SIZE (IVG_PE_START - IVG_MDA_START)

/* Fill pv (id, dev_size, pe_start, pe_count) for a window of 'bytes'. */
int ivg_pv_plan(struct ivg_ctx *ctx, const char *devname, uint64_t bytes,
		uint32_t extent_size, struct ivg_pv *pv);

/* Write the label and an empty metadata area for pv into dev's window. */
int ivg_pv_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		 const struct ivg_pv *pv, struct ivg_label *label);

/*
 * Make pv an orphan PV, as vgreduce leaves a dropped disk: first its
 * label "not in use" (one sector; the metadata area stays where it is),
 * then the metadata area emptied. In between lvm2 sees an outdated PV
 * (an older copy of a VG that no longer lists it), never a PV "marked in
 * use" without a VG.
 */
int ivg_pv_write_orphan(struct ivg_ctx *ctx, struct ivg_dev *dev,
			const struct ivg_pv *pv);

#endif
