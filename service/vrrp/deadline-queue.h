/* deadline-queue.h — callbacks at absolute monotonic deadlines, all on one timerfd.
 *
 * Not g_source_set_ready_time(): GLib turns a ready time into a poll() timeout, and for a
 * normal task the kernel lets poll() oversleep by 0.1 % of the timeout (select_estimate_
 * accuracy), which made every Master_Down_Interval 3.6 ms late at 1 s adverts. A timerfd with
 * an absolute CLOCK_MONOTONIC expiry (the clock of g_get_monotonic_time()) only gets the
 * task's timer slack (50 µs). Without timerfd it falls back to a ready time.
 *
 * Not one timerfd per instance either: with a thousand instances every wake-up of the main
 * loop polled a thousand descriptors and walked a thousand GSources, which cost more than the
 * protocol itself. Here the deadlines sit in a binary heap, and one GSource (priority
 * G_PRIORITY_HIGH, in the default main context) arms one timerfd at the earliest of them and
 * runs every callback that is due when it fires. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIPD_DEADLINE_NEVER G_MAXUINT64

typedef struct _VipdDeadline VipdDeadline;
typedef void (*VipdDeadlineFunc) (gpointer user_data);

/* A disarmed deadline that calls func (user_data) when due. */
VipdDeadline *vipd_deadline_new (VipdDeadlineFunc func, gpointer user_data);
/* Arms it at deadline_us (g_get_monotonic_time() clock), replacing any earlier arming, or
 * disarms it for VIPD_DEADLINE_NEVER. A deadline in the past runs at the next dispatch. */
void vipd_deadline_set (VipdDeadline *d, guint64 deadline_us);
/* Like vipd_deadline_set(), but d may also fire up to early_us before deadline_us when another
 * deadline wakes the queue then: the timer itself is armed for the earliest deadline only, so
 * deadlines that tolerate it share wake-ups instead of each taking its own. A wake-up takes
 * deadlines in order while the next one is inside its window, so one without a window that is
 * due later holds back those behind it (they still fire by their own deadline). A deadline
 * inside its window still waits for its own time when the deadline after it cannot ride along
 * now but could then: its own wake-up serves both, and it does not come round again sooner. */
void vipd_deadline_set_early (VipdDeadline *d, guint64 deadline_us, guint64 early_us);
/* Disarms and frees; safe from inside any deadline's callback, its own included. */
void vipd_deadline_free (VipdDeadline *d);

G_END_DECLS
