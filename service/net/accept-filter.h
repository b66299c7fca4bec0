/* accept-filter.h — vipd's own nftables tables, made through libnftables.
 *
 * `table inet vipd`: Accept_Mode off (RFC 5798 §6.4.3). Packets addressed to the VIPs of an
 * instance that says `no_accept` and is not the owner (priority 255) are dropped on input,
 * except Neighbor Solicitations and Advertisements (ARP is not IP and passes anyway), so the
 * master still answers for them. The set holds the VIPs whatever the state: on a backup they
 * are not local addresses, and input never sees packets to them.
 *
 * `table netdev vipd`: use_vmac. A macvlan whose instance does not hold the VIPs has its gate
 * closed: everything arriving on it (frames sent to the virtual MAC) and everything leaving it
 * (IPv6 DAD, RS, MLD with the virtual MAC as source) is dropped, so a backup neither accepts
 * frames for the virtual MAC nor moves a switch's MAC table entry away from the master.
 *
 * Each change rebuilds the table in one transaction (add, delete, create), so a table left by
 * a killed run is replaced and a failed change leaves the previous one. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

typedef struct _VipdAcceptFilter VipdAcceptFilter;

/* Never fails: when nftables is unusable, each change logs why it could not be applied. */
VipdAcceptFilter *vipd_accept_filter_new (void);
/* Deletes both tables and frees; NULL is allowed. */
void vipd_accept_filter_free (VipdAcceptFilter *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdAcceptFilter, vipd_accept_filter_free)

/* Replaces the no_accept addresses (n of them); who names the instances for the log line of the
 * first drop. FALSE with a GError carrying nft's message when the table could not be made. */
gboolean vipd_accept_filter_set_no_accept (VipdAcceptFilter *f, const VipdAddr *addrs, guint n,
                                           const char *who, GError **error);
/* Opens or closes the gate of macvlan ifname. FALSE with a GError when nft refused. */
gboolean vipd_accept_filter_set_gate (VipdAcceptFilter *f, const char *ifname, gboolean open,
                                      GError **error);
/* Whether the gate of ifname is closed (for tests and status). */
gboolean vipd_accept_filter_gate_closed (VipdAcceptFilter *f, const char *ifname);

/* The nft script for the inet table, and the count of dropped packets parsed from the output of
 * `list counter inet vipd no_accept` (-1 when it has none); exposed for unit tests. */
char *vipd_accept_filter_inet_script (const VipdAddr *addrs, guint n);
char *vipd_accept_filter_netdev_script (const char *const *closed, guint n);
gint64 vipd_accept_filter_parse_packets (const char *listing);

G_END_DECLS
