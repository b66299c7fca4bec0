/* vmac.h — use_vmac: a bridge-mode macvlan per instance that carries the RFC's virtual MAC
 * (00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6), made through libnl-3.
 *
 * The set owns every macvlan it made and the ARP settings it changed on their base
 * interfaces (arp_ignore=1, arp_filter=1, arp_announce=2: only the macvlan speaks for the
 * VIPs);
 * removing the last macvlan of a base puts the base's values back. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VipdVmacSet VipdVmacSet;

/* A set with a route netlink socket of its own; NULL with a GError when netlink is unusable. */
VipdVmacSet *vipd_vmac_set_new (GError **error);
/* Removes every macvlan still in the set, restores the bases' settings and frees; NULL is
 * allowed. */
void vipd_vmac_set_free (VipdVmacSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdVmacSet, vipd_vmac_set_free)

/* The virtual MAC of vrid for family (AF_INET or AF_INET6). */
void vipd_vmac_address (int family, guint8 vrid, guint8 mac[6]);

/* Makes macvlan name on base with family's virtual MAC for vrid, in bridge mode, with random
 * IPv6 address generation (no two routers share a link-local address), and brings it up.
 * A macvlan of that name, base and MAC left by a killed run is taken over; any other
 * interface of that name is an error. FALSE with a GError naming the step that failed. */
gboolean vipd_vmac_set_add (VipdVmacSet *set, const char *base, const char *name, int family,
                            guint8 vrid, GError **error);
/* Deletes name when this set made it; the base's settings return with its last macvlan. */
void vipd_vmac_set_remove (VipdVmacSet *set, const char *name);
/* Forgets name without deleting it: the kernel already removed it (its base went, or someone
 * deleted it). */
void vipd_vmac_set_forget (VipdVmacSet *set, const char *name);
/* Whether name is a macvlan of this set. */
gboolean vipd_vmac_set_has (VipdVmacSet *set, const char *name);

G_END_DECLS
