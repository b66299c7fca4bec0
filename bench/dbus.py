#!/usr/bin/python3
"""bench/dbus.py — what the D-Bus admin path costs, on a namespace test bed (root only).

  * call → VIP moved (ms) for TakeOver (on the backup) and Demote (on the master): from just
    before the method call until the VIP is on the new owner and gone from the old one
    (sampled with `ip -j addr`, so a few ms of sampling granularity are included); median of
    --runs (default 7).
  * GetManagedObjects latency (ms, median of --calls) with 1, 100 and 1000 instances: one node,
    IPv6 VRRPv3 instances spread over several veth interfaces (VRIDs are per interface and
    family, 1..255), advert_int 1.

It prints a table; it does not pass or fail. Usage: bench/dbus.py [--runs N] [--interval S]
[--calls N] [--sizes 1,100,1000]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "dbus"))

from vipdbus import (IFACE_I, PYTHON, Node, conf_text, inst_path, testbed,  # noqa: E402
                     skip_reason, wait_master)

GMO_TIMER = r"""
import statistics, sys, time
from gi.repository import Gio, GLib
n = int(sys.argv[1]); want = int(sys.argv[2])
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM)
def call():
    return bus.call_sync("org.vipd.Vrrp1", "/org/vipd/Vrrp1", "org.freedesktop.DBus.ObjectManager",
                         "GetManagedObjects", None, None, 0, 60000, None)
# Wait until every object is exported, then time.
deadline = time.monotonic() + 60
while len(call().unpack()[0]) < want:
    if time.monotonic() > deadline:
        sys.exit("only %d objects" % len(call().unpack()[0]))
    time.sleep(0.2)
ts = []
size = 0
for _ in range(n):
    t = time.perf_counter(); r = call(); ts.append((time.perf_counter() - t) * 1000)
    size = r.get_size()
print("%.3f %.3f %.3f %d %d" % (statistics.median(ts), min(ts), max(ts), size, len(r.unpack()[0])))
"""


def move_times(runs, interval):
    res = {"TakeOver": [], "Demote": []}
    with testbed.Bed(nodes=2, client=False) as bed:
        try:
            n1 = Node(bed, "node1", conf_text("node1", 150, interval=interval))
            n2 = Node(bed, "node2", conf_text("node2", 100, interval=interval))
            n1.start_vipd()
            n2.start_vipd()
            wait_master(bed, n1, timeout=15)
            n2.wait_on_bus()
            p = inst_path("VI_1")
            slow = 5 * float(interval) + 2

            def moved(to, frm):
                return lambda: to.has_vip() and not frm.has_vip()

            for _ in range(runs):
                # TakeOver on the backup.
                t = time.monotonic()
                n2.call(p, IFACE_I, "TakeOver")
                bed.wait_for(moved(n2, n1), slow, "TakeOver", interval=0.001)
                res["TakeOver"].append((time.monotonic() - t) * 1000)
                # Back to node1: node2 hands over, then returns to its configured priority.
                n2.call(p, IFACE_I, "ResetPriority")
                n2.call(p, IFACE_I, "Demote")
                bed.wait_for(moved(n1, n2), slow, "back to node1")
                n2.call(p, IFACE_I, "ResetPriority")
                time.sleep(3 * float(interval))
                # Demote on the master.
                t = time.monotonic()
                n1.call(p, IFACE_I, "Demote")
                bed.wait_for(moved(n2, n1), slow, "Demote", interval=0.001)
                res["Demote"].append((time.monotonic() - t) * 1000)
                n1.call(p, IFACE_I, "TakeOver")
                bed.wait_for(moved(n1, n2), slow, "back to node1")
                n1.call(p, IFACE_I, "ResetPriority")
                time.sleep(3 * float(interval))
        except BaseException:
            bed.dump_logs()
            raise
    return res


def gmo_latency(size, calls):
    per_if = 250
    nifs = (size + per_if - 1) // per_if
    with testbed.Bed(nodes=1, client=False) as bed:
        try:
            ns = bed.ns("node1")
            instances = []
            for k in range(nifs):
                ifname = "bx%d" % k
                subprocess.run(["ip", "-n", ns, "link", "add", ifname, "type", "veth", "peer",
                                "name", ifname + "p"], check=True)
                subprocess.run(["ip", "-n", ns, "link", "set", ifname + "p", "up"], check=True)
                subprocess.run(["ip", "-n", ns, "link", "set", ifname, "up"], check=True)
                for j in range(min(per_if, size - k * per_if)):
                    instances.append(("VI_%d_%d" % (k, j + 1), ifname, j + 1,
                                      "2001:db8:%x::%x/64" % (k + 1, j + 1)))
            n1 = Node(bed, "node1", conf_text("node1", 150, instances=instances, interval="1",
                                              state="MASTER"))
            n1.start_vipd()
            n1.wait_on_bus(timeout=60)
            r = subprocess.run(bed.cmd("node1", [PYTHON, "-c", GMO_TIMER, str(calls), str(size)]),
                               capture_output=True, text=True, env=n1.env(), timeout=600)
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
            med, lo, hi, nbytes, nobj = r.stdout.split()
            return float(med), float(lo), float(hi), int(nbytes), int(nobj)
        except BaseException:
            bed.dump_logs()
            raise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--interval", default="1")
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--sizes", default="1,100,1000")
    a = ap.parse_args()
    why = skip_reason()
    if why:
        print("bench/dbus.py: cannot run: " + why, file=sys.stderr)
        return 77
    print("vipd D-Bus bench: VRRPv3, advert_int %s s, %d runs" % (a.interval, a.runs))
    res = move_times(a.runs, a.interval)
    print()
    print("| call → VIP moved | median ms | min ms | max ms | runs |")
    print("|---|---|---|---|---|")
    for k in ("TakeOver", "Demote"):
        v = res[k]
        print("| %s | %.1f | %.1f | %.1f | %d |" % (k, statistics.median(v), min(v), max(v), len(v)))
    skew = (256 - 100) / 256 * float(a.interval) * 1000
    print("\n(Demote: the backup at priority 100 waits Skew_Time = %.0f ms after the priority-0 "
          "advert.)" % skew)
    print()
    print("| instances | GetManagedObjects median ms | min ms | max ms | reply bytes |")
    print("|---|---|---|---|---|")
    for size in [int(s) for s in a.sizes.split(",")]:
        med, lo, hi, nbytes, nobj = gmo_latency(size, a.calls)
        print("| %d | %.2f | %.2f | %.2f | %d |" % (nobj, med, lo, hi, nbytes), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
