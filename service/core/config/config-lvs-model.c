/* config-lvs-model.c — constructors, names and the dump of the LVS half of the model. */
#include "config-private.h"

#include <netinet/in.h>
#include <string.h>

static void
url_free (gpointer p)
{
  VipdCheckUrl *u = p;

  g_free (u->path);
  g_free (u->digest);
  g_array_unref (u->status_codes);
  g_free (u);
}

static void
checker_free (gpointer p)
{
  VipdChecker *c = p;

  g_ptr_array_unref (c->urls);
  g_free (c->virtualhost);
  g_free (c->misc_path.command);
  g_free (c->user);
  g_free (c->group);
  g_free (c);
}

VipdChecker *
vipd_checker_new (VipdCheckKind kind, const VipdLoc *loc)
{
  VipdChecker *c = g_new0 (VipdChecker, 1);

  c->loc = *loc;
  c->kind = kind;
  c->connect_timeout_ms = VIPD_LVS_CONNECT_TIMEOUT_MS;
  c->retry = kind == VIPD_CHECK_MISC ? VIPD_LVS_MISC_RETRY : VIPD_LVS_RETRY;
  c->delay_before_retry_ms = kind == VIPD_CHECK_HTTP || kind == VIPD_CHECK_SSL
                                 ? VIPD_LVS_HTTP_DELAY_BEFORE_RETRY_MS
                                 : VIPD_LVS_DELAY_BEFORE_RETRY_MS;
  c->urls = g_ptr_array_new_with_free_func (url_free);
  return c;
}

VipdRealServer *
vipd_real_server_new (const VipdLoc *loc)
{
  VipdRealServer *rs = g_new0 (VipdRealServer, 1);

  rs->loc = *loc;
  rs->weight = 1;
  rs->inhibit_on_failure = VIPD_TRISTATE_UNSET;
  rs->checkers = g_ptr_array_new_with_free_func (checker_free);
  return rs;
}

void
vipd_real_server_free (gpointer p)
{
  VipdRealServer *rs = p;

  g_free (rs->notify_up.command);
  g_free (rs->notify_down.command);
  g_free (rs->virtualhost);
  g_ptr_array_unref (rs->checkers);
  g_free (rs);
}

VipdVirtualServer *
vipd_virtual_server_new (const VipdLoc *loc)
{
  VipdVirtualServer *vs = g_new0 (VipdVirtualServer, 1);

  vs->loc = *loc;
  vs->delay_loop_ms = VIPD_LVS_DELAY_LOOP_MS;
  vs->lb_kind = VIPD_LB_NAT;
  vs->protocol = IPPROTO_TCP;
  vs->quorum = 1;
  vs->real_servers = g_ptr_array_new_with_free_func (vipd_real_server_free);
  return vs;
}

void
vipd_virtual_server_free (gpointer p)
{
  VipdVirtualServer *vs = p;

  g_free (vs->group);
  g_free (vs->name);
  g_free (vs->lb_algo);
  g_free (vs->quorum_up.command);
  g_free (vs->quorum_down.command);
  g_free (vs->virtualhost);
  g_ptr_array_unref (vs->real_servers);
  g_free (vs);
}

void
vipd_virtual_server_inherit_check_defaults (VipdVirtualServer *vs)
{
  for (guint r = 0; r < vs->real_servers->len; r++)
    {
      VipdRealServer *rs = g_ptr_array_index (vs->real_servers, r);

      for (guint i = 0; i < rs->checkers->len; i++)
        {
          VipdChecker *c = g_ptr_array_index (rs->checkers, i);
          /* The nearest level that wrote a setting gives it. */
          const VipdCheckDefaults *levels[] = { &rs->check_defaults, &vs->check_defaults };

          for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
            {
              const VipdCheckDefaults *d = levels[l];
              guint take = d->set & ~c->set;

              /* MISC_CHECK has misc_timeout, not connect_timeout. */
              if (c->kind == VIPD_CHECK_MISC)
                take &= ~(guint) VIPD_CHECK_SET_CONNECT_TIMEOUT;
              if (take & VIPD_CHECK_SET_CONNECT_TIMEOUT)
                c->connect_timeout_ms = d->connect_timeout_ms;
              if (take & VIPD_CHECK_SET_RETRY)
                c->retry = d->retry;
              if (take & VIPD_CHECK_SET_DELAY_BEFORE_RETRY)
                c->delay_before_retry_ms = d->delay_before_retry_ms;
              if (take & VIPD_CHECK_SET_WARMUP)
                c->warmup_ms = d->warmup_ms;
              if (take & VIPD_CHECK_SET_DELAY_LOOP)
                c->delay_loop_ms = d->delay_loop_ms;
              c->set |= take;
            }
          if (c->virtualhost == NULL && rs->virtualhost
              && (c->kind == VIPD_CHECK_HTTP || c->kind == VIPD_CHECK_SSL))
            c->virtualhost = g_strdup (rs->virtualhost);
        }
    }
}

VipdLbKind
vipd_virtual_server_sorry_lb_kind (const VipdVirtualServer *vs)
{
  return vs->has_sorry_lb_kind ? vs->sorry_lb_kind : vs->lb_kind;
}

VipdVsGroup *
vipd_vs_group_new (const char *name, const VipdLoc *loc)
{
  VipdVsGroup *g = g_new0 (VipdVsGroup, 1);

  g->loc = *loc;
  g->name = g_strdup (name);
  g->entries = g_ptr_array_new_with_free_func (g_free);
  return g;
}

void
vipd_vs_group_free (gpointer p)
{
  VipdVsGroup *g = p;

  g_free (g->name);
  g_ptr_array_unref (g->entries);
  g_free (g);
}

VipdVirtualServer *
vipd_config_find_virtual_server (const VipdConfig *config, const char *name)
{
  for (guint i = 0; i < config->virtual_servers->len; i++)
    {
      VipdVirtualServer *vs = g_ptr_array_index (config->virtual_servers, i);

      if (g_strcmp0 (vs->name, name) == 0)
        return vs;
    }
  return NULL;
}

const char *
vipd_check_kind_keyword (VipdCheckKind kind)
{
  switch (kind)
    {
    case VIPD_CHECK_TCP:
      return "TCP_CHECK";
    case VIPD_CHECK_HTTP:
      return "HTTP_GET";
    case VIPD_CHECK_SSL:
      return "SSL_GET";
    case VIPD_CHECK_MISC:
      return "MISC_CHECK";
    }
  return "?";
}

const char *
vipd_lb_kind_name (VipdLbKind kind)
{
  return kind == VIPD_LB_DR ? "DR" : kind == VIPD_LB_TUN ? "TUN" : "NAT";
}

const char *
vipd_lvs_protocol_name (guint16 protocol)
{
  return protocol == IPPROTO_UDP ? "UDP" : protocol == IPPROTO_SCTP ? "SCTP" : "TCP";
}

char *
vipd_lvs_endpoint_name (const VipdAddr *addr, guint port)
{
  char buf[VIPD_ADDR_STRLEN];

  vipd_addr_format (addr, buf, sizeof buf);
  return addr->family == AF_INET6 ? g_strdup_printf ("[%s]:%u", buf, port)
                                  : g_strdup_printf ("%s:%u", buf, port);
}

gboolean
vipd_real_server_inhibit (const VipdVirtualServer *vs, const VipdRealServer *rs)
{
  return rs->inhibit_on_failure == VIPD_TRISTATE_UNSET ? vs->inhibit_on_failure
                                                       : rs->inhibit_on_failure == VIPD_TRISTATE_YES;
}

/* ---- dump ---- */

static void
dump_checker (GString *s, guint indent, const VipdChecker *c)
{
  vipd_dump_line (s, indent, "%s {", vipd_check_kind_keyword (c->kind));
  if (c->kind != VIPD_CHECK_MISC)
    {
      vipd_dump_line_addr (s, indent + 1, "connect_ip", &c->connect_ip);
      if (c->connect_port)
        vipd_dump_line (s, indent + 1, "connect_port %u", c->connect_port);
      vipd_dump_line_addr (s, indent + 1, "bindto", &c->bindto);
      vipd_dump_line_seconds (s, indent + 1, "connect_timeout", c->connect_timeout_ms);
    }
  vipd_dump_line (s, indent + 1, "retry %u", c->retry);
  vipd_dump_line_seconds (s, indent + 1, "delay_before_retry", c->delay_before_retry_ms);
  if (c->warmup_ms)
    vipd_dump_line_seconds (s, indent + 1, "warmup", c->warmup_ms);
  if (c->delay_loop_ms)
    vipd_dump_line_seconds (s, indent + 1, "delay_loop", c->delay_loop_ms);
  if (c->virtualhost)
    vipd_dump_line (s, indent + 1, "virtualhost %s", c->virtualhost);
  for (guint i = 0; i < c->urls->len; i++)
    {
      const VipdCheckUrl *u = g_ptr_array_index (c->urls, i);

      vipd_dump_line (s, indent + 1, "url {");
      vipd_dump_line (s, indent + 2, "path %s", u->path ? u->path : "(none)");
      if (u->digest)
        vipd_dump_line (s, indent + 2, "digest %s", u->digest);
      if (u->status_codes->len > 0)
        {
          GString *codes = g_string_new (NULL);

          for (guint k = 0; k < u->status_codes->len; k++)
            {
              VipdStatusRange r = g_array_index (u->status_codes, VipdStatusRange, k);

              g_string_append_printf (codes, k ? " %u" : "%u", r.lo);
              if (r.hi != r.lo)
                g_string_append_printf (codes, "-%u", r.hi);
            }
          vipd_dump_line (s, indent + 2, "status_code %s", codes->str);
          g_string_free (codes, TRUE);
        }
      vipd_dump_line (s, indent + 1, "}");
    }
  if (c->kind == VIPD_CHECK_MISC)
    {
      if (c->misc_path.command)
        vipd_dump_line (s, indent + 1, "misc_path \"%s\"", c->misc_path.command);
      if (c->misc_timeout_ms)
        vipd_dump_line_seconds (s, indent + 1, "misc_timeout", c->misc_timeout_ms);
      if (c->misc_dynamic)
        vipd_dump_line (s, indent + 1, "misc_dynamic");
      if (c->user)
        vipd_dump_line (s, indent + 1, "user %s%s%s", c->user, c->group ? " " : "", c->group ? c->group : "");
    }
  vipd_dump_line (s, indent, "}");
}

char *
vipd_real_server_check_fingerprint (const VipdVirtualServer *vs, const VipdRealServer *rs)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "delay_loop %u alpha %d\n", vs->delay_loop_ms, vs->alpha);
  for (guint i = 0; i < rs->checkers->len; i++)
    dump_checker (s, 0, g_ptr_array_index (rs->checkers, i));
  return g_string_free (s, FALSE);
}

void
vipd_config_dump_lvs (GString *s, const VipdConfig *config)
{
  char buf[VIPD_ADDR_STRLEN];

  for (guint i = 0; i < config->vs_groups->len; i++)
    {
      const VipdVsGroup *g = g_ptr_array_index (config->vs_groups, i);

      vipd_dump_line (s, 0, "virtual_server_group %s {", g->name);
      for (guint e = 0; e < g->entries->len; e++)
        {
          const VipdVsgEntry *en = g_ptr_array_index (g->entries, e);

          if (en->kind == VIPD_VSG_FWMARK)
            vipd_dump_line (s, 1, "fwmark %u", en->fwmark);
          else if (en->kind == VIPD_VSG_RANGE)
            vipd_dump_line (s, 1, en->addr.family == AF_INET ? "%s-%u %u" : "%s-%x %u",
                  vipd_addr_format (&en->addr, buf, sizeof buf), en->range_end, en->port);
          else
            vipd_dump_line (s, 1, "%s %u", vipd_addr_format (&en->addr, buf, sizeof buf), en->port);
        }
      vipd_dump_line (s, 0, "}");
    }
  for (guint i = 0; i < config->virtual_servers->len; i++)
    {
      const VipdVirtualServer *vs = g_ptr_array_index (config->virtual_servers, i);

      if (vs->kind == VIPD_VS_FWMARK)
        vipd_dump_line (s, 0, "virtual_server fwmark %u {  # %s", vs->fwmark, vs->name);
      else if (vs->kind == VIPD_VS_GROUP)
        vipd_dump_line (s, 0, "virtual_server group %s {  # %s", vs->group, vs->name);
      else
        vipd_dump_line (s, 0, "virtual_server %s %u {  # %s", vipd_addr_format (&vs->addr, buf, sizeof buf),
              vs->port, vs->name);
      vipd_dump_line_seconds (s, 1, "delay_loop", vs->delay_loop_ms);
      vipd_dump_line (s, 1, "lb_algo %s", vs->lb_algo ? vs->lb_algo : "wlc");
      vipd_dump_line (s, 1, "lb_kind %s", vipd_lb_kind_name (vs->lb_kind));
      vipd_dump_line (s, 1, "protocol %s", vipd_lvs_protocol_name (vs->protocol));
      if (vs->persistence_timeout)
        vipd_dump_line (s, 1, "persistence_timeout %u", vs->persistence_timeout);
      if (vs->has_granularity)
        vipd_dump_line (s, 1, "persistence_granularity %u", vs->granularity_prefix);
      if (vipd_addr_is_set (&vs->sorry_addr))
        vipd_dump_line (s, 1, "sorry_server %s %u", vipd_addr_format (&vs->sorry_addr, buf, sizeof buf),
              vs->sorry_port);
      if (vs->sorry_server_inhibit)
        vipd_dump_line (s, 1, "sorry_server_inhibit");
      if (vs->has_sorry_lb_kind)
        vipd_dump_line (s, 1, "sorry_server_lvs_method %s", vipd_lb_kind_name (vs->sorry_lb_kind));
      vipd_dump_line (s, 1, "quorum %u", vs->quorum);
      vipd_dump_line (s, 1, "hysteresis %u", vs->hysteresis);
      if (vs->quorum_up.command)
        vipd_dump_line (s, 1, "quorum_up \"%s\"", vs->quorum_up.command);
      if (vs->quorum_down.command)
        vipd_dump_line (s, 1, "quorum_down \"%s\"", vs->quorum_down.command);
      if (vs->inhibit_on_failure)
        vipd_dump_line (s, 1, "inhibit_on_failure");
      if (vs->alpha)
        vipd_dump_line (s, 1, "alpha");
      if (vs->omega)
        vipd_dump_line (s, 1, "omega");
      if (vs->virtualhost)
        vipd_dump_line (s, 1, "virtualhost %s", vs->virtualhost);
      for (guint r = 0; r < vs->real_servers->len; r++)
        {
          const VipdRealServer *rs = g_ptr_array_index (vs->real_servers, r);

          vipd_dump_line (s, 1, "real_server %s %u {", vipd_addr_format (&rs->addr, buf, sizeof buf),
                rs->port);
          vipd_dump_line (s, 2, "weight %u", rs->weight);
          if (vipd_real_server_inhibit (vs, rs))
            vipd_dump_line (s, 2, "inhibit_on_failure");
          if (rs->notify_up.command)
            vipd_dump_line (s, 2, "notify_up \"%s\"", rs->notify_up.command);
          if (rs->notify_down.command)
            vipd_dump_line (s, 2, "notify_down \"%s\"", rs->notify_down.command);
          for (guint c = 0; c < rs->checkers->len; c++)
            dump_checker (s, 2, g_ptr_array_index (rs->checkers, c));
          vipd_dump_line (s, 1, "}");
        }
      vipd_dump_line (s, 0, "}");
    }
}
