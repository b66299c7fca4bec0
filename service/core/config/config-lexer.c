/* config-lexer.c — splits keepalived.conf text into tokens; no I/O. */
#include "config-lexer.h"

static void
token_clear (gpointer p)
{
  VipdToken *t = p;

  g_free (t->text);
}

static void
push (GArray *out, VipdTokenType type, char *text, const char *file, guint line, guint col)
{
  VipdToken t = { type, text, { file, line, col } };

  g_array_append_val (out, t);
}

/* A byte that ends an unquoted word. NUL counts as blank so fuzzed input cannot truncate text. */
static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\0';
}

GArray *
vipd_config_lex (const char *file, const char *data, gsize len, VipdDiagList *diags)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (VipdToken));
  const char *f = g_intern_string (file);
  guint line = 1;
  gsize line_start = 0;
  gsize i = 0;

  g_array_set_clear_func (out, token_clear);
  while (i < len)
    {
      char c = data[i];
      guint col = (guint) (i - line_start) + 1;

      if (c == '\n')
        {
          push (out, VIPD_TOK_EOL, NULL, f, line, col);
          line++;
          i++;
          line_start = i;
        }
      else if (is_blank (c))
        i++;
      else if (c == '!' || c == '#')
        {
          while (i < len && data[i] != '\n')
            i++;
        }
      else if (c == '{' || c == '}')
        {
          push (out, c == '{' ? VIPD_TOK_LBRACE : VIPD_TOK_RBRACE, NULL, f, line, col);
          i++;
        }
      else if (c == '"')
        {
          gsize start = ++i;

          while (i < len && data[i] != '"' && data[i] != '\n')
            i++;
          push (out, VIPD_TOK_STRING, g_strndup (data + start, i - start), f, line, col);
          if (i < len && data[i] == '"')
            i++;
          else
            {
              VipdLoc loc = { f, line, col };

              vipd_diag_add (diags, VIPD_DIAG_ERROR, &loc,
                             "unterminated string: add the closing '\"' on this line");
            }
        }
      else
        {
          gsize start = i;

          while (i < len && !is_blank (data[i]) && data[i] != '\n' && data[i] != '{'
                 && data[i] != '}' && data[i] != '"')
            i++;
          push (out, VIPD_TOK_WORD, g_strndup (data + start, i - start), f, line, col);
        }
    }
  push (out, VIPD_TOK_EOF, NULL, f, line, (guint) (i - line_start) + 1);
  return out;
}
