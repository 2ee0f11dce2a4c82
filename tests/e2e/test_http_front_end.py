"""kmslab's HTTP/1.1 front end over raw sockets and boto3: slow clients cost no worker (a
signed request is answered while 200 connections trickle header bytes), bodies are bounded
per service however they are framed, malformed HTTP is refused at once with an AWS-style
JSON error, keep-alive outlives SDK pool idle times, pipelining, the Date header, and a
DynamoDB item with a 395 KB binary attribute next to a 600 KB KMS body that is refused."""
import base64
import email.utils
import json
import socket
import threading
import time
import urllib.parse

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


def connect():
    u = urllib.parse.urlparse(SRV.url)
    s = Sock(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((u.hostname, u.port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def host():
    return urllib.parse.urlparse(SRV.url).netloc


def signed_request(target, body, chunked=False, service="kms", content_type=KMS_JSON, extra=()):
    """The bytes of a SigV4-signed POST / (Content-Length framed, or chunked in 3 pieces)."""
    if isinstance(body, str):
        body = body.encode()
    headers = harness.sign(SRV.url + "/", body, {"Content-Type": content_type, "X-Amz-Target": target},
                           harness.ADMIN, service)
    lines = [f"POST / HTTP/1.1", f"Host: {host()}"]
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
        with connect() as s:
            start = time.monotonic()
            try:
                s.sendall(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass  # answered and closed while we were still sending
            response = read_response(s, timeout=10)
            return response, time.monotonic() - start

    # --- slow and idle clients ---------------------------------------------------------
    def test_slowloris_does_not_starve_signed_requests(self):
        self.kms.list_keys()  # the client's connection is open before the flood
        socks, stop = [], threading.Event()
        try:
            for _ in range(200):
                s = connect()
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
                except BlockingIOError:
                    open_count += 1
            self.assertEqual(open_count, 20)
        finally:
            stop.set()
            for s in socks:
                s.close()

    def test_connection_reused_after_7s_idle(self):
        with connect() as s:
            s.sendall(signed_request("TrentService.ListKeys", "{}"))
            first = read_response(s)
            self.assertEqual(first.status, 200, first.body)
            time.sleep(7)
            s.sendall(signed_request("TrentService.ListKeys", "{}"))
            second = read_response(s)
            self.assertIsNotNone(second, "the idle connection was closed")
            self.assertEqual(second.status, 200, second.body)

    def test_pipelined_requests_answered_in_order(self):
        with connect() as s:
            s.sendall(signed_request("TrentService.ListKeys", "{}")
                      + signed_request("TrentService.GenerateRandom", '{"NumberOfBytes": 7}')
                      + signed_request("TrentService.ListKeys", "{}", chunked=True))
            first, second, third = read_response(s), read_response(s), read_response(s)
        self.assertEqual([first.status, second.status, third.status], [200, 200, 200])
        self.assertIn("Keys", first.json())
        self.assertEqual(len(base64.b64decode(second.json()["Plaintext"])), 7)
        self.assertIn("Keys", third.json())
        ids = {r.headers["x-amzn-requestid"] for r in (first, second, third)}
        self.assertEqual(len(ids), 3)

    # --- bodies ------------------------------------------------------------------------
    def test_chunked_body_over_kms_limit_is_413_promptly(self):
        head = (f"POST / HTTP/1.1\r\nHost: {host()}\r\nX-Amz-Target: TrentService.Encrypt\r\n"
                f"Content-Type: {KMS_JSON}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
        with connect() as s:
            start = time.monotonic()
            s.sendall(head)
            try:
                for _ in range(12):  # 768 KiB, past the 512 KiB limit
                    s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            response = read_response(s, timeout=10)
            elapsed = time.monotonic() - start
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")
        self.assertLess(elapsed, 3.0)
        self.kms.list_keys()  # still serving

    def test_content_length_over_kms_limit_is_413_before_the_body(self):
        head = (f"POST / HTTP/1.1\r\nHost: {host()}\r\nX-Amz-Target: TrentService.Encrypt\r\n"
                f"Content-Length: {600 * 1024}\r\n\r\n").encode()
        response, elapsed = self.send_and_time(head)  # no body byte sent
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")
        self.assertLess(elapsed, PROMPT)

    def test_600kb_kms_body_is_refused(self):
        key = self.kms.create_key()["KeyMetadata"]["KeyId"]
        body = json.dumps({"KeyId": key, "Plaintext": base64.b64encode(b"x" * 450_000).decode()})
        self.assertGreater(len(body), 600_000)
        response, _ = self.send_and_time(signed_request("TrentService.Encrypt", body))
        self.assertFrontEndError(response, 413, "RequestEntityTooLargeException")

    def test_valid_chunked_and_content_length_bodies(self):
        for chunked in (False, True):
            with self.subTest(chunked=chunked), connect() as s:
                s.sendall(signed_request("TrentService.GenerateRandom", '{"NumberOfBytes": 12}',
                                         chunked=chunked))
                r = read_response(s)
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(len(base64.b64decode(r.json()["Plaintext"])), 12)

    def test_expect_100_continue(self):
        raw = signed_request("TrentService.GenerateRandom", '{"NumberOfBytes": 5}',
                             extra=["Expect: 100-continue"])
        head, body = raw.split(b"\r\n\r\n", 1)
        with connect() as s:
            s.sendall(head + b"\r\n\r\n")
            interim = read_response(s)
            self.assertEqual(interim.status, 100)
            s.sendall(body)
            r = read_response(s)
        self.assertEqual(r.status, 200, r.body)

    def test_post_without_length_has_an_empty_body(self):
        raw = f"POST / HTTP/1.1\r\nHost: {host()}\r\nContent-Type: {KMS_JSON}\r\n\r\n".encode()
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

    # --- malformed HTTP ------------------------------------------------------------------
    def test_malformed_requests_refused_at_once(self):
        base = f"POST / HTTP/1.1\r\nHost: {host()}\r\nX-Amz-Target: TrentService.ListKeys\r\n"
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
        with connect() as s:
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

    def test_http10_closes_unless_keep_alive(self):
        with connect() as s:
            s.sendall(b"POST / HTTP/1.0\r\n\r\n")
            r = read_response(s)
            self.assertEqual(r.status, 400)  # no X-Amz-Target: UnknownOperation
            self.assertEqual(r.headers.get("connection", "").lower(), "close")
            s.settimeout(2)
            self.assertEqual(s.recv(1), b"")  # closed after the answer


if __name__ == "__main__":
    import unittest
    unittest.main()
