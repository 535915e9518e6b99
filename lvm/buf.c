/* SPDX-License-Identifier: GPL-2.0-or-later */
/* buf.c - a growable byte buffer (buf.h). */
#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ivg_buf_reserve(struct ivg_buf *b, size_t more)
{
	size_t need, cap;
	char *np;

	if (b->err)
		return b->err;
	if (more > SIZE_MAX - b->len - 1)
		return b->err = -ENOMEM;
	need = b->len + more + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	np = realloc(b->p, cap);
	if (!np)
		return b->err = -ENOMEM;
	b->p = np;
	b->p[b->len] = '\0';      /* a new buffer holds "" */
	b->cap = cap;
	return 0;
}

void ivg_buf_wrote(struct ivg_buf *b, size_t n)
{
	b->len += n;
	b->p[b->len] = '\0';
}

int ivg_buf_add(struct ivg_buf *b, const void *data, size_t n)
{
	if (ivg_buf_reserve(b, n))
		return b->err;
	memcpy(b->p + b->len, data, n);
	ivg_buf_wrote(b, n);
	return 0;
}

int ivg_buf_vprintf(struct ivg_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return b->err = -EINVAL;
	if (ivg_buf_reserve(b, (size_t)n))
		return b->err;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ivg_buf_printf(struct ivg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ivg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void ivg_buf_free(struct ivg_buf *b)
{
	free(b->p);
	*b = (struct ivg_buf){ 0 };
}
