/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - what most commands do first: take lvm2's lock on the VG,
 * scan the devices (--devices or the machine's) and open one VG,
 * printing what is wrong with it.
 *
 * Locks (lock.h) are taken before the scan, so what a command reads is
 * what is committed while it holds them: a writer holds its VG's lock
 * exclusive until session_close, across its file-system writes and its
 * commit; a reader holds it shared. They follow lvm.conf in
 * $LVM_SYSTEM_DIR, as lvm2 does.
 */
#ifndef IVG_SESSION_H
#define IVG_SESSION_H

#include "lock.h"
#include "tools.h"
#include "vgio.h"

enum session_mode {
	SESSION_NOLOCK,            /* reads nothing that a writer changes */
	SESSION_READ,              /* V_<vg> shared */
	SESSION_WRITE,             /* V_<vg> exclusive */
};

struct session {
	struct ivg_strvec paths;   /* the devices scanned */
	bool owned;                /* paths is the session's, not --devices */
	struct ivg_locks *locks;
	struct ivg_scan *scan;
	struct ivg_vgh *h;
	bool may_import;           /* a writer may import an exported VG */
	bool imported_now;         /* ... and did, for this update */
};

/* Scan only, without locks. */
int session_scan(struct ivg_ctx *ctx, const struct opts *o,
		 struct session *s);
/*
 * Scan with VG 'names' locked shared; with no names, every VG the scan
 * finds is locked shared, and the devices are scanned again if a commit
 * came in between (reports of every VG: ivgs).
 */
int session_scan_read(struct ivg_ctx *ctx, const struct opts *o,
		      char *const *names, size_t n, struct session *s);
/*
 * Lock VG 'name' (mode), scan, and open it; it must be an install VG.
 */
int session_open(struct ivg_ctx *ctx, const struct opts *o, const char *name,
		 enum session_mode mode, struct session *s);
/*
 * The install VG that 'what' (a VG name, or a VG UUID in its place) and
 * 'vgid' (--select vg_uuid=, or NULL) mean (vgsel.h): scanned first,
 * then locked by its name (mode) and scanned again if a commit came in
 * between, then opened by its UUID. A name that several VGs carry is
 * refused (-ENOTUNIQ), naming each one's UUID and disks.
 */
int session_open_sel(struct ivg_ctx *ctx, const struct opts *o,
		     const char *what, const char *vgid,
		     enum session_mode mode, struct session *s);
/*
 * Take lvm2's global lock exclusive, as lvm2 does before it creates a VG,
 * and then VG 'name' exclusive: two commands cannot create one name.
 */
int session_lock_new_vg(struct ivg_ctx *ctx, const char *name,
			struct session *s);
/* Take VG 'name''s lock in a session that has others (0 if held). */
int session_lock_vg(struct ivg_ctx *ctx, struct session *s, const char *name,
		    bool exclusive);
/*
 * After locks taken on a scan that came first (names known only from
 * it): scan again if a commit came in between. No VG may be open yet.
 */
int session_rescan_if_changed(struct ivg_ctx *ctx, struct session *s);
/*
 * Before the first write: the VG's PVs reopened writable; an exported VG
 * (when may_import) imported for the update: EXPORTED cleared, this host
 * the holder, one commit.
 */
int session_begin_write(struct ivg_ctx *ctx, struct session *s);
/* Commit the open VG; exported again in the same commit if it was. */
int session_commit(struct ivg_ctx *ctx, struct session *s);
/* session_close, after exporting again, when 'failed', what
 * session_begin_write imported (a warning if that fails). */
void session_close_after(struct session *s, bool failed);
/*
 * Print as lvm2 prints warnings: one line for each damaged device that is
 * no PV of the open VG (and, when the user listed the devices, for each
 * that holds no usable PV), then the VG's problems.
 */
void session_warn(const struct session *s);
/* The devices' lines alone, leaving out the PVs of the n VGs hs. */
void session_warn_devices(const struct session *s, struct ivg_vgh *const *hs,
			  size_t n);
/* Close the VG and the devices, then release the locks. */
void session_close(struct session *s);

#endif
