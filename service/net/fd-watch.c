/* fd-watch.c — descriptor watches that stay in the poll set while dispatched. */
#include "fd-watch.h"

guint
vipd_fd_watch_add (int fd, GIOCondition condition, GUnixFDSourceFunc func, gpointer user_data)
{
  GSource *source = g_unix_fd_source_new (fd, condition);
  guint id;

  g_source_set_can_recurse (source, TRUE);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) func, user_data, NULL);
  id = g_source_attach (source, NULL);
  g_source_unref (source);
  return id;
}
