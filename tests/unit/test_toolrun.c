/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_toolrun.c - outside tools (lvm/toolrun.h): the exit status and the
 * end of the output reach the message; a tool that runs past its time
 * limit is killed; a missing tool is -ENOENT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <errno.h>

#include "toolrun.h"

static void status_and_output(void **state)
{
	struct ivg_ctx ctx;
	char *ok[] = { "true", NULL };
	char *bad[] = { "sh", "-c", "echo broken FAT >&2; exit 3", NULL };
	char *env[] = { "IVG_T=1", NULL };
	char *seen[] = { "sh", "-c", "[ \"$IVG_T\" = 1 ]", NULL };

	(void)state;
	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_spawn(&ctx, "t", ok, NULL, -1), 0);
	assert_int_equal(ivg_spawn(&ctx, "esp.img", bad, NULL, -1), -EIO);
	assert_non_null(strstr(ivg_errmsg(&ctx), "esp.img: sh failed with exit status 3: broken FAT"));
	assert_int_equal(ivg_spawn(&ctx, "t", seen, env, -1), 0);
	char *none[] = { "ivg-no-such-tool", NULL };
	assert_int_equal(ivg_spawn(&ctx, "t", none, NULL, -1), -ENOENT);
	assert_int_equal(ivg_tool_find(&ctx, "sh", "x"), 0);
	assert_int_equal(ivg_tool_find(&ctx, "ivg-no-such-tool", "it does x"), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "ivg-no-such-tool is not installed; it does x"));
}

static void time_limit(void **state)
{
	struct ivg_ctx ctx;
	char *loop[] = { "sh", "-c", "echo looping; while :; do :; done", NULL };
	char *quick[] = { "sleep", "0.1", NULL };
	struct timespec a, b;

	(void)state;
	ivg_ctx_init(&ctx);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(ivg_spawn_timed(&ctx, "esp.img", loop, NULL, -1, 1), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_non_null(strstr(ivg_errmsg(&ctx), "esp.img: sh did not finish in 1 s and was killed: looping"));
	assert_true(b.tv_sec - a.tv_sec < 30);
	assert_int_equal(ivg_spawn_timed(&ctx, "t", quick, NULL, -1, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_and_output),
		cmocka_unit_test(time_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
