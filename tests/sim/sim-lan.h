/* sim-lan.h — a simulated LAN of VRRP routers for tests: a virtual clock in µs, an event queue
 * ordered by time, per-link delay, seeded loss and partitions. Adverts travel encoded through
 * the packet codec, so a router only ever sees what survived vipd_packet_check().
 *
 * A "router" here is one VRRP instance (one VipdFsm) running on a host; several instances on
 * one host (different VRIDs) share that host's links and partition group. */
#pragma once

#include <glib.h>

#include "fsm/fsm.h"

G_BEGIN_DECLS

typedef struct SimLan SimLan;

/* Called after every event the simulation processes, to check invariants at each instant. */
typedef void (*SimLanObserver) (SimLan *lan, guint64 now, gpointer user_data);

typedef struct
{
  VipdFsm fsm;
  guint host;
  gboolean alive;      /* FALSE after a crash: it neither sends nor hears */
  gboolean holds_vips; /* from the add/remove actions it got */
  VipdAddr vip;
  const char *auth_pass; /* v2 PASS, NULL for none */
  guint64 timer_at;
  guint n_tx, n_rx, n_rx_dropped, n_lost;
} SimRouter;

/* A LAN with a default one-way delay and a loss rate in [0, 1], deterministic for a seed. */
SimLan *sim_lan_new (guint64 delay_us, double loss, guint32 seed);
/* Frees the LAN, its routers and every event still queued. */
void sim_lan_free (SimLan *lan);
/* Adds an instance on host (hosts are numbered from 0, 192.0.2.(host+1)); returns its index. */
guint sim_lan_add (SimLan *lan, guint host, guint8 version, guint8 vrid, guint8 priority,
                   guint16 adver_int_cs, gboolean preempt);
/* The instance at idx; valid until the next sim_lan_add(). */
SimRouter *sim_lan_router (SimLan *lan, guint idx);
guint sim_lan_n_routers (SimLan *lan);
/* Replaces the observer; NULL removes it. */
void sim_lan_set_observer (SimLan *lan, SimLanObserver fn, gpointer user_data);
/* One-way delay between two hosts, both directions; 0 restores the LAN default. */
void sim_lan_set_link_delay (SimLan *lan, guint host_a, guint host_b, guint64 delay_us);
/* Puts host in a partition group; hosts in different groups cannot hear each other. */
void sim_lan_set_group (SimLan *lan, guint host, guint group);
/* Heals every partition. */
void sim_lan_heal (SimLan *lan);

/* Schedules an event for one instance at time at (STARTUP, SHUTDOWN, admin, maintenance...). */
void sim_lan_schedule (SimLan *lan, guint idx, guint64 at, VipdEventType type, guint8 priority);
/* Kills an instance at time at without a word (power cut): no priority-0 advert. */
void sim_lan_schedule_crash (SimLan *lan, guint idx, guint64 at);
/* Kills every instance of host at time at. */
void sim_lan_schedule_crash_host (SimLan *lan, guint host, guint64 at);
/* Processes every event with time <= until; the clock then reads until. */
void sim_lan_run_until (SimLan *lan, guint64 until);
/* The virtual clock, µs. */
guint64 sim_lan_now (SimLan *lan);

/* Live instances of vrid in state master. */
guint sim_lan_count_masters (SimLan *lan, guint8 vrid);
/* The index of the only live master of vrid, or -1 when there are none or several. */
gint sim_lan_sole_master (SimLan *lan, guint8 vrid);
/* Live instances of vrid that hold the VIPs. */
guint sim_lan_count_holders (SimLan *lan, guint8 vrid);
/* Packets a receiver's codec rejected, over the whole LAN (should stay 0). */
guint sim_lan_rx_rejected (SimLan *lan);

G_END_DECLS
