/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pathf.c - paths formatted whole or not at all. */
#include "pathf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int ivg_pathf(struct ivg_ctx *ctx, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < len)
		return 0;
	/* Name what did not fit by its start: enough to find it. */
	ivg_err(ctx, ENAMETOOLONG, "path too long (%d bytes, at most %zu): %.60s...",
		n, len ? len - 1 : 0, buf);
	if (len)
		buf[0] = '\0';
	return -ENAMETOOLONG;
}
