#!/usr/bin/env python3
"""`kmslab check` on a scenario that must fail: exit status 1, the failed step's
✗ line with what was expected and what came back, and a FAIL summary.

usage: labs_expected_failure.py KMSLAB SCENARIO
"""
import subprocess
import sys


def main(kmslab, scenario):
    run = subprocess.run([kmslab, "check", scenario], capture_output=True, text=True, timeout=120)
    out = run.stdout
    problems = []
    if run.returncode != 1:
        problems.append(f"exit status {run.returncode}, want 1")
    for want in ["  ✗ db-lead kms:DescribeKey (wrong on purpose)\n      expected: success\n"
                 "      got:      AccessDeniedException: User: arn:aws:iam::111122223333:user/db-lead is not "
                 "authorized to perform: kms:DescribeKey on resource: arn:aws:kms:us-east-1:111122223333:key/",
                 "  ✓ role/db-team kms:DescribeKey → success\n",
                 "  FAIL: 1 of 2 steps met their expectation\n",
                 "1 scenario(s), 0 passed, 1 failed\n"]:
        if want not in out:
            problems.append(f"output lacks {want!r}")
    for p in problems:
        print(p)
    if problems:
        print("--- stdout\n" + out + "--- stderr\n" + run.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
