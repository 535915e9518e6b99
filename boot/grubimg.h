/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grubimg.h - the GRUB side of the boot image: grub.cfg, and the GRUB
 * images that firmware loads from each boot disk.
 *
 * grub.cfg (in the boot image, the same on every leg) boots the kernel
 * and initramfs from $root, which the disk's GRUB image sets to the leg
 * it checked. Each disk K gets its own GRUB images (i386-pc core.img and
 * x86_64-efi BOOTX64.EFI, built with grub-mkimage from the installed
 * grub-pc-bin and grub-efi-amd64-bin) whose embedded config runs a script
 * from the image's memdisk: for each leg in turn, its own leg K first and
 * then the others in the order given, check the leg's files against the
 * manifest (hashsum --check) and, if they match, set root to that leg and
 * run its grub.cfg; a leg that is missing, damaged or fails to boot is
 * reported on the console and the next one is tried.
 */
#ifndef IVG_GRUBIMG_H
#define IVG_GRUBIMG_H

#include <stddef.h>

#include "ctx.h"

enum ivg_grub_target { IVG_GRUB_BIOS, IVG_GRUB_EFI };

#define IVG_GRUB_BIOS_DIR "/usr/lib/grub/i386-pc"
#define IVG_GRUB_EFI_DIR "/usr/lib/grub/x86_64-efi"

/* GRUB's name of LV 'lv' of VG 'vg' ("-" doubled): "lvm/my--vg-bootlv". */
int ivg_grub_lvname(struct ivg_ctx *ctx, const char *vg, const char *lv,
		    char *out, size_t outsz);

/* grub.cfg of the boot image; append (may be NULL) ends the kernel's
 * command line. vguuid may be NULL. *text is malloc'ed. */
int ivg_grub_cfg(struct ivg_ctx *ctx, const char *vg, const char *vguuid,
		 const char *append, char **text);

/* The failover script of a disk: legs[0] is the disk's own leg. */
int ivg_grub_early_script(struct ivg_ctx *ctx, const char *vg,
			  const int *legs, size_t n, char **text);

/*
 * Build the GRUB image for 'target' into out_path, embedding 'script'
 * (ivg_grub_early_script) in a memdisk; work files go to tmpdir.
 * moddir NULL: the target's default directory above.
 */
int ivg_grub_mkimage(struct ivg_ctx *ctx, enum ivg_grub_target target,
		     const char *moddir, const char *script,
		     const char *tmpdir, const char *out_path);
/* The same with more GRUB modules ('extra': NULL-terminated, at most
 * IVG_GRUB_EXTRA_MAX, or NULL), such as a root VG's (rootboot.c). */
#define IVG_GRUB_EXTRA_MAX 8
int ivg_grub_mkimage_with(struct ivg_ctx *ctx, enum ivg_grub_target target,
			  const char *moddir, const char *script,
			  const char *const *extra, const char *tmpdir,
			  const char *out_path);

#endif
