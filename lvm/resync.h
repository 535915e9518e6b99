/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resync.h - bringing raid1 legs back in sync, as dm-raid's recovery does:
 * the authority (rmeta.h: the first leg present and in sync) copied over
 * them, then their marks cleared.
 *
 * The legs to resync are marked out of sync first (those that are not
 * yet), so a crash or an interrupt (ctx->interrupted, between chunks)
 * leaves them marked and the copy can start over. The copy goes in
 * chunks; a chunk is written to a leg only where it differs from the
 * authority's (sparse image files stay sparse, and a leg that is mostly
 * right costs reads only), to all the legs that differ at once
 * (fanout.h). Every written leg's device is synced before the marks go.
 */
#ifndef IVG_RESYNC_H
#define IVG_RESYNC_H

#include <stdint.h>

#include "vg.h"

struct ivg_rmeta;

/*
 * Resync the legs in 'which' (a bit per leg) of the raid1 LV from its
 * authority. *copied (may be NULL): bytes written. -ENXIO when a leg to
 * write is missing, -EIO when no leg is in sync or the authority is one
 * of 'which'.
 */
int ivg_raid1_resync(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     const struct ivg_lv *lv, uint64_t which,
		     ivg_progress_fn progress, void *arg, uint64_t *copied);

/* The legs of the LV that are present and out of sync (a bit each). */
uint64_t ivg_raid1_stale_legs(const struct ivg_rmeta *m);

#endif
