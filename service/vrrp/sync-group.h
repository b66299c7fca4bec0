/* sync-group.h — keepalived's vrrp_sync_group: member instances move together.
 *
 * How, with the state machines kept pure (see fsm.h):
 *  - Fault: a member with a fault of its own (interface, weight-0 tracker) puts every other
 *    member in fault too, with VIPD_EV_FAULT_ON and the reason "sync group VG: VI_2 is in
 *    fault (...)"; they leave it when no member has a fault of its own any more.
 *  - Backup: a master member that falls back to backup (a higher-priority advert, say) sends
 *    VIPD_EV_SYNC_BACKUP to the members still master; they resign with a priority-0 advert, so
 *    the peer's members take over after Skew_Time rather than Master_Down_Interval.
 *  - Master: members are gated: a member's down timer (or preemption) only reports that it
 *    wants to be master. When every member is master or wants to be, the group sends
 *    VIPD_EV_SYNC_MASTER to all of them at once. A member that became master by other means
 *    (owner, TakeOver) pulls the others with VIPD_EV_SYNC_MASTER too.
 * The group's own trackers are added to every member's (the daemon does that) and its notify
 * scripts run on changes of the group state: fault if any member is in fault, master when all
 * are master, stop when all are stopped, backup otherwise. */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "vrrp-instance.h"

G_BEGIN_DECLS

typedef struct _VipdVrrpSyncGroup VipdVrrpSyncGroup;

typedef void (*VipdSyncGroupStateFunc) (VipdVrrpSyncGroup *group, VipdState old_state,
                                        VipdState new_state, const char *reason,
                                        gpointer user_data);

/* conf and the members (VipdVrrpInstance*, in conf's order) are borrowed. Gates the members. */
VipdVrrpSyncGroup *vipd_vrrp_sync_group_new (const VipdSyncGroup *conf, GPtrArray *members,
                                             VipdSyncGroupStateFunc state_changed,
                                             gpointer user_data);
/* Ungates the members; NULL is allowed. */
void vipd_vrrp_sync_group_free (VipdVrrpSyncGroup *group);

/* A member's state machine reported actions (state change, want_master). */
void vipd_vrrp_sync_group_member_changed (VipdVrrpSyncGroup *group, VipdVrrpInstance *member,
                                          const VipdActions *actions);
/* Re-applies the group's fault to every member (after a reload rebuilt the group). */
void vipd_vrrp_sync_group_refresh (VipdVrrpSyncGroup *group);
gboolean vipd_vrrp_sync_group_has_member (const VipdVrrpSyncGroup *group,
                                          const VipdVrrpInstance *inst);
const VipdSyncGroup *vipd_vrrp_sync_group_get_config (const VipdVrrpSyncGroup *group);
VipdState vipd_vrrp_sync_group_get_state (const VipdVrrpSyncGroup *group);
const char *vipd_vrrp_sync_group_get_name (const VipdVrrpSyncGroup *group);

G_END_DECLS
