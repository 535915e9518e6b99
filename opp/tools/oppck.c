/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppck.c - check every OPP image of an IVG against its TOC entry. */
#include <stdio.h>

#include "oppcmd.h"

static const char help[] =
"Usage: oppck [options] VG\n"
"\n"
"Check the OPP repository of the install volume group VG: the TOC\n"
"against the generation and SHA-256 the VG metadata records (a stale or\n"
"torn TOC), and every image against its TOC entry, by reading and hashing\n"
"all of it (never by size or time: a file whose contents changed under\n"
"the same version is found) and by reading its metadata again. Files in\n"
"pool/ that the TOC does not list are reported too. Writes nothing.\n"
"\n"
"Options:\n"
OPPCMD_HELP_COMMON
"\n"
"Exit status: 0 all good, 3 bad command line, 5 problems found or failed.\n";

static const struct option longopts[] = {
	OPPCMD_LONGOPTS_COMMON,
};

static void report(void *arg, const char *file, const char *msg)
{
	const char *where = arg;

	fprintf(stderr, "  %s/%s: %s\n", where, file, msg);
}

int cmd_oppck(struct ivg_ctx *ctx, int argc, char **argv)
{
	static const struct oppcmd_line line = {
		"oppck", help, "exactly one VG name is needed", longopts, 0, 0,
		NULL, NULL,
	};
	struct opts o = { 0 };
	struct oppcmd c = { 0 };
	size_t problems = 0, n;
	const char *vg;
	char **rest;
	int r, rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &rest, &n);

	if (rc)
		goto out;
	r = oppcmd_open(ctx, &o, vg, false, &c);
	if (!r)
		r = opp_repo_check(ctx, &c.repo, report,
				   (void *)opp_fs_where(c.repo.fs), &problems);
	if (r) {
		rc = fail(ctx);
	} else if (problems) {
		printf("  %zu OPP image(s) checked in volume group \"%s\": %zu problem(s)\n",
		       c.repo.toc.n, vg, problems);
		rc = ECMD_FAILED;
	} else {
		printf("  %zu OPP image(s) checked in volume group \"%s\": all match the TOC, generation %llu\n",
		       c.repo.toc.n, vg, (unsigned long long)c.repo.meta.gen);
	}
	oppcmd_close(&c, false);
out:
	opts_free(&o);
	return rc;
}
