/* config.h — public entry points: keepalived.conf text → VipdConfig, with diagnostics. */
#pragma once

#include <glib.h>

#include "config-model.h"
#include "diag.h"

G_BEGIN_DECLS

/* Where the parser gets bytes from; it never touches the filesystem itself, so tests and the
 * fuzzer feed memory. Paths passed in are already resolved against the including file. */
typedef struct
{
  /* The file's bytes, or NULL with error set (e.g. G_FILE_ERROR_NOENT). */
  GBytes *(*read) (const char *path, GError **error, gpointer user_data);
  /* The paths matching a glob pattern, sorted; an empty array when nothing matches. */
  GPtrArray *(*glob) (const char *pattern, GError **error, gpointer user_data);
  gpointer user_data;
  /* Most bytes one parse may read in all files together; 0 means VIPD_CONFIG_MAX_BYTES. */
  gsize max_bytes;
} VipdConfigSourceOps;

/* Most files one parse may read, and deepest include nesting (keepalived's limit is also 8).
 * The byte cap bounds what includes can multiply: a file included from many places, or N
 * includes per file nested D deep, is read every time, so a small tree of files can expand to
 * 256 copies of its largest file. 64 MiB is some 50 times the largest configuration of
 * bench/scale.py (1000 instances). */
#define VIPD_CONFIG_MAX_INCLUDE_DEPTH 8
#define VIPD_CONFIG_MAX_FILES 256
#define VIPD_CONFIG_MAX_BYTES ((gsize) 64 * 1024 * 1024)

/* Reads path (and its includes) through ops, builds the model and validates it.
 * Always returns a model (never NULL), also when path cannot be read: the model is only fit
 * to run when vipd_diag_count (diags, VIPD_DIAG_ERROR) == 0. */
VipdConfig *vipd_config_parse (const VipdConfigSourceOps *ops, const char *path,
                               VipdDiagList *diags);

/* Semantic checks (ranges, references, uniqueness, RFC rules); fills the effective version and
 * family of each instance and clears authentication that cannot be used. Run by parse. */
void vipd_config_validate (VipdConfig *config, VipdDiagList *diags);

/* A stable, human-readable text of the whole model; auth_pass is never printed. */
char *vipd_config_dump (const VipdConfig *config);

G_END_DECLS
