/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosinstall.c - install a BOS from an install VG onto target disks. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devlist.h"
#include "install.h"
#include "session.h"

static const char help[] =
"Usage: bosinstall [options] --ivg VG --bos NAME TARGET...\n"
"\n"
"Install the base operating system image NAME of the install VG VG onto\n"
"the target disks (block devices or image files). Every target gets the\n"
"IVG disk layout (BIOS boot partition, EFI system partition, the PV),\n"
"and together they hold a new LVM2 VG (rootvg, tagged ivg_rootvg) with\n"
"the linear LVs bootlv (kernel, initramfs, grub.cfg; on the first\n"
"target), swaplv and rootlv (ext4, the BOS). The OPPs chosen are added\n"
"to the root, /etc/ivg/installed.json records what was installed, and\n"
"GRUB's BIOS and UEFI boot records are written last. The IVG is only\n"
"read: nothing is written to its disks.\n"
"\n"
"Options:\n"
"      --ivg VG              the install VG to install from\n"
"      --bos NAME            the BOS image (boslist shows them)\n"
"      --opp NAME[=VER],...  OPPs to add (opplist shows them)\n"
"      --rootvg NAME         name of the new VG (default rootvg)\n"
"      --bootlv-size SIZE    size of bootlv (default 256m)\n"
"      --swap-size SIZE      size of swaplv (default 256m)\n"
"      --append ARGS         more kernel arguments for the installed system\n"
"      --devices LIST        devices or image files to look at for the IVG\n"
"                            and for a VG of the new VG's name\n"
"  -y, --yes                 overwrite signatures on the targets without asking\n"
"  -f, --force               also take targets that hold another VG's PV\n"
"                            (never a disk of the IVG)\n"
"  -v, --verbose             say what is done, step by step\n"
"      --help                this help\n"
"\n"
"Sizes take LVM's units: b s k m g t p e (default m).\n"
"Exit status: 0 done, 3 bad command line, 5 failed (nothing written when\n"
"a check fails).\n";

enum {
	OPT_IVG = OPT_FIRST_COMMAND_SPECIFIC,
	OPT_BOS, OPT_OPP, OPT_ROOTVG, OPT_SWAP_SIZE, OPT_APPEND,
};

static const struct option longopts[] = {
	{ "ivg", required_argument, NULL, OPT_IVG },
	{ "bos", required_argument, NULL, OPT_BOS },
	{ "opp", required_argument, NULL, OPT_OPP },
	{ "rootvg", required_argument, NULL, OPT_ROOTVG },
	{ "bootlv-size", required_argument, NULL, OPT_BOOTLV_SIZE },
	{ "swap-size", required_argument, NULL, OPT_SWAP_SIZE },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "yes", no_argument, NULL, 'y' },
	{ "force", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

struct cmdline {
	struct opts o;
	const char *ivg, *bos, *rootvg, *append;
	char **opps;
	size_t n_opps;
	uint64_t bootlv_size, swap_size;
};

/* "  Restoring [#####.....]  40%" on a terminal. */
static void bar(void *arg, uint64_t done, uint64_t total)
{
	int *last = arg, pct = total ? (int)(done * 100 / total) : 100;
	char line[41];
	int full = pct * 40 / 100;

	if (pct > 100 || pct == *last)
		return;
	*last = pct;
	memset(line, '#', (size_t)full);
	memset(line + full, '.', (size_t)(40 - full));
	line[40] = '\0';
	printf("\r  Restoring the BOS [%s] %3d%%%s", line, pct,
	       pct == 100 ? "\n" : "");
	fflush(stdout);
}

static bool ask(void *arg, const char *question)
{
	return confirm(arg, question);
}

static int size_arg(const char *opt, const char *arg, uint64_t *out)
{
	if (parse_size(arg, 'm', out) || *out < (4 << 20))
		return usage_error("bosinstall", "%s: invalid size \"%s\" (at least 4m)",
				   opt, arg);
	return 0;
}

/* One option; 0 handled, else the exit code. */
static int option(struct ivg_ctx *ctx, struct cmdline *c, int ch,
		  const char *arg)
{
	int r = common_opt(ctx, &c->o, ch, arg, "bosinstall");

	if (r)
		return r > 0 ? 0 : EINVALID_CMD_LINE;
	switch (ch) {
	case OPT_IVG: c->ivg = arg; return 0;
	case OPT_BOS: c->bos = arg; return 0;
	case OPT_ROOTVG: c->rootvg = arg; return 0;
	case OPT_APPEND: c->append = arg; return 0;
	case OPT_BOOTLV_SIZE: return size_arg("--bootlv-size", arg, &c->bootlv_size);
	case OPT_SWAP_SIZE: return size_arg("--swap-size", arg, &c->swap_size);
	case OPT_OPP:
		if (ivg_devices_parse(ctx, arg, &c->opps, &c->n_opps))
			return usage_error("bosinstall", "--opp: %s", ivg_errmsg(ctx));
		return 0;
	}
	return usage_error("bosinstall", "unknown option");
}

static int check_cmdline(const struct cmdline *c, int ntargets)
{
	if (!c->ivg || !c->bos)
		return usage_error("bosinstall", "--ivg VG and --bos NAME are needed");
	if (ntargets < 1)
		return usage_error("bosinstall", "no target disk given");
	if (check_vg_name("bosinstall", c->ivg))
		return EINVALID_CMD_LINE;
	if (c->rootvg && check_vg_name("bosinstall", c->rootvg))
		return EINVALID_CMD_LINE;
	if (c->rootvg && strlen(c->rootvg) + strlen(BOS_ROOTLV) > 123)
		return usage_error("bosinstall", "--rootvg: name \"%s\" is too long", c->rootvg);
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

static int run(struct ivg_ctx *ctx, struct cmdline *c, char **targets,
	       size_t n)
{
	struct bos_install_opts io = {
		.bos = c->bos, .opps = c->opps, .n_opps = c->n_opps,
		.append = c->append,
	};
	struct bos_install_report rep;
	const char *rootvg = c->rootvg ? c->rootvg : BOS_ROOTVG_DEFAULT;
	struct session s = { 0 };
	int last = -1, r;

	/* The root VG is created as vgcreate creates one; the IVG is only
	 * read. lvm2's order: the global lock, then the VGs. */
	r = session_lock_new_vg(ctx, rootvg, &s);
	if (!r)
		r = session_open(ctx, &c->o, c->ivg, SESSION_READ, &s);

	if (!r)
		session_warn(&s);
	io.ivg = r ? NULL : s.h->vg;
	io.target = (struct bos_target_opts){
		.vgname = rootvg,
		.disks = targets, .n_disks = n, .bootlv_size = c->bootlv_size,
		.swap_size = c->swap_size, .force = c->o.force,
		.confirm = ask, .confirm_arg = &c->o,
		.others = s.paths, .n_others = s.n_paths,
	};
	if (isatty(STDOUT_FILENO) && !c->o.verbose) {
		io.progress = bar;
		io.progress_arg = &last;
	}
	if (!r)
		r = bos_install(ctx, &io, &rep);
	if (!r)
		report(c, &io, &rep);
	session_close(&s);
	return r ? fail(ctx) : ECMD_OK;
}

int cmd_bosinstall(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct cmdline c = { 0 };
	int ch, rc = ECMD_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "yfv", longopts, NULL)) != -1) {
		if (ch == OPT_HELP) {
			print_help(help);
			goto out;
		}
		if ((rc = option(ctx, &c, ch, optarg)))
			goto out;
	}
	rc = check_cmdline(&c, argc - optind);
	if (!rc)
		rc = run(ctx, &c, argv + optind, (size_t)(argc - optind));
out:
	ivg_devices_free(c.opps, c.n_opps);
	opts_free(&c.o);
	return rc;
}
