/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_vio_lib.c - the virtual I/O server's library: WWNs from VPD page
 * 0x83 (a page tgtd answered, and pages built by the SPC layout),
 * multipath WWIDs, PV UUIDs through a reader (whole-disk PV, the GPT ivg
 * writes, MBR), iSCSI URLs, image-file LUNs, the domain XML both ways
 * (leases, boot order, metadata, other devices kept), one-to-one except
 * read-only across hosts, multipath paths from a sysfs tree, vios.conf.
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
#include <fcntl.h>
#include <sys/stat.h>

#include "fixture.h"
#include "dev.h"
#include "gpt.h"
#include "label.h"
#include "vioboot.h"
#include "vioconf.h"
#include "viodom.h"
#include "vioiscsi.h"
#include "violease.h"
#include "violpar.h"
#include "violun.h"
#include "mpath.h"
#include "viopv.h"
#include "viorules.h"
#include "vioscsi.h"

#define MIB (1024ULL * 1024)

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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* ---- VPD page 0x83 -------------------------------------------------------- */

/* What tgtd 1.0.85 answered for LUN 1 of target 1 with its default
 * scsi_id "IET     00010001": a T10 vendor ID (36 bytes), an NAA 3
 * (8 bytes) and an NAA 6 (16 bytes), all of the logical unit. */
static const uint8_t tgtd_page[] = {
	0x00, 0x83, 0x00, 0x48, 0x02, 0x01, 0x00, 0x24, 0x49, 0x45, 0x54, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x30, 0x30, 0x30, 0x31, 0x30, 0x30, 0x30, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x08,
	0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x03, 0x00, 0x10, 0x60, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
};

static void test_vpd83_tgtd(void **state)
{
	char wwn[VIO_WWN_MAX];

	assert_int_equal(vio_wwn_from_vpd83(tgtd_page, sizeof(tgtd_page), wwn), 0);
	assert_string_equal(wwn, "naa.60000000000000000e00000000010001");
	/* A short read keeps what arrived whole. */
	assert_int_equal(vio_wwn_from_vpd83(tgtd_page, 4 + 40 + 12, wwn), 0);
	assert_string_equal(wwn, "naa.3000000100000001");
}

/* A page of designators: {code set, association<<4 | type, bytes...}. */
struct desig {
	uint8_t codeset, assoc, type, len;
	const char *bytes;
};

static size_t page(uint8_t *out, const struct desig *d, size_t n)
{
	size_t off = 4;

	memset(out, 0, 4);
	out[1] = 0x83;
	for (size_t i = 0; i < n; i++) {
		out[off] = d[i].codeset;
		out[off + 1] = (uint8_t)(d[i].assoc << 4 | d[i].type);
		out[off + 3] = d[i].len;
		memcpy(out + off + 4, d[i].bytes, d[i].len);
		off += 4 + d[i].len;
	}
	out[2] = (uint8_t)((off - 4) >> 8);
	out[3] = (uint8_t)(off - 4);
	return off;
}

static void test_vpd83_choices(void **state)
{
	uint8_t p[256];
	char wwn[VIO_WWN_MAX];
	size_t n;

	/* T10 alone: blanks folded. */
	n = page(p, (struct desig[]){ { 2, 0, 1, 16, "ACME    DISK 42 " } }, 1);
	assert_int_equal(vio_wwn_from_vpd83(p, n, wwn), 0);
	assert_string_equal(wwn, "t10.ACME_DISK_42");
	/* NAA before EUI-64, whatever the order. */
	n = page(p, (struct desig[]){ { 1, 0, 2, 8, "\x00\x11\x22\x33\x44\x55\x66\x77" },
				      { 1, 0, 3, 8, "\x50\x01\x40\x50\xaa\xbb\xcc\xdd" } }, 2);
	assert_int_equal(vio_wwn_from_vpd83(p, n, wwn), 0);
	assert_string_equal(wwn, "naa.50014050aabbccdd");
	/* A target port's NAA names no LUN: the EUI-64 does. */
	n = page(p, (struct desig[]){ { 1, 1, 3, 8, "\x50\x01\x40\x50\xaa\xbb\xcc\xdd" },
				      { 1, 0, 2, 8, "\x00\x11\x22\x33\x44\x55\x66\x77" } }, 2);
	assert_int_equal(vio_wwn_from_vpd83(p, n, wwn), 0);
	assert_string_equal(wwn, "eui.0011223344556677");
	/* Only port designators: none. */
	n = page(p, (struct desig[]){ { 1, 1, 3, 8, "\x50\x01\x40\x50\xaa\xbb\xcc\xdd" } }, 1);
	assert_int_equal(vio_wwn_from_vpd83(p, n, wwn), -ENOENT);
	/* A designator running past the page; another page. */
	n = page(p, (struct desig[]){ { 1, 0, 3, 8, "\x50\x01\x40\x50\xaa\xbb\xcc\xdd" } }, 1);
	p[7] = 40;
	assert_int_equal(vio_wwn_from_vpd83(p, n, wwn), -EILSEQ);
	p[7] = 8;
	p[1] = 0x80;
	assert_int_equal(vio_wwn_from_vpd83(p, n, wwn), -EILSEQ);
}

static void test_wwid(void **state)
{
	char wwn[VIO_WWN_MAX], wwid[VIO_WWN_MAX + 2];

	assert_int_equal(vio_wwn_from_wwid("36001405ABCDEF0123", wwn), 0);
	assert_string_equal(wwn, "naa.6001405abcdef0123");
	assert_int_equal(ivg_wwn_to_wwid(wwn, wwid, sizeof(wwid)), 0);
	assert_string_equal(wwid, "36001405abcdef0123");
	assert_int_equal(vio_wwn_from_wwid("20011223344556677", wwn), 0);
	assert_string_equal(wwn, "eui.0011223344556677");
	assert_int_equal(vio_wwn_from_wwid("1ACME    DISK", wwn), 0);
	assert_string_equal(wwn, "t10.ACME_DISK");
	assert_int_equal(vio_wwn_from_wwid("3xyz", wwn), -EINVAL);
	assert_int_equal(vio_wwn_from_wwid("3", wwn), -EINVAL);
	assert_int_equal(vio_wwn_from_wwid("9abc", wwn), -EINVAL);
}

/* ---- PV UUIDs --------------------------------------------------------------- */

static int file_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len, uint64_t off)
{
	return pread(*(int *)arg, buf, len, (off_t)off) == (ssize_t)len ? 0 :
	       ivg_err(ctx, EIO, "short read at %llu", (unsigned long long)off);
}

static int pv_of(const char *path, char uuid[33])
{
	struct ivg_ctx ctx;
	struct stat st;
	int fd = open(path, O_RDONLY), r;

	ivg_ctx_init(&ctx);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	r = vio_pv_uuid(&ctx, path, file_read, &fd, (uint64_t)st.st_size, 512, uuid);
	close(fd);
	return r;
}

static void put(const char *path, const void *buf, size_t len, uint64_t off)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void test_pv_uuid(void **state)
{
	uint8_t label[512], mbr[512] = { 0 };
	struct ivg_label l;
	struct ivg_layout lay;
	struct ivg_dev *dev;
	struct ivg_ctx ctx;
	char img[128], uuid[33];

	ivg_ctx_init(&ctx);
	load_fixture("label_plain.bin", label, sizeof(label));
	assert_int_equal(ivg_label_decode(&ctx, "fixture", label, 1, &l), 0);
	snprintf(img, sizeof(img), "%s/pv.img", dir);
	/* A whole-disk PV (lvm2's label in sector 1). */
	assert_int_equal(ivg_dev_create_file(&ctx, img, 16 * MIB), 0);
	assert_int_equal(pv_of(img, uuid), -ENOENT);
	put(img, label, sizeof(label), 512);
	assert_int_equal(pv_of(img, uuid), 0);
	assert_string_equal(uuid, l.pv_uuid);
	/* The IVG layout: the GPT that ivg writes, the PV in partition 3. */
	snprintf(img, sizeof(img), "%s/gpt.img", dir);
	assert_int_equal(ivg_dev_create_file(&ctx, img, 256 * MIB), 0);
	assert_int_equal(ivg_layout_plan(&ctx, img, 256 * MIB, 0, 0, &lay), 0);
	assert_int_equal(ivg_dev_open(&ctx, img, IVG_DEV_RDWR, &dev), 0);
	assert_int_equal(ivg_gpt_write(&ctx, dev, &lay), 0);
	ivg_dev_close(dev);
	assert_int_equal(pv_of(img, uuid), -ENOENT);
	put(img, label, sizeof(label), lay.pv_start + 512);
	assert_int_equal(pv_of(img, uuid), 0);
	assert_string_equal(uuid, l.pv_uuid);
	/* A primary GPT header with a bad CRC is no table. */
	put(img, "X", 1, 512 + 40);
	assert_int_equal(pv_of(img, uuid), -ENOENT);
	/* MBR: the first entry of type 0x8e (at LBA 2048). */
	snprintf(img, sizeof(img), "%s/mbr.img", dir);
	assert_int_equal(ivg_dev_create_file(&ctx, img, 16 * MIB), 0);
	mbr[446 + 4] = 0x83;
	mbr[446 + 8 + 1] = 0x01;              /* LBA 256: not LVM */
	mbr[462 + 4] = 0x8e;
	mbr[462 + 8 + 1] = 0x08;              /* LBA 2048 */
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	put(img, mbr, sizeof(mbr), 0);
	put(img, label, sizeof(label), 2048 * 512 + 512);
	assert_int_equal(pv_of(img, uuid), 0);
	assert_string_equal(uuid, l.pv_uuid);
}

/* ---- iSCSI URLs and image-file LUNs ---------------------------------------------- */

static void test_iscsi_url(void **state)
{
	static const char *const bad[] = {
		"iscsi://127.0.0.1/iqn.2026-12.org.x:t", "iscsi://127.0.0.1/iqn.x/16384",
		"iscsi://127.0.0.1:0/iqn.x/1", "iscsi://127.0.0.1:99999/iqn.x/1",
		"iscsi://u%p@127.0.0.1/iqn.x/1", "iscsi:///iqn.x/1", "iscsi://h//1",
		"iscsi://h/iq n/1", "iscsi://h/iqn.x/-1", "iscsi://[::1/iqn.x/1",
		"iscsi://h:12x/iqn.x/1", "file:///x",
	};
	struct ivg_iscsi_url u;
	struct ivg_ctx ctx;
	char out[512];

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_iscsi_url_parse(&ctx, "iscsi://san1/iqn.2026-12.org.x:t1/3", &u), 0);
	assert_string_equal(u.host, "san1");
	assert_int_equal(u.port, 3260);
	assert_string_equal(u.iqn, "iqn.2026-12.org.x:t1");
	assert_int_equal(u.lun, 3);
	ivg_iscsi_url_format(&u, out, sizeof(out));
	assert_string_equal(out, "iscsi://san1:3260/iqn.2026-12.org.x:t1/3");
	assert_int_equal(ivg_iscsi_url_parse(&ctx, "iscsi://[::1]:3261/iqn.x/0", &u), 0);
	assert_string_equal(u.host, "[::1]");
	assert_int_equal(u.port, 3261);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ivg_iscsi_url_parse(&ctx, bad[i], &u), -EINVAL);
		assert_non_null(strstr(ivg_errmsg(&ctx), bad[i]));
	}
}

static void test_lun_file(void **state)
{
	struct vio_lun a, b, now;
	struct ivg_ctx ctx;
	uint8_t label[512];
	char img[128], link[128], id[4200];

	ivg_ctx_init(&ctx);
	load_fixture("label_plain.bin", label, sizeof(label));
	snprintf(img, sizeof(img), "%s/lun.img", dir);
	snprintf(link, sizeof(link), "%s/other.img", dir);
	assert_int_equal(ivg_dev_create_file(&ctx, img, 16 * MIB), 0);
	assert_int_equal(vio_lun_probe(&ctx, img, &a), 0);
	assert_int_equal(a.kind, VIO_LUN_FILE);
	assert_int_equal(a.size, 16 * MIB);
	assert_string_equal(a.pv, "");
	assert_string_equal(a.wwn, "");
	vio_lun_identity(&a, id, sizeof(id));
	assert_string_equal(id + strlen(id) - 8, "/lun.img");
	/* The same file under another name is the same LUN. */
	assert_int_equal(symlink(img, link), 0);
	assert_int_equal(vio_lun_probe(&ctx, link, &b), 0);
	assert_true(vio_lun_same(&a, &b));
	assert_string_equal(b.source, a.source);
	/* A PV: known by its UUID too. */
	put(img, label, sizeof(label), 512);
	assert_int_equal(vio_lun_probe(&ctx, img, &a), 0);
	assert_int_equal(strlen(a.pv), 32);
	vio_lun_identity(&a, id, sizeof(id));
	assert_int_equal(strncmp(id, "pv ", 3), 0);
	assert_int_equal(vio_lun_find(&ctx, &a, &now), 0);
	/* Image files are found only where they were. */
	unlink(link);
	assert_int_equal(rename(img, link), 0);
	assert_int_equal(vio_lun_find(&ctx, &a, &now), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "lun.img"));
	/* Not LUNs. */
	assert_int_equal(vio_lun_probe(&ctx, dir, &a), -ENODEV);
	assert_non_null(strstr(ivg_errmsg(&ctx), "not a block device or an image file"));
	assert_int_equal(vio_lun_probe(&ctx, "ftp://h/x", &a), -EINVAL);
	assert_int_equal(vio_lun_probe(&ctx, img, &a), -ENOENT);
	assert_non_null(strstr(ivg_errmsg(&ctx), "lun.img"));
}

/* ---- partitions in domain XML ----------------------------------------------- */

static void vtd(struct vio_lpar *lp, const char *name, unsigned id, unsigned lun, bool ro,
		enum vio_lun_kind kind, const char *source, const char *wwn)
{
	struct vio_vtd v = { .scsi_id = id, .lun = lun, .ro = ro };
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.backing.kind = kind;
	snprintf(v.backing.source, sizeof(v.backing.source), "%s", source);
	snprintf(v.backing.wwn, sizeof(v.backing.wwn), "%s", wwn);
	v.backing.size = 1 << 30;
	if (kind == VIO_LUN_ISCSI)
		assert_int_equal(ivg_iscsi_url_parse(&ctx, source, &v.backing.url), 0);
	if (kind == VIO_LUN_FILE)
		v.backing.file_ino = 42;
	assert_int_equal(vio_lpar_add_vtd(&ctx, lp, &v), 0);
}

static void sample(struct vio_lpar *lp)
{
	struct ivg_ctx ctx;
	char *inst[] = { "lpa_ivg" }, *root[] = { "lpa_root", "lpa_lab" };

	ivg_ctx_init(&ctx);
	memset(lp, 0, sizeof(*lp));
	strcpy(lp->name, "lpa");
	lp->id = 2;
	lp->adapter = 5;
	lp->memory_mb = 768;
	lp->cpus = 2;
	lp->boot_type = VIO_BOOT_NORMAL;
	vtd(lp, "lpa_ivg", 0, 0, true, VIO_LUN_ISCSI, "iscsi://127.0.0.1:3261/iqn.2026-12.org.x:t/1",
	    "naa.6001405000000000000000000000001");
	vtd(lp, "lpa_root", 3, 0, false, VIO_LUN_ISCSI, "iscsi://127.0.0.1:3261/iqn.2026-12.org.x:t/2",
	    "naa.6001405000000000000000000000002");
	vtd(lp, "lpa_data", 3, 1, false, VIO_LUN_BLOCK, "/dev/disk/by-id/wwn-0x5001405aabbccdd",
	    "naa.5001405aabbccdd");
	vtd(lp, "lpa_lab", 4, 0, false, VIO_LUN_FILE, "/srv/lab/a&b.img", "");
	assert_int_equal(vio_lpar_set_list(&ctx, lp, VIO_LIST_INSTALL, inst, 1), 0);
	assert_int_equal(vio_lpar_set_list(&ctx, lp, VIO_LIST_ROOTVG, root, 2), 0);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_dom_roundtrip(void **state)
{
	struct vio_lpar lp, back;
	struct ivg_ctx ctx;
	char *xml, *again, *withnic;
	const char *nic = "<interface type='user'><model type='virtio'/></interface>";

	ivg_ctx_init(&ctx);
	sample(&lp);
	assert_int_equal(vio_dom_xml(&ctx, NULL, &lp, VIO_BOOT_INSTALL, "/srv/locks/vios", &xml), 0);
	/* Leases for the read-write LUNs with a WWN, in the lockspace. */
	assert_int_equal(count(xml, "<lease>"), 2);
	assert_non_null(strstr(xml, "<lockspace>vios</lockspace>"));
	assert_non_null(strstr(xml, "<key>naa.6001405000000000000000000000002</key>"));
	assert_non_null(strstr(xml, "<key>naa.5001405aabbccdd</key>"));
	assert_non_null(strstr(xml, "<target path=\"/srv/locks\"/>"));
	/* Read-only and shareable once; the install list boots. */
	assert_int_equal(count(xml, "<readonly/>"), 1);
	assert_int_equal(count(xml, "<shareable/>"), 1);
	assert_int_equal(count(xml, "<boot order="), 1);
	assert_non_null(strstr(xml, "name=\"iqn.2026-12.org.x:t/1\""));
	assert_non_null(strstr(xml, "<host name=\"127.0.0.1\" port=\"3261\"/>"));
	assert_non_null(strstr(xml, "controller=\"0\" bus=\"0\" target=\"3\" unit=\"1\""));
	assert_non_null(strstr(xml, "<source file=\"/srv/lab/a&amp;b.img\"/>"));
	assert_non_null(strstr(xml, "<log file=\"/var/log/libvirt/qemu/lpa-console.log\""));
	assert_non_null(strstr(xml, "xmlns:vios=\"" VIO_XMLNS "\""));
	assert_non_null(strstr(xml, "install lpa_ivg@0:0"));
	/* Back: the same partition. */
	assert_int_equal(vio_dom_parse(&ctx, xml, &back), 0);
	assert_string_equal(back.name, "lpa");
	assert_int_equal(back.id, 2);
	assert_int_equal(back.adapter, 5);
	assert_int_equal(back.memory_mb, 768);
	assert_int_equal(back.cpus, 2);
	assert_false(back.kvm);
	assert_int_equal(back.boot_type, VIO_BOOT_NORMAL);
	assert_int_equal(back.nvtds, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(back.vtds[i].name, lp.vtds[i].name);
		assert_int_equal(back.vtds[i].scsi_id, lp.vtds[i].scsi_id);
		assert_int_equal(back.vtds[i].lun, lp.vtds[i].lun);
		assert_int_equal(back.vtds[i].ro, lp.vtds[i].ro);
		assert_int_equal(back.vtds[i].backing.kind, lp.vtds[i].backing.kind);
		assert_string_equal(back.vtds[i].backing.source, lp.vtds[i].backing.source);
		assert_string_equal(back.vtds[i].backing.wwn, lp.vtds[i].backing.wwn);
		assert_int_equal(back.vtds[i].backing.size, lp.vtds[i].backing.size);
	}
	assert_int_equal(back.vtds[3].backing.file_ino, 42);
	assert_int_equal(back.nlist[VIO_LIST_ROOTVG], 2);
	assert_string_equal(back.list[VIO_LIST_ROOTVG][1], "lpa_lab");
	assert_string_equal(back.console_log, "/var/log/libvirt/qemu/lpa-console.log");
	/* Rewritten over a domain with a device of its own: it stays, vios's
	 * parts are replaced, not added again. */
	assert_int_equal(asprintf(&withnic, "%.*s%s%s", (int)(strstr(xml, "</devices>") - xml), xml,
				  nic, strstr(xml, "</devices>")), (int)(strlen(xml) + strlen(nic)));
	vio_lpar_rm_vtd(&back, "lpa_data");
	back.kvm = true;
	assert_int_equal(vio_dom_xml(&ctx, withnic, &back, VIO_BOOT_NORMAL, "/srv/locks/vios", &again), 0);
	assert_non_null(strstr(again, "<interface type=\"user\">"));
	assert_non_null(strstr(again, "<domain type=\"kvm\">"));
	assert_int_equal(count(again, "<disk "), 3);
	assert_int_equal(count(again, "<lease>"), 1);
	assert_int_equal(count(again, "<controller "), 1);
	assert_int_equal(count(again, "<serial "), 1);
	assert_int_equal(count(again, "<vios:partition"), 1);
	/* The two root disks, then the IVG (the install list). */
	assert_int_equal(count(again, "<boot order="), 3);
	assert_int_equal(count(again, "<sysinfo"), 1);
	/* Without a lockspace now, the LUNs' leases of before go too. */
	free(xml);
	assert_int_equal(vio_dom_xml(&ctx, again, &back, VIO_BOOT_NORMAL, NULL, &xml), 0);
	assert_int_equal(count(xml, "<lease>"), 0);
	assert_non_null(strstr(xml, "<interface type=\"user\">"));
	free(xml);
	xml = NULL;
	free(again);
	free(withnic);
	vio_lpar_free(&lp);
	vio_lpar_free(&back);
}

static void test_dom_foreign(void **state)
{
	struct vio_lpar lp;
	struct ivg_ctx ctx;

	ivg_ctx_init(&ctx);
	assert_int_equal(vio_dom_parse(&ctx, "<domain type='kvm'><name>web</name></domain>", &lp),
			 -ENOENT);
	assert_int_equal(vio_dom_parse(&ctx, "<domain", &lp), -EILSEQ);
	assert_int_equal(vio_dom_parse(&ctx,
		"<domain type='kvm'><name>web</name><metadata>"
		"<v:partition xmlns:v='" VIO_XMLNS "' id='1' adapter='0' boot_type='normal'>"
		"<v:vtd name='x' lun='0' mode='rw' kind='file' source='/a'/>"
		"</v:partition></metadata></domain>", &lp), -EILSEQ);
	assert_non_null(strstr(ivg_errmsg(&ctx), "domain web"));
	assert_int_equal(vio_dom_parse(&ctx,
		"<domain type='kvm'><name>web</name><metadata>"
		"<v:partition xmlns:v='" VIO_XMLNS "' id='1' adapter='0' boot_type='sometimes'/>"
		"</metadata></domain>", &lp), -EILSEQ);
}

static void test_boot_order(void **state)
{
	struct vio_lpar lp;
	size_t order[VIO_LIST_MAX];
	char *info;

	sample(&lp);
	/* Normal with an empty normal list: the rootvg list, then the IVG
	 * (the install list: the maintenance list is empty). */
	assert_int_equal(vio_boot_order(&lp, VIO_BOOT_NORMAL, order), 3);
	assert_string_equal(lp.vtds[order[0]].name, "lpa_root");
	assert_string_equal(lp.vtds[order[1]].name, "lpa_lab");
	assert_string_equal(lp.vtds[order[2]].name, "lpa_ivg");
	assert_int_equal(vio_boot_order(&lp, VIO_BOOT_INSTALL, order), 1);
	assert_string_equal(lp.vtds[order[0]].name, "lpa_ivg");
	assert_int_equal(vio_boot_order(&lp, VIO_BOOT_MAINTENANCE, order), 0);
	info = vio_boot_info(&lp, VIO_BOOT_INSTALL);
	assert_non_null(strstr(info, "lpar lpa\nboot_type install\n"));
	assert_non_null(strstr(info, "rootvg lpa_root@3:0 lpa_lab@4:0\n"));
	free(info);
	/* A maintenance list takes the install list's place after the root
	 * disks; a VTD already in the order is not there twice. */
	strcpy(lp.list[VIO_LIST_MAINTENANCE][0], lp.list[VIO_LIST_ROOTVG][1]);
	lp.nlist[VIO_LIST_MAINTENANCE] = 1;
	assert_int_equal(vio_boot_order(&lp, VIO_BOOT_NORMAL, order), 2);
	assert_string_equal(lp.vtds[order[1]].name, "lpa_lab");
	lp.nlist[VIO_LIST_MAINTENANCE] = 0;
	/* A removed VTD leaves every list. */
	vio_lpar_rm_vtd(&lp, "lpa_root");
	assert_int_equal(vio_boot_order(&lp, VIO_BOOT_NORMAL, order), 2);
	vio_lpar_free(&lp);
}

/* ---- one-to-one, except read-only ---------------------------------------------- */

static void test_rules(void **state)
{
	struct vio_lpar a, b, c;
	struct vio_vtd v = { .scsi_id = 7 };
	struct ivg_ctx ctx;
	const struct vio_placed all[] = { { "hostA", &a }, { "hostB", &b }, { "hostA", &c } };

	ivg_ctx_init(&ctx);
	sample(&a);
	memset(&b, 0, sizeof(b));
	strcpy(b.name, "lpb");
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "lpc");
	strcpy(v.name, "lpb_ivg");
	/* The IVG LUN, read-only on A: read-only on B too, fine. */
	v.backing = a.vtds[0].backing;
	v.ro = true;
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostB", &b, &v), 0);
	/* Read-write: refused, naming the read-only holder. */
	v.ro = false;
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostB", &b, &v), -EBUSY);
	assert_non_null(strstr(ivg_errmsg(&ctx), "read-only to partition lpa on host hostA"));
	/* A read-write LUN of A: refused on B either way. */
	v.backing = a.vtds[1].backing;
	v.ro = true;
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostB", &b, &v), -EBUSY);
	assert_non_null(strstr(ivg_errmsg(&ctx), "read-write to partition lpa on host hostA (lpa_root)"));
	/* The same LUN found again under another URL (renumbered): by WWN. */
	strcpy(v.backing.source, "iscsi://10.0.0.9:3260/iqn.other:t/7");
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostB", &b, &v), -EBUSY);
	/* Another partition of A: the VTD name is A's already. */
	strcpy(v.name, "lpa_lab");
	strcpy(v.backing.wwn, "naa.6001405000000000000000000000099");
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostA", &c, &v), -EEXIST);
	assert_non_null(strstr(ivg_errmsg(&ctx), "lpa_lab already"));
	/* Within lpa: an address in use, a LUN mapped twice. */
	strcpy(v.name, "lpa_new");
	v.scsi_id = 3;
	v.lun = 1;
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostA", &a, &v), -EEXIST);
	assert_non_null(strstr(ivg_errmsg(&ctx), "SCSI ID 3, LUN 1"));
	v.scsi_id = 9;
	v.backing = a.vtds[2].backing;
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostA", &a, &v), -EEXIST);
	assert_non_null(strstr(ivg_errmsg(&ctx), "maps wwn naa.5001405aabbccdd already"));
	/* A new LUN: fine; the lowest free SCSI IDs. */
	strcpy(v.backing.wwn, "naa.6001405000000000000000000000077");
	assert_int_equal(vio_rules_map(&ctx, all, 3, "hostA", &a, &v), 0);
	assert_int_equal(vio_rules_free_scsi_id(&a, 0), 1);
	assert_int_equal(vio_rules_free_scsi_id(&a, 1), 0);
	vio_lpar_free(&a);
}

static void test_lease_key(void **state)
{
	struct vio_lun l = { .kind = VIO_LUN_ISCSI, .wwn = "naa.6001" };
	char key[128];

	vio_lease_key(&l, key, sizeof(key));
	assert_string_equal(key, "naa.6001");
	strcpy(l.wwn, "t10.ACME/DISK");
	vio_lease_key(&l, key, sizeof(key));
	assert_string_equal(key, "t10.ACME_DISK");
	l.kind = VIO_LUN_BLOCK;
	l.wwn[0] = 0;
	strcpy(l.pv, "abcdefabcdefabcdefabcdefabcdefab");
	vio_lease_key(&l, key, sizeof(key));
	assert_string_equal(key, "pv.abcdefabcdefabcdefabcdefabcdefab");
	l.kind = VIO_LUN_FILE;
	vio_lease_key(&l, key, sizeof(key));
	assert_string_equal(key, "");
}

/* ---- vios.conf ------------------------------------------------ */

static void test_conf(void **state)
{
	struct vio_conf c;
	struct ivg_ctx ctx;
	char path[128];

	ivg_ctx_init(&ctx);
	snprintf(path, sizeof(path), "%s/vios.conf", dir);
	assert_int_equal(vio_conf_load(&ctx, path, &c), 0);   /* missing: empty */
	assert_string_equal(c.lockspace, "");
	assert_int_equal(c.accel, VIO_ACCEL_AUTO);
	write_file(path, "# vios\nlockspace = \"/srv/locks/vios\"\n\npeer = qemu+ssh://b/system\n"
		   "peer=qemu+ssh://c/system   # the third\naccel = tcg\n");
	assert_int_equal(vio_conf_load(&ctx, path, &c), 0);
	assert_string_equal(c.lockspace, "/srv/locks/vios");
	assert_int_equal(c.npeers, 2);
	assert_string_equal(c.peers[1], "qemu+ssh://c/system");
	assert_int_equal(c.accel, VIO_ACCEL_TCG);
	write_file(path, "accel = tcg\nlockspace = relative/dir\n");
	assert_int_equal(vio_conf_load(&ctx, path, &c), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "vios.conf:2: lockspace must be an absolute path"));
	write_file(path, "accel = fast\n");
	assert_int_equal(vio_conf_load(&ctx, path, &c), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), ":1: accel is auto, kvm or tcg"));
	write_file(path, "lockspace /x\n");
	assert_int_equal(vio_conf_load(&ctx, path, &c), -EINVAL);
	write_file(path, "colour = blue\n");
	assert_int_equal(vio_conf_load(&ctx, path, &c), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "unknown setting \"colour\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vpd83_tgtd),
		cmocka_unit_test(test_vpd83_choices),
		cmocka_unit_test(test_wwid),
		cmocka_unit_test_setup_teardown(test_pv_uuid, setup, teardown),
		cmocka_unit_test(test_iscsi_url),
		cmocka_unit_test_setup_teardown(test_lun_file, setup, teardown),
		cmocka_unit_test(test_dom_roundtrip),
		cmocka_unit_test(test_dom_foreign),
		cmocka_unit_test(test_boot_order),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_lease_key),
		cmocka_unit_test_setup_teardown(test_conf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
