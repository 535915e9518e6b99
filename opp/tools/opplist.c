/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opplist.c - list the OPPs of an IVG from its TOC. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "oppcmd.h"


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

static void print_json(const struct opp_repo *rp)
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

static void print_basic(const struct opp_repo *rp)
{
	printf("  %-24s %-20s %-8s %-4s %12s  %s\n", "OPP", "Version", "Arch",
	       "Fmt", "Size", "Summary");
	for (size_t i = 0; i < rp->toc.n; i++) {
		const struct opp_stanza *e = &rp->toc.e[i];
		char sum[256];

		summary(e, sum, sizeof(sum));
		printf("  %-24s %-20s %-8s %-4s %12s  %s\n", field(e, "Package"),
		       field(e, "Version"), field(e, "Architecture"),
		       field(e, OPP_F_FORMAT), field(e, "Size"), sum);
	}
}

static int run(struct cmd_run *r)
{
	struct oppcmd c;
	int e = oppcmd_open(r, &c);

	if (!e)
		e = opp_repo_require_consistent(r->ctx, &c.repo);
	if (!e) {
		/* Sorted as the TOC is written. */
		struct ivg_buf b = { 0 };

		opp_toc_format(r->ctx, &c.repo.toc, &b);
		ivg_buf_free(&b);
		if (r->o.json)
			print_json(&c.repo);
		else
			print_basic(&c.repo);
	}
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
"that does not match (stale or torn) is reported and not listed (exit 5).\n",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT) | CO(CO_YES),
	.common_help = {
		[CO_REPORTFORMAT] = "json: as lvm2's, with the TOC's generation and digest",
		[CO_YES] = "accepted for LVM compatibility",
	},
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = OPPCMD_READER,
	.run = run,
};
