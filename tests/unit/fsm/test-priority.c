/* Effective priority: the number the election runs on and the fault flag a tracker can raise. */
#include "fsm/priority.h"

static VipdPriorityResult
compute (guint8 base, const VipdTracker *t, guint n, guint8 admin)
{
  VipdPriorityResult r;

  vipd_priority_compute (base, t, n, admin, &r);
  return r;
}

static void
test_no_trackers (void)
{
  VipdPriorityResult r = compute (100, NULL, 0, 0);

  g_assert_cmpuint (r.priority, ==, 100);
  g_assert_false (r.fault);
  g_assert_cmpint (r.fault_tracker, ==, -1);
  g_assert_cmpint (r.cause_tracker, ==, -1);
  g_assert_false (r.admin);
}

static void
test_positive_weight_adds_while_up (void)
{
  VipdTracker t[] = { { "nginx", 20, TRUE } };
  VipdPriorityResult r = compute (100, t, 1, 0);

  g_assert_cmpuint (r.priority, ==, 120);
  g_assert_cmpint (r.cause_tracker, ==, 0);
  t[0].up = FALSE;
  r = compute (100, t, 1, 0);
  g_assert_cmpuint (r.priority, ==, 100);
  g_assert_cmpint (r.cause_tracker, ==, -1);
}

static void
test_negative_weight_subtracts_while_down (void)
{
  /* The seed's "down" file check: weight -10 takes node1 (100) below node2 (99). */
  VipdTracker t[] = { { "chk_down", -10, FALSE } };
  VipdPriorityResult r = compute (100, t, 1, 0);

  g_assert_cmpuint (r.priority, ==, 90);
  g_assert_cmpint (r.adjustment, ==, -10);
  t[0].up = TRUE;
  r = compute (100, t, 1, 0);
  g_assert_cmpuint (r.priority, ==, 100);
}

static void
test_sum_of_several (void)
{
  VipdTracker t[] = { { "a", 5, TRUE }, { "b", -30, FALSE }, { "c", 50, FALSE },
                      { "d", -2, TRUE } };
  VipdPriorityResult r = compute (100, t, G_N_ELEMENTS (t), 0);

  g_assert_cmpuint (r.priority, ==, 75);
  g_assert_cmpint (r.cause_tracker, ==, 1);
}

static void
test_clamped (void)
{
  VipdTracker up[] = { { "a", 200, TRUE } };
  VipdTracker down[] = { { "a", -200, FALSE } };

  g_assert_cmpuint (compute (100, up, 1, 0).priority, ==, 254);
  g_assert_cmpuint (compute (100, down, 1, 0).priority, ==, 1);
  g_assert_cmpuint (compute (1, down, 1, 0).priority, ==, 1);
}

static void
test_owner (void)
{
  VipdTracker idle[] = { { "a", 10, FALSE }, { "b", -10, TRUE } };
  VipdTracker boost[] = { { "a", 10, TRUE } };
  VipdTracker penalty[] = { { "a", -10, FALSE } };

  g_assert_cmpuint (compute (255, NULL, 0, 0).priority, ==, 255);
  g_assert_cmpuint (compute (255, idle, 2, 0).priority, ==, 255);
  /* An adjusted owner is no longer the owner. */
  g_assert_cmpuint (compute (255, boost, 1, 0).priority, ==, 254);
  g_assert_cmpuint (compute (255, penalty, 1, 0).priority, ==, 245);
}

static void
test_weight_zero_fault (void)
{
  VipdTracker t[] = { { "eth1", 0, TRUE }, { "bond0", 0, FALSE }, { "x", -5, FALSE } };
  VipdPriorityResult r = compute (100, t, 3, 0);

  g_assert_true (r.fault);
  g_assert_cmpint (r.fault_tracker, ==, 1);
  /* A weight-0 tracker never changes the number itself. */
  g_assert_cmpuint (r.priority, ==, 95);
  t[1].up = TRUE;
  r = compute (100, t, 3, 0);
  g_assert_false (r.fault);
  g_assert_cmpint (r.fault_tracker, ==, -1);
}

static void
test_admin_replaces (void)
{
  VipdTracker t[] = { { "a", -10, FALSE } };
  VipdPriorityResult r = compute (100, t, 1, 1);

  g_assert_cmpuint (r.priority, ==, 1);
  g_assert_true (r.admin);
  g_assert_cmpuint (compute (100, t, 1, 254).priority, ==, 254);
  g_assert_cmpuint (compute (255, NULL, 0, 254).priority, ==, 254);
  g_assert_cmpuint (compute (100, t, 1, 180).priority, ==, 180);
  /* 0 = none; 255 is never an admin priority. */
  g_assert_cmpuint (compute (100, t, 1, 0).priority, ==, 90);
  r = compute (100, t, 1, 255);
  g_assert_cmpuint (r.priority, ==, 90);
  g_assert_false (r.admin);
  g_assert_cmpuint (vipd_priority_apply_admin (77, 0), ==, 77);
  g_assert_cmpuint (vipd_priority_apply_admin (77, 3), ==, 3);
}

static void
test_admin_does_not_clear_fault (void)
{
  VipdTracker t[] = { { "eth1", 0, FALSE } };
  VipdPriorityResult r = compute (100, t, 1, 254);

  g_assert_true (r.fault);
  g_assert_cmpuint (r.priority, ==, 254);
}

static void
test_describe (void)
{
  VipdTracker t[] = { { "chk_down", -10, FALSE } };
  VipdTracker f[] = { { "eth1", 0, FALSE } };
  VipdPriorityResult r = compute (100, t, 1, 0);
  g_autofree char *s1 = vipd_priority_describe (100, t, 1, &r);
  g_autofree char *s2 = NULL;
  g_autofree char *s3 = NULL;
  g_autofree char *s4 = NULL;

  g_assert_cmpstr (s1, ==, "tracker chk_down down (weight -10): priority 100 -> 90");
  r = compute (100, f, 1, 0);
  s2 = vipd_priority_describe (100, f, 1, &r);
  g_assert_cmpstr (s2, ==, "tracker eth1 down (weight 0): fault");
  r = compute (100, t, 1, 1);
  s3 = vipd_priority_describe (100, t, 1, &r);
  g_assert_cmpstr (s3, ==, "admin priority 1");
  r = compute (100, NULL, 0, 0);
  s4 = vipd_priority_describe (100, NULL, 0, &r);
  g_assert_cmpstr (s4, ==, "base priority 100");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/priority/no-trackers", test_no_trackers);
  g_test_add_func ("/priority/positive-weight", test_positive_weight_adds_while_up);
  g_test_add_func ("/priority/negative-weight", test_negative_weight_subtracts_while_down);
  g_test_add_func ("/priority/sum", test_sum_of_several);
  g_test_add_func ("/priority/clamped", test_clamped);
  g_test_add_func ("/priority/owner", test_owner);
  g_test_add_func ("/priority/weight-zero-fault", test_weight_zero_fault);
  g_test_add_func ("/priority/admin-replaces", test_admin_replaces);
  g_test_add_func ("/priority/admin-keeps-fault", test_admin_does_not_clear_fault);
  g_test_add_func ("/priority/describe", test_describe);
  return g_test_run ();
}
