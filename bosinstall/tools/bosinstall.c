/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosinstall.c - install a BOS from an install VG onto target disks. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootlist.h"
#include "devlist.h"
#include "efivar.h"
#include "install.h"
#include "machine.h"
#include "sanfind.h"
#include "cmd.h"
#include "vgsel.h"

enum { OPT_IVG, OPT_BOS, OPT_OPP, OPT_ROOTVG, O_BOOTLV_SIZE, O_SWAP_SIZE,
       OPT_APPEND, OPT_SELECT, OPT_MACHINE, OPT_FIRMWARE };

static const struct cmd_opt opts[] = {
	[OPT_IVG] = { "ivg", 0, ARG_VGNAME, "VG", "the install VG to install from (its name,\n"
		      "or its UUID)" },
	[OPT_BOS] = { "bos", 0, ARG_STRING, "NAME", "the BOS image (boslist shows them)" },
	[OPT_OPP] = { "opp", 0, ARG_LIST, "NAME[=VER],...",
		      "OPPs to add (opplist shows them)" },
	[OPT_ROOTVG] = { "rootvg", 0, ARG_VGNAME, "NAME",
			 "name of the new VG (default rootvg)" },
	[O_BOOTLV_SIZE] = { "bootlv-size", 0, ARG_SIZE, "SIZE",
			      "size of bootlv (default 256m)" },
	[O_SWAP_SIZE] = { "swap-size", 0, ARG_SIZE, "SIZE",
			    "size of swaplv (default 256m)" },
	[OPT_APPEND] = { "append", 0, ARG_STRING, "ARGS",
			 "more kernel arguments for the installed system" },
	[OPT_SELECT] = { "select", 'S', ARG_STRING, "vg_uuid=UUID",
			 "the install VG with this UUID (when several VGs\n"
			 "carry the name --ivg gives)" },
	[OPT_MACHINE] = { "machine", 0, ARG_STRING, "NAME",
			  "the machine entry this install runs (ivgmachine),\n"
			  "recorded in installed.json" },
	[OPT_FIRMWARE] = { "firmware", 0, ARG_NONE, NULL,
			   "also set this UEFI machine's BootOrder: the\n"
			   "targets first, then the install VG's boot disks\n"
			   "(a root disk that cannot be loaded falls back to it)" },
};

struct cmdline {
	struct cmd_run *r;
	const char *ivg, *bos, *rootvg, *append, *machine;
	char ivgid[IVG_UUID_LEN + 1];   /* --select's, or "" */
	char **opps;
	size_t n_opps;
	uint64_t bootlv_size, swap_size;
	bool firmware;
};

static bool ask(void *arg, const char *question)
{
	return cmd_confirm(arg, question);
}

static int check(struct cmd_run *r)
{
	const char *rootvg = r->own[OPT_ROOTVG].str;

	char id[IVG_UUID_LEN + 1];

	if ((!cmd_given(r, OPT_IVG) && !cmd_given(r, OPT_SELECT)) ||
	    !cmd_given(r, OPT_BOS))
		return cmd_usage_error(r, "--ivg VG and --bos NAME are needed");
	if (cmd_select_vgid(r, OPT_SELECT, id))
		return EINVALID_CMD_LINE;
	if (!r->n_operands)
		return cmd_usage_error(r, "no target disk given");
	if (cmd_given(r, OPT_MACHINE) && bos_machine_name_check(r->ctx, r->own[OPT_MACHINE].str))
		return cmd_usage_error(r, "--machine: %s", ivg_errmsg(r->ctx));
	if (rootvg && strlen(rootvg) + strlen(BOS_ROOTLV) > 123)
		return cmd_usage_error(r, "--rootvg: name \"%s\" is too long", rootvg);
	for (int i = O_BOOTLV_SIZE; i <= O_SWAP_SIZE; i++)
		if (cmd_given(r, (size_t)i) && r->own[i].size < (4 << 20))
			return cmd_usage_error(r, "--%s: invalid size \"%s\" (at least 4m)",
					       opts[i].name, r->own[i].str);
	return 0;
}

static void report(const struct cmdline *c, const struct bos_install_opts *io,
		   const struct bos_install_report *rep)
{
	const struct bos_target_opts *t = &io->target;

	printf("  BOS \"%s\" installed on", c->bos);
	for (size_t i = 0; i < t->n_disks; i++)
		printf(" %s", t->disks[i]);
	printf(": volume group \"%s\" with bootlv, swaplv and rootlv",
	       t->vgname);
	printf(" (%llu files restored, kernel %s).\n",
	       (unsigned long long)rep->restore.files,
	       rep->kernel[0] ? rep->kernel : "unknown");
	for (size_t i = 0; i < c->n_opps; i++)
		printf("  OPP %s added.\n", c->opps[i]);
	if (rep->note[0])
		printf("  NOTE: %s\n", rep->note);
	if (rep->bad_legs[0])
		fprintf(stderr, "  WARNING: read again through other legs: the bytes read through %s did not match their SHA-256; ivgck --repair %s repairs them.\n",
			rep->bad_legs, io->ivg->name);
}

/*
 * --firmware: a Boot#### entry for the first target's ESP (the root VG's
 * boot records), then the IVG's boot disks in its boot-list order, first
 * in BootOrder: when the root disk cannot be loaded, the firmware goes
 * on to the IVG (a boot LV that fails its check is GRUB's: rootboot.c).
 */
static int firmware_order(struct ivg_ctx *ctx, struct cmdline *c,
			  struct ivg_vg *ivg, char **targets)
{
	struct ivg_efi_target t[IVG_MAX_LEGS + 1];
	uint16_t nums[IVG_MAX_LEGS + 1];
	size_t n = 0;
	int r;

	snprintf(t[0].desc, sizeof(t[0].desc), "ivg root VG %.40s",
		 c->rootvg ? c->rootvg : BOS_ROOTVG_DEFAULT);
	r = ivg_efi_esp_node(ctx, targets[0], &t[0].hd);
	if (!r)
		r = ivg_bootlist_efi_targets(ctx, ivg, t + 1, &n);
	if (!r)
		r = ivg_efi_set_boot(ctx, IVG_EFIVARFS_DIR, t, n + 1, nums);
	if (r)
		return ivg_err_prefix(ctx, -r, "the BOS is installed, but the firmware's boot order is not set: ");
	printf("  Firmware boot order:");
	for (size_t i = 0; i <= n; i++)
		printf("%s Boot%04X (%s)", i ? "," : "", nums[i], t[i].desc);
	printf(", then the others as they were.\n");
	return 0;
}

static int install(struct ivg_ctx *ctx, struct cmdline *c, char **targets,
		   size_t n)
{
	struct bos_install_opts io = {
		.bos = c->bos, .opps = c->opps, .n_opps = c->n_opps,
		.append = c->append, .machine = c->machine,
	};
	const char *rootvg = c->rootvg ? c->rootvg : BOS_ROOTVG_DEFAULT;
	struct bos_install_report rep;
	struct session *s = &c->r->s;
	struct cmd_progress bar;
	int r;

	/* The root VG is created as vgcreate creates one; the IVG is only
	 * read. lvm2's order: the global lock, then the VGs. */
	r = session_lock_new_vg(ctx, rootvg, s);
	if (!r)
		r = session_open_sel(ctx, &c->r->o, c->ivg,
				     c->ivgid[0] ? c->ivgid : NULL, SESSION_READ, s);
	if (!r)
		session_warn(s);
	io.ivg = r ? NULL : s->h->vg;
	io.target = (struct bos_target_opts){
		.vgname = rootvg,
		.disks = targets, .n_disks = n, .bootlv_size = c->bootlv_size,
		.swap_size = c->swap_size, .force = c->r->o.force,
		.confirm = ask, .confirm_arg = c->r,
		.others = s->paths.v, .n_others = s->paths.n,
	};
	cmd_progress_init(c->r, &bar, "Restoring the BOS");
	io.progress = bar.fn;
	io.progress_arg = bar.arg;
	/* The firmware's side is checked before anything is written. */
	if (!r && c->firmware)
		r = ivg_efivar_check(ctx, IVG_EFIVARFS_DIR);
	if (!r)
		r = bos_install(ctx, &io, &rep);
	if (!r)
		report(c, &io, &rep);
	if (!r && c->firmware)
		r = firmware_order(ctx, c, io.ivg, targets);
	return r;
}

/*
 * Targets named the SAN's way (wwn-0x..., iscsi://...) become the block
 * devices that are those LUNs here (the multipath map when there is
 * one), in names[] (PATH_MAX each); a path of a multipath device named
 * by hand is refused.
 */
static int resolve_targets(struct cmd_run *r, char **targets, char (*names)[PATH_MAX])
{
	int e;

	for (size_t i = 0; i < r->n_operands; i++) {
		targets[i] = r->operands[i];
		if (!ivg_san_name(r->operands[i]))
			continue;
		if ((e = ivg_san_find(r->ctx, "/sys", r->operands[i], names[i], PATH_MAX)))
			return e;
		ivg_info(r->ctx, "%s is %s", r->operands[i], names[i]);
		targets[i] = names[i];
	}
	return ivg_devices_check_mpath(r->ctx, targets, r->n_operands);
}

static int run(struct cmd_run *r)
{
	struct cmdline c = {
		.r = r, .ivg = r->own[OPT_IVG].str, .bos = r->own[OPT_BOS].str,
		.rootvg = r->own[OPT_ROOTVG].str, .append = r->own[OPT_APPEND].str,
		.machine = r->own[OPT_MACHINE].str,
		.opps = r->own[OPT_OPP].list.v, .n_opps = r->own[OPT_OPP].list.n,
		.bootlv_size = r->own[O_BOOTLV_SIZE].size,
		.swap_size = r->own[O_SWAP_SIZE].size,
		.firmware = cmd_given(r, OPT_FIRMWARE),
	};
	char **targets = calloc(r->n_operands, sizeof(*targets));
	char (*names)[PATH_MAX] = calloc(r->n_operands, sizeof(*names));
	int e = targets && names ? 0 : ivg_err(r->ctx, ENOMEM, "out of memory");

	if (!e && (e = cmd_select_vgid(r, OPT_SELECT, c.ivgid)))
		e = CMD_EXIT(e);
	if (!e)
		e = resolve_targets(r, targets, names);
	if (!e)
		e = install(r->ctx, &c, targets, r->n_operands);
	free(names);
	free(targets);
	return e;
}

const struct cmd_def cmd_bosinstall_def = {
	.name = "bosinstall",
	.summary = "Install a BOS from an install VG onto target disks",
	.usage = "--ivg VG --bos NAME TARGET...",
	.about =
"Install the base operating system image NAME of the install VG VG onto\n"
"the target disks (block devices or image files; a SAN LUN also by its\n"
"WWN, wwn-0xHEX, or as iscsi://HOST[:PORT]/IQN/LUN of a session this\n"
"machine has logged in to). Every target gets the\n"
"IVG disk layout (BIOS boot partition, EFI system partition, the PV),\n"
"and together they hold a new LVM2 VG (rootvg, tagged ivg_rootvg) with\n"
"the linear LVs bootlv (kernel, initramfs, grub.cfg; on the first\n"
"target), swaplv and rootlv (ext4, the BOS). The OPPs chosen are added\n"
"to the root, /etc/ivg/installed.json records what was installed, and\n"
"GRUB's BIOS and UEFI boot records are written last. The IVG is only\n"
"read: nothing is written to its disks. On a UEFI machine, --firmware\n"
"then puts the first target first in BootOrder, followed by the IVG's\n"
"boot disks: when the target cannot be loaded, the firmware boots the\n"
"IVG's maintenance environment, which offers the root VG's recovery.\n",
	.notes = "Sizes take LVM's units: b s k m g t p e (default m).\n",
	.exit_text = "0 done, 3 bad command line, 5 failed (nothing written when\n"
		     "a check fails).",
	.common = CO(CO_DEVICES) | CO(CO_YES) | CO(CO_FORCE),
	.common_help = {
		[CO_DEVICES] = "devices or image files to look at for the IVG\n"
			       "and for a VG of the new VG's name",
		[CO_YES] = "overwrite signatures on the targets without asking",
		[CO_FORCE] = "also take targets that hold another VG's PV\n"
			     "(never a disk of the IVG)",
		[CO_VERBOSE] = "say what is done, step by step",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 0, .max_operands = SIZE_MAX,
	.check = check,
	.run = run,
};
