/* vipctl-bus.c — connecting to vipd, finding instances, and turning D-Bus errors into advice. */
#include "vipctl.h"

#include <stdio.h>
#include <unistd.h>

#include "bus-names.h"
#include "vipctl-config.h"

int
vipctl_fail (int code, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  fprintf (stderr, "vipctl: %s\n", msg);
  return code;
}

static const char *
bus_label (VipctlOptions *o)
{
  return o->address ? o->address : "the system bus";
}

int
vipctl_connect (VipctlOptions *o)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *owner = NULL;

  if (o->address)
    o->bus = g_dbus_connection_new_for_address_sync (
        o->address,
        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
            | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
        NULL, NULL, &error);
  else
    o->bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (o->bus == NULL)
    return vipctl_fail (VIPCTL_EXIT_NOT_RUNNING,
                        "cannot connect to %s (%s); is dbus-daemon running?", bus_label (o),
                        error->message);

  /* No auto-start: asking for status must not launch a daemon behind the admin's back. */
  o->objects = vipd_dbus_object_manager_client_new_sync (
      o->bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, VIPD_DBUS_NAME, VIPD_DBUS_PATH,
      NULL, &error);
  if (o->objects == NULL)
    return vipctl_fail (VIPCTL_EXIT_NOT_RUNNING, "cannot read vipd's objects on %s (%s)",
                        bus_label (o), error->message);
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (o->objects));
  if (owner == NULL)
    return vipctl_fail (VIPCTL_EXIT_NOT_RUNNING,
                        "vipd is not running on this bus (%s has no owner on %s); start it "
                        "with \"systemctl start vipd\"",
                        VIPD_DBUS_NAME, bus_label (o));
  return VIPCTL_EXIT_OK;
}

static gint
compare_by_name (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (vipd_dbus_instance_get_name ((VipdDBusInstance *)a),
                    vipd_dbus_instance_get_name ((VipdDBusInstance *)b));
}

GList *
vipctl_list_instances (VipctlOptions *o)
{
  GList *objects = g_dbus_object_manager_get_objects (o->objects);
  GList *instances = NULL;

  for (GList *l = objects; l; l = l->next)
    {
      VipdDBusInstance *inst = vipd_dbus_object_get_instance (l->data);

      if (inst)
        instances = g_list_prepend (instances, inst);
    }
  g_list_free_full (objects, g_object_unref);
  return g_list_sort (instances, compare_by_name);
}

VipdDBusInstance *
vipctl_find_instance (VipctlOptions *o, const char *name, int *code)
{
  GList *instances = vipctl_list_instances (o);
  VipdDBusInstance *found = NULL;
  g_autoptr (GString) known = g_string_new (NULL);

  for (GList *l = instances; l; l = l->next)
    {
      const char *n = vipd_dbus_instance_get_name (l->data);

      if (found == NULL && g_strcmp0 (n, name) == 0)
        found = g_object_ref (l->data);
      g_string_append_printf (known, "%s%s", known->len ? ", " : "", n);
    }
  g_list_free_full (instances, g_object_unref);
  if (found == NULL)
    *code = vipctl_fail (VIPCTL_EXIT_NO_INSTANCE,
                         "no instance \"%s\" in vipd (instances: %s); see \"vipctl status\"", name,
                         known->len ? known->str : "none");
  return found;
}

int
vipctl_report_error (GError *error, const char *what, const char *action)
{
  g_dbus_error_strip_remote_error (error);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    {
      vipctl_fail (VIPCTL_EXIT_DENIED, "%s: not authorized: %s", what, error->message);
      fprintf (stderr,
               "vipctl: the polkit action is %s; run vipctl as root (sudo vipctl ...) or ask an "
               "administrator to add you to the \"%s\" group%s\n",
               action ? action : "(none)", VIPCTL_ADMIN_GROUP,
               isatty (STDIN_FILENO) ? "" : " (vipctl only asks for a password on a terminal)");
      return VIPCTL_EXIT_DENIED;
    }
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    return vipctl_fail (VIPCTL_EXIT_NOT_RUNNING, "%s: vipd is not running on this bus (%s)", what,
                        error->message);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    return vipctl_fail (VIPCTL_EXIT_NO_INSTANCE, "%s: the instance is gone (%s)", what,
                        error->message);
  return vipctl_fail (VIPCTL_EXIT_FAILED, "%s: vipd refused: %s", what, error->message);
}

int
vipctl_admin_call (VipctlOptions *o, const char *path, const char *iface, const char *method,
                   GVariant *args, const char *action, GVariant **reply)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) ret = NULL;
  GDBusCallFlags flags = G_DBUS_CALL_FLAGS_NO_AUTO_START;
  int timeout = -1;

  /* Only a person at a terminal can answer a polkit password prompt. */
  if (!o->no_ask && isatty (STDIN_FILENO))
    {
      flags |= G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION;
      timeout = G_MAXINT;
    }
  ret = g_dbus_connection_call_sync (o->bus, VIPD_DBUS_NAME, path, iface, method, args, NULL, flags,
                                     timeout, NULL, &error);
  if (ret == NULL)
    return vipctl_report_error (error, method, action);
  if (reply)
    *reply = g_steal_pointer (&ret);
  return VIPCTL_EXIT_OK;
}
