/* nm-monitor.h — NetworkManager as its D-Bus API reports it: the state of each device by
 * interface name and the global connectivity. It never fails: without NetworkManager (or
 * without a system bus) nothing is known and every device is "absent"; when NetworkManager
 * appears or restarts the monitor follows its name owner, reads it afresh and reports the
 * change. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VipdNmMonitor VipdNmMonitor;

typedef enum
{
  VIPD_NM_DEVICE_ABSENT,        /* NetworkManager is not running or has no such device */
  VIPD_NM_DEVICE_UNMANAGED,     /* NetworkManager leaves it alone: ignored */
  VIPD_NM_DEVICE_ACTIVATED,     /* managed, with its connection up */
  VIPD_NM_DEVICE_NOT_ACTIVATED, /* managed, anything else (disconnected, unavailable, ...) */
} VipdNmDeviceKind;

/* Something NetworkManager reports changed (a device's state, the connectivity, NetworkManager
 * itself appearing or leaving the bus); the caller asks again for what it needs. */
typedef void (*VipdNmMonitorChangedFunc) (VipdNmMonitor *nm, gpointer user_data);

/* Starts connecting to NetworkManager on the system bus in the background; with use_bus FALSE
 * (vipd --no-dbus) it never does, and NetworkManager reads as not running. */
VipdNmMonitor *vipd_nm_monitor_new (VipdNmMonitorChangedFunc changed, gpointer user_data,
                                    gboolean use_bus);
/* NULL is allowed. */
void vipd_nm_monitor_free (VipdNmMonitor *nm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdNmMonitor, vipd_nm_monitor_free)

/* Whether NetworkManager is on the bus now. */
gboolean vipd_nm_monitor_is_running (VipdNmMonitor *nm);
/* ifname's device; word (static) is "absent", "unmanaged" or NetworkManager's state as one
 * token: "unavailable", "disconnected", "prepare", "config", "need-auth", "ip-config",
 * "ip-check", "secondaries", "activated", "deactivating", "failed" or "unknown". */
VipdNmDeviceKind vipd_nm_monitor_get_device (VipdNmMonitor *nm, const char *ifname,
                                             const char **word);
/* NetworkManager's global connectivity, in NMConnectivityState numbering (0 unknown, 1 none,
 * 2 portal, 3 limited, 4 full); FALSE when NetworkManager is not running. */
gboolean vipd_nm_monitor_get_connectivity (VipdNmMonitor *nm, guint *level);
/* "NetworkManager: eth0 is disconnected", "... is connecting (ip-config)": for logs and
 * transition reasons. */
char *vipd_nm_describe (const char *ifname, const char *word);
/* "unknown", "none", "portal", "limited" or "full". */
const char *vipd_nm_connectivity_name (guint level);

G_END_DECLS
