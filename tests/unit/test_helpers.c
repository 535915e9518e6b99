/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_helpers.c - the library's small shared helpers: the string vector
 * (copies owned, NULL after the last, sets), the growable buffer (text
 * and bytes appended, NUL kept, a failure that sticks) and SHA-256 with
 * its hex text, both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "buf.h"
#include "sha256.h"
#include "strvec.h"

/* ---- strvec.h ----------------------------------------------------------- */

static void append_and_free(void **state)
{
	struct ivg_strvec sv = { 0 };
	char name[] = "loop0";

	assert_int_equal(ivg_strvec_add(&sv, name), 0);
	name[4] = '1';             /* the vector holds its own copy */
	assert_int_equal(ivg_strvec_addn(&sv, "sdb,sdc", 3), 0);
	assert_int_equal(ivg_strvec_addf(&sv, "--root=%s/%d", "/mnt", 7), 0);
	for (int i = 0; i < 20; i++)   /* past the first allocation */
		assert_int_equal(ivg_strvec_addf(&sv, "x%d", i), 0);
	assert_int_equal(sv.n, 23);
	assert_string_equal(sv.v[0], "loop0");
	assert_string_equal(sv.v[1], "sdb");
	assert_string_equal(sv.v[2], "--root=/mnt/7");
	assert_string_equal(sv.v[22], "x19");
	assert_null(sv.v[sv.n]);   /* usable as an argv */
	ivg_strvec_free(&sv);
	assert_int_equal(sv.n, 0);
	assert_null(sv.v);
	ivg_strvec_free(&sv);      /* freeing an empty one is fine */
}

static void as_a_set(void **state)
{
	struct ivg_strvec sv = { 0 };

	assert_int_equal(ivg_strvec_add_once(&sv, "READ"), 0);
	assert_int_equal(ivg_strvec_add_once(&sv, "WRITE"), 0);
	assert_int_equal(ivg_strvec_add_once(&sv, "READ"), 0);
	assert_int_equal(sv.n, 2);
	assert_true(ivg_strvec_has(&sv, "WRITE"));
	assert_false(ivg_strvec_has(&sv, "WRIT"));
	assert_true(ivg_strvec_hasn(&sv, "WRITE_LOCKED", 5));
	assert_false(ivg_strvec_hasn(&sv, "WRITE_LOCKED", 4));
	assert_false(ivg_strvec_hasn(&sv, "WRITE_LOCKED", 6));
	ivg_strvec_del(&sv, "READ");
	ivg_strvec_del(&sv, "absent");
	assert_int_equal(sv.n, 1);
	assert_string_equal(sv.v[0], "WRITE");
	assert_null(sv.v[1]);      /* the end moved down with the rest */
	ivg_strvec_del(&sv, "WRITE");
	assert_int_equal(sv.n, 0);
	assert_null(sv.v[0]);
	ivg_strvec_free(&sv);
}

static void truncated(void **state)
{
	struct ivg_strvec sv = { 0 };

	ivg_strvec_truncate(&sv, 3);      /* nothing there: nothing to do */
	assert_null(sv.v);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ivg_strvec_addf(&sv, "d%d", i), 0);
	ivg_strvec_truncate(&sv, 2);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.v[1], "d1");
	assert_null(sv.v[2]);
	ivg_strvec_truncate(&sv, 0);      /* as new */
	assert_int_equal(sv.n, 0);
	assert_null(sv.v);
}

static void sorted(void **state)
{
	struct ivg_strvec sv = { 0 };
	const char *in[] = { "vg10", "alpha", "vg2", "Zed" };

	ivg_strvec_sort(&sv);      /* empty: nothing to do */
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(ivg_strvec_add(&sv, in[i]), 0);
	ivg_strvec_sort(&sv);
	assert_string_equal(sv.v[0], "Zed");
	assert_string_equal(sv.v[1], "alpha");
	assert_string_equal(sv.v[2], "vg10");
	assert_string_equal(sv.v[3], "vg2");
	assert_null(sv.v[4]);
	ivg_strvec_free(&sv);
}

/* ---- buf.h -------------------------------------------------------------- */

static void text_and_bytes(void **state)
{
	struct ivg_buf b = { 0 };
	char big[10000];

	assert_int_equal(ivg_buf_printf(&b, "%s = %d\n", "seqno", 7), 0);
	assert_int_equal(ivg_buf_add(&b, "ab\0c", 4), 0);
	assert_int_equal(b.len, 14);
	assert_memory_equal(b.p, "seqno = 7\nab\0c", 14);
	assert_int_equal(b.p[b.len], '\0');
	/* Past the first allocation, in one piece and by printf. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(ivg_buf_add(&b, big, sizeof(big)), 0);
	assert_int_equal(ivg_buf_printf(&b, "%.*s", 5000, big), 0);
	assert_int_equal(b.len, 14 + 10000 + 5000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.p[b.len], '\0');
	assert_int_equal(b.p[b.len - 1], 'x');
	ivg_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

static void written_in_place(void **state)
{
	struct ivg_buf b = { 0 };

	/* Room, then bytes written there by someone else (a read). */
	assert_int_equal(ivg_buf_reserve(&b, 0), 0);
	assert_string_equal(b.p, "");
	assert_int_equal(ivg_buf_reserve(&b, 6), 0);
	memcpy(b.p + b.len, "header", 6);
	ivg_buf_wrote(&b, 6);
	assert_int_equal(ivg_buf_reserve(&b, 3), 0);
	memcpy(b.p + b.len, "abc", 3);
	ivg_buf_wrote(&b, 2);      /* only two of them count */
	assert_string_equal(b.p, "headerab");
	ivg_buf_free(&b);
}

static void failure_sticks(void **state)
{
	struct ivg_buf b = { 0 };

	assert_int_equal(ivg_buf_printf(&b, "kept"), 0);
	assert_int_equal(ivg_buf_reserve(&b, SIZE_MAX), -ENOMEM);
	/* Later writes fail too, so that the writer checks once. */
	assert_int_equal(ivg_buf_printf(&b, "more"), -ENOMEM);
	assert_int_equal(ivg_buf_add(&b, "x", 1), -ENOMEM);
	assert_int_equal(b.err, -ENOMEM);
	assert_string_equal(b.p, "kept");
	ivg_buf_free(&b);
	assert_int_equal(b.err, 0);
}

/* ---- sha256.h ----------------------------------------------------------- */

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
		cmocka_unit_test(append_and_free),
		cmocka_unit_test(as_a_set),
		cmocka_unit_test(truncated),
		cmocka_unit_test(sorted),
		cmocka_unit_test(text_and_bytes),
		cmocka_unit_test(written_in_place),
		cmocka_unit_test(failure_sticks),
		cmocka_unit_test(known_vector),
		cmocka_unit_test(from_hex),
		cmocka_unit_test(hex_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
