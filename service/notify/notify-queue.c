/* notify-queue.c — see notify-queue.h. */
#include "notify-queue.h"

#include <sys/wait.h>

#include "log.h"

struct _VipdNotifyQueue
{
  char *name;
  const VipdRunAs *as;
  guint timeout_ms;
  GQueue waiting; /* char** */
  VipdSpawn *running;
  char *running_what;
};

VipdNotifyQueue *
vipd_notify_queue_new (const char *name, const VipdRunAs *as, guint timeout_ms)
{
  VipdNotifyQueue *q = g_new0 (VipdNotifyQueue, 1);

  q->name = g_strdup (name);
  q->as = as;
  q->timeout_ms = timeout_ms;
  g_queue_init (&q->waiting);
  return q;
}

void
vipd_notify_queue_free (VipdNotifyQueue *q)
{
  if (q == NULL)
    return;
  vipd_spawn_cancel (q->running);
  g_queue_clear_full (&q->waiting, (GDestroyNotify) g_strfreev);
  g_free (q->running_what);
  g_free (q->name);
  g_free (q);
}

static void run_next (VipdNotifyQueue *q);

static void
done (int wait_status, gboolean timed_out, gpointer data)
{
  VipdNotifyQueue *q = data;

  q->running = NULL;
  if (timed_out)
    vipd_log_instance (G_LOG_LEVEL_WARNING, q->name,
                       "notify script %s timed out after %u ms and was killed", q->running_what,
                       q->timeout_ms);
  else if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    vipd_log_instance (G_LOG_LEVEL_WARNING, q->name, "notify script %s failed (%s %d)",
                       q->running_what, WIFEXITED (wait_status) ? "exit status" : "signal",
                       WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : WTERMSIG (wait_status));
  g_clear_pointer (&q->running_what, g_free);
  run_next (q);
}

static void
run_next (VipdNotifyQueue *q)
{
  while (q->running == NULL && !g_queue_is_empty (&q->waiting))
    {
      g_auto (GStrv) argv = g_queue_pop_head (&q->waiting);
      g_autoptr (GError) error = NULL;

      q->running_what = g_strjoinv (" ", argv);
      vipd_log_instance (G_LOG_LEVEL_DEBUG, q->name, "running notify script %s", q->running_what);
      q->running = vipd_spawn_start (argv, q->as, q->timeout_ms, done, q, &error);
      if (q->running == NULL)
        {
          vipd_log_instance (G_LOG_LEVEL_WARNING, q->name, "cannot run notify script %s: %s",
                             q->running_what, error->message);
          g_clear_pointer (&q->running_what, g_free);
        }
    }
}

void
vipd_notify_queue_push (VipdNotifyQueue *q, char **argv)
{
  g_queue_push_tail (&q->waiting, argv);
  run_next (q);
}

guint
vipd_notify_queue_length (const VipdNotifyQueue *q)
{
  return g_queue_get_length ((GQueue *) &q->waiting) + (q->running ? 1 : 0);
}
