/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkboot.c - build the maintenance boot image and install it (mkboot.h). */
#define _GNU_SOURCE
#include "mkboot.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootimg.h"
#include "bootlist.h"
#include "bootrec.h"
#include "dev.h"
#include "gpt.h"
#include "pathf.h"
#include "grubimg.h"
#include "ivgvg.h"
#include "rmeta.h"
#include "toolrun.h"

struct ivg_mkboot {
	struct ivg_ctx *ctx;
	const struct ivg_mkboot_opts *o;
	char dir[PATH_MAX];
	char kernel[PATH_MAX], modules[PATH_MAX], initrd[PATH_MAX];
	char iscsi[PATH_MAX];      /* the iSCSI section for the builder */
	uint64_t file_bytes;       /* kernel + initramfs */
	char *grubcfg;             /* for the VG being written */
};

static int newest_kernel(struct ivg_ctx *ctx, char *out, size_t outsz)
{
	DIR *d = opendir("/boot");
	struct dirent *e;
	char best[NAME_MAX + 1] = "";

	if (!d)
		return ivg_err(ctx, errno, "/boot: %s", strerror(errno));
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vmlinuz-", 8) &&
		    (!best[0] || strverscmp(e->d_name, best) > 0))
			snprintf(best, sizeof(best), "%s", e->d_name);
	closedir(d);
	if (!best[0])
		return ivg_err(ctx, ENOENT, "/boot has no vmlinuz-*: give --kernel FILE");
	snprintf(out, outsz, "/boot/%s", best);
	return 0;
}

int ivg_mkboot_kernel(struct ivg_ctx *ctx, const struct ivg_mkboot_opts *o,
		      char *kernel, size_t ksz, char *modules, size_t msz)
{
	const char *base;
	struct stat st;
	int r = 0;

	if (o->kernel)
		snprintf(kernel, ksz, "%s", o->kernel);
	else if ((r = newest_kernel(ctx, kernel, ksz)))
		return r;
	if (stat(kernel, &st))
		return ivg_err(ctx, errno, "%s: not a kernel file: %s", kernel,
			       strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ivg_err(ctx, EINVAL, "%s: not a kernel file: not a regular file",
			       kernel);
	/* A given initramfs is not built here: no modules to find. */
	if (o->initrd && !o->modules) {
		snprintf(modules, msz, "%s", "");
		return 0;
	}
	if (o->modules) {
		snprintf(modules, msz, "%s", o->modules);
	} else {
		base = strrchr(kernel, '/');
		base = base ? base + 1 : kernel;
		if (strncmp(base, "vmlinuz-", 8))
			return ivg_err(ctx, EINVAL, "%s: cannot tell its version from the name: give --modules",
				       kernel);
		snprintf(modules, msz, "/lib/modules/%s", base + 8);
	}
	if (stat(modules, &st) || !S_ISDIR(st.st_mode))
		return ivg_err(ctx, ENOENT, "%s: no kernel modules directory", modules);
	return 0;
}

static int make_workdir(struct ivg_mkboot *w)
{
	snprintf(w->dir, sizeof(w->dir), "%s/ivgmkboot.XXXXXX",
		 w->o->tmpdir ? w->o->tmpdir : "/tmp");
	if (!mkdtemp(w->dir))
		return ivg_err(w->ctx, errno, "%s: cannot make a work directory: %s",
			       w->dir, strerror(errno));
	return 0;
}

static void remove_workdir(struct ivg_mkboot *w)
{
	DIR *d;
	struct dirent *e;
	char p[PATH_MAX + NAME_MAX + 2];

	if (!w->dir[0] || !(d = opendir(w->dir)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", w->dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(w->dir);
	free(w->grubcfg);
}

/* The IVG's iSCSI section: one ivg.iscsi= line per target (boot/san.sh). */
static int write_iscsi_conf(struct ivg_mkboot *w)
{
	FILE *f;
	int bad;

	if (ivg_pathf(w->ctx, w->iscsi, sizeof(w->iscsi), "%s/iscsi.conf", w->dir))
		return -ENAMETOOLONG;
	f = fopen(w->iscsi, "we");
	if (!f)
		return ivg_err(w->ctx, errno, "%s: %s", w->iscsi, strerror(errno));
	fprintf(f, "# The install VG's iSCSI targets (ivgmkboot --iscsi).\n");
	for (size_t i = 0; i < w->o->n_iscsi; i++)
		fprintf(f, "ivg.iscsi=%s\n", w->o->iscsi[i]);
	bad = ferror(f);
	if (fclose(f) || bad)
		return ivg_err(w->ctx, EIO, "%s: cannot write it", w->iscsi);
	return 0;
}

/* Kernel, modules and initramfs: found, or built. */
static int gather(struct ivg_mkboot *w)
{
	const struct ivg_mkboot_opts *o = w->o;
	struct stat st;
	int r = ivg_mkboot_kernel(w->ctx, o, w->kernel, sizeof(w->kernel),
				  w->modules, sizeof(w->modules));

	if (r)
		return r;
	if (o->initrd) {
		snprintf(w->initrd, sizeof(w->initrd), "%s", o->initrd);
		if (stat(w->initrd, &st) || !S_ISREG(st.st_mode))
			return ivg_err(w->ctx, EINVAL, "%s: not an initramfs file",
				       w->initrd);
		return 0;
	}
	if (!o->mkinitramfs || access(o->mkinitramfs, X_OK))
		return ivg_err(w->ctx, ENOENT, "%s: cannot run the initramfs builder (give --initrd)",
			       o->mkinitramfs ? o->mkinitramfs : "mkinitramfs.sh");
	if (ivg_pathf(w->ctx, w->initrd, sizeof(w->initrd), "%s/initrd.img", w->dir))
		return -ENAMETOOLONG;
	char *argv[12] = { (char *)o->mkinitramfs, "--modules-dir", w->modules,
			   "--kernel", strrchr(w->modules, '/') + 1 };
	size_t n = 5;

	if (o->ivg_binary) {
		argv[n++] = "--ivg";
		argv[n++] = (char *)o->ivg_binary;
	}
	if (o->n_iscsi) {
		argv[n++] = "--iscsi-conf";
		argv[n++] = w->iscsi;
		if ((r = write_iscsi_conf(w)))
			return r;
	}
	argv[n++] = w->initrd;
	argv[n] = NULL;
	ivg_info(w->ctx, "building the maintenance initramfs with %s", o->mkinitramfs);
	return ivg_spawn(w->ctx, "building the maintenance initramfs", argv, NULL,
			 o->tool_output_fd);
}

static int grub_present(struct ivg_ctx *ctx)
{
	static const char *const need[] = {
		IVG_GRUB_BIOS_DIR "/boot.img", IVG_GRUB_BIOS_DIR "/lvm.mod",
		IVG_GRUB_EFI_DIR "/lvm.mod",
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (access(need[i], R_OK))
			return ivg_err(ctx, ENOENT, "%s: %s (install grub-pc-bin and grub-efi-amd64-bin)",
				       need[i], strerror(errno));
	return 0;
}

int ivg_mkboot_prepare(struct ivg_ctx *ctx, const struct ivg_mkboot_opts *o,
		       struct ivg_mkboot **out)
{
	struct ivg_mkboot *w = calloc(1, sizeof(*w));
	struct stat a, b;
	int r;

	*out = NULL;
	if (!w)
		return ivg_err(ctx, ENOMEM, "out of memory");
	w->ctx = ctx;
	w->o = o;
	r = make_workdir(w);
	/* Bad kernel arguments fail here, before anything is built. */
	if (!r && !(r = ivg_grub_cfg(ctx, "vg", NULL, o->append, &w->grubcfg))) {
		free(w->grubcfg);
		w->grubcfg = NULL;
	}
	if (!r && !o->no_records)
		r = grub_present(ctx);
	if (!r)
		r = gather(w);
	if (!r && (stat(w->kernel, &a) || stat(w->initrd, &b)))
		r = ivg_err(ctx, errno, "%s: %s", w->initrd, strerror(errno));
	if (r) {
		ivg_mkboot_free(w);
		return r;
	}
	w->file_bytes = (uint64_t)a.st_size + (uint64_t)b.st_size;
	*out = w;
	return 0;
}

uint64_t ivg_mkboot_min_size(const struct ivg_mkboot *m)
{
	/* The files, grub.cfg and the manifest (a few KiB), ext2's share. */
	return ivg_bootimg_min_size(m->file_bytes + 16384, 4);
}

void ivg_mkboot_free(struct ivg_mkboot *m)
{
	if (!m)
		return;
	remove_workdir(m);
	free(m);
}

static int build_image(struct ivg_mkboot *w, const char *vg,
		       const char *uuid, const char *path, uint64_t size)
{
	int r;

	free(w->grubcfg);
	w->grubcfg = NULL;
	if ((r = ivg_grub_cfg(w->ctx, vg, uuid, w->o->append, &w->grubcfg)))
		return r;
	const struct ivg_bootimg_file files[] = {
		{ .name = "vmlinuz", .src = w->kernel },
		{ .name = "initrd.img", .src = w->initrd },
		{ .name = "grub/grub.cfg", .data = w->grubcfg,
		  .len = strlen(w->grubcfg) },
	};

	ivg_info(w->ctx, "building the boot image (%s, %s)", w->kernel, w->initrd);
	return ivg_bootimg_build(w->ctx, path, size, files,
				 sizeof(files) / sizeof(files[0]), NULL);
}

int ivg_mkboot_file(struct ivg_ctx *ctx, struct ivg_mkboot *m,
		    const char *vgname, const char *vguuid,
		    const char *output, uint64_t size)
{
	m->ctx = ctx;
	return build_image(m, vgname, vguuid, output, size);
}

/* ---- onto a VG ------------------------------------------------------- */

struct disk {
	char path[PATH_MAX];
	bool bootable;             /* has the IVG layout */
	char core[PATH_MAX + 16], efi[PATH_MAX + 16];
};

/* Build both GRUB images of leg k's disk: own leg first, then the
 * others in the VG's boot list order (bootlist.h). */
static int grub_images(struct ivg_mkboot *w, struct ivg_vg *vg, size_t k,
		       struct disk *d)
{
	if (ivg_pathf(w->ctx, d->core, sizeof(d->core), "%s/core-%zu.img", w->dir, k) ||
	    ivg_pathf(w->ctx, d->efi, sizeof(d->efi), "%s/bootx64-%zu.efi", w->dir, k))
		return -ENAMETOOLONG;
	return ivg_bootlist_images(w->ctx, vg, (int)k, w->dir, d->core, d->efi);
}

static int check_disks(struct ivg_mkboot *w, struct ivg_vg *vg,
		       const struct ivg_boot_leg *legs, size_t n,
		       struct disk *disks)
{
	for (size_t k = 0; k < n; k++) {
		struct ivg_dev *dev;
		struct ivg_layout l;
		int r = ivg_bootrec_whole_disk(w->ctx, legs[k].pv->dev->path,
					       disks[k].path, sizeof(disks[k].path));

		if (r)
			return r;
		if ((r = ivg_dev_open(w->ctx, disks[k].path, IVG_DEV_RDONLY, &dev)))
			return r;
		disks[k].bootable = !ivg_gpt_check_layout(w->ctx, dev, &l);
		ivg_dev_close(dev);
		if (!disks[k].bootable)
			ivg_info(w->ctx, "%s: not bootable (%s): bootlv leg %zu is written, no boot records",
				 disks[k].path, ivg_errmsg(w->ctx), k);
		else if (!w->o->no_records &&
			 (r = grub_images(w, vg, k, &disks[k])))
			return r;
	}
	return 0;
}

int ivg_mkboot_vg(struct ivg_ctx *ctx, struct ivg_mkboot *w,
		  struct ivg_vg *vg)
{
	const struct ivg_mkboot_opts *o = w->o;
	struct ivg_boot_leg *legs = NULL;
	struct disk *disks = NULL;
	char uuid[IVG_UUID_LEN + 7], image[PATH_MAX + 16];
	size_t n = 0;
	int r;

	w->ctx = ctx;
	r = ivg_boot_legs_list(ctx, vg, &legs, &n);
	for (size_t k = 0; !r && k < n; k++)
		if (!legs[k].pv || !legs[k].pv->dev)
			r = ivg_err(ctx, ENODEV, "VG %s: the PV of bootlv leg %zu (%s) is missing; nothing written",
				    vg->name, k, legs[k].pv ? legs[k].pv->name : "?");
	if (!r && !(disks = calloc(n, sizeof(*disks))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	ivg_uuid_format(vg->id, uuid);
	if (!r)
		r = check_disks(w, vg, legs, n, disks);
	snprintf(image, sizeof(image), "%s/boot.img", w->dir);
	if (!r)
		r = build_image(w, vg->name, uuid, image, legs[0].size);
	if (!r) {
		const struct ivg_lv *boot = ivg_vg_lv(vg, IVG_BOOTLV);
		uint64_t marked = 0;

		ivg_info(ctx, "writing the boot image onto %zu legs of %s/bootlv", n, vg->name);
		/* Every leg but the first in sync marked while they are
		 * written (rmeta.h), as lvio marks its writes. */
		r = ivg_rmeta_begin_write(ctx, vg, boot, ~0ULL, &marked);
		if (!r)
			r = ivg_boot_legs_write(ctx, legs, n, image, o->progress,
						o->progress_arg);
		if (!r)
			r = ivg_rmeta_end_write(ctx, vg, boot, marked);
	}
	unlink(image);
	for (size_t k = 0; !r && !o->no_records && k < n; k++) {
		if (!disks[k].bootable)
			continue;
		ivg_info(ctx, "%s: writing the BIOS and UEFI boot records (leg %zu first)",
			 disks[k].path, k);
		r = ivg_bootrec_write_bios(ctx, disks[k].path, disks[k].core,
					   IVG_GRUB_BIOS_DIR "/boot.img");
		if (!r)
			r = ivg_bootrec_write_efi(ctx, disks[k].path, disks[k].efi, true);
	}
	for (size_t k = 0; disks && k < n; k++) {
		unlink(disks[k].core);
		unlink(disks[k].efi);
	}
	free(disks);
	free(legs);
	return r;
}
