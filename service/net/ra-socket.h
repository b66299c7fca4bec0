/* ra-socket.h — the raw ICMPv6 socket of one virtual router's Router Advertisements: sends
 * them to ff02::1 with hop limit 255 from a given source, and hands over the Router
 * Solicitations that arrive on its interface. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

typedef struct _VipdRaSocket VipdRaSocket;

/* A solicitation as received: the ICMPv6 message, the IP hop limit and source. */
typedef void (*VipdRaSolicitFunc) (const guint8 *buf, gsize len, guint hop_limit,
                                   const VipdAddr *src, gpointer user_data);

/* Opens the socket on ifname: bound to it, joined to ff02::2 (all routers, where hosts send
 * their solicitations), receiving only ICMPv6 type 133, watched in the default main context.
 * NULL with a GError naming the interface when that fails. */
VipdRaSocket *vipd_ra_socket_new (const char *ifname, VipdRaSolicitFunc func,
                                  gpointer user_data, GError **error);
/* Sends one ICMPv6 message (checksum left for the kernel) from src to ff02::1. */
gboolean vipd_ra_socket_send (VipdRaSocket *s, const VipdAddr *src, const guint8 *buf,
                              gsize len, GError **error);
const char *vipd_ra_socket_get_ifname (const VipdRaSocket *s);
void vipd_ra_socket_free (VipdRaSocket *s);

G_END_DECLS
