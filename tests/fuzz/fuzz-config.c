/* fuzz-config.c — libFuzzer target: the input is the main configuration file "fuzz.conf".
 * Includes resolve to the same bytes under a few fixed names ("inc.conf", "d0.conf" ...
 * "d9.conf", enough to pass the depth limit) and fail for any other name, so include handling,
 * cycles and depth limits are fuzzed without I/O. Fixed names also keep g_intern_string()
 * (every location's file name) from growing with each input. */
#include "config/config.h"

#include <string.h>

/* The parser's own cap on the bytes of all files of one parse (VIPD_CONFIG_MAX_BYTES in the
 * daemon), set low so that it is reached here. Every include re-reads the whole input, and
 * hit counts make libFuzzer favour inputs that parse themselves over and over: without a
 * budget most of the time went into the same bytes parsed up to ten times. 2 kB still lets
 * inputs of up to 227 bytes (the committed corpus keeps inputs of 256 bytes at most) nest
 * nine files deep and pass the depth limit, and the cap's own error is fuzzed too. */
#define MAX_BYTES 2048

typedef struct
{
  const guint8 *data;
  gsize size;
} Input;

static gboolean
known_name (const char *path)
{
  if (strcmp (path, "fuzz.conf") == 0 || strcmp (path, "inc.conf") == 0)
    return TRUE;
  return strlen (path) == 7 && path[0] == 'd' && g_ascii_isdigit (path[1])
         && strcmp (path + 2, ".conf") == 0;
}

static GBytes *
fuzz_read (const char *path, GError **error, gpointer user_data)
{
  Input *in = user_data;

  if (!known_name (path))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "No such file or directory");
      return NULL;
    }
  return g_bytes_new (in->data, in->size);
}

static GPtrArray *
fuzz_glob (const char *pattern, GError **error, gpointer user_data)
{
  const Input *in = user_data;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  if (in->size % 3 != 0)
    g_ptr_array_add (out, g_strdup ("inc.conf"));
  if (in->size % 5 == 0)
    g_ptr_array_add (out, g_strdup ("fuzz.conf"));
  return out;
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* GLib 2.74's slice allocator keeps freed blocks in per-thread magazines. To libFuzzer that
 * looks like an input that allocated more than it freed, so it replayed the input under a full
 * LeakSanitizer heap scan, most of the time spent per execution; and blocks recycled inside
 * GSlice hide use-after-free from AddressSanitizer. Plain malloc makes every allocation
 * visible to both. */
int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  Input in = { data, size };
  VipdConfigSourceOps ops = { fuzz_read, fuzz_glob, &in, MAX_BYTES };
  VipdDiagList *diags = vipd_diag_list_new ();
  VipdConfig *config = vipd_config_parse (&ops, "fuzz.conf", diags);
  char *dump = vipd_config_dump (config);
  char *text = vipd_diag_list_format (diags);

  g_free (text);
  g_free (dump);
  vipd_config_free (config);
  vipd_diag_list_free (diags);
  return 0;
}
