/* config-validate.c — semantic checks on the model, each reported at the offending line. */
#include "config-private.h"

#include <string.h>
#include <sys/socket.h>

typedef struct
{
  VipdConfig *config;
  VipdDiagList *diags;
} Check;

static void
err (Check *c, const VipdLoc *loc, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
static void
warn (Check *c, const VipdLoc *loc, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
err (Check *c, const VipdLoc *loc, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vipd_diag_addv (c->diags, VIPD_DIAG_ERROR, loc, fmt, args);
  va_end (args);
}

static void
warn (Check *c, const VipdLoc *loc, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vipd_diag_addv (c->diags, VIPD_DIAG_WARNING, loc, fmt, args);
  va_end (args);
}

/* A value's own loc when it was written, else the block's. */
static const VipdLoc *
at (const VipdLoc *value, const VipdLoc *fallback)
{
  return value->file ? value : fallback;
}

static const char *
family_name (int family)
{
  return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* Named nodes start with { VipdLoc loc; char *name; } (see config-model.h). */
typedef struct
{
  VipdLoc loc;
  char *name;
} Named;

static void
check_unique_names (Check *c, GPtrArray *array, const char *kind)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < array->len; i++)
    {
      Named *n = g_ptr_array_index (array, i);
      Named *first = g_hash_table_lookup (seen, n->name);

      if (first)
        {
          g_autofree char *where = vipd_loc_format (&first->loc);

          err (c, &n->loc, "%s \"%s\" is already defined at %s: rename one of them", kind,
               n->name, where);
        }
      else
        g_hash_table_insert (seen, n->name, n);
    }
}

static void
check_advert_int (Check *c, VipdInstance *inst)
{
  const VipdLoc *loc = at (&inst->advert_int_loc, &inst->loc);
  guint ms = inst->advert_int_ms;

  if (inst->version == 2)
    {
      if (ms % 1000 != 0)
        err (c, loc,
             "advert_int %u.%03u: VRRPv2 counts whole seconds; use an integer, or "
             "\"version 3\" for sub-second intervals",
             ms / 1000, ms % 1000);
      else if (ms < 1000 || ms > 255000)
        err (c, loc, "advert_int %u is out of range: VRRPv2 allows 1 to 255 seconds", ms / 1000);
    }
  else if (ms % 10 != 0 || ms < 10 || ms > 40950)
    err (c, loc,
         "advert_int %u.%03u is not valid for VRRPv3: use 0.01 to 40.95 seconds in steps of "
         "0.01",
         ms / 1000, ms % 1000);
}

static void
check_vips (Check *c, VipdInstance *inst)
{
  int family = AF_UNSPEC;

  for (guint i = 0; i < inst->vips->len; i++)
    {
      VipdVip *v = g_ptr_array_index (inst->vips, i);

      if (family == AF_UNSPEC)
        family = v->addr.family;
      else if (v->addr.family != family)
        {
          char buf[VIPD_ADDR_STRLEN];

          /* An error rather than keepalived's silent move: a VIP that never floats is a
           * surprise found during an outage. */
          err (c, &v->loc,
               "virtual_ipaddress of \"%s\" mixes IPv4 and IPv6 (%s): one instance advertises "
               "one family; move the %s addresses to virtual_ipaddress_excluded or to an "
               "instance of their own (keepalived moves them to virtual_ipaddress_excluded "
               "silently)",
               inst->name, vipd_addr_format (&v->addr, buf, sizeof buf),
               family_name (v->addr.family));
        }
    }
  inst->family = family;
  if (family == AF_INET6 && inst->vips->len > 0)
    {
      VipdVip *first = g_ptr_array_index (inst->vips, 0);

      /* RFC 5798/9568 section 5.2.9. A warning, not an error: keepalived only warns too, and peers
       * compare the address lists, so the order must stay as the admin wrote it. */
      if (!vipd_addr_is_link_local (&first->addr))
        warn (c, &first->loc,
              "the first virtual_ipaddress of IPv6 instance \"%s\" is not link-local: RFC 5798 "
              "section 5.2.9 wants the virtual router's link-local address first (for example "
              "fe80::1/64), on every router of the VRID",
              inst->name);
    }
  if (family == AF_INET6 && inst->version == 2)
    err (c, at (&inst->vips_loc, &inst->loc),
         "instance \"%s\" has IPv6 addresses, which need VRRPv3: add \"version 3\" to it or "
         "\"vrrp_version 3\" to global_defs",
         inst->name);
  if (inst->vips->len == 0)
    {
      if (c->config->global.strict)
        err (c, &inst->loc,
             "instance \"%s\" has no virtual_ipaddress, which vrrp_strict forbids: add one",
             inst->name);
      else
        warn (c, &inst->loc, "instance \"%s\" has no virtual_ipaddress", inst->name);
    }
}

static void
check_auth (Check *c, VipdInstance *inst)
{
  if (inst->auth_type == VIPD_AUTH_NONE)
    return;
  if (c->config->global.strict)
    warn (c, &inst->auth_loc,
          "authentication ignored: vrrp_strict forbids it (RFC 5798 removed authentication)");
  else if (inst->version == 3)
    warn (c, &inst->auth_loc, "authentication ignored with VRRPv3 (RFC 5798 removed it)");
  else
    {
      /* The wire code knows only PASS: say so rather than run unauthenticated in silence. */
      if (inst->auth_type == VIPD_AUTH_AH)
        warn (c, &inst->auth_loc,
              "auth_type AH is not implemented: adverts are sent and accepted without "
              "authentication (IPsec AH is not used)");
      return;
    }
  inst->auth_type = VIPD_AUTH_NONE;
  g_clear_pointer (&inst->auth_pass, g_free);
}

static void
check_refs (Check *c, GPtrArray *refs, const char *what, gboolean (*exists) (Check *, const char *))
{
  for (guint i = 0; i < refs->len; i++)
    {
      VipdTrackRef *r = g_ptr_array_index (refs, i);

      if (!exists (c, r->name))
        err (c, &r->loc, "%s \"%s\" is not defined: define it or fix the name", what, r->name);
    }
}

static gboolean
script_exists (Check *c, const char *name)
{
  return vipd_config_find_script (c->config, name) != NULL;
}

static gboolean
track_file_exists (Check *c, const char *name)
{
  return vipd_config_find_track_file (c->config, name) != NULL;
}

static gboolean
instance_exists (Check *c, const char *name)
{
  return vipd_config_find_instance (c->config, name) != NULL;
}

static void
check_unicast (Check *c, VipdInstance *inst)
{
  int family = inst->family;

  if (family == AF_UNSPEC && inst->unicast_src_ip.family != AF_UNSPEC)
    family = inst->unicast_src_ip.family;
  for (guint i = 0; i < inst->unicast_peers->len; i++)
    {
      VipdPeer *p = g_ptr_array_index (inst->unicast_peers, i);

      if (family == AF_UNSPEC)
        family = p->addr.family;
      else if (p->addr.family != family)
        err (c, &p->loc,
             "unicast_peer is %s but instance \"%s\" is %s: peers must be of the instance's "
             "family",
             family_name (p->addr.family), inst->name, family_name (family));
    }
  if (inst->unicast_src_ip.family != AF_UNSPEC && inst->family != AF_UNSPEC
      && inst->unicast_src_ip.family != inst->family)
    err (c, &inst->loc, "unicast_src_ip of \"%s\" is %s but its addresses are %s", inst->name,
         family_name (inst->unicast_src_ip.family), family_name (inst->family));
}

/* The two forms exist only for VRRPv3 over IPv4: v2 never has a pseudo-header and IPv6
 * always has one. Saying so beats a setting that silently does nothing. */
static void
check_checksum (Check *c, VipdInstance *inst)
{
  const VipdGlobalDefs *g = &c->config->global;

  if (inst->v3_checksum_loc.file != NULL && (inst->version == 2 || inst->family == AF_INET6))
    warn (c, &inst->v3_checksum_loc,
          "v3_checksum_as_v2/v3_checksum_strict have no effect on instance \"%s\": %s has a "
          "single checksum form (they apply to VRRPv3 over IPv4 only)",
          inst->name, inst->version == 2 ? "VRRPv2" : "IPv6");
  if (inst->v3_checksum_as_v2 == VIPD_TRISTATE_UNSET)
    inst->v3_checksum_as_v2 = g->v3_checksum_as_v2 ? VIPD_TRISTATE_YES : VIPD_TRISTATE_NO;
  if (inst->v3_checksum_strict == VIPD_TRISTATE_UNSET)
    inst->v3_checksum_strict = g->v3_checksum_strict ? VIPD_TRISTATE_YES : VIPD_TRISTATE_NO;
}

/* An interface name the kernel takes: 1 to 15 bytes, no '/', ':' or white space, not "." or
 * "..". */
static const char *
bad_ifname (const char *name)
{
  if (name[0] == '\0')
    return "is empty";
  if (strlen (name) > 15)
    return "is longer than 15 characters, the kernel's limit for interface names";
  if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return "is not a usable interface name";
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == ':' || g_ascii_isspace (*p) || !g_ascii_isprint (*p))
      return "has a character that interface names cannot have ('/', ':', white space)";
  return NULL;
}

/* router_advert: RAs are IPv6, sent from the virtual router's link-local address (the first
 * VIP), and RFC 4861 section 6.2.1 ties the three values together. */
static void
check_router_advert (Check *c, VipdInstance *inst)
{
  const VipdLoc *loc = &inst->router_advert_loc;
  const VipdVip *first = inst->vips->len > 0 ? g_ptr_array_index (inst->vips, 0) : NULL;

  if (!inst->router_advert)
    return;
  if (inst->family != AF_INET6)
    {
      err (c, loc,
           "router_advert needs an IPv6 instance: instance \"%s\" has %s; Router "
           "Advertisements belong to IPv6 virtual routers",
           inst->name, first ? "IPv4 addresses" : "no virtual_ipaddress");
      return;
    }
  if (!vipd_addr_is_link_local (&first->addr))
    {
      char buf[VIPD_ADDR_STRLEN];

      err (c, loc,
           "router_advert sends from the virtual router's link-local address, the first "
           "virtual_ipaddress of \"%s\", but %s is not link-local: put one first (for example "
           "fe80::1/64), the same on every router of the VRID",
           inst->name, vipd_addr_format (&first->addr, buf, sizeof buf));
    }
  else if (first->dev && (inst->use_vmac || g_strcmp0 (first->dev, inst->interface) != 0))
    err (c, &first->loc,
         "router_advert sends on %s, but \"dev %s\" puts the first virtual_ipaddress of \"%s\" "
         "(the advertisements' source) elsewhere: drop the dev",
         inst->use_vmac ? "the instance's macvlan" : inst->interface, first->dev, inst->name);
  if ((guint64) inst->ra_min_interval_s * 4 > (guint64) inst->ra_max_interval_s * 3)
    err (c, loc,
         "router_advert: interval minimum %u s is more than 3/4 of the maximum %u s; RFC 4861 "
         "section 6.2.1 wants at most %u s",
         inst->ra_min_interval_s, inst->ra_max_interval_s, inst->ra_max_interval_s * 3 / 4);
  if (inst->ra_lifetime_s < inst->ra_max_interval_s)
    err (c, loc,
         "router_advert: lifetime %u s is shorter than the interval maximum %u s, so hosts "
         "would drop the router between two advertisements: write a lifetime of at least %u",
         inst->ra_lifetime_s, inst->ra_max_interval_s, inst->ra_max_interval_s);
}

/* use_vmac: the macvlan's name (check_vmac_names gives the default). */
static void
check_vmac (Check *c, VipdInstance *inst)
{
  const char *why;

  if (!inst->use_vmac)
    {
      if (inst->vmac_xmit_base)
        warn (c, &inst->vmac_xmit_base_loc,
              "vmac_xmit_base without use_vmac ignored: adverts already go out on %s",
              inst->interface ? inst->interface : "the interface");
      return;
    }
  if (inst->vmac_name == NULL)
    return;
  why = bad_ifname (inst->vmac_name);
  if (why)
    err (c, &inst->vmac_loc, "use_vmac name \"%s\" %s: write a name like vrrp.%" G_GINT64_FORMAT,
         inst->vmac_name, why, inst->vrid >= 1 ? inst->vrid : 1);
  else if (inst->interface && strcmp (inst->vmac_name, inst->interface) == 0)
    err (c, &inst->vmac_loc,
         "use_vmac name \"%s\" is the instance's own interface: the macvlan needs a name of its "
         "own",
         inst->vmac_name);
  if (inst->vips->len == 0)
    warn (c, &inst->vmac_loc, "use_vmac on \"%s\", which has no virtual_ipaddress: the macvlan "
          "carries nothing", inst->name);
}

static gboolean
name_taken (GPtrArray *all, const char *name)
{
  for (guint i = 0; i < all->len; i++)
    {
      const VipdInstance *o = g_ptr_array_index (all, i);

      if (g_strcmp0 (o->interface, name) == 0
          || (o->use_vmac && g_strcmp0 (o->vmac_name, name) == 0))
        return TRUE;
    }
  return FALSE;
}

/* keepalived's default macvlan name: vrrp.VRID, or when another instance already has that
 * name (the IPv4 and IPv6 instances of one VRID need a macvlan each), vrrp1.VRID, vrrp2.VRID... */
static void
name_default_vmacs (Check *c)
{
  GPtrArray *all = c->config->instances;

  for (guint i = 0; i < all->len; i++)
    {
      VipdInstance *inst = g_ptr_array_index (all, i);

      if (!inst->use_vmac || inst->vmac_name != NULL || inst->vrid < 1 || inst->vrid > 255)
        continue;
      for (guint n = 0; inst->vmac_name == NULL; n++)
        {
          g_autofree char *name = n == 0 ? g_strdup_printf ("vrrp.%" G_GINT64_FORMAT, inst->vrid)
                                         : g_strdup_printf ("vrrp%u.%" G_GINT64_FORMAT, n,
                                                            inst->vrid);

          if (!name_taken (all, name))
            inst->vmac_name = g_steal_pointer (&name);
        }
    }
}

/* Two instances cannot share one macvlan: each has its own virtual MAC. */
static void
check_vmac_clash (Check *c)
{
  GPtrArray *all = c->config->instances;

  for (guint i = 0; i < all->len; i++)
    {
      VipdInstance *b = g_ptr_array_index (all, i);

      /* A macvlan named like its own interface is reported by check_vmac. */
      if (!b->use_vmac || b->vmac_name == NULL || g_strcmp0 (b->vmac_name, b->interface) == 0)
        continue;
      for (guint j = 0; j < all->len; j++)
        {
          VipdInstance *a = g_ptr_array_index (all, j);
          g_autofree char *where = vipd_loc_format (&a->loc);

          if (j != i && g_strcmp0 (a->interface, b->vmac_name) == 0)
            err (c, &b->vmac_loc,
                 "use_vmac name \"%s\" is the interface of instance \"%s\" (%s): rename the "
                 "macvlan",
                 b->vmac_name, a->name, where);
          else if (j < i && a->use_vmac && g_strcmp0 (a->vmac_name, b->vmac_name) == 0)
            err (c, &b->vmac_loc,
                 "use_vmac name \"%s\" is already the macvlan of instance \"%s\" (%s): each "
                 "instance needs a macvlan of its own; rename one",
                 b->vmac_name, a->name, where);
          else
            continue;
          break;
        }
    }
}

static void
check_instance (Check *c, VipdInstance *inst)
{
  const VipdGlobalDefs *g = &c->config->global;

  if (inst->version == 0)
    inst->version = g->vrrp_version;
  if (!inst->garp_set[0])
    inst->garp_master_delay_ms = g->garp_master_delay_ms;
  if (!inst->garp_set[1])
    inst->garp_master_repeat = g->garp_master_repeat;
  if (!inst->garp_set[2])
    inst->garp_master_refresh_ms = g->garp_master_refresh_ms;
  if (!inst->garp_set[3])
    inst->garp_master_refresh_repeat = g->garp_master_refresh_repeat;

  if (inst->interface == NULL)
    err (c, &inst->loc, "instance \"%s\" has no interface: add \"interface <ifname>\"",
         inst->name);
  if (inst->vrid < 0 && inst->vrid_loc.file == NULL)
    err (c, &inst->loc,
         "instance \"%s\" has no virtual_router_id: add \"virtual_router_id <1-255>\"",
         inst->name);
  else if (inst->vrid != VIPD_VRID_INVALID && (inst->vrid < 1 || inst->vrid > 255))
    err (c, at (&inst->vrid_loc, &inst->loc),
         "virtual_router_id %" G_GINT64_FORMAT " is out of range: write 1 to 255", inst->vrid);
  if (inst->priority < 1 || inst->priority > 255)
    err (c, at (&inst->priority_loc, &inst->loc),
         "priority %" G_GINT64_FORMAT " is out of range: write 1 to 254 (255 = address owner)",
         inst->priority);
  check_advert_int (c, inst);
  check_vips (c, inst);
  check_checksum (c, inst);
  check_auth (c, inst);
  check_unicast (c, inst);
  check_vmac (c, inst);
  check_router_advert (c, inst);
  check_refs (c, inst->track_scripts, "track_script", script_exists);
  check_refs (c, inst->track_files, "track_file", track_file_exists);
}

/* (interface, VRID, family) identifies a virtual router on a link: two would fight. */
static void
check_vrid_clash (Check *c)
{
  GPtrArray *all = c->config->instances;

  for (guint i = 0; i < all->len; i++)
    for (guint j = 0; j < i; j++)
      {
        VipdInstance *a = g_ptr_array_index (all, j);
        VipdInstance *b = g_ptr_array_index (all, i);

        if (a->interface && b->interface && strcmp (a->interface, b->interface) == 0
            && a->vrid == b->vrid && a->vrid >= 1 && a->family == b->family)
          {
            g_autofree char *where = vipd_loc_format (&a->loc);

            err (c, at (&b->vrid_loc, &b->loc),
                 "instances \"%s\" and \"%s\" (%s) both use virtual_router_id %" G_GINT64_FORMAT
                 " on %s: change one of them",
                 a->name, b->name, where, b->vrid, b->interface);
            break;
          }
      }
}

static void
check_sync_groups (Check *c)
{
  g_autoptr (GHashTable) owner = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < c->config->sync_groups->len; i++)
    {
      VipdSyncGroup *g = g_ptr_array_index (c->config->sync_groups, i);

      check_refs (c, g->members, "sync group member vrrp_instance", instance_exists);
      check_refs (c, g->track_scripts, "track_script", script_exists);
      check_refs (c, g->track_files, "track_file", track_file_exists);
      for (guint m = 0; m < g->members->len; m++)
        {
          VipdTrackRef *r = g_ptr_array_index (g->members, m);
          VipdSyncGroup *prev = g_hash_table_lookup (owner, r->name);

          if (prev && prev != g)
            err (c, &r->loc,
                 "instance \"%s\" is already in vrrp_sync_group \"%s\": an instance can be in "
                 "one sync group only",
                 r->name, prev->name);
          else if (!prev)
            g_hash_table_insert (owner, r->name, g);
        }
    }
}

void
vipd_config_validate (VipdConfig *config, VipdDiagList *diags)
{
  Check c = { config, diags };

  check_unique_names (&c, config->instances, "vrrp_instance");
  check_unique_names (&c, config->scripts, "vrrp_script");
  check_unique_names (&c, config->track_files, "vrrp_track_file");
  check_unique_names (&c, config->sync_groups, "vrrp_sync_group");
  for (guint i = 0; i < config->scripts->len; i++)
    {
      VipdScript *s = g_ptr_array_index (config->scripts, i);

      if (s->script.command == NULL)
        err (&c, &s->loc, "vrrp_script \"%s\" has no script: add \"script <command>\"", s->name);
    }
  for (guint i = 0; i < config->track_files->len; i++)
    {
      VipdTrackFile *t = g_ptr_array_index (config->track_files, i);

      if (t->file == NULL)
        err (&c, &t->loc, "vrrp_track_file \"%s\" has no file: add \"file <path>\"", t->name);
    }
  /* Defaults first: the checks then see every instance's macvlan name. */
  name_default_vmacs (&c);
  for (guint i = 0; i < config->instances->len; i++)
    check_instance (&c, g_ptr_array_index (config->instances, i));
  check_vrid_clash (&c);
  check_vmac_clash (&c);
  check_sync_groups (&c);
  vipd_config_validate_lvs (config, diags);
}

VipdConfig *
vipd_config_parse (const VipdConfigSourceOps *ops, const char *path, VipdDiagList *diags)
{
  VipdConfig *config = vipd_config_new ();
  g_autoptr (GPtrArray) tree = vipd_config_read_tree (ops, path, config->files, diags);
  VipdParseCtx ctx = { config, diags };

  vipd_kw_top (&ctx, tree);
  vipd_config_validate (config, diags);
  return config;
}
