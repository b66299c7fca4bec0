/* http-check.h — HTTP_GET/SSL_GET as keepalived has them, without the socket: the request
 * line, an incremental response reader that keeps the status and the MD5 of the body (what
 * keepalived's genhash prints), and the verdict against one url { }. Pure. */
#pragma once

#include <glib.h>

#include "config/config-model.h"

G_BEGIN_DECLS

/* Response headers larger than this are refused (a real server talking nonsense). */
#define VIPD_HTTP_MAX_HEADER 16384

/* "GET path HTTP/1.0" with Host (host[:port] when the port is not the scheme's) and
 * Connection: close. Newly allocated. */
char *vipd_http_request (const char *path, const char *host, guint port, gboolean tls);

typedef struct _VipdHttpResponse VipdHttpResponse;

VipdHttpResponse *vipd_http_response_new (void);
void vipd_http_response_free (VipdHttpResponse *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdHttpResponse, vipd_http_response_free)

/* Feeds received bytes. FALSE with *error when the response cannot be HTTP. */
gboolean vipd_http_response_feed (VipdHttpResponse *r, const guint8 *data, gsize len,
                                  char **error);
/* The whole body is in: Content-Length reached (or, without one, only the end of the stream
 * tells: call vipd_http_response_finish()). */
gboolean vipd_http_response_complete (const VipdHttpResponse *r);
/* The peer closed the stream. FALSE with *error when the response is cut short. */
gboolean vipd_http_response_finish (VipdHttpResponse *r, char **error);
/* The status code; -1 before the status line is in. */
int vipd_http_response_status (const VipdHttpResponse *r);
/* The MD5 of the body as 32 lower-case hex digits, once complete or finished. */
const char *vipd_http_response_digest (VipdHttpResponse *r);

/* Does a response with status and body digest pass url? Without status_code any 2xx passes;
 * with a digest, the body's MD5 must equal it. *reason says why not, or what passed. */
gboolean vipd_http_judge (const VipdCheckUrl *url, int status, const char *digest,
                          char **reason);

G_END_DECLS
