/* config-test-util.h — in-memory configuration sources and diagnostic assertions. */
#pragma once

#include "config/config.h"

typedef struct
{
  GHashTable *files; /* path → text */
  VipdConfigSourceOps ops;
} MemFs;

MemFs *memfs_new (void);
void memfs_add (MemFs *fs, const char *path, const char *text);
void memfs_free (MemFs *fs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MemFs, memfs_free)

/* Parses text as the single file "test.conf". */
VipdConfig *parse_text (const char *text, VipdDiagList *diags);

/* Fails unless a diagnostic of that level, at file:line:col, contains substring. */
void assert_diag_at (const VipdDiagList *diags, VipdDiagLevel level, const char *file, guint line,
                     guint col, const char *substring);
/* Fails unless there are exactly n diagnostics of that level (listing them when not). */
void assert_count (const VipdDiagList *diags, VipdDiagLevel level, guint n);

#define assert_error(d, line, col, sub) assert_diag_at (d, VIPD_DIAG_ERROR, "test.conf", line, col, sub)
#define assert_warning(d, line, col, sub)                                                         \
  assert_diag_at (d, VIPD_DIAG_WARNING, "test.conf", line, col, sub)
