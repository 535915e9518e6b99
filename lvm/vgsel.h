/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgsel.h - which VG a command means when VG names repeat.
 *
 * Every install names its root VG "rootvg", so the disks of a SAN carry
 * many VGs of one name. A command is given a VG name, or a VG UUID in
 * its place (32 characters, or lvm2's 6-4-4-4-4-4-6 form), or lvm2's
 * selection "--select vg_uuid=UUID" (this one field). The scan decides:
 *  - a UUID names the VG of the scan that has it;
 *  - a name carried by one VG is that VG;
 *  - a name carried by several VGs is refused (-ENOTUNIQ), the message
 *    naming each VG's UUID and disks, so that nothing is written to a
 *    guess.
 * Nothing here writes.
 */
#ifndef IVG_VGSEL_H
#define IVG_VGSEL_H

#include <stdbool.h>
#include <stddef.h>

#include "scan.h"

struct ivg_vgsel {
	char name[IVG_NAME_MAX + 1];
	char vgid[IVG_UUID_LEN + 1];       /* without dashes */
};

/*
 * lvm2's "--select vg_uuid=UUID" into vgid (no dashes): -EINVAL with a
 * message for any other selection.
 */
int ivg_vgsel_parse_select(struct ivg_ctx *ctx, const char *select,
			   char vgid[IVG_UUID_LEN + 1]);

/*
 * The VG meant by 'what' (a name or a UUID; NULL when only vgid is
 * given) and 'vgid' (from --select, or NULL): -ENOENT when the scan has
 * none, -ENOTUNIQ as above, -EINVAL when the name and the UUID given
 * are two different VGs.
 */
int ivg_vgsel_resolve(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		      const char *what, const char *vgid,
		      struct ivg_vgsel *out);

/* The name of the VG whose UUID is vgid in the scan, or NULL. */
const char *ivg_vgsel_name_of(const struct ivg_scan *scan, const char *vgid);

/*
 * "UUID xxxxxx-... on a.img, b.img; UUID yyyyyy-... on c.img": each VG
 * called vgname in the scan and the devices whose metadata names it.
 */
void ivg_vgsel_describe(const struct ivg_scan *scan, const char *vgname,
			char *buf, size_t size);

/* The refusal of a name that several VGs carry (-ENOTUNIQ); 'how' says
 * how the user can choose one. */
int ivg_vgsel_not_unique(struct ivg_ctx *ctx, const struct ivg_scan *scan,
			 const char *vgname, const char *how);

#endif
