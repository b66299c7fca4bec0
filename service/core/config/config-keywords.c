/* config-keywords.c — keyword tables for the top level, global_defs, vrrp_script,
 * vrrp_track_file and vrrp_sync_group. */
#include "config-private.h"

#include <string.h>
#include <sys/socket.h>

/* ---- global_defs ---- */

#define G(target) ((VipdGlobalDefs *) (target))

static void
g_router_id (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &G (t)->router_id);
}

static void
g_notification_email (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_block (ctx, st))
    return;
  for (guint i = 0; i < st->children->len; i++)
    {
      const VipdStmt *line = g_ptr_array_index (st->children, i);

      g_ptr_array_add (G (t)->notification_email, g_strdup (line->keyword));
    }
}

static void
g_notification_email_from (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &G (t)->notification_email_from);
}

static void
g_smtp_server (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 1, 2))
    return;
  vipd_kw_addr (ctx, st, 0, &G (t)->smtp_server);
  if (st->args->len > 1)
    vipd_kw_uint (ctx, st, 1, 65535, &G (t)->smtp_port);
}

static void
g_smtp_connect_timeout (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 3600 * 1000, &G (t)->smtp_connect_timeout_ms);
}

static void
set_mcast (VipdParseCtx *ctx, const VipdStmt *st, VipdAddr *out, int family)
{
  VipdAddr a;

  if (!vipd_kw_nargs (ctx, st, 1, 1) || !vipd_kw_addr (ctx, st, 0, &a))
    return;
  if (a.family != family || !vipd_addr_is_multicast (&a))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "%s \"%s\" must be an %s multicast address", st->keyword, vipd_kw_arg (st, 0),
                     family == AF_INET ? "IPv4" : "IPv6");
      return;
    }
  *out = a;
}

static void
g_mcast_group4 (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  set_mcast (ctx, st, &G (t)->mcast_group4, AF_INET);
}

static void
g_mcast_group6 (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  set_mcast (ctx, st, &G (t)->mcast_group6, AF_INET6);
}

static void
g_skip_check_adv_addr (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    G (t)->skip_check_adv_addr = TRUE;
}

static void
g_strict (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 0, 0))
    return;
  G (t)->strict = TRUE;
  G (t)->strict_loc = st->loc;
}

static void
g_garp_interval (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 1000 * 1000, &G (t)->garp_interval_ms);
}

static void
g_gna_interval (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 1000 * 1000, &G (t)->gna_interval_ms);
}

static void
g_vrrp_version (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_version (ctx, st, &G (t)->vrrp_version))
    G (t)->vrrp_version_loc = st->loc;
}

static void
g_script_user (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 1, 2))
    return;
  g_free (G (t)->script_user);
  g_free (G (t)->script_group);
  G (t)->script_user = g_strdup (vipd_kw_arg (st, 0));
  G (t)->script_group = g_strdup (vipd_kw_arg (st, 1));
}

static void
g_enable_script_security (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    G (t)->enable_script_security = TRUE;
}

static void
g_notify_fifo (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &G (t)->notify_fifo);
}

static void
g_notify_fifo_script (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  VipdCommand c = { 0 };

  vipd_kw_command (ctx, st, &c);
  if (c.command)
    {
      g_free (G (t)->notify_fifo_script);
      G (t)->notify_fifo_script = c.command;
    }
}

static void
g_vrrp_notify_fifo (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &G (t)->vrrp_notify_fifo);
}

static void
g_garp_master_delay (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 3600 * 1000, &G (t)->garp_master_delay_ms);
}

static void
g_garp_master_repeat (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_uint (ctx, st, 0, 10000, &G (t)->garp_master_repeat);
}

static void
g_garp_master_refresh (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 86400 * 1000, &G (t)->garp_master_refresh_ms);
}

static void
g_garp_master_refresh_repeat (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_uint (ctx, st, 0, 10000, &G (t)->garp_master_refresh_repeat);
}

static void
g_rt_priority (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  gint64 value;

  if (vipd_kw_nargs (ctx, st, 1, 1) && vipd_kw_int (ctx, st, 0, 1, 99, &value))
    G (t)->rt_priority = (guint) value;
}

static void
g_v3_checksum_as_v2 (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_bool (ctx, st, &G (t)->v3_checksum_as_v2);
}

static void
g_v3_checksum_strict (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_bool (ctx, st, &G (t)->v3_checksum_strict);
}

static const VipdKeyword global_keywords[] = {
  { "router_id", g_router_id },
  { "notification_email", g_notification_email },
  { "notification_email_from", g_notification_email_from },
  { "smtp_server", g_smtp_server },
  { "smtp_connect_timeout", g_smtp_connect_timeout },
  { "vrrp_mcast_group4", g_mcast_group4 },
  { "vrrp_mcast_group6", g_mcast_group6 },
  { "vrrp_skip_check_adv_addr", g_skip_check_adv_addr },
  { "vrrp_strict", g_strict },
  { "vrrp_garp_interval", g_garp_interval },
  { "vrrp_gna_interval", g_gna_interval },
  { "vrrp_version", g_vrrp_version },
  { "script_user", g_script_user },
  { "enable_script_security", g_enable_script_security },
  { "notify_fifo", g_notify_fifo },
  { "notify_fifo_script", g_notify_fifo_script },
  { "vrrp_notify_fifo", g_vrrp_notify_fifo },
  { "vrrp_garp_master_delay", g_garp_master_delay },
  { "vrrp_garp_master_repeat", g_garp_master_repeat },
  { "vrrp_garp_master_refresh", g_garp_master_refresh },
  { "vrrp_garp_master_refresh_repeat", g_garp_master_refresh_repeat },
  { "vrrp_rt_priority", g_rt_priority },
  { "v3_checksum_as_v2", g_v3_checksum_as_v2 },
  { "v3_checksum_strict", g_v3_checksum_strict },
  VIPD_KW_FIELD ("lvs_flush", VIPD_KW_FLAG, VipdGlobalDefs, lvs_flush),
  /* Real keepalived keywords that vipd does not act on (yet). */
  { "lvs_id", vipd_kw_ignored },
  { "lvs_sync_daemon", vipd_kw_ignored },
  { "lvs_timeouts", vipd_kw_ignored },
  { "smtp_helo_name", vipd_kw_ignored },
  { "smtp_alert", vipd_kw_ignored },
  { "smtp_alert_vrrp", vipd_kw_ignored },
  { "vrrp_iptables", vipd_kw_ignored },
  { "vrrp_ipsets", vipd_kw_ignored },
  { "vrrp_check_unicast_src", vipd_kw_ignored },
  { "vrrp_lower_prio_no_advert", vipd_kw_ignored },
  { "vrrp_higher_prio_send_advert", vipd_kw_ignored },
  { "vrrp_priority", vipd_kw_ignored },
  { "vrrp_no_swap", vipd_kw_ignored },
  { "vrrp_rlimit_rttime", vipd_kw_ignored },
  { "vrrp_startup_delay", vipd_kw_ignored },
  { "vrrp_min_garp", vipd_kw_ignored },
  { "vrrp_notify_priority_changes", vipd_kw_ignored },
  { "vrrp_netlink_cmd_rcv_bufs", vipd_kw_ignored },
  { "vrrp_netlink_monitor_rcv_bufs", vipd_kw_ignored },
  { "vrrp_garp_lower_prio_delay", vipd_kw_ignored },
  { "vrrp_garp_lower_prio_repeat", vipd_kw_ignored },
  { "vrrp_track_process_rcv_bufs", vipd_kw_ignored },
  { "vrrp_rx_bufs_policy", vipd_kw_ignored },
  { "dynamic_interfaces", vipd_kw_ignored },
  { "max_auto_priority", vipd_kw_ignored },
  { "checker_priority", vipd_kw_ignored },
  { "bfd_priority", vipd_kw_ignored },
  { "enable_traps", vipd_kw_ignored },
  { "enable_dbus", vipd_kw_ignored },
  { "notify_fifo_dump", vipd_kw_ignored },
  { "use_pid_dir", vipd_kw_ignored },
  { "net_namespace", vipd_kw_ignored },
  { "instance", vipd_kw_ignored },
  { "default_interface", vipd_kw_ignored },
  { "process_names", vipd_kw_ignored },
  { NULL, NULL },
};

static void
top_global_defs (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_block (ctx, st))
    return;
  ctx->config->global.loc = st->loc;
  vipd_kw_dispatch (ctx, global_keywords, "global_defs", st->children, &ctx->config->global);
}

/* ---- vrrp_script ---- */

#define S(target) ((VipdScript *) (target))

static void
s_script (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_command (ctx, st, &S (t)->script);
}

static void
s_interval (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 86400 * 1000, &S (t)->interval_ms);
}

static void
s_timeout (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 86400 * 1000, &S (t)->timeout_ms);
}

static void
s_weight (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  gint64 w;

  if (!vipd_kw_nargs (ctx, st, 1, 2) || !vipd_kw_int (ctx, st, 0, -253, 253, &w))
    return;
  S (t)->weight = (int) w;
  S (t)->weight_loc = st->loc;
  if (st->args->len > 1)
    {
      if (strcmp (vipd_kw_arg (st, 1), "reverse") == 0)
        S (t)->reverse = TRUE;
      else
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 1),
                       "weight: expected \"reverse\" after the number, not \"%s\"",
                       vipd_kw_arg (st, 1));
    }
}

static void
s_rise (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  gint64 v;

  if (vipd_kw_nargs (ctx, st, 1, 1) && vipd_kw_int (ctx, st, 0, 1, 1000000, &v))
    S (t)->rise = (guint) v;
}

static void
s_fall (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  gint64 v;

  if (vipd_kw_nargs (ctx, st, 1, 1) && vipd_kw_int (ctx, st, 0, 1, 1000000, &v))
    S (t)->fall = (guint) v;
}

static void
s_init_fail (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    S (t)->init_fail = TRUE;
}

static void
s_user (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 1, 2))
    return;
  g_free (S (t)->user);
  g_free (S (t)->group);
  S (t)->user = g_strdup (vipd_kw_arg (st, 0));
  S (t)->group = g_strdup (vipd_kw_arg (st, 1));
}

static const VipdKeyword script_keywords[] = {
  { "script", s_script },       { "interval", s_interval },   { "timeout", s_timeout },
  { "weight", s_weight },       { "rise", s_rise },           { "fall", s_fall },
  { "init_fail", s_init_fail }, { "user", s_user },           { NULL, NULL },
};

/* Reports a missing name and returns the name otherwise; shared by every named block. */
static const char *
block_name (VipdParseCtx *ctx, const VipdStmt *st)
{
  if (!vipd_kw_block (ctx, st))
    return NULL;
  if (st->args->len < 1)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc, "%s needs a name: \"%s NAME {\"",
                     st->keyword, st->keyword);
      return NULL;
    }
  if (st->args->len > 1)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (st, 1),
                   "extra argument \"%s\" after the name of %s ignored", vipd_kw_arg (st, 1),
                   st->keyword);
  return vipd_kw_arg (st, 0);
}

static void
top_vrrp_script (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *name = block_name (ctx, st);
  VipdScript *s;

  if (name == NULL)
    return;
  s = vipd_script_new (name, &st->loc);
  g_ptr_array_add (ctx->config->scripts, s);
  vipd_kw_dispatch (ctx, script_keywords, "vrrp_script", st->children, s);
}

/* ---- vrrp_track_file ---- */

#define TF(target) ((VipdTrackFile *) (target))

static void
tf_file (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &TF (t)->file);
}

static void
tf_weight (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  gint64 w;

  if (!vipd_kw_nargs (ctx, st, 1, 2) || !vipd_kw_int (ctx, st, 0, -254, 254, &w))
    return;
  TF (t)->weight = (int) w;
  if (st->args->len > 1)
    {
      if (strcmp (vipd_kw_arg (st, 1), "reverse") == 0)
        TF (t)->reverse = TRUE;
      else
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 1),
                       "weight: expected \"reverse\" after the number, not \"%s\"",
                       vipd_kw_arg (st, 1));
    }
}

static void
tf_init_file (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  guint a = 0;

  if (!vipd_kw_nargs (ctx, st, 0, 2))
    return;
  TF (t)->has_init = TRUE;
  if (a < st->args->len && strcmp (vipd_kw_arg (st, a), "overwrite") != 0)
    {
      gint64 v;

      if (vipd_kw_int (ctx, st, a, G_MININT32, G_MAXINT32, &v))
        TF (t)->init_value = (int) v;
      a++;
    }
  if (a < st->args->len)
    {
      if (strcmp (vipd_kw_arg (st, a), "overwrite") == 0)
        TF (t)->overwrite = TRUE;
      else
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, a),
                       "init_file: expected \"overwrite\", not \"%s\"", vipd_kw_arg (st, a));
    }
}

static const VipdKeyword track_file_keywords[] = {
  { "file", tf_file },
  { "weight", tf_weight },
  { "init_file", tf_init_file },
  { NULL, NULL },
};

static void
top_vrrp_track_file (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *name = block_name (ctx, st);
  VipdTrackFile *tf;

  if (name == NULL)
    return;
  tf = vipd_track_file_new (name, &st->loc);
  g_ptr_array_add (ctx->config->track_files, tf);
  vipd_kw_dispatch (ctx, track_file_keywords, "vrrp_track_file", st->children, tf);
}

/* ---- vrrp_sync_group ---- */

#define SG(target) ((VipdSyncGroup *) (target))

static void
sg_group (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_block (ctx, st))
    return;
  for (guint i = 0; i < st->children->len; i++)
    {
      const VipdStmt *line = g_ptr_array_index (st->children, i);

      g_ptr_array_add (SG (t)->members, vipd_track_ref_new (line->keyword, &line->loc));
      for (guint a = 0; a < line->args->len; a++)
        g_ptr_array_add (SG (t)->members,
                         vipd_track_ref_new (vipd_kw_arg (line, a), vipd_kw_arg_loc (line, a)));
    }
}

static const VipdKeyword sync_group_keywords[] = {
  { "group", sg_group },
  VIPD_KW_FIELD ("notify", VIPD_KW_COMMAND, VipdSyncGroup, notify.notify),
  VIPD_KW_FIELD ("notify_master", VIPD_KW_COMMAND, VipdSyncGroup, notify.master),
  VIPD_KW_FIELD ("notify_backup", VIPD_KW_COMMAND, VipdSyncGroup, notify.backup),
  VIPD_KW_FIELD ("notify_fault", VIPD_KW_COMMAND, VipdSyncGroup, notify.fault),
  VIPD_KW_FIELD ("notify_stop", VIPD_KW_COMMAND, VipdSyncGroup, notify.stop),
  VIPD_KW_FIELD ("smtp_alert", VIPD_KW_FLAG, VipdSyncGroup, smtp_alert),
  VIPD_KW_FIELD ("track_script", VIPD_KW_TRACK_REFS, VipdSyncGroup, track_scripts),
  VIPD_KW_FIELD ("track_interface", VIPD_KW_TRACK_REFS, VipdSyncGroup, track_interfaces),
  VIPD_KW_FIELD ("track_file", VIPD_KW_TRACK_REFS, VipdSyncGroup, track_files),
  { NULL, NULL },
};

static void
top_vrrp_sync_group (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *name = block_name (ctx, st);
  VipdSyncGroup *g;

  if (name == NULL)
    return;
  g = vipd_sync_group_new (name, &st->loc);
  g_ptr_array_add (ctx->config->sync_groups, g);
  vipd_kw_dispatch (ctx, sync_group_keywords, "vrrp_sync_group", st->children, g);
}

static const VipdKeyword top_keywords[] = {
  { "global_defs", top_global_defs },
  { "vrrp_script", top_vrrp_script },
  { "vrrp_track_file", top_vrrp_track_file },
  { "vrrp_sync_group", top_vrrp_sync_group },
  { "vrrp_instance", vipd_kw_instance },
  /* keepalived blocks outside vipd's VRRP scope, accepted so that full files load. */
  { "virtual_server", vipd_kw_virtual_server },
  { "virtual_server_group", vipd_kw_virtual_server_group },
  { "vrrp_track_process", vipd_kw_ignored },
  { "static_ipaddress", vipd_kw_ignored },
  { "static_routes", vipd_kw_ignored },
  { "static_rules", vipd_kw_ignored },
  { "linkbeat_use_polling", vipd_kw_ignored },
  { "bfd_instance", vipd_kw_ignored },
  { "garp_group", vipd_kw_ignored },
  { "net_namespace", vipd_kw_ignored },
  { NULL, NULL },
};

void
vipd_kw_top (VipdParseCtx *ctx, const GPtrArray *stmts)
{
  vipd_kw_dispatch (ctx, top_keywords, "the top level", stmts, NULL);
}
