/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.c - scanning and opening a VG for a command. */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlist.h"
#include "ivgvg.h"
#include "sysid.h"
#include "vgsel.h"

int session_scan(struct ivg_ctx *ctx, const struct opts *o,
		 struct session *s)
{
	int r = 0;

	if (!s->paths.v)
		r = devices_to_scan(ctx, o, &s->paths, &s->owned);
	if (!r)
		r = ivg_scan_devices(ctx, s->paths.v, s->paths.n, false, &s->scan);
	return r;
}

static int locks_open(struct ivg_ctx *ctx, struct session *s)
{
	if (s->locks)
		return 0;
	return ivg_locks_open(ctx, getenv("LVM_SYSTEM_DIR"), &s->locks);
}

int session_lock_vg(struct ivg_ctx *ctx, struct session *s, const char *name,
		    bool exclusive)
{
	int r = locks_open(ctx, s);

	if (!r)
		r = ivg_lock_vg(ctx, s->locks, name, exclusive);
	return r == -EDEADLK ? 0 : r;
}

int session_lock_new_vg(struct ivg_ctx *ctx, const char *name,
			struct session *s)
{
	int r = locks_open(ctx, s);

	if (!r)
		r = ivg_lock_global(ctx, s->locks, true);
	if (!r)
		r = ivg_lock_vg(ctx, s->locks, name, true);
	return r;
}

int session_scan_read(struct ivg_ctx *ctx, const struct opts *o,
		      char *const *names, size_t n, struct session *s)
{
	struct ivg_strvec found = { 0 };
	int r = 0;

	for (size_t i = 0; !r && i < n; i++)
		r = session_lock_vg(ctx, s, names[i], false);
	if (!r)
		r = session_scan(ctx, o, s);
	if (r || n)
		return r;
	/* The names are known only now: lock them, then make sure that
	 * nothing was committed between the scan and the locks. */
	r = ivg_scan_vgnames(ctx, s->scan, &found);
	for (size_t i = 0; !r && i < found.n; i++)
		r = session_lock_vg(ctx, s, found.v[i], false);
	ivg_strvec_free(&found);
	return r ? r : session_rescan_if_changed(ctx, s);
}

int session_rescan_if_changed(struct ivg_ctx *ctx, struct session *s)
{
	if (!ivg_scan_changed(s->scan))
		return 0;
	ivg_debug(ctx, "Metadata changed since the scan: scanning again");
	ivg_scan_free(s->scan);
	s->scan = NULL;
	return ivg_scan_devices(ctx, s->paths.v, s->paths.n, false, &s->scan);
}

/* A PV none of whose metadata copies can be read: its VG is invisible. */
static bool unreadable(const struct ivg_scan_pv *p)
{
	size_t bad = 0;

	for (size_t k = 0; k < p->mda_count; k++)
		bad += p->mda[k].err != 0;
	return !p->err && p->has_label && p->mda_count && bad == p->mda_count;
}

/* The first such PV, to say why a VG is not found. NULL if none. */
static const struct ivg_scan_pv *unreadable_pv(const struct ivg_scan *scan)
{
	for (size_t i = 0; scan && i < scan->count; i++)
		if (unreadable(&scan->pvs[i]))
			return &scan->pvs[i];
	return NULL;
}

/* An open VG that is not an install VG is refused. */
static int require_ivg(struct ivg_ctx *ctx, const struct session *s)
{
	if (ivg_vg_is_ivg(s->h->vg))
		return 0;
	return ivg_err(ctx, EINVAL,
		       "Volume group \"%s\" is not an install volume group (no \"%s\" tag)",
		       s->h->vg->name, IVG_VG_TAG);
}

int session_open_sel(struct ivg_ctx *ctx, const struct opts *o,
		     const char *what, const char *vgid,
		     enum session_mode mode, struct session *s)
{
	const struct ivg_scan_pv *p;
	struct ivg_vgsel sel;
	int r = session_scan(ctx, o, s);

	if (!r)
		r = ivg_vgsel_resolve(ctx, s->scan, what, vgid, &sel);
	if (r == -ENOENT && what && (p = unreadable_pv(s->scan)))
		r = ivg_err(ctx, ENOENT,
			    "Volume group \"%s\" not found; %s has no readable metadata (%s)",
			    what, p->path, p->mda[0].errmsg);
	if (!r && mode != SESSION_NOLOCK)
		r = session_lock_vg(ctx, s, sel.name, mode == SESSION_WRITE);
	if (!r)
		r = session_rescan_if_changed(ctx, s);
	if (!r)
		r = ivg_vg_open_id(ctx, s->scan, sel.name, sel.vgid, &s->h);
	return r ? r : require_ivg(ctx, s);
}

int session_open(struct ivg_ctx *ctx, const struct opts *o, const char *name,
		 enum session_mode mode, struct session *s)
{
	const struct ivg_scan_pv *p;
	int r = 0;

	if (mode != SESSION_NOLOCK)
		r = session_lock_vg(ctx, s, name, mode == SESSION_WRITE);
	if (!r)
		r = session_scan(ctx, o, s);

	if (!r)
		r = ivg_vg_open(ctx, s->scan, name, &s->h);
	if (r == -ENOENT && (p = unreadable_pv(s->scan)))
		r = ivg_err(ctx, ENOENT,
			    "Volume group \"%s\" not found; %s has no readable metadata (%s)",
			    name, p->path, p->mda[0].errmsg);
	return r ? r : require_ivg(ctx, s);
}

/* Is dev a PV of one of the open VGs? Their problems name it then. */
static bool in_vgs(const struct ivg_dev *dev, struct ivg_vgh *const *hs,
		   size_t n)
{
	for (size_t i = 0; dev && i < n; i++)
		for (size_t k = 0; hs[i] && k < hs[i]->vg->pv_count; k++)
			if (hs[i]->vg->pvs[k]->dev == dev)
				return true;
	return false;
}

void session_warn_devices(const struct session *s, struct ivg_vgh *const *hs,
			  size_t n)
{
	/* One line for each damaged device (any the user named that holds
	 * no usable PV), as lvm2 warns and goes on with the others. */
	for (size_t i = 0; s->scan && i < s->scan->count; i++) {
		const struct ivg_scan_pv *p = &s->scan->pvs[i];
		const char *why = ivg_scan_trouble(p, !s->owned);

		if (!why || in_vgs(p->dev, hs, n))
			continue;
		if (unreadable(p))
			fprintf(stderr, "  WARNING: %s: PV with no readable metadata: %s\n",
				p->path, why);
		else
			fprintf(stderr, "  WARNING: %s\n", why);
	}
}

void session_warn(const struct session *s)
{
	session_warn_devices(s, &s->h, s->h ? 1 : 0);
	for (size_t i = 0; s->h && i < s->h->problems.n; i++)
		fprintf(stderr, "  WARNING: %s\n", s->h->problems.v[i]);
}

int session_begin_write(struct ivg_ctx *ctx, struct session *s)
{
	struct ivg_vg *vg = s->h->vg;
	char me[IVG_SYSID_MAX + 1];
	int r = ivg_vg_reopen_rw(ctx, s->h);

	if (r || !ivg_vg_exported(vg) || !s->may_import || s->imported_now)
		return r;
	if ((r = host_system_id(ctx, me)) ||
	    (r = ivg_vg_set_exported(ctx, vg, false)) ||
	    (r = ivg_vg_set_holder(ctx, vg, me)) ||
	    (r = ivg_vg_commit(ctx, vg)))
		return r;
	s->imported_now = true;
	ivg_info(ctx, "Volume group \"%s\" imported for the update", vg->name);
	return 0;
}

int session_commit(struct ivg_ctx *ctx, struct session *s)
{
	struct ivg_vg *vg = s->h->vg;
	int r = 0;

	if (s->imported_now)
		r = ivg_vg_set_exported(ctx, vg, true);
	if (!r)
		r = ivg_vg_commit(ctx, vg);
	if (!r)
		s->imported_now = false;
	return r;
}

void session_close_after(struct session *s, bool failed)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	if (failed && s->imported_now && s->h) {
		struct ivg_vg *vg = s->h->vg;

		if (ivg_vg_set_exported(&scratch, vg, true) ||
		    ivg_vg_commit(&scratch, vg))
			fprintf(stderr, "  WARNING: volume group \"%s\" could not be exported again: %s\n",
				vg->name, ivg_errmsg(&scratch));
	}
	session_close(s);
}

void session_close(struct session *s)
{
	ivg_vg_close(s->h);
	ivg_scan_free(s->scan);
	if (s->owned)
		ivg_strvec_free(&s->paths);
	/* Last: every write of the session is synced by now. */
	ivg_locks_close(s->locks);
	*s = (struct session){ 0 };
}
