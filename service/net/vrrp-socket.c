/* vrrp-socket.c — raw IPPROTO_VRRP sockets in the GLib main loop. */
#include "vrrp-socket.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fd-watch.h"
#include "nl-util.h"

/* 60-byte IPv4 header plus 8 + 255 * 16 bytes of VRRP: anything larger is not ours. */
#define RX_BUF_LEN 4200

struct _VipdVrrpSocket
{
  int fd;
  int family;
  int ifindex;
  char ifname[IF_NAMESIZE];
  VipdAddr group; /* unset in unicast-only mode */
  guint source_id;
  VipdVrrpRecvFunc recv;
  gpointer user_data;
  VipdVrrpSocketCounters counters;
};

static gboolean
set_int (VipdVrrpSocket *s, int level, int opt, int value, const char *what, GError **error)
{
  if (setsockopt (s->fd, level, opt, &value, sizeof value) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "VRRP socket on %s: cannot set %s: %s",
               s->ifname, what, g_strerror (errno));
  return FALSE;
}

static gboolean
setup_ipv4 (VipdVrrpSocket *s, gboolean unicast_only, GError **error)
{
  struct ip_mreqn mreq = { .imr_ifindex = s->ifindex };

  if (!set_int (s, IPPROTO_IP, IP_TTL, VIPD_VRRP_TTL, "IP_TTL", error)
      || !set_int (s, IPPROTO_IP, IP_TOS, VIPD_VRRP_TOS, "IP_TOS", error)
      || !set_int (s, IPPROTO_IP, IP_MULTICAST_TTL, VIPD_VRRP_TTL, "IP_MULTICAST_TTL", error)
      || !set_int (s, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP", error)
      || !set_int (s, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO", error))
    return FALSE;
  if (setsockopt (s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) < 0)
    goto fail_if;
  if (unicast_only)
    return TRUE;
  memcpy (&mreq.imr_multiaddr, s->group.v4, 4);
  if (setsockopt (s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
    goto fail_join;
  return TRUE;

fail_if:
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
               "VRRP socket on %s: cannot select it for multicast: %s", s->ifname, g_strerror (errno));
  return FALSE;
fail_join:
  {
    char buf[VIPD_ADDR_STRLEN];
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot join %s on %s: %s",
                 vipd_addr_format (&s->group, buf, sizeof buf), s->ifname, g_strerror (errno));
    return FALSE;
  }
}

static gboolean
setup_ipv6 (VipdVrrpSocket *s, gboolean unicast_only, GError **error)
{
  struct ipv6_mreq mreq = { .ipv6mr_interface = (unsigned) s->ifindex };

  if (!set_int (s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VIPD_VRRP_TTL, "IPV6_UNICAST_HOPS", error)
      || !set_int (s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VIPD_VRRP_TTL, "IPV6_MULTICAST_HOPS", error)
      || !set_int (s, IPPROTO_IPV6, IPV6_TCLASS, VIPD_VRRP_TOS, "IPV6_TCLASS", error)
      || !set_int (s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP", error)
      || !set_int (s, IPPROTO_IPV6, IPV6_MULTICAST_IF, s->ifindex, "IPV6_MULTICAST_IF", error)
      || !set_int (s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT", error)
      || !set_int (s, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO", error))
    return FALSE;
  if (unicast_only)
    return TRUE;
  memcpy (&mreq.ipv6mr_multiaddr, s->group.v6, 16);
  if (setsockopt (s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof mreq) < 0)
    {
      char buf[VIPD_ADDR_STRLEN];
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot join %s on %s: %s",
                   vipd_addr_format (&s->group, buf, sizeof buf), s->ifname, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Reads one datagram; FALSE when the socket is drained or failed. */
static gboolean
recv_one (VipdVrrpSocket *s)
{
  guint8 buf[RX_BUF_LEN];
  union
  {
    char buf[CMSG_SPACE (sizeof (struct in6_pktinfo)) + CMSG_SPACE (sizeof (int))
             + CMSG_SPACE (sizeof (struct in_pktinfo))];
    struct cmsghdr align;
  } control;
  struct sockaddr_storage from;
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
  struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                        .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  VipdPacketMeta meta = { 0 };
  const guint8 *payload = buf;
  gsize payload_len;
  int ifindex = s->ifindex;
  gboolean have_ttl = FALSE, have_dst = FALSE;
  ssize_t n = recvmsg (s->fd, &msg, MSG_TRUNC);

  if (n < 0)
    {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        s->counters.rx_errors++;
      return errno == EINTR;
    }
  if ((gsize) n > sizeof buf || (msg.msg_flags & MSG_TRUNC))
    {
      s->counters.rx_truncated++;
      return TRUE;
    }
  payload_len = (gsize) n;

  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
    {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
        {
          struct in_pktinfo pi;
          memcpy (&pi, CMSG_DATA (c), sizeof pi);
          ifindex = pi.ipi_ifindex;
        }
      else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
        {
          struct in6_pktinfo pi;
          memcpy (&pi, CMSG_DATA (c), sizeof pi);
          ifindex = (int) pi.ipi6_ifindex;
          vipd_addr_from_bytes (&meta.dst, AF_INET6, pi.ipi6_addr.s6_addr);
          have_dst = TRUE;
        }
      else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
        {
          int hops;
          memcpy (&hops, CMSG_DATA (c), sizeof hops);
          meta.ttl = (guint8) hops;
          have_ttl = TRUE;
        }
    }

  if (s->family == AF_INET)
    {
      /* IPv4 raw sockets hand over the IP header as received: TTL and destination come from it. */
      if (vipd_packet_parse_ipv4 (buf, (gsize) n, &meta, &payload, &payload_len) != VIPD_RX_OK)
        {
          s->counters.rx_ip_header++;
          return TRUE;
        }
    }
  else
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &from;
      if (!have_ttl || !have_dst || msg.msg_namelen < sizeof *sin6 || sin6->sin6_family != AF_INET6)
        {
          s->counters.rx_ip_header++;
          return TRUE;
        }
      vipd_addr_from_bytes (&meta.src, AF_INET6, sin6->sin6_addr.s6_addr);
    }
  s->counters.rx_packets++;
  if (s->recv != NULL)
    s->recv (payload, payload_len, &meta, ifindex, s->user_data);
  return TRUE;
}

static gboolean
on_readable (int fd, GIOCondition cond, gpointer user_data)
{
  VipdVrrpSocket *s = user_data;

  /* Bounded: a flood on one interface must not starve the timers of the others. */
  for (int i = 0; i < 64 && recv_one (s); i++)
    ;
  return G_SOURCE_CONTINUE;
}

VipdVrrpSocket *
vipd_vrrp_socket_new (const char *ifname, int family, const VipdAddr *group, gboolean unicast_only,
                      VipdVrrpRecvFunc recv, gpointer user_data, GError **error)
{
  g_autoptr (VipdVrrpSocket) s = g_new0 (VipdVrrpSocket, 1);
  gboolean ok;

  s->fd = -1;
  s->family = family;
  s->recv = recv;
  s->user_data = user_data;
  if (family != AF_INET && family != AF_INET6)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "VRRP socket: unknown family %d", family);
      return NULL;
    }
  if (!vipd_nl_ifindex (ifname, &s->ifindex, error))
    return NULL;
  g_strlcpy (s->ifname, ifname, sizeof s->ifname);
  if (!unicast_only)
    {
      if (group != NULL && vipd_addr_is_set (group))
        s->group = *group;
      else
        vipd_addr_parse (family == AF_INET ? VIPD_VRRP_GROUP_V4 : VIPD_VRRP_GROUP_V6, &s->group);
      if (s->group.family != family || !vipd_addr_is_multicast (&s->group))
        {
          char buf[VIPD_ADDR_STRLEN];
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "VRRP group %s on %s is not an %s multicast address",
                       vipd_addr_format (&s->group, buf, sizeof buf), ifname,
                       family == AF_INET ? "IPv4" : "IPv6");
          return NULL;
        }
    }

  s->fd = socket (family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VIPD_VRRP_PROTO);
  if (s->fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot open a raw VRRP socket for %s: %s%s", ifname, g_strerror (errno),
                   errno == EPERM ? " (needs CAP_NET_RAW)" : "");
      return NULL;
    }
  if (setsockopt (s->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t) strlen (ifname) + 1) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot bind the VRRP socket to %s: %s", ifname, g_strerror (errno));
      return NULL;
    }
  ok = family == AF_INET ? setup_ipv4 (s, unicast_only, error) : setup_ipv6 (s, unicast_only, error);
  if (!ok)
    return NULL;
  s->source_id = vipd_fd_watch_add (s->fd, G_IO_IN, on_readable, s);
  return g_steal_pointer (&s);
}

void
vipd_vrrp_socket_free (VipdVrrpSocket *s)
{
  if (s == NULL)
    return;
  if (s->source_id != 0)
    g_source_remove (s->source_id);
  if (s->fd >= 0)
    close (s->fd); /* closing leaves the group */
  g_free (s);
}

gboolean
vipd_vrrp_socket_send (VipdVrrpSocket *s, const VipdAddr *src, const VipdAddr *dst,
                       const guint8 *payload, gsize len, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (struct in6_pktinfo))];
    struct cmsghdr align;
  } control;
  struct sockaddr_storage to = { 0 };
  struct iovec iov = { .iov_base = (void *) payload, .iov_len = len };
  struct msghdr msg = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control.buf };
  struct cmsghdr *c;
  const VipdAddr *target = dst != NULL ? dst : &s->group;
  char buf[VIPD_ADDR_STRLEN];

  memset (&control, 0, sizeof control);
  if (target->family != s->family || (src != NULL && src->family != s->family))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "VRRP send on %s: address %s is not of the socket's family", s->ifname,
                   vipd_addr_format (target->family != s->family ? target : src, buf, sizeof buf));
      return FALSE;
    }
  c = (struct cmsghdr *) control.buf;
  if (s->family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &to;
      struct in_pktinfo pi = { .ipi_ifindex = s->ifindex };

      sin->sin_family = AF_INET;
      memcpy (&sin->sin_addr, target->v4, 4);
      msg.msg_namelen = sizeof *sin;
      /* ipi_spec_dst is the source address the kernel puts in the header. */
      if (src != NULL)
        memcpy (&pi.ipi_spec_dst, src->v4, 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN (sizeof pi);
      memcpy (CMSG_DATA (c), &pi, sizeof pi);
      msg.msg_controllen = CMSG_SPACE (sizeof pi);
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &to;
      struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned) s->ifindex };

      sin6->sin6_family = AF_INET6;
      memcpy (&sin6->sin6_addr, target->v6, 16);
      if (vipd_addr_is_link_local (target) || vipd_addr_is_multicast (target))
        sin6->sin6_scope_id = (unsigned) s->ifindex;
      msg.msg_namelen = sizeof *sin6;
      if (src != NULL)
        memcpy (&pi.ipi6_addr, src->v6, 16);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN (sizeof pi);
      memcpy (CMSG_DATA (c), &pi, sizeof pi);
      msg.msg_controllen = CMSG_SPACE (sizeof pi);
    }

  if (sendmsg (s->fd, &msg, 0) < 0)
    {
      int saved = errno;
      char sbuf[VIPD_ADDR_STRLEN];

      s->counters.tx_errors++;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot send a VRRP packet on %s from %s to %s: %s%s", s->ifname,
                   src != NULL ? vipd_addr_format (src, sbuf, sizeof sbuf) : "(kernel's choice)",
                   vipd_addr_format (target, buf, sizeof buf), g_strerror (saved),
                   src != NULL && (saved == EINVAL || saved == ENETUNREACH || saved == EADDRNOTAVAIL)
                     ? " (is the source an address of this host, with a route to the destination?)"
                     : "");
      return FALSE;
    }
  s->counters.tx_packets++;
  return TRUE;
}

const VipdAddr *
vipd_vrrp_socket_get_group (VipdVrrpSocket *s)
{
  return &s->group;
}

int
vipd_vrrp_socket_get_ifindex (VipdVrrpSocket *s)
{
  return s->ifindex;
}

const VipdVrrpSocketCounters *
vipd_vrrp_socket_get_counters (VipdVrrpSocket *s)
{
  return &s->counters;
}
