/* cluster-model.h — the console's pure view of a cluster: instances from many nodes grouped into
 * VRRP groups, with the owner of each VIP and the alarms an admin must see. No I/O, no GTK. */
#pragma once

#include <glib.h>

typedef enum
{
  CLUSTER_ALARM_SPLIT_BRAIN,      /* two or more masters in one group */
  CLUSTER_ALARM_NO_MASTER,        /* no reachable node is master and none knows of one */
  CLUSTER_ALARM_VIPS_DIFFER,      /* members of one group announce different VIP lists */
  CLUSTER_ALARM_NODE_UNREACHABLE, /* a node the console knows cannot be reached */
} ClusterAlarmKind;

/* One instance as one node reports it (a plain copy of the D-Bus properties). */
typedef struct
{
  char *node;      /* the node's id in the console */
  char *name;      /* instance Name */
  char *interface; /* Interface */
  guint8 vrid;     /* VirtualRouterId */
  char *family;    /* ipv4 / ipv6 */
  char *state;     /* State */
  guint8 base_priority;
  guint8 admin_priority; /* 0 = none */
  guint8 effective_priority;
  char **vips;            /* VirtualAddresses, sorted on insertion */
  char *master_address;   /* MasterAddress; "" when unknown */
  guint64 last_transition; /* usec since the epoch */
  char *last_reason;
  char **tracks; /* "name: status" of its track scripts, in the order vipd lists them */
  char *sync_group; /* the SyncGroup's Name; "" when the instance is in none */
  char *sync_state; /* the SyncGroup's State; "" when unknown */
  guint64 adverts_rx;
  guint64 adverts_tx;
  guint64 dropped;     /* adverts received and dropped, every reason summed */
  guint64 send_errors;
} ClusterInstance;

typedef struct
{
  char *vip;
  char *node;    /* the node that is master and holds it; NULL when not one of ours */
  char *address; /* the owner's address as the group reports it; NULL when unknown */
  char **holders; /* every master node that holds it: more than one in a split brain */
} ClusterOwner;

typedef struct
{
  ClusterAlarmKind kind;
  char *text; /* one line for an admin, untranslated facts (node names, VIPs) only */
} ClusterAlarm;

typedef struct
{
  char *key; /* "VRID/interface/family" */
  guint8 vrid;
  char *interface;
  char *family;
  char **vips;         /* the group's VIPs: the union over its members, sorted */
  GPtrArray *members;  /* ClusterInstance* (borrowed from the model), sorted by node */
  GPtrArray *owners;   /* ClusterOwner* */
  GPtrArray *alarms;   /* ClusterAlarm* */
} ClusterGroup;

typedef struct _ClusterModel ClusterModel;

ClusterModel *cluster_model_new (void);
void cluster_model_free (ClusterModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClusterModel, cluster_model_free)

/* Adds a node or updates whether it is reachable; nodes keep the order they were added in. */
void cluster_model_set_node (ClusterModel *model, const char *node, gboolean reachable);
void cluster_model_remove_node (ClusterModel *model, const char *node);
/* Forgets every instance that node reported (before it reports them again). */
void cluster_model_clear_instances (ClusterModel *model, const char *node);
/* Adds a copy of inst (inst->node must have been set with cluster_model_set_node). */
void cluster_model_add_instance (ClusterModel *model, const ClusterInstance *inst);

/* Recomputes groups, owners and alarms from the current instances. */
void cluster_model_update (ClusterModel *model);

/* The groups of the last update (ClusterGroup*, sorted by VRID then interface). */
GPtrArray *cluster_model_get_groups (ClusterModel *model);
/* Alarms not tied to one group: unreachable nodes (ClusterAlarm*). */
GPtrArray *cluster_model_get_node_alarms (ClusterModel *model);
/* Node ids in the order they were added. */
const char *const *cluster_model_get_nodes (ClusterModel *model, guint *n);
gboolean cluster_model_node_reachable (ClusterModel *model, const char *node);

/* The first alarm of that kind in group, or NULL. */
const ClusterAlarm *cluster_group_find_alarm (const ClusterGroup *group, ClusterAlarmKind kind);
/* The owner entry of vip in group, or NULL. */
const ClusterOwner *cluster_group_find_owner (const ClusterGroup *group, const char *vip);

const char *cluster_alarm_kind_to_string (ClusterAlarmKind kind);

/* Fills inst's advert counters from an Instance.Counters value (a{st}); unknown keys are
 * ignored, every "rx-dropped-*" is summed into dropped. */
void cluster_instance_set_counters (ClusterInstance *inst, GVariant *counters);
