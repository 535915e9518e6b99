/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_mda.c - the metadata area header and text ring reader, and the
 * text parser behind it, on arbitrary metadata areas.
 *
 * The input is a metadata area of IVG_MDA_MIN_SIZE bytes at window
 * offset 4096 (shorter input: the rest of the area lies outside the
 * buffer, which the reader must notice). The checksums of the committed
 * text and of the header are set right first (mda.h gives the layout),
 * so that the fuzzer reaches the ring arithmetic and the parser.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "mda.h"
#include "vgtext.h"

#define START 4096ULL
#define AREA ((uint64_t)IVG_MDA_MIN_SIZE)
#define SLOT0 40                 /* checksum, magic, version, start, size */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* CRC of the slot-0 text as the ring holds it (it may wrap once). */
static void fix_text_crc(uint8_t *a, size_t len)
{
	uint64_t off = get64(a + SLOT0), size = get64(a + SLOT0 + 8);
	uint64_t first, crc;
	uint32_t c;

	if (off < IVG_MDA_HEADER_SIZE || off >= AREA || size > AREA)
		return;
	first = off + size > AREA ? AREA - off : size;
	if (off + first > len || IVG_MDA_HEADER_SIZE + (size - first) > len)
		return;
	crc = ivg_crc(IVG_INITIAL_CRC, a + off, first);
	c = ivg_crc((uint32_t)crc, a + IVG_MDA_HEADER_SIZE, size - first);
	memcpy(a + SLOT0 + 16, &c, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivg_ctx ctx;
	struct ivg_mda_header h;
	struct ivg_vg *vg;
	uint64_t need = 0;
	uint8_t *a;
	char *text;
	size_t len;
	uint32_t c;

	if (size > AREA)
		return 0;
	a = calloc(1, AREA);
	memcpy(a, data, size);
	if (size >= IVG_MDA_HEADER_SIZE) {
		fix_text_crc(a, size);
		c = ivg_crc(IVG_INITIAL_CRC, a + 4, IVG_MDA_HEADER_SIZE - 4);
		memcpy(a, &c, 4);
	}
	ivg_ctx_init(&ctx);
	if (!ivg_mda_header_from_buf(&ctx, "fuzz", a, START, size, START, AREA,
				     &h, &need)) {
		int r = ivg_mda_text_from_buf(&ctx, "fuzz", a, START, size, &h,
					      0, &text, &len, &need);

		assert(r != -EAGAIN || need > START + size);
		if (!r) {
			if (!ivg_vg_from_text(&ctx, text, len, "fuzz", &vg))
				ivg_vg_free(vg);
			free(text);
		}
	} else {
		assert(need == 0 || need > START + size);
	}
	free(a);
	return 0;
}
