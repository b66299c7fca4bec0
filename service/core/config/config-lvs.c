/* config-lvs.c — keyword tables for virtual_server, virtual_server_group, real_server and the
 * four checkers (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK). */
#include "config-private.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared argument forms ---- */

/* "IP PORT" at args[first], [first + 1]. */
static gboolean
addr_port (VipdParseCtx *ctx, const VipdStmt *st, guint first, VipdAddr *addr, guint *port)
{
  if (!vipd_kw_addr (ctx, st, first, addr))
    return FALSE;
  if (vipd_kw_arg (st, first + 1) == NULL)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, first),
                     "%s %s needs a port: \"%s %s PORT\"", st->keyword, vipd_kw_arg (st, first),
                     st->keyword, vipd_kw_arg (st, first));
      return FALSE;
    }
  return vipd_kw_uint (ctx, st, first + 1, 65535, port);
}

static void
seconds (VipdParseCtx *ctx, const VipdStmt *st, guint max_s, guint *out)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_seconds_ms (ctx, st, 0, max_s * 1000, out);
}

static void
count (VipdParseCtx *ctx, const VipdStmt *st, guint max, guint *out)
{
  if (vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_uint (ctx, st, 0, max, out);
}

/* ---- url { } ---- */

#define U(target) ((VipdCheckUrl *) (target))

static void
u_path (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &U (t)->path);
  if (U (t)->path && U (t)->path[0] != '/')
    vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                   "path \"%s\" must start with \"/\" (e.g. \"path /%s\")", U (t)->path,
                   U (t)->path);
}

static void
u_digest (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *hex;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  hex = vipd_kw_arg (st, 0);
  for (guint i = 0; hex[i]; i++)
    if (!g_ascii_isxdigit (hex[i]))
      {
        hex = NULL;
        break;
      }
  if (hex == NULL || strlen (vipd_kw_arg (st, 0)) != 32)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "digest \"%s\" is not an MD5 sum: write the 32 hex digits that "
                     "\"curl -s URL | md5sum\" prints",
                     vipd_kw_arg (st, 0));
      return;
    }
  g_free (U (t)->digest);
  U (t)->digest = g_ascii_strdown (hex, -1);
}

/* "200", "200-299", several separated by spaces or commas. */
static void
u_status_code (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!vipd_kw_nargs (ctx, st, 1, G_MAXUINT))
    return;
  for (guint a = 0; a < st->args->len; a++)
    {
      g_auto (GStrv) parts = g_strsplit (vipd_kw_arg (st, a), ",", -1);

      for (guint p = 0; parts[p]; p++)
        {
          guint64 lo, hi;
          const char *dash = strchr (parts[p], '-');
          g_autofree char *first = dash ? g_strndup (parts[p], dash - parts[p]) : g_strdup (parts[p]);
          VipdStatusRange r;

          if (*parts[p] == '\0')
            continue;
          if (!g_ascii_string_to_unsigned (first, 10, 100, 599, &lo, NULL)
              || !g_ascii_string_to_unsigned (dash ? dash + 1 : first, 10, 100, 599, &hi, NULL)
              || hi < lo)
            {
              vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, a),
                             "status_code \"%s\" is not an HTTP status: write a code from 100 to "
                             "599, or a range such as 200-299",
                             parts[p]);
              continue;
            }
          r.lo = (guint16) lo;
          r.hi = (guint16) hi;
          g_array_append_val (U (t)->status_codes, r);
        }
    }
}

static const VipdKeyword url_keywords[] = {
  { "path", u_path },
  { "digest", u_digest },
  { "status_code", u_status_code },
  { NULL, NULL },
};

/* ---- checkers ---- */

#define C(target) ((VipdChecker *) (target))

static gboolean
for_kinds (VipdParseCtx *ctx, const VipdStmt *st, VipdChecker *c, gboolean http, gboolean misc)
{
  gboolean is_http = c->kind == VIPD_CHECK_HTTP || c->kind == VIPD_CHECK_SSL;
  gboolean ok = (http && is_http) || (misc && c->kind == VIPD_CHECK_MISC)
                || (!http && !misc && c->kind != VIPD_CHECK_MISC);

  if (!ok)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &st->loc,
                   "\"%s\" does not apply to %s, ignored (it belongs in %s)", st->keyword,
                   vipd_check_kind_keyword (c->kind),
                   http ? "HTTP_GET or SSL_GET" : misc ? "MISC_CHECK"
                                                       : "TCP_CHECK, HTTP_GET or SSL_GET");
  return ok;
}

static void
c_connect_ip (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, FALSE) && vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_addr (ctx, st, 0, &C (t)->connect_ip);
}

static void
c_connect_port (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, FALSE) && vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_uint (ctx, st, 0, 65535, &C (t)->connect_port);
}

static void
c_bindto (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, FALSE) && vipd_kw_nargs (ctx, st, 1, 1))
    vipd_kw_addr (ctx, st, 0, &C (t)->bindto);
}

static void
c_connect_timeout (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, FALSE))
    seconds (ctx, st, 3600, &C (t)->connect_timeout_ms);
  C (t)->set |= VIPD_CHECK_SET_CONNECT_TIMEOUT;
}

static void
c_retry (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  count (ctx, st, 1000000, &C (t)->retry);
  C (t)->set |= VIPD_CHECK_SET_RETRY;
}

static void
c_delay_before_retry (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  seconds (ctx, st, 86400, &C (t)->delay_before_retry_ms);
  C (t)->set |= VIPD_CHECK_SET_DELAY_BEFORE_RETRY;
}

static void
c_warmup (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  seconds (ctx, st, 86400, &C (t)->warmup_ms);
  C (t)->set |= VIPD_CHECK_SET_WARMUP;
}

static void
c_delay_loop (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  seconds (ctx, st, 86400, &C (t)->delay_loop_ms);
  C (t)->set |= VIPD_CHECK_SET_DELAY_LOOP;
}

static void
c_url (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  VipdCheckUrl *u;

  if (!for_kinds (ctx, st, t, TRUE, FALSE) || !vipd_kw_block (ctx, st))
    return;
  u = g_new0 (VipdCheckUrl, 1);
  u->loc = st->loc;
  u->status_codes = g_array_new (FALSE, FALSE, sizeof (VipdStatusRange));
  g_ptr_array_add (C (t)->urls, u);
  vipd_kw_dispatch (ctx, url_keywords, "url", st->children, u);
  if (u->path == NULL)
    vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc, "url has no path: add \"path /\"");
}

static void
c_virtualhost (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, TRUE, FALSE))
    vipd_kw_string (ctx, st, &C (t)->virtualhost);
}

static void
c_misc_path (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, TRUE))
    vipd_kw_command (ctx, st, &C (t)->misc_path);
}

static void
c_misc_timeout (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, TRUE))
    seconds (ctx, st, 86400, &C (t)->misc_timeout_ms);
}

static void
c_misc_dynamic (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (for_kinds (ctx, st, t, FALSE, TRUE) && vipd_kw_nargs (ctx, st, 0, 0))
    C (t)->misc_dynamic = TRUE;
}

static void
c_user (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (!for_kinds (ctx, st, t, FALSE, TRUE) || !vipd_kw_nargs (ctx, st, 1, 2))
    return;
  g_free (C (t)->user);
  g_free (C (t)->group);
  C (t)->user = g_strdup (vipd_kw_arg (st, 0));
  C (t)->group = g_strdup (vipd_kw_arg (st, 1));
}

static const VipdKeyword checker_keywords[] = {
  { "connect_ip", c_connect_ip },
  { "connect_port", c_connect_port },
  { "bindto", c_bindto },
  { "connect_timeout", c_connect_timeout },
  { "retry", c_retry },
  { "nb_get_retry", c_retry },
  { "delay_before_retry", c_delay_before_retry },
  { "warmup", c_warmup },
  { "delay_loop", c_delay_loop },
  { "url", c_url },
  { "virtualhost", c_virtualhost },
  { "misc_path", c_misc_path },
  { "misc_timeout", c_misc_timeout },
  { "misc_dynamic", c_misc_dynamic },
  { "user", c_user },
  { "bind_port", vipd_kw_ignored },
  { "bind_if", vipd_kw_ignored },
  { "fwmark", vipd_kw_ignored },
  { "alpha", vipd_kw_ignored },
  { "log_all_failures", vipd_kw_ignored },
  { "enable_sni", vipd_kw_ignored },
  { "tls_compliant", vipd_kw_ignored },
  { "http_protocol", vipd_kw_ignored },
  { NULL, NULL },
};

/* ---- checker settings at virtual_server and real_server level ---- */

/* connect_timeout, retry, delay_before_retry, warmup, delay_loop written above the checkers:
 * defaults for them, applied by vipd_virtual_server_inherit_check_defaults(). */
static void
check_default (VipdParseCtx *ctx, const VipdStmt *st, VipdCheckDefaults *d, const char *level)
{
  guint before = ctx->diags->n_errors;
  guint bit, *field;

  if (strcmp (st->keyword, "connect_timeout") == 0)
    bit = VIPD_CHECK_SET_CONNECT_TIMEOUT, field = &d->connect_timeout_ms;
  else if (strcmp (st->keyword, "retry") == 0)
    bit = VIPD_CHECK_SET_RETRY, field = &d->retry;
  else if (strcmp (st->keyword, "delay_before_retry") == 0)
    bit = VIPD_CHECK_SET_DELAY_BEFORE_RETRY, field = &d->delay_before_retry_ms;
  else if (strcmp (st->keyword, "warmup") == 0)
    bit = VIPD_CHECK_SET_WARMUP, field = &d->warmup_ms;
  else
    bit = VIPD_CHECK_SET_DELAY_LOOP, field = &d->delay_loop_ms;
  if (bit == VIPD_CHECK_SET_RETRY)
    count (ctx, st, 1000000, field);
  else
    seconds (ctx, st, bit == VIPD_CHECK_SET_CONNECT_TIMEOUT ? 3600 : 86400, field);
  if (ctx->diags->n_errors != before)
    return;
  if (*field == 0 && (bit == VIPD_CHECK_SET_CONNECT_TIMEOUT || bit == VIPD_CHECK_SET_DELAY_LOOP))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "%s 0 in %s would %s: write the seconds (e.g. %s 3)", st->keyword, level,
                     bit == VIPD_CHECK_SET_DELAY_LOOP ? "check without pause"
                                                      : "fail every check",
                     st->keyword);
      return;
    }
  d->set |= bit;
}

/* ---- real_server ---- */

#define RS(target) ((VipdRealServer *) (target))

static void
rs_weight (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  count (ctx, st, VIPD_LVS_WEIGHT_MAX, &RS (t)->weight);
}

static void
rs_inhibit (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 0, 0))
    RS (t)->inhibit_on_failure = VIPD_TRISTATE_YES;
}

static void
rs_checker (VipdParseCtx *ctx, const VipdStmt *st, gpointer t, VipdCheckKind kind)
{
  VipdChecker *c;

  if (!vipd_kw_block (ctx, st))
    return;
  c = vipd_checker_new (kind, &st->loc);
  g_ptr_array_add (RS (t)->checkers, c);
  vipd_kw_dispatch (ctx, checker_keywords, st->keyword, st->children, c);
}

static void
rs_tcp (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  rs_checker (ctx, st, t, VIPD_CHECK_TCP);
}

static void
rs_http (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  rs_checker (ctx, st, t, VIPD_CHECK_HTTP);
}

static void
rs_ssl (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  rs_checker (ctx, st, t, VIPD_CHECK_SSL);
}

static void
rs_misc (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  rs_checker (ctx, st, t, VIPD_CHECK_MISC);
}

static void
rs_check_default (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  check_default (ctx, st, &RS (t)->check_defaults, "real_server");
}

static void
rs_virtualhost (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &RS (t)->virtualhost);
}

static const VipdKeyword real_server_keywords[] = {
  { "weight", rs_weight },
  { "inhibit_on_failure", rs_inhibit },
  VIPD_KW_FIELD ("notify_up", VIPD_KW_COMMAND, VipdRealServer, notify_up),
  VIPD_KW_FIELD ("notify_down", VIPD_KW_COMMAND, VipdRealServer, notify_down),
  { "TCP_CHECK", rs_tcp },
  { "HTTP_GET", rs_http },
  { "SSL_GET", rs_ssl },
  { "MISC_CHECK", rs_misc },
  { "connect_timeout", rs_check_default },
  { "retry", rs_check_default },
  { "delay_before_retry", rs_check_default },
  { "warmup", rs_check_default },
  { "delay_loop", rs_check_default },
  { "virtualhost", rs_virtualhost },
  { "uthreshold", vipd_kw_ignored },
  { "lthreshold", vipd_kw_ignored },
  { "SMTP_CHECK", vipd_kw_ignored },
  { "DNS_CHECK", vipd_kw_ignored },
  { "UDP_CHECK", vipd_kw_ignored },
  { "PING_CHECK", vipd_kw_ignored },
  { "FILE_CHECK", vipd_kw_ignored },
  { "BFD_CHECK", vipd_kw_ignored },
  { "smtp_alert", vipd_kw_ignored },
  { NULL, NULL },
};

/* ---- virtual_server ---- */

#define VS(target) ((VipdVirtualServer *) (target))

static void
vs_delay_loop (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  seconds (ctx, st, 86400, &VS (t)->delay_loop_ms);
}

static void
vs_lb_algo (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &VS (t)->lb_algo);
  VS (t)->lb_algo_loc = *vipd_kw_arg_loc (st, 0);
}

/* NAT, DR or TUN (keepalived's tunnel type options after TUN are not supported). */
static gboolean
parse_lb_kind (VipdParseCtx *ctx, const VipdStmt *st, VipdLbKind *out)
{
  const char *k;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return FALSE;
  k = vipd_kw_arg (st, 0);
  if (g_ascii_strcasecmp (k, "NAT") == 0)
    *out = VIPD_LB_NAT;
  else if (g_ascii_strcasecmp (k, "DR") == 0)
    *out = VIPD_LB_DR;
  else if (g_ascii_strcasecmp (k, "TUN") == 0)
    *out = VIPD_LB_TUN;
  else
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "%s \"%s\" is not a forwarding method: write NAT, DR or TUN", st->keyword, k);
      return FALSE;
    }
  return TRUE;
}

static void
vs_lb_kind (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  parse_lb_kind (ctx, st, &VS (t)->lb_kind);
}

static void
vs_protocol (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *p;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  p = vipd_kw_arg (st, 0);
  if (g_ascii_strcasecmp (p, "TCP") == 0)
    VS (t)->protocol = IPPROTO_TCP;
  else if (g_ascii_strcasecmp (p, "UDP") == 0)
    VS (t)->protocol = IPPROTO_UDP;
  else if (g_ascii_strcasecmp (p, "SCTP") == 0)
    VS (t)->protocol = IPPROTO_SCTP;
  else
    vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                   "protocol \"%s\" is not supported: write TCP, UDP or SCTP", p);
}

static void
vs_persistence_timeout (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  /* keepalived takes a bare keyword as its default of 6 minutes. */
  if (st->args->len == 0 && st->children == NULL)
    VS (t)->persistence_timeout = 360;
  else
    count (ctx, st, G_MAXINT32, &VS (t)->persistence_timeout);
}

static void
vs_persistence_granularity (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  const char *text;
  guint64 prefix;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  text = vipd_kw_arg (st, 0);
  VS (t)->granularity_loc = *vipd_kw_arg_loc (st, 0);
  if (g_ascii_string_to_unsigned (text, 10, 0, 128, &prefix, NULL))
    {
      VS (t)->has_granularity = TRUE;
      VS (t)->granularity_prefix = (guint) prefix;
      memset (&VS (t)->granularity, 0, sizeof VS (t)->granularity);
      return;
    }
  if (!vipd_kw_addr (ctx, st, 0, &VS (t)->granularity))
    return;
  if (VS (t)->granularity.family != AF_INET)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "persistence_granularity \"%s\": write an IPv4 netmask (255.255.255.0) or "
                     "a prefix length (24, or 64 for IPv6)",
                     text);
      return;
    }
  {
    guint32 mask = ((guint32) VS (t)->granularity.v4[0] << 24) | ((guint32) VS (t)->granularity.v4[1] << 16)
                   | ((guint32) VS (t)->granularity.v4[2] << 8) | VS (t)->granularity.v4[3];
    guint len = 0;

    while (len < 32 && (mask & (0x80000000u >> len)))
      len++;
    if (len < 32 && (mask << len) != 0)
      {
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                       "persistence_granularity %s is not a netmask: its one bits must come "
                       "first (e.g. 255.255.255.0)",
                       text);
        return;
      }
    VS (t)->has_granularity = TRUE;
    VS (t)->granularity_prefix = len;
  }
}

static void
vs_sorry_server (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  if (vipd_kw_nargs (ctx, st, 2, 2) && addr_port (ctx, st, 0, &VS (t)->sorry_addr, &VS (t)->sorry_port))
    VS (t)->sorry_loc = st->loc;
}

static void
vs_quorum (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  count (ctx, st, G_MAXINT32, &VS (t)->quorum);
}

static void
vs_hysteresis (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  count (ctx, st, G_MAXINT32, &VS (t)->hysteresis);
}

static void
vs_virtualhost (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  vipd_kw_string (ctx, st, &VS (t)->virtualhost);
}

static void
vs_real_server (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  VipdRealServer *rs;

  if (!vipd_kw_block (ctx, st))
    return;
  rs = vipd_real_server_new (&st->loc);
  if (st->args->len == 0 || !addr_port (ctx, st, 0, &rs->addr, &rs->port))
    {
      if (st->args->len == 0)
        vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                       "real_server needs an address and a port: \"real_server IP PORT {\"");
      vipd_real_server_free (rs);
      return;
    }
  if (st->args->len > 2)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (st, 2),
                   "extra argument \"%s\" after real_server IP PORT ignored", vipd_kw_arg (st, 2));
  g_ptr_array_add (VS (t)->real_servers, rs);
  vipd_kw_dispatch (ctx, real_server_keywords, "real_server", st->children, rs);
}

static void
vs_check_default (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  check_default (ctx, st, &VS (t)->check_defaults, "virtual_server");
}

static void
vs_sorry_lb_kind (VipdParseCtx *ctx, const VipdStmt *st, gpointer t)
{
  VipdLbKind kind;

  if (parse_lb_kind (ctx, st, &kind))
    {
      VS (t)->sorry_lb_kind = kind;
      VS (t)->has_sorry_lb_kind = TRUE;
    }
}

static const VipdKeyword virtual_server_keywords[] = {
  { "delay_loop", vs_delay_loop },
  { "lb_algo", vs_lb_algo },
  { "lvs_sched", vs_lb_algo },
  { "lb_kind", vs_lb_kind },
  { "lvs_method", vs_lb_kind },
  { "protocol", vs_protocol },
  { "persistence_timeout", vs_persistence_timeout },
  { "persistence_granularity", vs_persistence_granularity },
  { "sorry_server", vs_sorry_server },
  VIPD_KW_FIELD ("sorry_server_inhibit", VIPD_KW_FLAG, VipdVirtualServer, sorry_server_inhibit),
  { "quorum", vs_quorum },
  { "hysteresis", vs_hysteresis },
  VIPD_KW_FIELD ("quorum_up", VIPD_KW_COMMAND, VipdVirtualServer, quorum_up),
  VIPD_KW_FIELD ("quorum_down", VIPD_KW_COMMAND, VipdVirtualServer, quorum_down),
  VIPD_KW_FIELD ("inhibit_on_failure", VIPD_KW_FLAG, VipdVirtualServer, inhibit_on_failure),
  VIPD_KW_FIELD ("alpha", VIPD_KW_FLAG, VipdVirtualServer, alpha),
  VIPD_KW_FIELD ("omega", VIPD_KW_FLAG, VipdVirtualServer, omega),
  { "virtualhost", vs_virtualhost },
  { "real_server", vs_real_server },
  { "ha_suspend", vipd_kw_ignored },
  { "ops", vipd_kw_ignored },
  { "nat_mask", vipd_kw_ignored },
  { "smtp_alert", vipd_kw_ignored },
  { "sorry_server_lvs_method", vs_sorry_lb_kind },
  { "connect_timeout", vs_check_default },
  { "retry", vs_check_default },
  { "delay_before_retry", vs_check_default },
  { "warmup", vs_check_default },
  { "ip_family", vipd_kw_ignored },
  { "lb_flags", vipd_kw_ignored },
  { "lvs_flags", vipd_kw_ignored },
  { NULL, NULL },
};

void
vipd_kw_virtual_server (VipdParseCtx *ctx, const VipdStmt *st, gpointer target)
{
  VipdVirtualServer *vs;
  const char *first;

  if (!vipd_kw_block (ctx, st))
    return;
  vs = vipd_virtual_server_new (&st->loc);
  first = vipd_kw_arg (st, 0);
  if (first == NULL)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                     "virtual_server needs what it serves: \"virtual_server IP PORT {\", "
                     "\"virtual_server fwmark N {\" or \"virtual_server group NAME {\"");
      vipd_virtual_server_free (vs);
      return;
    }
  if (strcmp (first, "fwmark") == 0)
    {
      gint64 mark;

      vs->kind = VIPD_VS_FWMARK;
      if (!vipd_kw_int (ctx, st, 1, 1, G_MAXUINT32, &mark))
        {
          if (st->args->len < 2)
            vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                           "virtual_server fwmark needs the mark: \"virtual_server fwmark 7 {\"");
          vipd_virtual_server_free (vs);
          return;
        }
      vs->fwmark = (guint32) mark;
    }
  else if (strcmp (first, "group") == 0)
    {
      vs->kind = VIPD_VS_GROUP;
      if (vipd_kw_arg (st, 1) == NULL)
        {
          vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                         "virtual_server group needs the name of a virtual_server_group: "
                         "\"virtual_server group NAME {\"");
          vipd_virtual_server_free (vs);
          return;
        }
      vs->group = g_strdup (vipd_kw_arg (st, 1));
    }
  else
    {
      vs->kind = VIPD_VS_ADDR;
      if (!addr_port (ctx, st, 0, &vs->addr, &vs->port))
        {
          vipd_virtual_server_free (vs);
          return;
        }
    }
  if (st->args->len > 2)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (st, 2),
                   "extra argument \"%s\" after virtual_server %s %s ignored", vipd_kw_arg (st, 2),
                   vipd_kw_arg (st, 0), vipd_kw_arg (st, 1));
  g_ptr_array_add (ctx->config->virtual_servers, vs);
  vipd_kw_dispatch (ctx, virtual_server_keywords, "virtual_server", st->children, vs);
  vipd_virtual_server_inherit_check_defaults (vs);
}

/* ---- virtual_server_group ---- */

static gboolean
parse_range (const char *text, VipdAddr *addr, guint *end)
{
  const char *dash = strrchr (text, '-');
  g_autofree char *base = NULL;
  guint64 last;

  if (dash == NULL)
    return FALSE;
  base = g_strndup (text, dash - text);
  if (!vipd_addr_parse (base, addr))
    return FALSE;
  if (addr->family == AF_INET)
    {
      if (!g_ascii_string_to_unsigned (dash + 1, 10, addr->v4[3], 255, &last, NULL))
        return FALSE;
    }
  else if (!g_ascii_string_to_unsigned (dash + 1, 16,
                                        ((guint) addr->v6[14] << 8) | addr->v6[15], 0xffff,
                                        &last, NULL))
    return FALSE;
  *end = (guint) last;
  return TRUE;
}

void
vipd_kw_virtual_server_group (VipdParseCtx *ctx, const VipdStmt *st, gpointer target)
{
  VipdVsGroup *g;

  if (!vipd_kw_block (ctx, st))
    return;
  if (st->args->len < 1)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                     "virtual_server_group needs a name: \"virtual_server_group NAME {\"");
      return;
    }
  g = vipd_vs_group_new (vipd_kw_arg (st, 0), &st->loc);
  g_ptr_array_add (ctx->config->vs_groups, g);
  for (guint i = 0; i < st->children->len; i++)
    {
      const VipdStmt *line = g_ptr_array_index (st->children, i);
      VipdVsgEntry e = { .loc = line->loc };
      const char *port = vipd_kw_arg (line, 0);
      guint64 value;

      if (strcmp (line->keyword, "fwmark") == 0)
        {
          e.kind = VIPD_VSG_FWMARK;
          if (port == NULL || !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT32, &value, NULL))
            {
              vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &line->loc,
                             "fwmark in virtual_server_group %s needs a mark from 1 to %u: "
                             "\"fwmark 7\"",
                             g->name, G_MAXUINT32);
              continue;
            }
          e.fwmark = (guint32) value;
        }
      else
        {
          if (vipd_addr_parse (line->keyword, &e.addr))
            e.kind = VIPD_VSG_ADDR;
          else if (parse_range (line->keyword, &e.addr, &e.range_end))
            e.kind = VIPD_VSG_RANGE;
          else
            {
              vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &line->loc,
                             "\"%s\" in virtual_server_group %s is not an address, a range "
                             "(192.0.2.1-10) or \"fwmark N\"",
                             line->keyword, g->name);
              continue;
            }
          if (port == NULL || !g_ascii_string_to_unsigned (port, 10, 0, 65535, &value, NULL))
            {
              vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &line->loc,
                             "%s in virtual_server_group %s needs a port from 0 to 65535: "
                             "\"%s 80\"",
                             line->keyword, g->name, line->keyword);
              continue;
            }
          e.port = (guint) value;
        }
      if (line->args->len > 1)
        vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (line, 1),
                       "extra argument \"%s\" ignored", vipd_kw_arg (line, 1));
      g_ptr_array_add (g->entries, g_memdup2 (&e, sizeof e));
    }
}
