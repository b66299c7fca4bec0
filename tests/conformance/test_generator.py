#!/usr/bin/python3
"""tools/conformance.py judges each requirement from a meson test log as documented: pass,
fail, not run, untested, not applicable; a GTest case missing from its program's output and a
test the build does not define both count as failures."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tools"))

import conformance  # noqa: E402

HEADER = "\t".join(conformance.COLUMNS)


def row(rid, tests="", na="", note=""):
    return "\t".join([rid, "5798", "1.1", "MUST", "something", tests, na, note])


LOG = [
    {"name": "vipd:unit / test-fsm", "result": "FAIL",
     "stdout": "1..3\nok 1 /fsm/a\nnot ok 2 /fsm/b\nok 3 /fsm/c # SKIP no reason\n"},
    {"name": "vipd:netns / netns-x", "result": "OK", "stdout": "ok\n"},
    {"name": "vipd:netns / netns-y", "result": "SKIP", "stdout": "SKIP: needs root\n"},
    {"name": "vipd:netns / netns-z", "result": "FAIL", "stdout": ""},
]
KNOWN = {"test-fsm", "netns-x", "netns-y", "netns-z", "netns-never-run"}


class Generator(unittest.TestCase):
    def judge(self, tests="", na=""):
        with tempfile.TemporaryDirectory() as tmp:
            tsv = os.path.join(tmp, "r.tsv")
            with open(tsv, "w") as f:
                f.write("# comment\n%s\n%s\n" % (HEADER, row("RFC5798-1.1-X", tests, na)))
            log = os.path.join(tmp, "testlog.json")
            with open(log, "w") as f:
                f.write("\n".join(json.dumps(t) for t in LOG) + "\n")
            reqs, problems = conformance.read_requirements(tsv)
            self.assertEqual(problems, [])
            runs, suites = conformance.read_log(log)
            self.assertEqual(suites, {"unit", "netns"})
            return conformance.judge(reqs[0], runs, KNOWN)[0]

    def test_statuses(self):
        self.assertEqual(self.judge("test-fsm:/fsm/a netns-x"), "pass")
        self.assertEqual(self.judge("test-fsm:/fsm/a test-fsm:/fsm/b"), "fail")
        self.assertEqual(self.judge("netns-z"), "fail")
        self.assertEqual(self.judge("test-fsm:/fsm/c"), "not run")
        self.assertEqual(self.judge("netns-x netns-y"), "not run")
        self.assertEqual(self.judge("netns-never-run"), "not run")
        self.assertEqual(self.judge(""), "untested")
        self.assertEqual(self.judge("", na="vipd never sends it"), "not applicable")

    def test_broken_references_fail(self):
        # A case that its program never printed, and a test the build does not define.
        self.assertEqual(self.judge("test-fsm:/fsm/renamed"), "fail")
        self.assertEqual(self.judge("netns-x netns-typo"), "fail")

    def test_bad_rows_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            tsv = os.path.join(tmp, "r.tsv")
            with open(tsv, "w") as f:
                f.write("%s\n%s\nbad\tline\n%s\n" % (
                    HEADER, row("RFC5798-1.1-X"), row("RFC5798-1.1-X", "netns-x", "n/a")))
            _, problems = conformance.read_requirements(tsv)
        text = "\n".join(problems)
        self.assertIn(":3: 2 columns, want 8", text)
        self.assertIn(":4: RFC5798-1.1-X names tests and a reason it does not apply", text)
        self.assertIn("id RFC5798-1.1-X is listed 2 times", text)


class Requirements(unittest.TestCase):
    """The project's own file: well formed, and every test it names exists in this build."""

    def test_project_file(self):
        builddir = os.environ.get("VIPD_BUILDDIR")
        if not builddir:
            self.skipTest("VIPD_BUILDDIR not set")
        r = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "tools", "conformance.py"),
                            "--check", "--builddir", builddir], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
