/* spawn.c — see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>

struct _VipdSpawn
{
  GPid pid;
  guint watch;
  guint timeout;
  gboolean timed_out;
  VipdSpawnDone done;
  gpointer user_data;
};

gboolean
vipd_run_as_resolve (VipdRunAs *out, const char *user, const char *group, GError **error)
{
  struct passwd *pw;
  int n = 32;

  memset (out, 0, sizeof *out);
  if (user == NULL)
    return TRUE;
  errno = 0;
  pw = getpwnam (user);
  if (pw == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "user \"%s\" does not exist", user);
      return FALSE;
    }
  out->switch_user = TRUE;
  out->user = g_strdup (user);
  out->uid = pw->pw_uid;
  out->gid = pw->pw_gid;
  if (group != NULL)
    {
      struct group *gr = getgrnam (group);

      if (gr == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "group \"%s\" does not exist",
                       group);
          vipd_run_as_clear (out);
          return FALSE;
        }
      out->gid = gr->gr_gid;
    }
  out->groups = g_new (gid_t, n);
  if (getgrouplist (user, out->gid, out->groups, &n) < 0)
    {
      out->groups = g_renew (gid_t, out->groups, n);
      getgrouplist (user, out->gid, out->groups, &n);
    }
  out->n_groups = n;
  return TRUE;
}

void
vipd_run_as_clear (VipdRunAs *as)
{
  g_free (as->user);
  g_free (as->groups);
  memset (as, 0, sizeof *as);
}

/* Between fork and exec: only async-signal-safe calls. A failed switch exits 126 rather than
 * running the script as root. */
static void
child_setup (gpointer data)
{
  const VipdRunAs *as = data;

  setsid ();
  if (as != NULL && as->switch_user)
    {
      if (setgroups ((size_t) as->n_groups, as->groups) != 0 || setgid (as->gid) != 0
          || setuid (as->uid) != 0)
        _exit (126);
    }
  /* If vipd is killed outright, its direct child goes with it (set after the user switch,
   * which clears it). */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
spawn_free (VipdSpawn *s)
{
  if (s->timeout)
    g_source_remove (s->timeout);
  g_free (s);
}

static void
child_exited (GPid pid, gint wait_status, gpointer data)
{
  VipdSpawn *s = data;

  g_spawn_close_pid (pid);
  s->watch = 0;
  /* Children the script left behind in its group must not outlive the run. */
  kill (-pid, SIGKILL);
  if (s->done)
    s->done (wait_status, s->timed_out, s->user_data);
  spawn_free (s);
}

static gboolean
timed_out (gpointer data)
{
  VipdSpawn *s = data;

  s->timeout = 0;
  s->timed_out = TRUE;
  kill (-s->pid, SIGKILL);
  return G_SOURCE_REMOVE;
}

VipdSpawn *
vipd_spawn_start (char **argv, const VipdRunAs *as, guint timeout_ms, VipdSpawnDone done,
                  gpointer user_data, GError **error)
{
  VipdSpawn *s;
  GPid pid;
  GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                      | G_SPAWN_STDERR_TO_DEV_NULL;

  if (!g_spawn_async (NULL, argv, NULL, flags, child_setup, (gpointer) as, &pid, error))
    return NULL;
  s = g_new0 (VipdSpawn, 1);
  s->pid = pid;
  s->done = done;
  s->user_data = user_data;
  s->watch = g_child_watch_add_full (G_PRIORITY_DEFAULT, pid, child_exited, s, NULL);
  if (timeout_ms > 0)
    s->timeout = g_timeout_add (timeout_ms, timed_out, s);
  return s;
}

void
vipd_spawn_cancel (VipdSpawn *s)
{
  if (s == NULL)
    return;
  kill (-s->pid, SIGKILL);
  if (s->timeout)
    {
      g_source_remove (s->timeout);
      s->timeout = 0;
    }
  /* The child watch still reaps it, then frees the run without reporting. */
  s->done = NULL;
}

GPid
vipd_spawn_get_pid (const VipdSpawn *s)
{
  return s->pid;
}
