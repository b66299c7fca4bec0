/* bus-authority.c — the polkit check, spoken directly over D-Bus: no libpolkit, no thread, and
 * a missing polkitd fails fast with a clear message. */
#include "bus-authority.h"

#include "bus-names.h"

#define POLKIT_CHECK_ALLOW_USER_INTERACTION 1u

typedef struct
{
  GDBusMethodInvocation *invocation;
  char *action;
  guint32 uid;
} AuthData;

static void
auth_data_free (gpointer data)
{
  AuthData *d = data;

  g_object_unref (d->invocation);
  g_free (d->action);
  g_free (d);
}

static void
on_polkit_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthData *d = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) details = NULL;
  gboolean authorized = FALSE, challenge = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      g_dbus_error_strip_remote_error (error);
      g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                               "Not authorized for %s: polkit could not be asked (%s%s%s); "
                               "only root may do this while polkitd is unavailable",
                               d->action, remote ? remote : "", remote ? ": " : "",
                               error->message);
      return;
    }
  g_variant_get (reply, "((bb@a{ss}))", &authorized, &challenge, &details);
  if (authorized)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (challenge)
    g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                             "Not authorized for %s without authentication: call again allowing "
                             "interactive authorization (busctl --allow-interactive-"
                             "authorization=yes; vipctl asks when run on a terminal)",
                             d->action);
  else
    g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                             "Not authorized for %s: uid %u is not allowed by polkit (ask an "
                             "administrator to add you to the vipd admin group)",
                             d->action, d->uid);
}

static void
on_uid_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthData *d = g_task_get_task_data (task);
  GDBusConnection *bus = G_DBUS_CONNECTION (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (bus, res, &error);
  GDBusMessage *msg = g_dbus_method_invocation_get_message (d->invocation);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint32 flags = 0;
  GVariantBuilder subject_details, details;

  if (reply == NULL)
    {
      g_task_return_new_error (task, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                               "Not authorized for %s: cannot identify the caller (%s)", d->action,
                               error->message);
      return;
    }
  g_variant_get (reply, "(u)", &d->uid);
  if (d->uid == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_dbus_message_get_flags (msg) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_CHECK_ALLOW_USER_INTERACTION;
  g_variant_builder_init (&subject_details, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject_details, "{sv}", "name",
                         g_variant_new_string (g_dbus_method_invocation_get_sender (d->invocation)));
  g_variant_builder_init (&details, G_VARIANT_TYPE ("a{ss}"));
  g_dbus_connection_call (bus, POLKIT_DBUS_NAME, POLKIT_DBUS_PATH, POLKIT_DBUS_IFACE,
                          "CheckAuthorization",
                          g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name", &subject_details,
                                         d->action, &details, flags, ""),
                          G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                          /* An admin typing a password needs time; a hung polkitd only
                           * delays this caller, never VRRP. */
                          flags ? 5 * 60 * 1000 : -1, cancellable, on_polkit_reply,
                          g_steal_pointer (&task));
}

void
vipd_bus_authorize (GDBusMethodInvocation *invocation, const char *action,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  AuthData *d = g_new0 (AuthData, 1);
  GDBusConnection *bus = g_dbus_method_invocation_get_connection (invocation);

  d->invocation = g_object_ref (invocation);
  d->action = g_strdup (action);
  g_task_set_task_data (task, d, auth_data_free);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixUser",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_uid_reply,
                          task);
}

gboolean
vipd_bus_authorize_finish (GAsyncResult *result, guint32 *uid, GError **error)
{
  AuthData *d = g_task_get_task_data (G_TASK (result));

  if (uid)
    *uid = d->uid;
  return g_task_propagate_boolean (G_TASK (result), error);
}
