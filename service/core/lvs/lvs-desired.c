/* lvs-desired.c — configuration + verdicts → the IPVS table vipd wants. */
#include "lvs-desired.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

guint
vipd_lvs_rs_weight (const VipdRealServer *rs, const VipdRsStatus *status)
{
  if (status->admin_weight >= 0)
    return (guint) status->admin_weight;
  if (status->dynamic_weight >= 0)
    return (guint) status->dynamic_weight;
  return rs->weight;
}

guint64
vipd_lvs_alive_weight (const VipdVirtualServer *vs, const VipdRsStatus *status)
{
  guint64 sum = 0;

  for (guint i = 0; i < vs->real_servers->len; i++)
    if (status[i].alive)
      sum += vipd_lvs_rs_weight (g_ptr_array_index (vs->real_servers, i), &status[i]);
  return sum;
}

gboolean
vipd_lvs_quorum_next (gboolean up, guint64 alive_weight, guint quorum, guint hysteresis)
{
  if (up)
    return alive_weight + hysteresis >= quorum;
  return alive_weight >= (guint64) quorum + hysteresis;
}

static int
fwmark_family (const VipdVirtualServer *vs)
{
  if (vs->real_servers->len > 0)
    return ((VipdRealServer *) g_ptr_array_index (vs->real_servers, 0))->addr.family;
  return vipd_addr_is_set (&vs->sorry_addr) ? vs->sorry_addr.family : AF_INET;
}

GArray *
vipd_lvs_service_keys (const VipdConfig *config, const VipdVirtualServer *vs)
{
  GArray *keys = g_array_new (FALSE, TRUE, sizeof (VipdIpvsServiceKey));
  VipdIpvsServiceKey k = { 0 };
  const VipdVsGroup *g;

  switch (vs->kind)
    {
    case VIPD_VS_ADDR:
      k.family = vs->addr.family;
      k.protocol = vs->protocol;
      k.addr = vs->addr;
      k.port = (guint16) vs->port;
      g_array_append_val (keys, k);
      return keys;
    case VIPD_VS_FWMARK:
      k.family = fwmark_family (vs);
      k.fwmark = vs->fwmark;
      g_array_append_val (keys, k);
      return keys;
    case VIPD_VS_GROUP:
      break;
    }
  g = vipd_config_find_vs_group (config, vs->group);
  for (guint i = 0; g && i < g->entries->len; i++)
    {
      const VipdVsgEntry *e = g_ptr_array_index (g->entries, i);

      memset (&k, 0, sizeof k);
      if (e->kind == VIPD_VSG_FWMARK)
        {
          k.family = fwmark_family (vs);
          k.fwmark = e->fwmark;
          g_array_append_val (keys, k);
          continue;
        }
      k.family = e->addr.family;
      k.protocol = vs->protocol;
      k.addr = e->addr;
      k.port = (guint16) e->port;
      if (e->kind == VIPD_VSG_ADDR)
        {
          g_array_append_val (keys, k);
          continue;
        }
      if (e->addr.family == AF_INET)
        for (guint last = e->addr.v4[3]; last <= e->range_end; last++)
          {
            k.addr.v4[3] = (guint8) last;
            g_array_append_val (keys, k);
          }
      else
        for (guint last = ((guint) e->addr.v6[14] << 8) | e->addr.v6[15]; last <= e->range_end;
             last++)
          {
            k.addr.v6[14] = (guint8) (last >> 8);
            k.addr.v6[15] = (guint8) last;
            g_array_append_val (keys, k);
          }
    }
  return keys;
}

static VipdIpvsForward
forward_of (VipdLbKind kind)
{
  return kind == VIPD_LB_DR ? VIPD_IPVS_FWD_DR : kind == VIPD_LB_TUN ? VIPD_IPVS_FWD_TUN
                                                                     : VIPD_IPVS_FWD_NAT;
}

static void
add_dest (VipdIpvsService *svc, const VipdAddr *addr, guint port, VipdLbKind kind, guint weight)
{
  VipdIpvsDest d = { 0 };

  d.addr = *addr;
  d.port = (guint16) port;
  d.forward = forward_of (kind);
  d.weight = weight;
  vipd_ipvs_service_set_dest (svc, &d);
}

void
vipd_lvs_desired_add (VipdIpvsTable *table, const VipdConfig *config, const VipdVirtualServer *vs,
                      const VipdRsStatus *status, gboolean quorum_up)
{
  g_autoptr (GArray) keys = vipd_lvs_service_keys (config, vs);
  gboolean sorry = vipd_addr_is_set (&vs->sorry_addr);

  for (guint k = 0; k < keys->len; k++)
    {
      VipdIpvsService tmpl = { 0 };
      VipdIpvsService *svc;

      tmpl.key = g_array_index (keys, VipdIpvsServiceKey, k);
      g_strlcpy (tmpl.scheduler, vs->lb_algo ? vs->lb_algo : "wlc", sizeof tmpl.scheduler);
      tmpl.persistent = vs->persistence_timeout > 0;
      tmpl.persistence_timeout = vs->persistence_timeout;
      if (tmpl.key.family == AF_INET6)
        tmpl.netmask = vs->has_granularity ? vs->granularity_prefix : 128;
      else
        {
          guint len = vs->has_granularity ? MIN (vs->granularity_prefix, 32) : 32;

          /* Network byte order, as the kernel and ipvsadm carry it. */
          tmpl.netmask = htonl (len == 0 ? 0 : 0xffffffffu << (32 - len));
        }
      svc = vipd_ipvs_table_add_service (table, &tmpl);
      /* Quorum lost with a sorry server: it alone serves (keepalived removes the live ones). */
      if (!quorum_up && sorry)
        {
          add_dest (svc, &vs->sorry_addr, vs->sorry_port, vipd_virtual_server_sorry_lb_kind (vs), 1);
          continue;
        }
      for (guint i = 0; i < vs->real_servers->len; i++)
        {
          const VipdRealServer *rs = g_ptr_array_index (vs->real_servers, i);

          if (status[i].alive)
            add_dest (svc, &rs->addr, rs->port, vs->lb_kind, vipd_lvs_rs_weight (rs, &status[i]));
          else if (vipd_real_server_inhibit (vs, rs))
            add_dest (svc, &rs->addr, rs->port, vs->lb_kind, 0);
        }
      if (sorry && vs->sorry_server_inhibit)
        add_dest (svc, &vs->sorry_addr, vs->sorry_port, vipd_virtual_server_sorry_lb_kind (vs), 0);
    }
}
