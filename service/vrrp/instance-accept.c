/* instance-accept.c — no_accept and use_vmac gates for running instances. */
#include "instance-accept.h"

#include "log.h"

static gboolean
enforces_no_accept (const VipdInstance *conf)
{
  return conf->accept == VIPD_TRISTATE_NO && conf->priority != 255;
}

static void
add_vips (GArray *out, GPtrArray *vips)
{
  for (guint i = 0; vips && i < vips->len; i++)
    g_array_append_val (out, ((const VipdVip *) g_ptr_array_index (vips, i))->addr);
}

static gboolean
owned (GArray *owners, const VipdAddr *a)
{
  for (guint i = 0; i < owners->len; i++)
    if (vipd_addr_equal (&g_array_index (owners, VipdAddr, i), a))
      return TRUE;
  return FALSE;
}

void
vipd_instance_accept_sync (VipdAcceptFilter *f, GPtrArray *instances)
{
  g_autoptr (GArray) owners = g_array_new (FALSE, FALSE, sizeof (VipdAddr));
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (VipdAddr));
  g_autoptr (GArray) drop = g_array_new (FALSE, FALSE, sizeof (VipdAddr));
  g_autoptr (GString) who = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < instances->len; i++)
    {
      const VipdInstance *conf = vipd_vrrp_instance_get_config (g_ptr_array_index (instances, i));

      if (conf->priority == 255)
        {
          add_vips (owners, conf->vips);
          add_vips (owners, conf->vips_excluded);
        }
      else if (enforces_no_accept (conf))
        {
          add_vips (all, conf->vips);
          add_vips (all, conf->vips_excluded);
          g_string_append_printf (who, "%s%s", who->len ? ", " : "", conf->name);
        }
    }
  for (guint i = 0; i < all->len; i++)
    if (!owned (owners, &g_array_index (all, VipdAddr, i)))
      g_array_append_val (drop, g_array_index (all, VipdAddr, i));
  if (!vipd_accept_filter_set_no_accept (f, (const VipdAddr *) (gconstpointer) drop->data,
                                         drop->len, who->str, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "no_accept is not enforced for %s: %s", who->str, error->message);
}

static void
on_gate (VipdVrrpInstance *inst, gboolean open, gpointer user_data)
{
  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);
  g_autoptr (GError) error = NULL;

  if (!conf->use_vmac)
    return;
  if (!vipd_accept_filter_set_gate (user_data, vipd_instance_vip_interface (conf), open, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, conf->name, "cannot %s the gate of macvlan %s: %s",
                       open ? "open" : "close", vipd_instance_vip_interface (conf),
                       error->message);
}

void
vipd_instance_accept_attach (VipdAcceptFilter *f, VipdVrrpInstance *inst)
{
  vipd_vrrp_instance_set_gate_func (inst, on_gate, f);
  if (!vipd_vrrp_instance_holds_vips (inst))
    on_gate (inst, FALSE, f);
}

void
vipd_instance_accept_detach (VipdAcceptFilter *f, VipdVrrpInstance *inst)
{
  on_gate (inst, TRUE, f);
  vipd_vrrp_instance_set_gate_func (inst, NULL, NULL);
}
