#!/usr/bin/python3
"""vipctl against two vipd nodes on the namespace test bed, each with a private system bus.

Every node runs its own dbus-daemon (the project's system.d policy included, listening on a unix
socket in the bed's temp dir) and vipd finds it through DBUS_SYSTEM_BUS_ADDRESS. There is no
polkitd on these buses, so vipd allows root and refuses everyone else.

Exit 77 (skip) only when not root, `ip netns` is unavailable or dbus-daemon is missing.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "netns"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dbus"))
import testbed  # noqa: E402
from privbus import PrivateBus  # noqa: E402

VIPD = os.environ.get("VIPD", "vipd")
VIPCTL = os.environ.get("VIPCTL", "vipctl")
SRCDIR = os.environ.get("G_TEST_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
README = os.path.abspath(os.path.join(SRCDIR, "..", "README.md"))
COMPLETION = os.path.abspath(os.path.join(SRCDIR, "..", "data", "completion", "vipctl"))
DBUS_DAEMON = shutil.which("dbus-daemon")
SETPRIV = shutil.which("setpriv")
VIP = "192.0.2.50"
# Protocol bounds with slack: master down = 3 x 0.1 s + skew; a takeover needs one advert.
MOVE_BOUND = 3.0


NODE_CONF = """global_defs {{
    router_id {node}
    vrrp_version 3
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority {prio}
    advert_int 0.1
    virtual_ipaddress {{
        {vip}/24
    }}
}}
"""


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def skip_reason():
    reason = testbed.skip_reason()
    if reason:
        return reason
    if DBUS_DAEMON is None:
        return "no dbus-daemon"
    return None


class VipctlTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = testbed.Bed(nodes=2, client=False)
        try:
            # setpriv'd callers (uid 65534) must reach the sockets.
            os.chmod(cls.bed.tmpdir, 0o755)
            cls.address = {}
            cls.vipd = {}
            for node, prio in (("node1", 150), ("node2", 100)):
                cls.address[node] = cls.start_bus(node)
                cls.vipd[node] = cls.start_vipd(node, prio)
            cls.bed.wait_for(lambda: cls.bed.has_addr("node1", VIP), 10, "VIP on node1")
            for node in ("node1", "node2"):
                cls.bed.wait_for(lambda n=node: cls.state(n) == ("master" if n == "node1"
                                                                 else "backup"),
                                 10, "%s settled" % node)
        except BaseException:
            cls.bed.dump_logs()
            cls.bed.teardown()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.bed.teardown()

    @classmethod
    def start_bus(cls, node):
        # The bus config (shipped policy included) comes from the D-Bus tests' helper; the
        # daemon itself runs as one of the bed's processes, inside the node's namespace.
        bus = PrivateBus(cls.bed.tmpdir, name="%s-bus" % node)
        cls.bed.start(node, [DBUS_DAEMON, "--nofork", "--nopidfile", "--config-file", bus.config],
                      cls.bed.log("%s-dbus" % node))
        cls.bed.wait_for(lambda: os.path.exists(bus.socket), 10, "%s's bus socket" % node)
        return bus.address

    @classmethod
    def start_vipd(cls, node, prio, restart=False):
        conf = os.path.join(cls.bed.tmpdir, "%s.conf" % node)
        state = os.path.join(cls.bed.tmpdir, "%s-state" % node)
        os.makedirs(state, exist_ok=True)
        with open(conf, "w") as f:
            f.write(NODE_CONF.format(node=node, prio=prio, vip=VIP))
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=cls.address[node])
        proc = cls.bed.start(node, [VIPD, "-l", "-f", conf, "--state-dir", state],
                             cls.bed.log("%s-vipd%s" % (node, "-again" if restart else "")),
                             env=env)
        cls.bed.wait_for(lambda: cls.ctl(node, "status", "--names").returncode == 0, 10,
                         "vipd on %s's bus" % node)
        return proc

    @classmethod
    def ctl(cls, node, *args, as_nobody=False, use_env=False, timeout=20):
        """Runs vipctl against node's bus: --address, or DBUS_SYSTEM_BUS_ADDRESS with use_env."""
        env = dict(os.environ)
        argv = [VIPCTL]
        if use_env:
            env["DBUS_SYSTEM_BUS_ADDRESS"] = cls.address[node]
        else:
            argv += ["--address", cls.address[node]]
        argv += list(args)
        if as_nobody:
            argv = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)

    @classmethod
    def status(cls, node):
        r = cls.ctl(node, "status", "--json")
        if r.returncode != 0:
            raise AssertionError("vipctl status --json on %s: %d %s" % (node, r.returncode,
                                                                        r.stderr))
        return {i["Name"]: i for i in json.loads(r.stdout)}

    @classmethod
    def state(cls, node):
        return cls.status(node)["VI_1"]["State"]

    def ok(self, node, *args):
        r = self.ctl(node, *args)
        self.assertEqual(r.returncode, 0, "vipctl %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def wait_vip_on(self, owner, other, what):
        """Waits until the VIP is on owner and off other; returns the seconds it took."""
        t0 = time.monotonic()
        self.bed.wait_for(lambda: self.bed.has_addr(owner, VIP) and
                          not self.bed.has_addr(other, VIP), MOVE_BOUND, what)
        return time.monotonic() - t0

    def restore(self):
        """Back to the configured roles: node1 master, node2 backup, no admin priorities."""
        for node in ("node1", "node2"):
            self.ok(node, "reset", "VI_1")
        self.wait_vip_on("node1", "node2", "VIP back on node1 after reset")
        self.bed.wait_for(lambda: self.state("node2") == "backup", MOVE_BOUND, "node2 backup")

    def run(self, result=None):
        failures = len(result.failures) + len(result.errors) if result else 0
        super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            self.bed.dump_logs()

    # --- reading ------------------------------------------------------------------------------

    def test_status_table(self):
        r = self.ok("node1", "status")
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 2, r.stdout)
        header, row = lines
        self.assertEqual(header.split(), ["INSTANCE", "INTERFACE", "VRID", "STATE",
                                          "PRIORITY(base/admin/eff)", "VIPS", "OWNER"])
        self.assertEqual(row.split(), ["VI_1", "eth0", "51", "master", "150/-/150",
                                       VIP + "/24", "192.0.2.11"])
        # Aligned: every column starts where its header does.
        for word in ("VRID", "STATE", "VIPS", "OWNER"):
            col = header.index(word)
            self.assertNotEqual(row[col], " ", word)
            self.assertEqual(row[col - 1], " ", word)
        r = self.ok("node2", "status")
        self.assertEqual(r.stdout.splitlines()[1].split(),
                         ["VI_1", "eth0", "51", "backup", "100/-/100", VIP + "/24", "192.0.2.11"])

    def test_readme_status_example(self):
        """The README's `vipctl status` output is what node2 (the backup) prints, byte for byte."""
        text = read(README)
        block = text[text.index("$ vipctl status\n") + len("$ vipctl status\n"):]
        expected = block[:block.index("$ ")]
        self.assertEqual(self.ok("node2", "status").stdout, expected)

    def test_status_json_has_every_property(self):
        st = self.status("node2")["VI_1"]
        for key in ("Name", "Interface", "VirtualRouterId", "Version", "Family", "State",
                    "BasePriority", "AdminPriority", "EffectivePriority", "Preempt",
                    "AdvertInterval", "VirtualAddresses", "MasterAddress", "MasterPriority",
                    "LastTransition", "LastTransitionReason", "SyncGroup", "TrackScripts",
                    "Counters", "NetworkManagerDevice", "VirtualMacInterface"):
            self.assertIn(key, st)
        self.assertEqual(st["VirtualMacInterface"], "")
        self.assertEqual(st["Path"], "/org/vipd/Vrrp1/instance/VI_1")
        self.assertEqual(st["VirtualRouterId"], 51)
        self.assertEqual(st["Version"], 3)
        self.assertEqual(st["AdvertInterval"], 100)
        self.assertEqual(st["VirtualAddresses"], [VIP + "/24"])
        # No NetworkManager on this bus.
        self.assertEqual(st["NetworkManagerDevice"], "absent")
        self.assertEqual(st["MasterAddress"], "192.0.2.11")
        self.assertEqual(st["MasterPriority"], 150)
        self.assertIsInstance(st["Counters"], dict)

    def test_names_helper_and_env_bus(self):
        r = self.ctl("node1", "status", "--names", use_env=True)
        self.assertEqual((r.returncode, r.stdout), (0, "VI_1\n"), r.stderr)

    def complete(self, line):
        script = ('source "$1"; COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}; _vipctl; '
                  'printf "%s\\n" "${COMPREPLY[@]}"')
        r = subprocess.run(["bash", "-c", script, "bash", COMPLETION, line],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        return sorted(w for w in r.stdout.splitlines() if w)

    def test_bash_completion(self):
        self.assertEqual(self.complete(VIPCTL + " t"), ["takeover"])
        self.assertEqual(self.complete(VIPCTL + " --no-ask-password re"), ["reload", "reset"])
        self.assertEqual(self.complete(VIPCTL + " --address %s takeover " % self.address["node1"]),
                         ["VI_1"])
        self.assertEqual(self.complete(VIPCTL + " --address=%s priority V" % self.address["node2"]),
                         ["VI_1"])
        self.assertEqual(self.complete(VIPCTL + " --address %s priority VI_1 " % self.address["node2"]),
                         [])
        self.assertEqual(self.complete(VIPCTL + " maintenance o"), ["off", "on"])
        self.assertIn("--follow", self.complete(VIPCTL + " events --f"))

    # --- admin --------------------------------------------------------------------------------

    def test_takeover_then_reset(self):
        self.addCleanup(self.restore)
        since = time.time()
        r = self.ok("node2", "takeover", "VI_1")
        self.assertIn("VI_1", r.stdout)
        took = self.wait_vip_on("node2", "node1", "VIP moved to node2 by takeover")
        sys.stderr.write("takeover moved the VIP in %.3f s\n" % took)
        st = self.status("node2")["VI_1"]
        self.assertEqual((st["State"], st["AdminPriority"], st["EffectivePriority"]),
                         ("master", 254, 254))
        self.bed.wait_for(lambda: self.state("node1") == "backup", MOVE_BOUND, "node1 backup")
        self.assertEqual(self.status("node1")["VI_1"]["MasterAddress"], "192.0.2.12")

        r = self.ok("node2", "events", "--since", "%d" % (time.time() - since + 5))
        self.assertRegex(r.stdout, r"VI_1  backup -> master  admin: TakeOver by uid 0")
        r = self.ok("node2", "events", "--json", "--since", "%d" % (time.time() - since + 5))
        events = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertIn({"instance": "VI_1", "old_state": "backup", "new_state": "master",
                       "reason": "admin: TakeOver by uid 0"},
                      [{k: e[k] for k in ("instance", "old_state", "new_state", "reason")}
                       for e in events])
        self.assertTrue(all(e["timestamp"] >= (since - 6) * 1e6 for e in events))

        self.ok("node2", "reset", "VI_1")
        self.assertEqual(self.status("node2")["VI_1"]["AdminPriority"], 0)
        # node1 preempts again (priority 150 over 100) once the admin priority is gone.
        self.wait_vip_on("node1", "node2", "VIP back on node1 after reset")

    def test_demote_master_moves_vip(self):
        self.addCleanup(self.restore)
        self.ok("node1", "demote", "VI_1")
        took = self.wait_vip_on("node2", "node1", "VIP moved to node2 by demote")
        sys.stderr.write("demote moved the VIP in %.3f s\n" % took)
        st = self.status("node1")["VI_1"]
        self.assertEqual((st["State"], st["AdminPriority"]), ("backup", 1))
        r = self.ok("node1", "events")
        self.assertIn("admin: Demote by uid 0", r.stdout)

    def test_priority(self):
        self.addCleanup(self.restore)
        self.ok("node2", "priority", "VI_1", "200")
        st = self.status("node2")["VI_1"]
        self.assertEqual((st["BasePriority"], st["AdminPriority"], st["EffectivePriority"]),
                         (100, 200, 200))
        self.assertIn("100/200/200", self.ok("node2", "status").stdout)
        # Higher than node1's 150 and preempting: node2 takes the VIP.
        self.wait_vip_on("node2", "node1", "VIP moved to node2 by priority 200")

    def test_garp(self):
        r = self.ok("node1", "garp", "VI_1")
        self.assertIn("sent", r.stdout)

    def test_events_follow_prints_new_event(self):
        self.addCleanup(self.restore)
        out = os.path.join(self.bed.tmpdir, "follow.out")
        with open(out, "w") as f:
            follow = subprocess.Popen(["timeout", "20", VIPCTL, "--address",
                                       self.address["node2"], "events", "--follow",
                                       "--since", "0"],
                                      stdout=f, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        try:
            time.sleep(0.5)  # let it subscribe; an event before that would also be printed
            self.assertIsNone(follow.poll(), "events --follow exited early")
            self.assertNotIn("TakeOver", read(out))
            self.ok("node2", "takeover", "VI_1")
            self.bed.wait_for(lambda: "backup -> master  admin: TakeOver by uid 0" in
                              read(out), 5, "the TakeOver event from events --follow")
        finally:
            follow.send_signal(signal.SIGTERM)
            rc = follow.wait(timeout=5)
        self.assertEqual(rc, 0, read(out))

    def test_reload_prints_warnings_and_errors(self):
        conf = os.path.join(self.bed.tmpdir, "node2.conf")
        good = read(conf)
        self.addCleanup(write, conf, good)
        write(conf, good.replace("    priority 100\n", "    priority 100\n    priorty 7\n"))
        r = self.ok("node2", "reload")
        self.assertIn("configuration reloaded (1 warning)", r.stdout)
        self.assertRegex(r.stderr, r"node2\.conf:\d+:\d+: warning:.*did you mean \"priority\"")
        write(conf, good.replace("virtual_router_id 51", "virtual_router_id 300"))
        r = self.ctl("node2", "reload")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"node2\.conf:\d+:\d+: error: virtual_router_id 300")
        self.assertIn("the running configuration stays", r.stderr)
        self.assertEqual(self.state("node2"), "backup")

    # --- exit codes ---------------------------------------------------------------------------

    def test_unknown_instance_is_5(self):
        r = self.ctl("node1", "takeover", "VI_9")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn('no instance "VI_9"', r.stderr)
        self.assertIn("VI_1", r.stderr)

    def test_usage_errors_are_2(self):
        for args in (["frobnicate"], [], ["takeover"], ["priority", "VI_1", "255"],
                     ["priority", "VI_1", "x"], ["maintenance", "maybe"], ["demote", "--json", "VI_1"],
                     ["status", "--follow"], ["--bogus", "status"]):
            with self.subTest(args=args):
                r = self.ctl("node1", *args)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertTrue(r.stderr.startswith("vipctl: "), r.stderr)
        self.assertEqual(self.state("node1"), "master")

    def test_not_authorized_is_3(self):
        if SETPRIV is None:
            self.skipTest("no setpriv")
        # Reading is open to everyone.
        r = self.ctl("node2", "status", as_nobody=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        for args, action in ((["takeover", "VI_1"], "org.vipd.vrrp1.takeover"),
                             (["priority", "VI_1", "200"], "org.vipd.vrrp1.set-priority"),
                             (["maintenance", "on"], "org.vipd.vrrp1.maintenance")):
            with self.subTest(args=args):
                r = self.ctl("node2", *args, as_nobody=True)
                self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
                self.assertIn("not authorized", r.stderr)
                self.assertIn(action, r.stderr)
                self.assertIn("run vipctl as root", r.stderr)
                self.assertIn('"vipd" group', r.stderr)
        st = self.status("node2")["VI_1"]
        self.assertEqual((st["State"], st["AdminPriority"]), ("backup", 0))
        self.assertFalse(self.bed.has_addr("node2", VIP))

    def test_no_vipd_is_4(self):
        # A bus without vipd on it: node2's, while its vipd is stopped.
        self.bed.stop(self.vipd["node2"])
        try:
            r = self.ctl("node2", "status")
            self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
            self.assertIn("vipd is not running on this bus", r.stderr)
            r = self.ctl("node2", "takeover", "VI_1")
            self.assertEqual(r.returncode, 4, r.stderr)
        finally:
            type(self).vipd["node2"] = self.start_vipd("node2", 100, restart=True)
            self.bed.wait_for(lambda: self.state("node2") == "backup", 5, "node2 backup again")
        # And no bus at all.
        r = subprocess.run([VIPCTL, "--address", "unix:path=" + os.path.join(self.bed.tmpdir, "none"),
                            "status"], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("cannot connect", r.stderr)


if __name__ == "__main__":
    reason = skip_reason()
    if reason:
        print("SKIP: " + reason)
        sys.exit(77)
    unittest.main(verbosity=2)
