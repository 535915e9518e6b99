/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * install.h - a BOS install from an IVG onto target disks: what the
 * bosinstall command does once it has opened the IVG.
 *
 * The IVG is only read (its bosfs, oppfs and BOS LVs, through
 * libext2fs or LV I/O): nothing is ever written to its disks, so it can
 * be imported read-only and serve many installs at once.
 *
 * Order. Everything that can refuse is checked first, writing nothing:
 * the BOS and its manifest (a tar image with a kernel file), the OPPs in
 * the TOC, GRUB's images and tools at hand, the targets (target.h), with
 * rootlv sized for the tree bosadd measured. Then:
 *   1. the targets' partition tables, ESPs, bootlv (empty ext2), swap;
 *   2. the BOS restored into rootlv (restore.h; SHA-256 checked);
 *   3. bootlv's image and GRUB's images built from rootlv's kernel in a
 *      work directory (rootboot.h prepare: nothing written yet);
 *   4. the plain OPPs unpacked into rootlv (opps.h); then, for packages
 *      and install scripts, rootlv mounted and the BOS's own package
 *      manager run in it (chroot: oppinst.h) with the IVG's oppfs
 *      mounted read-only as its repository, all unmounted again, also
 *      when it fails; then /etc/ivg/installed.json (record.h);
 *   5. the PV labels and the root VG's metadata (commit);
 *   6. bootlv's image, then the boot records of every target.
 * A BOS or OPP image whose SHA-256 fails is read again through another
 * leg of its raid1 LV (lvio.h's checked reads), the bad leg named in the
 * report. A crash before 6 leaves targets without boot records: they do not boot
 * (no half-installed system comes up); a crash in 6 is rec's order. A
 * rerun with force (the targets hold a PV or a partition table by then)
 * does the whole install again.
 */
#ifndef BOS_INSTALL_H
#define BOS_INSTALL_H

#include "legs.h"
#include "restore.h"
#include "target.h"

struct bos_install_opts {
	struct ivg_vg *ivg;         /* the IVG, PVs open (read-only is enough) */
	const char *bos;            /* BOS name */
	char *const *opps;          /* "NAME" or "NAME=VERSION" */
	size_t n_opps;
	struct bos_target_opts target;   /* ivg is filled in from above */
	const char *append;         /* more kernel arguments, or NULL */
	const char *machine;        /* the machine entry run, or NULL */
	ivg_progress_fn progress;   /* the restore's progress, or NULL */
	void *progress_arg;
};

struct bos_install_report {
	struct bos_restore_report restore;
	char kernel[128];           /* the version booted */
	char note[1024];            /* left to do on the installed system */
	/* The IVG's legs whose BOS or OPP bytes failed their SHA-256 and were
	 * read again through another leg ("" if none): ivgck --repair. */
	char bad_legs[1024];
};

int bos_install(struct ivg_ctx *ctx, struct bos_install_opts *o,
		struct bos_install_report *rep);

#endif
