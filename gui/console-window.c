/* console-window.c — the main window: an AdwLeaflet with the node list and the cluster view
 * (console-rows.c keeps their rows in line with the model), the primary menu, the dialogs in
 * front of the disruptive actions, toasts, and the JSON report that tests read. */
#include "console-window.h"

#include <glib/gi18n.h>

#include "console-app.h"
#include "console-dialogs.h"
#include "console-events.h"
#include "console-lvs.h"
#include "console-report.h"
#include "console-rows.h"
#include "vipd-build-config.h"

struct _ConsoleWindow
{
  AdwApplicationWindow parent;
  ConsoleApp *app;
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkListBox *node_list;
  GtkBox *cluster_box;
  GtkBox *lvs_box;
  AdwViewStack *stack;
  GtkWidget *back_button;
  GtkWidget *sidebar_header;
  ConsoleRows *rows;
  ConsoleLvs *lvs;
  GHashTable *owner_texts; /* of the last update, for the report */
  char *report_path;
  GPtrArray *toasts; /* texts of the toasts shown, for the test report */
};

G_DEFINE_FINAL_TYPE (ConsoleWindow, console_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *
node_label (ConsoleWindow *self, const char *spec)
{
  return console_app_node_label (self->app, spec);
}

/* The VIPs of the group that (spec, instance) is in, joined for a sentence. */
static char *
group_vips (ConsoleWindow *self, const char *spec, const char *instance)
{
  GPtrArray *groups = cluster_model_get_groups (console_app_get_model (self->app));

  for (guint i = 0; i < groups->len; i++)
    {
      ClusterGroup *g = groups->pdata[i];

      for (guint k = 0; k < g->members->len; k++)
        {
          ClusterInstance *m = g->members->pdata[k];

          if (g_strcmp0 (m->node, spec) == 0 && g_strcmp0 (m->name, instance) == 0)
            return g_strjoinv (", ", g->vips);
        }
    }
  return g_strdup (instance);
}

static void
write_report (ConsoleWindow *self, GHashTable *owner_texts)
{
  g_autoptr (GError) error = NULL;

  if (self->report_path == NULL)
    return;
  g_ptr_array_add (self->toasts, NULL);
  if (!console_report_write (self->report_path, self->app, owner_texts,
                             (const char *const *)self->toasts->pdata,
                             console_rows_get_created (self->rows), self->lvs,
                             adw_view_stack_get_visible_child_name (self->stack), &error))
    g_warning ("test report: %s", error->message);
  g_ptr_array_remove_index (self->toasts, self->toasts->len - 1);
}

static void
model_changed (ConsoleWindow *self)
{
  g_clear_pointer (&self->owner_texts, g_hash_table_unref);
  self->owner_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  console_rows_sync (self->rows, self->owner_texts);
  console_lvs_sync (self->lvs);
  write_report (self, self->owner_texts);
}

/* A dialog came, went, or took the focus: tests wait for that instead of sleeping. */
static void
windows_changed (ConsoleWindow *self)
{
  if (self->owner_texts)
    write_report (self, self->owner_texts);
}

static void
toplevels_changed (GListModel *toplevels, guint position, guint removed, guint added,
                   ConsoleWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      g_signal_connect_object (window, "notify::is-active", G_CALLBACK (windows_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (window, "notify::visible", G_CALLBACK (windows_changed), self,
                               G_CONNECT_SWAPPED);
    }
  windows_changed (self);
}

static void
toast (ConsoleWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  if (self->report_path)
    {
      g_ptr_array_add (self->toasts, g_strdup (text));
      windows_changed (self);
    }
}

/* ---- window actions: the dialogs in front of app actions ---- */

static void
set_priority_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  const char *spec, *instance;

  g_variant_get (param, "(&s&s)", &spec, &instance);
  console_dialog_set_priority (GTK_WINDOW (self), self->app, spec, instance);
}

static void
add_node_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;

  console_dialog_add_node (GTK_WINDOW (self), self->app);
}

static void
move_here_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  const char *spec, *instance;
  g_autofree char *vips = NULL;
  g_autofree char *body = NULL;

  g_variant_get (param, "(&s&s)", &spec, &instance);
  vips = group_vips (self, spec, instance);
  body = g_strdup_printf (_("%s takes %s over now; the other nodes drop their admin "
                            "priorities. Clients may see a short interruption."),
                          node_label (self, spec), vips);
  console_dialog_confirm (GTK_WINDOW (self), G_ACTION_GROUP (self->app), _("Move the VIP Here?"),
                          body, _("_Move"), "app.move-vip-here",
                          g_variant_new ("(ss)", spec, instance));
}

static void
about_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  static const char *developers[] = { "The vipd developers", NULL };
  GtkWidget *about = adw_about_window_new ();

  /* No website: the project has none to point to yet. */
  g_object_set (about, "transient-for", data, "modal", TRUE, "application-name",
                _("vipd Console"), "application-icon", "org.vipd.Console", "version",
                VIPD_VERSION, "developer-name", developers[0], "developers", developers,
                "comments", _("See and steer the virtual IP addresses of a VRRP cluster"),
                "license-type", GTK_LICENSE_GPL_2_0, "copyright", "© The vipd developers",
                /* TRANSLATORS: your name(s), one per line, shown in the About window */
                "translator-credits", _("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
demote_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  const char *spec, *instance;
  g_autofree char *body = NULL;

  g_variant_get (param, "(&s&s)", &spec, &instance);
  body = g_strdup_printf (_("%s on %s hands its VIPs over to another node at once and stays "
                            "backup until it is reset."),
                          instance, node_label (data, spec));
  console_dialog_confirm (GTK_WINDOW (data), G_ACTION_GROUP (((ConsoleWindow *)data)->app),
                          _("Demote This Node?"), body, _("_Demote"), "app.demote",
                g_variant_new ("(ss)", spec, instance));
}

static void
start_maintenance_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  const char *spec = g_variant_get_string (param, NULL);
  g_autofree char *body = g_strdup_printf (
      _("Every instance on %s hands its VIPs over and stays out of the election until "
        "maintenance ends, also across restarts."),
      node_label (data, spec));

  console_dialog_confirm (GTK_WINDOW (data), G_ACTION_GROUP (((ConsoleWindow *)data)->app),
                          _("Start Maintenance?"), body, _("_Start Maintenance"), "app.maintenance",
                g_variant_new ("(sb)", spec, TRUE));
}

static void
forget_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;

  console_app_remove_node (self->app, g_variant_get_string (param, NULL));
}

static void
events_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  ConsoleNode *node = console_app_find_node (self->app, g_variant_get_string (param, NULL));

  if (node)
    gtk_window_present (console_events_window_new (GTK_WINDOW (self), node));
}

static void
drain_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  const char *spec, *vs, *rs;
  g_autofree char *body = NULL;

  g_variant_get (param, "(&s&s&s)", &spec, &vs, &rs);
  body = g_strdup_printf (_("%s gets no new connections of %s on %s until it is enabled; its "
                            "open connections go on, and so do its checks."),
                          rs, vs, node_label (self, spec));
  console_dialog_confirm (GTK_WINDOW (self), G_ACTION_GROUP (self->app),
                          _("Drain This Real Server?"), body, _("_Drain"), "app.drain",
                          g_variant_new ("(sss)", spec, vs, rs));
}

static void
set_weight_activated (GSimpleAction *a, GVariant *param, gpointer data)
{
  ConsoleWindow *self = data;
  const char *spec, *vs, *rs;

  g_variant_get (param, "(&s&s&s)", &spec, &vs, &rs);
  console_dialog_set_weight (GTK_WINDOW (self), self->app, spec, vs, rs);
}

static const GActionEntry win_actions[] = {
  { .name = "drain", .activate = drain_activated, .parameter_type = "(sss)" },
  { .name = "set-weight", .activate = set_weight_activated, .parameter_type = "(sss)" },
  { .name = "events", .activate = events_activated, .parameter_type = "s" },
  { .name = "set-priority", .activate = set_priority_activated, .parameter_type = "(ss)" },
  { .name = "demote", .activate = demote_activated, .parameter_type = "(ss)" },
  { .name = "start-maintenance", .activate = start_maintenance_activated, .parameter_type = "s" },
  { .name = "forget", .activate = forget_activated, .parameter_type = "s" },
  { .name = "move-vip-here", .activate = move_here_activated, .parameter_type = "(ss)" },
  { .name = "add-node", .activate = add_node_activated },
  { .name = "about", .activate = about_activated },
};

/* ---- layout ---- */

static void
node_activated (GtkListBox *list, GtkListBoxRow *row, ConsoleWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked (GtkButton *button, ConsoleWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkWidget *
build_sidebar (ConsoleWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) nodes_section = g_menu_new ();
  g_autoptr (GMenu) app_section = g_menu_new ();
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_set_size_request (box, 240, -1);
  self->sidebar_header = header;
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Nodes"), NULL));
  gtk_widget_set_tooltip_text (add, _("Add a node"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add a node"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "win.add-node");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), add);

  /* The primary menu (HIG): what concerns the whole window, and the app's own pages. */
  g_menu_append (nodes_section, _("_Add Node…"), "win.add-node");
  g_menu_append (nodes_section, _("_Reconnect Now"), "app.reconnect");
  g_menu_append (app_section, _("_Keyboard Shortcuts"), "win.show-help-overlay");
  g_menu_append (app_section, _("_About vipd Console"), "win.about");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (nodes_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (app_section));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_menu_button_set_primary (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_widget_set_tooltip_text (menu_button, _("Main Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Main Menu"), -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_add_css_class (list, "navigation-sidebar");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  g_signal_connect (list, "row-activated", G_CALLBACK (node_activated), self);
  self->node_list = GTK_LIST_BOX (list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), list);
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_box_append (GTK_BOX (box), scroll);
  return box;
}

/* A page of the content: a box of sections, clamped and scrolled. */
static GtkWidget *
scrolled_page (GtkBox **out)
{
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), clamp);
  gtk_widget_set_vexpand (scroll, TRUE);
  *out = GTK_BOX (box);
  return scroll;
}

/* The content: a view switcher (HIG) between the VRRP cluster and the LVS virtual servers; it
 * sits in the header when there is room and moves to a bar at the bottom when there is not. */
static GtkWidget *
build_content (ConsoleWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *stack = adw_view_stack_new ();
  GtkWidget *switcher = adw_view_switcher_title_new ();
  GtkWidget *bar = adw_view_switcher_bar_new ();
  AdwViewStackPage *page;

  gtk_widget_set_hexpand (box, TRUE);
  self->stack = ADW_VIEW_STACK (stack);
  page = adw_view_stack_add_titled (self->stack, scrolled_page (&self->cluster_box), "cluster",
                                    _("Cluster"));
  adw_view_stack_page_set_icon_name (page, "network-workgroup-symbolic");
  page = adw_view_stack_add_titled (self->stack, scrolled_page (&self->lvs_box), "lvs",
                                    _("Virtual Servers"));
  adw_view_stack_page_set_icon_name (page, "network-server-symbolic");
  gtk_widget_set_vexpand (stack, TRUE);

  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (switcher), self->stack);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (switcher), _("vipd Console"));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), switcher);
  adw_view_switcher_bar_set_stack (ADW_VIEW_SWITCHER_BAR (bar), self->stack);
  g_object_bind_property (switcher, "title-visible", bar, "reveal",
                          G_BINDING_SYNC_CREATE);

  self->back_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (self->back_button, _("Back to the nodes"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->back_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to the nodes"), -1);
  g_signal_connect (self->back_button, "clicked", G_CALLBACK (back_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->back_button);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), stack);
  gtk_box_append (GTK_BOX (box), bar);
  return box;
}

/* Side by side, the window buttons belong to the content's header only; folded, the node list
 * is a page of its own and needs them too (else a narrow window has no close button). */
static void
folded_changed (ConsoleWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  gtk_widget_set_visible (self->back_button, folded);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (self->sidebar_header), folded);
}

static void
console_window_dispose (GObject *obj)
{
  ConsoleWindow *self = CONSOLE_WINDOW (obj);

  if (self->app)
    g_signal_handlers_disconnect_by_data (self->app, self);
  g_clear_pointer (&self->rows, console_rows_free);
  g_clear_pointer (&self->lvs, console_lvs_free);
  g_clear_pointer (&self->owner_texts, g_hash_table_unref);
  g_clear_pointer (&self->report_path, g_free);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  G_OBJECT_CLASS (console_window_parent_class)->dispose (obj);
}

static void
console_window_class_init (ConsoleWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = console_window_dispose;
}

static void
console_window_init (ConsoleWindow *self)
{
  self->toasts = g_ptr_array_new_with_free_func (g_free);
}

ConsoleWindow *
console_window_new (ConsoleApp *app)
{
  ConsoleWindow *self = g_object_new (CONSOLE_TYPE_WINDOW, "application", app, "title",
                                      _("vipd Console"), "default-width", 800, "default-height",
                                      600, NULL);
  GtkWidget *leaflet = adw_leaflet_new ();
  GtkWidget *toasts = adw_toast_overlay_new ();
  const char *report = g_getenv ("VIPD_CONSOLE_TEST_REPORT");
  AdwLeafletPage *page;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  self->app = app;
  self->report_path = (report && *report) ? g_strdup (report) : NULL;
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 300);

  self->leaflet = ADW_LEAFLET (leaflet);
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  adw_leaflet_append (self->leaflet, build_sidebar (self));
  page = adw_leaflet_append (self->leaflet, gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  adw_leaflet_page_set_navigatable (page, FALSE);
  adw_leaflet_append (self->leaflet, build_content (self));
  g_signal_connect_swapped (leaflet, "notify::folded", G_CALLBACK (folded_changed), self);
  folded_changed (self);

  self->toast_overlay = ADW_TOAST_OVERLAY (toasts);
  adw_toast_overlay_set_child (self->toast_overlay, leaflet);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), toasts);

  self->rows = console_rows_new (app, self->node_list, self->cluster_box);
  self->lvs = console_lvs_new (app, self->lvs_box);
  /* win.page: which page shows ("cluster" or "lvs"), for scripts and tests. */
  {
    g_autoptr (GPropertyAction) page_action =
        g_property_action_new ("page", self->stack, "visible-child-name");

    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (page_action));
  }
  g_signal_connect_swapped (self->stack, "notify::visible-child-name",
                            G_CALLBACK (windows_changed), self);
  g_signal_connect_swapped (app, "model-changed", G_CALLBACK (model_changed), self);
  g_signal_connect_swapped (app, "toast", G_CALLBACK (toast), self);
  if (self->report_path)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      toplevels_changed (toplevels, 0, 0, g_list_model_get_n_items (toplevels), self);
      g_signal_connect_object (toplevels, "items-changed", G_CALLBACK (toplevels_changed), self,
                               0);
    }
  model_changed (self);
  return self;
}
