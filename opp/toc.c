/* SPDX-License-Identifier: GPL-2.0-or-later */
/* toc.c - the OPP table of contents: parse, check, edit, sorted output. */
#include "toc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "plainpkg.h"
#include "sha256.h"

/* A file name with a newline or other control byte is no pool name. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int opp_toc_entry_info(struct ivg_ctx *ctx, const struct opp_stanza *e,
		       enum opp_format *fmt, uint64_t *size,
		       const char **sha256, const char **file)
{
	const char *name = opp_stanza_get(e, "Package");
	const char *f = opp_stanza_get(e, OPP_F_FORMAT);
	const char *sz = opp_stanza_get(e, "Size");
	const char *sha = opp_stanza_get(e, "SHA256");
	const char *fn = opp_stanza_get(e, "Filename");
	char *end;

	if (!name)
		name = "?";
	if (!f || opp_format_parse(f, fmt))
		return ivg_err(ctx, EINVAL, "entry %s: bad or missing %s", name,
			       OPP_F_FORMAT);
	errno = 0;
	if (!sz || !*sz || *sz == '-' ||
	    (*size = strtoull(sz, &end, 10), errno || *end))
		return ivg_err(ctx, EINVAL, "entry %s: bad or missing Size", name);
	if (!sha || !ivg_sha256_hex_ok(sha))
		return ivg_err(ctx, EINVAL, "entry %s: bad or missing SHA256", name);
	if (!fn || strncmp(fn, OPP_POOL "/", strlen(OPP_POOL) + 1) ||
	    strchr(fn + strlen(OPP_POOL) + 1, '/') || !opp_path_contained(fn) ||
	    has_control(fn))
		return ivg_err(ctx, EINVAL, "entry %s: Filename \"%s\" is not in %s/",
			       name, fn ? fn : "", OPP_POOL);
	*sha256 = sha;
	*file = fn;
	return 0;
}

int opp_toc_parse(struct ivg_ctx *ctx, const char *text, size_t len,
		  const char *what, struct opp_toc *toc)
{
	struct opp_stanza *v;
	size_t n;
	int r = opp_stanzas_parse(ctx, text, len, what, &v, &n);

	*toc = (struct opp_toc){ 0 };
	if (r)
		return r;
	for (size_t i = 0; !r && i < n; i++) {
		enum opp_format f;
		uint64_t size;
		const char *sha, *file;

		r = opp_pkg_check(ctx, what, &v[i]);
		if (!r)
			r = opp_toc_entry_info(ctx, &v[i], &f, &size, &sha, &file);
		if (r)
			r = ivg_err_prefix(ctx, r, "%s: ", what);
	}
	if (r) {
		opp_stanzas_free(v, n);
		return r;
	}
	toc->e = v;
	toc->n = toc->cap = n;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct opp_stanza *x = a, *y = b;
	static const char *const keys[] = { "Package", "Version", "Architecture" };

	for (int k = 0; k < 3; k++) {
		const char *p = opp_stanza_get(x, keys[k]);
		const char *q = opp_stanza_get(y, keys[k]);
		int c = strcmp(p ? p : "", q ? q : "");

		if (c)
			return c;
	}
	return 0;
}

int opp_toc_format(struct ivg_ctx *ctx, struct opp_toc *toc,
		   struct ivg_buf *b)
{
	if (toc->n)
		qsort(toc->e, toc->n, sizeof(*toc->e), entry_cmp);
	for (size_t i = 0; i < toc->n; i++)
		opp_stanza_format(b, &toc->e[i]);
	if (!b->p)
		ivg_buf_printf(b, "%s", "");
	return b->err ? ivg_err(ctx, ENOMEM, "out of memory") : 0;
}

void opp_toc_free(struct opp_toc *toc)
{
	opp_stanzas_free(toc->e, toc->n);
	*toc = (struct opp_toc){ 0 };
}

static bool eq(const struct opp_stanza *e, const char *field, const char *v)
{
	const char *x = opp_stanza_get(e, field);

	return !v || (x && !strcmp(x, v));
}

long opp_toc_find(const struct opp_toc *toc, const char *name,
		  const char *version, const char *arch)
{
	for (size_t i = 0; i < toc->n; i++)
		if (eq(&toc->e[i], "Package", name) &&
		    eq(&toc->e[i], "Version", version) &&
		    eq(&toc->e[i], "Architecture", arch))
			return (long)i;
	return -1;
}

long opp_toc_find_file(const struct opp_toc *toc, const char *file)
{
	for (size_t i = 0; i < toc->n; i++)
		if (eq(&toc->e[i], "Filename", file))
			return (long)i;
	return -1;
}

int opp_toc_add(struct ivg_ctx *ctx, struct opp_toc *toc,
		struct opp_stanza *st)
{
	if (toc->n == toc->cap) {
		size_t cap = toc->cap ? toc->cap * 2 : 64;
		struct opp_stanza *e = realloc(toc->e, cap * sizeof(*e));

		if (!e)
			return ivg_err(ctx, ENOMEM, "out of memory");
		toc->e = e;
		toc->cap = cap;
	}
	toc->e[toc->n++] = *st;
	*st = (struct opp_stanza){ 0 };
	return 0;
}

void opp_toc_remove(struct opp_toc *toc, size_t i)
{
	opp_stanza_free(&toc->e[i]);
	memmove(&toc->e[i], &toc->e[i + 1], (toc->n - i - 1) * sizeof(*toc->e));
	toc->n--;
}
