/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_vgtext.c - the LVM2 text metadata parser on arbitrary text.
 *
 * A text that parses and that the writer accepts is written, parsed
 * again and written again: the second text must parse and equal the
 * first (the writer's output is a fixed point of read-then-write).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgtext.h"

static char *write_vg(struct ivg_ctx *ctx, struct ivg_vg *vg, size_t *len)
{
	char *text = NULL;

	/* Fixed header fields: the two texts differ in nothing else. */
	vg->creation_time = 1;
	if (ivg_vg_to_text(ctx, vg, &text, len))
		return NULL;
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivg_ctx ctx;
	struct ivg_vg *vg, *vg2;
	char *t1, *t2;
	size_t l1, l2;

	ivg_ctx_init(&ctx);
	if (ivg_vg_from_text(&ctx, (const char *)data, size, "fuzz", &vg))
		return 0;
	t1 = write_vg(&ctx, vg, &l1);
	ivg_vg_free(vg);
	if (!t1)
		return 0;
	assert(ivg_vg_from_text(&ctx, t1, l1, "fuzz", &vg2) == 0);
	t2 = write_vg(&ctx, vg2, &l2);
	assert(t2 && l1 == l2 && !memcmp(t1, t2, l1));
	ivg_vg_free(vg2);
	free(t1);
	free(t2);
	return 0;
}
