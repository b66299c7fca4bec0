/* console-node.c — connecting to one node's bus, following vipd's objects, reconnecting.
 *
 * Everything is asynchronous: a node that hangs (an ssh host that does not answer) must never
 * freeze the window. Changes are reported through the "changed" signal and come from
 * ObjectManager and PropertiesChanged. The one exception is an instance's Counters, which vipd
 * does not signal (they move with every advert): they are re-read every COUNTERS_S seconds. */
#include "console-node.h"

#include <glib/gi18n.h>

#include "bus-names.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 30
#define COUNTERS_S 2

struct _ConsoleNode
{
  GObject parent;
  char *spec;
  char *router_id;
  char *error;
  ConsoleNodeState state;
  GCancellable *cancellable;
  GSubprocess *bridge; /* ssh, for ssh: nodes */
  GString *bridge_err; /* what ssh wrote on stderr: the reason a connection failed */
  GDBusConnection *bus;
  GDBusObjectManager *objects;
  VipdDBusManager *manager;
  guint backoff_s;
  guint retry_id;
  gulong closed_id;
  gboolean failed;  /* since the last time it was connected */
  guint failures;   /* connection attempts that failed since then */
  guint counters_id;
};

G_DEFINE_FINAL_TYPE (ConsoleNode, console_node, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void connect_begin (ConsoleNode *self);

/* ssh says why it failed ("Connection refused", "Permission denied (publickey)") on stderr; the
 * D-Bus layer only sees the pipe close. Reads what is there now without blocking. */
static void
drain_bridge_stderr (ConsoleNode *self)
{
  GInputStream *err = self->bridge ? g_subprocess_get_stderr_pipe (self->bridge) : NULL;
  char buf[1024];
  gssize n;

  if (err == NULL || !G_IS_POLLABLE_INPUT_STREAM (err))
    return;
  while ((n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (err), buf,
                                                        sizeof buf, NULL, NULL))
         > 0)
    {
      g_string_append_len (self->bridge_err, buf, n);
      if (self->bridge_err->len > 8192)
        g_string_erase (self->bridge_err, 0, self->bridge_err->len - 4096);
    }
}

/* The last line ssh wrote, or why (a D-Bus error) when it wrote nothing. */
static char *
bridge_reason (ConsoleNode *self, const char *why)
{
  g_auto (GStrv) lines = NULL;

  drain_bridge_stderr (self);
  lines = g_strsplit (self->bridge_err->str, "\n", -1);
  for (guint i = g_strv_length (lines); i > 0; i--)
    {
      g_strstrip (lines[i - 1]);
      if (*lines[i - 1])
        return g_str_has_prefix (lines[i - 1], "ssh:") ? g_strdup (lines[i - 1])
                                                       : g_strdup_printf ("ssh: %s", lines[i - 1]);
    }
  return g_strdup (why);
}

static void
emit_changed (ConsoleNode *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
set_state (ConsoleNode *self, ConsoleNodeState state, const char *error)
{
  if (state == CONSOLE_NODE_CONNECTED)
    {
      self->failed = FALSE;
      self->failures = 0;
    }
  else if (state != CONSOLE_NODE_CONNECTING)
    self->failed = TRUE;
  if (state == CONSOLE_NODE_UNREACHABLE)
    self->failures++;
  self->state = state;
  g_free (self->error);
  self->error = g_strdup (error);
  emit_changed (self);
}

static void
drop_connection (ConsoleNode *self)
{
  if (self->objects)
    g_signal_handlers_disconnect_by_data (self->objects, self);
  if (self->manager)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->objects);
  if (self->bus)
    {
      g_clear_signal_handler (&self->closed_id, self->bus);
      g_dbus_connection_close (self->bus, NULL, NULL, NULL);
    }
  g_clear_object (&self->bus);
  if (self->bridge)
    {
      /* Our own child: end it so a stuck ssh does not linger. */
      g_subprocess_force_exit (self->bridge);
      g_clear_object (&self->bridge);
    }
}

static gboolean
retry_cb (gpointer data)
{
  ConsoleNode *self = data;

  self->retry_id = 0;
  connect_begin (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (ConsoleNode *self, const char *why)
{
  g_autofree char *reason = self->bridge ? bridge_reason (self, why) : g_strdup (why);

  drop_connection (self);
  set_state (self, CONSOLE_NODE_UNREACHABLE, reason);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->backoff_s, retry_cb, self);
  self->backoff_s = MIN (self->backoff_s * 2, BACKOFF_MAX_S);
}

static void
update_router_id (ConsoleNode *self)
{
  const char *id = self->manager ? vipd_dbus_manager_get_router_id (self->manager) : NULL;

  /* Keep the last name while vipd is away: "node2: vipd is not running" says more than a
   * socket path. */
  if (id && *id)
    {
      g_free (self->router_id);
      self->router_id = g_strdup (id);
    }
}

static void
manager_notify_cb (GObject *obj, GParamSpec *pspec, gpointer data)
{
  ConsoleNode *self = data;

  update_router_id (self);
  emit_changed (self);
}

/* The Manager lives on the ObjectManager's own path, which GetManagedObjects does not list, so it
 * gets a proxy of its own; GDBusProxy follows the name owner and reloads its properties. */
static void
manager_ready_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr (ConsoleNode) self = data;
  g_autoptr (GError) error = NULL;
  VipdDBusManager *manager = vipd_dbus_manager_proxy_new_finish (res, &error);

  if (manager == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s: no Manager proxy: %s", self->spec, error->message);
      return;
    }
  if (self->bus == NULL || g_dbus_proxy_get_connection (G_DBUS_PROXY (manager)) != self->bus)
    {
      g_object_unref (manager); /* from a connection since dropped */
      return;
    }
  self->manager = manager;
  g_signal_connect (manager, "notify::router-id", G_CALLBACK (manager_notify_cb), self);
  g_signal_connect (manager, "notify::maintenance", G_CALLBACK (manager_notify_cb), self);
  update_router_id (self);
  emit_changed (self);
}

static void
name_owner_cb (GObject *obj, GParamSpec *pspec, gpointer data)
{
  ConsoleNode *self = data;
  g_autofree char *owner =
      g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (obj));

  if (owner)
    {
      self->backoff_s = BACKOFF_MIN_S;
      set_state (self, CONSOLE_NODE_CONNECTED, NULL);
    }
  else
    set_state (self, CONSOLE_NODE_NO_VIPD, _("vipd is not running on this bus"));
}

static void
objects_changed_cb (gpointer data)
{
  emit_changed (data);
}

/* Every property change: the window updates its rows in place, so a change never rebuilds a
 * widget under the keyboard focus. */
static void
properties_changed_cb (GDBusObjectManagerClient *objects, GDBusObjectProxy *object,
                       GDBusProxy *proxy, GVariant *changed, const char *const *invalidated,
                       gpointer data)
{
  emit_changed (data);
}

static void
counters_got_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr (GDBusProxy) proxy = data;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (src), res, NULL);
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GVariant) cached = NULL;
  ConsoleNode *self;

  if (reply == NULL)
    return; /* gone, or the node went away: the next round or the reconnect tells */
  g_variant_get (reply, "(v)", &value);
  cached = g_dbus_proxy_get_cached_property (proxy, "Counters");
  if (cached && g_variant_equal (cached, value))
    return;
  g_dbus_proxy_set_cached_property (proxy, "Counters", value);
  self = g_object_get_data (G_OBJECT (proxy), "vipd-console-node");
  if (self)
    emit_changed (self);
}

/* Re-reads every instance's Counters: vipd serves them live and never signals them. */
static gboolean
refresh_counters (gpointer data)
{
  ConsoleNode *self = data;
  GList *instances = console_node_get_instances (self);

  for (GList *l = instances; l; l = l->next)
    {
      GDBusProxy *proxy = G_DBUS_PROXY (l->data);

      g_object_set_data (G_OBJECT (proxy), "vipd-console-node", self);
      g_dbus_connection_call (g_dbus_proxy_get_connection (proxy),
                              g_dbus_proxy_get_name (proxy), g_dbus_proxy_get_object_path (proxy),
                              "org.freedesktop.DBus.Properties", "Get",
                              g_variant_new ("(ss)", VIPD_DBUS_IFACE_INSTANCE, "Counters"),
                              G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                              self->cancellable, counters_got_cb, g_object_ref (proxy));
    }
  g_list_free_full (instances, g_object_unref);
  return G_SOURCE_CONTINUE;
}

static void
closed_cb (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, gpointer data)
{
  ConsoleNode *self = data;

  schedule_retry (self, error ? error->message : _("the connection was closed"));
}

static void
objects_ready_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr (ConsoleNode) self = data;
  g_autoptr (GError) error = NULL;
  GDBusObjectManager *objects = vipd_dbus_object_manager_client_new_finish (res, &error);

  if (objects == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        schedule_retry (self, error->message);
      return;
    }
  self->objects = objects;
  g_signal_connect (objects, "notify::name-owner", G_CALLBACK (name_owner_cb), self);
  g_signal_connect_swapped (objects, "object-added", G_CALLBACK (objects_changed_cb), self);
  g_signal_connect_swapped (objects, "object-removed", G_CALLBACK (objects_changed_cb), self);
  g_signal_connect (objects, "interface-proxy-properties-changed",
                    G_CALLBACK (properties_changed_cb), self);
  name_owner_cb (G_OBJECT (objects), NULL, self);
}

static void
bus_ready (ConsoleNode *self, GDBusConnection *bus, GError *error)
{
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        schedule_retry (self, error->message);
      return;
    }
  self->bus = bus;
  /* A node going away must not end the console. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  self->closed_id = g_signal_connect (bus, "closed", G_CALLBACK (closed_cb), self);
  vipd_dbus_object_manager_client_new (bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                       VIPD_DBUS_NAME, VIPD_DBUS_PATH, self->cancellable,
                                       objects_ready_cb, g_object_ref (self));
  vipd_dbus_manager_proxy_new (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, VIPD_DBUS_NAME,
                               VIPD_DBUS_PATH, self->cancellable, manager_ready_cb,
                               g_object_ref (self));
}

static void
address_ready_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr (ConsoleNode) self = data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_finish (res, &error);

  bus_ready (self, bus, error);
}

static void
stream_ready_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr (ConsoleNode) self = data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_finish (res, &error);

  bus_ready (self, bus, error);
}

static void
connect_ssh (ConsoleNode *self, const char *host)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GIOStream) stream = NULL;

  /* GLib has no unixexec: transport, so the bridge is spawned by hand. BatchMode: the console
   * has no terminal to answer a password prompt; keys or an agent are required. */
  g_string_truncate (self->bridge_err, 0);
  self->bridge = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                   &error, "ssh", "-T", "-o", "BatchMode=yes", "--", host,
                                   "systemd-stdio-bridge", NULL);
  if (self->bridge == NULL)
    {
      schedule_retry (self, error->message);
      return;
    }
  stream = g_simple_io_stream_new (g_subprocess_get_stdout_pipe (self->bridge),
                                   g_subprocess_get_stdin_pipe (self->bridge));
  g_dbus_connection_new (stream, NULL,
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                             | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                         NULL, self->cancellable, stream_ready_cb, g_object_ref (self));
}

static void
connect_begin (ConsoleNode *self)
{
  GDBusConnectionFlags flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                               | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION;
  g_autofree char *address = NULL;
  g_autoptr (GError) error = NULL;

  drop_connection (self);
  set_state (self, CONSOLE_NODE_CONNECTING, NULL);
  if (g_str_has_prefix (self->spec, "ssh:"))
    {
      connect_ssh (self, self->spec + 4);
      return;
    }
  /* A private connection, not the shared g_bus_get() one, so that closing it to reconnect
   * touches nobody else. */
  if (g_strcmp0 (self->spec, "system") == 0)
    address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  else
    address = g_strdup (self->spec);
  if (address == NULL)
    {
      schedule_retry (self, error->message);
      return;
    }
  g_dbus_connection_new_for_address (address, flags, NULL, self->cancellable, address_ready_cb,
                                     g_object_ref (self));
}

static void
console_node_dispose (GObject *obj)
{
  ConsoleNode *self = CONSOLE_NODE (obj);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->counters_id, g_source_remove);
  drop_connection (self);
  G_OBJECT_CLASS (console_node_parent_class)->dispose (obj);
}

static void
console_node_finalize (GObject *obj)
{
  ConsoleNode *self = CONSOLE_NODE (obj);

  g_clear_object (&self->cancellable);
  g_free (self->spec);
  g_free (self->router_id);
  g_free (self->error);
  g_string_free (self->bridge_err, TRUE);
  G_OBJECT_CLASS (console_node_parent_class)->finalize (obj);
}

static void
console_node_class_init (ConsoleNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = console_node_dispose;
  object_class->finalize = console_node_finalize;
  /* Anything the view shows changed: state, objects or a property. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
console_node_init (ConsoleNode *self)
{
  self->cancellable = g_cancellable_new ();
  self->backoff_s = BACKOFF_MIN_S;
  self->bridge_err = g_string_new (NULL);
  self->counters_id = g_timeout_add_seconds (COUNTERS_S, refresh_counters, self);
}

ConsoleNode *
console_node_new (const char *spec, GError **error)
{
  ConsoleNode *self;

  if (g_strcmp0 (spec, "system") != 0 && !(g_str_has_prefix (spec, "ssh:") && spec[4])
      && !g_dbus_is_supported_address (spec, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a node: use “system”, “ssh:HOST” or a D-Bus address such as "
                     "“unix:path=/run/dbus/system_bus_socket”"),
                   spec);
      return NULL;
    }
  self = g_object_new (CONSOLE_TYPE_NODE, NULL);
  self->spec = g_strdup (spec);
  return self;
}

void
console_node_start (ConsoleNode *self)
{
  connect_begin (self);
}

gboolean
console_node_reconnect (ConsoleNode *self)
{
  if (self->state != CONSOLE_NODE_UNREACHABLE)
    return FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->backoff_s = BACKOFF_MIN_S;
  connect_begin (self);
  return TRUE;
}

const char *
console_node_get_spec (ConsoleNode *self)
{
  return self->spec;
}

const char *
console_node_get_label (ConsoleNode *self)
{
  return self->router_id ? self->router_id : self->spec;
}

ConsoleNodeState
console_node_get_state (ConsoleNode *self)
{
  return self->state;
}

guint
console_node_get_failures (ConsoleNode *self)
{
  return self->failures;
}

gboolean
console_node_is_down (ConsoleNode *self)
{
  return self->state == CONSOLE_NODE_UNREACHABLE || self->state == CONSOLE_NODE_NO_VIPD
         || (self->state == CONSOLE_NODE_CONNECTING && self->failed);
}

const char *
console_node_get_error (ConsoleNode *self)
{
  return self->error;
}

const char *
console_node_state_to_string (ConsoleNodeState state)
{
  switch (state)
    {
    case CONSOLE_NODE_CONNECTING:
      return "connecting";
    case CONSOLE_NODE_CONNECTED:
      return "connected";
    case CONSOLE_NODE_NO_VIPD:
      return "no-vipd";
    case CONSOLE_NODE_UNREACHABLE:
      return "unreachable";
    }
  return "unknown";
}

GList *
console_node_get_instances (ConsoleNode *self)
{
  GList *objects, *out = NULL;

  if (self->objects == NULL || self->state != CONSOLE_NODE_CONNECTED)
    return NULL;
  objects = g_dbus_object_manager_get_objects (self->objects);
  for (GList *l = objects; l; l = l->next)
    {
      VipdDBusInstance *inst = vipd_dbus_object_get_instance (l->data);

      if (inst)
        out = g_list_prepend (out, inst);
    }
  g_list_free_full (objects, g_object_unref);
  return g_list_reverse (out);
}

VipdDBusInstance *
console_node_find_instance (ConsoleNode *self, const char *name)
{
  GList *all = console_node_get_instances (self);
  VipdDBusInstance *found = NULL;

  for (GList *l = all; l && !found; l = l->next)
    if (g_strcmp0 (vipd_dbus_instance_get_name (l->data), name) == 0)
      found = g_object_ref (l->data);
  g_list_free_full (all, g_object_unref);
  return found;
}

VipdDBusManager *
console_node_get_manager (ConsoleNode *self)
{
  return self->state == CONSOLE_NODE_CONNECTED ? self->manager : NULL;
}

char **
console_node_describe_tracks (ConsoleNode *self, const char *const *paths)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new ();

  for (; self->objects && paths && *paths; paths++)
    {
      g_autoptr (GDBusObject) obj = g_dbus_object_manager_get_object (self->objects, *paths);
      g_autoptr (VipdDBusTrackScript) script =
          obj ? vipd_dbus_object_get_track_script (VIPD_DBUS_OBJECT (obj)) : NULL;

      if (script)
        g_ptr_array_add (out, g_strdup_printf ("%s: %s", vipd_dbus_track_script_get_name (script),
                                               vipd_dbus_track_script_get_status (script)));
    }
  g_ptr_array_add (out, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

void
console_node_describe_sync_group (ConsoleNode *self, const char *path, char **name, char **state)
{
  g_autoptr (GDBusObject) obj = NULL;
  g_autoptr (VipdDBusSyncGroup) group = NULL;

  *name = NULL;
  *state = NULL;
  /* "/" is how vipd says "in no sync group". */
  if (self->objects == NULL || path == NULL || g_strcmp0 (path, "/") == 0)
    return;
  obj = g_dbus_object_manager_get_object (self->objects, path);
  group = obj ? vipd_dbus_object_get_sync_group (VIPD_DBUS_OBJECT (obj)) : NULL;
  if (group == NULL)
    return;
  *name = g_strdup (vipd_dbus_sync_group_get_name (group));
  *state = g_strdup (vipd_dbus_sync_group_get_state (group));
}

static gint
compare_vs (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (vipd_dbus_virtual_server_get_name ((VipdDBusVirtualServer *)a),
                    vipd_dbus_virtual_server_get_name ((VipdDBusVirtualServer *)b));
}

GList *
console_node_get_virtual_servers (ConsoleNode *self)
{
  GList *objects, *out = NULL;

  if (self->objects == NULL || self->state != CONSOLE_NODE_CONNECTED)
    return NULL;
  objects = g_dbus_object_manager_get_objects (self->objects);
  for (GList *l = objects; l; l = l->next)
    {
      VipdDBusVirtualServer *vs = vipd_dbus_object_get_virtual_server (l->data);

      if (vs)
        out = g_list_prepend (out, vs);
    }
  g_list_free_full (objects, g_object_unref);
  return g_list_sort (out, compare_vs);
}

GList *
console_node_get_real_servers (ConsoleNode *self, VipdDBusVirtualServer *vs)
{
  const char *const *paths = vipd_dbus_virtual_server_get_real_servers (vs);
  GList *out = NULL;

  for (guint i = 0; self->objects && paths && paths[i]; i++)
    {
      g_autoptr (GDBusObject) obj = g_dbus_object_manager_get_object (self->objects, paths[i]);
      VipdDBusRealServer *rs = obj ? vipd_dbus_object_get_real_server (VIPD_DBUS_OBJECT (obj)) : NULL;

      if (rs)
        out = g_list_prepend (out, rs);
    }
  return g_list_reverse (out);
}

VipdDBusRealServer *
console_node_find_real_server (ConsoleNode *self, const char *vs_name, const char *rs_name)
{
  GList *vss = console_node_get_virtual_servers (self);
  VipdDBusRealServer *found = NULL;

  for (GList *l = vss; l && !found; l = l->next)
    if (g_strcmp0 (vipd_dbus_virtual_server_get_name (l->data), vs_name) == 0)
      {
        GList *rss = console_node_get_real_servers (self, l->data);

        for (GList *r = rss; r && !found; r = r->next)
          if (g_strcmp0 (vipd_dbus_real_server_get_name (r->data), rs_name) == 0)
            found = g_object_ref (r->data);
        g_list_free_full (rss, g_object_unref);
      }
  g_list_free_full (vss, g_object_unref);
  return found;
}
