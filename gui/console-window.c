/* console-window.c — an AdwLeaflet with the node list and the cluster view.
 *
 * The cluster view is rebuilt from the model after each (coalesced) update: a few groups of a
 * few rows each, so rebuilding is cheap and the view can never drift from the model. Keyboard
 * focus is carried over the rebuild by a key per focusable control. */
#include "console-window.h"

#include <glib/gi18n.h>

#include "console-app.h"
#include "console-dialogs.h"
#include "console-events.h"
#include "console-report.h"

struct _ConsoleWindow
{
  AdwApplicationWindow parent;
  ConsoleApp *app;
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkListBox *node_list;
  GtkBox *cluster_box;
  GtkWidget *back_button;
  GHashTable *focus_widgets; /* focus key -> widget, of the last rebuild */
  char *report_path;
  GPtrArray *toasts; /* texts of the toasts shown, for the test report */
};

G_DEFINE_FINAL_TYPE (ConsoleWindow, console_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *
state_label (const char *state)
{
  static const struct
  {
    const char *state;
    const char *label;
  } labels[] = {
    { "init", N_ ("Starting") },   { "backup", N_ ("Backup") },
    { "master", N_ ("Master") },   { "fault", N_ ("Fault") },
    { "maintenance", N_ ("Maintenance") }, { "stop", N_ ("Stopped") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].state, state) == 0)
      return _(labels[i].label);
  return state;
}

static const char *
node_label (ConsoleWindow *self, const char *spec)
{
  ConsoleNode *n = spec ? console_app_find_node (self->app, spec) : NULL;

  return n ? console_node_get_label (n) : spec;
}

static char *
format_time (guint64 usec)
{
  g_autoptr (GDateTime) t = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (usec == 0)
    return g_strdup (_("never"));
  t = g_date_time_new_from_unix_local ((gint64)(usec / G_USEC_PER_SEC));
  if (g_date_time_get_year (t) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (t) == g_date_time_get_day_of_year (now))
    return g_date_time_format (t, "%H:%M:%S");
  return g_date_time_format (t, "%Y-%m-%d %H:%M");
}

/* ---- the node list ---- */

static void
menu_add (GMenu *menu, const char *label, const char *action, GVariant *target)
{
  g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  g_menu_append_item (menu, item);
}

static GtkWidget *
node_row (ConsoleWindow *self, ConsoleNode *node)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon, *menu_button;
  const char *subtitle = NULL, *icon_name = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *key = g_strconcat ("node\n", console_node_get_spec (node), NULL);

  switch (console_node_get_state (node))
    {
    case CONSOLE_NODE_CONNECTING:
      subtitle = _("Connecting…");
      icon_name = "content-loading-symbolic";
      break;
    case CONSOLE_NODE_CONNECTED:
      subtitle = console_node_get_manager (node)
                         && vipd_dbus_manager_get_maintenance (console_node_get_manager (node))
                     ? _("Connected · in maintenance")
                     : _("Connected");
      icon_name = "emblem-ok-symbolic";
      break;
    case CONSOLE_NODE_NO_VIPD:
      subtitle = _("vipd is not running");
      icon_name = "dialog-warning-symbolic";
      break;
    case CONSOLE_NODE_UNREACHABLE:
      detail = g_strdup_printf (_("Unreachable: %s"), console_node_get_error (node));
      subtitle = detail;
      icon_name = "network-offline-symbolic";
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), console_node_get_label (node));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, console_node_get_spec (node));
  icon = gtk_image_new_from_icon_name (icon_name);
  if (console_node_get_state (node) != CONSOLE_NODE_CONNECTED)
    gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  {
    g_autoptr (GMenu) menu = g_menu_new ();
    VipdDBusManager *manager = console_node_get_manager (node);
    const char *spec = console_node_get_spec (node);

    if (manager && vipd_dbus_manager_get_maintenance (manager))
      menu_add (menu, _("End Maintenance"), "app.maintenance", g_variant_new ("(sb)", spec, FALSE));
    else if (manager)
      menu_add (menu, _("Start Maintenance…"), "win.start-maintenance", g_variant_new ("s", spec));
    menu_add (menu, _("Events"), "win.events", g_variant_new ("s", spec));
    menu_add (menu, _("Forget Node"), "win.forget", g_variant_new ("s", spec));
    menu_button = gtk_menu_button_new ();
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
    gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (menu_button, "flat");
    gtk_widget_set_tooltip_text (menu_button, _("Node actions"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Node actions"), -1);
    if (console_app_is_busy (self->app, spec, ""))
      {
        GtkWidget *spinner = gtk_spinner_new ();

        gtk_spinner_start (GTK_SPINNER (spinner));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
        gtk_widget_set_sensitive (menu_button, FALSE);
      }
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);
  }
  g_hash_table_insert (self->focus_widgets, g_steal_pointer (&key), menu_button);
  return row;
}

static void
rebuild_nodes (ConsoleWindow *self)
{
  GPtrArray *nodes = console_app_get_nodes (self->app);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->node_list))))
    gtk_list_box_remove (self->node_list, child);
  for (guint i = 0; i < nodes->len; i++)
    gtk_list_box_append (self->node_list, node_row (self, nodes->pdata[i]));
}

/* ---- the cluster view ---- */

static void
action_clicked (GtkButton *button, ConsoleWindow *self)
{
  const char *action = g_object_get_data (G_OBJECT (button), "action");
  GVariant *target = g_object_get_data (G_OBJECT (button), "target");
  const char *heading = g_object_get_data (G_OBJECT (button), "heading");
  const char *body = g_object_get_data (G_OBJECT (button), "body");
  const char *go = g_object_get_data (G_OBJECT (button), "go");

  if (heading == NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (self->app), action + 4, target);
      return;
    }
  console_dialog_confirm (GTK_WINDOW (self), G_ACTION_GROUP (self->app), heading, body, go,
                          action, target);
}

/* A button for one admin action; heading NULL means no confirmation. */
static GtkWidget *
action_button (ConsoleWindow *self, const char *label, const char *action, const char *spec,
               const char *instance, const char *heading, const char *body, const char *go)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);
  g_autofree char *key = g_strdup_printf ("%s\n%s\n%s", action, spec, instance);

  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (b), "action", g_strdup (action), g_free);
  g_object_set_data_full (G_OBJECT (b), "target",
                          g_variant_ref_sink (g_variant_new ("(ss)", spec, instance)),
                          (GDestroyNotify)g_variant_unref);
  g_object_set_data_full (G_OBJECT (b), "heading", g_strdup (heading), g_free);
  g_object_set_data_full (G_OBJECT (b), "body", g_strdup (body), g_free);
  g_object_set_data_full (G_OBJECT (b), "go", g_strdup (go), g_free);
  g_signal_connect (b, "clicked", G_CALLBACK (action_clicked), self);
  g_hash_table_insert (self->focus_widgets, g_steal_pointer (&key), b);
  return b;
}

static GtkWidget *
member_row (ConsoleWindow *self, ClusterGroup *g, ClusterInstance *m)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box;
  g_autofree char *title = g_strdup_printf ("%s · %s", node_label (self, m->node), m->name);
  g_autofree char *when = format_time (m->last_transition);
  g_autofree char *admin = m->admin_priority ? g_strdup_printf ("%u", m->admin_priority)
                                             : g_strdup (_("none"));
  g_autofree char *subtitle = NULL;
  g_autofree char *vip_list = g_strjoinv (", ", g->vips);
  g_autofree char *demote_body = NULL;
  g_autofree char *move_body = NULL;
  const char *nl = node_label (self, m->node);

  /* TRANSLATORS: state, effective, base and admin priority, time and reason of the last change */
  subtitle = g_strdup_printf (_("%s · priority %u (base %u, admin %s)\nsince %s: %s"),
                              state_label (m->state), m->effective_priority, m->base_priority,
                              admin, when, m->last_reason[0] ? m->last_reason : "—");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (m->tracks && m->tracks[0])
    {
      g_autofree char *joined = g_strjoinv (", ", m->tracks);
      char *with = g_strdup_printf ("%s\n%s %s", subtitle, _("Track scripts:"), joined);

      g_free (subtitle);
      subtitle = with;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  if (g_strcmp0 (m->state, "master") == 0)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                               gtk_image_new_from_icon_name ("starred-symbolic"));
  else
    {
      GtkWidget *spacer = gtk_image_new ();

      gtk_image_set_pixel_size (GTK_IMAGE (spacer), 16);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), spacer);
    }

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  if (console_app_is_busy (self->app, m->node, m->name))
    {
      GtkWidget *spinner = gtk_spinner_new ();

      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_widget_set_tooltip_text (spinner, _("Waiting for vipd…"));
      gtk_box_append (GTK_BOX (box), spinner);
      gtk_widget_set_sensitive (row, FALSE);
    }
  demote_body = g_strdup_printf (_("%s hands %s over to another node at once and stays backup "
                                   "until it is reset."),
                                 nl, vip_list);
  move_body = g_strdup_printf (_("%s takes %s over now; the other nodes drop their admin "
                                 "priorities. Clients may see a short interruption."),
                               nl, vip_list);
  /* Only the actions that mean something in this row's state, so that the row keeps room for
   * its facts at 800 pixels; every action stays reachable through app.* for scripts. */
  if (g_strcmp0 (m->state, "master") == 0)
    gtk_box_append (GTK_BOX (box),
                    action_button (self, _("_Demote"), "app.demote", m->node, m->name,
                                   _("Demote this node?"), demote_body, _("_Demote")));
  else if (g_strcmp0 (m->state, "maintenance") != 0) /* maintenance keeps a node out */
    gtk_box_append (GTK_BOX (box),
                    action_button (self, _("_Move VIP here"), "app.move-vip-here", m->node,
                                   m->name, _("Move the VIP here?"), move_body, _("_Move")));
  if (m->admin_priority != 0)
    gtk_box_append (GTK_BOX (box), action_button (self, _("_Reset"), "app.reset", m->node,
                                                  m->name, NULL, NULL, NULL));
  {
    g_autoptr (GMenu) menu = g_menu_new ();
    GtkWidget *more = gtk_menu_button_new ();
    g_autofree char *key = g_strdup_printf ("menu\n%s\n%s", m->node, m->name);

    menu_add (menu, _("Set Priority…"), "win.set-priority", g_variant_new ("(ss)", m->node, m->name));
    menu_add (menu, _("Demote"), "win.demote", g_variant_new ("(ss)", m->node, m->name));
    menu_add (menu, _("Reset Priority"), "app.reset", g_variant_new ("(ss)", m->node, m->name));
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
    gtk_widget_add_css_class (more, "flat");
    gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
    gtk_widget_set_tooltip_text (more, _("More actions"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("More actions"), -1);
    g_hash_table_insert (self->focus_widgets, g_steal_pointer (&key), more);
    gtk_box_append (GTK_BOX (box), more);
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  return row;
}

static GtkWidget *
alarm_row (const char *title, const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static const char *
alarm_title (ClusterAlarmKind kind)
{
  switch (kind)
    {
    case CLUSTER_ALARM_SPLIT_BRAIN:
      return _("Split brain: more than one master");
    case CLUSTER_ALARM_NO_MASTER:
      return _("No master");
    case CLUSTER_ALARM_VIPS_DIFFER:
      return _("The nodes announce different VIPs");
    case CLUSTER_ALARM_NODE_UNREACHABLE:
      return _("Node unreachable");
    }
  return "";
}

/* Node labels of ids, joined with ", ". */
static char *
labels_of (ConsoleWindow *self, char **ids)
{
  GString *s = g_string_new (NULL);

  for (; ids && *ids; ids++)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", node_label (self, *ids));
  return g_string_free (s, FALSE);
}

static char *
owner_text (ConsoleWindow *self, ClusterGroup *g)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g->owners->len; i++)
    {
      ClusterOwner *o = g->owners->pdata[i];

      if (s->len)
        g_string_append_c (s, '\n');
      if (o->holders && g_strv_length (o->holders) > 1)
        {
          g_autofree char *who = labels_of (self, o->holders);

          /* TRANSLATORS: VIP, the nodes that all claim it */
          g_string_append_printf (s, _("%s is claimed by %s at once"), o->vip, who);
        }
      else if (o->node)
        /* TRANSLATORS: VIP, node, node's address */
        g_string_append_printf (s, _("%s is on %s (%s)"), o->vip, node_label (self, o->node),
                                o->address ? o->address : "?");
      else if (o->address)
        g_string_append_printf (s, _("%s is on %s, a node not in this list"), o->vip, o->address);
      else
        g_string_append_printf (s, _("%s has no owner"), o->vip);
    }
  return g_string_free (s, FALSE);
}

static void
rebuild_cluster (ConsoleWindow *self, GHashTable *owner_texts)
{
  ClusterModel *model = console_app_get_model (self->app);
  GPtrArray *groups = cluster_model_get_groups (model);
  GPtrArray *node_alarms = cluster_model_get_node_alarms (model);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cluster_box))))
    gtk_box_remove (self->cluster_box, child);

  if (node_alarms->len)
    {
      GtkWidget *pg = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (pg), _("Alarms"));
      for (guint i = 0; i < node_alarms->len; i++)
        {
          ClusterAlarm *a = node_alarms->pdata[i];

          ConsoleNode *node = console_app_find_node (self->app, a->text);
          const char *why = node ? console_node_get_error (node) : NULL;
          g_autofree char *text = why ? g_strdup_printf ("%s: %s", node_label (self, a->text), why)
                                      : g_strdup (node_label (self, a->text));

          adw_preferences_group_add (ADW_PREFERENCES_GROUP (pg),
                                     alarm_row (alarm_title (a->kind), text));
        }
      gtk_box_append (self->cluster_box, pg);
    }

  if (groups->len == 0)
    {
      GtkWidget *status = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "network-workgroup-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No VRRP Instances"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                       _("None of the connected nodes reports an instance yet."));
      gtk_widget_set_vexpand (status, TRUE);
      gtk_box_append (self->cluster_box, status);
    }

  for (guint i = 0; i < groups->len; i++)
    {
      ClusterGroup *g = groups->pdata[i];
      GtkWidget *pg = adw_preferences_group_new ();
      g_autofree char *title = g_strdup_printf (_("VRID %u on %s"), g->vrid, g->interface);
      char *owners = owner_text (self, g);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (pg), title);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (pg), owners);
      g_hash_table_insert (owner_texts, g_strdup (g->key), owners);
      for (guint k = 0; k < g->alarms->len; k++)
        {
          ClusterAlarm *a = g->alarms->pdata[k];
          g_autofree char *text = NULL;

          if (a->kind == CLUSTER_ALARM_SPLIT_BRAIN)
            {
              g_autoptr (GPtrArray) masters = g_ptr_array_new ();
              g_autofree char *who = NULL;

              /* The alarm names node ids; the admin knows the nodes by their labels. */
              for (guint n = 0; n < g->members->len; n++)
                {
                  ClusterInstance *m = g->members->pdata[n];

                  if (g_strcmp0 (m->state, "master") == 0)
                    g_ptr_array_add (masters, m->node);
                }
              g_ptr_array_add (masters, NULL);
              who = labels_of (self, (char **)masters->pdata);
              text = g_strdup_printf (_("Masters: %s"), who);
            }
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (pg),
                                     alarm_row (alarm_title (a->kind), text ? text : a->text));
        }
      for (guint k = 0; k < g->members->len; k++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (pg),
                                   member_row (self, g, g->members->pdata[k]));
      gtk_box_append (self->cluster_box, pg);
    }
}

static char *
focus_key (ConsoleWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GHashTableIter it;
  gpointer key, value;

  if (focus == NULL)
    return NULL;
  g_hash_table_iter_init (&it, self->focus_widgets);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (value == focus || gtk_widget_is_ancestor (focus, value))
      return g_strdup (key);
  return NULL;
}

static void
model_changed (ConsoleWindow *self)
{
  g_autoptr (GHashTable) owner_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              g_free);
  g_autofree char *focused = focus_key (self);
  GtkWidget *again;

  g_hash_table_remove_all (self->focus_widgets);
  rebuild_nodes (self);
  rebuild_cluster (self, owner_texts);
  again = focused ? g_hash_table_lookup (self->focus_widgets, focused) : NULL;
  if (again)
    gtk_widget_grab_focus (again);

  if (self->report_path)
    {
      g_autoptr (GError) error = NULL;

      g_ptr_array_add (self->toasts, NULL);
      if (!console_report_write (self->report_path, self->app, owner_texts,
                                 (const char *const *)self->toasts->pdata, &error))
        g_warning ("test report: %s", error->message);
      g_ptr_array_remove_index (self->toasts, self->toasts->len - 1);
    }
}

static void
toast (ConsoleWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  if (self->report_path)
    {
      g_ptr_array_add (self->toasts, g_strdup (text));
      model_changed (self);
    }
}

/* ---- window actions: the dialogs in front of app actions ---- */

static void
set_priority_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  const char *spec, *instance;

  g_variant_get (param, "(&s&s)", &spec, &instance);
  console_dialog_set_priority (GTK_WINDOW (self), self->app, spec, instance);
}

static void
add_node_clicked (GtkButton *button, ConsoleWindow *self)
{
  console_dialog_add_node (GTK_WINDOW (self), self->app);
}

static void
demote_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  const char *spec, *instance;
  g_autofree char *body = NULL;

  g_variant_get (param, "(&s&s)", &spec, &instance);
  body = g_strdup_printf (_("%s on %s hands its VIPs over to another node at once and stays "
                            "backup until it is reset."),
                          instance, node_label (data, spec));
  console_dialog_confirm (GTK_WINDOW (data), G_ACTION_GROUP (((ConsoleWindow *)data)->app),
                          _("Demote this node?"), body, _("_Demote"), "app.demote",
                g_variant_new ("(ss)", spec, instance));
}

static void
start_maintenance_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  const char *spec = g_variant_get_string (param, NULL);
  g_autofree char *body = g_strdup_printf (
      _("Every instance on %s hands its VIPs over and stays out of the election until "
        "maintenance ends, also across restarts."),
      node_label (data, spec));

  console_dialog_confirm (GTK_WINDOW (data), G_ACTION_GROUP (((ConsoleWindow *)data)->app),
                          _("Start maintenance?"), body, _("_Start Maintenance"), "app.maintenance",
                g_variant_new ("(sb)", spec, TRUE));
}

static void
forget_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;

  console_app_remove_node (self->app, g_variant_get_string (param, NULL));
}

static void
events_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  ConsoleNode *node = console_app_find_node (self->app, g_variant_get_string (param, NULL));

  if (node)
    gtk_window_present (console_events_window_new (GTK_WINDOW (self), node));
}

static const GActionEntry win_actions[] = {
  { .name = "events", .activate = events_activated, .parameter_type = "s" },
  { .name = "set-priority", .activate = set_priority_activated, .parameter_type = "(ss)" },
  { .name = "demote", .activate = demote_activated, .parameter_type = "(ss)" },
  { .name = "start-maintenance", .activate = start_maintenance_activated, .parameter_type = "s" },
  { .name = "forget", .activate = forget_activated, .parameter_type = "s" },
};

/* ---- layout ---- */

static void
node_activated (GtkListBox *list, GtkListBoxRow *row, ConsoleWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked (GtkButton *button, ConsoleWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkWidget *
build_sidebar (ConsoleWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_set_size_request (box, 240, -1);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Nodes"), NULL));
  gtk_widget_set_tooltip_text (add, _("Add a node"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add a node"), -1);
  g_signal_connect (add, "clicked", G_CALLBACK (add_node_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), add);
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_add_css_class (list, "navigation-sidebar");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  g_signal_connect (list, "row-activated", G_CALLBACK (node_activated), self);
  self->node_list = GTK_LIST_BOX (list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), list);
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_box_append (GTK_BOX (box), scroll);
  return box;
}

static GtkWidget *
build_content (ConsoleWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *cluster = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);

  gtk_widget_set_hexpand (box, TRUE);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Cluster"), NULL));
  self->back_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (self->back_button, _("Back to the nodes"));
  g_signal_connect (self->back_button, "clicked", G_CALLBACK (back_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->back_button);
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_set_margin_top (cluster, 18);
  gtk_widget_set_margin_bottom (cluster, 18);
  gtk_widget_set_margin_start (cluster, 12);
  gtk_widget_set_margin_end (cluster, 12);
  self->cluster_box = GTK_BOX (cluster);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), cluster);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), clamp);
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_box_append (GTK_BOX (box), scroll);
  return box;
}

static void
folded_changed (ConsoleWindow *self)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (self->leaflet));
}

static void
console_window_dispose (GObject *obj)
{
  ConsoleWindow *self = CONSOLE_WINDOW (obj);

  if (self->app)
    g_signal_handlers_disconnect_by_data (self->app, self);
  g_clear_pointer (&self->focus_widgets, g_hash_table_unref);
  g_clear_pointer (&self->report_path, g_free);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  G_OBJECT_CLASS (console_window_parent_class)->dispose (obj);
}

static void
console_window_class_init (ConsoleWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = console_window_dispose;
}

static void
console_window_init (ConsoleWindow *self)
{
  self->focus_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->toasts = g_ptr_array_new_with_free_func (g_free);
}

ConsoleWindow *
console_window_new (ConsoleApp *app)
{
  ConsoleWindow *self = g_object_new (CONSOLE_TYPE_WINDOW, "application", app, "title",
                                      _("vipd Console"), "default-width", 800, "default-height",
                                      600, NULL);
  GtkWidget *leaflet = adw_leaflet_new ();
  GtkWidget *toasts = adw_toast_overlay_new ();
  const char *report = g_getenv ("VIPD_CONSOLE_TEST_REPORT");
  AdwLeafletPage *page;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  self->app = app;
  self->report_path = (report && *report) ? g_strdup (report) : NULL;
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 300);

  self->leaflet = ADW_LEAFLET (leaflet);
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  adw_leaflet_append (self->leaflet, build_sidebar (self));
  page = adw_leaflet_append (self->leaflet, gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  adw_leaflet_page_set_navigatable (page, FALSE);
  adw_leaflet_append (self->leaflet, build_content (self));
  g_signal_connect_swapped (leaflet, "notify::folded", G_CALLBACK (folded_changed), self);
  folded_changed (self);

  self->toast_overlay = ADW_TOAST_OVERLAY (toasts);
  adw_toast_overlay_set_child (self->toast_overlay, leaflet);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), toasts);

  g_signal_connect_swapped (app, "model-changed", G_CALLBACK (model_changed), self);
  g_signal_connect_swapped (app, "toast", G_CALLBACK (toast), self);
  model_changed (self);
  return self;
}
