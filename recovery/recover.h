/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recover.h - recovery of a root VG: find it, and find the generic boot
 * image of the install VG when the root VG has no kernel of its own
 * (what ivgrecover does, with boot/rootboot.h doing the rebuild).
 *
 * The primary root VG is the VG named (by name or UUID: every install
 * calls its root VG "rootvg", so names repeat on a SAN, and a name that
 * several VGs carry is refused, vgsel.h), else the one VG tagged
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
#include "vgsel.h"

/*
 * The root VGs of the scan: tagged ivg_rootvg, not install VGs, each by
 * name and UUID (two may share a name), sorted by name. Unreadable VGs
 * are skipped. *v is malloc'ed.
 */
int ivg_recover_tagged(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		       struct ivg_vgsel **v, size_t *n);

/*
 * Choose the root VG: the one 'what' (a VG name, or a VG UUID in its
 * place) and 'vgid' (--select vg_uuid=, or NULL) name, when either is
 * given (vgsel.h: -ENOTUNIQ when the name is several VGs'; never an
 * install VG), else the only tagged VG. -ENOENT when there is none (the
 * message lists the VGs seen), -EEXIST when several are tagged (the
 * message names each with its UUID and disks).
 */
int ivg_recover_pick(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		     const char *what, const char *vgid,
		     struct ivg_vgsel *out);

/* What the maintenance environment's kernel command line says it was
 * booted from: ivg.vg=, ivg.vguuid=, ivg.leg=. */
struct ivg_recover_boot {
	char vg[IVG_NAME_MAX + 1];          /* "" when not given */
	char vgid[IVG_UUID_LEN + 1];        /* "" when not given */
	int leg;                            /* -1 when not given */
};
void ivg_recover_booted_from(const char *cmdline, struct ivg_recover_boot *b);

/*
 * Copy the generic boot image's vmlinuz and initrd.img out of bootlv of
 * install VG 'ivg' ("" : the only install VG of the scan; ivgid, when
 * not "", its UUID), leg 'leg' (-1: any leg that is present), into
 * dir/vmlinuz and dir/initrd.img, after checking both against the
 * image's manifest. 'used' (may be NULL, 300 bytes) gets "VG/bootlv leg
 * K".
 */
int ivg_recover_generic(struct ivg_ctx *ctx, const struct ivg_scan *scan,
			const char *ivg, const char *ivgid, int leg,
			const char *dir, char *used, size_t usedsz);

#endif
