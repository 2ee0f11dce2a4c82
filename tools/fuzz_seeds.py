#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs, extracted from the project's own test data.

    python3 tools/fuzz_seeds.py OUT_DIR

OUT_DIR/<target>/ gets one file per seed, in the input format the target's
source (tests/fuzz/<target>_fuzz.cc) describes. Sources: the wire corpus
(tests/corpus/wire), the policy corpus (tests/corpus/policy), policies/,
labs/ and tests/corpus/labs (scenarios and the KMS and DynamoDB requests
they make). Small hand-picked seeds for targets without a corpus live in
tests/fuzz/seeds/<target>/ and are passed to the fuzzer beside these.
The output is a pure function of the repository: rerunning rewrites it.
"""
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEPARATOR = "\n@@\n"
VAR = re.compile(r"\$\{(\w+)\}")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Seeds:
    def __init__(self, out):
        self.out = out
        self.counts = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        directory = os.path.join(self.out, target)
        os.makedirs(directory, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.counts[target] = self.counts.get(target, 0) + 1


def substitute(text):
    """${name} of the corpora -> names the fuzz stack defines."""
    return VAR.sub(lambda m: "${grantToken}" if "token" in m.group(1).lower() else "alias/fuzz-key", text)


def dumps(value):
    return json.dumps(value, separators=(",", ":"))


def wire_requests():
    """(operation, body) of every KMS request in the wire corpus, by file."""
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/corpus/wire/*.json"))):
        steps = []
        for step in load(path)["steps"]:
            body = step["rawBody"] if "rawBody" in step else dumps(step.get("body", {})) if "body" in step else ""
            steps.append((step["target"], substitute(body)))
        yield steps


def lab_files():
    return sorted(glob.glob(os.path.join(ROOT, "labs/*.json")) +
                  glob.glob(os.path.join(ROOT, "tests/corpus/labs/*.json")))


def lab_calls():
    """(service, operation, params) of every call in the labs, by file."""
    for path in lab_files():
        doc = load(path)
        calls = []
        for step in doc.get("setup", []) + doc.get("steps", []):
            if "call" in step and ":" in step["call"]:
                service, operation = step["call"].split(":", 1)
                calls.append((service, operation, step.get("params", {})))
        yield calls


def records(requests):
    return SEPARATOR.join(f"{operation}\n{body}" for operation, body in requests)


def chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def walk(value):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def kms_and_audit(seeds):
    for steps in wire_requests():
        for target, body in steps:
            operation = target.split(".", 1)[1] if target.startswith("TrentService.") else target
            seeds.add("kms_wire", f"{operation}\n{body}")
            seeds.add("audit_event", f"{operation}\n\n\nfuzz\n{body}")
            seeds.add("audit_event", f"{operation}\nAccessDeniedException\nUser: x is not authorized\n\n{body}")
        for group in chunks([(t.split(".", 1)[-1] if t.startswith("TrentService.") else t, b) for t, b in steps], 8):
            seeds.add("kms_wire", records(group))
    for calls in lab_calls():
        kms = [(op, substitute(dumps(p))) for service, op, p in calls if service == "kms"]
        for op, body in kms:
            seeds.add("kms_wire", f"{op}\n{body}")
        for group in chunks(kms, 8):
            seeds.add("kms_wire", records(group))


def ddb_and_expressions(seeds):
    kinds = {"ConditionExpression": "condition", "FilterExpression": "filter",
             "KeyConditionExpression": "key", "ProjectionExpression": "projection"}
    for calls in lab_calls():
        ddb = [(op, substitute(dumps(p))) for service, op, p in calls if service == "dynamodb"]
        for group in chunks(ddb, 8):
            seeds.add("ddb_wire", records(group))
        for service, op, params in calls:
            if service != "dynamodb":
                continue
            on_fuzz = dict(params, TableName="fuzz") if "TableName" in params else params
            seeds.add("ddb_wire", f"{op}\n{substitute(dumps(on_fuzz))}")
            for value in walk(params):
                if isinstance(value, dict) and "Item" in value and isinstance(value["Item"], dict):
                    seeds.add("attribute_value", "1 1.0\n" + dumps(value["Item"]))
                    for av in value["Item"].values():
                        seeds.add("attribute_value", "-0.5 5E-1\n" + dumps(av))
            context = {"names": params.get("ExpressionAttributeNames", {}),
                       "values": params.get("ExpressionAttributeValues", {}), "item": params.get("Item", {})}
            for member, kind in kinds.items():
                if isinstance(params.get(member), str):
                    seeds.add("expression", f"{kind}\n{params[member]}\n{dumps(context)}")


def unit_test_expressions(seeds):
    """The expressions of src/ddb/expressions_test.cc, against its names, values and item."""
    with open(os.path.join(ROOT, "src/ddb/expressions_test.cc"), encoding="utf-8") as f:
        source = f.read()
    consts = {name: json.loads(text) for name, text in
              re.findall(r'const char (k\w+)\[\] = R"\((.*?)\)";', source, re.S)}
    context = dumps({"names": consts.get("kNames", {}), "values": consts.get("kValues", {}),
                     "item": consts.get("kItem", {})})
    kinds = {"Eval": "condition", "ConditionError": "condition", "Condition::Parse": "condition",
             "Key": "key", "KeyError": "key", "ParseKeyCondition": "key",
             "ProjectionError": "projection", "ParseProjection": "projection"}
    for call, literal in re.findall(r'\b(Eval|ConditionError|Condition::Parse|KeyError|Key|ParseKeyCondition|'
                                    r'ProjectionError|ParseProjection)\("((?:[^"\\]|\\.)*)"', source):
        expression = re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), literal)
        if "\n" not in expression:
            seeds.add("expression", f"{kinds[call]}\n{expression}\n{context}")
    for name in ("kValues", "kItem"):
        for av in consts.get(name, {}).values():
            seeds.add("attribute_value", "25E-1 2.50\n" + dumps(av))
    seeds.add("attribute_value", "0 -0.0\n" + dumps(consts.get("kItem", {})))


def policies(seeds):
    for path in sorted(glob.glob(os.path.join(ROOT, "policies/*.json"))):
        with open(path, encoding="utf-8") as f:
            seeds.add("policy", "key\n\n\n" + f.read())
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/corpus/policy/*.json"))):
        doc = load(path)
        named = doc.get("policies", {})
        for item in named.values():
            kind = "identity" if item.get("kind") == "identity" else "key"
            seeds.add("policy", f"{kind}\n\n\n{dumps(item['document'])}")
        for item in doc.get("invalid_policies", []):
            kind = "identity" if item.get("kind") == "identity" else "key"
            text = item["text"] if "text" in item else dumps(item["document"])
            seeds.add("policy", f"{kind}\n\n\n{text}")
        defaults = doc.get("defaults", {})
        for request in doc.get("requests", []):
            r = dict(defaults, **request)
            principal = r.get("principal")
            if isinstance(principal, dict):
                principal = principal.get("arn") or principal.get("service", "")
            head = " ".join(["key", r.get("action", ""), principal or "", r.get("resource", "")])
            context = "&".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                               for k, v in r.get("context", {}).items())
            ec = "&".join(f"{k}={v}" for k, v in r.get("encryption_context", {}).items())
            policy = named.get(r.get("key_policy") or "", {}).get("document")
            if policy is not None:
                seeds.add("policy", f"{head}\n{context}\n{ec}\n{dumps(policy)}")


def scenarios(seeds):
    for path in lab_files():
        with open(path, encoding="utf-8") as f:
            seeds.add("scenario", "KeyMetadata.Arn\n" + f.read())


def blobs_and_tokens(seeds):
    for arn, plaintext in [("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", b"hi"),
                           ("k", b"")]:
        header = b"KL\x01" + bytes([len(arn)]) + arn.encode() + struct.pack(">I", 1)
        blob = header + bytes(12) + plaintext + bytes(16)
        seeds.add("ciphertext_blob", b"purpose=fuzz&a=b\n" + blob)
        seeds.add("ciphertext_blob", b"\n" + blob)
    for grant, key in [("0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
                        "1234abcd-12ab-34cd-56ef-1234567890ab"), ("g", "k")]:
        text = f"kmslab-grant-token-v1:{grant}:{key}:00112233445566778899aabbccddeeff"
        seeds.add("grant_token", base64.urlsafe_b64encode(text.encode()).rstrip(b"="))


def http_requests(seeds):
    """Raw HTTP/1.1 requests as SDKs send them, built around the wire corpus' KMS bodies."""
    head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1:4599\r\nX-Amz-Target: TrentService.{op}\r\n"
            "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Date: 20261203T000000Z\r\n"
            "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/kms/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature={sig}\r\n")
    for steps in wire_requests():
        for target, body in steps[:3]:
            start = head.format(op=target.split(".")[-1], sig="0" * 64)
            seeds.add("http_request", f"{start}Content-Length: {len(body.encode())}\r\n\r\n{body}")
    chunked = head.format(op="ListKeys", sig="0" * 64) + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    seeds.add("http_request", chunked)
    seeds.add("http_request", "GET /_kmslab/clock HTTP/1.1\r\nHost: x\r\n\r\nGET /_kmslab/clock HTTP/1.0\r\n\r\n")
    seeds.add("http_request", "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}")


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    out = argv[1]
    shutil.rmtree(out, ignore_errors=True)
    seeds = Seeds(out)
    kms_and_audit(seeds)
    ddb_and_expressions(seeds)
    unit_test_expressions(seeds)
    policies(seeds)
    scenarios(seeds)
    blobs_and_tokens(seeds)
    http_requests(seeds)
    print("seeds: " + ", ".join(f"{t} {n}" for t, n in sorted(seeds.counts.items())))


if __name__ == "__main__":
    main(sys.argv)
