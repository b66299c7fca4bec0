/* diag.c — diagnostics list and "did you mean" suggestions; no I/O. */
#include "diag.h"

#include <string.h>

VipdLoc
vipd_loc (const char *file, guint line, guint col)
{
  VipdLoc loc = { g_intern_string (file), line, col };

  return loc;
}

static void
diag_free (gpointer p)
{
  VipdDiag *d = p;

  g_free (d->message);
  g_free (d);
}

VipdDiagList *
vipd_diag_list_new (void)
{
  VipdDiagList *list = g_new0 (VipdDiagList, 1);

  list->items = g_ptr_array_new_with_free_func (diag_free);
  return list;
}

void
vipd_diag_list_free (VipdDiagList *list)
{
  if (list == NULL)
    return;
  g_ptr_array_unref (list->items);
  g_free (list);
}

void
vipd_diag_addv (VipdDiagList *list, VipdDiagLevel level, const VipdLoc *loc, const char *fmt,
                va_list args)
{
  VipdDiag *d;

  if (list == NULL)
    return;
  d = g_new0 (VipdDiag, 1);
  d->level = level;
  if (loc)
    d->loc = *loc;
  d->message = vipd_strdup_vprintf (fmt, args);
  g_ptr_array_add (list->items, d);
  if (level == VIPD_DIAG_ERROR)
    list->n_errors++;
  else
    list->n_warnings++;
}

void
vipd_diag_add (VipdDiagList *list, VipdDiagLevel level, const VipdLoc *loc, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vipd_diag_addv (list, level, loc, fmt, args);
  va_end (args);
}

guint
vipd_diag_count (const VipdDiagList *list, VipdDiagLevel level)
{
  if (list == NULL)
    return 0;
  return level == VIPD_DIAG_ERROR ? list->n_errors : list->n_warnings;
}

/* Formats into a stack buffer first: g_strdup_vprintf() and g_string_append_vprintf() go
 * through vasprintf(), which grows its own heap buffer by realloc() and is then copied again.
 * A configuration full of mistakes formats one message per bad line, so that is paid per line
 * on every reload (and many times over under a sanitizer). */
char *
vipd_strdup_vprintf (const char *fmt, va_list args)
{
  char buf[256];
  va_list copy;
  int n;

  va_copy (copy, args);
  n = g_vsnprintf (buf, sizeof buf, fmt, copy);
  va_end (copy);
  if (n >= 0 && (gsize) n < sizeof buf)
    return g_strndup (buf, (gsize) n);
  return g_strdup_vprintf (fmt, args);
}

void
vipd_string_append_vprintf (GString *s, const char *fmt, va_list args)
{
  char buf[256];
  va_list copy;
  int n;

  va_copy (copy, args);
  n = g_vsnprintf (buf, sizeof buf, fmt, copy);
  va_end (copy);
  if (n >= 0 && (gsize) n < sizeof buf)
    g_string_append_len (s, buf, n);
  else
    g_string_append_vprintf (s, fmt, args);
}

void
vipd_string_append_printf (GString *s, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  vipd_string_append_vprintf (s, fmt, args);
  va_end (args);
}

static void
append_uint (GString *s, char sep, guint v)
{
  char buf[12];
  gsize i = sizeof buf;

  do
    buf[--i] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  buf[--i] = sep;
  g_string_append_len (s, buf + i, (gssize) (sizeof buf - i));
}

static void
append_loc (GString *s, const VipdLoc *loc, gboolean with_col)
{
  if (loc->file == NULL)
    return;
  g_string_append (s, loc->file);
  if (loc->line > 0)
    {
      append_uint (s, ':', loc->line);
      if (with_col && loc->col > 0)
        append_uint (s, ':', loc->col);
    }
}

char *
vipd_loc_format (const VipdLoc *loc)
{
  GString *s = g_string_new (NULL);

  append_loc (s, loc, FALSE);
  if (s->len == 0)
    g_string_append (s, "(unknown)");
  return g_string_free (s, FALSE);
}

static void
append_diag (GString *s, const VipdDiag *d)
{
  append_loc (s, &d->loc, TRUE);
  if (d->loc.file != NULL)
    g_string_append (s, ": ");
  g_string_append (s, d->level == VIPD_DIAG_ERROR ? "error: " : "warning: ");
  g_string_append (s, d->message);
}

char *
vipd_diag_format (const VipdDiag *diag)
{
  GString *s = g_string_new (NULL);

  append_diag (s, diag);
  return g_string_free (s, FALSE);
}

char *
vipd_diag_list_format (const VipdDiagList *list)
{
  gsize size = 1;
  GString *s;

  /* One allocation for the whole text instead of a doubling per few lines: file, two
   * numbers, "error: " and the newline fit in the 40 bytes beside the two strings. */
  for (guint i = 0; list && i < list->items->len; i++)
    {
      const VipdDiag *d = g_ptr_array_index (list->items, i);

      size += strlen (d->message) + (d->loc.file ? strlen (d->loc.file) : 0) + 40;
    }
  s = g_string_sized_new (size);

  for (guint i = 0; list && i < list->items->len; i++)
    {
      append_diag (s, g_ptr_array_index (list->items, i));
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* Levenshtein distance of a and b, or max + 1 when it is larger than max. Only the band of
 * cells within max of the diagonal is computed, and a row whose every cell exceeds max ends
 * the walk: O((2 max + 1) len) instead of O(len a * len b). Suggestions run for every unknown
 * word of a file, so a file full of them (or a fuzzer) must not pay the quadratic price. */
static guint
edit_distance_within (const char *a, gsize la, const char *b, gsize lb, guint max)
{
  const guint inf = max + 1;
  guint rows[2][66];
  guint *prev = rows[0];
  guint *cur = rows[1];

  if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > max)
    return inf;
  for (gsize j = 0; j <= lb; j++)
    prev[j] = j <= max ? (guint) j : inf;
  prev[lb + 1] = inf;
  for (gsize i = 1; i <= la; i++)
    {
      gsize lo = i > max ? i - max : 1;
      gsize hi = MIN (lb, i + max);
      guint row_min;
      guint *tmp;

      cur[0] = i <= max ? (guint) i : inf;
      row_min = cur[0];
      /* The cells just outside the band read as "too far" from this row and the next. */
      cur[lo - 1] = lo > 1 ? inf : cur[0];
      for (gsize j = lo; j <= hi; j++)
        {
          guint sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
          guint del = prev[j] + 1;
          guint ins = cur[j - 1] + 1;

          cur[j] = MIN (inf, MIN (sub, MIN (del, ins)));
          row_min = MIN (row_min, cur[j]);
        }
      cur[hi + 1] = inf;
      if (row_min > max)
        return inf;
      tmp = prev;
      prev = cur;
      cur = tmp;
    }
  return prev[lb];
}

/* Whether the shorter of a and b starts the longer one. */
static gboolean
is_prefix (const char *a, const char *b)
{
  while (*a != '\0' && *b != '\0')
    if (*a++ != *b++)
      return FALSE;
  return TRUE;
}

void
vipd_suggester_init (VipdSuggester *s, const char *word)
{
  s->word = word;
  s->word_len = word ? strlen (word) : 0;
  s->best = NULL;
  s->best_score = G_MAXUINT;
}

void
vipd_suggester_offer (VipdSuggester *s, const char *candidate)
{
  gsize wl = s->word_len;
  gsize cl;
  guint d;
  guint score = G_MAXUINT;

  if (s->word == NULL || candidate == NULL)
    return;
  cl = strlen (candidate);
  d = edit_distance_within (s->word, wl, candidate, cl, 2);
  if (d <= 2 && d < wl)
    score = d;
  /* A truncated keyword ("vrrp_mcast") points to the full one; 3 chars avoids noise. */
  else if (wl >= 4 && cl >= 4 && is_prefix (s->word, candidate))
    score = 3;
  if (score < s->best_score)
    {
      s->best_score = score;
      s->best = candidate;
    }
}

const char *
vipd_suggest (const char *word, const char *const *candidates)
{
  VipdSuggester s;

  if (word == NULL || candidates == NULL)
    return NULL;
  vipd_suggester_init (&s, word);
  for (guint i = 0; candidates[i] != NULL; i++)
    vipd_suggester_offer (&s, candidates[i]);
  return s.best;
}
