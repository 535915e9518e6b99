/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bospath.c - an archive entry's path, cleaned and judged (bospath.h). */
#include "bospath.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const struct bos_path_policy bos_policy_bos = { BOS_DEV_UNDER_DEV, 1 };
const struct bos_path_policy bos_policy_opp = { BOS_DEV_NONE, 0 };

/* The name as a message can show it: unprintable bytes as \xNN, cut. */
static const char *shown(const char *name, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t o = 0;

	for (; *p && o + 8 < len; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = 0;
	if (*p)
		snprintf(buf + o, len - o, "...");
	return buf;
}

static int refuse(struct ivg_ctx *ctx, const char *name, const char *why)
{
	char buf[256];

	return ivg_err(ctx, EINVAL, "entry \"%s\": refused: %s",
		       shown(name, buf, sizeof(buf)), why);
}

static bool has_control(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return true;
	return false;
}

/* Whether the policy lets an entry of this kind sit at 'path'. */
static const char *kind_refused(enum bos_entry_kind kind,
				const struct bos_path_policy *pol,
				const char *path)
{
	bool dev = kind == BOS_ENT_CHR || kind == BOS_ENT_BLK;

	if (!*path && kind != BOS_ENT_DIR)
		return "the target root can only be a directory";
	if (dev && pol->dev == BOS_DEV_NONE)
		return "device nodes are not allowed in this archive";
	if (dev && pol->dev == BOS_DEV_UNDER_DEV && strncmp(path, "dev/", 4))
		return "device nodes are allowed only under dev/";
	if ((kind == BOS_ENT_FIFO || kind == BOS_ENT_SOCK) && !pol->allow_fifo)
		return "FIFOs and sockets are not allowed in this archive";
	return NULL;
}

int bos_path_clean(struct ivg_ctx *ctx, const char *name,
		   enum bos_entry_kind kind, const struct bos_path_policy *pol,
		   char *out, size_t outlen)
{
	size_t o = 0, limit = outlen - 1 < BOS_PATH_MAX ? outlen - 1 : BOS_PATH_MAX;
	const char *p = name, *why;

	if (!outlen)
		return ivg_err(ctx, EINVAL, "bos_path_clean: no room");
	out[0] = 0;
	if (!name || !*name)
		return refuse(ctx, "", "an entry without a name");
	if (*name == '/')
		return refuse(ctx, name, "an absolute path (it would be written outside the target root)");
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return refuse(ctx, name, "a \"..\" component (it could leave the target root)");
		if (n > BOS_NAME_COMPONENT_MAX)
			return refuse(ctx, name, "a component longer than 255 bytes");
		if (has_control(p, n))
			return refuse(ctx, name, "a control character (newline, tab...) in the name");
		if (n && !(n == 1 && p[0] == '.')) {
			if (o + !!o + n > limit)
				return refuse(ctx, name, "a path longer than 4096 bytes");
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
			out[o] = 0;
		}
		p += n + (end != NULL);
	}
	if ((why = kind_refused(kind, pol ? pol : &bos_policy_bos, out)))
		return refuse(ctx, name, why);
	return 0;
}
