/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pathf.c - paths formatted whole, or refused naming their start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "pathf.h"

static void fits(void **state)
{
	struct ivg_ctx ctx;
	char buf[16];

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_pathf(&ctx, buf, sizeof(buf), "%s/%s", "/tmp", "a.img"), 0);
	assert_string_equal(buf, "/tmp/a.img");
	/* Exactly full: 15 characters and the NUL. */
	assert_int_equal(ivg_pathf(&ctx, buf, sizeof(buf), "%s", "/123456789abcde"), 0);
	assert_string_equal(buf, "/123456789abcde");
}

static void too_long(void **state)
{
	struct ivg_ctx ctx;
	char buf[16];

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_pathf(&ctx, buf, sizeof(buf), "%s/%s", "/a/long/directory", "x"),
			 -ENAMETOOLONG);
	/* Nothing half-made is left to be used by mistake. */
	assert_string_equal(buf, "");
	assert_non_null(strstr(ivg_errmsg(&ctx), "path too long (19 bytes, at most 15): /a/long/directo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fits),
		cmocka_unit_test(too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
