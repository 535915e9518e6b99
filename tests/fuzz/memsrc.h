/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memsrc.h - a package stream (opp/src.h) over the fuzzer's input, for
 * the package reader targets (memsrc_run). It hands out odd-sized pieces
 * so that the readers meet short reads at every boundary, and checks:
 * after opp_src_finish, size and SHA-256 are the whole input's; a stanza
 * that a reader returned formats and parses back to the same fields.
 */
#ifndef FUZZ_MEMSRC_H
#define FUZZ_MEMSRC_H

#include <assert.h>
#include <string.h>

#include "src.h"
#include "stanza.h"

struct memsrc {
	const unsigned char *p;
	size_t len, pos;
};

static int memsrc_read(struct ivg_ctx *ctx, void *arg, void *buf,
		       size_t len, size_t *got)
{
	struct memsrc *m = arg;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	if (n > 4093)
		n = 4093;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

static void memsrc_check_finish(struct ivg_ctx *ctx, struct opp_src *s,
				const unsigned char *p, size_t len)
{
	char got[IVG_SHA256_HEX], want[IVG_SHA256_HEX];

	assert(opp_src_finish(ctx, s, got) == 0);
	assert(ivg_sha256_hex(p, len, want) == 0);
	assert(s->size == len && !strcmp(got, want));
}

/* A stanza that a reader returned formats and parses back the same. */
static void stanza_round_trip(struct ivg_ctx *ctx, const struct opp_stanza *st)
{
	struct ivg_buf b = { 0 };
	struct opp_stanza again;

	assert(opp_stanza_format(&b, st) == 0 && b.p);
	assert(opp_stanza_parse1(ctx, b.p, b.len, "fuzz", &again) == 0);
	assert(again.n == st->n);
	for (size_t i = 0; i < st->n; i++)
		assert(!strcmp(again.f[i].name, st->f[i].name) &&
		       !strcmp(again.f[i].value, st->f[i].value));
	opp_stanza_free(&again);
	ivg_buf_free(&b);
}

/* One input through a package reader, with the properties above. */
typedef int (*memsrc_reader)(struct ivg_ctx *ctx, struct opp_src *src,
			     struct opp_stanza *out);

static void memsrc_run(const unsigned char *p, size_t len, const char *what,
		       memsrc_reader reader)
{
	struct ivg_ctx ctx;
	struct memsrc m = { p, len, 0 };
	struct opp_src src;
	struct opp_stanza st;

	ivg_ctx_init(&ctx);
	assert(opp_src_init(&ctx, &src, memsrc_read, &m, what) == 0);
	if (!reader(&ctx, &src, &st)) {
		stanza_round_trip(&ctx, &st);
		opp_stanza_free(&st);
	}
	memsrc_check_finish(&ctx, &src, p, len);
	opp_src_free(&src);
}

#endif
