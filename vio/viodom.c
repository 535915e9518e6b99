/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viodom.c - a partition to and from its libvirt domain XML (libxml2). */
#define _GNU_SOURCE
#include "viodom.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vioboot.h"
#include "violease.h"

#define FWCFG_NAME "opt/ivg/vios"
#define VIO_CONTROLLER "0"

static const xmlChar *X(const char *s)
{
	return (const xmlChar *)s;
}

static bool is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, X(name));
}

static bool ours(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !xmlStrcmp(n->ns->href, X(VIO_XMLNS));
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name) && !ours(c))
			return c;
	return NULL;
}

/* An attribute as a string ("" when missing); free with xmlFree. */
static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, X(name));

	return v ? (char *)v : (char *)xmlStrdup(X(""));
}

static void attr_copy(xmlNode *n, const char *name, char *out, size_t len)
{
	char *v = attr(n, name);

	snprintf(out, len, "%s", v ? v : "");
	xmlFree(v);
}

static bool attr_u64(xmlNode *n, const char *name, uint64_t *out)
{
	char *v = attr(n, name), *end;
	bool ok;

	errno = 0;
	*out = strtoull(v, &end, 10);
	ok = v[0] && !*end && !errno && v[0] != '-';
	xmlFree(v);
	return ok;
}

static bool attr_uint(xmlNode *n, const char *name, unsigned max, unsigned *out)
{
	uint64_t v;

	if (!attr_u64(n, name, &v) || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static void set_u64(xmlNode *n, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	xmlSetProp(n, X(name), X(buf));
}

/* ---- reading ---------------------------------------------------------- */

static int bad(struct ivg_ctx *ctx, const struct vio_lpar *lp, const char *what)
{
	return ivg_err(ctx, EILSEQ, "domain %s: vios metadata: %s", lp->name, what);
}

static int read_vtd(struct ivg_ctx *ctx, struct vio_lpar *lp, xmlNode *n)
{
	struct vio_vtd v;
	char mode[8], kind[16];

	memset(&v, 0, sizeof(v));
	attr_copy(n, "name", v.name, sizeof(v.name));
	attr_copy(n, "mode", mode, sizeof(mode));
	attr_copy(n, "kind", kind, sizeof(kind));
	attr_copy(n, "source", v.backing.source, sizeof(v.backing.source));
	attr_copy(n, "wwn", v.backing.wwn, sizeof(v.backing.wwn));
	attr_copy(n, "pv", v.backing.pv, sizeof(v.backing.pv));
	if (!vio_name_valid(v.name) || vio_lpar_vtd(lp, v.name))
		return bad(ctx, lp, "a VTD without a valid name of its own");
	if (!attr_uint(n, "scsi_id", VIO_SCSI_ID_MAX, &v.scsi_id) ||
	    !attr_uint(n, "lun", VIO_LUN_MAX, &v.lun) ||
	    (strcmp(mode, "ro") && strcmp(mode, "rw")) ||
	    vio_lun_kind_parse(kind, &v.backing.kind) || !v.backing.source[0])
		return bad(ctx, lp, "a VTD without SCSI ID, LUN, mode, kind or source");
	v.ro = !strcmp(mode, "ro");
	attr_u64(n, "size", &v.backing.size);
	attr_u64(n, "file_dev", &v.backing.file_dev);
	attr_u64(n, "file_ino", &v.backing.file_ino);
	if (v.backing.kind == VIO_LUN_ISCSI) {
		struct ivg_ctx quiet;

		ivg_ctx_init(&quiet);
		if (ivg_iscsi_url_parse(&quiet, v.backing.source, &v.backing.url))
			return bad(ctx, lp, ivg_errmsg(&quiet));
	}
	return vio_lpar_add_vtd(ctx, lp, &v);
}

static int read_list(struct ivg_ctx *ctx, struct vio_lpar *lp, xmlNode *n)
{
	char name[32], *text = (char *)xmlNodeGetContent(n), *save = NULL, *names[VIO_LIST_MAX + 1];
	enum vio_list l;
	size_t k = 0;
	int r;

	attr_copy(n, "name", name, sizeof(name));
	if (vio_list_parse(name, &l)) {
		xmlFree(text);
		return bad(ctx, lp, "a list of no known name");
	}
	for (char *t = strtok_r(text ? text : (char *)"", " \t\n", &save); t && k <= VIO_LIST_MAX;
	     t = strtok_r(NULL, " \t\n", &save))
		names[k++] = t;
	r = vio_lpar_set_list(ctx, lp, l, names, k);
	xmlFree(text);
	return r ? bad(ctx, lp, ivg_errmsg(ctx)) : 0;
}

static int read_meta(struct ivg_ctx *ctx, struct vio_lpar *lp, xmlNode *p)
{
	char bt[32];
	int r = 0;

	attr_copy(p, "boot_type", bt, sizeof(bt));
	if (!attr_uint(p, "id", 65535, &lp->id) || !attr_uint(p, "adapter", 65535, &lp->adapter) ||
	    vio_boot_type_parse(bt, &lp->boot_type))
		return bad(ctx, lp, "no partition ID, adapter or boot type");
	for (xmlNode *c = p->children; !r && c; c = c->next)
		if (ours(c) && is(c, "vtd"))
			r = read_vtd(ctx, lp, c);
	for (xmlNode *c = p->children; !r && c; c = c->next)
		if (ours(c) && is(c, "list"))
			r = read_list(ctx, lp, c);
	return r;
}

/* Memory in MiB from <memory unit=...>. */
static uint64_t memory_mb(xmlNode *m)
{
	char unit[16];
	uint64_t v = 0, kib;
	char *text = m ? (char *)xmlNodeGetContent(m) : NULL;

	if (!text)
		return 0;
	v = strtoull(text, NULL, 10);
	xmlFree(text);
	attr_copy(m, "unit", unit, sizeof(unit));
	if (!unit[0] || !strcmp(unit, "KiB") || !strcmp(unit, "k"))
		kib = v;
	else if (!strcmp(unit, "MiB") || !strcmp(unit, "M"))
		kib = v << 10;
	else if (!strcmp(unit, "GiB") || !strcmp(unit, "G"))
		kib = v << 20;
	else if (!strcmp(unit, "b") || !strcmp(unit, "bytes"))
		kib = v >> 10;
	else
		kib = v;
	return kib >> 10;
}

static void read_domain(struct vio_lpar *lp, xmlNode *root)
{
	xmlNode *n, *dev = child(root, "devices");
	char type[16], *text;

	attr_copy(root, "type", type, sizeof(type));
	lp->kvm = !strcmp(type, "kvm");
	lp->memory_mb = memory_mb(child(root, "memory"));
	if ((n = child(root, "vcpu")) && (text = (char *)xmlNodeGetContent(n))) {
		lp->cpus = (unsigned)strtoul(text, NULL, 10);
		xmlFree(text);
	}
	for (n = dev ? dev->children : NULL; n; n = n->next)
		if (is(n, "serial") && child(n, "log")) {
			attr_copy(child(n, "log"), "file", lp->console_log, sizeof(lp->console_log));
			break;
		}
}

static xmlNode *meta_of(xmlNode *root)
{
	for (xmlNode *c = child(root, "metadata") ? child(root, "metadata")->children : NULL; c;
	     c = c->next)
		if (ours(c) && is(c, "partition"))
			return c;
	return NULL;
}

int vio_dom_parse(struct ivg_ctx *ctx, const char *xml, struct vio_lpar *lp)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL, *meta, *name;
	char *text;
	int r;

	memset(lp, 0, sizeof(*lp));
	if (!root || !is(root, "domain") || !(name = child(root, "name"))) {
		xmlFreeDoc(doc);
		return ivg_err(ctx, EILSEQ, "a domain XML that does not read");
	}
	text = (char *)xmlNodeGetContent(name);
	snprintf(lp->name, sizeof(lp->name), "%s", text ? text : "");
	xmlFree(text);
	if (!(meta = meta_of(root))) {
		xmlFreeDoc(doc);
		return -ENOENT;
	}
	read_domain(lp, root);
	r = read_meta(ctx, lp, meta);
	xmlFreeDoc(doc);
	if (r)
		vio_lpar_free(lp);
	return r;
}

/* ---- writing ---------------------------------------------------------- */

static const char skeleton[] =
	"<domain type='qemu'>"
	"<os><type arch='x86_64' machine='pc'>hvm</type></os>"
	"<features><acpi/></features>"
	"<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
	"<on_crash>destroy</on_crash>"
	"<devices><memballoon model='none'/></devices>"
	"</domain>";

static xmlNode *need_child(xmlNode *n, const char *name)
{
	xmlNode *c = child(n, name);

	return c ? c : xmlNewChild(n, NULL, X(name), NULL);
}

/* Replace the text of element 'name' under n. */
static xmlNode *set_text(xmlNode *n, const char *name, const char *text)
{
	xmlNode *c = need_child(n, name);

	xmlNodeSetContent(c, NULL);
	xmlNodeAddContent(c, X(text));
	return c;
}

static void drop(xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

static void write_meta(xmlNode *root, const struct vio_lpar *lp)
{
	xmlNode *md = need_child(root, "metadata"), *old = meta_of(root), *p;
	xmlNs *ns;

	if (old)
		drop(old);
	p = xmlNewChild(md, NULL, X("partition"), NULL);
	ns = xmlNewNs(p, X(VIO_XMLNS), X("vios"));
	xmlSetNs(p, ns);
	set_u64(p, "id", lp->id);
	set_u64(p, "adapter", lp->adapter);
	xmlSetProp(p, X("boot_type"), X(vio_boot_type_name(lp->boot_type)));
	for (size_t i = 0; i < lp->nvtds; i++) {
		const struct vio_vtd *v = &lp->vtds[i];
		xmlNode *e = xmlNewChild(p, ns, X("vtd"), NULL);

		xmlSetProp(e, X("name"), X(v->name));
		set_u64(e, "scsi_id", v->scsi_id);
		set_u64(e, "lun", v->lun);
		xmlSetProp(e, X("mode"), X(v->ro ? "ro" : "rw"));
		xmlSetProp(e, X("kind"), X(vio_lun_kind_name(v->backing.kind)));
		xmlSetProp(e, X("source"), X(v->backing.source));
		if (v->backing.wwn[0])
			xmlSetProp(e, X("wwn"), X(v->backing.wwn));
		if (v->backing.pv[0])
			xmlSetProp(e, X("pv"), X(v->backing.pv));
		set_u64(e, "size", v->backing.size);
		if (v->backing.kind == VIO_LUN_FILE) {
			set_u64(e, "file_dev", v->backing.file_dev);
			set_u64(e, "file_ino", v->backing.file_ino);
		}
	}
	for (unsigned l = 0; l < VIO_NLISTS; l++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f;

		if (!lp->nlist[l] || !(f = open_memstream(&text, &len)))
			continue;
		for (size_t i = 0; i < lp->nlist[l]; i++)
			fprintf(f, "%s%s", i ? " " : "", lp->list[l][i]);
		fclose(f);
		xmlSetProp(xmlNewTextChild(p, ns, X("list"), X(text)), X("name"),
			   X(vio_list_name((enum vio_list)l)));
		free(text);
	}
}

/* Is n a disk on vios's adapter? */
static bool our_disk(xmlNode *n)
{
	xmlNode *a = child(n, "address"), *t = child(n, "target");
	char type[16], ctl[16], bus[16];

	if (!is(n, "disk") || !a || !t)
		return false;
	attr_copy(a, "type", type, sizeof(type));
	attr_copy(a, "controller", ctl, sizeof(ctl));
	attr_copy(t, "bus", bus, sizeof(bus));
	return !strcmp(type, "drive") && !strcmp(ctl, VIO_CONTROLLER) && !strcmp(bus, "scsi");
}

static bool our_controller(xmlNode *n)
{
	char type[16], idx[16];

	if (!is(n, "controller"))
		return false;
	attr_copy(n, "type", type, sizeof(type));
	attr_copy(n, "index", idx, sizeof(idx));
	return !strcmp(type, "scsi") && !strcmp(idx, VIO_CONTROLLER);
}

/* A lease vios wrote: in its lockspace, or keyed by a LUN of the
 * partition (from a lockspace configured before). */
static bool our_lease(xmlNode *n, const char *space, const char *dir,
		      const struct vio_lpar *lp)
{
	xmlNode *ls = child(n, "lockspace"), *t = child(n, "target"), *k = child(n, "key");
	char *name = ls ? (char *)xmlNodeGetContent(ls) : NULL, path[4096] = "";
	char *key = k ? (char *)xmlNodeGetContent(k) : NULL;
	bool mine;

	if (!is(n, "lease")) {
		xmlFree(name);
		xmlFree(key);
		return false;
	}
	if (t)
		attr_copy(t, "path", path, sizeof(path));
	mine = space && name && !strcmp(name, space) && !strcmp(path, dir);
	for (size_t i = 0; !mine && key && i < lp->nvtds; i++) {
		char lkey[VIO_WWN_MAX + 8];

		vio_lease_key(&lp->vtds[i].backing, lkey, sizeof(lkey));
		mine = lkey[0] && !strcmp(lkey, key);
	}
	xmlFree(name);
	xmlFree(key);
	return mine;
}

static bool our_fwcfg(xmlNode *n)
{
	char type[16], name[64];
	xmlNode *e = child(n, "entry");

	if (!is(n, "sysinfo") || !e)
		return false;
	attr_copy(n, "type", type, sizeof(type));
	attr_copy(e, "name", name, sizeof(name));
	return !strcmp(type, "fwcfg") && !strcmp(name, FWCFG_NAME);
}

/* sda, sdb, ..., sdz, sdaa, ... */
static void disk_dev(size_t i, char out[16])
{
	char tmp[8];
	int n = 0;

	i++;
	while (i && n < 7) {
		i--;
		tmp[n++] = (char)('a' + i % 26);
		i /= 26;
	}
	strcpy(out, "sd");
	for (int k = 0; k < n; k++)
		out[2 + k] = tmp[n - 1 - k];
	out[2 + n] = 0;
}

/* Is target dev 'name' taken by a disk not on vios's adapter? */
static bool dev_taken(xmlNode *devices, const char *name)
{
	for (xmlNode *n = devices->children; n; n = n->next) {
		char dev[32];

		if (!is(n, "disk") || !child(n, "target"))
			continue;
		attr_copy(child(n, "target"), "dev", dev, sizeof(dev));
		if (!strcmp(dev, name))
			return true;
	}
	return false;
}

static void write_disk(xmlNode *devices, const struct vio_vtd *v, unsigned boot,
		       size_t *next_dev)
{
	xmlNode *d = xmlNewChild(devices, NULL, X("disk"), NULL), *e, *s;
	const struct vio_lun *b = &v->backing;
	char dev[16], buf[300];

	xmlSetProp(d, X("type"), X(b->kind == VIO_LUN_ISCSI ? "network" :
				  b->kind == VIO_LUN_BLOCK ? "block" : "file"));
	xmlSetProp(d, X("device"), X("disk"));
	e = xmlNewChild(d, NULL, X("driver"), NULL);
	xmlSetProp(e, X("name"), X("qemu"));
	xmlSetProp(e, X("type"), X("raw"));
	/* No host cache: what one host wrote is what the next one reads
	 * (and libvirt calls such a disk safe to migrate live). */
	if (b->kind != VIO_LUN_FILE)
		xmlSetProp(e, X("cache"), X("none"));
	s = xmlNewChild(d, NULL, X("source"), NULL);
	if (b->kind == VIO_LUN_ISCSI) {
		xmlSetProp(s, X("protocol"), X("iscsi"));
		snprintf(buf, sizeof(buf), "%s/%u", b->url.iqn, b->url.lun);
		xmlSetProp(s, X("name"), X(buf));
		/* libvirt takes an IPv6 address without its brackets. */
		if (b->url.host[0] == '[')
			snprintf(buf, sizeof(buf), "%.*s", (int)strlen(b->url.host) - 2, b->url.host + 1);
		else
			snprintf(buf, sizeof(buf), "%s", b->url.host);
		e = xmlNewChild(s, NULL, X("host"), NULL);
		xmlSetProp(e, X("name"), X(buf));
		set_u64(e, "port", b->url.port);
	} else {
		xmlSetProp(s, X(b->kind == VIO_LUN_BLOCK ? "dev" : "file"), X(b->source));
	}
	do
		disk_dev((*next_dev)++, dev);
	while (dev_taken(devices, dev));
	e = xmlNewChild(d, NULL, X("target"), NULL);
	xmlSetProp(e, X("dev"), X(dev));
	xmlSetProp(e, X("bus"), X("scsi"));
	xmlNewTextChild(d, NULL, X("serial"), X(v->name));
	if (v->ro) {
		xmlNewChild(d, NULL, X("readonly"), NULL);
		xmlNewChild(d, NULL, X("shareable"), NULL);
	}
	if (boot)
		set_u64(xmlNewChild(d, NULL, X("boot"), NULL), "order", boot);
	e = xmlNewChild(d, NULL, X("address"), NULL);
	xmlSetProp(e, X("type"), X("drive"));
	xmlSetProp(e, X("controller"), X(VIO_CONTROLLER));
	xmlSetProp(e, X("bus"), X("0"));
	set_u64(e, "target", v->scsi_id);
	set_u64(e, "unit", v->lun);
}

static void write_lease(xmlNode *devices, const char *space, const char *dir,
			const char *key)
{
	xmlNode *l = xmlNewChild(devices, NULL, X("lease"), NULL);

	xmlNewTextChild(l, NULL, X("lockspace"), X(space));
	xmlNewTextChild(l, NULL, X("key"), X(key));
	xmlSetProp(xmlNewChild(l, NULL, X("target"), NULL), X("path"), X(dir));
}

/* The serial console, logged to a file, on a new domain. */
static void write_console(xmlNode *devices, const char *name)
{
	xmlNode *s = xmlNewChild(devices, NULL, X("serial"), NULL), *e;
	char path[4096];

	xmlSetProp(s, X("type"), X("pty"));
	snprintf(path, sizeof(path), VIO_CONSOLE_LOG_DIR "/%s-console.log", name);
	e = xmlNewChild(s, NULL, X("log"), NULL);
	xmlSetProp(e, X("file"), X(path));
	xmlSetProp(e, X("append"), X("on"));
	xmlSetProp(xmlNewChild(s, NULL, X("target"), NULL), X("port"), X("0"));
	s = xmlNewChild(devices, NULL, X("console"), NULL);
	xmlSetProp(s, X("type"), X("pty"));
	e = xmlNewChild(s, NULL, X("target"), NULL);
	xmlSetProp(e, X("type"), X("serial"));
	xmlSetProp(e, X("port"), X("0"));
}

static void write_fwcfg(xmlNode *root, const struct vio_lpar *lp, enum vio_boot_type mode)
{
	char *info = vio_boot_info(lp, mode);
	xmlNode *s, *e;

	for (xmlNode *n = root->children, *next; n; n = next) {
		next = n->next;
		if (our_fwcfg(n))
			drop(n);
	}
	if (!info)
		return;
	s = xmlNewChild(root, NULL, X("sysinfo"), NULL);
	xmlSetProp(s, X("type"), X("fwcfg"));
	e = xmlNewTextChild(s, NULL, X("entry"), X(info));
	xmlSetProp(e, X("name"), X(FWCFG_NAME));
	free(info);
}

static void write_devices(xmlNode *root, const struct vio_lpar *lp, enum vio_boot_type mode,
			  const char *lockspace)
{
	xmlNode *devices = need_child(root, "devices"), *os = need_child(root, "os"), *c;
	char dirbuf[4096], basebuf[4096], *space = NULL, *dir = NULL;
	size_t order[VIO_LIST_MAX], norder = vio_boot_order(lp, mode, order), next_dev = 0;
	bool console = false;

	if (lockspace) {
		snprintf(dirbuf, sizeof(dirbuf), "%s", lockspace);
		snprintf(basebuf, sizeof(basebuf), "%s", lockspace);
		dir = dirname(dirbuf);
		space = basename(basebuf);
	}
	/* vios sets the boot order per device: no <os><boot dev=>. */
	for (xmlNode *n = os->children, *next; n; n = next) {
		next = n->next;
		if (is(n, "boot"))
			drop(n);
	}
	for (xmlNode *n = devices->children, *next; n; n = next) {
		next = n->next;
		console |= is(n, "serial");
		if (our_disk(n) || our_controller(n) || our_lease(n, space, dir, lp))
			drop(n);
	}
	c = xmlNewChild(devices, NULL, X("controller"), NULL);
	xmlSetProp(c, X("type"), X("scsi"));
	xmlSetProp(c, X("index"), X(VIO_CONTROLLER));
	xmlSetProp(c, X("model"), X("virtio-scsi"));
	for (size_t i = 0; i < lp->nvtds; i++) {
		unsigned boot = 0;
		char key[VIO_WWN_MAX + 8];

		for (size_t k = 0; k < norder; k++)
			if (order[k] == i)
				boot = (unsigned)k + 1;
		write_disk(devices, &lp->vtds[i], boot, &next_dev);
		vio_lease_key(&lp->vtds[i].backing, key, sizeof(key));
		if (lockspace && !lp->vtds[i].ro && key[0])
			write_lease(devices, space, dir, key);
	}
	if (!console)
		write_console(devices, lp->name);
}

int vio_dom_xml(struct ivg_ctx *ctx, const char *base, const struct vio_lpar *lp,
		enum vio_boot_type mode, const char *lockspace, char **out)
{
	const char *src = base ? base : skeleton;
	xmlDoc *doc = xmlReadMemory(src, (int)strlen(src), "domain.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_NOBLANKS);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlChar *mem = NULL;
	char num[24];
	int len = 0;

	*out = NULL;
	if (!root || !is(root, "domain")) {
		xmlFreeDoc(doc);
		return ivg_err(ctx, EILSEQ, "domain %s: its XML does not read", lp->name);
	}
	xmlSetProp(root, X("type"), X(lp->kvm ? "kvm" : "qemu"));
	set_text(root, "name", lp->name);
	snprintf(num, sizeof(num), "%" PRIu64, lp->memory_mb);
	xmlSetProp(set_text(root, "memory", num), X("unit"), X("MiB"));
	if (child(root, "currentMemory"))
		xmlSetProp(set_text(root, "currentMemory", num), X("unit"), X("MiB"));
	snprintf(num, sizeof(num), "%u", lp->cpus);
	set_text(root, "vcpu", num);
	write_meta(root, lp);
	write_devices(root, lp, mode, lockspace);
	write_fwcfg(root, lp, mode);
	xmlDocDumpFormatMemory(doc, &mem, &len, 1);
	xmlFreeDoc(doc);
	if (!mem)
		return ivg_err(ctx, ENOMEM, "out of memory");
	*out = strdup((char *)mem);
	xmlFree(mem);
	return *out ? 0 : ivg_err(ctx, ENOMEM, "out of memory");
}
