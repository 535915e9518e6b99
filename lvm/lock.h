/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lock.h - VG locks as lvm2 takes them, so that ivg and lvm2 commands on
 * one host never write a VG at the same time.
 *
 * lvm2 (file locking, its only local locking) takes flock(2) on files in
 * global/locking_dir (lvm.conf; default /run/lock/lvm): V_<vg> for one
 * VG, P_global for the set of VG names (creating, renaming, removing a
 * VG). Readers hold LOCK_SH, writers LOCK_EX, from before they read the
 * metadata until their last write is done. ivg takes the same files in
 * the same way. Like lvm2:
 *  - with global/prioritise_write_locks (default on), a lock is taken
 *    through the file's ":aux" companion, so that waiting writers are not
 *    starved by a stream of readers;
 *  - with global/wait_for_locks = 0 a held lock fails at once (-EAGAIN);
 *  - a lock file is removed on release when nobody else holds it, and a
 *    lock on a file that was removed meanwhile is taken again.
 * Across hosts a VG's writer is its holder, lvm2's system ID (sysid.h).
 * lvmlockd (global/use_lvmlockd = 1) is not supported: ivg_lock_open
 * refuses it (-ENOTSUP) rather than write a shared VG unlocked.
 *
 * Waiting can be interrupted through ctx->interrupted (-EINTR). Locks are
 * released by ivg_locks_close, and by the kernel when the process dies.
 */
#ifndef IVG_LOCK_H
#define IVG_LOCK_H

#include <stdbool.h>

#include "ctx.h"

struct ivg_locks;

/* The locks of one command, configured from etc_lvm's lvm.conf. */
int ivg_locks_open(struct ivg_ctx *ctx, const char *etc_lvm,
		   struct ivg_locks **out);
/* Release every lock held, in reverse order, and free. NULL is fine. */
void ivg_locks_close(struct ivg_locks *l);

/* Take V_<vgname>, shared or exclusive. Taking a VG twice is an error. */
int ivg_lock_vg(struct ivg_ctx *ctx, struct ivg_locks *l, const char *vgname,
		bool exclusive);
/* Take P_global, before any VG lock (lvm2's order). */
int ivg_lock_global(struct ivg_ctx *ctx, struct ivg_locks *l, bool exclusive);
/* Release V_<vgname> early; 0, or -ENOENT if not held. */
int ivg_unlock_vg(struct ivg_locks *l, const char *vgname);

/* The directory the locks live in (for messages and tests). */
const char *ivg_locks_dir(const struct ivg_locks *l);

#endif
