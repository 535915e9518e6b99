/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pathf.h - a path (or a name made into one) formatted into a fixed
 * buffer, or refused: a path cut short names another file, so it is an
 * error (-ENAMETOOLONG naming the start of the path), never silently
 * truncated. The build warns about every snprintf that could truncate
 * (-Wformat-truncation); paths go through here.
 */
#ifndef IVG_PATHF_H
#define IVG_PATHF_H

#include <stddef.h>

#include "ctx.h"

/* snprintf into buf[len]; 0, or -ENAMETOOLONG (buf then holds ""). */
int ivg_pathf(struct ivg_ctx *ctx, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
