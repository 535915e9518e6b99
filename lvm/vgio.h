/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgio.h - open a VG from scanned devices, and commit changes to it.
 *
 * Opening takes the valid metadata copy with the highest seqno whose text
 * reads, attaches each PV of the VG to the device that carries its UUID,
 * and lists what is wrong: missing PVs, damaged or stale metadata copies,
 * duplicates, extents beyond a PV's size. A copy whose text does not read
 * (every text of the current seqno is read) is damaged, as lvm2 takes it:
 * it is marked so in the scan (err, errmsg) and the others are used.
 *
 * Committing follows lvm2's order: seqno + 1; the new text is written to
 * every metadata area of every PV as the precommitted copy; every device
 * is synced; then every area's header commits it; every device is synced.
 * Until a header's commit lands, readers see the old copy on that PV; the
 * highest seqno wins at the next open, so a crash anywhere leaves the old
 * VG or the new one. A commit refuses a VG with missing PVs (the copies
 * would diverge) and a VG that fails ivg_vg_validate().
 */
#ifndef IVG_VGIO_H
#define IVG_VGIO_H

#include "scan.h"
#include "vg.h"

struct ivg_vgh {
	struct ivg_vg *vg;
	struct ivg_scan *scan;        /* borrowed: the devices */
	size_t missing;               /* PVs of the VG not found */
	size_t duplicates;            /* PVs found on more than one device */
	struct ivg_strvec problems;   /* one line each, for the report */
};

/*
 * -ENOENT "Volume group X not found" if no valid copy names it;
 * -ENOTUNIQ naming their UUIDs if copies of two VGs (two UUIDs) carry the
 * name, as lvm2 refuses to guess between them.
 */
int ivg_vg_open(struct ivg_ctx *ctx, struct ivg_scan *scan,
		const char *vgname, struct ivg_vgh **out);
/* The same for the VG with UUID vgid (no dashes) of that name. */
int ivg_vg_open_id(struct ivg_ctx *ctx, struct ivg_scan *scan,
		   const char *vgname, const char *vgid, struct ivg_vgh **out);
/*
 * Reopen the VG's present PVs read-write (scans open read-only), keeping
 * their windows. -EROFS/-EACCES naming the device if one cannot be;
 * -EEXIST if a PV was found on two devices (lvm2 refuses that too).
 */
int ivg_vg_reopen_rw(struct ivg_ctx *ctx, struct ivg_vgh *h);
void ivg_vg_close(struct ivg_vgh *h);

/* Write vg to all its PVs' metadata areas (precommit, sync, commit, sync). */
int ivg_vg_commit(struct ivg_ctx *ctx, struct ivg_vg *vg);
/* The same; *landed says, also after a failure, whether an area's
 * header committed the new copy (then readers see the new VG: the
 * highest seqno wins), so that a caller knows whether to roll back. */
int ivg_vg_commit_landed(struct ivg_ctx *ctx, struct ivg_vg *vg, bool *landed);
/*
 * What ivg_vg_commit would refuse, found without writing: missing PVs,
 * ivg_vg_validate(), a text too large for a metadata area. A writer
 * that changes files before its commit calls it first (PVs may still be
 * open read-only).
 */
int ivg_vg_commit_check(struct ivg_ctx *ctx, struct ivg_vg *vg);

/* The names of all VGs the scan found (unique, sorted) into an empty
 * vector; the caller frees it. */
int ivg_scan_vgnames(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		     struct ivg_strvec *names);

#endif
