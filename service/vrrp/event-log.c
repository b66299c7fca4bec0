/* event-log.c — a ring buffer of transitions. */
#include "event-log.h"

struct _VipdEventLog
{
  VipdEventRecord *ring;
  guint capacity;
  guint start; /* index of the oldest record */
  guint len;
};

static void
record_clear (VipdEventRecord *r)
{
  g_free (r->instance);
  g_free (r->old_state);
  g_free (r->new_state);
  g_free (r->reason);
}

VipdEventLog *
vipd_event_log_new (guint capacity)
{
  VipdEventLog *log = g_new0 (VipdEventLog, 1);

  log->capacity = MAX (capacity, 1);
  log->ring = g_new0 (VipdEventRecord, log->capacity);
  return log;
}

void
vipd_event_log_free (VipdEventLog *log)
{
  if (log == NULL)
    return;
  for (guint i = 0; i < log->len; i++)
    record_clear (&log->ring[(log->start + i) % log->capacity]);
  g_free (log->ring);
  g_free (log);
}

const VipdEventRecord *
vipd_event_log_add (VipdEventLog *log, guint64 timestamp_us, const char *instance,
                    const char *old_state, const char *new_state, const char *reason)
{
  VipdEventRecord *r;

  if (log->len == log->capacity)
    {
      record_clear (&log->ring[log->start]);
      log->start = (log->start + 1) % log->capacity;
      log->len--;
    }
  r = &log->ring[(log->start + log->len) % log->capacity];
  r->timestamp_us = timestamp_us;
  r->instance = g_strdup (instance);
  r->old_state = g_strdup (old_state);
  r->new_state = g_strdup (new_state);
  r->reason = g_strdup (reason ? reason : "");
  log->len++;
  return r;
}

GPtrArray *
vipd_event_log_query (const VipdEventLog *log, guint64 since_us, guint max)
{
  GPtrArray *out = g_ptr_array_new ();
  guint first = 0;

  for (guint i = 0; i < log->len; i++)
    {
      VipdEventRecord *r = &log->ring[(log->start + i) % log->capacity];

      if (r->timestamp_us > since_us)
        g_ptr_array_add (out, r);
    }
  if (max > 0 && out->len > max)
    first = out->len - max;
  if (first > 0)
    g_ptr_array_remove_range (out, 0, first);
  return out;
}
