/* bus-lvs.c — VirtualServer and RealServer objects, kept in step with the LVS manager through
 * its observer, and the admin methods of real servers. */
#include "bus-lvs.h"

#include "bus-authority.h"
#include "bus-instance.h"
#include "bus-names.h"
#include "log.h"
#include "vipd-dbus-generated.h"

struct _VipdBusLvs
{
  VipdDaemon *daemon;
  VipdBusObjects *objects;
  GHashTable *vss; /* VS name -> VsObj* */
};

typedef struct
{
  char *path;
  VipdDBusVirtualServer *iface;
  GHashTable *rss; /* RS name -> RsObj* */
} VsObj;

typedef struct
{
  VipdBusLvs *owner;
  char *path;
  char *vs_name;
  char *rs_name;
  VipdDBusRealServer *iface;
} RsObj;

/* What an admin call needs after polkit: names, since a reload may replace the objects. */
typedef struct
{
  VipdDaemon *daemon;
  char *vs_name, *rs_name;
  GDBusMethodInvocation *invocation;
  int weight; /* -1 = Enable */
  const char *verb;
} AdminCall;

char *
vipd_bus_vs_path (const char *vs_name)
{
  g_autofree char *escaped = vipd_bus_escape_name (vs_name);

  return g_strconcat (VIPD_DBUS_VS_PREFIX, escaped, NULL);
}

char *
vipd_bus_rs_path (const char *vs_name, const char *rs_name)
{
  g_autofree char *vs = vipd_bus_vs_path (vs_name);
  g_autofree char *escaped = vipd_bus_escape_name (rs_name);

  return g_strconcat (vs, "/", escaped, NULL);
}

static void
admin_call_free (AdminCall *c)
{
  g_free (c->vs_name);
  g_free (c->rs_name);
  g_object_unref (c->invocation);
  g_free (c);
}

static void
on_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AdminCall *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  VipdLvsManager *m = vipd_daemon_get_lvs (c->daemon);
  VipdLvsVs *vs;
  VipdLvsRs *rs = NULL;
  guint32 uid = 0;

  if (!vipd_bus_authorize_finish (res, &uid, &error))
    {
      g_dbus_method_invocation_return_gerror (c->invocation, error);
      admin_call_free (c);
      return;
    }
  vs = vipd_lvs_manager_find (m, c->vs_name);
  if (vs)
    rs = vipd_lvs_vs_find (vs, c->rs_name);
  if (rs == NULL)
    {
      g_dbus_method_invocation_return_error (c->invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_OBJECT,
                                             "real server %s of %s is gone (the configuration "
                                             "was reloaded)",
                                             c->rs_name, c->vs_name);
      admin_call_free (c);
      return;
    }
  if (g_strcmp0 (c->verb, "SetWeight") == 0)
    reason = g_strdup_printf ("admin: %s %d by uid %u", c->verb, c->weight, uid);
  else
    reason = g_strdup_printf ("admin: %s by uid %u", c->verb, uid);
  vipd_lvs_rs_set_admin_weight (m, rs, c->weight, reason);
  g_dbus_method_invocation_return_value (c->invocation, NULL);
  admin_call_free (c);
}

static gboolean
start_admin (RsObj *o, GDBusMethodInvocation *inv, const char *action, int weight,
             const char *verb)
{
  AdminCall *c = g_new0 (AdminCall, 1);

  c->daemon = o->owner->daemon;
  c->vs_name = g_strdup (o->vs_name);
  c->rs_name = g_strdup (o->rs_name);
  c->invocation = g_object_ref (inv);
  c->weight = weight;
  c->verb = verb;
  vipd_bus_authorize (inv, action, on_authorized, c);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_drain (VipdDBusRealServer *iface, GDBusMethodInvocation *inv, gpointer data)
{
  return start_admin (data, inv, VIPD_ACTION_DRAIN, 0, "Drain");
}

static gboolean
handle_enable (VipdDBusRealServer *iface, GDBusMethodInvocation *inv, gpointer data)
{
  return start_admin (data, inv, VIPD_ACTION_ENABLE, -1, "Enable");
}

static gboolean
handle_set_weight (VipdDBusRealServer *iface, GDBusMethodInvocation *inv, guint weight,
                   gpointer data)
{
  if (weight > VIPD_LVS_WEIGHT_MAX)
    {
      g_dbus_method_invocation_return_error (inv, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "weight %u is out of range: use 0-%u (0 drains)",
                                             weight, VIPD_LVS_WEIGHT_MAX);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  return start_admin (data, inv, VIPD_ACTION_SET_WEIGHT, (int) weight, "SetWeight");
}

static void
sync_rs (RsObj *o, VipdLvsRs *rs)
{
  const VipdRealServer *conf = vipd_lvs_rs_get_config (rs);
  g_autofree char *addr = vipd_addr_to_string (&conf->addr);
  g_autofree char *vs_path = vipd_bus_vs_path (o->vs_name);
  GPtrArray *kinds = g_ptr_array_new ();
  guint64 checks, failures, transitions;
  GVariantBuilder b;

  for (guint i = 0; i < conf->checkers->len; i++)
    g_ptr_array_add (kinds, (gpointer) vipd_check_kind_keyword (
                                ((VipdChecker *) g_ptr_array_index (conf->checkers, i))->kind));
  g_ptr_array_add (kinds, NULL);
  vipd_lvs_rs_get_counters (rs, &checks, &failures, &transitions);
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{st}"));
  g_variant_builder_add (&b, "{st}", "checks", checks);
  g_variant_builder_add (&b, "{st}", "failures", failures);
  g_variant_builder_add (&b, "{st}", "transitions", transitions);
  vipd_dbus_real_server_set_name (o->iface, o->rs_name);
  vipd_dbus_real_server_set_address (o->iface, addr);
  vipd_dbus_real_server_set_port (o->iface, (guint16) conf->port);
  vipd_dbus_real_server_set_virtual_server (o->iface, vs_path);
  vipd_dbus_real_server_set_health (o->iface, vipd_lvs_rs_get_health (rs));
  vipd_dbus_real_server_set_weight (o->iface, vipd_lvs_rs_get_weight (rs));
  vipd_dbus_real_server_set_configured_weight (o->iface, conf->weight);
  vipd_dbus_real_server_set_admin_weight (o->iface, vipd_lvs_rs_get_admin_weight (rs));
  vipd_dbus_real_server_set_in_table (o->iface, vipd_lvs_rs_in_table (rs));
  vipd_dbus_real_server_set_checkers (o->iface, (const char *const *) kinds->pdata);
  vipd_dbus_real_server_set_last_check (o->iface, vipd_lvs_rs_get_last_check (rs));
  vipd_dbus_real_server_set_last_check_reason (o->iface, vipd_lvs_rs_get_last_reason (rs));
  vipd_dbus_real_server_set_counters (o->iface, g_variant_builder_end (&b));
  g_ptr_array_unref (kinds);
}

static void
sync_vs (VipdBusLvs *l, VsObj *o, VipdLvsVs *vs)
{
  const VipdVirtualServer *conf = vipd_lvs_vs_get_config (vs);
  GPtrArray *rss = vipd_lvs_vs_get_real_servers (vs);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *addr = conf->kind == VIPD_VS_ADDR ? vipd_addr_to_string (&conf->addr)
                                                     : g_strdup ("");
  g_autofree char *sorry = vipd_addr_is_set (&conf->sorry_addr)
                               ? vipd_lvs_endpoint_name (&conf->sorry_addr, conf->sorry_port)
                               : g_strdup ("");

  for (guint i = 0; i < rss->len; i++)
    g_ptr_array_add (paths, vipd_bus_rs_path (conf->name,
                                              vipd_lvs_rs_get_name (g_ptr_array_index (rss, i))));
  g_ptr_array_add (paths, NULL);
  vipd_dbus_virtual_server_set_name (o->iface, conf->name);
  vipd_dbus_virtual_server_set_address (o->iface, addr);
  vipd_dbus_virtual_server_set_port (o->iface, conf->kind == VIPD_VS_ADDR ? (guint16) conf->port : 0);
  vipd_dbus_virtual_server_set_firewall_mark (o->iface, conf->kind == VIPD_VS_FWMARK ? conf->fwmark : 0);
  vipd_dbus_virtual_server_set_group (o->iface, conf->group ? conf->group : "");
  vipd_dbus_virtual_server_set_protocol (o->iface, vipd_lvs_protocol_name (conf->protocol));
  vipd_dbus_virtual_server_set_scheduler (o->iface, conf->lb_algo ? conf->lb_algo : "wlc");
  vipd_dbus_virtual_server_set_kind (o->iface, vipd_lb_kind_name (conf->lb_kind));
  vipd_dbus_virtual_server_set_persistence_timeout (o->iface, conf->persistence_timeout);
  vipd_dbus_virtual_server_set_quorum (o->iface, conf->quorum);
  vipd_dbus_virtual_server_set_hysteresis (o->iface, conf->hysteresis);
  vipd_dbus_virtual_server_set_quorum_state (o->iface, vipd_lvs_vs_get_quorum_up (vs) ? "up" : "lost");
  vipd_dbus_virtual_server_set_sorry_server (o->iface, sorry);
  vipd_dbus_virtual_server_set_sorry_server_active (o->iface, vipd_lvs_vs_get_sorry_active (vs));
  vipd_dbus_virtual_server_set_programmed (o->iface,
                                           vipd_lvs_manager_is_programmed (vipd_daemon_get_lvs (l->daemon)));
  vipd_dbus_virtual_server_set_real_servers (o->iface, (const char *const *) paths->pdata);
  g_ptr_array_unref (paths);
}

static void
rs_obj_free (gpointer p)
{
  RsObj *o = p;

  g_signal_handlers_disconnect_by_data (o->iface, o);
  vipd_bus_objects_remove (o->owner->objects, o->path);
  g_object_unref (o->iface);
  g_free (o->path);
  g_free (o->vs_name);
  g_free (o->rs_name);
  g_free (o);
}

static void
vs_obj_free (gpointer p)
{
  VsObj *o = p;

  g_hash_table_destroy (o->rss);
  g_object_unref (o->iface);
  g_free (o->path);
  g_free (o);
}

/* Objects follow the manager's virtual and real servers: gone ones removed, new ones added,
 * all properties re-read. */
static void
rebuild (VipdBusLvs *l)
{
  GPtrArray *vss = vipd_lvs_manager_get_virtual_servers (vipd_daemon_get_lvs (l->daemon));
  GHashTableIter iter;
  const char *name;
  VsObj *vo;

  g_hash_table_iter_init (&iter, l->vss);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &vo))
    {
      VipdLvsVs *vs = vipd_lvs_manager_find (vipd_daemon_get_lvs (l->daemon), name);
      GHashTableIter ri;
      const char *rs_name;

      if (vs == NULL)
        {
          g_hash_table_remove_all (vo->rss);
          vipd_bus_objects_remove (l->objects, vo->path);
          g_hash_table_iter_remove (&iter);
          continue;
        }
      g_hash_table_iter_init (&ri, vo->rss);
      while (g_hash_table_iter_next (&ri, (gpointer *) &rs_name, NULL))
        if (vipd_lvs_vs_find (vs, rs_name) == NULL)
          g_hash_table_iter_remove (&ri);
    }
  for (guint i = 0; i < vss->len; i++)
    {
      VipdLvsVs *vs = g_ptr_array_index (vss, i);
      const char *vs_name = vipd_lvs_vs_get_config (vs)->name;
      GPtrArray *rss = vipd_lvs_vs_get_real_servers (vs);

      vo = g_hash_table_lookup (l->vss, vs_name);
      if (vo == NULL)
        {
          vo = g_new0 (VsObj, 1);
          vo->path = vipd_bus_vs_path (vs_name);
          vo->iface = vipd_dbus_virtual_server_skeleton_new ();
          vo->rss = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, rs_obj_free);
          sync_vs (l, vo, vs);
          vipd_bus_objects_add_skeleton (l->objects, vo->path, vo->iface);
          g_hash_table_insert (l->vss, g_strdup (vs_name), vo);
        }
      for (guint r = 0; r < rss->len; r++)
        {
          VipdLvsRs *rs = g_ptr_array_index (rss, r);
          RsObj *ro = g_hash_table_lookup (vo->rss, vipd_lvs_rs_get_name (rs));

          if (ro == NULL)
            {
              ro = g_new0 (RsObj, 1);
              ro->owner = l;
              ro->vs_name = g_strdup (vs_name);
              ro->rs_name = g_strdup (vipd_lvs_rs_get_name (rs));
              ro->path = vipd_bus_rs_path (vs_name, ro->rs_name);
              ro->iface = vipd_dbus_real_server_skeleton_new ();
              g_signal_connect (ro->iface, "handle-drain", G_CALLBACK (handle_drain), ro);
              g_signal_connect (ro->iface, "handle-enable", G_CALLBACK (handle_enable), ro);
              g_signal_connect (ro->iface, "handle-set-weight", G_CALLBACK (handle_set_weight), ro);
              sync_rs (ro, rs);
              vipd_bus_objects_add_skeleton (l->objects, ro->path, ro->iface);
              g_hash_table_insert (vo->rss, ro->rs_name, ro);
            }
          else
            sync_rs (ro, rs);
        }
      sync_vs (l, vo, vs);
    }
}

static void
on_changed (VipdLvsManager *m, VipdLvsVs *vs, VipdLvsRs *rs, gpointer data)
{
  VipdBusLvs *l = data;
  VsObj *vo = g_hash_table_lookup (l->vss, vipd_lvs_vs_get_config (vs)->name);
  RsObj *ro;

  if (vo == NULL)
    return;
  if (rs == NULL)
    {
      sync_vs (l, vo, vs);
      return;
    }
  ro = g_hash_table_lookup (vo->rss, vipd_lvs_rs_get_name (rs));
  if (ro)
    sync_rs (ro, rs);
}

static void
on_rebuilt (VipdLvsManager *m, gpointer data)
{
  rebuild (data);
}

VipdBusLvs *
vipd_bus_lvs_new (VipdDaemon *daemon, VipdBusObjects *objects)
{
  static const VipdLvsObserver observer = { on_changed, on_rebuilt };
  VipdBusLvs *l = g_new0 (VipdBusLvs, 1);

  l->daemon = daemon;
  l->objects = objects;
  l->vss = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, vs_obj_free);
  rebuild (l);
  vipd_lvs_manager_set_observer (vipd_daemon_get_lvs (daemon), &observer, l);
  return l;
}

void
vipd_bus_lvs_free (VipdBusLvs *l)
{
  static const VipdLvsObserver none = { 0 };
  GHashTableIter iter;
  VsObj *vo;

  if (l == NULL)
    return;
  vipd_lvs_manager_set_observer (vipd_daemon_get_lvs (l->daemon), &none, NULL);
  g_hash_table_iter_init (&iter, l->vss);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &vo))
    {
      g_hash_table_remove_all (vo->rss);
      vipd_bus_objects_remove (l->objects, vo->path);
    }
  g_hash_table_destroy (l->vss);
  g_free (l);
}
