/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opprm.c - remove OPP images from an IVG. */
#include <string.h>

#include "oppcmd.h"

static const char help[] =
"Usage: opprm [options] VG NAME[=VERSION]...\n"
"\n"
"Remove optional program products from the install volume group VG:\n"
"every version and architecture of NAME, or only NAME=VERSION. The new\n"
"TOC and its generation and SHA-256 are committed first; the images are\n"
"unlinked after that. A NAME that matches nothing is an error and nothing\n"
"is written. An exported VG is imported for the update and exported\n"
"again.\n"
"\n"
"Options:\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

static const struct option longopts[] = {
	OPPCMD_LONGOPTS_COMMON,
};

static int rm(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
	      char **specs, size_t n)
{
	struct oppcmd c;
	size_t before;
	int r = oppcmd_open(ctx, o, vg, true, &c);

	before = r ? 0 : c.repo.toc.n;
	if (!r)
		r = opp_repo_remove(ctx, &c.repo, specs, n);
	if (!r)
		r = oppcmd_begin_write(ctx, &c);
	if (!r) {
		size_t gone = before - c.repo.toc.n;

		r = oppcmd_commit(ctx, &c);
		if (!r)
			printf("  %zu OPP image(s) removed from volume group \"%s\"\n",
			       gone, vg);
	}
	oppcmd_close(&c, r != 0);
	return r;
}

int cmd_opprm(struct ivg_ctx *ctx, int argc, char **argv)
{
	static const struct oppcmd_line line = {
		"opprm", help, "a VG name and at least one NAME[=VERSION] are needed",
		longopts, 1, SIZE_MAX, NULL, NULL,
	};
	struct opts o = { 0 };
	const char *vg;
	char **specs;
	size_t n;
	int rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &specs, &n);

	for (size_t i = 0; !rc && i < n; i++)
		if (!specs[i][0] || specs[i][0] == '=')
			rc = usage_error("opprm", "\"%s\": NAME[=VERSION] expected", specs[i]);
	if (!rc && rm(ctx, &o, vg, specs, n))
		rc = fail(ctx);
	opts_free(&o);
	return rc;
}
