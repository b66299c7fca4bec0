#!/usr/bin/python3
"""Reload (seed floating-vip, VRRPv3 0.1 s): SIGHUP with a broken file keeps the daemon and its
VIP and logs file:line; SIGHUP with a second VIP added adds it while the first VIP is never
absent (node1's addresses sampled every 20 ms through the reload)."""

import os
import signal
import sys
import time

import vipd_bed

VIP = "192.0.2.150"
VIP2 = "192.0.2.160"
ADV = 0.1

# Runs in node1: samples eth0's addresses every 20 ms for argv[2] seconds and prints, per
# address of argv[1:] (comma separated), how many samples lacked it and the first time seen.
SAMPLER = r"""
import json, subprocess, sys, time
want, duration = sys.argv[1].split(","), float(sys.argv[2])
missing = {a: 0 for a in want}; first = {a: None for a in want}; n = 0
t0 = time.monotonic()
print("ready", flush=True)
while time.monotonic() - t0 < duration:
    out = subprocess.run(["ip", "-j", "addr", "show", "dev", "eth0"], capture_output=True,
                         text=True).stdout
    have = {a["local"] for l in json.loads(out) for a in l.get("addr_info", [])}
    n += 1
    for a in want:
        if a in have:
            if first[a] is None: first[a] = time.monotonic() - t0
        else:
            missing[a] += 1
    time.sleep(0.02)
print(json.dumps({"samples": n, "missing": missing, "first": first}), flush=True)
"""


class Reload(vipd_bed.VipdTest):
    def sample(self, duration):
        proc = self.bed.start("node1", ["/usr/bin/python3", "-c", SAMPLER,
                                        ",".join([VIP, VIP2]), duration])
        self.bed.wait_log(proc, "ready", 5)
        return proc

    def sampled(self, proc):
        return self.pinger_result(proc)

    def test_reload(self):
        self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"})
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        with open(confs["node1"]) as f:
            good = f.read()

        # A broken file: an out-of-range priority.
        lines = good.splitlines()
        bad_line = next(i for i, l in enumerate(lines) if "priority 100" in l)
        lines[bad_line] = lines[bad_line].replace("priority 100", "priority 300")
        with open(confs["node1"], "w") as f:
            f.write("\n".join(lines) + "\n")
        sampler = self.sample(1.5)
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        refused = self.wait_log("node1", "reload refused", 3)
        where = "%s:%d" % (os.path.basename(confs["node1"]), bad_line + 1)
        self.assertIn(os.path.basename(confs["node1"]), refused)
        self.assertIn("running configuration stays", refused)
        self.assertTrue(any(where in l for l in self.log_lines("node1", "error")),
                        "no error line names " + where)
        res = self.sampled(sampler)
        self.assertEqual(res["missing"][VIP], 0, "the VIP flapped on a refused reload")
        self.assertTrue(self.vipd["node1"].running(), "vipd exited on a broken reload")
        self.assert_owner_for(VIP, "node1", 0.3)

        # A second VIP added on both nodes (a backup drops adverts whose address list differs
        # from its own, RFC 3768 7.1, as keepalived does without vrrp_skip_check_adv_addr: the
        # two reloads must follow each other within a Master_Down_Interval).
        texts = {}
        for node in ("node1", "node2"):
            with open(confs[node]) as f:
                texts[node] = good if node == "node1" else f.read()
        for node in ("node1", "node2"):
            with open(confs[node], "w") as f:
                f.write(texts[node].replace(VIP + "/24", "%s/24\n        %s/24" % (VIP, VIP2)))
        sampler = self.sample(1.5)
        t0 = time.monotonic()
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        self.vipd["node2"].popen.send_signal(signal.SIGHUP)
        self.wait_log("node2", "reloaded", 3)
        self.wait_log("node1", "reloaded", 3)
        self.bed.wait_for(lambda: self.has("node1", VIP2), 2, "the second VIP on node1")
        print("reload: second VIP on node1 after %.0f ms" % ((time.monotonic() - t0) * 1000))
        res = self.sampled(sampler)
        print("reload: %d samples, missing %s" % (res["samples"], res["missing"]))
        self.assertGreater(res["samples"], 20)
        self.assertEqual(res["missing"][VIP], 0, "the first VIP was absent during the reload")
        self.assertIsNotNone(res["first"][VIP2])
        self.assertEqual(self.owners(VIP), ["node1"])
        self.assertEqual(self.owners(VIP2), ["node1"])
        self.assertEqual(self.log_lines("node1", "master -> "), [], "node1 left master")
        self.assertEqual(self.log_lines("node2", "-> master"), [], "node2 became master")
        self.assert_owner_for(VIP, "node1", 0.5)
        self.assertTrue(self.vipd["node2"].running())


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Reload))
