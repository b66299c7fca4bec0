#!/usr/bin/python3
"""vipd beside NetworkManager: python-dbusmock's networkmanager template on a private system bus.

vipd runs in a namespace of the test bed, the mock on the node's private bus (spawned here, in
the same namespace, stopped with the bed); the mocked device is called eth0 like the node's
real interface. Cases:

  device_disconnected  a managed eth0 that NetworkManager disconnects faults the instance (state,
                       reason, NetworkManagerDevice, vipctl status); activated again -> master
  unmanaged_ignored    an unmanaged eth0 changes nothing
  connectivity         track_nm_connectivity: a weight moves the priority, no weight faults
  absent               no NetworkManager: vipd runs normally and logs nothing about it
  late_and_restart     NetworkManager appearing after vipd, leaving and coming back is followed
  bus_restart          after the system bus itself restarts, vipd (still running) follows the new
                       NetworkManager
  restart_replaced     a new NetworkManager takes the name over from a running one (no moment
                       without an owner) with eth0 already listed and disconnected: vipd reads
                       it afresh and faults; the old one stopping afterwards changes nothing
  device_removed       eth0 removed from NetworkManager (DeviceRemoved) counts as absent again
  source_removed       eth0 losing its IPv4 address (what a NetworkManager reapply without it
                       does) faults the instance and says why; the address back -> master
  no_dbus              vipd --no-dbus neither follows NetworkManager nor connects to the bus

The VIP removed by another program (NetworkManager's `nmcli con up` / reapply does this) is
covered by tests/netns/test_vrrp_vip_removed.py.

Exit 77 (skip) only when not root, without `ip netns`, dbus-daemon or python3-dbusmock.
"""

import json
import os
import signal
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dbus"))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))

import vipdbus  # noqa: E402
from vipdbus import VIP, Node  # noqa: E402

PYTHON = "/usr/bin/python3"
VIPCTL = os.environ.get("VIPCTL") or os.path.join(HERE, "..", "..", "build", "cli", "vipctl")
NM = "org.freedesktop.NetworkManager"
NM_PATH = "/org/freedesktop/NetworkManager"
MOCK = "org.freedesktop.DBus.Mock"
DEV = NM_PATH + "/Devices/mock_eth0"
# NMDeviceState and NMConnectivityState values.
UNMANAGED, DISCONNECTED, ACTIVATED = 10, 30, 100
PORTAL, LIMITED, FULL = 2, 3, 4
VIP2 = "192.0.2.201"
# A lone node: Master_Down_Interval at 0.1 s adverts is under 0.4 s; the rest is slack.
BOUND = 5


def skip_reason():
    # busctl (systemd) is not a reason to skip: without it the test fails.
    r = vipdbus.testbed.skip_reason() or vipdbus.privbus.skip_reason()
    if r:
        return r
    try:
        subprocess.run([PYTHON, "-c", "import dbusmock.templates.networkmanager"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        return "no python3-dbusmock"
    return None


def conf(extra="", extra2=None):
    text = vipdbus.conf_text("node1", 150)
    text = text.replace("    virtual_ipaddress {", extra + "    virtual_ipaddress {", 1)
    if extra2 is not None:
        second = vipdbus.conf_text("node1", 150, [("VI_2", "eth0", 52, VIP2 + "/24")])
        second = second[second.index("vrrp_instance"):]
        text += "\n" + second.replace("    virtual_ipaddress {",
                                      extra2 + "    virtual_ipaddress {", 1)
    return text


class NmTest(unittest.TestCase):

    def setUp(self):
        self.bed = vipdbus.testbed.Bed(nodes=1, client=False)
        self.addCleanup(self.bed.teardown)
        self.addCleanup(self._dump_if_failed)
        self.nm = None
        self.nm_starts = 0

    def _dump_if_failed(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = result is not None and any(
            t is self for t, _ in list(result.failures) + list(result.errors))
        if failed or os.environ.get("VIPD_SHOW_LOGS"):
            sys.stdout.write("==== logs of %s\n" % self.id())
            self.bed.dump_logs(sys.stdout)
            sys.stdout.flush()

    def node(self, text):
        n = Node(self.bed, "node1", text, bus=False)
        n.bus.add_own_policy(NM)
        n.bus.start()
        self.n = n
        return n

    # --- the mock ---------------------------------------------------------------------------

    def start_nm(self, eth0_state=None):
        """The mock; with eth0_state, eth0 is listed from the moment it takes the name (taken
        over from a running mock, if any)."""
        self.nm_starts += 1
        before = self.name_owner(NM)
        template = ["--template", "networkmanager"]
        if eth0_state is not None:
            template = ["--template", os.path.join(HERE, "nm_eth0_template.py"),
                        "--parameters", '{"eth0": %d}' % eth0_state]
        self.nm = self.bed.start("node1", [PYTHON, "-m", "dbusmock", "--system"] + template,
                                 self.bed.log("nm-mock-%d" % self.nm_starts), env=self.n.env())
        self.bed.wait_for(lambda: self.name_owner(NM) not in (None, before), 10,
                          "the NetworkManager mock on the bus", interval=0.05)

    def stop_nm(self):
        self.bed.stop(self.nm, signal.SIGTERM, 5)
        self.bed.wait_for(lambda: not self.has_name(NM), 5, "the mock to leave the bus",
                          interval=0.05)

    def name_owner(self, name):
        r = self.n.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetNameOwner", "s", name, check=False)
        return r.stdout.split()[1].strip('"') if r.returncode == 0 else None

    def has_name(self, name):
        r = self.n.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner", "s", name, check=False)
        return r.returncode == 0 and r.stdout.strip() == "b true"

    def mock(self, method, sig, *args):
        self.n.busctl("call", NM, NM_PATH, MOCK, method, sig, *args)

    def add_eth0(self, state):
        self.mock("AddEthernetDevice", "ssi", "mock_eth0", "eth0", state)

    # --- vipd -------------------------------------------------------------------------------

    def wait_prop(self, prop, value, timeout=BOUND, name="VI_1"):
        def ok():
            try:
                return self.n.get(name, prop) == value
            except AssertionError:
                return False
        try:
            self.bed.wait_for(ok, timeout, "%s %s = %r" % (name, prop, value), interval=0.05)
        except AssertionError as e:
            raise AssertionError("%s; it is %r" % (e, self.n.get(name, prop)))

    def assert_state_for(self, state, seconds, name="VI_1"):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.assertEqual(self.n.get(name, "State"), state)
            time.sleep(0.1)

    def start_vipd(self):
        self.n.start_vipd()
        self.n.wait_on_bus()

    def start_activated_master(self):
        """node1 with conf(), NetworkManager with eth0 activated, vipd master."""
        self.node(conf())
        self.start_nm()
        self.add_eth0(ACTIVATED)
        self.start_vipd()
        self.wait_prop("NetworkManagerDevice", "activated")
        self.wait_prop("State", "master")

    def vipctl_status(self):
        r = vipdbus.run_as(self.bed, "node1", [VIPCTL, "status"], self.n.env())
        return r.stdout.splitlines()

    # --- cases ------------------------------------------------------------------------------

    def test_device_disconnected(self):
        self.start_activated_master()
        self.assertTrue(self.n.has_vip())
        lines = self.vipctl_status()
        self.assertEqual(lines[0].split()[-1], "NETWORKMANAGER", lines)
        self.assertEqual(lines[1].split()[-1], "activated", lines)

        self.mock("SetDeviceDisconnected", "s", DEV)
        self.wait_prop("State", "fault")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "disconnected")
        self.assertEqual(self.n.get("VI_1", "LastTransitionReason"),
                         "fault: NetworkManager: eth0 is disconnected")
        self.bed.wait_for(lambda: not self.n.has_vip(), BOUND, "the VIP to leave node1")
        self.assertEqual(self.vipctl_status()[1].split()[3], "fault")

        self.mock("SetDeviceActive", "ss", DEV, "/")
        self.wait_prop("State", "master")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "activated")
        self.assertTrue(self.n.has_vip())
        # It went through backup on the way, and said why it left fault.
        lines = [l for l in self.n.vipd.lines() if "fault -> backup" in l]
        self.assertEqual(len(lines), 1, self.n.vipd.output())
        self.assertIn("NetworkManager: eth0 is activated", lines[0])

    def test_unmanaged_ignored(self):
        self.node(conf())
        self.start_nm()
        self.add_eth0(UNMANAGED)
        self.start_vipd()
        self.wait_prop("NetworkManagerDevice", "unmanaged")
        self.wait_prop("State", "master")
        self.assert_state_for("master", 1.0)
        # NetworkManager takes it over (managed, disconnected): now it counts. This also shows
        # that the mock's changes reach vipd, so the quiet second above meant something.
        self.mock("SetDeviceDisconnected", "s", DEV)
        self.wait_prop("State", "fault")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "disconnected")

    def test_connectivity(self):
        self.node(conf("    track_nm_connectivity full weight -60\n",
                       "    track_nm_connectivity limited\n"))
        self.start_nm()
        self.start_vipd()
        self.wait_prop("State", "master")
        self.wait_prop("State", "master", name="VI_2")
        self.assertEqual(self.n.get("VI_1", "EffectivePriority"), 150)
        # eth0 is not NetworkManager's: only connectivity is tracked.
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "absent")

        self.mock("SetConnectivity", "u", LIMITED)
        self.wait_prop("EffectivePriority", 90)
        self.assertEqual(self.n.get("VI_2", "State"), "master")
        self.assertEqual(self.n.get("VI_2", "EffectivePriority"), 150)

        self.mock("SetConnectivity", "u", PORTAL)
        self.wait_prop("State", "fault", name="VI_2")
        self.assertEqual(self.n.get("VI_2", "LastTransitionReason"),
                         "fault: track NetworkManager connectivity portal (weight 0)")
        self.assertEqual(self.n.get("VI_1", "State"), "master")
        self.assertTrue(self.n.has_vip(VIP))
        self.assertFalse(self.n.has_vip(VIP2))

        self.mock("SetConnectivity", "u", FULL)
        self.wait_prop("EffectivePriority", 150)
        self.wait_prop("State", "master", name="VI_2")

    def test_absent(self):
        self.node(conf("    track_nm_connectivity full\n"))
        self.start_vipd()
        self.wait_prop("State", "master")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "absent")
        self.assertEqual(self.n.get("VI_1", "EffectivePriority"), 150)
        self.assertEqual(self.vipctl_status()[0].split()[-1], "OWNER")
        self.n.stop_vipd()
        out = self.n.vipd.output()
        self.assertEqual([l for l in out.splitlines()
                          if "NetworkManager" in l or "WARNING" in l or "CRITICAL" in l
                          or "rror" in l], [], out)

    def test_no_dbus(self):
        """--no-dbus keeps vipd off the system bus altogether: NetworkManager is not followed
        (a disconnected eth0 does not fault the instance) and no connection on the bus is
        vipd's, not even a retried one."""
        self.node(conf())
        self.start_nm()
        self.add_eth0(DISCONNECTED)
        self.n.start_vipd(extra=["--no-dbus"])
        self.bed.wait_for(self.n.has_vip, BOUND, "the VIP on node1")
        time.sleep(2.5)  # beyond NetworkManager's answer and one reconnection period (2 s)
        self.assertTrue(self.n.has_vip(), self.n.vipd.output())
        r = self.n.busctl("--json=short", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListNames")
        names = [n for n in json.loads(r.stdout)["data"][0] if n.startswith(":")]
        pids = set()
        for name in names:
            r = self.n.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s", name,
                              check=False)
            if r.returncode == 0:
                pids.add(int(r.stdout.split()[1]))
        self.assertTrue(pids, "no connection on the bus at all (the mock is one)")
        self.assertNotIn(self.n.vipd.pid, pids, names)
        self.assertNotIn("NetworkManager", self.n.vipd.output())

    def test_late_and_restart(self):
        self.node(conf())
        self.start_vipd()
        self.wait_prop("State", "master")
        # NetworkManager starts after vipd, with eth0 down.
        self.start_nm()
        self.add_eth0(DISCONNECTED)
        self.wait_prop("State", "fault")
        self.assertEqual(self.n.get("VI_1", "LastTransitionReason"),
                         "fault: NetworkManager: eth0 is disconnected")
        # It leaves: nothing is held against the instance any more.
        self.stop_nm()
        self.wait_prop("NetworkManagerDevice", "absent")
        self.wait_prop("State", "master")
        # It comes back: followed again.
        self.start_nm()
        self.add_eth0(ACTIVATED)
        self.wait_prop("NetworkManagerDevice", "activated")
        self.mock("SetDeviceDisconnected", "s", DEV)
        self.wait_prop("State", "fault")
        self.mock("SetDeviceActive", "ss", DEV, "/")
        self.wait_prop("State", "master")
        self.assertEqual(len(self.n.vipd.lines()) > 0, True)
        self.assertEqual([l for l in self.n.vipd.lines() if "NetworkManager" in l
                          and "is running" in l].__len__(), 2, self.n.vipd.output())

    def test_bus_restart(self):
        self.start_activated_master()
        self.n.bus.kill()
        self.bed.stop(self.nm, signal.SIGTERM, 5)
        self.n.bus.start()
        self.n.wait_on_bus()
        self.start_nm()
        self.add_eth0(DISCONNECTED)
        # vipd retries the bus every 2 s.
        self.wait_prop("State", "fault", timeout=BOUND + 2)
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "disconnected")
        self.assertTrue(self.n.vipd.running())

    def test_restart_replaced(self):
        self.start_activated_master()
        old = self.nm
        self.start_nm(DISCONNECTED)
        self.wait_prop("State", "fault")
        self.assertEqual(self.n.get("VI_1", "LastTransitionReason"),
                         "fault: NetworkManager: eth0 is disconnected")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "disconnected")
        # The old one no longer owns the name: its going changes nothing.
        self.bed.stop(old, signal.SIGTERM, 5)
        self.assert_state_for("fault", 1.0)
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "disconnected")
        self.mock("SetDeviceActive", "ss", DEV, "/")
        self.wait_prop("State", "master")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "activated")
        self.assertEqual(len([l for l in self.n.vipd.lines()
                              if "NetworkManager" in l and "is running" in l]),
                         2, self.n.vipd.output())

    def test_device_removed(self):
        self.node(conf())
        self.start_nm()
        self.add_eth0(DISCONNECTED)
        self.start_vipd()
        self.wait_prop("State", "fault")
        # As NetworkManager does: the object goes, Devices no longer lists it, DeviceRemoved.
        self.mock("RemoveObject", "s", DEV)
        self.mock("SetProperty", "sssv", NM_PATH, NM, "Devices", "ao", "0")
        self.n.busctl("call", NM, NM_PATH, MOCK, "EmitSignal", "sssav", NM, "DeviceRemoved",
                      "o", "1", "o", DEV)
        self.wait_prop("NetworkManagerDevice", "absent")
        self.wait_prop("State", "master")
        # Added back (a new device object for eth0): followed again.
        self.add_eth0(DISCONNECTED)
        self.wait_prop("State", "fault")
        self.assertEqual(self.n.get("VI_1", "NetworkManagerDevice"), "disconnected")

    def test_source_removed(self):
        self.node(conf())
        self.start_vipd()
        self.wait_prop("State", "master")
        src = self.bed.ipv4("node1") + "/24"
        self.bed.run("node1", ["ip", "addr", "del", src, "dev", "eth0"])
        self.wait_prop("State", "fault")
        self.assertEqual(self.n.get("VI_1", "LastTransitionReason"),
                         "fault: interface eth0 has no IPv4 address to send from")
        self.assertFalse(self.n.has_vip())
        self.bed.run("node1", ["ip", "addr", "add", src, "dev", "eth0"])
        self.wait_prop("State", "master")
        self.assertTrue(self.n.has_vip())


def main():
    reason = skip_reason()
    if reason:
        print("SKIP: " + reason)
        return 77
    names = sys.argv[1:] or unittest.TestLoader().getTestCaseNames(NmTest)
    suite = unittest.TestSuite([NmTest(n if n.startswith("test_") else "test_" + n)
                                for n in names])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
