/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppadd.c - add OPP images (.deb, .rpm, plain OPP) to an IVG's oppfs. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "oppcmd.h"

static const char help[] =
"Usage: oppadd [options] VG FILE...\n"
"\n"
"Add optional program product images to the install volume group VG:\n"
"Debian packages, RPM packages and plain OPP archives (a tar archive with\n"
"opp.control first, see ivg(7)). Every FILE is read and checked first;\n"
"then the images are copied into oppfs, through libext2fs without a\n"
"mount (or into the mounted filesystem when oppfs is mounted on this\n"
"host), the TOC (.toc, also the flat apt repository's Packages) is\n"
"replaced atomically, and its new generation and SHA-256 are committed\n"
"in the VG metadata. An exported VG is imported for the update and\n"
"exported again. Nothing is written when a FILE is not a package, is\n"
"truncated, or names a place outside the pool; when the same package\n"
"(name, version, architecture) is in the TOC already, unless --replace;\n"
"when oppfs has too little space; or when another host holds the VG.\n"
"\n"
"Options:\n"
"      --replace      replace packages of the same name, version and\n"
"                     architecture\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

enum { OPT_REPLACE = OPT_FIRST_COMMAND_SPECIFIC };

static const struct option longopts[] = {
	{ "replace", no_argument, NULL, OPT_REPLACE },
	OPPCMD_LONGOPTS_COMMON,
};

static int add(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
	       char **files, size_t n, bool replace)
{
	struct opp_pkg *pkgs = calloc(n + 1, sizeof(*pkgs));
	struct oppcmd c = { 0 };
	size_t read = 0;
	int r = pkgs ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	/* Every file is read and judged before the VG is touched. */
	for (; !r && read < n; read++)
		r = opp_pkg_read_file(ctx, files[read], &pkgs[read]);
	if (r)
		goto out;
	r = oppcmd_open(ctx, o, vg, true, &c);
	if (!r)
		r = opp_repo_add(ctx, &c.repo, pkgs, files, n, replace);
	if (!r)
		r = oppcmd_begin_write(ctx, &c);
	for (size_t i = 0; !r && i < n; i++)
		ivg_info(ctx, "%s: %s %s (%s, %s), %" PRIu64 " bytes", files[i],
			 opp_stanza_get(&pkgs[i].st, "Package"),
			 opp_stanza_get(&pkgs[i].st, "Version"),
			 opp_stanza_get(&pkgs[i].st, "Architecture"),
			 opp_format_name(pkgs[i].fmt), pkgs[i].size);
	if (!r)
		r = oppcmd_commit(ctx, &c);
	if (!r)
		printf("  %zu OPP image(s) added to volume group \"%s\"\n", n, vg);
	oppcmd_close(&c, r != 0);
out:
	for (size_t i = 0; pkgs && i < read; i++)
		opp_pkg_free(&pkgs[i]);
	free(pkgs);
	return r;
}

static int own_option(struct ivg_ctx *ctx, int c, const char *arg, void *data)
{
	if (c != OPT_REPLACE)
		return 0;
	*(bool *)data = true;
	return 1;
}

int cmd_oppadd(struct ivg_ctx *ctx, int argc, char **argv)
{
	bool replace = false;
	const struct oppcmd_line line = {
		"oppadd", help, "a VG name and at least one FILE are needed",
		longopts, 1, SIZE_MAX, own_option, &replace,
	};
	struct opts o = { 0 };
	const char *vg;
	char **files;
	size_t n;
	int rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &files, &n);

	if (!rc) {
		catch_interrupts(ctx);
		if (add(ctx, &o, vg, files, n, replace))
			rc = fail(ctx);
	}
	opts_free(&o);
	return rc;
}
