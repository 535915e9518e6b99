/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toolrun.h - running the outside tools libivg needs (mtools for the ESP,
 * grub-mkimage and mkinitramfs.sh for the boot image).
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
/*
 * The same, killing the tool (SIGKILL) once it has run 'seconds' (0: no
 * limit): -ETIMEDOUT then. For tools that can loop on damaged input
 * (mtools on a broken FAT), which must not hang a repair.
 */
int ivg_spawn_timed(struct ivg_ctx *ctx, const char *what, char *const argv[],
		    char *const env[], int passfd, unsigned seconds);

/* How long mtools may take on an ESP (tens of MiB) before it is killed. */
#define IVG_MTOOLS_TIMEOUT 120

/*
 * Whether 'name' is an executable in $PATH, so that a command can refuse
 * before its first write rather than fail halfway: 0, or -ENOENT with the
 * message "NAME (why) is not installed; purpose".
 */
int ivg_tool_find(struct ivg_ctx *ctx, const char *name, const char *purpose);

#endif
