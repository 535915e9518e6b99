/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_aio.c - parallel reads: contents, short reads, many requests. */
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

#include "aio.h"
#include "dev.h"

#define FILE_SIZE (8u << 20)
#define NREQ 300

struct fixture {
	char dir[64];
	char path[2][96];
	struct ivg_ctx ctx;
	struct ivg_dev *dev[2];
};

/* Byte at offset 'off' of file 'k': recognisable, differs per file. */
static uint8_t pattern(int k, uint64_t off)
{
	return (uint8_t)((off * 2654435761u) >> 13) ^ (uint8_t)(k * 0x5b);
}

static void make_file(struct fixture *f, int k)
{
	uint8_t *buf = malloc(FILE_SIZE);
	char path[sizeof(f->path[k])];

	assert_non_null(buf);
	/* via a local: gcc -O2 -Wrestrict misreads f->dir vs f->path */
	snprintf(path, sizeof(path), "%s/d%d.img", f->dir, k);
	memcpy(f->path[k], path, sizeof(path));
	assert_int_equal(ivg_dev_create_file(&f->ctx, f->path[k], FILE_SIZE),
			 0);
	assert_int_equal(ivg_dev_open(&f->ctx, f->path[k], IVG_DEV_RDWR,
				      &f->dev[k]), 0);
	for (uint64_t i = 0; i < FILE_SIZE; i++)
		buf[i] = pattern(k, i);
	assert_int_equal(ivg_dev_pwrite(&f->ctx, f->dev[k], buf, FILE_SIZE,
					0), 0);
	free(buf);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/ivg-test-aio-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	ivg_ctx_init(&f->ctx);
	make_file(f, 0);
	make_file(f, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int k = 0; k < 2; k++) {
		ivg_dev_close(f->dev[k]);
		unlink(f->path[k]);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* NREQ requests over both files; a few special ones at fixed indices. */
static struct ivg_aio_req *make_reqs(struct fixture *f)
{
	struct ivg_aio_req *r = calloc(NREQ, sizeof(*r));

	assert_non_null(r);
	srand(9);
	for (int i = 0; i < NREQ; i++) {
		r[i].dev = f->dev[i % 2];
		r[i].len = 1 + (size_t)rand() % 70000;
		r[i].off = (uint64_t)rand() % (FILE_SIZE - r[i].len);
		r[i].result = 1;
	}
	r[7].off = FILE_SIZE - 100;         /* runs past the end: short */
	r[7].len = 4096;
	r[8].len = 0;                       /* nothing to read */
	r[9].off = FILE_SIZE + 4096;        /* wholly past the end */
	r[9].len = 512;
	for (int i = 0; i < NREQ; i++) {
		r[i].buf = malloc(r[i].len ? r[i].len : 1);
		assert_non_null(r[i].buf);
	}
	return r;
}

static void check_reqs(struct ivg_aio_req *r)
{
	for (int i = 0; i < NREQ; i++) {
		const uint8_t *b = r[i].buf;

		if (i == 7 || i == 9) {
			assert_int_equal(r[i].result, -EIO);
			continue;
		}
		assert_int_equal(r[i].result, 0);
		for (size_t j = 0; j < r[i].len; j++)
			if (b[j] != pattern(i % 2, r[i].off + j))
				fail_msg("request %d byte %zu differs", i, j);
	}
}

static void free_reqs(struct ivg_aio_req *r)
{
	for (int i = 0; i < NREQ; i++)
		free(r[i].buf);
	free(r);
}

static void aio_reads_all(void **state)
{
	struct fixture *f = *state;
	struct ivg_aio_req *r = make_reqs(f);

	assert_int_equal(ivg_aio_read_all(&f->ctx, r, NREQ), 0);
	check_reqs(r);
	free_reqs(r);
}

/*
 * Every backend gives the same results, through O_DIRECT descriptors for
 * aligned requests and the ordinary ones for the rest, in several rounds
 * of one context.
 */
static void each_backend(void **state)
{
	static const int backends[] = { IVG_AIO_URING, IVG_AIO_LIBAIO,
					IVG_AIO_PREAD };
	struct fixture *f = *state;

	for (int k = 0; k < 2; k++)
		ivg_dev_open_direct(f->dev[k]);
	for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
		struct ivg_aio *aio;

		f->ctx.aio_backend = backends[b];
		aio = ivg_aio_new(&f->ctx);
		if (backends[b] == IVG_AIO_PREAD)
			assert_null(aio);
		else
			assert_non_null(aio);
		for (int round = 0; round < 2; round++) {
			struct ivg_aio_req *r = make_reqs(f);
			uint8_t *al = NULL;

			/* One aligned request, as the scanner makes them. */
			assert_int_equal(posix_memalign((void **)&al, IVG_DIO_ALIGN, 8192), 0);
			free(r[3].buf);
			r[3].buf = al;
			r[3].off = 4096;
			r[3].len = 8192;
			assert_int_equal(ivg_aio_read(&f->ctx, aio, r, NREQ), 0);
			check_reqs(r);
			free_reqs(r);
		}
		ivg_aio_free(aio);
	}
	f->ctx.aio_backend = IVG_AIO_AUTO;
}

static void sync_fallback_same_results(void **state)
{
	struct fixture *f = *state;
	struct ivg_aio_req *r = make_reqs(f);

	assert_int_equal(ivg_aio_read_sync(&f->ctx, r, NREQ), 0);
	check_reqs(r);
	free_reqs(r);
}

/* Fewer requests than the queue depth, and none at all. */
static void small_batches(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[512];
	struct ivg_aio_req one = { f->dev[1], 4096, sizeof(buf), buf, 1 };

	assert_int_equal(ivg_aio_read_all(&f->ctx, NULL, 0), 0);
	assert_int_equal(ivg_aio_read_all(&f->ctx, &one, 1), 0);
	assert_int_equal(one.result, 0);
	for (size_t j = 0; j < sizeof(buf); j++)
		assert_int_equal(buf[j], pattern(1, 4096 + j));
}

/* Offsets are absolute: the device window does not shift them. */
static void ignores_window(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[64];
	struct ivg_aio_req one = { f->dev[0], 1 << 20, sizeof(buf), buf, 1 };

	assert_int_equal(ivg_dev_set_window(&f->ctx, f->dev[0], 1 << 20,
					    1 << 20), 0);
	assert_int_equal(ivg_aio_read_all(&f->ctx, &one, 1), 0);
	assert_int_equal(ivg_dev_set_window(&f->ctx, f->dev[0], 0,
					    FILE_SIZE), 0);
	assert_int_equal(one.result, 0);
	for (size_t j = 0; j < sizeof(buf); j++)
		assert_int_equal(buf[j], pattern(0, (1 << 20) + j));
}

/* A request the kernel rejects gets the error; its neighbours still run. */
static void rejected_request(void **state)
{
	struct fixture *f = *state;
	struct ivg_dev bad = { .fd = -1, .path = "bad" };
	uint8_t b[3][512];
	struct ivg_aio_req r[3] = {
		{ f->dev[0], 0, 512, b[0], 1 },
		{ &bad, 0, 512, b[1], 1 },
		{ f->dev[1], 512, 512, b[2], 1 },
	};

	assert_int_equal(ivg_aio_read_all(&f->ctx, r, 3), 0);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, -EBADF);
	assert_int_equal(r[2].result, 0);
	assert_int_equal(b[2][0], pattern(1, 512));
	r[0].result = r[1].result = r[2].result = 1;
	assert_int_equal(ivg_aio_read_sync(&f->ctx, r, 3), 0);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, -EBADF);
	assert_int_equal(r[2].result, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aio_reads_all),
		cmocka_unit_test(each_backend),
		cmocka_unit_test(sync_fallback_same_results),
		cmocka_unit_test(small_batches),
		cmocka_unit_test(ignores_window),
		cmocka_unit_test(rejected_request),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
