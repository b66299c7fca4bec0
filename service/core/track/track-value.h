/* track-value.h — turning what a tracker observed into a VipdTracker for vipd_priority_compute.
 *
 * Scripts and interfaces are up or down. keepalived's `reverse` swaps the sign of the weight
 * (weight 10 reverse takes 10 off while the check succeeds), which is the same as a tracker
 * with the opposite weight and the opposite status. A weight of 0 means fault while down,
 * whatever reverse says.
 *
 * A track file holds an integer; its effect is value × weight (negated by reverse). With
 * weight 0 any non-zero value is a fault; a product of -254 or less is a fault too (keepalived).
 * The tracker is "up" unless the product is negative, so a sync group, which turns every
 * weight into 0, sees a file that lowers the priority as a failure.
 * Pure: no I/O. */
#pragma once

#include <glib.h>

#include "fsm/priority.h"

G_BEGIN_DECLS

/* A script or interface check: ok is its current status. name is borrowed. */
void vipd_tracker_from_status (const char *name, int weight, gboolean reverse, gboolean ok,
                               VipdTracker *out);
/* A track file holding value. name is borrowed. */
void vipd_tracker_from_file (const char *name, gint64 value, int weight, gboolean reverse,
                             VipdTracker *out);
/* The integer at the start of a track file's contents (leading blanks allowed); 0 when there
 * is none or it does not parse, as keepalived reads it. */
gint64 vipd_track_file_parse (const char *contents);

G_END_DECLS
