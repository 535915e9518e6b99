/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opplist.c - list the OPPs of an IVG from its TOC. */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "chroot.h"
#include "oppcmd.h"
#include "oppinst.h"

enum { OPT_INSTALLED, OPT_ROOT };

static const struct cmd_opt opts[] = {
	[OPT_INSTALLED] = { "installed", 0, ARG_NONE, NULL,
			    "compare with what this system has installed" },
	[OPT_ROOT] = { "root", 0, ARG_STRING, "DIR",
		       "with --installed: the system installed at DIR" },
};

/* What the system has of an entry: "installed", "other-version", "". */
static const char *state(const struct opp_stanza *e, const char *have)
{
	const char *v = opp_stanza_get(e, "Version");

	if (!have || !*have)
		return "";
	return v && !strcmp(v, have) ? "installed" : "other-version";
}


static const char *field(const struct opp_stanza *e, const char *name)
{
	const char *v = opp_stanza_get(e, name);

	return v ? v : "";
}

/* The first line of a Description. */
static void summary(const struct opp_stanza *e, char *out, size_t len)
{
	const char *d = field(e, "Description");

	snprintf(out, len, "%.*s", (int)strcspn(d, "\n"), d);
}

static void print_json(const struct opp_repo *rp, char **have)
{
	json_object *one, *top = report_new(&one);
	json_object *opps = json_object_new_array();
	json_object *toc = json_object_new_array();
	json_object *t = json_object_new_object();
	char gen[32], sum[256];

	for (size_t i = 0; i < rp->toc.n; i++) {
		const struct opp_stanza *e = &rp->toc.e[i];
		json_object *o = json_object_new_object();

		summary(e, sum, sizeof(sum));
		report_set(o, "opp_name", field(e, "Package"));
		report_set(o, "opp_version", field(e, "Version"));
		report_set(o, "opp_arch", field(e, "Architecture"));
		report_set(o, "opp_format", field(e, OPP_F_FORMAT));
		report_set(o, "opp_size", field(e, "Size"));
		report_set(o, "opp_file", field(e, "Filename"));
		report_set(o, "opp_sha256", field(e, "SHA256"));
		report_set(o, "opp_summary", sum);
		if (have) {
			report_set(o, "opp_installed", have[i]);
			report_set(o, "opp_state", state(e, have[i]));
		}
		json_object_array_add(opps, o);
	}
	snprintf(gen, sizeof(gen), "%" PRIu64, rp->meta.gen);
	report_set(t, "vg_name", rp->vg->name);
	report_set(t, "toc_generation", gen);
	report_set(t, "toc_sha256", rp->meta.sha256);
	report_set(t, "toc_count", (snprintf(sum, sizeof(sum), "%zu", rp->toc.n), sum));
	json_object_array_add(toc, t);
	json_object_object_add(one, "toc", toc);
	json_object_object_add(one, "opp", opps);
	report_print(top);
}

static void print_basic(const struct opp_repo *rp, char **have)
{
	printf("  %-24s %-20s %-8s %-4s %12s  %s\n", "OPP", "Version", "Arch",
	       "Fmt", "Size", have ? "Installed" : "Summary");
	for (size_t i = 0; i < rp->toc.n; i++) {
		const struct opp_stanza *e = &rp->toc.e[i];
		char sum[256];

		summary(e, sum, sizeof(sum));
		if (have && !*state(e, have[i]))
			snprintf(sum, sizeof(sum), "-");
		else if (have)
			snprintf(sum, sizeof(sum), "%s%s%s", have[i],
				 strcmp(state(e, have[i]), "installed") ? " " : "",
				 strcmp(state(e, have[i]), "installed") ? "(another version)" : "");
		printf("  %-24s %-20s %-8s %-4s %12s  %s\n", field(e, "Package"),
		       field(e, "Version"), field(e, "Architecture"),
		       field(e, OPP_F_FORMAT), field(e, "Size"), sum);
	}
}

/* What the system (this one, or at --root) has of each entry. */
static int installed(struct cmd_run *r, const struct opp_toc *toc,
		     char ***have)
{
	const char *root = cmd_given(r, OPT_ROOT) ? r->own[OPT_ROOT].str : "/";
	struct bos_chroot *c = NULL;
	int e = bos_chroot_open(r->ctx, root, getenv("TMPDIR"), &c);

	if (!e)
		e = bos_oppinst_query(r->ctx, c, toc, have);
	if (bos_chroot_close(r->ctx, c) && !e)
		e = -EIO;
	return e;
}

static int check(struct cmd_run *r)
{
	if (cmd_given(r, OPT_ROOT) && !cmd_given(r, OPT_INSTALLED))
		return cmd_usage_error(r, "--root goes with --installed");
	return 0;
}

static int run(struct cmd_run *r)
{
	struct oppcmd c;
	int e = oppcmd_open(r, &c);

	if (!e)
		e = opp_repo_require_consistent(r->ctx, &c.repo);
	char **have = NULL;

	if (!e) {
		/* Sorted as the TOC is written. */
		struct ivg_buf b = { 0 };

		opp_toc_format(r->ctx, &c.repo.toc, &b);
		ivg_buf_free(&b);
	}
	if (!e && cmd_given(r, OPT_INSTALLED))
		e = installed(r, &c.repo.toc, &have);
	if (!e && r->o.json)
		print_json(&c.repo, have);
	else if (!e)
		print_basic(&c.repo, have);
	bos_oppinst_free_list(have, c.repo.toc.n);
	return oppcmd_close(r, &c, e);
}

const struct cmd_def cmd_opplist_def = {
	.name = "opplist",
	.summary = "List the OPPs of an install volume group",
	.usage = "VG",
	.about =
"List the optional program products of the install volume group VG from\n"
"its TOC: name, version, architecture, format, size. The TOC is checked\n"
"against the generation and SHA-256 that the VG metadata records; a TOC\n"
"that does not match (stale or torn) is reported and not listed (exit 5).\n"
"With --installed, each OPP is compared with what the system has\n"
"installed (dpkg's status for .deb, rpm -qa for .rpm, the plain OPPs\n"
"that /etc/ivg/installed.json lists): the version installed, or -.\n",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT) | CO(CO_YES),
	.common_help = {
		[CO_REPORTFORMAT] = "json: as lvm2's, with the TOC's generation and digest",
		[CO_YES] = "accepted for LVM compatibility",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = OPPCMD_READER,
	.check = check,
	.run = run,
};
