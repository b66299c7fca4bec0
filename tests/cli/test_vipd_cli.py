#!/usr/bin/python3
"""vipd's command line as an admin uses it: --check, --dump and option errors."""
import glob
import os
import subprocess
import sys
import tempfile
import unittest

VIPD = os.environ.get("VIPD", "vipd")
SEED = os.path.join(os.environ.get("G_TEST_SRCDIR", os.path.dirname(__file__) + "/.."), "data", "seed")


def run(*args):
    return subprocess.run([VIPD, *args], capture_output=True, text=True, timeout=30)


class CheckTests(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def test_seed_configurations_are_valid(self):
        confs = sorted(glob.glob(os.path.join(SEED, "**", "*.conf"), recursive=True))
        self.assertGreaterEqual(len(confs), 14)
        for conf in confs:
            with self.subTest(conf=os.path.relpath(conf, SEED)):
                r = run("--check", "-f", conf)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn(": error:", r.stderr)
                self.assertIn("configuration valid", r.stderr)

    def test_keepalived_short_option(self):
        r = run("-t", "-f", os.path.join(SEED, "floating-vip", "node1.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_errors_name_file_line_and_fix(self):
        path = self.write(
            "vrrp_instance VI_1 {\n"
            "    interface eth0\n"
            "    virtual_router_id 300\n"
            "    priorty 100\n"
            "    virtual_ipaddress {\n"
            "        192.0.2.10/24\n"
            "    }\n"
            "}\n")
        r = run("--check", "-f", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:3:", r.stderr)
        self.assertIn("virtual_router_id 300 is out of range: write 1 to 255", r.stderr)
        self.assertIn(f"{path}:4:5: warning:", r.stderr)
        self.assertIn('did you mean "priority"', r.stderr)
        self.assertIn("not valid", r.stderr)

    def test_missing_file(self):
        r = run("--check", "-f", "/nonexistent/vipd.conf")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent/vipd.conf", r.stderr)

    def test_dump_hides_password_and_shows_plan(self):
        r = run("--dump", "-f", os.path.join(SEED, "floating-vip", "node1.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("virtual_router_id 51", r.stdout)
        self.assertNotIn("1111", r.stdout)
        # RFC 3768: Master_Down_Interval = 3 * 1 s + (256 - 100) / 256 s.
        self.assertIn("takes over 3609.4 ms", r.stdout)

    def test_bad_options(self):
        r = run("-S", "9", "--check", "-f", os.path.join(SEED, "vip-syntax.conf"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("0-7", r.stderr)
        r = run("--no-such-option")
        self.assertEqual(r.returncode, 2)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^vipd \d+\.\d+")


if __name__ == "__main__":
    unittest.main(verbosity=2)
