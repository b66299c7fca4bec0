/* checker-state.h — keepalived's verdict on a real server from its check results, and what a
 * MISC_CHECK exit status means. Pure: time is never read here.
 *
 * keepalived's rule (check_tcp.c, check_http.c, check_misc.c): a success marks the checker up
 * at once; a failure is retried `retry` times, each retry after delay_before_retry, and only
 * when the last retry fails too is the checker marked down. Checks then continue every
 * delay_loop. So a server goes down after retry + 1 consecutive failures. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint retry;                 /* retries after a failure before going down */
  guint delay_loop_ms;         /* between checks */
  guint delay_before_retry_ms; /* between a failure and its retry */
  gboolean up;                 /* the verdict */
  gboolean known;              /* a verdict was reached at least once */
  guint retries_done;          /* failures since the last verdict, less one */
} VipdCheckerState;

typedef struct
{
  gboolean changed;   /* the verdict flipped */
  guint next_ms;      /* when to check again */
  gboolean retrying;  /* next_ms is a retry, not the delay loop */
} VipdCheckStep;

/* Starts up, as keepalived does, unless alpha (then down until a first success). */
void vipd_checker_state_init (VipdCheckerState *s, guint retry, guint delay_loop_ms,
                              guint delay_before_retry_ms, gboolean alpha);
/* Feeds one check result. */
VipdCheckStep vipd_checker_state_result (VipdCheckerState *s, gboolean success);

/* A MISC_CHECK run: success and, with misc_dynamic, the weight it asks for (-1 = unchanged).
 * keepalived: exit 0 up; 1 down; 2-255 with misc_dynamic: up with weight status - 2 (without
 * misc_dynamic any non-zero status is down); killed at misc_timeout: down. reason is a line for
 * the log ("exit status 1", "timed out after 5000 ms"). */
gboolean vipd_misc_check_result (gboolean exited, int exit_status, gboolean timed_out,
                                 guint timeout_ms, gboolean dynamic, int *weight, char **reason);

G_END_DECLS
