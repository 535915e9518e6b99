/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chroot.h - a system's own tools, run in its root: the BOS's package
 * manager installing OPPs into a new root (bosinstall), or the running
 * system's own (oppinstall, root "/").
 *
 * Opening a root other than "/" mounts there what its tools expect, as a
 * boot would: proc, sysfs, devtmpfs with devpts, and a tmpfs on /run.
 * The step's work directory is /run/ivg, in that tmpfs, so nothing of it
 * is left in the root; for "/" it is a new directory under $TMPDIR (or
 * /tmp), removed at the end. Commands run through chroot(8) (busybox's
 * in the maintenance environment) with a clean environment: PATH, HOME,
 * LC_ALL=C, DEBIAN_FRONTEND=noninteractive and what the caller adds; in
 * "/" with the caller's environment plus those. Closing kills what a
 * command left running in the root (a daemon a maintainer script
 * started), then unmounts in reverse: nothing stays mounted. All of it
 * needs root.
 */
#ifndef BOS_CHROOT_H
#define BOS_CHROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

struct bos_chroot;

/* 'root': the mounted root filesystem, or "/" for this system. */
int bos_chroot_open(struct ivg_ctx *ctx, const char *root,
		    const char *tmpdir, struct bos_chroot **out);
/* The root as the host sees it ("/" for this system). */
const char *bos_chroot_root(const struct bos_chroot *c);
/* The work directory as the root's commands see it, and as the host does. */
const char *bos_chroot_work(const struct bos_chroot *c);
const char *bos_chroot_work_host(const struct bos_chroot *c);
/* A host path for 'path' inside the root ("usr/bin/dpkg" -> DIR/usr/bin/dpkg). */
int bos_chroot_path(struct ivg_ctx *ctx, const struct bos_chroot *c,
		    const char *path, char *out, size_t len);
/* Is 'path' (relative to the root) an executable file there? */
bool bos_chroot_has(const struct bos_chroot *c, const char *path);
/* Is it a link to busybox (whose dpkg and rpm applets are no package
 * managers to install with)? */
bool bos_chroot_is_busybox(const struct bos_chroot *c, const char *path);
/*
 * Run argv (argv[0] found in the root's PATH) in the root, with 'env'
 * ("NAME=VALUE", NULL-ended, may be NULL) added; output as ivg_spawn
 * (toolrun.h) keeps it: to fd 'passfd', or its end in the error message.
 * 'what' names the step in messages.
 */
int bos_chroot_run(struct ivg_ctx *ctx, struct bos_chroot *c,
		   const char *what, char *const argv[], char *const env[],
		   int passfd);
/* Kill what is left running in the root, unmount, remove; NULL is fine. */
int bos_chroot_close(struct ivg_ctx *ctx, struct bos_chroot *c);

#endif
