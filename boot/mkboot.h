/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkboot.h - making the generic maintenance boot image of an install VG
 * and installing it: what ivgmkboot (and ivgcreate) do.
 *
 * The image (bootimg.h) holds vmlinuz, initrd.img (the maintenance
 * initramfs, built by the mkinitramfs script unless one is given),
 * grub/grub.cfg (grubimg.h) and the manifest. ivg_mkboot_prepare() finds
 * the kernel and builds the initramfs in a work directory (in tmpdir,
 * removed by ivg_mkboot_free); ivg_mkboot_file() then writes the image to
 * a file, or ivg_mkboot_vg() writes it onto every leg of the VG's bootlv
 * (legs.h, all at once) and then the boot records of every boot disk
 * (bootrec.h), whose GRUB images try the disk's own leg first. Everything
 * that can be checked is checked before the first byte goes to a disk:
 * every leg present, the files there, GRUB's images built, the image
 * fitting into bootlv.
 */
#ifndef IVG_MKBOOT_H
#define IVG_MKBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "legs.h"
#include "vg.h"

struct ivg_mkboot_opts {
	const char *kernel;        /* NULL: the newest /boot/vmlinuz-VER */
	const char *modules;       /* NULL: /lib/modules/VER of the kernel
				    * (none needed with initrd) */
	const char *initrd;        /* NULL: build one with 'mkinitramfs' */
	const char *mkinitramfs;   /* the script (boot/mkinitramfs.sh) */
	const char *ivg_binary;    /* the ivg program put into the initramfs */
	char *const *iscsi;        /* the IVG's iSCSI targets (iscsi:// URLs)
				    * for /etc/ivg/iscsi.conf in the initramfs */
	size_t n_iscsi;
	const char *append;        /* more kernel arguments, or NULL */
	const char *tmpdir;        /* NULL: /tmp */
	bool no_records;           /* ivg_mkboot_vg: only the image */
	int tool_output_fd;        /* -1: keep the tools' output quiet */
	ivg_progress_fn progress;  /* legs written so far, or NULL */
	void *progress_arg;
};

/* The kernel and module directory the options name or imply. */
int ivg_mkboot_kernel(struct ivg_ctx *ctx, const struct ivg_mkboot_opts *o,
		      char *kernel, size_t ksz, char *modules, size_t msz);

/*
 * In two steps, so that a command can check everything before it writes
 * (ivgcreate): prepare finds the kernel, builds the initramfs and checks
 * that GRUB's modules are installed, writing nothing outside its work
 * directory; the image then needs at least ivg_mkboot_min_size() bytes.
 * 'o' must outlive the prepared state.
 */
struct ivg_mkboot;
int ivg_mkboot_prepare(struct ivg_ctx *ctx, const struct ivg_mkboot_opts *o,
		       struct ivg_mkboot **out);
uint64_t ivg_mkboot_min_size(const struct ivg_mkboot *m);
/* Remove the work directory. NULL is fine. */
void ivg_mkboot_free(struct ivg_mkboot *m);

/* The image for VG vgname (uuid may be NULL) in 'output', of 'size' bytes. */
int ivg_mkboot_file(struct ivg_ctx *ctx, struct ivg_mkboot *m,
		    const char *vgname, const char *vguuid,
		    const char *output, uint64_t size);

/* The image onto every bootlv leg, and the boot records of every boot
 * disk. The VG's PVs must be open read-write. */
int ivg_mkboot_vg(struct ivg_ctx *ctx, struct ivg_mkboot *m,
		  struct ivg_vg *vg);

#endif
