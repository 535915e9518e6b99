/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strvec.c - a growable vector of owned strings (strvec.h). */
#define _GNU_SOURCE
#include "strvec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Take ownership of s (NULL: out of memory) as the last string. */
static int push(struct ivg_strvec *sv, char *s)
{
	if (!s)
		return -ENOMEM;
	if (sv->n + 1 >= sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return -ENOMEM;
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

int ivg_strvec_add(struct ivg_strvec *sv, const char *s)
{
	return push(sv, strdup(s));
}

int ivg_strvec_addn(struct ivg_strvec *sv, const char *s, size_t len)
{
	return push(sv, strndup(s, len));
}

int ivg_strvec_vaddf(struct ivg_strvec *sv, const char *fmt, va_list ap)
{
	char *s;

	return push(sv, vasprintf(&s, fmt, ap) < 0 ? NULL : s);
}

int ivg_strvec_addf(struct ivg_strvec *sv, const char *fmt, ...)
{
	char *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return push(sv, n < 0 ? NULL : s);
}

int ivg_strvec_add_once(struct ivg_strvec *sv, const char *s)
{
	return ivg_strvec_has(sv, s) ? 0 : ivg_strvec_add(sv, s);
}

bool ivg_strvec_has(const struct ivg_strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

bool ivg_strvec_hasn(const struct ivg_strvec *sv, const char *s, size_t len)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strncmp(sv->v[i], s, len) && !sv->v[i][len])
			return true;
	return false;
}

void ivg_strvec_del(struct ivg_strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++) {
		if (strcmp(sv->v[i], s))
			continue;
		free(sv->v[i]);
		/* The NULL after the last string moves down too. */
		memmove(&sv->v[i], &sv->v[i + 1], (sv->n - i) * sizeof(*sv->v));
		sv->n--;
		return;
	}
}

void ivg_strvec_truncate(struct ivg_strvec *sv, size_t n)
{
	if (!n) {
		ivg_strvec_free(sv);
		return;
	}
	while (sv->n > n)
		free(sv->v[--sv->n]);
	if (sv->v)
		sv->v[sv->n] = NULL;
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ivg_strvec_sort(struct ivg_strvec *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), by_strcmp);
}

void ivg_strvec_free(struct ivg_strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct ivg_strvec){ 0 };
}
