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
	struct opts o = { 0 };
	int c, r, rc = ECMD_OK;

	while ((c = getopt_long(argc, argv, "vy", longopts, NULL)) != -1) {
		if ((r = oppcmd_opt(ctx, &o, c, optarg, "opprm", help)) > 0)
			continue;
		usage_error("opprm", "unknown option");
		goto bad;
	}
	if (argc - optind < 2) {
		usage_error("opprm", "a VG name and at least one NAME[=VERSION] are needed");
		goto bad;
	}
	for (int i = optind + 1; i < argc; i++)
		if (!argv[i][0] || argv[i][0] == '=') {
			usage_error("opprm", "\"%s\": NAME[=VERSION] expected", argv[i]);
			goto bad;
		}
	if (rm(ctx, &o, argv[optind], argv + optind + 1, (size_t)(argc - optind - 1)))
		rc = fail(ctx);
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	opts_free(&o);
	return rc;
}
