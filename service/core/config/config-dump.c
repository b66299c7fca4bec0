/* config-dump.c — the model as stable text, for "vipd --check --dump" and for tests.
 * Every value is printed, defaults included, so a diff of two dumps shows what changed. */
#include "config-private.h"

#include <sys/socket.h>

void
vipd_dump_line (GString *s, guint indent, const char *fmt, ...)
{
  va_list args;

  for (guint i = 0; i < indent; i++)
    g_string_append (s, "  ");
  va_start (args, fmt);
  vipd_string_append_vprintf (s, fmt, args);
  va_end (args);
  g_string_append_c (s, '\n');
}

static const char *
str_or (const char *v, const char *fallback)
{
  return v ? v : fallback;
}

/* ms as seconds with no trailing zeros ("1", "1.5", "0.25", "0.001") into buf. */
static const char *
format_seconds (guint ms, char *buf, gsize size)
{
  if (ms % 1000 == 0)
    g_snprintf (buf, size, "%u", ms / 1000);
  else if (ms % 100 == 0)
    g_snprintf (buf, size, "%u.%u", ms / 1000, (ms % 1000) / 100);
  else if (ms % 10 == 0)
    g_snprintf (buf, size, "%u.%02u", ms / 1000, (ms % 1000) / 10);
  else
    g_snprintf (buf, size, "%u.%03u", ms / 1000, ms % 1000);
  return buf;
}

void
vipd_dump_line_seconds (GString *s, guint indent, const char *key, guint ms)
{
  char buf[24];

  vipd_dump_line (s, indent, "%s %s", key, format_seconds (ms, buf, sizeof buf));
}

void
vipd_dump_line_addr (GString *s, guint indent, const char *key, const VipdAddr *a)
{
  char buf[VIPD_ADDR_STRLEN];

  if (vipd_addr_is_set (a))
    vipd_dump_line (s, indent, "%s %s", key, vipd_addr_format (a, buf, sizeof buf));
}

static void
line_command (GString *s, guint indent, const char *key, const VipdCommand *c)
{
  if (c->command)
    vipd_dump_line (s, indent, "%s \"%s\"", key, c->command);
}

static void
dump_notify (GString *s, guint indent, const VipdNotifySet *n)
{
  line_command (s, indent, "notify", &n->notify);
  line_command (s, indent, "notify_master", &n->master);
  line_command (s, indent, "notify_backup", &n->backup);
  line_command (s, indent, "notify_fault", &n->fault);
  line_command (s, indent, "notify_stop", &n->stop);
}

static void
dump_refs (GString *s, guint indent, const char *key, GPtrArray *refs)
{
  if (refs->len == 0)
    return;
  vipd_dump_line (s, indent, "%s {", key);
  for (guint i = 0; i < refs->len; i++)
    {
      VipdTrackRef *r = g_ptr_array_index (refs, i);
      g_autofree char *weight = r->has_weight ? g_strdup_printf (" weight %d", r->weight) : NULL;

      vipd_dump_line (s, indent + 1, "%s%s%s", r->name, str_or (weight, ""), r->reverse ? " reverse" : "");
    }
  vipd_dump_line (s, indent, "}");
}

static void
dump_global (GString *s, const VipdGlobalDefs *g)
{
  vipd_dump_line (s, 0, "global_defs {");
  vipd_dump_line (s, 1, "router_id %s", str_or (g->router_id, "(hostname)"));
  for (guint i = 0; i < g->notification_email->len; i++)
    vipd_dump_line (s, 1, "notification_email %s", (const char *) g_ptr_array_index (g->notification_email, i));
  if (g->notification_email_from)
    vipd_dump_line (s, 1, "notification_email_from %s", g->notification_email_from);
  if (vipd_addr_is_set (&g->smtp_server))
    {
      char buf[VIPD_ADDR_STRLEN];

      vipd_dump_line (s, 1, "smtp_server %s %u", vipd_addr_format (&g->smtp_server, buf, sizeof buf),
            g->smtp_port);
    }
  vipd_dump_line_seconds (s, 1, "smtp_connect_timeout", g->smtp_connect_timeout_ms);
  if (g->lvs_flush)
    vipd_dump_line (s, 1, "lvs_flush");
  if (vipd_addr_is_set (&g->mcast_group4))
    vipd_dump_line_addr (s, 1, "vrrp_mcast_group4", &g->mcast_group4);
  else
    vipd_dump_line (s, 1, "vrrp_mcast_group4 224.0.0.18");
  vipd_dump_line_addr (s, 1, "vrrp_mcast_group6", &g->mcast_group6);
  vipd_dump_line (s, 1, "vrrp_version %u", g->vrrp_version);
  vipd_dump_line (s, 1, "vrrp_strict %s", g->strict ? "yes" : "no");
  vipd_dump_line (s, 1, "vrrp_skip_check_adv_addr %s", g->skip_check_adv_addr ? "yes" : "no");
  vipd_dump_line_seconds (s, 1, "vrrp_garp_interval", g->garp_interval_ms);
  vipd_dump_line_seconds (s, 1, "vrrp_gna_interval", g->gna_interval_ms);
  vipd_dump_line_seconds (s, 1, "vrrp_garp_master_delay", g->garp_master_delay_ms);
  vipd_dump_line (s, 1, "vrrp_garp_master_repeat %u", g->garp_master_repeat);
  vipd_dump_line_seconds (s, 1, "vrrp_garp_master_refresh", g->garp_master_refresh_ms);
  vipd_dump_line (s, 1, "vrrp_garp_master_refresh_repeat %u", g->garp_master_refresh_repeat);
  if (g->rt_priority)
    vipd_dump_line (s, 1, "vrrp_rt_priority %u", g->rt_priority);
  vipd_dump_line (s, 1, "v3_checksum_as_v2 %s", g->v3_checksum_as_v2 ? "yes" : "no");
  vipd_dump_line (s, 1, "v3_checksum_strict %s", g->v3_checksum_strict ? "yes" : "no");
  if (g->script_user)
    vipd_dump_line (s, 1, "script_user %s%s%s", g->script_user, g->script_group ? " " : "",
          str_or (g->script_group, ""));
  vipd_dump_line (s, 1, "enable_script_security %s", g->enable_script_security ? "yes" : "no");
  if (g->notify_fifo)
    vipd_dump_line (s, 1, "notify_fifo %s", g->notify_fifo);
  if (g->notify_fifo_script)
    vipd_dump_line (s, 1, "notify_fifo_script \"%s\"", g->notify_fifo_script);
  if (g->vrrp_notify_fifo)
    vipd_dump_line (s, 1, "vrrp_notify_fifo %s", g->vrrp_notify_fifo);
  vipd_dump_line (s, 0, "}");
}

static void
dump_script (GString *s, const VipdScript *sc)
{
  vipd_dump_line (s, 0, "vrrp_script %s {", sc->name);
  line_command (s, 1, "script", &sc->script);
  vipd_dump_line_seconds (s, 1, "interval", sc->interval_ms);
  vipd_dump_line_seconds (s, 1, "timeout", sc->timeout_ms ? sc->timeout_ms : sc->interval_ms);
  vipd_dump_line (s, 1, "weight %d%s", sc->weight, sc->reverse ? " reverse" : "");
  vipd_dump_line (s, 1, "rise %u", sc->rise);
  vipd_dump_line (s, 1, "fall %u", sc->fall);
  vipd_dump_line (s, 1, "init_fail %s", sc->init_fail ? "yes" : "no");
  if (sc->user)
    vipd_dump_line (s, 1, "user %s%s%s", sc->user, sc->group ? " " : "", str_or (sc->group, ""));
  vipd_dump_line (s, 0, "}");
}

static void
dump_track_file (GString *s, const VipdTrackFile *t)
{
  vipd_dump_line (s, 0, "vrrp_track_file %s {", t->name);
  vipd_dump_line (s, 1, "file %s", str_or (t->file, "(none)"));
  vipd_dump_line (s, 1, "weight %d%s", t->weight, t->reverse ? " reverse" : "");
  if (t->has_init)
    vipd_dump_line (s, 1, "init_file %d%s", t->init_value, t->overwrite ? " overwrite" : "");
  vipd_dump_line (s, 0, "}");
}

static void
dump_vips (GString *s, const char *key, GPtrArray *vips)
{
  if (vips->len == 0)
    return;
  vipd_dump_line (s, 1, "%s {", key);
  for (guint i = 0; i < vips->len; i++)
    {
      VipdVip *v = g_ptr_array_index (vips, i);
      char buf[VIPD_ADDR_STRLEN];
      GString *l = g_string_new (NULL);

      vipd_string_append_printf (l, "%s/%u", vipd_addr_format (&v->addr, buf, sizeof buf),
                                 v->prefix_len);
      if (vipd_addr_is_set (&v->brd))
        vipd_string_append_printf (l, " brd %s", vipd_addr_format (&v->brd, buf, sizeof buf));
      if (v->dev)
        vipd_string_append_printf (l, " dev %s", v->dev);
      if (v->scope >= 0)
        vipd_string_append_printf (l, " scope %d", v->scope);
      if (v->label)
        vipd_string_append_printf (l, " label %s", v->label);
      vipd_dump_line (s, 2, "%s", l->str);
      g_string_free (l, TRUE);
    }
  vipd_dump_line (s, 1, "}");
}

static void
dump_instance (GString *s, const VipdInstance *i)
{
  static const char *const auth_names[] = { "NONE", "PASS", "AH" };
  static const char *const garp_keys[] = { "garp_master_delay", "garp_master_repeat",
                                           "garp_master_refresh", "garp_master_refresh_repeat" };

  vipd_dump_line (s, 0, "vrrp_instance %s {", i->name);
  vipd_dump_line (s, 1, "state %s", i->state == VIPD_CONFIG_STATE_MASTER ? "MASTER" : "BACKUP");
  vipd_dump_line (s, 1, "interface %s", str_or (i->interface, "(none)"));
  vipd_dump_line (s, 1, "virtual_router_id %" G_GINT64_FORMAT, i->vrid);
  vipd_dump_line (s, 1, "priority %" G_GINT64_FORMAT, i->priority);
  vipd_dump_line_seconds (s, 1, "advert_int", i->advert_int_ms);
  vipd_dump_line (s, 1, "version %u", i->version);
  vipd_dump_line (s, 1, "family %s",
        i->family == AF_INET6 ? "ipv6" : i->family == AF_INET ? "ipv4" : "unspecified");
  if (i->auth_type != VIPD_AUTH_NONE)
    {
      vipd_dump_line (s, 1, "authentication {");
      vipd_dump_line (s, 2, "auth_type %s", auth_names[i->auth_type]);
      /* Secrets never leave the process: dumps end up in bug reports and logs. */
      vipd_dump_line (s, 2, "auth_pass ******");
      vipd_dump_line (s, 1, "}");
    }
  dump_vips (s, "virtual_ipaddress", i->vips);
  dump_vips (s, "virtual_ipaddress_excluded", i->vips_excluded);
  vipd_dump_line (s, 1, "preempt %s", i->nopreempt ? "no" : "yes");
  vipd_dump_line_seconds (s, 1, "preempt_delay", i->preempt_delay_ms);
  dump_refs (s, 1, "track_script", i->track_scripts);
  dump_refs (s, 1, "track_interface", i->track_interfaces);
  dump_refs (s, 1, "track_file", i->track_files);
  if (i->nm_connectivity != VIPD_NM_CONNECTIVITY_UNSET)
    {
      const char *level = i->nm_connectivity == VIPD_NM_CONNECTIVITY_FULL      ? "full"
                          : i->nm_connectivity == VIPD_NM_CONNECTIVITY_LIMITED ? "limited"
                                                                               : "portal";

      if (i->nm_connectivity_weight != 0)
        vipd_dump_line (s, 1, "track_nm_connectivity %s weight %d", level, i->nm_connectivity_weight);
      else
        vipd_dump_line (s, 1, "track_nm_connectivity %s", level);
    }
  vipd_dump_line_addr (s, 1, "unicast_src_ip", &i->unicast_src_ip);
  if (i->unicast_peers->len > 0)
    {
      vipd_dump_line (s, 1, "unicast_peer {");
      for (guint p = 0; p < i->unicast_peers->len; p++)
        {
          char buf[VIPD_ADDR_STRLEN];
          const VipdPeer *peer = g_ptr_array_index (i->unicast_peers, p);

          vipd_dump_line (s, 2, "%s", vipd_addr_format (&peer->addr, buf, sizeof buf));
        }
      vipd_dump_line (s, 1, "}");
    }
  vipd_dump_line_addr (s, 1, "mcast_src_ip", &i->mcast_src_ip);
  vipd_dump_line_seconds (s, 1, garp_keys[0], i->garp_master_delay_ms);
  vipd_dump_line (s, 1, "%s %u", garp_keys[1], i->garp_master_repeat);
  vipd_dump_line_seconds (s, 1, garp_keys[2], i->garp_master_refresh_ms);
  vipd_dump_line (s, 1, "%s %u", garp_keys[3], i->garp_master_refresh_repeat);
  dump_notify (s, 1, &i->notify);
  vipd_dump_line (s, 1, "smtp_alert %s", i->smtp_alert ? "yes" : "no");
  vipd_dump_line (s, 1, "accept %s",
        i->accept == VIPD_TRISTATE_UNSET ? "default" : i->accept ? "yes" : "no");
  if (i->version == 3 && i->family != AF_INET6)
    {
      /* Resolved by validation; "default" only when dumping an unvalidated model. */
      vipd_dump_line (s, 1, "v3_checksum_as_v2 %s  # sends %s",
            i->v3_checksum_as_v2 == VIPD_TRISTATE_UNSET ? "default"
            : i->v3_checksum_as_v2                      ? "yes"
                                                        : "no",
            i->v3_checksum_as_v2 == VIPD_TRISTATE_YES ? "the RFC 9568 form (no pseudo-header)"
                                                      : "the pseudo-header form");
      vipd_dump_line (s, 1, "v3_checksum_strict %s  # %s",
            i->v3_checksum_strict == VIPD_TRISTATE_UNSET ? "default"
            : i->v3_checksum_strict                      ? "yes"
                                                         : "no",
            i->v3_checksum_strict == VIPD_TRISTATE_YES ? "accepts only the form it sends"
                                                       : "accepts both forms");
    }
  if (i->use_vmac)
    vipd_dump_line (s, 1, "use_vmac %s", str_or (i->vmac_name, "(default)"));
  if (i->use_vmac && i->vmac_xmit_base)
    vipd_dump_line (s, 1, "vmac_xmit_base");
  if (i->dont_track_primary)
    vipd_dump_line (s, 1, "dont_track_primary");
  if (i->router_advert)
    vipd_dump_line (s, 1, "router_advert lifetime %u interval %u %u", i->ra_lifetime_s,
                    i->ra_min_interval_s, i->ra_max_interval_s);
  vipd_dump_line (s, 0, "}");
}

static void
dump_sync_group (GString *s, const VipdSyncGroup *g)
{
  vipd_dump_line (s, 0, "vrrp_sync_group %s {", g->name);
  vipd_dump_line (s, 1, "group {");
  for (guint i = 0; i < g->members->len; i++)
    vipd_dump_line (s, 2, "%s", ((VipdTrackRef *) g_ptr_array_index (g->members, i))->name);
  vipd_dump_line (s, 1, "}");
  dump_notify (s, 1, &g->notify);
  vipd_dump_line (s, 1, "smtp_alert %s", g->smtp_alert ? "yes" : "no");
  dump_refs (s, 1, "track_script", g->track_scripts);
  dump_refs (s, 1, "track_interface", g->track_interfaces);
  dump_refs (s, 1, "track_file", g->track_files);
  vipd_dump_line (s, 0, "}");
}

char *
vipd_config_dump (const VipdConfig *config)
{
  /* global_defs alone prints about 1 kB: start there rather than double up from nothing. */
  GString *s = g_string_sized_new (4096);

  for (guint i = 0; i < config->files->len; i++)
    vipd_dump_line (s, 0, "# file %s", (const char *) g_ptr_array_index (config->files, i));
  dump_global (s, &config->global);
  for (guint i = 0; i < config->scripts->len; i++)
    dump_script (s, g_ptr_array_index (config->scripts, i));
  for (guint i = 0; i < config->track_files->len; i++)
    dump_track_file (s, g_ptr_array_index (config->track_files, i));
  for (guint i = 0; i < config->sync_groups->len; i++)
    dump_sync_group (s, g_ptr_array_index (config->sync_groups, i));
  for (guint i = 0; i < config->instances->len; i++)
    dump_instance (s, g_ptr_array_index (config->instances, i));
  vipd_config_dump_lvs (s, config);
  return g_string_free (s, FALSE);
}
