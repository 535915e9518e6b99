/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opplist.c - list the OPPs of an IVG from its TOC. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "oppcmd.h"

static const char help[] =
"Usage: opplist [options] VG\n"
"\n"
"List the optional program products of the install volume group VG from\n"
"its TOC: name, version, architecture, format, size. The TOC is checked\n"
"against the generation and SHA-256 that the VG metadata records; a TOC\n"
"that does not match (stale or torn) is reported and not listed (exit 5).\n"
"\n"
"Options:\n"
"      --reportformat basic|json\n"
"                     json: as lvm2's, with the TOC's generation and digest\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

static const struct option longopts[] = {
	{ "reportformat", required_argument, NULL, OPT_REPORTFORMAT },
	OPPCMD_LONGOPTS_COMMON,
};

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

int cmd_opplist(struct ivg_ctx *ctx, int argc, char **argv)
{
	static const struct oppcmd_line line = {
		"opplist", help, "exactly one VG name is needed", longopts, 0, 0,
		NULL, NULL,
	};
	struct opts o = { 0 };
	struct oppcmd c = { 0 };
	const char *vg;
	char **rest;
	size_t n;
	int r, rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &rest, &n);

	if (rc)
		goto out;
	r = oppcmd_open(ctx, &o, vg, false, &c);
	if (!r)
		r = opp_repo_require_consistent(ctx, &c.repo);
	if (r) {
		rc = fail(ctx);
	} else {
		/* Sorted as the TOC is written. */
		struct ivg_buf b = { 0 };

		opp_toc_format(ctx, &c.repo.toc, &b);
		ivg_buf_free(&b);
		if (o.json)
			print_json(&c.repo);
		else
			print_basic(&c.repo);
	}
	oppcmd_close(&c, false);
out:
	opts_free(&o);
	return rc;
}
