/* accept-filter.c — Accept_Mode and use_vmac gates as nftables tables, through libnftables. */
#include "accept-filter.h"

#include <errno.h>
#include <gio/gio.h>
#include <linux/netlink.h>
#include <nftables/libnftables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* How often the drop counter is read until the first drop has been logged. */
#define DROP_POLL_S 2

struct _VipdAcceptFilter
{
  struct nft_ctx *nft; /* made at the first use */
  char *unavailable; /* why there is no nft context */
  guint leftovers_source; /* removes tables a killed run left, once the daemon is up */
  gboolean inet_made;   /* the inet table exists (made by this run) */
  gboolean netdev_made; /* the netdev table exists (made by this run) */
  char *who;
  gboolean drop_logged;
  guint poll_source;
  GPtrArray *closed; /* char*: macvlans whose gate is closed */
};

static char *nfnetlink_missing (void);

/* The libnftables context, made when first needed: a daemon without no_accept or use_vmac
 * needs it only to look for a killed run's tables, after its instances have started. */
static struct nft_ctx *
nft (VipdAcceptFilter *f)
{
  if (f->nft != NULL || f->unavailable != NULL)
    return f->nft;
  f->unavailable = nfnetlink_missing ();
  if (f->unavailable == NULL)
    {
      f->nft = nft_ctx_new (NFT_CTX_DEFAULT);
      if (f->nft == NULL)
        f->unavailable = g_strdup ("cannot make a libnftables context");
    }
  if (f->nft)
    {
      nft_ctx_buffer_output (f->nft);
      nft_ctx_buffer_error (f->nft);
    }
  return f->nft;
}

/* Runs script; FALSE with nft's error message. */
static gboolean
run (VipdAcceptFilter *f, const char *script, GError **error)
{
  g_autofree char *msg = NULL;

  if (nft (f) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "nftables: %s", f->unavailable);
      return FALSE;
    }
  if (nft_run_cmd_from_buffer (f->nft, script) == 0)
    return TRUE;
  msg = g_strdup (nft_ctx_get_error_buffer (f->nft));
  if (msg)
    g_strstrip (msg);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nftables: %s",
               msg && *msg ? msg : "the change was refused");
  return FALSE;
}

/* libnftables calls exit() when it cannot open its netlink socket (a kernel without
 * nfnetlink): ask the kernel first, so that such a kernel costs only no_accept and the VMAC
 * gates, never the daemon. */
static char *
nfnetlink_missing (void)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

  if (fd < 0)
    return g_strdup_printf ("this kernel has no nfnetlink (%s): no_accept and the use_vmac "
                            "backup gates are not enforced",
                            g_strerror (errno));
  close (fd);
  return NULL;
}

/* Tables a killed run left behind go, unless this run has made its own since (each change
 * replaces the whole table anyway). Deleting costs the kernel a transaction even for a table
 * that is not there (about 10 ms each); at start-up, before the instances, the two deletions
 * held them back by 20 ms, so they run from an idle callback once the instances have started.
 * Silent when there are none, or no nftables. (Not `list table` first: libnftables sends its
 * listing requests with uninitialised padding, which valgrind reports on every start.) */
static void
remove_leftovers (VipdAcceptFilter *f)
{
  g_clear_handle_id (&f->leftovers_source, g_source_remove);
  if (nft (f) == NULL)
    return;
  if (!f->inet_made)
    nft_run_cmd_from_buffer (f->nft, "delete table inet vipd");
  if (!f->netdev_made)
    nft_run_cmd_from_buffer (f->nft, "delete table netdev vipd");
}

static gboolean
leftovers_idle (gpointer data)
{
  VipdAcceptFilter *f = data;

  f->leftovers_source = 0;
  remove_leftovers (f);
  return G_SOURCE_REMOVE;
}

VipdAcceptFilter *
vipd_accept_filter_new (void)
{
  VipdAcceptFilter *f = g_new0 (VipdAcceptFilter, 1);

  f->closed = g_ptr_array_new_with_free_func (g_free);
  f->leftovers_source = g_idle_add_full (G_PRIORITY_LOW, leftovers_idle, f, NULL);
  return f;
}

/* Deletes table family vipd when it exists (from this run or a killed one). */
static void
drop_table (VipdAcceptFilter *f, const char *family)
{
  g_autofree char *script = g_strdup_printf ("add table %s vipd\ndelete table %s vipd\n",
                                             family, family);
  g_autoptr (GError) error = NULL;

  if (!run (f, script, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot remove table %s vipd: %s", family,
                       error->message);
}

void
vipd_accept_filter_free (VipdAcceptFilter *f)
{
  if (f == NULL)
    return;
  g_clear_handle_id (&f->poll_source, g_source_remove);
  if (f->leftovers_source != 0)
    remove_leftovers (f);
  if (f->inet_made)
    drop_table (f, "inet");
  if (f->netdev_made)
    drop_table (f, "netdev");
  if (f->nft)
    nft_ctx_free (f->nft);
  g_ptr_array_unref (f->closed);
  g_free (f->unavailable);
  g_free (f->who);
  g_free (f);
}

static void
append_set (GString *s, const char *name, const char *type, const VipdAddr *addrs, guint n,
            int family)
{
  gboolean first = TRUE;

  g_string_append_printf (s, "  set %s {\n    type %s\n", name, type);
  for (guint i = 0; i < n; i++)
    {
      char buf[VIPD_ADDR_STRLEN];

      if (addrs[i].family != family)
        continue;
      g_string_append_printf (s, "%s%s", first ? "    elements = { " : ", ",
                              vipd_addr_format (&addrs[i], buf, sizeof buf));
      first = FALSE;
    }
  g_string_append (s, first ? "  }\n" : " }\n  }\n");
}

char *
vipd_accept_filter_inet_script (const VipdAddr *addrs, guint n)
{
  GString *s = g_string_new ("add table inet vipd\ndelete table inet vipd\n");

  if (n == 0)
    return g_string_free (s, FALSE);
  g_string_append (s, "table inet vipd {\n  counter no_accept {\n  }\n");
  append_set (s, "no_accept4", "ipv4_addr", addrs, n, AF_INET);
  append_set (s, "no_accept6", "ipv6_addr", addrs, n, AF_INET6);
  /* Neighbor Solicitations may be unicast to the VIP (NUD): the master must answer them.
   * ARP is not IP and never reaches this hook. */
  g_string_append (s,
                   "  chain input {\n"
                   "    type filter hook input priority filter; policy accept;\n"
                   "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
                   "    ip daddr @no_accept4 counter name no_accept drop\n"
                   "    ip6 daddr @no_accept6 counter name no_accept drop\n"
                   "  }\n}\n");
  return g_string_free (s, FALSE);
}

char *
vipd_accept_filter_netdev_script (const char *const *closed, guint n)
{
  GString *s = g_string_new ("add table netdev vipd\ndelete table netdev vipd\n");

  if (n == 0)
    return g_string_free (s, FALSE);
  g_string_append (s, "table netdev vipd {\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s,
                            "  chain in%u {\n"
                            "    type filter hook ingress device \"%s\" priority -500; "
                            "policy drop;\n  }\n"
                            "  chain out%u {\n"
                            "    type filter hook egress device \"%s\" priority -500; "
                            "policy drop;\n  }\n",
                            i, closed[i], i, closed[i]);
  g_string_append (s, "}\n");
  return g_string_free (s, FALSE);
}

gint64
vipd_accept_filter_parse_packets (const char *listing)
{
  const char *p = listing ? strstr (listing, "packets ") : NULL;
  char *end;
  gint64 v;

  if (p == NULL)
    return -1;
  p += strlen ("packets ");
  v = g_ascii_strtoll (p, &end, 10);
  return end == p ? -1 : v;
}

static gboolean
poll_drops (gpointer data)
{
  VipdAcceptFilter *f = data;
  g_autoptr (GError) error = NULL;

  if (!run (f, "list counter inet vipd no_accept", &error))
    return G_SOURCE_CONTINUE;
  if (vipd_accept_filter_parse_packets (nft_ctx_get_output_buffer (f->nft)) <= 0)
    return G_SOURCE_CONTINUE;
  vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                     "no_accept: dropped a packet addressed to a virtual address of %s: a "
                     "master that is not the owner accepts none with Accept_Mode off (RFC 5798 "
                     "6.4.3); write `accept` in the instance to take them (ARP and neighbour "
                     "discovery still work). Logged once.",
                     f->who);
  f->drop_logged = TRUE;
  f->poll_source = 0;
  return G_SOURCE_REMOVE;
}

gboolean
vipd_accept_filter_set_no_accept (VipdAcceptFilter *f, const VipdAddr *addrs, guint n,
                                  const char *who, GError **error)
{
  g_autofree char *script = vipd_accept_filter_inet_script (addrs, n);

  /* Nothing to enforce and nothing made: nftables is left alone. */
  if (n == 0 && !f->inet_made)
    return TRUE;
  if (!run (f, script, error))
    return FALSE;
  f->inet_made = n > 0;
  g_free (f->who);
  f->who = g_strdup (who);
  if (n > 0 && !f->drop_logged && f->poll_source == 0)
    f->poll_source = g_timeout_add_seconds (DROP_POLL_S, poll_drops, f);
  else if (n == 0)
    g_clear_handle_id (&f->poll_source, g_source_remove);
  return TRUE;
}

static guint
find_closed (VipdAcceptFilter *f, const char *ifname)
{
  for (guint i = 0; i < f->closed->len; i++)
    if (g_strcmp0 (g_ptr_array_index (f->closed, i), ifname) == 0)
      return i;
  return G_MAXUINT;
}

gboolean
vipd_accept_filter_set_gate (VipdAcceptFilter *f, const char *ifname, gboolean open,
                             GError **error)
{
  guint at = find_closed (f, ifname);
  g_autofree char *script = NULL;

  if ((at == G_MAXUINT) == open && (f->netdev_made || open))
    return TRUE;
  if (open && at != G_MAXUINT)
    g_ptr_array_remove_index (f->closed, at);
  else if (!open && at == G_MAXUINT)
    g_ptr_array_add (f->closed, g_strdup (ifname));
  script = vipd_accept_filter_netdev_script ((const char *const *) f->closed->pdata,
                                             f->closed->len);
  if (!run (f, script, error))
    return FALSE;
  f->netdev_made = f->closed->len > 0;
  return TRUE;
}

gboolean
vipd_accept_filter_gate_closed (VipdAcceptFilter *f, const char *ifname)
{
  return find_closed (f, ifname) != G_MAXUINT;
}
