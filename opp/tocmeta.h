/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tocmeta.h - the TOC's generation and SHA-256, committed in the VG.
 *
 * They are two LV tags on oppfs, in lvm2's tag charset, so that stock
 * lvm2 keeps them through any change and shows them (lvs -o tags):
 * "opp_toc_gen_N" (N decimal, from 1) and "opp_toc_sha256_HEX" (64
 * lowercase hex digits). Both or neither: neither means no TOC was ever
 * written. Every TOC update commits the new pair with the VG's metadata.
 * A reader compares the TOC it reads with the pair: a TOC whose digest
 * differs is stale or torn, and is reported, never used silently.
 */
#ifndef OPP_TOCMETA_H
#define OPP_TOCMETA_H

#include <stdbool.h>
#include <stdint.h>

#include "src.h"
#include "vg.h"

#define OPP_TAG_GEN "opp_toc_gen_"
#define OPP_TAG_SHA "opp_toc_sha256_"

struct opp_tocmeta {
	bool present;
	uint64_t gen;
	char sha256[IVG_SHA256_HEX];
};

/* From the oppfs LV's tags; -EINVAL when they are malformed or half. */
int opp_tocmeta_get(struct ivg_ctx *ctx, const struct ivg_lv *oppfs,
		    struct opp_tocmeta *m);
/* Replace the tags (the VG still has to be committed). */
int opp_tocmeta_set(struct ivg_ctx *ctx, struct ivg_lv *oppfs,
		    const struct opp_tocmeta *m);

#endif
