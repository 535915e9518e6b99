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
	struct ivg_recover_boot b;

	ivg_recover_booted_from("BOOT_IMAGE=/vmlinuz console=ttyS0 ivg.vg=ivg0 ivg.vguuid=Ab0cdE-fgh1-ijk2-lmn3-opq4-rst5-uvw6xy ivg.leg=1 quiet\n",
				&b);
	assert_string_equal(b.vg, "ivg0");
	assert_string_equal(b.vgid, "Ab0cdEfgh1ijk2lmn3opq4rst5uvw6xy");
	assert_int_equal(b.leg, 1);
	ivg_recover_booted_from("root=/dev/mapper/rootvg-rootlv ro", &b);
	assert_string_equal(b.vg, "");
	assert_string_equal(b.vgid, "");
	assert_int_equal(b.leg, -1);
	ivg_recover_booted_from("", &b);
	assert_string_equal(b.vg, "");
	assert_int_equal(b.leg, -1);
}

static void booted_from_bad_values(void **state)
{
	struct ivg_recover_boot b;

	/* Not a VG name, a leg that is not a number, a UUID too short: as
	 * if not given. */
	ivg_recover_booted_from("ivg.vg=a\"b ivg.leg=x ivg.vguuid=x", &b);
	assert_string_equal(b.vg, "");
	assert_string_equal(b.vgid, "");
	assert_int_equal(b.leg, -1);
	ivg_recover_booted_from("ivg.vg= ivg.leg=", &b);
	assert_string_equal(b.vg, "");
	assert_int_equal(b.leg, -1);
	/* A name longer than any VG name is not cut, it is dropped. */
	char line[400] = "ivg.vg=";
	for (int i = 0; i < 200; i++)
		line[7 + i] = 'a';
	line[207] = '\0';
	ivg_recover_booted_from(line, &b);
	assert_string_equal(b.vg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(booted_from_cmdline),
		cmocka_unit_test(booted_from_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
