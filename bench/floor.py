#!/usr/bin/python3
"""bench/floor.py — one VRRP instance, each program alone: vipd, keepalived and two floors.

At one instance a master does nothing but wake up once a second and send an advertisement, and
a backup nothing but wake up for the master's and re-arm its timer, so the CPU either takes is
mostly the cost of that wake-up. This bench sets vipd and keepalived beside the least any
program can spend on it (bench/floor.c, built as `floor` in the build directory, found beside
--vipd as ../bench/floor):

  glib   a timerfd and a raw VRRP socket in a GLib main loop (sources that stay in the poll set
         while dispatched, as vipd's); each second sendto + timerfd_settime as a master, recv +
         timerfd_settime as a backup: what a GLib daemon cannot go below;
  epoll  the same work in a bare epoll_wait() loop, as keepalived waits.

--role backup adds node2 on the other end of `sc0`, where `floor epoll` plays the master
(priority 150, 192.0.2.230); the measured programs run at priority 100 and must stay backup.

Each program runs alone in node1 of a namespace test bed (tests/netns/testbed.py) on the veth
`sc0` that bench/scale.py uses at one instance (192.0.2.210, VIP 192.0.2.1; the other
end in the same namespace, so adverts go nowhere), and is measured over --seconds (30) of
schedstat run time (every thread; keepalived: its parent and VRRP child), starting 7 s after
its VIP is present (vipd, keepalived: past the second round of gratuitous ARPs; as backups 7 s
after start, past their Master_Down_Interval) or 3 s after start (floors). vipd runs with
--no-dbus. The programs take turns, the order rotated every round, --rounds (5) rounds; one
measured program runs at a time, because two masters started together wake up in the same
instant and the second on a CPU most likely finds the kernel's caches warm (identical vipd
builds side by side measured 80 and 131 µs a second).

Usage: ninja -C build && sudo bench/floor.py [--role master|backup] [--rounds 5] [--seconds 30]
                                            [--vipd build/service/vipd]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

import scale
from scale import testbed, kapair

PROGRAMS = ("vipd", "keepalived", "glib", "epoll")


def run_pids(pids):
    return sum(scale.cpu_ns(p) for p in pids)


def measure(bed, kind, a, conf, ifs, floor):
    """Starts kind alone in node1, waits until it is settled, returns its run time in µs/s."""
    backup = a.role == "backup"
    if kind in ("vipd", "keepalived"):
        d = scale.Daemon(bed, "node1", kind, conf, a.vipd)
        shutil.rmtree(os.path.join(d.dir, "state"), ignore_errors=True)
        poll = None if backup else scale.start_poller(bed, "node1", ifs)
        d.start()
        if poll:
            scale.poller_time(bed, poll, 60)
        time.sleep(7)
        proc, pids = d.proc, d.pids()
    else:
        argv = [floor, kind, ifs[0][0]] + (["backup"] if backup else [])
        proc = bed.start("node1", argv, bed.log("floor-" + kind))
        time.sleep(3)
        if not proc.running():
            raise AssertionError("floor %s exited:\n%s" % (kind, proc.output()))
        pids = [proc.pid]
    n0, t0 = run_pids(pids), time.monotonic()
    time.sleep(a.seconds)
    n1, t1 = run_pids(pids), time.monotonic()
    if not proc.running():
        raise AssertionError("%s exited during the window:\n%s" % (kind, proc.output()[-3000:]))
    if backup and not scale.holds_none(bed, "node1", ifs):
        raise AssertionError("%s took the VIP from the master in node2" % kind)
    bed.stop(proc)
    # Whatever it left behind (keepalived removes its VIP; vipd hands over first) is gone
    # before the next program starts.
    bed.wait_for(lambda: scale.holds_none(bed, "node1", ifs), 10, "VIP removed after " + kind)
    return (n1 - n0) / 1e3 / (t1 - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--role", choices=("master", "backup"), default="master")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--vipd", default=os.environ.get("VIPD") or os.path.join(
        scale.HERE, "..", "build", "service", "vipd"))
    a = ap.parse_args()
    a.vipd = os.path.abspath(a.vipd)
    floor = os.path.normpath(os.path.join(os.path.dirname(a.vipd), "..", "bench", "floor"))
    why = kapair.skip_reason() or (
        None if os.access(floor, os.X_OK) else "no %s: build it with ninja" % floor)
    if why:
        print("bench/floor.py: cannot run: " + why, file=sys.stderr)
        return 77
    ifs = scale.layout(1)
    samples = {k: [] for k in PROGRAMS}
    loads = []
    backup = a.role == "backup"
    with testbed.Bed(nodes=2 if backup else 1, client=False) as bed:
        try:
            scale.make_links(bed, ifs, "node1", "node2" if backup else None)
            if backup:
                master = bed.start("node2", [floor, "epoll", ifs[0][0]], bed.log("master"))
                time.sleep(2)
                if not master.running():
                    raise AssertionError("the master in node2 exited:\n" + master.output())
            conf = scale.conf_text("node1", 100 if backup else 150, ifs)
            for r in range(a.rounds):
                order = PROGRAMS[r % len(PROGRAMS):] + PROGRAMS[:r % len(PROGRAMS)]
                load0 = scale.loadavg()
                for kind in order:
                    us = measure(bed, kind, a, conf, ifs, floor)
                    samples[kind].append(us)
                    print("floor: round %d %s %.1f us/s" % (r + 1, kind, us), file=sys.stderr,
                          flush=True)
                loads.append("round %d: %s -> %s" % (r + 1, load0, scale.loadavg()))
        except BaseException:
            bed.dump_logs()
            raise
    ka_version = subprocess.run([kapair.KEEPALIVED, "-v"], capture_output=True,
                                text=True).stderr.splitlines()[0]
    print("one VRRPv2 %s at advert_int 1 s, each program alone; vipd %s (--no-dbus), %s; "
          "%d rounds of %.0f s; %s" % (a.role, a.vipd, ka_version, a.rounds, a.seconds,
                                       time.strftime("%Y-%m-%d %H:%M")))
    print()
    print("| program | µs of CPU per second: min / median / max | % of a core (median) |")
    print("|---|---|---|")
    for kind in PROGRAMS:
        s = samples[kind]
        print("| %s | %.1f / %.1f / %.1f | %.4f |" % (
            kind, min(s), statistics.median(s), max(s), statistics.median(s) / 1e4))
    scale.print_loads("each round", loads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
