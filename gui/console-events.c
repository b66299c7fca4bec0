/* console-events.c — the event log of one node.
 *
 * History comes from Manager.GetEvents (vipd keeps the newest 1024); new transitions arrive as
 * Manager.Event signals on the same proxy, so the log is live without polling. The search entry
 * filters on every column (instance, states, reason). */
#include "console-events.h"

#include <string.h>

#include <glib/gi18n.h>

#define HISTORY_MAX 500

typedef struct
{
  GtkListBox *list;
  GtkSearchEntry *search;
  GtkWidget *status;
  VipdDBusManager *manager;
  gulong event_id;
  GCancellable *cancellable;
  guint64 last_usec; /* newest event shown: GetEvents and a live signal may overlap */
  char *report_path; /* VIPD_CONSOLE_TEST_REPORT + ".events": the rows, for tests */
  GPtrArray *titles;
} EventsView;

static void
events_view_free (EventsView *v)
{
  g_cancellable_cancel (v->cancellable);
  g_clear_object (&v->cancellable);
  if (v->manager)
    g_clear_signal_handler (&v->event_id, v->manager);
  g_clear_object (&v->manager);
  g_free (v->report_path);
  g_ptr_array_unref (v->titles);
  g_free (v);
}

static void
add_event (EventsView *v, guint64 usec, const char *instance, const char *old_state,
           const char *new_state, const char *reason)
{
  GtkWidget *row;
  g_autoptr (GDateTime) t = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (usec < v->last_usec)
    return;
  v->last_usec = usec;
  t = g_date_time_new_from_unix_local ((gint64)(usec / G_USEC_PER_SEC));
  when = g_date_time_format (t, "%Y-%m-%d %H:%M:%S");
  /* TRANSLATORS: instance, old state → new state */
  title = g_strdup_printf (_("%s: %s → %s"), instance, old_state, new_state);
  subtitle = g_strdup_printf ("%s · %s", when, reason);
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "text",
                          g_utf8_casefold (g_strconcat (title, " ", subtitle, NULL), -1), g_free);
  /* Newest first. */
  gtk_list_box_prepend (v->list, row);
  gtk_widget_set_visible (v->status, FALSE);
  g_ptr_array_add (v->titles, g_strdup_printf ("%s (%s)", title, reason));
  if (v->report_path)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < v->titles->len; i++)
        g_string_append_printf (text, "%s\n", (char *)v->titles->pdata[i]);
      if (!g_file_set_contents (v->report_path, text->str, -1, NULL))
        g_warning ("cannot write %s", v->report_path);
    }
}

static gboolean
filter_row (GtkListBoxRow *row, gpointer data)
{
  EventsView *v = data;
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (v->search));
  g_autofree char *folded = NULL;
  const char *text = g_object_get_data (G_OBJECT (row), "text");

  if (needle == NULL || *needle == '\0')
    return TRUE;
  folded = g_utf8_casefold (needle, -1);
  return text && strstr (text, folded) != NULL;
}

/* For tests: the rows the filter lets through, newest first, after each change of the filter. */
static void
write_shown (EventsView *v)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *path = g_strconcat (v->report_path, "-shown", NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (v->list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_child_visible (row))
      g_string_append_printf (text, "%s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  g_string_append (text, "--\n"); /* the end: an empty filter result is still a result */
  if (!g_file_set_contents (path, text->str, -1, NULL))
    g_warning ("cannot write %s", path);
}

static void
search_changed (GtkSearchEntry *entry, EventsView *v)
{
  gtk_list_box_invalidate_filter (v->list);
  if (v->report_path)
    write_shown (v);
}

static void
event_cb (VipdDBusManager *manager, guint64 usec, const char *instance, const char *old_state,
          const char *new_state, const char *reason, EventsView *v)
{
  add_event (v, usec, instance, old_state, new_state, reason);
}

static void
history_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  EventsView *v = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) events = NULL;
  g_autoptr (GVariantIter) it = NULL;
  guint64 usec;
  const char *instance, *old_state, *new_state, *reason;

  if (!vipd_dbus_manager_call_get_events_finish (VIPD_DBUS_MANAGER (src), &events, res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_dbus_error_strip_remote_error (error);
      adw_status_page_set_title (ADW_STATUS_PAGE (v->status), _("Cannot Read the Events"));
      adw_status_page_set_description (ADW_STATUS_PAGE (v->status), error->message);
      return;
    }
  it = g_variant_iter_new (events);
  while (g_variant_iter_next (it, "(t&s&s&s&s)", &usec, &instance, &old_state, &new_state, &reason))
    add_event (v, usec, instance, old_state, new_state, reason);
}

GtkWindow *
console_events_window_new (GtkWindow *parent, ConsoleNode *node)
{
  GtkWidget *win = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *search = gtk_search_entry_new ();
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *status = adw_status_page_new ();
  g_autofree char *title = g_strdup_printf (_("Events of %s"), console_node_get_label (node));
  EventsView *v = g_new0 (EventsView, 1);

  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_window_set_transient_for (GTK_WINDOW (win), parent);
  /* Ctrl+W closes a secondary window (HIG); Escape stays with the search entry. */
  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (keys),
      gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>w"),
                        gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (win, keys);
  gtk_window_set_title (GTK_WINDOW (win), title);
  gtk_window_set_default_size (GTK_WINDOW (win), 560, 460);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, NULL));
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_set_margin_start (search, 12);
  gtk_widget_set_margin_end (search, 12);
  gtk_widget_set_margin_top (search, 6);
  gtk_widget_set_margin_bottom (search, 6);
  /* GTK 4.8 has the property but not yet its setter. */
  g_object_set (search, "placeholder-text", _("Filter by instance, state or reason"), NULL);
  gtk_box_append (GTK_BOX (box), search);
  /* Typing anywhere in the window filters: the log is for reading, the entry its only input. */
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (search), win);
  gtk_window_set_focus (GTK_WINDOW (win), search);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_margin_start (list, 12);
  gtk_widget_set_margin_end (list, 12);
  gtk_widget_set_margin_bottom (list, 12);
  gtk_widget_set_valign (list, GTK_ALIGN_START);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No Events Yet"));
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "document-open-recent-symbolic");
  gtk_overlay_set_child (GTK_OVERLAY (overlay), scroll);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), status);
  gtk_widget_set_vexpand (overlay, TRUE);
  gtk_box_append (GTK_BOX (box), overlay);
  adw_window_set_content (ADW_WINDOW (win), box);

  v->list = GTK_LIST_BOX (list);
  v->search = GTK_SEARCH_ENTRY (search);
  v->status = status;
  v->cancellable = g_cancellable_new ();
  v->titles = g_ptr_array_new_with_free_func (g_free);
  if (g_getenv ("VIPD_CONSOLE_TEST_REPORT") && *g_getenv ("VIPD_CONSOLE_TEST_REPORT"))
    v->report_path = g_strconcat (g_getenv ("VIPD_CONSOLE_TEST_REPORT"), ".events", NULL);
  gtk_list_box_set_filter_func (v->list, filter_row, v, NULL);
  g_signal_connect (search, "search-changed", G_CALLBACK (search_changed), v);
  g_object_set_data_full (G_OBJECT (win), "events-view", v, (GDestroyNotify)events_view_free);

  v->manager = console_node_get_manager (node);
  if (v->manager)
    {
      g_object_ref (v->manager);
      /* Subscribe first, then read the history: add_event drops what is older than shown. */
      v->event_id = g_signal_connect (v->manager, "event", G_CALLBACK (event_cb), v);
      vipd_dbus_manager_call_get_events (v->manager, 0, HISTORY_MAX, v->cancellable, history_cb,
                                         v);
    }
  else
    adw_status_page_set_description (ADW_STATUS_PAGE (status), _("The node is not connected."));
  return GTK_WINDOW (win);
}
