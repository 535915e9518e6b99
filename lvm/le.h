/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * le.h - little-endian fields in on-disk buffers (LVM2's headers are all
 * little-endian). memcpy keeps unaligned access defined.
 */
#ifndef IVG_LE_H
#define IVG_LE_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

#endif
