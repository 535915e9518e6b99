/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_debpkg.c - the .deb metadata reader (debpkg.c over arsrc.c and
 * libarchive) on arbitrary files.
 *
 * Properties: a control paragraph that is read formats and parses back
 * to the same fields; whatever the reader did, finishing the stream
 * counts and hashes exactly the input (one pass over the file).
 */
#include <stdint.h>

#include "debpkg.h"
#include "memsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memsrc_run(data, size, "fuzz.deb", opp_deb_read);
	return 0;
}
