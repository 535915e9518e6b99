/* SPDX-License-Identifier: GPL-2.0-or-later */
/* label.c - LVM2 label and PV header: decode, encode, find, write. */
#include "label.h"

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "crc.h"
#include "le.h"
#include "dev.h"

#define LABEL_ID "LABELONE"
#define LABEL_TYPE "LVM2 001"
#define LABEL_SIZE 512
#define OFF_SECTOR 8
#define OFF_CRC 16
#define OFF_PVH_OFFSET 20          /* the CRC covers from here to the end */
#define OFF_TYPE 24
#define PVH_OFFSET 32
#define PVH_UUID_LEN 32
#define LOCN_SIZE 16

/* lvm2's id_valid(): 32 characters out of [0-9A-Za-z]. */
static bool uuid_valid(const char *u, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = u[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z')))
			return false;
	}
	return true;
}

/* Cursor over the area lists of a PV header, bounded by the sector. */
struct cursor {
	const uint8_t *sec;
	size_t pos;
};

/*
 * Read one {offset,size} list into out[0..max). Returns the number of
 * entries, -1 if the list runs past the sector, or -2 if it has more
 * than max entries. The cursor ends after the terminator.
 */
static int read_list(struct cursor *c, struct ivg_disk_locn *out, size_t max)
{
	size_t n = 0;

	for (;;) {
		uint64_t off, size;

		if (c->pos + LOCN_SIZE > LABEL_SIZE)
			return -1;
		off = get64(c->sec + c->pos);
		size = get64(c->sec + c->pos + 8);
		c->pos += LOCN_SIZE;
		if (!off)
			return (int)n;
		if (n == max)
			return -2;
		out[n].offset = off;
		out[n].size = size;
		n++;
	}
}

static int list_err(struct ivg_ctx *ctx, const char *devname,
		    uint64_t sectorno, int r, const char *what, size_t max)
{
	if (r == -1)
		return ivg_err(ctx, EILSEQ,
			       "%s: PV header in sector %llu: the list of %s runs past the end of the sector",
			       devname, (unsigned long long)sectorno, what);
	return ivg_err(ctx, EILSEQ,
		       "%s: PV header in sector %llu has more than %zu %s",
		       devname, (unsigned long long)sectorno, max, what);
}

/* Checks of the fixed 32-byte label header, after the magic matched. */
static int check_label_header(struct ivg_ctx *ctx, const char *devname,
			      const uint8_t *s, uint64_t sectorno)
{
	uint64_t claimed = get64(s + OFF_SECTOR);
	uint32_t stored = get32(s + OFF_CRC);
	uint32_t crc = ivg_crc(IVG_INITIAL_CRC, s + OFF_PVH_OFFSET,
			       LABEL_SIZE - OFF_PVH_OFFSET);
	uint32_t pvh = get32(s + OFF_PVH_OFFSET);

	if (claimed != sectorno)
		return ivg_err(ctx, EILSEQ,
			       "%s: label in sector %llu claims to be in sector %llu",
			       devname, (unsigned long long)sectorno,
			       (unsigned long long)claimed);
	if (crc != stored)
		return ivg_err(ctx, EILSEQ,
			       "%s: label in sector %llu has a bad checksum (stored 0x%08x, computed 0x%08x)",
			       devname, (unsigned long long)sectorno, stored,
			       crc);
	if (memcmp(s + OFF_TYPE, LABEL_TYPE, 8) != 0)
		return ivg_err(ctx, EILSEQ,
			       "%s: label in sector %llu has type \"%.8s\", not \"" LABEL_TYPE "\"",
			       devname, (unsigned long long)sectorno,
			       (const char *)s + OFF_TYPE);
	/* lvm2 always writes 32; anything else leaves no room to trust. */
	if (pvh != PVH_OFFSET)
		return ivg_err(ctx, EILSEQ,
			       "%s: label in sector %llu puts the PV header at %u, expected %u",
			       devname, (unsigned long long)sectorno, pvh,
			       PVH_OFFSET);
	return 0;
}

/* The extension: u32 version, u32 flags, then (v2) bootloader areas. */
static int decode_ext(struct ivg_ctx *ctx, const char *devname,
		      struct cursor *c, uint64_t sectorno,
		      struct ivg_label *out)
{
	int r;

	if (c->pos + 8 > LABEL_SIZE)
		return ivg_err(ctx, EILSEQ,
			       "%s: PV header in sector %llu: extension runs past the end of the sector",
			       devname, (unsigned long long)sectorno);
	out->ext_version = get32(c->sec + c->pos);
	out->ext_flags = get32(c->sec + c->pos + 4);
	c->pos += 8;
	/* Version 0 is lvm2 before the extension existed: flags unused. */
	if (out->ext_version == 0)
		out->ext_flags = 0;
	if (out->ext_version < 2)
		return 0;
	r = read_list(c, out->ba, IVG_LABEL_MAX_BAS);
	if (r < 0)
		return list_err(ctx, devname, sectorno, r, "bootloader areas",
				IVG_LABEL_MAX_BAS);
	out->ba_count = (size_t)r;
	return 0;
}

static int decode_pv_header(struct ivg_ctx *ctx, const char *devname,
			    const uint8_t *s, uint64_t sectorno,
			    struct ivg_label *out)
{
	struct cursor c = { s, PVH_OFFSET + PVH_UUID_LEN + 8 };
	struct ivg_disk_locn data[2];
	int r;

	if (!uuid_valid((const char *)s + PVH_OFFSET, PVH_UUID_LEN))
		return ivg_err(ctx, EILSEQ,
			       "%s: PV header in sector %llu has an invalid PV UUID",
			       devname, (unsigned long long)sectorno);
	memcpy(out->pv_uuid, s + PVH_OFFSET, PVH_UUID_LEN);
	out->pv_uuid[PVH_UUID_LEN] = '\0';
	out->dev_size = get64(s + PVH_OFFSET + PVH_UUID_LEN);

	r = read_list(&c, data, 1);
	if (r < 0)
		return list_err(ctx, devname, sectorno, r, "data areas", 1);
	if (r != 1)
		return ivg_err(ctx, EILSEQ,
			       "%s: PV header in sector %llu has no data area",
			       devname, (unsigned long long)sectorno);
	out->data = data[0];
	r = read_list(&c, out->mda, IVG_LABEL_MAX_MDAS);
	if (r < 0)
		return list_err(ctx, devname, sectorno, r, "metadata areas",
				IVG_LABEL_MAX_MDAS);
	out->mda_count = (size_t)r;
	return decode_ext(ctx, devname, &c, sectorno, out);
}

int ivg_label_decode(struct ivg_ctx *ctx, const char *devname,
		     const uint8_t sector[512], uint64_t sectorno,
		     struct ivg_label *out)
{
	struct ivg_label l;
	int r;

	if (memcmp(sector, LABEL_ID, 8) != 0)
		return ivg_err(ctx, ENOENT, "%s: no LVM2 label in sector %llu",
			       devname, (unsigned long long)sectorno);
	r = check_label_header(ctx, devname, sector, sectorno);
	if (r)
		return r;
	memset(&l, 0, sizeof(l));
	l.sector = sectorno;
	r = decode_pv_header(ctx, devname, sector, sectorno, &l);
	if (r)
		return r;
	*out = l;
	return 0;
}

int ivg_label_find(struct ivg_ctx *ctx, const char *devname,
		   const uint8_t *head, size_t head_len, struct ivg_label *out)
{
	int first_err = 0;
	char saved[IVG_ERRMSG_MAX] = "";

	for (uint64_t i = 0; i < IVG_LABEL_SCAN_SECTORS; i++) {
		int r;

		if ((i + 1) * LABEL_SIZE > head_len)
			break;
		r = ivg_label_decode(ctx, devname, head + i * LABEL_SIZE, i,
				     out);
		if (r == 0)
			return 0;
		/* Keep the first damaged label's message for the report. */
		if (r != -ENOENT && !first_err) {
			first_err = r;
			memcpy(saved, ctx->errmsg, sizeof(saved));
		}
	}
	if (first_err) {
		memcpy(ctx->errmsg, saved, sizeof(saved));
		return first_err;
	}
	return ivg_err(ctx, ENOENT, "%s: no LVM2 label in sectors 0-3",
		       devname);
}

int ivg_label_read(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   struct ivg_label *out)
{
	uint8_t head[IVG_LABEL_SCAN_SIZE];
	size_t len = IVG_LABEL_SCAN_SIZE;
	int r;

	/* A device smaller than the scan range still gets its sectors read. */
	if (dev->size < len)
		len = (size_t)(dev->size / LABEL_SIZE * LABEL_SIZE);
	if (len < 2 * LABEL_SIZE)
		return ivg_err(ctx, ENOENT,
			       "%s: too small (%llu bytes) to hold an LVM2 label",
			       dev->path, (unsigned long long)dev->size);
	r = ivg_dev_pread(ctx, dev, head, len, 0);
	if (r)
		return r;
	return ivg_label_find(ctx, dev->path, head, len, out);
}

/* A header sector and one sector of text: lvm2's smallest readable area. */
#define MDA_MIN_BYTES (2 * LABEL_SIZE)

/* End of an area, saturated: sizes come from the disk. */
static uint64_t area_end(const struct ivg_disk_locn *a)
{
	return a->size > UINT64_MAX - a->offset ? UINT64_MAX :
	       a->offset + a->size;
}

static bool areas_meet(const struct ivg_disk_locn *a,
		       const struct ivg_disk_locn *b)
{
	return a->offset < area_end(b) && b->offset < area_end(a);
}

#define MDA_FMT "%s: metadata area %zu of the PV label (at %llu, %llu bytes) "
#define MDA_ARGS devname, k + 1, (unsigned long long)m->offset, \
		 (unsigned long long)m->size

int ivg_label_check_mda(struct ivg_ctx *ctx, const char *devname,
			const struct ivg_label *l, size_t k,
			uint64_t dev_size)
{
	const struct ivg_disk_locn *m = &l->mda[k];

	if (m->offset < IVG_LABEL_SCAN_SIZE)
		return ivg_err(ctx, EILSEQ, MDA_FMT "overlaps the label sectors 0-3",
			       MDA_ARGS);
	if (m->size < MDA_MIN_BYTES)
		return ivg_err(ctx, EILSEQ, MDA_FMT "is too small for a header and text (at least %u bytes)",
			       MDA_ARGS, MDA_MIN_BYTES);
	if (m->offset > dev_size || m->size > dev_size - m->offset)
		return ivg_err(ctx, EILSEQ, MDA_FMT "runs past the end of the device (%llu bytes)",
			       MDA_ARGS, (unsigned long long)dev_size);
	/* Of two overlapping areas, the first is taken to be the right one. */
	for (size_t j = 0; j < k; j++)
		if (areas_meet(m, &l->mda[j]))
			return ivg_err(ctx, EILSEQ, MDA_FMT "overlaps metadata area %zu (at %llu)",
				       MDA_ARGS, j + 1,
				       (unsigned long long)l->mda[j].offset);
	if ((m->offset < l->data.offset && area_end(m) > l->data.offset) ||
	    (l->data.size && m->offset >= l->data.offset &&
	     m->offset - l->data.offset < l->data.size))
		return ivg_err(ctx, EILSEQ, MDA_FMT "overlaps the data area (at %llu)",
			       MDA_ARGS, (unsigned long long)l->data.offset);
	return 0;
}

static bool locn_list_ok(const struct ivg_disk_locn *l, size_t n, size_t max)
{
	if (n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!l[i].offset)        /* would read back as a terminator */
			return false;
	return true;
}

static bool label_encodable(const struct ivg_label *l)
{
	if (l->sector >= IVG_LABEL_SCAN_SECTORS || !l->data.offset)
		return false;
	if (strlen(l->pv_uuid) != PVH_UUID_LEN ||
	    !uuid_valid(l->pv_uuid, PVH_UUID_LEN))
		return false;
	if (!locn_list_ok(l->mda, l->mda_count, IVG_LABEL_MAX_MDAS) ||
	    !locn_list_ok(l->ba, l->ba_count, IVG_LABEL_MAX_BAS))
		return false;
	return l->ba_count == 0 || l->ext_version >= 2;
}

/* Append a list and its {0,0} terminator; returns the new position. */
static size_t put_list(uint8_t *s, size_t pos, const struct ivg_disk_locn *l,
		       size_t n)
{
	for (size_t i = 0; i < n; i++, pos += LOCN_SIZE) {
		put64(s + pos, l[i].offset);
		put64(s + pos + 8, l[i].size);
	}
	return pos + LOCN_SIZE;     /* the sector is zeroed: terminator */
}

int ivg_label_encode(const struct ivg_label *l, uint8_t s[512])
{
	size_t pos = PVH_OFFSET + PVH_UUID_LEN + 8;

	if (!label_encodable(l))
		return -EINVAL;
	memset(s, 0, LABEL_SIZE);
	memcpy(s, LABEL_ID, 8);
	put64(s + OFF_SECTOR, l->sector);
	put32(s + OFF_PVH_OFFSET, PVH_OFFSET);
	memcpy(s + OFF_TYPE, LABEL_TYPE, 8);
	memcpy(s + PVH_OFFSET, l->pv_uuid, PVH_UUID_LEN);
	put64(s + PVH_OFFSET + PVH_UUID_LEN, l->dev_size);
	pos = put_list(s, pos, &l->data, 1);
	pos = put_list(s, pos, l->mda, l->mda_count);
	if (l->ext_version >= 1) {
		put32(s + pos, l->ext_version);
		put32(s + pos + 4, l->ext_flags);
		pos += 8;
	}
	if (l->ext_version >= 2)
		put_list(s, pos, l->ba, l->ba_count);
	put32(s + OFF_CRC, ivg_crc(IVG_INITIAL_CRC, s + OFF_PVH_OFFSET,
				   LABEL_SIZE - OFF_PVH_OFFSET));
	return 0;
}

/* Zero every sector 0..3 other than 'keep' that starts with LABELONE. */
static int zero_stale_labels(struct ivg_ctx *ctx, struct ivg_dev *dev,
			     uint64_t keep)
{
	static const uint8_t zero[LABEL_SIZE];
	uint8_t head[IVG_LABEL_SCAN_SIZE];
	int r = ivg_dev_pread(ctx, dev, head, sizeof(head), 0);

	for (uint64_t i = 0; !r && i < IVG_LABEL_SCAN_SECTORS; i++) {
		if (i == keep || memcmp(head + i * LABEL_SIZE, LABEL_ID, 8))
			continue;
		r = ivg_dev_pwrite(ctx, dev, zero, LABEL_SIZE, i * LABEL_SIZE);
	}
	return r;
}

int ivg_label_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		    const struct ivg_label *label)
{
	uint8_t sec[LABEL_SIZE];
	int r;

	if (ivg_label_encode(label, sec))
		return ivg_err(ctx, EINVAL,
			       "%s: refusing to write an invalid PV label (sector %llu, UUID \"%s\", %zu metadata areas, %zu bootloader areas)",
			       dev->path, (unsigned long long)label->sector,
			       label->pv_uuid, label->mda_count,
			       label->ba_count);
	if (dev->size < IVG_LABEL_SCAN_SIZE)
		return ivg_err(ctx, ENOSPC,
			       "%s: too small (%llu bytes) for an LVM2 label",
			       dev->path, (unsigned long long)dev->size);
	r = ivg_dev_pwrite(ctx, dev, sec, LABEL_SIZE,
			   label->sector * LABEL_SIZE);
	if (r)
		return r;
	return zero_stale_labels(ctx, dev, label->sector);
}
