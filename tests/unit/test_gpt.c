/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_gpt.c - the IVG disk layout on sparse image files: planning, the
 * GPT as sfdisk and libblkid see it, the protective MBR, the ESP as mtools
 * and fsck.fat see it.
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
#include <sys/stat.h>
#include <sys/wait.h>

#include "dev.h"
#include "gpt.h"

#define MIB (1024ULL * 1024)
#define GUID "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"

struct fx {
	char dir[256];
	char img[300];
	char aux[300];          /* a second file some tests make */
	struct ivg_ctx ctx;
};

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/ivg-gpt-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->img, sizeof(f->img), "%s/disk.img", f->dir);
	snprintf(f->aux, sizeof(f->aux), "%s/aux.img", f->dir);
	ivg_ctx_init(&f->ctx);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unlink(f->img);
	unlink(f->aux);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Run a shell command, capture its stdout; returns its exit status. */
static int run(char *out, size_t len, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	FILE *p;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (out) {
		n = fread(out, 1, len - 1, p);
		out[n] = '\0';
	} else {
		char sink[512];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct ivg_dev *make_disk(struct fx *f, uint64_t size, unsigned flags)
{
	struct ivg_dev *dev;

	assert_int_equal(ivg_dev_create_file(&f->ctx, f->img, size), 0);
	assert_int_equal(ivg_dev_open(&f->ctx, f->img, flags, &dev), 0);
	return dev;
}

/* ---- planning ---------------------------------------------------------- */

static void test_plan_default(void **state)
{
	struct fx *f = *state;
	struct ivg_layout l;

	assert_int_equal(ivg_layout_plan(&f->ctx, "d", 1024 * MIB, 0, 0, &l), 0);
	assert_int_equal(l.disk_size, 1024 * MIB);
	assert_int_equal(l.bios_start, 2048 * 512);
	assert_int_equal(l.bios_size, 1 * MIB);
	assert_int_equal(l.esp_start, 4096 * 512);
	assert_int_equal(l.esp_size, 64 * MIB);
	assert_int_equal(l.pv_start, 66 * MIB);
	/* The PV runs to the last usable LBA, 33 sectors before the end. */
	assert_int_equal(l.pv_start + l.pv_size, 1024 * MIB - 33 * 512);
	assert_string_equal(l.disk_guid, "");
}

static void test_plan_sizes(void **state)
{
	struct fx *f = *state;
	uint64_t min = ivg_layout_min_disk(0, 0);
	struct ivg_layout l;

	/* 1 MiB gap + 1 MiB BIOS boot + 64 MiB ESP + 2 MiB PV + backup GPT */
	assert_int_equal(min, 68 * MIB + 33 * 512);
	assert_int_equal(ivg_layout_plan(&f->ctx, "d", min, 0, 0, &l), 0);
	assert_int_equal(l.pv_size, 2 * MIB);

	/* A trailing partial sector is not used. */
	assert_int_equal(ivg_layout_plan(&f->ctx, "d", 1024 * MIB + 100, 0, 0,
					 &l), 0);
	assert_int_equal(l.pv_start + l.pv_size, 1024 * MIB - 33 * 512);

	/* ESP sizes round up to whole MiB; the PV still starts on a MiB. */
	assert_int_equal(ivg_layout_plan(&f->ctx, "d", 1024 * MIB,
					 100 * MIB + 1, 0, &l), 0);
	assert_int_equal(l.esp_size, 101 * MIB);
	assert_int_equal(l.pv_start, 103 * MIB);

	/* Big disks: 16 TiB. */
	assert_int_equal(ivg_layout_plan(&f->ctx, "d", 16ULL << 40, 0, 0, &l), 0);
	assert_int_equal(l.pv_size, (16ULL << 40) - 66 * MIB - 33 * 512);
}

static void test_plan_too_small(void **state)
{
	struct fx *f = *state;
	uint64_t min = ivg_layout_min_disk(0, 0);
	struct ivg_layout l;
	char want[64];

	assert_int_equal(ivg_layout_plan(&f->ctx, "/dev/sdz", min - 512, 0, 0,
					 &l), -ENOSPC);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "/dev/sdz"));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "too small"));
	snprintf(want, sizeof(want), "%llu", (unsigned long long)(min - 512));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), want));
	snprintf(want, sizeof(want), "%llu", (unsigned long long)min);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), want));

	assert_int_equal(ivg_layout_plan(&f->ctx, "x", 0, 0, 0, &l), -ENOSPC);
	/* The caller's PV minimum counts. */
	assert_int_equal(ivg_layout_plan(&f->ctx, "x", 512 * MIB, 0,
					 1024 * MIB, &l), -ENOSPC);
	assert_int_equal(ivg_layout_plan(&f->ctx, "x",
					 ivg_layout_min_disk(0, 1024 * MIB), 0,
					 1024 * MIB, &l), 0);
	assert_int_equal(l.pv_size, 1024 * MIB);
}

static void test_plan_esp_too_small(void **state)
{
	struct fx *f = *state;
	struct ivg_layout l;

	assert_int_equal(ivg_layout_plan(&f->ctx, "x", 1024 * MIB, 32 * MIB, 0,
					 &l), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "EFI system partition"));
	assert_int_equal(ivg_layout_plan(&f->ctx, "x", 1024 * MIB,
					 UINT64_MAX, 0, &l), -EINVAL);
}

/* ---- writing and reading the table ------------------------------------- */

struct jpart {
	unsigned long long start, size;
	char type[40], name[40];
};

/* Entry n (1-based) of `sfdisk -J`: just the fields we check. */
static void json_part(const char *json, int n, struct jpart *p)
{
	const char *s = json;

	for (int i = 0; i < n; i++) {
		s = strstr(s, "\"node\":");
		assert_non_null(s);
		s++;
	}
	memset(p, 0, sizeof(*p));
	assert_non_null(strstr(s, "\"start\":"));
	assert_int_equal(sscanf(strstr(s, "\"start\":"), "\"start\": %llu",
				&p->start), 1);
	assert_int_equal(sscanf(strstr(s, "\"size\":"), "\"size\": %llu",
				&p->size), 1);
	assert_int_equal(sscanf(strstr(s, "\"type\":"), "\"type\": \"%39[^\"]",
				p->type), 1);
	assert_int_equal(sscanf(strstr(s, "\"name\":"), "\"name\": \"%39[^\"]",
				p->name), 1);
}

static void check_part(const char *json, int n, uint64_t start,
		       uint64_t size, const char *type, const char *name)
{
	struct jpart p;

	json_part(json, n, &p);
	assert_int_equal(p.start, start / 512);
	assert_int_equal(p.size, size / 512);
	assert_string_equal(p.type, type);
	assert_string_equal(p.name, name);
}

static void put_marker(struct fx *f, struct ivg_dev *dev, uint64_t off)
{
	static const char m[8] = "MARKER!";

	assert_int_equal(ivg_dev_pwrite_abs(&f->ctx, dev, m, 8, off), 0);
}

static void check_marker(struct fx *f, struct ivg_dev *dev, uint64_t off)
{
	char m[8];

	assert_int_equal(ivg_dev_pread_abs(&f->ctx, dev, m, 8, off), 0);
	assert_memory_equal(m, "MARKER!", 8);
}

/* Sectors libfdisk must leave alone: between and inside the partitions. */
static const uint64_t markers[] = {
	34 * 512, 2047 * 512, 1 * MIB, 2 * MIB, 66 * MIB,
	256 * MIB - 34 * 512,
};

static void write_layout(struct fx *f, struct ivg_dev *dev,
			 struct ivg_layout *l)
{
	assert_int_equal(ivg_layout_plan(&f->ctx, f->img, dev->disk_size, 0, 0,
					 l), 0);
	strcpy(l->disk_guid, GUID);
	assert_int_equal(ivg_gpt_write(&f->ctx, dev, l), 0);
}

static void test_write_sfdisk_view(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 256 * MIB, IVG_DEV_RDWR);
	struct ivg_layout l;
	char json[8192];

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		put_marker(f, dev, markers[i]);
	write_layout(f, dev, &l);
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		check_marker(f, dev, markers[i]);

	assert_int_equal(run(json, sizeof(json), "sfdisk -J '%s'", f->img), 0);
	assert_non_null(strstr(json, "\"label\": \"gpt\""));
	assert_non_null(strstr(json, "\"id\": \"" GUID "\""));
	check_part(json, 1, l.bios_start, l.bios_size, IVG_GPT_BIOS_TYPE,
		   "BIOS boot");
	check_part(json, 2, l.esp_start, l.esp_size, IVG_GPT_ESP_TYPE,
		   "EFI System");
	check_part(json, 3, l.pv_start, l.pv_size, IVG_GPT_LVM_TYPE, "ivg-pv");
	assert_null(strstr(strstr(strstr(strstr(json, "\"node\":") + 1,
					 "\"node\":") + 1, "\"node\":") + 1,
			   "\"node\":"));      /* exactly three */
	ivg_dev_close(dev);
}

static void test_write_pmbr_and_backup(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 256 * MIB, IVG_DEV_RDWR);
	struct ivg_layout l;
	unsigned char s[512];

	write_layout(f, dev, &l);
	assert_int_equal(ivg_dev_pread_abs(&f->ctx, dev, s, 512, 0), 0);
	assert_int_equal(s[510], 0x55);
	assert_int_equal(s[511], 0xaa);
	assert_int_equal(s[0x1c2], 0xee);      /* protective entry */
	assert_int_equal(ivg_dev_pread_abs(&f->ctx, dev, s, 512, 512), 0);
	assert_memory_equal(s, "EFI PART", 8);
	assert_int_equal(ivg_dev_pread_abs(&f->ctx, dev, s, 512,
					   256 * MIB - 512), 0);
	assert_memory_equal(s, "EFI PART", 8);  /* backup header */
	ivg_dev_close(dev);
}

static void test_find_pv_and_check(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 300 * MIB + 4096, IVG_DEV_RDWR);
	struct ivg_layout l, r;
	uint64_t start = 0, size = 0;
	int partno = 0;

	write_layout(f, dev, &l);
	assert_int_equal(ivg_gpt_find_pv(&f->ctx, dev, &start, &size, &partno), 0);
	assert_int_equal(start, l.pv_start);
	assert_int_equal(size, l.pv_size);
	assert_int_equal(partno, 3);

	assert_int_equal(ivg_gpt_check_layout(&f->ctx, dev, &r), 0);
	assert_int_equal(r.disk_size, l.disk_size);
	assert_int_equal(r.bios_start, l.bios_start);
	assert_int_equal(r.bios_size, l.bios_size);
	assert_int_equal(r.esp_start, l.esp_start);
	assert_int_equal(r.esp_size, l.esp_size);
	assert_int_equal(r.pv_start, l.pv_start);
	assert_int_equal(r.pv_size, l.pv_size);
	assert_string_equal(r.disk_guid, GUID);

	/* A read-only handle reads the same table. */
	ivg_dev_close(dev);
	assert_int_equal(ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDONLY, &dev), 0);
	assert_int_equal(ivg_gpt_find_pv(&f->ctx, dev, &start, &size, NULL), 0);
	assert_int_equal(start, l.pv_start);
	ivg_dev_close(dev);
}

static void test_rewrite_is_clean(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 200 * MIB, IVG_DEV_RDWR);
	struct ivg_layout l, r;

	write_layout(f, dev, &l);
	/* A second layout with a bigger ESP replaces the first. */
	assert_int_equal(ivg_layout_plan(&f->ctx, f->img, dev->disk_size,
					 100 * MIB, 0, &l), 0);
	assert_int_equal(ivg_gpt_write(&f->ctx, dev, &l), 0);
	assert_int_equal(ivg_gpt_check_layout(&f->ctx, dev, &r), 0);
	assert_int_equal(r.esp_size, 100 * MIB);
	assert_int_equal(r.pv_start, 102 * MIB);
	assert_string_not_equal(r.disk_guid, GUID);     /* random this time */
	assert_int_equal(strlen(r.disk_guid), 36);
	ivg_dev_close(dev);
}

static void test_no_table(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 100 * MIB, IVG_DEV_RDONLY);
	struct ivg_layout r;
	uint64_t start, size;

	assert_int_equal(ivg_gpt_find_pv(&f->ctx, dev, &start, &size, NULL),
			 -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "no partition table"));
	assert_int_equal(ivg_gpt_check_layout(&f->ctx, dev, &r), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), f->img));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "not bootable"));
	ivg_dev_close(dev);
}

/* An MBR with an 0x8e partition: a PV, but not the bootable layout. */
static void test_mbr_lvm(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev;
	struct ivg_layout r;
	uint64_t start, size;
	int partno;

	assert_int_equal(ivg_dev_create_file(&f->ctx, f->img, 100 * MIB), 0);
	assert_int_equal(run(NULL, 0,
			     "printf 'start=2048,size=4096,type=83\\nstart=8192,size=20480,type=8e\\n' | sfdisk -q '%s' >/dev/null 2>&1",
			     f->img), 0);
	assert_int_equal(ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDONLY, &dev), 0);
	assert_int_equal(ivg_gpt_find_pv(&f->ctx, dev, &start, &size, &partno), 0);
	assert_int_equal(start, 8192 * 512);
	assert_int_equal(size, 20480 * 512);
	assert_int_equal(partno, 2);
	assert_int_equal(ivg_gpt_check_layout(&f->ctx, dev, &r), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "not bootable"));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "dos"));
	ivg_dev_close(dev);
}

/* A GPT without an ESP: a PV, "not bootable", and the message says why. */
static void test_gpt_missing_esp(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev;
	struct ivg_layout r;
	uint64_t start, size;
	int partno;

	assert_int_equal(ivg_dev_create_file(&f->ctx, f->img, 100 * MIB), 0);
	assert_int_equal(run(NULL, 0,
			     "printf 'label: gpt\\nstart=2048,size=2048,type=" IVG_GPT_BIOS_TYPE "\\nstart=4096,size=40960,type=" IVG_GPT_LVM_TYPE "\\n' | sfdisk -q '%s' >/dev/null 2>&1",
			     f->img), 0);
	assert_int_equal(ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDONLY, &dev), 0);
	assert_int_equal(ivg_gpt_find_pv(&f->ctx, dev, &start, &size, &partno), 0);
	assert_int_equal(start, 4096 * 512);
	assert_int_equal(partno, 2);
	assert_int_equal(ivg_gpt_check_layout(&f->ctx, dev, &r), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "not bootable"));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "EFI system partition"));
	assert_null(strstr(ivg_errmsg(&f->ctx), "BIOS boot"));
	ivg_dev_close(dev);
}

static void test_gpt_no_lvm(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev;
	uint64_t start, size;

	assert_int_equal(ivg_dev_create_file(&f->ctx, f->img, 100 * MIB), 0);
	assert_int_equal(run(NULL, 0,
			     "printf 'label: gpt\\nstart=2048,size=2048,type=" IVG_GPT_ESP_TYPE "\\n' | sfdisk -q '%s' >/dev/null 2>&1",
			     f->img), 0);
	assert_int_equal(ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDONLY, &dev), 0);
	assert_int_equal(ivg_gpt_find_pv(&f->ctx, dev, &start, &size, NULL),
			 -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "no LVM partition"));
	ivg_dev_close(dev);
}

static void test_write_refuses(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 100 * MIB, IVG_DEV_RDONLY);
	struct ivg_layout l;

	assert_int_equal(ivg_layout_plan(&f->ctx, f->img, dev->disk_size, 0, 0,
					 &l), 0);
	assert_int_equal(ivg_gpt_write(&f->ctx, dev, &l), -EROFS);
	ivg_dev_close(dev);

	assert_int_equal(ivg_dev_open(&f->ctx, f->img, IVG_DEV_RDWR, &dev), 0);
	/* Planned for another size: nothing is written. */
	assert_int_equal(ivg_layout_plan(&f->ctx, f->img, 200 * MIB, 0, 0, &l), 0);
	assert_int_equal(ivg_gpt_write(&f->ctx, dev, &l), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), f->img));
	/* Overlapping partitions. */
	assert_int_equal(ivg_layout_plan(&f->ctx, f->img, dev->disk_size, 0, 0,
					 &l), 0);
	l.pv_start -= 1 * MIB;
	assert_int_equal(ivg_gpt_write(&f->ctx, dev, &l), -EINVAL);
	/* A bad disk GUID is libfdisk's error, reported with the device. */
	assert_int_equal(ivg_layout_plan(&f->ctx, f->img, dev->disk_size, 0, 0,
					 &l), 0);
	strcpy(l.disk_guid, "not-a-guid");
	assert_true(ivg_gpt_write(&f->ctx, dev, &l) < 0);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "disk GUID"));
	ivg_dev_close(dev);
}

/* ---- the ESP ------------------------------------------------------------ */

static void test_esp_format(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 200 * MIB, IVG_DEV_RDWR);
	struct ivg_layout l;
	unsigned char s[512], zero[64] = { 0 };
	char out[8192];

	write_layout(f, dev, &l);
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, l.esp_start,
					l.esp_size, "IVG-ESP"), 0);
	assert_int_equal(run(out, sizeof(out),
			     "MTOOLS_SKIP_CHECK=1 minfo -i '%s@@%llu' :: 2>&1",
			     f->img, (unsigned long long)l.esp_start), 0);
	assert_non_null(strstr(out, "FAT32"));
	assert_non_null(strstr(out, "hidden sectors: 4096"));
	assert_int_equal(run(out, sizeof(out),
			     "MTOOLS_SKIP_CHECK=1 mdir -i '%s@@%llu' :: 2>&1",
			     f->img, (unsigned long long)l.esp_start), 0);
	assert_non_null(strstr(out, "IVG-ESP"));
	/* mformat's fake MBR entry is gone from both boot sectors. */
	assert_int_equal(ivg_dev_pread_abs(&f->ctx, dev, s, 512, l.esp_start), 0);
	assert_memory_equal(s + 0x1be, zero, 64);
	assert_int_equal(ivg_dev_pread_abs(&f->ctx, dev, s, 512,
					   l.esp_start + 6 * 512), 0);
	assert_memory_equal(s + 0x1be, zero, 64);
	/* fsck.fat on a copy of the partition: clean. */
	assert_int_equal(run(NULL, 0,
			     "dd if='%s' of='%s' bs=1M skip=%llu count=%llu status=none && fsck.fat -n '%s' >/dev/null 2>&1",
			     f->img, f->aux,
			     (unsigned long long)(l.esp_start / MIB),
			     (unsigned long long)(l.esp_size / MIB), f->aux), 0);
	/* The table is intact. */
	assert_int_equal(ivg_gpt_check_layout(&f->ctx, dev, &l), 0);
	ivg_dev_close(dev);
}

static void test_esp_small_and_dirty(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 64 * MIB, IVG_DEV_RDWR);
	char out[8192], junk[4096];

	/* Old bytes where the FAT will go must not confuse fsck.fat. */
	memset(junk, 0xa5, sizeof(junk));
	for (uint64_t off = 4 * MIB; off < 4 * MIB + 64 * 1024; off += sizeof(junk))
		assert_int_equal(ivg_dev_pwrite_abs(&f->ctx, dev, junk,
						    sizeof(junk), off), 0);
	put_marker(f, dev, 4 * MIB - 8);
	put_marker(f, dev, 20 * MIB);
	/* 16 MiB is too small for FAT32: mformat picks FAT16 or FAT12. */
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 4 * MIB, 16 * MIB,
					NULL), 0);
	check_marker(f, dev, 4 * MIB - 8);
	check_marker(f, dev, 20 * MIB);
	assert_int_equal(run(out, sizeof(out),
			     "MTOOLS_SKIP_CHECK=1 minfo -i '%s@@%llu' :: 2>&1",
			     f->img, 4 * MIB), 0);
	assert_null(strstr(out, "FAT32"));
	assert_non_null(strstr(out, "FAT1"));
	assert_int_equal(run(NULL, 0,
			     "dd if='%s' of='%s' bs=1M skip=4 count=16 status=none && fsck.fat -n '%s' >/dev/null 2>&1",
			     f->img, f->aux, f->aux), 0);
	ivg_dev_close(dev);
}

static void test_esp_errors(void **state)
{
	struct fx *f = *state;
	struct ivg_dev *dev = make_disk(f, 64 * MIB, IVG_DEV_RDONLY);
	const char *path = getenv("PATH");
	char *saved = strdup(path ? path : "/usr/bin:/bin");

	ivg_dev_close(dev);
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 1 * MIB, 64 * MIB,
					NULL), -ERANGE);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "beyond the end"));
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 1000, 8 * MIB, NULL),
			 -EINVAL);
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 1 * MIB, 8 * MIB,
					"TWELVE-CHARS"), -EINVAL);
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 1 * MIB, 8 * MIB,
					"A/B"), -EINVAL);
	/* mformat's own complaint reaches the message: -T 1 is no FS. */
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 1 * MIB, 512, NULL),
			 -EIO);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "mformat"));
	assert_non_null(strstr(ivg_errmsg(&f->ctx), f->img));
	/* No mtools at all. */
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(ivg_esp_format(&f->ctx, f->img, 1 * MIB, 8 * MIB,
					NULL), -ENOENT);
	setenv("PATH", saved, 1);
	free(saved);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "mtools"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_esp_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_sfdisk_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_pmbr_and_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_pv_and_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_is_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mbr_lvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gpt_missing_esp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gpt_no_lvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esp_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esp_small_and_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esp_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
