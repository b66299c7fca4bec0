/* config-instance.c — the vrrp_instance block: keyword table, virtual_ipaddress lines, auth. */
#include "config-private.h"

#include <string.h>
#include <sys/socket.h>

#include "ra/ra.h"

#define I(target) ((VipdInstance *) (target))

static void
i_state (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *v;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  v = vipd_kw_arg (st, 0);
  if (strcmp (v, "MASTER") == 0)
    I (t)->state = VIPD_CONFIG_STATE_MASTER;
  else if (strcmp (v, "BACKUP") == 0)
    I (t)->state = VIPD_CONFIG_STATE_BACKUP;
  else
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "state \"%s\" is not a state: write MASTER or BACKUP", v);
      return;
    }
  I (t)->state_loc = st->loc;
}

static void
i_interface (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &I (t)->interface);
  I (t)->interface_loc = st->loc;
}

/* Ranges of VRID and priority are checked by validation, which knows the instance; here only
 * the syntax, with a bound wide enough that any typo still shows its real value. */
static void
i_vrid (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  I (t)->vrid_loc = *vipd_kw_arg_loc (st, 0);
  /* Already reported: the sentinel keeps validation from calling it missing as well. */
  if (!vipd_kw_int (ctx, st, 0, G_MININT32, G_MAXINT32, &I (t)->vrid))
    I (t)->vrid = VIPD_VRID_INVALID;
}

static void
i_priority (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1)
      && vipd_kw_int (ctx, st, 0, G_MININT32, G_MAXINT32, &I (t)->priority))
    I (t)->priority_loc = *vipd_kw_arg_loc (st, 0);
}

static void
i_advert_int (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1)
      && vipd_kw_seconds_ms (ctx, st, 0, 1000 * 1000, &I (t)->advert_int_ms))
    I (t)->advert_int_loc = *vipd_kw_arg_loc (st, 0);
}

static void
i_version (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_version (ctx, st, &I (t)->version))
    I (t)->version_loc = st->loc;
}

static void
a_auth_type (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *v;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  v = vipd_kw_arg (st, 0);
  if (strcmp (v, "PASS") == 0)
    I (t)->auth_type = VIPD_AUTH_PASS;
  else if (strcmp (v, "AH") == 0)
    I (t)->auth_type = VIPD_AUTH_AH;
  else
    vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                   "auth_type \"%s\" is not supported: write PASS or AH", v);
}

static void
a_auth_pass (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *v;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  v = vipd_kw_arg (st, 0);
  g_free (I (t)->auth_pass);
  /* The VRRPv2 header has 8 bytes for it; keepalived cuts the rest the same way. */
  if (strlen (v) > 8)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (st, 0),
                     "auth_pass is longer than 8 characters; only the first 8 are used");
      I (t)->auth_pass = g_strndup (v, 8);
    }
  else
    I (t)->auth_pass = g_strdup (v);
}

static const VipdKeyword auth_keywords[] = {
  { "auth_type", a_auth_type },
  { "auth_pass", a_auth_pass },
  { NULL, NULL },
};

static void
i_authentication (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_block (ctx, st))
    return;
  I (t)->auth_loc = st->loc;
  vipd_kw_dispatch (ctx, auth_keywords, "authentication", st->children, t);
  if (I (t)->auth_type == VIPD_AUTH_NONE)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &st->loc,
                   "authentication without auth_type is ignored: add \"auth_type PASS\"");
  else if (I (t)->auth_pass == NULL)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                     "authentication needs auth_pass");
      I (t)->auth_type = VIPD_AUTH_NONE;
    }
}

typedef struct
{
  const char *name;
  int value;
} ScopeName;

/* iproute2's names (rt_scopes). */
static const ScopeName scopes[] = {
  { "global", 0 }, { "site", 200 }, { "link", 253 }, { "host", 254 }, { "nowhere", 255 },
};

static gboolean
parse_scope (const char *text, int *out)
{
  gint64 v;
  char *end = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    if (strcmp (text, scopes[i].name) == 0)
      {
        *out = scopes[i].value;
        return TRUE;
      }
  if (!g_ascii_isdigit (*text))
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || v < 0 || v > 255)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* One line: the address is the statement's keyword, the options are its arguments. */
static VipdVip *
parse_vip (VipdParseCtx *ctx, const VipdStmt *line)
{
  g_autofree VipdVip *v = vipd_vip_new (&line->loc);
  guint a = 0;

  if (!vipd_addr_parse_prefix (line->keyword, &v->addr, &v->prefix_len, &v->has_prefix))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &line->loc,
                     "\"%s\" is not an address: write <addr>[/<len>] [brd <addr>] [dev <if>] "
                     "[scope <scope>] [label <label>]",
                     line->keyword);
      return NULL;
    }
  if (line->children)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &line->open_loc,
                   "unexpected block after an address, ignored");
  while (a < line->args->len)
    {
      const char *opt = vipd_kw_arg (line, a);
      const char *val = vipd_kw_arg (line, a + 1);
      const VipdLoc *vloc = vipd_kw_arg_loc (line, a + 1);
      gboolean ok = TRUE;

      if (strcmp (opt, "brd") != 0 && strcmp (opt, "dev") != 0 && strcmp (opt, "scope") != 0
          && strcmp (opt, "label") != 0)
        {
          /* keepalived also takes use_vmac/no_track/preferred_lft...; not handled yet. */
          vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (line, a),
                         "unknown virtual_ipaddress option \"%s\" ignored", opt);
          a++;
          continue;
        }
      if (val == NULL)
        {
          vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (line, a),
                         "\"%s\" needs a value after it", opt);
          break;
        }
      if (strcmp (opt, "brd") == 0)
        {
          ok = vipd_addr_parse (val, &v->brd) && v->brd.family == v->addr.family;
          if (!ok)
            vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vloc,
                           "brd \"%s\" is not an address of the same family as %s", val,
                           line->keyword);
        }
      else if (strcmp (opt, "dev") == 0)
        {
          g_free (v->dev);
          v->dev = g_strdup (val);
        }
      else if (strcmp (opt, "scope") == 0)
        {
          if (!parse_scope (val, &v->scope))
            vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vloc,
                           "scope \"%s\" is unknown: write global, site, link, host, nowhere "
                           "or a number 0-255",
                           val);
        }
      else
        {
          g_free (v->label);
          v->label = g_strdup (val);
        }
      a += 2;
    }
  return g_steal_pointer (&v);
}

static void
vip_block (VipdParseCtx *ctx, const VipdStmt *st, VipdInstance *inst, GPtrArray *out)
{
  if (!vipd_kw_block (ctx, st))
    return;
  if (inst->vips_loc.file == NULL)
    inst->vips_loc = st->loc;
  for (guint i = 0; i < st->children->len; i++)
    {
      VipdVip *v = parse_vip (ctx, g_ptr_array_index (st->children, i));

      if (v)
        g_ptr_array_add (out, v);
    }
}

static void
i_vips (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vip_block (ctx, st, t, I (t)->vips);
}

static void
i_vips_excluded (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vip_block (ctx, st, t, I (t)->vips_excluded);
}

static void
i_nopreempt (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    I (t)->nopreempt = TRUE;
}

static void
i_preempt (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    I (t)->nopreempt = FALSE;
}

static void
i_preempt_delay (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, 1000 * 1000, &I (t)->preempt_delay_ms);
}




static void
i_unicast_src_ip (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_addr (ctx, st, 0, &I (t)->unicast_src_ip);
}

static void
i_unicast_peer (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_block (ctx, st))
    return;
  for (guint i = 0; i < st->children->len; i++)
    {
      const VipdStmt *line = g_ptr_array_index (st->children, i);
      VipdPeer *p = g_new0 (VipdPeer, 1);

      p->loc = line->loc;
      if (!vipd_addr_parse (line->keyword, &p->addr))
        {
          vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &line->loc,
                         "unicast_peer \"%s\" is not an IPv4 or IPv6 address", line->keyword);
          g_free (p);
          continue;
        }
      if (line->args->len > 0)
        vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (line, 0),
                       "unicast_peer options (\"%s\") are not supported yet, ignored",
                       vipd_kw_arg (line, 0));
      g_ptr_array_add (I (t)->unicast_peers, p);
    }
}

static void
i_mcast_src_ip (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1) && vipd_kw_addr (ctx, st, 0, &I (t)->mcast_src_ip))
    I (t)->mcast_src_loc = st->loc;
}

static void
i_garp_master_delay (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1)
      && vipd_kw_seconds_ms (ctx, st, 0, 3600 * 1000, &I (t)->garp_master_delay_ms))
    I (t)->garp_set[0] = TRUE;
}

static void
i_garp_master_repeat (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1) && vipd_kw_uint (ctx, st, 0, 10000, &I (t)->garp_master_repeat))
    I (t)->garp_set[1] = TRUE;
}

static void
i_garp_master_refresh (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1)
      && vipd_kw_seconds_ms (ctx, st, 0, 86400 * 1000, &I (t)->garp_master_refresh_ms))
    I (t)->garp_set[2] = TRUE;
}

static void
i_garp_master_refresh_repeat (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 1, 1)
      && vipd_kw_uint (ctx, st, 0, 10000, &I (t)->garp_master_refresh_repeat))
    I (t)->garp_set[3] = TRUE;
}


static void
set_checksum_tristate (VipdParseCtx *ctx, const VipdStmt *st, VipdInstance *inst,
                       VipdTristate *field)
{
  gboolean value;

  if (!vipd_kw_bool (ctx, st, &value))
    return;
  *field = value ? VIPD_TRISTATE_YES : VIPD_TRISTATE_NO;
  if (inst->v3_checksum_loc.file == NULL)
    inst->v3_checksum_loc = st->loc;
}

static void
i_v3_checksum_as_v2 (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  set_checksum_tristate (ctx, st, I (t), &I (t)->v3_checksum_as_v2);
}

static void
i_v3_checksum_strict (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  set_checksum_tristate (ctx, st, I (t), &I (t)->v3_checksum_strict);
}

static void
i_accept (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    I (t)->accept = VIPD_TRISTATE_YES;
}

static void
i_no_accept (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    I (t)->accept = VIPD_TRISTATE_NO;
}

static void
i_use_vmac (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 0, 1))
    return;
  I (t)->use_vmac = TRUE;
  I (t)->vmac_loc = st->loc;
  g_free (I (t)->vmac_name);
  I (t)->vmac_name = g_strdup (vipd_kw_arg (st, 0));
  if (st->args->len > 0)
    I (t)->vmac_loc = *vipd_kw_arg_loc (st, 0);
}

static void
i_vmac_xmit_base (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 0, 0))
    return;
  I (t)->vmac_xmit_base = TRUE;
  I (t)->vmac_xmit_base_loc = st->loc;
}

static void
i_dont_track_primary (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    I (t)->dont_track_primary = TRUE;
}

/* "track_nm_connectivity full|limited|portal [weight N]": vipd's own keyword. */
static void
i_track_nm_connectivity (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  static const char *const levels[] = { "portal", "limited", "full", NULL };
  static const VipdNmConnectivity values[] = { VIPD_NM_CONNECTIVITY_PORTAL,
                                               VIPD_NM_CONNECTIVITY_LIMITED,
                                               VIPD_NM_CONNECTIVITY_FULL };
  const char *v;
  gint64 w = 0;
  guint level;

  if (!vipd_kw_nargs (ctx, st, 1, 3))
    return;
  v = vipd_kw_arg (st, 0);
  for (level = 0; levels[level]; level++)
    if (strcmp (v, levels[level]) == 0)
      break;
  if (levels[level] == NULL)
    {
      const char *near = vipd_suggest (v, levels);

      if (near)
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                       "track_nm_connectivity: \"%s\" is not a connectivity level — did you "
                       "mean \"%s\"?",
                       v, near);
      else
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                       "track_nm_connectivity: \"%s\" is not a connectivity level: write "
                       "full, limited or portal",
                       v);
      return;
    }
  if (st->args->len == 2 || (st->args->len == 3 && strcmp (vipd_kw_arg (st, 1), "weight") != 0))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 1),
                     "track_nm_connectivity: expected \"weight <-253..253>\" after the level, "
                     "not \"%s\"",
                     vipd_kw_arg (st, 1));
      return;
    }
  if (st->args->len == 3 && !vipd_kw_int (ctx, st, 2, -253, 253, &w))
    return;
  I (t)->nm_connectivity = values[level];
  I (t)->nm_connectivity_weight = (int) w;
  I (t)->nm_connectivity_loc = st->loc;
}

/* One "NAME VALUE" of router_advert: an integer of seconds in [min, max]. */
static gboolean
ra_seconds (VipdParseCtx *ctx, const VipdStmt *st, guint i, const char *what, guint min,
            guint max, guint *out)
{
  const char *text = vipd_kw_arg (st, i);
  char *end = NULL;
  guint64 v;

  if (text == NULL)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i - 1),
                     "router_advert: %s needs a number of seconds after it (%u to %u)", what,
                     min, max);
      return FALSE;
    }
  v = g_ascii_strtoull (text, &end, 10);
  if (!g_ascii_isdigit (*text) || *end != '\0' || v < min || v > max)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i),
                     "router_advert: %s \"%s\" is not valid: write whole seconds from %u to %u",
                     what, text, min, max);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

/* "router_advert [lifetime S] [interval MIN MAX]": vipd's own keyword (keepalived sends no
 * Router Advertisements). The limits are RFC 4861 section 6.2.1's; validation checks the
 * values against each other and the instance. */
static void
i_router_advert (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  VipdInstance *inst = I (t);
  guint lifetime = inst->ra_lifetime_s, min = inst->ra_min_interval_s,
        max = inst->ra_max_interval_s;
  guint i = 0;

  while (i < st->args->len)
    {
      const char *word = vipd_kw_arg (st, i);

      if (strcmp (word, "lifetime") == 0)
        {
          if (!ra_seconds (ctx, st, i + 1, "lifetime", 1, VIPD_RA_LIFETIME_MAX, &lifetime))
            return;
          i += 2;
        }
      else if (strcmp (word, "interval") == 0)
        {
          if (!ra_seconds (ctx, st, i + 1, "interval (minimum)", VIPD_RA_MIN_INTERVAL_MIN,
                           VIPD_RA_MAX_INTERVAL_MAX, &min)
              || !ra_seconds (ctx, st, i + 2, "interval (maximum)", VIPD_RA_MAX_INTERVAL_MIN,
                              VIPD_RA_MAX_INTERVAL_MAX, &max))
            return;
          i += 3;
        }
      else
        {
          vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i),
                         "router_advert: unexpected \"%s\": write \"router_advert [lifetime "
                         "SECONDS] [interval MIN MAX]\"",
                         word);
          return;
        }
    }
  inst->router_advert = TRUE;
  inst->router_advert_loc = st->loc;
  inst->ra_lifetime_s = lifetime;
  inst->ra_min_interval_s = min;
  inst->ra_max_interval_s = max;
}

static const VipdKeyword instance_keywords[] = {
  { "state", i_state },
  { "interface", i_interface },
  { "virtual_router_id", i_vrid },
  { "priority", i_priority },
  { "advert_int", i_advert_int },
  { "version", i_version },
  { "authentication", i_authentication },
  { "virtual_ipaddress", i_vips },
  { "virtual_ipaddress_excluded", i_vips_excluded },
  { "nopreempt", i_nopreempt },
  { "preempt", i_preempt },
  { "preempt_delay", i_preempt_delay },
  VIPD_KW_FIELD ("track_script", VIPD_KW_TRACK_REFS, VipdInstance, track_scripts),
  VIPD_KW_FIELD ("track_interface", VIPD_KW_TRACK_REFS, VipdInstance, track_interfaces),
  VIPD_KW_FIELD ("track_file", VIPD_KW_TRACK_REFS, VipdInstance, track_files),
  { "unicast_src_ip", i_unicast_src_ip },
  { "unicast_peer", i_unicast_peer },
  { "mcast_src_ip", i_mcast_src_ip },
  { "garp_master_delay", i_garp_master_delay },
  { "garp_master_repeat", i_garp_master_repeat },
  { "garp_master_refresh", i_garp_master_refresh },
  { "garp_master_refresh_repeat", i_garp_master_refresh_repeat },
  VIPD_KW_FIELD ("notify", VIPD_KW_COMMAND, VipdInstance, notify.notify),
  VIPD_KW_FIELD ("notify_master", VIPD_KW_COMMAND, VipdInstance, notify.master),
  VIPD_KW_FIELD ("notify_backup", VIPD_KW_COMMAND, VipdInstance, notify.backup),
  VIPD_KW_FIELD ("notify_fault", VIPD_KW_COMMAND, VipdInstance, notify.fault),
  VIPD_KW_FIELD ("notify_stop", VIPD_KW_COMMAND, VipdInstance, notify.stop),
  VIPD_KW_FIELD ("smtp_alert", VIPD_KW_FLAG, VipdInstance, smtp_alert),
  { "accept", i_accept },
  { "no_accept", i_no_accept },
  { "use_vmac", i_use_vmac },
  { "vmac_xmit_base", i_vmac_xmit_base },
  { "dont_track_primary", i_dont_track_primary },
  { "track_nm_connectivity", i_track_nm_connectivity },
  { "v3_checksum_as_v2", i_v3_checksum_as_v2 },
  { "v3_checksum_strict", i_v3_checksum_strict },
  { "router_advert", i_router_advert },
  /* Real keepalived keywords that vipd does not act on (yet). */
  { "virtual_routes", vipd_kw_ignored },
  { "virtual_rules", vipd_kw_ignored },
  { "native_ipv6", vipd_kw_ignored },
  { "lvs_sync_daemon_interface", vipd_kw_ignored },
  { "garp_lower_prio_delay", vipd_kw_ignored },
  { "garp_lower_prio_repeat", vipd_kw_ignored },
  { "lower_prio_no_advert", vipd_kw_ignored },
  { "higher_prio_send_advert", vipd_kw_ignored },
  { "skip_check_adv_addr", vipd_kw_ignored },
  { "check_unicast_src", vipd_kw_ignored },
  { "strict_mode", vipd_kw_ignored },
  { "kernel_rx_buf_size", vipd_kw_ignored },
  { "debug", vipd_kw_ignored },
  { "track_process", vipd_kw_ignored },
  { "track_bfd", vipd_kw_ignored },
  { NULL, NULL },
};

void
vipd_kw_instance (VipdParseCtx *ctx, const VipdStmt *st, gpointer target)
{
  VipdInstance *inst;

  if (!vipd_kw_block (ctx, st))
    return;
  if (st->args->len < 1)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                     "vrrp_instance needs a name: \"vrrp_instance NAME {\"");
      return;
    }
  if (st->args->len > 1)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (st, 1),
                   "extra argument \"%s\" after the name of vrrp_instance ignored",
                   vipd_kw_arg (st, 1));
  inst = vipd_instance_new (vipd_kw_arg (st, 0), &st->loc);
  g_ptr_array_add (ctx->config->instances, inst);
  vipd_kw_dispatch (ctx, instance_keywords, "vrrp_instance", st->children, inst);
}
