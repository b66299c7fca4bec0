/* bus-service.c — connection lifecycle, the bus name and the Manager interface. */
#include "bus-service.h"

#include "vipd-build-config.h"

#include "bus-authority.h"
#include "bus-instance.h"
#include "bus-lvs.h"
#include "bus-names.h"
#include "bus-objects.h"
#include "bus-track.h"
#include "log.h"
#include "vipd-dbus-generated.h"

/* How often to try again while there is no system bus. */
#define RECONNECT_SECONDS 2
/* How often track script runs (LastRun, LastExitStatus) are published. */
#define TRACK_SYNC_SECONDS 1

struct _VipdBusService
{
  VipdDaemon *daemon;
  GCancellable *cancellable;
  GDBusConnection *bus;
  VipdBusObjects *objects; /* the ObjectManager and everything below it */
  VipdDBusManager *manager;
  GHashTable *instances; /* VipdVrrpInstance* -> VipdBusInstance* */
  VipdBusTrack *track;   /* track scripts and sync groups */
  VipdBusLvs *lvs;       /* virtual and real servers */
  guint name_id;
  guint reconnect_id;
  guint track_sync_id;
  gulong closed_id;
  gboolean said_no_bus;
};

static void connect_bus (VipdBusService *s);
static void follow_track_timer (VipdBusService *s);

/* --- the daemon's side --- */

static VipdBusInstance *
lookup (VipdBusService *s, VipdVrrpInstance *inst)
{
  return s->instances ? g_hash_table_lookup (s->instances, inst) : NULL;
}

static void
on_instance_changed (VipdDaemon *d, VipdVrrpInstance *inst, gpointer user_data)
{
  VipdBusInstance *bi = lookup (user_data, inst);

  if (bi)
    vipd_bus_instance_sync (bi);
}

static void
on_transition (VipdDaemon *d, VipdVrrpInstance *inst, const VipdEventRecord *e, gpointer user_data)
{
  VipdBusService *s = user_data;
  VipdBusInstance *bi = lookup (s, inst);

  if (bi)
    vipd_bus_instance_emit_state_changed (bi, e);
  if (s->manager)
    vipd_dbus_manager_emit_event (s->manager, e->timestamp_us, e->instance, e->old_state,
                                  e->new_state, e->reason);
}

/* A sync group's state is published as it changes, not with the next counters tick: a
 * console that shows the group beside its members must not show it a second behind them. */
static void
on_sync_group_changed (VipdDaemon *d, const char *group, gpointer user_data)
{
  VipdBusService *s = user_data;

  if (s->track)
    vipd_bus_track_sync_group (s->track, group);
}

/* After a reload: drop objects of instances that are gone, add the new ones. */
static void
resync_instances (VipdBusService *s)
{
  GPtrArray *current = vipd_daemon_get_instances (s->daemon);
  GHashTableIter iter;
  VipdVrrpInstance *inst;
  VipdBusInstance *bi;

  if (s->objects == NULL)
    return;
  g_hash_table_iter_init (&iter, s->instances);
  while (g_hash_table_iter_next (&iter, (gpointer *) &inst, (gpointer *) &bi))
    if (!g_ptr_array_find (current, inst, NULL))
      g_hash_table_iter_remove (&iter);
  for (guint i = 0; i < current->len; i++)
    {
      inst = g_ptr_array_index (current, i);
      bi = lookup (s, inst);
      if (bi)
        {
          vipd_bus_instance_export (bi);
          vipd_bus_instance_sync (bi);
        }
      else
        g_hash_table_insert (s->instances, inst,
                             vipd_bus_instance_new (s->daemon, inst, s->objects));
    }
}

static void
on_instances_changed (VipdDaemon *d, gpointer user_data)
{
  VipdBusService *s = user_data;

  resync_instances (s);
  if (s->track)
    {
      vipd_bus_track_rebuild (s->track);
      follow_track_timer (s);
    }
}

static gboolean
sync_track (gpointer user_data)
{
  VipdBusService *s = user_data;

  /* Instances' Counters need nothing: they are read live (bus-instance.c). */
  if (s->track)
    vipd_bus_track_sync (s->track);
  return G_SOURCE_CONTINUE;
}

/* Script runs are published once a second while there are scripts; without any, vipd does not
 * wake up for it. */
static void
follow_track_timer (VipdBusService *s)
{
  gboolean scripts = vipd_daemon_get_config (s->daemon)->scripts->len > 0;

  if (scripts && s->track_sync_id == 0)
    s->track_sync_id = g_timeout_add_seconds (TRACK_SYNC_SECONDS, sync_track, s);
  else if (!scripts)
    g_clear_handle_id (&s->track_sync_id, g_source_remove);
}

/* --- Manager methods --- */

static void
on_reload_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GDBusMethodInvocation *inv = user_data;
  VipdBusService *s = g_object_get_data (G_OBJECT (inv), "vipd-service");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) warnings = NULL;

  if (!vipd_bus_authorize_finish (res, NULL, &error))
    g_dbus_method_invocation_return_gerror (inv, error);
  else if (!vipd_daemon_reload (s->daemon, &warnings, &error))
    g_dbus_method_invocation_return_error_literal (inv, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                   error->message);
  else
    {
      vipd_dbus_manager_complete_reload (s->manager, inv, (const char *const *) warnings);
      vipd_dbus_manager_emit_reloaded (s->manager);
    }
  g_object_unref (inv);
}

static gboolean
handle_reload (VipdDBusManager *manager, GDBusMethodInvocation *inv, gpointer user_data)
{
  g_object_set_data (G_OBJECT (inv), "vipd-service", user_data);
  vipd_bus_authorize (inv, VIPD_ACTION_RELOAD, on_reload_authorized, g_object_ref (inv));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_maintenance_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GDBusMethodInvocation *inv = user_data;
  VipdBusService *s = g_object_get_data (G_OBJECT (inv), "vipd-service");
  gboolean enabled = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (inv), "vipd-enabled"));
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  guint32 uid = 0;

  if (!vipd_bus_authorize_finish (res, &uid, &error))
    {
      g_dbus_method_invocation_return_gerror (inv, error);
      g_object_unref (inv);
      return;
    }
  reason = g_strdup_printf ("admin: maintenance %s by uid %u", enabled ? "on" : "off", uid);
  if (!vipd_daemon_set_maintenance (s->daemon, enabled, reason, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s", error->message);
  vipd_dbus_manager_set_maintenance (s->manager, enabled);
  vipd_dbus_manager_complete_set_maintenance (s->manager, inv);
  g_object_unref (inv);
}

static gboolean
handle_set_maintenance (VipdDBusManager *manager, GDBusMethodInvocation *inv, gboolean enabled,
                        gpointer user_data)
{
  g_object_set_data (G_OBJECT (inv), "vipd-service", user_data);
  g_object_set_data (G_OBJECT (inv), "vipd-enabled", GINT_TO_POINTER (enabled));
  vipd_bus_authorize (inv, VIPD_ACTION_MAINTENANCE, on_maintenance_authorized, g_object_ref (inv));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_events (VipdDBusManager *manager, GDBusMethodInvocation *inv, guint64 since,
                   guint max, gpointer user_data)
{
  VipdBusService *s = user_data;
  g_autoptr (GPtrArray) events = vipd_event_log_query (vipd_daemon_get_event_log (s->daemon),
                                                       since, max);
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(tssss)"));
  for (guint i = 0; i < events->len; i++)
    {
      const VipdEventRecord *e = g_ptr_array_index (events, i);

      g_variant_builder_add (&b, "(tssss)", e->timestamp_us, e->instance, e->old_state,
                             e->new_state, e->reason);
    }
  vipd_dbus_manager_complete_get_events (manager, inv, g_variant_builder_end (&b));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- connection lifecycle --- */

static void
unexport (VipdBusService *s)
{
  g_clear_handle_id (&s->track_sync_id, g_source_remove);
  if (s->name_id)
    {
      g_bus_unown_name (s->name_id);
      s->name_id = 0;
    }
  if (s->instances)
    g_hash_table_remove_all (s->instances);
  g_clear_pointer (&s->track, vipd_bus_track_free);
  g_clear_pointer (&s->lvs, vipd_bus_lvs_free);
  if (s->manager)
    {
      g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (s->manager));
      g_signal_handlers_disconnect_by_data (s->manager, s);
      g_clear_object (&s->manager);
    }
  g_clear_pointer (&s->objects, vipd_bus_objects_free);
  if (s->bus)
    {
      g_clear_signal_handler (&s->closed_id, s->bus);
      g_clear_object (&s->bus);
    }
}

static gboolean
reconnect (gpointer user_data)
{
  VipdBusService *s = user_data;

  s->reconnect_id = 0;
  connect_bus (s);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VipdBusService *s)
{
  if (s->reconnect_id == 0)
    s->reconnect_id = g_timeout_add_seconds (RECONNECT_SECONDS, reconnect, s);
}

static void
on_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, gpointer user_data)
{
  VipdBusService *s = user_data;

  vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                     "lost the system bus (%s); VRRP goes on, reconnecting",
                     error ? error->message : "closed");
  unexport (s);
  s->said_no_bus = TRUE;
  schedule_reconnect (s);
}

static void
on_name_acquired (GDBusConnection *bus, const char *name, gpointer user_data)
{
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "on the system bus as %s", name);
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer user_data)
{
  if (bus != NULL)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "cannot own %s on the system bus (another vipd, or the bus policy "
                       "forbids it: see /usr/share/dbus-1/system.d/org.vipd.Vrrp1.conf); "
                       "VRRP goes on without D-Bus",
                       name);
}

static void
export (VipdBusService *s)
{
  const VipdConfig *config = vipd_daemon_get_config (s->daemon);
  const char *router_id = config->global.router_id;
  g_autoptr (GError) error = NULL;

  s->objects = vipd_bus_objects_new (s->bus, VIPD_DBUS_PATH, &error);
  if (s->objects == NULL)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot export %s: %s; VRRP goes on "
                         "without D-Bus", VIPD_DBUS_PATH, error->message);
      return;
    }
  s->manager = vipd_dbus_manager_skeleton_new ();
  vipd_dbus_manager_set_version (s->manager, VIPD_VERSION);
  vipd_dbus_manager_set_router_id (s->manager, router_id ? router_id : g_get_host_name ());
  vipd_dbus_manager_set_config_file (s->manager, vipd_daemon_get_config_path (s->daemon));
  vipd_dbus_manager_set_maintenance (s->manager, vipd_daemon_get_maintenance (s->daemon));
  g_signal_connect (s->manager, "handle-reload", G_CALLBACK (handle_reload), s);
  g_signal_connect (s->manager, "handle-set-maintenance", G_CALLBACK (handle_set_maintenance), s);
  g_signal_connect (s->manager, "handle-get-events", G_CALLBACK (handle_get_events), s);
  resync_instances (s);
  s->track = vipd_bus_track_new (s->daemon, s->objects);
  s->lvs = vipd_bus_lvs_new (s->daemon, s->objects);
  vipd_bus_objects_announce (s->objects);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (s->manager), s->bus,
                                         VIPD_DBUS_PATH, NULL))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot export %s", VIPD_DBUS_IFACE_MANAGER);
  follow_track_timer (s);
  s->name_id = g_bus_own_name_on_connection (s->bus, VIPD_DBUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                             on_name_acquired, on_name_lost, s, NULL);
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
  VipdBusService *s = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_finish (res, &error);

  if (bus == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (!s->said_no_bus)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                           "no system bus (%s); VRRP runs without D-Bus and vipd keeps trying",
                           error->message);
      s->said_no_bus = TRUE;
      schedule_reconnect (s);
      return;
    }
  s->bus = bus;
  /* The bus going away must never take VRRP with it. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  s->closed_id = g_signal_connect (bus, "closed", G_CALLBACK (on_closed), s);
  s->said_no_bus = FALSE;
  export (s);
}

static void
connect_bus (VipdBusService *s)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);

  if (address == NULL)
    {
      if (!s->said_no_bus)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                           "no system bus address (%s); VRRP runs without D-Bus", error->message);
      s->said_no_bus = TRUE;
      return;
    }
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                         | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, s->cancellable, on_connected, s);
}

VipdBusService *
vipd_bus_service_new (VipdDaemon *daemon)
{
  static const VipdDaemonObserver observer = {
    .instance_changed = on_instance_changed,
    .transition = on_transition,
    .instances_changed = on_instances_changed,
    .sync_group_changed = on_sync_group_changed,
  };
  VipdBusService *s = g_new0 (VipdBusService, 1);

  s->daemon = daemon;
  s->cancellable = g_cancellable_new ();
  s->instances = g_hash_table_new_full (NULL, NULL, NULL,
                                        (GDestroyNotify) vipd_bus_instance_free);
  vipd_daemon_set_observer (daemon, &observer, s);
  connect_bus (s);
  return s;
}

void
vipd_bus_service_free (VipdBusService *s)
{
  static const VipdDaemonObserver none = { 0 };

  if (s == NULL)
    return;
  g_cancellable_cancel (s->cancellable);
  vipd_daemon_set_observer (s->daemon, &none, NULL);
  g_clear_handle_id (&s->reconnect_id, g_source_remove);
  unexport (s);
  g_hash_table_destroy (s->instances);
  g_object_unref (s->cancellable);
  g_free (s);
}
