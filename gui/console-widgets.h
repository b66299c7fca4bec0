/* console-widgets.h — setters that leave an unchanged widget alone, so that rows updated in
 * place never re-layout, lose a selection or make a screen reader start over for nothing. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void console_set_label (GtkWidget *label, const char *text);
void console_set_row_title (GtkWidget *row, const char *text);    /* an AdwPreferencesRow */
void console_set_row_subtitle (GtkWidget *row, const char *text); /* an AdwActionRow */

G_END_DECLS
