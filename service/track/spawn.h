/* spawn.h — runs one command as an asynchronous child in a process group of its own.
 *
 * The main loop never waits for it: completion is reported through a child watch. When the
 * timeout passes, the whole process group gets SIGKILL (a script's own children included) and
 * the run is reported as timed out. The child may switch to another user first. */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Who a child runs as; resolved in the parent, because nothing that reads /etc/passwd may run
 * between fork and exec. */
typedef struct
{
  gboolean switch_user; /* FALSE: stay root */
  char *user;           /* for logs */
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  int n_groups;
} VipdRunAs;

/* Resolves user (and group, or the user's primary group when NULL). NULL user: stay root. */
gboolean vipd_run_as_resolve (VipdRunAs *out, const char *user, const char *group,
                              GError **error);
void vipd_run_as_clear (VipdRunAs *as);

typedef struct _VipdSpawn VipdSpawn;

/* wait_status as from waitpid(); timed_out when it was killed at its timeout. */
typedef void (*VipdSpawnDone) (int wait_status, gboolean timed_out, gpointer user_data);

/* Starts argv (argv[0] a path) with stdin, stdout and stderr on /dev/null. timeout_ms 0 means
 * no limit. done is called once from the main loop, unless the run is cancelled first.
 * as may be NULL. NULL with a GError when it cannot start. */
VipdSpawn *vipd_spawn_start (char **argv, const VipdRunAs *as, guint timeout_ms,
                             VipdSpawnDone done, gpointer user_data, GError **error);
/* Kills the process group and forgets the run: done is not called. NULL is allowed. */
void vipd_spawn_cancel (VipdSpawn *spawn);
GPid vipd_spawn_get_pid (const VipdSpawn *spawn);

G_END_DECLS
