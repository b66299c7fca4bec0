/* The VRRP state machine, one transition or rule per test; every test checks the new state,
 * the actions the shell must run and the reason an admin will read. */
#include "fsm/fsm.h"
#include "fsm/priority.h"

#include <netinet/in.h>

#define S(x) ((guint64) (x) * 1000000)
#define CS(x) ((guint64) (x) * 10000)
/* v3, 1 s interval, priority 100: 3 s + 156/256 s. */
#define MDI_100 (S (3) + 609375)

static VipdAddr
addr (const char *text)
{
  VipdAddr a;

  g_assert_true (vipd_addr_parse (text, &a));
  return a;
}

static VipdFsmConfig
config (guint8 priority)
{
  VipdFsmConfig c = {
    .version = 3,
    .family = AF_INET,
    .vrid = 50,
    .priority = priority,
    .adver_int_cs = 100,
    .preempt = TRUE,
  };

  c.primary = addr ("192.0.2.10");
  return c;
}

static void
step (VipdFsm *f, VipdEventType type, guint64 now, VipdActions *a)
{
  VipdEvent ev = { .type = type };

  vipd_fsm_step (f, &ev, now, a);
}

static void
step_prio (VipdFsm *f, VipdEventType type, guint8 prio, const char *why, guint64 now,
           VipdActions *a)
{
  VipdEvent ev = { .type = type, .priority = prio, .reason = why };

  vipd_fsm_step (f, &ev, now, a);
}

static void
advert (VipdFsm *f, const char *src, guint8 prio, guint16 int_cs, guint64 now, VipdActions *a)
{
  VipdEvent ev = { .type = VIPD_EV_ADVERT, .priority = prio, .adver_int_cs = int_cs };

  ev.src = addr (src);
  vipd_fsm_step (f, &ev, now, a);
}

static void
assert_transition (const VipdActions *a, VipdState from, VipdState to)
{
  g_assert_true (a->state_changed);
  g_assert_cmpstr (vipd_state_name (a->old_state), ==, vipd_state_name (from));
  g_assert_cmpstr (vipd_state_name (a->new_state), ==, vipd_state_name (to));
}

static void
assert_became_master (const VipdFsm *f, const VipdActions *a, guint8 prio)
{
  g_assert_cmpint (f->state, ==, VIPD_STATE_MASTER);
  g_assert_true (a->send_advert);
  g_assert_cmpuint (a->advert_priority, ==, prio);
  g_assert_true (a->send_garp);
  g_assert_false (a->remove_vips);
  g_assert_true (a->master_changed);
  g_assert_true (vipd_addr_equal (&a->master_addr, &f->cfg.primary));
  g_assert_cmpuint (a->master_priority, ==, prio);
}

/* A backup at priority 100 that has started at t=0. */
static void
backup_at (VipdFsm *f, guint8 prio)
{
  VipdFsmConfig c = config (prio);
  VipdActions a;

  vipd_fsm_init (f, &c);
  step (f, VIPD_EV_STARTUP, 0, &a);
  g_assert_cmpint (f->state, ==, VIPD_STATE_BACKUP);
}

/* A master at priority 100 since t=10 s. */
static void
master_at (VipdFsm *f, guint8 prio)
{
  VipdActions a;

  backup_at (f, prio);
  step (f, VIPD_EV_TIMER, S (10), &a);
  g_assert_cmpint (f->state, ==, VIPD_STATE_MASTER);
}

static void
test_timers (void)
{
  /* RFC 3768: Skew = (256 - P) / 256 s whatever the interval. */
  g_assert_cmpuint (vipd_fsm_skew_time_us (2, 100, 100), ==, 609375);
  g_assert_cmpuint (vipd_fsm_skew_time_us (2, 100, 300), ==, 609375);
  g_assert_cmpuint (vipd_fsm_master_down_us (2, 100, 100), ==, S (3) + 609375);
  g_assert_cmpuint (vipd_fsm_master_down_us (2, 254, 200), ==, S (6) + 7812);
  /* RFC 5798/9568: Skew scales with Master_Adver_Interval. */
  g_assert_cmpuint (vipd_fsm_skew_time_us (3, 100, 100), ==, 609375);
  g_assert_cmpuint (vipd_fsm_skew_time_us (3, 100, 10), ==, 60937);
  g_assert_cmpuint (vipd_fsm_master_down_us (3, 100, 10), ==, 300000 + 60937);
  g_assert_cmpuint (vipd_fsm_skew_time_us (3, 255, 100), ==, 3906);
  g_assert_cmpuint (vipd_fsm_master_down_us (3, 1, 100), ==, S (3) + 996093);
}

static void
test_state_names (void)
{
  g_assert_cmpstr (vipd_state_name (VIPD_STATE_INIT), ==, "init");
  g_assert_cmpstr (vipd_state_name (VIPD_STATE_BACKUP), ==, "backup");
  g_assert_cmpstr (vipd_state_name (VIPD_STATE_MASTER), ==, "master");
  g_assert_cmpstr (vipd_state_name (VIPD_STATE_FAULT), ==, "fault");
  g_assert_cmpstr (vipd_state_name (VIPD_STATE_MAINTENANCE), ==, "maintenance");
  g_assert_cmpstr (vipd_state_name (VIPD_STATE_STOP), ==, "stop");
  g_assert_cmpstr (vipd_state_name ((VipdState) 42), ==, "unknown");
}

static void
test_init_is_idle (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (100);
  VipdActions a;

  vipd_fsm_init (&f, &c);
  g_assert_cmpint (f.state, ==, VIPD_STATE_INIT);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
  advert (&f, "192.0.2.2", 120, 100, S (1), &a);
  g_assert_false (a.state_changed);
  step (&f, VIPD_EV_TIMER, S (100), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_INIT);
}

static void
test_startup_backup (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (100);
  VipdActions a;

  vipd_fsm_init (&f, &c);
  g_assert_true (vipd_fsm_step (&f, &(VipdEvent){ .type = VIPD_EV_STARTUP }, S (1), &a));
  assert_transition (&a, VIPD_STATE_INIT, VIPD_STATE_BACKUP);
  g_assert_false (a.send_advert);
  g_assert_false (a.add_vips);
  g_assert_cmpstr (a.reason, ==, "startup");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (1) + MDI_100);
}

static void
test_startup_owner (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (255);
  VipdActions a;

  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_STARTUP, S (1), &a);
  assert_transition (&a, VIPD_STATE_INIT, VIPD_STATE_MASTER);
  assert_became_master (&f, &a, 255);
  g_assert_true (a.add_vips);
  g_assert_cmpstr (a.reason, ==, "startup: address owner (priority 255)");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (2));
}

static void
test_startup_fault_and_maintenance (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (255);
  VipdActions a;

  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_FAULT_ON, 0, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_INIT);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  assert_transition (&a, VIPD_STATE_INIT, VIPD_STATE_FAULT);
  g_assert_false (a.send_advert);
  g_assert_false (a.add_vips);

  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_MAINTENANCE_ON, 0, &a);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  assert_transition (&a, VIPD_STATE_INIT, VIPD_STATE_MAINTENANCE);
  g_assert_false (a.send_advert);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
}

static void
test_backup_timer_expiry (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  step (&f, VIPD_EV_TIMER, MDI_100 - 1, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_false (a.send_advert);
  step (&f, VIPD_EV_TIMER, MDI_100, &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  assert_became_master (&f, &a, 100);
  g_assert_true (a.add_vips);
  g_assert_cmpstr (a.reason, ==, "master down timer expired");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, MDI_100 + S (1));
}

static void
test_backup_higher_or_equal_advert_resets (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  advert (&f, "192.0.2.2", 120, 100, S (3), &a);
  g_assert_false (a.state_changed);
  g_assert_true (a.master_changed);
  g_assert_cmpuint (a.master_priority, ==, 120);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (3) + MDI_100);
  /* Equal priority from a lower address: still defer, backups never tie-break. */
  advert (&f, "192.0.2.1", 100, 100, S (6), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (6) + MDI_100);
  advert (&f, "192.0.2.1", 100, 100, S (7), &a);
  g_assert_false (a.master_changed);
  step (&f, VIPD_EV_TIMER, S (7) + MDI_100 - 1, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
}

static void
test_backup_preempts_lower (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  advert (&f, "192.0.2.2", 99, 100, S (1), &a);
  advert (&f, "192.0.2.2", 99, 100, S (2), &a);
  advert (&f, "192.0.2.2", 99, 100, S (3), &a);
  /* The lower router is still the one holding the VIPs, so it is reported as master. */
  g_assert_cmpuint (f.master_priority, ==, 99);
  /* The timer armed at startup was never reset. */
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, MDI_100);
  step (&f, VIPD_EV_TIMER, MDI_100, &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  g_assert_true (a.add_vips);
}

static void
test_nopreempt (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (100);
  VipdActions a;

  c.preempt = FALSE;
  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  for (guint64 t = S (1); t < S (30); t += S (1))
    {
      advert (&f, "192.0.2.2", 50, 100, t, &a);
      step (&f, VIPD_EV_TIMER, t, &a);
      g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
    }
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (29) + MDI_100);
  /* A higher priority does not change that. */
  step_prio (&f, VIPD_EV_PRIORITY, 200, "tracker up", S (30), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_cmpstr (a.reason, ==, "tracker up: priority 100 -> 200");
  /* But a master that goes silent is replaced. */
  step (&f, VIPD_EV_TIMER, S (29) + MDI_100, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
}

static void
test_preempt_delay (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (100);
  VipdActions a;

  c.preempt_delay_cs = 500; /* 5 s from the first lower-priority advert */
  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  for (guint64 t = S (1); t <= S (5); t += S (1))
    advert (&f, "192.0.2.2", 99, 100, t, &a);
  /* Within the delay, lower adverts still reset the timer. */
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (5) + MDI_100);
  advert (&f, "192.0.2.2", 99, 100, S (6), &a);
  advert (&f, "192.0.2.2", 99, 100, S (7), &a);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (5) + MDI_100);
  step (&f, VIPD_EV_TIMER, S (5) + MDI_100, &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
}

static void
test_owner_always_preempts (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (255);
  VipdActions a;

  c.preempt = FALSE;
  vipd_fsm_init (&f, &c);
  step_prio (&f, VIPD_EV_PRIORITY, 245, "tracker chk down", 0, &a);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  advert (&f, "192.0.2.2", 250, 100, S (1), &a);
  step_prio (&f, VIPD_EV_PRIORITY, 255, "tracker chk up", S (2), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  assert_became_master (&f, &a, 255);
  g_assert_cmpstr (a.reason, ==, "preempt: our priority 255 > master's 250 (tracker chk up)");
}

static void
test_backup_priority_zero (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  advert (&f, "192.0.2.1", 200, 100, S (1), &a);
  advert (&f, "192.0.2.1", 0, 100, S (2), &a);
  g_assert_false (a.state_changed);
  g_assert_cmpstr (a.reason, ==, "priority 0 advert from 192.0.2.1: master left");
  g_assert_true (a.master_changed);
  g_assert_false (vipd_addr_is_set (&a.master_addr));
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (2) + 609375);
  step (&f, VIPD_EV_TIMER, S (2) + 609375, &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
}

static void
test_v3_learns_interval (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (100);
  VipdActions a;

  backup_at (&f, 100);
  advert (&f, "192.0.2.2", 120, 200, S (1), &a);
  g_assert_cmpuint (f.master_adver_int_cs, ==, 200);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (1) + vipd_fsm_master_down_us (3, 100, 200));
  advert (&f, "192.0.2.2", 0, 200, S (2), &a);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (2) + 2 * 609375);

  c.version = 2;
  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  advert (&f, "192.0.2.2", 120, 200, S (1), &a);
  g_assert_cmpuint (f.master_adver_int_cs, ==, 100);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (1) + S (3) + 609375);
}

static void
test_master_adverts_on_timer (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (11));
  step (&f, VIPD_EV_TIMER, S (11), &a);
  g_assert_false (a.state_changed);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 100);
  g_assert_false (a.add_vips);
  g_assert_false (a.send_garp);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (12));
  step (&f, VIPD_EV_TIMER, S (11) + 5, &a);
  g_assert_false (a.send_advert);
}

static void
test_master_yields_to_higher (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  advert (&f, "192.0.2.2", 120, 50, S (11), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_BACKUP);
  g_assert_true (a.remove_vips);
  g_assert_false (a.send_advert);
  g_assert_cmpstr (a.reason, ==, "higher priority advert from 192.0.2.2 (priority 120)");
  g_assert_true (a.master_changed);
  g_assert_cmpuint (a.master_priority, ==, 120);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (11) + vipd_fsm_master_down_us (3, 100, 50));
}

static void
test_master_equal_priority_tie_break (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  advert (&f, "192.0.2.9", 100, 100, S (11), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.send_advert);
  g_assert_cmpstr (a.reason, ==, "lower priority advert from 192.0.2.9 (priority 100): answering at once");
  advert (&f, "192.0.2.11", 100, 100, S (12), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_BACKUP);
  g_assert_true (a.remove_vips);
  g_assert_cmpstr (a.reason, ==, "equal priority advert from higher address 192.0.2.11 (priority 100)");
}

static void
test_master_answers_lower (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  advert (&f, "192.0.2.2", 99, 100, S (10) + 300000, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 100);
  g_assert_false (a.remove_vips);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (11) + 300000);
}

static void
test_master_answers_priority_zero (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  advert (&f, "192.0.2.2", 0, 100, S (10) + 1, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 100);
  g_assert_cmpstr (a.reason, ==, "priority 0 advert from 192.0.2.2: answering at once");
}

static void
test_shutdown (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  step (&f, VIPD_EV_SHUTDOWN, S (11), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_STOP);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 0);
  g_assert_true (a.remove_vips);
  g_assert_cmpstr (a.reason, ==, "shutdown");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
  advert (&f, "192.0.2.2", 120, 100, S (12), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_STOP);
  step (&f, VIPD_EV_STARTUP, S (13), &a);
  assert_transition (&a, VIPD_STATE_STOP, VIPD_STATE_BACKUP);

  step (&f, VIPD_EV_SHUTDOWN, S (14), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_STOP);
  g_assert_false (a.send_advert);
  g_assert_false (a.remove_vips);
}

static void
test_fault (void)
{
  VipdFsm f;
  VipdActions a;
  VipdEvent on = { .type = VIPD_EV_FAULT_ON, .reason = "tracker eth1 down (weight 0)" };
  VipdEvent off = { .type = VIPD_EV_FAULT_OFF, .reason = "tracker eth1 up" };

  master_at (&f, 100);
  vipd_fsm_step (&f, &on, S (11), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_FAULT);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 0);
  g_assert_true (a.remove_vips);
  g_assert_cmpstr (a.reason, ==, "fault: tracker eth1 down (weight 0)");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
  advert (&f, "192.0.2.2", 0, 100, S (12), &a);
  g_assert_false (a.send_advert);
  g_assert_cmpint (f.state, ==, VIPD_STATE_FAULT);
  vipd_fsm_step (&f, &off, S (13), &a);
  assert_transition (&a, VIPD_STATE_FAULT, VIPD_STATE_BACKUP);
  g_assert_cmpstr (a.reason, ==, "fault cleared: tracker eth1 up");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (13) + MDI_100);

  vipd_fsm_step (&f, &on, S (14), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_FAULT);
  g_assert_false (a.send_advert);
  g_assert_false (a.remove_vips);
}

static void
test_fault_cleared_owner (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (255);
  VipdActions a;

  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_STARTUP, 0, &a);
  step (&f, VIPD_EV_FAULT_ON, S (1), &a);
  g_assert_true (a.remove_vips);
  g_assert_cmpstr (a.reason, ==, "fault");
  step (&f, VIPD_EV_FAULT_OFF, S (2), &a);
  assert_transition (&a, VIPD_STATE_FAULT, VIPD_STATE_MASTER);
  assert_became_master (&f, &a, 255);
  g_assert_true (a.add_vips);
}

static void
test_priority_change (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  step_prio (&f, VIPD_EV_PRIORITY, 90, "tracker chk_down down (weight -10)", S (10) + 5, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 90);
  g_assert_cmpstr (a.reason, ==, "tracker chk_down down (weight -10): priority 100 -> 90");
  /* Same value again: nothing to do. */
  g_assert_false (vipd_fsm_step (&f, &(VipdEvent){ .type = VIPD_EV_PRIORITY, .priority = 90 },
                                 S (10) + 6, &a));

  backup_at (&f, 100);
  advert (&f, "192.0.2.2", 110, 100, S (1), &a);
  step_prio (&f, VIPD_EV_PRIORITY, 120, "tracker nginx up (weight +20)", S (2), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  assert_became_master (&f, &a, 120);
  g_assert_cmpstr (a.reason, ==, "preempt: our priority 120 > master's 110 (tracker nginx up (weight +20))");
}

static void
test_demote_master (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  step (&f, VIPD_EV_ADMIN_DEMOTE, S (11), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_BACKUP);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 0);
  g_assert_false (a.remove_vips); /* kept until the successor is heard */
  g_assert_cmpstr (a.reason, ==, "admin: Demote");
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 1);
  advert (&f, "192.0.2.2", 99, 100, S (11) + 600000, &a);
  g_assert_true (a.remove_vips);
  g_assert_false (a.state_changed);
  g_assert_cmpstr (a.reason, ==, "new master 192.0.2.2 (priority 99) heard: releasing VIPs");
  advert (&f, "192.0.2.2", 99, 100, S (12) + 600000, &a);
  g_assert_false (a.remove_vips);
  /* Stays at 1 until reset; then it preempts the 99. */
  step (&f, VIPD_EV_ADMIN_RESET_PRIORITY, S (13), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  g_assert_cmpstr (a.reason, ==, "preempt: our priority 100 > master's 99 (admin: ResetPriority)");
  g_assert_true (a.add_vips);
}

static void
test_demote_alone_keeps_vips (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  step (&f, VIPD_EV_ADMIN_DEMOTE, S (11), &a);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (11) + vipd_fsm_master_down_us (3, 1, 100));
  step (&f, VIPD_EV_TIMER, S (16), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  g_assert_false (a.add_vips); /* never released */
  g_assert_false (a.remove_vips);
  g_assert_cmpuint (a.advert_priority, ==, 1);
}

static void
test_demote_backup (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  step (&f, VIPD_EV_ADMIN_DEMOTE, S (1), &a);
  g_assert_false (a.state_changed);
  g_assert_false (a.send_advert);
  g_assert_cmpstr (a.reason, ==, "admin: Demote");
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 1);
  advert (&f, "192.0.2.2", 50, 100, S (2), &a);
  g_assert_false (a.remove_vips);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (2) + vipd_fsm_master_down_us (3, 1, 100));
}

static void
test_takeover (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  advert (&f, "192.0.2.2", 200, 100, S (1), &a);
  step (&f, VIPD_EV_ADMIN_TAKEOVER, S (2), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  assert_became_master (&f, &a, 254);
  g_assert_true (a.add_vips);
  g_assert_cmpstr (a.reason, ==, "admin: TakeOver");
  /* The old master's advert crossing ours does not take it back. */
  advert (&f, "192.0.2.2", 200, 100, S (2) + 1000, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 254);
  step (&f, VIPD_EV_ADMIN_RESET_PRIORITY, S (3), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 100);
  g_assert_cmpstr (a.reason, ==, "admin: ResetPriority: priority 254 -> 100");
  advert (&f, "192.0.2.2", 200, 100, S (3) + 1000, &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_BACKUP);
}

static void
test_old_master_yields_to_takeover (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 200);
  advert (&f, "192.0.2.3", 254, 100, S (11), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_BACKUP);
  g_assert_true (a.remove_vips);
}

static void
test_takeover_in_fault (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  step (&f, VIPD_EV_FAULT_ON, S (1), &a);
  step (&f, VIPD_EV_ADMIN_TAKEOVER, S (2), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_FAULT);
  g_assert_false (a.add_vips);
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 254);
}

static void
test_set_priority (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  advert (&f, "192.0.2.2", 150, 100, S (1), &a);
  g_assert_false (vipd_fsm_step (&f, &(VipdEvent){ .type = VIPD_EV_ADMIN_SET_PRIORITY,
                                                   .priority = 0 }, S (2), &a));
  g_assert_false (vipd_fsm_step (&f, &(VipdEvent){ .type = VIPD_EV_ADMIN_SET_PRIORITY,
                                                   .priority = 255 }, S (2), &a));
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 100);
  step_prio (&f, VIPD_EV_ADMIN_SET_PRIORITY, 140, NULL, S (2), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_cmpstr (a.reason, ==, "admin: SetPriority: priority 100 -> 140");
  step_prio (&f, VIPD_EV_ADMIN_SET_PRIORITY, 160, NULL, S (3), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MASTER);
  g_assert_cmpstr (a.reason, ==, "preempt: our priority 160 > master's 150 (admin: SetPriority)");
  /* Tracker changes underneath do not override the admin value. */
  step_prio (&f, VIPD_EV_PRIORITY, 10, "tracker", S (4), &a);
  g_assert_false (a.send_advert);
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 160);
  step (&f, VIPD_EV_ADMIN_RESET_PRIORITY, S (5), &a);
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 10);
  g_assert_cmpuint (a.advert_priority, ==, 10);
}

static void
test_maintenance_from_master (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  step (&f, VIPD_EV_MAINTENANCE_ON, S (11), &a);
  assert_transition (&a, VIPD_STATE_MASTER, VIPD_STATE_MAINTENANCE);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 0);
  g_assert_false (a.remove_vips);
  g_assert_cmpstr (a.reason, ==, "maintenance on");
  advert (&f, "192.0.2.2", 99, 100, S (11) + 700000, &a);
  g_assert_true (a.remove_vips);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MAINTENANCE);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
  /* No adverts, no reaction to a master leaving, no takeover. */
  advert (&f, "192.0.2.2", 0, 100, S (12), &a);
  g_assert_false (a.send_advert);
  g_assert_false (a.master_changed);
  step (&f, VIPD_EV_TIMER, S (100), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MAINTENANCE);
  step (&f, VIPD_EV_MAINTENANCE_OFF, S (101), &a);
  assert_transition (&a, VIPD_STATE_MAINTENANCE, VIPD_STATE_BACKUP);
  g_assert_cmpstr (a.reason, ==, "maintenance off");
  g_assert_false (a.add_vips);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (101) + MDI_100);
}

static void
test_maintenance_alone_releases (void)
{
  VipdFsm f;
  VipdActions a;
  guint64 wait = vipd_fsm_master_down_us (3, 1, 100);

  master_at (&f, 100);
  step (&f, VIPD_EV_MAINTENANCE_ON, S (11), &a);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (11) + wait);
  step (&f, VIPD_EV_TIMER, S (11) + wait, &a);
  g_assert_true (a.remove_vips);
  g_assert_cmpstr (a.reason, ==, "maintenance: no new master heard, releasing VIPs");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
}

static void
test_maintenance_and_fault (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  step (&f, VIPD_EV_MAINTENANCE_ON, S (1), &a);
  assert_transition (&a, VIPD_STATE_BACKUP, VIPD_STATE_MAINTENANCE);
  g_assert_false (a.send_advert);
  g_assert_false (a.remove_vips);
  step (&f, VIPD_EV_FAULT_ON, S (2), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MAINTENANCE);
  step (&f, VIPD_EV_MAINTENANCE_OFF, S (3), &a);
  assert_transition (&a, VIPD_STATE_MAINTENANCE, VIPD_STATE_FAULT);
  step (&f, VIPD_EV_MAINTENANCE_ON, S (4), &a);
  assert_transition (&a, VIPD_STATE_FAULT, VIPD_STATE_MAINTENANCE);
  step (&f, VIPD_EV_FAULT_OFF, S (5), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MAINTENANCE);
  g_assert_false (a.state_changed);
}

static void
test_shutdown_out_of_service (void)
{
  VipdFsm f;
  VipdActions a;

  backup_at (&f, 100);
  step (&f, VIPD_EV_FAULT_ON, S (1), &a);
  step (&f, VIPD_EV_SHUTDOWN, S (2), &a);
  assert_transition (&a, VIPD_STATE_FAULT, VIPD_STATE_STOP);
  g_assert_false (a.send_advert);
  g_assert_false (a.remove_vips);

  /* Shutting down mid hand-over: the VIPs go with us. */
  master_at (&f, 100);
  step (&f, VIPD_EV_MAINTENANCE_ON, S (11), &a);
  step (&f, VIPD_EV_SHUTDOWN, S (11) + 10, &a);
  assert_transition (&a, VIPD_STATE_MAINTENANCE, VIPD_STATE_STOP);
  g_assert_false (a.send_advert);
  g_assert_true (a.remove_vips);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, VIPD_FSM_NO_DEADLINE);
}

static void
test_admin_survives_restart (void)
{
  VipdFsm f;
  VipdFsmConfig c = config (255);
  VipdActions a;

  /* A demoted owner restored from the state directory must not grab the VIPs at startup. */
  vipd_fsm_init (&f, &c);
  step (&f, VIPD_EV_ADMIN_DEMOTE, 0, &a);
  g_assert_false (a.state_changed);
  step (&f, VIPD_EV_STARTUP, S (1), &a);
  assert_transition (&a, VIPD_STATE_INIT, VIPD_STATE_BACKUP);
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 1);
  step (&f, VIPD_EV_SHUTDOWN, S (2), &a);
  step (&f, VIPD_EV_STARTUP, S (3), &a);
  assert_transition (&a, VIPD_STATE_STOP, VIPD_STATE_BACKUP);
  g_assert_cmpuint (vipd_fsm_priority (&f), ==, 1);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (3) + vipd_fsm_master_down_us (3, 1, 100));
}

static void
test_takeover_when_master (void)
{
  VipdFsm f;
  VipdActions a;

  master_at (&f, 100);
  step (&f, VIPD_EV_ADMIN_TAKEOVER, S (10) + 3, &a);
  g_assert_false (a.state_changed);
  g_assert_false (a.add_vips);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 254);
  g_assert_true (a.master_changed);
  g_assert_cmpuint (a.master_priority, ==, 254);
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, S (11) + 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fsm/timers", test_timers);
  g_test_add_func ("/fsm/state-names", test_state_names);
  g_test_add_func ("/fsm/init/idle", test_init_is_idle);
  g_test_add_func ("/fsm/init/startup-backup", test_startup_backup);
  g_test_add_func ("/fsm/init/startup-owner", test_startup_owner);
  g_test_add_func ("/fsm/init/startup-fault-maintenance", test_startup_fault_and_maintenance);
  g_test_add_func ("/fsm/backup/timer-expiry", test_backup_timer_expiry);
  g_test_add_func ("/fsm/backup/higher-equal-advert", test_backup_higher_or_equal_advert_resets);
  g_test_add_func ("/fsm/backup/preempt-lower", test_backup_preempts_lower);
  g_test_add_func ("/fsm/backup/nopreempt", test_nopreempt);
  g_test_add_func ("/fsm/backup/preempt-delay", test_preempt_delay);
  g_test_add_func ("/fsm/backup/owner-preempts", test_owner_always_preempts);
  g_test_add_func ("/fsm/backup/priority-zero", test_backup_priority_zero);
  g_test_add_func ("/fsm/backup/v3-learns-interval", test_v3_learns_interval);
  g_test_add_func ("/fsm/master/adverts", test_master_adverts_on_timer);
  g_test_add_func ("/fsm/master/yields-higher", test_master_yields_to_higher);
  g_test_add_func ("/fsm/master/tie-break", test_master_equal_priority_tie_break);
  g_test_add_func ("/fsm/master/answers-lower", test_master_answers_lower);
  g_test_add_func ("/fsm/master/answers-priority-zero", test_master_answers_priority_zero);
  g_test_add_func ("/fsm/shutdown", test_shutdown);
  g_test_add_func ("/fsm/shutdown-out-of-service", test_shutdown_out_of_service);
  g_test_add_func ("/fsm/fault", test_fault);
  g_test_add_func ("/fsm/fault-cleared-owner", test_fault_cleared_owner);
  g_test_add_func ("/fsm/priority-change", test_priority_change);
  g_test_add_func ("/fsm/admin/demote-master", test_demote_master);
  g_test_add_func ("/fsm/admin/demote-alone", test_demote_alone_keeps_vips);
  g_test_add_func ("/fsm/admin/demote-backup", test_demote_backup);
  g_test_add_func ("/fsm/admin/takeover", test_takeover);
  g_test_add_func ("/fsm/admin/old-master-yields", test_old_master_yields_to_takeover);
  g_test_add_func ("/fsm/admin/takeover-in-fault", test_takeover_in_fault);
  g_test_add_func ("/fsm/admin/set-priority", test_set_priority);
  g_test_add_func ("/fsm/admin/survives-restart", test_admin_survives_restart);
  g_test_add_func ("/fsm/admin/takeover-when-master", test_takeover_when_master);
  g_test_add_func ("/fsm/maintenance/from-master", test_maintenance_from_master);
  g_test_add_func ("/fsm/maintenance/alone", test_maintenance_alone_releases);
  g_test_add_func ("/fsm/maintenance/fault", test_maintenance_and_fault);
  return g_test_run ();
}
