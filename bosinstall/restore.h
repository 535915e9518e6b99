/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * restore.h - restore a BOS image of an install VG into a target root LV.
 *
 * tar: the target LV is formatted ext4 (ivg_mkfs) and every entry of the
 * archive is restored through libarchive into libext2fs (untar.h): owners,
 * modes, timestamps, xattrs, hard links, symlinks, device nodes; hostile
 * entries are refused (bospath.h, the BOS policy: device nodes only under
 * dev/). raw: the filesystem image is copied into the LV, which must be
 * at least as large (the filesystem keeps its size). Either way the
 * image's SHA-256 is taken as it streams and compared with its manifest:
 * a mismatch fails with -EBADMSG naming the BOS, both digests and the
 * VG (what was written to the target is then not to be trusted). The
 * target is written only after the BOS is found and its size judged.
 */
#ifndef BOS_RESTORE_H
#define BOS_RESTORE_H

#include <stdint.h>

#include "bosstore.h"
#include "legs.h"
#include "lvio.h"

struct bos_restore_opts {
	const char *label;         /* ext4 label (tar); NULL: "rootfs" */
	ivg_progress_fn progress;  /* image bytes read so far, or NULL */
	void *progress_arg;
};

struct bos_restore_report {
	struct bos_manifest bos;   /* the manifest restored from */
	uint64_t files;            /* tar: entries restored; raw: inodes in use */
	uint64_t bytes;            /* tar: file data written; raw: bytes copied */
	char kernel[128];          /* found in the restored tree; "" if none */
	char sha256[IVG_SHA256_HEX];   /* as streamed (equals the manifest's) */
};

/*
 * Restore BOS 'name' of IVG 'ivg' (its PVs open at least read-only) into
 * 'target' (open for writing; any VG). 'o' may be NULL.
 */
int bos_restore(struct ivg_ctx *ctx, struct ivg_vg *ivg, const char *name,
		struct ivg_lvio *target, const struct bos_restore_opts *o,
		struct bos_restore_report *rep);

/* The same from a store already open (bosstore.h). */
int bos_restore_from(struct ivg_ctx *ctx, struct bos_store *st,
		     const char *name, struct ivg_lvio *target,
		     const struct bos_restore_opts *o,
		     struct bos_restore_report *rep);

#endif
