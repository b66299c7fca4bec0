/* The shell's deadline queue (service/vrrp/deadline-queue.c): one timerfd and a heap behind
 * every instance's timer. Checks order, re-arming, disarming and freeing from callbacks; never
 * how late a callback runs (no timing bounds), only that it never runs early. */
#include "deadline-queue.h"

typedef struct
{
  VipdDeadline *d;
  guint64 when;
  guint64 fired_at;
  guint fired;
  guint index;
  GArray *order; /* guint indexes in firing order */
  VipdDeadline *victim; /* freed by this one's callback */
  gboolean free_self;
  gboolean rearm_once;
} Probe;

static void
on_fire (gpointer data)
{
  Probe *p = data;

  p->fired++;
  p->fired_at = (guint64) g_get_monotonic_time ();
  g_array_append_val (p->order, p->index);
  if (p->victim)
    {
      vipd_deadline_free (p->victim);
      p->victim = NULL;
    }
  if (p->rearm_once)
    {
      p->rearm_once = FALSE;
      p->when = p->fired_at + 5000;
      vipd_deadline_set (p->d, p->when);
    }
  if (p->free_self)
    {
      vipd_deadline_free (p->d);
      p->d = NULL;
    }
}

/* A probe that records into order, with a disarmed deadline of its own. */
static void
probe_init (Probe *p, guint index, GArray *order)
{
  *p = (Probe) { .index = index, .order = order };
  p->d = vipd_deadline_new (on_fire, p);
}

static void
run_until (GArray *order, guint n)
{
  guint64 give_up = (guint64) g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (order->len < n && (guint64) g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_order (void)
{
  enum { N = 64 };
  Probe p[N];
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 now = (guint64) g_get_monotonic_time ();
  GRand *rand = g_rand_new_with_seed (8);

  for (guint i = 0; i < N; i++)
    {
      probe_init (&p[i], i, order);
      /* Some share a deadline; some are armed twice, the second time wins. */
      p[i].when = now + 20000 + (guint64) g_rand_int_range (rand, 0, 40) * 2000;
      if (i % 5 == 0)
        vipd_deadline_set (p[i].d, now + 500000);
      vipd_deadline_set (p[i].d, p[i].when);
    }
  run_until (order, N);
  g_assert_cmpuint (order->len, ==, N);
  for (guint k = 0; k < N; k++)
    {
      Probe *q = &p[g_array_index (order, guint, k)];

      g_assert_cmpuint (q->fired, ==, 1);
      g_assert_cmpuint (q->fired_at, >=, q->when);
      if (k > 0)
        g_assert_cmpuint (p[g_array_index (order, guint, k - 1)].when, <=, q->when);
    }
  for (guint i = 0; i < N; i++)
    vipd_deadline_free (p[i].d);
  g_rand_free (rand);
  g_array_unref (order);
}

static void
test_rearm_disarm_free (void)
{
  Probe a, b, c, d, e;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 now = (guint64) g_get_monotonic_time ();

  a = (Probe) { .index = 0, .order = order, .rearm_once = TRUE }; /* fires twice */
  b = (Probe) { .index = 1, .order = order };                     /* disarmed: never */
  c = (Probe) { .index = 2, .order = order, .free_self = TRUE };  /* frees itself */
  d = (Probe) { .index = 3, .order = order };                     /* freed by e first */
  e = (Probe) { .index = 4, .order = order };
  a.d = vipd_deadline_new (on_fire, &a);
  b.d = vipd_deadline_new (on_fire, &b);
  c.d = vipd_deadline_new (on_fire, &c);
  d.d = vipd_deadline_new (on_fire, &d);
  e.d = vipd_deadline_new (on_fire, &e);
  e.victim = d.d;
  a.when = now + 10000;
  vipd_deadline_set (a.d, a.when);
  vipd_deadline_set (b.d, now + 15000);
  vipd_deadline_set (b.d, VIPD_DEADLINE_NEVER);
  c.when = now - 1000; /* already past: runs at the next dispatch */
  vipd_deadline_set (c.d, c.when);
  d.when = now + 40000;
  vipd_deadline_set (d.d, d.when);
  e.when = now + 30000;
  vipd_deadline_set (e.d, e.when);
  run_until (order, 4); /* c, a, e, a again */
  g_assert_cmpuint (order->len, ==, 4);
  g_assert_cmpuint (c.fired, ==, 1);
  g_assert_null (c.d);
  g_assert_cmpuint (a.fired, ==, 2);
  g_assert_cmpuint (a.fired_at, >=, a.when);
  g_assert_cmpuint (e.fired, ==, 1);
  g_assert_cmpuint (e.fired_at, >=, e.when);
  /* d was freed by e's callback before its deadline; b was disarmed. Give them a chance. */
  {
    guint64 until = (guint64) g_get_monotonic_time () + 100000;

    vipd_deadline_set (e.d, until);
    run_until (order, 5);
  }
  g_assert_cmpuint (b.fired, ==, 0);
  g_assert_cmpuint (d.fired, ==, 0);
  g_assert_cmpuint (order->len, ==, 5);
  g_assert_cmpuint (g_array_index (order, guint, 4), ==, 4);
  vipd_deadline_free (a.d);
  vipd_deadline_free (b.d);
  vipd_deadline_free (e.d);
  g_array_unref (order);
}

/* Deadlines with an early window ride along with one that wakes the queue inside their window,
 * never before the window opens; one without a window never fires early. */
static void
test_early_window (void)
{
  Probe a, b, c, d;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 now = (guint64) g_get_monotonic_time ();

  probe_init (&a, 0, order);
  probe_init (&b, 1, order); /* window reaches a's deadline: fires with it */
  probe_init (&c, 2, order); /* window opens after a's deadline: on its own */
  probe_init (&d, 3, order); /* no window: on its own */
  a.when = now + 50000;
  b.when = now + 150000;
  c.when = now + 400000;
  d.when = now + 200000;
  vipd_deadline_set (a.d, a.when);
  vipd_deadline_set_early (b.d, b.when, 120000);
  vipd_deadline_set_early (c.d, c.when, 100000);
  vipd_deadline_set (d.d, d.when);
  run_until (order, 4);
  g_assert_cmpuint (order->len, ==, 4);
  g_assert_cmpuint (g_array_index (order, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (order, guint, 1), ==, 1); /* same dispatch as a */
  g_assert_cmpuint (g_array_index (order, guint, 2), ==, 3);
  g_assert_cmpuint (g_array_index (order, guint, 3), ==, 2);
  g_assert_cmpuint (c.fired_at, >, d.fired_at);
  g_assert_cmpuint (b.fired_at, <, b.when);
  g_assert_cmpuint (b.fired_at, >=, b.when - 120000);
  g_assert_cmpuint (d.fired_at, >=, d.when);
  g_assert_cmpuint (c.fired_at, >=, c.when - 100000);
  vipd_deadline_free (a.d);
  vipd_deadline_free (b.d);
  vipd_deadline_free (c.d);
  vipd_deadline_free (d.d);
  g_array_unref (order);
}

/* A deadline inside its window waits for its own time when the one after it could share that
 * wake-up but not this one: b's window reaches a's wake-up, but c (window opens after a, before
 * b's deadline) would then need a wake-up of its own; instead b fires at its deadline and c
 * rides along. */
static void
test_early_waits_for_shared (void)
{
  Probe a, b, c;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 now = (guint64) g_get_monotonic_time ();

  probe_init (&a, 0, order);
  probe_init (&b, 1, order);
  probe_init (&c, 2, order);
  a.when = now + 50000;
  b.when = now + 250000;
  c.when = now + 260000;
  vipd_deadline_set (a.d, a.when);
  vipd_deadline_set_early (b.d, b.when, 220000);
  vipd_deadline_set_early (c.d, c.when, 40000);
  run_until (order, 3);
  g_assert_cmpuint (order->len, ==, 3);
  g_assert_cmpuint (g_array_index (order, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (order, guint, 1), ==, 1);
  g_assert_cmpuint (g_array_index (order, guint, 2), ==, 2);
  g_assert_cmpuint (b.fired_at, >=, b.when);     /* waited for its own deadline */
  g_assert_cmpuint (c.fired_at, <, c.when);      /* rode along with b */
  g_assert_cmpuint (c.fired_at, >=, c.when - 40000);
  vipd_deadline_free (a.d);
  vipd_deadline_free (b.d);
  vipd_deadline_free (c.d);
  g_array_unref (order);
}

/* The dispatch does not read the timerfd: re-arming it must leave nothing to dispatch, both when
 * another deadline is still queued and when the heap is empty (a busy loop would show here as
 * a pending main context). */
static void
test_quiet_after_dispatch (void)
{
  Probe a, b;
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 now = (guint64) g_get_monotonic_time ();

  probe_init (&a, 0, order);
  probe_init (&b, 1, order);
  a.when = now + 20000;
  b.when = now + 300000;
  vipd_deadline_set (a.d, a.when);
  vipd_deadline_set (b.d, b.when);
  run_until (order, 1);
  g_assert_cmpuint (a.fired, ==, 1);
  g_assert_false (g_main_context_pending (NULL));
  run_until (order, 2);
  g_assert_cmpuint (b.fired, ==, 1);
  g_assert_cmpuint (b.fired_at, >=, b.when);
  g_assert_false (g_main_context_pending (NULL));
  /* Armed again after a quiet spell: the descriptor still wakes the loop. */
  a.when = (guint64) g_get_monotonic_time () + 20000;
  vipd_deadline_set (a.d, a.when);
  run_until (order, 3);
  g_assert_cmpuint (a.fired, ==, 2);
  g_assert_cmpuint (a.fired_at, >=, a.when);
  g_assert_false (g_main_context_pending (NULL));
  vipd_deadline_free (a.d);
  vipd_deadline_free (b.d);
  g_array_unref (order);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deadline-queue/order", test_order);
  g_test_add_func ("/deadline-queue/rearm-disarm-free", test_rearm_disarm_free);
  g_test_add_func ("/deadline-queue/early-window", test_early_window);
  g_test_add_func ("/deadline-queue/quiet-after-dispatch", test_quiet_after_dispatch);
  g_test_add_func ("/deadline-queue/early-waits-for-shared", test_early_waits_for_shared);
  return g_test_run ();
}
