/* track-hub.h — every tracker of one configuration (vrrp_script runners, vrrp_track_file
 * watchers, tracked interfaces, NetworkManager's connectivity) and the lists of VipdTracker that instances and sync groups
 * feed into vipd_priority_compute(). */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "fsm/priority.h"
#include "link-monitor.h"
#include "script-runner.h"
#include "nm-monitor.h"

G_BEGIN_DECLS

typedef struct _VipdTrackHub VipdTrackHub;

/* A tracker changed. key is the tracker's name as it appears in VipdTracker.name
 * ("script chk_down", "file tf", "interface eth1"); what says how ("failed (exit status 1)"). */
typedef void (*VipdTrackHubChangedFunc) (const char *key, const char *what, gpointer user_data);

/* config, mon and nm are borrowed and must outlive the hub. previous (NULL at start) is the
 * hub of the configuration being replaced by a reload: its trackers whose definition did not
 * change move to the new hub with their status, counters and any script run in progress;
 * previous is left with the changed and removed ones, to be freed by the caller. */
VipdTrackHub *vipd_track_hub_new (const VipdConfig *config, VipdLinkMonitor *mon,
                                  VipdNmMonitor *nm, VipdTrackHubChangedFunc changed,
                                  gpointer user_data, VipdTrackHub *previous);
/* Starts the script runners that are not running yet (first runs happen from the main loop). */
void vipd_track_hub_start (VipdTrackHub *hub);
/* Kills running scripts, stops watching; NULL is allowed. */
void vipd_track_hub_free (VipdTrackHub *hub);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdTrackHub, vipd_track_hub_free)

/* The link monitor saw link a change. */
void vipd_track_hub_link_changed (VipdTrackHub *hub, const VipdLinkInfo *link);

/* NetworkManager reported a change; reports the connectivity's when it moved. */
void vipd_track_hub_nm_changed (VipdTrackHub *hub);

/* Appends one VipdTracker per reference (VipdTrackRef*, any array may be NULL) to out; a
 * reference's own weight overrides the tracked object's. Names are interned strings. */
void vipd_track_hub_collect (VipdTrackHub *hub, const GPtrArray *scripts, const GPtrArray *ifaces,
                             const GPtrArray *files, GArray *out);

/* The runner of vrrp_script name, or NULL (borrowed; it lives as long as the hub). */
VipdScriptRunner *vipd_track_hub_get_script (VipdTrackHub *hub, const char *name);
/* Appends the track_nm_connectivity tracker of conf to out, if it has one. Below the required
 * level it is down; while NetworkManager is not running, or its connectivity is unknown
 * (checks disabled or not run yet), it is up: there is nothing to hold against the node. */
void vipd_track_hub_collect_nm (VipdTrackHub *hub, const VipdInstance *conf, GArray *out);

G_END_DECLS
