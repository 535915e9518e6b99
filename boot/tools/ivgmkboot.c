/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgmkboot.c - build the maintenance boot image and make the disks boot. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iscsiurl.h"
#include "ivgvg.h"
#include "mkboot.h"
#include "cmd.h"
#include "sysid.h"

enum { O_VG, O_OUTPUT, O_SIZE, O_KERNEL, O_MODULES, O_INITRD, O_APPEND,
       O_NO_RECORDS, O_ISCSI };

static const struct cmd_opt opts[] = {
	[O_VG] = { "vg", 0, ARG_VGNAME, "VG", "the install VG (or give it as the argument)" },
	[O_OUTPUT] = { "output", 0, ARG_STRING, "FILE", "write the image to FILE instead" },
	[O_SIZE] = { "size", 0, ARG_SIZE, "SIZE", "size of the --output image (default 256m)" },
	[O_KERNEL] = { "kernel", 0, ARG_STRING, "FILE",
		       "kernel (default: the newest /boot/vmlinuz-*)" },
	[O_MODULES] = { "modules", 0, ARG_STRING, "DIR",
			"its modules (default: /lib/modules/VERSION)" },
	[O_INITRD] = { "initrd", 0, ARG_STRING, "FILE",
		       "use this initramfs instead of building one" },
	[O_APPEND] = { "append", 0, ARG_STRING, "ARGS",
		       "more kernel arguments (e.g. ivg.action=shell)" },
	[O_NO_RECORDS] = { "no-boot-records", 0, ARG_NONE, NULL,
			   "write only the image into bootlv" },
	[O_ISCSI] = { "iscsi", 0, ARG_LIST, "URL,...",
		      "iSCSI targets holding the VG's disks, iscsi://ADDR[:PORT]/IQN/LUN,\n"
		      "logged in to at boot when no iBFT names them" },
};

/* Where this binary lives; the builder is in ../lib/ivg/ from there. */
static void find_helpers(char *self, size_t ssz, char *script, size_t scsz)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, ssz - 1);

	self[n > 0 ? n : 0] = '\0';
	snprintf(dir, sizeof(dir), "%s", self);
	/* Beside the binary (a build tree, /usr/local), else installed. */
	if ((size_t)snprintf(script, scsz, "%s/../lib/ivg/mkinitramfs.sh",
			     dirname(dir)) >= scsz || access(script, X_OK))
		snprintf(script, scsz, "/usr/lib/ivg/mkinitramfs.sh");
}

/* ivgcreate's boot image: prepared before it writes, installed by its hook. */
struct bootcmd {
	char self[PATH_MAX], script[PATH_MAX + 32];
	struct cmd_progress bar;
	struct ivg_mkboot_opts mo;
	struct ivg_mkboot *m;
};

int bootcmd_prepare(struct ivg_ctx *ctx, const struct cmd_run *run,
		    const char *kernel, const char *initrd, uint64_t bootlv_bytes,
		    struct bootcmd **out)
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
		.tool_output_fd = run->o.verbose >= 2 ? 2 : -1,
	};
	cmd_progress_init(run, &b->bar, "Writing bootlv");
	b->mo.progress = b->bar.fn;
	b->mo.progress_arg = b->bar.arg;
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

/* An iSCSI target the maintenance environment logs in to by itself
 * (iscsistart): its portal must be an IPv4 address, no DNS there. */
static int check_iscsi(struct cmd_run *r, const char *url)
{
	struct ivg_iscsi_url u;
	struct in_addr a;

	if (ivg_iscsi_url_parse(r->ctx, url, &u))
		return cmd_usage_error(r, "--iscsi: %s", ivg_errmsg(r->ctx));
	if (inet_pton(AF_INET, u.host, &a) != 1)
		return cmd_usage_error(r, "--iscsi: \"%s\": the portal must be an IPv4 address (the maintenance environment has no name service)",
				       url);
	return 0;
}

/* The VG is --vg or the operand; else --output. */
static int check(struct cmd_run *r)
{
	const char *output = r->own[O_OUTPUT].str;

	r->vg = r->own[O_VG].str;
	if (r->n_operands > (r->vg ? 0 : 1))
		return cmd_usage_error(r, "unexpected argument \"%s\"",
				       r->operands[r->vg ? 0 : 1]);
	if (r->n_operands)
		r->vg = r->operands[0];
	if (!r->vg == !output)
		return cmd_usage_error(r, "give either a VG (--vg) or --output FILE");
	if (r->vg && check_vg_name(r->def->name, r->vg))
		return EINVALID_CMD_LINE;
	if (cmd_given(r, O_SIZE) && !output)
		return cmd_usage_error(r, "--size goes with --output (the VG's bootlv has its size)");
	if (cmd_given(r, O_SIZE) && r->own[O_SIZE].size < (4 << 20))
		return cmd_usage_error(r, "--size: invalid size \"%s\" (at least 4m)",
				       r->own[O_SIZE].str);
	if (cmd_given(r, O_ISCSI) && cmd_given(r, O_INITRD))
		return cmd_usage_error(r, "--iscsi goes into the initramfs ivgmkboot builds, not into --initrd's");
	for (size_t i = 0; i < r->own[O_ISCSI].list.n; i++)
		if (check_iscsi(r, r->own[O_ISCSI].list.v[i]))
			return EINVALID_CMD_LINE;
	return 0;
}

static int on_vg(struct cmd_run *r, const struct ivg_mkboot_opts *mo)
{
	struct ivg_ctx *ctx = r->ctx;
	struct ivg_vgh *h = r->s.h;
	struct ivg_mkboot *m = NULL;
	struct ivg_lv *lv;
	int e = ivg_mkboot_prepare(ctx, mo, &m);

	lv = e ? NULL : ivg_vg_lv(h->vg, IVG_BOOTLV);
	if (lv && ivg_mkboot_min_size(m) > ivg_lv_extents(lv) * h->vg->extent_size * 512)
		e = ivg_err(ctx, ENOSPC, "bootlv of volume group \"%s\" is too small for the boot image (%llu MiB needed): nothing written",
			    r->vg, (unsigned long long)(ivg_mkboot_min_size(m) >> 20) + 1);
	if (!e)
		e = ivg_vg_reopen_rw(ctx, h);
	if (!e)
		e = ivg_mkboot_vg(ctx, m, h->vg);
	ivg_mkboot_free(m);
	if (!e)
		printf("  Boot image of volume group \"%s\" written%s.\n", r->vg,
		       mo->no_records ? "" : ", with the boot records of its boot disks");
	return e;
}

static int run(struct cmd_run *r)
{
	struct ivg_mkboot_opts mo = {
		.tool_output_fd = r->o.verbose >= 2 ? 2 : -1,
		.kernel = r->own[O_KERNEL].str, .modules = r->own[O_MODULES].str,
		.initrd = r->own[O_INITRD].str, .append = r->own[O_APPEND].str,
		.no_records = cmd_given(r, O_NO_RECORDS), .tmpdir = getenv("TMPDIR"),
		.iscsi = r->own[O_ISCSI].list.v, .n_iscsi = r->own[O_ISCSI].list.n,
	};
	const char *output = r->own[O_OUTPUT].str;
	char self[PATH_MAX], script[PATH_MAX + 32];
	struct cmd_progress bar;
	struct ivg_mkboot *m = NULL;
	int e;

	find_helpers(self, sizeof(self), script, sizeof(script));
	mo.ivg_binary = self;
	mo.mkinitramfs = script;
	cmd_progress_init(r, &bar, "Writing bootlv");
	mo.progress = bar.fn;
	mo.progress_arg = bar.arg;
	if (!output)
		return on_vg(r, &mo);
	mo.no_records = true;
	e = ivg_mkboot_prepare(r->ctx, &mo, &m);
	if (!e)
		e = ivg_mkboot_file(r->ctx, m, "", NULL, output,
				    cmd_given(r, O_SIZE) ? r->own[O_SIZE].size :
				    IVG_DEFAULT_BOOTLV);
	ivg_mkboot_free(m);
	if (!e)
		printf("  Boot image written to %s.\n", output);
	return e;
}

const struct cmd_def cmd_ivgmkboot_def = {
	.name = "ivgmkboot",
	.summary = "Build the boot image and make the disks bootable",
	.usage = "--vg VG | VG\n"
		 "       ivgmkboot [options] --output FILE [--size SIZE]",
	.about =
"Build the generic maintenance boot image of an install VG (an ext2\n"
"filesystem with the kernel, the maintenance initramfs, grub/grub.cfg and\n"
"manifest.sha256, the SHA-256 of every file), write it onto every leg of\n"
"the VG's bootlv, all legs at once, and write the boot records of every\n"
"boot disk: GRUB's boot.img and core.img for BIOS, \\EFI\\BOOT\\BOOTX64.EFI\n"
"on the ESP for UEFI, each booting from its own disk's leg first and\n"
"falling back to the other legs. With --output, write the image to FILE.\n",
	.notes = "Sizes take LVM's units: b s k m g t p e (default m).\n",
	.exit_text = "0 done, 3 bad command line, 5 failed (nothing written when\n"
		     "the input is bad).",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = {
		[CO_VERBOSE] = "say more (-vv: show the initramfs builder)",
		[CO_YES] = "accepted for LVM compatibility",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 0, .max_operands = SIZE_MAX,
	.flags = CMD_VG | CMD_WRITES_VG | CMD_INTERRUPTIBLE,
	.check = check,
	.run = run,
};
