/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mda.h - an LVM2 metadata area: a 512-byte header and a circular text
 * buffer behind it.
 *
 * Header layout (little-endian): u32 CRC of bytes 4..511, 16-byte magic
 * " LVM2 x[5A%r0N*>", u32 version 1, u64 start (bytes from the start of
 * the PV: where the header itself sits), u64 size of the whole area
 * including the header, then raw locations {u64 offset, u64 size,
 * u32 text CRC, u32 flags}: slot 0 = committed, slot 1 = precommitted,
 * then a zero slot ending the list. Offsets are relative to the area.
 *
 * The ring is [512, size). A text may run past the end of the area and
 * continue at offset 512; its CRC then runs over both pieces in order.
 * Stored sizes include the text's trailing NUL.
 *
 * Placement rule (lvm2 2.03.16 _next_rlocn_offset, measured against
 * stock lvm2): a new copy starts at 512 if slot 0 is empty or ignored;
 * otherwise at the first 512-aligned offset after the committed copy's
 * last byte (after its wrapped piece if it wraps), and back at 512 when
 * that last byte is within 512 bytes of the end or the aligned start
 * would leave less than 512 bytes before the end. Writes are padded with
 * zeroes to the next 512-byte boundary, as lvm2 pads them.
 *
 * Update protocol (lvm2's): ivg_mda_write_precommit() writes the text and
 * the header with the new copy in slot 1; ivg_mda_commit() moves it to
 * slot 0 and clears slot 1. Neither syncs: sync the device between the
 * steps. Until the commit's header write lands, slot 0 still names the
 * old copy, which the new copy never overlaps.
 *
 * All offsets passed in (start) are relative to the device window.
 */
#ifndef IVG_MDA_H
#define IVG_MDA_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct ivg_dev;

#define IVG_MDA_HEADER_SIZE 512
#define IVG_MDA_MAGIC " LVM2 x[5A%r0N*>"
#define IVG_MDA_VERSION 1
#define IVG_MDA_MIN_SIZE 32768          /* lvm2's MDA_SIZE_MIN */
#define IVG_MDA_WIPE_SIZE 4096          /* pvcreate zeroes this much */
#define IVG_RAW_LOCN_IGNORED 1          /* slot 0 flag: mda ignored */
#define IVG_MDA_COMMITTED 0
#define IVG_MDA_PRECOMMITTED 1

struct ivg_raw_locn {
	uint64_t offset, size;          /* relative to the area; 0,0 = empty */
	uint32_t checksum, flags;
};

struct ivg_mda_header {
	uint32_t checksum;              /* as read; recomputed on encode */
	uint32_t version;
	uint64_t start, size;
	struct ivg_raw_locn slot[2];    /* 0 committed, 1 precommitted */
};

/*
 * Decode a 512-byte header that was read at 'start'. Pure. -EILSEQ with
 * a message naming 'devname' and 'start' for a bad CRC or magic, a
 * version other than 1, a start other than 'start', a size too small
 * for a header and one sector of text, or a slot that does not lie in
 * the ring [512, size) (a slot may wrap but not hold more than the ring).
 */
int ivg_mda_header_decode(struct ivg_ctx *ctx, const char *devname,
			  const uint8_t buf[512], uint64_t start,
			  struct ivg_mda_header *out);

/* Encode with magic, version 1 and a fresh CRC. Returns 0. */
int ivg_mda_header_encode(const struct ivg_mda_header *hdr, uint8_t buf[512]);

/*
 * Create an empty area as pvcreate does: zero its first 4096 bytes (or
 * all of it if smaller; skipping what is already zero) and write a header
 * with empty slots. -EINVAL for a size below lvm2's minimum (32 KiB).
 * No fsync.
 */
int ivg_mda_init(struct ivg_ctx *ctx, struct ivg_dev *dev, uint64_t start,
		 uint64_t size);

/*
 * Read and decode the header at 'start'. 'size' is what the PV header
 * says the area's size is (0: do not check); a header that disagrees is
 * -EILSEQ, since the ring would be misplaced.
 */
int ivg_mda_read(struct ivg_ctx *ctx, struct ivg_dev *dev, uint64_t start,
		 uint64_t size, struct ivg_mda_header *out);

/*
 * Read the text of slot 0 or 1, across the wrap, and verify its CRC.
 * Returns 0 with *text malloc'd (size + 1 bytes, always NUL-terminated)
 * and *len = the stored size (which counts lvm2's trailing NUL);
 * -ENOENT if the slot is empty; -EILSEQ on a CRC mismatch or a location
 * outside the ring. The slot's flags are not consulted.
 */
int ivg_mda_read_text(struct ivg_ctx *ctx, struct ivg_dev *dev,
		      const struct ivg_mda_header *hdr, int slot, char **text,
		      size_t *len);

/* Largest text lvm2 accepts in this area: (size - 512) / 2 - 512. */
uint64_t ivg_mda_max_text(const struct ivg_mda_header *hdr);

/* 1 if a text of len bytes (trailing NUL included) fits, else 0. */
int ivg_mda_text_fits(const struct ivg_mda_header *hdr, size_t len);

/*
 * Where the next copy would go after the committed one (offset relative
 * to the area); exposed for tests and for tools that explain a layout.
 */
uint64_t ivg_mda_next_offset(const struct ivg_mda_header *hdr);

/*
 * Write text (len bytes including its trailing NUL, so text[len-1] must
 * be '\0') at the next offset after the committed copy, then the header
 * with the new location in slot 1. Updates *hdr. -ENOSPC (message names
 * the device and both sizes) when the text is larger than
 * ivg_mda_max_text(). No fsync.
 */
int ivg_mda_write_precommit(struct ivg_ctx *ctx, struct ivg_dev *dev,
			    struct ivg_mda_header *hdr, const char *text,
			    size_t len);

/*
 * Commit: slot 0 = slot 1 (slot 0 keeps its flags), slot 1 cleared,
 * header written. -EINVAL if nothing is precommitted. No fsync.
 */
int ivg_mda_commit(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   struct ivg_mda_header *hdr);

/* Drop a precommitted copy: clear slot 1 and write the header. No fsync. */
int ivg_mda_revert(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   struct ivg_mda_header *hdr);

/*
 * Reading from memory (the parallel scanner reads the heads of many PVs
 * at once with aio; fuzzers feed arbitrary bytes). 'buf' holds 'buf_len'
 * bytes of the PV starting at offset 'buf_off' of the window, e.g. the
 * first 128 KiB, or the last megabyte for a second metadata area.
 *
 * Both functions behave like their device counterparts, except that when
 * a byte they need lies outside the buffer they return -EAGAIN and set
 * *need_end to the window offset the buffer must reach (a buffer starting
 * at buf_off and ending at or beyond *need_end holds everything; for a
 * wrapped text that is the end of the area). *need_end may be NULL.
 */
int ivg_mda_header_from_buf(struct ivg_ctx *ctx, const char *devname,
			    const uint8_t *buf, uint64_t buf_off,
			    size_t buf_len, uint64_t start, uint64_t size,
			    struct ivg_mda_header *out, uint64_t *need_end);
int ivg_mda_text_from_buf(struct ivg_ctx *ctx, const char *devname,
			  const uint8_t *buf, uint64_t buf_off, size_t buf_len,
			  const struct ivg_mda_header *hdr, int slot,
			  char **text, size_t *len, uint64_t *need_end);

#endif
