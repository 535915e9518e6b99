/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strvec.h - a growable vector of strings, each a copy the vector owns:
 * names listed from a directory, device paths, report lines, a VG's
 * status flags and tags, a command's argv.
 *
 * Start from { 0 }. Whatever grows it returns 0 or -ENOMEM and, on
 * failure, leaves it as it was. Once anything was added, v[n] is NULL,
 * so v can be handed on as an argv or a NULL-ended list.
 */
#ifndef IVG_STRVEC_H
#define IVG_STRVEC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct ivg_strvec {
	char **v;
	size_t n, cap;
};

/* Append a copy of s, of its first len bytes, or of the formatted text. */
int ivg_strvec_add(struct ivg_strvec *sv, const char *s);
int ivg_strvec_addn(struct ivg_strvec *sv, const char *s, size_t len);
int ivg_strvec_addf(struct ivg_strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ivg_strvec_vaddf(struct ivg_strvec *sv, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append a copy of s unless it is there already: the vector as a set. */
int ivg_strvec_add_once(struct ivg_strvec *sv, const char *s);

bool ivg_strvec_has(const struct ivg_strvec *sv, const char *s);
/* The same for the first len bytes of s. */
bool ivg_strvec_hasn(const struct ivg_strvec *sv, const char *s, size_t len);
/* Remove (and free) the first string equal to s, if any. */
void ivg_strvec_del(struct ivg_strvec *sv, const char *s);
/* Drop (and free) the strings after the first n; with n 0 the vector is
 * { 0 } again, as before anything was added. */
void ivg_strvec_truncate(struct ivg_strvec *sv, size_t n);
/* Sort by strcmp. */
void ivg_strvec_sort(struct ivg_strvec *sv);
/* Free the strings and the vector; it is { 0 } again. */
void ivg_strvec_free(struct ivg_strvec *sv);

#endif
