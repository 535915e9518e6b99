/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rpmpkg.c - RPM lead, signature and header, read with bounds checks. */
#include "rpmpkg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

enum {
	LEAD_SIZE = 96,
	HDR_INTRO = 16,
	MAX_INDEX = 0xffff,
	MAX_DATA = 0x0fffffff,     /* rpm's own limit on a header's data */
};

enum {
	T_CHAR = 1, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN,
	T_STRING_ARRAY, T_I18NSTRING,
};

enum {
	SIG_SIZE = 1000, SIG_LONGSIZE = 270,
	TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002,
	TAG_EPOCH = 1003, TAG_SUMMARY = 1004, TAG_DESCRIPTION = 1005,
	TAG_PACKAGER = 1015, TAG_URL = 1020, TAG_ARCH = 1022,
	TAG_REQUIREFLAGS = 1048, TAG_REQUIRENAME = 1049,
	TAG_REQUIREVERSION = 1050,
};

enum { SENSE_LESS = 1 << 1, SENSE_GREATER = 1 << 2, SENSE_EQUAL = 1 << 3 };

static const unsigned char lead_magic[4] = { 0xed, 0xab, 0xee, 0xdb };
static const unsigned char hdr_magic[4] = { 0x8e, 0xad, 0xe8, 0x01 };

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

struct entry {
	uint32_t tag, type, offset, count;
};

static struct entry entry_at(const struct opp_rpmhdr *h, uint32_t i)
{
	const unsigned char *p = h->index + (size_t)i * 16;

	return (struct entry){ be32(p), be32(p + 4), be32(p + 8), be32(p + 12) };
}

/* Strings at off: 'count' NUL-terminated strings inside the data. */
static bool strings_fit(const struct opp_rpmhdr *h, uint32_t off,
			uint32_t count)
{
	size_t pos = off;

	for (uint32_t k = 0; k < count; k++) {
		const unsigned char *nul;

		if (pos >= h->hsize)
			return false;
		nul = memchr(h->data + pos, 0, h->hsize - pos);
		if (!nul)
			return false;
		pos = (size_t)(nul - h->data) + 1;
	}
	return true;
}

static bool entry_valid(const struct opp_rpmhdr *h, const struct entry *e)
{
	static const unsigned width[] = { [T_CHAR] = 1, [T_INT8] = 1,
		[T_INT16] = 2, [T_INT32] = 4, [T_INT64] = 8, [T_BIN] = 1 };

	if (e->offset > h->hsize || e->count == 0 || e->count > h->hsize + 1u)
		return e->count == 0 && e->offset <= h->hsize;
	switch (e->type) {
	case T_STRING:
		return e->count == 1 && strings_fit(h, e->offset, 1);
	case T_STRING_ARRAY:
	case T_I18NSTRING:
		return strings_fit(h, e->offset, e->count);
	case T_CHAR: case T_INT8: case T_INT16: case T_INT32: case T_INT64:
	case T_BIN:
		return (uint64_t)e->offset +
		       (uint64_t)e->count * width[e->type] <= h->hsize;
	default:
		return e->type == 0;
	}
}

void opp_rpmhdr_free(struct opp_rpmhdr *h)
{
	free(h->index);
	free(h->data);
	*h = (struct opp_rpmhdr){ 0 };
}

static int check_intro(struct ivg_ctx *ctx, const char *what,
		       const char *part, const unsigned char *p,
		       uint32_t *nindex, uint32_t *hsize)
{
	if (memcmp(p, hdr_magic, 4))
		return ivg_err(ctx, EINVAL, "%s: %s: bad header magic", what, part);
	*nindex = be32(p + 8);
	*hsize = be32(p + 12);
	if (*nindex == 0 || *nindex > MAX_INDEX || *hsize > MAX_DATA)
		return ivg_err(ctx, EINVAL, "%s: %s: implausible size (%" PRIu32 " entries, %" PRIu32 " bytes)",
			       what, part, *nindex, *hsize);
	return 0;
}

static const char *tag_name(uint32_t tag)
{
	switch (tag) {
	case TAG_NAME: return "Name";
	case TAG_VERSION: return "Version";
	case TAG_RELEASE: return "Release";
	case TAG_EPOCH: return "Epoch";
	case TAG_SUMMARY: return "Summary";
	case TAG_DESCRIPTION: return "Description";
	case TAG_PACKAGER: return "Packager";
	case TAG_URL: return "URL";
	case TAG_ARCH: return "Arch";
	case TAG_REQUIREFLAGS: return "RequireFlags";
	case TAG_REQUIRENAME: return "RequireName";
	case TAG_REQUIREVERSION: return "RequireVersion";
	}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * A tag given twice: lookups take one entry, and which one depends on
 * the reader (rpm sorts the index and searches it). Refused, so that
 * what is checked is what is used.
 */
static int check_unique_tags(struct ivg_ctx *ctx, const char *what,
			     const char *part, const struct opp_rpmhdr *h)
{
	uint32_t *tags = malloc((size_t)h->nindex * sizeof(*tags));
	int r = 0;

	if (!tags)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < h->nindex; i++)
		tags[i] = entry_at(h, i).tag;
	qsort(tags, h->nindex, sizeof(*tags), cmp_u32);
	for (uint32_t i = 1; !r && i < h->nindex; i++)
		if (tags[i] == tags[i - 1])
			r = ivg_err(ctx, EINVAL, "%s: %s: tag %" PRIu32 "%s%s%s is given twice",
				    what, part, tags[i], tag_name(tags[i]) ? " (" : "",
				    tag_name(tags[i]) ? tag_name(tags[i]) : "",
				    tag_name(tags[i]) ? ")" : "");
	free(tags);
	return r;
}

static int validate(struct ivg_ctx *ctx, const char *what, const char *part,
		    const struct opp_rpmhdr *h)
{
	for (uint32_t i = 0; i < h->nindex; i++) {
		struct entry e = entry_at(h, i);

		if (!entry_valid(h, &e))
			return ivg_err(ctx, EINVAL, "%s: %s: entry %" PRIu32 " (tag %" PRIu32 ", type %" PRIu32 ") lies outside the header's data",
				       what, part, i, e.tag, e.type);
	}
	return check_unique_tags(ctx, what, part, h);
}

int opp_rpmhdr_parse(struct ivg_ctx *ctx, const char *what,
		     const unsigned char *p, size_t len,
		     struct opp_rpmhdr *h, size_t *used)
{
	uint32_t n, hs;
	int r;

	*h = (struct opp_rpmhdr){ 0 };
	if (len < HDR_INTRO)
		return ivg_err(ctx, EINVAL, "%s: RPM header truncated", what);
	if ((r = check_intro(ctx, what, "RPM header", p, &n, &hs)))
		return r;
	if ((uint64_t)HDR_INTRO + (uint64_t)n * 16 + hs > len)
		return ivg_err(ctx, EINVAL, "%s: RPM header truncated", what);
	h->nindex = n;
	h->hsize = hs;
	h->index = malloc((size_t)n * 16);
	h->data = malloc(hs ? hs : 1);
	if (!h->index || !h->data) {
		opp_rpmhdr_free(h);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	memcpy(h->index, p + HDR_INTRO, (size_t)n * 16);
	memcpy(h->data, p + HDR_INTRO + (size_t)n * 16, hs);
	if ((r = validate(ctx, what, "RPM header", h))) {
		opp_rpmhdr_free(h);
		return r;
	}
	*used = HDR_INTRO + (size_t)n * 16 + hs;
	return 0;
}

/* len bytes into a new buffer that grows as they come: a file that only
 * claims a big header (up to MAX_DATA) ends before the memory is taken. */
static int read_grown(struct ivg_ctx *ctx, struct opp_src *src, size_t len,
		      const char *part, unsigned char **out)
{
	enum { STEP = 1 << 20 };
	struct ivg_buf b = { 0 };
	int r = ivg_buf_reserve(&b, 0) ? ivg_err(ctx, ENOMEM, "out of memory") : 0;

	while (!r && b.len < len) {
		size_t n = len - b.len < STEP ? len - b.len : STEP;

		if (ivg_buf_reserve(&b, n))
			r = ivg_err(ctx, ENOMEM, "out of memory");
		else if (!(r = opp_src_read_full(ctx, src, b.p + b.len, n, part)))
			ivg_buf_wrote(&b, n);
	}
	if (r)
		ivg_buf_free(&b);
	*out = (unsigned char *)b.p;
	return r;
}

/* Read one header structure from the stream. */
static int read_hdr(struct ivg_ctx *ctx, struct opp_src *src,
		    const char *part, struct opp_rpmhdr *h)
{
	unsigned char intro[HDR_INTRO];
	int r;

	*h = (struct opp_rpmhdr){ 0 };
	if ((r = opp_src_read_full(ctx, src, intro, sizeof(intro), part)) ||
	    (r = check_intro(ctx, src->what, part, intro, &h->nindex, &h->hsize)))
		return r;
	r = read_grown(ctx, src, (size_t)h->nindex * 16, part, &h->index);
	if (!r)
		r = read_grown(ctx, src, h->hsize, part, &h->data);
	if (!r)
		r = validate(ctx, src->what, part, h);
	if (r)
		opp_rpmhdr_free(h);
	return r;
}

static bool find(const struct opp_rpmhdr *h, uint32_t tag, struct entry *out)
{
	for (uint32_t i = 0; i < h->nindex; i++) {
		struct entry e = entry_at(h, i);

		if (e.tag == tag && e.count) {
			*out = e;
			return true;
		}
	}
	return false;
}

const char *opp_rpmhdr_string(const struct opp_rpmhdr *h, uint32_t tag)
{
	struct entry e;

	if (!find(h, tag, &e) || (e.type != T_STRING &&
				  e.type != T_STRING_ARRAY &&
				  e.type != T_I18NSTRING))
		return NULL;
	return (const char *)h->data + e.offset;
}

/* The k-th string of an array entry (validated: all fit). */
static const char *nth_string(const struct opp_rpmhdr *h,
			      const struct entry *e, uint32_t k)
{
	const char *s = (const char *)h->data + e->offset;

	while (k--)
		s += strlen(s) + 1;
	return s;
}

static bool int_tag(const struct opp_rpmhdr *h, uint32_t tag, uint64_t *v)
{
	struct entry e;

	if (!find(h, tag, &e))
		return false;
	if (e.type == T_INT32)
		*v = be32(h->data + e.offset);
	else if (e.type == T_INT64)
		*v = (uint64_t)be32(h->data + e.offset) << 32 |
		     be32(h->data + e.offset + 4);
	else
		return false;
	return true;
}

/* "summary\n line\n .\n line": the Description field. The summary is
 * one line: its first, without blanks at either end (as a TOC keeps it). */
static int description(struct ivg_buf *b, const char *summary,
		       const char *text)
{
	size_t n;

	summary += strspn(summary, " \t");
	n = strcspn(summary, "\n\r");
	while (n && (summary[n - 1] == ' ' || summary[n - 1] == '\t'))
		n--;
	ivg_buf_printf(b, "%.*s", (int)n, summary);
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		size_t m = n;

		while (m && (text[m - 1] == '\r' || text[m - 1] == ' ' ||
			     text[m - 1] == '\t'))
			m--;
		ivg_buf_printf(b, m ? "\n %.*s" : "\n .", (int)m, text);
		text += n;
		if (*text)
			text++;
	}
	return b->err;
}

static int requires(const struct opp_rpmhdr *h, struct ivg_buf *b)
{
	struct entry names, flags, vers;
	bool have_flags, have_vers;

	if (!find(h, TAG_REQUIRENAME, &names) || names.type != T_STRING_ARRAY)
		return 0;
	have_flags = find(h, TAG_REQUIREFLAGS, &flags) && flags.type == T_INT32 &&
		     flags.count == names.count;
	have_vers = find(h, TAG_REQUIREVERSION, &vers) &&
		    vers.type == T_STRING_ARRAY && vers.count == names.count;
	for (uint32_t k = 0; k < names.count; k++) {
		const char *n = nth_string(h, &names, k);
		const char *v = have_vers ? nth_string(h, &vers, k) : "";
		uint32_t f = have_flags ? be32(h->data + flags.offset + 4 * k) : 0;
		const char *op = NULL;

		if (!strncmp(n, "rpmlib(", 7) || !*n)
			continue;
		switch (f & (SENSE_LESS | SENSE_GREATER | SENSE_EQUAL)) {
		case SENSE_LESS: op = "<<"; break;
		case SENSE_GREATER: op = ">>"; break;
		case SENSE_EQUAL: op = "="; break;
		case SENSE_LESS | SENSE_EQUAL: op = "<="; break;
		case SENSE_GREATER | SENSE_EQUAL: op = ">="; break;
		}
		ivg_buf_printf(b, "%s%s", b->len ? ", " : "", n);
		if (op && *v)
			ivg_buf_printf(b, " (%s %s)", op, v);
	}
	return b->err;
}

/* A value that a TOC holds on one line as it is: no control bytes (a
 * newline would start a field of the header's choosing), no blanks at
 * either end (a TOC reader strips them). */
static bool one_line(const char *v)
{
	size_t n = strlen(v);

	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return !n || (v[0] != ' ' && v[n - 1] != ' ');
}

static int check_one_line(struct ivg_ctx *ctx, const char *what,
			  const struct opp_stanza *st)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->f[i].name, "Description") &&
		    !one_line(st->f[i].value))
			return ivg_err(ctx, EINVAL, "%s: RPM header: the %s is not a one-line value",
				       what, st->f[i].name);
	return 0;
}

static int to_stanza(struct ivg_ctx *ctx, const char *what,
		     const struct opp_rpmhdr *h, struct opp_stanza *out)
{
	const char *name = opp_rpmhdr_string(h, TAG_NAME);
	const char *ver = opp_rpmhdr_string(h, TAG_VERSION);
	const char *rel = opp_rpmhdr_string(h, TAG_RELEASE);
	const char *arch = opp_rpmhdr_string(h, TAG_ARCH);
	const char *sum = opp_rpmhdr_string(h, TAG_SUMMARY);
	const char *url = opp_rpmhdr_string(h, TAG_URL);
	const char *pk = opp_rpmhdr_string(h, TAG_PACKAGER);
	struct ivg_buf v = { 0 }, d = { 0 }, dep = { 0 };
	uint64_t epoch;
	int r = 0;

	if (!name || !ver || !rel || !arch)
		return ivg_err(ctx, EINVAL, "%s: RPM header lacks its %s", what,
			       !name ? "name" : !ver ? "version" :
			       !rel ? "release" : "arch");
	if (int_tag(h, TAG_EPOCH, &epoch))
		ivg_buf_printf(&v, "%" PRIu64 ":", epoch);
	ivg_buf_printf(&v, "%s-%s", ver, rel);
	description(&d, sum ? sum : name,
		    opp_rpmhdr_string(h, TAG_DESCRIPTION));
	requires(h, &dep);
	*out = (struct opp_stanza){ 0 };
	if (v.err || d.err || dep.err ||
	    opp_stanza_set(out, "Package", name) ||
	    opp_stanza_set(out, "Version", v.p) ||
	    opp_stanza_set(out, "Architecture", arch) ||
	    (pk && *pk && opp_stanza_set(out, "Maintainer", pk)) ||
	    (url && *url && opp_stanza_set(out, "Homepage", url)) ||
	    (dep.len && opp_stanza_set(out, "Depends", dep.p)) ||
	    opp_stanza_set(out, "Description", d.p)) {
		opp_stanza_free(out);
		r = ivg_err(ctx, ENOMEM, "out of memory");
	} else if ((r = check_one_line(ctx, what, out))) {
		opp_stanza_free(out);
	}
	ivg_buf_free(&v);
	ivg_buf_free(&d);
	ivg_buf_free(&dep);
	return r;
}

int opp_rpm_read(struct ivg_ctx *ctx, struct opp_src *src,
		 struct opp_stanza *out)
{
	unsigned char lead[LEAD_SIZE], pad[8];
	struct opp_rpmhdr sig = { 0 }, hdr = { 0 };
	uint64_t sigsize = 0, start;
	bool have_size;
	int r;

	*out = (struct opp_stanza){ 0 };
	if ((r = opp_src_read_full(ctx, src, lead, sizeof(lead), "RPM lead")))
		return r;
	if (memcmp(lead, lead_magic, 4) || lead[4] < 3 || lead[4] > 4)
		return ivg_err(ctx, EINVAL, "%s: not an RPM package of format 3 or 4",
			       src->what);
	if ((r = read_hdr(ctx, src, "RPM signature", &sig)))
		return r;
	/* The signature is padded to a multiple of 8 bytes. */
	r = opp_src_read_full(ctx, src, pad,
			      (8 - (sig.nindex * 16 + sig.hsize) % 8) % 8,
			      "RPM signature");
	have_size = int_tag(&sig, SIG_LONGSIZE, &sigsize) ||
		    int_tag(&sig, SIG_SIZE, &sigsize);
	start = src->size;
	if (!r)
		r = read_hdr(ctx, src, "RPM header", &hdr);
	if (!r)
		r = to_stanza(ctx, src->what, &hdr, out);
	if (!r) {
		char sha[IVG_SHA256_HEX];

		/* The caller's finish reads the rest; count it here. */
		r = opp_src_finish(ctx, src, sha);
		if (!r && have_size && src->size - start != sigsize)
			r = ivg_err(ctx, EINVAL, "%s: truncated or damaged RPM: header and payload are %" PRIu64 " bytes, the signature says %" PRIu64,
				    src->what, src->size - start, sigsize);
		if (r)
			opp_stanza_free(out);
	}
	opp_rpmhdr_free(&sig);
	opp_rpmhdr_free(&hdr);
	return r;
}
