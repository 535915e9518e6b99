/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loadopt.c - UEFI load options and BootOrder, encoded and decoded (loadopt.h). */
#include "loadopt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

enum {
	DP_MEDIA = 0x04, DP_END = 0x7F,
	DP_MEDIA_HD = 0x01, DP_MEDIA_FILE = 0x04, DP_END_ENTIRE = 0xFF,
	HD_LEN = 42, HD_FORMAT_GPT = 0x02, HD_SIG_GUID = 0x02,
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* RFC 4122 order <-> EFI order: the first three fields swap byte order. */
static void swap_fields(const uint8_t in[16], uint8_t out[16])
{
	static const int map[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
				     8, 9, 10, 11, 12, 13, 14, 15 };

	for (int i = 0; i < 16; i++)
		out[i] = in[map[i]];
}

int ivg_guid_to_efi(struct ivg_ctx *ctx, const char *text, uint8_t out[16])
{
	uuid_t u;

	if (uuid_parse(text, u))
		return ivg_err(ctx, EINVAL, "\"%s\" is not a GUID", text);
	swap_fields(u, out);
	return 0;
}

void ivg_guid_from_efi(const uint8_t in[16], char out[37])
{
	uint8_t u[16];

	swap_fields(in, u);
	uuid_unparse_lower(u, out);
}

/* ASCII as UCS-2 with its NUL; returns the bytes written. */
static size_t put_ucs2(uint8_t *p, const char *s)
{
	size_t i = 0;

	for (; s[i]; i++)
		put16(p + 2 * i, (uint8_t)s[i]);
	put16(p + 2 * i, 0);
	return 2 * (i + 1);
}

int ivg_loadopt_encode(struct ivg_ctx *ctx, uint32_t attributes,
		       const char *desc, const struct ivg_hd_node *hd,
		       const char *file, uint8_t **out, size_t *len)
{
	size_t dlen = 2 * (strlen(desc) + 1), flen = 4 + 2 * (strlen(file) + 1);
	size_t plen = HD_LEN + flen + 4, n = 6 + dlen + plen;
	uint8_t *b, *p;

	for (const char *s = desc; *s; s++)
		if (*s < ' ' || *s > '~')
			return ivg_err(ctx, EINVAL, "boot entry description \"%s\": printable ASCII only", desc);
	if (flen > 0xFFFF || plen > 0xFFFF)
		return ivg_err(ctx, EINVAL, "boot entry file path too long");
	if (!(b = calloc(1, n)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	put32(b, attributes);
	put16(b + 4, (uint16_t)plen);
	p = b + 6 + put_ucs2(b + 6, desc);
	p[0] = DP_MEDIA;
	p[1] = DP_MEDIA_HD;
	put16(p + 2, HD_LEN);
	put32(p + 4, hd->partno);
	put64(p + 8, hd->start);
	put64(p + 16, hd->size);
	memcpy(p + 24, hd->sig, 16);
	p[40] = HD_FORMAT_GPT;
	p[41] = HD_SIG_GUID;
	p += HD_LEN;
	p[0] = DP_MEDIA;
	p[1] = DP_MEDIA_FILE;
	put16(p + 2, (uint16_t)flen);
	p += 4 + put_ucs2(p + 4, file);
	p[0] = DP_END;
	p[1] = DP_END_ENTIRE;
	put16(p + 2, 4);
	*out = b;
	*len = n;
	return 0;
}

/* UCS-2 up to its NUL within [p, end) into ASCII; the bytes used, or 0. */
static size_t get_ucs2(const uint8_t *p, const uint8_t *end, char *out,
		       size_t sz)
{
	size_t i = 0;

	for (; p + 2 * i + 1 < end; i++) {
		uint16_t c = get16(p + 2 * i);

		if (!c) {
			out[i < sz ? i : sz - 1] = '\0';
			return 2 * (i + 1);
		}
		if (i < sz - 1)
			out[i] = c >= ' ' && c <= '~' ? (char)c : '?';
	}
	return 0;
}

/* One node of the path: HD and File are kept, others skipped. */
static int decode_node(struct ivg_ctx *ctx, const char *what, const uint8_t *p,
		       uint16_t nlen, bool first, struct ivg_loadopt *o)
{
	if (p[0] == DP_MEDIA && p[1] == DP_MEDIA_HD) {
		if (nlen != HD_LEN)
			return ivg_err(ctx, EINVAL, "%s: HD() node of %u bytes", what, nlen);
		o->has_hd = first && p[40] == HD_FORMAT_GPT && p[41] == HD_SIG_GUID;
		o->hd.partno = get32(p + 4);
		o->hd.start = get64(p + 8);
		o->hd.size = get64(p + 16);
		memcpy(o->hd.sig, p + 24, 16);
	} else if (p[0] == DP_MEDIA && p[1] == DP_MEDIA_FILE && !o->file[0]) {
		if (!get_ucs2(p + 4, p + nlen, o->file, sizeof(o->file)))
			return ivg_err(ctx, EINVAL, "%s: File() path without its NUL", what);
	}
	return 0;
}

int ivg_loadopt_decode(struct ivg_ctx *ctx, const char *what,
		       const uint8_t *buf, size_t len, struct ivg_loadopt *o)
{
	const uint8_t *end = buf + len, *p, *pend;
	size_t used;
	bool first = true;
	int r;

	memset(o, 0, sizeof(*o));
	if (len < 6)
		return ivg_err(ctx, EINVAL, "%s: %zu bytes, too short for a load option", what, len);
	o->attributes = get32(buf);
	used = get_ucs2(buf + 6, end, o->desc, sizeof(o->desc));
	if (!used)
		return ivg_err(ctx, EINVAL, "%s: description without its NUL", what);
	p = buf + 6 + used;
	pend = p + get16(buf + 4);
	if (pend > end)
		return ivg_err(ctx, EINVAL, "%s: device path runs past the end", what);
	while (p + 4 <= pend) {
		uint16_t nlen = get16(p + 2);

		if (nlen < 4 || p + nlen > pend)
			return ivg_err(ctx, EINVAL, "%s: device path node of %u bytes", what, nlen);
		if (p[0] == DP_END && p[1] == DP_END_ENTIRE)
			return 0;
		if ((r = decode_node(ctx, what, p, nlen, first, o)))
			return r;
		first = false;
		p += nlen;
	}
	return ivg_err(ctx, EINVAL, "%s: device path has no end node", what);
}

void ivg_loadopt_render(const struct ivg_loadopt *o, char *out, size_t sz)
{
	char guid[37];
	int n = 0;

	out[0] = '\0';
	if (o->has_hd) {
		ivg_guid_from_efi(o->hd.sig, guid);
		n = snprintf(out, sz, "HD(%u,GPT,%s,0x%llx,0x%llx)", o->hd.partno, guid,
			     (unsigned long long)o->hd.start,
			     (unsigned long long)o->hd.size);
	}
	if (o->file[0] && n >= 0 && (size_t)n < sz)
		snprintf(out + n, sz - (size_t)n, "%sFile(%s)", n ? "/" : "", o->file);
}

void ivg_bootorder_encode(const uint16_t *nums, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++)
		put16(out + 2 * i, nums[i]);
}

int ivg_bootorder_decode(struct ivg_ctx *ctx, const uint8_t *buf, size_t len,
			 uint16_t *nums, size_t max, size_t *n)
{
	if (len % 2 || len / 2 > max)
		return ivg_err(ctx, EINVAL, "BootOrder: %zu bytes is not a list of at most %zu entries",
			       len, max);
	for (size_t i = 0; i < len / 2; i++)
		nums[i] = get16(buf + 2 * i);
	*n = len / 2;
	return 0;
}
