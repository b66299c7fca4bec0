/* console-report.h — the console's state as JSON, for tests (VIPD_CONSOLE_TEST_REPORT=path). */
#pragma once

#include "console-app.h"
#include "console-lvs.h"

/* Writes nodes, groups, owners, alarms, busy rows and the open windows (dialogs by their
 * heading, which one is active); owner_texts maps a group key to the owner line exactly as the
 * window shows it, rows_created counts the rows made so far (console-rows.c); lvs adds the
 * Virtual servers page and page names the page shown. */
gboolean console_report_write (const char *path, ConsoleApp *app, GHashTable *owner_texts,
                               const char *const *toasts, guint rows_created, ConsoleLvs *lvs,
                               const char *page, GError **error);
