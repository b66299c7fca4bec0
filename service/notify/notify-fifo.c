/* notify-fifo.c — see notify-fifo.h. */
#include "notify-fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "log.h"
#include "track/script-command.h"

struct _VipdNotifyFifo
{
  char *path;
  int fd;
  VipdSpawn *script;
  guint64 dropped;
};

VipdNotifyFifo *
vipd_notify_fifo_new (const char *path, const char *script, const VipdRunAs *as, GError **error)
{
  VipdNotifyFifo *f;
  struct stat st;
  int fd;

  if (mkfifo (path, 0600) != 0 && errno != EEXIST)
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "cannot create FIFO %s: %s",
                   path, g_strerror (e));
      return NULL;
    }
  if (stat (path, &st) != 0 || !S_ISFIFO (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s exists and is not a FIFO",
                   path);
      return NULL;
    }
  /* Read-write: opening never blocks and never fails for want of a reader, and lines wait in
   * the pipe until the reader comes. */
  fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "cannot open FIFO %s: %s", path,
                   g_strerror (e));
      return NULL;
    }
  f = g_new0 (VipdNotifyFifo, 1);
  f->path = g_strdup (path);
  f->fd = fd;
  if (script != NULL)
    {
      const char *extra[] = { path, NULL };
      g_auto (GStrv) argv = vipd_script_argv (script, extra, NULL);
      g_autoptr (GError) local = NULL;

      if (argv != NULL)
        f->script = vipd_spawn_start (argv, as, 0, NULL, NULL, &local);
      if (f->script == NULL)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot start notify_fifo_script %s: %s",
                           script, local ? local->message : "empty command");
    }
  return f;
}

void
vipd_notify_fifo_free (VipdNotifyFifo *f)
{
  if (f == NULL)
    return;
  vipd_spawn_cancel (f->script);
  close (f->fd);
  g_free (f->path);
  g_free (f);
}

void
vipd_notify_fifo_write (VipdNotifyFifo *f, const char *line)
{
  gsize len = strlen (line);
  /* Lines are far below PIPE_BUF, so each write is atomic: all of it or nothing. */
  ssize_t n = write (f->fd, line, len);

  if (n == (ssize_t) len)
    {
      if (f->dropped > 0)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                           "notify FIFO %s: %" G_GUINT64_FORMAT " line(s) were dropped",
                           f->path, f->dropped);
      f->dropped = 0;
      return;
    }
  if (f->dropped++ == 0)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "notify FIFO %s is full (%s); dropping lines",
                       f->path, n < 0 ? g_strerror (errno) : "short write");
}
