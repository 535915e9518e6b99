/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgmkboot.c - build the maintenance boot image and make the disks boot. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivgvg.h"
#include "mkboot.h"
#include "session.h"
#include "sysid.h"

static const char help[] =
"Usage: ivgmkboot [options] --vg VG | VG\n"
"       ivgmkboot [options] --output FILE [--size SIZE]\n"
"\n"
"Build the generic maintenance boot image of an install VG (an ext2\n"
"filesystem with the kernel, the maintenance initramfs, grub/grub.cfg and\n"
"manifest.sha256, the SHA-256 of every file), write it onto every leg of\n"
"the VG's bootlv, all legs at once, and write the boot records of every\n"
"boot disk: GRUB's boot.img and core.img for BIOS, \\EFI\\BOOT\\BOOTX64.EFI\n"
"on the ESP for UEFI, each booting from its own disk's leg first and\n"
"falling back to the other legs. With --output, write the image to FILE.\n"
"\n"
"Options:\n"
"      --vg VG               the install VG (or give it as the argument)\n"
"      --output FILE         write the image to FILE instead\n"
"      --size SIZE           size of the --output image (default 256m)\n"
"      --kernel FILE         kernel (default: the newest /boot/vmlinuz-*)\n"
"      --modules DIR         its modules (default: /lib/modules/VERSION)\n"
"      --initrd FILE         use this initramfs instead of building one\n"
"      --append ARGS         more kernel arguments (e.g. ivg.action=shell)\n"
"      --no-boot-records     write only the image into bootlv\n"
"      --devices LIST        devices or image files to look at\n"
"  -v, --verbose             say more (-vv: show the initramfs builder)\n"
"  -y, --yes                 accepted for LVM compatibility\n"
"      --help                this help\n"
"\n"
"Sizes take LVM's units: b s k m g t p e (default m).\n"
"Exit status: 0 done, 3 bad command line, 5 failed (nothing written when\n"
"the input is bad).\n";

enum {
	OPT_VG = OPT_FIRST_COMMAND_SPECIFIC,
	OPT_OUTPUT, OPT_KERNEL, OPT_MODULES, OPT_INITRD, OPT_APPEND,
	OPT_NO_RECORDS,
};

static const struct option longopts[] = {
	{ "vg", required_argument, NULL, OPT_VG },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "modules", required_argument, NULL, OPT_MODULES },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "no-boot-records", no_argument, NULL, OPT_NO_RECORDS },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "yes", no_argument, NULL, 'y' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* A bar on stdout when it is a terminal: "[#####.....]  40%" (tools.h). */
void bootlv_progress_bar(void *arg, uint64_t done, uint64_t total)
{
	int *last = arg, pct = total ? (int)(done * 100 / total) : 100;
	char line[64];
	int w = 40, full = pct * w / 100;

	if (pct == *last)
		return;
	*last = pct;
	memset(line, '#', (size_t)full);
	memset(line + full, '.', (size_t)(w - full));
	line[w] = '\0';
	printf("\r  Writing bootlv [%s] %3d%%%s", line, pct, pct == 100 ? "\n" : "");
	fflush(stdout);
}

/* Where this binary lives; the builder is in ../lib/ivg/ from there. */
static void find_helpers(char *self, size_t ssz, char *script, size_t scsz)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, ssz - 1);

	self[n > 0 ? n : 0] = '\0';
	snprintf(dir, sizeof(dir), "%s", self);
	snprintf(script, scsz, "%s/../lib/ivg/mkinitramfs.sh", dirname(dir));
	if (access(script, X_OK))
		snprintf(script, scsz, "/usr/lib/ivg/mkinitramfs.sh");
}

/* ivgcreate's boot image: prepared before it writes, installed by its hook. */
struct bootcmd {
	char self[PATH_MAX], script[PATH_MAX + 32];
	int last;
	struct ivg_mkboot_opts mo;
	struct ivg_mkboot *m;
};

int bootcmd_prepare(struct ivg_ctx *ctx, int verbose, const char *kernel,
		    const char *initrd, uint64_t bootlv_bytes, struct bootcmd **out)
{
	struct bootcmd *b = calloc(1, sizeof(*b));
	int r;

	*out = NULL;
	if (!b)
		return ivg_err(ctx, ENOMEM, "out of memory");
	find_helpers(b->self, sizeof(b->self), b->script, sizeof(b->script));
	b->mo = (struct ivg_mkboot_opts){
		.ivg_binary = b->self, .mkinitramfs = b->script,
		.kernel = kernel, .initrd = initrd, .tmpdir = getenv("TMPDIR"),
		.tool_output_fd = verbose >= 2 ? 2 : -1,
	};
	if (isatty(1) && !verbose) {
		b->last = -1;
		b->mo.progress = bootlv_progress_bar;
		b->mo.progress_arg = &b->last;
	}
	r = ivg_mkboot_prepare(ctx, &b->mo, &b->m);
	if (!r && ivg_mkboot_min_size(b->m) > bootlv_bytes)
		r = ivg_err(ctx, ENOSPC, "a bootlv of %llu MiB is too small for the boot image (%llu MiB needed): use --bootlv-size, or --no-boot-image",
			    (unsigned long long)(bootlv_bytes >> 20),
			    (unsigned long long)(ivg_mkboot_min_size(b->m) >> 20) + 1);
	if (r) {
		bootcmd_free(b);
		return r;
	}
	*out = b;
	return 0;
}

int bootcmd_install(struct ivg_ctx *ctx, struct ivg_vg *vg, void *arg)
{
	struct bootcmd *b = arg;

	return ivg_mkboot_vg(ctx, b->m, vg);
}

void bootcmd_free(struct bootcmd *b)
{
	if (!b)
		return;
	ivg_mkboot_free(b->m);
	free(b);
}

static int on_vg(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		 const struct ivg_mkboot_opts *mo)
{
	struct ivg_mkboot *m = NULL;
	struct ivg_lv *lv;
	char me[IVG_SYSID_MAX + 1];
	struct session s = { 0 };
	int r = session_open(ctx, o, vg, SESSION_WRITE, &s);

	if (!r) {
		session_warn(&s);
		if (s.h->missing)
			r = ivg_err(ctx, ENXIO, "Volume group \"%s\" is partial (%zu PVs missing): nothing written",
				    vg, s.h->missing);
	}
	if (!r)
		r = host_system_id(ctx, me);
	if (!r)
		r = ivg_vg_check_holder(ctx, s.h->vg, me);
	if (!r)
		r = ivg_mkboot_prepare(ctx, mo, &m);
	lv = r ? NULL : ivg_vg_lv(s.h->vg, IVG_BOOTLV);
	if (lv && ivg_mkboot_min_size(m) > ivg_lv_extents(lv) * s.h->vg->extent_size * 512)
		r = ivg_err(ctx, ENOSPC, "bootlv of volume group \"%s\" is too small for the boot image (%llu MiB needed): nothing written",
			    vg, (unsigned long long)(ivg_mkboot_min_size(m) >> 20) + 1);
	if (!r)
		r = ivg_vg_reopen_rw(ctx, s.h);
	if (!r)
		r = ivg_mkboot_vg(ctx, m, s.h->vg);
	ivg_mkboot_free(m);
	if (!r)
		printf("  Boot image of volume group \"%s\" written%s.\n", vg,
		       mo->no_records ? "" : ", with the boot records of its boot disks");
	session_close(&s);
	return r;
}

int cmd_ivgmkboot(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct ivg_mkboot_opts mo = { .tool_output_fd = -1 };
	char self[PATH_MAX], script[PATH_MAX + 32];
	const char *vg = NULL, *output = NULL;
	uint64_t size = IVG_DEFAULT_BOOTLV;
	struct opts o = { 0 };
	bool size_set = false;
	int c, r, rc = ECMD_OK, last = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vy", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, &o, c, optarg, "ivgmkboot")) > 0)
			continue;
		if (r < 0)
			goto bad;
		switch (c) {
		case OPT_VG: vg = optarg; break;
		case OPT_OUTPUT: output = optarg; break;
		case OPT_KERNEL: mo.kernel = optarg; break;
		case OPT_MODULES: mo.modules = optarg; break;
		case OPT_INITRD: mo.initrd = optarg; break;
		case OPT_APPEND: mo.append = optarg; break;
		case OPT_NO_RECORDS: mo.no_records = true; break;
		case OPT_SIZE:
			if (parse_size(optarg, 'm', &size) || size < (4 << 20)) {
				usage_error("ivgmkboot", "--size: invalid size \"%s\" (at least 4m)",
					    optarg);
				goto bad;
			}
			size_set = true;
			break;
		case OPT_HELP:
			print_help(help);
			goto out;
		default:
			usage_error("ivgmkboot", "unknown option");
			goto bad;
		}
	}
	if (optind < argc && !vg)
		vg = argv[optind++];
	if (optind < argc) {
		usage_error("ivgmkboot", "unexpected argument \"%s\"", argv[optind]);
		goto bad;
	}
	if (!vg == !output) {
		usage_error("ivgmkboot", "give either a VG (--vg) or --output FILE");
		goto bad;
	}
	if (vg && !ivg_name_valid(vg)) {
		usage_error("ivgmkboot", "invalid VG name \"%s\"", vg);
		goto bad;
	}
	if (size_set && !output) {
		usage_error("ivgmkboot", "--size goes with --output (the VG's bootlv has its size)");
		goto bad;
	}
	catch_interrupts(ctx);
	find_helpers(self, sizeof(self), script, sizeof(script));
	mo.ivg_binary = self;
	mo.mkinitramfs = script;
	mo.tmpdir = getenv("TMPDIR");
	if (o.verbose >= 2)
		mo.tool_output_fd = 2;
	if (isatty(1) && !o.verbose) {
		mo.progress = bootlv_progress_bar;
		mo.progress_arg = &last;
	}
	if (output) {
		struct ivg_mkboot *m = NULL;

		mo.no_records = true;
		r = ivg_mkboot_prepare(ctx, &mo, &m);
		if (!r)
			r = ivg_mkboot_file(ctx, m, "", NULL, output, size);
		ivg_mkboot_free(m);
	} else
		r = on_vg(ctx, &o, vg, &mo);
	if (r) {
		rc = fail(ctx);
		goto out;
	}
	if (output)
		printf("  Boot image written to %s.\n", output);
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	opts_free(&o);
	return rc;
}
