/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioscsi.c - the WWN from VPD page 0x83, and INQUIRY through SG_IO. */
#include "vioscsi.h"

#include <errno.h>
#include <scsi/sg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

/* Designator types (SPC-4 7.8.6) and NAA formats. */
enum { DESIG_T10 = 1, DESIG_EUI64 = 2, DESIG_NAA = 3, DESIG_NAME = 8 };

/* Lower is better: udev's scsi_id order. -1: not a candidate. */
static int rank(const uint8_t *d)
{
	unsigned type = d[1] & 0x0f, naa = d[4] >> 4;

	if (d[3] == 0)
		return -1;
	switch (type) {
	case DESIG_NAA:
		return naa == 6 ? 0 : naa == 5 ? 1 : naa == 2 ? 2 : naa == 3 ? 3 : 4;
	case DESIG_EUI64:
		return 5;
	case DESIG_NAME:
		return 6;
	case DESIG_T10:
		return 7;
	}
	return -1;
}

static void hex(const uint8_t *p, size_t n, const char *prefix, char out[VIO_WWN_MAX])
{
	size_t k = (size_t)snprintf(out, VIO_WWN_MAX, "%s", prefix);

	for (size_t i = 0; i < n && k + 3 < VIO_WWN_MAX; i++)
		k += (size_t)snprintf(out + k, VIO_WWN_MAX - k, "%02x", p[i]);
}

/* Text designators: printable, blanks as '_' and none at the ends. */
static void text(const uint8_t *p, size_t n, const char *prefix, char out[VIO_WWN_MAX])
{
	size_t k = (size_t)snprintf(out, VIO_WWN_MAX, "%s", prefix), start = k;

	for (size_t i = 0; i < n && p[i] && k + 1 < VIO_WWN_MAX; i++) {
		char c = (char)p[i];

		if (c == ' ' || c < ' ' || c > '~')
			c = '_';
		if (c == '_' && (k == start || out[k - 1] == '_'))
			continue;
		out[k++] = c;
	}
	while (k > start && out[k - 1] == '_')
		k--;
	out[k] = 0;
}

int vio_wwn_from_vpd83(const uint8_t *page, size_t len, char out[VIO_WWN_MAX])
{
	const uint8_t *best = NULL;
	size_t plen, off;
	int best_rank = 99;

	out[0] = 0;
	if (len < 4 || page[1] != 0x83)
		return -EILSEQ;
	plen = ((size_t)page[2] << 8 | page[3]) + 4;
	if (plen > len)
		plen = len;         /* a short read: what arrived */
	for (off = 4; off + 4 <= plen; off += 4 + (size_t)page[off + 3]) {
		const uint8_t *d = page + off;
		int r;

		if (off + 4 + d[3] > plen)
			return -EILSEQ;
		if ((d[1] & 0x30) != 0)     /* names a port or a target */
			continue;
		r = rank(d);
		if (r >= 0 && r < best_rank) {
			best = d;
			best_rank = r;
		}
	}
	if (!best)
		return -ENOENT;
	switch (best[1] & 0x0f) {
	case DESIG_NAA:
		hex(best + 4, best[3], "naa.", out);
		break;
	case DESIG_EUI64:
		hex(best + 4, best[3], "eui.", out);
		break;
	case DESIG_T10:
		text(best + 4, best[3], "t10.", out);
		break;
	default:
		text(best + 4, best[3], "", out);
	}
	return out[0] ? 0 : -ENOENT;
}

static bool all_hex(const char *s)
{
	return *s && strspn(s, "0123456789abcdefABCDEF") == strlen(s);
}

int vio_wwn_from_wwid(const char *wwid, char out[VIO_WWN_MAX])
{
	const char *rest = wwid + 1;
	char lower[VIO_WWN_MAX];
	size_t i;

	out[0] = 0;
	if (!wwid[0] || !rest[0] || strlen(rest) >= sizeof(lower))
		return -EINVAL;
	for (i = 0; rest[i]; i++)
		lower[i] = (char)(rest[i] >= 'A' && rest[i] <= 'F' ? rest[i] - 'A' + 'a' : rest[i]);
	lower[i] = 0;
	switch (wwid[0]) {
	case '3':
	case '2':
		if (!all_hex(lower))
			return -EINVAL;
		/* A WWN cut short would name another LUN. */
		if ((size_t)snprintf(out, VIO_WWN_MAX, "%s%s", wwid[0] == '3' ? "naa." : "eui.",
				     lower) >= VIO_WWN_MAX)
			return -EINVAL;
		return 0;
	case '1':
		text((const uint8_t *)rest, strlen(rest), "t10.", out);
		return 0;
	case '8':
		snprintf(out, VIO_WWN_MAX, "%s", rest);
		return 0;
	}
	return -EINVAL;
}

int vio_sg_inquiry_vpd83(struct ivg_ctx *ctx, int fd, const char *path,
			 uint8_t buf[VIO_VPD_MAX], size_t *got)
{
	uint8_t cdb[6] = { 0x12, 0x01, 0x83, VIO_VPD_MAX >> 8, VIO_VPD_MAX & 0xff, 0 };
	uint8_t sense[32];
	struct sg_io_hdr io;

	*got = 0;
	memset(buf, 0, VIO_VPD_MAX);
	memset(&io, 0, sizeof(io));
	io.interface_id = 'S';
	io.dxfer_direction = SG_DXFER_FROM_DEV;
	io.cmd_len = sizeof(cdb);
	io.cmdp = cdb;
	io.dxferp = buf;
	io.dxfer_len = VIO_VPD_MAX;
	io.sbp = sense;
	io.mx_sb_len = sizeof(sense);
	io.timeout = 30000;
	if (ioctl(fd, SG_IO, &io) < 0) {
		if (errno == ENOTTY || errno == EINVAL)
			return -ENOTTY;
		return ivg_err(ctx, errno, "%s: SCSI INQUIRY (VPD page 0x83): %s", path,
			       strerror(errno));
	}
	if ((io.info & SG_INFO_OK_MASK) != SG_INFO_OK)
		return ivg_err(ctx, EIO, "%s: SCSI INQUIRY (VPD page 0x83) failed (status 0x%x, host 0x%x, driver 0x%x)",
			       path, io.status, io.host_status, io.driver_status);
	*got = VIO_VPD_MAX - (size_t)(io.resid > 0 ? io.resid : 0);
	return 0;
}
