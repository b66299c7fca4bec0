/* log.h — where vipd's log lines go: the journal, syslog (with keepalived's -S facility) or
 * the console, chosen once at start. Messages use g_message/g_warning/g_debug as usual; the
 * structured field VIPD_INSTANCE names the VRRP instance a line is about. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIPD_LOG_FIELD_INSTANCE "VIPD_INSTANCE"

typedef enum
{
  VIPD_LOG_AUTO,    /* journal when stderr is the journal, syslog otherwise */
  VIPD_LOG_CONSOLE, /* -l: stderr, with timestamps */
} VipdLogTarget;

/* Installs vipd's log writer. facility is 0-7 for syslog local0-local7 (-S), or -1 for daemon.
 * detail (-D) lets debug messages through. */
void vipd_log_setup (VipdLogTarget target, int facility, gboolean detail);

/* The syslog facility constant for -S N (0-7), or -1 when N is out of range. */
int vipd_log_facility_from_number (int n);

/* Logs message at level with the instance attached as a structured field. */
void vipd_log_instance (GLogLevelFlags level, const char *instance, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

G_END_DECLS
