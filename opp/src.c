/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src.c - counted, hashed package streams. */
#include "src.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int opp_src_init(struct ivg_ctx *ctx, struct opp_src *s, opp_read_fn read,
		 void *arg, const char *what)
{
	*s = (struct opp_src){ .read = read, .arg = arg, .what = what };
	s->md = EVP_MD_CTX_new();
	if (!s->md || !EVP_DigestInit_ex(s->md, EVP_sha256(), NULL)) {
		opp_src_free(s);
		return ivg_err(ctx, ENOMEM, "%s: cannot set up SHA-256", what);
	}
	return 0;
}

static int fd_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len,
		   size_t *got)
{
	int fd = *(int *)arg;
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ivg_err(ctx, errno, "read error: %s", strerror(errno));
	*got = (size_t)n;
	return 0;
}

int opp_src_fd(struct ivg_ctx *ctx, struct opp_src *s, int fd,
	       const char *what)
{
	int r = opp_src_init(ctx, s, fd_read, NULL, what);

	/* The stream keeps the descriptor; it must stay where it is. */
	s->fd = fd;
	s->arg = &s->fd;
	return r;
}

void opp_src_free(struct opp_src *s)
{
	EVP_MD_CTX_free(s->md);
	s->md = NULL;
}

static int raw_read(struct ivg_ctx *ctx, struct opp_src *s, void *buf,
		    size_t len, size_t *got)
{
	size_t done = 0;

	while (done < len && !s->eof) {
		size_t n = 0;
		int r = s->read(ctx, s->arg, (char *)buf + done, len - done, &n);

		if (r)
			return ivg_err_prefix(ctx, r, "%s: ", s->what);
		if (!n)
			s->eof = 1;
		done += n;
	}
	*got = done;
	return 0;
}

int opp_src_peek(struct ivg_ctx *ctx, struct opp_src *s, size_t len,
		 const unsigned char **p, size_t *got)
{
	if (len > sizeof(s->peek) || s->size || s->peek_pos)
		return ivg_err(ctx, EINVAL, "%s: internal: peek after read", s->what);
	if (s->peek_len < len) {
		size_t n;
		int r = raw_read(ctx, s, s->peek + s->peek_len,
				 len - s->peek_len, &n);

		if (r)
			return r;
		s->peek_len += n;
	}
	*p = s->peek;
	*got = s->peek_len < len ? s->peek_len : len;
	return 0;
}

int opp_src_read(struct ivg_ctx *ctx, struct opp_src *s, void *buf,
		 size_t len, size_t *got)
{
	size_t done = 0, n = 0;
	int r = ivg_check_interrupt(ctx, s->what);

	if (r)
		return r;

	if (s->peek_pos < s->peek_len) {
		done = s->peek_len - s->peek_pos;
		if (done > len)
			done = len;
		memcpy(buf, s->peek + s->peek_pos, done);
		s->peek_pos += done;
	}
	if (done < len)
		r = raw_read(ctx, s, (char *)buf + done, len - done, &n);
	if (r)
		return r;
	done += n;
	if (done && !EVP_DigestUpdate(s->md, buf, done))
		return ivg_err(ctx, EIO, "%s: SHA-256 failed", s->what);
	s->size += done;
	*got = done;
	return 0;
}

int opp_src_read_full(struct ivg_ctx *ctx, struct opp_src *s, void *buf,
		      size_t len, const char *part)
{
	size_t got;
	int r = opp_src_read(ctx, s, buf, len, &got);

	if (!r && got < len)
		r = ivg_err(ctx, EINVAL, "%s: truncated: the file ends inside the %s",
			    s->what, part);
	return r;
}

int opp_src_finish(struct ivg_ctx *ctx, struct opp_src *s,
		   char sha256[IVG_SHA256_HEX])
{
	enum { CHUNK = 1 << 18 };
	unsigned char *buf = malloc(CHUNK), d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	size_t got = CHUNK;
	int r;

	if (s->finished) {
		free(buf);
		memcpy(sha256, s->sha256, IVG_SHA256_HEX);
		return 0;
	}
	r = buf ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	while (!r && got == CHUNK)
		r = opp_src_read(ctx, s, buf, CHUNK, &got);
	free(buf);
	if (r)
		return r;
	if (!EVP_DigestFinal_ex(s->md, d, &dl) || dl != IVG_SHA256_LEN)
		return ivg_err(ctx, EIO, "%s: SHA-256 failed", s->what);
	ivg_sha256_to_hex(d, s->sha256);
	s->finished = 1;
	memcpy(sha256, s->sha256, IVG_SHA256_HEX);
	return 0;
}
