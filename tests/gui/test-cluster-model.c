/* test-cluster-model.c — grouping, owners and alarms of the console's cluster model. */
#include "cluster-model.h"

static void
add (ClusterModel *m, const char *node, const char *name, guint8 vrid, const char *state,
     const char *master, const char *const *vips)
{
  ClusterInstance i = {
    .node = (char *)node,
    .name = (char *)name,
    .interface = (char *)"eth0",
    .vrid = vrid,
    .family = (char *)"ipv4",
    .state = (char *)state,
    .base_priority = 100,
    .effective_priority = 100,
    .vips = (char **)vips,
    .master_address = (char *)master,
    .last_reason = (char *)"",
  };

  cluster_model_add_instance (m, &i);
}

static const char *const one_vip[] = { "192.0.2.50/24", NULL };
static const char *const two_vips[] = { "192.0.2.51/24", "192.0.2.50/24", NULL };

static void
test_owner (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  ClusterGroup *g;
  const ClusterOwner *o;

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_set_node (m, "node2", TRUE);
  add (m, "node2", "VI_1", 51, "backup", "192.0.2.1", one_vip);
  add (m, "node1", "VI_1", 51, "master", "192.0.2.1", one_vip);
  cluster_model_update (m);

  g_assert_cmpuint (cluster_model_get_groups (m)->len, ==, 1);
  g = cluster_model_get_groups (m)->pdata[0];
  g_assert_cmpuint (g->vrid, ==, 51);
  g_assert_cmpuint (g->members->len, ==, 2);
  /* Members in the order the nodes were added, not the order they reported. */
  g_assert_cmpstr (((ClusterInstance *)g->members->pdata[0])->node, ==, "node1");
  o = cluster_group_find_owner (g, "192.0.2.50/24");
  g_assert_nonnull (o);
  g_assert_cmpstr (o->node, ==, "node1");
  g_assert_cmpstr (o->address, ==, "192.0.2.1");
  g_assert_cmpuint (g_strv_length (o->holders), ==, 1);
  g_assert_cmpuint (g->alarms->len, ==, 0);
  g_assert_cmpuint (cluster_model_get_node_alarms (m)->len, ==, 0);
}

static void
test_grouping (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  ClusterInstance other_if = {
    .node = (char *)"node1", .name = (char *)"VI_3", .interface = (char *)"eth1", .vrid = 51,
    .state = (char *)"master", .vips = (char **)one_vip,
  };

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_set_node (m, "node2", TRUE);
  add (m, "node1", "VI_2", 52, "master", "192.0.2.1", one_vip);
  add (m, "node1", "VI_1", 51, "master", "192.0.2.1", one_vip);
  add (m, "node2", "VI_1", 51, "backup", "192.0.2.1", one_vip);
  cluster_model_add_instance (m, &other_if);
  cluster_model_update (m);

  /* Same VRID on another interface is another group; sorted by VRID then interface. */
  g_assert_cmpuint (cluster_model_get_groups (m)->len, ==, 3);
  g_assert_cmpstr (((ClusterGroup *)cluster_model_get_groups (m)->pdata[0])->interface, ==, "eth0");
  g_assert_cmpuint (((ClusterGroup *)cluster_model_get_groups (m)->pdata[0])->members->len, ==, 2);
  g_assert_cmpstr (((ClusterGroup *)cluster_model_get_groups (m)->pdata[1])->interface, ==, "eth1");
  g_assert_cmpuint (((ClusterGroup *)cluster_model_get_groups (m)->pdata[2])->vrid, ==, 52);

  /* A node's report is replaced as a whole. */
  cluster_model_clear_instances (m, "node1");
  cluster_model_update (m);
  g_assert_cmpuint (cluster_model_get_groups (m)->len, ==, 1);
}

static void
test_split_brain (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  ClusterGroup *g;
  const ClusterAlarm *a;

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_set_node (m, "node2", TRUE);
  add (m, "node1", "VI_1", 51, "master", "192.0.2.1", one_vip);
  add (m, "node2", "VI_1", 51, "master", "192.0.2.2", one_vip);
  cluster_model_update (m);
  g = cluster_model_get_groups (m)->pdata[0];
  a = cluster_group_find_alarm (g, CLUSTER_ALARM_SPLIT_BRAIN);
  g_assert_nonnull (a);
  g_assert_cmpstr (a->text, ==, "node1, node2");
  /* Both hold the VIP: the owner line must not pretend there is one owner. */
  g_assert_cmpuint (g_strv_length (cluster_group_find_owner (g, "192.0.2.50/24")->holders), ==, 2);
  g_assert_null (cluster_group_find_alarm (g, CLUSTER_ALARM_NO_MASTER));
}

static void
test_no_master (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  ClusterGroup *g;
  const ClusterOwner *o;

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_set_node (m, "node2", TRUE);
  add (m, "node1", "VI_1", 51, "backup", "", one_vip);
  add (m, "node2", "VI_1", 51, "fault", "", one_vip);
  cluster_model_update (m);
  g = cluster_model_get_groups (m)->pdata[0];
  g_assert_nonnull (cluster_group_find_alarm (g, CLUSTER_ALARM_NO_MASTER));
  o = cluster_group_find_owner (g, "192.0.2.50/24");
  g_assert_null (o->node);
  g_assert_null (o->address);

  /* A master the console does not know: backups name it, so it is no alarm. */
  cluster_model_clear_instances (m, "node1");
  add (m, "node1", "VI_1", 51, "backup", "192.0.2.9", one_vip);
  cluster_model_update (m);
  g = cluster_model_get_groups (m)->pdata[0];
  g_assert_null (cluster_group_find_alarm (g, CLUSTER_ALARM_NO_MASTER));
  o = cluster_group_find_owner (g, "192.0.2.50/24");
  g_assert_null (o->node);
  g_assert_cmpstr (o->address, ==, "192.0.2.9");
}

static void
test_vips_differ (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  ClusterGroup *g;
  static const char *const reordered[] = { "192.0.2.50/24", "192.0.2.51/24", NULL };

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_set_node (m, "node2", TRUE);
  add (m, "node1", "VI_1", 51, "master", "192.0.2.1", two_vips);
  add (m, "node2", "VI_1", 51, "backup", "192.0.2.1", reordered);
  cluster_model_update (m);
  g = cluster_model_get_groups (m)->pdata[0];
  /* Order does not matter. */
  g_assert_null (cluster_group_find_alarm (g, CLUSTER_ALARM_VIPS_DIFFER));

  cluster_model_clear_instances (m, "node2");
  add (m, "node2", "VI_1", 51, "backup", "192.0.2.1", one_vip);
  cluster_model_update (m);
  g = cluster_model_get_groups (m)->pdata[0];
  g_assert_nonnull (cluster_group_find_alarm (g, CLUSTER_ALARM_VIPS_DIFFER));
  g_assert_cmpuint (g_strv_length (g->vips), ==, 2);
  g_assert_cmpstr (cluster_group_find_owner (g, "192.0.2.51/24")->node, ==, "node1");
}

static void
test_unreachable (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  GPtrArray *alarms;
  ClusterGroup *g;

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_set_node (m, "node2", TRUE);
  add (m, "node1", "VI_1", 51, "master", "192.0.2.1", one_vip);
  add (m, "node2", "VI_1", 51, "backup", "192.0.2.1", one_vip);
  cluster_model_set_node (m, "node1", FALSE);
  cluster_model_update (m);
  alarms = cluster_model_get_node_alarms (m);
  g_assert_cmpuint (alarms->len, ==, 1);
  g_assert_cmpint (((ClusterAlarm *)alarms->pdata[0])->kind, ==, CLUSTER_ALARM_NODE_UNREACHABLE);
  g_assert_cmpstr (((ClusterAlarm *)alarms->pdata[0])->text, ==, "node1");
  /* node1's stale "master" is not trusted: node2 still knows the owner's address. */
  g = cluster_model_get_groups (m)->pdata[0];
  g_assert_cmpuint (g->members->len, ==, 1);
  g_assert_null (cluster_group_find_owner (g, "192.0.2.50/24")->node);
  g_assert_cmpstr (cluster_group_find_owner (g, "192.0.2.50/24")->address, ==, "192.0.2.1");

  cluster_model_remove_node (m, "node1");
  cluster_model_update (m);
  g_assert_cmpuint (cluster_model_get_node_alarms (m)->len, ==, 0);
}

/* The counters the view shows: rx/tx as vipd counts them, every drop reason summed. */
static void
test_counters (void)
{
  g_autoptr (ClusterModel) m = cluster_model_new ();
  g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new_parsed (
      "{'adverts-rx': uint64 7, 'adverts-tx': uint64 40, 'send-errors': uint64 1, "
      "'became-master': uint64 2, 'rx-dropped-ttl': uint64 3, 'rx-dropped-auth': uint64 4}"));
  ClusterInstance i = { .node = (char *)"node1", .name = (char *)"VI_1", .vrid = 51,
                        .sync_group = (char *)"G1", .sync_state = (char *)"master" };
  g_autoptr (GVariant) bad = g_variant_ref_sink (g_variant_new_string ("x"));
  ClusterInstance *copy;

  cluster_instance_set_counters (&i, v);
  g_assert_cmpuint (i.adverts_rx, ==, 7);
  g_assert_cmpuint (i.adverts_tx, ==, 40);
  g_assert_cmpuint (i.send_errors, ==, 1);
  g_assert_cmpuint (i.dropped, ==, 7);
  /* A value of the wrong type says nothing: no stale figures. */
  cluster_instance_set_counters (&i, bad);
  g_assert_cmpuint (i.adverts_tx, ==, 0);
  cluster_instance_set_counters (&i, v);

  cluster_model_set_node (m, "node1", TRUE);
  cluster_model_add_instance (m, &i);
  cluster_model_update (m);
  copy = ((ClusterGroup *)cluster_model_get_groups (m)->pdata[0])->members->pdata[0];
  g_assert_cmpuint (copy->dropped, ==, 7);
  g_assert_cmpstr (copy->sync_group, ==, "G1");
  g_assert_cmpstr (copy->sync_state, ==, "master");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster-model/owner", test_owner);
  g_test_add_func ("/cluster-model/grouping", test_grouping);
  g_test_add_func ("/cluster-model/split-brain", test_split_brain);
  g_test_add_func ("/cluster-model/no-master", test_no_master);
  g_test_add_func ("/cluster-model/vips-differ", test_vips_differ);
  g_test_add_func ("/cluster-model/unreachable", test_unreachable);
  g_test_add_func ("/cluster-model/counters", test_counters);
  return g_test_run ();
}
