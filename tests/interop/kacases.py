"""Interop cases: vipd and keepalived on the same VRID, one meson test per (version, case).

Every case runs one vipd and one keepalived in a two-node bed (node1 192.0.2.11, node2
192.0.2.12, VIP 192.0.2.50). Case names say which daemon has the role that matters, e.g.
``election-vipd-master`` (vipd has the higher priority) or ``tie-keepalived-high`` (keepalived
sits on the higher address). On a failure both daemons' logs are printed.

Bounds are loose (seconds of slack) but each one is below the time the wrong behaviour
would take, so a broken peer fails the test.
"""

import os
import sys
import time
import traceback

import kapair as K
from testbed import Bed

NODES = ["node1", "node2"]
OTHER = {"vipd": "keepalived", "keepalived": "vipd"}
RIGHT_PASS = "s3cret"
WRONG_PASS = "wr0ng"


class Case:
    def __init__(self, version):
        self.version = version
        self.advert_int = 1 if version == 2 else 0.1
        self.auth = RIGHT_PASS if version == 2 else None
        self.routers = []

    # --- helpers ------------------------------------------------------------------------------

    def router(self, bed, node, kind, priority, auth=None, **kw):
        conf = K.config("%s_%s" % (kind, node), priority, self.version, self.advert_int,
                        auth if auth is not None else self.auth, **kw)
        r = K.Router(bed, node, kind, conf)
        self.routers.append(r)
        return r

    def md(self, priority):
        return K.master_down_s(priority, self.advert_int, self.version)

    def wait_owner(self, bed, owner, others, timeout, what):
        """Waits until owner holds the VIP and none of others does; returns seconds taken."""
        t0 = time.monotonic()
        bed.wait_for(lambda: owner.holds() and not any(o.holds() for o in others), timeout,
                     "%s: VIP only on %s" % (what, owner))
        return time.monotonic() - t0

    def assert_single(self, bed, seconds=3.0):
        bad, n = K.never_both(bed, NODES, seconds)
        assert n >= seconds / 0.1, "only %d samples in %.1f s" % (n, seconds)
        assert not bad, "both nodes held the VIP in %d of %d samples, first at %s" % (
            len(bad), n, bad[0])
        owners = K.holders(bed, NODES)
        assert len(owners) == 1, "VIP holders after convergence: %s" % owners

    @staticmethod
    def log_has(router, needle):
        return any(needle in line for p in router.procs for line in p.lines())

    @staticmethod
    def log_ms(router, *needles):
        """ms-of-day stamps in vipd's latest log: the first line with needles[0], then the first
        line after it with needles[1], and so on; None for each one not found."""
        out, i = [], 0
        for line in router.proc.lines():
            stamp = line.split(" ", 1)[0]
            if i < len(needles) and needles[i] in line and stamp.count(":") == 2:
                h, m, sec = stamp.split(":")
                out.append((int(h) * 3600 + int(m) * 60 + float(sec)) * 1000)
                i += 1
        return out + [None] * (len(needles) - len(out))

    def start_pair(self, high, low):
        """Starts the lower-priority router first so the higher one has to win the election."""
        low.start()
        low.wait_ready()
        high.start()
        high.wait_ready()

    # --- cases --------------------------------------------------------------------------------

    def election(self, bed, winner):
        """The higher priority becomes master whichever daemon it is; the other stays backup."""
        hi = self.router(bed, "node1", winner, 200)
        lo = self.router(bed, "node2", OTHER[winner], 100)
        self.start_pair(hi, lo)
        # The low one may win the first round (it started first); the high one must end up
        # master within its own Master_Down_Interval plus slack.
        self.wait_owner(bed, hi, [lo], self.md(100) + self.md(200) + 3, "election")
        self.assert_single(bed)
        assert lo.running() and hi.running()
        if self.version == 2:
            v = hi if hi.kind == "vipd" else lo
            assert not self.log_has(v, "authentication"), "vipd dropped a correctly signed advert"

    def preempt(self, bed, preemptor):
        """The higher-priority router stops, the other takes over, it returns and preempts."""
        hi = self.router(bed, "node1", preemptor, 200)
        lo = self.router(bed, "node2", OTHER[preemptor], 100)
        self.start_pair(hi, lo)
        self.wait_owner(bed, hi, [lo], self.md(100) + self.md(200) + 3, "first election")
        rc = hi.stop()
        assert rc == 0, "%s exited %s on SIGTERM" % (hi, rc)
        self.wait_owner(bed, lo, [hi], self.md(100) + 2, "after the high router stopped")
        self.assert_single(bed, 1.5)
        hi.start()
        took = self.wait_owner(bed, hi, [lo], self.md(200) + 3, "preemption back")
        assert took >= 3 * self.advert_int * 0.5, (
            "preempted after %.3f s: the returning router did not wait for the master" % took)
        self.assert_single(bed)

    def handover(self, bed, stopper):
        """SIGTERM on the master: a priority-0 advert makes the backup take over after Skew_Time,
        well before its Master_Down_Interval."""
        m = self.router(bed, "node1", stopper, 200)
        b = self.router(bed, "node2", OTHER[stopper], 100)
        self.start_pair(m, b)
        self.wait_owner(bed, m, [b], self.md(100) + self.md(200) + 3, "first election")
        self.assert_single(bed, 1.5)
        t0 = time.monotonic()
        m.term_nowait()
        bed.wait_for(lambda: b.holds(), self.md(100) + 3, "VIP on %s after SIGTERM" % b)
        took = time.monotonic() - t0
        skew = K.skew_s(100, self.advert_int, self.version)
        if self.version == 2:
            # Skew_Time is 0.61 s, Master_Down_Interval 3.61 s: 2.5 s tells them apart.
            assert took < 2.5, "backup took over %.3f s after SIGTERM (Skew_Time %.3f s, " \
                "Master_Down_Interval %.3f s): priority 0 not honoured" % (took, skew, self.md(100))
        else:
            assert took < 2.0, "backup took over %.3f s after SIGTERM" % took
        assert m.proc.wait(10) == 0, "%s did not exit 0 on SIGTERM" % m
        if b.kind == "keepalived":
            assert self.log_has(b, "received priority 0 advertisement"), \
                "keepalived did not see vipd's priority-0 advert"
        else:
            # vipd's log has ms stamps: from the priority-0 advert to master must be Skew_Time,
            # not Master_Down_Interval (the only tell at 0.1 s, where both are short).
            t_zero, t_master = self.log_ms(b, "priority 0, in backup", "backup -> master")
            assert t_zero is not None, "vipd did not see keepalived's priority-0 advert"
            assert t_master is not None, "vipd never became master"
            limit = (skew + self.md(100)) / 2 * 1000
            took_ms = (t_master - t_zero) % 86400000  # stamps are times of day
            assert took_ms < limit, (
                "vipd became master %.0f ms after the priority-0 advert (Skew_Time %.0f ms, "
                "Master_Down_Interval %.0f ms)" % (took_ms, skew * 1000,
                                                   self.md(100) * 1000))
        assert not m.holds(), "stopped %s left the VIP behind" % m
        self.assert_single(bed, 1.5)

    def tie(self, bed, high_addr):
        """Equal priority, both masters after a split; when they hear each other again the
        higher primary address (node2, 192.0.2.12) keeps the VIP."""
        hi = self.router(bed, "node2", high_addr, 150)
        lo = self.router(bed, "node1", OTHER[high_addr], 150)
        for n in NODES:
            K.nft_block_vrrp(bed, n)
        self.start_pair(hi, lo)
        bed.wait_for(lambda: hi.holds() and lo.holds(), self.md(150) + 3,
                     "both masters while VRRP is blocked")
        time.sleep(3 * self.advert_int)
        for n in NODES:
            K.nft_block_vrrp(bed, n, on=False)
        self.wait_owner(bed, hi, [lo], 3 * self.advert_int + 3, "tie broken by address")
        self.assert_single(bed)
        if lo.kind == "vipd":
            assert self.log_has(lo, "equal priority advert from higher address 192.0.2.12"), \
                "vipd gave way without saying why"
        else:
            assert self.log_has(lo, "Entering BACKUP STATE"), "keepalived did not go backup"

    def auth_wrong(self, bed, wrong):
        """A wrong PASS on one side: each side drops the other's adverts (vipd logs it), so the
        lower-priority one becomes master although the other is master."""
        hi = self.router(bed, "node1", OTHER[wrong], 200)
        lo = self.router(bed, "node2", wrong, 100, auth=WRONG_PASS)
        self.start_pair(hi, lo)
        bed.wait_for(lambda: hi.holds() and lo.holds(), self.md(100) + self.md(200) + 3,
                     "both masters: the adverts carry different passwords")
        v = hi if hi.kind == "vipd" else lo
        bed.wait_for(lambda: self.log_has(v, "authentication password differs"), 5,
                     "vipd to log the dropped advert")
        # And it stays so: no advert with the wrong password makes either side back off.
        time.sleep(3 * self.advert_int + 1)
        assert hi.holds() and lo.holds(), "one side accepted an advert with a wrong password"


CASES = {
    "election-vipd-master": ("election", "vipd"),
    "election-keepalived-master": ("election", "keepalived"),
    "preempt-vipd": ("preempt", "vipd"),
    "preempt-keepalived": ("preempt", "keepalived"),
    "handover-vipd-stops": ("handover", "vipd"),
    "handover-keepalived-stops": ("handover", "keepalived"),
    "tie-vipd-high": ("tie", "vipd"),
    "tie-keepalived-high": ("tie", "keepalived"),
    "auth-wrong-vipd": ("auth_wrong", "vipd"),
    "auth-wrong-keepalived": ("auth_wrong", "keepalived"),
}
V2_ONLY = {"auth-wrong-vipd", "auth-wrong-keepalived"}


def cases_for(version):
    return [c for c in CASES if version == 2 or c not in V2_ONLY]


def main(version, argv):
    reason = K.skip_reason()
    if reason:
        print("SKIP: %s" % reason)
        return 77
    names = argv[1:] or cases_for(version)
    failed = 0
    for name in names:
        if name not in cases_for(version):
            print("unknown case %r for VRRPv%d; known: %s" % (name, version,
                                                              ", ".join(cases_for(version))))
            return 2
        method, arg = CASES[name]
        case = Case(version)
        t0 = time.monotonic()
        try:
            with Bed(nodes=2) as bed:
                try:
                    getattr(case, method)(bed, arg)
                except BaseException:
                    traceback.print_exc()
                    for r in case.routers:
                        sys.stderr.write(r.log_text() + "\n")
                    raise
            print("ok - v%d %s (%.1f s)" % (version, name, time.monotonic() - t0))
        except (AssertionError, Exception):
            failed += 1
            print("not ok - v%d %s" % (version, name))
    return 1 if failed else 0
