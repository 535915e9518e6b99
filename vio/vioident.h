/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioident.h - the identity of a backing device, never its path.
 *
 * A LUN is recorded by what stays with it when the SAN is reconfigured
 * and it comes back under another name: the WWN or serial the storage
 * reports (sysfs, /dev/disk/by-id), the LVM PV UUID (whole-disk PV, or the
 * LVM partition of a GPT/MBR disk such as an IVG disk), and for image
 * files (given directly or behind a loop device) the file itself
 * (st_dev, st_ino, offset) and its content: SHA-256 of the first MiB plus
 * the size. The path is kept only as a hint of where to look first.
 *
 * Two identities name the same LUN when both have a WWN (or both a
 * serial) and it is equal; otherwise when the image file, the PV UUID or
 * the content (not blank) is the same.
 */
#ifndef VIO_IDENT_H
#define VIO_IDENT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define VIO_ID_STR 192

struct vio_ident {
	char wwn[96];             /* "" when unknown */
	char serial[96];
	char pv[33];              /* LVM PV UUID, 32 chars, or "" */
	char file[PATH_MAX];      /* image file (direct or loop backing), or "" */
	uint64_t file_dev, file_ino, offset;
	char sha[65];             /* SHA-256 (hex) of the first MiB */
	bool blank;               /* the first MiB reads as zeros */
	uint64_t size;            /* bytes */
	char path[PATH_MAX];      /* where it was seen: a hint only */
	bool is_blockdev;         /* path is a block device */
};

/*
 * Identify what is at path now (a block device or an image file; read
 * only). Returns 0, or -ENODEV with a message naming path when nothing
 * identifies it (no WWN or serial, no PV label, and not an image file or
 * a loop device over one with content), or the error of opening it.
 */
int vio_ident_probe(struct ivg_ctx *ctx, const char *path,
		    struct vio_ident *out);

/* Do the two identities name the same LUN? */
bool vio_ident_match(const struct vio_ident *a, const struct vio_ident *b);

/*
 * Find the LUN now: at its recorded path if that still shows it, else
 * among the machine's block devices (loop devices included), the image
 * files beside the recorded path and in dirs[0..ndirs). Fills *now with
 * the identity found there (its path is where it is now). -ENOENT with a
 * message when it is nowhere, -ENOTUNIQ naming two places when it is
 * ambiguous.
 */
int vio_ident_find(struct ivg_ctx *ctx, const struct vio_ident *want,
		   const char *const *dirs, size_t ndirs,
		   struct vio_ident *now);

/* "wwn:...", "serial:...", "pv:XXXXXX-XXXX-...", "file:PATH" or "sha256:<16 hex>/SIZE". */
void vio_ident_str(const struct vio_ident *id, char out[VIO_ID_STR]);

#endif
