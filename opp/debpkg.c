/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debpkg.c - Debian packages: ar, control.tar.*, control, with libarchive. */
#include "debpkg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arsrc.h"

enum { CONTROL_TAR_MAX = 64 << 20, CONTROL_MAX = 1 << 20 };

/* ./control out of the control tarball, which is in memory. */
static int read_control(struct ivg_ctx *ctx, const char *what,
			const char *tar, size_t len, struct opp_stanza *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *text = NULL, label[512];
	size_t tlen = 0;
	int r = -ENOENT, ar;

	if (!a)
		return ivg_err(ctx, ENOMEM, "out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, tar, len) != ARCHIVE_OK) {
		r = ivg_err(ctx, EINVAL, "%s: control member: %s", what,
			    archive_error_string(a));
		goto out;
	}
	while ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		if (name && !strncmp(name, "./", 2))
			name += 2;
		if (!name || strcmp(name, "control") ||
		    archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (archive_entry_size(e) > CONTROL_MAX) {
			r = ivg_err(ctx, EINVAL, "%s: control file is larger than %d bytes",
				    what, CONTROL_MAX);
			goto out;
		}
		text = malloc((size_t)archive_entry_size(e) + 1);
		if (!text) {
			r = ivg_err(ctx, ENOMEM, "out of memory");
			goto out;
		}
		tlen = (size_t)archive_entry_size(e);
		if (archive_read_data(a, text, tlen) != (la_ssize_t)tlen) {
			r = ivg_err(ctx, EINVAL, "%s: control member: %s", what,
				    archive_error_string(a) ? archive_error_string(a) :
				    "short control file");
			goto out;
		}
		snprintf(label, sizeof(label), "%s: control", what);
		r = opp_stanza_parse1(ctx, text, tlen, label, out);
		goto out;
	}
	if (ar != ARCHIVE_EOF)
		r = ivg_err(ctx, EINVAL, "%s: control member: %s", what,
			    archive_error_string(a));
	else
		r = ivg_err(ctx, EINVAL, "%s: control member has no ./control file",
			    what);
out:
	free(text);
	archive_read_free(a);
	return r;
}

static bool prefixed(const char *name, const char *p)
{
	return !strncmp(name, p, strlen(p));
}

/* One member of the outer ar archive, in order. */
static int member(struct ivg_ctx *ctx, struct archive *a,
		  const struct opp_arsrc *as, const char *name, int index,
		  bool *have_control, bool *have_data, struct opp_stanza *out)
{
	const char *what = as->src->what;
	char *buf;
	size_t len;
	int r;

	if (index == 0) {
		if (strcmp(name, "debian-binary"))
			return ivg_err(ctx, EINVAL, "%s: not a Debian package (ar archive without debian-binary first)",
				       what);
		r = opp_archive_slurp(ctx, a, as, "debian-binary", 64, &buf, &len);
		if (r)
			return r;
		if (len < 4 || strncmp(buf, "2.", 2))
			r = ivg_err(ctx, EINVAL, "%s: unsupported Debian package format version \"%.*s\"",
				    what, (int)(len && buf[len - 1] == '\n' ? len - 1 : len), buf);
		free(buf);
		return r;
	}
	if (prefixed(name, "control.tar")) {
		if (*have_control)
			return ivg_err(ctx, EINVAL, "%s: two control members", what);
		r = opp_archive_slurp(ctx, a, as, "control member",
				      CONTROL_TAR_MAX, &buf, &len);
		if (r)
			return r;
		r = read_control(ctx, what, buf, len, out);
		free(buf);
		*have_control = !r;
		return r;
	}
	if (prefixed(name, "data.tar")) {
		if (!*have_control)
			return ivg_err(ctx, EINVAL, "%s: data member before the control member",
				       what);
		*have_data = true;
	}
	/* Read through (a truncated member fails here). */
	if (archive_read_data_skip(a) != ARCHIVE_OK)
		return opp_archive_err(ctx, a, as, name);
	return 0;
}

int opp_deb_read(struct ivg_ctx *ctx, struct opp_src *src,
		 struct opp_stanza *control)
{
	struct archive *a = archive_read_new();
	struct opp_arsrc *as = malloc(sizeof(*as));
	struct archive_entry *e;
	bool have_control = false, have_data = false;
	int r, ar = ARCHIVE_OK, index = 0;

	*control = (struct opp_stanza){ 0 };
	if (!a || !as) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto out;
	}
	archive_read_support_format_ar(a);
	r = opp_archive_open(ctx, a, as, src);
	while (!r && (ar = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		r = member(ctx, a, as, name ? name : "", index++, &have_control,
			   &have_data, control);
	}
	if (!r && ar != ARCHIVE_EOF)
		r = opp_archive_err(ctx, a, as, "damaged or truncated Debian package");
	if (!r && (!have_control || !have_data))
		r = ivg_err(ctx, EINVAL, "%s: truncated Debian package: no %s member",
			    src->what, have_control ? "data.tar" : "control.tar");
out:
	if (r)
		opp_stanza_free(control);
	archive_read_free(a);
	free(as);
	return r;
}
