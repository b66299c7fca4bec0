#!/usr/bin/python3
"""bench/scale.py — vipd and keepalived side by side with 1, 100 and 1000 VRRP instances.

For each size and role, one namespace test bed (tests/netns/testbed.py) holds both daemons at
once, so that both see the same load on a shared machine:

  node1  vipd        (measured)          node3  vipd peer master        (backup role only)
  node2  keepalived  (measured)          node4  keepalived peer master  (backup role only)

Instances: VRRPv2, advert_int 1, at most 200 per interface (5 interfaces for 1000), VRIDs
1..200 per interface, one IPv4 VIP each: interface k takes 192.0.2.x, 198.51.100.x and
203.0.113.x in turn (x = VRID), so interfaces 3 and 4 reuse the first two ranges on other
links. Each interface is a veth: in the master role its peer end sits in the same namespace
(adverts go nowhere), in the backup role it joins the peer master's namespace, which runs the
same implementation at priority 200 and holds every VIP before the measured daemon starts.
Both daemons read the same keepalived.conf text (state BACKUP, priority 150 as master, 100 as
backup).

Measured for each daemon (keepalived: the parent and its VRRP child together, -P):
  * exec -> all VIPs present (master role): a listener in the namespace reads the kernel's
    address events and reports the CLOCK_MONOTONIC time of the one that completed the set;
  * CPU as % of one core over --cpu-seconds (60) from /proc/PID/stat utime+stime (whole
    10 ms ticks), and from every thread's /proc/PID/task/TID/schedstat (ns), started 5 s
    after convergence;
  * VmRSS and VmHWM (and VmLck: vipd mlockall()s, so all of its mapped pages are resident);
  * vipd only: GetManagedObjects latency on a private bus (tests/dbus/privbus.py), median of
    --calls calls after the CPU window.
/proc/loadavg is printed before and after each window; repeat a row when it was disturbed.

Usage: sudo bench/scale.py [--sizes 1,100,1000] [--roles master,backup] [--cpu-seconds 60]
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "tests")
sys.path.insert(0, os.path.join(TESTS, "dbus"))
sys.path.insert(0, os.path.join(TESTS, "netns"))
sys.path.insert(0, os.path.join(TESTS, "interop"))

import testbed  # noqa: E402
import privbus  # noqa: E402
from privbus import PrivateBus  # noqa: E402
import kapair  # noqa: E402

IP = testbed.IP
PYTHON = "/usr/bin/python3"
RANGES = ["192.0.2", "198.51.100", "203.0.113"]
PER_IF = 200
HZ = os.sysconf("SC_CLK_TCK")

# Runs in a namespace: listens for the kernel's IPv4 address events (RTNLGRP_IPV4_IFADDR) until
# every address of argv[1] (a file, one "dev addr" per line) is present; prints "all
# <CLOCK_MONOTONIC at the event that completed the set> <count>" and exits. An event is read
# within microseconds of the kernel adding the address, where polling `ip addr` every 20 ms was
# only good to a few tens of milliseconds. A full dump runs at start and after a socket overrun.
POLLER = r"""
import errno, socket, struct, sys, time
want = set(tuple(l.split()) for l in open(sys.argv[1]) if l.strip())
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((0, 0x10))
names, have = {}, set()
def name(idx):
    if idx not in names:
        try:
            names[idx] = socket.if_indextoname(idx)
        except OSError:
            return str(idx)
    return names[idx]
def parse(buf):
    off, done = 0, False
    while off + 16 <= len(buf):
        ln, typ = struct.unpack_from("=IH", buf, off)
        if ln < 16:
            break
        if typ == 3:
            done = True
        elif typ in (20, 21):
            fam, _, _, _, idx = struct.unpack_from("=BBBBI", buf, off + 16)
            a = off + 24
            while fam == 2 and a + 4 <= off + ln:
                alen, atype = struct.unpack_from("=HH", buf, a)
                if alen < 4:
                    break
                if atype == 2:
                    key = (name(idx), socket.inet_ntoa(buf[a + 4:a + 8]))
                    (have.add if typ == 20 else have.discard)(key)
                a += (alen + 3) & ~3
        off += (ln + 3) & ~3
    return done
def dump():
    s.send(struct.pack("=IHHII", 24, 22, 0x301, 1, 0) + struct.pack("=BBBBI", 2, 0, 0, 0, 0))
    while not parse(s.recv(1 << 20)):
        pass
dump()
print("ready", flush=True)
t = time.monotonic()
while not want <= have:
    try:
        buf = s.recv(1 << 20)
    except OSError as e:
        if e.errno != errno.ENOBUFS:
            raise
        names.clear()
        dump()
        t = time.monotonic()
        continue
    t = time.monotonic()
    parse(buf)
print("all %.6f %d" % (t, len(want)), flush=True)
"""

GMO_TIMER = r"""
import statistics, sys, time
from gi.repository import Gio
n, want = int(sys.argv[1]), int(sys.argv[2])
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM)
def call():
    return bus.call_sync("org.vipd.Vrrp1", "/org/vipd/Vrrp1", "org.freedesktop.DBus.ObjectManager",
                         "GetManagedObjects", None, None, 0, 60000, None)
deadline = time.monotonic() + 60
while len(call().unpack()[0]) < want:
    if time.monotonic() > deadline:
        sys.exit("only %d objects" % len(call().unpack()[0]))
    time.sleep(0.2)
ts = []
for _ in range(n):
    t = time.perf_counter(); r = call(); ts.append((time.perf_counter() - t) * 1000)
print("%.3f %.3f %.3f %d" % (statistics.median(ts), min(ts), max(ts), r.get_size()))
"""


def layout(size):
    """[(ifname, k, [(vrid, vip)])] for size instances."""
    out = []
    nifs = (size + PER_IF - 1) // PER_IF
    for k in range(nifs):
        n = min(PER_IF, size - k * PER_IF)
        out.append(("sc%d" % k, k, [(v, "%s.%d" % (RANGES[k % 3], v)) for v in range(1, n + 1)]))
    return out


def conf_text(router_id, priority, ifs):
    lines = ["global_defs {", "    router_id %s" % router_id, "}", ""]
    for ifname, k, insts in ifs:
        for vrid, vip in insts:
            lines += ["vrrp_instance %s_%d {" % (ifname, vrid), "    state BACKUP",
                      "    interface %s" % ifname, "    virtual_router_id %d" % vrid,
                      "    priority %d" % priority, "    advert_int 1", "    version 2",
                      "    virtual_ipaddress {", "        %s/24" % vip, "    }", "}", ""]
    return "\n".join(lines)


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "VmLck"):
                out[k] = int(v.split()[0])
    return out


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu_ns(pid):
    """Time on CPU of every thread of pid (schedstat, ns): utime+stime count whole ticks
    (10 ms), too coarse for a daemon that runs for a few ms a minute."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError):
            pass
    return total


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def print_loads(what, loads):
    """The table's footnote: /proc/loadavg before and after each measurement."""
    print()
    print("loadavg (1/5/15 min) before -> after %s:" % what)
    for line in loads:
        print("  " + line)


class Daemon:
    """One measured daemon (or a peer) in a namespace of the bed."""

    def __init__(self, bed, node, kind, conf, vipd_path, bus=False):
        self.bed, self.node, self.kind = bed, node, kind
        self.dir = os.path.join(bed.tmpdir, node)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "vrrp.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.vipd_path = vipd_path
        self.bus = None
        if bus:
            self.bus = PrivateBus(self.dir, name="bus")
            bed.on_teardown(self.bus.teardown)
            self.bus.start()
        self.proc = None
        self.t_exec = None

    def start(self):
        env = self.bus.env() if self.bus else None
        if self.kind == "vipd":
            argv = [self.vipd_path, "-l", "-f", self.conf, "--state-dir",
                    os.path.join(self.dir, "state")]
            if self.bus is None:
                argv.append("--no-dbus")
        else:
            self.pidfile = os.path.join(self.dir, "ka.pid")
            self.vrrp_pidfile = os.path.join(self.dir, "ka.vrrp.pid")
            argv = [kapair.KEEPALIVED, "-n", "-l", "-P", "-f", self.conf, "-p", self.pidfile,
                    "-r", self.vrrp_pidfile]
        self.t_exec = time.monotonic()
        self.proc = self.bed.start(self.node, argv, self.bed.log("%s-%s" % (self.node, self.kind)),
                                   env=env)

    def pids(self):
        """The daemon's processes: vipd, or keepalived's parent and VRRP child."""
        if not self.proc.running():
            raise AssertionError("%s in %s exited:\n%s" % (self.kind, self.node,
                                                           self.proc.output()[-3000:]))
        pids = [self.proc.pid]
        if self.kind == "keepalived":
            try:
                with open(self.vrrp_pidfile) as f:
                    child = int(f.read().strip())
                with open("/proc/%d/stat" % child) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                        pids.append(child)
            except (OSError, ValueError):
                pass
        return pids

    def ticks(self):
        return sum(cpu_ticks(p) for p in self.pids())

    def ns(self):
        return sum(cpu_ns(p) for p in self.pids())

    def memory(self):
        tot = {"VmRSS": 0, "VmHWM": 0, "VmLck": 0}
        for p in self.pids():
            for k, v in proc_status(p).items():
                tot[k] += v
        return tot


def make_links(bed, ifs, node, peer):
    """Each interface of ifs as a veth in node; its other end in peer (or in node as ifname+p)."""
    for ifname, k, _ in ifs:
        ns = bed.ns(node)
        if peer is None:
            bed._ip("-n", ns, "link", "add", ifname, "type", "veth", "peer", "name", ifname + "p")
            bed._ip("-n", ns, "link", "set", ifname + "p", "up")
        else:
            bed._ip("-n", ns, "link", "add", ifname, "type", "veth", "peer", "name", ifname,
                    "netns", bed.ns(peer))
            bed._ip("-n", bed.ns(peer), "addr", "add", "%s.%d/24" % (RANGES[k % 3], 230 + k),
                    "dev", ifname)
            bed._ip("-n", bed.ns(peer), "link", "set", ifname, "up")
        bed._ip("-n", ns, "addr", "add", "%s.%d/24" % (RANGES[k % 3], 210 + k), "dev", ifname)
        bed._ip("-n", ns, "link", "set", ifname, "up")


def start_poller(bed, node, ifs):
    path = os.path.join(bed.tmpdir, "want-%s" % node)
    with open(path, "w") as f:
        for ifname, _, insts in ifs:
            for _, vip in insts:
                f.write("%s %s\n" % (ifname, vip))
    p = bed.start(node, [PYTHON, "-c", POLLER, path], bed.log("poller-%s" % node))
    bed.wait_log(p, "ready", 10)
    return p


def poller_time(bed, p, timeout):
    line = bed.wait_for(lambda: next((l for l in p.lines() if l.startswith("all ")), None),
                        timeout, "all VIPs (%s)" % p.node)
    return float(line.split()[1])


def holds_none(bed, node, ifs):
    """No VIP on its interface (testbed's eth0 addresses may coincide with VIPs elsewhere)."""
    out = bed.run(node, [IP, "-br", "-4", "addr"]).stdout
    vips = {(ifname, vip) for ifname, _, insts in ifs for _, vip in insts}
    have = {(l.split()[0].split("@")[0], a.split("/")[0])
            for l in out.splitlines() for a in l.split()[2:]}
    return not vips & have


def run_case(size, role, a):
    ifs = layout(size)
    res = {}
    with testbed.Bed(nodes=4, client=False) as bed:
        try:
            backup = role == "backup"
            make_links(bed, ifs, "node1", "node3" if backup else None)
            make_links(bed, ifs, "node2", "node4" if backup else None)
            prio = 100 if backup else 150
            vipd = Daemon(bed, "node1", "vipd", conf_text("node1", prio, ifs), a.vipd, bus=True)
            ka = Daemon(bed, "node2", "keepalived", conf_text("node2", prio, ifs), a.vipd)
            if backup:
                peers = [Daemon(bed, "node3", "vipd", conf_text("node3", 200, ifs), a.vipd),
                         Daemon(bed, "node4", "keepalived", conf_text("node4", 200, ifs), a.vipd)]
                polls = [start_poller(bed, p.node, ifs) for p in peers]
                for p in peers:
                    p.start()
                for p, q in zip(peers, polls):
                    poller_time(bed, q, 120)
            polls = {} if backup else {d.kind: start_poller(bed, d.node, ifs) for d in (vipd, ka)}
            vipd.start()
            ka.start()
            if backup:
                # Past any Master_Down_Interval: both must have stayed backup.
                time.sleep(10)
                for d in (vipd, ka):
                    if not holds_none(bed, d.node, ifs):
                        raise AssertionError("%s took a VIP from its peer master" % d.kind)
                    res[d.kind] = {"vips_s": None}
            else:
                for d in (vipd, ka):
                    res[d.kind] = {"vips_s": poller_time(bed, polls[d.kind], 120) - d.t_exec}
                time.sleep(5)
            load0 = loadavg()
            t0 = time.monotonic()
            c0 = {d.kind: d.ticks() for d in (vipd, ka)}
            n0 = {d.kind: d.ns() for d in (vipd, ka)}
            time.sleep(a.cpu_seconds)
            c1 = {d.kind: d.ticks() for d in (vipd, ka)}
            n1 = {d.kind: d.ns() for d in (vipd, ka)}
            dt = time.monotonic() - t0
            load1 = loadavg()
            for d in (vipd, ka):
                res[d.kind]["cpu"] = 100.0 * (c1[d.kind] - c0[d.kind]) / HZ / dt
                res[d.kind]["cpu_ns"] = 100.0 * (n1[d.kind] - n0[d.kind]) / 1e9 / dt
                res[d.kind].update(d.memory())
                res[d.kind]["procs"] = len(d.pids())
            if backup:
                for d in (vipd, ka):
                    if not holds_none(bed, d.node, ifs):
                        raise AssertionError("%s took a VIP during the window" % d.kind)
            r = subprocess.run(bed.cmd("node1", [PYTHON, "-c", GMO_TIMER, str(a.calls),
                                                 str(size)]),
                               capture_output=True, text=True, env=vipd.bus.env(), timeout=600)
            if r.returncode != 0:
                raise RuntimeError("GetManagedObjects: " + r.stderr)
            med, lo, hi, nbytes = r.stdout.split()
            res["vipd"]["gmo"] = (float(med), float(lo), float(hi), int(nbytes))
            res["load"] = (load0, load1)
            print("scale: %d %s: %s" % (size, role, json.dumps(res)), file=sys.stderr, flush=True)
        except BaseException:
            bed.dump_logs()
            raise
    return res


def fmt_row(size, role, kind, r):
    vips = "-" if r.get("vips_s") is None else "%.2f" % r["vips_s"]
    gmo = "n/a"
    if "gmo" in r:
        gmo = "%.2f (%.2f–%.2f)" % r["gmo"][:3]
    return "| %d | %s | %s | %.2f | %.3f | %.1f | %.1f | %.1f | %s | %s |" % (
        size, role, kind, r["cpu"], r["cpu_ns"], r["VmRSS"] / 1024.0, r["VmHWM"] / 1024.0,
        r["VmLck"] / 1024.0, vips, gmo)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,100,1000")
    ap.add_argument("--roles", default="master,backup")
    ap.add_argument("--cpu-seconds", type=float, default=60)
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--vipd", default=os.environ.get("VIPD") or os.path.join(
        HERE, "..", "build", "service", "vipd"))
    a = ap.parse_args()
    a.vipd = os.path.abspath(a.vipd)
    why = kapair.skip_reason() or privbus.skip_reason()
    if why:
        print("bench/scale.py: cannot run: " + why, file=sys.stderr)
        return 77
    ka_version = subprocess.run([kapair.KEEPALIVED, "-v"], capture_output=True,
                                text=True).stderr.splitlines()[0]
    print("vipd %s vs %s; advert_int 1 s, VRRPv2; CPU over %.0f s; %s" % (
        a.vipd, ka_version, a.cpu_seconds, time.strftime("%Y-%m-%d %H:%M")))
    print()
    print("| instances | role | daemon | CPU % (stat) | CPU % (schedstat) | VmRSS MB | VmHWM MB "
          "| VmLck MB | exec → all VIPs s | GetManagedObjects ms median (min–max) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    loads = []
    for size in [int(s) for s in a.sizes.split(",")]:
        for role in a.roles.split(","):
            res = run_case(size, role, a)
            for kind in ("vipd", "keepalived"):
                print(fmt_row(size, role, kind, res[kind]), flush=True)
            loads.append("%d %s: %s -> %s" % (size, role, res["load"][0], res["load"][1]))
    print_loads("each CPU window", loads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
