/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgdisks.h - disks joining and leaving an install VG, in lvm2's terms
 * (vgextend and lvconvert -m+1; vgreduce and vgreduce --removemissing).
 *
 * Extend. New disks get the IVG disk layout (checked and planned as
 * ivgcreate's, ivgvg.h) and become boot PVs, and image PVs when the
 * images are mirrored: every raid1 LV of the VG (bootlv, and bosfs, oppfs
 * and the raw BOS LVs when bosfs is raid1) gets a last leg on each. In
 * order: the disks' tables, ESPs and PV windows, the new legs' rmetas
 * zeroed, the PV labels (orphan PVs: a crash leaves disks lvm2 sees as
 * PVs of no VG); one metadata commit with the new PVs and the new legs,
 * their rimages flagged REBUILD (lvm2's state after lvconvert -m+1: dm-raid
 * would rebuild them, ivg reads none of them); then each LV's authority
 * copied onto its new legs (resync.h), which clears REBUILD with a commit
 * of its own. A crash leaves the VG with legs still to be filled, found
 * by ivgs (resyncing) and ivgck, and filled by ivgck --repair or by
 * running the extend again with the same disks.
 *
 * Reduce. PVs, present or missing, are dropped with their legs, as
 * vgreduce drops them: refused when an LV other than a raid1 LV has
 * extents on one, or when a raid1 LV would lose its last leg (or its last
 * leg in sync). The legs after a removed one move down a place and are
 * renamed (lvm2's naming); one metadata commit. Then each dropped PV that
 * is present becomes an orphan PV (its label and empty metadata areas),
 * and the remaining legs' dm-raid superblocks, if any, get their new
 * positions and count. Before the commit the VG is the old one; after it,
 * the new one; a dropped disk left with old metadata is an orphan for
 * lvm2 (its copy is older than the VG's) and is wiped by the next reduce
 * naming it.
 *
 * The boot records and the boot order are the caller's (bootlist.h).
 */
#ifndef IVG_VGDISKS_H
#define IVG_VGDISKS_H

#include <stdbool.h>

#include "vg.h"

struct ivg_extend_opts {
	char *const *disks;
	size_t n_disks;
	bool force;                /* take disks that are PVs of another VG */
	bool (*confirm)(void *arg, const char *question);
	void *confirm_arg;
	ivg_progress_fn progress;  /* bytes copied onto the new legs */
	void *progress_arg;
};

struct ivg_extension;

/*
 * Add the disks to VG (open read-write, complete). *ext keeps the new
 * disks open (their devices are the new PVs' devices): free it with
 * ivg_extension_free after the VG is closed; 'o' must outlive it.
 */
int ivg_extend(struct ivg_ctx *ctx, struct ivg_vg *vg,
	       const struct ivg_extend_opts *o, struct ivg_extension **ext);
void ivg_extension_free(struct ivg_extension *ext);

/*
 * Legs still to be filled on the given PVs (REBUILD or out of sync):
 * copied from their LVs' authorities, as ivg_extend's last step. For an
 * extend cut short. *n: the legs filled.
 */
int ivg_extend_finish(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      struct ivg_pv *const *pvs, size_t n_pvs,
		      ivg_progress_fn progress, void *arg, size_t *n);

/*
 * Drop the PVs (present or missing) from the VG, whose present PVs are
 * open read-write. Nothing is written when one is refused.
 */
int ivg_reduce(struct ivg_ctx *ctx, struct ivg_vg *vg,
	       struct ivg_pv *const *pvs, size_t n);

/*
 * A disk that a reduce cut short dropped from the VG (committed) but did
 * not yet make an orphan: a PV outside VG whose metadata is an older copy
 * of VG (lvm2's "outdated PV"). Made an orphan PV, and the other legs'
 * superblocks renumbered, as ivg_reduce finishes. -ENOENT, with no
 * message, if the disk 'path' is no such PV. h's PVs open read-write.
 */
struct ivg_vgh;
int ivg_reduce_outdated(struct ivg_ctx *ctx, struct ivg_vgh *h, const char *path);

/* The raid1 LVs and legs a PV holds, for messages: "bootlv leg 2, ...". */
void ivg_pv_legs_text(const struct ivg_vg *vg, const struct ivg_pv *pv,
		      char *buf, size_t len);

#endif
