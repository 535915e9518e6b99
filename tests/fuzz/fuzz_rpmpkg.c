/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_rpmpkg.c - the .rpm metadata reader (rpmpkg.c) on arbitrary
 * files, and its header parser on the bytes after the lead.
 *
 * Properties: a stanza that is read formats and parses back to the same
 * fields; finishing the stream counts and hashes exactly the input; a
 * header that parses yields, for every tag, a string inside its data.
 */
#include <stdint.h>

#include "memsrc.h"
#include "rpmpkg.h"

enum { LEAD = 96 };

static void check_header(const uint8_t *data, size_t size)
{
	struct ivg_ctx ctx;
	struct opp_rpmhdr h;
	size_t used;

	ivg_ctx_init(&ctx);
	if (size < LEAD ||
	    opp_rpmhdr_parse(&ctx, "fuzz", data + LEAD, size - LEAD, &h, &used))
		return;
	assert(used <= size - LEAD);
	for (uint32_t tag = 1000; tag < 1100; tag++) {
		const char *s = opp_rpmhdr_string(&h, tag);

		if (s)
			assert(s >= (const char *)h.data &&
			       s + strlen(s) < (const char *)h.data + h.hsize);
	}
	opp_rpmhdr_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memsrc_run(data, size, "fuzz.rpm", opp_rpm_read);
	check_header(data, size);
	return 0;
}
