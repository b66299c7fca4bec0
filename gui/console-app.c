/* console-app.c — the application: nodes in, one cluster model out, admin calls.
 *
 * Node changes are coalesced in an idle so that a burst of PropertiesChanged (a failover
 * touches State, MasterAddress, priorities and LastTransition at once) rebuilds the model once. */
#include "console-app.h"

#include <glib/gi18n.h>

#include "bus-names.h"
#include "console-config.h"
#include "console-window.h"

#define CALL_TIMEOUT_MS (120 * 1000) /* room for a polkit password prompt */

struct _ConsoleApp
{
  AdwApplication parent;
  GPtrArray *nodes; /* ConsoleNode* */
  GStrv run_nodes;  /* --node */
  GHashTable *run_only; /* specs shown for this run only: --node, unless also remembered */
  ClusterModel *model;
  GHashTable *busy; /* "spec\ninstance" -> count */
  guint update_id;
};

G_DEFINE_FINAL_TYPE (ConsoleApp, console_app, ADW_TYPE_APPLICATION)

enum
{
  SIGNAL_MODEL_CHANGED,
  SIGNAL_TOAST,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static char *
busy_key (const char *spec, const char *instance)
{
  return g_strconcat (spec, "\n", instance, NULL);
}

static gboolean
update_model (gpointer data)
{
  ConsoleApp *self = data;

  self->update_id = 0;
  for (guint i = 0; i < self->nodes->len; i++)
    {
      ConsoleNode *node = self->nodes->pdata[i];
      const char *spec = console_node_get_spec (node);
      GList *instances = console_node_get_instances (node);

      /* Instances come only from connected nodes (console_node_get_instances). */
      cluster_model_set_node (self->model, spec, !console_node_is_down (node));
      cluster_model_clear_instances (self->model, spec);
      for (GList *l = instances; l; l = l->next)
        {
          VipdDBusInstance *p = l->data;
          g_auto (GStrv) tracks =
              console_node_describe_tracks (node, vipd_dbus_instance_get_track_scripts (p));
          g_autofree char *sync_name = NULL;
          g_autofree char *sync_state = NULL;
          ClusterInstance ci = {
            .node = (char *)spec,
            .name = (char *)vipd_dbus_instance_get_name (p),
            .interface = (char *)vipd_dbus_instance_get_interface (p),
            .vrid = vipd_dbus_instance_get_virtual_router_id (p),
            .family = (char *)vipd_dbus_instance_get_family (p),
            .state = (char *)vipd_dbus_instance_get_state (p),
            .base_priority = vipd_dbus_instance_get_base_priority (p),
            .admin_priority = vipd_dbus_instance_get_admin_priority (p),
            .effective_priority = vipd_dbus_instance_get_effective_priority (p),
            .vips = (char **)vipd_dbus_instance_get_virtual_addresses (p),
            .master_address = (char *)vipd_dbus_instance_get_master_address (p),
            .last_transition = vipd_dbus_instance_get_last_transition (p),
            .last_reason = (char *)vipd_dbus_instance_get_last_transition_reason (p),
            .tracks = tracks,
          };

          console_node_describe_sync_group (node, vipd_dbus_instance_get_sync_group (p),
                                            &sync_name, &sync_state);
          ci.sync_group = sync_name;
          ci.sync_state = sync_state;
          cluster_instance_set_counters (&ci, vipd_dbus_instance_get_counters (p));
          if (ci.name)
            cluster_model_add_instance (self->model, &ci);
        }
      g_list_free_full (instances, g_object_unref);
    }
  cluster_model_update (self->model);
  g_signal_emit (self, signals[SIGNAL_MODEL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
queue_update (ConsoleApp *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_model, self);
}

static void
save_nodes (ConsoleApp *self)
{
  g_autoptr (GPtrArray) specs = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const char *spec = console_node_get_spec (self->nodes->pdata[i]);

      if (!g_hash_table_contains (self->run_only, spec))
        g_ptr_array_add (specs, (char *)spec);
    }
  g_ptr_array_add (specs, NULL);
  if (!console_config_save_nodes ((const char *const *)specs->pdata, &error))
    g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message);
}

gboolean
console_app_add_node (ConsoleApp *self, const char *spec, gboolean remember, GError **error)
{
  ConsoleNode *node;

  for (guint i = 0; i < self->nodes->len; i++)
    if (g_strcmp0 (console_node_get_spec (self->nodes->pdata[i]), spec) == 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” is already in the list"), spec);
        return FALSE;
      }
  node = console_node_new (spec, error);
  if (node == NULL)
    return FALSE;
  g_ptr_array_add (self->nodes, node);
  g_signal_connect_swapped (node, "changed", G_CALLBACK (queue_update), self);
  console_node_start (node);
  if (remember)
    save_nodes (self);
  queue_update (self);
  return TRUE;
}

void
console_app_remove_node (ConsoleApp *self, const char *spec)
{
  ConsoleNode *node = console_app_find_node (self, spec);

  if (node == NULL)
    return;
  g_signal_handlers_disconnect_by_data (node, self);
  cluster_model_remove_node (self->model, spec);
  g_ptr_array_remove (self->nodes, node);
  save_nodes (self);
  queue_update (self);
}

ConsoleNode *
console_app_find_node (ConsoleApp *self, const char *id)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      ConsoleNode *n = self->nodes->pdata[i];

      if (g_strcmp0 (console_node_get_spec (n), id) == 0)
        return n;
    }
  for (guint i = 0; i < self->nodes->len; i++)
    {
      ConsoleNode *n = self->nodes->pdata[i];

      if (g_strcmp0 (console_node_get_label (n), id) == 0)
        return n;
    }
  return NULL;
}

const char *
console_app_node_label (ConsoleApp *self, const char *id)
{
  ConsoleNode *n = id ? console_app_find_node (self, id) : NULL;

  return n ? console_node_get_label (n) : id;
}

GPtrArray *
console_app_get_nodes (ConsoleApp *self)
{
  return self->nodes;
}

ClusterModel *
console_app_get_model (ConsoleApp *self)
{
  return self->model;
}

gboolean
console_app_is_busy (ConsoleApp *self, const char *spec, const char *instance)
{
  g_autofree char *key = busy_key (spec, instance);

  return g_hash_table_contains (self->busy, key);
}

char *
console_app_rs_key (const char *vs, const char *rs)
{
  return g_strdup_printf ("lvs\n%s\n%s", vs, rs);
}

/* ---- admin calls ---- */

typedef struct
{
  ConsoleApp *app;
  char *key;         /* busy key of the row the admin acted on */
  const char *title; /* the action as the admin saw it, translated */
  const char *then;  /* ResetPriority on the group's other members after TakeOver */
  GPtrArray *others; /* VipdDBusInstance* for then */
  guint pending;
  gboolean reported;
} AdminCall;

static void
admin_call_unref (AdminCall *c)
{
  if (--c->pending > 0)
    return;
  g_hash_table_remove (c->app->busy, c->key);
  queue_update (c->app);
  g_object_unref (c->app);
  g_free (c->key);
  if (c->others)
    g_ptr_array_unref (c->others);
  g_free (c);
}

static void
report_error (AdminCall *c, GError *error)
{
  g_autofree char *msg = NULL;

  if (c->reported)
    return;
  c->reported = TRUE;
  g_dbus_error_strip_remote_error (error);
  /* The toast stays short; the whole reason (who refused and why) goes to the log. */
  g_message ("%s: %s", c->title, error->message);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    /* TRANSLATORS: %s is an action such as "Move VIP Here" */
    msg = g_strdup_printf (_("“%s” was refused: not authorized"), c->title);
  else
    /* TRANSLATORS: the first %s is an action, the second the reason */
    msg = g_strdup_printf (_("“%s” failed: %s"), c->title, error->message);
  g_signal_emit (c->app, signals[SIGNAL_TOAST], 0, msg);
}

static void call_method (AdminCall *c, gpointer proxy, const char *method, GVariant *args);

static void
call_done_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  AdminCall *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) ret = g_dbus_proxy_call_finish (G_DBUS_PROXY (src), res, &error);

  if (ret == NULL)
    report_error (c, error);
  else if (c->then && c->others)
    {
      const char *then = c->then;

      /* The new owner holds 254 now; the others drop their admin priorities so that a later
       * reset here hands the VIP back by the configured priorities alone. */
      c->then = NULL;
      for (guint i = 0; i < c->others->len; i++)
        call_method (c, c->others->pdata[i], then, NULL);
    }
  admin_call_unref (c);
}

static void
call_method (AdminCall *c, gpointer proxy, const char *method, GVariant *args)
{
  c->pending++;
  g_dbus_proxy_call (G_DBUS_PROXY (proxy), method, args,
                     G_DBUS_CALL_FLAGS_NO_AUTO_START
                         | G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                     CALL_TIMEOUT_MS, NULL, call_done_cb, c);
}

/* The group's other members of (spec, instance), as proxies. */
static GPtrArray *
group_others (ConsoleApp *self, const char *spec, const char *instance)
{
  GPtrArray *groups = cluster_model_get_groups (self->model);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < groups->len; i++)
    {
      ClusterGroup *g = groups->pdata[i];
      gboolean here = FALSE;

      for (guint k = 0; k < g->members->len; k++)
        {
          ClusterInstance *m = g->members->pdata[k];

          here = here || (g_strcmp0 (m->node, spec) == 0 && g_strcmp0 (m->name, instance) == 0);
        }
      if (!here)
        continue;
      for (guint k = 0; k < g->members->len; k++)
        {
          ClusterInstance *m = g->members->pdata[k];
          ConsoleNode *node = console_app_find_node (self, m->node);
          VipdDBusInstance *p;

          if (g_strcmp0 (m->node, spec) == 0 || node == NULL)
            continue;
          p = console_node_find_instance (node, m->name);
          if (p)
            g_ptr_array_add (out, p);
        }
    }
  return out;
}

/* Calls method(args) on proxy for the row (spec, instance); then, when given, ResetPriority on
 * the group's other members. */
static void
run_admin_call (ConsoleApp *self, GDBusProxy *proxy, const char *spec, const char *instance,
                const char *title, const char *method, GVariant *args, const char *then)
{
  AdminCall *c = g_new0 (AdminCall, 1);

  c->app = g_object_ref (self);
  c->key = busy_key (spec, instance);
  c->title = title;
  c->then = then;
  if (then)
    c->others = group_others (self, spec, instance);
  g_hash_table_insert (self->busy, g_strdup (c->key), GINT_TO_POINTER (1));
  queue_update (self);
  c->pending = 1; /* held until call_method's own reference is taken */
  call_method (c, proxy, method, args);
  admin_call_unref (c);
}

static void
start_admin_call (ConsoleApp *self, GVariant *param, const char *title, const char *method,
                  const char *then)
{
  const char *id, *instance;
  guint8 priority = 0;
  ConsoleNode *node;
  g_autoptr (VipdDBusInstance) inst = NULL;

  if (g_variant_is_of_type (param, G_VARIANT_TYPE ("(ssy)")))
    g_variant_get (param, "(&s&sy)", &id, &instance, &priority);
  else
    g_variant_get (param, "(&s&s)", &id, &instance);
  node = console_app_find_node (self, id);
  inst = node ? console_node_find_instance (node, instance) : NULL;
  if (inst == NULL)
    {
      g_autofree char *msg =
          g_strdup_printf (_("“%s” failed: no instance %s on %s"), title, instance, id);

      g_signal_emit (self, signals[SIGNAL_TOAST], 0, msg);
      return;
    }
  run_admin_call (self, G_DBUS_PROXY (inst), console_node_get_spec (node), instance, title,
                  method, priority ? g_variant_new ("(y)", priority) : NULL, then);
}

static void
demote_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  start_admin_call (data, param, _("Demote"), "Demote", NULL);
}

static void
move_here_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  start_admin_call (data, param, _("Move VIP Here"), "TakeOver", "ResetPriority");
}

static void
reset_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  start_admin_call (data, param, _("Reset"), "ResetPriority", NULL);
}

static void
set_priority_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  guint8 priority;

  g_variant_get (param, "(&s&sy)", NULL, NULL, &priority);
  if (priority < 1 || priority > 254)
    {
      g_signal_emit (data, signals[SIGNAL_TOAST], 0, _("A priority is between 1 and 254"));
      return;
    }
  start_admin_call (data, param, _("Set priority"), "SetPriority", NULL);
}

static void
maintenance_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleApp *self = data;
  const char *id;
  gboolean on;
  ConsoleNode *node;
  VipdDBusManager *manager;
  const char *title = NULL;

  g_variant_get (param, "(&sb)", &id, &on);
  title = on ? _("Start Maintenance") : _("End Maintenance");
  node = console_app_find_node (self, id);
  manager = node ? console_node_get_manager (node) : NULL;
  if (manager == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” failed: %s is not connected"), title, id);

      g_signal_emit (self, signals[SIGNAL_TOAST], 0, msg);
      return;
    }
  /* Busy on the node as a whole: the instance part of the key is empty. */
  run_admin_call (self, G_DBUS_PROXY (manager), console_node_get_spec (node), "", title,
                  "SetMaintenance", g_variant_new ("(b)", on), NULL);
}

/* Real-server actions: target (node, virtual server, real server[, weight]). The row is busy
 * under the key console_app_rs_key() makes. */
static void
start_rs_call (ConsoleApp *self, GVariant *param, const char *title, const char *method)
{
  const char *id, *vs, *rs;
  guint32 weight = 0;
  ConsoleNode *node;
  g_autoptr (VipdDBusRealServer) proxy = NULL;
  g_autofree char *key = NULL;

  if (g_variant_is_of_type (param, G_VARIANT_TYPE ("(sssu)")))
    g_variant_get (param, "(&s&s&su)", &id, &vs, &rs, &weight);
  else
    g_variant_get (param, "(&s&s&s)", &id, &vs, &rs);
  node = console_app_find_node (self, id);
  proxy = node ? console_node_find_real_server (node, vs, rs) : NULL;
  if (proxy == NULL)
    {
      /* TRANSLATORS: an action, a real server, a virtual server, a node */
      g_autofree char *msg = g_strdup_printf (_("“%s” failed: no real server %s in %s on %s"),
                                              title, rs, vs, id);

      g_signal_emit (self, signals[SIGNAL_TOAST], 0, msg);
      return;
    }
  key = console_app_rs_key (vs, rs);
  run_admin_call (self, G_DBUS_PROXY (proxy), console_node_get_spec (node), key, title, method,
                  g_variant_is_of_type (param, G_VARIANT_TYPE ("(sssu)"))
                      ? g_variant_new ("(u)", weight)
                      : NULL,
                  NULL);
}

static void
drain_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  start_rs_call (data, param, _("Drain"), "Drain");
}

static void
enable_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  start_rs_call (data, param, _("Enable"), "Enable");
}

static void
set_weight_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  guint32 weight;

  g_variant_get (param, "(&s&s&su)", NULL, NULL, NULL, &weight);
  if (weight > 65535)
    {
      g_signal_emit (data, signals[SIGNAL_TOAST], 0, _("A weight is between 0 and 65535"));
      return;
    }
  start_rs_call (data, param, _("Set weight"), "SetWeight");
}

static void
quit_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  g_application_quit (data);
}

/* Skips the backoff wait of every unreachable node (up to 30 s): after fixing a network or
 * starting sshd, an admin wants to see the node now. */
static void
reconnect_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleApp *self = data;

  for (guint i = 0; i < self->nodes->len; i++)
    console_node_reconnect (self->nodes->pdata[i]);
}

static const GActionEntry app_actions[] = {
  { .name = "demote", .activate = demote_activated, .parameter_type = "(ss)" },
  { .name = "move-vip-here", .activate = move_here_activated, .parameter_type = "(ss)" },
  { .name = "reset", .activate = reset_activated, .parameter_type = "(ss)" },
  { .name = "set-priority", .activate = set_priority_activated, .parameter_type = "(ssy)" },
  { .name = "maintenance", .activate = maintenance_activated, .parameter_type = "(sb)" },
  { .name = "drain", .activate = drain_activated, .parameter_type = "(sss)" },
  { .name = "enable", .activate = enable_activated, .parameter_type = "(sss)" },
  { .name = "set-weight", .activate = set_weight_activated, .parameter_type = "(sssu)" },
  { .name = "quit", .activate = quit_activated },
  { .name = "reconnect", .activate = reconnect_activated },
};

/* ---- lifecycle ---- */

static gint
handle_local_options (GApplication *app, GVariantDict *options)
{
  ConsoleApp *self = CONSOLE_APP (app);

  g_variant_dict_lookup (options, "node", "^as", &self->run_nodes);
  return -1;
}

static void
console_app_startup (GApplication *app)
{
  ConsoleApp *self = CONSOLE_APP (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *reconnect_accels[] = { "F5", "<Control>r", NULL };
  static const char *add_accels[] = { "<Control>n", NULL };
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) saved = NULL;

  G_APPLICATION_CLASS (console_app_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.reconnect",
                                         reconnect_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.add-node", add_accels);

  saved = console_config_load_nodes (&error);
  if (saved == NULL)
    g_warning ("%s", error->message);
  for (char **s = saved; s && *s; s++)
    if (!console_app_add_node (self, *s, FALSE, &error))
      {
        g_warning ("%s", error->message);
        g_clear_error (&error);
      }
  for (char **s = self->run_nodes; s && *s; s++)
    if (console_app_add_node (self, *s, FALSE, &error))
      g_hash_table_add (self->run_only, g_strdup (*s));
    else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
      g_clear_error (&error); /* remembered and given again: it stays remembered */
    else
      {
        g_printerr ("vipd-console: %s\n", error->message);
        g_clear_error (&error);
      }
  /* A first run with nothing to show: the local machine is the obvious node. */
  if (self->nodes->len == 0)
    console_app_add_node (self, "system", FALSE, NULL);
}

static void
console_app_activate (GApplication *app)
{
  GtkWindow *win = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (win == NULL)
    win = GTK_WINDOW (console_window_new (CONSOLE_APP (app)));
  gtk_window_present (win);
}

static void
console_app_dispose (GObject *obj)
{
  ConsoleApp *self = CONSOLE_APP (obj);

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->nodes)
    for (guint i = 0; i < self->nodes->len; i++)
      g_signal_handlers_disconnect_by_data (self->nodes->pdata[i], self);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  G_OBJECT_CLASS (console_app_parent_class)->dispose (obj);
}

static void
console_app_finalize (GObject *obj)
{
  ConsoleApp *self = CONSOLE_APP (obj);

  g_strfreev (self->run_nodes);
  g_hash_table_unref (self->run_only);
  cluster_model_free (self->model);
  g_hash_table_unref (self->busy);
  G_OBJECT_CLASS (console_app_parent_class)->finalize (obj);
}

static void
console_app_class_init (ConsoleAppClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = console_app_dispose;
  object_class->finalize = console_app_finalize;
  app_class->handle_local_options = handle_local_options;
  app_class->startup = console_app_startup;
  app_class->activate = console_app_activate;
  signals[SIGNAL_MODEL_CHANGED] = g_signal_new ("model-changed", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 0);
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
console_app_init (ConsoleApp *self)
{
  static const GOptionEntry options[] = {
    { "node", 'n', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      N_ ("Also show this node for this run: system, ssh:HOST or a D-Bus address"),
      N_ ("NODE") },
    { NULL },
  };

  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->model = cluster_model_new ();
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->run_only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

ConsoleApp *
console_app_new (void)
{
  return g_object_new (CONSOLE_TYPE_APP, "application-id", "org.vipd.Console", "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path", "/org/vipd/Console",
                       NULL);
}
