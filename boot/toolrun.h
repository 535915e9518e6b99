/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toolrun.h - running the outside tools the boot image needs (grub-mkimage,
 * mtools, mkinitramfs.sh).
 *
 * ivg_spawn() runs argv (searched in $PATH) with stdin from /dev/null and
 * the extra environment 'env' (NULL-terminated "NAME=VALUE", may be NULL)
 * added to the caller's. With passfd < 0 the tool's stdout and stderr are
 * kept and their end goes into the error message when it fails; else
 * they go to fd 'passfd' (e.g. 2, to show the tool's progress). Returns 0
 * when the tool exited 0, else -EIO naming 'what' and the tool (-ENOENT
 * when it is not installed).
 */
#ifndef IVG_TOOLRUN_H
#define IVG_TOOLRUN_H

#include "ctx.h"

int ivg_spawn(struct ivg_ctx *ctx, const char *what, char *const argv[],
	      char *const env[], int passfd);

#endif
