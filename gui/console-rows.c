/* console-rows.c — the node list and the cluster view, updated in place.
 *
 * Counters change every second and a failover touches five properties at once: rebuilding the
 * rows for each change would take the keyboard focus away, swallow a mnemonic that lands
 * mid-rebuild and make a screen reader start over. So every row has a key (the node's spec, the
 * group's VRID/interface/family, the alarm's kind, the member's node and instance), rows are
 * created or removed only when their key comes or goes, and everything else — texts, icons,
 * which buttons show, the busy state — is set on the existing widgets. */
#include "console-rows.h"

#include <glib/gi18n.h>

#include "console-widgets.h"

/* The first member of every view: the row (or box) the view owns through its container. */
typedef struct
{
  GtkWidget *widget;
} Item;

typedef struct
{
  Item base;
  GtkWidget *icon;
  GtkWidget *spinner;
  GtkWidget *menu_button;
  int menu_state; /* which menu is set: -1 none yet, 0 no vipd, 1 in maintenance, 2 not */
} NodeView;

typedef struct
{
  Item base;
  GtkWidget *star;
  GtkWidget *spinner;
  GtkWidget *demote;
  GtkWidget *move;
  GtkWidget *reset;
} MemberView;

typedef struct
{
  Item base;
  GtkWidget *title;
  GtkWidget *description;
  GtkListBox *list;
  GHashTable *rows; /* key -> Item* (alarm rows, MemberView*) */
} GroupView;

struct _ConsoleRows
{
  ConsoleApp *app;
  GtkListBox *node_list;
  GtkBox *cluster_box;
  GtkWidget *alarms_section;
  GtkListBox *alarms_list;
  GtkWidget *empty;
  GHashTable *nodes;       /* spec -> NodeView* */
  GHashTable *node_alarms; /* node id -> Item* */
  GHashTable *groups;      /* group key -> GroupView* */
  guint created;
};

typedef Item *(*MakeItem) (ConsoleRows *self, const char *key, gpointer data);

static void
group_view_free (gpointer p)
{
  GroupView *v = p;

  g_hash_table_unref (v->rows);
  g_free (v);
}

/* ---- small setters that leave an unchanged widget alone ---- */

static void
set_tooltip (GtkWidget *w, const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (w), text) != 0)
    gtk_widget_set_tooltip_text (w, text);
}

static void
set_icon (GtkWidget *image, const char *name)
{
  if (name == NULL)
    {
      if (gtk_image_get_storage_type (GTK_IMAGE (image)) != GTK_IMAGE_EMPTY)
        gtk_image_clear (GTK_IMAGE (image));
      return;
    }
  if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (image)), name) != 0)
    gtk_image_set_from_icon_name (GTK_IMAGE (image), name);
}

static void
set_busy (GtkWidget *spinner, gboolean busy)
{
  if (gtk_widget_get_visible (spinner) != busy)
    {
      gtk_widget_set_visible (spinner, busy);
      gtk_spinner_set_spinning (GTK_SPINNER (spinner), busy);
    }
}

/* Puts list's rows in the order of keys: rows whose key is gone are removed, new keys get a
 * row from make (data[i] is its argument), and a kept row is moved only if its place changed. */
static void
sync_list (ConsoleRows *self, GtkListBox *list, GHashTable *items, GPtrArray *keys,
           gpointer *data, MakeItem make)
{
  g_autoptr (GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer key, value;

  for (guint i = 0; i < keys->len; i++)
    g_hash_table_add (wanted, keys->pdata[i]);
  g_hash_table_iter_init (&it, items);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        gtk_list_box_remove (list, ((Item *)value)->widget);
        g_hash_table_iter_remove (&it);
      }
  for (guint i = 0; i < keys->len; i++)
    {
      Item *item = g_hash_table_lookup (items, keys->pdata[i]);

      if (item == NULL)
        {
          item = make (self, keys->pdata[i], data[i]);
          g_hash_table_insert (items, g_strdup (keys->pdata[i]), item);
          gtk_list_box_insert (list, item->widget, (int)i);
        }
      else if (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (item->widget)) != (int)i)
        {
          g_object_ref (item->widget);
          gtk_list_box_remove (list, item->widget);
          gtk_list_box_insert (list, item->widget, (int)i);
          g_object_unref (item->widget);
        }
    }
}

/* ---- texts ---- */

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
labels_of (ConsoleRows *self, char **ids)
{
  GString *s = g_string_new (NULL);

  for (; ids && *ids; ids++)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", console_app_node_label (self->app, *ids));
  return g_string_free (s, FALSE);
}

static char *
owner_text (ConsoleRows *self, ClusterGroup *g)
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
        g_string_append_printf (s, _("%s is on %s (%s)"), o->vip,
                                console_app_node_label (self->app, o->node),
                                o->address ? o->address : "?");
      else if (o->address)
        g_string_append_printf (s, _("%s is on %s, a node not in this list"), o->vip, o->address);
      else
        g_string_append_printf (s, _("%s has no owner"), o->vip);
    }
  return g_string_free (s, FALSE);
}

static char *
member_subtitle (ClusterInstance *m)
{
  GString *s = g_string_new (NULL);
  g_autofree char *when = format_time (m->last_transition);
  g_autofree char *admin = m->admin_priority ? g_strdup_printf ("%u", m->admin_priority)
                                             : g_strdup (_("none"));
  g_autofree char *rx = g_strdup_printf ("%" G_GUINT64_FORMAT, m->adverts_rx);
  g_autofree char *tx = g_strdup_printf ("%" G_GUINT64_FORMAT, m->adverts_tx);
  g_autofree char *dropped = g_strdup_printf ("%" G_GUINT64_FORMAT, m->dropped);

  /* TRANSLATORS: state, effective, base and admin priority, time and reason of the last change */
  g_string_append_printf (s, _("%s · priority %u (base %u, admin %s)\nsince %s: %s"),
                          state_label (m->state), m->effective_priority, m->base_priority, admin,
                          when, m->last_reason[0] ? m->last_reason : "—");
  if (m->tracks && m->tracks[0])
    {
      g_autofree char *joined = g_strjoinv (", ", m->tracks);

      g_string_append_printf (s, "\n%s %s", _("Track scripts:"), joined);
    }
  if (m->sync_group[0])
    /* TRANSLATORS: the sync group's name and its state (Master, Backup, Fault…) */
    g_string_append_printf (s, _("\nSync group %s: %s"), m->sync_group,
                            m->sync_state[0] ? state_label (m->sync_state) : "?");
  /* TRANSLATORS: advert counters of the instance: received, sent, dropped on receipt */
  g_string_append_printf (s, _("\nAdverts: %s received, %s sent, %s dropped"), rx, tx, dropped);
  if (m->send_errors)
    {
      g_autofree char *errors = g_strdup_printf ("%" G_GUINT64_FORMAT, m->send_errors);

      /* TRANSLATORS: how many adverts could not be sent */
      g_string_append_printf (s, _(", %s send errors"), errors);
    }
  return g_string_free (s, FALSE);
}

/* ---- the node list ---- */

static void
menu_add (GMenu *menu, const char *label, const char *action, GVariant *target)
{
  g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  g_menu_append_item (menu, item);
}

static Item *
make_node (ConsoleRows *self, const char *spec, gpointer data)
{
  NodeView *v = g_new0 (NodeView, 1);
  GtkWidget *row = adw_action_row_new ();

  v->base.widget = row;
  v->menu_state = -1;
  /* AdwActionRow is not activatable by itself: a folded window shows the cluster page when a
   * node row is clicked or gets Enter. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  /* A long ssh error would make the sidebar row tall: two lines here, all of it in the tooltip
   * and in the Alarms row. */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  v->icon = gtk_image_new ();
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), v->icon);
  v->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (v->spinner, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), v->spinner);
  v->menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (v->menu_button), "view-more-symbolic");
  gtk_widget_set_valign (v->menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (v->menu_button, "flat");
  gtk_widget_set_tooltip_text (v->menu_button, _("Node actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (v->menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Node actions"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), v->menu_button);
  self->created++;
  return &v->base;
}

static void
update_node (ConsoleRows *self, NodeView *v, ConsoleNode *node)
{
  const char *spec = console_node_get_spec (node);
  VipdDBusManager *manager = console_node_get_manager (node);
  gboolean maintenance = manager && vipd_dbus_manager_get_maintenance (manager);
  ConsoleNodeState state = console_node_get_state (node);
  g_autofree char *detail = NULL;
  g_autofree char *tooltip = NULL;
  const char *subtitle = NULL, *icon_name = NULL;
  int menu_state = manager == NULL ? 0 : maintenance ? 1 : 2;

  switch (state)
    {
    case CONSOLE_NODE_CONNECTING:
      subtitle = _("Connecting…");
      icon_name = "content-loading-symbolic";
      break;
    case CONSOLE_NODE_CONNECTED:
      subtitle = maintenance ? _("Connected · in maintenance") : _("Connected");
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
  console_set_row_title (v->base.widget, console_node_get_label (node));
  console_set_row_subtitle (v->base.widget, subtitle);
  tooltip = detail ? g_strdup_printf ("%s\n%s", spec, detail) : g_strdup (spec);
  set_tooltip (v->base.widget, tooltip);
  set_icon (v->icon, icon_name);
  if (state == CONSOLE_NODE_CONNECTED)
    gtk_widget_remove_css_class (v->icon, "warning");
  else
    gtk_widget_add_css_class (v->icon, "warning");

  if (menu_state != v->menu_state)
    {
      g_autoptr (GMenu) menu = g_menu_new ();

      if (menu_state == 1)
        menu_add (menu, _("End Maintenance"), "app.maintenance",
                  g_variant_new ("(sb)", spec, FALSE));
      else if (menu_state == 2)
        menu_add (menu, _("Start Maintenance…"), "win.start-maintenance",
                  g_variant_new ("s", spec));
      menu_add (menu, _("Events"), "win.events", g_variant_new ("s", spec));
      menu_add (menu, _("Forget Node"), "win.forget", g_variant_new ("s", spec));
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (v->menu_button), G_MENU_MODEL (menu));
      v->menu_state = menu_state;
    }
  set_busy (v->spinner, console_app_is_busy (self->app, spec, ""));
  gtk_widget_set_sensitive (v->menu_button, !console_app_is_busy (self->app, spec, ""));
}

static void
sync_nodes (ConsoleRows *self)
{
  GPtrArray *nodes = console_app_get_nodes (self->app);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();

  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (keys, (char *)console_node_get_spec (nodes->pdata[i]));
  sync_list (self, self->node_list, self->nodes, keys, nodes->pdata, make_node);
  for (guint i = 0; i < nodes->len; i++)
    update_node (self, g_hash_table_lookup (self->nodes, keys->pdata[i]), nodes->pdata[i]);
}

/* ---- alarms ---- */

static Item *
make_alarm (ConsoleRows *self, const char *key, gpointer data)
{
  Item *v = g_new0 (Item, 1);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  v->widget = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (v->widget), FALSE);
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (v->widget), icon);
  return v;
}

static void
sync_node_alarms (ConsoleRows *self)
{
  GPtrArray *alarms = cluster_model_get_node_alarms (console_app_get_model (self->app));
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();

  for (guint i = 0; i < alarms->len; i++)
    g_ptr_array_add (keys, ((ClusterAlarm *)alarms->pdata[i])->text);
  sync_list (self, self->alarms_list, self->node_alarms, keys, alarms->pdata, make_alarm);
  for (guint i = 0; i < alarms->len; i++)
    {
      ClusterAlarm *a = alarms->pdata[i];
      Item *v = g_hash_table_lookup (self->node_alarms, a->text);
      ConsoleNode *node = console_app_find_node (self->app, a->text);
      const char *why = node ? console_node_get_error (node) : NULL;
      const char *label = console_app_node_label (self->app, a->text);
      g_autofree char *text = why ? g_strdup_printf ("%s: %s", label, why) : g_strdup (label);

      console_set_row_title (v->widget, alarm_title (a->kind));
      console_set_row_subtitle (v->widget, text);
    }
  gtk_widget_set_visible (self->alarms_section, alarms->len > 0);
}

/* ---- groups and their members ---- */

static GtkWidget *
action_button (const char *label, const char *action, const char *spec, const char *instance)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (b),
                                          g_variant_new ("(ss)", spec, instance));
  return b;
}

static Item *
make_member (ConsoleRows *self, const char *key, gpointer data)
{
  ClusterInstance *m = data;
  MemberView *v = g_new0 (MemberView, 1);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *more = gtk_menu_button_new ();
  g_autoptr (GMenu) menu = g_menu_new ();

  v->base.widget = row;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  v->star = gtk_image_new ();
  gtk_image_set_pixel_size (GTK_IMAGE (v->star), 16);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), v->star);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  v->spinner = gtk_spinner_new ();
  gtk_widget_set_tooltip_text (v->spinner, _("Waiting for vipd…"));
  gtk_widget_set_visible (v->spinner, FALSE);
  gtk_box_append (GTK_BOX (box), v->spinner);
  /* Only the actions that mean something in the row's state show, so that the row keeps room
   * for its facts at 800 pixels; all stay in the menu and in app.* for scripts. The disruptive
   * ones go through win.* actions that ask first. */
  v->demote = action_button (_("_Demote"), "win.demote", m->node, m->name);
  v->move = action_button (_("_Move VIP Here"), "win.move-vip-here", m->node, m->name);
  v->reset = action_button (_("_Reset"), "app.reset", m->node, m->name);
  gtk_box_append (GTK_BOX (box), v->demote);
  gtk_box_append (GTK_BOX (box), v->move);
  gtk_box_append (GTK_BOX (box), v->reset);

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
  gtk_box_append (GTK_BOX (box), more);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  self->created++;
  return &v->base;
}

static void
update_member (ConsoleRows *self, MemberView *v, ClusterInstance *m)
{
  g_autofree char *title = g_strdup_printf ("%s · %s", console_app_node_label (self->app, m->node),
                                            m->name);
  g_autofree char *subtitle = member_subtitle (m);
  gboolean master = g_strcmp0 (m->state, "master") == 0;
  gboolean busy = console_app_is_busy (self->app, m->node, m->name);

  console_set_row_title (v->base.widget, title);
  console_set_row_subtitle (v->base.widget, subtitle);
  set_icon (v->star, master ? "starred-symbolic" : NULL);
  gtk_widget_set_visible (v->demote, master);
  /* Maintenance keeps a node out of the election: moving the VIP there cannot work. */
  gtk_widget_set_visible (v->move, !master && g_strcmp0 (m->state, "maintenance") != 0);
  gtk_widget_set_visible (v->reset, m->admin_priority != 0);
  set_busy (v->spinner, busy);
  if (gtk_widget_get_sensitive (v->base.widget) == busy)
    gtk_widget_set_sensitive (v->base.widget, !busy);
}

/* A group's rows: its alarms first, then its members. */
static Item *
make_group_row (ConsoleRows *self, const char *key, gpointer data)
{
  return g_str_has_prefix (key, "alarm\n") ? make_alarm (self, key, data)
                                           : make_member (self, key, data);
}

static Item *
make_group (ConsoleRows *self, const char *key, gpointer data)
{
  GroupView *v = g_new0 (GroupView, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *list = gtk_list_box_new ();

  /* AdwPreferencesGroup cannot insert a row at a place, which keyed rows need: the same
   * layout, title and description over a boxed list. */
  v->base.widget = box;
  v->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (v->title), 0);
  gtk_label_set_wrap (GTK_LABEL (v->title), TRUE);
  gtk_widget_add_css_class (v->title, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (v->title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  v->description = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (v->description), 0);
  gtk_label_set_wrap (GTK_LABEL (v->description), TRUE);
  gtk_label_set_selectable (GTK_LABEL (v->description), FALSE);
  gtk_widget_add_css_class (v->description, "dim-label");
  gtk_box_append (GTK_BOX (header), v->title);
  gtk_box_append (GTK_BOX (header), v->description);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  v->title, NULL, -1);
  v->list = GTK_LIST_BOX (list);
  gtk_box_append (GTK_BOX (box), list);
  v->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->created++;
  return &v->base;
}

static void
update_group (ConsoleRows *self, GroupView *v, ClusterGroup *g, GHashTable *owner_texts)
{
  g_autofree char *title = g_strcmp0 (g->family, "ipv6") == 0
                               ? g_strdup_printf (_("VRID %u on %s (IPv6)"), g->vrid, g->interface)
                               : g_strdup_printf (_("VRID %u on %s"), g->vrid, g->interface);
  char *owners = owner_text (self, g);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) data = g_ptr_array_new ();

  console_set_label (v->title, title);
  console_set_label (v->description, owners);
  g_hash_table_insert (owner_texts, g_strdup (g->key), owners);

  for (guint k = 0; k < g->alarms->len; k++)
    {
      ClusterAlarm *a = g->alarms->pdata[k];

      g_ptr_array_add (keys, g_strconcat ("alarm\n", cluster_alarm_kind_to_string (a->kind), NULL));
      g_ptr_array_add (data, a);
    }
  for (guint k = 0; k < g->members->len; k++)
    {
      ClusterInstance *m = g->members->pdata[k];

      g_ptr_array_add (keys, g_strdup_printf ("member\n%s\n%s", m->node, m->name));
      g_ptr_array_add (data, m);
    }
  sync_list (self, v->list, v->rows, keys, data->pdata, make_group_row);
  for (guint k = 0; k < g->alarms->len; k++)
    {
      ClusterAlarm *a = g->alarms->pdata[k];
      Item *row = g_hash_table_lookup (v->rows, keys->pdata[k]);
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
      console_set_row_title (row->widget, alarm_title (a->kind));
      console_set_row_subtitle (row->widget, text ? text : a->text);
    }
  for (guint k = 0; k < g->members->len; k++)
    update_member (self, g_hash_table_lookup (v->rows, keys->pdata[g->alarms->len + k]),
                   g->members->pdata[k]);
}

static void
sync_groups (ConsoleRows *self, GHashTable *owner_texts)
{
  GPtrArray *groups = cluster_model_get_groups (console_app_get_model (self->app));
  g_autoptr (GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWidget *prev = self->empty;
  GHashTableIter it;
  gpointer key, value;

  for (guint i = 0; i < groups->len; i++)
    g_hash_table_add (wanted, ((ClusterGroup *)groups->pdata[i])->key);
  g_hash_table_iter_init (&it, self->groups);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        gtk_box_remove (self->cluster_box, ((Item *)value)->widget);
        g_hash_table_iter_remove (&it);
      }
  /* The box holds the alarms section, the empty page, then the groups in the model's order. */
  for (guint i = 0; i < groups->len; i++)
    {
      ClusterGroup *g = groups->pdata[i];
      GroupView *v = g_hash_table_lookup (self->groups, g->key);

      if (v == NULL)
        {
          v = (GroupView *)make_group (self, g->key, g);
          g_hash_table_insert (self->groups, g_strdup (g->key), v);
          gtk_box_insert_child_after (self->cluster_box, v->base.widget, prev);
        }
      else if (gtk_widget_get_prev_sibling (v->base.widget) != prev)
        gtk_box_reorder_child_after (self->cluster_box, v->base.widget, prev);
      update_group (self, v, g, owner_texts);
      prev = v->base.widget;
    }
  gtk_widget_set_visible (self->empty, groups->len == 0);
}

void
console_rows_sync (ConsoleRows *self, GHashTable *owner_texts)
{
  sync_nodes (self);
  sync_node_alarms (self);
  sync_groups (self, owner_texts);
}

guint
console_rows_get_created (ConsoleRows *self)
{
  return self->created;
}

ConsoleRows *
console_rows_new (ConsoleApp *app, GtkListBox *node_list, GtkBox *cluster_box)
{
  ConsoleRows *self = g_new0 (ConsoleRows, 1);
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("Alarms"));
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->app = app;
  self->node_list = node_list;
  self->cluster_box = cluster_box;
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->node_alarms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, group_view_free);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  title, NULL, -1);
  gtk_box_append (GTK_BOX (section), title);
  gtk_box_append (GTK_BOX (section), list);
  gtk_widget_set_visible (section, FALSE);
  self->alarms_section = section;
  self->alarms_list = GTK_LIST_BOX (list);
  gtk_box_append (cluster_box, section);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "network-workgroup-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No VRRP Instances"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("None of the connected nodes reports an instance yet."));
  gtk_widget_set_vexpand (empty, TRUE);
  self->empty = empty;
  gtk_box_append (cluster_box, empty);
  return self;
}

void
console_rows_free (ConsoleRows *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->nodes);
  g_hash_table_unref (self->node_alarms);
  g_hash_table_unref (self->groups);
  g_free (self);
}
