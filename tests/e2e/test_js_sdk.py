"""The AWS SDK for JavaScript v3 and the AWS Encryption SDK for JavaScript against kmslab:
application scenarios on DynamoDB tables under customer managed keys and on KMS, written
with Node's built-in test runner in tests/e2e/js/ (package.json, package-lock.json).

One test here per JS test file in JS_TESTS: it runs `node --test` on that file against this
module's server, with the endpoint and the callers' access keys in the environment
(KMSLAB_ENDPOINT, KMSLAB_REGION, KMSLAB_ACCOUNT, KMSLAB_CREDENTIALS), and fails with node's
output unless every JS test passed and none was skipped, marked todo or cancelled. The files
in TLS_JS_TESTS run against a second server, started with --tls, whose certificate
NODE_EXTRA_CA_CERTS and KMSLAB_CA_BUNDLE name.

The callers are the bundled fixtures (admin, db-lead, app) plus users written for this
module: shop-app and cart-reader (DynamoDB item actions; KMS only through DynamoDB;
cart-reader without dynamodb:PutItem or UpdateItem) and sealer (kms:Encrypt and
kms:GenerateDataKey*, no kms:Decrypt).

node and the packages of tests/e2e/js/node_modules are required (tools/lib.sh installs them:
Debian's nodejs and npm, then `npm ci`); without them every test here fails.
"""
import json
import os
import re
import shutil
import subprocess

import harness
from harness import ACCOUNT, REGION

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
NODE_TIMEOUT = 300

# The JS test files that run, each as test_<name without .test.mjs>.
JS_TESTS = [
    "batch_transactions.test.mjs",
    "dynamodb_denials.test.mjs",
    "encryption_sdk.test.mjs",
    "session_store.test.mjs",
    "shopping_cart.test.mjs",
    "tls.test.mjs",
]
# The JS test files that run against the HTTPS server.
TLS_JS_TESTS = {"tls.test.mjs"}
VIA_DYNAMODB = {"StringEquals": {"kms:ViaService": f"dynamodb.{REGION}.amazonaws.com"}}
TABLE_KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                 "kms:DescribeKey"]
ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                "dynamodb:DescribeTable"]
MODULE_USERS = {
    "shop-app": ITEM_ACTIONS,
    "cart-reader": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable"],
}


def identities():
    """The bundled fixtures plus this module's users (see the module docstring)."""
    ids = harness.fixture_identities()
    users = ids["accounts"][ACCOUNT]["users"]
    for n, (name, actions) in enumerate(sorted(MODULE_USERS.items())):
        users.append({
            "name": name,
            "accessKeys": [{"id": f"AKIAKMSLABJSAPP{n:05d}", "secret": f"kmslab-{name}-secret"}],
            "inlinePolicies": {"app": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": "*"},
                {"Effect": "Allow", "Action": TABLE_KEY_USE, "Resource": "*",
                 "Condition": VIA_DYNAMODB}]}}})
    users.append({
        "name": "sealer",
        "accessKeys": [{"id": "AKIAKMSLABJSSEALER01", "secret": "kmslab-sealer-secret"}],
        "inlinePolicies": {"seal-only": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey*"],
             "Resource": "*"}]}}})
    return ids


CALLERS = ["admin", "app", "db-lead", "shop-app", "cart-reader", "sealer"]


def node_environment(srv):
    """os.environ without AWS settings, plus the server, every caller's access key and, under
    --tls, the certificate to trust."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    creds = {name: harness.creds_of(name, srv.fixtures) for name in CALLERS}
    env.update(
        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true", NODE_NO_WARNINGS="1",
        KMSLAB_ENDPOINT=srv.url, KMSLAB_REGION=REGION, KMSLAB_ACCOUNT=ACCOUNT,
        KMSLAB_CREDENTIALS=json.dumps({name: {"accessKeyId": c.access_key,
                                              "secretAccessKey": c.secret_key}
                                       for name, c in creds.items()}))
    if srv.ca_bundle:
        env.update(NODE_EXTRA_CA_CERTS=srv.ca_bundle, KMSLAB_CA_BUNDLE=srv.ca_bundle)
    return env


def tap_counts(output):
    """The `# pass N`-style totals of node's TAP summary, by name."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$",
                                 output, re.M)}


def setUpModule():
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is required on PATH for the JavaScript tests "
                           "(tools/lib.sh installs Debian's nodejs)")
    if not os.path.isdir(os.path.join(JS_DIR, "node_modules", "@aws-sdk", "client-dynamodb")):
        raise RuntimeError(f"{JS_DIR}/node_modules is missing: run `npm ci` there "
                           "(tools/lib.sh does)")
    JsSdkTest.node = node
    JsSdkTest.srv = harness.start_with_identities(identities())
    JsSdkTest.tls_srv = harness.start_with_identities(identities(), args=("--tls",))


def tearDownModule():
    for srv in (JsSdkTest.srv, JsSdkTest.tls_srv):
        if srv is not None:
            harness.shutdown_and_remove_fixtures(srv)


class JsSdkTest(harness.KmsTestCase):
    srv = None
    tls_srv = None
    node = None

    def run_js(self, name):
        """node --test on tests/e2e/js/NAME: every JS test passes, none skipped or todo."""
        srv = self.tls_srv if name in TLS_JS_TESTS else self.srv
        p = subprocess.run([self.node, "--test", "--test-reporter=tap", name], cwd=JS_DIR,
                           env=node_environment(srv), capture_output=True, text=True,
                           timeout=NODE_TIMEOUT)
        output = p.stdout + p.stderr
        counts = tap_counts(p.stdout)
        self.assertEqual(p.returncode, 0, output)
        self.assertGreater(counts.get("pass", 0), 0, output)
        for outcome in ("fail", "cancelled", "skipped", "todo"):
            self.assertEqual(counts.get(outcome), 0, f"{outcome} in {name}:\n{output}")
        self.assertEqual(counts["tests"], counts["pass"], output)

    def test_every_js_file_is_listed(self):
        on_disk = sorted(f for f in os.listdir(JS_DIR) if f.endswith(".test.mjs"))
        self.assertEqual(on_disk, sorted(JS_TESTS))


def _js_test(name):
    def test(self):
        self.run_js(name)
    test.__doc__ = f"node --test tests/e2e/js/{name}"
    return test


for _name in JS_TESTS:
    setattr(JsSdkTest, "test_" + _name.removesuffix(".test.mjs"), _js_test(_name))
