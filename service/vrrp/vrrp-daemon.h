/* vrrp-daemon.h — all running VRRP instances of one configuration: their sockets, the link
 * monitor, reloads that keep state, and the planned stop that hands VIPs over first. */
#pragma once

#include <glib.h>

#include "config/config.h"
#include "event-log.h"
#include "lvs-manager.h"
#include "script-runner.h"
#include "sync-group.h"
#include "vrrp-instance.h"

G_BEGIN_DECLS

typedef struct _VipdDaemon VipdDaemon;

/* What the D-Bus export (or anyone else) hears from the daemon. */
typedef struct
{
  /* After every state-machine step of inst: re-read whatever is shown. */
  void (*instance_changed) (VipdDaemon *daemon, VipdVrrpInstance *inst, gpointer user_data);
  /* A state transition, already in the event log. */
  void (*transition) (VipdDaemon *daemon, VipdVrrpInstance *inst, const VipdEventRecord *event,
                      gpointer user_data);
  /* Instances were added or removed (reload); the old instance pointers may be gone. */
  void (*instances_changed) (VipdDaemon *daemon, gpointer user_data);
  /* The state of the sync group named group changed (already logged and notified). */
  void (*sync_group_changed) (VipdDaemon *daemon, const char *group, gpointer user_data);
} VipdDaemonObserver;

/* Takes ownership of config (already validated, no errors). state_dir keeps admin priorities
 * and maintenance mode across restarts. NULL with a GError when netlink cannot be opened. */
VipdDaemon *vipd_daemon_new (VipdConfig *config, const char *config_path, const char *state_dir,
                             GError **error);
/* Before vipd_daemon_start(): FALSE keeps the daemon off the system bus (NetworkManager is not
 * followed). TRUE by default. */
void vipd_daemon_set_system_bus (VipdDaemon *daemon, gboolean use);
void vipd_daemon_set_observer (VipdDaemon *daemon, const VipdDaemonObserver *observer,
                               gpointer user_data);
void vipd_daemon_free (VipdDaemon *daemon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdDaemon, vipd_daemon_free)

/* Opens sockets and starts every instance. */
void vipd_daemon_start (VipdDaemon *daemon);
/* Re-reads the configuration file. When it has errors they are logged (and returned as
 * warnings) and the running configuration stays. Returns FALSE with error in that case. */
gboolean vipd_daemon_reload (VipdDaemon *daemon, char ***warnings, GError **error);
/* Planned stop: masters hand over (priority 0, VIPs kept until the new master speaks or the
 * hand-over time passes), then everything stops and done is called from the main loop. */
void vipd_daemon_stop (VipdDaemon *daemon, GSourceFunc done, gpointer user_data);
/* Immediate stop: VIPs removed, priority-0 adverts sent, no waiting. */
void vipd_daemon_stop_now (VipdDaemon *daemon);

/* An admin command on inst (see vipd_vrrp_instance_admin), remembered in the state directory.
 * FALSE with error when it could not be persisted (it took effect all the same). */
gboolean vipd_daemon_admin (VipdDaemon *daemon, VipdVrrpInstance *inst, VipdEventType type,
                            guint8 priority, const char *reason, GError **error);
/* Maintenance for the whole node, remembered in the state directory. */
gboolean vipd_daemon_set_maintenance (VipdDaemon *daemon, gboolean enabled, const char *reason,
                                      GError **error);
gboolean vipd_daemon_get_maintenance (VipdDaemon *daemon);
VipdEventLog *vipd_daemon_get_event_log (VipdDaemon *daemon);
const char *vipd_daemon_get_config_path (VipdDaemon *daemon);
VipdVrrpInstance *vipd_daemon_find_instance (VipdDaemon *daemon, const char *name);

GPtrArray *vipd_daemon_get_instances (VipdDaemon *daemon); /* VipdVrrpInstance*, borrowed */
/* The runner of vrrp_script name (NULL when unknown); replaced on reload. */
VipdScriptRunner *vipd_daemon_get_script (VipdDaemon *daemon, const char *name);
/* The running sync groups (VipdVrrpSyncGroup*, borrowed); replaced on reload. */
GPtrArray *vipd_daemon_get_sync_groups (VipdDaemon *daemon);
const VipdConfig *vipd_daemon_get_config (VipdDaemon *daemon);
/* The virtual servers: checkers and the IPVS table; replaced in place on reload. */
VipdLvsManager *vipd_daemon_get_lvs (VipdDaemon *daemon);

G_END_DECLS
