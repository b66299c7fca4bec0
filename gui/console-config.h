/* console-config.h — the nodes the console remembers between runs
 * ($XDG_CONFIG_HOME/vipd-console/nodes.ini). */
#pragma once

#include <glib.h>

/* The remembered node specs (empty when there is no file yet); NULL with error on a bad file. */
char **console_config_load_nodes (GError **error);
gboolean console_config_save_nodes (const char *const *specs, GError **error);
