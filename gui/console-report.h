/* console-report.h — the console's state as JSON, for tests (VIPD_CONSOLE_TEST_REPORT=path). */
#pragma once

#include "console-app.h"

/* Writes nodes, groups, owners, alarms and busy rows; owner_texts maps a group key to the owner
 * line exactly as the window shows it. */
gboolean console_report_write (const char *path, ConsoleApp *app, GHashTable *owner_texts,
                               const char *const *toasts, GError **error);
