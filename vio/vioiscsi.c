/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioiscsi.c - iSCSI LUNs through libiscsi: URL, login, INQUIRY, READ. */
#define _GNU_SOURCE
#include "vioiscsi.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

/* Our initiator name: tgtd and arrays log who asked. */
#define VIO_INITIATOR "iqn.2026-12.org.ivg:vios"
#define TIMEOUT_S 15
#define READ_CHUNK (1024 * 1024)

struct vio_iscsi {
	struct iscsi_context *c;
	char portal[300];
	char iqn[VIO_IQN_MAX];
	unsigned lun, block;      /* vio_iscsi_use */
};

static int bad_url(struct ivg_ctx *ctx, const char *url, const char *why)
{
	return ivg_err(ctx, EINVAL, "\"%s\": %s (want iscsi://HOST[:PORT]/IQN/LUN)", url, why);
}

int vio_iscsi_parse(struct ivg_ctx *ctx, const char *url, struct vio_iscsi_url *out)
{
	const char *p = url + strlen("iscsi://"), *end, *slash;
	size_t hlen;
	char *e;
	unsigned long v;

	memset(out, 0, sizeof(*out));
	out->port = VIO_ISCSI_PORT;
	if (strncmp(url, "iscsi://", 8))
		return bad_url(ctx, url, "not an iscsi:// URL");
	slash = strchr(p, '/');
	if (!slash)
		return bad_url(ctx, url, "no target IQN");
	if (memchr(p, '@', (size_t)(slash - p)))
		return bad_url(ctx, url, "user names and CHAP secrets are not taken in the URL");
	if (*p == '[') {
		end = memchr(p, ']', (size_t)(slash - p));
		if (!end)
			return bad_url(ctx, url, "an IPv6 address without its ']'");
		hlen = (size_t)(end - p) + 1;
	} else {
		end = memchr(p, ':', (size_t)(slash - p));
		hlen = (size_t)((end ? end : slash) - p);
	}
	if (!hlen || hlen >= sizeof(out->host))
		return bad_url(ctx, url, "no host, or a host name too long");
	memcpy(out->host, p, hlen);
	p += hlen;
	if (*p == ':') {
		errno = 0;
		v = strtoul(p + 1, &e, 10);
		if (errno || e != slash || e == p + 1 || v == 0 || v > 65535)
			return bad_url(ctx, url, "the port is not a number from 1 to 65535");
		out->port = (unsigned)v;
	} else if (p != slash) {
		return bad_url(ctx, url, "junk after the host");
	}
	p = slash + 1;
	slash = strchr(p, '/');
	if (!slash || slash == p)
		return bad_url(ctx, url, "no target IQN, or no LUN after it");
	if ((size_t)(slash - p) >= sizeof(out->iqn))
		return bad_url(ctx, url, "the IQN is too long");
	memcpy(out->iqn, p, (size_t)(slash - p));
	if (strspn(out->iqn, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") !=
	    strlen(out->iqn))
		return bad_url(ctx, url, "the IQN holds characters an iSCSI name does not");
	errno = 0;
	v = strtoul(slash + 1, &e, 10);
	if (errno || *e || e == slash + 1 || slash[1] == '-' || slash[1] == '+' ||
	    v > VIO_ISCSI_LUN_MAX)
		return bad_url(ctx, url, "the LUN is not a number from 0 to 16383");
	out->lun = (unsigned)v;
	return 0;
}

void vio_iscsi_format(const struct vio_iscsi_url *u, char *out, size_t len)
{
	snprintf(out, len, "iscsi://%s:%u/%s/%u", u->host, u->port, u->iqn, u->lun);
}

static void portal_of(const struct vio_iscsi_url *u, char *out, size_t len)
{
	snprintf(out, len, "%s:%u", u->host, u->port);
}

static struct iscsi_context *login(struct ivg_ctx *ctx, const char *portal,
				   const char *iqn, int *r)
{
	struct iscsi_context *c = iscsi_create_context(VIO_INITIATOR);

	*r = 0;
	if (!c) {
		*r = ivg_err(ctx, ENOMEM, "out of memory (libiscsi)");
		return NULL;
	}
	iscsi_set_timeout(c, TIMEOUT_S);
	iscsi_set_session_type(c, iqn ? ISCSI_SESSION_NORMAL : ISCSI_SESSION_DISCOVERY);
	iscsi_set_header_digest(c, ISCSI_HEADER_DIGEST_NONE_CRC32C);
	if ((iqn && iscsi_set_targetname(c, iqn)) || iscsi_connect_sync(c, portal) ||
	    iscsi_login_sync(c)) {
		*r = ivg_err(ctx, EHOSTUNREACH, "iSCSI %s%s%s: cannot log in: %s", portal,
			     iqn ? " target " : "", iqn ? iqn : "", iscsi_get_error(c));
		iscsi_destroy_context(c);
		return NULL;
	}
	return c;
}

int vio_iscsi_open(struct ivg_ctx *ctx, const struct vio_iscsi_url *u,
		   struct vio_iscsi **out)
{
	struct vio_iscsi *s = calloc(1, sizeof(*s));
	int r;

	*out = NULL;
	if (!s)
		return ivg_err(ctx, ENOMEM, "out of memory");
	portal_of(u, s->portal, sizeof(s->portal));
	snprintf(s->iqn, sizeof(s->iqn), "%s", u->iqn);
	if (!(s->c = login(ctx, s->portal, u->iqn, &r))) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

void vio_iscsi_close(struct vio_iscsi *s)
{
	if (!s)
		return;
	iscsi_logout_sync(s->c);
	iscsi_destroy_context(s->c);
	free(s);
}

/* A unit attention (after a login, a reset, a change of the LUN) only
 * reports an event: the command is sent again. */
static bool unit_attention(struct scsi_task *t)
{
	return t && t->status == SCSI_STATUS_CHECK_CONDITION &&
	       t->sense.key == SCSI_SENSE_UNIT_ATTENTION;
}

#define UA_RETRIES 5
#define RETRY_UA(task, call)                                                   \
	do {                                                                   \
		for (int try_ = 0;; try_++) {                                  \
			(task) = (call);                                       \
			if (!unit_attention(task) || try_ == UA_RETRIES)       \
				break;                                         \
			scsi_free_scsi_task(task);                             \
		}                                                              \
	} while (0)

/* A finished task: 0, or an error naming the command and the LUN. */
static int task_ok(struct ivg_ctx *ctx, struct vio_iscsi *s, struct scsi_task *t,
		   unsigned lun, const char *what)
{
	int r = 0;

	if (!t)
		return ivg_err(ctx, EIO, "iSCSI %s %s LUN %u: %s: %s", s->portal, s->iqn, lun,
			       what, iscsi_get_error(s->c));
	if (t->status == SCSI_STATUS_CHECK_CONDITION &&
	    t->sense.key == SCSI_SENSE_ILLEGAL_REQUEST && t->sense.ascq == SCSI_SENSE_ASCQ_LOGICAL_UNIT_NOT_SUPPORTED)
		r = ivg_err(ctx, ENXIO, "iSCSI %s target %s has no LUN %u", s->portal, s->iqn, lun);
	else if (t->status != SCSI_STATUS_GOOD)
		r = ivg_err(ctx, EIO, "iSCSI %s %s LUN %u: %s failed: %s", s->portal, s->iqn, lun,
			    what, iscsi_get_error(s->c));
	return r;
}

int vio_iscsi_vpd83(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned lun,
		    uint8_t buf[VIO_VPD_MAX], size_t *got)
{
	struct scsi_task *t;
	int r;

	RETRY_UA(t, iscsi_inquiry_sync(s->c, (int)lun, 1, 0x83, VIO_VPD_MAX));
	r = task_ok(ctx, s, t, lun, "INQUIRY (VPD page 0x83)");

	*got = 0;
	if (!r && t->datain.size > 0 && (t->datain.data[0] >> 5) == 3)
		r = ivg_err(ctx, ENXIO, "iSCSI %s target %s has no LUN %u", s->portal, s->iqn, lun);
	if (!r) {
		*got = (size_t)t->datain.size < VIO_VPD_MAX ? (size_t)t->datain.size : VIO_VPD_MAX;
		memcpy(buf, t->datain.data, *got);
	}
	if (t)
		scsi_free_scsi_task(t);
	return r;
}

int vio_iscsi_capacity(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned lun,
		       uint64_t *bytes, unsigned *block)
{
	struct scsi_readcapacity16 *rc;
	struct scsi_task *t;
	int r;

	RETRY_UA(t, iscsi_readcapacity16_sync(s->c, (int)lun));
	r = task_ok(ctx, s, t, lun, "READ CAPACITY (16)");

	if (!r && !(rc = scsi_datain_unmarshall(t)))
		r = ivg_err(ctx, EIO, "iSCSI %s %s LUN %u: READ CAPACITY (16): no answer",
			    s->portal, s->iqn, lun);
	if (!r) {
		*block = rc->block_length;
		*bytes = (rc->returned_lba + 1) * rc->block_length;
	}
	if (t)
		scsi_free_scsi_task(t);
	return r;
}

void vio_iscsi_use(struct vio_iscsi *s, unsigned lun, unsigned block)
{
	s->lun = lun;
	s->block = block;
}

int vio_iscsi_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len, uint64_t off)
{
	struct vio_iscsi *s = arg;
	unsigned bs = s->block;

	while (len) {
		uint64_t lba = off / bs, skip = off % bs;
		size_t want = len + skip > READ_CHUNK ? READ_CHUNK : len + (size_t)skip;
		uint32_t blocks = (uint32_t)((want + bs - 1) / bs);
		struct scsi_task *t;
		size_t n;
		int r;

		RETRY_UA(t, iscsi_read16_sync(s->c, (int)s->lun, lba, blocks * bs, (int)bs, 0, 0, 0,
					      0, 0));
		r = task_ok(ctx, s, t, s->lun, "READ (16)");

		if (!r && (size_t)t->datain.size < (size_t)blocks * bs)
			r = ivg_err(ctx, EIO, "iSCSI %s %s LUN %u: READ (16) at block %llu: short read",
				    s->portal, s->iqn, s->lun, (unsigned long long)lba);
		if (r) {
			if (t)
				scsi_free_scsi_task(t);
			return r;
		}
		n = want - (size_t)skip;
		memcpy(buf, t->datain.data + skip, n);
		scsi_free_scsi_task(t);
		buf = (char *)buf + n;
		off += n;
		len -= n;
	}
	return 0;
}

int vio_iscsi_luns(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned **luns, size_t *n)
{
	struct scsi_reportluns_list *l;
	struct scsi_task *t;
	int r;

	RETRY_UA(t, iscsi_reportluns_sync(s->c, 0, 16384));
	r = task_ok(ctx, s, t, 0, "REPORT LUNS");

	*luns = NULL;
	*n = 0;
	if (!r && !(l = scsi_datain_unmarshall(t)))
		r = ivg_err(ctx, EIO, "iSCSI %s %s: REPORT LUNS: no answer", s->portal, s->iqn);
	if (!r && !(*luns = calloc(l->num + 1, sizeof(**luns))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r) {
		for (uint32_t i = 0; i < l->num; i++)
			(*luns)[i] = l->luns[i] & 0x3fff;
		*n = l->num;
	}
	if (t)
		scsi_free_scsi_task(t);
	return r;
}

int vio_iscsi_targets(struct ivg_ctx *ctx, const struct vio_iscsi_url *u,
		      char (**iqns)[VIO_IQN_MAX], size_t *n)
{
	struct iscsi_discovery_address *da, *a;
	struct iscsi_context *c;
	char portal[300];
	size_t k = 0;
	int r;

	*iqns = NULL;
	*n = 0;
	portal_of(u, portal, sizeof(portal));
	if (!(c = login(ctx, portal, NULL, &r)))
		return r;
	if (!(da = iscsi_discovery_sync(c))) {
		r = ivg_err(ctx, EIO, "iSCSI %s: SendTargets discovery: %s", portal, iscsi_get_error(c));
		goto out;
	}
	for (a = da; a; a = a->next)
		k++;
	if (!(*iqns = calloc(k + 1, sizeof(**iqns)))) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
	} else {
		for (a = da; a; a = a->next)
			snprintf((*iqns)[(*n)++], VIO_IQN_MAX, "%s", a->target_name);
	}
	iscsi_free_discovery_data(c, da);
out:
	iscsi_logout_sync(c);
	iscsi_destroy_context(c);
	return r;
}
