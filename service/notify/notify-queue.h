/* notify-queue.h — the notify scripts of one instance or group, run one after the other in
 * the order the transitions happened, each bounded by a timeout. Never blocks the caller. */
#pragma once

#include <glib.h>

#include "spawn.h"

G_BEGIN_DECLS

typedef struct _VipdNotifyQueue VipdNotifyQueue;

/* name is for logs; as (borrowed, may be NULL) is who the scripts run as. */
VipdNotifyQueue *vipd_notify_queue_new (const char *name, const VipdRunAs *as, guint timeout_ms);
/* Kills the script that runs and drops the rest; NULL is allowed. */
void vipd_notify_queue_free (VipdNotifyQueue *q);
/* Appends argv (taken) to the queue; it runs when every earlier one has finished. */
void vipd_notify_queue_push (VipdNotifyQueue *q, char **argv);
/* Scripts waiting or running. */
guint vipd_notify_queue_length (const VipdNotifyQueue *q);

G_END_DECLS
