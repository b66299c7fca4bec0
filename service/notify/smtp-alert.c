/* smtp-alert.c — see smtp-alert.h. */
#include "smtp-alert.h"

#include <gio/gio.h>
#include <string.h>

#include "log.h"

struct _VipdSmtpAlert
{
  const VipdGlobalDefs *global;
  gboolean warned;
};

/* Everything a worker thread needs, copied: the configuration may be reloaded meanwhile. */
typedef struct
{
  char *server; /* host:port */
  guint timeout_s;
  char *helo;
  char *from;
  char **to;
  char *subject;
  char *body;
  char *name;
} Mail;

static void
mail_free (Mail *m)
{
  g_free (m->server);
  g_free (m->helo);
  g_free (m->from);
  g_strfreev (m->to);
  g_free (m->subject);
  g_free (m->body);
  g_free (m->name);
  g_free (m);
}

VipdSmtpAlert *
vipd_smtp_alert_new (const VipdGlobalDefs *global)
{
  VipdSmtpAlert *s = g_new0 (VipdSmtpAlert, 1);

  s->global = global;
  return s;
}

void
vipd_smtp_alert_free (VipdSmtpAlert *s)
{
  g_free (s);
}

char *
vipd_smtp_alert_subject (const char *router_id, VipdNotifyKind kind, const char *name,
                         VipdState state)
{
  const char *s = vipd_notify_state_name (state);

  return g_strdup_printf ("[%s] VRRP %s %s - Entering %s state", router_id ? router_id : "vipd",
                          kind == VIPD_NOTIFY_GROUP ? "Group" : "Instance", name,
                          s ? s : vipd_state_name (state));
}

/* Reads one SMTP reply (possibly multi-line) and checks its code class. */
static gboolean
expect (GDataInputStream *in, char want, const char *step, GError **error)
{
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, error);

      if (line == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "connection closed after %s", step);
          return FALSE;
        }
      if (strlen (line) >= 4 && line[3] == '-')
        continue;
      if (line[0] != want)
        {
          g_strchomp (line);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: server said \"%s\"", step, line);
          return FALSE;
        }
      return TRUE;
    }
}

static gboolean
say (GOutputStream *out, GError **error, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
say (GOutputStream *out, GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *text = NULL;

  va_start (ap, fmt);
  text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return g_output_stream_write_all (out, text, strlen (text), NULL, NULL, error);
}

static gboolean
send_mail (const Mail *m, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  GOutputStream *out;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S %z");

  g_socket_client_set_timeout (client, m->timeout_s);
  conn = g_socket_client_connect_to_host (client, m->server, 25, NULL, error);
  if (conn == NULL)
    return FALSE;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (!expect (in, '2', "greeting", error) || !say (out, error, "HELO %s\r\n", m->helo)
      || !expect (in, '2', "HELO", error) || !say (out, error, "MAIL FROM:<%s>\r\n", m->from)
      || !expect (in, '2', "MAIL FROM", error))
    return FALSE;
  for (guint i = 0; m->to[i]; i++)
    if (!say (out, error, "RCPT TO:<%s>\r\n", m->to[i]) || !expect (in, '2', "RCPT TO", error))
      return FALSE;
  if (!say (out, error, "DATA\r\n") || !expect (in, '3', "DATA", error))
    return FALSE;
  if (!say (out, error, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n.\r\n",
            m->from, m->to[0], m->subject, date, m->body)
      || !expect (in, '2', "end of data", error))
    return FALSE;
  say (out, NULL, "QUIT\r\n");
  return TRUE;
}

static void
mail_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Mail *m = data;
  g_autoptr (GError) error = NULL;

  if (send_mail (m, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
mail_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Mail *m = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (res), &error))
    vipd_log_instance (G_LOG_LEVEL_INFO, m->name, "alert mail \"%s\" sent through %s", m->subject,
                       m->server);
  else
    vipd_log_instance (G_LOG_LEVEL_WARNING, m->name, "alert mail \"%s\" not sent through %s: %s",
                       m->subject, m->server, error->message);
}

void
vipd_smtp_alert_send (VipdSmtpAlert *s, VipdNotifyKind kind, const char *name,
                      VipdState old_state, VipdState state, guint8 priority, const char *reason)
{
  const VipdGlobalDefs *g = s->global;
  char addr[VIPD_ADDR_STRLEN];
  g_autoptr (GTask) task = NULL;
  Mail *m;

  if (vipd_notify_state_name (state) == NULL)
    return;
  if (!vipd_addr_is_set (&g->smtp_server) || g->notification_email == NULL
      || g->notification_email->len == 0)
    {
      if (!s->warned)
        vipd_log_instance (G_LOG_LEVEL_WARNING, name, "smtp_alert is on but %s is not set; "
                           "no mail is sent", vipd_addr_is_set (&g->smtp_server)
                           ? "notification_email" : "smtp_server");
      s->warned = TRUE;
      return;
    }
  m = g_new0 (Mail, 1);
  vipd_addr_format (&g->smtp_server, addr, sizeof addr);
  m->server = g->smtp_server.family == AF_INET6
                  ? g_strdup_printf ("[%s]:%u", addr, g->smtp_port ? g->smtp_port : 25)
                  : g_strdup_printf ("%s:%u", addr, g->smtp_port ? g->smtp_port : 25);
  m->timeout_s = MAX (1, (g->smtp_connect_timeout_ms + 999) / 1000);
  m->helo = g_strdup (g->router_id ? g->router_id : g_get_host_name ());
  m->from = g_strdup (g->notification_email_from ? g->notification_email_from : "vipd@localhost");
  m->to = g_new0 (char *, g->notification_email->len + 1);
  for (guint i = 0; i < g->notification_email->len; i++)
    m->to[i] = g_strdup (g_ptr_array_index (g->notification_email, i));
  m->subject = vipd_smtp_alert_subject (g->router_id, kind, name, state);
  m->body = g_strdup_printf ("=> VRRP %s %s is now %s (was %s), priority %u <=\r\n\r\nReason: %s",
                             kind == VIPD_NOTIFY_GROUP ? "Group" : "Instance", name,
                             vipd_notify_state_name (state), vipd_state_name (old_state), priority,
                             reason ? reason : "not given");
  m->name = g_strdup (name);
  task = g_task_new (NULL, NULL, mail_done, NULL);
  g_task_set_task_data (task, m, (GDestroyNotify) mail_free);
  g_task_run_in_thread (task, mail_thread);
}
