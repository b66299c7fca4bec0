/* script-security.h — keepalived's enable_script_security: a script that someone other than
 * root could change is never run as root. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks path and every directory above it: each must be owned by root and not writable by
 * group or others (a group-writable one is fine when the group is root; a sticky directory
 * such as /tmp is fine since nobody else can replace a root-owned file in it). A relative
 * path is looked up in PATH. FALSE with a GError naming the offending file otherwise. */
gboolean vipd_script_security_check (const char *path, GError **error);

G_END_DECLS
