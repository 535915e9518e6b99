/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sha256.c - SHA-256 digests and their hex text (sha256.h). */
#include "sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

static const char digits[] = "0123456789abcdef";

int ivg_sha256(const void *buf, size_t len, uint8_t out[IVG_SHA256_LEN])
{
	unsigned int n = IVG_SHA256_LEN;

	return EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) &&
	       n == IVG_SHA256_LEN ? 0 : -ENOMEM;
}

int ivg_sha256_hex(const void *buf, size_t len, char hex[IVG_SHA256_HEX])
{
	uint8_t sha[IVG_SHA256_LEN];
	int r = ivg_sha256(buf, len, sha);

	if (!r)
		ivg_sha256_to_hex(sha, hex);
	return r;
}

void ivg_sha256_to_hex(const uint8_t sha[IVG_SHA256_LEN],
		       char hex[IVG_SHA256_HEX])
{
	for (int i = 0; i < IVG_SHA256_LEN; i++) {
		hex[2 * i] = digits[sha[i] >> 4];
		hex[2 * i + 1] = digits[sha[i] & 15];
	}
	hex[2 * IVG_SHA256_LEN] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ivg_sha256_from_hex(const char *s, uint8_t sha[IVG_SHA256_LEN])
{
	for (int i = 0; i < IVG_SHA256_LEN; i++) {
		int hi = nibble(s[2 * i]), lo = hi < 0 ? -1 : nibble(s[2 * i + 1]);

		if (lo < 0)
			return -EINVAL;
		sha[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

bool ivg_sha256_hex_ok(const char *s)
{
	size_t n = strspn(s, digits);

	return n == 2 * IVG_SHA256_LEN && !s[n];
}
