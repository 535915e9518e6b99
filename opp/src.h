/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src.h - a package's bytes as a stream that counts and hashes them.
 *
 * Every byte a parser reads passes through the stream once, into a
 * SHA-256 (OpenSSL) and a byte count; opp_src_drain() reads the rest, so
 * that one pass over a file both parses its metadata and yields its size
 * and digest. The first bytes can be peeked (format detection) without
 * being consumed. The reader is a callback: a host file descriptor
 * (opp_src_fd) or a file inside oppfs (oppfs.h).
 */
#ifndef OPP_SRC_H
#define OPP_SRC_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "sha256.h"

/* Read up to len bytes; *got = 0 at the end. 0 or -errno (ctx set). */
typedef int (*opp_read_fn)(struct ivg_ctx *ctx, void *arg, void *buf,
			   size_t len, size_t *got);

struct opp_src {
	opp_read_fn read;
	void *arg;
	const char *what;          /* the file, for messages */
	void *md;                  /* EVP_MD_CTX */
	uint64_t size;             /* bytes consumed so far */
	unsigned char peek[512];
	size_t peek_len, peek_pos;
	int eof;
	int fd;                    /* opp_src_fd's descriptor */
	char sha256[IVG_SHA256_HEX];   /* set by opp_src_finish */
	int finished;
};

int opp_src_init(struct ivg_ctx *ctx, struct opp_src *s, opp_read_fn read,
		 void *arg, const char *what);
/* A host file descriptor (not closed by the stream). */
int opp_src_fd(struct ivg_ctx *ctx, struct opp_src *s, int fd,
	       const char *what);
void opp_src_free(struct opp_src *s);

/* Up to len bytes; *got < len only at the end of the file. */
int opp_src_read(struct ivg_ctx *ctx, struct opp_src *s, void *buf,
		 size_t len, size_t *got);
/* Exactly len bytes, or -EINVAL "FILE: truncated (what)". */
int opp_src_read_full(struct ivg_ctx *ctx, struct opp_src *s, void *buf,
		      size_t len, const char *part);
/* The first len (<= 512) bytes, not consumed; *got may be less. */
int opp_src_peek(struct ivg_ctx *ctx, struct opp_src *s, size_t len,
		 const unsigned char **p, size_t *got);
/* Read to the end, then the digest of everything as lowercase hex
 * (again the same digest when called twice). */
int opp_src_finish(struct ivg_ctx *ctx, struct opp_src *s,
		   char sha256[IVG_SHA256_HEX]);

#endif
