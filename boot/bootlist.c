/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootlist.c - the boot disks' selection order, as PV tags (bootlist.h). */
#define _GNU_SOURCE
#include "bootlist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootrec.h"
#include "dev.h"
#include "grubimg.h"
#include "ivgvg.h"
#include "legs.h"

static void find_layout(struct ivg_ctx *ctx, struct ivg_bootdisk *d)
{
	struct ivg_ctx why;
	struct ivg_dev *dev;

	ivg_ctx_init(&why);
	if (ivg_bootrec_whole_disk(&why, d->pv->dev->path, d->disk,
				   sizeof(d->disk)) ||
	    ivg_dev_open(&why, d->disk, IVG_DEV_RDONLY, &dev)) {
		snprintf(d->why, sizeof(d->why), "%s", ivg_errmsg(&why));
		return;
	}
	d->bootable = !ivg_gpt_check_layout(&why, dev, &d->layout);
	if (!d->bootable)
		snprintf(d->why, sizeof(d->why), "%s", ivg_errmsg(&why));
	ivg_dev_close(dev);
}

int ivg_bootdisks(struct ivg_ctx *ctx, struct ivg_vg *vg,
		  struct ivg_bootdisk **out, size_t *n)
{
	struct ivg_boot_leg *legs;
	struct ivg_bootdisk *d;
	int r = ivg_boot_legs_list(ctx, vg, &legs, n);

	*out = NULL;
	if (r)
		return r;
	if (!(d = calloc(*n, sizeof(*d)))) {
		free(legs);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < *n; k++) {
		d[k].leg = legs[k].leg;
		d[k].pv = legs[k].pv;
		if (!d[k].pv || !d[k].pv->dev)
			snprintf(d[k].why, sizeof(d[k].why), "its PV is missing");
		else
			find_layout(ctx, &d[k]);
	}
	free(legs);
	*out = d;
	return 0;
}

int ivg_bootlist_efi_targets(struct ivg_ctx *ctx, struct ivg_vg *vg,
			     struct ivg_efi_target *t, size_t *n)
{
	struct ivg_bootdisk *d = NULL;
	int legs[IVG_MAX_LEGS], r;
	size_t nd = 0, nl = 0;

	*n = 0;
	r = ivg_bootdisks(ctx, vg, &d, &nd);
	if (!r)
		r = ivg_bootlist_get(ctx, vg, legs, &nl);
	for (size_t i = 0; !r && i < nl; i++)
		for (size_t k = 0; !r && k < nd; k++) {
			if (d[k].leg != legs[i] || !d[k].bootable)
				continue;
			snprintf(t[*n].desc, sizeof(t[*n].desc), "IVG %.40s leg %d",
				 vg->name, d[k].leg);
			if (!(r = ivg_efi_esp_node(ctx, d[k].disk, &t[*n].hd)))
				(*n)++;
		}
	free(d);
	if (!r && !*n)
		r = ivg_err(ctx, ENOENT, "Volume group \"%s\" has no bootable disk for the firmware",
			    vg->name);
	return r;
}

/* The position a PV's tag gives it, or -1. */
static long tag_position(const struct ivg_pv *pv)
{
	size_t plen = strlen(IVG_BOOTORDER_TAG);

	for (size_t i = 0; pv && i < pv->tags.n; i++) {
		const char *t = pv->tags.v[i];
		char *end;
		long v;

		if (strncmp(t, IVG_BOOTORDER_TAG, plen))
			continue;
		errno = 0;
		v = strtol(t + plen, &end, 10);
		if (!errno && end != t + plen && !*end && v >= 0 && v < 100000)
			return v;
	}
	return -1;
}

/* The PV of every leg, without touching the devices. */
static int leg_pvs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		   struct ivg_pv *pvs[IVG_MAX_LEGS], size_t *n)
{
	const struct ivg_lv *lv = ivg_vg_lv(vg, IVG_BOOTLV);
	const struct ivg_seg *seg = lv && lv->seg_count == 1 ? &lv->segs[0] : NULL;

	if (!seg || strcmp(seg->type, "raid1") || !seg->area_count ||
	    seg->area_count > IVG_MAX_LEGS)
		return ivg_err(ctx, ENOENT, "VG %s has no raid1 LV bootlv", vg->name);
	for (size_t k = 0; k < seg->area_count; k++) {
		const struct ivg_lv *img = ivg_vg_lv(vg, seg->areas[k].name);

		pvs[k] = img && img->seg_count == 1 && img->segs[0].area_count == 1 &&
			 img->segs[0].areas[0].type == IVG_AREA_PV ?
			 ivg_vg_pv_by_name(vg, img->segs[0].areas[0].name) : NULL;
	}
	*n = seg->area_count;
	return 0;
}

int ivg_bootlist_get(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     int legs[IVG_MAX_LEGS], size_t *n)
{
	struct ivg_pv *pvs[IVG_MAX_LEGS];
	long pos[IVG_MAX_LEGS];
	int r = leg_pvs(ctx, vg, pvs, n);

	if (r)
		return r;
	for (size_t k = 0; k < *n; k++) {
		legs[k] = (int)k;
		pos[k] = tag_position(pvs[k]);
	}
	/* Insertion sort: tagged by position, then untagged, ties by leg. */
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0; j--) {
			long a = pos[legs[j - 1]], b = pos[legs[j]];
			bool swap = (a < 0 && b >= 0) || (a >= 0 && b >= 0 && b < a);

			if (!swap)
				break;
			int t = legs[j - 1];

			legs[j - 1] = legs[j];
			legs[j] = t;
		}
	return 0;
}

int ivg_bootlist_fallback(struct ivg_ctx *ctx, struct ivg_vg *vg, int leg,
			  int order[IVG_MAX_LEGS], size_t *n)
{
	int list[IVG_MAX_LEGS];
	size_t m, k = 0;
	int r = ivg_bootlist_get(ctx, vg, list, &m);

	if (r)
		return r;
	if (leg < 0 || (size_t)leg >= m)
		return ivg_err(ctx, EINVAL, "VG %s: bootlv has no leg %d", vg->name, leg);
	order[k++] = leg;
	for (size_t i = 0; i < m; i++)
		if (list[i] != leg)
			order[k++] = list[i];
	*n = k;
	return 0;
}

static int clear_tags(struct ivg_pv *pv)
{
	for (size_t i = 0; i < pv->tags.n;)
		if (!strncmp(pv->tags.v[i], IVG_BOOTORDER_TAG, strlen(IVG_BOOTORDER_TAG)))
			ivg_strvec_del(&pv->tags, pv->tags.v[i]);
		else
			i++;
	return 0;
}

int ivg_bootlist_set(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     const int *first, size_t n)
{
	struct ivg_pv *pvs[IVG_MAX_LEGS];
	int cur[IVG_MAX_LEGS], want[IVG_MAX_LEGS];
	bool taken[IVG_MAX_LEGS] = { false };
	size_t m, k = 0;
	int r = ivg_bootlist_get(ctx, vg, cur, &m);

	if (!r)
		r = leg_pvs(ctx, vg, pvs, &m);
	if (r)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (first[i] < 0 || (size_t)first[i] >= m || !pvs[first[i]])
			return ivg_err(ctx, EINVAL, "VG %s: %d is not a boot disk (bootlv leg) of the VG",
				       vg->name, first[i]);
		if (taken[first[i]])
			return ivg_err(ctx, EINVAL, "VG %s: boot disk of leg %d (PV %s) is given twice",
				       vg->name, first[i], pvs[first[i]]->name);
		taken[first[i]] = true;
		want[k++] = first[i];
	}
	for (size_t i = 0; i < m; i++)
		if (!taken[cur[i]])
			want[k++] = cur[i];
	for (size_t i = 0; i < vg->pv_count; i++)
		clear_tags(vg->pvs[i]);
	for (size_t i = 0; i < k; i++) {
		char tag[64];

		snprintf(tag, sizeof(tag), IVG_BOOTORDER_TAG "%zu", i);
		if ((r = ivg_strvec_add_once(&pvs[want[i]]->tags, tag)))
			return ivg_err(ctx, -r, "out of memory");
	}
	return 0;
}

static bool same_path(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	bool same = ra && rb && !strcmp(ra, rb);

	free(ra);
	free(rb);
	return same;
}

int ivg_bootlist_find_leg(struct ivg_ctx *ctx, const struct ivg_bootdisk *d,
			  size_t n, const char *arg, int *leg)
{
	char id[IVG_UUID_LEN + 1];
	bool is_uuid = !ivg_uuid_parse(arg, id);

	for (size_t k = 0; k < n; k++) {
		const struct ivg_pv *pv = d[k].pv;

		if (!pv)
			continue;
		if ((is_uuid && !strcmp(pv->id, id)) ||
		    (pv->dev && (same_path(arg, pv->dev->path) ||
				 (d[k].disk[0] && same_path(arg, d[k].disk))))) {
			*leg = d[k].leg;
			return 0;
		}
	}
	/* The PV's name in the VG ("pv2", as ivgbootlist lists it), unless
	 * a device or file of that name was meant. */
	for (size_t k = 0; k < n; k++)
		if (d[k].pv && !strcmp(arg, d[k].pv->name)) {
			*leg = d[k].leg;
			return 0;
		}
	return ivg_err(ctx, ENOENT, "%s: not a boot PV of the volume group (no bootlv leg on it)",
		       arg);
}

int ivg_bootlist_images(struct ivg_ctx *ctx, struct ivg_vg *vg, int leg,
			const char *dir, const char *core, const char *efi)
{
	int order[IVG_MAX_LEGS];
	char *script = NULL;
	size_t n;
	int r = ivg_bootlist_fallback(ctx, vg, leg, order, &n);

	if (!r)
		r = ivg_grub_early_script(ctx, vg->name, order, n, &script);
	if (!r)
		r = ivg_grub_mkimage(ctx, IVG_GRUB_BIOS, NULL, script, dir, core);
	if (!r)
		r = ivg_grub_mkimage(ctx, IVG_GRUB_EFI, NULL, script, dir, efi);
	free(script);
	return r;
}

void ivg_bootlist_image_paths(const char *dir, int leg, char *core, char *efi,
			      size_t sz)
{
	snprintf(core, sz, "%s/core-%d.img", dir, leg);
	snprintf(efi, sz, "%s/bootx64-%d.efi", dir, leg);
}

/* The boot disks, all present: boot records go to every one. */
static int present_disks(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 struct ivg_bootdisk **d, size_t *n)
{
	int r = ivg_bootdisks(ctx, vg, d, n);

	for (size_t k = 0; !r && k < *n; k++)
		if (!(*d)[k].pv || !(*d)[k].pv->dev)
			r = ivg_err(ctx, ENODEV, "VG %s: the PV of bootlv leg %d is missing: no boot records written",
				    vg->name, (*d)[k].leg);
	if (r) {
		free(*d);
		*d = NULL;
	}
	return r;
}

typedef int (*disk_step)(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_bootdisk *d, const char *core,
			 const char *efi, const char *dir);

/* One step on every bootable boot disk, with its images' paths in dir. */
static int each_bootable(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const char *dir, disk_step step)
{
	char core[PATH_MAX + 32], efi[PATH_MAX + 32];
	struct ivg_bootdisk *d = NULL;
	size_t n = 0;
	int r = present_disks(ctx, vg, &d, &n);

	for (size_t k = 0; !r && k < n; k++) {
		if (!d[k].bootable)
			continue;
		ivg_bootlist_image_paths(dir, d[k].leg, core, efi, sizeof(core));
		r = step(ctx, vg, &d[k], core, efi, dir);
	}
	free(d);
	return r;
}

static int build_step(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      const struct ivg_bootdisk *d, const char *core,
		      const char *efi, const char *dir)
{
	return ivg_bootlist_images(ctx, vg, d->leg, dir, core, efi);
}

static int install_step(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const struct ivg_bootdisk *d, const char *core,
			const char *efi, const char *dir)
{
	int r;

	ivg_info(ctx, "%s: writing the BIOS and UEFI boot records", d->disk);
	r = ivg_bootrec_write_bios(ctx, d->disk, core, IVG_GRUB_BIOS_DIR "/boot.img");
	return r ? r : ivg_bootrec_write_efi(ctx, d->disk, efi, true);
}

int ivg_bootlist_build_records(struct ivg_ctx *ctx, struct ivg_vg *vg,
			       const char *dir)
{
	return each_bootable(ctx, vg, dir, build_step);
}

int ivg_bootlist_install_records(struct ivg_ctx *ctx, struct ivg_vg *vg,
				 const char *dir)
{
	return each_bootable(ctx, vg, dir, install_step);
}

int ivg_workdir_make(struct ivg_ctx *ctx, const char *tmp, const char *what,
		     char *dir, size_t sz)
{
	snprintf(dir, sz, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
	if (!mkdtemp(dir))
		return ivg_err(ctx, errno, "%s: cannot make a work directory: %s",
			       dir, strerror(errno));
	return 0;
}

void ivg_workdir_remove(const char *dir)
{
	char p[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;

	if (!dir[0] || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}
