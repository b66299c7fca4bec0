/* vrrp-instance-private.h — what vrrp-instance.c shares with vrrp-instance-track.c and
 * vrrp-instance-link.c: the instance struct, its fault bits, and the ways of changing its
 * state. Not for other files. */
#pragma once

#include "vrrp-instance.h"

#include "deadline-queue.h"
#include "ra-sender.h"
#include "vip-holder.h"

G_BEGIN_DECLS

#define FAULT_LINK_DOWN (1u << 0)
#define FAULT_NO_CARRIER (1u << 1)
#define FAULT_NO_SOURCE (1u << 2)
#define FAULT_NO_SOCKET (1u << 3)
#define FAULT_NO_LINK (1u << 4)
#define FAULT_TRACK (1u << 5) /* a weight-0 tracker is down */
#define FAULT_SYNC (1u << 6)  /* another member of the sync group is in fault */
#define FAULT_NM (1u << 7)    /* NetworkManager manages the interface and has not activated it */
#define FAULT_NO_VMAC (1u << 8) /* use_vmac: the macvlan or its socket could not be made */
#define FAULT_NOT_LINK (FAULT_TRACK | FAULT_SYNC | FAULT_NM)

struct _VipdVrrpInstance
{
  char *name;
  const VipdInstance *conf;
  const VipdGlobalDefs *global;
  VipdFsm fsm;
  VipdVrrpSocket *sock;
  char *socket_error;
  VipdVrrpSocket *tx_sock; /* owned; use_vmac: adverts go out on the macvlan */
  char *vmac_error;
  VipdVipHolder *vips;
  VipdLinkMonitor *mon;
  GArray *vip_addrs; /* VipdAddr: the advertised list */
  VipdAddr src;
  guint faults;
  VipdDeadline *timer;
  VipdRaSender *ra; /* router_advert only */
  gboolean started;
  VipdInstanceCounters counters;
  guint64 drop_logged_at[VIPD_RX_N_REASONS];
  guint64 drop_unlogged[VIPD_RX_N_REASONS];
  VipdInstanceChangedFunc changed;
  gpointer changed_data;
  VipdInstanceGateFunc gate;
  gpointer gate_data;
  guint64 last_transition_us;
  char *last_reason;
  char *track_reason; /* why FAULT_TRACK is set */
  char *sync_reason;  /* why FAULT_SYNC is set */
  char *nm_device;    /* NetworkManager's view of the interface ("absent", "activated", ...) */
  char *nm_reason;    /* why FAULT_NM is set */
  char *prio_note;    /* the last tracker change that moved the priority */
  char *reload_note;  /* a reload changed the base priority: applied with the trackers */
};

/* Feeds one event to the state machine and carries out its actions. */
void vipd_vrrp_instance_step (VipdVrrpInstance *inst, const VipdEvent *ev);
/* Replaces the fault bits; entering or leaving fault goes through the state machine. */
void vipd_vrrp_instance_set_faults (VipdVrrpInstance *inst, guint faults);

/* vrrp-instance-link.c: the fault bits the link, the source address and the sockets give now
 * (keeping the bits that come from elsewhere), and setting the bits without a state change. */
guint vipd_vrrp_instance_link_faults (VipdVrrpInstance *inst);
void vipd_vrrp_instance_store_faults (VipdVrrpInstance *inst, guint faults);

G_END_DECLS
