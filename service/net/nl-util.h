/* nl-util.h — helpers shared by the libnl-3 users in service/net (not a public API). */
#pragma once

#include <glib.h>
#include <netlink/addr.h>
#include <netlink/socket.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

/* A libnl socket whose kernel errors keep their errno (libnl folds them into its own codes). */
typedef struct
{
  struct nl_sock *sk;
  int last_errno; /* errno of the last NLMSG_ERROR, 0 when the last request succeeded */
  char ext_msg[128]; /* the kernel's extended ack text for it ("ipv4: Invalid scope value") */
  char text[192];    /* vipd_nl_strerror's buffer */
} VipdNlSock;

/* Forgets the last error; call before each request. */
void vipd_nl_sock_reset (VipdNlSock *s);

/* Connects a NETLINK_ROUTE socket for requests; FALSE with a GError when netlink is unusable. */
gboolean vipd_nl_sock_open (VipdNlSock *s, GError **error);
/* The same for another netlink protocol (NETLINK_GENERIC for IPVS). */
gboolean vipd_nl_sock_open_protocol (VipdNlSock *s, int protocol, GError **error);
/* Closes and frees the socket; safe on a zeroed or already closed struct. */
void vipd_nl_sock_close (VipdNlSock *s);
/* Text for a failed libnl call: the kernel's errno text when there was one, else libnl's. */
const char *vipd_nl_strerror (VipdNlSock *s, int nlerr);
/* Maps a failed libnl call to the closest GIOErrorEnum. */
int vipd_nl_error_code (const VipdNlSock *s, int nlerr);

/* Resolves an interface name; FALSE with "no interface NAME" style GError when it is absent. */
gboolean vipd_nl_ifindex (const char *ifname, int *ifindex, GError **error);
/* The name of ifindex into buf (IF_NAMESIZE), or "#N" when the interface is gone. */
const char *vipd_nl_ifname (int ifindex, char *buf);

/* A new nl_addr for addr with a prefix length; NULL when addr is unset. */
struct nl_addr *vipd_nl_addr_new (const VipdAddr *addr, guint prefix_len);
/* Fills *out from an nl_addr; FALSE when it is not IPv4/IPv6. */
gboolean vipd_nl_addr_get (struct nl_addr *nla, VipdAddr *out);

G_END_DECLS
