/* link-monitor.h — link and address events from the kernel (libnl-3, RTNLGRP_LINK and
 * RTNLGRP_IPV{4,6}_IFADDR) in the GLib main loop, plus lookups of an interface's own addresses.
 *
 * The daemon uses the link events for fault state (interface down or carrier lost) and the
 * address events to notice a VIP that another program removed. */
#pragma once

#include <glib.h>
#include <net/if.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

typedef struct
{
  int ifindex;
  char name[IF_NAMESIZE];
  gboolean admin_up; /* IFF_UP */
  gboolean carrier;  /* IFF_LOWER_UP */
  gboolean removed;  /* the interface is gone (RTM_DELLINK) */
} VipdLinkInfo;

typedef struct
{
  int ifindex;
  VipdAddr addr;
  guint8 prefix_len;
  gboolean added; /* FALSE: removed (RTM_DELADDR), including by lifetime expiry */
} VipdAddrEvent;

typedef struct
{
  /* The first sighting of an interface, a change of admin_up or carrier, or its removal. */
  void (*link_changed) (const VipdLinkInfo *link, gpointer user_data);
  /* Every RTM_NEWADDR/RTM_DELADDR; a lifetime renewal also shows up as an add. */
  void (*addr_changed) (const VipdAddrEvent *ev, gpointer user_data);
  /* The kernel dropped events (socket buffer overrun): the caller must re-read the state. */
  void (*overrun) (gpointer user_data);
} VipdLinkMonitorCallbacks;

typedef struct _VipdLinkMonitor VipdLinkMonitor;

/* Subscribes to link and address events and attaches to the thread-default main context;
 * callbacks (any may be NULL) run from there. NULL with a GError when netlink is unusable. */
VipdLinkMonitor *vipd_link_monitor_new (const VipdLinkMonitorCallbacks *callbacks,
                                        gpointer user_data, GError **error);
/* Detaches from the main loop and closes the sockets; NULL is allowed. */
void vipd_link_monitor_free (VipdLinkMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdLinkMonitor, vipd_link_monitor_free)

/* Has the kernel drop, before they reach the event socket, the RTM_NEWADDR events caused by
 * requests from netlink port `port` (the VIP renewals: a thousand instances make hundreds a
 * second, and the daemon knows what it renewed). Deletions always come through. */
void vipd_link_monitor_ignore_additions_from (VipdLinkMonitor *mon, guint32 port);
/* Event-socket errors seen so far (overruns, receive failures). */
guint64 vipd_link_monitor_get_errors (VipdLinkMonitor *mon);

/* Reads the current state of ifname into *out; FALSE with a GError when it is absent. */
gboolean vipd_link_monitor_get_link (VipdLinkMonitor *mon, const char *ifname, VipdLinkInfo *out,
                                     GError **error);
/* The primary IPv4 address of ifname (the first one that is not secondary); FALSE with
 * G_IO_ERROR_NOT_FOUND when it has none. */
gboolean vipd_link_monitor_primary_ipv4 (VipdLinkMonitor *mon, const char *ifname, VipdAddr *out,
                                         GError **error);
/* The same, skipping the n_skip addresses of skip: when an interface loses its own address the
 * kernel promotes a VIP in the same subnet to primary, and a VIP must not become the address
 * adverts are sent from. */
gboolean vipd_link_monitor_source_ipv4 (VipdLinkMonitor *mon, const char *ifname,
                                        const VipdAddr *skip, guint n_skip, VipdAddr *out,
                                        GError **error);
/* The IPv6 link-local address of ifname that is usable now (not tentative); FALSE with
 * G_IO_ERROR_NOT_FOUND when it has none yet. */
gboolean vipd_link_monitor_ipv6_link_local (VipdLinkMonitor *mon, const char *ifname,
                                            VipdAddr *out, GError **error);

G_END_DECLS
