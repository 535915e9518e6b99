/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mountinfo.h - the mounts of this mount namespace, as the kernel lists
 * them in /proc/self/mountinfo, read through libmount (util-linux), which
 * undoes the file's escapes (\040 for a blank in a mount point).
 */
#ifndef IVG_MOUNTINFO_H
#define IVG_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctx.h"

struct ivg_mount {
	dev_t dev;                 /* of the mounted block device */
	char *dir;                 /* the mount point */
	bool ro;                   /* this mount is read-only */
};

struct ivg_mounts {
	struct ivg_mount *v;       /* in the kernel's order */
	size_t n;
};

/* Every mount now; errors name /proc/self/mountinfo. */
int ivg_mounts_read(struct ivg_ctx *ctx, struct ivg_mounts *out);
void ivg_mounts_free(struct ivg_mounts *m);

#endif
