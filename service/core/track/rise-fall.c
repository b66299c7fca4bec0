/* rise-fall.c — see rise-fall.h. */
#include "track/rise-fall.h"

void
vipd_rise_fall_init (VipdRiseFall *rf, guint rise, guint fall, gboolean init_fail)
{
  rf->rise = MAX (rise, 1);
  rf->fall = MAX (fall, 1);
  rf->up = !init_fail;
  rf->streak = 0;
  rf->seen = FALSE;
}

gboolean
vipd_rise_fall_feed (VipdRiseFall *rf, gboolean ok)
{
  rf->seen = TRUE;
  if (ok == rf->up)
    {
      rf->streak = 0;
      return FALSE;
    }
  rf->streak++;
  if (rf->streak < (ok ? rf->rise : rf->fall))
    return FALSE;
  rf->up = ok;
  rf->streak = 0;
  return TRUE;
}
