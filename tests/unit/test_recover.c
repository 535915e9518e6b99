/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_recover.c - ivgrecover's library: which install VG and leg the
 * maintenance environment was booted from (its kernel command line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "recover.h"

static void booted_from_cmdline(void **state)
{
	char ivg[IVG_NAME_MAX + 1];
	int leg;

	ivg_recover_booted_from("BOOT_IMAGE=/vmlinuz console=ttyS0 ivg.vg=ivg0 ivg.vguuid=x ivg.leg=1 quiet\n",
				ivg, &leg);
	assert_string_equal(ivg, "ivg0");
	assert_int_equal(leg, 1);
	ivg_recover_booted_from("root=/dev/mapper/rootvg-rootlv ro", ivg, &leg);
	assert_string_equal(ivg, "");
	assert_int_equal(leg, -1);
	ivg_recover_booted_from("", ivg, &leg);
	assert_string_equal(ivg, "");
	assert_int_equal(leg, -1);
}

static void booted_from_bad_values(void **state)
{
	char ivg[IVG_NAME_MAX + 1];
	int leg;

	/* Not a VG name, a leg that is not a number: as if not given. */
	ivg_recover_booted_from("ivg.vg=a\"b ivg.leg=x", ivg, &leg);
	assert_string_equal(ivg, "");
	assert_int_equal(leg, -1);
	ivg_recover_booted_from("ivg.vg= ivg.leg=", ivg, &leg);
	assert_string_equal(ivg, "");
	assert_int_equal(leg, -1);
	/* A name longer than any VG name is not cut, it is dropped. */
	char line[400] = "ivg.vg=";
	for (int i = 0; i < 200; i++)
		line[7 + i] = 'a';
	line[207] = '\0';
	ivg_recover_booted_from(line, ivg, &leg);
	assert_string_equal(ivg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(booted_from_cmdline),
		cmocka_unit_test(booted_from_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
