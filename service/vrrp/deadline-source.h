/* deadline-source.h — a GSource that dispatches at an absolute monotonic deadline, exactly.
 *
 * Not g_source_set_ready_time(): GLib turns a ready time into a poll() timeout, and for a
 * normal task the kernel lets poll() oversleep by 0.1 % of the timeout (select_estimate_
 * accuracy), which made every Master_Down_Interval 3.6 ms late at 1 s adverts. A timerfd with
 * an absolute CLOCK_MONOTONIC expiry (the clock of g_get_monotonic_time()) only gets the
 * task's timer slack (50 µs). Without timerfd it falls back to a ready time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIPD_DEADLINE_NEVER G_MAXUINT64

/* A disarmed source; log_name names its owner in warnings. Set the callback, then attach. */
GSource *vipd_deadline_source_new (const char *log_name);
/* Arms the source at deadline_us (g_get_monotonic_time() clock), or disarms it for
 * VIPD_DEADLINE_NEVER. A wake-up from an earlier arming is ignored. */
void vipd_deadline_source_set (GSource *source, guint64 deadline_us);

G_END_DECLS
