/* link-monitor.c — RTNLGRP_LINK / IFADDR events through libnl-3, in the GLib main loop. */
#include "link-monitor.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <string.h>

#include "fd-watch.h"
#include "nl-util.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

struct _VipdLinkMonitor
{
  struct nl_sock *events;
  VipdNlSock req; /* lookups go through their own socket: the event one has no seq checking */
  guint source_id;
  VipdLinkMonitorCallbacks cb;
  gpointer user_data;
  GHashTable *links; /* ifindex -> VipdLinkInfo, to report changes rather than every message */
  guint64 errors;
};

static void
fill_link (struct rtnl_link *l, VipdLinkInfo *info)
{
  unsigned flags = rtnl_link_get_flags (l);
  const char *name = rtnl_link_get_name (l);

  memset (info, 0, sizeof (*info));
  info->ifindex = rtnl_link_get_ifindex (l);
  g_strlcpy (info->name, name != NULL ? name : "", sizeof info->name);
  info->admin_up = (flags & IFF_UP) != 0;
  info->carrier = (flags & IFF_LOWER_UP) != 0;
}

static void
on_link (VipdLinkMonitor *mon, struct rtnl_link *l, gboolean removed)
{
  VipdLinkInfo now;
  VipdLinkInfo *old;

  fill_link (l, &now);
  now.removed = removed;
  old = g_hash_table_lookup (mon->links, GINT_TO_POINTER (now.ifindex));
  if (removed)
    g_hash_table_remove (mon->links, GINT_TO_POINTER (now.ifindex));
  else if (old != NULL && old->admin_up == now.admin_up && old->carrier == now.carrier
           && g_str_equal (old->name, now.name))
    return; /* statistics or other attributes changed: nothing the daemon acts on */
  else
    g_hash_table_insert (mon->links, GINT_TO_POINTER (now.ifindex), g_memdup2 (&now, sizeof now));
  if (mon->cb.link_changed != NULL)
    mon->cb.link_changed (&now, mon->user_data);
}

static void
on_object (struct nl_object *obj, void *arg)
{
  VipdLinkMonitor *mon = arg;

  switch (nl_object_get_msgtype (obj))
    {
    case RTM_NEWLINK: on_link (mon, (struct rtnl_link *) obj, FALSE); break;
    case RTM_DELLINK: on_link (mon, (struct rtnl_link *) obj, TRUE); break;
    default: break;
    }
}

/* Address events are read straight from the message: every VIP renewal comes back as one,
 * and libnl's object parser (an allocated rtnl_addr with every attribute) cost more than the
 * renewal itself with a thousand instances. IFA_LOCAL, else IFA_ADDRESS, as libnl's "local". */
static void
on_addr_msg (VipdLinkMonitor *mon, struct nlmsghdr *h)
{
  struct nlattr *tb[IFA_MAX + 1];
  const struct ifaddrmsg *ifa;
  const struct nlattr *a;
  VipdAddrEvent ev = { 0 };
  int len;

  if (nlmsg_parse (h, sizeof (struct ifaddrmsg), tb, IFA_MAX, NULL) < 0)
    return;
  ifa = nlmsg_data (h);
  a = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
  len = a != NULL ? nla_len (a) : 0;
  if (!((ifa->ifa_family == AF_INET && len == 4) || (ifa->ifa_family == AF_INET6 && len == 16)))
    return;
  vipd_addr_from_bytes (&ev.addr, ifa->ifa_family, nla_data (a));
  ev.ifindex = (int) ifa->ifa_index;
  ev.prefix_len = ifa->ifa_prefixlen;
  ev.added = h->nlmsg_type == RTM_NEWADDR;
  if (mon->cb.addr_changed != NULL)
    mon->cb.addr_changed (&ev, mon->user_data);
}

static int
on_msg (struct nl_msg *msg, void *arg)
{
  struct nlmsghdr *h = nlmsg_hdr (msg);

  if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR)
    on_addr_msg (arg, h);
  else
    nl_msg_parse (msg, on_object, arg);
  return NL_OK;
}

static gboolean
on_readable (int fd, GIOCondition cond, gpointer user_data)
{
  VipdLinkMonitor *mon = user_data;

  /* Bounded so that a flood of events cannot starve the VRRP timers. */
  for (int i = 0; i < 64; i++)
    {
      int rc = nl_recvmsgs_default (mon->events);
      if (rc >= 0)
        continue;
      if (rc == -NLE_AGAIN)
        break;
      mon->errors++;
      if (rc == -NLE_NOMEM && mon->cb.overrun != NULL) /* ENOBUFS: events were lost */
        mon->cb.overrun (mon->user_data);
      if (rc != -NLE_NOMEM)
        g_warning ("netlink event socket: %s", nl_geterror (rc));
      break;
    }
  return G_SOURCE_CONTINUE;
}

VipdLinkMonitor *
vipd_link_monitor_new (const VipdLinkMonitorCallbacks *callbacks, gpointer user_data,
                       GError **error)
{
  g_autoptr (VipdLinkMonitor) mon = g_new0 (VipdLinkMonitor, 1);
  int rc;

  if (callbacks != NULL)
    mon->cb = *callbacks;
  mon->user_data = user_data;
  mon->links = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if (!vipd_nl_sock_open (&mon->req, error))
    return NULL;
  mon->events = nl_socket_alloc ();
  if (mon->events == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot allocate a netlink socket");
      return NULL;
    }
  nl_socket_disable_seq_check (mon->events);
  nl_socket_modify_cb (mon->events, NL_CB_VALID, NL_CB_CUSTOM, on_msg, mon);
  rc = nl_connect (mon->events, NETLINK_ROUTE);
  if (rc >= 0)
    rc = nl_socket_add_memberships (mon->events, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
                                    RTNLGRP_IPV6_IFADDR, 0);
  if (rc >= 0)
    rc = nl_socket_set_nonblocking (mon->events);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot subscribe to link and address events: %s", nl_geterror (rc));
      return NULL;
    }
  /* A link flap on a busy host produces bursts; a larger buffer makes overruns rare. */
  nl_socket_set_buffer_size (mon->events, 1 << 20, 0);
  mon->source_id = vipd_fd_watch_add (nl_socket_get_fd (mon->events), G_IO_IN, on_readable, mon);
  return g_steal_pointer (&mon);
}

void
vipd_link_monitor_ignore_additions_from (VipdLinkMonitor *mon, guint32 port)
{
  /* Classic BPF over each event's nlmsghdr; absolute loads read network byte order, and the
   * header is in host order, hence htons/htonl on the constants. */
  struct sock_filter code[] = {
    BPF_STMT (BPF_LD | BPF_H | BPF_ABS, offsetof (struct nlmsghdr, nlmsg_type)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, htons (RTM_NEWADDR), 0, 2),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct nlmsghdr, nlmsg_pid)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, htonl (port), 1, 0),
    BPF_STMT (BPF_RET | BPF_K, 0xffffffff),
    BPF_STMT (BPF_RET | BPF_K, 0),
  };
  struct sock_fprog prog = { .len = G_N_ELEMENTS (code), .filter = code };

  if (port == 0)
    return;
  if (setsockopt (nl_socket_get_fd (mon->events), SOL_SOCKET, SO_ATTACH_FILTER, &prog,
                  sizeof prog) < 0)
    g_debug ("netlink event socket: no filter for renewal echoes: %s", g_strerror (errno));
}

void
vipd_link_monitor_free (VipdLinkMonitor *mon)
{
  if (mon == NULL)
    return;
  if (mon->source_id != 0)
    g_source_remove (mon->source_id);
  if (mon->events != NULL)
    nl_socket_free (mon->events);
  vipd_nl_sock_close (&mon->req);
  g_clear_pointer (&mon->links, g_hash_table_unref);
  g_free (mon);
}

guint64
vipd_link_monitor_get_errors (VipdLinkMonitor *mon)
{
  return mon->errors;
}

gboolean
vipd_link_monitor_get_link (VipdLinkMonitor *mon, const char *ifname, VipdLinkInfo *out,
                            GError **error)
{
  struct rtnl_link *l = NULL;
  int rc;

  vipd_nl_sock_reset (&mon->req);
  rc = rtnl_link_get_kernel (mon->req.sk, 0, ifname, &l);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&mon->req, rc),
                   "cannot read the state of interface \"%s\": %s", ifname,
                   vipd_nl_strerror (&mon->req, rc));
      return FALSE;
    }
  fill_link (l, out);
  rtnl_link_put (l);
  return TRUE;
}

typedef struct
{
  int ifindex;
  int family;
  gboolean want_link_local;
  const VipdAddr *skip; /* addresses that are never a source */
  guint n_skip;
  gboolean found;
  VipdAddr addr;
} FindCtx;

static void
find_one (struct nl_object *obj, void *arg)
{
  FindCtx *ctx = arg;
  struct rtnl_addr *a = (struct rtnl_addr *) obj;
  unsigned flags = rtnl_addr_get_flags (a);
  VipdAddr addr;

  if (ctx->found || rtnl_addr_get_ifindex (a) != ctx->ifindex || rtnl_addr_get_family (a) != ctx->family
      || !vipd_nl_addr_get (rtnl_addr_get_local (a), &addr))
    return;
  if (ctx->want_link_local)
    {
      /* A tentative address cannot be a source yet: the kernel would refuse to send from it. */
      if (!vipd_addr_is_link_local (&addr) || (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
        return;
    }
  else if (flags & IFA_F_SECONDARY)
    return;
  for (guint i = 0; i < ctx->n_skip; i++)
    if (vipd_addr_equal (&ctx->skip[i], &addr))
      return;
  ctx->addr = addr;
  ctx->found = TRUE;
}

static gboolean
find_addr (VipdLinkMonitor *mon, const char *ifname, FindCtx *ctx, VipdAddr *out, GError **error)
{
  struct nl_cache *cache = NULL;
  int rc;

  if (!vipd_nl_ifindex (ifname, &ctx->ifindex, error))
    return FALSE;
  vipd_nl_sock_reset (&mon->req);
  rc = rtnl_addr_alloc_cache (mon->req.sk, &cache);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&mon->req, rc),
                   "cannot list the addresses of %s: %s", ifname, vipd_nl_strerror (&mon->req, rc));
      return FALSE;
    }
  nl_cache_foreach (cache, find_one, ctx);
  nl_cache_free (cache);
  if (!ctx->found)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has no %s address", ifname,
                   ctx->want_link_local ? "usable IPv6 link-local" : "IPv4");
      return FALSE;
    }
  *out = ctx->addr;
  return TRUE;
}

gboolean
vipd_link_monitor_primary_ipv4 (VipdLinkMonitor *mon, const char *ifname, VipdAddr *out,
                                GError **error)
{
  return vipd_link_monitor_source_ipv4 (mon, ifname, NULL, 0, out, error);
}

gboolean
vipd_link_monitor_source_ipv4 (VipdLinkMonitor *mon, const char *ifname, const VipdAddr *skip,
                               guint n_skip, VipdAddr *out, GError **error)
{
  FindCtx ctx = { .family = AF_INET, .skip = skip, .n_skip = n_skip };

  return find_addr (mon, ifname, &ctx, out, error);
}

gboolean
vipd_link_monitor_ipv6_link_local (VipdLinkMonitor *mon, const char *ifname, VipdAddr *out,
                                   GError **error)
{
  FindCtx ctx = { .family = AF_INET6, .want_link_local = TRUE };

  return find_addr (mon, ifname, &ctx, out, error);
}
