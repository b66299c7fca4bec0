/* diag.h — diagnostics with file:line:col, shared by the config lexer, parser and validator. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *file; /* g_intern_string(): compared by pointer, never freed */
  guint line;       /* 1-based; 0 = unknown */
  guint col;        /* 1-based; 0 = unknown */
} VipdLoc;

typedef enum
{
  VIPD_DIAG_ERROR,
  VIPD_DIAG_WARNING,
} VipdDiagLevel;

typedef struct
{
  VipdDiagLevel level;
  VipdLoc loc;
  char *message;
} VipdDiag;

typedef struct
{
  GPtrArray *items; /* VipdDiag*, in the order they were reported */
  guint n_errors;
  guint n_warnings;
} VipdDiagList;

/* A location whose file name is interned. */
VipdLoc vipd_loc (const char *file, guint line, guint col);

VipdDiagList *vipd_diag_list_new (void);
void vipd_diag_list_free (VipdDiagList *list);
/* Appends one diagnostic; loc may be NULL when there is no position (e.g. a missing main file). */
void vipd_diag_add (VipdDiagList *list, VipdDiagLevel level, const VipdLoc *loc, const char *fmt,
                    ...) G_GNUC_PRINTF (4, 5);
void vipd_diag_addv (VipdDiagList *list, VipdDiagLevel level, const VipdLoc *loc, const char *fmt,
                     va_list args) G_GNUC_PRINTF (4, 0);
guint vipd_diag_count (const VipdDiagList *list, VipdDiagLevel level);
/* "file:line:col: error: message" (parts without a position are left out). */
char *vipd_diag_format (const VipdDiag *diag);
/* Every diagnostic, one per line, each line ending in '\n'; "" when empty. */
char *vipd_diag_list_format (const VipdDiagList *list);
/* "file:line" for quoting another place inside a message, e.g. "first defined at a.conf:3". */
char *vipd_loc_format (const VipdLoc *loc);

/* g_strdup_vprintf() and g_string_append_vprintf() without vasprintf()'s growing heap buffer
 * for results shorter than 256 bytes. */
char *vipd_strdup_vprintf (const char *fmt, va_list args) G_GNUC_PRINTF (1, 0);
void vipd_string_append_vprintf (GString *s, const char *fmt, va_list args) G_GNUC_PRINTF (2, 0);
void vipd_string_append_printf (GString *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* The candidate closest to word (edit distance <= 2, or one is a prefix of the other), or NULL.
 * candidates is NULL-terminated; the result points into it. */
const char *vipd_suggest (const char *word, const char *const *candidates);

/* The same choice, offered one candidate at a time (e.g. straight from a keyword table, with
 * no array of names to build per unknown word); best is NULL when nothing is close. */
typedef struct
{
  const char *word;
  gsize word_len;
  const char *best;
  guint best_score;
} VipdSuggester;

void vipd_suggester_init (VipdSuggester *s, const char *word);
void vipd_suggester_offer (VipdSuggester *s, const char *candidate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdDiagList, vipd_diag_list_free)

G_END_DECLS
