/* bus-track.h — track scripts (/org/vipd/Vrrp1/script/NAME, org.vipd.Vrrp1.TrackScript) and
 * sync groups (/org/vipd/Vrrp1/group/NAME, org.vipd.Vrrp1.SyncGroup) on the bus. */
#pragma once

#include <gio/gio.h>

#include "bus-objects.h"

#include "vrrp-daemon.h"

G_BEGIN_DECLS

typedef struct _VipdBusTrack VipdBusTrack;

char *vipd_bus_script_path (const char *name);
char *vipd_bus_group_path (const char *name);

/* Exports one object per vrrp_script and vrrp_sync_group of the daemon's configuration. */
VipdBusTrack *vipd_bus_track_new (VipdDaemon *daemon, VipdBusObjects *objects);
/* Unexports everything; NULL is allowed. */
void vipd_bus_track_free (VipdBusTrack *track);
/* After a reload: objects follow the new configuration (removed, added, updated). */
void vipd_bus_track_rebuild (VipdBusTrack *track);
/* Re-reads every property (status, last run, group state). */
void vipd_bus_track_sync (VipdBusTrack *track);
/* Re-reads the state of the sync group name now (its state changed); unknown names are
 * ignored. */
void vipd_bus_track_sync_group (VipdBusTrack *track, const char *name);

/* The track scripts an instance follows (its own and its sync group's), as object paths, and
 * its sync group's path ("/" when none). */
char **vipd_bus_track_instance_scripts (const VipdConfig *config, const VipdInstance *inst);
char *vipd_bus_track_instance_group (const VipdConfig *config, const VipdInstance *inst);

G_END_DECLS
