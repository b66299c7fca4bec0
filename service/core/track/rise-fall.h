/* rise-fall.h — keepalived's rise/fall hysteresis for a check that succeeds or fails.
 *
 * A check starts up, or failed with init_fail. It goes down after `fall` consecutive failures
 * and back up after `rise` consecutive successes; a result that agrees with the current status
 * resets the count. Pure: no I/O, no allocation. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint rise, fall; /* >= 1 */
  gboolean up;
  guint streak;     /* consecutive results that disagree with up */
  gboolean seen;    /* at least one result arrived */
} VipdRiseFall;

void vipd_rise_fall_init (VipdRiseFall *rf, guint rise, guint fall, gboolean init_fail);
/* Feeds one result; returns TRUE when rf->up changed. */
gboolean vipd_rise_fall_feed (VipdRiseFall *rf, gboolean ok);

G_END_DECLS
