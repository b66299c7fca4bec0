/* lvs-probe.c — see lvs-probe.h. One asynchronous operation is in flight at a time; a
 * cancelled probe frees itself when that operation returns. */
#include "lvs-probe.h"

#include <gio/gio.h>
#include <string.h>

#include "lvs/http-check.h"

#define READ_CHUNK 4096

struct _VipdProbe
{
  const VipdChecker *conf; /* borrowed; the owner cancels before it goes away */
  GSocketAddress *target;
  char *target_text;
  char *host;
  guint port;
  VipdProbeDone done;
  gpointer user_data;
  GCancellable *cancellable;
  GSocketClient *client;
  GIOStream *stream;
  guint timer;
  gboolean timed_out;
  gboolean abandoned; /* cancelled by the owner: free without calling done */
  guint url_index;
  char *request;
  VipdHttpResponse *response;
  char *last_reason;
};

static void start_connect (VipdProbe *p);

static void
probe_free (VipdProbe *p)
{
  g_clear_handle_id (&p->timer, g_source_remove);
  g_clear_object (&p->stream);
  g_clear_object (&p->client);
  g_clear_object (&p->cancellable);
  g_clear_object (&p->target);
  g_clear_pointer (&p->response, vipd_http_response_free);
  g_free (p->request);
  g_free (p->target_text);
  g_free (p->host);
  g_free (p->last_reason);
  g_free (p);
}

static void
finish (VipdProbe *p, gboolean success, const char *reason)
{
  if (!p->abandoned)
    p->done (success, reason, p->user_data);
  probe_free (p);
}

/* Shared by every async step: TRUE when the probe must stop here (it has been finished). */
static gboolean
failed (VipdProbe *p, GError *error, const char *what)
{
  g_autofree char *reason = NULL;

  if (error == NULL)
    return FALSE;
  if (p->abandoned)
    {
      probe_free (p);
      return TRUE;
    }
  if (p->timed_out)
    reason = g_strdup_printf ("%s %s: timed out after %u ms (connect_timeout)", what,
                              p->target_text, p->conf->connect_timeout_ms);
  else
    reason = g_strdup_printf ("%s %s: %s", what, p->target_text, error->message);
  finish (p, FALSE, reason);
  return TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  VipdProbe *p = data;

  p->timer = 0;
  p->timed_out = TRUE;
  g_cancellable_cancel (p->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_any_certificate (GTlsConnection *conn, GTlsCertificate *cert, GTlsCertificateFlags errors,
                        gpointer data)
{
  return TRUE;
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event, GSocketConnectable *connectable,
                 GIOStream *connection, gpointer data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
}

static void on_read (GObject *source, GAsyncResult *res, gpointer data);

static void
read_more (VipdProbe *p)
{
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (p->stream), READ_CHUNK,
                                   G_PRIORITY_DEFAULT, p->cancellable, on_read, p);
}

/* The response of the current url is in: judge it, then the next url or the verdict. */
static void
url_done (VipdProbe *p)
{
  const VipdCheckUrl *url = g_ptr_array_index (p->conf->urls, p->url_index);
  g_autofree char *reason = NULL;
  gboolean ok = vipd_http_judge (url, vipd_http_response_status (p->response),
                                 vipd_http_response_digest (p->response), &reason);

  if (!ok)
    {
      g_autofree char *full = g_strdup_printf ("%s %s%s", p->conf->kind == VIPD_CHECK_SSL
                                                              ? "SSL_GET" : "HTTP_GET",
                                               p->target_text, reason);

      finish (p, FALSE, full);
      return;
    }
  g_free (p->last_reason);
  p->last_reason = g_steal_pointer (&reason);
  p->url_index++;
  if (p->url_index < p->conf->urls->len)
    {
      start_connect (p);
      return;
    }
  {
    g_autofree char *full = g_strdup_printf ("%s %s%s", p->conf->kind == VIPD_CHECK_SSL
                                                            ? "SSL_GET" : "HTTP_GET",
                                             p->target_text, p->last_reason);

    finish (p, TRUE, full);
  }
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer data)
{
  VipdProbe *p = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);
  g_autofree char *bad = NULL;

  if (failed (p, error, "read from"))
    return;
  if (p->abandoned)
    {
      probe_free (p);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      if (!vipd_http_response_finish (p->response, &bad))
        {
          g_autofree char *reason = g_strdup_printf ("HTTP %s: %s", p->target_text, bad);

          finish (p, FALSE, reason);
          return;
        }
      url_done (p);
      return;
    }
  if (!vipd_http_response_feed (p->response, g_bytes_get_data (bytes, NULL),
                                g_bytes_get_size (bytes), &bad))
    {
      g_autofree char *reason = g_strdup_printf ("HTTP %s: %s", p->target_text, bad);

      finish (p, FALSE, reason);
      return;
    }
  if (vipd_http_response_complete (p->response))
    url_done (p);
  else
    read_more (p);
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer data)
{
  VipdProbe *p = data;
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error);
  if (failed (p, error, "send request to"))
    return;
  if (p->abandoned)
    {
      probe_free (p);
      return;
    }
  read_more (p);
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer data)
{
  VipdProbe *p = data;
  g_autoptr (GError) error = NULL;
  GSocketConnection *conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, &error);
  const VipdCheckUrl *url;

  if (failed (p, error, "connect to"))
    return;
  if (p->abandoned)
    {
      g_object_unref (conn);
      probe_free (p);
      return;
    }
  if (p->conf->kind == VIPD_CHECK_TCP)
    {
      g_autofree char *reason = g_strdup_printf ("TCP connect to %s succeeded", p->target_text);

      g_object_unref (conn);
      finish (p, TRUE, reason);
      return;
    }
  g_clear_object (&p->stream);
  p->stream = G_IO_STREAM (conn);
  url = g_ptr_array_index (p->conf->urls, p->url_index);
  g_free (p->request);
  p->request = vipd_http_request (url->path, p->host, p->port, p->conf->kind == VIPD_CHECK_SSL);
  g_clear_pointer (&p->response, vipd_http_response_free);
  p->response = vipd_http_response_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (p->stream), p->request,
                                   strlen (p->request), G_PRIORITY_DEFAULT, p->cancellable,
                                   on_written, p);
}

static void
start_connect (VipdProbe *p)
{
  g_clear_handle_id (&p->timer, g_source_remove);
  g_clear_object (&p->stream);
  p->timer = g_timeout_add (p->conf->connect_timeout_ms, on_timeout, p);
  g_socket_client_connect_async (p->client, G_SOCKET_CONNECTABLE (p->target), p->cancellable,
                                 on_connected, p);
}

VipdProbe *
vipd_probe_start (const VipdChecker *conf, const VipdAddr *addr, guint port, const char *host,
                  VipdProbeDone done, gpointer user_data)
{
  VipdProbe *p = g_new0 (VipdProbe, 1);
  const VipdAddr *to = vipd_addr_is_set (&conf->connect_ip) ? &conf->connect_ip : addr;
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_bytes (to->bytes,
                                                                 to->family == AF_INET6
                                                                     ? G_SOCKET_FAMILY_IPV6
                                                                     : G_SOCKET_FAMILY_IPV4);

  p->conf = conf;
  p->port = conf->connect_port ? conf->connect_port : port;
  p->target = g_inet_socket_address_new (inet, (guint16) p->port);
  p->target_text = vipd_lvs_endpoint_name (to, p->port);
  p->host = g_strdup (host);
  p->done = done;
  p->user_data = user_data;
  p->cancellable = g_cancellable_new ();
  p->client = g_socket_client_new ();
  /* A health check talks to the real server itself, never through an http_proxy. */
  g_socket_client_set_enable_proxy (p->client, FALSE);
  if (vipd_addr_is_set (&conf->bindto))
    {
      g_autoptr (GInetAddress) local = g_inet_address_new_from_bytes (
          conf->bindto.bytes,
          conf->bindto.family == AF_INET6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
      g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (local, 0);

      g_socket_client_set_local_address (p->client, sa);
    }
  if (conf->kind == VIPD_CHECK_SSL)
    {
      g_socket_client_set_tls (p->client, TRUE);
      g_signal_connect (p->client, "event", G_CALLBACK (on_client_event), NULL);
    }
  start_connect (p);
  return p;
}

void
vipd_probe_cancel (VipdProbe *p)
{
  if (p == NULL)
    return;
  p->abandoned = TRUE;
  g_clear_handle_id (&p->timer, g_source_remove);
  g_cancellable_cancel (p->cancellable);
}
