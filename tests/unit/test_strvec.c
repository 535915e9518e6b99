/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_strvec.c - the string vector: copies owned, NULL after the last, sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "strvec.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_free),
		cmocka_unit_test(as_a_set),
		cmocka_unit_test(truncated),
		cmocka_unit_test(sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
