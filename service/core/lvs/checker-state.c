/* checker-state.c — retries, verdicts and MISC_CHECK exit statuses, as keepalived has them. */
#include "checker-state.h"

void
vipd_checker_state_init (VipdCheckerState *s, guint retry, guint delay_loop_ms,
                         guint delay_before_retry_ms, gboolean alpha)
{
  *s = (VipdCheckerState){
    .retry = retry,
    .delay_loop_ms = delay_loop_ms,
    .delay_before_retry_ms = delay_before_retry_ms,
    .up = !alpha,
  };
}

VipdCheckStep
vipd_checker_state_result (VipdCheckerState *s, gboolean success)
{
  VipdCheckStep step = { .next_ms = s->delay_loop_ms };

  if (success)
    {
      s->retries_done = 0;
      step.changed = !s->up;
      s->up = TRUE;
      s->known = TRUE;
      return step;
    }
  if (s->retries_done < s->retry)
    {
      s->retries_done++;
      step.next_ms = s->delay_before_retry_ms;
      step.retrying = TRUE;
      return step;
    }
  s->retries_done = 0;
  step.changed = s->up;
  s->up = FALSE;
  s->known = TRUE;
  return step;
}

gboolean
vipd_misc_check_result (gboolean exited, int exit_status, gboolean timed_out, guint timeout_ms,
                        gboolean dynamic, int *weight, char **reason)
{
  *weight = -1;
  if (timed_out)
    {
      *reason = g_strdup_printf ("timed out after %u ms (killed)", timeout_ms);
      return FALSE;
    }
  if (!exited)
    {
      *reason = g_strdup ("killed by a signal");
      return FALSE;
    }
  if (exit_status == 0)
    {
      *reason = g_strdup ("exit status 0");
      return TRUE;
    }
  if (dynamic && exit_status >= 2 && exit_status <= 255)
    {
      *weight = exit_status - 2;
      *reason = g_strdup_printf ("exit status %d (misc_dynamic: weight %d)", exit_status,
                                 *weight);
      return TRUE;
    }
  *reason = g_strdup_printf ("exit status %d", exit_status);
  return FALSE;
}
