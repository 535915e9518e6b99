/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgcreate.c - create an install volume group. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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
"raid1 LV bootlv (one leg per boot PV) and the raid1 ext4 LVs bosfs and\n"
"oppfs for the BOS and OPP images (one leg per image PV: every boot PV\n"
"unless --copies or --image-pvs says fewer), so that each of those disks\n"
"alone boots, lists the images and installs.\n"
"This host holds the new VG read-write: its system ID (lvmsystemid(7))\n"
"is recorded in the VG until ivgexport.\n"
"\n"
"Options:\n"
"  -s, --physicalextentsize SIZE  extent size (default 4m)\n"
"      --size SIZE           create missing image files of SIZE, sparse\n"
"      --boot-pvs DISK,...   boot disks (default: every disk; at most 64)\n"
"      --copies N            copies of the images: a leg of bosfs, oppfs and\n"
"                            every raw BOS LV on each of the first N boot\n"
"                            disks (default: every boot disk)\n"
"      --image-pvs DISK,...  the boot disks that carry the images\n"
"      --bootlv-size SIZE    size of bootlv (default 256m)\n"
"      --bosfs-size SIZE     size of bosfs (default 2g)\n"
"      --oppfs-size SIZE     size of oppfs (default 1g)\n"
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

static const struct option longopts[] = {
	{ "physicalextentsize", required_argument, NULL, 's' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "boot-pvs", required_argument, NULL, OPT_BOOT_PVS },
	{ "bootlv-size", required_argument, NULL, OPT_BOOTLV_SIZE },
	{ "bosfs-size", required_argument, NULL, OPT_BOSFS_SIZE },
	{ "oppfs-size", required_argument, NULL, OPT_OPPFS_SIZE },
	{ "no-boot-image", no_argument, NULL, OPT_FIRST_COMMAND_SPECIFIC },
	{ "copies", required_argument, NULL, OPT_FIRST_COMMAND_SPECIFIC + 1 },
	{ "image-pvs", required_argument, NULL, OPT_FIRST_COMMAND_SPECIFIC + 2 },
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

static bool listed(const char *path, char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (same_path(path, list[k]))
			return true;
	return false;
}

/* --copies N: a whole number from 1 to 64. */
static int copies_opt(const char *arg, struct ivg_create_opts *co)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > IVG_MAX_LEGS)
		return usage_error("ivgcreate", "--copies \"%s\": a number from 1 to %d is needed",
				   arg, IVG_MAX_LEGS);
	co->copies = v;
	return 0;
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
	for (size_t i = 0; i < co->n_boot; i++)
		if (!listed(co->boot_disks[i], co->disks, co->n_disks))
			return usage_error("ivgcreate", "--boot-pvs: %s is not one of the disks",
					   co->boot_disks[i]);
	for (size_t i = 0; i < co->n_image; i++)
		if (!listed(co->image_disks[i], co->boot_disks ? co->boot_disks : co->disks,
			    co->boot_disks ? co->n_boot : co->n_disks))
			return usage_error("ivgcreate", "--image-pvs: %s is not one of the boot disks",
					   co->image_disks[i]);
	if (co->copies && co->image_disks)
		return usage_error("ivgcreate", "--copies and --image-pvs do not go together");
	if (co->copies > (co->boot_disks ? co->n_boot : co->n_disks))
		return usage_error("ivgcreate", "--copies %zu: there are only %zu boot disks",
				   co->copies, co->boot_disks ? co->n_boot : co->n_disks);
	return 0;
}

int cmd_ivgcreate(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct ivg_create_opts co = { 0 };
	struct opts o = { 0 };
	struct session s = { 0 };
	char sysid[IVG_SYSID_MAX + 1];
	char **boot = NULL, **image = NULL;
	size_t nboot = 0, nimage = 0;
	struct bootcmd *bootimg = NULL;
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
		case OPT_FIRST_COMMAND_SPECIFIC:
			no_boot_image = true;
			break;
		case OPT_FIRST_COMMAND_SPECIFIC + 1:
			if (copies_opt(optarg, &co))
				goto bad;
			break;
		case OPT_FIRST_COMMAND_SPECIFIC + 2:
			ivg_devices_free(image, nimage);
			image = NULL;
			if (ivg_devices_parse(ctx, optarg, &image, &nimage)) {
				usage_error("ivgcreate", "--image-pvs: %s", ivg_errmsg(ctx));
				goto bad;
			}
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
	co.image_disks = image;
	co.n_image = nimage;
	co.force = o.force;
	co.confirm = ask;
	co.confirm_arg = &o;
	if (check_vg_name("ivgcreate", co.vgname))
		goto bad;
	if (check_cmdline(&co))
		goto bad;
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
	    bootcmd_prepare(ctx, o.verbose, co.bootlv_size ? co.bootlv_size :
			    IVG_DEFAULT_BOOTLV, &bootimg)) {
		rc = fail(ctx);
		goto out;
	}
	co.before_commit = bootimg ? bootcmd_install : NULL;
	co.before_commit_arg = bootimg;
	/* As vgcreate: the global lock and the new name's, held until the
	 * VG is committed, so that no other command creates that name. */
	if (session_lock_new_vg(ctx, co.vgname, &s) || ivg_create(ctx, &co)) {
		rc = fail(ctx);
		goto out;
	}
	for (size_t i = 0; i < co.n_disks; i++)
		printf("  Physical volume \"%s\" successfully created.\n",
		       co.disks[i]);
	printf("  Volume group \"%s\" successfully created with system ID %s\n",
	       co.vgname, sysid);
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	bootcmd_free(bootimg);
	session_close(&s);
	ivg_devices_free(boot, nboot);
	ivg_devices_free(image, nimage);
	opts_free(&o);
	return rc;
}
