#!/usr/bin/python3
"""vipd-console under Xvfb against a real two-node test bed.

node1 (priority 150) and node2 (100) each run vipd on a private system bus. Xvfb, a session bus
and vipd-console run inside the bed's client namespace (nothing is started in the root
namespace); the console gets both nodes with --node. The console writes what it shows as JSON
after each update (VIPD_CONSOLE_TEST_REPORT); the test reads that, activates app.move-vip-here
over the session bus (GApplication's org.gtk.Actions, the same action the row's button runs
after its confirmation dialog) and checks `ip` on node2. Screenshots go to VIPD_GUI_ARTIFACTS.

The whole test runs in a private mount namespace (re-executed under `unshare -m`): the
refusal test binds the shipped polkit files over polkit's directories for a real polkitd, and
the ssh test binds a home of its own over /root for the real ssh client's ~/.ssh/config.

Exit 77 (skip) without root, ip netns, dbus-daemon, Xvfb or ImageMagick's import.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dbus"))
import vipdbus  # noqa: E402
import realpolkit  # noqa: E402
from vipdbus import Node, conf_text, wait_master, VIP  # noqa: E402

CONSOLE = os.environ.get("VIPD_CONSOLE", "vipd-console")
ARTIFACTS = os.environ.get("VIPD_GUI_ARTIFACTS") or os.getcwd()
XVFB = shutil.which("Xvfb")
IMPORT = shutil.which("import")
DBUS_DAEMON = shutil.which("dbus-daemon")
GDBUS = shutil.which("gdbus")
XDOTOOL = shutil.which("xdotool")
APP_ID = "org.vipd.Console"
APP_PATH = "/org/vipd/Console"
BUILD = os.environ.get("VIPD_BUILDDIR") or os.path.join(HERE, "..", "..", "build")
SSHD = "/usr/sbin/sshd"
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
STDIO_BRIDGE = shutil.which("systemd-stdio-bridge")
SSH_PORT = 2222
NOBODY = 65534
# node1 and node2 run VI_1 in a sync group of its own, so the view has a sync group to show.
SYNC_GROUP = """
vrrp_sync_group VG_1 {
    group {
        VI_1
    }
}
"""
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


def _lock_pid(n):
    """The PID in display n's lock file; None without one, 0 when unreadable."""
    try:
        with open("/tmp/.X%d-lock" % n) as f:
            return int(f.read().strip() or 0)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return 0


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def free_display():
    """A display number nobody uses: first one without any trace, else one whose lock names a
    process that is gone (an X server killed before it could clean up; Xvfb replaces such a
    lock and its socket)."""
    for n in range(90, 200):
        if _lock_pid(n) is None and not os.path.exists("/tmp/.X11-unix/X%d" % n):
            return n
    for n in range(90, 200):
        pid = _lock_pid(n)
        if pid and not _alive(pid):
            return n
    raise RuntimeError("no free X display number (90-199 all taken by running X servers)")


def start_xvfb(bed):
    """Xvfb in the bed's client namespace; (display, process) once its lock names it."""
    n = free_display()
    proc = bed.start("client", [XVFB, ":%d" % n, "-screen", "0", "800x600x24", "-nolisten",
                                "tcp", "-noreset"], bed.log("xvfb"))
    bed.wait_for(lambda: proc.running() and _lock_pid(n) == proc.pid, 10, "Xvfb on :%d" % n)
    return ":%d" % n, proc


def stop_xvfb(bed, proc):
    """SIGTERM, so that Xvfb removes its lock and socket (the bed's teardown kills with
    SIGKILL, which leaves them behind for every later run to step over)."""
    if proc is not None and proc.running():
        bed.stop(proc, signal.SIGTERM, 5)


class ConsoleTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = vipdbus.testbed.Bed(nodes=2, client=True)
        try:
            # Real polkitd for the refusal test: the shipped files, an admin group "vipd" that
            # has no member (so nobody is refused), and polkit's bus policy on node2's bus.
            cls.polkit = (realpolkit.in_private_mount_ns() and realpolkit.skip_reason() is None)
            if cls.polkit:
                realpolkit.bind_polkit_files(cls.bed.tmpdir, BUILD, members=[])
            cls.node1 = Node(cls.bed, "node1", conf_text("node1", 150) + SYNC_GROUP)
            cls.node2 = Node(cls.bed, "node2", conf_text("node2", 100) + SYNC_GROUP,
                             include_polkit=cls.polkit)
            cls.node1.start_vipd()
            wait_master(cls.bed, cls.node1)
            cls.node2.start_vipd()
            cls.node2.wait_on_bus()
            cls.bed.wait_for(lambda: cls.node2.state() == "backup", 10, "node2 backup")

            cls.display, cls.xvfb = start_xvfb(cls.bed)
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
            stop_xvfb(cls.bed, getattr(cls, "xvfb", None))
            cls.bed.teardown()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_xvfb(cls.bed, getattr(cls, "xvfb", None))
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

    def screenshot(self, name, delay=0.7):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name)
        # Let GTK paint the frame that follows the report.
        time.sleep(delay)
        r = subprocess.run(self.bed.cmd("client", [IMPORT, "-display", self.display, "-window",
                                                   "root", path]),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(path), 1000)
        print("screenshot: %s" % path)

    def activate(self, action, target, user=None):
        """Activates app.ACTION with target (GVariant text; None: no parameter) through
        org.gtk.Actions."""
        argv = [GDBUS, "call", "--session", "--dest", APP_ID, "--object-path", APP_PATH,
                "--method", "org.gtk.Actions.Activate", action,
                "[<%s>]" % target if target is not None else "[]", "{}"]
        if user is not None:
            argv = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + argv
        r = subprocess.run(self.bed.cmd("client", argv), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30, env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)

    def activate_window(self, action, target):
        """Activates win.ACTION of the console's first window (target None: no parameter)."""
        argv = [GDBUS, "call", "--session", "--dest", APP_ID, "--object-path",
                APP_PATH + "/window/1", "--method", "org.gtk.Actions.Activate", action,
                "[<%s>]" % target if target is not None else "[]", "{}"]
        r = subprocess.run(self.bed.cmd("client", argv), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=30, env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr)

    def read_events(self):
        try:
            with open(self.report_path + ".events", encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def read_shown(self):
        """The events window's rows that the filter lets through, once it wrote a whole list."""
        try:
            with open(self.report_path + ".events-shown", encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            return None
        if not text.endswith("--\n"):
            return None
        return text.splitlines()[:-1]

    def member(self, node):
        return [m for m in self.report()["groups"][0]["members"] if m["node"] == node][0]

    def node_entry(self, label):
        return [n for n in self.report()["nodes"] if n["label"] == label][0]

    def test_1_owner_then_move(self):
        self.start_console("light")
        try:
            self.wait_owner("node1", 20)
            # Names come from each Manager's RouterId, which may arrive after the instances.
            self.bed.wait_for(lambda: [n["label"] for n in self.report()["nodes"]]
                              == ["node1", "node2"], 10, "nodes named by their RouterId")
            r = self.report()
            self.assertEqual([n["state"] for n in r["nodes"]], ["connected", "connected"])
            self.assertEqual([m["node"] for m in r["groups"][0]["members"]], ["node1", "node2"])
            self.assertEqual(r["groups"][0]["alarms"], [])
            self.assertIn(VIP, r["groups"][0]["owners"][0]["vip"])
            self.screenshot("console-node1-owner.png")

            # Move VIP Here, on node2's row: the node is named by its RouterId as shown.
            self.activate("move-vip-here", "('node2', 'VI_1')")
            self.wait_owner("node2", MOVE_BOUND)
            self.bed.wait_for(lambda: self.node2.has_vip(), MOVE_BOUND, "VIP on node2")
            self.bed.wait_for(lambda: not self.node1.has_vip(), MOVE_BOUND, "VIP off node1")
            self.assertEqual(self.node2.get("VI_1", "AdminPriority"), 254)
            self.bed.wait_for(lambda: not any(m["busy"] for m in
                                              self.report()["groups"][0]["members"]),
                              MOVE_BOUND, "the busy state to clear")
            self.screenshot("console-node2-owner.png")

            # Reset on node2: node1 takes the VIP back by its configured priority (preempt).
            self.activate("reset", "('node2', 'VI_1')")
            self.wait_owner("node1", MOVE_BOUND)
            self.bed.wait_for(lambda: self.node1.has_vip(), MOVE_BOUND, "VIP back on node1")
            self.bed.wait_for(lambda: self.member("node2")["admin_priority"] == 0, MOVE_BOUND,
                              "node2's admin priority cleared in the view")

            # Set priority: the view follows PropertiesChanged.
            self.activate("set-priority", "('node2', 'VI_1', byte 120)")
            self.bed.wait_for(lambda: self.member("node2")["admin_priority"] == 120
                              and self.member("node2")["effective_priority"] == 120,
                              MOVE_BOUND, "node2 at admin priority 120 in the view")
            self.assertEqual(self.node2.get("VI_1", "AdminPriority"), 120)
            self.activate("reset", "('node2', 'VI_1')")
            self.bed.wait_for(lambda: self.member("node2")["admin_priority"] == 0, MOVE_BOUND,
                              "node2 reset in the view")

            # Maintenance for node1 as a whole: node2 takes over, the view says so.
            self.activate("maintenance", "('node1', true)")
            self.wait_owner("node2", MOVE_BOUND)
            self.bed.wait_for(lambda: self.node_entry("node1")["maintenance"], MOVE_BOUND,
                              "node1 shown in maintenance")
            self.bed.wait_for(lambda: self.node2.has_vip(), MOVE_BOUND, "VIP on node2")
            self.screenshot("console-node1-maintenance.png")
            self.activate("maintenance", "('node1', false)")
            self.wait_owner("node1", MOVE_BOUND)
            self.assertFalse(self.node_entry("node1")["maintenance"])
            self.assertEqual(self.report()["toasts"], [])

            # node1's event log: its history from GetEvents, then live Event signals.
            self.activate_window("events", "'node1'")
            self.bed.wait_for(lambda: "maintenance" in self.read_events(), 10, "node1's events")
            self.screenshot("console-events-node1.png")
            self.activate("demote", "('node1', 'VI_1')")
            self.wait_owner("node2", MOVE_BOUND)
            self.bed.wait_for(lambda: "master → backup (admin: Demote" in
                              self.read_events().splitlines()[-1], MOVE_BOUND,
                              "the demotion appended live to node1's events")
            # Move VIP Here also clears the other members' admin priorities (node1's 1).
            self.assertEqual(self.member("node1")["admin_priority"], 1)
            self.activate("move-vip-here", "('node2', 'VI_1')")
            self.bed.wait_for(lambda: self.member("node1")["admin_priority"] == 0
                              and self.member("node2")["admin_priority"] == 254, MOVE_BOUND,
                              "node1 reset and node2 at 254 after Move VIP Here")
            self.activate("reset", "('node2', 'VI_1')")
            self.wait_owner("node1", MOVE_BOUND)
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

            # node2's bus goes away: unreachable, then the console reconnects on its own
            # (backoff 1 s, 2 s, ...) once the bus and vipd are back.
            self.node2.bus.stop()
            self.bed.wait_for(lambda: self.node_entry("node2")["state"] == "unreachable", 10,
                              "node2 unreachable")
            # Reconnect Now (F5, app.reconnect) tries at once: after 4 failures the next try
            # on its own is 8 s away (1 + 2 + 4 s waited so far); F5 makes one now.
            self.bed.wait_for(lambda: self.node_entry("node2")["failures"] >= 4, 15,
                              "4 failed tries")
            failures = self.node_entry("node2")["failures"]
            self.activate("reconnect", None)
            self.bed.wait_for(lambda: self.node_entry("node2")["failures"] > failures, 4,
                              "a try right after Reconnect Now")
            self.node2.bus.start()
            self.bed.wait_for(lambda: self.node_entry("node2")["state"] == "connected", 20,
                              "node2 reconnected")
            self.bed.wait_for(lambda: len(self.report()["groups"][0]["members"]) == 2, 10,
                              "node2's instance back after the reconnect")
        finally:
            self.stop_console()


    def test_3_refusal_is_a_toast(self):
        """The console run by an ordinary user (nobody, not in the admin group): vipd asks the
        real polkitd, which refuses; the refusal becomes a toast naming the action, the log says
        who refused, and nothing moves."""
        if not self.polkit:
            self.skipTest("no real polkitd here: " + (realpolkit.skip_reason()
                                                      or "not in a private mount namespace"))
        polkitd = realpolkit.start_polkitd(self.bed, self.node2)
        home = os.path.join(self.bed.tmpdir, "nobody")
        os.makedirs(home, exist_ok=True)
        os.chmod(home, 0o777)
        sock = os.path.join(home, "session.sock")
        session = self.bed.start("client", ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                                            "--clear-groups", DBUS_DAEMON, "--session", "--nofork",
                                            "--nopidfile", "--address", "unix:path=" + sock],
                                 self.bed.log("session-bus-nobody"))
        self.bed.wait_for(lambda: os.path.exists(sock), 10, "nobody's session bus")
        saved = (self.session_sock, self.config_home)
        self.session_sock, self.config_home = sock, home
        self.report_path = os.path.join(home, "report.json")
        argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
                CONSOLE, "--node", self.node1.bus.address, "--node", self.node2.bus.address]
        env = self.env()
        env["HOME"] = home
        self.console = self.bed.start("client", argv, self.bed.log("console-nobody"), env=env)
        try:
            self.wait_owner("node1", 20)
            self.activate("move-vip-here", "('node2', 'VI_1')", user=NOBODY)
            self.bed.wait_for(lambda: self.report()["toasts"], MOVE_BOUND, "a toast")
            toast = self.report()["toasts"][0]
            self.assertIn("Move VIP Here", toast)
            self.assertIn("not authorized", toast)
            # polkitd itself said no (vipd words it so only after polkitd answered; without
            # polkitd it says that polkit could not be asked).
            self.bed.wait_for(lambda: "uid 65534 is not allowed by polkit"
                              in self.console.output(), 5, "polkit's refusal in the log")
            self.assertNotIn("could not be asked", self.console.output())
            self.bed.wait_for(lambda: not self.member("node2")["busy"], MOVE_BOUND,
                              "the busy state to clear")
            self.assertTrue(self.owner_is("node1"))
            self.assertTrue(self.node1.has_vip())
            self.assertFalse(self.node2.has_vip())
            self.assertEqual(self.node2.get("VI_1", "AdminPriority"), 0)
            self.screenshot("console-refused.png", delay=0.3)
        finally:
            self.stop_console()
            self.bed.stop(session)
            self.bed.stop(polkitd)
            self.session_sock, self.config_home = saved

    def ssh_skip_reason(self):
        for name, path in (("sshd", SSHD if os.path.exists(SSHD) else None), ("ssh", SSH),
                           ("ssh-keygen", SSH_KEYGEN), ("systemd-stdio-bridge", STDIO_BRIDGE)):
            if path is None:
                return "no " + name
        if not realpolkit.in_private_mount_ns():
            return "not in a private mount namespace (a home of the test's own over /root)"
        return None

    def start_sshd(self, sshdir):
        self.sshd = self.bed.start("node2", [SSHD, "-D", "-e", "-f",
                                             os.path.join(sshdir, "sshd_config")],
                                   self.bed.log("sshd-%d" % len(self.bed.procs)))
        self.bed.wait_log(self.sshd, "Server listening", 10)

    def stop_sshd_and_sessions(self):
        """Stops the listening sshd, then the per-connection sshd processes it forked (found
        through /proc before it goes): descendants of a process this test started."""
        pid = self.sshd.popen.pid
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                children = [int(c) for c in f.read().split()]
        except FileNotFoundError:
            children = []
        self.bed.stop(self.sshd)
        for c in children:
            try:
                os.kill(c, signal.SIGTERM)
            except ProcessLookupError:
                pass
        return children

    def test_4_ssh_node(self):
        """An ssh: node through the real OpenSSH: an sshd in node2's namespace on port 2222 with
        a host key and a user key made for this run; the console runs the real
        `ssh -T router2 systemd-stdio-bridge` with ~/.ssh/config from a home of the test's own.
        systemd-stdio-bridge ignores DBUS_SYSTEM_BUS_ADDRESS (it always means the system bus's
        fixed path), so sshd's ForceCommand checks that the console asked for exactly
        `systemd-stdio-bridge` and runs it with --bus-path= node2's private bus (SetEnv).
        Killing the ssh session shows node2 unreachable with the alarm; it comes back on its
        own once sshd is back."""
        reason = self.ssh_skip_reason()
        if reason:
            self.skipTest(reason)
        sshdir = os.path.join(self.bed.tmpdir, "ssh")
        home = os.path.join(self.bed.tmpdir, "root-home")
        dotssh = os.path.join(home, ".ssh")
        os.makedirs(sshdir, exist_ok=True)
        os.makedirs(dotssh, mode=0o700, exist_ok=True)
        for path in (os.path.join(sshdir, "host_key"), os.path.join(dotssh, "id_ed25519")):
            subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "vipd-gui-test",
                            "-f", path], check=True, timeout=30)
        node2_ip = self.bed.ipv4("node2")
        with open(os.path.join(sshdir, "host_key.pub")) as f:
            host_pub = f.read().split()
        with open(os.path.join(dotssh, "known_hosts"), "w") as f:
            f.write("[%s]:%d %s %s\n" % (node2_ip, SSH_PORT, host_pub[0], host_pub[1]))
        shutil.copy(os.path.join(dotssh, "id_ed25519.pub"), os.path.join(sshdir, "authorized_keys"))
        with open(os.path.join(sshdir, "sshd_config"), "w") as f:
            f.write("""Port %d
ListenAddress %s
HostKey %s/host_key
PidFile none
AuthorizedKeysFile %s/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers root
SetEnv DBUS_SYSTEM_BUS_ADDRESS=%s
ForceCommand [ "$SSH_ORIGINAL_COMMAND" = systemd-stdio-bridge ] && exec systemd-stdio-bridge --bus-path="$DBUS_SYSTEM_BUS_ADDRESS"
LogLevel VERBOSE
""" % (SSH_PORT, node2_ip, sshdir, sshdir, self.node2.bus.address))
        with open(os.path.join(dotssh, "config"), "w") as f:
            f.write("""Host router2
    HostName %s
    Port %d
    User root
    IdentityFile %s/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile %s/known_hosts
    StrictHostKeyChecking yes
    ConnectTimeout 5
""" % (node2_ip, SSH_PORT, dotssh, dotssh))
        # sshd's privilege separation directory, as the ssh service makes it; removed again
        # only if this test made it.
        made_run_sshd = not os.path.isdir("/run/sshd")
        if made_run_sshd:
            os.makedirs("/run/sshd", mode=0o755)
        subprocess.run(["mount", "--bind", home, "/root"], check=True)
        self.report_path = os.path.join(self.bed.tmpdir, "report-ssh.json")
        # node1 comes from the remembered nodes this time, node2 from the command line.
        ini = os.path.join(self.config_home, "vipd-console", "nodes.ini")
        os.makedirs(os.path.dirname(ini), exist_ok=True)
        with open(ini, "w") as f:
            f.write("[Nodes]\nSpecs=%s;\n" % self.node1.bus.address)
        self.console = self.sshd = None
        try:
            self.start_sshd(sshdir)
            self.console = self.bed.start("client", [CONSOLE, "--node", "ssh:router2"],
                                          self.bed.log("console-ssh"), env=self.env())
            self.bed.wait_for(lambda: self.report() and [n["label"] for n in self.report()["nodes"]]
                              == ["node1", "node2"], 30, "node2 reached over ssh")
            self.assertEqual(self.report()["nodes"][1]["spec"], "ssh:router2")
            self.bed.wait_for(lambda: len(self.report()["groups"][0]["members"]) == 2, 10,
                              "node2's instance over ssh")
            self.assertTrue(self.owner_is("node1"))
            self.assertIn("Accepted publickey for root", self.sshd.output())
            with open(ini) as f:
                self.assertNotIn("ssh:", f.read(), "a --node must not be remembered")
            self.screenshot("console-ssh-node2.png")

            # The ssh session dies and sshd is gone: node2 is unreachable, with the alarm and
            # ssh's own reason once the console has tried again.
            self.assertTrue(self.stop_sshd_and_sessions(), "no ssh session to end")
            self.bed.wait_for(lambda: self.node_entry("node2")["state"] == "unreachable", 15,
                              "node2 unreachable after its ssh session ended")
            self.assertIn("node-unreachable", [a["kind"] for a in self.report()["alarms"]])
            self.bed.wait_for(lambda: "Connection refused" in (self.node_entry("node2")["error"]
                                                               or ""), 15,
                              "ssh's reason shown for node2")
            self.assertEqual(len(self.report()["groups"][0]["members"]), 1)
            self.screenshot("console-ssh-node2-unreachable.png", delay=0.3)

            # sshd comes back: the console reconnects on its own (backoff 1 s, 2 s, 4 s, ...).
            self.start_sshd(sshdir)
            self.bed.wait_for(lambda: self.node_entry("node2")["state"] == "connected", 40,
                              "node2 reconnected over ssh")
            self.bed.wait_for(lambda: len(self.report()["groups"][0]["members"]) == 2
                              and self.report()["alarms"] == [], 10,
                              "node2's instance back, the alarm gone")
        except BaseException:
            print("last report: %s\nconsole log:\n%s\nsshd log:\n%s" % (
                json.dumps(self.report(), indent=1), self.console and self.console.output(),
                self.sshd and self.sshd.output()), file=sys.stderr)
            raise
        finally:
            if self.console is not None:
                self.stop_console()
            if self.sshd is not None and self.sshd.running():
                self.stop_sshd_and_sessions()
            subprocess.run(["umount", "/root"], check=False)
            if made_run_sshd:
                try:
                    os.rmdir("/run/sshd")
                except OSError:
                    pass

    def test_6_split_brain_alarm(self):
        """node2 drops VRRP adverts (nftables in its own namespace): it stops hearing node1 and
        becomes master too. The console still reaches both buses and raises the split-brain
        alarm; it clears once the adverts flow again."""
        self.start_console("split")
        try:
            self.wait_owner("node1", 20)
            nft = shutil.which("nft") or "/usr/sbin/nft"
            self.bed.run("node2", [nft, "add table inet vipdgui; add chain inet vipdgui in "
                                        "{ type filter hook input priority 0; }; add rule inet "
                                        "vipdgui in meta l4proto 112 drop"])
            try:
                self.bed.wait_for(lambda: "split-brain" in self.report()["groups"][0]["alarms"],
                                  MOVE_BOUND, "the split-brain alarm")
                g = self.report()["groups"][0]
                self.assertEqual(g["owners"][0]["holders"], ["node1", "node2"])
                self.assertIn("node1, node2", g["shown_owner"])
                self.screenshot("console-split-brain.png")
            finally:
                self.bed.run("node2", [nft, "delete table inet vipdgui"])
            self.bed.wait_for(lambda: self.report()["groups"][0]["alarms"] == []
                              and self.owner_is("node1"), MOVE_BOUND, "the alarm to clear")
        finally:
            self.stop_console()

    def window_open(self, heading=None, type_name=None, active=True):
        """Whether the report lists a visible window with that heading (a dialog) or type that
        is (or is not) the active one."""
        r = self.report()
        for w in (r or {}).get("windows", []):
            if ((heading is None or w["heading"] == heading)
                    and (type_name is None or w["type"] == type_name)
                    and w["visible"] and (active is None or w["active"] == active)):
                return True
        return False

    def wait_window(self, what, **kw):
        try:
            self.bed.wait_for(lambda: self.window_open(**kw), 10, what)
        except AssertionError:
            print("windows: %s" % json.dumps((self.report() or {}).get("windows"), indent=1),
                  file=sys.stderr)
            raise

    @unittest.skipUnless(XDOTOOL, "no xdotool")
    def test_5_keyboard(self):
        """From the keyboard alone: Alt+M on node2's row ("_Move VIP Here"), the confirmation
        dialog appears and takes the focus, Alt+M again ("_Move") confirms; node2 ends up with
        the VIP. Ctrl+N asks for a node, Ctrl+? shows the shortcuts. The test waits for each
        window through the report instead of sleeping."""
        self.start_console("keyboard")
        try:
            self.wait_owner("node1", 20)
            self.bed.wait_for(lambda: [n["label"] for n in self.report()["nodes"]]
                              == ["node1", "node2"], 10, "nodes named")
            wid = self.xdo("search", "--sync", "--name", "vipd Console").stdout.split()[0]
            self.xdo("windowfocus", "--sync", wid)
            self.wait_window("the main window active", type_name="ConsoleWindow")
            self.press_alt("m")
            self.wait_window("the Move dialog active", heading="Move the VIP Here?")
            # The dialog only asks: nothing moves until the admin confirms.
            self.assertTrue(self.owner_is("node1"))
            self.screenshot("console-confirm-move.png", delay=0.3)
            self.press_alt("m")
            self.wait_owner("node2", MOVE_BOUND)
            self.bed.wait_for(lambda: self.node2.has_vip(), MOVE_BOUND, "VIP on node2")
            self.assertFalse(self.window_open(heading="Move the VIP Here?"))
            self.assertFalse(self.window_open(heading="Move the VIP Here?", active=False))
            self.activate("reset", "('node2', 'VI_1')")
            self.wait_owner("node1", MOVE_BOUND)

            # Ctrl+N: the Add a Node dialog; Escape closes it without adding anything. Xvfb has
            # no window manager to give the focus back to the main window when a dialog closes:
            # the test does what one would.
            self.xdo("windowfocus", "--sync", wid)
            self.wait_window("the main window active again", type_name="ConsoleWindow")
            self.xdo("key", "ctrl+n")
            self.wait_window("the Add a Node dialog", heading="Add a Node")
            self.xdo("key", "Escape")
            self.bed.wait_for(lambda: not self.window_open(heading="Add a Node")
                              and not self.window_open(heading="Add a Node", active=False), 10,
                              "the Add a Node dialog closed")
            self.assertEqual(len(self.report()["nodes"]), 2)

            # Ctrl+N again, a spec typed and Enter: the node is added, shown unreachable (no
            # bus there) and remembered; Forget Node removes it from the list and the file.
            spec = "unix:path=%s/no-such-bus" % self.bed.tmpdir
            ini = os.path.join(self.config_home, "vipd-console", "nodes.ini")
            self.xdo("windowfocus", "--sync", wid)
            self.wait_window("the main window active again", type_name="ConsoleWindow")
            self.xdo("key", "ctrl+n")
            self.wait_window("the Add a Node dialog", heading="Add a Node")
            self.xdo("type", "--delay", "20", spec)
            self.xdo("key", "Return")
            self.bed.wait_for(lambda: [n["spec"] for n in self.report()["nodes"]][-1:] == [spec]
                              and self.node_entry(spec)["state"] == "unreachable", 10,
                              "the typed node added and unreachable")
            with open(ini) as f:
                self.assertIn(spec, f.read())
            self.activate_window("forget", "'%s'" % spec)
            self.bed.wait_for(lambda: len(self.report()["nodes"]) == 2, 10, "the node forgotten")
            with open(ini) as f:
                self.assertNotIn(spec, f.read())

            # Ctrl+?: the keyboard shortcuts window.
            self.xdo("windowfocus", "--sync", wid)
            self.wait_window("the main window active again", type_name="ConsoleWindow")
            self.xdo("key", "ctrl+shift+slash")  # Ctrl+? on a US keyboard
            self.wait_window("the shortcuts window", type_name="GtkShortcutsWindow", active=None)
            self.screenshot("console-shortcuts.png", delay=0.5)
            # No window manager gives the new window the focus: focus it as one would.
            others = [w for w in self.xdo("search", "--onlyvisible", "--classname",
                                          "vipd-console").stdout.split() if w != wid]
            self.assertTrue(others, "no X window for the shortcuts window")
            self.xdo("windowfocus", "--sync", others[-1])
            self.wait_window("the shortcuts window active", type_name="GtkShortcutsWindow")
            self.xdo("key", "Escape")
            self.bed.wait_for(lambda: not self.window_open(type_name="GtkShortcutsWindow"), 10,
                              "the shortcuts window closed")

            # node1's event log, filtered by typing: only the rows that match stay.
            self.activate_window("events", "'node1'")
            ev = self.xdo("search", "--sync", "--name", "Events of node1").stdout.split()[0]
            self.bed.wait_for(lambda: "higher priority" in self.read_events(), 10,
                              "node1's events")
            self.xdo("windowfocus", "--sync", ev)
            self.bed.wait_for(lambda: self.window_open(type_name="AdwWindow"), 10,
                              "the events window active")
            needle = "higher priority"
            self.xdo("type", "--delay", "30", needle)
            lines = self.read_events().splitlines()
            # Rows are "title (reason)", oldest first; the view lists them newest first.
            expected = [line.split(" (", 1)[0] for line in reversed(lines)
                        if needle in line.lower()]
            self.assertTrue(expected and len(expected) < len(lines), lines)
            self.bed.wait_for(lambda: self.read_shown() == expected, 10,
                              "the filter to keep only %s" % expected)
            self.screenshot("console-events-filtered.png", delay=0.3)

            # Ctrl+W closes the event log.
            self.xdo("key", "ctrl+w")
            self.bed.wait_for(lambda: not self.window_open(type_name="AdwWindow", active=None),
                              10, "the events window closed")

            # A narrow window: the node list and the cluster fold into pages of their own.
            self.xdo("windowsize", "--sync", wid, "400", "600")
            self.bed.wait_for(lambda: any(w["type"] == "ConsoleWindow" and w["width"] <= 420
                                          for w in self.report()["windows"]), 10,
                              "the window at 400 pixels")
            self.screenshot("console-narrow.png", delay=0.5)
            # A click on a node row shows the cluster page, with a back button.
            self.xdo("mousemove", "--sync", "100", "83", "click", "1")
            self.screenshot("console-narrow-cluster.png", delay=1.0)
        finally:
            self.stop_console()

    def test_7_rows_in_place_and_about(self):
        """Counters change every second: the rows show the new figures without a row being made
        again (so focus and a screen reader's place survive). The sync group is shown. The
        About window (dark mode) carries the version."""
        self.start_console("inplace", dark=True)
        try:
            self.wait_owner("node1", 20)
            self.bed.wait_for(lambda: self.member("node1")["adverts_tx"] > 0
                              and self.member("node2")["adverts_rx"] > 0, 10, "counters shown")
            r0 = self.report()
            made = r0["rows_created"]
            tx0 = self.member("node1")["adverts_tx"]
            # Two nodes, one group, two members: 5 rows in all (alarm rows are not counted: a
            # takeover may show split brain for the moment both are master).
            self.assertEqual(made, 5)
            # vipd publishes SyncGroup.State as the group changes state; the wait covers the
            # end of test_6's split brain.
            self.bed.wait_for(lambda: [(m["sync_group"], m["sync_state"])
                                       for m in self.report()["groups"][0]["members"]]
                              == [("VG_1", "master"), ("VG_1", "backup")], 5,
                              "the sync groups shown with their states")
            self.bed.wait_for(lambda: self.member("node1")["adverts_tx"] >= tx0 + 20, 10,
                              "node1's sent adverts to grow in the view")
            self.assertEqual(self.report()["rows_created"], made,
                             "a counter update made rows again")
            # A failover changes state, priorities and buttons: still in place.
            self.activate("move-vip-here", "('node2', 'VI_1')")
            self.wait_owner("node2", MOVE_BOUND)
            self.assertEqual(self.report()["rows_created"], made, "a failover made rows again")
            self.activate("reset", "('node2', 'VI_1')")
            self.wait_owner("node1", MOVE_BOUND)
            self.screenshot("console-dark-sync-counters.png")

            self.activate_window("about", None)
            self.wait_window("the About window", type_name="AdwAboutWindow")
            self.screenshot("console-about-dark.png", delay=0.5)
        finally:
            self.stop_console()

    def test_8_zh_cn(self):
        """The zh_CN translation as built: the build dir's po/ tree laid over the install
        prefix's locale dir (an overlay in this mount namespace), LANGUAGE=zh_CN. The owner
        line and the window title read in Chinese."""
        localedir = os.environ.get("VIPD_LOCALEDIR", "/usr/local/share/locale")
        share = os.path.dirname(localedir)
        built = os.path.join(BUILD, "po")
        if not os.path.exists(os.path.join(built, "zh_CN", "LC_MESSAGES", "vipd.mo")):
            self.skipTest("no zh_CN catalogue in the build dir")
        if not realpolkit.in_private_mount_ns() or not os.path.isdir(share):
            self.skipTest("no private mount namespace or no %s to lay the catalogue over" % share)
        extra = os.path.join(self.bed.tmpdir, "locale-overlay")
        shutil.copytree(built, os.path.join(extra, os.path.basename(localedir)))
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        "lowerdir=%s:%s" % (extra, share), share], check=True)
        self.report_path = os.path.join(self.bed.tmpdir, "report-zh.json")
        env = self.env()
        env.update({"LANG": "C.UTF-8", "LANGUAGE": "zh_CN", "LC_ALL": ""})
        argv = [CONSOLE, "--node", self.node1.bus.address, "--node", self.node2.bus.address]
        self.console = self.bed.start("client", argv, self.bed.log("console-zh"), env=env)
        try:
            self.wait_owner("node1", 20)
            self.bed.wait_for(lambda: "位于 node1" in self.report()["groups"][0]["shown_owner"],
                              10, "the owner line in Chinese")
            self.assertIn("vipd 控制台", [w["title"] for w in self.report()["windows"]])
            self.screenshot("console-zh_CN.png")
        finally:
            self.stop_console()
            subprocess.run(["umount", share], check=False)

    def press_alt(self, key):
        self.xdo("keydown", "alt")
        time.sleep(0.2)
        self.xdo("key", key)
        time.sleep(0.1)
        self.xdo("keyup", "alt")

    def xdo(self, *args):
        env = dict(os.environ, DISPLAY=self.display)
        r = subprocess.run(self.bed.cmd("client", [XDOTOOL] + list(args)), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=20, env=env)
        self.assertEqual(r.returncode, 0, "xdotool %s: %s" % (" ".join(args), r.stderr))
        return r


if __name__ == "__main__":
    reason = skip_reason()
    if reason:
        print("SKIP: %s" % reason)
        sys.exit(77)
    if not realpolkit.in_private_mount_ns() and shutil.which("unshare"):
        sys.exit(realpolkit.reexec_in_mount_ns(sys.argv))
    unittest.main(verbosity=2)
