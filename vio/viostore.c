/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viostore.c - a JSON document under flock, replaced atomically. */
#define _GNU_SOURCE
#include "viostore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p, mode 0700 for the new directories (the state is root's). */
static int mkdirs(struct ivg_ctx *ctx, const char *dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(buf))
		return ivg_err(ctx, ENAMETOOLONG, "%s: bad state directory", dir);
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = 0;
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return ivg_err(ctx, errno, "%s: cannot create: %s", buf,
				       strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

int vio_store_open(struct ivg_ctx *ctx, const char *dir, const char *name,
		   bool writable, struct vio_store *st)
{
	struct stat sb;
	char *lock = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	st->lockfd = -1;
	st->writable = writable;
	if (asprintf(&st->path, "%s/%s.json", dir, name) < 0 ||
	    !(st->dir = strdup(dir)) || asprintf(&lock, "%s/%s.lock", dir, name) < 0) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto fail;
	}
	if (!writable && stat(dir, &sb) < 0 && errno == ENOENT) {
		free(lock);
		return 0;
	}
	if (writable && (r = mkdirs(ctx, dir)))
		goto fail;
	st->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lockfd < 0 && !writable && (errno == EACCES || errno == EROFS))
		st->lockfd = open(lock, O_RDONLY | O_CLOEXEC);
	if (st->lockfd < 0) {
		r = ivg_err(ctx, errno, "%s: cannot open lock file: %s", lock,
			    strerror(errno));
		goto fail;
	}
	while (flock(st->lockfd, writable ? LOCK_EX : LOCK_SH) < 0) {
		if (errno == EINTR)
			continue;
		r = ivg_err(ctx, errno, "%s: cannot lock: %s", lock, strerror(errno));
		goto fail;
	}
	free(lock);
	return 0;
fail:
	free(lock);
	vio_store_close(st);
	return r;
}

int vio_store_load(struct ivg_ctx *ctx, struct vio_store *st,
		   struct json_object **out)
{
	struct json_object *doc;

	*out = NULL;
	if (access(st->path, F_OK) < 0 && errno == ENOENT) {
		*out = json_object_new_object();
		return *out ? 0 : ivg_err(ctx, ENOMEM, "out of memory");
	}
	doc = json_object_from_file(st->path);
	if (!doc)
		return ivg_err(ctx, EINVAL, "%s: cannot read the state: %s",
			       st->path, json_util_get_last_err());
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return ivg_err(ctx, EINVAL, "%s: the state is not a JSON object",
			       st->path);
	}
	*out = doc;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int vio_store_save(struct ivg_ctx *ctx, struct vio_store *st,
		   struct json_object *doc)
{
	const char *text;
	char *tmp = NULL;
	int fd = -1, dfd = -1, r;

	if (!st->writable || st->lockfd < 0)
		return ivg_err(ctx, EBADF, "%s: the state is not locked for writing",
			       st->path);
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED);
	if (asprintf(&tmp, "%s/.%s.XXXXXX", st->dir, strrchr(st->path, '/') + 1) < 0)
		return ivg_err(ctx, ENOMEM, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = ivg_err(ctx, errno, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	if ((r = write_all(fd, text, strlen(text))) || (r = write_all(fd, "\n", 1)) ||
	    (fsync(fd) < 0 && (r = -errno))) {
		r = ivg_err(ctx, r, "%s: cannot write: %s", tmp, strerror(-r));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = ivg_err(ctx, errno, "%s: cannot write: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, st->path) < 0) {
		r = ivg_err(ctx, errno, "%s: cannot replace: %s", st->path,
			    strerror(errno));
		goto fail;
	}
	free(tmp);
	dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		r = ivg_err(ctx, errno, "%s: cannot sync: %s", st->dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	close(dfd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return r;
}

void vio_store_close(struct vio_store *st)
{
	if (st->lockfd >= 0)
		close(st->lockfd);      /* releases the flock */
	st->lockfd = -1;
	free(st->dir);
	free(st->path);
	st->dir = st->path = NULL;
}
