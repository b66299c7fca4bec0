/* console-node.h — one vipd node seen by the console: a bus connection, an ObjectManager client
 * for org.vipd.Vrrp1, its connection state, and reconnection with backoff. */
#pragma once

#include <gio/gio.h>

#include "vipd-dbus-generated.h"

typedef enum
{
  CONSOLE_NODE_CONNECTING,
  CONSOLE_NODE_CONNECTED,   /* vipd owns its name on this bus */
  CONSOLE_NODE_NO_VIPD,     /* the bus answers, vipd is not on it */
  CONSOLE_NODE_UNREACHABLE, /* no bus; a reconnect is scheduled */
} ConsoleNodeState;

#define CONSOLE_TYPE_NODE (console_node_get_type ())
G_DECLARE_FINAL_TYPE (ConsoleNode, console_node, CONSOLE, NODE, GObject)

/* spec: "system" (the local system bus), "ssh:HOST" (ssh -T HOST systemd-stdio-bridge), or a
 * D-Bus address such as "unix:path=/run/dbus/system_bus_socket". NULL if spec is none of them. */
ConsoleNode *console_node_new (const char *spec, GError **error);
void console_node_start (ConsoleNode *node);
/* Tries an unreachable node again now, with the backoff reset; FALSE (nothing done) for a node
 * that is connected or already connecting. */
gboolean console_node_reconnect (ConsoleNode *node);

const char *console_node_get_spec (ConsoleNode *node);
/* The node's RouterId once known, else its spec. */
const char *console_node_get_label (ConsoleNode *node);
ConsoleNodeState console_node_get_state (ConsoleNode *node);
/* Whether the node is to be shown as unreachable: it is, or it failed and a retry is still
 * connecting (so the alarm does not blink at each retry). FALSE while it connects the first
 * time: a console that starts must not raise an alarm for every node. */
gboolean console_node_is_down (ConsoleNode *node);
/* Connection attempts that failed since the node was last connected. */
guint console_node_get_failures (ConsoleNode *node);
const char *console_node_state_to_string (ConsoleNodeState state);
/* The last connection error, or NULL. */
const char *console_node_get_error (ConsoleNode *node);
/* Instance proxies (new references), or NULL when not connected. */
GList *console_node_get_instances (ConsoleNode *node);
/* The Manager proxy (borrowed), or NULL before it is known. */
VipdDBusManager *console_node_get_manager (ConsoleNode *node);
/* "name: status" of the track scripts at paths, for the view (a new strv). */
char **console_node_describe_tracks (ConsoleNode *node, const char *const *paths);
/* Name and State of the SyncGroup at path (new strings), or both NULL when path is "/" or
 * unknown. */
void console_node_describe_sync_group (ConsoleNode *node, const char *path, char **name,
                                       char **state);
/* The Instance proxy of that Name (a new reference), or NULL. */
VipdDBusInstance *console_node_find_instance (ConsoleNode *node, const char *name);
/* VirtualServer proxies sorted by Name (new references), or NULL when not connected. */
GList *console_node_get_virtual_servers (ConsoleNode *node);
/* The RealServer proxies of vs in its order (new references). */
GList *console_node_get_real_servers (ConsoleNode *node, VipdDBusVirtualServer *vs);
/* The RealServer rs_name of the virtual server vs_name (a new reference), or NULL. */
VipdDBusRealServer *console_node_find_real_server (ConsoleNode *node, const char *vs_name,
                                                   const char *rs_name);
