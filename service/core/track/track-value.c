/* track-value.c — see track-value.h. */
#include "track/track-value.h"

#include <errno.h>
#include <stdlib.h>

void
vipd_tracker_from_status (const char *name, int weight, gboolean reverse, gboolean ok,
                          VipdTracker *out)
{
  out->name = name;
  if (weight == 0 || !reverse)
    {
      out->weight = weight;
      out->up = ok;
      return;
    }
  out->weight = -weight;
  out->up = !ok;
}

void
vipd_tracker_from_file (const char *name, gint64 value, int weight, gboolean reverse,
                        VipdTracker *out)
{
  gint64 adj;

  out->name = name;
  if (weight == 0)
    {
      out->weight = 0;
      out->up = value == 0;
      return;
    }
  /* Both factors are bounded (value is clamped first), so the product cannot overflow. */
  value = CLAMP (value, -G_MAXINT32, G_MAXINT32);
  adj = value * (gint64) weight * (reverse ? -1 : 1);
  if (adj <= -VIPD_PRIORITY_MAX_BACKUP)
    {
      out->weight = 0; /* keepalived: a product of -254 or less is a fault */
      out->up = FALSE;
      return;
    }
  if (adj == 0)
    {
      /* No effect, and not a failure either: a negative weight that is up adds nothing. */
      out->weight = -1;
      out->up = TRUE;
      return;
    }
  out->weight = (int) MIN (adj, VIPD_PRIORITY_MAX_BACKUP);
  out->up = adj > 0;
}

gint64
vipd_track_file_parse (const char *contents)
{
  char *end = NULL;
  gint64 v;

  if (contents == NULL)
    return 0;
  errno = 0;
  v = g_ascii_strtoll (contents, &end, 10);
  if (end == contents || errno != 0)
    return 0;
  return v;
}
