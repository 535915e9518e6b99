/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgvg.c - install VG properties: marking, export state, boot legs. */
#include "ivgvg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>

#include "aio.h"
#include "dev.h"
#include "e2fs.h"
#include "lvio.h"

bool ivg_vg_is_ivg(const struct ivg_vg *vg)
{
	return ivg_strvec_has(&vg->tags, IVG_VG_TAG);
}

bool ivg_vg_exported(const struct ivg_vg *vg)
{
	return ivg_strvec_has(&vg->status, "EXPORTED");
}

int ivg_vg_set_exported(struct ivg_ctx *ctx, struct ivg_vg *vg, bool on)
{
	int r = 0;

	if (!on) {
		ivg_strvec_del(&vg->status, "EXPORTED");
		for (size_t i = 0; i < vg->pv_count; i++)
			ivg_strvec_del(&vg->pvs[i]->status, "EXPORTED");
		return 0;
	}
	r = ivg_strvec_add_once(&vg->status, "EXPORTED");
	for (size_t i = 0; !r && i < vg->pv_count; i++)
		r = ivg_strvec_add_once(&vg->pvs[i]->status, "EXPORTED");
	if (r)
		return ivg_err(ctx, ENOMEM, "out of memory");
	/* An exported VG belongs to no host, as vgexport leaves it. */
	return ivg_vg_set_holder(ctx, vg, NULL);
}

const char *ivg_vg_holder(const struct ivg_vg *vg)
{
	return vg->system_id && *vg->system_id ? vg->system_id : NULL;
}

int ivg_vg_set_holder(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *id)
{
	char *copy = NULL;
	int r;

	if (id && *id && !(copy = strdup(id)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	free(vg->system_id);
	vg->system_id = copy;
	/*
	 * lvm2 turns WRITE into the flag WRITE_LOCKED while a VG has a system
	 * ID, so that versions of lvm2 that know no system IDs cannot write it.
	 */
	if (copy) {
		ivg_strvec_del(&vg->status, "WRITE");
		r = ivg_strvec_add_once(&vg->flags, "WRITE_LOCKED");
	} else {
		ivg_strvec_del(&vg->flags, "WRITE_LOCKED");
		r = ivg_strvec_add_once(&vg->status, "WRITE");
	}
	return r ? ivg_err(ctx, ENOMEM, "out of memory") : 0;
}

int ivg_vg_check_holder(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			const char *me)
{
	const char *h = ivg_vg_holder(vg);

	if (!h || !strcmp(h, me))
		return 0;
	return ivg_err(ctx, EBUSY, "Volume group \"%s\" is held read-write by host \"%s\" (this host is \"%s\"): run ivgexport %s there, or take it over with ivgimport --force if \"%s\" is down for good",
		       vg->name, h, me, vg->name, h);
}

/* The index of the bootlv leg whose image lives on pv, or -1. */
static int leg_on_pv(const struct ivg_vg *vg, const struct ivg_lv *boot,
		     const struct ivg_pv *pv)
{
	const struct ivg_seg *seg = boot->seg_count ? &boot->segs[0] : NULL;

	for (size_t k = 0; seg && k < seg->area_count; k++) {
		const struct ivg_lv *img = ivg_vg_lv(vg, seg->areas[k].name);

		for (size_t s = 0; img && s < img->seg_count; s++)
			for (size_t a = 0; a < img->segs[s].area_count; a++)
				if (img->segs[s].areas[a].type == IVG_AREA_PV &&
				    !strcmp(img->segs[s].areas[a].name, pv->name))
					return (int)k;
	}
	return -1;
}

/* Enough of a small ext2 for ext2fs_open: superblock and descriptors. */
enum { LEG_HEAD = 16 * 1024 };

struct leg_job {
	struct ivg_lvio *io;
	uint8_t *head;
	bool have_head;
};

/* Which leg each PV holds, and a read of each present leg's head. */
static int plan_legs(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     const struct ivg_lv *boot, struct ivg_leg_report *out,
		     struct leg_job *job, struct ivg_aio_req *reqs, size_t *n,
		     uint8_t *arena)
{
	*n = 0;
	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_leg_report *o = &out[i];
		struct ivg_dev *dev;
		uint64_t off;

		o->leg = boot ? leg_on_pv(vg, boot, vg->pvs[i]) : -1;
		o->state = IVG_LEG_NONE;
		o->msg[0] = 0;
		if (o->leg < 0)
			continue;
		if (!ivg_lv_present(vg, boot, o->leg)) {
			o->state = IVG_LEG_MISSING;
			snprintf(o->msg, sizeof(o->msg),
				 "leg %d of %s: its PV is missing", o->leg,
				 IVG_BOOTLV);
			continue;
		}
		if (ivg_lvio_open(ctx, vg, IVG_BOOTLV, o->leg, &job[i].io))
			return -ENOMEM;
		if (ivg_lvio_size(job[i].io) < LEG_HEAD ||
		    ivg_lvio_map(ctx, job[i].io, 0, LEG_HEAD, &dev, &off))
			continue;           /* opened without a cache below */
		job[i].head = arena + *n * LEG_HEAD;
		reqs[(*n)++] = (struct ivg_aio_req){ .dev = dev,
			.off = dev->base + off, .len = LEG_HEAD,
			.buf = job[i].head };
	}
	return 0;
}

struct root_look {
	bool manifest;         /* ivgmkboot's manifest is there */
	bool other;            /* anything but lost+found */
};

static int look_at_entry(struct ext2_dir_entry *d, int offset, int blocksize,
			 char *buf, void *arg)
{
	struct root_look *l = arg;
	size_t len = ext2fs_dirent_name_len(d);

	(void)offset, (void)blocksize, (void)buf;
	if (len == strlen(IVG_BOOT_MANIFEST) &&
	    !memcmp(d->name, IVG_BOOT_MANIFEST, len))
		l->manifest = true;
	else if (!(len == 10 && !memcmp(d->name, "lost+found", 10)) &&
		 !(len == 1 && d->name[0] == '.') &&
		 !(len == 2 && !memcmp(d->name, "..", 2)))
		l->other = true;
	return 0;
}

/*
 * What the leg's root directory says: a boot image (the manifest), an
 * empty filesystem as ivgcreate --no-boot-image leaves it (lost+found
 * alone), or files without a manifest (a write cut short: damaged).
 */
static void judge_root(ext2_filsys fs, struct ivg_leg_report *o)
{
	struct root_look l = { false, false };
	errcode_t e = ext2fs_dir_iterate(fs, EXT2_ROOT_INO, 0, NULL,
					 look_at_entry, &l);

	if (e) {
		o->state = IVG_LEG_UNREADABLE;
		snprintf(o->msg, sizeof(o->msg), "leg %d: its root directory cannot be read: %s",
			 o->leg, error_message(e));
	} else if (l.manifest) {
		o->state = IVG_LEG_OK;
	} else if (!l.other) {
		o->state = IVG_LEG_NO_IMAGE;
	} else {
		o->state = IVG_LEG_IMAGE_LOST;
		snprintf(o->msg, sizeof(o->msg), "leg %d holds files but no %s: a boot image written in part",
			 o->leg, IVG_BOOT_MANIFEST);
	}
}

/*
 * An empty leg is "no boot image yet" while no leg holds one (ivgcreate
 * --no-boot-image), and damage once one does (ivgck --repair copies it).
 */
static void judge_empty_legs(struct ivg_leg_report *out, size_t n)
{
	int good = -1;

	for (size_t i = 0; i < n && good < 0; i++)
		if (out[i].state == IVG_LEG_OK)
			good = out[i].leg;
	for (size_t i = 0; i < n; i++) {
		if (out[i].state != IVG_LEG_NO_IMAGE)
			continue;
		if (good < 0) {
			snprintf(out[i].msg, sizeof(out[i].msg),
				 "no boot image yet: ivgmkboot writes it");
			continue;
		}
		out[i].state = IVG_LEG_IMAGE_LOST;
		snprintf(out[i].msg, sizeof(out[i].msg),
			 "leg %d holds no boot image, leg %d does: ivgck --repair copies it",
			 out[i].leg, good);
	}
}

int ivg_boot_legs(struct ivg_ctx *ctx, struct ivg_vg *vg,
		  struct ivg_leg_report *out)
{
	const struct ivg_lv *boot = ivg_vg_lv(vg, IVG_BOOTLV);
	size_t n = vg->pv_count, nreq = 0;
	struct leg_job *job = calloc(n + 1, sizeof(*job));
	struct ivg_aio_req *reqs = calloc(n + 1, sizeof(*reqs));
	uint8_t *arena = NULL;
	struct ivg_aio *aio;
	int r = 0;

	if (!job || !reqs ||
	    posix_memalign((void **)&arena, IVG_DIO_ALIGN, (n + 1) * LEG_HEAD))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r)
		r = plan_legs(ctx, vg, boot, out, job, reqs, &nreq, arena);
	aio = nreq ? ivg_aio_new(ctx) : NULL;
	if (!r && nreq)
		r = ivg_aio_read(ctx, aio, reqs, nreq);
	ivg_aio_free(aio);
	for (size_t k = 0, i = 0; !r && i < n; i++) {
		struct ivg_leg_report *o = &out[i];
		ext2_filsys fs = NULL;

		if (!job[i].io)
			continue;
		/* A failed head read is retried, and reported, by the open. */
		if (job[i].head && !reqs[k++].result)
			job[i].have_head = true;
		if (ivg_e2fs_open_cached(ctx, job[i].io, 0,
					 job[i].have_head ? job[i].head : NULL,
					 0, LEG_HEAD, &fs)) {
			o->state = IVG_LEG_UNREADABLE;
			snprintf(o->msg, sizeof(o->msg), "%s", ivg_errmsg(ctx));
			continue;
		}
		judge_root(fs, o);
		ext2fs_close_free(&fs);
	}
	if (!r)
		judge_empty_legs(out, n);
	for (size_t i = 0; job && i < n; i++)
		ivg_lvio_close(job[i].io);
	free(job);
	free(reqs);
	free(arena);
	return r;
}

int ivg_boot_image_none(struct ivg_ctx *ctx, struct ivg_vg *vg, bool *none,
			struct ivg_leg_report **legs)
{
	struct ivg_leg_report *v = calloc(vg->pv_count + 1, sizeof(*v));
	int r = v ? ivg_boot_legs(ctx, vg, v) :
		    ivg_err(ctx, ENOMEM, "out of memory");

	*none = false;
	for (size_t i = 0; !r && i < vg->pv_count; i++)
		*none |= v[i].state == IVG_LEG_NO_IMAGE;
	if (!r && legs)
		*legs = v;
	else
		free(v);
	return r;
}

const char *ivg_leg_state_name(enum ivg_leg_state s)
{
	switch (s) {
	case IVG_LEG_OK:
		return "ok";
	case IVG_LEG_MISSING:
		return "missing";
	case IVG_LEG_UNREADABLE:
		return "unreadable";
	case IVG_LEG_IMAGE_LOST:
		return "damaged";
	case IVG_LEG_NO_IMAGE:
	case IVG_LEG_NONE:
	default:
		return "none";
	}
}
