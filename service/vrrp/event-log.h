/* event-log.h — the bounded history of state transitions that GetEvents reads. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIPD_EVENT_LOG_SIZE 1024

typedef struct
{
  guint64 timestamp_us; /* wall clock, µs since the epoch */
  char *instance;
  char *old_state;
  char *new_state;
  char *reason;
} VipdEventRecord;

typedef struct _VipdEventLog VipdEventLog;

/* A log keeping the newest capacity records. */
VipdEventLog *vipd_event_log_new (guint capacity);
void vipd_event_log_free (VipdEventLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdEventLog, vipd_event_log_free)
/* Appends a record (strings copied); the oldest one goes when the log is full. */
const VipdEventRecord *vipd_event_log_add (VipdEventLog *log, guint64 timestamp_us,
                                           const char *instance, const char *old_state,
                                           const char *new_state, const char *reason);
/* Records newer than since_us, oldest first, at most max (0 = all) of the newest ones;
 * borrowed pointers valid until the next add. */
GPtrArray *vipd_event_log_query (const VipdEventLog *log, guint64 since_us, guint max);

G_END_DECLS
