/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scrub.h - comparing the legs of a raid1 LV block for block, as lvm2's
 * "lvchange --syncaction check" has dm-raid do, judging each region
 * where they differ by which legs' files verify, and repairing.
 *
 * Compare: every present leg in sync (rmeta.h) is read, region by region
 * (the LV's region_size, lvm2's 2 MiB by default; all legs' reads of a
 * region at once), and a region is mismatched when some leg's bytes
 * differ from the first leg's. Legs out of sync are left out: they are
 * expected to differ, and a resync (resync.h) brings them back.
 *
 * Judge: the caller lists the files whose content is known (path, size,
 * SHA-256: a BOS image and its manifest, an OPP and the TOC, a boot image
 * file and its manifest), or the LV's own bytes (a raw image, path NULL).
 * A file lies in a region when one of its blocks does (as the first
 * leg's filesystem maps it). Each leg's copy of such a file is read
 * through that leg alone (its own filesystem) and hashed; the legs whose
 * copies all verify are good for the region. In a region where no listed
 * file lies (free space, filesystem metadata), the first leg is taken.
 *
 * Repair: each judged region's bytes are copied from its first good leg
 * onto the legs that differ, which are marked out of sync first (rmeta.h)
 * and cleared once every leg is synced. When the first in-sync leg
 * itself is overwritten and the LV never ran under device-mapper (no
 * dm-raid superblocks: dm-raid would resync from leg 0), its rimage gets
 * lvm2's REBUILD flag for the duration (two VG metadata commits).
 * Regions no leg verifies are left as they are (and reported).
 */
#ifndef IVG_SCRUB_H
#define IVG_SCRUB_H

#include <stdbool.h>
#include <stdint.h>

#include "rmeta.h"

struct ivg_scrub_file {
	const char *path;          /* in the LV's filesystem; NULL: the LV's
				    * own bytes [0, size) */
	uint64_t size;             /* UINT64_MAX: not known */
	char sha256[65];           /* lower-case hex */
};

struct ivg_scrub_region {
	uint64_t off, len;         /* bytes of the LV */
	uint64_t differ;           /* legs whose bytes differ from the first's */
	uint64_t good;             /* legs judged right; 0: none verifies */
	bool by_files;             /* judged by files lying there */
	char files[256];           /* which ("a, b ..."), or "" */
};

struct ivg_scrub {
	const struct ivg_lv *lv;
	struct ivg_rmeta rm;       /* the legs' sync state when compared */
	uint64_t compared;         /* the legs read (a bit each) */
	uint64_t bytes;            /* bytes compared per leg */
	struct ivg_scrub_region *v;
	size_t n;
};

int ivg_scrub_compare(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      const struct ivg_lv *lv, struct ivg_scrub *out,
		      ivg_progress_fn progress, void *arg);

/* ext: the LV holds an ext2/3/4 filesystem the paths are in. */
int ivg_scrub_judge(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    struct ivg_scrub *s, const struct ivg_scrub_file *files,
		    size_t n, bool ext);

/* The legs judged bad in some region (a bit each). */
uint64_t ivg_scrub_bad_legs(const struct ivg_scrub *s);

/* Copy the good legs' regions over the others; the PVs must be open
 * read-write and present. */
int ivg_scrub_repair(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     struct ivg_scrub *s);

void ivg_scrub_free(struct ivg_scrub *s);

#endif
