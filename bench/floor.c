/* floor.c — the least a VRRP master or backup does each second, in a GLib main loop or in a
 * bare epoll loop, for bench/floor.py to set beside vipd and keepalived at one instance.
 *
 * Usage: floor glib|epoll IFNAME [backup]
 *
 * Both modes open a raw IPPROTO_VRRP socket bound to IFNAME and joined to 224.0.0.18 there
 * (TTL 255, no multicast loop) and a CLOCK_MONOTONIC timerfd, and do the daemons' work at one
 * instance and nothing else. As a master: at each expiry of the timer, armed on absolute whole
 * seconds, one 20-byte VRRPv2 advertisement (VRID 1, priority 150, 192.0.2.1, advert_int 1) is
 * sent and the timer re-armed, which also clears its expiry count, so it is never read (as in
 * vipd). As a backup: each advertisement received is read and the timer (Master_Down_Interval,
 * 3.6 s) re-armed; nothing is sent. "glib" waits in g_main_loop_run() with each descriptor as a
 * unix-fd source that may recurse (so that GLib leaves it in the poll set while dispatching it,
 * as vipd's service/net/fd-watch.c does) and SIGTERM as a g_unix_signal_add() source; "epoll"
 * waits in epoll_wait(), as keepalived does, and dies on SIGTERM. */
#include <arpa/inet.h>
#include <glib-unix.h>
#include <glib.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "wire/packet.h"

static int timer_fd = -1;
static int vrrp_fd = -1;
static gboolean backup;
static struct timespec next_expiry;
static struct sockaddr_in group = { .sin_family = AF_INET };
static guint8 advert[20] = {
  0x21, 1, 150, 1, /* v2 advertisement, VRID 1, priority 150, one address */
  0, 1, 0, 0,      /* no authentication, advert_int 1 s, checksum below */
  192, 0, 2, 1,    /* the VIP */
};

static void
arm (void)
{
  struct itimerspec its = { .it_value = next_expiry };

  timerfd_settime (timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Master_Down_Interval at priority 100 (VRRPv2): 3 s + (256 - 100) / 256 s. */
static void
arm_master_down (void)
{
  struct itimerspec its = { .it_value = { 3, 609375000 } };

  timerfd_settime (timer_fd, 0, &its, NULL);
}

static void
received (void)
{
  guint8 buf[1500];

  if (recv (vrrp_fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
    arm_master_down ();
}

static void
expired (void)
{
  if (backup)
    {
      arm_master_down (); /* the master went quiet: a backup would take over here */
      return;
    }
  if (sendto (vrrp_fd, advert, sizeof advert, 0, (struct sockaddr *) &group, sizeof group) < 0)
    perror ("floor: sendto");
  next_expiry.tv_sec++;
  arm ();
}

static gboolean
on_timer (int fd, GIOCondition cond, gpointer data)
{
  expired ();
  return G_SOURCE_CONTINUE;
}

static gboolean
on_packet (int fd, GIOCondition cond, gpointer data)
{
  received ();
  return G_SOURCE_CONTINUE;
}

static void
watch (int fd, GUnixFDSourceFunc func)
{
  GSource *source = g_unix_fd_source_new (fd, G_IO_IN);

  g_source_set_can_recurse (source, TRUE);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) func, NULL, NULL);
  g_source_attach (source, NULL);
  g_source_unref (source);
}

static gboolean
on_sigterm (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
open_socket (const char *ifname)
{
  struct ip_mreqn mreq = { .imr_ifindex = (int) if_nametoindex (ifname) };
  int ttl = 255, loop = 0;

  vrrp_fd = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, 112);
  inet_pton (AF_INET, "224.0.0.18", &group.sin_addr);
  mreq.imr_multiaddr = group.sin_addr;
  if (vrrp_fd < 0 || mreq.imr_ifindex == 0
      || setsockopt (vrrp_fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
                     (socklen_t) strlen (ifname) + 1) < 0
      || setsockopt (vrrp_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0
      || setsockopt (vrrp_fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) < 0
      || setsockopt (vrrp_fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) < 0
      || setsockopt (vrrp_fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
    {
      perror ("floor: the VRRP socket (needs root and an existing interface)");
      return -1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  guint16 sum;

  if (argc < 3 || argc > 4 || (strcmp (argv[1], "glib") != 0 && strcmp (argv[1], "epoll") != 0)
      || (argc == 4 && strcmp (argv[3], "backup") != 0))
    {
      fprintf (stderr, "usage: floor glib|epoll IFNAME [backup]\n");
      return 2;
    }
  backup = argc == 4;
  if (open_socket (argv[2]) < 0)
    return 1;
  sum = vipd_csum_fold (vipd_csum_partial (advert, sizeof advert, 0));
  advert[6] = (guint8) (sum >> 8);
  advert[7] = (guint8) sum;
  timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  clock_gettime (CLOCK_MONOTONIC, &next_expiry);
  next_expiry.tv_sec++;
  next_expiry.tv_nsec = 0;
  if (backup)
    arm_master_down ();
  else
    arm ();

  if (strcmp (argv[1], "glib") == 0)
    {
      GMainLoop *loop = g_main_loop_new (NULL, FALSE);

      watch (timer_fd, on_timer);
      watch (vrrp_fd, on_packet);
      g_unix_signal_add (SIGTERM, on_sigterm, loop);
      g_main_loop_run (loop);
      g_main_loop_unref (loop);
      return 0;
    }

  {
    int ep = epoll_create1 (EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = timer_fd };
    struct epoll_event pkt = { .events = EPOLLIN, .data.fd = vrrp_fd };

    if (ep < 0 || epoll_ctl (ep, EPOLL_CTL_ADD, timer_fd, &ev) < 0
        || epoll_ctl (ep, EPOLL_CTL_ADD, vrrp_fd, &pkt) < 0)
      {
        perror ("floor: epoll");
        return 1;
      }
    for (;;)
      if (epoll_wait (ep, &ev, 1, -1) == 1)
        {
          if (ev.data.fd == timer_fd)
            expired ();
          else
            received ();
        }
  }
}
