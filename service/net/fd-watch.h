/* fd-watch.h — g_unix_fd_add() without GLib's wake-ups around each dispatch.
 *
 * While GLib dispatches a source that cannot recurse, it takes the source's descriptors out of
 * the poll set and puts them back afterwards, and each of the two changes writes the main
 * context's eventfd: two write()s, an extra poll() and a read() for every advert received or
 * netlink message read. vipd never iterates a main loop from inside a callback, so its
 * descriptor watches are marked as able to recurse and stay in the poll set. */
#pragma once

#include <glib-unix.h>

G_BEGIN_DECLS

/* As g_unix_fd_add(): returns the source id for g_source_remove(). */
guint vipd_fd_watch_add (int fd, GIOCondition condition, GUnixFDSourceFunc func,
                         gpointer user_data);

G_END_DECLS
