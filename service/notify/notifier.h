/* notifier.h — what vipd tells the outside world on every transition: keepalived's notify
 * scripts (notify_master/backup/fault/stop, then the generic notify with its four arguments),
 * the notify FIFO lines and, when enabled, a mail. */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "notify/notify-format.h"

G_BEGIN_DECLS

/* Notify scripts that have not finished after this long are killed (the process group). */
#define VIPD_NOTIFY_TIMEOUT_MS 10000

typedef struct _VipdNotifier VipdNotifier;

/* global is borrowed. Opens the FIFOs and starts notify_fifo_script; problems are logged. */
VipdNotifier *vipd_notifier_new (const VipdGlobalDefs *global);
void vipd_notifier_free (VipdNotifier *n);
/* Reload: from now on global (borrowed) is the configuration. Scripts that run go on to their
 * end (or timeout) and queued ones still run, in order; those that start from now on run as the
 * new script_user. The FIFOs and notify_fifo_script are restarted only when their settings or
 * script_user changed. */
void vipd_notifier_reload (VipdNotifier *n, const VipdGlobalDefs *global);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdNotifier, vipd_notifier_free)

/* A transition of instance or group name to state: FIFO line now, scripts queued in order
 * behind the earlier ones of the same name. set may be NULL; smtp_alert asks for a mail. */
void vipd_notifier_transition (VipdNotifier *n, VipdNotifyKind kind, const char *name,
                               const VipdNotifySet *set, gboolean smtp_alert, VipdState old_state,
                               VipdState state, guint8 priority, const char *reason);

/* Notify scripts are queued or running. */
gboolean vipd_notifier_busy (VipdNotifier *n);

G_END_DECLS
