/* console-rows.h — the widgets of the node list and of the cluster view, kept in line with the
 * cluster model in place: every row has a key (node, group, alarm, member) and a row is only
 * created or removed when what it shows comes or goes. */
#pragma once

#include <adwaita.h>

#include "console-app.h"

typedef struct _ConsoleRows ConsoleRows;

/* Fills node_list and cluster_box (both empty, owned by the caller's window). */
ConsoleRows *console_rows_new (ConsoleApp *app, GtkListBox *node_list, GtkBox *cluster_box);
void console_rows_free (ConsoleRows *rows);

/* Brings every row up to date with the app's model and nodes. owner_texts (group key -> owner
 * line as shown) is filled for the test report. */
void console_rows_sync (ConsoleRows *rows, GHashTable *owner_texts);

/* How many node, group and member rows were created since the start (alarm rows come and go
 * with their alarms): a test follows it to see that a property change updates rows in place. */
guint console_rows_get_created (ConsoleRows *rows);
