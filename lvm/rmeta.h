/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rmeta.h - whether each leg of a raid1 LV is in sync, as its rmeta says.
 *
 * Leg K of a raid1 LV is the pair LV_rmeta_K + LV_rimage_K. lvm2 zeroes
 * an rmeta when it creates it; device-mapper's raid target (dm-raid)
 * writes its superblock into the rmeta's first sector the first time it
 * runs the LV (magic "DmRd", little-endian: num_devices, array_position,
 * events, failed_devices, disk_recovery_offset, array_resync_offset ...)
 * and a write-intent bitmap at 4 KiB. dm-raid judges a leg by them: a
 * sector without its magic is a new device (all legs new: a new array,
 * resynchronised in full from leg 0); a superblock whose
 * disk_recovery_offset is not MaxSector is a leg being recovered, read
 * from nowhere until dm-raid has copied the in-sync legs onto it (all of
 * it: a leg that is not in sync and not "failed" gets a full sync). The
 * freshest superblock (highest events) lists failed legs in
 * failed_devices. And lvm2 marks a leg to be rebuilt with the status
 * flag REBUILD on its rimage LV in the VG metadata (it activates the LV
 * with "rebuild K").
 *
 * ivg writes raid1 LVs in user space, every leg at once (lvio.h), and
 * keeps dm-raid's view and its own right across a crash with this
 * protocol (the "leg marks"):
 *
 *  - The authority is the first leg that is present and in sync. Before
 *    the first write to the LV, every other in-sync leg is marked out of
 *    sync in its rmeta, and the marks are synced; then the data goes to
 *    all legs; once every leg's data is synced, the marks are cleared and
 *    synced again. A crash in between leaves the authority holding what
 *    one disk would hold after a crash, and the other legs marked.
 *  - The mark, when the LV's legs carry dm-raid superblocks: the leg's
 *    disk_recovery_offset set to 0 and its bit cleared from every
 *    superblock's failed_devices (so dm-raid recovers it in full, never
 *    by its bitmap, which knows nothing of ivg's writes); cleared:
 *    disk_recovery_offset back to MaxSector.
 *  - The mark, when no leg carries one (the LV never ran under
 *    device-mapper): a sector of ivg's own ("IvgStale", the leg's index
 *    and the LV's UUID, CRC) that dm-raid takes for no superblock: it
 *    treats the whole array as new and resyncs it from leg 0, which is
 *    then the authority. Cleared: zeroed.
 *  - ivg reads only from in-sync legs. A leg is out of sync when its
 *    rmeta holds ivg's mark, or a dm-raid superblock that is recovering
 *    or failed in the freshest superblock, or its rimage has REBUILD.
 *
 * Resyncing a marked leg (ivgck --repair) copies the authority over it
 * and clears the mark (ivg_rmeta_clear).
 */
#ifndef IVG_RMETA_H
#define IVG_RMETA_H

#include <stdbool.h>
#include <stdint.h>

#include "vg.h"

#define IVG_DMRAID_MAGIC 0x64526D44u      /* "DmRd" */
#define IVG_RMETA_HEAD 4096               /* bytes read and written */

enum ivg_rmeta_kind {
	IVG_RMETA_ZERO,            /* no superblock: never activated */
	IVG_RMETA_DMRAID,          /* dm-raid's superblock */
	IVG_RMETA_IVG,             /* ivg's out-of-sync mark */
	IVG_RMETA_OTHER,           /* anything else (dm-raid: a new device) */
	IVG_RMETA_MISSING,         /* the rmeta or rimage is on a missing PV */
	IVG_RMETA_UNREADABLE,      /* the rmeta could not be read */
};

struct ivg_rmeta_leg {
	enum ivg_rmeta_kind kind;
	bool in_sync;              /* ivg may read it */
	bool rebuild;              /* REBUILD on its rimage LV */
	/* IVG_RMETA_DMRAID: */
	uint64_t events;
	uint64_t recovery;         /* disk_recovery_offset */
	uint64_t resync;           /* array_resync_offset */
	uint32_t position;         /* array_position */
	uint8_t sb[512];           /* the first sector as read */
};

struct ivg_rmeta {
	const struct ivg_lv *lv;   /* the raid1 LV */
	size_t n;                  /* legs */
	bool dmraid;               /* some leg holds a dm-raid superblock */
	int freshest;              /* that leg with the highest events, or -1 */
	struct ivg_rmeta_leg leg[IVG_MAX_LEGS];
};

/* Does the LV have one raid1 segment (legs we can judge)? */
bool ivg_lv_is_raid1(const struct ivg_lv *lv);

/* Read every present leg's rmeta head; -EINVAL if lv is not raid1. */
int ivg_rmeta_read(struct ivg_ctx *ctx, struct ivg_vg *vg,
		   const struct ivg_lv *lv, struct ivg_rmeta *out);

/* The first present in-sync leg, or -1. */
int ivg_rmeta_authority(const struct ivg_rmeta *m);

/* "in sync", "out of sync" (ivg's mark or dm-raid recovering), "rebuild",
 * "missing", "unreadable". */
const char *ivg_rmeta_state(const struct ivg_rmeta_leg *l);

/*
 * Mark the legs in 'which' (a bit per leg) out of sync, or clear their
 * marks, and sync the rmetas written. Each leg must be present. The
 * model in *m follows. The other legs' superblocks are rewritten too when
 * a marked leg's failed_devices bit is set in them.
 */
int ivg_rmeta_mark(struct ivg_ctx *ctx, struct ivg_vg *vg,
		   struct ivg_rmeta *m, uint64_t which);
int ivg_rmeta_clear(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    struct ivg_rmeta *m, uint64_t which);

/*
 * Set (on) or clear lvm2's REBUILD flag on the rimage LVs of the legs in
 * 'which' and commit the VG metadata (the PVs open read-write): what
 * makes dm-raid rebuild a leg whatever the rmetas say, for the one case
 * the rmeta marks cannot tell it (leg 0 of an array that never ran under
 * device-mapper being overwritten).
 */
int ivg_rmeta_set_rebuild(struct ivg_ctx *ctx, struct ivg_vg *vg,
			  const struct ivg_lv *lv, uint64_t which, bool on);

/*
 * The marks around writes made outside lvio (boot/legs.h writes bootlv's
 * legs itself). 'writing' holds the legs about to be written: all of
 * them (a new image: every in-sync leg but the authority is marked), or
 * some (a repair: those are marked, and when the authority is one of
 * them in an array dm-raid never ran, its rimage gets REBUILD). *marked
 * is what ivg_rmeta_end_write clears once the writes are synced: every
 * leg written whole, those out of sync before included.
 */
int ivg_rmeta_begin_write(struct ivg_ctx *ctx, struct ivg_vg *vg,
			  const struct ivg_lv *lv, uint64_t writing,
			  uint64_t *marked);
int ivg_rmeta_end_write(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const struct ivg_lv *lv, uint64_t marked);

/*
 * After legs were removed (the others moved down a place): the dm-raid
 * superblocks of the legs left get their new array_position and
 * num_devices, and no failed bits (they named old positions); a leg out
 * of sync gets disk_recovery_offset 0 instead. Nothing without dm-raid
 * superblocks.
 */
int ivg_rmeta_renumber(struct ivg_ctx *ctx, struct ivg_vg *vg,
		       const struct ivg_lv *lv);

#endif
