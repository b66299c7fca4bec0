/* garp.c — gratuitous ARP over AF_PACKET and unsolicited NA over a raw ICMPv6 socket.
 *
 * The sockets are opened per burst: announcements are rare (on becoming master and on the
 * garp refresh timer), and a socket per interface would have to follow interface renames. */
#include "garp.h"

#include <errno.h>
#include <gio/gio.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl-util.h"

/* Reads the interface's Ethernet address; FALSE for interfaces without one (tun, lo). */
static gboolean
get_mac (int fd, const char *ifname, guint8 mac[ETH_ALEN], GError **error)
{
  struct ifreq ifr;

  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, ifname, sizeof ifr.ifr_name);
  if (ioctl (fd, SIOCGIFHWADDR, &ifr) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot read the MAC address of %s: %s", ifname, g_strerror (errno));
      return FALSE;
    }
  if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s is not an Ethernet interface (hardware type %u): no ARP/NA to send", ifname,
                   ifr.ifr_hwaddr.sa_family);
      return FALSE;
    }
  memcpy (mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
  return TRUE;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

gboolean
vipd_garp_send (const char *ifname, const VipdAddr *vip, GError **error)
{
  struct __attribute__ ((packed))
  {
    struct arphdr hdr;
    guint8 sha[ETH_ALEN];
    guint8 spa[4];
    guint8 tha[ETH_ALEN];
    guint8 tpa[4];
  } arp;
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons (ETH_P_ARP),
                            .sll_halen = ETH_ALEN };
  __attribute__ ((cleanup (close_fd))) int fd = -1;
  int ifindex;
  char buf[VIPD_ADDR_STRLEN];

  if (vip == NULL || vip->family != AF_INET)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "gratuitous ARP needs an IPv4 address");
      return FALSE;
    }
  if (!vipd_nl_ifindex (ifname, &ifindex, error))
    return FALSE;
  fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons (ETH_P_ARP));
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot open a packet socket for ARP on %s: %s", ifname, g_strerror (errno));
      return FALSE;
    }
  memset (&arp, 0, sizeof arp);
  if (!get_mac (fd, ifname, arp.sha, error))
    return FALSE;
  arp.hdr.ar_hrd = htons (ARPHRD_ETHER);
  arp.hdr.ar_pro = htons (ETH_P_IP);
  arp.hdr.ar_hln = ETH_ALEN;
  arp.hdr.ar_pln = 4;
  arp.hdr.ar_op = htons (ARPOP_REQUEST);
  memcpy (arp.spa, vip->v4, 4);
  memcpy (arp.tpa, vip->v4, 4); /* tha stays zero, as RFC 5227 asks */
  to.sll_ifindex = ifindex;
  memset (to.sll_addr, 0xff, ETH_ALEN);
  if (sendto (fd, &arp, sizeof arp, 0, (struct sockaddr *) &to, sizeof to) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot send gratuitous ARP for %s on %s: %s",
                   vipd_addr_format (vip, buf, sizeof buf), ifname, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
vipd_na_send (const char *ifname, const VipdAddr *vip, const VipdAddr *src, GError **error)
{
  struct __attribute__ ((packed))
  {
    struct nd_neighbor_advert na;
    struct nd_opt_hdr opt;
    guint8 mac[ETH_ALEN];
  } pkt;
  struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
  __attribute__ ((cleanup (close_fd))) int fd = -1;
  int ifindex, hops = 255;
  char buf[VIPD_ADDR_STRLEN];

  if (vip == NULL || vip->family != AF_INET6 || (src != NULL && src->family != AF_INET6))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a neighbour advertisement needs IPv6 addresses");
      return FALSE;
    }
  if (!vipd_nl_ifindex (ifname, &ifindex, error))
    return FALSE;
  /* The kernel fills in the ICMPv6 checksum on IPPROTO_ICMPV6 raw sockets. */
  fd = socket (AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot open an ICMPv6 socket on %s: %s", ifname, g_strerror (errno));
      return FALSE;
    }
  memset (&pkt, 0, sizeof pkt);
  if (!get_mac (fd, ifname, pkt.mac, error))
    return FALSE;
  /* Receivers drop ND messages whose hop limit is not 255 (RFC 4861 §7.1.2). */
  if (setsockopt (fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t) strlen (ifname) + 1) < 0
      || setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0
      || setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot prepare the ICMPv6 socket on %s: %s", ifname, g_strerror (errno));
      return FALSE;
    }
  if (src != NULL)
    {
      struct sockaddr_in6 from = { .sin6_family = AF_INET6, .sin6_scope_id = (unsigned) ifindex };
      memcpy (&from.sin6_addr, src->v6, 16);
      if (bind (fd, (struct sockaddr *) &from, sizeof from) < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "cannot send neighbour advertisements on %s from %s: %s", ifname,
                       vipd_addr_format (src, buf, sizeof buf), g_strerror (errno));
          return FALSE;
        }
    }
  pkt.na.nd_na_type = ND_NEIGHBOR_ADVERT;
  pkt.na.nd_na_flags_reserved = ND_NA_FLAG_ROUTER | ND_NA_FLAG_OVERRIDE;
  memcpy (&pkt.na.nd_na_target, vip->v6, 16);
  pkt.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
  pkt.opt.nd_opt_len = 1; /* in units of 8 bytes: type, length and a 6-byte MAC */
  inet_pton (AF_INET6, "ff02::1", &to.sin6_addr);
  to.sin6_scope_id = (unsigned) ifindex;
  if (sendto (fd, &pkt, sizeof pkt, 0, (struct sockaddr *) &to, sizeof to) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot send a neighbour advertisement for %s on %s: %s",
                   vipd_addr_format (vip, buf, sizeof buf), ifname, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
vipd_announce_vip (const char *ifname, const VipdAddr *vip, GError **error)
{
  if (vip != NULL && vip->family == AF_INET6)
    return vipd_na_send (ifname, vip, NULL, error);
  return vipd_garp_send (ifname, vip, error);
}
