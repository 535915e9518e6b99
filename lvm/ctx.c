/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctx.c - the library's single error and message path. */
#include "ctx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void ivg_ctx_init(struct ivg_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

int ivg_err(struct ivg_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	if (err == 0)
		return -EIO;
	return err < 0 ? err : -err;
}

int ivg_check_interrupt(struct ivg_ctx *ctx, const char *what)
{
	if (!ctx->interrupted || !ctx->interrupted(ctx))
		return 0;
	return ivg_err(ctx, EINTR, "%s: interrupted by a signal", what);
}

int ivg_err_prefix(struct ivg_ctx *ctx, int err, const char *fmt, ...)
{
	char old[IVG_ERRMSG_MAX];
	size_t plen, olen;
	va_list ap;

	memcpy(old, ctx->errmsg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	/* Append the old message after the prefix, truncating as needed. */
	plen = strlen(ctx->errmsg);
	olen = strnlen(old, sizeof(old) - 1);
	if (olen > sizeof(ctx->errmsg) - 1 - plen)
		olen = sizeof(ctx->errmsg) - 1 - plen;
	memcpy(ctx->errmsg + plen, old, olen);
	ctx->errmsg[plen + olen] = 0;
	if (err == 0)
		return -EIO;
	return err < 0 ? err : -err;
}

const char *ivg_errmsg(const struct ivg_ctx *ctx)
{
	return ctx->errmsg[0] ? ctx->errmsg : "unknown error";
}

const char *ivg_printable(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && s[i] && o + 4 < size; i++)
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < len && s[i]) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static void vlog(struct ivg_ctx *ctx, int level, const char *fmt, va_list ap)
{
	char msg[IVG_ERRMSG_MAX];

	if (ctx->verbose < level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (ctx->log)
		ctx->log(ctx, level, msg);
	else
		fprintf(stderr, "  %s\n", msg);
}

void ivg_warn(struct ivg_ctx *ctx, const char *fmt, ...)
{
	char msg[IVG_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->log)
		ctx->log(ctx, 0, msg);
	else
		fprintf(stderr, "  WARNING: %s\n", msg);
}

void ivg_info(struct ivg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, 1, fmt, ap);
	va_end(ap);
}

void ivg_debug(struct ivg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, 2, fmt, ap);
	va_end(ap);
}
