/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan.c - read the heads of many devices at once and find their PVs.
 *
 * Rounds of parallel reads (libaio): the head of every device; then the
 * head of the LVM partition on disks whose PV sits in a GPT partition;
 * then the parts of metadata areas the heads did not hold. Whatever is
 * still missing after that is read synchronously.
 */
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aio.h"
#include "dev.h"
#include "gpt.h"

enum { HEAD_SIZE = 128 * 1024 };

struct buf {
	uint8_t *data;
	uint64_t off;              /* window offset of data[0] */
	size_t len;
};

static void set_err(struct ivg_scan_pv *p, int err, const char *msg)
{
	p->err = err ? err : -EIO;
	snprintf(p->errmsg, sizeof(p->errmsg), "%s", msg);
}

static void set_mda_err(struct ivg_mda_copy *m, int err, const char *msg)
{
	m->err = err ? err : -EIO;
	snprintf(m->errmsg, sizeof(m->errmsg), "%s", msg);
}

static void open_all(struct ivg_ctx *ctx, struct ivg_scan *s,
		     char *const *paths, bool rdwr)
{
	for (size_t i = 0; i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];
		int r = ivg_dev_open(ctx, paths[i],
				     rdwr ? IVG_DEV_RDWR : IVG_DEV_RDONLY,
				     &p->dev);

		if (r)
			set_err(p, r, ivg_errmsg(ctx));
	}
}

/*
 * Read the window range [want[i].off, +want[i].len) of every device with
 * want[i].len > 0, all at once, into want[i].data (malloc'd).
 */
static int read_parallel(struct ivg_ctx *ctx, struct ivg_scan *s,
			 struct buf *want)
{
	struct ivg_aio_req *reqs = calloc(s->count + 1, sizeof(*reqs));
	size_t *idx = calloc(s->count + 1, sizeof(*idx));
	size_t n = 0;
	int r = 0;

	if (!reqs || !idx)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < s->count; i++) {
		if (!want[i].len)
			continue;
		want[i].data = malloc(want[i].len);
		if (!want[i].data) {
			r = ivg_err(ctx, ENOMEM, "out of memory");
			break;
		}
		reqs[n] = (struct ivg_aio_req){ .dev = s->pvs[i].dev,
			.off = s->pvs[i].dev->base + want[i].off,
			.len = want[i].len, .buf = want[i].data };
		idx[n++] = i;
	}
	if (!r && n)
		r = ivg_aio_read_all(ctx, reqs, n);
	for (size_t k = 0; !r && k < n; k++) {
		struct ivg_scan_pv *p = &s->pvs[idx[k]];

		if (!reqs[k].result)
			continue;
		ivg_err(ctx, reqs[k].result, "%s: cannot read %zu bytes at %llu: %s",
			p->path, reqs[k].len, (unsigned long long)reqs[k].off,
			strerror(-reqs[k].result));
		set_err(p, reqs[k].result, ivg_errmsg(ctx));
		free(want[idx[k]].data);
		want[idx[k]] = (struct buf){ 0 };
	}
	free(reqs);
	free(idx);
	return r;
}

static size_t head_len(const struct ivg_dev *dev)
{
	return dev->size < HEAD_SIZE ? (size_t)dev->size : HEAD_SIZE;
}

static void want_heads(struct ivg_scan *s, struct buf *b, bool partitions)
{
	for (size_t i = 0; i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];

		b[i] = (struct buf){ 0 };
		if (p->dev && !p->err && p->in_partition == partitions &&
		    !p->has_label)
			b[i].len = head_len(p->dev);
	}
}

/* A label on the whole device, else the LVM partition of its table. */
static void locate_pv(struct ivg_ctx *ctx, struct ivg_scan_pv *p,
		      const struct buf *head)
{
	uint64_t start, size;
	int r = ivg_label_find(ctx, p->path, head->data, head->len, &p->label);

	if (!r) {
		p->has_label = true;
		return;
	}
	if (r != -ENOENT)
		return set_err(p, r, ivg_errmsg(ctx));
	r = ivg_gpt_find_pv(ctx, p->dev, &start, &size, &p->partno);
	if (r == -ENOENT) {
		ivg_err(ctx, ENOENT, "%s: no LVM label and no LVM partition",
			p->path);
		return set_err(p, r, ivg_errmsg(ctx));
	}
	if (!r)
		r = ivg_dev_set_window(ctx, p->dev, start, size);
	if (r)
		return set_err(p, r, ivg_errmsg(ctx));
	p->in_partition = true;
}

static void label_in_partition(struct ivg_ctx *ctx, struct ivg_scan_pv *p,
			       const struct buf *head)
{
	int r = ivg_label_find(ctx, p->path, head->data, head->len, &p->label);

	if (!r) {
		p->has_label = true;
		return;
	}
	if (r == -ENOENT)
		ivg_err(ctx, ENOENT, "%s: no LVM label in partition %d",
			p->path, p->partno);
	set_err(p, r, ivg_errmsg(ctx));
}

static void free_bufs(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].data);
		b[i] = (struct buf){ 0 };
	}
}

/* Pull the VG name, id and seqno from the top of the text. */
static int text_identity(struct ivg_mda_copy *m)
{
	const char *t = m->text, *end = t + m->len;
	size_t n = 0;

	while (t < end && (*t == ' ' || *t == '\t' || *t == '\n'))
		t++;
	while (t + n < end && t[n] && !strchr(" \t\n{", t[n]))
		n++;
	if (!n || n > IVG_NAME_MAX)
		return -EILSEQ;
	memcpy(m->vgname, t, n);
	m->vgname[n] = 0;
	for (const char *l = t; l && l < end && *l; l = strchr(l, '\n')) {
		unsigned long seq;
		char id[64];

		while (*l == '\n' || *l == ' ' || *l == '\t')
			l++;
		if (sscanf(l, "id = \"%63[^\"]\"", id) == 1 && !m->vgid[0])
			ivg_uuid_parse(id, m->vgid);
		else if (sscanf(l, "seqno = %lu", &seq) == 1) {
			m->seqno = (uint32_t)seq;
			return m->vgid[0] ? 0 : -EILSEQ;
		}
	}
	return -EILSEQ;
}

/* Decode mda k from b; -EAGAIN with *need set when b is too short. */
static int mda_from_buf(struct ivg_ctx *ctx, struct ivg_scan_pv *p, size_t k,
			const struct buf *b, uint64_t *need)
{
	struct ivg_mda_copy *m = &p->mda[k];
	const struct ivg_disk_locn *l = &p->label.mda[k];
	int r;

	r = ivg_mda_header_from_buf(ctx, p->path, b->data, b->off, b->len,
				    l->offset, l->size, &m->hdr, need);
	if (r)
		return r;
	r = ivg_mda_text_from_buf(ctx, p->path, b->data, b->off, b->len,
				  &m->hdr, IVG_MDA_COMMITTED, &m->text,
				  &m->len, need);
	return r;
}

/* The same from the device, for what the parallel rounds did not get. */
static int mda_from_dev(struct ivg_ctx *ctx, struct ivg_scan_pv *p, size_t k)
{
	struct ivg_mda_copy *m = &p->mda[k];
	const struct ivg_disk_locn *l = &p->label.mda[k];
	int r = ivg_mda_read(ctx, p->dev, l->offset, l->size, &m->hdr);

	if (!r)
		r = ivg_mda_read_text(ctx, p->dev, &m->hdr, IVG_MDA_COMMITTED,
				      &m->text, &m->len);
	return r;
}

static void finish_mda(struct ivg_ctx *ctx, struct ivg_scan_pv *p, size_t k,
		       int r)
{
	struct ivg_mda_copy *m = &p->mda[k];

	if (r == -ENOENT) {
		/* An empty area: an orphan PV, not damage. */
		m->err = -ENOENT;
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "%s: metadata area %zu is empty", p->path, k + 1);
		return;
	}
	if (r)
		return set_mda_err(m, r, ivg_errmsg(ctx));
	if (text_identity(m)) {
		ivg_err(ctx, EILSEQ, "%s: metadata area %zu: text does not start with a VG",
			p->path, k + 1);
		set_mda_err(m, -EILSEQ, ivg_errmsg(ctx));
	}
}

/*
 * Metadata areas: first from the PV head, then from one parallel read of
 * what each area still needs, then synchronously.
 */
static int load_mdas(struct ivg_ctx *ctx, struct ivg_scan *s,
		     struct buf *heads, size_t k)
{
	struct buf *more = calloc(s->count + 1, sizeof(*more));
	int *res = calloc(s->count + 1, sizeof(*res));
	int r = 0;

	if (!more || !res)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];
		uint64_t need = 0;
		const struct ivg_disk_locn *l = &p->label.mda[k];

		if (!p->has_label || k >= p->label.mda_count)
			continue;
		res[i] = mda_from_buf(ctx, p, k, &heads[i], &need);
		if (res[i] == -EAGAIN && need > l->offset &&
		    need - l->offset <= l->size)
			more[i] = (struct buf){ NULL, l->offset,
						(size_t)(need - l->offset) };
	}
	if (!r)
		r = read_parallel(ctx, s, more);
	for (size_t i = 0; !r && i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];

		if (!p->has_label || k >= p->label.mda_count)
			continue;
		if (res[i] == -EAGAIN && more[i].data)
			res[i] = mda_from_buf(ctx, p, k, &more[i], NULL);
		if (res[i] == -EAGAIN && !p->err)
			res[i] = mda_from_dev(ctx, p, k);
		finish_mda(ctx, p, k, res[i]);
	}
	if (more)
		free_bufs(more, s->count);
	free(more);
	free(res);
	return r;
}

int ivg_scan_devices(struct ivg_ctx *ctx, char *const *paths, size_t n,
		     bool rdwr, struct ivg_scan **out)
{
	struct ivg_scan *s = calloc(1, sizeof(*s));
	struct buf *heads = calloc(n + 1, sizeof(*heads));
	int r = 0;

	*out = NULL;
	if (!s || !heads || !(s->pvs = calloc(n + 1, sizeof(*s->pvs)))) {
		free(heads);
		ivg_scan_free(s);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	s->count = n;
	for (size_t i = 0; i < n; i++)
		if (!(s->pvs[i].path = strdup(paths[i])))
			r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r)
		open_all(ctx, s, paths, rdwr);
	want_heads(s, heads, false);
	if (!r)
		r = read_parallel(ctx, s, heads);
	for (size_t i = 0; !r && i < n; i++)
		if (heads[i].data)
			locate_pv(ctx, &s->pvs[i], &heads[i]);
	/* Heads of whole-disk PVs stay; partitions get their own head. */
	for (size_t i = 0; i < n; i++)
		if (s->pvs[i].in_partition) {
			free(heads[i].data);
			heads[i] = (struct buf){ 0 };
		}
	if (!r) {
		struct buf *ph = calloc(n + 1, sizeof(*ph));

		if (!ph)
			r = ivg_err(ctx, ENOMEM, "out of memory");
		else
			want_heads(s, ph, true);
		if (!r)
			r = read_parallel(ctx, s, ph);
		for (size_t i = 0; !r && i < n; i++)
			if (ph[i].data) {
				label_in_partition(ctx, &s->pvs[i], &ph[i]);
				heads[i] = ph[i];
			}
		free(ph);
	}
	for (size_t k = 0; !r && k < IVG_LABEL_MAX_MDAS; k++)
		r = load_mdas(ctx, s, heads, k);
	for (size_t i = 0; i < n; i++)
		s->pvs[i].mda_count = s->pvs[i].has_label ?
				      s->pvs[i].label.mda_count : 0;
	free_bufs(heads, n);
	free(heads);
	if (r) {
		ivg_scan_free(s);
		return r;
	}
	ctx->errmsg[0] = 0;
	*out = s;
	return 0;
}

void ivg_scan_free(struct ivg_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];

		for (size_t k = 0; k < IVG_LABEL_MAX_MDAS; k++)
			free(p->mda[k].text);
		ivg_dev_close(p->dev);
		free(p->path);
	}
	free(s->pvs);
	free(s);
}

const struct ivg_mda_copy *ivg_scan_best(const struct ivg_scan *s,
					 const char *vgname)
{
	const struct ivg_mda_copy *best = NULL;

	for (size_t i = 0; i < s->count; i++)
		for (size_t k = 0; k < s->pvs[i].mda_count; k++) {
			const struct ivg_mda_copy *m = &s->pvs[i].mda[k];

			if (m->err || strcmp(m->vgname, vgname))
				continue;
			if (!best || m->seqno > best->seqno)
				best = m;
		}
	return best;
}
