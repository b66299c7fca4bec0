/* console-report.c — a JSON snapshot of what the window shows, written after each update so a
 * test can follow the console without an accessibility stack. */
#include "console-report.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>

static void
add_strv (JsonBuilder *b, const char *name, char **v)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (; v && *v; v++)
    json_builder_add_string_value (b, *v);
  json_builder_end_array (b);
}

static void
add_windows (JsonBuilder *b, ConsoleApp *app)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  json_builder_set_member_name (b, "windows");
  json_builder_begin_array (b);
  /* Every toplevel, not only the app's windows: dialogs are transient, not app windows. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, G_OBJECT_TYPE_NAME (w));
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, gtk_window_get_title (w));
      json_builder_set_member_name (b, "heading");
      json_builder_add_string_value (
          b, ADW_IS_MESSAGE_DIALOG (w) ? adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w))
                                       : NULL);
      json_builder_set_member_name (b, "visible");
      json_builder_add_boolean_value (b, gtk_widget_get_visible (GTK_WIDGET (w)));
      json_builder_set_member_name (b, "active");
      json_builder_add_boolean_value (b, gtk_window_is_active (w));
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, gtk_widget_get_width (GTK_WIDGET (w)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static const char *
label_of (ConsoleApp *app, const char *spec)
{
  ConsoleNode *n = spec ? console_app_find_node (app, spec) : NULL;

  return n ? console_node_get_label (n) : spec;
}

gboolean
console_report_write (const char *path, ConsoleApp *app, GHashTable *owner_texts,
                      const char *const *toasts, guint rows_created, ConsoleLvs *lvs,
                      const char *page, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GPtrArray *nodes = console_app_get_nodes (app);
  ClusterModel *model = console_app_get_model (app);
  GPtrArray *groups = cluster_model_get_groups (model);
  GPtrArray *alarms = cluster_model_get_node_alarms (model);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < nodes->len; i++)
    {
      ConsoleNode *n = nodes->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "spec");
      json_builder_add_string_value (b, console_node_get_spec (n));
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, console_node_get_label (n));
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, console_node_state_to_string (console_node_get_state (n)));
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, console_node_get_error (n));
      json_builder_set_member_name (b, "failures");
      json_builder_add_int_value (b, console_node_get_failures (n));
      json_builder_set_member_name (b, "maintenance");
      json_builder_add_boolean_value (b, console_node_get_manager (n)
                                             && vipd_dbus_manager_get_maintenance (
                                                 console_node_get_manager (n)));
      json_builder_set_member_name (b, "busy");
      json_builder_add_boolean_value (b, console_app_is_busy (app, console_node_get_spec (n), ""));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "alarms");
  json_builder_begin_array (b);
  for (guint i = 0; i < alarms->len; i++)
    {
      ClusterAlarm *a = alarms->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, cluster_alarm_kind_to_string (a->kind));
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, a->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  add_strv (b, "toasts", (char **)toasts);
  add_windows (b, app);
  json_builder_set_member_name (b, "rows_created");
  json_builder_add_int_value (b, rows_created);
  json_builder_set_member_name (b, "page");
  json_builder_add_string_value (b, page);
  if (lvs)
    console_lvs_report (lvs, b);

  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint i = 0; i < groups->len; i++)
    {
      ClusterGroup *g = groups->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "vrid");
      json_builder_add_int_value (b, g->vrid);
      json_builder_set_member_name (b, "interface");
      json_builder_add_string_value (b, g->interface);
      add_strv (b, "vips", g->vips);
      json_builder_set_member_name (b, "shown_owner");
      json_builder_add_string_value (b, g_hash_table_lookup (owner_texts, g->key));
      json_builder_set_member_name (b, "owners");
      json_builder_begin_array (b);
      for (guint k = 0; k < g->owners->len; k++)
        {
          ClusterOwner *o = g->owners->pdata[k];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "vip");
          json_builder_add_string_value (b, o->vip);
          json_builder_set_member_name (b, "node");
          json_builder_add_string_value (b, label_of (app, o->node));
          json_builder_set_member_name (b, "address");
          json_builder_add_string_value (b, o->address);
          json_builder_set_member_name (b, "holders");
          json_builder_begin_array (b);
          for (char **h = o->holders; h && *h; h++)
            json_builder_add_string_value (b, label_of (app, *h));
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "alarms");
      json_builder_begin_array (b);
      for (guint k = 0; k < g->alarms->len; k++)
        json_builder_add_string_value (
            b, cluster_alarm_kind_to_string (((ClusterAlarm *)g->alarms->pdata[k])->kind));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "members");
      json_builder_begin_array (b);
      for (guint k = 0; k < g->members->len; k++)
        {
          ClusterInstance *m = g->members->pdata[k];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "node");
          json_builder_add_string_value (b, label_of (app, m->node));
          json_builder_set_member_name (b, "instance");
          json_builder_add_string_value (b, m->name);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, m->state);
          json_builder_set_member_name (b, "effective_priority");
          json_builder_add_int_value (b, m->effective_priority);
          json_builder_set_member_name (b, "admin_priority");
          json_builder_add_int_value (b, m->admin_priority);
          json_builder_set_member_name (b, "busy");
          json_builder_add_boolean_value (b, console_app_is_busy (app, m->node, m->name));
          add_strv (b, "tracks", m->tracks);
          json_builder_set_member_name (b, "sync_group");
          json_builder_add_string_value (b, m->sync_group);
          json_builder_set_member_name (b, "sync_state");
          json_builder_add_string_value (b, m->sync_state);
          json_builder_set_member_name (b, "adverts_rx");
          json_builder_add_int_value (b, (gint64)m->adverts_rx);
          json_builder_set_member_name (b, "adverts_tx");
          json_builder_add_int_value (b, (gint64)m->adverts_tx);
          json_builder_set_member_name (b, "dropped");
          json_builder_add_int_value (b, (gint64)m->dropped);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* g_file_set_contents() writes aside and renames: a reader never sees half a file. */
  return g_file_set_contents (path, text, -1, error);
}
