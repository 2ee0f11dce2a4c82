"""Shared harness of the kmslab end-to-end tests.

Starts `kmslab serve` on a random loopback port with a fresh temporary data
directory, and drives it with boto3, the aws CLI, and raw SigV4-signed HTTP
requests. Credentials, account and region live here and nowhere else.

A missing boto3 or aws CLI is a hard failure (ImportError / RuntimeError at
import), never a skip.
"""
import atexit
import base64
import collections
import datetime
import functools
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import types
import unittest
import unittest.mock
import urllib.error
import urllib.parse
import urllib.request

import boto3  # noqa: F401  (hard requirement)
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Absolute: servers run in their own directory.
KMSLAB_BIN = os.path.abspath(os.environ.get("KMSLAB_BIN") or os.path.join(REPO, "build", "kmslab"))
# The bundled fixtures' user admin (fixtures/identities.json): kms:* through IAM.
ACCESS_KEY = "AKIAKMSLABADMIN11112"
SECRET_KEY = "kmslab-admin-secret"
ACCOUNT = "111122223333"
REGION = "us-east-1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0

# The aws CLI the tests run: KMSLAB_AWS_CLI (run.py --aws-cli sets it), else the first on PATH.
AWS_CLI = os.environ.get("KMSLAB_AWS_CLI") or shutil.which("aws")
if AWS_CLI is None or not os.access(AWS_CLI, os.X_OK):
    raise RuntimeError("the aws CLI is required (on PATH, or KMSLAB_AWS_CLI) for the end-to-end tests")

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LISTEN_RE = re.compile(r"^kmslab listening on (https?://127\.0\.0\.1:(\d+))$", re.M)
# Printed before the listening line under --tls: the certificate clients are to trust.
CERTIFICATE_RE = re.compile(r"^kmslab TLS certificate: (\S+)", re.M)

# Output members the raw fallback of KmsTestCase.call() converts the way botocore does.
BLOB_MEMBERS = {"CiphertextBlob", "Plaintext", "CiphertextForRecipient"}
TIME_MEMBERS = {"CreationDate", "DeletionDate", "RotationDate", "NextRotationDate",
                "OnDemandRotationStartDate", "ValidTo", "LastUpdatedDate"}

Response = collections.namedtuple("Response", "status headers body data")
CliResult = collections.namedtuple("CliResult", "rc json stdout stderr")


def key_arn(key_id, region=REGION):
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


def alias_arn(name, region=REGION):
    return f"arn:aws:kms:{region}:{ACCOUNT}:{name}"


@functools.lru_cache(maxsize=None)
def cli_major_version():
    out = subprocess.run([AWS_CLI, "--version"], capture_output=True, text=True, check=True)
    m = re.search(r"aws-cli/(\d+)\.", out.stdout + out.stderr)
    return int(m.group(1))


def cli_newer_than_debian(what):
    """Marks a test that drives, through the aws CLI, `what`: a DynamoDB feature newer than
    Debian 12's aws CLI v2 (2.9, from 2022), whose model lacks it. run.py's `--aws-cli` pass
    leaves such a test out and names it; the main pass runs it with the newest CLI present."""
    def mark(test):
        test.cli_newer_than_debian = what
        return test
    return mark


_LIVE = set()


def clean_env(extra=None):
    """This process's environment without KMSLAB_* variables (kmslab reads each option from
    KMSLAB_<NAME>, so a stray one would change what is tested), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KMSLAB_")}
    env.update(extra or {})
    return env


@atexit.register
def _kill_leftovers():
    for server in list(_LIVE):
        server.kill()


class Server:
    """One kmslab process and its data directory (kept across restarts)."""

    def __init__(self, fixtures=None, auth=None, args=(), env=None, defaults=False):
        """fixtures: a fixtures directory for --fixtures (None: the server's default, the
        repository's fixtures/); auth: "strict" or "open" for --auth (None: the default);
        args: further `kmslab serve` arguments, such as ("--grant-delay", "60"); env: KMSLAB_*
        variables for the server (no others reach it); defaults: pass no --host, --port,
        --data, --account or --region, so they come from `env` or the server's defaults (it
        runs in `root`, so its default ./data is `data_dir`)."""
        self.fixtures = fixtures
        self.auth = auth
        self.args = list(args)
        self.env = dict(env or {})
        self.defaults = defaults
        self.root = None
        self.proc = None
        self.url = None
        self.ca_bundle = None  # under --tls: the certificate file the server printed
        self._clients = {}
        self._starts = 0

    @property
    def data_dir(self):
        return os.path.join(self.root, "data")

    def start(self):
        if not os.access(KMSLAB_BIN, os.X_OK):
            raise RuntimeError(f"kmslab binary not found or not executable: {KMSLAB_BIN}")
        if self.root is None:
            self.root = tempfile.mkdtemp(prefix="kmslab-e2e-")
            os.mkdir(self.data_dir)
        self._starts += 1
        out_path = os.path.join(self.root, f"stdout.{self._starts}.log")
        err_path = os.path.join(self.root, f"stderr.{self._starts}.log")
        place = [] if self.defaults else ["--host", "127.0.0.1", "--port", "0", "--data", self.data_dir,
                                          "--account", ACCOUNT, "--region", REGION]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [KMSLAB_BIN, "serve", *place, *self._extra_args()], cwd=self.root,
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=clean_env(self.env))
        _LIVE.add(self)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with open(out_path, encoding="utf-8", errors="replace") as f:
                printed = f.read()
            m = LISTEN_RE.search(printed)
            if m:
                self.url = m.group(1)
                certificate = CERTIFICATE_RE.search(printed)
                self.ca_bundle = certificate.group(1) if certificate else None
                self._clients = {}
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        rc = self.proc.poll()
        self.kill()
        error = (f"kmslab did not print its listening line within {START_TIMEOUT}s (exit {rc}); "
                 f"stdout: {_tail(out_path)!r}; stderr: {_tail(err_path)!r}")
        if self._starts == 1:  # setUpModule failed, so tearDownModule will not clean up
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        raise RuntimeError(error)

    def printed(self):
        """(stdout, stderr) of the server's latest start, as far as written."""
        return tuple(_tail(os.path.join(self.root, f"{stream}.{self._starts}.log"), None)
                     for stream in ("stdout", "stderr"))

    def _extra_args(self):
        args = []
        if self.fixtures is not None:
            args += ["--fixtures", self.fixtures]
        if self.auth is not None:
            args += ["--auth", self.auth]
        return args + self.args

    def stop(self, sig=signal.SIGTERM):
        """Send `sig`, wait, and return the exit code (the data directory stays)."""
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"kmslab did not stop within {STOP_TIMEOUT}s of signal {sig}")
        self.proc = None
        _LIVE.discard(self)
        return rc

    def kill(self):
        """kill -9 (the data directory stays)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        _LIVE.discard(self)

    def restart(self, sig=signal.SIGTERM):
        """Stop with `sig`, then start again on the same data dir; returns the stop's exit code."""
        rc = self.stop(sig)
        self.start()
        return rc

    def kill9_restart(self):
        self.kill()
        self.start()

    def shutdown(self):
        """Stop and delete the data directory (tearDownModule)."""
        try:
            rc = self.stop()
        finally:
            if self.root:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None
        if rc not in (None, 0):
            raise RuntimeError(f"kmslab exited with {rc} on SIGTERM")

    # --- clients -----------------------------------------------------------------
    def client(self, region=REGION, validate=True):
        """A boto3 KMS client (cached until the next restart); validate=False turns
        off botocore's client-side parameter validation."""
        key = (region, validate)
        if key not in self._clients:
            session = boto3.session.Session(aws_access_key_id=ACCESS_KEY,
                                            aws_secret_access_key=SECRET_KEY, region_name=region)
            cfg = botocore.config.Config(retries={"total_max_attempts": 1},
                                         parameter_validation=validate,
                                         connect_timeout=10, read_timeout=60)
            self._clients[key] = session.client("kms", endpoint_url=self.url, config=cfg,
                                                verify=self.ca_bundle)
        return self._clients[key]

    def raw(self, target, body=b"", headers=None, region=REGION):
        """A SigV4-signed POST / with any target (None: no X-Amz-Target header; a name
        without a dot gets the TrentService. prefix) and any body (bytes, str, or a
        JSON-able object). Returns Response(status, headers, parsed JSON or None, bytes)."""
        return self.raw_as(ADMIN, target, body, headers, region)

    # --- other identities (the fixture principals, STS sessions) ---------------------
    def client_as(self, creds, service="kms", region=REGION):
        """A boto3 client of `service` signing with `creds` (a Creds), cached until the
        next restart. Client-side validation stays on."""
        key = ("as", creds, service, region)
        if key not in self._clients:
            session = boto3.session.Session(aws_access_key_id=creds.access_key,
                                            aws_secret_access_key=creds.secret_key,
                                            aws_session_token=creds.token, region_name=region)
            cfg = botocore.config.Config(retries={"total_max_attempts": 1},
                                         connect_timeout=10, read_timeout=60)
            self._clients[key] = session.client(service, endpoint_url=self.url, config=cfg,
                                                verify=self.ca_bundle)
        return self._clients[key]

    def raw_as(self, creds, target, body=b"", headers=None, region=REGION, when=None,
               sign=True):
        """Like raw(), signed with `creds` (None or sign=False: no Authorization header),
        at time `when` (a datetime; default now) instead of the clock."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        hdrs = {"Content-Type": "application/x-amz-json-1.1"}
        if target is not None:
            hdrs["X-Amz-Target"] = target if "." in target else "TrentService." + target
        hdrs.update(headers or {})
        return signed_post(self.url + "/", body, hdrs, creds if sign else None, "kms", region,
                           when, self.ssl_context())

    def sts_raw(self, creds, params, region=REGION, when=None, sign=True):
        """A form POST of the STS query protocol (Version 2011-06-15 added unless given),
        signed for service sts. Returns Response(status, headers, None, XML bytes)."""
        params = dict({"Version": "2011-06-15"}, **params)
        body = urllib.parse.urlencode(params)
        hdrs = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        return signed_post(self.url + "/", body, hdrs, creds if sign else None, "sts", region,
                           when, self.ssl_context())

    def ssl_context(self):
        """For urllib and http.client: a context trusting the server's certificate under
        --tls (None otherwise)."""
        return ssl.create_default_context(cafile=self.ca_bundle) if self.ca_bundle else None

    def aws(self, creds, service, *args, region=REGION, env=None, endpoint=None, trust=True):
        """Run `aws SERVICE ARGS` against this server with `creds` (a Creds, or None for no
        credentials at all); returns CliResult. endpoint: the --endpoint-url (default the
        server's URL); trust: under --tls, pass `--ca-bundle` with the server's certificate
        (False: the CLI's own trust, which `env` may set with AWS_CA_BUNDLE)."""
        full = dict(os.environ, AWS_DEFAULT_REGION=region, AWS_PAGER="",
                    AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull,
                    AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                    "AWS_PROFILE"):
            full.pop(var, None)
        if creds is not None:
            full.update(AWS_ACCESS_KEY_ID=creds.access_key, AWS_SECRET_ACCESS_KEY=creds.secret_key)
            if creds.token:
                full["AWS_SESSION_TOKEN"] = creds.token
        full.update(env or {})
        extra = [] if creds is not None else ["--no-sign-request"]
        if trust and self.ca_bundle:
            extra += ["--ca-bundle", self.ca_bundle]
        p = subprocess.run([AWS_CLI, service, *args, "--endpoint-url", endpoint or self.url, "--region",
                            region, "--output", "json", *extra], capture_output=True, text=True,
                           env=full, timeout=120)
        try:
            parsed = json.loads(p.stdout) if p.stdout.strip() else None
        except ValueError:
            parsed = None
        return CliResult(p.returncode, parsed, p.stdout, p.stderr)

    def denials(self):
        """The records of DATA/denials.jsonl, oldest first ([] when the file is absent)."""
        path = os.path.join(self.data_dir, "denials.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def file(self, data):
        """Write `data` to a new file under the server's temporary root; returns its path."""
        fd, path = tempfile.mkstemp(dir=self.root, prefix="blob-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path

    def cli(self, *args, region=REGION):
        """Run `aws kms ARGS` against this server; returns CliResult(rc, parsed JSON
        of stdout or None, stdout, stderr)."""
        return self.aws(ADMIN, "kms", *args, region=region)

    # --- DynamoDB shim and the server clock ----------------------------------------------
    def ddb(self, creds=None, region=REGION):
        """A boto3 DynamoDB client signing with `creds` (default: admin)."""
        return self.client_as(creds or ADMIN, "dynamodb", region)

    def ddb_raw(self, creds, operation, body=b"", headers=None, region=REGION):
        """A SigV4-signed (service dynamodb) POST / with target DynamoDB_20120810.<operation>
        and a JSON 1.0 body. Returns Response(status, headers, parsed JSON or None, bytes)."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        hdrs = {"Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810." + operation}
        hdrs.update(headers or {})
        return signed_post(self.url + "/", body, hdrs, creds, "dynamodb", region,
                           context=self.ssl_context())

    def admin_token(self):
        """The value of `--admin-token` in this server's arguments, or None."""
        if "--admin-token" in self.args:
            return self.args[self.args.index("--admin-token") + 1]
        return None

    def admin_request(self, method, path, body=None, token=None):
        """An unsigned request to an admin path (/_kmslab/...), sending the header
        X-Kmslab-Admin-Token when `token` (default: the server's --admin-token) is set.
        Returns Response(status, headers, parsed JSON or None, bytes)."""
        token = self.admin_token() if token is None else token
        hdrs = {"Content-Type": "application/json"}
        if token:
            hdrs["X-Kmslab-Admin-Token"] = token
        data = None if body is None else (body if isinstance(body, bytes)
                                          else json.dumps(body).encode())
        ureq = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(ureq, timeout=60, context=self.ssl_context()) as r:
                status, rheaders, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, rheaders, raw = e.code, e.headers, e.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return Response(status, rheaders, parsed, raw)

    def clock(self):
        """GET /_kmslab/clock: {"now", "epochMillis", "offsetSeconds"}."""
        r = self.admin_request("GET", "/_kmslab/clock")
        if r.status != 200:
            raise RuntimeError(f"GET /_kmslab/clock failed: {r.status} {r.data[:300]!r}")
        return r.body

    def advance_clock(self, seconds):
        """Move the server clock forward by `seconds` (POST /_kmslab/clock); returns the
        clock's new reading."""
        r = self.admin_request("POST", "/_kmslab/clock", {"advanceSeconds": int(seconds)})
        if r.status != 200:
            raise RuntimeError(f"POST /_kmslab/clock failed: {r.status} {r.data[:300]!r}")
        return r.body


def _tail(path, n=2000):
    """The last `n` characters of the text file at `path` (None: all of it)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()[-n:] if n else f.read()
    except OSError:
        return ""


def _shape_has(shape, name, depth=0):
    if shape is None or depth > 6:
        return False
    if shape.type_name == "structure":
        return name in shape.members or any(_shape_has(s, name, depth + 1)
                                            for s in shape.members.values())
    if shape.type_name == "list":
        return _shape_has(shape.member, name, depth + 1)
    return False


def client_models(client, op, params=(), need=()):
    """True when the client's service model has `op`, every input member in `params`,
    and every output member named in `need` (searched through nested structures)."""
    model = client.meta.service_model
    if op not in model.operation_names:
        return False
    om = model.operation_model(op)
    inputs = om.input_shape.members if om.input_shape else {}
    return (all(p in inputs for p in params)
            and all(_shape_has(om.output_shape, n) for n in need))


def _to_wire(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _to_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_wire(v) for v in value]
    return value


def _from_wire(value, name=None):
    if isinstance(value, dict):
        return {k: _from_wire(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v) for v in value]
    if name in BLOB_MEMBERS and isinstance(value, str):
        return base64.b64decode(value)
    if name in TIME_MEMBERS and isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return value


def error_type(body):
    """The __type of a JSON error body, with botocore's stripping of `ns#` and `:suffix`."""
    t = (body or {}).get("__type", "")
    return t.split("#")[-1].split(":")[0]


# --- identities and authorization (issue 4) -------------------------------------------
FIXTURES = os.path.join(REPO, "fixtures")
POLICIES = os.path.join(REPO, "policies")
PARTNER = "444455556666"

Creds = collections.namedtuple("Creds", "access_key secret_key token", defaults=(None,))
ADMIN = Creds(ACCESS_KEY, SECRET_KEY)

# AccessDeniedException reasons (reference §7), keyed by the reference's names.
DENY_REASONS = {
    "no-resource": "because no resource-based policy allows the {action} action",
    "no-identity": "because no identity-based policy allows the {action} action",
    "explicit-resource": "with an explicit deny in a resource-based policy",
    "explicit-identity": "with an explicit deny in an identity-based policy",
}


def access_denied(caller, action, resource, reason):
    """AWS's AccessDeniedException text (reference §7)."""
    return (f"User: {caller} is not authorized to perform: {action} on resource: {resource} "
            + DENY_REASONS[reason].format(action=action))


def user_arn(name, account=ACCOUNT):
    return f"arn:aws:iam::{account}:user/{name}"


def role_arn(name, account=ACCOUNT):
    return f"arn:aws:iam::{account}:role/{name}"


def session_arn(role, session, account=ACCOUNT):
    return f"arn:aws:sts::{account}:assumed-role/{role}/{session}"


def root_arn(account=ACCOUNT):
    return f"arn:aws:iam::{account}:root"


def fixture_identities(fixtures=None):
    with open(os.path.join(fixtures or FIXTURES, "identities.json"), encoding="utf-8") as f:
        return json.load(f)


def creds_of(name, fixtures=None):
    """The first access key of fixture user `name`, or of `root@ACCOUNT`, read from the
    fixture file itself (not from kmslab)."""
    for account, acct in fixture_identities(fixtures)["accounts"].items():
        if name == f"root@{account}":
            keys = acct["rootAccessKeys"]
        else:
            users = [u for u in acct.get("users", []) if u["name"] == name]
            if not users:
                continue
            keys = users[0]["accessKeys"]
        return Creds(keys[0]["id"], keys[0]["secret"])
    raise KeyError(f"no fixture principal {name!r}")


def load_policy(name):
    """policies/NAME.json as a dict."""
    with open(os.path.join(POLICIES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def write_fixtures(dest, identities):
    """Write `identities` (a dict) as DEST/identities.json; returns DEST."""
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "identities.json"), "w", encoding="utf-8") as f:
        json.dump(identities, f, indent=1)
    return dest


def start_with_identities(identities, args=()):
    """A started Server whose fixtures are `identities` (a dict), written to a fresh
    temporary directory (the server's `fixtures`), with further `kmslab serve` arguments
    `args`; stop it with shutdown_and_remove_fixtures."""
    srv = Server(fixtures=write_fixtures(tempfile.mkdtemp(prefix="kmslab-fixtures-"), identities),
                 args=args)
    try:
        srv.start()
    except Exception:
        shutil.rmtree(srv.fixtures, ignore_errors=True)
        raise
    return srv


def shutdown_and_remove_fixtures(srv):
    try:
        srv.shutdown()
    finally:
        shutil.rmtree(srv.fixtures, ignore_errors=True)


def kmslab(*args, input=None, timeout=60, cwd=None, env=None):
    """Run the kmslab binary (not the server) in `cwd` with the KMSLAB_* variables `env` (no
    others); returns CompletedProcess with text output."""
    return subprocess.run([KMSLAB_BIN, *args], input=input, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=clean_env(env))


def sign(url, body, headers, creds, service, region=REGION, when=None):
    """The headers of a POST of `body` to `url`, SigV4-signed by botocore with `creds`
    for `service`, the signing time being `when` (a UTC datetime; None: now)."""
    if isinstance(body, str):
        body = body.encode()
    req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body, headers=headers)
    auth = botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(creds.access_key, creds.secret_key, creds.token),
        service, region)
    if when is None:
        auth.add_auth(req)
    else:
        fixed = when.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        if hasattr(botocore.auth, "get_current_datetime"):
            with unittest.mock.patch.object(botocore.auth, "get_current_datetime",
                                            lambda *a, **k: fixed):
                auth.add_auth(req)
        else:  # botocore before 1.31 reads datetime.datetime.utcnow()
            class FixedDatetime(datetime.datetime):
                @classmethod
                def utcnow(cls):
                    return fixed
            clock = types.SimpleNamespace(datetime=FixedDatetime, timedelta=datetime.timedelta,
                                          timezone=datetime.timezone)
            with unittest.mock.patch.object(botocore.auth, "datetime", clock):
                auth.add_auth(req)
    return dict(req.prepare().headers.items())


def send(url, body, headers, context=None):
    """POST `body` with exactly `headers` (over https: trusting what ssl.SSLContext
    `context` trusts); returns Response(status, headers, parsed JSON or None, bytes)."""
    if isinstance(body, str):
        body = body.encode()
    ureq = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(ureq, timeout=60, context=context) as r:
            status, rheaders, data = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, rheaders, data = e.code, e.headers, e.read()
    try:
        parsed = json.loads(data) if data else None
    except ValueError:
        parsed = None
    return Response(status, rheaders, parsed, data)


def signed_post(url, body, headers, creds, service, region=REGION, when=None, context=None):
    """sign() then send(); creds None sends `headers` unsigned (no Authorization)."""
    if creds is not None:
        headers = sign(url, body, headers, creds, service, region, when)
    return send(url, body, headers, context)


class OwnServer:
    """Mixin for a test class (before KmsTestCase in its bases) that runs its own Server,
    started before its first test and stopped after its last."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()


class KmsTestCase(unittest.TestCase):
    """Base of every test class; subclasses set `srv` to their module's Server."""

    srv = None
    maxDiff = None

    def setUp(self):
        if self.srv.proc is None:  # an earlier test left it stopped (a failed restart)
            self.srv.start()

    @property
    def kms(self):
        return self.srv.client()

    @property
    def loose(self):
        """A boto3 client without client-side validation (to reach server validation)."""
        return self.srv.client(validate=False)

    def call(self, op, need=(), **params):
        """Call `op` through boto3 when the installed client models it (and its params
        and the output members in `need`); otherwise through a raw signed request whose
        result is shaped like boto3's (blobs as bytes, times as datetimes, errors as
        ClientError)."""
        client = self.kms
        if client_models(client, op, params, need):
            return getattr(client, botocore.xform_name(op))(**params)
        r = self.srv.raw(op, _to_wire(params))
        if r.status != 200:
            body = r.body if isinstance(r.body, dict) else {}
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": error_type(body),
                           "Message": body.get("message", body.get("Message", ""))},
                 "ResponseMetadata": {"HTTPStatusCode": r.status,
                                      "HTTPHeaders": dict(r.headers.items())}}, op)
        return _from_wire(r.body or {})

    # --- helpers -----------------------------------------------------------------
    def create_key(self, **kw):
        return self.kms.create_key(**kw)["KeyMetadata"]

    def create_alias(self, key_id, prefix="alias/e2e-"):
        name = prefix + os.urandom(6).hex()
        self.kms.create_alias(AliasName=name, TargetKeyId=key_id)
        return name

    def describe(self, key_id, **kw):
        return self.kms.describe_key(KeyId=key_id, **kw)["KeyMetadata"]

    def all_key_ids(self, client=None):
        client = client or self.kms
        ids, kw = [], {"Limit": 1000}
        while True:
            r = client.list_keys(**kw)
            ids += [k["KeyId"] for k in r["Keys"]]
            if not r.get("Truncated"):
                return ids
            kw["Marker"] = r["NextMarker"]

    def all_aliases(self, **kw):
        out, kw = [], dict(kw, Limit=100)
        while True:
            r = self.kms.list_aliases(**kw)
            out += r["Aliases"]
            if not r.get("Truncated"):
                return out
            kw["Marker"] = r["NextMarker"]

    def assertApiError(self, code, message, fn, *args, **kwargs):
        """fn(*args, **kwargs) must fail with HTTP 400, error `code` and, unless
        message is None, exactly `message`. Returns the ClientError."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kwargs)
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp["Error"])
        if message is not None:
            self.assertEqual(resp["Error"]["Message"], message)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400)
        return cm.exception

    def assertRawError(self, r, code, message=None, status=400):
        """A raw Response must be a JSON error with this status, __type and message."""
        self.assertEqual(r.status, status, r.data[:500])
        self.assertIsInstance(r.body, dict, r.data[:500])
        self.assertEqual(error_type(r.body), code, r.body)
        if message is not None:
            self.assertEqual(r.body.get("message", r.body.get("Message")), message)

    def assertCliError(self, res, code, op, message):
        """An aws CLI run must fail with the CLI's service-error exit code and print
        AWS's error line."""
        self.assertEqual(res.rc, 255 if cli_major_version() == 1 else 254, res.stderr)
        self.assertIn(f"An error occurred ({code}) when calling the {op} operation: {message}",
                      res.stderr)

    def as_(self, name, service="kms"):
        """A boto3 client of `service` for fixture principal `name` (user name or
        root@ACCOUNT) of this server's fixtures."""
        return self.srv.client_as(creds_of(name, self.srv.fixtures), service)

    def assertAccessDenied(self, fn, caller, action, resource, reason, **kwargs):
        """fn(**kwargs) must fail with AccessDeniedException (HTTP 400) and exactly AWS's
        text for (caller, action, resource, reason). Returns the ClientError."""
        return self.assertApiError("AccessDeniedException",
                                   access_denied(caller, action, resource, reason), fn, **kwargs)

    def assertRecent(self, when, seconds=300):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertIsInstance(when, datetime.datetime)
        self.assertLess(abs((now - when).total_seconds()), seconds, when)
