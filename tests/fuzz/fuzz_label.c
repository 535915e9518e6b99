/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_label.c - the label and PV header reader on arbitrary PV heads.
 *
 * The input is the first sectors of a PV. The CRC of every sector that
 * starts with "LABELONE" is set right first, so that the fuzzer gets
 * past the checksum to the area lists. A label that decodes is encoded
 * again and must decode to the same label; its metadata areas are judged
 * against device sizes (ivg_label_check_mda), as the scanner judges them.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "label.h"

static void fix_crcs(uint8_t *head, size_t len)
{
	for (size_t s = 0; (s + 1) * 512 <= len && s < IVG_LABEL_SCAN_SECTORS; s++) {
		uint8_t *b = head + s * 512;
		uint32_t crc;

		if (memcmp(b, "LABELONE", 8))
			continue;
		crc = ivg_crc(IVG_INITIAL_CRC, b + 20, 512 - 20);
		memcpy(b + 16, &crc, 4);        /* little-endian machines */
	}
}

static int same_locns(const struct ivg_disk_locn *a,
		      const struct ivg_disk_locn *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].offset != b[i].offset || a[i].size != b[i].size)
			return 0;
	return 1;
}

static int same_label(const struct ivg_label *a, const struct ivg_label *b)
{
	return a->sector == b->sector && !strcmp(a->pv_uuid, b->pv_uuid) &&
	       a->dev_size == b->dev_size &&
	       same_locns(&a->data, &b->data, 1) &&
	       a->mda_count == b->mda_count &&
	       same_locns(a->mda, b->mda, a->mda_count) &&
	       a->ext_version == b->ext_version &&
	       a->ext_flags == b->ext_flags && a->ba_count == b->ba_count &&
	       same_locns(a->ba, b->ba, a->ba_count);
}

/*
 * The device the label sits on: the size its own header claims, and one
 * just big enough for its first area. An area the check lets through
 * lies after the label sectors and inside the device, without wrapping.
 */
static void areas_fit(const struct ivg_label *l)
{
	struct ivg_ctx ctx;
	uint64_t sizes[2] = { l->dev_size, 0 };

	if (l->mda_count && l->mda[0].size <= UINT64_MAX - l->mda[0].offset)
		sizes[1] = l->mda[0].offset + l->mda[0].size;
	ivg_ctx_init(&ctx);
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < l->mda_count; k++) {
			const struct ivg_disk_locn *m = &l->mda[k];

			if (ivg_label_check_mda(&ctx, "fuzz", l, k, sizes[i])) {
				assert(strstr(ivg_errmsg(&ctx), "fuzz: metadata area"));
				continue;
			}
			assert(m->offset >= IVG_LABEL_SCAN_SIZE);
			assert(m->size >= 1024 && m->offset + m->size > m->offset);
			assert(m->offset + m->size <= sizes[i]);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivg_ctx ctx;
	struct ivg_label l, again;
	uint8_t *head, sector[512];

	if (size > IVG_LABEL_SCAN_SIZE)
		return 0;
	head = malloc(size ? size : 1);
	memcpy(head, data, size);
	fix_crcs(head, size);
	ivg_ctx_init(&ctx);
	if (!ivg_label_find(&ctx, "fuzz", head, size, &l)) {
		assert(ivg_label_encode(&l, sector) == 0);
		assert(ivg_label_decode(&ctx, "fuzz", sector, l.sector, &again) == 0);
		assert(same_label(&l, &again));
		areas_fit(&l);
	}
	free(head);
	return 0;
}
