/* vipctl-lvs.c — `vipctl lvs` (virtual and real servers as a table or JSON) and the real-server
 * admin commands drain, enable and weight. */
#include "vipctl.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "bus-names.h"

static gint
compare_vs (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (vipd_dbus_virtual_server_get_name ((VipdDBusVirtualServer *) a),
                    vipd_dbus_virtual_server_get_name ((VipdDBusVirtualServer *) b));
}

/* Every VirtualServer proxy sorted by Name (new references). */
static GList *
list_vs (VipctlOptions *o)
{
  GList *objects = g_dbus_object_manager_get_objects (o->objects);
  GList *out = NULL;

  for (GList *l = objects; l; l = l->next)
    {
      VipdDBusVirtualServer *vs = vipd_dbus_object_get_virtual_server (l->data);

      if (vs)
        out = g_list_prepend (out, vs);
    }
  g_list_free_full (objects, g_object_unref);
  return g_list_sort (out, compare_vs);
}

/* The real servers of vs in its order (new references; NULL entries skipped). */
static GList *
list_rs (VipctlOptions *o, VipdDBusVirtualServer *vs)
{
  const char *const *paths = vipd_dbus_virtual_server_get_real_servers (vs);
  GList *out = NULL;

  for (guint i = 0; paths && paths[i]; i++)
    {
      g_autoptr (GDBusObject) obj = g_dbus_object_manager_get_object (o->objects, paths[i]);
      VipdDBusRealServer *rs = obj ? vipd_dbus_object_get_real_server (VIPD_DBUS_OBJECT (obj)) : NULL;

      if (rs)
        out = g_list_append (out, rs);
    }
  return out;
}

static char *
age (guint64 when_us)
{
  gint64 now = g_get_real_time ();

  if (when_us == 0)
    return g_strdup ("never");
  if ((gint64) when_us > now)
    return g_strdup ("now");
  return g_strdup_printf ("%" G_GINT64_FORMAT "s ago", (now - (gint64) when_us) / G_USEC_PER_SEC);
}

enum
{
  COL_VS,
  COL_SCHED,
  COL_QUORUM,
  COL_RS,
  COL_HEALTH,
  COL_WEIGHT,
  COL_LAST,
  COL_REASON,
  N_COLS
};

static const char *const headers[N_COLS] = {
  "VIRTUAL SERVER", "SCHED/KIND", "QUORUM", "REAL SERVER", "HEALTH", "WEIGHT(now/conf/admin)",
  "LAST CHECK", "REASON",
};

static char **
row_new (VipdDBusVirtualServer *vs, VipdDBusRealServer *rs)
{
  char **row = g_new0 (char *, N_COLS + 1);
  const char *sorry = vipd_dbus_virtual_server_get_sorry_server (vs);

  row[COL_VS] = g_strdup (vipd_dbus_virtual_server_get_name (vs));
  row[COL_SCHED] = g_strdup_printf ("%s/%s", vipd_dbus_virtual_server_get_scheduler (vs),
                                    vipd_dbus_virtual_server_get_kind (vs));
  row[COL_QUORUM] = vipd_dbus_virtual_server_get_sorry_server_active (vs)
                        ? g_strdup_printf ("lost(sorry %s)", sorry)
                        : g_strdup (vipd_dbus_virtual_server_get_quorum_state (vs));
  if (rs == NULL)
    {
      for (int c = COL_RS; c < N_COLS; c++)
        row[c] = g_strdup ("-");
      return row;
    }
  {
    int admin = vipd_dbus_real_server_get_admin_weight (rs);
    g_autofree char *admin_s = admin < 0 ? g_strdup ("-") : g_strdup_printf ("%d", admin);

    row[COL_RS] = g_strdup (vipd_dbus_real_server_get_name (rs));
    row[COL_HEALTH] = g_strdup (vipd_dbus_real_server_get_health (rs));
    row[COL_WEIGHT] = g_strdup_printf ("%u/%u/%s%s", vipd_dbus_real_server_get_weight (rs),
                                       vipd_dbus_real_server_get_configured_weight (rs), admin_s,
                                       vipd_dbus_real_server_get_in_table (rs) ? "" : " (out)");
    row[COL_LAST] = age (vipd_dbus_real_server_get_last_check (rs));
    row[COL_REASON] = g_strdup (vipd_dbus_real_server_get_last_check_reason (rs));
  }
  return row;
}

static void
print_table (VipctlOptions *o, GList *vss)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gboolean unprogrammed = FALSE;

  for (GList *l = vss; l; l = l->next)
    {
      GList *rss = list_rs (o, l->data);

      unprogrammed |= !vipd_dbus_virtual_server_get_programmed (l->data);
      if (rss == NULL)
        g_ptr_array_add (rows, row_new (l->data, NULL));
      for (GList *r = rss; r; r = r->next)
        g_ptr_array_add (rows, row_new (l->data, r->data));
      g_list_free_full (rss, g_object_unref);
    }
  vipctl_print_table (headers, N_COLS, rows);
  if (unprogrammed)
    printf ("\nIPVS is not programmed on this node (no ip_vs in the kernel): the real servers "
            "are checked only.\n");
}

/* One object per virtual server with every property; RealServers holds the real servers'
 * objects (every property and their Path) instead of the paths alone. */
static void
print_json (VipctlOptions *o, GList *vss)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (b);
  for (GList *l = vss; l; l = l->next)
    {
      GList *rss = list_rs (o, l->data);

      json_builder_begin_object (b);
      vipctl_json_add_properties (b, G_DBUS_PROXY (l->data), "RealServers");
      json_builder_set_member_name (b, "RealServers");
      json_builder_begin_array (b);
      for (GList *r = rss; r; r = r->next)
        {
          json_builder_begin_object (b);
          vipctl_json_add_properties (b, G_DBUS_PROXY (r->data), NULL);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      g_list_free_full (rss, g_object_unref);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

int
vipctl_cmd_lvs (VipctlOptions *o, int argc, char **argv)
{
  GList *vss = list_vs (o);

  if (o->names)
    for (GList *l = vss; l; l = l->next)
      {
        GList *rss = list_rs (o, l->data);

        for (GList *r = rss; r; r = r->next)
          printf ("%s %s\n", vipd_dbus_virtual_server_get_name (l->data),
                  vipd_dbus_real_server_get_name (r->data));
        g_list_free_full (rss, g_object_unref);
      }
  else if (o->json)
    print_json (o, vss);
  else
    print_table (o, vss);
  g_list_free_full (vss, g_object_unref);
  return VIPCTL_EXIT_OK;
}

/* vs is a Name ("192.0.2.100:80/tcp") or, when only one protocol uses them, address:port. */
static VipdDBusRealServer *
find_rs (VipctlOptions *o, const char *vs_name, const char *rs_name, int *code)
{
  GList *vss = list_vs (o);
  VipdDBusVirtualServer *vs = NULL;
  VipdDBusRealServer *found = NULL;
  g_autoptr (GString) known = g_string_new (NULL);
  guint prefix_matches = 0;

  for (GList *l = vss; l; l = l->next)
    {
      const char *n = vipd_dbus_virtual_server_get_name (l->data);
      const char *slash = strrchr (n, '/');

      g_string_append_printf (known, "%s%s", known->len ? ", " : "", n);
      if (g_strcmp0 (n, vs_name) == 0)
        {
          vs = l->data;
          prefix_matches = 1;
          break;
        }
      if (slash && strlen (vs_name) == (gsize) (slash - n) && strncmp (n, vs_name, slash - n) == 0)
        {
          vs = l->data;
          prefix_matches++;
        }
    }
  if (vs == NULL || prefix_matches > 1)
    {
      *code = vipctl_fail (VIPCTL_EXIT_NO_INSTANCE,
                           prefix_matches > 1
                               ? "\"%s\" names more than one virtual server (%s): add the "
                                 "protocol, e.g. %s/tcp"
                               : "no virtual server \"%s\" in vipd (virtual servers: %s); see "
                                 "\"vipctl lvs\"",
                           vs_name, known->len ? known->str : "none", vs_name);
      g_list_free_full (vss, g_object_unref);
      return NULL;
    }
  {
    GList *rss = list_rs (o, vs);

    g_string_truncate (known, 0);
    for (GList *r = rss; r; r = r->next)
      {
        const char *n = vipd_dbus_real_server_get_name (r->data);

        if (found == NULL && g_strcmp0 (n, rs_name) == 0)
          found = g_object_ref (r->data);
        g_string_append_printf (known, "%s%s", known->len ? ", " : "", n);
      }
    g_list_free_full (rss, g_object_unref);
  }
  if (found == NULL)
    *code = vipctl_fail (VIPCTL_EXIT_NO_INSTANCE,
                         "no real server \"%s\" in %s (real servers: %s); see \"vipctl lvs\"",
                         rs_name, vipd_dbus_virtual_server_get_name (vs),
                         known->len ? known->str : "none");
  g_list_free_full (vss, g_object_unref);
  return found;
}

static int
rs_call (VipctlOptions *o, char **argv, const char *method, GVariant *args, const char *action,
         const char *done)
{
  g_autoptr (GVariant) owned = args ? g_variant_ref_sink (args) : NULL;
  g_autoptr (VipdDBusRealServer) rs = NULL;
  int code = VIPCTL_EXIT_OK;

  rs = find_rs (o, argv[1], argv[2], &code);
  if (rs == NULL)
    return code;
  code = vipctl_admin_call (o, g_dbus_proxy_get_object_path (G_DBUS_PROXY (rs)),
                            VIPD_DBUS_IFACE_RS, method, owned, action, NULL);
  if (code == VIPCTL_EXIT_OK)
    printf ("%s %s: %s\n", argv[1], argv[2], done);
  return code;
}

int
vipctl_cmd_drain (VipctlOptions *o, int argc, char **argv)
{
  return rs_call (o, argv, "Drain", NULL, VIPD_ACTION_DRAIN,
                  "drained (weight 0: no new connections until \"vipctl enable\")");
}

int
vipctl_cmd_enable (VipctlOptions *o, int argc, char **argv)
{
  return rs_call (o, argv, "Enable", NULL, VIPD_ACTION_ENABLE,
                  "enabled (the configured weight applies again)");
}

int
vipctl_cmd_weight (VipctlOptions *o, int argc, char **argv)
{
  guint64 weight = 0;
  g_autofree char *done = NULL;

  if (!g_ascii_string_to_unsigned (argv[3], 10, 0, 65535, &weight, NULL))
    return vipctl_fail (VIPCTL_EXIT_USAGE, "weight must be a number from 0 to 65535, not \"%s\"",
                        argv[3]);
  done = g_strdup_printf ("weight %u (until \"vipctl enable\")", (guint) weight);
  return rs_call (o, argv, "SetWeight", g_variant_new ("(u)", (guint32) weight),
                  VIPD_ACTION_SET_WEIGHT, done);
}
