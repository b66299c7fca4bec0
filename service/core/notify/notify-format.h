/* notify-format.h — what keepalived's notify scripts and notify_fifo readers receive.
 *
 * The generic `notify` script gets four arguments: INSTANCE|GROUP, the name, the new state in
 * capitals (MASTER, BACKUP, FAULT, STOP) and the priority (0 for a group). notify_fifo readers
 * get one line per transition: `INSTANCE "VI_1" MASTER 100`. init has no keepalived name and is
 * never notified; maintenance is reported as BACKUP, which is what the peers see. Pure. */
#pragma once

#include <glib.h>

#include "fsm/fsm.h"

G_BEGIN_DECLS

typedef enum
{
  VIPD_NOTIFY_INSTANCE,
  VIPD_NOTIFY_GROUP,
} VipdNotifyKind;

/* "MASTER", "BACKUP", "FAULT", "STOP", or NULL for a state keepalived does not notify. */
const char *vipd_notify_state_name (VipdState state);
/* The four arguments of the generic notify script; NULL when state is not notified. */
char **vipd_notify_args (VipdNotifyKind kind, const char *name, VipdState state, guint8 priority);
/* The notify_fifo line, with its newline; NULL when state is not notified. */
char *vipd_notify_fifo_line (VipdNotifyKind kind, const char *name, VipdState state,
                             guint8 priority);

G_END_DECLS
