/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shadow.h - a scratch copy of parts of a disk, for tools that write on
 * their own (libfdisk, mtools).
 *
 * Such tools open the disk themselves, so their writes would go around the
 * device layer's fault points and read-only refusal (dev.h). They work on
 * a shadow instead: an anonymous sparse file (memfd) as big as the disk,
 * holding the ranges they may touch, copied in from the disk or left zero
 * ("blank", for a region made anew). ivg_shadow_commit then writes back,
 * with ivg_dev_pwrite_abs, each run of sectors that differs from the disk,
 * range by range in the order they were taken, and syncs: every one of
 * those writes can fail, tear or stop the process under fault injection.
 * If the tool wrote anything outside the ranges, the commit refuses (-EIO)
 * and writes nothing, as that write would otherwise be lost.
 */
#ifndef IVG_SHADOW_H
#define IVG_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "dev.h"

struct ivg_shadow;

/* A shadow of 'disk' (opened read-write; kept, not owned). */
int ivg_shadow_new(struct ivg_ctx *ctx, struct ivg_dev *disk,
		   struct ivg_shadow **out);
/* Take [off, off+len) into the shadow: a copy of the disk, or zeroes.
 * Ranges are whole sectors and may not overlap. */
int ivg_shadow_take(struct ivg_ctx *ctx, struct ivg_shadow *sh, uint64_t off,
		    uint64_t len, bool blank);
/* A path for tools (/proc/self/fd/N: child processes inherit N). */
const char *ivg_shadow_path(const struct ivg_shadow *sh);
/* The shadow as a device, for our own touch-ups; no fault points. */
struct ivg_dev *ivg_shadow_dev(struct ivg_shadow *sh);
/* Write the differences back to the disk and sync it. */
int ivg_shadow_commit(struct ivg_ctx *ctx, struct ivg_shadow *sh);
void ivg_shadow_free(struct ivg_shadow *sh);

#endif
