/* ra-socket.c — a raw ICMPv6 socket per advertising virtual router.
 *
 * Not the shared NA socket of garp.c: this one receives too (solicitations on one interface),
 * and only while its instance is master, so it lives and dies with the master state. */
#include "ra-socket.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fd-watch.h"
#include "nl-util.h"

struct _VipdRaSocket
{
  int fd;
  int ifindex;
  char *ifname;
  guint watch;
  VipdRaSolicitFunc func;
  gpointer user_data;
};

static const struct in6_addr all_nodes = { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };
static const struct in6_addr all_routers = { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } } };

static gboolean
readable (int fd, GIOCondition cond, gpointer data)
{
  VipdRaSocket *s = data;
  guint8 buf[1500];
  struct sockaddr_in6 from;
  union
  {
    char buf[CMSG_SPACE (sizeof (int)) + CMSG_SPACE (sizeof (struct in6_pktinfo))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { buf, sizeof buf };
  struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                        .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  ssize_t n;
  guint hop_limit = 0;
  int ifindex = 0;
  VipdAddr src;

  (void) cond;
  n = recvmsg (fd, &msg, MSG_DONTWAIT);
  if (n < 0)
    return G_SOURCE_CONTINUE; /* EAGAIN or a transient error: the next packet is read anyway */
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    {
      if (c->cmsg_level != IPPROTO_IPV6)
        continue;
      if (c->cmsg_type == IPV6_HOPLIMIT)
        {
          int h;

          memcpy (&h, CMSG_DATA (c), sizeof h);
          hop_limit = (guint) h;
        }
      else if (c->cmsg_type == IPV6_PKTINFO)
        {
          struct in6_pktinfo info;

          memcpy (&info, CMSG_DATA (c), sizeof info);
          ifindex = (int) info.ipi6_ifindex;
        }
    }
  /* SO_BINDTODEVICE already filters; the check also covers an interface made again under the
   * same name with another index. */
  if (ifindex != 0 && ifindex != s->ifindex)
    return G_SOURCE_CONTINUE;
  vipd_addr_from_bytes (&src, AF_INET6, from.sin6_addr.s6_addr);
  s->func (buf, (gsize) n, hop_limit, &src, s->user_data);
  return G_SOURCE_CONTINUE;
}

VipdRaSocket *
vipd_ra_socket_new (const char *ifname, VipdRaSolicitFunc func, gpointer user_data,
                    GError **error)
{
  g_autofree VipdRaSocket *s = NULL;
  struct icmp6_filter filter;
  struct ipv6_mreq mreq;
  int fd, ifindex, hops = 255, on = 1, off = 0;
  const char *what;

  if (!vipd_nl_ifindex (ifname, &ifindex, error))
    return NULL;
  /* The kernel fills in (and on input verifies) the checksum of IPPROTO_ICMPV6 raw sockets. */
  fd = socket (AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot open an ICMPv6 socket for Router Advertisements on %s: %s", ifname,
                   g_strerror (errno));
      return NULL;
    }
  ICMP6_FILTER_SETBLOCKALL (&filter);
  ICMP6_FILTER_SETPASS (ND_ROUTER_SOLICIT, &filter);
  memset (&mreq, 0, sizeof mreq);
  mreq.ipv6mr_multiaddr = all_routers;
  mreq.ipv6mr_interface = (unsigned) ifindex;
  /* Each step names itself in the error. */
  if ((what = "ICMP6_FILTER",
       setsockopt (fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0)
      || (what = "SO_BINDTODEVICE",
          setsockopt (fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t) strlen (ifname)) < 0)
      || (what = "IPV6_MULTICAST_HOPS",
          setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0)
      || (what = "IPV6_MULTICAST_LOOP",
          setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off) < 0)
      || (what = "IPV6_RECVHOPLIMIT",
          setsockopt (fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) < 0)
      || (what = "IPV6_RECVPKTINFO",
          setsockopt (fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) < 0)
      || (what = "joining ff02::2",
          setsockopt (fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0))
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot prepare the Router Advertisement socket on %s (%s): %s", ifname,
                   what, g_strerror (saved));
      close (fd);
      return NULL;
    }
  s = g_new0 (VipdRaSocket, 1);
  s->fd = fd;
  s->ifindex = ifindex;
  s->ifname = g_strdup (ifname);
  s->func = func;
  s->user_data = user_data;
  s->watch = vipd_fd_watch_add (fd, G_IO_IN, readable, s);
  return g_steal_pointer (&s);
}

gboolean
vipd_ra_socket_send (VipdRaSocket *s, const VipdAddr *src, const guint8 *buf, gsize len,
                     GError **error)
{
  struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = all_nodes,
                             .sin6_scope_id = (guint32) s->ifindex };
  union
  {
    char buf[CMSG_SPACE (sizeof (struct in6_pktinfo))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { (void *) buf, len };
  struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov,
                        .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  struct cmsghdr *cmsg;
  struct in6_pktinfo info;
  char a[VIPD_ADDR_STRLEN];

  memset (&info, 0, sizeof info);
  info.ipi6_ifindex = (unsigned) s->ifindex;
  memcpy (&info.ipi6_addr, src->v6, 16);
  memset (&control, 0, sizeof control);
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = IPPROTO_IPV6;
  cmsg->cmsg_type = IPV6_PKTINFO;
  cmsg->cmsg_len = CMSG_LEN (sizeof info);
  memcpy (CMSG_DATA (cmsg), &info, sizeof info);
  if (sendmsg (s->fd, &msg, 0) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot send a Router Advertisement from %s on %s: %s",
                   vipd_addr_format (src, a, sizeof a), s->ifname, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

const char *
vipd_ra_socket_get_ifname (const VipdRaSocket *s)
{
  return s->ifname;
}

void
vipd_ra_socket_free (VipdRaSocket *s)
{
  if (s == NULL)
    return;
  if (s->watch)
    g_source_remove (s->watch);
  close (s->fd);
  g_free (s->ifname);
  g_free (s);
}
