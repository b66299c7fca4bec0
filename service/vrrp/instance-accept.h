/* instance-accept.h — the instances' Accept_Mode (no_accept) and use_vmac gates, applied
 * through the nftables tables of service/net/accept-filter. */
#pragma once

#include <glib.h>

#include "accept-filter.h"
#include "vrrp-instance.h"

G_BEGIN_DECLS

/* Puts in the filter the VIPs of every instance that says `no_accept` explicitly and is not
 * the owner (priority 255); an address an owner instance also carries is left out. A failure
 * is logged (the instances keep running, with their VIPs accepted). */
void vipd_instance_accept_sync (VipdAcceptFilter *f, GPtrArray *instances);
/* Wires inst's gate to f (use_vmac: the macvlan's gate is closed while it does not hold the
 * VIPs) and closes it now when inst uses a macvlan. */
void vipd_instance_accept_attach (VipdAcceptFilter *f, VipdVrrpInstance *inst);
/* Opens the gate of inst's macvlan for good: the macvlan goes with the instance. */
void vipd_instance_accept_detach (VipdAcceptFilter *f, VipdVrrpInstance *inst);

G_END_DECLS
