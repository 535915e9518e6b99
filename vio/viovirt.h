/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viovirt.h - the libvirt hosts vios works on, through libvirt's C API.
 *
 * A host is a libvirt connection (its URI; NULL opens libvirt's default,
 * as virsh does: $LIBVIRT_DEFAULT_URI, uri_default, probing). Its
 * partitions are its persistent domains that carry vios's metadata
 * (viodom.h); libvirt is the one place they are kept. libvirt's errors
 * become the context's message, after what vios was doing.
 */
#ifndef VIO_VIRT_H
#define VIO_VIRT_H

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>

#include "ctx.h"
#include "violpar.h"

struct vio_host {
	virConnectPtr conn;
	char uri[1024];           /* the connection's own URI */
	char hostname[256];
};

/* A partition of a host: its model, domain and inactive XML. */
struct vio_part {
	struct vio_lpar lp;
	virDomainPtr dom;
	char *xml;                /* persistent definition */
	int state;                /* VIR_DOMAIN_* */
};

/* "what: libvirt's last error" as the message; returns -err. */
int vio_virt_err(struct ivg_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int vio_host_open(struct ivg_ctx *ctx, const char *uri, struct vio_host *h);
void vio_host_close(struct vio_host *h);

/* Every partition of the host (persistent domains with vios metadata). */
int vio_host_parts(struct ivg_ctx *ctx, const struct vio_host *h,
		   struct vio_part **out, size_t *n);
void vio_parts_free(struct vio_part *p, size_t n);

/* The lowest partition ID (from 1) and adapter number (vhostN, from 0)
 * that no partition of a host uses. */
void vio_parts_free_numbers(const struct vio_part *p, size_t n, unsigned *id,
			    unsigned *adapter);

/* One partition by name: -ENOENT "partition NAME does not exist on
 * host URI", -EINVAL when the domain is not a vios partition. */
int vio_host_part(struct ivg_ctx *ctx, const struct vio_host *h, const char *name,
		  struct vio_part *out);
void vio_part_free(struct vio_part *p);

/* Running or paused: its QEMU exists. */
bool vio_part_active(const struct vio_part *p);
const char *vio_state_name(int state);

/* Does the host offer KVM (the domain capabilities of virt type kvm)? */
bool vio_host_has_kvm(const struct vio_host *h);

/* Define (or redefine) a persistent domain: 0, or the error. */
int vio_host_define(struct ivg_ctx *ctx, const struct vio_host *h, const char *xml,
		    virDomainPtr *dom);

/*
 * Stop a domain: the ACPI power button, then wait up to timeout seconds
 * for it to go; then, with force, destroy it. -ETIMEDOUT when it still
 * runs. Returns 0 at once when it does not run.
 */
int vio_dom_stop(struct ivg_ctx *ctx, virDomainPtr dom, const char *name, long timeout,
		 bool force);

#endif
