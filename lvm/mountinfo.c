/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mountinfo.c - this mount namespace's mounts through libmount. */
#include "mountinfo.h"

#include <errno.h>
#include <libmount.h>
#include <stdlib.h>
#include <string.h>

#define MOUNTINFO "/proc/self/mountinfo"

static int add(struct ivg_mounts *m, struct libmnt_fs *fs)
{
	const char *dir = mnt_fs_get_target(fs);
	const char *opts = mnt_fs_get_vfs_options(fs);
	struct ivg_mount *v = realloc(m->v, (m->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	m->v = v;
	v += m->n;
	v->dev = mnt_fs_get_devno(fs);
	/* The mount's own flags (the first options field), not the
	 * filesystem's: a bind mount may be read-only alone. */
	v->ro = opts && mnt_optstr_get_option(opts, "ro", NULL, NULL) == 0;
	if (!(v->dir = strdup(dir ? dir : "")))
		return -ENOMEM;
	m->n++;
	return 0;
}

int ivg_mounts_read(struct ivg_ctx *ctx, struct ivg_mounts *out)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r = tb && it ? 0 : -ENOMEM;

	*out = (struct ivg_mounts){ 0 };
	/* A line libmount cannot parse is skipped, as the kernel's own
	 * format may grow fields. */
	if (!r)
		r = mnt_table_parse_file(tb, MOUNTINFO);
	while (!r && mnt_table_next_fs(tb, it, &fs) == 0)
		r = add(out, fs);
	mnt_free_iter(it);
	mnt_unref_table(tb);
	if (!r)
		return 0;
	ivg_mounts_free(out);
	return ivg_err(ctx, -r, MOUNTINFO ": %s", strerror(-r));
}

void ivg_mounts_free(struct ivg_mounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].dir);
	free(m->v);
	*m = (struct ivg_mounts){ 0 };
}
