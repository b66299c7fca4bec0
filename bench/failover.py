#!/usr/bin/python3
"""bench/failover: vipd and keepalived failover times side by side, on the namespace test bed.

For each advert interval (VRRPv2 1 s, VRRPv3 0.1 s and 0.01 s by default) and each daemon, a
fresh bed gets two nodes running the same daemon: node1 priority 100 (master), node2
priority 99 (backup), VIP 192.0.2.50, and a client. Each run then does:

  1. graceful stop: SIGTERM to node1 while the client pings the VIP every 10 ms.
     stop     = first priority-0 advert on the wire -> VIP present on node2
     ping gap = the longest time between two echo replies seen by the client
  2. preempt   = node1 started again (exec) -> VIP present on node1: includes process start-up;
     for vipd also from its own log ("init -> backup" to "backup -> master", ms stamps)
  3. kill -9   = node1 SIGKILLed; last advert from node1 on the wire -> VIP present on node2
     linger    = the kill -> the VIP gone from node1 (capped; keepalived never removes it)
  4. the stale VIP (if any) is deleted by hand and node1 restarted, to start the next run
     from the same steady state.

Times come from probes (bench/probe.py) inside the namespaces: an AF_PACKET sniffer on the
client with kernel receive timestamps for adverts, and netlink address events on each node.
All use CLOCK_REALTIME. The "formula" column is the protocol's value for the row:
Master_Down_Interval = 3 x Advertisement_Interval + Skew_Time, Skew_Time = (256 - priority)/256 s
(RFC 3768) or (256 - priority) x Master_Adver_Interval / 256 (RFC 5798).

Needs root, `ip netns`, keepalived. Prints figures; it never passes or fails on time.
  sudo bench/failover.py [--runs 5] [--intervals v2:1,v3:0.1,v3:0.01] [--linger-cap 15]
                         [--daemons vipd,keepalived] [--vipd build/service/vipd]
"""

import argparse
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))
import kapair as K  # noqa: E402
from testbed import Bed  # noqa: E402

PY = "/usr/bin/python3"
PROBE = os.path.join(HERE, "probe.py")
N1, N2 = "192.0.2.11", "192.0.2.12"
P1, P2 = 100, 99


class Tail:
    """Reads the lines a probe appends to its log, parsed as (time, words)."""

    def __init__(self, proc):
        self.proc = proc
        self.pos = 0
        self.buf = ""
        self.events = []

    def poll(self):
        try:
            with open(self.proc.log_path, encoding="utf-8", errors="replace") as f:
                f.seek(self.pos)
                chunk = f.read()
                self.pos = f.tell()
        except FileNotFoundError:
            return self.events
        self.buf += chunk
        *lines, self.buf = self.buf.split("\n")
        for line in lines:
            w = line.split()
            if len(w) >= 2:
                try:
                    self.events.append((float(w[0]), w[1:]))
                except ValueError:
                    pass
        return self.events

    def wait(self, pred, timeout, since=0.0):
        """The first event after ``since`` for which pred(words) holds, or None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            for t, w in self.poll():
                if t >= since and pred(w):
                    return t, w
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    def last_before(self, pred, until):
        best = None
        for t, w in self.poll():
            if t <= until and pred(w):
                best = (t, w)
        return best


class Pair:
    def __init__(self, bed, kind, version, advert_int, linger_cap):
        self.bed, self.kind = bed, kind
        self.version, self.ai, self.cap = version, advert_int, linger_cap
        self.r1 = K.Router(bed, "node1", kind, K.config("n1", P1, version, advert_int,
                                                        "bench" if version == 2 else None))
        self.r2 = K.Router(bed, "node2", kind, K.config("n2", P2, version, advert_int,
                                                        "bench" if version == 2 else None))
        self.sniff = Tail(bed.start("client", [PY, PROBE, "sniff", "eth0"]))
        self.addr1 = Tail(bed.start("node1", [PY, PROBE, "addr", K.VIP4]))
        self.addr2 = Tail(bed.start("node2", [PY, PROBE, "addr", K.VIP4]))
        for t in (self.sniff, self.addr1, self.addr2):
            if t.wait(lambda w: True, 10) is None:
                raise RuntimeError("probe did not start: %s" % t.proc.output())
        self.md2 = K.master_down_s(P2, advert_int, version)
        self.md1 = K.master_down_s(P1, advert_int, version)

    def vip_on(self, tail, since, timeout):
        ev = tail.wait(lambda w: w[0] == "present", timeout, since)
        return ev[0] if ev else None

    def steady(self):
        """node1 master, node2 backup; returns when node1 holds the VIP alone."""
        self.bed.wait_for(lambda: self.r1.holds() and not self.r2.holds(),
                          self.md1 + self.md2 + 10, "steady state, VIP on node1 only")
        time.sleep(max(0.3, 3 * self.ai))

    def start_all(self):
        self.r2.start()
        self.r2.wait_ready()
        time.sleep(0.2)
        self.r1.start()
        self.r1.wait_ready()
        self.steady()

    def graceful(self):
        pinger = self.bed.start("client", [PY, PROBE, "ping", K.VIP4])
        ptail = Tail(pinger)
        ptail.wait(lambda w: w[0] == "ready", 5)
        time.sleep(0.3)
        t_term = time.time()
        self.r1.term_nowait()
        t_vip = self.vip_on(self.addr2, t_term, self.md2 + 5)
        zero = self.sniff.wait(lambda w: w[0] == "vrrp" and w[1] == N1 and w[2] == "0", 2,
                               t_term - 0.001)
        self.r1.proc.wait(15)
        time.sleep(max(0.5, 3 * self.ai))
        self.bed.stop(pinger, timeout=5)
        gap = ptail.wait(lambda w: w[0] == "pinggap", 5)
        stop_ms = (t_vip - zero[0]) * 1000 if (t_vip and zero) else None
        return stop_ms, float(gap[1][1]) if gap else None

    def preempt(self):
        t0 = time.time()
        self.r1.start()
        t_vip = self.vip_on(self.addr1, t0, self.md1 + 10)
        self.bed.wait_for(lambda: not self.r2.holds(), 10, "VIP gone from node2")
        time.sleep(max(0.3, 3 * self.ai))
        return (t_vip - t0) * 1000 if t_vip else None, self.vipd_startup_to_master()

    def vipd_startup_to_master(self):
        """From vipd's own log (ms stamps): its "init -> backup" line to "backup -> master"."""
        if self.kind != "vipd":
            return None
        marks = {}
        for line in self.r1.proc.lines():
            w = line.split()
            if len(w) < 4 or w[0].count(":") != 2:
                continue
            h, m, sec = w[0].split(":")
            ms = (int(h) * 3600 + int(m) * 60 + float(sec)) * 1000
            if "init -> backup" in line:
                marks.setdefault("up", ms)
            elif "backup -> master" in line:
                marks.setdefault("master", ms)
        if "up" not in marks or "master" not in marks:
            return None
        return (marks["master"] - marks["up"]) % 86400000

    def kill(self):
        t_kill = time.time()
        self.r1.kill9()
        t_vip = self.vip_on(self.addr2, t_kill, self.md2 + 5)
        last = self.sniff.last_before(lambda w: w[0] == "vrrp" and w[1] == N1,
                                      t_vip if t_vip else t_kill + 1)
        gone = self.addr1.wait(lambda w: w[0] == "absent",
                               max(0.0, self.cap - (time.time() - t_kill)), t_kill)
        linger = (gone[0] - t_kill) * 1000 if gone and gone[0] - t_kill <= self.cap else None
        if self.r1.holds():
            self.bed.run("node1", ["ip", "addr", "del", K.VIP4 + "/24", "dev", "eth0"])
        kill_ms = (t_vip - last[0]) * 1000 if (t_vip and last) else None
        from_kill = (t_vip - t_kill) * 1000 if t_vip else None
        return kill_ms, from_kill, linger


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    return "%.1f / %.1f / %.1f" % (min(xs), statistics.median(xs), max(xs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--intervals", default="v2:1,v3:0.1,v3:0.01")
    ap.add_argument("--linger-cap", type=float, default=15.0)
    ap.add_argument("--daemons", default="vipd,keepalived")
    ap.add_argument("--vipd", default=os.path.join(ROOT, "build", "service", "vipd"))
    args = ap.parse_args()
    reason = K.skip_reason()
    if reason:
        sys.exit("cannot run: %s" % reason)
    os.environ["VIPD"] = os.path.abspath(args.vipd)
    daemons = args.daemons.split(",")
    rows = []
    for spec in args.intervals.split(","):
        v, ai = spec.split(":")
        version, ai = int(v.lstrip("v")), float(ai)
        if version == 2:
            ai = int(ai)
        res = {}
        for kind in daemons:
            r = {"stop": [], "gap": [], "preempt": [], "preempt_log": [], "kill": [],
                 "kill_from_kill": [],
                 "linger": []}
            with Bed(nodes=2) as bed:
                pair = Pair(bed, kind, version, ai, args.linger_cap)
                try:
                    pair.start_all()
                    for i in range(args.runs):
                        s, g = pair.graceful()
                        p, pl = pair.preempt()
                        k, kk, lg = pair.kill()
                        pair.r1.start()
                        pair.steady()
                        for key, val in (("stop", s), ("gap", g), ("preempt", p),
                                         ("preempt_log", pl), ("kill", k),
                                         ("kill_from_kill", kk), ("linger", lg)):
                            r[key].append(val)
                        sys.stderr.write("  %s v%d %gs run %d: stop %s gap %s preempt %s (%s) "
                                         "kill %s (from kill %s) linger %s\n" % (
                                             kind, version, ai, i + 1, s, g, p, pl, k, kk, lg))
                except BaseException:
                    for rt in (pair.r1, pair.r2):
                        sys.stderr.write(rt.log_text() + "\n")
                    raise
                finally:
                    pair.r1.stop()
                    pair.r2.stop()
            res[kind] = r
        skew2 = K.skew_s(P2, ai, version) * 1000
        md2 = K.master_down_s(P2, ai, version) * 1000
        md1 = K.master_down_s(P1, ai, version) * 1000
        tag = "v%d %g s" % (version, ai)
        for key, label, formula in (
                ("kill", "kill -9: last advert -> VIP on backup", md2),
                ("kill_from_kill", "kill -9: kill -> VIP on backup (phase, info)", md2),
                ("stop", "SIGTERM: priority-0 advert -> VIP on backup", skew2),
                ("preempt", "preempt back: exec -> VIP on node1", md1),
                ("preempt_log", "preempt back: vipd log, startup -> master", md1),
                ("gap", "SIGTERM: client's longest ping gap", None),
                ("linger", "kill -9: VIP lingers on killed node", None)):
            cells = []
            for kind in daemons:
                xs = res[kind][key]
                if key == "linger" and any(x is None for x in xs):
                    got = [x for x in xs if x is not None]
                    cells.append("> %g s (%d of %d)" % (args.linger_cap, len(xs) - len(got),
                                                        len(xs))
                                 + ("; others " + stats(got) if got else ""))
                else:
                    cells.append(stats(xs))
            rows.append((tag, label, "%.1f" % formula if formula else "-", cells))
    print()
    print("bench/failover: %d runs per row, ms as min / median / max; node1 priority %d, "
          "node2 priority %d" % (args.runs, P1, P2))
    print("%s, kernel %s, %s" % (time.strftime("%Y-%m-%d"), platform.release(),
                                 "keepalived " + os.popen(K.KEEPALIVED + " -v 2>&1").readline()
                                 .split()[1]))
    head = ["interval", "measure", "formula"] + daemons
    table = [head] + [[a, b, c] + d for a, b, c, d in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(head))]
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    for n, row in enumerate(table):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
        if n == 0:
            print(sep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
