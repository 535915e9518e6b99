/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ck.c - check and repair bootlv's legs and the boot records (ck.h). */
#define _GNU_SOURCE
#include "ck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootimg.h"
#include "bootrec.h"
#include "dev.h"
#include "e2fs.h"
#include "grubimg.h"
#include "ivgvg.h"
#include "manifest.h"
#include "rmeta.h"
#include "toolrun.h"

#define MAX_BOOT_FILE (1ULL << 30)

const char *ivg_ck_item_name(int item)
{
	static const char *const names[] = {
		"bootlv leg", "sector 0 (boot.img)", "core.img (BIOS boot partition)",
		"BOOTX64.EFI (ESP)",
	};

	return item >= 0 && item < IVG_CK_ITEMS ? names[item] : "?";
}

const char *ivg_ck_state_name(enum ivg_ck_state s)
{
	switch (s) {
	case IVG_CK_OK: return "ok";
	case IVG_CK_DAMAGED: return "damaged";
	case IVG_CK_MISSING: return "missing";
	case IVG_CK_NONE: return "none";
	default: return "not bootable";
	}
}

static void set_item(struct ivg_ck_item *it, enum ivg_ck_state st,
		     const char *msg)
{
	it->state = st;
	snprintf(it->msg, sizeof(it->msg), "%s", msg);
}

/* ---- legs ------------------------------------------------------------- */

/* Every file of the manifest, read from the open leg, hashed. */
static int check_files(struct ivg_ctx *ctx, ext2_filsys fs, const char *what)
{
	struct ivg_manifest m = { 0 };
	char *text = NULL;
	size_t len;
	int r = ivg_bootimg_read(ctx, fs, what, IVG_MANIFEST_NAME, 1 << 20, &text, &len);

	if (!r)
		r = ivg_manifest_parse(ctx, what, text, len, &m);
	if (!r && !m.n)
		r = ivg_err(ctx, EINVAL, "%s: the manifest lists no file", what);
	for (size_t i = 0; !r && i < m.n; i++) {
		uint8_t sha[IVG_SHA256_LEN];
		char *buf = NULL;
		size_t blen;

		r = ivg_bootimg_read(ctx, fs, what, m.v[i].name, MAX_BOOT_FILE, &buf, &blen);
		if (!r) {
			ivg_sha256(buf, blen, sha);
			if (memcmp(sha, m.v[i].sha, IVG_SHA256_LEN))
				r = ivg_err(ctx, EINVAL, "%s: %s does not match the manifest",
					    what, m.v[i].name);
		}
		free(buf);
	}
	free(text);
	ivg_manifest_free(&m);
	return r;
}

int ivg_ck_boot_files(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		      int leg, const char *what)
{
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	int r = ivg_lvio_open(ctx, vg, lv, leg, &io);

	/* A leg's device name does not say which leg: 'what' does. */
	if (!r && (r = ivg_e2fs_open(ctx, io, 0, &fs)) && leg >= 0)
		ivg_err_prefix(ctx, -r, "%s: ", what);
	if (!r)
		r = check_files(ctx, fs, what);
	if (fs)
		ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	return r;
}

static void check_leg(struct ivg_vg *vg, struct ivg_ck_disk *c)
{
	struct ivg_ck_item *it = &c->item[IVG_CK_LEG];
	struct ivg_ctx e;
	char what[64];
	int r;

	if (!c->d->pv || !c->d->pv->dev) {
		set_item(it, IVG_CK_MISSING, "its PV is missing");
		return;
	}
	ivg_ctx_init(&e);
	snprintf(what, sizeof(what), "bootlv leg %d", c->d->leg);
	r = ivg_ck_boot_files(&e, vg, IVG_BOOTLV, c->d->leg, what);
	set_item(it, r ? IVG_CK_DAMAGED : IVG_CK_OK, r ? ivg_errmsg(&e) : "");
}

/* ---- boot records ----------------------------------------------------- */

/* A whole file, zero-padded to whole sectors. */
static int read_file(struct ivg_ctx *ctx, const char *path, uint8_t **buf,
		     size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	*buf = NULL;
	if (fd < 0 || fstat(fd, &st))
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	else if (!(*buf = calloc(1, ((size_t)st.st_size + 511) / 512 * 512 + 512)))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	else if (pread(fd, *buf, (size_t)st.st_size, 0) != st.st_size)
		r = ivg_err(ctx, EIO, "%s: short read", path);
	if (fd >= 0)
		close(fd);
	*len = r ? 0 : (size_t)st.st_size;
	if (r) {
		free(*buf);
		*buf = NULL;
	}
	return r;
}

/* Sector 0 and core.img against what ivg_bootrec_write_bios writes. */
static void check_bios(struct ivg_ck_disk *c, const char *core_img)
{
	const struct ivg_layout *l = &c->d->layout;
	uint8_t mbr[512], want[512], *core = NULL, *boot = NULL, *disk = NULL;
	struct ivg_dev *dev = NULL;
	size_t clen = 0, blen = 0, span;
	struct ivg_ctx e;
	int r;

	ivg_ctx_init(&e);
	r = read_file(&e, core_img, &core, &clen);
	if (!r)
		r = read_file(&e, IVG_GRUB_BIOS_DIR "/boot.img", &boot, &blen);
	if (!r)
		r = ivg_dev_open(&e, c->d->disk, IVG_DEV_RDONLY, &dev);
	if (!r)
		r = ivg_dev_pread_abs(&e, dev, mbr, sizeof(mbr), 0);
	span = (clen + 511) / 512 * 512;
	if (!r && !(disk = malloc(span)))
		r = ivg_err(&e, ENOMEM, "out of memory");
	if (!r)
		r = ivg_dev_pread_abs(&e, dev, disk, span, l->bios_start);
	memcpy(want, mbr, sizeof(want));
	if (!r)
		r = ivg_bootrec_patch_bios(&e, c->d->disk, want, boot, core, clen,
					   l->bios_start / 512, l->bios_size);
	if (r) {
		set_item(&c->item[IVG_CK_MBR], IVG_CK_DAMAGED, ivg_errmsg(&e));
		set_item(&c->item[IVG_CK_CORE], IVG_CK_DAMAGED, ivg_errmsg(&e));
	} else {
		bool mbr_ok = !memcmp(mbr, want, sizeof(mbr)) && mbr[510] == 0x55 &&
			      mbr[511] == 0xAA;

		set_item(&c->item[IVG_CK_MBR], mbr_ok ? IVG_CK_OK : IVG_CK_DAMAGED,
			 mbr_ok ? "" : "differs from GRUB's boot.img pointing at core.img");
		set_item(&c->item[IVG_CK_CORE], memcmp(disk, core, span) ? IVG_CK_DAMAGED : IVG_CK_OK,
			 memcmp(disk, core, span) ? "differs from the core.img ivgmkboot builds for this disk" : "");
	}
	ivg_dev_close(dev);
	free(core);
	free(boot);
	free(disk);
}

static bool same_file(const char *a, const char *b)
{
	uint8_t *x = NULL, *y = NULL;
	size_t lx = 0, ly = 0;
	struct ivg_ctx e;
	bool same;

	ivg_ctx_init(&e);
	same = !read_file(&e, a, &x, &lx) && !read_file(&e, b, &y, &ly) &&
	       lx == ly && !memcmp(x, y, lx);
	free(x);
	free(y);
	return same;
}

/* Does the ESP (an mtools image spec) hold IVG_BOOTREC_TAG? */
static bool has_tag(char *img)
{
	char *env[] = { "MTOOLS_SKIP_CHECK=1", NULL };
	char *argv[] = { "mdir", "-b", "-i", img, "::" IVG_BOOTREC_TAG, NULL };
	struct ivg_ctx e;

	ivg_ctx_init(&e);
	return !ivg_spawn_timed(&e, "looking for " IVG_BOOTREC_TAG, argv, env, -1,
				IVG_MTOOLS_TIMEOUT);
}

/* BOOTX64.EFI, copied out of the ESP with mcopy, against the rebuilt one. */
static void check_efi(struct ivg_ck_disk *c, const char *efi_img,
		      const char *dir)
{
	char img[PATH_MAX + 32], out[PATH_MAX + 32];
	char *env[] = { "MTOOLS_SKIP_CHECK=1", NULL };
	struct ivg_ctx e;

	ivg_ctx_init(&e);
	snprintf(img, sizeof(img), "%s@@%llu", c->d->disk,
		 (unsigned long long)c->d->layout.esp_start);
	snprintf(out, sizeof(out), "%s/ondisk-%d.efi", dir, c->d->leg);
	unlink(out);
	char *argv[] = { "mcopy", "-n", "-i", img, "::/EFI/BOOT/BOOTX64.EFI", out, NULL };

	if (strstr(c->d->disk, "@@"))
		set_item(&c->item[IVG_CK_EFI], IVG_CK_DAMAGED, "mtools cannot address a path with \"@@\"");
	else if (ivg_spawn_timed(&e, "reading \\EFI\\BOOT\\BOOTX64.EFI from the ESP", argv, env, -1,
				 IVG_MTOOLS_TIMEOUT))
		set_item(&c->item[IVG_CK_EFI], IVG_CK_DAMAGED, ivg_errmsg(&e));
	else if (!same_file(out, efi_img))
		set_item(&c->item[IVG_CK_EFI], IVG_CK_DAMAGED,
			 "differs from the BOOTX64.EFI ivgmkboot builds for this disk");
	else if (!has_tag(img))
		set_item(&c->item[IVG_CK_EFI], IVG_CK_DAMAGED,
			 "no " IVG_BOOTREC_TAG ": a root VG's GRUB cannot find this disk to fall back to");
	else
		set_item(&c->item[IVG_CK_EFI], IVG_CK_OK, "");
	unlink(out);
}

static int check_records(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 struct ivg_ck_disk *c, const char *dir)
{
	char core[PATH_MAX + 32], efi[PATH_MAX + 32];
	enum ivg_ck_state st = c->d->pv && c->d->pv->dev ? IVG_CK_NA : IVG_CK_MISSING;
	int r;

	if (!c->d->bootable) {
		for (int i = IVG_CK_MBR; i < IVG_CK_ITEMS; i++)
			set_item(&c->item[i], st, c->d->why);
		return 0;
	}
	ivg_bootlist_image_paths(dir, c->d->leg, core, efi, sizeof(core));
	if ((r = ivg_bootlist_images(ctx, vg, c->d->leg, dir, core, efi)))
		return r;
	check_bios(c, core);
	check_efi(c, efi, dir);
	return 0;
}

/*
 * A disk of a VG without a boot image yet: its empty leg and its boot
 * records are "none", nothing to compare them with; a leg that does not
 * even open, or a missing PV, is still what it is.
 */
static int check_none(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      struct ivg_ck_disk *c, const struct ivg_leg_report *legs,
		      const char *dir)
{
	for (size_t i = 0; i < vg->pv_count; i++)
		if (vg->pvs[i] == c->d->pv && legs[i].state == IVG_LEG_NO_IMAGE)
			set_item(&c->item[IVG_CK_LEG], IVG_CK_NONE, legs[i].msg);
	if (!c->d->bootable)
		return check_records(ctx, vg, c, dir);
	for (int i = IVG_CK_MBR; i < IVG_CK_ITEMS; i++)
		set_item(&c->item[i], IVG_CK_NONE, "no boot image yet: ivgmkboot writes it");
	return 0;
}

int ivg_ck_run(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *dir,
	       struct ivg_ck *out)
{
	struct ivg_leg_report *legs = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = ivg_bootdisks(ctx, vg, &out->disks, &out->n)) ||
	    (r = ivg_boot_image_none(ctx, vg, &out->no_image, &legs)))
		goto out;
	if (!(out->v = calloc(out->n, sizeof(*out->v)))) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < out->n; k++) {
		struct ivg_ck_disk *c = &out->v[k];

		c->d = &out->disks[k];
		ivg_info(ctx, "checking bootlv leg %d", c->d->leg);
		check_leg(vg, c);
		r = out->no_image ? check_none(ctx, vg, c, legs, dir) :
				    check_records(ctx, vg, c, dir);
		if (r)
			goto out;
		for (int i = 0; i < IVG_CK_ITEMS; i++)
			out->problems += c->item[i].state == IVG_CK_DAMAGED ||
					 c->item[i].state == IVG_CK_MISSING;
	}
out:
	free(legs);
	return r;
}

void ivg_ck_free(struct ivg_ck *ck)
{
	free(ck->v);
	free(ck->disks);
	memset(ck, 0, sizeof(*ck));
}

/* ---- repair ----------------------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t n)
{
	return !p[0] && !memcmp(p, p + 1, n - 1);
}

/* The healthy leg into a sparse file: zero chunks stay holes. */
static int save_leg(struct ivg_ctx *ctx, struct ivg_vg *vg, int leg,
		    const char *path)
{
	enum { CHUNK = 1 << 20 };
	struct ivg_lvio *io = NULL;
	uint8_t *buf = malloc(CHUNK);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int r = buf && fd >= 0 ? 0 : ivg_err(ctx, errno ? errno : ENOMEM, "%s: %s", path,
						 strerror(errno ? errno : ENOMEM));
	uint64_t size = 0;

	if (!r)
		r = ivg_lvio_open(ctx, vg, IVG_BOOTLV, leg, &io);
	if (!r)
		size = ivg_lvio_size(io);
	for (uint64_t off = 0; !r && off < size; off += CHUNK) {
		size_t n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;

		r = ivg_lvio_pread(ctx, io, buf, n, off);
		if (!r && !all_zero(buf, n) && pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
			r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	}
	if (!r && ftruncate(fd, (off_t)size))
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	ivg_lvio_close(io);
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}

static int repair_legs(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *dir,
		       const struct ivg_ck *ck, ivg_progress_fn progress, void *arg)
{
	struct ivg_boot_leg *legs = NULL, *bad = NULL;
	char image[PATH_MAX + 32];
	uint64_t writing = 0, marked = 0;
	size_t n = 0, nbad = 0;
	int good = -1, r;

	for (size_t k = 0; k < ck->n; k++) {
		enum ivg_ck_state st = ck->v[k].item[IVG_CK_LEG].state;

		if (st == IVG_CK_OK && good < 0)
			good = ck->v[k].d->leg;
		nbad += st == IVG_CK_DAMAGED;
	}
	if (!nbad)
		return 0;
	if (good < 0)
		return ivg_err(ctx, ENOENT, "VG %s: no healthy bootlv leg to repair the others from: run ivgmkboot",
			       vg->name);
	r = ivg_boot_legs_list(ctx, vg, &legs, &n);
	if (!r && !(bad = calloc(n, sizeof(*bad))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	nbad = 0;
	for (size_t k = 0; !r && k < ck->n && k < n; k++)
		if (ck->v[k].item[IVG_CK_LEG].state == IVG_CK_DAMAGED)
			bad[nbad++] = legs[ck->v[k].d->leg];
	snprintf(image, sizeof(image), "%s/leg-%d.img", dir, good);
	ivg_info(ctx, "copying bootlv leg %d onto %zu damaged leg(s)", good, nbad);
	if (!r)
		r = save_leg(ctx, vg, good, image);
	/* The legs written are marked meanwhile (rmeta.h). */
	for (size_t i = 0; i < nbad; i++)
		writing |= 1ULL << bad[i].leg;
	if (!r)
		r = ivg_rmeta_begin_write(ctx, vg, ivg_vg_lv(vg, IVG_BOOTLV), writing,
					  &marked);
	if (!r)
		r = ivg_boot_legs_write(ctx, bad, nbad, image, progress, arg);
	if (!r)
		r = ivg_rmeta_end_write(ctx, vg, ivg_vg_lv(vg, IVG_BOOTLV), marked);
	unlink(image);
	free(bad);
	free(legs);
	return r;
}

static int repair_efi(struct ivg_ctx *ctx, const struct ivg_bootdisk *d,
		      const char *efi)
{
	struct ivg_ctx first;

	ivg_ctx_init(&first);
	if (!ivg_bootrec_write_efi(&first, d->disk, efi, true))
		return 0;
	/* The FAT itself is gone: a new one, as ivgcreate makes it. */
	ivg_info(ctx, "%s: %s; formatting the ESP again", d->disk, ivg_errmsg(&first));
	int r = ivg_esp_format(ctx, d->disk, d->layout.esp_start, d->layout.esp_size,
			       "IVG-ESP");

	return r ? r : ivg_bootrec_write_efi(ctx, d->disk, efi, true);
}

int ivg_ck_repair(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *dir,
		  const struct ivg_ck *ck, ivg_progress_fn progress, void *arg)
{
	int r = repair_legs(ctx, vg, dir, ck, progress, arg);

	for (size_t k = 0; !r && k < ck->n; k++) {
		const struct ivg_ck_disk *c = &ck->v[k];
		char core[PATH_MAX + 32], efi[PATH_MAX + 32];

		if (!c->d->bootable)
			continue;
		ivg_bootlist_image_paths(dir, c->d->leg, core, efi, sizeof(core));
		if (c->item[IVG_CK_MBR].state == IVG_CK_DAMAGED ||
		    c->item[IVG_CK_CORE].state == IVG_CK_DAMAGED) {
			ivg_info(ctx, "%s: rewriting core.img and sector 0", c->d->disk);
			r = ivg_bootrec_write_bios(ctx, c->d->disk, core,
						   IVG_GRUB_BIOS_DIR "/boot.img");
		}
		if (!r && c->item[IVG_CK_EFI].state == IVG_CK_DAMAGED) {
			ivg_info(ctx, "%s: rewriting BOOTX64.EFI", c->d->disk);
			r = repair_efi(ctx, c->d, efi);
		}
	}
	return r;
}
