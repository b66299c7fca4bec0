/* config-lvs-check.c — semantic checks of virtual servers: names, references, families,
 * schedulers, duplicates and checker settings, each error at its file:line with the fix. */
#include "config-private.h"

#include <netinet/in.h>
#include <string.h>

/* The IPVS schedulers of Linux (net/netfilter/ipvs/ip_vs_*.c). */
static const char *const schedulers[] = {
  "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos",
  NULL,
};

static void
err (VipdDiagList *d, const VipdLoc *loc, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
err (VipdDiagList *d, const VipdLoc *loc, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vipd_diag_addv (d, VIPD_DIAG_ERROR, loc, fmt, args);
  va_end (args);
}

static void
warn (VipdDiagList *d, const VipdLoc *loc, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
warn (VipdDiagList *d, const VipdLoc *loc, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vipd_diag_addv (d, VIPD_DIAG_WARNING, loc, fmt, args);
  va_end (args);
}

static char *
vs_name (const VipdVirtualServer *vs)
{
  g_autofree char *proto = g_ascii_strdown (vipd_lvs_protocol_name (vs->protocol), -1);

  switch (vs->kind)
    {
    case VIPD_VS_FWMARK:
      return g_strdup_printf ("fwmark:%u/%s", vs->fwmark, proto);
    case VIPD_VS_GROUP:
      return g_strdup_printf ("group:%s/%s", vs->group, proto);
    case VIPD_VS_ADDR:
      break;
    }
  {
    g_autofree char *ep = vipd_lvs_endpoint_name (&vs->addr, vs->port);

    return g_strdup_printf ("%s/%s", ep, proto);
  }
}

/* The address family the virtual server serves: its address, its group's first address, or
 * (fwmark) its first real server's; AF_UNSPEC when nothing says. */
static int
vs_family (const VipdConfig *config, const VipdVirtualServer *vs)
{
  if (vs->kind == VIPD_VS_ADDR)
    return vs->addr.family;
  if (vs->kind == VIPD_VS_GROUP)
    {
      const VipdVsGroup *g = vipd_config_find_vs_group (config, vs->group);

      for (guint i = 0; g && i < g->entries->len; i++)
        {
          const VipdVsgEntry *e = g_ptr_array_index (g->entries, i);

          if (e->kind != VIPD_VSG_FWMARK)
            return e->addr.family;
        }
    }
  for (guint i = 0; i < vs->real_servers->len; i++)
    return ((VipdRealServer *) g_ptr_array_index (vs->real_servers, i))->addr.family;
  return AF_UNSPEC;
}

static void
check_checker (VipdDiagList *d, const VipdVirtualServer *vs, const VipdRealServer *rs,
               const VipdChecker *c)
{
  const char *kw = vipd_check_kind_keyword (c->kind);

  if (c->kind != VIPD_CHECK_MISC && c->connect_timeout_ms == 0)
    err (d, &c->loc, "%s: connect_timeout 0 would fail every check: write a timeout in seconds "
                     "(e.g. connect_timeout 3)",
         kw);
  if ((c->kind == VIPD_CHECK_HTTP || c->kind == VIPD_CHECK_SSL) && c->urls->len == 0)
    err (d, &c->loc, "%s has no url: add \"url { path / }\"", kw);
  if (c->kind == VIPD_CHECK_MISC && c->misc_path.command == NULL)
    err (d, &c->loc, "MISC_CHECK has no misc_path: add \"misc_path /path/to/check.sh\"");
  if (vipd_addr_is_set (&c->connect_ip) && vipd_addr_is_set (&c->bindto)
      && c->connect_ip.family != c->bindto.family)
    err (d, &c->loc, "%s: bindto and connect_ip are of different address families", kw);
  else if (vipd_addr_is_set (&c->bindto) && !vipd_addr_is_set (&c->connect_ip)
           && c->bindto.family != rs->addr.family)
    err (d, &c->loc, "%s: bindto is %s but the real server is %s: bind to an address of the "
                     "real server's family",
         kw, c->bindto.family == AF_INET ? "IPv4" : "IPv6",
         rs->addr.family == AF_INET ? "IPv4" : "IPv6");
  if ((c->delay_loop_ms ? c->delay_loop_ms : vs->delay_loop_ms) == 0)
    err (d, &c->loc, "%s: delay_loop 0 would check without pause: write the seconds between "
                     "checks",
         kw);
}

static void
check_real_servers (VipdDiagList *d, const VipdConfig *config, VipdVirtualServer *vs, int family)
{
  guint64 total = 0;

  for (guint r = 0; r < vs->real_servers->len; r++)
    {
      VipdRealServer *rs = g_ptr_array_index (vs->real_servers, r);

      total += rs->weight;
      for (guint p = 0; p < r; p++)
        {
          VipdRealServer *prev = g_ptr_array_index (vs->real_servers, p);

          if (vipd_addr_equal (&prev->addr, &rs->addr) && prev->port == rs->port)
            {
              g_autofree char *where = vipd_loc_format (&prev->loc);
              g_autofree char *ep = vipd_lvs_endpoint_name (&rs->addr, rs->port);

              err (d, &rs->loc, "real_server %s is already in this virtual_server (at %s): "
                                "remove one of them",
                   ep, where);
              break;
            }
        }
      if (family != AF_UNSPEC && rs->addr.family != family && vs->lb_kind != VIPD_LB_TUN)
        err (d, &rs->loc, "real_server is %s but virtual_server %s is %s: IPVS mixes families "
                          "only with lb_kind TUN",
             rs->addr.family == AF_INET ? "IPv4" : "IPv6", vs->name,
             family == AF_INET ? "IPv4" : "IPv6");
      if (vs->kind == VIPD_VS_ADDR && rs->port == 0 && vs->lb_kind == VIPD_LB_NAT)
        err (d, &rs->loc, "real_server port 0 with lb_kind NAT: write the port the real server "
                          "listens on");
      for (guint c = 0; c < rs->checkers->len; c++)
        check_checker (d, vs, rs, g_ptr_array_index (rs->checkers, c));
      if (rs->checkers->len > 1)
        warn (d, &rs->loc, "real_server has %u checkers: it is up only while all of them "
                           "succeed",
              rs->checkers->len);
    }
  if (vs->real_servers->len == 0)
    warn (d, &vs->loc, "virtual_server %s has no real_server: only its sorry_server (if any) "
                       "will serve it",
          vs->name);
  else if (vs->quorum > total)
    warn (d, &vs->loc, "quorum %u of virtual_server %s is more than the weight of all its real "
                       "servers (%" G_GUINT64_FORMAT "): the quorum can never be reached",
          vs->quorum, vs->name, total);
  (void) config;
}

static void
check_vs_group (VipdDiagList *d, const VipdVsGroup *g)
{
  for (guint i = 0; i < g->entries->len; i++)
    {
      const VipdVsgEntry *e = g_ptr_array_index (g->entries, i);

      if (e->kind == VIPD_VSG_RANGE && e->range_end - (e->addr.family == AF_INET
                                                           ? e->addr.v4[3]
                                                           : (((guint) e->addr.v6[14] << 8) | e->addr.v6[15]))
                                           > 255)
        err (d, &e->loc, "range in virtual_server_group %s spans more than 256 addresses: "
                         "split it",
             g->name);
    }
}

void
vipd_config_validate_lvs (VipdConfig *config, VipdDiagList *d)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < config->vs_groups->len; i++)
    {
      VipdVsGroup *g = g_ptr_array_index (config->vs_groups, i);
      VipdVsGroup *first = vipd_config_find_vs_group (config, g->name);

      if (first != g)
        {
          g_autofree char *where = vipd_loc_format (&first->loc);

          err (d, &g->loc, "virtual_server_group \"%s\" is already defined at %s: rename one",
               g->name, where);
        }
      check_vs_group (d, g);
    }
  for (guint i = 0; i < config->virtual_servers->len; i++)
    {
      VipdVirtualServer *vs = g_ptr_array_index (config->virtual_servers, i);
      const VipdVirtualServer *prev;
      int family;

      g_free (vs->name);
      vs->name = vs_name (vs);
      prev = g_hash_table_lookup (names, vs->name);
      if (prev)
        {
          g_autofree char *where = vipd_loc_format (&prev->loc);

          err (d, &vs->loc, "virtual_server %s is already defined at %s: merge the two blocks",
               vs->name, where);
        }
      else
        g_hash_table_insert (names, vs->name, vs);
      if (vs->kind == VIPD_VS_GROUP && vipd_config_find_vs_group (config, vs->group) == NULL)
        {
          const char *hint;
          g_autoptr (GPtrArray) all = g_ptr_array_new ();

          for (guint k = 0; k < config->vs_groups->len; k++)
            g_ptr_array_add (all, ((VipdVsGroup *) g_ptr_array_index (config->vs_groups, k))->name);
          g_ptr_array_add (all, NULL);
          hint = vipd_suggest (vs->group, (const char *const *) all->pdata);
          if (hint)
            err (d, &vs->loc, "virtual_server group \"%s\" is not defined — did you mean \"%s\"?",
                 vs->group, hint);
          else
            err (d, &vs->loc, "virtual_server group \"%s\" is not defined: add "
                              "\"virtual_server_group %s { IP PORT }\"",
                 vs->group, vs->group);
        }
      if (vs->lb_algo && !g_strv_contains (schedulers, vs->lb_algo))
        {
          const char *hint = vipd_suggest (vs->lb_algo, schedulers);

          if (hint)
            err (d, &vs->lb_algo_loc, "lb_algo \"%s\" is not an IPVS scheduler — did you mean "
                                      "\"%s\"?",
                 vs->lb_algo, hint);
          else
            err (d, &vs->lb_algo_loc, "lb_algo \"%s\" is not an IPVS scheduler: write one of rr "
                                      "wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos",
                 vs->lb_algo);
        }
      family = vs_family (config, vs);
      if (vs->has_granularity && vs->persistence_timeout == 0)
        warn (d, &vs->granularity_loc, "persistence_granularity without persistence_timeout has "
                                       "no effect: add \"persistence_timeout 300\"");
      if (vs->has_granularity && vs->granularity.family == AF_INET && family == AF_INET6)
        err (d, &vs->granularity_loc, "persistence_granularity is an IPv4 netmask but virtual_"
                                      "server %s is IPv6: write a prefix length (e.g. 64)",
             vs->name);
      if (vs->has_granularity && vs->granularity_prefix > 32 && family != AF_INET6)
        err (d, &vs->granularity_loc, "persistence_granularity /%u is longer than an IPv4 "
                                      "address: write 0 to 32",
             vs->granularity_prefix);
      if (vipd_addr_is_set (&vs->sorry_addr) && family != AF_UNSPEC
          && vs->sorry_addr.family != family && vs->lb_kind != VIPD_LB_TUN)
        err (d, &vs->sorry_loc, "sorry_server is %s but virtual_server %s is %s",
             vs->sorry_addr.family == AF_INET ? "IPv4" : "IPv6", vs->name,
             family == AF_INET ? "IPv4" : "IPv6");
      if (vs->sorry_server_inhibit && !vipd_addr_is_set (&vs->sorry_addr))
        warn (d, &vs->loc, "sorry_server_inhibit without a sorry_server has no effect");
      if (vs->protocol == IPPROTO_UDP)
        for (guint r = 0; r < vs->real_servers->len; r++)
          {
            VipdRealServer *rs = g_ptr_array_index (vs->real_servers, r);

            for (guint c = 0; c < rs->checkers->len; c++)
              {
                VipdChecker *ck = g_ptr_array_index (rs->checkers, c);

                if (ck->kind != VIPD_CHECK_MISC)
                  warn (d, &ck->loc, "%s checks TCP but virtual_server %s is UDP: the check "
                                     "needs a TCP service on the real server (or use MISC_CHECK)",
                        vipd_check_kind_keyword (ck->kind), vs->name);
              }
          }
      check_real_servers (d, config, vs, family);
    }
}
