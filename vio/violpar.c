/* SPDX-License-Identifier: GPL-2.0-or-later */
/* violpar.c - partitions, their VTDs and device lists. */
#include "violpar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const boot_types[] = { "normal", "install", "maintenance" };
static const char *const lists[VIO_NLISTS] = {
	"normal", "install", "maintenance", "rootvg", "primary", "secondary",
	"nonessential",
};

const char *vio_boot_type_name(enum vio_boot_type t)
{
	return boot_types[t];
}

int vio_boot_type_parse(const char *s, enum vio_boot_type *t)
{
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, boot_types[i])) {
			*t = (enum vio_boot_type)i;
			return 0;
		}
	return -EINVAL;
}

const char *vio_list_name(enum vio_list l)
{
	return lists[l];
}

int vio_list_parse(const char *s, enum vio_list *l)
{
	if (!strcmp(s, "boot"))
		s = "normal";
	if (!strcmp(s, "non-essential"))
		s = "nonessential";
	for (unsigned i = 0; i < VIO_NLISTS; i++)
		if (!strcmp(s, lists[i])) {
			*l = (enum vio_list)i;
			return 0;
		}
	return -EINVAL;
}

bool vio_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= VIO_NAME_MAX || s[0] == '-')
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._+-") == n;
}

struct vio_vtd *vio_lpar_vtd(const struct vio_lpar *lp, const char *name)
{
	for (size_t i = 0; i < lp->nvtds; i++)
		if (!strcmp(lp->vtds[i].name, name))
			return &lp->vtds[i];
	return NULL;
}

struct vio_vtd *vio_lpar_vtd_at(const struct vio_lpar *lp, unsigned scsi_id, unsigned lun)
{
	for (size_t i = 0; i < lp->nvtds; i++)
		if (lp->vtds[i].scsi_id == scsi_id && lp->vtds[i].lun == lun)
			return &lp->vtds[i];
	return NULL;
}

int vio_lpar_add_vtd(struct ivg_ctx *ctx, struct vio_lpar *lp, const struct vio_vtd *v)
{
	struct vio_vtd *grown;

	if (lp->nvtds >= VIO_VTD_MAX)
		return ivg_err(ctx, ENOSPC, "partition %s has %d virtual target devices already",
			       lp->name, VIO_VTD_MAX);
	grown = realloc(lp->vtds, (lp->nvtds + 1) * sizeof(*grown));
	if (!grown)
		return ivg_err(ctx, ENOMEM, "out of memory");
	lp->vtds = grown;
	lp->vtds[lp->nvtds++] = *v;
	return 0;
}

static void list_drop(struct vio_lpar *lp, enum vio_list l, const char *name)
{
	size_t w = 0;

	for (size_t i = 0; i < lp->nlist[l]; i++)
		if (strcmp(lp->list[l][i], name))
			memmove(lp->list[l][w++], lp->list[l][i], VIO_NAME_MAX);
	lp->nlist[l] = w;
}

void vio_lpar_rm_vtd(struct vio_lpar *lp, const char *name)
{
	size_t w = 0;

	for (size_t i = 0; i < lp->nvtds; i++)
		if (strcmp(lp->vtds[i].name, name))
			lp->vtds[w++] = lp->vtds[i];
	lp->nvtds = w;
	for (unsigned l = 0; l < VIO_NLISTS; l++)
		list_drop(lp, (enum vio_list)l, name);
}

int vio_lpar_set_list(struct ivg_ctx *ctx, struct vio_lpar *lp, enum vio_list l,
		      char *const *names, size_t n)
{
	if (n > VIO_LIST_MAX)
		return ivg_err(ctx, E2BIG, "the %s list of %s: at most %d devices",
			       vio_list_name(l), lp->name, VIO_LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!vio_lpar_vtd(lp, names[i]))
			return ivg_err(ctx, ENOENT, "partition %s has no virtual target device %s",
				       lp->name, names[i]);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(names[k], names[i]))
				return ivg_err(ctx, EINVAL, "the %s list names %s twice",
					       vio_list_name(l), names[i]);
	}
	for (size_t i = 0; i < n; i++)
		snprintf(lp->list[l][i], VIO_NAME_MAX, "%s", names[i]);
	lp->nlist[l] = n;
	return 0;
}

int vio_lpar_copy(struct ivg_ctx *ctx, struct vio_lpar *dst, const struct vio_lpar *src)
{
	*dst = *src;
	dst->vtds = NULL;
	if (!src->nvtds)
		return 0;
	if (!(dst->vtds = malloc(src->nvtds * sizeof(*dst->vtds)))) {
		dst->nvtds = 0;
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	memcpy(dst->vtds, src->vtds, src->nvtds * sizeof(*dst->vtds));
	return 0;
}

void vio_lpar_free(struct vio_lpar *lp)
{
	free(lp->vtds);
	lp->vtds = NULL;
	lp->nvtds = 0;
}
