/* config-args.c — keyword dispatch and the argument helpers every keyword table uses. */
#include "config-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *
vipd_kw_arg (const VipdStmt *st, guint i)
{
  return i < st->args->len ? ((VipdArg *) g_ptr_array_index (st->args, i))->text : NULL;
}

const VipdLoc *
vipd_kw_arg_loc (const VipdStmt *st, guint i)
{
  return i < st->args->len ? &((VipdArg *) g_ptr_array_index (st->args, i))->loc : &st->loc;
}

void
vipd_kw_dispatch (VipdParseCtx *ctx, const VipdKeyword *table, const char *block_name,
                  const GPtrArray *stmts, gpointer target)
{
  for (guint i = 0; i < stmts->len; i++)
    {
      const VipdStmt *st = g_ptr_array_index (stmts, i);
      const VipdKeyword *kw = NULL;

      for (guint k = 0; table[k].name != NULL; k++)
        if (strcmp (table[k].name, st->keyword) == 0)
          {
            kw = &table[k];
            break;
          }
      if (kw != NULL)
        {
          /* Only field keywords have a target field; handlers may get a NULL target. */
          gpointer field = kw->kind == VIPD_KW_HANDLER ? NULL
                                                       : G_STRUCT_MEMBER_P (target, kw->offset);

          switch (kw->kind)
            {
            case VIPD_KW_HANDLER:
              kw->handler (ctx, st, target);
              break;
            case VIPD_KW_COMMAND:
              vipd_kw_command (ctx, st, field);
              break;
            case VIPD_KW_FLAG:
              if (vipd_kw_nargs (ctx, st, 0, 0))
                *(gboolean *) field = TRUE;
              break;
            case VIPD_KW_TRACK_REFS:
              vipd_kw_track_refs (ctx, st, *(GPtrArray **) field, TRUE);
              break;
            }
          continue;
        }
      {
        VipdSuggester sug;
        const char *hint;

        vipd_suggester_init (&sug, st->keyword);
        for (guint k = 0; table[k].name != NULL; k++)
          vipd_suggester_offer (&sug, table[k].name);
        hint = sug.best;
        if (hint)
          vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &st->loc,
                         "unknown keyword \"%s\" in %s — did you mean \"%s\"?%s", st->keyword,
                         block_name, hint, st->children ? " (its block is skipped)" : "");
        else
          vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &st->loc,
                         "unknown keyword \"%s\" in %s, ignored%s", st->keyword, block_name,
                         st->children ? " with its block" : "");
      }
    }
}

gboolean
vipd_kw_nargs (VipdParseCtx *ctx, const VipdStmt *st, guint min, guint max)
{
  if (st->args->len < min)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc,
                     "\"%s\" needs %u argument%s, got %u", st->keyword, min, min == 1 ? "" : "s",
                     st->args->len);
      return FALSE;
    }
  if (st->args->len > max)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, vipd_kw_arg_loc (st, max),
                   "extra argument \"%s\" after \"%s\" ignored", vipd_kw_arg (st, max),
                   st->keyword);
  if (st->children)
    vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &st->open_loc,
                   "\"%s\" does not take a block; the block is ignored", st->keyword);
  return TRUE;
}

gboolean
vipd_kw_bool (VipdParseCtx *ctx, const VipdStmt *st, gboolean *out)
{
  static const char *const yes[] = { "on", "true", "yes", NULL };
  static const char *const no[] = { "off", "false", "no", NULL };
  const char *text;

  if (!vipd_kw_nargs (ctx, st, 0, 1))
    return FALSE;
  text = vipd_kw_arg (st, 0);
  if (text == NULL || g_strv_contains (yes, text))
    {
      *out = TRUE;
      return TRUE;
    }
  if (g_strv_contains (no, text))
    {
      *out = FALSE;
      return TRUE;
    }
  vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                 "%s \"%s\" is not a boolean: write on, off, true, false, yes or no (or "
                 "nothing, which means yes)",
                 st->keyword, text);
  return FALSE;
}

gboolean
vipd_kw_block (VipdParseCtx *ctx, const VipdStmt *st)
{
  if (st->children == NULL)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, &st->loc, "\"%s\" needs a { ... } block",
                     st->keyword);
      return FALSE;
    }
  return TRUE;
}

gboolean
vipd_kw_int (VipdParseCtx *ctx, const VipdStmt *st, guint i, gint64 min, gint64 max, gint64 *out)
{
  const char *text = vipd_kw_arg (st, i);
  char *end = NULL;
  gint64 v;

  if (text == NULL)
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || g_ascii_isspace (*text))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i),
                     "%s \"%s\" is not a number: write an integer from %" G_GINT64_FORMAT
                     " to %" G_GINT64_FORMAT,
                     st->keyword, text, min, max);
      return FALSE;
    }
  if (v < min || v > max)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i),
                     "%s %s is out of range: write an integer from %" G_GINT64_FORMAT
                     " to %" G_GINT64_FORMAT,
                     st->keyword, text, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
vipd_kw_uint (VipdParseCtx *ctx, const VipdStmt *st, guint i, guint max, guint *out)
{
  gint64 v;

  if (!vipd_kw_int (ctx, st, i, 0, max, &v))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

gboolean
vipd_parse_seconds_ms (const char *text, guint max_ms, guint *out)
{
  guint64 ms = 0;
  guint frac_digits = 0;
  const char *p = text;

  if (!g_ascii_isdigit (*p) && !(*p == '.' && g_ascii_isdigit (p[1])))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      ms = ms * 10 + (guint64) (*p - '0');
      if (ms > max_ms)
        return FALSE;
    }
  ms *= 1000;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      {
        static const guint scale[] = { 100, 10, 1 };

        /* Finer than a millisecond is only accepted when it is zero ("0.1000"). */
        if (frac_digits >= 3 && *p != '0')
          return FALSE;
        if (frac_digits < 3)
          ms += (guint64) (*p - '0') * scale[frac_digits];
        frac_digits++;
      }
  if (*p != '\0' || ms > max_ms)
    return FALSE;
  *out = (guint) ms;
  return TRUE;
}

gboolean
vipd_kw_seconds_ms (VipdParseCtx *ctx, const VipdStmt *st, guint i, guint max_ms, guint *out)
{
  const char *text = vipd_kw_arg (st, i);

  if (text == NULL)
    return FALSE;
  if (!vipd_parse_seconds_ms (text, max_ms, out))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i),
                     "%s \"%s\" is not a duration: write seconds from 0 to %u, with at most "
                     "3 decimals (e.g. 0.5)",
                     st->keyword, text, max_ms / 1000);
      return FALSE;
    }
  return TRUE;
}

gboolean
vipd_kw_addr (VipdParseCtx *ctx, const VipdStmt *st, guint i, VipdAddr *out)
{
  const char *text = vipd_kw_arg (st, i);

  if (text == NULL)
    return FALSE;
  if (!vipd_addr_parse (text, out))
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, i),
                     "%s: \"%s\" is not an IPv4 or IPv6 address", st->keyword, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
vipd_kw_version (VipdParseCtx *ctx, const VipdStmt *st, guint *out)
{
  const char *text;

  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return FALSE;
  text = vipd_kw_arg (st, 0);
  if (strcmp (text, "2") != 0 && strcmp (text, "3") != 0)
    {
      vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (st, 0),
                     "%s \"%s\" is not a VRRP version: write 2 or 3", st->keyword, text);
      return FALSE;
    }
  *out = text[0] - '0';
  return TRUE;
}

void
vipd_kw_string (VipdParseCtx *ctx, const VipdStmt *st, char **out)
{
  if (!vipd_kw_nargs (ctx, st, 1, 1))
    return;
  g_free (*out);
  *out = g_strdup (vipd_kw_arg (st, 0));
}

void
vipd_kw_command (VipdParseCtx *ctx, const VipdStmt *st, VipdCommand *out)
{
  GString *s;

  if (!vipd_kw_nargs (ctx, st, 1, G_MAXUINT))
    return;
  s = g_string_new (NULL);
  for (guint i = 0; i < st->args->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, vipd_kw_arg (st, i));
    }
  g_free (out->command);
  out->command = g_string_free (s, FALSE);
  out->loc = st->loc;
}

/* Each child line is "name [weight N] [reverse]"; interfaces and scripts share it. */
void
vipd_kw_track_refs (VipdParseCtx *ctx, const VipdStmt *st, GPtrArray *out, gboolean with_weight)
{
  if (!vipd_kw_block (ctx, st))
    return;
  for (guint i = 0; i < st->children->len; i++)
    {
      const VipdStmt *line = g_ptr_array_index (st->children, i);
      VipdTrackRef *ref = vipd_track_ref_new (line->keyword, &line->loc);
      guint a = 0;

      if (line->children)
        vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &line->open_loc,
                       "unexpected block in %s, ignored", st->keyword);
      while (a < line->args->len)
        {
          const char *word = vipd_kw_arg (line, a);
          gint64 w;

          if (with_weight && strcmp (word, "weight") == 0 && a + 1 < line->args->len)
            {
              if (vipd_kw_int (ctx, line, a + 1, -253, 253, &w))
                {
                  ref->weight = (int) w;
                  ref->has_weight = TRUE;
                }
              a += 2;
            }
          else if (with_weight && strcmp (word, "reverse") == 0)
            {
              ref->reverse = TRUE;
              a++;
            }
          else
            {
              vipd_diag_add (ctx->diags, VIPD_DIAG_ERROR, vipd_kw_arg_loc (line, a),
                             "unexpected \"%s\" after \"%s\" in %s: expected "
                             "\"weight <-253..253>\" or \"reverse\"",
                             word, line->keyword, st->keyword);
              a++;
            }
        }
      g_ptr_array_add (out, ref);
    }
}

void
vipd_kw_ignored (VipdParseCtx *ctx, const VipdStmt *st, gpointer target)
{
  vipd_diag_add (ctx->diags, VIPD_DIAG_WARNING, &st->loc, "\"%s\" is not supported yet, ignored",
                 st->keyword);
}

