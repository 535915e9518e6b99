/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_cfg.c - LVM2 config text: parsing, lookups, copies, emitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "cfg.h"

#define SRC "test-src"

static struct ivg_cfg_node *parse_ok(const char *text)
{
	struct ivg_ctx ctx;
	struct ivg_cfg_node *root = NULL;
	int r;

	ivg_ctx_init(&ctx);
	r = ivg_cfg_parse(&ctx, text, strlen(text), SRC, &root);
	if (r)
		fail_msg("parse failed: %s", ivg_errmsg(&ctx));
	assert_non_null(root);
	return root;
}

/* The parse fails with -EINVAL; the message names source and line. */
static void parse_bad(const char *text, size_t len, int line,
		      const char *what)
{
	struct ivg_ctx ctx;
	struct ivg_cfg_node *root = (void *)1;
	char want[64];

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_cfg_parse(&ctx, text, len, SRC, &root), -EINVAL);
	assert_null(root);
	snprintf(want, sizeof(want), SRC ": line %d: ", line);
	if (strncmp(ivg_errmsg(&ctx), want, strlen(want)))
		fail_msg("message '%s' does not start with '%s'",
			 ivg_errmsg(&ctx), want);
	if (what && !strstr(ivg_errmsg(&ctx), what))
		fail_msg("message '%s' lacks '%s'", ivg_errmsg(&ctx), what);
}

static char *emit(const struct ivg_cfg_node *n)
{
	struct ivg_buf b = { 0 };

	assert_int_equal(ivg_cfg_emit(&b, n), 0);
	assert_int_equal(b.err, 0);
	return b.p;
}

static void test_values(void **state)
{
	struct ivg_cfg_node *root = parse_ok(
		"a = 12\nb = -7\nc = \"x\\\"y\\\\z\\q\"\nd = 'sq\\'\n"
		"e = []\nf = [\"p\", 3, 'q']\ng = [1 2 3,]\nh = bare\n"
		"i = +5\nj = 010\nk = -9223372036854775808\n"
		"l = 9223372036854775807\n");
	const struct ivg_cfg_value *v;
	const char *s;
	int64_t i;
	size_t n;

	assert_int_equal(ivg_cfg_get_int(root, "a", &i), 0);
	assert_int_equal(i, 12);
	assert_int_equal(ivg_cfg_get_int(root, "b", &i), 0);
	assert_int_equal(i, -7);
	assert_int_equal(ivg_cfg_get_str(root, "c", &s), 0);
	assert_string_equal(s, "x\"y\\z\\q");
	assert_int_equal(ivg_cfg_get_str(root, "d", &s), 0);
	assert_string_equal(s, "sq\\");
	assert_int_equal(ivg_cfg_find(root, "e")->type, IVG_CFG_ARRAY);
	assert_int_equal(ivg_cfg_find(root, "e")->n, 0);
	assert_int_equal(ivg_cfg_node_array(ivg_cfg_find(root, "f"), &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].s, "p");
	assert_int_equal(v[1].type, IVG_CFG_INT);
	assert_int_equal(v[1].i, 3);
	assert_string_equal(v[2].s, "q");
	assert_int_equal(ivg_cfg_get_strings(root, "f", &v, &n), -EINVAL);
	assert_int_equal(ivg_cfg_find(root, "g")->n, 3);
	assert_int_equal(ivg_cfg_get_str(root, "h", &s), 0);
	assert_string_equal(s, "bare");
	assert_int_equal(ivg_cfg_get_int(root, "i", &i), 0);
	assert_int_equal(i, 5);
	assert_int_equal(ivg_cfg_get_int(root, "j", &i), 0);
	assert_int_equal(i, 8);                /* strtoll base 0, as lvm2 */
	assert_int_equal(ivg_cfg_get_int(root, "k", &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(ivg_cfg_get_int(root, "l", &i), 0);
	assert_true(i == INT64_MAX);
	ivg_cfg_free(root);
}

static void test_lookups(void **state)
{
	struct ivg_cfg_node *root = parse_ok(
		"s {\n\tn = 1\n\tt = \"x\"\n\tl = [\"a\", \"b\"]\n"
		"\tone = \"only\"\n\tn = 2\n}\n");
	struct ivg_cfg_node *s = ivg_cfg_find(root, "s");
	const struct ivg_cfg_value *v;
	const char *str;
	int64_t i;
	size_t n;

	assert_non_null(s);
	assert_int_equal(s->type, IVG_CFG_SECTION);
	assert_int_equal(s->line, 1);
	assert_int_equal(ivg_cfg_count(s), 5);
	assert_int_equal(ivg_cfg_get_int(s, "n", &i), 0);
	assert_int_equal(i, 1);                /* the first one wins */
	assert_int_equal(ivg_cfg_get_int(s, "missing", &i), -ENOENT);
	assert_int_equal(ivg_cfg_get_int(s, "t", &i), -EINVAL);
	assert_int_equal(ivg_cfg_get_str(s, "n", &str), -EINVAL);
	assert_int_equal(ivg_cfg_get_strings(s, "l", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].s, "b");
	/* A scalar is a list of one, as in lvm2. */
	assert_int_equal(ivg_cfg_get_strings(s, "one", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].s, "only");
	assert_int_equal(ivg_cfg_find(s, "t")->line, 3);
	assert_null(ivg_cfg_find(ivg_cfg_find(s, "n"), "x"));
	ivg_cfg_free(root);
}

/* Whitespace and comments anywhere, as in lvm2's backups. */
static void test_layout_free(void **state)
{
	const char *a = "vg{id=\"x\"#c\nl=[1,2]sub{k=1}}";
	const char *b = "# head\n\tvg   {\n\t\tid\t=\t\"x\"\t# hint\n"
			"\t\tl = [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\n"
			"\t\tsub {\n k = 1 }\n\t}\n# tail";
	struct ivg_cfg_node *ra = parse_ok(a), *rb = parse_ok(b);
	char *ea = emit(ivg_cfg_find(ra, "vg")), *eb = emit(ivg_cfg_find(rb, "vg"));

	assert_string_equal(ea, eb);
	assert_string_equal(ea, "vg {\nid = \"x\"\nl = [1, 2]\nsub {\nk = 1\n}\n}\n");
	free(ea);
	free(eb);
	ivg_cfg_free(ra);
	ivg_cfg_free(rb);
}

static void test_nul_ends_text(void **state)
{
	static const char text[] = "a = 1\n\0garbage {{{";
	struct ivg_ctx ctx;
	struct ivg_cfg_node *root;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_cfg_parse(&ctx, text, sizeof(text), SRC, &root), 0);
	assert_int_equal(ivg_cfg_count(root), 1);
	ivg_cfg_free(root);
}

static void test_emit_roundtrip(void **state)
{
	const char *text =
		"top {\nn = -3\ns = \"q\\\"b\\\\\"\ne = []\n"
		"m = [\"a\", 1, \"b\"]\n\"odd key\" = 1\ninner {\n"
		"deeper {\nx = 0\n}\n}\n}\n";
	struct ivg_cfg_node *root = parse_ok(text), *again;
	char *out = emit(ivg_cfg_find(root, "top")), *out2;

	assert_string_equal(out, text);
	again = parse_ok(out);
	out2 = emit(ivg_cfg_find(again, "top"));
	assert_string_equal(out, out2);
	free(out);
	free(out2);
	ivg_cfg_free(root);
	ivg_cfg_free(again);
}

static void test_copy_and_build(void **state)
{
	struct ivg_cfg_node *root = parse_ok(
		"s {\na = [\"x\", 2]\nt {\nb = \"y\"\n}\n}\n");
	struct ivg_cfg_node *c = ivg_cfg_copy(ivg_cfg_find(root, "s"));
	struct ivg_cfg_node *sec = ivg_cfg_new_section("built"), *n;
	char *e1, *e2;

	ivg_cfg_free(root);                    /* the copy is independent */
	e1 = emit(c);
	assert_string_equal(e1, "s {\na = [\"x\", 2]\nt {\nb = \"y\"\n}\n}\n");
	assert_non_null(ivg_cfg_add_int(sec, "i", 4));
	assert_non_null(ivg_cfg_add_str(sec, "s", "v\"w"));
	n = ivg_cfg_add_section(sec, "sub");
	assert_non_null(n);
	assert_non_null(ivg_cfg_add_int(n, "z", -1));
	e2 = emit(sec);
	assert_string_equal(e2, "built {\ni = 4\ns = \"v\\\"w\"\nsub {\nz = -1\n}\n}\n");
	assert_int_equal(ivg_cfg_unlink(sec, n), 0);
	assert_int_equal(ivg_cfg_unlink(sec, n), -ENOENT);
	assert_int_equal(ivg_cfg_count(sec), 2);
	ivg_cfg_free(n);
	free(e1);
	free(e2);
	ivg_cfg_free(c);
	ivg_cfg_free(sec);
}

static void test_errors(void **state)
{
	const char *t;

	t = "vg {\nid = 1\n";
	parse_bad(t, strlen(t), 3, "not closed");
	t = "a = 1\n}\n";
	parse_bad(t, strlen(t), 2, "unexpected '}'");
	t = "a = 12x\n";
	parse_bad(t, strlen(t), 1, "bad number");
	t = "\n\na = 9223372036854775808\n";
	parse_bad(t, strlen(t), 3, "out of range");
	t = "a = -9223372036854775809\n";
	parse_bad(t, strlen(t), 1, "out of range");
	t = "a = 99999999999999999999999999999\n";
	parse_bad(t, strlen(t), 1, "out of range");
	t = "a = 1.5\n";
	parse_bad(t, strlen(t), 1, "floating");
	t = "a = 09\n";
	parse_bad(t, strlen(t), 1, "bad number");
	t = "a = \"open\nb = 2\n";
	parse_bad(t, strlen(t), 1, "unterminated string");
	t = "a = [1, 2\n";
	parse_bad(t, strlen(t), 1, "unterminated array");
	t = "a = [[1]]\n";
	parse_bad(t, strlen(t), 1, "expected a value");
	t = "a = \n";
	parse_bad(t, strlen(t), 2, "expected a value");
	t = "a 1\n";
	parse_bad(t, strlen(t), 1, "expected '=' or '{'");
	t = "= 1\n";
	parse_bad(t, strlen(t), 1, "unexpected '='");
	t = "\"\" = 1\n";
	parse_bad(t, strlen(t), 1, "empty key");
	t = "a = -\n";
	parse_bad(t, strlen(t), 1, "bad number");
	/* Truncated: the length ends the text, not a NUL. */
	t = "vg {\na = \"abc\"\n}\n";
	parse_bad(t, 11, 2, "unterminated string");
}

static void test_depth_limit(void **state)
{
	char text[4096];
	size_t o = 0;
	int i;
	struct ivg_cfg_node *root;
	struct ivg_ctx ctx;

	/* 63 nested sections are fine... */
	for (i = 0; i < IVG_CFG_MAX_DEPTH - 1; i++)
		o += (size_t)sprintf(text + o, "s%d {\n", i);
	for (i = 0; i < IVG_CFG_MAX_DEPTH - 1; i++)
		o += (size_t)sprintf(text + o, "}\n");
	root = parse_ok(text);
	ivg_cfg_free(root);

	/* ...one more is not; a million would not blow the stack either. */
	o = 0;
	for (i = 0; i < IVG_CFG_MAX_DEPTH; i++)
		o += (size_t)sprintf(text + o, "s {\n");
	parse_bad(text, o, IVG_CFG_MAX_DEPTH, "nested deeper");

	{
		size_t len = 2000000;
		char *deep = malloc(len);

		assert_non_null(deep);
		for (o = 0; o + 2 <= len; o += 2)
			memcpy(deep + o, "a{", 2);
		ivg_ctx_init(&ctx);
		assert_int_equal(ivg_cfg_parse(&ctx, deep, len, SRC, &root),
				 -EINVAL);
		assert_non_null(strstr(ivg_errmsg(&ctx), SRC));
		free(deep);
	}
}

/* A section of 200000 members parses in linear time. */
static void test_wide_section(void **state)
{
	struct ivg_buf b = { 0 };
	struct ivg_cfg_node *root;
	struct ivg_ctx ctx;
	int64_t v;
	int i;

	ivg_buf_printf(&b, "s {\n");
	for (i = 0; i < 200000; i++)
		ivg_buf_printf(&b, "k%d = %d\n", i, i);
	ivg_buf_printf(&b, "}\n");
	assert_int_equal(b.err, 0);
	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_cfg_parse(&ctx, b.p, b.len, SRC, &root), 0);
	assert_int_equal(ivg_cfg_count(ivg_cfg_find(root, "s")), 200000);
	assert_int_equal(ivg_cfg_get_int(ivg_cfg_find(root, "s"), "k199999", &v), 0);
	assert_int_equal(v, 199999);
	ivg_cfg_free(root);
	ivg_buf_free(&b);
}

/* Random bytes and mutated texts must never crash or leak (ASan). */
static void test_hostile(void **state)
{
	static const char base[] =
		"vg {\nid = \"abc\"\nl = [\"a\", 1, []]\ns {\nk = 'x'\n}\n}\n"
		"# c\nn = -5\n";
	static const char alphabet[] = "{}[]=,\"'#\\ \n\t-+.0123456789ab\0";
	struct ivg_cfg_node *root;
	struct ivg_ctx ctx;
	char buf[sizeof(base)];
	unsigned seed = 12345;
	int i, k;

	ivg_ctx_init(&ctx);
	for (i = 0; i < 20000; i++) {
		memcpy(buf, base, sizeof(base));
		for (k = 0; k < 1 + i % 6; k++) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % (sizeof(buf) - 1)] =
				alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		if (!ivg_cfg_parse(&ctx, buf, (seed >> 4) % sizeof(buf), SRC,
				   &root)) {
			char *e = emit(root);

			free(e);
			ivg_cfg_free(root);
		} else {
			assert_null(root);
			assert_non_null(strstr(ivg_errmsg(&ctx), SRC));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_layout_free),
		cmocka_unit_test(test_nul_ends_text),
		cmocka_unit_test(test_emit_roundtrip),
		cmocka_unit_test(test_copy_and_build),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_wide_section),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
