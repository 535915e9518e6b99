/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stanza.c - deb822 paragraphs: parse, edit, format. */
#include "stanza.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int add_field(struct opp_stanza *s, char *name, char *value)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct opp_field *f = realloc(s->f, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		s->f = f;
		s->cap = cap;
	}
	s->f[s->n++] = (struct opp_field){ name, value };
	return 0;
}

static struct opp_field *find(const struct opp_stanza *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcasecmp(s->f[i].name, name))
			return &s->f[i];
	return NULL;
}

const char *opp_stanza_get(const struct opp_stanza *s, const char *name)
{
	struct opp_field *f = find(s, name);

	return f ? f->value : NULL;
}

int opp_stanza_set(struct opp_stanza *s, const char *name, const char *value)
{
	struct opp_field *f = find(s, name);
	char *v = strdup(value), *n;

	if (!v)
		return -ENOMEM;
	if (f) {
		free(f->value);
		f->value = v;
		return 0;
	}
	if (!(n = strdup(name)) || add_field(s, n, v)) {
		free(n);
		free(v);
		return -ENOMEM;
	}
	return 0;
}

void opp_stanza_del(struct opp_stanza *s, const char *name)
{
	struct opp_field *f = find(s, name);

	if (!f)
		return;
	free(f->name);
	free(f->value);
	memmove(f, f + 1, (size_t)(s->f + s->n - (f + 1)) * sizeof(*f));
	s->n--;
}

int opp_stanza_copy(struct opp_stanza *dst, const struct opp_stanza *src)
{
	*dst = (struct opp_stanza){ 0 };
	for (size_t i = 0; i < src->n; i++)
		if (opp_stanza_set(dst, src->f[i].name, src->f[i].value)) {
			opp_stanza_free(dst);
			return -ENOMEM;
		}
	return 0;
}

void opp_stanza_free(struct opp_stanza *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->f[i].name);
		free(s->f[i].value);
	}
	free(s->f);
	*s = (struct opp_stanza){ 0 };
}

void opp_stanzas_free(struct opp_stanza *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		opp_stanza_free(&v[i]);
	free(v);
}

/* deb822 field names: printable ASCII but ':' and blanks, not '#' or '-' first. */
static size_t name_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q > ' ' && *q < 127 && *q != ':')
		q++;
	if (q == p || q == end || *q != ':' || *p == '-' || *p == '#')
		return 0;
	return (size_t)(q - p);
}

static char *dup_range(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

/* Strip blanks at both ends of [*p, *e). */
static void trim(const char **p, const char **e)
{
	while (*p < *e && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*e > *p && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static bool all_blank(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == e;
}

/* Append a continuation line to the last field's value. */
static int continue_value(struct opp_field *f, const char *p, const char *e)
{
	size_t old = strlen(f->value);
	char *v;

	while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	v = realloc(f->value, old + 1 + (size_t)(e - p) + 1);
	if (!v)
		return -ENOMEM;
	v[old] = '\n';
	memcpy(v + old + 1, p, (size_t)(e - p));
	v[old + 1 + (e - p)] = 0;
	f->value = v;
	return 0;
}

struct parser {
	struct opp_stanza *v;
	size_t n, cap;
};

static struct opp_stanza *new_stanza(struct parser *ps)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 64;
		struct opp_stanza *v = realloc(ps->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n] = (struct opp_stanza){ 0 };
	return &ps->v[ps->n++];
}

static int parse_line(struct ivg_ctx *ctx, struct parser *ps,
		      struct opp_stanza **cur, const char *p, const char *e,
		      const char *what, size_t lineno)
{
	const char *vp, *ve;
	size_t nl;
	char *name, *value;

	if (p == e || (e - p == 1 && *p == '\r')) {
		*cur = NULL;               /* blank line: the stanza ends */
		return 0;
	}
	if (*p == '#')
		return 0;
	if (*p == ' ' || *p == '\t') {
		if (!*cur)
			return ivg_err(ctx, EINVAL, "%s: line %zu: continuation line outside a field",
				       what, lineno);
		if (memchr(p, 0, (size_t)(e - p)))
			return ivg_err(ctx, EINVAL, "%s: line %zu: NUL byte", what, lineno);
		/* Written out, a blank continuation would end the paragraph
		 * (deb822 forbids it; dpkg says "blank line in value"). */
		if (all_blank(p, e))
			return ivg_err(ctx, EINVAL, "%s: line %zu: blank continuation line (use \" .\")",
				       what, lineno);
		return continue_value(&(*cur)->f[(*cur)->n - 1], p, e) ?
			ivg_err(ctx, ENOMEM, "out of memory") : 0;
	}
	nl = name_len(p, e);
	if (!nl)
		return ivg_err(ctx, EINVAL, "%s: line %zu: not a \"Field: value\" line",
			       what, lineno);
	vp = p + nl + 1;
	ve = e;
	trim(&vp, &ve);
	if (memchr(vp, 0, (size_t)(ve - vp)))
		return ivg_err(ctx, EINVAL, "%s: line %zu: NUL byte", what, lineno);
	if (!*cur && !(*cur = new_stanza(ps)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	name = dup_range(p, nl);
	/* deb822 allows a field once per paragraph (dpkg refuses a second
	 * one too): with two, one reader would judge the first value and
	 * another use the last. */
	if (name && find(*cur, name)) {
		int r = ivg_err(ctx, EINVAL, "%s: line %zu: the %s field is given twice",
				what, lineno, name);

		free(name);
		return r;
	}
	value = dup_range(vp, (size_t)(ve - vp));
	if (!name || !value || add_field(*cur, name, value)) {
		free(name);
		free(value);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	return 0;
}

int opp_stanzas_parse(struct ivg_ctx *ctx, const char *text, size_t len,
		      const char *what, struct opp_stanza **out, size_t *n)
{
	struct parser ps = { 0 };
	struct opp_stanza *cur = NULL;
	const char *p = text, *end = text + len;
	size_t lineno = 0;
	int r = 0;

	while (!r && p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		if (!e)
			e = end;
		r = parse_line(ctx, &ps, &cur, p, e, what, ++lineno);
		p = e + 1;
	}
	if (r) {
		opp_stanzas_free(ps.v, ps.n);
		return r;
	}
	*out = ps.v;
	*n = ps.n;
	return 0;
}

int opp_stanza_parse1(struct ivg_ctx *ctx, const char *text, size_t len,
		      const char *what, struct opp_stanza *out)
{
	struct opp_stanza *v;
	size_t n;
	int r = opp_stanzas_parse(ctx, text, len, what, &v, &n);

	if (r)
		return r;
	if (n != 1) {
		opp_stanzas_free(v, n);
		return ivg_err(ctx, EINVAL, "%s: %s", what,
			       n ? "more than one paragraph" : "no fields");
	}
	*out = v[0];
	free(v);
	return 0;
}

int opp_stanza_format(struct ivg_buf *b, const struct opp_stanza *s)
{
	for (size_t i = 0; i < s->n; i++)
		ivg_buf_printf(b, "%s: %s\n", s->f[i].name, s->f[i].value);
	return ivg_buf_printf(b, "\n");
}
