/* vmac.c — use_vmac macvlans through libnl-3 rtnl link, and the sysctls that go with them. */
#include "vmac.h"

#include <errno.h>
#include <gio/gio.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/macvlan.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "nl-util.h"

/* The ARP settings of a base interface before its first macvlan; -1 when unreadable. */
typedef struct
{
  guint users;
  int arp_ignore, arp_filter, arp_announce;
} BaseState;

typedef struct
{
  char *base;
  int ifindex;
} Vmac;

struct _VipdVmacSet
{
  VipdNlSock sock;
  GHashTable *vmacs; /* name -> Vmac* */
  GHashTable *bases; /* base name -> BaseState* */
};

typedef struct rtnl_link RtnlLink;
typedef struct nl_addr NlAddr;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtnlLink, rtnl_link_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NlAddr, nl_addr_put)

static void
vmac_free (gpointer p)
{
  Vmac *v = p;

  g_free (v->base);
  g_free (v);
}

VipdVmacSet *
vipd_vmac_set_new (GError **error)
{
  g_autofree VipdVmacSet *set = g_new0 (VipdVmacSet, 1);

  if (!vipd_nl_sock_open (&set->sock, error))
    return NULL;
  set->vmacs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, vmac_free);
  set->bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return g_steal_pointer (&set);
}

void
vipd_vmac_set_free (VipdVmacSet *set)
{
  g_autofree char **names = NULL;

  if (set == NULL)
    return;
  names = (char **) g_hash_table_get_keys_as_array (set->vmacs, NULL);
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *name = g_strdup (names[i]);

      vipd_vmac_set_remove (set, name);
    }
  g_hash_table_destroy (set->vmacs);
  g_hash_table_destroy (set->bases);
  vipd_nl_sock_close (&set->sock);
  g_free (set);
}

void
vipd_vmac_address (int family, guint8 vrid, guint8 mac[6])
{
  /* RFC 5798 section 7.3. */
  mac[0] = 0x00;
  mac[1] = 0x00;
  mac[2] = 0x5e;
  mac[3] = 0x00;
  mac[4] = family == AF_INET6 ? 0x02 : 0x01;
  mac[5] = vrid;
}

/* --- sysctls of this network namespace --- */

static char *
sysctl_path (const char *proto, const char *ifname, const char *key)
{
  return g_strdup_printf ("/proc/sys/net/%s/conf/%s/%s", proto, ifname, key);
}

static int
sysctl_get (const char *proto, const char *ifname, const char *key)
{
  g_autofree char *path = sysctl_path (proto, ifname, key);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  return (int) g_ascii_strtoll (text, NULL, 10);
}

/* Writes value; a failure is logged (the macvlan still works, ARP is just less tidy). */
static void
sysctl_set (const char *proto, const char *ifname, const char *key, int value)
{
  g_autofree char *path = sysctl_path (proto, ifname, key);
  FILE *f = fopen (path, "we");
  gboolean ok = f != NULL && fprintf (f, "%d\n", value) > 0;

  if (f != NULL && fclose (f) != 0)
    ok = FALSE;
  if (!ok)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot set %s to %d: %s", path, value,
                       g_strerror (errno));
}

static void
base_take (VipdVmacSet *set, const char *base)
{
  BaseState *st = g_hash_table_lookup (set->bases, base);

  if (st == NULL)
    {
      st = g_new0 (BaseState, 1);
      st->arp_ignore = sysctl_get ("ipv4", base, "arp_ignore");
      st->arp_filter = sysctl_get ("ipv4", base, "arp_filter");
      st->arp_announce = sysctl_get ("ipv4", base, "arp_announce");
      g_hash_table_insert (set->bases, g_strdup (base), st);
      /* Only the macvlan answers ARP for the VIPs; the base keeps answering for its own
       * addresses, on the interface they came in on. */
      if (st->arp_ignore != 1)
        sysctl_set ("ipv4", base, "arp_ignore", 1);
      if (st->arp_filter != 1)
        sysctl_set ("ipv4", base, "arp_filter", 1);
      /* Replies from a VIP leave through the base (its route comes first); the ARP request
       * it sends for the client must not name the VIP, or the client would learn the VIP at
       * the base's MAC. */
      if (st->arp_announce != 2)
        sysctl_set ("ipv4", base, "arp_announce", 2);
    }
  st->users++;
}

static void
base_release (VipdVmacSet *set, const char *base)
{
  BaseState *st = g_hash_table_lookup (set->bases, base);

  if (st == NULL || --st->users > 0)
    return;
  /* The base may be gone (and its sysctls with it): then there is nothing to restore. */
  if (if_nametoindex (base) != 0)
    {
      if (st->arp_ignore >= 0 && st->arp_ignore != 1)
        sysctl_set ("ipv4", base, "arp_ignore", st->arp_ignore);
      if (st->arp_filter >= 0 && st->arp_filter != 1)
        sysctl_set ("ipv4", base, "arp_filter", st->arp_filter);
      if (st->arp_announce >= 0 && st->arp_announce != 2)
        sysctl_set ("ipv4", base, "arp_announce", st->arp_announce);
    }
  g_hash_table_remove (set->bases, base);
}

/* --- netlink --- */

/* "cannot <step> macvlan <name> on <base>: <kernel's reason>" */
static gboolean
nl_fail (VipdVmacSet *set, int rc, GError **error, const char *step, const char *name,
         const char *base)
{
  g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&set->sock, rc),
               "cannot %s macvlan %s on %s: %s", step, name, base,
               vipd_nl_strerror (&set->sock, rc));
  return FALSE;
}

/* An existing interface called name: a leftover of ours (macvlan on base with mac) or not. */
static gboolean
is_our_leftover (struct rtnl_link *link, int base_index, const guint8 mac[6])
{
  struct nl_addr *a = rtnl_link_get_addr (link);

  return g_strcmp0 (rtnl_link_get_type (link), "macvlan") == 0
         && rtnl_link_get_link (link) == base_index && a != NULL && nl_addr_get_len (a) == 6
         && memcmp (nl_addr_get_binary_addr (a), mac, 6) == 0;
}

static gboolean
create (VipdVmacSet *set, const char *base, int base_index, const char *name, const guint8 mac[6],
        GError **error)
{
  g_autoptr (RtnlLink) link = NULL;
  g_autoptr (RtnlLink) existing = NULL;
  g_autoptr (NlAddr) lladdr = NULL;
  int rc;

  vipd_nl_sock_reset (&set->sock);
  if (rtnl_link_get_kernel (set->sock.sk, 0, name, &existing) >= 0)
    {
      if (is_our_leftover (existing, base_index, mac))
        {
          vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                             "macvlan %s on %s is left from an earlier run: taking it over", name,
                             base);
          return TRUE;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "cannot make macvlan %s on %s: an interface of that name exists and is not "
                   "a macvlan of %s with MAC %02x:%02x:%02x:%02x:%02x:%02x; remove it or name "
                   "another interface in use_vmac",
                   name, base, base, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
      return FALSE;
    }
  link = rtnl_link_macvlan_alloc ();
  lladdr = nl_addr_build (AF_LLC, mac, 6);
  if (link == NULL || lladdr == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "out of memory building a netlink request");
      return FALSE;
    }
  rtnl_link_set_name (link, name);
  rtnl_link_set_link (link, base_index);
  rtnl_link_set_addr (link, lladdr);
  rtnl_link_macvlan_set_mode (link, MACVLAN_MODE_BRIDGE);
  vipd_nl_sock_reset (&set->sock);
  rc = rtnl_link_add (set->sock.sk, link, NLM_F_CREATE | NLM_F_EXCL);
  if (rc < 0)
    return nl_fail (set, rc, error, "make", name, base);
  return TRUE;
}

/* Random address generation, then up. It is set on its own request after creation (iproute2
 * 6.1 fails to set it in the creating one) and before the first up, which makes the link-local
 * address from it. */
static gboolean
configure (VipdVmacSet *set, const char *base, const char *name, GError **error)
{
  g_autoptr (RtnlLink) orig = NULL;
  g_autoptr (RtnlLink) change = NULL;
  int rc;

  vipd_nl_sock_reset (&set->sock);
  rc = rtnl_link_get_kernel (set->sock.sk, 0, name, &orig);
  if (rc < 0)
    return nl_fail (set, rc, error, "read back", name, base);
  if (!(rtnl_link_get_flags (orig) & IFF_UP))
    {
      change = rtnl_link_alloc ();
      rtnl_link_inet6_set_addr_gen_mode (change, IN6_ADDR_GEN_MODE_RANDOM);
      vipd_nl_sock_reset (&set->sock);
      rc = rtnl_link_change (set->sock.sk, orig, change, 0);
      if (rc < 0)
        return nl_fail (set, rc, error, "set random IPv6 address generation on", name,
                        base);
    }
  /* As keepalived sets them: the macvlan answers ARP only for its own addresses (the VIPs),
   * never for the base's, and accepts packets from the host's own addresses. */
  sysctl_set ("ipv4", name, "arp_ignore", 1);
  sysctl_set ("ipv4", name, "accept_local", 1);
  sysctl_set ("ipv4", name, "rp_filter", 0);
  g_clear_pointer (&change, rtnl_link_put);
  change = rtnl_link_alloc ();
  rtnl_link_set_flags (change, IFF_UP);
  vipd_nl_sock_reset (&set->sock);
  rc = rtnl_link_change (set->sock.sk, orig, change, 0);
  if (rc < 0)
    return nl_fail (set, rc, error, "bring up", name, base);
  return TRUE;
}

gboolean
vipd_vmac_set_add (VipdVmacSet *set, const char *base, const char *name, int family,
                   guint8 vrid, GError **error)
{
  guint8 mac[6];
  int base_index, ifindex;
  Vmac *v;

  if (g_hash_table_contains (set->vmacs, name))
    return TRUE;
  if (!vipd_nl_ifindex (base, &base_index, error))
    {
      g_prefix_error (error, "cannot make macvlan %s: ", name);
      return FALSE;
    }
  vipd_vmac_address (family, vrid, mac);
  if (!create (set, base, base_index, name, mac, error))
    return FALSE;
  if (!configure (set, base, name, error) || !vipd_nl_ifindex (name, &ifindex, error))
    {
      vipd_nl_sock_reset (&set->sock);
      {
        g_autoptr (RtnlLink) del = rtnl_link_alloc ();

        rtnl_link_set_name (del, name);
        rtnl_link_delete (set->sock.sk, del);
      }
      return FALSE;
    }
  v = g_new0 (Vmac, 1);
  v->base = g_strdup (base);
  v->ifindex = ifindex;
  g_hash_table_insert (set->vmacs, g_strdup (name), v);
  base_take (set, base);
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "macvlan %s on %s is up with MAC 00:00:5e:00:%02x:%02x", name, base, mac[4],
                     mac[5]);
  return TRUE;
}

void
vipd_vmac_set_remove (VipdVmacSet *set, const char *name)
{
  Vmac *v = g_hash_table_lookup (set->vmacs, name);
  g_autoptr (RtnlLink) del = NULL;
  g_autofree char *base = NULL;
  int rc;

  if (v == NULL)
    return;
  base = g_strdup (v->base);
  del = rtnl_link_alloc ();
  /* By index: a namesake made by someone else after ours vanished is not ours to delete. */
  rtnl_link_set_ifindex (del, v->ifindex);
  vipd_nl_sock_reset (&set->sock);
  rc = rtnl_link_delete (set->sock.sk, del);
  if (rc < 0 && set->sock.last_errno != ENODEV)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot remove macvlan %s: %s", name,
                       vipd_nl_strerror (&set->sock, rc));
  else
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "macvlan %s on %s removed", name, base);
  g_hash_table_remove (set->vmacs, name);
  base_release (set, base);
}

void
vipd_vmac_set_forget (VipdVmacSet *set, const char *name)
{
  Vmac *v = g_hash_table_lookup (set->vmacs, name);
  g_autofree char *base = NULL;

  if (v == NULL)
    return;
  base = g_strdup (v->base);
  g_hash_table_remove (set->vmacs, name);
  base_release (set, base);
}

gboolean
vipd_vmac_set_has (VipdVmacSet *set, const char *name)
{
  return g_hash_table_contains (set->vmacs, name);
}
