/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_mda.c - metadata area ring: commits, wraps, lvm2's own areas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include <errno.h>

#include "crc.h"
#include "dev.h"
#include "mda.h"

#define MDA_START 4096ULL
#define MDA_SIZE 32768ULL              /* lvm2's minimum: wraps quickly */

struct tmpdev {
	char dir[64];
	char path[96];
	struct ivg_ctx ctx;
	struct ivg_dev *dev;
};

/* A 1 MiB image whose first 64 KiB are 0xaa, to see what gets zeroed. */
static void tmpdev_open(struct tmpdev *t)
{
	uint8_t junk[65536];

	strcpy(t->dir, "/tmp/ivg-test-mda-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/pv.img", t->dir);
	ivg_ctx_init(&t->ctx);
	assert_int_equal(ivg_dev_create_file(&t->ctx, t->path, 1 << 20), 0);
	assert_int_equal(ivg_dev_open(&t->ctx, t->path, IVG_DEV_RDWR,
				      &t->dev), 0);
	memset(junk, 0xaa, sizeof(junk));
	assert_int_equal(ivg_dev_pwrite(&t->ctx, t->dev, junk, sizeof(junk),
					0), 0);
}

static void tmpdev_close(struct tmpdev *t)
{
	ivg_dev_close(t->dev);
	unlink(t->path);
	rmdir(t->dir);
}

/* Text of exactly len bytes, trailing NUL included, unique per seq. */
static char *make_text(size_t len, unsigned seq)
{
	char *t = malloc(len);
	int n;

	assert_non_null(t);
	n = snprintf(t, len, "vg%u {\nseqno = %u\n", seq % 7, seq);
	assert_true(n > 0 && (size_t)n + 3 <= len);
	for (size_t i = (size_t)n; i < len - 3; i++)
		t[i] = (char)('a' + (i + seq) % 26);
	memcpy(t + len - 3, "}\n", 3);
	return t;
}

static void init_area(struct tmpdev *t, struct ivg_mda_header *h)
{
	assert_int_equal(ivg_mda_init(&t->ctx, t->dev, MDA_START, MDA_SIZE),
			 0);
	assert_int_equal(ivg_mda_read(&t->ctx, t->dev, MDA_START, MDA_SIZE,
				      h), 0);
}

static void commit_text(struct tmpdev *t, struct ivg_mda_header *h,
			const char *text, size_t len)
{
	assert_int_equal(ivg_mda_write_precommit(&t->ctx, t->dev, h, text,
						 len), 0);
	assert_int_equal(ivg_mda_commit(&t->ctx, t->dev, h), 0);
}

/* Slot 'slot' of the area as read from disk again equals text. */
static void expect_text(struct tmpdev *t, int slot, const char *text,
			size_t len)
{
	struct ivg_mda_header h;
	char *got;
	size_t n;

	assert_int_equal(ivg_mda_read(&t->ctx, t->dev, MDA_START, MDA_SIZE,
				      &h), 0);
	assert_int_equal(ivg_mda_read_text(&t->ctx, t->dev, &h, slot, &got,
					   &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(got, text, len);
	assert_int_equal(got[n], '\0');
	free(got);
}

static void init_zeroes_like_pvcreate(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	uint8_t buf[8192], zero[3584] = { 0 };
	char *text;
	size_t len;

	tmpdev_open(&t);
	init_area(&t, &h);
	assert_int_equal(h.start, MDA_START);
	assert_int_equal(h.size, MDA_SIZE);
	assert_int_equal(h.version, 1);
	for (int i = 0; i < 2; i++)
		assert_true(!h.slot[i].offset && !h.slot[i].size &&
			    !h.slot[i].checksum && !h.slot[i].flags);
	assert_int_equal(ivg_dev_pread(&t.ctx, t.dev, buf, sizeof(buf),
				       MDA_START), 0);
	assert_memory_equal(buf + 4, IVG_MDA_MAGIC, 16);
	assert_memory_equal(buf + 512, zero, sizeof(zero));  /* to 4 KiB */
	assert_int_equal(buf[4096], 0xaa);                   /* not beyond */
	assert_int_equal(ivg_mda_read_text(&t.ctx, t.dev, &h, 0, &text, &len),
			 -ENOENT);
	assert_int_equal(ivg_mda_init(&t.ctx, t.dev, MDA_START, 16384),
			 -EINVAL);
	tmpdev_close(&t);
}

static void precommit_commit_read(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	char *a = make_text(1000, 1), *b = make_text(700, 2);

	tmpdev_open(&t);
	init_area(&t, &h);
	commit_text(&t, &h, a, 1000);
	assert_int_equal(h.slot[0].offset, 512);       /* lvm2's first place */
	assert_int_equal(h.slot[1].size, 0);
	expect_text(&t, 0, a, 1000);

	assert_int_equal(ivg_mda_write_precommit(&t.ctx, t.dev, &h, b, 700),
			 0);
	assert_int_equal(h.slot[1].offset, 1536);     /* 512+1000 -> 1536 */
	/* Not committed yet: slot 0 still holds the old text. */
	expect_text(&t, 0, a, 1000);
	expect_text(&t, 1, b, 700);
	assert_int_equal(ivg_mda_commit(&t.ctx, t.dev, &h), 0);
	expect_text(&t, 0, b, 700);
	assert_int_equal(ivg_mda_commit(&t.ctx, t.dev, &h), -EINVAL);
	free(a);
	free(b);
	tmpdev_close(&t);
}

/* The padding of a write is zeroes up to the next sector, as lvm2's. */
static void write_pads_with_zeroes(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	char *a = make_text(600, 3);
	uint8_t buf[1024], zero[424] = { 0 };

	tmpdev_open(&t);
	init_area(&t, &h);
	/* dirty the ring behind the 4 KiB that init zeroes */
	memset(buf, 0xbb, sizeof(buf));
	assert_int_equal(ivg_dev_pwrite(&t.ctx, t.dev, buf, 1024,
					MDA_START + 512), 0);
	commit_text(&t, &h, a, 600);
	assert_int_equal(ivg_dev_pread(&t.ctx, t.dev, buf, 1024,
				       MDA_START + 512), 0);
	assert_memory_equal(buf, a, 600);
	assert_memory_equal(buf + 600, zero, sizeof(zero));
	free(a);
	tmpdev_close(&t);
}

/* Many commits of varied sizes go round the ring several times. */
static void ring_wraps(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	unsigned wraps = 0;
	char *prev = NULL;
	size_t prev_len = 0;

	tmpdev_open(&t);
	init_area(&t, &h);
	srand(5);
	for (unsigned i = 0; i < 300; i++) {
		size_t len = 400 + (size_t)rand() % 6000;
		char *text = make_text(len, i);
		uint64_t want = ivg_mda_next_offset(&h);

		assert_int_equal(ivg_mda_write_precommit(&t.ctx, t.dev, &h,
							 text, len), 0);
		assert_int_equal(h.slot[1].offset, want);
		assert_true(want % 512 == 0 && want >= 512 &&
			    want <= MDA_SIZE - 512);
		if (h.slot[1].offset + len > MDA_SIZE)
			wraps++;
		if (prev)                      /* the old copy survives */
			expect_text(&t, 0, prev, prev_len);
		assert_int_equal(ivg_mda_commit(&t.ctx, t.dev, &h), 0);
		expect_text(&t, 0, text, len);
		free(prev);
		prev = text;
		prev_len = len;
	}
	free(prev);
	assert_true(wraps >= 10);
	tmpdev_close(&t);
}

/* Committed copies and the next offset stock lvm2 2.03.16 chose. */
static void placement_matches_lvm2(void **state)
{
	static const struct { uint64_t off, size, next; } seen[] = {
		{ 512, 719, 1536 },         /* vgcreate, then vgchange */
		{ 1536, 1024, 2560 },       /* ends on a boundary: no gap */
		{ 31232, 925, 32256 },      /* last sector still used */
		{ 32256, 932, 1024 },       /* wrapped 420 bytes to 512 */
	};
	struct ivg_mda_header h = { .start = MDA_START, .size = MDA_SIZE };

	assert_int_equal(ivg_mda_next_offset(&h), 512);
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		h.slot[0].offset = seen[i].off;
		h.slot[0].size = seen[i].size;
		assert_int_equal(ivg_mda_next_offset(&h), seen[i].next);
	}
	/* Ending within the last sector restarts at 512. */
	h.slot[0].offset = 31744;
	h.slot[0].size = 600;
	assert_int_equal(ivg_mda_next_offset(&h), 512);
	/* An ignored area starts over, as lvm2's does. */
	h.slot[0].flags = IVG_RAW_LOCN_IGNORED;
	assert_int_equal(ivg_mda_next_offset(&h), 512);
}

/* An area lvm2 wrote (its committed copy wraps) reads back in ivg. */
static void real_lvm2_wrapped_area(void **state)
{
	static uint8_t area[MDA_SIZE];
	struct tmpdev t;
	struct ivg_mda_header h, hb;
	char *text, *tb;
	size_t len, lb;

	load_fixture("mda_wrapped.bin", area, sizeof(area));
	tmpdev_open(&t);
	assert_int_equal(ivg_dev_pwrite(&t.ctx, t.dev, area, sizeof(area),
					MDA_START), 0);
	assert_int_equal(ivg_mda_read(&t.ctx, t.dev, MDA_START, MDA_SIZE,
				      &h), 0);
	assert_true(h.slot[0].offset + h.slot[0].size > MDA_SIZE);
	assert_int_equal(ivg_mda_read_text(&t.ctx, t.dev, &h, 0, &text, &len),
			 0);
	assert_int_equal(strlen(text) + 1, len);
	assert_non_null(strstr(text, "tvg {"));
	assert_non_null(strstr(text, "contents = \"Text Format Volume Group\""));
	/* Same through the in-memory path, from a buffer at MDA_START. */
	assert_int_equal(ivg_mda_header_from_buf(&t.ctx, "buf", area,
						 MDA_START, sizeof(area),
						 MDA_START, MDA_SIZE, &hb,
						 NULL), 0);
	assert_memory_equal(&h, &hb, sizeof(h));
	assert_int_equal(ivg_mda_text_from_buf(&t.ctx, "buf", area, MDA_START,
					       sizeof(area), &hb, 0, &tb, &lb,
					       NULL), 0);
	assert_int_equal(lb, len);
	assert_string_equal(tb, text);
	free(tb);
	/* ivg's next copy lands where lvm2 would put it, then reads back. */
	assert_int_equal(ivg_mda_next_offset(&h), 1024);
	commit_text(&t, &h, text, len);
	expect_text(&t, 0, text, len);
	free(text);
	tmpdev_close(&t);
}

static void from_buf_asks_for_more(void **state)
{
	static uint8_t area[MDA_SIZE];
	struct ivg_ctx ctx;
	struct ivg_mda_header h;
	uint64_t need = 0;
	char *text;
	size_t len;

	ivg_ctx_init(&ctx);
	load_fixture("mda_wrapped.bin", area, sizeof(area));
	assert_int_equal(ivg_mda_header_from_buf(&ctx, "b", area, MDA_START,
						 256, MDA_START, 0, &h,
						 &need), -EAGAIN);
	assert_int_equal(need, MDA_START + 512);
	assert_int_equal(ivg_mda_header_from_buf(&ctx, "b", area, MDA_START,
						 8192, MDA_START, 0, &h,
						 &need), 0);
	/* The wrapped text needs the buffer to reach the end of the area. */
	assert_int_equal(ivg_mda_text_from_buf(&ctx, "b", area, MDA_START,
					       8192, &h, 0, &text, &len,
					       &need), -EAGAIN);
	assert_int_equal(need, MDA_START + MDA_SIZE);
	assert_non_null(strstr(ivg_errmsg(&ctx), "b: "));
}

static void too_large_refused(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	uint64_t max;
	char *big, *ok;

	tmpdev_open(&t);
	init_area(&t, &h);
	max = ivg_mda_max_text(&h);
	assert_int_equal(max, (MDA_SIZE - 512) / 2 - 512);
	assert_true(ivg_mda_text_fits(&h, max));
	assert_false(ivg_mda_text_fits(&h, max + 1));
	big = make_text(max + 1, 1);
	ok = make_text(max, 2);
	assert_int_equal(ivg_mda_write_precommit(&t.ctx, t.dev, &h, big,
						 max + 1), -ENOSPC);
	assert_non_null(strstr(ivg_errmsg(&t.ctx), t.path));
	assert_non_null(strstr(ivg_errmsg(&t.ctx), "15617 bytes"));
	assert_non_null(strstr(ivg_errmsg(&t.ctx), "15616 bytes"));
	/* Two maximal copies in a row still fit side by side. */
	commit_text(&t, &h, ok, max);
	commit_text(&t, &h, ok, max);
	commit_text(&t, &h, ok, max);
	expect_text(&t, 0, ok, max);
	/* Length must count the trailing NUL. */
	assert_int_equal(ivg_mda_write_precommit(&t.ctx, t.dev, &h, ok,
						 max - 1), -EINVAL);
	free(big);
	free(ok);
	tmpdev_close(&t);
}

static void corrupt_text_detected(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	char *a = make_text(900, 4), *got;
	size_t len;
	uint8_t c;

	tmpdev_open(&t);
	init_area(&t, &h);
	commit_text(&t, &h, a, 900);
	assert_int_equal(ivg_dev_pread(&t.ctx, t.dev, &c, 1,
				       MDA_START + 512 + 300), 0);
	c ^= 0x20;
	assert_int_equal(ivg_dev_pwrite(&t.ctx, t.dev, &c, 1,
					MDA_START + 512 + 300), 0);
	assert_int_equal(ivg_mda_read_text(&t.ctx, t.dev, &h, 0, &got, &len),
			 -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&t.ctx), "bad checksum"));
	free(a);
	tmpdev_close(&t);
}

/* Header damage: each check names the device and the area. */
static void corrupt_header_detected(void **state)
{
	static uint8_t area[MDA_SIZE];
	struct ivg_ctx ctx;
	struct ivg_mda_header h;
	uint8_t b[512];

	ivg_ctx_init(&ctx);
	load_fixture("mda_wrapped.bin", area, sizeof(area));
	memcpy(b, area, 512);
	b[45] ^= 1;
	assert_int_equal(ivg_mda_header_decode(&ctx, "/dev/q", b, MDA_START,
					       &h), -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&ctx),
			       "/dev/q: metadata area header at 4096 has a bad checksum"));
	assert_int_equal(ivg_mda_header_decode(&ctx, "/dev/q", area, 8192, &h),
			 -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&ctx), "claims to start at 4096"));
	/* A slot past the end of the area, with a valid CRC. */
	assert_int_equal(ivg_mda_header_decode(&ctx, "/dev/q", area, MDA_START,
					       &h), 0);
	h.slot[1].offset = MDA_SIZE;
	h.slot[1].size = 10;
	ivg_mda_header_encode(&h, b);
	assert_int_equal(ivg_mda_header_decode(&ctx, "/dev/q", b, MDA_START,
					       &h), -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&ctx), "slot 1"));
	/* A size larger than the ring. */
	h.slot[1].offset = 512;
	h.slot[1].size = MDA_SIZE;
	ivg_mda_header_encode(&h, b);
	assert_int_equal(ivg_mda_header_decode(&ctx, "/dev/q", b, MDA_START,
					       &h), -EILSEQ);
	memcpy(b, area, 512);
	memcpy(b + 4, " LVM2 x[5A%r0N*<", 16);
	ivg_mda_header_encode(&h, b);   /* encode restores the magic */
	assert_memory_equal(b + 4, IVG_MDA_MAGIC, 16);
}

/* Size disagreeing with the PV header is refused. */
static void size_mismatch(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;

	tmpdev_open(&t);
	init_area(&t, &h);
	assert_int_equal(ivg_mda_read(&t.ctx, t.dev, MDA_START, 65536, &h),
			 -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&t.ctx), "PV header says 65536"));
	tmpdev_close(&t);
}

/* A failed text write leaves the committed copy and header untouched. */
static void failed_precommit_keeps_old(void **state)
{
	struct tmpdev t;
	struct ivg_mda_header h;
	struct ivg_fault f = { .mode = IVG_FAULT_TEAR };
	char *a = make_text(3000, 8), *b = make_text(5000, 9);

	tmpdev_open(&t);
	init_area(&t, &h);
	commit_text(&t, &h, a, 3000);
	for (unsigned long at = 1; at <= 2; at++) {
		struct ivg_mda_header hh;

		f.at = at;
		f.count = 0;
		t.ctx.fault = &f;
		hh = h;
		assert_int_equal(ivg_mda_write_precommit(&t.ctx, t.dev, &hh,
							 b, 5000), -EIO);
		t.ctx.fault = NULL;
		expect_text(&t, 0, a, 3000);
	}
	free(a);
	free(b);
	tmpdev_close(&t);
}

/* Random bytes behind a valid CRC never crash header or text readers. */
static void mutations(void **state)
{
	static uint8_t base[MDA_SIZE], a[MDA_SIZE];
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	load_fixture("mda_wrapped.bin", base, sizeof(base));
	srand(3);
	for (int i = 0; i < 5000; i++) {
		struct ivg_mda_header h;
		char *text;
		size_t len;
		uint32_t crc;

		memcpy(a, base, sizeof(a));
		for (int k = rand() % 6; k >= 0; k--)
			a[4 + rand() % 100] = (uint8_t)rand();
		crc = ivg_crc(IVG_INITIAL_CRC, a + 4, 508);
		memcpy(a, &crc, 4);             /* little-endian host */
		if (ivg_mda_header_from_buf(&ctx, "m", a, MDA_START, sizeof(a),
					    MDA_START, 0, &h, NULL))
			continue;
		for (int s = 0; s < 2; s++)
			if (!ivg_mda_text_from_buf(&ctx, "m", a, MDA_START,
						   sizeof(a), &h, s, &text,
						   &len, NULL))
				free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_zeroes_like_pvcreate),
		cmocka_unit_test(precommit_commit_read),
		cmocka_unit_test(write_pads_with_zeroes),
		cmocka_unit_test(ring_wraps),
		cmocka_unit_test(placement_matches_lvm2),
		cmocka_unit_test(real_lvm2_wrapped_area),
		cmocka_unit_test(from_buf_asks_for_more),
		cmocka_unit_test(too_large_refused),
		cmocka_unit_test(corrupt_text_detected),
		cmocka_unit_test(corrupt_header_detected),
		cmocka_unit_test(size_mismatch),
		cmocka_unit_test(failed_precommit_keeps_old),
		cmocka_unit_test(mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
