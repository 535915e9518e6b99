/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_toc.c - the OPP TOC parser (toc.c over stanza.c) and the TOC
 * tags (tocmeta.c) on arbitrary text.
 *
 * The input is a TOC. Comment lines "#@TAG" (which the stanza parser
 * skips) become tags of the oppfs LV for opp_tocmeta_get. Properties: a
 * TOC that parses is formatted, parsed again and formatted again to the
 * same bytes (format is a fixed point); tags that read back are set on
 * a fresh LV and read back the same.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toc.h"
#include "tocmeta.h"

static char *format(struct ivg_ctx *ctx, struct opp_toc *toc, size_t *len)
{
	struct ivg_buf b = { 0 };

	assert(opp_toc_format(ctx, toc, &b) == 0);
	*len = b.len;
	return b.p;
}

static void check_toc(const char *text, size_t len)
{
	struct ivg_ctx ctx;
	struct opp_toc toc, again;
	char *t1, *t2;
	size_t l1, l2;

	ivg_ctx_init(&ctx);
	if (opp_toc_parse(&ctx, text, len, "fuzz", &toc))
		return;
	t1 = format(&ctx, &toc, &l1);
	opp_toc_free(&toc);
	assert(opp_toc_parse(&ctx, t1, l1, "fuzz", &again) == 0);
	t2 = format(&ctx, &again, &l2);
	assert(l1 == l2 && !memcmp(t1, t2, l1));
	for (size_t i = 0; i < again.n; i++) {
		const struct opp_stanza *e = &again.e[i];

		assert(opp_toc_find(&again, opp_stanza_get(e, "Package"),
				    opp_stanza_get(e, "Version"),
				    opp_stanza_get(e, "Architecture")) >= 0);
		assert(opp_toc_find_file(&again, opp_stanza_get(e, "Filename")) >= 0);
	}
	opp_toc_free(&again);
	free(t1);
	free(t2);
}

/* The "#@TAG" lines of the input as tags. */
static void tags_of(const char *text, size_t len, struct ivg_strvec *tags)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		if (e - p > 2 && p[0] == '#' && p[1] == '@') {
			char *t = strndup(p + 2, (size_t)(e - p - 2));

			if (t && strlen(t))
				ivg_strvec_add_once(tags, t);
			free(t);
		}
		p = e + 1;
	}
}

static void check_tags(const char *text, size_t len)
{
	struct ivg_ctx ctx;
	struct ivg_lv lv = { .name = "oppfs" }, lv2 = { .name = "oppfs" };
	struct opp_tocmeta m, m2;

	ivg_ctx_init(&ctx);
	tags_of(text, len, &lv.tags);
	if (!opp_tocmeta_get(&ctx, &lv, &m)) {
		assert(opp_tocmeta_set(&ctx, &lv2, &m) == 0);
		assert(opp_tocmeta_get(&ctx, &lv2, &m2) == 0);
		assert(m.present == m2.present && m.gen == m2.gen &&
		       !strcmp(m.sha256, m2.sha256));
		/* Setting replaces: the old pair goes, the new one is read. */
		assert(opp_tocmeta_set(&ctx, &lv, &m2) == 0);
		assert(opp_tocmeta_get(&ctx, &lv, &m) == 0 && m.gen == m2.gen);
	}
	ivg_strvec_free(&lv.tags);
	ivg_strvec_free(&lv2.tags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_toc((const char *)data, size);
	check_tags((const char *)data, size);
	return 0;
}
