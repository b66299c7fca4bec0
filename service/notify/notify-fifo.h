/* notify-fifo.h — keepalived's notify_fifo: one line per transition written to a FIFO, read
 * by notify_fifo_script (started with the FIFO's path as its argument) or by anyone else. */
#pragma once

#include <glib.h>

#include "spawn.h"

G_BEGIN_DECLS

typedef struct _VipdNotifyFifo VipdNotifyFifo;

/* Creates the FIFO when it does not exist and opens it without blocking; starts script (may
 * be NULL) with the path appended. NULL with a GError when path cannot be a FIFO. */
VipdNotifyFifo *vipd_notify_fifo_new (const char *path, const char *script, const VipdRunAs *as,
                                      GError **error);
/* Stops the script, closes; the FIFO file stays for the next run. NULL is allowed. */
void vipd_notify_fifo_free (VipdNotifyFifo *fifo);
/* Writes line without blocking: when the reader is too slow and the pipe is full, the line is
 * dropped and counted (and logged once per burst). */
void vipd_notify_fifo_write (VipdNotifyFifo *fifo, const char *line);

G_END_DECLS
