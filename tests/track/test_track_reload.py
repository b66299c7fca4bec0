#!/usr/bin/python3
"""What a reload (SIGHUP) keeps: trackers whose definition did not change go on with their
status, changed ones start over, notify scripts that run finish.

Same test bed and helpers as test_track.py; one meson test per case (argv[1] names it).
Exit 77 (skip) only when not root or `ip netns` is unavailable.
"""

import os
import re
import signal
import sys
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_track import SLACK, VIP, TrackTest, node_dir, sleeps, testbed, write  # noqa: E402

# A state transition in vipd's log: "(VI_1) backup -> master: ...".
TRANSITION = re.compile(r"\(VI_1\) \w+ -> \w+: ")
PRIORITY = re.compile(r"\(VI_1\) .*priority \d+ -> \d+")


class ReloadTest(TrackTest):
    def reload(self, proc, since):
        """SIGHUP, then waits for the reload's log line after offset since of the log."""
        proc.popen.send_signal(signal.SIGHUP)
        self.bed.wait_for(lambda: "reloaded " in proc.output()[since:], 10, "the reload")

    def watch_owner(self, node, seconds):
        """Samples the VIP's owner for seconds; returns the owners seen that were not node."""
        others = set()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            owners = self.owners(VIP)
            if owners != [node]:
                others.add(tuple(owners))
            time.sleep(0.02)
        return others

    def test_reload_keeps_tracking(self):
        """SIGHUP rebuilds the trackers: a failing tracker still counts, a new one starts."""
        bed = self.make_bed(nodes=2)
        tf = "vrrp_track_file tf {\n file @DIR@/w\n weight -20\n}"
        conf = self.pair_conf("node1", 100, tf, "track_file {\n tf\n}")
        p1 = self.vipd("node1", conf)
        self.vipd("node2", self.pair_conf("node2", 90))
        self.wait_owner(VIP, "node1", 6)
        write(os.path.join(bed.tmpdir, "node1", "w"), "1\n")
        self.wait_owner(VIP, "node2", 3)
        # Same file plus a script that fails: after the reload node1 is at 100 - 20 - 5 = 75.
        self.pair_conf("node1", 100, tf + "\nvrrp_script chk {\n script /bin/false\n"
                       " interval 0.2\n weight -5\n}",
                       "track_file {\n tf\n}\ntrack_script {\n chk\n}")
        p1.popen.send_signal(signal.SIGHUP)
        bed.wait_log(p1, "reloaded", 3)
        bed.wait_log(p1, "track script chk failed (exit status 1) (weight -5): priority 80 -> 75", 3)
        time.sleep(0.5)
        self.assertEqual(self.owners(VIP), ["node2"])
        os.unlink(os.path.join(bed.tmpdir, "node1", "w"))  # 95 > 90
        self.wait_owner(VIP, "node1", 3)
        self.assertTrue(p1.running())

    def test_reload_keeps_script_state(self):
        """A failing vrrp_script that the reload leaves alone stays failed: no priority blip, no
        transition, no new first run; it goes on running. A changed one is restarted."""
        bed = self.make_bed(nodes=2)
        d = node_dir(bed, "node1")
        down = os.path.join(d, "down")
        write(os.path.join(d, "chk.sh"),
              "#!/bin/bash\necho run >> %s/runs\n[[ -f %s ]] && exit 1 || exit 0\n" % (d, down),
              0o755)

        def conf(weight, spare=""):
            top = ("vrrp_script chk {\n script %s/chk.sh\n interval 0.2\n weight %d\n}\n%s"
                   % (d, weight, spare))
            return self.pair_conf("node1", 100, top, "track_script {\n chk\n}")

        p1 = self.vipd("node1", conf(-20))
        self.vipd("node2", self.pair_conf("node2", 90))
        self.wait_owner(VIP, "node1", 6)
        write(down, "")
        self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        bed.wait_log(p1, "track script chk failed (exit status 1) (weight -20): priority 100 -> 80",
                     10)
        bed.wait_log(p1, "(VI_1) master -> backup", 10)

        # Reload with chk as it was; something else changes (a script nobody tracks).
        conf(-20, "vrrp_script spare {\n script /bin/true\n}\n")
        mark = len(p1.output())
        runs_before = len(open(os.path.join(d, "runs")).readlines())
        self.reload(p1, mark)
        bed.wait_log(p1, "vrrp_script chk unchanged on reload: keeps its status (failed)", 5)
        # Ten intervals of the script: it keeps failing and nothing moves.
        others = self.watch_owner("node2", 10 * 0.2)
        after = p1.output()[mark:]
        print("log of node1 after the reload:\n" + after)
        self.assertEqual(others, set(), "the VIP left node2 during the reload")
        self.assertEqual(TRANSITION.findall(after), [], "a transition on reload")
        self.assertEqual(PRIORITY.findall(after), [], "the priority moved on reload")
        self.assertNotIn("vrrp_script chk succeeded", after)
        self.assertNotIn("vrrp_script chk: runs", after, "chk was started again")
        runs_after = len(open(os.path.join(d, "runs")).readlines())
        self.assertGreater(runs_after, runs_before + 3, "chk stopped running after the reload")

        # The kept runner still reports to the new configuration's instances.
        os.unlink(down)
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)
        bed.wait_log(p1, "track script chk succeeded (weight -20): priority 80 -> 100", 10)

        # A changed weight restarts chk from its last status: the new weight counts at once,
        # and it does not pass through "ok" on the way (no VIP bounce).
        write(down, "")
        self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        bed.wait_log(p1, "(weight -20): priority 100 -> 80", 10)
        mark = len(p1.output())
        conf(-30)
        self.reload(p1, mark)
        bed.wait_for(lambda: "vrrp_script chk changed on reload: restarted from its last status "
                     "(failed)" in p1.output()[mark:], 5, "chk restarted")
        others = self.watch_owner("node2", 10 * 0.2)
        after = p1.output()[mark:]
        print("log of node1 after the second reload:\n" + after)
        self.assertEqual(others, set(), "the VIP left node2 when chk was restarted")
        self.assertIn("vrrp_script chk: runs", after, "chk was not started again")
        self.assertEqual(PRIORITY.findall(after), ["(VI_1) trackers on reload: priority 80 -> 70"])
        self.assertEqual(TRANSITION.findall(after), [], "a transition on reload")
        os.unlink(down)
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)
        bed.wait_log(p1, "track script chk succeeded (weight -30): priority 70 -> 100", 10)

    def test_reload_priority_with_failed_script(self):
        """A new base priority with a failing script unchanged: the priority goes straight from
        100 - 20 to 110 - 20, never through 110 (which would preempt node2 at 95)."""
        bed = self.make_bed(nodes=2)
        top = "vrrp_script chk {\n script /bin/false\n interval 0.2\n weight -20\n}\n"
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_script {\n chk\n}"))
        self.vipd("node2", self.pair_conf("node2", 95))
        bed.wait_log(p1, "track script chk failed (exit status 1) (weight -20): priority 100 -> 80",
                     10)
        self.wait_owner(VIP, "node2", 6)
        # Both start together: node1 may be master for a moment before node2's first advert.
        bed.wait_for(lambda: re.findall(r"\(VI_1\) \w+ -> (\w+): ", p1.output())[-1:] == ["backup"]
                     and self.owners(VIP) == ["node2"], 5, "node1 in backup")
        mark = len(p1.output())
        self.pair_conf("node1", 110, top, "track_script {\n chk\n}")
        self.reload(p1, mark)
        others = self.watch_owner("node2", 10 * 0.2)
        after = p1.output()[mark:]
        print("log of node1 after the reload:\n" + after)
        self.assertEqual(others, set(), "the VIP left node2 on reload")
        self.assertEqual(TRANSITION.findall(after), [], "a transition on reload")
        self.assertEqual(PRIORITY.findall(after),
                         ["(VI_1) configuration reloaded: priority 100 -> 110: priority 80 -> 90"])

    def test_reload_keeps_file_state(self):
        """An unchanged vrrp_track_file is not re-initialised by a reload: init_file with
        overwrite wrote 0 at start, the admin wrote 3, and 3 still counts after the reload."""
        bed = self.make_bed(nodes=2)
        d = node_dir(bed, "node1")
        f = os.path.join(d, "w")
        tf = "vrrp_track_file tf {\n file %s\n weight -10\n init_file 0 overwrite\n}" % f
        conf = self.pair_conf("node1", 100, tf, "track_file {\n tf\n}")
        p1 = self.vipd("node1", conf)
        self.vipd("node2", self.pair_conf("node2", 90))
        self.wait_owner(VIP, "node1", 6)
        write(f, "3\n")
        self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        bed.wait_log(p1, "track file tf value 3 (weight -10): priority 100 -> 70", 10)
        mark = len(p1.output())
        self.reload(p1, mark)
        others = self.watch_owner("node2", 1.0)
        after = p1.output()[mark:]
        self.assertEqual(others, set(), "the VIP left node2 during the reload")
        self.assertEqual(open(f).read(), "3\n", "init_file overwrote the file on reload")
        self.assertEqual(PRIORITY.findall(after), [], "the priority moved on reload")
        self.assertEqual(TRANSITION.findall(after), [], "a transition on reload")
        # Still watched by the kept tracker.
        write(f, "0\n")
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)

    def test_reload_notify_finishes(self):
        """Notify scripts that run when a reload comes are not killed: they finish. An instance
        that the reload removes gets its notify_stop, which finishes too."""
        bed = self.make_bed(nodes=1, client=False)
        d = node_dir(bed, "node1")
        out = os.path.join(d, "notify.out")
        marker = "2.6%d" % (os.getpid() % 100000)   # a unique sleep of 2.6 s
        write(os.path.join(d, "master.sh"),
              "#!/bin/bash\necho started >> %s\nsleep %s\necho finished >> %s\n"
              % (out, marker, out), 0o755)
        write(os.path.join(d, "stop.sh"),
              "#!/bin/bash\nsleep 0.5\necho VI_2-stopped >> %s\n" % out, 0o755)
        vi2 = textwrap.dedent("""\
            vrrp_instance VI_2 {
                state BACKUP
                interface eth0
                virtual_router_id 52
                priority 100
                advert_int 0.1
                virtual_ipaddress {
                    192.0.2.151/24
                }
                notify_stop %s/stop.sh
            }
            """) % d
        inst = "notify_master %s/master.sh\n" % d
        p1 = self.vipd("node1", self.pair_conf("node1", 100, vi2, inst))
        self.wait_owner(VIP, "node1", 6)
        self.wait_owner("192.0.2.151", "node1", 6)
        bed.wait_for(lambda: os.path.exists(out) and "started" in open(out).read(), 10,
                     "notify_master to start")
        bed.wait_for(lambda: sleeps(marker), 10, "notify_master's sleep")
        self.pair_conf("node1", 100, "", inst)   # VI_2 goes
        self.reload(p1, 0)
        self.assertIn("0 started, 1 stopped", p1.output())
        bed.wait_for(lambda: "finished" in open(out).read(), 10, "notify_master to finish")
        bed.wait_for(lambda: "VI_2-stopped" in open(out).read(), 10, "VI_2's notify_stop")
        self.assertEqual(sorted(open(out).read().split()), ["VI_2-stopped", "finished", "started"])
        self.assertNotRegex(p1.output(), r"notify script .*(failed|timed out|cannot)")


def main():
    return testbed.run_case(ReloadTest)


if __name__ == "__main__":
    sys.exit(main())
