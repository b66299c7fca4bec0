#!/usr/bin/python3
"""bench/soak.py — vipd under valgrind memcheck for a while, with faults and D-Bus calls.

Two nodes on a namespace test bed (tests/netns/testbed.py). node1 runs vipd under

    valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite
             --show-leak-kinds=definite --error-exitcode=99

with a private system bus (tests/dbus/privbus.py) and the test polkit authority
(tests/dbus/polkit-stub.py); node2 runs a plain vipd as its peer. For --duration seconds the
script cycles through:

  * D-Bus reads as root: GetManagedObjects, GetEvents, a property;
  * Demote on node1 by uid 1 through polkit (interactive authorization, which the stub grants),
    the VIP moves to node2, then TakeOver and ResetPriority bring it back (failovers both ways);
  * a call by uid 1 that polkit refuses (the error path);
  * a link flap: node1's bridge port down for 2 s (master -> fault -> backup/master);
  * a reload, by SIGHUP or Manager.Reload, alternating between three files: the base one,
    one with an extra instance and a changed priority, and an invalid one (refused; vipd keeps
    its running configuration);
  * kill -9 of node2's vipd and a restart (node1 sees its peer vanish and come back).

Then node1 gets SIGTERM and valgrind's report is read: the run passes when vipd stopped with
status 0 and valgrind reports no error at all (ERROR SUMMARY: 0), in particular no invalid
read or write and nothing "definitely lost". Exit status 0 = pass, 1 = fail, 77 = cannot run
here (not root, no ip netns, no valgrind, no dbus-daemon).

Usage: bench/soak.py [--duration SECONDS] [--vipd PATH] [--keep-log PATH]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "tests")
sys.path.insert(0, os.path.join(TESTS, "dbus"))
sys.path.insert(0, os.path.join(TESTS, "netns"))

import testbed  # noqa: E402
import privbus  # noqa: E402
from privbus import PrivateBus  # noqa: E402

VALGRIND = shutil.which("valgrind") or "/usr/bin/valgrind"
BUSCTL = shutil.which("busctl") or "/usr/bin/busctl"
PYTHON = "/usr/bin/python3"
SUPPRESSIONS = os.path.join(HERE, "soak.supp")
NAME = "org.vipd.Vrrp1"
ROOT = "/org/vipd/Vrrp1"
IFACE_I = "org.vipd.Vrrp1.Instance"
IFACE_M = "org.vipd.Vrrp1.Manager"
UID = 1  # an ordinary user: its admin calls go through polkit
VIP = "192.0.2.200"


def conf_text(router_id, priority, variant="base"):
    """node configuration: VI_1 VRRPv3 0.2 s, VI_2 VRRPv2 1 s with PASS, VI_6 VRRPv3/IPv6 0.5 s;
    variant "extra" adds VI_3 and a sync group and changes VI_2's priority; "invalid" is refused."""
    prio2 = priority - 10 if variant == "extra" else priority
    out = ["global_defs {", "    router_id %s" % router_id, "}", ""]

    def inst(name, vrid, prio, vip, version, interval, auth=False):
        lines = ["vrrp_instance %s {" % name, "    state BACKUP", "    interface eth0",
                 "    virtual_router_id %d" % vrid, "    priority %d" % prio,
                 "    version %d" % version, "    advert_int %s" % interval]
        if auth:
            lines += ["    authentication {", "        auth_type PASS",
                      "        auth_pass soakpw", "    }"]
        lines += ["    virtual_ipaddress {", "        %s" % vip, "    }", "}", ""]
        return lines

    out += inst("VI_1", 51, priority, VIP + "/24", 3, "0.2")
    out += inst("VI_2", 52, prio2, "192.0.2.201/24", 2, "1", auth=True)
    out += inst("VI_6", 53, priority, "2001:db8::200/64", 3, "0.5")
    if variant == "extra":
        out += inst("VI_3", 54, priority, "192.0.2.203/24", 3, "0.5")
        out += ["vrrp_sync_group G1 {", "    group {", "        VI_3", "        VI_6", "    }",
                "}", ""]
    if variant == "invalid":
        out += ["vrrp_instance VI_BAD {", "    interface eth0", "    virtual_router_id 300",
                "    priority 300", "    virtual_ipaddress {", "        192.0.2.250/24", "    }",
                "}", ""]
    return "\n".join(out)


class Soak:
    def __init__(self, bed, vipd, duration):
        self.bed = bed
        self.vipd_path = vipd
        self.duration = duration
        self.counts = {}
        self.dir = os.path.join(bed.tmpdir, "soak")
        os.makedirs(self.dir)
        os.chmod(bed.tmpdir, 0o755)
        os.chmod(self.dir, 0o755)
        self.conf1 = os.path.join(self.dir, "node1.conf")
        self.conf2 = os.path.join(self.dir, "node2.conf")
        self.vg_log = os.path.join(self.dir, "valgrind.log")
        self.write(self.conf1, conf_text("node1", 150))
        self.write(self.conf2, conf_text("node2", 100))
        self.bus = PrivateBus(self.dir, name="bus", include_polkit=True)
        bed.on_teardown(self.bus.teardown)
        self.bus.start()
        self.node1 = None
        self.node2 = None
        self.stub = None
        self.reloads = 0

    @staticmethod
    def write(path, text):
        with open(path, "w") as f:
            f.write(text)

    def count(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1

    def env(self):
        env = self.bus.env()
        # Plain malloc for GLib, so that memcheck sees every block (GSlice caches them).
        env["G_SLICE"] = "always-malloc"
        env["G_DEBUG"] = "gc-friendly"
        return env

    # --- processes ------------------------------------------------------------------------------

    def start_node1(self):
        argv = [VALGRIND, "--tool=memcheck", "--leak-check=full",
                "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
                "--error-exitcode=99", "--num-callers=30", "--log-file=" + self.vg_log]
        if os.path.exists(SUPPRESSIONS):
            argv.append("--suppressions=" + SUPPRESSIONS)
        state = os.path.join(self.dir, "state1")
        os.makedirs(state, exist_ok=True)
        argv += [self.vipd_path, "-l", "-D", "-f", self.conf1, "--state-dir", state]
        self.node1 = self.bed.start("node1", argv, self.bed.log("vipd-node1"), env=self.env())

    def start_node2(self):
        state = os.path.join(self.dir, "state2")
        os.makedirs(state, exist_ok=True)
        self.node2 = self.bed.start("node2", [self.vipd_path, "-l", "-f", self.conf2,
                                              "--state-dir", state, "--no-dbus"],
                                    self.bed.log("vipd-node2-%d" % len(self.bed.procs)))
        self.bed.wait_log(self.node2, "started ", 10, "vipd to start in node2")

    def busctl(self, *args, user=None, check=True, timeout=60):
        argv = [BUSCTL, "--system"] + [str(a) for a in args]
        if user is not None:
            argv = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--init-groups"] + argv
        r = subprocess.run(self.bed.cmd("node1", argv), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=timeout, env=self.env())
        if check and r.returncode != 0:
            raise AssertionError("%s failed: %s" % (" ".join(args[:6]), r.stderr.strip()))
        return r

    def icall(self, method, *args, user=None, check=True, interactive=False):
        # busctl allows interactive authorization unless told otherwise.
        pre = ["--allow-interactive-authorization=%s" % ("yes" if interactive else "no")]
        return self.busctl(*(pre + ["call", NAME, ROOT + "/instance/VI_1", IFACE_I, method]
                             + list(args)), user=user, check=check)

    def state(self, name="VI_1"):
        r = self.busctl("get-property", NAME, ROOT + "/instance/" + name, IFACE_I, "State")
        return r.stdout.split('"')[1]

    def on_bus(self):
        r = self.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                        "org.freedesktop.DBus", "NameHasOwner", "s", NAME, check=False)
        return r.returncode == 0 and r.stdout.strip() == "b true"

    def alive(self):
        if not self.node1.running():
            raise AssertionError("vipd under valgrind exited (%s)" % self.node1.popen.returncode)

    def wait_vip(self, node, timeout=30):
        self.bed.wait_for(lambda: self.bed.has_addr(node, VIP), timeout, "%s on %s" % (VIP, node))

    # --- the soak ------------------------------------------------------------------------------

    def step_reads(self):
        r = self.busctl("call", NAME, ROOT, "org.freedesktop.DBus.ObjectManager",
                        "GetManagedObjects")
        if "VI_1" not in r.stdout:
            raise AssertionError("GetManagedObjects without VI_1: %.200s" % r.stdout)
        self.busctl("call", NAME, ROOT, IFACE_M, "GetEvents", "tu", "0", "50")
        self.state("VI_6")
        self.count("D-Bus reads")

    def step_failover(self):
        self.wait_vip("node1")
        self.icall("Demote", user=UID, interactive=True)
        self.wait_vip("node2")
        self.count("failover to node2 (Demote via polkit)")
        self.icall("TakeOver", user=UID, interactive=True)
        self.wait_vip("node1")
        self.icall("ResetPriority")
        self.count("failover back (TakeOver)")

    def step_refused(self):
        r = self.icall("SetPriority", "y", "7", user=UID, check=False)
        err = r.stderr.lower()
        if r.returncode == 0 or ("denied" not in err and "not authorized" not in err):
            raise AssertionError("uid %d's SetPriority was not refused: %s" % (UID, r.stderr))
        self.count("refused by polkit")

    def step_flap(self):
        self.bed.set_port("node1", False)
        time.sleep(2)
        self.bed.set_port("node1", True)
        self.count("link flap")
        self.wait_vip("node1")

    def step_reload(self):
        k = self.reloads
        self.reloads += 1
        variant = ("extra", "invalid", "base")[k % 3]
        self.write(self.conf1, conf_text("node1", 150, variant))
        if k % 2 == 0:
            self.node1.popen.send_signal(signal.SIGHUP)
        else:
            r = self.busctl("call", NAME, ROOT, IFACE_M, "Reload", check=False)
            if (r.returncode != 0) != (variant == "invalid"):
                raise AssertionError("Reload of the %s file: %s" % (variant, r.stderr))
        self.count("reload of an invalid file (refused)" if variant == "invalid" else "reload")
        time.sleep(1)

    def step_peer_crash(self):
        self.bed.stop(self.node2, sig=signal.SIGKILL)
        for addr in ("192.0.2.200", "192.0.2.201", "192.0.2.203"):
            subprocess.run(self.bed.cmd("node2", ["ip", "addr", "del", addr + "/24", "dev",
                                                  "eth0"]), capture_output=True)
        time.sleep(1.5)
        self.start_node2()
        self.count("peer kill -9 and restart")

    def run(self):
        self.start_node2()
        t0 = time.monotonic()
        self.start_node1()
        # valgrind slows start-up by an order of magnitude.
        self.bed.wait_for(self.on_bus, 120, "vipd (valgrind) on the bus")
        self.stub = self.bed.start("node1", [PYTHON, os.path.join(TESTS, "dbus", "polkit-stub.py")],
                                   self.bed.log("polkit-stub"), env=self.env())
        self.bed.wait_log(self.stub, "ready", 30)
        self.wait_vip("node1", 60)
        print("soak: vipd under valgrind master after %.1f s" % (time.monotonic() - t0),
              flush=True)
        steps = [self.step_reads, self.step_failover, self.step_reads, self.step_refused,
                 self.step_flap, self.step_reads, self.step_reload, self.step_peer_crash]
        t_start = time.monotonic()
        i = 0
        while time.monotonic() - t_start < self.duration:
            self.alive()
            steps[i % len(steps)]()
            i += 1
        self.alive()
        soak_s = time.monotonic() - t_start
        with open("/proc/%d/status" % self.node1.pid) as f:
            rss = [l.split()[1] for l in f if l.startswith(("VmRSS", "VmHWM"))]
        t = time.monotonic()
        rc = self.bed.stop(self.node1, sig=signal.SIGTERM, timeout=300)
        stop_s = time.monotonic() - t
        return soak_s, stop_s, rc, rss


def parse_valgrind(text):
    """The figures that decide the run, from valgrind's log."""
    def num(pattern):
        m = re.findall(pattern, text)
        return int(m[-1].replace(",", "")) if m else None

    return {
        "errors": num(r"ERROR SUMMARY: ([\d,]+) errors"),
        "definitely_lost": num(r"definitely lost: ([\d,]+) bytes") or 0,
        "indirectly_lost": num(r"indirectly lost: ([\d,]+) bytes") or 0,
        "possibly_lost": num(r"possibly lost: ([\d,]+) bytes") or 0,
        "invalid_reads": len(re.findall(r"Invalid read of size", text)),
        "invalid_writes": len(re.findall(r"Invalid write of size", text)),
        "invalid_frees": len(re.findall(r"Invalid free|Mismatched free", text)),
        "uninitialised": len(re.findall(r"uninitialised", text)),
        "suppressed": num(r"ERROR SUMMARY: .*suppressed: ([\d,]+) from"),
        "in_use_at_exit": num(r"in use at exit: ([\d,]+) bytes"),
        "allocs": num(r"total heap usage: ([\d,]+) allocs"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=600, help="seconds of faults (600)")
    ap.add_argument("--vipd", default=os.environ.get("VIPD") or os.path.join(
        HERE, "..", "build", "service", "vipd"))
    ap.add_argument("--keep-log", help="copy valgrind's log here")
    a = ap.parse_args()
    why = testbed.skip_reason() or privbus.skip_reason()
    if why is None and not os.access(VALGRIND, os.X_OK):
        why = "no valgrind"
    if why is None and not os.path.exists(BUSCTL):
        why = "no busctl"
    if why:
        print("SKIP: " + why)
        return 77
    print("soak: %s, %.0f s, load %s" % (a.vipd, a.duration, open("/proc/loadavg").read().strip()),
          flush=True)
    with testbed.Bed(nodes=2, client=False) as bed:
        soak = Soak(bed, os.path.abspath(a.vipd), a.duration)
        try:
            soak_s, stop_s, rc, rss = soak.run()
        except BaseException:
            bed.dump_logs()
            print(open(soak.vg_log).read() if os.path.exists(soak.vg_log) else "(no valgrind log)")
            raise
        with open(soak.vg_log, encoding="utf-8", errors="replace") as f:
            log = f.read()
        if a.keep_log:
            shutil.copy(soak.vg_log, a.keep_log)
        v = parse_valgrind(log)
        print("soak: %.0f s of faults; %s" % (soak_s, ", ".join(
            "%s %d" % (k, n) for k, n in sorted(soak.counts.items()))))
        print("soak: VmRSS/VmHWM under valgrind %s kB; SIGTERM -> exit %.1f s (leak check "
              "included), status %s" % ("/".join(rss), stop_s, rc))
        print("soak: valgrind: ERROR SUMMARY %s errors (%s suppressed); definitely lost %d B, "
              "indirectly lost %d B, possibly lost %d B; invalid reads %d, invalid writes %d, "
              "invalid frees %d, uninitialised-value reports %d" % (
                  v["errors"], v["suppressed"], v["definitely_lost"], v["indirectly_lost"],
                  v["possibly_lost"], v["invalid_reads"], v["invalid_writes"],
                  v["invalid_frees"], v["uninitialised"]))
        print("soak: heap: %s allocations in all, %s bytes in use at exit (reachable: GLib's type "
              "system and caches)" % (v["allocs"], v["in_use_at_exit"]))
        print("soak: load %s" % open("/proc/loadavg").read().strip())
        bad = []
        if v["errors"] is None:
            bad.append("valgrind printed no ERROR SUMMARY")
        elif v["errors"] != 0:
            bad.append("valgrind reported %d errors" % v["errors"])
        if v["definitely_lost"]:
            bad.append("%d bytes definitely lost" % v["definitely_lost"])
        if v["invalid_reads"] or v["invalid_writes"] or v["invalid_frees"]:
            bad.append("invalid memory accesses")
        if rc != 0:
            bad.append("vipd under valgrind exited with status %s (99: valgrind found errors)"
                       % rc)
        if bad:
            print(log)
            bed.dump_logs()
            print("soak: FAIL: " + "; ".join(bad))
            return 1
        print("soak: PASS")
        return 0


if __name__ == "__main__":
    sys.exit(main())
