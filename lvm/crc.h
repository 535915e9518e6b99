/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crc.h - LVM2's checksum: reflected CRC-32 (polynomial 0xEDB88320), initial
 * value 0xF597A6CF, no final XOR. ivg_crc() may be chained: pass the
 * previous result as 'crc' to continue across a ring wrap.
 */
#ifndef IVG_CRC_H
#define IVG_CRC_H

#include <stddef.h>
#include <stdint.h>

#define IVG_INITIAL_CRC 0xf597a6cfU

uint32_t ivg_crc(uint32_t crc, const void *buf, size_t len);

#endif
