/* script-runner.c — see script-runner.h. */
#include "script-runner.h"

#include <sys/wait.h>

#include "log.h"
#include "script-security.h"
#include "spawn.h"
#include "track/rise-fall.h"
#include "track/script-command.h"

struct _VipdScriptRunner
{
  const VipdScript *conf;
  const VipdGlobalDefs *global;
  char **argv;
  VipdRunAs run_as;
  VipdRiseFall rf;
  VipdSpawn *running;
  guint interval_source;
  gboolean started;
  gboolean disabled;
  guint64 started_at;
  char last_result[96];
  int last_exit_status; /* -1: never ran, killed or timed out */
  guint64 last_run_us;  /* wall clock of the last completed run; 0 = none */
  VipdScriptChangedFunc changed;
  gpointer changed_data;
};

VipdScriptRunner *
vipd_script_runner_new (const VipdScript *conf, const VipdGlobalDefs *global,
                        VipdScriptChangedFunc changed, gpointer user_data)
{
  VipdScriptRunner *r = g_new0 (VipdScriptRunner, 1);

  r->conf = conf;
  r->global = global;
  r->last_exit_status = -1;
  r->changed = changed;
  r->changed_data = user_data;
  vipd_rise_fall_init (&r->rf, conf->rise, conf->fall, conf->init_fail);
  return r;
}

void
vipd_script_runner_free (VipdScriptRunner *r)
{
  if (r == NULL)
    return;
  g_clear_handle_id (&r->interval_source, g_source_remove);
  vipd_spawn_cancel (r->running);
  vipd_run_as_clear (&r->run_as);
  g_strfreev (r->argv);
  g_free (r);
}

static guint
timeout_ms (const VipdScriptRunner *r)
{
  return r->conf->timeout_ms > 0 ? r->conf->timeout_ms : r->conf->interval_ms;
}

static void
disable (VipdScriptRunner *r, const char *why)
{
  r->disabled = TRUE;
  g_clear_handle_id (&r->interval_source, g_source_remove);
  vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                     "vrrp_script %s disabled: %s; it no longer affects any instance",
                     r->conf->name, why);
  if (r->changed)
    r->changed (r, r->changed_data);
}

/* One result: rise/fall, logs, and the change callback when the status flips. */
static void
record (VipdScriptRunner *r, gboolean ok)
{
  gboolean was_up = r->rf.up;

  if (!vipd_rise_fall_feed (&r->rf, ok))
    return;
  if (was_up)
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "vrrp_script %s failed (%s%s)", r->conf->name,
                       r->last_result, r->conf->fall > 1 ? ", fall reached" : "");
  else
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "vrrp_script %s succeeded%s", r->conf->name,
                       r->conf->rise > 1 ? " (rise reached)" : "");
  if (r->changed)
    r->changed (r, r->changed_data);
}

static void
run_done (int wait_status, gboolean timed_out, gpointer data)
{
  VipdScriptRunner *r = data;
  gboolean ok = !timed_out && WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0;
  guint64 took_ms = ((guint64) g_get_monotonic_time () - r->started_at) / 1000;

  r->running = NULL;
  r->last_run_us = (guint64) g_get_real_time ();
  r->last_exit_status = !timed_out && WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (timed_out)
    g_snprintf (r->last_result, sizeof r->last_result, "timed out after %u ms, killed",
                timeout_ms (r));
  else if (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) != 0)
    g_snprintf (r->last_result, sizeof r->last_result, "exit status %d",
                WEXITSTATUS (wait_status));
  else if (WIFSIGNALED (wait_status))
    g_snprintf (r->last_result, sizeof r->last_result, "killed by signal %d",
                WTERMSIG (wait_status));
  else
    r->last_result[0] = '\0';
  vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL, "vrrp_script %s: %s in %" G_GUINT64_FORMAT " ms",
                     r->conf->name, ok ? "success" : r->last_result, took_ms);
  if (timed_out)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "vrrp_script %s %s", r->conf->name,
                       r->last_result);
  record (r, ok);
}

static gboolean
tick (gpointer data)
{
  VipdScriptRunner *r = data;
  g_autoptr (GError) error = NULL;

  if (r->running != NULL)
    {
      /* Never two runs of one script: this interval is skipped; the timeout ends the run. */
      vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL, "vrrp_script %s still running; interval skipped",
                         r->conf->name);
      return G_SOURCE_CONTINUE;
    }
  r->started_at = (guint64) g_get_monotonic_time ();
  r->running = vipd_spawn_start (r->argv, &r->run_as, timeout_ms (r), run_done, r, &error);
  if (r->running == NULL)
    {
      /* A script that cannot start (not there yet, not executable) fails; said once. */
      char now[sizeof r->last_result];

      g_snprintf (now, sizeof now, "cannot run %s: %s", r->argv[0], error->message);
      if (g_strcmp0 (now, r->last_result) != 0)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "vrrp_script %s: %s", r->conf->name, now);
      g_strlcpy (r->last_result, now, sizeof r->last_result);
      record (r, FALSE);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
first_tick (gpointer data)
{
  VipdScriptRunner *r = data;

  r->interval_source = 0;
  if (tick (r) == G_SOURCE_CONTINUE)
    r->interval_source = g_timeout_add (MAX (r->conf->interval_ms, 10), tick, r);
  return G_SOURCE_REMOVE;
}

static const char *
run_user (const VipdScript *conf, const VipdGlobalDefs *global)
{
  return conf->user ? conf->user : global->script_user;
}

static const char *
run_group (const VipdScript *conf, const VipdGlobalDefs *global)
{
  return conf->user ? conf->group : global->script_group;
}

void
vipd_script_runner_start (VipdScriptRunner *r)
{
  const char *user = run_user (r->conf, r->global);
  const char *group = run_group (r->conf, r->global);
  g_autoptr (GError) error = NULL;
  g_autofree char *program = NULL;

  r->started = TRUE;
  r->argv = vipd_script_argv (r->conf->script.command, NULL, &error);
  if (r->argv == NULL)
    {
      disable (r, error->message);
      return;
    }
  if (!vipd_run_as_resolve (&r->run_as, user, group, &error))
    {
      disable (r, error->message);
      return;
    }
  program = vipd_script_program (r->conf->script.command);
  if (r->global->enable_script_security && !vipd_script_security_check (program, &error))
    {
      g_autofree char *why = g_strdup_printf ("enable_script_security refuses it: %s",
                                              error->message);
      disable (r, why);
      return;
    }
  if (!vipd_script_is_inline (r->conf->script.command)
      && !g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "vrrp_script %s: %s is not an executable file (yet); every run fails "
                       "until it is", r->conf->name, program);
  vipd_log_instance (G_LOG_LEVEL_INFO, NULL,
                     "vrrp_script %s: %s %s every %u ms, timeout %u ms, weight %d, rise %u, "
                     "fall %u%s%s", r->conf->name,
                     vipd_script_is_inline (r->conf->script.command) ? "bash -c" : "runs",
                     r->conf->script.command, r->conf->interval_ms, timeout_ms (r),
                     r->conf->weight, r->rf.rise, r->rf.fall, user ? ", as " : "",
                     user ? user : "");
  r->interval_source = g_idle_add (first_tick, r);
}

gboolean
vipd_script_runner_same_definition (const VipdScriptRunner *r, const VipdScript *conf,
                                    const VipdGlobalDefs *global)
{
  const VipdScript *a = r->conf;

  return g_strcmp0 (a->name, conf->name) == 0
         && g_strcmp0 (a->script.command, conf->script.command) == 0
         && a->interval_ms == conf->interval_ms && a->timeout_ms == conf->timeout_ms
         && a->weight == conf->weight && a->reverse == conf->reverse && a->rise == conf->rise
         && a->fall == conf->fall && a->init_fail == conf->init_fail
         && g_strcmp0 (run_user (a, r->global), run_user (conf, global)) == 0
         && g_strcmp0 (run_group (a, r->global), run_group (conf, global)) == 0
         && r->global->enable_script_security == global->enable_script_security;
}

void
vipd_script_runner_set_status (VipdScriptRunner *r, gboolean up)
{
  g_return_if_fail (!r->started);
  vipd_rise_fall_init (&r->rf, r->conf->rise, r->conf->fall, !up);
}

gboolean
vipd_script_runner_is_running (const VipdScriptRunner *r)
{
  return r->started && !r->disabled;
}

void
vipd_script_runner_adopt (VipdScriptRunner *r, const VipdScript *conf,
                          const VipdGlobalDefs *global, VipdScriptChangedFunc changed,
                          gpointer user_data)
{
  /* The argv, the resolved user and the rise/fall settings were made from an equal
   * definition: they stay, and so does the run in progress. */
  r->conf = conf;
  r->global = global;
  r->changed = changed;
  r->changed_data = user_data;
}

const char *
vipd_script_runner_get_name (const VipdScriptRunner *r)
{
  return r->conf->name;
}

const VipdScript *
vipd_script_runner_get_config (const VipdScriptRunner *r)
{
  return r->conf;
}

gboolean
vipd_script_runner_is_up (const VipdScriptRunner *r)
{
  return r->rf.up;
}

gboolean
vipd_script_runner_is_disabled (const VipdScriptRunner *r)
{
  return r->disabled;
}

const char *
vipd_script_runner_get_last_result (const VipdScriptRunner *r)
{
  return r->last_result;
}

int
vipd_script_runner_get_last_exit_status (const VipdScriptRunner *r)
{
  return r->last_exit_status;
}

guint64
vipd_script_runner_get_last_run (const VipdScriptRunner *r)
{
  return r->last_run_us;
}
