/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgbootlist.c - show or set the selection order of an IVG's boot disks. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bootlist.h"
#include "efivar.h"
#include "ivgvg.h"
#include "cmd.h"
#include "sysid.h"

enum { OPT_FIRMWARE };

static const struct cmd_opt opts[] = {
	[OPT_FIRMWARE] = { "firmware", 0, ARG_NONE, NULL,
			   "also set this UEFI machine's boot entries\n"
			   "(Boot####) and BootOrder to the boot disks,\n"
			   "in this order, through efivarfs" },
};

struct run {
	const char *vg;
	char **pvs;
	size_t n_pvs;
	bool firmware;
	struct ivg_bootdisk *disks;
	size_t n_disks;
	int list[IVG_MAX_LEGS];
	size_t n_list;
	uint16_t fw[IVG_MAX_LEGS];      /* Boot#### per list position */
	bool fw_set;
	bool no_image;                  /* no leg holds a boot image yet */
};

/* A disk's Bootable column: "none" while the VG has no boot image yet. */
static const char *bootable(const struct run *u, const struct ivg_bootdisk *d,
			    const char *yes)
{
	if (!d || !d->bootable)
		return "no";
	return u->no_image ? "none" : yes;
}

static const struct ivg_bootdisk *disk_of(const struct run *u, int leg)
{
	for (size_t k = 0; k < u->n_disks; k++)
		if (u->disks[k].leg == leg)
			return &u->disks[k];
	return NULL;
}

/* The legs named on the command line, each once. */
static int legs_from_args(struct ivg_ctx *ctx, struct run *u, int *first)
{
	for (size_t i = 0; i < u->n_pvs; i++) {
		int r = ivg_bootlist_find_leg(ctx, u->disks, u->n_disks, u->pvs[i],
					      &first[i]);

		if (r)
			return r;
		for (size_t j = 0; j < i; j++)
			if (first[j] == first[i])
				return ivg_err(ctx, EINVAL, "%s: the same boot PV as %s is given twice",
					       u->pvs[i], u->pvs[j]);
	}
	return 0;
}

/* The firmware entries for the bootable disks, in list order. */
static int firmware_targets(struct ivg_ctx *ctx, struct ivg_vg *vg,
			    const struct run *u, struct ivg_efi_target *t,
			    size_t *n)
{
	int r = ivg_efivar_check(ctx, IVG_EFIVARFS_DIR);

	*n = 0;
	if (!r && u->no_image)
		r = ivg_err(ctx, ENOENT, "Volume group \"%s\" has no boot image yet for the firmware to boot: run ivgmkboot first",
			    u->vg);
	return r ? r : ivg_bootlist_efi_targets(ctx, vg, t, n);
}

static int set_order(struct ivg_ctx *ctx, struct session *s, struct run *u,
		     const char *dir)
{
	char me[IVG_SYSID_MAX + 1];
	int first[IVG_MAX_LEGS];
	int r;

	if (u->n_pvs > IVG_MAX_LEGS)
		return ivg_err(ctx, EINVAL, "%zu PVs given: at most %d", u->n_pvs, IVG_MAX_LEGS);
	if ((r = legs_from_args(ctx, u, first)))
		return r;
	if (s->h->missing)
		return ivg_err(ctx, ENXIO, "Volume group \"%s\" is partial (%zu PVs missing): nothing written",
			       u->vg, s->h->missing);
	if ((r = host_system_id(ctx, me)) || (r = ivg_vg_check_holder(ctx, s->h->vg, me)))
		return r;
	if (ivg_vg_exported(s->h->vg))
		return ivg_err(ctx, EPERM, "Volume group \"%s\" is exported: ivgimport it first",
			       u->vg);
	if ((r = ivg_bootlist_set(ctx, s->h->vg, first, u->n_pvs)))
		return r;
	/* Everything is built before the first write. */
	if ((r = ivg_bootlist_build_records(ctx, s->h->vg, dir)))
		return r;
	if ((r = ivg_vg_reopen_rw(ctx, s->h)))
		return r;
	if ((r = ivg_vg_commit(ctx, s->h->vg)))
		return r;
	return ivg_bootlist_install_records(ctx, s->h->vg, dir);
}

static void print_text(const struct run *u)
{
	printf("  Boot list of volume group \"%s\"%s:\n", u->vg,
	       u->fw_set ? " (also the firmware's boot order)" : "");
	printf("  %-5s %-8s %-38s %-4s %-28s %s\n", "Order", "PV", "PV UUID", "Leg",
	       "Disk", u->fw_set ? "Firmware" : "Bootable");
	for (size_t i = 0; i < u->n_list; i++) {
		const struct ivg_bootdisk *d = disk_of(u, u->list[i]);
		char uuid[IVG_UUID_LEN + 7] = "", fw[16];

		if (d && d->pv)
			ivg_uuid_format(d->pv->id, uuid);
		snprintf(fw, sizeof(fw), "Boot%04X", u->fw[i]);
		printf("  %-5zu %-8s %-38s %-4d %-28s %s\n", i + 1,
		       d && d->pv ? d->pv->name : "?", uuid, u->list[i],
		       d && d->disk[0] ? d->disk : "[missing]",
		       bootable(u, d, u->fw_set ? fw : "yes"));
	}
}

static void print_json(const struct run *u)
{
	json_object *one, *top = report_new(&one), *list = json_object_new_array();

	for (size_t i = 0; i < u->n_list; i++) {
		const struct ivg_bootdisk *d = disk_of(u, u->list[i]);
		json_object *o = json_object_new_object();
		char uuid[IVG_UUID_LEN + 7] = "", num[32];

		if (d && d->pv)
			ivg_uuid_format(d->pv->id, uuid);
		snprintf(num, sizeof(num), "%zu", i + 1);
		report_set(o, "order", num);
		report_set(o, "vg_name", u->vg);
		report_set(o, "pv_key", d && d->pv ? d->pv->name : "");
		report_set(o, "pv_uuid", uuid);
		snprintf(num, sizeof(num), "%d", u->list[i]);
		report_set(o, "leg", num);
		report_set(o, "disk", d ? d->disk : "");
		report_set(o, "bootable", bootable(u, d, "yes"));
		snprintf(num, sizeof(num), "Boot%04X", u->fw[i]);
		report_set(o, "firmware_entry", u->fw_set && d && d->bootable ? num : "");
		json_object_array_add(list, o);
	}
	json_object_object_add(one, "bootlist", list);
	report_print(top);
}

static int set_firmware(struct ivg_ctx *ctx, struct run *u,
			const struct ivg_efi_target *t, size_t nt)
{
	uint16_t nums[IVG_MAX_LEGS];
	size_t j = 0;
	int r = ivg_efi_set_boot(ctx, IVG_EFIVARFS_DIR, t, nt, nums);

	for (size_t i = 0; !r && i < u->n_list; i++) {
		const struct ivg_bootdisk *d = disk_of(u, u->list[i]);

		if (d && d->bootable)
			u->fw[i] = nums[j++];
	}
	u->fw_set = !r;
	return r;
}

static int check(struct cmd_run *r)
{
	r->writes = r->n_operands > 1;     /* PVs given: the order is set */
	return 0;
}

static int run(struct cmd_run *cr)
{
	struct run u = { .vg = cr->vg, .pvs = cr->operands + 1,
			 .n_pvs = cr->n_operands - 1,
			 .firmware = cmd_given(cr, OPT_FIRMWARE) };
	struct ivg_ctx *ctx = cr->ctx;
	struct session *s = &cr->s;
	struct ivg_efi_target t[IVG_MAX_LEGS];
	char dir[4096] = "";
	size_t nt = 0;
	int r = ivg_bootdisks(ctx, s->h->vg, &u.disks, &u.n_disks);

	if (!r)
		r = ivg_boot_image_none(ctx, s->h->vg, &u.no_image, NULL);
	/* The firmware's side is checked before anything is written. */
	if (!r && u.firmware)
		r = firmware_targets(ctx, s->h->vg, &u, t, &nt);
	if (!r && u.n_pvs)
		r = ivg_workdir_make(ctx, getenv("TMPDIR"), "ivgbootlist", dir, sizeof(dir));
	if (!r && u.n_pvs)
		r = set_order(ctx, s, &u, dir);
	if (!r)
		r = ivg_bootlist_get(ctx, s->h->vg, u.list, &u.n_list);
	/* The firmware last, from the order now in the metadata. */
	if (!r && u.firmware)
		r = firmware_targets(ctx, s->h->vg, &u, t, &nt);
	if (!r && u.firmware)
		r = set_firmware(ctx, &u, t, nt);
	if (!r && cr->o.json)
		print_json(&u);
	else if (!r)
		print_text(&u);
	ivg_workdir_remove(dir);
	free(u.disks);
	return r;
}

const struct cmd_def cmd_ivgbootlist_def = {
	.name = "ivgbootlist",
	.summary = "Show or set the boot order of the boot disks",
	.usage = "VG [PV...]",
	.about =
"Show the selection order of the boot disks of the install VG VG, or,\n"
"with PVs, set it: the PVs given come first, in that order, the other\n"
"boot PVs follow in their old order. The order is kept in the VG\n"
"metadata (PV tags ivg_bootorder_N, which lvm2 keeps), and the GRUB\n"
"images of every boot disk are rewritten to follow it: each disk boots\n"
"from its own bootlv leg first, then from the others in this order.\n"
"A PV is named by its device or image file, its whole disk, its UUID, or\n"
"its name in the VG (pv0, pv1, ... as listed).\n",
	.exit_text = "0 done, 3 bad command line, 5 failed (nothing written when\n"
		     "the input is bad).",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT) | CO(CO_YES),
	.common_help = {
		[CO_REPORTFORMAT] = "print the order as JSON",
		[CO_YES] = "accepted for LVM compatibility",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = SIZE_MAX,
	.operand_need = "a VG name is needed",
	/* set_order judges a partial VG, the holder and the export itself,
	 * after the PVs named (bad names are told first). */
	.flags = CMD_VG_NAME | CMD_VG | CMD_ALLOW_PARTIAL | CMD_CHECKS_OWN,
	.check = check,
	.run = run,
};
