/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_buf.c - the growable buffer: text and bytes appended, NUL kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "buf.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_and_bytes),
		cmocka_unit_test(written_in_place),
		cmocka_unit_test(failure_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
