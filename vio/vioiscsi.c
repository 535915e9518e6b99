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
	char iqn[IVG_IQN_MAX];
	unsigned lun, block;      /* vio_iscsi_use */
};

static void portal_of(const struct ivg_iscsi_url *u, char *out, size_t len)
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

int vio_iscsi_open(struct ivg_ctx *ctx, const struct ivg_iscsi_url *u,
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

int vio_iscsi_targets(struct ivg_ctx *ctx, const struct ivg_iscsi_url *u,
		      char (**iqns)[IVG_IQN_MAX], size_t *n)
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
			snprintf((*iqns)[(*n)++], IVG_IQN_MAX, "%s", a->target_name);
	}
	iscsi_free_discovery_data(c, da);
out:
	iscsi_logout_sync(c);
	iscsi_destroy_context(c);
	return r;
}
