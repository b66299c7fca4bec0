/* priority.h — effective VRRP priority, computed the way keepalived does.
 *
 * Rules, in order:
 *  1. A tracker with weight 0 that is down puts the instance in FAULT. The priority is still
 *     computed (for display) but the fault flag wins over everything, admin priority included.
 *  2. A positive weight is added while its tracker is up; a negative weight is added (so it
 *     subtracts) while its tracker is down. Trackers in any other situation change nothing.
 *  3. The sum base + adjustments is clamped to 1..254. The address owner (base 255) keeps 255
 *     only while no adjustment is active: an owner that tracks something and is penalised, or
 *     even boosted, is no longer the owner and gets 1..254 like everyone else.
 *  4. An admin priority (1..254; 0 = none) set by Demote (1), TakeOver (254) or SetPriority
 *     replaces the computed value while it is set.
 * Pure: no I/O, no allocation. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIPD_PRIORITY_OWNER 255
#define VIPD_PRIORITY_MAX_BACKUP 254
#define VIPD_PRIORITY_MIN 1
#define VIPD_PRIORITY_DEMOTE 1
#define VIPD_PRIORITY_TAKEOVER 254

typedef struct
{
  const char *name; /* for reasons; may be NULL */
  gint weight;      /* -254..254; 0 = fault while down */
  gboolean up;
} VipdTracker;

typedef struct
{
  guint8 priority;     /* 1..255 */
  gboolean fault;      /* a weight-0 tracker is down */
  gint fault_tracker;  /* index of the first weight-0 tracker that is down, or -1 */
  gint cause_tracker;  /* index of the tracker with the largest active adjustment, or -1 */
  gint adjustment;     /* sum of the active weights (before clamping) */
  gboolean admin;      /* the admin priority replaced the computed one */
} VipdPriorityResult;

/* Computes the effective priority of one instance from base, trackers and admin (0 = none). */
void vipd_priority_compute (guint8 base, const VipdTracker *trackers, guint n_trackers,
                            guint8 admin, VipdPriorityResult *out);

/* The admin override alone: admin when it is 1..254, otherwise computed. */
guint8 vipd_priority_apply_admin (guint8 computed, guint8 admin);

/* One sentence for logs and transition reasons, e.g. "tracker chk_down down (weight -10): 90". */
char *vipd_priority_describe (guint8 base, const VipdTracker *trackers, guint n_trackers,
                              const VipdPriorityResult *res);

G_END_DECLS
