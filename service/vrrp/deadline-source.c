/* deadline-source.c — a timerfd in a GSource. */
#include "deadline-source.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"

typedef struct
{
  GSource source;
  int fd;
  gpointer tag;
  char *log_name;
} DeadlineSource;

static gboolean
deadline_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  DeadlineSource *ds = (DeadlineSource *) source;
  guint64 expirations = 0;

  if (ds->fd < 0)
    g_source_set_ready_time (source, -1);
  /* Re-armed after the poll (say, by a packet handled first): this wake-up is stale. */
  else if (read (ds->fd, &expirations, sizeof expirations) != sizeof expirations)
    return G_SOURCE_CONTINUE;
  return callback ? callback (user_data) : G_SOURCE_CONTINUE;
}

static void
deadline_finalize (GSource *source)
{
  DeadlineSource *ds = (DeadlineSource *) source;

  if (ds->fd >= 0)
    close (ds->fd);
  g_free (ds->log_name);
}

static GSourceFuncs deadline_funcs = { .dispatch = deadline_dispatch,
                                       .finalize = deadline_finalize };

GSource *
vipd_deadline_source_new (const char *log_name)
{
  GSource *source = g_source_new (&deadline_funcs, sizeof (DeadlineSource));
  DeadlineSource *ds = (DeadlineSource *) source;

  ds->log_name = g_strdup (log_name);
  ds->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ds->fd >= 0)
    ds->tag = g_source_add_unix_fd (source, ds->fd, G_IO_IN);
  else
    vipd_log_instance (G_LOG_LEVEL_WARNING, ds->log_name,
                       "timerfd_create failed (%s): timers may fire late", g_strerror (errno));
  return source;
}

void
vipd_deadline_source_set (GSource *source, guint64 deadline)
{
  DeadlineSource *ds = (DeadlineSource *) source;
  struct itimerspec its = { 0 };

  if (ds->fd < 0)
    {
      g_source_set_ready_time (source, deadline == VIPD_DEADLINE_NEVER ? -1 : (gint64) deadline);
      return;
    }
  if (deadline != VIPD_DEADLINE_NEVER)
    {
      its.it_value.tv_sec = (time_t) (deadline / G_USEC_PER_SEC);
      its.it_value.tv_nsec = (long) (deadline % G_USEC_PER_SEC) * 1000;
      if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1; /* all zero would disarm */
    }
  if (timerfd_settime (ds->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, ds->log_name,
                         "timerfd_settime failed (%s): falling back to GLib timeouts",
                         g_strerror (errno));
      g_source_remove_unix_fd (source, ds->tag);
      close (ds->fd);
      ds->fd = -1;
      vipd_deadline_source_set (source, deadline);
    }
}
