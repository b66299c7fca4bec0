/* ipvs-netlink.c — IPVS services and destinations through libnl-genl-3.
 *
 * Attribute layout and byte orders follow linux/ip_vs.h and the kernel's ip_vs_ctl.c: ports and
 * IPv4 netmasks travel in network byte order (the table keeps the netmask that way too), the
 * IPv6 netmask is a plain prefix length, and an address attribute is always the 16-byte union
 * nf_inet_addr. */
#include "ipvs-netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <string.h>

#include "nl-util.h"

struct _VipdIpvs
{
  VipdNlSock sock;
  int family_id;
};

VipdIpvs *
vipd_ipvs_open (GError **error)
{
  g_autofree VipdIpvs *ipvs = g_new0 (VipdIpvs, 1);
  int id;

  if (!vipd_nl_sock_open_protocol (&ipvs->sock, NETLINK_GENERIC, error))
    return NULL;
  id = genl_ctrl_resolve (ipvs->sock.sk, IPVS_GENL_NAME);
  if (id < 0)
    {
      if (id == -NLE_OBJ_NOTFOUND)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     "IPVS is not available in this kernel (modprobe ip_vs)");
      else
        g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&ipvs->sock, id),
                     "cannot look up the IPVS netlink family: %s",
                     vipd_nl_strerror (&ipvs->sock, id));
      vipd_nl_sock_close (&ipvs->sock);
      return NULL;
    }
  ipvs->family_id = id;
  return g_steal_pointer (&ipvs);
}

void
vipd_ipvs_close (VipdIpvs *ipvs)
{
  if (ipvs == NULL)
    return;
  vipd_nl_sock_close (&ipvs->sock);
  g_free (ipvs);
}

static struct nl_msg *
new_request (VipdIpvs *ipvs, guint8 cmd, int flags)
{
  struct nl_msg *msg = nlmsg_alloc ();

  if (msg == NULL)
    g_error ("out of memory for a netlink message");
  if (genlmsg_put (msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipvs->family_id, 0, flags, cmd,
                   IPVS_GENL_VERSION)
      == NULL)
    g_error ("a netlink header does not fit an empty message");
  return msg;
}

typedef struct nl_msg nl_msg_;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (nl_msg_, nlmsg_free)

static int
put_addr (struct nl_msg *msg, int attr, const VipdAddr *addr)
{
  guint8 raw[16] = { 0 }; /* union nf_inet_addr */

  memcpy (raw, addr->bytes, vipd_addr_len (addr));
  return nla_put (msg, attr, sizeof raw, raw);
}

/* The attributes that name a service: enough for deletes and for destination requests. */
static int
put_service_key (struct nl_msg *msg, const VipdIpvsServiceKey *key)
{
  int rc = nla_put_u16 (msg, IPVS_SVC_ATTR_AF, (guint16) key->family);

  if (rc < 0)
    return rc;
  if (key->fwmark != 0)
    return nla_put_u32 (msg, IPVS_SVC_ATTR_FWMARK, key->fwmark);
  if ((rc = nla_put_u16 (msg, IPVS_SVC_ATTR_PROTOCOL, key->protocol)) < 0
      || (rc = put_addr (msg, IPVS_SVC_ATTR_ADDR, &key->addr)) < 0)
    return rc;
  return nla_put_u16 (msg, IPVS_SVC_ATTR_PORT, htons (key->port));
}

static guint32
wire_netmask (const VipdIpvsService *s)
{
  if (s->key.family == AF_INET6)
    return s->netmask == 0 ? 128 : s->netmask;
  return s->netmask == 0 ? 0xffffffffu : s->netmask;
}

static int
put_service (struct nl_msg *msg, const VipdIpvsService *s, gboolean full)
{
  struct nlattr *nest = nla_nest_start (msg, IPVS_CMD_ATTR_SERVICE);
  struct ip_vs_flags flags = { .flags = s->persistent ? IP_VS_SVC_F_PERSISTENT : 0,
                               .mask = ~0u };
  int rc;

  if (nest == NULL)
    return -NLE_NOMEM;
  if ((rc = put_service_key (msg, &s->key)) < 0)
    return rc;
  if (full)
    {
      char sched[IP_VS_SCHEDNAME_MAXLEN] = { 0 };

      memcpy (sched, s->scheduler, MIN (sizeof sched - 1, strnlen (s->scheduler, sizeof s->scheduler)));
      if ((rc = nla_put_string (msg, IPVS_SVC_ATTR_SCHED_NAME, sched)) < 0
          || (rc = nla_put (msg, IPVS_SVC_ATTR_FLAGS, sizeof flags, &flags)) < 0
          || (rc = nla_put_u32 (msg, IPVS_SVC_ATTR_TIMEOUT,
                                s->persistent ? s->persistence_timeout : 0)) < 0
          || (rc = nla_put_u32 (msg, IPVS_SVC_ATTR_NETMASK, wire_netmask (s))) < 0)
        return rc;
    }
  return nla_nest_end (msg, nest);
}

static const guint32 fwd_to_kernel[] = {
  [VIPD_IPVS_FWD_NAT] = IP_VS_CONN_F_MASQ,
  [VIPD_IPVS_FWD_DR] = IP_VS_CONN_F_DROUTE,
  [VIPD_IPVS_FWD_TUN] = IP_VS_CONN_F_TUNNEL,
  [VIPD_IPVS_FWD_LOCAL] = IP_VS_CONN_F_LOCALNODE,
};

static int
put_dest (struct nl_msg *msg, const VipdIpvsDest *d, gboolean full)
{
  struct nlattr *nest = nla_nest_start (msg, IPVS_CMD_ATTR_DEST);
  int rc;

  if (nest == NULL)
    return -NLE_NOMEM;
  if ((rc = put_addr (msg, IPVS_DEST_ATTR_ADDR, &d->addr)) < 0
      || (rc = nla_put_u16 (msg, IPVS_DEST_ATTR_PORT, htons (d->port))) < 0
      || (rc = nla_put_u16 (msg, IPVS_DEST_ATTR_ADDR_FAMILY, (guint16) d->addr.family)) < 0)
    return rc;
  if (full)
    {
      guint32 fwd = (guint) d->forward < G_N_ELEMENTS (fwd_to_kernel) ? fwd_to_kernel[d->forward]
                                                                        : IP_VS_CONN_F_MASQ;

      if ((rc = nla_put_u32 (msg, IPVS_DEST_ATTR_FWD_METHOD, fwd)) < 0
          || (rc = nla_put_u32 (msg, IPVS_DEST_ATTR_WEIGHT, d->weight)) < 0
          || (rc = nla_put_u32 (msg, IPVS_DEST_ATTR_U_THRESH, d->u_threshold)) < 0
          || (rc = nla_put_u32 (msg, IPVS_DEST_ATTR_L_THRESH, d->l_threshold)) < 0)
        return rc;
    }
  return nla_nest_end (msg, nest);
}

/* Sends msg and waits for the kernel's answer; rc < 0 (libnl code) on failure. */
static int
transact (VipdIpvs *ipvs, struct nl_msg *msg)
{
  int rc;

  vipd_nl_sock_reset (&ipvs->sock);
  rc = nl_send_auto (ipvs->sock.sk, msg);
  if (rc < 0)
    return rc;
  return nl_wait_for_ack (ipvs->sock.sk);
}

/* ---- reading ---- */

typedef struct
{
  VipdIpvsTable *table;
  VipdIpvsService *service; /* when dumping destinations */
  guint skipped;
} DumpCtx;

static gboolean
get_addr (struct nlattr *a, int family, VipdAddr *out)
{
  gsize len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

  if (a == NULL || len == 0 || (gsize) nla_len (a) < len)
    return FALSE;
  vipd_addr_from_bytes (out, family, nla_data (a));
  return TRUE;
}

/* The nested attribute cmd_attr of a dump answer, parsed into tb; FALSE when malformed. */
static gboolean
parse_answer (struct nl_msg *msg, int cmd_attr, struct nlattr **tb, int max)
{
  struct nlattr *cmd[IPVS_CMD_ATTR_MAX + 1];

  return genlmsg_parse (nlmsg_hdr (msg), 0, cmd, IPVS_CMD_ATTR_MAX, NULL) >= 0
         && cmd[cmd_attr] != NULL && nla_parse_nested (tb, max, cmd[cmd_attr], NULL) >= 0;
}

static int
on_service (struct nl_msg *msg, void *arg)
{
  DumpCtx *ctx = arg;
  struct nlattr *a[IPVS_SVC_ATTR_MAX + 1];
  VipdIpvsService s;

  memset (&s, 0, sizeof s);
  if (!parse_answer (msg, IPVS_CMD_ATTR_SERVICE, a, IPVS_SVC_ATTR_MAX)
      || a[IPVS_SVC_ATTR_AF] == NULL || a[IPVS_SVC_ATTR_SCHED_NAME] == NULL)
    {
      ctx->skipped++;
      return NL_OK;
    }
  s.key.family = nla_get_u16 (a[IPVS_SVC_ATTR_AF]);
  if (a[IPVS_SVC_ATTR_FWMARK] != NULL && nla_get_u32 (a[IPVS_SVC_ATTR_FWMARK]) != 0)
    s.key.fwmark = nla_get_u32 (a[IPVS_SVC_ATTR_FWMARK]);
  else if (a[IPVS_SVC_ATTR_PROTOCOL] == NULL || a[IPVS_SVC_ATTR_PORT] == NULL
           || !get_addr (a[IPVS_SVC_ATTR_ADDR], s.key.family, &s.key.addr))
    {
      ctx->skipped++;
      return NL_OK;
    }
  else
    {
      s.key.protocol = nla_get_u16 (a[IPVS_SVC_ATTR_PROTOCOL]);
      s.key.port = ntohs (nla_get_u16 (a[IPVS_SVC_ATTR_PORT]));
    }
  nla_strlcpy (s.scheduler, a[IPVS_SVC_ATTR_SCHED_NAME], sizeof s.scheduler);
  if (a[IPVS_SVC_ATTR_FLAGS] != NULL && nla_len (a[IPVS_SVC_ATTR_FLAGS]) >= (int) sizeof (struct ip_vs_flags))
    {
      struct ip_vs_flags f;

      memcpy (&f, nla_data (a[IPVS_SVC_ATTR_FLAGS]), sizeof f);
      s.persistent = (f.flags & IP_VS_SVC_F_PERSISTENT) != 0;
    }
  if (a[IPVS_SVC_ATTR_TIMEOUT] != NULL)
    s.persistence_timeout = nla_get_u32 (a[IPVS_SVC_ATTR_TIMEOUT]);
  if (a[IPVS_SVC_ATTR_NETMASK] != NULL)
    s.netmask = nla_get_u32 (a[IPVS_SVC_ATTR_NETMASK]);
  vipd_ipvs_table_add_service (ctx->table, &s);
  return NL_OK;
}

static VipdIpvsForward
forward_from_kernel (guint32 fwd)
{
  switch (fwd & IP_VS_CONN_F_FWD_MASK)
    {
    case IP_VS_CONN_F_DROUTE:
      return VIPD_IPVS_FWD_DR;
    case IP_VS_CONN_F_TUNNEL:
      return VIPD_IPVS_FWD_TUN;
    case IP_VS_CONN_F_LOCALNODE:
      return VIPD_IPVS_FWD_LOCAL;
    default:
      return VIPD_IPVS_FWD_NAT;
    }
}

static int
on_dest (struct nl_msg *msg, void *arg)
{
  DumpCtx *ctx = arg;
  struct nlattr *a[IPVS_DEST_ATTR_MAX + 1];
  VipdIpvsDest d;
  int family;

  memset (&d, 0, sizeof d);
  if (!parse_answer (msg, IPVS_CMD_ATTR_DEST, a, IPVS_DEST_ATTR_MAX) || a[IPVS_DEST_ATTR_PORT] == NULL)
    {
      ctx->skipped++;
      return NL_OK;
    }
  /* Kernels before 3.18 send no family: the destination's is then the service's. */
  family = a[IPVS_DEST_ATTR_ADDR_FAMILY] ? nla_get_u16 (a[IPVS_DEST_ATTR_ADDR_FAMILY])
                                         : ctx->service->key.family;
  if (!get_addr (a[IPVS_DEST_ATTR_ADDR], family, &d.addr))
    {
      ctx->skipped++;
      return NL_OK;
    }
  d.port = ntohs (nla_get_u16 (a[IPVS_DEST_ATTR_PORT]));
  if (a[IPVS_DEST_ATTR_FWD_METHOD])
    d.forward = forward_from_kernel (nla_get_u32 (a[IPVS_DEST_ATTR_FWD_METHOD]));
  if (a[IPVS_DEST_ATTR_WEIGHT])
    d.weight = nla_get_u32 (a[IPVS_DEST_ATTR_WEIGHT]);
  if (a[IPVS_DEST_ATTR_U_THRESH])
    d.u_threshold = nla_get_u32 (a[IPVS_DEST_ATTR_U_THRESH]);
  if (a[IPVS_DEST_ATTR_L_THRESH])
    d.l_threshold = nla_get_u32 (a[IPVS_DEST_ATTR_L_THRESH]);
  vipd_ipvs_service_set_dest (ctx->service, &d);
  return NL_OK;
}

/* Sends a dump request and feeds every answer to fn; rc < 0 (libnl code) on failure. */
static int
dump (VipdIpvs *ipvs, struct nl_msg *msg, nl_recvmsg_msg_cb_t fn, DumpCtx *ctx)
{
  struct nl_cb *base = nl_socket_get_cb (ipvs->sock.sk);
  struct nl_cb *cb = nl_cb_clone (base);
  int rc;

  nl_cb_put (base);
  if (cb == NULL)
    return -NLE_NOMEM;
  nl_cb_set (cb, NL_CB_VALID, NL_CB_CUSTOM, fn, ctx);
  vipd_nl_sock_reset (&ipvs->sock);
  rc = nl_send_auto (ipvs->sock.sk, msg);
  if (rc >= 0)
    rc = nl_recvmsgs (ipvs->sock.sk, cb);
  nl_cb_put (cb);
  return rc;
}

VipdIpvsTable *
vipd_ipvs_read (VipdIpvs *ipvs, GError **error)
{
  g_autoptr (VipdIpvsTable) table = vipd_ipvs_table_new ();
  g_autoptr (nl_msg_) msg = new_request (ipvs, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
  DumpCtx ctx = { .table = table };
  int rc;

  rc = dump (ipvs, msg, on_service, &ctx);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&ipvs->sock, rc),
                   "cannot read the IPVS services: %s", vipd_nl_strerror (&ipvs->sock, rc));
      return NULL;
    }
  for (guint i = 0; i < table->services->len; i++)
    {
      g_autoptr (nl_msg_) req = new_request (ipvs, IPVS_CMD_GET_DEST, NLM_F_DUMP);

      ctx.service = g_ptr_array_index (table->services, i);
      rc = put_service (req, ctx.service, FALSE);
      if (rc >= 0)
        rc = dump (ipvs, req, on_dest, &ctx);
      /* A service deleted by someone else between the two dumps has no destinations to read. */
      if (rc < 0 && ipvs->sock.last_errno != ESRCH)
        {
          g_autofree char *what = vipd_ipvs_service_describe (ctx.service);

          g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&ipvs->sock, rc),
                       "cannot read the destinations of IPVS service %s: %s", what,
                       vipd_nl_strerror (&ipvs->sock, rc));
          return NULL;
        }
    }
  if (ctx.skipped > 0)
    g_debug ("IPVS: %u entries of the kernel's table could not be parsed and were skipped",
             ctx.skipped);
  return g_steal_pointer (&table);
}

/* ---- writing ---- */

static const char *
errno_hint (const VipdIpvsOp *op, int err)
{
  gboolean on_service = op->kind == VIPD_IPVS_OP_ADD_SERVICE || op->kind == VIPD_IPVS_OP_EDIT_SERVICE
                        || op->kind == VIPD_IPVS_OP_DEL_SERVICE;

  switch (err)
    {
    case ESRCH:
      return "the kernel has no such service";
    case ENOENT:
      return on_service ? "unknown scheduler: is its ip_vs_ module loaded?"
                        : "the kernel has no such destination";
    case EEXIST:
      return on_service ? "the service already exists" : "the destination already exists";
    case EPERM:
      return "needs CAP_NET_ADMIN";
    case EAFNOSUPPORT:
      return "this family is not supported for the service or its forwarding method";
    default:
      return NULL;
    }
}

static int
build_and_send (VipdIpvs *ipvs, const VipdIpvsOp *op)
{
  static const guint8 cmds[] = {
    [VIPD_IPVS_OP_ADD_SERVICE] = IPVS_CMD_NEW_SERVICE, [VIPD_IPVS_OP_EDIT_SERVICE] = IPVS_CMD_SET_SERVICE,
    [VIPD_IPVS_OP_DEL_SERVICE] = IPVS_CMD_DEL_SERVICE, [VIPD_IPVS_OP_ADD_DEST] = IPVS_CMD_NEW_DEST,
    [VIPD_IPVS_OP_EDIT_DEST] = IPVS_CMD_SET_DEST,      [VIPD_IPVS_OP_DEL_DEST] = IPVS_CMD_DEL_DEST,
  };
  g_autoptr (nl_msg_) msg = NULL;
  gboolean full_service = op->kind == VIPD_IPVS_OP_ADD_SERVICE || op->kind == VIPD_IPVS_OP_EDIT_SERVICE;
  gboolean has_dest = op->kind == VIPD_IPVS_OP_ADD_DEST || op->kind == VIPD_IPVS_OP_EDIT_DEST
                      || op->kind == VIPD_IPVS_OP_DEL_DEST;
  int rc;

  if ((guint) op->kind >= G_N_ELEMENTS (cmds))
    return -NLE_INVAL;
  msg = new_request (ipvs, cmds[op->kind], NLM_F_ACK);
  rc = put_service (msg, &op->service, full_service);
  if (rc >= 0 && has_dest)
    rc = put_dest (msg, &op->dest, op->kind != VIPD_IPVS_OP_DEL_DEST);
  if (rc < 0)
    return rc;
  return transact (ipvs, msg);
}

gboolean
vipd_ipvs_apply (VipdIpvs *ipvs, GArray *ops, GError **error)
{
  g_autoptr (GString) failures = NULL;
  guint n_failed = 0;
  int first_code = G_IO_ERROR_FAILED;

  for (guint i = 0; i < ops->len; i++)
    {
      const VipdIpvsOp *op = &g_array_index (ops, VipdIpvsOp, i);
      int rc = build_and_send (ipvs, op);
      g_autofree char *what = NULL;
      const char *hint;

      if (rc >= 0)
        continue;
      what = vipd_ipvs_op_describe (op);
      hint = errno_hint (op, ipvs->sock.last_errno);
      if (failures == NULL)
        {
          failures = g_string_new (NULL);
          first_code = vipd_nl_error_code (&ipvs->sock, rc);
        }
      else
        g_string_append (failures, "; ");
      g_string_append_printf (failures, "%s: %s", what, vipd_nl_strerror (&ipvs->sock, rc));
      if (hint)
        g_string_append_printf (failures, " (%s)", hint);
      n_failed++;
    }
  if (n_failed == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, first_code, "%u of %u IPVS operations failed: %s", n_failed,
               ops->len, failures->str);
  return FALSE;
}

gboolean
vipd_ipvs_flush (VipdIpvs *ipvs, GError **error)
{
  g_autoptr (nl_msg_) msg = new_request (ipvs, IPVS_CMD_FLUSH, NLM_F_ACK);
  int rc = transact (ipvs, msg);

  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, vipd_nl_error_code (&ipvs->sock, rc),
                   "cannot flush the IPVS table: %s", vipd_nl_strerror (&ipvs->sock, rc));
      return FALSE;
    }
  return TRUE;
}
