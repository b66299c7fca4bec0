/* console-widgets.c — setters that leave an unchanged widget alone. */
#include "console-widgets.h"

void
console_set_label (GtkWidget *label, const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) != 0)
    gtk_label_set_text (GTK_LABEL (label), text);
}

void
console_set_row_title (GtkWidget *row, const char *text)
{
  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), text) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
}

void
console_set_row_subtitle (GtkWidget *row, const char *text)
{
  if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), text) != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
}
