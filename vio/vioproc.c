/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioproc.c - a QEMU process recorded by boot ID, PID and start time. */
#include "vioproc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"

static int boot_id(char out[40])
{
	return ivg_sysfs_read("/proc/sys/kernel/random", "boot_id", out, 40);
}

/* Field 22 of /proc/PID/stat; the command name (2) may hold blanks. */
static int start_time(int pid, uint64_t *start)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	if (!(p = strrchr(buf, ')')))
		return -EIO;
	if (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return -ESRCH;          /* ended, not yet reaped */
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field != 22)
		return -EIO;
	*start = strtoull(p, NULL, 10);
	return 0;
}

int vio_run_of_pid(int pid, struct vio_run *run)
{
	int r;

	memset(run->boot_id, 0, sizeof(run->boot_id));
	if ((r = boot_id(run->boot_id)) || (r = start_time(pid, &run->start)))
		return r;
	run->pid = pid;
	return 0;
}

bool vio_run_alive(const struct vio_run *run)
{
	char id[40];
	uint64_t start;

	if (!run->boot_id[0] || run->pid <= 0)
		return false;
	if (boot_id(id) || strcmp(id, run->boot_id))
		return true;    /* another machine's: cannot tell, assume so */
	return !start_time(run->pid, &start) && start == run->start;
}
