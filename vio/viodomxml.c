/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viodomxml.c - libvirt domain XML of a partition. */
#include "viodomxml.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Text and attribute values, escaped. */
static void esc(FILE *out, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '\'': fputs("&apos;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
}

/* sda, sdb, ..., sdz, sdaa, ... */
static void disk_name(size_t i, char out[16])
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

void vio_domain_xml(const struct vio_qemu *q, FILE *out)
{
	const char *emu = getenv("IVG_QEMU");

	fputs("<domain type='qemu'>\n  <name>", out);
	esc(out, q->lpar->name);
	fprintf(out, "</name>\n  <memory unit='MiB'>%llu</memory>\n  <vcpu>%u</vcpu>\n",
		(unsigned long long)q->lpar->memory_mb, q->lpar->cpus);
	fputs("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n", out);
	if (q->kernel) {
		fputs("    <kernel>", out);
		esc(out, q->kernel);
		fputs("</kernel>\n", out);
	}
	if (q->initrd) {
		fputs("    <initrd>", out);
		esc(out, q->initrd);
		fputs("</initrd>\n", out);
	}
	if (q->append) {
		fputs("    <cmdline>", out);
		esc(out, q->append);
		fputs("</cmdline>\n", out);
	}
	fputs("  </os>\n  <on_poweroff>destroy</on_poweroff>\n  <devices>\n    <emulator>", out);
	esc(out, emu && *emu ? emu : "/usr/bin/qemu-system-x86_64");
	fputs("</emulator>\n", out);
	for (size_t i = 0; i < q->ndisks; i++) {
		const struct vio_qemu_disk *d = &q->disks[i];
		struct stat st;
		bool blk = !stat(d->path, &st) && S_ISBLK(st.st_mode);
		char dev[16];

		disk_name(i, dev);
		fprintf(out, "    <controller type='scsi' index='%zu' model='virtio-scsi'/>\n", i);
		fprintf(out, "    <disk type='%s' device='disk'>\n"
			"      <driver name='qemu' type='raw'/>\n      <source %s='",
			blk ? "block" : "file", blk ? "dev" : "file");
		esc(out, d->path);
		fprintf(out, "'/>\n      <target dev='%s' bus='scsi'/>\n"
			"      <address type='drive' controller='%zu' bus='0' target='%u' unit='%u'/>\n"
			"      <serial>",
			dev, i, d->vtd->scsi_id, d->vtd->lun);
		esc(out, d->vtd->name);
		fputs("</serial>\n", out);
		if (d->vtd->ro)
			fputs("      <readonly/>\n", out);
		if (d->bootindex)
			fprintf(out, "      <boot order='%u'/>\n", d->bootindex);
		fputs("    </disk>\n", out);
	}
	if (q->console) {
		fputs("    <serial type='file'>\n      <source path='", out);
		esc(out, q->console);
		fputs("'/>\n      <target port='0'/>\n    </serial>\n", out);
	}
	fputs("  </devices>\n</domain>\n", out);
}
