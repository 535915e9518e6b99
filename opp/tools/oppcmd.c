/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppcmd.c - opening, importing and committing a VG for the OPP tools. */
#include "oppcmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ivgvg.h"

int oppcmd_open(struct cmd_run *r, struct oppcmd *c)
{
	int e;

	*c = (struct oppcmd){ .repo_open = false };
	if ((e = opp_repo_open(r->ctx, r->s.h->vg, r->writes, &c->repo)))
		return e;
	c->repo_open = true;
	return 0;
}

int oppcmd_begin_write(struct cmd_run *r, struct oppcmd *c)
{
	struct ivg_ctx *ctx = r->ctx;
	struct opp_fs_waste w;
	int e = 0;

	/* Everything the commit will check, before the first write. The
	 * new tags are set again by the store: an import commits the VG
	 * as it is now. */
	if (c->repo_open && c->repo.changed) {
		e = opp_repo_prepare(ctx, &c->repo);
		opp_repo_abort(ctx, &c->repo);
	}
	if (!e)
		e = cmd_begin_write(r);
	/* What an interrupted command left in oppfs goes back first. */
	if (!e && c->repo_open && !(e = opp_repo_reclaim(ctx, &c->repo, &w)) &&
	    w.staged)
		ivg_info(ctx, "%s: %llu file(s) left by an interrupted command given back (%llu KiB)",
			 opp_fs_where(c->repo.fs), (unsigned long long)w.staged,
			 (unsigned long long)(w.staged_bytes >> 10));
	return e;
}

int oppcmd_commit(struct cmd_run *r, struct oppcmd *c)
{
	struct ivg_ctx *ctx = r->ctx;
	struct session *s = &r->s;
	struct ivg_vg *vg = s->h->vg;
	bool changed = c->repo_open && c->repo.changed, landed = false;
	int e = changed ? opp_repo_store(ctx, &c->repo) : 0;

	if (!e && s->imported_now)
		e = ivg_vg_set_exported(ctx, vg, true);
	if (!e && (changed || s->imported_now))
		e = ivg_vg_commit_landed(ctx, vg, &landed);
	/* Landed on some PVs: readers see the new TOC, which stays. */
	if (e && landed && changed)
		opp_repo_committed(ctx, &c->repo);
	if (e)
		return e;
	s->imported_now = false;
	if (!changed)
		return c->repo_open ? opp_repo_finish(ctx, &c->repo) : 0;
	opp_repo_committed(ctx, &c->repo);
	printf("  TOC of volume group \"%s\" is generation %" PRIu64 ", %zu OPP(s), SHA-256 %s\n",
	       vg->name, c->repo.meta.gen, c->repo.toc.n, c->repo.meta.sha256);
	return opp_repo_finish(ctx, &c->repo);
}

int oppcmd_close(struct cmd_run *r, struct oppcmd *c, int failed)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	/* A refused commit: the old TOC and images come back (the runner
	 * then exports again what the update imported). */
	if (failed && c->repo_open && opp_repo_abort(&scratch, &c->repo))
		ivg_warn(r->ctx, "%s", ivg_errmsg(&scratch));
	if (c->repo_open)
		opp_repo_free(&c->repo);
	c->repo_open = false;
	return failed;
}
