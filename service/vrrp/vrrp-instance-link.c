/* vrrp-instance-link.c — what the interface does to an instance: faults from the link, the
 * source address and the VRRP socket (with use_vmac, the macvlan), the reason a fault names,
 * and the address events that can end a fault. */
#include "vrrp-instance-private.h"

#include <net/if.h>

#include "log.h"

static const char *
source_ifname (const VipdInstance *conf)
{
  return conf->family == AF_INET6 ? vipd_instance_xmit_interface (conf) : conf->interface;
}

char *
vipd_vrrp_instance_fault_reason (const VipdVrrpInstance *inst)
{
  const char *ifname = inst->conf->interface;

  if (inst->faults & FAULT_NO_VMAC)
    return g_strdup (inst->vmac_error);
  if (inst->faults & FAULT_NO_SOCKET)
    return g_strdup_printf ("cannot open a VRRP socket on %s: %s", ifname,
                            inst->socket_error ? inst->socket_error : "unknown error");
  if (inst->faults & FAULT_NO_LINK)
    return g_strdup_printf ("interface %s does not exist", ifname);
  if (inst->faults & FAULT_LINK_DOWN)
    return g_strdup_printf ("interface %s is down", ifname);
  if (inst->faults & FAULT_NO_CARRIER)
    return g_strdup_printf ("interface %s lost carrier", ifname);
  /* Before the missing source: NetworkManager taking the connection down removes the address
   * too, and its state says why. */
  if (inst->faults & FAULT_NM)
    return g_strdup (inst->nm_reason);
  if (inst->faults & FAULT_NO_SOURCE)
    return g_strdup_printf ("interface %s has no %s address to send from",
                            source_ifname (inst->conf),
                            inst->conf->family == AF_INET6 ? "IPv6 link-local" : "IPv4");
  if (inst->faults & FAULT_TRACK)
    return g_strdup (inst->track_reason);
  if (inst->faults & FAULT_SYNC)
    return g_strdup (inst->sync_reason);
  if (inst->track_reason)
    return g_strdup_printf ("%s", inst->track_reason);
  return g_strdup_printf ("interface %s is usable again", ifname);
}

/* Instances waiting for a source address, in this process: only they care about an address
 * being added, and every VIP renewal of every instance is reported as one. */
static guint instances_without_source;

void
vipd_vrrp_instance_store_faults (VipdVrrpInstance *inst, guint faults)
{
  if ((inst->faults ^ faults) & FAULT_NO_SOURCE)
    {
      if (faults & FAULT_NO_SOURCE)
        instances_without_source++;
      else
        instances_without_source--;
    }
  inst->faults = faults;
}

gboolean
vipd_vrrp_instances_care_about (const VipdAddrEvent *ev)
{
  return !ev->added || instances_without_source > 0;
}

void
vipd_vrrp_instance_set_faults (VipdVrrpInstance *inst, guint faults)
{
  guint old = inst->faults;
  g_autofree char *reason = NULL;
  VipdEvent ev = { 0 };

  vipd_vrrp_instance_store_faults (inst, faults);
  if (!inst->started || (old == 0) == (faults == 0))
    return;
  reason = vipd_vrrp_instance_fault_reason (inst);
  if (faults == 0)
    g_clear_pointer (&inst->track_reason, g_free);
  ev.type = faults ? VIPD_EV_FAULT_ON : VIPD_EV_FAULT_OFF;
  ev.reason = reason;
  vipd_vrrp_instance_step (inst, &ev);
}

/* Finds the address adverts are sent from: unicast_src_ip, mcast_src_ip, or the interface's
 * primary IPv4 address other than our VIPs / IPv6 link-local address. With use_vmac the IPv4
 * source stays the base's primary address, and the IPv6 one is the link-local address of the
 * interface that sends (the macvlan's own, random, unless vmac_xmit_base). */
static gboolean
lookup_source (VipdVrrpInstance *inst, VipdAddr *out)
{
  const VipdInstance *conf = inst->conf;
  g_autoptr (GError) error = NULL;

  if (vipd_addr_is_set (&conf->unicast_src_ip))
    *out = conf->unicast_src_ip;
  else if (vipd_addr_is_set (&conf->mcast_src_ip))
    *out = conf->mcast_src_ip;
  else if (conf->family == AF_INET6)
    return vipd_link_monitor_ipv6_link_local (inst->mon, source_ifname (conf), out, &error);
  else
    return vipd_link_monitor_source_ipv4 (inst->mon, conf->interface,
                                          (const VipdAddr *) (gconstpointer) inst->vip_addrs->data,
                                          inst->vip_addrs->len, out, &error);
  return TRUE;
}

guint
vipd_vrrp_instance_link_faults (VipdVrrpInstance *inst)
{
  VipdLinkInfo link;
  VipdAddr src = { 0 };
  guint faults = 0;

  if (inst->sock == NULL)
    faults |= FAULT_NO_SOCKET;
  if (inst->conf->use_vmac && inst->vmac_error != NULL)
    faults |= FAULT_NO_VMAC;
  if (!vipd_link_monitor_get_link (inst->mon, inst->conf->interface, &link, NULL))
    faults |= FAULT_NO_LINK;
  else if (!link.admin_up)
    faults |= FAULT_LINK_DOWN;
  else if (!link.carrier)
    faults |= FAULT_NO_CARRIER;
  if (lookup_source (inst, &src))
    {
      inst->src = src;
      inst->fsm.cfg.primary = src;
    }
  else
    faults |= FAULT_NO_SOURCE;
  return faults | (inst->faults & FAULT_NOT_LINK);
}

void
vipd_vrrp_instance_link_changed (VipdVrrpInstance *inst, const VipdLinkInfo *link)
{
  if (!inst->started || g_strcmp0 (link->name, inst->conf->interface) != 0)
    return;
  vipd_vrrp_instance_set_faults (inst, vipd_vrrp_instance_link_faults (inst));
}

void
vipd_vrrp_instance_address_changed (VipdVrrpInstance *inst, const VipdAddrEvent *ev)
{
  if (!inst->started)
    return;
  if (!ev->added && vipd_vip_holder_address_removed (inst->vips, ev->ifindex, &ev->addr))
    return;
  /* Our own VIPs come and go on this interface too, and every lifetime renewal shows up as an
   * add; only a change of the source matters. While there is a source, only its removal can:
   * looking it up again (a dump of every address) for each VIP event and each instance on the
   * interface blocked the main loop for seconds with a few hundred instances. */
  if (!(inst->faults & FAULT_NO_SOURCE)
      && (ev->added || !vipd_addr_equal (&ev->addr, &inst->src)))
    return;
  if ((int) if_nametoindex (source_ifname (inst->conf)) == ev->ifindex)
    vipd_vrrp_instance_set_faults (inst, vipd_vrrp_instance_link_faults (inst));
}

void
vipd_vrrp_instance_set_tx_socket (VipdVrrpInstance *inst, VipdVrrpSocket *sock,
                                  const char *error_message)
{
  gboolean was_fault = inst->vmac_error != NULL;

  vipd_vrrp_socket_free (inst->tx_sock);
  inst->tx_sock = sock;
  g_free (inst->vmac_error);
  inst->vmac_error = g_strdup (error_message);
  if (!inst->started)
    return;
  if (was_fault && error_message == NULL && (inst->faults & ~FAULT_NO_VMAC) == 0)
    {
      /* The fault-cleared line says why. */
      g_free (inst->track_reason);
      inst->track_reason = g_strdup_printf ("macvlan %s is up",
                                            vipd_instance_vip_interface (inst->conf));
    }
  /* A macvlan made again (it vanished under us) has lost the VIPs it carried. */
  if (error_message == NULL && vipd_vip_holder_is_held (inst->vips))
    vipd_vip_holder_take (inst->vips, (guint64) g_get_monotonic_time ());
  vipd_vrrp_instance_set_faults (inst, vipd_vrrp_instance_link_faults (inst));
}
