/* nl-util.c — libnl-3 glue shared by vip-netlink and link-monitor. */
#include "nl-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <string.h>
#include <sys/socket.h>

/* libnl turns every kernel errno into a coarse NLE_* code ("Object exists" for both EEXIST and
 * EADDRINUSE); the user needs the kernel's own reason, so the ack's errno is kept here. */
static int
on_nl_error (struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
  VipdNlSock *s = arg;
  /* libnl hands over the payload; the header (and its flags) sits right before it. */
  const struct nlmsghdr *h = (const struct nlmsghdr *) (const void *) ((const char *) err - NLMSG_HDRLEN);

  s->last_errno = -err->error;
  s->ext_msg[0] = '\0';
  if (h->nlmsg_flags & NLM_F_ACK_TLVS)
    {
      /* Extended ack: attributes follow the error and, unless capped, the echoed request. */
      gsize off = NLMSG_ALIGN (sizeof (*err) + ((h->nlmsg_flags & NLM_F_CAPPED)
                                                    ? 0 : err->msg.nlmsg_len - NLMSG_HDRLEN));
      gssize len = (gssize) h->nlmsg_len - NLMSG_HDRLEN - (gssize) off;
      if (len > 0)
        {
          struct nlattr *a = nla_find ((struct nlattr *) (void *) ((char *) err + off), (int) len,
                                       NLMSGERR_ATTR_MSG);
          if (a != NULL)
            g_strlcpy (s->ext_msg, nla_data (a), MIN (sizeof s->ext_msg, (gsize) nla_len (a) + 1));
        }
    }
  return NL_STOP;
}

gboolean
vipd_nl_sock_open (VipdNlSock *s, GError **error)
{
  return vipd_nl_sock_open_protocol (s, NETLINK_ROUTE, error);
}

gboolean
vipd_nl_sock_open_protocol (VipdNlSock *s, int protocol, GError **error)
{
  int rc;

  memset (s, 0, sizeof (*s));
  /* vipd's requests (an address, a dump) are a few hundred bytes; libnl's default is a page,
   * allocated and zeroed for every VIP renewal of every instance. */
  nlmsg_set_default_size (1024);
  s->sk = nl_socket_alloc ();
  if (s->sk == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot allocate a netlink socket");
      return FALSE;
    }
  nl_socket_modify_err_cb (s->sk, NL_CB_CUSTOM, on_nl_error, s);
  rc = nl_connect (s->sk, protocol);
  if (rc >= 0)
    {
      int one = 1;
      /* Best effort: the kernel's own words ("ipv4: Invalid scope value") beat a bare EINVAL. */
      setsockopt (nl_socket_get_fd (s->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    }
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open a %s netlink socket: %s",
                   protocol == NETLINK_ROUTE ? "route" : protocol == NETLINK_GENERIC ? "generic" : "",
                   nl_geterror (rc));
      nl_socket_free (s->sk);
      s->sk = NULL;
      return FALSE;
    }
  return TRUE;
}

void
vipd_nl_sock_reset (VipdNlSock *s)
{
  s->last_errno = 0;
  s->ext_msg[0] = '\0';
}

void
vipd_nl_sock_close (VipdNlSock *s)
{
  if (s->sk != NULL)
    nl_socket_free (s->sk);
  s->sk = NULL;
}

const char *
vipd_nl_strerror (VipdNlSock *s, int nlerr)
{
  if (s->last_errno > 0 && s->ext_msg[0] != '\0')
    g_snprintf (s->text, sizeof s->text, "%s (%s)", g_strerror (s->last_errno), s->ext_msg);
  else
    g_strlcpy (s->text, s->last_errno > 0 ? g_strerror (s->last_errno) : nl_geterror (nlerr),
               sizeof s->text);
  return s->text;
}

int
vipd_nl_error_code (const VipdNlSock *s, int nlerr)
{
  if (s->last_errno > 0)
    return g_io_error_from_errno (s->last_errno);
  switch (-nlerr)
    {
    case NLE_EXIST: return G_IO_ERROR_EXISTS;
    case NLE_OBJ_NOTFOUND:
    case NLE_NOADDR:
    case NLE_NODEV: return G_IO_ERROR_NOT_FOUND;
    case NLE_PERM: return G_IO_ERROR_PERMISSION_DENIED;
    case NLE_INVAL: return G_IO_ERROR_INVALID_ARGUMENT;
    default: return G_IO_ERROR_FAILED;
    }
}

gboolean
vipd_nl_ifindex (const char *ifname, int *ifindex, GError **error)
{
  unsigned idx = ifname != NULL ? if_nametoindex (ifname) : 0;

  if (idx == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no interface \"%s\" in this network namespace", ifname ? ifname : "(null)");
      return FALSE;
    }
  *ifindex = (int) idx;
  return TRUE;
}

const char *
vipd_nl_ifname (int ifindex, char *buf)
{
  if (ifindex <= 0 || if_indextoname ((unsigned) ifindex, buf) == NULL)
    g_snprintf (buf, IF_NAMESIZE, "#%d", ifindex);
  return buf;
}

struct nl_addr *
vipd_nl_addr_new (const VipdAddr *addr, guint prefix_len)
{
  struct nl_addr *nla;

  if (!vipd_addr_is_set (addr))
    return NULL;
  nla = nl_addr_build (addr->family, addr->bytes, vipd_addr_len (addr));
  if (nla != NULL)
    nl_addr_set_prefixlen (nla, (int) prefix_len);
  return nla;
}

gboolean
vipd_nl_addr_get (struct nl_addr *nla, VipdAddr *out)
{
  int family = nla != NULL ? nl_addr_get_family (nla) : AF_UNSPEC;
  unsigned len = nla != NULL ? nl_addr_get_len (nla) : 0;

  if (!((family == AF_INET && len == 4) || (family == AF_INET6 && len == 16)))
    return FALSE;
  vipd_addr_from_bytes (out, family, nl_addr_get_binary_addr (nla));
  return TRUE;
}
