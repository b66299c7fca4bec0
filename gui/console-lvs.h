/* console-lvs.h — the "Virtual servers" page: every node's LVS virtual servers with their real
 * servers, keyed rows updated in place as in console-rows.c. */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "console-app.h"

typedef struct _ConsoleLvs ConsoleLvs;

/* Fills box (empty, owned by the caller's window). */
ConsoleLvs *console_lvs_new (ConsoleApp *app, GtkBox *box);
void console_lvs_free (ConsoleLvs *lvs);
/* Brings the page up to date with the app's nodes. */
void console_lvs_sync (ConsoleLvs *lvs);
/* Adds "virtual_servers" (what each row shows) and "lvs_rows_created" to the test report. */
void console_lvs_report (ConsoleLvs *lvs, JsonBuilder *b);
