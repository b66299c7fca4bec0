/* garp.h — gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6) that tell
 * the LAN a VIP now lives at this interface's MAC address. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

/* Broadcasts one ARP request with sender = target = vip and our MAC as sender hardware address
 * (RFC 5227 announcement) on ifname. FALSE with a GError naming interface and errno. */
gboolean vipd_garp_send (const char *ifname, const VipdAddr *vip, GError **error);

/* Sends one unsolicited neighbour advertisement for vip to ff02::1 on ifname, hop limit 255,
 * flags Router and Override, with our MAC as target link-layer address option. src may be
 * NULL (the kernel picks a link-local source). FALSE with a GError on failure. */
gboolean vipd_na_send (const char *ifname, const VipdAddr *vip, const VipdAddr *src,
                       GError **error);

/* Sends vipd_garp_send or vipd_na_send depending on vip's family. */
gboolean vipd_announce_vip (const char *ifname, const VipdAddr *vip, GError **error);

G_END_DECLS
