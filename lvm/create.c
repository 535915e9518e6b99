/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create.c - ivg_create(): a whole install VG on a set of disks, and the
 * ivg_newvg steps it is made of, which build other VGs on the IVG disk
 * layout too (bosinstall's root VG: plain linear LVs, its own tag).
 *
 * Two phases. The first checks everything and builds the VG in memory:
 * arguments, that each disk exists (or will be created), is writable,
 * large enough, not given twice, not a PV of another VG (unless forced),
 * carries no signature the user did not agree to lose, and that the VG
 * name is free and its metadata fits. Nothing is written until all of
 * that holds. The second phase writes: partition tables, ESPs, the
 * filesystems in the LVs, then the PV labels and last the VG metadata, so
 * that a crash before the end leaves no VG, and no PV, that lvm2 sees.
 */
#include "ivgvg.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "dev.h"
#include "e2fs.h"
#include "gpt.h"
#include "loopback.h"
#include "lvio.h"
#include "mda.h"
#include "probe.h"
#include "pv.h"
#include "validate.h"
#include "toolrun.h"
#include "vgtext.h"
#include "vgsel.h"

struct disk {
	const char *path;
	char canon[PATH_MAX];      /* to spot the same disk given twice */
	bool create;
	bool made;                 /* create, and the file now exists */
	bool boot;
	bool image;                /* a leg of each image LV */
	struct ivg_dev *dev;
	struct ivg_layout layout;
	struct ivg_pv *pv;
	struct ivg_label label;
};

struct ivg_newvg {
	struct ivg_ctx *ctx;
	const struct ivg_newvg_opts *o;
	struct disk *disks;
	struct ivg_vg *vg;
	uint64_t extent;           /* bytes */
	uint64_t *extents;         /* planned extents of each LV */
	uint64_t *free_before;     /* extents free before each LV was placed */
	bool fitted;               /* the fit LVs' sizes are settled */
	bool scaled;               /* ... and smaller than asked */
};

/* A fit LV is never made smaller than this (nor than one extent). */
#define MIN_FIT_BYTES (4ULL << 20)

static bool has_raid1(const struct ivg_newvg_opts *o)
{
	for (size_t i = 0; i < o->n_lvs; i++)
		if (o->lvs[i].raid1)
			return true;
	return false;
}

static int canon_path(const char *path, char *out)
{
	char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];

	if (realpath(path, out))
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	if (!realpath(dirname(dir), real))
		return -errno;
	if (strlen(real) + strlen(basename(base)) + 2 > PATH_MAX) {
		errno = ENAMETOOLONG;
		return -ENAMETOOLONG;
	}
	strcpy(out, real);
	strcat(out, "/");
	strcat(out, basename(base));
	return 0;
}

static bool listed(char *const *list, size_t n, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (canon_path(path, a))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!canon_path(list[i], b) && !strcmp(a, b))
			return true;
	return false;
}

static int check_args(struct ivg_newvg *j)
{
	const struct ivg_newvg_opts *o = j->o;
	size_t nboot = o->boot_disks ? o->n_boot : o->n_disks;

	if (!o->vgname || !ivg_name_valid(o->vgname))
		return ivg_err(j->ctx, EINVAL, "invalid VG name \"%s\"",
			       o->vgname ? o->vgname : "");
	if (!o->n_disks)
		return ivg_err(j->ctx, EINVAL, "no disks given");
	if (has_raid1(o) && (nboot < 1 || nboot > IVG_MAX_LEGS))
		return ivg_err(j->ctx, EINVAL,
			       "%zu boot PVs given: an IVG has 1 to %d boot PVs (one bootlv leg each)",
			       nboot, IVG_MAX_LEGS);
	for (size_t i = 0; o->boot_disks && i < o->n_boot; i++)
		if (!listed(o->disks, o->n_disks, o->boot_disks[i]))
			return ivg_err(j->ctx, EINVAL,
				       "%s: boot PV is not one of the VG's disks",
				       o->boot_disks[i]);
	for (size_t i = 0; o->image_disks && i < o->n_image; i++)
		if (!(o->boot_disks ? listed(o->boot_disks, o->n_boot, o->image_disks[i])
				    : listed(o->disks, o->n_disks, o->image_disks[i])))
			return ivg_err(j->ctx, EINVAL,
				       "%s: image PV is not one of the VG's boot disks",
				       o->image_disks[i]);
	if (o->image_disks && !o->n_image)
		return ivg_err(j->ctx, EINVAL, "no image PVs given");
	if (o->copies > nboot)
		return ivg_err(j->ctx, EINVAL,
			       "%zu copies of the images asked for, but only %zu boot PVs",
			       o->copies, nboot);
	j->extent = o->extent_size ? o->extent_size : IVG_DEFAULT_EXTENT;
	if (j->extent < 4096 || (j->extent & (j->extent - 1)) ||
	    j->extent > (1ULL << 40))
		return ivg_err(j->ctx, EINVAL,
			       "extent size %llu bytes is not a power of two between 4 KiB and 1 TiB",
			       (unsigned long long)j->extent);
	return 0;
}

static int resolve_disk(struct ivg_newvg *j, size_t i)
{
	struct disk *d = &j->disks[i];
	struct stat st;

	d->path = j->o->disks[i];
	d->boot = !j->o->boot_disks ||
		  listed(j->o->boot_disks, j->o->n_boot, d->path);
	d->image = j->o->image_disks ?
		   listed(j->o->image_disks, j->o->n_image, d->path) : d->boot;
	if (canon_path(d->path, d->canon))
		return ivg_err(j->ctx, errno, "%s: %s", d->path, strerror(errno));
	for (size_t k = 0; k < i; k++)
		if (!strcmp(j->disks[k].canon, d->canon))
			return ivg_err(j->ctx, EINVAL, "%s: device given twice",
				       d->path);
	if (stat(d->path, &st) == 0)
		return ivg_dev_open(j->ctx, d->path, IVG_DEV_RDWR | IVG_DEV_EXCL,
				    &d->dev);
	if (errno != ENOENT || !j->o->create_size)
		return ivg_err(j->ctx, errno, "%s: %s%s", d->path,
			       strerror(errno),
			       errno == ENOENT ? " (use --size to create image files)" : "");
	d->create = true;
	return 0;
}

/* Is this block device a view (loop, partition) of the disk under it? */
static bool is_view(const struct ivg_dev *d, const struct ivg_disk_ident *id)
{
	return d->is_blockdev && (id->file || id->dev != d->st_dev);
}

/*
 * One disk under two names: a file twice (hard link, symlink), a block
 * device twice, or an image file and a loop device that shows it (either
 * way round), or a disk and one of its partitions. Writing both names
 * would write one disk twice and leave a VG with a missing PV.
 */
static int same_disk_err(struct ivg_newvg *j, size_t i, size_t k,
			 const struct ivg_disk_ident *id)
{
	const struct disk *a = &j->disks[i], *b = &j->disks[k];

	if (ivg_dev_same(a->dev, b->dev))
		return ivg_err(j->ctx, EINVAL, "%s: same device as %s, given twice",
			       a->path, b->path);
	return ivg_err(j->ctx, EINVAL,
		       "%s: the same disk as %s (%s shows it: a loop device over it, or a partition of it), given twice",
		       a->path, b->path,
		       is_view(a->dev, id) ? a->path : b->path);
}

static int check_same_device(struct ivg_newvg *j)
{
	struct ivg_disk_ident *id = calloc(j->o->n_disks + 1, sizeof(*id));
	int r = id ? 0 : ivg_err(j->ctx, ENOMEM, "out of memory");

	for (size_t i = 0; !r && i < j->o->n_disks; i++) {
		if (!j->disks[i].dev)
			continue;
		ivg_disk_ident_of(j->disks[i].dev, &id[i]);
		for (size_t k = 0; !r && k < i; k++)
			if (j->disks[k].dev && ivg_disk_ident_same(&id[i], &id[k]))
				r = same_disk_err(j, i, k, &id[i]);
	}
	free(id);
	return r;
}

/* Is devno one of the disks given (a loop device given by name)? */
static bool given_devno(const struct ivg_newvg *j, dev_t devno)
{
	for (size_t i = 0; i < j->o->n_disks; i++)
		if (j->disks[i].dev && j->disks[i].dev->is_blockdev &&
		    j->disks[i].dev->st_dev == devno)
			return true;
	return false;
}

/*
 * A disk that a loop device shows while the loop is mounted, held or
 * open: writing the disk under that user's feet corrupts what it sees.
 * No -y or -f makes that right (O_EXCL guards the loop device itself,
 * nothing guards its image file).
 */
static int check_not_behind_busy_loop(struct ivg_newvg *j, const struct disk *d)
{
	struct ivg_loop_backing loops[16];
	struct ivg_disk_ident id;
	size_t n;
	char why[512];

	ivg_disk_ident_of(d->dev, &id);
	n = ivg_loops_showing(&id, loops, 16);
	for (size_t i = 0; i < n && i < 16; i++) {
		if (given_devno(j, loops[i].devno) ||
		    !ivg_blockdev_busy(j->ctx, loops[i].devno, why, sizeof(why)))
			continue;
		return ivg_err(j->ctx, EBUSY,
			       "%s: loop device %s shows this disk and is %s; not writing it (not even with -y or -f)",
			       d->path, loops[i].loop, why);
	}
	return 0;
}

static int check_not_busy(struct ivg_newvg *j)
{
	int r = 0;

	for (size_t i = 0; !r && i < j->o->n_disks; i++)
		if (j->disks[i].dev)
			r = check_not_behind_busy_loop(j, &j->disks[i]);
	return r;
}

static int ask(struct ivg_newvg *j, const char *question)
{
	return j->o->confirm && j->o->confirm(j->o->confirm_arg, question);
}

/* A PV of some VG needs -f; any other signature needs a yes (or -f). */
static int check_disk_contents(struct ivg_newvg *j, struct disk *d,
			       const struct ivg_scan_pv *p)
{
	const char *vg = NULL;
	char sig[128] = "", q[512];
	int r;

	for (size_t m = 0; m < p->mda_count; m++)
		if (!p->mda[m].err)
			vg = p->mda[m].vgname;
	if (vg && !j->o->force)
		return ivg_err(j->ctx, EBUSY,
			       "%s: is a PV of volume group \"%s\"; use -f to reuse it",
			       d->path, vg);
	if (vg)
		return 0;
	/* Without metadata areas, its VG (if any) is written only elsewhere. */
	if (p->has_label && !p->mda_count && !j->o->force)
		return ivg_err(j->ctx, EBUSY,
			       "%s: is a PV without metadata areas: its volume group, if any, is recorded only on other disks; use -f to reuse it",
			       d->path);
	/*
	 * A label whose metadata is unreadable may be a VG's only copy. An
	 * empty area (-ENOENT) is an orphan PV, as an interrupted ivgcreate
	 * leaves it: no VG to lose.
	 */
	for (size_t m = 0; m < p->mda_count && !j->o->force; m++)
		if (p->has_label && p->mda[m].err != -ENOENT)
			return ivg_err(j->ctx, EBUSY,
				       "%s: is a PV whose metadata cannot be read (%s); use -f to reuse it",
				       d->path, p->mda[m].errmsg);
	r = ivg_probe_signature(j->ctx, d->dev, sig, sizeof(sig));
	if (r <= 0 || j->o->force)
		return r < 0 ? r : 0;
	snprintf(q, sizeof(q), "WARNING: %s signature detected on %s. Wipe it?",
		 sig, d->path);
	if (!ask(j, q))
		return ivg_err(j->ctx, EEXIST,
			       "%s: %s signature found; not overwriting it (use -y to wipe it)",
			       d->path, sig);
	return 0;
}

static int check_contents(struct ivg_newvg *j)
{
	char **paths = calloc(j->o->n_disks + 1, sizeof(*paths));
	size_t *map = calloc(j->o->n_disks + 1, sizeof(*map));
	struct ivg_scan *s = NULL;
	size_t n = 0;
	int r = 0;

	if (!paths || !map)
		r = ivg_err(j->ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < j->o->n_disks; i++)
		if (j->disks[i].dev) {
			map[n] = i;
			paths[n++] = (char *)j->disks[i].path;
		}
	if (!r && n)
		r = ivg_scan_devices(j->ctx, paths, n, false, &s);
	for (size_t k = 0; !r && k < n; k++)
		r = check_disk_contents(j, &j->disks[map[k]], &s->pvs[k]);
	ivg_scan_free(s);
	free(paths);
	free(map);
	return r;
}

/* mformat formats the ESPs: find it now, not after the first disk. */
static int check_tools(struct ivg_newvg *j)
{
	return ivg_tool_find(j->ctx, "mformat",
			     "it formats the EFI system partitions (package mtools)");
}

static int check_name_free(struct ivg_newvg *j)
{
	char **others = calloc(j->o->n_others + 1, sizeof(*others));
	struct ivg_strvec names = { 0 };
	size_t n = 0;
	struct ivg_scan *s = NULL;
	int r = 0;

	if (!others)
		return ivg_err(j->ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < j->o->n_others; i++)
		if (!listed(j->o->disks, j->o->n_disks, j->o->others[i]))
			others[n++] = j->o->others[i];
	if (n)
		r = ivg_scan_devices(j->ctx, others, n, false, &s);
	if (!r && s)
		r = ivg_scan_vgnames(j->ctx, s, &names);
	if (!r && ivg_strvec_has(&names, j->o->vgname)) {
		char which[2048];

		/* Which: on a SAN every install's root VG is "rootvg". */
		ivg_vgsel_describe(s, j->o->vgname, which, sizeof(which));
		r = ivg_err(j->ctx, EEXIST,
			    "A volume group called %s already exists (%s); choose another name, or name the devices to look at with --devices",
			    j->o->vgname, which);
	}
	ivg_strvec_free(&names);
	ivg_scan_free(s);
	free(others);
	return r;
}

static uint64_t extents_for(uint64_t bytes, uint64_t extent)
{
	return (bytes + extent - 1) / extent;
}

static int plan_disks(struct ivg_newvg *j)
{
	uint64_t min_pv = IVG_PE_START + j->extent;

	for (size_t i = 0; i < j->o->n_disks; i++) {
		struct disk *d = &j->disks[i];
		uint64_t size = d->create ? j->o->create_size : d->dev->disk_size;
		int r = ivg_layout_plan(j->ctx, d->path, size, 0, min_pv,
					&d->layout);

		if (r)
			return r;
		d->pv = ivg_vg_add_pv(j->vg);
		if (!d->pv || !(d->pv->device = strdup(d->path)) ||
		    ivg_strvec_add_once(&d->pv->status, "ALLOCATABLE") ||
		    (d->boot && j->o->boot_tag &&
		     ivg_strvec_add_once(&d->pv->tags, j->o->boot_tag)))
			return ivg_err(j->ctx, ENOMEM, "out of memory");
		r = ivg_pv_plan(j->ctx, d->path, d->layout.pv_size,
				(uint32_t)(j->extent / 512), d->pv);
		if (r)
			return r;
	}
	return 0;
}

static int new_vg(struct ivg_newvg *j)
{
	struct ivg_vg *vg = ivg_vg_new();

	j->vg = vg;
	if (!vg || !(vg->name = strdup(j->o->vgname)) ||
	    ivg_uuid_generate(vg->id) ||
	    ivg_strvec_add_once(&vg->status, "RESIZEABLE") ||
	    ivg_strvec_add_once(&vg->status, "READ") ||
	    ivg_strvec_add_once(&vg->status, "WRITE") ||
	    (j->o->vg_tag && ivg_strvec_add_once(&vg->tags, j->o->vg_tag)))
		return ivg_err(j->ctx, ENOMEM, "out of memory");
	vg->extent_size = (uint32_t)(j->extent / 512);
	vg->seqno = 0;
	return j->o->system_id ? ivg_vg_set_holder(j->ctx, vg, j->o->system_id)
			       : 0;
}

/* Free extents on the given PVs, as the VG stands now. */
static int free_extents(struct ivg_newvg *j, struct ivg_pv *const *pvs, size_t n,
			uint64_t *out)
{
	struct ivg_freemap *m;
	int r = ivg_freemap_build(j->ctx, j->vg, &m);

	*out = 0;
	for (size_t i = 0; !r && i < n; i++)
		for (size_t k = 0; k < j->vg->pv_count; k++)
			if (j->vg->pvs[k] == pvs[i])
				*out += ivg_freemap_pv_free(m, k);
	if (!r)
		ivg_freemap_free(m);
	return r;
}

static uint64_t mib(const struct ivg_newvg *j, uint64_t extents)
{
	return extents * j->extent >> 20;
}

/* "once bootlv and bosfs are placed": the LVs before lvs[i]. */
static void placed_before(const struct ivg_newvg *j, size_t i, char *out,
			  size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t k = 0; k < i && len < outsz; k++)
		len += (size_t)snprintf(out + len, outsz - len, "%s%s",
					k ? (k + 1 == i ? " and " : ", ") : " once ",
					j->o->lvs[k].name);
	if (i && len < outsz)
		snprintf(out + len, outsz - len, " %s placed", i > 1 ? "are" : "is");
}

/*
 * The sizes of the fit LVs from lvs[i] on: their own where the disks have
 * room for them all (and for the sized linear LVs after them); otherwise
 * what is free, shared in proportion to their sizes.
 */
static int fit_sizes(struct ivg_newvg *j, size_t i, uint64_t free_ext,
		     uint64_t shown)
{
	const struct ivg_newvg_opts *o = j->o;
	uint64_t want = 0, avail = free_ext, min_ext = extents_for(MIN_FIT_BYTES, j->extent);
	char placed[256];

	j->fitted = true;
	for (size_t k = i; k < o->n_lvs; k++) {
		if (o->lvs[k].fit)
			want += j->extents[k];
		else if (!o->lvs[k].raid1 && o->lvs[k].size)
			avail -= avail < j->extents[k] ? avail : j->extents[k];
	}
	if (want <= avail)
		return 0;
	placed_before(j, i, placed, sizeof(placed));
	for (size_t k = i; k < o->n_lvs; k++) {
		if (!o->lvs[k].fit)
			continue;
		j->extents[k] = (uint64_t)((unsigned __int128)avail * j->extents[k] / want);
		if (j->extents[k] < min_ext || !j->extents[k])
			return ivg_err(j->ctx, ENOSPC,
				       "VG %s: the disks have %llu MiB (%llu extents) free%s: too little for %s (at least %llu MiB); give larger disks or a smaller --bootlv-size",
				       o->vgname, (unsigned long long)mib(j, shown),
				       (unsigned long long)shown, placed, o->lvs[k].name,
				       (unsigned long long)(MIN_FIT_BYTES >> 20));
	}
	j->scaled = true;
	return 0;
}

/* Where the legs of raid1 LVs go: every boot disk, or the image disks. */
struct legs {
	struct ivg_pv *boot[IVG_MAX_LEGS], *image[IVG_MAX_LEGS];
	size_t nboot, nimage;
};

/* The fewest free extents on any of the PVs (a leg goes on each). */
static int min_free(struct ivg_newvg *j, struct ivg_pv *const *pvs, size_t n,
		    uint64_t *out)
{
	int r = 0;

	*out = UINT64_MAX;
	for (size_t k = 0; !r && k < n; k++) {
		uint64_t f;

		if (!(r = free_extents(j, &pvs[k], 1, &f)) && f < *out)
			*out = f;
	}
	if (!n)
		*out = 0;
	return r;
}

/* A raid1 LV's legs, each with its rmeta extent, on each of the PVs. */
static int legs_fit(struct ivg_newvg *j, const struct ivg_newlv *l, uint64_t ext,
		    struct ivg_pv *const *pvs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint64_t free_ext;
		int r;

		if ((r = free_extents(j, &pvs[k], 1, &free_ext)))
			return r;
		if (free_ext < ext + 1)
			return ivg_err(j->ctx, ENOSPC,
				       "VG %s: %s of %llu MiB does not fit: its leg on %s needs %llu extents with its metadata, the disk has %llu MiB (%llu extents) free; give larger disks or a smaller --%s-size",
				       j->vg->name, l->name,
				       (unsigned long long)mib(j, ext),
				       pvs[k]->device ? pvs[k]->device : pvs[k]->name,
				       (unsigned long long)ext + 1,
				       (unsigned long long)mib(j, free_ext),
				       (unsigned long long)free_ext, l->name);
	}
	return 0;
}

/*
 * The free extents the mirrored fit LVs from lvs[i] on share (*out): the
 * fewest free on the disks their legs go to (*free_ext), less an rmeta
 * extent for each mirror to come and the legs of those of a given size.
 */
static int fit_room(struct ivg_newvg *j, size_t i, struct ivg_pv *const *pvs,
		    size_t n, uint64_t *out, uint64_t *free_ext)
{
	const struct ivg_newvg_opts *o = j->o;
	uint64_t held = 0;
	int r = min_free(j, pvs, n, free_ext);

	/* The rmeta of each mirror to come, and the legs of those whose
	 * size is given. */
	for (size_t k = i; k < o->n_lvs; k++)
		if (o->lvs[k].raid1)
			held += 1 + (o->lvs[k].fit ? 0 : j->extents[k]);
	*out = *free_ext > held ? *free_ext - held : 0;
	return r;
}

static int allocate_raid1(struct ivg_newvg *j, size_t i, const struct legs *legs)
{
	const struct ivg_newlv *l = &j->o->lvs[i];
	struct ivg_pv *const *pvs = l->image ? legs->image : legs->boot;
	size_t n = l->image ? legs->nimage : legs->nboot;
	uint64_t room, free_ext;
	int r = 0;

	if (l->fit && !j->fitted && !(r = fit_room(j, i, pvs, n, &room, &free_ext))) {
		/* What a mirror may use is what each of its disks has. */
		j->free_before[i] = free_ext;
		r = fit_sizes(j, i, room, free_ext);
	}
	if (!r)
		r = legs_fit(j, l, j->extents[i], pvs, n);
	return r ? r : ivg_lv_create_raid1(j->ctx, j->vg, l->name, j->extents[i],
					   pvs, n, NULL);
}

static int allocate_lv(struct ivg_newvg *j, size_t i, struct ivg_pv **all,
		       const struct legs *legs)
{
	const struct ivg_newlv *l = &j->o->lvs[i];
	bool one = l->disk >= 0 && (size_t)l->disk < j->o->n_disks;
	struct ivg_pv **pvs = one ? &j->disks[l->disk].pv : all;
	size_t n = one ? 1 : j->o->n_disks;
	uint64_t free_ext;
	char placed[256];
	int r = free_extents(j, all, j->o->n_disks, &j->free_before[i]);

	if (!r && !l->raid1)
		r = free_extents(j, pvs, n, &free_ext);
	if (r)
		return r;
	if (l->raid1)
		return allocate_raid1(j, i, legs);
	if (l->fit && !j->fitted && (r = fit_sizes(j, i, free_ext, free_ext)))
		return r;
	if (!l->size)
		j->extents[i] = free_ext;
	placed_before(j, i, placed, sizeof(placed));
	if (!j->extents[i])
		return ivg_err(j->ctx, ENOSPC, "VG %s: no free space left for %s%s",
			       j->vg->name, l->name, placed);
	if (j->extents[i] > free_ext)
		return ivg_err(j->ctx, ENOSPC,
			       "VG %s: %s of %llu MiB (%llu extents) does not fit: %s %llu MiB (%llu extents) free%s",
			       j->vg->name, l->name,
			       (unsigned long long)mib(j, j->extents[i]),
			       (unsigned long long)j->extents[i],
			       one ? j->disks[l->disk].path : "the disks have",
			       (unsigned long long)mib(j, free_ext),
			       (unsigned long long)free_ext, placed);
	return ivg_lv_create_linear(j->ctx, j->vg, l->name, j->extents[i], pvs,
				    n, NULL);
}

static int allocate_lvs(struct ivg_newvg *j)
{
	struct legs legs = { .nboot = 0 };
	struct ivg_pv **all;
	size_t n = j->o->n_disks;
	int r = 0;

	all = calloc(n + 1, sizeof(*all));
	j->extents = calloc(j->o->n_lvs + 1, sizeof(*j->extents));
	j->free_before = calloc(j->o->n_lvs + 1, sizeof(*j->free_before));
	if (!all || !j->extents || !j->free_before) {
		free(all);
		return ivg_err(j->ctx, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		all[i] = j->disks[i].pv;
		if (j->disks[i].boot && legs.nboot < IVG_MAX_LEGS)
			legs.boot[legs.nboot++] = j->disks[i].pv;
		/* --copies N: the first N boot disks. */
		if (j->disks[i].boot && j->disks[i].image &&
		    legs.nimage < (j->o->copies ? j->o->copies : IVG_MAX_LEGS))
			legs.image[legs.nimage++] = j->disks[i].pv;
	}
	for (size_t i = 0; i < j->o->n_lvs; i++)
		j->extents[i] = extents_for(j->o->lvs[i].size, j->extent);
	for (size_t i = 0; !r && i < j->o->n_lvs; i++)
		r = allocate_lv(j, i, all, &legs);
	free(all);
	return r;
}

static int check_metadata_fits(struct ivg_newvg *j)
{
	struct ivg_mda_header h = { .size = IVG_MDA_SIZE };
	char *text = NULL;
	size_t len = 0;
	int r = ivg_vg_validate(j->ctx, j->vg);

	if (!r)
		r = ivg_vg_to_text(j->ctx, j->vg, &text, &len);
	if (!r && !ivg_mda_text_fits(&h, len))
		r = ivg_err(j->ctx, ENOSPC,
			    "VG %s: metadata of %zu bytes is too large for the %llu-byte metadata areas",
			    j->vg->name, len, (unsigned long long)IVG_MDA_SIZE);
	free(text);
	return r;
}

/* Phase two, per disk: table, ESP, PV. */
static int write_disk(struct ivg_newvg *j, struct disk *d)
{
	int r = 0;

	if (d->create) {
		r = ivg_dev_create_file(j->ctx, d->path, j->o->create_size);
		d->made = !r;
		if (!r)
			r = ivg_dev_open(j->ctx, d->path, IVG_DEV_RDWR, &d->dev);
		if (r)
			return r;
	}
	/* The user agreed (or -f): old signatures go, as with pvcreate -y. */
	if (!d->create)
		r = ivg_probe_wipe(j->ctx, d->dev);
	ivg_info(j->ctx, "%s: writing the partition table", d->path);
	if (!r)
		r = ivg_gpt_write(j->ctx, d->dev, &d->layout);
	if (!r)
		r = ivg_esp_format(j->ctx, d->path, d->layout.esp_start,
				   d->layout.esp_size, "IVG-ESP");
	if (!r)
		r = ivg_dev_set_window(j->ctx, d->dev, d->layout.pv_start,
				       d->layout.pv_size);
	/*
	 * No PV label yet (write_pvs does it, after the filesystems): a crash
	 * before then leaves no PV that lvm2 reports "in use but in no VG".
	 * Clear any old label and metadata header in the window now, so that
	 * an earlier PV there (-f) is gone before its extents are reused.
	 */
	if (!r)
		r = ivg_dev_zero(j->ctx, d->dev, 0, IVG_MDA_START + IVG_SECTOR);
	if (!r)
		r = ivg_dev_sync(j->ctx, d->dev);
	d->pv->dev = d->dev;
	return r;
}

/* Labels and empty metadata areas, last before the metadata commit. */
static int write_pvs(struct ivg_newvg *j)
{
	int r = 0;

	for (size_t i = 0; !r && i < j->o->n_disks; i++) {
		struct disk *d = &j->disks[i];

		r = ivg_pv_write(j->ctx, d->dev, d->pv, &d->label);
		if (!r)
			d->pv->label = &d->label;
	}
	for (size_t i = 0; !r && i < j->o->n_disks; i++)
		r = ivg_dev_sync(j->ctx, j->disks[i].dev);
	return r;
}

static int zero_rmeta(struct ivg_newvg *j)
{
	static const char zero[4096];

	for (size_t i = 0; i < j->vg->lv_count; i++) {
		struct ivg_lv *lv = j->vg->lvs[i];
		struct ivg_lvio *io;
		int r;

		if (!strstr(lv->name, "_rmeta_"))
			continue;
		r = ivg_lvio_open(j->ctx, j->vg, lv->name, -1, &io);
		if (!r)
			r = ivg_lvio_pwrite(j->ctx, io, zero, sizeof(zero), 0);
		ivg_lvio_close(io);
		if (r)
			return r;
	}
	return 0;
}

static int make_fs(struct ivg_newvg *j, const struct ivg_newlv *l)
{
	enum ivg_fstype t = l->fs == IVG_NEWLV_EXT2 ? IVG_FS_EXT2 : IVG_FS_EXT4;
	const char *lv = l->name;
	struct ivg_lvio *io;
	int r;

	if (l->fs == IVG_NEWLV_NOFS)
		return 0;
	r = ivg_lvio_open(j->ctx, j->vg, lv, -1, &io);

	ivg_info(j->ctx, "%s/%s: creating the filesystem", j->vg->name, lv);
	if (!r)
		r = ivg_mkfs(j->ctx, io, t, l->fs_label);
	ivg_lvio_close(io);
	return r;
}

int ivg_newvg_write(struct ivg_ctx *ctx, struct ivg_newvg *j)
{
	int r = 0;

	j->ctx = ctx;
	for (size_t i = 0; !r && i < j->o->n_disks; i++)
		r = write_disk(j, &j->disks[i]);
	if (!r)
		r = zero_rmeta(j);
	for (size_t i = 0; !r && i < j->o->n_lvs; i++)
		r = make_fs(j, &j->o->lvs[i]);
	return r;
}

int ivg_newvg_write_labels(struct ivg_ctx *ctx, struct ivg_newvg *j)
{
	j->ctx = ctx;
	return write_pvs(j);
}

int ivg_newvg_commit(struct ivg_ctx *ctx, struct ivg_newvg *j)
{
	int r;

	j->ctx = ctx;
	r = write_pvs(j);
	if (!r)
		r = ivg_vg_commit(ctx, j->vg);
	return r;
}

static int check_all(struct ivg_newvg *j)
{
	int r = check_args(j);

	if (!r)
		r = check_tools(j);
	for (size_t i = 0; !r && i < j->o->n_disks; i++)
		r = resolve_disk(j, i);
	if (!r)
		r = check_same_device(j);
	if (!r)
		r = check_not_busy(j);
	if (!r)
		r = check_contents(j);
	if (!r)
		r = check_name_free(j);
	if (!r)
		r = new_vg(j);
	if (!r)
		r = plan_disks(j);
	if (!r)
		r = allocate_lvs(j);
	if (!r)
		r = check_metadata_fits(j);
	return r;
}

struct ivg_vg *ivg_newvg_vg(const struct ivg_newvg *n)
{
	return n->vg;
}

uint64_t ivg_newvg_lv_bytes(const struct ivg_newvg *n, size_t i)
{
	return i < n->o->n_lvs ? n->extents[i] * n->extent : 0;
}

bool ivg_newvg_scaled(const struct ivg_newvg *n)
{
	return n->scaled;
}

uint64_t ivg_newvg_free_before(const struct ivg_newvg *n, size_t i)
{
	return i < n->o->n_lvs ? n->free_before[i] * n->extent : 0;
}

void ivg_newvg_free(struct ivg_newvg *j)
{
	if (!j)
		return;
	for (size_t i = 0; j->disks && i < j->o->n_disks; i++) {
		if (j->disks[i].pv) {
			j->disks[i].pv->dev = NULL;
			j->disks[i].pv->label = NULL;
		}
		ivg_dev_close(j->disks[i].dev);
	}
	ivg_vg_free(j->vg);
	free(j->disks);
	free(j->extents);
	free(j->free_before);
	free(j);
}

int ivg_newvg_plan(struct ivg_ctx *ctx, const struct ivg_newvg_opts *o,
		   struct ivg_newvg **out)
{
	struct ivg_newvg *j = calloc(1, sizeof(*j));
	int r;

	*out = NULL;
	if (!j || !(j->disks = calloc(o->n_disks + 1, sizeof(*j->disks)))) {
		free(j);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	j->ctx = ctx;
	j->o = o;
	r = check_all(j);
	if (r) {
		ivg_newvg_free(j);
		return r;
	}
	*out = j;
	return 0;
}

/*
 * The image files a failed run made (--size) hold no VG: take them back,
 * so that a full filesystem is not left fuller. Only the very file made
 * here (same inode while it is open), never one put in its place.
 */
static void remove_made_files(struct ivg_newvg *j)
{
	for (size_t i = 0; j && i < j->o->n_disks; i++) {
		struct disk *d = &j->disks[i];
		struct stat st;

		if (!d->made || (d->dev && (stat(d->path, &st) ||
					    st.st_dev != d->dev->st_dev ||
					    st.st_ino != d->dev->st_ino)))
			continue;
		if (unlink(d->path) == 0)
			ivg_info(j->ctx, "%s: removed the image file this run made",
				 d->path);
	}
}

static void report_made(const struct ivg_newvg *n, struct ivg_create_made *made)
{
	if (!made)
		return;
	made->bootlv_size = ivg_newvg_lv_bytes(n, 0);
	made->bosfs_size = ivg_newvg_lv_bytes(n, 1);
	made->oppfs_size = ivg_newvg_lv_bytes(n, 2);
	made->free_after_bootlv = ivg_newvg_free_before(n, 1);
	made->scaled = ivg_newvg_scaled(n);
}

int ivg_create(struct ivg_ctx *ctx, const struct ivg_create_opts *o,
	       struct ivg_create_made *made)
{
	/* bootlv first: the fit defaults share what it leaves. */
	const struct ivg_newlv lvs[] = {
		{ IVG_BOOTLV, o->bootlv_size ? o->bootlv_size : IVG_DEFAULT_BOOTLV,
		  true, false, -1, IVG_NEWLV_EXT2, "ivg-boot", false },
		{ IVG_BOSFS, o->bosfs_size ? o->bosfs_size : IVG_DEFAULT_BOSFS,
		  true, true, -1, IVG_NEWLV_EXT4, "ivg-bos", !o->bosfs_size },
		{ IVG_OPPFS, o->oppfs_size ? o->oppfs_size : IVG_DEFAULT_OPPFS,
		  true, true, -1, IVG_NEWLV_EXT4, "ivg-opp", !o->oppfs_size },
	};
	const struct ivg_newvg_opts no = {
		.vgname = o->vgname, .vg_tag = IVG_VG_TAG,
		.boot_tag = IVG_BOOT_TAG, .disks = o->disks,
		.n_disks = o->n_disks, .boot_disks = o->boot_disks,
		.n_boot = o->n_boot, .image_disks = o->image_disks,
		.n_image = o->n_image, .copies = o->copies,
		.extent_size = o->extent_size,
		.create_size = o->create_size, .lvs = lvs,
		.n_lvs = sizeof(lvs) / sizeof(lvs[0]), .force = o->force,
		.system_id = o->system_id, .confirm = o->confirm,
		.confirm_arg = o->confirm_arg, .others = o->others,
		.n_others = o->n_others,
	};
	struct ivg_newvg *n;
	int r = ivg_newvg_plan(ctx, &no, &n);

	/* Interrupted before the first write, or before the labels and the
	 * metadata: no VG (the disks are left partitioned, not PVs). */
	if (!r)
		r = ivg_check_interrupt(ctx, o->vgname);
	if (!r)
		r = ivg_newvg_write(ctx, n);
	if (!r && o->before_commit)
		r = o->before_commit(ctx, n->vg, o->before_commit_arg);
	if (!r)
		r = ivg_check_interrupt(ctx, o->vgname);
	if (!r)
		r = ivg_newvg_commit(ctx, n);
	if (r)
		remove_made_files(n);
	else
		report_made(n, made);
	ivg_newvg_free(n);
	return r;
}
