/* vrrp-socket.h — one raw socket per (interface, family) for IP protocol 112 (VRRP).
 *
 * Bound to the interface, TTL/hop limit 255 and DSCP CS6 (VIPD_VRRP_TOS) on everything it
 * sends, multicast loop off. On receive the caller gets the VRRP message with the IP layer's
 * view (source, destination, TTL/hop limit) so that the codec can validate it; nothing is
 * filtered here. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"
#include "wire/packet.h"

G_BEGIN_DECLS

#define VIPD_VRRP_GROUP_V4 "224.0.0.18"
#define VIPD_VRRP_GROUP_V6 "ff02::12"

/* payload is the VRRP message without IP header; it is only valid during the call. */
typedef void (*VipdVrrpRecvFunc) (const guint8 *payload, gsize len, const VipdPacketMeta *meta,
                                  int ifindex, gpointer user_data);

typedef struct
{
  guint64 rx_packets;   /* handed to the callback */
  guint64 rx_errors;    /* recvmsg failures other than "try again" */
  guint64 rx_truncated; /* larger than any VRRP packet: dropped */
  guint64 rx_ip_header; /* IPv4 header that vipd_packet_parse_ipv4 rejected, or missing cmsgs */
  guint64 tx_packets;
  guint64 tx_errors; /* sendmsg failures */
} VipdVrrpSocketCounters;

typedef struct _VipdVrrpSocket VipdVrrpSocket;

/* Opens the socket for family (AF_INET/AF_INET6) on ifname and attaches it to the thread-default
 * main context. group: the multicast group to join and to send to by default (NULL for the
 * standard one); with unicast_only no group is joined (unicast_peer mode). recv may be NULL
 * for a send-only socket. NULL with a GError naming the interface and the failed step. */
VipdVrrpSocket *vipd_vrrp_socket_new (const char *ifname, int family, const VipdAddr *group,
                                      gboolean unicast_only, VipdVrrpRecvFunc recv,
                                      gpointer user_data, GError **error);
/* Detaches from the main loop and closes the socket (leaving the group); NULL is allowed. */
void vipd_vrrp_socket_free (VipdVrrpSocket *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdVrrpSocket, vipd_vrrp_socket_free)

/* Sends one VRRP message (no IP header) from src (NULL: the kernel picks; the checksum the
 * caller computed must then not depend on it) to dst (NULL: the group). src must be an
 * address of this host. Counts and returns FALSE with a GError on failure (EAGAIN included:
 * a full send buffer drops the advert rather than blocking the loop). */
gboolean vipd_vrrp_socket_send (VipdVrrpSocket *s, const VipdAddr *src, const VipdAddr *dst,
                                const guint8 *payload, gsize len, GError **error);

/* The group this socket sends to by default (unset in unicast-only mode). */
const VipdAddr *vipd_vrrp_socket_get_group (VipdVrrpSocket *s);
int vipd_vrrp_socket_get_ifindex (VipdVrrpSocket *s);
const VipdVrrpSocketCounters *vipd_vrrp_socket_get_counters (VipdVrrpSocket *s);

G_END_DECLS
