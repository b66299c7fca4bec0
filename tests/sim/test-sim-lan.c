/* Elections on a simulated LAN: what a cluster of vipd routers promises its users — one master
 * per VRID, found within the RFC's intervals, and no gap in VIP ownership on admin hand-overs. */
#include "sim-lan.h"

#define S(x) ((guint64) (x) * 1000000)
#define MS(x) ((guint64) (x) * 1000)
#define DELAY 100  /* µs, one-way */
#define INT_CS 10  /* 0.1 s adverts, as the test network rules ask */
#define VRID 10

/* Fails the test the moment two live masters of vrid coexist. */
static void
at_most_one_master (SimLan *lan, guint64 now, gpointer data)
{
  guint8 vrid = GPOINTER_TO_UINT (data);

  if (sim_lan_count_masters (lan, vrid) > 1)
    g_error ("%u masters of VRID %u at %" G_GUINT64_FORMAT " us",
             sim_lan_count_masters (lan, vrid), vrid, now);
}

/* n routers on n hosts, priorities 100..100+n-1 in a scrambled order; returns the index of
 * the router with priority 100+rank. */
static SimLan *
build (guint n, double loss, guint32 seed, gint *by_rank)
{
  SimLan *lan = sim_lan_new (DELAY, loss, seed);

  for (guint i = 0; i < n; i++)
    {
      guint rank = (i * 7) % n; /* 7 is prime to every n used here */
      guint idx = sim_lan_add (lan, i, 3, VRID, (guint8) (100 + rank), INT_CS, TRUE);

      by_rank[rank] = (gint) idx;
      sim_lan_schedule (lan, idx, 0, VIPD_EV_STARTUP, 0);
    }
  return lan;
}

static void
crash_failover (gconstpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  gint by_rank[32];
  SimLan *lan = build (n, 0, 1, by_rank);
  guint64 t0 = S (2) + 12345;
  guint64 mdi = vipd_fsm_master_down_us (3, (guint8) (100 + n - 2), INT_CS);

  sim_lan_set_observer (lan, at_most_one_master, GUINT_TO_POINTER (VRID));
  sim_lan_run_until (lan, S (2));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[n - 1]);
  g_assert_cmpuint (sim_lan_count_holders (lan, VRID), ==, 1);

  sim_lan_schedule_crash (lan, (guint) by_rank[n - 1], t0);
  sim_lan_run_until (lan, t0 + mdi - MS (100) - 1);
  /* Nobody may jump early: adverts kept the timers fresh until the crash. */
  g_assert_cmpuint (sim_lan_count_masters (lan, VRID), ==, 0);
  sim_lan_run_until (lan, t0 + mdi + DELAY);
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[n - 2]);
  g_assert_cmpuint (sim_lan_count_holders (lan, VRID), ==, 1);
  sim_lan_run_until (lan, t0 + S (5));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[n - 2]);
  g_assert_cmpuint (sim_lan_rx_rejected (lan), ==, 0);
  g_assert_cmpuint (sim_lan_router (lan, (guint) by_rank[n - 2])->n_rx, >, 0);
  sim_lan_free (lan);
}

static void
test_partition_heals (void)
{
  gint by_rank[4];
  SimLan *lan = build (4, 0, 1, by_rank);
  guint64 heal = S (4) + 3333;

  sim_lan_run_until (lan, S (2));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[3]);
  /* Split the two lowest from the two highest: each side elects its own master. */
  sim_lan_set_group (lan, sim_lan_router (lan, (guint) by_rank[0])->host, 1);
  sim_lan_set_group (lan, sim_lan_router (lan, (guint) by_rank[1])->host, 1);
  sim_lan_run_until (lan, heal);
  g_assert_cmpuint (sim_lan_count_masters (lan, VRID), ==, 2);
  g_assert_cmpint (sim_lan_router (lan, (guint) by_rank[1])->fsm.state, ==, VIPD_STATE_MASTER);
  g_assert_cmpint (sim_lan_router (lan, (guint) by_rank[3])->fsm.state, ==, VIPD_STATE_MASTER);
  g_assert_cmpuint (sim_lan_count_holders (lan, VRID), ==, 2);

  sim_lan_heal (lan);
  sim_lan_run_until (lan, heal + (guint64) INT_CS * 10000 + DELAY);
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[3]);
  g_assert_cmpuint (sim_lan_count_holders (lan, VRID), ==, 1);
  sim_lan_set_observer (lan, at_most_one_master, GUINT_TO_POINTER (VRID));
  sim_lan_run_until (lan, heal + S (3));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[3]);
  sim_lan_free (lan);
}

static void
test_priority_zero_handover (void)
{
  gint by_rank[3];
  SimLan *lan = build (3, 0, 1, by_rank);
  guint64 t0 = S (2) + 4242;
  guint64 skew = vipd_fsm_skew_time_us (3, 101, INT_CS);

  sim_lan_set_observer (lan, at_most_one_master, GUINT_TO_POINTER (VRID));
  sim_lan_run_until (lan, S (2));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[2]);
  sim_lan_schedule (lan, (guint) by_rank[2], t0, VIPD_EV_SHUTDOWN, 0);
  sim_lan_run_until (lan, t0 + DELAY + skew - 1);
  g_assert_cmpuint (sim_lan_count_masters (lan, VRID), ==, 0);
  g_assert_cmpint (sim_lan_router (lan, (guint) by_rank[2])->fsm.state, ==, VIPD_STATE_STOP);
  g_assert_false (sim_lan_router (lan, (guint) by_rank[2])->holds_vips);
  sim_lan_run_until (lan, t0 + DELAY + skew);
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[1]);
  g_assert_cmpuint (skew, <, vipd_fsm_master_down_us (3, 101, INT_CS) / 4);
  sim_lan_run_until (lan, t0 + S (3));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[1]);
  sim_lan_free (lan);
}

typedef struct
{
  guint64 dual_since; /* 0 = one master or none */
  guint64 longest_dual;
  guint episodes;
} DualWatch;

static void
watch_dual (SimLan *lan, guint64 now, gpointer data)
{
  DualWatch *w = data;

  if (sim_lan_count_masters (lan, VRID) > 1)
    {
      if (w->dual_since == 0)
        {
          w->dual_since = now;
          w->episodes++;
        }
      w->longest_dual = MAX (w->longest_dual, now - w->dual_since);
    }
  else
    w->dual_since = 0;
}

static void
test_loss (void)
{
  gint by_rank[8];
  SimLan *lan = build (8, 0.05, 20261126, by_rank);
  DualWatch w = { 0 };
  guint lost = 0;

  sim_lan_set_observer (lan, watch_dual, &w);
  sim_lan_run_until (lan, S (1000));
  g_test_message ("%u dual-master episodes, longest %" G_GUINT64_FORMAT " us", w.episodes,
                  w.longest_dual);
  for (guint i = 0; i < 8; i++)
    lost += sim_lan_router (lan, i)->n_lost;
  g_assert_cmpuint (lost, >, 1000);
  /* The seed makes loss cost a master now and then: the check below is not vacuous. */
  g_assert_cmpuint (w.episodes, >, 0);
  g_assert_cmpuint (w.longest_dual, <=, vipd_fsm_master_down_us (3, 100, INT_CS));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[7]);
  g_assert_cmpuint (sim_lan_rx_rejected (lan), ==, 0);
  sim_lan_free (lan);
}

static void
at_most_one_master_each (SimLan *lan, guint64 now, gpointer data)
{
  for (guint8 vrid = 50; vrid <= 52; vrid++)
    at_most_one_master (lan, now, GUINT_TO_POINTER (vrid));
}

static void
test_three_crossed_routers (void)
{
  /* The seed's three-routers/: v2, 1 s adverts, PASS 1111, each router first on one VRID. */
  static const guint8 prio[3][3] = { /* host x VRID 50..52 */
    { 100, 98, 99 }, { 99, 100, 98 }, { 98, 99, 100 },
  };
  SimLan *lan = sim_lan_new (DELAY, 0, 1);
  guint idx[3][3];
  guint64 t0 = S (10) + 500000;

  for (guint h = 0; h < 3; h++)
    for (guint v = 0; v < 3; v++)
      {
        idx[h][v] = sim_lan_add (lan, h, 2, (guint8) (50 + v), prio[h][v], 100, TRUE);
        sim_lan_schedule (lan, idx[h][v], 0, VIPD_EV_STARTUP, 0);
      }
  sim_lan_set_observer (lan, at_most_one_master_each, NULL);
  sim_lan_run_until (lan, S (10));
  for (guint v = 0; v < 3; v++)
    {
      g_assert_cmpint (sim_lan_sole_master (lan, (guint8) (50 + v)), ==, (gint) idx[v][v]);
      g_assert_cmpuint (sim_lan_count_holders (lan, (guint8) (50 + v)), ==, 1);
    }
  g_assert_cmpuint (sim_lan_rx_rejected (lan), ==, 0);

  /* Router A dies: VRID 50 moves to B (99), the others stay where they are. */
  sim_lan_schedule_crash_host (lan, 0, t0);
  sim_lan_run_until (lan, t0 + vipd_fsm_master_down_us (2, 99, 100) + DELAY);
  g_assert_cmpint (sim_lan_sole_master (lan, 50), ==, (gint) idx[1][0]);
  g_assert_cmpint (sim_lan_sole_master (lan, 51), ==, (gint) idx[1][1]);
  g_assert_cmpint (sim_lan_sole_master (lan, 52), ==, (gint) idx[2][2]);
  sim_lan_free (lan);
}

typedef struct
{
  guint min_holders;
  DualWatch dual;
} HolderWatch;

static void
watch_holders (SimLan *lan, guint64 now, gpointer data)
{
  HolderWatch *w = data;

  watch_dual (lan, now, &w->dual);
  w->min_holders = MIN (w->min_holders, sim_lan_count_holders (lan, VRID));
}

static void
test_admin_handover_no_gap (void)
{
  gint by_rank[3];
  SimLan *lan = build (3, 0, 1, by_rank);
  HolderWatch w = { G_MAXUINT, { 0 } };
  SimRouter *low = sim_lan_router (lan, (guint) by_rank[0]);
  SimRouter *mid = sim_lan_router (lan, (guint) by_rank[1]);
  SimRouter *top = sim_lan_router (lan, (guint) by_rank[2]);

  sim_lan_run_until (lan, S (2));
  g_assert_true (top->holds_vips);
  sim_lan_set_observer (lan, watch_holders, &w);

  /* Demote: the next in line takes over after Skew_Time, the old master lets go only then. */
  sim_lan_schedule (lan, (guint) by_rank[2], S (2) + 5000, VIPD_EV_ADMIN_DEMOTE, 0);
  sim_lan_run_until (lan, S (2) + 5000 + DELAY + vipd_fsm_skew_time_us (3, 101, INT_CS)
                            + DELAY);
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[1]);
  g_assert_false (top->holds_vips);
  g_assert_cmpint (top->fsm.state, ==, VIPD_STATE_BACKUP);
  sim_lan_run_until (lan, S (4));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[1]);
  g_assert_cmpuint (vipd_fsm_priority (&top->fsm), ==, 1);

  /* TakeOver by the lowest: master at once, the old master yields on its first advert. */
  sim_lan_schedule (lan, (guint) by_rank[0], S (4) + 777, VIPD_EV_ADMIN_TAKEOVER, 0);
  sim_lan_run_until (lan, S (4) + 777 + DELAY);
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[0]);
  g_assert_false (mid->holds_vips);
  sim_lan_run_until (lan, S (6));
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[0]);
  g_assert_cmpuint (sim_lan_count_holders (lan, VRID), ==, 1);

  /* Maintenance on the master: hands over like Demote, then stays out. */
  sim_lan_schedule (lan, (guint) by_rank[0], S (6), VIPD_EV_MAINTENANCE_ON, 0);
  sim_lan_run_until (lan, S (8));
  g_assert_cmpint (low->fsm.state, ==, VIPD_STATE_MAINTENANCE);
  g_assert_false (low->holds_vips);
  g_assert_cmpint (sim_lan_sole_master (lan, VRID), ==, by_rank[1]);

  g_assert_cmpuint (w.min_holders, ==, 1);
  /* TakeOver overlaps two masters for one link delay at most: the old one yields on the
   * first advert it hears. Demote and maintenance never overlap masters. */
  g_assert_cmpuint (w.dual.episodes, ==, 1);
  g_assert_cmpuint (w.dual.longest_dual, <=, DELAY);
  sim_lan_free (lan);
}

int
main (int argc, char **argv)
{
  static const guint sizes[] = { 2, 3, 8, 32 };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sim/crash-failover/%u", sizes[i]);
      g_test_add_data_func (path, GUINT_TO_POINTER (sizes[i]), crash_failover);
    }
  g_test_add_func ("/sim/partition-heals", test_partition_heals);
  g_test_add_func ("/sim/priority-zero-handover", test_priority_zero_handover);
  g_test_add_func ("/sim/loss", test_loss);
  g_test_add_func ("/sim/three-crossed-routers", test_three_crossed_routers);
  g_test_add_func ("/sim/admin-handover-no-gap", test_admin_handover_no_gap);
  return g_test_run ();
}
