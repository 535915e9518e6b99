/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_shadow.c - scratch copies of a disk (lvm/shadow.h): what a tool
 * writes into the shadow reaches the disk only at commit, only where it
 * differs, through the device layer's fault points; writes outside the
 * given areas are refused with nothing written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>

#include "dev.h"
#include "shadow.h"

#define MIB (1024ULL * 1024)
#define DISK (8 * MIB)

struct fx {
	char img[64];
	struct ivg_ctx ctx;
	struct ivg_dev *dev;
};

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *f = calloc(1, sizeof(*f));
	int fd;

	if (!f)
		return -1;
	snprintf(f->img, sizeof(f->img), "%s/ivg-shadow-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(f->img);
	if (fd < 0 || ftruncate(fd, DISK) < 0)
		return -1;
	/* Old content: 0xAA in the first MiB, sparse zeroes elsewhere. */
	char buf[4096];
	memset(buf, 0xAA, sizeof(buf));
	for (uint64_t o = 0; o < MIB; o += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), (off_t)o) != (ssize_t)sizeof(buf))
			return -1;
	close(fd);
	ivg_ctx_init(&f->ctx);
	if (ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDWR, &f->dev))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ivg_dev_close(f->dev);
	unlink(f->img);
	free(f);
	return 0;
}

static unsigned char byte_at(struct fx *f, uint64_t off)
{
	unsigned char c = 0x55;

	assert_int_equal(ivg_dev_pread_abs(&f->ctx, f->dev, &c, 1, off), 0);
	return c;
}

static void put(struct ivg_shadow *sh, const char *s, uint64_t off)
{
	int fd = open(ivg_shadow_path(sh), O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, s, strlen(s), (off_t)off), (ssize_t)strlen(s));
	close(fd);
}

/* A copied area keeps the disk's bytes; a blank one reads zero, and the
 * commit zeroes the disk there; only differing sectors are written. */
static void test_copy_blank_commit(void **state)
{
	struct fx *f = *state;
	struct ivg_fault count = { .at = 1000000 };
	struct ivg_shadow *sh;
	unsigned char c;
	int fd;

	assert_int_equal(ivg_shadow_new(&f->ctx, f->dev, &sh), 0);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, 0, 512 * 1024, false), 0);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, 512 * 1024, 512 * 1024, true), 0);
	fd = open(ivg_shadow_path(sh), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, 100), 1);
	assert_int_equal(c, 0xAA);
	assert_int_equal(pread(fd, &c, 1, 600 * 1024), 1);
	assert_int_equal(c, 0);
	close(fd);
	put(sh, "new", 4096);
	f->ctx.fault = &count;
	assert_int_equal(ivg_shadow_commit(&f->ctx, sh), 0);
	/* One run for "new", one for the blank half MiB, one sync. */
	assert_int_equal(count.count, 3);
	f->ctx.fault = NULL;
	ivg_shadow_free(sh);
	assert_int_equal(byte_at(f, 4096), 'n');
	assert_int_equal(byte_at(f, 4096 + 3), 0xAA);
	assert_int_equal(byte_at(f, 100), 0xAA);
	assert_int_equal(byte_at(f, 600 * 1024), 0);
	assert_int_equal(byte_at(f, MIB - 1), 0);
}

/* A tool writing outside its areas: refused, the disk untouched. */
static void test_outside_refused(void **state)
{
	struct fx *f = *state;
	struct ivg_shadow *sh;

	assert_int_equal(ivg_shadow_new(&f->ctx, f->dev, &sh), 0);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, DISK - MIB, MIB, false), 0);
	put(sh, "in", DISK - 4096);
	put(sh, "out", 2 * MIB);
	assert_int_equal(ivg_shadow_commit(&f->ctx, sh), -EIO);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "outside the areas"));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), f->img));
	ivg_shadow_free(sh);
	assert_int_equal(byte_at(f, DISK - 4096), 0);
	assert_int_equal(byte_at(f, 2 * MIB), 0);
}

/* Commit writes are fault points: a torn one leaves half, names it. */
static void test_commit_tears(void **state)
{
	struct fx *f = *state;
	struct ivg_fault tear = { .at = 1, .mode = IVG_FAULT_TEAR };
	struct ivg_shadow *sh;
	char sec[1024];

	memset(sec, 'z', sizeof(sec));
	sec[sizeof(sec) - 1] = '\0';
	assert_int_equal(ivg_shadow_new(&f->ctx, f->dev, &sh), 0);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, 0, MIB, false), 0);
	put(sh, sec, 8192);
	f->ctx.fault = &tear;
	assert_int_equal(ivg_shadow_commit(&f->ctx, sh), -EIO);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "injected torn write"));
	f->ctx.fault = NULL;
	ivg_shadow_free(sh);
	assert_int_equal(byte_at(f, 8192), 'z');
	assert_int_equal(byte_at(f, 8192 + 511), 'z');
	assert_int_equal(byte_at(f, 8192 + 512), 0xAA);
}

static void test_bad_areas(void **state)
{
	struct fx *f = *state;
	struct ivg_shadow *sh;
	struct ivg_dev *ro;

	assert_int_equal(ivg_shadow_new(&f->ctx, f->dev, &sh), 0);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, 100, 512, false), -ERANGE);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, DISK - 512, 1024, false), -ERANGE);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, 0, 4096, false), 0);
	assert_int_equal(ivg_shadow_take(&f->ctx, sh, 2048, 4096, true), -EINVAL);
	ivg_shadow_free(sh);
	assert_int_equal(ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDONLY, &ro), 0);
	assert_int_equal(ivg_shadow_new(&f->ctx, ro, &sh), -EROFS);
	assert_null(sh);
	ivg_dev_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_blank_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_tears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_areas, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
