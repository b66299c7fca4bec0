#!/usr/bin/python3
"""VIP lifetime renewals on a master (seed floating-vip as written: VRRPv2, advert_int 1 s).

The VIP carries a valid lifetime of ceil(Master_Down_Interval at priority 1 + 2 s) = 6 s, and
vipd renews it every quarter to half of that lifetime, riding on an advert's wake-up. Sampled
every 0.2 s for 14 s: the VIP never leaves, its remaining lifetime never falls below half the
lifetime (less the kernel's whole-second rounding), and the number of renewals seen fits the
1/4..1/2 cadence."""

import sys
import time

import vipd_bed

VIP = "192.0.2.150"
LIFE = 6  # ceil(3 + 255/256 + 2)
WINDOW = 14.0


class Renewal(vipd_bed.VipdTest):
    def test_renewal_cadence(self):
        self.make_bed(nodes=1, client=False)
        confs = self.seed("floating-vip", {"node1": "node1.conf"}, fast=False)
        self.start("node1", confs["node1"])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, 1.0) + 3)

        samples = []
        end = time.monotonic() + WINDOW
        while time.monotonic() < end:
            a = self.bed.find_addr("node1", VIP)
            self.assertIsNotNone(a, "the VIP left the master after %d samples" % len(samples))
            samples.append(a["valid_life_time"])
            time.sleep(0.2)
        renewals = sum(1 for old, new in zip(samples, samples[1:]) if new > old)
        print("valid lifetime %d..%d s over %.0f s, %d renewals seen (%d samples)"
              % (min(samples), max(samples), WINDOW, renewals, len(samples)))
        self.assertLessEqual(max(samples), LIFE, "the lifetime is longer than configured")
        # Renewed at half the lifetime at the latest: 3 s left, shown as 2 after rounding down.
        self.assertGreaterEqual(min(samples), LIFE // 2 - 1, samples)
        # Every 1.5..3 s: at least 14/3 - 1, at most 14/1.5 + 1 renewals in the window.
        self.assertGreaterEqual(renewals, int(WINDOW / (LIFE / 2)) - 1, samples)
        self.assertLessEqual(renewals, int(WINDOW / (LIFE / 4)) + 1, samples)

    def add_vip0(self):
        # A veth pair inside node1 (this kernel has no dummy links); deleting vip0 takes both.
        self.bed.run("node1", ["ip", "link", "add", "vip0", "type", "veth", "peer", "name", "vip0p"])
        for dev in ("vip0", "vip0p"):
            self.bed.run("node1", ["ip", "link", "set", dev, "up"])

    def test_renewal_after_link_recreated(self):
        self.make_bed(nodes=1, client=False)
        self.add_vip0()
        confs = self.seed("floating-vip", {"node1": "node1.conf"}, fast=False,
                          edit=lambda t: t.replace("192.0.2.150/24",
                                                   "192.0.2.150/24\n        203.0.113.150/24 dev vip0"))
        self.start("node1", confs["node1"])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, 1.0) + 3)
        self.bed.wait_for(lambda: self.has("node1", "203.0.113.150", "vip0"), 3, "the VIP on vip0")
        time.sleep(LIFE / 2)  # at least one renewal built for the first vip0

        old = int(self.bed.run("node1", ["cat", "/sys/class/net/vip0/ifindex"]).stdout)
        self.bed.run("node1", ["ip", "link", "del", "vip0"])
        self.add_vip0()
        new = int(self.bed.run("node1", ["cat", "/sys/class/net/vip0/ifindex"]).stdout)
        self.assertNotEqual(old, new)
        self.bed.wait_for(lambda: self.has("node1", "203.0.113.150", "vip0"), 2 * LIFE,
                          "the VIP back on the new vip0")
        # Two lifetimes on the new interface: renewed all along, and no renewal was refused.
        end = time.monotonic() + 2 * LIFE
        while time.monotonic() < end:
            a = self.bed.find_addr("node1", "203.0.113.150", "vip0")
            self.assertIsNotNone(a, "the VIP on the new vip0 expired")
            self.assertGreaterEqual(a["valid_life_time"], LIFE // 2 - 1)
            time.sleep(0.25)
        self.assertEqual(self.log_lines("node1", "cannot renew"), [])


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Renewal))
