/* console-window.h — the main window: nodes on the left, the cluster view on the right. */
#pragma once

#include <adwaita.h>

typedef struct _ConsoleApp ConsoleApp;

#define CONSOLE_TYPE_WINDOW (console_window_get_type ())
G_DECLARE_FINAL_TYPE (ConsoleWindow, console_window, CONSOLE, WINDOW, AdwApplicationWindow)

ConsoleWindow *console_window_new (ConsoleApp *app);
