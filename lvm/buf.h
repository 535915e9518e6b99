/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buf.h - a growable byte buffer: text written piece by piece (metadata,
 * a TOC, a manifest), or bytes that arrive in pieces (an archive written
 * to memory, a stream read to its end).
 *
 * Start from { 0 }. Whatever grows it returns 0 or -ENOMEM; after a
 * failure the buffer keeps failing (err), so that a writer may check
 * once, at the end. Whenever p is not NULL it is NUL-terminated (len does
 * not count the NUL); it is malloc'ed, so a caller may take it and free
 * it itself.
 */
#ifndef IVG_BUF_H
#define IVG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ivg_buf {
	char *p;
	size_t len, cap;
	int err;
};

/* Room for 'more' bytes after the first len (and the NUL). */
int ivg_buf_reserve(struct ivg_buf *b, size_t more);
/* After ivg_buf_reserve: n bytes were written at p + len; count them. */
void ivg_buf_wrote(struct ivg_buf *b, size_t n);
/* Append n bytes, or formatted text. */
int ivg_buf_add(struct ivg_buf *b, const void *data, size_t n);
int ivg_buf_printf(struct ivg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ivg_buf_vprintf(struct ivg_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Free the bytes; the buffer is { 0 } again. */
void ivg_buf_free(struct ivg_buf *b);

#endif
