/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recover.h - recovery of a root VG: find it, and find the generic boot
 * image of the install VG when the root VG has no kernel of its own
 * (what ivgrecover does, with boot/rootboot.h doing the rebuild).
 *
 * The primary root VG is the VG named, else the one VG tagged
 * "ivg_rootvg" among the scanned devices. An install VG (tag "ivg") is
 * never a root VG. The generic boot image is the kernel and maintenance
 * initramfs in bootlv of the install VG the maintenance environment was
 * booted from (ivg.vg=NAME ivg.leg=K on its kernel command line), or of
 * the one install VG among the scanned devices; the files are checked
 * against the image's manifest before they are used. Nothing here writes
 * to a device.
 */
#ifndef IVG_RECOVER_H
#define IVG_RECOVER_H

#include <stddef.h>

#include "scan.h"

/*
 * The VGs of the scan tagged ivg_rootvg, sorted, into an empty vector
 * (the caller frees it). Unreadable VGs are skipped.
 */
int ivg_recover_tagged(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		       struct ivg_strvec *names);

/*
 * Choose the root VG: 'name' when given (it must be a VG of the scan and
 * not an install VG), else the only tagged VG. -ENOENT when there is none
 * (the message lists the VGs seen), -EEXIST when several are tagged (the
 * message lists them). *out is malloc'ed.
 */
int ivg_recover_pick(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		     const char *name, char **out);

/* The IVG and leg of the kernel command line (cmdline: its text, e.g.
 * /proc/cmdline's); ivg "" and leg -1 when not given. */
void ivg_recover_booted_from(const char *cmdline, char ivg[IVG_NAME_MAX + 1],
			     int *leg);

/*
 * Copy the generic boot image's vmlinuz and initrd.img out of bootlv of
 * install VG 'ivg' ("" : the only install VG of the scan), leg 'leg' (-1:
 * any leg that is present), into dir/vmlinuz and dir/initrd.img, after
 * checking both against the image's manifest. 'used' (may be NULL, 300
 * bytes) gets "VG/bootlv leg K".
 */
int ivg_recover_generic(struct ivg_ctx *ctx, const struct ivg_scan *scan,
			const char *ivg, int leg, const char *dir,
			char *used, size_t usedsz);

#endif
