/* SPDX-License-Identifier: GPL-2.0-or-later */
/* violease.c - lease keys and their resource files. */
#include "violease.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vio_lease_key(const struct vio_lun *l, char *out, size_t len)
{
	size_t k;

	out[0] = 0;
	if (l->kind == VIO_LUN_FILE)
		return;
	if (l->wwn[0])
		snprintf(out, len, "%s", l->wwn);
	else if (l->pv[0])
		snprintf(out, len, "pv.%s", l->pv);
	/* A file name in the lockspace: no '/' whatever the LUN reports. */
	for (k = 0; out[k]; k++)
		if (out[k] == '/')
			out[k] = '_';
}

int vio_lease_prepare(struct ivg_ctx *ctx, const char *dir, const char *key)
{
	char path[4096];
	struct stat st;
	int fd;

	if (stat(dir, &st) < 0)
		return ivg_err(ctx, errno, "lockspace %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ivg_err(ctx, ENOTDIR, "lockspace %s: not a directory", dir);
	snprintf(path, sizeof(path), "%s/%s", dir, key);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ivg_err(ctx, errno, "lease %s: cannot create: %s", path, strerror(errno));
	close(fd);
	return 0;
}
