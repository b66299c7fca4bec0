/* vrrp-daemon.h — all running VRRP instances of one configuration: their sockets, the link
 * monitor, reloads that keep state, and the planned stop that hands VIPs over first. */
#pragma once

#include <glib.h>

#include "config/config.h"
#include "vrrp-instance.h"

G_BEGIN_DECLS

typedef struct _VipdDaemon VipdDaemon;

/* Takes ownership of config (already validated, no errors). NULL with a GError when netlink
 * cannot be opened at all. */
VipdDaemon *vipd_daemon_new (VipdConfig *config, const char *config_path, GError **error);
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

GPtrArray *vipd_daemon_get_instances (VipdDaemon *daemon); /* VipdVrrpInstance*, borrowed */
const VipdConfig *vipd_daemon_get_config (VipdDaemon *daemon);

G_END_DECLS
