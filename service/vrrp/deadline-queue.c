/* deadline-queue.c — see deadline-queue.h. */
#include "deadline-queue.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"

#define NOT_QUEUED G_MAXUINT

struct _VipdDeadline
{
  guint64 when;
  guint64 early; /* may fire this much before when, with a deadline that fires anyway */
  guint index; /* in the heap, or NOT_QUEUED */
  VipdDeadlineFunc func;
  gpointer user_data;
};

typedef struct
{
  GSource source;
  int fd;
  gpointer tag;
  guint64 armed; /* what the timerfd (or ready time) is set to */
  GPtrArray *heap; /* VipdDeadline*, a min-heap on when */
  guint users;     /* live VipdDeadlines: the source goes with the last */
  gboolean dispatching; /* arm() once after the callbacks, not after each */
} Queue;

static Queue *queue;

/* --- the heap --- */

static inline VipdDeadline *
at (Queue *q, guint i)
{
  return g_ptr_array_index (q->heap, i);
}

static void
place (Queue *q, guint i, VipdDeadline *d)
{
  q->heap->pdata[i] = d;
  d->index = i;
}

static void
sift_up (Queue *q, guint i)
{
  VipdDeadline *d = at (q, i);

  while (i > 0 && at (q, (i - 1) / 2)->when > d->when)
    {
      place (q, i, at (q, (i - 1) / 2));
      i = (i - 1) / 2;
    }
  place (q, i, d);
}

static void
sift_down (Queue *q, guint i)
{
  VipdDeadline *d = at (q, i);
  guint n = q->heap->len;

  for (;;)
    {
      guint c = 2 * i + 1;

      if (c >= n)
        break;
      if (c + 1 < n && at (q, c + 1)->when < at (q, c)->when)
        c++;
      if (at (q, c)->when >= d->when)
        break;
      place (q, i, at (q, c));
      i = c;
    }
  place (q, i, d);
}

static void
heap_remove (Queue *q, VipdDeadline *d)
{
  guint i = d->index;
  VipdDeadline *last = g_ptr_array_steal_index (q->heap, q->heap->len - 1);

  d->index = NOT_QUEUED;
  if (last == d)
    return;
  place (q, i, last);
  if (i > 0 && at (q, (i - 1) / 2)->when > last->when)
    sift_up (q, i);
  else
    sift_down (q, i);
}

/* --- the timerfd --- */

static void
arm (Queue *q)
{
  guint64 when = q->heap->len > 0 ? at (q, 0)->when : VIPD_DEADLINE_NEVER;
  struct itimerspec its = { 0 };

  if (when == q->armed || q->dispatching)
    return;
  q->armed = when;
  if (q->fd < 0)
    {
      g_source_set_ready_time (&q->source, when == VIPD_DEADLINE_NEVER ? -1 : (gint64) when);
      return;
    }
  if (when != VIPD_DEADLINE_NEVER)
    {
      its.it_value.tv_sec = (time_t) (when / G_USEC_PER_SEC);
      its.it_value.tv_nsec = (long) (when % G_USEC_PER_SEC) * 1000;
      if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1; /* all zero would disarm */
    }
  if (timerfd_settime (q->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                         "timerfd_settime failed (%s): falling back to GLib timeouts",
                         g_strerror (errno));
      g_source_remove_unix_fd (&q->source, q->tag);
      close (q->fd);
      q->fd = -1;
      q->armed = VIPD_DEADLINE_NEVER - 1;
      arm (q);
    }
}

/* Whether d, not due yet but inside its early window, had better wait for its own deadline:
 * when the deadline after it (the smaller child of the root) cannot ride along now but can
 * at d's deadline, d's own wake-up serves both, and firing d now would only make it come round
 * again sooner. A VIP renewal (a window of a quarter lifetime) thus waits for the advert it
 * would meet at half a lifetime instead of riding on the one before it. */
static gboolean
shares_later_wake_up (Queue *q, const VipdDeadline *d, guint64 now)
{
  const VipdDeadline *e = NULL;
  guint64 opens;

  if (q->heap->len > 1)
    e = at (q, 1);
  if (q->heap->len > 2 && at (q, 2)->when < e->when)
    e = at (q, 2);
  if (e == NULL)
    return FALSE;
  opens = e->when > e->early ? e->when - e->early : 0;
  return opens > now && opens <= d->when;
}

static gboolean
queue_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  Queue *q = (Queue *) source;
  guint64 now;
  guint budget;

  /* No read() of the expiration count: the timerfd_settime() that arm() below always makes
   * (armed is forced to a value no deadline has) resets it, so the descriptor is not readable
   * again until the next expiry. That saves a system call on every wake-up. If the timer was
   * re-armed since the poll, nothing is due and the loop below runs nothing. */
  q->armed = VIPD_DEADLINE_NEVER - 1;
  /* Callbacks may arm, disarm or free any deadline (and add new ones). Each due deadline
   * leaves the heap before its callback runs; one that re-arms itself in the past waits for
   * the next dispatch, so that a loop of them cannot starve the main loop. */
  now = (guint64) g_get_monotonic_time ();
  budget = q->heap->len;
  g_source_ref (source);
  q->dispatching = TRUE;
  while (budget-- > 0 && q->heap->len > 0 && at (q, 0)->when <= now + at (q, 0)->early)
    {
      VipdDeadline *d = at (q, 0);

      if (d->when > now && shares_later_wake_up (q, d, now))
        break;

      heap_remove (q, d);
      d->when = VIPD_DEADLINE_NEVER;
      d->func (d->user_data);
    }
  q->dispatching = FALSE;
  if (queue == q)
    arm (q);
  g_source_unref (source);
  return G_SOURCE_CONTINUE;
}

static void
queue_finalize (GSource *source)
{
  Queue *q = (Queue *) source;

  if (q->fd >= 0)
    close (q->fd);
  g_ptr_array_unref (q->heap);
}

static GSourceFuncs queue_funcs = { .dispatch = queue_dispatch, .finalize = queue_finalize };

static Queue *
queue_get (void)
{
  Queue *q;

  if (queue != NULL)
    return queue;
  q = (Queue *) g_source_new (&queue_funcs, sizeof (Queue));
  q->heap = g_ptr_array_new ();
  q->armed = VIPD_DEADLINE_NEVER;
  q->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (q->fd >= 0)
    q->tag = g_source_add_unix_fd (&q->source, q->fd, G_IO_IN);
  else
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "timerfd_create failed (%s): timers may fire late", g_strerror (errno));
  g_source_set_priority (&q->source, G_PRIORITY_HIGH);
  /* Kept in the poll set while dispatched: see service/net/fd-watch.h. */
  g_source_set_can_recurse (&q->source, TRUE);
  g_source_set_name (&q->source, "vipd deadlines");
  g_source_attach (&q->source, NULL);
  queue = q;
  return q;
}

/* --- the API --- */

VipdDeadline *
vipd_deadline_new (VipdDeadlineFunc func, gpointer user_data)
{
  VipdDeadline *d = g_new0 (VipdDeadline, 1);

  d->when = VIPD_DEADLINE_NEVER;
  d->index = NOT_QUEUED;
  d->func = func;
  d->user_data = user_data;
  queue_get ()->users++;
  return d;
}

void
vipd_deadline_set (VipdDeadline *d, guint64 deadline_us)
{
  vipd_deadline_set_early (d, deadline_us, 0);
}

void
vipd_deadline_set_early (VipdDeadline *d, guint64 deadline_us, guint64 early_us)
{
  Queue *q = queue_get ();
  guint64 old = d->when;

  d->when = deadline_us;
  d->early = early_us;
  if (d->index == NOT_QUEUED)
    {
      if (deadline_us == VIPD_DEADLINE_NEVER)
        return;
      g_ptr_array_add (q->heap, d);
      sift_up (q, q->heap->len - 1);
    }
  else if (deadline_us == VIPD_DEADLINE_NEVER)
    heap_remove (q, d);
  else if (deadline_us < old)
    sift_up (q, d->index);
  else
    sift_down (q, d->index);
  arm (q);
}

void
vipd_deadline_free (VipdDeadline *d)
{
  Queue *q = queue;

  if (d == NULL)
    return;
  if (d->index != NOT_QUEUED)
    heap_remove (q, d);
  g_free (d);
  if (--q->users == 0)
    {
      /* The last one: no timerfd stays open behind a daemon without instances. */
      queue = NULL;
      g_source_destroy (&q->source);
      g_source_unref (&q->source);
    }
  else
    arm (q);
}
