#!/usr/bin/python3
"""Three routers with crossed priorities (seed three-routers, router-a/b/c on node1/2/3,
VRRPv3 0.1 s): each VIP sits on its own master; killing one router moves only its VIP, to the
router with the next priority for it."""

import signal
import sys
import time

import vipd_bed

VIPS = {"192.0.2.150": "node1", "192.0.2.151": "node2", "192.0.2.152": "node3"}
ADV = 0.1
# Priority 99 for each VIP: VI_1 (150) on router-b, VI_2 (151) on router-c, VI_3 (152) on a.
SECOND = {"192.0.2.150": "node2", "192.0.2.151": "node3", "192.0.2.152": "node1"}


class ThreeRouters(vipd_bed.VipdTest):
    def test_three_routers(self):
        self.make_bed(nodes=3)
        confs = self.seed("three-routers", {"node1": "router-a.conf", "node2": "router-b.conf",
                                            "node3": "router-c.conf"})
        for node in ("node1", "node2", "node3"):
            self.start(node, confs[node])
        for vip, node in VIPS.items():
            self.wait_owner(vip, node, vipd_bed.master_down(98, ADV) + 3)
        self.assert_owners(VIPS)

        for victim in ("node2", "node3"):
            lost = [v for v, n in VIPS.items() if n == victim][0]
            t0 = time.monotonic()
            self.kill(victim, signal.SIGKILL)
            # While the victim's VIP moves, the other two never leave their masters.
            deadline = t0 + vipd_bed.master_down(99, ADV) + 0.5
            while not self.has(SECOND[lost], lost):
                self.assertLess(time.monotonic(), deadline, "%s did not move to %s"
                                % (lost, SECOND[lost]))
                self.assert_owners({v: n for v, n in VIPS.items() if v != lost})
            print("kill -9 %s: %s on %s after %.0f ms" % (victim, lost, SECOND[lost],
                                                         (time.monotonic() - t0) * 1000))
            self.assert_owners({v: n for v, n in VIPS.items() if v != lost})
            self.start(victim, confs[victim])
            self.wait_owner(lost, victim, vipd_bed.master_down(100, ADV) + 1.5)
            self.assert_owners(VIPS)


if __name__ == "__main__":
    sys.exit(vipd_bed.main(ThreeRouters))
