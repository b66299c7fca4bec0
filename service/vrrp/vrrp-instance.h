/* vrrp-instance.h — one running VRRP instance: the pure state machine of service/core/fsm
 * wired to a VRRP socket, the host's VIPs, a timer and the link state of its interface. */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "fsm/fsm.h"
#include "fsm/priority.h"
#include "link-monitor.h"
#include "vip-netlink.h"
#include "vrrp-socket.h"
#include "wire/packet.h"

G_BEGIN_DECLS

typedef struct _VipdVrrpInstance VipdVrrpInstance;

/* Counters a user can read (D-Bus Counters, vipctl status). */
typedef struct
{
  guint64 adverts_rx;                    /* valid adverts handed to the state machine */
  guint64 adverts_tx;
  guint64 send_errors;
  guint64 became_master;
  guint64 router_adverts_tx;             /* router_advert: IPv6 Router Advertisements sent */
  guint64 router_solicits_rx;            /* valid Router Solicitations heard while master */
  guint64 rx_dropped[VIPD_RX_N_REASONS]; /* per VipdRxResult */
} VipdInstanceCounters;

/* Called after every step of the state machine (anything may have changed: state, priority,
 * master), with the actions it returned. */
typedef void (*VipdInstanceChangedFunc) (VipdVrrpInstance *inst, const VipdActions *actions,
                                         gpointer user_data);

/* A stopped instance for conf (borrowed: it must outlive the instance or be replaced with
 * vipd_vrrp_instance_reconfigure). nl and mon are borrowed. */
VipdVrrpInstance *vipd_vrrp_instance_new (const VipdInstance *conf, const VipdGlobalDefs *global,
                                          VipdVipNetlink *nl, VipdLinkMonitor *mon);
/* Releases VIPs that are still held and frees; NULL is allowed. */
void vipd_vrrp_instance_free (VipdVrrpInstance *inst);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdVrrpInstance, vipd_vrrp_instance_free)

void vipd_vrrp_instance_set_changed_func (VipdVrrpInstance *inst, VipdInstanceChangedFunc func,
                                          gpointer user_data);
/* Called with open TRUE just before the instance takes its VIPs (before its first advert and
 * announcements as master) and with FALSE just after it released them. */
typedef void (*VipdInstanceGateFunc) (VipdVrrpInstance *inst, gboolean open, gpointer user_data);
void vipd_vrrp_instance_set_gate_func (VipdVrrpInstance *inst, VipdInstanceGateFunc func,
                                       gpointer user_data);
/* The socket adverts go out on (borrowed; NULL when it could not be opened, with the reason). */
void vipd_vrrp_instance_set_socket (VipdVrrpInstance *inst, VipdVrrpSocket *sock,
                                    const char *error_message);
/* use_vmac: the socket adverts go out on (owned; NULL to send on the receive socket), or the
 * reason the macvlan or its socket could not be made (the instance stays in fault until it is
 * called again without one). On a running instance that holds its VIPs, a new macvlan gets
 * them back. */
void vipd_vrrp_instance_set_tx_socket (VipdVrrpInstance *inst, VipdVrrpSocket *sock,
                                       const char *error_message);

/* Removes leftovers of a killed run, reads the link state and starts the state machine. */
void vipd_vrrp_instance_start (VipdVrrpInstance *inst);
/* A packet for this instance's VRID arrived on its socket. */
void vipd_vrrp_instance_receive (VipdVrrpInstance *inst, const guint8 *payload, gsize len,
                                 const VipdPacketMeta *meta);
/* The link monitor saw a change of any interface / any address. */
void vipd_vrrp_instance_link_changed (VipdVrrpInstance *inst, const VipdLinkInfo *link);
void vipd_vrrp_instance_address_changed (VipdVrrpInstance *inst, const VipdAddrEvent *ev);
/* FALSE when no instance can act on ev (an address added while every instance has its source
 * address): the daemon then skips the walk over every instance. */
gboolean vipd_vrrp_instances_care_about (const VipdAddrEvent *ev);
/* Planned stop, step 1: a master sends priority 0 and keeps its VIPs until the new master
 * speaks. Returns TRUE when it is still holding VIPs (the caller waits, then calls stop). */
gboolean vipd_vrrp_instance_begin_handover (VipdVrrpInstance *inst);
/* Step 2 (or an immediate stop): releases everything, state stop. */
void vipd_vrrp_instance_stop (VipdVrrpInstance *inst);
/* Applies a changed configuration of the same name, interface, VRID and family in place:
 * state, counters and held VIPs survive; a changed VIP list is applied without a flap. A new
 * base priority takes effect with the next vipd_vrrp_instance_set_tracking, which must
 * follow. */
void vipd_vrrp_instance_reconfigure (VipdVrrpInstance *inst, const VipdInstance *conf,
                                     const VipdGlobalDefs *global);
/* Whether a new configuration of the instance can be applied in place. */
gboolean vipd_vrrp_instance_compatible (const VipdVrrpInstance *inst, const VipdInstance *conf);

/* An admin command: type is one of VIPD_EV_ADMIN_* or VIPD_EV_MAINTENANCE_ON/OFF, priority is
 * for VIPD_EV_ADMIN_SET_PRIORITY, reason names the caller ("admin: TakeOver by uid 1000").
 * Before start it only records the command, so restored admin state applies from the first
 * election on. */
void vipd_vrrp_instance_admin (VipdVrrpInstance *inst, VipdEventType type, guint8 priority,
                               const char *reason);
/* Sends a burst of GARP/NA for the VIPs; FALSE when they are not held here. */
gboolean vipd_vrrp_instance_send_garp (VipdVrrpInstance *inst);
/* The trackers of this instance (its own and its sync group's) as they are now; key and what
 * name the one that just changed, for the log and the transition reason (NULL at start). The
 * priority is computed with vipd_priority_compute; a weight-0 tracker down means fault. */
void vipd_vrrp_instance_set_tracking (VipdVrrpInstance *inst, const VipdTracker *trackers,
                                      guint n, const char *key, const char *what);
/* Sync groups: the fault another member is in, held on this one too. */
void vipd_vrrp_instance_set_sync_fault (VipdVrrpInstance *inst, gboolean on, const char *reason);
/* NetworkManager's view of the interface: view is "absent", "unmanaged" or its state word;
 * fault is the reason when NetworkManager manages the interface but has not activated it
 * (the instance goes to fault), NULL otherwise. Returns TRUE when view changed. */
gboolean vipd_vrrp_instance_set_nm_device (VipdVrrpInstance *inst, const char *view,
                                           const char *fault);
const char *vipd_vrrp_instance_get_nm_device (const VipdVrrpInstance *inst);
/* A fault of its own (interface, tracker, socket), not one held for the group. */
gboolean vipd_vrrp_instance_has_own_fault (const VipdVrrpInstance *inst);
char *vipd_vrrp_instance_fault_reason (const VipdVrrpInstance *inst);
/* Sync groups: gate the state machine (see fsm.h) and feed it VIPD_EV_SYNC_*. */
void vipd_vrrp_instance_set_sync_gated (VipdVrrpInstance *inst, gboolean gated);
void vipd_vrrp_instance_sync_event (VipdVrrpInstance *inst, VipdEventType type,
                                    const char *reason);

const char *vipd_vrrp_instance_get_name (const VipdVrrpInstance *inst);
const VipdInstance *vipd_vrrp_instance_get_config (const VipdVrrpInstance *inst);
VipdState vipd_vrrp_instance_get_state (const VipdVrrpInstance *inst);
const VipdFsm *vipd_vrrp_instance_get_fsm (const VipdVrrpInstance *inst);
gboolean vipd_vrrp_instance_holds_vips (const VipdVrrpInstance *inst);
const VipdInstanceCounters *vipd_vrrp_instance_get_counters (const VipdVrrpInstance *inst);
/* Wall-clock time (µs) and reason of the last state change; 0 and "" before the first. */
guint64 vipd_vrrp_instance_get_last_transition (const VipdVrrpInstance *inst, const char **reason);
/* Who owns the VIPs: our source address when master, the master's when backup, unset when
 * unknown (including while a demoted master is still handing over). */
VipdAddr vipd_vrrp_instance_get_owner (const VipdVrrpInstance *inst);
/* The VIPs as "address/prefix" strings (free with g_strfreev). */
char **vipd_vrrp_instance_dup_vips (const VipdVrrpInstance *inst);
/* The longest a planned hand-over may take: a backup's Skew_Time plus one interval. */
guint64 vipd_vrrp_instance_handover_us (const VipdVrrpInstance *inst);

G_END_DECLS
