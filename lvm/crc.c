/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crc.c - LVM2's CRC through zlib's table-driven CRC-32. */
#include "crc.h"

#include <zlib.h>

uint32_t ivg_crc(uint32_t crc, const void *buf, size_t len)
{
	/* zlib inverts on entry and exit; LVM2 does neither. */
	const unsigned char *p = buf;

	while (len) {
		uInt chunk = len > 0x40000000 ? 0x40000000 : (uInt)len;

		crc = ~(uint32_t)crc32(~crc & 0xffffffffU, p, chunk);
		p += chunk;
		len -= chunk;
	}
	return crc;
}
