/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viovirt.c - libvirt connections, partitions, define, stop. */
#define _GNU_SOURCE
#include "viovirt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "viodom.h"

int vio_virt_err(struct ivg_ctx *ctx, int err, const char *fmt, ...)
{
	char what[IVG_ERRMSG_MAX];
	const char *why = virGetLastErrorMessage();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ivg_err(ctx, err, "%s: %s", what, why ? why : "libvirt failed");
}

int vio_host_open(struct ivg_ctx *ctx, const char *uri, struct vio_host *h)
{
	char *u, *name;

	memset(h, 0, sizeof(*h));
	h->conn = virConnectOpenAuth(uri, virConnectAuthPtrDefault, 0);
	if (!h->conn)
		return vio_virt_err(ctx, EHOSTUNREACH, "cannot connect to libvirt host %s",
				    uri ? uri : "(default)");
	u = virConnectGetURI(h->conn);
	snprintf(h->uri, sizeof(h->uri), "%s", u ? u : uri ? uri : "");
	free(u);
	name = virConnectGetHostname(h->conn);
	snprintf(h->hostname, sizeof(h->hostname), "%s", name ? name : "");
	free(name);
	return 0;
}

void vio_host_close(struct vio_host *h)
{
	if (h->conn)
		virConnectClose(h->conn);
	h->conn = NULL;
}

void vio_part_free(struct vio_part *p)
{
	vio_lpar_free(&p->lp);
	if (p->dom)
		virDomainFree(p->dom);
	free(p->xml);
	memset(p, 0, sizeof(*p));
}

void vio_parts_free(struct vio_part *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vio_part_free(&p[i]);
	free(p);
}

static bool id_taken(const struct vio_part *p, size_t n, unsigned id, bool adapter)
{
	for (size_t i = 0; i < n; i++)
		if ((adapter ? p[i].lp.adapter : p[i].lp.id) == id)
			return true;
	return false;
}

void vio_parts_free_numbers(const struct vio_part *p, size_t n, unsigned *id,
			    unsigned *adapter)
{
	for (*id = 1; id_taken(p, n, *id, false); (*id)++)
		;
	for (*adapter = 0; id_taken(p, n, *adapter, true); (*adapter)++)
		;
}

/* Read dom into p: -ENOENT when it is not a vios partition. */
static int read_part(struct ivg_ctx *ctx, const struct vio_host *h, virDomainPtr dom,
		     struct vio_part *p)
{
	int reason, r;

	memset(p, 0, sizeof(*p));
	if (!(p->xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE)))
		return vio_virt_err(ctx, EIO, "domain %s on host %s", virDomainGetName(dom), h->uri);
	if ((r = vio_dom_parse(ctx, p->xml, &p->lp))) {
		free(p->xml);
		p->xml = NULL;
		return r;
	}
	if (virDomainGetState(dom, &p->state, &reason, 0) < 0)
		p->state = VIR_DOMAIN_NOSTATE;
	p->dom = dom;
	return 0;
}

int vio_host_parts(struct ivg_ctx *ctx, const struct vio_host *h, struct vio_part **out,
		   size_t *n)
{
	virDomainPtr *doms = NULL;
	int nd = virConnectListAllDomains(h->conn, &doms, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
	int r = 0;

	*out = NULL;
	*n = 0;
	if (nd < 0)
		return vio_virt_err(ctx, EIO, "cannot list the domains of host %s", h->uri);
	if (!(*out = calloc((size_t)nd + 1, sizeof(**out))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (int i = 0; i < nd; i++) {
		int e = r ? -1 : read_part(ctx, h, doms[i], &(*out)[*n]);

		if (!e) {
			(*n)++;
			continue;
		}
		virDomainFree(doms[i]);
		if (e != -ENOENT && !r)
			r = e;
	}
	free(doms);
	if (r) {
		vio_parts_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return r;
}

int vio_host_part(struct ivg_ctx *ctx, const struct vio_host *h, const char *name,
		  struct vio_part *out)
{
	virDomainPtr dom = virDomainLookupByName(h->conn, name);
	int r;

	memset(out, 0, sizeof(*out));
	if (!dom)
		return ivg_err(ctx, ENOENT, "partition %s does not exist on host %s", name, h->uri);
	if ((r = read_part(ctx, h, dom, out))) {
		virDomainFree(dom);
		if (r == -ENOENT)
			return ivg_err(ctx, EINVAL, "domain %s on host %s is not a vios partition (no vios metadata)",
				       name, h->uri);
	}
	return r;
}

bool vio_part_active(const struct vio_part *p)
{
	return p->dom && virDomainIsActive(p->dom) == 1;
}

const char *vio_state_name(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING: return "Running";
	case VIR_DOMAIN_BLOCKED: return "Running";
	case VIR_DOMAIN_PAUSED: return "Paused";
	case VIR_DOMAIN_SHUTDOWN: return "Shutting down";
	case VIR_DOMAIN_CRASHED: return "Crashed";
	case VIR_DOMAIN_PMSUSPENDED: return "Suspended";
	default: return "Not Activated";
	}
}

bool vio_host_has_kvm(const struct vio_host *h)
{
	char *caps = virConnectGetDomainCapabilities(h->conn, NULL, "x86_64", NULL, "kvm", 0);

	free(caps);
	return caps != NULL;
}

int vio_host_define(struct ivg_ctx *ctx, const struct vio_host *h, const char *xml,
		    virDomainPtr *dom)
{
	virDomainPtr d = virDomainDefineXMLFlags(h->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);

	if (!d)
		return vio_virt_err(ctx, EIO, "host %s refused the domain", h->uri);
	if (dom)
		*dom = d;
	else
		virDomainFree(d);
	return 0;
}

static bool gone(virDomainPtr dom)
{
	return virDomainIsActive(dom) != 1;
}

static bool wait_gone(virDomainPtr dom, long timeout)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	for (long ticks = timeout * 5; !gone(dom); ticks--) {
		if (ticks <= 0)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

int vio_dom_stop(struct ivg_ctx *ctx, virDomainPtr dom, const char *name, long timeout,
		 bool force)
{
	if (gone(dom))
		return 0;
	if (virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) == 0 &&
	    wait_gone(dom, timeout))
		return 0;
	if (gone(dom))
		return 0;
	if (!force)
		return ivg_err(ctx, ETIMEDOUT, "partition %s did not power down in %lds (--force stops it)",
			       name, timeout);
	if (virDomainDestroy(dom) < 0 && !gone(dom))
		return vio_virt_err(ctx, EIO, "cannot stop partition %s", name);
	return 0;
}
