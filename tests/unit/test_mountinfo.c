/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_mountinfo.c - this namespace's mounts through libmount: a tmpfs
 * mounted read-only at a directory with a blank in its name is found by
 * its device number, its name unescaped and its read-only flag seen.
 * Needs root (mount(2)); the mount is undone in the teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountinfo.h"

struct fx {
	char dir[64];
	bool mounted;
};

static int setup(void **state)
{
	static struct fx f;

	f = (struct fx){ .mounted = false };
	snprintf(f.dir, sizeof(f.dir), "/tmp/ivg mnt XXXXXX");
	*state = &f;
	return mkdtemp(f.dir) ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->mounted)
		umount2(f->dir, 0);
	rmdir(f->dir);
	return 0;
}

static const struct ivg_mount *find(const struct ivg_mounts *m, const char *dir)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].dir, dir))
			return &m->v[i];
	return NULL;
}

static void found_unescaped(void **state)
{
	struct fx *f = *state;
	struct ivg_mounts m;
	const struct ivg_mount *e;
	struct ivg_ctx ctx;
	struct stat st;

	ivg_ctx_init(&ctx);
	if (mount("ivgtest", f->dir, "tmpfs", MS_RDONLY | MS_NODEV | MS_NOSUID, "size=64k"))
		fail_msg("mount tmpfs at %s (root needed): %m", f->dir);
	f->mounted = true;
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(ivg_mounts_read(&ctx, &m), 0);
	e = find(&m, f->dir);
	assert_non_null(e);
	assert_true(e->dev == st.st_dev);
	assert_true(e->ro);
	/* The root is there too, read-write or not, with its own device. */
	assert_non_null(find(&m, "/"));
	ivg_mounts_free(&m);
	assert_null(m.v);

	/* Read-write again: the flag follows the mount. */
	assert_int_equal(mount(NULL, f->dir, NULL, MS_REMOUNT | MS_NODEV | MS_NOSUID, "size=64k"), 0);
	assert_int_equal(ivg_mounts_read(&ctx, &m), 0);
	e = find(&m, f->dir);
	assert_non_null(e);
	assert_false(e->ro);
	ivg_mounts_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(found_unescaped, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
