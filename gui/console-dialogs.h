/* console-dialogs.h — the dialogs in front of admin actions: confirmation, set priority, add a
 * node. Each ends in an app action (or an app call), never in a D-Bus call of its own. */
#pragma once

#include <adwaita.h>

#include "console-app.h"

/* Activates action ("app.NAME") with target once the admin agrees; target may be floating. */
void console_dialog_confirm (GtkWindow *parent, GActionGroup *app, const char *heading,
                             const char *body, const char *go, const char *action,
                             GVariant *target);
/* Asks for an admin priority, then activates app.set-priority. */
void console_dialog_set_priority (GtkWindow *parent, ConsoleApp *app, const char *spec,
                                  const char *instance);
/* Asks for a node spec and adds it (remembered); a bad spec becomes a toast. */
void console_dialog_add_node (GtkWindow *parent, ConsoleApp *app);
/* Asks for a real server's weight, then activates app.set-weight. */
void console_dialog_set_weight (GtkWindow *parent, ConsoleApp *app, const char *spec,
                                const char *vs, const char *rs);
