/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opptoc.c - show the TOC's state, or rebuild it from the images. */
#include <inttypes.h>

#include "oppcmd.h"

enum { OPT_REBUILD };

static const struct cmd_opt opts[] = {
	[OPT_REBUILD] = { "rebuild", 0, ARG_NONE, NULL,
			  "regenerate the TOC from the images" },
};

static int rebuild(struct cmd_run *r)
{
	struct oppcmd c;
	size_t skipped = 0;
	int e = oppcmd_open(r, &c);

	if (!e)
		e = opp_repo_rebuild(r->ctx, &c.repo, &skipped);
	if (!e)
		e = oppcmd_begin_write(r, &c);
	if (!e)
		e = oppcmd_commit(r, &c);
	if (!e)
		printf("  TOC of volume group \"%s\" rebuilt from the images%s\n", r->vg,
		       skipped ? " (some files skipped, see the warnings)" : "");
	return oppcmd_close(r, &c, e);
}

static int show(struct cmd_run *r)
{
	struct oppcmd c;
	int e = oppcmd_open(r, &c);

	if (!e) {
		const struct opp_repo *rp = &c.repo;

		if (rp->meta.present)
			printf("  TOC generation %" PRIu64 ", SHA-256 %s (VG metadata)\n",
			       rp->meta.gen, rp->meta.sha256);
		else
			printf("  No TOC recorded in the VG metadata\n");
		if (rp->toc_present)
			printf("  %s/.toc: %zu OPP(s), SHA-256 %s\n",
			       opp_fs_where(rp->fs), rp->toc.n, rp->toc_sha256);
		e = opp_repo_require_consistent(r->ctx, rp);
		if (!e)
			printf("  TOC of volume group \"%s\" is consistent\n", r->vg);
	}
	return oppcmd_close(r, &c, e);
}

static int run(struct cmd_run *r)
{
	return r->writes ? rebuild(r) : show(r);
}

const struct cmd_def cmd_opptoc_def = {
	.name = "opptoc",
	.summary = "Report or rebuild the OPP table of contents",
	.usage = "VG",
	.about =
"Without --rebuild: report the OPP table of contents of the install\n"
"volume group VG: its generation and SHA-256 as the VG metadata records\n"
"them, and whether .toc matches them (exit 5 if not: a stale or torn\n"
"TOC). With --rebuild: read every image in oppfs's pool/ again, hash it,\n"
"and write a new TOC from what the images say, as AIX's inutoc does;\n"
"files that are not packages are reported and left out. The new TOC's\n"
"generation and SHA-256 are committed in the VG metadata.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = OPPCMD_WRITER,
	.writes_with = "rebuild",
	.run = run,
};
