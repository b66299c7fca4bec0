#!/usr/bin/python3
"""Preemption (seed floating-vip, VRRPv3 0.1 s): the VIP goes back to node1 when it returns;
with `nopreempt` on both (state BACKUP, as keepalived requires) it stays on node2."""

import re
import signal
import sys
import time

import vipd_bed

VIP = "192.0.2.150"
ADV = 0.1


def nopreempt(text):
    text = text.replace("state MASTER", "state BACKUP")
    return re.sub(r"(?m)^(\s*)state BACKUP$", r"\1state BACKUP\n\1nopreempt", text)


class Preemption(vipd_bed.VipdTest):
    def fail_over(self, confs):
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        self.kill("node1", signal.SIGTERM)
        self.wait_owner(VIP, "node2", 2)
        self.start("node1", confs["node1"])

    def test_preempt_back(self):
        self.make_bed(nodes=2)
        self.fail_over(self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"}))
        back = self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 1.5)
        print("preempt back: VIP on node1 only %.0f ms after its restart" % (back * 1000))
        self.assert_owner_for(VIP, "node1", 0.5)
        self.wait_log("node2", "master -> backup", 1)

    def test_nopreempt(self):
        self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"},
                          edit=nopreempt)
        with open(confs["node1"]) as f:
            self.assertIn("nopreempt", f.read())
        self.fail_over(confs)
        # Ten Master_Down_Intervals: node1 hears node2 (lower priority) and must not preempt.
        self.assert_owner_for(VIP, "node2", 10 * vipd_bed.master_down(100, ADV))
        self.assertEqual(self.log_lines("node1", "-> master"), [], "node1 preempted")
        self.assertEqual(self.log_lines("node2", "master -> backup"), [])


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Preemption))
