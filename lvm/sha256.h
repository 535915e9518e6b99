/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.h - SHA-256 digests (OpenSSL's libcrypto) and their text form,
 * 64 lowercase hex digits, as sha256sum(1) writes them and as the boot
 * manifest, the OPP TOC and the BOS manifests hold them.
 *
 * Digests that ivg wrote are compared as text, so the checker accepts
 * only that form; reading a text someone else wrote (sha256sum -c's
 * format) takes either case.
 */
#ifndef IVG_SHA256_H
#define IVG_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IVG_SHA256_LEN 32
#define IVG_SHA256_HEX 65          /* 64 hex digits and a NUL */

/* The digest of len bytes: 0, or -ENOMEM when libcrypto finds none. */
int ivg_sha256(const void *buf, size_t len, uint8_t out[IVG_SHA256_LEN]);
/* The same, as text. */
int ivg_sha256_hex(const void *buf, size_t len, char hex[IVG_SHA256_HEX]);

void ivg_sha256_to_hex(const uint8_t sha[IVG_SHA256_LEN],
		       char hex[IVG_SHA256_HEX]);
/* The digest written in the first 64 characters of s (hex digits of
 * either case, no NUL needed after them); -EINVAL at any other byte. */
int ivg_sha256_from_hex(const char *s, uint8_t sha[IVG_SHA256_LEN]);
/* Is s exactly 64 lowercase hex digits, a digest as ivg writes it? */
bool ivg_sha256_hex_ok(const char *s);

#endif
