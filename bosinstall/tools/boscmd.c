/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boscmd.c - the BOS store of an IVG open for the BOS tools. */
#include "boscmd.h"

#include "ivgvg.h"

int boscmd_open(struct cmd_run *r, struct boscmd *c)
{
	*c = (struct boscmd){ .store = NULL };
	cmd_progress_init(r, &c->bar, "Copying");
	return bos_store_open(r->ctx, r->s.h->vg, false, &c->store);
}

int boscmd_begin_write(struct cmd_run *r, struct boscmd *c)
{
	struct ivg_ctx *ctx = r->ctx;
	struct opp_fs_waste w;
	int e;

	/* The read-only store's LV I/O must not outlive its devices. */
	if ((e = bos_store_close(ctx, c->store)))
		return e;
	c->store = NULL;
	if ((e = cmd_begin_write(r)) ||
	    (e = bos_store_open(ctx, r->s.h->vg, true, &c->store)))
		return e;
	/* What an interrupted command left in bosfs goes back first. */
	if ((e = bos_store_reclaim(ctx, c->store, &w)))
		return e;
	if (w.staged)
		ivg_info(ctx, "%s: %llu file(s) left by an interrupted command given back (%llu KiB)",
			 bos_store_where(c->store), (unsigned long long)w.staged,
			 (unsigned long long)(w.staged_bytes >> 10));
	return 0;
}

int boscmd_finish(struct cmd_run *r, struct boscmd *c)
{
	int e = bos_store_close(r->ctx, c->store);

	c->store = NULL;
	if (!e && r->s.imported_now)
		e = cmd_commit(r);
	return e;
}

int boscmd_close(struct boscmd *c, int failed)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	bos_store_close(&scratch, c->store);
	c->store = NULL;
	return failed;
}
