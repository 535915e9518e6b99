/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boscmd.c - opening, importing and closing an IVG for the BOS tools. */
#include "boscmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ivgvg.h"

int boscmd_open(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		bool rw, struct boscmd *c)
{
	int r;

	*c = (struct boscmd){ .bar_last = -1 };
	if ((r = oppcmd_open_vg(ctx, o, vg, rw, &c->oc)))
		return r;
	return bos_store_open(ctx, c->oc.s.h->vg, false, &c->store);
}

int boscmd_begin_write(struct ivg_ctx *ctx, struct boscmd *c)
{
	struct opp_fs_waste w;
	int r;

	/* The read-only store's LV I/O must not outlive its devices. */
	if ((r = bos_store_close(ctx, c->store)))
		return r;
	c->store = NULL;
	if ((r = oppcmd_begin_write(ctx, &c->oc)) ||
	    (r = bos_store_open(ctx, c->oc.s.h->vg, true, &c->store)))
		return r;
	/* What an interrupted command left in bosfs goes back first. */
	if ((r = bos_store_reclaim(ctx, c->store, &w)))
		return r;
	if (w.staged)
		ivg_info(ctx, "%s: %llu file(s) left by an interrupted command given back (%llu KiB)",
			 bos_store_where(c->store), (unsigned long long)w.staged,
			 (unsigned long long)(w.staged_bytes >> 10));
	return 0;
}

int boscmd_finish(struct ivg_ctx *ctx, struct boscmd *c)
{
	struct ivg_vg *vg = c->oc.s.h->vg;
	int r = bos_store_close(ctx, c->store);

	c->store = NULL;
	if (!r && c->oc.imported_now && !(r = ivg_vg_set_exported(ctx, vg, true)))
		r = ivg_vg_commit(ctx, vg);
	if (!r)
		c->oc.imported_now = false;
	return r;
}

void boscmd_close(struct boscmd *c, bool failed)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	bos_store_close(&scratch, c->store);
	c->store = NULL;
	oppcmd_close(&c->oc, failed);
}

void boscmd_bar(void *arg, uint64_t done, uint64_t total)
{
	struct boscmd *c = arg;
	int pct = total ? (int)(done * 100 / total) : 100, w = 40;
	char line[64];

	if (pct > 100)
		pct = 100;
	if (pct == c->bar_last)
		return;
	c->bar_last = pct;
	memset(line, '#', (size_t)(pct * w / 100));
	memset(line + pct * w / 100, '.', (size_t)(w - pct * w / 100));
	line[w] = 0;
	printf("\r  Copying [%s] %3d%%%s", line, pct, pct == 100 ? "\n" : "");
	fflush(stdout);
}
