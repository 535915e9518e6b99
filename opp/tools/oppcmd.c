/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppcmd.c - opening, importing and committing a VG for the OPP tools. */
#include "oppcmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

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
	int r = ivg_vg_reopen_rw(ctx, c->s.h);

	if (r || !ivg_vg_exported(vg))
		return r;
	if ((r = ivg_vg_set_exported(ctx, vg, false)) ||
	    (r = ivg_vg_set_holder(ctx, vg, c->me)) ||
	    (r = ivg_vg_commit(ctx, vg)))
		return r;
	c->imported_now = true;
	ivg_info(ctx, "Volume group \"%s\" imported for the update", vg->name);
	return 0;
}

int oppcmd_commit(struct ivg_ctx *ctx, struct oppcmd *c)
{
	struct ivg_vg *vg = c->s.h->vg;
	int r = opp_repo_store_toc(ctx, &c->repo);

	if (!r && c->imported_now)
		r = ivg_vg_set_exported(ctx, vg, true);
	if (!r)
		r = ivg_vg_commit(ctx, vg);
	if (r)
		return r;
	c->imported_now = false;
	printf("  TOC of volume group \"%s\" is generation %" PRIu64 ", %zu OPP(s), SHA-256 %s\n",
	       vg->name, c->repo.meta.gen, c->repo.toc.n, c->repo.meta.sha256);
	return opp_repo_finish(ctx, &c->repo);
}

void oppcmd_close(struct oppcmd *c, bool failed)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
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
