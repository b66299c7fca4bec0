/* sync-group.c — see sync-group.h for the behaviour. Group decisions are events into the
 * member state machines; this file never changes a member's state directly. */
#include "sync-group.h"

#include "log.h"

typedef struct
{
  VipdVrrpInstance *member;
  VipdState old_state, new_state;
  gboolean state_changed;
} Change;

struct _VipdVrrpSyncGroup
{
  const VipdSyncGroup *conf;
  GPtrArray *members; /* VipdVrrpInstance*, borrowed */
  VipdState state;
  gboolean busy;
  GQueue pending; /* Change*: changes reported while the group was acting */
  VipdSyncGroupStateFunc state_changed;
  gpointer state_data;
};

VipdVrrpSyncGroup *
vipd_vrrp_sync_group_new (const VipdSyncGroup *conf, GPtrArray *members,
                          VipdSyncGroupStateFunc state_changed, gpointer user_data)
{
  VipdVrrpSyncGroup *g = g_new0 (VipdVrrpSyncGroup, 1);

  g->conf = conf;
  g->members = g_ptr_array_ref (members);
  g->state = VIPD_STATE_INIT;
  g->state_changed = state_changed;
  g->state_data = user_data;
  g_queue_init (&g->pending);
  /* A group of one behaves as a plain instance (keepalived warns about it; so does --check). */
  for (guint i = 0; i < members->len; i++)
    vipd_vrrp_instance_set_sync_gated (g_ptr_array_index (members, i), members->len > 1);
  return g;
}

void
vipd_vrrp_sync_group_free (VipdVrrpSyncGroup *g)
{
  if (g == NULL)
    return;
  for (guint i = 0; i < g->members->len; i++)
    vipd_vrrp_instance_set_sync_gated (g_ptr_array_index (g->members, i), FALSE);
  g_queue_clear_full (&g->pending, g_free);
  g_ptr_array_unref (g->members);
  g_free (g);
}

static VipdVrrpInstance *
member (const VipdVrrpSyncGroup *g, guint i)
{
  return g_ptr_array_index (g->members, i);
}

static VipdState
state_of (const VipdVrrpSyncGroup *g, guint i)
{
  return vipd_vrrp_instance_get_state (member (g, i));
}

/* Fault: every member holds the fault of any other member that has one of its own. */
static void
sync_faults (VipdVrrpSyncGroup *g)
{
  for (guint i = 0; i < g->members->len; i++)
    {
      VipdVrrpInstance *faulty = NULL;
      g_autofree char *reason = NULL;

      for (guint j = 0; j < g->members->len && faulty == NULL; j++)
        if (j != i && vipd_vrrp_instance_has_own_fault (member (g, j)))
          faulty = member (g, j);
      if (faulty != NULL)
        {
          g_autofree char *why = vipd_vrrp_instance_fault_reason (faulty);

          reason = g_strdup_printf ("sync group %s: %s is in fault (%s)", g->conf->name,
                                    vipd_vrrp_instance_get_name (faulty), why);
        }
      else
        reason = g_strdup_printf ("sync group %s: no member is in fault any more", g->conf->name);
      vipd_vrrp_instance_set_sync_fault (member (g, i), faulty != NULL, reason);
    }
}

static void
send_to_all (VipdVrrpSyncGroup *g, VipdState in_state, VipdEventType type, const char *reason)
{
  for (guint i = 0; i < g->members->len; i++)
    if (state_of (g, i) == in_state)
      vipd_vrrp_instance_sync_event (member (g, i), type, reason);
}

/* Master only together: every member master, or backup with its down timer expired. */
static gboolean
all_ready (const VipdVrrpSyncGroup *g)
{
  for (guint i = 0; i < g->members->len; i++)
    {
      const VipdFsm *f = vipd_vrrp_instance_get_fsm (member (g, i));

      if (f->state == VIPD_STATE_MASTER)
        continue;
      if (f->state != VIPD_STATE_BACKUP || !f->want_master)
        return FALSE;
    }
  return TRUE;
}

static void
handle (VipdVrrpSyncGroup *g, const Change *c)
{
  const char *name = vipd_vrrp_instance_get_name (c->member);
  g_autofree char *reason = NULL;

  sync_faults (g);
  if (c->state_changed && c->new_state == VIPD_STATE_MASTER)
    {
      reason = g_strdup_printf ("%s: %s became master", g->conf->name, name);
      send_to_all (g, VIPD_STATE_BACKUP, VIPD_EV_SYNC_MASTER, reason);
    }
  else if (c->state_changed && c->old_state == VIPD_STATE_MASTER
           && c->new_state == VIPD_STATE_BACKUP)
    {
      reason = g_strdup_printf ("%s: %s went back to backup", g->conf->name, name);
      send_to_all (g, VIPD_STATE_MASTER, VIPD_EV_SYNC_BACKUP, reason);
    }
  else if (all_ready (g))
    {
      reason = g_strdup_printf ("%s: every member is ready to be master", g->conf->name);
      send_to_all (g, VIPD_STATE_BACKUP, VIPD_EV_SYNC_MASTER, reason);
    }
}

static VipdState
group_state (const VipdVrrpSyncGroup *g)
{
  guint masters = 0, stopped = 0, inits = 0;

  for (guint i = 0; i < g->members->len; i++)
    switch (state_of (g, i))
      {
      case VIPD_STATE_FAULT:
        return VIPD_STATE_FAULT;
      case VIPD_STATE_MASTER:
        masters++;
        break;
      case VIPD_STATE_STOP:
        stopped++;
        break;
      case VIPD_STATE_INIT:
        inits++;
        break;
      default:
        break;
      }
  if (inits > 0)
    return VIPD_STATE_INIT;
  if (masters == g->members->len)
    return VIPD_STATE_MASTER;
  if (stopped == g->members->len)
    return VIPD_STATE_STOP;
  return VIPD_STATE_BACKUP;
}

/* Handles the queued changes in order, then reports a change of the group state. */
static void
drain (VipdVrrpSyncGroup *g)
{
  Change *c;
  VipdState now;
  VipdVrrpInstance *last = NULL;

  g->busy = TRUE;
  while ((c = g_queue_pop_head (&g->pending)) != NULL)
    {
      handle (g, c);
      last = c->member;
      g_free (c);
    }
  g->busy = FALSE;
  now = group_state (g);
  if (now != g->state && now != VIPD_STATE_INIT)
    {
      VipdState old = g->state;
      g_autofree char *why = last ? g_strdup_printf ("member %s is %s",
                                                     vipd_vrrp_instance_get_name (last),
                                                     vipd_state_name (vipd_vrrp_instance_get_state (last)))
                                  : g_strdup ("members re-read");

      g->state = now;
      vipd_log_instance (G_LOG_LEVEL_MESSAGE, g->conf->name, "sync group %s -> %s: %s",
                         vipd_state_name (old), vipd_state_name (now), why);
      if (g->state_changed)
        g->state_changed (g, old, now, why, g->state_data);
    }
}

void
vipd_vrrp_sync_group_member_changed (VipdVrrpSyncGroup *g, VipdVrrpInstance *m,
                                     const VipdActions *a)
{
  Change *c = g_new0 (Change, 1);

  c->member = m;
  c->old_state = a->old_state;
  c->new_state = a->new_state;
  c->state_changed = a->state_changed;
  g_queue_push_tail (&g->pending, c);
  /* Events sent to members report back here; they wait in the queue, in order. */
  if (!g->busy)
    drain (g);
}

void
vipd_vrrp_sync_group_refresh (VipdVrrpSyncGroup *g)
{
  if (g->busy)
    return;
  g->busy = TRUE;
  sync_faults (g);
  drain (g);
}

gboolean
vipd_vrrp_sync_group_has_member (const VipdVrrpSyncGroup *g, const VipdVrrpInstance *inst)
{
  for (guint i = 0; i < g->members->len; i++)
    if (member (g, i) == inst)
      return TRUE;
  return FALSE;
}

const VipdSyncGroup *
vipd_vrrp_sync_group_get_config (const VipdVrrpSyncGroup *g)
{
  return g->conf;
}

VipdState
vipd_vrrp_sync_group_get_state (const VipdVrrpSyncGroup *g)
{
  return g->state;
}

const char *
vipd_vrrp_sync_group_get_name (const VipdVrrpSyncGroup *g)
{
  return g->conf->name;
}
