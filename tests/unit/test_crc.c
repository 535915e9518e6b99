/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_crc.c - LVM2's CRC against real lvm2 sectors and a bitwise model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "crc.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The definition, one bit at a time: an independent model of ivg_crc. */
static uint32_t crc_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return crc;
}

static void empty_input_returns_initial(void **state)
{
	assert_int_equal(ivg_crc(IVG_INITIAL_CRC, "", 0), IVG_INITIAL_CRC);
	assert_int_equal(ivg_crc(0x12345678, "", 0), 0x12345678);
}

static void check_vector(void **state)
{
	/* Computed independently as ~zlib.crc32(data, ~0xf597a6cf). */
	assert_int_equal(ivg_crc(IVG_INITIAL_CRC, "123456789", 9), 0x4991cf02);
	assert_int_equal(ivg_crc(IVG_INITIAL_CRC, "a", 1), 0x319b1949);
}

static void matches_bitwise_model(void **state)
{
	uint8_t buf[4099];

	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t n = 0; n < sizeof(buf); n += 97)
		assert_int_equal(ivg_crc(IVG_INITIAL_CRC, buf, n),
				 crc_bitwise(IVG_INITIAL_CRC, buf, n));
}

static void chains(void **state)
{
	const char *s = "metadata text that wraps around the ring";
	size_t n = strlen(s);

	for (size_t cut = 0; cut <= n; cut++)
		assert_int_equal(ivg_crc(ivg_crc(IVG_INITIAL_CRC, s, cut),
					 s + cut, n - cut),
				 ivg_crc(IVG_INITIAL_CRC, s, n));
}

/* lvm2's label: CRC of bytes 20..511 stored at 16. */
static void real_label_sectors(void **state)
{
	static const char *names[] = { "label_plain.bin", "label_ba.bin",
				       "label_mda2.bin" };

	for (size_t i = 0; i < 3; i++) {
		uint8_t s[512];

		load_fixture(names[i], s, sizeof(s));
		assert_int_equal(ivg_crc(IVG_INITIAL_CRC, s + 20, 492),
				 le32(s + 16));
	}
}

/* lvm2's mda header (CRC of 4..511) and a wrapped text's CRC. */
static void real_mda(void **state)
{
	static uint8_t a[32768];
	uint64_t off, size, first;
	uint32_t crc;

	load_fixture("mda_wrapped.bin", a, sizeof(a));
	assert_int_equal(ivg_crc(IVG_INITIAL_CRC, a + 4, 508), le32(a));
	off = le64(a + 40);
	size = le64(a + 48);
	assert_true(off + size > sizeof(a));          /* it does wrap */
	first = sizeof(a) - off;
	crc = ivg_crc(IVG_INITIAL_CRC, a + off, first);
	crc = ivg_crc(crc, a + 512, size - first);
	assert_int_equal(crc, le32(a + 56));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_input_returns_initial),
		cmocka_unit_test(check_vector),
		cmocka_unit_test(matches_bitwise_model),
		cmocka_unit_test(chains),
		cmocka_unit_test(real_label_sectors),
		cmocka_unit_test(real_mda),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
