/* SPDX-License-Identifier: GPL-2.0-or-later */
/* manifest.c - SHA-256 manifests in sha256sum format (manifest.h). */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int name_ok(const char *name)
{
	if (!*name || *name == '/' || strlen(name) > 255)
		return 0;
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == 127 || *p == '\\')
			return 0;
	return strcmp(name, "..") && strncmp(name, "../", 3) &&
	       !strstr(name, "/../") && !strstr(name, "//");
}

const struct ivg_manifest_ent *ivg_manifest_find(const struct ivg_manifest *m,
						 const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

int ivg_manifest_set(struct ivg_ctx *ctx, struct ivg_manifest *m,
		     const char *name, const uint8_t sha[IVG_SHA256_LEN])
{
	struct ivg_manifest_ent *e = (struct ivg_manifest_ent *)
		ivg_manifest_find(m, name), *v;

	if (!name_ok(name))
		return ivg_err(ctx, EINVAL, "manifest: bad file name \"%s\"",
			       name);
	if (!e) {
		v = realloc(m->v, (m->n + 1) * sizeof(*v));
		if (!v)
			return ivg_err(ctx, ENOMEM, "out of memory");
		m->v = v;
		e = &v[m->n];
		if (!(e->name = strdup(name)))
			return ivg_err(ctx, ENOMEM, "out of memory");
		m->n++;
	}
	memcpy(e->sha, sha, IVG_SHA256_LEN);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ivg_manifest_ent *)a)->name,
		      ((const struct ivg_manifest_ent *)b)->name);
}

int ivg_manifest_format(struct ivg_ctx *ctx, struct ivg_manifest *m,
			char **text, size_t *len)
{
	struct ivg_buf b = { 0 };
	char hex[IVG_SHA256_HEX];

	qsort(m->v, m->n, sizeof(*m->v), by_name);
	for (size_t i = 0; i < m->n; i++) {
		ivg_sha256_to_hex(m->v[i].sha, hex);
		ivg_buf_printf(&b, "%s  %s\n", hex, m->v[i].name);
	}
	if (ivg_buf_reserve(&b, 0)) {
		ivg_buf_free(&b);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	*text = b.p;
	*len = b.len;
	return 0;
}

/* One line "HEX  NAME" (no newline) into the manifest. */
static int parse_line(struct ivg_ctx *ctx, const char *what, unsigned lineno,
		      const char *s, size_t n, struct ivg_manifest *m)
{
	uint8_t sha[IVG_SHA256_LEN];
	char name[256];

	if (n < 67 || n - 66 >= sizeof(name) || s[64] != ' ' ||
	    (s[65] != ' ' && s[65] != '*'))
		return ivg_err(ctx, EINVAL, "%s: line %u: not \"SHA256  NAME\"",
			       what, lineno);
	if (ivg_sha256_from_hex(s, sha))
		return ivg_err(ctx, EINVAL, "%s: line %u: bad hex digit", what,
			       lineno);
	memcpy(name, s + 66, n - 66);
	name[n - 66] = '\0';
	if (ivg_manifest_find(m, name))
		return ivg_err(ctx, EINVAL, "%s: line %u: %s listed twice",
			       what, lineno, name);
	if (ivg_manifest_set(ctx, m, name, sha))
		return ivg_err_prefix(ctx, EINVAL, "%s: line %u: ", what,
				      lineno);
	return 0;
}

int ivg_manifest_parse(struct ivg_ctx *ctx, const char *what,
		       const char *text, size_t len, struct ivg_manifest *m)
{
	unsigned lineno = 0;
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		int r;

		lineno++;
		if (!nl)
			return ivg_err(ctx, EINVAL, "%s: line %u has no newline",
				       what, lineno);
		if (memchr(text + i, '\0', n))
			return ivg_err(ctx, EINVAL, "%s: line %u: NUL byte",
				       what, lineno);
		if ((r = parse_line(ctx, what, lineno, text + i, n, m)))
			return r;
		i += n + 1;
	}
	return 0;
}

void ivg_manifest_free(struct ivg_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
