/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stanza.h - deb822 paragraphs: ordered "Field: value" lists.
 *
 * Parsing keeps field order and multi-line values verbatim (continuation
 * lines keep their leading blank; the value holds "\n" between lines).
 * Field names are matched case-insensitively, as dpkg and apt do; a
 * field given twice in one paragraph is bad text. Bad text is -EINVAL
 * with ivg_err naming 'what', the line and, for a repeated field, it. Formatting
 * writes each field as "Name: value\n" and a blank line after a stanza.
 */
#ifndef OPP_STANZA_H
#define OPP_STANZA_H

#include <stddef.h>

#include "buf.h"
#include "ctx.h"

struct opp_field {
	char *name;
	char *value;
};

struct opp_stanza {
	struct opp_field *f;
	size_t n, cap;
};

/* Every stanza of text[0..len) (comments '#' skipped); caller frees. */
int opp_stanzas_parse(struct ivg_ctx *ctx, const char *text, size_t len,
		      const char *what, struct opp_stanza **out, size_t *n);
/* Exactly one stanza. */
int opp_stanza_parse1(struct ivg_ctx *ctx, const char *text, size_t len,
		      const char *what, struct opp_stanza *out);

const char *opp_stanza_get(const struct opp_stanza *s, const char *name);
/* Replace the value (kept in place) or append the field; -ENOMEM. */
int opp_stanza_set(struct opp_stanza *s, const char *name, const char *value);
void opp_stanza_del(struct opp_stanza *s, const char *name);
int opp_stanza_copy(struct opp_stanza *dst, const struct opp_stanza *src);
void opp_stanza_free(struct opp_stanza *s);
void opp_stanzas_free(struct opp_stanza *v, size_t n);

/* Append the stanza and one blank line to b. */
int opp_stanza_format(struct ivg_buf *b, const struct opp_stanza *s);

#endif
