/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootrec.c - GRUB's boot records on an IVG disk (bootrec.h). */
#define _GNU_SOURCE
#include "bootrec.h"
#include "shadow.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "toolrun.h"

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int ivg_bootrec_whole_disk(struct ivg_ctx *ctx, const char *path,
			   char *out, size_t outsz)
{
	char sys[PATH_MAX], link[PATH_MAX], *slash, *parent;
	struct stat st;
	ssize_t n;

	if (stat(path, &st))
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	snprintf(out, outsz, "%s", path);
	if (!S_ISBLK(st.st_mode))
		return 0;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition",
		 major(st.st_rdev), minor(st.st_rdev));
	if (access(sys, F_OK))
		return 0;
	*strrchr(sys, '/') = '\0';
	n = readlink(sys, link, sizeof(link) - 1);
	if (n <= 0)
		return ivg_err(ctx, errno, "%s: cannot find its disk in %s", path, sys);
	link[n] = '\0';
	/* ".../block/sdb/sdb3": the disk is the parent directory. */
	if (!(slash = strrchr(link, '/')))
		return ivg_err(ctx, EINVAL, "%s: odd sysfs link %s", path, link);
	*slash = '\0';
	parent = strrchr(link, '/');
	snprintf(out, outsz, "/dev/%s", parent ? parent + 1 : link);
	return 0;
}

int ivg_bootrec_patch_bios(struct ivg_ctx *ctx, const char *what,
			   uint8_t mbr[512], const uint8_t bootimg[512],
			   uint8_t *core, size_t len, uint64_t core_lba,
			   uint64_t part_size)
{
	size_t sectors = (len + 511) / 512;

	if (bootimg[510] != 0x55 || bootimg[511] != 0xAA)
		return ivg_err(ctx, EINVAL, "%s: boot.img has no boot signature", what);
	if (len < 1024 || len > part_size)
		return ivg_err(ctx, EINVAL, "%s: core.img of %zu bytes does not fit the BIOS boot partition (%llu bytes)",
			       what, len, (unsigned long long)part_size);
	/* diskboot's blocklist: load segment 0x820, as grub-mkimage leaves it. */
	if ((core[IVG_CORE_OFF_BLOCKLIST + 10] | core[IVG_CORE_OFF_BLOCKLIST + 11] << 8) != 0x820)
		return ivg_err(ctx, EINVAL, "%s: core.img has no diskboot blocklist at 0x1f4 (not an i386-pc core.img?)",
			       what);
	memcpy(mbr, bootimg, IVG_MBR_KEEP_FROM);
	put_le(mbr + IVG_BOOTIMG_OFF_KERNEL_SECTOR, core_lba, 8);
	put_le(core + IVG_CORE_OFF_BLOCKLIST, core_lba + 1, 8);
	put_le(core + IVG_CORE_OFF_BLOCKLIST + 8, sectors - 1, 2);
	return 0;
}

static int slurp(struct ivg_ctx *ctx, const char *path, size_t max,
		 uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;
	ssize_t n;

	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return ivg_err(ctx, EINVAL, "%s: not a regular file of at most %zu bytes",
			       path, max);
	}
	/* Rounded up to whole sectors, zero-padded. */
	*len = (size_t)st.st_size;
	*buf = calloc(1, (*len + 511) / 512 * 512 + 512);
	if (!*buf)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	else if ((n = pread(fd, *buf, *len, 0)) != (ssize_t)*len)
		r = ivg_err(ctx, n < 0 ? errno : EIO, "%s: short read", path);
	close(fd);
	if (r) {
		free(*buf);
		*buf = NULL;
	}
	return r;
}

int ivg_bootrec_write_bios(struct ivg_ctx *ctx, const char *disk,
			   const char *core_img, const char *boot_img)
{
	uint8_t mbr[512], *core = NULL, *boot = NULL;
	struct ivg_layout l;
	struct ivg_dev *dev = NULL;
	size_t clen, blen;
	int r = slurp(ctx, core_img, 1 << 20, &core, &clen);

	if (!r)
		r = slurp(ctx, boot_img, 512, &boot, &blen);
	if (!r && blen != 512)
		r = ivg_err(ctx, EINVAL, "%s: %zu bytes, not 512", boot_img, blen);
	if (!r)
		r = ivg_dev_open(ctx, disk, IVG_DEV_RDWR, &dev);
	if (!r)
		r = ivg_gpt_check_layout(ctx, dev, &l);
	if (!r)
		r = ivg_dev_pread_abs(ctx, dev, mbr, sizeof(mbr), 0);
	if (!r && (mbr[510] != 0x55 || mbr[511] != 0xAA || mbr[0x1C2] != 0xEE))
		r = ivg_err(ctx, EINVAL, "%s: sector 0 is not a protective MBR", disk);
	if (!r)
		r = ivg_bootrec_patch_bios(ctx, disk, mbr, boot, core, clen,
					   l.bios_start / 512, l.bios_size);
	/* core.img first: sector 0 points at it only once it is there. */
	if (!r)
		r = ivg_dev_pwrite_abs(ctx, dev, core, (clen + 511) / 512 * 512,
				       l.bios_start);
	if (!r)
		r = ivg_dev_sync(ctx, dev);
	if (!r)
		r = ivg_dev_pwrite_abs(ctx, dev, mbr, sizeof(mbr), 0);
	if (!r)
		r = ivg_dev_sync(ctx, dev);
	ivg_dev_close(dev);
	free(core);
	free(boot);
	return r;
}

/* mmd and mcopy on the shadow's ESP; only mcopy's result counts. */
static int copy_efi(struct ivg_ctx *ctx, const char *disk, const char *img,
		    const char *efi_img, bool tag)
{
	char *env[] = { "MTOOLS_SKIP_CHECK=1", NULL };
	char *mmd[] = { "mmd", "-D", "s", "-i", (char *)img, "::/EFI",
			"::/EFI/BOOT", NULL };
	char *mcopy[] = { "mcopy", "-o", "-i", (char *)img, (char *)efi_img,
			  "::/EFI/BOOT/BOOTX64.EFI", NULL };
	char *mtag[] = { "mcopy", "-o", "-i", (char *)img, "/dev/null",
			 "::" IVG_BOOTREC_TAG, NULL };
	struct ivg_ctx quiet;
	int r;

	/* mmd fails on a directory that exists; only a hang counts. A
	 * damaged FAT can make mtools loop: they get a time limit. */
	ivg_ctx_init(&quiet);
	if (ivg_spawn_timed(&quiet, "mmd", mmd, env, -1, IVG_MTOOLS_TIMEOUT) == -ETIMEDOUT)
		return ivg_err(ctx, ETIMEDOUT, "%s: %s", disk, ivg_errmsg(&quiet));
	r = ivg_spawn_timed(ctx, disk, mcopy, env, -1, IVG_MTOOLS_TIMEOUT);
	if (!r && tag)
		r = ivg_spawn_timed(ctx, disk, mtag, env, -1, IVG_MTOOLS_TIMEOUT);
	return r;
}

/*
 * mtools works on a scratch copy of the ESP (shadow.h); the sectors it
 * changed reach the disk through the device layer.
 */
int ivg_bootrec_write_efi(struct ivg_ctx *ctx, const char *disk,
			  const char *efi_img, bool tag)
{
	char img[96];
	struct ivg_layout l;
	struct ivg_dev *dev = NULL;
	struct ivg_shadow *sh = NULL;
	int r;

	if (access(efi_img, R_OK))
		return ivg_err(ctx, errno, "%s: %s", efi_img, strerror(errno));
	r = ivg_dev_open(ctx, disk, IVG_DEV_RDWR, &dev);
	if (!r)
		r = ivg_gpt_check_layout(ctx, dev, &l);
	if (!r)
		r = ivg_shadow_new(ctx, dev, &sh);
	if (!r)
		r = ivg_shadow_take(ctx, sh, l.esp_start, l.esp_size, false);
	if (!r) {
		snprintf(img, sizeof(img), "%s@@%llu", ivg_shadow_path(sh),
			 (unsigned long long)l.esp_start);
		r = copy_efi(ctx, disk, img, efi_img, tag);
	}
	if (!r)
		r = ivg_shadow_commit(ctx, sh);
	ivg_shadow_free(sh);
	ivg_dev_close(dev);
	return r;
}
