/* SPDX-License-Identifier: GPL-2.0-or-later */
/* common.c - option handling and messages shared by the commands. */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "devlist.h"
#include "vg.h"
#include "tools.h"
#include "sysid.h"
#include "version.h"

void opts_free(struct opts *o)
{
	ivg_strvec_free(&o->devices);
}

static int unit_shift(char u, unsigned *shift)
{
	static const char units[] = "bkmgtpe";
	const char *p = strchr(units, tolower((unsigned char)u));

	if (tolower((unsigned char)u) == 's') {
		*shift = 9;
		return 0;
	}
	if (!p || !u)
		return -EINVAL;
	*shift = (unsigned)(p - units) * 10;
	return 0;
}

int parse_size(const char *arg, char defunit, uint64_t *bytes)
{
	char *end;
	unsigned shift;
	double v;

	errno = 0;
	if (!arg || !isdigit((unsigned char)*arg))
		return -EINVAL;
	v = strtod(arg, &end);
	if (errno || v <= 0)
		return -EINVAL;
	/* "4", "4m", "4M", "4MB", "4MiB" */
	if (*end && end[1] && strcasecmp(end + 1, "b") &&
	    strcasecmp(end + 1, "ib"))
		return -EINVAL;
	if (unit_shift(*end ? *end : defunit, &shift))
		return -EINVAL;
	if (v * (double)(1ULL << shift) >= 18446744073709551615.0)
		return -ERANGE;
	*bytes = (uint64_t)(v * (double)(1ULL << shift));
	return *bytes ? 0 : -EINVAL;
}

int fail(struct ivg_ctx *ctx)
{
	fprintf(stderr, "  %s\n", ivg_errmsg(ctx));
	return ECMD_FAILED;
}

/* "  CMD: MESSAGE", then where help is: as every command line error. */
static int name_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int name_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  Run `%s --help' for more information.\n", cmd);
	return EINVALID_CMD_LINE;
}

int check_vg_name(const char *cmd, const char *name)
{
	char shown[80] = "";
	size_t o = 0;

	if (ivg_name_valid(name))
		return 0;
	for (const unsigned char *c = (const unsigned char *)name;
	     *c && o + 8 < sizeof(shown); c++)
		o += (size_t)snprintf(shown + o, sizeof(shown) - o,
				      isprint(*c) && *c != '\\' ? "%c" : "\\%03o", *c);
	if (strlen(name) > 64 && o + 4 < sizeof(shown))
		strcpy(shown + o, "...");
	return name_error(cmd, "invalid VG name \"%s\" (%zu characters; letters, digits and + _ . - only, at most 128)",
			   shown, strlen(name));
}

int devices_to_scan(struct ivg_ctx *ctx, const struct opts *o,
		    struct ivg_strvec *paths, bool *owned)
{
	if (o->devices.n) {
		*paths = o->devices;      /* borrowed */
		*owned = false;
		return ivg_devices_check_mpath(ctx, o->devices.v, o->devices.n);
	}
	*owned = true;
	return ivg_devices_system(ctx, paths);
}

/* The command's own flag (one process, one command): set by the signal. */
static volatile sig_atomic_t interrupt_signal;

static void on_interrupt(int sig)
{
	interrupt_signal = sig;
}

static int interrupted(struct ivg_ctx *ctx)
{
	return interrupt_signal != 0;
}

void catch_interrupts(struct ivg_ctx *ctx)
{
	/* SA_RESETHAND: a second signal is not caught. SA_RESTART: the
	 * copy's system calls go on; the flag is polled between chunks. */
	struct sigaction sa = { .sa_handler = on_interrupt,
				.sa_flags = SA_RESETHAND | SA_RESTART };

	static const int sigs[] = { SIGINT, SIGTERM };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* A signal ignored on entry (nohup, background) stays so. */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	ctx->interrupted = interrupted;
}

int host_system_id(struct ivg_ctx *ctx, char *id)
{
	return ivg_host_system_id(ctx, getenv("LVM_SYSTEM_DIR"), id);
}

struct json_object *report_new(struct json_object **one)
{
	json_object *top = json_object_new_object();
	json_object *arr = json_object_new_array();

	*one = json_object_new_object();
	json_object_array_add(arr, *one);
	json_object_object_add(top, "report", arr);
	return top;
}

void report_print(struct json_object *top)
{
	printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}

void report_set(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}
