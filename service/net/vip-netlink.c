/* vip-netlink.c — VIPs through libnl-3 rtnl addr. */
#include "vip-netlink.h"

#include <errno.h>
#include <gio/gio.h>
#include <linux/if_addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>

#include "nl-util.h"

struct _VipdVipNetlink
{
  VipdNlSock sock;
  /* Interface name -> index. A VIP renewal per instance every few seconds looked the index up
   * each time (if_nametoindex: a socket, an ioctl and a close); the daemon forgets the whole
   * table on every link event, and a failed request forgets it too. */
  GHashTable *ifindex;
};

VipdVipNetlink *
vipd_vip_netlink_new (GError **error)
{
  g_autofree VipdVipNetlink *nl = g_new0 (VipdVipNetlink, 1);

  if (!vipd_nl_sock_open (&nl->sock, error))
    return NULL;
  nl->ifindex = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return g_steal_pointer (&nl);
}

void
vipd_vip_netlink_free (VipdVipNetlink *nl)
{
  if (nl == NULL)
    return;
  vipd_nl_sock_close (&nl->sock);
  g_hash_table_unref (nl->ifindex);
  g_free (nl);
}

void
vipd_vip_netlink_forget_interfaces (VipdVipNetlink *nl)
{
  g_hash_table_remove_all (nl->ifindex);
}

static gboolean
lookup_ifindex (VipdVipNetlink *nl, const char *ifname, int *ifindex, GError **error)
{
  gpointer value;

  if (g_hash_table_lookup_extended (nl->ifindex, ifname, NULL, &value))
    {
      *ifindex = GPOINTER_TO_INT (value);
      return TRUE;
    }
  if (!vipd_nl_ifindex (ifname, ifindex, error))
    return FALSE;
  g_hash_table_insert (nl->ifindex, g_strdup (ifname), GINT_TO_POINTER (*ifindex));
  return TRUE;
}

/* libnl's object types are structs; g_autoptr needs plain type names. */
typedef struct rtnl_addr RtnlAddr;
typedef struct nl_addr NlAddr;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtnlAddr, rtnl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NlAddr, nl_addr_put)

/* Builds the rtnl_addr both add and remove send; NULL with a GError for an unusable vip. */
static struct rtnl_addr *
build_addr (int ifindex, const char *ifname, const VipdNlVip *vip, GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  g_autoptr (NlAddr) local = NULL;
  guint max = vip->addr.family == AF_INET ? 32 : 128;

  if (!vipd_addr_is_set (&vip->addr) || vip->prefix_len > max)
    {
      char buf[VIPD_ADDR_STRLEN];
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "invalid virtual address %s/%u for %s",
                   vipd_addr_format (&vip->addr, buf, sizeof buf), vip->prefix_len, ifname);
      return NULL;
    }
  ra = rtnl_addr_alloc ();
  local = vipd_nl_addr_new (&vip->addr, vip->prefix_len);
  if (ra == NULL || local == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory building a netlink request");
      return NULL;
    }
  rtnl_addr_set_ifindex (ra, ifindex);
  rtnl_addr_set_family (ra, vip->addr.family);
  if (rtnl_addr_set_local (ra, local) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot set the address in a request");
      return NULL;
    }
  rtnl_addr_set_prefixlen (ra, vip->prefix_len);
  return g_steal_pointer (&ra);
}

static gboolean
fail (VipdVipNetlink *nl, int rc, GError **error, const char *what, const char *ifname,
      const VipdNlVip *vip)
{
  char buf[VIPD_ADDR_STRLEN];

  g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&nl->sock, rc), "cannot %s %s/%u %s %s: %s",
               what, vipd_addr_format (&vip->addr, buf, sizeof buf), vip->prefix_len,
               g_str_equal (what, "add") ? "to" : "from", ifname, vipd_nl_strerror (&nl->sock, rc));
  return FALSE;
}

gboolean
vipd_vip_add (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, guint32 lifetime_s,
              gboolean renew, GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  int ifindex, rc;
  /* 0xffffffff is INFINITY_LIFE_TIME; anything else makes the kernel expire the address. */
  guint32 life = lifetime_s == VIPD_VIP_LIFETIME_FOREVER ? 0xffffffffu : lifetime_s;

  if (!lookup_ifindex (nl, ifname, &ifindex, error))
    return FALSE;
  ra = build_addr (ifindex, ifname, vip, error);
  if (ra == NULL)
    return FALSE;
  if (vip->addr.family == AF_INET)
    {
      if (vipd_addr_is_set (&vip->broadcast))
        {
          g_autoptr (NlAddr) brd = vipd_nl_addr_new (&vip->broadcast, 32);
          if (brd == NULL || vip->broadcast.family != AF_INET || rtnl_addr_set_broadcast (ra, brd) < 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "invalid broadcast address for a VIP on %s", ifname);
              return FALSE;
            }
        }
      if (vip->label != NULL && rtnl_addr_set_label (ra, vip->label) < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "label \"%s\" on %s is too long (at most 15 characters)", vip->label, ifname);
          return FALSE;
        }
    }
  else
    {
      /* The VIP moves between routers; DAD would keep it tentative (unusable) for a second
       * exactly when clients need it, and the VRRP election already guarantees uniqueness. */
      rtnl_addr_set_flags (ra, IFA_F_NODAD);
    }
  rtnl_addr_set_scope (ra, vip->scope);
  rtnl_addr_set_valid_lifetime (ra, life);
  rtnl_addr_set_preferred_lifetime (ra, life);

  vipd_nl_sock_reset (&nl->sock);
  rc = rtnl_addr_add (nl->sock.sk, ra, renew ? NLM_F_REPLACE : NLM_F_EXCL);
  if (rc < 0)
    {
      vipd_vip_netlink_forget_interfaces (nl);
      return fail (nl, rc, error, "add", ifname, vip);
    }
  return TRUE;
}

gboolean
vipd_vip_remove (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  int ifindex, rc;

  if (!lookup_ifindex (nl, ifname, &ifindex, error))
    return FALSE;
  ra = build_addr (ifindex, ifname, vip, error);
  if (ra == NULL)
    return FALSE;
  vipd_nl_sock_reset (&nl->sock);
  rc = rtnl_addr_delete (nl->sock.sk, ra, 0);
  if (rc < 0)
    {
      vipd_vip_netlink_forget_interfaces (nl);
      /* The kernel says EADDRNOTAVAIL for a missing address: make that NOT_FOUND so callers can
       * treat "already gone" as success without parsing text. */
      if (nl->sock.last_errno == EADDRNOTAVAIL)
        {
          char buf[VIPD_ADDR_STRLEN];
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s/%u is not on %s",
                       vipd_addr_format (&vip->addr, buf, sizeof buf), vip->prefix_len, ifname);
          return FALSE;
        }
      return fail (nl, rc, error, "remove", ifname, vip);
    }
  return TRUE;
}

typedef struct
{
  int ifindex;
  const VipdNlVip *vips;
  guint n_vips;
  GArray *found;
} ScanCtx;

static void
scan_one (struct nl_object *obj, void *arg)
{
  ScanCtx *ctx = arg;
  struct rtnl_addr *ra = (struct rtnl_addr *) obj;
  VipdAddr a;

  if (rtnl_addr_get_ifindex (ra) != ctx->ifindex || !vipd_nl_addr_get (rtnl_addr_get_local (ra), &a))
    return;
  for (guint i = 0; i < ctx->n_vips; i++)
    if (vipd_addr_equal (&a, &ctx->vips[i].addr))
      {
        g_array_append_val (ctx->found, i);
        break;
      }
}

static gint
cmp_guint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

GArray *
vipd_vip_list_present (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vips, guint n_vips,
                       GError **error)
{
  struct nl_cache *cache = NULL;
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  ScanCtx ctx = { .vips = vips, .n_vips = n_vips, .found = found };
  int rc;

  if (!vipd_nl_ifindex (ifname, &ctx.ifindex, error))
    return NULL;
  vipd_nl_sock_reset (&nl->sock);
  rc = rtnl_addr_alloc_cache (nl->sock.sk, &cache);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&nl->sock, rc),
                   "cannot list the addresses of %s: %s", ifname, vipd_nl_strerror (&nl->sock, rc));
      return NULL;
    }
  nl_cache_foreach (cache, scan_one, &ctx);
  nl_cache_free (cache);
  g_array_sort (found, cmp_guint);
  return g_steal_pointer (&found);
}

gboolean
vipd_vip_is_present (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, gboolean *present,
                     GError **error)
{
  g_autoptr (GArray) found = vipd_vip_list_present (nl, ifname, vip, 1, error);

  if (found == NULL)
    return FALSE;
  *present = found->len > 0;
  return TRUE;
}
