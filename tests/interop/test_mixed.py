#!/usr/bin/python3
"""vipd, keepalived and FRR's vrrpd in one VRRPv3 cluster: argv[1] names the case
(v4-vipd-keepalived-frr: IPv4, vipd highest, keepalived middle, FRR lowest priority).

Exit 77 (skip) only when not root, without `ip netns`, keepalived or FRR."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mixed  # noqa: E402

if __name__ == "__main__":
    sys.exit(mixed.main(sys.argv))
