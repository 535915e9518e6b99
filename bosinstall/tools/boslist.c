/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boslist.c - list the BOS images of an IVG from their manifests. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>

#include "boscmd.h"

static const char help[] =
"Usage: boslist [options] VG\n"
"\n"
"List the base operating system images of the install volume group VG\n"
"from their manifests: name, format, size, kernel version, the date added,\n"
"SHA-256 and where the data is. Reads only. A manifest that cannot be\n"
"read, data that is missing, data that no manifest names (an orphan\n"
"left by an interrupted bosadd or bosrm), and space in bosfs that no file\n"
"uses (files left in its staging directory; when bosfs is not mounted,\n"
"also inodes no name reaches and blocks no file holds) are reported as\n"
"warnings; bosrm --orphans gives all of it back.\n"
"\n"
"Options:\n"
"      --reportformat basic|json\n"
"                     json: as lvm2's\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

static const struct option longopts[] = {
	{ "reportformat", required_argument, NULL, OPT_REPORTFORMAT },
	OPPCMD_LONGOPTS_COMMON,
};

static void when(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static void print_json(const char *vg, const struct bos_list *l)
{
	json_object *one, *top = report_new(&one), *bos = json_object_new_array();
	char buf[64];

	for (size_t i = 0; i < l->n; i++) {
		const struct bos_manifest *m = &l->v[i];
		json_object *o = json_object_new_object();

		report_set(o, "vg_name", vg);
		report_set(o, "bos_name", m->name);
		report_set(o, "bos_format", bos_format_name(m->format));
		snprintf(buf, sizeof(buf), "%" PRIu64, m->size);
		report_set(o, "bos_size", buf);
		report_set(o, "bos_kernel", m->kernel);
		when(m->added, buf, sizeof(buf));
		report_set(o, "bos_added", buf);
		report_set(o, "bos_sha256", m->sha256);
		report_set(o, m->format == BOS_FMT_RAW ? "bos_lv" : "bos_file", m->data);
		report_set(o, "bos_source", m->source);
		report_set(o, "bos_compression", m->compression);
		/* Unknown (0) for raw images and older manifests: "". */
		snprintf(buf, sizeof(buf), "%" PRIu64, m->unpacked);
		report_set(o, "bos_unpacked", m->unpacked ? buf : "");
		json_object_array_add(bos, o);
	}
	json_object_object_add(one, "bos", bos);
	report_print(top);
}

static void print_basic(const struct bos_list *l, bool verbose)
{
	char t[64];

	printf("  %-20s %-4s %12s %-20s %-21s %s\n", "BOS", "Fmt", "Size",
	       "Kernel", "Added", verbose ? "SHA-256, data" : "SHA-256");
	for (size_t i = 0; i < l->n; i++) {
		const struct bos_manifest *m = &l->v[i];

		when(m->added, t, sizeof(t));
		printf("  %-20s %-4s %12" PRIu64 " %-20s %-21s %.*s%s%s\n", m->name,
		       bos_format_name(m->format), m->size, *m->kernel ? m->kernel : "-",
		       t, verbose ? 64 : 16, m->sha256, verbose ? " " : "",
		       verbose ? m->data : "");
	}
}

static void warn_waste(const char *where, const struct opp_fs_waste *w)
{
	if (w->staged)
		fprintf(stderr, "  WARNING: %s: %" PRIu64 " file(s), %" PRIu64 " KiB, left in %s by an interrupted command (the next bosadd or bosrm gives them back)\n",
			where, w->staged, (w->staged_bytes + 1023) >> 10, OPP_FS_STAGING);
	if (w->orphans)
		fprintf(stderr, "  WARNING: %s: %" PRIu64 " inode(s) in use that no name reaches, %" PRIu64 " KiB (bosrm --orphans gives them back)\n",
			where, w->orphans, (w->orphan_bytes + 1023) >> 10);
	if (w->leaked_bytes)
		fprintf(stderr, "  WARNING: %s: %" PRIu64 " KiB of blocks marked in use that no file holds (bosrm --orphans gives them back)\n",
			where, (w->leaked_bytes + 1023) >> 10);
}

int cmd_boslist(struct ivg_ctx *ctx, int argc, char **argv)
{
	static const struct oppcmd_line line = {
		"boslist", help, "exactly one VG name is needed", longopts, 0, 0,
		NULL, NULL,
	};
	struct opts o = { 0 };
	struct boscmd c = { 0 };
	struct bos_list l = { 0 };
	struct opp_fs_waste w;
	const char *vg;
	char **rest;
	size_t n;
	int r, rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &rest, &n);

	if (rc)
		goto out;
	r = boscmd_open(ctx, &o, vg, false, &c);
	if (!r)
		r = bos_store_list(ctx, c.store, &l);
	if (!r)
		r = bos_store_survey(ctx, c.store, &w);
	if (r) {
		rc = fail(ctx);
	} else {
		for (size_t i = 0; i < l.problems.n; i++)
			fprintf(stderr, "  WARNING: %s\n", l.problems.v[i]);
		warn_waste(bos_store_where(c.store), &w);
		if (o.json)
			print_json(vg, &l);
		else
			print_basic(&l, o.verbose > 0);
	}
	bos_list_free(&l);
	boscmd_close(&c, false);
out:
	opts_free(&o);
	return rc;
}
