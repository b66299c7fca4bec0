/* config-private.h — the syntax tree and keyword-dispatch helpers shared inside config/. */
#pragma once

#include "config.h"

G_BEGIN_DECLS

typedef struct
{
  char *text;
  VipdLoc loc;
} VipdArg;

/* keyword args... [{ children }] — one statement of any block. */
typedef struct
{
  VipdLoc loc;
  char *keyword;
  GPtrArray *args;     /* VipdArg* */
  GPtrArray *children; /* VipdStmt*; NULL when the statement has no block */
  VipdLoc open_loc;    /* of '{' */
} VipdStmt;

/* Reads path and its includes into a statement tree; records each file read in files. */
GPtrArray *vipd_config_read_tree (const VipdConfigSourceOps *ops, const char *path,
                                  GPtrArray *files, VipdDiagList *diags);

typedef struct
{
  VipdConfig *config;
  VipdDiagList *diags;
} VipdParseCtx;

typedef void (*VipdKwHandler) (VipdParseCtx *ctx, const VipdStmt *st, gpointer target);

/* Keywords that only store their value in one field of the target use a field kind and the
 * field's offset instead of a handler of their own. */
typedef enum
{
  VIPD_KW_HANDLER,    /* handler does the work */
  VIPD_KW_COMMAND,    /* VipdCommand: a script path or quoted command with arguments */
  VIPD_KW_FLAG,       /* gboolean set to TRUE; no arguments */
  VIPD_KW_TRACK_REFS, /* GPtrArray* of VipdTrackRef: "{ name [weight N] ... }" */
} VipdKwKind;

typedef struct
{
  const char *name;
  VipdKwHandler handler;
  VipdKwKind kind;
  gsize offset;
} VipdKeyword;

#define VIPD_KW_FIELD(name, kind, type, member) { name, NULL, kind, G_STRUCT_OFFSET (type, member) }

/* Runs each statement through table; unknown keywords warn (with a suggestion) and are skipped. */
void vipd_kw_dispatch (VipdParseCtx *ctx, const VipdKeyword *table, const char *block_name,
                       const GPtrArray *stmts, gpointer target);
/* Builds the model from the tree (global_defs, scripts, instances, ...). */
void vipd_kw_top (VipdParseCtx *ctx, const GPtrArray *stmts);
/* The handler of "vrrp_instance NAME { ... }" (config-instance.c). */
void vipd_kw_instance (VipdParseCtx *ctx, const VipdStmt *st, gpointer target);
/* "virtual_server ..." and "virtual_server_group NAME { ... }" (config-lvs.c). */
void vipd_kw_virtual_server (VipdParseCtx *ctx, const VipdStmt *st, gpointer target);
void vipd_kw_virtual_server_group (VipdParseCtx *ctx, const VipdStmt *st, gpointer target);
/* Checks of the LVS half (config-lvs-check.c), run by vipd_config_validate(). */
void vipd_config_validate_lvs (VipdConfig *config, VipdDiagList *diags);
/* Dump helpers (config-dump.c): one indented line; a "key seconds" line with the seconds as
 * written in keepalived.conf ("1", "0.1", "0.025"); a "key address" line, left out when the
 * address is unset. */
void vipd_dump_line (GString *s, guint indent, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
void vipd_dump_line_seconds (GString *s, guint indent, const char *key, guint ms);
void vipd_dump_line_addr (GString *s, guint indent, const char *key, const VipdAddr *a);
/* The LVS half of the dump (config-lvs-model.c). */
void vipd_config_dump_lvs (GString *out, const VipdConfig *config);

/* Argument helpers: each reports its own error at the argument and returns FALSE. */
gboolean vipd_kw_nargs (VipdParseCtx *ctx, const VipdStmt *st, guint min, guint max);
/* keepalived's optional <BOOL>: none (= yes) or one of on|off|true|false|yes|no. */
gboolean vipd_kw_bool (VipdParseCtx *ctx, const VipdStmt *st, gboolean *out);
gboolean vipd_kw_block (VipdParseCtx *ctx, const VipdStmt *st);
const char *vipd_kw_arg (const VipdStmt *st, guint i);
const VipdLoc *vipd_kw_arg_loc (const VipdStmt *st, guint i);
gboolean vipd_kw_int (VipdParseCtx *ctx, const VipdStmt *st, guint i, gint64 min, gint64 max,
                      gint64 *out);
gboolean vipd_kw_uint (VipdParseCtx *ctx, const VipdStmt *st, guint i, guint max, guint *out);
gboolean vipd_kw_seconds_ms (VipdParseCtx *ctx, const VipdStmt *st, guint i, guint max_ms,
                             guint *out);
gboolean vipd_kw_addr (VipdParseCtx *ctx, const VipdStmt *st, guint i, VipdAddr *out);
void vipd_kw_string (VipdParseCtx *ctx, const VipdStmt *st, char **out);
void vipd_kw_command (VipdParseCtx *ctx, const VipdStmt *st, VipdCommand *out);
void vipd_kw_track_refs (VipdParseCtx *ctx, const VipdStmt *st, GPtrArray *out,
                         gboolean with_weight);
void vipd_kw_ignored (VipdParseCtx *ctx, const VipdStmt *st, gpointer target);
/* Parses "2" or "3" for version/vrrp_version. */
gboolean vipd_kw_version (VipdParseCtx *ctx, const VipdStmt *st, guint *out);
/* Parses decimal seconds ("0.1") into milliseconds; FALSE on syntax or overflow. */
gboolean vipd_parse_seconds_ms (const char *text, guint max_ms, guint *out);

G_END_DECLS
