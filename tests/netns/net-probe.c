/* net-probe — drives service/net from the namespace tests, one subcommand per function.
 *
 * Output is one line per fact ("advert result=ok ... ttl=255") so that the Python tests can
 * parse it; "ready" is printed once a listening command is set up. Options are key=value
 * words after the positional arguments. */
#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "garp.h"
#include "link-monitor.h"
#include "vip-netlink.h"
#include "vrrp-socket.h"
#include "wire/packet.h"

typedef struct
{
  const char *name;
  int min_args; /* positional arguments after the subcommand */
  int (*run) (char **argv, int argc);
  const char *usage;
} Command;

/* Value of a key=value word in argv[from..argc), or NULL. */
static const char *
opt (char **argv, int argc, int from, const char *key)
{
  gsize klen = strlen (key);

  for (int i = from; i < argc; i++)
    if (strncmp (argv[i], key, klen) == 0 && argv[i][klen] == '=')
      return argv[i] + klen + 1;
  return NULL;
}

static gboolean
has_word (char **argv, int argc, int from, const char *word)
{
  for (int i = from; i < argc; i++)
    if (g_str_equal (argv[i], word))
      return TRUE;
  return FALSE;
}

static int
fail (GError *error)
{
  fprintf (stderr, "net-probe: %s\n", error->message);
  g_error_free (error);
  return 1;
}

static gboolean
parse_vip (const char *text, VipdNlVip *vip)
{
  gboolean has_prefix;

  memset (vip, 0, sizeof *vip);
  return vipd_addr_parse_prefix (text, &vip->addr, &vip->prefix_len, &has_prefix);
}

static gboolean
parse_addr_arg (const char *text, VipdAddr *out)
{
  if (vipd_addr_parse (text, out))
    return TRUE;
  fprintf (stderr, "net-probe: \"%s\" is not an IP address\n", text);
  return FALSE;
}

static int
cmd_vip_add (char **argv, int argc)
{
  g_autoptr (VipdVipNetlink) nl = NULL;
  GError *error = NULL;
  VipdNlVip vip;
  const char *v;

  if (!parse_vip (argv[1], &vip))
    return fprintf (stderr, "net-probe: bad VIP %s\n", argv[1]), 2;
  if ((v = opt (argv, argc, 3, "label")) != NULL)
    vip.label = v;
  if ((v = opt (argv, argc, 3, "scope")) != NULL)
    vip.scope = atoi (v);
  if ((v = opt (argv, argc, 3, "brd")) != NULL && !parse_addr_arg (v, &vip.broadcast))
    return 2;
  nl = vipd_vip_netlink_new (&error);
  if (nl == NULL
      || !vipd_vip_add (nl, argv[0], &vip, (guint32) strtoul (argv[2], NULL, 10),
                        has_word (argv, argc, 3, "renew"), &error))
    return fail (error);
  printf ("added %s\n", argv[1]);
  return 0;
}

static int
cmd_vip_del (char **argv, int argc)
{
  g_autoptr (VipdVipNetlink) nl = NULL;
  GError *error = NULL;
  VipdNlVip vip;

  if (!parse_vip (argv[1], &vip))
    return fprintf (stderr, "net-probe: bad VIP %s\n", argv[1]), 2;
  nl = vipd_vip_netlink_new (&error);
  if (nl == NULL || !vipd_vip_remove (nl, argv[0], &vip, &error))
    {
      /* Exit 3 lets a test tell "was not there" from other failures. */
      int rc = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? 3 : 1;
      fail (error);
      return rc;
    }
  printf ("removed %s\n", argv[1]);
  return 0;
}

static int
cmd_vip_present (char **argv, int argc)
{
  g_autoptr (VipdVipNetlink) nl = NULL;
  g_autoptr (GArray) found = NULL;
  g_autofree VipdNlVip *vips = g_new0 (VipdNlVip, (gsize) argc);
  GError *error = NULL;
  guint n = 0, j = 0;

  for (int i = 1; i < argc; i++, n++)
    if (!parse_vip (argv[i], &vips[n]))
      return fprintf (stderr, "net-probe: bad VIP %s\n", argv[i]), 2;
  nl = vipd_vip_netlink_new (&error);
  if (nl == NULL || (found = vipd_vip_list_present (nl, argv[0], vips, n, &error)) == NULL)
    return fail (error);
  for (guint i = 0; i < n; i++)
    {
      gboolean here = j < found->len && g_array_index (found, guint, j) == i;
      printf ("%s %s\n", here ? "present" : "absent", argv[i + 1]);
      j += here;
    }
  return 0;
}

static int
cmd_addrs (char **argv, int argc)
{
  g_autoptr (VipdLinkMonitor) mon = NULL;
  GError *error = NULL;
  VipdLinkInfo link;
  VipdAddr a;
  char buf[VIPD_ADDR_STRLEN];

  mon = vipd_link_monitor_new (NULL, NULL, &error);
  if (mon == NULL || !vipd_link_monitor_get_link (mon, argv[0], &link, &error))
    return fail (error);
  printf ("link ifindex=%d name=%s up=%d carrier=%d\n", link.ifindex, link.name, link.admin_up,
          link.carrier);
  if (vipd_link_monitor_primary_ipv4 (mon, argv[0], &a, &error))
    printf ("ipv4 %s\n", vipd_addr_format (&a, buf, sizeof buf));
  else
    printf ("ipv4 none (%s)\n", error->message), g_clear_error (&error);
  if (vipd_link_monitor_ipv6_link_local (mon, argv[0], &a, &error))
    printf ("ipv6ll %s\n", vipd_addr_format (&a, buf, sizeof buf));
  else
    printf ("ipv6ll none (%s)\n", error->message), g_clear_error (&error);
  return 0;
}

static int
family_arg (const char *text)
{
  return g_str_equal (text, "6") ? AF_INET6 : g_str_equal (text, "4") ? AF_INET : AF_UNSPEC;
}

/* send-advert IFACE 4|6 VRID PRIO VIP[,VIP...] [src=A] [dst=A] [count=N] [interval=MS] [unicast] */
static int
cmd_send_advert (char **argv, int argc)
{
  g_autoptr (VipdLinkMonitor) mon = NULL;
  g_autoptr (VipdVrrpSocket) sock = NULL;
  g_auto (GStrv) vips = g_strsplit (argv[4], ",", -1);
  static VipdAdvert adv; /* large (255 addresses): keep it off the stack */
  VipdPacketMeta meta = { .ttl = VIPD_VRRP_TTL };
  GError *error = NULL;
  guint8 pkt[VIPD_VRRP_HDR_LEN + VIPD_VRRP_MAX_ADDRS * 16];
  int family = family_arg (argv[1]);
  int count = opt (argv, argc, 5, "count") ? atoi (opt (argv, argc, 5, "count")) : 1;
  int interval_ms = opt (argv, argc, 5, "interval") ? atoi (opt (argv, argc, 5, "interval")) : 100;
  const char *v;
  gsize len;

  if (family == AF_UNSPEC)
    return fprintf (stderr, "net-probe: family must be 4 or 6\n"), 2;
  memset (&adv, 0, sizeof adv);
  adv.version = 3;
  adv.type = VIPD_VRRP_TYPE_ADVERT;
  adv.vrid = (guint8) atoi (argv[2]);
  adv.priority = (guint8) atoi (argv[3]);
  adv.adver_int_cs = 10;
  adv.family = family;
  for (guint i = 0; vips[i] != NULL && i < VIPD_VRRP_MAX_ADDRS; i++, adv.naddrs++)
    if (!parse_addr_arg (vips[i], &adv.addrs[i]))
      return 2;

  sock = vipd_vrrp_socket_new (argv[0], family, NULL, has_word (argv, argc, 5, "unicast"), NULL,
                               NULL, &error);
  if (sock == NULL)
    return fail (error);
  mon = vipd_link_monitor_new (NULL, NULL, &error);
  if (mon == NULL)
    return fail (error);
  /* The checksum covers the source address, so the source is chosen here, not by the kernel. */
  if ((v = opt (argv, argc, 5, "src")) != NULL)
    {
      if (!parse_addr_arg (v, &meta.src))
        return 2;
    }
  else if (!(family == AF_INET ? vipd_link_monitor_primary_ipv4 (mon, argv[0], &meta.src, &error)
                               : vipd_link_monitor_ipv6_link_local (mon, argv[0], &meta.src, &error)))
    return fail (error);
  meta.dst = *vipd_vrrp_socket_get_group (sock);
  if ((v = opt (argv, argc, 5, "dst")) != NULL && !parse_addr_arg (v, &meta.dst))
    return 2;

  len = vipd_packet_encode (&adv, &meta, VIPD_CSUM_PSEUDO, pkt, sizeof pkt);
  if (len == 0)
    return fprintf (stderr, "net-probe: cannot encode the advert\n"), 1;
  for (int i = 0; i < count; i++)
    {
      char sbuf[VIPD_ADDR_STRLEN], dbuf[VIPD_ADDR_STRLEN];
      if (i > 0)
        g_usleep ((gulong) interval_ms * 1000);
      if (!vipd_vrrp_socket_send (sock, &meta.src, &meta.dst, pkt, len, &error))
        return fail (error);
      printf ("sent src=%s dst=%s len=%zu\n", vipd_addr_format (&meta.src, sbuf, sizeof sbuf),
              vipd_addr_format (&meta.dst, dbuf, sizeof dbuf), len);
    }
  return 0;
}

typedef struct
{
  GMainLoop *loop;
  int wanted;
  int seen;
} RecvCtx;

static void
on_advert (const guint8 *payload, gsize len, const VipdPacketMeta *meta, int ifindex, gpointer user_data)
{
  RecvCtx *ctx = user_data;
  static VipdAdvert adv;
  char sbuf[VIPD_ADDR_STRLEN], dbuf[VIPD_ADDR_STRLEN];
  VipdRxResult r = vipd_packet_decode (payload, len, meta, FALSE, VIPD_CSUM_PSEUDO, &adv, NULL);
  g_autoptr (GString) line = g_string_new (NULL);

  g_string_append_printf (line, "advert result=%s src=%s dst=%s ttl=%u ifindex=%d len=%zu",
                          vipd_rx_result_name (r), vipd_addr_format (&meta->src, sbuf, sizeof sbuf),
                          vipd_addr_format (&meta->dst, dbuf, sizeof dbuf), meta->ttl, ifindex, len);
  if (r == VIPD_RX_OK)
    {
      g_string_append_printf (line, " version=%u vrid=%u prio=%u addrs=", adv.version, adv.vrid,
                              adv.priority);
      for (guint i = 0; i < adv.naddrs; i++)
        g_string_append_printf (line, "%s%s", i ? "," : "",
                                vipd_addr_format (&adv.addrs[i], sbuf, sizeof sbuf));
    }
  printf ("%s\n", line->str);
  if (++ctx->seen >= ctx->wanted)
    g_main_loop_quit (ctx->loop);
}

static gboolean
on_timeout (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_renew_failed (const char *log_name, const char *message)
{
  printf ("renew-failed %s: %s\n", log_name, message);
}

/* Queues a renewal per VIP (ADDR/LEN or ADDR/LEN,scope=N,label=L), sends them together from the
 * main loop as the daemon does, waits for the kernel's answers and reports failures by VIP. */
static int
cmd_vip_renew (char **argv, int argc)
{
  g_autoptr (VipdVipNetlink) nl = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GError *error = NULL;
  guint32 life = (guint32) strtoul (argv[1], NULL, 10);

  nl = vipd_vip_netlink_new (&error);
  if (nl == NULL)
    return fail (error);
  vipd_vip_netlink_set_renew_failed (nl, on_renew_failed);
  for (int i = 2; i < argc; i++)
    {
      g_auto (GStrv) parts = g_strsplit (argv[i], ",", -1);
      VipdNlVip vip;

      if (!parse_vip (parts[0], &vip))
        return fprintf (stderr, "net-probe: bad VIP %s\n", parts[0]), 2;
      for (int j = 1; parts[j] != NULL; j++)
        if (g_str_has_prefix (parts[j], "scope="))
          vip.scope = atoi (parts[j] + 6);
        else if (g_str_has_prefix (parts[j], "label="))
          vip.label = parts[j] + 6;
      if (!vipd_vip_renew (nl, argv[0], &vip, life, parts[0], &error))
        return fail (error);
    }
  printf ("queued %d\n", argc - 2);
  /* The flush is an idle callback that also reads the kernel's answers. Half a second is plenty. */
  g_timeout_add (500, on_timeout, loop);
  g_main_loop_run (loop);
  printf ("done\n");
  return 0;
}

/* recv IFACE 4|6 N SECONDS [unicast] [group=A]: prints N adverts, exit 2 on timeout. */
static int
cmd_recv (char **argv, int argc)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (VipdVrrpSocket) sock = NULL;
  RecvCtx ctx = { .loop = loop, .wanted = atoi (argv[2]) };
  GError *error = NULL;
  VipdAddr group = { 0 };
  const VipdVrrpSocketCounters *c;
  const char *v;
  int family = family_arg (argv[1]);

  if (family == AF_UNSPEC)
    return fprintf (stderr, "net-probe: family must be 4 or 6\n"), 2;
  if ((v = opt (argv, argc, 4, "group")) != NULL && !parse_addr_arg (v, &group))
    return 2;
  sock = vipd_vrrp_socket_new (argv[0], family, &group, has_word (argv, argc, 4, "unicast"),
                               on_advert, &ctx, &error);
  if (sock == NULL)
    return fail (error);
  g_timeout_add_seconds ((guint) atoi (argv[3]), on_timeout, loop);
  printf ("ready\n");
  g_main_loop_run (loop);
  c = vipd_vrrp_socket_get_counters (sock);
  printf ("done seen=%d rx_packets=%" G_GUINT64_FORMAT " rx_ip_header=%" G_GUINT64_FORMAT
          " rx_errors=%" G_GUINT64_FORMAT "\n", ctx.seen, c->rx_packets, c->rx_ip_header, c->rx_errors);
  return ctx.seen >= ctx.wanted ? 0 : 2;
}

static int
cmd_garp (char **argv, int argc)
{
  GError *error = NULL;
  VipdAddr vip;

  if (!parse_addr_arg (argv[1], &vip))
    return 2;
  if (!vipd_announce_vip (argv[0], &vip, &error))
    return fail (error);
  printf ("announced %s\n", argv[1]);
  return 0;
}

static const char *monitor_ifname;

static gboolean
wanted_ifindex (int ifindex)
{
  return monitor_ifname == NULL || (int) if_nametoindex (monitor_ifname) == ifindex;
}

static void
on_link (const VipdLinkInfo *link, gpointer user_data)
{
  if (monitor_ifname == NULL || g_str_equal (link->name, monitor_ifname))
    printf ("link ifindex=%d name=%s up=%d carrier=%d removed=%d\n", link->ifindex, link->name,
            link->admin_up, link->carrier, link->removed);
}

static void
on_addr (const VipdAddrEvent *ev, gpointer user_data)
{
  char buf[VIPD_ADDR_STRLEN];

  if (wanted_ifindex (ev->ifindex))
    printf ("addr %s ifindex=%d addr=%s/%u\n", ev->added ? "added" : "removed", ev->ifindex,
            vipd_addr_format (&ev->addr, buf, sizeof buf), ev->prefix_len);
}

static void
on_overrun (gpointer user_data)
{
  printf ("overrun\n");
}

/* monitor SECONDS [IFACE]: prints link and address events for SECONDS. */
static int
cmd_monitor (char **argv, int argc)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (VipdLinkMonitor) mon = NULL;
  VipdLinkMonitorCallbacks cb = { .link_changed = on_link, .addr_changed = on_addr,
                                  .overrun = on_overrun };
  GError *error = NULL;

  monitor_ifname = argc > 1 ? argv[1] : NULL;
  mon = vipd_link_monitor_new (&cb, NULL, &error);
  if (mon == NULL)
    return fail (error);
  g_timeout_add_seconds ((guint) atoi (argv[0]), on_timeout, loop);
  printf ("ready\n");
  g_main_loop_run (loop);
  printf ("done errors=%" G_GUINT64_FORMAT "\n", vipd_link_monitor_get_errors (mon));
  return 0;
}

static const Command commands[] = {
  { "vip-add", 3, cmd_vip_add, "IFACE ADDR/LEN LIFETIME_S [renew] [label=L] [scope=N] [brd=A]" },
  { "vip-renew", 3, cmd_vip_renew, "IFACE LIFETIME_S ADDR/LEN[,scope=N][,label=L]..." },
  { "vip-del", 2, cmd_vip_del, "IFACE ADDR/LEN" },
  { "vip-present", 2, cmd_vip_present, "IFACE ADDR/LEN..." },
  { "addrs", 1, cmd_addrs, "IFACE" },
  { "send-advert", 5, cmd_send_advert,
    "IFACE 4|6 VRID PRIO VIP[,VIP] [src=A] [dst=A] [count=N] [interval=MS] [unicast]" },
  { "recv", 4, cmd_recv, "IFACE 4|6 N SECONDS [unicast] [group=A]" },
  { "garp", 2, cmd_garp, "IFACE ADDR (gratuitous ARP, or NA for IPv6)" },
  { "monitor", 1, cmd_monitor, "SECONDS [IFACE]" },
};

int
main (int argc, char **argv)
{
  /* Tests read the output while the probe runs. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  for (gsize i = 0; argc > 1 && i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        if (argc - 2 < commands[i].min_args)
          break;
        return commands[i].run (argv + 2, argc - 2);
      }
  fprintf (stderr, "usage:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stderr, "  net-probe %s %s\n", commands[i].name, commands[i].usage);
  return 2;
}
