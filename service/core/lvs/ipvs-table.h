/* ipvs-table.h — the IPVS table as plain values, and the difference between two tables.
 *
 * The LVS manager (service/lvs/) computes the table it wants from the configuration and the
 * checkers' verdicts; the netlink shell (service/lvs/ipvs-netlink.c) reads the kernel's table
 * into the same types and applies the operations that vipd_ipvs_table_diff() lists. Nothing
 * here does I/O. */
#pragma once

#include <glib.h>
#include <netinet/in.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

typedef enum
{
  VIPD_IPVS_FWD_NAT, /* masquerading */
  VIPD_IPVS_FWD_DR,  /* direct routing ("gatewaying") */
  VIPD_IPVS_FWD_TUN, /* IP-in-IP tunnel */
  VIPD_IPVS_FWD_LOCAL, /* local node: only ever read from the kernel, never asked for */
} VipdIpvsForward;

/* What identifies a service in the kernel: either (protocol, address, port) or a firewall
 * mark (fwmark != 0, address unset, port 0; family says which family the mark serves). */
typedef struct
{
  int family;        /* AF_INET or AF_INET6 */
  guint16 protocol;  /* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP; 0 with a fwmark */
  VipdAddr addr;
  guint16 port;      /* host byte order */
  guint32 fwmark;
} VipdIpvsServiceKey;

typedef struct
{
  VipdIpvsServiceKey key;
  char scheduler[16];          /* "rr", "wrr", "lc", "wlc", "sh", "dh", "lblc", "sed", "nq", ... */
  gboolean persistent;
  guint32 persistence_timeout; /* seconds, when persistent */
  guint32 netmask;             /* persistence granularity: IPv4 mask in network byte order
                                * (htonl (0xffffff00) for a /24, as the kernel takes it) or
                                * IPv6 prefix length; 0 means the full length (one client) */
  GArray *dests;               /* of VipdIpvsDest, sorted by vipd_ipvs_dest_compare() */
} VipdIpvsService;

typedef struct
{
  VipdAddr addr;
  guint16 port; /* host byte order */
  VipdIpvsForward forward;
  guint32 weight;
  guint32 u_threshold; /* 0: none */
  guint32 l_threshold;
} VipdIpvsDest;

typedef struct
{
  GPtrArray *services; /* of VipdIpvsService*, owned, sorted by vipd_ipvs_service_key_compare() */
} VipdIpvsTable;

typedef enum
{
  VIPD_IPVS_OP_ADD_SERVICE,
  VIPD_IPVS_OP_EDIT_SERVICE, /* scheduler, persistence or netmask changed */
  VIPD_IPVS_OP_DEL_SERVICE,  /* the kernel drops its destinations with it */
  VIPD_IPVS_OP_ADD_DEST,
  VIPD_IPVS_OP_EDIT_DEST, /* weight, forwarding method or thresholds changed */
  VIPD_IPVS_OP_DEL_DEST,
} VipdIpvsOpKind;

typedef struct
{
  VipdIpvsOpKind kind;
  VipdIpvsService service; /* the desired service (for DEL_*: the current one); dests unset */
  VipdIpvsDest dest;       /* for *_DEST */
} VipdIpvsOp;

VipdIpvsTable *vipd_ipvs_table_new (void);
void vipd_ipvs_table_free (VipdIpvsTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdIpvsTable, vipd_ipvs_table_free)

/* Adds a service (copied; its dests array, when set, is copied too) and returns the table's
 * copy. An existing service with the same key is replaced. Keeps the table sorted. */
VipdIpvsService *vipd_ipvs_table_add_service (VipdIpvsTable *table, const VipdIpvsService *service);
VipdIpvsService *vipd_ipvs_table_find_service (const VipdIpvsTable *table,
                                               const VipdIpvsServiceKey *key);
/* Removes (and frees) the service with that key; FALSE when there is none. */
gboolean vipd_ipvs_table_remove_service (VipdIpvsTable *table, const VipdIpvsServiceKey *key);
/* Removes (and frees) every service. */
void vipd_ipvs_table_clear (VipdIpvsTable *table);
/* Adds or replaces (same address and port) a destination of the service; keeps it sorted. */
void vipd_ipvs_service_set_dest (VipdIpvsService *service, const VipdIpvsDest *dest);

int vipd_ipvs_service_key_compare (const VipdIpvsServiceKey *a, const VipdIpvsServiceKey *b);
int vipd_ipvs_dest_compare (const VipdIpvsDest *a, const VipdIpvsDest *b); /* addr, then port */

/* The operations that turn current into desired, in an order the kernel accepts: services
 * added or edited first, then destinations deleted, edited and added, then services deleted.
 * Services and destinations that are equal in both are left alone (no operation), so
 * unchanged entries never drop their connections. Returns a GArray of VipdIpvsOp. */
GArray *vipd_ipvs_table_diff (const VipdIpvsTable *current, const VipdIpvsTable *desired);

/* Whether two services need no EDIT_SERVICE between them: same key, scheduler and, when
 * persistent, timeout and netmask (0 and the full length are the same netmask). */
gboolean vipd_ipvs_service_equal (const VipdIpvsService *a, const VipdIpvsService *b);
/* Whether two destinations need no EDIT_DEST between them (dests are not compared). */
gboolean vipd_ipvs_dest_equal (const VipdIpvsDest *a, const VipdIpvsDest *b);

/* "TCP 192.0.2.100:80 wrr" / "FWM 7 rr" / "FWM 7 IPv6 rr": key and scheduler, for logs and
 * tests; newly allocated. */
char *vipd_ipvs_service_describe (const VipdIpvsService *service);
/* "masq", "route", "tunnel", "local" */
const char *vipd_ipvs_forward_to_string (VipdIpvsForward forward);
/* "add-dest TCP 192.0.2.100:80 wrr -> 198.51.100.11:8080 masq weight 3", "del-service FWM 7 rr",
 * "edit-service TCP 192.0.2.100:443 sh persistent 300 mask 255.255.255.0" (persistence on
 * service additions and edits only), for logs and tests; newly allocated. */
char *vipd_ipvs_op_describe (const VipdIpvsOp *op);

G_END_DECLS
