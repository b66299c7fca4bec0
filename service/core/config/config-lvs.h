/* config-lvs.h — the LVS half of keepalived.conf: virtual_server, virtual_server_group,
 * real_server and their health checkers, as plain structs that know where they were written.
 * Intervals are milliseconds; ports are host byte order. Included by config-model.h. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"
#include "diag.h"

G_BEGIN_DECLS

typedef enum
{
  VIPD_LB_NAT, /* keepalived's default */
  VIPD_LB_DR,
  VIPD_LB_TUN,
} VipdLbKind;

typedef enum
{
  VIPD_CHECK_TCP,
  VIPD_CHECK_HTTP,
  VIPD_CHECK_SSL,
  VIPD_CHECK_MISC,
} VipdCheckKind;

/* keepalived's defaults. */
#define VIPD_LVS_DELAY_LOOP_MS 60000
#define VIPD_LVS_CONNECT_TIMEOUT_MS 5000
#define VIPD_LVS_DELAY_BEFORE_RETRY_MS 1000      /* TCP_CHECK, MISC_CHECK */
#define VIPD_LVS_HTTP_DELAY_BEFORE_RETRY_MS 3000 /* HTTP_GET, SSL_GET */
#define VIPD_LVS_RETRY 1      /* TCP_CHECK, HTTP_GET, SSL_GET */
#define VIPD_LVS_MISC_RETRY 0 /* MISC_CHECK */
#define VIPD_LVS_WEIGHT_MAX 65535

typedef struct
{
  guint16 lo, hi; /* "200" is 200-200 */
} VipdStatusRange;

/* One url { } of HTTP_GET/SSL_GET. */
typedef struct
{
  VipdLoc loc;
  char *path;
  char *digest;         /* 32 lower-case hex digits (MD5 of the body), NULL when not written */
  GArray *status_codes; /* VipdStatusRange; empty = any 2xx */
} VipdCheckUrl;

/* Checker settings that keepalived 2.x also takes at virtual_server and real_server level, as
 * defaults for the checkers below: a checker's own setting wins, then its real server's, then
 * its virtual server's, then keepalived's default. */
typedef enum
{
  VIPD_CHECK_SET_CONNECT_TIMEOUT = 1 << 0,
  VIPD_CHECK_SET_RETRY = 1 << 1,
  VIPD_CHECK_SET_DELAY_BEFORE_RETRY = 1 << 2,
  VIPD_CHECK_SET_WARMUP = 1 << 3,
  VIPD_CHECK_SET_DELAY_LOOP = 1 << 4,
} VipdCheckSetting;

typedef struct
{
  guint set; /* VipdCheckSetting bits of the fields written */
  guint connect_timeout_ms;
  guint retry;
  guint delay_before_retry_ms;
  guint warmup_ms;
  guint delay_loop_ms; /* real_server level only: the virtual server's is its delay_loop_ms */
} VipdCheckDefaults;

typedef struct
{
  VipdLoc loc;
  VipdCheckKind kind;
  guint set;           /* VipdCheckSetting bits written in the checker itself */
  VipdAddr connect_ip; /* unset = the real server's address */
  guint connect_port;  /* 0 = the real server's port */
  VipdAddr bindto;
  guint connect_timeout_ms;
  guint retry;
  guint delay_before_retry_ms;
  guint warmup_ms;     /* 0 = none */
  guint delay_loop_ms; /* 0 = the virtual server's */
  GPtrArray *urls;     /* VipdCheckUrl* (HTTP_GET, SSL_GET) */
  char *virtualhost;   /* Host: header; NULL = the virtual server's, else the address */
  VipdCommand misc_path;
  guint misc_timeout_ms; /* 0 = the delay loop */
  gboolean misc_dynamic;
  char *user, *group; /* MISC_CHECK runs as; NULL = script_user */
} VipdChecker;

typedef struct
{
  VipdLoc loc;
  VipdAddr addr;
  guint port;
  guint weight; /* 1 */
  VipdTristate inhibit_on_failure; /* unset = the virtual server's */
  VipdCommand notify_up, notify_down;
  VipdCheckDefaults check_defaults;
  char *virtualhost; /* default Host: of its HTTP_GET/SSL_GET checkers */
  GPtrArray *checkers; /* VipdChecker*, with the defaults above already applied; none = always up */
} VipdRealServer;

typedef enum
{
  VIPD_VS_ADDR,   /* virtual_server IP PORT */
  VIPD_VS_FWMARK, /* virtual_server fwmark N */
  VIPD_VS_GROUP,  /* virtual_server group NAME */
} VipdVsKind;

typedef struct
{
  VipdLoc loc;
  VipdVsKind kind;
  VipdAddr addr;
  guint port;
  guint32 fwmark;
  char *group;
  char *name; /* "192.0.2.100:80/tcp", "[2001:db8::1]:80/tcp", "fwmark:7/tcp", "group:NAME/tcp" */
  guint delay_loop_ms;
  char *lb_algo;     /* "wlc" when not written */
  VipdLoc lb_algo_loc;
  VipdLbKind lb_kind;
  guint16 protocol;  /* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP */
  guint persistence_timeout; /* seconds; 0 = not persistent */
  gboolean has_granularity;
  VipdAddr granularity;      /* IPv4 netmask as written */
  guint granularity_prefix;  /* prefix length (IPv6, or the IPv4 mask's) */
  VipdLoc granularity_loc;
  VipdAddr sorry_addr; /* unset = no sorry server */
  guint sorry_port;
  VipdLoc sorry_loc;
  gboolean sorry_server_inhibit;
  gboolean has_sorry_lb_kind;
  VipdLbKind sorry_lb_kind; /* sorry_server_lvs_method; unset = lb_kind */
  guint quorum;     /* 1 */
  guint hysteresis; /* 0 */
  VipdCommand quorum_up, quorum_down;
  gboolean inhibit_on_failure;
  gboolean alpha, omega;
  VipdCheckDefaults check_defaults; /* delay_loop is delay_loop_ms above */
  char *virtualhost;
  GPtrArray *real_servers; /* VipdRealServer* */
} VipdVirtualServer;

typedef enum
{
  VIPD_VSG_ADDR,   /* IP PORT */
  VIPD_VSG_RANGE,  /* IP-LAST PORT: the last byte (IPv4) or 16 bits (IPv6) run up to LAST */
  VIPD_VSG_FWMARK, /* fwmark N */
} VipdVsgKind;

typedef struct
{
  VipdLoc loc;
  VipdVsgKind kind;
  VipdAddr addr;
  guint range_end; /* VIPD_VSG_RANGE */
  guint port;
  guint32 fwmark;
} VipdVsgEntry;

typedef struct
{
  VipdLoc loc;
  char *name;
  GPtrArray *entries; /* VipdVsgEntry* */
} VipdVsGroup;

VipdVirtualServer *vipd_virtual_server_new (const VipdLoc *loc);
void vipd_virtual_server_free (gpointer vs);
VipdRealServer *vipd_real_server_new (const VipdLoc *loc);
void vipd_real_server_free (gpointer rs);
VipdChecker *vipd_checker_new (VipdCheckKind kind, const VipdLoc *loc);
VipdVsGroup *vipd_vs_group_new (const char *name, const VipdLoc *loc);
void vipd_vs_group_free (gpointer g);

const char *vipd_check_kind_keyword (VipdCheckKind kind); /* "TCP_CHECK", ... */
const char *vipd_lb_kind_name (VipdLbKind kind);          /* "NAT", "DR", "TUN" */
const char *vipd_lvs_protocol_name (guint16 protocol);    /* "TCP", "UDP", "SCTP" */
/* "192.0.2.11:80" or "[2001:db8::11]:80"; newly allocated. */
char *vipd_lvs_endpoint_name (const VipdAddr *addr, guint port);
/* Applies the checker settings written at virtual_server and real_server level to the checkers
 * that did not write them (keepalived 2.x inheritance); run once the block is parsed. */
void vipd_virtual_server_inherit_check_defaults (VipdVirtualServer *vs);
/* The forwarding method of vs's sorry server. */
VipdLbKind vipd_virtual_server_sorry_lb_kind (const VipdVirtualServer *vs);
/* The effective inhibit_on_failure of rs inside vs. */
gboolean vipd_real_server_inhibit (const VipdVirtualServer *vs, const VipdRealServer *rs);
/* A text that changes whenever anything about how rs is checked changes (its checkers and
 * the delay loop they inherit): a reload keeps the checker state of an rs with the same text. */
char *vipd_real_server_check_fingerprint (const VipdVirtualServer *vs, const VipdRealServer *rs);

G_END_DECLS
