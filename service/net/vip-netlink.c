/* vip-netlink.c — VIPs through libnl-3 rtnl addr. */
#include "vip-netlink.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <linux/if_addr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <string.h>

#include "nl-util.h"

struct _VipdVipNetlink
{
  VipdNlSock sock;
  /* Interface name -> index. A VIP renewal per instance every few seconds looked the index up
   * each time (if_nametoindex: a socket, an ioctl and a close); the daemon forgets the whole
   * table on every link event, and a failed request forgets it too. */
  GHashTable *ifindex;
  guint32 generation; /* bumped when ifindex is forgotten: built renewals are stale then */

  /* Lifetime renewals: RTM_NEWADDR replace requests packed into one datagram on a socket of
   * their own, sent by vipd_vip_renew_flush (for vipd_vip_renew, from an idle callback), without
   * NLM_F_ACK. The kernel handles route netlink requests inside sendmsg() and answers only the
   * failed ones (an NLMSG_ERROR carrying the request's sequence number), so a thousand renewals
   * cost one send and no ack per VIP. */
  struct nl_sock *renew_sk;
  GByteArray *batch;    /* the queued requests, back to back */
  GArray *pending;      /* PendingRenewal: the requests of the batch, by sequence number */
  guint32 renew_seq;
  guint flush_source;
  VipdVipRenewFailedFunc renew_failed;
};

struct _VipdVipRenewal
{
  guint32 generation; /* nl->generation when built */
  guint32 lifetime_s;
  char *log_name;
  char *vip_text; /* "192.0.2.50/24 on eth0" */
  guint32 len;    /* of the request in msg, before padding */
  guint8 msg[];   /* the RTM_NEWADDR request; nlmsg_seq is set when it is queued */
};

typedef struct
{
  guint32 seq;
  VipdVipRenewal *r; /* a reference: names the VIP if the kernel refuses it */
} PendingRenewal;

/* The kernel takes a datagram of at most its send buffer; flush well below the default. */
#define RENEW_BATCH_MAX (32 * 1024)

static void
pending_renewal_clear (gpointer data)
{
  PendingRenewal *p = data;

  vipd_vip_renewal_unref (p->r);
}

static void
renewal_clear (gpointer data)
{
  VipdVipRenewal *r = data;

  g_free (r->log_name);
  g_free (r->vip_text);
}

void
vipd_vip_renewal_unref (VipdVipRenewal *r)
{
  if (r != NULL)
    g_rc_box_release_full (r, renewal_clear);
}

VipdVipNetlink *
vipd_vip_netlink_new (GError **error)
{
  g_autofree VipdVipNetlink *nl = g_new0 (VipdVipNetlink, 1);

  if (!vipd_nl_sock_open (&nl->sock, error))
    return NULL;
  nl->ifindex = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  nl->batch = g_byte_array_new ();
  nl->pending = g_array_new (FALSE, TRUE, sizeof (PendingRenewal));
  g_array_set_clear_func (nl->pending, pending_renewal_clear);
  return g_steal_pointer (&nl);
}

void
vipd_vip_netlink_free (VipdVipNetlink *nl)
{
  if (nl == NULL)
    return;
  vipd_vip_renew_flush (nl);
  g_clear_handle_id (&nl->flush_source, g_source_remove);
  if (nl->renew_sk != NULL)
    nl_socket_free (nl->renew_sk);
  vipd_nl_sock_close (&nl->sock);
  g_hash_table_unref (nl->ifindex);
  g_byte_array_unref (nl->batch);
  g_array_unref (nl->pending);
  g_free (nl);
}

void
vipd_vip_netlink_set_renew_failed (VipdVipNetlink *nl, VipdVipRenewFailedFunc func)
{
  nl->renew_failed = func;
}

void
vipd_vip_netlink_forget_interfaces (VipdVipNetlink *nl)
{
  g_hash_table_remove_all (nl->ifindex);
  nl->generation++;
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

/* The RTM_NEWADDR request for vip on ifname with the given lifetime. */
static struct rtnl_addr *
build_add (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, guint32 lifetime_s,
           GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  int ifindex;
  /* 0xffffffff is INFINITY_LIFE_TIME; anything else makes the kernel expire the address. */
  guint32 life = lifetime_s == VIPD_VIP_LIFETIME_FOREVER ? 0xffffffffu : lifetime_s;

  if (!lookup_ifindex (nl, ifname, &ifindex, error))
    return NULL;
  ra = build_addr (ifindex, ifname, vip, error);
  if (ra == NULL)
    return NULL;
  if (vip->addr.family == AF_INET)
    {
      if (vipd_addr_is_set (&vip->broadcast))
        {
          g_autoptr (NlAddr) brd = vipd_nl_addr_new (&vip->broadcast, 32);
          if (brd == NULL || vip->broadcast.family != AF_INET || rtnl_addr_set_broadcast (ra, brd) < 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "invalid broadcast address for a VIP on %s", ifname);
              return NULL;
            }
        }
      if (vip->label != NULL && rtnl_addr_set_label (ra, vip->label) < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "label \"%s\" on %s is too long (at most 15 characters)", vip->label, ifname);
          return NULL;
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
  return g_steal_pointer (&ra);
}

gboolean
vipd_vip_add (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, guint32 lifetime_s,
              gboolean renew, GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  int rc;

  /* Queued renewals go first: a renewal sent after this request could undo it. */
  vipd_vip_renew_flush (nl);
  ra = build_add (nl, ifname, vip, lifetime_s, error);
  if (ra == NULL)
    return FALSE;
  vipd_nl_sock_reset (&nl->sock);
  rc = rtnl_addr_add (nl->sock.sk, ra, renew ? NLM_F_REPLACE : NLM_F_EXCL);
  if (rc < 0)
    {
      vipd_vip_netlink_forget_interfaces (nl);
      return fail (nl, rc, error, "add", ifname, vip);
    }
  return TRUE;
}

static void
report_renew_failure (VipdVipNetlink *nl, const PendingRenewal *p, const char *reason)
{
  g_autofree char *message = g_strdup_printf ("cannot renew the lifetime of %s: %s (retried at "
                                              "the next renewal)",
                                              p->r != NULL ? p->r->vip_text : "a VIP", reason);

  vipd_vip_netlink_forget_interfaces (nl);
  if (nl->renew_failed != NULL)
    nl->renew_failed (p->r != NULL ? p->r->log_name : NULL, message);
  else
    g_warning ("%s", message);
}

static PendingRenewal *
find_pending (VipdVipNetlink *nl, guint32 seq)
{
  /* Sequence numbers ascend through the array (wrapping only after 2^32 requests). */
  guint lo = 0, hi = nl->pending->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      PendingRenewal *p = &g_array_index (nl->pending, PendingRenewal, mid);

      if (p->seq == seq)
        return p;
      if (p->seq < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

static int
on_renew_error (struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
  VipdVipNetlink *nl = arg;
  PendingRenewal *p = find_pending (nl, err->msg.nlmsg_seq);
  PendingRenewal unknown = { .r = NULL };

  (void) nla;
  if (err->error != 0)
    report_renew_failure (nl, p != NULL ? p : &unknown, g_strerror (-err->error));
  return NL_SKIP;
}

/* Reads the kernel's answers to renewals without blocking. The kernel handles route netlink
 * requests inside sendmsg(), so every answer to a batch is queued when nl_sendto() returns and
 * this one read after it takes them all: the socket needs no watch in the main loop (one
 * descriptor less in every poll). */
static void
drain_renew_errors (VipdVipNetlink *nl)
{
  /* Bounded: one answer per queued request at most. */
  for (guint i = 0; i <= nl->pending->len + 1; i++)
    {
      int rc = nl_recvmsgs_default (nl->renew_sk);

      if (rc >= 0)
        continue;
      if (rc == -NLE_NOMEM)
        g_warning ("VIP renewals: the kernel dropped answers (socket buffer full); "
                   "failed renewals among them go unreported and are retried at the next one");
      else if (rc != -NLE_AGAIN)
        g_warning ("VIP renewals: reading the kernel's answers: %s", nl_geterror (rc));
      break;
    }
}

static gboolean
open_renew_socket (VipdVipNetlink *nl, GError **error)
{
  int rc;

  if (nl->renew_sk != NULL)
    return TRUE;
  nl->renew_sk = nl_socket_alloc ();
  if (nl->renew_sk == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot allocate a netlink socket");
      return FALSE;
    }
  /* Many requests are in flight at once; answers are matched by sequence number here. */
  nl_socket_disable_seq_check (nl->renew_sk);
  nl_socket_modify_err_cb (nl->renew_sk, NL_CB_CUSTOM, on_renew_error, nl);
  rc = nl_connect (nl->renew_sk, NETLINK_ROUTE);
  if (rc >= 0)
    rc = nl_socket_set_nonblocking (nl->renew_sk);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open a route netlink socket: %s",
                   nl_geterror (rc));
      nl_socket_free (nl->renew_sk);
      nl->renew_sk = NULL;
      return FALSE;
    }
  return TRUE;
}

void
vipd_vip_renew_flush (VipdVipNetlink *nl)
{
  int rc;

  g_clear_handle_id (&nl->flush_source, g_source_remove);
  if (nl->batch->len == 0)
    return;
  rc = nl_sendto (nl->renew_sk, nl->batch->data, nl->batch->len);
  if (rc < 0)
    {
      for (guint i = 0; i < nl->pending->len; i++)
        report_renew_failure (nl, &g_array_index (nl->pending, PendingRenewal, i), nl_geterror (rc));
    }
  else
    drain_renew_errors (nl);
  g_byte_array_set_size (nl->batch, 0);
  g_array_set_size (nl->pending, 0);
}

static gboolean
flush_idle (gpointer user_data)
{
  VipdVipNetlink *nl = user_data;

  nl->flush_source = 0;
  vipd_vip_renew_flush (nl);
  return G_SOURCE_REMOVE;
}

guint32
vipd_vip_netlink_renew_port (VipdVipNetlink *nl)
{
  if (!open_renew_socket (nl, NULL))
    return 0;
  return nl_socket_get_local_port (nl->renew_sk);
}

/* Builds the renewal request for vip through libnl, once per cache. */
static VipdVipRenewal *
build_renewal (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, guint32 lifetime_s,
               const char *log_name, GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  struct nl_msg *msg = NULL;
  struct nlmsghdr *h;
  VipdVipRenewal *r;
  char buf[VIPD_ADDR_STRLEN];
  int rc;

  ra = build_add (nl, ifname, vip, lifetime_s, error);
  if (ra == NULL)
    return NULL;
  /* NLM_F_CREATE (added by libnl) with NLM_F_REPLACE: a VIP that went missing comes back. */
  rc = rtnl_addr_build_add_request (ra, NLM_F_REPLACE, &msg);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot build a renewal of a VIP on %s: %s",
                   ifname, nl_geterror (rc));
      return NULL;
    }
  h = nlmsg_hdr (msg);
  h->nlmsg_flags |= NLM_F_REQUEST; /* no NLM_F_ACK: only failures are answered */
  h->nlmsg_pid = 0;
  r = g_rc_box_alloc0 (sizeof *r + NLMSG_ALIGN (h->nlmsg_len));
  r->generation = nl->generation;
  r->lifetime_s = lifetime_s;
  r->log_name = g_strdup (log_name);
  r->vip_text = g_strdup_printf ("%s/%u on %s", vipd_addr_format (&vip->addr, buf, sizeof buf),
                                 vip->prefix_len, ifname);
  r->len = h->nlmsg_len;
  memcpy (r->msg, h, h->nlmsg_len);
  nlmsg_free (msg);
  return r;
}

/* Appends r to the batch under a new sequence number, keeping a reference in pending; with
 * idle_flush, an idle callback sends the batch unless something flushes it first. */
static void
queue_renewal (VipdVipNetlink *nl, VipdVipRenewal *r, gboolean idle_flush)
{
  PendingRenewal p = { 0 };
  guint offset;

  if (nl->batch->len > 0 && nl->batch->len + NLMSG_ALIGN (r->len) > RENEW_BATCH_MAX)
    vipd_vip_renew_flush (nl);
  if (nl->pending->len > 0
      && g_array_index (nl->pending, PendingRenewal, nl->pending->len - 1).seq > nl->renew_seq + 1)
    vipd_vip_renew_flush (nl); /* the sequence wraps: keep the array sorted */
  offset = nl->batch->len;
  g_byte_array_append (nl->batch, r->msg, NLMSG_ALIGN (r->len)); /* padding zeroed at build */
  ((struct nlmsghdr *) (gpointer) (nl->batch->data + offset))->nlmsg_seq = ++nl->renew_seq;
  p.seq = nl->renew_seq;
  p.r = g_rc_box_acquire (r);
  g_array_append_val (nl->pending, p);
  if (idle_flush && nl->flush_source == 0)
    nl->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_idle, nl, NULL);
}

/* Queues a renewal through *cache, (re)building it when it is missing or stale. */
static gboolean
renew (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, guint32 lifetime_s,
       const char *log_name, VipdVipRenewal **cache, gboolean idle_flush, GError **error)
{
  VipdVipRenewal *r = *cache;

  if (!open_renew_socket (nl, error))
    return FALSE;
  if (r != NULL && (r->generation != nl->generation || r->lifetime_s != lifetime_s))
    g_clear_pointer (cache, vipd_vip_renewal_unref);
  if (*cache == NULL)
    *cache = build_renewal (nl, ifname, vip, lifetime_s, log_name, error);
  if (*cache == NULL)
    return FALSE;
  queue_renewal (nl, *cache, idle_flush);
  return TRUE;
}

gboolean
vipd_vip_renew_cached (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip,
                       guint32 lifetime_s, const char *log_name, VipdVipRenewal **cache,
                       GError **error)
{
  return renew (nl, ifname, vip, lifetime_s, log_name, cache, FALSE, error);
}

gboolean
vipd_vip_renew (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, guint32 lifetime_s,
                const char *log_name, GError **error)
{
  VipdVipRenewal *r = NULL;
  gboolean ok = renew (nl, ifname, vip, lifetime_s, log_name, &r, TRUE, error);

  vipd_vip_renewal_unref (r);
  return ok;
}

gboolean
vipd_vip_remove (VipdVipNetlink *nl, const char *ifname, const VipdNlVip *vip, GError **error)
{
  g_autoptr (RtnlAddr) ra = NULL;
  int ifindex, rc;

  vipd_vip_renew_flush (nl);
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

  vipd_vip_renew_flush (nl);
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
