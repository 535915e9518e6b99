/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppcmd.c - opening, importing and committing a VG for the OPP tools. */
#include "oppcmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ivgvg.h"

int oppcmd_open_vg(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		   bool rw, struct oppcmd *c)
{
	int r;

	*c = (struct oppcmd){ .rw = rw };
	if ((r = session_open(ctx, o, vg, rw ? SESSION_WRITE : SESSION_READ,
				&c->s)))
		return r;
	session_warn(&c->s);
	if (!rw)
		return 0;
	if (c->s.h->missing)
		return ivg_err(ctx, ENXIO, "Volume group \"%s\" is partial (%zu PVs missing): nothing written",
			       vg, c->s.h->missing);
	if ((r = host_system_id(ctx, c->me)))
		return r;
	return ivg_vg_check_holder(ctx, c->s.h->vg, c->me);
}

int oppcmd_open(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		bool rw, struct oppcmd *c)
{
	int r = oppcmd_open_vg(ctx, o, vg, rw, c);

	if (r)
		return r;
	if ((r = opp_repo_open(ctx, c->s.h->vg, rw, &c->repo)))
		return r;
	c->repo_open = true;
	return 0;
}

int oppcmd_begin_write(struct ivg_ctx *ctx, struct oppcmd *c)
{
	struct ivg_vg *vg = c->s.h->vg;
	struct opp_fs_waste w;
	int r = 0;

	/* Everything the commit will check, before the first write. The
	 * new tags are set again by the store: an import commits the VG
	 * as it is now. */
	if (c->repo_open && c->repo.changed) {
		r = opp_repo_prepare(ctx, &c->repo);
		opp_repo_abort(ctx, &c->repo);
	}
	if (!r)
		r = ivg_vg_reopen_rw(ctx, c->s.h);
	if (!r && ivg_vg_exported(vg)) {
		if ((r = ivg_vg_set_exported(ctx, vg, false)) ||
		    (r = ivg_vg_set_holder(ctx, vg, c->me)) ||
		    (r = ivg_vg_commit(ctx, vg)))
			return r;
		c->imported_now = true;
		ivg_info(ctx, "Volume group \"%s\" imported for the update", vg->name);
	}
	/* What an interrupted command left in oppfs goes back first. */
	if (!r && c->repo_open && !(r = opp_repo_reclaim(ctx, &c->repo, &w)) &&
	    w.staged)
		ivg_info(ctx, "%s: %llu file(s) left by an interrupted command given back (%llu KiB)",
			 opp_fs_where(c->repo.fs), (unsigned long long)w.staged,
			 (unsigned long long)(w.staged_bytes >> 10));
	return r;
}

int oppcmd_commit(struct ivg_ctx *ctx, struct oppcmd *c)
{
	struct ivg_vg *vg = c->s.h->vg;
	bool changed = c->repo_open && c->repo.changed, landed = false;
	int r = changed ? opp_repo_store(ctx, &c->repo) : 0;

	if (!r && c->imported_now)
		r = ivg_vg_set_exported(ctx, vg, true);
	if (!r && (changed || c->imported_now))
		r = ivg_vg_commit_landed(ctx, vg, &landed);
	/* Landed on some PVs: readers see the new TOC, which stays. */
	if (r && landed && changed)
		opp_repo_committed(ctx, &c->repo);
	if (r)
		return r;
	c->imported_now = false;
	if (!changed)
		return c->repo_open ? opp_repo_finish(ctx, &c->repo) : 0;
	opp_repo_committed(ctx, &c->repo);
	printf("  TOC of volume group \"%s\" is generation %" PRIu64 ", %zu OPP(s), SHA-256 %s\n",
	       vg->name, c->repo.meta.gen, c->repo.toc.n, c->repo.meta.sha256);
	return opp_repo_finish(ctx, &c->repo);
}

void oppcmd_close(struct oppcmd *c, bool failed)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	/* A refused commit: the old TOC and images come back. */
	if (failed && c->repo_open && opp_repo_abort(&scratch, &c->repo))
		fprintf(stderr, "  WARNING: %s\n", ivg_errmsg(&scratch));
	if (c->repo_open)
		opp_repo_free(&c->repo);
	if (failed && c->imported_now) {
		struct ivg_vg *vg = c->s.h->vg;

		if (ivg_vg_set_exported(&scratch, vg, true) ||
		    ivg_vg_commit(&scratch, vg))
			fprintf(stderr, "  WARNING: volume group \"%s\" could not be exported again: %s\n",
				vg->name, ivg_errmsg(&scratch));
	}
	session_close(&c->s);
}

int oppcmd_confirm(struct ivg_ctx *ctx, const struct opts *o,
		   const char *question, const char *what)
{
	if (o->yes)
		return 0;
	if (!isatty(STDIN_FILENO))
		return ivg_err(ctx, EPERM, "%s: not done: there is no terminal to ask \"%s\"; give -y to do it without asking",
			       what, question);
	if (!confirm(o, question))
		return ivg_err(ctx, ECANCELED, "%s: not done", what);
	return 0;
}

int oppcmd_opt(struct ivg_ctx *ctx, struct opts *o, int c, const char *arg,
	       const char *cmd, const char *help)
{
	int r = common_opt(ctx, o, c, arg, cmd);

	if (r)
		return r;
	if (c == OPT_HELP) {
		print_help(help);
		exit(ECMD_OK);
	}
	return 0;
}

int oppcmd_parse(struct ivg_ctx *ctx, struct opts *o, int argc, char **argv,
		 const struct oppcmd_line *l, const char **vg, char ***rest,
		 size_t *n)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "vy", l->longopts, NULL)) != -1) {
		r = oppcmd_opt(ctx, o, c, optarg, l->cmd, l->help);
		if (!r && l->own)
			r = l->own(ctx, c, optarg, l->data);
		if (r > 0)
			continue;
		if (r == 0)
			usage_error(l->cmd, "unknown option");
		return EINVALID_CMD_LINE;
	}
	if (argc - optind < 1 || (size_t)(argc - optind - 1) < l->min ||
	    (size_t)(argc - optind - 1) > l->max)
		return usage_error(l->cmd, "%s", l->need);
	if (check_vg_name(l->cmd, argv[optind]))
		return EINVALID_CMD_LINE;
	*vg = argv[optind];
	*rest = argv + optind + 1;
	*n = (size_t)(argc - optind - 1);
	return 0;
}
