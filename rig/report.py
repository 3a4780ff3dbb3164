#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of a test VM run and print 'N passed, N failed, N skipped'.

Reads the guest console (KUnit output, kernel reports), the selftests' TAP
(between '### BEGIN name' and '### END name rc=N' markers) and the results
of host-side checks given as NAME=pass|fail. Any kernel report on the
console (BUG, WARNING, Oops, KASAN, lockdep, hung task, panic) is a failure
even if every test passed. Exit status 1 if anything failed.

Between the "ckpt-fault: injecting" and "ckpt-fault: done" lines that the
fault injection tests write to the kernel log (nested when fuzz campaigns
run side by side), an allocation made to fail on purpose may print its
failure with a stack trace (warn_alloc()); that trace is expected and not
counted. Every other report still is. The lines ckpt_fuzz writes before
each image ("ckpt-fuzz: campaign N image M ...", which name the mutation)
are not reports.
"""
import re
import sys

BAD_CONSOLE = re.compile(
    r"BUG:|WARNING:|Oops|general protection fault|Kernel panic|"
    r"UBSAN|possible recursive locking|circular locking|"
    r"INFO: task .* blocked|INFO: rcu|soft lockup|hard LOCKUP|"
    r"kmemleak: .*new suspected|Call Trace:")
NOT_BAD = re.compile(r"KernelAddressSanitizer initialized|kasan: |"
                     r"RCU lockdep checking is enabled|lockdep: |ckpt-fuzz: ")
FAULT_BEGIN = re.compile(r"ckpt-fault: injecting")
FAULT_END = re.compile(r"ckpt-fault: done")
ALLOC_FAIL = re.compile(r"vmalloc error: |page allocation failure: ")
STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP = re.compile(r"^(not ok|ok) \d+ (.*)$")
KUNIT_CASE = re.compile(r"^    (not ok|ok) \d+ (\S+)(.*)$")


def main(argv):
    console, tests, checks = argv[1], argv[2], argv[3:]
    passed, failed, skipped = 0, 0, 0
    fails = []

    def result(name, ok, skip=False):
        nonlocal passed, failed, skipped
        if skip:
            skipped += 1
        elif ok:
            passed += 1
        else:
            failed += 1
            fails.append(name)

    for c in checks:
        name, _, status = c.partition("=")
        result(name, status == "pass")

    try:
        clines = [STAMP.sub("", l.rstrip("\r\n")) for l in
                  open(console, errors="replace")]
    except OSError:
        clines = []
    # KUnit: the test cases of the checkpoint suite, indented under it
    in_suite, kunit_seen = False, 0
    for l in clines:
        if re.match(r"^\s+# Subtest: checkpoint$", l):
            in_suite = True
            continue
        if in_suite:
            m = KUNIT_CASE.match(l)
            if m:
                kunit_seen += 1
                result("kunit: " + m.group(2), m.group(1) == "ok",
                       "# SKIP" in m.group(3))
            elif re.match(r"^(not ok|ok) \d+ checkpoint", l):
                in_suite = False
    if not kunit_seen:
        result("kunit: no results from the checkpoint suite", False)
    in_fault, alloc_trace = 0, False
    for l in clines:
        if FAULT_BEGIN.search(l):
            in_fault += 1
        elif FAULT_END.search(l):
            in_fault = max(0, in_fault - 1)
            alloc_trace = alloc_trace and in_fault > 0
        elif in_fault and ALLOC_FAIL.search(l):
            alloc_trace = True
        elif alloc_trace and "</TASK>" in l:
            alloc_trace = False
        if alloc_trace and l.strip() == "Call Trace:":
            continue
        if BAD_CONSOLE.search(l) and not NOT_BAD.search(l):
            result("console: " + l.strip(), False)

    # selftests
    try:
        tlines = [l.rstrip("\r\n") for l in open(tests, errors="replace")]
    except OSError:
        tlines = []
    cur, cur_fail, cur_n, done = None, 0, 0, False
    for l in tlines:
        m = re.match(r"^### BEGIN (\S+)$", l)
        if m:
            cur, cur_fail, cur_n = m.group(1), 0, 0
            continue
        m = re.match(r"^### END (\S+) rc=(\d+)$", l)
        if m and cur:
            if int(m.group(2)) != 0 and not cur_fail:
                result("%s: exited with %s" % (cur, m.group(2)), False)
            if not cur_n:
                result("%s: ran no test" % cur, False)
            cur = None
            continue
        if l == "### DONE":
            done = True
            continue
        m = TAP.match(l)
        if m and cur:
            cur_n += 1
            ok = m.group(1) == "ok"
            cur_fail += not ok
            result("%s: %s" % (cur, m.group(2)), ok, ok and "# SKIP" in l)
    if cur:
        result("%s: did not finish (guest died?)" % cur, False)
    if not done:
        result("selftests: the guest did not finish the run", False)

    for f in fails:
        print("FAILED: " + f)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
