/* script-security.c — see script-security.h. */
#include "script-security.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <gio/gio.h>

static gboolean
check_one (const char *path, gboolean is_dir, GError **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      int e = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: %s", path, g_strerror (e));
      return FALSE;
    }
  if (is_dir && (st.st_mode & S_ISVTX))
    return TRUE;
  if (st.st_uid != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is owned by uid %u, not root", path, (guint) st.st_uid);
      return FALSE;
    }
  if ((st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is writable by %s", path,
                   (st.st_mode & S_IWOTH) ? "everyone" : "a non-root group");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_dirs (const char *file, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (file);

  for (;;)
    {
      char *up;

      if (!check_one (dir, TRUE, error))
        return FALSE;
      if (g_strcmp0 (dir, "/") == 0 || g_strcmp0 (dir, ".") == 0)
        return TRUE;
      up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
}

gboolean
vipd_script_security_check (const char *path, GError **error)
{
  g_autofree char *full = NULL;
  g_autofree char *canon = NULL;
  char real[PATH_MAX];

  if (!g_path_is_absolute (path))
    {
      full = g_find_program_in_path (path);
      if (full == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: not found in PATH", path);
          return FALSE;
        }
      path = full;
    }
  canon = g_canonicalize_filename (path, NULL);
  if (!check_one (canon, FALSE, error) || !check_dirs (canon, error))
    return FALSE;
  /* What actually runs is a link's target: its place must be safe too. */
  if (realpath (canon, real) != NULL && g_strcmp0 (real, canon) != 0)
    return check_one (real, FALSE, error) && check_dirs (real, error);
  return TRUE;
}
