/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgcreate.c - create an install volume group. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "devlist.h"
#include "ivgvg.h"
#include "cmd.h"
#include "sysid.h"

enum { O_EXTENT, O_SIZE, O_BOOT_PVS, O_BOOTLV, O_BOSFS, O_OPPFS, O_KERNEL,
       O_INITRD, O_NO_BOOT_IMAGE };

static const struct cmd_opt opts[] = {
	[O_EXTENT] = { "physicalextentsize", 's', ARG_SIZE, "SIZE",
		       "extent size (default 4m)" },
	[O_SIZE] = { "size", 0, ARG_SIZE, "SIZE",
		     "create missing image files of SIZE, sparse" },
	[O_BOOT_PVS] = { "boot-pvs", 0, ARG_LIST, "DISK,...",
			 "boot disks (default: every disk; at most 64)" },
	[O_BOOTLV] = { "bootlv-size", 0, ARG_SIZE, "SIZE",
		       "size of bootlv (default 256m)" },
	[O_BOSFS] = { "bosfs-size", 0, ARG_SIZE, "SIZE",
		      "size of bosfs (default 2g)" },
	[O_OPPFS] = { "oppfs-size", 0, ARG_SIZE, "SIZE",
		      "size of oppfs (default 1g)\n"
		      "(disks too small for the defaults of bosfs and\n"
		      "oppfs get both scaled down, 2:1, to what is\n"
		      "free after bootlv; the sizes are printed)" },
	[O_KERNEL] = { "kernel", 0, ARG_STRING, "FILE",
		       "the boot image's kernel (default: the newest\n"
		       "/boot/vmlinuz-*)" },
	[O_INITRD] = { "initrd", 0, ARG_STRING, "FILE",
		       "its initramfs (default: one built for the kernel)" },
	[O_NO_BOOT_IMAGE] = { "no-boot-image", 0, ARG_NONE, NULL,
			      "do not write the maintenance boot image and the\n"
			      "boot records (see ivgmkboot(8)); by default they\n"
			      "are written, so every boot disk boots" },
};

static bool ask(void *arg, const char *question)
{
	return cmd_confirm(arg, question);
}

static bool same_path(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	return !strcmp(a, b);
}

/* What the command line alone shows to be wrong: exit 3, as lvm2. */
static int check(struct cmd_run *r)
{
	const struct cmd_value *boot = &r->own[O_BOOT_PVS];
	uint64_t es = r->own[O_EXTENT].size;
	size_t nboot = boot->list.n ? boot->list.n : r->n_operands - 1;

	if (es && (es < 4096 || (es & (es - 1)) || es > (1ULL << 40)))
		return cmd_usage_error(r, "extent size %llu bytes is not a power of two between 4k and 1t",
				       (unsigned long long)es);
	/* The longest LV name is bootlv_rimage_63: VG + LV <= 124. */
	if (strlen(r->vg) + strlen(IVG_BOOTLV "_rimage_63") > 124)
		return cmd_usage_error(r, "VG name \"%s\" is too long (at most %zu characters)",
				       r->vg, 124 - strlen(IVG_BOOTLV "_rimage_63"));
	for (size_t i = 0; i < boot->list.n; i++) {
		bool found = false;

		for (size_t k = 1; k < r->n_operands && !found; k++)
			found = same_path(boot->list.v[i], r->operands[k]);
		if (!found)
			return cmd_usage_error(r, "--boot-pvs: %s is not one of the disks",
					       boot->list.v[i]);
	}
	if (cmd_given(r, O_NO_BOOT_IMAGE) &&
	    (cmd_given(r, O_KERNEL) || cmd_given(r, O_INITRD)))
		return cmd_usage_error(r, "--%s goes with the boot image: not with --no-boot-image",
				       cmd_given(r, O_KERNEL) ? "kernel" : "initrd");
	if (nboot > IVG_MAX_LEGS)
		return cmd_usage_error(r, "%zu boot PVs: at most %d (use --boot-pvs)",
				       nboot, IVG_MAX_LEGS);
	return 0;
}

/* No kernel in /boot: say what the user can do about it here. */
static void no_kernel_hint(struct ivg_ctx *ctx)
{
	char msg[IVG_ERRMSG_MAX];

	snprintf(msg, sizeof(msg), "%s", ivg_errmsg(ctx));
	ivg_err(ctx, ENOENT, "%s (and --initrd FILE), or --no-boot-image to create the VG without the maintenance boot image (ivgmkboot adds it later)",
		msg);
}

static void print_scaled(const struct ivg_create_opts *co,
			 const struct ivg_create_made *m)
{
	char bos[64], opp[64];

	snprintf(bos, sizeof(bos), co->bosfs_size ? "as given" : "default %llu MiB",
		 (unsigned long long)(IVG_DEFAULT_BOSFS >> 20));
	snprintf(opp, sizeof(opp), co->oppfs_size ? "as given" : "default %llu MiB",
		 (unsigned long long)(IVG_DEFAULT_OPPFS >> 20));
	printf("  The disks have %llu MiB free after bootlv, too little for the defaults: bosfs %llu MiB (%s), oppfs %llu MiB (%s).\n",
	       (unsigned long long)(m->free_after_bootlv >> 20),
	       (unsigned long long)(m->bosfs_size >> 20), bos,
	       (unsigned long long)(m->oppfs_size >> 20), opp);
}

static int run(struct cmd_run *r)
{
	struct ivg_ctx *ctx = r->ctx;
	struct session *s = &r->s;
	const char *kernel = r->own[O_KERNEL].str, *initrd = r->own[O_INITRD].str;
	struct ivg_create_opts co = {
		.vgname = r->vg, .disks = r->operands + 1,
		.n_disks = r->n_operands - 1,
		.boot_disks = r->own[O_BOOT_PVS].list.v,
		.n_boot = r->own[O_BOOT_PVS].list.n,
		.extent_size = r->own[O_EXTENT].size,
		.create_size = r->own[O_SIZE].size,
		.bootlv_size = r->own[O_BOOTLV].size,
		.bosfs_size = r->own[O_BOSFS].size,
		.oppfs_size = r->own[O_OPPFS].size,
		.force = r->o.force, .confirm = ask, .confirm_arg = r,
	};
	char sysid[IVG_SYSID_MAX + 1];
	struct bootcmd *bootimg = NULL;
	struct ivg_create_made made = { 0 };
	/* A path of a multipath device is refused (the map is the disk). */
	int e = ivg_devices_check_mpath(ctx, co.disks, co.n_disks);

	if (!e)
		e = devices_to_scan(ctx, &r->o, &s->paths, &s->owned);

	co.others = s->paths.v;
	co.n_others = s->paths.n;
	/* The creating host holds the new VG read-write, as with lvm2. */
	if (!e)
		e = host_system_id(ctx, sysid);
	co.system_id = sysid;
	/* The boot image is made ready (and checked to fit) before any write. */
	if (!e && !cmd_given(r, O_NO_BOOT_IMAGE)) {
		e = bootcmd_prepare(ctx, r, kernel, initrd,
				    co.bootlv_size ? co.bootlv_size : IVG_DEFAULT_BOOTLV,
				    &bootimg);
		if (e == -ENOENT && !kernel)
			no_kernel_hint(ctx);
	}
	co.before_commit = bootimg ? bootcmd_install : NULL;
	co.before_commit_arg = bootimg;
	/* As vgcreate: the global lock and the new name's, held until the
	 * VG is committed, so that no other command creates that name. */
	if (!e)
		e = session_lock_new_vg(ctx, co.vgname, s);
	if (!e)
		e = ivg_create(ctx, &co, &made);
	bootcmd_free(bootimg);
	if (e)
		return e;
	for (size_t i = 0; i < co.n_disks; i++)
		printf("  Physical volume \"%s\" successfully created.\n",
		       co.disks[i]);
	if (made.scaled)
		print_scaled(&co, &made);
	printf("  Volume group \"%s\" successfully created with system ID %s\n",
	       co.vgname, sysid);
	return 0;
}

const struct cmd_def cmd_ivgcreate_def = {
	.name = "ivgcreate",
	.summary = "Create an install volume group",
	.usage = "VG DISK...",
	.about =
"Create the install volume group VG on the given disks (block devices or\n"
"image files). Every disk gets a GPT with a BIOS boot partition, an EFI\n"
"system partition and an LVM partition holding the PV; the VG gets the\n"
"raid1 LV bootlv (one leg per boot PV) and the ext4 LVs bosfs and oppfs.\n"
"This host holds the new VG read-write: its system ID (lvmsystemid(7))\n"
"is recorded in the VG until ivgexport.\n",
	.notes = "Sizes take LVM's units: b s k m g t p e (default m).\n",
	.exit_text = "0 done, 3 bad command line, 5 failed (nothing written).",
	.common = CO(CO_DEVICES) | CO(CO_YES) | CO(CO_FORCE),
	.common_help = {
		[CO_DEVICES] = "devices to check for a VG of the same name",
		[CO_YES] = "wipe existing signatures without asking",
		[CO_FORCE] = "reuse disks that are PVs of another VG, and\n"
			     "wipe other signatures without asking",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 2, .max_operands = SIZE_MAX,
	.operand_need = "a VG name and at least one disk are needed",
	/* A long copy (ivgcreate --size, the boot image) stops cleanly. */
	.flags = CMD_VG_NAME | CMD_INTERRUPTIBLE,
	.check = check,
	.run = run,
};
