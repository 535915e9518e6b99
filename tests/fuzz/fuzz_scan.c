/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_scan.c - the scanner (ivg_scan_devices) on arbitrary disks.
 *
 * The input is a whole device: it becomes a memory file, so that the
 * device ends where the input ends and every offset of a label or a
 * metadata area header is judged against a real device size. The CRCs
 * of every LABELONE sector, of the header of every metadata area the
 * label lists and of its committed text are set right first (label.h and
 * mda.h give the layouts), so that the fuzzer gets past them.
 *
 * Properties: a damaged disk never fails the scan (it is recorded, with
 * a message naming it); what the parallel rounds read is what reading the
 * device one step at a time gives (ivg_label_read, ivg_mda_read,
 * ivg_mda_read_text); a copy's text lies inside the device.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aio.h"
#include "crc.h"
#include "dev.h"
#include "label.h"
#include "mda.h"
#include "scan.h"

#define MAX_DEV (256 * 1024)

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);            /* little-endian machines */
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void fix_text_crc(uint8_t *d, size_t len, uint64_t start,
			 uint64_t area)
{
	uint8_t *h = d + start;
	uint64_t off = get64(h + 40), size = get64(h + 48), first;
	uint32_t crc;

	if (off < IVG_MDA_HEADER_SIZE || off >= area || !size ||
	    size > area - IVG_MDA_HEADER_SIZE)
		return;
	first = off + size > area ? area - off : size;
	if (start + off + first > len ||
	    start + IVG_MDA_HEADER_SIZE + (size - first) > len)
		return;
	crc = ivg_crc(IVG_INITIAL_CRC, h + off, first);
	crc = ivg_crc(crc, h + IVG_MDA_HEADER_SIZE, size - first);
	put32(h + 56, crc);
}

/* The header (and committed text) of every area the label lists. */
static void fix_mda_crcs(uint8_t *d, size_t len)
{
	struct ivg_ctx ctx;
	struct ivg_label l;

	ivg_ctx_init(&ctx);
	if (ivg_label_find(&ctx, "fuzz", d, len < 2048 ? len : 2048, &l))
		return;
	for (size_t k = 0; k < l.mda_count; k++) {
		uint64_t s = l.mda[k].offset;

		if (s >= len || len - s < IVG_MDA_HEADER_SIZE)
			continue;
		if (l.mda[k].size >= 2 * IVG_MDA_HEADER_SIZE)
			fix_text_crc(d, len, s, l.mda[k].size);
		put32(d + s, ivg_crc(IVG_INITIAL_CRC, d + s + 4,
				     IVG_MDA_HEADER_SIZE - 4));
	}
}

static void fix_crcs(uint8_t *d, size_t len)
{
	for (size_t s = 0; (s + 1) * 512 <= len && s < IVG_LABEL_SCAN_SECTORS; s++) {
		uint8_t *b = d + s * 512;

		if (!memcmp(b, "LABELONE", 8))
			put32(b + 16, ivg_crc(IVG_INITIAL_CRC, b + 20, 512 - 20));
	}
	fix_mda_crcs(d, len);
}

/* Area k of p read one step at a time must give what the scan gave. */
static void same_as_slow_path(struct ivg_ctx *ctx, struct ivg_dev *dev,
			      const struct ivg_scan_pv *p, size_t k)
{
	const struct ivg_mda_copy *m = &p->mda[k];
	const struct ivg_disk_locn *l = &p->label.mda[k];
	struct ivg_mda_header h;
	char *text = NULL;
	size_t len = 0;
	int r = ivg_label_check_mda(ctx, "fuzz", &p->label, k, dev->size);

	if (!r)
		r = ivg_mda_read(ctx, dev, l->offset, l->size, &h);
	if (!r)
		r = ivg_mda_read_text(ctx, dev, &h, IVG_MDA_COMMITTED, &text,
				      &len);
	if (m->err)
		assert(strstr(m->errmsg, dev->path));
	if (r)
		assert(m->err);
	else if (m->err)      /* read, but it is no VG's text */
		assert(m->err == -EILSEQ &&
		       strstr(m->errmsg, "does not start with a VG"));
	else
		assert(m->len == len && !memcmp(m->text, text, len));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivg_ctx ctx;
	struct ivg_scan *s = NULL;
	struct ivg_dev *dev = NULL;
	char path[64], *paths[1] = { path };
	uint8_t *d;
	int fd, r;

	if (size > MAX_DEV)
		return 0;
	d = malloc(size ? size : 1);
	memcpy(d, data, size);
	fix_crcs(d, size);
	fd = memfd_create("fuzz-scan", MFD_CLOEXEC);
	assert(fd >= 0);
	assert(write(fd, d, size) == (ssize_t)size);
	free(d);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ivg_ctx_init(&ctx);
	ctx.aio_backend = IVG_AIO_PREAD;   /* the logic, not the kernel */
	r = ivg_scan_devices(&ctx, paths, 1, false, &s);
	if (r)
		fprintf(stderr, "scan failed: %s\n", ivg_errmsg(&ctx));
	assert(r == 0);
	if (s->pvs[0].err) {
		assert(strstr(s->pvs[0].errmsg, path));
	} else if (s->pvs[0].has_label && !s->pvs[0].in_partition) {
		assert(ivg_dev_open(&ctx, path, IVG_DEV_RDONLY, &dev) == 0);
		for (size_t k = 0; k < s->pvs[0].mda_count; k++)
			same_as_slow_path(&ctx, dev, &s->pvs[0], k);
		ivg_dev_close(dev);
	}
	ivg_scan_free(s);
	close(fd);
	return 0;
}
