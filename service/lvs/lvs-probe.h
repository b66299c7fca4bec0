/* lvs-probe.h — one attempt of a TCP_CHECK, HTTP_GET or SSL_GET against a real server, in the
 * main loop and never blocking. The whole attempt (connect, TLS, request, response) of each url
 * is bounded by connect_timeout, so a black-holed server costs a timer, never a stall. SSL_GET
 * accepts any certificate, as keepalived does (self-signed real servers are the rule). */
#pragma once

#include <glib.h>

#include "config/config-model.h"

G_BEGIN_DECLS

typedef struct _VipdProbe VipdProbe;

/* Called once from the main loop (unless the probe is cancelled first). */
typedef void (*VipdProbeDone) (gboolean success, const char *reason, gpointer user_data);

/* Starts one attempt of conf (not MISC_CHECK) against addr:port (connect_ip and connect_port
 * of conf override them). host is the Host: header for HTTP. */
VipdProbe *vipd_probe_start (const VipdChecker *conf, const VipdAddr *addr, guint port,
                             const char *host, VipdProbeDone done, gpointer user_data);
/* Stops the attempt; done is not called. NULL is allowed. */
void vipd_probe_cancel (VipdProbe *probe);

G_END_DECLS
