/* garp.c — gratuitous ARP over AF_PACKET and unsolicited NA over a raw ICMPv6 socket.
 *
 * One socket of each kind serves every interface, opened on first use and kept for the life
 * of the process: closing a packet socket waits for an RCU grace period (measured here: 4-24 ms
 * per close), which would delay the advert that follows the takeover. The interface is chosen
 * per packet (sll_ifindex, IPV6_PKTINFO), and neither socket receives anything. */
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

/* Protocol 0: a packet socket that sends ARP but never queues received frames. */
static int
arp_socket (const char *ifname, GError **error)
{
  static int fd = -1;

  if (fd < 0)
    fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                 "cannot open a packet socket for ARP on %s: %s", ifname, g_strerror (errno));
  return fd;
}

/* An ICMPv6 socket that filters out every incoming message, hop limit 255 on multicast. */
static int
na_socket (const char *ifname, GError **error)
{
  static int fd = -1;
  int candidate, hops = 255;
  struct icmp6_filter filter;

  if (fd >= 0)
    return fd;
  /* The kernel fills in the ICMPv6 checksum on IPPROTO_ICMPV6 raw sockets. */
  candidate = socket (AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (candidate < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot open an ICMPv6 socket on %s: %s", ifname, g_strerror (errno));
      return -1;
    }
  ICMP6_FILTER_SETBLOCKALL (&filter);
  /* Receivers drop ND messages whose hop limit is not 255 (RFC 4861 §7.1.2). */
  if (setsockopt (candidate, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0
      || setsockopt (candidate, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot prepare the ICMPv6 socket on %s: %s", ifname, g_strerror (errno));
      close (candidate);
      return -1;
    }
  fd = candidate;
  return fd;
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
  int fd, ifindex;
  char buf[VIPD_ADDR_STRLEN];

  if (vip == NULL || vip->family != AF_INET)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "gratuitous ARP needs an IPv4 address");
      return FALSE;
    }
  if (!vipd_nl_ifindex (ifname, &ifindex, error))
    return FALSE;
  fd = arp_socket (ifname, error);
  if (fd < 0)
    return FALSE;
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
  union
  {
    char buf[CMSG_SPACE (sizeof (struct in6_pktinfo))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { &pkt, sizeof pkt };
  struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov,
                        .msg_iovlen = 1 };
  struct cmsghdr *cmsg;
  struct in6_pktinfo info;
  int fd, ifindex;
  char buf[VIPD_ADDR_STRLEN];

  if (vip == NULL || vip->family != AF_INET6 || (src != NULL && src->family != AF_INET6))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a neighbour advertisement needs IPv6 addresses");
      return FALSE;
    }
  if (!vipd_nl_ifindex (ifname, &ifindex, error))
    return FALSE;
  fd = na_socket (ifname, error);
  if (fd < 0)
    return FALSE;
  memset (&pkt, 0, sizeof pkt);
  if (!get_mac (fd, ifname, pkt.mac, error))
    return FALSE;
  /* The outgoing interface and (optionally) the source ride along with each packet. */
  memset (&info, 0, sizeof info);
  info.ipi6_ifindex = (unsigned) ifindex;
  if (src != NULL)
    memcpy (&info.ipi6_addr, src->v6, 16);
  memset (&control, 0, sizeof control);
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = IPPROTO_IPV6;
  cmsg->cmsg_type = IPV6_PKTINFO;
  cmsg->cmsg_len = CMSG_LEN (sizeof info);
  memcpy (CMSG_DATA (cmsg), &info, sizeof info);
  pkt.na.nd_na_type = ND_NEIGHBOR_ADVERT;
  pkt.na.nd_na_flags_reserved = ND_NA_FLAG_ROUTER | ND_NA_FLAG_OVERRIDE;
  memcpy (&pkt.na.nd_na_target, vip->v6, 16);
  pkt.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
  pkt.opt.nd_opt_len = 1; /* in units of 8 bytes: type, length and a 6-byte MAC */
  inet_pton (AF_INET6, "ff02::1", &to.sin6_addr);
  to.sin6_scope_id = (unsigned) ifindex;
  if (sendmsg (fd, &msg, 0) < 0)
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
