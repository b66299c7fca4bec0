#!/usr/bin/python3
"""Counts test results across meson build dirs and prints "N passed, N failed" last.

An argument "dir:reason" is a build that never got to run its tests: it counts as one failure.
Exits 1 when anything failed."""
import json
import os
import sys

passed = failed = 0
for arg in sys.argv[1:]:
    path, _, broken = arg.partition(":")
    name = os.path.basename(path)
    if broken:
        print(f"FAIL {name}: {broken}")
        failed += 1
        continue
    log = os.path.join(path, "meson-logs", "testlog.json")
    try:
        with open(log, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f"FAIL {name}: no test log ({e.strerror})")
        failed += 1
        continue
    for t in lines:
        result = t.get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            print(f"SKIP {name}/{t.get('name')}")
        else:
            print(f"FAIL {name}/{t.get('name')}: {result}")
            failed += 1

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
