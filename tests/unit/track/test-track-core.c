/* The pure parts of tracking and notification: rise/fall, what a tracker contributes to the
 * priority, how a command is run, and what notify scripts and FIFO readers receive. */
#include "fsm/priority.h"
#include "notify/notify-format.h"
#include "track/rise-fall.h"
#include "track/script-command.h"
#include "track/track-value.h"

static void
test_rise_fall_defaults (void)
{
  VipdRiseFall rf;

  vipd_rise_fall_init (&rf, 1, 1, FALSE);
  g_assert_true (rf.up);
  g_assert_false (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_true (vipd_rise_fall_feed (&rf, FALSE));
  g_assert_false (rf.up);
  g_assert_true (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_true (rf.up);
}

static void
test_rise_fall_counts (void)
{
  VipdRiseFall rf;

  /* fall 3: two failures are not enough, a success in between starts the count again. */
  vipd_rise_fall_init (&rf, 2, 3, FALSE);
  g_assert_false (vipd_rise_fall_feed (&rf, FALSE));
  g_assert_false (vipd_rise_fall_feed (&rf, FALSE));
  g_assert_false (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_false (vipd_rise_fall_feed (&rf, FALSE));
  g_assert_false (vipd_rise_fall_feed (&rf, FALSE));
  g_assert_true (rf.up);
  g_assert_true (vipd_rise_fall_feed (&rf, FALSE));
  g_assert_false (rf.up);
  /* rise 2 */
  g_assert_false (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_false (rf.up);
  g_assert_true (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_true (rf.up);
}

static void
test_rise_fall_init_fail (void)
{
  VipdRiseFall rf;

  vipd_rise_fall_init (&rf, 3, 1, TRUE);
  g_assert_false (rf.up);
  g_assert_false (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_false (vipd_rise_fall_feed (&rf, TRUE));
  g_assert_true (vipd_rise_fall_feed (&rf, TRUE));
  /* rise 0 / fall 0 behave as 1 */
  vipd_rise_fall_init (&rf, 0, 0, FALSE);
  g_assert_true (vipd_rise_fall_feed (&rf, FALSE));
}

static guint8
prio_of (guint8 base, const VipdTracker *t, gboolean *fault)
{
  VipdPriorityResult r;

  vipd_priority_compute (base, t, 1, 0, &r);
  if (fault)
    *fault = r.fault;
  return r.priority;
}

static void
test_status_reverse (void)
{
  VipdTracker t;
  gboolean fault;

  vipd_tracker_from_status ("s", -10, FALSE, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 90);
  vipd_tracker_from_status ("s", -10, FALSE, TRUE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 100);
  /* reverse: weight 10 takes 10 off while the check succeeds */
  vipd_tracker_from_status ("s", 10, TRUE, TRUE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 90);
  vipd_tracker_from_status ("s", 10, TRUE, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 100);
  /* weight -10 reverse: adds 10 while it fails */
  vipd_tracker_from_status ("s", -10, TRUE, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 110);
  /* weight 0: fault while down, reverse or not */
  vipd_tracker_from_status ("s", 0, TRUE, FALSE, &t);
  prio_of (100, &t, &fault);
  g_assert_true (fault);
  vipd_tracker_from_status ("s", 0, FALSE, TRUE, &t);
  prio_of (100, &t, &fault);
  g_assert_false (fault);
}

static void
test_file_value (void)
{
  VipdTracker t;
  gboolean fault;

  vipd_tracker_from_file ("f", 3, -10, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, &fault), ==, 70);
  g_assert_false (fault);
  g_assert_false (t.up); /* a lowering file counts as a failure (sync groups) */
  vipd_tracker_from_file ("f", 3, 10, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 130);
  g_assert_true (t.up);
  vipd_tracker_from_file ("f", 3, 10, TRUE, &t);
  g_assert_cmpuint (prio_of (100, &t, NULL), ==, 70);
  vipd_tracker_from_file ("f", 0, -10, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, &fault), ==, 100);
  g_assert_false (fault);
  g_assert_true (t.up);
  /* weight 0: any non-zero value is a fault */
  vipd_tracker_from_file ("f", 2, 0, FALSE, &t);
  prio_of (100, &t, &fault);
  g_assert_true (fault);
  vipd_tracker_from_file ("f", 0, 0, FALSE, &t);
  prio_of (100, &t, &fault);
  g_assert_false (fault);
  /* -254 or less: fault; huge values do not overflow */
  vipd_tracker_from_file ("f", 254, -1, FALSE, &t);
  prio_of (100, &t, &fault);
  g_assert_true (fault);
  vipd_tracker_from_file ("f", G_MAXINT64, 253, FALSE, &t);
  g_assert_cmpuint (prio_of (100, &t, &fault), ==, 254);
  g_assert_false (fault);
  vipd_tracker_from_file ("f", G_MININT64, 253, FALSE, &t);
  prio_of (100, &t, &fault);
  g_assert_true (fault);
}

static void
test_file_parse (void)
{
  g_assert_cmpint (vipd_track_file_parse ("42\n"), ==, 42);
  g_assert_cmpint (vipd_track_file_parse ("  -7 trailing"), ==, -7);
  g_assert_cmpint (vipd_track_file_parse (""), ==, 0);
  g_assert_cmpint (vipd_track_file_parse ("abc"), ==, 0);
  g_assert_cmpint (vipd_track_file_parse (NULL), ==, 0);
  g_assert_cmpint (vipd_track_file_parse ("99999999999999999999999"), ==, 0);
}

static void
test_script_command (void)
{
  const char *extra[] = { "INSTANCE", "VI_1", "MASTER", "100", NULL };
  g_auto (GStrv) seed = NULL;
  g_auto (GStrv) path = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *prog = NULL;

  /* The seed's inline check runs with bash, which knows [[. */
  seed = vipd_script_argv ("[[ -f /etc/keepalived/down ]] && exit 1 || exit 0", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seed[0], ==, "/bin/bash");
  g_assert_cmpstr (seed[1], ==, "-c");
  g_assert_cmpstr (seed[2], ==, "[[ -f /etc/keepalived/down ]] && exit 1 || exit 0");
  g_assert_cmpuint (g_strv_length (seed), ==, 4);
  /* A path with plain arguments runs directly, the extra arguments appended. */
  path = vipd_script_argv ("/etc/keepalived/notify.sh  --verbose", extra, &error);
  g_assert_cmpstr (path[0], ==, "/etc/keepalived/notify.sh");
  g_assert_cmpstr (path[1], ==, "--verbose");
  g_assert_cmpstr (path[2], ==, "INSTANCE");
  g_assert_cmpstr (path[5], ==, "100");
  g_assert_null (path[6]);
  /* Inline with extra arguments: they are $1.. after $0. */
  args = vipd_script_argv ("echo \"$3\" > /tmp/x", extra, &error);
  g_assert_cmpstr (args[0], ==, "/bin/bash");
  g_assert_cmpstr (args[4], ==, "INSTANCE");
  g_assert_cmpstr (args[6], ==, "MASTER");
  g_assert_true (vipd_script_is_inline ("killall -0 nginx"));
  g_assert_true (vipd_script_is_inline ("/usr/bin/test -f $HOME/x"));
  g_assert_false (vipd_script_is_inline ("/etc/keepalived/down.sh"));
  prog = vipd_script_program (" /usr/bin/curl -s http://x");
  g_assert_cmpstr (prog, ==, "/usr/bin/curl");
  g_assert_null (vipd_script_argv ("  ", NULL, &error));
  g_assert_nonnull (error);
}

static void
test_notify_format (void)
{
  g_auto (GStrv) args = vipd_notify_args (VIPD_NOTIFY_INSTANCE, "VI_1", VIPD_STATE_MASTER, 100);
  g_auto (GStrv) gargs = vipd_notify_args (VIPD_NOTIFY_GROUP, "VG_1", VIPD_STATE_FAULT, 100);
  g_autofree char *line = vipd_notify_fifo_line (VIPD_NOTIFY_INSTANCE, "VI_1", VIPD_STATE_MASTER, 100);
  g_autofree char *gline = vipd_notify_fifo_line (VIPD_NOTIFY_GROUP, "VG_1", VIPD_STATE_BACKUP, 7);

  g_assert_cmpstr (args[0], ==, "INSTANCE");
  g_assert_cmpstr (args[1], ==, "VI_1");
  g_assert_cmpstr (args[2], ==, "MASTER");
  g_assert_cmpstr (args[3], ==, "100");
  g_assert_null (args[4]);
  g_assert_cmpstr (gargs[0], ==, "GROUP");
  g_assert_cmpstr (gargs[2], ==, "FAULT");
  g_assert_cmpstr (gargs[3], ==, "0");
  g_assert_cmpstr (line, ==, "INSTANCE \"VI_1\" MASTER 100\n");
  g_assert_cmpstr (gline, ==, "GROUP \"VG_1\" BACKUP 0\n");
  g_assert_cmpstr (vipd_notify_state_name (VIPD_STATE_STOP), ==, "STOP");
  g_assert_cmpstr (vipd_notify_state_name (VIPD_STATE_MAINTENANCE), ==, "BACKUP");
  g_assert_null (vipd_notify_state_name (VIPD_STATE_INIT));
  g_assert_null (vipd_notify_args (VIPD_NOTIFY_INSTANCE, "VI_1", VIPD_STATE_INIT, 1));
  g_assert_null (vipd_notify_fifo_line (VIPD_NOTIFY_INSTANCE, "VI_1", VIPD_STATE_INIT, 1));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/track/rise-fall/defaults", test_rise_fall_defaults);
  g_test_add_func ("/track/rise-fall/counts", test_rise_fall_counts);
  g_test_add_func ("/track/rise-fall/init-fail", test_rise_fall_init_fail);
  g_test_add_func ("/track/value/status-reverse", test_status_reverse);
  g_test_add_func ("/track/value/file", test_file_value);
  g_test_add_func ("/track/value/file-parse", test_file_parse);
  g_test_add_func ("/track/script-command", test_script_command);
  g_test_add_func ("/notify/format", test_notify_format);
  return g_test_run ();
}
