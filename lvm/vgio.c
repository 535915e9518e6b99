/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vgio.c - VG open from a scan; lvm2-ordered metadata commit. */
#define _GNU_SOURCE
#include "vgio.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "mda.h"
#include "validate.h"
#include "vgtext.h"
#include "vgsel.h"

static void problem(struct ivg_vgh *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line for the report; one that finds no memory is left out. */
static void problem(struct ivg_vgh *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ivg_strvec_vaddf(&h->problems, fmt, ap);
	va_end(ap);
}

/*
 * Where the PV's extents lie on its device, in bytes: [*from, *to).
 * The numbers come from the metadata text: false when they overflow.
 */
static bool extents_span(const struct ivg_vg *vg, const struct ivg_pv *pv,
			 uint64_t *from, uint64_t *to)
{
	uint64_t eb = (uint64_t)vg->extent_size * 512;

	if (pv->pe_start > UINT64_MAX / 512 || (eb && pv->pe_count > UINT64_MAX / eb))
		return false;
	*from = pv->pe_start * 512;
	*to = *from + pv->pe_count * eb;
	return *to >= *from;
}

/*
 * Metadata area k of the PV's label inside its extents: a commit would
 * write the text over LV data. Says so into msg (len bytes) if it is.
 */
static bool mda_in_extents(const struct ivg_vg *vg, const struct ivg_pv *pv,
			   char *msg, size_t len)
{
	uint64_t from, to;

	if (!extents_span(vg, pv, &from, &to))
		return false;
	for (size_t k = 0; k < pv->label->mda_count; k++) {
		const struct ivg_disk_locn *m = &pv->label->mda[k];

		if (m->offset < to && (m->size > UINT64_MAX - m->offset ||
				       from < m->offset + m->size)) {
			snprintf(msg, len, "PV %s (%s): metadata area %zu (at %llu, %llu bytes) lies inside its extents (bytes %llu to %llu)",
				 pv->name, pv->dev->path, k + 1,
				 (unsigned long long)m->offset,
				 (unsigned long long)m->size,
				 (unsigned long long)from,
				 (unsigned long long)to);
			return true;
		}
	}
	return false;
}

/* What lvm2 warns about a PV's place on its device. */
static void check_place(struct ivg_vgh *h, const struct ivg_pv *pv)
{
	uint64_t from, to;
	char msg[512];

	if (!extents_span(h->vg, pv, &from, &to) || to > pv->dev->size)
		problem(h, "PV %s (%s): the device has %llu bytes, fewer than its %llu extents from sector %llu need",
			pv->name, pv->dev->path,
			(unsigned long long)pv->dev->size,
			(unsigned long long)pv->pe_count,
			(unsigned long long)pv->pe_start);
	if (mda_in_extents(h->vg, pv, msg, sizeof(msg)))
		problem(h, "%s", msg);
}

/* Attach the scanned device that carries each PV's UUID. */
static void attach_pvs(struct ivg_vgh *h)
{
	const struct ivg_scan *s = h->scan;
	struct ivg_vg *vg = h->vg;
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];
		char uuid[IVG_UUID_LEN + 7];

		for (size_t d = 0; d < s->count; d++) {
			struct ivg_scan_pv *sp = &s->pvs[d];

			if (!sp->has_label || strcmp(sp->label.pv_uuid, pv->id))
				continue;
			if (pv->dev) {
				h->duplicates++;
				problem(h, "PV %s: duplicate, found on %s and %s; using %s",
					pv->name, pv->dev->path, sp->path,
					pv->dev->path);
				continue;
			}
			pv->dev = sp->dev;
			pv->label = &sp->label;
			check_place(h, pv);
		}
		/* A report, not a refusal: the VG reads as lvm2 reads it. */
		if (ivg_pv_check_extents(&scratch, vg, pv))
			problem(h, "%s", ivg_errmsg(&scratch));
		if (!pv->dev) {
			ivg_uuid_format(pv->id, uuid);
			h->missing++;
			problem(h, "PV %s (UUID %s, last seen on %s) is missing",
				pv->name, uuid,
				pv->device ? pv->device : "unknown device");
		}
	}
}

/* Report every metadata copy on the VG's PVs that is not the current one. */
static void check_copies(struct ivg_vgh *h)
{
	const struct ivg_scan *s = h->scan;

	for (size_t d = 0; d < s->count; d++) {
		const struct ivg_scan_pv *sp = &s->pvs[d];
		struct ivg_pv *pv = sp->has_label ?
			ivg_vg_pv_by_id(h->vg, sp->label.pv_uuid) : NULL;

		if (!pv || pv->dev != sp->dev)
			continue;
		for (size_t k = 0; k < sp->mda_count; k++) {
			const struct ivg_mda_copy *m = &sp->mda[k];

			if (m->err)
				problem(h, "PV %s (%s): metadata copy %zu is damaged: %s",
					pv->name, sp->path, k + 1, m->errmsg);
			else if (strcmp(m->vgname, h->vg->name))
				problem(h, "PV %s (%s): metadata copy %zu names VG %s",
					pv->name, sp->path, k + 1, m->vgname);
			else if (m->seqno != h->vg->seqno)
				problem(h, "PV %s (%s): metadata copy %zu is stale (seqno %u, current %u)",
					pv->name, sp->path, k + 1, m->seqno,
					h->vg->seqno);
		}
	}
}

/* Two copies hold the same text (the scan shares equal texts). */
static bool same_text(const struct ivg_mda_copy *a,
		      const struct ivg_mda_copy *b)
{
	return a->text == b->text ||
	       (a->len == b->len && !memcmp(a->text, b->text, a->len));
}

/*
 * Parse copy k of scanned PV d. A text that does not read is the copy's
 * damage, as lvm2 takes it ("bad metadata text"): every copy of the VG
 * with the same text is marked unusable with the reason, and the caller
 * goes on with the others. *vg is NULL then.
 */
static int read_copy(struct ivg_ctx *ctx, struct ivg_scan *scan, size_t d,
		     size_t k, struct ivg_vg **vg)
{
	struct ivg_mda_copy *m = &scan->pvs[d].mda[k];
	char src[PATH_MAX + 16];
	int r;

	snprintf(src, sizeof(src), "%s mda%zu", scan->pvs[d].path, k + 1);
	r = ivg_vg_from_text(ctx, m->text, m->len, src, vg);
	if (!r || r == -ENOMEM)
		return r;
	for (size_t e = 0; e < scan->count; e++)
		for (size_t j = 0; j < scan->pvs[e].mda_count; j++) {
			struct ivg_mda_copy *o = &scan->pvs[e].mda[j];

			if (o == m || (!o->err && !strcmp(o->vgname, m->vgname) &&
				       same_text(o, m))) {
				o->err = r;
				snprintf(o->errmsg, sizeof(o->errmsg), "%s",
					 ivg_errmsg(ctx));
			}
		}
	return r;
}

/* Where the scan keeps a copy: PV d, area k. */
static void copy_place(const struct ivg_scan *scan,
		       const struct ivg_mda_copy *m, size_t *d, size_t *k)
{
	*k = 0;
	for (*d = 0; *d < scan->count; (*d)++)
		for (*k = 0; *k < scan->pvs[*d].mda_count; (*k)++)
			if (&scan->pvs[*d].mda[*k] == m)
				return;
}

/*
 * The current VG: the best copy that reads. Copies whose text does not
 * read are marked damaged (read_copy); if none reads, the best copy's
 * error is the answer.
 */
static int read_best(struct ivg_ctx *ctx, struct ivg_scan *scan,
		     const char *vgname, const char *vgid, struct ivg_vg **vg,
		     const struct ivg_mda_copy **used)
{
	char first[IVG_ERRMSG_MAX] = "";
	int first_r = 0, r;
	const struct ivg_mda_copy *best;
	size_t d, k;

	while ((best = ivg_scan_best(scan, vgname, vgid))) {
		copy_place(scan, best, &d, &k);
		r = read_copy(ctx, scan, d, k, vg);
		*used = best;
		if (!r || r == -ENOMEM)
			return r;
		if (!first_r) {
			first_r = r;
			snprintf(first, sizeof(first), "%s", ivg_errmsg(ctx));
		}
	}
	if (first_r)
		return ivg_err(ctx, first_r, "%s", first);
	return ivg_err(ctx, ENOENT, "Volume group \"%s\" not found", vgname);
}

/*
 * Copies of the current seqno whose bytes differ from the text read: lvm2
 * reads each, so a damaged one is reported, not trusted by a later read.
 */
static int read_other_copies(struct ivg_ctx *ctx, struct ivg_scan *scan,
			     const struct ivg_vg *vg,
			     const struct ivg_mda_copy *used)
{
	for (size_t d = 0; d < scan->count; d++)
		for (size_t k = 0; k < scan->pvs[d].mda_count; k++) {
			const struct ivg_mda_copy *m = &scan->pvs[d].mda[k];
			struct ivg_vg *other = NULL;
			int r;

			if (m->err || strcmp(m->vgname, vg->name) ||
			    m->seqno != vg->seqno || same_text(m, used))
				continue;
			r = read_copy(ctx, scan, d, k, &other);
			ivg_vg_free(other);
			if (r == -ENOMEM)
				return r;
		}
	return 0;
}

int ivg_vg_open(struct ivg_ctx *ctx, struct ivg_scan *scan,
		const char *vgname, struct ivg_vgh **out)
{
	return ivg_vg_open_id(ctx, scan, vgname, NULL, out);
}

int ivg_vg_open_id(struct ivg_ctx *ctx, struct ivg_scan *scan,
		   const char *vgname, const char *vgid, struct ivg_vgh **out)
{
	const struct ivg_mda_copy *used = NULL;
	struct ivg_vgh *h;
	int r;

	*out = NULL;
	if (!ivg_scan_best(scan, vgname, vgid))
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" not found",
			       vgname);
	if (!vgid && ivg_scan_vgids(scan, vgname, NULL, 0) > 1)
		return ivg_vgsel_not_unique(ctx, scan, vgname,
					    "name the devices of one with --devices, or rename one with lvm2's vgrename UUID NEWNAME");
	h = calloc(1, sizeof(*h));
	if (!h)
		return ivg_err(ctx, ENOMEM, "out of memory");
	h->scan = scan;
	r = read_best(ctx, scan, vgname, vgid, &h->vg, &used);
	if (!r)
		r = read_other_copies(ctx, scan, h->vg, used);
	if (r) {
		ivg_vg_free(h->vg);
		free(h);
		return r;
	}
	attach_pvs(h);
	check_copies(h);
	*out = h;
	return 0;
}

static int missing_pv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const struct ivg_pv *pv)
{
	return ivg_err(ctx, ENXIO,
		       "VG %s: PV %s (%s) is missing; not writing metadata to a partial VG",
		       vg->name, pv->name, pv->device ? pv->device : "unknown device");
}

static int check_writable(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	for (size_t i = 0; i < vg->pv_count; i++) {
		const struct ivg_pv *pv = vg->pvs[i];

		if (!pv->dev || !pv->label)
			return missing_pv(ctx, vg, pv);
		if (!pv->dev->rdwr)
			return ivg_err(ctx, EROFS, "%s: opened read-only",
				       pv->dev->path);
	}
	return 0;
}

static int reopen_rw(struct ivg_ctx *ctx, struct ivg_vgh *h, bool partial)
{
	/* Which copy is the PV? Writing one would leave the other stale. */
	if (h->duplicates)
		return ivg_err(ctx, EEXIST,
			       "Cannot update volume group \"%s\" with duplicate PV devices: name one device of each PV with --devices",
			       h->vg->name);
	/* A partial VG is not written: found before anything is opened. */
	for (size_t i = 0; i < h->vg->pv_count; i++) {
		char msg[512];

		if (!h->vg->pvs[i]->dev || !h->vg->pvs[i]->label) {
			if (partial)
				continue;
			return missing_pv(ctx, h->vg, h->vg->pvs[i]);
		}
		if (mda_in_extents(h->vg, h->vg->pvs[i], msg, sizeof(msg)))
			return ivg_err(ctx, EILSEQ,
				       "Cannot update volume group \"%s\": %s; a commit would overwrite LV data",
				       h->vg->name, msg);
	}
	for (size_t d = 0; d < h->scan->count; d++) {
		struct ivg_scan_pv *sp = &h->scan->pvs[d];
		struct ivg_pv *pv = sp->has_label ?
			ivg_vg_pv_by_id(h->vg, sp->label.pv_uuid) : NULL;
		struct ivg_dev *rw;
		int r;

		if (!pv || pv->dev != sp->dev || sp->dev->rdwr)
			continue;
		r = ivg_dev_open(ctx, sp->path, IVG_DEV_RDWR, &rw);
		if (!r)
			r = ivg_dev_set_window(ctx, rw, sp->dev->base,
					       sp->dev->size);
		if (r) {
			ivg_dev_close(rw);
			return r;
		}
		ivg_dev_close(sp->dev);
		sp->dev = pv->dev = rw;
	}
	return 0;
}

int ivg_vg_reopen_rw(struct ivg_ctx *ctx, struct ivg_vgh *h)
{
	return reopen_rw(ctx, h, false);
}

int ivg_vg_reopen_rw_present(struct ivg_ctx *ctx, struct ivg_vgh *h)
{
	return reopen_rw(ctx, h, true);
}

void ivg_vg_close(struct ivg_vgh *h)
{
	if (!h)
		return;
	ivg_strvec_free(&h->problems);
	ivg_vg_free(h->vg);
	free(h);
}


/*
 * Read an area's header for writing. A damaged header is replaced by an
 * empty one: its ring positions are lost anyway, and the text we are
 * about to write is the current one.
 */
static int header_for_write(struct ivg_ctx *ctx, struct ivg_pv *pv, size_t k,
			    struct ivg_mda_header *hdr)
{
	const struct ivg_disk_locn *l = &pv->label->mda[k];
	int r = ivg_mda_read(ctx, pv->dev, l->offset, l->size, hdr);

	if (r == -EILSEQ) {
		r = ivg_mda_init(ctx, pv->dev, l->offset, l->size);
		if (!r)
			r = ivg_mda_read(ctx, pv->dev, l->offset, l->size, hdr);
	}
	return r;
}

static int sync_all(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	for (size_t i = 0; i < vg->pv_count; i++) {
		int r = ivg_dev_sync(ctx, vg->pvs[i]->dev);

		if (r)
			return r;
	}
	return 0;
}

struct slot {
	struct ivg_pv *pv;
	struct ivg_mda_header hdr;
};

static size_t count_areas(const struct ivg_vg *vg)
{
	size_t n = 0;

	for (size_t i = 0; i < vg->pv_count; i++)
		n += vg->pvs[i]->label->mda_count;
	return n;
}

static int text_fits(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     const struct ivg_pv *pv, const struct ivg_mda_header *hdr,
		     size_t len)
{
	if (ivg_mda_text_fits(hdr, len))
		return 0;
	return ivg_err(ctx, ENOSPC,
		       "%s: VG %s metadata (%zu bytes) is too large for the metadata area (at most %llu bytes)",
		       pv->dev->path, vg->name, len,
		       (unsigned long long)ivg_mda_max_text(hdr));
}

/* The text of vg as its next commit writes it (seqno + 1), validated. */
static int next_text(struct ivg_ctx *ctx, struct ivg_vg *vg, char **text,
		     size_t *len)
{
	int r;

	vg->seqno++;
	r = ivg_vg_validate(ctx, vg);
	if (!r)
		r = ivg_vg_to_text(ctx, vg, text, len);
	vg->seqno--;
	return r;
}

static int precommit_all(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 struct slot *slots, const char *text, size_t len)
{
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; !r && i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];

		for (size_t k = 0; !r && k < pv->label->mda_count; k++) {
			struct slot *s = &slots[n++];

			s->pv = pv;
			r = header_for_write(ctx, pv, k, &s->hdr);
			if (!r)
				r = text_fits(ctx, vg, pv, &s->hdr, len);
		}
	}
	/* Check every area before writing to any. */
	for (size_t i = 0; !r && i < n; i++)
		r = ivg_mda_write_precommit(ctx, slots[i].pv->dev,
					    &slots[i].hdr, text, len);
	return r;
}

int ivg_vg_commit(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	return ivg_vg_commit_landed(ctx, vg, NULL);
}

int ivg_vg_commit_landed(struct ivg_ctx *ctx, struct ivg_vg *vg, bool *landed)
{
	struct slot *slots;
	char *text = NULL;
	size_t len = 0, n;
	int r = check_writable(ctx, vg);

	if (landed)
		*landed = false;
	if (r || (r = next_text(ctx, vg, &text, &len)))
		return r;
	vg->seqno++;
	n = count_areas(vg);
	slots = calloc(n + 1, sizeof(*slots));
	if (!slots)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r)
		r = precommit_all(ctx, vg, slots, text, len);
	if (!r)
		r = sync_all(ctx, vg);
	for (size_t i = 0; !r && i < n; i++) {
		r = ivg_mda_commit(ctx, slots[i].pv->dev, &slots[i].hdr);
		/* One committed header: readers take the new copy. */
		if (!r && landed)
			*landed = true;
	}
	if (!r)
		r = sync_all(ctx, vg);
	if (r)
		vg->seqno--;
	free(slots);
	free(text);
	return r;
}

/* Warnings are the commit's to give (once): the check keeps quiet. */
static void quiet_log(struct ivg_ctx *ctx, int level, const char *msg)
{
}

int ivg_vg_commit_check(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	struct ivg_ctx quiet = *ctx;
	char *text = NULL;
	size_t len = 0;
	int r = 0;

	for (size_t i = 0; !r && i < vg->pv_count; i++)
		if (!vg->pvs[i]->dev || !vg->pvs[i]->label)
			r = missing_pv(ctx, vg, vg->pvs[i]);
	if (r)
		return r;
	quiet.log = quiet_log;
	if ((r = next_text(&quiet, vg, &text, &len)))
		return ivg_err(ctx, r, "%s", ivg_errmsg(&quiet));
	for (size_t i = 0; !r && i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];

		for (size_t k = 0; !r && k < pv->label->mda_count; k++) {
			const struct ivg_disk_locn *l = &pv->label->mda[k];
			struct ivg_mda_header hdr;

			r = ivg_mda_read(ctx, pv->dev, l->offset, l->size, &hdr);
			/* A damaged header is replaced by an empty one. */
			if (r == -EILSEQ) {
				r = 0;
				continue;
			}
			if (!r)
				r = text_fits(ctx, vg, pv, &hdr, len);
		}
	}
	free(text);
	return r;
}

int ivg_scan_vgnames(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		     struct ivg_strvec *names)
{
	*names = (struct ivg_strvec){ 0 };
	for (size_t d = 0; d < scan->count; d++)
		for (size_t k = 0; k < scan->pvs[d].mda_count; k++) {
			const struct ivg_mda_copy *m = &scan->pvs[d].mda[k];

			if (!m->err && ivg_strvec_add_once(names, m->vgname)) {
				ivg_strvec_free(names);
				return ivg_err(ctx, ENOMEM, "out of memory");
			}
		}
	ivg_strvec_sort(names);
	return 0;
}
