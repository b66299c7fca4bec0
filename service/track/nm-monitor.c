/* nm-monitor.c — see nm-monitor.h. One NMClient, created asynchronously on a system bus
 * connection of our own: libnm's default is GLib's shared connection, whose exit-on-close
 * raises SIGTERM when dbus-daemon goes away, and vipd must outlive the bus. libnm follows
 * NetworkManager's name owner (NM-running) by itself, so a NetworkManager restart needs no
 * reconnection of ours; a lost bus does, and is retried. */
#include "nm-monitor.h"

#include <NetworkManager.h>

#include "log.h"

/* Without a system bus, how often to try again. */
#define RETRY_SECONDS 2

struct _VipdNmMonitor
{
  GDBusConnection *bus;
  NMClient *client;
  GCancellable *cancel;
  GPtrArray *devices; /* NMDevice*, each with our signal handlers */
  guint retry_source;
  gboolean said_absent;
  gboolean was_running;
  VipdNmMonitorChangedFunc changed;
  gpointer changed_data;
};

static void start_client (VipdNmMonitor *nm);

static void
notify_changed (VipdNmMonitor *nm)
{
  if (nm->changed)
    nm->changed (nm, nm->changed_data);
}

static void
on_device_notify (GObject *device, GParamSpec *pspec, gpointer data)
{
  notify_changed (data);
}

static void
on_device_state_changed (NMDevice *device, guint new_state, guint old_state, guint reason,
                         gpointer data)
{
  notify_changed (data);
}

static void
drop_devices (VipdNmMonitor *nm)
{
  for (guint i = 0; i < nm->devices->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (nm->devices, i), nm);
  g_ptr_array_set_size (nm->devices, 0);
}

/* Follows exactly the devices NetworkManager lists now. */
static void
watch_devices (VipdNmMonitor *nm)
{
  const GPtrArray *devs = nm_client_get_devices (nm->client);

  drop_devices (nm);
  for (guint i = 0; devs && i < devs->len; i++)
    {
      NMDevice *dev = g_ptr_array_index (devs, i);

      g_signal_connect (dev, "notify::" NM_DEVICE_STATE, G_CALLBACK (on_device_notify), nm);
      g_signal_connect (dev, "notify::" NM_DEVICE_MANAGED, G_CALLBACK (on_device_notify), nm);
      g_signal_connect (dev, "notify::" NM_DEVICE_INTERFACE, G_CALLBACK (on_device_notify), nm);
      /* NetworkManager sends both StateChanged and the property; either may come first. */
      g_signal_connect (dev, "state-changed", G_CALLBACK (on_device_state_changed), nm);
      g_ptr_array_add (nm->devices, g_object_ref (dev));
    }
}

static void
on_devices_changed (NMClient *client, NMDevice *device, gpointer data)
{
  VipdNmMonitor *nm = data;

  watch_devices (nm);
  notify_changed (nm);
}

static void
on_client_notify (GObject *client, GParamSpec *pspec, gpointer data)
{
  VipdNmMonitor *nm = data;
  gboolean running = nm_client_get_nm_running (nm->client);

  if (running != nm->was_running)
    {
      nm->was_running = running;
      if (running)
        vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                           "NetworkManager %s is running: following its devices",
                           nm_client_get_version (nm->client) ? nm_client_get_version (nm->client)
                                                              : "");
      else
        vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                           "NetworkManager left the bus: its device states are not followed "
                           "until it comes back");
      watch_devices (nm);
    }
  notify_changed (nm);
}

static gboolean
retry (gpointer data)
{
  VipdNmMonitor *nm = data;

  nm->retry_source = 0;
  start_client (nm);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (VipdNmMonitor *nm, const char *why)
{
  /* vipd runs without a system bus too: say so once, quietly, and look again. */
  if (!nm->said_absent)
    vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                       "NetworkManager is not reachable (%s): not following it", why);
  nm->said_absent = TRUE;
  if (nm->retry_source == 0)
    nm->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry, nm);
}

/* Forgets the client and the connection; every device is "absent" until a new one is up. */
static void
drop_client (VipdNmMonitor *nm)
{
  drop_devices (nm);
  if (nm->client)
    {
      g_signal_handlers_disconnect_by_data (nm->client, nm);
      g_clear_object (&nm->client);
    }
  if (nm->bus)
    {
      g_signal_handlers_disconnect_by_data (nm->bus, nm);
      g_clear_object (&nm->bus);
    }
  nm->was_running = FALSE;
}

static void
on_bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
               gpointer data)
{
  VipdNmMonitor *nm = data;

  /* The bus shell already says that the bus is gone; this is only a detail. */
  vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                     "NetworkManager is not followed until the system bus is back");
  /* Whatever is still in flight on this connection is void. */
  g_cancellable_cancel (nm->cancel);
  g_object_unref (nm->cancel);
  nm->cancel = g_cancellable_new ();
  drop_client (nm);
  nm->said_absent = TRUE;
  nm->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry, nm);
  notify_changed (nm);
}

static void
on_client_ready (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GObject *obj = g_async_initable_new_finish (G_ASYNC_INITABLE (source), res, &error);
  VipdNmMonitor *nm;
  NMClient *client;

  if (obj == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  nm = data;
  if (obj == NULL)
    {
      drop_client (nm);
      schedule_retry (nm, error->message);
      return;
    }
  client = NM_CLIENT (obj);
  nm->client = client;
  g_signal_connect (client, "notify::" NM_CLIENT_NM_RUNNING, G_CALLBACK (on_client_notify), nm);
  g_signal_connect (client, "notify::" NM_CLIENT_CONNECTIVITY, G_CALLBACK (on_client_notify), nm);
  g_signal_connect (client, NM_CLIENT_DEVICE_ADDED, G_CALLBACK (on_devices_changed), nm);
  g_signal_connect (client, NM_CLIENT_DEVICE_REMOVED, G_CALLBACK (on_devices_changed), nm);
  nm->was_running = nm_client_get_nm_running (client);
  if (nm->was_running)
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                       "NetworkManager %s is running: following its devices",
                       nm_client_get_version (client) ? nm_client_get_version (client) : "");
  else if (!nm->said_absent)
    vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                       "NetworkManager is not running: not following it until it starts");
  nm->said_absent = TRUE;
  watch_devices (nm);
  notify_changed (nm);
}

static void
on_bus_ready (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_finish (res, &error);
  VipdNmMonitor *nm;

  if (bus == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  nm = data;
  if (bus == NULL)
    {
      schedule_retry (nm, error->message);
      return;
    }
  nm->bus = bus;
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect (bus, "closed", G_CALLBACK (on_bus_closed), nm);
  g_async_initable_new_async (NM_TYPE_CLIENT, G_PRIORITY_DEFAULT, nm->cancel, on_client_ready,
                              nm, NM_CLIENT_DBUS_CONNECTION, bus, NULL);
}

static void
start_client (VipdNmMonitor *nm)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);

  if (address == NULL)
    {
      schedule_retry (nm, error->message);
      return;
    }
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                         | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, nm->cancel, on_bus_ready, nm);
}

VipdNmMonitor *
vipd_nm_monitor_new (VipdNmMonitorChangedFunc changed, gpointer user_data)
{
  VipdNmMonitor *nm = g_new0 (VipdNmMonitor, 1);

  nm->changed = changed;
  nm->changed_data = user_data;
  nm->cancel = g_cancellable_new ();
  nm->devices = g_ptr_array_new_with_free_func (g_object_unref);
  start_client (nm);
  return nm;
}

void
vipd_nm_monitor_free (VipdNmMonitor *nm)
{
  if (nm == NULL)
    return;
  g_cancellable_cancel (nm->cancel);
  g_clear_handle_id (&nm->retry_source, g_source_remove);
  drop_client (nm);
  g_ptr_array_unref (nm->devices);
  g_object_unref (nm->cancel);
  g_free (nm);
}

gboolean
vipd_nm_monitor_is_running (VipdNmMonitor *nm)
{
  return nm->client != NULL && nm_client_get_nm_running (nm->client);
}

/* One token per state, close to nmcli's, so that scripts can compare it. */
static const char *
state_word (NMDeviceState state)
{
  switch (state)
    {
    case NM_DEVICE_STATE_UNMANAGED: return "unmanaged";
    case NM_DEVICE_STATE_UNAVAILABLE: return "unavailable";
    case NM_DEVICE_STATE_DISCONNECTED: return "disconnected";
    case NM_DEVICE_STATE_PREPARE: return "prepare";
    case NM_DEVICE_STATE_CONFIG: return "config";
    case NM_DEVICE_STATE_NEED_AUTH: return "need-auth";
    case NM_DEVICE_STATE_IP_CONFIG: return "ip-config";
    case NM_DEVICE_STATE_IP_CHECK: return "ip-check";
    case NM_DEVICE_STATE_SECONDARIES: return "secondaries";
    case NM_DEVICE_STATE_ACTIVATED: return "activated";
    case NM_DEVICE_STATE_DEACTIVATING: return "deactivating";
    case NM_DEVICE_STATE_FAILED: return "failed";
    case NM_DEVICE_STATE_UNKNOWN:
    default: return "unknown";
    }
}

char *
vipd_nm_describe (const char *ifname, const char *word)
{
  static const char *const plain[] = { "absent", "unmanaged", "unavailable", "disconnected",
                                       "activated", "deactivating", "failed", NULL };

  if (g_strv_contains (plain, word))
    return g_strdup_printf ("NetworkManager: %s is %s", ifname, word);
  if (g_strcmp0 (word, "unknown") == 0)
    return g_strdup_printf ("NetworkManager: %s is in an unknown state", ifname);
  return g_strdup_printf ("NetworkManager: %s is connecting (%s)", ifname, word);
}

VipdNmDeviceKind
vipd_nm_monitor_get_device (VipdNmMonitor *nm, const char *ifname, const char **word)
{
  NMDevice *dev = NULL;
  NMDeviceState state;

  *word = "absent";
  if (nm == NULL || !vipd_nm_monitor_is_running (nm))
    return VIPD_NM_DEVICE_ABSENT;
  dev = nm_client_get_device_by_iface (nm->client, ifname);
  if (dev == NULL)
    return VIPD_NM_DEVICE_ABSENT;
  state = nm_device_get_state (dev);
  if (!nm_device_get_managed (dev) || state == NM_DEVICE_STATE_UNMANAGED)
    {
      *word = "unmanaged";
      return VIPD_NM_DEVICE_UNMANAGED;
    }
  *word = state_word (state);
  return state == NM_DEVICE_STATE_ACTIVATED ? VIPD_NM_DEVICE_ACTIVATED
                                            : VIPD_NM_DEVICE_NOT_ACTIVATED;
}

gboolean
vipd_nm_monitor_get_connectivity (VipdNmMonitor *nm, guint *level)
{
  if (nm == NULL || !vipd_nm_monitor_is_running (nm))
    return FALSE;
  *level = (guint) nm_client_get_connectivity (nm->client);
  return TRUE;
}

const char *
vipd_nm_connectivity_name (guint level)
{
  switch (level)
    {
    case NM_CONNECTIVITY_NONE: return "none";
    case NM_CONNECTIVITY_PORTAL: return "portal";
    case NM_CONNECTIVITY_LIMITED: return "limited";
    case NM_CONNECTIVITY_FULL: return "full";
    default: return "unknown";
    }
}
