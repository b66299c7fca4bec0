/* console-app.h — vipd-console's AdwApplication: the nodes, the cluster model and the admin
 * actions (app.demote, app.move-vip-here, app.reset; parameter (node, instance); app.drain,
 * app.enable (node, virtual server, real server), app.set-weight (…, weight)). */
#pragma once

#include <adwaita.h>

#include "cluster-model.h"
#include "console-node.h"

#define CONSOLE_TYPE_APP (console_app_get_type ())
G_DECLARE_FINAL_TYPE (ConsoleApp, console_app, CONSOLE, APP, AdwApplication)

ConsoleApp *console_app_new (void);

/* ConsoleNode*, in the order they were added. */
GPtrArray *console_app_get_nodes (ConsoleApp *app);
/* Node ids in the model are node specs. */
ClusterModel *console_app_get_model (ConsoleApp *app);
/* The node whose spec or label is id, or NULL. */
ConsoleNode *console_app_find_node (ConsoleApp *app, const char *id);
/* What the admin knows the node id by: its RouterId once known, else id itself. */
const char *console_app_node_label (ConsoleApp *app, const char *id);
/* Adds (and when remember, saves) a node; FALSE with error for a bad spec or a duplicate. */
gboolean console_app_add_node (ConsoleApp *app, const char *spec, gboolean remember,
                               GError **error);
void console_app_remove_node (ConsoleApp *app, const char *spec);
/* Whether an admin call on that instance is running. */
gboolean console_app_is_busy (ConsoleApp *app, const char *spec, const char *instance);
/* The busy key of a real server's row (the instance argument of console_app_is_busy). */
char *console_app_rs_key (const char *vs, const char *rs);
