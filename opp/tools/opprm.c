/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opprm.c - remove OPP images from an IVG. */
#include <string.h>

#include "oppcmd.h"


static int check(struct cmd_run *r)
{
	for (size_t i = 1; i < r->n_operands; i++)
		if (!r->operands[i][0] || r->operands[i][0] == '=')
			return cmd_usage_error(r, "\"%s\": NAME[=VERSION] expected",
					       r->operands[i]);
	return 0;
}

static int run(struct cmd_run *r)
{
	struct oppcmd c;
	size_t before;
	int e = oppcmd_open(r, &c);

	before = e ? 0 : c.repo.toc.n;
	if (!e)
		e = opp_repo_remove(r->ctx, &c.repo, r->operands + 1,
				    r->n_operands - 1);
	if (!e)
		e = oppcmd_begin_write(r, &c);
	if (!e) {
		size_t gone = before - c.repo.toc.n;

		e = oppcmd_commit(r, &c);
		if (!e)
			printf("  %zu OPP image(s) removed from volume group \"%s\"\n",
			       gone, r->vg);
	}
	return oppcmd_close(r, &c, e);
}

const struct cmd_def cmd_opprm_def = {
	.name = "opprm",
	.summary = "Remove OPPs from an install volume group",
	.usage = "VG NAME[=VERSION]...",
	.about =
"Remove optional program products from the install volume group VG:\n"
"every version and architecture of NAME, or only NAME=VERSION. The new\n"
"TOC and its generation and SHA-256 are committed first; the images are\n"
"unlinked after that. A NAME that matches nothing is an error and nothing\n"
"is written. An exported VG is imported for the update and exported\n"
"again.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.min_operands = 2, .max_operands = SIZE_MAX,
	.operand_need = "a VG name and at least one NAME[=VERSION] are needed",
	.flags = OPPCMD_WRITER,
	.check = check,
	.run = run,
};
