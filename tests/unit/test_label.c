/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_label.c - LVM2 label and PV header against sectors stock lvm2 wrote. */
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
#include "label.h"

#define MIB (1024ULL * 1024)

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void fix_crc(uint8_t *s)
{
	put_le32(s + 16, ivg_crc(IVG_INITIAL_CRC, s + 20, 492));
}

static int decode(const uint8_t *s, uint64_t sectorno, struct ivg_label *l)
{
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	return ivg_label_decode(&ctx, "test", s, sectorno, l);
}

/* Decode a fixture expecting failure; the message must mention 'what'. */
static void expect_bad(const uint8_t *s, uint64_t sectorno, int err,
		       const char *what)
{
	struct ivg_ctx ctx;
	struct ivg_label l;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_label_decode(&ctx, "/dev/x", s, sectorno, &l),
			 err);
	assert_non_null(strstr(ivg_errmsg(&ctx), "/dev/x"));
	if (!strstr(ivg_errmsg(&ctx), what))
		fail_msg("message \"%s\" lacks \"%s\"", ivg_errmsg(&ctx), what);
}

static void assert_uuid_ok(const char *u)
{
	assert_int_equal(strlen(u), 32);
	for (int i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ", u[i]));
}

static void real_plain(void **state)
{
	uint8_t s[512];
	struct ivg_label l;

	load_fixture("label_plain.bin", s, sizeof(s));
	assert_int_equal(decode(s, 1, &l), 0);
	assert_int_equal(l.sector, 1);
	assert_uuid_ok(l.pv_uuid);
	assert_int_equal(l.dev_size, 16 * MIB);
	assert_int_equal(l.data.offset, MIB);
	assert_int_equal(l.data.size, 0);
	assert_int_equal(l.mda_count, 1);
	assert_int_equal(l.mda[0].offset, 4096);
	assert_int_equal(l.mda[0].size, MIB - 4096);
	assert_int_equal(l.ext_version, 2);
	assert_int_equal(l.ext_flags, 0);
	assert_int_equal(l.ba_count, 0);
}

static void real_bootloader_area(void **state)
{
	uint8_t s[512];
	struct ivg_label l;

	load_fixture("label_ba.bin", s, sizeof(s));
	assert_int_equal(decode(s, 1, &l), 0);
	assert_int_equal(l.data.offset, 2 * MIB);
	assert_int_equal(l.mda_count, 1);
	assert_int_equal(l.mda[0].offset, 4096);
	assert_int_equal(l.ba_count, 1);
	assert_int_equal(l.ba[0].offset, MIB);
	assert_int_equal(l.ba[0].size, MIB);
}

static void real_two_mdas(void **state)
{
	uint8_t s[512];
	struct ivg_label l;

	load_fixture("label_mda2.bin", s, sizeof(s));
	assert_int_equal(decode(s, 1, &l), 0);
	assert_int_equal(l.mda_count, 2);
	assert_int_equal(l.mda[0].offset, 4096);
	assert_int_equal(l.mda[1].offset, 15 * MIB);
	assert_int_equal(l.mda[1].size, MIB);
	assert_int_equal(l.ba_count, 0);
}

/* Decoding then encoding an lvm2 sector gives back the same bytes. */
static void reencode_is_identical(void **state)
{
	static const char *names[] = { "label_plain.bin", "label_ba.bin",
				       "label_mda2.bin" };

	for (size_t i = 0; i < 3; i++) {
		uint8_t s[512], out[512];
		struct ivg_label l;

		load_fixture(names[i], s, sizeof(s));
		assert_int_equal(decode(s, 1, &l), 0);
		assert_int_equal(ivg_label_encode(&l, out), 0);
		assert_memory_equal(s, out, sizeof(s));
	}
}

static struct ivg_label sample(void)
{
	struct ivg_label l = {
		.sector = 1,
		.pv_uuid = "abcdefghijABCDEFGHIJ0123456789xy",
		.dev_size = 512 * MIB,
		.data = { 3 * MIB, 0 },
		.mda_count = 2,
		.mda = { { 4096, MIB - 4096 }, { 511 * MIB, MIB } },
		.ext_version = 2,
		.ext_flags = IVG_PV_EXT_USED,
		.ba_count = 1,
		.ba = { { MIB, 2 * MIB } },
	};
	return l;
}

static void assert_label_equal(const struct ivg_label *a,
			       const struct ivg_label *b)
{
	assert_int_equal(a->sector, b->sector);
	assert_string_equal(a->pv_uuid, b->pv_uuid);
	assert_int_equal(a->dev_size, b->dev_size);
	assert_memory_equal(&a->data, &b->data, sizeof(a->data));
	assert_int_equal(a->mda_count, b->mda_count);
	assert_memory_equal(a->mda, b->mda, a->mda_count * sizeof(a->mda[0]));
	assert_int_equal(a->ext_version, b->ext_version);
	assert_int_equal(a->ext_flags, b->ext_flags);
	assert_int_equal(a->ba_count, b->ba_count);
	assert_memory_equal(a->ba, b->ba, a->ba_count * sizeof(a->ba[0]));
}

static void round_trip(void **state)
{
	struct ivg_label l = sample(), back;
	uint8_t s[512];

	assert_int_equal(ivg_label_encode(&l, s), 0);
	assert_int_equal(decode(s, 1, &back), 0);
	assert_label_equal(&l, &back);
	l.mda_count = 0;
	l.ba_count = 0;
	l.sector = 0;
	assert_int_equal(ivg_label_encode(&l, s), 0);
	assert_int_equal(decode(s, 0, &back), 0);
	assert_label_equal(&l, &back);
}

static void encode_refuses(void **state)
{
	struct ivg_label l;
	uint8_t s[512];

	l = sample(), l.mda_count = 3;
	assert_int_equal(ivg_label_encode(&l, s), -EINVAL);
	l = sample(), l.sector = 4;
	assert_int_equal(ivg_label_encode(&l, s), -EINVAL);
	l = sample(), l.ext_version = 1;
	assert_int_equal(ivg_label_encode(&l, s), -EINVAL);
	l = sample(), l.pv_uuid[5] = '-';
	assert_int_equal(ivg_label_encode(&l, s), -EINVAL);
	l = sample(), l.data.offset = 0;
	assert_int_equal(ivg_label_encode(&l, s), -EINVAL);
	l = sample(), l.mda[1].offset = 0;
	assert_int_equal(ivg_label_encode(&l, s), -EINVAL);
}

static void bad_crc(void **state)
{
	uint8_t s[512];

	load_fixture("label_plain.bin", s, sizeof(s));
	s[100] ^= 1;
	expect_bad(s, 1, -EILSEQ, "bad checksum");
}

static void wrong_sector(void **state)
{
	uint8_t s[512];

	load_fixture("label_plain.bin", s, sizeof(s));
	expect_bad(s, 2, -EILSEQ, "claims to be in sector 1");
}

static void no_label(void **state)
{
	uint8_t s[512] = { 0 };

	expect_bad(s, 1, -ENOENT, "no LVM2 label");
}

static void bad_type(void **state)
{
	uint8_t s[512];

	load_fixture("label_plain.bin", s, sizeof(s));
	memcpy(s + 24, "LVM1 001", 8);
	fix_crc(s);
	expect_bad(s, 1, -EILSEQ, "type");
}

static void bad_uuid(void **state)
{
	uint8_t s[512];

	load_fixture("label_plain.bin", s, sizeof(s));
	s[40] = '-';
	fix_crc(s);
	expect_bad(s, 1, -EILSEQ, "UUID");
}

/* Three metadata areas: lvm2 never writes more than two. */
static void too_many_mdas(void **state)
{
	struct ivg_label l = sample();
	uint8_t s[512];

	l.ext_version = 0;             /* leave room after the mda list */
	l.ba_count = 0;
	assert_int_equal(ivg_label_encode(&l, s), 0);
	/* data at 72, its end at 88; mdas at 104, 120; their end at 136 */
	put_le64(s + 136, 200 * MIB);
	put_le64(s + 144, MIB);
	fix_crc(s);
	expect_bad(s, 1, -EILSEQ, "more than 2 metadata areas");
}

static void two_data_areas(void **state)
{
	struct ivg_label l = sample();
	uint8_t s[512];

	l.mda_count = 0;
	l.ba_count = 0;
	l.ext_version = 0;
	assert_int_equal(ivg_label_encode(&l, s), 0);
	put_le64(s + 88, 9 * MIB);     /* a second data area */
	fix_crc(s);
	expect_bad(s, 1, -EILSEQ, "data area");
}

static void no_data_area(void **state)
{
	uint8_t s[512];

	load_fixture("label_plain.bin", s, sizeof(s));
	memset(s + 72, 0, 16);         /* the only data area */
	fix_crc(s);
	expect_bad(s, 1, -EILSEQ, "no data area");
}

/* A bootloader list with no terminator before the end of the sector. */
static void list_past_sector(void **state)
{
	struct ivg_label l = sample();
	uint8_t s[512];

	l.ba_count = 0;
	assert_int_equal(ivg_label_encode(&l, s), 0);
	memset(s + 160, 0x11, 512 - 160);   /* ext at 152, list at 160 */
	fix_crc(s);
	expect_bad(s, 1, -EILSEQ, "bootloader areas");
}

/* Arbitrary bytes behind a valid CRC never crash the decoder. */
static void mutations(void **state)
{
	uint8_t base[512], s[512];
	struct ivg_label l;

	load_fixture("label_ba.bin", base, sizeof(base));
	srand(11);
	for (int i = 0; i < 20000; i++) {
		int r;

		memcpy(s, base, sizeof(s));
		for (int k = rand() % 8; k >= 0; k--)
			s[32 + rand() % 480] = (uint8_t)rand();
		fix_crc(s);
		r = decode(s, 1, &l);
		assert_true(r == 0 || r == -EILSEQ);
		if (r == 0) {
			assert_true(l.mda_count <= 2 && l.ba_count <= 1);
			assert_int_equal(strlen(l.pv_uuid), 32);
		}
	}
}

static void find_in_head(void **state)
{
	struct ivg_ctx ctx;
	uint8_t head[2048] = { 0 };
	struct ivg_label l = sample(), got;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_label_find(&ctx, "h", head, sizeof(head), &got),
			 -ENOENT);
	/* A damaged label in sector 1, a good one in sector 3: lvm2 takes 3. */
	l.sector = 1;
	assert_int_equal(ivg_label_encode(&l, head + 512), 0);
	head[512 + 300] ^= 0xff;
	assert_int_equal(ivg_label_find(&ctx, "h", head, sizeof(head), &got),
			 -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&ctx), "sector 1"));
	l.sector = 3;
	assert_int_equal(ivg_label_encode(&l, head + 1536), 0);
	assert_int_equal(ivg_label_find(&ctx, "h", head, sizeof(head), &got),
			 0);
	assert_int_equal(got.sector, 3);
	/* A buffer too short to reach sector 3 does not see it. */
	assert_int_equal(ivg_label_find(&ctx, "h", head, 1536, &got),
			 -EILSEQ);
}

/* The areas of labels lvm2 wrote fit the devices they were written for. */
static void lvm2_areas_fit(void **state)
{
	static const char *names[] = { "label_plain.bin", "label_ba.bin",
				       "label_mda2.bin" };
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	for (size_t i = 0; i < 3; i++) {
		uint8_t s[512];
		struct ivg_label l;

		load_fixture(names[i], s, sizeof(s));
		assert_int_equal(decode(s, 1, &l), 0);
		for (size_t k = 0; k < l.mda_count; k++)
			assert_int_equal(ivg_label_check_mda(&ctx, "d", &l, k,
							     l.dev_size), 0);
	}
}

/* Area k of l on a device of 'size' bytes is refused for 'why'. */
static void expect_bad_mda(const struct ivg_label *l, size_t k,
			   uint64_t size, const char *why)
{
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_label_check_mda(&ctx, "/dev/x", l, k, size),
			 -EILSEQ);
	if (!strstr(ivg_errmsg(&ctx), "/dev/x: metadata area") ||
	    !strstr(ivg_errmsg(&ctx), why))
		fail_msg("message \"%s\" lacks \"%s\"", ivg_errmsg(&ctx), why);
}

/* A label may point anywhere: every area is checked before it is read. */
static void mda_outside_device(void **state)
{
	uint8_t s[512];
	struct ivg_label l, m;
	struct ivg_ctx ctx;

	load_fixture("label_mda2.bin", s, sizeof(s));
	assert_int_equal(decode(s, 1, &l), 0);
	m = l;
	m.mda[0].offset = 1ULL << 40;          /* the bug of issue #17 */
	expect_bad_mda(&m, 0, l.dev_size, "runs past the end of the device (16777216 bytes)");
	m = l;
	m.mda[0].offset = UINT64_MAX - 4095;   /* offset + size wraps */
	expect_bad_mda(&m, 0, l.dev_size, "runs past the end");
	m = l;
	m.mda[1].size = MIB + 512;             /* one sector too many */
	expect_bad_mda(&m, 1, l.dev_size, "runs past the end");
	expect_bad_mda(&l, 1, 15 * MIB, "runs past the end");
	m = l;
	m.mda[0].offset = 1024;
	expect_bad_mda(&m, 0, l.dev_size, "overlaps the label sectors");
	m = l;
	m.mda[0].size = 512;
	expect_bad_mda(&m, 0, l.dev_size, "too small");
	m = l;
	m.mda[0].size = 0;
	expect_bad_mda(&m, 0, l.dev_size, "too small");
	m = l;
	m.mda[1].offset = 8192;                /* inside area 1 */
	expect_bad_mda(&m, 1, l.dev_size, "overlaps metadata area 1");
	m = l;
	m.mda[0].size = MIB;                   /* runs over pe_start */
	expect_bad_mda(&m, 0, l.dev_size, "overlaps the data area");
	m = l;
	m.data.size = 15 * MIB;                /* a data area with an end */
	expect_bad_mda(&m, 1, l.dev_size, "overlaps the data area");
	m.data.size = 14 * MIB;
	expect_bad_mda(&m, 1, l.dev_size - 1, "runs past the end");
	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_label_check_mda(&ctx, "d", &m, 1, l.dev_size), 0);
}

struct tmpdev {
	char dir[64];
	char path[96];
	struct ivg_ctx ctx;
	struct ivg_dev *dev;
};

static void tmpdev_open(struct tmpdev *t, uint64_t size)
{
	strcpy(t->dir, "/tmp/ivg-test-label-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/pv.img", t->dir);
	ivg_ctx_init(&t->ctx);
	assert_int_equal(ivg_dev_create_file(&t->ctx, t->path, size), 0);
	assert_int_equal(ivg_dev_open(&t->ctx, t->path, IVG_DEV_RDWR,
				      &t->dev), 0);
}

static void tmpdev_close(struct tmpdev *t)
{
	ivg_dev_close(t->dev);
	unlink(t->path);
	rmdir(t->dir);
}

/* write zeroes stale labels in 0..3, keeps other data, and reads back. */
static void write_and_read(void **state)
{
	struct tmpdev t;
	struct ivg_label l = sample(), got;
	uint8_t sec[512], head[2048], junk[512];

	tmpdev_open(&t, 4 * MIB);
	l.sector = 0;
	assert_int_equal(ivg_label_encode(&l, sec), 0);
	assert_int_equal(ivg_dev_pwrite(&t.ctx, t.dev, sec, 512, 0), 0);
	memset(sec, 0, sizeof(sec));
	memcpy(sec, "LABELONE", 8);            /* damaged stale label */
	assert_int_equal(ivg_dev_pwrite(&t.ctx, t.dev, sec, 512, 1536), 0);
	memset(junk, 0x5a, sizeof(junk));      /* not a label: kept */
	assert_int_equal(ivg_dev_pwrite(&t.ctx, t.dev, junk, 512, 1024), 0);

	l = sample();
	assert_int_equal(ivg_label_write(&t.ctx, t.dev, &l), 0);
	assert_int_equal(ivg_dev_pread(&t.ctx, t.dev, head, 2048, 0), 0);
	memset(sec, 0, sizeof(sec));
	assert_memory_equal(head, sec, 512);
	assert_memory_equal(head + 1536, sec, 512);
	assert_memory_equal(head + 1024, junk, 512);
	assert_int_equal(ivg_label_read(&t.ctx, t.dev, &got), 0);
	assert_label_equal(&got, &l);
	tmpdev_close(&t);
}

static void write_fault_is_reported(void **state)
{
	struct tmpdev t;
	struct ivg_label l = sample(), got;
	struct ivg_fault f = { .at = 1, .mode = IVG_FAULT_FAIL };

	tmpdev_open(&t, 4 * MIB);
	t.ctx.fault = &f;
	assert_int_equal(ivg_label_write(&t.ctx, t.dev, &l), -EIO);
	t.ctx.fault = NULL;
	assert_int_equal(ivg_label_read(&t.ctx, t.dev, &got), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&t.ctx), t.path));
	tmpdev_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_plain),
		cmocka_unit_test(real_bootloader_area),
		cmocka_unit_test(real_two_mdas),
		cmocka_unit_test(reencode_is_identical),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(encode_refuses),
		cmocka_unit_test(bad_crc),
		cmocka_unit_test(wrong_sector),
		cmocka_unit_test(no_label),
		cmocka_unit_test(bad_type),
		cmocka_unit_test(bad_uuid),
		cmocka_unit_test(too_many_mdas),
		cmocka_unit_test(two_data_areas),
		cmocka_unit_test(no_data_area),
		cmocka_unit_test(list_past_sector),
		cmocka_unit_test(mutations),
		cmocka_unit_test(find_in_head),
		cmocka_unit_test(lvm2_areas_fit),
		cmocka_unit_test(mda_outside_device),
		cmocka_unit_test(write_and_read),
		cmocka_unit_test(write_fault_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
