/* fsm.h — the VRRP state machine of one instance: RFC 5798 with the changes of RFC 9568
 * (v3) and RFC 3768 timers (v2).
 *
 * Pure: time is an argument (monotonic µs), there is no clock, no I/O and no main loop. A shell
 * feeds events with vipd_fsm_step(), executes the actions it gets back, and arms one timer at
 * vipd_fsm_next_deadline(); when it fires it steps a VIPD_EV_TIMER event.
 *
 * Choices where the RFCs and keepalived differ:
 *  - preempt_delay follows keepalived: a backup that first hears a lower-priority master starts
 *    a delay and keeps deferring to that master until the delay has passed (RFC 9568 limits the
 *    delay to a startup period instead). The owner (priority 255) always preempts, at once.
 *  - A master that hears a lower-priority advert (or an equal one from a lower address) answers
 *    at once with its own advert, so a router leaving a partition yields within a link delay.
 *  - Fault cleared and maintenance off go to backup, except the owner, which goes to master as
 *    it does at startup (RFC 5798 §6.4.1).
 *  - Admin priorities live here, on top of the tracker-derived priority the shell passes in
 *    VIPD_EV_PRIORITY (use vipd_priority_compute() with admin 0 for it).
 *  - Sync groups (keepalived's vrrp_sync_group) are run by the shell with three pieces here:
 *    a member whose `sync_gated` flag is set never becomes master on its own: when its down
 *    timer expires (or it would preempt) it stays backup and reports `want_master`; the shell
 *    sends VIPD_EV_SYNC_MASTER to every member once all of them want it (or are master), and
 *    VIPD_EV_SYNC_BACKUP to the masters when one member falls back to backup. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

#define VIPD_FSM_REASON_LEN 192
#define VIPD_FSM_NO_DEADLINE G_MAXUINT64

typedef enum
{
  VIPD_STATE_INIT,
  VIPD_STATE_BACKUP,
  VIPD_STATE_MASTER,
  VIPD_STATE_FAULT,
  VIPD_STATE_MAINTENANCE,
  VIPD_STATE_STOP,
} VipdState;

typedef struct
{
  guint8 version;         /* 2 or 3 */
  int family;             /* AF_INET or AF_INET6 */
  guint8 vrid;            /* 1..255 */
  guint8 priority;        /* base priority 1..255 */
  guint16 adver_int_cs;   /* Advertisement_Interval, centiseconds (v2: multiple of 100) */
  gboolean preempt;       /* FALSE = keepalived's nopreempt */
  guint32 preempt_delay_cs;
  gboolean accept_mode;   /* carried for the shell, which owns packet acceptance */
  VipdAddr primary;       /* our primary address: tie break between equal priorities */
} VipdFsmConfig;

typedef enum
{
  VIPD_EV_STARTUP,
  VIPD_EV_SHUTDOWN,
  VIPD_EV_ADVERT,          /* src, priority, adver_int_cs; already validated by the codec */
  VIPD_EV_TIMER,           /* now >= vipd_fsm_next_deadline() */
  VIPD_EV_PRIORITY,        /* priority = new tracker-derived priority, reason = why */
  VIPD_EV_FAULT_ON,        /* reason = why */
  VIPD_EV_FAULT_OFF,       /* reason = why */
  VIPD_EV_ADMIN_DEMOTE,
  VIPD_EV_ADMIN_TAKEOVER,
  VIPD_EV_ADMIN_SET_PRIORITY, /* priority = 1..254 */
  VIPD_EV_ADMIN_RESET_PRIORITY,
  VIPD_EV_MAINTENANCE_ON,
  VIPD_EV_MAINTENANCE_OFF,
  VIPD_EV_SYNC_MASTER,     /* sync group: a backup becomes master now; reason = why */
  VIPD_EV_SYNC_BACKUP,     /* sync group: a master resigns (priority 0) to backup; reason = why */
} VipdEventType;

typedef struct
{
  VipdEventType type;
  VipdAddr src;
  guint8 priority;
  guint16 adver_int_cs;
  const char *reason; /* may be NULL; for admin events it replaces the default reason
                       * ("admin: Demote"), so the shell can name the caller */
} VipdEvent;

/* What the shell must do after a step, in this order: remove VIPs, add VIPs, send the advert,
 * send GARP/NA, then report state and master changes. */
typedef struct
{
  gboolean send_advert;
  guint8 advert_priority;   /* 0 for the "master left" advert */
  gboolean add_vips;
  gboolean remove_vips;
  gboolean send_garp;       /* gratuitous ARP (IPv4) or unsolicited NA (IPv6) */
  gboolean state_changed;
  VipdState old_state;
  VipdState new_state;
  gboolean master_changed;
  VipdAddr master_addr;     /* unset when unknown */
  guint8 master_priority;   /* 0 when unknown */
  gboolean want_master;     /* sync_gated and ready to become master: ask the group */
  char reason[VIPD_FSM_REASON_LEN]; /* why; empty when nothing noteworthy happened */
} VipdActions;

typedef struct
{
  VipdFsmConfig cfg;
  VipdState state;
  guint8 tracked_priority;   /* from VIPD_EV_PRIORITY; starts at cfg.priority */
  guint8 admin_priority;     /* 0 = none */
  gboolean fault;
  gboolean maintenance;
  gboolean vips_held;        /* the shell holds the VIPs because we told it to */
  gboolean handing_over;     /* demoted or in maintenance, VIPs kept until a new master speaks */
  guint16 master_adver_int_cs;
  VipdAddr master_addr;
  guint8 master_priority;
  guint64 adver_at;          /* master: next advert */
  guint64 down_at;           /* backup: master down; maintenance: end of hand-over */
  guint64 preempt_at;        /* 0 = no lower-priority master seen yet */
  gboolean sync_gated;       /* set by the shell for members of a sync group */
  gboolean want_master;      /* gated backup whose down timer expired; cleared by a master's advert */
} VipdFsm;

/* Puts fsm in state init with cfg copied; nothing happens until VIPD_EV_STARTUP. */
void vipd_fsm_init (VipdFsm *fsm, const VipdFsmConfig *cfg);
/* Feeds one event at time now_us; fills *out (always cleared first). Returns TRUE if out has actions. */
gboolean vipd_fsm_step (VipdFsm *fsm, const VipdEvent *ev, guint64 now_us, VipdActions *out);
/* Earliest time the shell must step VIPD_EV_TIMER, or VIPD_FSM_NO_DEADLINE. */
guint64 vipd_fsm_next_deadline (const VipdFsm *fsm);
/* How much earlier than vipd_fsm_next_deadline() the shell may step VIPD_EV_TIMER and still get
 * the deadline's action. Non-zero only for a master's periodic advert: sending it up to
 * Advertisement_Interval / VIPD_FSM_ADVERT_SLACK_DIV (at most VIPD_FSM_ADVERT_SLACK_MAX_US)
 * early only makes the backups' timers safer, and lets a shell with many instances send the
 * adverts due within that window in one wake-up. Master_Down never fires early. */
#define VIPD_FSM_ADVERT_SLACK_DIV 64
#define VIPD_FSM_ADVERT_SLACK_MAX_US G_GUINT64_CONSTANT (10000)
guint64 vipd_fsm_next_deadline_slack (const VipdFsm *fsm);
/* TRUE when out holds nothing but a master's periodic advert: no state, master, priority or
 * VIP change, nothing to tell observers. */
gboolean vipd_actions_routine (const VipdActions *out);
/* The priority in force: admin priority when set, otherwise the tracker-derived one. */
guint8 vipd_fsm_priority (const VipdFsm *fsm);
/* "init", "backup", "master", "fault", "maintenance", "stop". */
const char *vipd_state_name (VipdState state);

/* Timer formulas (µs). Master_Adver_Interval is in centiseconds; v2 ignores it for Skew. */
guint64 vipd_fsm_skew_time_us (guint8 version, guint8 priority, guint16 master_adver_int_cs);
guint64 vipd_fsm_master_down_us (guint8 version, guint8 priority, guint16 master_adver_int_cs);

G_END_DECLS
