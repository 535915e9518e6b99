/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lvio.h - LV I/O in user space, through the LV's segment map.
 *
 * Byte offsets in an LV are mapped to offsets on the PVs' devices
 * (struct ivg_pv.dev, windows set to the PV): linear and striped segments
 * directly, raid1 and mirror segments through their image sub-LVs.
 * Reads of a raid1 LV use the chosen leg, or with leg -1 the first leg
 * that is present and in sync (rmeta.h: never a leg a crash left behind),
 * falling back to the next such leg on a read error.
 * Writes go to every leg; a leg on a missing PV makes writes fail before
 * anything is written. A raid1 LV's legs are written all at once
 * (fanout.h), under the leg marks of rmeta.h: the first write marks every
 * leg but the authority out of sync, ivg_lvio_sync clears the marks once
 * every leg's data is on disk. No device-mapper, no kernel needed.
 */
#ifndef IVG_LVIO_H
#define IVG_LVIO_H

#include "vg.h"

struct ivg_lvio;

/* leg: -1 any leg, else the raid1 leg K to read from (writes: all). */
int ivg_lvio_open(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		  int leg, struct ivg_lvio **out);
void ivg_lvio_close(struct ivg_lvio *io);
uint64_t ivg_lvio_size(const struct ivg_lvio *io);
const char *ivg_lvio_name(const struct ivg_lvio *io);

int ivg_lvio_pread(struct ivg_ctx *ctx, struct ivg_lvio *io, void *buf,
		   size_t len, uint64_t off);
int ivg_lvio_pwrite(struct ivg_ctx *ctx, struct ivg_lvio *io,
		    const void *buf, size_t len, uint64_t off);
/*
 * The same, but a raid1 LV's leg writes may still be in flight when it
 * returns (fanout.h: ivg_fanout_submit), so that the caller fills its
 * next buffer meanwhile. buf must stay as it is until the handle's next
 * read, write, sync or close, which wait for them first; a failure of
 * those writes is returned by that call (ivg_lvio_close drops it: the
 * legs stay marked out of sync).
 */
int ivg_lvio_pwrite_nowait(struct ivg_ctx *ctx, struct ivg_lvio *io,
			   const void *buf, size_t len, uint64_t off);
/* Wait for those writes: 0, or the first failure. */
int ivg_lvio_wait(struct ivg_ctx *ctx, struct ivg_lvio *io);
/*
 * Where [off, off+len) of the LV (for raid1: of the chosen leg, or the
 * first present one) lies: its PV's device and the offset in that
 * device's window. -ERANGE if the range is not contiguous on one PV.
 */
int ivg_lvio_map(struct ivg_ctx *ctx, struct ivg_lvio *io, uint64_t off,
		 uint64_t len, struct ivg_dev **dev, uint64_t *dev_off);

/* fsync every device the LV touches (all at once), then clear the leg
 * marks this handle's writes set. */
int ivg_lvio_sync(struct ivg_ctx *ctx, struct ivg_lvio *io);

/*
 * For a raid1 LV: its legs' sync state (read once per handle), or NULL
 * (another segment type, or the rmeta could not be read: message set).
 */
struct ivg_rmeta;
const struct ivg_rmeta *ivg_lvio_legs(struct ivg_ctx *ctx, struct ivg_lvio *io);
/* The leg reads come from: the chosen one, or for a raid1 LV opened with
 * leg -1 the authority; -1 for other LVs or when no leg is in sync. */
int ivg_lvio_read_leg(struct ivg_ctx *ctx, struct ivg_lvio *io);

/*
 * Checked reads. A leg whose bytes failed a checksum (a BOS image against
 * its manifest, an OPP against the TOC) is avoided: reads of LV 'name'
 * with leg -1 skip it from then on, in this VG model (writes still reach
 * it). ivg_lv_avoid_leg returns the leg reads come from next, or -1 when
 * no leg in sync is left; ivg_lv_reading_leg the one they come from now.
 * ivg_lv_leg_pv names the PV a leg lies on (for messages), or NULL.
 */
int ivg_lv_avoid_leg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		     int leg);
int ivg_lv_reading_leg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name);
const struct ivg_pv *ivg_lv_leg_pv(const struct ivg_vg *vg, const char *name,
				   int leg);

/* True if every PV under the LV (for raid1: under 'leg') is present. */
bool ivg_lv_present(const struct ivg_vg *vg, const struct ivg_lv *lv,
		    int leg);

#endif
