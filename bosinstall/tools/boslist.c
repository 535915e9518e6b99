/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boslist.c - list the BOS images of an IVG from their manifests. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>

#include "boscmd.h"


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

static void warn_waste(struct ivg_ctx *ctx, const char *where,
		       const struct opp_fs_waste *w)
{
	if (w->staged)
		ivg_warn(ctx, "%s: %" PRIu64 " file(s), %" PRIu64 " KiB, left in %s by an interrupted command (the next bosadd or bosrm gives them back)",
			 where, w->staged, (w->staged_bytes + 1023) >> 10, OPP_FS_STAGING);
	if (w->orphans)
		ivg_warn(ctx, "%s: %" PRIu64 " inode(s) in use that no name reaches, %" PRIu64 " KiB (bosrm --orphans gives them back)",
			 where, w->orphans, (w->orphan_bytes + 1023) >> 10);
	if (w->leaked_bytes)
		ivg_warn(ctx, "%s: %" PRIu64 " KiB of blocks marked in use that no file holds (bosrm --orphans gives them back)",
			 where, (w->leaked_bytes + 1023) >> 10);
}

static int run(struct cmd_run *r)
{
	struct bos_list l = { 0 };
	struct opp_fs_waste w;
	struct boscmd c;
	int e = boscmd_open(r, &c);

	if (!e)
		e = bos_store_list(r->ctx, c.store, &l);
	if (!e)
		e = bos_store_survey(r->ctx, c.store, &w);
	if (!e) {
		for (size_t i = 0; i < l.problems.n; i++)
			ivg_warn(r->ctx, "%s", l.problems.v[i]);
		warn_waste(r->ctx, bos_store_where(c.store), &w);
		if (r->o.json)
			print_json(r->vg, &l);
		else
			print_basic(&l, r->o.verbose > 0);
	}
	bos_list_free(&l);
	return boscmd_close(&c, e);
}

const struct cmd_def cmd_boslist_def = {
	.name = "boslist",
	.summary = "List the BOS images of an install volume group",
	.usage = "VG",
	.about =
"List the base operating system images of the install volume group VG\n"
"from their manifests: name, format, size, kernel version, the date added,\n"
"SHA-256 and where the data is. Reads only. A manifest that cannot be\n"
"read, data that is missing, data that no manifest names (an orphan\n"
"left by an interrupted bosadd or bosrm), and space in bosfs that no file\n"
"uses (files left in its staging directory; when bosfs is not mounted,\n"
"also inodes no name reaches and blocks no file holds) are reported as\n"
"warnings; bosrm --orphans gives all of it back.\n",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT) | CO(CO_YES),
	.common_help = {
		[CO_REPORTFORMAT] = "json: as lvm2's",
		[CO_YES] = "accepted for LVM compatibility",
	},
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = BOSCMD_READER,
	.run = run,
};
