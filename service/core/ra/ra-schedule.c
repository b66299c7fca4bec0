/* ra-schedule.c — when a master sends its Router Advertisements: an initial burst on taking
 * over, then one every random [MinRtrAdvInterval, MaxRtrAdvInterval], and answers to
 * solicitations after a random 0..500 ms, never two multicast RAs within 3 s (RFC 4861
 * sections 6.2.4 and 6.2.6). Time is an argument; randomness comes in as numbers. */
#include "ra.h"

#include <string.h>

guint64
vipd_ra_uniform (guint64 lo, guint64 hi, guint32 rnd)
{
  if (hi <= lo)
    return lo;
  /* rnd = 0 gives lo, rnd = G_MAXUINT32 gives hi. */
  return lo + (guint64) ((double) (hi - lo) * ((double) rnd / (double) G_MAXUINT32));
}

void
vipd_ra_schedule_init (VipdRaSchedule *s, const VipdRaScheduleConfig *cfg)
{
  memset (s, 0, sizeof *s);
  s->cfg = *cfg;
  s->next_us = VIPD_RA_NEVER;
}

void
vipd_ra_schedule_start (VipdRaSchedule *s, guint64 now)
{
  if (s->active)
    return;
  s->active = TRUE;
  s->sent = 0;
  /* A takeover is when hosts most need to hear of the router: the first RA goes at once,
   * unless this node sent one moments ago (a quick backup -> master -> backup -> master). */
  s->next_us = s->has_sent && now < s->last_sent_us + VIPD_RA_MIN_DELAY_US
                   ? s->last_sent_us + VIPD_RA_MIN_DELAY_US
                   : now;
}

void
vipd_ra_schedule_stop (VipdRaSchedule *s)
{
  s->active = FALSE;
  s->next_us = VIPD_RA_NEVER;
}

void
vipd_ra_schedule_sent (VipdRaSchedule *s, guint64 now, guint32 rnd)
{
  guint64 lo = (guint64) s->cfg.min_interval_s * G_USEC_PER_SEC;
  guint64 hi = (guint64) s->cfg.max_interval_s * G_USEC_PER_SEC;
  guint64 wait;

  s->has_sent = TRUE;
  s->last_sent_us = now;
  if (!s->active)
    return;
  if (s->sent < G_MAXUINT)
    s->sent++;
  /* Every multicast RA, solicited or not, restarts the unsolicited timer (6.2.4). */
  wait = vipd_ra_uniform (MIN (lo, hi), hi, rnd);
  if (s->sent < VIPD_RA_INITIAL)
    wait = MIN (wait, VIPD_RA_INITIAL_INTERVAL_US);
  /* The rate limit holds whatever the configuration says. */
  wait = MAX (wait, VIPD_RA_MIN_DELAY_US);
  s->next_us = now + wait;
}

void
vipd_ra_schedule_failed (VipdRaSchedule *s, guint64 now)
{
  if (s->active)
    s->next_us = now + VIPD_RA_RETRY_US;
}

gboolean
vipd_ra_schedule_solicited (VipdRaSchedule *s, guint64 now, guint32 rnd)
{
  guint64 delay, at;

  if (!s->active)
    return FALSE;
  delay = vipd_ra_uniform (0, VIPD_RA_MAX_DELAY_US, rnd);
  at = now + delay;
  /* Within MIN_DELAY_BETWEEN_RAS of the last multicast RA: the answer waits for the limit,
   * plus the random delay (6.2.6). */
  if (s->has_sent && now < s->last_sent_us + VIPD_RA_MIN_DELAY_US)
    at = s->last_sent_us + VIPD_RA_MIN_DELAY_US + delay;
  /* One already due earlier answers this solicitation too. */
  if (at < s->next_us)
    s->next_us = at;
  return TRUE;
}

void
vipd_ra_schedule_reconfigure (VipdRaSchedule *s, const VipdRaScheduleConfig *cfg)
{
  s->cfg = *cfg;
}

guint64
vipd_ra_schedule_next (const VipdRaSchedule *s)
{
  return s->active ? s->next_us : VIPD_RA_NEVER;
}
