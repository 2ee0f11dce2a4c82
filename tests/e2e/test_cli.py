"""The command line of the real binary: --help on the top level and on each command (exit 0,
stdout), --version, usage errors (one line naming the flag, exit 2), options from KMSLAB_*
variables with the command line winning, and the data directory every command defaults to."""
import json
import os
import re
import shutil
import socket
import tempfile
import unittest

import harness

COMMANDS = ("serve", "explain", "creds", "trail", "check")
SERVE_OPTIONS = (
    "--host", "--port", "--data", "--account", "--region", "--threads", "--fixtures", "--auth",
    "--grant-delay", "--admin-token", "--trail-retention", "--key-state-before-access",
    "--pending-deletion-disabled", "--modelled-http-status", "--ddb-data-events",
    "--ddb-bare-validation-texts", "--ddb-streams-readable-while-key-unusable",
    "--ddb-detection-seconds", "--ddb-recovery-seconds", "--ddb-sse-update-seconds",
    "--ddb-ttl-sweep-seconds", "--ddb-ttl-grace-seconds", "--ddb-ttl-cooldown-seconds",
    "--ddb-stream-retention-seconds", "--ddb-stream-transition-seconds", "--ddb-pitr-setup-seconds",
    "--ddb-replica-create-seconds", "--ddb-replication-delay-seconds")
TRAIL_OPTIONS = ("--data", "--principal", "--event", "--key", "--error", "--decision", "--since",
                 "--until", "--request-id", "--limit", "--json")


def env_name(flag):
    return "KMSLAB_" + flag[2:].upper().replace("-", "_")


def project_version():
    with open(os.path.join(harness.REPO, "meson.build"), encoding="utf-8") as f:
        return re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HelpTest(unittest.TestCase):
    def help_of(self, *args):
        p = harness.kmslab(*args)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        return p.stdout

    def assertOptionsShown(self, out, flags):
        """Each of `flags` and its environment variable is in the help text `out`."""
        for flag in flags:
            with self.subTest(flag=flag):
                self.assertIn(flag, out)
                self.assertIn(env_name(flag), out)

    def test_serve_help(self):
        out = self.help_of("serve", "--help")
        self.assertIn("Usage: kmslab serve [OPTIONS]", out)
        self.assertOptionsShown(out, SERVE_OPTIONS)
        self.assertIn("--port PORT:0..65535=4599", out)
        self.assertIn("--auth MODE:strict|open=strict", out)
        self.assertIn("--threads N:POSITIVE=16", out)

    def test_trail_help(self):
        out = self.help_of("trail", "--help")
        self.assertIn("Usage: kmslab trail [OPTIONS]", out)
        self.assertOptionsShown(out, TRAIL_OPTIONS)
        self.assertIn("--data DIR=./data", out)

    def test_every_command_has_help(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                self.assertIn(f"Usage: kmslab {command}", self.help_of(command, "-h"))

    def test_top_level_help_lists_every_command_and_option(self):
        out = self.help_of("--help")
        for command in COMMANDS:
            self.assertRegex(out, rf"(?m)^{command}$")
        self.assertOptionsShown(out, SERVE_OPTIONS + TRAIL_OPTIONS + ("--endpoint",))
        self.assertIn("the command line wins", out)

    def test_version(self):
        p = harness.kmslab("--version")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, f"kmslab {project_version()}\n", ""))

    def test_no_command_prints_the_help_and_fails(self):
        p = harness.kmslab()
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, "")
        for command in COMMANDS:
            self.assertRegex(p.stderr, rf"(?m)^{command}$")


class UsageErrorTest(unittest.TestCase):
    def assertUsageError(self, args, flag, env=None):
        p = harness.kmslab(*args, env=env)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn(flag, p.stderr)
        self.assertIn(f"kmslab {args[0]} --help", p.stderr)
        return p.stderr

    def test_bad_flags_and_values(self):
        self.assertEqual(self.assertUsageError(["serve", "--bogus"], "--bogus"),
                         "kmslab serve: The following argument was not expected: --bogus "
                         "(see kmslab serve --help)\n")
        self.assertUsageError(["serve", "--port", "70000"], "--port")
        self.assertUsageError(["serve", "--port"], "--port")
        self.assertUsageError(["serve", "--auth", "sometimes"], "--auth")
        self.assertUsageError(["serve", "--data", "--ddb-data-events"], "--data")
        self.assertUsageError(["trail", "--limit", "zero"], "--limit")
        self.assertUsageError(["creds", "admin", "app"], "app")
        self.assertUsageError(["check", "labs", "--admin-token", "t"], "--endpoint")

    def test_bad_value_from_the_environment(self):
        self.assertUsageError(["serve"], "--port", env={"KMSLAB_PORT": "four"})


class EnvironmentTest(unittest.TestCase):
    def test_port_and_data_from_the_environment(self):
        data = tempfile.mkdtemp(prefix="kmslab-env-data-")
        self.addCleanup(shutil.rmtree, data, ignore_errors=True)
        port = free_port()
        srv = harness.Server(defaults=True, env={"KMSLAB_PORT": str(port), "KMSLAB_DATA": data})
        srv.start()
        self.addCleanup(srv.shutdown)
        self.assertEqual(srv.url, f"http://127.0.0.1:{port}")
        self.assertEqual(srv.client().list_keys()["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertIn("kmslab.db", os.listdir(data))
        self.assertEqual(os.listdir(srv.data_dir), [])  # not ./data

    def test_the_command_line_wins(self):
        # The harness passes --port 0 and --data; --auth comes from the environment only.
        srv = harness.Server(env={"KMSLAB_PORT": "not a port", "KMSLAB_DATA": "/nonexistent/kmslab",
                                  "KMSLAB_AUTH": "open"})
        srv.start()
        self.addCleanup(srv.shutdown)
        self.assertEqual(srv.client().list_keys()["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertIn("kmslab.db", os.listdir(srv.data_dir))
        unsigned = srv.raw_as(None, "ListKeys", {}, sign=False)  # open mode: the account's root
        self.assertEqual(unsigned.status, 200, unsigned.body)


class DefaultDataTest(harness.KmsTestCase):
    """serve, trail and explain --request-id all default to ./data."""

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(defaults=True, env={"KMSLAB_PORT": str(free_port())})
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()

    def test_trail_and_explain_read_what_serve_wrote(self):
        md = self.create_key()
        allowed = self.kms.describe_key(KeyId=md["KeyId"])["ResponseMetadata"]["RequestId"]
        err = self.assertApiError("AccessDeniedException", None, self.as_("db-lead").describe_key,
                                  KeyId=md["KeyId"])
        denied = err.response["ResponseMetadata"]["RequestId"]
        self.assertIn("kmslab.db", os.listdir(self.srv.data_dir))
        self.srv.stop()  # the trail written through

        p = harness.kmslab("trail", "--json", cwd=self.srv.root)
        self.assertEqual(p.returncode, 0, p.stderr)
        ids = [json.loads(line)["requestID"] for line in p.stdout.splitlines()]
        self.assertIn(allowed, ids)
        self.assertIn(denied, ids)
        elsewhere = harness.kmslab("trail", "--json", "--request-id", denied,
                                   env={"KMSLAB_DATA": self.srv.data_dir})
        self.assertEqual(elsewhere.returncode, 0, elsewhere.stderr)
        self.assertEqual([json.loads(line)["requestID"] for line in elsewhere.stdout.splitlines()],
                         [denied])

        p = harness.kmslab("explain", "--request-id", denied, cwd=self.srv.root)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(err.response["Error"]["Message"], p.stdout)
