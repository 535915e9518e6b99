/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pkg.c - format detection, metadata and the TOC entry of an OPP image. */
#include "pkg.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "debpkg.h"
#include "plainpkg.h"
#include "rpmpkg.h"

static const char *const fmt_names[] = { "deb", "rpm", "opp" };

const char *opp_format_name(enum opp_format f)
{
	return (unsigned)f < 3 ? fmt_names[f] : "?";
}

int opp_format_parse(const char *name, enum opp_format *f)
{
	for (unsigned i = 0; name && i < 3; i++)
		if (!strcmp(name, fmt_names[i])) {
			*f = (enum opp_format)i;
			return 0;
		}
	return -EINVAL;
}

static bool charset_ok(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s);

	if (!n || n > max || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) || (unsigned char)*s > 127)
			if (!strchr(extra, *s))
				return false;
	return true;
}

static int check_one(struct ivg_ctx *ctx, const char *what,
		     const struct opp_stanza *st, const char *field,
		     const char *extra)
{
	const char *v = opp_stanza_get(st, field);

	if (!v || !*v)
		return ivg_err(ctx, EINVAL, "%s: no %s field", what, field);
	if (strchr(v, '/') || !strcmp(v, "..") || !strcmp(v, "."))
		return ivg_err(ctx, EINVAL, "%s: %s \"%s\" would escape the repository's pool directory",
			       what, field, v);
	if (!charset_ok(v, extra, 128))
		return ivg_err(ctx, EINVAL, "%s: %s \"%s\" is not valid (a letter or digit, then letters, digits and %s)",
			       what, field, v, extra);
	return 0;
}

int opp_pkg_check(struct ivg_ctx *ctx, const char *what,
		  const struct opp_stanza *st)
{
	int r = check_one(ctx, what, st, "Package", "+._-");

	if (!r)
		r = check_one(ctx, what, st, "Version", "+._~:-");
	if (!r)
		r = check_one(ctx, what, st, "Architecture", "_-");
	return r;
}

int opp_pkg_filename(struct ivg_ctx *ctx, const struct opp_stanza *st,
		     enum opp_format f, char **out)
{
	const char *name = opp_stanza_get(st, "Package");
	const char *ver = opp_stanza_get(st, "Version");
	const char *arch = opp_stanza_get(st, "Architecture");
	const char *colon = ver ? strchr(ver, ':') : NULL;
	struct ivg_buf b = { 0 };

	if (!name || !ver || !arch)
		return ivg_err(ctx, EINVAL, "TOC entry without Package, Version or Architecture");
	if (colon)
		ver = colon + 1;
	ivg_buf_printf(&b, "%s/%s_", OPP_POOL, name);
	for (; *ver; ver++)
		ivg_buf_printf(&b, *ver == ':' ? "%%3a" : "%c", *ver);
	ivg_buf_printf(&b, "_%s.%s", arch, opp_format_name(f));
	if (b.err) {
		ivg_buf_free(&b);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	*out = b.p;
	return 0;
}

static const char *const dropped[] = {
	"Filename", "Size", "SHA256", "MD5sum", "SHA1", "SHA512",
	OPP_F_FORMAT, NULL,
};

/*
 * Package first, the package's other fields, then ours. The names are
 * judged in the entry itself, after the copy: the TOC and the pool file
 * name are built from exactly the values that were checked.
 */
static int build_entry(struct ivg_ctx *ctx, const char *what,
		       struct opp_pkg *p, const struct opp_stanza *control)
{
	const char *name = opp_stanza_get(control, "Package");
	char size[32], *file = NULL;
	int r;

	p->st = (struct opp_stanza){ 0 };
	if (name && opp_stanza_set(&p->st, "Package", name))
		goto nomem;
	for (size_t i = 0; i < control->n; i++) {
		bool skip = false;

		for (const char *const *d = dropped; *d; d++)
			skip |= !strcasecmp(control->f[i].name, *d);
		if (!skip && opp_stanza_set(&p->st, control->f[i].name,
					    control->f[i].value))
			goto nomem;
	}
	if ((r = opp_pkg_check(ctx, what, &p->st)) ||
	    (r = opp_pkg_filename(ctx, &p->st, p->fmt, &file))) {
		opp_stanza_free(&p->st);
		return r;
	}
	snprintf(size, sizeof(size), "%" PRIu64, p->size);
	if (opp_stanza_set(&p->st, OPP_F_FORMAT, opp_format_name(p->fmt)) ||
	    opp_stanza_set(&p->st, "Filename", file) ||
	    opp_stanza_set(&p->st, "Size", size) ||
	    opp_stanza_set(&p->st, "SHA256", p->sha256)) {
		free(file);
		goto nomem;
	}
	free(file);
	return 0;
nomem:
	opp_stanza_free(&p->st);
	return ivg_err(ctx, ENOMEM, "out of memory");
}

int opp_pkg_read(struct ivg_ctx *ctx, struct opp_src *src,
		 struct opp_pkg *out)
{
	static const unsigned char rpm_magic[4] = { 0xed, 0xab, 0xee, 0xdb };
	struct opp_stanza control = { 0 };
	const unsigned char *head;
	size_t got;
	int r;

	*out = (struct opp_pkg){ 0 };
	if ((r = opp_src_peek(ctx, src, 8, &head, &got)))
		return r;
	if (got == 0)
		return ivg_err(ctx, EINVAL, "%s: empty file: not a package", src->what);
	if (got == 8 && !memcmp(head, "!<arch>\n", 8)) {
		out->fmt = OPP_FMT_DEB;
		r = opp_deb_read(ctx, src, &control);
	} else if (got >= 4 && !memcmp(head, rpm_magic, 4)) {
		out->fmt = OPP_FMT_RPM;
		r = opp_rpm_read(ctx, src, &control);
	} else {
		out->fmt = OPP_FMT_OPP;
		r = opp_plain_read(ctx, src, &control);
		if (!r && !opp_stanza_get(&control, "Description"))
			r = ivg_err(ctx, EINVAL, "%s: %s: no Description field",
				    src->what, OPP_PLAIN_CONTROL);
	}
	if (!r)
		r = opp_src_finish(ctx, src, out->sha256);
	out->size = src->size;
	if (!r)
		r = build_entry(ctx, src->what, out, &control);
	opp_stanza_free(&control);
	return r;
}

int opp_pkg_read_file(struct ivg_ctx *ctx, const char *path,
		      struct opp_pkg *out)
{
	struct opp_src src;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	*out = (struct opp_pkg){ 0 };
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	r = opp_src_fd(ctx, &src, fd, path);
	if (!r)
		r = opp_pkg_read(ctx, &src, out);
	opp_src_free(&src);
	close(fd);
	return r;
}

void opp_pkg_free(struct opp_pkg *p)
{
	opp_stanza_free(&p->st);
}
