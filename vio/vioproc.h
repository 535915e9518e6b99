/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioproc.h - is a partition's QEMU still running?
 *
 * A running partition is recorded by the machine's boot ID
 * (/proc/sys/kernel/random/boot_id), the QEMU process ID and its start
 * time (field 22 of /proc/PID/stat), so a reused PID or a reboot never
 * passes for the partition. A record from another machine (another boot
 * ID) cannot be checked from here and counts as running.
 */
#ifndef VIO_PROC_H
#define VIO_PROC_H

#include <stdbool.h>
#include <stdint.h>

struct vio_run {
	char boot_id[40];         /* "" when not running */
	int pid;
	uint64_t start;           /* clock ticks after boot */
	char mode[16];            /* boot mode it was started in */
};

/* Fill run for process pid (boot ID, start time); 0 or -errno. */
int vio_run_of_pid(int pid, struct vio_run *run);

/* Does the record still describe a live process? */
bool vio_run_alive(const struct vio_run *run);

#endif
