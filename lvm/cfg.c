/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg.c - parser, tree helpers and emitter for LVM2's config text.
 *
 * A hand-written recursive-descent parser over a byte range, for text
 * read from untrusted disks. What it holds every input to:
 *   - nesting: sections at most IVG_CFG_MAX_DEPTH (64) deep, checked
 *     before each recursion (arrays do not nest), so the stack stays
 *     small whatever the text;
 *   - size: at most IVG_CFG_MAX_TEXT (256 MiB) of input, and memory
 *     proportional to it: every allocation is bounded by the token it
 *     copies, arrays grow geometrically;
 *   - counts: members are appended through a tail pointer, so a section
 *     of n members costs O(n); duplicate keys are kept in order, for the
 *     consumer (vgtext) to refuse where they matter;
 *   - numbers: int64 only, as lvm2's strtoll reads them (leading 0 is
 *     octal); anything out of range, and every floating-point value
 *     (metadata has none), is an error;
 *   - errors: one message through ctx naming the source and the line;
 *     nothing printed, no global state.
 *
 * Why not libdevmapper's dm_config, which lvm2 itself uses and ivg links
 * (for activation)? Measured with libdevmapper 1.02.185 (Debian 12):
 *   - it recurses once per section with no depth limit: 520,000 bytes of
 *     "a{a{..." (a text that fits the default 1020 KiB metadata area,
 *     whose copies may be 521,472 bytes) overflow an 8 MiB stack and
 *     crash the process (100,000 levels still pass);
 *   - dm_config_parse checks each new key against every sibling before
 *     it: 200,000 distinct keys took 548 s of CPU (its variant
 *     dm_config_parse_without_dup_node_check took 0.07 s);
 *   - it reports through libdevmapper's process-wide log function
 *     (stderr by default: "Parse error at byte N (line L): unexpected
 *     token", without the source; "WARNING: Ignoring duplicate config
 *     value" for each duplicate); capturing that means global state,
 *     which the library does not keep;
 *   - its writer (dm_config_write_node) indents with tabs and writes
 *     "k=1", not lvm2's on-disk layout that GRUB needs (vgtext_write.c);
 *   - it does refuse out-of-range integers and 64 MiB strings, but takes
 *     floats.
 * Keeping those limits with dm_config would take a pre-scan of every text
 * with a lexer of its own (quotes, escapes, comments) to bound the depth,
 * plus a process-wide log hook: half of this parser, and global state.
 * So the parser stays ours, and test_cfg.c holds it to those limits.
 */
#include "cfg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct ivg_ctx *ctx;
	const char *src;
	const char *p;             /* cursor */
	const char *end;           /* end of text (first NUL or len) */
	int line;
};

/* ---- error reporting ---------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ivg_err(p->ctx, -EINVAL, "%s: line %d: %s", p->src, line, msg);
}

static int nomem(struct parser *p)
{
	return ivg_err(p->ctx, -ENOMEM, "%s: line %d: out of memory",
		       p->src, p->line);
}

/* ---- nodes ---------------------------------------------------------- */

static struct ivg_cfg_node *node_new(const char *key, size_t keylen,
				     enum ivg_cfg_type type)
{
	struct ivg_cfg_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->key = strndup(key, keylen);
	if (!n->key) {
		free(n);
		return NULL;
	}
	n->type = type;
	return n;
}

static void value_clear(struct ivg_cfg_value *v)
{
	if (v->type == IVG_CFG_STRING)
		free(v->s);
	v->s = NULL;
}

void ivg_cfg_free(struct ivg_cfg_node *n)
{
	size_t i;

	if (!n)
		return;
	ivg_cfg_free_list(n->child);
	value_clear(&n->val);
	for (i = 0; i < n->n; i++)
		value_clear(&n->arr[i]);
	free(n->arr);
	free(n->key);
	free(n);
}

void ivg_cfg_free_list(struct ivg_cfg_node *n)
{
	while (n) {
		struct ivg_cfg_node *next = n->next;

		ivg_cfg_free(n);
		n = next;
	}
}

void ivg_cfg_append(struct ivg_cfg_node *sec, struct ivg_cfg_node *n)
{
	struct ivg_cfg_node **pp = &sec->child;

	while (*pp)
		pp = &(*pp)->next;
	n->next = NULL;
	*pp = n;
}

int ivg_cfg_unlink(struct ivg_cfg_node *sec, struct ivg_cfg_node *n)
{
	struct ivg_cfg_node **pp;

	for (pp = &sec->child; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			return 0;
		}
	}
	return -ENOENT;
}

static int value_copy(struct ivg_cfg_value *dst,
		      const struct ivg_cfg_value *src)
{
	*dst = *src;
	if (src->type != IVG_CFG_STRING)
		return 0;
	dst->s = strdup(src->s ? src->s : "");
	return dst->s ? 0 : -ENOMEM;
}

static int copy_payload(struct ivg_cfg_node *c, const struct ivg_cfg_node *n)
{
	struct ivg_cfg_node **tail = &c->child;
	const struct ivg_cfg_node *k;
	size_t i;

	if (n->type == IVG_CFG_VALUE)
		return value_copy(&c->val, &n->val);
	if (n->type == IVG_CFG_ARRAY && n->n) {
		c->arr = calloc(n->n, sizeof(*c->arr));
		if (!c->arr)
			return -ENOMEM;
		for (i = 0; i < n->n; i++, c->n++)
			if (value_copy(&c->arr[i], &n->arr[i]))
				return -ENOMEM;
	}
	for (k = n->child; k; k = k->next) {
		struct ivg_cfg_node *kc = ivg_cfg_copy(k);

		if (!kc)
			return -ENOMEM;
		*tail = kc;
		tail = &kc->next;
	}
	return 0;
}

struct ivg_cfg_node *ivg_cfg_copy(const struct ivg_cfg_node *n)
{
	struct ivg_cfg_node *c;

	if (!n)
		return NULL;
	c = node_new(n->key, strlen(n->key), n->type);
	if (!c)
		return NULL;
	c->line = n->line;
	if (copy_payload(c, n)) {
		ivg_cfg_free(c);
		return NULL;
	}
	return c;
}

/* ---- lookups -------------------------------------------------------- */

struct ivg_cfg_node *ivg_cfg_find(const struct ivg_cfg_node *sec,
				  const char *key)
{
	struct ivg_cfg_node *n;

	if (!sec || sec->type != IVG_CFG_SECTION)
		return NULL;
	for (n = sec->child; n; n = n->next)
		if (!strcmp(n->key, key))
			return n;
	return NULL;
}

size_t ivg_cfg_count(const struct ivg_cfg_node *sec)
{
	const struct ivg_cfg_node *n;
	size_t c = 0;

	if (!sec || sec->type != IVG_CFG_SECTION)
		return 0;
	for (n = sec->child; n; n = n->next)
		c++;
	return c;
}

int ivg_cfg_node_int(const struct ivg_cfg_node *n, int64_t *out)
{
	if (n->type != IVG_CFG_VALUE || n->val.type != IVG_CFG_INT)
		return -EINVAL;
	*out = n->val.i;
	return 0;
}

int ivg_cfg_node_str(const struct ivg_cfg_node *n, const char **out)
{
	if (n->type != IVG_CFG_VALUE || n->val.type != IVG_CFG_STRING)
		return -EINVAL;
	*out = n->val.s;
	return 0;
}

int ivg_cfg_node_array(const struct ivg_cfg_node *n,
		       const struct ivg_cfg_value **v, size_t *count)
{
	if (n->type == IVG_CFG_VALUE) {
		*v = &n->val;
		*count = 1;
		return 0;
	}
	if (n->type != IVG_CFG_ARRAY)
		return -EINVAL;
	*v = n->arr;
	*count = n->n;
	return 0;
}

int ivg_cfg_node_strings(const struct ivg_cfg_node *n,
			 const struct ivg_cfg_value **v, size_t *count)
{
	size_t i;
	int r = ivg_cfg_node_array(n, v, count);

	if (r)
		return r;
	for (i = 0; i < *count; i++)
		if ((*v)[i].type != IVG_CFG_STRING)
			return -EINVAL;
	return 0;
}

int ivg_cfg_get_int(const struct ivg_cfg_node *sec, const char *key,
		    int64_t *out)
{
	const struct ivg_cfg_node *n = ivg_cfg_find(sec, key);

	return n ? ivg_cfg_node_int(n, out) : -ENOENT;
}

int ivg_cfg_get_str(const struct ivg_cfg_node *sec, const char *key,
		    const char **out)
{
	const struct ivg_cfg_node *n = ivg_cfg_find(sec, key);

	return n ? ivg_cfg_node_str(n, out) : -ENOENT;
}

int ivg_cfg_get_strings(const struct ivg_cfg_node *sec, const char *key,
			const struct ivg_cfg_value **v, size_t *count)
{
	const struct ivg_cfg_node *n = ivg_cfg_find(sec, key);

	return n ? ivg_cfg_node_strings(n, v, count) : -ENOENT;
}

/* ---- building ------------------------------------------------------- */

struct ivg_cfg_node *ivg_cfg_new_section(const char *key)
{
	return node_new(key, strlen(key), IVG_CFG_SECTION);
}

struct ivg_cfg_node *ivg_cfg_add_section(struct ivg_cfg_node *sec,
					 const char *key)
{
	struct ivg_cfg_node *n = ivg_cfg_new_section(key);

	if (n)
		ivg_cfg_append(sec, n);
	return n;
}

struct ivg_cfg_node *ivg_cfg_add_int(struct ivg_cfg_node *sec,
				     const char *key, int64_t v)
{
	struct ivg_cfg_node *n = node_new(key, strlen(key), IVG_CFG_VALUE);

	if (!n)
		return NULL;
	n->val.type = IVG_CFG_INT;
	n->val.i = v;
	ivg_cfg_append(sec, n);
	return n;
}

struct ivg_cfg_node *ivg_cfg_add_str(struct ivg_cfg_node *sec,
				     const char *key, const char *s)
{
	struct ivg_cfg_node *n = node_new(key, strlen(key), IVG_CFG_VALUE);

	if (!n)
		return NULL;
	n->val.type = IVG_CFG_STRING;
	n->val.s = strdup(s);
	if (!n->val.s) {
		ivg_cfg_free(n);
		return NULL;
	}
	ivg_cfg_append(sec, n);
	return n;
}

/* ---- lexing --------------------------------------------------------- */

static bool at_end(const struct parser *p)
{
	return p->p >= p->end;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* Characters that end an unquoted word (key or bare value). */
static bool is_delim(char c)
{
	return is_space(c) || strchr("#={}[],\"'", c) != NULL;
}

static void skip_space(struct parser *p)
{
	while (!at_end(p)) {
		char c = *p->p;

		if (c == '#') {
			while (!at_end(p) && *p->p != '\n')
				p->p++;
		} else if (is_space(c)) {
			if (c == '\n')
				p->line++;
			p->p++;
		} else {
			break;
		}
	}
}

/*
 * Copy a quoted string's body [b, e) and undo lvm2's escapes: a backslash
 * before '"' or '\' is dropped, any other backslash is kept (lvm2 does
 * the same). Single-quoted strings have no escapes.
 */
static char *unescape(const char *b, const char *e, bool escapes)
{
	char *s = malloc((size_t)(e - b) + 1), *o = s;

	if (!s)
		return NULL;
	while (b < e) {
		if (escapes && *b == '\\' && b + 1 < e &&
		    (b[1] == '"' || b[1] == '\\'))
			b++;
		*o++ = *b++;
	}
	*o = '\0';
	return s;
}

/* A quoted string at the cursor; *out is malloc'd. */
static int lex_quoted(struct parser *p, char **out)
{
	char q = *p->p;
	int line = p->line;
	const char *b = ++p->p;

	while (!at_end(p) && *p->p != q) {
		if (q == '"' && *p->p == '\\' && p->p + 1 < p->end)
			p->p++;
		if (*p->p == '\n')
			p->line++;
		p->p++;
	}
	if (at_end(p))
		return perr(p, line, "unterminated string");
	*out = unescape(b, p->p, q == '"');
	p->p++;
	return *out ? 0 : nomem(p);
}

/* An unquoted word at the cursor: [b, *e). */
static void lex_word(struct parser *p, const char **b, const char **e)
{
	*b = p->p;
	while (!at_end(p) && !is_delim(*p->p))
		p->p++;
	*e = p->p;
}

/* ---- numbers -------------------------------------------------------- */

static int digit_value(char c, unsigned base)
{
	if (c < '0' || c > '9' || (unsigned)(c - '0') >= base)
		return -1;
	return c - '0';
}

/*
 * Digits [b, e) in 'base' to a magnitude no greater than 'limit'.
 * lvm2 reads numbers with strtoll(base 0), so a leading 0 means octal.
 */
static int magnitude(const char *b, const char *e, unsigned base,
		     uint64_t limit, uint64_t *out)
{
	uint64_t m = 0;
	int d;

	for (; b < e; b++) {
		d = digit_value(*b, base);
		if (d < 0)
			return -EINVAL;
		if (m > (limit - (uint64_t)d) / base)
			return -ERANGE;
		m = m * base + (uint64_t)d;
	}
	*out = m;
	return 0;
}

static int lex_number(struct parser *p, int64_t *out)
{
	const char *b, *e, *d;
	bool neg;
	unsigned base;
	uint64_t m, limit;
	char buf[48];
	int r;

	lex_word(p, &b, &e);
	if (memchr(b, '.', (size_t)(e - b)))
		return perr(p, p->line,
			    "floating-point value is not supported");
	d = b;
	neg = *d == '-';
	if (*d == '-' || *d == '+')
		d++;
	if (d == e)
		return perr(p, p->line, "bad number '%s'",
			    ivg_printable(b, (size_t)(e - b), buf, sizeof(buf)));
	base = (*d == '0' && e - d > 1) ? 8 : 10;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	r = magnitude(d, e, base, limit, &m);
	if (r == -ERANGE)
		return perr(p, p->line, "number '%s' out of range",
			    ivg_printable(b, (size_t)(e - b), buf, sizeof(buf)));
	if (r)
		return perr(p, p->line, "bad number '%s'",
			    ivg_printable(b, (size_t)(e - b), buf, sizeof(buf)));
	*out = neg ? (int64_t)(0 - m) : (int64_t)m;
	return 0;
}

/* ---- values --------------------------------------------------------- */

static bool starts_number(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

static int parse_scalar(struct parser *p, struct ivg_cfg_value *v)
{
	const char *b, *e;

	skip_space(p);
	if (at_end(p) || strchr("{}[],=#", *p->p))
		return perr(p, p->line, "expected a value");
	if (*p->p == '"' || *p->p == '\'') {
		v->type = IVG_CFG_STRING;
		return lex_quoted(p, &v->s);
	}
	if (starts_number(*p->p)) {
		v->type = IVG_CFG_INT;
		return lex_number(p, &v->i);
	}
	/* lvm2 takes an unquoted word in a value position as a string. */
	lex_word(p, &b, &e);
	v->type = IVG_CFG_STRING;
	v->s = strndup(b, (size_t)(e - b));
	return v->s ? 0 : nomem(p);
}

static int array_push(struct parser *p, struct ivg_cfg_node *n,
		      size_t *cap, const struct ivg_cfg_value *v)
{
	struct ivg_cfg_value *a;

	if (n->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;

		a = realloc(n->arr, nc * sizeof(*a));
		if (!a)
			return nomem(p);
		n->arr = a;
		*cap = nc;
	}
	n->arr[n->n++] = *v;
	return 0;
}

/* '[' already consumed. Commas between members are optional (lvm2). */
static int parse_array(struct parser *p, struct ivg_cfg_node *n)
{
	struct ivg_cfg_value v;
	size_t cap = 0;
	int line = p->line, r;

	n->type = IVG_CFG_ARRAY;
	for (;;) {
		skip_space(p);
		if (at_end(p))
			return perr(p, line, "unterminated array");
		if (*p->p == ']') {
			p->p++;
			return 0;
		}
		memset(&v, 0, sizeof(v));
		r = parse_scalar(p, &v);
		if (!r)
			r = array_push(p, n, &cap, &v);
		if (r) {
			value_clear(&v);
			return r;
		}
		skip_space(p);
		if (!at_end(p) && *p->p == ',')
			p->p++;
	}
}

static int parse_value(struct parser *p, struct ivg_cfg_node *n)
{
	skip_space(p);
	if (!at_end(p) && *p->p == '[') {
		p->p++;
		return parse_array(p, n);
	}
	n->type = IVG_CFG_VALUE;
	return parse_scalar(p, &n->val);
}

/* ---- sections ------------------------------------------------------- */

static int parse_key(struct parser *p, char **key)
{
	const char *b, *e;
	int r;

	if (*p->p == '"' || *p->p == '\'') {
		r = lex_quoted(p, key);
		if (!r && !**key) {
			free(*key);
			return perr(p, p->line, "empty key");
		}
		return r;
	}
	lex_word(p, &b, &e);
	if (b == e)
		return perr(p, p->line, "unexpected '%c'", *p->p);
	*key = strndup(b, (size_t)(e - b));
	return *key ? 0 : nomem(p);
}

static int parse_body(struct parser *p, struct ivg_cfg_node *sec, int depth);

/* Appends through *tail, the link after the last member: linear time. */
static int parse_member(struct parser *p, struct ivg_cfg_node ***tail,
			int depth)
{
	struct ivg_cfg_node *n;
	char *key, buf[48];
	int r, line = p->line;

	r = parse_key(p, &key);
	if (r)
		return r;
	n = calloc(1, sizeof(*n));
	if (!n) {
		free(key);
		return nomem(p);
	}
	n->key = key;
	n->line = line;
	**tail = n;
	*tail = &n->next;
	skip_space(p);
	if (!at_end(p) && *p->p == '=') {
		p->p++;
		return parse_value(p, n);
	}
	if (at_end(p) || *p->p != '{')
		return perr(p, p->line, "expected '=' or '{' after '%s'",
			    ivg_printable(key, strlen(key), buf, sizeof(buf)));
	p->p++;
	n->type = IVG_CFG_SECTION;
	if (depth + 1 >= IVG_CFG_MAX_DEPTH)
		return perr(p, line, "sections nested deeper than %d",
			    IVG_CFG_MAX_DEPTH);
	return parse_body(p, n, depth + 1);
}

/* Members up to the closing '}' (or the end of text at depth 0). */
static int parse_body(struct parser *p, struct ivg_cfg_node *sec, int depth)
{
	struct ivg_cfg_node **tail = &sec->child;
	char buf[48];
	int r;

	for (;;) {
		skip_space(p);
		if (at_end(p)) {
			if (!depth)
				return 0;
			return perr(p, p->line,
				    "unexpected end of text: section '%s' "
				    "from line %d is not closed",
				    ivg_printable(sec->key, strlen(sec->key), buf,
					      sizeof(buf)), sec->line);
		}
		if (*p->p == '}') {
			if (!depth)
				return perr(p, p->line, "unexpected '}'");
			p->p++;
			return 0;
		}
		r = parse_member(p, &tail, depth);
		if (r)
			return r;
	}
}

int ivg_cfg_parse(struct ivg_ctx *ctx, const char *text, size_t len,
		  const char *src, struct ivg_cfg_node **root)
{
	struct parser p = { .ctx = ctx, .src = src ? src : "(text)",
			    .p = text, .line = 1 };
	const char *nul;
	int r;

	*root = NULL;
	if (len > IVG_CFG_MAX_TEXT)
		return ivg_err(ctx, -EFBIG, "%s: text of %zu bytes is too "
			       "large", p.src, len);
	if (!text && len)
		return ivg_err(ctx, -EINVAL, "%s: no text", p.src);
	nul = len ? memchr(text, '\0', len) : NULL;
	p.end = nul ? nul : text + len;
	*root = ivg_cfg_new_section("");
	if (!*root)
		return ivg_err(ctx, -ENOMEM, "%s: out of memory", p.src);
	(*root)->line = 1;
	r = parse_body(&p, *root, 0);
	if (r) {
		ivg_cfg_free(*root);
		*root = NULL;
	}
	return r;
}

/* ---- output --------------------------------------------------------- */

int ivg_cfg_quoted(struct ivg_buf *b, const char *s)
{
	size_t n = strlen(s) * 2 + 2;

	if (ivg_buf_reserve(b, n))
		return b->err;
	b->p[b->len++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			b->p[b->len++] = '\\';
		b->p[b->len++] = *s;
	}
	b->p[b->len++] = '"';
	b->p[b->len] = '\0';
	return 0;
}

/* ---- emitter -------------------------------------------------------- */

static int emit_scalar(struct ivg_buf *b, const struct ivg_cfg_value *v)
{
	if (v->type == IVG_CFG_INT)
		return ivg_buf_printf(b, "%" PRId64, v->i);
	return ivg_cfg_quoted(b, v->s ? v->s : "");
}

int ivg_cfg_emit_value(struct ivg_buf *b, const struct ivg_cfg_node *n)
{
	size_t i;

	if (n->type == IVG_CFG_VALUE)
		return emit_scalar(b, &n->val);
	if (n->type != IVG_CFG_ARRAY)
		return b->err = -EINVAL;
	ivg_buf_printf(b, "[");
	for (i = 0; i < n->n; i++) {
		if (i)
			ivg_buf_printf(b, ", ");
		emit_scalar(b, &n->arr[i]);
	}
	return ivg_buf_printf(b, "]");
}

/* Keys that the parser would not read back as one word get quoted. */
static int emit_key(struct ivg_buf *b, const char *key)
{
	const char *c;

	if (!*key)
		return ivg_cfg_quoted(b, key);
	for (c = key; *c; c++)
		if (is_delim(*c))
			return ivg_cfg_quoted(b, key);
	return ivg_buf_printf(b, "%s", key);
}

static int emit_node(struct ivg_buf *b, const struct ivg_cfg_node *n,
		     int depth)
{
	const struct ivg_cfg_node *k;
	int r;

	if (depth >= IVG_CFG_MAX_DEPTH)
		return b->err = -EINVAL;
	emit_key(b, n->key);
	if (n->type != IVG_CFG_SECTION) {
		ivg_buf_printf(b, " = ");
		ivg_cfg_emit_value(b, n);
		return ivg_buf_printf(b, "\n");
	}
	ivg_buf_printf(b, " {\n");
	for (k = n->child; k; k = k->next) {
		r = emit_node(b, k, depth + 1);
		if (r)
			return r;
	}
	return ivg_buf_printf(b, "}\n");
}

int ivg_cfg_emit(struct ivg_buf *b, const struct ivg_cfg_node *n)
{
	return emit_node(b, n, 0);
}
