/* nm-monitor.c — see nm-monitor.h. NetworkManager's D-Bus API read with plain GDBus calls:
 * libnm would bring GnuTLS, p11-kit, nettle and more into the daemon for the three device
 * properties and one manager property that vipd reads.
 *
 * The system bus connection is our own: GLib's shared one has exit-on-close, which raises
 * SIGTERM when dbus-daemon goes away, and vipd must outlive the bus; a lost bus is retried.
 * NetworkManager's name is watched on it; each time it appears (start, restart) the manager's
 * properties and then each device's are read afresh, after subscribing to the signals that
 * report their changes, all asynchronously: the main loop never waits for NetworkManager.
 * Everything read for one appearance is cancelled together when it leaves. */
#include "nm-monitor.h"

#include <gio/gio.h>

#include "log.h"

/* Without a system bus, or after a failed read of the manager, how often to try again. */
#define RETRY_SECONDS 2

#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"
#define NM_IFACE "org.freedesktop.NetworkManager"
#define NM_DEVICE_IFACE "org.freedesktop.NetworkManager.Device"
#define PROPS_IFACE "org.freedesktop.DBus.Properties"

/* NMDeviceState and NMConnectivityState, from NetworkManager's D-Bus API. */
enum
{
  NM_DEVICE_STATE_UNKNOWN = 0,
  NM_DEVICE_STATE_UNMANAGED = 10,
  NM_DEVICE_STATE_UNAVAILABLE = 20,
  NM_DEVICE_STATE_DISCONNECTED = 30,
  NM_DEVICE_STATE_PREPARE = 40,
  NM_DEVICE_STATE_CONFIG = 50,
  NM_DEVICE_STATE_NEED_AUTH = 60,
  NM_DEVICE_STATE_IP_CONFIG = 70,
  NM_DEVICE_STATE_IP_CHECK = 80,
  NM_DEVICE_STATE_SECONDARIES = 90,
  NM_DEVICE_STATE_ACTIVATED = 100,
  NM_DEVICE_STATE_DEACTIVATING = 110,
  NM_DEVICE_STATE_FAILED = 120,
};

enum
{
  NM_CONNECTIVITY_UNKNOWN = 0,
  NM_CONNECTIVITY_NONE = 1,
  NM_CONNECTIVITY_PORTAL = 2,
  NM_CONNECTIVITY_LIMITED = 3,
  NM_CONNECTIVITY_FULL = 4,
};

/* One device NetworkManager lists, by object path, in NetworkManager's order. */
typedef struct
{
  char *path;
  gboolean read; /* its properties have arrived; until then it is not counted */
  char *iface;
  guint32 state;
  gboolean managed;
} NmDevice;

enum
{
  SUB_MANAGER_PROPS,
  SUB_DEVICE_PROPS,
  SUB_DEVICE_STATE,
  SUB_DEVICE_ADDED,
  SUB_DEVICE_REMOVED,
  N_SUBS
};

struct _VipdNmMonitor
{
  GDBusConnection *bus;
  GCancellable *cancel;    /* the bus connection being made; cancelled on free */
  guint watch_id;          /* NetworkManager's name on bus */
  char *owner;             /* NetworkManager's unique name while it is on the bus */
  GCancellable *nm_cancel; /* every call made for this appearance of NetworkManager */
  guint subs[N_SUBS];
  gboolean manager_read; /* the manager's properties have arrived: NetworkManager is running */
  guint32 connectivity;
  GPtrArray *devices; /* NmDevice* */
  guint retry_source;
  gboolean said_absent;
  VipdNmMonitorChangedFunc changed;
  gpointer changed_data;
};

/* A device read in flight: the monitor is touched only when the call was not cancelled. */
typedef struct
{
  VipdNmMonitor *nm;
  char *path;
} DeviceRead;

static void start_bus (VipdNmMonitor *nm);
static void read_manager (VipdNmMonitor *nm);
static void schedule_retry (VipdNmMonitor *nm);

static void
notify_changed (VipdNmMonitor *nm)
{
  if (nm->changed)
    nm->changed (nm, nm->changed_data);
}

static void
nm_device_free (gpointer data)
{
  NmDevice *dev = data;

  g_free (dev->path);
  g_free (dev->iface);
  g_free (dev);
}

static NmDevice *
find_device (VipdNmMonitor *nm, const char *path, guint *index)
{
  for (guint i = 0; i < nm->devices->len; i++)
    {
      NmDevice *dev = g_ptr_array_index (nm->devices, i);

      if (g_strcmp0 (dev->path, path) == 0)
        {
          if (index)
            *index = i;
          return dev;
        }
    }
  return NULL;
}

/* Takes what props (a{sv}) says of the device; TRUE when anything vipd reads changed. */
static gboolean
device_apply (NmDevice *dev, GVariant *props)
{
  gboolean changed = FALSE;
  const char *iface;
  guint32 state;
  gboolean managed;

  if (g_variant_lookup (props, "Interface", "&s", &iface) && g_strcmp0 (iface, dev->iface) != 0)
    {
      g_free (dev->iface);
      dev->iface = g_strdup (iface);
      changed = TRUE;
    }
  if (g_variant_lookup (props, "State", "u", &state) && state != dev->state)
    {
      dev->state = state;
      changed = TRUE;
    }
  if (g_variant_lookup (props, "Managed", "b", &managed) && managed != dev->managed)
    {
      dev->managed = managed;
      changed = TRUE;
    }
  return changed;
}

static void
on_device_read (GObject *source, GAsyncResult *res, gpointer data)
{
  DeviceRead *req = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                                              &error);
  VipdNmMonitor *nm;
  NmDevice *dev;

  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  nm = req->nm;
  dev = find_device (nm, req->path, NULL);
  if (dev == NULL)
    goto out; /* removed while it was being read */
  if (reply == NULL)
    {
      /* Most likely removed just now; DeviceRemoved follows. A device that cannot be read is
       * not counted, as if NetworkManager did not list it. */
      vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL, "NetworkManager: cannot read device %s: %s",
                         req->path, error->message);
      goto out;
    }
  {
    g_autoptr (GVariant) props = g_variant_get_child_value (reply, 0);

    device_apply (dev, props);
  }
  dev->read = TRUE;
  notify_changed (nm);
out:
  g_free (req->path);
  g_free (req);
}

static void
read_device (VipdNmMonitor *nm, NmDevice *dev)
{
  DeviceRead *req = g_new0 (DeviceRead, 1);

  req->nm = nm;
  req->path = g_strdup (dev->path);
  g_dbus_connection_call (nm->bus, nm->owner, dev->path, PROPS_IFACE, "GetAll",
                          g_variant_new ("(s)", NM_DEVICE_IFACE), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, nm->nm_cancel, on_device_read,
                          req);
}

static void
add_device (VipdNmMonitor *nm, const char *path)
{
  NmDevice *dev;

  if (!g_variant_is_object_path (path) || find_device (nm, path, NULL) != NULL)
    return;
  dev = g_new0 (NmDevice, 1);
  dev->path = g_strdup (path);
  g_ptr_array_add (nm->devices, dev);
  read_device (nm, dev);
}

/* TRUE when the device was counted, so that its leaving is a change. */
static gboolean
remove_device (VipdNmMonitor *nm, const char *path)
{
  guint index;
  NmDevice *dev = find_device (nm, path, &index);
  gboolean counted = dev != NULL && dev->read;

  if (dev != NULL)
    g_ptr_array_remove_index (nm->devices, index);
  return counted;
}

/* Follows exactly the devices in paths (ao): new ones are read, gone ones forgotten. */
static gboolean
sync_devices (VipdNmMonitor *nm, GVariant *paths)
{
  g_autofree const char **list = g_variant_get_objv (paths, NULL);
  gboolean changed = FALSE;

  for (guint i = nm->devices->len; i > 0; i--)
    {
      NmDevice *dev = g_ptr_array_index (nm->devices, i - 1);

      if (!g_strv_contains (list, dev->path))
        changed |= remove_device (nm, dev->path);
    }
  for (guint i = 0; list[i]; i++)
    add_device (nm, list[i]);
  return changed;
}

/* Takes what props (a{sv}) says of the manager; TRUE when anything vipd reads changed. */
static gboolean
manager_apply (VipdNmMonitor *nm, GVariant *props)
{
  g_autoptr (GVariant) devices = g_variant_lookup_value (props, "Devices",
                                                         G_VARIANT_TYPE_OBJECT_PATH_ARRAY);
  gboolean changed = FALSE;
  guint32 connectivity;

  if (g_variant_lookup (props, "Connectivity", "u", &connectivity)
      && connectivity != nm->connectivity)
    {
      nm->connectivity = connectivity;
      changed = TRUE;
    }
  if (devices != NULL)
    changed |= sync_devices (nm, devices);
  return changed;
}

static void
on_manager_read (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                                              &error);
  g_autoptr (GVariant) props = NULL;
  VipdNmMonitor *nm;
  const char *version = "";

  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  nm = data;
  if (reply == NULL)
    {
      /* On the bus but not answering (starting up, or leaving right now): look again soon;
       * if it has left by then, its name watch already said so. */
      vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                         "NetworkManager is on the bus but cannot be read (%s); trying again",
                         error->message);
      schedule_retry (nm);
      return;
    }
  props = g_variant_get_child_value (reply, 0);
  g_variant_lookup (props, "Version", "&s", &version);
  nm->manager_read = TRUE;
  manager_apply (nm, props);
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "NetworkManager %s is running: following its devices", version);
  nm->said_absent = TRUE;
  notify_changed (nm);
}

static void
read_manager (VipdNmMonitor *nm)
{
  g_dbus_connection_call (nm->bus, nm->owner, NM_PATH, PROPS_IFACE, "GetAll",
                          g_variant_new ("(s)", NM_IFACE), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, nm->nm_cancel, on_manager_read,
                          nm);
}

static void
on_signal (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
           const char *member, GVariant *params, gpointer data)
{
  VipdNmMonitor *nm = data;
  gboolean changed = FALSE;

  if (g_strcmp0 (iface, PROPS_IFACE) == 0
      && g_variant_is_of_type (params, G_VARIANT_TYPE ("(sa{sv}as)")))
    {
      const char *which;
      g_autoptr (GVariant) props = NULL;
      NmDevice *dev;

      g_variant_get (params, "(&s@a{sv}as)", &which, &props, NULL);
      if (g_strcmp0 (which, NM_IFACE) == 0 && g_strcmp0 (path, NM_PATH) == 0)
        {
          /* Before the manager's first read, that read brings all of it. */
          if (nm->manager_read)
            changed = manager_apply (nm, props);
        }
      else if (g_strcmp0 (which, NM_DEVICE_IFACE) == 0
               && (dev = find_device (nm, path, NULL)) != NULL && dev->read)
        changed = device_apply (dev, props);
    }
  else if (g_strcmp0 (iface, NM_DEVICE_IFACE) == 0 && g_strcmp0 (member, "StateChanged") == 0
           && g_variant_is_of_type (params, G_VARIANT_TYPE ("(uuu)")))
    {
      /* NetworkManager sends both StateChanged and the property; either may come first. */
      NmDevice *dev = find_device (nm, path, NULL);
      guint32 state;

      g_variant_get (params, "(uuu)", &state, NULL, NULL);
      if (dev != NULL && dev->read && dev->state != state)
        {
          dev->state = state;
          changed = TRUE;
        }
    }
  else if (g_strcmp0 (iface, NM_IFACE) == 0 && nm->manager_read
           && g_variant_is_of_type (params, G_VARIANT_TYPE ("(o)")))
    {
      const char *dev_path;

      g_variant_get (params, "(&o)", &dev_path);
      if (g_strcmp0 (member, "DeviceAdded") == 0)
        add_device (nm, dev_path); /* a change once it has been read */
      else if (g_strcmp0 (member, "DeviceRemoved") == 0)
        changed = remove_device (nm, dev_path);
    }
  if (changed)
    notify_changed (nm);
}

static guint
subscribe (VipdNmMonitor *nm, const char *iface, const char *member, const char *path,
           const char *arg0)
{
  return g_dbus_connection_signal_subscribe (nm->bus, nm->owner, iface, member, path, arg0,
                                             G_DBUS_SIGNAL_FLAGS_NONE, on_signal, nm, NULL);
}

/* Forgets this appearance of NetworkManager: calls in flight are cancelled, signals dropped,
 * every device is "absent". TRUE when it was running. */
static gboolean
drop_nm (VipdNmMonitor *nm)
{
  gboolean was_running = nm->manager_read;

  for (guint i = 0; i < N_SUBS; i++)
    if (nm->subs[i] != 0)
      {
        g_dbus_connection_signal_unsubscribe (nm->bus, nm->subs[i]);
        nm->subs[i] = 0;
      }
  if (nm->nm_cancel)
    {
      g_cancellable_cancel (nm->nm_cancel);
      g_clear_object (&nm->nm_cancel);
    }
  g_clear_pointer (&nm->owner, g_free);
  g_ptr_array_set_size (nm->devices, 0);
  nm->manager_read = FALSE;
  nm->connectivity = NM_CONNECTIVITY_UNKNOWN;
  return was_running;
}

static void
on_nm_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer data)
{
  VipdNmMonitor *nm = data;

  drop_nm (nm);
  nm->owner = g_strdup (owner);
  nm->nm_cancel = g_cancellable_new ();
  /* Subscribed before the reads: no change falls between a read and its signal. */
  nm->subs[SUB_MANAGER_PROPS] = subscribe (nm, PROPS_IFACE, "PropertiesChanged", NM_PATH,
                                           NM_IFACE);
  nm->subs[SUB_DEVICE_PROPS] = subscribe (nm, PROPS_IFACE, "PropertiesChanged", NULL,
                                          NM_DEVICE_IFACE);
  nm->subs[SUB_DEVICE_STATE] = subscribe (nm, NM_DEVICE_IFACE, "StateChanged", NULL, NULL);
  nm->subs[SUB_DEVICE_ADDED] = subscribe (nm, NM_IFACE, "DeviceAdded", NM_PATH, NULL);
  nm->subs[SUB_DEVICE_REMOVED] = subscribe (nm, NM_IFACE, "DeviceRemoved", NM_PATH, NULL);
  read_manager (nm);
}

static void
on_nm_vanished (GDBusConnection *bus, const char *name, gpointer data)
{
  VipdNmMonitor *nm = data;

  if (drop_nm (nm))
    {
      /* A lost bus is said by on_bus_closed, at debug level like the rest of it. */
      if (!g_dbus_connection_is_closed (bus))
        vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                           "NetworkManager left the bus: its device states are not followed "
                           "until it comes back");
      notify_changed (nm);
    }
  else if (!nm->said_absent)
    vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                       "NetworkManager is not running: not following it until it starts");
  nm->said_absent = TRUE;
}

static gboolean
retry (gpointer data)
{
  VipdNmMonitor *nm = data;

  nm->retry_source = 0;
  if (nm->bus == NULL)
    start_bus (nm);
  else if (nm->owner != NULL && !nm->manager_read)
    read_manager (nm);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (VipdNmMonitor *nm)
{
  if (nm->retry_source == 0)
    nm->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry, nm);
}

static void
bus_unreachable (VipdNmMonitor *nm, const char *why)
{
  /* vipd runs without a system bus too: say so once, quietly, and look again. */
  if (!nm->said_absent)
    vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                       "NetworkManager is not reachable (%s): not following it", why);
  nm->said_absent = TRUE;
  schedule_retry (nm);
}

/* Forgets NetworkManager and the connection; every device is "absent" until both are back.
 * TRUE when NetworkManager was running. */
static gboolean
drop_bus (VipdNmMonitor *nm)
{
  gboolean was_running = drop_nm (nm);

  /* No callback of the watch runs once this returns. */
  g_clear_handle_id (&nm->watch_id, g_bus_unwatch_name);
  if (nm->bus)
    {
      g_signal_handlers_disconnect_by_data (nm->bus, nm);
      g_clear_object (&nm->bus);
    }
  return was_running;
}

static void
on_bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
               gpointer data)
{
  VipdNmMonitor *nm = data;

  /* The bus shell already says that the bus is gone; this is only a detail. */
  vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                     "NetworkManager is not followed until the system bus is back");
  drop_bus (nm);
  nm->said_absent = TRUE;
  schedule_retry (nm);
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
      bus_unreachable (nm, error->message);
      return;
    }
  nm->bus = bus;
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect (bus, "closed", G_CALLBACK (on_bus_closed), nm);
  /* NetworkManager is not started for us: vipd follows it, it does not need it. */
  nm->watch_id = g_bus_watch_name_on_connection (bus, NM_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                 on_nm_appeared, on_nm_vanished, nm, NULL);
}

static void
start_bus (VipdNmMonitor *nm)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);

  if (address == NULL)
    {
      bus_unreachable (nm, error->message);
      return;
    }
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                         | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, nm->cancel, on_bus_ready, nm);
}

VipdNmMonitor *
vipd_nm_monitor_new (VipdNmMonitorChangedFunc changed, gpointer user_data, gboolean use_bus)
{
  VipdNmMonitor *nm = g_new0 (VipdNmMonitor, 1);

  nm->changed = changed;
  nm->changed_data = user_data;
  nm->cancel = g_cancellable_new ();
  nm->devices = g_ptr_array_new_with_free_func (nm_device_free);
  if (use_bus)
    start_bus (nm);
  return nm;
}

void
vipd_nm_monitor_free (VipdNmMonitor *nm)
{
  if (nm == NULL)
    return;
  g_cancellable_cancel (nm->cancel);
  g_clear_handle_id (&nm->retry_source, g_source_remove);
  drop_bus (nm);
  g_ptr_array_unref (nm->devices);
  g_object_unref (nm->cancel);
  g_free (nm);
}

gboolean
vipd_nm_monitor_is_running (VipdNmMonitor *nm)
{
  return nm->owner != NULL && nm->manager_read;
}

/* One token per state, close to nmcli's, so that scripts can compare it. */
static const char *
state_word (guint32 state)
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
  NmDevice *dev = NULL;

  *word = "absent";
  if (nm == NULL || !vipd_nm_monitor_is_running (nm))
    return VIPD_NM_DEVICE_ABSENT;
  /* The first one listed, as nmcli and libnm pick by interface name. */
  for (guint i = 0; i < nm->devices->len && dev == NULL; i++)
    {
      NmDevice *d = g_ptr_array_index (nm->devices, i);

      if (d->read && g_strcmp0 (d->iface, ifname) == 0)
        dev = d;
    }
  if (dev == NULL)
    return VIPD_NM_DEVICE_ABSENT;
  if (!dev->managed || dev->state == NM_DEVICE_STATE_UNMANAGED)
    {
      *word = "unmanaged";
      return VIPD_NM_DEVICE_UNMANAGED;
    }
  *word = state_word (dev->state);
  return dev->state == NM_DEVICE_STATE_ACTIVATED ? VIPD_NM_DEVICE_ACTIVATED
                                                 : VIPD_NM_DEVICE_NOT_ACTIVATED;
}

gboolean
vipd_nm_monitor_get_connectivity (VipdNmMonitor *nm, guint *level)
{
  if (nm == NULL || !vipd_nm_monitor_is_running (nm))
    return FALSE;
  *level = nm->connectivity;
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
