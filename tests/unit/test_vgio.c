/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_vgio.c - VG commit in lvm2's precommit/commit order: a crash at
 * every write point leaves the old VG or the new one, never a mix, and
 * the next commit completes; a text too large for an area writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <errno.h>

#include "alloc.h"
#include "mda.h"
#include "scan.h"
#include "vgfix.h"
#include "vgio.h"

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

/* Scan the fixture's files afresh and open the VG. */
static struct ivg_vgh *reopen(struct vgfix *f, struct ivg_scan **s)
{
	char *paths[8];
	struct ivg_vgh *h = NULL;

	for (size_t i = 0; i < f->n; i++)
		paths[i] = f->path[i];
	assert_int_equal(ivg_scan_devices(&f->ctx, paths, f->n, false, s), 0);
	assert_int_equal(ivg_vg_open(&f->ctx, *s, "fixvg", &h), 0);
	return h;
}

static void commit_and_reopen(void **state)
{
	struct vgfix f;
	struct ivg_scan *s;
	struct ivg_vgh *h;

	assert_int_equal(vgfix_make(&f, 3, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "a", 4, NULL, 0, NULL), 0);
	assert_int_equal(ivg_vg_commit(&f.ctx, f.vg), 0);
	assert_int_equal(f.vg->seqno, 1);
	h = reopen(&f, &s);
	assert_int_equal(h->vg->seqno, 1);
	assert_int_equal(h->problems.n, 0);
	assert_int_equal(h->missing, 0);
	assert_non_null(ivg_vg_lv(h->vg, "a"));
	assert_ptr_equal(h->vg->pvs[2]->dev, s->pvs[2].dev);
	ivg_vg_close(h);
	ivg_scan_free(s);
	vgfix_free(&f);
}

/* Build seqno 1 with LV a; the change under test adds LV b (seqno 2). */
static void prepare(struct vgfix *f)
{
	assert_int_equal(vgfix_make(f, 3, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f->ctx, f->vg, "a", 4, NULL, 0, NULL), 0);
	assert_int_equal(ivg_vg_commit(&f->ctx, f->vg), 0);
	assert_int_equal(ivg_lv_create_linear(&f->ctx, f->vg, "b", 2, NULL, 0, NULL), 0);
}

/* After a crash: old or new, consistent; then the next commit completes. */
static int check_after_crash(struct vgfix *f)
{
	struct ivg_scan *s;
	struct ivg_vgh *h = reopen(f, &s);
	int seq = (int)h->vg->seqno;

	assert_true(seq == 1 || seq == 2);
	assert_int_equal(ivg_vg_lv(h->vg, "b") != NULL, seq == 2);
	assert_non_null(ivg_vg_lv(h->vg, "a"));
	assert_int_equal(h->missing, 0);
	assert_int_equal(ivg_vg_reopen_rw(&f->ctx, h), 0);
	assert_int_equal(ivg_vg_commit(&f->ctx, h->vg), 0);
	ivg_vg_close(h);
	ivg_scan_free(s);
	h = reopen(f, &s);
	assert_int_equal(h->vg->seqno, (uint32_t)seq + 1);
	assert_int_equal(h->problems.n, 0);   /* every copy rewritten */
	ivg_vg_close(h);
	ivg_scan_free(s);
	return seq;
}

/* The caller's crash for IVG_FAULT_EXIT, as the commands have it. */
static void crash99(void)
{
	_exit(99);
}

/* Kill the process at write or sync N of the commit (fork + _exit). */
static void crash_at_every_write(void **state)
{
	unsigned long n;
	int olds = 0, news = 0;

	for (n = 1; n < 1000; n++) {
		struct vgfix f;
		struct ivg_fault fault = { .at = n, .mode = IVG_FAULT_EXIT,
					   .stop = crash99 };
		int status;
		pid_t pid;

		prepare(&f);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			f.ctx.fault = &fault;
			_exit(ivg_vg_commit(&f.ctx, f.vg) ? 1 : 0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0) {
			vgfix_free(&f);
			break;          /* the commit finished before point n */
		}
		assert_int_equal(WEXITSTATUS(status), 99);
		if (check_after_crash(&f) == 1)
			olds++;
		else
			news++;
		vgfix_free(&f);
	}
	printf("commit: %lu crash points covered (%d left the old VG, %d the new)\n",
	       n - 1, olds, news);
	assert_true(n > 6);        /* 3 PVs: text+header, sync, header, sync */
	assert_true(olds > 0 && news > 0);
}

/* Torn writes (half a write lands, then an error). */
static void torn_write_at_every_point(void **state)
{
	unsigned long n;

	for (n = 1; n < 1000; n++) {
		struct vgfix f;
		struct ivg_fault fault = { .at = n, .mode = IVG_FAULT_TEAR };
		int r;

		prepare(&f);
		f.ctx.fault = &fault;
		r = ivg_vg_commit(&f.ctx, f.vg);
		f.ctx.fault = NULL;
		if (!r && fault.count < n) {
			vgfix_free(&f);
			break;
		}
		check_after_crash(&f);
		vgfix_free(&f);
	}
	printf("commit: %lu torn-write points covered\n", n - 1);
	assert_true(n > 6);
}

static void too_large_writes_nothing(void **state)
{
	struct vgfix f;
	char *before[3], *after;
	size_t len[3], alen;

	assert_int_equal(vgfix_make(&f, 3, 40, 8), 0);   /* 4 KiB extents */
	/* Give pv1 the smallest area lvm2 allows: 32 KiB. */
	f.label[1].mda[0].size = IVG_MDA_MIN_SIZE;
	assert_int_equal(ivg_mda_init(&f.ctx, f.dev[1], f.label[1].mda[0].offset,
				      IVG_MDA_MIN_SIZE), 0);
	assert_int_equal(ivg_label_write(&f.ctx, f.dev[1], &f.label[1]), 0);
	for (int i = 0; i < 200; i++) {
		char name[16];

		snprintf(name, sizeof(name), "lv%03d", i);
		assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, name, 1, NULL, 0, NULL), 0);
	}
	for (int i = 0; i < 3; i++)
		before[i] = read_all(f.path[i], &len[i]);
	assert_int_equal(ivg_vg_commit(&f.ctx, f.vg), -ENOSPC);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), f.path[1]));
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "too large"));
	assert_int_equal(f.vg->seqno, 0);
	for (int i = 0; i < 3; i++) {
		after = read_all(f.path[i], &alen);
		assert_int_equal(alen, len[i]);
		assert_memory_equal(after, before[i], alen);
		free(after);
		free(before[i]);
	}
	vgfix_free(&f);
}

/*
 * Replace PV i's committed text by the VG's own with its last '}' (the
 * VG section's) dropped; seqno and CRCs stay right.
 */
static void drop_closing_brace(struct vgfix *f, size_t i)
{
	struct ivg_mda_header hdr;
	char *text, *end;
	size_t len;

	assert_int_equal(ivg_mda_read(&f->ctx, f->dev[i], f->label[i].mda[0].offset,
				      0, &hdr), 0);
	assert_int_equal(ivg_mda_read_text(&f->ctx, f->dev[i], &hdr, 0, &text,
					   &len), 0);
	end = strstr(text, "}\n# Generated by");
	assert_non_null(end);
	memmove(end, end + 2, len - (size_t)(end + 2 - text));
	len -= 2;
	assert_int_equal(ivg_mda_write_precommit(&f->ctx, f->dev[i], &hdr, text,
						 len), 0);
	assert_int_equal(ivg_mda_commit(&f->ctx, f->dev[i], &hdr), 0);
	free(text);
}

/*
 * A copy whose text does not read is damaged, as lvm2 takes it: the VG
 * opens from the others, the damage is reported; with no good copy left
 * the open fails naming the device.
 */
static void unreadable_copy(void **state)
{
	struct vgfix f;
	char *paths[3];
	struct ivg_scan *s;
	struct ivg_vgh *h = NULL;

	assert_int_equal(vgfix_make(&f, 3, 40, 8192), 0);
	assert_int_equal(ivg_lv_create_linear(&f.ctx, f.vg, "a", 4, NULL, 0, NULL), 0);
	assert_int_equal(ivg_vg_commit(&f.ctx, f.vg), 0);
	for (size_t i = 0; i < 3; i++)
		paths[i] = f.path[i];
	/* The first copy scanned, then also a later one. */
	for (size_t bad = 0; bad < 2; bad++) {
		drop_closing_brace(&f, bad);
		assert_int_equal(ivg_scan_devices(&f.ctx, paths, 3, false, &s), 0);
		assert_int_equal(ivg_vg_open(&f.ctx, s, "fixvg", &h), 0);
		assert_non_null(ivg_vg_lv(h->vg, "a"));
		assert_int_equal(h->problems.n, bad + 1);
		for (size_t i = 0; i <= bad; i++) {
			assert_non_null(strstr(h->problems.v[i], f.path[i]));
			assert_non_null(strstr(h->problems.v[i], "metadata copy 1 is damaged"));
			assert_non_null(strstr(h->problems.v[i], "section 'fixvg' from line 1 is not closed"));
		}
		ivg_vg_close(h);
		ivg_scan_free(s);
	}
	drop_closing_brace(&f, 2);
	assert_int_equal(ivg_scan_devices(&f.ctx, paths, 3, false, &s), 0);
	assert_int_equal(ivg_vg_open(&f.ctx, s, "fixvg", &h), -EINVAL);
	assert_null(h);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), f.path[0]));
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "is not closed"));
	ivg_scan_free(s);
	vgfix_free(&f);
}

static void missing_pv_refused(void **state)
{
	struct vgfix f;

	assert_int_equal(vgfix_make(&f, 2, 40, 8192), 0);
	f.vg->pvs[1]->dev = NULL;
	assert_int_equal(ivg_vg_commit(&f.ctx, f.vg), -ENXIO);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "missing"));
	vgfix_free(&f);
}

/*
 * A write issued outside the device layer (AIO on a descriptor of the
 * caller's) is a fault point: it fails, tears to an aligned half, or
 * exits there, and refuses on a read-only device.
 */
static void outside_write_is_a_fault_point(void **state)
{
	struct vgfix f;
	struct ivg_fault fault = { .at = 2, .mode = IVG_FAULT_FAIL };
	struct ivg_dev *ro, *dev;
	size_t len = 1 << 20;
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(vgfix_make(&f, 1, 40, 8192), 0);
	dev = f.vg->pvs[0]->dev;
	f.ctx.fault = &fault;
	assert_int_equal(ivg_dev_fault_write(&f.ctx, dev, "x", &len, 4096), 0);
	assert_int_equal(len, 1 << 20);
	assert_int_equal(ivg_dev_fault_write(&f.ctx, dev, "writing the boot image",
					     &len, 4096), -EIO);
	assert_non_null(strstr(ivg_errmsg(&f.ctx), "injected failure of writing the boot image"));
	assert_int_equal(fault.count, 2);
	/* Torn: half, rounded down to the alignment. */
	fault = (struct ivg_fault){ .at = 1, .mode = IVG_FAULT_TEAR };
	len = 3 * 4096;
	assert_int_equal(ivg_dev_fault_write(&f.ctx, dev, "x", &len, 4096), 1);
	assert_int_equal(len, 4096);
	/* Too short to tear at that alignment, or not tearable: it fails. */
	fault = (struct ivg_fault){ .at = 1, .mode = IVG_FAULT_TEAR };
	len = 4096;
	assert_int_equal(ivg_dev_fault_write(&f.ctx, dev, "x", &len, 4096), -EIO);
	fault = (struct ivg_fault){ .at = 1, .mode = IVG_FAULT_TEAR };
	assert_int_equal(ivg_dev_fault_write(&f.ctx, dev, "x", NULL, 0), -EIO);
	fault = (struct ivg_fault){ .at = 1, .mode = IVG_FAULT_EXIT };
	/* Without a stop() of the caller's, the library only fails. */
	assert_int_equal(ivg_dev_fault_write(&f.ctx, dev, "x", NULL, 0), -EIO);
	fault = (struct ivg_fault){ .at = 1, .mode = IVG_FAULT_EXIT, .stop = crash99 };
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(ivg_dev_fault_write(&f.ctx, dev, "x", NULL, 0));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 99);
	f.ctx.fault = NULL;
	assert_int_equal(ivg_dev_open(&f.ctx, f.path[0], IVG_DEV_RDONLY, &ro), 0);
	assert_int_equal(ivg_dev_fault_write(&f.ctx, ro, "x", NULL, 0), -EROFS);
	ivg_dev_close(ro);
	vgfix_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_and_reopen),
		cmocka_unit_test(crash_at_every_write),
		cmocka_unit_test(torn_write_at_every_point),
		cmocka_unit_test(too_large_writes_nothing),
		cmocka_unit_test(unreadable_copy),
		cmocka_unit_test(missing_pv_refused),
		cmocka_unit_test(outside_write_is_a_fault_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
