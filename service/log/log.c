/* log.c — one GLogWriterFunc that sends lines to the journal, syslog or the console. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static struct
{
  VipdLogTarget target;
  gboolean journal;
  gboolean detail;
} log_state;

static int
syslog_priority (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return LOG_CRIT;
  if (level & G_LOG_LEVEL_CRITICAL)
    return LOG_ERR;
  if (level & G_LOG_LEVEL_WARNING)
    return LOG_WARNING;
  if (level & G_LOG_LEVEL_MESSAGE)
    return LOG_NOTICE;
  if (level & G_LOG_LEVEL_INFO)
    return LOG_INFO;
  return LOG_DEBUG;
}

static const char *
field_value (const GLogField *fields, gsize n_fields, const char *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, key) == 0)
      return fields[i].length < 0 ? fields[i].value : NULL;
  return NULL;
}

static GLogWriterOutput
vipd_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *message;
  const char *instance;

  if ((level & G_LOG_LEVEL_DEBUG) && !log_state.detail)
    return G_LOG_WRITER_HANDLED;

  if (log_state.target == VIPD_LOG_AUTO && log_state.journal)
    return g_log_writer_journald (level, fields, n_fields, user_data);

  message = field_value (fields, n_fields, "MESSAGE");
  instance = field_value (fields, n_fields, VIPD_LOG_FIELD_INSTANCE);
  if (message == NULL)
    return G_LOG_WRITER_UNHANDLED;

  if (log_state.target == VIPD_LOG_CONSOLE)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S.%f");

      /* Milliseconds are enough to read a failover off the console. */
      stamp[12] = '\0';
      fprintf (stderr, "%s %s%s%s%s\n", stamp, instance ? "(" : "", instance ? instance : "",
               instance ? ") " : "", message);
      fflush (stderr);
      return G_LOG_WRITER_HANDLED;
    }

  if (instance)
    syslog (syslog_priority (level), "(%s) %s", instance, message);
  else
    syslog (syslog_priority (level), "%s", message);
  return G_LOG_WRITER_HANDLED;
}

int
vipd_log_facility_from_number (int n)
{
  static const int facilities[] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                    LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };

  if (n < 0 || n >= (int) G_N_ELEMENTS (facilities))
    return -1;
  return facilities[n];
}

void
vipd_log_setup (VipdLogTarget target, int facility, gboolean detail)
{
  log_state.target = target;
  log_state.detail = detail;
  log_state.journal = g_log_writer_is_journald (fileno (stderr));
  if (target == VIPD_LOG_AUTO && !log_state.journal)
    openlog ("vipd", LOG_PID | LOG_NDELAY, facility >= 0 ? facility : LOG_DAEMON);
  g_log_set_writer_func (vipd_log_writer, NULL, NULL);
}

void
vipd_log_instance (GLogLevelFlags level, const char *instance, const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL;
  const GLogField fields[] = {
    { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
    { "MESSAGE", NULL, -1 },
    { "PRIORITY", NULL, -1 },
    { VIPD_LOG_FIELD_INSTANCE, instance ? instance : "", -1 },
  };
  GLogField copy[G_N_ELEMENTS (fields)];
  char prio[2] = { 0, 0 };

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  memcpy (copy, fields, sizeof fields);
  copy[1].value = message;
  prio[0] = (char) ('0' + syslog_priority (level));
  copy[2].value = prio;
  g_log_structured_array (level, copy, instance ? G_N_ELEMENTS (copy) : G_N_ELEMENTS (copy) - 1);
}
