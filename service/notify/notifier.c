/* notifier.c — see notifier.h. */
#include "notifier.h"

#include "log.h"
#include "notify-fifo.h"
#include "notify-queue.h"
#include "script-security.h"
#include "smtp-alert.h"
#include "track/script-command.h"

struct _VipdNotifier
{
  const VipdGlobalDefs *global;
  VipdRunAs run_as;
  GPtrArray *fifos;    /* VipdNotifyFifo* */
  GHashTable *queues;  /* "INSTANCE name" -> VipdNotifyQueue* */
  VipdSmtpAlert *smtp;
};

/* enable_script_security applies to notify scripts as to vrrp_script, as in keepalived: a
 * script that someone other than root could change never runs. Checked at every run, since
 * the file may change after the configuration was read. where is "file:line: " or "". */
static gboolean
script_allowed (VipdNotifier *n, const char *name, const char *where, const char *command)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *program = NULL;

  if (!n->global->enable_script_security)
    return TRUE;
  program = vipd_script_program (command);
  if (program != NULL && vipd_script_security_check (program, &error))
    return TRUE;
  vipd_log_instance (G_LOG_LEVEL_WARNING, name,
                     "%snotify script \"%s\" not run: enable_script_security refuses it (%s); "
                     "it and every directory above it must be owned by root and writable only "
                     "by root", where, command, error ? error->message : "empty command");
  return FALSE;
}

static void
add_fifo (VipdNotifier *n, const char *path, const char *script)
{
  g_autoptr (GError) error = NULL;
  VipdNotifyFifo *f;

  if (path == NULL)
    return;
  if (script != NULL && !script_allowed (n, NULL, "notify_fifo_script: ", script))
    script = NULL;
  f = vipd_notify_fifo_new (path, script, &n->run_as, &error);
  if (f == NULL)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "notify FIFO disabled: %s", error->message);
  else
    g_ptr_array_add (n->fifos, f);
}

static void
resolve_user (VipdNotifier *n)
{
  g_autoptr (GError) error = NULL;

  if (!vipd_run_as_resolve (&n->run_as, n->global->script_user, n->global->script_group, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "script_user: %s; notify scripts run as root", error->message);
}

static void
open_fifos (VipdNotifier *n)
{
  add_fifo (n, n->global->notify_fifo, n->global->notify_fifo_script);
  if (g_strcmp0 (n->global->vrrp_notify_fifo, n->global->notify_fifo) != 0)
    add_fifo (n, n->global->vrrp_notify_fifo, NULL);
}

VipdNotifier *
vipd_notifier_new (const VipdGlobalDefs *global)
{
  VipdNotifier *n = g_new0 (VipdNotifier, 1);

  n->global = global;
  resolve_user (n);
  n->fifos = g_ptr_array_new_with_free_func ((GDestroyNotify) vipd_notify_fifo_free);
  n->queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) vipd_notify_queue_free);
  open_fifos (n);
  n->smtp = vipd_smtp_alert_new (global);
  return n;
}

void
vipd_notifier_reload (VipdNotifier *n, const VipdGlobalDefs *global)
{
  const VipdGlobalDefs *old = n->global;
  gboolean same_user = g_strcmp0 (old->script_user, global->script_user) == 0
                       && g_strcmp0 (old->script_group, global->script_group) == 0;
  gboolean same_fifos = same_user && g_strcmp0 (old->notify_fifo, global->notify_fifo) == 0
                        && g_strcmp0 (old->notify_fifo_script, global->notify_fifo_script) == 0
                        && g_strcmp0 (old->vrrp_notify_fifo, global->vrrp_notify_fifo) == 0;

  n->global = global;
  if (!same_user)
    {
      /* The queues read n->run_as when they start a script; the one running is not affected. */
      vipd_run_as_clear (&n->run_as);
      resolve_user (n);
    }
  if (!same_fifos)
    {
      g_ptr_array_set_size (n->fifos, 0);
      open_fifos (n);
    }
  /* A mail copies what it needs when it is sent: the alerter can simply follow the new
   * settings. */
  vipd_smtp_alert_free (n->smtp);
  n->smtp = vipd_smtp_alert_new (global);
}

void
vipd_notifier_free (VipdNotifier *n)
{
  if (n == NULL)
    return;
  g_hash_table_destroy (n->queues);
  g_ptr_array_unref (n->fifos);
  vipd_smtp_alert_free (n->smtp);
  vipd_run_as_clear (&n->run_as);
  g_free (n);
}

static VipdNotifyQueue *
queue_for (VipdNotifier *n, VipdNotifyKind kind, const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s %s", kind == VIPD_NOTIFY_GROUP ? "GROUP" : "INSTANCE",
                                          name);
  VipdNotifyQueue *q = g_hash_table_lookup (n->queues, key);

  if (q == NULL)
    {
      q = vipd_notify_queue_new (name, &n->run_as, VIPD_NOTIFY_TIMEOUT_MS);
      g_hash_table_insert (n->queues, g_steal_pointer (&key), q);
    }
  return q;
}

static const VipdCommand *
script_for (const VipdNotifySet *set, VipdState state)
{
  switch (state)
    {
    case VIPD_STATE_MASTER:
      return &set->master;
    case VIPD_STATE_BACKUP:
    case VIPD_STATE_MAINTENANCE:
      return &set->backup;
    case VIPD_STATE_FAULT:
      return &set->fault;
    case VIPD_STATE_STOP:
      return &set->stop;
    default:
      return NULL;
    }
}

static void
queue_command (VipdNotifier *n, VipdNotifyKind kind, const char *name, const VipdCommand *cmd,
               char **extra)
{
  g_autoptr (GError) error = NULL;
  const char *command = cmd->command;
  g_autofree char *where = cmd->loc.file ? g_strdup_printf ("%s:%u: ", cmd->loc.file,
                                                            cmd->loc.line)
                                         : g_strdup ("");
  char **argv;

  if (!script_allowed (n, name, where, command))
    return;
  argv = vipd_script_argv (command, (const char *const *) extra, &error);
  if (argv == NULL)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, name, "notify script \"%s\": %s", command,
                         error->message);
      return;
    }
  vipd_notify_queue_push (queue_for (n, kind, name), argv);
}

void
vipd_notifier_transition (VipdNotifier *n, VipdNotifyKind kind, const char *name,
                          const VipdNotifySet *set, gboolean smtp_alert, VipdState old_state,
                          VipdState state, guint8 priority, const char *reason)
{
  g_autofree char *line = vipd_notify_fifo_line (kind, name, state, priority);
  g_auto (GStrv) args = vipd_notify_args (kind, name, state, priority);
  const VipdCommand *specific;

  if (line == NULL)
    return;
  for (guint i = 0; i < n->fifos->len; i++)
    vipd_notify_fifo_write (g_ptr_array_index (n->fifos, i), line);
  if (set != NULL)
    {
      specific = script_for (set, state);
      if (specific != NULL && specific->command != NULL)
        queue_command (n, kind, name, specific, NULL);
      if (set->notify.command != NULL)
        queue_command (n, kind, name, &set->notify, args);
    }
  if (smtp_alert)
    vipd_smtp_alert_send (n->smtp, kind, name, old_state, state, priority, reason);
}

gboolean
vipd_notifier_busy (VipdNotifier *n)
{
  GHashTableIter iter;
  gpointer q;

  g_hash_table_iter_init (&iter, n->queues);
  while (g_hash_table_iter_next (&iter, NULL, &q))
    if (vipd_notify_queue_length (q) > 0)
      return TRUE;
  return FALSE;
}
