/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plainpkg.c - plain OPP archives: a tar with opp.control first. */
#include "plainpkg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arsrc.h"

enum { CONTROL_MAX = 64 << 10 };

bool opp_path_contained(const char *path)
{
	const char *p = path;

	if (!*p || *p == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

static int check_member(struct ivg_ctx *ctx, const char *what,
			struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	const char *hard = archive_entry_hardlink(e);
	const char *sym = archive_entry_symlink(e);

	if (!name || !opp_path_contained(name))
		return ivg_err(ctx, EINVAL, "%s: member \"%s\" would escape the directory the OPP is installed into",
			       what, name ? name : "");
	if (hard && !opp_path_contained(hard))
		return ivg_err(ctx, EINVAL, "%s: member \"%s\" links to \"%s\", outside the OPP's directory",
			       what, name, hard);
	if (sym && *sym == '/')
		return ivg_err(ctx, EINVAL, "%s: member \"%s\" is a symbolic link to the absolute path \"%s\"",
			       what, name, sym);
	if (sym) {
		/* Relative: resolve against the member's own directory. */
		char *full = malloc(strlen(name) + strlen(sym) + 2);
		const char *slash = strrchr(name, '/');
		bool ok;

		if (!full)
			return ivg_err(ctx, ENOMEM, "out of memory");
		sprintf(full, "%.*s%s", slash ? (int)(slash - name + 1) : 0, name, sym);
		/* Depth check: every ".." must have a component to undo. */
		ok = true;
		{
			int depth = 0;
			const char *p = full;

			while (*p && ok) {
				size_t n = strcspn(p, "/");

				if (n == 2 && p[0] == '.' && p[1] == '.')
					ok = --depth >= 0;
				else if (n && !(n == 1 && p[0] == '.'))
					depth++;
				p += n;
				while (*p == '/')
					p++;
			}
		}
		free(full);
		if (!ok)
			return ivg_err(ctx, EINVAL, "%s: member \"%s\" is a symbolic link to \"%s\", outside the OPP's directory",
				       what, name, sym);
	}
	return 0;
}

static const char *strip_dot(const char *name)
{
	while (name && name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

int opp_plain_read(struct ivg_ctx *ctx, struct opp_src *src,
		   struct opp_stanza *control)
{
	struct archive *a = archive_read_new();
	struct opp_arsrc *as = malloc(sizeof(*as));
	struct archive_entry *e;
	char *text = NULL, label[512];
	size_t len, count = 0;
	int r, ar = ARCHIVE_OK;

	*control = (struct opp_stanza){ 0 };
	if (!a || !as) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	r = opp_archive_open(ctx, a, as, src);
	if (r && !as->failed)
		r = ivg_err(ctx, EINVAL, "%s: not a package (neither a Debian package, an RPM, nor a plain OPP tar archive)",
			    src->what);
	while (!r && (ar = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = strip_dot(archive_entry_pathname(e));

		r = check_member(ctx, src->what, e);
		if (!r && count++ == 0) {
			if (!name || strcmp(name, OPP_PLAIN_CONTROL) ||
			    archive_entry_filetype(e) != AE_IFREG) {
				r = ivg_err(ctx, EINVAL, "%s: a tar archive whose first member is not %s: not a plain OPP (see ivg(7))",
					    src->what, OPP_PLAIN_CONTROL);
				break;
			}
			r = opp_archive_slurp(ctx, a, as, OPP_PLAIN_CONTROL,
					      CONTROL_MAX, &text, &len);
			snprintf(label, sizeof(label), "%s: %s", src->what,
				 OPP_PLAIN_CONTROL);
			if (!r)
				r = opp_stanza_parse1(ctx, text, len, label, control);
			continue;
		}
		if (!r && archive_read_data_skip(a) != ARCHIVE_OK)
			r = opp_archive_err(ctx, a, as, name ? name : "member");
	}
	if (!r && ar != ARCHIVE_EOF)
		r = count ? opp_archive_err(ctx, a, as, "damaged or truncated archive") :
			ivg_err(ctx, EINVAL, "%s: not a package (neither a Debian package, an RPM, nor a plain OPP tar archive)",
				src->what);
	if (!r && !count)
		r = ivg_err(ctx, EINVAL, "%s: empty archive: not a plain OPP", src->what);
out:
	if (r)
		opp_stanza_free(control);
	free(text);
	archive_read_free(a);
	free(as);
	return r;
}
