/* The advert slack: how early a master's periodic advert may be stepped (so that a shell with
 * many instances sends those due together in one wake-up), and which steps are routine. */
#include "fsm/fsm.h"

#include <netinet/in.h>

#define S(x) ((guint64) (x) * 1000000)

static VipdFsm
master (guint16 adver_int_cs, guint64 *since)
{
  VipdFsmConfig c = { .version = 3, .family = AF_INET, .vrid = 7, .priority = 100,
                      .adver_int_cs = adver_int_cs, .preempt = TRUE };
  VipdEvent ev = { .type = VIPD_EV_STARTUP };
  VipdActions a;
  VipdFsm f;

  g_assert_true (vipd_addr_parse ("192.0.2.10", &c.primary));
  vipd_fsm_init (&f, &c);
  vipd_fsm_step (&f, &ev, 0, &a);
  g_assert_cmpuint (vipd_fsm_next_deadline_slack (&f), ==, 0); /* backup: Master_Down is exact */
  ev.type = VIPD_EV_TIMER;
  *since = vipd_fsm_next_deadline (&f);
  vipd_fsm_step (&f, &ev, *since, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_MASTER);
  g_assert_false (vipd_actions_routine (&a)); /* became master: not routine */
  return f;
}

static void
test_slack_size (void)
{
  guint64 t;
  VipdFsm f = master (100, &t);

  /* 1 s / 64, under the 10 ms cap. */
  g_assert_cmpuint (vipd_fsm_next_deadline_slack (&f), ==, 10000);
  f = master (1, &t); /* 10 ms: 156 µs */
  g_assert_cmpuint (vipd_fsm_next_deadline_slack (&f), ==, 10000 / 64);
  f = master (4000, &t); /* 40 s: capped */
  g_assert_cmpuint (vipd_fsm_next_deadline_slack (&f), ==, VIPD_FSM_ADVERT_SLACK_MAX_US);
}

static void
test_early_advert (void)
{
  guint64 t;
  VipdFsm f = master (100, &t);
  guint64 due = vipd_fsm_next_deadline (&f);
  guint64 slack = vipd_fsm_next_deadline_slack (&f);
  VipdEvent ev = { .type = VIPD_EV_TIMER };
  VipdActions a;

  g_assert_cmpuint (due, ==, t + S (1));
  /* Just before the window: nothing, and the deadline stays. */
  g_assert_false (vipd_fsm_step (&f, &ev, due - slack - 1, &a));
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, due);
  /* At the window's start: the advert goes, and the next is one interval from now. */
  g_assert_true (vipd_fsm_step (&f, &ev, due - slack, &a));
  g_assert_true (a.send_advert);
  g_assert_cmpuint (a.advert_priority, ==, 100);
  g_assert_true (vipd_actions_routine (&a));
  g_assert_cmpuint (vipd_fsm_next_deadline (&f), ==, due - slack + S (1));
}

static void
test_not_routine (void)
{
  guint64 t;
  VipdFsm f = master (100, &t);
  VipdEvent ev = { .type = VIPD_EV_PRIORITY, .priority = 90, .reason = "track" };
  VipdActions a;

  /* A priority change sends an advert too, with a reason: observers must hear of it. */
  g_assert_true (vipd_fsm_step (&f, &ev, t + 1000, &a));
  g_assert_true (a.send_advert);
  g_assert_false (vipd_actions_routine (&a));
  /* A higher-priority master: a state change, never routine. */
  ev = (VipdEvent) { .type = VIPD_EV_ADVERT, .priority = 200, .adver_int_cs = 100 };
  g_assert_true (vipd_addr_parse ("192.0.2.20", &ev.src));
  vipd_fsm_step (&f, &ev, t + 2000, &a);
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
  g_assert_false (vipd_actions_routine (&a));
  /* The backup's Master_Down never comes early. */
  g_assert_cmpuint (vipd_fsm_next_deadline_slack (&f), ==, 0);
  ev.type = VIPD_EV_TIMER;
  g_assert_false (vipd_fsm_step (&f, &ev, vipd_fsm_next_deadline (&f) - 1, &a));
  g_assert_cmpint (f.state, ==, VIPD_STATE_BACKUP);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fsm/slack/size", test_slack_size);
  g_test_add_func ("/fsm/slack/early-advert", test_early_advert);
  g_test_add_func ("/fsm/slack/not-routine", test_not_routine);
  return g_test_run ();
}
