/* config-lexer.h — keepalived.conf tokens with their file:line:col. */
#pragma once

#include <glib.h>

#include "diag.h"

G_BEGIN_DECLS

typedef enum
{
  VIPD_TOK_WORD,
  VIPD_TOK_STRING, /* double-quoted; text is the content between the quotes, verbatim */
  VIPD_TOK_LBRACE,
  VIPD_TOK_RBRACE,
  VIPD_TOK_EOL,
  VIPD_TOK_EOF,
} VipdTokenType;

typedef struct
{
  VipdTokenType type;
  char *text; /* NULL for braces, EOL and EOF */
  VipdLoc loc;
} VipdToken;

/* Splits data into tokens; always ends with one EOF token. Unterminated strings are reported
 * in diags and kept as STRING up to the end of their line. The array owns the token texts. */
GArray *vipd_config_lex (const char *file, const char *data, gsize len, VipdDiagList *diags);

G_END_DECLS
