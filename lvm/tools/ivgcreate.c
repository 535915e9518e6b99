/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgcreate.c - create an install volume group. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "devlist.h"
#include "ivgvg.h"
#include "session.h"
#include "sysid.h"

static const char help[] =
"Usage: ivgcreate [options] VG DISK...\n"
"\n"
"Create the install volume group VG on the given disks (block devices or\n"
"image files). Every disk gets a GPT with a BIOS boot partition, an EFI\n"
"system partition and an LVM partition holding the PV; the VG gets the\n"
"raid1 LV bootlv (one leg per boot PV) and the ext4 LVs bosfs and oppfs.\n"
"This host holds the new VG read-write: its system ID (lvmsystemid(7))\n"
"is recorded in the VG until ivgexport.\n"
"\n"
"Options:\n"
"  -s, --physicalextentsize SIZE  extent size (default 4m)\n"
"      --size SIZE           create missing image files of SIZE, sparse\n"
"      --boot-pvs DISK,...   boot disks (default: every disk; at most 64)\n"
"      --bootlv-size SIZE    size of bootlv (default 256m)\n"
"      --bosfs-size SIZE     size of bosfs (default 2g)\n"
"      --oppfs-size SIZE     size of oppfs (default 1g)\n"
"                            (disks too small for the defaults of bosfs and\n"
"                            oppfs get both scaled down, 2:1, to what is\n"
"                            free after bootlv; the sizes are printed)\n"
"      --kernel FILE         the boot image's kernel (default: the newest\n"
"                            /boot/vmlinuz-*)\n"
"      --initrd FILE         its initramfs (default: one built for the kernel)\n"
"      --no-boot-image       do not write the maintenance boot image and the\n"
"                            boot records (see ivgmkboot(8)); by default they\n"
"                            are written, so every boot disk boots\n"
"      --devices LIST        devices to check for a VG of the same name\n"
"  -y, --yes                 wipe existing signatures without asking\n"
"  -f, --force               reuse disks that are PVs of another VG, and\n"
"                            wipe other signatures without asking\n"
"  -v, --verbose             say more\n"
"      --help                this help\n"
"\n"
"Sizes take LVM's units: b s k m g t p e (default m).\n"
"Exit status: 0 done, 3 bad command line, 5 failed (nothing written).\n";

enum { OPT_NO_BOOT_IMAGE = OPT_FIRST_COMMAND_SPECIFIC, OPT_KERNEL, OPT_INITRD };

static const struct option longopts[] = {
	{ "physicalextentsize", required_argument, NULL, 's' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "boot-pvs", required_argument, NULL, OPT_BOOT_PVS },
	{ "bootlv-size", required_argument, NULL, OPT_BOOTLV_SIZE },
	{ "bosfs-size", required_argument, NULL, OPT_BOSFS_SIZE },
	{ "oppfs-size", required_argument, NULL, OPT_OPPFS_SIZE },
	{ "no-boot-image", no_argument, NULL, OPT_NO_BOOT_IMAGE },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "yes", no_argument, NULL, 'y' },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static bool ask(void *arg, const char *question)
{
	return confirm(arg, question);
}

static int size_opt(int c, const char *arg, struct ivg_create_opts *co)
{
	uint64_t *dst = c == 's' ? &co->extent_size :
			c == OPT_SIZE ? &co->create_size :
			c == OPT_BOOTLV_SIZE ? &co->bootlv_size :
			c == OPT_BOSFS_SIZE ? &co->bosfs_size : &co->oppfs_size;

	if (parse_size(arg, 'm', dst))
		return usage_error("ivgcreate", "invalid size \"%s\"", arg);
	return 0;
}

static bool same_path(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	return !strcmp(a, b);
}

/* What the command line alone shows to be wrong: exit 3, as lvm2. */
static int check_cmdline(const struct ivg_create_opts *co)
{
	uint64_t es = co->extent_size;

	if (es && (es < 4096 || (es & (es - 1)) || es > (1ULL << 40)))
		return usage_error("ivgcreate",
				   "extent size %llu bytes is not a power of two between 4k and 1t",
				   (unsigned long long)es);
	/* The longest LV name is bootlv_rimage_63: VG + LV <= 124. */
	if (strlen(co->vgname) + strlen(IVG_BOOTLV "_rimage_63") > 124)
		return usage_error("ivgcreate", "VG name \"%s\" is too long (at most %zu characters)",
				   co->vgname, 124 - strlen(IVG_BOOTLV "_rimage_63"));
	for (size_t i = 0; i < co->n_boot; i++) {
		bool found = false;

		for (size_t k = 0; k < co->n_disks && !found; k++)
			found = same_path(co->boot_disks[i], co->disks[k]);
		if (!found)
			return usage_error("ivgcreate", "--boot-pvs: %s is not one of the disks",
					   co->boot_disks[i]);
	}
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

int cmd_ivgcreate(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct ivg_create_opts co = { 0 };
	struct opts o = { 0 };
	struct session s = { 0 };
	char sysid[IVG_SYSID_MAX + 1];
	char **boot = NULL;
	size_t nboot = 0;
	struct bootcmd *bootimg = NULL;
	struct ivg_create_made made = { 0 };
	const char *kernel = NULL, *initrd = NULL;
	bool no_boot_image = false;
	int c, r, rc = ECMD_OK;

	while ((c = getopt_long(argc, argv, "s:yfv", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, &o, c, optarg, "ivgcreate")) > 0)
			continue;
		if (r < 0)
			goto bad;
		switch (c) {
		case 's': case OPT_SIZE: case OPT_BOOTLV_SIZE:
		case OPT_BOSFS_SIZE: case OPT_OPPFS_SIZE:
			if (size_opt(c, optarg, &co))
				goto bad;
			break;
		case OPT_BOOT_PVS:
			ivg_devices_free(boot, nboot);
			boot = NULL;
			if (ivg_devices_parse(ctx, optarg, &boot, &nboot)) {
				usage_error("ivgcreate", "--boot-pvs: %s", ivg_errmsg(ctx));
				goto bad;
			}
			break;
		case OPT_NO_BOOT_IMAGE:
			no_boot_image = true;
			break;
		case OPT_KERNEL:
			kernel = optarg;
			break;
		case OPT_INITRD:
			initrd = optarg;
			break;
		case OPT_HELP:
			print_help(help);
			goto out;
		default:
			usage_error("ivgcreate", "unknown option");
			goto bad;
		}
	}
	if (argc - optind < 2) {
		usage_error("ivgcreate", "a VG name and at least one disk are needed");
		goto bad;
	}
	co.vgname = argv[optind];
	co.disks = argv + optind + 1;
	co.n_disks = (size_t)(argc - optind - 1);
	co.boot_disks = boot;
	co.n_boot = nboot;
	co.force = o.force;
	co.confirm = ask;
	co.confirm_arg = &o;
	if (check_vg_name("ivgcreate", co.vgname))
		goto bad;
	if (check_cmdline(&co))
		goto bad;
	if (no_boot_image && (kernel || initrd)) {
		usage_error("ivgcreate", "--%s goes with the boot image: not with --no-boot-image",
			    kernel ? "kernel" : "initrd");
		goto bad;
	}
	if ((boot ? nboot : co.n_disks) > IVG_MAX_LEGS) {
		usage_error("ivgcreate", "%zu boot PVs: at most %d (use --boot-pvs)",
			    boot ? nboot : co.n_disks, IVG_MAX_LEGS);
		goto bad;
	}
	if (devices_to_scan(ctx, &o, &s.paths, &s.n_paths, &s.owned)) {
		rc = fail(ctx);
		goto out;
	}
	co.others = s.paths;
	co.n_others = s.n_paths;
	/* The creating host holds the new VG read-write, as with lvm2. */
	if (host_system_id(ctx, sysid)) {
		rc = fail(ctx);
		goto out;
	}
	co.system_id = sysid;
	catch_interrupts(ctx);
	/* The boot image is made ready (and checked to fit) before any write. */
	if (!no_boot_image &&
	    (r = bootcmd_prepare(ctx, o.verbose, kernel, initrd,
				 co.bootlv_size ? co.bootlv_size : IVG_DEFAULT_BOOTLV,
				 &bootimg))) {
		if (r == -ENOENT && !kernel)
			no_kernel_hint(ctx);
		rc = fail(ctx);
		goto out;
	}
	co.before_commit = bootimg ? bootcmd_install : NULL;
	co.before_commit_arg = bootimg;
	/* As vgcreate: the global lock and the new name's, held until the
	 * VG is committed, so that no other command creates that name. */
	if (session_lock_new_vg(ctx, co.vgname, &s) || ivg_create(ctx, &co, &made)) {
		rc = fail(ctx);
		goto out;
	}
	for (size_t i = 0; i < co.n_disks; i++)
		printf("  Physical volume \"%s\" successfully created.\n",
		       co.disks[i]);
	if (made.scaled)
		print_scaled(&co, &made);
	printf("  Volume group \"%s\" successfully created with system ID %s\n",
	       co.vgname, sysid);
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	bootcmd_free(bootimg);
	session_close(&s);
	ivg_devices_free(boot, nboot);
	opts_free(&o);
	return rc;
}
