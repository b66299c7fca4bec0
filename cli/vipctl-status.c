/* vipctl-status.c — `vipctl status`: an aligned table, or every property as JSON. The table
 * has a NETWORKMANAGER column only when NetworkManager knows an instance's interface, so hosts
 * without it (most routers) keep the plain table. */
#include "vipctl.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

enum
{
  COL_NAME,
  COL_IFACE,
  COL_VRID,
  COL_STATE,
  COL_PRIO,
  COL_VIPS,
  COL_OWNER,
  COL_NM,
  N_COLS
};

static const char *const headers[N_COLS] = {
  "INSTANCE", "INTERFACE", "VRID", "STATE", "PRIORITY(base/admin/eff)", "VIPS", "OWNER",
  "NETWORKMANAGER",
};

/* "absent" also when talking to a vipd that predates the property. */
static const char *
nm_device (VipdDBusInstance *inst)
{
  const char *v = vipd_dbus_instance_get_network_manager_device (inst);

  return v && *v ? v : "absent";
}

static char **
instance_row (VipdDBusInstance *inst)
{
  char **row = g_new0 (char *, N_COLS + 1);
  const char *const *vips = vipd_dbus_instance_get_virtual_addresses (inst);
  const char *owner = vipd_dbus_instance_get_master_address (inst);
  guint admin = vipd_dbus_instance_get_admin_priority (inst);
  g_autofree char *admin_s = admin ? g_strdup_printf ("%u", admin) : g_strdup ("-");

  row[COL_NAME] = g_strdup (vipd_dbus_instance_get_name (inst));
  row[COL_IFACE] = g_strdup (vipd_dbus_instance_get_interface (inst));
  row[COL_VRID] = g_strdup_printf ("%u", vipd_dbus_instance_get_virtual_router_id (inst));
  row[COL_STATE] = g_strdup (vipd_dbus_instance_get_state (inst));
  row[COL_PRIO] = g_strdup_printf ("%u/%s/%u", vipd_dbus_instance_get_base_priority (inst), admin_s,
                                   vipd_dbus_instance_get_effective_priority (inst));
  row[COL_VIPS] = vips && vips[0] ? g_strjoinv (",", (char **)vips) : g_strdup ("-");
  row[COL_OWNER] = g_strdup (owner && *owner ? owner : "-");
  row[COL_NM] = g_strdup (nm_device (inst));
  return row;
}

void
vipctl_print_table (const char *const *head, int ncols, GPtrArray *rows)
{
  g_autofree int *width = g_new0 (int, ncols);

  for (int c = 0; c < ncols; c++)
    width[c] = (int)g_utf8_strlen (head[c], -1);
  for (guint r = 0; r < rows->len; r++)
    for (int c = 0; c < ncols; c++)
      width[c] = MAX (width[c], (int)g_utf8_strlen (((char **)g_ptr_array_index (rows, r))[c], -1));
  for (guint r = 0; r <= rows->len; r++)
    {
      const char *const *row = r == 0 ? head : g_ptr_array_index (rows, r - 1);
      g_autoptr (GString) line = g_string_new (NULL);

      for (int c = 0; c < ncols; c++)
        {
          /* The last column is not padded: no trailing blanks for scripts to trip over. */
          int pad = c == ncols - 1 ? 0 : width[c] - (int)g_utf8_strlen (row[c], -1) + 2;

          g_string_append (line, row[c]);
          for (int i = 0; i < pad; i++)
            g_string_append_c (line, ' ');
        }
      printf ("%s\n", line->str);
    }
}

static int
print_table (GList *instances)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  int ncols = COL_NM;

  for (GList *l = instances; l; l = l->next)
    if (g_strcmp0 (nm_device (l->data), "absent") != 0)
      ncols = N_COLS;
  for (GList *l = instances; l; l = l->next)
    g_ptr_array_add (rows, instance_row (l->data));
  vipctl_print_table (headers, ncols, rows);
  return VIPCTL_EXIT_OK;
}

void
vipctl_json_add_properties (JsonBuilder *b, GDBusProxy *proxy, const char *skip)
{
  g_auto (GStrv) names = g_dbus_proxy_get_cached_property_names (proxy);

  json_builder_set_member_name (b, "Path");
  json_builder_add_string_value (b, g_dbus_proxy_get_object_path (proxy));
  for (guint i = 0; names && names[i]; i++)
    {
      g_autoptr (GVariant) value = NULL;

      if (g_strcmp0 (names[i], skip) == 0)
        continue;
      value = g_dbus_proxy_get_cached_property (proxy, names[i]);
      json_builder_set_member_name (b, names[i]);
      json_builder_add_value (b, json_gvariant_serialize (value));
    }
}

/* One object per instance with every property under its D-Bus name, plus "Path". */
static int
print_json (GList *instances)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (b);
  for (GList *l = instances; l; l = l->next)
    {
      json_builder_begin_object (b);
      vipctl_json_add_properties (b, G_DBUS_PROXY (l->data), NULL);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  return VIPCTL_EXIT_OK;
}

int
vipctl_cmd_status (VipctlOptions *o, int argc, char **argv)
{
  GList *instances = vipctl_list_instances (o);
  int code;

  if (o->names)
    {
      for (GList *l = instances; l; l = l->next)
        printf ("%s\n", vipd_dbus_instance_get_name (l->data));
      code = VIPCTL_EXIT_OK;
    }
  else if (o->json)
    code = print_json (instances);
  else
    code = print_table (instances);
  g_list_free_full (instances, g_object_unref);
  return code;
}
