/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viopv.c - the PV UUID of a LUN: whole-disk PV, GPT or MBR partition. */
#include "viopv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "label.h"

/* The on-disk bytes of the GPT type GUID of LVM (mixed-endian). */
static const uint8_t lvm_type[16] = {
	0x79, 0xd3, 0xd6, 0xe6, 0x07, 0xf5, 0xc2, 0x44,
	0xa2, 0x3c, 0x23, 0x8f, 0x2a, 0x3d, 0xf9, 0x28,
};
#define GPT_ENTRIES_MAX (1024 * 1024)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The label at byte offset off, if any. */
static int label_at(struct ivg_ctx *ctx, const char *name, vio_read_fn rd, void *arg,
		    uint64_t off, uint64_t size, char uuid[33])
{
	uint8_t head[IVG_LABEL_SCAN_SIZE];
	struct ivg_label label;
	struct ivg_ctx quiet;
	int r;

	if (off + sizeof(head) > size)
		return -ENOENT;
	if ((r = rd(ctx, arg, head, sizeof(head), off)))
		return r;
	ivg_ctx_init(&quiet);
	if (ivg_label_find(&quiet, name, head, sizeof(head), &label))
		return -ENOENT;
	memcpy(uuid, label.pv_uuid, 33);
	return 0;
}

/* The first LBA of the first LVM entry of a valid primary GPT, or 0. */
static int gpt_lvm_start(struct ivg_ctx *ctx, vio_read_fn rd, void *arg,
			 uint64_t size, unsigned block, uint64_t *lba)
{
	uint8_t *hdr = calloc(1, block), *ents = NULL;
	uint32_t hsize, n, esize, crc;
	uint64_t elba;
	int r = 0;

	*lba = 0;
	if (!hdr)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if ((uint64_t)block * 2 > size || (r = rd(ctx, arg, hdr, block, block)))
		goto out_r;
	r = 0;
	hsize = le32(hdr + 12);
	if (memcmp(hdr, "EFI PART", 8) || hsize < 92 || hsize > block)
		goto out_r;
	crc = le32(hdr + 16);
	memset(hdr + 16, 0, 4);
	if ((uint32_t)crc32(0, hdr, hsize) != crc)
		goto out_r;
	elba = le64(hdr + 72);
	n = le32(hdr + 80);
	esize = le32(hdr + 84);
	if (esize < 128 || (uint64_t)n * esize > GPT_ENTRIES_MAX ||
	    elba * block + (uint64_t)n * esize > size)
		goto out_r;
	if (!(ents = malloc((size_t)n * esize + 1))) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto out_r;
	}
	if ((r = rd(ctx, arg, ents, (size_t)n * esize, elba * block)))
		goto out_r;
	if ((uint32_t)crc32(0, ents, (uInt)(n * esize)) != le32(hdr + 88))
		goto out_r;
	for (uint32_t i = 0; i < n; i++)
		if (!memcmp(ents + (size_t)i * esize, lvm_type, 16)) {
			*lba = le64(ents + (size_t)i * esize + 32);
			break;
		}
out_r:
	free(hdr);
	free(ents);
	return r;
}

/* The first LBA of the first MBR entry of type 0x8e, or 0. */
static uint64_t mbr_lvm_start(const uint8_t *s0)
{
	if (s0[510] != 0x55 || s0[511] != 0xaa)
		return 0;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s0 + 446 + 16 * i;

		if (e[4] == 0x8e && le32(e + 8))
			return le32(e + 8);
	}
	return 0;
}

int vio_pv_uuid(struct ivg_ctx *ctx, const char *name, vio_read_fn rd, void *arg,
		uint64_t size, unsigned block, char uuid[33])
{
	uint8_t s0[512];
	uint64_t lba = 0;
	int r;

	uuid[0] = 0;
	if (block < 512 || block > 65536 || (block & (block - 1)))
		return ivg_err(ctx, EINVAL, "%s: logical block size %u", name, block);
	r = label_at(ctx, name, rd, arg, 0, size, uuid);
	if (r != -ENOENT)
		return r;
	if ((r = gpt_lvm_start(ctx, rd, arg, size, block, &lba)))
		return r;
	if (!lba && size >= sizeof(s0)) {
		if ((r = rd(ctx, arg, s0, sizeof(s0), 0)))
			return r;
		lba = mbr_lvm_start(s0);
	}
	if (!lba)
		return -ENOENT;
	return label_at(ctx, name, rd, arg, lba * block, size, uuid);
}
