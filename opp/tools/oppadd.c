/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppadd.c - add OPP images (.deb, .rpm, plain OPP) to an IVG's oppfs. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "oppcmd.h"

enum { OPT_REPLACE };

static const struct cmd_opt opts[] = {
	[OPT_REPLACE] = { "replace", 0, ARG_NONE, NULL,
			  "replace packages of the same name, version and\n"
			  "architecture" },
};

/* The packages, read and judged before the VG is touched. */
struct added {
	struct opp_pkg *pkgs;
	size_t read;
};

static int prepare(struct cmd_run *r)
{
	struct added *a = r->data;
	char **files = r->operands + 1;
	size_t n = r->n_operands - 1;
	int e = 0;

	a->pkgs = calloc(n + 1, sizeof(*a->pkgs));
	if (!a->pkgs)
		return ivg_err(r->ctx, ENOMEM, "out of memory");
	for (; !e && a->read < n; a->read++)
		e = opp_pkg_read_file(r->ctx, files[a->read], &a->pkgs[a->read]);
	return e;
}

static int add(struct cmd_run *r, struct added *a)
{
	struct ivg_ctx *ctx = r->ctx;
	struct opp_pkg *pkgs = a->pkgs;
	char **files = r->operands + 1;
	size_t n = r->n_operands - 1;
	bool replace = cmd_given(r, OPT_REPLACE);
	struct oppcmd c;
	int e = oppcmd_open(r, &c);

	if (!e)
		e = opp_repo_add(ctx, &c.repo, pkgs, files, n, replace);
	if (!e)
		e = oppcmd_begin_write(r, &c);
	for (size_t i = 0; !e && i < n; i++)
		ivg_info(ctx, "%s: %s %s (%s, %s), %" PRIu64 " bytes", files[i],
			 opp_stanza_get(&pkgs[i].st, "Package"),
			 opp_stanza_get(&pkgs[i].st, "Version"),
			 opp_stanza_get(&pkgs[i].st, "Architecture"),
			 opp_format_name(pkgs[i].fmt), pkgs[i].size);
	if (!e)
		e = oppcmd_commit(r, &c);
	if (!e)
		printf("  %zu OPP image(s) added to volume group \"%s\"\n", n, r->vg);
	return oppcmd_close(r, &c, e);
}

static int run(struct cmd_run *r)
{
	return add(r, r->data);
}

static void cleanup(struct cmd_run *r)
{
	struct added *a = r->data;

	for (size_t i = 0; a->pkgs && i < a->read; i++)
		opp_pkg_free(&a->pkgs[i]);
	free(a->pkgs);
}

const struct cmd_def cmd_oppadd_def = {
	.name = "oppadd",
	.summary = "Add OPP images to an install volume group",
	.usage = "VG FILE...",
	.about =
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
"when oppfs has too little space; or when another host holds the VG.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 2, .max_operands = SIZE_MAX,
	.operand_need = "a VG name and at least one FILE are needed",
	.flags = OPPCMD_WRITER | CMD_INTERRUPTIBLE,
	.prepare = prepare,
	.run = run,
	.data_size = sizeof(struct added),
	.cleanup = cleanup,
};
