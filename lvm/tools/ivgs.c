/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgs.c - report install volume groups: VG, PVs with boot legs, LVs. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dev.h"
#include "ivgvg.h"
#include "sanaddr.h"
#include "cmd.h"

enum { OPT_ALL };

static const struct cmd_opt opts[] = {
	[OPT_ALL] = { "all", 'a', ARG_NONE, NULL, "also hidden LVs (raid legs)" },
};

struct report {
	struct ivg_ctx *ctx;
	bool json, all;
	size_t reported;
	json_object *vgs, *pvs, *lvs;
};

static void human(uint64_t bytes, char *out, size_t len)
{
	static const char units[] = "kmgtpe";
	double v = (double)bytes / 1024;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, "%.2f%c", v, units[u]);
}

static void jsetu(json_object *o, const char *k, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	report_set(o, k, b);
}

static const char *pv_path(const struct ivg_pv *pv)
{
	/* lvm2 names a missing PV "[unknown]". */
	return pv->dev ? pv->dev->path : "[unknown]";
}

/* "pv0(12),pv1(0)" with device paths, or sub-LV names for raid. */
static void lv_devices(const struct ivg_vg *vg, const struct ivg_lv *lv,
		       char *out, size_t len)
{
	size_t n = 0;

	out[0] = 0;
	for (size_t s = 0; s < lv->seg_count; s++)
		for (size_t a = 0; a < lv->segs[s].area_count; a++) {
			const struct ivg_area *ar = &lv->segs[s].areas[a];
			const struct ivg_pv *pv = ar->type == IVG_AREA_PV ?
				ivg_vg_pv_by_name(vg, ar->name) : NULL;

			if (n >= len)
				return;
			n += (size_t)snprintf(out + n, len - n, "%s%s(%llu)",
					      n ? "," : "",
					      pv ? pv_path(pv) : ar->name,
					      (unsigned long long)ar->start);
		}
}

static const char *lv_segtype(const struct ivg_lv *lv)
{
	return lv->seg_count ? ivg_seg_type_name(&lv->segs[0]) : "";
}

static char vg_attr(const struct ivg_vg *vg, int i)
{
	switch (i) {
	case 0:
		/* A held VG's WRITE is lvm2's flag WRITE_LOCKED. */
		return ivg_strvec_has(&vg->status, "WRITE") ||
		       ivg_strvec_has(&vg->flags, "WRITE_LOCKED") ? 'w' : 'r';
	case 1:
		return ivg_strvec_has(&vg->status, "RESIZEABLE") ? 'z' : '-';
	case 2:
		return ivg_vg_exported(vg) ? 'x' : '-';
	default:
		return '-';
	}
}

static void report_vg(struct report *rp, struct ivg_vgh *h)
{
	struct ivg_vg *vg = h->vg;
	struct ivg_freemap *m = NULL;
	uint64_t eb = (uint64_t)vg->extent_size * 512, size = 0, nfree = 0;
	char uuid[IVG_UUID_LEN + 7], a[8], hs[32], hf[32];
	const char *holder = ivg_vg_holder(vg);
	size_t visible = 0;

	for (size_t i = 0; i < vg->pv_count; i++)
		size += vg->pvs[i]->pe_count * eb;
	if (!ivg_freemap_build(rp->ctx, vg, &m))
		nfree = ivg_freemap_total_free(m) * eb;
	ivg_freemap_free(m);
	for (size_t i = 0; i < vg->lv_count; i++)
		visible += ivg_lv_visible(vg->lvs[i]);
	ivg_uuid_format(vg->id, uuid);
	/* lvm2's vg_attr: permissions, resizeable, exported, partial,
	 * allocation policy, clustered. */
	snprintf(a, sizeof(a), "%c%c%c%cn-", vg_attr(vg, 0), vg_attr(vg, 1),
		 vg_attr(vg, 2), h->missing ? 'p' : '-');
	if (rp->json) {
		json_object *o = json_object_new_object();

		report_set(o, "vg_name", vg->name);
		report_set(o, "vg_uuid", uuid);
		report_set(o, "vg_attr", a);
		jsetu(o, "pv_count", vg->pv_count);
		jsetu(o, "lv_count", visible);
		jsetu(o, "vg_size", size);
		jsetu(o, "vg_free", nfree);
		jsetu(o, "vg_extent_size", eb);
		jsetu(o, "vg_free_count", nfree / eb);
		jsetu(o, "vg_seqno", vg->seqno);
		report_set(o, "vg_exported", ivg_vg_exported(vg) ? "exported" : "");
		report_set(o, "vg_partial", h->missing ? "partial" : "");
		report_set(o, "vg_systemid", holder ? holder : "");
		json_object_array_add(rp->vgs, o);
		return;
	}
	human(size, hs, sizeof(hs));
	human(nfree, hf, sizeof(hf));
	printf("  VG %s\n    UUID      %s\n    Attr      %s\n    PVs       %zu\n"
	       "    LVs       %zu\n    Size      %s\n    Free      %s (%llu extents)\n"
	       "    Exported  %s\n    System ID %s\n",
	       vg->name, uuid, a, vg->pv_count, visible, hs, hf,
	       (unsigned long long)(nfree / eb),
	       ivg_vg_exported(vg) ? "yes" : "no",
	       holder ? holder : "(none: no host holds it)");
}

/*
 * Where a PV's disk is on the SAN: its WWN, and its path, or the
 * multipath map and every path of it (lvm2 and ivg use only the map).
 */
static void report_san(struct report *rp, const struct ivg_pv *pv, json_object *o)
{
	struct ivg_san_disk d;
	char line[700];
	json_object *paths;

	if (!pv->dev || ivg_san_disk(pv->dev->path, &d) || !ivg_san_disk_known(&d))
		return;
	if (rp->json) {
		report_set(o, "pv_wwn", d.wwn);
		report_set(o, "pv_mpath", d.mpath);
		paths = json_object_new_array();
		for (size_t i = 0; i < d.n_paths && i < IVG_SAN_PATHS_MAX; i++) {
			json_object *p = json_object_new_object();

			ivg_san_path_format(&d.paths[i], line, sizeof(line));
			report_set(p, "path", d.paths[i].kname);
			report_set(p, "address", line);
			report_set(p, "state", d.paths[i].state);
			json_object_array_add(paths, p);
		}
		json_object_object_add(o, "pv_paths", paths);
		return;
	}
	printf("      WWN %s", d.wwn[0] ? d.wwn : "(none)");
	if (!d.mpath[0]) {
		ivg_san_path_format(&d.paths[0], line, sizeof(line));
		printf(", %s: %s\n", d.paths[0].kname, line);
		return;
	}
	printf(", multipath %s, %zu path%s:\n", d.mpath, d.n_paths, d.n_paths == 1 ? "" : "s");
	for (size_t i = 0; i < d.n_paths && i < IVG_SAN_PATHS_MAX; i++) {
		ivg_san_path_format(&d.paths[i], line, sizeof(line));
		printf("        %-8s %s%s%s\n", d.paths[i].kname, line,
		       d.paths[i].state[0] ? "  " : "", d.paths[i].state);
	}
}

static void report_pvs(struct report *rp, struct ivg_vgh *h)
{
	struct ivg_vg *vg = h->vg;
	uint64_t eb = (uint64_t)vg->extent_size * 512;

	struct ivg_leg_report *legs = calloc(vg->pv_count + 1, sizeof(*legs));

	if (!legs || ivg_boot_legs(rp->ctx, vg, legs)) {
		free(legs);
		fprintf(stderr, "  %s\n", ivg_errmsg(rp->ctx));
		return;
	}
	if (!rp->json)
		printf("\n    %-24s %-38s %10s  %s\n", "PV", "UUID", "PSize",
		       "Boot-leg");
	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];
		char uuid[IVG_UUID_LEN + 7], hs[32], st[600];
		int leg = legs[i].leg;
		enum ivg_leg_state ls = legs[i].state;

		ivg_uuid_format(pv->id, uuid);
		if (!pv->dev && ls == IVG_LEG_NONE)
			snprintf(st, sizeof(st), "missing");
		else if (ls == IVG_LEG_NONE)
			snprintf(st, sizeof(st), "none");
		else
			snprintf(st, sizeof(st), "%d:%s", leg,
				 ivg_leg_state_name(ls));
		if (rp->json) {
			json_object *o = json_object_new_object();

			report_set(o, "pv_name", pv_path(pv));
			report_set(o, "vg_name", vg->name);
			report_set(o, "pv_uuid", uuid);
			jsetu(o, "pv_size", pv->pe_count * eb);
			jsetu(o, "dev_size", pv->dev_size * 512);
			report_set(o, "pv_missing", pv->dev ? "" : "missing");
			report_set(o, "pv_boot_leg", st);
			report_san(rp, pv, o);
			json_object_array_add(rp->pvs, o);
			continue;
		}
		human(pv->pe_count * eb, hs, sizeof(hs));
		printf("    %-24s %-38s %10s  %s\n", pv_path(pv), uuid, hs, st);
		report_san(rp, pv, NULL);
	}
	free(legs);
}

static void report_lvs(struct report *rp, struct ivg_vgh *h)
{
	struct ivg_vg *vg = h->vg;
	uint64_t eb = (uint64_t)vg->extent_size * 512;

	if (!rp->json)
		printf("\n    %-24s %10s %-8s %s\n", "LV", "LSize", "Type",
		       "Devices");
	for (size_t i = 0; i < vg->lv_count; i++) {
		const struct ivg_lv *lv = vg->lvs[i];
		char uuid[IVG_UUID_LEN + 7], hs[32], devs[4096], name[300];

		if (!ivg_lv_visible(lv) && !rp->all)
			continue;
		ivg_uuid_format(lv->id, uuid);
		lv_devices(vg, lv, devs, sizeof(devs));
		snprintf(name, sizeof(name), ivg_lv_visible(lv) ? "%s" : "[%s]",
			 lv->name);
		if (rp->json) {
			json_object *o = json_object_new_object();

			report_set(o, "lv_name", name);
			report_set(o, "vg_name", vg->name);
			report_set(o, "lv_uuid", uuid);
			jsetu(o, "lv_size", ivg_lv_extents(lv) * eb);
			report_set(o, "segtype", lv_segtype(lv));
			report_set(o, "devices", devs);
			json_object_array_add(rp->lvs, o);
			continue;
		}
		human(ivg_lv_extents(lv) * eb, hs, sizeof(hs));
		printf("    %-24s %10s %-8s %s\n", name, hs, lv_segtype(lv), devs);
	}
}

/* The VGs to report, opened before anything is printed. */
struct shown {
	struct ivg_vgh **v;
	size_t n;
};

static int show(struct ivg_ctx *ctx, struct shown *sh, struct ivg_vgh *h)
{
	struct ivg_vgh **v = realloc(sh->v, (sh->n + 1) * sizeof(*v));

	if (!v) {
		ivg_vg_close(h);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	sh->v = v;
	sh->v[sh->n++] = h;
	return 0;
}

enum { MAX_SAME_NAME = 8 };

/* lvm2's warning when VGs share a name; it shows them all. */
static void warn_same_name(const char *name, char (*ids)[IVG_UUID_LEN + 1],
			   size_t n)
{
	char u[IVG_UUID_LEN + 7];

	fprintf(stderr, "  WARNING: VG name %s is used by %zu VGs: ", name, n);
	for (size_t i = 0; i < n && i < MAX_SAME_NAME; i++) {
		ivg_uuid_format(ids[i], u);
		fprintf(stderr, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "", u);
	}
	fprintf(stderr, "%s.\n  Fix duplicate VG names with lvm2's vgrename UUID NEWNAME, or list the devices of one VG with --devices.\n",
		n > MAX_SAME_NAME ? ", ..." : "");
}

/* Open every install VG called name: two VGs may share it. */
static int open_name(struct ivg_ctx *ctx, struct session *s, const char *name,
		     bool named, struct shown *sh)
{
	char ids[MAX_SAME_NAME][IVG_UUID_LEN + 1];
	size_t n = ivg_scan_vgids(s->scan, name, ids, MAX_SAME_NAME);
	struct ivg_vgh *h;
	int r = 0;

	if (!n)
		return ivg_vg_open(ctx, s->scan, name, &h);  /* not found */
	if (n > 1)
		warn_same_name(name, ids, n);
	for (size_t i = 0; !r && i < n && i < MAX_SAME_NAME; i++) {
		r = ivg_vg_open_id(ctx, s->scan, name, ids[i], &h);
		if (!r && ivg_vg_is_ivg(h->vg)) {
			r = show(ctx, sh, h);
			continue;
		}
		if (!r)
			ivg_vg_close(h);
		if (!r && named)
			r = ivg_err(ctx, EINVAL,
				    "Volume group \"%s\" is not an install volume group",
				    name);
	}
	return r;
}

static void report_one(struct report *rp, struct ivg_vgh *h)
{
	session_warn(&(struct session){ .owned = true, .h = h });
	if (!rp->json && rp->reported++)
		printf("\n");
	report_vg(rp, h);
	report_pvs(rp, h);
	report_lvs(rp, h);
}

static void print_json(struct report *rp)
{
	json_object *one, *top = report_new(&one);

	json_object_object_add(one, "vg", rp->vgs);
	json_object_object_add(one, "pv", rp->pvs);
	json_object_object_add(one, "lv", rp->lvs);
	report_print(top);
	rp->vgs = rp->pvs = rp->lvs = NULL;
}

static int run(struct cmd_run *r)
{
	struct report rp = { .ctx = r->ctx, .json = r->o.json,
			     .all = cmd_given(r, OPT_ALL) };
	struct ivg_ctx *ctx = r->ctx;
	struct session *s = &r->s;
	struct shown sh = { 0 };
	struct ivg_strvec names = { 0 };
	int rc = 0;

	if (session_scan_read(ctx, &r->o, r->operands, r->n_operands, s))
		return -1;
	rp.vgs = json_object_new_array();
	rp.pvs = json_object_new_array();
	rp.lvs = json_object_new_array();
	if (r->n_operands) {
		for (size_t i = 0; i < r->n_operands; i++)
			if (open_name(ctx, s, r->operands[i], true, &sh))
				rc = fail(ctx);
	} else if (!ivg_scan_vgnames(ctx, s->scan, &names)) {
		for (size_t i = 0; i < names.n; i++)
			if (open_name(ctx, s, names.v[i], false, &sh))
				rc = fail(ctx);
	} else {
		rc = fail(ctx);
	}
	/* A damaged device gets one line: its VG's, or this one. */
	session_warn_devices(s, sh.v, sh.n);
	for (size_t i = 0; i < sh.n; i++)
		report_one(&rp, sh.v[i]);
	if (rp.json)
		print_json(&rp);
	ivg_strvec_free(&names);
	for (size_t i = 0; i < sh.n; i++)
		ivg_vg_close(sh.v[i]);
	free(sh.v);
	json_object_put(rp.vgs);
	json_object_put(rp.pvs);
	json_object_put(rp.lvs);
	/* Each VG that could not be reported has said why. */
	return CMD_EXIT(rc);
}

const struct cmd_def cmd_ivgs_def = {
	.name = "ivgs",
	.summary = "Report on install volume groups",
	.usage = "[VG...]",
	.about =
"Report install volume groups: name, UUID, attributes, size, free space\n"
"and export state; each PV with its UUID, size and bootlv leg state; each\n"
"LV with its size, segment type and devices. Without VG names, every\n"
"install VG found is reported.\n",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT),
	.common_help = { [CO_REPORTFORMAT] = "json: as lvm2's, sizes in bytes" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 0, .max_operands = SIZE_MAX,
	.flags = CMD_VG_NAMES,
	.run = run,
};
