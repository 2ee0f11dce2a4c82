"""kmslab's HTTP/1.1 front end over raw sockets and boto3: slow clients cost no worker (a
signed request is answered while 200 connections trickle header bytes, or while 300 idle
keep-alive connections wait), bodies are bounded per service however they are framed,
malformed HTTP is refused at once with an AWS-style JSON error, keep-alive outlives SDK pool
idle times, pipelining, the Date header on every service's answers, DynamoDB's x-amz-crc32,
and a DynamoDB item with a 395 KB binary attribute (and a 13 MB BatchWriteItem) next to a
600 KB KMS body that is refused. test_tls.py runs every test here over HTTPS too."""
import base64
import email.utils
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
import zlib

import botocore.exceptions

import harness
from ddb_case import DdbCase, new_name

SRV = harness.Server()
setUpModule = SRV.start
tearDownModule = SRV.shutdown

KMS_JSON = "application/x-amz-json-1.1"
PROMPT = 1.0  # seconds within which a malformed request must be answered


class RawResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lowercase names
        self.body = body

    def json(self):
        return json.loads(self.body)


def read_response(sock, timeout=5.0):
    """Reads one HTTP response (Content-Length framed) from `sock`; None when the
    connection closed before a status line."""
    sock.settimeout(timeout)
    data = getattr(sock, "_pending", b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    sock._pending = rest[length:]
    return RawResponse(status, headers, rest[:length])


class Sock(socket.socket):
    """A socket that may carry a buffer of received bytes beyond the last response."""
    _pending = b""


def connect(srv):
    """A connection to `srv`; under --tls, TLS trusting its certificate (and only it)."""
    u = urllib.parse.urlparse(srv.url)
    s = Sock(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((u.hostname, u.port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if u.scheme == "https":
        s = srv.ssl_context().wrap_socket(s, server_hostname=u.hostname)
    return s


def http_connection(srv, timeout):
    """An http.client connection to `srv` (HTTPS under --tls)."""
    u = urllib.parse.urlparse(srv.url)
    if u.scheme == "https":
        return http.client.HTTPSConnection(u.hostname, u.port, timeout=timeout, context=srv.ssl_context())
    return http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)


def host(srv):
    return urllib.parse.urlparse(srv.url).netloc


def signed_request(srv, target, body, chunked=False, service="kms", content_type=KMS_JSON, extra=()):
    """The bytes of a SigV4-signed POST / (Content-Length framed, or chunked in 3 pieces)."""
    if isinstance(body, str):
        body = body.encode()
    headers = harness.sign(srv.url + "/", body, {"Content-Type": content_type, "X-Amz-Target": target},
                           harness.ADMIN, service)
    lines = [f"POST / HTTP/1.1", f"Host: {host(srv)}"]
    for name, value in headers.items():
        if name.lower() not in ("host", "content-length"):
            lines.append(f"{name}: {value}")
    lines += list(extra)
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        third = max(1, len(body) // 3)
        pieces = [body[:third], body[third:2 * third], body[2 * third:]]
        payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p) + b"0\r\n\r\n"
    else:
        lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def send_chunks(srv, head, size, count):
    """Sends `head` then `count` chunks of `size` bytes on a fresh connection (stopping if
    the server answers and closes first); returns the response."""
    chunk = b"%x\r\n%s\r\n" % (size, b"a" * size)
    with connect(srv) as s:
        s.sendall(head)
        try:
            for _ in range(count):
                s.sendall(chunk)
        except OSError:  # BrokenPipeError, ConnectionResetError, or TLS's word for them
            pass  # answered and closed while we were still sending
        return read_response(s, timeout=10)


class FrontEndTest(DdbCase):
    srv = SRV

    def assertFrontEndError(self, response, status, aws_type=None):
        self.assertIsNotNone(response, "the server closed without answering")
        self.assertEqual(response.status, status, response.body[:300])
        body = response.json()
        self.assertIsInstance(body.get("__type"), str, body)
        self.assertTrue(body.get("message"), body)
        if aws_type:
            self.assertEqual(body["__type"], aws_type)
        self.assertRegex(response.headers.get("x-amzn-requestid", ""), harness.UUID_RE)
        self.assertEqual(response.headers.get("connection", "").lower(), "close")
        self.assertIn("date", response.headers)

    def send_and_time(self, raw):
        """Sends `raw` on a fresh connection; returns (response, seconds to answer)."""
        with connect(self.srv) as s:
            start = time.monotonic()
            try:
                s.sendall(raw)
            except OSError:  # BrokenPipeError, ConnectionResetError, or TLS's word for them
                pass  # answered and closed while we were still sending
            response = read_response(s, timeout=10)
            return response, time.monotonic() - start

    # --- slow and idle clients ---------------------------------------------------------
    def test_slowloris_does_not_starve_signed_requests(self):
        self.kms.list_keys()  # the client's connection is open before the flood
        socks, stop = [], threading.Event()
        try:
            for _ in range(200):
                s = connect(self.srv)
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
                socks.append(s)

            def trickle():
                while not stop.is_set():
                    for s in socks:
                        try:
                            s.send(b"X")
                        except OSError:
                            pass
                    stop.wait(0.5)
            t = threading.Thread(target=trickle, daemon=True)
            t.start()
            time.sleep(1.0)
            fresh = self.srv.client_as(harness.Creds(harness.ACCESS_KEY, harness.SECRET_KEY), "kms")
            for client in (self.kms, fresh):
                start = time.monotonic()
                client.list_keys()
                self.assertLess(time.monotonic() - start, 2.0)
            # The slow connections are still open (not simply refused): none has an answer yet.
            open_count = 0
            for s in socks[:20]:
                s.setblocking(False)
                try:
                    if s.recv(1):
                        open_count -= 1000
                except (BlockingIOError, ssl.SSLWantReadError):  # TLS: at most a session ticket came
                    open_count += 1
            self.assertEqual(open_count, 20)
        finally:
            stop.set()
            for s in socks:
                s.close()

    def test_connection_reused_after_7s_idle(self):
        with connect(self.srv) as s:
            s.sendall(signed_request(self.srv, "TrentService.ListKeys", "{}"))
            first = read_response(s)
            self.assertEqual(first.status, 200, first.body)
            time.sleep(7)
            s.sendall(signed_request(self.srv, "TrentService.ListKeys", "{}"))
            second = read_response(s)
            self.assertIsNotNone(second, "the idle connection was closed")
            self.assertEqual(second.status, 200, second.body)

    def test_http_client_connection_reused_after_6s_idle(self):
        conn = http_connection(self.srv, timeout=10)
        try:
            answers = []
            for wait in (0, 6.5):
                time.sleep(wait)
                headers = harness.sign(self.srv.url + "/", b"{}", {"Content-Type": KMS_JSON,
                                                              "X-Amz-Target": "TrentService.ListKeys"},
                                       harness.ADMIN, "kms")
                conn.request("POST", "/", body=b"{}", headers=headers)
                r = conn.getresponse()
                answers.append((r.status, r.read(), conn.sock))
            self.assertEqual([a[0] for a in answers], [200, 200], answers[-1][1])
            self.assertIs(answers[0][2], answers[1][2], "the request went on a new connection")
        finally:
            conn.close()

    def test_idle_keep_alive_connections_do_not_starve_signed_requests(self):
        # Each connection has had a request answered and waits, kept alive, for its next:
        # far more of them than worker threads (16), none holding one.
        idle = []
        try:
            for _ in range(300):
                s = connect(self.srv)
                s.sendall(signed_request(self.srv, "TrentService.ListKeys", "{}"))
                idle.append(s)
            for s in idle:
                self.assertEqual(read_response(s).status, 200)
            fresh = self.srv.client_as(harness.Creds(harness.ACCESS_KEY, harness.SECRET_KEY), "kms")
            for client in (self.kms, fresh, self.ddb):
                start = time.monotonic()
                client.list_tables() if client is self.ddb else client.list_keys()
                self.assertLess(time.monotonic() - start, 2.0)
            # The idle connections were kept, and still serve.
            for s in idle[:: 50]:
                s.sendall(signed_request(self.srv, "TrentService.ListKeys", "{}"))
                r = read_response(s)
                self.assertIsNotNone(r, "an idle connection was closed")
                self.assertEqual(r.status, 200)
        finally:
            for s in idle:
                s.close()

    def test_pipelined_requests_answered_in_order(self):
        with connect(self.srv) as s:
            s.sendall(signed_request(self.srv, "TrentService.ListKeys", "{}")
                      + signed_request(self.srv, "TrentService.GenerateRandom", '{"NumberOfBytes": 7}')
                      + signed_request(self.srv, "TrentService.ListKeys", "{}", chunked=True))
            first, second, third = read_response(s), read_response(s), read_response(s)
        self.assertEqual([first.status, second.status, third.status], [200, 200, 200])
        self.assertIn("Keys", first.json())
        self.assertEqual(len(base64.b64decode(second.json()["Plaintext"])), 7)
        self.assertIn("Keys", third.json())
        ids = {r.headers["x-amzn-requestid"] for r in (first, second, third)}
        self.assertEqual(len(ids), 3)

    # --- bodies ------------------------------------------------------------------------
    def test_chunked_body_over_kms_limit_is_413_promptly(self):
        head = (f"POST / HTTP/1.1\r\nHost: {host(self.srv)}\r\nX-Amz-Target: TrentService.Encrypt\r\n"
                f"Content-Type: {KMS_JSON}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        start = time.monotonic()
        response = send_chunks(self.srv, head, 64 * 1024, 12)  # 768 KiB, past the 512 KiB limit
        elapsed = time.monotonic() - start
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")
        self.assertLess(elapsed, 3.0)
        self.kms.list_keys()  # still serving

    def test_content_length_over_kms_limit_is_413_before_the_body(self):
        head = (f"POST / HTTP/1.1\r\nHost: {host(self.srv)}\r\nX-Amz-Target: TrentService.Encrypt\r\n"
                f"Content-Length: {600 * 1024}\r\n\r\n").encode()
        response, elapsed = self.send_and_time(head)  # no body byte sent
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")
        self.assertLess(elapsed, PROMPT)

    def test_600kb_kms_body_is_refused(self):
        key = self.kms.create_key()["KeyMetadata"]["KeyId"]
        body = json.dumps({"KeyId": key, "Plaintext": base64.b64encode(b"x" * 450_000).decode()})
        self.assertGreater(len(body), 600_000)
        response, _ = self.send_and_time(signed_request(self.srv, "TrentService.Encrypt", body))
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")

    def test_valid_chunked_and_content_length_bodies(self):
        for chunked in (False, True):
            with self.subTest(chunked=chunked), connect(self.srv) as s:
                s.sendall(signed_request(self.srv, "TrentService.GenerateRandom", '{"NumberOfBytes": 12}',
                                         chunked=chunked))
                r = read_response(s)
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(len(base64.b64decode(r.json()["Plaintext"])), 12)

    def test_expect_100_continue(self):
        raw = signed_request(self.srv, "TrentService.GenerateRandom", '{"NumberOfBytes": 5}',
                             extra=["Expect: 100-continue"])
        head, body = raw.split(b"\r\n\r\n", 1)
        with connect(self.srv) as s:
            s.sendall(head + b"\r\n\r\n")
            interim = read_response(s)
            self.assertEqual(interim.status, 100)
            s.sendall(body)
            r = read_response(s)
        self.assertEqual(r.status, 200, r.body)

    def test_post_without_length_has_an_empty_body(self):
        raw = f"POST / HTTP/1.1\r\nHost: {host(self.srv)}\r\nContent-Type: {KMS_JSON}\r\n\r\n".encode()
        response, elapsed = self.send_and_time(raw)
        self.assertLess(elapsed, PROMPT)
        self.assertEqual(response.status, 400)
        self.assertEqual(response.json()["__type"], "UnknownOperationException")

    def test_ddb_item_with_395kb_binary_attribute(self):
        name = self.create_table(new_name("big"))["TableName"]
        self.wait_status(name, "ACTIVE")
        blob = bytes(range(256)) * (395_000 // 256)
        self.put(name, "big", b={"B": blob})
        item = self.get(name, "big")
        self.assertEqual(item["b"]["B"], blob)

    def test_ddb_item_over_400kb_gets_dynamodb_answer(self):
        name = self.create_table(new_name("toobig"))["TableName"]
        self.wait_status(name, "ACTIVE")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.put(name, "big", b={"B": b"x" * (401 * 1024)})  # 400 KB is 409,600 bytes
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["Error"]["Message"], "Item size has exceeded the maximum allowed size")
        self.assertIsNone(self.get(name, "big"))

    def test_ddb_batch_write_of_13mb(self):
        # 25 items of 395 KB binary: about 9.9 MB of items, 13.2 MB of JSON on the wire.
        name = self.create_table(new_name("batch"))["TableName"]
        self.wait_status(name, "ACTIVE")
        blob = bytes(range(256)) * (395_000 // 256)
        requests = [{"PutRequest": {"Item": {"pk": {"S": f"i{i}"}, "b": {"B": blob}}}}
                    for i in range(25)]
        r = self.ddb.batch_write_item(RequestItems={name: requests})
        self.assertEqual(r["UnprocessedItems"], {})
        for i in (0, 24):
            self.assertEqual(self.get(name, f"i{i}")["b"]["B"], blob)

    def test_ddb_body_over_its_limit_is_413_however_framed(self):
        target = "DynamoDB_20120810.PutItem"
        head = (f"POST / HTTP/1.1\r\nHost: {host(self.srv)}\r\nX-Amz-Target: {target}\r\n"
                f"Content-Type: application/x-amz-json-1.0\r\n")
        response, elapsed = self.send_and_time((head + f"Content-Length: {25 * 1024 * 1024}\r\n\r\n").encode())
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")
        self.assertLess(elapsed, PROMPT)
        # 26 MiB, past the 24 MiB limit
        response = send_chunks(self.srv, (head + "Transfer-Encoding: chunked\r\n\r\n").encode(), 1024 * 1024, 26)
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")
        self.ddb.list_tables()  # still serving

    # --- DynamoDB's x-amz-crc32 -----------------------------------------------------------
    def assertCrc32(self, response):
        self.assertEqual(response.headers.get("x-amz-crc32"), str(zlib.crc32(response.body)),
                         response.headers)

    def test_ddb_answers_carry_crc32_of_their_body(self):
        # boto3 verifies x-amz-crc32 when present: these calls pass only if it is right.
        name = self.create_table(new_name("crc"))["TableName"]
        self.wait_status(name, "ACTIVE")
        self.put(name, "a", v={"S": "\u00e9t\u00e9"})
        self.assertEqual(self.get(name, "a")["v"]["S"], "\u00e9t\u00e9")
        meta = self.ddb.list_tables()["ResponseMetadata"]
        self.assertRegex(meta["HTTPHeaders"]["x-amz-crc32"], r"^[0-9]+$")
        # Computed independently over the raw body: a success, an error, and the Streams API.
        for target, body, status in (
                ("DynamoDB_20120810.DescribeTable", {"TableName": name}, 200),
                ("DynamoDB_20120810.DescribeTable", {"TableName": "no-such-table"}, 400),
                ("DynamoDBStreams_20120810.ListStreams", {}, 200)):
            with self.subTest(target=target), connect(self.srv) as s:
                s.sendall(signed_request(self.srv, target, json.dumps(body), service="dynamodb",
                                         content_type="application/x-amz-json-1.0"))
                r = read_response(s)
                self.assertEqual(r.status, status, r.body)
                self.assertCrc32(r)
        # KMS answers do not carry it.
        with connect(self.srv) as s:
            s.sendall(signed_request(self.srv, "TrentService.ListKeys", "{}"))
            self.assertNotIn("x-amz-crc32", read_response(s).headers)

    # --- malformed HTTP ------------------------------------------------------------------
    def test_malformed_requests_refused_at_once(self):
        base = f"POST / HTTP/1.1\r\nHost: {host(self.srv)}\r\nX-Amz-Target: TrentService.ListKeys\r\n"
        cases = [
            ("header without colon", base + "NoColonHere\r\n\r\n", 400),
            ("whitespace before colon", base + "X-A : b\r\n\r\n", 400),
            ("negative Content-Length", base + "Content-Length: -1\r\n\r\n", 400),
            ("non-numeric Content-Length", base + "Content-Length: abc\r\n\r\n", 400),
            ("overflowing Content-Length", base + "Content-Length: 99999999999999999999999\r\n\r\n", 400),
            ("huge Content-Length", base + "Content-Length: 99999999999\r\n\r\n", 413),
            ("disagreeing Content-Lengths", base + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
            ("obs-fold", base + "X-A: b\r\n folded\r\n\r\n", 400),
            ("10,000 headers", base + "".join(f"X-H{i}: v\r\n" for i in range(10_000)) + "\r\n", 431),
            ("Transfer-Encoding and Content-Length", base + "Transfer-Encoding: chunked\r\n"
             "Content-Length: 5\r\n\r\n0\r\n\r\n", 400),
            ("unknown transfer coding", base + "Transfer-Encoding: gzip\r\n\r\n", 501),
            ("control byte in a value", base + "X-A: a\x01b\r\n\r\n", 400),
            ("request line over 8 KiB", "GET /" + "a" * 9000 + " HTTP/1.1\r\n\r\n", 414),
            ("HTTP/2.0 request line", "POST / HTTP/2.0\r\n\r\n", 505),
        ]
        for what, raw, status in cases:
            with self.subTest(what):
                response, elapsed = self.send_and_time(raw.encode("latin-1"))
                self.assertFrontEndError(response, status)
                self.assertLess(elapsed, PROMPT)

    def test_incomplete_headers_time_out_with_408(self):
        # The header deadline is 10 s; an idle connection that sent nothing is not timed out by it.
        with connect(self.srv) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
            start = time.monotonic()
            response = read_response(s, timeout=20)
            elapsed = time.monotonic() - start
        self.assertFrontEndError(response, 408, "RequestTimeoutException")
        self.assertGreater(elapsed, 8.0)
        self.assertLess(elapsed, 12.0)

    # --- headers of every response -------------------------------------------------------
    def test_date_header_on_every_response(self):
        meta = self.kms.list_keys()["ResponseMetadata"]
        ok_date = meta["HTTPHeaders"].get("date")
        self.assertIsNotNone(ok_date, meta["HTTPHeaders"])
        error, _ = self.send_and_time(b"POST / HTTP/1.1\r\nNoColon\r\n\r\n")
        for text in (ok_date, error.headers.get("date")):
            self.assertRegex(text, r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
            when = email.utils.parsedate_to_datetime(text).timestamp()
            self.assertLess(abs(when - time.time()), 60)

    def test_date_header_on_every_service_and_error(self):
        answers = []
        answers.append(self.ddb.list_tables()["ResponseMetadata"]["HTTPHeaders"])
        sts = self.srv.client_as(harness.Creds(harness.ACCESS_KEY, harness.SECRET_KEY), "sts")
        answers.append(sts.get_caller_identity()["ResponseMetadata"]["HTTPHeaders"])
        for fn, kw in ((self.ddb.describe_table, {"TableName": "no-such-table"}),
                       (self.kms.describe_key, {"KeyId": "alias/no-such-alias"})):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                fn(**kw)
            answers.append(cm.exception.response["ResponseMetadata"]["HTTPHeaders"])
        answers.append({k.lower(): v for k, v in
                        self.srv.admin_request("GET", "/_kmslab/clock").headers.items()})
        too_big, _ = self.send_and_time(
            (f"POST / HTTP/1.1\r\nHost: {host(self.srv)}\r\nX-Amz-Target: TrentService.Encrypt\r\n"
             f"Content-Length: {600 * 1024}\r\n\r\n").encode())
        answers.append(too_big.headers)
        for headers in answers:
            with self.subTest(headers=headers):
                text = headers.get("date")
                self.assertIsNotNone(text)
                self.assertRegex(text, r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
                self.assertLess(abs(email.utils.parsedate_to_datetime(text).timestamp() - time.time()), 60)

    def test_http10_closes_unless_keep_alive(self):
        with connect(self.srv) as s:
            s.sendall(b"POST / HTTP/1.0\r\n\r\n")
            r = read_response(s)
            self.assertEqual(r.status, 400)  # no X-Amz-Target: UnknownOperation
            self.assertEqual(r.headers.get("connection", "").lower(), "close")
            s.settimeout(2)
            self.assertEqual(s.recv(1), b"")  # closed after the answer


if __name__ == "__main__":
    import unittest
    unittest.main()
