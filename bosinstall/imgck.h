/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * imgck.h - ivgck's check of an IVG's mirrors: every raid1 LV (bootlv,
 * bosfs, oppfs, the raw BOS LVs), leg by leg.
 *
 * For each: the legs out of sync (rmeta.h: a crash, an interrupted copy,
 * or a loop over one leg left them behind) and missing; then the in-sync
 * legs compared block for block (scrub.h), each mismatched region judged
 * by the files the IVG vouches for: in bosfs the BOS images (their
 * manifests' SHA-256), in a raw BOS LV the image itself, in oppfs the OPPs
 * (the TOC's SHA-256) and the TOC (the SHA-256 in the VG metadata), in
 * bootlv the boot image's files (its manifest). Checking writes nothing.
 *
 * Repair resyncs the legs out of sync from the authority (resync.h) and
 * copies each judged region's good leg over the others (scrub.h); the
 * PVs must be open read-write. Afterwards the caller checks again.
 */
#ifndef IVG_IMGCK_H
#define IVG_IMGCK_H

#include "scrub.h"

struct ivg_imgck_lv {
	const struct ivg_lv *lv;
	struct ivg_scrub scrub;    /* compared legs, mismatched regions */
	uint64_t stale;            /* present legs out of sync */
	uint64_t missing;          /* legs on missing PVs */
	uint64_t bad;              /* legs judged bad by a file */
	size_t unresolved;         /* mismatched regions no leg verifies */
	char err[300];             /* why it could not be checked, or "" */
};

struct ivg_imgck {
	struct ivg_imgck_lv *v;
	size_t n;
	size_t problems;           /* stale legs, mismatched regions, errors */
};

int ivg_imgck_run(struct ivg_ctx *ctx, struct ivg_vg *vg, struct ivg_imgck *out,
		  ivg_progress_fn progress, void *arg);
int ivg_imgck_repair(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     struct ivg_imgck *ck, ivg_progress_fn progress, void *arg);
void ivg_imgck_free(struct ivg_imgck *ck);

/* "0 2" for the bits of a leg set, into buf. */
const char *ivg_legs_text(uint64_t legs, char *buf, size_t len);

#endif
