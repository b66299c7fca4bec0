/* console-lvs.c — the "Virtual servers" page.
 *
 * One section per virtual server of each connected node ("192.0.2.100:80/tcp on node1"), one
 * row per real server. LastCheck and Counters change with every check (twice a second with a
 * short delay_loop), so the discipline of console-rows.c holds here too: sections are keyed by
 * (node, virtual server), rows by real server, and only created or removed when those come or
 * go; texts, icons, buttons and the busy state are set on the existing widgets. */
#include "console-lvs.h"

#include <glib/gi18n.h>

#include "console-widgets.h"

typedef struct
{
  GtkWidget *row;
  GtkWidget *icon;
  GtkWidget *spinner;
  GtkWidget *drain;
  GtkWidget *enable;
  char *health; /* as last shown, for the report */
  gboolean busy;
} RsView;

typedef struct
{
  GtkWidget *box;
  GtkWidget *title;
  GtkWidget *description;
  GtkListBox *list;
  GHashTable *rows; /* real server name -> RsView* */
  char *spec;
  char *vs;
} VsView;

struct _ConsoleLvs
{
  ConsoleApp *app;
  GtkBox *box;
  GtkWidget *empty;
  GHashTable *sections; /* "spec\nvs" -> VsView* */
  GPtrArray *order;     /* keys in the order shown */
  guint created;
};

static void
rs_view_free (gpointer p)
{
  RsView *v = p;

  g_free (v->health);
  g_free (v);
}

static void
vs_view_free (gpointer p)
{
  VsView *v = p;

  g_hash_table_unref (v->rows);
  g_free (v->spec);
  g_free (v->vs);
  g_free (v);
}

/* ---- setters that leave an unchanged widget alone ---- */

static void
set_row_texts (GtkWidget *row, const char *title, const char *subtitle)
{
  console_set_row_title (row, title);
  console_set_row_subtitle (row, subtitle);
}

static void
set_visible (GtkWidget *w, gboolean visible)
{
  if (gtk_widget_get_visible (w) != visible)
    gtk_widget_set_visible (w, visible);
}

static void
set_class (GtkWidget *w, const char *klass, gboolean on)
{
  if (on && !gtk_widget_has_css_class (w, klass))
    gtk_widget_add_css_class (w, klass);
  else if (!on && gtk_widget_has_css_class (w, klass))
    gtk_widget_remove_css_class (w, klass);
}

/* ---- texts ---- */

static const char *
health_label (const char *health)
{
  if (g_strcmp0 (health, "up") == 0)
    return _("Up");
  if (g_strcmp0 (health, "down") == 0)
    return _("Down");
  return _("Not checked yet");
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

static guint64
counter (GVariant *counters, const char *name)
{
  guint64 v = 0;

  if (counters)
    g_variant_lookup (counters, name, "t", &v);
  return v;
}

static char *
rs_subtitle (VipdDBusRealServer *rs)
{
  GString *s = g_string_new (NULL);
  int admin = vipd_dbus_real_server_get_admin_weight (rs);
  guint weight = vipd_dbus_real_server_get_weight (rs);
  guint conf = vipd_dbus_real_server_get_configured_weight (rs);
  const char *reason = vipd_dbus_real_server_get_last_check_reason (rs);
  g_autofree char *when = format_time (vipd_dbus_real_server_get_last_check (rs));
  GVariant *counters = vipd_dbus_real_server_get_counters (rs);
  g_autofree char *checks = g_strdup_printf ("%" G_GUINT64_FORMAT, counter (counters, "checks"));
  g_autofree char *failures =
      g_strdup_printf ("%" G_GUINT64_FORMAT, counter (counters, "failures"));
  g_autofree char *flips =
      g_strdup_printf ("%" G_GUINT64_FORMAT, counter (counters, "transitions"));

  g_string_append (s, health_label (vipd_dbus_real_server_get_health (rs)));
  if (admin == 0)
    /* TRANSLATORS: the configured weight of a drained real server */
    g_string_append_printf (s, _(" · drained (weight 0, configured %u)"), conf);
  else if (admin > 0)
    /* TRANSLATORS: weight now, weight set by an admin, configured weight */
    g_string_append_printf (s, _(" · weight %u (set to %d, configured %u)"), weight, admin, conf);
  else
    /* TRANSLATORS: weight now, configured weight */
    g_string_append_printf (s, _(" · weight %u (configured %u)"), weight, conf);
  if (!vipd_dbus_real_server_get_in_table (rs))
    g_string_append (s, _(" · out of the table"));
  /* TRANSLATORS: time of the last health check, and what it found */
  g_string_append_printf (s, _("\nLast check %s: %s"), when, reason && *reason ? reason : "—");
  /* TRANSLATORS: health-check counters of a real server */
  g_string_append_printf (s, _("\nChecks: %s, failures: %s, up/down changes: %s"), checks,
                          failures, flips);
  return g_string_free (s, FALSE);
}

static char *
vs_description (VipdDBusVirtualServer *vs)
{
  GString *s = g_string_new (NULL);
  const char *sorry = vipd_dbus_virtual_server_get_sorry_server (vs);
  guint persist = vipd_dbus_virtual_server_get_persistence_timeout (vs);

  /* TRANSLATORS: protocol, scheduler (lb_algo), forwarding method (lb_kind) */
  g_string_append_printf (s, _("%s · scheduler %s · %s"), vipd_dbus_virtual_server_get_protocol (vs),
                          vipd_dbus_virtual_server_get_scheduler (vs),
                          vipd_dbus_virtual_server_get_kind (vs));
  if (persist)
    /* TRANSLATORS: persistence_timeout in seconds */
    g_string_append_printf (s, _(" · persistent %u s"), persist);
  if (vipd_dbus_virtual_server_get_sorry_server_active (vs))
    /* TRANSLATORS: %s is the sorry server's address:port */
    g_string_append_printf (s, _("\nQuorum lost: the sorry server %s serves alone"), sorry);
  else if (g_strcmp0 (vipd_dbus_virtual_server_get_quorum_state (vs), "lost") == 0)
    g_string_append (s, _("\nQuorum lost"));
  else
    /* TRANSLATORS: the configured quorum (summed weight of live real servers) */
    g_string_append_printf (s, _("\nQuorum up (needs %u)"), vipd_dbus_virtual_server_get_quorum (vs));
  if (*sorry && !vipd_dbus_virtual_server_get_sorry_server_active (vs))
    /* TRANSLATORS: %s is the sorry server's address:port */
    g_string_append_printf (s, _(" · sorry server %s on standby"), sorry);
  if (!vipd_dbus_virtual_server_get_programmed (vs))
    g_string_append (s, _("\nIPVS is not programmed on this node (no ip_vs in its kernel): the "
                          "real servers are checked only."));
  return g_string_free (s, FALSE);
}

/* ---- rows ---- */

static GtkWidget *
rs_button (const char *label, const char *tooltip, const char *action, GVariant *target)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (b), target);
  return b;
}

static RsView *
make_rs (ConsoleLvs *self, const char *spec, const char *vs, const char *rs)
{
  RsView *v = g_new0 (RsView, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *more = gtk_menu_button_new ();
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) item = g_menu_item_new (_("Set Weight…"), NULL);

  v->row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (v->row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (v->row), 0);
  v->icon = gtk_image_new ();
  adw_action_row_add_prefix (ADW_ACTION_ROW (v->row), v->icon);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  v->spinner = gtk_spinner_new ();
  gtk_widget_set_tooltip_text (v->spinner, _("Waiting for vipd…"));
  gtk_widget_set_visible (v->spinner, FALSE);
  gtk_box_append (GTK_BOX (box), v->spinner);
  /* Drain is disruptive (no new connections): it asks first, through win.drain. */
  v->drain = rs_button (_("_Drain"), _("Send no new connections to this real server"),
                        "win.drain", g_variant_new ("(sss)", spec, vs, rs));
  v->enable = rs_button (_("_Enable"), _("Give this real server its configured weight again"),
                         "app.enable", g_variant_new ("(sss)", spec, vs, rs));
  gtk_box_append (GTK_BOX (box), v->drain);
  gtk_box_append (GTK_BOX (box), v->enable);
  g_menu_item_set_action_and_target_value (item, "win.set-weight",
                                           g_variant_new ("(sss)", spec, vs, rs));
  g_menu_append_item (menu, item);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
  gtk_widget_add_css_class (more, "flat");
  gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (more, _("More actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("More actions"), -1);
  gtk_box_append (GTK_BOX (box), more);
  adw_action_row_add_suffix (ADW_ACTION_ROW (v->row), box);
  self->created++;
  return v;
}

static void
update_rs (ConsoleLvs *self, VsView *section, RsView *v, VipdDBusRealServer *rs)
{
  const char *health = vipd_dbus_real_server_get_health (rs);
  const char *name = vipd_dbus_real_server_get_name (rs);
  g_autofree char *subtitle = rs_subtitle (rs);
  g_autofree char *key = console_app_rs_key (section->vs, name);
  gboolean up = g_strcmp0 (health, "up") == 0, down = g_strcmp0 (health, "down") == 0;
  int admin = vipd_dbus_real_server_get_admin_weight (rs);
  const char *icon = up ? "emblem-ok-symbolic" : down ? "dialog-error-symbolic"
                                                      : "content-loading-symbolic";

  set_row_texts (v->row, name, subtitle);
  if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (v->icon)), icon) != 0)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (v->icon), icon);
      gtk_accessible_update_property (GTK_ACCESSIBLE (v->icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      health_label (health), -1);
    }
  set_class (v->icon, "success", up);
  set_class (v->icon, "error", down);
  g_free (v->health);
  v->health = g_strdup (health);
  /* Drain while it gets connections; Enable while an admin weight replaces the configured one. */
  set_visible (v->drain, admin != 0);
  set_visible (v->enable, admin >= 0);
  v->busy = console_app_is_busy (self->app, section->spec, key);
  if (gtk_widget_get_visible (v->spinner) != v->busy)
    {
      gtk_widget_set_visible (v->spinner, v->busy);
      gtk_spinner_set_spinning (GTK_SPINNER (v->spinner), v->busy);
    }
  if (gtk_widget_get_sensitive (v->row) == v->busy)
    gtk_widget_set_sensitive (v->row, !v->busy);
}

/* ---- sections ---- */

static VsView *
make_vs (ConsoleLvs *self, const char *spec, const char *vs)
{
  VsView *v = g_new0 (VsView, 1);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *list = gtk_list_box_new ();

  v->spec = g_strdup (spec);
  v->vs = g_strdup (vs);
  v->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  v->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (v->title), 0);
  gtk_label_set_wrap (GTK_LABEL (v->title), TRUE);
  gtk_widget_add_css_class (v->title, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (v->title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  v->description = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (v->description), 0);
  gtk_label_set_wrap (GTK_LABEL (v->description), TRUE);
  gtk_widget_add_css_class (v->description, "dim-label");
  gtk_box_append (GTK_BOX (header), v->title);
  gtk_box_append (GTK_BOX (header), v->description);
  gtk_box_append (GTK_BOX (v->box), header);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  v->title, NULL, -1);
  v->list = GTK_LIST_BOX (list);
  gtk_box_append (GTK_BOX (v->box), list);
  v->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, rs_view_free);
  self->created++;
  return v;
}

static void
update_vs (ConsoleLvs *self, VsView *v, ConsoleNode *node, VipdDBusVirtualServer *vs)
{
  /* TRANSLATORS: a virtual server ("192.0.2.100:80/tcp") and the node that runs it */
  g_autofree char *title = g_strdup_printf (_("%s on %s"), v->vs, console_node_get_label (node));
  g_autofree char *description = vs_description (vs);
  GList *rss = console_node_get_real_servers (node, vs);
  g_autoptr (GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer key, value;
  int i = 0;

  console_set_label (v->title, title);
  console_set_label (v->description, description);
  for (GList *r = rss; r; r = r->next)
    g_hash_table_add (wanted, (char *)vipd_dbus_real_server_get_name (r->data));
  g_hash_table_iter_init (&it, v->rows);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        gtk_list_box_remove (v->list, ((RsView *)value)->row);
        g_hash_table_iter_remove (&it);
      }
  for (GList *r = rss; r; r = r->next, i++)
    {
      const char *name = vipd_dbus_real_server_get_name (r->data);
      RsView *rv = g_hash_table_lookup (v->rows, name);

      if (rv == NULL)
        {
          rv = make_rs (self, v->spec, v->vs, name);
          g_hash_table_insert (v->rows, g_strdup (name), rv);
          gtk_list_box_insert (v->list, rv->row, i);
        }
      else if (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (rv->row)) != i)
        {
          g_object_ref (rv->row);
          gtk_list_box_remove (v->list, rv->row);
          gtk_list_box_insert (v->list, rv->row, i);
          g_object_unref (rv->row);
        }
      update_rs (self, v, rv, r->data);
    }
  g_list_free_full (rss, g_object_unref);
}

void
console_lvs_sync (ConsoleLvs *self)
{
  GPtrArray *nodes = console_app_get_nodes (self->app);
  g_autoptr (GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkWidget *prev = self->empty;
  GHashTableIter it;
  gpointer key, value;

  g_ptr_array_set_size (self->order, 0);
  for (guint n = 0; n < nodes->len; n++)
    {
      GList *vss = console_node_get_virtual_servers (nodes->pdata[n]);

      for (GList *l = vss; l; l = l->next)
        {
          char *k = g_strdup_printf ("%s\n%s", console_node_get_spec (nodes->pdata[n]),
                                     vipd_dbus_virtual_server_get_name (l->data));

          g_hash_table_add (wanted, k);
          g_ptr_array_add (self->order, g_strdup (k));
        }
      g_list_free_full (vss, g_object_unref);
    }
  g_hash_table_iter_init (&it, self->sections);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        gtk_box_remove (self->box, ((VsView *)value)->box);
        g_hash_table_iter_remove (&it);
      }
  for (guint n = 0; n < nodes->len; n++)
    {
      ConsoleNode *node = nodes->pdata[n];
      GList *vss = console_node_get_virtual_servers (node);

      for (GList *l = vss; l; l = l->next)
        {
          const char *name = vipd_dbus_virtual_server_get_name (l->data);
          g_autofree char *k = g_strdup_printf ("%s\n%s", console_node_get_spec (node), name);
          VsView *v = g_hash_table_lookup (self->sections, k);

          if (v == NULL)
            {
              v = make_vs (self, console_node_get_spec (node), name);
              g_hash_table_insert (self->sections, g_strdup (k), v);
              gtk_box_insert_child_after (self->box, v->box, prev);
            }
          else if (gtk_widget_get_prev_sibling (v->box) != prev)
            gtk_box_reorder_child_after (self->box, v->box, prev);
          update_vs (self, v, node, l->data);
          prev = v->box;
        }
      g_list_free_full (vss, g_object_unref);
    }
  set_visible (self->empty, g_hash_table_size (self->sections) == 0);
}

void
console_lvs_report (ConsoleLvs *self, JsonBuilder *b)
{
  json_builder_set_member_name (b, "lvs_rows_created");
  json_builder_add_int_value (b, self->created);
  json_builder_set_member_name (b, "virtual_servers");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->order->len; i++)
    {
      VsView *v = g_hash_table_lookup (self->sections, self->order->pdata[i]);
      ConsoleNode *node = v ? console_app_find_node (self->app, v->spec) : NULL;

      if (v == NULL)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, node ? console_node_get_label (node) : v->spec);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, v->vs);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, gtk_label_get_text (GTK_LABEL (v->title)));
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, gtk_label_get_text (GTK_LABEL (v->description)));
      json_builder_set_member_name (b, "real_servers");
      json_builder_begin_array (b);
      /* In the order shown. */
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (v->list)); row;
           row = gtk_widget_get_next_sibling (row))
        {
          GHashTableIter it;
          gpointer key, value;

          g_hash_table_iter_init (&it, v->rows);
          while (g_hash_table_iter_next (&it, &key, &value))
            {
              RsView *rv = value;

              if (rv->row != row)
                continue;
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, key);
              json_builder_set_member_name (b, "health");
              json_builder_add_string_value (b, rv->health);
              json_builder_set_member_name (b, "shown");
              json_builder_add_string_value (
                  b, adw_action_row_get_subtitle (ADW_ACTION_ROW (rv->row)));
              json_builder_set_member_name (b, "drain_shown");
              json_builder_add_boolean_value (b, gtk_widget_get_visible (rv->drain));
              json_builder_set_member_name (b, "enable_shown");
              json_builder_add_boolean_value (b, gtk_widget_get_visible (rv->enable));
              json_builder_set_member_name (b, "busy");
              json_builder_add_boolean_value (b, rv->busy);
              json_builder_end_object (b);
            }
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

ConsoleLvs *
console_lvs_new (ConsoleApp *app, GtkBox *box)
{
  ConsoleLvs *self = g_new0 (ConsoleLvs, 1);
  GtkWidget *empty = adw_status_page_new ();

  self->app = app;
  self->box = box;
  self->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, vs_view_free);
  self->order = g_ptr_array_new_with_free_func (g_free);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "network-server-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Virtual Servers"));
  adw_status_page_set_description (
      ADW_STATUS_PAGE (empty),
      _("None of the connected nodes has a virtual_server in its configuration."));
  gtk_widget_set_vexpand (empty, TRUE);
  self->empty = empty;
  gtk_box_append (box, empty);
  return self;
}

void
console_lvs_free (ConsoleLvs *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->sections);
  g_ptr_array_unref (self->order);
  g_free (self);
}
