/* SPDX-License-Identifier: GPL-2.0-or-later */
/* install.c - bos_install(): check everything, then write in install.h's order. */
#include "install.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chroot.h"
#include "bossan.h"
#include "dev.h"
#include "e2fs.h"
#include "ivgvg.h"
#include "lvio.h"
#include "grubimg.h"
#include "lvmount.h"
#include "oppinst.h"
#include "pathf.h"
#include "toolrun.h"
#include "opps.h"
#include "record.h"
#include "rootadd.h"
#include "rootboot.h"
#include "sha256.h"

struct run {
	struct ivg_ctx *ctx;
	struct bos_install_opts *o;
	struct bos_install_report *rep;
	struct bos_store *store;
	struct bos_manifest bos;
	struct bos_opps opps;
	struct bos_target *t;
	struct ivg_rootboot_opts rbo;
	struct ivg_rootboot *rb;
	struct bos_san san;        /* the targets' SAN boot (bossan.h) */
	char append[1024];         /* the kernel arguments, with the SAN's */
};

static int check_bos(struct run *x)
{
	struct bos_manifest *m = &x->bos;
	struct ivg_rootboot_kernel k;
	int r = bos_store_open(x->ctx, x->o->ivg, false, &x->store);

	if (!r)
		r = bos_store_get(x->ctx, x->store, x->o->bos, m);
	if (r)
		return r;
	if ((m->format != BOS_FMT_TAR && m->format != BOS_FMT_RAW) ||
	    !m->size || !ivg_sha256_hex_ok(m->sha256) || !m->data[0])
		return ivg_err(x->ctx, EINVAL,
			       "BOS %s of volume group \"%s\": its manifest is not usable (format, size, SHA-256 or data missing); add the image again with bosadd",
			       x->o->bos, x->o->ivg->name);
	/* bosadd saw every entry: no kernel file means no boot (rootboot.h). */
	if (m->format == BOS_FMT_TAR && m->vmlinuz == 0)
		return ivg_err(x->ctx, ENOENT,
			       "BOS %s of volume group \"%s\" holds no kernel (no /boot/vmlinuz-* and no /vmlinuz): the installed system could not boot; nothing written",
			       x->o->bos, x->o->ivg->name);
	if (m->format == BOS_FMT_TAR && m->initrd == 0)
		return ivg_err(x->ctx, ENOENT,
			       "BOS %s of volume group \"%s\" holds no initramfs (no /boot/initrd.img-* and no /initrd.img): the installed system could not boot; nothing written",
			       x->o->bos, x->o->ivg->name);
	/* A raw image is a root filesystem already: looked at in place. */
	if (m->format == BOS_FMT_RAW &&
	    (r = ivg_rootboot_find_kernel_in(x->ctx, x->o->ivg, m->data, &k)))
		return ivg_err_prefix(x->ctx, r,
				      "BOS %s of volume group \"%s\": the installed system could not boot, nothing written: ",
				      x->o->bos, x->o->ivg->name);
	return 0;
}

/* GRUB's images are built at the end: find out now if they cannot be. */
static int check_grub(struct ivg_ctx *ctx)
{
	static const char *const need[] = {
		IVG_GRUB_BIOS_DIR "/boot.img", IVG_GRUB_BIOS_DIR "/lvm.mod",
		IVG_GRUB_EFI_DIR "/lvm.mod",
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (access(need[i], R_OK))
			return ivg_err(ctx, ENOENT,
				       "%s: missing; the targets' boot records need GRUB (grub-pc-bin and grub-efi-amd64-bin)",
				       need[i]);
	if (ivg_tool_find(ctx, "grub-mkimage",
			  "it builds the targets' boot records (package grub-common)") ||
	    ivg_tool_find(ctx, "mcopy",
			  "it puts GRUB onto the targets' ESPs (package mtools)"))
		return -ENOENT;
	return 0;
}

/*
 * rootlv's size: a raw image's own; for a tar archive the ext4 that holds
 * its tree, as bosadd measured it (manifests of older ivg: at least the
 * archive's size). The OPPs' bytes count as they are stored.
 */
static uint64_t root_size(const struct bos_manifest *m, uint64_t opps)
{
	if (m->format == BOS_FMT_TAR && m->unpacked)
		return ivg_e2fs_size_for(m->unpacked + opps, m->files);
	return m->size + opps;
}

/* Do the chosen OPPs need the BOS's own tools (a chroot into rootlv)? */
static bool need_root_tools(const struct bos_opps *o)
{
	return bos_opps_need(o, OPP_FMT_DEB) || bos_opps_need(o, OPP_FMT_RPM) ||
	       bos_opps_need(o, OPP_FMT_OPP);
}

static bool has_plain(const struct bos_opps *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].fmt == OPP_FMT_OPP)
			return true;
	return false;
}

static bool need_repo(const struct bos_opps *o)
{
	return bos_opps_need(o, OPP_FMT_DEB) || bos_opps_need(o, OPP_FMT_RPM);
}

/* What the chroot needs, found before anything is written. */
static int check_root_tools(struct run *x)
{
	struct ivg_ctx *ctx = x->ctx;
	int r;

	if (!need_root_tools(&x->opps))
		return 0;
	if (geteuid())
		return ivg_err(ctx, EPERM, "the OPPs chosen are installed by the BOS's own package manager in rootlv, mounted: that needs root");
	if ((r = ivg_tool_find(ctx, "chroot", "it runs the BOS's package manager in rootlv (package coreutils)")) ||
	    (r = ivg_lvmount_check(ctx, bos_target_vg(x->t), BOS_ROOTLV)))
		return ivg_err_prefix(ctx, r, "the OPPs chosen cannot be installed here, nothing written: ");
	if (need_repo(&x->opps) &&
	    (r = ivg_lvmount_check(ctx, x->o->ivg, IVG_OPPFS)))
		return ivg_err_prefix(ctx, r, "the OPP repository cannot be mounted here, nothing written: ");
	return 0;
}

/* What a raw BOS holds for a SAN boot, looked up in its root. */
static int raw_san_tools(struct run *x)
{
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	int tools = -1;

	if (x->bos.format != BOS_FMT_RAW)
		return -1;
	if (!ivg_lvio_open(x->ctx, x->o->ivg, x->bos.data, -1, &io) &&
	    !ivg_e2fs_open(x->ctx, io, 0, &fs))
		tools = (int)bos_san_tools_in_fs(fs);
	if (fs)
		ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	return tools;
}

static int check_all(struct run *x)
{
	struct bos_target_opts *to = &x->o->target;
	int r = check_bos(x);

	if (!r)
		r = bos_opps_select(x->ctx, x->o->ivg, x->o->opps, x->o->n_opps,
				    &x->opps);
	if (!r)
		r = check_grub(x->ctx);
	if (r)
		return r;
	to->ivg = x->o->ivg;
	to->root_min = root_size(&x->bos, bos_opps_bytes(&x->opps));
	r = bos_target_plan(x->ctx, to, &x->t);
	if (!r)
		r = bos_san_plan(x->ctx, "/sys", to->disks, to->n_disks, &x->bos, raw_san_tools(x),
				 &x->san);
	return r ? r : check_root_tools(x);
}

/*
 * Checked reads: what was read through leg 'leg' of the IVG's LV 'lv'
 * failed its SHA-256 (-EBADMSG). The leg is named in the report and
 * avoided (lvio.h); true when another leg in sync is left to read from.
 */
static bool other_leg(struct run *x, const char *lv, int leg)
{
	const struct ivg_pv *pv = ivg_lv_leg_pv(x->o->ivg, lv, leg);
	char msg[IVG_ERRMSG_MAX], *bad = x->rep->bad_legs;
	size_t used = strlen(bad);
	int next;

	if (leg < 0)
		return false;
	snprintf(msg, sizeof(msg), "%s", ivg_errmsg(x->ctx));
	snprintf(bad + used, sizeof(x->rep->bad_legs) - used, "%sleg %d of %s/%s (PV %s, %s)",
		 used ? "; " : "", leg, x->o->ivg->name, lv, pv ? pv->name : "?",
		 pv && pv->dev ? pv->dev->path : "missing");
	next = ivg_lv_avoid_leg(x->ctx, x->o->ivg, lv, leg);
	ivg_err(x->ctx, EBADMSG, "%s", msg);
	if (next >= 0)
		ivg_info(x->ctx, "leg %d of %s/%s does not match its SHA-256: reading it through leg %d",
			 leg, x->o->ivg->name, lv, next);
	return next >= 0;
}

static int restore_once(struct run *x)
{
	struct ivg_vg *vg = bos_target_vg(x->t);
	struct bos_restore_opts ro = {
		.label = "rootfs", .progress = x->o->progress,
		.progress_arg = x->o->progress_arg,
	};
	struct ivg_lvio *io;
	int r = ivg_lvio_open(x->ctx, vg, BOS_ROOTLV, -1, &io);

	ivg_info(x->ctx, "%s/%s: restoring BOS %s (%s, %llu bytes)", vg->name,
		 BOS_ROOTLV, x->bos.name, bos_format_name(x->bos.format),
		 (unsigned long long)x->bos.size);
	if (!r)
		r = bos_restore_from(x->ctx, x->store, x->o->bos, io, &ro,
				     &x->rep->restore);
	if (!r)
		r = ivg_lvio_sync(x->ctx, io);
	ivg_lvio_close(io);
	return r;
}

/* The restore again (rootlv made anew) as long as a leg with the image's
 * bytes is left. */
static int restore(struct run *x)
{
	const char *lv = x->bos.format == BOS_FMT_RAW ? x->bos.data : IVG_BOSFS;
	int leg, r;

	do {
		leg = ivg_lv_reading_leg(x->ctx, x->o->ivg, lv);
		r = restore_once(x);
	} while (r == -EBADMSG && other_leg(x, lv, leg));
	return r;
}

static int prepare_boot(struct run *x)
{
	const struct ivg_rootboot_kernel *k;
	int r;

	ivg_info(x->ctx, "%s: building the boot image from the kernel in %s",
		 bos_target_vg(x->t)->name, BOS_ROOTLV);
	snprintf(x->append, sizeof(x->append), "%s%s%s", x->o->append ? x->o->append : "",
		 x->o->append && x->san.kernel_args[0] ? " " : "", x->san.kernel_args);
	x->rbo.append = x->append[0] ? x->append : NULL;
	if (x->san.iscsi)
		ivg_info(x->ctx, "the installed system logs in to its iSCSI root from the iBFT (%s)",
			 x->san.kernel_args);
	r = ivg_rootboot_prepare(x->ctx, bos_target_vg(x->t), &x->rbo, &x->rb);
	if (r)
		return r;
	k = ivg_rootboot_source(x->rb);
	snprintf(x->rep->kernel, sizeof(x->rep->kernel), "%s",
		 k && k->version[0] ? k->version : x->rep->restore.kernel);
	return 0;
}

/* Files into rootlv through libext2fs (rootadd.h), in one pass. */
static int apply(struct run *x, struct bos_rootadd *add, const char *what)
{
	struct ivg_vg *vg = bos_target_vg(x->t);
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	int r = ivg_lvio_open(x->ctx, vg, BOS_ROOTLV, -1, &io);

	if (!r)
		r = ivg_e2fs_open(x->ctx, io, EXT2_FLAG_RW, &fs);
	if (!r)
		r = bos_rootadd_apply(x->ctx, add, fs, what);
	if (fs) {
		int c = ivg_e2fs_close(x->ctx, fs, what);

		r = r ? r : c;
	}
	if (!r)
		r = ivg_lvio_sync(x->ctx, io);
	ivg_lvio_close(io);
	return r;
}

/*
 * The targets are held exclusively (O_EXCL) since the plan; the kernel
 * claims them to show rootlv (device-mapper), so they are let go for
 * that step and taken back after it.
 */
static int targets_excl(struct ivg_ctx *ctx, struct ivg_vg *vg, bool excl)
{
	int r = 0;

	for (size_t i = 0; !r && i < vg->pv_count; i++)
		if (vg->pvs[i]->dev)
			r = ivg_dev_set_excl(ctx, vg->pvs[i]->dev, excl);
	return r;
}

/* The first error is kept; what follows is only undone. */
static int keep_first(int r, int next)
{
	return r ? r : next;
}

/*
 * rootlv mounted, the BOS's own package manager run in it (chroot.h,
 * oppinst.h) with the IVG's oppfs mounted read-only at /run/ivg/opp;
 * then everything unmounted and taken down again, also after a failure.
 */
static int install_in_root(struct run *x, const char *tmpdir)
{
	struct ivg_ctx *ctx = x->ctx, scratch;
	struct ivg_lvmount *root = NULL, *opp = NULL;
	struct bos_chroot *c = NULL;
	char dir[PATH_MAX], repo[PATH_MAX], inside[PATH_MAX], system[128];
	int r = ivg_pathf(ctx, dir, sizeof(dir), "%s/ivg-root.XXXXXX",
			  tmpdir ? tmpdir : "/tmp");

	if (!r && !mkdtemp(dir))
		return ivg_err(ctx, errno, "%s: %s", dir, strerror(errno));
	snprintf(system, sizeof(system), "BOS %s", x->bos.name);
	ivg_info(ctx, "%s/%s: mounted at %s for the BOS's own package manager",
		 bos_target_vg(x->t)->name, BOS_ROOTLV, dir);
	if (!r)
		r = targets_excl(ctx, bos_target_vg(x->t), false);
	if (!r)
		r = ivg_lvmount_open(ctx, bos_target_vg(x->t), BOS_ROOTLV, false,
				     dir, &root);
	if (!r)
		r = bos_chroot_open(ctx, dir, tmpdir, &c);
	if (!r)
		r = bos_oppinst_check(ctx, c, &x->opps, system);
	if (!r && need_repo(&x->opps)) {
		snprintf(inside, sizeof(inside), "%s/opp", bos_chroot_work(c));
		r = ivg_pathf(ctx, repo, sizeof(repo), "%s/opp", bos_chroot_work_host(c));
		if (!r)
			r = ivg_lvmount_open(ctx, x->o->ivg, IVG_OPPFS, true, repo, &opp);
	}
	if (!r)
		r = bos_oppinst_run(ctx, c, inside, &x->opps, ctx->verbose ? 2 : -1);
	/* Undone whatever happened; the first error is the one said. */
	ivg_ctx_init(&scratch);
	r = keep_first(r, ivg_lvmount_close(r ? &scratch : ctx, opp));
	r = keep_first(r, bos_chroot_close(r ? &scratch : ctx, c));
	r = keep_first(r, ivg_lvmount_close(r ? &scratch : ctx, root));
	r = keep_first(r, targets_excl(r ? &scratch : ctx, bos_target_vg(x->t), true));
	rmdir(dir);
	return r;
}

/* The OPPs, then installed.json. */
static int add_files(struct run *x)
{
	const struct bos_target_opts *to = &x->o->target;
	struct ivg_vg *vg = bos_target_vg(x->t);
	struct bos_record rec = {
		.bos = &x->bos, .kernel = x->rep->kernel, .ivg = x->o->ivg,
		.opps = &x->opps, .rootvg = vg->name, .disks = to->disks,
		.n_disks = to->n_disks, .date = time(NULL),
		.machine = x->o->machine,
	};
	struct bos_rootadd *add = NULL;
	char what[300];
	int r = bos_rootadd_new(x->ctx, &add);

	snprintf(what, sizeof(what), "%s/%s", vg->name, BOS_ROOTLV);
	ivg_info(x->ctx, "%s: adding %zu OPPs", what, x->opps.n);
	while (!r && (r = bos_opps_add(x->ctx, &x->opps, add)) == -EBADMSG &&
	       other_leg(x, IVG_OPPFS, ivg_lv_reading_leg(x->ctx, x->o->ivg, IVG_OPPFS))) {
		/* What was read of the OPPs so far goes: all again. */
		bos_rootadd_free(add);
		add = NULL;
		r = bos_rootadd_new(x->ctx, &add);
	}
	if (!r && has_plain(&x->opps))
		r = apply(x, add, what);
	bos_rootadd_free(add);
	add = NULL;
	if (!r && need_root_tools(&x->opps))
		r = install_in_root(x, getenv("TMPDIR"));
	if (!r) {
		ivg_info(x->ctx, "%s: writing /%s", what, BOS_RECORD_PATH);
		r = bos_rootadd_new(x->ctx, &add);
	}
	if (!r)
		r = bos_record_add(x->ctx, &rec, add);
	if (!r)
		r = bos_san_files(x->ctx, &x->san, add);
	if (!r)
		r = apply(x, add, what);
	bos_rootadd_free(add);
	return r;
}

static int write_all(struct run *x)
{
	int r = bos_target_prepare(x->ctx, x->t);

	if (!r)
		r = restore(x);
	if (!r)
		r = prepare_boot(x);
	if (!r)
		r = add_files(x);
	if (!r)
		r = bos_target_commit(x->ctx, x->t);
	if (!r)
		ivg_info(x->ctx, "%s: writing bootlv and the boot records",
			 bos_target_vg(x->t)->name);
	if (!r)
		r = ivg_rootboot_write(x->ctx, x->rb, bos_target_vg(x->t));
	return r;
}

int bos_install(struct ivg_ctx *ctx, struct bos_install_opts *o,
		struct bos_install_report *rep)
{
	struct run x = { .ctx = ctx, .o = o, .rep = rep };
	int r;

	*rep = (struct bos_install_report){ 0 };
	r = check_all(&x);
	if (!r)
		r = write_all(&x);
	ivg_rootboot_free(x.rb);
	bos_target_free(x.t);
	bos_opps_free(ctx, &x.opps);
	if (x.store) {
		int c = bos_store_close(ctx, x.store);

		r = r ? r : c;
	}
	return r;
}
