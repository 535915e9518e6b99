/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgck.c - check (and repair) bootlv's legs and every disk's boot records. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "ivgvg.h"
#include "cmd.h"
#include "sysid.h"

enum { OPT_REPAIR };

static const struct cmd_opt opts[] = {
	[OPT_REPAIR] = { "repair", 0, ARG_NONE, NULL,
			 "copy a healthy leg onto the damaged legs (all\n"
			 "at once) and rewrite damaged boot records" },
};

static const char *const json_keys[IVG_CK_ITEMS] = {
	"leg", "sector0", "core_img", "bootx64_efi",
};

static void print_json(const char *vg, const struct ivg_ck *ck, bool repaired)
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
	snprintf(num, sizeof(num), "%zu", ck->problems);
	report_set(top, "problems", num);
	report_set(top, "repaired", repaired ? "yes" : "no");
	report_print(top);
}

static void print_text(const char *vg, const struct ivg_ck *ck)
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
	if (ck->problems)
		printf("  Volume group \"%s\": %zu problem(s) with its boot disks.\n",
		       vg, ck->problems);
	else if (ck->no_image)
		printf("  Volume group \"%s\" has no boot image yet: ivgmkboot writes it and the boot records.\n",
		       vg);
	else
		printf("  Volume group \"%s\": every bootlv leg and boot record is healthy.\n", vg);
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
	if (!cmd_confirm(cr, "Repair the damaged legs and boot records?"))
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

static int run(struct cmd_run *cr)
{
	const struct opts *o = &cr->o;
	struct ivg_ctx *ctx = cr->ctx;
	struct session *s = &cr->s;
	const char *vg = cr->vg;
	struct ivg_ck ck = { 0 };
	struct cmd_progress bar;
	char dir[4096] = "";
	bool repaired = false;
	int r = ivg_workdir_make(ctx, getenv("TMPDIR"), "ivgck", dir, sizeof(dir));

	if (!r)
		r = ivg_ck_run(ctx, s->h->vg, dir, &ck);
	if (!r && cr->writes && ck.problems) {
		if (!o->json)
			print_text(vg, &ck);
		r = may_repair(cr, s, vg);
		cmd_progress_init(cr, &bar, "Writing bootlv");
		if (!r)
			r = ivg_ck_repair(ctx, s->h->vg, dir, &ck, bar.fn, bar.arg);
		/* Judge the result by checking again. */
		ivg_ck_free(&ck);
		if (!r)
			r = ivg_ck_run(ctx, s->h->vg, dir, &ck);
		repaired = !r;
		if (!r && !o->json)
			printf("  After the repair:\n");
	}
	if (!r && o->json)
		print_json(vg, &ck, repaired);
	else if (!r)
		print_text(vg, &ck);
	if (!r && ck.problems)
		r = CMD_EXIT(ECMD_FAILED);     /* the report says what */
	ivg_ck_free(&ck);
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
"writes for that disk. Writes nothing unless --repair is given.\n",
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
