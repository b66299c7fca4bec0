/* console-dialogs.c — confirmation, set priority and add-node dialogs (AdwMessageDialog). */
#include "console-dialogs.h"

#include <string.h>

#include <glib/gi18n.h>

typedef struct
{
  GActionGroup *app;
  char *action; /* "app.NAME" */
  GVariant *target;
} Confirm;

static void
confirm_free (Confirm *c)
{
  g_object_unref (c->app);
  g_free (c->action);
  g_variant_unref (c->target);
  g_free (c);
}

static void
confirm_response (AdwMessageDialog *dialog, const char *response, Confirm *c)
{
  if (g_strcmp0 (response, "go") == 0)
    g_action_group_activate_action (c->app, c->action + strlen ("app."), c->target);
  confirm_free (c);
}

void
console_dialog_confirm (GtkWindow *parent, GActionGroup *app, const char *heading,
                        const char *body, const char *go, const char *action, GVariant *target)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
  Confirm *c = g_new0 (Confirm, 1);

  g_return_if_fail (g_str_has_prefix (action, "app."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "go", go, NULL);
  adw_message_dialog_set_response_appearance (dialog, "go", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  c->app = g_object_ref (app);
  c->action = g_strdup (action);
  c->target = g_variant_ref_sink (target);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response), c);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A dialog that asks for one number in [min, max]; on_response gets target (its floating
 * reference is taken) and reads the number from the spin button, the dialog's extra child. */
static void
number_dialog (GtkWindow *parent, const char *heading, const char *body, const char *label,
               double min, double max, double value, GCallback on_response, GVariant *target)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), spin);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "set",
                                    _("_Set"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", on_response, g_variant_ref_sink (target),
                         (GClosureNotify)(void (*) (void))g_variant_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
priority_response (AdwMessageDialog *dialog, const char *response, GVariant *target)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (adw_message_dialog_get_extra_child (dialog));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  const char *spec, *instance;

  if (g_strcmp0 (response, "set") == 0 && parent)
    {
      g_variant_get (target, "(&s&s)", &spec, &instance);
      g_action_group_activate_action (
          G_ACTION_GROUP (gtk_window_get_application (parent)), "set-priority",
          g_variant_new ("(ssy)", spec, instance, (guint8)gtk_spin_button_get_value_as_int (spin)));
    }
}

void
console_dialog_set_priority (GtkWindow *parent, ConsoleApp *app, const char *spec,
                             const char *instance)
{
  ConsoleNode *node;
  g_autoptr (VipdDBusInstance) inst = NULL;
  g_autofree char *body = NULL;

  node = console_app_find_node (app, spec);
  inst = node ? console_node_find_instance (node, instance) : NULL;
  if (inst == NULL)
    return;
  body = g_strdup_printf (_("An admin priority for %s on %s replaces its configured priority "
                            "(%u) until it is reset; 1 to 254."),
                          instance, console_node_get_label (node),
                          vipd_dbus_instance_get_base_priority (inst));
  number_dialog (parent, _("Set Priority"), body, _("Priority"), 1, 254,
                 vipd_dbus_instance_get_effective_priority (inst), G_CALLBACK (priority_response),
                 g_variant_new ("(ss)", spec, instance));
}

static void
weight_response (AdwMessageDialog *dialog, const char *response, GVariant *target)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (adw_message_dialog_get_extra_child (dialog));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  const char *spec, *vs, *rs;

  if (g_strcmp0 (response, "set") == 0 && parent)
    {
      g_variant_get (target, "(&s&s&s)", &spec, &vs, &rs);
      g_action_group_activate_action (
          G_ACTION_GROUP (gtk_window_get_application (parent)), "set-weight",
          g_variant_new ("(sssu)", spec, vs, rs, (guint32)gtk_spin_button_get_value_as_int (spin)));
    }
}

void
console_dialog_set_weight (GtkWindow *parent, ConsoleApp *app, const char *spec, const char *vs,
                           const char *rs)
{
  ConsoleNode *node = console_app_find_node (app, spec);
  g_autoptr (VipdDBusRealServer) proxy = node ? console_node_find_real_server (node, vs, rs) : NULL;
  g_autofree char *body = NULL;

  if (proxy == NULL)
    return;
  body = g_strdup_printf (_("A weight for %s in %s on %s replaces its configured weight (%u) "
                            "until it is enabled again; 0 to 65535, 0 drains it."),
                          rs, vs, console_node_get_label (node),
                          vipd_dbus_real_server_get_configured_weight (proxy));
  number_dialog (parent, _("Set Weight"), body, _("Weight"), 0, 65535,
                 vipd_dbus_real_server_get_weight (proxy), G_CALLBACK (weight_response),
                 g_variant_new ("(sss)", spec, vs, rs));
}

static void
add_response (AdwMessageDialog *dialog, const char *response, ConsoleApp *app)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;

  if (g_strcmp0 (response, "add") != 0)
    return;
  spec = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (!console_app_add_node (app, spec, TRUE, &error))
    g_signal_emit_by_name (app, "toast", error->message);
}

static void
entry_activate (GtkEntry *entry, AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "add");
  gtk_window_close (GTK_WINDOW (dialog));
}

void
console_dialog_add_node (GtkWindow *parent, ConsoleApp *app)
{
  GtkWidget *dialog = adw_message_dialog_new (
      parent, _("Add a Node"),
      _("“system” for this machine, “ssh:HOST” for a server reached with ssh (keys or an agent; "
        "the host needs systemd-stdio-bridge), or a D-Bus address."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "ssh:router1.example.org");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Node"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "add",
                                    _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (add_response), app);
  g_signal_connect (entry, "activate", G_CALLBACK (entry_activate), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}
