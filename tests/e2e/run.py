#!/usr/bin/env python3
"""Runs the kmslab end-to-end suite.

    python3 tests/e2e/run.py [--aws-cli PATH] [test_module_or_id ...]

Without arguments every tests/e2e/test_*.py module runs. `--aws-cli PATH` runs the tests
with that aws CLI (tools/test uses it for Debian's aws CLI v2 next to the default v1) and,
without test names, only the tests whose body runs the CLI (a call of the harness's
`cli`, `aws` or `ddb_cli`), less those marked `harness.cli_newer_than_debian` (printed). The server binary comes from
KMSLAB_BIN (default: build/kmslab in the repository root). The last line printed is
exactly `N passed, N failed`, counting test methods: errors, skips and tests that never
ran (a failed setUpModule) count as failed, as does an error while tearing a module down.
The exit status is non-zero on any failure.

When this python3 lacks boto3, the script re-runs itself under another python3 that has
it (Debian's /usr/bin/python3 with python3-boto3, or the aws CLI's interpreter); if none
has it, every module fails on import.
"""
import inspect
import os
import re
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


# A test method's body runs the aws CLI when it calls one of the harness's CLI helpers.
CLI_CALL = re.compile(r"\.(cli|aws|ddb_cli)\(")


def tests_of(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from tests_of(test)
        else:
            yield test


def test_method(test):
    return getattr(test, getattr(test, "_testMethodName", ""), None)


def runs_aws_cli(test):
    method = test_method(test)
    try:
        return method is not None and CLI_CALL.search(inspect.getsource(method)) is not None
    except (OSError, TypeError):
        return False


def cli_tests(suite):
    """The tests of `suite` that run the aws CLI, less those marked as needing a newer CLI
    model than Debian's (harness.cli_newer_than_debian), which are printed."""
    chosen = []
    for test in tests_of(suite):
        if not runs_aws_cli(test):
            continue
        newer = getattr(test_method(test), "cli_newer_than_debian", None)
        if newer:
            print(f"left out: {test.id()}: the CLI's model lacks {newer}")
        else:
            chosen.append(test)
    return unittest.TestSuite(chosen)


def main(argv):
    python = other_python_with_boto3()
    if python:
        os.environ["KMSLAB_E2E_REEXEC"] = "1"
        os.execv(python, [python, os.path.abspath(__file__), *argv])

    if argv[:1] == ["--aws-cli"]:
        if len(argv) < 2:
            print("run.py: --aws-cli needs a path", file=sys.stderr)
            return 2
        os.environ["KMSLAB_AWS_CLI"] = os.path.abspath(argv[1])
        cli_only, argv = not argv[2:], argv[2:]
    else:
        cli_only = False

    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    if cli_only:
        suite = cli_tests(suite)
    total = suite.countTestCases()
    print(f"python {sys.version.split()[0]} at {sys.executable}; "
          f"KMSLAB_BIN={os.environ.get('KMSLAB_BIN') or '(default build/kmslab)'}; "
          f"aws CLI {os.environ.get('KMSLAB_AWS_CLI') or shutil.which('aws')}", flush=True)
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
