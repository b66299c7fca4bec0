#!/usr/bin/python3
"""vipd-console's Virtual servers page under Xvfb against a real director.

node1 runs vipd with a virtual_server whose real servers are nginx in node2 (192.0.2.12) and
node3 (192.0.2.13); the kernel here has no IPVS, so vipd keeps its table in memory
(VIPD_IPVS_BACKEND=memory, as tests/lvs does) and checks the real servers for real. Xvfb, a
session bus and the console run in the bed's client namespace. The console writes what the page
shows as JSON (VIPD_CONSOLE_TEST_REPORT); the test follows that, drives the page through its
actions (win.drain asks first and is confirmed from the keyboard; app.enable, app.set-weight)
and checks vipd with `vipctl lvs --json`. Screenshots go to VIPD_GUI_ARTIFACTS.

Exit 77 (skip) without root, ip netns, dbus-daemon, Xvfb, ImageMagick's import or nginx.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lvs"))
sys.path.insert(0, os.path.join(HERE, "..", "dbus"))
os.environ["VIPD_IPVS_BACKEND"] = "memory"

import test_console as tc  # noqa: E402
import test_lvs as tl  # noqa: E402
import realpolkit  # noqa: E402
from vipdbus import Node, conf_text, run_as, testbed, wait_master  # noqa: E402

VS = "192.0.2.100:80/tcp"
RS2 = "192.0.2.12:80"
RS3 = "192.0.2.13:80"
NOBODY = 65534
# Check formula (delay_loop 0.5, retry 1 at 0.3 s, connect_timeout 1) with slack.
CHECK_BOUND = 0.5 + 0.3 + 2 * 1 + 5.0
LVS = textwrap.dedent("""\
    virtual_server 192.0.2.100 80 {
        delay_loop 0.5
        lb_algo wrr
        lb_kind NAT
        protocol TCP
        quorum 2
        sorry_server 192.0.2.14 80
        real_server 192.0.2.12 80 {
            weight 3
            TCP_CHECK {
                connect_timeout 1
                retry 1
                delay_before_retry 0.3
            }
        }
        real_server 192.0.2.13 80 {
            weight 2
            TCP_CHECK {
                connect_timeout 1
                retry 1
                delay_before_retry 0.3
            }
        }
    }
    """)
HELLO = 'listen 80;\nlocation / { return 200 "hello\\n"; }'


def skip_reason():
    r = tc.skip_reason()
    if r:
        return r
    if shutil.which("nginx") is None:
        return "no nginx"
    if not os.path.exists(tl.VIPCTL):
        return "no vipctl at " + tl.VIPCTL
    return None


class LvsPageTests(unittest.TestCase):
    # The console plumbing (environment, start/stop, report, actions, screenshots, xdotool) is
    # test_console's.
    env = tc.ConsoleTests.env
    report = tc.ConsoleTests.report
    screenshot = tc.ConsoleTests.screenshot
    activate = tc.ConsoleTests.activate
    activate_window = tc.ConsoleTests.activate_window
    window_open = tc.ConsoleTests.window_open
    wait_window = tc.ConsoleTests.wait_window
    press_alt = tc.ConsoleTests.press_alt
    xdo = tc.ConsoleTests.xdo

    @classmethod
    def setUpClass(cls):
        cls.bed = testbed.Bed(nodes=3, client=True)
        try:
            cls.nginx = {n: tl.start_nginx(cls.bed, n, [HELLO]) for n in ("node2", "node3")}
            for n in cls.nginx:
                tl.wait_port(cls.bed, n, 80)
            cls.node1 = Node(cls.bed, "node1", conf_text("node1", 150, state="MASTER") + "\n" + LVS)
            cls.node1.start_vipd()
            wait_master(cls.bed, cls.node1)
            cls.display, cls.xvfb = tc.start_xvfb(cls.bed)
            cls.session_sock = os.path.join(cls.bed.tmpdir, "session.sock")
            cls.session = cls.bed.start("client", [tc.DBUS_DAEMON, "--session", "--nofork",
                                                   "--nopidfile", "--address",
                                                   "unix:path=" + cls.session_sock],
                                        cls.bed.log("session-bus"))
            cls.bed.wait_for(lambda: os.path.exists(cls.session_sock), 10, "session bus")
            cls.config_home = os.path.join(cls.bed.tmpdir, "config")
            os.makedirs(cls.config_home, exist_ok=True)
        except BaseException:
            cls.bed.dump_logs()
            tc.stop_xvfb(cls.bed, getattr(cls, "xvfb", None))
            cls.bed.teardown()
            raise

    @classmethod
    def tearDownClass(cls):
        tc.stop_xvfb(cls.bed, getattr(cls, "xvfb", None))
        cls.bed.teardown()

    def start_console(self, tag, dark=False, user=None, env_extra=None, report_dir=None):
        self.report_path = os.path.join(report_dir or self.bed.tmpdir, "report-lvs-%s.json" % tag)
        argv = [tc.CONSOLE, "--node", self.node1.bus.address]
        if user is not None:
            argv = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + argv
        env = self.env(dark)
        env.update(env_extra or {})
        self.console = self.bed.start("client", argv, self.bed.log("console-lvs-" + tag), env=env)

    def stop_console(self):
        self.bed.stop(self.console)

    def wait(self, cond, timeout, what):
        try:
            self.bed.wait_for(lambda: self.report() is not None and cond(), timeout, what,
                              interval=0.05)
        except AssertionError:
            print("last report: %s\nconsole log:\n%s\nvipd log (tail):\n%s"
                  % (json.dumps(self.report(), indent=1), self.console.output(),
                     self.node1.vipd.output()[-3000:]), file=sys.stderr)
            raise

    def shown_rs(self, name):
        vss = self.report()["virtual_servers"]
        if len(vss) != 1:
            return None
        for rs in vss[0]["real_servers"]:
            if rs["name"] == name:
                return rs
        return None

    def rs_is(self, name, health, text=""):
        rs = self.shown_rs(name)
        return rs is not None and rs["health"] == health and text in rs["shown"]

    def vipctl(self, user=None):
        r = run_as(self.bed, "node1", [tl.VIPCTL, "lvs", "--json"], self.node1.env(), user=user)
        return {s["Name"]: s for s in json.loads(r.stdout)[0]["RealServers"]}

    def show_lvs_page(self):
        self.activate_window("page", "'lvs'")
        self.wait(lambda: self.report()["page"] == "lvs", 10, "the Virtual servers page shown")

    def test_1_health_drain_enable_weight(self):
        self.start_console("light")
        try:
            self.wait(lambda: self.rs_is(RS2, "up", "Up") and self.rs_is(RS3, "up", "Up"), 20,
                      "both real servers shown up")
            self.show_lvs_page()
            vs = self.report()["virtual_servers"][0]
            self.assertEqual((vs["node"], vs["name"]), ("node1", VS))
            self.assertEqual(vs["title"], "%s on node1" % VS)
            for text in ("TCP", "wrr", "NAT", "Quorum up (needs 2)", "192.0.2.14:80 on standby"):
                self.assertIn(text, vs["description"])
            # The memory backend stands for a kernel table: programmed, so no such note.
            self.assertNotIn("IPVS is not programmed", vs["description"])
            self.assertEqual([rs["name"] for rs in vs["real_servers"]], [RS2, RS3])
            self.assertIn("weight 3 (configured 3)", self.shown_rs(RS2)["shown"])
            self.assertIn("TCP connect to 192.0.2.12:80 succeeded", self.shown_rs(RS2)["shown"])
            self.assertTrue(self.shown_rs(RS2)["drain_shown"])
            self.assertFalse(self.shown_rs(RS2)["enable_shown"])
            made = self.report()["lvs_rows_created"]
            self.assertEqual(made, 3)  # one virtual server, two real servers
            self.screenshot("console-lvs-healthy.png")

            # nginx on node2 stops: after its retry the row says down, with vipd's reason.
            self.bed.stop(self.nginx["node2"])
            self.wait(lambda: self.rs_is(RS2, "down", "Down"), CHECK_BOUND, "node2 shown down")
            reason = tl.rs_prop(self.node1, VS, RS2, "LastCheckReason")
            self.assertIn("192.0.2.12:80", reason)
            self.wait(lambda: reason in self.shown_rs(RS2)["shown"], 5, "the reason shown")
            self.assertIn("out of the table", self.shown_rs(RS2)["shown"])
            self.assertTrue(self.rs_is(RS3, "up"))
            self.screenshot("console-lvs-down.png")

            # Drain node3 from the row: it asks first (nothing changes until confirmed), then
            # Alt+D on the dialog's "_Drain" confirms.
            self.activate_window("drain", "('node1', '%s', '%s')" % (VS, RS3))
            self.wait_window("the Drain dialog", heading="Drain This Real Server?", active=None)
            self.assertEqual(self.vipctl()[RS3]["AdminWeight"], -1)
            self.screenshot("console-lvs-confirm-drain.png", delay=0.3)
            if tc.XDOTOOL:
                wid = self.xdo("search", "--sync", "--name", "vipd Console").stdout.split()[0]
                dialogs = [w for w in self.xdo("search", "--onlyvisible", "--classname",
                                               "vipd-console").stdout.split() if w != wid]
                self.assertTrue(dialogs, "no X window for the Drain dialog")
                self.xdo("windowfocus", "--sync", dialogs[-1])
                self.wait_window("the Drain dialog active", heading="Drain This Real Server?")
                self.press_alt("d")
            else:
                self.activate("drain", "('node1', '%s', '%s')" % (VS, RS3))
            self.bed.wait_for(lambda: self.vipctl()[RS3]["Weight"] == 0
                              and self.vipctl()[RS3]["AdminWeight"] == 0, 10,
                              "vipctl lvs showing weight 0 for node3")
            self.wait(lambda: "drained (weight 0, configured 2)" in self.shown_rs(RS3)["shown"]
                      and self.shown_rs(RS3)["enable_shown"]
                      and not self.shown_rs(RS3)["drain_shown"]
                      and not self.shown_rs(RS3)["busy"], 10, "node3 shown drained")
            self.assertFalse(self.window_open(heading="Drain This Real Server?", active=None))
            table = run_as(self.bed, "node1", [tl.VIPCTL, "lvs"], self.node1.env()).stdout
            self.assertRegex(table, r"192\.0\.2\.13:80\s+up\s+0/2/0")
            self.screenshot("console-lvs-drained.png")

            # Set weight, then Enable: the configured weight applies again.
            self.activate("set-weight", "('node1', '%s', '%s', uint32 5)" % (VS, RS3))
            self.bed.wait_for(lambda: self.vipctl()[RS3]["Weight"] == 5, 10, "weight 5")
            self.wait(lambda: "weight 5 (set to 5, configured 2)" in self.shown_rs(RS3)["shown"],
                      10, "weight 5 shown")
            self.activate("enable", "('node1', '%s', '%s')" % (VS, RS3))
            self.bed.wait_for(lambda: self.vipctl()[RS3]["Weight"] == 2
                              and self.vipctl()[RS3]["AdminWeight"] == -1, 10, "enabled")
            self.wait(lambda: "weight 2 (configured 2)" in self.shown_rs(RS3)["shown"]
                      and not self.shown_rs(RS3)["enable_shown"], 10, "node3 shown enabled")

            # nginx back on node2: up again. No row was made again through all of it.
            self.nginx["node2"] = tl.start_nginx(self.bed, "node2", [HELLO])
            self.wait(lambda: self.rs_is(RS2, "up", "Up"), CHECK_BOUND, "node2 shown up again")
            self.assertEqual(self.report()["lvs_rows_created"], made, "rows were made again")
            self.assertEqual(self.report()["toasts"], [])
        finally:
            self.stop_console()

    def test_2_dark_and_narrow(self):
        self.start_console("dark", dark=True)
        try:
            self.wait(lambda: self.rs_is(RS2, "up") and self.rs_is(RS3, "up"), 20,
                      "both real servers shown up")
            self.show_lvs_page()
            self.screenshot("console-lvs-dark.png")
            if tc.XDOTOOL:
                wid = self.xdo("search", "--sync", "--name", "vipd Console").stdout.split()[0]
                self.xdo("windowsize", "--sync", wid, "400", "600")
                self.wait(lambda: any(w["type"] == "ConsoleWindow" and w["width"] <= 420
                                      for w in self.report()["windows"]), 10,
                          "the window at 400 pixels")
                # Folded, a click on the node row shows the content: the view switcher moves to
                # a bar at the bottom.
                self.xdo("mousemove", "--sync", "100", "83", "click", "1")
                self.screenshot("console-lvs-narrow-dark.png", delay=1.0)
        finally:
            self.stop_console()

    def test_3_refusal_is_a_toast(self):
        """The console run by an ordinary user (nobody) with no polkitd on node1's bus: vipd
        refuses Drain, the toast names the action, nothing changes."""
        home = os.path.join(self.bed.tmpdir, "nobody-lvs")
        os.makedirs(home, exist_ok=True)
        os.chmod(home, 0o777)
        sock = os.path.join(home, "session.sock")
        session = self.bed.start("client", ["setpriv", "--reuid=%d" % NOBODY,
                                            "--regid=%d" % NOBODY, "--clear-groups",
                                            tc.DBUS_DAEMON, "--session", "--nofork",
                                            "--nopidfile", "--address", "unix:path=" + sock],
                                 self.bed.log("session-bus-nobody-lvs"))
        self.bed.wait_for(lambda: os.path.exists(sock), 10, "nobody's session bus")
        saved = (self.session_sock, self.config_home)
        self.session_sock, self.config_home = sock, home
        try:
            self.start_console("nobody", user=NOBODY, env_extra={"HOME": home}, report_dir=home)
            self.wait(lambda: self.rs_is(RS3, "up"), 20, "node3 shown up")
            self.activate("drain", "('node1', '%s', '%s')" % (VS, RS3), user=NOBODY)
            self.wait(lambda: self.report()["toasts"], 10, "a toast")
            toast = self.report()["toasts"][0]
            self.assertIn("Drain", toast)
            self.assertIn("not authorized", toast)
            self.wait(lambda: not self.shown_rs(RS3)["busy"], 10, "the busy state to clear")
            self.assertEqual(self.vipctl()[RS3]["AdminWeight"], -1)
            self.assertEqual(self.vipctl()[RS3]["Weight"], 2)
        finally:
            self.stop_console()
            self.bed.stop(session)
            self.session_sock, self.config_home = saved


if __name__ == "__main__":
    reason = skip_reason()
    if reason:
        print("SKIP: %s" % reason)
        sys.exit(77)
    if not realpolkit.in_private_mount_ns() and shutil.which("unshare"):
        sys.exit(realpolkit.reexec_in_mount_ns(sys.argv))
    unittest.main(verbosity=2)
