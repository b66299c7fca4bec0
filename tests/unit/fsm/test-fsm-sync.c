/* The state machine's part in sync groups: a gated member only asks to become master; the
 * group's SYNC_MASTER and SYNC_BACKUP events move it. */
#include "fsm/fsm.h"

#include <netinet/in.h>

#define S(x) ((guint64) (x) * 1000000)

static VipdFsm
started (guint8 priority, gboolean gated)
{
  VipdFsmConfig c = { .version = 3, .family = AF_INET, .vrid = 51, .priority = priority,
                      .adver_int_cs = 100, .preempt = TRUE };
  VipdEvent ev = { .type = VIPD_EV_STARTUP };
  VipdActions a;
  VipdFsm f;

  g_assert_true (vipd_addr_parse ("192.0.2.11", &c.primary));
  vipd_fsm_init (&f, &c);
  f.sync_gated = gated;
  vipd_fsm_step (&f, &ev, S (1), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  return f;
}

static void
fire (VipdFsm *f, VipdActions *a)
{
  VipdEvent ev = { .type = VIPD_EV_TIMER };

  vipd_fsm_step (f, &ev, vipd_fsm_next_deadline (f), a);
}

static void
advert (VipdFsm *f, guint8 prio, guint64 now, VipdActions *a)
{
  VipdEvent ev = { .type = VIPD_EV_ADVERT, .priority = prio, .adver_int_cs = 100 };

  g_assert_true (vipd_addr_parse ("192.0.2.12", &ev.src));
  vipd_fsm_step (f, &ev, now, a);
}

static void
test_gated_waits (void)
{
  VipdFsm f = started (100, TRUE);
  VipdActions a;
  guint64 first;

  fire (&f, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_true (a.want_master);
  g_assert_true (f.want_master);
  g_assert_false (a.add_vips);
  g_assert_false (a.send_advert);
  g_assert_cmpstr (a.reason, ==, "master down timer expired: waiting for the sync group");
  /* It asks again after another interval, quietly. */
  first = vipd_fsm_next_deadline (&f);
  g_assert_cmpuint (first, !=, VIPD_FSM_NO_DEADLINE);
  fire (&f, &a);
  g_assert_true (a.want_master);
  g_assert_cmpstr (a.reason, ==, "");
  /* A master that speaks ends the wish. */
  advert (&f, 120, vipd_fsm_next_deadline (&f) - 1, &a);
  g_assert_false (f.want_master);
}

static void
test_ungated_unchanged (void)
{
  VipdFsm f = started (100, FALSE);
  VipdActions a;

  fire (&f, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_false (a.want_master);
}

static void
test_sync_master (void)
{
  VipdFsm f = started (100, TRUE);
  VipdEvent ev = { .type = VIPD_EV_SYNC_MASTER, .reason = "VG_1: every member is ready" };
  VipdActions a;

  fire (&f, &a);
  vipd_fsm_step (&f, &ev, S (5), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_true (a.add_vips);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 100);
  g_assert_false (f.want_master);
  g_assert_cmpstr (a.reason, ==, "sync group: VG_1: every member is ready");
  /* Only a backup moves: a master, fault or init ignores it. */
  vipd_fsm_step (&f, &ev, S (6), &a);
  g_assert_false (a.state_changed);
}

static void
test_sync_backup (void)
{
  VipdFsm f = started (100, TRUE);
  VipdEvent m = { .type = VIPD_EV_SYNC_MASTER };
  VipdEvent b = { .type = VIPD_EV_SYNC_BACKUP, .reason = "VG_1: VI_2 went back to backup" };
  VipdActions a;

  vipd_fsm_step (&f, &m, S (2), &a);
  vipd_fsm_step (&f, &b, S (3), &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_true (a.remove_vips);
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 0); /* the peer takes over after Skew_Time */
  g_assert_cmpstr (a.reason, ==, "sync group: VG_1: VI_2 went back to backup");
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), >, S (3));
  vipd_fsm_step (&f, &b, S (4), &a);
  g_assert_false (a.state_changed);
}

static void
test_gated_preempt_asks (void)
{
  VipdFsm f = started (100, TRUE);
  VipdActions a;

  /* A lower-priority master: preemption lets the timer run out, and then it asks. */
  advert (&f, 50, S (1) + 1000, &a);
  fire (&f, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_true (a.want_master);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fsm/sync/gated-waits", test_gated_waits);
  g_test_add_func ("/fsm/sync/ungated-unchanged", test_ungated_unchanged);
  g_test_add_func ("/fsm/sync/master", test_sync_master);
  g_test_add_func ("/fsm/sync/backup", test_sync_backup);
  g_test_add_func ("/fsm/sync/gated-preempt-asks", test_gated_preempt_asks);
  return g_test_run ();
}
