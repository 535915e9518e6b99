/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_opp.c - the OPP repository's pure parts: deb822 stanzas, the TOC,
 * the TOC tags in the VG model, RPM header bounds, name and path checks
 * (package names, members of an archive, paths inside oppfs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oppfs_impl.h"
#include "pkg.h"
#include "plainpkg.h"
#include "rpmpkg.h"
#include "stanza.h"
#include "toc.h"
#include "tocmeta.h"

static const char two[] =
	"# a comment\n"
	"Package: hello\n"
	"Version: 1.0\n"
	"Description: short\n"
	" long line one\n"
	" .\n"
	" long line two\n"
	"\n"
	"\n"
	"package: world\n"
	"VERSION:2\n";

static void stanza_parse_keeps_order_and_continuations(void **state)
{
	struct ivg_ctx ctx;
	struct opp_stanza *v;
	size_t n;

	ivg_ctx_init(&ctx);
	assert_int_equal(opp_stanzas_parse(&ctx, two, strlen(two), "t", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].n, 3);
	assert_string_equal(v[0].f[0].name, "Package");
	assert_string_equal(opp_stanza_get(&v[0], "description"),
			    "short\n long line one\n .\n long line two");
	/* Names match case-insensitively; values are trimmed. */
	assert_string_equal(opp_stanza_get(&v[1], "Package"), "world");
	assert_string_equal(opp_stanza_get(&v[1], "Version"), "2");
	opp_stanzas_free(v, n);
}

static void stanza_parse_rejects_bad_lines(void **state)
{
	static const char *const bad[] = {
		" continuation first\n",
		"no colon here\n",
		"Package: a\n:empty name\n",
		"-Dash: x\n",
	};
	struct ivg_ctx ctx;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct opp_stanza *v = NULL;
		size_t n = 0;

		ivg_ctx_init(&ctx);
		assert_int_equal(opp_stanzas_parse(&ctx, bad[i], strlen(bad[i]),
						   "f.txt", &v, &n), -EINVAL);
		assert_non_null(strstr(ivg_errmsg(&ctx), "f.txt: line "));
	}
}

/* A second value would be the one used by a reader that keeps the last. */
static void stanza_parse_refuses_a_field_given_twice(void **state)
{
	static const char *const bad[] = {
		"Package: ok\nVersion: 1\nPackage: ../../../../tmp/x/pwned\n",
		"Package: ok\nVersion: 1\nversion: 2\n",
		"Package: a\n\nPackage: b\nArchitecture: all\nARCHITECTURE: ../x\n",
	};
	static const char *const field[] = { "Package", "version", "ARCHITECTURE" };
	static const unsigned line[] = { 3, 3, 5 };
	struct ivg_ctx ctx;
	char want[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct opp_stanza *v = NULL;
		size_t n = 0;

		ivg_ctx_init(&ctx);
		assert_int_equal(opp_stanzas_parse(&ctx, bad[i], strlen(bad[i]),
						   "x.deb: control", &v, &n), -EINVAL);
		snprintf(want, sizeof(want), "x.deb: control: line %u: the %s field is given twice",
			 line[i], field[i]);
		assert_string_equal(ivg_errmsg(&ctx), want);
	}
}

static void stanza_set_replaces_in_place(void **state)
{
	struct ivg_ctx ctx;
	struct opp_stanza s;
	struct ivg_buf b = { 0 };

	ivg_ctx_init(&ctx);
	assert_int_equal(opp_stanza_parse1(&ctx, "A: 1\nB: 2\nC: 3\n", 15, "t", &s), 0);
	assert_int_equal(opp_stanza_set(&s, "b", "two"), 0);
	opp_stanza_del(&s, "A");
	assert_int_equal(opp_stanza_set(&s, "D", "4"), 0);
	assert_int_equal(opp_stanza_format(&b, &s), 0);
	assert_string_equal(b.p, "B: two\nC: 3\nD: 4\n\n");
	ivg_buf_free(&b);
	opp_stanza_free(&s);
	/* Exactly one paragraph. */
	assert_int_equal(opp_stanza_parse1(&ctx, two, strlen(two), "t", &s), -EINVAL);
}

static char *entry(const char *name, const char *ver, const char *file)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "Package: %s\nVersion: %s\nArchitecture: all\nDescription: d\n"
		 "Opp-Format: deb\nFilename: %s\nSize: 10\n"
		 "SHA256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\n",
		 name, ver, file);
	return buf;
}

static void toc_sorts_and_is_deterministic(void **state)
{
	struct ivg_ctx ctx;
	struct opp_toc toc;
	struct ivg_buf a = { 0 }, b = { 0 };
	char text[4096];

	ivg_ctx_init(&ctx);
	snprintf(text, sizeof(text), "%s", entry("zeta", "1", "pool/zeta_1_all.deb"));
	strcat(text, entry("alpha", "2", "pool/alpha_2_all.deb"));
	strcat(text, entry("alpha", "1", "pool/alpha_1_all.deb"));
	assert_int_equal(opp_toc_parse(&ctx, text, strlen(text), "toc", &toc), 0);
	assert_int_equal(toc.n, 3);
	assert_int_equal(opp_toc_format(&ctx, &toc, &a), 0);
	assert_string_equal(opp_stanza_get(&toc.e[0], "Version"), "1");
	assert_string_equal(opp_stanza_get(&toc.e[2], "Package"), "zeta");
	assert_int_equal(opp_toc_find(&toc, "alpha", "2", "all"), 1);
	assert_int_equal(opp_toc_find(&toc, "alpha", "3", "all"), -1);
	assert_int_equal(opp_toc_find_file(&toc, "pool/zeta_1_all.deb"), 2);
	/* Parse what was written: the same bytes again. */
	opp_toc_free(&toc);
	assert_int_equal(opp_toc_parse(&ctx, a.p, a.len, "toc", &toc), 0);
	assert_int_equal(opp_toc_format(&ctx, &toc, &b), 0);
	assert_string_equal(a.p, b.p);
	opp_toc_remove(&toc, 0);
	assert_int_equal(toc.n, 2);
	opp_toc_free(&toc);
	ivg_buf_free(&a);
	ivg_buf_free(&b);
}

static void toc_refuses_escaping_entries(void **state)
{
	static const char *const files[] = {
		"../etc/passwd", "pool/../../x", "/abs", "pool/sub/x.deb", "other/x.deb",
	};
	struct ivg_ctx ctx;
	struct opp_toc toc;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *t = entry("a", "1", files[i]);

		ivg_ctx_init(&ctx);
		assert_int_equal(opp_toc_parse(&ctx, t, strlen(t), "toc", &toc), -EINVAL);
		assert_non_null(strstr(ivg_errmsg(&ctx), "Filename"));
	}
	/* A bad package name in a TOC is refused too. */
	{
		const char *t = entry("../a", "1", "pool/a_1_all.deb");

		assert_int_equal(opp_toc_parse(&ctx, t, strlen(t), "toc", &toc), -EINVAL);
	}
}

static void tocmeta_tags_round_trip(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_lv lv = { .name = "oppfs" };
	struct opp_tocmeta m = { .present = true, .gen = 41 }, got;

	ivg_ctx_init(&ctx);
	memset(m.sha256, 'a', 64);
	m.sha256[64] = 0;
	assert_int_equal(ivg_strvec_add_once(&lv.tags, "keep_me"), 0);
	assert_int_equal(opp_tocmeta_get(&ctx, &lv, &got), 0);
	assert_false(got.present);
	assert_int_equal(opp_tocmeta_set(&ctx, &lv, &m), 0);
	m.gen = 42;
	assert_int_equal(opp_tocmeta_set(&ctx, &lv, &m), 0);
	assert_int_equal(lv.tags.n, 3);
	assert_true(ivg_strvec_has(&lv.tags, "keep_me"));
	assert_true(ivg_strvec_has(&lv.tags, "opp_toc_gen_42"));
	assert_int_equal(opp_tocmeta_get(&ctx, &lv, &got), 0);
	assert_true(got.present);
	assert_int_equal(got.gen, 42);
	assert_string_equal(got.sha256, m.sha256);
	/* Every tag in lvm2's charset. */
	for (size_t i = 0; i < lv.tags.n; i++)
		assert_int_equal(strspn(lv.tags.v[i],
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-"),
			strlen(lv.tags.v[i]));
	/* Half a pair, or a malformed one, is an error. */
	ivg_strvec_del(&lv.tags, "opp_toc_gen_42");
	assert_int_equal(opp_tocmeta_get(&ctx, &lv, &got), -EINVAL);
	assert_int_equal(ivg_strvec_add_once(&lv.tags, "opp_toc_gen_x"), 0);
	assert_int_equal(opp_tocmeta_get(&ctx, &lv, &got), -EINVAL);
	ivg_strvec_free(&lv.tags);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* A header with one STRING entry at 'off', data "name\0". */
static size_t make_hdr(unsigned char *b, uint32_t type, uint32_t off,
		       uint32_t count)
{
	static const unsigned char magic[8] = { 0x8e, 0xad, 0xe8, 1, 0, 0, 0, 0 };

	memcpy(b, magic, 8);
	put32(b + 8, 1);
	put32(b + 12, 5);
	put32(b + 16, 1000);
	put32(b + 20, type);
	put32(b + 24, off);
	put32(b + 28, count);
	memcpy(b + 32, "name", 5);
	return 37;
}

static void rpm_header_bounds(void **state)
{
	unsigned char b[64];
	struct opp_rpmhdr h;
	struct ivg_ctx ctx;
	size_t used, len;

	ivg_ctx_init(&ctx);
	len = make_hdr(b, 6, 0, 1);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), 0);
	assert_int_equal(used, len);
	assert_string_equal(opp_rpmhdr_string(&h, 1000), "name");
	assert_null(opp_rpmhdr_string(&h, 1001));
	opp_rpmhdr_free(&h);
	/* Offsets past the data, strings without NUL, huge counts. */
	len = make_hdr(b, 6, 5, 1);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "t.rpm: RPM header: entry 0"));
	len = make_hdr(b, 6, 0, 1);
	b[36] = 'x';
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), -EINVAL);
	len = make_hdr(b, 8, 0, 2);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), -EINVAL);
	len = make_hdr(b, 4, 2, 1);     /* INT32 at 2: 2 + 4 > 5 */
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), -EINVAL);
	len = make_hdr(b, 4, 0, 0x40000000);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), -EINVAL);
	/* Truncated: the data store is cut short. */
	len = make_hdr(b, 6, 0, 1);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len - 1, &h, &used), -EINVAL);
	/* Implausible index count. */
	len = make_hdr(b, 6, 0, 1);
	put32(b + 8, 0x01000000);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, len, &h, &used), -EINVAL);
}

/* Two index entries for Name: one reader would take either. */
static void rpm_header_tag_given_twice(void **state)
{
	unsigned char b[64];
	struct opp_rpmhdr h;
	struct ivg_ctx ctx;
	size_t used;

	ivg_ctx_init(&ctx);
	make_hdr(b, 6, 0, 1);
	/* A second entry, tag 1000 again, over the same string. */
	put32(b + 8, 2);
	memmove(b + 48, b + 32, 5);
	memcpy(b + 32, b + 16, 16);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, 53, &h, &used), -EINVAL);
	assert_string_equal(ivg_errmsg(&ctx), "t.rpm: RPM header: tag 1000 (Name) is given twice");
	/* Another tag is fine. */
	put32(b + 32, 1001);
	assert_int_equal(opp_rpmhdr_parse(&ctx, "t.rpm", b, 53, &h, &used), 0);
	assert_string_equal(opp_rpmhdr_string(&h, 1001), "name");
	opp_rpmhdr_free(&h);
}

/* Paths inside oppfs: plain names only, resolved one at a time. */
static void oppfs_paths(void **state)
{
	static const char *const good[] = {
		"pool/x.deb", ".toc", "manifests/a.json", "a..b/..c", ".ivg-staging/1-2.new",
	};
	static const char *const bad[] = {
		"../x", "pool/../x", "pool/..", "/etc/passwd", "a//b", "a/", ".",
		"./a", "a/./b", "/",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(opp_fs_path_ok(good[i], false));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(opp_fs_path_ok(bad[i], false));
		assert_false(opp_fs_path_ok(bad[i], true));
	}
	assert_false(opp_fs_path_ok("", false));
	assert_true(opp_fs_path_ok("", true));
}

static void paths_and_names(void **state)
{
	struct ivg_ctx ctx;
	struct opp_stanza s = { 0 };
	char *file;

	assert_true(opp_path_contained("a/b/c"));
	assert_true(opp_path_contained("a/..b/c.."));
	assert_false(opp_path_contained("../a"));
	assert_false(opp_path_contained("a/../../b"));
	assert_false(opp_path_contained("/etc"));
	assert_false(opp_path_contained(""));
	ivg_ctx_init(&ctx);
	assert_int_equal(opp_stanza_set(&s, "Package", "lib+x.y-z"), 0);
	assert_int_equal(opp_stanza_set(&s, "Version", "1:2.0~rc1-3"), 0);
	assert_int_equal(opp_stanza_set(&s, "Architecture", "amd64"), 0);
	assert_int_equal(opp_pkg_check(&ctx, "f", &s), 0);
	assert_int_equal(opp_pkg_filename(&ctx, &s, OPP_FMT_DEB, &file), 0);
	assert_string_equal(file, "pool/lib+x.y-z_2.0~rc1-3_amd64.deb");
	free(file);
	assert_int_equal(opp_stanza_set(&s, "Package", "a/b"), 0);
	assert_int_equal(opp_pkg_check(&ctx, "f.opp", &s), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&ctx), "f.opp: Package \"a/b\" would escape"));
	assert_int_equal(opp_stanza_set(&s, "Package", "-x"), 0);
	assert_int_equal(opp_pkg_check(&ctx, "f", &s), -EINVAL);
	assert_int_equal(opp_stanza_set(&s, "Package", "ok"), 0);
	assert_int_equal(opp_stanza_set(&s, "Version", "1 2"), 0);
	assert_int_equal(opp_pkg_check(&ctx, "f", &s), -EINVAL);
	opp_stanza_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stanza_parse_keeps_order_and_continuations),
		cmocka_unit_test(stanza_parse_rejects_bad_lines),
		cmocka_unit_test(stanza_parse_refuses_a_field_given_twice),
		cmocka_unit_test(stanza_set_replaces_in_place),
		cmocka_unit_test(toc_sorts_and_is_deterministic),
		cmocka_unit_test(toc_refuses_escaping_entries),
		cmocka_unit_test(tocmeta_tags_round_trip),
		cmocka_unit_test(rpm_header_bounds),
		cmocka_unit_test(rpm_header_tag_given_twice),
		cmocka_unit_test(oppfs_paths),
		cmocka_unit_test(paths_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
