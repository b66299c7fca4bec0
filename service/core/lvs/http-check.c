/* http-check.c — the request, an incremental response reader and the verdict. */
#include "http-check.h"

#include <string.h>

struct _VipdHttpResponse
{
  GByteArray *head; /* bytes until the blank line */
  gboolean in_body;
  int status;
  gint64 content_length; /* -1 when not given */
  guint64 body_len;
  GChecksum *md5;
  char *digest;
};

char *
vipd_http_request (const char *path, const char *host, guint port, gboolean tls)
{
  g_autofree char *host_header = (port == 0 || port == (tls ? 443u : 80u))
                                     ? g_strdup (host)
                                     : g_strdup_printf ("%s:%u", host, port);

  return g_strdup_printf ("GET %s HTTP/1.0\r\n"
                          "User-Agent: vipd\r\n"
                          "Host: %s\r\n"
                          "Connection: close\r\n"
                          "\r\n",
                          path, host_header);
}

VipdHttpResponse *
vipd_http_response_new (void)
{
  VipdHttpResponse *r = g_new0 (VipdHttpResponse, 1);

  r->head = g_byte_array_new ();
  r->status = -1;
  r->content_length = -1;
  r->md5 = g_checksum_new (G_CHECKSUM_MD5);
  return r;
}

void
vipd_http_response_free (VipdHttpResponse *r)
{
  if (r == NULL)
    return;
  g_byte_array_unref (r->head);
  g_checksum_free (r->md5);
  g_free (r->digest);
  g_free (r);
}

/* Parses the status line and the headers vipd cares about; FALSE with *error otherwise. */
static gboolean
parse_head (VipdHttpResponse *r, char **error)
{
  g_autofree char *text = g_strndup ((const char *) r->head->data, r->head->len);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint64 code;

  g_strchomp (lines[0]);
  if (!g_str_has_prefix (lines[0], "HTTP/") || strchr (lines[0], ' ') == NULL)
    {
      *error = g_strdup_printf ("not an HTTP response (\"%.40s\")", lines[0]);
      return FALSE;
    }
  {
    const char *sp = strchr (lines[0], ' ') + 1;
    char num[4] = { 0 };

    memcpy (num, sp, MIN (strlen (sp), 3));
    if (!g_ascii_string_to_unsigned (num, 10, 100, 599, &code, NULL))
      {
        *error = g_strdup_printf ("bad HTTP status line \"%.40s\"", lines[0]);
        return FALSE;
      }
  }
  r->status = (int) code;
  for (guint i = 1; lines[i]; i++)
    {
      char *colon = strchr (lines[i], ':');
      guint64 len;

      g_strchomp (lines[i]);
      if (colon == NULL)
        continue;
      *colon = '\0';
      if (g_ascii_strcasecmp (lines[i], "Content-Length") == 0)
        {
          if (!g_ascii_string_to_unsigned (g_strstrip (colon + 1), 10, 0, G_MAXINT64, &len, NULL))
            {
              *error = g_strdup ("bad Content-Length header");
              return FALSE;
            }
          r->content_length = (gint64) len;
        }
      else if (g_ascii_strcasecmp (lines[i], "Transfer-Encoding") == 0
               && g_ascii_strcasecmp (g_strstrip (colon + 1), "identity") != 0)
        {
          *error = g_strdup ("chunked response to an HTTP/1.0 request");
          return FALSE;
        }
    }
  return TRUE;
}

static void
add_body (VipdHttpResponse *r, const guint8 *data, gsize len)
{
  if (r->content_length >= 0)
    len = MIN (len, (guint64) r->content_length - r->body_len);
  g_checksum_update (r->md5, data, len);
  r->body_len += len;
}

gboolean
vipd_http_response_feed (VipdHttpResponse *r, const guint8 *data, gsize len, char **error)
{
  if (r->in_body)
    {
      add_body (r, data, len);
      return TRUE;
    }
  for (gsize i = 0; i < len; i++)
    {
      guint n;

      g_byte_array_append (r->head, &data[i], 1);
      n = r->head->len;
      if (n >= 2 && r->head->data[n - 1] == '\n'
          && (r->head->data[n - 2] == '\n'
              || (n >= 4 && r->head->data[n - 2] == '\r' && r->head->data[n - 3] == '\n')))
        {
          r->in_body = TRUE;
          if (!parse_head (r, error))
            return FALSE;
          add_body (r, data + i + 1, len - i - 1);
          return TRUE;
        }
      if (n > VIPD_HTTP_MAX_HEADER)
        {
          *error = g_strdup_printf ("response header longer than %u bytes", VIPD_HTTP_MAX_HEADER);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vipd_http_response_complete (const VipdHttpResponse *r)
{
  return r->in_body && r->content_length >= 0 && r->body_len >= (guint64) r->content_length;
}

gboolean
vipd_http_response_finish (VipdHttpResponse *r, char **error)
{
  if (!r->in_body)
    {
      *error = g_strdup (r->head->len == 0 ? "connection closed without a response"
                                           : "connection closed inside the response header");
      return FALSE;
    }
  if (r->content_length >= 0 && r->body_len < (guint64) r->content_length)
    {
      *error = g_strdup_printf ("connection closed after %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT
                                " body bytes",
                                r->body_len, r->content_length);
      return FALSE;
    }
  return TRUE;
}

int
vipd_http_response_status (const VipdHttpResponse *r)
{
  return r->status;
}

const char *
vipd_http_response_digest (VipdHttpResponse *r)
{
  if (r->digest == NULL)
    r->digest = g_strdup (g_checksum_get_string (r->md5));
  return r->digest;
}

gboolean
vipd_http_judge (const VipdCheckUrl *url, int status, const char *digest, char **reason)
{
  gboolean status_ok = FALSE;

  if (url->status_codes->len == 0)
    status_ok = status >= 200 && status <= 299;
  for (guint i = 0; i < url->status_codes->len; i++)
    {
      VipdStatusRange range = g_array_index (url->status_codes, VipdStatusRange, i);

      if (status >= range.lo && status <= range.hi)
        status_ok = TRUE;
    }
  if (!status_ok)
    {
      *reason = g_strdup_printf ("%s: HTTP status %d, expected %s", url->path, status,
                                 url->status_codes->len ? "the configured status_code" : "2xx");
      return FALSE;
    }
  if (url->digest && g_ascii_strcasecmp (url->digest, digest) != 0)
    {
      *reason = g_strdup_printf ("%s: body MD5 %s differs from digest %s", url->path, digest,
                                 url->digest);
      return FALSE;
    }
  *reason = g_strdup_printf ("%s: HTTP status %d%s", url->path, status,
                             url->digest ? ", digest matches" : "");
  return TRUE;
}
