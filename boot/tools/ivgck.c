/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgck.c - check (and repair) bootlv's legs and every disk's boot records. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "imgck.h"
#include "ivgvg.h"
#include "cmd.h"
#include "sysid.h"

enum { OPT_REPAIR };

static const struct cmd_opt opts[] = {
	[OPT_REPAIR] = { "repair", 0, ARG_NONE, NULL,
			 "copy a healthy leg onto the damaged legs (all\n"
			 "at once), rewrite damaged boot records, copy\n"
			 "the good leg's regions over mismatched ones\n"
			 "and resync legs out of sync" },
};

static const char *const json_keys[IVG_CK_ITEMS] = {
	"leg", "sector0", "core_img", "bootx64_efi",
};

static json_object *mirror_json(const char *vg, const struct ivg_imgck *img)
{
	json_object *list = json_object_new_array();
	char buf[IVG_MAX_LEGS * 3 + 1], num[64];

	for (size_t i = 0; i < img->n; i++) {
		const struct ivg_imgck_lv *c = &img->v[i];
		json_object *o = json_object_new_object(), *regions = json_object_new_array();

		report_set(o, "vg_name", vg);
		report_set(o, "lv_name", c->lv->name);
		snprintf(num, sizeof(num), "%zu", c->scrub.rm.n);
		report_set(o, "copies", num);
		report_set(o, "legs_compared", ivg_legs_text(c->scrub.compared, buf, sizeof(buf)));
		report_set(o, "legs_out_of_sync", ivg_legs_text(c->stale, buf, sizeof(buf)));
		report_set(o, "legs_missing", ivg_legs_text(c->missing, buf, sizeof(buf)));
		report_set(o, "legs_bad", ivg_legs_text(c->bad, buf, sizeof(buf)));
		report_set(o, "error", c->err);
		for (size_t r = 0; r < c->scrub.n; r++) {
			const struct ivg_scrub_region *g = &c->scrub.v[r];
			json_object *one = json_object_new_object();

			snprintf(num, sizeof(num), "%llu", (unsigned long long)g->off);
			report_set(one, "offset", num);
			snprintf(num, sizeof(num), "%llu", (unsigned long long)g->len);
			report_set(one, "size", num);
			report_set(one, "files", g->files);
			report_set(one, "legs_good", ivg_legs_text(g->good, buf, sizeof(buf)));
			report_set(one, "legs_differ", ivg_legs_text(g->differ, buf, sizeof(buf)));
			json_object_array_add(regions, one);
		}
		json_object_object_add(o, "mismatches", regions);
		json_object_array_add(list, o);
	}
	return list;
}

static void print_json(const char *vg, const struct ivg_ck *ck,
		       const struct ivg_imgck *img, bool repaired)
{
	json_object *one, *top = report_new(&one), *list = json_object_new_array();
	char num[32];

	for (size_t k = 0; k < ck->n; k++) {
		const struct ivg_ck_disk *c = &ck->v[k];
		json_object *o = json_object_new_object();
		char uuid[IVG_UUID_LEN + 7] = "", key[64];

		if (c->d->pv)
			ivg_uuid_format(c->d->pv->id, uuid);
		report_set(o, "vg_name", vg);
		report_set(o, "pv_uuid", uuid);
		report_set(o, "disk", c->d->disk);
		snprintf(num, sizeof(num), "%d", c->d->leg);
		report_set(o, "leg_number", num);
		for (int i = 0; i < IVG_CK_ITEMS; i++) {
			report_set(o, json_keys[i], ivg_ck_state_name(c->item[i].state));
			snprintf(key, sizeof(key), "%s_msg", json_keys[i]);
			report_set(o, key, c->item[i].msg);
		}
		json_object_array_add(list, o);
	}
	json_object_object_add(one, "bootcheck", list);
	json_object_object_add(one, "mirror", mirror_json(vg, img));
	snprintf(num, sizeof(num), "%zu", ck->problems + img->problems);
	report_set(top, "problems", num);
	report_set(top, "repaired", repaired ? "yes" : "no");
	report_print(top);
}

static void print_region(const struct ivg_imgck_lv *c,
			 const struct ivg_scrub_region *g)
{
	char a[IVG_MAX_LEGS * 3 + 1], b[IVG_MAX_LEGS * 3 + 1];

	printf("    mismatch at %llu (+%llu bytes)", (unsigned long long)g->off,
	       (unsigned long long)g->len);
	if (!g->by_files)
		printf(", where no file the IVG vouches for lies: leg(s) %s differ from leg %s\n",
		       ivg_legs_text(g->differ, a, sizeof(a)),
		       ivg_legs_text(g->good, b, sizeof(b)));
	else if (!g->good)
		printf(" in %s: no leg's copy verifies\n", g->files);
	else
		printf(" in %s: leg(s) %s bad, leg(s) %s verify\n", g->files,
		       ivg_legs_text(c->scrub.compared & ~g->good, a, sizeof(a)),
		       ivg_legs_text(g->good, b, sizeof(b)));
}

static void print_mirrors(const char *vg, const struct ivg_imgck *img)
{
	char a[IVG_MAX_LEGS * 3 + 1];

	for (size_t i = 0; i < img->n; i++) {
		const struct ivg_imgck_lv *c = &img->v[i];

		printf("  LV %s/%s (raid1, %zu leg(s)): ", vg, c->lv->name, c->scrub.rm.n);
		if (c->err[0]) {
			printf("not checked: %s\n", c->err);
			continue;
		}
		printf("leg(s) %s compared, %s\n",
		       ivg_legs_text(c->scrub.compared, a, sizeof(a)),
		       c->scrub.n ? "mismatched" : "identical");
		if (c->stale)
			printf("    leg(s) %s out of sync (left behind by a crash or a copy cut short): resynced by --repair\n",
			       ivg_legs_text(c->stale, a, sizeof(a)));
		if (c->missing)
			printf("    leg(s) %s missing (their PVs are)\n",
			       ivg_legs_text(c->missing, a, sizeof(a)));
		for (size_t r = 0; r < c->scrub.n; r++)
			print_region(c, &c->scrub.v[r]);
	}
}

static void print_text(const char *vg, const struct ivg_ck *ck,
		       const struct ivg_imgck *img)
{
	for (size_t k = 0; k < ck->n; k++) {
		const struct ivg_ck_disk *c = &ck->v[k];

		printf("  Disk %s (PV %s, bootlv leg %d):\n",
		       c->d->disk[0] ? c->d->disk : "[missing]",
		       c->d->pv ? c->d->pv->name : "?", c->d->leg);
		for (int i = 0; i < IVG_CK_ITEMS; i++)
			printf("    %-32s %s%s%s\n", ivg_ck_item_name(i),
			       ivg_ck_state_name(c->item[i].state),
			       c->item[i].state != IVG_CK_OK && c->item[i].msg[0] ? ": " : "",
			       c->item[i].state != IVG_CK_OK ? c->item[i].msg : "");
	}
	print_mirrors(vg, img);
	if (ck->problems || img->problems)
		printf("  Volume group \"%s\": %zu problem(s) with its boot disks, %zu with its mirrors.\n",
		       vg, ck->problems, img->problems);
	else if (ck->no_image)
		printf("  Volume group \"%s\" has no boot image yet: ivgmkboot writes it and the boot records.\n",
		       vg);
	else
		printf("  Volume group \"%s\": every bootlv leg and boot record is healthy, every mirror in sync.\n", vg);
}

/* The checks a repair must pass before it writes. */
static int may_repair(struct cmd_run *cr, struct session *s, const char *vg)
{
	struct ivg_ctx *ctx = cr->ctx;
	char me[IVG_SYSID_MAX + 1];
	int r;

	if (s->h->missing)
		return ivg_err(ctx, ENXIO, "Volume group \"%s\" is partial (%zu PVs missing): nothing repaired",
			       vg, s->h->missing);
	if ((r = host_system_id(ctx, me)) || (r = ivg_vg_check_holder(ctx, s->h->vg, me)))
		return r;
	if (!cmd_confirm(cr, "Repair the damaged legs, boot records and mirrors?"))
		return ivg_err_prefix(ctx, -ECANCELED, "Volume group \"%s\" not repaired: ",
				      vg);
	return ivg_vg_reopen_rw(ctx, s->h);
}

static int check(struct cmd_run *r)
{
	if (r->writes)
		catch_interrupts(r->ctx);     /* a leg copy stops cleanly */
	return 0;
}

static int check_all(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *dir,
		     struct ivg_ck *ck, struct ivg_imgck *img)
{
	int r = ivg_ck_run(ctx, vg, dir, ck);

	return r ? r : ivg_imgck_run(ctx, vg, img, NULL, NULL);
}

/* The boot legs and records first (a leg rewritten whole), then the
 * mirrors as they are after that. */
static int repair_all(struct cmd_run *cr, struct ivg_vg *vg, const char *dir,
		      struct ivg_ck *ck, struct ivg_imgck *img)
{
	struct cmd_progress bar;
	int r;

	cmd_progress_init(cr, &bar, "Writing bootlv");
	r = ck->problems ? ivg_ck_repair(cr->ctx, vg, dir, ck, bar.fn, bar.arg) : 0;
	ivg_imgck_free(img);
	if (!r)
		r = ivg_imgck_run(cr->ctx, vg, img, NULL, NULL);
	cmd_progress_init(cr, &bar, "Copying legs");
	if (!r && img->problems)
		r = ivg_imgck_repair(cr->ctx, vg, img, bar.fn, bar.arg);
	return r;
}

static int run(struct cmd_run *cr)
{
	const struct opts *o = &cr->o;
	struct ivg_ctx *ctx = cr->ctx;
	struct session *s = &cr->s;
	const char *vg = cr->vg;
	struct ivg_ck ck = { 0 };
	struct ivg_imgck img = { 0 };
	char dir[4096] = "";
	bool repaired = false;
	int r = ivg_workdir_make(ctx, getenv("TMPDIR"), "ivgck", dir, sizeof(dir));

	if (!r)
		r = check_all(ctx, s->h->vg, dir, &ck, &img);
	if (!r && cr->writes && (ck.problems || img.problems)) {
		if (!o->json)
			print_text(vg, &ck, &img);
		r = may_repair(cr, s, vg);
		if (!r)
			r = repair_all(cr, s->h->vg, dir, &ck, &img);
		/* Judge the result by checking again. */
		ivg_ck_free(&ck);
		ivg_imgck_free(&img);
		if (!r)
			r = check_all(ctx, s->h->vg, dir, &ck, &img);
		repaired = !r;
		if (!r && !o->json)
			printf("  After the repair:\n");
	}
	if (!r && o->json)
		print_json(vg, &ck, &img, repaired);
	else if (!r)
		print_text(vg, &ck, &img);
	if (!r && (ck.problems || img.problems))
		r = CMD_EXIT(ECMD_FAILED);     /* the report says what */
	ivg_ck_free(&ck);
	ivg_imgck_free(&img);
	ivg_workdir_remove(dir);
	return r;
}

const struct cmd_def cmd_ivgck_def = {
	.name = "ivgck",
	.summary = "Check and repair the boot image legs and boot records",
	.usage = "VG",
	.about =
"Check what makes the disks of the install VG VG boot: every leg of\n"
"bootlv against its manifest (the SHA-256 of every file), and on every\n"
"boot disk sector 0 (GRUB's boot.img), core.img in the BIOS boot\n"
"partition and \\EFI\\BOOT\\BOOTX64.EFI on the ESP, against what ivgmkboot\n"
"writes for that disk. Then every raid1 LV (bootlv, bosfs, oppfs, the raw\n"
"BOS LVs): legs out of sync (left behind by a crash), and the legs in sync\n"
"compared block for block, as lvm2's --syncaction check does, each region\n"
"where they differ judged by which legs' files verify (BOS images against\n"
"their manifests, OPPs against the TOC, boot files against their\n"
"manifest). Writes nothing unless --repair is given.\n",
	.exit_text = "0 healthy (or repaired), 3 bad command line, 5 damage found\n"
		     "(or the check failed).",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT) | CO(CO_YES),
	.common_help = { [CO_YES] = "do not ask before repairing" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	/* may_repair judges a partial VG and the holder, if it repairs. */
	.flags = CMD_VG_NAME | CMD_VG | CMD_ALLOW_PARTIAL | CMD_CHECKS_OWN,
	.writes_with = "repair",
	.check = check,
	.run = run,
};
