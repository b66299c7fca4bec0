/* console-events.h — one node's event log (GetEvents, then live Event signals), filterable. */
#pragma once

#include <adwaita.h>

#include "console-node.h"

/* A window over parent showing node's state transitions; it follows the node while open. */
GtkWindow *console_events_window_new (GtkWindow *parent, ConsoleNode *node);
