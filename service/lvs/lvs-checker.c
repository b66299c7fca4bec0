/* lvs-checker.c — see lvs-checker.h. */
#include "lvs-checker.h"

#include <sys/wait.h>

#include "log.h"
#include "lvs-probe.h"
#include "lvs/checker-state.h"
#include "script-security.h"
#include "spawn.h"
#include "track/script-command.h"

struct _VipdLvsChecker
{
  const VipdVirtualServer *vs;
  const VipdRealServer *rs;
  const VipdChecker *conf;
  const VipdGlobalDefs *global;
  VipdLvsCheckerFunc func;
  gpointer user_data;
  VipdCheckerState state;
  guint timer;
  VipdProbe *probe;
  VipdSpawn *child;
  char **argv;
  VipdRunAs run_as;
  gboolean disabled;
  char *last_reason;
  guint64 last_check_us;
  guint64 checks, failures;
  int dynamic_weight;
};

static void schedule (VipdLvsChecker *c, guint ms);

static guint
delay_loop (const VipdLvsChecker *c)
{
  return c->conf->delay_loop_ms ? c->conf->delay_loop_ms : c->vs->delay_loop_ms;
}

static const char *
rs_text (const VipdLvsChecker *c, char *buf, gsize len)
{
  g_autofree char *ep = vipd_lvs_endpoint_name (&c->rs->addr, c->rs->port);

  g_snprintf (buf, len, "%s", ep);
  return buf;
}

/* One result: the verdict, the log line of a flip, the next check. */
static void
result (VipdLvsChecker *c, gboolean success, const char *reason)
{
  VipdCheckStep step;
  char rs[80];

  c->checks++;
  if (!success)
    c->failures++;
  c->last_check_us = (guint64) g_get_real_time ();
  g_free (c->last_reason);
  c->last_reason = g_strdup (reason);
  step = vipd_checker_state_result (&c->state, success);
  if (step.changed)
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "%s real server %s %s: %s%s", c->vs->name,
                       rs_text (c, rs, sizeof rs), success ? "up" : "down", reason,
                       !success && c->state.retry > 0
                           ? (c->state.retry == 1 ? " (after 1 retry)" : " (after retries)")
                           : "");
  else if (!success)
    /* A server that is down already says so once, not every delay_loop. */
    vipd_log_instance (step.retrying ? G_LOG_LEVEL_INFO : G_LOG_LEVEL_DEBUG, NULL, "%s real server %s check failed%s: %s",
                       c->vs->name, rs_text (c, rs, sizeof rs),
                       step.retrying ? ", retrying" : "", reason);
  schedule (c, step.next_ms);
  if (c->func)
    c->func (c, step.changed, c->user_data);
}

static void
probe_done (gboolean success, const char *reason, gpointer data)
{
  VipdLvsChecker *c = data;

  c->probe = NULL;
  result (c, success, reason);
}

static void
misc_done (int wait_status, gboolean timed_out, gpointer data)
{
  VipdLvsChecker *c = data;
  g_autofree char *reason = NULL;
  g_autofree char *full = NULL;
  guint timeout = c->conf->misc_timeout_ms ? c->conf->misc_timeout_ms : delay_loop (c);
  int weight = -1;
  gboolean ok;

  c->child = NULL;
  ok = vipd_misc_check_result (!timed_out && WIFEXITED (wait_status),
                               WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1, timed_out,
                               timeout, c->conf->misc_dynamic, &weight, &reason);
  if (ok && c->conf->misc_dynamic)
    c->dynamic_weight = weight;
  full = g_strdup_printf ("MISC_CHECK %s: %s", c->argv[0], reason);
  if (timed_out)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s: %s", c->vs->name, full);
  result (c, ok, full);
}

static void
run_once (VipdLvsChecker *c)
{
  if (c->conf->kind == VIPD_CHECK_MISC)
    {
      g_autoptr (GError) error = NULL;
      guint timeout = c->conf->misc_timeout_ms ? c->conf->misc_timeout_ms : delay_loop (c);

      c->child = vipd_spawn_start (c->argv, &c->run_as, timeout, misc_done, c, &error);
      if (c->child == NULL)
        {
          g_autofree char *reason = g_strdup_printf ("MISC_CHECK cannot run %s: %s", c->argv[0],
                                                     error->message);

          result (c, FALSE, reason);
        }
      return;
    }
  {
    const char *vhost = c->conf->virtualhost ? c->conf->virtualhost : c->vs->virtualhost;
    const VipdAddr *to = vipd_addr_is_set (&c->conf->connect_ip) ? &c->conf->connect_ip
                                                                 : &c->rs->addr;
    g_autofree char *addr = vipd_addr_to_string (to);
    g_autofree char *host = vhost ? g_strdup (vhost)
                            : to->family == AF_INET6 ? g_strdup_printf ("[%s]", addr)
                                                     : g_strdup (addr);

    c->probe = vipd_probe_start (c->conf, &c->rs->addr, c->rs->port, host, probe_done, c);
  }
}

static gboolean
on_timer (gpointer data)
{
  VipdLvsChecker *c = data;

  c->timer = 0;
  run_once (c);
  return G_SOURCE_REMOVE;
}

static void
schedule (VipdLvsChecker *c, guint ms)
{
  g_clear_handle_id (&c->timer, g_source_remove);
  c->timer = g_timeout_add (ms, on_timer, c);
}

VipdLvsChecker *
vipd_lvs_checker_new (const VipdVirtualServer *vs, const VipdRealServer *rs,
                      const VipdChecker *conf, const VipdGlobalDefs *global,
                      VipdLvsCheckerFunc func, gpointer user_data)
{
  VipdLvsChecker *c = g_new0 (VipdLvsChecker, 1);

  c->func = func;
  c->user_data = user_data;
  c->dynamic_weight = -1;
  c->last_reason = g_strdup ("");
  vipd_lvs_checker_rebind (c, vs, rs, conf, global);
  vipd_checker_state_init (&c->state, conf->retry, delay_loop (c), conf->delay_before_retry_ms,
                           vs->alpha);
  return c;
}

void
vipd_lvs_checker_rebind (VipdLvsChecker *c, const VipdVirtualServer *vs, const VipdRealServer *rs,
                         const VipdChecker *conf, const VipdGlobalDefs *global)
{
  c->vs = vs;
  c->rs = rs;
  c->conf = conf;
  c->global = global;
  /* An attempt in flight reads the old configuration: start it again on the new one. */
  if (c->probe)
    {
      vipd_probe_cancel (c->probe);
      c->probe = NULL;
      schedule (c, 0);
    }
}

static void
disable (VipdLvsChecker *c, const char *why)
{
  char rs[80];

  c->disabled = TRUE;
  vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s real server %s: MISC_CHECK disabled: %s",
                     c->vs->name, rs_text (c, rs, sizeof rs), why);
  /* A check that can never run must not keep a server in the pool. */
  result (c, FALSE, why);
  g_clear_handle_id (&c->timer, g_source_remove);
}

void
vipd_lvs_checker_start (VipdLvsChecker *c)
{
  guint first = 0;

  if (c->conf->kind == VIPD_CHECK_MISC)
    {
      g_autoptr (GError) error = NULL;
      const char *user = c->conf->user ? c->conf->user : c->global->script_user;
      const char *group = c->conf->user ? c->conf->group : c->global->script_group;
      g_autofree char *program = NULL;

      c->argv = vipd_script_argv (c->conf->misc_path.command, NULL, &error);
      if (c->argv == NULL)
        {
          disable (c, error->message);
          return;
        }
      if (!vipd_run_as_resolve (&c->run_as, user, group, &error))
        {
          disable (c, error->message);
          return;
        }
      program = vipd_script_program (c->conf->misc_path.command);
      if (c->global->enable_script_security && !c->run_as.switch_user
          && !vipd_script_security_check (program, &error))
        {
          g_autofree char *why = g_strdup_printf ("enable_script_security refuses it: %s",
                                                  error->message);

          disable (c, why);
          return;
        }
    }
  /* keepalived spreads the first checks over warmup so a restart does not hit every real
   * server at once. */
  if (c->conf->warmup_ms > 0)
    first = (guint) g_random_int_range (0, (gint32) MIN (c->conf->warmup_ms, G_MAXINT32));
  schedule (c, first);
}

void
vipd_lvs_checker_free (VipdLvsChecker *c)
{
  if (c == NULL)
    return;
  g_clear_handle_id (&c->timer, g_source_remove);
  vipd_probe_cancel (c->probe);
  vipd_spawn_cancel (c->child);
  vipd_run_as_clear (&c->run_as);
  g_strfreev (c->argv);
  g_free (c->last_reason);
  g_free (c);
}

gboolean
vipd_lvs_checker_is_up (const VipdLvsChecker *c)
{
  return c->state.up;
}

gboolean
vipd_lvs_checker_is_known (const VipdLvsChecker *c)
{
  return c->state.known;
}

int
vipd_lvs_checker_get_dynamic_weight (const VipdLvsChecker *c)
{
  return c->dynamic_weight;
}

const char *
vipd_lvs_checker_get_last_reason (const VipdLvsChecker *c)
{
  return c->last_reason;
}

guint64
vipd_lvs_checker_get_last_check (const VipdLvsChecker *c)
{
  return c->last_check_us;
}

guint64
vipd_lvs_checker_get_checks (const VipdLvsChecker *c)
{
  return c->checks;
}

guint64
vipd_lvs_checker_get_failures (const VipdLvsChecker *c)
{
  return c->failures;
}
