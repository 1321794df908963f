"""HTTP protocol limits, errors, headers and timeouts against the real binary."""

import re
import socket
import time
import unittest

import harness
from harness import ServerTestCase, raw_request, wait_closed_by_peer

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": None,
    "cache-control": "no-store",
}


def req(method: str, target: str, headers: dict = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class HttpLimitsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def assertServerUp(self):
        with self.server.client() as c:
            r = c.get("/healthz")
            self.assertEqual(r.status, 200, str(r))
        self.assertTrue(self.server.running(), self.server.output())

    def assertSecurityHeaders(self, headers, what):
        get = (lambda k: headers.get(k)) if isinstance(headers, dict) else headers.get
        for name, want in SECURITY_HEADERS.items():
            got = get(name)
            self.assertIsNotNone(got, f"{what}: missing {name}")
            if want is not None:
                self.assertEqual(got, want, f"{what}: {name}")
        csp = get("content-security-policy")
        self.assertIsNotNone(csp, f"{what}: missing Content-Security-Policy")
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertIsNone(get("server"), f"{what}: Server header leaks the implementation")
        self.assertTrue(get("x-request-id"), f"{what}: missing X-Request-Id")

    # -- size limits -------------------------------------------------------------------------
    def test_431_for_9kib_header(self):
        r = raw_request(self.server, req("GET", "/healthz", {"X-Filler": "a" * 9 * 1024}))
        self.assertIsNotNone(r, "closed without a response")
        self.assertJsonError(r, 431, "headers_too_large")
        self.assertSecurityHeaders(r.headers, "431")
        # Many small headers adding up to more than 8 KiB are refused the same way.
        many = {f"X-H{i}": "b" * 100 for i in range(100)}
        r = raw_request(self.server, req("GET", "/healthz", many))
        self.assertJsonError(r, 431, "headers_too_large")
        self.assertServerUp()

    def test_headers_below_limit_accepted(self):
        r = raw_request(self.server, req("GET", "/healthz", {"X-Filler": "a" * 6 * 1024}))
        self.assertEqual(r.status, 200)

    def test_413_for_2mib_body(self):
        # Only the head is sent: the server must answer from Content-Length alone (and we
        # avoid a reset racing the response while we would still be sending).
        r = raw_request(self.server, req("POST", "/api/v1/auth/login",
                                         {"Content-Type": "application/json",
                                          "Content-Length": str(2 * 1024 * 1024)}))
        self.assertIsNotNone(r, "closed without a response")
        self.assertJsonError(r, 413, "body_too_large")
        self.assertSecurityHeaders(r.headers, "413")
        self.assertServerUp()

    def test_413_for_chunked_body_over_limit(self):
        r = raw_request(self.server, req("POST", "/api/v1/auth/login",
                                         {"Content-Type": "application/json",
                                          "Transfer-Encoding": "chunked"},
                                         b"%x\r\n" % (2 * 1024 * 1024)))
        self.assertIsNotNone(r, "closed without a response")
        self.assertJsonError(r, 413, "body_too_large")
        self.assertServerUp()

    def test_1mib_body_accepted(self):
        body = b'{"name":"x"}' + b" " * (1024 * 1024 - 12)
        r = self.c.post("/api/v1/auth/tokens", body, headers={"Content-Type": "application/json"})
        self.assertJsonError(r, 401)  # read completely, then refused for lack of credentials

    # -- malformed HTTP ----------------------------------------------------------------------
    def test_400_for_garbage(self):
        for data in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET /healthz HTTP/9.9\r\n\r\n",
                     b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 64,
                     b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"):
            with self.subTest(data=data[:30]):
                r = raw_request(self.server, data)
                self.assertIsNotNone(r, "closed without a response")
                self.assertJsonError(r, 400, "malformed_request")
                self.assertTrue(r.closed, "the connection is closed after a malformed request")
                self.assertSecurityHeaders(r.headers, "400")
        self.assertServerUp()

    def test_content_length_with_transfer_encoding_is_400(self):
        body = b'{"username":"a","password":"b"}'
        for hdrs in ({"Content-Length": "5", "Transfer-Encoding": "chunked"},
                     {"Transfer-Encoding": "chunked", "Content-Length": "5"}):
            with self.subTest(order=list(hdrs)):
                chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
                r = raw_request(self.server, req("POST", "/api/v1/auth/login",
                                                 {"Content-Type": "application/json", **hdrs},
                                                 chunked))
                self.assertIsNotNone(r)
                self.assertJsonError(r, 400, "malformed_request")
                self.assertTrue(r.closed)

    def test_duplicate_content_length_is_400(self):
        r = raw_request(self.server, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                        b"Content-Length: 3\r\n\r\n{} ")
        self.assertJsonError(r, 400, "malformed_request")

    # -- media types -------------------------------------------------------------------------
    def test_415_for_text_plain(self):
        r = self.c.post("/api/v1/auth/login", '{"username":"a","password":"b"}',
                        headers={"Content-Type": "text/plain"})
        self.assertJsonError(r, 415, "unsupported_media_type")
        r = self.c.post("/api/v1/auth/login", '{"username":"a","password":"b"}',
                        headers={"Content-Type": "application/json; charset=latin-1"})
        self.assertJsonError(r, 415, "unsupported_media_type")
        r = self.c.post("/api/v1/auth/login", '{"username":"a","password":"b"}')  # no type
        self.assertJsonError(r, 415, "unsupported_media_type")

    def test_415_for_content_encoding(self):
        for enc in ("gzip", "identity", "br"):
            with self.subTest(encoding=enc):
                r = self.c.post("/api/v1/auth/login", '{"username":"a","password":"b"}',
                                headers={"Content-Type": "application/json",
                                         "Content-Encoding": enc})
                self.assertJsonError(r, 415, "unsupported_media_type")

    def test_415_for_coded_transfer_encoding(self):
        # A transfer coding other than chunked (e.g. gzip) would hand us compressed JSON.
        data = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                b"2\r\n{}\r\n0\r\n\r\n")
        r = raw_request(self.server, data)
        self.assertEqual(r.status, 415, str(r))

    def test_json_content_type_variants_accepted(self):
        for ct in ("application/json", "Application/JSON", "application/json; charset=utf-8",
                   "application/json;charset=UTF-8"):
            with self.subTest(ct=ct):
                r = self.c.post("/api/v1/auth/logout", "{}", headers={"Content-Type": ct})
                self.assertJsonError(r, 401)  # past the media type check

    # -- routing -----------------------------------------------------------------------------
    def test_404_json(self):
        # Other unknown paths are the web UI's (index.html); the API's stay JSON 404s.
        r = self.c.get("/api/v1/no/such/thing")
        self.assertJsonError(r, 404, "not_found")
        self.assertTrue(r.header("Content-Type").startswith("application/json"))
        self.assertSecurityHeaders(r.headers, "404")
        self.assertEqual(r.body["error"]["request_id"], r.header("X-Request-Id"))

    def test_405_json_with_allow(self):
        r = self.c.request("POST", "/healthz", "{}", headers={"Content-Type": "application/json"})
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertEqual(r.header("Allow"), "GET, HEAD")
        r = self.c.request("PUT", "/api/v1/auth/tokens", "{}",
                           headers={"Content-Type": "application/json"})
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertEqual(sorted(a.strip() for a in r.header("Allow").split(",")),
                         ["GET", "HEAD", "POST"])
        r = self.c.request("GET", "/api/v1/auth/login")
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertEqual(r.header("Allow"), "POST")
        self.assertSecurityHeaders(r.headers, "405")

    def test_405_for_unknown_method_has_allow(self):
        r = self.c.request("TRACE", "/healthz")
        self.assertJsonError(r, 405, "method_not_allowed")
        self.assertIsNotNone(r.header("Allow"), "405 without Allow")

    def test_head_has_no_body(self):
        r = raw_request(self.server, req("HEAD", "/healthz"), head_only=True)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        # The same connection must still be usable: no stray body bytes follow the head.
        with self.server.connect() as s:
            s.sendall(req("HEAD", "/healthz") + req("GET", "/healthz"))
            r1 = harness.read_response(s, head_only=True)
            r2 = harness.read_response(s)
            self.assertEqual(r1.status, 200)
            self.assertEqual(r2.status, 200)
            self.assertEqual(r2.json(), {"status": "ok"})

    # -- headers -----------------------------------------------------------------------------
    def test_request_id_echo_and_generation(self):
        r = self.c.get("/healthz", headers={"X-Request-Id": "it-req_1.abc"})
        self.assertEqual(r.header("X-Request-Id"), "it-req_1.abc")
        r = self.c.get("/api/v1/auth/me", headers={"X-Request-Id": "it-req-401"})
        self.assertEqual(r.header("X-Request-Id"), "it-req-401")
        self.assertEqual(r.body["error"]["request_id"], "it-req-401")
        seen = set()
        for bad in (None, "has space", "x" * 65, "semi;colon", "<script>"):
            with self.subTest(sent=bad):
                hdrs = {} if bad is None else {"X-Request-Id": bad}
                r = self.c.get("/healthz", headers=hdrs)
                rid = r.header("X-Request-Id")
                self.assertIsNotNone(rid)
                self.assertNotEqual(rid, bad)
                self.assertRegex(rid, UUID_RE)
                self.assertNotIn(rid, seen)
                seen.add(rid)

    def test_security_headers_on_200_404_401(self):
        for path, status in (("/healthz", 200), ("/api/nope", 404), ("/api/v1/auth/me", 401),
                             ("/metrics", 200)):
            with self.subTest(path=path):
                r = self.c.get(path)
                self.assertEqual(r.status, status)
                self.assertSecurityHeaders(r.headers, f"{status} {path}")

    # -- connections -------------------------------------------------------------------------
    def test_keep_alive_50_requests_one_connection(self):
        with self.server.client() as c:
            ports = set()
            for i in range(50):
                path = "/healthz" if i % 2 == 0 else "/api/v1/auth/me"
                r = c.request("GET", path, retry=False)
                self.assertIn(r.status, (200, 401))
                self.assertIsNotNone(c.conn, f"server closed the connection after {i + 1}")
                ports.add(c.conn.sock.getsockname()[1])
            self.assertEqual(len(ports), 1, "requests did not share one connection")

    def test_pipelined_requests(self):
        with self.server.connect() as s:
            s.sendall(b"".join(req("GET", "/healthz", {"X-Request-Id": f"p{i}"})
                               for i in range(10)))
            for i in range(10):
                r = harness.read_response(s)
                self.assertEqual(r.status, 200)
                self.assertEqual(r.headers["x-request-id"], f"p{i}")

    def test_connection_close_honoured(self):
        with self.server.connect() as s:
            s.sendall(req("GET", "/healthz", {"Connection": "close"}))
            r = harness.read_response(s)
            self.assertEqual(r.status, 200)
            self.assertTrue(wait_closed_by_peer(s, 10 * harness.SCALE))


class TimeoutsTest(ServerTestCase):
    """Short timeouts: slow or idle clients are disconnected."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server(args=["--header-timeout-ms", "1000",
                                            "--idle-timeout-ms", "1000",
                                            "--body-timeout-ms", "1000"])

    LIMIT = 6.0 * harness.SCALE  # the server must close within this (1 s timeouts)

    def assertClosedWithin(self, s, started):
        closed = wait_closed_by_peer(s, self.LIMIT * 2)
        elapsed = time.monotonic() - started
        self.assertTrue(closed, f"server kept the connection open for {elapsed:.1f}s")
        self.assertLess(elapsed, self.LIMIT, "closed, but much later than the timeout")
        self.assertGreater(elapsed, 0.5, "closed before the configured timeout")

    def test_slow_header_disconnected(self):
        with self.server.connect() as s:
            started = time.monotonic()
            s.sendall(b"GET /healthz HT")
            self.assertClosedWithin(s, started)

    def test_trickled_header_disconnected(self):
        # Slowloris: one byte every 200 ms keeps each read short, but the header deadline
        # covers the whole head.
        data = req("GET", "/healthz", {"X-Pad": "p" * 200})
        with self.server.connect() as s:
            started = time.monotonic()
            closed = False
            for b in data[:-4]:
                try:
                    s.sendall(bytes([b]))
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                if wait_closed_by_peer(s, 0.2):
                    closed = True
                    break
                if time.monotonic() - started > self.LIMIT * 2:
                    break
            elapsed = time.monotonic() - started
            self.assertTrue(closed, f"still open after {elapsed:.1f}s of trickling")
            self.assertLess(elapsed, self.LIMIT)

    def test_slow_body_disconnected(self):
        with self.server.connect() as s:
            s.sendall(req("POST", "/api/v1/auth/login",
                          {"Content-Type": "application/json", "Content-Length": "100"},
                          b'{"username":'))
            started = time.monotonic()
            self.assertClosedWithin(s, started)

    def test_idle_keep_alive_disconnected(self):
        with self.server.connect() as s:
            s.sendall(req("GET", "/healthz"))
            r = harness.read_response(s)
            self.assertEqual(r.status, 200)
            started = time.monotonic()
            self.assertClosedWithin(s, started)

    def test_connect_without_sending_disconnected(self):
        with self.server.connect() as s:
            started = time.monotonic()
            self.assertClosedWithin(s, started)

    def test_server_healthy_after_timeouts(self):
        socks = [self.server.connect() for _ in range(5)]
        try:
            for s in socks:
                s.sendall(b"GET /hea")
            for s in socks:
                self.assertTrue(wait_closed_by_peer(s, self.LIMIT * 2))
        finally:
            for s in socks:
                s.close()
        with self.server.client() as c:
            self.assertEqual(c.get("/healthz").status, 200)

            def only_this_connection():
                m = re.search(r"(?m)^smartdairy_http_connections_open (\S+)$",
                              c.get("/metrics").body)
                return m is not None and float(m.group(1)) == 1
            # The server notices closed connections asynchronously: poll.
            harness.wait_until(only_this_connection, 20 * harness.SCALE, 0.1,
                               "smartdairy_http_connections_open to drop back to 1")


class MaxConnectionsTest(ServerTestCase):

    def test_connections_over_cap_are_closed(self):
        srv = self.new_server(args=["--max-connections", "4"])
        held = []
        try:
            # Four connections, each proven to be served (so the server counts them).
            for _ in range(4):
                s = srv.connect()
                held.append(s)
                s.sendall(req("GET", "/healthz"))
                self.assertEqual(harness.read_response(s).status, 200)
            extra = srv.connect()
            held.append(extra)
            try:
                extra.sendall(req("GET", "/healthz"))
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.assertIsNone(harness.read_response(extra, 10 * harness.SCALE),
                              "a connection over the cap got a response")
            # Free one slot; new connections are served again (poll: the server notices the
            # close asynchronously).
            held[0].close()

            def served():
                try:
                    r = raw_request(srv, req("GET", "/metrics"), timeout=5)
                except OSError:
                    return None
                return r if r is not None and r.status == 200 else None
            r = harness.wait_until(served, 20 * harness.SCALE, 0.1, "a free connection slot")
            self.assertRegex(r.body.decode(),
                             r"(?m)^smartdairy_http_connections_rejected_total [1-9]")
        finally:
            for s in held:
                s.close()


if __name__ == "__main__":
    unittest.main()
