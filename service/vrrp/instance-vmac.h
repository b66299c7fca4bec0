/* instance-vmac.h — use_vmac for running instances: each instance's macvlan (from a
 * VipdVmacSet) and the socket its adverts leave on, made, repaired and removed. */
#pragma once

#include <glib.h>

#include "link-monitor.h"
#include "vmac.h"
#include "vrrp-instance.h"

G_BEGIN_DECLS

/* Makes inst's macvlan and, unless vmac_xmit_base, a socket on it for the adverts; a failure
 * is logged and leaves the instance in fault with the reason. Nothing without use_vmac. */
void vipd_instance_vmac_attach (VipdVmacSet *set, VipdVrrpInstance *inst);
/* attach, when inst uses a macvlan that the set does not have (it could not be made). */
void vipd_instance_vmac_retry (VipdVmacSet *set, VipdVrrpInstance *inst);
/* Drops the advert socket and removes the macvlan; call after the instance has stopped. */
void vipd_instance_vmac_detach (VipdVmacSet *set, VipdVrrpInstance *inst);
/* A link event: a macvlan of instances (VipdVrrpInstance*) that someone removed is made again,
 * and one that could not be made is tried again when its base interface shows up. */
void vipd_instance_vmac_repair (VipdVmacSet *set, GPtrArray *instances,
                                const VipdLinkInfo *link);

G_END_DECLS
