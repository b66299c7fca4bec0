/* config-files.h — loading a configuration from the real filesystem. */
#pragma once

#include "config/config.h"

G_BEGIN_DECLS

/* Source ops backed by files and glob(3); user_data is unused. */
const VipdConfigSourceOps *vipd_config_file_ops (void);

/* vipd_config_parse() over real files: never NULL, usable when diags has no error. */
VipdConfig *vipd_config_load_file (const char *path, VipdDiagList *diags);

G_END_DECLS
