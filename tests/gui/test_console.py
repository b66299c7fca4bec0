#!/usr/bin/python3
"""vipd-console under Xvfb against a real two-node test bed.

node1 (priority 150) and node2 (100) each run vipd on a private system bus. Xvfb, a session bus
and vipd-console run inside the bed's client namespace (nothing is started in the root
namespace); the console gets both nodes with --node. The console writes what it shows as JSON
after each update (VIPD_CONSOLE_TEST_REPORT); the test reads that, activates app.move-vip-here
over the session bus (GApplication's org.gtk.Actions, the same action the row's button runs
after its confirmation dialog) and checks `ip` on node2. Screenshots go to VIPD_GUI_ARTIFACTS.

Exit 77 (skip) without root, ip netns, dbus-daemon, Xvfb or ImageMagick's import.
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dbus"))
import vipdbus  # noqa: E402
from vipdbus import Node, conf_text, wait_master, VIP  # noqa: E402

CONSOLE = os.environ.get("VIPD_CONSOLE", "vipd-console")
ARTIFACTS = os.environ.get("VIPD_GUI_ARTIFACTS") or os.getcwd()
XVFB = shutil.which("Xvfb")
IMPORT = shutil.which("import")
DBUS_DAEMON = shutil.which("dbus-daemon")
GDBUS = shutil.which("gdbus")
APP_ID = "org.vipd.Console"
APP_PATH = "/org/vipd/Console"
# Protocol bound with slack: a takeover needs one advert at 0.1 s; the console adds an idle.
MOVE_BOUND = 5.0


def skip_reason():
    r = vipdbus.skip_reason()
    if r:
        return r
    for name, path in (("Xvfb", XVFB), ("ImageMagick import", IMPORT), ("gdbus", GDBUS),
                       ("dbus-daemon", DBUS_DAEMON)):
        if path is None:
            return "no " + name
    if not os.path.exists(CONSOLE):
        return "no vipd-console at " + CONSOLE
    return None


def free_display():
    for n in range(90, 200):
        if not os.path.exists("/tmp/.X%d-lock" % n) and not os.path.exists("/tmp/.X11-unix/X%d" % n):
            return n
    raise RuntimeError("no free X display number")


class ConsoleTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = vipdbus.testbed.Bed(nodes=2, client=True)
        try:
            cls.node1 = Node(cls.bed, "node1", conf_text("node1", 150))
            cls.node2 = Node(cls.bed, "node2", conf_text("node2", 100))
            cls.node1.start_vipd()
            wait_master(cls.bed, cls.node1)
            cls.node2.start_vipd()
            cls.node2.wait_on_bus()
            cls.bed.wait_for(lambda: cls.node2.state() == "backup", 10, "node2 backup")

            cls.display = ":%d" % free_display()
            cls.xvfb = cls.bed.start("client", [XVFB, cls.display, "-screen", "0", "800x600x24",
                                                "-nolisten", "tcp", "-noreset"],
                                     cls.bed.log("xvfb"))
            lock = "/tmp/.X%s-lock" % cls.display[1:]
            cls.bed.wait_for(lambda: os.path.exists(lock) and cls.xvfb.running(), 10, "Xvfb")
            cls.session_sock = os.path.join(cls.bed.tmpdir, "session.sock")
            cls.session = cls.bed.start("client", [DBUS_DAEMON, "--session", "--nofork",
                                                   "--nopidfile", "--address",
                                                   "unix:path=" + cls.session_sock],
                                        cls.bed.log("session-bus"))
            cls.bed.wait_for(lambda: os.path.exists(cls.session_sock), 10, "session bus")
            cls.config_home = os.path.join(cls.bed.tmpdir, "config")
            os.makedirs(cls.config_home, exist_ok=True)
        except BaseException:
            cls.bed.dump_logs()
            cls.bed.teardown()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.bed.teardown()

    def env(self, dark=False):
        env = dict(os.environ)
        env.update({
            "DISPLAY": self.display,
            "GDK_BACKEND": "x11",
            "GSK_RENDERER": "cairo",  # Xvfb has no GL worth the name
            "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + self.session_sock,
            "XDG_CONFIG_HOME": self.config_home,
            "VIPD_CONSOLE_TEST_REPORT": self.report_path,
            "ADW_DEBUG_COLOR_SCHEME": "prefer-dark" if dark else "prefer-light",
            "G_DEBUG": "fatal-criticals",
            "NO_AT_BRIDGE": "1",
            "GTK_A11Y": "none",
        })
        env.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def start_console(self, tag, dark=False):
        self.report_path = os.path.join(self.bed.tmpdir, "report-%s.json" % tag)
        argv = [CONSOLE, "--node", self.node1.bus.address, "--node", self.node2.bus.address]
        self.console = self.bed.start("client", argv, self.bed.log("console-" + tag),
                                      env=self.env(dark))

    def stop_console(self):
        self.bed.stop(self.console)

    def report(self):
        try:
            with open(self.report_path) as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return None

    def owner_is(self, label):
        r = self.report()
        if not r or len(r["groups"]) != 1:
            return False
        owners = r["groups"][0]["owners"]
        return (len(owners) == 1 and owners[0]["node"] == label
                and label in (r["groups"][0]["shown_owner"] or ""))

    def wait_owner(self, label, timeout):
        try:
            self.bed.wait_for(lambda: self.owner_is(label), timeout,
                              "console showing %s as the owner" % label, interval=0.05)
        except AssertionError:
            print("last report: %s\nconsole log:\n%s" % (json.dumps(self.report(), indent=1),
                                                         self.console.output()), file=sys.stderr)
            raise

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name)
        # Let GTK paint the frame that follows the report.
        import time
        time.sleep(0.7)
        r = subprocess.run(self.bed.cmd("client", [IMPORT, "-display", self.display, "-window",
                                                   "root", path]),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(path), 1000)
        print("screenshot: %s" % path)

    def activate(self, action, *params):
        target = "('%s')" % "', '".join(params)
        argv = [GDBUS, "call", "--session", "--dest", APP_ID, "--object-path", APP_PATH,
                "--method", "org.gtk.Actions.Activate", action, "[<%s>]" % target, "{}"]
        env = self.env()
        r = subprocess.run(self.bed.cmd("client", argv), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_1_owner_then_move(self):
        self.start_console("light")
        try:
            self.wait_owner("node1", 20)
            r = self.report()
            self.assertEqual([n["state"] for n in r["nodes"]], ["connected", "connected"])
            self.assertEqual([m["node"] for m in r["groups"][0]["members"]], ["node1", "node2"])
            self.assertEqual(r["groups"][0]["alarms"], [])
            self.assertIn(VIP, r["groups"][0]["owners"][0]["vip"])
            self.screenshot("console-node1-owner.png")

            # Move VIP here, on node2's row: the node is named by its RouterId as shown.
            self.activate("move-vip-here", "node2", "VI_1")
            self.wait_owner("node2", MOVE_BOUND)
            self.bed.wait_for(lambda: self.node2.has_vip(), MOVE_BOUND, "VIP on node2")
            self.bed.wait_for(lambda: not self.node1.has_vip(), MOVE_BOUND, "VIP off node1")
            self.assertEqual(self.node2.get("VI_1", "AdminPriority"), 254)
            self.bed.wait_for(lambda: not any(m["busy"] for m in
                                              self.report()["groups"][0]["members"]),
                              MOVE_BOUND, "the busy state to clear")
            self.screenshot("console-node2-owner.png")

            # Reset on node2: node1 takes the VIP back by its configured priority (preempt).
            self.activate("reset", "node2", "VI_1")
            self.wait_owner("node1", MOVE_BOUND)
            self.bed.wait_for(lambda: self.node1.has_vip(), MOVE_BOUND, "VIP back on node1")
        finally:
            self.stop_console()

    def test_2_unreachable_and_dark(self):
        self.start_console("dark", dark=True)
        try:
            self.wait_owner("node1", 20)
            # node2's vipd goes away: the node reports "vipd is not running", its rows go, and
            # the console stays up.
            self.node2.stop_vipd()
            self.bed.wait_for(lambda: [n["state"] for n in self.report()["nodes"]]
                              == ["connected", "no-vipd"], 10, "node2 shown without vipd")
            self.assertTrue(self.owner_is("node1"))
            self.assertEqual([a["kind"] for a in self.report()["alarms"]], ["node-unreachable"])
            self.screenshot("console-dark-node2-down.png")
            self.node2.start_vipd()
            self.bed.wait_for(lambda: [n["state"] for n in self.report()["nodes"]]
                              == ["connected", "connected"], 10, "node2 back")
            self.bed.wait_for(lambda: len(self.report()["groups"][0]["members"]) == 2, 10,
                              "node2's instance back in the view")
        finally:
            self.stop_console()


if __name__ == "__main__":
    reason = skip_reason()
    if reason:
        print("SKIP: %s" % reason)
        sys.exit(77)
    unittest.main(verbosity=2)
