#!/usr/bin/python3
"""vipd against keepalived with VRRPv3 (advert_int 0.1): argv[1] names the case.

Exit 77 (skip) only when not root, without `ip netns` or without a keepalived binary.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kacases  # noqa: E402

if __name__ == "__main__":
    sys.exit(kacases.main(3, sys.argv))
