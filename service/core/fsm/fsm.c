/* fsm.c — the VRRP state machine; see fsm.h for the contract and the chosen semantics. */
#include "fsm/fsm.h"

#include <stdarg.h>
#include <string.h>

#include "fsm/priority.h"

#define US_PER_CS G_GUINT64_CONSTANT (10000)

const char *
vipd_state_name (VipdState state)
{
  static const char *const names[] = {
    [VIPD_STATE_INIT] = "init",     [VIPD_STATE_BACKUP] = "backup",
    [VIPD_STATE_MASTER] = "master", [VIPD_STATE_FAULT] = "fault",
    [VIPD_STATE_MAINTENANCE] = "maintenance", [VIPD_STATE_STOP] = "stop",
  };

  if ((guint) state >= G_N_ELEMENTS (names))
    return "unknown";
  return names[state];
}

void
vipd_fsm_init (VipdFsm *fsm, const VipdFsmConfig *cfg)
{
  g_return_if_fail (fsm != NULL && cfg != NULL);
  g_return_if_fail (cfg->version == 2 || cfg->version == 3);
  g_return_if_fail (cfg->adver_int_cs > 0);

  memset (fsm, 0, sizeof *fsm);
  fsm->cfg = *cfg;
  fsm->state = VIPD_STATE_INIT;
  fsm->tracked_priority = cfg->priority;
  fsm->master_adver_int_cs = cfg->adver_int_cs;
  fsm->adver_at = VIPD_FSM_NO_DEADLINE;
  fsm->down_at = VIPD_FSM_NO_DEADLINE;
}

guint8
vipd_fsm_priority (const VipdFsm *fsm)
{
  return vipd_priority_apply_admin (fsm->tracked_priority, fsm->admin_priority);
}

guint64
vipd_fsm_next_deadline (const VipdFsm *fsm)
{
  return MIN (fsm->adver_at, fsm->down_at);
}

static guint64 interval_us (guint16 cs);

static guint64
advert_slack_us (const VipdFsm *fsm)
{
  if (fsm->state != VIPD_STATE_MASTER)
    return 0;
  return MIN (interval_us (fsm->cfg.adver_int_cs) / VIPD_FSM_ADVERT_SLACK_DIV,
              VIPD_FSM_ADVERT_SLACK_MAX_US);
}

guint64
vipd_fsm_next_deadline_slack (const VipdFsm *fsm)
{
  if (fsm->adver_at == VIPD_FSM_NO_DEADLINE || fsm->adver_at > fsm->down_at)
    return 0;
  return advert_slack_us (fsm);
}

gboolean
vipd_actions_routine (const VipdActions *out)
{
  return out->send_advert && !out->add_vips && !out->remove_vips && !out->send_garp
         && !out->state_changed && !out->master_changed && !out->want_master
         && out->reason[0] == '\0';
}

static void G_GNUC_PRINTF (2, 3)
say (VipdActions *out, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  g_vsnprintf (out->reason, sizeof out->reason, fmt, ap);
  va_end (ap);
}

static const char *
addr_str (const VipdAddr *a, char buf[VIPD_ADDR_STRLEN])
{
  return vipd_addr_format (a, buf, VIPD_ADDR_STRLEN);
}

static guint64
interval_us (guint16 cs)
{
  return (guint64) cs * US_PER_CS;
}

static guint64
master_down_us (const VipdFsm *fsm)
{
  return vipd_fsm_master_down_us (fsm->cfg.version, vipd_fsm_priority (fsm),
                                  fsm->master_adver_int_cs);
}

static void
set_state (VipdFsm *fsm, VipdState state, VipdActions *out)
{
  if (fsm->state == state)
    return;
  out->state_changed = TRUE;
  out->old_state = fsm->state;
  out->new_state = state;
  fsm->state = state;
}

static void
set_master (VipdFsm *fsm, const VipdAddr *addr, guint8 priority, VipdActions *out)
{
  VipdAddr none = { .family = AF_UNSPEC };

  if (addr == NULL)
    addr = &none;
  if (vipd_addr_equal (&fsm->master_addr, addr) && fsm->master_priority == priority)
    return;
  fsm->master_addr = *addr;
  fsm->master_priority = priority;
  out->master_changed = TRUE;
  out->master_addr = *addr;
  out->master_priority = priority;
}

static void
send_advert (VipdFsm *fsm, guint8 priority, guint64 now, VipdActions *out)
{
  out->send_advert = TRUE;
  out->advert_priority = priority;
  if (fsm->state == VIPD_STATE_MASTER)
    fsm->adver_at = now + interval_us (fsm->cfg.adver_int_cs);
}

static void
release_vips (VipdFsm *fsm, VipdActions *out)
{
  if (fsm->vips_held)
    out->remove_vips = TRUE;
  fsm->vips_held = FALSE;
  fsm->handing_over = FALSE;
}

static void
become_master (VipdFsm *fsm, guint64 now, VipdActions *out)
{
  set_state (fsm, VIPD_STATE_MASTER, out);
  fsm->want_master = FALSE;
  fsm->down_at = VIPD_FSM_NO_DEADLINE;
  fsm->preempt_at = 0;
  fsm->handing_over = FALSE;
  if (!fsm->vips_held)
    out->add_vips = TRUE;
  fsm->vips_held = TRUE;
  out->send_garp = TRUE;
  send_advert (fsm, vipd_fsm_priority (fsm), now, out);
  set_master (fsm, &fsm->cfg.primary, vipd_fsm_priority (fsm), out);
}

/* VIPs stay only while handing over (Demote), so clients never see a gap. */
static void
become_backup (VipdFsm *fsm, guint64 now, VipdActions *out)
{
  set_state (fsm, VIPD_STATE_BACKUP, out);
  fsm->want_master = FALSE;
  fsm->adver_at = VIPD_FSM_NO_DEADLINE;
  fsm->down_at = now + master_down_us (fsm);
  if (!fsm->handing_over)
    release_vips (fsm, out);
}

/* Master leaving: "master left" advert, so backups wait only Skew_Time. */
static void
resign (VipdFsm *fsm, guint64 now, VipdActions *out)
{
  if (fsm->state == VIPD_STATE_MASTER)
    send_advert (fsm, 0, now, out);
  fsm->adver_at = VIPD_FSM_NO_DEADLINE;
  fsm->down_at = VIPD_FSM_NO_DEADLINE;
}

static void
go_out_of_service (VipdFsm *fsm, VipdState state, guint64 now, VipdActions *out)
{
  resign (fsm, now, out);
  release_vips (fsm, out);
  set_state (fsm, state, out);
  set_master (fsm, NULL, 0, out);
}

/* Init, fault cleared, maintenance off: RFC 5798 §6.4.1 with our flags first. */
static void
enter_service (VipdFsm *fsm, guint64 now, VipdActions *out)
{
  fsm->master_adver_int_cs = fsm->cfg.adver_int_cs;
  fsm->preempt_at = 0;
  if (fsm->maintenance)
    go_out_of_service (fsm, VIPD_STATE_MAINTENANCE, now, out);
  else if (fsm->fault)
    go_out_of_service (fsm, VIPD_STATE_FAULT, now, out);
  else if (vipd_fsm_priority (fsm) == VIPD_PRIORITY_OWNER)
    become_master (fsm, now, out);
  else
    become_backup (fsm, now, out);
}

/* keepalived's preempt_delay: counted from the first lower-priority advert heard. */
static gboolean
may_preempt (VipdFsm *fsm, guint64 now)
{
  if (vipd_fsm_priority (fsm) == VIPD_PRIORITY_OWNER)
    return TRUE;
  if (!fsm->cfg.preempt)
    return FALSE;
  if (fsm->cfg.preempt_delay_cs == 0)
    return TRUE;
  if (fsm->preempt_at == 0)
    fsm->preempt_at = now + (guint64) fsm->cfg.preempt_delay_cs * US_PER_CS;
  return now >= fsm->preempt_at;
}

static void
learn_interval (VipdFsm *fsm, const VipdEvent *ev)
{
  if (fsm->cfg.version == 3 && ev->adver_int_cs > 0)
    fsm->master_adver_int_cs = ev->adver_int_cs;
}

static void
advert_in_backup (VipdFsm *fsm, const VipdEvent *ev, guint64 now, VipdActions *out)
{
  char a[VIPD_ADDR_STRLEN];
  guint8 mine = vipd_fsm_priority (fsm);

  if (ev->priority == 0)
    {
      fsm->down_at = now + vipd_fsm_skew_time_us (fsm->cfg.version, mine,
                                                  fsm->master_adver_int_cs);
      set_master (fsm, NULL, 0, out);
      say (out, "priority 0 advert from %s: master left", addr_str (&ev->src, a));
      return;
    }
  if (fsm->handing_over)
    {
      release_vips (fsm, out);
      say (out, "new master %s (priority %u) heard: releasing VIPs", addr_str (&ev->src, a),
           ev->priority);
    }
  set_master (fsm, &ev->src, ev->priority, out);
  if (ev->priority < mine && may_preempt (fsm, now))
    return; /* the down timer keeps running: we take over when it expires */
  if (ev->priority >= mine)
    fsm->preempt_at = 0;
  fsm->want_master = FALSE; /* a master we defer to is alive */
  learn_interval (fsm, ev);
  fsm->down_at = now + master_down_us (fsm);
}

static void
advert_in_master (VipdFsm *fsm, const VipdEvent *ev, guint64 now, VipdActions *out)
{
  char a[VIPD_ADDR_STRLEN];
  guint8 mine = vipd_fsm_priority (fsm);
  gboolean equal_higher_addr = ev->priority == mine
                               && vipd_addr_compare (&ev->src, &fsm->cfg.primary) > 0;

  if (ev->priority == 0)
    {
      send_advert (fsm, mine, now, out);
      say (out, "priority 0 advert from %s: answering at once", addr_str (&ev->src, a));
      return;
    }
  if (ev->priority > mine || equal_higher_addr)
    {
      learn_interval (fsm, ev);
      become_backup (fsm, now, out);
      set_master (fsm, &ev->src, ev->priority, out);
      if (equal_higher_addr)
        say (out, "equal priority advert from higher address %s (priority %u)",
             addr_str (&ev->src, a), ev->priority);
      else
        say (out, "higher priority advert from %s (priority %u)", addr_str (&ev->src, a),
             ev->priority);
      return;
    }
  send_advert (fsm, mine, now, out);
  say (out, "lower priority advert from %s (priority %u): answering at once",
       addr_str (&ev->src, a), ev->priority);
}

static void
on_advert (VipdFsm *fsm, const VipdEvent *ev, guint64 now, VipdActions *out)
{
  char a[VIPD_ADDR_STRLEN];

  switch (fsm->state)
    {
    case VIPD_STATE_BACKUP:
      advert_in_backup (fsm, ev, now, out);
      break;
    case VIPD_STATE_MASTER:
      advert_in_master (fsm, ev, now, out);
      break;
    case VIPD_STATE_MAINTENANCE:
      if (fsm->handing_over && ev->priority > 0)
        {
          release_vips (fsm, out);
          fsm->down_at = VIPD_FSM_NO_DEADLINE;
          say (out, "new master %s (priority %u) heard: releasing VIPs", addr_str (&ev->src, a),
               ev->priority);
        }
      break;
    default:
      break;
    }
}

static void
on_timer (VipdFsm *fsm, guint64 now, VipdActions *out)
{
  if (fsm->state == VIPD_STATE_MASTER && now + advert_slack_us (fsm) >= fsm->adver_at)
    send_advert (fsm, vipd_fsm_priority (fsm), now, out);
  else if (fsm->state == VIPD_STATE_BACKUP && now >= fsm->down_at && fsm->sync_gated)
    {
      /* Ask again after another Master_Down_Interval unless a master speaks first. */
      fsm->down_at = now + master_down_us (fsm);
      out->want_master = TRUE;
      if (!fsm->want_master)
        say (out, "master down timer expired: waiting for the sync group");
      fsm->want_master = TRUE;
    }
  else if (fsm->state == VIPD_STATE_BACKUP && now >= fsm->down_at)
    {
      become_master (fsm, now, out);
      say (out, "master down timer expired");
    }
  else if (fsm->state == VIPD_STATE_MAINTENANCE && now >= fsm->down_at)
    {
      fsm->down_at = VIPD_FSM_NO_DEADLINE;
      release_vips (fsm, out);
      say (out, "maintenance: no new master heard, releasing VIPs");
    }
}

/* A priority change: masters tell the LAN at once, backups may preempt. */
static void
reevaluate (VipdFsm *fsm, guint8 before, guint64 now, VipdActions *out, const char *why)
{
  guint8 mine = vipd_fsm_priority (fsm);

  if (mine == before)
    return;
  if (fsm->state == VIPD_STATE_MASTER)
    {
      send_advert (fsm, mine, now, out);
      say (out, "%s: priority %u -> %u", why, before, mine);
    }
  else if (fsm->state == VIPD_STATE_BACKUP && fsm->master_priority > 0
           && mine > fsm->master_priority
           && (mine == VIPD_PRIORITY_OWNER
               || (fsm->cfg.preempt && fsm->cfg.preempt_delay_cs == 0)))
    {
      guint8 theirs = fsm->master_priority;
      become_master (fsm, now, out);
      say (out, "preempt: our priority %u > master's %u (%s)", mine, theirs, why);
    }
  else
    say (out, "%s: priority %u -> %u", why, before, mine);
}

/* Demote and maintenance: "master left" advert, VIPs kept until the successor speaks. */
static void
hand_over (VipdFsm *fsm, VipdState to, guint64 now, VipdActions *out)
{
  gboolean was_master = fsm->state == VIPD_STATE_MASTER;

  resign (fsm, now, out);
  if (was_master)
    fsm->handing_over = TRUE;
  set_master (fsm, NULL, 0, out);
  if (to == VIPD_STATE_BACKUP)
    become_backup (fsm, now, out);
  else
    {
      set_state (fsm, to, out);
      if (fsm->handing_over)
        fsm->down_at = now + vipd_fsm_master_down_us (fsm->cfg.version, VIPD_PRIORITY_DEMOTE,
                                                      fsm->cfg.adver_int_cs);
      else
        release_vips (fsm, out);
    }
}

static gboolean
in_election (const VipdFsm *fsm)
{
  return fsm->state == VIPD_STATE_BACKUP || fsm->state == VIPD_STATE_MASTER;
}

static void
on_admin (VipdFsm *fsm, const VipdEvent *ev, guint64 now, VipdActions *out)
{
  guint8 before = vipd_fsm_priority (fsm);

  switch (ev->type)
    {
    case VIPD_EV_ADMIN_DEMOTE:
      fsm->admin_priority = VIPD_PRIORITY_DEMOTE;
      if (fsm->state == VIPD_STATE_MASTER)
        hand_over (fsm, VIPD_STATE_BACKUP, now, out);
      say (out, "%s", ev->reason != NULL ? ev->reason : "admin: Demote");
      break;
    case VIPD_EV_ADMIN_TAKEOVER:
      fsm->admin_priority = VIPD_PRIORITY_TAKEOVER;
      if (in_election (fsm))
        become_master (fsm, now, out);
      say (out, "%s", ev->reason != NULL ? ev->reason : "admin: TakeOver");
      break;
    case VIPD_EV_ADMIN_SET_PRIORITY:
      if (ev->priority < VIPD_PRIORITY_MIN || ev->priority > VIPD_PRIORITY_MAX_BACKUP)
        return;
      fsm->admin_priority = ev->priority;
      reevaluate (fsm, before, now, out, ev->reason != NULL ? ev->reason : "admin: SetPriority");
      break;
    case VIPD_EV_ADMIN_RESET_PRIORITY:
      fsm->admin_priority = 0;
      reevaluate (fsm, before, now, out,
                  ev->reason != NULL ? ev->reason : "admin: ResetPriority");
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
with_reason (VipdActions *out, const char *what, const char *why)
{
  if (why != NULL && *why != '\0')
    say (out, "%s: %s", what, why);
  else
    say (out, "%s", what);
}

gboolean
vipd_fsm_step (VipdFsm *fsm, const VipdEvent *ev, guint64 now, VipdActions *out)
{
  guint8 before;

  g_return_val_if_fail (fsm != NULL && ev != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  out->old_state = out->new_state = fsm->state;
  before = vipd_fsm_priority (fsm);

  switch (ev->type)
    {
    case VIPD_EV_STARTUP:
      if (fsm->state == VIPD_STATE_INIT || fsm->state == VIPD_STATE_STOP)
        {
          enter_service (fsm, now, out);
          say (out, fsm->state == VIPD_STATE_MASTER ? "startup: address owner (priority 255)"
                                                    : "startup");
        }
      break;
    case VIPD_EV_SHUTDOWN:
      if (fsm->state != VIPD_STATE_INIT && fsm->state != VIPD_STATE_STOP)
        {
          go_out_of_service (fsm, VIPD_STATE_STOP, now, out);
          say (out, "shutdown");
        }
      break;
    case VIPD_EV_ADVERT:
      on_advert (fsm, ev, now, out);
      break;
    case VIPD_EV_TIMER:
      on_timer (fsm, now, out);
      break;
    case VIPD_EV_PRIORITY:
      fsm->tracked_priority = ev->priority;
      reevaluate (fsm, before, now, out, ev->reason != NULL ? ev->reason : "priority changed");
      break;
    case VIPD_EV_FAULT_ON:
      fsm->fault = TRUE;
      if (in_election (fsm))
        {
          go_out_of_service (fsm, VIPD_STATE_FAULT, now, out);
          with_reason (out, "fault", ev->reason);
        }
      break;
    case VIPD_EV_FAULT_OFF:
      fsm->fault = FALSE;
      if (fsm->state == VIPD_STATE_FAULT)
        {
          enter_service (fsm, now, out);
          with_reason (out, "fault cleared", ev->reason);
        }
      break;
    case VIPD_EV_ADMIN_DEMOTE:
    case VIPD_EV_ADMIN_TAKEOVER:
    case VIPD_EV_ADMIN_SET_PRIORITY:
    case VIPD_EV_ADMIN_RESET_PRIORITY:
      on_admin (fsm, ev, now, out);
      break;
    case VIPD_EV_MAINTENANCE_ON:
      fsm->maintenance = TRUE;
      if (in_election (fsm) || fsm->state == VIPD_STATE_FAULT)
        {
          hand_over (fsm, VIPD_STATE_MAINTENANCE, now, out);
          say (out, "%s", ev->reason != NULL ? ev->reason : "maintenance on");
        }
      break;
    case VIPD_EV_MAINTENANCE_OFF:
      fsm->maintenance = FALSE;
      if (fsm->state == VIPD_STATE_MAINTENANCE)
        {
          enter_service (fsm, now, out);
          say (out, "%s", ev->reason != NULL ? ev->reason : "maintenance off");
        }
      break;
    case VIPD_EV_SYNC_MASTER:
      if (fsm->state == VIPD_STATE_BACKUP)
        {
          become_master (fsm, now, out);
          with_reason (out, "sync group", ev->reason);
        }
      break;
    case VIPD_EV_SYNC_BACKUP:
      if (fsm->state == VIPD_STATE_MASTER)
        {
          resign (fsm, now, out);
          become_backup (fsm, now, out);
          set_master (fsm, NULL, 0, out);
          with_reason (out, "sync group", ev->reason);
        }
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  return out->send_advert || out->add_vips || out->remove_vips || out->send_garp
         || out->want_master || out->state_changed || out->master_changed || out->reason[0] != '\0';
}
