/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.c - scanning and opening a VG for a command. */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "devlist.h"
#include "ivgvg.h"

int session_scan(struct ivg_ctx *ctx, const struct opts *o,
		 struct session *s)
{
	int r = devices_to_scan(ctx, o, &s->paths, &s->n_paths, &s->owned);

	if (!r)
		r = ivg_scan_devices(ctx, s->paths, s->n_paths, false, &s->scan);
	return r;
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

int session_open(struct ivg_ctx *ctx, const struct opts *o, const char *name,
		 struct session *s)
{
	const struct ivg_scan_pv *p;
	int r = session_scan(ctx, o, s);

	if (!r)
		r = ivg_vg_open(ctx, s->scan, name, &s->h);
	if (r == -ENOENT && (p = unreadable_pv(s->scan)))
		r = ivg_err(ctx, ENOENT,
			    "Volume group \"%s\" not found; %s has no readable metadata (%s)",
			    name, p->path, p->mda[0].errmsg);
	if (!r && !ivg_vg_is_ivg(s->h->vg))
		r = ivg_err(ctx, EINVAL,
			    "Volume group \"%s\" is not an install volume group (no \"%s\" tag)",
			    name, IVG_VG_TAG);
	return r;
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
	for (size_t i = 0; s->h && i < s->h->problem_count; i++)
		fprintf(stderr, "  WARNING: %s\n", s->h->problems[i]);
}

void session_close(struct session *s)
{
	ivg_vg_close(s->h);
	ivg_scan_free(s->scan);
	if (s->owned)
		ivg_devices_free(s->paths, s->n_paths);
	*s = (struct session){ 0 };
}
