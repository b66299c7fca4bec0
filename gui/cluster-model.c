/* cluster-model.c — grouping instances across nodes, owners per VIP, alarms. Pure: no I/O.
 *
 * A group is keyed by VRID, interface and family: that is what VRRP itself matches on a LAN.
 * The VIP set is compared inside the group rather than used as part of the key, so that two
 * nodes announcing different VIPs for the same VRID show up as one group with an alarm instead
 * of two groups that each look healthy. */
#include "cluster-model.h"

#include <stdlib.h>

typedef struct
{
  char *id;
  gboolean reachable;
} Node;

struct _ClusterModel
{
  GPtrArray *nodes;     /* Node* */
  GPtrArray *node_ids;  /* char* borrowed from nodes, NULL-terminated */
  GPtrArray *instances; /* ClusterInstance* */
  GPtrArray *groups;    /* ClusterGroup* */
  GPtrArray *node_alarms;
};

static void
instance_free (gpointer p)
{
  ClusterInstance *i = p;

  g_free (i->node);
  g_free (i->name);
  g_free (i->interface);
  g_free (i->family);
  g_free (i->state);
  g_strfreev (i->vips);
  g_free (i->master_address);
  g_free (i->last_reason);
  g_strfreev (i->tracks);
  g_free (i->sync_group);
  g_free (i->sync_state);
  g_free (i);
}

static void
owner_free (gpointer p)
{
  ClusterOwner *o = p;

  g_free (o->vip);
  g_free (o->node);
  g_free (o->address);
  g_strfreev (o->holders);
  g_free (o);
}

static void
alarm_free (gpointer p)
{
  ClusterAlarm *a = p;

  g_free (a->text);
  g_free (a);
}

static void
group_free (gpointer p)
{
  ClusterGroup *g = p;

  g_free (g->key);
  g_free (g->interface);
  g_free (g->family);
  g_strfreev (g->vips);
  g_ptr_array_unref (g->members);
  g_ptr_array_unref (g->owners);
  g_ptr_array_unref (g->alarms);
  g_free (g);
}

static void
node_free (gpointer p)
{
  Node *n = p;

  g_free (n->id);
  g_free (n);
}

ClusterModel *
cluster_model_new (void)
{
  ClusterModel *m = g_new0 (ClusterModel, 1);

  m->nodes = g_ptr_array_new_with_free_func (node_free);
  m->node_ids = g_ptr_array_new ();
  g_ptr_array_add (m->node_ids, NULL);
  m->instances = g_ptr_array_new_with_free_func (instance_free);
  m->groups = g_ptr_array_new_with_free_func (group_free);
  m->node_alarms = g_ptr_array_new_with_free_func (alarm_free);
  return m;
}

void
cluster_model_free (ClusterModel *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->groups);
  g_ptr_array_unref (m->instances);
  g_ptr_array_unref (m->node_ids);
  g_ptr_array_unref (m->nodes);
  g_ptr_array_unref (m->node_alarms);
  g_free (m);
}

static Node *
find_node (ClusterModel *m, const char *id)
{
  for (guint i = 0; i < m->nodes->len; i++)
    {
      Node *n = m->nodes->pdata[i];

      if (g_strcmp0 (n->id, id) == 0)
        return n;
    }
  return NULL;
}

static void
rebuild_node_ids (ClusterModel *m)
{
  g_ptr_array_set_size (m->node_ids, 0);
  for (guint i = 0; i < m->nodes->len; i++)
    g_ptr_array_add (m->node_ids, ((Node *)m->nodes->pdata[i])->id);
  g_ptr_array_add (m->node_ids, NULL);
}

void
cluster_model_set_node (ClusterModel *m, const char *id, gboolean reachable)
{
  Node *n = find_node (m, id);

  if (n == NULL)
    {
      n = g_new0 (Node, 1);
      n->id = g_strdup (id);
      g_ptr_array_add (m->nodes, n);
      rebuild_node_ids (m);
    }
  n->reachable = reachable;
}

void
cluster_model_clear_instances (ClusterModel *m, const char *id)
{
  for (guint i = m->instances->len; i > 0; i--)
    {
      ClusterInstance *inst = m->instances->pdata[i - 1];

      if (g_strcmp0 (inst->node, id) == 0)
        g_ptr_array_remove_index (m->instances, i - 1);
    }
}

void
cluster_model_remove_node (ClusterModel *m, const char *id)
{
  Node *n = find_node (m, id);

  cluster_model_clear_instances (m, id);
  if (n)
    {
      g_ptr_array_remove (m->nodes, n);
      rebuild_node_ids (m);
    }
}

static int
compare_str (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

static char **
sorted_copy (char **v)
{
  char **copy = g_strdupv (v ? v : (char *[]){ NULL });

  qsort (copy, g_strv_length (copy), sizeof (char *), compare_str);
  return copy;
}

void
cluster_model_add_instance (ClusterModel *m, const ClusterInstance *src)
{
  ClusterInstance *i = g_new0 (ClusterInstance, 1);

  g_return_if_fail (find_node (m, src->node) != NULL);
  *i = *src;
  i->node = g_strdup (src->node);
  i->name = g_strdup (src->name);
  i->interface = g_strdup (src->interface ? src->interface : "");
  i->family = g_strdup (src->family ? src->family : "ipv4");
  i->state = g_strdup (src->state ? src->state : "");
  i->vips = sorted_copy (src->vips);
  i->master_address = g_strdup (src->master_address ? src->master_address : "");
  i->last_reason = g_strdup (src->last_reason ? src->last_reason : "");
  i->tracks = g_strdupv (src->tracks ? src->tracks : (char *[]){ NULL });
  i->sync_group = g_strdup (src->sync_group ? src->sync_group : "");
  i->sync_state = g_strdup (src->sync_state ? src->sync_state : "");
  g_ptr_array_add (m->instances, i);
}

static void
add_alarm (GPtrArray *alarms, ClusterAlarmKind kind, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
add_alarm (GPtrArray *alarms, ClusterAlarmKind kind, const char *format, ...)
{
  ClusterAlarm *a = g_new0 (ClusterAlarm, 1);
  va_list ap;

  va_start (ap, format);
  a->kind = kind;
  a->text = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_ptr_array_add (alarms, a);
}

static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const ClusterGroup *ga = *(ClusterGroup *const *)a;
  const ClusterGroup *gb = *(ClusterGroup *const *)b;

  if (ga->vrid != gb->vrid)
    return ga->vrid < gb->vrid ? -1 : 1;
  if (g_strcmp0 (ga->interface, gb->interface) != 0)
    return g_strcmp0 (ga->interface, gb->interface);
  return g_strcmp0 (ga->family, gb->family);
}

static int
node_index (ClusterModel *m, const char *id)
{
  for (guint i = 0; i < m->nodes->len; i++)
    if (g_strcmp0 (((Node *)m->nodes->pdata[i])->id, id) == 0)
      return (int)i;
  return -1;
}

static ClusterModel *sort_model; /* qsort has no user data in C11; the model is single-threaded */

static int
compare_members (gconstpointer a, gconstpointer b)
{
  const ClusterInstance *ia = *(ClusterInstance *const *)a;
  const ClusterInstance *ib = *(ClusterInstance *const *)b;
  int na = node_index (sort_model, ia->node), nb = node_index (sort_model, ib->node);

  if (na != nb)
    return na < nb ? -1 : 1;
  return g_strcmp0 (ia->name, ib->name);
}

static gboolean
strv_has (char **v, const char *s)
{
  return v && g_strv_contains ((const char *const *)v, s);
}

static void
compute_group (ClusterGroup *g)
{
  g_autoptr (GPtrArray) masters = g_ptr_array_new ();
  g_autoptr (GPtrArray) all_vips = g_ptr_array_new ();
  gboolean differ = FALSE;
  const char *reported_master = NULL;

  for (guint i = 0; i < g->members->len; i++)
    {
      ClusterInstance *inst = g->members->pdata[i];

      if (g_strcmp0 (inst->state, "master") == 0)
        g_ptr_array_add (masters, inst);
      else if (inst->master_address[0] && reported_master == NULL)
        reported_master = inst->master_address;
      if (i > 0 && !g_strv_equal ((const char *const *)inst->vips,
                                  (const char *const *)((ClusterInstance *)g->members->pdata[0])->vips))
        differ = TRUE;
      for (char **v = inst->vips; *v; v++)
        {
          gboolean seen = FALSE;

          for (guint k = 0; k < all_vips->len; k++)
            seen = seen || g_strcmp0 (all_vips->pdata[k], *v) == 0;
          if (!seen)
            g_ptr_array_add (all_vips, *v);
        }
    }
  g_ptr_array_sort (all_vips, compare_str);
  g_ptr_array_add (all_vips, NULL);
  g->vips = g_strdupv ((char **)all_vips->pdata);

  for (char **v = g->vips; *v; v++)
    {
      ClusterOwner *o = g_new0 (ClusterOwner, 1);

      g_autoptr (GPtrArray) holders = g_ptr_array_new ();

      o->vip = g_strdup (*v);
      for (guint i = 0; i < masters->len; i++)
        {
          ClusterInstance *m = masters->pdata[i];

          if (!strv_has (m->vips, *v))
            continue;
          g_ptr_array_add (holders, m->node);
          if (o->node == NULL)
            {
              o->node = g_strdup (m->node);
              o->address = g_strdup (m->master_address[0] ? m->master_address : NULL);
            }
        }
      g_ptr_array_add (holders, NULL);
      o->holders = g_strdupv ((char **)holders->pdata);
      /* A master outside the console's nodes: the backups still know its address. */
      if (o->node == NULL && masters->len == 0 && reported_master)
        o->address = g_strdup (reported_master);
      g_ptr_array_add (g->owners, o);
    }

  if (masters->len > 1)
    {
      g_autoptr (GString) who = g_string_new (NULL);

      for (guint i = 0; i < masters->len; i++)
        g_string_append_printf (who, "%s%s", i ? ", " : "",
                                ((ClusterInstance *)masters->pdata[i])->node);
      add_alarm (g->alarms, CLUSTER_ALARM_SPLIT_BRAIN, "%s", who->str);
    }
  else if (masters->len == 0 && reported_master == NULL)
    add_alarm (g->alarms, CLUSTER_ALARM_NO_MASTER, "VRID %u on %s", g->vrid, g->interface);
  if (differ)
    {
      g_autoptr (GString) lists = g_string_new (NULL);

      for (guint i = 0; i < g->members->len; i++)
        {
          ClusterInstance *inst = g->members->pdata[i];
          g_autofree char *joined = g_strjoinv (" ", inst->vips);

          g_string_append_printf (lists, "%s%s: %s", i ? "; " : "", inst->node, joined);
        }
      add_alarm (g->alarms, CLUSTER_ALARM_VIPS_DIFFER, "%s", lists->str);
    }
}

void
cluster_model_update (ClusterModel *m)
{
  g_autoptr (GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);

  g_ptr_array_set_size (m->groups, 0);
  g_ptr_array_set_size (m->node_alarms, 0);

  for (guint i = 0; i < m->instances->len; i++)
    {
      ClusterInstance *inst = m->instances->pdata[i];
      Node *n = find_node (m, inst->node);
      g_autofree char *key = NULL;
      ClusterGroup *g;

      /* An unreachable node's last report is stale: it says nothing about who owns a VIP now. */
      if (n == NULL || !n->reachable)
        continue;
      key = g_strdup_printf ("%u/%s/%s", inst->vrid, inst->interface, inst->family);
      g = g_hash_table_lookup (by_key, key);
      if (g == NULL)
        {
          g = g_new0 (ClusterGroup, 1);
          g->key = g_steal_pointer (&key);
          g->vrid = inst->vrid;
          g->interface = g_strdup (inst->interface);
          g->family = g_strdup (inst->family);
          g->members = g_ptr_array_new ();
          g->owners = g_ptr_array_new_with_free_func (owner_free);
          g->alarms = g_ptr_array_new_with_free_func (alarm_free);
          g_hash_table_insert (by_key, g->key, g);
          g_ptr_array_add (m->groups, g);
        }
      g_ptr_array_add (g->members, inst);
    }

  sort_model = m;
  for (guint i = 0; i < m->groups->len; i++)
    {
      ClusterGroup *g = m->groups->pdata[i];

      g_ptr_array_sort (g->members, compare_members);
      compute_group (g);
    }
  sort_model = NULL;
  g_ptr_array_sort (m->groups, compare_groups);

  for (guint i = 0; i < m->nodes->len; i++)
    {
      Node *n = m->nodes->pdata[i];

      if (!n->reachable)
        add_alarm (m->node_alarms, CLUSTER_ALARM_NODE_UNREACHABLE, "%s", n->id);
    }
}

GPtrArray *
cluster_model_get_groups (ClusterModel *m)
{
  return m->groups;
}

GPtrArray *
cluster_model_get_node_alarms (ClusterModel *m)
{
  return m->node_alarms;
}

const char *const *
cluster_model_get_nodes (ClusterModel *m, guint *n)
{
  if (n)
    *n = m->nodes->len;
  return (const char *const *)m->node_ids->pdata;
}

gboolean
cluster_model_node_reachable (ClusterModel *m, const char *id)
{
  Node *n = find_node (m, id);

  return n && n->reachable;
}

const ClusterAlarm *
cluster_group_find_alarm (const ClusterGroup *g, ClusterAlarmKind kind)
{
  for (guint i = 0; i < g->alarms->len; i++)
    if (((ClusterAlarm *)g->alarms->pdata[i])->kind == kind)
      return g->alarms->pdata[i];
  return NULL;
}

const ClusterOwner *
cluster_group_find_owner (const ClusterGroup *g, const char *vip)
{
  for (guint i = 0; i < g->owners->len; i++)
    if (g_strcmp0 (((ClusterOwner *)g->owners->pdata[i])->vip, vip) == 0)
      return g->owners->pdata[i];
  return NULL;
}

const char *
cluster_alarm_kind_to_string (ClusterAlarmKind kind)
{
  switch (kind)
    {
    case CLUSTER_ALARM_SPLIT_BRAIN:
      return "split-brain";
    case CLUSTER_ALARM_NO_MASTER:
      return "no-master";
    case CLUSTER_ALARM_VIPS_DIFFER:
      return "vips-differ";
    case CLUSTER_ALARM_NODE_UNREACHABLE:
      return "node-unreachable";
    }
  return "unknown";
}

void
cluster_instance_set_counters (ClusterInstance *inst, GVariant *counters)
{
  GVariantIter iter;
  const char *key;
  guint64 value;

  inst->adverts_rx = inst->adverts_tx = inst->dropped = inst->send_errors = 0;
  if (counters == NULL || !g_variant_is_of_type (counters, G_VARIANT_TYPE ("a{st}")))
    return;
  g_variant_iter_init (&iter, counters);
  while (g_variant_iter_next (&iter, "{&st}", &key, &value))
    if (g_str_equal (key, "adverts-rx"))
      inst->adverts_rx = value;
    else if (g_str_equal (key, "adverts-tx"))
      inst->adverts_tx = value;
    else if (g_str_equal (key, "send-errors"))
      inst->send_errors = value;
    else if (g_str_has_prefix (key, "rx-dropped-"))
      inst->dropped += value;
}
