/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mda.c - LVM2 metadata areas: header, circular text buffer, commits. */
#include "mda.h"

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "le.h"
#include "dev.h"

#define HDR IVG_MDA_HEADER_SIZE
#define ALIGN 512ULL               /* lvm2's MDA_ORIGINAL_ALIGNMENT */
#define OFF_MAGIC 4
#define OFF_VERSION 20
#define OFF_START 24
#define OFF_SIZE 32
#define OFF_SLOTS 40
#define SLOT_SIZE 24

static uint64_t round_up(uint64_t v)
{
	return (v + ALIGN - 1) / ALIGN * ALIGN;
}

static bool slot_empty(const struct ivg_raw_locn *rl)
{
	return !rl->offset && !rl->size;
}

/* Bytes of a copy that run past the end of the area (0: no wrap). */
static uint64_t slot_wrap(uint64_t area_size, const struct ivg_raw_locn *rl)
{
	return rl->offset + rl->size > area_size ?
	       rl->offset + rl->size - area_size : 0;
}

/* ---- header ---------------------------------------------------------- */

static int check_slot(struct ivg_ctx *ctx, const char *devname,
		      const struct ivg_mda_header *h, int i)
{
	const struct ivg_raw_locn *rl = &h->slot[i];
	uint64_t ring = h->size - HDR;

	if (slot_empty(rl))
		return 0;
	if (h->size < 2 * HDR)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area at %llu is too small (%llu bytes) to hold text",
			       devname, (unsigned long long)h->start,
			       (unsigned long long)h->size);
	if (rl->offset < HDR || rl->offset >= h->size)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu: slot %d offset %llu is outside the text ring [%u, %llu)",
			       devname, (unsigned long long)h->start, i,
			       (unsigned long long)rl->offset, HDR,
			       (unsigned long long)h->size);
	/* A copy may wrap once, but can never hold more than the ring. */
	if (rl->size == 0 || rl->size > ring)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu: slot %d size %llu does not fit the text ring of %llu bytes",
			       devname, (unsigned long long)h->start, i,
			       (unsigned long long)rl->size,
			       (unsigned long long)ring);
	return 0;
}

static void decode_fields(const uint8_t *b, struct ivg_mda_header *h)
{
	memset(h, 0, sizeof(*h));
	h->checksum = get32(b);
	h->version = get32(b + OFF_VERSION);
	h->start = get64(b + OFF_START);
	h->size = get64(b + OFF_SIZE);
	for (int i = 0; i < 2; i++) {
		const uint8_t *s = b + OFF_SLOTS + i * SLOT_SIZE;

		h->slot[i].offset = get64(s);
		h->slot[i].size = get64(s + 8);
		h->slot[i].checksum = get32(s + 16);
		h->slot[i].flags = get32(s + 20);
	}
}

static int check_fields(struct ivg_ctx *ctx, const char *devname,
			const uint8_t *b, uint64_t start,
			const struct ivg_mda_header *h)
{
	unsigned long long at = (unsigned long long)start;

	if (memcmp(b + OFF_MAGIC, IVG_MDA_MAGIC, 16) != 0)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu has a wrong magic number",
			       devname, at);
	if (h->version != IVG_MDA_VERSION)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu has version %u, expected %u",
			       devname, at, h->version, IVG_MDA_VERSION);
	if (h->start != start)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu claims to start at %llu",
			       devname, at, (unsigned long long)h->start);
	if (h->size < 2 * HDR || h->size > UINT64_MAX - start)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu has an impossible size %llu",
			       devname, at, (unsigned long long)h->size);
	return 0;
}

int ivg_mda_header_decode(struct ivg_ctx *ctx, const char *devname,
			  const uint8_t buf[512], uint64_t start,
			  struct ivg_mda_header *out)
{
	struct ivg_mda_header h;
	uint32_t crc = ivg_crc(IVG_INITIAL_CRC, buf + 4, HDR - 4);
	int r;

	decode_fields(buf, &h);
	/* The CRC first: with a bad one, no other field can be trusted. */
	if (crc != h.checksum)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu has a bad checksum (stored 0x%08x, computed 0x%08x)",
			       devname, (unsigned long long)start, h.checksum,
			       crc);
	r = check_fields(ctx, devname, buf, start, &h);
	for (int i = 0; !r && i < 2; i++)
		r = check_slot(ctx, devname, &h, i);
	if (!r)
		*out = h;
	return r;
}

int ivg_mda_header_encode(const struct ivg_mda_header *h, uint8_t buf[512])
{
	memset(buf, 0, HDR);
	memcpy(buf + OFF_MAGIC, IVG_MDA_MAGIC, 16);
	put32(buf + OFF_VERSION, IVG_MDA_VERSION);
	put64(buf + OFF_START, h->start);
	put64(buf + OFF_SIZE, h->size);
	for (int i = 0; i < 2; i++) {
		uint8_t *s = buf + OFF_SLOTS + i * SLOT_SIZE;

		put64(s, h->slot[i].offset);
		put64(s + 8, h->slot[i].size);
		put32(s + 16, h->slot[i].checksum);
		put32(s + 20, h->slot[i].flags);
	}
	put32(buf, ivg_crc(IVG_INITIAL_CRC, buf + 4, HDR - 4));
	return 0;
}

static int write_header(struct ivg_ctx *ctx, struct ivg_dev *dev,
			struct ivg_mda_header *h)
{
	uint8_t buf[HDR];

	ivg_mda_header_encode(h, buf);
	h->checksum = get32(buf);
	h->version = IVG_MDA_VERSION;
	return ivg_dev_pwrite(ctx, dev, buf, HDR, h->start);
}

/* ---- a byte source: the device, or a buffer holding part of it -------- */

struct src {
	const char *name;
	struct ivg_dev *dev;            /* NULL: read from buf */
	const uint8_t *buf;
	uint64_t buf_off;
	size_t buf_len;
	uint64_t *need_end;
};

/* Is [off, off+len) readable? Records what a buffer would need. */
static int src_check(struct ivg_ctx *ctx, struct src *s, uint64_t len,
		     uint64_t off)
{
	uint64_t end = off + len;

	/* Offsets add up numbers from the disk: no wrapping around. */
	if (end < off)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata at %llu (+%llu bytes) lies beyond any device",
			       s->name, (unsigned long long)off,
			       (unsigned long long)len);
	if (s->dev) {
		if (off > s->dev->size || len > s->dev->size - off)
			return ivg_err(ctx, EILSEQ,
				       "%s: metadata at %llu (+%llu bytes) lies beyond the end of the device (%llu bytes)",
				       s->name, (unsigned long long)off,
				       (unsigned long long)len,
				       (unsigned long long)s->dev->size);
		return 0;
	}
	if (off >= s->buf_off && end <= s->buf_off + s->buf_len)
		return 0;
	if (s->need_end && *s->need_end < end)
		*s->need_end = end;
	return ivg_err(ctx, EAGAIN,
		       "%s: bytes %llu-%llu are not in the %zu bytes read at %llu",
		       s->name, (unsigned long long)off,
		       (unsigned long long)end, s->buf_len,
		       (unsigned long long)s->buf_off);
}

static int src_read(struct ivg_ctx *ctx, struct src *s, void *dst,
		    size_t len, uint64_t off)
{
	int r = src_check(ctx, s, len, off);

	if (r)
		return r;
	if (s->dev)
		return ivg_dev_pread(ctx, s->dev, dst, len, off);
	memcpy(dst, s->buf + (off - s->buf_off), len);
	return 0;
}

static int read_header(struct ivg_ctx *ctx, struct src *s, uint64_t start,
		       uint64_t size, struct ivg_mda_header *out)
{
	uint8_t buf[HDR];
	struct ivg_mda_header h;
	int r = src_read(ctx, s, buf, HDR, start);

	if (!r)
		r = ivg_mda_header_decode(ctx, s->name, buf, start, &h);
	if (r)
		return r;
	if (size && h.size != size)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area header at %llu says the area has %llu bytes, the PV header says %llu",
			       s->name, (unsigned long long)start,
			       (unsigned long long)h.size,
			       (unsigned long long)size);
	if (s->dev && h.size > s->dev->size - start)
		return ivg_err(ctx, EILSEQ,
			       "%s: metadata area at %llu (%llu bytes) runs past the end of the device (%llu bytes)",
			       s->name, (unsigned long long)start,
			       (unsigned long long)h.size,
			       (unsigned long long)s->dev->size);
	*out = h;
	return 0;
}

/* ---- text ------------------------------------------------------------ */

static int check_text_crc(struct ivg_ctx *ctx, const char *name,
			  const struct ivg_mda_header *h, int slot,
			  const char *text)
{
	const struct ivg_raw_locn *rl = &h->slot[slot];
	/* Both pieces sit in order in 'text': one pass = lvm2's two. */
	uint32_t crc = ivg_crc(IVG_INITIAL_CRC, text, rl->size);

	if (crc == rl->checksum)
		return 0;
	return ivg_err(ctx, EILSEQ,
		       "%s: metadata text in slot %d at %llu+%llu (%llu bytes%s) has a bad checksum (stored 0x%08x, computed 0x%08x)",
		       name, slot, (unsigned long long)h->start,
		       (unsigned long long)rl->offset,
		       (unsigned long long)rl->size,
		       slot_wrap(h->size, rl) ? ", wrapped" : "",
		       rl->checksum, crc);
}

static int read_text(struct ivg_ctx *ctx, struct src *s,
		     const struct ivg_mda_header *h, int slot, char **text,
		     size_t *len)
{
	const struct ivg_raw_locn *rl;
	uint64_t wrap, first;
	char *t;
	int r;

	if (slot < 0 || slot > 1)
		return ivg_err(ctx, EINVAL, "%s: no metadata slot %d", s->name,
			       slot);
	rl = &h->slot[slot];
	if (slot_empty(rl))
		return ivg_err(ctx, ENOENT,
			       "%s: metadata area at %llu has no text in slot %d",
			       s->name, (unsigned long long)h->start, slot);
	r = check_slot(ctx, s->name, h, slot);
	if (r)
		return r;
	wrap = slot_wrap(h->size, rl);
	first = rl->size - wrap;
	/* Check both pieces before allocating: sizes may be hostile. */
	r = src_check(ctx, s, first, h->start + rl->offset);
	if (!r && wrap)
		r = src_check(ctx, s, wrap, h->start + HDR);
	if (r)
		return r;
	t = malloc(rl->size + 1);
	if (!t)
		return ivg_err(ctx, ENOMEM, "%s: out of memory for %llu bytes of metadata",
			       s->name, (unsigned long long)rl->size);
	r = src_read(ctx, s, t, first, h->start + rl->offset);
	if (!r && wrap)
		r = src_read(ctx, s, t + first, wrap, h->start + HDR);
	if (!r)
		r = check_text_crc(ctx, s->name, h, slot, t);
	if (r) {
		free(t);
		return r;
	}
	t[rl->size] = '\0';
	*text = t;
	*len = rl->size;
	return 0;
}

/* ---- public: device ---------------------------------------------------- */

int ivg_mda_init(struct ivg_ctx *ctx, struct ivg_dev *dev, uint64_t start,
		 uint64_t size)
{
	struct ivg_mda_header h = { .start = start, .size = size };
	uint64_t wipe = size < IVG_MDA_WIPE_SIZE ? size : IVG_MDA_WIPE_SIZE;
	int r;

	if (size < IVG_MDA_MIN_SIZE)
		return ivg_err(ctx, EINVAL,
			       "%s: metadata area at %llu of %llu bytes is smaller than lvm2's minimum of %u bytes",
			       dev->path, (unsigned long long)start,
			       (unsigned long long)size, IVG_MDA_MIN_SIZE);
	if (start > dev->size || size > dev->size - start)
		return ivg_err(ctx, ERANGE,
			       "%s: metadata area at %llu of %llu bytes runs past the end of the device (%llu bytes)",
			       dev->path, (unsigned long long)start,
			       (unsigned long long)size,
			       (unsigned long long)dev->size);
	/* pvcreate zeroes the first 4 KiB; the header sector is rewritten. */
	r = ivg_dev_zero(ctx, dev, start + HDR, wipe - HDR);
	if (r)
		return r;
	return write_header(ctx, dev, &h);
}

int ivg_mda_read(struct ivg_ctx *ctx, struct ivg_dev *dev, uint64_t start,
		 uint64_t size, struct ivg_mda_header *out)
{
	struct src s = { .name = dev->path, .dev = dev };

	return read_header(ctx, &s, start, size, out);
}

int ivg_mda_read_text(struct ivg_ctx *ctx, struct ivg_dev *dev,
		      const struct ivg_mda_header *hdr, int slot, char **text,
		      size_t *len)
{
	struct src s = { .name = dev->path, .dev = dev };

	return read_text(ctx, &s, hdr, slot, text, len);
}

uint64_t ivg_mda_max_text(const struct ivg_mda_header *hdr)
{
	uint64_t half;

	if (hdr->size < HDR)
		return 0;
	half = (hdr->size - HDR) / 2;
	return half > ALIGN ? half - ALIGN : 0;
}

int ivg_mda_text_fits(const struct ivg_mda_header *hdr, size_t len)
{
	return (uint64_t)len <= ivg_mda_max_text(hdr);
}

uint64_t ivg_mda_next_offset(const struct ivg_mda_header *hdr)
{
	const struct ivg_raw_locn *old = &hdr->slot[IVG_MDA_COMMITTED];
	uint64_t wrap, end, next;

	if (slot_empty(old) || (old->flags & IVG_RAW_LOCN_IGNORED))
		return HDR;
	wrap = slot_wrap(hdr->size, old);
	end = wrap ? HDR + wrap : old->offset + old->size;
	/*
	 * lvm2 first restarts when the old copy ends within 512 bytes of
	 * the area's end; rounding up and the test below subsume that.
	 */
	next = round_up(end);
	if (next > hdr->size - ALIGN)
		return HDR;
	return next;
}

/* Does [a, a+alen) intersect [b, b+blen)? */
static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Would a copy at 'nl' overwrite the committed copy? */
static bool overlaps_committed(const struct ivg_mda_header *h,
			       const struct ivg_raw_locn *nl)
{
	const struct ivg_raw_locn *ol = &h->slot[IVG_MDA_COMMITTED];
	uint64_t ow, nw, op[2][2], np[2][2];

	if (slot_empty(ol) || (ol->flags & IVG_RAW_LOCN_IGNORED))
		return false;
	ow = slot_wrap(h->size, ol);
	nw = slot_wrap(h->size, nl);
	/* Each copy is one or two pieces {offset, length} of the ring. */
	op[0][0] = ol->offset, op[0][1] = ol->size - ow;
	op[1][0] = HDR, op[1][1] = ow;
	np[0][0] = nl->offset, np[0][1] = nl->size - nw;
	np[1][0] = HDR, np[1][1] = nw;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (op[i][1] && np[j][1] &&
			    ranges_meet(op[i][0], op[i][1], np[j][0], np[j][1]))
				return true;
	return false;
}

/*
 * End of a padded write that ends at 'end': the next 512-byte boundary
 * (lvm2 zeroes the rest of the last sector), but never into the area's
 * end or the committed copy's start.
 */
static uint64_t pad_end(const struct ivg_mda_header *h, uint64_t end)
{
	const struct ivg_raw_locn *ol = &h->slot[IVG_MDA_COMMITTED];
	uint64_t p = round_up(end);

	if (p > h->size)
		p = h->size;
	if (!slot_empty(ol) && ol->offset >= end && ol->offset < p)
		p = ol->offset;
	return p;
}

static int write_text(struct ivg_ctx *ctx, struct ivg_dev *dev,
		      const struct ivg_mda_header *h,
		      const struct ivg_raw_locn *nl, const char *text)
{
	uint64_t wrap = slot_wrap(h->size, nl), first = nl->size - wrap;
	uint64_t len1 = wrap ? first : pad_end(h, nl->offset + first) - nl->offset;
	uint64_t len2 = wrap ? pad_end(h, HDR + wrap) - HDR : 0;
	char *buf = calloc(1, len1 + len2);
	int r;

	if (!buf)
		return ivg_err(ctx, ENOMEM, "%s: out of memory", dev->path);
	memcpy(buf, text, first);
	memcpy(buf + len1, text + first, wrap);
	r = ivg_dev_pwrite(ctx, dev, buf, len1, h->start + nl->offset);
	if (!r && len2)
		r = ivg_dev_pwrite(ctx, dev, buf + len1, len2, h->start + HDR);
	free(buf);
	return r;
}

static int check_new_text(struct ivg_ctx *ctx, struct ivg_dev *dev,
			  const struct ivg_mda_header *h, const char *text,
			  size_t len)
{
	if (!len || text[len - 1] != '\0')
		return ivg_err(ctx, EINVAL,
			       "%s: metadata text for the area at %llu must end with its NUL, counted in its length",
			       dev->path, (unsigned long long)h->start);
	if (!ivg_mda_text_fits(h, len))
		return ivg_err(ctx, ENOSPC,
			       "%s: metadata text of %zu bytes is too large for the metadata area at %llu (%llu bytes hold at most %llu bytes of text)",
			       dev->path, len, (unsigned long long)h->start,
			       (unsigned long long)h->size,
			       (unsigned long long)ivg_mda_max_text(h));
	return 0;
}

int ivg_mda_write_precommit(struct ivg_ctx *ctx, struct ivg_dev *dev,
			    struct ivg_mda_header *hdr, const char *text,
			    size_t len)
{
	struct ivg_raw_locn nl = { 0 };
	int r = check_new_text(ctx, dev, hdr, text, len);

	if (r)
		return r;
	nl.offset = ivg_mda_next_offset(hdr);
	nl.size = len;
	nl.checksum = ivg_crc(IVG_INITIAL_CRC, text, len);
	/* Cannot happen within the size limit; kept as lvm2 keeps it. */
	if (overlaps_committed(hdr, &nl))
		return ivg_err(ctx, ENOSPC,
			       "%s: metadata text of %zu bytes at %llu+%llu would overwrite the committed copy",
			       dev->path, len, (unsigned long long)hdr->start,
			       (unsigned long long)nl.offset);
	r = write_text(ctx, dev, hdr, &nl, text);
	if (r)
		return r;
	hdr->slot[IVG_MDA_PRECOMMITTED] = nl;
	return write_header(ctx, dev, hdr);
}

int ivg_mda_commit(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   struct ivg_mda_header *hdr)
{
	struct ivg_raw_locn *c = &hdr->slot[IVG_MDA_COMMITTED];
	struct ivg_raw_locn *p = &hdr->slot[IVG_MDA_PRECOMMITTED];

	if (slot_empty(p))
		return ivg_err(ctx, EINVAL,
			       "%s: metadata area at %llu has nothing precommitted to commit",
			       dev->path, (unsigned long long)hdr->start);
	c->offset = p->offset;
	c->size = p->size;
	c->checksum = p->checksum;
	p->offset = p->size = 0;
	p->checksum = 0;
	return write_header(ctx, dev, hdr);
}

int ivg_mda_revert(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   struct ivg_mda_header *hdr)
{
	struct ivg_raw_locn *p = &hdr->slot[IVG_MDA_PRECOMMITTED];

	p->offset = p->size = 0;
	p->checksum = 0;
	return write_header(ctx, dev, hdr);
}

/* ---- public: memory ---------------------------------------------------- */

int ivg_mda_header_from_buf(struct ivg_ctx *ctx, const char *devname,
			    const uint8_t *buf, uint64_t buf_off,
			    size_t buf_len, uint64_t start, uint64_t size,
			    struct ivg_mda_header *out, uint64_t *need_end)
{
	struct src s = { devname, NULL, buf, buf_off, buf_len, need_end };

	return read_header(ctx, &s, start, size, out);
}

int ivg_mda_text_from_buf(struct ivg_ctx *ctx, const char *devname,
			  const uint8_t *buf, uint64_t buf_off, size_t buf_len,
			  const struct ivg_mda_header *hdr, int slot,
			  char **text, size_t *len, uint64_t *need_end)
{
	struct src s = { devname, NULL, buf, buf_off, buf_len, need_end };

	return read_text(ctx, &s, hdr, slot, text, len);
}
