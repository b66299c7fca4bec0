/* priority.c — see priority.h for the rules. */
#include "fsm/priority.h"

static gboolean
tracker_active (const VipdTracker *t)
{
  return (t->weight > 0 && t->up) || (t->weight < 0 && !t->up);
}

guint8
vipd_priority_apply_admin (guint8 computed, guint8 admin)
{
  if (admin >= VIPD_PRIORITY_MIN && admin <= VIPD_PRIORITY_MAX_BACKUP)
    return admin;
  return computed;
}

void
vipd_priority_compute (guint8 base, const VipdTracker *trackers, guint n_trackers, guint8 admin,
                       VipdPriorityResult *out)
{
  gint sum = 0;
  gint biggest = 0;
  gboolean any_active = FALSE;
  gint prio;

  g_return_if_fail (out != NULL);
  g_return_if_fail (trackers != NULL || n_trackers == 0);

  out->fault = FALSE;
  out->fault_tracker = -1;
  out->cause_tracker = -1;
  out->admin = FALSE;

  for (guint i = 0; i < n_trackers; i++)
    {
      const VipdTracker *t = &trackers[i];

      if (t->weight == 0)
        {
          if (!t->up && !out->fault)
            {
              out->fault = TRUE;
              out->fault_tracker = (gint) i;
            }
          continue;
        }
      if (!tracker_active (t))
        continue;
      any_active = TRUE;
      sum += t->weight;
      if (ABS (t->weight) > biggest)
        {
          biggest = ABS (t->weight);
          out->cause_tracker = (gint) i;
        }
    }
  out->adjustment = sum;

  if (base == VIPD_PRIORITY_OWNER && !any_active)
    prio = VIPD_PRIORITY_OWNER;
  else
    prio = CLAMP ((gint) base + sum, VIPD_PRIORITY_MIN, VIPD_PRIORITY_MAX_BACKUP);

  out->priority = vipd_priority_apply_admin ((guint8) prio, admin);
  out->admin = admin >= VIPD_PRIORITY_MIN && admin <= VIPD_PRIORITY_MAX_BACKUP;
}

static const char *
tracker_name (const VipdTracker *t)
{
  return t->name != NULL ? t->name : "(unnamed)";
}

char *
vipd_priority_describe (guint8 base, const VipdTracker *trackers, guint n_trackers,
                        const VipdPriorityResult *res)
{
  g_return_val_if_fail (res != NULL, NULL);

  if (res->fault)
    return g_strdup_printf ("tracker %s down (weight 0): fault",
                            tracker_name (&trackers[res->fault_tracker]));
  if (res->admin)
    return g_strdup_printf ("admin priority %u", res->priority);
  if (res->cause_tracker >= 0)
    {
      const VipdTracker *t = &trackers[res->cause_tracker];
      return g_strdup_printf ("tracker %s %s (weight %+d): priority %u -> %u", tracker_name (t),
                              t->up ? "up" : "down", t->weight, base, res->priority);
    }
  return g_strdup_printf ("base priority %u", res->priority);
}
