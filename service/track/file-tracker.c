/* file-tracker.c — see file-tracker.h. */
#include "file-tracker.h"

#include <gio/gio.h>

#include "log.h"
#include "track/track-value.h"

/* When inotify is unavailable (no instances left: fs.inotify.max_user_instances), GLib's
 * fallback monitor looks only every few seconds; the file is then read this often instead. */
#define FALLBACK_POLL_MS 500

struct _VipdFileTracker
{
  const VipdTrackFile *conf;
  GFileMonitor *monitor;
  guint poll_source;
  gint64 value;
  VipdFileChangedFunc changed;
  gpointer changed_data;
};

static gint64
read_value (const VipdTrackFile *conf)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (conf->file, &contents, NULL, NULL))
    return 0;
  return vipd_track_file_parse (contents);
}

static void
reread (VipdFileTracker *t)
{
  gint64 v = read_value (t->conf);

  if (v == t->value)
    return;
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "track file %s (%s): value %" G_GINT64_FORMAT
                     " -> %" G_GINT64_FORMAT, t->conf->name, t->conf->file, t->value, v);
  t->value = v;
  if (t->changed)
    t->changed (t, t->changed_data);
}

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
            gpointer data)
{
  reread (data);
}

static gboolean
poll_file (gpointer data)
{
  reread (data);
  return G_SOURCE_CONTINUE;
}

static void
write_init (const VipdTrackFile *conf)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!conf->has_init || (!conf->overwrite && g_file_test (conf->file, G_FILE_TEST_EXISTS)))
    return;
  text = g_strdup_printf ("%d\n", conf->init_value);
  if (!g_file_set_contents (conf->file, text, -1, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "track file %s: cannot write init_file: %s",
                       conf->name, error->message);
}

VipdFileTracker *
vipd_file_tracker_new (const VipdTrackFile *conf, VipdFileChangedFunc changed, gpointer user_data)
{
  VipdFileTracker *t = g_new0 (VipdFileTracker, 1);
  g_autoptr (GFile) file = g_file_new_for_path (conf->file);
  g_autoptr (GError) error = NULL;

  t->conf = conf;
  write_init (conf);
  t->value = read_value (conf);
  t->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (t->monitor == NULL)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "track file %s: cannot watch %s (%s); its value stays %" G_GINT64_FORMAT,
                       conf->name, conf->file, error->message, t->value);
  else
    {
      /* A changed value must be seen at once, not after GLib's default 800 ms. */
      g_file_monitor_set_rate_limit (t->monitor, 0);
      g_signal_connect (t->monitor, "changed", G_CALLBACK (on_changed), t);
    }
  if (t->monitor == NULL || g_strcmp0 (G_OBJECT_TYPE_NAME (t->monitor), "GInotifyFileMonitor") != 0)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                         "track file %s: inotify is unavailable (%s); reading %s every %u ms",
                         conf->name, t->monitor ? G_OBJECT_TYPE_NAME (t->monitor) : "no monitor",
                         conf->file, FALLBACK_POLL_MS);
      t->poll_source = g_timeout_add (FALLBACK_POLL_MS, poll_file, t);
    }
  t->changed = changed;
  t->changed_data = user_data;
  vipd_log_instance (G_LOG_LEVEL_INFO, NULL, "track file %s: %s holds %" G_GINT64_FORMAT
                     ", weight %d", conf->name, conf->file, t->value, conf->weight);
  return t;
}

void
vipd_file_tracker_free (VipdFileTracker *t)
{
  if (t == NULL)
    return;
  g_clear_handle_id (&t->poll_source, g_source_remove);
  if (t->monitor)
    {
      g_signal_handlers_disconnect_by_data (t->monitor, t);
      g_file_monitor_cancel (t->monitor);
      g_object_unref (t->monitor);
    }
  g_free (t);
}

gboolean
vipd_file_tracker_same_definition (const VipdFileTracker *t, const VipdTrackFile *conf)
{
  const VipdTrackFile *a = t->conf;

  return g_strcmp0 (a->name, conf->name) == 0 && g_strcmp0 (a->file, conf->file) == 0
         && a->weight == conf->weight && a->reverse == conf->reverse
         && a->has_init == conf->has_init && a->init_value == conf->init_value
         && a->overwrite == conf->overwrite;
}

void
vipd_file_tracker_adopt (VipdFileTracker *t, const VipdTrackFile *conf,
                         VipdFileChangedFunc changed, gpointer user_data)
{
  t->conf = conf;
  t->changed = changed;
  t->changed_data = user_data;
}

const VipdTrackFile *
vipd_file_tracker_get_config (const VipdFileTracker *t)
{
  return t->conf;
}

gint64
vipd_file_tracker_get_value (const VipdFileTracker *t)
{
  return t->value;
}
