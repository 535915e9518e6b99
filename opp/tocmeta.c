/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tocmeta.c - TOC generation and digest as LV tags on oppfs. */
#include "tocmeta.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static bool prefixed(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

int opp_tocmeta_get(struct ivg_ctx *ctx, const struct ivg_lv *oppfs,
		    struct opp_tocmeta *m)
{
	int gens = 0, shas = 0;

	*m = (struct opp_tocmeta){ 0 };
	for (size_t i = 0; i < oppfs->tags.n; i++) {
		const char *t = oppfs->tags.v[i];

		if (prefixed(t, OPP_TAG_GEN)) {
			const char *v = t + strlen(OPP_TAG_GEN);
			char *end;

			errno = 0;
			m->gen = strtoull(v, &end, 10);
			if (!*v || *end || errno || *v == '-' || !m->gen)
				return ivg_err(ctx, EINVAL, "LV %s: malformed tag \"%s\"",
					       oppfs->name, t);
			gens++;
		} else if (prefixed(t, OPP_TAG_SHA)) {
			const char *v = t + strlen(OPP_TAG_SHA);

			if (!ivg_sha256_hex_ok(v))
				return ivg_err(ctx, EINVAL, "LV %s: malformed tag \"%s\"",
					       oppfs->name, t);
			memcpy(m->sha256, v, IVG_SHA256_HEX);
			shas++;
		}
	}
	if (gens > 1 || shas > 1 || gens != shas)
		return ivg_err(ctx, EINVAL, "LV %s: the TOC tags are inconsistent (%d generation and %d SHA-256 tags)",
			       oppfs->name, gens, shas);
	m->present = gens == 1;
	return 0;
}

int opp_tocmeta_set(struct ivg_ctx *ctx, struct ivg_lv *oppfs,
		    const struct opp_tocmeta *m)
{
	char gen[64], sha[128];

	for (size_t i = oppfs->tags.n; i-- > 0;) {
		const char *t = oppfs->tags.v[i];

		if (prefixed(t, OPP_TAG_GEN) || prefixed(t, OPP_TAG_SHA))
			ivg_strvec_del(&oppfs->tags, t);
	}
	if (!m->present)
		return 0;
	snprintf(gen, sizeof(gen), OPP_TAG_GEN "%" PRIu64, m->gen);
	snprintf(sha, sizeof(sha), OPP_TAG_SHA "%s", m->sha256);
	if (ivg_strvec_add_once(&oppfs->tags, gen) ||
	    ivg_strvec_add_once(&oppfs->tags, sha))
		return ivg_err(ctx, ENOMEM, "out of memory");
	return 0;
}
