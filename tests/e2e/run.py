#!/usr/bin/env python3
"""Runs the kmslab end-to-end suite.

    python3 tests/e2e/run.py [test_module_or_id ...]

Without arguments every tests/e2e/test_*.py module runs. The server binary comes from
KMSLAB_BIN (default: build/kmslab in the repository root). The last line printed is
exactly `N passed, N failed`, counting test methods: errors, skips and tests that never
ran (a failed setUpModule) count as failed, as does an error while tearing a module down.
The exit status is non-zero on any failure.

When this python3 lacks boto3, the script re-runs itself under another python3 that has
it (Debian's /usr/bin/python3 with python3-boto3, or the aws CLI's interpreter); if none
has it, every module fails on import.
"""
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def other_python_with_boto3():
    try:
        import boto3  # noqa: F401
        return None
    except ImportError:
        pass
    if os.environ.get("KMSLAB_E2E_REEXEC"):
        return None
    candidates = ["/usr/bin/python3", shutil.which("python3")]
    aws = shutil.which("aws")
    if aws:
        with open(aws, "rb") as f:
            first = f.readline()
        if first.startswith(b"#!"):
            candidates.append(first[2:].decode(errors="replace").split()[0])
    for python in candidates:
        if (python and os.path.exists(python)
                and os.path.realpath(python) != os.path.realpath(sys.executable)
                and subprocess.run([python, "-c", "import boto3"],
                                   capture_output=True).returncode == 0):
            return python
    return None


class Result(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = set()
        self.teardown_errors = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.suite._ErrorHolder) and "tearDown" in test.description:
            self.teardown_errors += 1


def main(argv):
    python = other_python_with_boto3()
    if python:
        os.environ["KMSLAB_E2E_REEXEC"] = "1"
        os.execv(python, [python, os.path.abspath(__file__), *argv])

    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    total = suite.countTestCases()
    print(f"python {sys.version.split()[0]} at {sys.executable}; "
          f"KMSLAB_BIN={os.environ.get('KMSLAB_BIN') or '(default build/kmslab)'}", flush=True)
    result = unittest.TextTestRunner(verbosity=2, resultclass=Result, stream=sys.stdout).run(suite)
    if result.skipped:
        print(f"ERROR: {len(result.skipped)} test(s) skipped; skips are failures in this suite:")
        for test, reason in result.skipped:
            print(f"  {test.id()}: {reason}")
    passed = len(result.passed)
    failed = total - passed + result.teardown_errors
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
