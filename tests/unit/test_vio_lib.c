/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_vio_lib.c - the virtual I/O server's library: the locked JSON store
 * (round trip, atomic replacement, forked writers losing nothing), the
 * host model's JSON, one-to-one except read-only (on this host and through
 * the SAN registry), boot order from boot type and lists, identity
 * matching, image-file identities and refusal of blank ones.
 */
#define _GNU_SOURCE
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
#include <sys/stat.h>
#include <sys/wait.h>

#include "vioboot.h"
#include "viohost.h"
#include "vioident.h"
#include "viorules.h"
#include "viosan.h"
#include "viostore.h"

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/ivg-vio-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_store_roundtrip(void **state)
{
	struct ivg_ctx ctx;
	struct vio_store st;
	struct json_object *doc, *v;
	char sub[128];

	ivg_ctx_init(&ctx);
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	/* Read-only on a missing directory: empty, nothing created. */
	assert_int_equal(vio_store_open(&ctx, sub, "s", false, &st), 0);
	assert_int_equal(vio_store_load(&ctx, &st, &doc), 0);
	assert_int_equal(json_object_object_length(doc), 0);
	json_object_put(doc);
	vio_store_close(&st);
	assert_int_equal(access(sub, F_OK), -1);
	/* A writer creates it, saves, a reader sees the document. */
	assert_int_equal(vio_store_open(&ctx, sub, "s", true, &st), 0);
	assert_int_equal(vio_store_load(&ctx, &st, &doc), 0);
	json_object_object_add(doc, "k", json_object_new_int(7));
	assert_int_equal(vio_store_save(&ctx, &st, doc), 0);
	json_object_put(doc);
	vio_store_close(&st);
	assert_int_equal(vio_store_open(&ctx, sub, "s", false, &st), 0);
	assert_int_equal(vio_store_load(&ctx, &st, &doc), 0);
	assert_true(json_object_object_get_ex(doc, "k", &v));
	assert_int_equal(json_object_get_int(v), 7);
	/* Saving through a read-only store is refused. */
	assert_int_equal(vio_store_save(&ctx, &st, doc), -EBADF);
	json_object_put(doc);
	vio_store_close(&st);
}

static void test_store_damaged(void **state)
{
	struct ivg_ctx ctx;
	struct vio_store st;
	struct json_object *doc;
	char path[128];
	FILE *f;

	ivg_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	f = fopen(path, "w");
	fputs("{ \"half\": ", f);
	fclose(f);
	assert_int_equal(vio_store_open(&ctx, dir, "bad", true, &st), 0);
	assert_int_equal(vio_store_load(&ctx, &st, &doc), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "bad.json"));
	vio_store_close(&st);
}

/* Writers in several processes increment one counter: none is lost. */
static void test_store_concurrent(void **state)
{
	enum { PROCS = 8, EACH = 25 };
	struct ivg_ctx ctx;
	struct vio_store st;
	struct json_object *doc, *v;

	for (int p = 0; p < PROCS; p++) {
		if (fork() == 0) {
			for (int i = 0; i < EACH; i++) {
				struct json_object *d, *c;
				int n = 0;

				ivg_ctx_init(&ctx);
				if (vio_store_open(&ctx, dir, "count", true, &st) ||
				    vio_store_load(&ctx, &st, &d))
					_exit(1);
				if (json_object_object_get_ex(d, "n", &c))
					n = json_object_get_int(c);
				json_object_object_add(d, "n", json_object_new_int(n + 1));
				if (vio_store_save(&ctx, &st, d))
					_exit(1);
				json_object_put(d);
				vio_store_close(&st);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int status;

		wait(&status);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ivg_ctx_init(&ctx);
	assert_int_equal(vio_store_open(&ctx, dir, "count", false, &st), 0);
	assert_int_equal(vio_store_load(&ctx, &st, &doc), 0);
	assert_true(json_object_object_get_ex(doc, "n", &v));
	assert_int_equal(json_object_get_int(v), PROCS * EACH);
	json_object_put(doc);
	vio_store_close(&st);
}

static void new_host(struct vio_host *h)
{
	struct ivg_ctx ctx;
	struct json_object *doc = json_object_new_object();

	ivg_ctx_init(&ctx);
	assert_int_equal(vio_host_from_json(&ctx, doc, "/st", "/san", h), 0);
	json_object_put(doc);
	assert_int_equal(strlen(h->id), 32);
}

static struct vio_vtd vtd(const char *name, const char *lpar, unsigned id,
			  unsigned lun, bool ro, const char *pv)
{
	struct vio_vtd v;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.lpar, sizeof(v.lpar), "%s", lpar);
	v.scsi_id = id;
	v.lun = lun;
	v.ro = ro;
	snprintf(v.ident.pv, sizeof(v.ident.pv), "%s", pv);
	snprintf(v.ident.path, sizeof(v.ident.path), "/dev/%s", pv);
	return v;
}

#define PV_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define PV_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define PV_C "cccccccccccccccccccccccccccccccc"

static void test_host_json(void **state)
{
	struct ivg_ctx ctx;
	struct vio_host h, back;
	struct vio_vtd v = vtd("", "lp1", 2, 1, true, PV_A), *added;
	struct json_object *doc;
	char *names[] = { "vtscsi0" };

	ivg_ctx_init(&ctx);
	new_host(&h);
	assert_int_equal(vio_host_add_lpar(&ctx, &h, "lp1", 512, 2), 0);
	assert_int_equal(vio_host_add_lpar(&ctx, &h, "lp1", 512, 2), -EEXIST);
	assert_int_equal(vio_host_add_lpar(&ctx, &h, "-bad", 512, 2), -EINVAL);
	assert_int_equal(vio_host_add_vtd(&ctx, &h, &v, &added), 0);
	assert_string_equal(added->name, "vtscsi0");
	assert_int_equal(vio_host_set_list(&ctx, &h, &h.lpars[0], VIO_LIST_INSTALL, names, 1), 0);
	h.lpars[0].boot_type = VIO_BOOT_MAINTENANCE;
	assert_int_equal(vio_host_to_json(&ctx, &h, &doc), 0);
	assert_int_equal(vio_host_from_json(&ctx, doc, "/st", NULL, &back), 0);
	json_object_put(doc);
	assert_string_equal(back.id, h.id);
	assert_string_equal(back.san, "/san");
	assert_int_equal(back.nlpars, 1);
	assert_int_equal(back.lpars[0].memory_mb, 512);
	assert_int_equal(back.lpars[0].cpus, 2);
	assert_int_equal(back.lpars[0].boot_type, VIO_BOOT_MAINTENANCE);
	assert_int_equal(back.lpars[0].nlist[VIO_LIST_INSTALL], 1);
	assert_int_equal(back.nvtds, 1);
	assert_string_equal(back.vtds[0].ident.pv, PV_A);
	assert_true(back.vtds[0].ro);
	assert_int_equal(back.vtds[0].scsi_id, 2);
	assert_int_equal(back.vtds[0].lun, 1);
	/* Removing the VTD takes it out of the lists too. */
	assert_int_equal(vio_host_rm_vtd(&ctx, &back, "vtscsi0"), 0);
	assert_int_equal(back.lpars[0].nlist[VIO_LIST_INSTALL], 0);
	assert_int_equal(vio_host_rm_vtd(&ctx, &back, "vtscsi0"), -ENOENT);
	vio_host_free(&back);
	vio_host_free(&h);
}

static void test_rules(void **state)
{
	struct ivg_ctx ctx;
	struct vio_host h;
	struct vio_vtd v;
	struct vio_san san = { 0 };
	struct vio_san_vtd other;

	ivg_ctx_init(&ctx);
	new_host(&h);
	assert_int_equal(vio_host_add_lpar(&ctx, &h, "lp1", 512, 1), 0);
	assert_int_equal(vio_host_add_lpar(&ctx, &h, "lp2", 512, 1), 0);
	v = vtd("r1", "lp1", 0, 0, false, PV_A);
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), 0);
	assert_int_equal(vio_host_add_vtd(&ctx, &h, &v, NULL), 0);
	/* A second read-write mapping, and a read-only one, of the LUN. */
	v = vtd("r2", "lp2", 0, 0, false, PV_A);
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), -EBUSY);
	assert_non_null(strstr(ivg_errmsg(&ctx), "partition lp1 as r1"));
	v.ro = true;
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), -EBUSY);
	/* Same SCSI ID in another partition: fine. Twice in one: not. */
	v = vtd("r2", "lp2", 0, 0, false, PV_B);
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), 0);
	v = vtd("r3", "lp1", 0, 0, false, PV_B);
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), -EEXIST);
	/* Read-only shared by both partitions. */
	v = vtd("i1", "lp1", 1, 0, true, PV_C);
	assert_int_equal(vio_host_add_vtd(&ctx, &h, &v, NULL), 0);
	v = vtd("i2", "lp2", 1, 0, true, PV_C);
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), 0);
	assert_int_equal(vio_rules_free_scsi_id(&h, "lp1", 0), 2);
	assert_int_equal(vio_rules_free_scsi_id(&h, "lp2", 0), 0);
	/* Another host's partition holds PV_B read-write: only while it runs. */
	memset(&other, 0, sizeof(other));
	strcpy(other.host_name, "hostB");
	other.vtd = vtd("b1", "lpb", 0, 0, false, PV_B);
	san.v = &other;
	san.n = 1;
	v = vtd("r2", "lp2", 0, 0, false, PV_B);
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), 0);
	strcpy(other.run.boot_id, "another-machine");
	other.run.pid = 1;
	assert_int_equal(vio_rules_map(&ctx, &h, &san, &v), -EBUSY);
	assert_non_null(strstr(ivg_errmsg(&ctx), "partition lpb on host hostB"));
	assert_int_equal(vio_host_add_vtd(&ctx, &h, &v, NULL), 0);
	assert_int_equal(vio_rules_boot(&ctx, &h, &san, vio_host_lpar(&h, "lp2")), -EBUSY);
	assert_int_equal(vio_rules_boot(&ctx, &h, &san, vio_host_lpar(&h, "lp1")), 0);
	other.run.pid = 0;
	assert_int_equal(vio_rules_boot(&ctx, &h, &san, vio_host_lpar(&h, "lp2")), 0);
	vio_host_free(&h);
}

static void test_boot_order(void **state)
{
	struct ivg_ctx ctx;
	struct vio_host h;
	struct vio_vtd v;
	const struct vio_vtd *order[VIO_LIST_MAX];
	char *inst[] = { "ivg1", "ivg0" }, *root[] = { "root" }, *ne[] = { "data" };
	struct vio_lpar *lp;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	ivg_ctx_init(&ctx);
	new_host(&h);
	assert_int_equal(vio_host_add_lpar(&ctx, &h, "lp", 512, 1), 0);
	v = vtd("ivg0", "lp", 0, 0, true, PV_A);
	vio_host_add_vtd(&ctx, &h, &v, NULL);
	v = vtd("ivg1", "lp", 1, 0, true, PV_B);
	vio_host_add_vtd(&ctx, &h, &v, NULL);
	v = vtd("root", "lp", 2, 0, false, PV_C);
	vio_host_add_vtd(&ctx, &h, &v, NULL);
	v = vtd("data", "lp", 2, 5, false, "dddddddddddddddddddddddddddddddd");
	vio_host_add_vtd(&ctx, &h, &v, NULL);
	lp = vio_host_lpar(&h, "lp");
	assert_int_equal(vio_boot_order(&h, lp, VIO_BOOT_NORMAL, order), 0);
	assert_int_equal(vio_host_set_list(&ctx, &h, lp, VIO_LIST_INSTALL, inst, 2), 0);
	assert_int_equal(vio_host_set_list(&ctx, &h, lp, VIO_LIST_ROOTVG, root, 1), 0);
	assert_int_equal(vio_host_set_list(&ctx, &h, lp, VIO_LIST_NONESSENTIAL, ne, 1), 0);
	assert_int_equal(vio_host_set_list(&ctx, &h, lp, VIO_LIST_PRIMARY, inst + 1, 1), 0);
	assert_int_equal(vio_host_set_list(&ctx, &h, lp, VIO_LIST_PRIMARY, (char *[]){ "x" }, 1),
			 -ENOENT);
	assert_int_equal(vio_boot_order(&h, lp, VIO_BOOT_INSTALL, order), 2);
	assert_string_equal(order[0]->name, "ivg1");
	assert_string_equal(order[1]->name, "ivg0");
	/* Normal boot, no normal list: the rootvg list. */
	assert_int_equal(vio_boot_order(&h, lp, VIO_BOOT_NORMAL, order), 1);
	assert_string_equal(order[0]->name, "root");
	assert_int_equal(vio_boot_order(&h, lp, VIO_BOOT_MAINTENANCE, order), 0);
	assert_true(vio_boot_nonessential(lp, "data"));
	assert_false(vio_boot_nonessential(lp, "root"));
	f = open_memstream(&text, &len);
	vio_boot_info(&h, lp, VIO_BOOT_INSTALL, f);
	fclose(f);
	assert_non_null(strstr(text, "boot_type install\n"));
	assert_non_null(strstr(text, "install ivg1@1:0 ivg0@0:0\n"));
	assert_non_null(strstr(text, "rootvg root@2:0\n"));
	assert_non_null(strstr(text, "nonessential data@2:5\n"));
	free(text);
	vio_host_free(&h);
}

static void test_ident_match(void **state)
{
	struct vio_ident a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	/* The WWN decides when both have one, whatever the PV says. */
	strcpy(a.wwn, "naa.600a");
	strcpy(b.wwn, "naa.600b");
	strcpy(a.pv, PV_A);
	strcpy(b.pv, PV_A);
	assert_false(vio_ident_match(&a, &b));
	strcpy(b.wwn, "naa.600a");
	assert_true(vio_ident_match(&a, &b));
	/* Same image file (device, inode, offset): the same LUN, even after
	 * its PV was made anew. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	strcpy(a.file, "/san/x.img");
	strcpy(b.file, "/elsewhere/y.img");
	a.file_dev = b.file_dev = 5;
	a.file_ino = b.file_ino = 77;
	strcpy(a.pv, PV_A);
	strcpy(b.pv, PV_B);
	assert_true(vio_ident_match(&a, &b));
	b.offset = 4096;
	assert_false(vio_ident_match(&a, &b));
	/* Content: only when not blank, and with the same size. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	strcpy(a.sha, "ab");
	strcpy(b.sha, "ab");
	a.size = b.size = 100;
	assert_true(vio_ident_match(&a, &b));
	b.size = 200;
	assert_false(vio_ident_match(&a, &b));
	b.size = 100;
	a.blank = b.blank = true;
	assert_false(vio_ident_match(&a, &b));
}

static void test_ident_probe(void **state)
{
	struct ivg_ctx ctx;
	struct vio_ident id, now;
	char img[128], moved[128], str[VIO_ID_STR];
	const char *dirs[] = { dir };
	FILE *f;

	ivg_ctx_init(&ctx);
	snprintf(img, sizeof(img), "%s/sub", dir);
	mkdir(img, 0700);
	snprintf(img, sizeof(img), "%s/sub/lun.img", dir);
	f = fopen(img, "w");
	fputs("some content", f);
	fclose(f);
	assert_int_equal(truncate(img, 2 << 20), 0);
	assert_int_equal(vio_ident_probe(&ctx, img, &id), 0);
	assert_false(id.blank);
	assert_int_equal(id.size, 2 << 20);
	assert_int_equal(strlen(id.sha), 64);
	vio_ident_str(&id, str);
	assert_string_equal(str + strlen(str) - 11, "sub/lun.img");
	/* Moved: found by the search directories. */
	snprintf(moved, sizeof(moved), "%s/renamed.img", dir);
	assert_int_equal(rename(img, moved), 0);
	assert_int_equal(vio_ident_find(&ctx, &id, dirs, 1, &now), 0);
	assert_string_equal(now.path, moved);
	/* Gone: not found, naming the identity and where it was. */
	unlink(moved);
	assert_int_equal(vio_ident_find(&ctx, &id, dirs, 1, &now), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "lun.img"));
	/* Blank: refused. */
	f = fopen(img, "w");
	fclose(f);
	assert_int_equal(truncate(img, 2 << 20), 0);
	assert_int_equal(vio_ident_probe(&ctx, img, &id), -ENODEV);
	assert_non_null(strstr(ivg_errmsg(&ctx), "cannot identify"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_concurrent, setup, teardown),
		cmocka_unit_test(test_host_json),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_boot_order),
		cmocka_unit_test(test_ident_match),
		cmocka_unit_test_setup_teardown(test_ident_probe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
