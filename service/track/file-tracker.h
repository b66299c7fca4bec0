/* file-tracker.h — one vrrp_track_file: the integer in a file, watched with GFileMonitor.
 * A missing or unreadable file reads as 0. */
#pragma once

#include <glib.h>

#include "config/config-model.h"

G_BEGIN_DECLS

typedef struct _VipdFileTracker VipdFileTracker;

/* Called from the main loop when the value changed. */
typedef void (*VipdFileChangedFunc) (VipdFileTracker *tracker, gpointer user_data);

/* Writes init_file when configured, reads the value and starts watching. conf is borrowed. */
VipdFileTracker *vipd_file_tracker_new (const VipdTrackFile *conf, VipdFileChangedFunc changed,
                                        gpointer user_data);
void vipd_file_tracker_free (VipdFileTracker *tracker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdFileTracker, vipd_file_tracker_free)

/* conf names the same file with the same weight, reverse and init_file settings. */
gboolean vipd_file_tracker_same_definition (const VipdFileTracker *tracker,
                                            const VipdTrackFile *conf);
/* Reload: the tracker keeps watching and keeps its value (init_file is not written again), now
 * reading conf (the same definition) and reporting to changed. */
void vipd_file_tracker_adopt (VipdFileTracker *tracker, const VipdTrackFile *conf,
                              VipdFileChangedFunc changed, gpointer user_data);

const VipdTrackFile *vipd_file_tracker_get_config (const VipdFileTracker *tracker);
gint64 vipd_file_tracker_get_value (const VipdFileTracker *tracker);

G_END_DECLS
