/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opptoc.c - show the TOC's state, or rebuild it from the images. */
#include <inttypes.h>

#include "oppcmd.h"

static const char help[] =
"Usage: opptoc [options] VG\n"
"\n"
"Without --rebuild: report the OPP table of contents of the install\n"
"volume group VG: its generation and SHA-256 as the VG metadata records\n"
"them, and whether .toc matches them (exit 5 if not: a stale or torn\n"
"TOC). With --rebuild: read every image in oppfs's pool/ again, hash it,\n"
"and write a new TOC from what the images say, as AIX's inutoc does;\n"
"files that are not packages are reported and left out. The new TOC's\n"
"generation and SHA-256 are committed in the VG metadata.\n"
"\n"
"Options:\n"
"      --rebuild      regenerate the TOC from the images\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

enum { OPT_REBUILD = OPT_FIRST_COMMAND_SPECIFIC };

static const struct option longopts[] = {
	{ "rebuild", no_argument, NULL, OPT_REBUILD },
	OPPCMD_LONGOPTS_COMMON,
};

static int rebuild(struct ivg_ctx *ctx, const struct opts *o, const char *vg)
{
	struct oppcmd c;
	size_t skipped = 0;
	int r = oppcmd_open(ctx, o, vg, true, &c);

	if (!r)
		r = opp_repo_rebuild(ctx, &c.repo, &skipped);
	if (!r)
		r = oppcmd_begin_write(ctx, &c);
	if (!r)
		r = oppcmd_commit(ctx, &c);
	if (!r)
		printf("  TOC of volume group \"%s\" rebuilt from the images%s\n", vg,
		       skipped ? " (some files skipped, see the warnings)" : "");
	oppcmd_close(&c, r != 0);
	return r;
}

static int show(struct ivg_ctx *ctx, const struct opts *o, const char *vg)
{
	struct oppcmd c;
	int r = oppcmd_open(ctx, o, vg, false, &c);

	if (!r) {
		const struct opp_repo *rp = &c.repo;

		if (rp->meta.present)
			printf("  TOC generation %" PRIu64 ", SHA-256 %s (VG metadata)\n",
			       rp->meta.gen, rp->meta.sha256);
		else
			printf("  No TOC recorded in the VG metadata\n");
		if (rp->toc_present)
			printf("  %s/.toc: %zu OPP(s), SHA-256 %s\n",
			       opp_fs_where(rp->fs), rp->toc.n, rp->toc_sha256);
		r = opp_repo_require_consistent(ctx, rp);
		if (!r)
			printf("  TOC of volume group \"%s\" is consistent\n", vg);
	}
	oppcmd_close(&c, false);
	return r;
}

static int own_option(struct ivg_ctx *ctx, int c, const char *arg, void *data)
{
	if (c != OPT_REBUILD)
		return 0;
	*(bool *)data = true;
	return 1;
}

int cmd_opptoc(struct ivg_ctx *ctx, int argc, char **argv)
{
	bool rb = false;
	const struct oppcmd_line line = {
		"opptoc", help, "exactly one VG name is needed", longopts, 0, 0,
		own_option, &rb,
	};
	struct opts o = { 0 };
	const char *vg;
	char **rest;
	size_t n;
	int rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &rest, &n);

	if (!rc && (rb ? rebuild(ctx, &o, vg) : show(ctx, &o, vg)))
		rc = fail(ctx);
	opts_free(&o);
	return rc;
}
