/* instance-vmac.c — use_vmac for running instances. */
#include "instance-vmac.h"

#include <sys/socket.h>

#include "log.h"

void
vipd_instance_vmac_attach (VipdVmacSet *set, VipdVrrpInstance *inst)
{
  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);
  const char *vmac = vipd_instance_vip_interface (conf);
  g_autoptr (GError) error = NULL;
  VipdVrrpSocket *tx = NULL;

  if (!conf->use_vmac || conf->family == AF_UNSPEC)
    return;
  if (vipd_vmac_set_add (set, conf->interface, vmac, conf->family, (guint8) conf->vrid, &error)
      && !conf->vmac_xmit_base)
    tx = vipd_vrrp_socket_new (vmac, conf->family, NULL, TRUE, NULL, NULL, &error);
  if (error)
    vipd_log_instance (G_LOG_LEVEL_WARNING, conf->name, "%s", error->message);
  vipd_vrrp_instance_set_tx_socket (inst, tx, error ? error->message : NULL);
}

void
vipd_instance_vmac_retry (VipdVmacSet *set, VipdVrrpInstance *inst)
{
  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);

  if (conf->use_vmac && !vipd_vmac_set_has (set, vipd_instance_vip_interface (conf)))
    vipd_instance_vmac_attach (set, inst);
}

void
vipd_instance_vmac_detach (VipdVmacSet *set, VipdVrrpInstance *inst)
{
  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);

  vipd_vrrp_instance_set_tx_socket (inst, NULL, NULL);
  if (conf->use_vmac)
    vipd_vmac_set_remove (set, vipd_instance_vip_interface (conf));
}

void
vipd_instance_vmac_repair (VipdVmacSet *set, GPtrArray *instances, const VipdLinkInfo *link)
{
  for (guint i = 0; i < instances->len; i++)
    {
      VipdVrrpInstance *inst = g_ptr_array_index (instances, i);
      const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);
      const char *vmac = vipd_instance_vip_interface (conf);

      if (!conf->use_vmac)
        continue;
      if (link->removed && g_strcmp0 (link->name, vmac) == 0 && vipd_vmac_set_has (set, vmac))
        {
          vipd_log_instance (G_LOG_LEVEL_WARNING, conf->name,
                             "macvlan %s was removed by someone else: making it again", vmac);
          vipd_vmac_set_forget (set, vmac);
          vipd_instance_vmac_attach (set, inst);
        }
      else if (!link->removed && g_strcmp0 (link->name, conf->interface) == 0)
        vipd_instance_vmac_retry (set, inst);
    }
}
