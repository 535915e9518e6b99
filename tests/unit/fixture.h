/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fixture.h - load a binary fixture from tests/unit/data (or from
 * $IVG_TEST_DATA), failing the test if it is missing or short.
 * Include after <cmocka.h>.
 */
#ifndef IVG_TEST_FIXTURE_H
#define IVG_TEST_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void load_fixture(const char *name, uint8_t *buf, size_t len)
{
	const char *dir = getenv("IVG_TEST_DATA");
	const char *slash = strrchr(__FILE__, '/');
	char path[4096];
	FILE *f;

	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		snprintf(path, sizeof(path), "%.*sdata/%s",
			 slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__,
			 name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	assert_int_equal(fread(buf, 1, len, f), len);
	fclose(f);
}

#endif
