/* vrrp-instance-track.c — what moves an instance from outside its own interface: trackers
 * (priority weights and weight-0 faults), sync group faults and gating, NetworkManager's view
 * of the interface. */
#include "vrrp-instance-private.h"

#include "fsm/priority.h"
#include "log.h"

static const VipdTracker *
find_tracker (const VipdTracker *t, guint n, const char *key)
{
  for (guint i = 0; key && i < n; i++)
    if (g_strcmp0 (t[i].name, key) == 0)
      return &t[i];
  return NULL;
}

void
vipd_vrrp_instance_set_tracking (VipdVrrpInstance *inst, const VipdTracker *trackers, guint n,
                                 const char *key, const char *what)
{
  VipdPriorityResult res;
  const VipdTracker *cause = find_tracker (trackers, n, key);
  guint faults = inst->faults & ~FAULT_TRACK;

  vipd_priority_compute (inst->fsm.cfg.priority, trackers, n, 0, &res);
  if (res.priority != inst->fsm.tracked_priority)
    {
      g_autofree char *reason = NULL;
      guint8 before = inst->fsm.tracked_priority;
      VipdEvent ev = { .type = VIPD_EV_PRIORITY, .priority = res.priority };

      /* A file's effect is already in what ("value 3 (weight -10)"). */
      if (cause != NULL && g_str_has_prefix (key, "file "))
        reason = g_strdup_printf ("track %s %s", key, what);
      else if (cause != NULL)
        reason = g_strdup_printf ("track %s %s (weight %+d)", key, what, cause->weight);
      else if (inst->reload_note)
        reason = g_steal_pointer (&inst->reload_note);
      else
        reason = g_strdup (inst->started ? "trackers on reload" : "trackers at start");
      g_free (inst->prio_note);
      inst->prio_note = g_strdup_printf ("%s: priority %u -> %u", reason, before, res.priority);
      vipd_log_instance (G_LOG_LEVEL_MESSAGE, inst->name, "%s, in %s", inst->prio_note,
                         vipd_state_name (inst->fsm.state));
      ev.reason = reason;
      if (inst->started)
        vipd_vrrp_instance_step (inst, &ev);
      else
        inst->fsm.tracked_priority = res.priority;
    }
  g_clear_pointer (&inst->reload_note, g_free);
  if (res.fault)
    {
      const VipdTracker *f = &trackers[res.fault_tracker];

      g_free (inst->track_reason);
      if (g_strcmp0 (f->name, key) == 0 && g_str_has_prefix (key, "file "))
        inst->track_reason = g_strdup_printf ("track %s %s", f->name, what);
      else if (g_strcmp0 (f->name, key) == 0)
        inst->track_reason = g_strdup_printf ("track %s %s (weight 0)", f->name, what);
      else
        inst->track_reason = g_strdup_printf ("track %s down (weight 0)", f->name);
      faults |= FAULT_TRACK;
    }
  else if (inst->faults & FAULT_TRACK)
    {
      g_free (inst->track_reason);
      inst->track_reason = key ? g_strdup_printf ("track %s %s", key, what) : NULL;
    }
  vipd_vrrp_instance_set_faults (inst, faults);
}

void
vipd_vrrp_instance_set_sync_fault (VipdVrrpInstance *inst, gboolean on, const char *reason)
{
  if (on == ((inst->faults & FAULT_SYNC) != 0))
    return;
  g_free (inst->sync_reason);
  inst->sync_reason = g_strdup (reason);
  if (!on && (inst->faults & ~FAULT_SYNC) == 0)
    {
      /* The fault-cleared line says why: the group's fault ended. */
      g_free (inst->track_reason);
      inst->track_reason = g_strdup (reason);
    }
  vipd_vrrp_instance_set_faults (inst, on ? inst->faults | FAULT_SYNC : inst->faults & ~FAULT_SYNC);
}

gboolean
vipd_vrrp_instance_set_nm_device (VipdVrrpInstance *inst, const char *view, const char *fault)
{
  gboolean changed = g_strcmp0 (view, inst->nm_device) != 0;

  if (changed)
    {
      g_free (inst->nm_device);
      inst->nm_device = g_strdup (view);
    }
  if (fault)
    {
      g_free (inst->nm_reason);
      inst->nm_reason = g_strdup (fault);
    }
  if ((fault != NULL) == ((inst->faults & FAULT_NM) != 0))
    return changed;
  if (fault == NULL && (inst->faults & ~FAULT_NM) == 0)
    {
      /* The fault-cleared line says why: NetworkManager's new state. */
      g_free (inst->track_reason);
      inst->track_reason = g_strdup_printf ("NetworkManager: %s is %s", inst->conf->interface,
                                            view);
    }
  vipd_vrrp_instance_set_faults (inst, fault ? inst->faults | FAULT_NM : inst->faults & ~FAULT_NM);
  return changed;
}

const char *
vipd_vrrp_instance_get_nm_device (const VipdVrrpInstance *inst)
{
  return inst->nm_device;
}

gboolean
vipd_vrrp_instance_has_own_fault (const VipdVrrpInstance *inst)
{
  return (inst->faults & ~FAULT_SYNC) != 0;
}


void
vipd_vrrp_instance_set_sync_gated (VipdVrrpInstance *inst, gboolean gated)
{
  inst->fsm.sync_gated = gated;
  if (!gated)
    inst->fsm.want_master = FALSE;
}

void
vipd_vrrp_instance_sync_event (VipdVrrpInstance *inst, VipdEventType type, const char *reason)
{
  VipdEvent ev = { .type = type, .reason = reason };

  if (inst->started)
    vipd_vrrp_instance_step (inst, &ev);
}
