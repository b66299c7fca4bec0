/* vip-netlink.h — virtual IP addresses on an interface through libnl-3 (rtnl addr).
 *
 * VIPs can carry a valid/preferred lifetime so that a VIP outlives its daemon only briefly:
 * every advert renews it (same add, NLM_F_REPLACE), and a killed daemon's VIP expires. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

#define VIPD_VIP_LIFETIME_FOREVER 0 /* lifetime_s value for a permanent address */

/* One configured VIP, as keepalived's virtual_ipaddress line gives it. */
typedef struct
{
  VipdAddr addr;
  guint8 prefix_len;  /* 32/128 when the config gave none */
  VipdAddr broadcast; /* IPv4 only; unset for none */
  int scope;          /* RT_SCOPE_* (0 = global) */
  const char *label;  /* IPv4 only, "eth0:vip" style; NULL for none */
} VipdNlVip;

typedef struct _VipdVipNetlink VipdVipNetlink;

/* Opens a route netlink socket for VIP requests; NULL with a GError when netlink is unusable. */
VipdVipNetlink *vipd_vip_netlink_new (GError **error);
/* Closes the socket; NULL is allowed. */
void vipd_vip_netlink_free (VipdVipNetlink *nl);
/* Forgets the interface indexes it has looked up: call on every link event (an interface may
 * have been renamed, removed or created with a name that was in use). */
void vipd_vip_netlink_forget_interfaces (VipdVipNetlink *nl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdVipNetlink, vipd_vip_netlink_free)

/* Adds vip to ifname with a valid and preferred lifetime of lifetime_s seconds
 * (VIPD_VIP_LIFETIME_FOREVER for none); IPv6 VIPs skip DAD. With renew the request replaces an
 * existing address (NLM_F_REPLACE), refreshing its lifetime, or adds it when it is missing;
 * without renew an existing address fails with G_IO_ERROR_EXISTS. The kernel expires IPv4 and
 * IPv6 addresses up to about 0.4 s after the lifetime (measured on 6.18): add a margin. */
gboolean vipd_vip_add (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip,
                       guint32 lifetime_s, gboolean renew, GError **error);

/* Queues a lifetime renewal of vip (the same request as vipd_vip_add with renew, so a missing
 * VIP is added back). Queued renewals go out together, in one datagram, from an idle callback of
 * the default main context, or before the next add, remove or listing on nl. The kernel answers
 * only failures; each is reported with log_name through the function given to
 * vipd_vip_netlink_set_renew_failed (g_warning without one). FALSE with a GError only when the
 * request cannot be built (unknown interface, invalid VIP). */
gboolean vipd_vip_renew (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip,
                         guint32 lifetime_s, const char *log_name, GError **error);

/* Like vipd_vip_renew, with a request built once and sent again (nothing but the sequence
 * number changes): the caller keeps one per VIP and passes it to every renewal of that VIP with
 * the same ifname, vip and log_name. It is rebuilt when the lifetime changes or when nl has
 * forgotten its interface indexes (a link event, or a failed request). The renewal waits for
 * the caller's vipd_vip_renew_flush (or the next add, remove or listing on nl): no idle
 * callback. Frees with vipd_vip_renewal_unref. */
typedef struct _VipdVipRenewal VipdVipRenewal;
gboolean vipd_vip_renew_cached (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip,
                                guint32 lifetime_s, const char *log_name,
                                VipdVipRenewal **cache, GError **error);
void vipd_vip_renewal_unref (VipdVipRenewal *r);
/* Sends the queued renewals now and reads the kernel's answers to them. */
void vipd_vip_renew_flush (VipdVipNetlink *nl);
/* The netlink port renewals are sent from (opening its socket now), 0 when it cannot be
 * opened: the kernel echoes each IPv4 renewal as an RTM_NEWADDR event carrying this port. */
guint32 vipd_vip_netlink_renew_port (VipdVipNetlink *nl);
typedef void (*VipdVipRenewFailedFunc) (const char *log_name, const char *message);
void vipd_vip_netlink_set_renew_failed (VipdVipNetlink *nl, VipdVipRenewFailedFunc func);

/* Removes vip from ifname; G_IO_ERROR_NOT_FOUND when it was not there. */
gboolean vipd_vip_remove (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip,
                          GError **error);

/* Sets *present to whether vip's address (any prefix) is on ifname; FALSE only on errors. */
gboolean vipd_vip_is_present (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip,
                              gboolean *present, GError **error);

/* Which of vips[0..n_vips) are on ifname, as indexes into vips (guint, ascending), e.g. the
 * leftovers of a crashed run to remove at start. NULL with a GError on errors. */
GArray *vipd_vip_list_present (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vips,
                               guint n_vips, GError **error);

G_END_DECLS
