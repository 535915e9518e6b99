/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootboot.h - the boot LV of a root VG (an installed system), and the
 * boot records of its disks: what bosinstall writes last and what
 * ivgrecover rebuilds, as AIX's bosboot does.
 *
 * A root VG is a plain LVM2 VG tagged "ivg_rootvg" (not "ivg") on disks
 * with the IVG layout (gpt.h), with the linear LVs bootlv (ext2), swaplv
 * and rootlv (ext4). bootlv's image (bootimg.h) holds vmlinuz,
 * initrd.img, grub/grub.cfg booting them with root=/dev/mapper/VG-rootlv
 * and the manifest (manifest.h). The kernel and initramfs are read from
 * rootlv through libext2fs, read-only (the newest /boot/vmlinuz-VER with
 * its /boot/initrd.img-VER, else the /vmlinuz and /initrd.img links at
 * its root), or taken from given files. Every disk of the VG that has the
 * IVG layout gets GRUB's BIOS and UEFI records (bootrec.h), whose early
 * script checks bootlv's files against the manifest (hashsum) and then
 * runs bootlv's grub.cfg.
 *
 * prepare reads and builds everything (the image and the GRUB images, in
 * a work directory) and checks what can be checked (bootlv linear on one
 * PV and large enough, every PV present, a disk with the layout, GRUB
 * installed) without writing anything to the VG's disks; write then puts
 * the image into bootlv and the records onto every disk. rootlv is never
 * written.
 */
#ifndef IVG_ROOTBOOT_H
#define IVG_ROOTBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "legs.h"
#include "vg.h"

#define IVG_ROOTVG_TAG "ivg_rootvg"
#define IVG_ROOTVG_DEFAULT "rootvg"
#define IVG_ROOT_BOOTLV "bootlv"
#define IVG_ROOT_SWAPLV "swaplv"
#define IVG_ROOT_ROOTLV "rootlv"

struct ivg_rootboot_opts {
	/* Given files (both, or neither: then found in rootlv). */
	const char *kernel;
	const char *initrd;
	const char *append;        /* more kernel arguments, or NULL */
	const char *tmpdir;        /* NULL: $TMPDIR, else /tmp */
	bool no_records;           /* only bootlv, no boot records */
	ivg_progress_fn progress;  /* bootlv written so far, or NULL */
	void *progress_arg;
};

/* The kernel found in rootlv. */
struct ivg_rootboot_kernel {
	char version[128];         /* "6.1.0-18-amd64"; "" if unknown */
	char kernel[256];          /* path in rootlv: "/boot/vmlinuz-VER" */
	char initrd[256];          /* "/boot/initrd.img-VER" */
};

/*
 * Find the kernel and initramfs in the VG's rootlv (read-only), without
 * reading them. -ENOENT with a plain message ("rootlv of VG X holds no
 * kernel: no /boot/vmlinuz-* and no /vmlinuz", "... /boot/initrd.img-VER
 * is missing") when there is none; -EIO when rootlv cannot be read.
 */
int ivg_rootboot_find_kernel(struct ivg_ctx *ctx, struct ivg_vg *vg,
			     struct ivg_rootboot_kernel *out);
/* The same in another LV holding a root filesystem (a raw BOS image),
 * so that an install can refuse before it writes. */
int ivg_rootboot_find_kernel_in(struct ivg_ctx *ctx, struct ivg_vg *vg,
				const char *lv, struct ivg_rootboot_kernel *out);

struct ivg_rootboot;

/*
 * Gather the kernel and initramfs (given or from rootlv), build bootlv's
 * image and GRUB's images in a work directory, and check everything;
 * writes nothing to the VG's disks. The VG's PVs may be open read-only.
 * 'o' must outlive the prepared state.
 */
int ivg_rootboot_prepare(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_rootboot_opts *o,
			 struct ivg_rootboot **out);
/* What prepare took (rootlv paths, or the given files, and the version). */
const struct ivg_rootboot_kernel *ivg_rootboot_source(const struct ivg_rootboot *rb);

/* Write the prepared image into bootlv and the boot records onto every
 * disk of the VG with the IVG layout. The PVs must be open read-write. */
int ivg_rootboot_write(struct ivg_ctx *ctx, struct ivg_rootboot *rb,
		       struct ivg_vg *vg);

/* Remove the work directory. NULL is fine. */
void ivg_rootboot_free(struct ivg_rootboot *rb);

/* prepare, write and free in one call (bosinstall's last step). */
int ivg_rootboot_install(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_rootboot_opts *o);

#endif
