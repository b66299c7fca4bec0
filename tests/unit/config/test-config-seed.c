/* The tutorial's configurations load cleanly; includes; dump; the filesystem shell. */
#include "config-test-util.h"
#include "config-files.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const seed_files[] = {
  "vip-syntax.conf",          "floating-vip/node1.conf", "floating-vip/node2.conf",
  "track-inline/node1.conf",  "track-inline/node2.conf", "track-down/node1.conf",
  "track-down/node2.conf",    "sync-group/node1.conf",   "sync-group/node2.conf",
  "dual-master/node1.conf",   "dual-master/node2.conf",  "three-routers/router-a.conf",
  "three-routers/router-b.conf", "three-routers/router-c.conf",
};

static VipdConfig *
load_seed (const char *name, VipdDiagList *d)
{
  g_autofree char *path = g_build_filename (TESTS_SRCDIR, "data", "seed", name, NULL);

  return vipd_config_load_file (path, d);
}

/* Warnings allowed in the seed: vrrp_strict with authentication, and nothing else. */
static void
test_seed_all_load (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (seed_files); f++)
    {
      g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
      g_autoptr (VipdConfig) c = load_seed (seed_files[f], d);

      g_test_message ("%s", seed_files[f]);
      assert_count (d, VIPD_DIAG_ERROR, 0);
      g_assert_cmpuint (c->instances->len, >, 0);
      for (guint i = 0; i < d->items->len; i++)
        {
          const VipdDiag *diag = g_ptr_array_index (d->items, i);

          g_assert_nonnull (strstr (diag->message, "vrrp_strict forbids it"));
        }
      if (c->global.strict)
        g_assert_cmpuint (vipd_diag_count (d, VIPD_DIAG_WARNING), ==, c->instances->len);
      else
        g_assert_cmpuint (vipd_diag_count (d, VIPD_DIAG_WARNING), ==, 0);
    }
}

static VipdInstance *
inst (VipdConfig *c, const char *name)
{
  VipdInstance *i = vipd_config_find_instance (c, name);

  g_assert_nonnull (i);
  return i;
}

static void
test_seed_values (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) dual = load_seed ("dual-master/node1.conf", d);
  g_autoptr (VipdConfig) inl = load_seed ("track-inline/node1.conf", d);
  g_autoptr (VipdConfig) sync = load_seed ("sync-group/node2.conf", d);
  g_autoptr (VipdConfig) flt = load_seed ("floating-vip/node2.conf", d);
  g_autoptr (VipdConfig) vips = load_seed ("vip-syntax.conf", d);
  VipdSyncGroup *g;
  VipdVip *v;
  char buf[VIPD_ADDR_STRLEN];

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpint (inst (dual, "VI_1")->vrid, ==, 50);
  g_assert_cmpint (inst (dual, "VI_1")->state, ==, VIPD_CONFIG_STATE_MASTER);
  g_assert_cmpint (inst (dual, "VI_2")->vrid, ==, 51);
  g_assert_cmpint (inst (dual, "VI_2")->priority, ==, 99);
  g_assert_cmpint (vipd_config_find_script (dual, "chk_down")->weight, ==, -10);
  g_assert_cmpstr (vipd_config_find_script (dual, "chk_down")->script.command, ==,
                   "/etc/keepalived/down.sh");
  g_assert_cmpstr (((VipdTrackRef *) g_ptr_array_index (inst (dual, "VI_2")->track_scripts, 0))->name,
                   ==, "chk_down");
  g_assert_true (dual->global.strict);
  /* vrrp_strict drops the tutorial's authentication, as keepalived does. */
  g_assert_cmpint (inst (dual, "VI_1")->auth_type, ==, VIPD_AUTH_NONE);

  g_assert_cmpstr (vipd_config_find_script (inl, "chk_schedown")->script.command, ==,
                   "[[ -f /etc/keepalived/down ]] && exit 1 || exit 0");
  g_assert_cmpint (vipd_config_find_script (inl, "chk_schedown")->weight, ==, -2);

  g = vipd_config_find_sync_group (sync, "VG_1");
  g_assert_nonnull (g);
  g_assert_cmpuint (g->members->len, ==, 2);
  g_assert_cmpstr (((VipdTrackRef *) g_ptr_array_index (g->members, 0))->name, ==, "VI_1");
  g_assert_cmpstr (((VipdTrackRef *) g_ptr_array_index (g->members, 1))->name, ==, "VI_2");
  g_assert_cmpstr (inst (sync, "VI_2")->interface, ==, "eth1");

  g_assert_cmpstr (vipd_addr_format (&flt->global.mcast_group4, buf, sizeof buf), ==, "224.0.0.141");
  g_assert_cmpint (inst (flt, "VI_1")->auth_type, ==, VIPD_AUTH_PASS);
  g_assert_cmpstr (inst (flt, "VI_1")->auth_pass, ==, "1111");
  g_assert_cmpuint (flt->global.smtp_connect_timeout_ms, ==, 30000);

  g_assert_cmpuint (inst (vips, "VI_1")->vips->len, ==, 4);
  v = g_ptr_array_index (inst (vips, "VI_1")->vips, 3);
  g_assert_cmpstr (vipd_addr_format (&v->brd, buf, sizeof buf), ==, "192.168.200.255");
  g_assert_cmpstr (v->dev, ==, "eth1");
  g_assert_cmpint (v->scope, ==, 0);
  g_assert_cmpstr (v->label, ==, "eth1:2");
  g_assert_cmpuint (v->loc.line, ==, 11);
}

static void
test_dump (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = load_seed ("floating-vip/node1.conf", d);
  g_autofree char *text = vipd_config_dump (c);
  static const char *const expected[] = {
    "global_defs {\n",
    "  router_id node1\n",
    "  notification_email root@localroot\n",
    "  vrrp_mcast_group4 224.0.0.141\n",
    "  smtp_server 127.0.0.1 25\n",
    "vrrp_instance VI_1 {\n",
    "  state MASTER\n",
    "  virtual_router_id 51\n",
    "  priority 100\n",
    "  advert_int 1\n",
    "  version 2\n",
    "    auth_type PASS\n",
    "    auth_pass ******\n",
    "  virtual_ipaddress {\n    192.168.184.150/24\n  }\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("dump lacks \"%s\":\n%s", expected[i], text);
  g_assert_null (strstr (text, "1111"));
}

static void
test_include_glob_relative (void)
{
  g_autoptr (MemFs) fs = memfs_new ();
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = NULL;

  memfs_add (fs, "/etc/k/main.conf", "global_defs {\n  router_id r\n}\ninclude conf.d/*.conf\n"
                                     "include other/../scripts.conf\n");
  memfs_add (fs, "/etc/k/conf.d/b.conf",
             "vrrp_instance B {\n  interface eth0\n  virtual_router_id 2\n"
             "  virtual_ipaddress {\n    192.0.2.2\n  }\n  track_script {\n    chk\n  }\n}\n");
  memfs_add (fs, "/etc/k/conf.d/a.conf",
             "vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n"
             "  virtual_ipaddress {\n    192.0.2.1\n  }\n  priorty 3\n}\n");
  memfs_add (fs, "/etc/k/conf.d/readme.txt", "garbage {");
  memfs_add (fs, "/etc/k/scripts.conf", "vrrp_script chk {\n  script /bin/true\n}\n");
  c = vipd_config_parse (&fs->ops, "/etc/k/main.conf", d);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpuint (c->files->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (c->files, 1), ==, "/etc/k/conf.d/a.conf");
  g_assert_cmpstr (g_ptr_array_index (c->files, 3), ==, "/etc/k/scripts.conf");
  g_assert_cmpstr (((VipdInstance *) g_ptr_array_index (c->instances, 0))->name, ==, "A");
  g_assert_cmpstr (((VipdInstance *) g_ptr_array_index (c->instances, 1))->name, ==, "B");
  /* Positions point into the included file. */
  assert_diag_at (d, VIPD_DIAG_WARNING, "/etc/k/conf.d/a.conf", 7, 3, "did you mean \"priority\"");
}

static void
test_include_cycle_and_missing (void)
{
  g_autoptr (MemFs) fs = memfs_new ();
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = NULL;

  memfs_add (fs, "/k/main.conf", "include a.conf\ninclude missing.conf\ninclude none/*.conf\n");
  memfs_add (fs, "/k/a.conf", "\n  include sub/b.conf\n");
  memfs_add (fs, "/k/sub/b.conf", "include ../a.conf\n");
  c = vipd_config_parse (&fs->ops, "/k/main.conf", d);

  assert_diag_at (d, VIPD_DIAG_ERROR, "/k/sub/b.conf", 1, 1,
                  "include cycle: /k/main.conf -> /k/a.conf -> /k/sub/b.conf -> /k/a.conf");
  assert_diag_at (d, VIPD_DIAG_ERROR, "/k/main.conf", 2, 1,
                  "cannot read included file \"/k/missing.conf\": No such file");
  assert_diag_at (d, VIPD_DIAG_WARNING, "/k/main.conf", 3, 1,
                  "include \"/k/none/*.conf\" matches no file");
  assert_count (d, VIPD_DIAG_ERROR, 2);
}

static void
test_include_depth (void)
{
  g_autoptr (MemFs) fs = memfs_new ();
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = NULL;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("/k/f%u.conf", i);
      g_autofree char *text = g_strdup_printf ("include f%u.conf\n", i + 1);

      memfs_add (fs, name, text);
    }
  c = vipd_config_parse (&fs->ops, "/k/f0.conf", d);

  /* f0 is the main file; f1..f8 are eight levels of include; f9 is one too many. */
  assert_diag_at (d, VIPD_DIAG_ERROR, "/k/f8.conf", 1, 1, "includes nested deeper than 8");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  g_assert_cmpuint (c->files->len, ==, 9);
}

static void
test_include_file_cap (void)
{
  g_autoptr (MemFs) fs = memfs_new ();
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = NULL;

  memfs_add (fs, "/k/main.conf", "include parts/*.conf\n");
  for (guint i = 0; i < VIPD_CONFIG_MAX_FILES + 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("/k/parts/p%03u.conf", i);

      memfs_add (fs, name, "! empty\n");
    }
  c = vipd_config_parse (&fs->ops, "/k/main.conf", d);

  assert_diag_at (d, VIPD_DIAG_ERROR, "/k/main.conf", 1, 1, "more than 256 configuration files");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  g_assert_cmpuint (c->files->len, ==, VIPD_CONFIG_MAX_FILES);
}

/* One file included from many places is read every time: the bytes of all files together are
 * capped, and the include that would pass the cap is named once. */
static void
test_include_byte_cap (void)
{
  g_autoptr (MemFs) fs = memfs_new ();
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = NULL;
  g_autoptr (GString) main_text = g_string_new (NULL);
  /* 1 MiB of comment: 64 copies fill the default cap, with the main file the 64th passes it. */
  g_autofree char *big = g_strnfill (1024 * 1024, '!');
  const char *part = "! a part\n";

  for (guint i = 0; i < 70; i++)
    g_string_append (main_text, "include big.conf\n");
  memfs_add (fs, "/k/main.conf", main_text->str);
  memfs_add (fs, "/k/big.conf", big);
  c = vipd_config_parse (&fs->ops, "/k/main.conf", d);
  assert_diag_at (d, VIPD_DIAG_ERROR, "/k/main.conf", 64, 1,
                  "reading \"/k/big.conf\" (1048576 bytes) would pass 67108864 bytes");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  g_assert_cmpuint (c->files->len, ==, 64);
  vipd_config_free (g_steal_pointer (&c));
  vipd_diag_list_free (g_steal_pointer (&d));

  /* A lower cap set by the caller; the error names it, and nothing is read past it. */
  d = vipd_diag_list_new ();
  memfs_add (fs, "/k/small.conf", "include part.conf\ninclude part.conf\ninclude part.conf\n");
  memfs_add (fs, "/k/part.conf", part);
  fs->ops.max_bytes = strlen ("include part.conf\n") * 3 + 2 * strlen (part);
  c = vipd_config_parse (&fs->ops, "/k/small.conf", d);
  assert_diag_at (d, VIPD_DIAG_ERROR, "/k/small.conf", 3, 1, "include fewer or smaller files");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  g_assert_cmpuint (c->files->len, ==, 3);
}

static void
test_files_shell (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vipd-config-XXXXXX", &error);
  g_autofree char *main_path = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *inc = NULL;
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdDiagList) d2 = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = NULL;
  g_autoptr (VipdConfig) c2 = NULL;
  g_autofree char *missing = NULL;

  g_assert_no_error (error);
  main_path = g_build_filename (dir, "main.conf", NULL);
  sub = g_build_filename (dir, "d", NULL);
  inc = g_build_filename (sub, "vi.conf", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (main_path, "include d/*.conf\ninclude e/*.conf\n"
                                                 "include gone.conf\n", -1, &error));
  g_assert_true (g_file_set_contents (inc, "vrrp_instance VI {\n  interface eth0\n"
                                           "  virtual_router_id 1\n  virtual_ipaddress {\n"
                                           "    192.0.2.1\n  }\n}\n", -1, &error));
  c = vipd_config_load_file (main_path, d);
  missing = g_build_filename (dir, "gone.conf", NULL);

  g_assert_cmpuint (c->instances->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (c->files, 1), ==, inc);
  assert_diag_at (d, VIPD_DIAG_WARNING, main_path, 2, 1, "matches no file");
  assert_diag_at (d, VIPD_DIAG_ERROR, main_path, 3, 1, missing);
  assert_count (d, VIPD_DIAG_ERROR, 1);

  c2 = vipd_config_load_file (missing, d2);
  assert_diag_at (d2, VIPD_DIAG_ERROR, missing, 0, 0, "cannot read configuration");
  g_assert_cmpuint (c2->instances->len, ==, 0);

  g_assert_cmpint (g_unlink (inc), ==, 0);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_unlink (main_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_diag_format (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  VipdLoc loc = vipd_loc ("x.conf", 3, 7);
  g_autofree char *all = NULL;

  vipd_diag_add (d, VIPD_DIAG_ERROR, &loc, "bad %s", "thing");
  vipd_diag_add (d, VIPD_DIAG_WARNING, &loc, "odd");
  vipd_diag_add (d, VIPD_DIAG_ERROR, NULL, "no place");
  all = vipd_diag_list_format (d);
  g_assert_cmpstr (all, ==,
                   "x.conf:3:7: error: bad thing\nx.conf:3:7: warning: odd\nerror: no place\n");
  g_assert_cmpuint (vipd_diag_count (d, VIPD_DIAG_ERROR), ==, 2);
  g_assert_cmpuint (vipd_diag_count (d, VIPD_DIAG_WARNING), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/seed/all-load", test_seed_all_load);
  g_test_add_func ("/config/seed/values", test_seed_values);
  g_test_add_func ("/config/seed/dump", test_dump);
  g_test_add_func ("/config/include/glob-relative", test_include_glob_relative);
  g_test_add_func ("/config/include/cycle-missing", test_include_cycle_and_missing);
  g_test_add_func ("/config/include/depth", test_include_depth);
  g_test_add_func ("/config/include/file-cap", test_include_file_cap);
  g_test_add_func ("/config/include/byte-cap", test_include_byte_cap);
  g_test_add_func ("/config/files/shell", test_files_shell);
  g_test_add_func ("/config/diag/format", test_diag_format);
  return g_test_run ();
}
