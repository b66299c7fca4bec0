/* notify-format.c — see notify-format.h. */
#include "notify/notify-format.h"

const char *
vipd_notify_state_name (VipdState state)
{
  switch (state)
    {
    case VIPD_STATE_MASTER:
      return "MASTER";
    case VIPD_STATE_BACKUP:
    case VIPD_STATE_MAINTENANCE:
      return "BACKUP";
    case VIPD_STATE_FAULT:
      return "FAULT";
    case VIPD_STATE_STOP:
      return "STOP";
    default:
      return NULL;
    }
}

static const char *
kind_name (VipdNotifyKind kind)
{
  return kind == VIPD_NOTIFY_GROUP ? "GROUP" : "INSTANCE";
}

char **
vipd_notify_args (VipdNotifyKind kind, const char *name, VipdState state, guint8 priority)
{
  const char *s = vipd_notify_state_name (state);
  char **out;

  if (s == NULL)
    return NULL;
  out = g_new0 (char *, 5);
  out[0] = g_strdup (kind_name (kind));
  out[1] = g_strdup (name);
  out[2] = g_strdup (s);
  out[3] = g_strdup_printf ("%u", kind == VIPD_NOTIFY_GROUP ? 0u : (guint) priority);
  return out;
}

char *
vipd_notify_fifo_line (VipdNotifyKind kind, const char *name, VipdState state, guint8 priority)
{
  const char *s = vipd_notify_state_name (state);

  if (s == NULL)
    return NULL;
  return g_strdup_printf ("%s \"%s\" %s %u\n", kind_name (kind), name, s,
                          kind == VIPD_NOTIFY_GROUP ? 0u : (guint) priority);
}
