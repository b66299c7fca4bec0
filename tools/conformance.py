#!/usr/bin/python3
"""Writes docs/CONFORMANCE.md from the requirements file and the last meson test run.

    tools/conformance.py [--requirements FILE] [--builddir DIR] [--output FILE] [--check]

Each requirement (docs/conformance/requirements.tsv) names the tests that prove it: a whole
meson test ("netns-na_router_flag") or one GTest case of a unit test
("test-fsm:/fsm/master/answers-lower"), found by its "ok"/"not ok" line in the TAP output
that meson keeps in DIR/meson-logs/testlog.json. A requirement is

    pass            every test named passed in that run;
    fail            one of them failed (or a GTest case is missing from a program that ran);
    not run         none failed but some were skipped or absent from the log;
    untested        no test is named: nothing proves it;
    not applicable  the file says why it cannot bind vipd.

A reference to a test that the build does not define is reported and counts as "fail", so a
renamed test cannot silently turn a requirement green or grey.

--check only validates the requirements file against the build's tests (meson introspect) and
the "Conformance: ID, ..." tags that tests may carry in their own text (each must be a listed
id), and exits 1 on a problem; it writes nothing. Otherwise the exit status is 0 whatever the results
(tools/test.sh counts the tests themselves), and 2 when an input cannot be read.
"""

import argparse
import collections
import datetime
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ["id", "rfc", "section", "level", "requirement", "tests", "not_applicable", "note"]
ID_RE = re.compile(r"^RFC(3768|5798|9568)-[0-9.]+-[A-Z0-9-]+$")
TAP_RE = re.compile(r"^(ok|not ok) \d+ (/\S*)(.*)$")
RFC_TITLES = {
    "3768": "RFC 3768 — VRRP version 2",
    "5798": "RFC 5798 (and RFC 9568 where it keeps the text) — VRRP version 3",
    "9568": "RFC 9568 — what VRRP version 3 changed",
}


def read_requirements(path):
    reqs, problems = [], []
    with open(path, encoding="utf-8") as f:
        header = None
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                if header != COLUMNS:
                    problems.append("%s:%d: header must be %s" % (path, lineno, " ".join(COLUMNS)))
                continue
            if len(cols) != len(COLUMNS):
                problems.append("%s:%d: %d columns, want %d (tab-separated)"
                                % (path, lineno, len(cols), len(COLUMNS)))
                continue
            r = dict(zip(COLUMNS, cols))
            r["line"] = lineno
            r["refs"] = r["tests"].split()
            if not ID_RE.match(r["id"]):
                problems.append("%s:%d: id %r is not RFCnnnn-SECTION-NAME" % (path, lineno, r["id"]))
            if r["level"] not in ("MUST", "MUST NOT", "SHOULD", "SHOULD NOT"):
                problems.append("%s:%d: level %r" % (path, lineno, r["level"]))
            if r["not_applicable"] and r["refs"]:
                problems.append("%s:%d: %s names tests and a reason it does not apply"
                                % (path, lineno, r["id"]))
            reqs.append(r)
    seen = collections.Counter(r["id"] for r in reqs)
    problems += ["%s: id %s is listed %d times" % (path, i, n) for i, n in seen.items() if n > 1]
    return reqs, problems


TAG_RE = re.compile(r"Conformance:\s*((?:RFC\d{4}-[0-9.]+-[A-Z0-9-]+[,\s]*)+)")


def tagged_ids(root):
    """{id: [file]} of the "Conformance: ID, ID" tags in the tests' own text."""
    found = collections.defaultdict(list)
    for base, _, files in os.walk(os.path.join(root, "tests")):
        for name in files:
            if not name.endswith((".py", ".c")):
                continue
            path = os.path.join(base, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for m in TAG_RE.finditer(text):
                for rid in re.findall(r"RFC\d{4}-[0-9.]+-[A-Z0-9-]+", m.group(1)):
                    found[rid].append(os.path.relpath(path, root))
    return found


def defined_tests(builddir):
    """Names of the meson tests of the build, or None when meson cannot say."""
    try:
        out = subprocess.run(["meson", "introspect", builddir, "--tests"], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        return {t["name"] for t in json.loads(out)}
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def read_log(path):
    """({meson test name: (result, {gtest path: ok|fail|skip})}, {suite}) of the last run."""
    runs, suites = {}, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            suite, _, name = t["name"].rpartition(" / ")
            cases = {}
            for out_line in (t.get("stdout") or "").splitlines():
                m = TAP_RE.match(out_line.strip())
                if m:
                    skip = "# SKIP" in m.group(3).upper()
                    cases[m.group(2)] = "skip" if skip else ("ok" if m.group(1) == "ok" else "fail")
            runs[name] = (t.get("result"), cases)
            suites.update((suite.partition(":")[2] or suite).split("+"))
    return runs, suites


def judge_ref(ref, runs, known):
    """(pass|fail|not run, text) for one test reference."""
    name, _, case = ref.partition(":")
    if known is not None and name not in known:
        return "fail", "%s: no such meson test in this build" % ref
    if name not in runs:
        return "not run", "%s: not in the last run" % ref
    result, cases = runs[name]
    if result == "SKIP":
        return "not run", "%s: skipped" % ref
    if not case:
        if result in ("OK", "EXPECTEDFAIL"):
            return "pass", ref
        return "fail", "%s: %s" % (ref, result)
    got = cases.get(case)
    if got == "ok":
        return "pass", ref
    if got == "skip":
        return "not run", "%s: skipped" % ref
    if got == "fail":
        return "fail", "%s: failed" % ref
    return "fail", "%s: not in the output of %s (%s)" % (ref, name, result)


def judge(req, runs, known):
    if req["not_applicable"]:
        return "not applicable", []
    if not req["refs"]:
        return "untested", []
    verdicts = [judge_ref(ref, runs, known) for ref in req["refs"]]
    states = {v for v, _ in verdicts}
    if "fail" in states:
        status = "fail"
    elif states == {"pass"}:
        status = "pass"
    else:
        status = "not run"
    return status, verdicts


def md(text):
    return text.replace("|", "\\|")


def write_report(reqs, runs, suites, known, out, logpath):
    rows = [(r,) + judge(r, runs, known) for r in reqs]
    counts = collections.Counter(status for _, status, _ in rows)
    stamp = datetime.datetime.fromtimestamp(os.path.getmtime(logpath), datetime.timezone.utc)
    lines = [
        "# vipd conformance to RFC 3768, RFC 5798 and RFC 9568",
        "",
        "Generated by `tools/conformance.py` from `docs/conformance/requirements.tsv` and the "
        "meson test log of the run that ended %s. Do not edit by hand: `tools/test.sh` writes "
        "it after the tests of the default build. That log holds %d meson tests (suites: %s)."
        % (stamp.strftime("%Y-%m-%d %H:%M UTC"), len(runs), ", ".join(sorted(suites)) or "none"),
        "",
        "Every MUST, MUST NOT and SHOULD of the three RFCs that binds a VRRP router has an id, "
        "a paraphrase, and the tests that prove it. **pass**: every test named passed in that "
        "run. **fail**: one failed. **not run**: some were skipped or not run (root, network "
        "namespaces, keepalived or tshark missing). **untested**: no test proves it yet. "
        "**not applicable**: the reason is given.",
        "",
        "| status | requirements |",
        "|---|---|",
    ]
    for status in ("pass", "fail", "not run", "untested", "not applicable"):
        lines.append("| %s | %d |" % (status, counts.get(status, 0)))
    for rfc in ("3768", "5798", "9568"):
        group = [row for row in rows if row[0]["rfc"].split("+")[0] == rfc]
        if not group:
            continue
        lines += ["", "## " + RFC_TITLES[rfc], "",
                  "| id | § | level | requirement | status | evidence |", "|---|---|---|---|---|---|"]
        for r, status, verdicts in group:
            if status == "not applicable":
                evidence = "not applicable: " + r["not_applicable"]
            elif status == "untested":
                evidence = "no test"
            else:
                evidence = "<br>".join("`%s`" % text if v == "pass" else "%s — `%s`" % (v, text)
                                       for v, text in verdicts)
            if r["note"]:
                evidence += "<br>*%s*" % r["note"]
            shown = "**%s**" % status if status in ("fail", "untested") else status
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                r["id"], r["section"], r["level"], md(r["requirement"]), shown, md(evidence)))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requirements", default=os.path.join(TOP, "docs", "conformance",
                                                           "requirements.tsv"))
    ap.add_argument("--builddir", default=os.path.join(TOP, "_build-tests", "default"))
    ap.add_argument("--output", default=os.path.join(TOP, "docs", "CONFORMANCE.md"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    try:
        reqs, problems = read_requirements(args.requirements)
    except OSError as e:
        print("conformance: %s: %s" % (args.requirements, e.strerror), file=sys.stderr)
        return 2
    known = defined_tests(args.builddir)
    if args.check:
        if known is None:
            problems.append("%s: meson introspect failed: is it a configured build?" % args.builddir)
        else:
            for r in reqs:
                for ref in r["refs"]:
                    if ref.partition(":")[0] not in known:
                        problems.append("%s:%d: %s names %s, which the build does not define"
                                        % (args.requirements, r["line"], r["id"], ref))
        # A test may name the ids it proves in its own text; each must be a listed id.
        ids = {r["id"] for r in reqs}
        for rid, files in sorted(tagged_ids(TOP).items()):
            if rid not in ids:
                problems.append("%s: tag Conformance: %s names no requirement of %s"
                                % (", ".join(files), rid, args.requirements))
        for p in problems:
            print(p, file=sys.stderr)
        print("conformance: %d requirements, %d problems" % (len(reqs), len(problems)))
        return 1 if problems else 0
    for p in problems:
        print("conformance: warning: " + p, file=sys.stderr)
    logpath = os.path.join(args.builddir, "meson-logs", "testlog.json")
    try:
        runs, suites = read_log(logpath)
    except (OSError, ValueError) as e:
        print("conformance: %s: %s" % (logpath, e), file=sys.stderr)
        return 2
    counts = write_report(reqs, runs, suites, known, args.output, logpath)
    print("conformance: %s: %s" % (os.path.relpath(args.output, TOP), ", ".join(
        "%d %s" % (counts.get(s, 0), s) for s in ("pass", "fail", "not run", "untested",
                                                  "not applicable"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
