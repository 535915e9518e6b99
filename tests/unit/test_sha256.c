/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sha256.c - SHA-256 digests and their hex text, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "sha256.h"

/* FIPS 180-2's "abc". */
#define ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void known_vector(void **state)
{
	uint8_t sha[IVG_SHA256_LEN];
	char hex[IVG_SHA256_HEX];

	assert_int_equal(ivg_sha256("abc", 3, sha), 0);
	ivg_sha256_to_hex(sha, hex);
	assert_string_equal(hex, ABC);
	memset(hex, 'x', sizeof(hex));
	assert_int_equal(ivg_sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex, ABC);
	assert_int_equal(ivg_sha256_hex("", 0, hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void from_hex(void **state)
{
	uint8_t sha[IVG_SHA256_LEN], back[IVG_SHA256_LEN];
	char hex[IVG_SHA256_HEX], line[80];

	ivg_sha256("abc", 3, sha);
	assert_int_equal(ivg_sha256_from_hex(ABC, back), 0);
	assert_memory_equal(sha, back, IVG_SHA256_LEN);
	/* sha256sum -c's lines: upper case too, the name after. */
	for (size_t i = 0; i < 64; i++)
		hex[i] = (char)(ABC[i] >= 'a' ? ABC[i] - 'a' + 'A' : ABC[i]);
	hex[64] = '\0';
	snprintf(line, sizeof(line), "%s  vmlinuz", hex);
	memset(back, 0, sizeof(back));
	assert_int_equal(ivg_sha256_from_hex(line, back), 0);
	assert_memory_equal(sha, back, IVG_SHA256_LEN);
	/* A byte that is no hex digit, anywhere, and a short text. */
	snprintf(line, sizeof(line), "%s", ABC);
	line[63] = 'g';
	assert_int_equal(ivg_sha256_from_hex(line, back), -EINVAL);
	line[63] = 'd';
	line[0] = ' ';
	assert_int_equal(ivg_sha256_from_hex(line, back), -EINVAL);
	assert_int_equal(ivg_sha256_from_hex("ba7816bf", back), -EINVAL);
}

static void hex_ok(void **state)
{
	char s[80];

	assert_true(ivg_sha256_hex_ok(ABC));
	/* What ivg writes only: lowercase, 64 digits, nothing after. */
	snprintf(s, sizeof(s), "%s", ABC);
	s[0] = 'B';
	assert_false(ivg_sha256_hex_ok(s));
	snprintf(s, sizeof(s), "%s0", ABC);
	assert_false(ivg_sha256_hex_ok(s));
	snprintf(s, sizeof(s), "%s\n", ABC);
	assert_false(ivg_sha256_hex_ok(s));
	assert_false(ivg_sha256_hex_ok(&ABC[1]));     /* 63 digits */
	assert_false(ivg_sha256_hex_ok(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vector),
		cmocka_unit_test(from_hex),
		cmocka_unit_test(hex_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
