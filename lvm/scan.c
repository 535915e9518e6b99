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
#include "loopback.h"

/* Enough for the label and a first metadata area header; texts come in
 * a second round, exactly where their headers say. */
enum { HEAD_SIZE = 8 * 1024 };

struct buf {
	uint8_t *data;
	uint64_t off;              /* window offset of data[0] */
	size_t len;
};

/*
 * The buffers of one read round live in one aligned block (fewer page
 * mappings than a block each); the blocks of all rounds are kept until
 * the scan ends, because texts are decoded from them.
 */
struct arenas {
	void *block[8];
	size_t n;
};

static uint8_t *arena_alloc(struct arenas *a, size_t len)
{
	void *p = NULL;

	if (a->n == sizeof(a->block) / sizeof(a->block[0]) ||
	    posix_memalign(&p, IVG_DIO_ALIGN, len ? len : 1))
		return NULL;
	a->block[a->n++] = p;
	return p;
}

static void arenas_free(struct arenas *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->block[i]);
	a->n = 0;
}

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

		if (r) {
			set_err(p, r, ivg_errmsg(ctx));
			continue;
		}
		ivg_dev_open_direct(p->dev);
	}
}

static void forget_bufs(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (struct buf){ 0 };
}

/*
 * Read the window range [want[i].off, +want[i].len) of every device with
 * want[i].len > 0, all at once, into want[i].data (malloc'd).
 */
static uint64_t align_down(uint64_t v)
{
	return v / IVG_DIO_ALIGN * IVG_DIO_ALIGN;
}

static uint64_t align_up(uint64_t v)
{
	return (v + IVG_DIO_ALIGN - 1) / IVG_DIO_ALIGN * IVG_DIO_ALIGN;
}

/*
 * 'optional': the caller reads what this round leaves unread another way,
 * so a buffer that cannot be had is no failure: nothing is read.
 */
static int read_parallel(struct ivg_ctx *ctx, struct ivg_aio *aio,
			 struct ivg_scan *s, struct buf *want,
			 struct arenas *arenas, bool optional)
{
	struct ivg_aio_req *reqs = calloc(s->count + 1, sizeof(*reqs));
	size_t *idx = calloc(s->count + 1, sizeof(*idx));
	size_t n = 0, total = 0;
	uint8_t *block = NULL;
	int r = 0;

	for (size_t i = 0; i < s->count; i++)
		total += align_up(want[i].len);
	if (reqs && idx && total && !(block = arena_alloc(arenas, total)) &&
	    optional) {
		forget_bufs(want, s->count);
		total = 0;
	}
	if (!reqs || !idx || (total && !block))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < s->count; i++) {
		if (!want[i].len)
			continue;
		/* Aligned, so that the read can go O_DIRECT (aio.h). */
		want[i].data = block;
		block += align_up(want[i].len);
		reqs[n] = (struct ivg_aio_req){ .dev = s->pvs[i].dev,
			.off = s->pvs[i].dev->base + want[i].off,
			.len = want[i].len, .buf = want[i].data };
		idx[n++] = i;
	}
	if (!r && n)
		r = ivg_aio_read(ctx, aio, reqs, n);
	for (size_t k = 0; !r && k < n; k++) {
		struct ivg_scan_pv *p = &s->pvs[idx[k]];

		if (!reqs[k].result)
			continue;
		ivg_err(ctx, reqs[k].result, "%s: cannot read %zu bytes at %llu: %s",
			p->path, reqs[k].len, (unsigned long long)reqs[k].off,
			strerror(-reqs[k].result));
		set_err(p, reqs[k].result, ivg_errmsg(ctx));
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

/*
 * One device given under two names (a.img and ./a.img, a disk and its
 * by-id link, an image file and a loop device over it, a disk and its
 * LVM partition) is one device: once the PVs are located, the later name
 * of the same bytes is dropped, so that it is neither a duplicate PV nor
 * written twice.
 */
static void forget_same_devices(struct ivg_scan *s)
{
	struct ivg_disk_ident *id = calloc(s->count + 1, sizeof(*id));
	char msg[256];

	for (size_t i = 0; id && i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];

		if (!p->dev)
			continue;
		ivg_disk_ident_of(p->dev, &id[i]);
		id[i].offset += p->dev->base;
		for (size_t k = 0; k < i; k++) {
			if (!s->pvs[k].dev || !ivg_disk_ident_same(&id[i], &id[k]) ||
			    id[i].offset != id[k].offset)
				continue;
			snprintf(msg, sizeof(msg), "%s: the same device as %s, ignored",
				 p->path, s->pvs[k].path);
			ivg_dev_close(p->dev);
			p->dev = NULL;
			p->has_label = false;
			set_err(p, -EEXIST, msg);
			break;
		}
	}
	free(id);
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

/*
 * Most PVs of a VG hold the same text. When this copy's stored checksum
 * and size equal those of a copy already read and verified, and its bytes
 * (unwrapped, inside b) equal that copy's, it shares that text: equal
 * bytes have the equal CRC, so nothing is lost by not recomputing it.
 */
static bool share_text(const struct ivg_scan *s, struct ivg_scan_pv *p,
		       size_t k, const struct buf *b)
{
	struct ivg_mda_copy *m = &p->mda[k];
	const struct ivg_raw_locn *c = &m->hdr.slot[IVG_MDA_COMMITTED];
	uint64_t at = p->label.mda[k].offset + c->offset;

	if (!c->size || c->offset + c->size > m->hdr.size || at < b->off ||
	    at + c->size > b->off + b->len)
		return false;
	for (size_t i = 0; i < s->count && &s->pvs[i] != p; i++) {
		const struct ivg_mda_copy *o = &s->pvs[i].mda[k];

		if (!o->text || o->shared || o->len != c->size ||
		    o->hdr.slot[IVG_MDA_COMMITTED].checksum != c->checksum ||
		    memcmp(o->text, b->data + (at - b->off), c->size))
			continue;
		m->text = o->text;
		m->len = o->len;
		m->shared = true;
		return true;
	}
	return false;
}

/*
 * Decode mda k from b (its header first, unless *hdr_ok says it is done);
 * -EAGAIN with *need set when b is too short.
 */
static int mda_from_buf(struct ivg_ctx *ctx, const struct ivg_scan *s,
			struct ivg_scan_pv *p, size_t k, const struct buf *b,
			uint64_t *need, bool *hdr_ok)
{
	struct ivg_mda_copy *m = &p->mda[k];
	const struct ivg_disk_locn *l = &p->label.mda[k];
	int r;

	if (!*hdr_ok) {
		r = ivg_mda_header_from_buf(ctx, p->path, b->data, b->off,
					    b->len, l->offset, l->size, &m->hdr,
					    need);
		if (r)
			return r;
		*hdr_ok = true;
	}
	if (share_text(s, p, k, b))
		return 0;
	return ivg_mda_text_from_buf(ctx, p->path, b->data, b->off, b->len,
				     &m->hdr, IVG_MDA_COMMITTED, &m->text,
				     &m->len, need);
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
 * The parallel round reads at most this much of one area. A larger text
 * is read on its own by mda_from_dev(), into a buffer of its exact size.
 */
enum { MORE_MAX = 16 << 20 };

/*
 * What to read when the head did not hold an area: the committed text
 * alone when its header is known and it does not wrap, else the area from
 * its start to 'need'. Aligned for O_DIRECT, within the window; nothing
 * (left to mda_from_dev) when that is empty or too large.
 */
static struct buf more_of_mda(const struct ivg_scan_pv *p, size_t k,
			      uint64_t need, bool hdr_ok)
{
	const struct ivg_disk_locn *l = &p->label.mda[k];
	const struct ivg_raw_locn *c = &p->mda[k].hdr.slot[IVG_MDA_COMMITTED];
	uint64_t from = l->offset, to;

	if (hdr_ok && c->size && c->offset + c->size <= l->size)
		from = l->offset + c->offset;
	from = align_down(from);
	to = align_up(need);
	if (to > p->dev->size)
		to = p->dev->size;
	if (to <= from || to - from > MORE_MAX)
		return (struct buf){ 0 };
	return (struct buf){ NULL, from, (size_t)(to - from) };
}

/*
 * The first look at area k of PV p, in its head: done (the copy's result
 * recorded), or -EAGAIN with *more set to what a parallel read should add.
 * The area's place is checked against the device before anything is read
 * there: a label may point anywhere.
 */
static int mda_first_look(struct ivg_ctx *ctx, const struct ivg_scan *s,
			  struct ivg_scan_pv *p, size_t k,
			  const struct buf *head, struct buf *more,
			  bool *hdr_ok)
{
	const struct ivg_disk_locn *l = &p->label.mda[k];
	uint64_t need = 0;
	int r = ivg_label_check_mda(ctx, p->path, &p->label, k, p->dev->size);

	if (!r)
		r = mda_from_buf(ctx, s, p, k, head, &need, hdr_ok);
	if (r != -EAGAIN) {
		finish_mda(ctx, p, k, r);
		return 0;
	}
	if (need > l->offset && need - l->offset <= l->size)
		*more = more_of_mda(p, k, need, *hdr_ok);
	return -EAGAIN;
}

/* What the parallel round brought, else the device itself. */
static void mda_second_look(struct ivg_ctx *ctx, const struct ivg_scan *s,
			    struct ivg_scan_pv *p, size_t k,
			    const struct buf *more, bool *hdr_ok)
{
	int r = -EAGAIN;

	if (more->data)
		r = mda_from_buf(ctx, s, p, k, more, NULL, hdr_ok);
	if (r != -EAGAIN)
		return finish_mda(ctx, p, k, r);
	if (p->err)             /* the parallel read failed: says why */
		return set_mda_err(&p->mda[k], p->err, p->errmsg);
	finish_mda(ctx, p, k, mda_from_dev(ctx, p, k));
}

/*
 * Metadata areas: first from the PV head, then from one parallel read of
 * what each area still needs, then synchronously. Each copy's result is
 * recorded right after its last step, while ctx still holds its message.
 */
static int load_mdas(struct ivg_ctx *ctx, struct ivg_aio *aio,
		     struct ivg_scan *s, struct buf *heads, size_t k,
		     struct arenas *arenas)
{
	struct buf *more = calloc(s->count + 1, sizeof(*more));
	bool *pending = calloc(s->count + 1, sizeof(*pending));
	bool *hdr_ok = calloc(s->count + 1, sizeof(*hdr_ok));
	int r = 0;

	if (!more || !pending || !hdr_ok)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < s->count; i++) {
		struct ivg_scan_pv *p = &s->pvs[i];

		if (p->has_label && k < p->label.mda_count)
			pending[i] = mda_first_look(ctx, s, p, k, &heads[i],
						    &more[i], &hdr_ok[i]) ==
				     -EAGAIN;
	}
	if (!r)
		r = read_parallel(ctx, aio, s, more, arenas, true);
	for (size_t i = 0; !r && i < s->count; i++)
		if (pending[i])
			mda_second_look(ctx, s, &s->pvs[i], k, &more[i],
					&hdr_ok[i]);
	free(more);
	free(pending);
	free(hdr_ok);
	return r;
}

int ivg_scan_devices(struct ivg_ctx *ctx, char *const *paths, size_t n,
		     bool rdwr, struct ivg_scan **out)
{
	struct ivg_scan *s = calloc(1, sizeof(*s));
	struct buf *heads = calloc(n + 1, sizeof(*heads));
	struct ivg_aio *aio = NULL;
	struct arenas arenas = { .n = 0 };
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
	aio = ivg_aio_new(ctx);
	want_heads(s, heads, false);
	if (!r)
		r = read_parallel(ctx, aio, s, heads, &arenas, false);
	for (size_t i = 0; !r && i < n; i++)
		if (heads[i].data)
			locate_pv(ctx, &s->pvs[i], &heads[i]);
	/* Heads of whole-disk PVs stay; partitions get their own head. */
	for (size_t i = 0; i < n; i++)
		if (s->pvs[i].in_partition)
			heads[i] = (struct buf){ 0 };
	if (!r) {
		struct buf *ph = calloc(n + 1, sizeof(*ph));

		if (!ph)
			r = ivg_err(ctx, ENOMEM, "out of memory");
		else
			want_heads(s, ph, true);
		if (!r)
			r = read_parallel(ctx, aio, s, ph, &arenas, false);
		for (size_t i = 0; !r && i < n; i++)
			if (ph[i].data) {
				label_in_partition(ctx, &s->pvs[i], &ph[i]);
				heads[i] = ph[i];
			}
		free(ph);
	}
	forget_same_devices(s);
	for (size_t k = 0; !r && k < IVG_LABEL_MAX_MDAS; k++)
		r = load_mdas(ctx, aio, s, heads, k, &arenas);
	for (size_t i = 0; i < n; i++)
		s->pvs[i].mda_count = s->pvs[i].has_label ?
				      s->pvs[i].label.mda_count : 0;
	ivg_aio_free(aio);
	forget_bufs(heads, n);
	arenas_free(&arenas);
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
			if (!p->mda[k].shared)
				free(p->mda[k].text);
		ivg_dev_close(p->dev);
		free(p->path);
	}
	free(s->pvs);
	free(s);
}

static bool copy_of(const struct ivg_mda_copy *m, const char *vgname,
		    const char *vgid)
{
	return !m->err && !strcmp(m->vgname, vgname) &&
	       (!vgid || !strcmp(m->vgid, vgid));
}

/* Does a copy before s->pvs[i].mda[k] belong to the same VG? */
static bool seen_before(const struct ivg_scan *s, size_t i, size_t k)
{
	const struct ivg_mda_copy *m = &s->pvs[i].mda[k];

	for (size_t j = 0; j <= i; j++)
		for (size_t q = 0; q < (j < i ? s->pvs[j].mda_count : k); q++)
			if (copy_of(&s->pvs[j].mda[q], m->vgname, m->vgid))
				return true;
	return false;
}

size_t ivg_scan_vgids(const struct ivg_scan *s, const char *vgname,
		      char (*ids)[IVG_UUID_LEN + 1], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->count; i++)
		for (size_t k = 0; k < s->pvs[i].mda_count; k++) {
			if (!copy_of(&s->pvs[i].mda[k], vgname, NULL) ||
			    seen_before(s, i, k))
				continue;
			if (n < max)
				memcpy(ids[n], s->pvs[i].mda[k].vgid,
				       sizeof(ids[n]));
			n++;
		}
	return n;
}

const struct ivg_mda_copy *ivg_scan_best(const struct ivg_scan *s,
					 const char *vgname, const char *vgid)
{
	const struct ivg_mda_copy *best = NULL;

	for (size_t i = 0; i < s->count; i++)
		for (size_t k = 0; k < s->pvs[i].mda_count; k++) {
			const struct ivg_mda_copy *m = &s->pvs[i].mda[k];

			if (!copy_of(m, vgname, vgid))
				continue;
			if (!best || m->seqno > best->seqno)
				best = m;
		}
	return best;
}

const char *ivg_scan_trouble(const struct ivg_scan_pv *p, bool named)
{
	if (p->err)
		return named || (p->dev && p->err != -ENOENT) ? p->errmsg : NULL;
	for (size_t k = 0; p->has_label && k < p->mda_count; k++)
		/* An empty area is an orphan PV's, not damage. */
		if (p->mda[k].err && p->mda[k].err != -ENOENT)
			return p->mda[k].errmsg;
	return NULL;
}
