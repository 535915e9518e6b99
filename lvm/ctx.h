/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx.h - the library context: the one error path of libivg.
 *
 * Every library call takes a struct ivg_ctx. A failing call records one
 * message naming the device or file and what is wrong (ivg_err), and returns
 * a negative errno. The caller prints ivg_errmsg(). There is no global
 * state: two contexts in one process never see each other's messages.
 */
#ifndef IVG_CTX_H
#define IVG_CTX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define IVG_ERRMSG_MAX 1024

struct ivg_fault;

struct ivg_ctx {
	char errmsg[IVG_ERRMSG_MAX];
	int verbose;              /* -v count: 0 quiet, 1 info, 2+ debug */
	const char *cmdline;      /* for the metadata "description" line */
	void (*log)(struct ivg_ctx *ctx, int level, const char *msg);
	struct ivg_fault *fault;  /* tests: see dev.h */
	int aio_backend;          /* tests: IVG_AIO_AUTO... (aio.h) */
	/* Commands: nonzero when a signal asks to stop (NULL: never). */
	int (*interrupted)(struct ivg_ctx *ctx);
};

void ivg_ctx_init(struct ivg_ctx *ctx);

/* Long copies call this after each chunk with the bytes done and the
 * total (a command's progress bar). */
typedef void (*ivg_progress_fn)(void *arg, uint64_t done, uint64_t total);

/* Record a message and return -abs(err) (or -EIO when err is 0). */
int ivg_err(struct ivg_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the recorded message with more context ("pv3.img: " ...). */
int ivg_err_prefix(struct ivg_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *ivg_errmsg(const struct ivg_ctx *ctx);

/*
 * Names and words read from a disk may hold any byte: messages quote a
 * short printable copy. The first 'len' bytes of s (fewer at a NUL) go
 * into buf with every byte outside ASCII 0x20-0x7e as '?', and "..."
 * when they do not fit (size is at least 4). Returns buf.
 */
const char *ivg_printable(const char *s, size_t len, char *buf, size_t size);

/* At a point where stopping is safe (nothing half-committed): -EINTR
 * with "WHAT: interrupted" when ctx->interrupted says so, else 0. Long
 * copies call it between chunks, so that SIGINT rolls them back. */
int ivg_check_interrupt(struct ivg_ctx *ctx, const char *what);

/* A warning ("WARNING: ..."), always shown (level 0), the command goes
 * on; informational and debug messages, shown according to
 * ctx->verbose. */
void ivg_warn(struct ivg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ivg_info(struct ivg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ivg_debug(struct ivg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
