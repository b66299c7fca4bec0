#!/usr/bin/python3
"""Notify scripts under keepalived's script rules (same bed and helpers as test_track.py).

One meson test per case (argv[1] names it). Exit 77 (skip) only when not root or `ip netns`
is unavailable.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_track import VIP, TrackTest, node_dir, testbed, write  # noqa: E402


class NotifyTest(TrackTest):
    def test_notify_script_security(self):
        """enable_script_security refuses a notify script that someone other than root could
        change, as keepalived 2.2.7 does ("Unsafe permissions ... disabling"), and says where it
        is configured and why; a safe one next to it still runs."""
        bed = self.make_bed(nodes=1, client=False)
        d = node_dir(bed, "node1")
        os.chmod(d, 0o755)
        bad = os.path.join(d, "open")
        os.mkdir(bad)
        os.chmod(bad, 0o777)
        out = os.path.join(d, "notify.out")
        write(os.path.join(bad, "master.sh"), "#!/bin/sh\necho unsafe-ran >> %s\n" % out, 0o755)
        write(os.path.join(d, "notify.sh"), "#!/bin/sh\necho $3 >> %s\n" % out, 0o755)
        top = "global_defs {\n enable_script_security\n}\n"
        inst = "notify_master %s/master.sh\nnotify %s/notify.sh\n" % (bad, d)
        conf = self.pair_conf("node1", 100, top, inst)
        with open(conf) as f:
            lineno = next(i for i, l in enumerate(f, 1) if "notify_master" in l)
        p1 = self.vipd("node1", conf)
        self.wait_owner(VIP, "node1", 6)
        bed.wait_for(lambda: os.path.exists(out) and "MASTER" in open(out).read(), 10,
                     "the safe notify script")
        line = bed.wait_log(p1, "enable_script_security refuses it", 5)
        self.assertIn("%s:%d: notify script \"%s/master.sh\" not run" % (conf, lineno, bad), line)
        self.assertIn("%s is writable by everyone" % bad, line)
        self.assertEqual(open(out).read().split(), ["BACKUP", "MASTER"])


def main():
    reason = testbed.skip_reason()
    if reason:
        print("SKIP: " + reason)
        return 77
    if len(sys.argv) != 2:
        print("usage: test_track_notify.py CASE", file=sys.stderr)
        return 2
    suite = unittest.TestSuite([NotifyTest("test_" + sys.argv[1])])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
