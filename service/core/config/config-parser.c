/* config-parser.c — tokens → statement tree, with include resolution through the source ops.
 * Syntax only: what keywords mean is config-keywords.c's business. */
#include "config-lexer.h"
#include "config-private.h"

#include <string.h>

/* Deeper nesting than keepalived ever needs; bounds recursion on hostile input. */
#define MAX_BLOCK_DEPTH 32

typedef struct
{
  const VipdConfigSourceOps *ops;
  GPtrArray *files;
  VipdDiagList *diags;
  GPtrArray *stack; /* char*: the include chain, main file first */
  guint n_reads;
  guint n_includes;
  gsize n_bytes;
  gsize max_bytes;
  gboolean budget_reported;
  gboolean bytes_reported;
} TreeCtx;

typedef struct
{
  GArray *toks;
  guint pos;
} Cursor;

static void
arg_free (gpointer p)
{
  VipdArg *a = p;

  g_free (a->text);
  g_free (a);
}

static void
stmt_free (gpointer p)
{
  VipdStmt *st = p;

  g_free (st->keyword);
  g_ptr_array_unref (st->args);
  if (st->children)
    g_ptr_array_unref (st->children);
  g_free (st);
}

static GPtrArray *
stmts_new (void)
{
  return g_ptr_array_new_with_free_func (stmt_free);
}

static VipdToken *
peek (Cursor *c)
{
  return &g_array_index (c->toks, VipdToken, c->pos);
}

/* Advances, but never past the final EOF token. */
static void
advance (Cursor *c)
{
  if (peek (c)->type != VIPD_TOK_EOF)
    c->pos++;
}

/* dir + "/" + name with "." and "dir/.." folded away, purely textually (no cwd, no symlinks),
 * so that "a/../b.conf" and "b.conf" are seen as the same file by the cycle check. */
static char *
join_normalize (const char *dir, const char *name)
{
  g_autofree char *joined = NULL;
  g_auto (GStrv) parts = NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new ();
  gboolean absolute;
  GString *s;

  joined = g_path_is_absolute (name) ? g_strdup (name) : g_build_filename (dir, name, NULL);
  absolute = g_path_is_absolute (joined);
  parts = g_strsplit (joined, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];

      if (*p == '\0' || strcmp (p, ".") == 0)
        continue;
      if (strcmp (p, "..") == 0 && out->len > 0
          && strcmp (g_ptr_array_index (out, out->len - 1), "..") != 0)
        g_ptr_array_remove_index (out, out->len - 1);
      else if (strcmp (p, "..") == 0 && absolute)
        continue;
      else
        g_ptr_array_add (out, (gpointer) p);
    }
  s = g_string_new (absolute ? "/" : NULL);
  for (guint i = 0; i < out->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, '/');
      g_string_append (s, g_ptr_array_index (out, i));
    }
  if (s->len == 0)
    g_string_append_c (s, '.');
  return g_string_free (s, FALSE);
}

static char *
chain_text (TreeCtx *tc, const char *last)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < tc->stack->len; i++)
    g_string_append_printf (s, "%s -> ", (const char *) g_ptr_array_index (tc->stack, i));
  g_string_append (s, last);
  return g_string_free (s, FALSE);
}

static void parse_stmts (TreeCtx *tc, Cursor *c, GPtrArray *out, const VipdLoc *open,
                         guint depth);
static void read_file_into (TreeCtx *tc, const char *path, const VipdLoc *from, GPtrArray *out);

static void
include_one (TreeCtx *tc, const VipdStmt *st, const char *path, GPtrArray *out)
{
  for (guint i = 0; i < tc->stack->len; i++)
    if (strcmp (g_ptr_array_index (tc->stack, i), path) == 0)
      {
        g_autofree char *chain = chain_text (tc, path);

        vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &st->loc,
                       "include cycle: %s; remove one of these includes", chain);
        return;
      }
  if (tc->stack->len > VIPD_CONFIG_MAX_INCLUDE_DEPTH)
    {
      g_autofree char *chain = chain_text (tc, path);

      vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &st->loc,
                     "includes nested deeper than %d: %s", VIPD_CONFIG_MAX_INCLUDE_DEPTH, chain);
      return;
    }
  read_file_into (tc, path, &st->loc, out);
}

static void
handle_include (TreeCtx *tc, const VipdStmt *st, GPtrArray *out)
{
  const char *current = g_ptr_array_index (tc->stack, tc->stack->len - 1);
  g_autofree char *dir = g_path_get_dirname (current);
  g_autofree char *pattern = NULL;
  g_autoptr (GPtrArray) paths = NULL;
  g_autoptr (GError) error = NULL;

  if (st->args->len != 1 || st->children != NULL)
    {
      vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &st->loc,
                     "include takes exactly one file name or glob pattern");
      return;
    }
  if (++tc->n_includes > 4 * VIPD_CONFIG_MAX_FILES)
    {
      if (!tc->budget_reported)
        vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &st->loc,
                       "more than %d include statements; the rest are ignored",
                       4 * VIPD_CONFIG_MAX_FILES);
      tc->budget_reported = TRUE;
      return;
    }
  pattern = join_normalize (dir, ((VipdArg *) g_ptr_array_index (st->args, 0))->text);
  if (strpbrk (pattern, "*?[") == NULL)
    {
      include_one (tc, st, pattern, out);
      return;
    }
  paths = tc->ops->glob ? tc->ops->glob (pattern, &error, tc->ops->user_data) : NULL;
  if (paths == NULL)
    {
      vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &st->loc, "include \"%s\": %s", pattern,
                     error ? error->message : "glob patterns are not supported here");
      return;
    }
  if (paths->len == 0)
    vipd_diag_add (tc->diags, VIPD_DIAG_WARNING, &st->loc, "include \"%s\" matches no file",
                   pattern);
  for (guint i = 0; i < paths->len; i++)
    include_one (tc, st, g_ptr_array_index (paths, i), out);
}

/* Skips a block whose contents are too deep to keep, up to its matching '}' or EOF. */
static void
skip_block (Cursor *c)
{
  guint level = 1;

  while (level > 0 && peek (c)->type != VIPD_TOK_EOF)
    {
      if (peek (c)->type == VIPD_TOK_LBRACE)
        level++;
      else if (peek (c)->type == VIPD_TOK_RBRACE)
        level--;
      advance (c);
    }
}

static void
parse_block_body (TreeCtx *tc, Cursor *c, GPtrArray *out, const VipdLoc *open, guint depth)
{
  if (depth >= MAX_BLOCK_DEPTH)
    {
      vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, open, "blocks nested deeper than %d",
                     MAX_BLOCK_DEPTH);
      skip_block (c);
      return;
    }
  parse_stmts (tc, c, out, open, depth + 1);
}

static VipdStmt *
parse_stmt (TreeCtx *tc, Cursor *c, guint depth)
{
  VipdStmt *st = g_new0 (VipdStmt, 1);
  VipdToken *t = peek (c);
  guint look;

  /* The statement takes over the token texts: each token is read once, front to back. */
  st->loc = t->loc;
  st->keyword = g_steal_pointer (&t->text);
  st->args = g_ptr_array_new_with_free_func (arg_free);
  advance (c);
  while (peek (c)->type == VIPD_TOK_WORD || peek (c)->type == VIPD_TOK_STRING)
    {
      VipdArg *a = g_new0 (VipdArg, 1);

      a->text = g_steal_pointer (&peek (c)->text);
      a->loc = peek (c)->loc;
      g_ptr_array_add (st->args, a);
      advance (c);
    }
  /* keepalived accepts the opening brace on the next line ("vrrp_instance VI_1\n{"). */
  look = c->pos;
  while (g_array_index (c->toks, VipdToken, look).type == VIPD_TOK_EOL)
    look++;
  if (g_array_index (c->toks, VipdToken, look).type == VIPD_TOK_LBRACE)
    {
      c->pos = look;
      st->open_loc = peek (c)->loc;
      advance (c);
      st->children = stmts_new ();
      parse_block_body (tc, c, st->children, &st->open_loc, depth);
    }
  return st;
}

static void
parse_stmts (TreeCtx *tc, Cursor *c, GPtrArray *out, const VipdLoc *open, guint depth)
{
  for (;;)
    {
      VipdToken *t = peek (c);

      switch (t->type)
        {
        case VIPD_TOK_EOL:
          advance (c);
          break;
        case VIPD_TOK_EOF:
          if (open)
            vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, open,
                           "this '{' is never closed (end of file at line %u): add the "
                           "missing '}'",
                           t->loc.line);
          return;
        case VIPD_TOK_RBRACE:
          advance (c);
          if (open)
            return;
          vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &t->loc,
                         "unexpected '}' with no open block: remove it");
          break;
        case VIPD_TOK_LBRACE:
          {
            VipdLoc loc = t->loc;
            g_autoptr (GPtrArray) junk = stmts_new ();

            vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &loc,
                           "'{' without a keyword before it; its block is ignored");
            advance (c);
            parse_block_body (tc, c, junk, &loc, depth);
            break;
          }
        case VIPD_TOK_WORD:
        case VIPD_TOK_STRING:
          {
            VipdStmt *st = parse_stmt (tc, c, depth);

            if (strcmp (st->keyword, "include") == 0)
              {
                handle_include (tc, st, out);
                stmt_free (st);
              }
            else
              g_ptr_array_add (out, st);
            break;
          }
        }
    }
}

static void
read_file_into (TreeCtx *tc, const char *path, const VipdLoc *from, GPtrArray *out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GArray) toks = NULL;
  Cursor c;
  gsize len;
  const char *data;

  if (tc->n_reads >= VIPD_CONFIG_MAX_FILES)
    {
      if (!tc->budget_reported)
        vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, from,
                       "more than %d configuration files; the rest are ignored",
                       VIPD_CONFIG_MAX_FILES);
      tc->budget_reported = TRUE;
      return;
    }
  bytes = tc->ops->read (path, &error, tc->ops->user_data);
  if (bytes == NULL)
    {
      if (from)
        vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, from,
                       "cannot read included file \"%s\": %s", path,
                       error ? error->message : "unknown error");
      else
        {
          VipdLoc loc = vipd_loc (path, 0, 0);

          vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, &loc, "cannot read configuration: %s",
                         error ? error->message : "unknown error");
        }
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (tc->bytes_reported || len > tc->max_bytes - tc->n_bytes)
    {
      VipdLoc loc = vipd_loc (path, 0, 0);

      if (!tc->bytes_reported)
        vipd_diag_add (tc->diags, VIPD_DIAG_ERROR, from ? from : &loc,
                       "reading \"%s\" (%" G_GSIZE_FORMAT " bytes) would pass %" G_GSIZE_FORMAT
                       " bytes of configuration in all files; it and the rest are ignored: "
                       "include fewer or smaller files",
                       path, len, tc->max_bytes);
      tc->bytes_reported = TRUE;
      return;
    }
  tc->n_reads++;
  tc->n_bytes += len;
  g_ptr_array_add (tc->files, g_strdup (path));
  toks = vipd_config_lex (path, data ? data : "", data ? len : 0, tc->diags);
  c.toks = toks;
  c.pos = 0;
  g_ptr_array_add (tc->stack, g_strdup (path));
  parse_stmts (tc, &c, out, NULL, 0);
  g_ptr_array_remove_index (tc->stack, tc->stack->len - 1);
}

GPtrArray *
vipd_config_read_tree (const VipdConfigSourceOps *ops, const char *path, GPtrArray *files,
                       VipdDiagList *diags)
{
  TreeCtx tc = { ops, files, diags, g_ptr_array_new_with_free_func (g_free), 0, 0, 0,
                 ops->max_bytes ? ops->max_bytes : VIPD_CONFIG_MAX_BYTES, FALSE, FALSE };
  GPtrArray *out = stmts_new ();

  read_file_into (&tc, path, NULL, out);
  g_ptr_array_unref (tc.stack);
  return out;
}
